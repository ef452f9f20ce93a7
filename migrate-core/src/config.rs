//! `[package.metadata.migrate]`: where the revisions are, the history table's name, a default
//! database URL. Read from a Cargo.toml's text by the CLI and the macro alike.
//!
//! Validates names here, once, so that a bad table name fails the build, not a boot.

use crate::diagnostic::{Code, Diagnostic};
use crate::dialect::Dialect;

/// The default migrations folder, relative to the package root.
pub const DEFAULT_DIR: &str = "migrations";
/// The default history table.
pub const DEFAULT_TABLE: &str = "migrate_history";
/// The default declarative schema file, relative to the package root.
pub const DEFAULT_SCHEMA: &str = "schema.sql";

/// The package's migration settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The migrations folder, relative to the package root.
    pub dir: String,
    /// The history table: `name` or `schema.name`, each part `[A-Za-z_][A-Za-z0-9_]*`.
    pub table: String,
    /// The URL used when neither `--database-url` nor `DATABASE_URL` is given.
    pub database_url: Option<String>,
    /// The databases the revisions are written for: each section must split into statements
    /// in each of them. All three by default.
    pub dialects: Vec<Dialect>,
    /// The migration lock: `auto` (default), `advisory` or `lease` (see migrate-runtime).
    pub lock: String,
    /// `revision` (default: one transaction per revision) or `run` (one for the whole run).
    pub transaction: String,
    /// `dev-database-url`: servers (PostgreSQL, MySQL/MariaDB; one string or a list) on which
    /// `cargo migrate test` creates and drops throwaway databases. Never the application's.
    pub dev_database_urls: Vec<String>,
    /// `schema`: the declarative schema the revisions must produce, relative to the package
    /// root: one file for every dialect (`schema = "schema.sql"`, the default), or one per
    /// dialect (`schema = { postgres = "db/schema.pg.sql", sqlite = "db/schema.sqlite.sql" }`).
    pub schema: Vec<(Option<Dialect>, String)>,
    /// `exclude`: names of tables, views, types and other objects that autogenerate,
    /// `check --schema`, `diff` and `schema dump` leave alone (`*` matches any run of
    /// characters: `["spatial_ref_sys", "tmp_*"]`).
    pub exclude: Vec<String>,
}

impl Config {
    /// The schema file for `dialect`: its own, else the one for every dialect; `None` when the
    /// package names files for other dialects only.
    pub fn schema_for(&self, dialect: Dialect) -> Option<&str> {
        let own = self.schema.iter().find(|(d, _)| *d == Some(dialect));
        own.or_else(|| self.schema.iter().find(|(d, _)| d.is_none())).map(|(_, path)| path.as_str())
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            dir: DEFAULT_DIR.into(),
            table: DEFAULT_TABLE.into(),
            database_url: None,
            dialects: Dialect::ALL.to_vec(),
            lock: "auto".into(),
            transaction: "revision".into(),
            dev_database_urls: Vec::new(),
            schema: vec![(None, DEFAULT_SCHEMA.into())],
            exclude: Vec::new(),
        }
    }
}

