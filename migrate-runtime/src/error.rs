//! `MigrateError`: everything that stops a migration, each with a stable [`ErrorCode`] (listed
//! in docs/DIAGNOSTICS.md) and a message that says what to do. Messages never contain a password
//! (URLs are redacted). A database's own error is kept as the [`DbError`] source.

use std::fmt;
use std::time::Duration;

use crate::history::{Drift, Unresolved};

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// The stable, kebab-case code of each kind of [`MigrateError`] (shown as
        /// `error[code]`; docs/DIAGNOSTICS.md lists them).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, for documentation and the uniqueness test.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as printed, e.g. `lock-timeout`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    /// The URL's scheme is not one this build supports.
    UnsupportedUrl => "unsupported-url",
    /// Connecting failed.
    Connect => "connect",
    /// The server did not answer in time.
    ConnectTimeout => "connect-timeout",
    /// A statement of our own failed.
    Database => "database",
    /// A revision's statement failed.
    StatementFailed => "statement-failed",
    /// SQLite: a revision broke a foreign key.
    ForeignKeyViolation => "foreign-key-violation",
    /// A MySQL `--sql` script needs the database's name.
    ScriptNeedsDatabase => "script-needs-database",
    /// A revision's SQL cannot be split.
    UnsplittableSql => "unsplittable-sql",
    /// Applied revisions changed since.
    Drift => "drift",
    /// Rows were left `started` or `failed`.
    Unresolved => "unresolved",
    /// The database has revisions the binary does not know and that do not descend from it.
    Diverged => "diverged",
    /// The migration lock stayed held.
    LockTimeout => "lock-timeout",
    /// The target does not parse or resolve.
    Target => "target",
    /// No plan reaches the target.
    Plan => "plan",
    /// A history row cannot be read.
    CorruptHistory => "corrupt-history",
    /// `resolve` on a revision with nothing to resolve.
    NothingToResolve => "nothing-to-resolve",
    /// The embedded revisions are invalid.
    InvalidRevisions => "invalid-revisions",
    /// Unknown command-line words.
    Usage => "usage",
    /// A session lock was asked for where it would not hold.
    LockUnreliable => "lock-unreliable",
    /// The lease was taken over during the run.
    LockLost => "lock-lost",
    /// A run cannot be one transaction here.
    RunTransactionRefused => "run-transaction-refused",
    /// No database URL was given anywhere.
    NoDatabaseUrl => "no-database-url",
    /// The history table's name is not an identifier.
    InvalidTableName => "invalid-table-name",
    /// A plain SQL file (a declarative schema) does not load.
    SqlFileFailed => "sql-file-failed",
    /// A Rust revision is not compiled into this process (`cargo migrate`): nothing ran.
    RustNotCompiledIn => "rust-not-compiled-in",
    /// A Rust revision compiled for another database.
    RustWrongDatabase => "rust-wrong-database",
    /// A Rust revision's function returned an error.
    RustFailed => "rust-failed",
    /// The stairway (`cargo migrate test`): a revision's down section did not return the
    /// schema to what it was before its up section.
    DownMismatch => "down-mismatch",
    /// Autogenerate refused to write a plan: a change that loses data without
    /// `--allow-destructive`, a rename that names nothing, or a change it cannot plan.
    AutogenerateRefused => "autogenerate-refused",
    /// Autogenerate's proof failed: the generated up section did not produce the schema file,
    /// or its down section did not return to the revisions' schema. Nothing was written.
    NoRoundTrip => "no-round-trip",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A database driver's error, kept as the source of a [`MigrateError`] for programs that
/// inspect it ([`DbError::sqlx`], [`DbError::code`]). Displayed as the database's message and
/// code with any password of the URL replaced by `***`; it reports no source of its own, so an
/// error-chain printer cannot show the driver's text unredacted.
#[derive(Debug)]
pub struct DbError(Box<(sqlx::Error, Option<String>)>);

impl DbError {
    pub(crate) fn new(inner: sqlx::Error) -> Self {
        Self(Box::new((inner, None)))
    }

    pub(crate) fn redacting(inner: sqlx::Error, url: &str) -> Self {
        Self(Box::new((inner, password_of(url).filter(|p| !p.is_empty()))))
    }

    /// The driver's error.
    pub fn sqlx(&self) -> &sqlx::Error {
        &self.0.0
    }

