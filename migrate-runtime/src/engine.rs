//! The engine: upgrade, downgrade, stamp, resolve and status of a revision graph against a
//! database. Planning is `migrate_core::plan`; SQL text is `dialect`; the lock is `lock`. This
//! file decides the order of things: read the history once; return at once when nothing is to
//! be done (no lock, no write); otherwise lock, create the table, re-read, apply, release.

use std::time::{Duration, Instant};

use migrate_core::{Node, Plan, Resolved, Revision, RevisionGraph, Target, plan_downgrade, plan_stamp, plan_upgrade};

use crate::backend::{Conn, DbPool, is_missing_table, statement_message};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;
use crate::fastpath::FastPath;
use crate::history::{HistoryRow, State, Status, analyze, applied_set};
use crate::lock::{self, LockGuard};
use crate::session::Session;
use migrate_core::split::{Statement, split_statements};

/// How a migration behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// The history table (`name` or `schema.name`).
    pub table: String,
    /// How long to wait for another process's migration lock (default 10 minutes).
    pub lock_timeout: Duration,
    /// Go on when an applied revision's checksum changed (default: refuse).
    pub allow_drift: bool,
    /// The command shown in hints for `resolve` (default `cargo migrate`).
    pub hint_command: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            table: migrate_core::DEFAULT_TABLE.into(),
            lock_timeout: Duration::from_secs(600),
            allow_drift: false,
            hint_command: "cargo migrate".into(),
        }
    }
}

/// One revision run by a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The revision id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// How long its statements took.
    pub duration: Duration,
}

/// What a migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions run, in order (up or down).
    pub steps: Vec<Step>,
    /// The current heads before.
    pub before: Vec<String>,
    /// The current heads after.
    pub after: Vec<String>,
    /// Applied revisions this binary does not know (a newer binary ran): allowed, logged.
    pub ahead: Vec<String>,
    /// `false` when the fast path answered: nothing to do, no lock taken, nothing written.
    pub locked: bool,
}

/// Checks the options and takes a connection: every operation starts here, so a bad history
/// table name is refused before any SQL runs.
async fn open(pool: DbPool<'_>, options: &Options) -> Result<Conn, MigrateError> {
    migrate_core::check_table_name(&options.table)
        .map_err(|why| MigrateError::TableName { name: options.table.clone(), why })?;
    Conn::acquire(pool).await
}

/// Reads the history table (empty when it does not exist yet).
pub(crate) async fn read_history(conn: &mut Conn, table: &str) -> Result<Vec<HistoryRow>, MigrateError> {
    let sql = conn.dialect().select_history(table);
    let rows = match conn.rows(&sql).await {
        Ok(rows) => rows,
        Err(e) if is_missing_table(&e) => return Ok(Vec::new()),
        Err(e) => return Err(MigrateError::db(format!("reading the history table `{table}`"), &e)),
    };
    history_rows(rows, table)
}

/// Rows read with `select_history`, as history rows.
fn history_rows(rows: Vec<Vec<Option<String>>>, table: &str) -> Result<Vec<HistoryRow>, MigrateError> {
    rows.into_iter()
        .map(|cols| {
            HistoryRow::from_columns(cols)
                .map_err(|detail| MigrateError::CorruptHistory { table: table.to_owned(), detail })
        })
        .collect()
}

/// The status of the database against `graph`: one query, no lock, no write.
pub async fn status(pool: DbPool<'_>, graph: &RevisionGraph, options: &Options) -> Result<Status, MigrateError> {
    let mut conn = open(pool, options).await?;
    let rows = read_history(&mut conn, &options.table).await?;
    Ok(analyze(graph, &rows))
}

