//! The built example service on PostgreSQL, MariaDB and a SQLite file: it migrates itself at
//! boot (or not, with `AUTO_MIGRATE=false`), serves `/health` with the migration status and
//! refuses traffic with 503 while the database is behind, and `myapp migrate …` runs the
//! operator commands (concurrent boots are in `load.rs`).

use std::process::{Command, Stdio};
use std::time::Duration;

use migrate_e2e::db::fresh_databases;
use migrate_e2e::{Service, example_app_bin};

fn app(bin: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run the application")
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", migrate_e2e::text(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn boot(bin: &std::path::Path, url: &str, env: &[(&str, &str)]) -> Service {
    let mut all = vec![("DATABASE_URL", url)];
    all.extend_from_slice(env);
    Service::boot(bin, &all, Duration::from_secs(120)).unwrap_or_else(|out| panic!("did not boot:\n{out}"))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn the_deployed_binary_answers_migrate_commands() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let d = db.dialect;
        let run = |args: &[&str]| app(&bin, &db.url, args);
        // Behind: `status` prints why and exits 1; so does the deploy gate.
        let status = run(&["migrate", "status"]);
        assert_eq!(status.status.code(), Some(1), "{d}: {}", migrate_e2e::text(&status));
        assert!(String::from_utf8_lossy(&status.stdout).starts_with("current: base\npending: 5 (1a2b3c4d5e6f, "));
        let gate = run(&["migrate", "check", "--pending"]);
        assert_eq!(gate.status.code(), Some(1), "{d}: {}", migrate_e2e::text(&gate));
        assert!(String::from_utf8_lossy(&gate.stderr).contains("not up to date: 5 pending"), "{d}");
        assert!(stdout_of(&run(&["migrate", "upgrade", "4f1c"])).ends_with("base -> 4f1c2a9b7e3d\n"), "{d}");
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "4f1c2a9b7e3d\n");
        stdout_of(&run(&["migrate", "upgrade"]));
        assert!(stdout_of(&run(&["migrate", "check", "--pending"])).starts_with("database up to date at 7e8f9a0b1c2d"));
        assert!(stdout_of(&run(&["migrate", "downgrade", "-1"])).ends_with("7e8f9a0b1c2d -> c0ffee000001\n"), "{d}");
        // `status -v`: the database (password hidden) on stderr, the history table's rows on stdout.
        let verbose = run(&["migrate", "status", "-v"]);
        assert_eq!(verbose.status.code(), Some(1), "{d}: one revision pending");
        let rows = String::from_utf8_lossy(&verbose.stdout);
        assert_eq!(rows.lines().filter(|l| l.contains(" applied ")).count(), 4, "{d}: {rows}");
        assert!(String::from_utf8_lossy(&verbose.stderr).contains("(from DATABASE_URL)"), "{d}");
        let json: serde_json::Value = serde_json::from_slice(&run(&["migrate", "status", "--format", "json"]).stdout)
            .expect("status --format json is JSON");
        assert_eq!(
            (json["pending"].clone(), json["up_to_date"].clone()),
            (serde_json::json!(["7e8f9a0b1c2d"]), false.into())
        );
        stdout_of(&run(&["migrate", "stamp", "heads"]));
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "7e8f9a0b1c2d (head)\n");
        let service = boot(&bin, &db.url, &[]);
        assert!(service.stdout.contains(": 0 revision(s) applied, at 7e8f9a0b1c2d"), "{d}: {}", service.stdout);
        assert!(service.stdout.contains(&format!("(open http://{}/health)", service.addr)), "{}", service.stdout);
        let stopped = service.stop();
        assert!(stopped.status.success(), "{d}: SIGTERM stops it cleanly: {stopped}");
    }
}

/// What needs no database works with none: help, the graph verbs, `check`, `--sql`. A wrong
/// word is a usage error (exit 2) with clap's message.
#[test]
fn help_graph_verbs_and_sql_need_no_connection() {
    let bin = example_app_bin();
    // A server that is not there: nothing below may try it.
    let nowhere = "postgres://u:secret@127.0.0.1:9/none";
    let help = app(&bin, nowhere, &["migrate", "--help"]);
    let help_text = stdout_of(&help);
    for verb in ["heads", "history", "show", "check", "current", "status", "upgrade", "downgrade", "stamp", "resolve"] {
        assert!(help_text.contains(&format!("  {verb} ")), "{verb} missing from:\n{help_text}");
    }
    assert!(help_text.contains("Usage: migrate-example migrate [OPTIONS] <COMMAND>"), "{help_text}");
    assert!(stdout_of(&app(&bin, nowhere, &["migrate", "upgrade", "--help"])).contains("--sql"));
    assert!(stdout_of(&app(&bin, nowhere, &["migrate", "heads"])).starts_with("7e8f9a0b1c2d (head), "));
    assert_eq!(stdout_of(&app(&bin, nowhere, &["migrate", "history"])).lines().count(), 5);
    assert!(stdout_of(&app(&bin, nowhere, &["migrate", "show", "4f1c"])).contains("-- migrate:up (line"));
    assert!(stdout_of(&app(&bin, nowhere, &["migrate", "check"])).starts_with("ok: 5 revision(s), 1 head(s) embedded"));
    let sql = stdout_of(&app(&bin, nowhere, &["migrate", "upgrade", "--sql"]));
    assert!(
        sql.contains("BEGIN;") && sql.contains("CREATE TABLE"),
        "a PostgreSQL script from the URL's dialect: {sql}"
    );
    let usage = app(&bin, nowhere, &["migrate", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2), "{}", migrate_e2e::text(&usage));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("unrecognized subcommand 'frobnicate'"));
    // A verb that needs the server says so, password hidden, with its code.
    let down = app(&bin, nowhere, &["migrate", "status", "--connect-timeout", "2"]);
    let err = String::from_utf8_lossy(&down.stderr);
    assert_eq!(down.status.code(), Some(1), "{err}");
    assert!(err.contains("error[connect") && !err.contains("secret"), "{err}");
}

