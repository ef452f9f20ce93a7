//! Diagnostics: every problem found in a migrations folder, with its code, place and hint.
//!
//! One `Diagnostic` type serves the CLI (rendered like rustc, via `annotate-snippets`), the
//! macro (rendered compactly inside `compile_error!`) and JSON output. This module formats;
//! it never decides what is wrong.

use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The folder cannot be used: `check` exits 1 and the macro fails the build.
    Error,
    /// Worth fixing, but nothing breaks.
    Warning,
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// A stable, kebab-case code for each kind of problem (shown as `error[code]`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, for documentation and the uniqueness test.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `multiple-heads`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// The migrations folder does not exist or cannot be listed.
    MissingDir => "missing-dir",
    /// A file in the folder cannot be read.
    UnreadableFile => "unreadable-file",
    /// A file or folder in the migrations folder that is not a `.sql` revision.
    NotARevisionFile => "not-a-revision-file",
    /// A revision file is not valid UTF-8.
    NotUtf8 => "not-utf8",
    /// A revision file contains a NUL byte.
    NulByte => "nul-byte",
    /// SQL or other text before the header comments.
    TextBeforeHeader => "text-before-header",
    /// A header comment that is not `-- key: value`.
    MalformedHeaderLine => "malformed-header-line",
    /// A header key this version does not know.
    UnknownKey => "unknown-key",
    /// A header key given twice.
    RepeatedKey => "repeated-key",
    /// A Rust revision (`.rs`) that does not lex as Rust tokens.
    NotRust => "not-rust",
    /// A required header key is absent.
    MissingKey => "missing-key",
    /// A header value that does not parse (bad id, timestamp, boolean, label).
    InvalidValue => "invalid-value",
    /// No `-- migrate:up` line.
    MissingUp => "missing-up",
    /// A Rust revision's `fn up` or `fn down` that is not `async`, does not take exactly the
    /// connection, or returns nothing.
    RustSignature => "rust-signature",
    /// `-- migrate:up` or `-- migrate:down` given twice.
    RepeatedSection => "repeated-section",
    /// A `-- migrate:<word>` marker other than `up` and `down`.
    UnknownSection => "unknown-section",
    /// `-- migrate:down` before `-- migrate:up`.
    DownBeforeUp => "down-before-up",
    /// An up section with nothing in it, in a revision that is not a merge.
    EmptyUp => "empty-up",
    /// Two revision files declare the same id.
    DuplicateId => "duplicate-id",
    /// `revises` names a revision that does not exist.
    DanglingParent => "dangling-parent",
    /// `depends-on` names a revision that does not exist.
    DanglingDependency => "dangling-dependency",
    /// The revisions form a cycle through `revises` and `depends-on`.
    Cycle => "cycle",
    /// More than one head that is not on its own named branch.
    MultipleHeads => "multiple-heads",
    /// A branch label given to more than one revision.
    DuplicateBranchLabel => "duplicate-branch-label",
    /// `COPY … FROM stdin` in a package that also targets MySQL or SQLite, which have no COPY.
    CopyOutsidePostgres => "copy-outside-postgres",
    /// A section cannot be split into statements (an unterminated quote, comment or dollar
    /// quote) in a dialect the package targets.
    UnsplittableSql => "unsplittable-sql",
    /// A dialect the package targets has no up section to run in a revision whose sections are
    /// marked for other dialects, or no down section where another dialect has one.
    NoSectionForDialect => "no-section-for-dialect",
    /// `[package.metadata.migrate]` is malformed or names a bad table.
    InvalidConfig => "invalid-config",
    /// The package's build script does not rerun when a revision file is added.
    MissingRerunIfChanged => "missing-rerun-if-changed",
}

/// A place in a file: a 1-based line and a byte range within that line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// 1-based line number.
    pub line: usize,
    /// Byte offset in `line_text` where the highlighted text starts.
    pub start: usize,
    /// Byte offset in `line_text` where it ends (exclusive).
    pub end: usize,
    /// The whole line, without its line ending.
    pub line_text: String,
}

impl Span {
    /// A span covering the whole of `line_text` on `line`.
    pub fn whole_line(line: usize, line_text: &str) -> Self {
        Self { line, start: 0, end: line_text.len(), line_text: line_text.to_owned() }
    }
}

/// One place a diagnostic points at: a file, maybe a line, and what to say there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file, as shown to the user (relative to the package or workspace root).
    pub path: String,
    /// Where in the file, when known.
    pub span: Option<Span>,
    /// What to say at that place (may be empty).
    pub text: String,
}

/// Longest line shown in full under a diagnostic; longer ones are cut around the span.
const MAX_SHOWN_LINE: usize = 160;

