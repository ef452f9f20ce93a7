//! The catalog readers (`tool::read_schema`) on real servers: a DDL script covering every field
//! of the schema model, read back and checked field by field; the same table written two
//! equivalent ways reads alike; the history table and its companions are left out.
//!
//! PostgreSQL and MySQL/MariaDB run when `MIGRATE_TEST_POSTGRES_URL` / `MIGRATE_TEST_MYSQL_URL`
//! are set (a loud skip otherwise, a failure with `CI=true`); each test creates its databases
//! and drops them before asserting, so a failed assertion leaves nothing behind.

use migrate_runtime::tool::core::schema::{Check, ForeignKey, Generated, Index, Key, Unmanaged, View};
use migrate_runtime::tool::core::schema::{Schema, Table};
use migrate_runtime::tool::{read_schema, run_sql_file};
use migrate_runtime::{Dialect, MigrateError};

mod db {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use migrate_runtime::{AnyPool, Dialect};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    /// A database for one test: a SQLite file, or a database created on a server.
    pub struct Db {
        pub pool: AnyPool,
        server: Option<(String, String)>,
        _dir: Option<tempfile::TempDir>,
    }

    /// The server URL of `dialect` from the environment; a loud skip (`None`) without it,
    /// a panic without it under `CI=true`.
    pub fn server_url(dialect: Dialect) -> Option<String> {
        let var = match dialect {
            Dialect::Sqlite => return None,
            Dialect::Postgres => "MIGRATE_TEST_POSTGRES_URL",
            Dialect::MySql => "MIGRATE_TEST_MYSQL_URL",
        };
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{var} is not set, and CI=true"),
            _ => {
                eprintln!("\n*** SKIPPED: {dialect} catalog tests: set {var} to run them ***\n");
                None
            }
        }
    }

    /// A fresh database of `dialect`; `None` when its server is not configured.
    pub async fn fresh(dialect: Dialect) -> Option<Db> {
        if dialect == Dialect::Sqlite {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("t.db").display());
            let pool = AnyPool::connect(&url).await.expect("open SQLite");
            return Some(Db { pool, server: None, _dir: Some(dir) });
        }
        let admin_url = server_url(dialect)?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("migrate_t_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        run(&admin_url, &format!("CREATE DATABASE {name}")).await;
        let mut url = url::Url::parse(&admin_url).expect("server URL");
        url.set_path(&format!("/{name}"));
        let pool = AnyPool::connect(url.as_str()).await.expect("connect to the test database");
        Some(Db { pool, server: Some((admin_url, name)), _dir: None })
    }

    async fn run(server: &str, sql: &str) {
        let admin = AnyPool::connect(server).await.expect("admin connection");
        migrate_runtime::tool::run_sql_file(admin.as_db(), "admin", sql).await.expect(sql);
        admin.close().await;
    }

    impl Db {
        /// Closes the pool and drops the database.
        pub async fn drop(self) {
            self.pool.close().await;
            if let Some((server, name)) = &self.server {
                let force = if server.starts_with("postgres") { " WITH (FORCE)" } else { "" };
                run(server, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
            }
        }
    }
}

/// Loads `ddl` into a fresh database of `dialect`, reads it, drops the database; `None` when
/// the server is not configured.
async fn model(dialect: Dialect, ddl: &str) -> Option<Result<Schema, MigrateError>> {
    let db = db::fresh(dialect).await?;
    let read = match run_sql_file(db.pool.as_db(), "schema.sql", ddl).await {
        Ok(()) => read_schema(db.pool.as_db(), "migrate_history").await,
        Err(e) => Err(e),
    };
    db.drop().await;
    Some(read)
}

fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
    schema.table(name).unwrap_or_else(|| panic!("table {name} in {schema:#?}"))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn fk(
    name: Option<&str>,
    columns: &[&str],
    parent: &str,
    to: &[&str],
    actions: (&str, &str),
    deferrable: Option<&str>,
) -> ForeignKey {
    ForeignKey {
        name: name.map(str::to_owned),
        columns: strings(columns),
        referenced_table: parent.to_owned(),
        referenced_columns: strings(to),
        on_delete: actions.0.to_owned(),
        on_update: actions.1.to_owned(),
        deferrable: deferrable.map(str::to_owned),
        referenced_schema: None,
        match_full: false,
    }
}

fn index(name: &str, unique: bool, parts: &[&str]) -> Index {
    Index { name: name.to_owned(), unique, parts: strings(parts), ..Index::default() }
}

/// The history table and its companions are never read.
fn no_history(schema: &Schema) {
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["orders", "users"], "{names:?}");
    assert!(schema.unmanaged.iter().all(|u| !u.table.as_deref().unwrap_or_default().starts_with("migrate_history")));
}

#[tokio::test]
async fn postgres_every_field() {
    let Some(schema) = model(Dialect::Postgres, include_str!("catalog_model/postgres.sql")).await else { return };
    let schema = schema.expect("read");
    no_history(&schema);
    let users = table(&schema, "users");
    let id = users.column("id").expect("id");
    assert_eq!(
        (id.data_type.as_str(), id.nullable, id.identity.as_deref(), &id.default),
        ("integer", false, Some("serial"), &None)
    );
    let email = users.column("email").expect("email");
    assert_eq!(
        (email.collation.as_deref(), email.comment.as_deref(), email.nullable),
        (Some("C"), Some("where to write"), false)
    );
    let name = users.column("name").expect("name");
    assert_eq!(
        (name.data_type.as_str(), name.default.as_deref(), name.collation.as_deref()),
        ("character varying(20)", Some("'anon'::character varying"), None)
    );
    assert_eq!(users.column("created").and_then(|c| c.default.as_deref()), Some("now()"));
    assert_eq!(users.column("feeling").map(|c| c.data_type.as_str()), Some("mood"));
    assert_eq!(users.column("tags").map(|c| c.data_type.as_str()), Some("text[]"));
    assert_eq!(users.comment.as_deref(), Some("people"));
    assert_eq!(
        users.primary_key,
        Some(Key { name: some("users_pkey"), columns: strings(&["id"]), nulls_not_distinct: false, deferrable: None })
    );
    assert_eq!(
        users.uniques,
        [Key {
            name: some("users_email_key"),
            columns: strings(&["email"]),
            nulls_not_distinct: false,
            deferrable: None
        }]
    );
    assert_eq!(
        users.indexes,
        [
            index("users_name_nulls", true, &["name NULLS FIRST"]),
            Index { method: some("gin"), ..index("users_tags", false, &["tags"]) },
        ]
    );
    let orders = table(&schema, "orders");
    let ids: Vec<_> = orders.columns.iter().map(|c| (c.name.as_str(), c.identity.as_deref())).collect();
    assert_eq!(ids[..2], [("id", Some("ALWAYS")), ("line", Some("BY DEFAULT"))]);
    let total = orders.column("total").expect("total");
    assert_eq!(total.generated, Some(Generated { expression: "(price * (quantity)::numeric)".into(), stored: true }));
    assert_eq!(
        (total.default.as_deref(), orders.column("quantity").and_then(|c| c.default.as_deref())),
        (None, Some("1"))
    );
    assert_eq!(
        orders.primary_key,
        Some(Key {
            name: some("orders_pkey"),
            columns: strings(&["id", "line"]),
            nulls_not_distinct: false,
            deferrable: None
        })
    );
    assert_eq!(
        orders.uniques,
        [Key {
            name: some("orders_user_id_note_key"),
            columns: strings(&["user_id", "note"]),
            nulls_not_distinct: false,
            deferrable: None
        }]
    );
    assert_eq!(
        orders.foreign_keys,
        [
            fk(
                Some("orders_user_fk2"),
                &["user_id"],
                "users",
                &["id"],
                ("NO ACTION", "SET NULL"),
                Some("DEFERRABLE INITIALLY DEFERRED")
            ),
            fk(Some("orders_user_id_fkey"), &["user_id"], "users", &["id"], ("CASCADE", "NO ACTION"), None),
        ]
    );
    assert_eq!(
        orders.checks,
        [Check { name: some("orders_price_check"), expression: "(price > (0)::numeric)".into(), no_inherit: false }]
    );
    assert_eq!(
        orders.indexes,
        [
            Index {
                predicate: some("(quantity > 1)"),
                include: strings(&["price"]),
                ..index("orders_lower_note", false, &["lower(note) DESC", "quantity"])
            },
            Index { method: some("hash"), ..index("orders_note_hash", false, &["note"]) },
        ]
    );
    assert_eq!(schema.enums.len(), 1);
    assert_eq!((schema.enums[0].name.as_str(), &schema.enums[0].values), ("mood", &strings(&["sad", "ok", "happy"])));
    let views: Vec<_> = schema.views.iter().map(|v| (v.name.as_str(), v.materialized)).collect();
    assert_eq!(views, [("big_orders", false), ("order_totals", true)]);
    assert_eq!(
        schema.views[0].definition,
        " SELECT orders.id,\n    orders.price\n   FROM orders\n  WHERE orders.price > 100::numeric;"
    );
    let unmanaged: Vec<_> =
        schema.unmanaged.iter().map(|u| (u.kind.as_str(), u.name.as_str(), u.table.as_deref())).collect();
    assert_eq!(
        unmanaged,
        [
            ("function", "touch()", None),
            ("sequence", "invoice_numbers", None),
            ("trigger", "users_touch", Some("users"))
        ]
    );
    assert_eq!(
        schema.unmanaged[1].definition,
        "AS bigint START 100 INCREMENT 5 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE"
    );
    assert_eq!(
        schema.unmanaged[2].definition,
        "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()"
    );
    assert!(schema.unmanaged[0].definition.contains("NEW.created := now()"), "{:?}", schema.unmanaged[0]);
}

