//! Build cost and binary size of embedding, and peak memory of a boot: scratch applications
//! built with the real cargo, embedding N generated revisions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use migrate_testkit::timing::Stats;

const MAIN: &str = r#"
static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let pool = migrate_runtime::AnyPool::connect(&url).await.expect("connect");
    let report = MIGRATIONS.upgrade(&pool).await.expect("upgrade");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: ? kB");
    println!("applied {} of {}; {peak}", report.steps.len(), MIGRATIONS.len());
}
"#;

const SQLX_MAIN: &str = r#"
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
    let pool = sqlx::sqlite::SqlitePoolOptions::new().connect_with(options.create_if_missing(true)).await.expect("connect");
    MIGRATOR.run(&pool).await.expect("migrate");
    println!("applied {}", MIGRATOR.iter().count());
}
"#;

/// Whose migrator a scratch application embeds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `embed_migrations!` (features `macros` and `sqlite` only: no TLS, as sqlx's below).
    Ours,
    /// `sqlx::migrate!` (SQLite only), the same SQL as a linear folder, with the build script
    /// sqlx recommends (`cargo:rerun-if-changed=migrations`).
    Sqlx,
}

/// A scratch application embedding `n` generated revisions.
struct App {
    dir: tempfile::TempDir,
    name: String,
    sql_bytes: usize,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    workspace().join("target").join("bench-build")
}

impl App {
    fn new(n: usize) -> Self {
        Self::of(Kind::Ours, n)
    }

    fn of(kind: Kind, n: usize) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = workspace().join("migrate-runtime");
        let tokio = "tokio = { version = \"1\", features = [\"rt\", \"macros\"] }";
        let (name, dependency, main) = match kind {
            Kind::Ours => (
                format!("embed_{n}"),
                format!(
                    "migrate-runtime = {{ path = {:?}, default-features = false, features = [\"macros\", \"sqlite\"] }}",
                    runtime.display().to_string()
                ),
                MAIN,
            ),
            Kind::Sqlx => (
                format!("embed_sqlx_{n}"),
                "sqlx = { version = \"0.9\", default-features = false, features = [\"runtime-tokio\", \"sqlite-bundled\", \"migrate\", \"macros\"] }".to_owned(),
                SQLX_MAIN,
            ),
        };
        std::fs::write(
            dir.path().join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependency}\n{tokio}\n\n[workspace]\n"),
        )
        .expect("manifest");
        std::fs::write(dir.path().join("build.rs"), "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n")
            .expect("build.rs");
        std::fs::create_dir(dir.path().join("src")).expect("src");
        std::fs::write(dir.path().join("src/main.rs"), main).expect("main.rs");
        let _ = std::fs::copy(workspace().join("Cargo.lock"), dir.path().join("Cargo.lock"));
        let specs = migrate_testkit::generated_graph(n);
        let folder = dir.path().join("migrations");
        migrate_testkit::write_folder(&folder, &specs).expect("revisions");
        if kind == Kind::Sqlx {
            // The same SQL as sqlx files, one per revision in topological order (up only: sqlx's
            // reversible migrations are separate files, and the benches never run them).
            let graph = migrate_core::load_dir(&folder, dir.path()).into_valid_graph().expect("valid");
            let files: Vec<(String, String)> = graph
                .topological_order()
                .iter()
                .enumerate()
                .map(|(v, &node)| {
                    let r = graph.revision(node);
                    let sql = if r.up.sql.trim().is_empty() { "SELECT 1;".to_owned() } else { r.up.sql.clone() };
                    (format!("{}_{}.sql", v + 1, r.id), sql)
                })
                .collect();
            std::fs::remove_dir_all(&folder).expect("clear");
            std::fs::create_dir(&folder).expect("mkdir");
            for (file, sql) in files {
                std::fs::write(folder.join(file), sql).expect("write");
            }
        }
        let sql_bytes = specs.iter().map(|s| s.up.len() + s.down.as_ref().map_or(0, String::len)).sum();
        Self { dir, name, sql_bytes }
    }

    fn cargo(&self, release: bool) -> Duration {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.arg("build").arg("--quiet").current_dir(self.dir.path()).env("CARGO_TARGET_DIR", target_dir());
        if release {
            cmd.arg("--release");
        }
        let start = Instant::now();
        let out = cmd.output().expect("cargo");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        start.elapsed()
    }

    fn binary(&self, release: bool) -> PathBuf {
        target_dir().join(if release { "release" } else { "debug" }).join(&self.name)
    }

    /// Edits one revision file (its down section) so that its content changes.
    fn touch_one(&self, round: usize) {
        let dir = self.dir.path().join("migrations");
        let file = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).min().expect("a file");
        let mut text = std::fs::read_to_string(&file).expect("read");
        text.push_str(&format!("-- edit {round}\n"));
        std::fs::write(&file, text).expect("write");
    }
}

