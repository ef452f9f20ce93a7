//! Reading a migrations folder: the only I/O in migrate-core.
//!
//! Lists the folder and reports (never skips silently) anything in it that is not a revision
//! file (`.sql`, or `.rs` for a Rust revision); hidden files such as `.gitkeep` are ignored. Reading is separate from listing
//! so that `load` can read and parse files on several threads.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// A revision file to read: its path on disk and as shown.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The path on disk.
    pub path: PathBuf,
    /// The path as shown to users.
    pub display_path: String,
}

/// Lists the `.sql` and `.rs` files of `dir` (not recursively), sorted by file name.
///
/// Files and folders that are not `.sql` revision files produce warnings; `display_base` is
/// the folder shown paths are relative to.
///
/// # Errors
/// A [`Code::MissingDir`] diagnostic (in the returned list) when `dir` cannot be listed, and a
/// [`Code::UnreadableFile`] one per entry that cannot be inspected.
pub fn list_dir(dir: &Path, display_base: &Path) -> (Vec<Listed>, Vec<Diagnostic>) {
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
    let mut named: Vec<(OsString, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.push(Diagnostic::error(Code::UnreadableFile, format!("cannot list `{}`: {e}", shown(dir))));
                continue;
            }
        };
        let name = entry.file_name();
        let path = entry.path();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir || path.extension().is_none_or(|e| e != "sql" && e != "rs") {
            diagnostics.push(
                Diagnostic::warning(
                    Code::NotARevisionFile,
                    format!("`{}` is not a revision file and is ignored", shown(&path)),
                )
                .with_label(shown(&path), None, "")
                .with_help("revision files end in `.sql` (or `.rs` for a Rust revision); move other files out of the migrations folder"),
            );
            continue;
        }
        named.push((name, path));
    }
    named.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let shown_dir = shown(dir);
    let listed = named
        .into_iter()
        .map(|(name, path)| {
            let name = name.to_string_lossy();
            let display_path = if shown_dir.is_empty() { name.into_owned() } else { format!("{shown_dir}/{name}") };
            Listed { path, display_path }
        })
        .collect();
    (listed, diagnostics)
}

/// Reads one listed file into `buffer` (cleared first).
///
/// Plain `read` calls until end of file: `std::fs::read` and `read_to_end` first ask the size
/// (`statx`, `lseek`), two system calls per file that cost more than the parse of a revision
/// on sandboxed machines with 10,000 files.
///
/// # Errors
/// A [`Code::UnreadableFile`] diagnostic naming the file.
pub fn read_into(file: &Listed, buffer: &mut Vec<u8>) -> Result<(), Diagnostic> {
    buffer.clear();
    match std::fs::File::open(&file.path).and_then(|mut f| read_all(&mut f, buffer)) {
        Ok(()) => Ok(()),
        Err(e) => Err(Diagnostic::error(Code::UnreadableFile, format!("cannot read `{}`: {e}", file.display_path))
            .with_label(&file.display_path, None, "")
            .with_help("check the file's permissions")),
    }
}

fn read_all(file: &mut std::fs::File, buffer: &mut Vec<u8>) -> std::io::Result<()> {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match std::io::Read::read(file, &mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// `path` relative to `base` when it is inside it, with `/` separators.
pub fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}
