//! The migrating session's context, captured once it is known that something will be written,
//! and what revisions may change in it:
//!
//! - Every statement of our own names the history table qualified with the schema
//!   (PostgreSQL `current_schema()`), database (MySQL `DATABASE()`) or `main` (SQLite) the
//!   session had then, so a revision's `SET search_path = app` or `USE other` cannot send the
//!   bookkeeping elsewhere.
//! - After a revision that changes `search_path` or runs `USE`, the context is put back: each
//!   revision starts where a fresh connection would, whichever revisions ran before it in the
//!   same run.
//! - SQLite: SQLite's documented procedure for schema changes (table rebuilds): foreign keys off
//!   for the migrating connection (outside any transaction: inside one the pragma does nothing),
//!   `PRAGMA foreign_key_check` before each revision commits (a violation fails the revision and
//!   names the table), foreign keys back on after the run.

use crate::backend::Conn;
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;
use migrate_core::split::Statement;

/// What the session was, and how to put it back.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    dialect: Dialect,
    /// The history table, qualified when the context names a schema/database.
    table: String,
    /// PostgreSQL: `search_path` as it was. MySQL: the default database.
    context: Option<String>,
    /// SQLite: foreign keys were on (sqlx's default), so they are turned off for the run,
    /// checked before each commit and turned on again after.
    foreign_keys: bool,
}

impl Session {
    /// Reads the session's context on `conn` (one statement) for the history table `table`.
    pub async fn capture(conn: &mut Conn, table: &str) -> Result<Self, MigrateError> {
        let dialect = conn.dialect();
        let sql = match dialect {
            Dialect::Postgres => "SELECT current_schema(), current_setting('search_path')",
            Dialect::MySql => "SELECT DATABASE(), DATABASE()",
            Dialect::Sqlite => "SELECT 'main', CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys",
        };
        let rows = conn.rows(sql).await.map_err(|e| MigrateError::db("reading the session's schema", e))?;
        let mut row = rows.into_iter().next().unwrap_or_default().into_iter();
        let (schema, second) = (row.next().flatten(), row.next().flatten());
        let plain = |s: &str| !s.is_empty() && !s.contains(['.', '"', '`']);
        let table = match schema {
            Some(schema) if !table.contains('.') && plain(&schema) => format!("{schema}.{table}"),
            _ => table.to_owned(),
        };
        let (context, foreign_keys) = match dialect {
            Dialect::Sqlite => (None, second.as_deref() == Some("1")),
            _ => (second, false),
        };
        Ok(Self { dialect, table, context, foreign_keys })
    }

    /// The history table, qualified.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Before the first revision: SQLite's foreign keys off (outside a transaction). Returns
    /// `true` when the session was changed, so a failed run must not hand it back to the pool.
    pub async fn before_run(&self, conn: &mut Conn) -> Result<bool, MigrateError> {
        if !self.foreign_keys {
            return Ok(false);
        }
        conn.run("turning SQLite's foreign keys off for the migration", "PRAGMA foreign_keys = OFF").await?;
        Ok(true)
    }

    /// After the last revision: SQLite's foreign keys back on.
    pub async fn after_run(&self, conn: &mut Conn) -> Result<(), MigrateError> {
        if self.foreign_keys {
            conn.run("turning SQLite's foreign keys back on", "PRAGMA foreign_keys = ON").await?;
        }
        Ok(())
    }

    /// The statement putting the context back after `statements` ran, if they may have
    /// changed it (`search_path` on PostgreSQL, `USE` on MySQL).
    pub fn restore_after(&self, statements: &[Statement]) -> Option<String> {
        let context = self.context.as_deref()?;
        changes_context(self.dialect, statements).then(|| restore_statement(self.dialect, context))
    }

    /// SQLite: the foreign-key violations a revision left (checked before it commits):
    /// `(table, parent table)` of the first few. Empty when foreign keys were off to begin with.
    pub async fn foreign_key_violations(&self, conn: &mut Conn) -> Result<Vec<(String, String)>, MigrateError> {
        if !self.foreign_keys {
            return Ok(Vec::new());
        }
        let rows = conn
            .rows("SELECT \"table\", parent FROM pragma_foreign_key_check LIMIT 5")
            .await
            .map_err(|e| MigrateError::db("checking foreign keys (PRAGMA foreign_key_check)", e))?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let mut r = r.into_iter();
                (r.next().flatten().unwrap_or_default(), r.next().flatten().unwrap_or_default())
            })
            .collect())
    }
}

/// Whether `statements` may change the session's schema context.
pub(crate) fn changes_context(dialect: Dialect, statements: &[Statement]) -> bool {
    statements.iter().any(|s| match dialect {
        Dialect::Postgres => s.sql.to_ascii_lowercase().contains("search_path"),
        Dialect::MySql => s.sql.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("use")),
        Dialect::Sqlite => false,
    })
}

/// The statement that sets the context back to `context`.
pub(crate) fn restore_statement(dialect: Dialect, context: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("SELECT set_config('search_path', {}, false)", dialect.literal(context)),
        _ => format!("USE {}", dialect.quote_table(context)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(sql: &str) -> Statement {
        Statement { sql: sql.into(), line: 1, copy_data: None }
    }

    #[test]
    fn context_changes_are_seen() {
        assert!(changes_context(Dialect::Postgres, &[st("SET search_path = app")]));
        assert!(changes_context(Dialect::Postgres, &[st("SELECT pg_catalog.set_config('search_path', '', false)")]));
        assert!(!changes_context(Dialect::Postgres, &[st("CREATE TABLE t (a int)")]));
        assert!(changes_context(Dialect::MySql, &[st("use other")]));
        assert!(!changes_context(Dialect::MySql, &[st("UPDATE users SET x = 1")]));
        assert_eq!(restore_statement(Dialect::MySql, "app"), "USE `app`");
        assert_eq!(
            restore_statement(Dialect::Postgres, "\"$user\", public"),
            "SELECT set_config('search_path', '\"$user\", public', false)"
        );
    }
}
