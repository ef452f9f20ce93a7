//! What the database verbs need from the `cargo migrate` process: an async runtime to drive
//! them, and progress logs on stderr. The verbs themselves, the URL resolution and the errors
//! are `migrate_runtime::cli`'s.

use migrate_runtime::cli::Failure;

use crate::context::Context;

/// A single-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Problem(format!("cannot start the async runtime: {e}")))
}

/// Logs the engine's progress (`running revision`, with step n of m) to stderr.
pub fn init_logging(ctx: &Context) {
    let level = match (ctx.quiet, ctx.verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    init_logging_at(ctx, level);
}

/// Logs the engine's messages at `level` and above to stderr (`CARGO_MIGRATE_LOG` overrides);
/// at `warn`, sqlx's own warnings (a slow `DROP DATABASE` of a scratch database) are left out.
pub fn init_logging_at(ctx: &Context, level: &str) {
    let sqlx = if level == "warn" { "error" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CARGO_MIGRATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("migrate_runtime={level},sqlx={sqlx}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(ctx.color)
        .try_init();
}