/// Whether the database holds exactly `graph`'s revisions, all applied with their checksums,
/// as the history's summary row says (the boot fast path: one statement reading one row).
/// `Some(current heads)` when it does; `None` when it does not or there is no summary yet.
pub async fn up_to_date(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    options: &Options,
) -> Result<Option<Vec<String>>, MigrateError> {
    let mut conn = open(pool, options).await?;
    crate::fastpath::up_to_date(&mut conn, graph, &options.table).await
}

/// Refuses to go on past drift, unresolved rows or divergence.
fn check_consistent(status: &Status, options: &Options) -> Result<(), MigrateError> {
    if !status.unresolved.is_empty() {
        return Err(MigrateError::Unresolved(status.unresolved.clone()));
    }
    if !status.drifted.is_empty() && !options.allow_drift {
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

/// Which way to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Upgrade,
    Downgrade,
}

fn make_plan(graph: &RevisionGraph, rows: &[HistoryRow], target: &Target, verb: Verb) -> Result<Plan, MigrateError> {
    let applied = applied_set(graph, rows);
    let resolved = graph.resolve(target, &graph.heads_of(&applied))?;
    Ok(match verb {
        Verb::Upgrade => plan_upgrade(graph, &applied, &resolved)?,
        Verb::Downgrade => plan_downgrade(graph, &applied, &resolved)?,
    })
}

fn ids(graph: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| graph.revision(n).id.to_string()).collect()
}

/// Upgrades to `target`.
pub async fn upgrade(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    target: &Target,
    options: &Options,
) -> Result<Report, MigrateError> {
    migrate(pool, graph, target, options, Verb::Upgrade).await
}

/// Downgrades to `target`.
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
    let mut conn = open(pool, options).await?;
    let mut write_summary_anyway = false;
    if verb == Verb::Upgrade
        && (*target == Target::Heads || (*target == Target::Head && graph.heads().len() == 1))
        && !graph.is_empty()
    {
        match crate::fastpath::check(&mut conn, graph, &options.table).await? {
            FastPath::UpToDate(current) => {
                return Ok(Report { before: current.clone(), after: current, ..Report::default() });
            }
            // Up to date but with no summary (after an offline script, say): the locked path
            // below writes one, once, so the next boots take the fast path.
            FastPath::NoSummary => write_summary_anyway = true,
            FastPath::Differs => {}
        }
    }
    let rows = read_history(&mut conn, &options.table).await?;
    let status = analyze(graph, &rows);
    // A `started` row seen without the lock may belong to a migrator that is running right
    // now: judge it only under the lock, once that migrator is done.
    if status.unresolved.is_empty() {
        check_consistent(&status, options)?;
        let plan = make_plan(graph, &rows, target, verb)?;
        let needs_summary = write_summary_anyway && !rows.is_empty();
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
    let mut guard = lock::acquire(conn, session.table(), options.lock_timeout).await?;
    // From here on every statement of our own names the table qualified (see `session`).
    let options = &Options { table: session.table().to_owned(), ..options.clone() };
    ensure_history(guard.conn(), options).await?;
    let rows = read_history(guard.conn(), &options.table).await?;
    let status = analyze(graph, &rows);
    check_consistent(&status, options)?;
    let plan = make_plan(graph, &rows, target, verb)?;
    let batches = split_plan(graph, &plan, guard.conn().dialect(), verb)?;
    let mut report =
        Report { before: status.current.clone(), ahead: status.ahead.clone(), locked: true, ..Report::default() };
    let total = plan.steps.len();
    let changed = !plan.steps.is_empty() && session.before_run(guard.conn()).await?;
    if changed {
        guard.mark_session_changed();
    }
    let mut run = Run { options, session: &session, deferred: None, summary_removed: false };
    for (i, (&node, statements)) in plan.steps.iter().zip(&batches).enumerate() {
        let r = graph.revision(node);
        let way = if verb == Verb::Upgrade { "up" } else { "down" };
        tracing::info!(revision = %r.id, "[{}/{total}] {way} {}: {}", i + 1, r.id, r.message);
        match run_revision(&mut guard, r, statements, verb, &mut run).await? {
            Some(step) => {
                let ms = step.duration.as_millis() as u64;
                tracing::info!(revision = %r.id, duration_ms = ms, "[{}/{total}] done in {ms} ms", i + 1);
                report.steps.push(step);
            }
            None => tracing::info!(revision = %r.id, "[{}/{total}] already applied by another process", i + 1),
        }
    }
    flush(guard.conn(), &mut run.deferred).await?;
    if changed {
        session.after_run(guard.conn()).await?;
    }
    let rows = match verb {
        Verb::Upgrade => write_summary(guard.conn(), options).await?,
        Verb::Downgrade => read_history(guard.conn(), &options.table).await?,
    };
    report.after = ids(graph, &graph.heads_of(&applied_set(graph, &rows)));
    guard.release().await?;
    Ok(report)
}

