//! SQL written by other people, on the real servers: each case is applied three ways on three
//! fresh databases — `cargo migrate upgrade`, `cargo migrate upgrade --sql` piped into the
//! database's own client, and that client running each revision's up section in a session of
//! its own — and the three schemas (routine and trigger bodies included) must be equal.
//! Covers `DELIMITER` after comments, MySQL compound statements with and without `DELIMITER`,
//! `USE` and `search_path` in revisions, `COPY … FROM stdin`, SQLite's table rebuild with
//! foreign keys, the line of a failing statement, statement text as written, and binary bytes.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrate_e2e::db::{TestDb, execute, fresh, texts};
use migrate_e2e::{PackageBuilder, cargo_migrate_bin, migrate_command, text};
use migrate_runtime::Dialect;
use migrate_testkit::{Spec, write_folder};

/// A package targeting `dialect` only, holding `specs`.
fn package(dialect: Dialect, specs: &[Spec]) -> tempfile::TempDir {
    PackageBuilder::new().dialects(&[&dialect.to_string()]).specs(specs).build()
}

/// A chain of revisions `r0 → r1 → …`, one per up section.
fn chain(ups: &[&str]) -> Vec<Spec> {
    ups.iter()
        .enumerate()
        .map(|(i, up)| {
            let parents: Vec<String> = if i == 0 { vec![] } else { vec![format!("r{}", i - 1)] };
            let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
            let mut s = Spec::new(&format!("r{i}"), &parents).irreversible();
            s.up = (*up).to_owned();
            s
        })
        .collect()
}

