//! Rust revisions: a `.rs` file in the migrations folder with the header of a SQL revision in
//! `//` comments, then `async fn up(…)` and optionally `async fn down(…)`, which only the
//! application that embeds the folder compiles and runs. Read here without compiling, so
//! `heads`, `history`, `check` and `merge` treat them like SQL revisions.
//!
//! The checksum is SHA-256 of the file's normalised token stream: comments and white space are
//! not tokens, line endings are normalised first, and what `rustfmt` changes besides white space
//! is normalised too (a trailing comma before a closing delimiter, the comma after a block in a
//! `match`, the order of `use` items and of the names in a `use` list). A code edit changes it;
//! formatting, comments and the header do not.

use ra_ap_rustc_lexer::{FrontmatterAllowed, LiteralKind, TokenKind, tokenize};

use super::{Fields, Parser, Sections};
use crate::checksum::Checksum;
use crate::diagnostic::{Code, Span};
use crate::revision::{Revision, Section};

/// `true` for a path whose file is a Rust revision (`.rs`).
pub fn is_rust_file(path: &str) -> bool {
    path.ends_with(".rs")
}

/// The checksum of a Rust revision's text (see the module's documentation).
///
/// # Errors
/// What does not lex: an unterminated string, character or block comment, an unbalanced
/// delimiter.
pub fn rust_checksum(text: &str) -> Result<Checksum, String> {
    Ok(Checksum::of_up_section(&normalise(&text.replace("\r\n", "\n"))?))
}

/// One token that counts: white space and comments other than doc comments are left out.
#[derive(Clone, Copy)]
struct Tok<'a> {
    kind: TokenKind,
    text: &'a str,
    offset: usize,
}

/// The tokens of `text` that count, checked to be terminated and balanced. The lexer is
/// rust-analyzer's copy of rustc's (`ra-ap-rustc_lexer`): it needs no compiler, so it also
/// runs on the worker threads that read a folder inside `embed_migrations!`.
fn tokens(text: &str) -> Result<Vec<Tok<'_>>, String> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open: Vec<char> = Vec::new();
    for t in tokenize(text, FrontmatterAllowed::No) {
        let piece = &text[offset..offset + t.len as usize];
        let line = 1 + text[..offset].matches('\n').count();
        let unterminated = match t.kind {
            TokenKind::BlockComment { terminated, .. } => !terminated,
            TokenKind::Literal { kind, .. } => match kind {
                LiteralKind::Str { terminated }
                | LiteralKind::ByteStr { terminated }
                | LiteralKind::CStr { terminated }
                | LiteralKind::Char { terminated }
                | LiteralKind::Byte { terminated } => !terminated,
                LiteralKind::RawStr { n_hashes }
                | LiteralKind::RawByteStr { n_hashes }
                | LiteralKind::RawCStr { n_hashes } => n_hashes.is_none(),
                _ => false,
            },
            _ => false,
        };
        if unterminated {
            return Err(format!("line {line}: `{}` is never closed", piece.chars().take(12).collect::<String>()));
        }
        match t.kind {
            TokenKind::OpenParen => open.push(')'),
            TokenKind::OpenBracket => open.push(']'),
            TokenKind::OpenBrace => open.push('}'),
            TokenKind::CloseParen | TokenKind::CloseBracket | TokenKind::CloseBrace
                if open.pop() != piece.chars().next() =>
            {
                return Err(format!("line {line}: `{piece}` closes nothing open"));
            }
            _ => {}
        }
        let counts = match t.kind {
            TokenKind::Whitespace => false,
            TokenKind::LineComment { doc_style } | TokenKind::BlockComment { doc_style, .. } => doc_style.is_some(),
            _ => true,
        };
        if counts {
            out.push(Tok { kind: t.kind, text: piece.trim_end(), offset });
        }
        offset += t.len as usize;
    }
    match open.last() {
        Some(close) => Err(format!("a `{close}` is missing at the end of the file")),
        None => Ok(out),
    }
}

fn is_open(t: &Tok<'_>) -> bool {
    matches!(t.kind, TokenKind::OpenParen | TokenKind::OpenBracket | TokenKind::OpenBrace)
}

fn is_close(t: &Tok<'_>) -> bool {
    matches!(t.kind, TokenKind::CloseParen | TokenKind::CloseBracket | TokenKind::CloseBrace)
}