/// Reads `[package.metadata.migrate]` from a Cargo.toml's text; absent keys take defaults.
///
/// # Errors
/// A [`Code::InvalidConfig`] diagnostic naming `manifest_path` when the TOML does not parse, a
/// key has the wrong type or is unknown, or the table name is not a plain identifier.
pub fn read_config(manifest_path: &str, manifest_text: &str) -> Result<Config, Diagnostic> {
    let bad = |msg: String| {
        Diagnostic::error(Code::InvalidConfig, msg)
            .with_label(manifest_path, None, "")
            .with_help("[package.metadata.migrate] takes dir = \"migrations\", table = \"migrate_history\", database-url = \"sqlite://dev.db\", dialects = [\"postgres\", \"mysql\", \"sqlite\"], lock = \"auto\", transaction = \"revision\", dev-database-url = [\"postgres://localhost/postgres\"], schema = \"schema.sql\", exclude = [\"tmp_*\"]")
    };
    let doc: toml::Table = manifest_text.parse().map_err(|e| bad(format!("cannot parse `{manifest_path}`: {e}")))?;
    let mut config = Config::default();
    let Some(section) = doc.get("package").and_then(|p| p.get("metadata")).and_then(|m| m.get("migrate")) else {
        return Ok(config);
    };
    let section = section.as_table().ok_or_else(|| bad("[package.metadata.migrate] is not a table".into()))?;
    for (key, value) in section {
        if key == "dialects" {
            config.dialects = read_dialects(value).map_err(bad)?;
            continue;
        }
        if key == "schema" {
            config.schema = read_schema(value).map_err(bad)?;
            continue;
        }
        if key == "exclude" {
            let list = value.as_array().and_then(|l| l.iter().map(|p| p.as_str().map(str::to_owned)).collect());
            config.exclude = list.ok_or_else(|| {
                bad("[package.metadata.migrate] exclude must be a list of names (`*` matches any characters)".into())
            })?;
            continue;
        }
        if key == "dev-database-url" {
            let urls = match value {
                toml::Value::String(url) => Some(vec![url.clone()]),
                toml::Value::Array(list) => list.iter().map(|u| u.as_str().map(str::to_owned)).collect(),
                _ => None,
            };
            config.dev_database_urls = urls.ok_or_else(|| {
                bad("[package.metadata.migrate] dev-database-url must be a URL or a list of URLs".into())
            })?;
            continue;
        }
        let text = value.as_str().ok_or_else(|| bad(format!("[package.metadata.migrate] {key} must be a string")))?;
        match key.as_str() {
            "dir" => config.dir = text.to_owned(),
            "table" => config.table = text.to_owned(),
            "database-url" => config.database_url = Some(text.to_owned()),
            "lock" if ["auto", "advisory", "lease"].contains(&text) => config.lock = text.to_owned(),
            "lock" => return Err(bad(format!("lock = \"{text}\": use \"auto\", \"advisory\" or \"lease\""))),
            "transaction" if ["revision", "run"].contains(&text) => config.transaction = text.to_owned(),
            "transaction" => return Err(bad(format!("transaction = \"{text}\": use \"revision\" or \"run\""))),
            other => return Err(bad(format!("unknown key `{other}` in [package.metadata.migrate]"))),
        }
    }
    check_table_name(&config.table)
        .map_err(|why| bad(format!("history table name `{}` is refused: {why}", config.table)))?;
    Ok(config)
}

/// `schema = "schema.sql"` or `schema = { postgres = "…", sqlite = "…" }`.
fn read_schema(value: &toml::Value) -> Result<Vec<(Option<Dialect>, String)>, String> {
    let wrong = || "[package.metadata.migrate] schema must be a path or a table of paths per dialect".to_owned();
    match value {
        toml::Value::String(path) => Ok(vec![(None, path.clone())]),
        toml::Value::Table(table) => table
            .iter()
            .map(|(name, path)| {
                let dialect = Dialect::from_name(name).ok_or_else(|| {
                    format!(
                        "unknown dialect `{name}` in [package.metadata.migrate] schema (known: postgres, mysql, sqlite)"
                    )
                })?;
                Ok((Some(dialect), path.as_str().ok_or_else(wrong)?.to_owned()))
            })
            .collect(),
        _ => Err(wrong()),
    }
}

/// `dialects = ["postgres", "mysql", "sqlite"]`: a non-empty list of known names.
fn read_dialects(value: &toml::Value) -> Result<Vec<Dialect>, String> {
    let list = value.as_array().ok_or("[package.metadata.migrate] dialects must be a list of names")?;
    let mut dialects = Vec::new();
    for item in list {
        let name = item.as_str().unwrap_or_default();
        let dialect = Dialect::from_name(name).ok_or_else(|| {
            let shown = item.as_str().map_or_else(|| format!("{item:?}"), |n| format!("`{n}`"));
            format!("unknown dialect {shown} in [package.metadata.migrate] dialects (known: postgres, mysql, sqlite)")
        })?;
        if !dialects.contains(&dialect) {
            dialects.push(dialect);
        }
    }
    if dialects.is_empty() {
        return Err("[package.metadata.migrate] dialects is empty: name at least one database".into());
    }
    Ok(dialects)
}

