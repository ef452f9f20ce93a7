//! The boot fast path: one narrow statement that says whether the database holds exactly the
//! graph's revisions, all applied, with their checksums. When it does, `upgrade` returns with
//! no lock taken and nothing written; when anything differs (pending, unknown, unresolved,
//! drifted, no table yet), the full path looks row by row.
//!
//! It reads three columns (revision, checksum, state). SQLite and PostgreSQL fold them into one
//! text value (`id:checksum:state,…`): one row to hand over instead of one per revision, which
//! is most of the cost on SQLite, whose driver passes each row from a worker thread. MySQL
//! returns rows: its `GROUP_CONCAT` truncates at `group_concat_max_len` (1 KiB by default).
//! Server-side digests (SHA-256 of the sorted rows; XOR of row hashes) were measured and were
//! not faster: bench/RESULTS.md.

use migrate_core::{Checksum, RevisionGraph};

use crate::backend::{Conn, is_missing_table};
use crate::dialect::{Dialect, SqlText as _};
use crate::error::MigrateError;

/// The statement for `dialect`.
fn statement(dialect: Dialect, table: &str) -> String {
    let t = dialect.quote_table(table);
    match dialect {
        Dialect::Sqlite => format!("SELECT group_concat(revision || ':' || checksum || ':' || state, ',') FROM {t}"),
        Dialect::Postgres => format!("SELECT string_agg(revision || ':' || checksum || ':' || state, ',') FROM {t}"),
        Dialect::MySql => format!("SELECT revision, checksum, state FROM {t}"),
    }
}

/// Counts rows that match the graph (applied, same checksum) and rows that do not.
#[derive(Default)]
struct Tally {
    matched: usize,
    other: usize,
}

impl Tally {
    fn row(&mut self, graph: &RevisionGraph, id: &str, checksum: &str, state: &str) {
        let ok = state == "applied"
            && graph.node(id).is_some_and(|n| Some(graph.revision(n).checksum) == Checksum::from_hex(checksum));
        if ok { self.matched += 1 } else { self.other += 1 }
    }

    fn folded(&mut self, graph: &RevisionGraph, folded: &str) {
        for row in folded.split(',').filter(|r| !r.is_empty()) {
            match row.splitn(3, ':').collect::<Vec<_>>()[..] {
                [id, checksum, state] => self.row(graph, id, checksum, state),
                _ => self.other += 1,
            }
        }
    }
}

/// `Some(current heads)` when the database holds exactly the graph, applied; `None` when the
/// full path must look.
pub(crate) async fn up_to_date(
    conn: &mut Conn,
    graph: &RevisionGraph,
    table: &str,
) -> Result<Option<Vec<String>>, MigrateError> {
    let rows = match conn.rows(&statement(conn.dialect(), table)).await {
        Ok(rows) => rows,
        Err(e) if is_missing_table(&e) => return Ok(None),
        Err(e) => return Err(MigrateError::db(format!("reading the history table `{table}`"), &e)),
    };
    let mut tally = Tally::default();
    for cols in &rows {
        match &cols[..] {
            [Some(id), Some(checksum), Some(state)] => tally.row(graph, id, checksum, state),
            [Some(folded)] => tally.folded(graph, folded),
            [None] => {}
            _ => tally.other += 1,
        }
    }
    let exact = tally.other == 0 && tally.matched == graph.len();
    Ok(exact.then(|| graph.heads().iter().map(|&n| graph.revision(n).id.to_string()).collect()))
}
