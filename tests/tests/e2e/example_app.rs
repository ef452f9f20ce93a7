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
        assert!(stdout_of(&run(&["migrate", "status"])).starts_with("current: base\npending: 1a2b3c4d5e6f, "), "{d}");
        assert!(stdout_of(&run(&["migrate", "upgrade", "4f1c"])).ends_with("base -> 4f1c2a9b7e3d\n"), "{d}");
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "4f1c2a9b7e3d\n");
        stdout_of(&run(&["migrate", "upgrade"]));
        assert!(stdout_of(&run(&["migrate", "downgrade", "-1"])).ends_with("7e8f9a0b1c2d -> c0ffee000001\n"), "{d}");
        assert_eq!(stdout_of(&run(&["migrate", "history"])).lines().count(), 4, "{d}");
        stdout_of(&run(&["migrate", "stamp", "heads"]));
        assert_eq!(stdout_of(&run(&["migrate", "current"])), "7e8f9a0b1c2d\n");
        let usage = run(&["migrate", "frobnicate"]);
        assert!(
            !usage.status.success() && String::from_utf8_lossy(&usage.stderr).contains("usage: migrate status"),
            "{d}"
        );
        let service = boot(&bin, &db.url, &[]);
        assert!(service.stdout.contains(": 0 revision(s) applied, at 7e8f9a0b1c2d"), "{d}: {}", service.stdout);
        assert!(service.stdout.contains(&format!("(open http://{}/health)", service.addr)), "{}", service.stdout);
        let stopped = service.stop();
        assert!(stopped.status.success(), "{d}: SIGTERM stops it cleanly: {stopped}");
    }
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
