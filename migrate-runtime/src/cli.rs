//! `run_cli`: the operator commands inside a deployed binary — `myapp migrate status`,
//! `current`, `history`, `upgrade [TARGET]`, `downgrade TARGET`, `stamp TARGET [--purge]`,
//! `resolve REV --applied|--rolled-back` — with no cargo on the machine. A small hand parser:
//! the runtime does not pull in a CLI framework for seven words.

use std::fmt::Write as _;

use crate::backend::DbPool;
use crate::error::MigrateError;
use crate::migrations::Migrations;

/// What `run_cli` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CliOutcome {
    /// The arguments were not `<program> migrate …`: boot as usual.
    NotMigrate,
    /// A `migrate` command ran; this text was printed. Exit after it.
    Handled(String),
}

const USAGE: &str = "usage: migrate status | current | history | upgrade [TARGET] | downgrade TARGET | stamp TARGET [--purge] | resolve REV --applied|--rolled-back";

impl Migrations {
    /// Runs `<program> migrate <command>` when `args` (as from `std::env::args()`) start that
    /// way, printing the result to stdout; otherwise returns [`CliOutcome::NotMigrate`].
    ///
    /// # Errors
    /// [`MigrateError::Usage`] for unknown words; whatever the command's operation returns.
    pub async fn run_cli<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<CliOutcome, MigrateError> {
        let args: Vec<String> = args.into_iter().skip(1).collect();
        if args.first().map(String::as_str) != Some("migrate") {
            return Ok(CliOutcome::NotMigrate);
        }
        let words: Vec<&str> = args[1..].iter().map(String::as_str).collect();
        let pool = pool.into();
        let mut options = self.options();
        options.hint_command = format!("{} migrate", std::env::args().next().unwrap_or_else(|| "myapp".into()));
        let text = match words.as_slice() {
            ["status"] => status_text(&self.status(pool).await?),
            ["current"] => {
                let current = self.status(pool).await?.current;
                if current.is_empty() { "base\n".into() } else { format!("{}\n", current.join("\n")) }
            }
            ["history"] => {
                let mut out = String::new();
                for row in self.history(pool).await? {
                    let _ = writeln!(
                        out,
                        "{} {} {} {} ms {}",
                        row.applied_at,
                        row.revision,
                        row.state.as_str(),
                        row.duration_ms,
                        row.message
                    );
                }
                out
            }
            ["upgrade"] => report_text(&self.upgrade_to(pool, "heads", &options).await?),
            ["upgrade", target] => report_text(&self.upgrade_to(pool, target, &options).await?),
            ["downgrade", target] => report_text(&self.downgrade(pool, target, &options).await?),
            ["stamp", target] => report_text(&self.stamp(pool, target, false, &options).await?),
            ["stamp", target, "--purge"] | ["stamp", "--purge", target] => {
                report_text(&self.stamp(pool, target, true, &options).await?)
            }
            ["resolve", rev, flag @ ("--applied" | "--rolled-back")] => {
                self.resolve(pool, rev, *flag == "--applied", &options).await?;
                format!("resolved {rev}\n")
            }
            _ => return Err(MigrateError::Usage(USAGE.into())),
        };
        print!("{text}");
        Ok(CliOutcome::Handled(text))
    }
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() { "base".into() } else { ids.join(", ") }
}

fn report_text(r: &crate::engine::Report) -> String {
    let mut out = String::new();
    for s in &r.steps {
        let _ = writeln!(out, "{} {} ({} ms)", s.revision, s.message, s.duration.as_millis());
    }
    let _ = writeln!(out, "{} -> {}", list(&r.before), list(&r.after));
    out
}

fn status_text(s: &crate::history::Status) -> String {
    let mut out = format!(
        "current: {}\npending: {}\n",
        list(&s.current),
        if s.pending.is_empty() { "none".into() } else { s.pending.join(", ") }
    );
    for d in &s.drifted {
        let _ = writeln!(out, "drifted: {} ({})", d.revision, d.path);
    }
    for u in &s.unresolved {
        let _ = writeln!(out, "unresolved: {} is {}", u.revision, u.state.as_str());
    }
    if !s.ahead.is_empty() {
        let _ = writeln!(out, "ahead: {}", s.ahead.join(", "));
    }
    if !s.diverged.is_empty() {
        let _ = writeln!(out, "diverged: {}", s.diverged.join(", "));
    }
    out
}
