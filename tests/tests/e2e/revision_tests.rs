//! `cargo migrate test` on the real servers: the stairway finds the `DROP INDEX` that MariaDB
//! refuses (issue 13) and passes once the revision has a `-- migrate:down mysql` section; a down
//! section that forgets an index is found on each database; the example application's revisions
//! pass; a development server that does not answer is a clear error. No scratch database is
//! left behind (listed on the server by the name the process gave them).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_e2e::db::server_url;
use migrate_e2e::{PackageBuilder, cargo_migrate_bin, text, workspace_root};
use migrate_runtime::Dialect;

const USERS: &str = "-- revision: r0\n-- revises:\n-- message: users\n\n-- migrate:up\nCREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));\n\n-- migrate:down\nDROP TABLE users;\n";

/// PostgreSQL's and SQLite's `DROP INDEX`, which MariaDB refuses.
const INDEX: &str = "-- revision: r1\n-- revises: r0\n-- message: index emails\n\n-- migrate:up\nCREATE INDEX ix_users_email ON users (email);\n\n-- migrate:down\nDROP INDEX ix_users_email;\n";

const MYSQL_DOWN: &str = "\n-- migrate:down mysql\nDROP INDEX ix_users_email ON users;\n";

/// A down section that forgets the index its up section made.
const FORGETS: &str = "-- revision: r1\n-- revises: r0\n-- message: index emails\n\n-- migrate:up\nCREATE INDEX ix_users_email ON users (email);\nALTER TABLE users ADD COLUMN note VARCHAR(50);\n\n-- migrate:down\nALTER TABLE users DROP COLUMN note;\n";

/// `USERS` and `index` as `1_index.sql`.
fn revisions(index: &str) -> PackageBuilder {
    PackageBuilder::new().revision("0_users.sql", USERS).revision("1_index.sql", index)
}

fn package(index: &str) -> tempfile::TempDir {
    revisions(index).build()
}

