//! `Migrations`: the embedded, compile-time-built revision table, its queries, and the
//! database operations a deployed binary runs on itself.
//!
//! The macro builds these values already parsed and in topological order; nothing here reads
//! or parses files. The graph the engine plans with is built from them once, on first use.

use std::sync::OnceLock;

use migrate_core::{Checksum, Revision, RevisionGraph, RevisionId, Section, SourceInfo, Span, Target};

use crate::backend::DbPool;
use crate::engine::{self, Options, Report};
use crate::error::MigrateError;
use crate::history::{HistoryRow, Status};

/// One section of embedded SQL with the line of the file it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedSection {
    /// The SQL, line endings normalised to `\n`.
    pub sql: &'static str,
    /// 1-based line in the revision file of the first line of `sql`.
    pub first_line: u32,
}

/// One revision as embedded by `embed_migrations!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedRevision {
    /// The revision id.
    pub id: &'static str,
    /// The ids it revises (none for a root, two or more for a merge).
    pub parents: &'static [&'static str],
    /// The `depends-on` ids.
    pub depends_on: &'static [&'static str],
    /// Its branch labels.
    pub branch_labels: &'static [&'static str],
    /// The one-line message.
    pub message: &'static str,
    /// `false` for a revision that runs outside a transaction.
    pub transactional: bool,
    /// The up section.
    pub up: EmbeddedSection,
    /// The down section; `None` for an irreversible revision.
    pub down: Option<EmbeddedSection>,
    /// SHA-256 of the normalised up section.
    pub checksum: [u8; 32],
    /// The revision file, relative to the package root (for messages).
    pub path: &'static str,
}

/// The revisions of a package, embedded at compile time in topological order (parents and
/// dependencies first, ties broken by file name).
#[derive(Debug)]
pub struct Migrations {
    revisions: &'static [EmbeddedRevision],
    table: &'static str,
    dir: &'static str,
    graph: OnceLock<Result<RevisionGraph, migrate_core::Diagnostics>>,
}

impl Migrations {
    /// Used by `embed_migrations!`; not a stable API.
    #[doc(hidden)]
    pub const fn __from_embedded(
        revisions: &'static [EmbeddedRevision],
        table: &'static str,
        dir: &'static str,
    ) -> Self {
        Self { revisions, table, dir, graph: OnceLock::new() }
    }

