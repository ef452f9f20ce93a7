//! The SQL rules: every dialect the package targets (`dialects` in `[package.metadata.migrate]`,
//! all three by default) has an up section to run in every revision, and a down section in every
//! revision that has one for another dialect; and every section splits into statements in each
//! dialect that runs it (a section marked `-- migrate:down mysql` only in MySQL). An unterminated
//! quote, comment or dollar quote is caught here, by `cargo migrate check` and
//! `embed_migrations!`, instead of at a boot.

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::dialect::Dialect;
use crate::graph::RevisionGraph;
use crate::revision::{Revision, Section};
use crate::split::{SplitError, split_statements};

/// Below this many revisions, one thread splits them all.
const REVISIONS_PER_THREAD: usize = 256;

/// The problems of every revision of `graph` whose up or down section cannot be split in one
/// of `dialects`. One diagnostic per place: the dialects that fail there are listed together.
/// Revisions are split on all cores, and the diagnostics come in topological order.
pub fn check_statements(graph: &RevisionGraph, dialects: &[Dialect]) -> Vec<Diagnostic> {
    let order = graph.topological_order();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = order.len().div_ceil(threads).max(REVISIONS_PER_THREAD);
    std::thread::scope(|scope| {
        let workers: Vec<_> = order
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for &node in part {
                        check_revision(graph.revision(node), dialects, &mut out);
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join().unwrap_or_else(|_| {
                    vec![Diagnostic::error(
                        Code::UnsplittableSql,
                        "a thread splitting revisions into statements panicked (a bug: please report it)",
                    )]
                })
            })
            .collect()
    })
}

/// Only a quote, a dollar quote or a block comment can be left open: a section with none of
/// their opening characters always splits.
fn may_be_unterminated(sql: &str) -> bool {
    sql.bytes().any(|b| matches!(b, b'\'' | b'"' | b'`' | b'$')) || sql.contains("/*")
}

/// Each section of `r` on the dialects of the package that run it; a dialect left without one.
fn check_revision(r: &Revision, dialects: &[Dialect], out: &mut Vec<Diagnostic>) {
    if r.is_rust() {
        return; // Rust: the compiler checks it
    }
    let has_down = r.down.is_some() || r.variants.iter().any(|v| !v.up);
    for up in [true, false] {
        // Each section with the package's dialects that run it, in the order first met.
        let mut runs: Vec<(&Section, Vec<Dialect>)> = Vec::new();
        let mut without = Vec::new();
        for &d in dialects {
            let section = if up { r.up_on(d) } else { r.down_on(d) };
            match section {
                Some(s) => match runs.iter_mut().find(|(other, _)| std::ptr::eq(*other, s)) {
                    Some((_, ds)) => ds.push(d),
                    None => runs.push((s, vec![d])),
                },
                None if up || has_down => without.push(d),
                None => {}
            }
        }
        let direction = if up { "up" } else { "down" };
        for (section, using) in runs {
            let marked = r.variants.iter().any(|v| std::ptr::eq(&v.section, section));
            let name = if marked { format!("{direction} {}", using[0]) } else { direction.to_owned() };
            check_section(r, section, &name, &using, dialects, out);
        }
        if !without.is_empty() {
            out.push(no_section(r, direction, &without));
        }
    }
}

/// A dialect the package targets with no section to run in this direction, pointing at the
/// first marked section of that direction (or the unmarked one).
fn no_section(r: &Revision, direction: &str, without: &[Dialect]) -> Diagnostic {
    let names: Vec<String> = without.iter().map(ToString::to_string).collect();
    let up = direction == "up";
    let marker = format!("-- migrate:{direction}");
    let (line, line_text) = match r.variants.iter().find(|v| v.up == up) {
        Some(v) => (v.section.first_line - 1, format!("{marker} {}", v.dialect)),
        None => (r.down.as_ref().map_or(r.up.first_line, |d| d.first_line) - 1, marker.clone()),
    };
    let what = if up { "has no up section" } else { "cannot be downgraded" };
    Diagnostic::error(
        Code::NoSectionForDialect,
        format!("revision `{}` {what} for {}, which the package targets", r.id, names.join(", ")),
    )
    .with_label(
        &r.source.path,
        Some(Span { line, start: 0, end: line_text.len(), line_text }),
        format!("a {direction} section for other databases only"),
    )
    .with_help(format!(
        "add `{marker} {}` with its SQL, or an unmarked `{marker}` for every database without its own; or leave it out of dialects in [package.metadata.migrate]",
        names[0]
    ))
}

