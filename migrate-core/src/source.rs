//! Reading a migrations folder: the only I/O in migrate-core.
//!
//! Lists the folder, reads every `.sql` file, and reports (never skips silently) anything else
//! that is in it. Hidden files such as `.gitkeep` are ignored.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// A file read from the migrations folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path on disk.
    pub path: PathBuf,
    /// The path as shown to users.
    pub display_path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Reads every `.sql` file in `dir` (not recursively), sorted by file name.
///
/// `display_base` is the folder that shown paths are relative to (the package root).
/// Files and folders that are not `.sql` revision files produce warnings.
///
/// # Errors
/// A [`Code::MissingDir`] diagnostic when `dir` cannot be listed; a [`Code::UnreadableFile`]
/// diagnostic per file that cannot be read (both in the returned list, with the files that
/// could be read).
pub fn read_dir(dir: &Path, display_base: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let shown = |p: &Path| display_path(p, display_base);
    let mut diagnostics = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let d =
                Diagnostic::error(Code::MissingDir, format!("cannot read the migrations folder `{}`: {e}", shown(dir)))
                    .with_help("run `cargo migrate init` to create it, or set `dir` in [package.metadata.migrate]");
            return (Vec::new(), vec![d]);
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(e) => {
                diagnostics.push(Diagnostic::error(Code::UnreadableFile, format!("cannot list `{}`: {e}", shown(dir))))
            }
        }
    }
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut files = Vec::new();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() || path.extension().is_none_or(|e| e != "sql") {
            diagnostics.push(
                Diagnostic::warning(
                    Code::NotARevisionFile,
                    format!("`{}` is not a revision file and is ignored", shown(&path)),
                )
                .with_label(shown(&path), None, "")
                .with_help("revision files end in `.sql`; move other files out of the migrations folder"),
            );
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => files.push(SourceFile { display_path: shown(&path), path, bytes }),
            Err(e) => diagnostics.push(
                Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", shown(&path)))
                    .with_label(shown(&path), None, "")
                    .with_help("check the file's permissions"),
            ),
        }
    }
    (files, diagnostics)
}

/// `path` relative to `base` when it is inside it, with `/` separators.
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}
