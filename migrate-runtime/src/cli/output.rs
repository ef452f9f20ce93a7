//! Presentation: diagnostics to stderr (rustc style, colour when wanted) and to JSON.

use std::io::IsTerminal;

use migrate_core::{Diagnostic, Diagnostics, Severity};
use serde_json::{Value, json};

use super::args::ColorChoice;

/// Whether to colour stderr.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Prints each diagnostic to stderr, separated by blank lines.
pub fn print_diagnostics(diagnostics: &Diagnostics, color: bool) {
    for d in diagnostics.iter() {
        eprintln!("{}\n", d.render(color));
    }
}

/// One diagnostic as JSON: severity, code, message, places (path, line, column), help.
pub fn diagnostic_json(d: &Diagnostic) -> Value {
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            json!({
                "path": l.path,
                "line": l.span.as_ref().map(|s| s.line),
                "column": l.span.as_ref().map(|s| s.line_text[..s.start].chars().count() + 1),
                "text": l.text,
            })
        })
        .collect();
    json!({
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "code": d.code.as_str(),
        "message": d.message,
        "labels": labels,
        "help": d.help,
    })
}

/// Prints a JSON document to stdout.
pub fn print_json(value: &Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into()));
}
