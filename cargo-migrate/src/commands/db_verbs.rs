//! The verbs that talk to a database: `current`, `status`, `upgrade`, `downgrade` (online or
//! `--sql`), `stamp`, `resolve`, `reset`. Planning and applying are the runtime's and core's;
//! this file only gathers arguments and prints results.

use std::io::BufRead;
use std::time::Duration;

use migrate_core::{Plan, Resolved, RevisionGraph, Target, parse_target, plan_downgrade, plan_upgrade};
use migrate_runtime::engine_api;
use migrate_runtime::{AnyPool, Dialect, Options, Report, Status};
use serde_json::json;

use super::database::{connect, database_url, failure, init_logging, runtime};
use crate::cli::{DialectArg, MoveArgs, ResetArgs, ResolveArgs, StampArgs};
use crate::context::Context;
use crate::exit::Failure;

/// Up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `upgrade`.
    Upgrade,
    /// `downgrade`.
    Downgrade,
}

fn options(ctx: &Context, lock_timeout: u64, allow_drift: bool) -> Options {
    Options {
        table: ctx.package.config.table.clone(),
        lock_timeout: Duration::from_secs(lock_timeout),
        allow_drift,
        hint_command: "cargo migrate".into(),
    }
}

/// Connects and runs `f` on the pool, closing it after.
fn with_db<T>(ctx: &Context, f: impl AsyncFnOnce(&AnyPool, &str) -> Result<T, Failure>) -> Result<T, Failure> {
    let url = database_url(ctx)?;
    init_logging(ctx);
    runtime()?.block_on(async {
        let pool = connect(&url, ctx.connect_timeout).await?;
        let result = f(&pool, &url).await;
        pool.close().await;
        result
    })
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() { "base".into() } else { ids.join(", ") }
}

/// `current`: the heads of what is applied.
pub fn current(ctx: &Context) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    let status = read_status(ctx, &graph)?;
    if ctx.json() {
        crate::output::print_json(&json!({ "current": status.current, "ahead": status.ahead }));
    } else {
        println!("{}", list(&status.current));
    }
    Ok(())
}

fn read_status(ctx: &Context, graph: &RevisionGraph) -> Result<Status, Failure> {
    let opts = options(ctx, 600, false);
    with_db(ctx, async |pool, url| engine_api::status(pool.as_db(), graph, &opts).await.map_err(|e| failure(&e, url)))
}

/// `status`: current heads, pending, drift, unresolved, ahead, diverged. Exits 1 when the
/// database is not up to date (after printing why).
pub fn status(ctx: &Context) -> Result<(), Failure> {
    let graph = ctx.graph_allowing_heads()?;
    let s = read_status(ctx, &graph)?;
    print_status(ctx, &s);
    if s.is_up_to_date() { Ok(()) } else { Err(Failure::Silent) }
}

fn print_status(ctx: &Context, s: &Status) {
    if ctx.json() {
        crate::output::print_json(&status_json(s));
        return;
    }
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

/// `check --pending`: fails when anything is pending or wrong.
pub fn check_pending(ctx: &Context, graph: &RevisionGraph) -> Result<(), Failure> {
    let s = read_status(ctx, graph)?;
    if s.is_up_to_date() {
        if !ctx.quiet && !ctx.json() {
            println!("database up to date at {}", list(&s.current));
        }
        return Ok(());
    }
    print_status(ctx, &s);
    if ctx.json() {
        return Err(Failure::Silent); // the document says `"up_to_date": false`
    }
    Err(Failure::Problem(format!(
        "the database is not up to date: {} pending, {} drifted, {} unresolved, {} diverged",
        s.pending.len(),
        s.drifted.len(),
        s.unresolved.len(),
        s.diverged.len()
    )))
}

/// `upgrade` / `downgrade`, online or `--sql`.
pub fn migrate(ctx: &Context, args: &MoveArgs, verb: Verb) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    if args.sql {
        return print_script(ctx, &graph, args, verb);
    }
    let text = match (&args.target, verb) {
        (Some(t), _) => t.clone(),
        (None, Verb::Upgrade) => "heads".into(),
        (None, Verb::Downgrade) => {
            return Err(Failure::Usage("downgrade needs a target: base, an id, -1, LABEL@base".into()));
        }
    };
    let target = parse_target(&text)?;
    let opts = options(ctx, args.lock_timeout, args.allow_drift);
    let report = with_db(ctx, async |pool, url| {
        let result = match verb {
            Verb::Upgrade => engine_api::upgrade(pool.as_db(), &graph, &target, &opts).await,
            Verb::Downgrade => engine_api::downgrade(pool.as_db(), &graph, &target, &opts).await,
        };
        result.map_err(|e| failure(&e, url))
    })?;
    print_report(ctx, &report, verb);
    Ok(())
}

