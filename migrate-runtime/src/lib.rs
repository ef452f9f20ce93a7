//! migrate-runtime: what an application depends on to embed its revisions and (with the
//! database half) migrate itself at boot.
//!
//! ```
//! // `embed_migrations!()` reads `[package.metadata.migrate] dir` (default `migrations`);
//! // a path names a folder relative to the package root.
//! static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!("tests/fixtures/valid");
//!
//! assert_eq!(MIGRATIONS.heads()[0].id(), "d4");
//! ```
//!
//! `embed_migrations!` validates the folder at compile time with the same code as
//! `cargo migrate check` and fails the build on a broken chain.
//!
//! Two audiences, two surfaces. An application needs the crate root: [`Migrations`]
//! (`upgrade`, `status`, `history`), [`Runner`] for everything else with typed options
//! ([`DriftPolicy`], [`StampMode`], [`Resolution`]), [`AnyPool`], [`DatabaseUrl`], [`Status`] and
//! [`Report`] (ids as [`RevisionId`]), [`MigrateError`] with its [`ErrorCode`], and with the `cli`
//! feature `myapp migrate …` ([`Migrations::run_cli`](crate::Migrations)). A tool that loads
//! revisions at run time (`cargo migrate`) uses [`tool`]: the engine over a graph, offline
//! scripts, the SQL text and migrate-core.

// Without a database feature the pool types are uninhabited and the database code is
// unreachable: that build exists for embedding only (`default-features = false, features = ["macros"]`).
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(unused, unreachable_code, reason = "no database feature: the database code cannot run")
)]

extern crate self as migrate_runtime;

mod autogen;
mod backend;
mod catalog;
#[cfg(feature = "cli")]
pub mod cli;
mod database_url;
mod dialect;
mod engine;
mod error;
mod fanout;
mod fastpath;
mod history;
mod lock;
mod migrations;
mod runner;
pub mod rust;
mod scratch;
mod script;
mod session;
mod sql_file;
mod stairway;
mod summary;
mod table;

pub use backend::{AnyPool, DEFAULT_CONNECT_TIMEOUT, DbPool};
pub use database_url::{DatabaseUrl, UrlSource};
pub use dialect::Dialect;
pub use engine::{DriftPolicy, Report, Resolution, StampMode, Step, TransactionMode};
pub use error::{DbError, ErrorCode, MigrateError, redact_url};
pub use fanout::{FanoutOptions, FanoutOutcome, FanoutResult};
pub use history::{Drift, HistoryRow, State, Status, Unresolved};
pub use lock::LockStrategy;
pub use migrate_core::RevisionId;
pub use migrations::{EmbeddedRevision, EmbeddedSection, Migrations};
pub use runner::Runner;
pub use stairway::Stairway;

/// Used by `embed_migrations!`; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::EmbeddedMeta;
    pub use migrate_core::RawRevision;
}

/// The tool's half: the engine over a revision graph loaded at run time, offline scripts and
/// the SQL text, for `cargo migrate` and other tools built on the runtime. An application uses
/// [`Migrations`] and [`Runner`] instead.
pub mod tool {
    pub use crate::autogen::{AutogenRequest, Proven, autogenerate};
    pub use crate::catalog::read_schema;
    pub use crate::dialect::SqlText;
    pub use crate::engine::{Options, downgrade, history, resolve, stamp, status, up_to_date, upgrade};
    pub use crate::error::redact_secret;
    pub use crate::fanout::upgrade_each;
    pub use crate::lock::{lease_statement, lock_statement};
    pub use crate::scratch::{Scratch, ScratchDb};
    pub use crate::script::script;
    pub use crate::sql_file::run_sql_file;
    pub use crate::stairway::stairway;
    /// The shared file format, graph, targets and statement splitter.
    pub use migrate_core as core;
}

/// sqlx, re-exported so applications use the same version for their pools.
pub use sqlx;

/// Embeds a migrations folder, validated at compile time. See [`migrate_macros::embed_migrations`].
#[cfg(feature = "macros")]
pub use migrate_macros::embed_migrations;
