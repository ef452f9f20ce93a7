//! The `cargo-migrate` binary: `cargo migrate <command>`.

fn main() -> std::process::ExitCode {
    cargo_migrate::main_impl(std::env::args_os())
}
