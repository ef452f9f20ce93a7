//! SQL text for each database: quoting, literals, transaction words. Pure: it returns strings.
//! The statements about the history table are `table`'s; the lock's are `lock`'s.

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
