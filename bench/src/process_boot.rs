//! Whole-process boots, as a deployed binary pays them: two release applications built with the
//! real cargo — ours (`embed_migrations!`) and sqlx's (`sqlx::migrate!`) over the same SQL —
//! each started as a fresh process per sample against an up-to-date database, interleaved. The
//! migrate call is timed inside the process (printed by it); the whole process is timed outside.
//! A third column is the floor: sqlx's application making one statement that reads its table
//! instead of migrating — what no migrator can go under (on SQLite, the first statement of a
//! connection parses the whole schema).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use migrate_e2e::db::fresh_databases;
use migrate_testkit::timing::Stats;

const OURS_MAIN: &str = r#"
static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let pool = migrate_runtime::AnyPool::connect(&url).await.expect("connect");
    let start = std::time::Instant::now();
    let report = MIGRATIONS.upgrade(&pool).await.expect("upgrade");
    let us = start.elapsed().as_micros();
    println!("call_us={us} applied={}", report.steps.len());
}
"#;

const SQLX_MAIN: &str = r#"
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./sqlx_migrations");

/// The migrate call, or with `MIGRATE_BENCH_FLOOR` set the least any migrator must do instead:
/// one statement reading one value of its table on the pool's connection.
macro_rules! call {
    ($pool:expr) => {{
        let start = std::time::Instant::now();
        if std::env::var_os("MIGRATE_BENCH_FLOOR").is_some() {
            sqlx::raw_sql("SELECT MAX(version) FROM _sqlx_migrations").execute(&$pool).await.expect("floor");
        } else {
            MIGRATOR.run(&$pool).await.expect("migrate");
        }
        start.elapsed().as_micros()
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let us = if url.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&url).await.expect("connect");
        call!(pool)
    } else if url.starts_with("mysql") {
        let pool = sqlx::mysql::MySqlPoolOptions::new().max_connections(2).connect(&url).await.expect("connect");
        call!(pool)
    } else {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(2).connect_with(options.create_if_missing(true)).await.expect("connect");
        call!(pool)
    };
    println!("call_us={us} applied=?");
}
"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    workspace().join("target").join("bench-build")
}

/// Writes and builds (release) one application; returns its binary.
fn build_app(dir: &Path, name: &str, dependencies: &str, main: &str) -> PathBuf {
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependencies}\n[workspace]\n"),
    )
    .expect("manifest");
    std::fs::create_dir_all(dir.join("src")).expect("src");
    std::fs::write(dir.join("src/main.rs"), main).expect("main.rs");
    let _ = std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock"));
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo");
    assert!(out.status.success(), "building {name}: {}", String::from_utf8_lossy(&out.stderr));
    target_dir().join("release").join(name)
}

/// Runs `bin` once against `url`: the call's time as the process printed it, and the process's.
fn sample(bin: &Path, url: &str) -> (Duration, Duration) {
    sample_env(bin, url, &[])
}

/// [`sample`] with variables set.
fn sample_env(bin: &Path, url: &str, env: &[(&str, &str)]) -> (Duration, Duration) {
    let start = Instant::now();
    let out = Command::new(bin).env("DATABASE_URL", url).envs(env.iter().copied()).output().expect("run");
    let process = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}: {text}{}", bin.display(), String::from_utf8_lossy(&out.stderr));
    let us: u64 = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("call_us="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no call_us in {text}"));
    (Duration::from_micros(us), process)
}

/// The database one side boots against.
struct Target<'a> {
    url: &'a str,
}

fn cell(s: &Stats) -> String {
    format!("{:.2} ({:.2}–{:.2})", s.median_ms(), s.min.as_secs_f64() * 1e3, s.max.as_secs_f64() * 1e3)
}

/// The two release applications of one N: ours and sqlx's, embedding the same generated SQL.
pub struct Apps {
    /// Ours (`embed_migrations!`).
    pub ours: PathBuf,
    /// sqlx's (`sqlx::migrate!`).
    pub theirs: PathBuf,
    _dir: tempfile::TempDir,
}