    /// The database's error code (SQLSTATE on PostgreSQL, e.g. `42P01`), when it gave one.
    pub fn code(&self) -> Option<String> {
        match self.sqlx() {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = db_message(self.sqlx());
        match &self.0.1 {
            Some(secret) => f.write_str(&text.replace(secret.as_str(), "***")),
            None => f.write_str(&text),
        }
    }
}

impl std::error::Error for DbError {}

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
    #[error("cannot connect to `{url}`: {source}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// The driver's error (displayed with the password redacted).
        source: DbError,
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
    #[error("database error while {doing}: {source}")]
    Database {
        /// What we were doing.
        doing: String,
        /// The database's error.
        source: DbError,
    },
    /// A statement of a revision failed.
    #[error("revision `{revision}` failed at {path}:{line} ({direction}): {source}{hint}")]
    Statement {
        /// The revision id.
        revision: String,
        /// Its file.
        path: String,
        /// The line of the failing statement.
        line: usize,
        /// `up` or `down`.
        direction: &'static str,
        /// What to do next (empty when the failure rolled back cleanly).
        hint: String,
        /// The database's error.
        #[source]
        source: DbError,
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
    #[error(
        "refusing to migrate: {}; check the schema by hand, then run: {}",
        list_unresolved(rows),
        resolve_hints(rows, command)
    )]
    Unresolved {
        /// The rows.
        rows: Vec<Unresolved>,
        /// The command the hint names (`cargo migrate`, `myapp migrate`).
        command: String,
    },
    /// The database has revisions this binary does not know and that do not descend from it.
    #[error("refusing to migrate: the database has revision(s) this binary does not know and that do not descend from its head: {}; deploy a binary built from a branch that contains them", .0.iter().map(migrate_core::RevisionId::as_str).collect::<Vec<_>>().join(", "))]
    Diverged(Vec<migrate_core::RevisionId>),
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
    /// `lock = "advisory"` where the server says a session lock would not hold.
    #[error("refusing to take a session lock: {why}; use the lease lock (`lock = \"lease\"` or `auto`)")]
    LockUnreliable {
        /// What the server said.
        why: String,
    },
    /// The lease was taken over by another process after this one stalled past its expiry.
    #[error(
        "the migration lease for `{table}` was taken over by another process after it expired (this run stalled longer than the lease's time to live); stopped before the next revision — run the upgrade again"
    )]
    LockLost {
        /// The history table whose lease it was.
        table: String,
    },
    /// `transaction = "run"` where a run cannot be one transaction.
    #[error("refusing to run every revision in one transaction: {why}; use transaction = \"revision\"")]
    RunTransactionRefused {
        /// Why not.
        why: String,
    },
    /// No database was named anywhere.
    #[error(
        "no database: pass --database-url, set DATABASE_URL (in the environment or a .env file), or set `database-url` in [package.metadata.migrate]"
    )]
    NoDatabaseUrl,
    /// The history table's name is not a plain identifier.
    #[error("refusing history table name `{name}`: {why}")]
    TableName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// The command line was wrong (an unknown option or value).
    #[error("{0}")]
    Usage(String),
    /// A plain SQL file (a declarative schema) failed to load on a scratch database.
    #[error("{path}:{line}: {message}")]
    SqlFile {
        /// The file, as shown.
        path: String,
        /// The line of the statement that failed (0: the file does not split into statements).
        line: usize,
        /// The database's message, or why it does not split.
        message: String,
    },
    /// A plan holds a Rust revision and this process did not compile it in (`cargo migrate`):
    /// refused before anything runs.
    #[error(
        "revision `{revision}` ({path}) is a Rust revision: only the application that embeds the migrations runs it; run `{command}` (the deployed binary, or `cargo run -- migrate …`), then go on"
    )]
    RustNotCompiledIn {
        /// The revision.
        revision: String,
        /// Its file.
        path: String,
        /// The application's command to run instead.
        command: String,
    },
    /// A Rust revision compiled for one database asked to run on another.
    #[error(
        "revision `{revision}` was compiled for {compiled} (embed_migrations!(database = …)) and cannot run on {database}"
    )]
    RustWrongDatabase {
        /// The revision.
        revision: String,
        /// The database it was compiled for.
        compiled: crate::Dialect,
        /// The database connected to.
        database: crate::Dialect,
    },
    /// A Rust revision's function returned an error.
    #[error("revision `{revision}` failed in its Rust `{function}` function ({path}): {message}{hint}")]
    RustFailed {
        /// The revision.
        revision: String,
        /// Its file.
        path: String,
        /// `up` or `down`.
        function: &'static str,
        /// The error it returned.
        message: String,
        /// What state the database is left in, when not rolled back.
        hint: String,
    },
    /// The stairway (`cargo migrate test`): after a revision's up and down sections the
    /// schema is not what it was before the up section.
    #[error(
        "revision `{revision}` ({path}): its down section does not undo its up section on {dialect}; from the schema before the up section to the one after the down section:\n{}",
        differences.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n")
    )]
    DownMismatch {
        /// The revision.
        revision: String,
        /// Its file.
        path: String,
        /// The database it ran on.
        dialect: crate::Dialect,
        /// What changed from the schema before the up section to the one after the down
        /// section, one change per line (`added index ix on t`).
        differences: Vec<String>,
    },
    /// Autogenerate refused to plan the differences (see [`migrate_core::schema::AutogenError`]).
    #[error("{dialect}: {message}")]
    AutogenerateRefused {
        /// The database the plan was for.
        dialect: crate::Dialect,
        /// Why, and what to do.
        message: String,
    },
    /// Autogenerate's proof on the scratch database failed: nothing was written.
    #[error(
        "{dialect}: the generated {direction} section does not round-trip on a scratch database, so nothing was written{}{}{}",
        failure.as_deref().map(|f| format!(": {f}")).unwrap_or_default(),
        differences.iter().map(|d| format!("\n  {d}")).collect::<String>(),
        notes.iter().map(|n| format!("\n  note: {n}; if the plan needs it, write a revision that creates it first")).collect::<String>()
    )]
    NoRoundTrip {
        /// The database it ran on.
        dialect: crate::Dialect,
        /// `up` (did not produce the schema file) or `down` (did not return to the revisions').
        direction: &'static str,
        /// The statement that failed, with the database's message, if one failed.
        failure: Option<String>,
        /// What still differs afterwards, one change per line.
        differences: Vec<String>,
        /// Objects of the schema file autogenerate does not create (a function a view calls).
        notes: Vec<String>,
    },
    /// The embedded revisions do not form a valid graph (cannot happen with
    /// `embed_migrations!`, which checks at compile time).
    #[error("the revisions are invalid:\n{0}")]
    Invalid(migrate_core::Diagnostics),
}