/// The tokens one space apart, the file's `use` items sorted and first, without the commas
/// `rustfmt` adds or removes.
fn normalise(text: &str) -> Result<String, String> {
    let tokens = tokens(text)?;
    let mut uses: Vec<String> = Vec::new();
    let mut rest: Vec<Tok<'_>> = Vec::new();
    let (mut i, mut depth) = (0, 0usize);
    while i < tokens.len() {
        let starts_use = depth == 0
            && (tokens[i].text == "use"
                || (tokens[i].text == "pub" && tokens.get(i + 1).is_some_and(|t| t.text == "use")));
        if starts_use {
            let end = tokens[i..].iter().position(|t| t.kind == TokenKind::Semi).map_or(tokens.len(), |p| i + p + 1);
            uses.push(use_item(&tokens[i..end]));
            i = end;
            continue;
        }
        if is_open(&tokens[i]) {
            depth += 1;
        } else if is_close(&tokens[i]) {
            depth = depth.saturating_sub(1);
        }
        rest.push(tokens[i]);
        i += 1;
    }
    uses.sort();
    let mut out = uses.join(" ");
    out.push(' ');
    let mut enclosing: Vec<TokenKind> = Vec::new();
    for (k, t) in rest.iter().enumerate() {
        if is_open(t) {
            enclosing.push(t.kind);
        } else if is_close(t) {
            enclosing.pop();
        }
        if t.kind == TokenKind::Comma {
            let before_close = rest.get(k + 1).is_some_and(is_close);
            let after_block =
                enclosing.last() == Some(&TokenKind::OpenBrace) && k > 0 && rest[k - 1].kind == TokenKind::CloseBrace;
            if before_close || after_block {
                continue;
            }
        }
        out.push_str(t.text);
        out.push(' ');
    }
    Ok(out)
}

/// A `use` item, the names of each `{…}` list sorted.
fn use_item(tokens: &[Tok<'_>]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != TokenKind::OpenBrace {
            out.push(tokens[i].text.to_owned());
            i += 1;
            continue;
        }
        let mut depth = 0;
        let close = (i..tokens.len())
            .find(|&k| {
                depth += i32::from(is_open(&tokens[k])) - i32::from(is_close(&tokens[k]));
                depth == 0
            })
            .unwrap_or(tokens.len() - 1);
        let inner = &tokens[i + 1..close];
        let mut names: Vec<String> = Vec::new();
        let (mut start, mut level) = (0, 0);
        for (k, t) in inner.iter().enumerate() {
            level += i32::from(is_open(t)) - i32::from(is_close(t));
            if t.kind == TokenKind::Comma && level == 0 {
                names.push(use_item(&inner[start..k]));
                start = k + 1;
            }
        }
        names.push(use_item(&inner[start..]));
        names.retain(|n| !n.is_empty());
        names.sort();
        out.push(format!("{{ {} }}", names.join(" , ")));
        i = close + 1;
    }
    out.join(" ")
}

/// The 1-based line of the first `fn NAME` in `text`, if it has one (`async`, `pub` or not).
fn fn_line(text: &str, name: &str) -> Option<usize> {
    let tokens = tokens(text).ok()?;
    let at = tokens.windows(2).find(|w| w[0].text == "fn" && w[1].text == name)?;
    Some(1 + text[..at[1].offset].matches('\n').count())
}

