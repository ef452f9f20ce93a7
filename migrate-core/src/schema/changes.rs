//! The change lines of a diff, in Alembic-like wording (`added column users.email`), which of
//! them lose data, and the rename hints. Other tools match these lines exactly: change the
//! wording only together with them.

use super::diff::{Aspect, ColumnDiff, Diff, TableDiff, effective_default};
use super::model::{EnumType, ForeignKey, Key};
use super::widening::is_widening;

/// One change line, and whether the change can lose data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub text: String,
    pub destructive: bool,
}

fn safe(text: String) -> Change {
    Change { text, destructive: false }
}

/// `dropped table t`.
pub(crate) fn dropped_table(table: &str) -> String {
    format!("dropped table {table}")
}

/// `dropped column t.c`.
pub(crate) fn dropped_column(table: &str, column: &str) -> String {
    format!("dropped column {table}.{column}")
}

/// `changed values of enum n`.
pub(crate) fn changed_enum(name: &str) -> String {
    format!("changed values of enum {name}")
}

/// Whether re-creating an enum type from `old` to `new` drops a value rows may hold.
pub(crate) fn enum_loses_values(old: &EnumType, new: &EnumType) -> bool {
    old.values.iter().any(|v| !new.values.contains(v))
}

fn or_none(value: Option<&str>) -> &str {
    value.unwrap_or("none")
}

/// The line of one aspect of a changed column of table `table` (its name in `to`).
pub(crate) fn column_line(table: &str, change: &ColumnDiff<'_>, aspect: Aspect) -> String {
    let (a, b) = (change.from, change.to);
    let c = &b.name;
    match aspect {
        Aspect::Type => format!("changed type of {table}.{c} ({} -> {})", a.data_type, b.data_type),
        Aspect::Default => format!(
            "changed default of {table}.{c} ({} -> {})",
            or_none(effective_default(a)),
            or_none(effective_default(b))
        ),
        Aspect::Nullable if b.nullable => format!("made {table}.{c} nullable"),
        Aspect::Nullable => format!("made {table}.{c} NOT NULL"),
        Aspect::Identity => format!("changed identity of {table}.{c}"),
        Aspect::IdentityOptions => format!(
            "changed identity options of {table}.{c} ({} -> {})",
            a.identity_options.as_deref().unwrap_or("default"),
            b.identity_options.as_deref().unwrap_or("default")
        ),
        Aspect::Generated => format!("changed generated expression of {table}.{c}"),
        Aspect::Collation => format!("changed collation of {table}.{c}"),
        Aspect::Comment => format!("changed comment of {table}.{c}"),
        Aspect::OnUpdate => format!("changed on update of {table}.{c}"),
    }
}

/// Whether an aspect of a changed column can lose data: a type change that is not an obvious
/// widening (of a stored column), NOT NULL without a default (rows may hold NULL), a regular
/// column made generated (its stored values are replaced).
pub(crate) fn column_aspect_destructive(change: &ColumnDiff<'_>, aspect: Aspect) -> bool {
    let (a, b) = (change.from, change.to);
    match aspect {
        Aspect::Type => b.generated.is_none() && !is_widening(&a.data_type, &b.data_type),
        // NULLs either stop the change or are overwritten with the default: rows change.
        Aspect::Nullable => !b.nullable && b.generated.is_none(),
        Aspect::Generated => a.generated.is_none() && b.generated.is_some(),
        _ => false,
    }
}

/// The destructive lines of one changed column.
pub(crate) fn column_losses(table: &str, change: &ColumnDiff<'_>) -> Vec<String> {
    change
        .aspects
        .iter()
        .filter(|&&aspect| column_aspect_destructive(change, aspect))
        .map(|&aspect| column_line(table, change, aspect))
        .collect()
}

fn cols(columns: &[String]) -> String {
    columns.join(", ")
}

fn name_of(name: Option<&String>) -> &str {
    name.map_or("(unnamed)", String::as_str)
}

fn foreign_key_line(table: &str, fk: &ForeignKey) -> String {
    format!(
        "added foreign key {} on {table} ({}) -> {} ({})",
        name_of(fk.name.as_ref()),
        cols(&fk.columns),
        match &fk.referenced_schema {
            Some(schema) => format!("{schema}.{}", fk.referenced_table),
            None => fk.referenced_table.clone(),
        },
        cols(&fk.referenced_columns)
    ) + if fk.match_full { " match full" } else { "" }
}

fn primary_key_line(table: &str, change: (Option<&Key>, Option<&Key>)) -> String {
    match change {
        (None, Some(new)) => format!("added primary key on {table} ({})", cols(&new.columns)),
        (Some(_), None) => format!("dropped primary key on {table}"),
        (old, new) => format!(
            "changed primary key on {table} ({} -> {})",
            cols(old.map(|k| k.columns.as_slice()).unwrap_or_default()),
            cols(new.map(|k| k.columns.as_slice()).unwrap_or_default())
        ),
    }
}

