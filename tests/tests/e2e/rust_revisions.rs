//! A scratch application with SQL and Rust revisions in one graph: a Rust data migration
//! splits `name` into `first_name`/`last_name` on existing rows (down joins them back), between
//! two SQL revisions, one of them with a `-- migrate:down mysql` section. The same folder is
//! embedded for each database (`embed_migrations!(database = …)`); the application migrates
//! itself at boot on SQLite, PostgreSQL and MariaDB, and the rows are checked after up and
//! after down. The same revisions through the application's own command line
//! (`app migrate upgrade` / `downgrade`); a `transaction: false` Rust revision (PostgreSQL's
//! `CREATE INDEX CONCURRENTLY` refuses a transaction block); a Rust revision that fails is
//! rolled back with its history row (on MySQL/MariaDB: marked `failed`, resolved through the
//! application's command), and the error names the revision and its file; a revision as
//! `cargo migrate new --rust` scaffolds it builds and runs on the three databases.

use migrate_e2e::db::{TestDb, execute, fresh, texts};
use migrate_e2e::{Scratch, cargo_migrate_bin, text};
use migrate_runtime::Dialect;
use migrate_testkit::write_files;

const MAIN: &str = r#"
static LITE: migrate_runtime::Migrations = migrate_runtime::embed_migrations!(database = "sqlite");
static PG: migrate_runtime::Migrations = migrate_runtime::embed_migrations!(database = "postgres");
static MY: migrate_runtime::Migrations = migrate_runtime::embed_migrations!(database = "mysql");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = &args[1];
    let migrations = if url.starts_with("postgres") { &PG } else if url.starts_with("mysql") { &MY } else { &LITE };
    if args[2] == "migrate" {
        // `app URL migrate VERB …` is `app migrate VERB … --database-url URL`.
        let mut cli = vec![args[0].clone(), "migrate".to_owned()];
        cli.extend(args[3..].iter().cloned());
        cli.extend(["--database-url".to_owned(), url.clone()]);
        let code = migrations.run_cli(cli).await.expect("a migrate command");
        std::process::exit(if code == std::process::ExitCode::SUCCESS { 0 } else { 1 });
    }
    let pool = migrate_runtime::AnyPool::connect(url).await.expect("connect");
    let report = match args[2].as_str() {
        "boot" => migrations.upgrade(&pool).await,
        "upgrade" => migrations.runner().upgrade_to(&pool, &args[3]).await,
        _ => migrations.runner().downgrade(&pool, &args[3]).await,
    };
    match report {
        Ok(report) => println!("{}", report.steps.iter().map(|s| s.revision.as_str()).collect::<Vec<_>>().join(" ")),
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            std::process::exit(1);
        }
    }
}
"#;

const USERS: &str = "-- revision: r1\n-- revises:\n-- message: users\n\n-- migrate:up\nCREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, first_name VARCHAR(100), last_name VARCHAR(100));\n\n-- migrate:down\nDROP TABLE users;\n";

/// Written for the three databases: raw SQL through `Db`, the cast per dialect.
const SPLIT: &str = r#"// revision: r2
// revises: r1
// message: split names

use migrate_runtime::Dialect;
use migrate_runtime::rust::Db;
use migrate_runtime::sqlx;

/// `(id, a, b)` of every user, as text.
async fn rows(db: &mut impl Db, a: &str, b: &str) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let text = if db.dialect() == Dialect::MySql { "CHAR" } else { "TEXT" };
    let sql = format!("SELECT CAST(id AS {text}), {a}, {b} FROM users ORDER BY id");
    let found = db.rows(&sql).await?;
    Ok(found
        .into_iter()
        .map(|r| {
            let field = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            (field(0).trim().parse().unwrap_or(0), field(1), field(2))
        })
        .collect())
}

/// Splits `name` at its first space.
pub async fn up(db: &mut impl Db) -> Result<(), sqlx::Error> {
    for (id, name, _) in rows(db, "name", "name").await? {
        let (first, last) = name.split_once(' ').unwrap_or((&name, ""));
        let sql = format!(
            "UPDATE users SET first_name = {}, last_name = {} WHERE id = {id}",
            db.literal(first),
            db.literal(last)
        );
        db.execute(&sql).await?;
    }
    Ok(())
}

/// Joins them back into `name`.
pub async fn down(db: &mut impl Db) -> Result<(), sqlx::Error> {
    for (id, first, last) in rows(db, "first_name", "last_name").await? {
        let name = format!("{first} {last}");
        let sql = format!(
            "UPDATE users SET name = {}, first_name = NULL, last_name = NULL WHERE id = {id}",
            db.literal(name.trim())
        );
        db.execute(&sql).await?;
    }
    Ok(())
}
"#;

