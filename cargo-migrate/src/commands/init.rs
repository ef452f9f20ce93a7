//! `cargo migrate init`: the migrations folder, `[package.metadata.migrate]` and the
//! `migrate-runtime` dependency in Cargo.toml (edited with toml_edit, so formatting and comments
//! stay), the build.rs line that makes added or deleted revision files rebuild the crate, and the
//! development SQLite file in `.gitignore`. Running it again changes nothing.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use super::check::rerun_line;
use crate::context::Context;
use migrate_runtime::cli::Failure;

/// The URL `init` writes: SQLite needs nothing installed.
const DEFAULT_DATABASE_URL: &str = "sqlite://dev.db";

/// Runs `init`.
pub fn exec(ctx: &Context, args: &crate::cli::InitArgs) -> Result<(), Failure> {
    let pkg = &ctx.package;
    let dir = args.dir.clone().unwrap_or_else(|| pkg.config.dir.clone());
    let mut done = Vec::new();
    for what in edit_manifest(&pkg.manifest_path, &dir, args.dir.is_some())? {
        done.push(format!("added {what} to {}", ctx.shown(&pkg.manifest_path)));
    }
    let folder = pkg.root.join(&dir);
    if !folder.is_dir() {
        std::fs::create_dir_all(&folder).map_err(|e| io_failure(ctx, &folder, &e))?;
        std::fs::write(folder.join(".gitkeep"), "").map_err(|e| io_failure(ctx, &folder, &e))?;
        done.push(format!("created {}/", ctx.shown(&folder)));
    }
    if let Some(what) = edit_build_script(ctx, &dir)? {
        done.push(what);
    }
    if let Some(what) = edit_gitignore(ctx)? {
        done.push(what);
    }
    if !ctx.quiet {
        if done.is_empty() {
            println!("already initialised: nothing to do");
        }
        for line in &done {
            println!("{line}");
        }
        println!(
            "next: `cargo migrate new -m \"create users\"`, and embed with\n  static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();"
        );
    }
    Ok(())
}

fn io_failure(ctx: &Context, path: &Path, e: &std::io::Error) -> Failure {
    Failure::Problem(format!("cannot write `{}`: {e}", ctx.shown(path)))
}

/// Adds the missing keys of `[package.metadata.migrate]` and the `migrate-runtime` dependency;
/// returns what it added.
fn edit_manifest(manifest: &Path, dir: &str, dir_given: bool) -> Result<Vec<&'static str>, Failure> {
    let shown = manifest.display();
    let text =
        std::fs::read_to_string(manifest).map_err(|e| Failure::Problem(format!("cannot read `{shown}`: {e}")))?;
    let mut doc: DocumentMut = text.parse().map_err(|e| Failure::Problem(format!("cannot parse `{shown}`: {e}")))?;
    let not_table = |what: &str| {
        Failure::Problem(format!(
            "cannot edit `{shown}`: `{what}` is not a table; add [package.metadata.migrate] by hand"
        ))
    };
    let package = doc.get_mut("package").and_then(Item::as_table_mut).ok_or_else(|| not_table("package"))?;
    let metadata = package
        .entry("metadata")
        .or_insert_with(implicit_table)
        .as_table_mut()
        .ok_or_else(|| not_table("package.metadata"))?;
    let migrate = metadata
        .entry("migrate")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| not_table("package.metadata.migrate"))?;
    let before = migrate.to_string();
    if dir_given || !migrate.contains_key("dir") {
        migrate["dir"] = value(dir);
    }
    if !migrate.contains_key("table") {
        migrate["table"] = value(migrate_core::DEFAULT_TABLE);
    }
    if !migrate.contains_key("database-url") {
        migrate["database-url"] = value(DEFAULT_DATABASE_URL);
    }
    let mut added = Vec::new();
    if migrate.to_string() != before {
        added.push("[package.metadata.migrate]");
    }
    let dependencies = doc
        .entry("dependencies")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| not_table("dependencies"))?;
    if !dependencies.contains_key("migrate-runtime") {
        dependencies["migrate-runtime"] = runtime_dependency();
        added.push("the migrate-runtime dependency");
    }
    if !added.is_empty() {
        std::fs::write(manifest, doc.to_string())
            .map_err(|e| Failure::Problem(format!("cannot write `{shown}`: {e}")))?;
    }
    Ok(added)
}

/// `migrate-runtime` at this tool's version, by path when the tool runs from a checkout that
/// holds it (the crate is not on crates.io yet).
fn runtime_dependency() -> Item {
    let version = env!("CARGO_PKG_VERSION");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(|p| p.join("migrate-runtime"));
    match checkout.filter(|p| p.join("Cargo.toml").is_file()) {
        Some(path) => {
            let mut t = toml_edit::InlineTable::new();
            t.insert("version", version.into());
            t.insert("path", path.display().to_string().into());
            value(t)
        }
        None => value(version),
    }
}

/// Adds the development SQLite file (and its journal files) to the package's `.gitignore`.
fn edit_gitignore(ctx: &Context) -> Result<Option<String>, Failure> {
    let url = ctx.package.config.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
    let Some(file) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else { return Ok(None) };
    let file = file.split('?').next().unwrap_or_default();
    if file.is_empty() || file.starts_with(':') || file.starts_with('/') {
        return Ok(None);
    }
    let path = ctx.package.root.join(".gitignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::Problem(format!("cannot read `{}`: {e}", ctx.shown(&path)))),
    };
    let entries = [format!("/{file}"), format!("/{file}-*")];
    let missing: Vec<&String> = entries.iter().filter(|e| !text.lines().any(|l| l.trim() == e.as_str())).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let mut out = text.clone();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("# The development database (written by `cargo migrate init`).\n");
    for e in &missing {
        out.push_str(e);
        out.push('\n');
    }
    std::fs::write(&path, out).map_err(|e| io_failure(ctx, &path, &e))?;
    Ok(Some(format!("{}: ignored the development database `{file}`", ctx.shown(&path))))
}

fn implicit_table() -> Item {
    let mut t = Table::new();
    t.set_implicit(true);
    Item::Table(t)
}

/// Writes build.rs, or adds the rerun line to the `fn main` of an existing one.
fn edit_build_script(ctx: &Context, dir: &str) -> Result<Option<String>, Failure> {
    let path = ctx.package.root.join("build.rs");
    let shown = ctx.shown(&path);
    let line = format!("    println!(\"{}\");", rerun_line(dir));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let script = format!(
                "// Rebuild when a revision file is added, edited or deleted (written by `cargo migrate init`).\nfn main() {{\n{line}\n}}\n"
            );
            std::fs::write(&path, script).map_err(|e| io_failure(ctx, &path, &e))?;
            return Ok(Some(format!("created {shown}")));
        }
        Err(e) => return Err(Failure::Problem(format!("cannot read `{shown}`: {e}"))),
    };
    if text.contains(&rerun_line(dir)) {
        return Ok(None);
    }
    let Some(at) = text.find("fn main()").and_then(|start| text[start..].find('{').map(|b| start + b + 1)) else {
        return Err(Failure::Problem(format!("`{shown}` has no `fn main()`; add `{}` to it by hand", line.trim())));
    };
    let edited = format!("{}\n{line}{}", &text[..at], &text[at..]);
    std::fs::write(&path, edited).map_err(|e| io_failure(ctx, &path, &e))?;
    Ok(Some(format!("{shown}: added `{}`", line.trim())))
}
