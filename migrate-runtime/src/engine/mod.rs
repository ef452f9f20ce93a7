//! The engine: upgrade, downgrade, stamp, resolve and status of a revision graph against a
//! database. Planning is `migrate_core::plan`; our SQL is `table`; the lock is `lock`; the
//! session's context is `session`. This file decides the order of things: read the history
//! once; return at once when nothing is to be done (no lock, no write); otherwise lock, create
//! the tables, re-read, apply (`apply`), write the summary (`record`), release.

mod apply;
mod record;
mod transaction;

use std::time::Duration;

use migrate_core::{Intent, Node, Plan, RevisionGraph, RevisionId, Target, plan_downgrade, plan_upgrade};

use crate::backend::{Conn, DbPool};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;
use crate::fastpath::FastPath;
use crate::history::{HistoryRow, Status, analyze, applied_set};
use crate::lock::{self, Acquired, LockGuard, LockStrategy, UntilLocked, Waiting};
use crate::session::Session;
use crate::summary::Expected;
use crate::table::HistoryTable;

pub use apply::Step;
pub(crate) use apply::section_statements;
use record::{ensure_tables, read_history, write_summary};
pub use record::{history, resolve, stamp};

/// What to do when an applied revision's up section changed since it was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DriftPolicy {
    /// Refuse to migrate (the default): restore the file, or move the change to a new revision.
    #[default]
    Refuse,
    /// Go on (`--allow-drift`); the drift stays visible in `status`.
    Allow,
}

/// What `stamp` does with the rows already recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StampMode {
    /// Record the target's lineage beside what is there, on the target's branch (Alembic's
    /// `stamp`).
    #[default]
    Update,
    /// Empty the history table first (Alembic's `stamp --purge`).
    Purge,
}

/// How a revision left `started` or `failed` was settled by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// It did complete: mark it applied.
    Applied,
    /// It was undone: remove its row, so it runs again.
    RolledBack,
}

/// How much one transaction holds (PostgreSQL and SQLite; MySQL commits DDL implicitly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransactionMode {
    /// Each revision with its history row (the default): a failure keeps what was applied before.
    #[default]
    Revision,
    /// Every pending revision and its history row in one transaction (Alembic's default): a
    /// deploy applies everything or nothing. Refused on MySQL/MariaDB and when a pending revision
    /// is `transaction: false`.
    Run,
}

/// How a migration behaves: the history table, the lock timeout, drift, the command hints
/// name. Built from [`Options::default`] with the `with_*` methods.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The history table (`name` or `schema.name`).
    pub table: String,
    /// How long to wait for another process's migration lock (default 10 minutes).
    pub lock_timeout: Duration,
    /// Refuse (default) or allow drift.
    pub drift: DriftPolicy,
    /// The command shown in hints for `resolve` (default `cargo migrate`).
    pub hint_command: String,
    /// Which migration lock to take (default `auto`).
    pub lock: LockStrategy,
    /// How long a lease lasts without renewal (default 30 s; renewed every third of it).
    pub lease_ttl: Duration,
    /// One transaction per revision (default) or one for the whole run.
    pub transaction: TransactionMode,
    /// The compiled-in functions of the Rust revisions (empty for `cargo migrate`, which then
    /// refuses a plan with a Rust revision before anything runs).
    pub rust: &'static [crate::rust::RustRevision],
    /// The application's command that runs Rust revisions, for that refusal
    /// (`myapp migrate`; `cargo migrate` sets `<package> migrate`).
    pub app_command: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            table: migrate_core::DEFAULT_TABLE.into(),
            lock_timeout: Duration::from_secs(600),
            drift: DriftPolicy::Refuse,
            hint_command: "cargo migrate".into(),
            lock: LockStrategy::Auto,
            lease_ttl: Duration::from_secs(30),
            transaction: TransactionMode::Revision,
            rust: &[],
            app_command: "myapp migrate".into(),
        }
    }
}

