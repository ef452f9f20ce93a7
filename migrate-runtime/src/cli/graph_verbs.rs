//! `heads`, `branches`, `history [--graph] [-r A:B] [-v]` and `show REV`: the revisions as
//! Alembic prints them, or as JSON. No connection is made.

use migrate_core::{Node, Resolved, RevisionGraph, parse_target};
use serde_json::json;

use super::args::{HistoryArgs, ShowArgs};
use super::output::print_json;
use super::{Failure, GraphUse, Invocation, describe};

/// The single revision `text` names (`None` for `base`).
///
/// # Errors
/// [`Failure::Usage`] when `text` does not parse, resolves to nothing or to several revisions.
pub fn resolve_one(graph: &RevisionGraph, text: &str) -> Result<Option<Node>, Failure> {
    match graph.resolve(&parse_target(text)?, &[])? {
        Resolved::Base => Ok(None),
        Resolved::Nodes(nodes) if nodes.len() == 1 => Ok(Some(nodes[0])),
        _ => Err(Failure::Usage(format!("`{text}` does not name a single revision"))),
    }
}

/// `heads`: the revisions nothing revises.
pub fn heads(inv: &Invocation<'_>) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    if inv.json() {
        print_json(&serde_json::Value::Array(graph.heads().iter().map(|&h| describe::json(&graph, h)).collect()));
        return Ok(());
    }
    for &h in graph.heads() {
        if inv.global.verbose > 0 {
            println!("{}", describe::verbose(&graph, h));
        } else {
            let r = graph.revision(h);
            println!("{}{}, {}", r.id, describe::tags(&graph, h), r.message);
        }
    }
    Ok(())
}

fn label_heads(graph: &RevisionGraph, node: Node) -> Vec<String> {
    let reach = graph.descendants(&[node], false);
    graph.heads().iter().filter(|&&h| reach[h]).map(|&h| graph.revision(h).id.to_string()).collect()
}

/// `branches`: branch points (revisions with several children) and named branches (branch
/// labels, with the head each leads to).
pub fn branches(inv: &Invocation<'_>) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let points = graph.branch_points();
    let labeled: Vec<(String, Node)> = graph
        .topological_order()
        .iter()
        .flat_map(|&n| graph.revision(n).branch_labels.iter().map(move |l| (l.clone(), n)))
        .collect();
    if inv.json() {
        print_json(&json!({
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
    if points.is_empty() && labeled.is_empty() && !inv.global.quiet {
        eprintln!("no branch points and no branch labels: the history is a straight line");
    }
    Ok(())
}

/// `history`: revisions newest first, Alembic's one-line form, the verbose form (`-v`), or a
/// drawing of the graph (`--graph`).
pub fn history(inv: &Invocation<'_>, args: &HistoryArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let shown = match &args.range {
        Some(range) => in_range(&graph, range)?,
        None => vec![true; graph.len()],
    };
    let rows: Vec<Node> = graph.topological_order().iter().rev().copied().filter(|&n| shown[n]).collect();
    if inv.json() {
        print_json(&serde_json::Value::Array(rows.iter().map(|&n| describe::json(&graph, n)).collect()));
        return Ok(());
    }
    let mut out = String::new();
    if args.graph {
        let mut row_of = vec![usize::MAX; graph.len()];
        rows.iter().enumerate().for_each(|(i, &n)| row_of[n] = i);
        let parents: Vec<Vec<usize>> = rows
            .iter()
            .map(|&n| graph.parents(n).iter().map(|&p| row_of[p]).filter(|&r| r != usize::MAX).collect())
            .collect();
        for line in super::draw::draw(&parents) {
            match line.row {
                Some(i) => {
                    let n = rows[i];
                    let r = graph.revision(n);
                    out.push_str(&format!("{} {}{} {}\n", line.art, r.id, describe::tags(&graph, n), r.message));
                }
                None => out.push_str(&format!("{}\n", line.art)),
            }
        }
    } else {
        for &n in &rows {
            if inv.global.verbose > 0 {
                out.push_str(&describe::verbose(&graph, n));
            } else {
                out.push_str(&describe::line(&graph, n));
            }
            out.push('\n');
        }
    }
    print!("{out}");
    Ok(())
}

/// The revisions from A to B (`A:B`, `:B`, `A:`), both included: descendants of A that are
/// ancestors of B.
fn in_range(graph: &RevisionGraph, range: &str) -> Result<Vec<bool>, Failure> {
    let (from, to) =
        range.split_once(':').ok_or_else(|| Failure::Usage(format!("-r `{range}`: expected A:B, :B or A:")))?;
    let nodes = |text: &str, empty: Resolved| -> Result<Resolved, Failure> {
        if text.is_empty() { Ok(empty) } else { Ok(graph.resolve(&parse_target(text)?, &[])?) }
    };
    let lower = match nodes(from, Resolved::Base)? {
        Resolved::Base => vec![true; graph.len()],
        Resolved::Nodes(n) => graph.descendants(&n, false),
        Resolved::LabelBase(n) => graph.descendants(&[n], false),
    };
    let upper = match nodes(to, Resolved::Nodes(graph.heads().to_vec()))? {
        Resolved::Base => vec![false; graph.len()],
        Resolved::Nodes(n) => graph.ancestors(&n, false),
        Resolved::LabelBase(n) => graph.ancestors(&[n], false),
    };
    Ok(lower.iter().zip(&upper).map(|(a, b)| *a && *b).collect())
}

/// `show REV`: one revision in full, SQL included.
pub fn show(inv: &Invocation<'_>, args: &ShowArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let node = resolve_one(&graph, &args.revision)?.ok_or_else(|| Failure::Usage("`base` is not a revision".into()))?;
    let r = graph.revision(node);
    if inv.json() {
        let mut value = describe::json(&graph, node);
        value["up"] = r.up.sql.clone().into();
        value["down"] = r.down.as_ref().map(|d| d.sql.clone()).into();
        print_json(&value);
        return Ok(());
    }
    print!("{}", describe::verbose(&graph, node));
    println!("Checksum: {}\n", r.checksum);
    println!("-- migrate:up (line {})\n{}", r.up.first_line, r.up.sql.trim_end());
    match &r.down {
        Some(d) => println!("\n-- migrate:down (line {})\n{}", d.first_line, d.sql.trim_end()),
        None => println!("\n(no down section: this revision cannot be downgraded)"),
    }
    Ok(())
}