/// Reads the history and writes its summary row in one transaction (the caller holds the
/// lock; on SQLite `BEGIN IMMEDIATE` keeps other writers out between the read and the write).
/// Returns the rows read.
async fn write_summary(conn: &mut Conn, options: &Options) -> Result<Vec<HistoryRow>, MigrateError> {
    let (dialect, table) = (conn.dialect(), options.table.as_str());
    let raw = begin_with(conn, dialect, options, Some(&dialect.select_history(table))).await?;
    let rows = match history_rows(raw, table) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = conn.execute("ROLLBACK").await;
            return Err(e);
        }
    };
    let digest = crate::summary::of_rows(&rows);
    let sql = format!("{};\n{};\nCOMMIT", dialect.delete_summary(table), dialect.insert_summary(table, &digest));
    if let Err(e) = conn.execute(&sql).await {
        let _ = conn.execute("ROLLBACK").await;
        return Err(MigrateError::db("writing the history table's summary row", &e));
    }
    Ok(rows)
}

/// Records, on its own, the bookkeeping of a revision run outside a transaction that is still
/// waiting to travel with the next revision's `started` row.
async fn flush(conn: &mut Conn, deferred: &mut Option<Deferred>) -> Result<(), MigrateError> {
    match deferred.take() {
        Some(d) => conn.run(&format!("recording revision `{}` in the history table", d.revision), &d.sql).await,
        None => Ok(()),
    }
}

/// The summary row's removal (with its `;`), to send with a change to the history: the first
/// change of a run, and every change on SQLite, where another process may write a summary
/// between two revisions (no session lock). Marks it sent; a batch that then fails leaves the
/// summary in place only if its whole transaction rolled back, history change included.
fn removal(dialect: Dialect, table: &str, removed: &mut bool) -> String {
    if *removed && dialect != Dialect::Sqlite {
        return String::new();
    }
    *removed = true;
    format!("{};\n", dialect.delete_summary(table))
}

/// The final history statement of a revision run outside a transaction (MySQL/MariaDB, or
/// `transaction: false`), not sent yet: it commits together with the next revision's `started`
/// row, one commit instead of two per revision. Any other path sends it alone first.
struct Deferred {
    revision: String,
    sql: String,
}

/// Splits every planned section before anything runs, so SQL that cannot be split (an
/// unterminated quote or dollar quote) stops the run before anything is applied rather than
/// halfway through. One statement list per step, in plan order.
fn split_plan(
    graph: &RevisionGraph,
    plan: &Plan,
    dialect: Dialect,
    verb: Verb,
) -> Result<Vec<Vec<Statement>>, MigrateError> {
    plan.steps.iter().map(|&node| section_statements(graph.revision(node), verb == Verb::Upgrade, dialect)).collect()
}

