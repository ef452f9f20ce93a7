//! docs/DIAGNOSTICS.md lists every diagnostic code.

#[test]
fn every_code_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/DIAGNOSTICS.md")).expect("read docs");
    for code in migrate_core::Code::ALL {
        assert!(
            doc.contains(&format!("| `{}` |", code.as_str())),
            "docs/DIAGNOSTICS.md does not list `{}`",
            code.as_str()
        );
    }
}
