//! Hostile input: the corpus in `tests/hostile/` (plus two folders generated here, a 2 MB
//! single-line file and a 5 MB file, too big to commit). For each broken folder the real
//! `cargo migrate check` exits 1 naming `file:line`, the code and a hint, and never panics; a real
//! crate embedding it with `embed_migrations!` fails to build with the same message. The tricky
//! but valid folders (BOM, CRLF, a three-parent merge, semicolons in strings, comments and dollar
//! quotes) pass both, and embed exactly the SQL written.
//!
//! Each `tests/hostile/broken/<case>/expected` lists `file:line code`, one per line: what the
//! diagnostics must point at.

use std::path::Path;
use std::process::Output;

use migrate_core::Dialect;
use migrate_core::split::split_statements;
use migrate_e2e::db::{fresh, texts};
use migrate_e2e::{PackageBuilder, Scratch, cargo_migrate_bin, migrate_command, text, workspace_root};

/// One broken folder and what its diagnostics must name.
struct Case {
    name: String,
    /// `(file, line, code)`.
    expected: Vec<(String, usize, String)>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read corpus") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A case folder usable by `cargo migrate`: a Cargo.toml beside its `migrations/`.
fn make_package(dir: &Path) {
    PackageBuilder::new().name("case").write(dir).expect("manifest");
}

/// The folders too big to commit, with what they must report.
fn generate_big_cases(broken: &Path) {
    let header = "-- revision: a1\n-- revises:\n-- message: big\n";
    // A 2 MB header line that is not `-- key: value`.
    let dir = broken.join("enormous-line/migrations");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let line = format!("-- {}\n", "x".repeat(2 * 1024 * 1024));
    std::fs::write(dir.join("0001_a1.sql"), format!("{header}{line}\n-- migrate:up\nSELECT 1;\n")).expect("write");
    std::fs::write(broken.join("enormous-line/expected"), "0001_a1.sql:4 malformed-header-line\n").expect("write");
    // 5 MB of valid SQL, then a second `-- migrate:up` on its last line.
    let dir = broken.join("five-mb-file/migrations");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut sql = format!("{header}\n-- migrate:up\nCREATE TABLE big (id INTEGER PRIMARY KEY, v VARCHAR(100));\n");
    let mut i = 0;
    while sql.len() < 5 * 1024 * 1024 {
        i += 1;
        sql.push_str(&format!("INSERT INTO big (id, v) VALUES ({i}, 'row {i}; with a semicolon');\n"));
    }
    let last_line = sql.lines().count() + 1;
    sql.push_str("-- migrate:up\n");
    std::fs::write(dir.join("0001_a1.sql"), sql).expect("write");
    std::fs::write(broken.join("five-mb-file/expected"), format!("0001_a1.sql:{last_line} repeated-section\n"))
        .expect("write");
}

fn read_cases(broken: &Path) -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(broken)
        .expect("read corpus")
        .map(|e| {
            let dir = e.expect("entry").path();
            let expected = std::fs::read_to_string(dir.join("expected"))
                .unwrap_or_else(|_| panic!("{} has no `expected` file", dir.display()))
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (place, code) = l.split_once(' ').expect("`file:line code`");
                    let (file, line) = place.rsplit_once(':').expect("`file:line`");
                    (file.to_owned(), line.parse().expect("a line number"), code.trim().to_owned())
                })
                .collect();
            Case { name: dir.file_name().expect("name").to_string_lossy().into_owned(), expected }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn check(bin: &Path, dir: &Path, json: bool) -> Output {
    let args: &[&str] = if json { &["check", "--format", "json"] } else { &["check"] };
    let mut cmd = migrate_command(bin, dir, "sqlite://unused.db", args);
    cmd.output().expect("run cargo-migrate check")
}

/// The Rust name of a case's static.
fn ident(kind: &str, name: &str) -> String {
    format!("{}_{}", kind, name.replace('-', "_")).to_uppercase()
}

/// A crate embedding every folder of `kind` under `corpus/`, with a `main` printing what it
/// embedded: `case<TAB>id<TAB>checksum<TAB>parents<TAB>up SQL (escaped)`.
fn embedding_crate(corpus: &Path, kind: &str, names: &[String]) -> Scratch {
    let mut main = String::from("use migrate_runtime::{Migrations, embed_migrations};\n\n");
    for name in names {
        main.push_str(&format!(
            "pub static {}: Migrations = embed_migrations!(\"corpus/{kind}/{name}/migrations\");\n",
            ident(kind, name)
        ));
    }
    main.push_str("\nfn main() {\n    for (case, m) in [\n");
    for name in names {
        main.push_str(&format!("        ({name:?}, &{}),\n", ident(kind, name)));
    }
    main.push_str(
        "    ] {\n        for r in m.revisions() {\n            let sum: String = r.checksum().iter().map(|b| format!(\"{b:02x}\")).collect();\n            let parents: Vec<&str> = r.parents().collect();\n            println!(\"{case}\\t{}\\t{sum}\\t{}\\t{:?}\", r.id(), parents.join(\",\"), r.up().sql);\n        }\n    }\n}\n",
    );
    let scratch = Scratch::new(&format!("hostile-{kind}"), &main);
    copy_dir(corpus, &scratch.path().join("corpus"));
    scratch
}

#[test]
fn every_broken_folder_is_refused_with_file_line_and_hint_by_check_and_by_the_macro() {
    let bin = cargo_migrate_bin();
    let work = tempfile::tempdir().expect("temp dir");
    let corpus = work.path().join("corpus");
    copy_dir(&workspace_root().join("tests/hostile"), &corpus);
    generate_big_cases(&corpus.join("broken"));
    let cases = read_cases(&corpus.join("broken"));
    assert!(cases.len() >= 25, "the corpus has {} broken folders", cases.len());
    let mut messages = Vec::new(); // (case, code, message) from check's JSON, for the macro
    for case in &cases {
        let dir = corpus.join("broken").join(&case.name);
        make_package(&dir);
        let out = check(&bin, &dir, false);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = &case.name;
        assert_eq!(out.status.code(), Some(1), "{name}: exit 1:\n{}", text(&out));
        assert!(!stderr.contains("panicked"), "{name}:\n{stderr}");
        assert!(stderr.len() < 64 * 1024, "{name}: {} bytes of output", stderr.len());
        assert!(stderr.contains("= help: "), "{name}: a hint:\n{stderr}");
        for (file, line, code) in &case.expected {
            assert!(stderr.contains(&format!("error[{code}]")), "{name}: code {code}:\n{stderr}");
            assert!(stderr.contains(&format!("migrations/{file}:{line}")), "{name}: {file}:{line}:\n{stderr}");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&check(&bin, &dir, true).stdout).unwrap_or_else(|e| panic!("{name}: json: {e}"));
        for d in json["diagnostics"].as_array().expect("diagnostics") {
            if d["severity"] == "error" {
                let field = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
                messages.push((name.clone(), field("code"), field("message")));
            }
        }
        std::fs::remove_file(dir.join("Cargo.toml")).expect("remove manifest");
    }
    // The macro, on the same folders, in one crate: rustc reports every invocation's errors.
    let names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    let scratch = embedding_crate(&corpus, "broken", &names);
    let build = scratch.build();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(!build.status.success(), "the build fails");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for case in &cases {
        for (file, line, _) in &case.expected {
            let place = format!("corpus/broken/{}/migrations/{file}:{line}", case.name);
            assert!(stderr.contains(&place), "{}: the build names {place}:\n{stderr}", case.name);
        }
    }
    for (case, code, message) in &messages {
        assert!(stderr.contains(&format!("{message} [{code}]")), "{case}: the build says `{message} [{code}]`");
    }
}

/// What the valid crate embedded: `(case, id) → (checksum, parents, up SQL)`.
fn embedded(out: &Output) -> Vec<(String, String, String, String, String)> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            let sql: String = serde_json::from_str(f[4]).expect("a quoted string");
            (f[0].into(), f[1].into(), f[2].into(), f[3].into(), sql)
        })
        .collect()
}

