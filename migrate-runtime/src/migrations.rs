//! `Migrations`: the embedded, compile-time-built revision table, its queries, and the
//! database operations a deployed binary runs on itself.
//!
//! The macro builds these values already parsed and in topological order; nothing here reads
//! or parses files. The graph the engine plans with is built from them once, on first use.

use std::sync::OnceLock;

use migrate_core::{
    Checksum, Dialect, RawRevision, RawVariant, Revision, RevisionGraph, RevisionId, Section, SourceInfo, Span, Variant,
};

use crate::backend::DbPool;
use crate::engine::{Options, Report};
use crate::error::MigrateError;
use crate::history::{HistoryRow, Status};
use crate::runner::Runner;
use crate::summary::Expected;

/// One section of embedded SQL with the line of the file it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedSection {
    /// The SQL, line endings normalised to `\n`.
    pub sql: &'static str,
    /// 1-based line in the revision file of the first line of `sql`.
    pub first_line: u32,
}

/// The package's settings and the fast path's expectations, as `embed_migrations!` writes them.
/// Not a stable API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMeta {
    /// `table` of `[package.metadata.migrate]`.
    pub table: &'static str,
    /// The migrations folder, relative to the package root.
    pub dir: &'static str,
    /// `database-url`, a relative SQLite path anchored to the package root ("" for none).
    pub database_url: &'static str,
    /// `lock`.
    pub lock: &'static str,
    /// `transaction`.
    pub transaction: &'static str,
    /// `migrate_core::applied_history_digest` of the embedded graph ("": compute at run time);
    /// when `variants` is not empty, one per dialect in `Dialect::ALL` order, comma separated.
    pub digest: &'static str,
    /// The head ids, comma separated.
    pub heads: &'static str,
    /// The sections marked for one dialect, [`RawVariant::RECORD`] bytes each (usually none).
    pub variants: &'static [u8],
    /// The functions of the Rust revisions, compiled in.
    pub rust: &'static [crate::rust::RustRevision],
}

/// One embedded revision: a view into the embedded table.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedRevision {
    raw: RawRevision,
    text: &'static str,
    dir: &'static str,
    /// Its index in the table: the variant records it owns carry this index.
    index: usize,
    /// The whole table of sections marked for one dialect (usually empty).
    variants: &'static [u8],
}

impl EmbeddedRevision {
    fn slice(&self, [start, len]: [u32; 2]) -> &'static str {
        self.text.get(start as usize..(start + len) as usize).unwrap_or("")
    }

    fn list(&self, range: [u32; 2]) -> impl Iterator<Item = &'static str> + use<> {
        self.slice(range).split(',').filter(|s| !s.is_empty())
    }

    /// The revision id.
    pub fn id(&self) -> &'static str {
        self.slice(self.raw.id)
    }

    /// The ids it revises (none for a root, two or more for a merge).
    pub fn parents(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.list(self.raw.parents)
    }

    /// The `depends-on` ids.
    pub fn depends_on(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.list(self.raw.depends_on)
    }

    /// Its branch labels.
    pub fn branch_labels(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.list(self.raw.branch_labels)
    }

    /// The one-line message.
    pub fn message(&self) -> &'static str {
        self.slice(self.raw.message)
    }

    /// `false` for a revision that runs outside a transaction.
    pub fn transactional(&self) -> bool {
        self.raw.transactional
    }

    /// `true` for a Rust revision (a `.rs` file compiled into the application).
    pub fn is_rust(&self) -> bool {
        self.raw.rust
    }

    /// The up section.
    pub fn up(&self) -> EmbeddedSection {
        let [start, len, line] = self.raw.up;
        EmbeddedSection { sql: self.slice([start, len]), first_line: line }
    }

    /// The down section; `None` for an irreversible revision.
    pub fn down(&self) -> Option<EmbeddedSection> {
        let [start, len, line] = self.raw.down;
        (line > 0).then(|| EmbeddedSection { sql: self.slice([start, len]), first_line: line })
    }

    /// The sections marked for one dialect (`-- migrate:down mysql`): `(dialect, up?, section)`,
    /// each replacing the section above of its direction on that dialect.
    pub fn variants(&self) -> impl Iterator<Item = (Dialect, bool, EmbeddedSection)> + '_ {
        let index = self.index;
        let records = self.variants.chunks_exact(RawVariant::RECORD).filter_map(RawVariant::decode);
        records.filter(move |v| v.revision as usize == index).map(|v| {
            let [start, len, line] = v.section;
            (v.dialect, v.up, EmbeddedSection { sql: self.slice([start, len]), first_line: line })
        })
    }

    /// SHA-256 of the normalised (unmarked) up section.
    pub fn checksum(&self) -> [u8; 32] {
        self.raw.checksum
    }

    /// The file name.
    pub fn file_name(&self) -> &'static str {
        self.slice(self.raw.file_name)
    }

    /// The revision file, relative to the package root (for messages).
    pub fn path(&self) -> String {
        if self.dir.is_empty() { self.file_name().to_owned() } else { format!("{}/{}", self.dir, self.file_name()) }
    }
}

