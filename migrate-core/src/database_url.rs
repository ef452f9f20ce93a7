//! Where a relative SQLite path in a database URL points: the one rule both front doors
//! (`cargo migrate` and `myapp migrate`) and `embed_migrations!` follow. A relative path is
//! relative to the place it was written: the package root for `database-url` in Cargo.toml,
//! the folder of the `.env` file for a `.env` line, the working folder for a flag or an
//! environment variable (as sqlx itself opens it).

use std::path::Path;

/// `url` with a relative SQLite file path made absolute against `base`. Other URLs, absolute
/// paths, `sqlite::memory:` and an empty path are returned unchanged; the query string is kept.
///
/// ```
/// # use std::path::Path;
/// use migrate_core::anchor_sqlite_url;
/// assert_eq!(anchor_sqlite_url("sqlite://dev.db?mode=rwc", Path::new("/app")), "sqlite:///app/dev.db?mode=rwc");
/// assert_eq!(anchor_sqlite_url("sqlite:///var/db.sqlite", Path::new("/app")), "sqlite:///var/db.sqlite");
/// assert_eq!(anchor_sqlite_url("postgres://h/db", Path::new("/app")), "postgres://h/db");
/// ```
pub fn anchor_sqlite_url(url: &str, base: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        return url.to_owned();
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() || path.starts_with('/') || path.starts_with(':') || Path::new(path).is_absolute() {
        return url.to_owned();
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    let mut out = format!("sqlite://{}", base.join(path).display());
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_anchored_and_the_rest_kept() {
        let base = Path::new("/srv/app");
        assert_eq!(anchor_sqlite_url("sqlite:dev.db", base), "sqlite:///srv/app/dev.db");
        assert_eq!(anchor_sqlite_url("sqlite://./data/dev.db", base), "sqlite:///srv/app/data/dev.db");
        assert_eq!(anchor_sqlite_url("sqlite::memory:", base), "sqlite::memory:");
        assert_eq!(anchor_sqlite_url("sqlite://", base), "sqlite://");
        assert_eq!(anchor_sqlite_url("mysql://root@h/db", base), "mysql://root@h/db");
    }
}
