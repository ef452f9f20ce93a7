use super::*;

const GOOD: &str = "-- revision: 4f1c2a9b7e3d
-- revises: 1a2b3c4d5e6f
-- message: Add email to users
-- created: 2026-11-22T06:30:00Z

-- migrate:up
ALTER TABLE users ADD COLUMN email TEXT;

-- migrate:down
ALTER TABLE users DROP COLUMN email;
";

fn errors(text: &[u8]) -> Vec<(Code, Option<usize>)> {
    let diags = parse_revision("m/x.sql", text).expect_err("should fail");
    for d in &diags {
        assert_eq!(d.labels.first().map(|l| l.path.as_str()), Some("m/x.sql"), "{d}");
        assert!(d.help.is_some(), "every parse error has a hint: {d}");
    }
    diags.iter().map(|d| (d.code, d.labels[0].span.as_ref().map(|s| s.line))).collect()
}

fn with(header_extra: &str) -> String {
    GOOD.replacen("-- created", &format!("{header_extra}\n-- created"), 1)
}

#[test]
fn parses_the_contract_example() {
    let r = parse_revision("m/x.sql", GOOD.as_bytes()).expect("valid");
    assert_eq!(r.id.as_str(), "4f1c2a9b7e3d");
    assert_eq!(r.parents.len(), 1);
    assert_eq!(r.message, "Add email to users");
    assert_eq!(r.created.as_deref(), Some("2026-11-22T06:30:00Z"));
    assert!(r.transactional);
    assert_eq!(r.up.first_line, 7);
    assert_eq!(r.up.sql.trim(), "ALTER TABLE users ADD COLUMN email TEXT;");
    assert_eq!(r.down.as_ref().map(|d| d.first_line), Some(10));
    assert_eq!(r.source.file_name, "x.sql");
    assert_eq!(r.source.parent_spans[0].line, 2);
    assert_eq!(
        &r.source.parent_spans[0].line_text[r.source.parent_spans[0].start..r.source.parent_spans[0].end],
        "1a2b3c4d5e6f"
    );
}

#[test]
fn optional_keys_and_lists() {
    let text = with("-- branch-labels: billing, eu-west\n-- depends-on: aa, bb\n-- transaction: false")
        .replace("-- revises: 1a2b3c4d5e6f", "-- revises: p1, p2 ,p3");
    let r = parse_revision("x.sql", text.as_bytes()).expect("valid");
    assert_eq!(r.parents.iter().map(|p| p.as_str()).collect::<Vec<_>>(), ["p1", "p2", "p3"]);
    assert_eq!(r.depends_on.len(), 2);
    assert_eq!(r.branch_labels, ["billing", "eu-west"]);
    assert!(!r.transactional);
    assert!(r.is_merge());
}

#[test]
fn root_has_empty_revises_and_down_is_optional() {
    let text = "-- revision: root1\n-- revises:\n-- message: first\n-- migrate:up\nCREATE TABLE t (id INT);\n";
    let r = parse_revision("x.sql", text.as_bytes()).expect("valid");
    assert!(r.parents.is_empty());
    assert!(r.down.is_none());
    assert!(r.created.is_none());
}

#[test]
fn bom_and_crlf_are_accepted_with_the_same_checksum() {
    let crlf = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    let a = parse_revision("x.sql", GOOD.as_bytes()).expect("valid");
    let b = parse_revision("x.sql", crlf.as_bytes()).expect("valid with BOM and CRLF");
    assert_eq!(a.checksum, b.checksum);
    assert_eq!(a.up, b.up);
}

#[test]
fn not_utf8_names_the_line() {
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.splice(140..140, [0xff, 0xfe]);
    let line = 1 + GOOD.as_bytes()[..140].iter().filter(|&&b| b == b'\n').count();
    assert_eq!(errors(&bytes), [(Code::NotUtf8, Some(line))]);
}

