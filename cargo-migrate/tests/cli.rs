//! The real `cargo-migrate` binary on real package folders (offline verbs).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migrate_testkit::{PackageBuilder, Spec, write_folder};

const BIN: &str = env!("CARGO_BIN_EXE_cargo-migrate");

/// A package folder in a temp dir, with a hand-written Cargo.toml (comments included).
struct Pkg {
    dir: tempfile::TempDir,
}

/// What `new` writes where the SQL goes.
const UP_PLACEHOLDER: &str = "-- Write the SQL that applies this revision here.";
const DOWN_PLACEHOLDER: &str = "-- Write the SQL that reverts it here; delete this section if it cannot be reverted.";

const MANIFEST: &str = "# my service\n[package]\nname = \"svc\"   # keep this comment\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n";

impl Pkg {
    fn new() -> Self {
        Self { dir: PackageBuilder::new().manifest(MANIFEST).file("src/main.rs", "fn main() {}\n").build() }
    }

    fn initialised() -> Self {
        let pkg = Self::new();
        pkg.ok(&["init"]);
        pkg
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(BIN).args(["migrate"]).args(args).current_dir(cwd).env("NO_COLOR", "1").output().expect("run")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(self.path(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: stdout {}", String::from_utf8_lossy(&out.stdout));
        assert!(out.stdout.is_empty() || args.contains(&"json"), "errors go to stderr");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.path().join("migrations"))
            .expect("migrations")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        files
    }

    /// `new -m users --rev-id r1`, its placeholders replaced by `up` (and `down`).
    fn users_revision(&self, up: &str, down: Option<&str>) {
        self.ok(&["new", "-m", "users", "--rev-id", "r1"]);
        let sql = self.files()[0].clone();
        let mut text = std::fs::read_to_string(&sql).expect("read").replace(UP_PLACEHOLDER, up);
        if let Some(down) = down {
            text = text.replace(DOWN_PLACEHOLDER, down);
        }
        std::fs::write(&sql, text).expect("write");
    }

    /// `new` and the id it made.
    fn new_revision(&self, args: &[&str]) -> String {
        let mut full = vec!["new", "--format", "json"];
        full.extend_from_slice(args);
        let out: serde_json::Value = serde_json::from_str(&self.ok(&full)).expect("json");
        out["revision"].as_str().expect("revision").to_owned()
    }
}

#[test]
fn init_writes_config_folder_and_build_script_and_is_idempotent() {
    let pkg = Pkg::new();
    let out = pkg.ok(&["init"]);
    assert!(out.contains("created build.rs"), "{out}");
    let manifest = std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest");
    assert!(manifest.starts_with("# my service\n[package]\nname = \"svc\"   # keep this comment\n"), "{manifest}");
    assert!(manifest.contains("[package.metadata.migrate]\ndir = \"migrations\"\ntable = \"migrate_history\"\ndatabase-url = \"sqlite://dev.db\"\n"), "{manifest}");
    assert!(pkg.path().join("migrations").is_dir());
    let build = std::fs::read_to_string(pkg.path().join("build.rs")).expect("build.rs");
    assert!(build.contains("println!(\"cargo:rerun-if-changed=migrations\");"));
    // The runtime dependency (by path: this checkout) and the development database ignored.
    let runtime = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").join("migrate-runtime");
    let dependency = format!(
        "[dependencies]\nmigrate-runtime = {{ version = \"{}\", path = \"{}\" }}\n",
        env!("CARGO_PKG_VERSION"),
        runtime.display()
    );
    assert!(manifest.contains(&dependency), "{manifest}");
    let ignored = std::fs::read_to_string(pkg.path().join(".gitignore")).expect(".gitignore");
    assert!(ignored.ends_with("/dev.db\n/dev.db-*\n"), "{ignored}");
    assert!(pkg.ok(&["init"]).contains("already initialised"));
    assert_eq!(std::fs::read_to_string(pkg.path().join(".gitignore")).expect(".gitignore"), ignored);
    assert_eq!(std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest"), manifest);
}

#[test]
fn init_extends_an_existing_build_script() {
    let pkg = Pkg::new();
    std::fs::write(pkg.path().join("build.rs"), "fn main() {\n    println!(\"cargo:rustc-env=X=1\");\n}\n")
        .expect("write");
    pkg.ok(&["init", "--dir", "db/revisions"]);
    let build = std::fs::read_to_string(pkg.path().join("build.rs")).expect("build.rs");
    assert_eq!(
        build,
        "fn main() {\n    println!(\"cargo:rerun-if-changed=db/revisions\");\n    println!(\"cargo:rustc-env=X=1\");\n}\n"
    );
    assert!(pkg.path().join("db/revisions").is_dir());
    assert!(pkg.ok(&["check"]).contains("ok: 0 revision(s)"));
}

#[test]
fn new_chains_on_the_single_head_and_refuses_with_two() {
    let pkg = Pkg::initialised();
    let a = pkg.new_revision(&["-m", "create users"]);
    let b = pkg.new_revision(&["-m", "add email"]);
    let file =
        pkg.files().into_iter().find(|p| p.to_string_lossy().ends_with(&format!("_{b}_add_email.sql"))).expect("named");
    let text = std::fs::read_to_string(&file).expect("file");
    assert!(text.contains(&format!("-- revision: {b}\n-- revises: {a}\n-- message: add email\n")), "{text}");
    // A second head: allowed with --parent, with a warning.
    let out = pkg.run(&["new", "-m", "add phone", "--parent", &a[..4]]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the graph now has 2 heads"));
    let err = pkg.fails(&["new", "-m", "another"], 1);
    assert!(err.contains("the graph has 2 heads") && err.contains("add email") && err.contains("add phone"), "{err}");
    assert_eq!(pkg.files().len(), 3, "nothing written on refusal");
    let err = pkg.fails(&["check"], 1);
    assert!(err.contains("error[multiple-heads]") && err.contains("run: cargo migrate merge -m"), "{err}");
    // merge joins every head.
    pkg.ok(&["merge", "-m", "join email and phone"]);
    assert!(pkg.ok(&["check"]).contains("ok: 4 revision(s), 1 head(s)"));
    let heads: serde_json::Value = serde_json::from_str(&pkg.ok(&["heads", "--format", "json"])).expect("json");
    assert_eq!(heads.as_array().map(Vec::len), Some(1));
    assert_eq!(heads[0]["merge_point"], true);
    assert_eq!(heads[0]["revises"].as_array().map(Vec::len), Some(2));
}

#[test]
fn new_options_are_written_and_validated_by_the_parser() {
    let pkg = Pkg::initialised();
    pkg.new_revision(&["-m", "root", "--rev-id", "root1", "--branch-label", "main"]);
    pkg.new_revision(&["-m", "billing", "--parent", "base", "--branch-label", "billing", "--rev-id", "bill1"]);
    let id = pkg.new_revision(&["-m", "index", "--parent", "root1", "--depends-on", "bill1", "--no-transaction"]);
    let text = std::fs::read_to_string(pkg.files().iter().find(|p| p.to_string_lossy().contains(&id)).expect("file"))
        .expect("read");
    assert!(text.contains("-- depends-on: bill1\n-- transaction: false\n"), "{text}");
    assert!(pkg.fails(&["new", "-m", "x", "--rev-id", "Bad-Id"], 2).contains("--rev-id"));
    let dup = pkg.fails(&["new", "-m", "x", "--rev-id", "root1", "--parent", "billing@head"], 1);
    assert!(dup.contains("error[duplicate-id]"), "{dup}");
    let label = pkg.fails(&["new", "-m", "x", "--parent", "root1", "--branch-label", "billing"], 1);
    assert!(label.contains("error[duplicate-branch-label]"), "{label}");
    assert!(
        pkg.fails(&["new", "-m", "x", "--parent", "nope"], 2).contains("no revision or branch label matches `nope`")
    );
    assert!(pkg.fails(&["new", "-m", "  "], 2).contains("empty"));
    assert_eq!(pkg.files().len(), 3);
    pkg.ok(&["check"]);
}

#[test]
fn history_graph_shows_branches_and_merges() {
    let pkg = Pkg::initialised();
    let specs =
        [Spec::new("a1", &[]), Spec::new("b2", &["a1"]), Spec::new("c3", &["a1"]), Spec::new("d4", &["b2", "c3"])];
    write_folder(&pkg.path().join("migrations"), &specs).expect("write");
    let graph = pkg.ok(&["history", "--graph"]);
    assert_eq!(
        graph,
        "* d4 (head) (mergepoint) create t_d4\n|\\\n* | b2 create t_b2\n| * c3 create t_c3\n|/\n* a1 (branchpoint) create t_a1\n"
    );
    let plain = pkg.ok(&["history"]);
    assert_eq!(
        plain,
        "b2, c3 -> d4 (head) (mergepoint), create t_d4\na1 -> b2, create t_b2\na1 -> c3, create t_c3\n<base> -> a1 (branchpoint), create t_a1\n"
    );
    assert_eq!(
        pkg.ok(&["history", "-r", "b2:"]),
        "b2, c3 -> d4 (head) (mergepoint), create t_d4\na1 -> b2, create t_b2\n"
    );
    assert_eq!(pkg.ok(&["history", "-r", ":c"]), "a1 -> c3, create t_c3\n<base> -> a1 (branchpoint), create t_a1\n");
    let verbose = pkg.ok(&["history", "-v", "-r", "d4:d4"]);
    assert!(verbose.starts_with("Rev: d4 (head) (mergepoint)\nMerges: b2, c3\n"), "{verbose}");
    let json: serde_json::Value = serde_json::from_str(&pkg.ok(&["history", "--format", "json"])).expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(4));
    let branches = pkg.ok(&["branches"]);
    assert!(
        branches
            .starts_with("<base> -> a1 (branchpoint), create t_a1\n    -> b2, create t_b2\n    -> c3, create t_c3\n"),
        "{branches}"
    );
    let show = pkg.ok(&["show", "c"]);
    assert!(show.contains("Rev: c3\n") && show.contains("CREATE TABLE t_c3") && show.contains("Checksum: "), "{show}");
    assert!(pkg.fails(&["show", "zz"], 2).contains("no revision or branch label matches `zz`"));
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let pkg = Pkg::initialised();
    let specs = [Spec::new("a1", &[]), Spec::new("b2", &["a1", "gone"]), Spec::new("c3", &["c3"])];
    write_folder(&pkg.path().join("migrations"), &specs).expect("write");
    std::fs::write(pkg.path().join("migrations/notes.txt"), "hello").expect("write");
    let err = pkg.fails(&["check"], 1);
    assert!(err.contains("error[dangling-parent]: revision `b2` revises `gone`, which does not exist"), "{err}");
    assert!(err.contains("--> migrations/20261122_000001_b2_create_t_b2.sql:2:17"), "{err}");
    assert!(err.contains("error[cycle]"), "{err}");
    assert!(err.contains("warning[not-a-revision-file]"), "{err}");
    let out = pkg.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["ok"], false);
    let codes: Vec<&str> =
        json["diagnostics"].as_array().expect("list").iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"dangling-parent") && codes.contains(&"cycle"), "{codes:?}");
    let dangling = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["code"] == "dangling-parent")
        .expect("dangling");
    assert_eq!(dangling["labels"][0]["line"], 2);
}

