//! Rust revisions: a `.rs` file in the migrations folder with the header of a SQL revision in
//! `//` comments, then `async fn up(…)` and optionally `async fn down(…)`, which only the
//! application that embeds the folder compiles and runs. Read here without compiling, so
//! `heads`, `history`, `check` and `merge` treat them like SQL revisions.
//!
//! The checksum is SHA-256 of the file's normalised token stream: comments and white space are
//! not tokens, line endings are normalised first, and what `rustfmt` changes besides white space
//! is normalised too (a trailing comma before a closing delimiter — except the comma of a
//! one-element tuple, `(x,)`, which is code — the comma after a block in a `match`, the order
//! of `use` items and of the names in a `use` list). A code edit changes it;
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
    // Each open delimiter: its kind, its index and the commas seen directly inside it so far.
    let mut enclosing: Vec<(TokenKind, usize, usize)> = Vec::new();
    for (k, t) in rest.iter().enumerate() {
        if is_open(t) {
            enclosing.push((t.kind, k, 0));
        } else if is_close(t) {
            enclosing.pop();
        }
        if t.kind == TokenKind::Comma {
            let top = enclosing.last().copied();
            let before_close = rest.get(k + 1).is_some_and(is_close);
            // `(x,)` is a one-element tuple, `(x)` is `x`: that comma is code, not layout.
            let one_tuple = matches!(top, Some((TokenKind::OpenParen, open, 0)) if tuple_position(&rest, open));
            let after_block = top.is_some_and(|(kind, ..)| kind == TokenKind::OpenBrace)
                && k > 0
                && rest[k - 1].kind == TokenKind::CloseBrace;
            if let Some(top) = enclosing.last_mut() {
                top.2 += 1;
            }
            if (before_close && !one_tuple) || after_block {
                continue;
            }
        }
        out.push_str(t.text);
        out.push(' ');
    }
    Ok(out)
}

