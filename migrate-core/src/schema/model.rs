//! The schema model: what a catalog reader reads back from a database, and what the diff of
//! autogenerate compares. Pure data, no I/O. Every text field holds what the *server* printed
//! (PostgreSQL's `format_type` and `pg_get_expr`, MySQL's `information_schema`, SQLite's pragmas
//! and stored `CREATE` text), never a parse of our own: two scratch databases of the same server
//! print the same object alike, so comparing texts compares objects.
//!
//! Names are unqualified: a reader reads one schema (PostgreSQL's `current_schema()`), one
//! database (MySQL's `DATABASE()`) or `main` (SQLite). Lists are kept sorted by name (columns in
//! their table's order) so two models of the same schema are equal.

/// A database's schema: what autogenerate manages, and what it only reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables, by name.
    pub tables: Vec<Table>,
    /// PostgreSQL enum types, by name (always empty elsewhere).
    pub enums: Vec<EnumType>,
    /// Views (and PostgreSQL materialized views), by name.
    pub views: Vec<View>,
    /// Objects the model does not cover (functions, procedures, triggers, sequences not owned by
    /// a column, events): compared and reported, never created or dropped by a plan.
    pub unmanaged: Vec<Unmanaged>,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Its name, unqualified.
    pub name: String,
    /// Its columns, in the table's order.
    pub columns: Vec<Column>,
    /// Its primary key, if any.
    pub primary_key: Option<Key>,
    /// Unique constraints (PostgreSQL and SQLite; on MySQL a unique key is an [`Index`] with
    /// `unique`), by name.
    pub uniques: Vec<Key>,
    /// Foreign keys, by name.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints, by name.
    pub checks: Vec<Check>,
    /// Indexes that no constraint owns (PostgreSQL's constraint indexes and SQLite's
    /// `sqlite_autoindex_*` are left out), by name.
    pub indexes: Vec<Index>,
    /// The table's comment (PostgreSQL, MySQL).
    pub comment: Option<String>,
    /// The table's options as the server prints them after the closing parenthesis of
    /// `SHOW CREATE TABLE`, without `AUTO_INCREMENT=` (MySQL): `ENGINE=InnoDB DEFAULT
    /// CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`; SQLite's `STRICT` and `WITHOUT ROWID`,
    /// comma separated, empty for neither (a change rebuilds the table). `None` on PostgreSQL.
    pub options: Option<String>,
    /// The stored `CREATE TABLE` text (SQLite only): what a table rebuild re-creates the table
    /// from, under another name, and where its CHECKs and generated columns are read from.
    pub create_sql: Option<String>,
}

/// A column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type as the server prints it: `character varying(20)`, `integer[]`, `mood`
    /// (PostgreSQL `format_type`); `varchar(20)`, `int(11)`, `enum('a','b')` (MySQL
    /// `COLUMN_TYPE`); the declared type (SQLite, possibly empty).
    pub data_type: String,
    /// Whether it accepts NULL.
    pub nullable: bool,
    /// Its default as an SQL expression the server printed (`'x'::text`, `now()`, `0`), without
    /// the sequence default of an identity column. `None`: no default.
    pub default: Option<String>,
    /// Identity or auto-increment: PostgreSQL `ALWAYS` / `BY DEFAULT` (an identity column) or
    /// `serial` (a `nextval` default on a sequence the column owns, printed as `serial`);
    /// MySQL `auto_increment`; SQLite `autoincrement` (an `INTEGER PRIMARY KEY AUTOINCREMENT`).
    pub identity: Option<String>,
    /// PostgreSQL: the options of an identity column's sequence that are not the default, as
    /// written after `AS IDENTITY`: `START WITH 1000 INCREMENT BY 10`. `None` otherwise.
    pub identity_options: Option<String>,
    /// A generated column's expression and kind.
    pub generated: Option<Generated>,
    /// Its collation when it is not the default of its type or table.
    pub collation: Option<String>,
    /// MySQL's `ON UPDATE` expression (`current_timestamp()`).
    pub on_update: Option<String>,
    /// Its comment (PostgreSQL, MySQL).
    pub comment: Option<String>,
}

/// A generated column's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The expression as the server prints it.
    pub expression: String,
    /// `STORED` (true) or `VIRTUAL` (false).
    pub stored: bool,
}

/// A primary key or unique constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Key {
    /// The constraint's name (servers name unnamed constraints; SQLite's may be `None`).
    pub name: Option<String>,
    /// Its columns, in key order.
    pub columns: Vec<String>,
    /// `UNIQUE NULLS NOT DISTINCT` (PostgreSQL 15+): two NULLs count as equal. Always `false`
    /// for a primary key and on the other servers.
    pub nulls_not_distinct: bool,
    /// `DEFERRABLE INITIALLY DEFERRED` / `DEFERRABLE INITIALLY IMMEDIATE` (PostgreSQL), `None`
    /// when not deferrable.
    pub deferrable: Option<String>,
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name (SQLite's may be `None`).
    pub name: Option<String>,
    /// The referencing columns, in order.
    pub columns: Vec<String>,
    /// The referenced table, unqualified.
    pub referenced_table: String,
    /// The referenced table's schema when it is not the one read (PostgreSQL: a table of
    /// another schema than `current_schema()`); `None` for the schema read.
    pub referenced_schema: Option<String>,
    /// The referenced columns, in order.
    pub referenced_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_delete: String,
    /// As `on_delete`.
    pub on_update: String,
    /// `DEFERRABLE INITIALLY DEFERRED` / `DEFERRABLE INITIALLY IMMEDIATE` (PostgreSQL, SQLite),
    /// `None` when not deferrable.
    pub deferrable: Option<String>,
    /// `MATCH FULL` (PostgreSQL): a row whose key columns are partly NULL is refused. `false`
    /// for the default `MATCH SIMPLE` and on the other servers (which parse and ignore it).
    pub match_full: bool,
}

