//! Exit codes and the failure type every command of both front doors returns.
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

/// Why a command failed: printed to stderr; with `--format json` also as one JSON document on
/// stdout (`{"error": {"code", "message", "exit_code"}}`, or `diagnostics` for an invalid folder).
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments (exit 2).
    Usage(String),
    /// The folder or graph has errors (exit 1); printed as diagnostics.
    Invalid(Diagnostics),
    /// Anything else that stops the command (exit 1).
    Problem(String),
    /// A problem already reported (on stdout as JSON, or as the command's own output): exit 1
    /// and print nothing more.
    Silent,
    /// An error of the runtime with its stable code, shown as `error[code]: message` (exit 2
    /// when `usage`, else 1).
    Coded {
        /// The runtime's code (`MigrateError::code`).
        code: crate::error::ErrorCode,
        /// The message, passwords already redacted.
        message: String,
        /// A usage error (an unknown target, an unsupported URL).
        usage: bool,
    },
}

impl Failure {
    /// Prints the failure (to stderr; with `json` also as JSON on stdout) and returns its exit
    /// code.
    pub fn report(self, color: bool, json: bool) -> ExitCode {
        let exit = match &self {
            Failure::Usage(_) | Failure::Coded { usage: true, .. } => USAGE,
            _ => PROBLEM,
        };
        let (code, message) = match self {
            Failure::Usage(msg) => ("usage", msg),
            Failure::Invalid(diagnostics) => {
                super::output::print_diagnostics(&diagnostics, color);
                let summary = format!("{} problem(s) found", diagnostics.error_count());
                eprintln!("error: {summary}");
                if json {
                    let list: Vec<_> = diagnostics.iter().map(super::output::diagnostic_json).collect();
                    super::output::print_json(&serde_json::json!({
                        "error": {"code": "invalid", "message": summary, "exit_code": exit, "diagnostics": list}
                    }));
                }
                return exit.into();
            }
            Failure::Problem(msg) => ("problem", msg),
            Failure::Silent => return exit.into(),
            Failure::Coded { code, message, .. } => {
                eprintln!("error[{code}]: {message}");
                if json {
                    print_json_error(code.as_str(), &message, exit);
                }
                return exit.into();
            }
        };
        eprintln!("error: {message}");
        if json {
            print_json_error(code, &message, exit);
        }
        exit.into()
    }
}

fn print_json_error(code: &str, message: &str, exit: u8) {
    super::output::print_json(&serde_json::json!({"error": {"code": code, "message": message, "exit_code": exit}}));
}

impl Failure {
    /// A runtime error as a failure with its code, the password of `url` (if any) redacted
    /// from the text. Targets, URLs and usage errors exit 2; the rest 1.
    pub fn from_error(e: &crate::error::MigrateError, url: Option<&str>) -> Self {
        use crate::error::MigrateError as E;
        let usage = matches!(e, E::Target(_) | E::UnsupportedUrl { .. } | E::Usage(_) | E::NoDatabaseUrl);
        let text = e.to_string();
        let message = match url {
            Some(url) => crate::error::redact_secret(&text, url),
            None => text,
        };
        Failure::Coded { code: e.code(), message, usage }
    }
}

impl From<migrate_core::TargetError> for Failure {
    fn from(e: migrate_core::TargetError) -> Self {
        Failure::Usage(e.to_string())
    }
}
