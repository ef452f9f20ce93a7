//! The databases: a pool reference for each (`DbPool`), one pooled connection (`Conn`), and the
//! two things every statement needs — run it, or read its rows as text. Everything else is SQL
//! text from `dialect`, so there is one code path per operation, not one per database.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Row as _};

use crate::dialect::Dialect;
use crate::error::{MigrateError, db_message};

/// The database features compiled in, for messages.
pub(crate) fn enabled_features() -> &'static str {
    match (cfg!(feature = "postgres"), cfg!(feature = "mysql"), cfg!(feature = "sqlite")) {
        (true, true, true) => "postgres, mysql, sqlite",
        (true, true, false) => "postgres, mysql",
        (true, false, true) => "postgres, sqlite",
        (false, true, true) => "mysql, sqlite",
        (true, false, false) => "postgres",
        (false, true, false) => "mysql",
        (false, false, true) => "sqlite",
        (false, false, false) => "none",
    }
}

/// A pool of one of the supported databases: `&PgPool`, `&MySqlPool` or `&SqlitePool` convert
/// into it, so `MIGRATIONS.upgrade(&pool)` takes any of them.
#[derive(Debug, Clone, Copy)]
pub enum DbPool<'a> {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(&'a sqlx::PgPool),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    MySql(&'a sqlx::MySqlPool),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(&'a sqlx::SqlitePool),
    /// Keeps the type valid when no database feature is enabled (embedding only).
    #[doc(hidden)]
    _None(std::convert::Infallible, std::marker::PhantomData<&'a ()>),
}

#[cfg(feature = "postgres")]
impl<'a> From<&'a sqlx::PgPool> for DbPool<'a> {
    fn from(pool: &'a sqlx::PgPool) -> Self {
        DbPool::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl<'a> From<&'a sqlx::MySqlPool> for DbPool<'a> {
    fn from(pool: &'a sqlx::MySqlPool) -> Self {
        DbPool::MySql(pool)
    }
}

#[cfg(feature = "sqlite")]
impl<'a> From<&'a sqlx::SqlitePool> for DbPool<'a> {
    fn from(pool: &'a sqlx::SqlitePool) -> Self {
        DbPool::Sqlite(pool)
    }
}

impl DbPool<'_> {
    /// The dialect of this database.
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            DbPool::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            DbPool::MySql(_) => Dialect::MySql,
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(_) => Dialect::Sqlite,
            DbPool::_None(never, _) => match *never {},
        }
    }
}

/// One connection taken from a pool for a whole migration (session locks live on it).
pub(crate) enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    #[allow(dead_code, reason = "uninhabited: keeps matches valid when no database feature is on")]
    None(std::convert::Infallible),
}

/// Runs `$body` with `$c` bound to the concrete connection (`&mut DB::Connection`).
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            Conn::Postgres(pooled) => {
                let $c = &mut **pooled;
                $body
            }
            #[cfg(feature = "mysql")]
            Conn::MySql(pooled) => {
                let $c = &mut **pooled;
                $body
            }
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(pooled) => {
                let $c = &mut **pooled;
                $body
            }
            Conn::None(never) => match *never {},
        }
    };
}

impl Conn {
    /// Takes a connection from the pool.
    pub async fn acquire(pool: DbPool<'_>) -> Result<Self, MigrateError> {
        let acquiring = Self::acquire_now(pool);
        tokio::pin!(acquiring);
        tokio::select! {
            result = &mut acquiring => return result,
            () = tokio::time::sleep(SLOW_CONNECT) => {}
        }
        tracing::warn!("still waiting for a database connection from the pool (its acquire timeout bounds the wait)");
        acquiring.await
    }

    async fn acquire_now(pool: DbPool<'_>) -> Result<Self, MigrateError> {
        let failed = |e: sqlx::Error| MigrateError::db("taking a connection from the pool", e);
        Ok(match pool {
            #[cfg(feature = "postgres")]
            DbPool::Postgres(p) => Conn::Postgres(p.acquire().await.map_err(failed)?),
            #[cfg(feature = "mysql")]
            DbPool::MySql(p) => Conn::MySql(p.acquire().await.map_err(failed)?),
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(p) => Conn::Sqlite(p.acquire().await.map_err(failed)?),
            DbPool::_None(never, _) => match never {},
        })
    }

