//! The lease lock: one row in `<history>_lock` (owner, expiry in the server's clock), taken by an
//! atomic insert-or-take-over, renewed by a heartbeat on a connection of its own while a run
//! lasts, taken over by another process only after it expired, deleted on release. Unlike a
//! session lock it holds behind a transaction-mode pooler (every statement stands alone) and on
//! a Galera cluster (the row is replicated; of two nodes writing it at once, the loser's commit
//! fails certification with 1213 and it simply has not got the lease).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::Waiting;
use crate::backend::{AnyPool, Conn, DbPool, is_retryable_conflict};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;

/// The key of the one row: the table belongs to one history table already.
const KEY: &str = "migrations";

/// The statements of the lease table of one history table.
#[derive(Debug, Clone)]
pub(crate) struct LeaseTable {
    dialect: Dialect,
    quoted: String,
}

impl LeaseTable {
    /// For the history table `history` (qualified as the session qualified it).
    pub fn new(dialect: Dialect, history: &str) -> Self {
        Self { dialect, quoted: dialect.quote_table(&crate::table::companion_name(history, "lock")) }
    }

    /// The server's clock in milliseconds since 1970: every expiry is compared in one clock.
    fn now_ms(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
            Dialect::MySql => "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)",
            Dialect::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        }
    }

    /// Creates the table if missing (a primary key: Galera replicates only tables with one).
    pub fn create(&self) -> String {
        let text = if self.dialect == Dialect::MySql { "VARCHAR(255)" } else { "TEXT" };
        let key = if self.dialect == Dialect::MySql { "VARCHAR(64)" } else { "TEXT" };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (name {key} NOT NULL PRIMARY KEY, owner {text} NOT NULL, expires_ms BIGINT NOT NULL)",
            self.quoted
        )
    }

    /// Inserts the row for `owner` unless one exists (1 row: taken).
    pub fn insert(&self, owner: &str, ttl: Duration) -> String {
        let d = self.dialect;
        let values = format!("({}, {}, {} + {})", d.literal(KEY), d.literal(owner), self.now_ms(), ttl.as_millis());
        match d {
            Dialect::Postgres => {
                format!(
                    "INSERT INTO {} (name, owner, expires_ms) VALUES {values} ON CONFLICT (name) DO NOTHING",
                    self.quoted
                )
            }
            Dialect::MySql => format!("INSERT IGNORE INTO {} (name, owner, expires_ms) VALUES {values}", self.quoted),
            Dialect::Sqlite => {
                format!("INSERT OR IGNORE INTO {} (name, owner, expires_ms) VALUES {values}", self.quoted)
            }
        }
    }

    /// Takes an expired row over (1 row: taken).
    pub fn take_over(&self, owner: &str, ttl: Duration) -> String {
        let d = self.dialect;
        format!(
            "UPDATE {} SET owner = {}, expires_ms = {now} + {} WHERE name = {} AND expires_ms < {now}",
            self.quoted,
            d.literal(owner),
            ttl.as_millis(),
            d.literal(KEY),
            now = self.now_ms(),
        )
    }

    /// Pushes the expiry of `owner`'s row on (0 rows: the lease was lost).
    pub fn renew(&self, owner: &str, ttl: Duration) -> String {
        let d = self.dialect;
        format!(
            "UPDATE {} SET expires_ms = {} + {} WHERE name = {} AND owner = {}",
            self.quoted,
            self.now_ms(),
            ttl.as_millis(),
            d.literal(KEY),
            d.literal(owner)
        )
    }

    /// Deletes `owner`'s row.
    pub fn release(&self, owner: &str) -> String {
        let d = self.dialect;
        format!("DELETE FROM {} WHERE name = {} AND owner = {}", self.quoted, d.literal(KEY), d.literal(owner))
    }

    /// Who holds it and for how much longer, as one text.
    pub fn holder(&self) -> String {
        let d = self.dialect;
        let text = if d == Dialect::MySql { "CHAR" } else { "TEXT" };
        let remaining = format!("CAST((expires_ms - {}) / 1000 AS {text})", self.now_ms());
        let concat = match d {
            Dialect::Sqlite => format!("owner || ' (lease expires in ' || {remaining} || ' s)'"),
            _ => format!("CONCAT(owner, ' (lease expires in ', {remaining}, ' s)')"),
        };
        format!("SELECT {concat} FROM {} WHERE name = {}", self.quoted, d.literal(KEY))
    }
}

/// A held lease: its heartbeat, and what releases it.
pub(crate) struct Lease {
    table: LeaseTable,
    owner: String,
    lost: Arc<AtomicBool>,
    heartbeat: tokio::task::JoinHandle<()>,
    side: AnyPool,
}

impl Lease {
    /// `false` once the heartbeat found the row taken over (after it expired): the run must
    /// stop before its next revision.
    pub fn held(&self) -> bool {
        !self.lost.load(Ordering::SeqCst)
    }

    /// Stops the heartbeat and deletes the row on `conn`.
    pub async fn release(self, conn: &mut Conn) -> Result<(), MigrateError> {
        self.heartbeat.abort();
        let sql = self.table.release(&self.owner);
        let result = retry_conflicts(conn, &sql).await;
        self.side.close().await;
        result.map(|_| ()).map_err(|e| MigrateError::db("releasing the migration lease", e))
    }

