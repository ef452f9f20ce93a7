//! Plan steps to SQL text, one renderer per dialect. Every identifier is quoted (`"x"` on
//! PostgreSQL and SQLite, `` `x` `` on MySQL) so case and keywords survive; types, defaults and
//! expressions are the server's own text, written back verbatim. Each statement ends with
//! `;\n`; a step that loses data is preceded by `-- data loss: {change}` lines.

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use super::model::ForeignKey;
use super::plan::Step;
use super::text::{quote, quote_list};
use crate::Dialect;

/// The SQL of `steps` on `dialect`.
pub(crate) fn render(dialect: Dialect, steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        for loss in &step.losses {
            out.push_str("-- data loss: ");
            out.push_str(loss);
            out.push('\n');
        }
        let statements = match dialect {
            Dialect::Postgres => postgres::statements(&step.op),
            Dialect::MySql => mysql::statements(&step.op),
            Dialect::Sqlite => sqlite::statements(&step.op),
        };
        for statement in statements {
            out.push_str(statement.trim_end().trim_end_matches(';'));
            out.push_str(";\n");
        }
    }
    out
}

fn is_bare_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// An index key part as written back: a bare column name is quoted (`name DESC` →
/// `"name" DESC`; on MySQL `title(10)` → `` `title`(10) ``); an expression is kept verbatim.
pub(crate) fn index_part(dialect: Dialect, part: &str) -> String {
    let part = part.trim();
    let (head, rest) = part.split_once(char::is_whitespace).unwrap_or((part, ""));
    let rest = if rest.is_empty() { String::new() } else { format!(" {}", rest.trim_start()) };
    if is_bare_identifier(head) {
        return format!("{}{rest}", quote(dialect, head));
    }
    if dialect == Dialect::MySql
        && let Some((name, len)) = head.strip_suffix(')').and_then(|h| h.split_once('('))
        && is_bare_identifier(name)
        && !len.is_empty()
        && len.chars().all(|c| c.is_ascii_digit())
    {
        return format!("{}({len}){rest}", quote(dialect, name));
    }
    part.to_string()
}

/// Index parts rendered and joined with `, `.
pub(crate) fn index_parts(dialect: Dialect, parts: &[String]) -> String {
    parts.iter().map(|p| index_part(dialect, p)).collect::<Vec<_>>().join(", ")
}

/// `FOREIGN KEY (…) REFERENCES t (…) ON DELETE … ON UPDATE … [DEFERRABLE …]`, with
/// `CONSTRAINT name` in front when the key has a name.
pub(crate) fn foreign_key_clause(dialect: Dialect, fk: &ForeignKey) -> String {
    let mut out = constraint_name(dialect, fk.name.as_deref());
    out.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_list(dialect, &fk.columns),
        match &fk.referenced_schema {
            Some(schema) => format!("{}.{}", quote(dialect, schema), quote(dialect, &fk.referenced_table)),
            None => quote(dialect, &fk.referenced_table),
        },
        quote_list(dialect, &fk.referenced_columns)
    ));
    if fk.match_full {
        out.push_str(" MATCH FULL");
    }
    for (what, action) in [("DELETE", &fk.on_delete), ("UPDATE", &fk.on_update)] {
        if !action.trim().is_empty() {
            out.push_str(&format!(" ON {what} {}", action.trim()));
        }
    }
    if let Some(deferrable) = &fk.deferrable
        && dialect != Dialect::MySql
    {
        out.push(' ');
        out.push_str(deferrable);
    }
    out
}

/// `CONSTRAINT "name" ` or nothing for an unnamed constraint.
pub(crate) fn constraint_name(dialect: Dialect, name: Option<&str>) -> String {
    name.map(|n| format!("CONSTRAINT {} ", quote(dialect, n))).unwrap_or_default()
}
