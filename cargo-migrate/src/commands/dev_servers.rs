//! Development servers for scratch databases (`test`, `check --schema`): `--dev-url`, else
//! `MIGRATE_DEV_DATABASE_URL` (several separated by spaces or commas), else `dev-database-url`
//! in `[package.metadata.migrate]`. SQLite needs none (its scratch databases live in memory).
//! [`with_scratch`] runs a command's work with its scratch databases and always drops them.

use migrate_core::Dialect;
use migrate_runtime::cli::Failure;
use migrate_runtime::tool::Scratch;

use crate::context::Context;

/// The environment variable naming development servers.
pub const DEV_URL_ENV: &str = "MIGRATE_DEV_DATABASE_URL";

/// The development servers to use, each checked to be a PostgreSQL or MySQL URL.
///
/// # Errors
/// [`Failure::Usage`] for a URL of another kind (password redacted).
pub fn dev_urls(ctx: &Context, given: &[String]) -> Result<Vec<String>, Failure> {
    let urls = if !given.is_empty() {
        given.to_vec()
    } else {
        let from_env: Vec<String> = std::env::var(DEV_URL_ENV)
            .unwrap_or_default()
            .split([' ', ',', '\n'])
            .filter(|u| !u.trim().is_empty())
            .map(|u| u.trim().to_owned())
            .collect();
        if from_env.is_empty() { ctx.package.config.dev_database_urls.clone() } else { from_env }
    };
    for url in &urls {
        if Dialect::from_url(url).is_none_or(|d| d == Dialect::Sqlite) {
            return Err(Failure::Usage(format!(
                "`{}` is not a PostgreSQL or MySQL server URL (SQLite's scratch databases live in memory)",
                migrate_runtime::redact_url(url)
            )));
        }
    }
    Ok(urls)
}

/// The server for `dialect` among `urls`: `Ok(None)` for SQLite; `Err(why)` (a sentence) when a
/// server dialect has none, for a "skipped" line.
pub fn server_for(urls: &[String], dialect: Dialect) -> Result<Option<&str>, String> {
    if dialect == Dialect::Sqlite {
        return Ok(None);
    }
    urls.iter().map(String::as_str).find(|u| Dialect::from_url(u) == Some(dialect)).map(Some).ok_or_else(|| {
        format!(
            "no development server for {dialect}: pass --dev-url, set {DEV_URL_ENV}, or set dev-database-url in [package.metadata.migrate]"
        )
    })
}

/// Runs `work` on a new async runtime with a fresh list of scratch databases, then drops every
/// database the work created — also when it failed or when Ctrl-C interrupted it. Returns what
/// the work returned and the databases that could not be dropped, each as a sentence.
///
/// # Errors
/// [`Failure::Problem`] when the runtime cannot start, or on Ctrl-C (after dropping).
pub fn with_scratch<T>(work: impl AsyncFnOnce(&Scratch) -> T) -> Result<(T, Vec<String>), Failure> {
    super::database::runtime()?.block_on(async {
        let scratch = Scratch::new();
        let done = tokio::select! {
            done = work(&scratch) => Some(done),
            _ = tokio::signal::ctrl_c() => None,
        };
        let leftovers: Vec<String> = scratch.drop_all().await.iter().map(ToString::to_string).collect();
        done.map(|d| (d, leftovers))
            .ok_or_else(|| Failure::Problem("interrupted: the scratch databases were dropped".into()))
    })
}

/// The error for scratch databases [`with_scratch`] could not drop.
pub fn leftovers_failure(leftovers: &[String]) -> Failure {
    Failure::Problem(format!("scratch databases could not be dropped: {}", leftovers.join("; ")))
}
