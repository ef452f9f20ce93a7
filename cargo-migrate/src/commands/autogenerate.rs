//! `cargo migrate new --autogenerate -m MSG`: a revision written from the differences between
//! the schema the revisions produce and the package's schema file, for every dialect the
//! package targets (one dialect's SQL unmarked, another's in sections marked for it where it
//! differs). Each dialect's plan is proved on scratch databases by
//! `migrate_runtime::tool::autogenerate` before the file is written through the same render →
//! parse → validate path as `new`; nothing is written when any dialect fails.

use std::time::Duration;

use migrate_core::schema::{AutogenOptions, Rename};
use migrate_core::{Dialect, NewRevision, RevisionGraph};
use migrate_runtime::DriftPolicy;
use migrate_runtime::cli::Failure;
use migrate_runtime::tool::{AutogenRequest, Proven, autogenerate};

use super::dev_servers::{dev_urls, leftovers_failure, server_for, with_scratch};
use crate::context::Context;

/// Runs `new --autogenerate`: `new` is the revision to write, its sections still empty.
pub fn exec(
    ctx: &Context,
    graph: &RevisionGraph,
    mut new: NewRevision,
    args: &crate::cli::NewArgs,
) -> Result<(), Failure> {
    let mut renames = Vec::new();
    for text in &args.renames {
        renames.push(text.parse::<Rename>().map_err(|e| Failure::Usage(format!("--rename {text}: {e}")))?);
    }
    let autogen = AutogenOptions { renames, allow_destructive: args.allow_destructive };
    let servers = dev_urls(ctx, &args.dev_url)?;
    let dialects = ctx.package.config.dialects.clone();
    let mut inputs = Vec::new();
    for &dialect in &dialects {
        let server = server_for(&servers, dialect).map_err(|why| {
            Failure::Usage(format!("{why} (the revision needs the SQL of every dialect in `dialects`)"))
        })?;
        let schema = ctx.package.config.schema_for(dialect).ok_or_else(|| {
            Failure::Usage(format!("no schema file for {dialect}: set `schema` in [package.metadata.migrate]"))
        })?;
        let path = ctx.package.root.join(schema);
        let shown = ctx.shown(&path);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Failure::Problem(format!(
                "cannot read `{shown}`: {e} (write the desired schema there, or point `schema` in [package.metadata.migrate] at it; `cargo migrate schema dump` starts one)"
            ))
        })?;
        inputs.push((dialect, server.map(str::to_owned), shown, text));
    }
    if !ctx.quiet {
        super::database::init_logging_at(ctx, if ctx.verbose > 0 { "info" } else { "warn" });
    }
    let options = ctx.invocation().options(Duration::from_secs(60), DriftPolicy::Refuse);
    let (proven, leftovers) = with_scratch(async |scratch| {
        let mut proven = Vec::new();
        for (dialect, server, shown, text) in &inputs {
            let request = AutogenRequest {
                graph,
                dialect: *dialect,
                server: server.as_deref(),
                schema_path: shown,
                schema_text: text,
                options: &options,
                autogen: &autogen,
                exclude: &ctx.package.config.exclude,
                revision: &new,
            };
            proven.push((*dialect, autogenerate(scratch, &request).await?));
        }
        Ok::<_, migrate_runtime::MigrateError>(proven)
    })?;
    if !leftovers.is_empty() {
        return Err(leftovers_failure(&leftovers));
    }
    let proven = proven.map_err(|e| Failure::from_error(&e, None))?;
    report(ctx, &proven);
    if proven.iter().all(|(_, p)| p.generated.changes.is_empty()) {
        if !ctx.quiet {
            eprintln!("no changes detected: the revisions already produce the schema file; nothing written");
        }
        return Ok(());
    }
    fill(&mut new, &proven);
    super::scaffold::create(ctx, graph, &new)
}

/// Prints what was detected, one line per change, like Alembic; the objects it does not
/// manage and possible renames as notes.
fn report(ctx: &Context, proven: &[(Dialect, Proven)]) {
    if ctx.quiet {
        return;
    }
    let several = proven.len() > 1;
    for (dialect, p) in proven {
        let prefix = if several { format!("{dialect}: ") } else { String::new() };
        for change in &p.generated.changes {
            eprintln!("{prefix}detected {change}");
        }
        for line in &p.generated.unmanaged {
            eprintln!("{prefix}note: {line}");
        }
        for line in &p.generated.rename_candidates {
            eprintln!("{prefix}hint: {line}");
        }
    }
}

/// The first dialect's SQL goes in the unmarked sections; another dialect's in sections marked
/// for it when its SQL differs.
fn fill(new: &mut NewRevision, proven: &[(Dialect, Proven)]) {
    let Some(((_, first), rest)) = proven.split_first() else { return };
    let (up, down) = (&first.generated.up, &first.generated.down);
    new.up = Some(section(up));
    new.down = Some(section(down));
    new.transactional = proven.iter().all(|(_, p)| p.generated.transactional);
    for (dialect, p) in rest {
        if (&p.generated.up, &p.generated.down) != (up, down) {
            new.marked.push((*dialect, section(&p.generated.up), Some(section(&p.generated.down))));
        }
    }
}

fn section(sql: &str) -> String {
    if sql.trim().is_empty() { "-- Nothing changes on this database.\n".into() } else { sql.to_owned() }
}
