//! Helpers for the end-to-end tests: the workspace's real binaries, and scratch crates built
//! with the real cargo in the workspace's own target directory (so dependencies compile once).

pub mod db;
pub mod galera;
pub mod local;
pub mod pgbouncer;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use migrate_testkit::PackageBuilder;
use migrate_testkit::Spec;

/// The workspace root (this crate sits in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The target directory the running test binary was built into.
///
/// # Panics
/// When the test binary is not in `<target>/<profile>/deps/`.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors().nth(3).expect("<target>/<profile>/deps/<test>").to_path_buf()
}

/// The cargo that runs these tests.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.env("CARGO_TARGET_DIR", target_dir()).env("CARGO_TERM_COLOR", "never");
    cmd
}

/// Builds the real `cargo-migrate` binary (debug) and returns its path.
///
/// # Panics
/// When the build fails.
pub fn cargo_migrate_bin() -> PathBuf {
    let out = cargo()
        .args(["build", "--quiet", "-p", "cargo-migrate", "--bin", "cargo-migrate"])
        .current_dir(workspace_root())
        .output()
        .expect("run cargo build");
    assert!(out.status.success(), "building cargo-migrate failed:\n{}", String::from_utf8_lossy(&out.stderr));
    target_dir().join("debug").join(format!("cargo-migrate{}", std::env::consts::EXE_SUFFIX))
}

/// Builds the example application (`examples/app`, every database feature) and returns its path.
///
/// # Panics
/// When the build fails.
pub fn example_app_bin() -> PathBuf {
    let out = cargo()
        .args(["build", "--quiet", "-p", "migrate-example"])
        .current_dir(workspace_root())
        .output()
        .expect("run cargo build");
    assert!(out.status.success(), "building migrate-example failed:\n{}", String::from_utf8_lossy(&out.stderr));
    target_dir().join("debug").join(format!("migrate-example{}", std::env::consts::EXE_SUFFIX))
}

/// A scratch application crate that depends on this workspace's `migrate-runtime` by path.
pub struct Scratch {
    dir: tempfile::TempDir,
    name: String,
}

impl Scratch {
    /// Creates `name` with `main_rs` as its `src/main.rs`, and the workspace's Cargo.lock so it
    /// resolves the same versions (and reuses the same compiled dependencies).
    ///
    /// # Panics
    /// On I/O errors.
    pub fn new(name: &str, main_rs: &str) -> Self {
        Self::with_dependencies(name, main_rs, "migrate-runtime = { path = RUNTIME }\n")
    }

    /// [`Scratch::new`] with these `[dependencies]` lines (`RUNTIME` stands for the path of
    /// migrate-runtime).
    ///
    /// # Panics
    /// On I/O errors.
    pub fn with_dependencies(name: &str, main_rs: &str, dependencies: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = format!("{:?}", workspace_root().join("migrate-runtime").display().to_string());
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}\n[workspace]\n",
            dependencies.replace("RUNTIME", &runtime)
        );
        std::fs::write(dir.path().join("Cargo.toml"), manifest).expect("write Cargo.toml");
        std::fs::create_dir(dir.path().join("src")).expect("mkdir src");
        std::fs::write(dir.path().join("src/main.rs"), main_rs).expect("write main.rs");
        let _ = std::fs::copy(workspace_root().join("Cargo.lock"), dir.path().join("Cargo.lock"));
        Self { dir, name: name.to_owned() }
    }

    /// The crate's folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the real cargo-migrate binary here as `cargo migrate ARGS` would.
    ///
    /// # Panics
    /// When the binary cannot be started.
    pub fn migrate(&self, bin: &Path, args: &[&str]) -> Output {
        Command::new(bin)
            .arg("migrate")
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run cargo-migrate")
    }

    /// A plain `cargo build`.
    ///
    /// # Panics
    /// When cargo cannot be started.
    pub fn build(&self) -> Output {
        cargo().arg("build").current_dir(self.path()).output().expect("run cargo build")
    }

    /// Runs the built application.
    ///
    /// # Panics
    /// When it cannot be started.
    pub fn run_app(&self) -> Output {
        self.run_app_with(&[])
    }

    /// Runs the built application with `args`.
    ///
    /// # Panics
    /// When it cannot be started.
    pub fn run_app_with(&self, args: &[&str]) -> Output {
        self.run_app_env(args, &[])
    }

    /// Runs the built application with `args` and the variables `env` set.
    ///
    /// # Panics
    /// When it cannot be started.
    pub fn run_app_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let exe = target_dir().join("debug").join(format!("{}{}", self.name, std::env::consts::EXE_SUFFIX));
        let mut command = Command::new(exe);
        command.args(args).current_dir(self.path()).envs(env.iter().copied());
        command.output().expect("run the application")
    }
}

