//! The differences between two schema models, as structure: which tables, columns, constraints,
//! indexes, enum types and views were added, dropped or changed, after pairing the declared
//! renames. Tables, columns, indexes, views and enums pair by name; constraints by structure
//! first and name second (servers name unnamed constraints by creation order). No SQL here: the
//! plan orders these changes and the renderers write them per dialect.

use super::model::{Check, Column, EnumType, ForeignKey, Index, Key, Schema, Table, Unmanaged, View};
use super::rename::Renames;
use super::text::replace_ident;

/// Everything that differs between `from` and `to`.
#[derive(Debug, Default)]
pub(crate) struct Diff<'a> {
    pub enums_created: Vec<&'a EnumType>,
    pub enums_dropped: Vec<&'a EnumType>,
    /// Enums whose old values all remain, in order: the new values are appended or inserted.
    pub enums_extended: Vec<(&'a EnumType, &'a EnumType)>,
    /// Enums whose values were removed or reordered: the type is re-created.
    pub enums_recreated: Vec<(&'a EnumType, &'a EnumType)>,
    pub tables_created: Vec<&'a Table>,
    pub tables_dropped: Vec<&'a Table>,
    /// Every pair of tables, changed or not (the plan needs the unchanged ones for views and
    /// foreign keys).
    pub tables: Vec<TableDiff<'a>>,
    pub views_created: Vec<&'a View>,
    pub views_dropped: Vec<&'a View>,
    pub views_changed: Vec<(&'a View, &'a View)>,
    /// Views equal on both sides.
    pub views_kept: Vec<(&'a View, &'a View)>,
    /// Report lines for unmanaged objects that differ.
    pub unmanaged: Vec<String>,
}

/// The differences inside one pair of tables.
#[derive(Debug)]
pub(crate) struct TableDiff<'a> {
    pub from: &'a Table,
    pub to: &'a Table,
    /// Paired columns (old, new), renamed or not, changed or not.
    pub columns: Vec<(&'a Column, &'a Column)>,
    pub columns_added: Vec<&'a Column>,
    pub columns_dropped: Vec<&'a Column>,
    pub columns_changed: Vec<ColumnDiff<'a>>,
    /// (old, new) when the primary key's columns differ.
    pub primary_key: Option<(Option<&'a Key>, Option<&'a Key>)>,
    pub uniques_added: Vec<&'a Key>,
    pub uniques_dropped: Vec<&'a Key>,
    pub foreign_keys_added: Vec<&'a ForeignKey>,
    pub foreign_keys_dropped: Vec<&'a ForeignKey>,
    /// Foreign keys present on both sides: (old, new).
    pub foreign_keys_kept: Vec<(&'a ForeignKey, &'a ForeignKey)>,
    pub checks_added: Vec<&'a Check>,
    pub checks_dropped: Vec<&'a Check>,
    pub indexes_added: Vec<&'a Index>,
    pub indexes_dropped: Vec<&'a Index>,
    pub comment_changed: bool,
    pub options_changed: bool,
}

/// What changed about one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aspect {
    Type,
    Default,
    Nullable,
    Identity,
    /// The identity stays; its sequence's start or increment changes.
    IdentityOptions,
    Generated,
    Collation,
    Comment,
    OnUpdate,
}

/// One changed column: its two sides and what differs.
#[derive(Debug)]
pub(crate) struct ColumnDiff<'a> {
    pub from: &'a Column,
    pub to: &'a Column,
    pub aspects: Vec<Aspect>,
}

impl TableDiff<'_> {
    /// Whether the table was renamed.
    pub fn renamed(&self) -> bool {
        self.from.name != self.to.name
    }

    /// Paired columns whose name changed: (old, new).
    pub fn renamed_columns(&self) -> impl Iterator<Item = (&Column, &Column)> {
        self.columns.iter().copied().filter(|(a, b)| a.name != b.name)
    }

    /// The change of column `name` (its new name), if it changed.
    pub fn column_change(&self, name: &str) -> Option<&ColumnDiff<'_>> {
        self.columns_changed.iter().find(|c| c.to.name == name)
    }
}

