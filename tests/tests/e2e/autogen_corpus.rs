//! The autogenerate corpus (`tests/autogen/<case>/`, format in its README.md): for each case and
//! each database it names, `before` is the one revision so far and `after` the schema file.
//! Autogenerate plans and proves the new revision on scratch databases; then, on a database of
//! the test's own with `rows` inserted, the new revision is applied by the engine (the schema
//! must read back as `after`, the rows of `keep` tables must be unchanged in the columns both
//! sides have) and reverted (the schema must read back as `before`, the rows again unchanged).
//! A case with `error` must be refused with that text. Every scratch database is dropped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use migrate_core::schema::{AutogenOptions, Rename, Schema, describe_differences};
use migrate_core::{NewRevision, RevisionGraph, RevisionId, Target, parse_revision, render_revision};
use migrate_e2e::db::{TestDb, fresh, raw_texts, server_url};
use migrate_runtime::tool::{
    AutogenRequest, Options, Scratch, autogenerate, downgrade, read_schema, run_sql_file, upgrade,
};
use migrate_runtime::{AnyPool, Dialect};

/// One case of the corpus.
#[derive(Clone)]
struct Case {
    name: String,
    dir: PathBuf,
    dialects: Vec<Dialect>,
    expect: Option<Vec<String>>,
    expect_by_dialect: BTreeMap<String, Vec<String>>,
    renames: Vec<String>,
    allow_destructive: bool,
    keep: Vec<String>,
    error: String,
    notes: Vec<String>,
}

fn strings(table: &toml::Table, key: &str) -> Option<Vec<String>> {
    let list = table.get(key)?.as_array()?;
    Some(list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

fn cases() -> Vec<Case> {
    let root = migrate_e2e::workspace_root().join("tests/autogen");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("case.toml")).expect("case.toml");
            let t: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let dialects = strings(&t, "dialects")
                .unwrap_or_else(|| vec!["postgres".into(), "mysql".into(), "sqlite".into()])
                .iter()
                .map(|d| Dialect::from_name(d).unwrap_or_else(|| panic!("{}: dialect {d}", dir.display())))
                .collect();
            let expect_by_dialect = t
                .get("expect_by_dialect")
                .and_then(|v| v.as_table())
                .map(|by| by.keys().filter_map(|k| Some((k.clone(), strings(by, k)?))).collect())
                .unwrap_or_default();
            Case {
                name: dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                dialects,
                expect: strings(&t, "expect"),
                expect_by_dialect,
                renames: strings(&t, "renames").unwrap_or_default(),
                allow_destructive: t.get("allow_destructive").and_then(|v| v.as_bool()).unwrap_or(false),
                keep: strings(&t, "keep").unwrap_or_default(),
                error: t.get("error").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
                notes: strings(&t, "notes").unwrap_or_default(),
                dir,
            }
        })
        .collect()
}

/// `<stem>.<dialect>.sql`, else `<stem>.sql`.
fn file(dir: &Path, stem: &str, dialect: Dialect) -> Option<String> {
    let own = dir.join(format!("{stem}.{dialect}.sql"));
    let common = dir.join(format!("{stem}.sql"));
    std::fs::read_to_string(own).or_else(|_| std::fs::read_to_string(common)).ok()
}

fn revision(id: &str, parents: &[&str], up: &str, down: Option<&str>) -> NewRevision {
    NewRevision {
        id: RevisionId::parse(id).expect("id"),
        parents: parents.iter().map(|p| RevisionId::parse(p).expect("id")).collect(),
        message: id.into(),
        created: "2026-12-03T00:00:00Z".parse().expect("timestamp"),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        transactional: true,
        up: Some(up.into()),
        down: down.map(str::to_owned),
        rust: false,
        marked: Vec::new(),
    }
}

fn graph_of(new: &[NewRevision]) -> RevisionGraph {
    let revisions =
        new.iter().map(|n| parse_revision(&format!("{}.sql", n.id), render_revision(n).as_bytes()).expect("parses"));
    RevisionGraph::build(revisions.collect()).expect("valid graph")
}

