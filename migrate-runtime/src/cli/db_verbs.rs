//! The verbs that talk to a database: `current`, `status`, `check [--pending]`, `upgrade`,
//! `downgrade` (online or `--sql`, which never connects), `stamp`, `resolve`. Planning and
//! applying are the engine's and core's; this file gathers arguments and prints results.

use std::time::Duration;

use migrate_core::{
    Intent, Node, Plan, Resolved, RevisionGraph, RevisionId, parse_target, plan_downgrade, plan_upgrade,
};
use serde_json::json;

use super::args::{CheckArgs, DialectArg, MoveArgs, ResolveArgs, StampArgs};
use super::output::print_json;
use super::{Failure, GraphUse, Invocation};
use crate::backend::AnyPool;
use crate::dialect::Dialect;
use crate::engine::{self, DriftPolicy, Report, Resolution, StampMode};
use crate::history::Status;

/// Up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Upgrade,
    Downgrade,
}

/// The lock timeout of verbs that take no `--lock-timeout`.
const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(600);

/// Resolves the URL, says which database at `-v`, connects within `--connect-timeout`, runs
/// `f` and closes the pool. Errors carry their code with the password redacted.
///
/// # Errors
/// No URL, a bad `--connect-timeout`, a connection that fails or times out, and `f`'s errors.
pub async fn with_database<T>(
    inv: &Invocation<'_>,
    f: impl AsyncFnOnce(&AnyPool) -> Result<T, crate::error::MigrateError>,
) -> Result<T, Failure> {
    let url = inv.database_url()?;
    if inv.global.verbose > 0 {
        eprintln!("database: {url}");
    }
    let timeout = Duration::try_from_secs_f64(inv.global.connect_timeout)
        .map_err(|_| Failure::Usage("--connect-timeout: give a number of seconds".into()))?;
    let pool = AnyPool::connect_timeout(url.as_str(), timeout)
        .await
        .map_err(|e| Failure::from_error(&e, Some(url.as_str())))?;
    let result = f(&pool).await;
    pool.close().await;
    result.map_err(|e| Failure::from_error(&e, Some(url.as_str())))
}

fn list(ids: &[RevisionId]) -> String {
    if ids.is_empty() { "base".into() } else { ids.iter().map(RevisionId::as_str).collect::<Vec<_>>().join(", ") }
}

pub(crate) async fn read_status(inv: &Invocation<'_>, graph: &RevisionGraph) -> Result<Status, Failure> {
    let opts = inv.options(DEFAULT_LOCK_TIMEOUT, DriftPolicy::Refuse);
    with_database(inv, async |pool| engine::status(pool.as_db(), graph, &opts).await).await
}

/// `current`: what is applied, as Alembic lists it — the tip of each applied branch, a head
/// that a later applied revision depends on marked `(effective head)`; `-v` in Alembic's
/// verbose layout under `Current revision(s) for URL:` (password redacted).
pub(crate) async fn current(inv: &Invocation<'_>) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let status = read_status(inv, &graph).await?;
    let heads: Vec<Node> = status.current.iter().filter_map(|id| graph.node(id.as_str())).collect();
    let tips = graph.applied_branch_heads(&graph.ancestors(&heads, true));
    if inv.json() {
        let tips: Vec<&str> = tips.iter().map(|&n| graph.revision(n).id.as_str()).collect();
        print_json(&json!({ "current": status.current, "branch_heads": tips, "ahead": status.ahead }));
        return Ok(());
    }
    if inv.global.verbose > 0 {
        let url = inv.database_url()?;
        println!("Current revision(s) for {url}:");
    }
    for &n in &tips {
        if inv.global.verbose > 0 {
            println!("{}", super::describe::verbose(&graph, n, false));
        } else {
            println!("{}", super::describe::bare(&graph, n));
        }
    }
    if tips.is_empty() && !inv.global.quiet {
        println!("base (nothing applied)");
    }
    for id in &status.ahead {
        println!("{id} (not in these files: applied by a newer version)");
    }
    Ok(())
}

