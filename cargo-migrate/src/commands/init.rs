//! `cargo migrate init`: the migrations folder, `[package.metadata.migrate]` in Cargo.toml
//! (edited with toml_edit, so formatting and comments stay), and the build.rs line that makes
//! added or deleted revision files rebuild the crate. Running it again changes nothing.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use super::check::rerun_line;
use crate::context::Context;
use crate::exit::Failure;

/// The URL `init` writes: SQLite needs nothing installed.
const DEFAULT_DATABASE_URL: &str = "sqlite://dev.db";

/// Runs `init`.
pub fn exec(ctx: &Context, args: &crate::cli::InitArgs) -> Result<(), Failure> {
    let pkg = &ctx.package;
    let dir = args.dir.clone().unwrap_or_else(|| pkg.config.dir.clone());
    let mut done = Vec::new();
    if edit_manifest(&pkg.manifest_path, &dir, args.dir.is_some())? {
        done.push(format!("added [package.metadata.migrate] to {}", ctx.shown(&pkg.manifest_path)));
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

/// Adds the missing keys of `[package.metadata.migrate]`; returns whether the file changed.
fn edit_manifest(manifest: &Path, dir: &str, dir_given: bool) -> Result<bool, Failure> {
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
    if migrate.to_string() == before {
        return Ok(false);
    }
    std::fs::write(manifest, doc.to_string()).map_err(|e| Failure::Problem(format!("cannot write `{shown}`: {e}")))?;
    Ok(true)
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
