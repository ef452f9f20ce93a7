//! The autogenerate workflow as a user runs it, with the real binaries: a scratch application
//! (`embed_migrations!`, migrating itself at boot) targeting SQLite, PostgreSQL and MariaDB;
//! `schema.sql` written → `cargo migrate new --autogenerate` → `check --schema` passes; a
//! column added to `schema.sql` → `check --schema` exits 1 → `new --autogenerate -m "add
//! phone"` → the revision file → `cargo build` → the application migrates each database, checked
//! with the database's own client. Then bad input: a schema file that does not load, a change
//! that loses data, a rename, an unreachable development server, a user who may not create
//! databases — each a clear error, nothing written, no scratch database left.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_e2e::db::{TestDb, fresh, server_url};
use migrate_e2e::{Scratch, cargo_migrate_bin, text};
use migrate_runtime::{AnyPool, Dialect};

const MAIN: &str = r#"
static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).expect("a database URL");
    let pool = migrate_runtime::AnyPool::connect(&url).await.expect("connect");
    match MIGRATIONS.upgrade(&pool).await {
        Ok(report) => println!("applied {}", report.steps.len()),
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            std::process::exit(1);
        }
    }
}
"#;

const USERS: &str =
    "-- The desired schema.\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name VARCHAR(100) NOT NULL\n);\n";
const WITH_PHONE: &str = "-- The desired schema.\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  name VARCHAR(100) NOT NULL,\n  phone VARCHAR(20)\n);\n";

/// Runs `cargo migrate ARGS` in the package folder `dir` with the development servers; returns
/// the output and the scratch databases of that process left on the servers afterwards.
async fn migrate(dir: &Path, servers: &[String], args: &[&str]) -> (Output, Vec<String>) {
    let mut cmd = Command::new(cargo_migrate_bin());
    cmd.arg("migrate")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("MIGRATE_DEV_DATABASE_URL", servers.join(" "))
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("cargo-migrate");
    let prefix = format!("migrate_scratch_{}_", child.id());
    let out = child.wait_with_output().expect("output");
    let mut left = Vec::new();
    for server in servers {
        left.extend(migrate_e2e::db::scratch_databases(server, &prefix).await);
    }
    (out, left)
}

fn revision_files(app: &Scratch) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.path().join("migrations"))
        .expect("migrations")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

/// The columns of `users` as the database's own client prints them.
fn columns_by_client(db: &TestDb) -> String {
    let mut client = db.client();
    match db.dialect {
        Dialect::Sqlite => client.arg("SELECT name FROM pragma_table_info('users') ORDER BY cid"),
        Dialect::Postgres => client.args([
            "-t",
            "-A",
            "-c",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position",
        ]),
        Dialect::MySql => client.args([
            "-N",
            "-e",
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION",
        ]),
    };
    let out = client.output().expect("client");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(",")
}

