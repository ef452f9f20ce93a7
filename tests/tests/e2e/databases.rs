//! The runtime against real PostgreSQL, MariaDB and SQLite: one suite, run on each backend,
//! each test on its own fresh database. No mocks.

use migrate_core::{RevisionGraph, Target, parse_target};
use migrate_e2e::db::{TestDb, execute, fresh, fresh_databases, texts};
use migrate_runtime::tool::{Options, downgrade, resolve, stamp, status, up_to_date, upgrade};
use migrate_runtime::{Dialect, DriftPolicy, MigrateError, Report, Resolution, StampMode};
use migrate_testkit::{Spec, write_folder};

/// A graph loaded from files, as `cargo migrate` loads it.
fn graph(specs: &[Spec]) -> RevisionGraph {
    let dir = tempfile::tempdir().expect("temp dir");
    write_folder(dir.path(), specs).expect("write revisions");
    migrate_core::load_dir(dir.path(), dir.path()).into_valid_graph().expect("valid graph")
}

fn target(t: &str) -> Target {
    parse_target(t).expect("target")
}

fn ids(report: &Report) -> Vec<&str> {
    report.steps.iter().map(|s| s.revision.as_str()).collect()
}

async fn up(db: &TestDb, g: &RevisionGraph, t: &str) -> Result<Report, MigrateError> {
    upgrade(db.pool.as_db(), g, &target(t), &Options::default()).await
}

async fn down(db: &TestDb, g: &RevisionGraph, t: &str) -> Result<Report, MigrateError> {
    downgrade(db.pool.as_db(), g, &target(t), &Options::default()).await
}

const TABLE: &str = "migrate_history";

#[tokio::test]
async fn upgrade_applies_everything_and_a_second_boot_is_a_no_op() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        let first = up(&db, &g, "heads").await.expect("upgrade");
        assert_eq!(ids(&first), ["a", "b", "c"], "{}", db.dialect);
        assert!(first.locked);
        assert_eq!(first.after, ["c"]);
        assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied", "c:applied"]);
        let second = up(&db, &g, "heads").await.expect("second upgrade");
        assert!(second.steps.is_empty() && !second.locked, "{}: the fast path takes no lock", db.dialect);
        let s = status(db.pool.as_db(), &g, &Options::default()).await.expect("status");
        assert!(s.is_up_to_date() && s.current == ["c"], "{s:?}");
    }
}

#[tokio::test]
async fn targets_on_a_graph_with_a_branch_and_a_merge() {
    let g = graph(&migrate_testkit::branch_and_merge());
    for db in fresh_databases().await {
        let d = db.dialect;
        assert_eq!(ids(&up(&db, &g, "b1").await.expect("prefix")), ["a0", "b10"], "{d}");
        assert_eq!(ids(&up(&db, &g, "+1").await.expect("+1")), ["b20"], "{d}");
        assert_eq!(ids(&up(&db, &g, "side@head").await.expect("label head")), ["d0", "m0", "f0"], "{d}");
        let full = db.schema().await;
        assert_eq!(ids(&down(&db, &g, "-1").await.expect("-1")), ["f0"], "{d}");
        // As in Alembic, LABEL@base goes below the branch's base: a0, which both lines grow from.
        let all = ["m0", "b20", "b10", "d0", "a0"];
        assert_eq!(ids(&down(&db, &g, "side@base").await.expect("label base")), all, "{d}");
        assert!(db.history(TABLE).await.is_empty(), "{d}");
        let err = down(&db, &g, "+1").await.expect_err("+1 is not a downgrade target");
        assert!(matches!(err, MigrateError::Plan(_) | MigrateError::Target(_)), "{d}: {err}");
        up(&db, &g, "b20").await.expect("upgrade one line");
        assert_eq!(db.history(TABLE).await, ["a0:applied", "b10:applied", "b20:applied"], "{d}");
        assert_eq!(ids(&down(&db, &g, "base").await.expect("base")), ["b20", "b10", "a0"], "{d}");
        assert!(db.history(TABLE).await.is_empty());
        up(&db, &g, "head").await.expect("upgrade again");
        assert_eq!(db.schema().await, full, "{d}: downgrade to base then upgrade gives the same schema");
    }
}

