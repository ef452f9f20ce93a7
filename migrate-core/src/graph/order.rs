//! Alembic's order for a set of revisions: newest first, one branch walked down as far as it
//! goes before the next, so that plans and history list revisions the way Alembic users read
//! them. Ties follow file-name order (Alembic's: the order its map was filled).

use super::{Node, RevisionGraph};

impl RevisionGraph {
    /// The revisions in `set` (a membership table indexed by node), newest first, starting from
    /// `heads` (the tops of the set: the targets of an upgrade, the current heads of a
    /// downgrade). A revision comes out only once no other branch still to be walked needs it,
    /// so the reverse is a valid order to apply. Members not reachable from `heads` follow in
    /// reverse topological order.
    pub fn newest_first(&self, set: &[bool], heads: &[Node]) -> Vec<Node> {
        let mut todo = set.to_vec();
        let mut current: Vec<Node> = Vec::new();
        let mut sorted_heads = heads.to_vec();
        sorted_heads.sort_unstable();
        sorted_heads.dedup();
        current.extend(sorted_heads.into_iter().filter(|&h| todo[h]));
        let mut needed_by: Vec<Vec<bool>> = current.iter().map(|&h| self.ancestors(&[h], true)).collect();
        let mut out = Vec::new();
        let mut at = 0;
        while !current.is_empty() {
            let candidate = current[at];
            // Another branch still to be walked needs this revision: walk that one first.
            if let Some(other) = (0..current.len()).find(|&j| j != at && needed_by[j][candidate]) {
                at = other;
                continue;
            }
            if std::mem::replace(&mut todo[candidate], false) {
                out.push(candidate);
            }
            let below = self.normalized_down(candidate);
            let next: Vec<Node> = below.iter().copied().filter(|&r| todo[r] && !current.contains(&r)).collect();
            match next.split_first() {
                None => {
                    current.remove(at);
                    needed_by.remove(at);
                    at = at.saturating_sub(1);
                }
                Some((&first, _)) if below.len() == 1 && self.parents[candidate].len() == 1 => {
                    current[at] = first;
                    needed_by[at][candidate] = false;
                }
                Some((&first, rest)) => {
                    current[at] = first;
                    needed_by[at] = self.ancestors(&[first], true);
                    for &r in rest {
                        current.push(r);
                        needed_by.push(self.ancestors(&[r], true));
                    }
                }
            }
        }
        out.extend(self.order.iter().rev().copied().filter(|&n| todo[n]));
        out
    }

    /// The revisions `node` stands on directly: its parents, then the dependencies no ancestor
    /// (through parents) already declares (Alembic's normalised down revisions).
    pub fn normalized_down(&self, node: Node) -> Vec<Node> {
        let mut down = self.parents[node].clone();
        if self.depends_on[node].is_empty() {
            return down;
        }
        let lineage = self.ancestors(&[node], false);
        let declared_below: Vec<Node> = (0..self.len())
            .filter(|&a| a != node && lineage[a])
            .flat_map(|a| self.depends_on[a].iter().copied())
            .collect();
        for &d in &self.depends_on[node] {
            if !declared_below.contains(&d) && !down.contains(&d) {
                down.push(d);
            }
        }
        down
    }
}
