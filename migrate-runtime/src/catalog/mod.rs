//! The schema of a database as its server describes it: [`read_schema`] fills the schema model
//! of `migrate_core::schema`, one reader per server ([`postgres`], [`mysql`], [`sqlite`]),
//! every text as the server prints it. The one reader of autogenerate, `check --schema`,
//! `diff`, `schema dump` and the stairway of `cargo migrate test`. The history table and its
//! companions (`<history>_*`) are left out.

mod mysql;
mod postgres;
mod sqlite;
mod sqlite_text;

use migrate_core::schema::Schema;

use crate::backend::Conn;
use crate::dialect::Dialect;
use crate::error::MigrateError;

/// The schema of the database of `pool` as a model, without the history table `history`
/// (unqualified) and its companions (`<history>_summary`, `<history>_lock`, anything
/// `<history>_*`). PostgreSQL: the objects of `current_schema()`; MySQL/MariaDB: of
/// `DATABASE()`; SQLite: of `main`. The model is normalized ([`Schema::normalize`]).
///
/// What the model cannot represent is not dropped silently: it is listed in
/// [`Schema::unmanaged`] (a PostgreSQL exclusion constraint, a MySQL table whose `SHOW CREATE
/// TABLE` says more than what was read, such as partitioning).
///
/// # Errors
/// A connection error; [`MigrateError::Database`] when a catalog query fails (a user without
/// the right to read a catalog, a server too old for a catalog column the reader asks for).
pub async fn read_schema(pool: crate::DbPool<'_>, history: &str) -> Result<Schema, MigrateError> {
    let mut conn = Conn::acquire(pool).await?;
    let ours = Ours(history);
    let mut schema = match conn.dialect() {
        Dialect::Postgres => postgres::read(&mut conn, ours).await?,
        Dialect::MySql => mysql::read(&mut conn, ours).await?,
        Dialect::Sqlite => sqlite::read(&mut conn, ours).await?,
    };
    schema.normalize();
    Ok(schema)
}

/// The history table's name: what the readers leave out.
#[derive(Debug, Clone, Copy)]
struct Ours<'a>(&'a str);

impl Ours<'_> {
    /// Whether `name` is the history table or one of its companions (`<history>_*`).
    fn owns(self, name: &str) -> bool {
        name == self.0 || name.strip_prefix(self.0).is_some_and(|rest| rest.starts_with('_'))
    }
}

/// A catalog row: every column as text, `None` for NULL.
type Row = Vec<Option<String>>;

/// Runs one catalog query; a failure says what was being read.
async fn query(conn: &mut Conn, what: &str, sql: &str) -> Result<Vec<Row>, MigrateError> {
    conn.rows(sql).await.map_err(|e| MigrateError::db(format!("reading the schema from the catalogs ({what})"), e))
}

/// Column `i` of `row`, `None` when NULL or missing.
fn opt(row: &Row, i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// Column `i` of `row`, empty when NULL or missing.
fn text(row: &Row, i: usize) -> String {
    opt(row, i).unwrap_or_default()
}

/// Column `i` of `row` read as a boolean printed by the server (`true`, `t`, `1`, `YES`).
fn flag(row: &Row, i: usize) -> bool {
    matches!(opt(row, i).as_deref(), Some("true" | "t" | "1" | "YES" | "yes"))
}

/// The separator lists are joined with in SQL (the ASCII unit separator: never in a name).
const SEP: char = '\u{1f}';

/// Column `i` of `row` split on [`SEP`]; empty when NULL or empty.
fn list(row: &Row, i: usize) -> Vec<String> {
    match opt(row, i) {
        Some(s) if !s.is_empty() => s.split(SEP).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// `Some(s)` unless `s` is empty.
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_table_and_its_companions_are_ours() {
        let ours = Ours("migrate_history");
        assert!(ours.owns("migrate_history"));
        assert!(ours.owns("migrate_history_summary"));
        assert!(ours.owns("migrate_history_lock"));
        assert!(!ours.owns("migrate_historyx"));
        assert!(!ours.owns("users"));
    }

    #[test]
    fn lists_split_on_the_unit_separator() {
        let row: Row = vec![Some("a\u{1f}b,c".into()), None, Some(String::new())];
        assert_eq!(list(&row, 0), ["a", "b,c"]);
        assert!(list(&row, 1).is_empty());
        assert!(list(&row, 2).is_empty());
        assert!(list(&row, 7).is_empty());
    }
}
