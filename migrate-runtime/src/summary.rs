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

use sha2::{Digest as _, Sha256};

use migrate_core::RevisionGraph;

use crate::history::{HistoryRow, State};

/// The digest of a set of `(revision, checksum, state)` rows, in any order.
fn digest<'a>(rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> String {
    let mut rows: Vec<_> = rows.collect();
    rows.sort_unstable();
    let mut hasher = Sha256::new();
    for (revision, checksum, state) in rows {
        for part in [revision, ":", checksum, ":", state, "\n"] {
            hasher.update(part.as_bytes());
        }
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The digest of the history as it is.
pub(crate) fn of_rows(rows: &[HistoryRow]) -> String {
    digest(rows.iter().map(|r| (r.revision.as_str(), r.checksum.as_str(), r.state.as_str())))
}

/// The digest the history has when it holds exactly `graph`, every revision applied with its
/// checksum; and the row count it then has.
pub(crate) fn of_graph(graph: &RevisionGraph) -> (String, usize) {
    let checksums: Vec<String> = (0..graph.len()).map(|n| graph.revision(n).checksum.to_hex()).collect();
    let applied = State::Applied.as_str();
    let rows = (0..graph.len()).map(|n| (graph.revision(n).id.as_str(), checksums[n].as_str(), applied));
    (digest(rows), graph.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_order_and_sees_every_field() {
        let a = digest([("a", "11", "applied"), ("b", "22", "applied")].into_iter());
        assert_eq!(a, digest([("b", "22", "applied"), ("a", "11", "applied")].into_iter()));
        assert_ne!(a, digest([("a", "11", "applied"), ("b", "22", "failed")].into_iter()));
        assert_ne!(a, digest([("a", "11", "applied"), ("b", "23", "applied")].into_iter()));
        assert_ne!(a, digest([("a", "22", "applied"), ("b", "11", "applied")].into_iter()));
        assert_eq!(a.len(), 64);
    }
}
