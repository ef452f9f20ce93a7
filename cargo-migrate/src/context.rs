//! What every command needs: the package, the output settings, and loading its revisions.

use std::path::{Path, PathBuf};

use std::borrow::Cow;

use migrate_core::{Code, Diagnostics, Loaded, RevisionGraph, Severity, load_dir};
use migrate_runtime::cli::{DbGlobal, Failure, Format, GraphUse, Invocation, RevisionSource};

use crate::cli::Global;
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
    /// The database verbs' options, as given.
    pub db: DbGlobal,
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
            format: global.db.format,
            quiet: global.db.quiet,
            verbose: global.db.verbose,
            color: migrate_runtime::cli::use_color(global.db.color),
            db: global.db.clone(),
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
            migrate_runtime::cli::print_diagnostics(&warnings, self.color);
        }
    }

    /// `true` for `--format json`.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// `database-url` from the package's config, a relative SQLite path made absolute against
    /// the package root (as `embed_migrations!` embeds it).
    pub fn config_url(&self) -> Option<String> {
        let url = self.package.config.database_url.as_deref()?;
        Some(migrate_core::anchor_sqlite_url(url, &self.package.root))
    }

    /// This run as an invocation of the shared database verbs.
    pub fn invocation(&self) -> Invocation<'_> {
        Invocation {
            program: "cargo migrate".into(),
            table: self.package.config.table.clone(),
            config_url: self.config_url(),
            lock: migrate_runtime::LockStrategy::parse(&self.package.config.lock).unwrap_or_default(),
            transaction: if self.package.config.transaction == "run" {
                migrate_runtime::TransactionMode::Run
            } else {
                migrate_runtime::TransactionMode::Revision
            },
            revisions: self,
            global: &self.db,
        }
    }
}

impl RevisionSource for Context {
    fn graph(&self, purpose: GraphUse) -> Result<Cow<'_, RevisionGraph>, Failure> {
        match purpose {
            GraphUse::Read => self.graph_allowing_heads(),
            _ => self.valid_graph(),
        }
        .map(Cow::Owned)
    }

    fn origin(&self) -> String {
        format!("in {} (package `{}`)", self.shown(&self.package.migrations_dir()), self.package.name)
    }

    fn app_command(&self) -> String {
        format!("{} migrate", self.package.name)
    }
}

/// Keeps only the errors (warnings are printed separately).
pub fn errors_only(d: Diagnostics) -> Diagnostics {
    Diagnostics(d.0.into_iter().filter(|d| d.is_error()).collect())
}
