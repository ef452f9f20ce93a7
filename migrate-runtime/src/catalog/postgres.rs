//! PostgreSQL's reader: the objects of `current_schema()` from `pg_catalog`, every text as the
//! server prints it (`format_type`, `pg_get_expr`, `pg_get_indexdef(oid, k, true)`,
//! `pg_get_viewdef`, `pg_get_functiondef`, `pg_get_triggerdef`).
//!
//! Partitions (`relispartition`) are left out: their parent is the table. Index parts carry
//! `DESC`, `NULLS FIRST|LAST` and a non-default operator class (which `pg_get_indexdef` leaves
//! out when asked for one column); a per-part collation is not read.

use std::collections::BTreeMap;

use migrate_core::schema::{
    Check, Column, EnumType, ForeignKey, Generated, Index, Key, Schema, Table, Unmanaged, View,
};

use super::{Ours, Row, flag, list, opt, query, text};
use crate::backend::Conn;
use crate::error::MigrateError;

/// The current schema's namespace, joined as `n`.
const IN_SCHEMA: &str = "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()";

/// Reads the model of the current schema.
///
/// # Errors
/// A catalog query failing.
pub(super) async fn read(conn: &mut Conn, ours: Ours<'_>) -> Result<Schema, MigrateError> {
    let mut unmanaged = Vec::new();
    let mut tables = read_tables(conn, ours, &mut unmanaged).await?;
    read_columns(conn, &mut tables).await?;
    read_constraints(conn, &mut tables, &mut unmanaged).await?;
    read_indexes(conn, &mut tables, &mut unmanaged).await?;
    unmanaged.extend(read_unmanaged(conn, ours).await?);
    Ok(Schema {
        tables: tables.into_values().collect(),
        enums: read_enums(conn).await?,
        views: read_views(conn, ours).await?,
        unmanaged,
    })
}

/// Reads the tables. An `UNLOGGED` table or one with storage parameters (`WITH (fillfactor=…)`)
/// is also reported among the objects not managed: the model does not hold either.
async fn read_tables(
    conn: &mut Conn,
    ours: Ours<'_>,
    unmanaged: &mut Vec<Unmanaged>,
) -> Result<BTreeMap<String, Table>, MigrateError> {
    let sql = format!(
        "SELECT c.relname, obj_description(c.oid, 'pg_class'), c.relpersistence::text, array_to_string(c.reloptions, ', ') \
         FROM pg_class c {IN_SCHEMA} \
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
    );
    let mut tables = BTreeMap::new();
    for row in query(conn, "tables", &sql).await? {
        let name = text(&row, 0);
        if ours.owns(&name) {
            continue;
        }
        let mut unread = Vec::new();
        if text(&row, 2) == "u" {
            unread.push("UNLOGGED".to_owned());
        }
        if let Some(options) = opt(&row, 3).filter(|o| !o.is_empty()) {
            unread.push(format!("WITH ({options})"));
        }
        if !unread.is_empty() {
            let definition = format!("a table attribute not read ({})", unread.join(" "));
            unmanaged.push(Unmanaged {
                kind: "table".into(),
                name: name.clone(),
                table: Some(name.clone()),
                definition,
            });
        }
        tables.insert(name.clone(), Table { name, comment: opt(&row, 1), ..Table::default() });
    }
    Ok(tables)
}

async fn read_columns(conn: &mut Conn, tables: &mut BTreeMap<String, Table>) -> Result<(), MigrateError> {
    // A serial column: a nextval default on a sequence the column owns (deptype 'a'; an
    // identity column's sequence is 'i').
    let sql = format!(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), (NOT a.attnotnull)::text, \
         pg_get_expr(ad.adbin, ad.adrelid), a.attidentity::text, a.attgenerated::text, \
         CASE WHEN a.attcollation <> t.typcollation THEN co.collname END, col_description(c.oid, a.attnum), \
         EXISTS (SELECT 1 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' \
           WHERE d.classid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'a')::text, \
         (SELECT NULLIF(concat_ws(' ', \
            CASE WHEN s.seqstart <> CASE WHEN s.seqincrement > 0 THEN 1 ELSE -1 END THEN 'START WITH ' || s.seqstart END, \
            CASE WHEN s.seqincrement <> 1 THEN 'INCREMENT BY ' || s.seqincrement END), '') \
          FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid \
          WHERE d.classid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = a.attnum AND d.deptype = 'i') \
         FROM pg_class c {IN_SCHEMA} \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         JOIN pg_type t ON t.oid = a.atttypid \
         LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum \
         LEFT JOIN pg_collation co ON co.oid = a.attcollation \
         WHERE c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum"
    );
    for row in query(conn, "columns", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        table.columns.push(column(&row));
    }
    Ok(())
}

