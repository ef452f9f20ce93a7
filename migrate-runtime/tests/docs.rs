//! docs/DIAGNOSTICS.md lists every error code of a migration.

#[test]
fn every_error_code_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/DIAGNOSTICS.md")).expect("read docs");
    let runtime = doc.split("## Errors of a migration").nth(1).expect("the runtime's section");
    for code in migrate_runtime::ErrorCode::ALL {
        assert!(runtime.contains(&format!("| `{code}` |")), "docs/DIAGNOSTICS.md does not list `{code}`");
    }
}
