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
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ")
}

/// The file's text, in the format `parse_revision` reads back unchanged.
pub fn render_revision(r: &NewRevision) -> String {
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

/// `YYYYMMDD_HHMM_<id>_<slug>.sql`, the slug made from the message (at most 40 characters).
pub fn file_name(r: &NewRevision) -> String {
    let stamp = r.created.strftime("%Y%m%d_%H%M");
    let mut slug = String::new();
    for c in r.message.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('_');
    if slug.is_empty() { format!("{stamp}_{}.sql", r.id) } else { format!("{stamp}_{}_{slug}.sql", r.id) }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        }
    }

    #[test]
    fn file_name_follows_the_scheme() {
        assert_eq!(file_name(&sample()), "20261122_0630_4f1c2a9b7e3d_add_email_to_users.sql");
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