#[test]
fn binary_bytes_in_a_literal_are_refused_with_the_hex_literal_hint() {
    let text = "-- revision: a1\n-- revises:\n-- message: m\n\n-- migrate:up\nINSERT INTO staff (picture) VALUES ('";
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend([0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    bytes.extend(b"');\n");
    let err = parse_revision("migrations/0001_a1.sql", &bytes).expect_err("not UTF-8");
    let d = &err[0];
    assert_eq!((d.code, d.labels[0].span.as_ref().map(|s| s.line)), (Code::NotUtf8, Some(6)));
    assert!(d.help.as_deref().unwrap_or_default().contains("hex literal (X'89504E47"), "{:?}", d.help);
}

#[test]
fn nul_byte_names_the_line() {
    let text = GOOD.replace("TEXT;", "TEXT\0;");
    assert_eq!(errors(text.as_bytes()), [(Code::NulByte, Some(7))]);
}

#[test]
fn text_before_header() {
    let text = format!("SELECT 1;\n{GOOD}");
    assert_eq!(errors(text.as_bytes()), [(Code::TextBeforeHeader, Some(1))]);
}

#[test]
fn malformed_header_line() {
    assert_eq!(errors(with("-- just a note").as_bytes()), [(Code::MalformedHeaderLine, Some(4))]);
    assert_eq!(errors(with("-- Note: capitalised").as_bytes()), [(Code::MalformedHeaderLine, Some(4))]);
}

#[test]
fn unknown_and_repeated_keys() {
    assert_eq!(errors(with("-- author: me").as_bytes()), [(Code::UnknownKey, Some(4))]);
    assert_eq!(errors(with("-- message: again").as_bytes()), [(Code::RepeatedKey, Some(4))]);
}

#[test]
fn missing_keys_are_each_reported() {
    let text = "-- created: 2026-11-22T06:30:00Z\n-- migrate:up\nSELECT 1;\n";
    // Each points at the `-- migrate:up` line, where the header ends.
    let at_end = (Code::MissingKey, Some(2));
    assert_eq!(errors(text.as_bytes()), [at_end, at_end, at_end]);
    assert_eq!(
        errors(b""),
        [
            (Code::MissingKey, Some(1)),
            (Code::MissingKey, Some(1)),
            (Code::MissingKey, Some(1)),
            (Code::MissingUp, Some(1))
        ]
    );
}

#[test]
fn invalid_values() {
    let bad_id = GOOD.replace("4f1c2a9b7e3d", "Not-An-Id");
    assert_eq!(errors(bad_id.as_bytes()), [(Code::InvalidValue, Some(1))]);
    let bad_parent = GOOD.replace("1a2b3c4d5e6f", "ok, BAD");
    assert_eq!(errors(bad_parent.as_bytes()), [(Code::InvalidValue, Some(2))]);
    let twice = GOOD.replace("1a2b3c4d5e6f", "aa, aa");
    assert_eq!(errors(twice.as_bytes()), [(Code::InvalidValue, Some(2))]);
    let trailing = GOOD.replace("1a2b3c4d5e6f", "aa,");
    assert_eq!(errors(trailing.as_bytes()), [(Code::InvalidValue, Some(2))]);
    let created = GOOD.replace("2026-11-22T06:30:00Z", "yesterday");
    assert_eq!(errors(created.as_bytes()), [(Code::InvalidValue, Some(4))]);
    assert_eq!(errors(with("-- transaction: no").as_bytes()), [(Code::InvalidValue, Some(4))]);
    assert_eq!(errors(with("-- branch-labels: a b").as_bytes()), [(Code::InvalidValue, Some(4))]);
    let empty_msg = GOOD.replace("Add email to users", "");
    assert_eq!(errors(empty_msg.as_bytes()), [(Code::InvalidValue, Some(3))]);
}

#[test]
fn missing_up() {
    let text = "-- revision: a\n-- revises:\n-- message: m\nSELECT 1;\n";
    // The missing marker is reported at the file's last line.
    assert_eq!(errors(text.as_bytes()), [(Code::TextBeforeHeader, Some(4)), (Code::MissingUp, Some(4))]);
    let header_only = "-- revision: a\n-- revises:\n-- message: m\n";
    assert_eq!(errors(header_only.as_bytes()), [(Code::MissingUp, Some(3))]);
    let utf16 =
        [&[0xff, 0xfe][..], &"-- revision: a\n".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>()].concat();
    let d = &crate::parse_revision("m/0001_a.sql", &utf16).expect_err("UTF-16")[0];
    assert!(d.message.contains("UTF-16"), "{}", d.message);
}

#[test]
fn markers_out_of_place() {
    let twice = format!("{GOOD}-- migrate:up\nSELECT 2;\n");
    assert_eq!(errors(twice.as_bytes()), [(Code::RepeatedSection, Some(11))]);
    let down_twice = format!("{GOOD}-- migrate:down\n");
    assert_eq!(errors(down_twice.as_bytes()), [(Code::RepeatedSection, Some(11))]);
    let unknown = GOOD.replace("-- migrate:down", "-- migrate:sideways");
    assert_eq!(errors(unknown.as_bytes()), [(Code::UnknownSection, Some(9))]);
    let down_first = "-- revision: a\n-- revises:\n-- message: m\n-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t (id INT);\n";
    assert_eq!(errors(down_first.as_bytes()), [(Code::DownBeforeUp, Some(4))]);
}

#[test]
fn empty_up_is_an_error_except_in_a_merge() {
    let empty = "-- revision: a\n-- revises: p\n-- message: m\n-- migrate:up\n\n   \n-- migrate:down\nSELECT 1;\n";
    assert_eq!(errors(empty.as_bytes()), [(Code::EmptyUp, Some(4))]);
    let merge = empty.replace("-- revises: p", "-- revises: p, q");
    assert!(parse_revision("x.sql", merge.as_bytes()).is_ok());
    let comment_only = empty.replace("\n\n   \n-- migrate:down", "\n-- nothing to do on purpose\n-- migrate:down");
    assert!(parse_revision("x.sql", comment_only.as_bytes()).is_ok());
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let text = "-- revision: BAD\n-- revises: ok\n-- message: m\n-- colour: blue\n-- message: twice\n-- migrate:up\nSELECT 1;\n";
    let codes: Vec<Code> = errors(text.as_bytes()).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, [Code::UnknownKey, Code::RepeatedKey, Code::InvalidValue]);
}

#[test]
fn a_section_may_be_marked_for_one_dialect() {
    let text = GOOD.replacen(
        "ALTER TABLE users DROP COLUMN email;\n",
        "ALTER TABLE users DROP COLUMN email;\n-- migrate:down mysql\nALTER TABLE users DROP email;\n-- migrate:up sqlite\nSELECT 1;\n",
        1,
    );
    let r = parse_revision("m/x.sql", text.as_bytes()).expect("valid");
    assert_eq!(r.up.sql.trim(), "ALTER TABLE users ADD COLUMN email TEXT;");
    assert_eq!(r.down.as_ref().map(|d| d.sql.trim()), Some("ALTER TABLE users DROP COLUMN email;"));
    assert_eq!(r.variants.len(), 2);
    assert_eq!(
        (r.variants[0].dialect, r.variants[0].up, r.variants[0].section.first_line),
        (Dialect::MySql, false, 12)
    );
    assert_eq!(r.down_on(Dialect::MySql).map(|d| d.sql.trim()), Some("ALTER TABLE users DROP email;"));
    assert_eq!(r.down_on(Dialect::Postgres), r.down.as_ref());
    assert_eq!(r.up_on(Dialect::Sqlite).map(|s| s.sql.trim()), Some("SELECT 1;"));
    // The checksum is the one of what runs on the dialect.
    assert_eq!(r.on_dialect(Dialect::Postgres).checksum, r.checksum);
    assert_eq!(r.on_dialect(Dialect::MySql).checksum, r.checksum);
    assert_ne!(r.on_dialect(Dialect::Sqlite).checksum, r.checksum);
    assert!(r.on_dialect(Dialect::MySql).variants.is_empty());
}

#[test]
fn a_file_may_start_with_a_marked_up_section() {
    let text = "-- revision: a\n-- revises:\n-- message: m\n\n-- migrate:up postgres\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:up mariadb\nCREATE INDEX i ON t (c);\n";
    let r = parse_revision("m/x.sql", text.as_bytes()).expect("valid: no empty-up error");
    assert_eq!(r.up_on(Dialect::MySql).map(|s| s.first_line), Some(8));
    assert_eq!(r.up_on(Dialect::Sqlite), None, "no section to run on SQLite");
    assert_eq!(r.on_dialect(Dialect::Sqlite).up.sql, "");
    // An unmarked up after a marked one serves the other dialects.
    let text = format!("{text}-- migrate:up\nSELECT 1;\n");
    let r = parse_revision("m/x.sql", text.as_bytes()).expect("valid");
    assert_eq!(r.up_on(Dialect::Sqlite).map(|s| s.sql.trim()), Some("SELECT 1;"));
}

#[test]
fn dialect_markers_that_are_wrong() {
    let text = GOOD.replacen("-- migrate:down", "-- migrate:down oracle\nX;\n-- migrate:down", 1);
    assert_eq!(errors(text.as_bytes()), [(Code::UnknownSection, Some(9))]);
    let text = format!("{GOOD}-- migrate:down mysql\nA;\n-- migrate:down mariadb\nB;\n");
    assert_eq!(errors(text.as_bytes()), [(Code::RepeatedSection, Some(13))]);
    let text = GOOD.replacen("-- migrate:up", "-- migrate:down sqlite\n-- migrate:up", 1);
    assert_eq!(errors(text.as_bytes()), [(Code::DownBeforeUp, Some(6))]);
}