/// The part of `span`'s line to show, and the span within it: a line longer than
/// [`MAX_SHOWN_LINE`] bytes (a 2 MB one-line file, say) is cut to a window around the span,
/// with `…` marking each cut.
fn excerpt(span: &Span) -> (String, std::ops::Range<usize>) {
    let text = span.line_text.as_str();
    let (start, end) = (span.start.min(text.len()), span.end.min(text.len()).max(span.start.min(text.len())));
    if text.len() <= MAX_SHOWN_LINE {
        return (text.to_owned(), start..end);
    }
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(start.saturating_sub(40));
    let to = floor((from + MAX_SHOWN_LINE).min(text.len()));
    let (lead, tail) = (if from > 0 { "…" } else { "" }, if to < text.len() { "…" } else { "" });
    let shown = format!("{lead}{}{tail}", &text[from..to]);
    let shift = |i: usize| lead.len() + i.clamp(from, to) - from;
    (shown, shift(start)..shift(end))
}

/// A problem (or a warning) with its stable code, the places it concerns, and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kebab-case code.
    pub code: Code,
    /// A lowercase fragment saying what is wrong.
    pub message: String,
    /// The places concerned, most important first.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with no place and no hint yet.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, code, message: message.into(), labels: Vec::new(), help: None }
    }

    /// A new warning with no place and no hint yet.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    /// Adds a place.
    pub fn with_label(mut self, path: impl Into<String>, span: Option<Span>, text: impl Into<String>) -> Self {
        self.labels.push(Label { path: path.into(), span, text: text.into() });
        self
    }

    /// Sets the hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `true` for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders like rustc: title, `-->` locations, the offending line underlined, `= help:`.
    pub fn render(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(self.message.as_str()).id(self.code.as_str()));
        for label in &self.labels {
            group = match &label.span {
                Some(span) => {
                    let (text, range) = excerpt(span);
                    group.element(
                        Snippet::source(text)
                            .line_start(span.line)
                            .path(label.path.as_str())
                            .annotation(AnnotationKind::Primary.span(range).label(label.text.as_str())),
                    )
                }
                None => group.element(Origin::path(label.path.as_str())),
            };
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&[group])
    }

    /// Renders on a few plain lines: `path:line: message [code]`, then `--> ` places, then
    /// `help:`. This is the form the macro puts in `compile_error!`, which cannot point into a
    /// `.sql` file.
    pub fn render_compact(&self) -> String {
        let mut out = String::new();
        let located = |l: &Label| match &l.span {
            Some(s) => format!("{}:{}", l.path, s.line),
            None => l.path.clone(),
        };
        match self.labels.as_slice() {
            [one] => out.push_str(&format!("{}: {} [{}]", located(one), self.message, self.code.as_str())),
            many => {
                out.push_str(&format!("{} [{}]", self.message, self.code.as_str()));
                for label in many {
                    out.push_str(&format!("\n  --> {}", located(label)));
                    if !label.text.is_empty() {
                        out.push_str(&format!(": {}", label.text));
                    }
                }
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_compact())
    }
}

/// Every diagnostic found in one pass: errors are collected, not stopped at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// `true` when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// How many errors there are.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// The diagnostics in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.0.extend(iter);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&d.render_compact())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()), "{s}");
        }
    }

    #[test]
    fn an_enormous_line_is_cut_around_its_span() {
        let line = format!("-- {}é: x", "y".repeat(2_000_000));
        let at = line.find('é').expect("marker");
        let d = Diagnostic::error(Code::MalformedHeaderLine, "header comment is not `-- key: value`").with_label(
            "m/0001_a.sql",
            Some(Span { line: 2, start: at, end: at + 2, line_text: line.clone() }),
            "here",
        );
        let shown = d.render(false);
        assert!(shown.len() < 1_000, "{} bytes", shown.len());
        assert!(shown.contains("…yyy") && shown.contains("é: x") && shown.contains("m/0001_a.sql:2"), "{shown}");
        let whole = Span::whole_line(1, &line);
        let (text, range) = excerpt(&whole);
        assert!(text.len() <= MAX_SHOWN_LINE + 3 && range.end <= text.len() && text.is_char_boundary(range.end));
    }

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error(Code::DanglingParent, "revision `4f1c` revises `a1b2c3`, which does not exist")
            .with_label(
                "migrations/x.sql",
                Some(Span { line: 2, start: 12, end: 18, line_text: "-- revises: a1b2c3".into() }),
                "no revision with this id",
            )
            .with_help("run `cargo migrate heads` to list revisions");
        let text = d.render(false);
        assert!(text.starts_with("error[dangling-parent]: revision `4f1c`"), "{text}");
        assert!(text.contains("--> migrations/x.sql:2:13"), "{text}");
        assert!(text.contains("2 | -- revises: a1b2c3"), "{text}");
        assert!(text.contains("^^^^^^ no revision with this id"), "{text}");
        assert!(text.contains("help: run `cargo migrate heads`"), "{text}");
        assert_eq!(
            d.render_compact(),
            "migrations/x.sql:2: revision `4f1c` revises `a1b2c3`, which does not exist [dangling-parent]\n  help: run `cargo migrate heads` to list revisions"
        );
    }
}
