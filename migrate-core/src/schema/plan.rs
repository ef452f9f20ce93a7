//! The order of a diff's changes: a list of dialect-neutral operations ([`Op`]) the renderers
//! turn into SQL. PostgreSQL and MySQL follow one order (below); SQLite has its own
//! ([`sqlite`]), built around the table rebuild.
//!
//! The server order: views dropped → tables and columns renamed → foreign keys dropped (the
//! dropped and changed ones, every one of a dropped table, and kept ones whose referenced key
//! or column types change) → indexes dropped → primary keys, uniques and checks dropped → enum
//! types created and values added → tables created (no foreign keys, no indexes on
//! PostgreSQL) → columns added → enum types re-created, columns altered → columns dropped →
//! tables dropped → primary keys, uniques and checks added → indexes created → foreign keys
//! added (every table exists by then, so cycles work) → views created → comments and table
//! options → enum types dropped. Each dropped object is gone before what it depends on goes.

mod sqlite;
mod views;

use super::autogen::AutogenError;
use super::changes::{changed_enum, column_losses, dropped_column, dropped_table, enum_loses_values};
use super::diff::{Aspect, ColumnDiff, Diff, TableDiff, effective_default};
use super::model::{Check, Column, EnumType, ForeignKey, Index, Key, Table, Unmanaged, View};
use crate::Dialect;

