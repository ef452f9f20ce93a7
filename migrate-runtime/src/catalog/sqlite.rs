//! SQLite's reader: the tables, indexes, views and triggers of `main` from `sqlite_schema` and
//! the pragmas (`pragma_table_xinfo`, `pragma_index_list`, `pragma_index_xinfo`,
//! `pragma_foreign_key_list`); what they do not say (CHECKs, generated expressions,
//! `AUTOINCREMENT`, constraint names, deferral, expression key parts, `WHERE`) from the stored
//! `CREATE` text through [`super::sqlite_text`].
//!
//! Unnamed constraints stay unnamed (`sqlite_autoindex_*` names are not stable). A virtual
//! table is reported as an [`Unmanaged`] `table`.

use std::collections::BTreeMap;

use migrate_core::schema::{Check, Column, ForeignKey, Generated, Index, Key, Schema, Table, Unmanaged, View};

use super::sqlite_text::{TableText, index_text, table_text, view_query};
use super::{Ours, Row, flag, opt, query, text};
use crate::backend::Conn;
use crate::error::MigrateError;

/// `sqlite_schema` rows of application tables, joined as `m`.
const TABLES: &str = "FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// Reads the model of `main`.
///
/// # Errors
/// A catalog query failing.
pub(super) async fn read(conn: &mut Conn, ours: Ours<'_>) -> Result<Schema, MigrateError> {
    let mut schema = Schema::default();
    let mut tables = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for row in query(conn, "tables", &format!("SELECT m.name, m.sql {TABLES}")).await? {
        let (name, sql) = (text(&row, 0), text(&row, 1));
        if ours.owns(&name) {
            continue;
        }
        if sql.trim_start().get(..20).is_some_and(|s| s.eq_ignore_ascii_case("CREATE VIRTUAL TABLE")) {
            schema.unmanaged.push(Unmanaged { kind: "table".into(), name, table: None, definition: sql });
            continue;
        }
        texts.insert(name.clone(), table_text(&sql));
        tables.insert(name.clone(), Table { name, create_sql: Some(sql), ..Table::default() });
    }
    // STRICT and WITHOUT ROWID (SQLite 3.37+): the table's options, empty for neither.
    let options = "SELECT name, CAST(strict AS TEXT), CAST(wr AS TEXT) FROM pragma_table_list WHERE schema = 'main' AND type = 'table'";
    for row in query(conn, "table options", options).await? {
        if let Some(table) = tables.get_mut(&text(&row, 0)) {
            let words = [(flag(&row, 1), "STRICT"), (flag(&row, 2), "WITHOUT ROWID")];
            let words: Vec<&str> = words.iter().filter(|(on, _)| *on).map(|(_, w)| *w).collect();
            table.options = Some(words.join(", "));
        }
    }
    read_columns(conn, &mut tables, &texts).await?;
    read_indexes(conn, &mut tables, &texts).await?;
    read_foreign_keys(conn, &mut tables, &texts).await?;
    for (name, t) in &texts {
        if let Some(table) = tables.get_mut(name) {
            table.checks = t
                .checks
                .iter()
                .map(|(name, expression)| Check {
                    name: name.clone(),
                    expression: expression.clone(),
                    no_inherit: false,
                })
                .collect();
        }
    }
    schema.tables = tables.into_values().collect();
    let others =
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') AND sql IS NOT NULL";
    for row in query(conn, "views and triggers", others).await? {
        let (name, table, sql) = (text(&row, 1), text(&row, 2), text(&row, 3));
        if ours.owns(&table) {
            continue;
        }
        match text(&row, 0).as_str() {
            "view" => schema.views.push(View { name, definition: view_query(&sql), materialized: false }),
            _ => schema.unmanaged.push(Unmanaged { kind: "trigger".into(), name, table: Some(table), definition: sql }),
        }
    }
    Ok(schema)
}

