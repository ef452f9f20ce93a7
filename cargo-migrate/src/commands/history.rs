//! `cargo migrate history [--graph] [-r A:B] [-v]`: revisions newest first, Alembic's one-line
//! form, the verbose form, or a drawing of the graph.

use migrate_core::{Node, Resolved, RevisionGraph, parse_target};

use super::describe;
use crate::cli::HistoryArgs;
use crate::context::Context;
use crate::exit::Failure;

/// Runs `history`.
pub fn exec(ctx: &Context, args: &HistoryArgs) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    let shown = match &args.range {
        Some(range) => in_range(&graph, range)?,
        None => vec![true; graph.len()],
    };
    let rows: Vec<Node> = graph.topological_order().iter().rev().copied().filter(|&n| shown[n]).collect();
    if ctx.json() {
        crate::output::print_json(&serde_json::Value::Array(rows.iter().map(|&n| describe::json(&graph, n)).collect()));
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
        for line in crate::draw::draw(&parents) {
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
            if ctx.verbose > 0 {
                out.push_str(&describe::verbose(&graph, n));
                out.push('\n');
            } else {
                out.push_str(&describe::line(&graph, n));
                out.push('\n');
            }
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
