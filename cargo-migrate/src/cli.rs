//! The command line, declared with clap. Parsing only; each command's work is in
//! `commands/<verb>.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// cargo migrate: Alembic's revision graph for Rust, checked by the compiler.
#[derive(Debug, Parser)]
#[command(name = "cargo migrate", bin_name = "cargo migrate", version, about, long_about = None)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Path to the package's Cargo.toml (default: the nearest one above the current folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// The workspace member whose migrations to use.
    #[arg(short = 'p', long, global = true, value_name = "SPEC")]
    pub package: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The database (else DATABASE_URL, also read from .env, else `database-url` in
    /// [package.metadata.migrate]). A relative SQLite path is relative to the package root.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds to wait for the database server to accept and answer a connection.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 5.0)]
    pub connect_timeout: f64,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// When to colour diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the migrations folder, the [package.metadata.migrate] table and the build.rs line.
    Init(InitArgs),
    /// Create a new revision file revising the single head (or --parent).
    #[command(alias = "revision")]
    New(NewArgs),
    /// Create a merge revision joining several heads (default: all of them).
    Merge(MergeArgs),
    /// List the heads.
    Heads,
    /// List branch points and named branches.
    Branches,
    /// Show the revisions, newest first.
    History(HistoryArgs),
    /// Show one revision in full.
    Show(ShowArgs),
    /// Validate every file and the graph; exit 1 on any problem.
    Check(CheckArgs),
    /// The current heads of the database.
    Current,
    /// Current heads, pending revisions, drift and unresolved rows of the database.
    Status,
    /// Apply revisions up to TARGET (default: every head).
    Upgrade(MoveArgs),
    /// Revert revisions down to TARGET (`base`, an id, `-1`, `LABEL@base`).
    Downgrade(MoveArgs),
    /// Record TARGET's lineage as applied without running anything.
    Stamp(StampArgs),
    /// Settle a revision left `started` or `failed` by a run outside a transaction.
    Resolve(ResolveArgs),
    /// Development only: revert everything and apply everything again (a SQLite file is
    /// recreated).
    Reset(ResetArgs),
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Also connect and fail when revisions are pending or drifted (the deploy gate).
    #[arg(long)]
    pub pending: bool,
}

/// SQL dialects for `--sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

/// `upgrade` and `downgrade`.
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The target: head, heads, base, an id or prefix, +N, -N, LABEL@head, LABEL@base. With
    /// --sql, FROM:TO.
    #[arg(value_name = "TARGET", allow_hyphen_values = true)]
    pub target: Option<String>,
    /// Print the SQL script instead of connecting.
    #[arg(long)]
    pub sql: bool,
    /// The dialect of the --sql script (default: from the database URL, else sqlite).
    #[arg(long, value_enum)]
    pub dialect: Option<DialectArg>,
    /// Seconds to wait for another process's migration lock.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub lock_timeout: u64,
    /// Go on although an applied revision's file changed.
    #[arg(long)]
    pub allow_drift: bool,
}

/// `stamp`.
#[derive(Debug, Args)]
pub struct StampArgs {
    /// The revision whose lineage to record (or `base`, `heads`).
    pub target: String,
    /// Empty the history table first.
    #[arg(long)]
    pub purge: bool,
}

/// `resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The revision left `started` or `failed`.
    pub revision: String,
    /// It did complete: mark it applied.
    #[arg(long, conflicts_with = "rolled_back", required_unless_present = "rolled_back")]
    pub applied: bool,
    /// It was undone by hand: remove its row, so it runs again.
    #[arg(long)]
    pub rolled_back: bool,
}

/// `reset`.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Allow a database that is not on this machine.
    #[arg(long)]
    pub force: bool,
}

/// `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The migrations folder, relative to the package root.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<String>,
}

/// `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// One line saying what the revision does.
    #[arg(short, long)]
    pub message: String,
    /// The revision to revise (repeat for several; `base` starts a new root). Default: the
    /// single head.
    #[arg(long = "parent", value_name = "REV")]
    pub parents: Vec<String>,
    /// A branch label for the new revision (starts a named branch).
    #[arg(long = "branch-label", value_name = "LABEL")]
    pub branch_labels: Vec<String>,
    /// A revision that must be applied first without being a parent.
    #[arg(long = "depends-on", value_name = "REV")]
    pub depends_on: Vec<String>,
    /// Run the revision outside a transaction (e.g. CREATE INDEX CONCURRENTLY).
    #[arg(long)]
    pub no_transaction: bool,
    /// The id to use instead of 12 random hex characters.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
}

/// `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The revisions to join (ids, prefixes, labels, or `heads`). Default: all heads.
    #[arg(value_name = "REVS")]
    pub revisions: Vec<String>,
    /// One line saying what is merged.
    #[arg(short, long)]
    pub message: String,
    /// The id to use instead of 12 random hex characters.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
}

/// `history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Draw the graph like `git log --graph`.
    #[arg(long)]
    pub graph: bool,
    /// Only revisions between A and B (`A:B`, `:B`, `A:`), both included.
    #[arg(short = 'r', long = "rev-range", value_name = "A:B")]
    pub range: Option<String>,
}

/// `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The revision: an id, a unique prefix, a label, `head`.
    pub revision: String,
}
