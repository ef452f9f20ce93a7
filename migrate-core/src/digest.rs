//! The history digest: SHA-256 over a history's `(revision, checksum, state)` rows, sorted, so a
//! boot can compare one stored value instead of every row. `embed_migrations!` computes the
//! digest a fully applied history of the embedded revisions has at compile time; the runtime
//! computes it from rows it reads. One function for both, so they cannot disagree.

use sha2::{Digest as _, Sha256};

use crate::RevisionGraph;

/// The state word of an applied row, as the history table stores it.
pub const APPLIED: &str = "applied";

/// The digest of a set of `(revision, checksum hex, state)` rows, in any order: 64 hex digits.
pub fn history_digest<'a>(rows: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> String {
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

/// The digest of the history that holds exactly `graph`, every revision applied with its
/// checksum (its row count is `graph.len()`).
pub fn applied_history_digest(graph: &RevisionGraph) -> String {
    let checksums: Vec<String> = (0..graph.len()).map(|n| graph.revision(n).checksum.to_hex()).collect();
    history_digest((0..graph.len()).map(|n| (graph.revision(n).id.as_str(), checksums[n].as_str(), APPLIED)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_order_and_sees_every_field() {
        let a = history_digest([("a", "11", "applied"), ("b", "22", "applied")].into_iter());
        assert_eq!(a, history_digest([("b", "22", "applied"), ("a", "11", "applied")].into_iter()));
        assert_ne!(a, history_digest([("a", "11", "applied"), ("b", "22", "failed")].into_iter()));
        assert_ne!(a, history_digest([("a", "11", "applied"), ("b", "23", "applied")].into_iter()));
        assert_ne!(a, history_digest([("a", "22", "applied"), ("b", "11", "applied")].into_iter()));
        assert_eq!(a.len(), 64);
    }
}
