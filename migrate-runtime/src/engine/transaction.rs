//! Transactions of our own: starting one (SQLite's `BEGIN IMMEDIATE` retried while another
//! writer holds the database, up to the lock timeout) and sending a batch that is rolled back
//! when it fails.

use std::time::{Duration, Instant};

use crate::backend::Conn;
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;

/// How often to retry `BEGIN IMMEDIATE` on a busy SQLite database.
const BUSY_POLL: Duration = Duration::from_millis(50);

/// Starts a transaction and runs `then` (a query) in the same round trip, returning its rows.
/// `table` names the lock in the timeout error.
pub(crate) async fn begin_with(
    conn: &mut Conn,
    lock_timeout: Duration,
    table: &str,
    then: Option<&str>,
) -> Result<Vec<Vec<Option<String>>>, MigrateError> {
    let dialect = conn.dialect();
    let started = Instant::now();
    let sql = match then {
        Some(query) => format!("{};\n{query}", dialect.begin()),
        None => dialect.begin().to_owned(),
    };
    loop {
        match conn.rows(&sql).await {
            Ok(rows) => return Ok(rows),
            Err(e) if dialect == Dialect::Sqlite && is_busy(&e) && started.elapsed() < lock_timeout => {
                tracing::debug!("SQLite is busy; waiting to begin");
                tokio::time::sleep(BUSY_POLL).await;
            }
            Err(e) if dialect == Dialect::Sqlite && is_busy(&e) => {
                return Err(MigrateError::LockTimeout {
                    table: table.to_owned(),
                    holder: "another connection writing to this SQLite database".into(),
                    waited: started.elapsed(),
                });
            }
            Err(e) => {
                if then.is_some() {
                    let _ = conn.execute("ROLLBACK").await;
                }
                return Err(MigrateError::db("starting a transaction", e));
            }
        }
    }
}

/// How many times a whole transaction of our own is sent again after a write conflict.
const CONFLICT_RETRIES: u32 = 10;

/// Sends `sql` (statements of our own, ending in `COMMIT` when they close the transaction); on
/// failure rolls the open transaction back and says what was being done. A batch that is a
/// whole transaction (it begins with `BEGIN`) and fails with a conflict the server asks to retry
/// — a Galera certification failure, a deadlock — is sent again: it holds nothing but our own
/// bookkeeping, so an applied revision is not left recorded as `started` by a lost race.
pub(crate) async fn send_or_roll_back(
    conn: &mut Conn,
    doing: impl FnOnce() -> String,
    sql: &str,
) -> Result<(), MigrateError> {
    let whole = sql.starts_with(conn.dialect().begin());
    let mut attempt = 0;
    loop {
        match conn.execute(sql).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                let _ = conn.execute("ROLLBACK").await;
                if whole && attempt < CONFLICT_RETRIES && crate::backend::is_retryable_conflict(&e) {
                    attempt += 1;
                    tracing::debug!(attempt, "a write conflict on our own transaction: sending it again");
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
                    continue;
                }
                return Err(MigrateError::db(doing(), e));
            }
        }
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.message().contains("locked") || db.message().contains("busy"),
        _ => false,
    }
}