/// The revisions of a package, embedded at compile time in topological order (parents and
/// dependencies first, ties broken by file name).
#[derive(Debug)]
pub struct Migrations {
    text: &'static str,
    /// The records, [`RawRevision::RECORD`] bytes each.
    table: &'static [u8],
    meta: EmbeddedMeta,
    graph: OnceLock<Result<RevisionGraph, migrate_core::Diagnostics>>,
}

impl Migrations {
    /// Used by `embed_migrations!`; not a stable API.
    #[doc(hidden)]
    pub const fn __from_embedded(text: &'static str, table: &'static [u8], meta: EmbeddedMeta) -> Self {
        Self { text, table, meta, graph: OnceLock::new() }
    }

    /// What a fully applied history of these revisions looks like (digest, count, heads), as
    /// `embed_migrations!` computed it: an up-to-date boot compares it with the summary row
    /// without building the graph. Computed from the graph for a table the macro did not write.
    pub(crate) fn expected(&self, dialect: Dialect) -> Result<Expected, MigrateError> {
        let digest = if self.meta.variants.is_empty() {
            Some(self.meta.digest)
        } else {
            let at = Dialect::ALL.iter().position(|&d| d == dialect).unwrap_or(0);
            self.meta.digest.split(',').nth(at)
        };
        let Some(digest) = digest.filter(|d| !d.is_empty()) else {
            return Ok(Expected::of_graph(&self.graph()?.on_dialect(dialect)));
        };
        let heads = self.meta.heads.split(',').filter(|h| !h.is_empty()).filter_map(|h| RevisionId::parse(h).ok());
        Ok(Expected { digest: digest.to_owned(), count: self.len(), heads: heads.collect() })
    }

