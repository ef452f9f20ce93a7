//! The database verbs as one command set for both front doors (feature `cli`): `cargo migrate`
//! mounts [`DbGlobal`] and [`DbCommand`] into its command line; a deployed binary answers
//! `myapp migrate …` with [`Migrations::run_cli`](crate::Migrations::run_cli). Same names,
//! options, output, exit codes, JSON and help in both; only where the revisions come from (files
//! or the embedded table) and the command named in hints differ.
//!
//! - `args`: the clap declarations;
//! - `graph_verbs`: `heads`, `branches`, `history`, `show` (no connection);
//! - `db_verbs`: `current`, `status`, `check`, `upgrade`, `downgrade` (online or `--sql`),
//!   `stamp`, `resolve`;
//! - `each`: `upgrade --each FILE`, the fan-out over many databases;
//! - `describe`, `draw`, `output`: how revisions, graphs, diagnostics and JSON are printed;
//! - `failure`: the failure type and exit codes;
//! - `embedded`: `Migrations` as a front door (`run_cli`).

mod args;
mod db_verbs;
mod describe;
mod draw;
mod each;
mod embedded;
mod failure;
mod graph_verbs;
mod output;

use std::borrow::Cow;

use migrate_core::RevisionGraph;

pub use args::{
    CheckArgs, ColorChoice, DbCommand, DbGlobal, DialectArg, Format, HistoryArgs, LockArg, MigrateCli, MoveArgs,
    ResolveArgs, ShowArgs, StampArgs, TransactionArg,
};
pub use db_verbs::{check_pending, print_report, with_database};
pub use describe::{json as revision_json, line as revision_line, tags as revision_tags};
pub use failure::{Failure, PROBLEM, USAGE};
pub use graph_verbs::resolve_one;
pub use output::{diagnostic_json, print_diagnostics, print_json, use_color};

/// What the revisions are for: reading them (`heads`, `history`, `current` …: a folder with
/// several unlabeled heads is still shown) or moving a database (the graph must be valid, SQL
/// included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GraphUse {
    /// Show and compare.
    Read,
    /// Upgrade, downgrade, stamp, `--sql`.
    Migrate,
}

/// Where a front door's revisions come from: the migrations folder (`cargo migrate`) or the
/// embedded table (`myapp migrate`).
pub trait RevisionSource {
    /// The graph, or why it cannot be used for `purpose` (the folder's diagnostics).
    ///
    /// # Errors
    /// [`Failure::Invalid`] with the errors that stop `purpose`.
    fn graph(&self, purpose: GraphUse) -> Result<Cow<'_, RevisionGraph>, Failure>;
    /// Where the revisions are, for `check`'s summary (`in migrations (package `app`)`).
    fn origin(&self) -> String;
    /// The application command that runs Rust revisions, named when this front door cannot
    /// (`cargo migrate` says `<package> migrate`).
    fn app_command(&self) -> String {
        "myapp migrate".into()
    }
    /// The Rust revisions compiled into this front door (`embed_migrations!` puts them in an
    /// application; `cargo migrate` has none and refuses a graph that needs one).
    fn rust(&self) -> &'static [crate::rust::RustRevision] {
        &[]
    }
}

/// One run of a database verb: the front door's settings and the global options.
pub struct Invocation<'a> {
    /// The command shown in hints: `cargo migrate`, `myapp migrate`.
    pub program: String,
    /// The history table (`name` or `schema.name`).
    pub table: String,
    /// `database-url` from `[package.metadata.migrate]`, a relative SQLite path already made
    /// absolute against the package root.
    pub config_url: Option<String>,
    /// `lock` from `[package.metadata.migrate]` (`--lock` overrides it).
    pub lock: crate::LockStrategy,
    /// `transaction` from `[package.metadata.migrate]` (`--transaction` overrides it).
    pub transaction: crate::TransactionMode,
    /// The revisions.
    pub revisions: &'a dyn RevisionSource,
    /// The options every verb takes.
    pub global: &'a DbGlobal,
}

impl Invocation<'_> {
    /// `true` for `--format json`.
    pub fn json(&self) -> bool {
        self.global.format == Format::Json
    }

    /// The database URL by the one resolution rule ([`crate::DatabaseUrl::resolve`]).
    ///
    /// # Errors
    /// [`Failure::Coded`] `no-database-url` (exit 2) when nothing names a database.
    pub fn database_url(&self) -> Result<crate::DatabaseUrl, Failure> {
        crate::DatabaseUrl::resolve(self.global.database_url.as_deref(), self.config_url.as_deref())
            .map_err(|e| Failure::from_error(&e, None))
    }

    /// The engine's options for this front door: its table, its hint command.
    pub fn options(&self, lock_timeout: std::time::Duration, drift: crate::DriftPolicy) -> crate::tool::Options {
        crate::tool::Options::default()
            .with_rust(self.revisions.rust())
            .with_table(self.table.clone())
            .with_lock_timeout(lock_timeout)
            .with_drift(drift)
            .with_hint_command(self.program.clone())
            .with_app_command(self.revisions.app_command())
            .with_lock(match self.global.lock {
                Some(LockArg::Auto) => crate::LockStrategy::Auto,
                Some(LockArg::Advisory) => crate::LockStrategy::Advisory,
                Some(LockArg::Lease) => crate::LockStrategy::Lease,
                None => self.lock,
            })
            .with_lease_ttl(std::time::Duration::from_secs(self.global.lease_ttl))
            .with_transaction(match self.global.transaction {
                Some(TransactionArg::Revision) => crate::TransactionMode::Revision,
                Some(TransactionArg::Run) => crate::TransactionMode::Run,
                None => self.transaction,
            })
    }
}

/// Runs one shared verb.
///
/// # Errors
/// The verb's [`Failure`]: a usage error (exit 2), an invalid graph, a database error (with its
/// code, the password redacted), or [`Failure::Silent`] after printing a status that is not up
/// to date.
pub async fn run(inv: &Invocation<'_>, command: &DbCommand) -> Result<(), Failure> {
    match command {
        DbCommand::Heads(args) => graph_verbs::heads(inv, args),
        DbCommand::Branches => graph_verbs::branches(inv),
        DbCommand::History(args) => graph_verbs::history(inv, args).await,
        DbCommand::Show(args) => graph_verbs::show(inv, args).await,
        DbCommand::Check(args) => db_verbs::check(inv, args).await,
        DbCommand::Current => db_verbs::current(inv).await,
        DbCommand::Status => db_verbs::status(inv).await,
        DbCommand::Upgrade(args) => db_verbs::migrate(inv, args, db_verbs::Verb::Upgrade).await,
        DbCommand::Downgrade(args) => db_verbs::migrate(inv, &args.as_move(), db_verbs::Verb::Downgrade).await,
        DbCommand::Stamp(args) => db_verbs::stamp(inv, args).await,
        DbCommand::Resolve(args) => db_verbs::resolve(inv, args).await,
    }
}
