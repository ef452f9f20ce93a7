//! MySQL's and MariaDB's reader: the objects of `DATABASE()` from `information_schema`, every
//! text as the server prints it, and `SHOW CREATE TABLE` for the table options and a
//! cross-check (as Skeema does): a table whose `SHOW CREATE TABLE` shows more than what was read
//! (partitioning, a column or key the model missed, a column attribute such as `INVISIBLE`) is
//! also listed as an [`Unmanaged`] `table` with that text, so nothing is lost silently.
//!
//! Tested on MariaDB 10.11. MySQL 8 differs where the server does: `COLUMN_DEFAULT` is the bare
//! value (`abc`, not `'abc'`), `EXTRA` says `DEFAULT_GENERATED`; functional key parts are read
//! from `STATISTICS.EXPRESSION` when the server has that column, CHECK constraints through
//! `TABLE_CONSTRAINTS` when `CHECK_CONSTRAINTS` has no `TABLE_NAME`.

use std::collections::BTreeMap;

use migrate_core::schema::{Check, Column, ForeignKey, Generated, Index, Key, Schema, Table, Unmanaged, View};

use super::{Ours, Row, non_empty, opt, query, text};
use crate::backend::Conn;
use crate::error::MigrateError;

/// Reads the model of the current database.
///
/// # Errors
/// A catalog query failing.
pub(super) async fn read(conn: &mut Conn, ours: Ours<'_>) -> Result<Schema, MigrateError> {
    let database = conn
        .scalar("SELECT DATABASE()")
        .await
        .map_err(|e| MigrateError::db("reading the schema from the catalogs (the current database)", e))?
        .unwrap_or_default();
    let mut schema = Schema::default();
    let mut collations = BTreeMap::new();
    let mut tables = BTreeMap::new();
    let sql = "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES \
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE <> 'VIEW'";
    for row in query(conn, "tables", sql).await? {
        let name = text(&row, 0);
        if ours.owns(&name) {
            continue;
        }
        if text(&row, 1) == "SEQUENCE" {
            // A MariaDB sequence: SHOW CREATE TABLE prints it as CREATE SEQUENCE.
            let definition = show_create(conn, &name).await?;
            schema.unmanaged.push(Unmanaged { kind: "sequence".into(), name, table: None, definition });
            continue;
        }
        collations.insert(name.clone(), text(&row, 2));
        tables.insert(name.clone(), Table { name, comment: non_empty(opt(&row, 3)), ..Table::default() });
    }
    read_columns(conn, &mut tables, &collations).await?;
    read_indexes(conn, &mut tables).await?;
    read_foreign_keys(conn, &mut tables).await?;
    read_checks(conn, &mut tables).await?;
    for table in tables.values_mut() {
        let shown = show_create(conn, &table.name).await?;
        table.options = options(&shown);
        if let Some(why) = unexplained(table, &shown) {
            schema.unmanaged.push(Unmanaged {
                kind: "table".into(),
                name: table.name.clone(),
                table: Some(table.name.clone()),
                definition: format!("{why}: {shown}"),
            });
        }
    }
    schema.tables = tables.into_values().collect();
    schema.views = read_views(conn, ours, &database).await?;
    schema.unmanaged.extend(read_unmanaged(conn, ours).await?);
    Ok(schema)
}

async fn show_create(conn: &mut Conn, table: &str) -> Result<String, MigrateError> {
    let rows = query(conn, "SHOW CREATE TABLE", &format!("SHOW CREATE TABLE `{}`", table.replace('`', "``"))).await?;
    Ok(rows.first().map(|r| text(r, 1)).unwrap_or_default())
}

async fn read_columns(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    collations: &BTreeMap<String, String>,
) -> Result<(), MigrateError> {
    let sql = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, \
               COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
               ORDER BY TABLE_NAME, ORDINAL_POSITION";
    for row in query(conn, "columns", sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let table_collation = collations.get(&table.name).map(String::as_str).unwrap_or_default();
        table.columns.push(column(&row, table_collation));
    }
    Ok(())
}

/// One column from its `read_columns` row.
fn column(row: &Row, table_collation: &str) -> Column {
    let extra = text(row, 5);
    let lower = extra.to_ascii_lowercase();
    let generated = if lower.contains("stored generated") || lower.contains("persistent") {
        Some(true)
    } else if lower.contains("virtual generated") {
        Some(false)
    } else {
        None
    };
    let generated = generated.map(|stored| Generated { expression: text(row, 6), stored });
    // MariaDB prints "no default" of a nullable column as the text NULL (and a generated
    // column's default as NULL).
    let default = opt(row, 4).filter(|d| d != "NULL" && generated.is_none());
    Column {
        name: text(row, 1),
        data_type: text(row, 2),
        nullable: text(row, 3) == "YES",
        default,
        identity: lower.contains("auto_increment").then(|| "auto_increment".to_owned()),
        identity_options: None,
        generated,
        collation: non_empty(opt(row, 7)).filter(|c| c != table_collation),
        on_update: lower.find("on update ").map(|at| extra[at + "on update ".len()..].trim().to_owned()),
        comment: non_empty(opt(row, 8)),
    }
}

