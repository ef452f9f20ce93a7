//! The migration lock, held through a guard that releases it on every path, in one of two
//! kinds ([`LockStrategy`]): a session lock (below) or the lease of `lease.rs`, which holds
//! where a session lock does not (behind a transaction-mode pooler, on a Galera cluster).
//! `auto` takes the session lock unless the server says it would not hold: a Galera node
//! (`wsrep_on`), or a server whose own port differs from the one connected to (a pooler or proxy
//! in between); `advisory` refuses in those cases rather than hold a lock that is not one.
//!
//! PostgreSQL: `pg_try_advisory_lock`, polled (a blocked `pg_advisory_lock` deadlocks against a
//! holder running `CREATE INDEX CONCURRENTLY`), keyed by schema and history table so two
//! applications in one database do not block each other. MySQL/MariaDB: `GET_LOCK`, result
//! checked. SQLite has no session lock: each revision runs in `BEGIN IMMEDIATE` and re-checks
//! the history inside it (see `engine`). The guard owns the connection: released explicitly on
//! success; dropped on any other path, it closes the session, which frees the lock server-side.
//! Between two tries a waiter asks its [`Waiting`] whether the work is already done (the boot
//! reads the summary row), so a fleet's waiters end when the holder commits, without the lock.

mod lease;

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::backend::{Conn, DbPool};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;

/// Which migration lock to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LockStrategy {
    /// The session lock where it holds, else the lease (the default); `-v` logs which.
    #[default]
    Auto,
    /// The session lock (`pg_try_advisory_lock`, `GET_LOCK`); refused where it is known not to
    /// hold. SQLite: `BEGIN IMMEDIATE` per revision.
    Advisory,
    /// The lease row in `<history>_lock`, renewed while the run lasts (also on SQLite).
    Lease,
}

impl LockStrategy {
    /// `auto`, `advisory` or `lease`; `None` for another word.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auto" => Some(Self::Auto),
            "advisory" => Some(Self::Advisory),
            "lease" => Some(Self::Lease),
            _ => None,
        }
    }

    /// As written in the configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Advisory => "advisory",
            Self::Lease => "lease",
        }
    }
}

/// The longest wait between two tries of the lease (each try is two statements).
const MAX_LEASE_POLL: Duration = Duration::from_millis(250);

/// What the guard holds.
enum Held {
    /// Nothing to release (SQLite without a lease: `BEGIN IMMEDIATE` per revision).
    Nothing,
    /// A session lock, released by this statement (or by closing the session).
    Session(String),
    /// A lease row.
    Lease(lease::Lease),
}

/// The first wait before retrying a lock held by someone else; each retry waits twice as long,
/// up to `MAX_POLL`, so a waiter notices promptly when a short holder finishes and does not
/// hammer the server while a long one runs.
const FIRST_POLL: Duration = Duration::from_millis(5);
/// The longest wait between two tries.
const MAX_POLL: Duration = Duration::from_millis(50);
/// How often to log that we are still waiting.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// A held migration lock and the connection that holds it.
pub(crate) struct LockGuard {
    conn: Option<Conn>,
    held: Held,
    /// A statement putting the session's settings back (PostgreSQL's connection check), run on
    /// release.
    restore: Option<String>,
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

    /// Fails when the lock is no longer ours (a lease taken over after it expired): checked
    /// before each revision, so a run that stalled past its lease stops instead of racing.
    pub fn ensure_held(&self, table: &str) -> Result<(), MigrateError> {
        match &self.held {
            Held::Lease(lease) if !lease.held() => Err(MigrateError::LockLost { table: table.to_owned() }),
            _ => Ok(()),
        }
    }

    /// Releases the lock and returns the connection to its pool.
    pub async fn release(mut self) -> Result<(), MigrateError> {
        let Some(mut conn) = self.conn.take() else { return Ok(()) };
        match std::mem::replace(&mut self.held, Held::Nothing) {
            Held::Nothing => {}
            Held::Session(sql) => {
                if let Err(e) = conn.execute(&sql).await {
                    conn.discard();
                    return Err(MigrateError::db("releasing the migration lock", e));
                }
            }
            Held::Lease(lease) => {
                if let Err(e) = lease.release(&mut conn).await {
                    conn.discard();
                    return Err(e);
                }
            }
        }
        if let Some(sql) = self.restore.take()
            && let Err(e) = conn.execute(&sql).await
        {
            conn.discard();
            return Err(MigrateError::db("putting the session's settings back", e));
        }
        Ok(()) // `conn` goes back to its pool here, unlocked.
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let held = std::mem::replace(&mut self.held, Held::Nothing);
        let session_lock = matches!(held, Held::Session(_));
        if let Held::Lease(lease) = held {
            lease.release_in_background();
        }
        if let Some(conn) = self.conn.take()
            && (session_lock || self.session_changed)
        {
            tracing::debug!("closing the migrating session to release the migration lock and its settings");
            conn.discard();
        }
    }
}

