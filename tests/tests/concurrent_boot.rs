//! 8 copies of the built example application start at the same moment against one fresh
//! database, on PostgreSQL, MariaDB and a SQLite file: all exit 0 and every revision is applied
//! exactly once (the applied counts the processes report add up to the number of revisions).

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
