//! The revision parser on arbitrary bytes: it must never panic, every diagnostic must render
//! (spans inside their lines), and a file it accepts must keep its id and checksum when parsed
//! again. Each input is read both as a SQL revision and as a Rust one (`.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    check("fuzz/0001_x.sql", bytes);
    check("fuzz/0001_x.rs", bytes);
});

fn check(path: &str, bytes: &[u8]) {
    match migrate_core::parse_revision(path, bytes) {
        Ok(revision) => {
            let again = migrate_core::parse_revision(path, bytes).expect("parses again");
            assert_eq!(again.id, revision.id);
            assert_eq!(again.checksum, revision.checksum);
            assert!(revision.up.first_line >= 1);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty(), "a refusal says why");
            for d in &diagnostics {
                for label in &d.labels {
                    if let Some(span) = &label.span {
                        assert!(span.start <= span.end && span.end <= span.line_text.len(), "{span:?}");
                        assert!(
                            span.line_text.is_char_boundary(span.start) && span.line_text.is_char_boundary(span.end)
                        );
                    }
                }
                let shown = d.render(false);
                assert!(shown.contains(d.code.as_str()));
                let compact = d.render_compact();
                assert!(compact.contains(d.code.as_str()));
            }
        }
    }
}
