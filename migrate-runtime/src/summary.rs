//! The summary: the one row of the summary table (`<history>_summary`, see `table`), holding a
//! digest of every history row and the format it was written in. The boot fast path reads that
//! row and the history's row count instead of the whole history.
//!
//! Trust rules: every statement batch that changes history rows deletes the summary in the same
//! transaction (so a summary, when present, describes the rows as they are, whatever crashed
//! since), and only a migrator holding the lock writes a new one, from rows read in the same
//! transaction. The row count guards against rows inserted or deleted by hand; a hand-edited
//! checksum or state is not seen until the summary is deleted (`DELETE FROM
//! migrate_history_summary`) or the next migration rewrites it.

use migrate_core::{RevisionGraph, RevisionId};

use crate::history::HistoryRow;

/// What a fully applied history looks like, compared by the boot fast path: its digest, its row
/// count and its heads. Computed from a graph, or embedded by `embed_migrations!` at compile time
/// so an up-to-date boot builds no graph and hashes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    /// `migrate_core::applied_history_digest`.
    pub digest: String,
    /// The number of revisions.
    pub count: usize,
    /// The current heads once everything is applied: the heads no revision depends on.
    pub heads: Vec<RevisionId>,
}

impl Expected {
    /// From a graph (the tool's path, and the check of the embedded values in tests).
    pub fn of_graph(graph: &RevisionGraph) -> Self {
        Self {
            digest: migrate_core::applied_history_digest(graph),
            count: graph.len(),
            heads: graph.real_heads().iter().map(|&n| graph.revision(n).id.clone()).collect(),
        }
    }
}

/// The digest of the history as it is.
pub(crate) fn of_rows(rows: &[HistoryRow]) -> String {
    migrate_core::history_digest(rows.iter().map(|r| (r.revision.as_str(), r.checksum.as_str(), r.state.as_str())))
}
