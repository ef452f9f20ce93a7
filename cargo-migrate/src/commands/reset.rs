//! `cargo migrate reset`: development only — revert every revision and apply them all again
//! (a SQLite file is deleted and recreated). Refuses a database that is not on this machine
//! unless `--force`, and asks unless `--yes`.

use std::io::BufRead;

use migrate_core::Target;
use migrate_runtime::cli::{Failure, GraphUse, RevisionSource, print_report, with_database};
use migrate_runtime::tool;
use migrate_runtime::{Dialect, redact_url};

use super::database::{init_logging, runtime};
use crate::cli::ResetArgs;
use crate::context::Context;

/// `true` for a URL whose host is this machine (or a SQLite file).
fn is_local(url: &str) -> bool {
    if Dialect::from_url(url) == Some(Dialect::Sqlite) {
        return true;
    }
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return false };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| h.trim_start_matches('[')).unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    matches!(host, "" | "localhost" | "127.0.0.1" | "::1") || host.starts_with("127.")
}

/// Runs `reset`.
pub fn exec(ctx: &Context, args: &ResetArgs) -> Result<(), Failure> {
    let graph = ctx.graph(GraphUse::Migrate)?;
    let inv = ctx.invocation();
    let url = inv.database_url()?;
    let shown = redact_url(url.as_str());
    if !is_local(url.as_str()) && !args.force {
        return Err(Failure::Problem(format!(
            "refusing to reset `{shown}`: it is not on this machine (pass --force if you really mean it)"
        )));
    }
    if !args.yes {
        eprint!("reset `{shown}`: revert every revision and apply them again? type `yes`: ");
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Failure::Problem(format!("cannot read the answer: {e}")))?;
        if answer.trim() != "yes" {
            return Err(Failure::Problem("reset cancelled".into()));
        }
    }
    let sqlite_file = url.as_str().strip_prefix("sqlite://").or_else(|| url.as_str().strip_prefix("sqlite:"));
    if let Some(path) = sqlite_file {
        let file = path.split('?').next().unwrap_or(path);
        for suffix in ["", "-wal", "-shm"] {
            match std::fs::remove_file(format!("{file}{suffix}")) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Failure::Problem(format!("cannot remove `{file}{suffix}`: {e}"))),
            }
        }
    }
    let opts = inv.options(std::time::Duration::from_secs(600), migrate_runtime::DriftPolicy::Refuse);
    init_logging(ctx);
    let report = runtime()?.block_on(with_database(&inv, async |pool| {
        if pool.as_db().dialect() != Dialect::Sqlite {
            tool::downgrade(pool.as_db(), &graph, &Target::BASE, &opts).await?;
        }
        tool::upgrade(pool.as_db(), &graph, &Target::HEADS, &opts).await
    }))?;
    print_report(&inv, &report, true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn local_hosts() {
        assert!(is_local("sqlite://dev.db"));
        assert!(is_local("postgres://u:p@localhost/db"));
        assert!(is_local("mysql://root@127.0.0.1:3306/test"));
        assert!(is_local("postgres://[::1]:5432/db"));
        assert!(!is_local("postgres://u:p@db.example.com/prod"));
        assert!(!is_local("mysql://10.0.0.5/prod"));
    }
}