fn check_section(
    r: &Revision,
    section: &Section,
    name: &str,
    using: &[Dialect],
    package: &[Dialect],
    out: &mut Vec<Diagnostic>,
) {
    check_copy(r, section, name, using, out);
    let dialects = using;
    if !may_be_unterminated(&section.sql) {
        return;
    }
    // (line, what) → the dialects that fail there.
    let mut failures: Vec<(usize, &'static str, Vec<Dialect>)> = Vec::new();
    for &dialect in dialects {
        let Err(SplitError::Unterminated { what, line }) = split_statements(&section.sql, dialect, section.first_line)
        else {
            continue;
        };
        match failures.iter_mut().find(|(l, w, _)| *l == line && *w == what) {
            Some((_, _, ds)) => ds.push(dialect),
            None => failures.push((line, what, vec![dialect])),
        }
    }
    for (line, what, failing) in failures {
        let line_text = section.sql.lines().nth(line - section.first_line).unwrap_or_default();
        let names: Vec<String> = failing.iter().map(ToString::to_string).collect();
        let help = if failing.len() < dialects.len() || package.len() < Dialect::ALL.len() {
            format!(
                "close it; if this package targets only some databases, list them in [package.metadata.migrate] (today: dialects = {:?}), or give a database a section of its own (`-- migrate:up {}`)",
                package.iter().map(ToString::to_string).collect::<Vec<_>>(),
                failing[0]
            )
        } else {
            "close it (a quote inside a string is written twice: 'it''s')".to_owned()
        };
        out.push(
            Diagnostic::error(
                Code::UnsplittableSql,
                format!(
                    "the {name} section of revision `{}` cannot be split into statements: {what} is never closed (as {})",
                    r.id,
                    names.join(", ")
                ),
            )
            .with_label(&r.source.path, Some(Span::whole_line(line, line_text)), format!("{what} opens here"))
            .with_help(help),
        );
    }
}

/// `COPY … FROM stdin` is PostgreSQL's: a package that also targets another database cannot run
/// it there (and its data lines are no SQL at all).
fn check_copy(r: &Revision, section: &Section, name: &str, dialects: &[Dialect], out: &mut Vec<Diagnostic>) {
    let others: Vec<String> = dialects.iter().filter(|&&d| d != Dialect::Postgres).map(ToString::to_string).collect();
    if others.is_empty() || !section.sql.to_ascii_lowercase().contains("stdin") {
        return;
    }
    let Ok(statements) = split_statements(&section.sql, Dialect::Postgres, section.first_line) else { return };
    for s in statements.iter().filter(|s| s.is_copy_in()) {
        let line_text = section.sql.lines().nth(s.line - section.first_line).unwrap_or_default();
        out.push(
            Diagnostic::error(
                Code::CopyOutsidePostgres,
                format!(
                    "the {name} section of revision `{}` loads data with `COPY … FROM stdin`, which only PostgreSQL runs, but the package also targets {}",
                    r.id,
                    others.join(", ")
                ),
            )
            .with_label(&r.source.path, Some(Span::whole_line(s.line, line_text)), "PostgreSQL only")
            .with_help("set dialects = [\"postgres\"] in [package.metadata.migrate], or write the rows as INSERT statements"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_with_up(up: &str) -> RevisionGraph {
        let text = format!("-- revision: a1\n-- revises:\n-- message: m\n\n-- migrate:up\n{up}");
        let r = crate::parse_revision("migrations/0001_a1.sql", text.as_bytes()).expect("parses");
        let (graph, errors) = RevisionGraph::build_unchecked(vec![r]);
        assert!(errors.is_empty());
        graph
    }

    #[test]
    fn an_unterminated_dollar_quote_is_named_with_its_line() {
        let g = graph_with_up("SELECT 1;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n");
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!(d.code, Code::UnsplittableSql);
        assert_eq!(d.labels[0].span.as_ref().map(|s| s.line), Some(7));
        assert!(d.message.contains("a $$ dollar quote") && d.message.contains("(as postgres)"), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or_default().contains("dialects"), "{:?}", d.help);
        assert!(check_statements(&g, &[Dialect::MySql, Dialect::Sqlite]).is_empty(), "not a quote elsewhere");
    }

    #[test]
    fn an_unterminated_string_fails_every_dialect_once() {
        let g = graph_with_up("INSERT INTO t VALUES ('never closed);\n");
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.ends_with("(as postgres, mysql, sqlite)"), "{}", found[0].message);
    }

    #[test]
    fn copy_from_stdin_is_postgres_only() {
        let g = graph_with_up("CREATE TABLE t (a text);\nCOPY t (a) FROM stdin;\nit's\n\\.\n");
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::CopyOutsidePostgres);
        assert_eq!(found[0].labels[0].span.as_ref().map(|s| s.line), Some(7));
        assert!(found[0].message.ends_with("targets mysql, sqlite"), "{}", found[0].message);
        assert!(check_statements(&g, &[Dialect::Postgres]).is_empty());
    }

    fn graph_of(text: &str) -> RevisionGraph {
        let r = crate::parse_revision("migrations/0001_a1.sql", text.as_bytes()).expect("parses");
        RevisionGraph::build_unchecked(vec![r]).0
    }

    #[test]
    fn each_dialect_needs_a_section_to_run() {
        let head = "-- revision: a1\n-- revises:\n-- message: m\n\n";
        // The DROP INDEX of issue 13: MySQL has no down of its own.
        let g = graph_of(&format!(
            "{head}-- migrate:up\nCREATE INDEX ix ON t (c);\n-- migrate:down postgres\nDROP INDEX ix;\n-- migrate:down sqlite\nDROP INDEX ix;\n"
        ));
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, Code::NoSectionForDialect);
        assert!(found[0].message.contains("cannot be downgraded for mysql"), "{}", found[0].message);
        assert_eq!(found[0].labels[0].span.as_ref().map(|s| s.line), Some(7));
        assert!(found[0].help.as_deref().unwrap_or_default().contains("-- migrate:down mysql"));
        assert!(check_statements(&g, &[Dialect::Postgres, Dialect::Sqlite]).is_empty());
        // Up sections for two databases only.
        let g = graph_of(&format!("{head}-- migrate:up postgres\nSELECT 1;\n-- migrate:up mysql\nSELECT 1;\n"));
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("has no up section for sqlite"), "{}", found[0].message);
        // An irreversible revision is not a missing section.
        assert!(check_statements(&graph_with_up("SELECT 1;\n"), &Dialect::ALL).is_empty());
    }

    #[test]
    fn a_marked_section_is_split_only_in_its_dialect() {
        let head = "-- revision: a1\n-- revises:\n-- message: m\n\n";
        let g = graph_of(&format!(
            "{head}-- migrate:up\nSELECT 1;\n-- migrate:up postgres\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n"
        ));
        assert!(check_statements(&g, &Dialect::ALL).is_empty(), "the $$ body is PostgreSQL's only");
        let g = graph_of(&format!("{head}-- migrate:up\nSELECT 1;\n-- migrate:up mysql\nSELECT 'open;\n"));
        let found = check_statements(&g, &Dialect::ALL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.starts_with("the up mysql section"), "{}", found[0].message);
        assert!(found[0].message.ends_with("(as mysql)"), "{}", found[0].message);
    }

    #[test]
    fn semicolons_in_strings_comments_and_dollar_quotes_are_fine() {
        let g = graph_with_up(
            "INSERT INTO t VALUES ('a; b -- c');\n/* ; */ SELECT 1;\n-- it's a comment;\nSELECT \"x;y\" FROM t;\n",
        );
        assert!(check_statements(&g, &Dialect::ALL).is_empty());
    }
}
