//! Real databases for tests: a fresh database (PostgreSQL, MariaDB/MySQL) or file (SQLite) per
//! test, from `MIGRATE_TEST_POSTGRES_URL` and `MIGRATE_TEST_MYSQL_URL`. Without a URL those
//! backends are skipped with a loud message; with `CI=true` a missing URL fails the test.

use std::io::Write as _;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use migrate_runtime::sqlx::{self, AssertSqlSafe};
use migrate_runtime::tool::SqlText as _;
use migrate_runtime::{AnyPool, Dialect};

/// A database created for one test.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    /// Its dialect.
    pub dialect: Dialect,
    /// A pool on it.
    pub pool: AnyPool,
    /// The server URL it was created from (`None` for SQLite).
    admin_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// One fresh database for each backend that is configured (SQLite always).
///
/// # Panics
/// With `CI=true` when a server URL is missing; when a database cannot be created.
pub async fn fresh_databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        out.extend(fresh(dialect).await);
    }
    out
}

/// A fresh database for `dialect`: always for SQLite; for a server only when its URL is
/// configured (otherwise a loud skip message, or a panic with `CI=true`).
///
/// # Panics
/// With `CI=true` when the server's URL is missing; when a database cannot be created.
pub async fn fresh(dialect: Dialect) -> Option<TestDb> {
    if dialect == Dialect::Sqlite {
        return Some(sqlite().await);
    }
    let url = server_url(dialect)?;
    Some(server(&url, dialect).await)
}

/// The server URL configured for `dialect` (`MIGRATE_TEST_POSTGRES_URL`,
/// `MIGRATE_TEST_MYSQL_URL`); `None` with a loud skip message when it is not set, and for
/// SQLite.
///
/// # Panics
/// With `CI=true` when the URL is missing.
pub fn server_url(dialect: Dialect) -> Option<String> {
    let var = match dialect {
        Dialect::Sqlite => return None,
        Dialect::Postgres => "MIGRATE_TEST_POSTGRES_URL",
        Dialect::MySql => "MIGRATE_TEST_MYSQL_URL",
    };
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{var} is not set, and CI=true: database tests must run")
        }
        // Straight to the process's stderr: the test harness captures `eprintln!`.
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "\n*** SKIPPED: {dialect} tests: set {var} to run them (see .ci/run) ***\n"
            );
            None
        }
    }
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = AnyPool::connect(&url).await.expect("open sqlite");
    TestDb { url, dialect: Dialect::Sqlite, pool, admin_url: None, _dir: Some(dir) }
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("migrate_t_{}_{n}_{nanos}", std::process::id())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

async fn server(admin_url: &str, dialect: Dialect) -> TestDb {
    let name = unique_name();
    let admin = AnyPool::connect(admin_url).await.unwrap_or_else(|e| panic!("{dialect} admin connection: {e}"));
    execute(&admin, &format!("CREATE DATABASE {name}")).await;
    admin.close().await;
    let url = with_database(admin_url, &name);
    let pool = AnyPool::connect(&url).await.unwrap_or_else(|e| panic!("{dialect} test database: {e}"));
    TestDb { url, dialect, pool, admin_url: Some(admin_url.to_owned()), _dir: None }
}

