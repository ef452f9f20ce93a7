//! SQLite's SQL for each plan operation. Tables and indexes are created from their stored text
//! (`create_sql`) when the model has it, so they read back identical; a rebuild creates
//! `"t__migrate_new"` from the new table's text, copies the rows, drops the old table, renames
//! the new one into place and re-runs the table's indexes and triggers; an AUTOINCREMENT table's
//! counter in `sqlite_sequence` is carried over.

use super::super::diff::effective_default;
use super::super::model::{Column, Index, Table};
use super::super::plan::{Op, Rebuild};
use super::super::text::{literal, quote, quote_list, view_query};
use super::{constraint_name, foreign_key_clause, index_parts};
use crate::Dialect;

const D: Dialect = Dialect::Sqlite;

fn q(name: &str) -> String {
    quote(D, name)
}

/// The statements of one operation.
pub(crate) fn statements(op: &Op<'_>) -> Vec<String> {
    match op {
        Op::DeferForeignKeys => vec!["PRAGMA defer_foreign_keys = ON".to_string()],
        Op::DropTrigger(t) => vec![format!("DROP TRIGGER IF EXISTS {}", q(&t.name))],
        Op::CreateTrigger(t) => vec![t.definition.clone()],
        Op::DropView(v) => vec![format!("DROP VIEW {}", q(&v.name))],
        Op::CreateView(v) => vec![format!("CREATE VIEW {} AS {}", q(&v.name), view_query(&v.definition))],
        Op::RenameTable { from, to } => vec![format!("ALTER TABLE {} RENAME TO {}", q(from), q(to))],
        Op::RenameColumn { table, from, to } => {
            vec![format!("ALTER TABLE {} RENAME COLUMN {} TO {}", q(table), q(from), q(to))]
        }
        Op::DropIndex { index, .. } => vec![format!("DROP INDEX {}", q(&index.name))],
        Op::CreateIndex { table, index } => vec![create_index(table, index)],
        Op::CreateTable(t) => vec![create_table(t)],
        Op::DropTable(t) => vec![format!("DROP TABLE {}", q(&t.name))],
        Op::AddColumn { table, column } => vec![format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(column))],
        Op::DropColumn { table, column } => vec![format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(column))],
        Op::Rebuild(rebuild) => rebuild_statements(rebuild),
        // Everything else on a SQLite table is part of a rebuild; SQLite has no enum types,
        // comments or table options.
        _ => Vec::new(),
    }
}

/// `name type [COLLATE] [GENERATED ALWAYS AS (…) STORED|VIRTUAL] [NOT NULL] [DEFAULT]`.
pub(crate) fn column_def(c: &Column) -> String {
    let mut out = q(&c.name);
    if !c.data_type.trim().is_empty() {
        out.push(' ');
        out.push_str(&c.data_type);
    }
    if let Some(collation) = &c.collation {
        out.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(g) = &c.generated {
        out.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expression,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    if !c.nullable {
        out.push_str(" NOT NULL");
    }
    if let Some(default) = effective_default(c)
        && c.generated.is_none()
    {
        out.push_str(&format!(" DEFAULT {default}"));
    }
    out
}

/// The table's stored text, or one rendered from the model when there is none.
fn create_table(t: &Table) -> String {
    t.create_sql.clone().unwrap_or_else(|| render_create_table(&t.name, t))
}

fn render_create_table(name: &str, t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        let auto = t.columns.iter().any(|c| c.identity.is_some() && pk.columns == [c.name.clone()]);
        let auto = if auto { " AUTOINCREMENT" } else { "" };
        items.push(format!(
            "{}PRIMARY KEY ({}{auto})",
            constraint_name(D, pk.name.as_deref()),
            quote_list(D, &pk.columns)
        ));
    }
    for k in &t.uniques {
        items.push(format!("{}UNIQUE ({})", constraint_name(D, k.name.as_deref()), quote_list(D, &k.columns)));
    }
    for c in &t.checks {
        items.push(format!("{}CHECK ({})", constraint_name(D, c.name.as_deref()), c.expression));
    }
    for fk in &t.foreign_keys {
        items.push(foreign_key_clause(D, fk));
    }
    format!("CREATE TABLE {} (\n  {}\n)", q(name), items.join(",\n  "))
}

fn create_index(table: &str, index: &Index) -> String {
    if let Some(sql) = &index.create_sql {
        return sql.clone();
    }
    let mut out = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        q(&index.name),
        q(table),
        index_parts(D, &index.parts)
    );
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(" WHERE {predicate}"));
    }
    out
}

/// The name a rebuild creates the new table under.
fn new_name(table: &str) -> String {
    format!("{table}__migrate_new")
}