fn checksum_of(bytes: &[u8]) -> String {
    migrate_core::parse_revision("x/0001_x.sql", bytes).expect("parses").checksum.to_hex()
}

#[tokio::test]
async fn tricky_valid_folders_are_accepted_unchanged() {
    let bin = cargo_migrate_bin();
    let work = tempfile::tempdir().expect("temp dir");
    let source = workspace_root().join("tests/hostile/valid");
    let mut names: Vec<String> = std::fs::read_dir(&source)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    names.sort();
    for name in &names {
        let dir = work.path().join(name);
        copy_dir(&source.join(name), &dir);
        make_package(&dir);
        let out = check(&bin, &dir, false);
        assert!(out.status.success(), "{name}: check accepts it:\n{}", text(&out));
    }
    let corpus = work.path().join("corpus");
    copy_dir(&workspace_root().join("tests/hostile"), &corpus);
    let scratch = embedding_crate(&corpus, "valid", &names);
    let build = scratch.build();
    assert!(build.status.success(), "the macro accepts every valid folder:\n{}", text(&build));
    let run = scratch.run_app();
    assert!(run.status.success(), "{}", text(&run));
    let rows = embedded(&run);
    let find = |case: &str, id: &str| {
        rows.iter().find(|r| r.0 == case && r.1 == id).unwrap_or_else(|| panic!("{case}/{id} embedded"))
    };
    // BOM and CRLF: the same revision as without them (same checksum).
    let bom = std::fs::read(source.join("utf8-bom/migrations/0001_a1.sql")).expect("read");
    assert!(bom.starts_with(b"\xef\xbb\xbf"));
    assert_eq!(find("utf8-bom", "a1").2, checksum_of(&bom[3..]), "a BOM does not change the revision");
    for file in ["0001_a1.sql", "0002_b1.sql"] {
        let crlf = std::fs::read(source.join("crlf-line-endings/migrations").join(file)).expect("read");
        assert!(crlf.windows(2).any(|w| w == b"\r\n"));
        let lf = String::from_utf8(crlf).expect("utf8").replace("\r\n", "\n");
        let id = if file.contains("a1") { "a1" } else { "b1" };
        assert_eq!(find("crlf-line-endings", id).2, checksum_of(lf.as_bytes()), "CRLF does not change {id}");
    }
    assert_eq!(find("three-parent-merge", "m1").3, "x1,y1,z1");
    // Semicolons inside strings and comments: the SQL is embedded as written, and splits into
    // the statements written, in every dialect.
    let tricky = &find("semicolons-in-strings-and-comments", "a1").4;
    assert!(tricky.contains("VALUES (2, 'it''s; -- not a comment');"), "{tricky}");
    for dialect in Dialect::ALL {
        let statements = split_statements(tricky, dialect, 6).expect("splits");
        assert_eq!(statements.len(), 4, "{dialect}: {statements:?}");
    }
    let function = &find("dollar-quoted-function", "a1").4;
    let statements = split_statements(function, Dialect::Postgres, 6).expect("splits");
    assert_eq!(statements.len(), 3, "{statements:?}");
    assert!(statements[2].sql.contains("RETURN upper(t) || '!;';\nEND;\n$body$ LANGUAGE plpgsql"), "{statements:?}");
    // And they run: the portable ones on SQLite, the function on PostgreSQL when configured.
    for name in ["utf8-bom", "crlf-line-endings", "three-parent-merge", "semicolons-in-strings-and-comments"] {
        let dir = work.path().join(name);
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let out = migrate_command(&bin, &dir, &url, &["upgrade"]).output().expect("run");
        assert!(out.status.success(), "{name}: {}", text(&out));
    }
    let url = format!("sqlite://{}", work.path().join("semicolons-in-strings-and-comments/test.db").display());
    let pool = migrate_runtime::AnyPool::connect(&url).await.expect("open");
    let notes = texts(&pool, "SELECT body FROM notes ORDER BY id").await;
    assert_eq!(notes, ["a; b; c", "it's; -- not a comment", "/* not a comment; */"]);
    if let Some(db) = fresh(migrate_runtime::Dialect::Postgres).await {
        let dir = work.path().join("dollar-quoted-function");
        let out = migrate_command(&bin, &dir, &db.url, &["upgrade"]).output().expect("run");
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(texts(&db.pool, "SELECT shout('hi')").await, ["HI!;"]);
    }
}
