//! How a revision is shown: its tags, its one-line and verbose forms, and its JSON.

use migrate_core::{Node, RevisionGraph};
use serde_json::{Value, json};

fn ids(graph: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| graph.revision(n).id.to_string()).collect()
}

/// The branch labels, `(head)` (or `(effective head)` for a head other revisions depend on),
/// `(current)` when `current` says so, `(branchpoint)` and `(mergepoint)`, as Alembic prints
/// them.
pub fn tags(graph: &RevisionGraph, node: Node, current: bool) -> String {
    let r = graph.revision(node);
    let mut out = String::new();
    let labels = graph.branch_labels_of(node);
    if !labels.is_empty() {
        out.push_str(&format!(" ({})", labels.join(", ")));
    }
    match (graph.children(node).is_empty(), graph.dependents(node).is_empty()) {
        (true, true) => out.push_str(" (head)"),
        (true, false) => out.push_str(" (effective head)"),
        _ => {}
    }
    if current {
        out.push_str(" (current)");
    }
    if graph.children(node).len() > 1 {
        out.push_str(" (branchpoint)");
    }
    if r.is_merge() {
        out.push_str(" (mergepoint)");
    }
    out
}

/// `id` and its head and tree marks, without labels or message: Alembic's `current` line.
pub fn bare(graph: &RevisionGraph, node: Node) -> String {
    let r = graph.revision(node);
    let mut out = r.id.to_string();
    match (graph.children(node).is_empty(), graph.dependents(node).is_empty()) {
        (true, true) => out.push_str(" (head)"),
        (true, false) => out.push_str(" (effective head)"),
        _ => {}
    }
    if graph.children(node).len() > 1 {
        out.push_str(" (branchpoint)");
    }
    if r.is_merge() {
        out.push_str(" (mergepoint)");
    }
    out
}

/// `parents -> id (tags), message`.
pub fn line(graph: &RevisionGraph, node: Node, current: bool) -> String {
    let r = graph.revision(node);
    let parents = if r.parents.is_empty() { "<base>".to_owned() } else { ids(graph, graph.parents(node)).join(", ") };
    let deps = if r.depends_on.is_empty() {
        String::new()
    } else {
        format!(" ({})", ids(graph, graph.dependencies(node)).join(", "))
    };
    format!("{parents}{deps} -> {}{}, {}", r.id, tags(graph, node, current), r.message)
}

/// The multi-line form of `history -v`, `current -v`, `branches -v` and `show`, in Alembic's
/// layout (`Rev:`, `Parent:`/`Merges:`, `Also depends on:`, `Branches into:`, `Branch names:`,
/// `Path:`, then the message and the header), with `(current)` when `current` says so.
pub fn verbose(graph: &RevisionGraph, node: Node, current: bool) -> String {
    let r = graph.revision(node);
    let list = |v: Vec<String>| if v.is_empty() { "<base>".to_owned() } else { v.join(", ") };
    let parents = list(ids(graph, graph.parents(node)));
    let mut out = format!(
        "Rev: {}{}{}{}{}\n",
        r.id,
        if graph.children(node).is_empty() { " (head)" } else { "" },
        if graph.children(node).len() > 1 { " (branchpoint)" } else { "" },
        if r.is_merge() { " (mergepoint)" } else { "" },
        if current { " (current)" } else { "" },
    );
    out.push_str(&format!("{}: {parents}\n", if r.is_merge() { "Merges" } else { "Parent" }));
    if !r.depends_on.is_empty() {
        out.push_str(&format!("Also depends on: {}\n", ids(graph, graph.dependencies(node)).join(", ")));
    }
    if graph.children(node).len() > 1 {
        out.push_str(&format!("Branches into: {}\n", ids(graph, graph.children(node)).join(", ")));
    }
    let labels = graph.branch_labels_of(node);
    if !labels.is_empty() {
        out.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    if !r.transactional {
        out.push_str("Transaction: false\n");
    }
    if r.down.is_none() && !r.variants.iter().any(|v| !v.up) {
        out.push_str("Irreversible: no down section\n");
    }
    if !r.variants.is_empty() {
        let mut marked: Vec<String> =
            r.variants.iter().map(|v| format!("{} {}", if v.up { "up" } else { "down" }, v.dialect)).collect();
        marked.dedup();
        out.push_str(&format!("Dialect sections: {}\n", marked.join(", ")));
    }
    out.push_str(&format!("Path: {}\n", r.source.path));
    out.push_str(&format!("\n    {}\n\n    Revision ID: {}\n    Revises: {parents}\n", r.message, r.id));
    if let Some(created) = &r.created {
        out.push_str(&format!("    Create Date: {created}\n"));
    }
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
