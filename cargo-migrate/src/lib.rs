//! cargo-migrate: the `cargo migrate` subcommand.
//!
//! `main_impl` parses the command line, finds the package, and runs one command from
//! `commands/`. File format, graph rules and targets all come from migrate-core; this crate
//! only presents them. Exit codes are documented in `exit.rs`.

mod argv;
mod cli;
mod commands;
mod context;
mod draw;
mod exit;
mod output;
mod workspace;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use exit::Failure;

/// Runs `cargo migrate` with these arguments (the program name first) and returns the exit
/// code: 0 ok, 1 a problem found, 2 usage.
pub fn main_impl(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(argv::normalize(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::USAGE.into() } else { ExitCode::SUCCESS };
        }
    };
    let color = output::use_color(cli.global.color);
    let json = cli.global.format == cli::Format::Json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(color, json),
    }
}

fn run(cli: cli::Cli) -> Result<(), Failure> {
    let ctx = context::Context::new(&cli.global)?;
    commands::exec(&ctx, cli.command)
}
