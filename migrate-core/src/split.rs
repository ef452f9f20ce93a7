//! Statement splitting with line numbers: one revision's SQL → the statements to send one at a
//! time, so a failure names its line.
//!
//! Knows quotes (`'…'`, `"…"`, `` `…` ``; backslash escapes in MySQL), comments (`--`, `#` in
//! MySQL, nested `/* */` in PostgreSQL), PostgreSQL dollar quoting (`$$…$$`, `$tag$…$tag$`),
//! MySQL `DELIMITER` lines, and `BEGIN … END` bodies of SQLite and MySQL triggers and routines.
//! It never changes the text of a statement.

use crate::dialect::Dialect;

/// One statement and the 1-based line of the file it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement, without its terminator, trimmed.
    pub sql: String,
    /// The line of the revision file where it starts.
    pub line: usize,
}

/// Why a section cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A quote, quoted identifier, comment or dollar quote is never closed.
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
/// [`SplitError::Unterminated`] for an unclosed quote, comment or dollar quote.
pub fn split_statements(sql: &str, dialect: Dialect, first_line: usize) -> Result<Vec<Statement>, SplitError> {
    let mut splitter = Splitter { src: sql, dialect, pos: 0, line: first_line, out: Vec::new(), delimiter: ";".into() };
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

    fn run(&mut self) -> Result<(), SplitError> {
        let mut start = self.pos;
        let mut start_line = self.line;
        let mut depth = 0usize; // BEGIN … END nesting inside a trigger or routine body
        let mut at_statement_start = true;
        while self.pos < self.src.len() {
            if at_statement_start && self.dialect == Dialect::MySql && self.delimiter_line() {
                start = self.pos;
                start_line = self.line;
                continue;
            }
            let rest = self.rest();
            if rest.starts_with(self.delimiter.as_str()) && depth == 0 {
                self.push(start, self.pos, start_line);
                self.advance(self.delimiter.len());
                start = self.pos;
                start_line = self.line;
                at_statement_start = true;
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            if self.src[start..self.pos].trim().is_empty() {
                start_line = self.line;
                start = self.pos;
            }
            let consumed = self.skip_token(&mut depth)?;
            if consumed == 0 {
                self.advance(c.len_utf8());
            }
            at_statement_start = c == '\n' && self.src[start..self.pos].trim().is_empty();
        }
        self.push(start, self.pos, start_line);
        Ok(())
    }

    /// A MySQL `DELIMITER x` line at the start of a statement: switch delimiters.
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

    fn push(&mut self, start: usize, end: usize, line: usize) {
        let text = self.src[start..end].trim();
        if !is_only_comments(text, self.dialect) {
            // Count the lines trimmed off the front.
            let lead = &self.src[start..end];
            let skipped = lead[..lead.len() - lead.trim_start().len()].matches('\n').count();
            self.out.push(Statement { sql: text.to_owned(), line: line + skipped });
        }
    }

    /// Skips one quoted string, comment, dollar quote or keyword at the cursor; returns the
    /// bytes consumed (0 when the cursor is on an ordinary character).
    fn skip_token(&mut self, depth: &mut usize) -> Result<usize, SplitError> {
        let rest = self.rest();
        let line = self.line;
        let unterminated = |what| SplitError::Unterminated { what, line };
        let n = if rest.starts_with("--") || (self.dialect == Dialect::MySql && rest.starts_with('#')) {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            block_comment_len(rest, self.dialect == Dialect::Postgres).ok_or(unterminated("a /* comment"))?
        } else if rest.starts_with('\'') {
            quoted_len(rest, '\'', self.dialect == Dialect::MySql).ok_or(unterminated("a 'string'"))?
        } else if rest.starts_with('"') {
            quoted_len(rest, '"', self.dialect == Dialect::MySql).ok_or(unterminated("a \"quoted identifier\""))?
        } else if rest.starts_with('`') && self.dialect != Dialect::Postgres {
            quoted_len(rest, '`', false).ok_or(unterminated("a `quoted identifier`"))?
        } else if rest.starts_with('$') && self.dialect == Dialect::Postgres {
            match dollar_tag(rest) {
                Some(tag) => {
                    rest[tag.len()..].find(tag).map(|i| i + 2 * tag.len()).ok_or(unterminated("a $$ dollar quote"))?
                }
                None => 0,
            }
        } else if let Some(word) = keyword_at(self.src, self.pos) {
            if self.dialect != Dialect::Postgres && self.delimiter == ";" {
                self.track_block(word, depth);
            }
            word.len()
        } else {
            0
        };
        self.advance(n);
        Ok(n)
    }

    /// `BEGIN … END` in a `CREATE TRIGGER` (SQLite, MySQL without DELIMITER) keeps `;` inside.
    fn track_block(&self, word: &str, depth: &mut usize) {
        let statement = &self.src[..self.pos];
        let in_trigger = statement.rsplit(';').next().is_some_and(|s| {
            let upper = s.to_ascii_uppercase();
            upper.contains("CREATE TRIGGER")
                || upper.contains("CREATE TEMP TRIGGER")
                || upper.contains("CREATE TEMPORARY TRIGGER")
        });
        let opens =
            (word.eq_ignore_ascii_case("BEGIN") && in_trigger) || (word.eq_ignore_ascii_case("CASE") && *depth > 0);
        if opens {
            *depth += 1;
        } else if word.eq_ignore_ascii_case("END") && *depth > 0 {
            *depth -= 1;
        }
    }
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

fn is_only_comments(text: &str, dialect: Dialect) -> bool {
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if rest.starts_with("--") || (dialect == Dialect::MySql && rest.starts_with('#')) {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if rest.starts_with("/*") {
            match block_comment_len(rest, dialect == Dialect::Postgres) {
                Some(n) => rest = &rest[n..],
                None => return false,
            }
        } else {
            return false;
        }
        rest = rest.trim_start();
    }
    true
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
