//! One file per subcommand, each with `pub fn exec`. Shared presentation of revisions lives in
//! `describe.rs`; writing new revision files in `scaffold.rs`.

mod branches;
mod check;
mod database;
mod db_verbs;
mod describe;
mod heads;
mod history;
mod init;
mod merge;
mod new;
mod scaffold;
mod show;

use crate::cli::Command;
use crate::context::Context;
use crate::exit::Failure;

/// Runs one command.
pub fn exec(ctx: &Context, command: Command) -> Result<(), Failure> {
    match command {
        Command::Init(args) => init::exec(ctx, &args),
        Command::New(args) => new::exec(ctx, &args),
        Command::Merge(args) => merge::exec(ctx, &args),
        Command::Heads => heads::exec(ctx),
        Command::Branches => branches::exec(ctx),
        Command::History(args) => history::exec(ctx, &args),
        Command::Show(args) => show::exec(ctx, &args),
        Command::Check(args) => check::exec(ctx, &args),
        Command::Current => db_verbs::current(ctx),
        Command::Status => db_verbs::status(ctx),
        Command::Upgrade(args) => db_verbs::migrate(ctx, &args, db_verbs::Verb::Upgrade),
        Command::Downgrade(args) => db_verbs::migrate(ctx, &args, db_verbs::Verb::Downgrade),
        Command::Stamp(args) => db_verbs::stamp(ctx, &args),
        Command::Resolve(args) => db_verbs::resolve(ctx, &args),
        Command::Reset(args) => db_verbs::reset(ctx, &args),
    }
}
