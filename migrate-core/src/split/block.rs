//! What the splitter knows about the statement it is in: its first words (a routine, a `COPY …
//! FROM stdin`) and the nesting of compound statements whose bodies keep their `;` inside.
//!
//! - SQLite: `CREATE TRIGGER … BEGIN … END` (`CASE … END` expressions inside).
//! - PostgreSQL: `CREATE FUNCTION|PROCEDURE … BEGIN ATOMIC … END` (PL/pgSQL bodies are dollar
//!   quoted and need nothing here).
//! - MySQL/MariaDB with the `;` delimiter: the compound-statement grammar of triggers,
//!   procedures, functions and events, and of MariaDB's statements outside programs (`BEGIN NOT
//!   ATOMIC`, a top-level `IF`): `BEGIN … END`, `IF … END IF`, `CASE … END CASE` (and `CASE …
//!   END` expressions), `LOOP … END LOOP`, `WHILE … DO … END WHILE`, `REPEAT … UNTIL … END
//!   REPEAT`, labels (`lbl: LOOP … END LOOP lbl`), handlers (`DECLARE … HANDLER FOR … BEGIN …
//!   END`). `IF` and `REPEAT` open a block only where a statement can start and when they are not
//!   the functions `IF(a, b, c)` and `REPEAT(s, n)`.

use crate::dialect::Dialect;

/// Words that close one level after `END`.
const END_KINDS: [&str; 5] = ["IF", "CASE", "LOOP", "WHILE", "REPEAT"];
/// Words after which a statement of a compound body may start.
const BEFORE_STATEMENT: [&str; 13] = [
    "BEGIN",
    "THEN",
    "ELSE",
    "DO",
    "LOOP",
    "REPEAT",
    "ROW",
    "DETERMINISTIC",
    "SQL",
    "DATA",
    "INVOKER",
    "DEFINER",
    "ATOMIC",
];

/// The state of one statement.
#[derive(Debug)]
pub(super) struct Block {
    dialect: Dialect,
    /// Words seen so far.
    words: usize,
    /// The first word is `CREATE` / `COPY`.
    create: bool,
    copy: bool,
    /// A `CREATE TRIGGER|PROCEDURE|FUNCTION|EVENT` statement.
    routine: bool,
    /// `CREATE` of something else (a table, view, index …): no routine.
    other_object: bool,
    /// The previous word was `FROM` (in a `COPY`).
    after_from: bool,
    /// `COPY … FROM STDIN`.
    copy_from_stdin: bool,
    /// Open compound statements.
    depth: usize,
    /// A statement of a compound body may start at the next token.
    statement_may_start: bool,
}

