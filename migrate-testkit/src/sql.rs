//! SQL that real projects write and that the statement splitter must keep whole: shared by the
//! splitter's unit tests and the database tests that run it on the real server.

/// MySQL's and MariaDB's compound statements, without `DELIMITER`: each body stays whole.
/// The splitter's unit tests split each one; `tests/tests/e2e/real_sql.rs` runs each on MariaDB,
/// with and without `DELIMITER`. Each creates one object, named in its first line, on a table
/// `t (a INT, b VARCHAR(10))`.
pub const MYSQL_COMPOUND: [(&str, &str); 14] = [
    (
        "if_elseif_else",
        "CREATE TRIGGER trg_if BEFORE INSERT ON t FOR EACH ROW BEGIN\n  IF NEW.a > 10 THEN\n    SET NEW.b = 'big';\n  ELSEIF NEW.a > 5 THEN\n    SET NEW.b = 'mid';\n  ELSE\n    SET NEW.b = IF(NEW.a = 0, 'zero', 'small');\n  END IF;\n  SET @b = 2;\nEND",
    ),
    (
        "trigger_body_is_a_bare_if",
        "CREATE TRIGGER trg_bare BEFORE UPDATE ON t FOR EACH ROW IF NEW.a < 0 THEN SET NEW.a = 0; END IF",
    ),
    (
        "case_statement_and_expression",
        "CREATE PROCEDURE p_case(IN x INT, OUT y VARCHAR(10))\nBEGIN\n  CASE x\n    WHEN 1 THEN SET y = 'one';\n    WHEN 2 THEN SET y = CASE WHEN x > 1 THEN 'two' ELSE 'no' END;\n    ELSE BEGIN SET y = 'many'; END;\n  END CASE;\nEND",
    ),
    (
        "loop_leave_iterate",
        "CREATE PROCEDURE p_loop()\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  counting: LOOP\n    SET i = i + 1;\n    IF i < 3 THEN ITERATE counting; END IF;\n    LEAVE counting;\n  END LOOP counting;\nEND",
    ),
    (
        "while_do",
        "CREATE PROCEDURE p_while()\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < 3 DO\n    SET i = i + 1;\n  END WHILE;\nEND",
    ),
    (
        "repeat_until_and_repeat_function",
        "CREATE FUNCTION f_repeat(n INT) RETURNS VARCHAR(100) DETERMINISTIC\nBEGIN\n  DECLARE s VARCHAR(100) DEFAULT '';\n  REPEAT\n    SET s = CONCAT(s, REPEAT('x', 2));\n    SET n = n - 1;\n  UNTIL n <= 0 END REPEAT;\n  RETURN s;\nEND",
    ),
    (
        "nested_labelled_blocks",
        "CREATE PROCEDURE p_nested()\nouter_block: BEGIN\n  inner_block: BEGIN\n    SELECT 1;\n    LEAVE inner_block;\n  END inner_block;\n  SELECT 2;\nEND outer_block",
    ),
    (
        "declare_handler",
        "CREATE PROCEDURE p_handler()\nBEGIN\n  DECLARE done INT DEFAULT 0;\n  DECLARE CONTINUE HANDLER FOR SQLSTATE '02000' SET done = 1;\n  DECLARE EXIT HANDLER FOR SQLEXCEPTION\n  BEGIN\n    ROLLBACK;\n    RESIGNAL;\n  END;\n  SELECT 1;\nEND",
    ),
    (
        "cursor",
        "CREATE PROCEDURE p_cursor(OUT total INT)\nBEGIN\n  DECLARE done INT DEFAULT FALSE;\n  DECLARE v INT;\n  DECLARE cur CURSOR FOR SELECT a FROM t;\n  DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;\n  SET total = 0;\n  OPEN cur;\n  read_loop: LOOP\n    FETCH cur INTO v;\n    IF done THEN\n      LEAVE read_loop;\n    END IF;\n    SET total = total + v;\n  END LOOP;\n  CLOSE cur;\nEND",
    ),
    (
        "if_condition_in_parentheses",
        "CREATE PROCEDURE p_paren(IN x INT)\nBEGIN\n  IF (x > 0) THEN\n    SELECT 'positive';\n  ELSE IF (x < 0) THEN SELECT 'negative'; ELSE SELECT 'zero'; END IF;\n  END IF;\nEND",
    ),
    (
        "function_with_characteristics",
        "CREATE DEFINER = CURRENT_USER FUNCTION f_char(x INT) RETURNS INT\n  DETERMINISTIC\n  COMMENT 'doubles; safely'\nBEGIN\n  DECLARE y INT;\n  SET y := IF(x IS NULL, 0, x * 2);\n  RETURN y;\nEND",
    ),
    (
        "event",
        "CREATE EVENT ev_tidy ON SCHEDULE EVERY 1 DAY DISABLE DO BEGIN\n  DELETE FROM t WHERE a < 0;\n  DELETE FROM t WHERE a > 1000;\nEND",
    ),
    ("begin_not_atomic", "BEGIN NOT ATOMIC\n  DECLARE x INT DEFAULT 1;\n  IF x = 1 THEN SELECT 1; END IF;\nEND"),
    (
        "if_not_exists_is_no_block",
        "CREATE PROCEDURE IF NOT EXISTS p_ine()\nBEGIN\n  DROP TABLE IF EXISTS scratch;\n  CREATE TABLE IF NOT EXISTS scratch (a INT);\nEND",
    ),
];
