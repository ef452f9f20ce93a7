//! Code generation for `embed_migrations!`: locate the folder, load and validate it through
//! migrate-core, and quote the static table. No parsing or graph rule is implemented here.

use std::path::{Path, PathBuf};

use migrate_core::{Config, Diagnostic, Dialect, RawRevision, RawVariant, Revision, load_dir, read_config};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

/// Overrides the package root the macro reads from. For this crate's compile-fail tests only:
/// trybuild builds them in a generated crate whose `CARGO_MANIFEST_DIR` is elsewhere.
const MANIFEST_DIR_OVERRIDE: &str = "MIGRATE_MACROS_TEST_MANIFEST_DIR";

/// The macro's arguments: `["dir"] [, database = "sqlite"]`.
pub(crate) struct Args {
    dir: Option<LitStr>,
    database: Option<(Dialect, Span)>,
}

impl syn::parse::Parse for Args {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args { dir: None, database: None };
        if input.peek(LitStr) {
            args.dir = Some(input.parse()?);
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "database" {
                return Err(syn::Error::new(key.span(), "expected `database = \"postgres\" | \"mysql\" | \"sqlite\"`"));
            }
            input.parse::<syn::Token![=]>()?;
            let value: LitStr = input.parse()?;
            let dialect = Dialect::from_name(&value.value()).ok_or_else(|| {
                syn::Error::new(value.span(), "the database is \"postgres\", \"mysql\" or \"sqlite\"")
            })?;
            args.database = Some((dialect, value.span()));
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// Expands the macro, or returns every problem as one combined error.
pub(crate) fn expand(args: &Args) -> syn::Result<TokenStream> {
    let dir = args.dir.as_ref();
    let root = package_root()?;
    let manifest = root.join("Cargo.toml");
    let config = read_package_config(&manifest)?;
    let rel_dir = dir.map_or(config.dir.clone(), LitStr::value);
    let mut loaded = load_dir(&root.join(&rel_dir), &root);
    loaded.check_statements(&config.dialects);
    let tracked: Vec<TokenStream> = loaded.files.iter().map(|p| track(p)).collect();
    let graph = loaded.into_valid_graph().map_err(|d| combine(d.iter().filter(|d| d.is_error())))?;
    let mut text = String::new();
    let mut records = Vec::with_capacity(graph.len() * RawRevision::RECORD);
    let mut variants = Vec::new();
    for (i, &n) in graph.topological_order().iter().enumerate() {
        revision(&mut text, graph.revision(n), &mut records);
        for v in &graph.revision(n).variants {
            let [start, len] = push(&mut text, &v.section.sql);
            let section = [start, len, v.section.first_line as u32];
            RawVariant { revision: i as u32, dialect: v.dialect, up: v.up, section }.encode(&mut variants);
        }
    }
    let records = syn::LitByteStr::new(&records, Span::call_site());
    let variants = syn::LitByteStr::new(&variants, Span::call_site());
    let (rust_items, rust_table) = rust_revisions(&graph, &root, args.database)?;
    let table = &config.table;
    let shown_dir = migrate_core::display_path(&root.join(&rel_dir), &root);
    let manifest_track = manifest.exists().then(|| track(&manifest));
    let lock = &config.lock;
    // What the boot fast path compares, computed here once instead of at every boot: one
    // digest, or one per dialect (in `Dialect::ALL` order) when a section is marked for one.
    let digest = if !graph.has_variants() {
        migrate_core::applied_history_digest(&graph)
    } else {
        let digests = Dialect::ALL.map(|d| migrate_core::applied_history_digest(&graph.on_dialect(d)));
        digests.join(",")
    };
    let heads = graph.real_heads().iter().map(|&n| graph.revision(n).id.as_str()).collect::<Vec<_>>().join(",");
    let transaction = &config.transaction;
    let database_url =
        config.database_url.as_deref().map(|u| migrate_core::anchor_sqlite_url(u, &root)).unwrap_or_default();
    Ok(quote! {{
        #manifest_track
        #(#tracked)*
        #rust_items
        ::migrate_runtime::Migrations::__from_embedded(#text, #records, ::migrate_runtime::__private::EmbeddedMeta {
            table: #table,
            dir: #shown_dir,
            database_url: #database_url,
            lock: #lock,
            transaction: #transaction,
            digest: #digest,
            heads: #heads,
            variants: #variants,
            rust: #rust_table,
        })
    }})
}

/// The value expanded next to the errors, so the user sees the errors and no type error.
pub(crate) fn fallback(error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {{
        #errors
        ::migrate_runtime::Migrations::__from_embedded("", b"", ::migrate_runtime::__private::EmbeddedMeta {
            table: "",
            dir: "",
            database_url: "",
            lock: "auto",
            transaction: "revision",
            digest: "",
            heads: "",
            variants: b"",
            rust: &[],
        })
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

/// The Rust revisions compiled in: each file a module (`#[path]`, so the compiler's errors
/// point into it), a wrapper per function boxing its future on the database's connection
/// type, and the table of wrappers the runtime runs.
fn rust_revisions(
    graph: &migrate_core::RevisionGraph,
    root: &Path,
    database: Option<(Dialect, Span)>,
) -> syn::Result<(TokenStream, TokenStream)> {
    let rust: Vec<&Revision> =
        graph.topological_order().iter().map(|&n| graph.revision(n)).filter(|r| r.is_rust()).collect();
    if rust.is_empty() {
        return Ok((TokenStream::new(), quote! { &[] }));
    }
    let Some((dialect, span)) = database else {
        let files: Vec<&str> = rust.iter().map(|r| r.source.path.as_str()).collect();
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "the migrations folder has Rust revisions ({}): name the database their functions take the connection of, as in embed_migrations!(database = \"sqlite\")",
                files.join(", ")
            ),
        ));
    };
    let (variant, connection) = match dialect {
        Dialect::Postgres => (quote::format_ident!("Postgres", span = span), quote! { PgConnection }),
        Dialect::MySql => (quote::format_ident!("MySql", span = span), quote! { MySqlConnection }),
        Dialect::Sqlite => (quote::format_ident!("Sqlite", span = span), quote! { SqliteConnection }),
    };
    let mut items = TokenStream::new();
    let mut entries = Vec::new();
    for r in rust {
        let module = quote::format_ident!("__migrate_rust_{}", r.id.as_str());
        let path = root.join(&r.source.path);
        let path = path.canonicalize().unwrap_or(path).to_string_lossy().into_owned();
        // Named after the revision and its file, for the compiler's message about a wrong
        // return type (`RevisionResult`).
        let file_part: String = r
            .source
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let marker = quote::format_ident!("revision_{}_in_{}", r.id.as_str(), file_part);
        let wrapper = |name: &str| {
            let function = quote::format_ident!("{}", name);
            let wrapper = quote::format_ident!("__migrate_rust_{}_{}", r.id.as_str(), name);
            let item = quote! {
                fn #wrapper<'c>(
                    conn: &'c mut ::migrate_runtime::sqlx::#connection,
                ) -> ::migrate_runtime::rust::RustFuture<'c> {
                    ::std::boxed::Box::pin(async move {
                        ::migrate_runtime::rust::RevisionResult::<#marker>::into_boxed(#module::#function(conn).await)
                    })
                }
            };
            (item, quote! { ::migrate_runtime::rust::RustFn::#variant(#wrapper) })
        };
        let (up_item, up) = wrapper("up");
        let (down_item, down) = match &r.down {
            Some(_) => {
                let (item, f) = wrapper("down");
                (item, quote! { ::core::option::Option::Some(#f) })
            }
            None => (TokenStream::new(), quote! { ::core::option::Option::None }),
        };
        items.extend(quote! {
            #[allow(non_camel_case_types)]
            struct #marker;
            #[path = #path]
            mod #module;
            #up_item
            #down_item
        });
        let id = r.id.as_str();
        entries.push(quote! { ::migrate_runtime::rust::RustRevision { id: #id, up: #up, down: #down } });
    }
    Ok((items, quote! { &[#(#entries),*] }))
}

/// Appends `part` to the text and returns its `[start, len]`.
fn push(text: &mut String, part: &str) -> [u32; 2] {
    let start = text.len() as u32;
    text.push_str(part);
    [start, part.len() as u32]
}

/// Appends one record to the table: offsets into the shared text, no pointers.
fn revision(text: &mut String, r: &Revision, out: &mut Vec<u8>) {
    let join = |ids: &[migrate_core::RevisionId]| ids.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(",");
    let record = RawRevision {
        id: push(text, r.id.as_str()),
        parents: push(text, &join(&r.parents)),
        depends_on: push(text, &join(&r.depends_on)),
        branch_labels: push(text, &r.branch_labels.join(",")),
        message: push(text, &r.message),
        up: {
            let [start, len] = push(text, &r.up.sql);
            [start, len, r.up.first_line as u32]
        },
        down: match &r.down {
            Some(d) => {
                let [start, len] = push(text, &d.sql);
                [start, len, d.first_line as u32]
            }
            None => [0, 0, 0],
        },
        file_name: push(text, &r.source.file_name),
        checksum: r.checksum.0,
        transactional: r.transactional,
        rust: r.is_rust(),
    };
    record.encode(out);
}
