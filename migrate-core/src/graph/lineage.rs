//! Lineage questions about branches: whether two revisions lie on one line of descent, and
//! which branch labels a revision carries once labels are spread along their branch.

use super::{Node, RevisionGraph};

impl RevisionGraph {
    /// `true` when `node` is an ancestor or a descendant of (or is) one of `against`, through
    /// `revises` and, when `with_dependencies`, `depends-on`. `against` empty is `true`.
    pub fn shares_lineage(&self, node: Node, against: &[Node], with_dependencies: bool) -> bool {
        if against.is_empty() {
            return true;
        }
        let up = self.ancestors(&[node], with_dependencies);
        let down = self.descendants(&[node], with_dependencies);
        against.iter().any(|&a| up[a] || down[a])
    }

    /// The branch labels `node` belongs to, Alembic's way: a label covers the revision that
    /// declares it, every revision after it, and the revisions before it down to the branch
    /// point (or merge) it grows from. Sorted.
    pub fn branch_labels_of(&self, node: Node) -> Vec<&str> {
        let mut labels: Vec<&str> = Vec::new();
        for (labeled, r) in self.revisions.iter().enumerate() {
            if r.branch_labels.is_empty() || !self.covers(labeled, node) {
                continue;
            }
            labels.extend(r.branch_labels.iter().map(String::as_str));
        }
        labels.sort_unstable();
        labels.dedup();
        labels
    }

    /// Whether the branch started by the labels of `labeled` covers `node`.
    fn covers(&self, labeled: Node, node: Node) -> bool {
        if self.descendants(&[labeled], false)[node] {
            return true;
        }
        let mut at = labeled;
        loop {
            let is_branch_point = self.children[at].len() + self.dependents[at].len() > 1;
            if is_branch_point || self.parents[at].len() > 1 {
                return false;
            }
            if at == node {
                return true;
            }
            match self.parents[at].as_slice() {
                [one] => at = *one,
                _ => return false,
            }
        }
    }
}