/// The statements of `r`'s up (or down) section in `dialect`: what the online run and the
/// `--sql` script both send.
///
/// # Errors
/// An irreversible revision asked to go down; SQL that cannot be split.
pub(crate) fn section_statements(r: &Revision, up: bool, dialect: Dialect) -> Result<Vec<Statement>, MigrateError> {
    let section = if up { Some(&r.up) } else { r.down.as_ref() };
    let Some(section) = section else {
        return Err(MigrateError::Plan(migrate_core::PlanError::Irreversible {
            revision: r.id.to_string(),
            path: r.source.path.clone(),
        }));
    };
    split_statements(&section.sql, dialect, section.first_line).map_err(|e| MigrateError::Split {
        revision: r.id.to_string(),
        path: r.source.path.clone(),
        detail: e.to_string(),
    })
}

/// What the revisions of one run share.
struct Run<'a> {
    /// The options, the history table qualified.
    options: &'a Options,
    /// The session's context (restored after revisions that change it).
    session: &'a Session,
    /// Bookkeeping waiting to travel with the next revision (see `Deferred`).
    deferred: Option<Deferred>,
    /// The summary row's removal was sent (see `removal`).
    summary_removed: bool,
}

/// Runs one statement of a revision: `COPY … FROM stdin` sends its data through the COPY
/// protocol, everything else goes as written.
/// On SQLite the statement goes with a `;` after it, as the sqlite3 shell sends it: SQLite keeps
/// the text of a `CREATE` up to its terminator, white space before the `;` included.
async fn run_statement(conn: &mut Conn, s: &Statement) -> Result<(), sqlx::Error> {
    match &s.copy_data {
        Some(data) => conn.copy_in(&s.sql, data).await,
        None if conn.dialect() == Dialect::Sqlite && !s.sql.lines().last().unwrap_or("").contains("--") => {
            conn.execute(&format!("{};", s.sql)).await
        }
        None => conn.execute(&s.sql).await,
    }
}

/// After a revision's statements, before its bookkeeping: puts the session's context back and,
/// on SQLite, checks the foreign keys. `Err` carries what failed.
async fn after_statements(
    conn: &mut Conn,
    session: &Session,
    r: &Revision,
    statements: &[Statement],
    direction: &'static str,
) -> Result<(), MigrateError> {
    if let Some(restore) = session.restore_after(statements) {
        conn.run(&format!("restoring the session's schema after revision `{}`", r.id), &restore).await?;
    }
    let violations = session.foreign_key_violations(conn).await?;
    if violations.is_empty() {
        return Ok(());
    }
    Err(MigrateError::ForeignKeyViolation {
        revision: r.id.to_string(),
        path: r.source.path.clone(),
        direction,
        violations: violations
            .iter()
            .map(|(table, parent)| format!("a row of `{table}` references a missing row of `{parent}`"))
            .collect::<Vec<_>>()
            .join("; "),
        hint: String::new(),
    })
}

