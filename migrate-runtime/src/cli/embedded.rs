//! `Migrations` as a front door: `myapp migrate …` answers the shared database verbs over the
//! embedded revisions, with no cargo and no source tree on the machine.

use std::borrow::Cow;
use std::ffi::OsString;
use std::process::ExitCode;

use migrate_core::RevisionGraph;

use super::args::{Format, MigrateCli};
use super::{Failure, GraphUse, Invocation, RevisionSource};
use crate::migrations::Migrations;

impl RevisionSource for Migrations {
    fn graph(&self, _purpose: GraphUse) -> Result<Cow<'_, RevisionGraph>, Failure> {
        // Checked by `embed_migrations!` when the binary was built: valid for every purpose.
        Migrations::graph(self).map(Cow::Borrowed).map_err(|e| Failure::from_error(&e, None))
    }

    fn origin(&self) -> String {
        format!("embedded from `{}` (checked when this binary was built)", self.dir())
    }

    fn rust(&self) -> &'static [crate::rust::RustRevision] {
        self.rust_revisions()
    }
}

impl Migrations {
    /// Answers `<program> migrate …` when `args` (as from [`std::env::args_os`]) start that
    /// way: parses the shared command set (`--help` included), runs the verb, prints its output
    /// and returns the exit code to end the process with (0 done; 1 a problem, or `status` /
    /// `check --pending` finding the database behind; 2 usage). Returns `None` for any other
    /// arguments: boot as usual.
    ///
    /// The database comes from `--database-url`, then `DATABASE_URL` (environment, then the
    /// nearest `.env`), then `database-url` in `[package.metadata.migrate]` as embedded at build
    /// time; it is only resolved and connected to by a verb that needs it (`--help`, `heads`,
    /// `history`, `show`, `check` and `upgrade --sql` never connect). Errors are printed, with
    /// their code and the password hidden, and turned into the exit code: nothing to handle.
    pub async fn run_cli<I, T>(&self, args: I) -> Option<ExitCode>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        if args.get(1).is_none_or(|a| a != "migrate") {
            return None;
        }
        let program = args
            .first()
            .map(std::path::Path::new)
            .and_then(|p| p.file_name())
            .map_or_else(|| "myapp".to_owned(), |n| n.to_string_lossy().into_owned());
        let shown = format!("{program} migrate");
        args.splice(0..2, [OsString::from(&shown)]);
        let cli = match MigrateCli::command_for(&shown).try_get_matches_from(args) {
            Ok(matches) => match <MigrateCli as clap::FromArgMatches>::from_arg_matches(&matches) {
                Ok(cli) => cli,
                Err(e) => return Some(parse_failure(&e)),
            },
            Err(e) => return Some(parse_failure(&e)),
        };
        let inv = Invocation {
            program: shown,
            table: self.table().to_owned(),
            config_url: self.config_database_url().map(str::to_owned),
            lock: self.lock_strategy(),
            transaction: self.transaction_mode(),
            revisions: self,
            global: &cli.global,
        };
        let color = super::output::use_color(cli.global.color);
        Some(match super::run(&inv, &cli.command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => failure.report(color, cli.global.format == Format::Json),
        })
    }
}

impl MigrateCli {
    /// The clap command, named as the user typed it (`myapp migrate`) in usage and help.
    fn command_for(name: &str) -> clap::Command {
        <Self as clap::CommandFactory>::command().bin_name(name.to_owned()).display_name(name.to_owned())
    }
}

/// Prints clap's message (help on stdout, errors on stderr) and returns its exit code.
fn parse_failure(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() { ExitCode::from(super::USAGE) } else { ExitCode::SUCCESS }
}
