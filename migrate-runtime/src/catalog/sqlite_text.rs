//! What SQLite's pragmas do not say, read from the stored `CREATE` text: CHECK constraints,
//! generated columns' expressions, `AUTOINCREMENT`, constraint names, deferrable foreign keys,
//! an index's expression parts and `WHERE`, a view's query. A small tokenizer that respects
//! quotes (`'…'`, `"…"`, `` `…` ``, `[…]`) and comments, and balances parentheses; every text
//! returned is a slice of the stored text, trimmed (the server's own text, never re-printed).

/// One token: a word (a keyword or a bare name), a quoted text, or one punctuation character;
/// `start..end` in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Quoted,
    Punct(u8),
}

/// The tokens of `sql`, comments and whitespace left out. An unterminated quote or comment
/// runs to the end of the text.
fn tokenize(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let close = match c {
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            b'`' => Some(b'`'),
            b'[' => Some(b']'),
            _ => None,
        };
        if let Some(close) = close {
            i += 1;
            while i < b.len() {
                if b[i] == close {
                    // A doubled quote is one quote character (not for `[…]`).
                    if close != b']' && b.get(i + 1) == Some(&close) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            out.push(Token { kind: Kind::Quoted, start, end: i });
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80) {
                i += 1;
            }
            out.push(Token { kind: Kind::Word, start, end: i });
        } else {
            i += 1;
            out.push(Token { kind: Kind::Punct(c), start, end: i });
        }
    }
    out
}

/// A tokenized text.
struct Text<'a> {
    sql: &'a str,
    tokens: Vec<Token>,
}

impl<'a> Text<'a> {
    fn new(sql: &'a str) -> Self {
        Self { sql, tokens: tokenize(sql) }
    }

    fn is_word(&self, i: usize, word: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == Kind::Word && self.sql[t.start..t.end].eq_ignore_ascii_case(word))
    }

    fn is_punct(&self, i: usize, c: u8) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == Kind::Punct(c))
    }

    /// The index of the `)` closing the `(` at `open` (the last token when it is unbalanced).
    fn closing(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for (i, t) in self.tokens.iter().enumerate().skip(open) {
            match t.kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.tokens.len().saturating_sub(1)
    }

    /// The text strictly between tokens `open` and `close`, trimmed.
    fn inside(&self, open: usize, close: usize) -> String {
        match (self.tokens.get(open), self.tokens.get(close)) {
            (Some(o), Some(c)) if o.end <= c.start => self.sql[o.end..c.start].trim().to_owned(),
            _ => String::new(),
        }
    }

    /// The name token `i` spells, unquoted.
    fn name(&self, i: usize) -> Option<String> {
        self.tokens
            .get(i)
            .filter(|t| t.kind != Kind::Punct(b'(') && t.kind != Kind::Punct(b','))
            .map(|t| unquote(&self.sql[t.start..t.end]))
    }

    /// The items between the parentheses starting at token `open`, split on top-level commas,
    /// each as a token range.
    fn items(&self, open: usize) -> Vec<(usize, usize)> {
        let close = self.closing(open);
        let mut items = Vec::new();
        let (mut depth, mut from) = (0usize, open + 1);
        for i in open + 1..close {
            match self.tokens[i].kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth = depth.saturating_sub(1),
                Kind::Punct(b',') if depth == 0 => {
                    items.push((from, i));
                    from = i + 1;
                }
                _ => {}
            }
        }
        if from < close {
            items.push((from, close));
        }
        items
    }

    /// The first `(` token at or after `from`.
    fn next_open(&self, from: usize) -> Option<usize> {
        (from..self.tokens.len()).find(|&i| self.is_punct(i, b'('))
    }

    /// The names listed between the parentheses at `open`.
    fn names(&self, open: usize) -> Vec<String> {
        self.items(open).into_iter().filter_map(|(from, _)| self.name(from)).collect()
    }

    /// A `CONSTRAINT name` just before token `at`.
    fn constraint_name(&self, at: usize) -> Option<String> {
        (at >= 2 && self.is_word(at - 2, "CONSTRAINT")).then(|| self.name(at - 1)).flatten()
    }
}

/// `name` without its quotes (`"a""b"` → `a"b`, `[x]` → `x`); a bare name as is.
pub(super) fn unquote(name: &str) -> String {
    let b = name.as_bytes();
    match (b.first(), b.last()) {
        (Some(&q @ (b'"' | b'`' | b'\'')), Some(&l)) if l == q && name.len() >= 2 => {
            let q = q as char;
            name[1..name.len() - 1].replace(&format!("{q}{q}"), &q.to_string())
        }
        (Some(b'['), Some(b']')) if name.len() >= 2 => name[1..name.len() - 1].to_owned(),
        _ => name.to_owned(),
    }
}

/// A foreign key as written: name, columns, referenced table, `DEFERRABLE INITIALLY …` (or
/// `None`).
pub(super) type WrittenForeignKey = (Option<String>, Vec<String>, String, Option<String>);

