//! Benchmark: whole-process `cargo migrate heads`, `history` and `check` on 10,000 revision
//! files (target: under 100 ms). Run with `cargo bench -p cargo-migrate`; prints a table.

use std::process::Command;

use migrate_testkit::timing::{HEADER, measure, row};
use migrate_testkit::{generated_graph, write_folder};

fn main() {
    let n = 10_000;
    let runs = 15;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write Cargo.toml");
    std::fs::write(dir.path().join("build.rs"), "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n")
        .expect("write build.rs");
    write_folder(&dir.path().join("migrations"), &generated_graph(n)).expect("write fixtures");
    let bin = env!("CARGO_BIN_EXE_cargo-migrate");
    println!("{n} revision files, {runs} runs each, binary {bin}\n");
    println!("{HEADER}");
    let spawn = measure(runs, || {
        assert!(Command::new("true").status().expect("run true").success());
    });
    println!("{}", row("floor: spawn and wait for `true`", spawn, ""));
    let migrations = dir.path().join("migrations");
    let load = measure(runs, || {
        assert!(migrate_core::load_dir(&migrations, dir.path()).into_valid_graph().is_ok());
    });
    println!("{}", row("floor: in-process load_dir (list, read, parse, validate)", load, ""));
    for args in
        [&["migrate", "heads"][..], &["migrate", "history"], &["migrate", "history", "--graph"], &["migrate", "check"]]
    {
        let stats = measure(runs, || {
            let out = Command::new(bin).args(args).current_dir(dir.path()).output().expect("run cargo-migrate");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        });
        println!("{}", row(&format!("cargo {}", args.join(" ")), stats, "< 100 ms"));
    }
}
