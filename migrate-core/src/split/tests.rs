use super::*;

fn split(sql: &str, d: Dialect) -> Vec<(String, usize)> {
    split_statements(sql, d, 10).expect("splits").into_iter().map(|s| (s.sql, s.line)).collect()
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
    assert!(got[1].0.starts_with("-- a comment; with a semicolon\n/* block; comment */ SELECT"));
    assert_eq!(got[1].1, 11);
}

#[test]
fn postgres_dollar_quotes_and_nested_comments() {
    let sql = "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1; -- ;\nEND;\n$$ LANGUAGE plpgsql;\nCREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y' $body$ LANGUAGE sql;\n/* outer /* inner; */ still; */ SELECT 1;";
    let got = split(sql, Dialect::Postgres);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].0.ends_with("$$ LANGUAGE plpgsql"));
    assert_eq!(got[1].1, 15);
    assert!(got[2].0.ends_with("SELECT 1"));
}

#[test]
fn mysql_delimiter_and_backslash_escapes() {
    let sql = "INSERT INTO t VALUES ('a\\';b');\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND //\nDELIMITER ;\nCALL p();\n# hash comment; here\n";
    let got = split(sql, Dialect::MySql);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "INSERT INTO t VALUES ('a\\';b')");
    assert!(got[1].0.starts_with("CREATE PROCEDURE p()") && got[1].0.ends_with("END"), "{:?}", got[1]);
    assert_eq!(got[1].1, 12);
    assert_eq!(got[2], ("CALL p()".into(), 18));
}

#[test]
fn sqlite_trigger_bodies_stay_whole() {
    let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  UPDATE c SET n = CASE WHEN n > 0 THEN n ELSE 0 END;\nEND;\nSELECT 1;";
    let got = split(sql, Dialect::Sqlite);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].0.ends_with("END"));
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
}

#[test]
fn comment_only_sections_have_no_statements() {
    assert!(split("-- nothing to do\n/* really */\n", Dialect::Postgres).is_empty());
    assert!(split("", Dialect::Sqlite).is_empty());
}
