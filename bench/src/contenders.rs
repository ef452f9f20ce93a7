//! The three contenders — ours, sqlx's migrator, and the floor (the same statements sent
//! directly, one transaction per revision) — over one generated set of revisions.

use migrate_core::{RevisionGraph, Target};
use migrate_e2e::db::TestDb;
use migrate_runtime::tool;
use migrate_runtime::tool::Options;
use migrate_runtime::tool::core::split::split_statements;
use migrate_runtime::{AnyPool, Dialect, Report};
use sqlx::AssertSqlSafe;

/// The generated revisions, as our graph and as a linear sqlx folder.
pub struct Fixture {
    /// Our revision graph (branches and merges).
    pub graph: RevisionGraph,
    /// How many merge revisions it has.
    pub merges: usize,
    sqlx_dir: tempfile::TempDir,
    _ours_dir: tempfile::TempDir,
}

impl Fixture {
    /// `n` revisions, each creating a table with an index.
    pub fn generate(n: usize) -> Self {
        let specs = migrate_testkit::generated_graph(n);
        let ours_dir = tempfile::tempdir().expect("temp dir");
        migrate_testkit::write_folder(ours_dir.path(), &specs).expect("write ours");
        let graph = migrate_core::load_dir(ours_dir.path(), ours_dir.path()).into_valid_graph().expect("valid");
        let sqlx_dir = tempfile::tempdir().expect("temp dir");
        for (version, &node) in graph.topological_order().iter().enumerate() {
            let r = graph.revision(node);
            let sql = r.up.sql.trim();
            let sql = if sql.is_empty() { "SELECT 1;" } else { sql };
            std::fs::write(sqlx_dir.path().join(format!("{}_{}.sql", version + 1, r.id)), sql).expect("write sqlx");
        }
        Self { merges: specs.iter().filter(|s| s.parents.len() > 1).count(), graph, sqlx_dir, _ours_dir: ours_dir }
    }
}

/// sqlx's migrator over the linear folder (what `sqlx::migrate!` builds at compile time).
pub async fn sqlx_migrator(f: &Fixture) -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator::new(f.sqlx_dir.path()).await.expect("sqlx migrator")
}

/// Ours: upgrade to every head.
pub async fn ours_apply(db: &TestDb, f: &Fixture) {
    let report = ours_boot(db, f).await;
    assert!(report.steps.len() == f.graph.len() || report.steps.is_empty());
}

/// Ours with `transaction = "run"`: every revision in one transaction (PostgreSQL, SQLite).
pub async fn ours_apply_run(db: &TestDb, f: &Fixture) {
    let options = Options::default().with_transaction(migrate_runtime::TransactionMode::Run);
    let report = tool::upgrade(db.pool.as_db(), &f.graph, &Target::HEADS, &options).await.expect("ours, run mode");
    assert_eq!(report.steps.len(), f.graph.len());
}

/// Ours, as a booting binary calls it.
pub async fn ours_boot(db: &TestDb, f: &Fixture) -> Report {
    tool::upgrade(db.pool.as_db(), &f.graph, &Target::HEADS, &Options::default()).await.expect("ours")
}

/// sqlx's `Migrator::run`.
pub async fn sqlx_apply(db: &TestDb, m: &sqlx::migrate::Migrator) {
    let result = match &db.pool {
        AnyPool::Postgres(p) => m.run(p).await,
        AnyPool::MySql(p) => m.run(p).await,
        AnyPool::Sqlite(p) => m.run(p).await,
        AnyPool::_None(never) => match *never {},
    };
    result.expect("sqlx migrator");
}

/// The floor: every revision's statements on one connection, one transaction per revision, no
/// bookkeeping at all.
pub async fn floor_apply(db: &TestDb, f: &Fixture) {
    let mut batches = Vec::new();
    for &node in f.graph.topological_order() {
        let r = f.graph.revision(node);
        let statements = split_statements(&r.up.sql, db.dialect, r.up.first_line).expect("split");
        batches.push(statements.into_iter().map(|s| s.sql).collect::<Vec<_>>());
    }
    let begin = match db.dialect {
        Dialect::MySql => "START TRANSACTION",
        _ => "BEGIN",
    };
    macro_rules! run {
        ($pool:expr) => {{
            let mut conn = $pool.acquire().await.expect("connection");
            for batch in &batches {
                sqlx::raw_sql(begin).execute(&mut *conn).await.expect("begin");
                for sql in batch {
                    sqlx::raw_sql(AssertSqlSafe(sql.clone())).execute(&mut *conn).await.expect("statement");
                }
                sqlx::raw_sql("COMMIT").execute(&mut *conn).await.expect("commit");
            }
        }};
    }
    match &db.pool {
        AnyPool::Postgres(p) => run!(p),
        AnyPool::MySql(p) => run!(p),
        AnyPool::Sqlite(p) => run!(p),
        AnyPool::_None(never) => match *never {},
    }
}
