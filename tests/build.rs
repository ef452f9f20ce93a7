//! Which database servers the tests can reach, decided when they are built: without its URL, each
//! test that needs only that server counts as ignored in the test summary (with the reason), and
//! its `servers::*` canary too; tests over every database still run their SQLite half and print
//! a SKIPPED line for the rest.

fn main() {
    for (var, cfg) in [("MIGRATE_TEST_POSTGRES_URL", "no_postgres"), ("MIGRATE_TEST_MYSQL_URL", "no_mysql")] {
        println!("cargo::rerun-if-env-changed={var}");
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if !std::env::var(var).is_ok_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
