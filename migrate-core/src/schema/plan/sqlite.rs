//! SQLite's order. `ALTER TABLE` only renames tables and columns, adds a column (not in a key,
//! NOT NULL only with a constant non-NULL default) and drops a column nothing else names; every
//! other table change is the documented rebuild (<https://sqlite.org/lang_altertable.html>,
//! section 7) inside the revision's transaction, with `PRAGMA defer_foreign_keys = ON`.
//!
//! Order: defer foreign keys (when rebuilding or dropping a table) → views dropped (all of them
//! when a table is rebuilt) → tables and columns renamed → indexes dropped → tables created
//! (their stored text, foreign keys inline) → columns added and dropped → rebuilds (each
//! re-creates its indexes and triggers) → tables dropped → indexes created → views created.
//!
//! A rebuild's `DROP TABLE` deletes every row first, which fires the ON DELETE action of other
//! tables' foreign keys referencing it: a rebuild of such a table is refused.

use super::super::autogen::AutogenError;
use super::super::changes::{column_losses, dropped_column, dropped_table};
use super::super::diff::{Diff, TableDiff, effective_default};
use super::super::model::{Column, ForeignKey, Table, Unmanaged};
use super::super::text::mentions;
use super::{Op, Rebuild, Step, changed_tables, step, views};
use crate::schema::render::sqlite::create_sql_renamed;

/// The SQLite plan of `diff`; `unmanaged` is `to`'s (a rebuild re-runs its table's triggers).
///
/// # Errors
///
/// [`AutogenError::Unsupported`] when a rebuilt table is referenced with an ON DELETE action,
/// when a rebuild needs a value for a new NOT NULL column without a default, or when a stored
/// `CREATE TABLE` text cannot be renamed.
pub(crate) fn plan<'a>(diff: &'a Diff<'a>, unmanaged: &'a [Unmanaged]) -> Result<Vec<Step<'a>>, AutogenError> {
    let rebuilt: Vec<&TableDiff<'_>> = diff.tables.iter().filter(|t| needs_rebuild(diff, t)).collect();
    let mut steps = Vec::new();
    if !rebuilt.is_empty() || !diff.tables_dropped.is_empty() {
        steps.push(step(Op::DeferForeignKeys));
    }
    let mut changed = changed_tables(diff);
    changed.extend(rebuilt.iter().map(|t| t.to.name.as_str()));
    let (views_dropped, views_created) = views::touched(diff, &changed, !rebuilt.is_empty());
    steps.extend(views_dropped.into_iter().map(|v| step(Op::DropView(v))));
    // Other tables' triggers naming a rebuilt table: SQLite checks them at the rename.
    let foreign_triggers: Vec<&Unmanaged> = unmanaged
        .iter()
        .filter(|u| u.kind.eq_ignore_ascii_case("trigger"))
        .filter(|u| !rebuilt.iter().any(|r| u.table.as_deref() == Some(r.to.name.as_str())))
        .filter(|u| {
            rebuilt.iter().any(|r| mentions(&u.definition, &r.to.name) || mentions(&u.definition, &r.from.name))
        })
        .collect();
    steps.extend(foreign_triggers.iter().map(|&t| step(Op::DropTrigger(t))));
    let is_rebuilt = |t: &TableDiff<'_>| rebuilt.iter().any(|r| r.to.name == t.to.name);
    for t in &diff.tables {
        if t.renamed() {
            steps.push(step(Op::RenameTable { from: &t.from.name, to: &t.to.name }));
        }
        if !is_rebuilt(t) {
            for (a, b) in t.renamed_columns() {
                steps.push(step(Op::RenameColumn { table: &t.to.name, from: &a.name, to: &b.name }));
            }
        }
    }
    for t in diff.tables.iter().filter(|t| !is_rebuilt(t)) {
        steps.extend(t.indexes_dropped.iter().map(|index| step(Op::DropIndex { table: &t.to.name, index })));
    }
    steps.extend(diff.tables_created.iter().map(|t| step(Op::CreateTable(t))));
    for t in diff.tables.iter().filter(|t| !is_rebuilt(t)) {
        steps.extend(t.columns_added.iter().map(|column| step(Op::AddColumn { table: &t.to.name, column })));
        for c in &t.columns_dropped {
            let losses = vec![dropped_column(&t.to.name, &c.name)];
            steps.push(Step { op: Op::DropColumn { table: &t.to.name, column: &c.name }, losses });
        }
    }
    for t in &rebuilt {
        steps.push(rebuild(diff, t, unmanaged)?);
    }
    for t in &diff.tables_dropped {
        steps.push(Step { op: Op::DropTable(t), losses: vec![dropped_table(&t.name)] });
    }
    for t in diff.tables.iter().filter(|t| !is_rebuilt(t)) {
        steps.extend(t.indexes_added.iter().map(|index| step(Op::CreateIndex { table: &t.to.name, index })));
    }
    for t in &diff.tables_created {
        steps.extend(t.indexes.iter().map(|index| step(Op::CreateIndex { table: &t.name, index })));
    }
    steps.extend(views_created.into_iter().map(|v| step(Op::CreateView(v))));
    steps.extend(foreign_triggers.into_iter().map(|t| step(Op::CreateTrigger(t))));
    Ok(steps)
}

