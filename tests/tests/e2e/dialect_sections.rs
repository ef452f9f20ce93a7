//! Sections marked for one dialect (`-- migrate:down mysql`) on the real servers: one folder,
//! three databases, each running its own SQL. The `DROP INDEX` of issue 13 — `DROP INDEX ix;`
//! is PostgreSQL's and SQLite's, MariaDB needs `DROP INDEX ix ON t` — upgraded and downgraded
//! by `cargo migrate` on each server and by the `--sql` script in the server's own client; the
//! recorded checksum is the one of what ran there.

use std::path::Path;

use migrate_core::parse_revision;
use migrate_e2e::db::{TestDb, execute, fresh, texts};
use migrate_e2e::{PackageBuilder, cargo_migrate_bin, migrate_command, text};
use migrate_runtime::Dialect;

const USERS: &str = "-- revision: r0\n-- revises:\n-- message: users\n\n-- migrate:up\nCREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));\n\n-- migrate:down\nDROP TABLE users;\n";

const INDEX: &str = "-- revision: r1\n-- revises: r0\n-- message: index emails\n\n-- migrate:up\nCREATE INDEX ix_users_email ON users (email);\n\n-- migrate:down\nDROP INDEX ix_users_email;\n\n-- migrate:down mysql\nDROP INDEX ix_users_email ON users;\n";

/// An up section per database, none unmarked: each server's own auto-increment.
const COUNTERS: &str = "-- revision: r2\n-- revises: r1\n-- message: counters\n\n-- migrate:up postgres\nCREATE TABLE counters (id SERIAL PRIMARY KEY, n INT);\n\n-- migrate:up mysql\nCREATE TABLE counters (id INT AUTO_INCREMENT PRIMARY KEY, n INT);\n\n-- migrate:up sqlite\nCREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, n INT);\n\n-- migrate:down\nDROP TABLE counters;\n";

/// The three revisions, `index` as `1_index.sql`.
fn package(index: &str) -> tempfile::TempDir {
    PackageBuilder::new()
        .revision("0_users.sql", USERS)
        .revision("1_index.sql", index)
        .revision("2_counters.sql", COUNTERS)
        .build()
}

fn ok(pkg: &Path, db: &TestDb, args: &[&str]) -> String {
    let out = migrate_command(&cargo_migrate_bin(), pkg, &db.url, args).output().expect("cargo migrate");
    assert!(out.status.success(), "{} {args:?}:\n{}", db.dialect, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has_index(schema: &[String]) -> bool {
    schema.iter().any(|l| l.contains("ix_users_email"))
}

async fn each_runs_its_own_section(dialect: Dialect) {
    let (Some(online), Some(scripted)) = (fresh(dialect).await, fresh(dialect).await) else { return };
    let pkg = package(INDEX);
    let p = pkg.path();
    assert!(ok(p, &online, &["check"]).contains("ok"), "the folder is valid for all three");

    // Online: up, the recorded checksums, then down through the dialect's DROP INDEX.
    ok(p, &online, &["upgrade"]);
    assert!(has_index(&online.schema().await), "{dialect}: index created");
    execute(&online.pool, "INSERT INTO counters (n) VALUES (1)").await;
    assert_eq!(
        texts(&online.pool, "SELECT CASE WHEN id = 1 THEN 'one' ELSE 'other' END FROM counters").await,
        ["one"],
        "{dialect}: its own counter"
    );
    let expected = parse_revision("2_counters.sql", COUNTERS.as_bytes()).expect("parses").on_dialect(dialect).checksum;
    let recorded = texts(&online.pool, "SELECT checksum FROM migrate_history WHERE revision = 'r2'").await;
    assert_eq!(recorded, [expected.to_hex()], "{dialect}: the checksum of the section that ran");
    assert!(ok(p, &online, &["status"]).contains("pending: none"), "{dialect}: no drift after a boot");
    ok(p, &online, &["downgrade", "r0"]);
    let schema = online.schema().await;
    assert!(!has_index(&schema) && !schema.iter().any(|l| l.contains("counters")), "{dialect}: {schema:?}");
    assert_eq!(online.history("migrate_history").await, ["r0:applied"], "{dialect}");

    // The `--sql` scripts in the server's own client: the same SQL, the same result.
    let d = dialect.to_string();
    let up = ok(p, &scripted, &["upgrade", "--sql", "--dialect", &d]);
    let down = ok(p, &scripted, &["downgrade", "--sql", "--dialect", &d, "head:r0"]);
    let drop =
        if dialect == Dialect::MySql { "DROP INDEX ix_users_email ON users;" } else { "DROP INDEX ix_users_email;\n" };
    assert!(down.contains(drop), "{dialect}: {down}");
    for script in [&up, &down] {
        let out = scripted.run_client(script);
        assert!(out.status.success(), "{dialect}: the client refused the script:\n{}\n{script}", text(&out));
    }
    assert_eq!(scripted.history("migrate_history").await, ["r0:applied"], "{dialect}");
    assert!(!has_index(&scripted.schema().await), "{dialect}");
}

#[tokio::test]
async fn sqlite_runs_its_own_sections() {
    each_runs_its_own_section(Dialect::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_runs_its_own_sections() {
    each_runs_its_own_section(Dialect::Postgres).await;
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_runs_its_own_sections() {
    each_runs_its_own_section(Dialect::MySql).await;
}

/// A dialect the package targets left without a down section is refused by `check` (and so by
/// `embed_migrations!`), naming the revision, the line and the marker to add.
#[test]
fn check_names_a_dialect_without_a_section() {
    let only_two = INDEX.replace(
        "-- migrate:down\nDROP INDEX ix_users_email;\n\n",
        "-- migrate:down postgres\nDROP INDEX ix_users_email;\n\n",
    );
    let pkg = package(&only_two);
    let out = migrate_command(&cargo_migrate_bin(), pkg.path(), "sqlite::memory:", &["check"]).output().expect("run");
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("no-section-for-dialect") && shown.contains("cannot be downgraded for sqlite"), "{shown}");
    assert!(shown.contains("1_index.sql:8") && shown.contains("-- migrate:down sqlite"), "{shown}");
}
