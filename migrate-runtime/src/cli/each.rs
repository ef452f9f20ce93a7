//! `upgrade --each FILE [--jobs N] [--keep-going]`: one upgrade over every database the file
//! lists, a line of progress as each finishes, then a summary (applied, already current, failed
//! with the reason, not started); exit 1 if any failed. Passwords are redacted everywhere.

use std::path::Path;
use std::time::Duration;

use migrate_core::{RevisionGraph, parse_target};
use serde_json::json;

use super::args::MoveArgs;
use super::output::print_json;
use super::{Failure, Invocation};
use crate::engine::DriftPolicy;
use crate::fanout::{FanoutOptions, FanoutOutcome, FanoutResult, upgrade_each as run_each};

/// The URLs of `file`: one a line, blank lines and `#` comments skipped.
fn read_urls(file: &Path) -> Result<Vec<String>, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Usage(format!("--each `{}`: cannot read it: {e}", file.display())))?;
    let urls: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect();
    if urls.is_empty() {
        return Err(Failure::Usage(format!("--each `{}` lists no database URL (one a line)", file.display())));
    }
    Ok(urls)
}

fn line(o: &FanoutOutcome, total: usize) -> String {
    let what = match &o.result {
        FanoutResult::Done(r) if r.steps.is_empty() => "already current".to_owned(),
        FanoutResult::Done(r) => format!("applied {} revision(s)", r.steps.len()),
        FanoutResult::Failed(e) => format!("FAILED: error[{}]: {}", e.code(), o.message),
        FanoutResult::NotStarted => "not started".to_owned(),
    };
    format!("[{}/{total}] {}: {what} ({} ms)", o.index + 1, o.database, o.duration.as_millis())
}

/// Runs the fan-out and prints it.
pub(crate) async fn upgrade_each(
    inv: &Invocation<'_>,
    graph: &RevisionGraph,
    args: &MoveArgs,
    file: &Path,
) -> Result<(), Failure> {
    let urls = read_urls(file)?;
    let target = parse_target(args.target.as_deref().unwrap_or("heads"))?;
    let drift = if args.allow_drift { DriftPolicy::Allow } else { DriftPolicy::Refuse };
    let options = inv.options(Duration::from_secs(args.lock_timeout), drift);
    let fanout = FanoutOptions {
        jobs: args.jobs.max(1),
        keep_going: args.keep_going,
        connect_timeout: Duration::try_from_secs_f64(inv.global.connect_timeout)
            .map_err(|_| Failure::Usage("--connect-timeout: give a number of seconds".into()))?,
    };
    let total = urls.len();
    let (json, quiet) = (inv.json(), inv.global.quiet);
    let outcomes = run_each(&urls, graph, &target, &options, fanout, |o| {
        if !json && !quiet {
            println!("{}", line(o, total));
        }
    })
    .await;
    let count = |f: fn(&FanoutResult) -> bool| outcomes.iter().filter(|o| f(&o.result)).count();
    let applied = count(|r| matches!(r, FanoutResult::Done(rep) if !rep.steps.is_empty()));
    let current = count(|r| matches!(r, FanoutResult::Done(rep) if rep.steps.is_empty()));
    let failed = count(|r| matches!(r, FanoutResult::Failed(_)));
    let not_started = count(|r| matches!(r, FanoutResult::NotStarted));
    if json {
        print_json(&json!({
            "databases": outcomes.iter().map(|o| json!({
                "database": o.database,
                "status": match &o.result {
                    FanoutResult::Done(r) if r.steps.is_empty() => "current",
                    FanoutResult::Done(_) => "applied",
                    FanoutResult::Failed(_) => "failed",
                    _ => "not-started",
                },
                "applied": match &o.result { FanoutResult::Done(r) => r.steps.len(), _ => 0 },
                "error": match &o.result {
                    FanoutResult::Failed(e) => json!({"code": e.code().as_str(), "message": o.message}),
                    _ => serde_json::Value::Null,
                },
                "duration_ms": o.duration.as_millis() as u64,
            })).collect::<Vec<_>>(),
            "applied": applied, "current": current, "failed": failed, "not_started": not_started,
        }));
    } else if !quiet || failed > 0 {
        println!(
            "\n{total} database(s): {applied} applied, {current} already current, {failed} failed, {not_started} not started"
        );
        for o in outcomes.iter().filter(|o| matches!(o.result, FanoutResult::Failed(_))) {
            println!("  failed: {}: {}", o.database, o.message);
        }
    }
    if failed > 0 {
        if json {
            return Err(Failure::Silent);
        }
        return Err(Failure::Problem(format!("{failed} of {total} database(s) failed")));
    }
    Ok(())
}
