//! Writing a new revision file (for `new` and `merge`): render it with migrate-core, parse it
//! back and check the graph it would make with the same rules as `check`, then create it
//! (never overwriting).

use std::io::Write;
use std::path::PathBuf;

use migrate_core::{Code, NewRevision, RevisionGraph, RevisionId, file_name_after, parse_revision, render_revision};
use serde_json::json;

use crate::context::{Context, errors_only};
use migrate_runtime::cli::Failure;

/// The id for a new revision: `--rev-id`, or 12 random hex characters not yet used.
pub fn new_id(graph: &RevisionGraph, rev_id: Option<&str>) -> Result<RevisionId, Failure> {
    if let Some(text) = rev_id {
        return RevisionId::parse(text).map_err(|e| Failure::Usage(format!("--rev-id: {e}")));
    }
    loop {
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).map_err(|e| Failure::Problem(format!("no randomness for a revision id: {e}")))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let id = RevisionId::parse(&hex).map_err(|e| Failure::Problem(e.to_string()))?;
        if graph.node(id.as_str()).is_none() {
            return Ok(id);
        }
    }
}

pub use migrate_runtime::cli::resolve_one;

/// Checks the message is one non-empty line.
pub fn check_message(message: &str) -> Result<(), Failure> {
    if message.trim().is_empty() {
        return Err(Failure::Usage("the message (-m) is empty; say in one line what the revision does".into()));
    }
    Ok(())
}

/// Validates and writes `new` into the migrations folder, then reports it.
///
/// # Errors
/// [`Failure::Invalid`] when the file or the graph it would make breaks a rule (other than
/// having several heads, which is reported as a warning); [`Failure::Problem`] on I/O errors.
pub fn create(ctx: &Context, graph: &RevisionGraph, new: &NewRevision) -> Result<(), Failure> {
    let text = render_revision(new);
    let existing = graph.revisions().iter().map(|r| r.source.file_name.as_str());
    let path: PathBuf = ctx.package.migrations_dir().join(file_name_after(new, existing));
    let shown = ctx.shown(&path);
    let revision =
        parse_revision(&shown, text.as_bytes()).map_err(|d| Failure::Invalid(migrate_core::Diagnostics(d)))?;
    let mut revisions = graph.revisions().to_vec();
    revisions.push(revision);
    let (after, diagnostics) = RevisionGraph::build_unchecked(revisions);
    let several_heads = diagnostics.iter().any(|d| d.code == Code::MultipleHeads);
    if diagnostics.iter().any(|d| d.is_error() && d.code != Code::MultipleHeads) {
        return Err(Failure::Invalid(errors_only(diagnostics)));
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Failure::Problem(format!("cannot create `{shown}`: {e}")))?;
    file.write_all(text.as_bytes()).map_err(|e| Failure::Problem(format!("cannot write `{shown}`: {e}")))?;
    if ctx.json() {
        migrate_runtime::cli::print_json(&json!({
            "revision": new.id.as_str(),
            "revises": new.parents.iter().map(RevisionId::as_str).collect::<Vec<_>>(),
            "path": shown,
            "heads": after.heads().len(),
        }));
    } else if !ctx.quiet {
        println!("created {shown}");
    }
    if several_heads && !ctx.quiet {
        eprintln!(
            "warning: the graph now has {} heads, so `cargo build` of a crate that embeds it fails until they are joined: run `cargo migrate merge -m \"...\"`",
            after.heads().len()
        );
    }
    Ok(())
}
