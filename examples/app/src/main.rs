//! An application that migrates itself at boot: `embed_migrations!()` checks `migrations/` at
//! compile time, and `main` upgrades the database before doing its work.
//!
//! ```sh
//! cargo run -p migrate-example                       # SQLite file example.db, created if missing
//! DATABASE_URL=postgres://postgres@127.0.0.1/test cargo run -p migrate-example
//! cargo run -p migrate-example -- migrate status     # the operator commands, no cargo needed
//! ```

use std::process::ExitCode;

use migrate_runtime::{AnyPool, CliOutcome, Migrations, embed_migrations, redact_url};

/// The revisions of this application, checked and embedded at compile time.
static MIGRATIONS: Migrations = embed_migrations!();

/// The database used when `DATABASE_URL` is not set.
const DEFAULT_URL: &str = "sqlite://example.db";

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
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_URL.into());
    let pool = AnyPool::connect(&url).await?;
    if let CliOutcome::Handled(_) = MIGRATIONS.run_cli(&pool, std::env::args()).await? {
        return Ok(());
    }
    let report = MIGRATIONS.upgrade(&pool).await?;
    println!(
        "{}: {} revision(s) applied, at {}",
        redact_url(&url),
        report.steps.len(),
        if report.after.is_empty() { report.before.join(", ") } else { report.after.join(", ") }
    );
    serve(&pool).await?;
    pool.close().await;
    Ok(())
}

/// The application's work: it relies on the schema the revisions built.
async fn serve(pool: &AnyPool) -> Result<(), Box<dyn std::error::Error>> {
    use migrate_runtime::sqlx;
    let count_sql = "SELECT COUNT(*) FROM users";
    let users: i64 = match pool {
        AnyPool::Postgres(p) => sqlx::query_scalar(count_sql).fetch_one(p).await?,
        AnyPool::MySql(p) => sqlx::query_scalar(count_sql).fetch_one(p).await?,
        AnyPool::Sqlite(p) => sqlx::query_scalar(count_sql).fetch_one(p).await?,
        AnyPool::_None(never) => match *never {},
    };
    println!("the users table is ready ({users} rows)");
    Ok(())
}