/// A CHECK constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Its name (SQLite's may be `None`).
    pub name: Option<String>,
    /// The expression inside `CHECK (…)`, as the server prints it.
    pub expression: String,
    /// `NO INHERIT` (PostgreSQL): the constraint does not apply to child tables.
    pub no_inherit: bool,
}

/// An index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// A unique index.
    pub unique: bool,
    /// Its key parts in order, each a column name or an expression as the server prints it,
    /// with what the server adds: `lower(email)`, `name DESC`, `title(10)` (a MySQL prefix).
    pub parts: Vec<String>,
    /// A partial index's `WHERE` condition (PostgreSQL, SQLite).
    pub predicate: Option<String>,
    /// The access method when not the default: PostgreSQL `gin`, `hash`…; MySQL `FULLTEXT`,
    /// `SPATIAL`.
    pub method: Option<String>,
    /// PostgreSQL `INCLUDE` columns.
    pub include: Vec<String>,
    /// A unique index's `NULLS NOT DISTINCT` (PostgreSQL 15+).
    pub nulls_not_distinct: bool,
    /// The stored `CREATE INDEX` text (SQLite only), re-run verbatim to re-create it.
    pub create_sql: Option<String>,
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnumType {
    /// Its name, unqualified.
    pub name: String,
    /// Its labels, in sort order.
    pub values: Vec<String>,
}

/// A view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// Its name, unqualified.
    pub name: String,
    /// The query as the server prints it (`pg_get_viewdef`, `VIEW_DEFINITION`, SQLite's stored
    /// text after `AS`).
    pub definition: String,
    /// A PostgreSQL materialized view.
    pub materialized: bool,
}

/// An object the model does not manage: reported when it differs, never planned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmanaged {
    /// `function`, `procedure`, `trigger`, `sequence`, `event`, `extension`…
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The table it belongs to (a trigger's), if any. A SQLite table rebuild re-creates its
    /// table's triggers from `definition`.
    pub table: Option<String>,
    /// Its definition as the server prints it (compared; re-run verbatim by a SQLite rebuild).
    pub definition: String,
}

impl Schema {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Sorts every list by name (columns keep their order), so equal schemas compare equal.
    pub fn normalize(&mut self) {
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut self.tables {
            t.uniques.sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            t.foreign_keys.sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            t.checks.sort_by(|a, b| (&a.name, &a.expression).cmp(&(&b.name, &b.expression)));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.unmanaged.sort_by(|a, b| (&a.kind, &a.name, &a.table).cmp(&(&b.kind, &b.name, &b.table)));
    }

    /// This schema without the objects autogenerate does not manage ([`Schema::unmanaged`]):
    /// what a plan can change, so what its proof compares.
    pub fn managed(&self) -> Schema {
        Schema { unmanaged: Vec::new(), ..self.clone() }
    }

    /// Leaves out every object whose name matches one of `patterns` (`*` matches any run of
    /// characters, the rest literally): the tables, views, enum types and unmanaged objects a
    /// package's `exclude` names, and the unmanaged objects of excluded tables.
    pub fn exclude(&mut self, patterns: &[String]) {
        if patterns.is_empty() {
            return;
        }
        let out = |name: &str| patterns.iter().any(|p| matches_pattern(p, name));
        self.tables.retain(|t| !out(&t.name));
        self.views.retain(|v| !out(&v.name));
        self.enums.retain(|e| !out(&e.name));
        self.unmanaged.retain(|u| !out(&u.name) && !u.table.as_deref().is_some_and(out));
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn matches_pattern(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_names() {
        for (p, n, m) in [
            ("tmp_*", "tmp_x", true),
            ("tmp_*", "tmp_", true),
            ("tmp_*", "xtmp_a", false),
            ("spatial_ref_sys", "spatial_ref_sys", true),
            ("spatial_ref_sys", "spatial_ref_sys2", false),
            ("*_old", "users_old", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXc", false),
            ("*", "anything", true),
        ] {
            assert_eq!(matches_pattern(p, n), m, "{p} {n}");
        }
    }

    #[test]
    fn exclude_drops_objects_and_their_triggers() {
        let mut s = Schema {
            tables: vec![
                Table { name: "users".into(), ..Table::default() },
                Table { name: "tmp_a".into(), ..Table::default() },
            ],
            views: vec![View { name: "tmp_v".into(), ..View::default() }],
            unmanaged: vec![Unmanaged {
                kind: "trigger".into(),
                name: "t1".into(),
                table: Some("tmp_a".into()),
                definition: String::new(),
            }],
            ..Schema::default()
        };
        s.exclude(&["tmp_*".to_owned()]);
        assert_eq!(s.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["users"]);
        assert!(s.views.is_empty() && s.unmanaged.is_empty());
    }
}