/// Every change line of `diff`, in plan order, each marked destructive or not. Changes inside
/// a created or dropped table are not listed separately.
pub(crate) fn changes(diff: &Diff<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    out.extend(diff.enums_created.iter().map(|e| safe(format!("added enum type {}", e.name))));
    for (old, new) in &diff.enums_extended {
        for v in new.values.iter().filter(|v| !old.values.contains(v)) {
            out.push(safe(format!("added value '{v}' to enum {}", new.name)));
        }
    }
    for (old, new) in &diff.enums_recreated {
        out.push(Change { text: changed_enum(&new.name), destructive: enum_loses_values(old, new) });
    }
    out.extend(diff.tables_created.iter().map(|t| safe(format!("added table {}", t.name))));
    for t in &diff.tables {
        table_changes(t, &mut out);
    }
    out.extend(diff.tables_dropped.iter().map(|t| Change { text: dropped_table(&t.name), destructive: true }));
    out.extend(diff.views_dropped.iter().map(|v| safe(format!("dropped view {}", v.name))));
    out.extend(diff.views_created.iter().map(|v| safe(format!("added view {}", v.name))));
    out.extend(diff.views_changed.iter().map(|(_, v)| safe(format!("changed view {}", v.name))));
    out.extend(diff.enums_dropped.iter().map(|e| safe(format!("dropped enum type {}", e.name))));
    out
}

fn table_changes(t: &TableDiff<'_>, out: &mut Vec<Change>) {
    let name = &t.to.name;
    if t.renamed() {
        out.push(safe(format!("renamed table {} to {name}", t.from.name)));
    }
    for (a, b) in t.renamed_columns() {
        out.push(safe(format!("renamed column {name}.{} to {}", a.name, b.name)));
    }
    out.extend(t.columns_added.iter().map(|c| safe(format!("added column {name}.{}", c.name))));
    for change in &t.columns_changed {
        for &aspect in &change.aspects {
            let destructive = column_aspect_destructive(change, aspect);
            out.push(Change { text: column_line(name, change, aspect), destructive });
        }
    }
    out.extend(t.columns_dropped.iter().map(|c| Change { text: dropped_column(name, &c.name), destructive: true }));
    if let Some(change) = t.primary_key {
        out.push(safe(primary_key_line(name, change)));
    }
    for k in &t.uniques_dropped {
        out.push(safe(format!("dropped unique constraint {} on {name}", name_of(k.name.as_ref()))));
    }
    for k in &t.uniques_added {
        let nulls = if k.nulls_not_distinct { " nulls not distinct" } else { "" };
        let deferrable = k.deferrable.as_deref().map(|d| format!(" {}", d.to_ascii_lowercase())).unwrap_or_default();
        let (key, columns) = (name_of(k.name.as_ref()), cols(&k.columns));
        let line = format!("added unique constraint {key} on {name} ({columns}){nulls}{deferrable}");
        out.push(safe(line));
    }
    for fk in &t.foreign_keys_dropped {
        out.push(safe(format!("dropped foreign key {} on {name}", name_of(fk.name.as_ref()))));
    }
    out.extend(t.foreign_keys_added.iter().map(|fk| safe(foreign_key_line(name, fk))));
    for c in &t.checks_dropped {
        out.push(safe(format!("dropped check constraint {} on {name}", name_of(c.name.as_ref()))));
    }
    for c in &t.checks_added {
        let inherit = if c.no_inherit { " no inherit" } else { "" };
        out.push(safe(format!("added check constraint {} on {name}{inherit}", name_of(c.name.as_ref()))));
    }
    // MySQL gives a foreign key an index of its name when it has none: that index comes and
    // goes with its foreign key, which is the line that says so.
    let fk_index =
        |index: &str, fks: &[&crate::schema::ForeignKey]| fks.iter().any(|f| f.name.as_deref() == Some(index));
    for i in t.indexes_dropped.iter().filter(|i| !fk_index(&i.name, &t.foreign_keys_dropped)) {
        out.push(safe(format!("dropped index {} on {name}", i.name)));
    }
    for i in t.indexes_added.iter().filter(|i| !fk_index(&i.name, &t.foreign_keys_added)) {
        out.push(safe(format!("added index {} on {name}", i.name)));
    }
    if t.comment_changed {
        out.push(safe(format!("changed comment of table {name}")));
    }
    if t.options_changed {
        out.push(safe(format!("changed options of table {name}")));
    }
}

/// Hints for drops and adds that may be renames: a dropped and an added column of the same
/// type in one table; a dropped and an added table with the same column names and types.
pub(crate) fn rename_candidates(diff: &Diff<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for t in &diff.tables {
        let name = &t.to.name;
        for old in &t.columns_dropped {
            for new in t.columns_added.iter().filter(|n| n.data_type == old.data_type) {
                out.push(format!(
                    "{name}.{} dropped and {name}.{} added with the same type: if it is a rename, pass --rename {name}.{}={}",
                    old.name, new.name, old.name, new.name
                ));
            }
        }
    }
    let shape =
        |t: &super::model::Table| t.columns.iter().map(|c| (c.name.clone(), c.data_type.clone())).collect::<Vec<_>>();
    for old in &diff.tables_dropped {
        for new in diff.tables_created.iter().filter(|n| shape(n) == shape(old)) {
            out.push(format!(
                "table {} dropped and table {} added with the same columns: if it is a rename, pass --rename {}={}",
                old.name, new.name, old.name, new.name
            ));
        }
    }
    out
}