const INDEX: &str = "-- revision: r3\n-- revises: r2\n-- message: index last names\n\n-- migrate:up\nCREATE INDEX ix_users_last ON users (last_name);\n\n-- migrate:down\nDROP INDEX ix_users_last;\n\n-- migrate:down mysql\nDROP INDEX ix_users_last ON users;\n";

/// `transaction: false`: PostgreSQL builds the index without locking writes, which it refuses
/// inside a transaction block.
const CONCURRENT: &str = r#"// revision: r4
// revises: r3
// message: index first names
// transaction: false

use migrate_runtime::Dialect;
use migrate_runtime::rust::Db;

pub async fn up(db: &mut impl Db) -> Result<(), migrate_runtime::sqlx::Error> {
    let concurrently = if db.dialect() == Dialect::Postgres { "CONCURRENTLY " } else { "" };
    db.execute(&format!("CREATE INDEX {concurrently}ix_users_first ON users (first_name)")).await?;
    Ok(())
}

pub async fn down(db: &mut impl Db) -> Result<(), migrate_runtime::sqlx::Error> {
    let on = if db.dialect() == Dialect::MySql { " ON users" } else { "" };
    db.execute(&format!("DROP INDEX ix_users_first{on}")).await?;
    Ok(())
}
"#;

/// Fails after an update when `MIGRATE_E2E_FAIL` is set: the update must be rolled back.
const FAILING: &str = r#"// revision: r5
// revises: r4
// message: maybe fail

use migrate_runtime::rust::{BoxError, Db};

pub async fn up(db: &mut impl Db) -> Result<(), BoxError> {
    db.execute("UPDATE users SET name = 'changed'").await?;
    if std::env::var_os("MIGRATE_E2E_FAIL").is_some() {
        return Err("refused on purpose".into());
    }
    Ok(())
}

pub async fn down(_db: &mut impl Db) -> Result<(), BoxError> {
    Ok(())
}
"#;

fn app() -> Scratch {
    let app = Scratch::with_dependencies(
        "migrate_e2e_rust_revisions",
        MAIN,
        "migrate-runtime = { path = RUNTIME, features = [\"postgres\", \"mysql\", \"cli\"] }\ntokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n",
    );
    let revisions = [
        ("1_users.sql", USERS),
        ("2_split_names.rs", SPLIT),
        ("3_index.sql", INDEX),
        ("4_index_first.rs", CONCURRENT),
        ("5_maybe_fail.rs", FAILING),
    ];
    write_files(&app.path().join("migrations"), &revisions).expect("revisions");
    // r6 as `cargo migrate new --rust` writes it: generic over the three databases, it builds.
    let new = app.migrate(&cargo_migrate_bin(), &["new", "--rust", "-m", "scaffolded", "--rev-id", "r6"]);
    assert!(new.status.success(), "{}", text(&new));
    let build = app.build();
    assert!(build.status.success(), "cargo build failed:\n{}", text(&build));
    app
}

