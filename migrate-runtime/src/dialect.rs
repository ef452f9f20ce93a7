//! SQL text for each database: quoting, literals, the history table's statements, transaction
//! words. Pure: it returns strings. The same text runs online and is printed by `--sql`, so
//! the offline script and an online run cannot differ.

pub use migrate_core::Dialect;

/// The SQL cargo-migrate writes for a dialect.
pub trait SqlText {
    /// `true` when DDL takes part in transactions (so a revision and its history row commit
    /// together).
    fn transactional_ddl(self) -> bool;

    /// A quoted identifier (`name` or `schema.name`, already checked by
    /// `migrate_core::check_table_name`).
    fn quote_table(self, name: &str) -> String;

    /// A string literal with `text` escaped for this dialect.
    fn literal(self, text: &str) -> String;

    /// The statement that starts a transaction. SQLite takes the write lock at once
    /// (`BEGIN IMMEDIATE`), which is what serialises concurrent migrators there.
    fn begin(self) -> &'static str;

    /// `CREATE TABLE IF NOT EXISTS` for the history table.
    fn create_history(self, table: &str) -> String;

    /// Selects every history row, columns in [`crate::history::COLUMNS`] order, all as text.
    fn select_history(self, table: &str) -> String;

    /// Inserts one history row.
    fn insert_row(self, table: &str, row: &crate::history::HistoryRow) -> String;

    /// Reads the summary row's digest and the table's row count (no row when there is no
    /// summary): the boot fast path's one statement.
    fn select_summary(self, table: &str) -> String;

    /// Removes the summary row: sent with every change to the history.
    fn delete_summary(self, table: &str) -> String;

    /// Writes the summary row holding `digest` (see `summary`).
    fn insert_summary(self, table: &str, digest: &str) -> String;

    /// Sets a row's state, duration and error (for `started` → `applied`/`failed`).
    fn update_state(
        self,
        table: &str,
        revision: &str,
        state: crate::history::State,
        duration_ms: u64,
        error: Option<&str>,
    ) -> String;

    /// Deletes one row.
    fn delete_row(self, table: &str, revision: &str) -> String;

    /// Whether one revision is recorded (used inside SQLite's `BEGIN IMMEDIATE` to re-check).
    fn select_one(self, table: &str, revision: &str) -> String;
}

impl SqlText for Dialect {
    fn transactional_ddl(self) -> bool {
        self != Dialect::MySql
    }

    fn quote_table(self, name: &str) -> String {
        let q = if self == Dialect::MySql { '`' } else { '"' };
        name.split('.').map(|part| format!("{q}{part}{q}")).collect::<Vec<_>>().join(".")
    }

    fn literal(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' if self == Dialect::MySql => out.push_str("\\\\"),
                '\0' => {}
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    fn begin(self) -> &'static str {
        match self {
            Dialect::Postgres => "BEGIN",
            Dialect::MySql => "START TRANSACTION",
            Dialect::Sqlite => "BEGIN IMMEDIATE",
        }
    }

    fn create_history(self, table: &str) -> String {
        let t = self.quote_table(table);
        let (text, id) = match self {
            Dialect::Postgres => ("TEXT", "VARCHAR(32)"),
            Dialect::MySql => ("TEXT", "VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin"),
            Dialect::Sqlite => ("TEXT", "TEXT"),
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {t} (\n    revision {id} NOT NULL PRIMARY KEY,\n    revises {text} NOT NULL,\n    message {text} NOT NULL,\n    checksum CHAR(64) NOT NULL,\n    state VARCHAR(16) NOT NULL,\n    applied_at VARCHAR(40) NOT NULL,\n    duration_ms BIGINT NOT NULL,\n    error {text}\n)"
        )
    }

    fn select_history(self, table: &str) -> String {
        let cast = if self == Dialect::MySql { "CHAR" } else { "TEXT" };
        format!(
            "SELECT revision, revises, message, checksum, state, applied_at, CAST(duration_ms AS {cast}), error FROM {} WHERE revision <> '' ORDER BY applied_at, revision",
            self.quote_table(table)
        )
    }

    fn select_summary(self, table: &str) -> String {
        let (t, cast) = (self.quote_table(table), if self == Dialect::MySql { "CHAR" } else { "TEXT" });
        format!("SELECT checksum, CAST((SELECT COUNT(*) FROM {t}) AS {cast}) FROM {t} WHERE revision = ''")
    }

    fn delete_summary(self, table: &str) -> String {
        format!("DELETE FROM {} WHERE revision = ''", self.quote_table(table))
    }

    fn insert_summary(self, table: &str, digest: &str) -> String {
        format!(
            "INSERT INTO {} (revision, revises, message, checksum, state, applied_at, duration_ms, error) VALUES ('', '', {}, {}, 'summary', {}, 0, NULL)",
            self.quote_table(table),
            self.literal(crate::summary::MESSAGE),
            self.literal(digest),
            self.literal(&crate::engine::now()),
        )
    }

    fn insert_row(self, table: &str, row: &crate::history::HistoryRow) -> String {
        let l = |s: &str| self.literal(s);
        format!(
            "INSERT INTO {} (revision, revises, message, checksum, state, applied_at, duration_ms, error) VALUES ({}, {}, {}, {}, {}, {}, {}, {})",
            self.quote_table(table),
            l(&row.revision),
            l(&row.revises.join(",")),
            l(&row.message),
            l(&row.checksum),
            l(row.state.as_str()),
            l(&row.applied_at),
            row.duration_ms,
            row.error.as_deref().map_or("NULL".to_owned(), l),
        )
    }

    fn update_state(
        self,
        table: &str,
        revision: &str,
        state: crate::history::State,
        duration_ms: u64,
        error: Option<&str>,
    ) -> String {
        format!(
            "UPDATE {} SET state = {}, duration_ms = {duration_ms}, error = {} WHERE revision = {}",
            self.quote_table(table),
            self.literal(state.as_str()),
            error.map_or("NULL".to_owned(), |e| self.literal(e)),
            self.literal(revision)
        )
    }

    fn delete_row(self, table: &str, revision: &str) -> String {
        format!("DELETE FROM {} WHERE revision = {}", self.quote_table(table), self.literal(revision))
    }

    fn select_one(self, table: &str, revision: &str) -> String {
        format!("SELECT state FROM {} WHERE revision = {}", self.quote_table(table), self.literal(revision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_escaped_per_dialect() {
        assert_eq!(Dialect::Postgres.literal("it's a \\ test"), "'it''s a \\ test'");
        assert_eq!(Dialect::MySql.literal("it's a \\ test"), "'it''s a \\\\ test'");
        assert_eq!(Dialect::Sqlite.literal("x'); DROP TABLE users; --"), "'x''); DROP TABLE users; --'");
    }

    #[test]
    fn tables_are_quoted() {
        assert_eq!(Dialect::Postgres.quote_table("app.migrate_history"), "\"app\".\"migrate_history\"");
        assert_eq!(Dialect::MySql.quote_table("migrate_history"), "`migrate_history`");
    }
}