    /// The dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Conn::MySql(_) => Dialect::MySql,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::None(never) => match *never {},
        }
    }

    /// The server's version number (`server_version_num`, e.g. 150019) on PostgreSQL; `None`
    /// elsewhere.
    pub fn pg_version(&self) -> Option<u32> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => c.server_version_num(),
            _ => None,
        }
    }

    /// Runs one statement (text protocol, so any DDL is accepted).
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let statement = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        with_conn!(self, c => statement.execute(c).await.map(|_| ()))
    }

    /// Runs one statement and returns how many rows it changed (inserted, updated, deleted).
    pub async fn execute_count(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        let statement = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        with_conn!(self, c => statement.execute(c).await.map(|r| r.rows_affected()))
    }

    /// Runs `COPY … FROM stdin` (`sql`) and sends `data` (text or CSV lines, as `pg_dump`
    /// writes them) through the COPY protocol. PostgreSQL only: elsewhere an error.
    #[cfg_attr(not(feature = "postgres"), allow(unused_variables, reason = "COPY is PostgreSQL's"))]
    pub async fn copy_in(&mut self, sql: &str, data: &str) -> Result<(), sqlx::Error> {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => {
                let mut copy = c.copy_in_raw(sql).await?;
                let sent = copy.send(data.as_bytes()).await.map(|_| ());
                match sent {
                    Ok(()) => copy.finish().await.map(|_| ()),
                    Err(e) => {
                        let _ = copy.abort(e.to_string()).await;
                        Err(e)
                    }
                }
            }
            #[allow(unreachable_patterns, reason = "reachable when another database feature is on")]
            _ => Err(sqlx::Error::Protocol("COPY … FROM stdin runs only on PostgreSQL".into())),
        }
    }

    /// Runs one query and returns its rows with every column as text.
    pub async fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        let statement = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        with_conn!(self, c => {
            let rows = statement.fetch_all(c).await?;
            rows.iter()
                .map(|row| (0..row.columns().len()).map(|i| row.try_get::<Option<String>, _>(i)).collect())
                .collect()
        })
    }

    /// [`Conn::rows`] for a read of our own outside a transaction, sent again (up to 20 times,
    /// backing off) while the server reports a conflict to retry: a Galera node aborts a read
    /// that a replicated `CREATE TABLE` or write set overtakes ("Deadlock found", 1213).
    pub async fn rows_retrying(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
        let mut attempt = 0;
        loop {
            match self.rows(sql).await {
                Err(e) if is_retryable_conflict(&e) && attempt < 20 => {
                    attempt += 1;
                    tracing::debug!(attempt, "a read of our own lost a conflict: retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(5 * attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// The first column of the first row, as text.
    pub async fn scalar(&mut self, sql: &str) -> Result<Option<String>, sqlx::Error> {
        Ok(self.rows(sql).await?.into_iter().next().and_then(|r| r.into_iter().next().flatten()))
    }

    /// Runs a statement of our own, mapping a failure to a [`MigrateError::Database`].
    pub async fn run(&mut self, doing: &str, sql: &str) -> Result<(), MigrateError> {
        self.execute(sql).await.map_err(|e| MigrateError::db(doing, e))
    }

    /// Closes the session instead of returning the connection to the pool: the server then
    /// releases its session locks and rolls back any open transaction.
    pub fn discard(self) {
        match self {
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => drop(c.detach()),
            #[cfg(feature = "mysql")]
            Conn::MySql(c) => drop(c.detach()),
            #[cfg(feature = "sqlite")]
            Conn::Sqlite(c) => drop(c.detach()),
            Conn::None(never) => match never {},
        }
    }
}

/// Checks that something listens on `host:port` (a TCP connect, nothing sent): a refused
/// connection is reported at once instead of after the connect timeout. A Unix socket path is
/// left to the driver.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn reachable(host: &str, port: u16) -> Result<(), sqlx::Error> {
    if host.starts_with('/') || host.is_empty() {
        return Ok(());
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match tokio::net::TcpStream::connect((host, port)).await {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(sqlx::Error::Io(e)),
        // Anything else (a name that does not resolve, a slow network) is left to the driver,
        // which reports it in its own words and within the timeout.
        Err(_) => Ok(()),
    }
}

/// `true` when `e` is a serialization failure or deadlock the server asks the client to retry:
/// SQLSTATE 40001 / 40P01, MySQL/MariaDB error 1213 (what a Galera node returns when another node's
/// write to the same row certified first).
pub(crate) fn is_retryable_conflict(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("40001") | Some("40P01") | Some("1213"))
                || db.message().contains("Deadlock found")
        }
        _ => false,
    }
}

/// `true` when `e` says the table does not exist.
pub(crate) fn is_missing_table(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code();
            matches!(code.as_deref(), Some("42P01") | Some("42S02")) || db.message().contains("no such table")
        }
        _ => false,
    }
}

