//! The migration lock, held through a guard that releases it on every path.
//!
//! PostgreSQL: `pg_try_advisory_lock`, polled (a blocked `pg_advisory_lock` deadlocks against a
//! holder running `CREATE INDEX CONCURRENTLY`), keyed by schema and history table so two
//! applications in one database do not block each other. MySQL/MariaDB: `GET_LOCK`, result
//! checked. SQLite has no session lock: each revision runs in `BEGIN IMMEDIATE` and re-checks
//! the history inside it (see `engine`). The guard owns the connection: released explicitly on
//! success; dropped on any other path, it closes the session, which frees the lock server-side.

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::backend::Conn;
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;

/// The first wait before retrying a lock held by someone else; each retry waits twice as long,
/// up to `MAX_POLL`, so a waiter notices promptly when a short holder finishes and does not
/// hammer the server while a long one runs.
const FIRST_POLL: Duration = Duration::from_millis(5);
/// The longest wait between two tries.
const MAX_POLL: Duration = Duration::from_millis(100);
/// How often to log that we are still waiting.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// A held migration lock and the connection that holds it.
pub(crate) struct LockGuard {
    conn: Option<Conn>,
    release_sql: Option<String>,
    /// The session was changed (SQLite's foreign keys turned off): dropped without `release`,
    /// the connection is closed rather than handed back to the pool in that state.
    session_changed: bool,
}

impl LockGuard {
    /// The connection holding the lock.
    pub fn conn(&mut self) -> &mut Conn {
        self.conn.as_mut().expect("the connection is only taken by release or drop")
    }

    /// Marks the session as changed until `release`: see `session_changed`.
    pub fn mark_session_changed(&mut self) {
        self.session_changed = true;
    }

    /// Releases the lock and returns the connection to its pool.
    pub async fn release(mut self) -> Result<(), MigrateError> {
        let Some(mut conn) = self.conn.take() else { return Ok(()) };
        if let Some(sql) = self.release_sql.take() {
            if let Err(e) = conn.execute(&sql).await {
                conn.discard();
                return Err(MigrateError::db("releasing the migration lock", e));
            }
        }
        Ok(()) // `conn` goes back to its pool here, unlocked.
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if self.release_sql.is_some() || self.session_changed {
                tracing::debug!("closing the migrating session to release the migration lock and its settings");
                conn.discard();
            }
        }
    }
}