/// stdout and stderr of `out`, for assertion messages.
pub fn text(out: &Output) -> String {
    format!("--- stdout\n{}--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A package folder (`Cargo.toml` + `migrations/` holding `specs`) for the real `cargo-migrate`:
/// [`PackageBuilder`] with only `specs`.
///
/// # Panics
/// On I/O errors.
pub fn package(specs: &[Spec]) -> tempfile::TempDir {
    PackageBuilder::new().specs(specs).build()
}

/// `cargo migrate ARGS --database-url URL` in package `pkg`, ready to run or spawn: no colour,
/// no inherited `DATABASE_URL`, no stdin.
pub fn migrate_command(bin: &Path, pkg: &Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("migrate")
        .args(args)
        .args(["--database-url", url])
        .current_dir(pkg)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null());
    cmd
}

/// The example application running as a service: started with `LISTEN=127.0.0.1:0`, booted once
/// it printed `listening on http://ADDR`. Stopped with SIGTERM (killed if it does not stop) when
/// [`Service::stop`] is called or it is dropped.
pub struct Service {
    child: Option<std::process::Child>,
    lines: std::sync::mpsc::Receiver<String>,
    /// What it printed on stdout up to and including the `listening` line.
    pub stdout: String,
    /// `host:port` it serves on.
    pub addr: String,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

/// How a [`Service`] ended.
#[derive(Debug)]
pub struct Stopped {
    /// Its exit status.
    pub status: std::process::ExitStatus,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl Service {
    /// Boots `bin` with `env` (plus `LISTEN=127.0.0.1:0`), waiting up to `limit` for it to
    /// listen. `Err` holds what it printed when it exited (or hung) before listening.
    ///
    /// # Panics
    /// When the process cannot be started.
    pub fn boot(bin: &Path, env: &[(&str, &str)], limit: std::time::Duration) -> Result<Self, Stopped> {
        use std::io::BufRead as _;
        let dir = tempfile::tempdir().expect("temp dir");
        let stderr = dir.path().join("stderr");
        let mut cmd = Command::new(bin);
        cmd.env("LISTEN", "127.0.0.1:0").env("RUST_LOG", "warn").stdin(Stdio::null()).stdout(Stdio::piped());
        cmd.stderr(std::fs::File::create(&stderr).expect("stderr file"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start the application");
        let out = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut service =
            Self { child: Some(child), lines, stdout: String::new(), addr: String::new(), stderr, _dir: dir };
        let deadline = std::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match service.lines.recv_timeout(left) {
                Ok(line) => {
                    service.stdout.push_str(&line);
                    service.stdout.push('\n');
                    if let Some(rest) = line.strip_prefix("listening on http://") {
                        service.addr = rest.split_whitespace().next().unwrap_or_default().to_owned();
                        return Ok(service);
                    }
                }
                Err(_) => return Err(service.stop()),
            }
        }
    }

    /// `GET path` over HTTP/1.1: the status code and the body.
    ///
    /// # Panics
    /// When the service cannot be reached or answers something that is not HTTP.
    pub fn get(&self, path: &str) -> (u16, String) {
        use std::io::{Read as _, Write as _};
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("connect to the service");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("timeout");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read the response");
        let code = response.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("an HTTP status line");
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        (code, body)
    }

    /// Sends SIGTERM (a graceful stop), waits up to 20 s (then kills), and returns its output.
    ///
    /// # Panics
    /// When waiting for the process fails.
    pub fn stop(mut self) -> Stopped {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break child.wait().expect("wait");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut stdout = std::mem::take(&mut self.stdout);
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_millis(200)) {
            stdout.push_str(&line);
            stdout.push('\n');
        }
        let stderr = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        Stopped { status, stdout, stderr }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit: {}\n--- stdout\n{}--- stderr\n{}", self.status, self.stdout, self.stderr)
    }
}
