//! The application's API on a real SQLite file: `Migrations` for the everyday calls, `Runner`
//! for the rest, with enums where a bare bool would hide the meaning.

use migrate_runtime::{AnyPool, DriftPolicy, Migrations, Resolution, StampMode, embed_migrations};

static VALID: Migrations = embed_migrations!("tests/fixtures/valid");

async fn pool(dir: &tempfile::TempDir) -> AnyPool {
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    AnyPool::connect(&url).await.expect("open SQLite")
}

#[tokio::test]
async fn runner_moves_stamps_and_resolves_with_typed_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = pool(&dir).await;
    let runner = VALID.runner().lock_timeout(std::time::Duration::from_secs(5)).hint_command("myapp migrate");
    assert_eq!(runner.options().drift, DriftPolicy::Refuse);
    let report = runner.upgrade_to(&pool, "a1").await.expect("upgrade to a1");
    assert!(report.before.is_empty());
    assert_eq!(report.after, ["a1"]);
    let report = runner.upgrade_to(&pool, "c3").await.expect("upgrade to c3");
    assert_eq!(report.steps.iter().map(|s| s.revision.as_str()).collect::<Vec<_>>(), ["b2", "c3"], "c3 depends on b2");
    // As in Alembic, c3 only depends on b2: nothing above b2 is to remove, so b2 is refused as a
    // destination, and -1 walks c3 down to a1 on c3's own branch.
    let err = runner.downgrade(&pool, "b2").await.expect_err("nothing above b2");
    assert!(err.to_string().contains("nothing applied is above it"), "{err}");
    let report = runner.downgrade(&pool, "-1").await.expect("downgrade");
    assert_eq!(report.after, ["b2"], "c3 reverted: {report:?}");
    let report = VALID.upgrade(&pool).await.expect("upgrade");
    assert_eq!(report.after, ["d4"]);
    assert!(VALID.status(&pool).await.expect("status").is_up_to_date());
    // Stamp beside what is there, then purge: only the target's lineage stays recorded.
    runner.stamp(&pool, "d4", StampMode::Update).await.expect("stamp");
    assert_eq!(VALID.status(&pool).await.expect("status").current, ["d4"]);
    let report = runner.stamp(&pool, "b2", StampMode::Purge).await.expect("stamp --purge");
    assert_eq!(report.before, ["d4"]);
    assert_eq!(report.after, ["b2"]);
    let rows = VALID.history(&pool).await.expect("history");
    assert_eq!(rows.iter().map(|r| r.revision.as_str()).collect::<Vec<_>>(), ["a1", "b2"]);
    // Nothing is left started: resolving is refused with its code.
    let err = runner.resolve(&pool, "c3", Resolution::Applied).await.expect_err("nothing to resolve");
    assert_eq!(err.code().as_str(), "nothing-to-resolve");
    pool.close().await;
}