/// `status`: current heads, pending, drift, unresolved, ahead, diverged; with `-v` the history
/// table's rows. Exits 1 when the database is not up to date (after printing why).
pub(crate) async fn status(inv: &Invocation<'_>) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Read)?;
    let opts = inv.options(DEFAULT_LOCK_TIMEOUT, DriftPolicy::Refuse);
    let rows = inv.global.verbose > 0;
    let (s, rows) = with_database(inv, async |pool| {
        let s = engine::status(pool.as_db(), &graph, &opts).await?;
        let rows = if rows { engine::history(pool.as_db(), &opts).await? } else { Vec::new() };
        Ok((s, rows))
    })
    .await?;
    if inv.json() {
        let mut doc = status_json(&s);
        if inv.global.verbose > 0 {
            doc["rows"] = rows.iter().map(row_json).collect();
        }
        print_json(&doc);
    } else {
        print_status(&s);
        if !rows.is_empty() {
            println!("\napplied_at revision state duration_ms message");
            for r in &rows {
                println!("{} {} {} {} {}", r.applied_at, r.revision, r.state.as_str(), r.duration_ms, r.message);
            }
        }
    }
    if s.is_up_to_date() { Ok(()) } else { Err(Failure::Silent) }
}

fn row_json(r: &crate::history::HistoryRow) -> serde_json::Value {
    json!({
        "revision": r.revision,
        "state": r.state.as_str(),
        "applied_at": r.applied_at,
        "duration_ms": r.duration_ms,
        "message": r.message,
    })
}

fn print_status(s: &Status) {
    println!("current: {}", list(&s.current));
    println!(
        "pending: {}",
        if s.pending.is_empty() { "none".into() } else { format!("{} ({})", s.pending.len(), s.pending.join(", ")) }
    );
    for d in &s.drifted {
        println!("drifted: {} ({}) changed since it was applied", d.revision, d.path);
    }
    for u in &s.unresolved {
        println!(
            "unresolved: {} is {}{}",
            u.revision,
            u.state.as_str(),
            u.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
        );
    }
    if !s.ahead.is_empty() {
        println!("ahead: the database has {} revision(s) these files do not: {}", s.ahead.len(), s.ahead.join(", "));
    }
    if !s.diverged.is_empty() {
        println!(
            "diverged: {} applied revision(s) are not in these files and not after their head",
            s.diverged.join(", ")
        );
    }
}

fn status_json(s: &Status) -> serde_json::Value {
    json!({
        "current": s.current,
        "pending": s.pending,
        "drifted": s.drifted.iter().map(|d| json!({"revision": d.revision, "path": d.path})).collect::<Vec<_>>(),
        "unresolved": s.unresolved.iter().map(|u| json!({"revision": u.revision, "state": u.state.as_str(), "error": u.error})).collect::<Vec<_>>(),
        "ahead": s.ahead,
        "diverged": s.diverged,
        "up_to_date": s.is_up_to_date(),
    })
}

/// `check [--pending]` of the embedded revisions (checked when the binary was built): the
/// summary, then with `--pending` the deploy gate. `cargo migrate check` validates the files
/// itself and calls [`check_pending`].
pub(crate) async fn check(inv: &Invocation<'_>, args: &CheckArgs) -> Result<(), Failure> {
    if args.schema {
        return Err(Failure::Usage(format!(
            "{} has no schema file to compare with: `cargo migrate check --schema` does it in the package",
            inv.program
        )));
    }
    let graph = inv.revisions.graph(GraphUse::Migrate)?;
    if args.pending {
        return check_pending(inv, &graph).await;
    }
    if inv.json() {
        print_json(&json!({"ok": true, "revisions": graph.len(), "heads": graph.heads().len(), "diagnostics": []}));
    } else if !inv.global.quiet {
        println!("ok: {} revision(s), {} head(s) {}", graph.len(), graph.heads().len(), inv.revisions.origin());
    }
    Ok(())
}

