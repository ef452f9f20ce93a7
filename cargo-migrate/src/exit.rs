//! Exit codes and the failure type every command returns.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | a problem was found: an invalid file or graph, a refused operation, an I/O error |
//! | 2 | usage: bad arguments, an unknown target or revision |

use std::process::ExitCode;

use migrate_core::Diagnostics;

/// A problem was found.
pub const PROBLEM: u8 = 1;
/// The command line was wrong.
pub const USAGE: u8 = 2;

/// Why a command failed; printed to stderr, never stdout.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// The folder or graph has errors (exit 1); printed as diagnostics.
    Invalid(Diagnostics),
    /// Anything else that stops the command (exit 1).
    Problem(String),
    /// A problem already reported on stdout (e.g. as JSON); exit 1 and print nothing more.
    Silent,
    /// A problem whose text already carries its `error[code]:` prefix (exit 1).
    Reported(String),
}

impl Failure {
    /// Prints the failure to stderr and returns its exit code.
    pub fn report(self, color: bool) -> ExitCode {
        match self {
            Failure::Usage(msg) => {
                eprintln!("error: {msg}");
                USAGE.into()
            }
            Failure::Invalid(diagnostics) => {
                crate::output::print_diagnostics(&diagnostics, color);
                eprintln!("error: {} problem(s) found", diagnostics.error_count());
                PROBLEM.into()
            }
            Failure::Problem(msg) => {
                eprintln!("error: {msg}");
                PROBLEM.into()
            }
            Failure::Silent => PROBLEM.into(),
            Failure::Reported(msg) => {
                eprintln!("{msg}");
                PROBLEM.into()
            }
        }
    }
}

impl From<migrate_core::TargetError> for Failure {
    fn from(e: migrate_core::TargetError) -> Self {
        Failure::Usage(e.to_string())
    }
}