#[tokio::test]
async fn an_irreversible_revision_stops_a_downgrade_before_anything_changes() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]).irreversible(), Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        up(&db, &g, "head").await.expect("upgrade");
        let (schema, history) = (db.schema().await, db.history(TABLE).await);
        let err = down(&db, &g, "base").await.expect_err("b is irreversible");
        assert!(err.to_string().contains("revision `b`") && err.to_string().contains("no `-- migrate:down`"), "{err}");
        assert_eq!(db.schema().await, schema, "{}: nothing ran", db.dialect);
        assert_eq!(db.history(TABLE).await, history);
        assert_eq!(ids(&down(&db, &g, "b").await.expect("c alone can go")), ["c"]);
    }
}

#[tokio::test]
async fn drift_is_refused_ahead_is_allowed_diverged_is_refused() {
    let old = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    let new = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    let other = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("x", &["b"])]);
    let mut edited = Spec::new("b", &["a"]);
    edited.up.push_str("CREATE TABLE extra (id INTEGER PRIMARY KEY);\n");
    let drifted = graph(&[Spec::new("a", &[]), edited, Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        up(&db, &new, "head").await.expect("upgrade");
        let ahead = up(&db, &old, "head").await.expect("an older binary boots");
        assert!(ahead.steps.is_empty());
        assert_eq!(ahead.ahead, ["c"], "{}", db.dialect);
        let err = up(&db, &other, "head").await.expect_err("diverged");
        assert!(matches!(&err, MigrateError::Diverged(ids) if ids == &["c"]), "{err}");
        let err = up(&db, &drifted, "head").await.expect_err("drift");
        assert!(
            matches!(&err, MigrateError::Drift(d) if d[0].revision == "b" && d[0].path.ends_with("_b_create_t_b.sql")),
            "{err}"
        );
        let allowed =
            upgrade(db.pool.as_db(), &drifted, &target("head"), &Options::default().with_drift(DriftPolicy::Allow))
                .await;
        assert!(allowed.is_ok(), "{:?}", allowed.err());
    }
}

#[tokio::test]
async fn a_failing_statement_names_revision_file_and_line_and_leaves_a_clean_or_resolvable_state() {
    let mut bad = Spec::new("b", &["a"]);
    bad.up = "CREATE TABLE first_part (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n".into();
    let broken = graph(&[Spec::new("a", &[]), bad]);
    let fixed = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    for db in fresh_databases().await {
        let d = db.dialect;
        let err = up(&db, &broken, "head").await.expect_err("fails");
        let MigrateError::Statement { revision, path, line, .. } = &err else { panic!("{d}: {err}") };
        assert_eq!((revision.as_str(), *line), ("b", 8), "{d}: {err}");
        assert!(path.ends_with("_b_create_t_b.sql"));
        assert!(err.to_string().contains("no_such_table"), "{d}: the database's own message: {err}");
        if d == Dialect::MySql {
            // DDL commits implicitly: a `failed` row, and a refusal with the resolve command.
            assert_eq!(db.history(TABLE).await, ["a:applied", "b:failed"]);
            let refused = up(&db, &fixed, "head").await.expect_err("unresolved");
            assert!(refused.to_string().contains("cargo migrate resolve b --applied"), "{refused}");
            // The hint names the front door in use.
            let app = Options::default().with_hint_command("myapp migrate");
            let refused = upgrade(db.pool.as_db(), &fixed, &target("head"), &app).await.expect_err("unresolved");
            assert!(refused.to_string().contains("run: `myapp migrate resolve b --applied`"), "{refused}");
            assert_eq!(refused.code(), "unresolved");
            execute(&db.pool, "DROP TABLE first_part").await;
            resolve(db.pool.as_db(), "b", Resolution::RolledBack, &Options::default())
                .await
                .expect("resolve as rolled back");
        } else {
            assert_eq!(db.history(TABLE).await, ["a:applied"], "{d}: rolled back with its row");
            assert!(
                !db.schema().await.iter().any(|l| l.contains("first_part")),
                "{d}: the first statement was rolled back"
            );
        }
        assert_eq!(ids(&up(&db, &fixed, "head").await.expect("retry")), ["b"], "{d}");
    }
}

#[tokio::test]
async fn stamp_records_without_running() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        stamp(db.pool.as_db(), &g, &[target("b")], StampMode::Update, &Options::default()).await.expect("stamp");
        assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied"]);
        assert!(!db.schema().await.iter().any(|l| l.contains("t_a")), "{}: nothing ran", db.dialect);
        assert_eq!(ids(&up(&db, &g, "head").await.expect("upgrade")), ["c"]);
        stamp(db.pool.as_db(), &g, &[target("base")], StampMode::Update, &Options::default())
            .await
            .expect("stamp base");
        assert!(db.history(TABLE).await.is_empty());
    }
}

