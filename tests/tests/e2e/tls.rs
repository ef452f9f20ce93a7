//! TLS to PostgreSQL and MariaDB with rustls: a server of the local installation started with a
//! certificate signed by a CA the test made. `verify-full` / `VERIFY_IDENTITY` with that CA
//! migrates (and the server says the session was encrypted); the same with another CA is
//! refused; `require` / `REQUIRED` encrypts without verifying.

use std::process::{Command, Output, Stdio};

use migrate_e2e::tls::{Certs, TlsMariaDb, TlsPostgres, postgres_bin};
use migrate_e2e::{cargo_migrate_bin, package, text};
use migrate_runtime::AnyPool;
use migrate_testkit::Spec;

fn migrate(pkg: &std::path::Path, url: &str, args: &[&str]) -> Output {
    Command::new(cargo_migrate_bin())
        .arg("migrate")
        .args(args)
        .args(["--database-url", url])
        .current_dir(pkg)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run cargo-migrate")
}

/// Without the server programs: a loud skip, or a failure with `CI=true`.
fn skip(what: &str) {
    assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{what} is not installed, and CI=true");
    eprintln!("\n*** SKIPPED: {what} is not installed ***\n");
}

fn revisions(record_tls: &str) -> Vec<Spec> {
    let mut first = Spec::new("a", &[]);
    first.up = format!("{record_tls};\n");
    first.down = Some("DROP TABLE tls_seen;\n".into());
    vec![first, Spec::new("b", &["a"])]
}

#[tokio::test]
async fn postgres_verify_full_with_the_right_ca_and_a_refusal_with_another() {
    let Some(bin) = postgres_bin() else { return skip("PostgreSQL (initdb)") };
    let certs = Certs::new();
    let server = TlsPostgres::start(&certs, &bin);
    let pkg = package(&revisions(
        "CREATE TABLE tls_seen AS SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    ));
    let ca = certs.path("ca.crt").display().to_string();
    let other = certs.path("other.crt").display().to_string();
    let refused = migrate(pkg.path(), &server.url(&format!("sslmode=verify-full&sslrootcert={other}")), &["upgrade"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("error[connect]") && said.contains("certificate"), "{said}");
    let verified = migrate(pkg.path(), &server.url(&format!("sslmode=verify-full&sslrootcert={ca}")), &["upgrade"]);
    assert!(verified.status.success(), "{}", text(&verified));
    let pool = AnyPool::connect(&server.url("sslmode=disable")).await.expect("plain connection");
    let seen = migrate_e2e::db::texts(&pool, "SELECT CAST(ssl AS TEXT) || ' ' || version FROM tls_seen").await;
    assert!(seen.len() == 1 && seen[0].starts_with("true TLSv1."), "the migrating session was encrypted: {seen:?}");
    pool.close().await;
    let required = migrate(pkg.path(), &server.url("sslmode=require"), &["status"]);
    assert!(String::from_utf8_lossy(&required.stdout).contains("pending: none"), "{}", text(&required));
}

#[tokio::test]
async fn mariadb_verify_identity_with_the_right_ca_and_a_refusal_with_another() {
    if Command::new("mariadb-install-db").arg("--help").output().is_err() {
        return skip("MariaDB (mariadb-install-db)");
    }
    let certs = Certs::new();
    let server = TlsMariaDb::start(&certs);
    let pkg = package(&revisions(
        "CREATE TABLE tls_seen AS SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'",
    ));
    let ca = certs.path("ca.crt").display().to_string();
    let other = certs.path("other.crt").display().to_string();
    let refused = migrate(pkg.path(), &server.url(&format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={other}")), &["upgrade"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("error[connect]") && said.contains("certificate"), "{said}");
    let verified = migrate(pkg.path(), &server.url(&format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}")), &["upgrade"]);
    assert!(verified.status.success(), "{}", text(&verified));
    let pool = AnyPool::connect(&server.url("ssl-mode=DISABLED")).await.expect("plain connection");
    let seen = migrate_e2e::db::texts(&pool, "SELECT cipher FROM tls_seen").await;
    assert!(seen.len() == 1 && !seen[0].is_empty(), "the migrating session was encrypted: {seen:?}");
    pool.close().await;
    let required = migrate(pkg.path(), &server.url("ssl-mode=REQUIRED"), &["status"]);
    assert!(String::from_utf8_lossy(&required.stdout).contains("pending: none"), "{}", text(&required));
}
