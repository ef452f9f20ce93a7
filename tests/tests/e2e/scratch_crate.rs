//! As a new user would: `cargo migrate init`, `new` twice, build; a second head fails the
//! build and names both heads; `merge` fixes it; an added, an edited and a deleted revision
//! file each change what a plain `cargo build` embeds.

use migrate_e2e::{Scratch, cargo_migrate_bin, text};

const MAIN: &str = r#"
static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();

fn main() {
    for r in MIGRATIONS.revisions() {
        println!("{} {} {}", r.id(), r.parents().collect::<Vec<_>>().join(","), r.message());
    }
}
"#;

fn new_revision(app: &Scratch, bin: &std::path::Path, args: &[&str]) -> String {
    let mut full = vec!["new", "--format", "json"];
    full.extend_from_slice(args);
    let out = app.migrate(bin, &full);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json["revision"].as_str().expect("id").to_owned()
}

fn embedded(app: &Scratch) -> Vec<String> {
    let build = app.build();
    assert!(build.status.success(), "cargo build failed:\n{}", text(&build));
    let run = app.run_app();
    assert!(run.status.success(), "{}", text(&run));
    String::from_utf8_lossy(&run.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn two_heads_fail_the_build_and_merge_fixes_it() {
    let bin = cargo_migrate_bin();
    let app = Scratch::new("migrate_e2e_scratch_app", MAIN);
    let init = app.migrate(&bin, &["init"]);
    assert!(init.status.success(), "{}", text(&init));

    let users = new_revision(&app, &bin, &["-m", "create users"]);
    let email = new_revision(&app, &bin, &["-m", "add email"]);
    assert_eq!(embedded(&app), [format!("{users}  create users"), format!("{email} {users} add email")]);

    // A second head, as two git branches that each added a revision leave it.
    let phone = new_revision(&app, &bin, &["-m", "add phone", "--parent", &users]);
    let failed = app.build();
    assert!(!failed.status.success(), "the build must fail with two heads:\n{}", text(&failed));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("[multiple-heads]"), "{stderr}");
    assert!(
        stderr.contains(&format!("`{email}` (add email)")) && stderr.contains(&format!("`{phone}` (add phone)")),
        "{stderr}"
    );
    assert!(stderr.contains("run: cargo migrate merge -m"), "{stderr}");
    assert!(stderr.contains("migrations/") && stderr.contains("_add_phone.sql"), "names the files: {stderr}");

    let merge = app.migrate(&bin, &["merge", "-m", "merge email and phone"]);
    assert!(merge.status.success(), "{}", text(&merge));
    let after_merge = embedded(&app);
    assert_eq!(after_merge.len(), 4);
    assert!(after_merge[3].ends_with("merge email and phone"), "{after_merge:?}");

    // Added: a plain `cargo build` embeds it (build.rs rerun-if-changed on the folder).
    let index = new_revision(&app, &bin, &["-m", "add index"]);
    let with_index = embedded(&app);
    assert_eq!(with_index.len(), 5, "{with_index:?}");
    assert!(with_index[4].starts_with(&index) && with_index[4].ends_with("add index"), "{with_index:?}");

    // Edited: the message changes in the binary (include_bytes! tracks each file).
    let file = std::fs::read_dir(app.path().join("migrations"))
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().contains(&index))
        .expect("index file");
    let edited =
        std::fs::read_to_string(&file).expect("read").replace("-- message: add index", "-- message: add an index");
    std::fs::write(&file, edited).expect("edit");
    assert!(embedded(&app)[4].ends_with("add an index"));

    // Deleted: the binary no longer embeds it.
    std::fs::remove_file(&file).expect("delete");
    assert_eq!(embedded(&app).len(), 4);
}