/// Whether this server's `information_schema.<view>` has `column` (MySQL and MariaDB differ).
async fn has_column(conn: &mut Conn, view: &str, column: &str) -> Result<bool, MigrateError> {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'information_schema' \
         AND TABLE_NAME = '{view}' AND COLUMN_NAME = '{column}'"
    );
    Ok(query(conn, "information_schema columns", &sql).await?.first().is_some_and(|r| text(r, 0) != "0"))
}

async fn read_indexes(conn: &mut Conn, tables: &mut BTreeMap<String, Table>) -> Result<(), MigrateError> {
    // MySQL 8 names a functional key part's expression in STATISTICS.EXPRESSION; MariaDB has
    // no such column (nor functional key parts).
    let has_expression = has_column(conn, "STATISTICS", "EXPRESSION").await?;
    let expression = if has_expression { "EXPRESSION" } else { "NULL" };
    let sql = format!(
        "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), COLUMN_NAME, CAST(SUB_PART AS CHAR), COLLATION, INDEX_TYPE, {expression} \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    );
    for row in query(conn, "indexes", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let name = text(&row, 1);
        let mut part = match opt(&row, 3) {
            Some(column) => column,
            None => format!("({})", text(&row, 7)),
        };
        if let Some(prefix) = opt(&row, 4) {
            part.push_str(&format!("({prefix})"));
        }
        if text(&row, 5) == "D" {
            part.push_str(" DESC");
        }
        if name == "PRIMARY" {
            table.primary_key.get_or_insert_with(|| Key { name: Some(name), ..Key::default() }).columns.push(part);
            continue;
        }
        if let Some(index) = table.indexes.iter_mut().find(|i| i.name == name) {
            index.parts.push(part);
            continue;
        }
        let method = text(&row, 6);
        table.indexes.push(Index {
            name,
            unique: text(&row, 2) == "0",
            parts: vec![part],
            method: matches!(method.as_str(), "FULLTEXT" | "SPATIAL").then_some(method),
            ..Index::default()
        });
    }
    Ok(())
}

async fn read_foreign_keys(conn: &mut Conn, tables: &mut BTreeMap<String, Table>) -> Result<(), MigrateError> {
    let sql = "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
               r.DELETE_RULE, r.UPDATE_RULE, \
               CASE WHEN k.REFERENCED_TABLE_SCHEMA <> DATABASE() THEN k.REFERENCED_TABLE_SCHEMA END \
               FROM information_schema.KEY_COLUMN_USAGE k \
               JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
               AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
               WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
               ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
    for row in query(conn, "foreign keys", sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let name = Some(text(&row, 1));
        let fk = match table.foreign_keys.iter_mut().position(|f| f.name == name) {
            Some(i) => &mut table.foreign_keys[i],
            None => {
                table.foreign_keys.push(ForeignKey {
                    name,
                    referenced_table: text(&row, 3),
                    referenced_schema: opt(&row, 7),
                    on_delete: text(&row, 5),
                    on_update: text(&row, 6),
                    ..ForeignKey::default()
                });
                let last = table.foreign_keys.len() - 1;
                &mut table.foreign_keys[last]
            }
        };
        fk.columns.push(text(&row, 2));
        fk.referenced_columns.push(text(&row, 4));
    }
    Ok(())
}

async fn read_checks(conn: &mut Conn, tables: &mut BTreeMap<String, Table>) -> Result<(), MigrateError> {
    // MariaDB's CHECK_CONSTRAINTS has TABLE_NAME (its check names are per table: a column's
    // CHECK is named after the column); MySQL 8's does not, and its names are per schema.
    let has_table = has_column(conn, "CHECK_CONSTRAINTS", "TABLE_NAME").await?;
    let sql = if has_table {
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE()"
    } else {
        "SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS t \
         JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA \
         AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME WHERE t.CONSTRAINT_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK'"
    };
    for row in query(conn, "checks", sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        table.checks.push(Check { name: Some(text(&row, 1)), expression: text(&row, 2), no_inherit: false });
    }
    Ok(())
}

/// The table options: the line of `SHOW CREATE TABLE` that starts with the closing
/// parenthesis, without it and without `AUTO_INCREMENT=n` (rows move it, not schema changes).
/// The table's `COMMENT='…'` is left out too: the comment is a field of its own.
fn options(shown: &str) -> Option<String> {
    let line = shown.lines().skip(1).find_map(|l| l.strip_prefix(')'))?;
    let line = without_comment(line);
    non_empty(Some(line.split_whitespace().filter(|w| !w.starts_with("AUTO_INCREMENT=")).collect::<Vec<_>>().join(" ")))
}

/// `line` without its ` COMMENT='…'` option (quotes doubled or backslash-escaped inside).
fn without_comment(line: &str) -> String {
    let Some(start) = line.find(" COMMENT='") else { return line.to_owned() };
    let body = start + " COMMENT='".len();
    let bytes = line.as_bytes();
    let mut i = body;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return format!("{}{}", &line[..start], &line[i + 1..]),
            _ => i += 1,
        }
    }
    line[..start].to_owned()
}

