//! The command line, declared with clap. Parsing only; each command's work is in
//! `commands/<verb>.rs`. The database verbs and their options are the runtime's
//! (`migrate_runtime::cli`), flattened in, so `myapp migrate` has the same ones.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use migrate_runtime::cli::{DbCommand, DbGlobal};

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
    /// The options of the database verbs (shared with `myapp migrate`).
    #[command(flatten)]
    pub db: DbGlobal,
}

/// The commands: the package's own (scaffolding, development) and the database verbs shared
/// with `myapp migrate` (`migrate_runtime::cli::DbCommand`).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the migrations folder, the [package.metadata.migrate] table and the build.rs line.
    Init(InitArgs),
    /// Create a new revision file revising the single head (or --parent).
    #[command(alias = "revision")]
    New(NewArgs),
    /// Create a merge revision joining several heads (default: all of them).
    Merge(MergeArgs),
    /// The verbs `myapp migrate` answers too.
    #[command(flatten)]
    Db(DbCommand),
    /// Development only: revert everything and apply everything again (a SQLite file is
    /// recreated).
    Reset(ResetArgs),
    /// Test the revisions on scratch databases of each dialect the package targets: one head,
    /// upgrade base to head, and the stairway (each revision up, down, up; the schema after
    /// down must equal the schema before up).
    Test(TestArgs),
    /// Compare a live database's schema with what the revisions produce (read-only): objects
    /// made by hand in it, and objects of revisions it lacks. Exit 1 when they differ.
    Diff(DiffArgs),
    /// The declarative schema file autogenerate compares against.
    #[command(subcommand)]
    Schema(SchemaCommand),
}

/// `schema …`.
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Write the schema file from the revisions' head (replayed on a scratch database), or
    /// from a live database with --database-url, to start using `new --autogenerate`.
    Dump(DumpArgs),
}

/// `schema dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The dialect to dump for (default: the first of `dialects` with a development server,
    /// SQLite needing none); with --database-url, the URL's.
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<String>,
    /// Where to write (default: the package's schema file for that dialect; `-` for stdout).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<String>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// A PostgreSQL or MySQL server for the scratch database the revisions are replayed on
    /// (repeatable; default: MIGRATE_DEV_DATABASE_URL, then dev-database-url).
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Vec<String>,
}

/// `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// A PostgreSQL or MySQL server for the scratch database the revisions are applied to
    /// (repeatable; default: MIGRATE_DEV_DATABASE_URL, then dev-database-url in
    /// [package.metadata.migrate]). SQLite needs none.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Vec<String>,
}

/// `test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// A PostgreSQL or MySQL server to create scratch databases on (repeatable; default:
    /// MIGRATE_DEV_DATABASE_URL, then dev-database-url in [package.metadata.migrate]).
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Vec<String>,
    /// Test on this dialect only (postgres, mysql, sqlite).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<String>,
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
    /// Write a Rust revision (`.rs`: async `up`/`down` functions, for data migrations) that
    /// the application embedding the folder compiles in: embed_migrations!(database = "...").
    #[arg(long, conflicts_with = "autogenerate")]
    pub rust: bool,
    /// Write the SQL from the differences between the revisions and the schema file
    /// (`schema` in [package.metadata.migrate], default schema.sql), for every dialect the
    /// package targets, proved on scratch databases before the file is written.
    #[arg(long, conflicts_with = "parents")]
    pub autogenerate: bool,
    /// With --autogenerate: a column or table renamed rather than dropped and added
    /// (`table.old=new` for a column of `table`, `old=new` for a table). Repeatable.
    #[arg(long = "rename", value_name = "FROM=TO", requires = "autogenerate")]
    pub renames: Vec<String>,
    /// With --autogenerate: write changes that lose data (drop a table or column, narrow a
    /// type, NOT NULL on a column that may hold NULLs) under a `-- data loss:` comment.
    #[arg(long, requires = "autogenerate")]
    pub allow_destructive: bool,
    /// With --autogenerate: a PostgreSQL or MySQL server for scratch databases (repeatable;
    /// default: MIGRATE_DEV_DATABASE_URL, then dev-database-url in [package.metadata.migrate]).
    #[arg(long = "dev-url", value_name = "URL", requires = "autogenerate")]
    pub dev_url: Vec<String>,
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