/// Whether this database's migration lock is held by any session.
async fn lock_held(db: &TestDb) -> bool {
    let sql = match db.dialect {
        Dialect::Postgres => {
            "SELECT CAST(count(*) AS TEXT) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()"
        }
        Dialect::MySql => {
            "SELECT CASE WHEN IS_USED_LOCK(CONCAT('cargo-migrate:', DATABASE(), '.migrate_history')) IS NULL THEN '0' ELSE '1' END"
        }
        Dialect::Sqlite => return false,
    };
    texts(&db.pool, sql).await != ["0"]
}

#[tokio::test]
async fn a_failed_revision_leaves_no_lock_behind() {
    let mut bad = Spec::new("b", &["a"]);
    bad.up = "INSERT INTO no_such_table VALUES (1);\n".into();
    let broken = graph(&[Spec::new("a", &[]), bad]);
    for db in fresh_databases().await {
        up(&db, &broken, "head").await.expect_err("fails");
        // The dropped guard closed its session; the server notices within moments.
        let mut held = lock_held(&db).await;
        for _ in 0..50 {
            if !held {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            held = lock_held(&db).await;
        }
        assert!(!held, "{}: the migration lock was released while this process keeps running", db.dialect);
    }
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn create_index_concurrently_runs_outside_a_transaction_on_postgres() {
    let Some(db) = fresh(Dialect::Postgres).await else { return };
    let mut concurrently = Spec::new("b", &["a"]).header("-- transaction: false");
    concurrently.up = "CREATE INDEX CONCURRENTLY t_a_v_concurrently ON t_a (v);\n".into();
    concurrently.down = Some("DROP INDEX CONCURRENTLY t_a_v_concurrently;\n".into());
    let g = graph(&[Spec::new("a", &[]), concurrently]);
    assert_eq!(ids(&up(&db, &g, "head").await.expect("upgrade")), ["a", "b"]);
    let valid = texts(
        &db.pool,
        "SELECT CAST(indisvalid AS TEXT) FROM pg_index WHERE indexrelid = 't_a_v_concurrently'::regclass",
    )
    .await;
    assert_eq!(valid, ["true"]);
    assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied"]);
    assert_eq!(ids(&down(&db, &g, "a").await.expect("downgrade")), ["b"]);
}

#[tokio::test]
async fn a_held_lock_makes_a_second_migrator_wait_then_fail_naming_the_holder() {
    for db in fresh_databases().await {
        let d = db.dialect;
        let mut slow = Spec::new("b", &["a"]);
        slow.up = match d {
            Dialect::Postgres => "SELECT pg_sleep(3);\n".into(),
            Dialect::MySql => "SELECT SLEEP(3);\n".into(),
            Dialect::Sqlite => continue, // see the SQLite test below
        };
        let g = std::sync::Arc::new(graph(&[Spec::new("a", &[]), slow]));
        let (pool, g2) = (db.pool.clone(), std::sync::Arc::clone(&g));
        let holder =
            tokio::spawn(async move { upgrade(pool.as_db(), &g2, &target("head"), &Options::default()).await });
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        let quick = Options::default().with_lock_timeout(std::time::Duration::from_secs(1));
        let err = upgrade(db.pool.as_db(), &g, &target("head"), &quick).await.expect_err("the lock is held");
        let MigrateError::LockTimeout { holder: who, .. } = &err else { panic!("{d}: {err}") };
        assert!(
            who.contains(if d == Dialect::Postgres { "pid " } else { "connection " }),
            "{d}: names the holder: {err}"
        );
        // The table is named as the lock was taken: qualified with the session's schema/database.
        assert!(err.to_string().contains(".migrate_history` is held by"), "{err}");
        assert_eq!(ids(&holder.await.expect("task").expect("the holder finishes")), ["a", "b"]);
        assert!(up(&db, &g, "head").await.expect("free again").steps.is_empty());
    }
}

#[tokio::test]
async fn a_sqlite_writer_makes_a_migrator_wait_then_fail() {
    let Some(db) = fresh(Dialect::Sqlite).await else { return };
    let g = graph(&[Spec::new("a", &[])]);
    let migrate_runtime::AnyPool::Sqlite(pool) = &db.pool else { unreachable!("a SQLite pool") };
    let mut writer = pool.acquire().await.expect("connection");
    migrate_runtime::sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *writer).await.expect("hold the write lock");
    let quick = Options::default().with_lock_timeout(std::time::Duration::from_secs(1));
    let err = upgrade(db.pool.as_db(), &g, &target("head"), &quick).await.expect_err("the database is locked");
    assert!(matches!(err, MigrateError::LockTimeout { .. }), "{err}");
    migrate_runtime::sqlx::raw_sql("ROLLBACK").execute(&mut *writer).await.expect("release");
    drop(writer);
    assert_eq!(ids(&up(&db, &g, "head").await.expect("free again")), ["a"]);
}

#[tokio::test]
async fn routines_triggers_and_dollar_quotes_split_correctly_on_the_real_server() {
    for db in fresh_databases().await {
        let mut body = Spec::new("b", &["a"]);
        body.up = match db.dialect {
            Dialect::Postgres => "CREATE FUNCTION bump() RETURNS trigger AS $$\nBEGIN\n  NEW.v := NEW.v || ';bumped';\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE TRIGGER t_a_bump BEFORE INSERT ON t_a FOR EACH ROW EXECUTE FUNCTION bump();\nINSERT INTO t_a (id, v) VALUES (1, 'x');\n".into(),
            Dialect::MySql => "DELIMITER //\nCREATE TRIGGER t_a_bump BEFORE INSERT ON t_a FOR EACH ROW\nBEGIN\n  SET NEW.v = CONCAT(NEW.v, ';bumped');\nEND //\nDELIMITER ;\nINSERT INTO t_a (id, v) VALUES (1, 'x');\n".into(),
            Dialect::Sqlite => "CREATE TRIGGER t_a_bump AFTER INSERT ON t_a BEGIN\n  UPDATE t_a SET v = v || ';bumped' WHERE id = NEW.id;\nEND;\nINSERT INTO t_a (id, v) VALUES (1, 'x');\n".into(),
        };
        body.down = None;
        let g = graph(&[Spec::new("a", &[]), body]);
        let report = up(&db, &g, "head").await;
        assert!(report.is_ok(), "{}: {:?}", db.dialect, report.err().map(|e| e.to_string()));
        assert_eq!(texts(&db.pool, "SELECT v FROM t_a").await, ["x;bumped"], "{}", db.dialect);
    }
}

#[tokio::test]
async fn a_hostile_history_table_name_is_refused_before_any_sql_runs() {
    let g = graph(&[Spec::new("a", &[])]);
    for db in fresh_databases().await {
        let hostile = Options::default().with_table("x; DROP TABLE users");
        let err = upgrade(db.pool.as_db(), &g, &target("head"), &hostile).await.expect_err("refused");
        assert_eq!(err.code(), "invalid-table-name", "{err}");
        assert!(db.schema().await.is_empty(), "{}: nothing ran", db.dialect);
    }
}

#[tokio::test]
async fn the_fast_path_recognises_exactly_an_up_to_date_database() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    let older = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    let mut edited = Spec::new("b", &["a"]);
    edited.up.push_str("SELECT 1;\n");
    let drifted = graph(&[Spec::new("a", &[]), edited, Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        let d = db.dialect;
        let opts = Options::default();
        assert_eq!(up_to_date(db.pool.as_db(), &g, &opts).await.expect("no table yet"), None, "{d}");
        up(&db, &g, "b").await.expect("upgrade");
        assert_eq!(up_to_date(db.pool.as_db(), &g, &opts).await.expect("read"), None, "{d}: c is pending");
        up(&db, &g, "head").await.expect("upgrade");
        assert_eq!(
            up_to_date(db.pool.as_db(), &g, &opts)
                .await
                .expect("read")
                .map(|h| h.iter().map(ToString::to_string).collect::<Vec<_>>()),
            Some(vec!["c".to_owned()]),
            "{d}"
        );
        assert_eq!(up_to_date(db.pool.as_db(), &older, &opts).await.expect("read"), None, "{d}: c is unknown to it");
        assert_eq!(up_to_date(db.pool.as_db(), &drifted, &opts).await.expect("read"), None, "{d}: b drifted");
    }
}

#[tokio::test]
async fn two_applications_with_different_history_tables_do_not_block_each_other() {
    for db in fresh_databases().await {
        let d = db.dialect;
        let mut slow = Spec::new("s1", &[]);
        slow.up = match d {
            Dialect::Postgres => "SELECT pg_sleep(4);\n".into(),
            Dialect::MySql => "SELECT SLEEP(4);\n".into(),
            Dialect::Sqlite => continue, // one writer at a time is SQLite's own rule
        };
        let first = std::sync::Arc::new(graph(&[slow]));
        let second = graph(&[Spec::new("o1", &[])]);
        let (pool, g) = (db.pool.clone(), std::sync::Arc::clone(&first));
        let running = tokio::spawn(async move {
            let opts = Options::default().with_table("first_history");
            upgrade(pool.as_db(), &g, &target("head"), &opts).await
        });
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        // While the first holds its lock for 4 s, the second must get its own within 1 s.
        let quick =
            Options::default().with_table("second_history").with_lock_timeout(std::time::Duration::from_secs(1));
        let other = upgrade(db.pool.as_db(), &second, &target("head"), &quick).await;
        assert!(other.is_ok(), "{d}: the second application was blocked: {:?}", other.err().map(|e| e.to_string()));
        assert_eq!(ids(&running.await.expect("task").expect("first app")), ["s1"]);
        assert_eq!(db.history("second_history").await, ["o1:applied"]);
    }
}

#[tokio::test]
async fn sql_that_cannot_be_split_stops_the_run_before_anything_is_applied() {
    let mut broken = Spec::new("c", &["b"]);
    broken.up = "INSERT INTO t_a (id, v) VALUES (1, 'never closed);\n".into();
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), broken]);
    for db in fresh_databases().await {
        let err = up(&db, &g, "head").await.expect_err("unterminated quote");
        assert_eq!(err.code(), "unsplittable-sql", "{}: {err}", db.dialect);
        assert!(err.to_string().contains("revision `c`") && err.to_string().contains("line 7"), "{err}");
        assert!(db.history(TABLE).await.is_empty(), "{}: nothing was applied", db.dialect);
    }
}

