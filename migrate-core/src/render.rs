//! Writing revision files: the inverse of `parse`, used by `cargo migrate new` and `merge`.
//!
//! Pure: it returns text and a file name; the caller writes the file.

use crate::id::RevisionId;

/// What a new revision file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRevision {
    /// The new id.
    pub id: RevisionId,
    /// Parent ids (empty for a root, two or more for a merge).
    pub parents: Vec<RevisionId>,
    /// The one-line message (line breaks are folded into spaces).
    pub message: String,
    /// When it was made.
    pub created: jiff::Timestamp,
    /// Branch labels to put on it.
    pub branch_labels: Vec<String>,
    /// `depends-on` ids.
    pub depends_on: Vec<RevisionId>,
    /// `false` writes `-- transaction: false`.
    pub transactional: bool,
    /// The SQL body of the up section (a placeholder comment when `None`).
    pub up: Option<String>,
    /// The SQL body of the down section (a placeholder comment when `None`).
    pub down: Option<String>,
    /// A Rust revision (`.rs`: `//` header, `up`/`down` functions) instead of SQL.
    pub rust: bool,
    /// Sections for one dialect each (`-- migrate:up DIALECT`, `-- migrate:down DIALECT`),
    /// written after the unmarked ones: `(dialect, up, down)`, a `None` down section left out.
    pub marked: Vec<(crate::Dialect, String, Option<String>)>,
}

/// The body of a new Rust revision: `up` and `down` generic over the database
/// (`migrate_runtime::rust::Db`), to edit.
const RUST_BODY: &str = "use migrate_runtime::rust::Db;
use migrate_runtime::sqlx;

/// Applies this revision: read rows, compute, write (raw SQL through `db`, or take the
/// application's own connection type, e.g. `conn: &mut sqlx::PgConnection`, to use sqlx's
/// queries with bind parameters). Define row types in this file: the application's models
/// change after this revision is written.
pub async fn up(db: &mut impl Db) -> Result<(), sqlx::Error> {
    let _ = db;
    Ok(())
}

/// Reverts it; delete this function if it cannot be reverted.
pub async fn down(db: &mut impl Db) -> Result<(), sqlx::Error> {
    let _ = db;
    Ok(())
}
";

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ")
}

/// The file's text, in the format `parse_revision` reads back unchanged (a Rust revision's
/// header in `//` comments).
pub fn render_revision(r: &NewRevision) -> String {
    if r.rust {
        let sql = render_revision(&NewRevision { rust: false, up: Some(String::new()), ..r.clone() });
        let header = sql.split("\n-- migrate:up").next().unwrap_or_default();
        let header: Vec<String> = header.lines().map(|l| format!("//{}", l.trim_start_matches("--"))).collect();
        return format!("{}\n\n{RUST_BODY}", header.join("\n"));
    }
    let mut out = format!("-- revision: {}\n-- revises:", r.id);
    if !r.parents.is_empty() {
        out.push(' ');
        out.push_str(&join(&r.parents));
    }
    out.push('\n');
    out.push_str(&format!("-- message: {}\n", one_line(&r.message)));
    out.push_str(&format!("-- created: {}\n", r.created.round(jiff::Unit::Second).unwrap_or(r.created)));
    if !r.branch_labels.is_empty() {
        out.push_str(&format!("-- branch-labels: {}\n", join(&r.branch_labels)));
    }
    if !r.depends_on.is_empty() {
        out.push_str(&format!("-- depends-on: {}\n", join(&r.depends_on)));
    }
    if !r.transactional {
        out.push_str("-- transaction: false\n");
    }
    let up = r.up.clone().unwrap_or_else(|| "-- Write the SQL that applies this revision here.\n".into());
    let down = r.down.clone().unwrap_or_else(|| {
        "-- Write the SQL that reverts it here; delete this section if it cannot be reverted.\n".into()
    });
    out.push_str(&format!("\n-- migrate:up\n{}\n-- migrate:down\n{}", ensure_newline(up), ensure_newline(down)));
    for (dialect, up, down) in &r.marked {
        out.push_str(&format!("\n-- migrate:up {dialect}\n{}", ensure_newline(up.clone())));
        if let Some(down) = down {
            out.push_str(&format!("\n-- migrate:down {dialect}\n{}", ensure_newline(down.clone())));
        }
    }
    out
}

fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `YYYYMMDD_HHMMSS_<id>_<slug>.sql`, the slug made from the message: its letters and digits
/// (Unicode ones kept, lowercased), other runs of characters as one `_`, at most 40 bytes.
pub fn file_name(r: &NewRevision) -> String {
    name_at(r, r.created)
}

/// [`file_name`], with its time moved on by whole seconds when needed so that the name sorts
/// after every name in `existing` that starts with a timestamp: revisions made in the same
/// second (by a script, say) keep their creation order in a folder listing. The `created`
/// header keeps the real time.
pub fn file_name_after<'a>(r: &NewRevision, existing: impl IntoIterator<Item = &'a str>) -> String {
    let latest = existing
        .into_iter()
        .filter(|n| n.len() > 9 && n.as_bytes()[..8].iter().all(u8::is_ascii_digit) && n.as_bytes()[8] == b'_')
        .max();
    let mut at = r.created;
    let mut name = name_at(r, at);
    // A day of seconds at most: a folder of names from the future is not followed further.
    for _ in 0..86_400 {
        if latest.is_none_or(|l| name.as_str() > l) {
            break;
        }
        at = at.checked_add(jiff::SignedDuration::from_secs(1)).unwrap_or(at);
        name = name_at(r, at);
    }
    name
}