fn rebuild_statements(r: &Rebuild<'_>) -> Vec<String> {
    let name = &r.table.name;
    let temp = q(&new_name(name));
    let create = match &r.table.create_sql {
        Some(sql) => create_sql_renamed(sql, &temp).unwrap_or_else(|| render_create_table(&new_name(name), r.table)),
        None => render_create_table(&new_name(name), r.table),
    };
    let targets = r.copy.iter().map(|(to, _, _)| q(to)).collect::<Vec<_>>().join(", ");
    let sources = r
        .copy
        .iter()
        .map(|(_, from, fill)| match fill {
            Some(default) => format!("coalesce({}, {default})", q(from)),
            None => q(from),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![create];
    if !r.copy.is_empty() {
        out.push(format!("INSERT INTO {temp} ({targets}) SELECT {sources} FROM {}", q(name)));
    }
    if r.table.columns.iter().any(|c| c.identity.as_deref().is_some_and(|i| i.eq_ignore_ascii_case("autoincrement"))) {
        // AUTOINCREMENT never hands out a number twice: the counter moves with the rows (the
        // rename carries the new table's row in sqlite_sequence over).
        let (old, new) = (literal(D, name), literal(D, &new_name(name)));
        out.push(format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {new}, seq FROM sqlite_sequence WHERE name = {old} AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = {new})"
        ));
        out.push(format!(
            "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = {old}), 0)) WHERE name = {new}"
        ));
    }
    out.push(format!("DROP TABLE {}", q(name)));
    out.push(format!("ALTER TABLE {temp} RENAME TO {}", q(name)));
    out.extend(r.table.indexes.iter().map(|i| create_index(name, i)));
    out.extend(r.triggers.iter().map(|t| t.definition.clone()));
    out
}

/// Skips blanks and SQL comments from byte `at`.
fn skip_blank(sql: &str, mut at: usize) -> usize {
    loop {
        let rest = sql.get(at..).unwrap_or_default();
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("--") {
            at += trimmed.find('\n').map_or(trimmed.len(), |n| n + 1);
        } else if trimmed.starts_with("/*") {
            at += trimmed.find("*/").map_or(trimmed.len(), |n| n + 2);
        } else {
            return at;
        }
    }
}

/// The keyword `word` (any case) at byte `at`, followed by a non-identifier character: the
/// byte after it.
fn keyword(sql: &str, at: usize, word: &str) -> Option<usize> {
    let end = at + word.len();
    let found = sql.get(at..end)?.eq_ignore_ascii_case(word);
    let next = sql.get(end..)?.chars().next();
    (found && !next.is_some_and(|c| c.is_alphanumeric() || c == '_')).then_some(end)
}

/// The end of the (possibly quoted) name starting at byte `at`.
fn name_end(sql: &str, at: usize) -> Option<usize> {
    let rest = sql.get(at..)?;
    let close = match rest.chars().next()? {
        '"' => '"',
        '`' => '`',
        '\'' => '\'',
        '[' => ']',
        c if c.is_alphanumeric() || c == '_' => {
            let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
            return Some(at + len);
        }
        _ => return None,
    };
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == close {
            // A doubled quote is an escaped quote inside the name.
            if close != ']' && chars.peek().is_some_and(|&(_, n)| n == close) {
                chars.next();
                continue;
            }
            return Some(at + i + c.len_utf8());
        }
    }
    None
}

/// A stored `CREATE TABLE [IF NOT EXISTS] name …` text with the table's name (quoted with `"`,
/// `` ` ``, `[…]`, `'` or bare, possibly `schema.`-qualified) replaced by `new_name`, which the
/// caller quotes. `None` when the text does not start that way.
pub(crate) fn create_sql_renamed(sql: &str, new_name: &str) -> Option<String> {
    let mut at = skip_blank(sql, 0);
    at = keyword(sql, at, "create")?;
    at = skip_blank(sql, at);
    at = keyword(sql, at, "table")?;
    let head_end = at;
    at = skip_blank(sql, at);
    if let Some(after_if) = keyword(sql, at, "if") {
        let not = keyword(sql, skip_blank(sql, after_if), "not")?;
        at = skip_blank(sql, keyword(sql, skip_blank(sql, not), "exists")?);
    }
    let mut end = name_end(sql, at)?;
    let after = skip_blank(sql, end);
    if sql.get(after..)?.starts_with('.') {
        end = name_end(sql, skip_blank(sql, after + 1))?;
    }
    Some(format!("{} {new_name}{}", sql.get(..head_end)?, sql.get(end..)?))
}