/// What a `CREATE TABLE` text says that the pragmas do not.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct TableText {
    /// CHECK constraints: name (from `CONSTRAINT name`), expression inside the parentheses.
    pub checks: Vec<(Option<String>, String)>,
    /// Generated columns: column, expression, stored.
    pub generated: Vec<(String, String, bool)>,
    /// The column declared `AUTOINCREMENT`.
    pub autoincrement: Option<String>,
    /// Columns declared with `COLLATE name`: column, collation as written (unquoted).
    pub collations: Vec<(String, String)>,
    /// The primary key's `CONSTRAINT name`.
    pub primary_key_name: Option<String>,
    /// Named unique constraints: name, columns.
    pub uniques: Vec<(String, Vec<String>)>,
    /// Foreign keys, in the order written.
    pub foreign_keys: Vec<WrittenForeignKey>,
}

/// Reads a stored `CREATE TABLE` text (see [`TableText`]). A text without a column list (a
/// `CREATE TABLE … AS SELECT` is stored with one) reads empty.
pub(super) fn table_text(sql: &str) -> TableText {
    let text = Text::new(sql);
    let mut out = TableText::default();
    let Some(open) = text.next_open(0) else { return out };
    for (from, to) in text.items(open) {
        let column = if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].iter().any(|w| text.is_word(from, w)) {
            None
        } else {
            text.name(from)
        };
        let mut i = from;
        while i < to {
            if text.is_word(i, "CHECK") && text.is_punct(i + 1, b'(') {
                let close = text.closing(i + 1);
                out.checks.push((text.constraint_name(i), text.inside(i + 1, close)));
                i = close;
            } else if column.is_some() && text.is_word(i, "AS") && text.is_punct(i + 1, b'(') {
                let close = text.closing(i + 1);
                let stored = text.is_word(close + 1, "STORED");
                if let Some(column) = &column {
                    out.generated.push((column.clone(), text.inside(i + 1, close), stored));
                }
                i = close;
            } else if text.is_word(i, "AUTOINCREMENT") {
                out.autoincrement.clone_from(&column);
            } else if text.is_word(i, "COLLATE")
                && let (Some(column), Some(collation)) = (&column, text.name(i + 1))
            {
                out.collations.push((column.clone(), collation));
            } else if text.is_word(i, "PRIMARY") && text.is_word(i + 1, "KEY") {
                out.primary_key_name = out.primary_key_name.take().or_else(|| text.constraint_name(i));
            } else if text.is_word(i, "UNIQUE")
                && let Some(name) = text.constraint_name(i)
            {
                let columns = match (&column, text.is_punct(i + 1, b'(')) {
                    (None, true) => text.names(i + 1),
                    _ => column.iter().cloned().collect(),
                };
                out.uniques.push((name, columns));
            } else if text.is_word(i, "REFERENCES") {
                let columns = match (&column, text.is_word(from, "CONSTRAINT") || text.is_word(from, "FOREIGN")) {
                    (Some(c), _) => vec![c.clone()],
                    (None, _) => text.next_open(from).filter(|&o| o < i).map(|o| text.names(o)).unwrap_or_default(),
                };
                let name = (text.is_word(from, "CONSTRAINT")).then(|| text.name(from + 1)).flatten().or_else(|| {
                    // A column's `CONSTRAINT name REFERENCES …`.
                    text.constraint_name(i)
                });
                let deferrable = (i..to)
                    .find(|&k| text.is_word(k, "DEFERRABLE") && !text.is_word(k.wrapping_sub(1), "NOT"))
                    .map(|k| match text.is_word(k + 1, "INITIALLY") && text.is_word(k + 2, "DEFERRED") {
                        true => "DEFERRABLE INITIALLY DEFERRED".to_owned(),
                        false => "DEFERRABLE INITIALLY IMMEDIATE".to_owned(),
                    });
                out.foreign_keys.push((name, columns, text.name(i + 1).unwrap_or_default(), deferrable));
            }
            i += 1;
        }
    }
    out
}

/// An index's key parts and `WHERE` condition from its stored `CREATE INDEX` text: the parts
/// between the parentheses after `ON table`, split on top-level commas; the condition after
/// `WHERE`, trimmed (a final `;` left out).
pub(super) fn index_text(sql: &str) -> (Vec<String>, Option<String>) {
    let text = Text::new(sql);
    let Some(on) = (0..text.tokens.len()).find(|&i| text.is_word(i, "ON")) else { return (Vec::new(), None) };
    let Some(open) = text.next_open(on) else { return (Vec::new(), None) };
    let parts = text
        .items(open)
        .into_iter()
        .filter_map(|(from, to)| {
            let (first, last) = (text.tokens.get(from)?, text.tokens.get(to.checked_sub(1)?)?);
            Some(sql[first.start..last.end].trim().to_owned())
        })
        .collect();
    let close = text.closing(open);
    let predicate = text
        .is_word(close + 1, "WHERE")
        .then(|| text.tokens.get(close + 1))
        .flatten()
        .map(|t| sql[t.end..].trim().trim_end_matches(';').trim().to_owned());
    (parts, predicate)
}

