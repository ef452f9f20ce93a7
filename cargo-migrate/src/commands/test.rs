//! `cargo migrate test`: the checks pytest-alembic gives Alembic users, for every dialect the
//! package targets, on scratch databases (`migrate_runtime::tool::Scratch`): one head (or every
//! head on a named branch), upgrade base→head, and the stairway (each revision up, down, up;
//! the schema after down equal to the schema before up). SQLite runs in memory; PostgreSQL and
//! MySQL run on a development server (`--dev-url`, `MIGRATE_DEV_DATABASE_URL`, or
//! `dev-database-url` in `[package.metadata.migrate]`) and are skipped, saying so, without one.
//! Every scratch database is dropped, also after a failure or Ctrl-C.

use std::time::Duration;

use migrate_core::{Dialect, RevisionGraph, Target};
use migrate_runtime::cli::Failure;
use migrate_runtime::tool::{Options, Scratch};
use migrate_runtime::{DriftPolicy, MigrateError};
use serde_json::{Value, json};

use crate::cli::TestArgs;
use crate::context::Context;

/// One check on one database.
struct Check {
    name: &'static str,
    outcome: Result<String, String>,
}

/// What happened on one dialect.
struct DialectRun {
    dialect: Dialect,
    skipped: Option<String>,
    checks: Vec<Check>,
}

/// Runs `test`.
pub fn exec(ctx: &Context, args: &TestArgs) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    let dialects = match &args.dialect {
        Some(name) => vec![
            Dialect::from_name(name)
                .ok_or_else(|| Failure::Usage(format!("unknown dialect `{name}`: use postgres, mysql or sqlite")))?,
        ],
        None => ctx.package.config.dialects.clone(),
    };
    let servers = super::dev_servers::dev_urls(ctx, &args.dev_url)?;
    if !ctx.quiet {
        super::database::init_logging_at(ctx, if ctx.verbose > 0 { "info" } else { "warn" });
    }
    let options = ctx.invocation().options(Duration::from_secs(60), DriftPolicy::Refuse);
    let (runs, leftovers) = super::dev_servers::with_scratch(async |scratch| {
        run_all(&graph, &dialects, &servers, scratch, &options, ctx).await
    })?;
    let failed = runs.iter().flat_map(|r| &r.checks).filter(|c| c.outcome.is_err()).count();
    if ctx.json() {
        migrate_runtime::cli::print_json(&json!({
            "ok": failed == 0 && leftovers.is_empty(),
            "dialects": runs.iter().map(run_json).collect::<Vec<_>>(),
            "scratch_left": leftovers,
        }));
        return if failed == 0 && leftovers.is_empty() { Ok(()) } else { Err(Failure::Silent) };
    }
    if !leftovers.is_empty() {
        return Err(super::dev_servers::leftovers_failure(&leftovers));
    }
    match failed {
        0 => Ok(()),
        n => Err(Failure::Problem(format!("{n} check(s) failed"))),
    }
}

async fn run_all(
    graph: &RevisionGraph,
    dialects: &[Dialect],
    servers: &[String],
    scratch: &Scratch,
    options: &Options,
    ctx: &Context,
) -> Vec<DialectRun> {
    let mut runs = Vec::new();
    for &dialect in dialects {
        let run = match super::dev_servers::server_for(servers, dialect) {
            Err(why) => DialectRun { dialect, skipped: Some(why), checks: Vec::new() },
            Ok(server) => DialectRun {
                dialect,
                skipped: None,
                checks: checks(&ctx.package.root, graph, dialect, server, scratch, options).await,
            },
        };
        if !ctx.json() {
            print_run(&run);
        }
        runs.push(run);
    }
    runs
}

async fn checks(
    root: &std::path::Path,
    graph: &RevisionGraph,
    dialect: Dialect,
    server: Option<&str>,
    scratch: &Scratch,
    options: &Options,
) -> Vec<Check> {
    // A failed statement's message names its file and line; the statement's first line is
    // added, read from the file.
    let shown = |e: MigrateError| match &e {
        MigrateError::Statement { path, line, .. } => {
            let text = std::fs::read_to_string(root.join(path)).unwrap_or_default();
            match text.lines().nth(line.saturating_sub(1)).map(str::trim).filter(|l| !l.is_empty()) {
                Some(statement) => format!("{e}\nstatement: {statement}"),
                None => e.to_string(),
            }
        }
        _ => e.to_string(),
    };
    let heads = graph.real_heads();
    let ids: Vec<&str> = heads.iter().map(|&n| graph.revision(n).id.as_str()).collect();
    let one_head = Check {
        name: "heads",
        outcome: Ok(if ids.len() == 1 {
            format!("one head, {}", ids[0])
        } else {
            format!("{} heads, each on a named branch: {}", ids.len(), ids.join(", "))
        }),
    };
    let upgrade = async {
        let db = scratch.create(dialect, server).await?;
        let report = migrate_runtime::tool::upgrade(db.pool.as_db(), graph, &Target::HEADS, options).await;
        db.pool.close().await;
        Ok::<_, MigrateError>(format!("{} revision(s) applied from an empty database", report?.steps.len()))
    };
    let upgrade = Check { name: "upgrade base→head", outcome: upgrade.await.map_err(shown) };
    let stairway = async {
        let db = scratch.create(dialect, server).await?;
        let done = migrate_runtime::tool::stairway(db.pool.as_db(), graph, options).await;
        db.pool.close().await;
        let done = done?;
        let irreversible: Vec<&str> = done.irreversible.iter().map(|r| r.as_str()).collect();
        Ok::<_, MigrateError>(match irreversible.len() {
            0 => format!("{} revision(s) up, down, up", done.revisions.len()),
            _ => format!(
                "{} revision(s) up, down, up; {} without a down section (up only): {}",
                done.revisions.len() - irreversible.len(),
                irreversible.len(),
                irreversible.join(", ")
            ),
        })
    };
    let stairway = Check { name: "stairway", outcome: stairway.await.map_err(shown) };
    vec![one_head, upgrade, stairway]
}

fn print_run(run: &DialectRun) {
    if let Some(why) = &run.skipped {
        println!("{}: skipped: {why}", run.dialect);
        return;
    }
    let ok = run.checks.iter().all(|c| c.outcome.is_ok());
    println!("{}: {}", run.dialect, if ok { "ok" } else { "FAILED" });
    for c in &run.checks {
        match &c.outcome {
            Ok(what) => println!("  ok      {}: {what}", c.name),
            Err(why) => println!("  FAILED  {}: {}", c.name, why.replace('\n', "\n          ")),
        }
    }
}

fn run_json(run: &DialectRun) -> Value {
    json!({
        "dialect": run.dialect.to_string(),
        "status": match (&run.skipped, run.checks.iter().all(|c| c.outcome.is_ok())) {
            (Some(_), _) => "skipped",
            (None, true) => "passed",
            (None, false) => "failed",
        },
        "skipped": run.skipped,
        "checks": run.checks.iter().map(|c| match &c.outcome {
            Ok(what) => json!({ "name": c.name, "ok": true, "detail": what }),
            Err(why) => json!({ "name": c.name, "ok": false, "error": why }),
        }).collect::<Vec<_>>(),
    })
}