/// What the PostgreSQL model does not hold — an unlogged table, storage parameters of a table,
/// an index or a key's index, a constraint not validated — is reported among the objects not
/// managed (`check --schema` reports it instead of passing); the rest of the schema reads as
/// usual.
#[tokio::test]
async fn postgres_attributes_not_read_are_reported() {
    let ddl = "CREATE TABLE plain (id integer PRIMARY KEY, a integer);\n\
               CREATE INDEX plain_a ON plain (a);\n\
               CREATE UNLOGGED TABLE scratch (id integer);\n\
               CREATE TABLE dense (id integer, CONSTRAINT dense_pkey PRIMARY KEY (id) WITH (fillfactor = 70)) WITH (fillfactor = 80);\n\
               CREATE INDEX dense_id ON dense (id) WITH (fillfactor = 60) WHERE id > 0;\n\
               ALTER TABLE plain ADD CONSTRAINT plain_a_check CHECK (a > 0) NOT VALID;\n";
    let Some(schema) = model(Dialect::Postgres, ddl).await else { return };
    let schema = schema.expect("read");
    let reported: Vec<(&str, &str, &str)> =
        schema.unmanaged.iter().map(|u| (u.kind.as_str(), u.name.as_str(), u.definition.as_str())).collect();
    assert_eq!(
        reported,
        [
            ("constraint", "dense_pkey", "PRIMARY KEY (id) WITH (fillfactor=70)"),
            ("constraint", "plain_a_check", "CHECK ((a > 0)) NOT VALID"),
            (
                "index",
                "dense_id",
                "CREATE INDEX dense_id ON public.dense USING btree (id) WITH (fillfactor='60') WHERE (id > 0)"
            ),
            ("table", "dense", "a table attribute not read (WITH (fillfactor=80))"),
            ("table", "scratch", "a table attribute not read (UNLOGGED)"),
        ]
    );
    assert_eq!(schema.tables.len(), 3, "the tables are read as usual");
}