    /// The revision graph of the embedded revisions (built once).
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] when the embedded revisions do not form a valid graph, which
    /// `embed_migrations!` rules out at compile time.
    pub fn graph(&self) -> Result<&RevisionGraph, MigrateError> {
        self.graph
            .get_or_init(|| RevisionGraph::build(self.revisions().map(|r| to_revision(&r)).collect()))
            .as_ref()
            .map_err(|d| MigrateError::Invalid(d.clone()))
    }

    /// The Rust revisions compiled into the application, in the table's order.
    pub(crate) fn rust_revisions(&self) -> &'static [crate::rust::RustRevision] {
        self.meta.rust
    }

    /// The options of this package: its history table, a 10-minute lock timeout, drift
    /// refused.
    pub(crate) fn options(&self) -> Options {
        Options::default()
            .with_rust(self.rust_revisions())
            .with_table(self.meta.table)
            .with_lock(self.lock_strategy())
            .with_transaction(self.transaction_mode())
    }

    /// `transaction` from `[package.metadata.migrate]` (`revision` by default).
    pub fn transaction_mode(&self) -> crate::TransactionMode {
        if self.meta.transaction == "run" { crate::TransactionMode::Run } else { crate::TransactionMode::Revision }
    }

    /// `lock` from `[package.metadata.migrate]` (validated at compile time; `auto` by default).
    pub fn lock_strategy(&self) -> crate::LockStrategy {
        crate::LockStrategy::parse(self.meta.lock).unwrap_or_default()
    }

    /// A runner with this package's options, to change them (`lock_timeout`, `drift`,
    /// `hint_command`) and to move the database anywhere: `upgrade_to`, `downgrade`, `stamp`,
    /// `resolve`.
    pub fn runner(&self) -> Runner<'_> {
        Runner::new(self)
    }

    /// Applies every pending revision, in order, under the migration lock. An up-to-date
    /// database costs one query: no lock is taken and nothing is written.
    ///
    /// # Errors
    /// A failed statement (with revision, file and line), drift, an unresolved or diverged
    /// history, a lock timeout, a database error.
    pub async fn upgrade<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Report, MigrateError> {
        self.runner().upgrade(pool).await
    }

    /// Current heads, pending revisions, drift, unresolved rows, revisions applied by a newer
    /// binary: one query, no lock. Shaped for a health check.
    ///
    /// # Errors
    /// A database error, or a history row this version cannot read.
    pub async fn status<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Status, MigrateError> {
        self.runner().status(pool).await
    }

    /// The stairway on the empty database of `pool` (a test's own): each revision up, down and
    /// up again, in order, the schema after its down section compared with the schema before
    /// its up section (`cargo migrate test` runs the same on scratch databases). Leaves every
    /// revision applied.
    ///
    /// ```no_run
    /// # static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("tests/fixtures/valid");
    /// # async fn t() -> Result<(), migrate_runtime::MigrateError> {
    /// let pool = migrate_runtime::AnyPool::connect("sqlite::memory:").await?;
    /// let stairway = MIGRATIONS.test_stairway(&pool).await?;
    /// assert_eq!(stairway.revisions.len(), MIGRATIONS.len());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// A database with revisions applied already; a failing statement (revision, file, line,
    /// direction and the database's message); [`MigrateError::DownMismatch`] naming the revision
    /// and the objects that differ; a database error.
    pub async fn test_stairway<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<crate::Stairway, MigrateError> {
        let pool = pool.into();
        Box::pin(crate::stairway::stairway(pool, self.graph()?, &self.options())).await
    }

    /// The history table's rows, oldest first.
    ///
    /// # Errors
    /// A database error, or a row this version cannot read.
    pub async fn history<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Vec<HistoryRow>, MigrateError> {
        crate::engine::history(pool.into(), &self.options()).await
    }

    /// Every revision, parents and dependencies before their children.
    pub fn revisions(&self) -> impl ExactSizeIterator<Item = EmbeddedRevision> + '_ {
        self.table.chunks_exact(RawRevision::RECORD).enumerate().map(|(index, record)| EmbeddedRevision {
            raw: RawRevision::decode(record),
            text: self.text,
            dir: self.meta.dir,
            index,
            variants: self.meta.variants,
        })
    }

    /// The revision with this exact id.
    pub fn get(&self, id: &str) -> Option<EmbeddedRevision> {
        self.revisions().find(|r| r.id() == id)
    }

    /// The revisions no other embedded revision revises (one, unless the folder has named
    /// branches), in embedded order.
    pub fn heads(&self) -> Vec<EmbeddedRevision> {
        let revised: std::collections::HashSet<&str> = self.revisions().flat_map(|r| r.parents()).collect();
        self.revisions().filter(|r| !revised.contains(r.id())).collect()
    }

    /// How many revisions are embedded.
    pub fn len(&self) -> usize {
        self.table.len() / RawRevision::RECORD
    }

    /// `true` when none are.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The history table's name, from `[package.metadata.migrate] table` (validated at
    /// compile time).
    pub fn table(&self) -> &'static str {
        self.meta.table
    }

    /// The migrations folder the revisions came from, relative to the package root.
    pub fn dir(&self) -> &'static str {
        self.meta.dir
    }

    /// `database-url` from `[package.metadata.migrate]` when the binary was built (a relative
    /// SQLite path made absolute against the package root then): the last place
    /// [`DatabaseUrl::resolve`](crate::DatabaseUrl::resolve) looks.
    pub fn config_database_url(&self) -> Option<&'static str> {
        (!self.meta.database_url.is_empty()).then_some(self.meta.database_url)
    }
}