/// Runs `cmd`, killing it after `limit`: a hang is a failure, not a stuck test run.
fn output_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!("still running after {limit:?} (killed):\n{}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `cargo migrate ARGS` against `db`, within a minute.
fn migrate(bin: &Path, pkg: &Path, db: &TestDb, args: &[&str]) -> Output {
    output_within(&mut migrate_command(bin, pkg, &db.url, args), Duration::from_secs(60))
}

fn ok(bin: &Path, pkg: &Path, db: &TestDb, args: &[&str]) -> String {
    let out = migrate(bin, pkg, db, args);
    assert!(out.status.success(), "{} {args:?}:\n{}", db.dialect, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The schema without the history table (which only our two ways create).
async fn app_schema(db: &TestDb) -> Vec<String> {
    db.schema().await.into_iter().filter(|l| !l.contains("migrate_history")).collect()
}

/// Applies `specs` three ways on fresh `dialect` databases and checks that they agree: returns
/// `[online, script, native]`, or `None` when the server is not configured (a loud skip).
async fn three_ways(dialect: Dialect, specs: &[Spec]) -> Option<[TestDb; 3]> {
    let native: Vec<&str> = specs.iter().map(|s| s.up.as_str()).collect();
    three_ways_native(dialect, specs, &native).await
}

/// [`three_ways`], the native client running `native` (one text per revision) instead of the
/// up sections: for SQL the native client cannot split itself (MySQL compound statements
/// without `DELIMITER`), the same SQL as the client needs it.
async fn three_ways_native(dialect: Dialect, specs: &[Spec], native_ups: &[&str]) -> Option<[TestDb; 3]> {
    let (online, script, native) = (fresh(dialect).await?, fresh(dialect).await?, fresh(dialect).await?);
    let bin = cargo_migrate_bin();
    let pkg = package(dialect, specs);
    let p = pkg.path();
    ok(&bin, p, &online, &["upgrade"]);
    let sql = ok(&bin, p, &script, &["upgrade", "--sql", "--dialect", &dialect.to_string()]);
    let out = script.run_client(&sql);
    assert!(out.status.success(), "{dialect}: the client refused the script:\n{}\n{sql}", text(&out));
    for (s, up) in specs.iter().zip(native_ups) {
        let out = native.run_client(up);
        assert!(out.status.success(), "{dialect}: the client refused revision {}:\n{}", s.id, text(&out));
    }
    let expected = app_schema(&native).await;
    assert_eq!(app_schema(&online).await, expected, "{dialect}: `upgrade` and the native client differ");
    assert_eq!(app_schema(&script).await, expected, "{dialect}: `upgrade --sql` and the native client differ");
    let history = online.history("migrate_history").await;
    assert_eq!(history.len(), specs.len(), "{dialect}: every revision recorded: {history:?}");
    assert!(history.iter().all(|h| h.ends_with(":applied")), "{history:?}");
    assert_eq!(script.history("migrate_history").await, history, "{dialect}: the script records the same");
    assert!(ok(&bin, p, &online, &["status"]).contains("pending: none"), "{dialect}");
    Some([online, script, native])
}

/// One text per row of `sql` on each database: must be equal.
async fn same_rows(dbs: &[TestDb; 3], sql: &str) -> Vec<String> {
    let rows = texts(&dbs[2].pool, sql).await;
    for db in &dbs[..2] {
        assert_eq!(texts(&db.pool, sql).await, rows, "{}: {sql}", db.dialect);
    }
    rows
}

const MYSQL_TABLE: &str = "CREATE TABLE t (a INT, b VARCHAR(10));\n";

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_delimiter_after_a_comment() {
    let up = "CREATE TABLE t (x INT);\n-- triggers and procedures\n/* written by hand */\nDELIMITER //\nCREATE PROCEDURE p_two()\nBEGIN\n  SELECT 1; SELECT 2;\nEND//\nCREATE TRIGGER trg_x BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.x = NEW.x + 1;\n  SET @seen = 1;\nEND //\nDELIMITER ;\nINSERT INTO t VALUES (1);\n";
    let Some(dbs) = three_ways(Dialect::MySql, &chain(&[up])).await else { return };
    assert_eq!(same_rows(&dbs, "SELECT CAST(x AS CHAR) FROM t").await, ["2"], "the trigger ran");
    assert!(
        app_schema(&dbs[0])
            .await
            .iter()
            .any(|l| l.starts_with("routine PROCEDURE p_two: BEGIN\n  SELECT 1; SELECT 2;\nEND"))
    );
}

/// Every case of the splitter's compound-statement table, without `DELIMITER` and with it,
/// created on MariaDB and then exercised.
#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_compound_statements_with_and_without_delimiter() {
    let bodies: Vec<&str> = migrate_testkit::sql::MYSQL_COMPOUND.iter().map(|(_, b)| *b).collect();
    let plain = format!("{};\n", bodies.join(";\n"));
    let delimited = format!("DELIMITER ;;\n{};;\nDELIMITER ;\n", bodies.join(";;\n"));
    // The mariadb client itself needs DELIMITER: it is the reference for both.
    let reference = [MYSQL_TABLE, delimited.as_str()];
    let Some(without) = three_ways_native(Dialect::MySql, &chain(&[MYSQL_TABLE, &plain]), &reference).await else {
        return;
    };
    let Some(with) = three_ways(Dialect::MySql, &chain(&[MYSQL_TABLE, &delimited])).await else { return };
    let objects = app_schema(&without[0]).await;
    assert_eq!(app_schema(&with[0]).await, objects, "the same objects, byte for byte, either way");
    for (name, body) in migrate_testkit::sql::MYSQL_COMPOUND {
        let Some(object) = object_name(body) else { continue };
        assert!(objects.iter().any(|l| l.contains(&format!(" {object}:"))), "{name}: `{object}` in {objects:#?}");
    }
    for dbs in [&without, &with] {
        for db in dbs.iter() {
            execute(&db.pool, "INSERT INTO t (a) VALUES (7), (12), (0)").await;
            execute(&db.pool, "UPDATE t SET a = -5 WHERE a = 0").await;
        }
        assert_eq!(
            same_rows(dbs, "SELECT CONCAT(a, ':', b) FROM t ORDER BY a").await,
            ["0:zero", "7:mid", "12:big"],
            "trg_if's IF/ELSEIF/ELSE with the IF() function, trg_bare's bare IF"
        );
        assert_eq!(same_rows(dbs, "SELECT f_repeat(2)").await, ["xxxx"], "REPEAT … UNTIL with REPEAT()");
        assert_eq!(same_rows(dbs, "SELECT CAST(f_char(21) AS CHAR)").await, ["42"]);
    }
}

/// The name of the trigger, routine or event `body` creates.
fn object_name(body: &str) -> Option<&str> {
    let mut words = body.split(|c: char| c.is_whitespace() || c == '(').filter(|w| !w.is_empty());
    words.find(|w| ["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"].contains(w))?;
    words.find(|w| !["IF", "NOT", "EXISTS"].contains(w))
}

#[tokio::test]
#[cfg_attr(no_mysql, ignore = "MariaDB/MySQL only: set MIGRATE_TEST_MYSQL_URL")]
async fn mysql_use_in_a_revision_does_not_move_the_bookkeeping() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let other = format!("migrate_t_other_{}_{nanos}", std::process::id());
    let first =
        format!("CREATE DATABASE IF NOT EXISTS {other};\nUSE {other};\nCREATE TABLE IF NOT EXISTS in_other (a INT);\n");
    let specs = chain(&[&first, "CREATE TABLE in_main (a INT);\n", "USE mysql;\n"]);
    let result = three_ways(Dialect::MySql, &specs).await;
    if let Some(dbs) = &result {
        let schema = app_schema(&dbs[0]).await;
        assert!(
            schema.contains(&"in_main.a:int".to_owned()),
            "the next revision runs where the session began: {schema:?}"
        );
        let tables = texts(
            &dbs[0].pool,
            &format!("SELECT table_name FROM information_schema.tables WHERE table_schema = '{other}'"),
        )
        .await;
        assert_eq!(tables, ["in_other"]);
        // A script made without a URL cannot switch back: it says so instead of writing a script
        // whose bookkeeping would go to the wrong database.
        let bin = cargo_migrate_bin();
        let pkg = package(Dialect::MySql, &specs);
        let mut cmd = Command::new(&bin);
        cmd.args(["migrate", "upgrade", "--sql", "--dialect", "mysql"])
            .current_dir(pkg.path())
            .env_remove("DATABASE_URL");
        let out = output_within(&mut cmd, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("revision `r0` switches databases (`USE`, ") && stderr.contains(":8)"), "{stderr}");
        execute(&dbs[0].pool, &format!("DROP DATABASE {other}")).await;
    }
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_search_path_in_a_revision_does_not_move_the_bookkeeping() {
    let specs = chain(&[
        "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE a (id int);\n",
        "CREATE TABLE b (id int);\n",
        // pg_dump's first lines: an empty search_path, everything qualified.
        "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.c (id integer);\n",
        "CREATE TABLE d (id int);\n",
    ]);
    let Some(dbs) = three_ways(Dialect::Postgres, &specs).await else { return };
    let schema = app_schema(&dbs[0]).await;
    for line in ["app.a.id:integer", "b.id:integer", "c.id:integer", "d.id:integer"] {
        assert!(schema.contains(&line.to_owned()), "{line} in {schema:?}");
    }
    let history =
        texts(&dbs[0].pool, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'migrate_history'")
            .await;
    assert_eq!(history, ["public"]);
}

const DUMP: &str = "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSELECT pg_catalog.set_config('search_path', '', false);\n\nCREATE TABLE public.actor (\n    actor_id integer NOT NULL,\n    first_name text NOT NULL,\n    last_update timestamp without time zone\n);\n\n--\n-- Data for Name: actor; Type: TABLE DATA; Schema: public; Owner: -\n--\n\nCOPY public.actor (actor_id, first_name, last_update) FROM stdin;\n1\tPENELOPE\t2006-02-15 04:34:33\n2\tit's; \"quoted\" -- not a comment\t\\N\n3\ttab\\there\t2006-02-15 04:34:33\n\\.\n\n\nALTER TABLE ONLY public.actor\n    ADD CONSTRAINT actor_pkey PRIMARY KEY (actor_id);\n";

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_copy_from_stdin_as_pg_dump_writes_it() {
    let specs =
        chain(&[DUMP, "COPY actor (actor_id, first_name) FROM STDIN WITH (FORMAT csv);\n4,\"comma, inside\"\n\\.\n"]);
    let Some(dbs) = three_ways(Dialect::Postgres, &specs).await else { return };
    let rows = same_rows(
        &dbs,
        "SELECT actor_id || ':' || first_name || ':' || COALESCE(CAST(last_update AS text), 'null') FROM actor ORDER BY actor_id",
    )
    .await;
    assert_eq!(
        rows,
        [
            "1:PENELOPE:2006-02-15 04:34:33",
            "2:it's; \"quoted\" -- not a comment:null",
            "3:tab\there:2006-02-15 04:34:33",
            "4:comma, inside:null"
        ]
    );
}

#[tokio::test]
#[cfg_attr(no_postgres, ignore = "PostgreSQL only: set MIGRATE_TEST_POSTGRES_URL")]
async fn postgres_copy_with_bad_data_fails_at_its_line_and_never_hangs() {
    let Some(db) = fresh(Dialect::Postgres).await else { return };
    let specs = chain(&["CREATE TABLE n (v integer);\n\nCOPY n (v) FROM stdin;\n1\nnot a number\n\\.\n"]);
    let pkg = package(Dialect::Postgres, &specs);
    let out = migrate(&cargo_migrate_bin(), pkg.path(), &db, &["upgrade"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("_r0_create_t_r0.sql:9") && stderr.contains("invalid input syntax for type integer"),
        "{stderr}"
    );
    assert!(db.history("migrate_history").await.is_empty(), "rolled back with its row");
    assert!(!app_schema(&db).await.iter().any(|l| l.starts_with("n.")), "the table went with the transaction");
}

const PARENT_CHILD: &str = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\nCREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE);\nINSERT INTO parent VALUES (1, 'a'), (2, NULL);\nINSERT INTO child VALUES (10, 1), (11, 2), (12, 2);\n";

/// SQLite's own procedure (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of
/// Table Schema Changes"), as a revision.
const REBUILD: &str = "-- 1. Create the new table\nCREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n-- 2. Copy the rows\nINSERT INTO parent_new (id, name) SELECT id, COALESCE(name, '') FROM parent;\n-- 3. Drop the old table\nDROP TABLE parent;\n-- 4. Rename the new one\nALTER TABLE parent_new RENAME TO parent;\nCREATE INDEX ix_parent_name\n    ON parent (name)\n;\n";

#[tokio::test]
async fn sqlite_table_rebuild_keeps_rows_with_foreign_keys_on() {
    let Some(dbs) = three_ways(Dialect::Sqlite, &chain(&[PARENT_CHILD, REBUILD])).await else { return };
    assert_eq!(same_rows(&dbs, "SELECT id || ':' || parent_id FROM child ORDER BY id").await, ["10:1", "11:2", "12:2"]);
    assert_eq!(same_rows(&dbs, "SELECT id || ':' || name FROM parent ORDER BY id").await, ["1:a", "2:"]);
    let index = same_rows(&dbs, "SELECT sql FROM sqlite_master WHERE name = 'ix_parent_name'").await;
    assert_eq!(index, ["CREATE INDEX ix_parent_name\n    ON parent (name)\n"], "stored as the sqlite3 shell stores it");
}

#[tokio::test]
async fn sqlite_foreign_keys_are_restored_after_a_run_on_the_same_connection() {
    use migrate_runtime::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let dir = tempfile::tempdir().expect("temp dir");
    let options = SqliteConnectOptions::new().filename(dir.path().join("one.db")).create_if_missing(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("pool");
    let folder = tempfile::tempdir().expect("temp dir");
    write_folder(folder.path(), &chain(&[PARENT_CHILD, REBUILD])).expect("write");
    let graph = migrate_core::load_dir(folder.path(), folder.path()).into_valid_graph().expect("graph");
    let target = migrate_core::parse_target("heads").expect("target");
    let report =
        migrate_runtime::tool::upgrade((&pool).into(), &graph, &target, &Default::default()).await.expect("upgrade");
    assert_eq!(report.steps.len(), 2);
    let on: i64 = migrate_runtime::sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&pool).await.expect("pragma");
    assert_eq!(on, 1, "the one connection of the pool has its foreign keys back on");
    let children: i64 =
        migrate_runtime::sqlx::query_scalar("SELECT COUNT(*) FROM child").fetch_one(&pool).await.expect("count");
    assert_eq!(children, 3);
}

#[tokio::test]
async fn sqlite_a_revision_that_breaks_a_foreign_key_fails_and_rolls_back() {
    let Some(db) = fresh(Dialect::Sqlite).await else { return };
    let bin = cargo_migrate_bin();
    let specs = chain(&[PARENT_CHILD, "DELETE FROM parent WHERE id = 1;\n"]);
    let pkg = package(Dialect::Sqlite, &specs);
    let out = migrate(&bin, pkg.path(), &db, &["upgrade"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("revision `r1`") && stderr.contains("a row of `child` references a missing row of `parent`"),
        "{stderr}"
    );
    assert_eq!(db.history("migrate_history").await, ["r0:applied"]);
    assert_eq!(texts(&db.pool, "SELECT CAST(COUNT(*) AS TEXT) FROM parent").await, ["2"], "rolled back");
    // The offline script stops there too.
    let Some(offline) = fresh(Dialect::Sqlite).await else { return };
    let sql = ok(&bin, pkg.path(), &offline, &["upgrade", "--sql", "--dialect", "sqlite"]);
    let out = offline.run_client(&sql);
    assert!(!out.status.success(), "{sql}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("foreign_key_check_failed"), "{}", text(&out));
}

#[tokio::test]
async fn a_failing_statement_is_reported_at_its_own_line_not_the_comment_above() {
    let up = "CREATE TABLE ok_t (id INT);\n\n-- 6. Drop the old table\n/* it is gone */\nDROP TABLE no_such_table;\n";
    let bin = cargo_migrate_bin();
    for dialect in Dialect::ALL {
        let Some(db) = fresh(dialect).await else { continue };
        let pkg = package(dialect, &chain(&[up]));
        let out = migrate(&bin, pkg.path(), &db, &["upgrade"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        // The up section starts on line 7: the DROP is on line 11.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("_r0_create_t_r0.sql:11 (up)"), "{dialect}: {stderr}");
    }
}

#[test]
fn binary_bytes_in_a_literal_are_refused_with_the_hex_literal_hint() {
    let pkg = package(Dialect::MySql, &[]);
    let mut file = b"-- revision: r0\n-- revises:\n-- message: staff picture\n\n-- migrate:up\nINSERT INTO staff (picture) VALUES ('".to_vec();
    file.extend([0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff]);
    file.extend(b"');\n");
    std::fs::write(pkg.path().join("migrations/20261122_0000_r0_staff.sql"), file).expect("write");
    let mut cmd = Command::new(cargo_migrate_bin());
    cmd.args(["migrate", "check"]).current_dir(pkg.path()).env("NO_COLOR", "1");
    let out = output_within(&mut cmd, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[not-utf8]") && stderr.contains("20261122_0000_r0_staff.sql:6"), "{stderr}");
    assert!(stderr.contains("hex literal (X'89504E47…' or 0x89504E47…)"), "{stderr}");
}

#[tokio::test]
async fn sqlite_trigger_bodies_and_postgres_begin_atomic_stay_whole() {
    let trigger = "CREATE TABLE counts (n INTEGER NOT NULL);\nINSERT INTO counts VALUES (0);\nCREATE TABLE events (kind TEXT);\nCREATE TRIGGER count_events AFTER INSERT ON events\nWHEN new.kind IS NOT NULL\nBEGIN\n  UPDATE counts SET n = n + CASE WHEN new.kind = 'big' THEN 10 ELSE 1 END;\n  SELECT CASE WHEN new.kind = 'bad' THEN RAISE(ABORT, 'no; bad events') END;\nEND;\nINSERT INTO events VALUES ('big'), ('small');\n";
    if let Some(dbs) = three_ways(Dialect::Sqlite, &chain(&[trigger])).await {
        assert_eq!(same_rows(&dbs, "SELECT CAST(n AS TEXT) FROM counts").await, ["11"]);
    }
    let atomic = "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);\nINSERT INTO accounts VALUES (1, 100), (2, 0);\nCREATE PROCEDURE transfer(a int, b int, amount int)\nLANGUAGE sql\nBEGIN ATOMIC\n  UPDATE accounts SET balance = balance - amount WHERE id = a;\n  UPDATE accounts SET balance = balance + CASE WHEN amount > 0 THEN amount ELSE 0 END WHERE id = b;\nEND;\nCALL transfer(1, 2, 30);\n";
    if let Some(dbs) = three_ways(Dialect::Postgres, &chain(&[atomic])).await {
        assert_eq!(same_rows(&dbs, "SELECT id || ':' || balance FROM accounts ORDER BY id").await, ["1:70", "2:30"]);
    }
}