/// An index attribute the model does not hold (MariaDB's `IGNORED`, a `COMMENT`) puts its table
/// among the objects not managed, with the line: `check --schema` reports it instead of passing.
#[tokio::test]
async fn mysql_key_attributes_not_read_are_reported() {
    let ddl = "CREATE TABLE plain (id INT PRIMARY KEY, a INT, KEY ix_a (a) USING BTREE);\n\
               CREATE TABLE hidden (id INT PRIMARY KEY, a INT, KEY ix_a (a) IGNORED);\n\
               CREATE TABLE noted (id INT PRIMARY KEY, a INT, KEY ix_a (a) COMMENT 'hot');\n";
    let Some(schema) = model(Dialect::MySql, ddl).await else { return };
    let schema = schema.expect("read");
    let reported: Vec<(&str, bool)> = schema
        .unmanaged
        .iter()
        .map(|u| (u.name.as_str(), u.definition.starts_with("a key attribute not read (KEY `ix_a` (`a`)")))
        .collect();
    assert_eq!(reported, [("hidden", true), ("noted", true)], "{:#?}", schema.unmanaged);
}

#[tokio::test]
async fn mysql_every_field() {
    let Some(schema) = model(Dialect::MySql, include_str!("catalog_model/mysql.sql")).await else { return };
    let schema = schema.expect("read");
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["orders", "parts", "users"]);
    let users = table(&schema, "users");
    let id = users.column("id").expect("id");
    assert_eq!(
        (id.data_type.as_str(), id.nullable, id.identity.as_deref(), &id.default),
        ("int(11)", false, Some("auto_increment"), &None)
    );
    let email = users.column("email").expect("email");
    assert_eq!((email.collation.as_deref(), email.comment.as_deref()), (Some("utf8mb4_bin"), Some("where to write")));
    let name = users.column("name").expect("name");
    assert_eq!((name.default.as_deref(), name.collation.as_deref(), name.nullable), (Some("'anon'"), None, true));
    let updated = users.column("updated").expect("updated");
    assert_eq!(
        (updated.default.as_deref(), updated.on_update.as_deref()),
        (Some("current_timestamp()"), Some("current_timestamp()"))
    );
    assert_eq!(users.comment.as_deref(), Some("people"));
    assert_eq!(
        users.options.as_deref(),
        Some("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
        "the comment is a field of its own"
    );
    assert_eq!(
        users.primary_key,
        Some(Key { name: some("PRIMARY"), columns: strings(&["id"]), nulls_not_distinct: false, deferrable: None })
    );
    assert!(users.uniques.is_empty());
    assert_eq!(
        users.indexes,
        [
            index("users_bio_prefix", false, &["bio(10)"]),
            Index { method: some("FULLTEXT"), ..index("users_bio_text", false, &["bio"]) },
            index("users_email", true, &["email"]),
            index("users_name_desc", false, &["name DESC", "age"]),
        ]
    );
    // MariaDB: a column's CHECK and a JSON column's validity check are named after the column.
    assert_eq!(
        users.checks,
        [
            Check { name: some("age"), expression: "`age` >= 0".into(), no_inherit: false },
            Check { name: some("settings"), expression: "json_valid(`settings`)".into(), no_inherit: false },
        ]
    );
    let orders = table(&schema, "orders");
    assert_eq!(
        orders.primary_key,
        Some(Key {
            name: some("PRIMARY"),
            columns: strings(&["user_id", "line"]),
            nulls_not_distinct: false,
            deferrable: None
        })
    );
    assert_eq!(orders.column("quantity").and_then(|c| c.default.as_deref()), Some("1"));
    assert_eq!(
        orders.column("total").and_then(|c| c.generated.clone()),
        Some(Generated { expression: "`price` * `quantity`".into(), stored: true })
    );
    assert_eq!(
        orders.column("half").and_then(|c| c.generated.clone()),
        Some(Generated { expression: "`price` / 2".into(), stored: false })
    );
    assert_eq!(
        orders.foreign_keys,
        [fk(Some("orders_users"), &["user_id"], "users", &["id"], ("CASCADE", "RESTRICT"), None)]
    );
    assert_eq!(
        orders.checks,
        [Check { name: some("orders_price"), expression: "`price` > 0".into(), no_inherit: false }]
    );
    assert_eq!(
        schema.views,
        [View {
            name: "big_orders".into(),
            definition: "select `orders`.`user_id` AS `user_id`,`orders`.`price` AS `price` from `orders` where `orders`.`price` > 100".into(),
            materialized: false,
        }]
    );
    let unmanaged: Vec<_> =
        schema.unmanaged.iter().map(|u| (u.kind.as_str(), u.name.as_str(), u.table.as_deref())).collect();
    assert_eq!(
        unmanaged,
        [("function", "twice", None), ("table", "parts", Some("parts")), ("trigger", "users_age", Some("users"))]
    );
    assert_eq!(schema.unmanaged[0].definition, "FUNCTION twice(x int(11)) RETURNS int(11) DETERMINISTIC RETURN x * 2");
    assert!(
        schema.unmanaged[1].definition.starts_with("more after the table options (PARTITION BY HASH (`id`)"),
        "{:?}",
        schema.unmanaged[1]
    );
    assert_eq!(
        schema.unmanaged[2].definition,
        "BEFORE INSERT ON users FOR EACH ROW SET NEW.age = COALESCE(NEW.age, 0)"
    );
}

