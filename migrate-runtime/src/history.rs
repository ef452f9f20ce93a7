//! The history table's rows and what they say about a database: current heads, pending
//! revisions, drift, unresolved rows, revisions the binary does not know. Pure: rows come in
//! from a backend; nothing here talks to a database.

use std::collections::{HashMap, HashSet};

use migrate_core::{RevisionGraph, RevisionId};

/// Now, RFC 3339 with milliseconds, UTC: the `applied_at` of new rows (and `written_at` of the
/// summary). A clock before 1970 is written as 1970-01-01T00:00:00.000Z.
pub(crate) fn now() -> String {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    rfc3339_millis(since.as_millis())
}

/// `ms` milliseconds after 1970-01-01T00:00:00Z as `YYYY-MM-DDTHH:MM:SS.mmmZ`. The proleptic
/// Gregorian calendar from a day count (Howard Hinnant's `civil_from_days`): a few lines here
/// instead of a date crate in every application binary (issue 15: ~90 kB).
fn rfc3339_millis(ms: u128) -> String {
    let (days, in_day) = ((ms / 86_400_000) as i64, (ms % 86_400_000) as u64);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// The state of a history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum State {
    /// Applied and committed.
    Applied,
    /// Started outside a transaction and not known to have finished (the process died, or the
    /// database committed DDL implicitly before failing).
    Started,
    /// Failed outside a transaction: partly applied.
    Failed,
}

impl State {
    /// As stored: `applied`, `started`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Started => "started",
            State::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "applied" => Some(State::Applied),
            "started" => Some(State::Started),
            "failed" => Some(State::Failed),
            _ => None,
        }
    }
}

/// One row of the history table: an applied (or attempted) revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// The revision id.
    pub revision: RevisionId,
    /// Its parents, as the binary that applied it knew them.
    pub revises: Vec<RevisionId>,
    /// Its message.
    pub message: String,
    /// SHA-256 (hex) of its up section when it was applied.
    pub checksum: String,
    /// Applied, started or failed.
    pub state: State,
    /// When (RFC 3339, UTC).
    pub applied_at: String,
    /// How long the up section took.
    pub duration_ms: u64,
    /// The database's error, for a failed row.
    pub error: Option<String>,
}

impl HistoryRow {
    /// The row recording revision `r` in `state`, applied now.
    pub(crate) fn for_revision(r: &migrate_core::Revision, state: State, duration_ms: u64) -> Self {
        Self {
            revision: r.id.clone(),
            revises: r.parents.clone(),
            message: r.message.clone(),
            checksum: r.checksum.to_hex(),
            state,
            applied_at: now(),
            duration_ms,
            error: None,
        }
    }

    /// Builds a row from its columns, all read as text, in the order `HistoryTable::select_rows`
    /// selects them: revision, revises, message, checksum, state, applied_at, duration_ms, error.
    ///
    /// # Errors
    /// A sentence naming the column when a value is missing or malformed.
    pub fn from_columns(cols: Vec<Option<String>>) -> Result<Self, String> {
        let mut cols = cols.into_iter();
        let mut next = |name: &str| cols.next().flatten().ok_or_else(|| format!("column `{name}` is missing or NULL"));
        let revision = next("revision")?;
        let revises = next("revises")?;
        let message = next("message")?;
        let checksum = next("checksum")?;
        let state_text = next("state")?;
        let applied_at = next("applied_at")?;
        let duration = next("duration_ms")?;
        let error = cols.next().flatten();
        Ok(Self {
            state: State::parse(&state_text)
                .ok_or_else(|| format!("revision `{revision}` has an unknown state `{state_text}`"))?,
            duration_ms: duration
                .trim()
                .parse()
                .map_err(|_| format!("revision `{revision}` has duration `{duration}`"))?,
            revises: revises
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|id| RevisionId::parse(id).map_err(|e| format!("revision `{revision}` revises `{id}`: {e}")))
                .collect::<Result<_, _>>()?,
            revision: RevisionId::parse(&revision).map_err(|e| format!("column `revision`: {e}"))?,
            message,
            checksum,
            applied_at,
            error,
        })
    }
}

/// An applied revision whose up section has changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Drift {
    /// The revision id.
    pub revision: RevisionId,
    /// Its file.
    pub path: String,
}

/// A row left `started` or `failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Unresolved {
    /// The revision id.
    pub revision: RevisionId,
    /// `started` or `failed`.
    pub state: State,
    /// The recorded error.
    pub error: Option<String>,
}