/// Runs one statement.
///
/// # Panics
/// When it fails.
pub async fn execute(pool: &AnyPool, sql: &str) {
    let q = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
    let result = match pool {
        AnyPool::Postgres(p) => q.execute(p).await.map(|_| ()),
        AnyPool::MySql(p) => q.execute(p).await.map(|_| ()),
        AnyPool::Sqlite(p) => q.execute(p).await.map(|_| ()),
        AnyPool::_None(never) => match *never {},
    };
    result.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The first column of every row, as text.
///
/// # Panics
/// When the query fails.
pub async fn texts(pool: &AnyPool, sql: &str) -> Vec<String> {
    let q = AssertSqlSafe(sql.to_owned());
    let result = match pool {
        AnyPool::Postgres(p) => sqlx::query_scalar::<_, String>(q).fetch_all(p).await,
        AnyPool::MySql(p) => sqlx::query_scalar::<_, String>(q).fetch_all(p).await,
        AnyPool::Sqlite(p) => sqlx::query_scalar::<_, String>(q).fetch_all(p).await,
        AnyPool::_None(never) => match *never {},
    };
    result.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// [`texts`] through the simple query protocol (nothing prepared or cached on the connection:
/// a plan cached before a table changed shape would fail after it).
///
/// # Panics
/// When the query fails.
pub async fn raw_texts(pool: &AnyPool, sql: &str) -> Vec<String> {
    use sqlx::Row as _;
    let q = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
    let result = match pool {
        AnyPool::Postgres(p) => q.fetch_all(p).await.map(|rows| rows.iter().map(|r| r.get::<String, _>(0)).collect()),
        AnyPool::MySql(p) => q.fetch_all(p).await.map(|rows| rows.iter().map(|r| r.get::<String, _>(0)).collect()),
        AnyPool::Sqlite(p) => q.fetch_all(p).await.map(|rows| rows.iter().map(|r| r.get::<String, _>(0)).collect()),
        AnyPool::_None(never) => match *never {},
    };
    result.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The databases on `server` whose names start with `prefix` (scratch databases a process left:
/// `migrate_scratch_<pid>_`).
///
/// # Panics
/// When the server cannot be reached.
pub async fn scratch_databases(server: &str, prefix: &str) -> Vec<String> {
    let sql = match Dialect::from_url(server) {
        Some(Dialect::Postgres) => format!("SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'"),
        _ => format!("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '{prefix}%'"),
    };
    let pool = AnyPool::connect(server).await.expect("server");
    let names = texts(&pool, &sql).await;
    pool.close().await;
    names
}

impl TestDb {
    /// Closes the pool and drops the database (a SQLite file goes with its temp folder).
    /// Tests leave theirs to `.ci/run`'s clean-up; long benchmark runs call this.
    ///
    /// # Panics
    /// When the server refuses.
    pub async fn drop_database(self) {
        self.pool.close().await;
        let Some(admin_url) = &self.admin_url else { return };
        let name = self.url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_owned();
        let admin = AnyPool::connect(admin_url).await.unwrap_or_else(|e| panic!("admin connection: {e}"));
        // PostgreSQL: a pooler (PgBouncer) may still hold idle server connections to it.
        let force = if self.dialect == Dialect::Postgres { " WITH (FORCE)" } else { "" };
        execute(&admin, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
        admin.close().await;
    }

    /// Tables, columns, indexes, routines, triggers and events of the application's schema, as
    /// sorted text lines (PostgreSQL: every schema but the system's; objects outside the current
    /// one are prefixed with their schema). Routine and trigger bodies are the server's own
    /// text, so two ways of loading the same SQL must leave them byte for byte equal.
    pub async fn schema(&self) -> Vec<String> {
        let queries: &[&str] = match self.dialect {
            Dialect::Postgres => &[
                "SELECT CASE WHEN table_schema = current_schema() THEN '' ELSE table_schema || '.' END || table_name || '.' || column_name || ':' || data_type FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
                "SELECT CASE WHEN schemaname = current_schema() THEN '' ELSE schemaname || '.' END || 'index ' || indexname FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
                "SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p')",
                "SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
            ],
            Dialect::MySql => &[
                "SELECT CONCAT(table_name, '.', column_name, ':', data_type) FROM information_schema.columns WHERE table_schema = DATABASE()",
                "SELECT DISTINCT CONCAT('index ', table_name, '.', index_name) FROM information_schema.statistics WHERE table_schema = DATABASE()",
                "SELECT CONCAT('routine ', ROUTINE_TYPE, ' ', ROUTINE_NAME, ': ', ROUTINE_DEFINITION) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()",
                "SELECT CONCAT('trigger ', TRIGGER_NAME, ': ', ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
                "SELECT CONCAT('event ', EVENT_NAME, ': ', EVENT_DEFINITION) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()",
            ],
            Dialect::Sqlite => &["SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master"],
        };
        let mut lines = Vec::new();
        for sql in queries {
            lines.extend(texts(&self.pool, sql).await);
        }
        lines.sort();
        lines
    }

    /// The database's own command-line client (`psql`, `mariadb`, `sqlite3`) on this database,
    /// stopping at the first error.
    pub fn client(&self) -> Command {
        match self.dialect {
            Dialect::Postgres => {
                let mut c = Command::new("psql");
                c.args(["-X", "-v", "ON_ERROR_STOP=1", "-q", &self.url]);
                c
            }
            Dialect::MySql => {
                let rest = self.url.split_once("://").map(|(_, r)| r).unwrap_or_default();
                let (auth, path) = rest.split_once('/').unwrap_or((rest, ""));
                let (user, host) = auth.rsplit_once('@').unwrap_or(("root", auth));
                let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
                let mut c = Command::new("mariadb");
                c.args([
                    "-h",
                    host,
                    "-P",
                    port,
                    "-u",
                    user.split(':').next().unwrap_or("root"),
                    path.split('?').next().unwrap_or(path),
                ]);
                c
            }
            Dialect::Sqlite => {
                let mut c = Command::new("sqlite3");
                c.args(["-bail", self.url.trim_start_matches("sqlite://")]);
                c
            }
        }
    }

    /// The database's own client running `script` in one session (its output; stops at the
    /// first error).
    ///
    /// # Panics
    /// When the client cannot be started.
    pub fn run_client(&self, script: &str) -> std::process::Output {
        use std::process::Stdio;
        let mut child = self
            .client()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the client");
        child.stdin.as_mut().expect("stdin").write_all(script.as_bytes()).expect("write script");
        drop(child.stdin.take());
        child.wait_with_output().expect("client")
    }

    /// The history rows as `revision:state`, sorted (the summary row left out).
    pub async fn history(&self, table: &str) -> Vec<String> {
        let sql = format!(
            "SELECT {} FROM {} WHERE revision <> '' ORDER BY 1",
            concat_sql(self.dialect, "revision", "':'", "state"),
            self.dialect.quote_table(table)
        );
        texts(&self.pool, &sql).await
    }
}

fn concat_sql(dialect: Dialect, a: &str, b: &str, c: &str) -> String {
    match dialect {
        Dialect::MySql => format!("CONCAT({a}, {b}, {c})"),
        _ => format!("{a} || {b} || {c}"),
    }
}
