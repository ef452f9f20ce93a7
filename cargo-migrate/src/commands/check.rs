//! `cargo migrate check`: every file and graph rule, all problems at once; exit 1 on any
//! error. Also warns when the build script would miss added or deleted revision files.

use migrate_core::{Code, Diagnostic};
use serde_json::json;

use crate::context::Context;
use migrate_runtime::cli::Failure;

/// The line `cargo migrate init` puts in build.rs.
pub fn rerun_line(dir: &str) -> String {
    format!("cargo:rerun-if-changed={dir}")
}

/// Runs `check`.
pub fn exec(ctx: &Context, args: &migrate_runtime::cli::CheckArgs) -> Result<(), Failure> {
    if args.schema {
        return super::schema_check::exec(ctx, &args.dev_url);
    }
    let loaded = ctx.load_with_sql();
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(check_build_script(ctx));
    let revisions = loaded.graph.as_ref().map_or(0, |g| g.len());
    let heads = loaded.graph.as_ref().map_or(0, |g| g.heads().len());
    let has_errors = diagnostics.has_errors();
    if has_errors && !ctx.json() {
        return Err(Failure::Invalid(diagnostics));
    }
    if args.pending && !has_errors {
        ctx.print_warnings(&diagnostics);
        let graph = loaded.graph.ok_or_else(|| Failure::Problem("no revision graph".into()))?;
        super::database::init_logging(ctx);
        let inv = ctx.invocation();
        return super::database::runtime()?.block_on(migrate_runtime::cli::check_pending(&inv, &graph));
    }
    if ctx.json() {
        migrate_runtime::cli::print_json(&json!({
            "ok": !has_errors,
            "revisions": revisions,
            "heads": heads,
            "diagnostics": diagnostics.iter().map(migrate_runtime::cli::diagnostic_json).collect::<Vec<_>>(),
        }));
        return if has_errors { Err(Failure::Silent) } else { Ok(()) };
    }
    ctx.print_warnings(&diagnostics);
    if !ctx.quiet {
        println!("ok: {revisions} revision(s), {heads} head(s) {}", migrate_runtime::cli::RevisionSource::origin(ctx));
    }
    Ok(())
}

/// A warning when the package's build script lacks `cargo:rerun-if-changed=<dir>`.
fn check_build_script(ctx: &Context) -> Option<Diagnostic> {
    let path = ctx.package.root.join("build.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let dir = &ctx.package.config.dir;
    let ok = text.contains(&rerun_line(dir)) || text.contains(&format!("cargo::rerun-if-changed={dir}"));
    (!ok).then(|| {
        Diagnostic::warning(Code::MissingRerunIfChanged, format!("the build script does not say `{}`", rerun_line(dir)))
            .with_label(ctx.shown(&path), None, "")
            .with_help("without it, adding or deleting a revision file does not rebuild the crate that embeds them; run `cargo migrate init` to add it")
    })
}