/// The summary table's digest: `None` when there is no summary.
async fn summary_row(db: &TestDb) -> Option<String> {
    texts(&db.pool, "SELECT digest FROM migrate_history_summary").await.into_iter().next()
}

#[tokio::test]
async fn the_summary_row_is_trusted_only_while_it_describes_the_history() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        let d = db.dialect;
        assert!(up(&db, &g, "head").await.expect("upgrade").locked);
        assert!(summary_row(&db).await.is_some(), "{d}: written at the end of a run");
        let rows = texts(&db.pool, "SELECT revision FROM migrate_history ORDER BY 1").await;
        assert_eq!(rows, ["a", "b", "c"], "{d}: the history table holds history only");
        assert!(!up(&db, &g, "head").await.expect("boot").locked, "{d}: the next boot reads the summary only");
        // A summary in another format (a later runtime's) is not trusted, and is rewritten.
        execute(&db.pool, "UPDATE migrate_history_summary SET format = 99").await;
        assert!(up(&db, &g, "head").await.expect("boot").locked, "{d}: an unknown format is not trusted");
        assert!(!up(&db, &g, "head").await.expect("boot").locked, "{d}: rewritten in this format");
        // The summary row of versions before the summary table is removed under the lock.
        execute(&db.pool, "INSERT INTO migrate_history (revision, revises, message, checksum, state, applied_at, duration_ms) VALUES ('', '', 'old summary', 'x', 'summary', '2026-01-01T00:00:00.000Z', 0)").await;
        assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied", "c:applied"], "{d}: readers skip it");
        assert!(up(&db, &g, "head").await.expect("boot").locked, "{d}: the row count no longer matches");
        assert_eq!(texts(&db.pool, "SELECT revision FROM migrate_history ORDER BY 1").await, ["a", "b", "c"], "{d}");
        // A row deleted by hand (to re-run a revision): the row count no longer matches.
        execute(&db.pool, "DELETE FROM migrate_history WHERE revision = 'c'").await;
        execute(&db.pool, "DROP TABLE t_c").await;
        assert_eq!(ids(&up(&db, &g, "head").await.expect("re-run")), ["c"], "{d}: the full path saw it");
        // Every change the tool makes removes the summary in the same transaction.
        down(&db, &g, "b").await.expect("downgrade");
        assert_eq!(summary_row(&db).await, None, "{d}: a downgrade removes it");
        up(&db, &g, "head").await.expect("upgrade");
        stamp(db.pool.as_db(), &g, &[target("b")], StampMode::Update, &Options::default()).await.expect("stamp");
        assert_eq!(summary_row(&db).await, None, "{d}: a stamp removes it");
        stamp(db.pool.as_db(), &g, &[target("head")], StampMode::Update, &Options::default())
            .await
            .expect("stamp back");
        // Up to date but no summary: the first boot writes it under the lock, once.
        assert!(up(&db, &g, "head").await.expect("boot").locked, "{d}");
        assert!(summary_row(&db).await.is_some(), "{d}");
        assert!(!up(&db, &g, "head").await.expect("boot").locked, "{d}");
        assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied", "c:applied"], "{d}");
    }
}

