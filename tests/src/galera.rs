//! A real 3-node MariaDB Galera cluster on this machine (`scripts/galera.sh`: the installed
//! MariaDB with Debian's galera-4 provider, three `mariadbd` processes with their own data
//! folders and ports), torn down when dropped.

use std::path::PathBuf;
use std::process::Command;

use crate::workspace_root;

/// A running cluster.
pub struct Galera {
    /// The SQL port of each node on 127.0.0.1.
    pub ports: Vec<u16>,
    dir: PathBuf,
    _keep: tempfile::TempDir,
}

impl Galera {
    /// Starts the cluster and waits until it has three nodes. `None` (with a loud message) when
    /// the galera-4 provider is missing and cannot be installed; with `CI=true` that fails.
    ///
    /// # Panics
    /// When the provider is there but the cluster does not form.
    pub fn start() -> Option<Self> {
        let provider = std::path::Path::new("/usr/lib/galera/libgalera_smm.so");
        if !provider.exists() && !crate::local::is_root() {
            assert!(std::env::var("CI").map_or(true, |v| v != "true"), "galera-4 is not installed, and CI=true");
            eprintln!("\n*** SKIPPED: the galera-4 provider is not installed (apt-get install galera-4 rsync) ***\n");
            return None;
        }
        // One cluster starts at a time: two starting together pick their free ports in a race
        // and load the machine with six servers starting at once.
        static STARTING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = STARTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let keep = tempfile::tempdir().expect("temp dir");
        // The nodes run as `mysql`, which must reach their folders inside it.
        std::fs::set_permissions(keep.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        let dir = keep.path().join("cluster");
        let out = Command::new("bash")
            .arg(workspace_root().join("scripts/galera.sh"))
            .arg("start")
            .arg(&dir)
            .output()
            .expect("run scripts/galera.sh");
        let mut cluster = Self { ports: Vec::new(), dir: dir.clone(), _keep: keep };
        assert!(
            out.status.success(),
            "the Galera cluster did not start:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        cluster.ports = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect();
        Some(cluster)
    }

    /// A URL of `database` on node `i` (0, 1, 2).
    pub fn url(&self, i: usize, database: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{database}", self.ports[i % self.ports.len()])
    }

    /// Runs `sql` on node `i` with the `mariadb` client.
    ///
    /// # Panics
    /// When the client fails.
    pub fn sql(&self, i: usize, sql: &str) -> String {
        self.try_sql(i, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs `sql` on node `i`: its output, or the client's error.
    ///
    /// # Panics
    /// When the client cannot be started.
    pub fn try_sql(&self, i: usize, sql: &str) -> Result<String, String> {
        let out = Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "-P"])
            .arg(self.ports[i].to_string())
            .args(["-e", sql])
            .output()
            .expect("run mariadb");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for Galera {
    fn drop(&mut self) {
        let _ =
            Command::new("bash").arg(workspace_root().join("scripts/galera.sh")).arg("stop").arg(&self.dir).output();
    }
}