/// Runs one revision (up or down) and records it. Returns `None` when another process did it
/// first (SQLite, where the lock is per revision).
async fn run_revision(
    guard: &mut LockGuard,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &mut Run<'_>,
) -> Result<Option<Step>, MigrateError> {
    let (options, session) = (run.options, run.session);
    let (deferred, summary_removed) = (&mut run.deferred, &mut run.summary_removed);
    let conn = guard.conn();
    let dialect = conn.dialect();
    let direction = if verb == Verb::Upgrade { "up" } else { "down" };
    let in_transaction = r.transactional && dialect.transactional_ddl();
    let table = &options.table;
    let started = Instant::now();
    let record = |duration: u64, state: State| row_for(r, state, duration);
    if in_transaction || verb == Verb::Downgrade {
        flush(conn, deferred).await?;
    }
    if in_transaction {
        // SQLite: the write lock and the re-check of the history in one round trip.
        let recheck = (dialect == Dialect::Sqlite).then(|| dialect.select_one(table, r.id.as_str()));
        let found = begin_with(conn, dialect, options, recheck.as_deref()).await?;
        let present = !found.is_empty();
        if recheck.is_some() && present == (verb == Verb::Upgrade) {
            conn.run("ending a transaction", "ROLLBACK").await?;
            return Ok(None); // another process did this step first
        }
        for s in statements {
            if let Err(e) = run_statement(conn, s).await {
                let _ = conn.execute("ROLLBACK").await;
                return Err(statement_failed(r, s.line, direction, &e, String::new()));
            }
        }
        if let Err(e) = after_statements(conn, session, r, statements, direction).await {
            let _ = conn.execute("ROLLBACK").await;
            return Err(e);
        }
        let bookkeeping = match verb {
            Verb::Upgrade => dialect.insert_row(table, &record(started.elapsed().as_millis() as u64, State::Applied)),
            Verb::Downgrade => dialect.delete_row(table, r.id.as_str()),
        };
        // The row, the summary's removal and the commit travel together: one round trip.
        let summary = removal(dialect, table, summary_removed);
        if let Err(e) = conn.execute(&format!("{bookkeeping};\n{summary}COMMIT")).await {
            let _ = conn.execute("ROLLBACK").await;
            return Err(MigrateError::db(
                format!("recording revision `{}` ({direction}) in the history table and committing", r.id),
                &e,
            ));
        }
    } else {
        if verb == Verb::Upgrade {
            let insert = dialect.insert_row(table, &record(0, State::Started));
            // The previous revision's `applied` (if waiting), this one's `started` and the
            // summary's removal: one commit.
            let (previous, doing) = match deferred.take() {
                Some(p) => (
                    format!("{};\n", p.sql),
                    format!("recording `{}` as applied and `{}` as started", p.revision, r.id),
                ),
                None => (String::new(), format!("recording `{}` as started", r.id)),
            };
            let summary = removal(dialect, table, summary_removed);
            let sql = format!("{};\n{previous}{insert};\n{summary}COMMIT", dialect.begin());
            if let Err(e) = conn.execute(&sql).await {
                let _ = conn.execute("ROLLBACK").await;
                return Err(MigrateError::db(doing, &e));
            }
        }
        for s in statements {
            if let Err(e) = run_statement(conn, s).await {
                let message = statement_message(&e);
                let mut hint = match verb {
                    Verb::Upgrade => format!(
                        "; it ran outside a transaction and may be partly applied: check the schema, then run `{} resolve {} --applied` or `--rolled-back`",
                        options.hint_command, r.id
                    ),
                    Verb::Downgrade => "; it ran outside a transaction and may be partly reverted: check the schema (the revision is still recorded as applied)".into(),
                };
                if verb == Verb::Upgrade {
                    let failed = dialect.update_state(
                        table,
                        r.id.as_str(),
                        State::Failed,
                        started.elapsed().as_millis() as u64,
                        Some(&message),
                    );
                    // A lost connection cannot record the failure: the row then stays
                    // `started`, which every later run refuses just the same.
                    if let Err(lost) = conn.execute(&failed).await {
                        hint.push_str(&format!(
                            " (the history still says `started`: marking it failed failed too: {})",
                            statement_message(&lost)
                        ));
                    }
                }
                return Err(statement_failed(r, s.line, direction, &e, hint));
            }
        }
        if let Err(mut e) = after_statements(conn, session, r, statements, direction).await {
            if let MigrateError::ForeignKeyViolation { hint, .. } = &mut e {
                *hint = format!(
                    "; it ran outside a transaction, so its changes stay: fix the rows, then run `{} resolve {} --applied`",
                    options.hint_command, r.id
                );
                if verb == Verb::Upgrade {
                    let failed = dialect.update_state(table, r.id.as_str(), State::Failed, 0, Some(&e.to_string()));
                    let _ = conn.execute(&failed).await;
                }
            }
            return Err(e);
        }
        match verb {
            Verb::Upgrade => {
                let ms = started.elapsed().as_millis() as u64;
                let sql = dialect.update_state(table, r.id.as_str(), State::Applied, ms, None);
                *deferred = Some(Deferred { revision: r.id.to_string(), sql });
            }
            Verb::Downgrade => {
                let sql = format!(
                    "{};\n{};\n{}COMMIT",
                    dialect.begin(),
                    dialect.delete_row(table, r.id.as_str()),
                    removal(dialect, table, summary_removed)
                );
                if let Err(e) = conn.execute(&sql).await {
                    let _ = conn.execute("ROLLBACK").await;
                    return Err(MigrateError::db(format!("removing `{}` from the history table", r.id), &e));
                }
            }
        }
    }
    Ok(Some(Step { revision: r.id.to_string(), message: r.message.clone(), duration: started.elapsed() }))
}

