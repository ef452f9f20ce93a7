//! Secrets: with a wrong password (or unknown role), an unreachable host and a failing
//! statement, on PostgreSQL and MariaDB, no output or log line of the CLI (`-vv`: every log
//! line) or of the runtime (the example application with `RUST_LOG=trace`: sqlx's own logs too)
//! contains the password. URLs are shown with `***` in its place.
//!
//! The local PostgreSQL trusts 127.0.0.1, so it accepts any password: its authentication failure
//! is an unknown role; a failing statement runs with a password in the URL all the same.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use migrate_e2e::db::{TestDb, execute, fresh};
use migrate_e2e::{cargo_migrate_bin, example_app_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

const SECRET: &str = "Hunter2-Secret-Pw";

/// A URL for `db` that logs in with the password: a role made for the test on MariaDB; on
/// PostgreSQL (trust) the same user with a password added.
async fn url_with_password(db: &TestDb) -> String {
    let database = db.url.rsplit('/').next().unwrap_or_default().to_owned();
    match db.dialect {
        Dialect::MySql => {
            let user = format!("pw_{}", &database[database.len().saturating_sub(20)..]);
            execute(&db.pool, &format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{SECRET}'")).await;
            execute(&db.pool, &format!("GRANT ALL ON {database}.* TO '{user}'@'%'")).await;
            format!("mysql://{user}:{SECRET}@127.0.0.1:3306/{database}")
        }
        _ => {
            let rest = db.url.split_once("://").map(|(_, r)| r).unwrap_or_default();
            let (user, host) = rest.split_once('@').unwrap_or(("postgres", rest));
            format!("postgres://{}:{SECRET}@{host}", user.split(':').next().unwrap_or("postgres"))
        }
    }
}

fn assert_no_secret(what: &str, out: &Output) {
    let all = text(out);
    assert!(!all.contains(SECRET), "{what}: the password leaked:\n{all}");
}

fn app(bin: &Path, url: &str) -> Output {
    Command::new(bin)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .output()
        .expect("run the application")
}

#[tokio::test]
async fn no_password_in_any_output_or_log_line() {
    let (cli, app_bin) = (cargo_migrate_bin(), example_app_bin());
    let good = package(&migrate_testkit::branch_and_merge());
    let mut failing = Spec::new("b", &["a"]);
    failing.up = "INSERT INTO no_such_table VALUES (1);\n".into();
    let bad = package(&[Spec::new("a", &[]), failing]);
    for dialect in [Dialect::Postgres, Dialect::MySql] {
        let Some(db) = fresh(dialect).await else { continue };
        let with_password = url_with_password(&db).await;
        let scheme = if dialect == Dialect::Postgres { "postgres" } else { "mysql" };
        let database = db.url.rsplit('/').next().unwrap_or_default().to_owned();
        let wrong_password = match dialect {
            // Trust authentication: an unknown role is what fails to log in.
            Dialect::Postgres => with_password.replacen("://postgres:", "://nosuchrole:", 1),
            // root has an empty password here.
            _ => format!("mysql://root:{SECRET}@127.0.0.1:3306/{database}"),
        };
        let unreachable = format!("{scheme}://someone:{SECRET}@127.0.0.1:1/{database}");
        for (case, url, pkg) in [
            ("wrong password or role", &wrong_password, good.path()),
            ("unreachable host", &unreachable, good.path()),
            ("failing statement", &with_password, bad.path()),
        ] {
            for verb in [&["upgrade", "-vv"][..], &["status", "-vv"], &["upgrade", "--sql", "-vv"]] {
                let out = migrate_command(&cli, pkg, url, verb).output().expect("run cargo-migrate");
                assert_no_secret(&format!("{dialect} {case}: cargo migrate {verb:?}"), &out);
                let offline = verb.contains(&"--sql");
                let connects = case == "failing statement";
                if !offline && (!connects || verb[0] == "upgrade") {
                    assert_eq!(out.status.code(), Some(1), "{dialect} {case} {verb:?} fails:\n{}", text(&out));
                }
                if connects && verb[0] == "upgrade" && !offline {
                    assert!(text(&out).contains("revision `b` failed"), "{dialect}:\n{}", text(&out));
                }
            }
            if case != "failing statement" {
                let out = app(&app_bin, url);
                assert_no_secret(&format!("{dialect} {case}: the application"), &out);
                assert!(!out.status.success(), "{dialect} {case}: the application fails:\n{}", text(&out));
                assert!(text(&out).contains("***"), "{dialect} {case}: the URL is shown redacted:\n{}", text(&out));
            }
        }
        // The application's own failing statement, on a database of its own: its first revision
        // meets a table in the way.
        let Some(app_db) = fresh(dialect).await else { continue };
        let app_url = url_with_password(&app_db).await;
        execute(&app_db.pool, "CREATE TABLE users (x INTEGER)").await;
        let out = app(&app_bin, &app_url);
        assert!(!out.status.success(), "{dialect}: the first revision fails:\n{}", text(&out));
        assert!(text(&out).contains("revision `1a2b3c4d5e6f` failed"), "{dialect}:\n{}", text(&out));
        assert_no_secret(&format!("{dialect}: the application's failing revision"), &out);
        if dialect == Dialect::MySql {
            for url in [&with_password, &app_url] {
                let user = url.split("://").nth(1).and_then(|r| r.split(':').next()).unwrap_or_default().to_owned();
                execute(&db.pool, &format!("DROP USER '{user}'@'%'")).await;
            }
        }
    }
}
