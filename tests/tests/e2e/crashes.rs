//! Crashes mid-migration, with the real `cargo-migrate` binary on real databases: the process is
//! killed with SIGKILL while a long revision runs, or its connection is killed from another
//! session. Afterwards the database is exactly as before the revision (PostgreSQL, SQLite: the
//! revision's transaction rolled back), or the history says `started` and every later run
//! refuses with the `resolve` command (MariaDB, whose DDL commits as it goes); the retry then
//! completes and applies each revision once.
//!
//! The long statement reads its duration from a `knob` table the test owns, so the same revision
//! is slow while the test kills it and quick on the retry.
//!
//! Each crash runs with the default lock and with the lease (whose row outlives the killed
//! process: the retry takes it over once it expired, after `--lease-ttl 2` seconds).

use std::io::Read as _;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, execute, fresh, texts};
use migrate_e2e::{cargo_migrate_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

const TABLE: &str = "migrate_history";

/// The locks each crash is tried with: the default, and the lease with a short time to live.
const LOCKS: [&[&str]; 2] = [&[], &["--lock", "lease", "--lease-ttl", "2"]];

/// `args` followed by `lock`.
fn with_lock<'a>(args: &[&'a str], lock: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(lock).copied().collect()
}

/// A statement that runs for as long as `knob.n` says (seconds; iterations on SQLite).
fn slow_statement(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "SELECT pg_sleep(n) FROM knob;",
        Dialect::MySql => "SELECT SLEEP(n) FROM knob;",
        Dialect::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob)) SELECT count(*) FROM c;"
        }
    }
}

/// How long the slow statement runs while the test kills it. MariaDB goes on running a statement
/// whose client died, holding the migration lock: a short sleep keeps the test short.
fn slow_knob(dialect: Dialect) -> i64 {
    match dialect {
        Dialect::Postgres => 600,
        Dialect::MySql => 4,
        Dialect::Sqlite => 4_000_000_000,
    }
}

/// `a`; `b`, which creates `t_b`, inserts a row, runs the slow statement, inserts another; `c`.
fn revisions(dialect: Dialect) -> Vec<Spec> {
    let mut b = Spec::new("b", &["a"]);
    b.up = format!(
        "CREATE TABLE t_b (id INTEGER PRIMARY KEY);\nINSERT INTO t_b (id) VALUES (1);\n{}\nINSERT INTO t_b (id) VALUES (2);\n",
        slow_statement(dialect)
    );
    b.down = Some("DROP TABLE t_b;\n".into());
    vec![Spec::new("a", &[]), b, Spec::new("c", &["b"])]
}

/// A running `cargo migrate upgrade` whose stderr is collected as it comes.
struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    fn start(bin: &Path, pkg: &Path, url: &str, lock: &[&str]) -> Self {
        let mut child = migrate_command(bin, pkg, url, &with_lock(&["upgrade"], lock))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cargo-migrate");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (mut pipe, sink) = (child.stderr.take().expect("stderr"), Arc::clone(&stderr));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                sink.lock().expect("stderr buffer").push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self { child, stderr }
    }

    /// Waits until the progress line says revision `id` started.
    fn wait_for_revision(&mut self, id: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let marker = format!("] up {id}:");
        while !self.stderr.lock().expect("stderr buffer").contains(&marker) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "cargo-migrate ended ({status}) before `{id}` started:\n{}",
                    self.stderr.lock().expect("buffer")
                );
            }
            assert!(Instant::now() < deadline, "`{id}` never started:\n{}", self.stderr.lock().expect("buffer"));
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn finish(mut self) -> (std::process::ExitStatus, String) {
        let status = self.child.wait().expect("wait");
        std::thread::sleep(Duration::from_millis(100)); // the reader thread drains the pipe
        let stderr = self.stderr.lock().expect("stderr buffer").clone();
        (status, stderr)
    }
}

