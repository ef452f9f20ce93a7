//! "Which database?": the one resolution both front doors and applications use — the
//! `--database-url` flag, then `DATABASE_URL` from the environment, then `DATABASE_URL` from the
//! nearest `.env` (the working folder or above), then `database-url` in
//! `[package.metadata.migrate]`. A relative SQLite path is relative to where it was written
//! ([`migrate_core::anchor_sqlite_url`]): the working folder for the flag and the environment,
//! the `.env` file's folder, the package root for Cargo.toml.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{MigrateError, redact_url};

/// Where a [`DatabaseUrl`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlSource {
    /// The `--database-url` option.
    Flag,
    /// `DATABASE_URL` in the environment.
    Environment,
    /// `DATABASE_URL` in this `.env` file.
    DotEnv(PathBuf),
    /// `database-url` in `[package.metadata.migrate]`.
    Config,
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--database-url"),
            UrlSource::Environment => f.write_str("DATABASE_URL"),
            UrlSource::DotEnv(path) => write!(f, "DATABASE_URL in {}", path.display()),
            UrlSource::Config => f.write_str("database-url in [package.metadata.migrate]"),
        }
    }
}

/// A resolved database URL and where it came from. Displayed redacted, with its source.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    source: UrlSource,
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseUrl").field("url", &self.redacted()).field("source", &self.source).finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.redacted(), self.source)
    }
}

impl DatabaseUrl {
    /// Resolves the URL: `flag`, then `DATABASE_URL` in the environment, then in the nearest
    /// `.env` at or above the working folder, then `config` (already anchored to the package
    /// root, as `embed_migrations!` and `cargo migrate` pass it). An empty value counts as
    /// unset.
    ///
    /// # Errors
    /// [`MigrateError::NoDatabaseUrl`] when none of them gives a URL (the message lists the
    /// four places); a `.env` file that cannot be read is skipped.
    pub fn resolve(flag: Option<&str>, config: Option<&str>) -> Result<Self, MigrateError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let found = flag
            .filter(|u| !u.is_empty())
            .map(|u| (anchored(u, &cwd), UrlSource::Flag))
            .or_else(|| {
                let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty())?;
                Some((anchored(&url, &cwd), UrlSource::Environment))
            })
            .or_else(|| {
                let (url, file) = dotenv_url(&cwd)?;
                let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
                Some((anchored(&url, &folder), UrlSource::DotEnv(file)))
            })
            .or_else(|| Some((config.filter(|u| !u.is_empty())?.to_owned(), UrlSource::Config)));
        match found {
            Some((url, source)) => Ok(Self { url, source }),
            None => Err(MigrateError::NoDatabaseUrl),
        }
    }

    /// A URL given directly (by an application that knows its database).
    pub fn given(url: impl Into<String>) -> Self {
        Self { url: url.into(), source: UrlSource::Flag }
    }

    /// The URL to connect to (it may hold a password: show [`DatabaseUrl::redacted`]).
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Where it came from.
    pub fn source(&self) -> &UrlSource {
        &self.source
    }

    /// The URL with its password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }
}

/// A relative SQLite path made absolute against `base`, so `-v` shows the file that opens.
fn anchored(url: &str, base: &Path) -> String {
    migrate_core::anchor_sqlite_url(url, base)
}

/// `DATABASE_URL` from the nearest `.env` at or above `cwd`, with the file's path.
fn dotenv_url(cwd: &Path) -> Option<(String, PathBuf)> {
    let file = cwd.ancestors().map(|dir| dir.join(".env")).find(|p| p.is_file())?;
    let url = dotenvy::from_path_iter(&file)
        .ok()?
        .filter_map(Result::ok)
        .find(|(key, value)| key == "DATABASE_URL" && !value.is_empty())?
        .1;
    Some((url, file))
}
