//! `cargo migrate merge [REVS|heads] -m MSG`: a merge revision whose parents are the given
//! revisions, by default every head.

use migrate_core::NewRevision;

use super::scaffold::{check_message, create, new_id, resolve_one};
use crate::cli::MergeArgs;
use crate::context::Context;
use migrate_runtime::cli::Failure;

/// Runs `merge`.
pub fn exec(ctx: &Context, args: &MergeArgs) -> Result<(), Failure> {
    check_message(&args.message)?;
    let graph = ctx.graph_allowing_heads()?;
    let mut nodes = Vec::new();
    let all_heads = args.revisions.is_empty() || args.revisions.iter().any(|r| r == "heads");
    if all_heads {
        nodes.extend_from_slice(graph.heads());
    }
    for text in args.revisions.iter().filter(|r| *r != "heads") {
        let node = resolve_one(&graph, text)?.ok_or_else(|| Failure::Usage("`base` cannot be merged".into()))?;
        if !nodes.contains(&node) {
            nodes.push(node);
        }
    }
    if nodes.len() < 2 {
        return Err(Failure::Problem(format!(
            "nothing to merge: a merge joins two or more revisions, and {} given{}",
            if nodes.len() == 1 { "one was" } else { "none was" },
            if all_heads { " (the graph has a single head)" } else { "" }
        )));
    }
    let new = NewRevision {
        id: new_id(&graph, args.rev_id.as_deref())?,
        parents: nodes.iter().map(|&n| graph.revision(n).id.clone()).collect(),
        message: args.message.clone(),
        created: jiff::Timestamp::now(),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        transactional: true,
        up: Some("-- A merge revision: joins its parents. Add SQL only if reconciling them needs it.\n".into()),
        down: Some("-- Nothing to revert unless the up section does something.\n".into()),
        rust: false,
        marked: Vec::new(),
    };
    create(ctx, &graph, &new)
}
