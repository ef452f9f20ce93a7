//! Load: 32 processes of the built example service boot at the same moment against one fresh
//! database, 10 rounds, on PostgreSQL, MariaDB and a SQLite file, with the default lock and
//! with the lease, and on PostgreSQL through a real PgBouncer in transaction pooling mode. Every process must migrate and
//! start listening, then stop cleanly (exit 0 on SIGTERM); the applied counts they report must add
//! up to the number of revisions (each applied exactly once), the history must hold each
//! revision once as `applied`, and the schema must equal the one a single boot builds. The wall
//! time of each round (start signal to the last process listening) is printed (it is a report,
//! not an assertion: these machines are shared and noisy).

use std::io::Write as _;
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, fresh};
use migrate_e2e::pgbouncer::PgBouncer;
use migrate_e2e::{Service, Stopped, example_app_bin};
use migrate_runtime::Dialect;

const PROCESSES: usize = 32;
const ROUNDS: usize = 10;
const REVISIONS: usize = 5;

/// One process of a round: booted (listening, then stopped) or not.
type Boot = Result<Stopped, Stopped>;

/// Starts `n` copies of `bin` on `url` at the same moment; how each went, and the wall time from
/// the start signal to the last one listening.
fn boot_together(bin: &Path, url: &str, lock: &str, n: usize) -> (Vec<Boot>, Duration) {
    let barrier = Arc::new(Barrier::new(n + 1));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (bin, url, lock, barrier) = (bin.to_path_buf(), url.to_owned(), lock.to_owned(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                let env = [("DATABASE_URL", url.as_str()), ("MIGRATE_LOCK", lock.as_str())];
                let booted = Service::boot(&bin, &env, Duration::from_secs(300));
                let listening = Instant::now();
                (booted.map(Service::stop), listening)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut last = started;
    let mut boots = Vec::new();
    for h in handles {
        let (boot, listening) = h.join().expect("thread");
        last = last.max(listening);
        boots.push(boot);
    }
    (boots, last - started)
}

/// The number of revisions one boot reports it applied (`<url>: N revision(s) applied, …`).
fn applied_count(out: &Stopped) -> usize {
    out.stdout
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output:\n{out}"))
}

/// The processes that did not boot, or did not stop cleanly.
fn failures(boots: &[Boot]) -> Vec<String> {
    boots
        .iter()
        .filter_map(|b| match b {
            Ok(stopped) if stopped.status.success() => None,
            Ok(stopped) => Some(format!("did not stop cleanly: {stopped}")),
            Err(stopped) => Some(format!("did not boot: {stopped}")),
        })
        .collect()
}

/// How the processes reach the database.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// Straight to the server.
    Direct,
    /// Through a PgBouncer in transaction pooling mode (PostgreSQL).
    PgBouncer,
}

/// `PROCESSES` boots at once, `ROUNDS` times, each round on a fresh database, with the lock
/// `lock` (`auto`, `advisory`, `lease`), straight to the server or through PgBouncer.
async fn load(dialect: Dialect, lock: &str, via: Via) {
    let bin = example_app_bin();
    let Some(reference) = fresh(dialect).await else { return };
    let bouncer = match via {
        Via::Direct => None,
        Via::PgBouncer => match PgBouncer::start(&reference.url, 10) {
            Some(b) => Some(b),
            None => return,
        },
    };
    let url_of = |db: &TestDb| bouncer.as_ref().map_or_else(|| db.url.clone(), |b| b.url_for(&db.url));
    let (single, _) = boot_together(&bin, &url_of(&reference), lock, 1);
    assert!(failures(&single).is_empty(), "{}", failures(&single).join("\n"));
    let expected_schema = reference.schema().await;
    let mut walls = Vec::new();
    for round in 1..=ROUNDS {
        let db: TestDb = fresh(dialect).await.expect("configured above");
        let (boots, wall) = boot_together(&bin, &url_of(&db), lock, PROCESSES);
        let failed = failures(&boots);
        assert!(
            failed.is_empty(),
            "{dialect} round {round}: {} of {PROCESSES} failed:\n{}",
            failed.len(),
            failed.join("\n")
        );
        let applied: usize = boots.iter().flatten().map(applied_count).sum();
        assert_eq!(applied, REVISIONS, "{dialect} round {round}: each revision applied exactly once");
        let history = db.history("migrate_history").await;
        assert_eq!(history.len(), REVISIONS, "{dialect} round {round}: {history:?}");
        assert!(history.iter().all(|r| r.ends_with(":applied")), "{dialect} round {round}: {history:?}");
        assert_eq!(db.schema().await, expected_schema, "{dialect} round {round}: the schema one boot builds");
        walls.push(wall);
        db.drop_database().await;
    }
    reference.drop_database().await;
    walls.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Straight to the process's stderr: the harness captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "load {dialect} (lock {lock}{}): {PROCESSES} processes x {ROUNDS} rounds, 0 failures; wall time of a round: median {:.0} ms (min {:.0}, max {:.0})",
        if via == Via::PgBouncer { ", through PgBouncer" } else { "" },
        ms(walls[walls.len() / 2]),
        ms(walls[0]),
        ms(walls[walls.len() - 1]),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_postgres() {
    load(Dialect::Postgres, "auto", Via::Direct).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_mariadb() {
    load(Dialect::MySql, "auto", Via::Direct).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_a_sqlite_file() {
    load(Dialect::Sqlite, "auto", Via::Direct).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_with_the_lease_on_postgres() {
    load(Dialect::Postgres, "lease", Via::Direct).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_with_the_lease_on_mariadb() {
    load(Dialect::MySql, "lease", Via::Direct).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_with_the_lease_on_a_sqlite_file() {
    load(Dialect::Sqlite, "lease", Via::Direct).await;
}

/// Through PgBouncer in transaction mode `auto` finds the pooler (the server's port is not the
/// one connected to) and takes the lease.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn thirty_two_boots_at_once_through_pgbouncer() {
    load(Dialect::Postgres, "auto", Via::PgBouncer).await;
}
