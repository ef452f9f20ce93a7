//! The checksum of a Rust revision against the real `rustfmt` (the toolchain's): formatting
//! changes nothing, CRLF changes nothing, a code edit changes it.

use std::process::Command;

use migrate_core::parse_revision;

const UNFORMATTED: &str = include_str!("rust_revision_unformatted.rs.txt");

fn checksum(text: &str) -> String {
    parse_revision("migrations/r2.rs", text.as_bytes()).expect("a valid Rust revision").checksum.to_hex()
}

#[test]
fn rustfmt_and_crlf_keep_the_checksum_and_an_edit_changes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("r2.rs");
    std::fs::write(&file, UNFORMATTED).expect("write");
    let out = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(&file)
        .output()
        .expect("rustfmt runs (rustup component add rustfmt)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let formatted = std::fs::read_to_string(&file).expect("read");
    assert_ne!(formatted, UNFORMATTED, "rustfmt changed the layout");
    assert_eq!(checksum(&formatted), checksum(UNFORMATTED));
    assert_eq!(checksum(&formatted.replace('\n', "\r\n")), checksum(UNFORMATTED));
    assert_ne!(
        checksum(&formatted.replace("a_very_long_condition_name = 1", "a_very_long_condition_name = 2")),
        checksum(UNFORMATTED)
    );
}