/// A view's query: the stored text after its first top-level `AS`, trimmed.
pub(super) fn view_query(sql: &str) -> String {
    let text = Text::new(sql);
    let mut depth = 0usize;
    for (i, t) in text.tokens.iter().enumerate() {
        match t.kind {
            Kind::Punct(b'(') => depth += 1,
            Kind::Punct(b')') => depth = depth.saturating_sub(1),
            Kind::Word if depth == 0 && text.is_word(i, "AS") => {
                return sql[t.end..].trim().trim_end_matches(';').trim().to_owned();
            }
            _ => {}
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_respect_quotes_comments_and_nesting() {
        let sql = r#"CREATE TABLE "check (x)" (
            "check" INTEGER CHECK ("check" > 0), -- a CHECK (in a comment)
            [a check] TEXT CONSTRAINT short CHECK (length([a check]) < 10 AND ("check" IN (1, 2))),
            note TEXT DEFAULT 'CHECK (no)' /* CHECK (nope) */,
            CONSTRAINT "both ""ok""" CHECK ((("check")) <> length(note))
        )"#;
        let t = table_text(sql);
        assert_eq!(
            t.checks,
            [
                (None, r#""check" > 0"#.to_owned()),
                (Some("short".to_owned()), r#"length([a check]) < 10 AND ("check" IN (1, 2))"#.to_owned()),
                (Some(r#"both "ok""#.to_owned()), r#"(("check")) <> length(note)"#.to_owned()),
            ]
        );
    }

    #[test]
    fn generated_columns_autoincrement_and_names() {
        let sql = "CREATE TABLE t (id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT, a INT, \
                   b INT GENERATED ALWAYS AS (a * (a + 1)) STORED, c TEXT AS (upper('as (x)')), \
                   d INT CONSTRAINT one UNIQUE, e INT, CONSTRAINT de UNIQUE (e, \"a\"))";
        let t = table_text(sql);
        assert_eq!(
            t.generated,
            [("b".to_owned(), "a * (a + 1)".to_owned(), true), ("c".to_owned(), "upper('as (x)')".to_owned(), false)]
        );
        assert_eq!(t.autoincrement.as_deref(), Some("id"));
        assert_eq!(t.primary_key_name.as_deref(), Some("pk"));
        assert_eq!(
            t.uniques,
            [("one".to_owned(), vec!["d".to_owned()]), ("de".to_owned(), vec!["e".to_owned(), "a".to_owned()])]
        );
        assert!(t.checks.is_empty());
    }

    #[test]
    fn column_collations() {
        let t = table_text("CREATE TABLE t (a TEXT COLLATE NOCASE NOT NULL, \"b c\" TEXT COLLATE \"rtrim\", d TEXT)");
        assert_eq!(t.collations, [("a".to_owned(), "NOCASE".to_owned()), ("b c".to_owned(), "rtrim".to_owned())]);
    }

    #[test]
    fn foreign_keys_with_names_and_deferral() {
        let sql = "CREATE TABLE c (p INT REFERENCES parent ON DELETE CASCADE, q INT, r INT, \
                   CONSTRAINT fk_qr FOREIGN KEY (q, r) REFERENCES \"other\" (x, y) DEFERRABLE INITIALLY DEFERRED, \
                   FOREIGN KEY (r) REFERENCES parent (id) NOT DEFERRABLE)";
        let t = table_text(sql);
        assert_eq!(
            t.foreign_keys,
            [
                (None, vec!["p".to_owned()], "parent".to_owned(), None),
                (
                    Some("fk_qr".to_owned()),
                    vec!["q".to_owned(), "r".to_owned()],
                    "other".to_owned(),
                    Some("DEFERRABLE INITIALLY DEFERRED".to_owned())
                ),
                (None, vec!["r".to_owned()], "parent".to_owned(), None),
            ]
        );
    }

    #[test]
    fn index_parts_and_predicate() {
        let (parts, predicate) = index_text(
            "CREATE INDEX \"i on\" ON t (lower(name), substr(a, 1, 2) DESC, b COLLATE NOCASE) WHERE a > 0 AND b <> ')'",
        );
        assert_eq!(parts, ["lower(name)", "substr(a, 1, 2) DESC", "b COLLATE NOCASE"]);
        assert_eq!(predicate.as_deref(), Some("a > 0 AND b <> ')'"));
        assert_eq!(index_text("CREATE UNIQUE INDEX i ON t(a)"), (vec!["a".to_owned()], None));
    }

    #[test]
    fn view_query_after_the_top_level_as() {
        assert_eq!(view_query("CREATE VIEW \"as\" (x) AS SELECT a AS x FROM t"), "SELECT a AS x FROM t");
        assert_eq!(view_query("CREATE VIEW v as\n  select 1;"), "select 1");
    }

    #[test]
    fn names_unquote() {
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("[x y]"), "x y");
        assert_eq!(unquote("`z`"), "z");
        assert_eq!(unquote("plain"), "plain");
    }
}