/// `check --pending`: connects and fails (exit 1) when anything is pending, drifted,
/// unresolved or diverged, printing the status.
///
/// # Errors
/// [`Failure::Problem`] (or [`Failure::Silent`] with `--format json`, whose document says
/// `"up_to_date": false`) when the database is not up to date; connection errors.
pub async fn check_pending(inv: &Invocation<'_>, graph: &RevisionGraph) -> Result<(), Failure> {
    let s = read_status(inv, graph).await?;
    if s.is_up_to_date() {
        if inv.json() {
            print_json(&status_json(&s));
        } else if !inv.global.quiet {
            println!("database up to date at {}", list(&s.current));
        }
        return Ok(());
    }
    if inv.json() {
        print_json(&status_json(&s));
        return Err(Failure::Silent);
    }
    print_status(&s);
    Err(Failure::Problem(format!(
        "the database is not up to date: {} pending, {} drifted, {} unresolved, {} diverged",
        s.pending.len(),
        s.drifted.len(),
        s.unresolved.len(),
        s.diverged.len()
    )))
}

/// `upgrade` / `downgrade`, online or `--sql`.
pub(crate) async fn migrate(inv: &Invocation<'_>, args: &MoveArgs, verb: Verb) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Migrate)?;
    if args.sql {
        return print_script(inv, &graph, args, verb);
    }
    if let Some(file) = &args.each {
        if verb == Verb::Downgrade {
            return Err(Failure::Usage("--each upgrades; downgrade one database at a time".into()));
        }
        return super::each::upgrade_each(inv, &graph, args, file).await;
    }
    let text = match (&args.target, verb) {
        (Some(t), _) => t.clone(),
        (None, Verb::Upgrade) => "heads".into(),
        (None, Verb::Downgrade) => {
            return Err(Failure::Usage("downgrade needs a target: base, an id, -1, LABEL@base".into()));
        }
    };
    let target = parse_target(&text)?;
    let opts = inv.options(
        Duration::from_secs(args.lock_timeout),
        if args.allow_drift { DriftPolicy::Allow } else { DriftPolicy::Refuse },
    );
    let report = with_database(inv, async |pool| match verb {
        Verb::Upgrade => engine::upgrade(pool.as_db(), &graph, &target, &opts).await,
        Verb::Downgrade => engine::downgrade(pool.as_db(), &graph, &target, &opts).await,
    })
    .await?;
    print_report(inv, &report, verb == Verb::Upgrade);
    Ok(())
}

/// Prints what an upgrade (`up`) or downgrade did: one line, or JSON.
pub fn print_report(inv: &Invocation<'_>, report: &Report, up: bool) {
    if inv.json() {
        print_json(&json!({
            "steps": report.steps.iter().map(|s| json!({"revision": s.revision, "message": s.message, "duration_ms": s.duration.as_millis() as u64})).collect::<Vec<_>>(),
            "before": report.before,
            "after": report.after,
            "ahead": report.ahead,
        }));
        return;
    }
    if inv.global.quiet {
        return;
    }
    let done = if up { "applied" } else { "reverted" };
    if report.steps.is_empty() {
        println!("nothing to do: at {}", list(&report.before));
    } else {
        let total: Duration = report.steps.iter().map(|s| s.duration).sum();
        println!(
            "{done} {} revision(s) in {} ms: {} -> {}",
            report.steps.len(),
            total.as_millis(),
            list(&report.before),
            list(&report.after)
        );
    }
    if !report.ahead.is_empty() {
        eprintln!("warning: the database has revision(s) these files do not: {}", report.ahead.join(", "));
    }
}

