//! `cargo run --release -p migrate-bench -- [process-boot|rollout|boot|apply|build|build-vs-sqlx|autogen|autogen-phases|all] [--n N] [--runs R]`: measures
//! cargo-migrate's runtime beside sqlx's own migrator and beside raw SQL, in the same process,
//! interleaved, on SQLite and (with `MIGRATE_TEST_POSTGRES_URL` / `MIGRATE_TEST_MYSQL_URL`)
//! PostgreSQL and MariaDB. Prints markdown tables; see bench/README.md.

mod autogen;
mod build;
mod contenders;
mod process_boot;
mod rollout;
mod roundtrips;

use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, fresh_databases};
use migrate_testkit::timing::Stats;

use contenders::{Fixture, floor_apply, ours_apply, sqlx_apply, sqlx_migrator};

struct Args {
    what: String,
    n: usize,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { what: "all".into(), n: 1000, runs: 21 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--n" => args.n = it.next().and_then(|v| v.parse().ok()).unwrap_or(args.n),
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(args.runs),
            "--bench" => {}
            other => args.what = other.to_owned(),
        }
    }
    args
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn cell(s: &Stats) -> String {
    format!("{} ({}–{})", ms(s.median), ms(s.min), ms(s.max))
}

#[tokio::main]
async fn main() {
    let args = args();
    let counter = roundtrips::install();
    let fixture = Fixture::generate(args.n);
    println!("# cargo-migrate benchmarks\n");
    println!(
        "N = {} revisions ({} merges on our side; the same SQL as a linear sqlx folder), {} runs, medians with min–max in ms\n",
        args.n, fixture.merges, args.runs
    );
    if args.what == "process-boot" || args.what == "all" {
        process_boot::run(args.n, args.runs).await;
    }
    if args.what == "rollout" || args.what == "all" {
        rollout::run(args.n.min(100), args.runs.min(7), &[8, 32]).await;
    }
    if args.what == "boot" || args.what == "all" {
        boot(&fixture, args.runs, &counter).await;
    }
    if args.what == "apply" || args.what == "all" {
        apply(&fixture, args.runs.min(9)).await;
    }
    if args.what == "build" || args.what == "all" {
        build::run(args.runs.min(5));
    }
    if args.what == "autogen" {
        autogen::run(args.runs.min(5));
    }
    if let Some(dir) = args.what.strip_prefix("autogen-package=") {
        autogen::keep_packages(std::path::Path::new(dir));
    }
    if args.what == "autogen-phases" {
        autogen::phases(args.runs.min(5)).await;
    }
    if args.what == "build-vs-sqlx" || args.what == "all" {
        build::against_sqlx(args.runs.min(5));
    }
}

/// Boot with nothing pending, the call repeated in one warm process: ours against sqlx's
/// `Migrator::run`, interleaved (the whole-process boot is `process_boot`).
async fn boot(fixture: &Fixture, runs: usize, counter: &roundtrips::Counter) {
    println!("## Boot, nothing pending (N applied), the call repeated in one warm process\n");
    println!(
        "| database | ours | sqlx Migrator::run | ours / sqlx | statements: ours | statements: sqlx |\n|---|---:|---:|---:|---:|---:|"
    );
    let ours_dbs = fresh_databases().await;
    let sqlx_dbs = fresh_databases().await;
    let migrator = sqlx_migrator(fixture).await;
    for (ours, theirs) in ours_dbs.iter().zip(&sqlx_dbs) {
        ours_apply(ours, fixture).await;
        sqlx_apply(theirs, &migrator).await;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let start = Instant::now();
            let report = contenders::ours_boot(ours, fixture).await;
            a.push(start.elapsed());
            assert!(report.steps.is_empty() && !report.locked);
            let start = Instant::now();
            sqlx_apply(theirs, &migrator).await;
            b.push(start.elapsed());
        }
        let ours_statements = counter.count(contenders::ours_boot(ours, fixture)).await.1;
        let sqlx_statements = counter.count(sqlx_apply(theirs, &migrator)).await.1;
        let (a, b) = (Stats::of(a), Stats::of(b));
        println!(
            "| {} | {} | {} | {:.2} | {ours_statements} | {sqlx_statements} |",
            ours.dialect,
            cell(&a),
            cell(&b),
            a.median_ms() / b.median_ms()
        );
    }
    println!(
        "\nStatements are counted from sqlx's own query log (target `sqlx::query`); a pool may add a connection check on acquire.\n"
    );
}

/// A database's samples: ours (one transaction per revision), sqlx's, the floor's, ours with
/// one transaction for the run (PostgreSQL and SQLite only).
type ApplyTimes = (String, Vec<Duration>, Vec<Duration>, Vec<Duration>, Vec<Duration>);

/// Cold apply of N revisions to an empty database: ours, sqlx's migrator, and the floor.
async fn apply(fixture: &Fixture, runs: usize) {
    println!("## Cold apply of N revisions to an empty database\n");
    println!(
        "| database | ours | ours, transaction = run | sqlx Migrator::run | floor (raw SQL, one transaction per revision) | ours / sqlx | run / sqlx | ours / floor | sqlx / floor |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let migrator = sqlx_migrator(fixture).await;
    let mut rows: Vec<ApplyTimes> = Vec::new();
    for run in 0..runs {
        let (ours, theirs, floor, whole) =
            (fresh_databases().await, fresh_databases().await, fresh_databases().await, fresh_databases().await);
        for (i, (((o, t), f), w)) in ours.iter().zip(&theirs).zip(&floor).zip(&whole).enumerate() {
            if rows.len() <= i {
                rows.push((o.dialect.to_string(), Vec::new(), Vec::new(), Vec::new(), Vec::new()));
            }
            let timed = async |db: &TestDb, which: u8| {
                let start = Instant::now();
                match which {
                    0 => ours_apply(db, fixture).await,
                    1 => sqlx_apply(db, &migrator).await,
                    2 => floor_apply(db, fixture).await,
                    _ => contenders::ours_apply_run(db, fixture).await,
                }
                start.elapsed()
            };
            // Each run starts with a different contender: whoever goes first after the previous
            // run's databases were dropped meets the server's background writes.
            let run_mode = o.dialect != migrate_runtime::Dialect::MySql;
            for k in 0..4 {
                match (run + k) % 4 {
                    0 => rows[i].1.push(timed(o, 0).await),
                    1 => rows[i].2.push(timed(t, 1).await),
                    2 => rows[i].3.push(timed(f, 2).await),
                    _ if run_mode => rows[i].4.push(timed(w, 3).await),
                    _ => {}
                }
            }
        }
        for db in ours.into_iter().chain(theirs).chain(floor).chain(whole) {
            db.drop_database().await;
        }
    }
    for (name, a, b, c, d) in rows {
        let (a, b, c) = (Stats::of(a), Stats::of(b), Stats::of(c));
        let (run_cell, run_ratio) = if d.is_empty() {
            ("— (refused: DDL commits implicitly)".to_owned(), "—".to_owned())
        } else {
            let d = Stats::of(d);
            (cell(&d), format!("{:.2}", d.median_ms() / b.median_ms()))
        };
        println!(
            "| {name} | {} | {run_cell} | {} | {} | {:.2} | {run_ratio} | {:.2} | {:.2} |",
            cell(&a),
            cell(&b),
            cell(&c),
            a.median_ms() / b.median_ms(),
            a.median_ms() / c.median_ms(),
            b.median_ms() / c.median_ms()
        );
    }
    println!();
}
