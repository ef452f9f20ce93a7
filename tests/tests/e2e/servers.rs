//! One test per database server, so that a run without a server's URL says so in the test
//! summary (`ignored`), not only in the SKIPPED lines of the database tests' output.

use migrate_e2e::db::fresh;
use migrate_runtime::Dialect;

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "set MIGRATE_TEST_POSTGRES_URL to run the PostgreSQL half of the database tests")]
async fn postgres() {
    let db = fresh(Dialect::Postgres).await.expect("MIGRATE_TEST_POSTGRES_URL is set");
    assert_eq!(migrate_e2e::db::texts(&db.pool, "SELECT 'ok'").await, ["ok"]);
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "set MIGRATE_TEST_MYSQL_URL to run the MariaDB/MySQL half of the database tests")]
async fn mysql() {
    let db = fresh(Dialect::MySql).await.expect("MIGRATE_TEST_MYSQL_URL is set");
    assert_eq!(migrate_e2e::db::texts(&db.pool, "SELECT 'ok'").await, ["ok"]);
}