impl Options {
    /// With this history table (`name` or `schema.name`; checked when an operation starts).
    pub fn with_table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// With this lock timeout.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// With this drift policy.
    pub fn with_drift(mut self, drift: DriftPolicy) -> Self {
        self.drift = drift;
        self
    }

    /// With this lock strategy.
    pub fn with_lock(mut self, lock: LockStrategy) -> Self {
        self.lock = lock;
        self
    }

    /// With this lease time to live (at least a second).
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_secs(1));
        self
    }

    /// With this transaction mode.
    pub fn with_transaction(mut self, mode: TransactionMode) -> Self {
        self.transaction = mode;
        self
    }

    /// With this command in hints (`myapp migrate`).
    pub fn with_hint_command(mut self, command: impl Into<String>) -> Self {
        self.hint_command = command.into();
        self
    }

    /// With these compiled-in Rust revisions (what `embed_migrations!` embeds).
    pub fn with_rust(mut self, rust: &'static [crate::rust::RustRevision]) -> Self {
        self.rust = rust;
        self
    }

    /// With this command named when a Rust revision cannot run here (`myapp migrate`).
    pub fn with_app_command(mut self, command: impl Into<String>) -> Self {
        self.app_command = command.into();
        self
    }
}

/// What a migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions run, in order (up or down).
    pub steps: Vec<Step>,
    /// The current heads before.
    pub before: Vec<migrate_core::RevisionId>,
    /// The current heads after.
    pub after: Vec<migrate_core::RevisionId>,
    /// Applied revisions this binary does not know (a newer binary ran): allowed, logged.
    pub ahead: Vec<migrate_core::RevisionId>,
    /// `false` when the fast path answered: nothing to do, no lock taken, nothing written.
    pub locked: bool,
}

/// Which way to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Upgrade,
    Downgrade,
}

impl Verb {
    fn direction(self) -> &'static str {
        match self {
            Verb::Upgrade => "up",
            Verb::Downgrade => "down",
        }
    }
}

/// Checks the options and takes a connection: every operation starts here, so a bad history
/// table name is refused before any SQL runs.
async fn open(pool: DbPool<'_>, options: &Options) -> Result<Conn, MigrateError> {
    migrate_core::check_table_name(&options.table)
        .map_err(|why| MigrateError::TableName { name: options.table.clone(), why })?;
    Conn::acquire(pool).await
}

/// Reads the session's context and takes the lock: the history table is then named qualified.
async fn locked_session(pool: DbPool<'_>, options: &Options) -> Result<(LockGuard, HistoryTable), MigrateError> {
    let mut conn = open(pool, options).await?;
    let session = Session::capture(&mut conn, &options.table).await?;
    let table = HistoryTable::new(conn.dialect(), session.table());
    match take_lock(conn, pool, session.table(), options, &mut UntilLocked).await? {
        Acquired::Held(guard) => Ok((guard, table)),
        Acquired::Done => unreachable!("`done` never says so here"),
    }
}

/// A waiter's question: does the summary now say that everything `expected` holds is applied?
struct SummarySays<'x> {
    expected: Option<&'x Expected>,
    table: &'x HistoryTable,
}

impl Waiting for SummarySays<'_> {
    fn done<'a>(
        &'a mut self,
        conn: &'a mut Conn,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<bool, MigrateError>> + Send + 'a>> {
        Box::pin(async move {
            Ok(match self.expected {
                Some(e) => matches!(crate::fastpath::check(conn, e, self.table).await?, FastPath::UpToDate(_)),
                None => false,
            })
        })
    }
}

/// Takes the lock the options ask for on `conn` for the (qualified) history table, or stops
/// waiting when `done` says another process did the work.
async fn take_lock(
    conn: Conn,
    pool: DbPool<'_>,
    table: &str,
    options: &Options,
    done: &mut dyn Waiting,
) -> Result<Acquired, MigrateError> {
    lock::acquire(conn, pool, table, options.lock, options.lock_timeout, options.lease_ttl, done).await
}