/// The rows of `table` as text (the given columns, `|`-joined, NULL spelled out), sorted.
async fn rows(pool: &AnyPool, dialect: Dialect, table: &str, columns: &[String]) -> Vec<String> {
    let text = if dialect == Dialect::MySql { "CHAR" } else { "TEXT" };
    let q = |c: &str| if dialect == Dialect::MySql { format!("`{c}`") } else { format!("\"{c}\"") };
    let parts: Vec<String> = columns.iter().map(|c| format!("COALESCE(CAST({} AS {text}), 'NULL')", q(c))).collect();
    let joined = if dialect == Dialect::MySql {
        format!("CONCAT_WS('|', {})", parts.join(", "))
    } else {
        parts.join(" || '|' || ")
    };
    // Not prepared: a statement cached before a table rebuild would fail after it.
    let mut out = raw_texts(pool, &format!("SELECT {joined} FROM {}", q(table))).await;
    out.sort();
    out
}

/// A table whose rows must be kept: its name before, after, and its columns (before, after).
type Kept = (String, String, Vec<(String, String)>);

/// The columns of `table` (its name before) both schemas have, renamed ones paired: the
/// table's name after, and `(before, after)` column names.
fn common_columns(case: &Case, table: &str, before: &Schema, after: &Schema) -> (String, Vec<(String, String)>) {
    let renamed_to = |from: &str| {
        case.renames.iter().find_map(|r| {
            let (old, new) = r.split_once('=')?;
            (old == from).then(|| new.to_owned())
        })
    };
    let table_after = renamed_to(table).unwrap_or_else(|| table.to_owned());
    let (Some(b), Some(a)) = (before.table(table), after.table(&table_after)) else { return (table_after, Vec::new()) };
    let columns = b
        .columns
        .iter()
        .filter_map(|c| {
            let name = renamed_to(&format!("{}.{}", a.name, c.name))
                .or_else(|| renamed_to(&format!("{table}.{}", c.name)))
                .unwrap_or_else(|| c.name.clone());
            a.column(&name).map(|_| (c.name.clone(), name))
        })
        .collect();
    (table_after, columns)
}

