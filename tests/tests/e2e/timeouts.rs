//! A server that accepts the connection and never answers: the CLI and the application give up
//! after the connect timeout with a clear error naming the (redacted) server, and say they are
//! waiting while they wait.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migrate_e2e::{cargo_migrate_bin, example_app_bin, package, text};
use migrate_testkit::Spec;

/// A listener on a free local port that accepts connections and never writes a byte, for
/// `limit` at most. Returns its port.
fn silent_server(limit: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut held = Vec::new();
        while started.elapsed() < limit {
            if let Ok((stream, _)) = listener.accept() {
                held.push(stream); // kept open, never answered
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    port
}

#[test]
fn a_silent_server_fails_the_cli_after_the_connect_timeout() {
    let bin = cargo_migrate_bin();
    let pkg = package(&[Spec::new("a", &[])]);
    for scheme in ["postgres", "mysql"] {
        let port = silent_server(Duration::from_secs(30));
        let url = format!("{scheme}://app:s3cret@127.0.0.1:{port}/db");
        let started = Instant::now();
        let out = Command::new(&bin)
            .args(["migrate", "status", "--connect-timeout", "2", "--database-url", &url])
            .current_dir(pkg.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("run");
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{scheme}: {}", text(&out));
        assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(15), "{scheme}: {took:?}");
        let shown = format!("{scheme}://app:***@127.0.0.1:{port}/db");
        assert!(
            stderr.contains(&format!("error[connect-timeout]: timed out connecting to `{shown}` after 2s")),
            "{stderr}"
        );
        assert!(stderr.contains("still connecting to the database") && stderr.contains(&shown), "{stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
}

#[test]
fn a_silent_server_fails_the_application_after_the_default_timeout() {
    let bin = example_app_bin();
    let port = silent_server(Duration::from_secs(30));
    let started = Instant::now();
    let out = Command::new(&bin)
        .env("DATABASE_URL", format!("postgres://app:s3cret@127.0.0.1:{port}/db"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(took >= Duration::from_secs(5) && took < Duration::from_secs(20), "{took:?}");
    assert!(
        stderr.contains("still connecting to the database") && stderr.contains("timed out connecting to"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}