    /// Stops the heartbeat and deletes the row from a task of its own (dropped on an error
    /// path, with no connection to await on); if that cannot run, the lease expires.
    pub fn release_in_background(self) {
        self.heartbeat.abort();
        let Ok(handle) = tokio::runtime::Handle::try_current() else { return };
        let sql = self.table.release(&self.owner);
        let side = self.side;
        handle.spawn(async move {
            if let Ok(mut conn) = Conn::acquire(side.as_db()).await
                && let Err(e) = conn.execute(&sql).await
            {
                tracing::warn!(error = %e, "releasing the migration lease failed; it expires on its own");
            }
            side.close().await;
        });
    }
}

/// Runs `sql`, retrying while the server reports a conflict to retry (a Galera certification
/// failure, a deadlock): our own short statements are safe to repeat.
pub(crate) async fn retry_conflicts(conn: &mut Conn, sql: &str) -> Result<u64, sqlx::Error> {
    let mut attempt = 0;
    loop {
        match conn.execute_count(sql).await {
            Err(e) if is_retryable_conflict(&e) && attempt < 20 => {
                attempt += 1;
                tracing::debug!(attempt, "a write conflict on our own statement: retrying");
                tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// A name for this process that says where it runs: host, pid and a per-run number.
fn owner_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{host} pid {} run {:x}", std::process::id(), nanos & 0xffff_ffff)
}

/// Takes the lease of `history` on `conn`, waiting up to `timeout`: creates the table, then
/// inserts the row or takes an expired one over, polling with backoff. Starts the heartbeat.
/// `None` when, between two tries, `done` says there is nothing left to do.
///
/// # Errors
/// [`MigrateError::LockTimeout`] naming the holder; a database error.
pub(crate) async fn acquire(
    conn: &mut Conn,
    pool: DbPool<'_>,
    history: &str,
    timeout: Duration,
    ttl: Duration,
    done: &mut dyn Waiting,
) -> Result<Option<Lease>, MigrateError> {
    let table = LeaseTable::new(conn.dialect(), history);
    // Two processes creating it at once: PostgreSQL may refuse one (a duplicate type); the
    // second try finds it there.
    if conn.execute(&table.create()).await.is_err() {
        retry_conflicts(conn, &table.create())
            .await
            .map_err(|e| MigrateError::db("creating the migration lease table", e))?;
    }
    let owner = owner_name();
    let started = Instant::now();
    let mut logged = Instant::now();
    let mut poll = super::FIRST_POLL;
    loop {
        if take(conn, &table, &owner, ttl).await? {
            tracing::debug!(owner = %owner, ttl_s = ttl.as_secs(), "took the migration lease");
            let lost = Arc::new(AtomicBool::new(false));
            let side = pool.single_connection_pool();
            let heartbeat = tokio::spawn(heartbeat(side.clone(), table.clone(), owner.clone(), ttl, Arc::clone(&lost)));
            return Ok(Some(Lease { table, owner, lost, heartbeat, side }));
        }
        if started.elapsed() >= timeout || logged.elapsed() >= super::LOG_EVERY {
            let holder = conn.scalar(&table.holder()).await.ok().flatten().unwrap_or_else(|| "another process".into());
            if started.elapsed() >= timeout {
                return Err(MigrateError::LockTimeout { table: history.to_owned(), holder, waited: started.elapsed() });
            }
            tracing::warn!(table = history, holder = %holder, waited_s = started.elapsed().as_secs(), "waiting for the migration lease");
            logged = Instant::now();
        }
        if done.done(conn).await? {
            tracing::debug!(table = history, "another process did the work while this one waited for the lease");
            return Ok(None);
        }
        tokio::time::sleep(poll).await;
        poll = (poll * 2).min(super::MAX_LEASE_POLL);
    }
}

/// One attempt: insert, else take an expired row over. A write conflict (another node's write
/// certified first) means not taken.
async fn take(conn: &mut Conn, table: &LeaseTable, owner: &str, ttl: Duration) -> Result<bool, MigrateError> {
    for sql in [table.insert(owner, ttl), table.take_over(owner, ttl)] {
        match conn.execute_count(&sql).await {
            Ok(1) => return Ok(true),
            Ok(_) => {}
            Err(e) if is_retryable_conflict(&e) => return Ok(false),
            Err(e) => return Err(MigrateError::db("taking the migration lease", e)),
        }
    }
    Ok(false)
}

/// Renews the lease every third of its time to live; marks it lost when the row is no longer
/// ours (another process took it over after it expired: this one stalled longer than the TTL).
async fn heartbeat(side: AnyPool, table: LeaseTable, owner: String, ttl: Duration, lost: Arc<AtomicBool>) {
    let every = ttl / 3;
    let mut last_renewed = Instant::now();
    loop {
        tokio::time::sleep(every).await;
        let renewed = match Conn::acquire(side.as_db()).await {
            Ok(mut conn) => retry_conflicts(&mut conn, &table.renew(&owner, ttl)).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match renewed {
            Ok(1) => last_renewed = Instant::now(),
            Ok(_) => {
                tracing::error!(owner = %owner, "the migration lease was taken over by another process");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(e) if last_renewed.elapsed() >= ttl => {
                tracing::error!(error = %e, "the migration lease could not be renewed within its time to live");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(e) => tracing::warn!(error = %e, "renewing the migration lease failed; retrying"),
        }
    }
}
