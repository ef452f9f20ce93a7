//! The statement splitter on arbitrary text, in every dialect: it must never panic; what it
//! returns must be the input's own text (never changed), in order, each statement starting on
//! the line it reports, `COPY` data right after its statement. And the compound-statement rule:
//! a MySQL trigger, routine or block of the splitter's table, followed by anything at all, is
//! one statement, byte for byte, with `DELIMITER` and without.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_core::Dialect;
use migrate_core::split::split_statements;
use migrate_testkit::sql::MYSQL_COMPOUND;

fuzz_target!(|sql: &str| {
    for dialect in Dialect::ALL {
        let Ok(statements) = split_statements(sql, dialect, 7) else { continue };
        let mut from = 0;
        let mut line = 7;
        for s in &statements {
            assert!(!s.sql.trim().is_empty(), "{dialect}: an empty statement");
            // The first occurrence after the previous statement that starts on its reported line
            // (occurrences may overlap: each start is tried).
            let on_line = |at: usize| 7 + sql[..at].matches('\n').count() == s.line;
            let mut at = None;
            let mut search = from;
            while let Some(i) = sql[search..].find(s.sql.as_str()) {
                if on_line(search + i) {
                    at = Some(search + i);
                    break;
                }
                search += i + sql[search + i..].chars().next().map_or(1, char::len_utf8);
            }
            let at = at.unwrap_or_else(|| panic!("{dialect}: {:?} is not the input's text on line {}", s.sql, s.line));
            assert!(s.line >= line, "{dialect}: line {} after {line}", s.line);
            from = at + s.sql.len();
            if let Some(data) = &s.copy_data {
                let data_at = sql[from..].find(data.as_str()).map(|i| from + i);
                from = data_at.unwrap_or_else(|| panic!("{dialect}: COPY data {data:?} is not the input's text"))
                    + data.len();
            }
            line = s.line;
        }
    }
    // The body of a compound statement is never cut, whatever follows it.
    let pick = sql.len() % MYSQL_COMPOUND.len();
    let (name, body) = MYSQL_COMPOUND[pick];
    for text in [format!("{body};\n{sql}"), format!("DELIMITER ;;\n{body};;\nDELIMITER ;\n{sql}")] {
        if let Ok(statements) = split_statements(&text, Dialect::MySql, 1) {
            assert_eq!(statements.first().map(|s| s.sql.as_str()), Some(body), "{name} was cut:\n{text}");
        }
    }
});
