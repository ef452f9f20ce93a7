//! Code generation for `embed_migrations!`: locate the folder, load and validate it through
//! migrate-core, and quote the static table. No parsing or graph rule is implemented here.

use std::path::{Path, PathBuf};

use migrate_core::{Config, Diagnostic, Revision, load_dir, read_config};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

/// Overrides the package root the macro reads from. For this crate's compile-fail tests only:
/// trybuild builds them in a generated crate whose `CARGO_MANIFEST_DIR` is elsewhere.
const MANIFEST_DIR_OVERRIDE: &str = "MIGRATE_MACROS_TEST_MANIFEST_DIR";

/// Expands the macro, or returns every problem as one combined error.
pub(crate) fn expand(dir: Option<&LitStr>) -> syn::Result<TokenStream> {
    let root = package_root()?;
    let manifest = root.join("Cargo.toml");
    let config = read_package_config(&manifest)?;
    let rel_dir = dir.map_or(config.dir.clone(), LitStr::value);
    let loaded = load_dir(&root.join(&rel_dir), &root);
    let tracked: Vec<TokenStream> = loaded.files.iter().map(|p| track(p)).collect();
    let graph = loaded.into_valid_graph().map_err(|d| combine(d.iter().filter(|d| d.is_error())))?;
    let revisions = graph.topological_order().iter().map(|&n| revision(graph.revision(n)));
    let table = &config.table;
    let manifest_track = manifest.exists().then(|| track(&manifest));
    Ok(quote! {{
        #manifest_track
        #(#tracked)*
        ::migrate_runtime::Migrations::__from_embedded(&[#(#revisions),*], #table, #rel_dir)
    }})
}

/// The value expanded next to the errors, so the user sees the errors and no type error.
pub(crate) fn fallback(error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {{
        #errors
        ::migrate_runtime::Migrations::__from_embedded(&[], "", "")
    }}
}

fn package_root() -> syn::Result<PathBuf> {
    std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .ok_or_else(|| {
            syn::Error::new(Span::call_site(), "embed_migrations! needs CARGO_MANIFEST_DIR; build with cargo")
        })
}

fn read_package_config(manifest: &Path) -> syn::Result<Config> {
    let text = match std::fs::read_to_string(manifest) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(syn::Error::new(Span::call_site(), format!("cannot read `{}`: {e}", manifest.display()))),
    };
    read_config("Cargo.toml", &text).map_err(|d| combine(std::iter::once(&d)))
}

/// One `syn::Error` holding every diagnostic: rustc prints each as its own error.
fn combine<'a>(diagnostics: impl Iterator<Item = &'a Diagnostic>) -> syn::Error {
    let mut errors = diagnostics.map(|d| syn::Error::new(Span::call_site(), d.render_compact()));
    let mut first =
        errors.next().unwrap_or_else(|| syn::Error::new(Span::call_site(), "the migrations folder is invalid"));
    errors.for_each(|e| first.combine(e));
    first
}

/// Makes an edit of `path` rebuild the crate that embeds it.
fn track(path: &Path) -> TokenStream {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let abs = abs.to_string_lossy();
    quote! { const _: &[u8] = ::core::include_bytes!(#abs); }
}

fn revision(r: &Revision) -> TokenStream {
    let strs = |items: &[String]| quote! { &[#(#items),*] };
    let ids = |items: &[migrate_core::RevisionId]| strs(&items.iter().map(ToString::to_string).collect::<Vec<_>>());
    let id = r.id.as_str();
    let parents = ids(&r.parents);
    let depends_on = ids(&r.depends_on);
    let labels = strs(&r.branch_labels);
    let message = &r.message;
    let transactional = r.transactional;
    let up = &r.up.sql;
    let up_line = r.up.first_line as u32;
    let down = match &r.down {
        Some(d) => {
            let (sql, line) = (&d.sql, d.first_line as u32);
            quote! { ::core::option::Option::Some(::migrate_runtime::EmbeddedSection { sql: #sql, first_line: #line }) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let checksum = r.checksum.0;
    let path = &r.source.path;
    quote! {
        ::migrate_runtime::EmbeddedRevision {
            id: #id,
            parents: #parents,
            depends_on: #depends_on,
            branch_labels: #labels,
            message: #message,
            transactional: #transactional,
            up: ::migrate_runtime::EmbeddedSection { sql: #up, first_line: #up_line },
            down: #down,
            checksum: [#(#checksum),*],
            path: #path,
        }
    }
}
