//! The statement splitter on arbitrary text, in every dialect: it must never panic; what it
//! returns must be the input's own text (never changed), in order, with line numbers that
//! start at the section's first line, never go back, and never pass the last line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_core::Dialect;
use migrate_core::split::split_statements;

fuzz_target!(|sql: &str| {
    let last_line = 7 + sql.matches('\n').count();
    for dialect in Dialect::ALL {
        let Ok(statements) = split_statements(sql, dialect, 7) else { continue };
        let mut from = 0;
        let mut line = 7;
        for s in &statements {
            assert!(!s.sql.trim().is_empty(), "{dialect}: an empty statement");
            let at = sql[from..].find(s.sql.as_str()).map(|i| from + i);
            let at = at.unwrap_or_else(|| panic!("{dialect}: {:?} is not the input's text, in order", s.sql));
            from = at + s.sql.len();
            assert!(s.line >= line && s.line <= last_line, "{dialect}: line {} after {line}", s.line);
            line = s.line;
        }
    }
});
