//! Statement splitting with line numbers: one revision's SQL → the statements to send one at a
//! time, so a failure names its line.
//!
//! Knows quotes (`'…'`, `"…"`, `` `…` ``; backslash escapes in MySQL), comments (`--`, `#` in
//! MySQL, nested `/* */` in PostgreSQL; MySQL's executable `/*! … */` comments are code),
//! PostgreSQL dollar quoting (`$$…$$`, `$tag$…$tag$`), `COPY … FROM stdin` with its data lines
//! up to `\.`, MySQL `DELIMITER` lines (also after comments), and the bodies of compound
//! statements that keep their `;` inside (`block.rs`): SQLite's `CREATE TRIGGER … BEGIN … END`,
//! MySQL/MariaDB triggers, procedures, functions and events (`BEGIN … END`, `IF … END IF`,
//! `CASE`, `LOOP`, `WHILE`, `REPEAT`, labels, handlers) and `BEGIN NOT ATOMIC`, PostgreSQL's
//! `BEGIN ATOMIC … END`.
//!
//! A statement's text is the file's own text, from its first token (comments before it belong
//! to no statement) up to its terminator, trailing white space included: what a database stores
//! as a schema object's text is what the native client would have stored. Its line is the line
//! of that first token.

mod block;

use crate::dialect::Dialect;
use block::Block;

/// One statement and the 1-based line of the file it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement as written, from its first token to its terminator (not included).
    pub sql: String,
    /// The line of the revision file where its first token is.
    pub line: usize,
    /// For `COPY … FROM stdin`: the data lines after it, each ending in `\n`, without the
    /// closing `\.` line. The runner sends them through the driver's COPY protocol.
    pub copy_data: Option<String>,
}

impl Statement {
    /// `true` for a `COPY … FROM stdin` statement (its data is in `copy_data`).
    pub fn is_copy_in(&self) -> bool {
        self.copy_data.is_some()
    }
}

/// Why a section cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A quote, quoted identifier, comment, dollar quote or COPY data is never closed.
    #[error("line {line}: {what} opened here is never closed")]
    Unterminated {
        /// What is open.
        what: &'static str,
        /// Where it opens (line of the file).
        line: usize,
    },
}

/// Splits `sql` (a section starting at line `first_line` of its file) into statements.
///
/// # Errors
/// [`SplitError::Unterminated`] for an unclosed quote, comment, dollar quote, or `COPY … FROM
/// stdin` data without its `\.` line.
pub fn split_statements(sql: &str, dialect: Dialect, first_line: usize) -> Result<Vec<Statement>, SplitError> {
    let mut splitter = Splitter {
        src: sql,
        dialect,
        pos: 0,
        line: first_line,
        out: Vec::new(),
        delimiter: ";".into(),
        start: None,
        block: Block::new(dialect),
    };
    splitter.run()?;
    Ok(splitter.out)
}

struct Splitter<'a> {
    src: &'a str,
    dialect: Dialect,
    pos: usize,
    line: usize,
    out: Vec<Statement>,
    delimiter: String,
    /// Byte offset and line of the current statement's first token; `None` while only white
    /// space and comments have been seen since the last statement.
    start: Option<(usize, usize)>,
    /// The current statement's words and compound-statement nesting.
    block: Block,
}

