//! A scratch application with SQL and Rust revisions in one graph: a Rust data migration
//! splits `name` into `first_name`/`last_name` on existing rows (down joins them back), between
//! two SQL revisions, one of them with a `-- migrate:down mysql` section. The same folder is
//! embedded for each database (`embed_migrations!(database = …)`); the application migrates
//! itself at boot on SQLite, PostgreSQL and MariaDB, and the rows are checked after up and
//! after down.

use migrate_e2e::db::{TestDb, execute, fresh, texts};
use migrate_e2e::{Scratch, text};
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

fn app() -> Scratch {
    let app = Scratch::with_dependencies(
        "migrate_e2e_rust_revisions",
        MAIN,
        "migrate-runtime = { path = RUNTIME, features = [\"postgres\", \"mysql\"] }\ntokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n",
    );
    let revisions = [("1_users.sql", USERS), ("2_split_names.rs", SPLIT), ("3_index.sql", INDEX)];
    write_files(&app.path().join("migrations"), &revisions).expect("revisions");
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
        assert_eq!(run(&app, &db, &["boot"]), "r2 r3", "{dialect}: the app migrates itself at boot");
        assert_eq!(
            users(&db).await,
            ["Ada Lovelace|Ada|Lovelace", "Plato|Plato|", "Grace O'Hopper|Grace|O'Hopper"],
            "{dialect}: after up"
        );
        assert_eq!(db.history("migrate_history").await, ["r1:applied", "r2:applied", "r3:applied"], "{dialect}");
        assert_eq!(run(&app, &db, &["boot"]), "", "{dialect}: a second boot has nothing to do (no drift)");
        assert_eq!(run(&app, &db, &["downgrade", "r1"]), "r3 r2", "{dialect}");
        assert_eq!(users(&db).await, ["Ada Lovelace|-|-", "Plato|-|-", "Grace O'Hopper|-|-"], "{dialect}: after down");
        assert_eq!(db.history("migrate_history").await, ["r1:applied"], "{dialect}");
        db.drop_database().await;
    }

    // On SQLite, fully applied: `rustfmt` and CRLF on the Rust revision are no edit; a code
    // edit is drift, refused at the next boot.
    let Some(db) = fresh(Dialect::Sqlite).await else { return };
    assert_eq!(run(&app, &db, &["boot"]), "r1 r2 r3");
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
