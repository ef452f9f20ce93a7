//! `cargo migrate upgrade --each FILE --jobs 8` over 50 SQLite files and 20 PostgreSQL databases,
//! one of them broken: a line per database, the others all applied, a summary naming the broken
//! one with its reason, exit 1, and no password anywhere in the output.

use migrate_e2e::db::fresh;
use migrate_e2e::{cargo_migrate_bin, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

#[tokio::test(flavor = "multi_thread")]
async fn fifty_sqlite_and_twenty_postgres_databases_one_broken() {
    let bin = cargo_migrate_bin();
    let pkg = package(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]);
    let files = tempfile::tempdir().expect("temp dir");
    let mut urls: Vec<String> =
        (0..50).map(|i| format!("sqlite://{}", files.path().join(format!("tenant{i}.db")).display())).collect();
    let mut postgres = Vec::new();
    for _ in 0..20 {
        let Some(db) = fresh(Dialect::Postgres).await else { break };
        // Trust authentication takes any password: it must never be printed.
        urls.push(db.url.replacen("postgres://postgres@", "postgres://postgres:s3cret-pw@", 1));
        postgres.push(db);
    }
    let broken = "postgres://postgres:s3cret-pw@127.0.0.1:5432/migrate_t_no_such_database";
    urls.insert(30, broken.to_owned());
    let list = files.path().join("tenants.txt");
    std::fs::write(&list, format!("# tenants\n\n{}\n", urls.join("\n"))).expect("write the list");
    let out = std::process::Command::new(&bin)
        .args(["migrate", "upgrade", "--each"])
        .arg(&list)
        .args(["--jobs", "8", "--keep-going"])
        .current_dir(pkg.path())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cargo-migrate");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let total = urls.len();
    assert_eq!(stdout.lines().filter(|l| l.starts_with('[')).count(), total, "a line per database:\n{stdout}");
    assert!(
        stdout.contains(&format!(
            "{total} database(s): {} applied, 0 already current, 1 failed, 0 not started",
            total - 1
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("  failed: postgres://postgres:***@127.0.0.1:5432/migrate_t_no_such_database: "),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cret-pw") && !stderr.contains("s3cret-pw"), "a password was printed:\n{}", text(&out));
    for db in &postgres {
        assert_eq!(db.history("migrate_history").await, ["a:applied", "b:applied", "c:applied"]);
    }
    // Without --keep-going the first failure stops new starts; a second pass finds the rest
    // current.
    let again = std::process::Command::new(&bin)
        .args(["migrate", "upgrade", "--each"])
        .arg(&list)
        .args(["--jobs", "8", "--format", "json"])
        .current_dir(pkg.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("run cargo-migrate");
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let doc: serde_json::Value = serde_json::from_slice(&again.stdout).expect("JSON");
    assert_eq!(doc["failed"], 1, "{doc}");
    assert_eq!(doc["applied"], 0, "{doc}");
    assert!(doc["current"].as_u64().unwrap_or(0) >= 1, "{doc}");
    assert!(!String::from_utf8_lossy(&again.stdout).contains("s3cret-pw"));
    for db in postgres {
        db.drop_database().await;
    }
}