async fn read_columns(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    texts: &BTreeMap<String, TableText>,
) -> Result<(), MigrateError> {
    let sql = format!(
        "SELECT m.name, p.name, p.type, CAST(p.\"notnull\" AS TEXT), p.dflt_value, CAST(p.pk AS TEXT), CAST(p.hidden AS TEXT) \
         {TABLES_JOIN} pragma_table_xinfo(m.name) p WHERE {TABLES_WHERE} ORDER BY m.name, p.cid"
    );
    let mut keys: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for row in query(conn, "columns", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let t = texts.get(&table.name);
        let name = text(&row, 1);
        let hidden = text(&row, 6);
        if hidden == "1" {
            continue; // a virtual table's hidden column
        }
        let generated = matches!(hidden.as_str(), "2" | "3")
            .then(|| t.and_then(|t| t.generated.iter().find(|g| g.0.eq_ignore_ascii_case(&name))))
            .flatten()
            .map(|(_, expression, _)| Generated { expression: expression.clone(), stored: hidden == "3" });
        if let Some(rank) = text(&row, 5).parse::<u32>().ok().filter(|&r| r > 0) {
            keys.entry(table.name.clone()).or_default().push((rank, name.clone()));
        }
        let autoincrement = t.and_then(|t| t.autoincrement.as_deref()).is_some_and(|a| a.eq_ignore_ascii_case(&name));
        // BINARY is every column's default: written or not, the same column.
        let collation = t
            .and_then(|t| t.collations.iter().find(|c| c.0.eq_ignore_ascii_case(&name)))
            .map(|(_, c)| c.to_ascii_uppercase())
            .filter(|c| c != "BINARY");
        table.columns.push(Column {
            data_type: text(&row, 2),
            nullable: !flag(&row, 3),
            default: opt(&row, 4),
            identity: autoincrement.then(|| "autoincrement".to_owned()),
            generated,
            collation,
            name,
            ..Column::default()
        });
    }
    for (name, mut columns) in keys {
        let Some(table) = tables.get_mut(&name) else { continue };
        columns.sort();
        let pk_name = texts.get(&name).and_then(|t| t.primary_key_name.clone());
        table.primary_key = Some(Key {
            name: pk_name,
            columns: columns.into_iter().map(|(_, c)| c).collect(),
            nulls_not_distinct: false,
            deferrable: None,
        });
    }
    Ok(())
}

/// The join of [`TABLES`] with a table-valued pragma (`… JOIN pragma_x(m.name) p WHERE …`).
const TABLES_JOIN: &str = "FROM sqlite_schema m JOIN";
/// The condition of [`TABLES`].
const TABLES_WHERE: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

async fn read_indexes(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    texts: &BTreeMap<String, TableText>,
) -> Result<(), MigrateError> {
    let parts_sql = format!(
        "SELECT i.name, CAST(x.cid AS TEXT), x.name, CAST(x.\"desc\" AS TEXT) {TABLES_JOIN} pragma_index_list(m.name) i \
         JOIN pragma_index_xinfo(i.name) x WHERE {TABLES_WHERE} AND x.key = 1 ORDER BY i.name, x.seqno"
    );
    let mut parts: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for row in query(conn, "index parts", &parts_sql).await? {
        parts.entry(text(&row, 0)).or_default().push(row);
    }
    let sql = format!(
        "SELECT m.name, i.name, CAST(i.\"unique\" AS TEXT), i.origin, CAST(i.partial AS TEXT), s.sql \
         {TABLES_JOIN} pragma_index_list(m.name) i LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = i.name \
         WHERE {TABLES_WHERE}"
    );
    for row in query(conn, "indexes", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let name = text(&row, 1);
        let rows = parts.remove(&name).unwrap_or_default();
        match text(&row, 3).as_str() {
            "u" => {
                let columns: Vec<String> = rows.iter().map(|r| text(r, 2)).collect();
                let named = texts.get(&table.name).and_then(|t| t.uniques.iter().find(|(_, c)| same(c, &columns)));
                table.uniques.push(Key {
                    name: named.map(|(n, _)| n.clone()),
                    columns,
                    nulls_not_distinct: false,
                    deferrable: None,
                });
            }
            "c" => {
                let create_sql = opt(&row, 5);
                let (written, predicate) = create_sql.as_deref().map(index_text).unwrap_or_default();
                let parts = rows
                    .iter()
                    .enumerate()
                    .map(|(k, r)| match (text(r, 1).as_str(), opt(r, 2)) {
                        ("-2", _) | (_, None) => written.get(k).cloned().unwrap_or_default(),
                        (_, Some(column)) if flag(r, 3) => format!("{column} DESC"),
                        (_, Some(column)) => column,
                    })
                    .collect();
                table.indexes.push(Index {
                    name,
                    unique: flag(&row, 2),
                    parts,
                    predicate: if flag(&row, 4) { predicate } else { None },
                    create_sql,
                    ..Index::default()
                });
            }
            _ => {} // the primary key's own index
        }
    }
    Ok(())
}

