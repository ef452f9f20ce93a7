//! PostgreSQL's SQL for each plan operation. A column alter is a sequence of `ALTER COLUMN`
//! statements in a safe order: the old identity or serial default goes first, the default is
//! dropped around a type change, NULLs are filled from the default before `SET NOT NULL`, the
//! new identity comes last. A changed generated expression re-adds the column (PostgreSQL 15
//! cannot alter it); an enum losing or reordering values is re-created under its name.

use super::super::diff::{Aspect, ColumnDiff, effective_default};
use super::super::model::{Check, Column, Index, Key, Table};
use super::super::plan::Op;
use super::super::text::{literal, quote, quote_list, view_query};
use super::{constraint_name, foreign_key_clause, index_parts};
use crate::Dialect;

const D: Dialect = Dialect::Postgres;

fn q(name: &str) -> String {
    quote(D, name)
}

/// The statements of one operation.
pub(crate) fn statements(op: &Op<'_>) -> Vec<String> {
    match op {
        Op::DeferForeignKeys | Op::Rebuild(_) | Op::DropTrigger(_) | Op::CreateTrigger(_) => Vec::new(),
        Op::DropView(v) => {
            vec![format!("DROP {}VIEW {}", if v.materialized { "MATERIALIZED " } else { "" }, q(&v.name))]
        }
        Op::CreateView(v) => vec![format!(
            "CREATE {}VIEW {} AS {}",
            if v.materialized { "MATERIALIZED " } else { "" },
            q(&v.name),
            view_query(&v.definition)
        )],
        Op::RenameTable { from, to } => vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))],
        Op::RenameColumn { table, from, to } => {
            vec![format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(table), q(from), q(to))]
        }
        Op::DropForeignKey { table, fk } => drop_constraint(table, fk.name.as_deref()),
        Op::AddForeignKey { table, fk } => vec![format!("ALTER TABLE {} ADD {}", q(table), foreign_key_clause(D, fk))],
        Op::DropIndex { index, .. } => vec![format!("DROP INDEX {}", q(&index.name))],
        Op::CreateIndex { table, index } => vec![create_index(table, index)],
        Op::DropPrimaryKey { table, key } => drop_constraint(table, key.name.as_deref()),
        Op::DropUnique { table, key } => drop_constraint(table, key.name.as_deref()),
        Op::DropCheck { table, check } => drop_constraint(table, check.name.as_deref()),
        Op::AddPrimaryKey { table, key, .. } => vec![format!("ALTER TABLE {} ADD {}", q(table), primary_key(key))],
        Op::AddUnique { table, key } => vec![format!("ALTER TABLE {} ADD {}", q(table), unique(key))],
        Op::AddCheck { table, check } => vec![format!("ALTER TABLE {} ADD {}", q(table), check_clause(check))],
        Op::CreateEnum(e) => vec![create_enum(&e.name, &e.values)],
        Op::AddEnumValue { name, value, after, before } => {
            let position = match (after, before) {
                (Some(a), _) => format!(" AFTER {}", literal(D, a)),
                (None, Some(b)) => format!(" BEFORE {}", literal(D, b)),
                (None, None) => String::new(),
            };
            vec![format!("ALTER TYPE {} ADD VALUE {}{position}", q(name), literal(D, value))]
        }
        Op::RecreateEnum { new, columns } => {
            let mut out = vec![
                format!("ALTER TYPE {} RENAME TO {}", q(&new.name), q(&old_enum(&new.name))),
                create_enum(&new.name, &new.values),
            ];
            for (table, column, has_default) in columns {
                out.extend(convert_to_enum(table, column, *has_default));
            }
            out
        }
        Op::DropOldEnum(name) => vec![format!("DROP TYPE {}", q(&old_enum(name)))],
        Op::DropEnum(e) => vec![format!("DROP TYPE {}", q(&e.name))],
        Op::CreateTable(t) => vec![create_table(t)],
        Op::DropTable(t) => vec![format!("DROP TABLE {}", q(&t.name))],
        Op::AddColumn { table, column } => vec![format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(column))],
        Op::DropColumn { table, column } => vec![format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(column))],
        Op::AlterColumn { table, change } => alter_column(table, change),
        Op::TableComment { table, comment } => {
            vec![format!("COMMENT ON TABLE {} IS {}", q(table), comment.map_or("NULL".to_string(), |c| literal(D, c)))]
        }
        Op::ColumnComment { table, column, comment } => vec![format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            q(table),
            q(column),
            comment.map_or("NULL".to_string(), |c| literal(D, c))
        )],
        Op::TableOptions { .. } => Vec::new(),
    }
}

/// The name a re-created enum's old type takes until it is dropped.
fn old_enum(name: &str) -> String {
    format!("{name}__migrate_old")
}

fn create_enum(name: &str, values: &[String]) -> String {
    let values = values.iter().map(|v| literal(D, v)).collect::<Vec<_>>().join(", ");
    format!("CREATE TYPE {} AS ENUM ({values})", q(name))
}

