//! One file per subcommand of the package's own (`init`, `new`, `merge`, `check`, `reset`, `test`, `diff`,
//! `schema dump`),
//! each with `pub fn exec`; writing new revision files is `scaffold.rs`, `new --autogenerate` is
//! `autogenerate.rs`, scratch databases on development servers `dev_servers.rs`. The database verbs
//! shared with `myapp migrate` are `migrate_runtime::cli`'s, run here on the migrations folder.

mod autogenerate;
mod check;
mod database;
mod dev_servers;
mod diff;
mod init;
mod merge;
mod new;
mod reset;
mod scaffold;
mod schema_check;
mod schema_dump;
mod test;

use migrate_runtime::cli::{DbCommand, Failure};

use crate::cli::Command;
use crate::context::Context;

/// Runs one command.
pub fn exec(ctx: &Context, command: Command) -> Result<(), Failure> {
    match command {
        Command::Init(args) => init::exec(ctx, &args),
        Command::New(args) => new::exec(ctx, &args),
        Command::Merge(args) => merge::exec(ctx, &args),
        Command::Reset(args) => reset::exec(ctx, &args),
        Command::Test(args) => test::exec(ctx, &args),
        Command::Diff(args) => diff::exec(ctx, &args),
        Command::Schema(crate::cli::SchemaCommand::Dump(args)) => schema_dump::exec(ctx, &args),
        // `check` validates the files (what the embedded set had checked at build time).
        Command::Db(DbCommand::Check(args)) => check::exec(ctx, &args),
        Command::Db(verb) => {
            database::init_logging(ctx);
            database::runtime()?.block_on(migrate_runtime::cli::run(&ctx.invocation(), &verb))
        }
    }
}
