//! The bookkeeping: reading the history, creating the tables, writing the summary, and the
//! verbs that only record (`stamp`, `resolve`) or only read (`history`).

use migrate_core::{Intent, Resolved, RevisionGraph, Target, plan_stamp};

use super::transaction::{begin_with, send_or_roll_back};
use super::{Options, Report, heads, locked_session, open};
use crate::backend::{Conn, DbPool, is_missing_table};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;
use crate::history::{HistoryRow, State, applied_set, now};
use crate::table::HistoryTable;

/// Reads the history table (empty when it does not exist yet), outside a transaction: a read
/// that loses a conflict on a Galera node is sent again.
pub(crate) async fn read_history(conn: &mut Conn, table: &HistoryTable) -> Result<Vec<HistoryRow>, MigrateError> {
    let rows = match conn.rows_retrying(&table.select_rows()).await {
        Ok(rows) => rows,
        Err(e) if is_missing_table(&e) => return Ok(Vec::new()),
        Err(e) => return Err(MigrateError::db(format!("reading the history table `{}`", table.name()), e)),
    };
    history_rows(rows, table)
}

/// Rows read with `select_rows`, as history rows.
pub(crate) fn history_rows(
    rows: Vec<Vec<Option<String>>>,
    table: &HistoryTable,
) -> Result<Vec<HistoryRow>, MigrateError> {
    rows.into_iter()
        .map(|cols| {
            HistoryRow::from_columns(cols)
                .map_err(|detail| MigrateError::CorruptHistory { table: table.name().to_owned(), detail })
        })
        .collect()
}

/// Creates the history and summary tables if missing, in a transaction (on SQLite `BEGIN
/// IMMEDIATE`, so a busy database is waited for like any other write; on PostgreSQL with the
/// "already exists, skipping" notices silenced, so a concurrent boot logs nothing).
pub(crate) async fn ensure_tables(
    conn: &mut Conn,
    table: &HistoryTable,
    options: &Options,
) -> Result<(), MigrateError> {
    let create = table.create();
    if conn.dialect() == Dialect::MySql {
        return conn.run("creating the history table", &create).await;
    }
    let quiet = if conn.dialect() == Dialect::Postgres { "SET LOCAL client_min_messages = warning;\n" } else { "" };
    begin_with(conn, options.lock_timeout, table.name(), None).await?;
    send_or_roll_back(conn, || "creating the history table".into(), &format!("{quiet}{create};\nCOMMIT")).await
}

/// Reads the history and writes its summary in one transaction (the caller holds the lock; on
/// SQLite `BEGIN IMMEDIATE` keeps other writers out between the read and the write). `pending`
/// (statements of our own still to send, each ending in `;\n`) travels in the same batch.
/// Returns the rows read.
pub(crate) async fn write_summary(
    conn: &mut Conn,
    table: &HistoryTable,
    options: &Options,
    pending: &str,
) -> Result<Vec<HistoryRow>, MigrateError> {
    let raw = begin_with(conn, options.lock_timeout, table.name(), Some(&table.select_rows())).await?;
    let rows = match history_rows(raw, table) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = conn.execute("ROLLBACK").await;
            return Err(e);
        }
    };
    let digest = crate::summary::of_rows(&rows);
    let sql = format!("{pending}{};\n{};\nCOMMIT", table.delete_summary(), table.insert_summary(&digest, &now()));
    send_or_roll_back(conn, || "writing the history's summary".into(), &sql).await?;
    Ok(rows)
}

/// Stamps `targets` without running anything, as Alembic's `stamp`: the current heads sharing a
/// target's lineage move to it (`base` removes them), a target on a branch with nothing applied
/// is added, and the history then records the new heads' lineage. With [`StampMode::Purge`](super::StampMode::Purge) the
/// history is emptied first.
///
/// # Errors
/// A target that does not resolve; the lock or a database error.
pub async fn stamp(
    pool: DbPool<'_>,
    graph: &RevisionGraph,
    targets: &[Target],
    mode: super::StampMode,
    options: &Options,
) -> Result<Report, MigrateError> {
    let graph = &*graph.on_dialect(pool.dialect());
    let (mut guard, table) = locked_session(pool, options).await?;
    ensure_tables(guard.conn(), &table, options).await?;
    let before = read_history(guard.conn(), &table).await?;
    let before_heads = heads(graph, &applied_set(graph, &before));
    let purge = mode == super::StampMode::Purge;
    let rows = if purge { Vec::new() } else { before };
    let applied = applied_set(graph, &rows);
    let current = graph.heads_of(&applied);
    let resolved: Vec<Resolved> =
        targets.iter().map(|t| graph.resolve(t, &current, Intent::Name)).collect::<Result<_, _>>()?;
    let after = plan_stamp(graph, &applied, &resolved);
    let mut sql = String::new();
    if purge {
        sql.push_str(&format!("{};\n", table.delete_all()));
    }
    for n in 0..graph.len() {
        let r = graph.revision(n);
        match (applied[n], after[n]) {
            (true, false) => sql.push_str(&table.delete(r.id.as_str())),
            (false, true) => sql.push_str(&table.insert(&HistoryRow::for_revision(r, State::Applied, 0))),
            _ => continue,
        }
        sql.push_str(";\n");
    }
    begin_with(guard.conn(), options.lock_timeout, table.name(), None).await?;
    let sql = format!("{};\n{sql}COMMIT", table.delete_summary());
    send_or_roll_back(guard.conn(), || "stamping the history table".into(), &sql).await?;
    let report = Report { before: before_heads, after: heads(graph, &after), locked: true, ..Report::default() };
    guard.release().await?;
    Ok(report)
}

/// Marks a `started`/`failed` row as applied (`applied = true`) or removes it (rolled back).
/// `revision` is an id or a unique prefix of one among the unresolved rows.
///
/// # Errors
/// [`MigrateError::NothingToResolve`] when no unresolved row matches (or several do); the lock
/// or a database error.
pub async fn resolve(
    pool: DbPool<'_>,
    revision: &str,
    resolution: super::Resolution,
    options: &Options,
) -> Result<(), MigrateError> {
    let applied = resolution == super::Resolution::Applied;
    let (mut guard, table) = locked_session(pool, options).await?;
    let rows = read_history(guard.conn(), &table).await?;
    let unresolved = || rows.iter().filter(|r| r.state != State::Applied);
    let matching: Vec<&HistoryRow> = unresolved().filter(|r| r.revision.as_str().starts_with(revision)).collect();
    let row = match (unresolved().find(|r| r.revision == revision), matching.as_slice()) {
        (Some(row), _) | (None, &[row]) => row,
        _ => return Err(MigrateError::NothingToResolve { revision: revision.to_owned() }),
    };
    let sql = if applied {
        table.update_state(row.revision.as_str(), State::Applied, row.duration_ms, None)
    } else {
        table.delete(row.revision.as_str())
    };
    let dialect = guard.conn().dialect();
    let sql = format!("{};\n{sql};\n{};\nCOMMIT", dialect.begin(), table.delete_summary());
    send_or_roll_back(guard.conn(), || "resolving the revision".into(), &sql).await?;
    tracing::info!(revision = %row.revision, resolution = if applied { "applied" } else { "rolled back" }, "resolved");
    guard.release().await
}

/// The rows of the history table, oldest first.
///
/// # Errors
/// A database error, or a row this version cannot read.
pub async fn history(pool: DbPool<'_>, options: &Options) -> Result<Vec<HistoryRow>, MigrateError> {
    let mut conn = open(pool, options).await?;
    let table = HistoryTable::new(conn.dialect(), &options.table);
    read_history(&mut conn, &table).await
}