/// Whether a table's changes need a rebuild: anything beyond renames, index changes and the
/// column adds and drops `ALTER TABLE` can make (`STRICT` and `WITHOUT ROWID` included).
fn needs_rebuild(diff: &Diff<'_>, t: &TableDiff<'_>) -> bool {
    t.options_changed
        || !t.columns_changed.is_empty()
        || t.primary_key.is_some()
        || !t.uniques_added.is_empty()
        || !t.uniques_dropped.is_empty()
        || !t.foreign_keys_added.is_empty()
        || !t.foreign_keys_dropped.is_empty()
        || !t.checks_added.is_empty()
        || !t.checks_dropped.is_empty()
        || t.columns_added.iter().any(|c| !can_add(t.to, c))
        || t.columns_dropped.iter().any(|c| !can_drop(diff, t, c))
}

fn in_key(table: &Table, column: &str) -> bool {
    table.primary_key.iter().chain(&table.uniques).any(|k| k.columns.iter().any(|c| c == column))
}

/// Whether `ALTER TABLE … ADD COLUMN` can add `column`: not in a key, not a stored generated
/// column nor an autoincrement, NOT NULL only with a default, a constant default.
fn can_add(table: &Table, column: &Column) -> bool {
    let default = effective_default(column).map(str::trim);
    let constant = default.is_none_or(|d| {
        !d.starts_with('(')
            && !["current_time", "current_date", "current_timestamp"].contains(&d.to_ascii_lowercase().as_str())
    });
    !in_key(table, &column.name)
        && column.generated.as_ref().is_none_or(|g| !g.stored)
        && column.identity.is_none()
        && (column.nullable || default.is_some() || column.generated.is_some())
        && constant
}

/// Whether `ALTER TABLE … DROP COLUMN` can drop `column`: no key, kept index, foreign key,
/// CHECK or generated column of its table names it, and no other table's foreign key
/// references it.
fn can_drop(diff: &Diff<'_>, t: &TableDiff<'_>, column: &Column) -> bool {
    let name = column.name.as_str();
    let table = t.from;
    let kept_index = table.indexes.iter().filter(|i| !t.indexes_dropped.iter().any(|d| d.name == i.name)).any(|i| {
        i.parts.iter().chain(&i.include).chain(&i.predicate).any(|p| mentions(p, name))
            || i.create_sql.as_deref().is_some_and(|s| mentions(s, name))
    });
    let referenced = diff.tables.iter().map(|o| o.from).chain(diff.tables_dropped.iter().copied()).any(|o| {
        o.foreign_keys
            .iter()
            .any(|fk| fk.referenced_table == table.name && fk.referenced_columns.iter().any(|c| c == name))
    });
    !in_key(table, name)
        && !kept_index
        && !referenced
        && !table.foreign_keys.iter().any(|fk| fk.columns.iter().any(|c| c == name))
        && !table.checks.iter().any(|c| mentions(&c.expression, name))
        && !table.columns.iter().filter_map(|c| c.generated.as_ref()).any(|g| mentions(&g.expression, name))
}

