//! The migration lock across processes, with the real `cargo-migrate` binary on real databases:
//! a stuck holder makes a boot wait for the configured time and then fail saying the lock is held;
//! once the holder process dies the lock is free; on PostgreSQL, 15 processes wait without
//! deadlock while a 16th runs `CREATE INDEX CONCURRENTLY`.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, fresh, texts};
use migrate_e2e::{cargo_migrate_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_runtime::tool::{lease_statement, lock_statement};
use migrate_testkit::Spec;

/// The history table's name as the lock key sees it: schema- or database-qualified.
fn qualified_table(db: &TestDb) -> String {
    let database = db.url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
    match db.dialect {
        Dialect::Postgres => "public.migrate_history".into(),
        _ => format!("{database}.migrate_history"),
    }
}

/// A separate process (the database's own client) that takes the migration lock, says `held`,
/// and then sits idle: a stuck holder.
fn stuck_holder(db: &TestDb) -> Child {
    let mut client = db.client();
    if db.dialect == Dialect::MySql {
        client.arg("--unbuffered");
    }
    let mut child =
        client.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start the client");
    let script = format!("{};\nSELECT 'held';\n", lock_statement(db.dialect, &qualified_table(db)));
    child.stdin.as_mut().expect("stdin").write_all(script.as_bytes()).expect("write");
    let mut seen = String::new();
    let stdout = child.stdout.as_mut().expect("stdout");
    let mut buf = [0u8; 256];
    while !seen.contains("held") {
        let n = stdout.read(&mut buf).expect("read the client's output");
        assert!(n > 0, "{}: the client ended before taking the lock: {seen}", db.dialect);
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    child // stdin stays open: the client waits for more, holding the lock
}

fn upgrade(bin: &Path, pkg: &Path, db: &TestDb, lock_timeout: &str) -> Output {
    migrate_command(bin, pkg, &db.url, &["upgrade", "--lock-timeout", lock_timeout]).output().expect("run")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stuck_holder_makes_a_boot_wait_then_fail_and_its_death_frees_the_lock() {
    let bin = cargo_migrate_bin();
    let pkg = package(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let Some(db) = fresh(dialect).await else { continue };
        let mut holder = stuck_holder(&db);
        let started = Instant::now();
        let waited = upgrade(&bin, pkg.path(), &db, "2");
        let elapsed = started.elapsed();
        assert_eq!(waited.status.code(), Some(1), "{dialect}: {}", text(&waited));
        let said = String::from_utf8_lossy(&waited.stderr);
        assert!(said.contains(".migrate_history` is held by"), "{dialect}:\n{said}");
        let who = match dialect {
            Dialect::Postgres => "pid ",
            Dialect::MySql => "connection ",
            Dialect::Sqlite => "another connection writing to this SQLite database",
        };
        assert!(said.contains(who), "{dialect}: names the holder:\n{said}");
        assert!(elapsed >= Duration::from_secs(2), "{dialect}: waited the configured time first ({elapsed:?})");
        holder.kill().expect("SIGKILL the holder");
        holder.wait().expect("reap the holder");
        let freed = upgrade(&bin, pkg.path(), &db, "30");
        assert!(freed.status.success(), "{dialect}: the lock died with its holder:\n{}", text(&freed));
        assert!(String::from_utf8_lossy(&freed.stdout).contains("applied 2 revision(s)"), "{}", text(&freed));
        assert_eq!(db.history("migrate_history").await, ["a:applied", "b:applied"], "{dialect}");
    }
}

/// The lease's stuck holder: a row another session wrote (an operator holding migrations off),
/// expiring in a few seconds. A boot waits, fails naming it, and once it expired takes it over.
#[tokio::test(flavor = "multi_thread")]
async fn a_held_lease_makes_a_boot_wait_then_fail_and_its_expiry_frees_it() {
    let bin = cargo_migrate_bin();
    let pkg = package(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let Some(db) = fresh(dialect).await else { continue };
        let table = if dialect == Dialect::Sqlite { "migrate_history".to_owned() } else { qualified_table(&db) };
        for statement in lease_statement(dialect, &table, "maintenance by ops", Duration::from_secs(6)).split(";\n") {
            migrate_e2e::db::execute(&db.pool, statement).await;
        }
        let lease = |timeout: &str| {
            migrate_command(&bin, pkg.path(), &db.url, &["upgrade", "--lock", "lease", "--lock-timeout", timeout])
                .output()
                .expect("run")
        };
        let started = Instant::now();
        let waited = lease("2");
        assert_eq!(waited.status.code(), Some(1), "{dialect}: {}", text(&waited));
        let said = String::from_utf8_lossy(&waited.stderr);
        assert!(said.contains("is held by maintenance by ops (lease expires in "), "{dialect}:\n{said}");
        assert!(started.elapsed() >= Duration::from_secs(2), "{dialect}: waited the configured time first");
        let taken = lease("30");
        assert!(taken.status.success(), "{dialect}: taken over once expired:\n{}", text(&taken));
        assert!(started.elapsed() >= Duration::from_secs(5), "{dialect}: not before it expired");
        assert_eq!(db.history("migrate_history").await, ["a:applied", "b:applied"], "{dialect}");
        let rows = texts(&db.pool, "SELECT owner FROM migrate_history_lock").await;
        assert!(rows.is_empty(), "{dialect}: released: {rows:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn fifteen_processes_wait_while_one_creates_an_index_concurrently() {
    const PROCESSES: usize = 16;
    let bin = cargo_migrate_bin();
    let Some(db) = fresh(Dialect::Postgres).await else { return };
    let mut table = Spec::new("a", &[]);
    table.up = "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO big SELECT g, md5(CAST(g AS TEXT)) FROM generate_series(1, 200000) g;\n".into();
    table.down = Some("DROP TABLE big;\n".into());
    let mut index = Spec::new("b", &["a"]).header("-- transaction: false");
    index.up = "CREATE INDEX CONCURRENTLY big_v ON big (v);\n".into();
    index.down = Some("DROP INDEX CONCURRENTLY big_v;\n".into());
    let pkg = package(&[table, index]);
    let barrier = Arc::new(Barrier::new(PROCESSES));
    let handles: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let mut cmd = migrate_command(&bin, pkg.path(), &db.url, &["upgrade", "--lock-timeout", "300"]);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                cmd.output().expect("run cargo-migrate")
            })
        })
        .collect();
    let outputs: Vec<Output> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
    let mut applied = 0;
    for out in &outputs {
        assert!(out.status.success(), "every process exits 0:\n{}", text(out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Some(n) = stdout.strip_prefix("applied ").and_then(|rest| rest.split(' ').next()) {
            applied += n.parse::<usize>().expect("a count");
        }
    }
    assert_eq!(applied, 2, "each revision applied once across {PROCESSES} processes");
    let valid =
        texts(&db.pool, "SELECT CAST(indisvalid AS TEXT) FROM pg_index WHERE indexrelid = 'big_v'::regclass").await;
    assert_eq!(valid, ["true"], "the index built concurrently is valid");
    assert_eq!(db.history("migrate_history").await, ["a:applied", "b:applied"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let held = texts(
            &db.pool,
            "SELECT CAST(count(*) AS TEXT) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()",
        )
        .await;
        if held == ["0"] {
            break;
        }
        assert!(Instant::now() < deadline, "an advisory lock outlived every migrator: {held:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// SQLite has no session lock: a `transaction: false` revision is claimed by its `started` row,
/// written after a re-check in `BEGIN IMMEDIATE`. A second process that finds it `started` waits
/// for the outcome instead of refusing (or running it again).
#[test]
fn sqlite_a_revision_outside_a_transaction_runs_once_while_another_process_waits() {
    let bin = cargo_migrate_bin();
    let mut slow = Spec::new("b", &["a"]).header("-- transaction: false");
    slow.up = "INSERT INTO ran VALUES ('b');\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000) SELECT COUNT(*) FROM c;\n".into();
    let mut first = Spec::new("a", &[]);
    first.up = "CREATE TABLE ran (what TEXT);\n".into();
    let mut last = Spec::new("c", &["b"]);
    last.up = "INSERT INTO ran VALUES ('c');\n".into();
    let pkg = package(&[first, slow, last]);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("shared.db");
    let url = format!("sqlite://{}", file.display());
    let spawn = || {
        migrate_command(&bin, pkg.path(), &url, &["upgrade"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start")
    };
    let a = spawn();
    // Start the second once the first has claimed `b` (its row says `started`).
    let started = Instant::now();
    loop {
        let out =
            Command::new("sqlite3").arg(&file).arg("SELECT state FROM migrate_history WHERE revision = 'b'").output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "started") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the first process never started `b`");
        std::thread::sleep(Duration::from_millis(20));
    }
    let b = spawn();
    let (a, b) = (a.wait_with_output().expect("a"), b.wait_with_output().expect("b"));
    assert!(a.status.success(), "first:\n{}", text(&a));
    assert!(b.status.success(), "second (it waited, then found the work done):\n{}", text(&b));
    let ran = Command::new("sqlite3")
        .arg(&file)
        .arg("SELECT group_concat(what, ',') FROM (SELECT what FROM ran ORDER BY what)")
        .output()
        .expect("sqlite3");
    assert_eq!(String::from_utf8_lossy(&ran.stdout).trim(), "b,c", "each revision ran once");
    let states = Command::new("sqlite3")
        .arg(&file)
        .arg(
            "SELECT group_concat(revision || ':' || state, ',') FROM (SELECT * FROM migrate_history ORDER BY revision)",
        )
        .output()
        .expect("sqlite3");
    assert_eq!(String::from_utf8_lossy(&states.stdout).trim(), "a:applied,b:applied,c:applied");
}