/// What a waiter asks between two tries of the lock: whether another process has done the
/// work, so that waiting can end without the lock. One read on the waiting connection.
pub(crate) trait Waiting: Send {
    /// `true` when there is nothing left to do.
    fn done<'a>(
        &'a mut self,
        conn: &'a mut Conn,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, MigrateError>> + Send + 'a>>;
}

/// A wait that only ends with the lock (stamp, resolve, a downgrade).
pub(crate) struct UntilLocked;

impl Waiting for UntilLocked {
    fn done<'a>(
        &'a mut self,
        _: &'a mut Conn,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, MigrateError>> + Send + 'a>> {
        Box::pin(async { Ok(false) })
    }
}

/// How a wait for the lock ended.
pub(crate) enum Acquired {
    /// The lock is ours.
    Held(LockGuard),
    /// While waiting, `done` said another process did the work: the lock was not taken, and
    /// the connection went back to its pool with its session as it was.
    Done,
}

/// Takes the migration lock `strategy` says for `table` on `conn` (the lease's heartbeat gets
/// a connection of its own from `pool`'s settings), waiting up to `timeout`. Between two tries
/// it asks `done` (one read on the waiting connection) and stops waiting when that says there
/// is nothing left to do: a fleet's waiters end as soon as the holder commits, instead of
/// taking the lock one after the other only to find nothing to do.
///
/// # Errors
/// [`MigrateError::LockTimeout`] naming the holder; [`MigrateError::LockUnreliable`] for
/// `advisory` where a session lock would not hold; a database error (also from `done`).
pub(crate) async fn acquire(
    mut conn: Conn,
    pool: DbPool<'_>,
    table: &str,
    strategy: LockStrategy,
    timeout: Duration,
    lease_ttl: Duration,
    done: &mut dyn Waiting,
) -> Result<Acquired, MigrateError> {
    let dialect = conn.dialect();
    // Under the lease the answer only decides whether PostgreSQL's session setting may be set.
    let unreliable = match (strategy, dialect) {
        (LockStrategy::Lease, Dialect::MySql | Dialect::Sqlite) => None,
        _ => session_lock_unreliable(&mut conn, pool).await?,
    };
    let use_lease = match (strategy, dialect, &unreliable) {
        (LockStrategy::Lease, _, _) => true,
        (_, Dialect::Sqlite, _) => false,
        (LockStrategy::Advisory, _, Some(why)) => return Err(MigrateError::LockUnreliable { why: why.clone() }),
        (_, _, Some(why)) => {
            tracing::info!("using the lease lock: {why}");
            true
        }
        (_, _, None) => false,
    };
    if use_lease {
        tracing::debug!(table, ttl_s = lease_ttl.as_secs(), "migration lock: lease");
        // Behind a pooler a session setting would stay on whichever server session ran it.
        let restore = if unreliable.is_none() { watch_client(&mut conn).await? } else { None };
        let lease = match lease::acquire(&mut conn, pool, table, timeout, lease_ttl, done).await {
            Ok(Some(lease)) => lease,
            outcome => {
                // Not back to the pool with our session setting, unless it is put back.
                let restored = match &restore {
                    Some(r) if outcome.is_ok() => conn.execute(&format!("SELECT {r}")).await.is_ok(),
                    Some(_) => false,
                    None => true,
                };
                if !restored {
                    conn.discard();
                }
                return outcome.map(|_| Acquired::Done);
            }
        };
        return Ok(Acquired::Held(LockGuard {
            conn: Some(conn),
            held: Held::Lease(lease),
            session_changed: restore.is_some(),
            restore: restore.map(|r| format!("SELECT {r}")),
        }));
    }
    tracing::debug!(
        table,
        "migration lock: {}",
        if dialect == Dialect::Sqlite { "BEGIN IMMEDIATE per revision" } else { "session (advisory) lock" }
    );
    session_lock(conn, table, timeout, done).await
}