#[test]
fn check_warns_without_the_rerun_line() {
    let pkg = Pkg::initialised();
    std::fs::remove_file(pkg.path().join("build.rs")).expect("rm");
    let out = pkg.run(&["check"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning[missing-rerun-if-changed]"));
}

#[test]
fn works_from_a_subfolder_with_manifest_path_and_in_a_workspace() {
    let pkg = Pkg::initialised();
    pkg.new_revision(&["-m", "first", "--rev-id", "first1"]);
    let out = pkg.run_in(&pkg.path().join("src"), &["heads"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first1 (head), first\n");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let manifest = pkg.path().join("Cargo.toml");
    let out = pkg.run_in(elsewhere.path(), &["heads", "--manifest-path", manifest.to_str().expect("utf-8")]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first1 (head), first\n");
    // A virtual workspace with two members: -p picks one; without it, the one with config.
    let ws = tempfile::tempdir().expect("tmp");
    std::fs::write(ws.path().join("Cargo.toml"), "[workspace]\nmembers = [\"app\", \"other\"]\nresolver = \"2\"\n")
        .expect("ws");
    let member = |name: &str| PackageBuilder::new().name(name).file("src/lib.rs", "");
    let app = member("app").config("dir = \"migrations\"").specs(&[Spec::new("w1", &[])]);
    app.write(&ws.path().join("app")).expect("app");
    member("other").write(&ws.path().join("other")).expect("other");
    let out = pkg.run_in(ws.path(), &["heads"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "w1 (head), create t_w1\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pkg.run_in(ws.path(), &["heads", "-p", "app"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "w1 (head), create t_w1\n");
    let out = pkg.run_in(ws.path(), &["heads", "-p", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invoked_as_cargo_subcommand_or_directly() {
    let pkg = Pkg::initialised();
    pkg.new_revision(&["-m", "first", "--rev-id", "first1"]);
    let direct = Command::new(BIN).arg("heads").current_dir(pkg.path()).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&direct.stdout), "first1 (head), first\n");
    let bad = Command::new(BIN).args(["migrate", "frobnicate"]).current_dir(pkg.path()).output().expect("run");
    assert_eq!(bad.status.code(), Some(2));
    let help = Command::new(BIN).args(["migrate", "--help"]).output().expect("run");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("merge"));
}

#[test]
fn merge_needs_two_revisions() {
    let pkg = Pkg::initialised();
    pkg.new_revision(&["-m", "first"]);
    assert!(pkg.fails(&["merge", "-m", "nothing"], 1).contains("nothing to merge"));
}

#[test]
fn names_keep_unicode_letters_and_creation_order() {
    let pkg = Pkg::initialised();
    let first = pkg.new_revision(&["-m", "Ünïcödé users"]);
    let ids: Vec<String> = (0..4).map(|i| pkg.new_revision(&["-m", &format!("step {i}")])).collect();
    let names: Vec<String> =
        pkg.files().iter().map(|p| p.file_name().expect("name").to_string_lossy().into_owned()).collect();
    assert!(names[0].ends_with(&format!("_{first}_ünïcödé_users.sql")), "{names:?}");
    // Made within the same second or minute, the files still list in the order they were made.
    for (name, id) in names[1..].iter().zip(&ids) {
        assert!(name.contains(&format!("_{id}_step_")), "{names:?}");
    }
}

#[test]
fn errors_have_one_prefix_and_are_json_with_format_json() {
    let pkg = Pkg::initialised();
    pkg.new_revision(&["-m", "one"]);
    let stderr = pkg.fails(&["show", "zz"], 2);
    assert!(!stderr.contains("error: error"), "{stderr}");
    let out = pkg.run(&["upgrade", "zz", "--database-url", "sqlite://x.db", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error[target]: ") && !stderr.contains("error: error"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    assert_eq!(json["error"]["code"], "target");
    assert_eq!(json["error"]["exit_code"], 2);
    assert!(json["error"]["message"].as_str().is_some_and(|m| m.contains("zz")), "{json}");
    let usage = pkg.run(&["new", "-m", " ", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&usage.stdout).expect("json");
    assert_eq!((json["error"]["code"].as_str(), usage.status.code()), (Some("usage"), Some(2)));
}

/// The revisions of a script, in the order it runs them (`-- upgrade ID:` / `-- downgrade ID:`).
fn script_steps(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|l| l.strip_prefix("-- upgrade ").or_else(|| l.strip_prefix("-- downgrade ")))
        .filter_map(|l| l.split(':').next().map(str::to_owned))
        .collect()
}

/// Two labeled branches, one depending on the other, and a third growing from the first:
/// `a1 ─ a2 (alpha)`, `a1 ─ c1 (gamma)`, `b1 (beta) ─ b2 (depends on a2) ─ b3`.
fn alembic_pkg() -> Pkg {
    let pkg = Pkg::initialised();
    let specs = [
        Spec::new("a1", &[]),
        Spec::new("a2", &["a1"]).header("-- branch-labels: alpha"),
        Spec::new("c1", &["a1"]).header("-- branch-labels: gamma"),
        Spec::new("b1", &[]).header("-- branch-labels: beta"),
        Spec::new("b2", &["b1"]).header("-- depends-on: a2"),
        Spec::new("b3", &["b2"]),
    ];
    write_folder(&pkg.path().join("migrations"), &specs).expect("write");
    pkg.ok(&["check"]);
    pkg
}

#[test]
fn alembic_offline_verbs_and_options() {
    let pkg = alembic_pkg();
    // heads: a head another revision depends on is an effective head; --resolve-dependencies drops it.
    let heads = pkg.ok(&["heads"]);
    assert!(heads.contains("a2 (alpha) (effective head), create t_a2\n"), "{heads}");
    assert!(heads.contains("b3 (beta) (head), create t_b3\n"), "{heads}");
    let real = pkg.ok(&["heads", "--resolve-dependencies"]);
    assert!(!real.contains("a2") && real.contains("b3") && real.contains("c1"), "{real}");
    // branches -v: the branch point in Alembic's verbose layout, then its children.
    let branches = pkg.ok(&["branches", "--verbose"]);
    assert!(branches.starts_with("Rev: a1 (branchpoint)\nParent: <base>\nBranches into: a2, c1\n"), "{branches}");
    assert!(branches.contains("    -> a2 (alpha) (effective head), create t_a2\n"), "{branches}");
    // history -v: Alembic's layout.
    let verbose = pkg.ok(&["history", "--verbose", "-r", "b2:b2"]);
    assert!(
        verbose.starts_with("Rev: b2\nParent: b1\nAlso depends on: a2\nBranch names: beta\nPath: migrations/"),
        "{verbose}"
    );
    assert!(
        verbose.contains("\n    create t_b2\n\n    Revision ID: b2\n    Revises: b1\n    Create Date: "),
        "{verbose}"
    );
    // history ranges with relative and labeled ends.
    let next = pkg.ok(&["history", "-r", "b1:+1"]);
    assert!(next.starts_with("b1 (a2) -> b2 (beta), create t_b2\n") && next.lines().count() == 2, "{next}");
    assert!(pkg.fails(&["history", "-r", "a1:+1"], 2).contains("it branches into a2, c1"));
    let beta = pkg.ok(&["history", "-r", "beta@base:"]);
    // As in Alembic, the branch's heads and everything they need (b2 depends on a2).
    let listed: Vec<&str> = beta.lines().filter_map(|l| l.split(" -> ").nth(1)).map(|l| &l[..2]).collect();
    assert_eq!(listed, ["b3", "b2", "b1", "a2", "a1"], "{beta}");
    // show: one revision per name; head is ambiguous with several heads, LABEL@head is not.
    assert!(pkg.ok(&["show", "alpha@head"]).starts_with("Rev: a2 (head)\n"));
    assert!(pkg.fails(&["show", "head"], 2).contains("`head` is ambiguous"));
    let both = pkg.ok(&["show", "heads"]);
    assert!(both.contains("Rev: b3") && both.contains("Rev: c1") && !both.contains("Rev: a2"), "{both}");
    // upgrade --sql: from base by default, FROM: to every head, LABEL@+N along the branch.
    assert_eq!(script_steps(&pkg.ok(&["upgrade", "--sql", "beta@head"])), ["a1", "a2", "b1", "b2", "b3"]);
    assert_eq!(script_steps(&pkg.ok(&["upgrade", "--sql", "a2:"])), ["b1", "b2", "b3", "c1"]);
    assert_eq!(script_steps(&pkg.ok(&["upgrade", "--sql", "gamma@+1"])), ["a1"]);
    assert_eq!(script_steps(&pkg.ok(&["upgrade", "--sql", "a1:gamma@+1"])), ["c1"]);
    // downgrade --sql needs FROM:TO; -1 on a branch removes what depends on it too.
    assert!(pkg.fails(&["downgrade", "--sql", "base"], 2).contains("downgrade --sql needs FROM:TO"));
    assert_eq!(script_steps(&pkg.ok(&["downgrade", "--sql", "b3:alpha@-1"])), ["b3", "b2", "a2"]);
    assert_eq!(script_steps(&pkg.ok(&["downgrade", "--sql", "b3:beta@base"])), ["b3", "b2", "b1"]);
    let nothing = pkg.fails(&["downgrade", "--sql", "b3:a2"], 1);
    assert!(nothing.contains("nothing applied is above it"), "{nothing}");
    // A bare downgrade says what it takes.
    let bare = pkg.fails(&["downgrade"], 2);
    assert!(bare.contains("<TARGET>") && bare.contains("Usage:"), "{bare}");
    let help = pkg.ok(&["downgrade", "--help"]);
    assert!(help.contains("base, an id or prefix, -N, REV-N, LABEL@base, LABEL@-N, LABEL@REV"), "{help}");
}

#[test]
fn alembic_database_verbs_and_options_on_sqlite() {
    let pkg = alembic_pkg();
    let db = ["--database-url", "sqlite://dev.db"];
    let with = |args: &[&'static str]| -> Vec<&'static str> { [args, &db[..]].concat() };
    pkg.ok(&with(&["upgrade", "beta@head", "-q"]));
    // The history table holds one head, b3; `current` lists each applied branch's tip as Alembic does.
    let current = pkg.ok(&with(&["current"]));
    assert_eq!(current, "a2 (effective head)\nb3 (head)\n");
    let verbose = pkg.ok(&with(&["current", "--verbose"]));
    assert!(
        verbose.starts_with("Current revision(s) for sqlite://") && verbose.contains(":\nRev: a2 (head)\n"),
        "{verbose}"
    );
    let marked = pkg.ok(&with(&["history", "-i"]));
    assert!(marked.contains("b2 -> b3 (beta) (head) (current), create t_b3\n"), "{marked}");
    assert_eq!(marked.matches("(current)").count(), 1, "{marked}");
    assert_eq!(pkg.ok(&with(&["history", "-r", "current:"])).lines().count(), 1);
    assert_eq!(pkg.ok(&with(&["history", "-r", "-2:current"])).lines().count(), 3, "b1, b2, b3");
    assert!(pkg.ok(&with(&["show", "current"])).starts_with("Rev: b3 (head) (current)\n"));
    // upgrade LABEL@+1 walks that branch from what is applied on it.
    let up = pkg.ok(&with(&["upgrade", "gamma@+1"]));
    assert!(up.contains("1 revision(s)"), "{up}");
    // downgrade LABEL@-1 removes one step of that branch and what depends on it.
    pkg.ok(&with(&["downgrade", "alpha@-1", "-q"]));
    let after = pkg.ok(&with(&["current"]));
    assert_eq!(after, "c1 (head)\nb1\n");
    // stamp to a revision: the heads sharing its lineage move to it.
    pkg.ok(&with(&["stamp", "b3"]));
    pkg.ok(&with(&["stamp", "b1"]));
    assert_eq!(pkg.ok(&with(&["current"])), "c1 (head)\nb1\n");
    assert!(pkg.fails(&with(&["show", "zz"]), 2).contains("no revision or branch label matches `zz`"));
}

/// A Rust revision between two SQL ones: scaffolded by `new --rust`, listed and validated
/// without compiling, refused by `upgrade` before anything runs (naming the application's
/// command), and a gap where the `--sql` script stops.
#[test]
fn rust_revisions_are_listed_refused_online_and_a_gap_offline() {
    let pkg = Pkg::initialised();
    pkg.users_revision("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);", None);
    assert!(pkg.ok(&["new", "--rust", "-m", "split names", "--rev-id", "r2"]).contains("_r2_split_names.rs"));
    pkg.ok(&["new", "-m", "after", "--rev-id", "r3"]);
    assert!(pkg.ok(&["check"]).contains("3 revision(s), 1 head(s)"));
    assert!(pkg.ok(&["history"]).contains("r2 -> r3 (head), after"));
    assert!(pkg.ok(&["show", "r2"]).contains("Rust revision ("), "show names it");

    let db = pkg.path().join("app.db");
    let url = format!("sqlite://{}", db.display());
    let refused = pkg.fails(&["upgrade", "--database-url", &url], 1);
    assert!(refused.contains("revision `r2`") && refused.contains("is a Rust revision"), "{refused}");
    assert!(refused.contains("`svc migrate upgrade`"), "names the application's command: {refused}");
    let status = pkg.run(&["status", "--database-url", &url]);
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("pending: 3 (r1, r2, r3)"),
        "nothing ran: {}",
        String::from_utf8_lossy(&status.stdout)
    );

    let script = pkg.ok(&["upgrade", "--sql", "--dialect", "sqlite"]);
    assert!(script.contains("CREATE TABLE users"), "{script}");
    assert!(
        script.contains("-- GAP: revision r2 (migrations/") && script.contains("`svc migrate upgrade r2`"),
        "{script}"
    );
    assert!(!script.contains("-- upgrade r3"), "the script stops at the gap: {script}");
    assert!(!script.contains("VALUES ('r2'"), "the gap is not recorded as applied: {script}");

    // A Rust revision at a head: `heads` lists it, `merge` joins it, `check` validates the result.
    assert!(pkg.ok(&["new", "--rust", "-m", "other", "--parent", "r1", "--rev-id", "r4"]).contains("_r4_other.rs"));
    let heads = pkg.ok(&["heads"]);
    assert!(heads.contains("r3") && heads.contains("r4"), "{heads}");
    pkg.fails(&["check"], 1);
    pkg.ok(&["merge", "-m", "join", "--rev-id", "r5"]);
    assert!(pkg.ok(&["check"]).contains("5 revision(s), 1 head(s)"));
    assert!(pkg.ok(&["show", "r5"]).contains("r3") && pkg.ok(&["heads"]).contains("r5"));

    // A Rust revision whose `up` is not `async` is named with its line, without compiling.
    let r4 = std::fs::read_dir(pkg.path().join("migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .find(|f| f.to_string_lossy().ends_with("_r4_other.rs"))
        .expect("r4");
    let text = std::fs::read_to_string(&r4).expect("read");
    std::fs::write(&r4, text.replace("pub async fn up", "pub fn up")).expect("write");
    let refused = pkg.fails(&["check"], 1);
    assert!(refused.contains("error[rust-signature]: the Rust revision's `fn up` is not `async`"), "{refused}");
    assert!(refused.contains("_r4_other.rs:13:1"), "the file and the line of `fn up`: {refused}");
}

/// `check --schema` on SQLite (in memory, nothing to install): 0 when the revisions produce
/// schema.sql, 1 listing the changes a revision would make when they do not, a schema file that does not load named
/// with its line and SQLite's message.
#[test]
fn check_schema_compares_the_revisions_with_schema_sql() {
    let pkg = Pkg::initialised();
    pkg.users_revision(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE UNIQUE INDEX ux_users_email ON users (email);",
        None,
    );
    let schema = pkg.path().join("schema.sql");
    std::fs::write(&schema, "-- the desired schema\nCREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL\n);\nCREATE UNIQUE INDEX ux_users_email ON users (email);\n").expect("schema");
    assert!(pkg.ok(&["check", "--schema"]).contains("sqlite: ok: the revisions produce schema.sql"));

    std::fs::write(&schema, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, phone TEXT);\nCREATE UNIQUE INDEX ux_users_email ON users (email);\n").expect("schema");
    let out = pkg.run(&["check", "--schema"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("a revision would have to make these changes:\n  added column users.phone"), "{shown}");
    let out = pkg.run(&["check", "--schema", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let sqlite = json["dialects"]
        .as_array()
        .expect("dialects")
        .iter()
        .find(|d| d["dialect"] == "sqlite")
        .cloned()
        .expect("sqlite");
    assert_eq!(
        (sqlite["status"].as_str(), sqlite["changes"][0].as_str()),
        (Some("differs"), Some("added column users.phone"))
    );

    std::fs::write(&schema, "CREATE TABLE users (id INTEGER PRIMARY KEY);\n\nCREATE INDEX ix ON nowhere (x);\n")
        .expect("schema");
    let out = pkg.run(&["check", "--schema"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("sqlite: FAILED: schema.sql:3: no such table: main.nowhere"), "{shown}");

    // `exclude` leaves objects alone: a table of the schema file no revision makes.
    std::fs::write(&schema, "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE UNIQUE INDEX ux_users_email ON users (email);\nCREATE TABLE tmp_import (x TEXT);\n").expect("schema");
    assert_eq!(pkg.run(&["check", "--schema"]).status.code(), Some(1));
    let manifest = std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest");
    let excluded =
        manifest.replace("[package.metadata.migrate]\n", "[package.metadata.migrate]\nexclude = [\"tmp_*\"]\n");
    assert_ne!(manifest, excluded);
    std::fs::write(pkg.path().join("Cargo.toml"), excluded).expect("manifest");
    assert!(pkg.ok(&["check", "--schema"]).contains("sqlite: ok: the revisions produce schema.sql"));
}

/// `schema dump` on SQLite: schema.sql written from the revisions passes `check --schema` and
/// finds nothing for `new --autogenerate` to do; an existing file is kept without `--force`;
/// from a live database with `--database-url`, its hand-made table is in the dump.
#[test]
fn schema_dump_writes_what_the_revisions_produce() {
    let pkg = Pkg::initialised();
    pkg.users_revision(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL CHECK (email LIKE '%@%'));\nCREATE INDEX ix_users_email ON users (email);\nCREATE VIEW emails AS SELECT email FROM users;",
        Some("DROP VIEW emails;\nDROP TABLE users;"),
    );
    let out = pkg.ok(&["schema", "dump"]);
    assert!(out.contains("wrote schema.sql (sqlite: 1 tables, 1 views)"), "{out}");
    let dumped = std::fs::read_to_string(pkg.path().join("schema.sql")).expect("schema.sql");
    assert!(dumped.contains("CHECK (email LIKE '%@%')") && dumped.contains("ix_users_email"), "{dumped}");
    assert!(pkg.ok(&["check", "--schema"]).contains("sqlite: ok: the revisions produce schema.sql"));
    let out = pkg.run(&["new", "--autogenerate", "-m", "nothing"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no development server for postgres"), "every dialect");
    let manifest = std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest");
    let sqlite_only =
        manifest.replace("[package.metadata.migrate]\n", "[package.metadata.migrate]\ndialects = [\"sqlite\"]\n");
    std::fs::write(pkg.path().join("Cargo.toml"), sqlite_only).expect("manifest");
    let out = pkg.run(&["new", "--autogenerate", "-m", "nothing"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("no changes detected"));
    assert_eq!(pkg.run(&["schema", "dump"]).status.code(), Some(2), "an existing file is kept");

    let url = format!("sqlite://{}", pkg.path().join("live.db").display());
    pkg.ok(&["upgrade", "--database-url", &url]);
    let out = Command::new("sqlite3")
        .arg(pkg.path().join("live.db"))
        .arg("CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT);")
        .output()
        .expect("sqlite3");
    assert!(out.status.success());
    let live = pkg.ok(&["schema", "dump", "--database-url", &url, "-o", "-"]);
    assert!(live.contains("CREATE TABLE audit (") && live.contains("CREATE TABLE users ("), "{live}");
    assert!(!live.contains("migrate_history"), "{live}");
}

/// `diff` on SQLite: a live database that matches, then one with a hand-made column and index
/// (listed, exit 1) and one behind (the pending revision named); nothing written to it.
#[test]
fn diff_lists_what_a_live_database_has_that_the_revisions_do_not() {
    let pkg = Pkg::initialised();
    pkg.users_revision("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);", Some("DROP TABLE users;"));
    let url = format!("sqlite://{}", pkg.path().join("live.db").display());
    pkg.ok(&["upgrade", "--database-url", &url]);
    assert!(
        pkg.ok(&["diff", "--database-url", &url]).contains("ok: the database has the schema the revisions produce")
    );

    let pool_sql = "ALTER TABLE users ADD COLUMN phone TEXT; CREATE INDEX by_hand ON users (email);";
    let out = Command::new("sqlite3").arg(pkg.path().join("live.db")).arg(pool_sql).output().expect("sqlite3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = pkg.run(&["diff", "--database-url", &url]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("  added column users.phone\n"), "{shown}");
    assert!(shown.contains("  added index by_hand on users\n"), "{shown}");

    pkg.ok(&["new", "-m", "orders", "--rev-id", "r2"]);
    let out = pkg.run(&["diff", "--database-url", &url, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["pending"], serde_json::json!(["r2"]));
    assert_eq!(json["current"], serde_json::json!(["r1"]), "nothing written: {json}");
}

/// `cargo migrate test` on SQLite (in memory; nothing to install): a dialect without a
/// development server is skipped and says so (text and JSON); two heads on named branches
/// pass, two unnamed heads fail before anything runs; a folder with a Rust revision is not
/// run by `cargo migrate` but names the application's command.
#[test]
fn test_skips_a_dialect_without_a_server_and_checks_heads() {
    let pkg = Pkg::initialised();
    let manifest = std::fs::read_to_string(pkg.path().join("Cargo.toml")).expect("manifest");
    let both = manifest
        .replace("[package.metadata.migrate]\n", "[package.metadata.migrate]\ndialects = [\"sqlite\", \"postgres\"]\n");
    std::fs::write(pkg.path().join("Cargo.toml"), both).expect("manifest");
    pkg.users_revision("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);", Some("DROP TABLE users;"));
    let test = |args: &[&str]| {
        let mut all = vec!["test"];
        all.extend_from_slice(args);
        let out = Command::new(BIN)
            .arg("migrate")
            .args(&all)
            .current_dir(pkg.path())
            .env("NO_COLOR", "1")
            .env_remove("MIGRATE_DEV_DATABASE_URL")
            .output()
            .expect("run");
        let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), shown)
    };
    let (code, shown) = test(&[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains("stairway: 1 revision(s) up, down, up"), "{shown}");
    assert!(shown.contains("postgres: skipped: no development server"), "{shown}");
    let (_, json) = test(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let postgres = json["dialects"].as_array().expect("dialects").iter().find(|d| d["dialect"] == "postgres").cloned();
    assert_eq!(postgres.expect("postgres")["status"], "skipped", "{json}");

    // Two heads on named branches pass (each named); two unnamed heads fail, naming both.
    let a = pkg.new_revision(&["-m", "a", "--rev-id", "ra", "--parent", "r1", "--branch-label", "left"]);
    let b = pkg.new_revision(&["-m", "b", "--rev-id", "rb", "--parent", "r1", "--branch-label", "right"]);
    let (code, shown) = test(&["--dialect", "sqlite"]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(&format!("2 heads, each on a named branch: {a}, {b}")), "{shown}");
    pkg.new_revision(&["-m", "c", "--rev-id", "rc", "--parent", "r1"]);
    let (code, shown) = test(&["--dialect", "sqlite"]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("multiple-heads") && shown.contains("rc"), "{shown}");
    pkg.ok(&["merge", "-m", "join", "--rev-id", "rm"]);
    assert_eq!(test(&["--dialect", "sqlite"]).0, Some(0));

    // A Rust revision: `cargo migrate` cannot run it and names the application's command.
    pkg.ok(&["new", "--rust", "-m", "data", "--rev-id", "rr"]);
    let (code, shown) = test(&["--dialect", "sqlite"]);
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("is a Rust revision") && shown.contains("run `svc migrate upgrade`"), "{shown}");
}
