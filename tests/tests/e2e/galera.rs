//! A real 3-node MariaDB Galera cluster (`scripts/galera.sh`, started by the test): `GET_LOCK` is
//! local to a node there, so `auto` takes the lease and `advisory` is refused. Boots spread over
//! the three nodes at once apply each revision exactly once, all exit 0; a migrator killed inside
//! a revision leaves it `started`, and a boot on another node takes the expired lease over and
//! refuses with the `resolve` hint, as on a single server.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use migrate_e2e::galera::Galera;
use migrate_e2e::{cargo_migrate_bin, migrate_command, package, text};
use migrate_testkit::Spec;

const NODES: usize = 3;
const PER_NODE: usize = 4;
const ROUNDS: usize = 5;
const REVISIONS: usize = 5;

fn chain() -> Vec<Spec> {
    let ids: Vec<String> = (0..REVISIONS).map(|i| format!("r{i}")).collect();
    (0..REVISIONS).map(|i| if i == 0 { Spec::new(&ids[0], &[]) } else { Spec::new(&ids[i], &[&ids[i - 1]]) }).collect()
}

/// The history as node `i` sees it (empty before the table exists).
fn history(cluster: &Galera, i: usize, database: &str) -> Vec<String> {
    cluster
        .try_sql(i, &format!("SELECT CONCAT(revision, ':', state) FROM {database}.migrate_history ORDER BY 1"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn boots_spread_over_three_nodes_apply_each_revision_once() {
    let bin = cargo_migrate_bin();
    let Some(cluster) = Galera::start() else { return };
    let pkg = package(&chain());
    for round in 1..=ROUNDS {
        let database = format!("migrate_t_galera_{round}");
        cluster.sql(0, &format!("DROP DATABASE IF EXISTS {database}; CREATE DATABASE {database}"));
        let children: Vec<_> = (0..NODES * PER_NODE)
            .map(|i| {
                migrate_command(&bin, pkg.path(), &cluster.url(i % NODES, &database), &["upgrade", "-q"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start cargo-migrate")
            })
            .collect();
        let outs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().expect("wait")).collect();
        let failed: Vec<String> = outs.iter().filter(|o| !o.status.success()).map(text).collect();
        assert!(failed.is_empty(), "round {round}: {} of {} failed:\n{}", failed.len(), outs.len(), failed.join("\n"));
        let expected: Vec<String> = (0..REVISIONS).map(|i| format!("r{i}:applied")).collect();
        for node in 0..NODES {
            assert_eq!(history(&cluster, node, &database), expected, "round {round}, node {node}");
        }
        let tables = cluster.sql(1, &format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{database}' AND table_name LIKE 't\\_%'"));
        assert_eq!(tables.trim(), REVISIONS.to_string(), "round {round}: each revision's table, once");
    }
}

#[test]
fn on_a_galera_node_the_session_lock_is_refused_and_a_killed_migrators_lease_is_taken_over() {
    let bin = cargo_migrate_bin();
    let Some(cluster) = Galera::start() else { return };
    let database = "migrate_t_galera_kill";
    cluster.sql(0, &format!("CREATE DATABASE {database}"));
    let mut specs = chain();
    specs[2].up = "CREATE TABLE t_r2 (id INT PRIMARY KEY);\nSELECT SLEEP(30);\n".into();
    let pkg = package(&specs);
    let refused = migrate_command(&bin, pkg.path(), &cluster.url(0, database), &["upgrade", "--lock", "advisory"])
        .output()
        .expect("run");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Galera cluster node"), "{}", text(&refused));
    // A migrator on node 0 is killed inside r2 (its DDL committed, its row `started`).
    let mut child = migrate_command(&bin, pkg.path(), &cluster.url(0, database), &["upgrade", "--lease-ttl", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !history(&cluster, 1, database).contains(&"r2:started".to_owned()) {
        assert!(Instant::now() < deadline, "r2 never started: {:?}", history(&cluster, 1, database));
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    // A boot on node 1 waits for the lease to expire, takes it over, and refuses to pass the
    // `started` row: the operator decides.
    let started = Instant::now();
    let takeover = migrate_command(&bin, pkg.path(), &cluster.url(1, database), &["upgrade", "--lease-ttl", "2"])
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&takeover.stderr);
    assert_eq!(takeover.status.code(), Some(1), "{}", text(&takeover));
    assert!(said.contains("cargo migrate resolve r2 --applied"), "{said}");
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited for the lease to expire");
    // The operator says r2 completed (its table is there); a boot on node 2 finishes the chain.
    let resolved = migrate_command(&bin, pkg.path(), &cluster.url(2, database), &["resolve", "r2", "--applied"])
        .output()
        .expect("run");
    assert!(resolved.status.success(), "{}", text(&resolved));
    let done = migrate_command(&bin, pkg.path(), &cluster.url(2, database), &["upgrade"]).output().expect("run");
    assert!(done.status.success(), "{}", text(&done));
    let expected: Vec<String> = (0..REVISIONS).map(|i| format!("r{i}:applied")).collect();
    assert_eq!(history(&cluster, 0, database), expected);
}
