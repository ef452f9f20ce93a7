//! `&[u8]` → [`Revision`]: the revision file format, pure, with spans for every header field.
//!
//! This is the only parser of revision files; the CLI, the macro and the tests all call it.
//! It reports every problem it finds in a file, not just the first. It does no I/O and knows
//! nothing of other revisions (graph rules live in `graph::check`).

use crate::checksum::Checksum;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::dialect::Dialect;
use crate::id::RevisionId;
use crate::revision::{Revision, RevisionKind, Section, SourceInfo, Variant};

/// Every header key, in the order files are written.
pub const HEADER_KEYS: &[&str] =
    &["revision", "revises", "message", "created", "branch-labels", "depends-on", "transaction"];

const UP_MARKER: &str = "up";
const DOWN_MARKER: &str = "down";

/// The header fields found, indexed like [`HEADER_KEYS`].
type Fields<'a> = [Option<Field<'a>>; 7];

/// The index of `key` in [`HEADER_KEYS`] (callers pass known keys only).
fn slot(key: &str) -> usize {
    HEADER_KEYS.iter().position(|k| *k == key).unwrap_or(0)
}

/// One `-- key: value` line as found.
struct Field<'a> {
    value: &'a str,
    span: Span,
}

/// The state of a parse: the diagnostics so far and the file's display path.
struct Parser<'a> {
    path: &'a str,
    diagnostics: Vec<Diagnostic>,
}

/// Parses one revision file.
///
/// `path` is only used in diagnostics; `bytes` is the whole file. A UTF-8 byte order mark and
/// CRLF line endings are accepted.
///
/// # Errors
/// Every problem found in the file, each with its line: not UTF-8, a NUL byte, text before the
/// header, a malformed, unknown or repeated header line, a missing required key, an invalid
/// value, a missing, repeated or unknown `-- migrate:` marker, an empty up section.
pub fn parse_revision(path: &str, bytes: &[u8]) -> Result<Revision, Vec<Diagnostic>> {
    let mut p = Parser { path, diagnostics: Vec::new() };
    let text = p.decode(bytes).ok_or_else(|| std::mem::take(&mut p.diagnostics))?;
    let revision = if is_rust_file(path) { p.parse_rust(text) } else { p.parse_text(text) };
    match revision {
        Some(r) if p.diagnostics.is_empty() => Ok(r),
        _ => Err(p.diagnostics),
    }
}

mod rust;

pub use rust::is_rust_file;

/// Splits a file into `(1-based line number, line without its line ending)`.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').enumerate().map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
}

/// The word after `-- migrate:` on a marker line, if this is one.
fn marker(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("--")?.trim_start();
    rest.strip_prefix("migrate:").map(str::trim)
}

/// A marker's words: `up`/`down` and the dialect after it, if any (`down mysql`).
fn marker_parts(word: &str) -> (&str, Option<&str>) {
    match word.split_once(char::is_whitespace) {
        Some((direction, dialect)) => (direction, Some(dialect.trim())),
        None => (word, None),
    }
}

/// The three sections being collected: which one a line goes to.
#[derive(Clone, Copy)]
enum Into {
    Up,
    Down,
    Variant(usize),
}

/// The sections of a file after its header.
struct Sections {
    /// Whether the unmarked `-- migrate:up` was seen (a file may start with a marked one).
    up_seen: bool,
    up: Section,
    down: Option<Section>,
    variants: Vec<Variant>,
}

/// The byte range of `part` inside `whole` (`part` must be a subslice of `whole`).
fn offset_in(whole: &str, part: &str) -> std::ops::Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

