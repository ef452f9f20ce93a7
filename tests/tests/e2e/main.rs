//! The end-to-end tests, one binary (each test binary links sqlx and the runtime; one link
//! instead of a dozen): real scratch crates built with cargo, the real `cargo-migrate` and
//! example binaries, real PostgreSQL, MariaDB and SQLite. Each module is one subject.

mod autogen_corpus;
mod autogen_workflow;
mod cli_database;
mod crashes;
mod databases;
mod dialect_sections;
mod example_app;
mod fanout;
mod galera;
mod hostile;
mod load;
mod locks;
mod poolers;
mod real_sql;
mod revision_tests;
mod run_transaction;
mod rust_revisions;
mod scratch_crate;
mod secrets;
mod servers;
mod timeouts;
mod tls;
