//! Renames the user declares (`--rename users.name=full_name`, `--rename old=new`): parsed,
//! checked against the two models, and asked by the diff which old name pairs with which new
//! one. Autogenerate never guesses a rename; it only hints at candidates.

use std::str::FromStr;

use super::autogen::AutogenError;
use super::model::Schema;

/// A rename the user declares, so that the diff pairs an old object with a new one instead of
/// dropping one and adding the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    /// Table `from` (its name in the revisions) is table `to` (its name in the schema).
    Table {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Column `from` of table `table` (the table's name in the schema) is now named `to`.
    Column {
        /// The table's name in the schema (after a table rename, the new name).
        table: String,
        /// The column's old name.
        from: String,
        /// The column's new name.
        to: String,
    },
}

const RENAME_FORMS: &str = "expected `table.column=new_column` (a column) or `old_table=new_table` (a table)";

impl FromStr for Rename {
    type Err = AutogenError;

    /// Parses `users.name=full_name` (column `name` of table `users` renamed to `full_name`) or
    /// `old_table=new_table`.
    ///
    /// # Errors
    ///
    /// [`AutogenError::BadRename`] saying which forms are accepted when `text` is neither.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || AutogenError::BadRename { rename: text.to_string(), problem: RENAME_FORMS.to_string() };
        let (left, right) = text.split_once('=').ok_or_else(bad)?;
        let (left, right) = (left.trim(), right.trim());
        if right.is_empty() || right.contains(['=', '.']) {
            return Err(bad());
        }
        match left.split_once('.') {
            Some((table, from)) if !table.is_empty() && !from.is_empty() && !from.contains('.') => {
                Ok(Rename::Column { table: table.to_string(), from: from.to_string(), to: right.to_string() })
            }
            Some(_) => Err(bad()),
            None if left.is_empty() => Err(bad()),
            None => Ok(Rename::Table { from: left.to_string(), to: right.to_string() }),
        }
    }
}

impl std::fmt::Display for Rename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rename::Table { from, to } => write!(f, "{from}={to}"),
            Rename::Column { table, from, to } => write!(f, "{table}.{from}={to}"),
        }
    }
}

/// The declared renames, checked, as the diff asks them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Renames {
    /// (old table name, new table name).
    tables: Vec<(String, String)>,
    /// (table's name in `to`, old column name, new column name).
    columns: Vec<(String, String, String)>,
}

impl Renames {
    /// Checks `renames` against the two models.
    ///
    /// # Errors
    ///
    /// [`AutogenError::BadRename`] when a rename names a table or column missing on its side,
    /// saying what exists.
    pub(crate) fn resolve(renames: &[Rename], from: &Schema, to: &Schema) -> Result<Self, AutogenError> {
        let mut out = Renames::default();
        for rename in renames {
            if let Rename::Table { from: a, to: b } = rename {
                out.tables.push((a.clone(), b.clone()));
            }
        }
        for rename in renames {
            let bad = |problem: String| AutogenError::BadRename { rename: rename.to_string(), problem };
            match rename {
                Rename::Table { from: a, to: b } => {
                    if from.table(a).is_none() {
                        return Err(bad(format!("no table `{a}` in the revisions (tables: {})", table_names(from))));
                    }
                    if to.table(b).is_none() {
                        return Err(bad(format!("no table `{b}` in the schema (tables: {})", table_names(to))));
                    }
                }
                Rename::Column { table, from: a, to: b } => {
                    let Some(new_table) = to.table(table) else {
                        return Err(bad(format!("no table `{table}` in the schema (tables: {})", table_names(to))));
                    };
                    let old_name = out.old_table(table);
                    let Some(old_table) = from.table(old_name) else {
                        return Err(bad(format!(
                            "no table `{old_name}` in the revisions (tables: {})",
                            table_names(from)
                        )));
                    };
                    if old_table.column(a).is_none() {
                        let cols = old_table.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
                        return Err(bad(format!(
                            "table `{old_name}` has no column `{a}` in the revisions (columns: {cols})"
                        )));
                    }
                    if new_table.column(b).is_none() {
                        let cols = new_table.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
                        return Err(bad(format!(
                            "table `{table}` has no column `{b}` in the schema (columns: {cols})"
                        )));
                    }
                    out.columns.push((table.clone(), a.clone(), b.clone()));
                }
            }
        }
        Ok(out)
    }

    /// The renames of the way back: each table and column rename reversed, column renames keyed
    /// by the table's old name.
    pub(crate) fn reversed(&self) -> Self {
        Renames {
            tables: self.tables.iter().map(|(a, b)| (b.clone(), a.clone())).collect(),
            columns: self
                .columns
                .iter()
                .map(|(t, a, b)| (self.old_table(t).to_string(), b.clone(), a.clone()))
                .collect(),
        }
    }

    /// The old name of the table named `new` in `to`: its rename's source, or `new` itself.
    pub(crate) fn old_table<'s>(&'s self, new: &'s str) -> &'s str {
        self.tables.iter().find(|(_, b)| b == new).map_or(new, |(a, _)| a.as_str())
    }

    /// The new name of the table named `old` in `from`.
    pub(crate) fn new_table<'s>(&'s self, old: &'s str) -> &'s str {
        self.tables.iter().find(|(a, _)| a == old).map_or(old, |(_, b)| b.as_str())
    }

    /// Whether table `old` of `from` is renamed to another name (so no same-named table pairs).
    pub(crate) fn table_renamed_away(&self, old: &str) -> bool {
        self.tables.iter().any(|(a, b)| a == old && b != old)
    }

    /// Whether a rename targets the table `new` of `to` (so it pairs with its source only).
    pub(crate) fn table_renamed_to(&self, new: &str) -> bool {
        self.tables.iter().any(|(a, b)| b == new && a != new)
    }

    /// The old name of column `new` of table `table` (named as in `to`).
    pub(crate) fn old_column<'s>(&'s self, table: &str, new: &'s str) -> &'s str {
        self.columns.iter().find(|(t, _, b)| t == table && b == new).map_or(new, |(_, a, _)| a.as_str())
    }

    /// The new name of column `old` of table `table` (named as in `to`).
    pub(crate) fn new_column<'s>(&'s self, table: &str, old: &'s str) -> &'s str {
        self.columns.iter().find(|(t, a, _)| t == table && a == old).map_or(old, |(_, _, b)| b.as_str())
    }

    /// Whether a rename moves column `old` of `table` (named as in `to`) away from its name.
    pub(crate) fn column_renamed_away(&self, table: &str, old: &str) -> bool {
        self.columns.iter().any(|(t, a, b)| t == table && a == old && b != old)
    }

    /// Whether a rename targets column `new` of `table` (named as in `to`).
    pub(crate) fn column_renamed_to(&self, table: &str, new: &str) -> bool {
        self.columns.iter().any(|(t, a, b)| t == table && b == new && a != new)
    }
}

fn table_names(schema: &Schema) -> String {
    let names = schema.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>();
    if names.is_empty() { "none".to_string() } else { names.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(
            "users.name=full_name".parse::<Rename>().ok(),
            Some(Rename::Column { table: "users".into(), from: "name".into(), to: "full_name".into() })
        );
        assert_eq!("old=new".parse::<Rename>().ok(), Some(Rename::Table { from: "old".into(), to: "new".into() }));
        for bad in ["", "a", "a=", "=b", "a.b.c=d", "a.=d", "a=b.c", ".b=c"] {
            let err = bad.parse::<Rename>().err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("expected `table.column=new_column`"), "{bad}: {err}");
        }
    }
}
