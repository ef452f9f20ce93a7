//! Running one revision, up or down, and recording it: inside a transaction with its history
//! row (PostgreSQL, SQLite), or outside one with `started` → `applied`/`failed` rows (MySQL,
//! `transaction: false`).

use std::time::{Duration, Instant};

use migrate_core::split::{Statement, split_statements};
use migrate_core::{Plan, Revision, RevisionGraph};

use super::Verb;
use super::transaction::{begin_with, send_or_roll_back};
use crate::backend::{Conn, statement_message};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;
use crate::history::{HistoryRow, State};
use crate::lock::LockGuard;
use crate::session::Session;
use crate::table::HistoryTable;

/// One revision run by a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The revision id.
    pub revision: migrate_core::RevisionId,
    /// Its message.
    pub message: String,
    /// How long its statements and its commit took.
    pub duration: Duration,
}

/// What the revisions of one run share.
pub(crate) struct Run<'a> {
    /// The history table, qualified.
    pub table: &'a HistoryTable,
    /// How long SQLite's `BEGIN IMMEDIATE` may wait.
    pub lock_timeout: Duration,
    /// The command shown in `resolve` hints.
    pub hint_command: &'a str,
    /// The session's context (restored after revisions that change it).
    pub session: &'a Session,
    /// The `applied` row of the previous revision run outside a transaction (ending in `;\n`):
    /// it commits with the next revision's `started` row, one commit instead of two. Any other
    /// path sends it first, on its own (`flush`), and so does a failed run.
    pub deferred: String,
    /// Durations of committed revisions, commit included, to record with the next transaction
    /// (each ending in `;\n`); lost, harmlessly, when a run stops on an error.
    pub durations: String,
    /// The summary's removal was sent (see `removal`).
    pub summary_removed: bool,
    /// Every revision runs inside the run's one transaction (`TransactionMode::Run`): no
    /// `BEGIN`/`COMMIT` per revision, and a failure rolls the whole run back.
    pub whole_run: bool,
    /// The run's options (the compiled-in Rust revisions among them).
    pub options: &'a super::Options,
}

impl Run<'_> {
    /// The summary's removal (with its `;\n`), to send with a change to the history: the first
    /// change of a run, and every change on SQLite, where another process may write a summary
    /// between two revisions (no session lock).
    fn removal(&mut self) -> String {
        if self.summary_removed && self.table.dialect() != Dialect::Sqlite {
            return String::new();
        }
        self.summary_removed = true;
        format!("{};\n", self.table.delete_summary())
    }

    /// Sends the deferred `applied` row on its own.
    pub async fn flush(&mut self, conn: &mut Conn) -> Result<(), MigrateError> {
        if self.deferred.is_empty() {
            return Ok(());
        }
        let sql = format!("{};\n{}COMMIT", self.table.dialect().begin(), std::mem::take(&mut self.deferred));
        send_or_roll_back(conn, || "recording the last revision in the history table".into(), &sql).await
    }

    /// Everything still to record, for the run's last transaction.
    pub fn take_pending(&mut self) -> String {
        let mut all = std::mem::take(&mut self.deferred);
        all.push_str(&std::mem::take(&mut self.durations));
        all
    }
}

/// Splits every planned section before anything runs, so SQL that cannot be split (an
/// unterminated quote or dollar quote) stops the run before anything is applied rather than
/// halfway through. One statement list per step, in plan order.
pub(crate) fn split_plan(
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
    if r.is_rust() {
        return Ok(Vec::new()); // its body is a compiled-in function
    }
    split_statements(&section.sql, dialect, section.first_line).map_err(|e| MigrateError::Split {
        revision: r.id.to_string(),
        path: r.source.path.clone(),
        detail: e.to_string(),
    })
}