/// The database's message for a failed revision statement.
pub(crate) fn statement_message(e: &sqlx::Error) -> String {
    db_message(e)
}

/// A pool opened from a URL, of whichever database the URL names.
#[derive(Debug, Clone)]
pub enum AnyPool {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// Keeps the type valid when no database feature is enabled (embedding only).
    #[doc(hidden)]
    _None(std::convert::Infallible),
}

/// How long [`AnyPool::connect`] waits for a server to answer.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// After this long still connecting, a warning names the (redacted) server.
const SLOW_CONNECT: Duration = Duration::from_secs(1);

impl AnyPool {
    /// Opens a small pool for `url` (`postgres://`, `mysql://`, `mariadb://`, `sqlite:`),
    /// waiting at most [`DEFAULT_CONNECT_TIMEOUT`] for the server. A SQLite file is created if
    /// missing.
    ///
    /// # Errors
    /// As [`AnyPool::connect_timeout`].
    pub async fn connect(url: &str) -> Result<Self, MigrateError> {
        Self::connect_timeout(url, DEFAULT_CONNECT_TIMEOUT).await
    }

    /// Opens a small pool for `url`, waiting at most `timeout` for the server to accept and
    /// answer (a server that accepts the connection and never answers would otherwise hang);
    /// the pool's later connections get the same bound. Still waiting after a second, it logs a
    /// warning naming the server (password redacted).
    ///
    /// # Errors
    /// [`MigrateError::UnsupportedUrl`] for another scheme or a database not compiled in;
    /// [`MigrateError::ConnectTimeout`] when the server does not answer in time;
    /// [`MigrateError::Connect`] (password redacted) when connecting fails.
    pub async fn connect_timeout(url: &str, timeout: Duration) -> Result<Self, MigrateError> {
        let shown = crate::error::redact_url(url);
        let connecting = Self::open(url, timeout);
        tokio::pin!(connecting);
        tokio::select! {
            result = &mut connecting => return result,
            () = tokio::time::sleep(SLOW_CONNECT.min(timeout)) => {}
        }
        tracing::warn!(url = %shown, timeout_s = timeout.as_secs_f64(), "still connecting to the database");
        match tokio::time::timeout(timeout.saturating_sub(SLOW_CONNECT), connecting).await {
            Ok(result) => result,
            Err(_) => Err(MigrateError::ConnectTimeout { url: shown, waited: timeout }),
        }
    }

