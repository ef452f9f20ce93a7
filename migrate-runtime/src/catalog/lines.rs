//! The schema of a database as its server describes it, one object per line: what the
//! stairway of `cargo migrate test` compares before a revision's up section and after its down
//! section. Read from the catalogs with the server's own text where it has one
//! (`pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_functiondef`, `SHOW CREATE TABLE`), so
//! two schemas are equal exactly when the server would print them alike.
//!
//! Per database:
//! - PostgreSQL: columns (type, length, nullability, default, identity), constraints, indexes,
//!   views and materialized views, enum types with their labels, sequences, functions and
//!   procedures, triggers, comments on tables and columns; every schema but the system's.
//! - MySQL/MariaDB: `SHOW CREATE TABLE` of each table of the current database, one line per
//!   column, key and constraint as the server prints them, and the table's options (the
//!   `AUTO_INCREMENT=` counter left out: rows move it, not schema changes); `SHOW CREATE VIEW`;
//!   routines, triggers, events.
//! - SQLite: per table, its columns (`pragma_table_info`), foreign keys and indexes; the stored
//!   text of indexes, views and triggers. A table's own `CREATE` text is not compared (a table
//!   rebuilt and renamed is stored as `CREATE TABLE "t"`), so its CHECK constraints are not
//!   either.
//!
//! The history table and its companions (`<table>_summary`, `<table>_lock`) are left out.

use crate::backend::Conn;
use crate::dialect::Dialect;
use crate::error::MigrateError;

/// PostgreSQL's schemas that are not the application's.
const PG_SYSTEM: &str = "('pg_catalog', 'information_schema', 'pg_toast')";