    /// The revision graph of the embedded revisions (built once).
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] when the embedded revisions do not form a valid graph, which
    /// `embed_migrations!` rules out at compile time.
    pub fn graph(&self) -> Result<&RevisionGraph, MigrateError> {
        self.graph
            .get_or_init(|| RevisionGraph::build(self.revisions.iter().map(to_revision).collect()))
            .as_ref()
            .map_err(|d| MigrateError::Invalid(d.clone()))
    }

    /// The default options: this package's history table, a 10-minute lock timeout, drift
    /// refused.
    pub fn options(&self) -> Options {
        Options { table: self.table.to_owned(), ..Options::default() }
    }

    /// Applies every pending revision, in order, under the migration lock. An up-to-date
    /// database costs one query: no lock is taken and nothing is written.
    ///
    /// # Errors
    /// A failed statement (with revision, file and line), drift, an unresolved or diverged
    /// history, a lock timeout, a database error.
    pub async fn upgrade<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Report, MigrateError> {
        engine::upgrade(pool.into(), self.graph()?, &Target::Heads, &self.options()).await
    }

    /// Upgrades to `target` (`head`, `heads`, an id or prefix, `+1`, `LABEL@head`, …).
    ///
    /// # Errors
    /// As [`Migrations::upgrade`], and a target that does not resolve.
    pub async fn upgrade_to<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        target: &str,
        options: &Options,
    ) -> Result<Report, MigrateError> {
        engine::upgrade(pool.into(), self.graph()?, &migrate_core::parse_target(target)?, options).await
    }

    /// Downgrades to `target` (`base`, an id, `-1`, `LABEL@base`, …): removes the applied
    /// revisions that descend from it, children first.
    ///
    /// # Errors
    /// As [`Migrations::upgrade`]; an irreversible revision in the way (refused before
    /// anything runs); a target that is not applied.
    pub async fn downgrade<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        target: &str,
        options: &Options,
    ) -> Result<Report, MigrateError> {
        engine::downgrade(pool.into(), self.graph()?, &migrate_core::parse_target(target)?, options).await
    }

    /// Records `target`'s lineage as applied (on its branch) without running anything;
    /// `purge` first empties the history table.
    ///
    /// # Errors
    /// A target that does not resolve; a lock timeout; a database error.
    pub async fn stamp<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        target: &str,
        purge: bool,
        options: &Options,
    ) -> Result<Report, MigrateError> {
        engine::stamp(pool.into(), self.graph()?, &migrate_core::parse_target(target)?, purge, options).await
    }

    /// Current heads, pending revisions, drift, unresolved rows, revisions applied by a newer
    /// binary: one query, no lock. Shaped for a health check.
    ///
    /// # Errors
    /// A database error, or a history row this version cannot read.
    pub async fn status<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Status, MigrateError> {
        engine::status(pool.into(), self.graph()?, &self.options()).await
    }

    /// The history table's rows, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn history<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Vec<HistoryRow>, MigrateError> {
        engine::history(pool.into(), &self.options()).await
    }

    /// Resolves a revision left `started` or `failed`: `applied = true` marks it applied,
    /// `false` removes its row (it was rolled back by hand).
    ///
    /// # Errors
    /// [`MigrateError::NothingToResolve`]; a lock timeout; a database error.
    pub async fn resolve<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        revision: &str,
        applied: bool,
        options: &Options,
    ) -> Result<(), MigrateError> {
        engine::resolve(pool.into(), revision, applied, options).await
    }

    /// Every revision, parents and dependencies before their children.
    pub fn revisions(&self) -> &'static [EmbeddedRevision] {
        self.revisions
    }

    /// The revision with this exact id.
    pub fn get(&self, id: &str) -> Option<&'static EmbeddedRevision> {
        self.revisions.iter().find(|r| r.id == id)
    }

    /// The revisions no other embedded revision revises (one, unless the folder has named
    /// branches), in embedded order.
    pub fn heads(&self) -> Vec<&'static EmbeddedRevision> {
        let revised: std::collections::HashSet<&str> =
            self.revisions.iter().flat_map(|r| r.parents.iter().copied()).collect();
        self.revisions.iter().filter(|r| !revised.contains(r.id)).collect()
    }

    /// How many revisions are embedded.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// `true` when none are.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The history table's name, from `[package.metadata.migrate] table` (validated at
    /// compile time).
    pub fn table(&self) -> &'static str {
        self.table
    }

    /// The migrations folder the revisions came from, relative to the package root.
    pub fn dir(&self) -> &'static str {
        self.dir
    }
}

/// The core revision for an embedded one (spans are empty: there is no file to point into).
fn to_revision(e: &EmbeddedRevision) -> Revision {
    let ids = |list: &[&str]| list.iter().filter_map(|id| RevisionId::parse(id).ok()).collect::<Vec<_>>();
    let span = Span { line: 0, start: 0, end: 0, line_text: String::new() };
    let section = |s: &EmbeddedSection| Section { sql: s.sql.to_owned(), first_line: s.first_line as usize };
    Revision {
        id: RevisionId::parse(e.id).unwrap_or_else(|_| unreachable_id(e.id)),
        parents: ids(e.parents),
        depends_on: ids(e.depends_on),
        branch_labels: e.branch_labels.iter().map(|l| (*l).to_owned()).collect(),
        message: e.message.to_owned(),
        created: None,
        transactional: e.transactional,
        up: section(&e.up),
        down: e.down.as_ref().map(section),
        checksum: Checksum(e.checksum),
        source: SourceInfo {
            path: e.path.to_owned(),
            file_name: e.path.rsplit('/').next().unwrap_or(e.path).to_owned(),
            id_span: span.clone(),
            revises_span: span.clone(),
            parent_spans: vec![span.clone(); e.parents.len()],
            depends_on_spans: vec![span.clone(); e.depends_on.len()],
            branch_label_spans: vec![span; e.branch_labels.len()],
        },
    }
}

/// Embedded ids were validated at compile time; a hand-built table with a bad id still gets a
/// graph error rather than a panic.
fn unreachable_id(id: &str) -> RevisionId {
    RevisionId::parse(
        &id.chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').take(32).collect::<String>(),
    )
    .unwrap_or_else(|_| RevisionId::parse("invalid_embedded_id").unwrap_or_else(|_| unreachable!("a valid literal id")))
}
