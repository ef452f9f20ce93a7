//! MySQL/MariaDB's SQL for each plan operation. A changed column is one `MODIFY COLUMN` with
//! its full new definition (type, collation, generation, nullability, default,
//! auto-increment, ON UPDATE, comment); NULLs are filled from the new default first when the
//! column becomes NOT NULL. A new table carries its primary key, indexes (unique keys are
//! indexes on MySQL) and checks inline, its foreign keys come later. MySQL has no enum types
//! (an `enum(…)` column type changes like any type) and no transactional DDL.

use super::super::diff::{Aspect, ColumnDiff, effective_default};
use super::super::model::{Column, Index, Table};
use super::super::plan::Op;
use super::super::text::{literal, quote, quote_list, view_query};
use super::{constraint_name, foreign_key_clause, index_parts};
use crate::Dialect;

const D: Dialect = Dialect::MySql;

fn q(name: &str) -> String {
    quote(D, name)
}

/// The statements of one operation.
pub(crate) fn statements(op: &Op<'_>) -> Vec<String> {
    match op {
        Op::DeferForeignKeys
        | Op::Rebuild(_)
        | Op::DropTrigger(_)
        | Op::CreateTrigger(_)
        | Op::CreateEnum(_)
        | Op::AddEnumValue { .. }
        | Op::RecreateEnum { .. }
        | Op::DropOldEnum(_)
        | Op::DropEnum(_)
        | Op::ColumnComment { .. } => Vec::new(),
        Op::DropView(v) => vec![format!("DROP VIEW {}", q(&v.name))],
        Op::CreateView(v) => vec![format!("CREATE VIEW {} AS {}", q(&v.name), view_query(&v.definition))],
        Op::RenameTable { from, to } => vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))],
        Op::RenameColumn { table, from, to } => {
            vec![format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(table), q(from), q(to))]
        }
        Op::DropForeignKey { table, fk } => {
            fk.name.iter().map(|n| format!("ALTER TABLE {} DROP FOREIGN KEY {}", q(table), q(n))).collect()
        }
        Op::AddForeignKey { table, fk } => vec![format!("ALTER TABLE {} ADD {}", q(table), foreign_key_clause(D, fk))],
        Op::DropIndex { table, index } => vec![format!("DROP INDEX {} ON {}", q(&index.name), q(table))],
        Op::CreateIndex { table, index } => vec![create_index(table, index)],
        Op::DropPrimaryKey { table, .. } => vec![format!("ALTER TABLE {} DROP PRIMARY KEY", q(table))],
        Op::AddPrimaryKey { table, key, replace } => vec![format!(
            "ALTER TABLE {} {}ADD PRIMARY KEY ({})",
            q(table),
            if *replace { "DROP PRIMARY KEY, " } else { "" },
            quote_list(D, &key.columns)
        )],
        Op::DropUnique { table, key } => {
            key.name.iter().map(|n| format!("DROP INDEX {} ON {}", q(n), q(table))).collect()
        }
        Op::AddUnique { table, key } => vec![format!(
            "ALTER TABLE {} ADD {}UNIQUE ({})",
            q(table),
            constraint_name(D, key.name.as_deref()),
            quote_list(D, &key.columns)
        )],
        Op::DropCheck { table, check } => {
            check.name.iter().map(|n| format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(n))).collect()
        }
        Op::AddCheck { table, check } => vec![format!(
            "ALTER TABLE {} ADD {}CHECK ({})",
            q(table),
            constraint_name(D, check.name.as_deref()),
            check.expression
        )],
        Op::CreateTable(t) => vec![create_table(t)],
        Op::DropTable(t) => vec![format!("DROP TABLE {}", q(&t.name))],
        Op::AddColumn { table, column } => vec![format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(column))],
        Op::DropColumn { table, column } => vec![format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(column))],
        Op::AlterColumn { table, change } => alter_column(table, change),
        Op::TableComment { table, comment } => {
            vec![format!("ALTER TABLE {} COMMENT = {}", q(table), literal(D, comment.unwrap_or_default()))]
        }
        Op::TableOptions { table, options } => vec![format!("ALTER TABLE {} {options}", q(table))],
    }
}

