//! `cargo migrate check --schema` (Alembic's `alembic check`, a CI gate): do the revisions
//! produce the package's declarative schema file? For each dialect the package targets, the
//! schema file is loaded into one scratch database and the revisions are applied to another;
//! both are read back by the one catalog reader (`migrate_runtime::tool::read_schema`) and
//! the changes a revision would have to make are listed, in autogenerate's words (so `check
//! --schema` passes exactly when `new --autogenerate` finds nothing to do). Exit 1 when they differ. Scratch databases as for `test`:
//! SQLite in memory, PostgreSQL/MySQL on a development server, always dropped.

use std::time::Duration;

use migrate_core::schema::describe_differences;
use migrate_core::{Dialect, RevisionGraph, Target};
use migrate_runtime::DriftPolicy;
use migrate_runtime::cli::Failure;
use migrate_runtime::tool::{Options, Scratch, read_schema, run_sql_file};
use serde_json::{Value, json};

use super::dev_servers::{dev_urls, leftovers_failure, server_for, with_scratch};
use crate::context::Context;

/// What one dialect's comparison found.
enum Outcome {
    Skipped(String),
    /// The changes from the revisions' schema to the schema file's, one per line.
    Compared(Vec<String>),
    Failed(String),
}

struct DialectCheck {
    dialect: Dialect,
    schema: Option<String>,
    outcome: Outcome,
}

/// Runs `check --schema`.
pub fn exec(ctx: &Context, dev_url: &[String]) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    let servers = dev_urls(ctx, dev_url)?;
    if !ctx.quiet {
        super::database::init_logging_at(ctx, if ctx.verbose > 0 { "info" } else { "warn" });
    }
    let options = ctx.invocation().options(Duration::from_secs(60), DriftPolicy::Refuse);
    let (checks, leftovers) = with_scratch(async |scratch| {
        let mut checks = Vec::new();
        for &dialect in &ctx.package.config.dialects {
            checks.push(compare(ctx, &graph, dialect, &servers, scratch, &options).await);
        }
        checks
    })?;
    let bad = checks
        .iter()
        .filter(|c| match &c.outcome {
            Outcome::Failed(_) => true,
            Outcome::Compared(d) => !d.is_empty(),
            Outcome::Skipped(_) => false,
        })
        .count();
    if ctx.json() {
        migrate_runtime::cli::print_json(&json!({
            "ok": bad == 0 && leftovers.is_empty(),
            "dialects": checks.iter().map(check_json).collect::<Vec<_>>(),
            "scratch_left": leftovers,
        }));
        return if bad == 0 && leftovers.is_empty() { Ok(()) } else { Err(Failure::Silent) };
    }
    checks.iter().for_each(print_check);
    if !leftovers.is_empty() {
        return Err(leftovers_failure(&leftovers));
    }
    match bad {
        0 => Ok(()),
        n => Err(Failure::Problem(format!(
            "the revisions do not produce the schema file on {n} database(s): write a revision for the differences"
        ))),
    }
}

async fn compare(
    ctx: &Context,
    graph: &RevisionGraph,
    dialect: Dialect,
    servers: &[String],
    scratch: &Scratch,
    options: &Options,
) -> DialectCheck {
    let Some(schema) = ctx.package.config.schema_for(dialect) else {
        let why = format!("no schema file for {dialect} in [package.metadata.migrate] schema");
        return DialectCheck { dialect, schema: None, outcome: Outcome::Skipped(why) };
    };
    let path = ctx.package.root.join(schema);
    let shown = ctx.shown(&path);
    let outcome = match server_for(servers, dialect) {
        Err(why) => Outcome::Skipped(why),
        Ok(server) => match std::fs::read_to_string(&path) {
            Err(e) => Outcome::Failed(format!(
                "cannot read `{shown}`: {e} (write the schema there, or point `schema` in [package.metadata.migrate] at it)"
            )),
            Ok(text) => {
                match both(graph, dialect, server, scratch, options, (&shown, &text), &ctx.package.config.exclude).await
                {
                    Ok(differences) => Outcome::Compared(differences),
                    Err(e) => Outcome::Failed(e.to_string()),
                }
            }
        },
    };
    DialectCheck { dialect, schema: Some(shown), outcome }
}

/// The schema file on one scratch database, the revisions on another, the differences.
async fn both(
    graph: &RevisionGraph,
    dialect: Dialect,
    server: Option<&str>,
    scratch: &Scratch,
    options: &Options,
    (shown, text): (&str, &str),
    exclude: &[String],
) -> Result<Vec<String>, migrate_runtime::MigrateError> {
    let history = options.table.rsplit('.').next().unwrap_or(&options.table).to_owned();
    let desired = scratch.create(dialect, server).await?;
    let loaded = run_sql_file(desired.pool.as_db(), shown, text).await;
    let wanted = match loaded {
        Ok(()) => read_schema(desired.pool.as_db(), &history).await,
        Err(e) => Err(e),
    };
    desired.pool.close().await;
    let wanted = wanted?;
    let replayed = scratch.create(dialect, server).await?;
    let upgraded = migrate_runtime::tool::upgrade(replayed.pool.as_db(), graph, &Target::HEADS, options).await;
    let have = match upgraded {
        Ok(_) => read_schema(replayed.pool.as_db(), &history).await,
        Err(e) => Err(e),
    };
    replayed.pool.close().await;
    let (mut have, mut wanted) = (have?, wanted);
    have.exclude(exclude);
    wanted.exclude(exclude);
    Ok(describe_differences(&have, &wanted))
}

fn print_check(c: &DialectCheck) {
    let schema = c.schema.as_deref().unwrap_or("the schema file");
    match &c.outcome {
        Outcome::Skipped(why) => println!("{}: skipped: {why}", c.dialect),
        Outcome::Failed(why) => println!("{}: FAILED: {}", c.dialect, why.replace('\n', "\n  ")),
        Outcome::Compared(d) if d.is_empty() => println!("{}: ok: the revisions produce {schema}", c.dialect),
        Outcome::Compared(d) => {
            println!(
                "{}: the revisions do not produce {schema}; a revision would have to make these changes:",
                c.dialect
            );
            d.iter().for_each(|change| println!("  {change}"));
        }
    }
}

fn check_json(c: &DialectCheck) -> Value {
    let (status, changes, error) = match &c.outcome {
        Outcome::Skipped(why) => ("skipped", &[][..], Some(why.clone())),
        Outcome::Failed(why) => ("failed", &[][..], Some(why.clone())),
        Outcome::Compared(d) => (if d.is_empty() { "same" } else { "differs" }, d.as_slice(), None),
    };
    json!({
        "dialect": c.dialect.to_string(),
        "schema": c.schema,
        "status": status,
        "changes": changes,
        "error": error,
    })
}
