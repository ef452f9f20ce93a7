//! `embed_migrations!`: reads a migrations folder at compile time, validates it with
//! migrate-core (the same code as `cargo migrate check`), and embeds the parsed, ordered
//! revisions. Any problem fails `cargo build` with every diagnostic, each naming its file.
//!
//! Use it through `migrate_runtime::embed_migrations!`; this crate only expands the macro.

mod expand;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Embeds the revisions of a migrations folder as a `migrate_runtime::Migrations` value.
///
/// `embed_migrations!()` reads the folder named by `dir` in `[package.metadata.migrate]`
/// (default `migrations`); `embed_migrations!("db/migrations")` names one, relative to the
/// package root. Fails the build on any invalid file or graph: more than one head, a dangling
/// parent, a cycle, a duplicate id, a malformed file.
///
/// Rust revisions (`.rs` files) are compiled in as modules of the crate; say which database
/// their functions take the connection of: `embed_migrations!(database = "sqlite")` or
/// `embed_migrations!("db/migrations", database = "postgres")` (`postgres`, `mysql`, `sqlite`).
/// A folder with Rust revisions and no `database` fails the build, and so does a revision whose
/// `up`/`down` does not take that connection.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(input as expand::Args);
    expand::expand(&args).unwrap_or_else(|e| expand::fallback(&e)).into()
}
