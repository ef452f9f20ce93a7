//! Running the local installation's server programs from tests: a free port, a program run as
//! its service user when the tests run as root (servers refuse root), commands that must succeed.

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// A free local port.
///
/// # Panics
/// When no port can be bound.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// `true` when the tests run as root.
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as `user` when this process is root (servers refuse to run as root).
pub fn as_user(user: &str, program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--", program]);
        c
    } else {
        Command::new(program)
    }
}

/// Runs `cmd`, which must succeed.
///
/// # Panics
/// When it cannot start or fails.
pub fn run_ok(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Gives `path` (recursively) to `user` when the tests run as root.
///
/// # Panics
/// When `chown` fails.
pub fn chown(user: &str, path: &Path) {
    if is_root() {
        run_ok(Command::new("chown").args(["-R", user]).arg(path));
    }
}
