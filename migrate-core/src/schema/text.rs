//! Small text helpers of autogenerate: quoting identifiers and string literals per dialect, and
//! finding or replacing an identifier inside a server-printed expression (a view's query, a
//! CHECK, an index part). Pure string work; never parses SQL beyond identifier boundaries.

use crate::Dialect;

/// `name` quoted for `dialect`, always: `"x"` (PostgreSQL, SQLite, `"` doubled) or `` `x` ``
/// (MySQL, `` ` `` doubled). Quoting every identifier keeps case and keywords exact.
pub(crate) fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `names` quoted and joined with `, `.
pub(crate) fn quote_list(dialect: Dialect, names: &[String]) -> String {
    names.iter().map(|n| quote(dialect, n)).collect::<Vec<_>>().join(", ")
}

/// `text` as an SQL string literal: `'` doubled; on MySQL backslashes doubled too.
pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    let escaped = text.replace('\'', "''");
    match dialect {
        Dialect::MySql => format!("'{}'", escaped.replace('\\', "\\\\")),
        Dialect::Postgres | Dialect::Sqlite => format!("'{escaped}'"),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The byte ranges where `name` occurs in `text` as a whole identifier: bare (case-insensitive,
/// not inside a longer word) or quoted with `"`, `` ` `` or `[…]` (exact).
fn occurrences(text: &str, name: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    if name.is_empty() {
        return found;
    }
    let lower = text.to_lowercase();
    let needle = name.to_lowercase();
    // Lowercasing can change byte lengths for some scripts: only search when it does not.
    if lower.len() == text.len() {
        let mut from = 0;
        while let Some(pos) = lower.get(from..).and_then(|rest| rest.find(&needle)) {
            let start = from + pos;
            let end = start + needle.len();
            let before = text.get(..start).and_then(|s| s.chars().next_back());
            let after = text.get(end..).and_then(|s| s.chars().next());
            let quoted =
                matches!((before, after), (Some('"'), Some('"')) | (Some('`'), Some('`')) | (Some('['), Some(']')));
            if quoted && text.get(start..end) == Some(name) {
                found.push((start - 1, end + 1));
            } else if !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char) && !quoted {
                found.push((start, end));
            }
            from = end;
        }
    }
    found
}

/// Whether `text` mentions the identifier `name` (bare or quoted).
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    !occurrences(text, name).is_empty()
}

/// `text` with every whole-identifier occurrence of `from` replaced by `to` (keeping the quote
/// style of each occurrence). Used to compare an expression across a column rename.
pub(crate) fn replace_ident(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in occurrences(text, from) {
        out.push_str(text.get(last..start).unwrap_or_default());
        let piece = text.get(start..end).unwrap_or_default();
        match piece.chars().next() {
            Some(q @ ('"' | '`')) => {
                out.push(q);
                out.push_str(to);
                out.push(q);
            }
            Some('[') => {
                out.push('[');
                out.push_str(to);
                out.push(']');
            }
            _ => out.push_str(to),
        }
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// A view's query as the server printed it, without the trailing `;` PostgreSQL's
/// `pg_get_viewdef` adds, nor surrounding blanks.
pub(crate) fn view_query(definition: &str) -> &str {
    definition.trim().trim_end_matches(';').trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_literals() {
        assert_eq!(quote(Dialect::Postgres, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote(Dialect::MySql, "a`b"), "`a``b`");
        assert_eq!(literal(Dialect::Postgres, "it's \\"), "'it''s \\'");
        assert_eq!(literal(Dialect::MySql, "it's \\"), "'it''s \\\\'");
    }

    #[test]
    fn identifiers_are_found_whole() {
        assert!(mentions("SELECT users.id FROM users", "users"));
        assert!(mentions("select `users`.`id` from `users`", "users"));
        assert!(!mentions("SELECT id FROM users_archive", "users"));
        assert!(mentions("SELECT id FROM \"Users\"", "Users"));
        assert!(!mentions("SELECT id FROM \"Users\"", "users"));
        assert_eq!(
            replace_ident("(name <> '') AND \"name\" IS NOT NULL", "name", "full"),
            "(full <> '') AND \"full\" IS NOT NULL"
        );
        assert_eq!(replace_ident("surname", "name", "x"), "surname");
    }

    #[test]
    fn view_query_drops_the_semicolon() {
        assert_eq!(view_query(" SELECT 1;\n"), "SELECT 1");
    }
}