fn print_report(ctx: &Context, report: &Report, verb: Verb) {
    if ctx.json() {
        crate::output::print_json(&json!({
            "steps": report.steps.iter().map(|s| json!({"revision": s.revision, "message": s.message, "duration_ms": s.duration.as_millis() as u64})).collect::<Vec<_>>(),
            "before": report.before,
            "after": report.after,
            "ahead": report.ahead,
        }));
        return;
    }
    if ctx.quiet {
        return;
    }
    let done = if verb == Verb::Upgrade { "applied" } else { "reverted" };
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

/// The dialect for `--sql`: `--dialect`, else the URL's, else SQLite.
fn script_dialect(ctx: &Context, arg: Option<DialectArg>) -> Dialect {
    match arg {
        Some(DialectArg::Postgres) => Dialect::Postgres,
        Some(DialectArg::Mysql) => Dialect::MySql,
        Some(DialectArg::Sqlite) => Dialect::Sqlite,
        None => database_url(ctx).ok().and_then(|u| Dialect::from_url(&u)).unwrap_or(Dialect::Sqlite),
    }
}

/// `--sql [FROM:]TO`: the plan from FROM (default: nothing applied for an upgrade, every head
/// for a downgrade) to TO, as a script. No connection is made.
fn print_script(ctx: &Context, graph: &RevisionGraph, args: &MoveArgs, verb: Verb) -> Result<(), Failure> {
    let text =
        args.target.clone().unwrap_or_else(|| if verb == Verb::Upgrade { "heads".into() } else { "base".into() });
    let (from, to) = match text.split_once(':') {
        Some((from, to)) => (Some(from.to_owned()), to.to_owned()),
        None => (None, text),
    };
    let from = match (from, verb) {
        (Some(f), _) if !f.is_empty() => graph.resolve(&parse_target(&f)?, &[])?,
        (_, Verb::Upgrade) => Resolved::Base,
        (_, Verb::Downgrade) => Resolved::Nodes(graph.heads().to_vec()),
    };
    let applied = match &from {
        Resolved::Nodes(nodes) => graph.ancestors(nodes, true),
        _ => vec![false; graph.len()],
    };
    let to: Target = parse_target(&to)?;
    let resolved = graph.resolve(&to, &graph.heads_of(&applied))?;
    let plan: Plan = match verb {
        Verb::Upgrade => plan_upgrade(graph, &applied, &resolved),
        Verb::Downgrade => plan_downgrade(graph, &applied, &resolved),
    }
    .map_err(|e| Failure::Problem(e.to_string()))?;
    let dialect = script_dialect(ctx, args.dialect);
    // MySQL: the database a `USE` in a revision must switch back from, if a URL names it.
    let url = crate::commands::database::database_url(ctx).ok();
    let database = url.as_deref().and_then(mysql_database);
    let script = migrate_runtime::script(graph, &plan, dialect, &ctx.package.config.table, database)
        .map_err(|e| Failure::Problem(e.to_string()))?;
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

/// `stamp TARGET [--purge]`.
pub fn stamp(ctx: &Context, args: &StampArgs) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    let target = parse_target(&args.target)?;
    let opts = options(ctx, 600, false);
    let report = with_db(ctx, async |pool, url| {
        engine_api::stamp(pool.as_db(), &graph, &target, args.purge, &opts).await.map_err(|e| failure(&e, url))
    })?;
    if ctx.json() {
        crate::output::print_json(&json!({"before": report.before, "after": report.after}));
    } else if !ctx.quiet {
        println!("stamped: {} -> {} (nothing ran)", list(&report.before), list(&report.after));
    }
    Ok(())
}

/// `resolve REV --applied|--rolled-back`.
pub fn resolve(ctx: &Context, args: &ResolveArgs) -> Result<(), Failure> {
    let opts = options(ctx, 600, false);
    with_db(ctx, async |pool, url| {
        engine_api::resolve(pool.as_db(), &args.revision, args.applied, &opts).await.map_err(|e| failure(&e, url))
    })?;
    if !ctx.quiet {
        println!(
            "resolved {}: {}",
            args.revision,
            if args.applied { "marked applied" } else { "row removed; it will run again" }
        );
    }
    Ok(())
}

/// `true` for a URL whose host is this machine (or a SQLite file).
fn is_local(url: &str) -> bool {
    if Dialect::from_url(url) == Some(Dialect::Sqlite) {
        return true;
    }
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return false };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    matches!(host, "" | "localhost" | "127.0.0.1" | "::1") || host.starts_with("127.")
}

/// `reset`: development only.
pub fn reset(ctx: &Context, args: &ResetArgs) -> Result<(), Failure> {
    let graph = ctx.valid_graph()?;
    let url = database_url(ctx)?;
    let shown = migrate_runtime::redact_url(&url);
    if !is_local(&url) && !args.force {
        return Err(Failure::Problem(format!(
            "refusing to reset `{shown}`: it is not on this machine (pass --force if you really mean it)"
        )));
    }
    if !args.yes {
        eprint!("reset `{shown}`: revert every revision and apply them again? type `yes`: ");
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Failure::Problem(format!("cannot read the answer: {e}")))?;
        if answer.trim() != "yes" {
            return Err(Failure::Problem("reset cancelled".into()));
        }
    }
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let file = path.split('?').next().unwrap_or(path);
        for suffix in ["", "-wal", "-shm"] {
            match std::fs::remove_file(format!("{file}{suffix}")) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Failure::Problem(format!("cannot remove `{file}{suffix}`: {e}"))),
            }
        }
    }
    let opts = options(ctx, 600, false);
    let report = with_db(ctx, async |pool, url| {
        if pool.as_db().dialect() != Dialect::Sqlite {
            engine_api::downgrade(pool.as_db(), &graph, &Target::Base, &opts).await.map_err(|e| failure(&e, url))?;
        }
        engine_api::upgrade(pool.as_db(), &graph, &Target::Heads, &opts).await.map_err(|e| failure(&e, url))
    })?;
    print_report(ctx, &report, Verb::Upgrade);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn local_hosts() {
        assert!(is_local("sqlite://dev.db"));
        assert!(is_local("postgres://u:p@localhost/db"));
        assert!(is_local("mysql://root@127.0.0.1:3306/test"));
        assert!(is_local("postgres://[::1]:5432/db"));
        assert!(!is_local("postgres://u:p@db.example.com/prod"));
        assert!(!is_local("mysql://10.0.0.5/prod"));
    }
}
