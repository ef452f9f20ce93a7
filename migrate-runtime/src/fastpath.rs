//! The boot fast path: one narrow statement that says whether the database holds exactly the
//! graph's revisions, all applied, with their checksums. When it does, `upgrade` returns with
//! no lock taken and nothing written; when anything differs (pending, unknown, unresolved,
//! drifted, no table yet), the full path looks row by row.
//!
//! Each database does most of the work itself, so little crosses the wire:
//! - PostgreSQL: the count and SHA-256 of the sorted rows (`id:checksum:state`, comma joined);
//! - MySQL/MariaDB: the count and the XOR of each row's SHA-256 prefix (`GROUP_CONCAT` would
//!   truncate at `group_concat_max_len`);
//! - SQLite: the rows folded into one text value (its driver hands rows over from a worker
//!   thread one by one, and it has no SHA-256 function).

use migrate_core::{Checksum, RevisionGraph};
use sha2::{Digest, Sha256};

use crate::backend::{Conn, is_missing_table};
use crate::dialect::Dialect;
use crate::error::MigrateError;

/// The statement for `dialect`.
fn statement(dialect: Dialect, table: &str) -> String {
    let t = dialect.quote_table(table);
    match dialect {
        Dialect::Postgres => format!(
            "SELECT CAST(count(*) AS TEXT), encode(sha256(convert_to(COALESCE(string_agg(revision || ':' || checksum || ':' || state, ',' ORDER BY revision COLLATE \"C\"), ''), 'UTF8')), 'hex') FROM {t}"
        ),
        Dialect::MySql => format!(
            "SELECT CAST(COUNT(*) AS CHAR), CAST(COALESCE(BIT_XOR(CAST(CONV(LEFT(SHA2(CONCAT(revision, ':', checksum, ':', state), 256), 16), 16, 10) AS UNSIGNED)), 0) AS CHAR) FROM {t}"
        ),
        Dialect::Sqlite => format!("SELECT group_concat(revision || ':' || checksum || ':' || state, ',') FROM {t}"),
    }
}

/// `id:checksum:applied` for every revision of the graph, sorted by id bytes.
fn expected_rows(graph: &RevisionGraph) -> Vec<String> {
    let mut rows: Vec<String> =
        graph.revisions().iter().map(|r| format!("{}:{}:applied", r.id, r.checksum.to_hex())).collect();
    rows.sort_unstable();
    rows
}

/// The first 8 bytes of SHA-256 of `row`, as MySQL's `CONV(LEFT(SHA2(row, 256), 16), 16, 10)`.
fn row_prefix(row: &str) -> u64 {
    let digest = Sha256::digest(row.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bytes)
}

/// `true` when the folded SQLite rows are exactly the graph's revisions, applied.
fn folded_matches(graph: &RevisionGraph, folded: Option<&str>) -> bool {
    let mut matched = 0usize;
    for row in folded.unwrap_or("").split(',').filter(|r| !r.is_empty()) {
        let ok = match row.splitn(3, ':').collect::<Vec<_>>()[..] {
            [id, sum, "applied"] => {
                graph.node(id).is_some_and(|n| Some(graph.revision(n).checksum) == Checksum::from_hex(sum))
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        matched += 1;
    }
    matched == graph.len()
}

/// `Some(current heads)` when the database holds exactly the graph, applied; `None` when the
/// full path must look.
pub(crate) async fn up_to_date(
    conn: &mut Conn,
    graph: &RevisionGraph,
    table: &str,
) -> Result<Option<Vec<String>>, MigrateError> {
    let dialect = conn.dialect();
    let cols = match conn.rows(&statement(dialect, table)).await {
        Ok(rows) => rows.into_iter().next().unwrap_or_default(),
        Err(e) if is_missing_table(&e) => return Ok(None),
        Err(e) => return Err(MigrateError::db(format!("reading the history table `{table}`"), &e)),
    };
    let count_ok = || cols.first().cloned().flatten().and_then(|c| c.parse::<usize>().ok()) == Some(graph.len());
    let matches = match dialect {
        Dialect::Sqlite => folded_matches(graph, cols.first().cloned().flatten().as_deref()),
        Dialect::Postgres => {
            let digest = hex(&Sha256::digest(expected_rows(graph).join(",").as_bytes()));
            count_ok() && cols.get(1).cloned().flatten().as_deref() == Some(digest.as_str())
        }
        Dialect::MySql => {
            let xor = expected_rows(graph).iter().fold(0u64, |acc, row| acc ^ row_prefix(row));
            count_ok() && cols.get(1).cloned().flatten().and_then(|x| x.parse::<u64>().ok()) == Some(xor)
        }
    };
    Ok(matches.then(|| graph.heads().iter().map(|&n| graph.revision(n).id.to_string()).collect()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_prefix_is_the_big_endian_start_of_sha256() {
        // sha256("abc") = ba7816bf8f01cfea…
        assert_eq!(row_prefix("abc"), 0xba7816bf8f01cfea);
    }
}