/// `UNIQUE `, `FULLTEXT `, `SPATIAL ` or nothing, and a `USING` method after the parts.
fn index_kind(index: &Index) -> (&'static str, Option<&str>) {
    match index.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("FULLTEXT") => ("FULLTEXT ", None),
        Some("SPATIAL") => ("SPATIAL ", None),
        _ if index.unique => ("UNIQUE ", index.method.as_deref()),
        _ => ("", index.method.as_deref()),
    }
}

fn create_index(table: &str, index: &Index) -> String {
    let (kind, using) = index_kind(index);
    let using = using.map(|m| format!(" USING {m}")).unwrap_or_default();
    format!("CREATE {kind}INDEX {} ON {} ({}){using}", q(&index.name), q(table), index_parts(D, &index.parts))
}

/// `name type [COLLATE] [GENERATED ALWAYS AS (…) STORED|VIRTUAL] [NOT NULL|NULL] [DEFAULT]
/// [AUTO_INCREMENT] [ON UPDATE] [COMMENT]`. A generated column takes no DEFAULT and, nullable,
/// no NULL (MariaDB refuses both).
pub(crate) fn column_def(c: &Column) -> String {
    let mut out = format!("{} {}", q(&c.name), c.data_type);
    if let Some(collation) = &c.collation {
        out.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(g) = &c.generated {
        out.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expression,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
        if !c.nullable {
            out.push_str(" NOT NULL");
        }
    } else {
        out.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if let Some(default) = effective_default(c) {
            out.push_str(&format!(" DEFAULT {default}"));
        }
    }
    if c.identity.is_some() {
        out.push_str(" AUTO_INCREMENT");
    }
    if let Some(on_update) = &c.on_update {
        out.push_str(&format!(" ON UPDATE {on_update}"));
    }
    if let Some(comment) = &c.comment {
        out.push_str(&format!(" COMMENT {}", literal(D, comment)));
    }
    out
}

fn create_table(t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        items.push(format!("PRIMARY KEY ({})", quote_list(D, &pk.columns)));
    }
    for k in &t.uniques {
        items.push(format!("{}UNIQUE ({})", constraint_name(D, k.name.as_deref()), quote_list(D, &k.columns)));
    }
    for index in &t.indexes {
        let (kind, using) = index_kind(index);
        let using = using.map(|m| format!(" USING {m}")).unwrap_or_default();
        items.push(format!("{kind}KEY {} ({}){using}", q(&index.name), index_parts(D, &index.parts)));
    }
    for c in &t.checks {
        items.push(format!("{}CHECK ({})", constraint_name(D, c.name.as_deref()), c.expression));
    }
    let mut out = format!("CREATE TABLE {} (\n  {}\n)", q(&t.name), items.join(",\n  "));
    if let Some(options) = &t.options {
        out.push(' ');
        out.push_str(options);
    }
    if let Some(comment) = &t.comment
        && !t.options.as_deref().is_some_and(|o| o.to_ascii_uppercase().contains("COMMENT="))
    {
        out.push_str(&format!(" COMMENT={}", literal(D, comment)));
    }
    out
}

fn alter_column(table: &str, change: &ColumnDiff<'_>) -> Vec<String> {
    let b = change.to;
    let mut out = Vec::new();
    if change.aspects.contains(&Aspect::Nullable)
        && !b.nullable
        && b.generated.is_none()
        && let Some(default) = effective_default(b)
    {
        out.push(format!("UPDATE {} SET {} = {default} WHERE {} IS NULL", q(table), q(&b.name), q(&b.name)));
    }
    out.push(format!("ALTER TABLE {} MODIFY COLUMN {}", q(table), column_def(b)));
    out
}
