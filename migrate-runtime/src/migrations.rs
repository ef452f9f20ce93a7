//! `Migrations`: the embedded, compile-time-built revision table and its read-only queries.
//!
//! The macro builds these values already parsed and in topological order; nothing here reads
//! or parses files.

/// One section of embedded SQL with the line of the file it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedSection {
    /// The SQL, line endings normalised to `\n`.
    pub sql: &'static str,
    /// 1-based line in the revision file of the first line of `sql`.
    pub first_line: u32,
}

/// One revision as embedded by `embed_migrations!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedRevision {
    /// The revision id.
    pub id: &'static str,
    /// The ids it revises (none for a root, two or more for a merge).
    pub parents: &'static [&'static str],
    /// The `depends-on` ids.
    pub depends_on: &'static [&'static str],
    /// Its branch labels.
    pub branch_labels: &'static [&'static str],
    /// The one-line message.
    pub message: &'static str,
    /// `false` for a revision that runs outside a transaction.
    pub transactional: bool,
    /// The up section.
    pub up: EmbeddedSection,
    /// The down section; `None` for an irreversible revision.
    pub down: Option<EmbeddedSection>,
    /// SHA-256 of the normalised up section.
    pub checksum: [u8; 32],
    /// The revision file, relative to the package root (for messages).
    pub path: &'static str,
}

/// The revisions of a package, embedded at compile time in topological order (parents and
/// dependencies first, ties broken by file name).
#[derive(Debug, Clone, Copy)]
pub struct Migrations {
    revisions: &'static [EmbeddedRevision],
    table: &'static str,
    dir: &'static str,
}

impl Migrations {
    /// Used by `embed_migrations!`; not a stable API.
    #[doc(hidden)]
    pub const fn __from_embedded(
        revisions: &'static [EmbeddedRevision],
        table: &'static str,
        dir: &'static str,
    ) -> Self {
        Self { revisions, table, dir }
    }

    /// Every revision, parents and dependencies before their children.
    pub fn revisions(&self) -> &'static [EmbeddedRevision] {
        self.revisions
    }

    /// The revision with this exact id.
    pub fn get(&self, id: &str) -> Option<&'static EmbeddedRevision> {
        self.revisions.iter().find(|r| r.id == id)
    }

    /// The revisions no other embedded revision revises (one, unless the folder has named
    /// branches), in embedded order.
    pub fn heads(&self) -> Vec<&'static EmbeddedRevision> {
        let revised: std::collections::HashSet<&str> =
            self.revisions.iter().flat_map(|r| r.parents.iter().copied()).collect();
        self.revisions.iter().filter(|r| !revised.contains(r.id)).collect()
    }

    /// How many revisions are embedded.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// `true` when none are.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The history table's name, from `[package.metadata.migrate] table` (validated at
    /// compile time).
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// The migrations folder the revisions came from, relative to the package root.
    pub fn dir(&self) -> &'static str {
        self.dir
    }
}
