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

use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

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
/// The lexer's message when the text is not Rust tokens (an unclosed delimiter or string).
pub fn rust_checksum(text: &str) -> Result<Checksum, String> {
    let tokens = TokenStream::from_str(&text.replace("\r\n", "\n")).map_err(|e| e.to_string())?;
    let mut out = String::new();
    normalise_items(tokens, &mut out);
    Ok(Checksum::of_up_section(&out))
}

/// The file's top-level items: `use` items sorted and first, the rest in order.
fn normalise_items(tokens: TokenStream, out: &mut String) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut uses: Vec<String> = Vec::new();
    let mut rest: Vec<TokenTree> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let visibility = matches!(&tokens[i], TokenTree::Ident(id) if id == "pub");
        let at = i + usize::from(visibility);
        if matches!(tokens.get(at), Some(TokenTree::Ident(id)) if id == "use") {
            let end = tokens[at..]
                .iter()
                .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                .map_or(tokens.len(), |p| at + p + 1);
            let mut item = String::new();
            normalise_use(&tokens[i..end], &mut item);
            uses.push(item);
            i = end;
        } else {
            rest.push(tokens[i].clone());
            i += 1;
        }
    }
    uses.sort();
    uses.iter().for_each(|u| out.push_str(u));
    normalise(&rest, Delimiter::None, out);
}

/// A `use` item, the names of each `{…}` list sorted.
fn normalise_use(tokens: &[TokenTree], out: &mut String) {
    let is_list = |t: &TokenTree| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
    let mut run_start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if !is_list(t) {
            continue;
        }
        normalise(&tokens[run_start..i], Delimiter::None, out);
        run_start = i + 1;
        match t {
            TokenTree::Group(g) => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut names: Vec<String> = inner
                    .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                    .filter(|part| !part.is_empty())
                    .map(|part| {
                        let mut s = String::new();
                        normalise_use(part, &mut s);
                        s
                    })
                    .collect();
                names.sort();
                out.push_str(&format!("{{{}}} ", names.join(", ")));
            }
            _ => {}
        }
    }
    normalise(&tokens[run_start..], Delimiter::None, out);
}

/// Two characters that make one operator, written together whatever the layout.
const OPERATORS: &[&str] = &[
    "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>",
    "..", ".=",
];

/// Tokens as text, one space apart (none after a joint punctuation), without the commas
/// `rustfmt` adds or removes.
fn normalise(tokens: &[TokenTree], inside: Delimiter, out: &mut String) {
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                normalise(&inner, g.delimiter(), out);
                out.push_str(close);
                out.push(' ');
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {
                let last = i + 1 == tokens.len();
                let after_block = inside == Delimiter::Brace
                    && matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace);
                if !last && !after_block {
                    out.push_str(", ");
                }
            }
            TokenTree::Punct(p) => {
                out.push(p.as_char());
                // Joint only to the punctuation it makes one operator with (`->`, `::`): the
                // lexer also calls `:&` in `conn:&mut` joint.
                let joined = p.spacing() == Spacing::Joint
                    && matches!(tokens.get(i + 1), Some(TokenTree::Punct(next))
                        if OPERATORS.contains(&format!("{}{}", p.as_char(), next.as_char()).as_str()));
                if !joined {
                    out.push(' ');
                }
            }
            TokenTree::Ident(id) => {
                out.push_str(&id.to_string());
                out.push(' ');
            }
            TokenTree::Literal(l) => {
                out.push_str(&l.to_string());
                out.push(' ');
            }
        }
    }
}

/// The 1-based line of the first top-level `fn NAME` in `text`, if it has one (`async`, `pub`
/// or not): found among the tokens (not in a comment or string), its line by the text.
fn fn_line(text: &str, name: &str) -> Option<usize> {
    let tokens: Vec<TokenTree> = TokenStream::from_str(text).ok()?.into_iter().collect();
    let found = tokens.windows(2).any(|w| match w {
        [TokenTree::Ident(f), TokenTree::Ident(n)] => f == "fn" && n == name,
        _ => false,
    });
    let declares = |line: &str| {
        let code = line.split("//").next().unwrap_or_default();
        let words: Vec<&str> = code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        words.windows(2).any(|w| w == ["fn", name])
    };
    found.then(|| super::lines(text).find(|(_, line)| declares(line)).map_or(1, |(n, _)| n))
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
        let with_down = format!("{REVISION}\npub async fn down(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {{ Ok(()) }}\n");
        let r = crate::parse_revision("migrations/r2.rs", with_down.as_bytes()).expect("valid");
        assert_eq!(r.down.as_ref().map(|d| d.first_line), Some(26));
    }

    #[test]
    fn formatting_comments_and_line_endings_do_not_change_the_checksum() {
        let base = rust_checksum(REVISION).expect("lexes");
        // What rustfmt does to this file (run by hand: `rustfmt --edition 2021`), and more.
        let formatted = REVISION
            .replace("use sqlx::{Row, SqliteConnection};\nuse std::fmt::Write;", "use std::fmt::Write;\nuse sqlx::{SqliteConnection, Row};")
            .replace("Some((first, last)) => { set(conn, id, first, last).await?; }", "Some((first, last)) => {\n                set(conn, id, first, last).await?;\n            },")
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
        let diags = crate::parse_revision("m/r.rs", b"// revision: r\n// revises:\n// message: m\nfn up() { \"open\n").expect_err("lex");
        assert_eq!(diags[0].code, Code::NotRust);
    }
}