fn name_at(r: &NewRevision, at: jiff::Timestamp) -> String {
    let stamp = at.strftime("%Y%m%d_%H%M%S");
    let mut slug = String::new();
    for c in r.message.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if slug.len() + c.len_utf8() > 40 {
                break;
            }
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug = slug.trim_end_matches('_');
    let extension = if r.rust { "rs" } else { "sql" };
    if slug.is_empty() {
        format!("{stamp}_{}.{extension}", r.id)
    } else {
        format!("{stamp}_{}_{slug}.{extension}", r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_unicode_letters() {
        let r = NewRevision { message: "Ünïcödé — naïve café, 東京!".into(), ..sample() };
        assert_eq!(file_name(&r), "20261122_063000_4f1c2a9b7e3d_ünïcödé_naïve_café_東京.sql");
        let long = NewRevision { message: "é".repeat(30), ..sample() };
        assert!(
            file_name(&long).ends_with(&format!("_{}.sql", "é".repeat(20))),
            "cut on a character: {}",
            file_name(&long)
        );
    }

    #[test]
    fn names_made_in_the_same_second_keep_their_order() {
        let first = file_name(&sample());
        let second = NewRevision { id: RevisionId::parse("0000aaaa0000").expect("valid id"), ..sample() };
        let name = file_name_after(&second, [first.as_str(), "README.md"]);
        assert_eq!(name, "20261122_063001_0000aaaa0000_add_email_to_users.sql");
        assert!(name > first);
        // Older names without seconds sort after this minute's: the new name moves past them.
        let legacy = "20261122_0630_ffffffffffff_x.sql";
        assert!(file_name_after(&second, [legacy]).as_str() > legacy);
        assert_eq!(file_name_after(&second, std::iter::empty()), "20261122_063000_0000aaaa0000_add_email_to_users.sql");
    }
    use crate::parse::parse_revision;

    fn sample() -> NewRevision {
        NewRevision {
            id: RevisionId::parse("4f1c2a9b7e3d").expect("valid id"),
            parents: vec![RevisionId::parse("1a2b3c4d5e6f").expect("valid id")],
            message: "Add email to users".into(),
            created: "2026-11-22T06:30:00.25Z".parse().expect("valid timestamp"),
            branch_labels: vec!["main".into()],
            depends_on: vec![],
            transactional: false,
            up: Some("ALTER TABLE users ADD COLUMN email TEXT;".into()),
            down: None,
            rust: false,
            marked: Vec::new(),
        }
    }

    #[test]
    fn marked_sections_render_after_the_unmarked_ones_and_parse_back() {
        let new = NewRevision {
            marked: vec![(crate::Dialect::Sqlite, "SELECT 1;".into(), Some("SELECT 2;".into()))],
            down: Some("ALTER TABLE users DROP COLUMN email;".into()),
            ..sample()
        };
        let r = parse_revision("x.sql", render_revision(&new).as_bytes()).expect("parses");
        let sqlite = r.on_dialect(crate::Dialect::Sqlite);
        assert_eq!(sqlite.up.sql.trim(), "SELECT 1;");
        assert_eq!(sqlite.down.map(|d| d.sql.trim().to_owned()).as_deref(), Some("SELECT 2;"));
        let pg = r.on_dialect(crate::Dialect::Postgres);
        assert_eq!(pg.up.sql.trim(), "ALTER TABLE users ADD COLUMN email TEXT;");
    }

    #[test]
    fn a_rust_revision_renders_and_parses_back() {
        let new = NewRevision { rust: true, ..sample() };
        assert_eq!(file_name(&new), "20261122_063000_4f1c2a9b7e3d_add_email_to_users.rs");
        let text = render_revision(&new);
        assert!(text.starts_with("// revision: 4f1c2a9b7e3d\n// revises: 1a2b3c4d5e6f\n"), "{text}");
        let r = parse_revision("x.rs", text.as_bytes()).expect("parses");
        assert!(r.is_rust() && r.down.is_some() && !r.transactional);
        assert_eq!(r.branch_labels, ["main"]);
    }

    #[test]
    fn file_name_follows_the_scheme() {
        assert_eq!(file_name(&sample()), "20261122_063000_4f1c2a9b7e3d_add_email_to_users.sql");
    }

    #[test]
    fn rendered_file_parses_back() {
        let text = render_revision(&sample());
        assert!(text.starts_with("-- revision: 4f1c2a9b7e3d\n-- revises: 1a2b3c4d5e6f\n-- message: Add email to users\n-- created: 2026-11-22T06:30:00Z\n"), "{text}");
        let r = parse_revision("x.sql", text.as_bytes()).expect("parses");
        assert_eq!(r.id.as_str(), "4f1c2a9b7e3d");
        assert_eq!(r.parents, sample().parents);
        assert_eq!(r.branch_labels, vec!["main".to_owned()]);
        assert!(!r.transactional);
        assert_eq!(r.up.sql.trim(), "ALTER TABLE users ADD COLUMN email TEXT;");
        assert!(r.down.is_some());
    }
}