async fn run_case(case: &Case, dialect: Dialect, server: Option<&str>) -> Result<(), String> {
    let before = file(&case.dir, "before", dialect).unwrap_or_default();
    let after = file(&case.dir, "after", dialect).ok_or("no after.sql")?;
    let mut history = Vec::new();
    if !before.trim().is_empty() {
        history.push(revision("r1", &[], &before, None));
    }
    let graph = graph_of(&history);
    let parents: Vec<&str> = history.iter().map(|r| r.id.as_str()).collect();
    let template = revision("r2", &parents, "", None);
    let renames = case.renames.iter().map(|r| r.parse::<Rename>()).collect::<Result<Vec<_>, _>>();
    let autogen = AutogenOptions {
        renames: renames.map_err(|e| format!("renames: {e}"))?,
        allow_destructive: case.allow_destructive,
    };
    let options = Options::default();
    let scratch = Scratch::new();
    let request = AutogenRequest {
        graph: &graph,
        dialect,
        server,
        schema_path: "after.sql",
        schema_text: &after,
        options: &options,
        autogen: &autogen,
        exclude: &[],
        revision: &template,
    };
    let result = autogenerate(&scratch, &request).await;
    let left = scratch.drop_all().await;
    if !left.is_empty() {
        return Err(format!("scratch databases left: {left:?}"));
    }
    if !case.error.is_empty() {
        return match result {
            Err(e) if e.to_string().contains(&case.error) => Ok(()),
            Err(e) => Err(format!("refused, but without `{}`: {e}", case.error)),
            Ok(p) => Err(format!("expected a refusal with `{}`, got {:?}", case.error, p.generated.changes)),
        };
    }
    let proven = result.map_err(|e| e.to_string())?;
    let expected = case.expect_by_dialect.get(&dialect.to_string()).or(case.expect.as_ref());
    if let Some(expected) = expected {
        // `"*"` alone: not checked; beside other lines: those must be there, others may be.
        let open = expected.iter().any(|e| e == "*");
        let mut want: Vec<&String> = expected.iter().filter(|e| *e != "*").collect();
        let mut got: Vec<&String> = proven.generated.changes.iter().collect();
        want.sort();
        got.sort();
        let missing: Vec<&&String> = want.iter().filter(|w| !got.contains(w)).collect();
        if (open && !missing.is_empty()) || (!open && want != got) {
            return Err(format!("changes: expected {want:#?}\ngot {got:#?}"));
        }
    }
    for note in &case.notes {
        if !proven.generated.unmanaged.contains(note) {
            return Err(format!("note `{note}` not reported: {:?}", proven.generated.unmanaged));
        }
    }
    if proven.generated.changes.is_empty() {
        return Ok(());
    }
    // The new revision on a database of our own, with rows, through the engine.
    let db: TestDb = fresh(dialect).await.ok_or("no database")?;
    let outcome = async {
        let pool = db.pool.as_db();
        upgrade(pool, &graph, &Target::HEADS, &options).await.map_err(|e| format!("before: {e}"))?;
        if let Some(rows_sql) = file(&case.dir, "rows", dialect) {
            run_sql_file(pool, "rows.sql", &rows_sql).await.map_err(|e| e.to_string())?;
        }
        let keep: Vec<Kept> = case
            .keep
            .iter()
            .map(|t| {
                let (after, columns) = common_columns(case, t, &proven.current, &proven.desired);
                (t.clone(), after, columns)
            })
            .collect();
        let mut kept = Vec::new();
        for (table, _, columns) in &keep {
            let names: Vec<String> = columns.iter().map(|(b, _)| b.clone()).collect();
            kept.push(rows(&db.pool, dialect, table, &names).await);
        }
        let mut new = history.clone();
        new.push(revision("r2", &parents, &proven.generated.up, Some(&proven.generated.down)));
        new.last_mut().expect("r2").transactional = proven.generated.transactional;
        let with_new = graph_of(&new);
        upgrade(pool, &with_new, &Target::HEADS, &options).await.map_err(|e| format!("up: {e}"))?;
        let now = read_schema(pool, "migrate_history").await.map_err(|e| e.to_string())?;
        let left = describe_differences(&now.managed(), &proven.desired.managed());
        if !left.is_empty() {
            return Err(format!("after up, the database differs from after.sql: {left:#?}"));
        }
        for ((_, table, columns), was) in keep.iter().zip(&kept) {
            let names: Vec<String> = columns.iter().map(|(_, a)| a.clone()).collect();
            let now = rows(&db.pool, dialect, table, &names).await;
            if &now != was {
                return Err(format!("after up, the rows of {table} changed: {was:?} -> {now:?}"));
            }
        }
        let back = if parents.is_empty() { Target::BASE } else { migrate_core::parse_target("r1").expect("target") };
        downgrade(pool, &with_new, &back, &options).await.map_err(|e| format!("down: {e}"))?;
        let now = read_schema(pool, "migrate_history").await.map_err(|e| e.to_string())?;
        let left = describe_differences(&now.managed(), &proven.current.managed());
        if !left.is_empty() {
            return Err(format!("after down, the database differs from before.sql: {left:#?}"));
        }
        for ((table, _, columns), was) in keep.iter().zip(&kept) {
            let names: Vec<String> = columns.iter().map(|(b, _)| b.clone()).collect();
            let now = rows(&db.pool, dialect, table, &names).await;
            if &now != was {
                return Err(format!("after down, the rows of {table} changed: {was:?} -> {now:?}"));
            }
        }
        Ok(())
    }
    .await;
    db.drop_database().await;
    outcome
}

async fn corpus(dialect: Dialect) {
    let server = match dialect {
        Dialect::Sqlite => None,
        _ => match server_url(dialect) {
            Some(url) => Some(url),
            None => return,
        },
    };
    let cases: Vec<Case> = cases().into_iter().filter(|c| c.dialects.contains(&dialect)).collect();
    assert!(cases.len() >= 40, "{dialect}: only {} cases in tests/autogen", cases.len());
    // Four cases at a time: most of a case's time is the server creating databases.
    let mut running = tokio::task::JoinSet::new();
    let mut failures = Vec::new();
    for case in cases.iter().cloned() {
        if running.len() >= 4
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.expect("a case panicked"));
        }
        let server = server.clone();
        running.spawn(async move {
            let failed = run_case(&case, dialect, server.as_deref()).await.err();
            failed.map(|e| format!("--- {} ({dialect}): {e}", case.name))
        });
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.expect("a case panicked"));
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed on {dialect}:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_corpus_round_trips_on_sqlite() {
    corpus(Dialect::Sqlite).await;
}

#[tokio::test]
async fn the_corpus_round_trips_on_postgres() {
    corpus(Dialect::Postgres).await;
}

#[tokio::test]
async fn the_corpus_round_trips_on_mysql() {
    corpus(Dialect::MySql).await;
}