fn convert_to_enum(table: &str, column: &Column, has_default: bool) -> Vec<String> {
    let alter = format!("ALTER TABLE {} ALTER COLUMN {}", q(table), q(&column.name));
    let ty = &column.data_type;
    let text = if ty.trim_end().ends_with("[]") { "text[]" } else { "text" };
    let mut out = Vec::new();
    if has_default {
        out.push(format!("{alter} DROP DEFAULT"));
    }
    out.push(format!("{alter} TYPE {ty} USING {}::{text}::{ty}", q(&column.name)));
    if let Some(default) = effective_default(column) {
        out.push(format!("{alter} SET DEFAULT {default}"));
    }
    out
}

/// `[CONSTRAINT name] PRIMARY KEY (…) [DEFERRABLE …]`.
fn primary_key(key: &Key) -> String {
    format!(
        "{}PRIMARY KEY ({}){}",
        constraint_name(D, key.name.as_deref()),
        quote_list(D, &key.columns),
        deferrable(key)
    )
}

/// `[CONSTRAINT name] UNIQUE [NULLS NOT DISTINCT] (…) [DEFERRABLE …]`.
fn unique(key: &Key) -> String {
    let nulls = if key.nulls_not_distinct { "NULLS NOT DISTINCT " } else { "" };
    let (name, columns) = (constraint_name(D, key.name.as_deref()), quote_list(D, &key.columns));
    format!("{name}UNIQUE {nulls}({columns}){}", deferrable(key))
}

/// ` DEFERRABLE INITIALLY …` or nothing.
fn deferrable(key: &Key) -> String {
    key.deferrable.as_deref().map(|d| format!(" {d}")).unwrap_or_default()
}

/// `[CONSTRAINT name] CHECK (…) [NO INHERIT]`.
fn check_clause(check: &Check) -> String {
    let inherit = if check.no_inherit { " NO INHERIT" } else { "" };
    format!("{}CHECK ({}){inherit}", constraint_name(D, check.name.as_deref()), check.expression)
}

fn drop_constraint(table: &str, name: Option<&str>) -> Vec<String> {
    name.map(|n| format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(n))).into_iter().collect()
}

fn create_index(table: &str, index: &Index) -> String {
    let mut out =
        format!("CREATE {}INDEX {} ON {}", if index.unique { "UNIQUE " } else { "" }, q(&index.name), q(table));
    if let Some(method) = &index.method {
        out.push_str(&format!(" USING {method}"));
    }
    out.push_str(&format!(" ({})", index_parts(D, &index.parts)));
    if !index.include.is_empty() {
        out.push_str(&format!(" INCLUDE ({})", index_parts(D, &index.include)));
    }
    if index.nulls_not_distinct {
        out.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(" WHERE {predicate}"));
    }
    out
}

/// Moves the sequence a column now takes its values from past the values the rows hold, so the
/// next insert does not collide with an existing key.
fn restart_after_rows(table: &str, column: &str) -> String {
    let (t, c) = (q(table), q(column));
    format!(
        "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({c}), 0) + 1, false) FROM {t}",
        literal(D, &t),
        literal(D, column)
    )
}

/// ` (START WITH … INCREMENT BY …)` after `AS IDENTITY`, or nothing.
fn identity_options(column: &Column) -> String {
    column.identity_options.as_deref().map(|o| format!(" ({o})")).unwrap_or_default()
}

/// The number after `key` in identity options (`START WITH 1000 INCREMENT BY 10`).
fn option_value<'a>(options: &'a str, key: &str) -> Option<&'a str> {
    options.split_once(key).and_then(|(_, rest)| rest.split_whitespace().next())
}

fn identity_kind(column: &Column) -> Option<String> {
    column.identity.as_deref().map(|i| i.trim().to_ascii_uppercase())
}

/// `serial`, `bigserial` or `smallserial` for a serial column of those integer types.
fn serial_type(column: &Column) -> Option<&'static str> {
    if identity_kind(column).as_deref() != Some("SERIAL") {
        return None;
    }
    match column.data_type.trim() {
        "integer" | "int" | "int4" => Some("serial"),
        "bigint" | "int8" => Some("bigserial"),
        "smallint" | "int2" => Some("smallserial"),
        _ => None,
    }
}

fn collate(collation: &str) -> String {
    if collation.starts_with('"') { format!(" COLLATE {collation}") } else { format!(" COLLATE {}", q(collation)) }
}

/// `name type [COLLATE] [GENERATED ALWAYS AS (…) STORED] [GENERATED … AS IDENTITY] [DEFAULT]
/// [NOT NULL]`.
pub(crate) fn column_def(c: &Column) -> String {
    let mut out = format!("{} {}", q(&c.name), serial_type(c).unwrap_or(&c.data_type));
    if let Some(collation) = &c.collation {
        out.push_str(&collate(collation));
    }
    if let Some(g) = &c.generated {
        out.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expression));
    }
    if let Some(kind @ ("ALWAYS" | "BY DEFAULT")) = identity_kind(c).as_deref() {
        out.push_str(&format!(" GENERATED {kind} AS IDENTITY{}", identity_options(c)));
    }
    if let Some(default) = effective_default(c)
        && serial_type(c).is_none()
        && c.generated.is_none()
    {
        out.push_str(&format!(" DEFAULT {default}"));
    }
    if !c.nullable {
        out.push_str(" NOT NULL");
    }
    out
}

