//! `MigrateError`: everything that stops a migration, each with a stable code and a message
//! that says what to do. Messages never contain a password (URLs are redacted).

use std::time::Duration;

use crate::history::{Drift, Unresolved};

/// Why a migration (or a status read) did not complete.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The URL's scheme is not one this build supports.
    #[error(
        "unsupported database URL `{url}`: use postgres://, mysql://, mariadb:// or sqlite: (enabled features: {enabled})"
    )]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
        /// The database features compiled in.
        enabled: &'static str,
    },
    /// Connecting failed.
    #[error("cannot connect to `{url}`: {message}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// The driver's error, password redacted.
        message: String,
    },
    /// The server did not answer in time.
    #[error("timed out connecting to `{url}` after {}s: the server accepted no connection or did not answer (raise the connect timeout, or check the host and port)", waited.as_secs_f64())]
    ConnectTimeout {
        /// The URL, password redacted.
        url: String,
        /// How long we waited.
        waited: Duration,
    },
    /// A statement of our own (history table, lock) failed.
    #[error("database error while {doing}: {message}")]
    Database {
        /// What we were doing.
        doing: String,
        /// The database's message.
        message: String,
    },
    /// A statement of a revision failed.
    #[error("revision `{revision}` failed at {path}:{line} ({direction}): {message}{hint}")]
    Statement {
        /// The revision id.
        revision: String,
        /// Its file.
        path: String,
        /// The line of the failing statement.
        line: usize,
        /// `up` or `down`.
        direction: &'static str,
        /// The database's message.
        message: String,
        /// What to do next (empty when the failure rolled back cleanly).
        hint: String,
    },
    /// SQLite: a revision left rows whose foreign keys point nowhere (`PRAGMA
    /// foreign_key_check` before it commits; foreign keys are off while revisions run).
    #[error("revision `{revision}` ({path}, {direction}) breaks foreign keys: {violations}{hint}")]
    ForeignKeyViolation {
        /// The revision id.
        revision: String,
        /// Its file.
        path: String,
        /// `up` or `down`.
        direction: &'static str,
        /// The first violations found, by table.
        violations: String,
        /// What to do next (empty when the revision rolled back).
        hint: String,
    },
    /// A MySQL `--sql` script whose revision runs `USE`: switching back needs the name of the
    /// database the history table is in, which a script made without a connection only knows
    /// from a configured URL.
    #[error(
        "revision `{revision}` switches databases (`USE`, {path}:{line}); the script must switch back to the database of the history table: give its URL (--database-url, DATABASE_URL or database-url; no connection is made)"
    )]
    ScriptNeedsDatabase {
        /// The revision id.
        revision: String,
        /// Its file.
        path: String,
        /// The line of the `USE` statement.
        line: usize,
    },
    /// A revision's SQL cannot be split into statements.
    #[error("revision `{revision}` ({path}) cannot be split into statements: {detail}")]
    Split {
        /// The revision id.
        revision: String,
        /// Its file.
        path: String,
        /// What is unterminated, and where.
        detail: String,
    },
    /// Applied revisions have changed since.
    #[error("refusing to migrate: applied revision(s) changed since they were applied: {}; restore the files, or move the change into a new revision", list_drift(.0))]
    Drift(Vec<Drift>),
    /// Rows were left `started` or `failed`.
    #[error("refusing to migrate: {}; check the schema by hand, then run: {}", list_unresolved(.0), resolve_hints(.0))]
    Unresolved(Vec<Unresolved>),
    /// The database has revisions this binary does not know and that do not descend from it.
    #[error("refusing to migrate: the database has revision(s) this binary does not know and that do not descend from its head: {}; deploy a binary built from a branch that contains them", .0.join(", "))]
    Diverged(Vec<String>),
    /// The migration lock stayed held.
    #[error("the migration lock for `{table}` is held by {holder}; gave up after {}s (raise the lock timeout, or stop the holder)", waited.as_secs())]
    LockTimeout {
        /// The history table whose lock it is.
        table: String,
        /// Who holds it, as far as the database can tell.
        holder: String,
        /// How long we waited.
        waited: Duration,
    },
    /// The target does not parse or resolve.
    #[error(transparent)]
    Target(#[from] migrate_core::TargetError),
    /// No plan reaches the target.
    #[error(transparent)]
    Plan(#[from] migrate_core::PlanError),
    /// The history table has a row this version cannot read.
    #[error("the history table `{table}` has a row this version cannot read: {detail}")]
    CorruptHistory {
        /// The table.
        table: String,
        /// What is wrong.
        detail: String,
    },
    /// `resolve` on a revision that has nothing to resolve.
    #[error("revision `{revision}` has no started or failed row to resolve")]
    NothingToResolve {
        /// The revision id.
        revision: String,
    },
    /// The history table's name is not a plain identifier.
    #[error("refusing history table name `{name}`: {why}")]
    TableName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// `run_cli` was given words it does not know.
    #[error("{0}")]
    Usage(String),
    /// The embedded revisions do not form a valid graph (cannot happen with
    /// `embed_migrations!`, which checks at compile time).
    #[error("the revisions are invalid:\n{0}")]
    Invalid(migrate_core::Diagnostics),
}

impl MigrateError {
    /// A stable kebab-case code for each kind.
    pub fn code(&self) -> &'static str {
        match self {
            MigrateError::UnsupportedUrl { .. } => "unsupported-url",
            MigrateError::Connect { .. } => "connect",
            MigrateError::ConnectTimeout { .. } => "connect-timeout",
            MigrateError::Database { .. } => "database",
            MigrateError::Statement { .. } => "statement-failed",
            MigrateError::ForeignKeyViolation { .. } => "foreign-key-violation",
            MigrateError::ScriptNeedsDatabase { .. } => "script-needs-database",
            MigrateError::Split { .. } => "unsplittable-sql",
            MigrateError::Drift(_) => "drift",
            MigrateError::Unresolved(_) => "unresolved",
            MigrateError::Diverged(_) => "diverged",
            MigrateError::LockTimeout { .. } => "lock-timeout",
            MigrateError::Target(_) => "target",
            MigrateError::Plan(_) => "plan",
            MigrateError::CorruptHistory { .. } => "corrupt-history",
            MigrateError::NothingToResolve { .. } => "nothing-to-resolve",
            MigrateError::Invalid(_) => "invalid-revisions",
            MigrateError::Usage(_) => "usage",
            MigrateError::TableName { .. } => "invalid-table-name",
        }
    }

    pub(crate) fn db(doing: impl Into<String>, e: &sqlx::Error) -> Self {
        MigrateError::Database { doing: doing.into(), message: db_message(e) }
    }
}

