//! The database half of the command line, declared with clap: the options every database verb
//! takes ([`DbGlobal`]) and the verbs ([`DbCommand`]). `cargo migrate` flattens both into its
//! own command line; `myapp migrate` parses them alone ([`MigrateCli`]). Same names, options and
//! help in both.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `myapp migrate …`: the command line of a deployed binary.
#[derive(Debug, Parser)]
#[command(about = "Migrate this application's database: the database verbs of `cargo migrate`", long_about = None)]
pub struct MigrateCli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: DbGlobal,
    /// What to do.
    #[command(subcommand)]
    pub command: DbCommand,
}

/// Options every database verb takes.
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct DbGlobal {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (the database used, with its password hidden, and where it came from).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The database (else DATABASE_URL from the environment, then from the nearest .env, else
    /// `database-url` in [package.metadata.migrate]). A relative SQLite path is relative to where
    /// it is written: the current folder, the .env file's folder, the package root.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds to wait for the database server to accept and answer a connection.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 5.0)]
    pub connect_timeout: f64,
    /// The migration lock (default: `lock` in [package.metadata.migrate], else auto): the
    /// session lock where it holds, or a lease row that holds behind poolers and on Galera.
    #[arg(long, global = true, value_enum, value_name = "KIND")]
    pub lock: Option<LockArg>,
    /// Seconds a lease lasts without renewal (renewed every third of it while a run lasts).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30)]
    pub lease_ttl: u64,
    /// One transaction per revision, or one for the whole run (all or nothing; PostgreSQL and
    /// SQLite). Default: `transaction` in [package.metadata.migrate], else revision.
    #[arg(long, global = true, value_enum, value_name = "SCOPE")]
    pub transaction: Option<TransactionArg>,
}

/// What one transaction holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransactionArg {
    /// Each revision with its history row.
    Revision,
    /// Every pending revision: a deploy applies everything or nothing.
    Run,
}

/// The migration lock to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LockArg {
    /// The session lock unless the server says it would not hold (Galera, a pooler): then the lease.
    Auto,
    /// The session lock (`pg_try_advisory_lock`, `GET_LOCK`); refused where it would not hold.
    Advisory,
    /// A lease row in `<history>_lock`, renewed by a heartbeat.
    Lease,
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

/// The verbs both front doors share.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum DbCommand {
    /// List the heads.
    Heads(HeadsArgs),
    /// List branch points and named branches.
    Branches,
    /// Show the revisions, newest first.
    History(HistoryArgs),
    /// Show one revision in full.
    Show(ShowArgs),
    /// Validate the revisions; with --pending also the database (the deploy gate).
    Check(CheckArgs),
    /// The current heads of the database.
    Current,
    /// Current heads, pending revisions, drift and unresolved rows of the database; exit 1
    /// when it is not up to date. With -v also the history table's rows.
    Status,
    /// Apply revisions up to TARGET (default: every head).
    Upgrade(MoveArgs),
    /// Revert revisions down to TARGET (`base`, an id, `-1`, `LABEL@-1`, `LABEL@base`).
    Downgrade(DowngradeArgs),
    /// Record TARGET's lineage as applied without running anything.
    Stamp(StampArgs),
    /// Settle a revision left `started` or `failed` by a run outside a transaction.
    Resolve(ResolveArgs),
}

/// `check`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct CheckArgs {
    /// Also connect and fail when revisions are pending, drifted or unresolved (the deploy gate).
    #[arg(long)]
    pub pending: bool,
    /// `cargo migrate` only: fail when the revisions do not produce the package's schema file
    /// (`schema` in [package.metadata.migrate], default schema.sql), compared on scratch
    /// databases of each dialect.
    #[arg(long, conflicts_with = "pending")]
    pub schema: bool,
    /// With --schema: a PostgreSQL or MySQL server for scratch databases (repeatable; default:
    /// MIGRATE_DEV_DATABASE_URL, then dev-database-url in [package.metadata.migrate]).
    #[arg(long = "dev-url", value_name = "URL", requires = "schema")]
    pub dev_url: Vec<String>,
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
#[non_exhaustive]
pub struct MoveArgs {
    /// The target: heads (the default), head, an id or prefix, a branch label, +N, REV+N,
    /// LABEL@head, LABEL@+N. With --sql, `[FROM:]TO` (FROM defaults to base; `FROM:` upgrades
    /// to every head).
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
    /// Upgrade every database listed in FILE (one URL a line; `#` comments and blank lines
    /// skipped) instead of one: a line of progress each, then a summary; exit 1 if any failed.
    #[arg(long, value_name = "FILE", conflicts_with = "sql")]
    pub each: Option<std::path::PathBuf>,
    /// With --each: at most N databases at a time.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "each")]
    pub jobs: usize,
    /// With --each: go on after a database fails (default: start no more).
    #[arg(long, requires = "each")]
    pub keep_going: bool,
}

/// `downgrade`: the target is required, as in Alembic.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct DowngradeArgs {
    /// The target: base, an id or prefix, -N, REV-N, LABEL@base, LABEL@-N, LABEL@REV. With
    /// --sql, FROM:TO (there is no database to read the current heads from).
    #[arg(value_name = "TARGET", allow_hyphen_values = true)]
    pub target: String,
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

impl DowngradeArgs {
    /// The same options in the shape `upgrade` takes.
    pub(crate) fn as_move(&self) -> MoveArgs {
        MoveArgs {
            target: Some(self.target.clone()),
            sql: self.sql,
            dialect: self.dialect,
            lock_timeout: self.lock_timeout,
            allow_drift: self.allow_drift,
            each: None,
            jobs: 1,
            keep_going: false,
        }
    }
}

/// `stamp`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct StampArgs {
    /// The revision(s) whose lineage to record (or `base`, `heads`, `LABEL@head`, `LABEL@base`).
    #[arg(required = true, num_args = 1..)]
    pub target: Vec<String>,
    /// Empty the history table first.
    #[arg(long)]
    pub purge: bool,
}

/// `resolve`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct ResolveArgs {
    /// The revision left `started` or `failed` (an id or a unique prefix).
    pub revision: String,
    /// It did complete: mark it applied.
    #[arg(long, conflicts_with = "rolled_back", required_unless_present = "rolled_back")]
    pub applied: bool,
    /// It was undone by hand: remove its row, so it runs again.
    #[arg(long)]
    pub rolled_back: bool,
}

/// `history`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct HistoryArgs {
    /// Draw the graph like `git log --graph`.
    #[arg(long)]
    pub graph: bool,
    /// Only revisions between A and B (`A:B`, `:B`, `A:`), both included; `current` (which
    /// connects) and relative ends (`-3:current`, `a:+2`) as in Alembic.
    #[arg(short = 'r', long = "rev-range", value_name = "A:B", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Mark the database's current revisions `(current)` (connects).
    #[arg(short = 'i', long)]
    pub indicate_current: bool,
}

/// `heads`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct HeadsArgs {
    /// Leave out heads that other revisions depend on (Alembic's effective heads): the heads an
    /// upgrade to `heads` leaves as the current heads.
    #[arg(long)]
    pub resolve_dependencies: bool,
}

/// `show`.
#[derive(Debug, Args)]
#[non_exhaustive]
pub struct ShowArgs {
    /// The revision(s): an id, a unique prefix, a label, `head`, `heads`, `LABEL@head`, or
    /// `current` (connects).
    pub revision: String,
}