impl Block {
    pub(super) fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            words: 0,
            create: false,
            copy: false,
            routine: false,
            other_object: false,
            after_from: false,
            copy_from_stdin: false,
            depth: 0,
            statement_may_start: true,
        }
    }

    /// Open compound statements: the delimiter ends nothing while this is above zero.
    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    /// `true` for `COPY … FROM STDIN`, whose data lines follow its terminator.
    pub(super) fn is_copy_from_stdin(&self) -> bool {
        self.copy_from_stdin
    }

    /// A string or quoted identifier was passed.
    pub(super) fn literal(&mut self) {
        // `COMMENT 'text'` may stand between a routine's header and its body.
        self.statement_may_start = self.routine && self.depth == 0;
    }

    /// One character that is not part of a word, a quote or a comment.
    pub(super) fn punctuation(&mut self, c: char, src: &str, pos: usize) {
        self.statement_may_start = match c {
            ';' => true,                             // inside a body (the delimiter itself never gets here at depth 0)
            ')' => true,                             // a routine's parameter list, or a condition, ends
            ':' => !src[pos + 1..].starts_with('='), // a label, not `:=`
            _ => false,
        };
    }

    /// The word `word`, which ends at `after` in `src`. Returns how many more bytes it takes
    /// (the `IF` of `END IF`). `tracked` is false under a `DELIMITER` other than `;`.
    pub(super) fn word(&mut self, word: &str, src: &str, after: usize, tracked: bool) -> usize {
        let upper = word.to_ascii_uppercase();
        let index = self.words;
        self.words += 1;
        self.classify(&upper, index);
        let may_start = std::mem::replace(&mut self.statement_may_start, BEFORE_STATEMENT.contains(&upper.as_str()));
        if !tracked {
            return 0;
        }
        match self.dialect {
            Dialect::MySql => self.mysql(&upper, src, after, may_start),
            Dialect::Sqlite if self.routine => {
                self.nest(&upper, upper == "BEGIN");
                0
            }
            Dialect::Postgres if self.routine => {
                let opens = upper == "BEGIN" && next_word(src, after).is_some_and(|w| w.eq_ignore_ascii_case("ATOMIC"));
                self.nest(&upper, opens);
                0
            }
            _ => 0,
        }
    }

    /// The statement's kind, from its first words.
    fn classify(&mut self, upper: &str, index: usize) {
        if index == 0 {
            self.create = upper == "CREATE";
            self.copy = upper == "COPY";
        } else if self.create && index < 8 && !self.routine && !self.other_object {
            match upper {
                "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT" => self.routine = true,
                "TABLE" | "VIEW" | "INDEX" | "DATABASE" | "SCHEMA" | "SEQUENCE" | "TYPE" | "USER" | "ROLE" => {
                    self.other_object = true;
                }
                _ => {}
            }
        }
        if self.copy {
            self.copy_from_stdin |= self.after_from && upper == "STDIN";
            self.after_from = upper == "FROM";
        }
    }

    /// SQLite and PostgreSQL: `opens` opens a level; `CASE` opens one inside a body; `END`
    /// closes one.
    fn nest(&mut self, upper: &str, opens: bool) {
        if opens || (upper == "CASE" && self.depth > 0) {
            self.depth += 1;
        } else if upper == "END" && self.depth > 0 {
            self.depth -= 1;
        }
    }

    fn mysql(&mut self, upper: &str, src: &str, after: usize, may_start: bool) -> usize {
        let opens = match upper {
            "BEGIN" => {
                self.depth > 0 || self.routine || next_word(src, after).is_some_and(|w| w.eq_ignore_ascii_case("NOT"))
            }
            "CASE" => self.depth > 0 || may_start,
            "LOOP" | "WHILE" => may_start,
            "IF" | "REPEAT" => may_start && !is_function_call(src, after),
            "END" if self.depth > 0 => {
                self.depth -= 1;
                self.statement_may_start = false;
                return match next_word_at(src, after) {
                    Some((end, w)) if END_KINDS.iter().any(|k| w.eq_ignore_ascii_case(k)) => end - after,
                    _ => 0,
                };
            }
            _ => false,
        };
        if opens {
            self.depth += 1;
        } else if upper == "REPEAT" {
            self.statement_may_start = false; // the function, not the loop
        }
        0
    }
}

/// The next word after `from`, skipping white space and comments.
fn next_word(src: &str, from: usize) -> Option<&str> {
    next_word_at(src, from).map(|(_, w)| w)
}

/// The next word after `from` and the offset where it ends, skipping white space and comments.
fn next_word_at(src: &str, from: usize) -> Option<(usize, &str)> {
    let mut at = from;
    loop {
        let rest = &src[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("--") || trimmed.starts_with('#') {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") && !trimmed.starts_with("/*!") {
            at += trimmed.find("*/").map_or(trimmed.len(), |i| i + 2);
        } else {
            break;
        }
    }
    let rest = &src[at..];
    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (len > 0 && rest.as_bytes()[0].is_ascii_alphabetic()).then(|| (at + len, &rest[..len]))
}

/// `true` when `(` follows `after` and the parenthesised group holds a top-level comma: the
/// functions `IF(cond, a, b)` and `REPEAT(s, n)`, not a condition `IF (a > b) THEN`.
fn is_function_call(src: &str, after: usize) -> bool {
    let rest = src[after..].trim_start();
    if !rest.starts_with('(') {
        return false;
    }
    let b = rest.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            b',' if depth == 1 => return true,
            b';' => return false,
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}