impl<'a> Parser<'a> {
    /// The comment that starts a header line: `--` (SQL), `//` (a Rust revision).
    fn comment(&self) -> &'static str {
        if rust::is_rust_file(self.path) { "//" } else { "--" }
    }

    /// Where comments that are not header lines go.
    fn after_header(&self) -> &'static str {
        if rust::is_rust_file(self.path) { "after the header" } else { "after `-- migrate:up`" }
    }

    fn error(&mut self, code: Code, message: String, span: Option<Span>, label: &str, help: &str) {
        self.diagnostics.push(Diagnostic::error(code, message).with_label(self.path, span, label).with_help(help));
    }

    /// Checks the encoding and strips a byte order mark.
    fn decode<'b>(&mut self, bytes: &'b [u8]) -> Option<&'b str> {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
                let msg = if utf16 {
                    "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8".to_owned()
                } else {
                    format!("the file is not valid UTF-8 (byte {} on line {line})", e.valid_up_to())
                };
                let span = Some(Span { line, start: 0, end: 0, line_text: String::new() });
                let help = if utf16 {
                    "save the file as UTF-8 (with or without a byte order mark)"
                } else {
                    "save the file as UTF-8; binary data in a string literal (as in MySQL's sakila-data.sql) cannot be sent as SQL text: write it as a hex literal (X'89504E47…' or 0x89504E47…), or load it outside migrations"
                };
                self.error(Code::NotUtf8, msg, span, "", help);
                return None;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some(pos) = text.find('\0') {
            let line = 1 + text[..pos].matches('\n').count();
            let span = Some(Span { line, start: 0, end: 0, line_text: String::new() });
            let msg = format!("the file contains a NUL byte on line {line}");
            self.error(Code::NulByte, msg, span, "", "remove the NUL byte: revision files are plain SQL text");
            return None;
        }
        Some(text)
    }

    fn parse_text(&mut self, text: &str) -> Option<Revision> {
        let mut fields: Fields<'_> = [const { None }; 7];
        let mut body = lines(text);
        let mut up_line = None;
        let mut reported_text = false;
        let mut last = None;
        for (n, line) in body.by_ref() {
            if !line.trim().is_empty() {
                last = Some((n, line));
            }
            if let Some(word) = marker(line) {
                if marker_parts(word).0 == UP_MARKER {
                    up_line = Some((n, line, word));
                    break;
                }
                self.misplaced_marker(n, line, word, "before `-- migrate:up`");
                reported_text = true; // the section's SQL follows; one error is enough
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            match trimmed.strip_prefix("--") {
                Some(comment) => self.header_line(n, line, comment, &mut fields),
                None if !reported_text => {
                    reported_text = true;
                    self.error(
                        Code::TextBeforeHeader,
                        "text before the header".into(),
                        Some(Span::whole_line(n, line)),
                        "only `-- key: value` comments may come before `-- migrate:up`",
                        "a revision file starts with its header comments (`-- revision: …`), then a `-- migrate:up` line, then the SQL",
                    );
                }
                None => {}
            }
        }
        // Where the header ends: the `-- migrate:up` line, else the file's last non-blank line.
        let end = last.map_or_else(|| Span::whole_line(1, ""), |(n, line)| Span::whole_line(n, line));
        let end_label = if up_line.is_some() { "the header ends here" } else { "the file ends here" };
        let sections = up_line.map(|first| self.sections(first, body));
        self.build(fields, sections, (end, end_label), None)
    }

    /// Reads one header comment (`comment` is the line after its `--`).
    fn header_line<'t>(&mut self, n: usize, line: &'t str, comment: &'t str, fields: &mut Fields<'t>) {
        let Some((key, value)) = comment.split_once(':') else {
            return self.malformed(n, line);
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return self.malformed(n, line);
        }
        let value = value.trim();
        let range = offset_in(line, value);
        let span = Span { line: n, start: range.start, end: range.end, line_text: line.to_owned() };
        let Some(index) = HEADER_KEYS.iter().position(|k| *k == key) else {
            let key_span = offset_in(line, key);
            let span = Span { line: n, start: key_span.start, end: key_span.end, line_text: line.to_owned() };
            return self.error(
                Code::UnknownKey,
                format!("unknown header key `{key}`"),
                Some(span),
                "not a header key",
                &format!("the header keys are: {}; put other comments {}", HEADER_KEYS.join(", "), self.after_header()),
            );
        };
        if let Some(first) = &fields[index] {
            let msg = format!("header key `{key}` is given twice (first on line {})", first.span.line);
            return self.error(Code::RepeatedKey, msg, Some(span), "given again here", "keep one line per header key");
        }
        fields[index] = Some(Field { value, span });
    }

    fn malformed(&mut self, n: usize, line: &str) {
        let (c, after) = (self.comment(), self.after_header());
        self.error(
            Code::MalformedHeaderLine,
            format!("header comment is not `{c} key: value`"),
            Some(Span::whole_line(n, line)),
            &format!("expected `{c} key: value`"),
            &format!("header lines are `{c} key: value`; put other comments {after}"),
        );
    }

    fn misplaced_marker(&mut self, n: usize, line: &str, word: &str, place: &str) {
        let span = Some(Span::whole_line(n, line));
        match marker_parts(word) {
            (DOWN_MARKER, _) if place.starts_with("before") => self.error(
                Code::DownBeforeUp,
                format!("`-- migrate:{word}` comes before `-- migrate:up`"),
                span,
                "down section starts here",
                "put the up section first, then `-- migrate:down`",
            ),
            (UP_MARKER | DOWN_MARKER, _) => self.error(
                Code::RepeatedSection,
                format!("`-- migrate:{word}` appears more than once"),
                span,
                "repeated marker",
                "a revision file has one `-- migrate:up` and at most one `-- migrate:down`, and at most one of each per dialect (`-- migrate:down mysql`)",
            ),
            _ => self.error(
                Code::UnknownSection,
                format!("unknown section marker `-- migrate:{word}` {place}"),
                span,
                "not `up` or `down`",
                "the section markers are `-- migrate:up` and `-- migrate:down`, optionally for one dialect: `-- migrate:down mysql`",
            ),
        }
    }

    /// The dialect a marker names, reporting an unknown one; `Ok(None)` for an unmarked one.
    fn marker_dialect(&mut self, n: usize, line: &str, word: &str) -> Result<Option<Dialect>, ()> {
        let Some(name) = marker_parts(word).1 else { return Ok(None) };
        match Dialect::from_name(name) {
            Some(d) => Ok(Some(d)),
            None => {
                self.error(
                    Code::UnknownSection,
                    format!("unknown dialect `{name}` in `-- migrate:{word}`"),
                    Some(Span::whole_line(n, line)),
                    "not a dialect",
                    "a section may be marked for one dialect: postgres, mysql or sqlite (`-- migrate:down mysql`); unmarked sections serve the others",
                );
                Err(())
            }
        }
    }

    /// Collects the sections after the header, which ends at the first up marker (`first`:
    /// its line number, line and word). Unmarked `-- migrate:up`/`down` and per-dialect
    /// `-- migrate:up DIALECT`/`down DIALECT`, each at most once, in any order after the first.
    fn sections<'t>(
        &mut self,
        (up_line, line, word): (usize, &str, &str),
        body: impl Iterator<Item = (usize, &'t str)>,
    ) -> Sections {
        let mut out = Sections {
            up_seen: false,
            up: Section { sql: String::new(), first_line: up_line + 1 },
            down: None,
            variants: Vec::new(),
        };
        let mut into = self.open_section(&mut out, up_line, line, word).unwrap_or(Into::Up);
        let mut skipping = false;
        for (n, line) in body {
            if let Some(word) = marker(line) {
                match self.open_section(&mut out, n, line, word) {
                    Some(next) => (into, skipping) = (next, false),
                    None => skipping = true, // reported; its SQL belongs nowhere
                }
                continue;
            }
            if skipping {
                continue;
            }
            let section = match into {
                Into::Up => &mut out.up,
                Into::Down => out.down.as_mut().unwrap_or(&mut out.up),
                Into::Variant(i) => &mut out.variants[i].section,
            };
            section.sql.push_str(line);
            section.sql.push('\n');
        }
        out
    }

    /// Starts the section a marker line opens; `None` (reported) for a repeated or unknown one.
    fn open_section(&mut self, out: &mut Sections, n: usize, line: &str, word: &str) -> Option<Into> {
        let (direction, _) = marker_parts(word);
        if direction != UP_MARKER && direction != DOWN_MARKER {
            self.misplaced_marker(n, line, word, "in the SQL");
            return None;
        }
        let up = direction == UP_MARKER;
        let dialect = self.marker_dialect(n, line, word).ok()?;
        let section = Section { sql: String::new(), first_line: n + 1 };
        match dialect {
            None if up && !out.up_seen => {
                (out.up_seen, out.up) = (true, section);
                Some(Into::Up)
            }
            None if !up && out.down.is_none() => {
                out.down = Some(section);
                Some(Into::Down)
            }
            Some(dialect) if !out.variants.iter().any(|v| v.dialect == dialect && v.up == up) => {
                out.variants.push(Variant { dialect, up, section });
                Some(Into::Variant(out.variants.len() - 1))
            }
            _ => {
                self.misplaced_marker(n, line, word, "in the SQL");
                None
            }
        }
    }

    /// Checks required keys and values and assembles the revision.
    fn build(
        &mut self,
        mut fields: Fields<'_>,
        sections: Option<Sections>,
        (end, end_label): (Span, &str),
        rust: Option<Checksum>,
    ) -> Option<Revision> {
        let missing: Vec<&str> =
            ["revision", "revises", "message"].into_iter().filter(|k| fields[slot(k)].is_none()).collect();
        for key in &missing {
            let c = self.comment();
            let help = match *key {
                "revises" => {
                    format!("add `{c} revises:` with the parent ids, comma separated (empty for the first revision)")
                }
                _ => format!("add a `{c} {key}: …` line to the header"),
            };
            let message = format!("the header has no `{key}:` line");
            self.error(Code::MissingKey, message, Some(end.clone()), &format!("{end_label} without it"), &help);
        }
        if sections.is_none() && rust.is_none() {
            self.error(
                Code::MissingUp,
                "the file has no `-- migrate:up` line".into(),
                Some(end.clone()),
                end_label,
                "add a line `-- migrate:up` after the header, followed by the SQL that applies this revision",
            );
        }
        let id_span = fields[slot("revision")].as_ref().map(|f| f.span.clone());
        let id = fields[slot("revision")].take().and_then(|f| self.id_value(&f, "revision"));
        let (parents, parent_spans) =
            fields[slot("revises")].as_ref().map(|f| self.id_list(f, "revises")).unwrap_or_default();
        let (depends_on, depends_on_spans) =
            fields[slot("depends-on")].as_ref().map(|f| self.id_list(f, "depends-on")).unwrap_or_default();
        let (branch_labels, branch_label_spans) =
            fields[slot("branch-labels")].as_ref().map(|f| self.label_list(f)).unwrap_or_default();
        let message = fields[slot("message")].as_ref().map(|f| self.message_value(f));
        let created = fields[slot("created")].as_ref().and_then(|f| self.created_value(f));
        let transactional = fields[slot("transaction")].as_ref().is_none_or(|f| self.bool_value(f));
        let Sections { up, down, variants, .. } = sections?;
        if rust.is_none() && up.sql.trim().is_empty() && parents.len() < 2 && !variants.iter().any(|v| v.up) {
            self.error(
                Code::EmptyUp,
                "the up section is empty".into(),
                Some(Span { line: up.first_line - 1, start: 0, end: 13, line_text: "-- migrate:up".into() }),
                "nothing follows this marker",
                "write the SQL under `-- migrate:up`; a comment is enough for a revision that deliberately does nothing",
            );
        }
        let revises_span = fields[slot("revises")].as_ref()?.span.clone();
        let id = id?;
        let checksum = rust.unwrap_or_else(|| Checksum::of_up_section(&up.sql));
        let file_name = self.path.rsplit(['/', '\\']).next().unwrap_or(self.path).to_owned();
        Some(Revision {
            id,
            parents,
            depends_on,
            branch_labels,
            message: message?,
            created,
            transactional,
            kind: if rust.is_some() { RevisionKind::Rust } else { RevisionKind::Sql },
            up,
            down,
            variants,
            checksum,
            source: SourceInfo {
                path: self.path.to_owned(),
                file_name,
                id_span: id_span.unwrap_or_else(|| revises_span.clone()),
                revises_span,
                parent_spans,
                depends_on_spans,
                branch_label_spans,
            },
        })
    }

    fn invalid(&mut self, key: &str, span: Span, why: String, help: &str) {
        self.error(Code::InvalidValue, format!("invalid `{key}` value: {why}"), Some(span), "invalid value", help);
    }

    fn id_value(&mut self, f: &Field<'_>, key: &str) -> Option<RevisionId> {
        match RevisionId::parse(f.value) {
            Ok(id) => Some(id),
            Err(e) => {
                self.invalid(key, f.span.clone(), e.to_string(), "ids are 1–32 characters of a-z, 0-9 and _");
                None
            }
        }
    }

    /// Splits a comma-separated value into `(item, span)` pairs; an empty value is an empty list.
    fn items<'t>(&mut self, f: &Field<'t>, key: &str) -> Vec<(&'t str, Span)> {
        if f.value.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for raw in f.value.split(',') {
            let item = raw.trim();
            let range = offset_in(f.value, item);
            let (start, end) = (f.span.start + range.start, f.span.start + range.end);
            let span = Span { line: f.span.line, start, end, line_text: f.span.line_text.clone() };
            if item.is_empty() {
                self.invalid(
                    key,
                    f.span.clone(),
                    "an empty entry in the list".into(),
                    "separate entries with single commas, no trailing comma",
                );
            } else if out.iter().any(|(seen, _)| *seen == item) {
                self.invalid(key, span, format!("`{item}` is listed twice"), "list each entry once");
            } else {
                out.push((item, span));
            }
        }
        out
    }

    fn id_list(&mut self, f: &Field<'_>, key: &str) -> (Vec<RevisionId>, Vec<Span>) {
        let mut ids = Vec::new();
        let mut spans = Vec::new();
        for (item, span) in self.items(f, key) {
            match RevisionId::parse(item) {
                Ok(id) => {
                    ids.push(id);
                    spans.push(span);
                }
                Err(e) => self.invalid(key, span, e.to_string(), "ids are 1–32 characters of a-z, 0-9 and _"),
            }
        }
        (ids, spans)
    }

    fn label_list(&mut self, f: &Field<'_>) -> (Vec<String>, Vec<Span>) {
        let mut labels = Vec::new();
        let mut spans = Vec::new();
        for (item, span) in self.items(f, "branch-labels") {
            if item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                labels.push(item.to_owned());
                spans.push(span);
            } else {
                let why = format!("label `{item}` has characters other than letters, digits, `_` and `-`");
                self.invalid("branch-labels", span, why, "use a plain name such as `billing`");
            }
        }
        (labels, spans)
    }

    fn message_value(&mut self, f: &Field<'_>) -> String {
        if f.value.is_empty() {
            self.invalid(
                "message",
                f.span.clone(),
                "the message is empty".into(),
                "say in one line what the revision does",
            );
        }
        f.value.to_owned()
    }

    fn created_value(&mut self, f: &Field<'_>) -> Option<String> {
        match f.value.parse::<jiff::Timestamp>() {
            Ok(_) => Some(f.value.to_owned()),
            Err(e) => {
                self.invalid(
                    "created",
                    f.span.clone(),
                    format!("not an RFC 3339 timestamp ({e})"),
                    "write it like 2026-11-22T06:30:00Z, or remove the line",
                );
                None
            }
        }
    }

    fn bool_value(&mut self, f: &Field<'_>) -> bool {
        match f.value {
            "true" => true,
            "false" => false,
            other => {
                self.invalid(
                    "transaction",
                    f.span.clone(),
                    format!("`{other}` is not `true` or `false`"),
                    &format!("write `{} transaction: false` to run the revision outside a transaction", self.comment()),
                );
                true
            }
        }
    }
}

#[cfg(test)]
mod tests;