/// One operation of a plan. Table names are the names the table has when the operation runs.
#[derive(Debug)]
pub(crate) enum Op<'a> {
    /// SQLite's `PRAGMA defer_foreign_keys = ON`, before a rebuild or a dropped table.
    DeferForeignKeys,
    DropView(&'a View),
    CreateView(&'a View),
    /// SQLite: another table's trigger that names a rebuilt table, dropped before the rebuild
    /// (SQLite refuses the rename while it names a missing table) and re-run after.
    DropTrigger(&'a Unmanaged),
    CreateTrigger(&'a Unmanaged),
    RenameTable {
        from: &'a str,
        to: &'a str,
    },
    RenameColumn {
        table: &'a str,
        from: &'a str,
        to: &'a str,
    },
    DropForeignKey {
        table: &'a str,
        fk: &'a ForeignKey,
    },
    AddForeignKey {
        table: &'a str,
        fk: &'a ForeignKey,
    },
    DropIndex {
        table: &'a str,
        index: &'a Index,
    },
    CreateIndex {
        table: &'a str,
        index: &'a Index,
    },
    DropPrimaryKey {
        table: &'a str,
        key: &'a Key,
    },
    /// Adds a primary key; `replace` drops the old one in the same statement (MySQL).
    AddPrimaryKey {
        table: &'a str,
        key: &'a Key,
        replace: bool,
    },
    DropUnique {
        table: &'a str,
        key: &'a Key,
    },
    AddUnique {
        table: &'a str,
        key: &'a Key,
    },
    DropCheck {
        table: &'a str,
        check: &'a Check,
    },
    AddCheck {
        table: &'a str,
        check: &'a Check,
    },
    CreateEnum(&'a EnumType),
    AddEnumValue {
        name: &'a str,
        value: &'a str,
        after: Option<&'a str>,
        before: Option<&'a str>,
    },
    /// Renames the old type away, creates the new one and converts the columns
    /// `(table, column, whether it has a default now)` to it.
    RecreateEnum {
        new: &'a EnumType,
        columns: Vec<(&'a str, &'a Column, bool)>,
    },
    /// Drops the type a [`Op::RecreateEnum`] renamed away.
    DropOldEnum(&'a str),
    DropEnum(&'a EnumType),
    CreateTable(&'a Table),
    DropTable(&'a Table),
    AddColumn {
        table: &'a str,
        column: &'a Column,
    },
    DropColumn {
        table: &'a str,
        column: &'a str,
    },
    AlterColumn {
        table: &'a str,
        change: &'a ColumnDiff<'a>,
    },
    TableComment {
        table: &'a str,
        comment: Option<&'a str>,
    },
    ColumnComment {
        table: &'a str,
        column: &'a str,
        comment: Option<&'a str>,
    },
    TableOptions {
        table: &'a str,
        options: &'a str,
    },
    /// SQLite's table rebuild.
    Rebuild(Rebuild<'a>),
}

/// A SQLite table rebuild (<https://sqlite.org/lang_altertable.html>, section 7).
#[derive(Debug)]
pub(crate) struct Rebuild<'a> {
    /// The table as it must end up.
    pub table: &'a Table,
    /// What fills each copied column: (new column, old column, a default to use for NULLs).
    pub copy: Vec<(&'a str, &'a str, Option<&'a str>)>,
    /// The table's triggers in `to`, re-run after the rebuild.
    pub triggers: Vec<&'a Unmanaged>,
}

/// An operation and the change lines that lose data through it (written as `-- data loss:`).
#[derive(Debug)]
pub(crate) struct Step<'a> {
    pub op: Op<'a>,
    pub losses: Vec<String>,
}

/// The ordered operations of `diff` on `dialect`. `unmanaged` is `to`'s unmanaged objects (a
/// SQLite rebuild re-creates its table's triggers).
///
/// # Errors
///
/// [`AutogenError::Unsupported`] for a change the dialect cannot make safely (an unnamed
/// constraint to drop on a server, a SQLite rebuild of a table other tables reference with an
/// ON DELETE action, a new NOT NULL column without a default in a SQLite rebuild).
pub(crate) fn plan<'a>(
    dialect: Dialect,
    diff: &'a Diff<'a>,
    unmanaged: &'a [Unmanaged],
) -> Result<Vec<Step<'a>>, AutogenError> {
    match dialect {
        Dialect::Sqlite => sqlite::plan(diff, unmanaged),
        Dialect::Postgres | Dialect::MySql => Ok(ServerPlan { dialect, diff, steps: Vec::new() }.build()?.steps),
    }
}

fn step(op: Op<'_>) -> Step<'_> {
    Step { op, losses: Vec::new() }
}

/// Tables whose structure changes under their views: dropped, renamed, or with a column
/// dropped, renamed or retyped (old and new names).
fn changed_tables<'a>(diff: &Diff<'a>) -> Vec<&'a str> {
    let mut out: Vec<&str> = diff.tables_dropped.iter().map(|t| t.name.as_str()).collect();
    for t in &diff.tables {
        let structural = t.renamed()
            || t.renamed_columns().next().is_some()
            || !t.columns_dropped.is_empty()
            || t.columns_changed
                .iter()
                .any(|c| c.aspects.iter().any(|a| matches!(a, Aspect::Type | Aspect::Collation | Aspect::Generated)))
            || t.to.columns.iter().any(|c| diff.enums_recreated.iter().any(|(_, e)| is_enum_column(c, &e.name)));
        if structural {
            out.push(t.from.name.as_str());
            out.push(t.to.name.as_str());
        }
    }
    out
}

/// Whether `column`'s type is the enum type `name` or an array of it.
fn is_enum_column(column: &Column, name: &str) -> bool {
    let base = column.data_type.trim().trim_end_matches("[]");
    base == name || base.strip_prefix('"').and_then(|b| b.strip_suffix('"')) == Some(name)
}

/// The constraint's name, or the error of an unnamed constraint a server cannot drop.
fn require_name(name: Option<&String>, table: &str, what: &str) -> Result<(), AutogenError> {
    match name {
        Some(_) => Ok(()),
        None => Err(AutogenError::Unsupported {
            what: format!("dropping an unnamed {what} on {table}"),
            help: "name the constraint in the revisions, or write this revision by hand".to_string(),
        }),
    }
}

/// Whether a kept foreign key must be dropped and re-added: the key it references changes, or
/// the type of one of its columns does.
fn needs_remake(diff: &Diff<'_>, table: &TableDiff<'_>, fk: &ForeignKey) -> bool {
    let retyped = |t: &TableDiff<'_>, cols: &[String]| {
        cols.iter().any(|c| t.column_change(c).is_some_and(|c| c.aspects.contains(&Aspect::Type)))
    };
    if retyped(table, &fk.columns) {
        return true;
    }
    diff.tables.iter().filter(|t| t.to.name == fk.referenced_table).any(|r| {
        r.primary_key.is_some()
            || !r.uniques_dropped.is_empty()
            || r.indexes_dropped.iter().any(|i| i.unique)
            || retyped(r, &fk.referenced_columns)
    })
}

struct ServerPlan<'a> {
    dialect: Dialect,
    diff: &'a Diff<'a>,
    steps: Vec<Step<'a>>,
}

impl<'a> ServerPlan<'a> {
    fn push(&mut self, op: Op<'a>) {
        self.steps.push(step(op));
    }

    fn build(mut self) -> Result<Self, AutogenError> {
        let diff = self.diff;
        let (views_dropped, views_created) = views::touched(diff, &changed_tables(diff), false);
        for v in views_dropped {
            self.push(Op::DropView(v));
        }
        self.renames();
        self.drops()?;
        self.enums_and_tables();
        self.columns();
        for t in &diff.tables_dropped {
            self.steps.push(Step { op: Op::DropTable(t), losses: vec![dropped_table(&t.name)] });
        }
        self.constraints_added();
        for v in views_created {
            self.push(Op::CreateView(v));
        }
        self.comments();
        for (_, new) in &diff.enums_recreated {
            self.push(Op::DropOldEnum(&new.name));
        }
        for e in &diff.enums_dropped {
            self.push(Op::DropEnum(e));
        }
        Ok(self)
    }

    fn renames(&mut self) {
        for t in &self.diff.tables {
            if t.renamed() {
                self.push(Op::RenameTable { from: &t.from.name, to: &t.to.name });
            }
            for (a, b) in t.renamed_columns() {
                self.push(Op::RenameColumn { table: &t.to.name, from: &a.name, to: &b.name });
            }
        }
    }

    fn drops(&mut self) -> Result<(), AutogenError> {
        let diff = self.diff;
        for t in &diff.tables {
            for fk in &t.foreign_keys_dropped {
                require_name(fk.name.as_ref(), &t.to.name, "foreign key")?;
                self.push(Op::DropForeignKey { table: &t.to.name, fk });
            }
            for (old, new) in &t.foreign_keys_kept {
                if needs_remake(diff, t, new) {
                    require_name(old.name.as_ref(), &t.to.name, "foreign key")?;
                    self.push(Op::DropForeignKey { table: &t.to.name, fk: old });
                }
            }
        }
        for t in &diff.tables_dropped {
            for fk in &t.foreign_keys {
                require_name(fk.name.as_ref(), &t.name, "foreign key")?;
                self.push(Op::DropForeignKey { table: &t.name, fk });
            }
        }
        for t in &diff.tables {
            for index in &t.indexes_dropped {
                self.push(Op::DropIndex { table: &t.to.name, index });
            }
        }
        for t in &diff.tables {
            let table = t.to.name.as_str();
            match t.primary_key {
                Some((Some(key), None)) => self.push(Op::DropPrimaryKey { table, key }),
                Some((Some(key), Some(_))) if self.dialect == Dialect::Postgres => {
                    self.push(Op::DropPrimaryKey { table, key })
                }
                _ => {}
            }
            for key in &t.uniques_dropped {
                require_name(key.name.as_ref(), table, "unique constraint")?;
                self.push(Op::DropUnique { table, key });
            }
            for check in &t.checks_dropped {
                require_name(check.name.as_ref(), table, "check constraint")?;
                self.push(Op::DropCheck { table, check });
            }
        }
        Ok(())
    }

    fn enums_and_tables(&mut self) {
        let diff = self.diff;
        for e in &diff.enums_created {
            self.push(Op::CreateEnum(e));
        }
        for (old, new) in &diff.enums_extended {
            for (i, value) in new.values.iter().enumerate() {
                if old.values.contains(value) {
                    continue;
                }
                let after = i.checked_sub(1).and_then(|p| new.values.get(p)).map(String::as_str);
                let before = if after.is_none() {
                    new.values.iter().find(|v| old.values.contains(v)).map(String::as_str)
                } else {
                    None
                };
                self.push(Op::AddEnumValue { name: &new.name, value, after, before });
            }
        }
        for t in &diff.tables_created {
            self.push(Op::CreateTable(t));
        }
    }

    fn columns(&mut self) {
        let diff = self.diff;
        for t in &diff.tables {
            for column in &t.columns_added {
                self.push(Op::AddColumn { table: &t.to.name, column });
            }
        }
        for (old, new) in &diff.enums_recreated {
            let losses = if enum_loses_values(old, new) { vec![changed_enum(&new.name)] } else { Vec::new() };
            self.steps.push(Step { op: Op::RecreateEnum { new, columns: self.enum_columns(&new.name) }, losses });
        }
        for t in &diff.tables {
            for change in &t.columns_changed {
                if self.dialect == Dialect::Postgres && change.aspects.iter().all(|a| *a == Aspect::Comment) {
                    continue;
                }
                let losses = column_losses(&t.to.name, change);
                self.steps.push(Step { op: Op::AlterColumn { table: &t.to.name, change }, losses });
            }
        }
        for t in &diff.tables {
            for c in &t.columns_dropped {
                let losses = vec![dropped_column(&t.to.name, &c.name)];
                self.steps.push(Step { op: Op::DropColumn { table: &t.to.name, column: &c.name }, losses });
            }
        }
    }

    /// The columns an enum re-creation converts: every column of the type in `to`, except kept
    /// columns that change to it from another type (their own type change converts them).
    fn enum_columns(&self, name: &str) -> Vec<(&'a str, &'a Column, bool)> {
        let diff = self.diff;
        let mut out = Vec::new();
        for t in &diff.tables_created {
            for c in t.columns.iter().filter(|c| is_enum_column(c, name)) {
                out.push((t.name.as_str(), c, effective_default(c).is_some()));
            }
        }
        for t in &diff.tables {
            for c in t.to.columns.iter().filter(|c| is_enum_column(c, name)) {
                match t.columns.iter().find(|(_, new)| new.name == c.name) {
                    Some((old, _)) if !is_enum_column(old, name) => {}
                    Some((old, _)) => out.push((t.to.name.as_str(), c, effective_default(old).is_some())),
                    None => out.push((t.to.name.as_str(), c, effective_default(c).is_some())),
                }
            }
        }
        out
    }

    fn constraints_added(&mut self) {
        let diff = self.diff;
        let mysql = self.dialect == Dialect::MySql;
        for t in &diff.tables {
            let table = t.to.name.as_str();
            if let Some((old, Some(key))) = t.primary_key {
                self.push(Op::AddPrimaryKey { table, key, replace: mysql && old.is_some() });
            }
            for key in &t.uniques_added {
                self.push(Op::AddUnique { table, key });
            }
            for check in &t.checks_added {
                self.push(Op::AddCheck { table, check });
            }
        }
        for t in &diff.tables {
            for index in &t.indexes_added {
                self.push(Op::CreateIndex { table: &t.to.name, index });
            }
        }
        if !mysql {
            for t in &diff.tables_created {
                for index in &t.indexes {
                    self.push(Op::CreateIndex { table: &t.name, index });
                }
            }
        }
        for t in &diff.tables {
            let remade = t.foreign_keys_kept.iter().filter(|(_, new)| needs_remake(diff, t, new)).map(|(_, new)| *new);
            for fk in t.foreign_keys_added.iter().copied().chain(remade) {
                self.push(Op::AddForeignKey { table: &t.to.name, fk });
            }
        }
        for t in &diff.tables_created {
            for fk in &t.foreign_keys {
                self.push(Op::AddForeignKey { table: &t.name, fk });
            }
        }
    }

    fn comments(&mut self) {
        let diff = self.diff;
        if self.dialect == Dialect::Postgres {
            for t in &diff.tables_created {
                if let Some(comment) = &t.comment {
                    self.push(Op::TableComment { table: &t.name, comment: Some(comment) });
                }
                for c in t.columns.iter().filter(|c| c.comment.is_some()) {
                    self.push(Op::ColumnComment { table: &t.name, column: &c.name, comment: c.comment.as_deref() });
                }
            }
        }
        for t in &diff.tables {
            let table = t.to.name.as_str();
            if t.comment_changed {
                self.push(Op::TableComment { table, comment: t.to.comment.as_deref() });
            }
            if t.options_changed
                && let Some(options) = &t.to.options
            {
                self.push(Op::TableOptions { table, options });
            }
            if self.dialect == Dialect::Postgres {
                let added = t.columns_added.iter().filter(|c| c.comment.is_some()).copied();
                let changed = t.columns_changed.iter().filter(|c| c.aspects.contains(&Aspect::Comment)).map(|c| c.to);
                for c in added.chain(changed) {
                    self.push(Op::ColumnComment { table, column: &c.name, comment: c.comment.as_deref() });
                }
            }
        }
    }
}