/// `cargo migrate` and `myapp migrate` run from the same folder open the same database, from
/// the folder holding `.env` and from a folder below it; with nothing else set both fall back
/// to the package's `database-url`, anchored to the package root.
#[test]
fn both_front_doors_resolve_the_same_database() {
    let app_bin = example_app_bin();
    let cli_bin = migrate_e2e::cargo_migrate_bin();
    let manifest = migrate_e2e::workspace_root().join("examples/app/Cargo.toml");
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join(".env"), "DATABASE_URL=sqlite://shared.db\n").expect(".env");
    std::fs::create_dir(root.path().join("sub")).expect("mkdir");
    let database_line = |out: &std::process::Output| {
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        err.lines().find(|l| l.starts_with("database: ")).map(str::to_owned).unwrap_or_else(|| panic!("{err}"))
    };
    let myapp = |dir: &std::path::Path, args: &[&str]| {
        Command::new(&app_bin)
            .arg("migrate")
            .args(args)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .output()
            .expect("run")
    };
    let cargo_migrate = |dir: &std::path::Path, args: &[&str]| {
        Command::new(&cli_bin)
            .arg("migrate")
            .args(args)
            .arg("--manifest-path")
            .arg(&manifest)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .output()
            .expect("run")
    };
    stdout_of(&myapp(root.path(), &["upgrade", "-q"]));
    let expected = format!(
        "database: sqlite://{}/shared.db (from DATABASE_URL in {}/.env)",
        root.path().display(),
        root.path().display()
    );
    for dir in [root.path().to_path_buf(), root.path().join("sub")] {
        let (a, b) = (myapp(&dir, &["status", "-v"]), cargo_migrate(&dir, &["status", "-v"]));
        assert_eq!(
            (database_line(&a), database_line(&b)),
            (expected.clone(), expected.clone()),
            "from {}",
            dir.display()
        );
        assert!(
            a.status.success() && b.status.success(),
            "both see the upgraded database:\n{}\n{}",
            migrate_e2e::text(&a),
            migrate_e2e::text(&b)
        );
        assert_eq!(a.stdout, b.stdout, "the same status, printed alike");
    }
    assert!(!root.path().join("sub/shared.db").exists(), "nobody opened a file relative to the sub-folder");
    // Without .env: the package's `database-url`, relative to the package root, in both.
    let bare = tempfile::tempdir().expect("temp dir");
    let package_db = migrate_e2e::workspace_root().join("examples/app/example.db");
    let expected =
        format!("database: sqlite://{} (from database-url in [package.metadata.migrate])", package_db.display());
    let (a, b) = (myapp(bare.path(), &["current", "-v"]), cargo_migrate(bare.path(), &["current", "-v"]));
    assert_eq!((database_line(&a), database_line(&b)), (expected.clone(), expected));
    assert_eq!(a.stdout, b.stdout);
}

#[tokio::test]
async fn health_says_whether_the_database_is_behind_and_traffic_waits_for_it() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let d = db.dialect;
        // Auto-migrate off: the service starts on an empty database and says it is behind.
        let service = boot(&bin, &db.url, &[("AUTO_MIGRATE", "false")]);
        assert!(service.stdout.contains("AUTO_MIGRATE is off"), "{}", service.stdout);
        let (code, body) = service.get("/health");
        let health = json(&body);
        assert_eq!(code, 503, "{d}: {body}");
        assert_eq!(health["up_to_date"], false);
        assert_eq!(health["migrations"]["pending"].as_array().map(Vec::len), Some(5), "{d}: {body}");
        assert_eq!(health["migrations"]["current"], serde_json::json!([]));
        assert_eq!(service.get("/users").0, 503, "{d}: no traffic while behind");
        // The operator migrates from the same binary; the running service sees it.
        stdout_of(&app(&bin, &db.url, &["migrate", "upgrade"]));
        let (code, body) = service.get("/health");
        assert_eq!((code, json(&body)["up_to_date"].as_bool()), (200, Some(true)), "{d}: {body}");
        assert_eq!(json(&body)["migrations"]["current"], serde_json::json!(["7e8f9a0b1c2d"]));
        assert_eq!(service.get("/users"), (200, "{\"users\":0}".to_owned()), "{d}");
        stdout_of(&app(&bin, &db.url, &["migrate", "downgrade", "-1"]));
        let (code, body) = service.get("/health");
        assert_eq!(code, 503, "{d}: {body}");
        assert_eq!(json(&body)["migrations"]["pending"], serde_json::json!(["7e8f9a0b1c2d"]), "{d}: {body}");
        assert!(service.stop().status.success());
        // With auto-migrate (the default), a boot brings it up to date.
        let service = boot(&bin, &db.url, &[]);
        assert!(service.stdout.contains(": 1 revision(s) applied"), "{d}: {}", service.stdout);
        assert_eq!(service.get("/health").0, 200, "{d}");
        assert!(service.stop().status.success());
    }
}

#[tokio::test]
async fn logs_that_go_to_a_pipe_carry_no_colour_codes() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let service = boot(&bin, &db.url, &[("RUST_LOG", "info")]);
        let stopped = service.stop();
        assert!(stopped.status.success(), "{stopped}");
        assert!(stopped.stderr.contains("] up ") && !stopped.stderr.contains('\u{1b}'), "{}: {stopped}", db.dialect);
    }
}
