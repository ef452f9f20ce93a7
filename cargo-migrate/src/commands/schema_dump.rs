//! `cargo migrate schema dump`: the declarative schema file written from what the revisions
//! produce (replayed on a scratch database) or from a live database (`--database-url`, read
//! only), so that a project with revisions but no schema file can start using
//! `new --autogenerate`. The text is the plan from an empty schema to the one read, so it is
//! the SQL autogenerate itself would write; objects the model does not manage (functions,
//! triggers) are listed in a comment at the top, not dumped.

use std::time::Duration;

use migrate_core::schema::{AutogenOptions, Schema, autogenerate};
use migrate_core::{Dialect, Target};
use migrate_runtime::cli::{Failure, with_database};
use migrate_runtime::tool::read_schema;
use migrate_runtime::{AnyPool, DriftPolicy, MigrateError};

use super::dev_servers::{dev_urls, leftovers_failure, server_for, with_scratch};
use crate::cli::DumpArgs;
use crate::context::Context;

/// Runs `schema dump`.
pub fn exec(ctx: &Context, args: &DumpArgs) -> Result<(), Failure> {
    let options = ctx.invocation().options(Duration::from_secs(60), DriftPolicy::Refuse);
    let history = options.table.rsplit('.').next().unwrap_or(&options.table).to_owned();
    let (dialect, schema) = if ctx.db.database_url.is_some() {
        let inv = ctx.invocation();
        super::database::runtime()?.block_on(with_database(&inv, async |live: &AnyPool| {
            let dialect = live.as_db().dialect();
            Ok((dialect, read_schema(live.as_db(), &history).await?))
        }))?
    } else {
        let servers = dev_urls(ctx, &args.dev_url)?;
        let dialect = match &args.dialect {
            Some(name) => Dialect::from_name(name)
                .ok_or_else(|| Failure::Usage(format!("--dialect {name}: say postgres, mysql or sqlite")))?,
            // The first dialect of the package that can run here (SQLite always can).
            None => ctx.package.config.dialects.iter().copied().find(|&d| server_for(&servers, d).is_ok()).ok_or_else(
                || {
                    Failure::Usage(
                        "no development server for the package's dialects: pass --dev-url, or --dialect".into(),
                    )
                },
            )?,
        };
        let graph = ctx.valid_graph()?;
        let server = server_for(&servers, dialect).map_err(Failure::Usage)?;
        let (schema, leftovers) = with_scratch(async |scratch| {
            let replayed = scratch.create(dialect, server).await?;
            let read = async {
                migrate_runtime::tool::upgrade(replayed.pool.as_db(), &graph, &Target::HEADS, &options).await?;
                read_schema(replayed.pool.as_db(), &history).await
            }
            .await;
            replayed.pool.close().await;
            read
        })?;
        if !leftovers.is_empty() {
            return Err(leftovers_failure(&leftovers));
        }
        (dialect, schema.map_err(|e| Failure::from_error(&e, None))?)
    };
    let mut schema = schema;
    schema.exclude(&ctx.package.config.exclude);
    let text = dump(dialect, &schema).map_err(|e| Failure::Problem(e.to_string()))?;
    let output = match &args.output {
        Some(path) => path.clone(),
        None => ctx.package.config.schema_for(dialect).unwrap_or(migrate_core::DEFAULT_SCHEMA).to_owned(),
    };
    if output == "-" {
        print!("{text}");
        return Ok(());
    }
    let path = if args.output.is_some() { std::path::PathBuf::from(&output) } else { ctx.package.root.join(&output) };
    let shown = ctx.shown(&path);
    if path.exists() && !args.force {
        return Err(Failure::Usage(format!("`{shown}` exists: pass --force to overwrite it, or -o another path")));
    }
    std::fs::write(&path, text).map_err(|e| Failure::Problem(format!("cannot write `{shown}`: {e}")))?;
    if !ctx.quiet {
        println!("wrote {shown} ({dialect}: {} tables, {} views)", schema.tables.len(), schema.views.len());
    }
    Ok(())
}

/// The schema as the SQL that creates it from nothing.
fn dump(dialect: Dialect, schema: &Schema) -> Result<String, MigrateError> {
    let plan = autogenerate(dialect, &Schema::default(), schema, &AutogenOptions::default())
        .map_err(|e| MigrateError::AutogenerateRefused { dialect, message: e.to_string() })?;
    let mut text = format!("-- The declarative schema ({dialect}), written by `cargo migrate schema dump`.\n");
    if !schema.unmanaged.is_empty() {
        text.push_str("-- Not managed by autogenerate, so not written here (keep them in revisions):\n");
        for u in &schema.unmanaged {
            let on = u.table.as_deref().map(|t| format!(" on {t}")).unwrap_or_default();
            text.push_str(&format!("--   {} {}{on}\n", u.kind, u.name));
        }
    }
    text.push('\n');
    text.push_str(&plan.up);
    Ok(text)
}
