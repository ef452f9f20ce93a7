//! Loading a migrations folder: list (`source`), read and parse (`parse`) on all cores, then
//! build and validate (`graph`).
//!
//! The single entry point shared by `cargo migrate`, `embed_migrations!` and the tests, so that
//! the three can never disagree about what a folder means.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::graph::RevisionGraph;
use crate::parse::parse_revision;
use crate::revision::Revision;
use crate::source::{Listed, list_dir, read_into};

/// Below this many files, one thread reads them all.
const FILES_PER_THREAD: usize = 256;

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
    pub files: Vec<PathBuf>,
}

/// Reads, parses and validates the migrations folder `dir`; shown paths are relative to
/// `display_base`.
///
/// Parse errors in any file are all reported; graph rules are checked only when every file
/// parsed (a file that failed to parse would make them report phantom dangling parents).
pub fn load_dir(dir: &Path, display_base: &Path) -> Loaded {
    let (files, mut diagnostics) = list_dir(dir, display_base);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = files.len().div_ceil(threads).max(FILES_PER_THREAD);
    let results: Vec<Vec<Result<Revision, Vec<Diagnostic>>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut buffer = Vec::with_capacity(64 * 1024);
                    part.iter().map(|file| read_and_parse(file, &mut buffer)).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| vec![Err(vec![worker_panicked()])])).collect()
    });
    let mut revisions = Vec::with_capacity(files.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(r) => revisions.push(r),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    let (graph, graph_diagnostics) = assemble(revisions, Diagnostics(diagnostics));
    Loaded { graph, diagnostics: graph_diagnostics, files: files.into_iter().map(|f| f.path).collect() }
}

impl Loaded {
    /// Adds the SQL rule's problems (see [`crate::check_statements`]): every section must split
    /// in each of `dialects`. Nothing is added when the graph could not be built.
    pub fn check_statements(&mut self, dialects: &[crate::Dialect]) {
        if let Some(graph) = &self.graph {
            self.diagnostics.extend(crate::statements::check_statements(graph, dialects));
        }
    }
}

fn worker_panicked() -> Diagnostic {
    Diagnostic::error(crate::Code::UnreadableFile, "a thread reading revision files panicked (a bug: please report it)")
}

fn read_and_parse(file: &Listed, buffer: &mut Vec<u8>) -> Result<Revision, Vec<Diagnostic>> {
    read_into(file, buffer).map_err(|d| vec![d])?;
    parse_revision(&file.display_path, buffer)
}

/// Builds the graph unless a file already failed (see [`load_dir`]).
fn assemble(revisions: Vec<Revision>, mut diagnostics: Diagnostics) -> (Option<RevisionGraph>, Diagnostics) {
    if diagnostics.has_errors() {
        return (None, diagnostics);
    }
    let (graph, errors) = RevisionGraph::build_unchecked(revisions);
    diagnostics.extend(errors.0);
    (Some(graph), diagnostics)
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