/// Runs one statement of a revision: `COPY … FROM stdin` sends its data through the COPY
/// protocol, everything else goes as written. On SQLite the statement goes with a `;` after it,
/// as the sqlite3 shell sends it: SQLite keeps the text of a `CREATE` up to its terminator,
/// white space before the `;` included.
async fn run_statement(conn: &mut Conn, s: &Statement) -> Result<(), sqlx::Error> {
    match &s.copy_data {
        Some(data) => conn.copy_in(&s.sql, data).await,
        None if conn.dialect() == Dialect::Sqlite && !s.sql.lines().last().unwrap_or("").contains("--") => {
            conn.execute(&format!("{};", s.sql)).await
        }
        None => conn.execute(&s.sql).await,
    }
}

/// Why a revision's body failed: a statement (its line and the database's error), or a Rust
/// revision's function.
enum BodyFailed {
    Statement(usize, sqlx::Error),
    Rust(crate::rust::BoxError),
}

impl BodyFailed {
    /// The error as the history's `failed` row records it.
    fn message(&self) -> String {
        match self {
            BodyFailed::Statement(_, e) => statement_message(e),
            BodyFailed::Rust(e) => e.to_string(),
        }
    }

    fn into_error(self, r: &Revision, direction: &'static str, hint: String) -> MigrateError {
        match self {
            BodyFailed::Statement(line, e) => statement_failed(r, line, direction, e, hint),
            BodyFailed::Rust(e) => MigrateError::RustFailed {
                revision: r.id.to_string(),
                path: r.source.path.clone(),
                function: direction_fn(direction),
                message: e.to_string(),
                hint,
            },
        }
    }
}

fn direction_fn(direction: &str) -> &'static str {
    if direction == "up" { "up" } else { "down" }
}

/// A revision's body: its statements, or its compiled-in Rust function (checked to exist
/// before the run started).
async fn run_body(
    conn: &mut Conn,
    r: &Revision,
    statements: &[Statement],
    direction: &'static str,
    run: &Run<'_>,
) -> Result<(), BodyFailed> {
    if !r.is_rust() {
        return run_statements(conn, statements).await.map_err(|(line, e)| BodyFailed::Statement(line, e));
    }
    let Some(f) = crate::rust::compiled_in(run.options, r, direction == "up") else {
        return Err(BodyFailed::Rust("not compiled into this process".into()));
    };
    crate::rust::run(f, conn).await.map_err(BodyFailed::Rust)
}

/// Runs `statements` in order; the first failure is returned with its statement's line.
async fn run_statements(conn: &mut Conn, statements: &[Statement]) -> Result<(), (usize, sqlx::Error)> {
    for s in statements {
        run_statement(conn, s).await.map_err(|e| (s.line, e))?;
    }
    Ok(())
}

/// After a revision's statements, before its bookkeeping: puts the session's context back and,
/// on SQLite, checks the foreign keys.
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

fn statement_failed(r: &Revision, line: usize, direction: &'static str, e: sqlx::Error, hint: String) -> MigrateError {
    MigrateError::Statement {
        revision: r.id.to_string(),
        path: r.source.path.clone(),
        line,
        direction,
        hint,
        source: crate::error::DbError::new(e),
    }
}

/// Runs one revision (up or down) and records it. Returns `None` when another process did it
/// first (SQLite, where the lock is per revision).
pub(crate) async fn run_revision(
    guard: &mut LockGuard,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &mut Run<'_>,
) -> Result<Option<Step>, MigrateError> {
    let conn = guard.conn();
    let in_transaction = r.transactional && conn.dialect().transactional_ddl();
    if in_transaction {
        in_a_transaction(conn, r, statements, verb, run).await
    } else {
        outside_a_transaction(conn, r, statements, verb, run).await
    }
}