/// A default as compared: MySQL's printed `NULL` default means no default.
pub(crate) fn effective_default(column: &Column) -> Option<&str> {
    column.default.as_deref().filter(|d| !d.trim().eq_ignore_ascii_case("null"))
}

/// The differences between `from` and `to`, pairing the declared `renames`.
pub(crate) fn diff<'a>(from: &'a Schema, to: &'a Schema, renames: &Renames) -> Diff<'a> {
    let mut out = Diff::default();
    diff_enums(from, to, &mut out);
    for new in &to.tables {
        let old = if renames.table_renamed_to(&new.name) {
            from.table(renames.old_table(&new.name))
        } else {
            from.table(&new.name).filter(|t| !renames.table_renamed_away(&t.name))
        };
        match old {
            Some(old) => out.tables.push(diff_table(old, new, renames)),
            None => out.tables_created.push(new),
        }
    }
    for old in &from.tables {
        if !out.tables.iter().any(|t| t.from.name == old.name) {
            out.tables_dropped.push(old);
        }
    }
    diff_views(from, to, &mut out);
    out.unmanaged = diff_unmanaged(&from.unmanaged, &to.unmanaged, renames);
    out
}

fn diff_enums<'a>(from: &'a Schema, to: &'a Schema, out: &mut Diff<'a>) {
    for new in &to.enums {
        match from.enums.iter().find(|e| e.name == new.name) {
            None => out.enums_created.push(new),
            Some(old) if old.values == new.values => {}
            Some(old) if is_subsequence(&old.values, &new.values) => out.enums_extended.push((old, new)),
            Some(old) => out.enums_recreated.push((old, new)),
        }
    }
    out.enums_dropped = from.enums.iter().filter(|e| !to.enums.iter().any(|n| n.name == e.name)).collect();
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|v| rest.any(|w| w == v))
}

fn diff_views<'a>(from: &'a Schema, to: &'a Schema, out: &mut Diff<'a>) {
    for new in &to.views {
        match from.views.iter().find(|v| v.name == new.name) {
            None => out.views_created.push(new),
            Some(old) if old == new => out.views_kept.push((old, new)),
            Some(old) => out.views_changed.push((old, new)),
        }
    }
    out.views_dropped = from.views.iter().filter(|v| !to.views.iter().any(|n| n.name == v.name)).collect();
}

fn diff_unmanaged(from: &[Unmanaged], to: &[Unmanaged], renames: &Renames) -> Vec<String> {
    let key = |u: &Unmanaged, table: Option<String>| (u.kind.clone(), u.name.clone(), table);
    let old: Vec<_> =
        from.iter().map(|u| (key(u, u.table.as_ref().map(|t| renames.new_table(t).to_string())), u)).collect();
    let new: Vec<_> = to.iter().map(|u| (key(u, u.table.clone()), u)).collect();
    let describe = |(kind, name, table): &(String, String, Option<String>), what: &str, u: &Unmanaged| {
        let on = table.as_ref().filter(|t| !(kind == "table" && *t == name)).map(|t| format!(" on {t}"));
        // A table the reader could not model says why first (`a key attribute not read (…)`).
        let why = Some(u.definition.split(": ").next().unwrap_or_default())
            .filter(|w| w.starts_with("a ") && w.contains(" not read ("))
            .map(|w| format!(", {w}"));
        format!(
            "{kind} {name}{} {what}{} (not managed by autogenerate: write it by hand)",
            on.unwrap_or_default(),
            why.unwrap_or_default()
        )
    };
    let mut lines = Vec::new();
    for (k, u) in &new {
        match old.iter().find(|(ok, _)| ok == k) {
            None => lines.push(describe(k, "added", u)),
            Some((_, o)) if o.definition != u.definition => lines.push(describe(k, "differs", u)),
            Some(_) => {}
        }
    }
    for (k, u) in &old {
        if !new.iter().any(|(nk, _)| nk == k) {
            lines.push(describe(k, "dropped", u));
        }
    }
    lines
}