/// Creates the history table if missing (on SQLite inside `BEGIN IMMEDIATE`, so a busy
/// database is waited for like any other write).
async fn ensure_history(conn: &mut Conn, options: &Options) -> Result<(), MigrateError> {
    let dialect = conn.dialect();
    let create = dialect.create_history(&options.table);
    if dialect != Dialect::Sqlite {
        return conn.run("creating the history table", &create).await;
    }
    begin(conn, dialect, options).await?;
    if let Err(e) = conn.execute(&create).await {
        let _ = conn.execute("ROLLBACK").await;
        return Err(MigrateError::db("creating the history table", &e));
    }
    conn.run("creating the history table", "COMMIT").await
}

/// Starts a transaction; on SQLite, retries `BEGIN IMMEDIATE` while another writer holds the
/// database, up to the lock timeout.
async fn begin(conn: &mut Conn, dialect: Dialect, options: &Options) -> Result<(), MigrateError> {
    begin_with(conn, dialect, options, None).await.map(|_| ())
}

/// Starts a transaction and runs `then` (a query) in the same round trip, returning its rows.
async fn begin_with(
    conn: &mut Conn,
    dialect: Dialect,
    options: &Options,
    then: Option<&str>,
) -> Result<Vec<Vec<Option<String>>>, MigrateError> {
    let started = Instant::now();
    let sql = match then {
        Some(query) => format!("{};\n{query}", dialect.begin()),
        None => dialect.begin().to_owned(),
    };
    loop {
        match conn.rows(&sql).await {
            Ok(rows) => return Ok(rows),
            Err(e) if dialect == Dialect::Sqlite && is_busy(&e) && started.elapsed() < options.lock_timeout => {
                tracing::debug!("SQLite is busy; waiting to begin");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) if dialect == Dialect::Sqlite && is_busy(&e) => {
                return Err(MigrateError::LockTimeout {
                    table: options.table.clone(),
                    holder: "another connection writing to this SQLite database".into(),
                    waited: started.elapsed(),
                });
            }
            Err(e) => {
                if then.is_some() {
                    let _ = conn.execute("ROLLBACK").await;
                }
                return Err(MigrateError::db("starting a transaction", &e));
            }
        }
    }
}

fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.message().contains("locked") || db.message().contains("busy"),
        _ => false,
    }
}

fn statement_failed(r: &Revision, line: usize, direction: &'static str, e: &sqlx::Error, hint: String) -> MigrateError {
    MigrateError::Statement {
        revision: r.id.to_string(),
        path: r.source.path.clone(),
        line,
        direction,
        message: statement_message(e),
        hint,
    }
}

/// The history row recording `r`.
pub(crate) fn row_for(r: &Revision, state: State, duration_ms: u64) -> HistoryRow {
    HistoryRow {
        revision: r.id.to_string(),
        revises: r.parents.iter().map(ToString::to_string).collect(),
        message: r.message.clone(),
        checksum: r.checksum.to_hex(),
        state,
        applied_at: now(),
        duration_ms,
        error: None,
    }
}

