//! A real PgBouncer (Debian's `pgbouncer`, which `.ci/run` installs) in `pool_mode = transaction`
//! in front of the local PostgreSQL, started on a free port with its own config folder, as the
//! `postgres` user (it refuses root), killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::local::{as_user, chown, free_port};

/// A running PgBouncer.
pub struct PgBouncer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

/// The pgbouncer program, if installed.
pub fn pgbouncer_bin() -> Option<PathBuf> {
    ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].iter().map(PathBuf::from).find(|p| p.is_file())
}

impl PgBouncer {
    /// Starts one in front of the server `server_url` names (host and port), transaction
    /// pooling, trust authentication, `pool_size` server connections per database and user.
    /// `None` (with a loud message) when pgbouncer is not installed; with `CI=true` that fails.
    ///
    /// # Panics
    /// When it is installed but does not start listening within 20 s.
    pub fn start(server_url: &str, pool_size: u32) -> Option<Self> {
        let Some(bin) = pgbouncer_bin() else {
            assert!(std::env::var("CI").map_or(true, |v| v != "true"), "pgbouncer is not installed, and CI=true");
            eprintln!("\n*** SKIPPED: pgbouncer is not installed (apt-get install pgbouncer) ***\n");
            return None;
        };
        let authority = server_url.split("://").nth(1).and_then(|r| r.split('/').next()).unwrap_or("");
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, server_port) = host_port.split_once(':').unwrap_or((host_port, "5432"));
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let d = dir.path();
        std::fs::write(d.join("users.txt"), "\"postgres\" \"\"\n\"root\" \"\"\n").expect("users");
        let ini = format!(
            "[databases]\n* = host={host} port={server_port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\nauth_type = trust\nauth_file = {users}\npool_mode = transaction\nmax_client_conn = 500\ndefault_pool_size = {pool_size}\nignore_startup_parameters = extra_float_digits\nlogfile = {log}\npidfile = {pid}\n",
            users = d.join("users.txt").display(),
            log = d.join("pgbouncer.log").display(),
            pid = d.join("pgbouncer.pid").display(),
        );
        std::fs::write(d.join("pgbouncer.ini"), ini).expect("pgbouncer.ini");
        chown("postgres", d);
        let child = as_user("postgres", &bin.to_string_lossy())
            .arg(d.join("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pgbouncer");
        let bouncer = Self { port, child, _dir: dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "pgbouncer did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(bouncer)
    }

    /// `url` (a database of the server behind it) with its host and port replaced by the
    /// bouncer's.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let user = authority.rsplit_once('@').map(|(u, _)| format!("{u}@")).unwrap_or_default();
        format!("{scheme}://{user}127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        // runuser's child is pgbouncer itself; kill the whole group of this spawn.
        let _ = Command::new("pkill").args(["-f", &format!("{}/pgbouncer.ini", self._dir.path().display())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
