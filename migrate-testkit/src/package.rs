//! Throwaway package folders for the real `cargo-migrate`: a `Cargo.toml` (with
//! `[package.metadata.migrate]` when asked), a `migrations/` folder of revision files, and any
//! other file (a `schema.sql`, a `src/main.rs`). Feature `package`.

use std::io;
use std::path::Path;

use crate::{Spec, write_folder};

/// The `[package]` table written unless [`PackageBuilder::manifest`] replaces it.
const PACKAGE: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// A package folder to write: `PackageBuilder::new().dialects(&["postgres", "mysql"])
/// .revision("1_index.sql", text).file("schema.sql", text).build()`.
#[derive(Debug, Clone)]
pub struct PackageBuilder {
    manifest: String,
    config: Vec<String>,
    specs: Option<Vec<Spec>>,
    revisions: Vec<(String, String)>,
    files: Vec<(String, String)>,
}

impl Default for PackageBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl PackageBuilder {
    /// Package `app`, no configuration, no migrations folder.
    pub fn new() -> Self {
        Self { manifest: PACKAGE.to_owned(), config: Vec::new(), specs: None, revisions: Vec::new(), files: Vec::new() }
    }

    /// Package `name` instead of `app`.
    pub fn name(mut self, name: &str) -> Self {
        self.manifest = PACKAGE.replace("\"app\"", &format!("{name:?}"));
        self
    }

    /// This text as the manifest, written as it is (comments included), before any
    /// `[package.metadata.migrate]` table.
    pub fn manifest(mut self, text: &str) -> Self {
        text.clone_into(&mut self.manifest);
        self
    }

    /// A line of `[package.metadata.migrate]`, such as `database-url = "sqlite://config.db"`.
    pub fn config(mut self, line: &str) -> Self {
        self.config.push(line.to_owned());
        self
    }

    /// `dialects = [...]` in `[package.metadata.migrate]`.
    pub fn dialects(self, dialects: &[&str]) -> Self {
        let list: Vec<String> = dialects.iter().map(|d| format!("{d:?}")).collect();
        self.config(&format!("dialects = [{}]", list.join(", ")))
    }

    /// These revisions in `migrations/`, named as [`write_folder`] names them (the folder is
    /// written even when `specs` is empty).
    pub fn specs(mut self, specs: &[Spec]) -> Self {
        self.specs.get_or_insert_with(Vec::new).extend_from_slice(specs);
        self
    }

    /// `migrations/NAME` holding `text`.
    pub fn revision(mut self, name: &str, text: &str) -> Self {
        self.revisions.push((name.to_owned(), text.to_owned()));
        self
    }

    /// Any other file, `path` relative to the package root (folders created): `schema.sql`,
    /// `src/main.rs`.
    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.push((path.to_owned(), text.to_owned()));
        self
    }

    /// The `Cargo.toml` text.
    pub fn manifest_text(&self) -> String {
        if self.config.is_empty() {
            return self.manifest.clone();
        }
        let lines: String = self.config.iter().map(|l| format!("{l}\n")).collect();
        format!("{}\n[package.metadata.migrate]\n{lines}", self.manifest)
    }

    /// Writes the package into `dir` (created if needed).
    ///
    /// # Errors
    /// Any I/O error.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("Cargo.toml"), self.manifest_text())?;
        let migrations = dir.join("migrations");
        if let Some(specs) = &self.specs {
            write_folder(&migrations, specs)?;
        }
        if !self.revisions.is_empty() {
            write_files(&migrations, &self.revisions)?;
        }
        write_files(dir, &self.files)
    }

    /// Writes the package into a new temporary folder (removed when dropped).
    ///
    /// # Panics
    /// On I/O errors.
    pub fn build(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        self.write(dir.path()).expect("write the package");
        dir
    }
}

/// Writes each `(path, text)` below `dir`, creating `dir` and the files' folders.
///
/// # Errors
/// Any I/O error.
pub fn write_files<P: AsRef<str>, T: AsRef<str>>(dir: &Path, files: &[(P, T)]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (path, text) in files {
        let path = dir.join(path.as_ref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text.as_ref())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_manifest_the_revisions_and_the_files() {
        let pkg = PackageBuilder::new()
            .dialects(&["postgres", "mysql"])
            .revision("1_index.sql", "-- revision: r1\n")
            .specs(&[Spec::new("a", &[])])
            .file("schema.sql", "CREATE TABLE t (id INT);\n")
            .build();
        let manifest = std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest");
        assert_eq!(
            manifest,
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.migrate]\ndialects = [\"postgres\", \"mysql\"]\n"
        );
        let mut names: Vec<String> = std::fs::read_dir(pkg.path().join("migrations"))
            .expect("migrations")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["1_index.sql", "20261122_000000_a_create_t_a.sql"]);
        assert!(pkg.path().join("schema.sql").is_file());
    }

    #[test]
    fn without_revisions_there_is_no_migrations_folder_unless_specs_were_given() {
        let bare = PackageBuilder::new().name("svc").file("src/main.rs", "fn main() {}\n").build();
        assert!(!bare.path().join("migrations").exists());
        assert!(bare.path().join("src/main.rs").is_file());
        let manifest = std::fs::read_to_string(bare.path().join("Cargo.toml")).expect("manifest");
        assert!(manifest.starts_with("[package]\nname = \"svc\"\n"), "{manifest}");
        let empty = PackageBuilder::new().specs(&[]).build();
        assert!(empty.path().join("migrations").is_dir());
    }
}