/// What a database's history says, compared with the revisions a binary knows: shaped for a
/// health endpoint (with the `serde` feature it serialises as
/// `{"current": [...], "pending": [...], "drifted": [{"revision", "path"}], "unresolved":
/// [{"revision", "state", "error"}], "ahead": [...], "diverged": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Status {
    /// The heads of the applied revisions this binary knows (empty: nothing applied).
    pub current: Vec<RevisionId>,
    /// Revisions this binary has that are not applied, in apply order.
    pub pending: Vec<RevisionId>,
    /// Applied revisions whose up section changed since.
    pub drifted: Vec<Drift>,
    /// Rows left `started` or `failed` by a revision run outside a transaction.
    pub unresolved: Vec<Unresolved>,
    /// Applied revisions this binary does not know that descend from its heads (a newer
    /// binary ran: normal during a rolling deploy).
    pub ahead: Vec<RevisionId>,
    /// Applied revisions this binary does not know that do not descend from its heads.
    pub diverged: Vec<RevisionId>,
}

impl Status {
    /// `true` when nothing is pending and nothing is wrong: the boot fast path.
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty() && self.is_consistent()
    }

    /// `true` when no drift, unresolved row or divergence stops a migration.
    pub fn is_consistent(&self) -> bool {
        self.drifted.is_empty() && self.unresolved.is_empty() && self.diverged.is_empty()
    }
}

/// The applied set as a membership table over `graph` (rows in any state count: a `started`
/// or `failed` revision must not be run again before it is resolved).
pub fn applied_set(graph: &RevisionGraph, rows: &[HistoryRow]) -> Vec<bool> {
    let mut applied = vec![false; graph.len()];
    for row in rows {
        if let Some(n) = graph.node(row.revision.as_str()) {
            applied[n] = true;
        }
    }
    applied
}

/// Compares the history with the graph.
pub fn analyze(graph: &RevisionGraph, rows: &[HistoryRow]) -> Status {
    let applied = applied_set(graph, rows);
    // Current: what is known to be applied. A `started` or `failed` row is unresolved, and
    // neither current nor pending.
    let mut done = vec![false; graph.len()];
    for row in rows.iter().filter(|r| r.state == State::Applied) {
        if let Some(n) = graph.node(row.revision.as_str()) {
            done[n] = true;
        }
    }
    let mut status = Status {
        current: graph.heads_of(&done).iter().map(|&n| graph.revision(n).id.clone()).collect(),
        pending: graph
            .topological_order()
            .iter()
            .filter(|&&n| !applied[n])
            .map(|&n| graph.revision(n).id.clone())
            .collect(),
        ..Status::default()
    };
    let mut unknown = Vec::new();
    for row in rows {
        match graph.node(row.revision.as_str()) {
            Some(n) => {
                let r = graph.revision(n);
                if row.state == State::Applied && row.checksum != r.checksum.to_hex() {
                    status.drifted.push(Drift { revision: row.revision.clone(), path: r.source.path.clone() });
                }
            }
            None => unknown.push(row),
        }
        if row.state != State::Applied {
            status.unresolved.push(Unresolved {
                revision: row.revision.clone(),
                state: row.state,
                error: row.error.clone(),
            });
        }
    }
    let heads: HashSet<&str> = graph.heads().iter().map(|&n| graph.revision(n).id.as_str()).collect();
    let stored: HashMap<&str, &HistoryRow> = rows.iter().map(|r| (r.revision.as_str(), r)).collect();
    for row in unknown {
        let descends = status.pending.is_empty() && stored_ancestry(&stored, row).iter().any(|id| heads.contains(id));
        if descends {
            status.ahead.push(row.revision.clone());
        } else {
            status.diverged.push(row.revision.clone());
        }
    }
    status
}

