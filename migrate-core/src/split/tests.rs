use super::*;

fn split(sql: &str, d: Dialect) -> Vec<(String, usize)> {
    split_statements(sql, d, 10).expect("splits").into_iter().map(|s| (s.sql, s.line)).collect()
}

fn texts(sql: &str, d: Dialect) -> Vec<String> {
    split(sql, d).into_iter().map(|(s, _)| s).collect()
}

#[test]
fn plain_statements_with_lines() {
    let sql = "CREATE TABLE a (id INT);\n\nINSERT INTO a VALUES (1);\n-- trailing comment\n";
    assert_eq!(
        split(sql, Dialect::Postgres),
        [("CREATE TABLE a (id INT)".into(), 10), ("INSERT INTO a VALUES (1)".into(), 12)]
    );
}

#[test]
fn semicolons_in_strings_and_comments_do_not_split() {
    let sql = "INSERT INTO t VALUES ('a;b', 'it''s;');\n-- a comment; with a semicolon\n/* block; comment */ SELECT \"odd;name\" FROM t;";
    let got = split(sql, Dialect::Sqlite);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "INSERT INTO t VALUES ('a;b', 'it''s;')");
    assert_eq!(got[1], ("SELECT \"odd;name\" FROM t".into(), 12), "comments before a statement are not part of it");
}

#[test]
fn a_statement_starts_at_its_first_token_not_at_the_comment_above() {
    let sql = "CREATE TABLE a (id INT);\n\n-- 6. Drop the old table\n-- (it is empty)\nDROP TABLE old;\n";
    assert_eq!(split(sql, Dialect::Sqlite)[1], ("DROP TABLE old".into(), 14));
    let block = "SELECT 1;\n/* a\n   block */\n  UPDATE t SET x = 1;";
    assert_eq!(split(block, Dialect::Postgres)[1], ("UPDATE t SET x = 1".into(), 13));
}

#[test]
fn statement_text_is_kept_as_written_up_to_its_terminator() {
    let sql = "CREATE INDEX ix_a\n    ON a (id)\n;\nSELECT 1 -- why\n;\nSELECT 2\n\n";
    assert_eq!(texts(sql, Dialect::Sqlite), ["CREATE INDEX ix_a\n    ON a (id)\n", "SELECT 1 -- why\n", "SELECT 2"]);
}

#[test]
fn postgres_dollar_quotes_and_nested_comments() {
    let sql = "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1; -- ;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y' $body$ LANGUAGE sql;\n/* outer /* inner; */ still; */ SELECT 1;";
    let got = split(sql, Dialect::Postgres);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].0.ends_with("$$ LANGUAGE plpgsql"));
    assert_eq!(got[1].1, 15);
    assert_eq!(got[2], ("SELECT 1".into(), 16));
}

#[test]
fn postgres_begin_atomic_bodies_stay_whole() {
    let sql = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT 2;\nEND;\nBEGIN;\nSELECT 3;\nCOMMIT;";
    let got = texts(sql, Dialect::Postgres);
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got[0].ends_with("SELECT 2;\nEND"), "{got:?}");
    assert_eq!(got[1..], ["BEGIN", "SELECT 3", "COMMIT"]);
}

#[test]
fn postgres_copy_from_stdin_takes_its_data_lines() {
    let sql = "CREATE TABLE t (a int, b text);\nCOPY public.t (a, b) FROM stdin;\n1\tx;y\n2\tit's\n\\.\nSELECT 1;\n";
    let got = split_statements(sql, Dialect::Postgres, 1).expect("splits");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1].sql, "COPY public.t (a, b) FROM stdin");
    assert_eq!(got[1].line, 2);
    assert_eq!(got[1].copy_data.as_deref(), Some("1\tx;y\n2\tit's\n"));
    assert_eq!((got[2].sql.as_str(), got[2].line, got[2].copy_data.is_none()), ("SELECT 1", 6, true));
    let csv = "COPY t FROM STDIN WITH (FORMAT csv);\n\\.\r\n";
    assert_eq!(split_statements(csv, Dialect::Postgres, 1).expect("splits")[0].copy_data.as_deref(), Some(""));
    assert_eq!(
        split_statements("COPY t FROM stdin;\n1\tx\n", Dialect::Postgres, 4),
        Err(SplitError::Unterminated { what: "COPY … FROM stdin data (a line `\\.` ends it)", line: 4 })
    );
    let to = split_statements("COPY t TO stdout;\nSELECT 1;", Dialect::Postgres, 1).expect("splits");
    assert!(to.iter().all(|s| s.copy_data.is_none()) && to.len() == 2);
}