impl MigrateError {
    /// The stable code of this kind of error.
    pub fn code(&self) -> ErrorCode {
        match self {
            MigrateError::UnsupportedUrl { .. } => ErrorCode::UnsupportedUrl,
            MigrateError::Connect { .. } => ErrorCode::Connect,
            MigrateError::ConnectTimeout { .. } => ErrorCode::ConnectTimeout,
            MigrateError::Database { .. } => ErrorCode::Database,
            MigrateError::Statement { .. } => ErrorCode::StatementFailed,
            MigrateError::ForeignKeyViolation { .. } => ErrorCode::ForeignKeyViolation,
            MigrateError::ScriptNeedsDatabase { .. } => ErrorCode::ScriptNeedsDatabase,
            MigrateError::Split { .. } => ErrorCode::UnsplittableSql,
            MigrateError::Drift(_) => ErrorCode::Drift,
            MigrateError::Unresolved { .. } => ErrorCode::Unresolved,
            MigrateError::Diverged(_) => ErrorCode::Diverged,
            MigrateError::LockTimeout { .. } => ErrorCode::LockTimeout,
            MigrateError::Target(_) => ErrorCode::Target,
            MigrateError::Plan(_) => ErrorCode::Plan,
            MigrateError::CorruptHistory { .. } => ErrorCode::CorruptHistory,
            MigrateError::NothingToResolve { .. } => ErrorCode::NothingToResolve,
            MigrateError::Invalid(_) => ErrorCode::InvalidRevisions,
            MigrateError::Usage(_) => ErrorCode::Usage,
            MigrateError::DownMismatch { .. } => ErrorCode::DownMismatch,
            MigrateError::AutogenerateRefused { .. } => ErrorCode::AutogenerateRefused,
            MigrateError::NoRoundTrip { .. } => ErrorCode::NoRoundTrip,
            MigrateError::SqlFile { .. } => ErrorCode::SqlFileFailed,
            MigrateError::RustNotCompiledIn { .. } => ErrorCode::RustNotCompiledIn,
            MigrateError::RustWrongDatabase { .. } => ErrorCode::RustWrongDatabase,
            MigrateError::RustFailed { .. } => ErrorCode::RustFailed,
            MigrateError::NoDatabaseUrl => ErrorCode::NoDatabaseUrl,
            MigrateError::LockUnreliable { .. } => ErrorCode::LockUnreliable,
            MigrateError::LockLost { .. } => ErrorCode::LockLost,
            MigrateError::RunTransactionRefused { .. } => ErrorCode::RunTransactionRefused,
            MigrateError::TableName { .. } => ErrorCode::InvalidTableName,
        }
    }

    pub(crate) fn db(doing: impl Into<String>, e: sqlx::Error) -> Self {
        MigrateError::Database { doing: doing.into(), source: DbError::new(e) }
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

fn resolve_hints(u: &[Unresolved], command: &str) -> String {
    u.iter()
        .map(|u| format!("`{command} resolve {} --applied` or `--rolled-back`", u.revision))
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
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{code}");
        }
    }

    #[test]
    fn a_driver_error_is_the_source_and_is_shown_redacted() {
        let e = MigrateError::Connect {
            url: redact_url("postgres://app:hunter2@db/prod"),
            source: DbError::redacting(
                sqlx::Error::Protocol("bad auth for app:hunter2".into()),
                "postgres://app:hunter2@db/prod",
            ),
        };
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let source = std::error::Error::source(&e).expect("a source");
        assert!(source.to_string().contains("bad auth for app:***"), "{source}");
        assert!(std::error::Error::source(source).is_none(), "the driver's text is not reachable unredacted");
        assert_eq!(e.code(), "connect");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://app:s3cr%21t@db:5432/prod"), "postgres://app:***@db:5432/prod");
        assert_eq!(redact_url("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact_url("postgres://h/db?user=a&password=hunter2"), "postgres://h/db?user=a&password=***");
        assert_eq!(redact_url("sqlite://dev.db"), "sqlite://dev.db");
        assert_eq!(redact_secret("failed for app:s3cr%21t", "postgres://app:s3cr%21t@db/prod"), "failed for app:***");
    }
}