/// PostgreSQL and SQLite: the statements, the history row, the summary's removal and the commit
/// in one transaction; on SQLite the write lock and a re-check of the history come first.
async fn in_a_transaction(
    conn: &mut Conn,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &mut Run<'_>,
) -> Result<Option<Step>, MigrateError> {
    let (table, direction) = (run.table, verb.direction());
    if run.whole_run {
        return in_the_runs_transaction(conn, r, statements, verb, run).await;
    }
    run.flush(conn).await?;
    let started = Instant::now();
    let recheck = (table.dialect() == Dialect::Sqlite).then(|| table.select_state(r.id.as_str()));
    let found = begin_with(conn, run.lock_timeout, table.name(), recheck.as_deref()).await?;
    if recheck.is_some() && found.is_empty() != (verb == Verb::Upgrade) {
        conn.run("ending a transaction", "ROLLBACK").await?;
        return Ok(None); // another process did this step first
    }
    let bookkeeping = statements_then_row(conn, r, statements, verb, run, started, "").await?;
    // Earlier durations, the row, the summary's removal and the commit: one round trip.
    let sql = format!("{}{bookkeeping};\n{}COMMIT", std::mem::take(&mut run.durations), run.removal());
    send_or_roll_back(
        conn,
        || format!("recording revision `{}` ({direction}) in the history table and committing", r.id),
        &sql,
    )
    .await?;
    let duration = started.elapsed();
    if verb == Verb::Upgrade {
        // The row was written before the commit: its duration goes with the next transaction.
        let ms = duration.as_millis() as u64;
        run.durations.push_str(&format!("{};\n", table.update_duration(r.id.as_str(), ms)));
    }
    Ok(Some(Step { revision: r.id.clone(), message: r.message.clone(), duration }))
}

/// Inside an open transaction: the revision's statements, then the session's context and
/// SQLite's foreign keys checked; returns the statement that records it (its `applied` row, or
/// its row's removal). Any failure rolls the transaction back; `hint` ends a statement's error.
async fn statements_then_row(
    conn: &mut Conn,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &Run<'_>,
    started: Instant,
    hint: &str,
) -> Result<String, MigrateError> {
    let direction = verb.direction();
    if let Err(failed) = run_body(conn, r, statements, direction, run).await {
        let _ = conn.execute("ROLLBACK").await;
        return Err(failed.into_error(r, direction, hint.to_owned()));
    }
    if let Err(e) = after_statements(conn, run.session, r, statements, direction).await {
        let _ = conn.execute("ROLLBACK").await;
        return Err(e);
    }
    Ok(match verb {
        Verb::Upgrade => {
            run.table.insert(&HistoryRow::for_revision(r, State::Applied, started.elapsed().as_millis() as u64))
        }
        Verb::Downgrade => run.table.delete(r.id.as_str()),
    })
}

/// `TransactionMode::Run`: the statements and the history row inside the run's transaction
/// (opened by the engine, which reads the history in it and commits once at the end); any
/// failure rolls back everything the run did.
async fn in_the_runs_transaction(
    conn: &mut Conn,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &mut Run<'_>,
) -> Result<Option<Step>, MigrateError> {
    let direction = verb.direction();
    let started = Instant::now();
    let hint = "; the run was one transaction: nothing of it was applied";
    let bookkeeping = statements_then_row(conn, r, statements, verb, run, started, hint).await?;
    let sql = format!("{bookkeeping};\n{}", run.removal());
    if let Err(e) = conn.execute(&sql).await {
        let _ = conn.execute("ROLLBACK").await;
        return Err(MigrateError::db(format!("recording revision `{}` ({direction}) in the history table", r.id), e));
    }
    Ok(Some(Step { revision: r.id.clone(), message: r.message.clone(), duration: started.elapsed() }))
}