/// `(object, line)` queries: the object is the table (or other object) a line belongs to,
/// compared against the history table's name to leave the bookkeeping out.
fn queries(dialect: Dialect) -> Vec<String> {
    match dialect {
        Dialect::Postgres => vec![
            format!(
                "SELECT table_name, 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || COALESCE('(' || character_maximum_length || ')', '') || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END || COALESCE(' default ' || column_default, '') || CASE WHEN is_identity = 'YES' THEN ' identity ' || identity_generation ELSE '' END || COALESCE(' generated ' || generation_expression, '') FROM information_schema.columns WHERE table_schema NOT IN {PG_SYSTEM}"
            ),
            format!(
                "SELECT c.relname, 'constraint ' || n.nspname || '.' || c.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid) FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN {PG_SYSTEM}"
            ),
            format!("SELECT tablename, 'index ' || indexdef FROM pg_indexes WHERE schemaname NOT IN {PG_SYSTEM}"),
            format!(
                "SELECT viewname, 'view ' || schemaname || '.' || viewname || ' ' || definition FROM pg_views WHERE schemaname NOT IN {PG_SYSTEM}"
            ),
            format!(
                "SELECT matviewname, 'materialized view ' || schemaname || '.' || matviewname || ' ' || definition FROM pg_matviews WHERE schemaname NOT IN {PG_SYSTEM}"
            ),
            format!(
                "SELECT t.typname, 'enum ' || n.nspname || '.' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname NOT IN {PG_SYSTEM} GROUP BY n.nspname, t.typname"
            ),
            format!(
                "SELECT sequencename, 'sequence ' || schemaname || '.' || sequencename || ' ' || data_type::text FROM pg_sequences WHERE schemaname NOT IN {PG_SYSTEM}"
            ),
            format!(
                "SELECT p.proname, 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN {PG_SYSTEM} AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            ),
            "SELECT c.relname, 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal".to_owned(),
            format!(
                "SELECT c.relname, 'comment ' || n.nspname || '.' || c.relname || COALESCE('.' || a.attname, '') || ' ' || d.description FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 WHERE n.nspname NOT IN {PG_SYSTEM}"
            ),
        ],
        Dialect::MySql => vec![
            "SELECT ROUTINE_NAME, CONCAT('routine ', ROUTINE_TYPE, ' ', ROUTINE_NAME, ' returns ', COALESCE(DTD_IDENTIFIER, '-'), ': ', ROUTINE_DEFINITION) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()".to_owned(),
            "SELECT EVENT_OBJECT_TABLE, CONCAT('trigger ', TRIGGER_NAME, ' ', ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ON ', EVENT_OBJECT_TABLE, ': ', ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()".to_owned(),
            "SELECT EVENT_NAME, CONCAT('event ', EVENT_NAME, ': ', EVENT_DEFINITION) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()".to_owned(),
        ],
        Dialect::Sqlite => vec![
            "SELECT m.name, 'column ' || m.name || '.' || p.name || ' ' || p.type || CASE WHEN p.\"notnull\" THEN ' not null' ELSE '' END || COALESCE(' default ' || p.dflt_value, '') || CASE WHEN p.pk > 0 THEN ' primary key ' || p.pk ELSE '' END FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'".to_owned(),
            "SELECT m.name, 'foreign key ' || m.name || ' ' || f.id || '.' || f.seq || ' (' || f.\"from\" || ') references ' || f.\"table\" || ' (' || COALESCE(f.\"to\", '') || ') on update ' || f.on_update || ' on delete ' || f.on_delete FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'".to_owned(),
            "SELECT m.name, 'index ' || m.name || '.' || i.name || CASE WHEN i.\"unique\" THEN ' unique' ELSE '' END || ' ' || i.origin || CASE WHEN i.partial THEN ' partial' ELSE '' END FROM sqlite_schema m JOIN pragma_index_list(m.name) i WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'".to_owned(),
            "SELECT tbl_name, type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE type IN ('index', 'view', 'trigger') AND sql IS NOT NULL".to_owned(),
        ],
    }
}

/// The schema of the database `conn` is on, as sorted lines, without the history table named
/// `history` (unqualified) and its companions.
///
/// # Errors
/// A database error reading a catalog (a user without the right to read it).
pub(crate) async fn snapshot(conn: &mut Conn, history: &str) -> Result<Vec<String>, MigrateError> {
    let ours = |object: &str| object == history || object.strip_prefix(history).is_some_and(|r| r.starts_with('_'));
    let dialect = conn.dialect();
    let read = |e: sqlx::Error| MigrateError::Database {
        doing: "reading the schema from the catalogs".into(),
        source: crate::error::DbError::new(e),
    };
    let mut lines = Vec::new();
    for sql in queries(dialect) {
        for row in conn.rows(&sql).await.map_err(read)? {
            if let [Some(object), Some(line)] = row.as_slice()
                && !ours(object)
            {
                lines.push(line.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    if dialect == Dialect::MySql {
        let tables = conn
            .rows("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
            .await
            .map_err(read)?;
        for row in tables {
            let [Some(name), Some(kind)] = row.as_slice() else { continue };
            if ours(name) {
                continue;
            }
            let what = if kind == "VIEW" { "VIEW" } else { "TABLE" };
            let shown = conn.rows(&format!("SHOW CREATE {what} `{}`", name.replace('`', "``"))).await.map_err(read)?;
            for text in shown.into_iter().filter_map(|r| r.into_iter().nth(1).flatten()) {
                if what == "VIEW" {
                    lines.push(format!("view {}", text.split_whitespace().collect::<Vec<_>>().join(" ")));
                    continue;
                }
                // One line per column, key and constraint (the server prints one per line), so
                // a difference names the column; the table's options on a line of their own.
                for line in text.lines().skip(1) {
                    let line = line.trim().trim_end_matches(',');
                    let line = match line.strip_prefix(')') {
                        Some(options) => format!(
                            "options {}",
                            options
                                .split_whitespace()
                                .filter(|w| !w.starts_with("AUTO_INCREMENT="))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ),
                        None => line.to_owned(),
                    };
                    lines.push(format!("table {name}: {line}"));
                }
            }
        }
    }
    lines.sort();
    Ok(lines)
}

/// The schema of the database of `pool` as sorted lines (see the module's documentation),
/// without the history table `history` (unqualified) and its companions.
///
/// # Errors
/// A connection error; a database error reading a catalog.
pub async fn schema_of(pool: crate::DbPool<'_>, history: &str) -> Result<Vec<String>, MigrateError> {
    let mut conn = Conn::acquire(pool).await?;
    snapshot(&mut conn, history).await
}

/// What differs between two snapshots: `- line` only in `before`, `+ line` only in `after`.
pub fn differences(before: &[String], after: &[String]) -> Vec<String> {
    let gone = before.iter().filter(|l| !after.contains(l)).map(|l| format!("- {l}"));
    let added = after.iter().filter(|l| !before.contains(l)).map(|l| format!("+ {l}"));
    gone.chain(added).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_signed_lines() {
        let before = ["column t.a int".to_owned(), "index i".to_owned()];
        let after = ["column t.a int".to_owned(), "index j".to_owned()];
        assert_eq!(differences(&before, &after), ["- index i", "+ index j"]);
        assert!(differences(&before, &before).is_empty());
    }
}
