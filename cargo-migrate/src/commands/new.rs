//! `cargo migrate new -m MSG`: a revision revising the single head, or `--parent`s.

use migrate_core::{NewRevision, Node, RevisionGraph};

use super::scaffold::{check_message, create, new_id, resolve_one};
use crate::cli::NewArgs;
use crate::context::Context;
use migrate_runtime::cli::Failure;

/// Runs `new`.
pub fn exec(ctx: &Context, args: &NewArgs) -> Result<(), Failure> {
    check_message(&args.message)?;
    let graph = ctx.graph_allowing_heads()?;
    let id = new_id(&graph, args.rev_id.as_deref())?;
    let parents = parents(&graph, &args.parents)?;
    let mut depends_on = Vec::new();
    for text in &args.depends_on {
        let node = resolve_one(&graph, text)?
            .ok_or_else(|| Failure::Usage("--depends-on base means nothing; name a revision".into()))?;
        depends_on.push(graph.revision(node).id.clone());
    }
    let new = NewRevision {
        id,
        parents: parents.iter().map(|&n| graph.revision(n).id.clone()).collect(),
        message: args.message.clone(),
        created: jiff::Timestamp::now(),
        branch_labels: args.branch_labels.clone(),
        depends_on,
        transactional: !args.no_transaction,
        up: None,
        down: None,
        rust: args.rust,
        marked: Vec::new(),
    };
    if args.autogenerate {
        if graph.heads().len() > 1 {
            return Err(Failure::Usage(
                "--autogenerate replays the revisions to their single head; join the heads first with `cargo migrate merge -m \"...\"`".into(),
            ));
        }
        return super::autogenerate::exec(ctx, &graph, new, args);
    }
    create(ctx, &graph, &new)
}

/// `--parent`s as given (`base` alone makes a new root), or the single head.
fn parents(graph: &RevisionGraph, given: &[String]) -> Result<Vec<Node>, Failure> {
    if given.is_empty() {
        return match graph.heads() {
            [] => Ok(Vec::new()),
            [one] => Ok(vec![*one]),
            many => {
                let list: Vec<String> = many
                    .iter()
                    .map(|&h| format!("  {} ({})", graph.revision(h).id, graph.revision(h).message))
                    .collect();
                Err(Failure::Problem(format!(
                    "the graph has {} heads, so the new revision's parent is ambiguous:\n{}\nhelp: pass --parent REV, or join them first with `cargo migrate merge -m \"...\"`",
                    many.len(),
                    list.join("\n")
                )))
            }
        };
    }
    let mut nodes = Vec::new();
    for text in given {
        match resolve_one(graph, text)? {
            Some(n) if !nodes.contains(&n) => nodes.push(n),
            Some(_) => {}
            None if given.len() == 1 => {}
            None => {
                return Err(Failure::Usage(
                    "--parent base starts a new root and cannot be combined with other parents".into(),
                ));
            }
        }
    }
    Ok(nodes)
}
