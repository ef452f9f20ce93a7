//! Rebuild when a revision file is added, edited or deleted (written by `cargo migrate init`).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