fn run(app: &Scratch, db: &TestDb, args: &[&str]) -> String {
    let mut all = vec![db.url.as_str()];
    all.extend_from_slice(args);
    let out = app.run_app_with(&all);
    assert!(out.status.success(), "{}: {args:?}\n{}", db.dialect, text(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

async fn users(db: &TestDb) -> Vec<String> {
    let sql = match db.dialect {
        Dialect::MySql => {
            "SELECT CONCAT(name, '|', COALESCE(first_name, '-'), '|', COALESCE(last_name, '-')) FROM users ORDER BY id"
        }
        _ => {
            "SELECT name || '|' || COALESCE(first_name, '-') || '|' || COALESCE(last_name, '-') FROM users ORDER BY id"
        }
    };
    texts(&db.pool, sql).await
}

#[tokio::test]
async fn a_rust_data_migration_between_sql_revisions_on_each_database() {
    let app = app();
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
        let Some(db) = fresh(dialect).await else { continue };
        assert_eq!(run(&app, &db, &["upgrade", "r1"]), "r1");
        execute(
            &db.pool,
            "INSERT INTO users (id, name) VALUES (1, 'Ada Lovelace'), (2, 'Plato'), (3, 'Grace O''Hopper')",
        )
        .await;
        assert_eq!(run(&app, &db, &["upgrade", "r3"]), "r2 r3", "{dialect}");
        assert_eq!(
            users(&db).await,
            ["Ada Lovelace|Ada|Lovelace", "Plato|Plato|", "Grace O'Hopper|Grace|O'Hopper"],
            "{dialect}: after up"
        );
        assert_eq!(db.history("migrate_history").await, ["r1:applied", "r2:applied", "r3:applied"], "{dialect}");

        // r4 (no transaction) applies, r5 fails: its update is rolled back with its history row.
        let failed = app.run_app_env(&[db.url.as_str(), "boot"], &[("MIGRATE_E2E_FAIL", "1")]);
        let said = text(&failed);
        assert!(!failed.status.success(), "{dialect}: {said}");
        for part in ["error[rust-failed]", "r5", "5_maybe_fail.rs", "refused on purpose"] {
            assert!(said.contains(part), "{dialect}: `{part}` in:\n{said}");
        }
        let history = db.history("migrate_history").await;
        if dialect == Dialect::MySql {
            // MySQL/MariaDB run a revision outside a transaction (DDL commits implicitly): the
            // row says `failed`, the update stays, and the next boot refuses until resolved.
            assert_eq!(history, ["r1:applied", "r2:applied", "r3:applied", "r4:applied", "r5:failed"]);
            assert_eq!(users(&db).await[0], "changed|Ada|Lovelace");
            let refused = app.run_app_with(&[db.url.as_str(), "boot"]);
            assert!(!refused.status.success() && text(&refused).contains("resolve r5"), "{}", text(&refused));
            execute(&db.pool, "UPDATE users SET name = TRIM(CONCAT(first_name, ' ', last_name))").await; // undone by hand
            run(&app, &db, &["migrate", "resolve", "r5", "--rolled-back"]);
        } else {
            assert_eq!(history, ["r1:applied", "r2:applied", "r3:applied", "r4:applied"], "{dialect}");
            assert_eq!(users(&db).await[0], "Ada Lovelace|Ada|Lovelace", "{dialect}: r5's update rolled back");
        }
        assert_eq!(run(&app, &db, &["boot"]), "r5 r6", "{dialect}: the app migrates itself at boot");
        assert_eq!(run(&app, &db, &["boot"]), "", "{dialect}: a second boot has nothing to do (no drift)");
        assert_eq!(run(&app, &db, &["downgrade", "r1"]), "r6 r5 r4 r3 r2", "{dialect}");
        let joined = ["Ada Lovelace|-|-", "Plato|-|-", "Grace O'Hopper|-|-"];
        assert_eq!(users(&db).await, joined, "{dialect}: after down (r2's down joins the names r5 left)");
        assert_eq!(db.history("migrate_history").await, ["r1:applied"], "{dialect}");

        // The application's own command line runs Rust revisions too.
        run(&app, &db, &["migrate", "upgrade", "r3"]);
        assert_eq!(users(&db).await[2], "Grace O'Hopper|Grace|O'Hopper", "{dialect}: `app migrate upgrade`");
        run(&app, &db, &["migrate", "upgrade"]);
        assert_eq!(db.history("migrate_history").await.len(), 6, "{dialect}");
        run(&app, &db, &["migrate", "downgrade", "r1"]);
        assert_eq!(users(&db).await, joined, "{dialect}: `app migrate downgrade`");
        assert_eq!(db.history("migrate_history").await, ["r1:applied"], "{dialect}");
        db.drop_database().await;
    }

    // On SQLite, fully applied: `rustfmt` and CRLF on the Rust revision are no edit; a code
    // edit is drift, refused at the next boot.
    let Some(db) = fresh(Dialect::Sqlite).await else { return };
    assert_eq!(run(&app, &db, &["boot"]), "r1 r2 r3 r4 r5 r6");
    let file = app.path().join("migrations/2_split_names.rs");
    let formatted =
        std::process::Command::new("rustfmt").args(["--edition", "2024"]).arg(&file).output().expect("rustfmt");
    assert!(formatted.status.success(), "{}", text(&formatted));
    let after = std::fs::read_to_string(&file).expect("read");
    assert_ne!(after, SPLIT, "rustfmt changed the layout");
    std::fs::write(&file, after.replace('\n', "\r\n")).expect("crlf");
    assert!(app.build().status.success());
    assert_eq!(run(&app, &db, &["boot"]), "", "formatting is no drift");
    std::fs::write(&file, SPLIT.replace("split_once(' ')", "split_once(',')")).expect("edit");
    let rebuilt = app.build();
    assert!(rebuilt.status.success() && text(&rebuilt).contains("Compiling"), "{}", text(&rebuilt));
    let out = app.run_app_with(&[db.url.as_str(), "boot"]);
    assert!(!out.status.success() && text(&out).contains("error[drift]"), "a code edit is drift:\n{}", text(&out));
}
