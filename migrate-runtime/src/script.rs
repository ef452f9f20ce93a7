//! Offline SQL: the script an upgrade or downgrade would run, for `psql`, `mariadb` or
//! `sqlite3`, with the history table's DDL and rows. Built from the same plan, the same
//! statement splitter and the same history statements as an online run.

use migrate_core::{Direction, Plan, RevisionGraph};

use crate::dialect::{Dialect, SqlText as _};
use crate::engine::section_statements;
use crate::error::MigrateError;
use crate::history::{HistoryRow, State, now};
use crate::session::{changes_context, restore_statement};
use crate::table::HistoryTable;

/// The script for `plan` in `dialect`, recording into `table`. `database` is the MySQL
/// database the history table is in (the path of the URL, when one is configured): a script
/// whose revisions run `USE` switches back to it after them, as an online run does.
///
/// Like an online run (see `session`): a PostgreSQL revision that changes `search_path` has it
/// put back after it (saved at the top of the script as `migrate.search_path`); a SQLite script
/// turns foreign keys off and makes a revision that leaves a broken foreign key fail (a CHECK
/// on the count of `pragma_foreign_key_check`).
///
/// # Errors
/// [`MigrateError::Split`] when a revision's SQL cannot be split; an irreversible revision in a
/// downgrade; [`MigrateError::ScriptNeedsDatabase`] for a MySQL revision with `USE` when
/// `database` is `None`.
pub fn script(
    graph: &RevisionGraph,
    plan: &Plan,
    dialect: Dialect,
    table: &str,
    database: Option<&str>,
    app_command: &str,
) -> Result<String, MigrateError> {
    let graph = &*graph.on_dialect(dialect);
    let direction = if plan.direction == Direction::Up { "upgrade" } else { "downgrade" };
    let up = plan.direction == Direction::Up;
    let table = HistoryTable::new(dialect, table);
    let sections = plan
        .steps
        .iter()
        .map(|&n| section_statements(graph.revision(n), up, dialect))
        .collect::<Result<Vec<_>, _>>()?;
    // The summary goes: it would no longer describe the history (see `summary`); the next
    // boot reads the rows and writes a new one.
    let mut out = format!(
        "-- cargo migrate {direction}: {} revision(s), for {dialect}, generated {}\n\n{};\n{};\n",
        plan.steps.len(),
        now(),
        table.create(),
        table.delete_summary()
    );
    let context_changes = sections.iter().any(|st| changes_context(dialect, st));
    match dialect {
        Dialect::Postgres if context_changes => out.push_str(
            "SELECT set_config('migrate.search_path', current_setting('search_path'), false); -- put back after revisions that change it\n",
        ),
        Dialect::Sqlite => out.push_str(
            "PRAGMA foreign_keys = OFF; -- SQLite's procedure for schema changes: each revision checks them before it commits\nCREATE TEMP TABLE IF NOT EXISTS migrate_foreign_key_check (violations INTEGER CONSTRAINT foreign_key_check_failed CHECK (violations = 0));\n",
        ),
        _ => {}
    }
    for (&node, statements) in plan.steps.iter().zip(&sections) {
        let r = graph.revision(node);
        if r.is_rust() {
            // The script stops here: what follows may need what the Rust revision does.
            tracing::warn!(revision = %r.id, "the script stops before Rust revision {}: it cannot run it", r.id);
            let run = if up {
                format!(
                    "`{app_command} upgrade {}`), then the rest: `cargo migrate upgrade --sql {}:heads`",
                    r.id, r.id
                )
            } else {
                let below = r.parents.first().map_or("base", |p| p.as_str());
                format!("`{app_command} downgrade {below}`)")
            };
            out.push_str(&format!(
                "\n-- GAP: revision {} ({}) is a Rust revision, which a script cannot run: this script stops here.\n-- Run it with the application ({run}.\n",
                r.id, r.source.path
            ));
            break;
        }
        let in_transaction = r.transactional && dialect.transactional_ddl();
        out.push_str(&format!("\n-- {direction} {}: {} ({})\n", r.id, r.message, r.source.path));
        if in_transaction {
            out.push_str(&format!("{};\n", dialect.begin()));
        }
        for s in statements {
            out.push_str(&terminated(&s.sql, dialect));
            if let Some(data) = &s.copy_data {
                out.push_str(data);
                out.push_str("\\.\n");
            }
        }
        if changes_context(dialect, statements) {
            let restore = match dialect {
                Dialect::Postgres => {
                    "SELECT set_config('search_path', current_setting('migrate.search_path'), false)".to_owned()
                }
                _ => {
                    let Some(database) = database else {
                        let line = statements.iter().find(|s| changes_context(dialect, std::slice::from_ref(*s)));
                        return Err(MigrateError::ScriptNeedsDatabase {
                            revision: r.id.to_string(),
                            path: r.source.path.clone(),
                            line: line.map_or(0, |s| s.line),
                        });
                    };
                    restore_statement(dialect, database)
                }
            };
            out.push_str(&format!("{restore};\n"));
        }
        if dialect == Dialect::Sqlite {
            out.push_str("INSERT INTO migrate_foreign_key_check SELECT COUNT(*) FROM pragma_foreign_key_check;\n");
        }
        let bookkeeping = match plan.direction {
            Direction::Up => table.insert(&HistoryRow::for_revision(r, State::Applied, 0)),
            Direction::Down => table.delete(r.id.as_str()),
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
