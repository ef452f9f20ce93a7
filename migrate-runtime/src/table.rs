//! The history table and its summary table, in one dialect, named as the session qualified them
//! (see `session`): every statement of our own that creates, reads or writes them. Pure: it
//! returns SQL text, which an online run executes and `--sql` prints, so the two cannot differ.
//!
//! The history table holds one row per applied (or attempted) revision and nothing else. The
//! summary table (`<history>_summary`) holds at most one row: the digest of the history the boot
//! fast path compares (see `summary`), with the `format` it was written in, so a later runtime
//! can tell an older summary from its own.

use crate::dialect::{Dialect, SqlText as _};
use crate::history::{HistoryRow, State};

/// The summary row's format: the digest of `summary::of_rows`, compared with the history's row
/// count. A summary in another format is not trusted (the locked path writes a new one).
pub(crate) const SUMMARY_FORMAT: u32 = 1;

/// The history table (and its summary table) of one application in one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HistoryTable {
    dialect: Dialect,
    name: String,
    summary: String,
}

impl HistoryTable {
    /// `name` is `table` or `schema.table`, already checked by `migrate_core::check_table_name`.
    pub fn new(dialect: Dialect, name: &str) -> Self {
        Self { dialect, name: name.to_owned(), summary: summary_name(name) }
    }

    /// The history table's name as given (qualified when the session qualified it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dialect its statements are written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn history(&self) -> String {
        self.dialect.quote_table(&self.name)
    }

    fn summary(&self) -> String {
        self.dialect.quote_table(&self.summary)
    }

    fn text(&self) -> &'static str {
        if self.dialect == Dialect::MySql { "CHAR" } else { "TEXT" }
    }

    /// Creates both tables if missing (two statements).
    pub fn create(&self) -> String {
        let d = self.dialect;
        let id = match d {
            Dialect::Postgres => "VARCHAR(32)",
            Dialect::MySql => "VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin",
            Dialect::Sqlite => "TEXT",
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    revision {id} NOT NULL PRIMARY KEY,\n    revises TEXT NOT NULL,\n    message TEXT NOT NULL,\n    checksum CHAR(64) NOT NULL,\n    state VARCHAR(16) NOT NULL,\n    applied_at VARCHAR(40) NOT NULL,\n    duration_ms BIGINT NOT NULL,\n    error TEXT\n);\nCREATE TABLE IF NOT EXISTS {} (\n    format INTEGER NOT NULL,\n    digest CHAR(64) NOT NULL,\n    written_at VARCHAR(40) NOT NULL\n)",
            self.history(),
            self.summary()
        )
    }

    /// Every history row, columns in `HistoryRow::from_columns` order, all as text. (A row
    /// with an empty revision is the summary of versions before the summary table: skipped.)
    pub fn select_rows(&self) -> String {
        format!(
            "SELECT revision, revises, message, checksum, state, applied_at, CAST(duration_ms AS {}), error FROM {} WHERE revision <> '' ORDER BY applied_at, revision",
            self.text(),
            self.history()
        )
    }

    /// Whether one revision is recorded (inside SQLite's `BEGIN IMMEDIATE`, to re-check).
    pub fn select_state(&self, revision: &str) -> String {
        format!("SELECT state FROM {} WHERE revision = {}", self.history(), self.dialect.literal(revision))
    }

    /// Inserts one history row.
    pub fn insert(&self, row: &HistoryRow) -> String {
        let l = |s: &str| self.dialect.literal(s);
        format!(
            "INSERT INTO {} (revision, revises, message, checksum, state, applied_at, duration_ms, error) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            self.history(),
            l(row.revision.as_str()),
            l(&row.revises.join(",")),
            l(&row.message),
            l(&row.checksum),
            l(row.state.as_str()),
            l(&row.applied_at),
            row.duration_ms,
            row.error.as_deref().map_or("NULL".to_owned(), l),
        )
    }

    /// Sets a row's state, duration and error (`started` → `applied`/`failed`).
    pub fn update_state(&self, revision: &str, state: State, duration_ms: u64, error: Option<&str>) -> String {
        format!(
            "UPDATE {} SET state = {}, duration_ms = {duration_ms}, error = {} WHERE revision = {}",
            self.history(),
            self.dialect.literal(state.as_str()),
            error.map_or("NULL".to_owned(), |e| self.dialect.literal(e)),
            self.dialect.literal(revision)
        )
    }

    /// Sets a row's duration (recorded after its commit, with the next transaction).
    pub fn update_duration(&self, revision: &str, duration_ms: u64) -> String {
        format!(
            "UPDATE {} SET duration_ms = {duration_ms} WHERE revision = {}",
            self.history(),
            self.dialect.literal(revision)
        )
    }

    /// Deletes one history row.
    pub fn delete(&self, revision: &str) -> String {
        format!("DELETE FROM {} WHERE revision = {}", self.history(), self.dialect.literal(revision))
    }

    /// Deletes every history row (`stamp --purge`).
    pub fn delete_all(&self) -> String {
        format!("DELETE FROM {}", self.history())
    }

    /// The boot fast path's one statement: the summary's digest and format, and the history's
    /// row count (no row when there is no summary).
    pub fn select_summary(&self) -> String {
        let text = self.text();
        format!(
            "SELECT digest, CAST(format AS {text}), CAST((SELECT COUNT(*) FROM {}) AS {text}) FROM {}",
            self.history(),
            self.summary()
        )
    }

    /// Removes the summary: sent with every change to the history, in the same transaction.
    pub fn delete_summary(&self) -> String {
        format!("DELETE FROM {}", self.summary())
    }

    /// Writes the summary holding `digest` (after `delete_summary`), and removes the summary row
    /// older versions kept inside the history table.
    pub fn insert_summary(&self, digest: &str, now: &str) -> String {
        format!(
            "INSERT INTO {} (format, digest, written_at) VALUES ({SUMMARY_FORMAT}, {}, {});\nDELETE FROM {} WHERE revision = ''",
            self.summary(),
            self.dialect.literal(digest),
            self.dialect.literal(now),
            self.history()
        )
    }
}