/// Takes the migration lock for `table` (qualified with its schema or database, see
/// `session`) on `conn`, waiting up to `timeout`.
///
/// # Errors
/// [`MigrateError::LockTimeout`] naming the holder; a database error.
pub(crate) async fn acquire(mut conn: Conn, table: &str, timeout: Duration) -> Result<LockGuard, MigrateError> {
    let dialect = conn.dialect();
    let (try_sql, release_sql, holder_sql) = match dialect {
        Dialect::Postgres => {
            // From PostgreSQL 14 on, the server checks every second that we are still there while
            // a statement runs: a migrator killed mid-revision then has its transaction rolled
            // back and its lock freed at once, not when the statement ends. The session's own
            // setting is put back on release.
            let mut restore = String::new();
            if conn.pg_version().is_some_and(|v| v >= 140_000) {
                let sql = "SELECT current_setting('client_connection_check_interval'), set_config('client_connection_check_interval', '1s', false)";
                let previous = conn
                    .scalar(sql)
                    .await
                    .map_err(|e| MigrateError::db("setting client_connection_check_interval", e))?;
                if let Some(previous) = previous {
                    restore = format!(
                        ", set_config('client_connection_check_interval', {}, false)",
                        dialect.literal(&previous)
                    );
                }
            }
            let key = lock_key(table);
            (
                format!("SELECT CAST(pg_try_advisory_lock({key}) AS TEXT)"),
                format!("SELECT CAST(pg_advisory_unlock({key}) AS TEXT){restore}"),
                format!(
                    "SELECT CONCAT('pid ', a.pid, ' (', COALESCE(a.application_name, ''), ' from ', COALESCE(CAST(a.client_addr AS TEXT), 'local socket'), ', ', COALESCE(a.state, ''), ' since ', CAST(a.query_start AS TEXT), ': ', LEFT(a.query, 120), ')') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 1",
                    (key >> 32) as u32,
                    key as u32
                ),
            )
        }
        Dialect::MySql => {
            let name = dialect.literal(&lock_name(table));
            (
                format!("SELECT CAST(GET_LOCK({name}, 0) AS CHAR)"),
                format!("SELECT CAST(RELEASE_LOCK({name}) AS CHAR)"),
                format!(
                    "SELECT CONCAT('connection ', p.ID, ' (', p.USER, '@', p.HOST, ', ', COALESCE(p.COMMAND, ''), ' for ', p.TIME, 's: ', LEFT(COALESCE(p.INFO, ''), 120), ')') FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({name})"
                ),
            )
        }
        Dialect::Sqlite => return Ok(LockGuard { conn: Some(conn), release_sql: None, session_changed: false }),
    };
    let started = Instant::now();
    let mut logged = Instant::now();
    let mut poll = FIRST_POLL;
    loop {
        match conn.scalar(&try_sql).await {
            Ok(Some(got)) if got == "1" || got == "t" || got == "true" => {
                return Ok(LockGuard { conn: Some(conn), release_sql: Some(release_sql), session_changed: false });
            }
            Ok(_) => {}
            Err(e) => {
                conn.discard();
                return Err(MigrateError::db("taking the migration lock", e));
            }
        }
        if started.elapsed() >= timeout || logged.elapsed() >= LOG_EVERY {
            let holder = conn.scalar(&holder_sql).await.ok().flatten().unwrap_or_else(|| "another session".into());
            if started.elapsed() >= timeout {
                conn.discard(); // not back to the pool with our session setting
                return Err(MigrateError::LockTimeout { table: table.to_owned(), holder, waited: started.elapsed() });
            }
            tracing::warn!(table, holder = %holder, waited_s = started.elapsed().as_secs(), "waiting for the migration lock");
            logged = Instant::now();
        }
        tokio::time::sleep(poll).await;
        poll = (poll * 2).min(MAX_POLL);
    }
}

/// The statement another session runs to take the migration lock of `qualified_table`
/// (`schema.table` on PostgreSQL, `database.table` on MySQL/MariaDB) and wait for it: to hold
/// migrations off by hand during maintenance. The lock is the session's: it is released by
/// `pg_advisory_unlock`/`RELEASE_LOCK`, or when the session ends. SQLite has no session lock:
/// `BEGIN IMMEDIATE` holds every migrator off until the transaction ends.
pub fn lock_statement(dialect: Dialect, qualified_table: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("SELECT pg_advisory_lock({})", lock_key(qualified_table)),
        Dialect::MySql => format!("SELECT GET_LOCK({}, 31536000)", dialect.literal(&lock_name(qualified_table))),
        Dialect::Sqlite => "BEGIN IMMEDIATE".to_owned(),
    }
}

/// The PostgreSQL advisory lock key for a qualified table: the first 8 bytes of SHA-256.
pub(crate) fn lock_key(qualified_table: &str) -> i64 {
    let digest = Sha256::digest(format!("cargo-migrate:{qualified_table}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The MySQL lock name (at most 64 characters) for a qualified table.
pub(crate) fn lock_name(qualified_table: &str) -> String {
    let name = format!("cargo-migrate:{qualified_table}");
    if name.len() <= 64 { name } else { format!("cargo-migrate:{:016x}", lock_key(qualified_table)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_per_table_and_names_fit() {
        assert_ne!(lock_key("public.migrate_history"), lock_key("public.other_history"));
        assert_eq!(lock_key("public.migrate_history"), lock_key("public.migrate_history"));
        assert!(lock_name(&"x".repeat(100)).len() <= 64);
        assert_eq!(lock_name("app.migrate_history"), "cargo-migrate:app.migrate_history");
        assert_eq!(
            lock_statement(Dialect::MySql, "app.migrate_history"),
            "SELECT GET_LOCK('cargo-migrate:app.migrate_history', 31536000)"
        );
        let pg = lock_statement(Dialect::Postgres, "public.migrate_history");
        assert_eq!(pg, format!("SELECT pg_advisory_lock({})", lock_key("public.migrate_history")));
    }
}
