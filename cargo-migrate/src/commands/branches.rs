//! `cargo migrate branches`: branch points (revisions with several children) and named
//! branches (branch labels, with the head each leads to).

use migrate_core::{Node, RevisionGraph};
use serde_json::json;

use super::describe;
use crate::context::Context;
use crate::exit::Failure;

fn label_heads(graph: &RevisionGraph, node: Node) -> Vec<String> {
    let reach = graph.descendants(&[node], false);
    graph.heads().iter().filter(|&&h| reach[h]).map(|&h| graph.revision(h).id.to_string()).collect()
}

/// Runs `branches`.
pub fn exec(ctx: &Context) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    let points = graph.branch_points();
    let labeled: Vec<(String, Node)> = graph
        .topological_order()
        .iter()
        .flat_map(|&n| graph.revision(n).branch_labels.iter().map(move |l| (l.clone(), n)))
        .collect();
    if ctx.json() {
        crate::output::print_json(&json!({
            "branch_points": points.iter().map(|&n| json!({
                "revision": graph.revision(n).id.as_str(),
                "children": graph.children(n).iter().map(|&c| graph.revision(c).id.as_str()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "labels": labeled.iter().map(|(l, n)| json!({
                "label": l,
                "revision": graph.revision(*n).id.as_str(),
                "heads": label_heads(&graph, *n),
            })).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    for &n in &points {
        println!("{}", describe::line(&graph, n));
        for &c in graph.children(n) {
            println!("    -> {}{}, {}", graph.revision(c).id, describe::tags(&graph, c), graph.revision(c).message);
        }
    }
    for (label, n) in &labeled {
        println!("{label}: starts at {}, head {}", graph.revision(*n).id, label_heads(&graph, *n).join(", "));
    }
    if points.is_empty() && labeled.is_empty() && !ctx.quiet {
        eprintln!("no branch points and no branch labels: the history is a straight line");
    }
    Ok(())
}
