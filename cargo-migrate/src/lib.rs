//! cargo-migrate: the `cargo migrate` subcommand.
//!
//! `main_impl` parses the command line, finds the package, and runs one command from
//! `commands/`. File format, graph rules and targets all come from migrate-core; this crate
//! only presents them. Exit codes are documented in
//! `migrate_runtime::cli::Failure`.

mod argv;
mod cli;
mod commands;
mod context;
mod workspace;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

pub use migrate_runtime::cli::Failure;

/// Runs `cargo migrate` with these arguments (the program name first) and returns the exit
/// code: 0 ok, 1 a problem found, 2 usage.
pub fn main_impl(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(argv::normalize(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { migrate_runtime::cli::USAGE.into() } else { ExitCode::SUCCESS };
        }
    };
    let color = migrate_runtime::cli::use_color(cli.global.db.color);
    let json = cli.global.db.format == migrate_runtime::cli::Format::Json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(color, json),
    }
}

fn run(cli: cli::Cli) -> Result<(), Failure> {
    let ctx = context::Context::new(&cli.global)?;
    commands::exec(&ctx, cli.command)
}