    async fn open(url: &str, timeout: Duration) -> Result<Self, MigrateError> {
        let shown = crate::error::redact_url(url);
        let unsupported = || MigrateError::UnsupportedUrl { url: shown.clone(), enabled: enabled_features() };
        let failed = |e: sqlx::Error| match e {
            // The pool's first connection did not come within the timeout: a silent server.
            sqlx::Error::PoolTimedOut => MigrateError::ConnectTimeout { url: shown.clone(), waited: timeout },
            e => MigrateError::Connect { url: shown.clone(), source: crate::error::DbError::redacting(e, url) },
        };
        // A server that refuses connections is reported at once (the pool would retry a refused
        // connection until its timeout); every other failure of the pool's first connection is
        // sqlx's own error, reported as is.
        match Dialect::from_url(url).ok_or_else(unsupported)? {
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                let options: sqlx::postgres::PgConnectOptions = url.parse().map_err(failed)?;
                reachable(options.get_host(), options.get_port()).await.map_err(failed)?;
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(timeout)
                    .connect_lazy_with(options);
                // The first connection is the pool's own: a boot pays one handshake, not two.
                // Returned before the pool is handed out: a drop would return it from a task, too
                // late for the next acquire, which would open a second connection.
                pool.acquire().await.map_err(failed)?.return_to_pool().await;
                Ok(AnyPool::Postgres(pool))
            }
            #[cfg(feature = "mysql")]
            Dialect::MySql => {
                let options: sqlx::mysql::MySqlConnectOptions =
                    url.replacen("mariadb://", "mysql://", 1).parse().map_err(failed)?;
                reachable(options.get_host(), options.get_port()).await.map_err(failed)?;
                let pool = sqlx::mysql::MySqlPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(timeout)
                    .connect_lazy_with(options);
                pool.acquire().await.map_err(failed)?.return_to_pool().await;
                Ok(AnyPool::MySql(pool))
            }
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => {
                let options: sqlx::sqlite::SqliteConnectOptions = url.parse().map_err(failed)?;
                let options = options.create_if_missing(true).busy_timeout(std::time::Duration::from_secs(5));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(2)
                    .connect_with(options)
                    .await
                    .map_err(failed)?;
                Ok(AnyPool::Sqlite(pool))
            }
            #[allow(unreachable_patterns, reason = "reachable when a database feature is off")]
            _ => Err(unsupported()),
        }
    }

    /// The pool as the engine takes it.
    pub fn as_db(&self) -> DbPool<'_> {
        match self {
            #[cfg(feature = "postgres")]
            AnyPool::Postgres(p) => DbPool::Postgres(p),
            #[cfg(feature = "mysql")]
            AnyPool::MySql(p) => DbPool::MySql(p),
            #[cfg(feature = "sqlite")]
            AnyPool::Sqlite(p) => DbPool::Sqlite(p),
            AnyPool::_None(never) => match *never {},
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "postgres")]
            AnyPool::Postgres(p) => p.close().await,
            #[cfg(feature = "mysql")]
            AnyPool::MySql(p) => p.close().await,
            #[cfg(feature = "sqlite")]
            AnyPool::Sqlite(p) => p.close().await,
            AnyPool::_None(never) => match *never {},
        }
    }
}

impl DbPool<'_> {
    /// The port the pool connects to (`None` for SQLite): compared with the port the server
    /// says it listens on, to notice a proxy or pooler in between.
    pub(crate) fn port(&self) -> Option<u16> {
        match self {
            #[cfg(feature = "postgres")]
            DbPool::Postgres(p) => Some(p.connect_options().get_port()),
            #[cfg(feature = "mysql")]
            DbPool::MySql(p) => Some(p.connect_options().get_port()),
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(_) => None,
            DbPool::_None(never, _) => match *never {},
        }
    }

    /// A pool of one connection of its own to the same database, opened lazily: the lease's
    /// heartbeat renews on it while the migrating connection is busy, whatever the size of the
    /// application's pool.
    pub(crate) fn single_connection_pool(&self) -> AnyPool {
        match self {
            #[cfg(feature = "postgres")]
            DbPool::Postgres(p) => AnyPool::Postgres(
                sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with((*p.connect_options()).clone()),
            ),
            #[cfg(feature = "mysql")]
            DbPool::MySql(p) => AnyPool::MySql(
                sqlx::mysql::MySqlPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with((*p.connect_options()).clone()),
            ),
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(p) => AnyPool::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy_with((*p.connect_options()).clone()),
            ),
            DbPool::_None(never, _) => match *never {},
        }
    }
}

impl<'a> From<&'a AnyPool> for DbPool<'a> {
    fn from(pool: &'a AnyPool) -> Self {
        pool.as_db()
    }
}
