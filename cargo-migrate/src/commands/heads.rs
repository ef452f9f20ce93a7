//! `cargo migrate heads`: the revisions nothing revises.

use super::describe;
use crate::context::Context;
use crate::exit::Failure;

/// Runs `heads`.
pub fn exec(ctx: &Context) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    if ctx.json() {
        let heads: Vec<_> = graph.heads().iter().map(|&h| describe::json(&graph, h)).collect();
        crate::output::print_json(&serde_json::Value::Array(heads));
        return Ok(());
    }
    for &h in graph.heads() {
        if ctx.verbose > 0 {
            println!("{}", describe::verbose(&graph, h));
        } else {
            let r = graph.revision(h);
            println!("{}{}, {}", r.id, describe::tags(&graph, h), r.message);
        }
    }
    Ok(())
}
