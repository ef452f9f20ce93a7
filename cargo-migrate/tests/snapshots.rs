//! The output people read, as snapshots (insta): `--help` of the tool and of the database verbs,
//! and the main verbs on a graph with a branch and a merge, on a SQLite database. A change to
//! any of them shows up as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always`).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-migrate");

/// A package holding testkit's branch-and-merge graph (fixed ids, messages and timestamps).
fn package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("manifest");
    migrate_testkit::write_folder(&dir.path().join("migrations"), &migrate_testkit::branch_and_merge()).expect("write");
    dir
}

/// stdout, then stderr when there is any, and the exit code.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("migrate")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&stderr);
    }
    text.push_str(&format!("--- exit {}\n", out.status.code().unwrap_or(-1)));
    text
}

#[test]
fn help() {
    let dir = package();
    insta::assert_snapshot!("help", run(dir.path(), &["--help"]));
    insta::assert_snapshot!("upgrade_help", run(dir.path(), &["upgrade", "--help"]));
    insta::assert_snapshot!("status_help", run(dir.path(), &["status", "--help"]));
}

#[test]
fn graph_verbs() {
    let dir = package();
    insta::assert_snapshot!("heads", run(dir.path(), &["heads"]));
    insta::assert_snapshot!("branches", run(dir.path(), &["branches"]));
    insta::assert_snapshot!("history", run(dir.path(), &["history"]));
    insta::assert_snapshot!("history_graph", run(dir.path(), &["history", "--graph"]));
    insta::assert_snapshot!("show", run(dir.path(), &["show", "m0"]));
    insta::assert_snapshot!("check", run(dir.path(), &["check"]));
}

#[test]
fn database_verbs_on_sqlite() {
    let dir = package();
    let db = ["--database-url", "sqlite://dev.db"];
    let with = |args: &[&'static str]| -> Vec<&'static str> { [args, &db[..]].concat() };
    insta::assert_snapshot!("status_behind", run(dir.path(), &with(&["status"])));
    insta::assert_snapshot!(
        "upgrade_sql",
        run(dir.path(), &with(&["upgrade", "--sql", "b1"]))
            .lines()
            .filter(|l| !l.starts_with("-- cargo migrate upgrade") && !l.contains("INSERT INTO"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let upgraded = run(dir.path(), &with(&["upgrade", "-q"]));
    assert!(upgraded.ends_with("--- exit 0\n"), "{upgraded}");
    insta::assert_snapshot!("status_up_to_date", run(dir.path(), &with(&["status"])));
    insta::assert_snapshot!("current", run(dir.path(), &with(&["current"])));
    insta::assert_snapshot!("unknown_target", run(dir.path(), &with(&["downgrade", "zz"])));
}