/// Checks a history table name: `name` or `schema.name`, each part 1–63 characters of
/// `[A-Za-z0-9_]` not starting with a digit. Anything else (quotes, spaces, `;`) is refused
/// before it can reach SQL.
///
/// # Errors
/// A sentence saying what is wrong with the name.
pub fn check_table_name(name: &str) -> Result<(), String> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 {
        return Err("use `table` or `schema.table`".into());
    }
    for part in parts {
        let first_ok = part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !first_ok || part.len() > 63 || !part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "`{part}` is not an identifier (letters, digits and _, not starting with a digit, at most 63)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_one_path_or_one_per_dialect() {
        assert_eq!(Config::default().schema_for(Dialect::MySql), Some("schema.sql"));
        let per = "[package.metadata.migrate]\nschema = { postgres = \"db/pg.sql\", sqlite = \"db/lite.sql\" }\n";
        let c = read_config("C", per).expect("valid");
        assert_eq!(c.schema_for(Dialect::Postgres), Some("db/pg.sql"));
        assert_eq!(c.schema_for(Dialect::MySql), None);
        assert!(read_config("C", "[package.metadata.migrate]\nschema = { oracle = \"x\" }\n").is_err());
    }

    #[test]
    fn dev_database_urls_are_one_or_a_list() {
        let one = "[package.metadata.migrate]\ndev-database-url = \"postgres://localhost/postgres\"\n";
        assert_eq!(read_config("C", one).expect("valid").dev_database_urls, ["postgres://localhost/postgres"]);
        let two = "[package.metadata.migrate]\ndev-database-url = [\"postgres://h/p\", \"mysql://root@h/\"]\n";
        assert_eq!(read_config("C", two).expect("valid").dev_database_urls.len(), 2);
        assert!(read_config("C", "[package.metadata.migrate]\ndev-database-url = 3\n").is_err());
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(read_config("Cargo.toml", "[package]\nname = \"x\"\n"), Ok(Config::default()));
        let text = "[package]\nname = \"x\"\n[package.metadata.migrate]\ndir = \"db/m\"\ntable = \"app.history\"\ndatabase-url = \"sqlite://dev.db\"\n";
        let c = read_config("Cargo.toml", text).expect("valid");
        assert_eq!(
            (c.dir.as_str(), c.table.as_str(), c.database_url.as_deref()),
            ("db/m", "app.history", Some("sqlite://dev.db"))
        );
    }

    #[test]
    fn dialects_are_a_list_of_known_names() {
        let read = |list: &str| read_config("Cargo.toml", &format!("[package.metadata.migrate]\ndialects = {list}\n"));
        assert_eq!(read("[\"MariaDB\", \"mysql\"]").map(|c| c.dialects), Ok(vec![Dialect::MySql]));
        assert_eq!(Config::default().dialects, Dialect::ALL);
        for bad in ["[\"oracle\"]", "[]", "\"postgres\"", "[1]"] {
            let d = read(bad).expect_err(bad);
            assert!(d.message.contains("dialects"), "{bad}: {}", d.message);
        }
    }

    #[test]
    fn hostile_table_names_are_refused() {
        for name in ["x; DROP TABLE users", "a\"b", "", "1abc", "a.b.c", "tab le"] {
            assert!(check_table_name(name).is_err(), "{name:?}");
        }
        let text = "[package.metadata.migrate]\ntable = \"x; DROP TABLE users\"\n";
        let d = read_config("app/Cargo.toml", text).expect_err("refused");
        assert_eq!(d.code, Code::InvalidConfig);
        assert!(d.message.contains("x; DROP TABLE users"));
        assert!(read_config("Cargo.toml", "[package.metadata.migrate]\ncolour = \"x\"\n").is_err());
    }
}