#[tokio::test]
async fn sqlite_every_field() {
    let schema = model(Dialect::Sqlite, include_str!("catalog_model/sqlite.sql")).await.expect("SQLite").expect("read");
    no_history(&schema);
    let users = table(&schema, "users");
    let id = users.column("id").expect("id");
    // An INTEGER PRIMARY KEY is nullable as the pragma says (it is the rowid).
    assert_eq!((id.data_type.as_str(), id.nullable, id.identity.as_deref()), ("INTEGER", true, Some("autoincrement")));
    assert_eq!(
        users.column("name").map(|c| (c.data_type.as_str(), c.default.as_deref())),
        Some(("VARCHAR(20)", Some("'anon'")))
    );
    assert_eq!(users.column("CHECK").and_then(|c| c.default.as_deref()), Some("'CHECK (no)'"));
    assert_eq!(
        users.primary_key,
        Some(Key { name: None, columns: strings(&["id"]), nulls_not_distinct: false, deferrable: None })
    );
    assert_eq!(
        users.uniques,
        [
            Key { name: None, columns: strings(&["name"]), nulls_not_distinct: false, deferrable: None },
            Key {
                name: some("users_email"),
                columns: strings(&["email"]),
                nulls_not_distinct: false,
                deferrable: None
            }
        ]
    );
    // The CHECK inside a quoted name, a comment and a string literal are not CHECKs.
    assert_eq!(users.checks, [Check { name: None, expression: "\"check (x)\" > 0".into(), no_inherit: false }]);
    assert_eq!(
        users.indexes,
        [Index {
            create_sql: some("CREATE UNIQUE INDEX users_name_desc ON users (name DESC)"),
            ..index("users_name_desc", true, &["name DESC"])
        }]
    );
    assert!(users.create_sql.as_deref().is_some_and(|s| s.starts_with("CREATE TABLE users (")));
    let orders = table(&schema, "orders");
    assert_eq!(
        orders.primary_key,
        Some(Key {
            name: some("orders_pk"),
            columns: strings(&["user_id", "line"]),
            nulls_not_distinct: false,
            deferrable: None
        })
    );
    assert_eq!(
        orders.column("total").and_then(|c| c.generated.clone()),
        Some(Generated { expression: "price * (quantity + 0)".into(), stored: true })
    );
    assert_eq!(
        orders.column("half").and_then(|c| c.generated.clone()),
        Some(Generated { expression: "price / 2".into(), stored: false })
    );
    assert_eq!(orders.column("quantity").and_then(|c| c.default.as_deref()), Some("1"));
    // The first references the parent's primary key implicitly.
    assert_eq!(
        orders.foreign_keys,
        [
            fk(None, &["user_id"], "users", &["id"], ("CASCADE", "NO ACTION"), None),
            fk(
                Some("orders_users"),
                &["user_id"],
                "users",
                &["id"],
                ("NO ACTION", "SET NULL"),
                Some("DEFERRABLE INITIALLY DEFERRED")
            ),
        ]
    );
    assert_eq!(
        orders.checks,
        [Check { name: some("positive"), expression: "price > 0 AND (quantity >= 1)".into(), no_inherit: false }]
    );
    assert_eq!(
        orders.indexes,
        [Index {
            predicate: some("quantity > 1"),
            create_sql: some(
                "CREATE INDEX orders_expr ON orders (lower(CAST(price AS TEXT)), quantity DESC) WHERE quantity > 1"
            ),
            ..index("orders_expr", false, &["lower(CAST(price AS TEXT))", "quantity DESC"])
        }]
    );
    assert_eq!(
        schema.views,
        [View {
            name: "big_orders".into(),
            definition: "SELECT user_id, price FROM orders WHERE price > 100".into(),
            materialized: false
        }]
    );
    assert_eq!(
        schema.unmanaged,
        [Unmanaged {
            kind: "trigger".into(),
            name: "users_touch".into(),
            table: some("users"),
            definition: "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN UPDATE users SET name = name WHERE id = NEW.id; END".into(),
        }]
    );
}