/// Now, RFC 3339 with milliseconds, UTC.
pub(crate) fn now() -> String {
    let ts = jiff::Timestamp::now();
    ts.round(jiff::Unit::Millisecond).unwrap_or(ts).strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Sets the recorded state to `target`'s lineage without running anything.
pub async fn stamp(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    target: &Target,
    purge: bool,
    options: &Options,
) -> Result<Report, MigrateError> {
    let mut conn = open(pool, options).await?;
    let session = Session::capture(&mut conn, &options.table).await?;
    let mut guard = lock::acquire(conn, session.table(), options.lock_timeout).await?;
    let options = &Options { table: session.table().to_owned(), ..options.clone() };
    let dialect = guard.conn().dialect();
    ensure_history(guard.conn(), options).await?;
    if purge {
        let sql = format!("DELETE FROM {}", dialect.quote_table(&options.table));
        guard.conn().run("purging the history table", &sql).await?;
    }
    let rows = read_history(guard.conn(), &options.table).await?;
    let applied = applied_set(graph, &rows);
    let resolved: Resolved = graph.resolve(target, &graph.heads_of(&applied))?;
    let after = plan_stamp(graph, &applied, &resolved);
    begin(guard.conn(), dialect, options).await?;
    if let Err(e) = guard.conn().execute(&dialect.delete_summary(&options.table)).await {
        let _ = guard.conn().execute("ROLLBACK").await;
        return Err(MigrateError::db("stamping the history table", &e));
    }
    for n in 0..graph.len() {
        let r = graph.revision(n);
        let sql = match (applied[n], after[n]) {
            (true, false) => dialect.delete_row(&options.table, r.id.as_str()),
            (false, true) => dialect.insert_row(&options.table, &row_for(r, State::Applied, 0)),
            _ => continue,
        };
        if let Err(e) = guard.conn().execute(&sql).await {
            let _ = guard.conn().execute("ROLLBACK").await;
            return Err(MigrateError::db("stamping the history table", &e));
        }
    }
    guard.conn().run("committing the stamp", "COMMIT").await?;
    let report = Report {
        before: ids(graph, &graph.heads_of(&applied)),
        after: ids(graph, &graph.heads_of(&after)),
        locked: true,
        ..Report::default()
    };
    guard.release().await?;
    Ok(report)
}

/// Marks a `started`/`failed` row as applied (`applied = true`) or removes it (rolled back).
pub async fn resolve(pool: DbPool<'_>, revision: &str, applied: bool, options: &Options) -> Result<(), MigrateError> {
    let mut conn = open(pool, options).await?;
    let session = Session::capture(&mut conn, &options.table).await?;
    let mut guard = lock::acquire(conn, session.table(), options.lock_timeout).await?;
    let options = &Options { table: session.table().to_owned(), ..options.clone() };
    let dialect = guard.conn().dialect();
    let rows = read_history(guard.conn(), &options.table).await?;
    let Some(row) = rows.iter().find(|r| r.revision == revision && r.state != State::Applied) else {
        return Err(MigrateError::NothingToResolve { revision: revision.to_owned() });
    };
    let sql = if applied {
        dialect.update_state(&options.table, &row.revision, State::Applied, row.duration_ms, None)
    } else {
        dialect.delete_row(&options.table, &row.revision)
    };
    let sql = format!("{};\n{sql};\n{};\nCOMMIT", dialect.begin(), dialect.delete_summary(&options.table));
    if let Err(e) = guard.conn().execute(&sql).await {
        let _ = guard.conn().execute("ROLLBACK").await;
        return Err(MigrateError::db("resolving the revision", &e));
    }
    tracing::info!(revision, resolution = if applied { "applied" } else { "rolled back" }, "resolved");
    guard.release().await
}

/// The rows of the history table, oldest first.
pub async fn history(pool: DbPool<'_>, options: &Options) -> Result<Vec<HistoryRow>, MigrateError> {
    let mut conn = open(pool, options).await?;
    read_history(&mut conn, &options.table).await
}
