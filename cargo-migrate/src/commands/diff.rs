//! `cargo migrate diff`: drift between a live database and the revisions, read-only. The live
//! database's schema (the catalog reader of autogenerate, without the history tables) is
//! compared with the revisions applied to a scratch database of the same dialect; the changes
//! from the revisions' schema to the database's are listed in autogenerate's words — a
//! hand-made change in production, or revisions not applied there.
//! Nothing is written to the live database. Exit 1 when they differ.

use std::time::Duration;

use migrate_core::schema::describe_differences;
use migrate_core::{RevisionId, Target};
use migrate_runtime::cli::{Failure, with_database};
use migrate_runtime::tool::read_schema;
use migrate_runtime::{AnyPool, DriftPolicy, MigrateError};
use serde_json::json;

use super::dev_servers::{dev_urls, leftovers_failure, server_for, with_scratch};
use crate::cli::DiffArgs;
use crate::context::Context;

fn ids(v: &[RevisionId]) -> Vec<&str> {
    v.iter().map(RevisionId::as_str).collect()
}

/// Runs `diff`.
pub fn exec(ctx: &Context, args: &DiffArgs) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    let servers = dev_urls(ctx, &args.dev_url)?;
    if !ctx.quiet {
        super::database::init_logging_at(ctx, if ctx.verbose > 0 { "info" } else { "warn" });
    }
    let inv = ctx.invocation();
    let options = inv.options(Duration::from_secs(60), DriftPolicy::Refuse);
    let history = options.table.rsplit('.').next().unwrap_or(&options.table).to_owned();
    let (result, leftovers) = with_scratch(async |scratch| {
        with_database(&inv, async |live: &AnyPool| {
            let dialect = live.as_db().dialect();
            let server = server_for(&servers, dialect).map_err(MigrateError::Usage)?;
            let status = migrate_runtime::tool::status(live.as_db(), &graph, &options).await?;
            let live_schema = read_schema(live.as_db(), &history).await?;
            let replayed = scratch.create(dialect, server).await?;
            let upgraded =
                migrate_runtime::tool::upgrade(replayed.pool.as_db(), &graph, &Target::HEADS, &options).await;
            let head_schema = match upgraded {
                Ok(_) => read_schema(replayed.pool.as_db(), &history).await,
                Err(e) => Err(e),
            };
            replayed.pool.close().await;
            let (mut head_schema, mut live_schema) = (head_schema?, live_schema);
            head_schema.exclude(&ctx.package.config.exclude);
            live_schema.exclude(&ctx.package.config.exclude);
            Ok((status, describe_differences(&head_schema, &live_schema)))
        })
        .await
    })?;
    if !leftovers.is_empty() {
        return Err(leftovers_failure(&leftovers));
    }
    let (status, differences) = result?;
    if ctx.json() {
        migrate_runtime::cli::print_json(&json!({
            "same": differences.is_empty(),
            "current": ids(&status.current),
            "pending": ids(&status.pending),
            "changes": differences,
        }));
        return if differences.is_empty() { Ok(()) } else { Err(Failure::Silent) };
    }
    if !status.pending.is_empty() {
        println!(
            "note: {} revision(s) are not applied to the database ({}): what they make shows as dropped below",
            status.pending.len(),
            ids(&status.pending).join(", ")
        );
    }
    if differences.is_empty() {
        println!("ok: the database has the schema the revisions produce");
        return Ok(());
    }
    println!("from the schema the revisions produce to the database's:");
    differences.iter().for_each(|d| println!("  {d}"));
    Err(Failure::Problem(format!(
        "the database differs from the revisions in {} change(s): write a revision for the ones to keep (`new --autogenerate` from a schema file that has them), or undo them",
        differences.len()
    )))
}
