//! Scratch databases: throwaway databases that tools create, use and always drop — never the
//! application's. SQLite's live in memory (nothing to install); PostgreSQL's and MySQL's are
//! created on a development server (`dev-database-url`) under a unique name
//! `migrate_scratch_<pid>_<n>_<nanos>`. [`Scratch`] remembers every database it created *before*
//! creating it, so [`Scratch::drop_all`] removes them also after a failure or when the work was
//! cancelled (Ctrl-C): the caller runs the work, then `drop_all`, whatever happened.
//!
//! A process killed outright leaves its databases behind; their names say which tool made them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::backend::{AnyPool, Conn};
use crate::dialect::Dialect;
use crate::error::MigrateError;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// One database created on a server: where to drop it from.
#[derive(Debug, Clone)]
struct Created {
    server: String,
    dialect: Dialect,
    name: String,
}

/// The scratch databases of one command: created by [`Scratch::create`], all dropped by
/// [`Scratch::drop_all`]. Cloning shares the list.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    created: Arc<Mutex<Vec<Created>>>,
    /// One connection pool per server for `CREATE`/`DROP DATABASE`, opened on first use and
    /// closed by [`Scratch::drop_all`]: each new connection costs a handshake (TLS included).
    admins: Arc<Mutex<Vec<(String, AnyPool)>>>,
}

/// A scratch database: its pool and its URL (with the server's password, if any: never print
/// it; [`crate::redact_url`] does).
#[derive(Debug)]
pub struct ScratchDb {
    /// A pool on it.
    pub pool: AnyPool,
    /// Its URL.
    pub url: String,
}

impl Scratch {
    /// A new, empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an empty database of `dialect`: in memory for SQLite (`server` is not used);
    /// on the server of `server` (a URL of the same dialect, its database part ignored) for
    /// PostgreSQL and MySQL.
    ///
    /// # Errors
    /// [`MigrateError::Usage`] when a server dialect has no `server` URL or a URL of another
    /// dialect; the connection's errors (password redacted); the server refusing `CREATE
    /// DATABASE` (a user without the right to create databases).
    pub async fn create(&self, dialect: Dialect, server: Option<&str>) -> Result<ScratchDb, MigrateError> {
        if dialect == Dialect::Sqlite {
            let url = "sqlite::memory:".to_owned();
            return Ok(ScratchDb { pool: AnyPool::connect(&url).await?, url });
        }
        let server = server.ok_or_else(|| {
            MigrateError::Usage(format!("no development server for {dialect}: a scratch database needs one"))
        })?;
        if Dialect::from_url(server) != Some(dialect) {
            return Err(MigrateError::Usage(format!("`{}` is not a {dialect} URL", crate::error::redact_url(server))));
        }
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name =
            format!("migrate_scratch_{}_{}_{nanos:08x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let url = with_database(server, &name)?;
        let admin = self.admin(server).await?;
        self.created.lock().unwrap_or_else(|e| e.into_inner()).push(Created {
            server: server.to_owned(),
            dialect,
            name: name.clone(),
        });
        run(&admin, &format!("CREATE DATABASE {}", quote(dialect, &name)), "creating a scratch database").await?;
        Ok(ScratchDb { pool: AnyPool::connect(&url).await?, url })
    }

    /// Drops every database this list created (closing nothing: close the pools first where
    /// they are still held). Every drop is tried; the failures are returned.
    pub async fn drop_all(&self) -> Vec<MigrateError> {
        let created = std::mem::take(&mut *self.created.lock().unwrap_or_else(|e| e.into_inner()));
        let mut failures = Vec::new();
        for c in created {
            // PostgreSQL: connections still open on it (a cancelled run's) are ended.
            let force = if c.dialect == Dialect::Postgres { " WITH (FORCE)" } else { "" };
            let sql = format!("DROP DATABASE IF EXISTS {}{force}", quote(c.dialect, &c.name));
            let dropped = match self.admin(&c.server).await {
                Ok(admin) => run(&admin, &sql, "dropping a scratch database").await,
                Err(e) => Err(e),
            };
            if let Err(e) = dropped {
                tracing::warn!(database = %c.name, error = %e, "a scratch database could not be dropped: drop it by hand");
                failures.push(e);
            }
        }
        let admins = std::mem::take(&mut *self.admins.lock().unwrap_or_else(|e| e.into_inner()));
        for (_, admin) in admins {
            admin.close().await;
        }
        failures
    }

    /// The pool for `CREATE`/`DROP DATABASE` on `server`, opened once.
    async fn admin(&self, server: &str) -> Result<AnyPool, MigrateError> {
        let find = || {
            let admins = self.admins.lock().unwrap_or_else(|e| e.into_inner());
            admins.iter().find(|(s, _)| s == server).map(|(_, p)| p.clone())
        };
        if let Some(pool) = find() {
            return Ok(pool);
        }
        let pool = AnyPool::connect(server).await?;
        // Two creations at once may both have connected: the first pool kept is used.
        if let Some(first) = find() {
            pool.close().await;
            return Ok(first);
        }
        self.admins.lock().unwrap_or_else(|e| e.into_inner()).push((server.to_owned(), pool.clone()));
        Ok(pool)
    }
}

async fn run(pool: &AnyPool, sql: &str, doing: &str) -> Result<(), MigrateError> {
    let mut conn = Conn::acquire(pool.as_db()).await?;
    conn.run(doing, sql).await
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String, MigrateError> {
    let mut parsed = url::Url::parse(url)
        .map_err(|e| MigrateError::Usage(format!("`{}` is not a URL: {e}", crate::error::redact_url(url))))?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_part_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "s1").expect("url"),
            "postgres://u:p@h:5432/s1?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@127.0.0.1:3306", "s2").expect("url"), "mysql://root@127.0.0.1:3306/s2");
    }
}