/// Maps the old names of a table's columns (and of referenced tables and their columns) to the
/// new ones, so that old constraints compare with new ones across renames.
struct Mapper<'r> {
    renames: &'r Renames,
    /// The table's name in `to`.
    table: &'r str,
}

impl Mapper<'_> {
    fn column(&self, old: &str) -> String {
        self.renames.new_column(self.table, old).to_string()
    }

    fn columns(&self, old: &[String]) -> Vec<String> {
        old.iter().map(|c| self.column(c)).collect()
    }

    /// An expression with the table's renamed columns spelled by their new names.
    fn expression(&self, old: &str, pairs: &[(&Column, &Column)]) -> String {
        pairs
            .iter()
            .filter(|(a, b)| a.name != b.name)
            .fold(old.to_string(), |e, (a, b)| replace_ident(&e, &a.name, &b.name))
    }

    fn foreign_key(&self, fk: &ForeignKey) -> ForeignKey {
        let referenced = self.renames.new_table(&fk.referenced_table).to_string();
        let referenced_columns =
            fk.referenced_columns.iter().map(|c| self.renames.new_column(&referenced, c).to_string()).collect();
        ForeignKey {
            columns: self.columns(&fk.columns),
            referenced_table: referenced,
            referenced_columns,
            ..fk.clone()
        }
    }
}

fn same_foreign_key(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.referenced_table == b.referenced_table
        && a.referenced_schema == b.referenced_schema
        && a.referenced_columns == b.referenced_columns
        && a.on_delete.eq_ignore_ascii_case(&b.on_delete)
        && a.on_update.eq_ignore_ascii_case(&b.on_update)
        && a.deferrable == b.deferrable
        && a.match_full == b.match_full
}

/// Pairs old and new constraints: same structure and name first, then same structure. Returns
/// the pairs, the new ones left over (added) and the old ones left over (dropped).
fn pair_constraints<'a, T, M>(
    old: &'a [T],
    new: &'a [T],
    mapped: impl Fn(&T) -> M,
    same: impl Fn(&M, &T) -> bool,
    name: impl for<'x> Fn(&'x T) -> Option<&'x String>,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let mapped: Vec<M> = old.iter().map(&mapped).collect();
    let mut used = vec![false; old.len()];
    let mut pairs = vec![None; new.len()];
    for exact_name in [true, false] {
        for (j, n) in new.iter().enumerate() {
            if pairs[j].is_some() {
                continue;
            }
            let found =
                (0..old.len()).find(|&i| !used[i] && same(&mapped[i], n) && (!exact_name || name(&old[i]) == name(n)));
            if let Some(i) = found {
                used[i] = true;
                pairs[j] = Some(i);
            }
        }
    }
    let kept = new.iter().zip(&pairs).filter_map(|(n, p)| p.map(|i| (&old[i], n))).collect();
    let added = new.iter().zip(&pairs).filter(|(_, p)| p.is_none()).map(|(n, _)| n).collect();
    let dropped = old.iter().zip(&used).filter(|(_, u)| !**u).map(|(o, _)| o).collect();
    (kept, added, dropped)
}

