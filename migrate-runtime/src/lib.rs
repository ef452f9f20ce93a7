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

// Without a database feature the pool types are uninhabited and the database code is
// unreachable: that build exists for embedding only (`default-features = false, features = ["macros"]`).
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql", feature = "sqlite")),
    allow(unused, unreachable_code, reason = "no database feature: the database code cannot run")
)]

extern crate self as migrate_runtime;

mod backend;
#[cfg(feature = "cli")]
pub mod cli;
mod database_url;
mod dialect;
mod engine;
mod error;
mod fastpath;
mod history;
mod lock;
mod migrations;
mod script;
mod session;
mod summary;
mod table;

pub use backend::{AnyPool, DEFAULT_CONNECT_TIMEOUT, DbPool};
pub use database_url::{DatabaseUrl, UrlSource};
pub use dialect::{Dialect, SqlText};
pub use engine::{Options, Report, Step};
pub use error::{DbError, ErrorCode, MigrateError, redact_secret, redact_url};
pub use history::{Drift, HistoryRow, State, Status, Unresolved};
pub use lock::lock_statement;
pub use migrations::{EmbeddedRevision, EmbeddedSection, Migrations};

/// Used by `embed_migrations!`; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::RawRevision;
}
pub use migrate_core::split::{SplitError, Statement, split_statements};
pub use script::script;

/// The engine over a revision graph loaded at run time (what `cargo migrate` uses; an
/// application uses [`Migrations`]).
pub mod engine_api {
    pub use crate::engine::{downgrade, history, resolve, stamp, status, up_to_date, upgrade};
}

/// sqlx, re-exported so applications use the same version for their pools.
pub use sqlx;

/// Embeds a migrations folder, validated at compile time. See [`migrate_macros::embed_migrations`].
#[cfg(feature = "macros")]
pub use migrate_macros::embed_migrations;

/// The shared file format, graph and target code, for tools built on the runtime.
pub use migrate_core as core;
