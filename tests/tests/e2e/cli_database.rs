//! The real `cargo-migrate` binary against real databases: every database verb, targets on a
//! graph with a branch and a merge, offline `--sql` parity through `psql`, `mariadb` and
//! `sqlite3` (passwords: `secrets.rs`).

use std::path::Path;
use std::process::{Command, Output};

use migrate_e2e::db::{TestDb, fresh, fresh_databases};
use migrate_e2e::{PackageBuilder, cargo_migrate_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

fn run(bin: &Path, pkg: &Path, db: &str, args: &[&str]) -> Output {
    migrate_command(bin, pkg, db, args).output().expect("run cargo-migrate")
}

fn ok(bin: &Path, pkg: &Path, db: &TestDb, args: &[&str]) -> String {
    let out = run(bin, pkg, &db.url, args);
    assert!(out.status.success(), "{} {args:?}:\n{}", db.dialect, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn every_database_verb_on_every_database() {
    let bin = cargo_migrate_bin();
    let pkg = package(&migrate_testkit::branch_and_merge());
    let p = pkg.path();
    for db in fresh_databases().await {
        let d = db.dialect;
        let behind = run(&bin, p, &db.url, &["status"]);
        assert_eq!(behind.status.code(), Some(1), "{d}: status exits 1 while revisions are pending");
        assert!(
            String::from_utf8_lossy(&behind.stdout).starts_with("current: base\npending: 6 (a0, b10, b20, d0, m0, f0)"),
            "{d}"
        );
        assert!(ok(&bin, p, &db, &["upgrade", "b1"]).contains("applied 2 revision(s)"), "{d}");
        assert_eq!(ok(&bin, p, &db, &["current"]), "b10\n");
        ok(&bin, p, &db, &["upgrade", "+1"]);
        ok(&bin, p, &db, &["upgrade", "side@head"]);
        assert_eq!(ok(&bin, p, &db, &["current"]), "f0 (head)\n", "{d}");
        assert!(ok(&bin, p, &db, &["check", "--pending"]).contains("up to date"));
        ok(&bin, p, &db, &["downgrade", "-1"]);
        let pending = run(&bin, p, &db.url, &["check", "--pending"]);
        assert_eq!(pending.status.code(), Some(1), "{d}: the deploy gate fails with a pending revision");
        ok(&bin, p, &db, &["downgrade", "b20"]);
        assert_eq!(
            db.history("migrate_history").await,
            ["a0:applied", "b10:applied", "b20:applied", "d0:applied"],
            "{d}"
        );
        // As in Alembic, LABEL@base goes below the branch's base, a0, which both lines grow from.
        ok(&bin, p, &db, &["downgrade", "side@base"]);
        assert!(db.history("migrate_history").await.is_empty(), "{d}");
        let json: serde_json::Value =
            serde_json::from_str(&ok(&bin, p, &db, &["upgrade", "--format", "json"])).expect("json");
        assert_eq!(json["steps"].as_array().map(Vec::len), Some(6), "{d}");
        ok(&bin, p, &db, &["stamp", "b10", "--purge"]);
        assert_eq!(db.history("migrate_history").await, ["a0:applied", "b10:applied"], "{d}");
        ok(&bin, p, &db, &["stamp", "heads"]);
        assert_eq!(db.history("migrate_history").await.len(), 6);
        let resolve = run(&bin, p, &db.url, &["resolve", "a0", "--applied"]);
        assert_eq!(resolve.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&resolve.stderr).contains("no started or failed row"), "{}", text(&resolve));
        ok(&bin, p, &db, &["reset", "--yes"]);
        assert_eq!(db.history("migrate_history").await.len(), 6, "{d}: reset applies everything again");
        let bad = run(&bin, p, &db.url, &["upgrade", "zz"]);
        assert_eq!(bad.status.code(), Some(2), "{d}: an unknown target is a usage error");
    }
}

#[tokio::test]
async fn offline_sql_leaves_the_same_schema_and_history_as_an_online_upgrade() {
    let bin = cargo_migrate_bin();
    let mut specs = migrate_testkit::branch_and_merge();
    specs[2].up.push_str("INSERT INTO t_b20 (id, v) VALUES (1, 'it''s; tricky -- not a comment');\n");
    let pkg = package(&specs);
    let p = pkg.path();
    let online = fresh_databases().await;
    let offline = fresh_databases().await;
    for (on, off) in online.iter().zip(&offline) {
        let d = on.dialect;
        ok(&bin, p, on, &["upgrade"]);
        let dialect = d.to_string();
        let script = ok(&bin, p, off, &["upgrade", "--sql", "--dialect", &dialect]);
        let out = off.run_client(&script);
        assert!(out.status.success(), "{d}: the client refused the script:\n{}\n{script}", text(&out));
        assert_eq!(off.schema().await, on.schema().await, "{d}: same schema");
        assert_eq!(off.history("migrate_history").await, on.history("migrate_history").await, "{d}: same history");
        let checksums = "SELECT checksum FROM migrate_history WHERE revision <> '' ORDER BY revision";
        assert_eq!(
            migrate_e2e::db::texts(&off.pool, checksums).await,
            migrate_e2e::db::texts(&on.pool, checksums).await
        );
        let status = ok(&bin, p, off, &["status"]);
        assert!(status.contains("pending: none"), "{d}: the online tool accepts what the script did: {status}");
        // The first boot after the script finds no summary, takes the lock once to write it;
        // the next boot answers from the summary alone.
        let summary = "SELECT digest FROM migrate_history_summary";
        assert!(migrate_e2e::db::texts(&off.pool, summary).await.is_empty(), "{d}: the script left no summary");
        ok(&bin, p, off, &["upgrade"]);
        assert_eq!(migrate_e2e::db::texts(&off.pool, summary).await.len(), 1, "{d}");
        let down = ok(&bin, p, off, &["downgrade", "--sql", "--dialect", &dialect, "heads:b10"]);
        assert!(down.contains("DROP TABLE t_f0") && !down.contains("DROP TABLE t_b10"), "{down}");
    }
}

#[test]
fn database_url_precedence_flag_env_dotenv_config() {
    let bin = cargo_migrate_bin();
    let pkg =
        PackageBuilder::new().config("database-url = \"sqlite://config.db\"").specs(&[Spec::new("a", &[])]).build();
    let p = pkg.path();
    let upgrade = |env: Option<&str>, flag: Option<&str>| {
        let mut cmd = Command::new(&bin);
        cmd.args(["migrate", "upgrade", "-q"]).current_dir(p).env_remove("DATABASE_URL");
        if let Some(url) = env {
            cmd.env("DATABASE_URL", url);
        }
        if let Some(url) = flag {
            cmd.args(["--database-url", url]);
        }
        let out = cmd.output().expect("run");
        assert!(out.status.success(), "{}", text(&out));
    };
    upgrade(None, None);
    assert!(p.join("config.db").exists(), "config is the last resort");
    std::fs::write(p.join(".env"), "DATABASE_URL=sqlite://dotenv.db\n").expect(".env");
    upgrade(None, None);
    assert!(p.join("dotenv.db").exists(), ".env comes before config");
    upgrade(Some("sqlite://environment.db"), None);
    assert!(p.join("environment.db").exists(), "the environment comes before .env");
    upgrade(Some("sqlite://environment.db"), Some("sqlite://flag.db"));
    assert!(p.join("flag.db").exists(), "--database-url comes first");
}

#[tokio::test]
async fn operator_verbs_report_what_is_there() {
    let bin = cargo_migrate_bin();
    let mut failing = Spec::new("005cafe", &["a"]);
    failing.up = "CREATE TABLE half_done (id INT);\nINSERT INTO no_such_table VALUES (1);\n".into();
    let broken = package(&[Spec::new("a", &[]), failing]);
    let fine = package(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    for db in fresh_databases().await {
        let d = db.dialect;
        // `stamp --purge` says what was recorded before it purged.
        ok(&bin, fine.path(), &db, &["upgrade"]);
        let stamped = ok(&bin, fine.path(), &db, &["stamp", "a", "--purge"]);
        assert_eq!(stamped, "stamped: b -> a (nothing ran)\n", "{d}");
        ok(&bin, fine.path(), &db, &["stamp", "b"]);
        ok(&bin, fine.path(), &db, &["downgrade", "base"]);
        // A second run that takes the lock with the tables already there logs no server notice
        // (PostgreSQL's `relation … already exists, skipping`).
        ok(&bin, fine.path(), &db, &["upgrade", "a"]);
        let verbose = migrate_command(&bin, fine.path(), &db.url, &["upgrade"])
            .env("CARGO_MIGRATE_LOG", "trace")
            .output()
            .expect("run cargo-migrate");
        let log = String::from_utf8_lossy(&verbose.stderr);
        assert!(verbose.status.success() && !log.contains("already exists"), "{d}:\n{log}");
        assert!(!log.contains('\u{1b}'), "{d}: no colour codes in a log that is not a terminal");
        if d != Dialect::MySql {
            continue;
        }
        // MariaDB: a failed revision is unresolved — not current, and `status` fails.
        let db2 = fresh(Dialect::MySql).await.expect("mysql");
        let p = broken.path();
        assert_eq!(run(&bin, p, &db2.url, &["upgrade"]).status.code(), Some(1));
        assert_eq!(ok(&bin, p, &db2, &["current"]), "a\n", "the failed revision is not current");
        let status = run(&bin, p, &db2.url, &["status"]);
        assert_eq!(status.status.code(), Some(1), "{}", text(&status));
        assert!(String::from_utf8_lossy(&status.stdout).contains("unresolved: 005cafe is failed"), "{}", text(&status));
        // `resolve` takes a unique prefix, as every revision argument does.
        migrate_e2e::db::execute(&db2.pool, "DROP TABLE half_done").await;
        ok(&bin, p, &db2, &["resolve", "005c", "--rolled-back"]);
        assert_eq!(db2.history("migrate_history").await, ["a:applied"]);
    }
}
