//! `Revision`: one parsed revision file, with the spans of its header for diagnostics.
//!
//! Plain data; produced by `parse`, consumed by `graph`. No I/O here.

use crate::checksum::Checksum;
use crate::diagnostic::Span;
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
    /// The SQL under `-- migrate:up`.
    pub up: Section,
    /// The SQL under `-- migrate:down`; `None` makes the revision irreversible.
    pub down: Option<Section>,
    /// SHA-256 of the normalised up section.
    pub checksum: Checksum,
    /// Where it came from and where each header field is.
    pub source: SourceInfo,
}

/// The SQL of one section, with line endings normalised to `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's text, from the line after its marker to the next marker or the end.
    pub sql: String,
    /// The 1-based line number in the file of the first line of `sql`.
    pub first_line: usize,
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
}