/// Whether the `(` at `open` starts a tuple (expression, pattern or type) rather than the
/// arguments of a call, a tuple struct or a macro: it does not follow a name, `>` (of a
/// generic; `->` starts a type), `)`, `]` or `!`.
fn tuple_position(tokens: &[Tok<'_>], open: usize) -> bool {
    const KEYWORDS: [&str; 14] =
        ["let", "return", "in", "match", "if", "while", "for", "break", "mut", "ref", "move", "else", "yield", "as"];
    let Some(before) = open.checked_sub(1).map(|i| tokens[i]) else { return true };
    match before.kind {
        TokenKind::Ident | TokenKind::RawIdent => KEYWORDS.contains(&before.text),
        TokenKind::CloseParen | TokenKind::CloseBracket | TokenKind::Bang => false,
        TokenKind::Gt => open >= 2 && tokens[open - 2].kind == TokenKind::Minus,
        _ => true,
    }
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

/// The 1-based line of the first `fn NAME` among the `tokens` of `text`, if it has one
/// (`async`, `pub` or not).
fn fn_line(text: &str, tokens: &[Tok<'_>], name: &str) -> Option<usize> {
    let at = tokens.windows(2).find(|w| w[0].text == "fn" && w[1].text == name)?;
    Some(1 + text[..at[1].offset].matches('\n').count())
}

/// What is wrong with the shape of the first `fn NAME` among `tokens`: it must be `async`, take
/// one parameter (the connection) and return something (a `Result`). Types are the compiler's
/// to check; `None` when the shape is right or there is no such function.
fn signature_problem(tokens: &[Tok<'_>], name: &str) -> Option<&'static str> {
    let at = tokens.windows(2).position(|w| w[0].text == "fn" && w[1].text == name)?;
    // `async` is among the qualifiers just before `fn` (`pub async fn`, `pub(crate) async fn`).
    let qualifiers = tokens[..at].iter().rev().take_while(|t| {
        matches!(t.text, "pub" | "crate" | "super" | "in" | "self" | "(" | ")" | "async" | "unsafe" | "const")
    });
    if !qualifiers.clone().any(|t| t.text == "async") {
        return Some("is not `async`");
    }
    // Skip generics, then count the parameters at the top level of `( … )`.
    let mut i = at + 2;
    if tokens.get(i).is_some_and(|t| t.text == "<") {
        let mut depth = 0usize;
        while let Some(t) = tokens.get(i) {
            match t.text {
                "<" => depth += 1,
                ">" => depth -= 1,
                _ => {}
            }
            i += 1;
            if depth == 0 {
                break;
            }
        }
    }
    if tokens.get(i).is_none_or(|t| t.text != "(") {
        return None;
    }
    let (mut depth, mut commas, mut empty, mut trailing) = (0usize, 0usize, true, false);
    i += 1;
    while let Some(t) = tokens.get(i) {
        let arrow = t.text == ">" && tokens[i - 1].text == "-";
        match t.text {
            _ if arrow => {}
            "(" | "[" | "{" | "<" => depth += 1,
            ")" if depth == 0 => break,
            ")" | "]" | "}" | ">" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                commas += 1;
                trailing = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        empty = false;
        trailing = false;
        i += 1;
    }
    let params = if empty { 0 } else { commas + 1 - usize::from(trailing) };
    if params != 1 {
        return Some("does not take exactly one parameter (the connection)");
    }
    // `-` then `>` after the closing parenthesis.
    let returns = tokens.get(i + 1).is_some_and(|t| t.text == "-") && tokens.get(i + 2).is_some_and(|t| t.text == ">");
    (!returns).then_some("returns nothing (it must return a `Result`)")
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
        // Lexed once for the functions (a file that does not lex has none: `not-rust` said why).
        let lexed = tokens(text).unwrap_or_default();
        let up = fn_line(text, &lexed, "up");
        if up.is_none() {
            self.error(
                Code::MissingUp,
                "the Rust revision has no `fn up`".into(),
                Some(end.clone()),
                "the header ends here",
                "add `pub async fn up(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error>` (the connection of the application's database) after the header",
            );
        }
        for name in ["up", "down"] {
            let (Some(problem), Some(line)) = (signature_problem(&lexed, name), fn_line(text, &lexed, name)) else {
                continue;
            };
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            self.error(
                Code::RustSignature,
                format!("the Rust revision's `fn {name}` {problem}"),
                Some(Span::whole_line(line, line_text)),
                "declared here",
                &format!(
                    "write `pub async fn {name}(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error>` (the connection of the application's database; an error type that converts into a boxed error)"
                ),
            );
        }
        let first_line = code_line.or(up).unwrap_or(1);
        let sections = Sections {
            up_seen: true,
            up: Section { sql: String::new(), first_line },
            down: fn_line(text, &lexed, "down").map(|line| Section { sql: String::new(), first_line: line }),
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
    fn a_one_element_tuple_keeps_its_comma() {
        let sum = |code: &str| rust_checksum(code).expect("lexes");
        // Layout: rustfmt adds or removes these.
        assert_eq!(
            sum("fn f() { g(a, b,); h(x,); S(x,); m!(x,); v[0](x,); [1, 2,]; }"),
            sum("fn f() { g(a, b); h(x); S(x); m!(x); v[0](x); [1, 2]; }")
        );
        assert_eq!(sum("fn f() -> (u8, u16,) { (1, 2,) }"), sum("fn f() -> (u8, u16) { (1, 2) }"));
        // Code: a one-element tuple is not its element.
        for (tuple, value) in [
            ("fn f() { let t = (x,); }", "fn f() { let t = (x); }"),
            ("fn f() -> (u8,) { (1,) }", "fn f() -> (u8) { (1) }"),
            ("fn f() { let (a,) = g(); }", "fn f() { let (a) = g(); }"),
            ("fn f() { h((x,)); }", "fn f() { h((x)); }"),
            ("fn f() { return (x,); }", "fn f() { return (x); }"),
        ] {
            assert_ne!(sum(tuple), sum(value), "{tuple}");
        }
    }

    #[test]
    fn a_function_of_the_wrong_shape_is_named_with_its_line() {
        let header = "// revision: r\n// revises:\n// message: m\n";
        let problem = |code: &str| {
            let text = format!("{header}{code}");
            let diags = crate::parse_revision("m/r.rs", text.as_bytes()).err().unwrap_or_default();
            diags
                .iter()
                .map(|d| (d.code, d.message.clone(), d.labels[0].span.as_ref().map(|s| s.line)))
                .collect::<Vec<_>>()
        };
        let fine = [
            "pub async fn up(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> { Ok(()) }",
            "pub(crate) async fn up<D: Db>(db: &mut D,) -> Result<(), BoxError> { Ok(()) }",
            "async fn up(db: &mut impl Db) -> R { f(|x: Box<dyn Fn(u8) -> u8>, y| x(y)) }",
        ];
        for code in fine {
            assert!(problem(code).is_empty(), "{code}: {:?}", problem(code));
        }
        let wrong = [
            ("pub fn up(conn: &mut C) -> Result<(), E> { Ok(()) }", "`fn up` is not `async`"),
            ("pub async fn up() -> Result<(), E> { Ok(()) }", "`fn up` does not take exactly one parameter"),
            ("pub async fn up(a: &mut C, b: u8) -> Result<(), E> { Ok(()) }", "does not take exactly one"),
            ("pub async fn up(conn: &mut C) { }", "`fn up` returns nothing"),
            (
                "pub async fn up(c: &mut C) -> R { Ok(()) }\nfn down(c: &mut C) -> R { Ok(()) }",
                "`fn down` is not `async`",
            ),
        ];
        for (code, said) in wrong {
            let found = problem(code);
            assert_eq!(found.len(), 1, "{code}: {found:?}");
            assert_eq!(found[0].0, Code::RustSignature, "{code}");
            assert!(found[0].1.contains(said), "{code}: {}", found[0].1);
            assert_eq!(found[0].2, Some(4 + code.matches('\n').count()), "{code}: the function's line");
        }
    }

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
