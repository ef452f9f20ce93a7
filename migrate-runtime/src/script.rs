//! Offline SQL: the script an upgrade or downgrade would run, for `psql`, `mariadb` or
//! `sqlite3`, with the history table's DDL and rows. Built from the same plan, the same
//! statement splitter and the same history statements as an online run.

use migrate_core::{Direction, Plan, RevisionGraph};

use crate::dialect::{Dialect, SqlText as _};
use crate::engine::{row_for, section_statements};
use crate::error::MigrateError;
use crate::history::State;

/// The script for `plan` in `dialect`, recording into `table`.
///
/// # Errors
/// [`MigrateError::Split`] when a revision's SQL cannot be split; an irreversible revision in a
/// downgrade.
pub fn script(graph: &RevisionGraph, plan: &Plan, dialect: Dialect, table: &str) -> Result<String, MigrateError> {
    let direction = if plan.direction == Direction::Up { "upgrade" } else { "downgrade" };
    // The summary row goes: it would no longer describe the history (see `summary`); the next
    // boot reads the rows and writes a new one.
    let mut out = format!(
        "-- cargo migrate {direction}: {} revision(s), for {dialect}, generated {}\n\n{};\n{};\n",
        plan.steps.len(),
        crate::engine::now(),
        dialect.create_history(table),
        dialect.delete_summary(table)
    );
    for &node in &plan.steps {
        let r = graph.revision(node);
        let statements = section_statements(r, plan.direction == Direction::Up, dialect)?;
        let in_transaction = r.transactional && dialect.transactional_ddl();
        out.push_str(&format!("\n-- {direction} {}: {} ({})\n", r.id, r.message, r.source.path));
        if in_transaction {
            out.push_str(&format!("{};\n", dialect.begin()));
        }
        for s in &statements {
            out.push_str(&terminated(&s.sql, dialect));
        }
        let bookkeeping = match plan.direction {
            Direction::Up => dialect.insert_row(table, &row_for(r, State::Applied, 0)),
            Direction::Down => dialect.delete_row(table, r.id.as_str()),
        };
        out.push_str(&format!("{bookkeeping};\n"));
        if in_transaction {
            out.push_str("COMMIT;\n");
        }
    }
    Ok(out)
}

/// A statement with its terminator, safe to feed to the database's command-line client.
fn terminated(sql: &str, dialect: Dialect) -> String {
    if dialect == Dialect::MySql && sql.contains(';') {
        return format!("DELIMITER $$\n{sql}\n$$\nDELIMITER ;\n");
    }
    let last_line = sql.lines().last().unwrap_or("");
    if last_line.contains("--") || (dialect == Dialect::MySql && last_line.contains('#')) {
        format!("{sql}\n;\n")
    } else {
        format!("{sql};\n")
    }
}