/// Reads `a` and `b` (each in a fresh database) and checks the models are equal (SQLite's
/// stored `CREATE` texts aside: they are the texts as written).
async fn equivalent(dialect: Dialect, a: &str, b: &str) {
    let (Some(a), Some(b)) = (model(dialect, a).await, model(dialect, b).await) else { return };
    let (mut a, mut b) = (a.expect("read a"), b.expect("read b"));
    for t in a.tables.iter_mut().chain(b.tables.iter_mut()) {
        t.create_sql = None;
    }
    assert_eq!(a, b);
    assert_eq!(a.tables.len(), 1, "{a:#?}");
}

#[tokio::test]
async fn equivalent_ddl_reads_alike_on_postgres() {
    equivalent(
        Dialect::Postgres,
        "CREATE TABLE t (id int PRIMARY KEY, name varchar(10) NOT NULL, n numeric(5,2) DEFAULT 0, CHECK (n > 0));",
        "CREATE TABLE t (id integer NOT NULL, name character varying(10) NOT NULL, n decimal(5,2) DEFAULT (0), \
         CONSTRAINT t_n_check CHECK ((n > 0)), CONSTRAINT t_pkey PRIMARY KEY (id));",
    )
    .await;
}

#[tokio::test]
async fn equivalent_ddl_reads_alike_on_mysql() {
    equivalent(
        Dialect::MySql,
        "CREATE TABLE t (id int PRIMARY KEY, name varchar(10) NOT NULL DEFAULT 'x', KEY k (name)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;",
        "CREATE TABLE t (id INTEGER NOT NULL, name VARCHAR(10) NOT NULL DEFAULT \"x\", PRIMARY KEY (id), INDEX k (name)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;",
    )
    .await;
}

#[tokio::test]
async fn equivalent_ddl_reads_alike_on_sqlite() {
    equivalent(
        Dialect::Sqlite,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n REAL CHECK (n > 0));",
        "CREATE TABLE \"t\" (\"id\" INTEGER, name TEXT NOT NULL, n REAL, PRIMARY KEY (id), UNIQUE (name), CHECK (n > 0));",
    )
    .await;
}