/// `cargo migrate test ARGS` in `pkg`, and the names of the scratch databases its process
/// left on `server` (none expected).
async fn migrate_test(pkg: &Path, server: Option<&str>, args: &[&str]) -> (Output, Vec<String>) {
    let mut cmd = Command::new(cargo_migrate_bin());
    cmd.args(["migrate", "test"]).args(args).current_dir(pkg).env("NO_COLOR", "1");
    cmd.env_remove("MIGRATE_DEV_DATABASE_URL").stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(url) = server {
        cmd.args(["--dev-url", url]);
    }
    let child = cmd.spawn().expect("cargo migrate test");
    let prefix = format!("migrate_scratch_{}_", child.id());
    let out = child.wait_with_output().expect("output");
    let left = match server {
        Some(url) => migrate_e2e::db::scratch_databases(url, &prefix).await,
        None => Vec::new(),
    };
    (out, left)
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn the_drop_index_mariadb_refuses_is_found_and_a_mysql_section_fixes_it() {
    let Some(server) = server_url(Dialect::MySql) else { return };
    let pkg = package(INDEX);
    assert!(
        text(
            &Command::new(cargo_migrate_bin())
                .args(["migrate", "check"])
                .current_dir(pkg.path())
                .output()
                .expect("check")
        )
        .contains("ok"),
        "check only splits statements: it passes"
    );
    let (out, left) = migrate_test(pkg.path(), Some(&server), &["--dialect", "mysql"]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("FAILED  stairway: revision `r1` failed at migrations/1_index.sql:9 (down)"), "{shown}");
    assert!(shown.contains("error in your SQL syntax"), "MariaDB's own message: {shown}");
    assert!(shown.contains("statement: DROP INDEX ix_users_email;"), "the statement: {shown}");
    assert!(left.is_empty(), "scratch databases left: {left:?}");

    std::fs::write(pkg.path().join("migrations/1_index.sql"), format!("{INDEX}{MYSQL_DOWN}")).expect("fix");
    let (out, left) = migrate_test(pkg.path(), Some(&server), &["--dialect", "mysql"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ok      stairway: 2 revision(s) up, down, up"), "{}", text(&out));
    assert!(left.is_empty(), "scratch databases left: {left:?}");
}

async fn a_forgotten_index_is_found(dialect: Dialect) {
    let server = server_url(dialect);
    if dialect != Dialect::Sqlite && server.is_none() {
        return;
    }
    let pkg = package(FORGETS);
    let d = dialect.to_string();
    let (out, left) = migrate_test(pkg.path(), server.as_deref(), &["--dialect", &d, "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let run = &json["dialects"][0];
    assert_eq!((run["dialect"].as_str(), run["status"].as_str()), (Some(d.as_str()), Some("failed")), "{json}");
    let stairway = &run["checks"][2];
    assert_eq!(stairway["name"], "stairway");
    let error = stairway["error"].as_str().unwrap_or_default();
    assert!(error.contains("revision `r1` (migrations/1_index.sql): its down section does not undo"), "{error}");
    assert!(error.contains("  added index ix_users_email on users"), "the index is named: {error}");
    assert_eq!(run["checks"][1]["ok"], true, "base to head itself works: {json}");
    assert!(left.is_empty(), "scratch databases left: {left:?}");
}

#[tokio::test]
async fn sqlite_stairway_finds_a_forgotten_index() {
    a_forgotten_index_is_found(Dialect::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_stairway_finds_a_forgotten_index() {
    a_forgotten_index_is_found(Dialect::Postgres).await;
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_stairway_finds_a_forgotten_index() {
    a_forgotten_index_is_found(Dialect::MySql).await;
}

/// The example application's revisions pass on every database configured here.
#[tokio::test]
async fn the_example_apps_revisions_pass() {
    let servers: Vec<String> = [Dialect::Postgres, Dialect::MySql].into_iter().filter_map(server_url).collect();
    let example = workspace_root().join("examples/app");
    let mut cmd = Command::new(cargo_migrate_bin());
    cmd.args(["migrate", "test"]).current_dir(&example).env("NO_COLOR", "1").env_remove("MIGRATE_DEV_DATABASE_URL");
    for url in &servers {
        cmd.args(["--dev-url", url]);
    }
    let out = cmd.output().expect("cargo migrate test");
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    assert_eq!(shown.matches("ok      stairway").count(), 1 + servers.len(), "{shown}");
}

/// A development server that does not answer: a clear error naming it (without its password),
/// the other dialects still tested, exit 1.
#[tokio::test]
async fn an_unreachable_dev_server_is_a_clear_error() {
    let port = migrate_e2e::local::free_port();
    let pkg = package(
        FORGETS
            .replace(
                "ALTER TABLE users DROP COLUMN note;",
                "DROP INDEX ix_users_email;\nALTER TABLE users DROP COLUMN note;",
            )
            .as_str(),
    );
    let url = format!("postgres://user:s3cret@127.0.0.1:{port}/postgres");
    let (out, _) = migrate_test(pkg.path(), None, &["--dev-url", &url, "--dialect", "postgres"]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains(&format!("127.0.0.1:{port}")) && !shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("FAILED  upgrade base→head") && shown.contains("cannot connect"), "{shown}");
}

/// `check --schema` on the real servers: the revisions against schema.sql, loaded into a
/// scratch database of each; a difference listed as the server describes it; a schema file
/// that does not load named with its line and the server's message; nothing left behind.
async fn check_schema_on(dialect: Dialect) {
    let Some(server) = server_url(dialect) else { return };
    let d = dialect.to_string();
    let users =
        "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));\nCREATE INDEX ix_users_email ON users (email);\n";
    let pkg = revisions(&format!("{INDEX}{MYSQL_DOWN}")).dialects(&[&d]).file("schema.sql", users).build();
    let schema = pkg.path().join("schema.sql");
    let (out, left) = migrate_check_schema(pkg.path(), &server).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("{d}: ok: the revisions produce schema.sql")), "{}", text(&out));
    assert!(left.is_empty(), "{left:?}");

    std::fs::write(&schema, users.replace("email VARCHAR(100)", "email VARCHAR(100) NOT NULL")).expect("schema");
    let (out, left) = migrate_check_schema(pkg.path(), &server).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("would have to make these changes:\n  made users.email NOT NULL"), "{shown}");
    assert!(left.is_empty(), "{left:?}");

    std::fs::write(&schema, format!("{users}\nALTER TABLE nowhere ADD COLUMN x INT;\n")).expect("schema");
    let (out, left) = migrate_check_schema(pkg.path(), &server).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains(&format!("{d}: FAILED: schema.sql:4: ")) && shown.contains("nowhere"), "{shown}");
    assert!(left.is_empty(), "{left:?}");
}

async fn migrate_check_schema(pkg: &Path, server: &str) -> (Output, Vec<String>) {
    let mut cmd = Command::new(cargo_migrate_bin());
    cmd.args(["migrate", "check", "--schema", "--dev-url", server]).current_dir(pkg).env("NO_COLOR", "1");
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().expect("cargo migrate check --schema");
    let prefix = format!("migrate_scratch_{}_", child.id());
    let out = child.wait_with_output().expect("output");
    (out, migrate_e2e::db::scratch_databases(server, &prefix).await)
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_check_schema() {
    check_schema_on(Dialect::Postgres).await;
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_check_schema() {
    check_schema_on(Dialect::MySql).await;
}

/// `diff` against a live database on each server: a column added by hand is listed, the
/// database is not written to, the scratch database is dropped.
async fn diff_on(dialect: Dialect) {
    let (Some(server), Some(live)) = (server_url(dialect), migrate_e2e::db::fresh(dialect).await) else { return };
    let pkg = package(&format!("{INDEX}{MYSQL_DOWN}"));
    let up = migrate_e2e::migrate_command(&cargo_migrate_bin(), pkg.path(), &live.url, &["upgrade"])
        .output()
        .expect("upgrade");
    assert!(up.status.success(), "{}", text(&up));
    migrate_e2e::db::execute(&live.pool, "ALTER TABLE users ADD COLUMN phone VARCHAR(20)").await;
    let before = live.history("migrate_history").await;
    let mut cmd =
        migrate_e2e::migrate_command(&cargo_migrate_bin(), pkg.path(), &live.url, &["diff", "--dev-url", &server]);
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("diff");
    let prefix = format!("migrate_scratch_{}_", child.id());
    let out = child.wait_with_output().expect("output");
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("from the schema the revisions produce to the database's:\n  added column users.phone\n"),
        "{shown}"
    );
    assert!(!shown.contains("dropped"), "{shown}");
    assert_eq!(live.history("migrate_history").await, before, "read-only");
    assert!(migrate_e2e::db::scratch_databases(&server, &prefix).await.is_empty());
    live.drop_database().await;
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_diff_finds_a_hand_made_column() {
    diff_on(Dialect::Postgres).await;
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_diff_finds_a_hand_made_column() {
    diff_on(Dialect::MySql).await;
}