/// One column from its `read_columns` row.
fn column(row: &Row) -> Column {
    let mut default = opt(row, 4);
    let identity = match text(row, 5).as_str() {
        "a" => Some("ALWAYS".to_owned()),
        "d" => Some("BY DEFAULT".to_owned()),
        _ if flag(row, 9) && default.as_deref().is_some_and(|d| d.starts_with("nextval(")) => Some("serial".to_owned()),
        _ => None,
    };
    if identity.is_some() {
        default = None;
    }
    let generated = if text(row, 6) == "s" {
        default.take().map(|expression| Generated { expression, stored: true })
    } else {
        None
    };
    Column {
        name: text(row, 1),
        data_type: text(row, 2),
        nullable: flag(row, 3),
        default,
        identity_options: if identity.as_deref().is_some_and(|i| i != "serial") { opt(row, 10) } else { None },
        identity,
        generated,
        collation: opt(row, 7),
        on_update: None,
        comment: opt(row, 8),
    }
}

async fn read_constraints(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    unmanaged: &mut Vec<Unmanaged>,
) -> Result<(), MigrateError> {
    let cols = |keys: &str, rel: &str| {
        format!(
            "(SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest(co.{keys}) WITH ORDINALITY k(num, ord) \
             JOIN pg_attribute a ON a.attrelid = co.{rel} AND a.attnum = k.num)"
        )
    };
    let sql = format!(
        "SELECT c.relname, co.conname, co.contype::text, {}, r.relname, {}, co.confdeltype::text, co.confupdtype::text, \
         co.condeferrable::text, co.condeferred::text, pg_get_expr(co.conbin, co.conrelid), pg_get_constraintdef(co.oid), \
         CASE WHEN rn.nspname <> current_schema() THEN rn.nspname END, co.confmatchtype::text, co.connoinherit::text, \
         (SELECT NULLIF(concat_ws(' ', 'WITH (' || array_to_string(i.reloptions, ', ') || ')', \
            CASE WHEN i.reltablespace <> 0 THEN 'USING INDEX TABLESPACE ' || t.spcname END), '') \
          FROM pg_class i LEFT JOIN pg_tablespace t ON t.oid = i.reltablespace \
          WHERE i.oid = co.conindid AND co.contype IN ('p', 'u')) \
         FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid {IN_SCHEMA} \
         LEFT JOIN pg_class r ON r.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace",
        cols("conkey", "conrelid"),
        cols("confkey", "confrelid"),
    );
    for row in query(conn, "constraints", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let name = Some(text(&row, 1));
        // A key's index storage is not in its definition: it comes from the index (column 15).
        let definition = match opt(&row, 15) {
            Some(storage) => format!("{} {storage}", text(&row, 11)),
            None => text(&row, 11),
        };
        if constraint_attributes_not_read(&definition) {
            unmanaged.push(Unmanaged {
                kind: "constraint".to_owned(),
                name: text(&row, 1),
                table: Some(table.name.clone()),
                definition,
            });
        }
        let deferrable = match (flag(&row, 8), flag(&row, 9)) {
            (false, _) => None,
            (true, true) => Some("DEFERRABLE INITIALLY DEFERRED".to_owned()),
            (true, false) => Some("DEFERRABLE INITIALLY IMMEDIATE".to_owned()),
        };
        match text(&row, 2).as_str() {
            "p" => {
                table.primary_key = Some(Key { name, columns: list(&row, 3), nulls_not_distinct: false, deferrable })
            }
            // PostgreSQL 15+ prints `UNIQUE NULLS NOT DISTINCT (…)` (no catalog column before 15).
            "u" => table.uniques.push(Key {
                name,
                columns: list(&row, 3),
                nulls_not_distinct: text(&row, 11).starts_with("UNIQUE NULLS NOT DISTINCT"),
                deferrable,
            }),
            "f" => table.foreign_keys.push(ForeignKey {
                name,
                columns: list(&row, 3),
                referenced_table: text(&row, 4),
                referenced_schema: opt(&row, 12),
                referenced_columns: list(&row, 5),
                on_delete: action(&text(&row, 6)),
                on_update: action(&text(&row, 7)),
                deferrable,
                match_full: text(&row, 13) == "f",
            }),
            "c" => table.checks.push(Check { name, expression: text(&row, 10), no_inherit: flag(&row, 14) }),
            // An exclusion constraint (or a newer kind): reported, not modelled.
            _ => unmanaged.push(Unmanaged {
                kind: "constraint".to_owned(),
                name: text(&row, 1),
                table: Some(table.name.clone()),
                definition: text(&row, 11),
            }),
        }
    }
    Ok(())
}

