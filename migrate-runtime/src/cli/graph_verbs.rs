//! `heads [--resolve-dependencies]`, `branches`, `history [--graph] [-r A:B] [-i]` and
//! `show REV`: the revisions as Alembic prints them (`-v` for its verbose layout), or as JSON.
//! No connection is made unless the current heads are asked for (`history -i`, a range or a
//! `show` naming `current`).

use migrate_core::{Intent, Node, Resolved, RevisionGraph, history_range, parse_target};
use serde_json::json;

use super::args::{HeadsArgs, HistoryArgs, ShowArgs};
use super::db_verbs::read_status;
use super::output::print_json;
use super::{Failure, GraphUse, Invocation, describe};

/// The single revision `text` names (`None` for `base`).
///
/// # Errors
/// [`Failure::Usage`] when `text` does not parse, resolves to nothing or to several revisions.
pub fn resolve_one(graph: &RevisionGraph, text: &str) -> Result<Option<Node>, Failure> {
    match graph.resolve(&parse_target(text)?, &[], Intent::Name)? {
        Resolved::Base => Ok(None),
        Resolved::Nodes(nodes) if nodes.len() == 1 => Ok(Some(nodes[0])),
        _ => Err(Failure::Usage(format!("`{text}` does not name a single revision"))),
    }
}

/// The current heads of the database, as nodes of `graph` (connects).
async fn current_nodes(inv: &Invocation<'_>, graph: &RevisionGraph) -> Result<Vec<Node>, Failure> {
    let status = read_status(inv, graph).await?;
    Ok(status.current.iter().filter_map(|id| graph.node(id.as_str())).collect())
}

/// `heads`: the revisions nothing revises (with `(effective head)` on those that others depend
/// on); `--resolve-dependencies` leaves those out, as Alembic does.
pub fn heads(inv: &Invocation<'_>, args: &HeadsArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let heads = if args.resolve_dependencies { graph.real_heads() } else { graph.heads().to_vec() };
    if inv.json() {
        print_json(&serde_json::Value::Array(heads.iter().map(|&h| describe::json(&graph, h)).collect()));
        return Ok(());
    }
    for &h in &heads {
        if inv.global.verbose > 0 {
            println!("{}", describe::verbose(&graph, h, false));
        } else {
            let r = graph.revision(h);
            println!("{}{}, {}", r.id, describe::tags(&graph, h, false), r.message);
        }
    }
    Ok(())
}

fn label_heads(graph: &RevisionGraph, node: Node) -> Vec<String> {
    let reach = graph.descendants(&[node], false);
    graph.heads().iter().filter(|&&h| reach[h]).map(|&h| graph.revision(h).id.to_string()).collect()
}

/// `branches`: branch points (revisions with several children) and named branches (branch
/// labels, with the head each leads to). `-v` prints each branch point in Alembic's verbose
/// layout and each child with its message.
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
        if inv.global.verbose > 0 {
            println!("{}", describe::verbose(&graph, n, false));
        } else {
            println!("{}", describe::line(&graph, n, false));
        }
        for &c in graph.children(n) {
            println!(
                "    -> {}{}, {}",
                graph.revision(c).id,
                describe::tags(&graph, c, false),
                graph.revision(c).message
            );
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

/// `history`: revisions newest first in Alembic's order, its one-line form, its verbose form
/// (`-v`), or a drawing of the graph (`--graph`); `-r LOWER:UPPER` as Alembic reads it
/// (`current` connects to read the current heads); `-i` marks the current heads.
pub async fn history(inv: &Invocation<'_>, args: &HistoryArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let wants_current = args.indicate_current || args.range.as_deref().is_some_and(|r| r.contains("current"));
    let current = if wants_current { Some(current_nodes(inv, &graph).await?) } else { None };
    let rows = history_range(&graph, args.range.as_deref().unwrap_or(":"), current.as_deref())
        .map_err(|e| Failure::Usage(format!("-r: {e}")))?;
    let is_current = |n: Node| args.indicate_current && current.as_ref().is_some_and(|c| c.contains(&n));
    if inv.json() {
        print_json(&serde_json::Value::Array(
            rows.iter()
                .map(|&n| {
                    let mut v = describe::json(&graph, n);
                    if args.indicate_current {
                        v["current"] = is_current(n).into();
                    }
                    v
                })
                .collect(),
        ));
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
                    let tags = describe::tags(&graph, n, is_current(n));
                    out.push_str(&format!("{} {}{tags} {}\n", line.art, r.id, r.message));
                }
                None => out.push_str(&format!("{}\n", line.art)),
            }
        }
    } else {
        for &n in &rows {
            if inv.global.verbose > 0 {
                out.push_str(&describe::verbose(&graph, n, is_current(n)));
            } else {
                out.push_str(&describe::line(&graph, n, is_current(n)));
            }
            out.push('\n');
        }
    }
    print!("{out}");
    Ok(())
}

/// `show REV`: each revision REV names (`head`, `heads`, an id, a label, `LABEL@head`, and
/// `current`, which connects), in Alembic's verbose layout with its SQL.
pub async fn show(inv: &Invocation<'_>, args: &ShowArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let target = parse_target(&args.revision)?;
    let current = if args.revision.trim() == "current" { current_nodes(inv, &graph).await? } else { Vec::new() };
    let nodes = match graph.resolve(&target, &current, Intent::Name)? {
        Resolved::Nodes(nodes) if !nodes.is_empty() => nodes,
        _ if args.revision.trim() == "current" => {
            return Err(Failure::Problem("nothing is applied: there is no current revision to show".into()));
        }
        _ => return Err(Failure::Usage(format!("`{}` names no revision (base is not one)", args.revision))),
    };
    if inv.json() {
        let docs: Vec<serde_json::Value> = nodes
            .iter()
            .map(|&node| {
                let r = graph.revision(node);
                let mut value = describe::json(&graph, node);
                value["up"] = r.up.sql.clone().into();
                value["down"] = r.down.as_ref().map(|d| d.sql.clone()).into();
                for v in &r.variants {
                    let key = format!("{} {}", if v.up { "up" } else { "down" }, v.dialect);
                    value[key] = v.section.sql.clone().into();
                }
                value
            })
            .collect();
        print_json(&if docs.len() == 1 { docs[0].clone() } else { serde_json::Value::Array(docs) });
        return Ok(());
    }
    for (i, &node) in nodes.iter().enumerate() {
        let r = graph.revision(node);
        if i > 0 {
            println!();
        }
        print!("{}", describe::verbose(&graph, node, current.contains(&node)));
        println!("    Checksum: {}\n", r.checksum);
        if r.is_rust() {
            let down = r
                .down
                .as_ref()
                .map_or("no `fn down`: irreversible".to_owned(), |d| format!("`fn down` at line {}", d.first_line));
            println!("Rust revision ({}): code from line {}; {down}", r.source.path, r.up.first_line);
            continue;
        }
        println!("-- migrate:up (line {})\n{}", r.up.first_line, r.up.sql.trim_end());
        match &r.down {
            Some(d) => println!("\n-- migrate:down (line {})\n{}", d.first_line, d.sql.trim_end()),
            None if r.variants.iter().any(|v| !v.up) => {}
            None => println!("\n(no down section: this revision cannot be downgraded)"),
        }
        for v in &r.variants {
            let (direction, s) = (if v.up { "up" } else { "down" }, &v.section);
            println!("\n-- migrate:{direction} {} (line {})\n{}", v.dialect, s.first_line, s.sql.trim_end());
        }
    }
    Ok(())
}