/// Column attributes the model does not read: a column line carrying one is reported.
const UNREAD: &[&str] =
    &[" INVISIBLE", " COMPRESSED", " SRID ", " STORAGE ", " COLUMN_FORMAT ", "/*!", " WITHOUT SYSTEM VERSIONING"];

/// What a key or constraint line of `SHOW CREATE TABLE` says after its column list or
/// expression (`COMMENT 'hot'`, MariaDB's `IGNORED`, MySQL's `/*!80000 INVISIBLE */`, `/*!80016
/// NOT ENFORCED */`, `KEY_BLOCK_SIZE=8`) beyond what is read: empty when nothing. The parts read
/// are the name, the list (a foreign key's two lists and its actions), `USING BTREE` and a
/// check's expression.
fn key_attributes(line: &str) -> String {
    let line = line.trim().trim_end_matches(',');
    if line.contains(" FOREIGN KEY ") {
        // Everything a foreign key line shows is read (columns, reference, actions).
        return String::new();
    }
    // The end of the first parenthesised list (quotes respected: a name or literal may hold one).
    let (mut depth, mut quote, mut end) = (0usize, None::<char>, None);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let rest = end.map_or("", |e| line[e..].trim());
    rest.strip_prefix("USING BTREE").map_or(rest, str::trim).to_owned()
}

/// What `SHOW CREATE TABLE` (`shown`) says that `table` does not: `None` when everything it
/// shows was read.
fn unexplained(table: &Table, shown: &str) -> Option<String> {
    let mut lines = shown.lines().skip(1);
    let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with(')')).map(str::trim).collect();
    let after: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
    if !after.is_empty() {
        return Some(format!("more after the table options ({})", after.join(" ")));
    }
    let columns: Vec<&str> = body.iter().copied().filter(|l| l.starts_with('`')).collect();
    if columns.len() != table.columns.len() {
        return Some(format!("{} columns shown, {} read", columns.len(), table.columns.len()));
    }
    if let Some(line) = columns.iter().find(|l| UNREAD.iter().any(|a| l.contains(a))) {
        return Some(format!("a column attribute not read ({})", line.trim_end_matches(',')));
    }
    let keys = body.iter().filter(|l| !l.starts_with('`'));
    if let Some(line) = keys.clone().find(|l| !key_attributes(l).is_empty()) {
        return Some(format!("a key attribute not read ({})", line.trim_end_matches(',')));
    }
    let mut shown_keys: Vec<String> = body
        .iter()
        .filter(|l| !l.starts_with('`') && !l.starts_with("CONSTRAINT"))
        .filter_map(|l| match l.starts_with("PRIMARY KEY") {
            true => Some("PRIMARY".to_owned()),
            false => l.split('`').nth(1).map(|name| name.replace("``", "`")),
        })
        .collect();
    let mut read_keys: Vec<String> = table.indexes.iter().map(|i| i.name.clone()).collect();
    if table.primary_key.is_some() {
        read_keys.push("PRIMARY".to_owned());
    }
    shown_keys.sort();
    read_keys.sort();
    (shown_keys != read_keys).then(|| format!("keys shown {shown_keys:?}, read {read_keys:?}"))
}

async fn read_views(conn: &mut Conn, ours: Ours<'_>, database: &str) -> Result<Vec<View>, MigrateError> {
    let sql = "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()";
    // The server qualifies every name with the database (`db`.`t`): left out, so the same view
    // in two databases reads alike.
    let qualifier = format!("`{}`.", database.replace('`', "``"));
    Ok(query(conn, "views", sql)
        .await?
        .iter()
        .filter(|row| !ours.owns(&text(row, 0)))
        .map(|row| View { name: text(row, 0), definition: text(row, 1).replace(&qualifier, ""), materialized: false })
        .collect())
}

