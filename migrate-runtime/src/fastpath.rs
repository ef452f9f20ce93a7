//! The boot fast path: one statement that reads the summary table's row (see `summary`) and the
//! history's row count. When the summary is in this runtime's format, its digest is the one the
//! graph gives (every revision applied, with its checksum, nothing else) and the count matches,
//! `upgrade` returns with no lock taken and nothing written; otherwise the full path reads the
//! history row by row.
//!
//! Before the summary row, this statement read three columns of every row (folded into one
//! value on SQLite and PostgreSQL); at 1,000 revisions that scan was most of a boot on
//! PostgreSQL and MariaDB: bench/RESULTS.md.

use crate::backend::{Conn, is_missing_table};
use crate::error::MigrateError;
use crate::summary::Expected;
use crate::table::{HistoryTable, SUMMARY_FORMAT};

/// What the fast path found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FastPath {
    /// Exactly the graph, applied: the current heads.
    UpToDate(Vec<migrate_core::RevisionId>),
    /// A summary that does not match: something is pending, unknown, unresolved or drifted.
    Differs,
    /// No summary (no table yet, a new table, a change by an offline script since, or a summary
    /// in another runtime's format).
    NoSummary,
}

/// Reads the summary row and compares it with what a fully applied history looks like.
pub(crate) async fn check(
    conn: &mut Conn,
    expected: &Expected,
    table: &HistoryTable,
) -> Result<FastPath, MigrateError> {
    let rows = match conn.rows_retrying(&table.select_summary()).await {
        Ok(rows) => rows,
        Err(e) if is_missing_table(&e) => return Ok(FastPath::NoSummary),
        Err(e) => return Err(MigrateError::db(format!("reading the history table `{}`", table.name()), e)),
    };
    let Some([Some(digest), Some(format), Some(count)]) =
        rows.into_iter().next().as_deref().map(|r| [0, 1, 2].map(|i| r.get(i).cloned().flatten()))
    else {
        return Ok(FastPath::NoSummary);
    };
    if format.trim().parse::<u32>().ok() != Some(SUMMARY_FORMAT) {
        return Ok(FastPath::NoSummary);
    }
    if digest.trim() == expected.digest && count.trim().parse::<usize>().ok() == Some(expected.count) {
        Ok(FastPath::UpToDate(expected.heads.clone()))
    } else {
        Ok(FastPath::Differs)
    }
}

/// `Some(current heads)` when the database holds exactly the graph, applied; `None` when the
/// full path must look.
pub(crate) async fn up_to_date(
    conn: &mut Conn,
    expected: &Expected,
    table: &HistoryTable,
) -> Result<Option<Vec<migrate_core::RevisionId>>, MigrateError> {
    Ok(match check(conn, expected, table).await? {
        FastPath::UpToDate(heads) => Some(heads),
        _ => None,
    })
}