/// Why a session lock would not hold on this connection, if the server says so: a Galera
/// node (`GET_LOCK` is local to the node), or a server listening on another port than the one
/// connected to (a pooler or proxy in between, which may run each statement on another server
/// session).
async fn session_lock_unreliable(conn: &mut Conn, pool: DbPool<'_>) -> Result<Option<String>, MigrateError> {
    let port_sql = match conn.dialect() {
        Dialect::Postgres => "SELECT current_setting('port')",
        Dialect::MySql => "SELECT CAST(@@port AS CHAR)",
        Dialect::Sqlite => return Ok(None),
    };
    if conn.dialect() == Dialect::MySql {
        let rows = conn
            .rows("SHOW VARIABLES LIKE 'wsrep_on'")
            .await
            .map_err(|e| MigrateError::db("asking whether the server is a Galera node", e))?;
        let on = rows.first().and_then(|r| r.get(1).cloned().flatten()).is_some_and(|v| v.eq_ignore_ascii_case("ON"));
        if on {
            return Ok(Some(
                "the server is a Galera cluster node (wsrep_on), where GET_LOCK is local to the node".into(),
            ));
        }
    }
    let server_port = conn.scalar(port_sql).await.map_err(|e| MigrateError::db("reading the server's port", e))?;
    let server_port = server_port.and_then(|p| p.trim().parse::<u16>().ok());
    match (server_port, pool.port()) {
        (Some(server), Some(ours)) if server != ours => Ok(Some(format!(
            "the server listens on port {server} but this connection goes to port {ours}: a pooler or proxy is in between, where a session lock may not hold (PgBouncer in transaction mode runs statements on other server sessions)"
        ))),
        _ => Ok(None),
    }
}

/// From PostgreSQL 14 on, asks the server to check every second that we are still there while
/// a statement runs: a migrator killed mid-revision then has its transaction rolled back (and
/// its locks freed) at once, not when the statement ends — which matters to whoever takes over,
/// with either lock. Returns the expression that puts the session's own setting back.
async fn watch_client(conn: &mut Conn) -> Result<Option<String>, MigrateError> {
    if conn.pg_version().is_none_or(|v| v < 140_000) {
        return Ok(None);
    }
    let sql = "SELECT current_setting('client_connection_check_interval'), set_config('client_connection_check_interval', '1s', false)";
    let previous =
        conn.scalar(sql).await.map_err(|e| MigrateError::db("setting client_connection_check_interval", e))?;
    Ok(previous
        .map(|p| format!("set_config('client_connection_check_interval', {}, false)", Dialect::Postgres.literal(&p))))
}

/// Takes the session lock for `table` (qualified with its schema or database, see `session`)
/// on `conn`, waiting up to `timeout` or until `done` says there is nothing left to do.
async fn session_lock(
    mut conn: Conn,
    table: &str,
    timeout: Duration,
    done: &mut dyn Waiting,
) -> Result<Acquired, MigrateError> {
    let dialect = conn.dialect();
    let (try_sql, release_sql, holder_sql) = match dialect {
        Dialect::Postgres => {
            let restore = watch_client(&mut conn).await?.map(|r| format!(", {r}")).unwrap_or_default();
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
        Dialect::Sqlite => {
            return Ok(Acquired::Held(LockGuard {
                conn: Some(conn),
                held: Held::Nothing,
                session_changed: false,
                restore: None,
            }));
        }
    };
    let started = Instant::now();
    let mut logged = Instant::now();
    let mut poll = FIRST_POLL;
    loop {
        match conn.scalar(&try_sql).await {
            Ok(Some(got)) if got == "1" || got == "t" || got == "true" => {
                return Ok(Acquired::Held(LockGuard {
                    conn: Some(conn),
                    held: Held::Session(release_sql),
                    session_changed: false,
                    restore: None,
                }));
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
        if done.done(&mut conn).await? {
            tracing::debug!(table, "another process did the work while this one waited for the lock");
            return Ok(Acquired::Done);
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

/// The statements another session runs to hold off migrators that use the lease lock of
/// `qualified_table` for `hold` (creating the lease table if missing): the lease is then
/// `owner`'s until it expires or its row is deleted. Does nothing while another process holds
/// the lease (check with the `<history>_lock` table).
pub fn lease_statement(dialect: Dialect, qualified_table: &str, owner: &str, hold: Duration) -> String {
    let table = lease::LeaseTable::new(dialect, qualified_table);
    format!("{};\n{}", table.create(), table.insert(owner, hold))
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