/// MySQL/MariaDB and `transaction: false`: a `started` row (committed with the previous
/// revision's `applied` row), the statements, then `applied` (pending, for the next commit) or
/// `failed`. A downgrade removes the row once its statements ran. On SQLite (no session lock)
/// the `started` row is the claim: written in `BEGIN IMMEDIATE` after a re-check, so a
/// concurrent run finds the revision taken and waits for its outcome instead. Returns `None`
/// when another process applied it.
async fn outside_a_transaction(
    conn: &mut Conn,
    r: &Revision,
    statements: &[Statement],
    verb: Verb,
    run: &mut Run<'_>,
) -> Result<Option<Step>, MigrateError> {
    let (table, direction) = (run.table, verb.direction());
    let claimed = verb == Verb::Upgrade && table.dialect() == Dialect::Sqlite;
    if claimed && !claim(conn, r, run).await? {
        return Ok(None);
    }
    let started = Instant::now();
    if verb == Verb::Upgrade {
        let insert = table.insert(&HistoryRow::for_revision(r, State::Started, 0));
        // SQLite: the claim's transaction is still open; the row commits in it.
        let begin = if claimed { String::new() } else { format!("{};\n", table.dialect().begin()) };
        let sql = format!("{begin}{}{insert};\n{}COMMIT", run.take_pending(), run.removal());
        send_or_roll_back(conn, || format!("recording `{}` as started", r.id), &sql).await?;
    } else {
        run.flush(conn).await?;
    }
    let failure = match run_body(conn, r, statements, direction, run).await {
        Err(failed) => {
            let message = failed.message();
            Some((failed.into_error(r, direction, String::new()), message))
        }
        Ok(()) => match after_statements(conn, run.session, r, statements, direction).await {
            Err(e) => {
                let message = e.to_string();
                Some((e, message))
            }
            Ok(()) => None,
        },
    };
    if let Some((mut error, message)) = failure {
        let mut hint = match verb {
            Verb::Upgrade => format!(
                "; it ran outside a transaction and may be partly applied: check the schema, then run `{} resolve {} --applied` or `--rolled-back`",
                run.hint_command, r.id
            ),
            Verb::Downgrade => "; it ran outside a transaction and may be partly reverted: check the schema (the revision is still recorded as applied)".into(),
        };
        if verb == Verb::Upgrade {
            let ms = started.elapsed().as_millis() as u64;
            let failed = table.update_state(r.id.as_str(), State::Failed, ms, Some(&message));
            // A lost connection cannot record the failure: the row then stays `started`,
            // which every later run refuses just the same.
            if let Err(lost) = conn.execute(&failed).await {
                hint.push_str(&format!(
                    " (the history still says `started`: marking it failed failed too: {})",
                    statement_message(&lost)
                ));
            }
        }
        if let MigrateError::Statement { hint: h, .. } | MigrateError::ForeignKeyViolation { hint: h, .. } = &mut error
        {
            *h = hint;
        }
        return Err(error);
    }
    let duration = match verb {
        Verb::Upgrade => {
            // One reading for the row and the report, so the two always agree.
            let duration = started.elapsed();
            let ms = duration.as_millis() as u64;
            run.deferred.push_str(&format!("{};\n", table.update_state(r.id.as_str(), State::Applied, ms, None)));
            duration
        }
        Verb::Downgrade => {
            let sql =
                format!("{};\n{};\n{}COMMIT", table.dialect().begin(), table.delete(r.id.as_str()), run.removal());
            send_or_roll_back(conn, || format!("removing `{}` from the history table", r.id), &sql).await?;
            started.elapsed()
        }
    };
    Ok(Some(Step { revision: r.id.clone(), message: r.message.clone(), duration }))
}

/// SQLite: whether this process may run `r` outside a transaction. Re-checks its row in `BEGIN
/// IMMEDIATE`; when there is none, returns `true` with that transaction still open, so the
/// caller's `started` row commits in it (no other writer between the check and the claim).
/// While another process's row says `started`, waits for it, up to the lock timeout. `false`
/// when another process applied it.
async fn claim(conn: &mut Conn, r: &Revision, run: &mut Run<'_>) -> Result<bool, MigrateError> {
    let waiting = Instant::now();
    loop {
        let found =
            begin_with(conn, run.lock_timeout, run.table.name(), Some(&run.table.select_state(r.id.as_str()))).await?;
        let state = found.into_iter().next().and_then(|row| row.into_iter().next().flatten());
        // No row: the revision is ours, and the transaction stays open for our `started` row.
        let Some(state) = state else { return Ok(true) };
        conn.run("ending a transaction", "ROLLBACK").await?;
        match state.as_str() {
            "applied" => return Ok(false),
            "started" if waiting.elapsed() < run.lock_timeout => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => {
                return Err(MigrateError::Unresolved {
                    rows: vec![crate::history::Unresolved {
                        revision: r.id.clone(),
                        state: if other == "failed" { State::Failed } else { State::Started },
                        error: None,
                    }],
                    command: run.hint_command.to_owned(),
                });
            }
        }
    }
}