/// Waits until the slow statement is running on the server, and returns the session running it
/// (PostgreSQL backend pid, MariaDB connection id). SQLite's transaction cannot be seen from
/// outside: a short pause then.
async fn wait_for_slow_statement(db: &TestDb) -> String {
    let sql = match db.dialect {
        Dialect::Postgres => {
            "SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(n)%' AND state = 'active'"
        }
        Dialect::MySql => {
            "SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'SELECT SLEEP(n)%'"
        }
        Dialect::Sqlite => {
            tokio::time::sleep(Duration::from_millis(500)).await;
            return String::new();
        }
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(session) = texts(&db.pool, sql).await.into_iter().next() {
            return session;
        }
        assert!(Instant::now() < deadline, "{}: the slow statement never showed up", db.dialect);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn upgrade(bin: &Path, pkg: &Path, db: &TestDb, args: &[&str], lock: &[&str]) -> Output {
    let mut all = vec!["upgrade"];
    all.extend_from_slice(args);
    migrate(bin, pkg, db, &all, lock)
}

fn migrate(bin: &Path, pkg: &Path, db: &TestDb, args: &[&str], lock: &[&str]) -> Output {
    migrate_command(bin, pkg, &db.url, &with_lock(args, lock)).output().expect("run cargo-migrate")
}

async fn set_knob(db: &TestDb, n: i64) {
    execute(&db.pool, &format!("UPDATE knob SET n = {n}")).await;
}

/// Applies `a` and returns the schema and history as they are before `b`.
async fn before_b(bin: &Path, pkg: &Path, db: &TestDb, lock: &[&str]) -> (Vec<String>, Vec<String>) {
    execute(&db.pool, "CREATE TABLE knob (n BIGINT)").await;
    execute(&db.pool, &format!("INSERT INTO knob (n) VALUES ({})", slow_knob(db.dialect))).await;
    let out = upgrade(bin, pkg, db, &["a"], lock);
    assert!(out.status.success(), "{}", text(&out));
    (db.schema().await, db.history(TABLE).await)
}

/// After `b` was interrupted: on PostgreSQL and SQLite nothing of it is left and the next run
/// applies it; on MariaDB its row says `started`, the next run refuses with the `resolve`
/// command, and after the operator's clean-up and `resolve --rolled-back` the run completes.
async fn recover_and_complete(bin: &Path, pkg: &Path, db: &TestDb, before: (Vec<String>, Vec<String>), lock: &[&str]) {
    let d = db.dialect;
    set_knob(db, 1).await;
    if d == Dialect::MySql {
        let refused = upgrade(bin, pkg, db, &[], lock);
        assert_eq!(refused.status.code(), Some(1), "{d}: {}", text(&refused));
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("cargo migrate resolve b --applied"), "{d}: names the resolve command:\n{said}");
        assert_eq!(db.history(TABLE).await, ["a:applied", "b:started"], "{d}");
        assert_eq!(
            texts(&db.pool, "SELECT CAST(id AS CHAR) FROM t_b").await,
            ["1"],
            "{d}: DDL and the first row stayed"
        );
        execute(&db.pool, "DROP TABLE t_b").await;
        let resolved = migrate(bin, pkg, db, &["resolve", "b", "--rolled-back"], lock);
        assert!(resolved.status.success(), "{d}: {}", text(&resolved));
    } else {
        assert_eq!(db.history(TABLE).await, before.1, "{d}: the history is as before `b`");
        assert_eq!(db.schema().await, before.0, "{d}: the schema is exactly as before `b`");
    }
    let retry = upgrade(bin, pkg, db, &["--lock-timeout", "60"], lock);
    assert!(retry.status.success(), "{d}: the next run completes: {}", text(&retry));
    assert!(String::from_utf8_lossy(&retry.stdout).contains("applied 2 revision(s)"), "{d}: {}", text(&retry));
    assert_eq!(db.history(TABLE).await, ["a:applied", "b:applied", "c:applied"], "{d}");
    let as_text = if d == Dialect::MySql { "CHAR" } else { "TEXT" };
    let rows = texts(&db.pool, &format!("SELECT CAST(id AS {as_text}) FROM t_b ORDER BY id")).await;
    assert_eq!(rows, ["1", "2"], "{d}: `b` ran once, whole");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_mid_revision_leaves_the_database_as_before_or_resolvable() {
    let bin = cargo_migrate_bin();
    for lock in LOCKS {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let Some(db) = fresh(dialect).await else { continue };
            let pkg = package(&revisions(dialect));
            let before = before_b(&bin, pkg.path(), &db, lock).await;
            let mut running = Running::start(&bin, pkg.path(), &db.url, lock);
            running.wait_for_revision("b");
            wait_for_slow_statement(&db).await;
            running.child.kill().expect("SIGKILL");
            let (status, _) = running.finish();
            assert!(!status.success(), "{dialect} {lock:?}: killed");
            recover_and_complete(&bin, pkg.path(), &db, before, lock).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_killed_mid_revision_gives_a_clear_error_and_a_clean_retry() {
    let bin = cargo_migrate_bin();
    for (lock, dialect) in LOCKS.into_iter().flat_map(|l| [(l, Dialect::Postgres), (l, Dialect::MySql)]) {
        let Some(db) = fresh(dialect).await else { continue };
        let pkg = package(&revisions(dialect));
        let before = before_b(&bin, pkg.path(), &db, lock).await;
        let mut running = Running::start(&bin, pkg.path(), &db.url, lock);
        running.wait_for_revision("b");
        let session = wait_for_slow_statement(&db).await;
        let kill = match dialect {
            Dialect::Postgres => format!("SELECT pg_terminate_backend({session})"),
            _ => format!("KILL {session}"),
        };
        execute(&db.pool, &kill).await;
        let (status, stderr) = running.finish();
        assert_eq!(status.code(), Some(1), "{dialect}: a failure, not a crash:\n{stderr}");
        assert!(stderr.contains("revision `b` failed at "), "{dialect}: names the revision:\n{stderr}");
        assert!(stderr.contains("_b_create_t_b.sql:9"), "{dialect}: names the file and line:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{dialect}:\n{stderr}");
        recover_and_complete(&bin, pkg.path(), &db, before, lock).await;
    }
}
