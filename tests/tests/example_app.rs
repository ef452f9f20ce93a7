//! The built example application on PostgreSQL, MariaDB and a SQLite file: 8 copies started at
//! the same moment apply every revision exactly once (the applied counts they report add up to
//! the number of revisions), and `myapp migrate …` runs the operator commands.

use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

use migrate_e2e::db::fresh_databases;
use migrate_e2e::example_app_bin;

const COPIES: usize = 8;
const REVISIONS: usize = 5;

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_boot_applies_each_revision_once() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let barrier = Arc::new(Barrier::new(COPIES));
        let handles: Vec<_> = (0..COPIES)
            .map(|_| {
                let (bin, url, barrier) = (bin.clone(), db.url.clone(), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    Command::new(bin)
                        .env("DATABASE_URL", url)
                        .env("RUST_LOG", "warn")
                        .stdin(Stdio::null())
                        .output()
                        .expect("start the application")
                })
            })
            .collect();
        let outputs: Vec<_> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
        let mut applied = 0;
        for out in &outputs {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}: a copy failed:\n{stdout}\n{}",
                db.dialect,
                String::from_utf8_lossy(&out.stderr)
            );
            let n: usize = stdout
                .split(": ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
            applied += n;
        }
        assert_eq!(applied, REVISIONS, "{}: every revision applied exactly once across {COPIES} processes", db.dialect);
        let history = db.history("migrate_history").await;
        assert_eq!(history.len(), REVISIONS, "{history:?}");
        assert!(history.iter().all(|r| r.ends_with(":applied")), "{history:?}");
    }
}

fn app(bin: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run the application")
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", migrate_e2e::text(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_deployed_binary_answers_migrate_commands() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let d = db.dialect;
        let run = |args: &[&str]| app(&bin, &db.url, args);
        assert!(stdout_of(&run(&["migrate", "status"])).starts_with("current: base\npending: 1a2b3c4d5e6f, "), "{d}");
        assert!(stdout_of(&run(&["migrate", "upgrade", "4f1c"])).ends_with("base -> 4f1c2a9b7e3d\n"), "{d}");
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "4f1c2a9b7e3d\n");
        stdout_of(&run(&["migrate", "upgrade"]));
        assert!(stdout_of(&run(&["migrate", "downgrade", "-1"])).ends_with("7e8f9a0b1c2d -> c0ffee000001\n"), "{d}");
        assert_eq!(stdout_of(&run(&["migrate", "history"])).lines().count(), 4, "{d}");
        stdout_of(&run(&["migrate", "stamp", "heads"]));
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "7e8f9a0b1c2d\n");
        let usage = run(&["migrate", "frobnicate"]);
        assert!(
            !usage.status.success() && String::from_utf8_lossy(&usage.stderr).contains("usage: migrate status"),
            "{d}"
        );
        let boot = stdout_of(&run(&[]));
        assert!(boot.contains(": 0 revision(s) applied, at 7e8f9a0b1c2d"), "{d}: {boot}");
        assert!(boot.contains("the users table is ready"), "{d}: {boot}");
    }
}