/// SQLite has no session lock: a `started` row may belong to another process running a
/// `transaction: false` revision right now. Re-reads the history until no row is `started` (or
/// the lock timeout passes; the caller then refuses with the `resolve` hint, as for a crash).
async fn wait_for_started_rows(
    conn: &mut Conn,
    table: &HistoryTable,
    options: &Options,
) -> Result<Vec<HistoryRow>, MigrateError> {
    let started = std::time::Instant::now();
    let mut logged = started;
    loop {
        let rows = read_history(conn, table).await?;
        let running: Vec<&str> =
            rows.iter().filter(|r| r.state == crate::history::State::Started).map(|r| r.revision.as_str()).collect();
        if running.is_empty() || started.elapsed() >= options.lock_timeout {
            return Ok(rows);
        }
        if logged.elapsed() >= Duration::from_secs(10) {
            tracing::warn!(
                revisions = ?running,
                waited_s = started.elapsed().as_secs(),
                "waiting for a revision another process runs outside a transaction (after a crash, this ends at the lock timeout with the `resolve` hint)"
            );
            logged = std::time::Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn heads(graph: &RevisionGraph, applied: &[bool]) -> Vec<RevisionId> {
    ids(graph, &graph.heads_of(applied))
}

fn ids(graph: &RevisionGraph, nodes: &[Node]) -> Vec<RevisionId> {
    nodes.iter().map(|&n| graph.revision(n).id.clone()).collect()
}

/// The status of the database against `graph`: one query, no lock, no write.
///
/// # Errors
/// A database error, or a history row this version cannot read.
pub async fn status(pool: DbPool<'_>, graph: &RevisionGraph, options: &Options) -> Result<Status, MigrateError> {
    let graph = &*graph.on_dialect(pool.dialect());
    let mut conn = open(pool, options).await?;
    let table = HistoryTable::new(conn.dialect(), &options.table);
    let rows = read_history(&mut conn, &table).await?;
    Ok(analyze(graph, &rows))
}

/// Whether the database holds exactly `graph`'s revisions, all applied with their checksums,
/// as the history's summary says (the boot fast path: one statement reading one row).
/// `Some(current heads)` when it does; `None` when it does not or there is no summary yet.
///
/// # Errors
/// A database error.
pub async fn up_to_date(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    options: &Options,
) -> Result<Option<Vec<RevisionId>>, MigrateError> {
    let graph = &*graph.on_dialect(pool.dialect());
    let mut conn = open(pool, options).await?;
    let table = HistoryTable::new(conn.dialect(), &options.table);
    crate::fastpath::up_to_date(&mut conn, &Expected::of_graph(graph), &table).await
}

/// Refuses to go on past drift, unresolved rows or divergence.
fn check_consistent(status: &Status, options: &Options) -> Result<(), MigrateError> {
    if !status.unresolved.is_empty() {
        return Err(MigrateError::Unresolved {
            rows: status.unresolved.clone(),
            command: options.hint_command.clone(),
        });
    }
    if !status.drifted.is_empty() && options.drift == DriftPolicy::Refuse {
        return Err(MigrateError::Drift(status.drifted.clone()));
    }
    if !status.diverged.is_empty() {
        return Err(MigrateError::Diverged(status.diverged.clone()));
    }
    if !status.ahead.is_empty() {
        tracing::warn!(ahead = ?status.ahead, "the database has revisions this binary does not know (a newer binary migrated it); going on");
    }
    Ok(())
}

/// What a run moves the database to: a target, or one revision exactly (the stairway of
/// `cargo migrate test`).
#[derive(Clone, Copy)]
enum Goal<'a> {
    Target(&'a Target),
    Only(Node),
}

fn make_plan(graph: &RevisionGraph, rows: &[HistoryRow], goal: Goal<'_>, verb: Verb) -> Result<Plan, MigrateError> {
    let applied = applied_set(graph, rows);
    let target = match goal {
        Goal::Target(target) => target,
        Goal::Only(node) => return plan_only(graph, &applied, node, verb),
    };
    let intent = if verb == Verb::Upgrade { Intent::Upgrade } else { Intent::Downgrade };
    let resolved = graph.resolve(target, &graph.heads_of(&applied), intent)?;
    Ok(match verb {
        Verb::Upgrade => plan_upgrade(graph, &applied, &resolved)?,
        Verb::Downgrade => plan_downgrade(graph, &applied, &resolved)?,
    })
}

/// One revision up (its parents and dependencies applied, itself not) or down (itself applied,
/// nothing applied depending on it).
fn plan_only(graph: &RevisionGraph, applied: &[bool], node: Node, verb: Verb) -> Result<Plan, MigrateError> {
    let r = graph.revision(node);
    let needs = graph.parents(node).iter().chain(graph.dependencies(node));
    let blocked = match verb {
        Verb::Upgrade if applied[node] => Some("it is applied already".to_owned()),
        Verb::Upgrade => {
            needs.filter(|&&p| !applied[p]).map(|&p| format!("`{}` is not applied", graph.revision(p).id)).next()
        }
        Verb::Downgrade if !applied[node] => Some("it is not applied".to_owned()),
        Verb::Downgrade => (0..graph.len())
            .find(|&n| applied[n] && (graph.parents(n).contains(&node) || graph.dependencies(n).contains(&node)))
            .map(|n| format!("`{}` depends on it and is applied", graph.revision(n).id)),
    };
    if let Some(why) = blocked {
        return Err(MigrateError::Usage(format!("cannot run revision `{}` alone: {why}", r.id)));
    }
    if verb == Verb::Downgrade && r.down.is_none() {
        return Err(MigrateError::Plan(migrate_core::PlanError::Irreversible {
            revision: r.id.to_string(),
            path: r.source.path.clone(),
        }));
    }
    let direction = if verb == Verb::Upgrade { migrate_core::Direction::Up } else { migrate_core::Direction::Down };
    Ok(Plan { direction, steps: vec![node] })
}

/// Runs exactly one revision, up or down, under the lock and with its history row, as an
/// upgrade or downgrade would run it (the stairway of `cargo migrate test`).
///
/// # Errors
/// As [`upgrade`]; a revision whose parents are not applied (up), that is not applied or has
/// an applied dependent (down), or that has no down section there.
pub(crate) async fn run_only(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    node: Node,
    up: bool,
    options: &Options,
) -> Result<Report, MigrateError> {
    let graph = &*graph.on_dialect(pool.dialect());
    let conn = open(pool, options).await?;
    let verb = if up { Verb::Upgrade } else { Verb::Downgrade };
    after_fast_path(conn, pool, graph, Goal::Only(node), options, verb, None).await
}

/// Upgrades to `target`.
///
/// # Errors
/// Drift, unresolved rows or divergence; a target that does not resolve; SQL that cannot be
/// split; the lock; a failing statement (named with its revision, file and line).
pub async fn upgrade(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    target: &Target,
    options: &Options,
) -> Result<Report, MigrateError> {
    migrate(pool, graph, target, options, Verb::Upgrade).await
}

/// Downgrades to `target`.
///
/// # Errors
/// As [`upgrade`]; an irreversible revision on the way.
pub async fn downgrade(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    target: &Target,
    options: &Options,
) -> Result<Report, MigrateError> {
    migrate(pool, graph, target, options, Verb::Downgrade).await
}

async fn migrate(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    target: &Target,
    options: &Options,
    verb: Verb,
) -> Result<Report, MigrateError> {
    // What runs, is recorded and is compared for drift is what this database's dialect runs.
    let graph = &*graph.on_dialect(pool.dialect());
    let mut conn = open(pool, options).await?;
    let fast = verb == Verb::Upgrade
        && (*target == Target::HEADS || (*target == Target::HEAD && graph.heads().len() == 1))
        && !graph.is_empty();
    let expected = fast.then(|| Expected::of_graph(graph));
    if let Some(expected) = &expected
        && let Some(report) = fast_path(&mut conn, expected, options).await?
    {
        return Ok(report);
    }
    after_fast_path(conn, pool, graph, Goal::Target(target), options, verb, expected).await
}

/// The boot fast path: one statement reading the summary row. A report when the history is
/// exactly `expected`, applied.
async fn fast_path(conn: &mut Conn, expected: &Expected, options: &Options) -> Result<Option<Report>, MigrateError> {
    let table = HistoryTable::new(conn.dialect(), &options.table);
    Ok(match crate::fastpath::check(conn, expected, &table).await? {
        FastPath::UpToDate(current) => Some(Report { before: current.clone(), after: current, ..Report::default() }),
        // No summary, or one that does not match although the rows say up to date (an offline
        // script ran; a summary row of an older version is left): the locked path writes one,
        // once, so the next boots take the fast path.
        FastPath::NoSummary | FastPath::Differs => None,
    })
}

/// `upgrade` to every head of embedded revisions: the fast path compares the summary with
/// `expected` (computed at compile time) before any graph exists; `graph` is built only when
/// something is to be done, and the same connection goes on.
pub(crate) async fn upgrade_embedded<'g>(
    pool: DbPool<'_>,
    expected: Expected,
    graph: impl FnOnce() -> Result<&'g RevisionGraph, MigrateError>,
    options: &Options,
) -> Result<Report, MigrateError> {
    let mut conn = open(pool, options).await?;
    if let Some(report) = fast_path(&mut conn, &expected, options).await? {
        return Ok(report);
    }
    let graph = graph()?.on_dialect(pool.dialect());
    after_fast_path(conn, pool, &graph, Goal::Target(&Target::HEADS), options, Verb::Upgrade, Some(expected)).await
}

/// Everything after a fast path that did not answer (`expected` is `Some` when it ran: the
/// summary is then missing or stale, and a waiter re-checks it under the lock).
async fn after_fast_path(
    mut conn: Conn,
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    goal: Goal<'_>,
    options: &Options,
    verb: Verb,
    expected: Option<Expected>,
) -> Result<Report, MigrateError> {
    let unqualified = HistoryTable::new(conn.dialect(), &options.table);
    let summary_checked = expected.is_some();
    let rows = read_history(&mut conn, &unqualified).await?;
    let status = crate::history::analyze(graph, &rows);
    // A `started` row seen without the lock may belong to a migrator that is running right
    // now: judge it only under the lock, once that migrator is done.
    if status.unresolved.is_empty() {
        check_consistent(&status, options)?;
        let plan = make_plan(graph, &rows, goal, verb)?;
        crate::rust::check_compiled_in(graph, &plan, options, unqualified.dialect())?;
        let needs_summary = summary_checked && !rows.is_empty() && status.ahead.is_empty() && status.is_up_to_date();
        if plan.steps.is_empty() && !needs_summary {
            return Ok(Report {
                before: status.current.clone(),
                after: status.current,
                ahead: status.ahead,
                ..Report::default()
            });
        }
    }
    let session = Session::capture(&mut conn, &options.table).await?;
    let table = HistoryTable::new(conn.dialect(), session.table());
    // A waiter reads the summary between two tries of the lock: when the holder has applied
    // everything, it returns without the lock and without writing.
    let mut done = SummarySays { expected: expected.as_ref(), table: &table };
    let mut guard = match take_lock(conn, pool, session.table(), options, &mut done).await? {
        Acquired::Held(guard) => guard,
        Acquired::Done => {
            let current = expected.map(|e| e.heads).unwrap_or_default();
            return Ok(Report { before: current.clone(), after: current, ..Report::default() });
        }
    };
    // A waiter whose holder just did everything: one read, nothing written, the lock released.
    if let Some(expected) = &expected
        && let FastPath::UpToDate(current) = crate::fastpath::check(guard.conn(), expected, &table).await?
    {
        tracing::debug!("another process applied everything while this one waited for the lock");
        guard.release().await?;
        return Ok(Report { before: current.clone(), after: current, locked: true, ..Report::default() });
    }
    ensure_tables(guard.conn(), &table, options).await?;
    let whole_run = options.transaction == TransactionMode::Run;
    if whole_run && !guard.conn().dialect().transactional_ddl() {
        return Err(MigrateError::RunTransactionRefused {
            why: "MySQL and MariaDB commit DDL implicitly, so a run cannot be one transaction".into(),
        });
    }
    // One transaction for the whole run: SQLite's foreign keys are turned off before it (the
    // pragma does nothing inside one), and the history is read inside it.
    let changed = whole_run && session.before_run(guard.conn()).await?;
    let rows = match (whole_run, guard.conn().dialect()) {
        (true, _) => {
            let found =
                transaction::begin_with(guard.conn(), options.lock_timeout, table.name(), Some(&table.select_rows()))
                    .await?;
            record::history_rows(found, &table)?
        }
        (false, Dialect::Sqlite) => wait_for_started_rows(guard.conn(), &table, options).await?,
        (false, _) => read_history(guard.conn(), &table).await?,
    };
    let planned = (|| {
        let status = analyze(graph, &rows);
        check_consistent(&status, options)?;
        let plan = make_plan(graph, &rows, goal, verb)?;
        crate::rust::check_compiled_in(graph, &plan, options, table.dialect())?;
        if whole_run && let Some(&n) = plan.steps.iter().find(|&&n| !graph.revision(n).transactional) {
            return Err(MigrateError::RunTransactionRefused {
                why: format!(
                    "revision `{}` is `transaction: false` and cannot run inside the run's transaction",
                    graph.revision(n).id
                ),
            });
        }
        let batches = apply::split_plan(graph, &plan, table.dialect(), verb)?;
        Ok((status, plan, batches))
    })();
    let (status, plan, batches) = match planned {
        Ok(planned) => planned,
        Err(e) => {
            if whole_run {
                let _ = guard.conn().execute("ROLLBACK").await;
            }
            return Err(e);
        }
    };
    let mut report =
        Report { before: status.current.clone(), ahead: status.ahead.clone(), locked: true, ..Report::default() };
    let changed = changed || (!whole_run && !plan.steps.is_empty() && session.before_run(guard.conn()).await?);
    if changed {
        guard.mark_session_changed();
    }
    let mut run = apply::Run {
        table: &table,
        lock_timeout: options.lock_timeout,
        hint_command: &options.hint_command,
        session: &session,
        deferred: String::new(),
        durations: String::new(),
        summary_removed: false,
        whole_run,
        options,
    };
    let total = plan.steps.len();
    for (i, (&node, statements)) in plan.steps.iter().zip(&batches).enumerate() {
        let r = graph.revision(node);
        guard.ensure_held(table.name())?;
        tracing::info!(revision = %r.id, "[{}/{total}] {} {}: {}", i + 1, verb.direction(), r.id, r.message);
        match apply::run_revision(&mut guard, r, statements, verb, &mut run).await {
            Ok(Some(step)) => {
                let ms = step.duration.as_millis() as u64;
                tracing::info!(revision = %r.id, duration_ms = ms, "[{}/{total}] done in {ms} ms", i + 1);
                report.steps.push(step);
            }
            Ok(None) => tracing::info!(revision = %r.id, "[{}/{total}] already applied by another process", i + 1),
            Err(e) => {
                // A revision applied outside a transaction before this one is still recorded
                // as applied, not left `started`.
                if let Err(lost) = run.flush(guard.conn()).await {
                    tracing::warn!(error = %lost, "recording the previous revision as applied failed too");
                }
                return Err(e);
            }
        }
    }
    run.flush(guard.conn()).await?;
    if whole_run {
        guard.conn().run("committing the run", "COMMIT").await?;
    }
    if changed {
        session.after_run(guard.conn()).await?;
    }
    let rows = match verb {
        Verb::Upgrade => write_summary(guard.conn(), &table, options, &std::mem::take(&mut run.durations)).await?,
        Verb::Downgrade => read_history(guard.conn(), &table).await?,
    };
    report.after = heads(graph, &applied_set(graph, &rows));
    guard.release().await?;
    Ok(report)
}
