//! Running a plain SQL file that is not a revision — a declarative `schema.sql` — on a
//! database: split by the one statement splitter in the database's dialect, each statement
//! sent as a revision's would be, a failure named by the file's path and the statement's line
//! with the database's own message. For scratch databases (`cargo migrate check --schema`): no
//! transaction, no history.

use migrate_core::split::split_statements;

use crate::backend::{Conn, DbPool, statement_message};
use crate::error::MigrateError;

/// Runs every statement of `text` (the file shown as `path`) on the database of `pool`.
///
/// # Errors
/// [`MigrateError::SqlFile`] naming the file, the line and the database's message (or why
/// the text does not split); a connection error.
pub async fn run_sql_file(pool: DbPool<'_>, path: &str, text: &str) -> Result<(), MigrateError> {
    let dialect = pool.dialect();
    let statements = split_statements(text, dialect, 1).map_err(|e| MigrateError::SqlFile {
        path: path.to_owned(),
        line: 0,
        message: e.to_string(),
    })?;
    let mut conn = Conn::acquire(pool).await?;
    for s in &statements {
        let sent = match &s.copy_data {
            Some(data) => conn.copy_in(&s.sql, data).await,
            None => conn.execute(&s.sql).await,
        };
        if let Err(e) = sent {
            return Err(MigrateError::SqlFile { path: path.to_owned(), line: s.line, message: statement_message(&e) });
        }
    }
    Ok(())
}