fn diff_table<'a>(from: &'a Table, to: &'a Table, renames: &Renames) -> TableDiff<'a> {
    let map = Mapper { renames, table: &to.name };
    let mut columns = Vec::new();
    let mut columns_added = Vec::new();
    for new in &to.columns {
        let old = if renames.column_renamed_to(&to.name, &new.name) {
            from.column(renames.old_column(&to.name, &new.name))
        } else {
            from.column(&new.name).filter(|c| !renames.column_renamed_away(&to.name, &c.name))
        };
        match old {
            Some(old) => columns.push((old, new)),
            None => columns_added.push(new),
        }
    }
    let columns_dropped = from.columns.iter().filter(|c| !columns.iter().any(|(o, _)| o.name == c.name)).collect();
    let columns_changed = columns
        .iter()
        .filter_map(|&(a, b)| {
            let aspects = column_aspects(a, b);
            (!aspects.is_empty()).then_some(ColumnDiff { from: a, to: b, aspects })
        })
        .collect();
    let old_pk = from.primary_key.as_ref().map(|k| (map.columns(&k.columns), &k.deferrable));
    let primary_key = (old_pk != to.primary_key.as_ref().map(|k| (k.columns.clone(), &k.deferrable)))
        .then_some((from.primary_key.as_ref(), to.primary_key.as_ref()));
    let (_, uniques_added, uniques_dropped) = pair_constraints(
        &from.uniques,
        &to.uniques,
        |k| (map.columns(&k.columns), k.nulls_not_distinct, k.deferrable.clone()),
        |m, n| m.0 == n.columns && m.1 == n.nulls_not_distinct && m.2 == n.deferrable,
        |k| k.name.as_ref(),
    );
    let (foreign_keys_kept, foreign_keys_added, foreign_keys_dropped) = pair_constraints(
        &from.foreign_keys,
        &to.foreign_keys,
        |f| map.foreign_key(f),
        same_foreign_key,
        |f| f.name.as_ref(),
    );
    let (_, checks_added, checks_dropped) = pair_constraints(
        &from.checks,
        &to.checks,
        |c| (map.expression(&c.expression, &columns), c.no_inherit),
        |m, n| m.0 == n.expression && m.1 == n.no_inherit,
        |c| c.name.as_ref(),
    );
    let (indexes_added, indexes_dropped) = diff_indexes(from, to, &map, &columns);
    TableDiff {
        from,
        to,
        columns,
        columns_added,
        columns_dropped,
        columns_changed,
        primary_key,
        uniques_added,
        uniques_dropped,
        foreign_keys_added,
        foreign_keys_dropped,
        foreign_keys_kept,
        checks_added,
        checks_dropped,
        indexes_added,
        indexes_dropped,
        comment_changed: from.comment != to.comment,
        options_changed: from.options != to.options && to.options.is_some(),
    }
}

fn diff_indexes<'a>(
    from: &'a Table,
    to: &'a Table,
    map: &Mapper<'_>,
    columns: &[(&Column, &Column)],
) -> (Vec<&'a Index>, Vec<&'a Index>) {
    let same = |old: &Index, new: &Index| {
        let expr = |e: &str| map.expression(e, columns);
        old.unique == new.unique
            && old.method.as_deref().map(str::to_ascii_lowercase) == new.method.as_deref().map(str::to_ascii_lowercase)
            && old.parts.iter().map(|p| expr(p)).eq(new.parts.iter().cloned())
            && old.include.iter().map(|p| expr(p)).eq(new.include.iter().cloned())
            && old.predicate.as_deref().map(expr) == new.predicate
            && old.nulls_not_distinct == new.nulls_not_distinct
    };
    let mut added = Vec::new();
    let mut dropped = Vec::new();
    for new in &to.indexes {
        match from.indexes.iter().find(|i| i.name == new.name) {
            None => added.push(new),
            Some(old) if same(old, new) => {}
            Some(old) => {
                dropped.push(old);
                added.push(new);
            }
        }
    }
    for old in &from.indexes {
        if !to.indexes.iter().any(|i| i.name == old.name) {
            dropped.push(old);
        }
    }
    (added, dropped)
}

fn column_aspects(a: &Column, b: &Column) -> Vec<Aspect> {
    let mut aspects = Vec::new();
    let lower = |s: &Option<String>| s.as_deref().map(str::to_ascii_lowercase);
    let checks = [
        (Aspect::Type, a.data_type != b.data_type),
        (Aspect::Collation, a.collation != b.collation),
        (Aspect::Generated, a.generated != b.generated),
        (Aspect::Identity, lower(&a.identity) != lower(&b.identity)),
        (Aspect::IdentityOptions, lower(&a.identity) == lower(&b.identity) && a.identity_options != b.identity_options),
        (Aspect::Default, effective_default(a) != effective_default(b)),
        (Aspect::Nullable, a.nullable != b.nullable),
        (Aspect::OnUpdate, a.on_update != b.on_update),
        (Aspect::Comment, a.comment != b.comment),
    ];
    for (aspect, differs) in checks {
        if differs {
            aspects.push(aspect);
        }
    }
    aspects
}
