//! Rust revisions: `.rs` files of the migrations folder whose `up`/`down` functions
//! `embed_migrations!(database = "…")` compiles into the application as modules, and the
//! engine runs on the migrating connection, in the revision's transaction (unless
//! `transaction: false`) and with its history row, in the same order and history table as SQL
//! revisions.
//!
//! A revision's functions take the connection of the application's database and return a
//! `Result` whose error converts into [`BoxError`] (`sqlx::Error` does):
//!
//! ```ignore
//! // revision: 3f2a9c
//! // revises: 1b7e44
//! // message: split names
//!
//! pub async fn up(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> { Ok(()) }
//! pub async fn down(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> { Ok(()) }
//! ```
//!
//! A revision written for several databases is generic over [`Db`] instead
//! (`pub async fn up(db: &mut impl migrate_runtime::rust::Db)`), which the three connection
//! types implement. `cargo migrate` (which does not compile the application) lists, validates
//! and schedules them, but cannot run them: it names the application's command instead.

use std::future::Future;
use std::pin::Pin;

use migrate_core::{Direction, Plan, Revision, RevisionGraph};

use crate::dialect::{Dialect, SqlText as _};
use crate::engine::Options;
use crate::error::MigrateError;

/// The error a Rust revision's function returns, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a compiled-in function returns.
pub type RustFuture<'c> = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'c>>;

/// What a Rust revision's `up` or `down` returns: `Result<(), E>` whose error converts into
/// [`BoxError`]. `embed_migrations!` converts through it, so a function returning anything
/// else is a compile error that says so and names the revision and its file (`R`, a marker
/// type the macro names after them).
#[diagnostic::on_unimplemented(
    message = "a Rust revision's `up`/`down` returns `{Self}`, not `Result<(), E>` with an error that converts into a boxed error",
    label = "revision and file: `{R}`",
    note = "write `pub async fn up(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error>` (the connection of the application's database)"
)]
pub trait RevisionResult<R> {
    /// The result with its error boxed.
    ///
    /// # Errors
    /// The function's own error, boxed.
    fn into_boxed(self) -> Result<(), BoxError>;
}

impl<R, E: Into<BoxError>> RevisionResult<R> for Result<(), E> {
    fn into_boxed(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// A compiled-in `up` or `down`, on the connection type of the application's database.
#[derive(Clone, Copy)]
pub enum RustFn {
    /// On PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(for<'c> fn(&'c mut sqlx::PgConnection) -> RustFuture<'c>),
    /// On MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    MySql(for<'c> fn(&'c mut sqlx::MySqlConnection) -> RustFuture<'c>),
    /// On SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(for<'c> fn(&'c mut sqlx::SqliteConnection) -> RustFuture<'c>),
    /// Uninhabited: keeps matches valid when no database feature is on.
    #[doc(hidden)]
    _None(std::convert::Infallible),
}

impl RustFn {
    /// The database it runs on.
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            RustFn::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            RustFn::MySql(_) => Dialect::MySql,
            #[cfg(feature = "sqlite")]
            RustFn::Sqlite(_) => Dialect::Sqlite,
            RustFn::_None(never) => match *never {},
        }
    }
}

impl std::fmt::Debug for RustFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RustFn({})", self.dialect())
    }
}

/// The compiled-in functions of one Rust revision, as `embed_migrations!` writes them.
#[derive(Debug, Clone, Copy)]
pub struct RustRevision {
    /// The revision id.
    pub id: &'static str,
    /// Its `up`.
    pub up: RustFn,
    /// Its `down`, if the file has one.
    pub down: Option<RustFn>,
}

/// What a Rust revision written for several databases receives: a connection with raw SQL,
/// rows as text and its dialect. Implemented by the three connection types; a revision written
/// for one database takes that connection type instead and uses sqlx with bind parameters.
pub trait Db: Send {
    /// The database's dialect.
    fn dialect(&self) -> Dialect;

    /// Runs one statement; the number of rows it changed.
    fn execute<'a>(&'a mut self, sql: &'a str) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'a;

    /// Runs one query; its rows, every column as text (`None` for NULL).
    fn rows<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> impl Future<Output = Result<Vec<Vec<Option<String>>>, sqlx::Error>> + Send + 'a;

    /// `text` as a string literal of this database (quotes doubled; MySQL's backslashes too).
    fn literal(&self, text: &str) -> String {
        self.dialect().literal(text)
    }
}

macro_rules! impl_db {
    ($feature:literal, $conn:ty, $dialect:expr) => {
        #[cfg(feature = $feature)]
        impl Db for $conn {
            fn dialect(&self) -> Dialect {
                $dialect
            }

            fn execute<'a>(&'a mut self, sql: &'a str) -> impl Future<Output = Result<u64, sqlx::Error>> + Send + 'a {
                async move {
                    let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut *self).await?;
                    Ok(done.rows_affected())
                }
            }

            fn rows<'a>(
                &'a mut self,
                sql: &'a str,
            ) -> impl Future<Output = Result<Vec<Vec<Option<String>>>, sqlx::Error>> + Send + 'a {
                async move {
                    use sqlx::Row as _;
                    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(&mut *self).await?;
                    rows.iter()
                        .map(|row| (0..row.len()).map(|i| row.try_get::<Option<String>, _>(i)).collect())
                        .collect()
                }
            }
        }
    };
}

