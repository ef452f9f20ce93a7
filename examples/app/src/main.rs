//! A small HTTP service that migrates itself at boot: `embed_migrations!()` checks
//! `migrations/` at compile time; `main` upgrades the database, then serves.
//!
//! ```sh
//! cargo run -p migrate-example                       # SQLite examples/app/example.db; prints the URL to open
//! DATABASE_URL=postgres://postgres@127.0.0.1/test cargo run -p migrate-example
//! AUTO_MIGRATE=false cargo run -p migrate-example    # serve without migrating (503 while behind)
//! cargo run -p migrate-example -- migrate --help     # the database verbs of `cargo migrate`, no cargo needed
//! ```
//!
//! - `GET /health`: the migration status as JSON — 200 when the database is up to date, 503
//!   while it is behind (pending, drifted or unresolved revisions).
//! - `GET /users`: the application's work (the number of users); 503 while the database is
//!   behind, so a load balancer keeps traffic away from a replica whose schema is not there yet.
//!
//! Environment: `DATABASE_URL` (also read from `.env`; default `database-url` of
//! `[package.metadata.migrate]`, the file `example.db` beside Cargo.toml), `AUTO_MIGRATE` (default `true`;
//! `false`, `0` or `no` leave migrating to `myapp migrate upgrade`), `LISTEN` (default
//! `127.0.0.1:3000`; port 0 picks a free one), `MIGRATE_LOCK` (`auto`, `advisory` or `lease`),
//! `RUST_LOG`.

use std::process::ExitCode;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use migrate_runtime::{AnyPool, DatabaseUrl, LockStrategy, Migrations, embed_migrations};

/// The revisions of this application, checked and embedded at compile time.
static MIGRATIONS: Migrations = embed_migrations!();

/// The address served when `LISTEN` is not set.
const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    use std::io::IsTerminal as _;
    // Colour only on a terminal: a log file gets no escape codes.
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
    // `myapp migrate …`: the operator's commands; they connect only when a verb needs to.
    if let Some(code) = MIGRATIONS.run_cli(std::env::args_os()).await {
        return code;
    }
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What the handlers share.
struct App {
    pool: AnyPool,
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The same database `myapp migrate` and `cargo migrate` resolve from this folder.
    let url = DatabaseUrl::resolve(None, MIGRATIONS.config_database_url())?;
    let pool = AnyPool::connect(url.as_str()).await?;
    if auto_migrate() {
        let report = MIGRATIONS.runner().lock(lock_strategy()?).upgrade(&pool).await?;
        let at = if report.after.is_empty() { &report.before } else { &report.after };
        println!("{}: {} revision(s) applied, at {}", url.redacted(), report.steps.len(), at.join(", "));
    } else {
        println!("{}: AUTO_MIGRATE is off; run `migrate upgrade` to migrate", url.redacted());
    }
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| DEFAULT_LISTEN.into());
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    // The signal handlers exist before anyone is told where to connect (or to stop us).
    let stop = shutdown()?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr} (open http://{addr}/health)");
    let app = Arc::new(App { pool });
    let router =
        axum::Router::new().route("/health", get(health)).route("/users", get(users)).with_state(Arc::clone(&app));
    axum::serve(listener, router).with_graceful_shutdown(stop).await?;
    app.pool.close().await;
    Ok(())
}

/// `MIGRATE_LOCK`: `auto` (default), `advisory` or `lease` — `lease` behind PgBouncer in
/// transaction mode on another port than auto can detect, or on any cluster.
fn lock_strategy() -> Result<LockStrategy, String> {
    match std::env::var("MIGRATE_LOCK") {
        Ok(v) => LockStrategy::parse(v.trim()).ok_or_else(|| format!("MIGRATE_LOCK={v}: use auto, advisory or lease")),
        Err(_) => Ok(MIGRATIONS.lock_strategy()),
    }
}

/// `AUTO_MIGRATE`: on unless `false`, `0` or `no`.
fn auto_migrate() -> bool {
    match std::env::var("AUTO_MIGRATE") {
        Ok(v) => !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no"),
        Err(_) => true,
    }
}

/// Ctrl-C or SIGTERM (what an orchestrator sends) stops serving: the handlers are installed
/// here, the returned future ends at the first signal.
#[cfg(unix)]
fn shutdown() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (mut interrupt, mut terminate) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Ctrl-C stops serving.
#[cfg(not(unix))]
fn shutdown() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// `GET /health`: `{"up_to_date": bool, "migrations": Status}`; 503 while behind or when the
/// database cannot be read.
async fn health(State(app): State<Arc<App>>) -> (StatusCode, Json<serde_json::Value>) {
    match MIGRATIONS.status(&app.pool).await {
        Ok(status) => {
            let code = if status.is_up_to_date() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
            (code, Json(serde_json::json!({ "up_to_date": status.is_up_to_date(), "migrations": status })))
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                serde_json::json!({ "up_to_date": false, "error": { "code": e.code().as_str(), "message": e.to_string() } }),
            ),
        ),
    }
}

/// `GET /users`: the application's work, refused with 503 while the schema is behind.
async fn users(State(app): State<Arc<App>>) -> (StatusCode, Json<serde_json::Value>) {
    use migrate_runtime::sqlx;
    let behind = match MIGRATIONS.status(&app.pool).await {
        Ok(status) if status.is_up_to_date() => None,
        Ok(status) => Some(format!("the database is behind: {} revision(s) pending", status.pending.len())),
        Err(e) => Some(e.to_string()),
    };
    if let Some(why) = behind {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "error": why })));
    }
    let count_sql = "SELECT COUNT(*) FROM users";
    let users: Result<i64, sqlx::Error> = match &app.pool {
        AnyPool::Postgres(p) => sqlx::query_scalar(count_sql).fetch_one(p).await,
        AnyPool::MySql(p) => sqlx::query_scalar(count_sql).fetch_one(p).await,
        AnyPool::Sqlite(p) => sqlx::query_scalar(count_sql).fetch_one(p).await,
        AnyPool::_None(never) => match *never {},
    };
    match users {
        Ok(n) => (StatusCode::OK, Json(serde_json::json!({ "users": n }))),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({ "error": e.to_string() }))),
    }
}
