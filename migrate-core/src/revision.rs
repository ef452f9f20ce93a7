//! `Revision`: one parsed revision file, with the spans of its header for diagnostics.
//!
//! Plain data; produced by `parse`, consumed by `graph`. No I/O here.

use crate::checksum::Checksum;
use crate::diagnostic::Span;
use crate::dialect::Dialect;
use crate::id::RevisionId;

/// One revision file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The `revision:` id.
    pub id: RevisionId,
    /// The `revises:` ids: none for a root, two or more for a merge revision.
    pub parents: Vec<RevisionId>,
    /// The `depends-on:` ids: applied first, without being parents.
    pub depends_on: Vec<RevisionId>,
    /// The `branch-labels:` names.
    pub branch_labels: Vec<String>,
    /// The one-line `message:`.
    pub message: String,
    /// The `created:` timestamp, RFC 3339, when given.
    pub created: Option<String>,
    /// `false` when the header says `transaction: false`.
    pub transactional: bool,
    /// SQL, or Rust (a `.rs` file whose `up`/`down` functions the application compiles in).
    pub kind: RevisionKind,
    /// The SQL under the unmarked `-- migrate:up`: what runs on a dialect without an up
    /// section of its own in `variants`. Empty when the file starts with a marked section
    /// (`-- migrate:up mysql`), which leaves the other dialects without an up section.
    pub up: Section,
    /// The SQL under the unmarked `-- migrate:down`; `None` makes the revision irreversible on
    /// the dialects without a down section of their own in `variants`.
    pub down: Option<Section>,
    /// Sections marked for one dialect (`-- migrate:down mysql`), in file order; each replaces
    /// the unmarked section of its direction on that dialect. [`Revision::on_dialect`] gives the
    /// revision as one dialect runs it.
    pub variants: Vec<Variant>,
    /// SHA-256 of the normalised unmarked up section (per dialect: [`Revision::on_dialect`]).
    pub checksum: Checksum,
    /// Where it came from and where each header field is.
    pub source: SourceInfo,
}

/// What a revision file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RevisionKind {
    /// SQL sections (`.sql`).
    #[default]
    Sql,
    /// Rust functions (`.rs`): `up`, and `down` when `down` is `Some` (its section is empty;
    /// `up.first_line` is the first line of code). Only an application that embeds the folder
    /// can run them; the checksum is the one of the normalised token stream.
    Rust,
}

/// The SQL of one section, with line endings normalised to `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's text, from the line after its marker to the next marker or the end.
    pub sql: String,
    /// The 1-based line number in the file of the first line of `sql`.
    pub first_line: usize,
}

/// A section marked for one dialect: `-- migrate:up DIALECT` or `-- migrate:down DIALECT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The dialect it runs on instead of the unmarked section.
    pub dialect: Dialect,
    /// `true` for `-- migrate:up DIALECT`, `false` for `-- migrate:down DIALECT`.
    pub up: bool,
    /// Its SQL.
    pub section: Section,
}

/// The file a revision was read from and the spans of its header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The path as shown to users (relative to the package or workspace root).
    pub path: String,
    /// The file name alone: the tie-breaker of the topological order.
    pub file_name: String,
    /// The `revision:` value.
    pub id_span: Span,
    /// The `revises:` line as a whole.
    pub revises_span: Span,
    /// One span per entry of `parents`.
    pub parent_spans: Vec<Span>,
    /// One span per entry of `depends_on`.
    pub depends_on_spans: Vec<Span>,
    /// One span per entry of `branch_labels`.
    pub branch_label_spans: Vec<Span>,
}

impl Revision {
    /// `true` for a revision with two or more parents.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// `true` for a Rust revision (a `.rs` file).
    pub fn is_rust(&self) -> bool {
        self.kind == RevisionKind::Rust
    }

    fn variant(&self, dialect: Dialect, up: bool) -> Option<&Section> {
        self.variants.iter().find(|v| v.dialect == dialect && v.up == up).map(|v| &v.section)
    }

    /// The up section `dialect` runs: its own, else the unmarked one. `None` when the file has
    /// up sections for other dialects only (the unmarked one is blank): nothing to run there,
    /// which `check` reports for a dialect the package targets.
    pub fn up_on(&self, dialect: Dialect) -> Option<&Section> {
        let marked_ups = self.variants.iter().any(|v| v.up);
        self.variant(dialect, true).or((!marked_ups || !self.up.sql.trim().is_empty()).then_some(&self.up))
    }

    /// The down section `dialect` runs: its own, else the unmarked one; `None`: irreversible
    /// on `dialect`.
    pub fn down_on(&self, dialect: Dialect) -> Option<&Section> {
        self.variant(dialect, false).or(self.down.as_ref())
    }

    /// The revision as `dialect` runs it: `up`, `down` and `checksum` are that dialect's and
    /// `variants` is empty. A dialect without an up section gets an empty one (see
    /// [`Revision::up_on`]; `check` refuses it for the package's dialects).
    pub fn on_dialect(&self, dialect: Dialect) -> Revision {
        let up = self.up_on(dialect).cloned().unwrap_or(Section { sql: String::new(), ..self.up.clone() });
        // Only a section of the dialect's own changes the checksum: otherwise it stays the one
        // the file gave (a Rust revision's is of its tokens, not of its empty section).
        let own_up = !self.is_rust() && self.variant(dialect, true).is_some();
        Revision {
            checksum: if own_up { Checksum::of_up_section(&up.sql) } else { self.checksum },
            up,
            down: self.down_on(dialect).cloned(),
            variants: Vec::new(),
            ..self.clone()
        }
    }
}
