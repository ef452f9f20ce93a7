//! Reaching the database from the CLI: the URL (flag, `DATABASE_URL`, `.env`, config), a pool,
//! a runtime to drive the async engine, and errors with passwords redacted.

use std::path::Path;

use migrate_runtime::{AnyPool, MigrateError, redact_secret};

use crate::context::Context;
use crate::exit::Failure;

/// The database URL: `--database-url`, then `DATABASE_URL` (the environment, then `.env` in
/// the current folder or above), then `database-url` in `[package.metadata.migrate]`.
pub fn database_url(ctx: &Context) -> Result<String, Failure> {
    let url = ctx
        .database_url
        .clone()
        .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .or_else(dotenv_url)
        .or_else(|| ctx.package.config.database_url.clone())
        .ok_or_else(|| {
            Failure::Usage(
                "no database: pass --database-url, set DATABASE_URL, or set `database-url` in [package.metadata.migrate]".into(),
            )
        })?;
    Ok(anchor_sqlite(&url, &ctx.package.root))
}

fn dotenv_url() -> Option<String> {
    let path = dotenvy::dotenv_iter().ok()?;
    path.filter_map(Result::ok).find(|(k, _)| k == "DATABASE_URL").map(|(_, v)| v)
}

/// A relative SQLite path is taken relative to the package root, so the CLI finds the same
/// file from any folder of the package.
fn anchor_sqlite(url: &str, root: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        return url.to_owned();
    };
    if rest.starts_with('/') || rest.starts_with(':') || rest.is_empty() {
        return url.to_owned();
    }
    format!("sqlite://{}", root.join(rest).display())
}

/// A single-threaded runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Problem(format!("cannot start the async runtime: {e}")))
}

/// Connects within `timeout`, or says why not (password redacted).
pub async fn connect(url: &str, timeout: std::time::Duration) -> Result<AnyPool, Failure> {
    AnyPool::connect_timeout(url, timeout).await.map_err(|e| failure(&e, url))
}

/// An engine error as a CLI failure, with the password of `url` redacted from the text.
pub fn failure(e: &MigrateError, url: &str) -> Failure {
    let usage = matches!(e, MigrateError::Target(_) | MigrateError::UnsupportedUrl { .. } | MigrateError::Usage(_));
    Failure::Coded { code: e.code(), message: redact_secret(&e.to_string(), url), usage }
}

/// Logs the engine's progress (`running revision`, with step n of m) to stderr.
pub fn init_logging(ctx: &Context) {
    let level = match (ctx.quiet, ctx.verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CARGO_MIGRATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("migrate_runtime={level},sqlx=warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(ctx.color)
        .try_init();
}