#[tokio::test]
async fn schema_sql_to_a_revision_to_an_app_that_migrates_itself() {
    let mut servers = Vec::new();
    let mut dialects = vec!["sqlite"];
    for (dialect, name) in [(Dialect::Postgres, "postgres"), (Dialect::MySql, "mysql")] {
        if let Some(url) = server_url(dialect) {
            servers.push(url);
            dialects.push(name);
        }
    }
    let bin = cargo_migrate_bin();
    let app = Scratch::with_dependencies(
        "migrate_e2e_autogen_app",
        MAIN,
        "migrate-runtime = { path = RUNTIME, features = [\"postgres\", \"mysql\"] }\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    );
    let init = app.migrate(&bin, &["init"]);
    assert!(init.status.success(), "{}", text(&init));
    let manifest = std::fs::read_to_string(app.path().join("Cargo.toml")).expect("manifest");
    let list = dialects.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", ");
    let manifest =
        manifest.replace("[package.metadata.migrate]\n", &format!("[package.metadata.migrate]\ndialects = [{list}]\n"));
    std::fs::write(app.path().join("Cargo.toml"), manifest).expect("manifest");
    let schema = app.path().join("schema.sql");

    // The first revision, from nothing.
    std::fs::write(&schema, USERS).expect("schema");
    let (out, left) = migrate(app.path(), &servers, &["new", "--autogenerate", "-m", "create users"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("detected added table users"), "{}", text(&out));
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(revision_files(&app).len(), 1);
    let (out, _) = migrate(app.path(), &servers, &["check", "--schema"]).await;
    assert!(out.status.success(), "{}", text(&out));

    // A column added to schema.sql: the CI gate fails until the revision exists.
    std::fs::write(&schema, WITH_PHONE).expect("schema");
    let (out, _) = migrate(app.path(), &servers, &["check", "--schema"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("  added column users.phone"), "{}", text(&out));
    let (out, left) = migrate(app.path(), &servers, &["new", "--autogenerate", "-m", "add phone"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(left.is_empty(), "{left:?}");
    let shown = text(&out);
    for d in &dialects {
        let line = if dialects.len() > 1 {
            format!("{d}: detected added column users.phone")
        } else {
            "detected added column users.phone".into()
        };
        assert!(shown.contains(&line), "{shown}");
    }
    let files = revision_files(&app);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[1].ends_with("_add_phone.sql"), "{files:?}");
    let written = std::fs::read_to_string(app.path().join("migrations").join(&files[1])).expect("revision");
    assert!(written.contains("ADD COLUMN") && written.contains("phone"), "{written}");
    assert!(written.contains("-- migrate:down\n") && written.contains("DROP COLUMN"), "{written}");
    let (out, _) = migrate(app.path(), &servers, &["check", "--schema"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let (out, _) = migrate(app.path(), &servers, &["new", "--autogenerate", "-m", "nothing"]).await;
    assert!(out.status.success() && text(&out).contains("no changes detected"), "{}", text(&out));
    assert_eq!(revision_files(&app).len(), 2, "nothing written when nothing changed");

    // The application embeds it and migrates each database at boot.
    let build = app.build();
    assert!(build.status.success(), "{}", text(&build));
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        if !dialects.contains(&dialect.to_string().as_str()) {
            continue;
        }
        let Some(db) = fresh(dialect).await else { continue };
        let run = app.run_app_with(&[&db.url]);
        assert!(run.status.success(), "{dialect}: {}", text(&run));
        assert!(String::from_utf8_lossy(&run.stdout).contains("applied 2"), "{dialect}: {}", text(&run));
        assert_eq!(columns_by_client(&db), "id,name,phone", "{dialect}");
        db.drop_database().await;
    }

    // A change that loses data is refused, then written under `-- data loss:`.
    std::fs::write(&schema, USERS).expect("schema");
    let (out, left) = migrate(app.path(), &servers, &["new", "--autogenerate", "-m", "drop phone"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("dropped column users.phone") && text(&out).contains("--allow-destructive"),
        "{}",
        text(&out)
    );
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(revision_files(&app).len(), 2, "nothing written");
    let (out, _) =
        migrate(app.path(), &servers, &["new", "--autogenerate", "--allow-destructive", "-m", "drop phone"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let files = revision_files(&app);
    let written = std::fs::read_to_string(app.path().join("migrations").join(&files[2])).expect("revision");
    assert!(written.contains("-- data loss: dropped column users.phone"), "{written}");

    // A rename only when asked for; a rename naming nothing is refused.
    std::fs::write(&schema, USERS.replace("name VARCHAR", "full_name VARCHAR")).expect("schema");
    let (out, _) =
        migrate(app.path(), &servers, &["new", "--autogenerate", "--rename", "users.nope=full_name", "-m", "rename"])
            .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("nope"), "{}", text(&out));
    let (out, _) = migrate(
        app.path(),
        &servers,
        &["new", "--autogenerate", "--rename", "users.name=full_name", "-m", "rename name"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("renamed column users.name to full_name"), "{}", text(&out));
    let files = revision_files(&app);
    let written = std::fs::read_to_string(app.path().join("migrations").join(&files[3])).expect("revision");
    assert!(written.contains("RENAME COLUMN") && !written.contains("data loss"), "{written}");

    // A schema file that does not load: its file and line, the database's message.
    std::fs::write(
        &schema,
        format!("{}\nCREATE INDEX ix ON nowhere (x);\n", USERS.replace("name VARCHAR", "full_name VARCHAR")),
    )
    .expect("schema");
    let (out, left) = migrate(app.path(), &servers, &["new", "--autogenerate", "-m", "broken"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("schema.sql:7:"), "{}", text(&out));
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(revision_files(&app).len(), 4, "nothing written");
}

/// A development server that does not answer, and one whose user may not create databases:
/// clear errors (no password shown), nothing written, nothing left.
#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn a_dev_server_that_cannot_serve_is_a_clear_error() {
    let Some(server) = server_url(Dialect::Postgres) else { return };
    let bin = cargo_migrate_bin();
    let app = Scratch::new("migrate_e2e_autogen_bad_dev", "fn main() {}\n");
    let init = app.migrate(&bin, &["init"]);
    assert!(init.status.success(), "{}", text(&init));
    let manifest = std::fs::read_to_string(app.path().join("Cargo.toml")).expect("manifest");
    std::fs::write(
        app.path().join("Cargo.toml"),
        manifest.replace("[package.metadata.migrate]\n", "[package.metadata.migrate]\ndialects = [\"postgres\"]\n"),
    )
    .expect("manifest");
    std::fs::write(app.path().join("schema.sql"), USERS).expect("schema");

    let unreachable = "postgres://someone:s3cret-pw@127.0.0.1:1/dev".to_owned();
    let (out, _) = migrate(app.path(), &[], &["new", "--autogenerate", "--dev-url", &unreachable, "-m", "x"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("127.0.0.1:1"), "{}", text(&out));
    assert!(!text(&out).contains("s3cret-pw"), "the password is not shown: {}", text(&out));

    let (out, _) = migrate(app.path(), &[], &["new", "--autogenerate", "-m", "x"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("no development server for postgres"), "{}", text(&out));

    // A role that may log in but not create databases.
    let admin = AnyPool::connect(&server).await.expect("server");
    let role = format!("migrate_nocreate_{}", std::process::id());
    migrate_e2e::db::execute(&admin, &format!("CREATE ROLE {role} LOGIN NOCREATEDB")).await;
    let limited = server.replacen("://postgres@", &format!("://{role}@"), 1);
    let (out, left) = migrate(app.path(), std::slice::from_ref(&limited), &["new", "--autogenerate", "-m", "x"]).await;
    migrate_e2e::db::execute(&admin, &format!("DROP ROLE {role}")).await;
    admin.close().await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("permission denied to create database"), "{}", text(&out));
    assert!(left.is_empty(), "{left:?}");
    assert!(revision_files(&app).is_empty(), "nothing written");
}

const SHOP: &str = "-- revision: r1\n-- revises:\n-- message: shop\n\n-- migrate:up\nCREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, created DATE DEFAULT '2026-01-01');\nCREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(10,2) NOT NULL DEFAULT 0 CHECK (total >= 0), note VARCHAR(100), CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);\nCREATE INDEX ix_orders_note ON orders (note);\nCREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;\n\n-- migrate:down\nDROP VIEW big_orders;\nDROP TABLE orders;\nDROP TABLE customers;\n";

/// `schema dump` on each server: the file it writes from the revisions is one `check --schema`
/// finds the revisions produce.
#[tokio::test]
async fn schema_dump_round_trips_through_check_schema_on_each_server() {
    for (dialect, name) in [(Dialect::Postgres, "postgres"), (Dialect::MySql, "mysql"), (Dialect::Sqlite, "sqlite")] {
        let servers: Vec<String> = match dialect {
            Dialect::Sqlite => Vec::new(),
            _ => match server_url(dialect) {
                Some(url) => vec![url],
                None => continue,
            },
        };
        let pkg = migrate_e2e::PackageBuilder::new()
            .dialects(&[name])
            .config(&format!("schema = \"dumped.{name}.sql\""))
            .revision("1_shop.sql", SHOP)
            .build();
        let run = |args: &[&str]| {
            let mut cmd = Command::new(cargo_migrate_bin());
            cmd.arg("migrate").args(args).current_dir(pkg.path()).env("NO_COLOR", "1");
            cmd.env("MIGRATE_DEV_DATABASE_URL", servers.join(" ")).env_remove("DATABASE_URL");
            cmd.output().expect("cargo-migrate")
        };
        let out = run(&["schema", "dump"]);
        assert!(out.status.success(), "{name}: {}", text(&out));
        let dumped = std::fs::read_to_string(pkg.path().join(format!("dumped.{name}.sql"))).expect("dumped");
        assert!(dumped.contains("fk_orders_customer") && dumped.contains("big_orders"), "{name}: {dumped}");
        let out = run(&["check", "--schema"]);
        assert!(out.status.success(), "{name}: {}\n{dumped}", text(&out));
        assert!(text(&out).contains(&format!("{name}: ok: the revisions produce dumped.{name}.sql")), "{}", text(&out));
    }
}

/// A schema file whose view needs a function autogenerate does not manage: the plan cannot be
/// proved, so the error says which section and why, nothing is written and the scratch
/// databases are gone.
#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn a_plan_that_does_not_round_trip_writes_nothing() {
    let Some(server) = server_url(Dialect::Postgres) else { return };
    let schema = "CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT i + 1 $$;\nCREATE TABLE t (id integer PRIMARY KEY);\nCREATE VIEW v AS SELECT add_one(id) AS next FROM t;\n";
    let pkg = migrate_e2e::PackageBuilder::new().dialects(&["postgres"]).file("schema.sql", schema).build();
    std::fs::create_dir_all(pkg.path().join("migrations")).expect("migrations");
    let servers = std::slice::from_ref(&server);
    let (out, left) =
        migrate(pkg.path(), servers, &["new", "--autogenerate", "-m", "view", "--dev-url", &server]).await;
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("error[no-round-trip]") || shown.contains("does not round-trip"), "{shown}");
    assert!(shown.contains("the generated up section") && shown.contains("add_one"), "{shown}");
    assert!(shown.contains("function add_one(i integer) added (not managed by autogenerate"), "the note: {shown}");
    assert!(std::fs::read_dir(pkg.path().join("migrations")).expect("dir").next().is_none(), "nothing written");
    assert!(left.is_empty(), "scratch databases left: {left:?}");
}

/// A package for PostgreSQL and SQLite with one schema file each, where only PostgreSQL's
/// changes: its SQL goes in the unmarked sections, SQLite gets sections of its own that change
/// nothing, and `check`, `check --schema` and `test` pass on both.
#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn one_dialect_changes_and_the_other_gets_a_section_that_changes_nothing() {
    let Some(server) = server_url(Dialect::Postgres) else { return };
    let users = "-- revision: r1\n-- revises:\n-- message: users\n\n-- migrate:up\nCREATE TABLE users (id INT PRIMARY KEY, name TEXT);\n\n-- migrate:down\nDROP TABLE users;\n";
    let pkg = migrate_e2e::PackageBuilder::new()
        .dialects(&["postgres", "sqlite"])
        .config("schema = { postgres = \"schema.pg.sql\", sqlite = \"schema.sqlite.sql\" }")
        .revision("1_users.sql", users)
        .file("schema.pg.sql", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT, tags TEXT[]);\n")
        .file("schema.sqlite.sql", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT);\n")
        .build();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(cargo_migrate_bin());
        cmd.arg("migrate").args(args).current_dir(pkg.path()).env("NO_COLOR", "1");
        cmd.env("MIGRATE_DEV_DATABASE_URL", &server).env_remove("DATABASE_URL");
        cmd.output().expect("cargo-migrate")
    };
    let out = run(&["new", "--autogenerate", "-m", "tags", "--rev-id", "r2"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("postgres: detected added column users.tags"), "{}", text(&out));
    let file = std::fs::read_dir(pkg.path().join("migrations"))
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains("r2_tags"))
        .expect("the revision");
    let written = std::fs::read_to_string(file).expect("read");
    assert!(written.contains("-- migrate:up\nALTER TABLE \"users\" ADD COLUMN \"tags\" text[];"), "{written}");
    assert!(written.contains("-- migrate:up sqlite\n-- Nothing changes on this database."), "{written}");
    for args in [&["check"][..], &["check", "--schema"], &["test"]] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
}
