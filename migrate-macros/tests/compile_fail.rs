//! One compile-fail case per graph and file error (SQL and Rust revisions): the build fails
//! and the message names the file and the hint. Fixtures live in `tests/ui/fixtures/<case>/`.

#[test]
fn ui() {
    let ui_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    // trybuild compiles the cases in a generated crate elsewhere; the macro reads fixture
    // folders relative to this override instead (tests only).
    #[expect(unsafe_code, reason = "set before trybuild spawns cargo; this test binary has no other thread")]
    unsafe {
        std::env::set_var("MIGRATE_MACROS_TEST_MANIFEST_DIR", &ui_dir);
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
