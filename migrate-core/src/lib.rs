//! migrate-core: the revision file format, the revision graph, its validation and targets.
//!
//! Shared by the `cargo migrate` CLI, the `embed_migrations!` macro and the runtime, so that all
//! three apply one set of rules. No database and no proc-macro code lives here; the only I/O is
//! reading a migrations folder (`source`).
//!
//! ```
//! use migrate_core::{parse_revision, RevisionGraph};
//! let text = "-- revision: a1\n-- revises:\n-- message: first\n-- migrate:up\nCREATE TABLE t (id INT);\n";
//! let revision = parse_revision("migrations/a1.sql", text.as_bytes()).expect("valid");
//! let graph = RevisionGraph::build(vec![revision]).expect("valid graph");
//! assert_eq!(graph.heads().len(), 1);
//! ```

mod checksum;
mod config;
mod database_url;
mod diagnostic;
mod dialect;
mod digest;
mod graph;
mod id;
mod load;
mod parse;
mod plan;
mod range;
mod record;
mod render;
mod revision;
pub mod schema;
mod source;
pub mod split;
mod statements;
mod target;

pub use checksum::Checksum;
pub use config::{Config, DEFAULT_DIR, DEFAULT_SCHEMA, DEFAULT_TABLE, check_table_name, read_config};
pub use database_url::anchor_sqlite_url;
pub use diagnostic::{Code, Diagnostic, Diagnostics, Label, Severity, Span};
pub use dialect::Dialect;
pub use digest::{applied_history_digest, history_digest};
pub use graph::{Node, RevisionGraph};
pub use id::{IdError, MAX_ID_LEN, RESERVED_IDS, RevisionId};
pub use load::{Loaded, load_dir};
pub use parse::{HEADER_KEYS, parse_revision};
pub use plan::{Direction, Plan, PlanError, plan_downgrade, plan_stamp, plan_upgrade};
pub use range::{RangeError, check_overlap, history_range, removal, upgrade_range};
pub use record::{RawRevision, RawVariant};
pub use render::{NewRevision, file_name, file_name_after, render_revision};
pub use revision::{Revision, RevisionKind, Section, SourceInfo, Variant};
pub use source::{Listed, display_path, list_dir, read_into};
pub use statements::check_statements;
pub use target::{Intent, Resolved, Symbol, Target, TargetError, parse_target};
