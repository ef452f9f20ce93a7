//! The built example application on PostgreSQL, MariaDB and a SQLite file: `myapp migrate …`
//! runs the operator commands (concurrent boots are in `load.rs`).

use std::process::{Command, Stdio};

use migrate_e2e::db::fresh_databases;
use migrate_e2e::example_app_bin;

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
        let boot = stdout_of(&run(&[]));
        assert!(boot.contains(": 0 revision(s) applied, at 7e8f9a0b1c2d"), "{d}: {boot}");
        assert!(boot.contains("the users table is ready"), "{d}: {boot}");
    }
}

#[tokio::test]
async fn logs_that_go_to_a_pipe_carry_no_colour_codes() {
    let bin = example_app_bin();
    for db in fresh_databases().await {
        let logged = Command::new(&bin).env("DATABASE_URL", &db.url).env("RUST_LOG", "info").output().expect("run");
        let log = String::from_utf8_lossy(&logged.stderr);
        assert!(logged.status.success() && log.contains("] up ") && !log.contains('\u{1b}'), "{}: {log}", db.dialect);
    }
}