/// `--sql [FROM:]TO`: the plan from FROM to TO, as a script in `--dialect` (else the URL's,
/// else SQLite). No connection is made; the URL, when one resolves, only names the dialect and
/// MySQL's database. As in Alembic, an upgrade starts from base unless FROM is given (`FROM:`
/// upgrades to every head), and a downgrade needs FROM:TO: there are no current heads to read.
fn print_script(inv: &Invocation<'_>, graph: &RevisionGraph, args: &MoveArgs, verb: Verb) -> Result<(), Failure> {
    let text = args.target.clone().unwrap_or_else(|| "heads".into());
    let (from, to) = match text.split_once(':') {
        Some((from, to)) => (Some(from.trim().to_owned()), to.trim().to_owned()),
        None => (None, text),
    };
    let from: Vec<Node> = match (from, verb) {
        (Some(f), _) if !f.is_empty() => match graph.resolve(&parse_target(&f)?, &[], Intent::Name)? {
            Resolved::Nodes(nodes) => nodes,
            Resolved::Branch { at, .. } => at.into_iter().collect(),
            Resolved::Base => Vec::new(),
        },
        (_, Verb::Upgrade) => Vec::new(),
        (_, Verb::Downgrade) => {
            return Err(Failure::Usage(format!(
                "downgrade --sql needs FROM:TO (e.g. `heads:base`, `head:-1`, `{}:base`): with --sql there is no database to read the current heads from",
                graph.heads().first().map_or("REV".to_owned(), |&h| graph.revision(h).id.to_string())
            )));
        }
    };
    let to = match (to.as_str(), verb) {
        ("", Verb::Upgrade) => "heads".to_owned(),
        ("", Verb::Downgrade) => {
            return Err(Failure::Usage("downgrade --sql FROM:TO: TO is missing (e.g. `base`)".into()));
        }
        _ => to,
    };
    let applied = graph.ancestors(&from, true);
    let intent = if verb == Verb::Upgrade { Intent::Upgrade } else { Intent::Downgrade };
    let resolved = graph.resolve(&parse_target(&to)?, &from, intent)?;
    let plan: Plan = match verb {
        Verb::Upgrade => plan_upgrade(graph, &applied, &resolved),
        Verb::Downgrade => plan_downgrade(graph, &applied, &resolved),
    }
    .map_err(|e| Failure::Problem(e.to_string()))?;
    let url = inv.database_url().ok();
    let dialect = match args.dialect {
        Some(DialectArg::Postgres) => Dialect::Postgres,
        Some(DialectArg::Mysql) => Dialect::MySql,
        Some(DialectArg::Sqlite) => Dialect::Sqlite,
        None => url.as_ref().and_then(|u| Dialect::from_url(u.as_str())).unwrap_or(Dialect::Sqlite),
    };
    // MySQL: the database a `USE` in a revision must switch back to, if a URL names it.
    let database = url.as_ref().and_then(|u| mysql_database(u.as_str()));
    let script = crate::script::script(graph, &plan, dialect, &inv.table, database, &inv.revisions.app_command())
        .map_err(|e| Failure::from_error(&e, url.as_ref().map(|u| u.as_str())))?;
    print!("{script}");
    Ok(())
}

/// The database named by the path of a `mysql://` or `mariadb://` URL.
fn mysql_database(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("mysql://").or_else(|| url.strip_prefix("mariadb://"))?;
    let path = rest.split_once('/')?.1;
    let name = path.split('?').next().unwrap_or_default();
    (!name.is_empty()).then_some(name)
}

/// `stamp TARGET... [--purge]`.
pub(crate) async fn stamp(inv: &Invocation<'_>, args: &StampArgs) -> Result<(), Failure> {
    let graph = inv.revisions.graph(GraphUse::Migrate)?;
    let targets = args.target.iter().map(|t| parse_target(t)).collect::<Result<Vec<_>, _>>()?;
    let opts = inv.options(DEFAULT_LOCK_TIMEOUT, DriftPolicy::Refuse);
    let report = with_database(inv, async |pool| {
        engine::stamp(
            pool.as_db(),
            &graph,
            &targets,
            if args.purge { StampMode::Purge } else { StampMode::Update },
            &opts,
        )
        .await
    })
    .await?;
    if inv.json() {
        print_json(&json!({"before": report.before, "after": report.after}));
    } else if !inv.global.quiet {
        println!("stamped: {} -> {} (nothing ran)", list(&report.before), list(&report.after));
    }
    Ok(())
}

/// `resolve REV --applied|--rolled-back`.
pub(crate) async fn resolve(inv: &Invocation<'_>, args: &ResolveArgs) -> Result<(), Failure> {
    let resolution = if args.applied { Resolution::Applied } else { Resolution::RolledBack };
    let opts = inv.options(DEFAULT_LOCK_TIMEOUT, DriftPolicy::Refuse);
    with_database(inv, async |pool| engine::resolve(pool.as_db(), &args.revision, resolution, &opts).await).await?;
    if inv.json() {
        print_json(
            &json!({"revision": args.revision, "resolved": if args.applied { "applied" } else { "rolled-back" }}),
        );
    } else if !inv.global.quiet {
        println!(
            "resolved {}: {}",
            args.revision,
            if args.applied { "marked applied" } else { "row removed; it will run again" }
        );
    }
    Ok(())
}
