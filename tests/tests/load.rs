//! Load: 32 processes of the built example application boot at the same moment against one
//! fresh database, 10 rounds, on PostgreSQL, MariaDB and a SQLite file. Every process must exit 0,
//! the applied counts they report must add up to the number of revisions (each applied exactly
//! once), the history must hold each revision once as `applied`, and the schema must equal the
//! one a single boot builds. The wall time of each round is printed (it is a report, not an
//! assertion: these machines are shared and noisy).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, fresh};
use migrate_e2e::{example_app_bin, text};
use migrate_runtime::Dialect;

const PROCESSES: usize = 32;
const ROUNDS: usize = 10;
const REVISIONS: usize = 5;

/// Starts `n` copies of `bin` on `url` at the same moment; their outputs and the wall time from
/// the start signal to the last exit.
fn boot_together(bin: &Path, url: &str, n: usize) -> (Vec<Output>, Duration) {
    let barrier = Arc::new(Barrier::new(n + 1));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (bin, url, barrier) = (bin.to_path_buf(), url.to_owned(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                let mut cmd = Command::new(bin);
                cmd.env("DATABASE_URL", url).env("RUST_LOG", "warn").stdin(Stdio::null());
                barrier.wait();
                cmd.output().expect("start the application")
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let outputs = handles.into_iter().map(|h| h.join().expect("thread")).collect();
    (outputs, started.elapsed())
}

/// The number of revisions one boot reports it applied (`<url>: N revision(s) applied, …`).
fn applied_count(out: &Output) -> usize {
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .split(": ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output:\n{}", text(out)))
}

async fn load(dialect: Dialect) {
    let bin = example_app_bin();
    let Some(reference) = fresh(dialect).await else { return };
    let (single, _) = boot_together(&bin, &reference.url, 1);
    assert!(single[0].status.success(), "{}", text(&single[0]));
    let expected_schema = reference.schema().await;
    let mut walls = Vec::new();
    for round in 1..=ROUNDS {
        let db: TestDb = fresh(dialect).await.expect("configured above");
        let (outputs, wall) = boot_together(&bin, &db.url, PROCESSES);
        let failures: Vec<String> = outputs.iter().filter(|o| !o.status.success()).map(text).collect();
        assert!(
            failures.is_empty(),
            "{dialect} round {round}: {} of {PROCESSES} failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        let applied: usize = outputs.iter().map(applied_count).sum();
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
        "load {dialect}: {PROCESSES} processes x {ROUNDS} rounds, 0 failures; wall time of a round: median {:.0} ms (min {:.0}, max {:.0})",
        ms(walls[walls.len() / 2]),
        ms(walls[0]),
        ms(walls[walls.len() - 1]),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_postgres() {
    load(Dialect::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_mariadb() {
    load(Dialect::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_two_boots_at_once_on_a_sqlite_file() {
    load(Dialect::Sqlite).await;
}
