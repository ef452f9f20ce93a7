//! Property tests of the graph validator on random revision DAGs: a valid graph (any shape of
//! branches, merges and `depends-on`, closed by a merge into one head) is accepted with no
//! error, and each injected fault — a dangling parent, a dangling dependency, a self-parent, a
//! two-revision cycle, a duplicate id, a branch label on two revisions, a second head — is found
//! with its own code. The revisions go through the real parser: they are written as files' text.

use migrate_core::{Code, Revision, RevisionGraph, parse_revision};
use proptest::prelude::*;

/// One revision before it becomes text.
#[derive(Debug, Clone)]
struct Node {
    id: String,
    parents: Vec<String>,
    depends_on: Vec<String>,
    labels: Vec<String>,
}

impl Node {
    fn text(&self) -> String {
        let mut t = format!(
            "-- revision: {}\n-- revises: {}\n-- message: node {}\n",
            self.id,
            self.parents.join(", "),
            self.id
        );
        if !self.depends_on.is_empty() {
            t.push_str(&format!("-- depends-on: {}\n", self.depends_on.join(", ")));
        }
        if !self.labels.is_empty() {
            t.push_str(&format!("-- branch-labels: {}\n", self.labels.join(", ")));
        }
        t.push_str(&format!("\n-- migrate:up\nCREATE TABLE t_{} (id INTEGER);\n", self.id));
        t
    }
}

/// A random valid DAG: node `i` revises 1–3 earlier nodes (so branches and merges appear),
/// sometimes depends on another earlier node, and a final merge closes every open head.
fn valid_dag() -> impl Strategy<Value = Vec<Node>> {
    (2usize..40).prop_flat_map(|n| {
        let picks = proptest::collection::vec(
            (proptest::collection::vec(any::<prop::sample::Index>(), 1..4), any::<Option<prop::sample::Index>>()),
            n,
        );
        picks.prop_map(move |picks| {
            let mut nodes: Vec<Node> = Vec::with_capacity(n + 1);
            for (i, (parents, dependency)) in picks.into_iter().enumerate() {
                let id = format!("r{i:03}");
                let mut node = Node { id, parents: Vec::new(), depends_on: Vec::new(), labels: Vec::new() };
                if i > 0 {
                    for p in parents {
                        let parent = nodes[p.index(i)].id.clone();
                        if !node.parents.contains(&parent) {
                            node.parents.push(parent);
                        }
                    }
                    if let Some(d) = dependency {
                        let dep = nodes[d.index(i)].id.clone();
                        if !node.parents.contains(&dep) {
                            node.depends_on.push(dep);
                        }
                    }
                }
                nodes.push(node);
            }
            let heads: Vec<String> = nodes
                .iter()
                .filter(|c| !nodes.iter().any(|o| o.parents.contains(&c.id)))
                .map(|c| c.id.clone())
                .collect();
            if heads.len() > 1 {
                nodes.push(Node { id: "merge".into(), parents: heads, depends_on: Vec::new(), labels: Vec::new() });
            }
            nodes
        })
    })
}

fn parse_all(nodes: &[Node]) -> Vec<Revision> {
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let path = format!("migrations/{i:04}_{}.sql", n.id);
            parse_revision(&path, n.text().as_bytes()).unwrap_or_else(|d| panic!("{path}: {d:?}"))
        })
        .collect()
}

fn codes(nodes: &[Node]) -> Vec<Code> {
    let (_, diagnostics) = RevisionGraph::build_unchecked(parse_all(nodes));
    diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code).collect()
}

/// The faults injected, each with the code that must report it.
#[derive(Debug, Clone, Copy)]
enum Fault {
    DanglingParent,
    DanglingDependency,
    SelfParent,
    TwoCycle,
    DuplicateId,
    DuplicateLabel,
    SecondHead,
}

impl Fault {
    fn code(self) -> Code {
        match self {
            Fault::DanglingParent => Code::DanglingParent,
            Fault::DanglingDependency => Code::DanglingDependency,
            Fault::SelfParent | Fault::TwoCycle => Code::Cycle,
            Fault::DuplicateId => Code::DuplicateId,
            Fault::DuplicateLabel => Code::DuplicateBranchLabel,
            Fault::SecondHead => Code::MultipleHeads,
        }
    }

    /// Injects the fault at nodes picked by `a` and `b`.
    fn inject(self, nodes: &mut Vec<Node>, a: prop::sample::Index, b: prop::sample::Index) {
        let n = nodes.len();
        let (i, j) = (a.index(n), b.index(n));
        match self {
            Fault::DanglingParent => nodes[i].parents.push("missing1".into()),
            Fault::DanglingDependency => nodes[i].depends_on.push("missing2".into()),
            Fault::SelfParent => {
                let id = nodes[i].id.clone();
                nodes[i].parents.push(id);
            }
            Fault::TwoCycle => {
                // A child and one of its parents revise each other.
                let child = (1..n).map(|k| (i + k) % n).find(|&k| !nodes[k].parents.is_empty()).unwrap_or(n - 1);
                let parent_id = nodes[child].parents[0].clone();
                let child_id = nodes[child].id.clone();
                let parent = nodes.iter().position(|x| x.id == parent_id).unwrap_or(0);
                nodes[parent].parents.push(child_id);
            }
            Fault::DuplicateId => {
                let mut copy = nodes[i].clone();
                copy.parents.clear();
                copy.depends_on.clear();
                nodes.push(copy); // a second file declaring the same id
            }
            Fault::DuplicateLabel => {
                let j = if j == i { (i + 1) % n } else { j };
                nodes[i].labels.push("shared".into());
                nodes[j].labels.push("shared".into());
            }
            Fault::SecondHead => {
                // A new child of a revision that is not the head (node 0 always has a child).
                let has_child = |k: usize| nodes.iter().any(|x| x.parents.contains(&nodes[k].id));
                let base = nodes[(0..n).map(|k| (i + k) % n).find(|&k| has_child(k)).unwrap_or(0)].id.clone();
                nodes.push(Node {
                    id: "extra".into(),
                    parents: vec![base],
                    depends_on: Vec::new(),
                    labels: Vec::new(),
                });
            }
        }
    }
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::DanglingParent),
        Just(Fault::DanglingDependency),
        Just(Fault::SelfParent),
        Just(Fault::TwoCycle),
        Just(Fault::DuplicateId),
        Just(Fault::DuplicateLabel),
        Just(Fault::SecondHead),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_valid_random_dag_has_no_error(nodes in valid_dag()) {
        prop_assert_eq!(codes(&nodes), Vec::<Code>::new());
        let graph = RevisionGraph::build(parse_all(&nodes)).expect("valid");
        prop_assert_eq!(graph.heads().len(), 1);
        prop_assert_eq!(graph.topological_order().len(), nodes.len());
    }

    #[test]
    fn every_injected_fault_is_found(mut nodes in valid_dag(), fault in fault(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        fault.inject(&mut nodes, a, b);
        let found = codes(&nodes);
        prop_assert!(found.contains(&fault.code()), "{:?} not reported; found {:?}", fault, found);
    }

    #[test]
    fn independent_faults_are_all_found_at_once(mut nodes in valid_dag(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let faults = [Fault::DanglingParent, Fault::DanglingDependency, Fault::DuplicateLabel];
        for f in faults {
            f.inject(&mut nodes, a, b);
        }
        let found = codes(&nodes);
        for f in faults {
            prop_assert!(found.contains(&f.code()), "{:?} not reported; found {:?}", f, found);
        }
    }
}