impl Parser<'_> {
    /// A Rust revision: the header is the leading `// key: value` lines (blank lines allowed);
    /// the first other line starts the code, which must have a top-level `fn up`.
    pub(super) fn parse_rust(&mut self, text: &str) -> Option<Revision> {
        let mut fields: Fields<'_> = [const { None }; 7];
        let mut code_line = None;
        let mut last = None;
        for (n, line) in super::lines(text) {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            match trimmed.strip_prefix("//") {
                Some(comment) if !comment.starts_with(['/', '!']) => {
                    last = Some((n, line));
                    self.header_line(n, line, comment, &mut fields);
                }
                _ => {
                    code_line = Some(n);
                    break;
                }
            }
        }
        let end = last.map_or_else(|| Span::whole_line(1, ""), |(n, line)| Span::whole_line(n, line));
        let checksum = match rust_checksum(text) {
            Ok(c) => c,
            Err(e) => {
                self.error(
                    Code::NotRust,
                    format!("the Rust revision does not lex as Rust: {e}"),
                    None,
                    "",
                    "close the delimiter or string literal; `cargo build` shows where",
                );
                Checksum::of_up_section(text)
            }
        };
        let up = fn_line(text, "up");
        if up.is_none() {
            self.error(
                Code::MissingUp,
                "the Rust revision has no `fn up`".into(),
                Some(end.clone()),
                "the header ends here",
                "add `pub async fn up(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error>` (the connection of the application's database) after the header",
            );
        }
        let first_line = code_line.or(up).unwrap_or(1);
        let sections = Sections {
            up_seen: true,
            up: Section { sql: String::new(), first_line },
            down: fn_line(text, "down").map(|line| Section { sql: String::new(), first_line: line }),
            variants: Vec::new(),
        };
        self.build(fields, Some(sections), (end, "the header ends here"), Some(checksum))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REVISION: &str = "// revision: r2
// revises: r1
// message: split names

use sqlx::{Row, SqliteConnection};
use std::fmt::Write;

/// Splits `name`.
pub async fn up(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(\"SELECT id, name FROM users\").fetch_all(&mut *conn).await?;
    for row in rows {
        let (id, name): (i64, String) = (row.get(0), row.get(1));
        match name.split_once(' ') {
            Some((first, last)) => { set(conn, id, first, last).await?; }
            None => set(conn, id, &name, \"\").await?,
        }
    }
    Ok(())
}

async fn set(conn: &mut SqliteConnection, id: i64, first: &str, last: &str) -> Result<(), sqlx::Error> {
    sqlx::query(\"UPDATE users SET first_name = ?, last_name = ? WHERE id = ?\").bind(first).bind(last).bind(id).execute(conn).await?;
    Ok(())
}
";

    #[test]
    fn a_rust_revision_is_read_without_compiling() {
        let r = crate::parse_revision("migrations/r2.rs", REVISION.as_bytes()).expect("valid");
        assert!(r.is_rust());
        assert_eq!((r.id.as_str(), r.message.as_str()), ("r2", "split names"));
        assert_eq!(r.up.first_line, 5, "the code starts after the header");
        assert!(r.down.is_none(), "no fn down: irreversible");
        let with_down = format!(
            "{REVISION}\npub async fn down(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {{ Ok(()) }}\n"
        );
        let r = crate::parse_revision("migrations/r2.rs", with_down.as_bytes()).expect("valid");
        assert_eq!(r.down.as_ref().map(|d| d.first_line), Some(26));
        // Its checksum is the same on every dialect (what the token stream gave).
        for d in crate::Dialect::ALL {
            assert_eq!(r.on_dialect(d).checksum, r.checksum, "{d}");
        }
    }

    #[test]
    fn formatting_comments_and_line_endings_do_not_change_the_checksum() {
        let base = rust_checksum(REVISION).expect("lexes");
        // What rustfmt does to this file (run by hand: `rustfmt --edition 2021`), and more.
        let formatted = REVISION
            .replace(
                "use sqlx::{Row, SqliteConnection};\nuse std::fmt::Write;",
                "use std::fmt::Write;\nuse sqlx::{SqliteConnection, Row};",
            )
            .replace(
                "Some((first, last)) => { set(conn, id, first, last).await?; }",
                "Some((first, last)) => {\n                set(conn, id, first, last).await?;\n            },",
            )
            .replace("None => set(conn, id, &name, \"\").await?,", "None => set(conn, id, &name, \"\").await?")
            .replace(".bind(id).execute(conn)", ".bind(id)\n        .execute(conn,)")
            .replace("// message: split names", "// message: split names into two")
            .replace("    Ok(())\n}\n\nasync", "    // done\n    Ok(())\n}\n\nasync");
        assert_ne!(formatted, REVISION);
        assert_eq!(rust_checksum(&formatted).expect("lexes"), base);
        assert_eq!(rust_checksum(&REVISION.replace('\n', "\r\n")).expect("lexes"), base, "CRLF");
        let edited = REVISION.replace("WHERE id = ?", "WHERE id = ? AND name IS NOT NULL");
        assert_ne!(rust_checksum(&edited).expect("lexes"), base, "a code edit changes it");
    }

    #[test]
    fn a_rust_revision_without_up_or_with_a_bad_header_is_refused() {
        let diags = crate::parse_revision("m/r.rs", b"// revision: r\n// revises:\n// message: m\n\nfn other() {}\n")
            .expect_err("no up");
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::MissingUp]);
        let diags = crate::parse_revision("m/r.rs", b"// revision: r\n// a free comment\n// message: m\nfn up() {}\n")
            .expect_err("bad header");
        let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::MalformedHeaderLine) && codes.contains(&Code::MissingKey), "{codes:?}");
        let diags = crate::parse_revision("m/r.rs", b"// revision: r\n// revises:\n// message: m\nfn up() { \"open\n")
            .expect_err("lex");
        assert_eq!(diags[0].code, Code::NotRust);
    }
}
