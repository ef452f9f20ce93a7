//! How a revision is shown: its tags, its one-line and verbose forms, and its JSON.

use migrate_core::{Node, RevisionGraph};
use serde_json::{Value, json};

fn ids(graph: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| graph.revision(n).id.to_string()).collect()
}

/// `(head)`, `(branchpoint)`, `(mergepoint)` and the branch labels, as Alembic prints them.
pub fn tags(graph: &RevisionGraph, node: Node) -> String {
    let r = graph.revision(node);
    let mut out = String::new();
    if graph.children(node).is_empty() {
        out.push_str(" (head)");
    }
    if graph.children(node).len() > 1 {
        out.push_str(" (branchpoint)");
    }
    if r.is_merge() {
        out.push_str(" (mergepoint)");
    }
    if !r.branch_labels.is_empty() {
        out.push_str(&format!(" ({})", r.branch_labels.join(", ")));
    }
    out
}

/// `parents -> id (tags), message`.
pub fn line(graph: &RevisionGraph, node: Node) -> String {
    let r = graph.revision(node);
    let parents = if r.parents.is_empty() { "<base>".to_owned() } else { ids(graph, graph.parents(node)).join(", ") };
    format!("{parents} -> {}{}, {}", r.id, tags(graph, node), r.message)
}

/// The multi-line form used by `history -v` and `show`.
pub fn verbose(graph: &RevisionGraph, node: Node) -> String {
    let r = graph.revision(node);
    let list = |v: Vec<String>| if v.is_empty() { "<base>".to_owned() } else { v.join(", ") };
    let mut out = format!("Rev: {}{}\n", r.id, tags(graph, node));
    out.push_str(&format!("Parent: {}\n", list(ids(graph, graph.parents(node)))));
    if !graph.children(node).is_empty() {
        out.push_str(&format!("Children: {}\n", ids(graph, graph.children(node)).join(", ")));
    }
    if !r.branch_labels.is_empty() {
        out.push_str(&format!("Branch names: {}\n", r.branch_labels.join(", ")));
    }
    if !r.depends_on.is_empty() {
        out.push_str(&format!("Depends on: {}\n", ids(graph, graph.dependencies(node)).join(", ")));
    }
    if !r.transactional {
        out.push_str("Transaction: false\n");
    }
    if r.down.is_none() {
        out.push_str("Irreversible: no down section\n");
    }
    out.push_str(&format!("Path: {}\n", r.source.path));
    if let Some(created) = &r.created {
        out.push_str(&format!("Created: {created}\n"));
    }
    out.push_str(&format!("\n    {}\n", r.message));
    out
}

/// Everything about a revision, for `--format json`.
pub fn json(graph: &RevisionGraph, node: Node) -> Value {
    let r = graph.revision(node);
    json!({
        "revision": r.id.as_str(),
        "revises": ids(graph, graph.parents(node)),
        "children": ids(graph, graph.children(node)),
        "depends_on": ids(graph, graph.dependencies(node)),
        "branch_labels": r.branch_labels,
        "message": r.message,
        "created": r.created,
        "path": r.source.path,
        "head": graph.children(node).is_empty(),
        "branch_point": graph.children(node).len() > 1,
        "merge_point": r.is_merge(),
        "transactional": r.transactional,
        "reversible": r.down.is_some(),
        "checksum": r.checksum.to_hex(),
    })
}
