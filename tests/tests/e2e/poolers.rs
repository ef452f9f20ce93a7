//! Behind a real PgBouncer in transaction pooling mode a session lock is not a lock (each
//! statement may run on another server session, and a lock taken on one stays held, owned by
//! nobody). `--lock advisory` is refused there before anything runs; `auto` notices the pooler
//! and takes the lease (32 concurrent boots through it are in `load.rs`).

use migrate_e2e::db::fresh;
use migrate_e2e::pgbouncer::PgBouncer;
use migrate_e2e::{cargo_migrate_bin, migrate_command, package, text};
use migrate_runtime::Dialect;
use migrate_testkit::Spec;

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn behind_pgbouncer_the_session_lock_is_refused_and_auto_takes_the_lease() {
    let bin = cargo_migrate_bin();
    let Some(db) = fresh(Dialect::Postgres).await else { return };
    let Some(bouncer) = PgBouncer::start(&db.url, 4) else { return };
    let url = bouncer.url_for(&db.url);
    let pkg = package(&[Spec::new("a", &[]), Spec::new("b", &["a"])]);
    let refused = migrate_command(&bin, pkg.path(), &url, &["upgrade", "--lock", "advisory"]).output().expect("run");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(err.contains("error[lock-unreliable]") && err.contains("pooler or proxy"), "{err}");
    let tables = migrate_e2e::db::texts(
        &db.pool,
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'migrate%' OR tablename LIKE 't\\_%'",
    )
    .await;
    assert!(tables.is_empty(), "nothing ran, nothing was created: {tables:?}");
    let auto = migrate_command(&bin, pkg.path(), &url, &["upgrade", "-v"]).output().expect("run");
    let log = String::from_utf8_lossy(&auto.stderr);
    assert!(auto.status.success(), "{}", text(&auto));
    assert!(log.contains("using the lease lock") && log.contains("migration lock: lease"), "{log}");
    assert_eq!(db.history("migrate_history").await.len(), 2);
    // The lease is gone once the run is over.
    let rows = migrate_e2e::db::texts(&db.pool, "SELECT owner FROM migrate_history_lock").await;
    assert!(rows.is_empty(), "{rows:?}");
    // Straight to the server, `auto` keeps the session lock.
    let direct = migrate_command(&bin, pkg.path(), &db.url, &["downgrade", "a", "-v"]).output().expect("run");
    let log = String::from_utf8_lossy(&direct.stderr);
    assert!(direct.status.success() && log.contains("session (advisory) lock"), "{log}");
}