/// Ours beside sqlx's at N = 1,000: the dev and the release rebuild after editing one revision
/// (alternating, `runs` each), and the release binaries' sizes at N = 10 and N = 1,000.
pub fn against_sqlx(runs: usize) {
    println!("## Builds and size beside sqlx (SQLite only, both with `cargo:rerun-if-changed=migrations`)\n");
    let (ours, theirs) = (App::of(Kind::Ours, 1000), App::of(Kind::Sqlx, 1000));
    println!(
        "| rebuild after editing one of 1,000 revisions | ours (ms) | sqlx (ms) | ours / sqlx |\n|---|---:|---:|---:|"
    );
    for release in [false, true] {
        ours.cargo(release);
        theirs.cargo(release);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for i in 0..runs {
            ours.touch_one(i);
            theirs.touch_one(i);
            if i % 2 == 0 {
                a.push(ours.cargo(release));
                b.push(theirs.cargo(release));
            } else {
                b.push(theirs.cargo(release));
                a.push(ours.cargo(release));
            }
        }
        let (a, b) = (Stats::of(a), Stats::of(b));
        println!(
            "| {} | {:.0} ({:.0}–{:.0}) | {:.0} ({:.0}–{:.0}) | {:.2} |",
            if release { "release" } else { "dev" },
            a.median_ms(),
            a.min.as_secs_f64() * 1e3,
            a.max.as_secs_f64() * 1e3,
            b.median_ms(),
            b.min.as_secs_f64() * 1e3,
            b.max.as_secs_f64() * 1e3,
            a.median_ms() / b.median_ms()
        );
    }
    let (ours10, theirs10) = (App::of(Kind::Ours, 10), App::of(Kind::Sqlx, 10));
    ours10.cargo(true);
    theirs10.cargo(true);
    let size = |app: &App| std::fs::metadata(app.binary(true)).map(|m| m.len()).unwrap_or(0) as f64;
    println!("\n| release binary (bytes) | ours | sqlx | ours − sqlx |\n|---|---:|---:|---:|");
    for (label, o, t) in [("N = 10", &ours10, &theirs10), ("N = 1,000", &ours, &theirs)] {
        println!("| {label} | {:.0} | {:.0} | {:+.0} |", size(o), size(t), size(o) - size(t));
    }
    println!();
}

/// Incremental build after editing one revision, embedding 10 against 1,000; binary size per
/// embedded revision; peak RSS of a boot embedding 10,000.
pub fn run(runs: usize) {
    println!("## Build cost, binary size and memory\n");
    let small = App::new(10);
    let large = App::new(1000);
    let mut rows = Vec::new();
    for app in [&small, &large] {
        app.cargo(false);
        let samples: Vec<Duration> = (0..runs)
            .map(|i| {
                app.touch_one(i);
                app.cargo(false)
            })
            .collect();
        rows.push(Stats::of(samples));
    }
    println!("| incremental `cargo build` (dev) after editing one revision | median ms (min–max) |\n|---|---:|");
    println!(
        "| embedding 10 | {:.0} ({:.0}–{:.0}) |",
        rows[0].median_ms(),
        rows[0].min.as_secs_f64() * 1e3,
        rows[0].max.as_secs_f64() * 1e3
    );
    println!(
        "| embedding 1,000 | {:.0} ({:.0}–{:.0}) |",
        rows[1].median_ms(),
        rows[1].min.as_secs_f64() * 1e3,
        rows[1].max.as_secs_f64() * 1e3
    );
    println!("| difference (target < 1,000 ms) | {:.0} |\n", rows[1].median_ms() - rows[0].median_ms());

    small.cargo(true);
    large.cargo(true);
    let size = |app: &App| std::fs::metadata(app.binary(true)).map(|m| m.len()).unwrap_or(0) as f64;
    let per_revision = (size(&large) - size(&small)) / 990.0;
    let sql_per_revision = (large.sql_bytes - small.sql_bytes) as f64 / 990.0;
    println!("| release binary | bytes |\n|---|---:|");
    println!("| embedding 10 | {:.0} |\n| embedding 1,000 | {:.0} |", size(&small), size(&large));
    println!("| per added revision | {per_revision:.0} |");
    println!("| of which the SQL itself (up + down) | {sql_per_revision:.0} |");
    println!("| overhead per revision (target < 200) | {:.0} |\n", per_revision - sql_per_revision);

    let huge = App::new(10_000);
    huge.cargo(true);
    let db = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", db.path().join("rss.db").display());
    let boot = |label: &str| {
        let out = Command::new(huge.binary(true)).env("DATABASE_URL", &url).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        println!("| {label} | {} |", String::from_utf8_lossy(&out.stdout).trim());
    };
    println!("| 10,000 embedded revisions, SQLite | peak RSS |\n|---|---|");
    boot("first boot: applies all");
    boot("second boot: nothing pending");
    println!();
}
