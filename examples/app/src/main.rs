//! An application that embeds its revisions: `embed_migrations!()` reads `migrations/` at
//! compile time and fails the build if the revision graph is broken.
//!
//! Run it with `cargo run -p migrate-example`: it prints what it embedded, in the order the
//! revisions apply.

/// The revisions of this application, checked and embedded at compile time.
static MIGRATIONS: migrate_runtime::Migrations = migrate_runtime::embed_migrations!();

fn main() {
    println!(
        "{} revisions embedded from {}/ (history table `{}`), in apply order:",
        MIGRATIONS.len(),
        MIGRATIONS.dir(),
        MIGRATIONS.table()
    );
    for r in MIGRATIONS.revisions() {
        let parents = if r.parents.is_empty() { "<base>".to_owned() } else { r.parents.join(", ") };
        println!("  {parents} -> {}  {}", r.id, r.message);
    }
    let heads: Vec<&str> = MIGRATIONS.heads().iter().map(|r| r.id).collect();
    println!("head: {}", heads.join(", "));
}