#[tokio::test]
async fn duration_ms_records_the_whole_revision_commit_included() {
    let g = graph(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    for db in fresh_databases().await {
        let d = db.dialect;
        let report = up(&db, &g, "head").await.expect("upgrade");
        let row =
            if d == Dialect::MySql { "CONCAT(revision, ':', duration_ms)" } else { "revision || ':' || duration_ms" };
        let rows = texts(&db.pool, &format!("SELECT {row} FROM {TABLE} ORDER BY revision")).await;
        for (row, step) in rows.iter().zip(&report.steps) {
            let (id, ms) = row.split_once(':').expect("id:ms");
            let ms: u128 = ms.parse().expect("a number");
            assert_eq!(id, step.revision, "{d}");
            // The row is written after the commit was timed (with the next transaction), so it
            // says what the step took, to the millisecond the report gives.
            assert_eq!(step.duration.as_millis(), ms, "{d}: {row} vs {:?}", step.duration);
        }
    }
}

#[tokio::test]
async fn a_waiter_that_finds_everything_applied_writes_nothing() {
    let mut slow = Spec::new("b", &["a"]);
    for db in fresh_databases().await {
        let d = db.dialect;
        slow.up = match d {
            Dialect::Postgres => "SELECT pg_sleep(2);\n".into(),
            Dialect::MySql => "SELECT SLEEP(2);\n".into(),
            // SQLite locks per revision (no session lock): a waiter re-checks each revision.
            Dialect::Sqlite => continue,
        };
        let g = std::sync::Arc::new(graph(&[Spec::new("a", &[]), slow.clone()]));
        up(&db, &g, "a").await.expect("first revision, tables created");
        // Every write of a summary is counted by a trigger.
        execute(&db.pool, "CREATE TABLE summary_writes (n INT)").await;
        match d {
            Dialect::Postgres => {
                execute(&db.pool, "CREATE FUNCTION note_summary_write() RETURNS trigger AS $$ BEGIN INSERT INTO summary_writes VALUES (1); RETURN NEW; END $$ LANGUAGE plpgsql").await;
                execute(&db.pool, "CREATE TRIGGER summary_written AFTER INSERT ON migrate_history_summary FOR EACH ROW EXECUTE FUNCTION note_summary_write()").await;
            }
            _ => {
                execute(&db.pool, "CREATE TRIGGER summary_written AFTER INSERT ON migrate_history_summary FOR EACH ROW INSERT INTO summary_writes VALUES (1)").await;
            }
        }
        let (pool, g2) = (db.pool.clone(), std::sync::Arc::clone(&g));
        let holder =
            tokio::spawn(async move { upgrade(pool.as_db(), &g2, &target("heads"), &Options::default()).await });
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        let waiter = up(&db, &g, "heads").await.expect("the waiter");
        let held = holder.await.expect("task").expect("the holder");
        assert_eq!(ids(&held), ["b"], "{d}");
        // The waiter ends either between two tries of the lock (the summary says done) or, if
        // its try comes first after the holder's release, under the lock: nothing written
        // either way.
        assert!(waiter.steps.is_empty() && waiter.after == ["b"], "{d}: {waiter:?}");
        let writes = texts(&db.pool, "SELECT CAST(COUNT(*) AS CHAR(8)) FROM summary_writes").await;
        assert_eq!(writes.iter().map(|w| w.trim()).collect::<Vec<_>>(), ["1"], "{d}: only the holder wrote a summary");
    }
}