/// The core revision for an embedded one (spans are empty: there is no file to point into).
fn to_revision(e: &EmbeddedRevision) -> Revision {
    let ids =
        |list: &mut dyn Iterator<Item = &str>| list.filter_map(|id| RevisionId::parse(id).ok()).collect::<Vec<_>>();
    let span = Span { line: 0, start: 0, end: 0, line_text: String::new() };
    let section = |s: EmbeddedSection| Section { sql: s.sql.to_owned(), first_line: s.first_line as usize };
    let parents = ids(&mut e.parents());
    let depends_on = ids(&mut e.depends_on());
    let branch_labels: Vec<String> = e.branch_labels().map(str::to_owned).collect();
    Revision {
        id: RevisionId::parse(e.id()).unwrap_or_else(|_| unreachable_id(e.id())),
        message: e.message().to_owned(),
        created: None,
        transactional: e.transactional(),
        kind: if e.is_rust() { migrate_core::RevisionKind::Rust } else { migrate_core::RevisionKind::Sql },
        up: section(e.up()),
        down: e.down().map(section),
        variants: e.variants().map(|(dialect, up, s)| Variant { dialect, up, section: section(s) }).collect(),
        checksum: Checksum(e.checksum()),
        source: SourceInfo {
            path: e.path(),
            file_name: e.file_name().to_owned(),
            id_span: span.clone(),
            revises_span: span.clone(),
            parent_spans: vec![span.clone(); parents.len()],
            depends_on_spans: vec![span.clone(); depends_on.len()],
            branch_label_spans: vec![span; branch_labels.len()],
        },
        parents,
        depends_on,
        branch_labels,
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

#[cfg(all(test, feature = "macros"))]
mod tests {
    use super::*;

    static VALID: Migrations = crate::embed_migrations!("tests/fixtures/valid");

    #[test]
    fn the_embedded_expectation_is_the_one_the_graph_gives() {
        let graph = VALID.graph().expect("graph");
        assert_eq!(VALID.expected(Dialect::Sqlite).expect("expected"), Expected::of_graph(graph));
        assert!(!VALID.meta.digest.is_empty(), "the macro computed it");
    }

    static DIALECTS: Migrations = crate::embed_migrations!("tests/fixtures/dialects");

    #[test]
    fn the_embedded_expectation_is_the_dialects_own() {
        let graph = DIALECTS.graph().expect("graph");
        let digests: Vec<String> = Dialect::ALL
            .iter()
            .map(|&d| {
                let expected = DIALECTS.expected(d).expect("expected");
                assert_eq!(expected, Expected::of_graph(&graph.on_dialect(d)), "{d}");
                expected.digest
            })
            .collect();
        assert_ne!(digests[2], digests[0], "SQLite runs its own up section");
        assert_eq!(digests[1], digests[0], "MySQL's own down section changes no checksum");
    }

    static DIALECTS_AGAIN: Migrations = crate::embed_migrations!("tests/fixtures/dialects");

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_runs_its_own_section_and_boots_up_to_date() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("dialects.db").display());
        let pool = crate::AnyPool::connect(&url).await.expect("open");
        assert_eq!(DIALECTS.upgrade(&pool).await.expect("migrate").steps.len(), 3);
        let crate::AnyPool::Sqlite(sqlite) = &pool else { unreachable!("a SQLite URL") };
        let via: (String,) = sqlx::query_as("SELECT via FROM marked").fetch_one(sqlite).await.expect("row");
        assert_eq!(via.0, "sqlite");
        let report = DIALECTS_AGAIN.upgrade(&pool).await.expect("boot");
        assert!(report.steps.is_empty() && !report.locked, "the fast path matched: {report:?}");
        assert!(DIALECTS_AGAIN.graph.get().is_none(), "and built no graph");
        assert!(DIALECTS.status(&pool).await.expect("status").drifted.is_empty());
        pool.close().await;
    }

    /// Two statics stand for two processes: the first migrates, the second boots up to date.
    static FIRST: Migrations = crate::embed_migrations!("tests/fixtures/valid");
    static SECOND: Migrations = crate::embed_migrations!("tests/fixtures/valid");

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn an_up_to_date_boot_builds_no_graph() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("boot.db").display());
        let pool = crate::AnyPool::connect(&url).await.expect("open");
        assert_eq!(FIRST.upgrade(&pool).await.expect("migrate").steps.len(), FIRST.len());
        let report = SECOND.upgrade(&pool).await.expect("boot");
        assert!(report.steps.is_empty() && !report.locked, "{report:?}");
        assert_eq!(report.after, ["d4"]);
        assert!(SECOND.graph.get().is_none(), "the up-to-date boot built no graph");
        pool.close().await;
    }
}