/// The database's own message for `e` (for a database error, its text and code).
pub(crate) fn db_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (code {code})", db.message()),
            None => db.message().to_owned(),
        },
        other => other.to_string(),
    }
}

fn list_drift(d: &[Drift]) -> String {
    d.iter().map(|d| format!("`{}` ({})", d.revision, d.path)).collect::<Vec<_>>().join(", ")
}

fn list_unresolved(u: &[Unresolved]) -> String {
    u.iter()
        .map(|u| match &u.error {
            Some(e) => format!("revision `{}` is {} ({e})", u.revision, u.state.as_str()),
            None => format!(
                "revision `{}` is {} (it ran outside a transaction and may be partly applied)",
                u.revision,
                u.state.as_str()
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn resolve_hints(u: &[Unresolved]) -> String {
    u.iter()
        .map(|u| format!("`cargo migrate resolve {} --applied` or `--rolled-back`", u.revision))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `url` with its password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let redacted_authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let mut out = format!("{scheme}://{redacted_authority}");
    if let Some(tail) = tail {
        out.push('/');
        out.push_str(&redact_query(tail));
    }
    out
}

/// Redacts `password=` query parameters.
fn redact_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else { return tail.to_owned() };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword") => {
                format!("{k}=***")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

/// `text` with every occurrence of the password of `url` replaced by `***`.
pub fn redact_secret(text: &str, url: &str) -> String {
    match password_of(url) {
        Some(p) if !p.is_empty() => text.replace(&p, "***"),
        _ => text.to_owned(),
    }
}

fn password_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    userinfo.split_once(':').map(|(_, p)| p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://app:s3cr%21t@db:5432/prod"), "postgres://app:***@db:5432/prod");
        assert_eq!(redact_url("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact_url("postgres://h/db?user=a&password=hunter2"), "postgres://h/db?user=a&password=***");
        assert_eq!(redact_url("sqlite://dev.db"), "sqlite://dev.db");
        assert_eq!(redact_secret("failed for app:s3cr%21t", "postgres://app:s3cr%21t@db/prod"), "failed for app:***");
    }
}
