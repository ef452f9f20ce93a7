//! Helpers for the end-to-end tests: the workspace's real binaries, and scratch crates built
//! with the real cargo in the workspace's own target directory (so dependencies compile once).

pub mod db;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use migrate_testkit::{Spec, write_folder};

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
        let dir = tempfile::tempdir().expect("temp dir");
        let runtime = workspace_root().join("migrate-runtime");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nmigrate-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
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
        let exe = target_dir().join("debug").join(format!("{}{}", self.name, std::env::consts::EXE_SUFFIX));
        Command::new(exe).current_dir(self.path()).output().expect("run the application")
    }
}

/// stdout and stderr of `out`, for assertion messages.
pub fn text(out: &Output) -> String {
    format!("--- stdout\n{}--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A package folder (`Cargo.toml` + `migrations/` holding `specs`) for the real `cargo-migrate`.
///
/// # Panics
/// On I/O errors.
pub fn package(specs: &[Spec]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("manifest");
    write_folder(&dir.path().join("migrations"), specs).expect("revisions");
    dir
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