/// Every id `row` descends from, through the stored `revises` columns.
fn stored_ancestry<'a>(stored: &HashMap<&str, &'a HistoryRow>, row: &'a HistoryRow) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    let mut stack: Vec<&str> = row.revises.iter().map(RevisionId::as_str).collect();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(parent) = stored.get(id) {
            stack.extend(parent.revises.iter().map(RevisionId::as_str));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hand-written calendar agrees with jiff's from 1970 to 9999.
        #[test]
        fn rfc3339_millis_agrees_with_jiff(ms in 0u64..253_402_300_799_999) {
            let ts = jiff::Timestamp::from_millisecond(ms as i64).expect("in range");
            proptest::prop_assert_eq!(rfc3339_millis(u128::from(ms)), ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string());
        }
    }

    #[test]
    fn rfc3339_millis_edges() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_millis(1_796_083_199_999), "2026-11-30T23:59:59.999Z");
        assert!(now().ends_with('Z') && now().len() == 24);
    }

    /// `a ← b ← c`, loaded through the real parser.
    fn graph() -> RevisionGraph {
        let revisions = [("a", ""), ("b", "a"), ("c", "b")]
            .iter()
            .map(|(id, parent)| {
                let text =
                    format!("-- revision: {id}\n-- revises: {parent}\n-- message: {id}\n\n-- migrate:up\nSELECT 1;\n");
                migrate_core::parse_revision(&format!("m/{id}.sql"), text.as_bytes()).expect("valid")
            })
            .collect();
        let (graph, errors) = RevisionGraph::build_unchecked(revisions);
        assert!(errors.is_empty(), "{errors:?}");
        graph
    }

    fn row(g: &RevisionGraph, id: &str, revises: &str, state: State) -> HistoryRow {
        let checksum = g.node(id).map_or_else(|| "0".repeat(64), |n| g.revision(n).checksum.to_hex());
        HistoryRow {
            revision: RevisionId::parse(id).expect("id"),
            revises: revises.split(',').filter(|s| !s.is_empty()).map(|p| RevisionId::parse(p).expect("id")).collect(),
            message: id.into(),
            checksum,
            state,
            applied_at: "2026-11-30T00:00:00.000Z".into(),
            duration_ms: 1,
            error: None,
        }
    }

    #[test]
    fn up_to_date_and_pending() {
        let g = graph();
        let s = analyze(&g, &[row(&g, "a", "", State::Applied), row(&g, "b", "a", State::Applied)]);
        assert_eq!(s.current, ["b"]);
        assert_eq!(s.pending, ["c"]);
        assert!(!s.is_up_to_date() && s.is_consistent());
        let rows: Vec<_> =
            [("a", ""), ("b", "a"), ("c", "b")].iter().map(|(i, p)| row(&g, i, p, State::Applied)).collect();
        assert!(analyze(&g, &rows).is_up_to_date());
    }

    #[test]
    fn a_failed_or_started_revision_is_unresolved_not_current_nor_pending() {
        let g = graph();
        for state in [State::Failed, State::Started] {
            let s = analyze(&g, &[row(&g, "a", "", State::Applied), row(&g, "b", "a", state)]);
            assert_eq!(s.current, ["a"], "{state:?}");
            assert_eq!(s.pending, ["c"], "{state:?}: b is not run again before it is resolved");
            assert_eq!(s.unresolved.iter().map(|u| u.revision.as_str()).collect::<Vec<_>>(), ["b"]);
            assert!(!s.is_consistent());
        }
    }

    #[test]
    fn ahead_when_unknown_rows_descend_from_the_head_diverged_otherwise() {
        let g = graph();
        let mut rows: Vec<_> =
            [("a", ""), ("b", "a"), ("c", "b")].iter().map(|(i, p)| row(&g, i, p, State::Applied)).collect();
        rows.push(row(&g, "d", "c", State::Applied));
        rows.push(row(&g, "e", "d", State::Applied));
        let s = analyze(&g, &rows);
        assert_eq!(s.ahead, ["d", "e"]);
        assert!(s.diverged.is_empty() && s.is_up_to_date(), "a newer binary ran: nothing to do here");
        // An unknown revision on another line (from b, not from the head c) has diverged.
        rows.push(row(&g, "x", "b", State::Applied));
        assert_eq!(analyze(&g, &rows).diverged, ["x"]);
        // With something of ours pending, an unknown revision cannot be ahead of us.
        let partial = vec![row(&g, "a", "", State::Applied), row(&g, "d", "c", State::Applied)];
        assert_eq!(analyze(&g, &partial).diverged, ["d"]);
    }

    #[test]
    fn drift_is_an_applied_row_whose_checksum_changed() {
        let g = graph();
        let mut edited = row(&g, "a", "", State::Applied);
        edited.checksum = "f".repeat(64);
        let s = analyze(&g, &[edited]);
        assert_eq!(s.drifted.iter().map(|d| d.revision.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(s.drifted[0].path, "m/a.sql");
    }
}
