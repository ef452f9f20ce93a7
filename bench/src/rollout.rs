//! A fleet's rollout on PostgreSQL: K fresh processes of one release started at once against
//! one database with every revision pending — ours and sqlx's applications over the same SQL,
//! alternating runs, a new database each run. One process migrates; the others wait for the
//! lock and must then find nothing pending. The slowest process (start to exit) is what the
//! rollout waits for. The rows the database counts as written (`pg_stat_database`: inserted +
//! updated + deleted tuples, system catalogs included) are compared with one process alone on
//! a fresh database: the difference is what the waiters wrote.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use migrate_e2e::db::{fresh, texts};
use migrate_runtime::Dialect;
use migrate_testkit::timing::Stats;

use crate::process_boot::Apps;

/// Rows written in the current database so far, as the statistics collector counts them (after
/// every backend of the fleet has ended and flushed its counters).
async fn rows_written(db: &migrate_e2e::db::TestDb) -> i64 {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sql = "SELECT (tup_inserted + tup_updated + tup_deleted)::text FROM pg_stat_database WHERE datname = current_database()";
    texts(&db.pool, "SELECT pg_stat_clear_snapshot()::text").await;
    texts(&db.pool, sql).await.first().and_then(|v| v.parse().ok()).expect("a count")
}

/// Starts `k` processes of `bin` at once on `url`; returns the slowest one's time, start to exit.
fn fleet(bin: &Path, url: &str, k: usize) -> Duration {
    let start = Instant::now();
    let children: Vec<Child> = (0..k)
        .map(|_| {
            Command::new(bin)
                .env("DATABASE_URL", url)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}: {}", bin.display(), String::from_utf8_lossy(&out.stderr));
        slowest = slowest.max(start.elapsed());
    }
    slowest
}

/// One sample: a fresh database, `k` processes at once; the slowest time and the rows written.
async fn sample(bin: &Path, k: usize) -> (Duration, i64) {
    let db = fresh(Dialect::Postgres).await.expect("MIGRATE_TEST_POSTGRES_URL");
    let before = rows_written(&db).await;
    let url = format!("{}{}sslmode=disable", db.url, if db.url.contains('?') { '&' } else { '?' });
    let slowest = fleet(bin, &url, k);
    let written = rows_written(&db).await - before;
    db.drop_database().await;
    (slowest, written)
}

fn cell(s: &Stats) -> String {
    format!("{:.0} ({:.0}–{:.0})", s.median_ms(), s.min.as_secs_f64() * 1e3, s.max.as_secs_f64() * 1e3)
}

/// Prints the rollout table for fleets of `sizes` processes, `runs` samples each side.
pub async fn run(n: usize, runs: usize, sizes: &[usize]) {
    println!("## A rollout: K fresh processes at once, N = {n} pending, PostgreSQL, {runs} runs alternating\n");
    if fresh(Dialect::Postgres).await.is_none() {
        println!("(skipped: set MIGRATE_TEST_POSTGRES_URL)\n");
        return;
    }
    let apps = Apps::build(n);
    println!(
        "| K | ours: slowest process (ms) | sqlx: slowest process (ms) | ours / sqlx | rows written, ours: K / alone | rows written, sqlx: K / alone |\n|---:|---:|---:|---:|---:|---:|"
    );
    let ours_alone = sample(&apps.ours, 1).await.1;
    let sqlx_alone = sample(&apps.theirs, 1).await.1;
    for &k in sizes {
        let (mut ours, mut theirs, mut ours_rows, mut sqlx_rows) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            let order = if i % 2 == 0 { [&apps.ours, &apps.theirs] } else { [&apps.theirs, &apps.ours] };
            for bin in order {
                let (slowest, rows) = sample(bin, k).await;
                if bin == &apps.ours {
                    ours.push(slowest);
                    ours_rows.push(rows);
                } else {
                    theirs.push(slowest);
                    sqlx_rows.push(rows);
                }
            }
        }
        let (o, t) = (Stats::of(ours), Stats::of(theirs));
        let max = |v: &[i64]| v.iter().copied().max().unwrap_or_default();
        println!(
            "| {k} | {} | {} | {:.2} | {} / {ours_alone} | {} / {sqlx_alone} |",
            cell(&o),
            cell(&t),
            o.median_ms() / t.median_ms(),
            max(&ours_rows),
            max(&sqlx_rows)
        );
    }
    println!();
}