/// Routines, triggers and events, each printed from `information_schema` (not `SHOW CREATE`,
/// which names the definer: the same routine created by another user would differ).
async fn read_unmanaged(conn: &mut Conn, ours: Ours<'_>) -> Result<Vec<Unmanaged>, MigrateError> {
    let routines = "SELECT LOWER(r.ROUTINE_TYPE), r.ROUTINE_NAME, NULL, CONCAT(r.ROUTINE_TYPE, ' ', r.ROUTINE_NAME, '(', \
         COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(' ', CASE WHEN r.ROUTINE_TYPE = 'PROCEDURE' THEN p.PARAMETER_MODE END, \
         p.PARAMETER_NAME, p.DTD_IDENTIFIER) ORDER BY p.ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.PARAMETERS p \
         WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ORDINAL_POSITION > 0), ''), ')', \
         CASE WHEN r.ROUTINE_TYPE = 'FUNCTION' THEN CONCAT(' RETURNS ', r.DTD_IDENTIFIER) ELSE '' END, \
         CASE WHEN r.IS_DETERMINISTIC = 'YES' THEN ' DETERMINISTIC' ELSE '' END, ' ', r.ROUTINE_DEFINITION) \
         FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = DATABASE()";
    let triggers = "SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, \
         ' ON ', EVENT_OBJECT_TABLE, ' FOR EACH ', ACTION_ORIENTATION, ' ', ACTION_STATEMENT) \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()";
    let events = "SELECT 'event', EVENT_NAME, NULL, CONCAT(EVENT_TYPE, ' ', COALESCE(CAST(EXECUTE_AT AS CHAR), \
         CONCAT('EVERY ', INTERVAL_VALUE, ' ', INTERVAL_FIELD)), ' ', STATUS, ' DO ', EVENT_DEFINITION) \
         FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()";
    let mut out = Vec::new();
    for (what, sql) in [("routines", routines), ("triggers", triggers), ("events", events)] {
        for row in query(conn, what, sql).await? {
            let table = opt(&row, 2);
            if table.as_deref().is_some_and(|t| ours.owns(t)) {
                continue;
            }
            out.push(Unmanaged { kind: text(&row, 0), name: text(&row, 1), table, definition: text(&row, 3) });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_leave_out_the_counter() {
        let shown = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4";
        assert_eq!(options(shown).as_deref(), Some("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"));
        let commented =
            "CREATE TABLE `t` (\n  `id` int(11)\n) ENGINE=InnoDB COMMENT='it''s \\' here' ROW_FORMAT=DYNAMIC";
        assert_eq!(options(commented).as_deref(), Some("ENGINE=InnoDB ROW_FORMAT=DYNAMIC"));
    }

    #[test]
    fn a_partitioned_table_is_reported() {
        let shown = "CREATE TABLE `p` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB\n PARTITION BY HASH (`id`)\nPARTITIONS 2";
        let table = Table {
            name: "p".into(),
            columns: vec![Column { name: "id".into(), ..Column::default() }],
            primary_key: Some(Key { name: Some("PRIMARY".into()), columns: vec!["id".into()], ..Key::default() }),
            ..Table::default()
        };
        let why = unexplained(&table, shown).unwrap_or_default();
        assert!(why.contains("PARTITION BY HASH"), "{why}");
        let plain = shown.split("\n PARTITION").next().unwrap_or_default();
        assert_eq!(unexplained(&table, plain), None);
    }

    #[test]
    fn a_key_attribute_not_read_is_reported() {
        for line in [
            "KEY `ix_a` (`a`),",
            "UNIQUE KEY `u` (`a`,`b`) USING BTREE,",
            "PRIMARY KEY (`id`),",
            "FULLTEXT KEY `ft` (`body`)",
            "KEY `ix_x` ((lower(`x`)))",
            "CONSTRAINT `ck` CHECK (`b` > 0 and `c` in ('(', ')'))",
            "CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`) ON DELETE CASCADE",
        ] {
            assert_eq!(key_attributes(line), "", "{line}");
        }
        for (line, attribute) in [
            ("KEY `ix_a` (`a`) IGNORED,", "IGNORED"),
            ("KEY `ix_a` (`a`) COMMENT 'hot (really)',", "COMMENT 'hot (really)'"),
            ("KEY `ix_a` (`a`) /*!80000 INVISIBLE */,", "/*!80000 INVISIBLE */"),
            ("CONSTRAINT `ck` CHECK ((`b` > 0)) /*!80016 NOT ENFORCED */", "/*!80016 NOT ENFORCED */"),
            ("KEY `k` (`a`) USING HASH", "USING HASH"),
        ] {
            assert_eq!(key_attributes(line), attribute, "{line}");
        }
    }

    #[test]
    fn mariadb_null_default_is_no_default() {
        let row: Row =
            ["t", "a", "int(11)", "YES", "NULL", "", "", "", ""].iter().map(|s| Some((*s).to_owned())).collect();
        let c = column(&row, "utf8mb4_general_ci");
        assert_eq!((c.default, c.nullable, c.collation, c.comment), (None, true, None, None));
    }
}