/// Whether a constraint definition as `pg_get_constraintdef` prints it holds what the model does
/// not: storage parameters or a tablespace of its index (appended by the reader: a key's index
/// storage is not in its definition), or `NOT VALID` (rows not checked yet).
fn constraint_attributes_not_read(definition: &str) -> bool {
    definition.contains(") WITH (")
        || definition.contains(" USING INDEX TABLESPACE ")
        || definition.ends_with(" NOT VALID")
}

/// A foreign key action from its `pg_constraint` letter.
fn action(letter: &str) -> String {
    match letter {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
    .to_owned()
}

async fn read_indexes(
    conn: &mut Conn,
    tables: &mut BTreeMap<String, Table>,
    unmanaged: &mut Vec<Unmanaged>,
) -> Result<(), MigrateError> {
    // Indexes no primary key, unique or exclusion constraint owns (a foreign key's conindid
    // names the referenced table's index: it does not own it).
    let owned = "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))";
    let sql = format!(
        "SELECT c.relname, i.relname, x.indisunique::text, pg_get_expr(x.indpred, x.indrelid), am.amname, x.indexrelid::text, \
         pg_get_indexdef(x.indexrelid) \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid {IN_SCHEMA} \
         JOIN pg_am am ON am.oid = i.relam WHERE NOT {owned}"
    );
    let parts_sql = format!(
        "SELECT x.indexrelid::text, (k > x.indnkeyatts)::text, pg_get_indexdef(x.indexrelid, k, true), \
         CASE WHEN k <= x.indnkeyatts THEN x.indoption[k - 1]::text END, \
         CASE WHEN k <= x.indnkeyatts AND NOT oc.opcdefault THEN oc.opcname END \
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid {IN_SCHEMA} \
         CROSS JOIN generate_series(1, x.indnatts) k \
         LEFT JOIN pg_opclass oc ON oc.oid = x.indclass[k - 1] AND k <= x.indnkeyatts \
         WHERE NOT {owned} ORDER BY x.indexrelid, k"
    );
    let mut parts: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for row in query(conn, "index parts", &parts_sql).await? {
        let entry = parts.entry(text(&row, 0)).or_default();
        if flag(&row, 1) {
            entry.1.push(text(&row, 2));
        } else {
            entry.0.push(part(&row));
        }
    }
    for row in query(conn, "indexes", &sql).await? {
        let Some(table) = tables.get_mut(&text(&row, 0)) else { continue };
        let (parts, include) = parts.remove(&text(&row, 5)).unwrap_or_default();
        let definition = text(&row, 6);
        let before_where = definition.split(" WHERE ").next().unwrap_or(&definition);
        if before_where.contains(") WITH (") || before_where.contains(" TABLESPACE ") {
            unmanaged.push(Unmanaged {
                kind: "index".to_owned(),
                name: text(&row, 1),
                table: Some(table.name.clone()),
                definition: definition.clone(),
            });
        }
        table.indexes.push(Index {
            name: text(&row, 1),
            unique: flag(&row, 2),
            parts,
            predicate: opt(&row, 3),
            method: opt(&row, 4).filter(|m| m != "btree"),
            include,
            // PostgreSQL 15+ prints it after the key parts and INCLUDE, before WITH and WHERE.
            nulls_not_distinct: flag(&row, 2) && nulls_not_distinct(&text(&row, 6)),
            create_sql: None,
        });
    }
    Ok(())
}

/// Whether an index definition as `pg_get_indexdef` prints it says `NULLS NOT DISTINCT` after
/// its column lists (not inside a predicate's string literal).
fn nulls_not_distinct(definition: &str) -> bool {
    definition.split(" WHERE ").next().unwrap_or(definition).contains(") NULLS NOT DISTINCT")
}

/// One key part: the column or expression, then a non-default operator class, then the order
/// from `indoption` (bit 1: DESC, bit 2: NULLS FIRST), written only where it is not the
/// default (`ASC NULLS LAST`, `DESC NULLS FIRST`).
fn part(row: &Row) -> String {
    let mut part = text(row, 2);
    if let Some(opclass) = opt(row, 4) {
        part.push(' ');
        part.push_str(&opclass);
    }
    let option: i32 = opt(row, 3).and_then(|o| o.parse().ok()).unwrap_or(0);
    let (desc, nulls_first) = (option & 1 != 0, option & 2 != 0);
    match (desc, nulls_first) {
        (true, true) => part.push_str(" DESC"),
        (true, false) => part.push_str(" DESC NULLS LAST"),
        (false, true) => part.push_str(" NULLS FIRST"),
        (false, false) => {}
    }
    part
}

async fn read_enums(conn: &mut Conn) -> Result<Vec<EnumType>, MigrateError> {
    let sql = "SELECT t.typname, string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder) FROM pg_type t \
               JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = current_schema() \
               JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname";
    Ok(query(conn, "enum types", sql)
        .await?
        .iter()
        .map(|row| EnumType { name: text(row, 0), values: list(row, 1) })
        .collect())
}

async fn read_views(conn: &mut Conn, ours: Ours<'_>) -> Result<Vec<View>, MigrateError> {
    let sql = format!(
        "SELECT c.relname, pg_get_viewdef(c.oid, true), (c.relkind = 'm')::text FROM pg_class c {IN_SCHEMA} \
         WHERE c.relkind IN ('v', 'm') \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
    );
    Ok(query(conn, "views", &sql)
        .await?
        .iter()
        .filter(|row| !ours.owns(&text(row, 0)))
        .map(|row| View { name: text(row, 0), definition: text(row, 1), materialized: flag(row, 2) })
        .collect())
}

/// Functions and procedures (not an extension's), triggers (not internal), sequences no column
/// owns.
async fn read_unmanaged(conn: &mut Conn, ours: Ours<'_>) -> Result<Vec<Unmanaged>, MigrateError> {
    let routines = "SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, \
         p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL, pg_get_functiondef(p.oid) \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = current_schema() \
         WHERE p.prokind IN ('f', 'p') \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')";
    let triggers = format!(
        "SELECT 'trigger', t.tgname, c.relname, pg_get_triggerdef(t.oid, true) \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid {IN_SCHEMA} WHERE NOT t.tgisinternal"
    );
    let sequences = format!(
        "SELECT 'sequence', c.relname, NULL, 'AS ' || format_type(s.seqtypid, NULL) || ' START ' || s.seqstart || \
         ' INCREMENT ' || s.seqincrement || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' CACHE ' || s.seqcache || \
         CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END \
         FROM pg_class c {IN_SCHEMA} JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S' \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))"
    );
    let mut out = Vec::new();
    for (what, sql) in [("routines", routines.to_owned()), ("triggers", triggers), ("sequences", sequences)] {
        for row in query(conn, what, &sql).await? {
            let table = opt(&row, 2);
            if ours.owns(&text(&row, 1)) || table.as_deref().is_some_and(|t| ours.owns(t)) {
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

    fn row(values: &[Option<&str>]) -> Row {
        values.iter().map(|v| v.map(str::to_owned)).collect()
    }

    #[test]
    fn key_parts_say_only_what_is_not_the_default_order() {
        let asc = row(&[None, None, Some("a"), Some("0"), None]);
        let desc = row(&[None, None, Some("lower(b)"), Some("3"), None]);
        let desc_last = row(&[None, None, Some("c"), Some("1"), Some("text_pattern_ops")]);
        let first = row(&[None, None, Some("d"), Some("2"), None]);
        assert_eq!(part(&asc), "a");
        assert_eq!(part(&desc), "lower(b) DESC");
        assert_eq!(part(&desc_last), "c text_pattern_ops DESC NULLS LAST");
        assert_eq!(part(&first), "d NULLS FIRST");
    }

    #[test]
    fn a_serial_column_has_no_default_and_a_generated_one_its_expression() {
        let serial = row(&[
            Some("t"),
            Some("id"),
            Some("integer"),
            Some("false"),
            Some("nextval('t_id_seq'::regclass)"),
            Some(""),
            Some(""),
            None,
            None,
            Some("true"),
        ]);
        let c = column(&serial);
        assert_eq!((c.identity.as_deref(), c.default), (Some("serial"), None));
        let generated = row(&[
            Some("t"),
            Some("g"),
            Some("integer"),
            Some("true"),
            Some("(a * 2)"),
            Some(""),
            Some("s"),
            None,
            None,
        ]);
        let c = column(&generated);
        assert_eq!(c.generated, Some(Generated { expression: "(a * 2)".into(), stored: true }));
        assert_eq!(c.default, None);
    }
}