impl_db!("postgres", sqlx::PgConnection, Dialect::Postgres);
impl_db!("mysql", sqlx::MySqlConnection, Dialect::MySql);
impl_db!("sqlite", sqlx::SqliteConnection, Dialect::Sqlite);

/// The compiled-in function that runs `r` (a Rust revision) up or down, if any.
pub(crate) fn compiled_in(options: &Options, r: &Revision, up: bool) -> Option<RustFn> {
    let compiled = options.rust.iter().find(|c| c.id == r.id.as_str())?;
    if up { Some(compiled.up) } else { compiled.down }
}

/// Refuses, before anything runs, a plan with a Rust revision whose function is not compiled
/// into this process (`cargo migrate`), or was compiled for another database.
///
/// # Errors
/// [`MigrateError::RustNotCompiledIn`] naming the revision and the application's command;
/// [`MigrateError::RustWrongDatabase`].
pub(crate) fn check_compiled_in(
    graph: &RevisionGraph,
    plan: &Plan,
    options: &Options,
    dialect: Dialect,
) -> Result<(), MigrateError> {
    let up = plan.direction == Direction::Up;
    for r in plan.steps.iter().map(|&n| graph.revision(n)).filter(|r| r.is_rust()) {
        match compiled_in(options, r, up) {
            None => {
                return Err(MigrateError::RustNotCompiledIn {
                    revision: r.id.to_string(),
                    path: r.source.path.clone(),
                    command: format!("{} {}", options.app_command, if up { "upgrade" } else { "downgrade" }),
                });
            }
            Some(f) if f.dialect() != dialect => {
                return Err(MigrateError::RustWrongDatabase {
                    revision: r.id.to_string(),
                    compiled: f.dialect(),
                    database: dialect,
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Runs a compiled-in function on the migrating connection.
pub(crate) async fn run(f: RustFn, conn: &mut crate::backend::Conn) -> Result<(), BoxError> {
    use crate::backend::Conn;
    match (f, conn) {
        #[cfg(feature = "postgres")]
        (RustFn::Postgres(f), Conn::Postgres(c)) => f(c).await,
        #[cfg(feature = "mysql")]
        (RustFn::MySql(f), Conn::MySql(c)) => f(c).await,
        #[cfg(feature = "sqlite")]
        (RustFn::Sqlite(f), Conn::Sqlite(c)) => f(c).await,
        (f, conn) => Err(format!("compiled for {}, run on {}", f.dialect(), conn.dialect()).into()),
    }
}

#[cfg(all(test, feature = "macros", feature = "sqlite"))]
mod tests {
    use crate::{AnyPool, Migrations};

    static MIXED: Migrations = crate::embed_migrations!("tests/fixtures/rust", database = "sqlite");

    async fn names(pool: &sqlx::SqlitePool) -> Vec<(String, Option<String>, Option<String>)> {
        sqlx::query_as("SELECT name, first_name, last_name FROM users ORDER BY id").fetch_all(pool).await.expect("rows")
    }

    #[tokio::test]
    async fn a_rust_revision_runs_between_sql_revisions_and_goes_down() {
        let pool = AnyPool::connect("sqlite::memory:").await.expect("open");
        let AnyPool::Sqlite(sqlite) = &pool else { unreachable!("a SQLite URL") };
        MIXED.runner().upgrade_to(&pool, "r1").await.expect("r1");
        sqlx::query("INSERT INTO users (name) VALUES ('Ada Lovelace'), ('Plato')").execute(sqlite).await.expect("rows");
        let report = MIXED.upgrade(&pool).await.expect("upgrade");
        assert_eq!(report.steps.iter().map(|s| s.revision.as_str()).collect::<Vec<_>>(), ["r2", "r3"]);
        let split = names(sqlite).await;
        assert_eq!(split[0], ("Ada Lovelace".into(), Some("Ada".into()), Some("Lovelace".into())));
        assert_eq!(split[1], ("Plato".into(), Some("Plato".into()), Some(String::new())));
        let status = MIXED.status(&pool).await.expect("status");
        assert!(status.is_up_to_date() && status.drifted.is_empty(), "{status:?}");
        MIXED.runner().downgrade(&pool, "r1").await.expect("down");
        let joined = names(sqlite).await;
        assert_eq!(joined[0], ("Ada Lovelace".into(), None, None));
        let stairway = MIXED.test_stairway(&AnyPool::connect("sqlite::memory:").await.expect("open")).await;
        assert_eq!(stairway.expect("stairway").revisions.len(), 3);
        pool.close().await;
    }
}