/// Whether two column lists name the same columns (SQLite names are case-insensitive).
fn same(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

async fn read_foreign_keys(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    texts: &BTreeMap<String, TableText>,
) -> Result<(), MigrateError> {
    let sql = format!(
        "SELECT m.name, CAST(f.id AS TEXT), f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         {TABLES_JOIN} pragma_foreign_key_list(m.name) f WHERE {TABLES_WHERE} ORDER BY m.name, f.id, f.seq"
    );
    let rows = query(conn, "foreign keys", &sql).await?;
    let mut grouped: BTreeMap<(String, u32), ForeignKey> = BTreeMap::new();
    let mut implicit = Vec::new();
    for row in &rows {
        let key = (text(row, 0), text(row, 1).parse::<u32>().unwrap_or(0));
        let fk = grouped.entry(key.clone()).or_insert_with(|| ForeignKey {
            referenced_table: text(row, 2),
            on_update: text(row, 5),
            on_delete: text(row, 6),
            ..ForeignKey::default()
        });
        fk.columns.push(text(row, 3));
        match opt(row, 4) {
            Some(to) => fk.referenced_columns.push(to),
            None => implicit.push(key),
        }
    }
    // SQLite numbers a table's foreign keys from the last declared: in declaration order, they
    // pair with the clauses of the stored text, checked by their columns and parent.
    let mut by_table: BTreeMap<String, Vec<ForeignKey>> = BTreeMap::new();
    for ((table_name, id), mut fk) in grouped.into_iter().rev() {
        if implicit.contains(&(table_name.clone(), id)) {
            // `REFERENCES parent` alone: the parent's primary key.
            fk.referenced_columns = parent_key(conn, tables, &fk.referenced_table).await?;
        }
        by_table.entry(table_name).or_default().push(fk);
    }
    for (table_name, mut fks) in by_table {
        // in declaration order (built from the highest id down)
        let written = texts.get(&table_name).map(|t| t.foreign_keys.as_slice()).unwrap_or_default();
        let mut used = vec![false; written.len()];
        for fk in &mut fks {
            let found = written.iter().enumerate().position(|(k, (_, cols, parent, _))| {
                !used[k] && same(cols, &fk.columns) && parent.eq_ignore_ascii_case(&fk.referenced_table)
            });
            if let Some(k) = found {
                used[k] = true;
                fk.name.clone_from(&written[k].0);
                fk.deferrable.clone_from(&written[k].3);
            }
        }
        if let Some(table) = tables.get_mut(&table_name) {
            table.foreign_keys.extend(fks);
        }
    }
    Ok(())
}

/// The primary key columns of `parent` (read already, or from its pragma when it is not one
/// of the tables read).
async fn parent_key(
    conn: &mut Conn,
    tables: &BTreeMap<String, Table>,
    parent: &str,
) -> Result<Vec<String>, MigrateError> {
    if let Some(key) =
        tables.values().find(|t| t.name.eq_ignore_ascii_case(parent)).and_then(|t| t.primary_key.as_ref())
    {
        return Ok(key.columns.clone());
    }
    let sql = format!("SELECT name FROM pragma_table_info('{}') WHERE pk > 0 ORDER BY pk", parent.replace('\'', "''"));
    Ok(query(conn, "a parent's primary key", &sql).await?.iter().map(|r| text(r, 0)).collect())
}
