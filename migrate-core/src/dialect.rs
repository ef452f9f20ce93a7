//! The SQL dialects cargo-migrate knows. The runtime writes each one's SQL; the statement
//! splitter follows each one's quoting rules; `cargo migrate check` and `embed_migrations!` split
//! every revision for the dialects a package targets.

use std::fmt;

/// The SQL dialect of a database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL (and wire-compatible databases).
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        })
    }
}

impl Dialect {
    /// Every dialect, in the order messages list them.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// The dialect a URL's scheme names (`postgres://`, `postgresql://`, `mysql://`,
    /// `mariadb://`, `sqlite:`).
    pub fn from_url(url: &str) -> Option<Self> {
        Self::from_name(url.split(':').next()?)
    }

    /// The dialect a name means, in any case: `postgres`/`postgresql`, `mysql`/`mariadb`,
    /// `sqlite`; `None` for any other name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::MySql),
            "sqlite" => Some(Dialect::Sqlite),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_from_url() {
        assert_eq!(Dialect::from_url("postgres://u:p@h/db"), Some(Dialect::Postgres));
        assert_eq!(Dialect::from_url("postgresql://h/db"), Some(Dialect::Postgres));
        assert_eq!(Dialect::from_url("mariadb://h/db"), Some(Dialect::MySql));
        assert_eq!(Dialect::from_url("sqlite://dev.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::from_url("oracle://x"), None);
    }

    #[test]
    fn dialect_from_name() {
        assert_eq!(Dialect::from_name("PostgreSQL"), Some(Dialect::Postgres));
        assert_eq!(Dialect::from_name("mariadb"), Some(Dialect::MySql));
        assert_eq!(Dialect::from_name("sqlite"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::from_name("oracle"), None);
        assert_eq!(Dialect::ALL.map(|d| d.to_string()), ["postgres", "mysql", "sqlite"]);
    }
}