fn no_action(fk: &ForeignKey) -> bool {
    let action = fk.on_delete.trim();
    action.is_empty() || action.eq_ignore_ascii_case("no action")
}

/// The rebuild of table `t`, or why it is refused.
fn rebuild<'a>(diff: &'a Diff<'a>, t: &'a TableDiff<'a>, unmanaged: &'a [Unmanaged]) -> Result<Step<'a>, AutogenError> {
    let names = [t.from.name.as_str(), t.to.name.as_str()];
    let others = diff.tables.iter().flat_map(|o| [o.from, o.to]).chain(diff.tables_created.iter().copied());
    let mut referencing: Vec<String> = others
        .filter(|o| !names.contains(&o.name.as_str()))
        .filter(|o| o.foreign_keys.iter().any(|fk| names.contains(&fk.referenced_table.as_str()) && !no_action(fk)))
        .map(|o| o.name.clone())
        .collect();
    referencing.dedup();
    if !referencing.is_empty() {
        return Err(AutogenError::Unsupported {
            what: format!(
                "rebuilding sqlite table {} (a rebuild drops it, which fires the ON DELETE action of the foreign keys of {} referencing it)",
                t.to.name,
                referencing.join(", ")
            ),
            help: "write this revision by hand".to_string(),
        });
    }
    if let Some(sql) = &t.to.create_sql
        && create_sql_renamed(sql, "x").is_none()
    {
        return Err(AutogenError::Unsupported {
            what: format!(
                "rebuilding sqlite table {}: its stored CREATE TABLE text does not start with its name",
                t.to.name
            ),
            help: "write this revision by hand".to_string(),
        });
    }
    let mut copy = Vec::new();
    for new in t.to.columns.iter().filter(|c| c.generated.is_none()) {
        match t.columns.iter().find(|(_, n)| n.name == new.name) {
            Some((old, _)) if old.generated.is_none() => {
                let fill = (!new.nullable && old.nullable).then(|| effective_default(new)).flatten();
                copy.push((new.name.as_str(), old.name.as_str(), fill));
            }
            _ if new.nullable || effective_default(new).is_some() || is_rowid_alias(t.to, new) => {}
            _ => {
                return Err(AutogenError::Unsupported {
                    what: format!(
                        "adding NOT NULL column {}.{} without a default to existing rows",
                        t.to.name, new.name
                    ),
                    help: "give the column a default in the schema, or write this revision by hand".to_string(),
                });
            }
        }
    }
    let mut losses: Vec<String> = t.columns_dropped.iter().map(|c| dropped_column(&t.to.name, &c.name)).collect();
    for change in &t.columns_changed {
        losses.extend(column_losses(&t.to.name, change));
    }
    let triggers = unmanaged
        .iter()
        .filter(|u| u.kind.eq_ignore_ascii_case("trigger") && u.table.as_deref() == Some(t.to.name.as_str()))
        .collect();
    Ok(Step { op: Op::Rebuild(Rebuild { table: t.to, copy, triggers }), losses })
}

/// Whether `column` is the table's `INTEGER PRIMARY KEY` (SQLite fills it).
fn is_rowid_alias(table: &Table, column: &Column) -> bool {
    table.primary_key.as_ref().is_some_and(|k| k.columns == [column.name.clone()])
        && column.data_type.eq_ignore_ascii_case("integer")
}
