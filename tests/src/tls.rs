//! TLS servers for tests: a certificate authority and a server certificate made with the
//! `openssl` command, and a PostgreSQL or MariaDB instance of the local installation started on
//! its own port and data folder with TLS on (so the shared servers are not touched), stopped
//! when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::local::{as_user, chown, free_port, is_root, run_ok};

/// A CA, a server certificate it signed (for `localhost` and `127.0.0.1`), and another CA that
/// signed nothing.
pub struct Certs {
    dir: tempfile::TempDir,
}

impl Certs {
    /// Makes the certificates (EC P-256, valid for two days).
    ///
    /// # Panics
    /// When `openssl` fails.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        std::fs::write(
            d.join("server.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
        )
        .expect("ext");
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        for (name, cn) in [("ca", "migrate test CA"), ("other", "another CA")] {
            openssl(
                d,
                &[
                    &["req", "-x509"][..],
                    &ec,
                    &["-days", "2", "-subj", &format!("/CN={cn}")],
                    &[
                        "-addext",
                        "basicConstraints=critical,CA:TRUE",
                        "-addext",
                        "keyUsage=critical,keyCertSign,cRLSign",
                    ],
                    &["-keyout", &format!("{name}.key"), "-out", &format!("{name}.crt")],
                ]
                .concat(),
            );
        }
        openssl(
            d,
            &[&["req"][..], &ec, &["-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]].concat(),
        );
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                "server.crt",
            ],
        );
        Self { dir }
    }

    /// `ca.crt`, `other.crt`, `server.crt` or `server.key`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Default for Certs {
    fn default() -> Self {
        Self::new()
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Copies the server's certificate and key (and the CA) into `dir`, readable by its owner only.
fn install_certs(certs: &Certs, dir: &Path) {
    for name in ["server.crt", "server.key", "ca.crt"] {
        std::fs::copy(certs.path(name), dir.join(name)).expect("copy certificate");
    }
    run_ok(Command::new("chmod").arg("600").arg(dir.join("server.key")));
}

/// A PostgreSQL instance of the local installation with TLS on, trust authentication, on its own
/// port; stopped (immediately) when dropped.
pub struct TlsPostgres {
    /// Its port on 127.0.0.1.
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
}

/// The folder of the local PostgreSQL's server programs (`initdb`, `pg_ctl`), if installed.
pub fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

impl TlsPostgres {
    /// Creates and starts the instance.
    ///
    /// # Panics
    /// When `initdb` or `pg_ctl` fail.
    pub fn start(certs: &Certs, bin: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        chown("postgres", dir.path());
        let initdb = bin.join("initdb");
        run_ok(as_user("postgres", &initdb.to_string_lossy()).args(["-D"]).arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        install_certs(certs, &data);
        chown("postgres", &data);
        let port = free_port();
        let conf = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nfsync = off\nmax_connections = 20\nshared_buffers = 16MB\n",
            dir.path().display()
        );
        let mut text = std::fs::read_to_string(data.join("postgresql.conf")).expect("postgresql.conf");
        text.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), text).expect("postgresql.conf");
        let log = dir.path().join("server.log");
        let pg_ctl = bin.join("pg_ctl").to_string_lossy().into_owned();
        run_ok(
            as_user("postgres", &pg_ctl)
                .args(["-D"])
                .arg(&data)
                .args(["-l"])
                .arg(&log)
                .args(["-w", "-t", "60", "start"]),
        );
        Self { port, bin: bin.to_owned(), data, _dir: dir }
    }

    /// A URL of its `postgres` database with `query` (e.g. `sslmode=verify-full&sslrootcert=…`).
    pub fn url(&self, query: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?{query}", self.port)
    }
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl").to_string_lossy().into_owned();
        let _ =
            as_user("postgres", &pg_ctl).args(["-D"]).arg(&self.data).args(["-m", "immediate", "-w", "stop"]).output();
    }
}

/// A MariaDB instance of the local installation with TLS on, grant tables skipped (any user,
/// no password), on its own port; killed when dropped.
pub struct TlsMariaDb {
    /// Its port on 127.0.0.1.
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl TlsMariaDb {
    /// Creates and starts the instance, with a database `test`.
    ///
    /// # Panics
    /// When `mariadb-install-db` fails or the server does not answer within a minute.
    pub fn start(certs: &Certs) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        install_certs(certs, dir.path());
        chown("mysql", dir.path());
        let mut install = Command::new("mariadb-install-db");
        install.args(["--no-defaults", "--auth-root-authentication-method=normal", "--skip-test-db"]);
        install.arg(format!("--datadir={}", data.display()));
        if is_root() {
            install.arg("--user=mysql");
        }
        run_ok(&mut install);
        let port = free_port();
        let d = dir.path().display().to_string();
        let mut server = Command::new("/usr/sbin/mariadbd");
        server.args([
            "--no-defaults".to_owned(),
            format!("--datadir={}", data.display()),
            format!("--port={port}"),
            "--bind-address=127.0.0.1".to_owned(),
            format!("--socket={d}/mysqld.sock"),
            format!("--pid-file={d}/mysqld.pid"),
            "--skip-grant-tables".to_owned(),
            "--skip-log-bin".to_owned(),
            "--innodb-buffer-pool-size=32M".to_owned(),
            format!("--ssl-ca={d}/ca.crt"),
            format!("--ssl-cert={d}/server.crt"),
            format!("--ssl-key={d}/server.key"),
        ]);
        if is_root() {
            server.arg("--user=mysql");
        }
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log");
        let child = server.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log).spawn().expect("start mariadbd");
        let me = Self { port, child, _dir: dir };
        let started = Instant::now();
        loop {
            let ping = Command::new("mariadb-admin")
                .args(["--no-defaults", "-h", "127.0.0.1", "-P", &port.to_string(), "-u", "root", "ping"])
                .output();
            if ping.is_ok_and(|o| o.status.success()) {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "mariadbd did not answer on port {port}");
            std::thread::sleep(Duration::from_millis(200));
        }
        run_ok(Command::new("mariadb").args([
            "--no-defaults",
            "-h",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "-u",
            "root",
            "-e",
            "CREATE DATABASE test",
        ]));
        me
    }

    /// A URL of its `test` database with `query` (e.g. `ssl-mode=VERIFY_IDENTITY&ssl-ca=…`).
    pub fn url(&self, query: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/test?{query}", self.port)
    }
}

impl Drop for TlsMariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
