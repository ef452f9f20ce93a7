//! What every command needs: the package, the output settings, and loading its revisions.

use std::path::{Path, PathBuf};

use migrate_core::{Code, Diagnostics, Loaded, RevisionGraph, Severity, load_dir};

use crate::cli::{Format, Global};
use crate::exit::Failure;
use crate::workspace::{Package, locate};

/// The package and output settings of one run.
#[derive(Debug)]
pub struct Context {
    /// The package worked on.
    pub package: Package,
    /// Human or JSON.
    pub format: Format,
    /// Only errors.
    pub quiet: bool,
    /// More detail.
    pub verbose: u8,
    /// Colour on stderr.
    pub color: bool,
    /// `--database-url`.
    pub database_url: Option<String>,
    /// `--connect-timeout`.
    pub connect_timeout: std::time::Duration,
    cwd: PathBuf,
}

impl Context {
    /// Finds the package named by the global options.
    ///
    /// # Errors
    /// When the package cannot be found or its Cargo.toml is invalid.
    pub fn new(global: &Global) -> Result<Self, Failure> {
        let cwd =
            std::env::current_dir().map_err(|e| Failure::Problem(format!("cannot read the current folder: {e}")))?;
        let package = locate(&cwd, global.manifest_path.as_deref(), global.package.as_deref())?;
        Ok(Self {
            package,
            format: global.format,
            quiet: global.quiet,
            verbose: global.verbose,
            color: crate::output::use_color(global.color),
            database_url: global.database_url.clone(),
            connect_timeout: std::time::Duration::try_from_secs_f64(global.connect_timeout)
                .map_err(|_| Failure::Usage("--connect-timeout: give a number of seconds".into()))?,
            cwd,
        })
    }

    /// `path` as shown: relative to the current folder when below it.
    pub fn shown(&self, path: &Path) -> String {
        migrate_core::display_path(path, &self.cwd)
    }

    /// Reads, parses and validates the migrations folder.
    pub fn load(&self) -> Loaded {
        load_dir(&self.package.migrations_dir(), &self.cwd)
    }

    /// Loads the folder and also splits every section in each dialect the package targets
    /// (what `check`, the database verbs and `embed_migrations!` require).
    pub fn load_with_sql(&self) -> Loaded {
        let mut loaded = self.load();
        loaded.check_statements(&self.package.config.dialects);
        loaded
    }

    /// The graph, only when the folder is valid (SQL included), printing warnings (unless `-q`).
    ///
    /// # Errors
    /// [`Failure::Invalid`] with every error.
    pub fn valid_graph(&self) -> Result<RevisionGraph, Failure> {
        let loaded = self.load_with_sql();
        self.print_warnings(&loaded.diagnostics);
        loaded.into_valid_graph().map_err(|d| Failure::Invalid(errors_only(d)))
    }

    /// The graph even when it has several heads outside named branches (what `new --parent`,
    /// `merge`, `heads` and `history` are for), printing warnings (unless `-q`).
    ///
    /// # Errors
    /// [`Failure::Invalid`] when any other error is found (a bad file, a dangling parent, a
    /// cycle, a duplicate id or label).
    pub fn graph_allowing_heads(&self) -> Result<RevisionGraph, Failure> {
        let loaded = self.load();
        self.print_warnings(&loaded.diagnostics);
        let blocking = loaded.diagnostics.iter().any(|d| d.is_error() && d.code != Code::MultipleHeads);
        match loaded.graph {
            Some(graph) if !blocking => Ok(graph),
            _ => Err(Failure::Invalid(errors_only(loaded.diagnostics))),
        }
    }

    /// Prints the warnings among `diagnostics` to stderr (unless `-q`).
    pub fn print_warnings(&self, diagnostics: &Diagnostics) {
        if !self.quiet {
            let warnings =
                Diagnostics(diagnostics.iter().filter(|d| d.severity == Severity::Warning).cloned().collect());
            crate::output::print_diagnostics(&warnings, self.color);
        }
    }

    /// `true` for `--format json`.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }
}

/// Keeps only the errors (warnings are printed separately).
pub fn errors_only(d: Diagnostics) -> Diagnostics {
    Diagnostics(d.0.into_iter().filter(|d| d.is_error()).collect())
}
