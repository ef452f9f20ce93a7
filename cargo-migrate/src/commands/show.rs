//! `cargo migrate show REV`: one revision in full, SQL included.

use super::describe;
use super::scaffold::resolve_one;
use crate::cli::ShowArgs;
use crate::context::Context;
use crate::exit::Failure;

/// Runs `show`.
pub fn exec(ctx: &Context, args: &ShowArgs) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    let node = resolve_one(&graph, &args.revision)?.ok_or_else(|| Failure::Usage("`base` is not a revision".into()))?;
    let r = graph.revision(node);
    if ctx.json() {
        let mut value = describe::json(&graph, node);
        value["up"] = r.up.sql.clone().into();
        value["down"] = r.down.as_ref().map(|d| d.sql.clone()).into();
        crate::output::print_json(&value);
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