/// `<table>_summary`, shortened with a hash when that would pass 63 characters.
fn summary_name(name: &str) -> String {
    companion_name(name, "summary")
}

/// `<table>_<suffix>` in the history table's schema (the summary table, the lease table),
/// shortened with a hash when that would pass 63 characters.
pub(crate) fn companion_name(name: &str, suffix: &str) -> String {
    let (schema, table) = name.rsplit_once('.').map_or((None, name), |(s, t)| (Some(s), t));
    let table = if table.len() + suffix.len() < 63 {
        format!("{table}_{suffix}")
    } else {
        let hash =
            table.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        format!("{}_{:08x}_{suffix}", &table[..40], hash as u32)
    };
    match schema {
        Some(schema) => format!("{schema}.{table}"),
        None => table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_both_tables_qualified() {
        let t = HistoryTable::new(Dialect::Postgres, "app.migrate_history");
        assert!(
            t.create().contains("\"app\".\"migrate_history\" (")
                && t.create().contains("\"app\".\"migrate_history_summary\" (")
        );
        assert_eq!(t.delete("a1"), "DELETE FROM \"app\".\"migrate_history\" WHERE revision = 'a1'");
        assert_eq!(t.delete_summary(), "DELETE FROM \"app\".\"migrate_history_summary\"");
        let m = HistoryTable::new(Dialect::MySql, "migrate_history");
        assert_eq!(
            m.select_summary(),
            "SELECT digest, CAST(format AS CHAR), CAST((SELECT COUNT(*) FROM `migrate_history`) AS CHAR) FROM `migrate_history_summary`"
        );
    }

    #[test]
    fn long_names_stay_identifiers() {
        let long = "h".repeat(63);
        let name = summary_name(&format!("s.{long}"));
        assert!(name.starts_with("s.") && name.len() - 2 <= 63, "{name}");
        assert!(migrate_core::check_table_name(&name).is_ok());
        assert_ne!(summary_name(&"a".repeat(60)), summary_name(&format!("{}b", "a".repeat(59))));
    }
}