#[test]
fn mysql_delimiter_and_backslash_escapes() {
    let sql = "INSERT INTO t VALUES ('a\\';b');\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND //\nDELIMITER ;\nCALL p();\n# hash comment; here\n";
    let got = split(sql, Dialect::MySql);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "INSERT INTO t VALUES ('a\\';b')");
    assert!(got[1].0.starts_with("CREATE PROCEDURE p()") && got[1].0.ends_with("END "), "{:?}", got[1]);
    assert_eq!(got[1].1, 12);
    assert_eq!(got[2], ("CALL p()".into(), 18));
}

#[test]
fn mysql_delimiter_after_a_comment_is_recognised() {
    let sql = "CREATE TABLE t(x int);\n-- triggers\n/* and procedures */\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1; SELECT 2;\nEND//\nDELIMITER ;\nCALL p();\n";
    let got = split(sql, Dialect::MySql);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[1], ("CREATE PROCEDURE p()\nBEGIN\n  SELECT 1; SELECT 2;\nEND".into(), 14));
    assert_eq!(got[2], ("CALL p()".into(), 19));
    let dollars = "DELIMITER $$\nCREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END$$\nDELIMITER ;\n";
    assert_eq!(texts(dollars, Dialect::MySql), ["CREATE FUNCTION f() RETURNS INT DETERMINISTIC BEGIN RETURN 1; END"]);
}

#[test]
fn mysql_executable_comments_are_statements() {
    let sql = "/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @OLD_FK=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n/* plain */;\nSELECT 1;";
    let got = split(sql, Dialect::MySql);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], ("/*!40101 SET NAMES utf8mb4 */".into(), 10));
    assert!(got[1].0.contains("FOREIGN_KEY_CHECKS=0"));
}

#[test]
fn mysql_compound_statements_stay_whole_without_delimiter() {
    for (name, body) in migrate_testkit::sql::MYSQL_COMPOUND {
        let sql = format!("CREATE TABLE t1 (a INT);\n{body};\nSET @after = 1;\n");
        let got = texts(&sql, Dialect::MySql);
        assert_eq!(got, ["CREATE TABLE t1 (a INT)", body, "SET @after = 1"], "{name}");
        let with_delimiter = format!("DELIMITER ;;\n{body};;\nDELIMITER ;\nSET @after = 1;\n");
        assert_eq!(texts(&with_delimiter, Dialect::MySql), [body, "SET @after = 1"], "{name} with DELIMITER");
    }
}

#[test]
fn mysql_statements_that_only_look_like_blocks_still_split() {
    let sql = "BEGIN;\nUPDATE t SET a = IF(a > 0, a, 0);\nSELECT CASE WHEN a THEN 1 END FROM t;\nDROP TABLE IF EXISTS x;\nSELECT REPEAT('a', 3);\nCOMMIT;";
    assert_eq!(texts(sql, Dialect::MySql).len(), 6);
}

#[test]
fn sqlite_trigger_bodies_stay_whole() {
    let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  UPDATE c SET n = CASE WHEN n > 0 THEN n ELSE 0 END;\nEND;\nSELECT 1;";
    let got = split(sql, Dialect::Sqlite);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].0.ends_with("END"));
    let temp = "CREATE TEMP TRIGGER IF NOT EXISTS t2 BEFORE DELETE ON a WHEN old.n > 0 BEGIN SELECT RAISE(ABORT, 'no;'); END;\nBEGIN;\nSELECT 1;\nCOMMIT;";
    assert_eq!(texts(temp, Dialect::Sqlite).len(), 4);
}

#[test]
fn unterminated_input_is_an_error_with_its_line() {
    assert_eq!(
        split_statements("SELECT 1;\nSELECT 'oops;\n", Dialect::Sqlite, 5),
        Err(SplitError::Unterminated { what: "a 'string'", line: 6 })
    );
    assert!(matches!(
        split_statements("SELECT $$ never closed", Dialect::Postgres, 1),
        Err(SplitError::Unterminated { .. })
    ));
    assert!(matches!(split_statements("/* open", Dialect::MySql, 1), Err(SplitError::Unterminated { .. })));
    assert!(matches!(split_statements("SELECT /*! open", Dialect::MySql, 1), Err(SplitError::Unterminated { .. })));
}

#[test]
fn comment_only_sections_have_no_statements() {
    assert!(split("-- nothing to do\n/* really */\n", Dialect::Postgres).is_empty());
    assert!(split("", Dialect::Sqlite).is_empty());
    assert!(split(";\n;", Dialect::MySql).is_empty());
}