impl Splitter<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    /// Moves past `n` bytes, counting line breaks.
    fn advance(&mut self, n: usize) {
        self.line += self.src[self.pos..self.pos + n].matches('\n').count();
        self.pos += n;
    }

    fn at_line_start(&self) -> bool {
        self.pos == 0 || self.src.as_bytes()[self.pos - 1] == b'\n'
    }

    fn run(&mut self) -> Result<(), SplitError> {
        while self.pos < self.src.len() {
            if self.start.is_none() && self.dialect == Dialect::MySql && self.at_line_start() && self.delimiter_line() {
                continue;
            }
            let rest = self.rest();
            if self.block.depth() == 0 && rest.starts_with(self.delimiter.as_str()) {
                let end = self.pos;
                self.advance(self.delimiter.len());
                self.finish(end, true)?;
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                self.advance(c.len_utf8());
                continue;
            }
            if let Some(n) = self.comment_len()? {
                self.advance(n);
                continue;
            }
            if self.start.is_none() {
                self.start = Some((self.pos, self.line));
            }
            self.token(c)?;
        }
        self.finish(self.src.len(), false)
    }

    /// Ends the current statement at `end` (a terminator was just passed when `terminated`).
    /// A `COPY … FROM stdin` statement takes the data lines that follow it.
    fn finish(&mut self, end: usize, terminated: bool) -> Result<(), SplitError> {
        let block = std::mem::replace(&mut self.block, Block::new(self.dialect));
        let Some((start, line)) = self.start.take() else { return Ok(()) };
        let text = &self.src[start..end];
        let sql = if terminated { text } else { text.trim_end() };
        let copy_data = if block.is_copy_from_stdin() && terminated { Some(self.copy_data(line)?) } else { None };
        self.out.push(Statement { sql: sql.to_owned(), line, copy_data });
        Ok(())
    }

    /// The data lines after `COPY … FROM stdin;`, from the next line up to a line `\.`; the
    /// cursor moves past that line.
    fn copy_data(&mut self, line: usize) -> Result<String, SplitError> {
        let rest = self.rest();
        let first = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let mut at = first;
        loop {
            let end = rest[at..].find('\n').map_or(rest.len(), |i| at + i + 1);
            if at >= rest.len() {
                return Err(SplitError::Unterminated { what: "COPY … FROM stdin data (a line `\\.` ends it)", line });
            }
            if rest[at..end].trim_end_matches(['\n', '\r']) == "\\." {
                let data = rest[first..at].to_owned();
                self.advance(end);
                return Ok(data);
            }
            at = end;
        }
    }

    /// A MySQL `DELIMITER x` line where a statement may start: switch delimiters.
    fn delimiter_line(&mut self) -> bool {
        let rest = self.rest();
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = rest[..line_end].trim();
        if !line.get(..10).is_some_and(|w| w.eq_ignore_ascii_case("delimiter ")) {
            return false;
        }
        let new = line[10..].trim();
        if new.is_empty() {
            return false;
        }
        self.delimiter = new.to_owned();
        self.advance(line_end);
        true
    }

    /// The length of a comment at the cursor (`None` when there is none). MySQL's executable
    /// comments (`/*!…*/`, `/*M!…*/`) are code, not comments.
    fn comment_len(&self) -> Result<Option<usize>, SplitError> {
        let rest = self.rest();
        if rest.starts_with("--") || (self.dialect == Dialect::MySql && rest.starts_with('#')) {
            return Ok(Some(rest.find('\n').unwrap_or(rest.len())));
        }
        if rest.starts_with("/*") && !(self.dialect == Dialect::MySql && is_executable_comment(rest)) {
            let n = block_comment_len(rest, self.dialect == Dialect::Postgres)
                .ok_or(SplitError::Unterminated { what: "a /* comment", line: self.line })?;
            return Ok(Some(n));
        }
        Ok(None)
    }

    /// Moves past one token of the statement: a quoted string, a dollar quote, an executable
    /// comment, a word (which may open or close a compound statement) or one character.
    fn token(&mut self, c: char) -> Result<(), SplitError> {
        let rest = self.rest();
        let line = self.line;
        let unterminated = |what| SplitError::Unterminated { what, line };
        let mysql = self.dialect == Dialect::MySql;
        let n = match c {
            '\'' => quoted_len(rest, '\'', mysql).ok_or(unterminated("a 'string'"))?,
            '"' => quoted_len(rest, '"', mysql).ok_or(unterminated("a \"quoted identifier\""))?,
            '`' if self.dialect != Dialect::Postgres => {
                quoted_len(rest, '`', false).ok_or(unterminated("a `quoted identifier`"))?
            }
            '$' if self.dialect == Dialect::Postgres => match dollar_tag(rest) {
                Some(tag) => {
                    rest[tag.len()..].find(tag).map(|i| i + 2 * tag.len()).ok_or(unterminated("a $$ dollar quote"))?
                }
                None => 1,
            },
            '/' if rest.starts_with("/*") => block_comment_len(rest, false).ok_or(unterminated("a /* comment"))?,
            _ => match keyword_at(self.src, self.pos) {
                Some(word) => {
                    let tracked = self.delimiter == ";";
                    let extra = self.block.word(word, self.src, self.pos + word.len(), tracked);
                    word.len() + extra
                }
                None => {
                    self.block.punctuation(c, self.src, self.pos);
                    c.len_utf8()
                }
            },
        };
        if matches!(c, '\'' | '"' | '`') {
            self.block.literal();
        }
        self.advance(n);
        Ok(())
    }
}

/// `/*!` or `/*M!`: a MySQL/MariaDB comment whose content the server runs.
fn is_executable_comment(s: &str) -> bool {
    s.starts_with("/*!") || s.starts_with("/*M!")
}

/// The identifier-like word starting at `pos`, if `pos` starts a word.
fn keyword_at(src: &str, pos: usize) -> Option<&str> {
    let before = src[..pos].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let rest = &src[pos..];
    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (len > 0 && rest.as_bytes()[0].is_ascii_alphabetic()).then(|| &rest[..len])
}

/// Length of a `/* … */` comment at the start of `s` (nested when `nested`).
fn block_comment_len(s: &str, nested: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i..].starts_with(b"/*") && (depth == 0 || nested) {
            depth += 1;
            i += 2;
        } else if b[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Length of a quoted string starting at `s` with `quote`; a doubled quote is an escaped
/// quote, and so is a backslash-escaped one when `backslash`.
fn quoted_len(s: &str, quote: char, backslash: bool) -> Option<usize> {
    let b = s.as_bytes();
    let q = quote as u8;
    let mut i = 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
        } else if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The `$tag$` opening a PostgreSQL dollar quote at the start of `s`.
fn dollar_tag(s: &str) -> Option<&str> {
    let end = s[1..].find('$')? + 1;
    let tag = &s[1..end];
    let valid = tag.chars().enumerate().all(|(i, c)| c == '_' || c.is_alphabetic() || (i > 0 && c.is_ascii_digit()));
    valid.then(|| &s[..=end])
}

#[cfg(test)]
mod tests;
