//! `--transaction run`: every pending revision and its history row in one transaction. A run
//! whose 7th of 10 revisions fails leaves PostgreSQL and SQLite exactly as before (schema and
//! history compared); MariaDB (DDL commits implicitly) and a pending `transaction: false`
//! revision are refused before anything runs.

use migrate_e2e::db::fresh_databases;
use migrate_e2e::{cargo_migrate_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

fn chain(n: usize) -> Vec<Spec> {
    let ids: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    (0..n).map(|i| if i == 0 { Spec::new(&ids[0], &[]) } else { Spec::new(&ids[i], &[&ids[i - 1]]) }).collect()
}

#[tokio::test]
async fn a_failing_revision_leaves_the_database_as_before_the_run() {
    let bin = cargo_migrate_bin();
    let mut specs = chain(13);
    specs[9].up = "CREATE TABLE t_r9 (id INT);\nINSERT INTO no_such_table VALUES (1);\n".into();
    let pkg = package(&specs);
    for db in fresh_databases().await {
        let d = db.dialect;
        let first = migrate_command(&bin, pkg.path(), &db.url, &["upgrade", "r2"]).output().expect("run");
        assert!(first.status.success(), "{d}: {}", text(&first));
        let (schema, history) = (db.schema().await, db.history("migrate_history").await);
        let run =
            migrate_command(&bin, pkg.path(), &db.url, &["upgrade", "--transaction", "run"]).output().expect("run");
        let said = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{d}: {}", text(&run));
        if d == Dialect::MySql {
            assert!(said.contains("error[run-transaction-refused]") && said.contains("implicitly"), "{d}: {said}");
        } else {
            assert!(said.contains("revision `r9` failed") && said.contains("nothing of it was applied"), "{d}: {said}");
        }
        assert_eq!(db.history("migrate_history").await, history, "{d}: the history is as before the run");
        assert_eq!(db.schema().await, schema, "{d}: the schema is exactly as before the run");
        // Per revision (the default), the six before the failing one stay applied.
        let per_revision = migrate_command(&bin, pkg.path(), &db.url, &["upgrade"]).output().expect("run");
        assert_eq!(per_revision.status.code(), Some(1), "{d}: {}", text(&per_revision));
        let kept = db.history("migrate_history").await;
        assert!(kept.contains(&"r8:applied".to_owned()) && !kept.iter().any(|r| r.starts_with("r10")), "{d}: {kept:?}");
    }
}

#[tokio::test]
async fn a_run_transaction_applies_everything_or_is_refused_up_front() {
    let bin = cargo_migrate_bin();
    let pkg = package(&chain(10));
    let mut specs = chain(3);
    specs[2] = specs[2].clone().header("-- transaction: false");
    let outside = package(&specs);
    for db in fresh_databases().await {
        let d = db.dialect;
        let refused =
            migrate_command(&bin, outside.path(), &db.url, &["upgrade", "--transaction", "run"]).output().expect("run");
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{d}: {}", text(&refused));
        assert!(said.contains("error[run-transaction-refused]"), "{d}: {said}");
        if d != Dialect::MySql {
            assert!(said.contains("`r2` is `transaction: false`"), "{d}: {said}");
        }
        assert!(db.history("migrate_history").await.is_empty(), "{d}: nothing ran");
        let run =
            migrate_command(&bin, pkg.path(), &db.url, &["upgrade", "--transaction", "run"]).output().expect("run");
        if d == Dialect::MySql {
            assert_eq!(run.status.code(), Some(1), "{d}: refused");
            continue;
        }
        assert!(run.status.success(), "{d}: {}", text(&run));
        assert!(String::from_utf8_lossy(&run.stdout).contains("applied 10 revision(s)"), "{d}: {}", text(&run));
        let up_to_date = migrate_command(&bin, pkg.path(), &db.url, &["status"]).output().expect("run");
        assert!(up_to_date.status.success(), "{d}: the summary was written: {}", text(&up_to_date));
        let down = migrate_command(&bin, pkg.path(), &db.url, &["downgrade", "base", "--transaction", "run"])
            .output()
            .expect("run");
        assert!(down.status.success(), "{d}: {}", text(&down));
        assert!(db.history("migrate_history").await.is_empty(), "{d}");
    }
}
