//! Loading a migrations folder: read (`source`), parse (`parse`), build and validate (`graph`).
//!
//! The single entry point shared by `cargo migrate`, `embed_migrations!` and the tests, so that
//! the three can never disagree about what a folder means.

use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::graph::RevisionGraph;
use crate::parse::parse_revision;
use crate::source::{SourceFile, read_dir};

/// A loaded folder: its graph, and every diagnostic (warnings too).
#[derive(Debug)]
pub struct Loaded {
    /// The graph of every revision that parsed, `None` when a file could not be read or
    /// parsed. It may break graph rules: it is only valid when `diagnostics` has no error
    /// (see [`Loaded::into_valid_graph`]). Tools use an invalid graph to help repair it, e.g.
    /// `cargo migrate merge` on a graph with two heads.
    pub graph: Option<RevisionGraph>,
    /// Errors and warnings, in file order.
    pub diagnostics: Diagnostics,
    /// The files that were read (for build tracking).
    pub files: Vec<std::path::PathBuf>,
}

/// Reads, parses and validates the migrations folder `dir`; shown paths are relative to
/// `display_base`.
///
/// Parse errors in any file are all reported; graph rules are checked only when every file
/// parsed (a file that failed to parse would make them report phantom dangling parents).
pub fn load_dir(dir: &Path, display_base: &Path) -> Loaded {
    let (files, mut diagnostics) = read_dir(dir, display_base);
    let loaded = load_files(&files);
    diagnostics.extend(loaded.diagnostics.0);
    Loaded {
        graph: if diagnostics.iter().any(|d| d.is_error() && d.code.is_file_level()) { None } else { loaded.graph },
        diagnostics: Diagnostics(diagnostics),
        files: files.into_iter().map(|f| f.path).collect(),
    }
}

/// Parses and validates files already read.
pub fn load_files(files: &[SourceFile]) -> Loaded {
    let mut diagnostics = Diagnostics::default();
    let mut revisions = Vec::with_capacity(files.len());
    for file in files {
        match parse_revision(&file.display_path, &file.bytes) {
            Ok(r) => revisions.push(r),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    let graph = if diagnostics.has_errors() {
        None
    } else {
        let (graph, errors) = RevisionGraph::build_unchecked(revisions);
        diagnostics.extend(errors.0);
        Some(graph)
    };
    Loaded { graph, diagnostics, files: files.iter().map(|f| f.path.clone()).collect() }
}

impl Loaded {
    /// The graph, if the folder is valid.
    ///
    /// # Errors
    /// Every diagnostic (warnings included) when there is at least one error.
    pub fn into_valid_graph(self) -> Result<RevisionGraph, Diagnostics> {
        match self.graph {
            Some(graph) if !self.diagnostics.has_errors() => Ok(graph),
            _ => Err(self.diagnostics),
        }
    }
}
