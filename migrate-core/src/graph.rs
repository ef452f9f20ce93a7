//! `RevisionGraph`: the validated DAG of revisions and the queries the CLI and runtime need.
//!
//! `RevisionGraph::build` is the one place a set of revisions becomes a graph; the rules it
//! enforces live one per function in `graph/check.rs`. Nodes are indices into the revisions
//! sorted by file name, so every order here is deterministic.

mod check;
mod lineage;
mod order;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use crate::diagnostic::Diagnostics;
use crate::dialect::Dialect;
use crate::revision::Revision;

/// The position of a revision in a [`RevisionGraph`] (its rank in file-name order).
pub type Node = usize;

/// A validated revision graph: unique ids, no dangling references, no cycles, and one head
/// per named branch (exactly one when there are no branch labels).
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    revisions: Vec<Revision>,
    index: HashMap<String, Node>,
    labels: HashMap<String, Node>,
    parents: Vec<Vec<Node>>,
    depends_on: Vec<Vec<Node>>,
    children: Vec<Vec<Node>>,
    dependents: Vec<Vec<Node>>,
    order: Vec<Node>,
    heads: Vec<Node>,
}

impl RevisionGraph {
    /// Builds and validates the graph of `revisions` (in any order).
    ///
    /// # Errors
    /// Every broken rule at once, each naming its file and line: a duplicate id, a dangling
    /// `revises` or `depends-on`, a cycle, a branch label on two revisions, more than one head
    /// outside distinct named branches.
    pub fn build(revisions: Vec<Revision>) -> Result<Self, Diagnostics> {
        let (graph, diagnostics) = Self::build_unchecked(revisions);
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(graph) }
    }

    /// Builds the graph and returns it with the diagnostics of every broken rule, so that
    /// tools can still query a broken graph (first occurrence of a duplicate id or label wins;
    /// references to unknown ids are left out of the edges; revisions on a cycle are left out
    /// of the topological order). Use [`RevisionGraph::build`] unless repairing a graph.
    pub fn build_unchecked(revisions: Vec<Revision>) -> (Self, Diagnostics) {
        let graph = Self::assemble(revisions);
        let mut diagnostics = Diagnostics::default();
        diagnostics.extend(check::check_duplicate_ids(&graph));
        diagnostics.extend(check::check_dangling_references(&graph));
        diagnostics.extend(check::check_cycles(&graph));
        diagnostics.extend(check::check_branch_labels(&graph));
        if diagnostics.is_empty() {
            diagnostics.extend(check::check_heads(&graph));
        }
        (graph, diagnostics)
    }

    /// Indexes and links the revisions without judging them (first occurrence of an id or a
    /// label wins; references to unknown ids are left out of the edges).
    fn assemble(mut revisions: Vec<Revision>) -> Self {
        revisions.sort_by(|a, b| (&a.source.file_name, &a.source.path).cmp(&(&b.source.file_name, &b.source.path)));
        let n = revisions.len();
        let mut index = HashMap::with_capacity(n);
        let mut labels = HashMap::new();
        for (i, r) in revisions.iter().enumerate() {
            index.entry(r.id.as_str().to_owned()).or_insert(i);
            for label in &r.branch_labels {
                labels.entry(label.clone()).or_insert(i);
            }
        }
        let resolve =
            |ids: &[crate::RevisionId]| ids.iter().filter_map(|id| index.get(id.as_str()).copied()).collect::<Vec<_>>();
        let parents: Vec<Vec<Node>> = revisions.iter().map(|r| resolve(&r.parents)).collect();
        // `depends-on` may name a branch label, as in Alembic; an id wins over a label.
        let depends_on: Vec<Vec<Node>> = revisions
            .iter()
            .map(|r| {
                let mut deps: Vec<Node> = Vec::with_capacity(r.depends_on.len());
                for id in &r.depends_on {
                    let node = index.get(id.as_str()).or_else(|| labels.get(id.as_str())).copied();
                    node.filter(|n| !deps.contains(n)).into_iter().for_each(|n| deps.push(n));
                }
                deps
            })
            .collect();
        let mut children = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        for i in 0..n {
            parents[i].iter().for_each(|&p| children[p].push(i));
            depends_on[i].iter().for_each(|&d| dependents[d].push(i));
        }
        let heads = (0..n).filter(|&i| children[i].is_empty()).collect();
        let mut graph =
            Self { revisions, index, labels, parents, depends_on, children, dependents, order: Vec::new(), heads };
        graph.order = graph.compute_order();
        graph
    }

    /// Kahn's algorithm over `revises` and `depends-on`, ties broken by file name. Nodes on or
    /// after a cycle are left out.
    fn compute_order(&self) -> Vec<Node> {
        let n = self.revisions.len();
        let mut indegree: Vec<usize> = (0..n).map(|i| self.parents[i].len() + self.depends_on[i].len()).collect();
        let mut ready: BinaryHeap<Reverse<Node>> = (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(i)) = ready.pop() {
            order.push(i);
            for &next in self.children[i].iter().chain(&self.dependents[i]) {
                indegree[next] -= 1;
                if indegree[next] == 0 {
                    ready.push(Reverse(next));
                }
            }
        }
        order
    }

    /// All revisions, in file-name order (`Node` `i` is `revisions()[i]`).
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision at `node`.
    ///
    /// # Panics
    /// When `node` is not a node of this graph.
    pub fn revision(&self, node: Node) -> &Revision {
        &self.revisions[node]
    }

    /// Whether any revision has a section marked for one dialect (`-- migrate:down mysql`).
    pub fn has_variants(&self) -> bool {
        self.revisions.iter().any(|r| !r.variants.is_empty())
    }

    /// The graph as `dialect` runs it: every revision's sections and checksum are that
    /// dialect's ([`Revision::on_dialect`]). Borrowed, at no cost, when no revision has a
    /// section marked for one dialect. The runtime and the CLI call it where they learn the
    /// database, so what is applied, recorded, compared for drift and printed by `--sql` is
    /// what runs there.
    pub fn on_dialect(&self, dialect: Dialect) -> Cow<'_, RevisionGraph> {
        if !self.has_variants() {
            return Cow::Borrowed(self);
        }
        let mut graph = self.clone();
        graph.revisions.iter_mut().for_each(|r| *r = r.on_dialect(dialect));
        Cow::Owned(graph)
    }

    /// The node of the revision with exactly this id.
    pub fn node(&self, id: &str) -> Option<Node> {
        self.index.get(id).copied()
    }

    /// The node carrying branch label `label`.
    pub fn labeled(&self, label: &str) -> Option<Node> {
        self.labels.get(label).copied()
    }

    /// How many revisions there are.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// `true` when there are no revisions.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// Revisions no other revision revises, in file-name order. A revision another one only
    /// depends on is still a head here (as Alembic's `heads` command lists it); see
    /// [`RevisionGraph::real_heads`].
    pub fn heads(&self) -> &[Node] {
        &self.heads
    }

    /// Heads that no revision depends on either: what the `heads` target means (Alembic's
    /// "real heads"), in file-name order.
    pub fn real_heads(&self) -> Vec<Node> {
        self.heads.iter().copied().filter(|&h| self.dependents[h].is_empty()).collect()
    }

    /// Revisions with no parents, in file-name order.
    pub fn bases(&self) -> Vec<Node> {
        (0..self.len()).filter(|&i| self.parents[i].is_empty()).collect()
    }

    /// Revisions with two or more children.
    pub fn branch_points(&self) -> Vec<Node> {
        (0..self.len()).filter(|&i| self.children[i].len() > 1).collect()
    }

    /// Every revision, parents and dependencies before their children, ties by file name.
    pub fn topological_order(&self) -> &[Node] {
        &self.order
    }

    /// The nodes `node` revises.
    pub fn parents(&self, node: Node) -> &[Node] {
        &self.parents[node]
    }

    /// The nodes that revise `node`.
    pub fn children(&self, node: Node) -> &[Node] {
        &self.children[node]
    }

    /// The nodes `node` depends on (`depends-on`).
    pub fn dependencies(&self, node: Node) -> &[Node] {
        &self.depends_on[node]
    }

    /// The nodes that depend on `node` (`depends-on`).
    pub fn dependents(&self, node: Node) -> &[Node] {
        &self.dependents[node]
    }

    /// `from` and everything they need, through parents and (when `with_dependencies`)
    /// `depends-on`, as a membership table indexed by node.
    pub fn ancestors(&self, from: &[Node], with_dependencies: bool) -> Vec<bool> {
        self.closure(from, |n| {
            let deps: &[Node] = if with_dependencies { &self.depends_on[n] } else { &[] };
            self.parents[n].iter().chain(deps)
        })
    }

    /// `from` and everything that needs them, through children and (when
    /// `with_dependencies`) dependents, as a membership table indexed by node.
    pub fn descendants(&self, from: &[Node], with_dependencies: bool) -> Vec<bool> {
        self.closure(from, |n| {
            let deps: &[Node] = if with_dependencies { &self.dependents[n] } else { &[] };
            self.children[n].iter().chain(deps)
        })
    }

    fn closure<'s, I: Iterator<Item = &'s Node>>(&'s self, from: &[Node], next: impl Fn(Node) -> I) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<Node> = from.to_vec();
        while let Some(n) = stack.pop() {
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(next(n).copied().filter(|&m| !seen[m]));
            }
        }
        seen
    }

    /// What `current` lists, Alembic's way: applied revisions that no applied revision revises.
    /// Unlike [`RevisionGraph::heads_of`], a revision a later applied one only depends on is
    /// listed (Alembic prints it as an "effective head"). File-name order.
    pub fn applied_branch_heads(&self, applied: &[bool]) -> Vec<Node> {
        (0..self.len()).filter(|&i| applied[i] && !self.children[i].iter().any(|&c| applied[c])).collect()
    }

    /// The branch labels on `node` and its ancestors through `revises`.
    pub fn lineage_labels(&self, node: Node) -> Vec<&str> {
        let seen = self.ancestors(&[node], false);
        let mut labels: Vec<&str> = (0..self.len())
            .filter(|&i| seen[i])
            .flat_map(|i| self.revisions[i].branch_labels.iter().map(String::as_str))
            .collect();
        labels.sort_unstable();
        labels
    }

    /// The current heads of `applied`: applied revisions that no applied revision revises or
    /// depends on, in file-name order. As in Alembic, a dependency satisfied by a later
    /// applied revision is not a head. Nodes outside the graph are not considered.
    pub fn heads_of(&self, applied: &[bool]) -> Vec<Node> {
        (0..self.len())
            .filter(|&i| applied[i] && !self.children[i].iter().chain(&self.dependents[i]).any(|&c| applied[c]))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests;