impl Apps {
    /// Writes `n` generated revisions and builds both applications (release, rustls TLS).
    pub fn build(n: usize) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (ours_dir, sqlx_dir) = (dir.path().join("ours"), dir.path().join("sqlx"));
        let specs = migrate_testkit::generated_graph(n);
        migrate_testkit::write_folder(&ours_dir.join("migrations"), &specs).expect("revisions");
        let graph = migrate_core::load_dir(&ours_dir.join("migrations"), &ours_dir).into_valid_graph().expect("valid");
        std::fs::create_dir_all(sqlx_dir.join("sqlx_migrations")).expect("mkdir");
        for (version, &node) in graph.topological_order().iter().enumerate() {
            let r = graph.revision(node);
            let sql = if r.up.sql.trim().is_empty() { "SELECT 1;" } else { r.up.sql.trim() };
            std::fs::write(sqlx_dir.join("sqlx_migrations").join(format!("{}_{}.sql", version + 1, r.id)), sql)
                .expect("write");
        }
        let runtime = workspace().join("migrate-runtime").display().to_string();
        let tokio = "tokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n";
        let ours = build_app(
            &ours_dir,
            &format!("boot_ours_{n}"),
            &format!(
                "migrate-runtime = {{ path = {runtime:?}, features = [\"macros\", \"sqlite\", \"postgres\", \"mysql\"] }}\n{tokio}"
            ),
            OURS_MAIN,
        );
        let theirs = build_app(
            &sqlx_dir,
            &format!("boot_sqlx_{n}"),
            &format!(
                "sqlx = {{ version = \"0.9\", default-features = false, features = [\"runtime-tokio\", \"tls-rustls-ring-webpki\", \"sqlite-bundled\", \"postgres\", \"mysql\", \"migrate\", \"macros\"] }}\n{tokio}"
            ),
            SQLX_MAIN,
        );
        Self { ours, theirs, _dir: dir }
    }
}

/// Builds both applications embedding `n` generated revisions (both with rustls TLS, as our
/// runtime's default) and times `runs` fresh-process boots of each on every configured
/// database, interleaved; PostgreSQL twice: its URL as given (sslmode=prefer, so TLS when the
/// server offers it) and with `sslmode=disable`.
pub async fn run(n: usize, runs: usize) {
    println!("## Boot of a fresh process, nothing pending (N = {n}), {runs} runs interleaved\n");
    let apps = Apps::build(n);
    let (ours, theirs) = (apps.ours.clone(), apps.theirs.clone());
    println!(
        "| database | ours: migrate call | sqlx: migrate call | call ours / sqlx | floor: one statement | floor / sqlx | ours: whole process | sqlx: whole process | process ours / sqlx |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let (ours_dbs, sqlx_dbs) = (fresh_databases().await, fresh_databases().await);
    let mut cases = Vec::new();
    for (o, t) in ours_dbs.iter().zip(&sqlx_dbs) {
        cases.push((o.dialect.to_string(), o.url.clone(), t.url.clone()));
        if o.dialect == migrate_runtime::Dialect::Postgres {
            let plain = |u: &str| format!("{u}{}sslmode=disable", if u.contains('?') { '&' } else { '?' });
            cases.push(("postgres, sslmode=disable".into(), plain(&o.url), plain(&t.url)));
        }
    }
    for (name, ours_url, theirs_url) in &cases {
        let (o, t) = (Target { url: ours_url }, Target { url: theirs_url });
        sample(&ours, o.url); // apply everything once
        sample(&theirs, t.url);
        let (mut oc, mut op, mut tc, mut tp) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut floor = Vec::new();
        for i in 0..runs {
            // The floor: sqlx's application on its up-to-date database, one statement instead
            // of the migrator (a fresh process too), between the two.
            floor.push(sample_env(&theirs, t.url, &[("MIGRATE_BENCH_FLOOR", "1")]).0);
            let mut ours_once = || {
                let (c, p) = sample(&ours, o.url);
                oc.push(c);
                op.push(p);
            };
            let mut theirs_once = || {
                let (c, p) = sample(&theirs, t.url);
                tc.push(c);
                tp.push(p);
            };
            if i % 2 == 0 {
                ours_once();
                theirs_once();
            } else {
                theirs_once();
                ours_once();
            }
        }
        let (oc, op, tc, tp) = (Stats::of(oc), Stats::of(op), Stats::of(tc), Stats::of(tp));
        let floor = Stats::of(floor);
        println!(
            "| {name} | {} | {} | {:.2} | {} | {:.2} | {} | {} | {:.2} |",
            cell(&oc),
            cell(&tc),
            oc.median_ms() / tc.median_ms(),
            cell(&floor),
            floor.median_ms() / tc.median_ms(),
            cell(&op),
            cell(&tp),
            op.median_ms() / tp.median_ms()
        );
    }
    for db in ours_dbs.into_iter().chain(sqlx_dbs) {
        db.drop_database().await;
    }
    println!();
}