fn create_table(t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        items.push(primary_key(pk));
    }
    items.extend(t.uniques.iter().map(unique));
    items.extend(t.checks.iter().map(check_clause));
    format!("CREATE TABLE {} (\n  {}\n)", q(&t.name), items.join(",\n  "))
}

fn alter_column(table: &str, change: &ColumnDiff<'_>) -> Vec<String> {
    let (a, b) = (change.from, change.to);
    let has = |aspect| change.aspects.contains(&aspect);
    let alter = format!("ALTER TABLE {} ALTER COLUMN {}", q(table), q(&b.name));
    let mut out = Vec::new();
    if has(Aspect::Generated) {
        if b.generated.is_some() {
            // PostgreSQL 15 cannot change a generation expression: the column is re-added.
            out.push(format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(&b.name)));
            out.push(format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(b)));
            return out;
        }
        out.push(format!("{alter} DROP EXPRESSION"));
    }
    let (old_id, new_id) = (identity_kind(a), identity_kind(b));
    let is_identity = |k: &Option<String>| matches!(k.as_deref(), Some("ALWAYS" | "BY DEFAULT"));
    let mut default_dropped = false;
    if has(Aspect::Identity) {
        match (old_id.as_deref(), new_id.as_deref()) {
            (Some("ALWAYS"), Some("BY DEFAULT")) => out.push(format!("{alter} SET GENERATED BY DEFAULT")),
            (Some("BY DEFAULT"), Some("ALWAYS")) => out.push(format!("{alter} SET GENERATED ALWAYS")),
            (Some("SERIAL"), _) => {
                out.push(format!("{alter} DROP DEFAULT"));
                // The sequence `serial` made (its conventional name) goes with its default.
                out.push(format!("DROP SEQUENCE IF EXISTS {}", q(&format!("{table}_{}_seq", a.name))));
                default_dropped = true;
            }
            _ if is_identity(&old_id) => out.push(format!("{alter} DROP IDENTITY")),
            _ => {}
        }
    }
    let old_default = effective_default(a).filter(|_| serial_type(a).is_none());
    let new_default = effective_default(b).filter(|_| serial_type(b).is_none());
    if has(Aspect::Type) || has(Aspect::Collation) {
        if old_default.is_some() && !default_dropped {
            out.push(format!("{alter} DROP DEFAULT"));
            default_dropped = true;
        }
        let collation = match &b.collation {
            Some(c) => collate(c),
            None if a.collation.is_some() => " COLLATE \"default\"".to_string(),
            None => String::new(),
        };
        out.push(format!("{alter} TYPE {ty}{collation} USING {}::{ty}", q(&b.name), ty = b.data_type));
    }
    let default_changes = has(Aspect::Default) || (default_dropped && new_default.is_some());
    match new_default {
        Some(d) if default_changes || (default_dropped && old_default.is_some()) => {
            out.push(format!("{alter} SET DEFAULT {d}"))
        }
        None if has(Aspect::Default) && old_default.is_some() && !default_dropped => {
            out.push(format!("{alter} DROP DEFAULT"))
        }
        _ => {}
    }
    if has(Aspect::Nullable) {
        if b.nullable {
            out.push(format!("{alter} DROP NOT NULL"));
        } else {
            if let Some(d) = new_default {
                out.push(format!("UPDATE {} SET {} = {d} WHERE {} IS NULL", q(table), q(&b.name), q(&b.name)));
            }
            out.push(format!("{alter} SET NOT NULL"));
        }
    }
    if has(Aspect::IdentityOptions) {
        // Back to the defaults when the new side names none; the sequence's current value
        // stays (only what `START WITH` and `RESTART` without a value mean changes).
        let options = b.identity_options.as_deref().unwrap_or_default();
        let start = option_value(options, "START WITH").unwrap_or("1");
        let increment = option_value(options, "INCREMENT BY").unwrap_or("1");
        out.push(format!("{alter} SET START WITH {start} SET INCREMENT BY {increment}"));
    }
    if has(Aspect::Identity) {
        match new_id.as_deref() {
            Some(kind @ ("ALWAYS" | "BY DEFAULT")) if !is_identity(&old_id) => {
                out.push(format!("{alter} ADD GENERATED {kind} AS IDENTITY{}", identity_options(b)));
                out.push(restart_after_rows(table, &b.name));
            }
            Some("SERIAL") => {
                let sequence = format!("{table}_{}_seq", b.name);
                let as_type = match b.data_type.trim() {
                    t @ ("integer" | "bigint" | "smallint") => format!(" AS {t}"),
                    _ => String::new(),
                };
                out.push(format!("CREATE SEQUENCE {}{as_type} OWNED BY {}.{}", q(&sequence), q(table), q(&b.name)));
                out.push(format!("{alter} SET DEFAULT nextval({}::regclass)", literal(D, &q(&sequence))));
                out.push(restart_after_rows(table, &b.name));
            }
            _ => {}
        }
    }
    out
}
