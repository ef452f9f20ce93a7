//! Benchmark: validating a generated graph of 10,000 revisions with branches and merges
//! (target: under 20 ms in-process). Run with `cargo bench -p migrate-core`; prints a table.

use migrate_core::{RevisionGraph, load_dir, parse_revision};
use migrate_testkit::timing::{HEADER, measure, row};
use migrate_testkit::{generated_graph, write_folder};

fn main() {
    let n = 10_000;
    let runs = 21;
    let specs = generated_graph(n);
    let files: Vec<(String, String)> =
        specs.iter().enumerate().map(|(rank, s)| (format!("migrations/{}", s.file_name(rank)), s.text())).collect();
    let parsed: Vec<_> = files.iter().map(|(p, t)| parse_revision(p, t.as_bytes()).expect("valid")).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    write_folder(dir.path(), &specs).expect("write fixtures");

    println!("{n} revisions ({} merges), {runs} runs each\n", specs.iter().filter(|s| s.parents.len() > 1).count());
    println!("{HEADER}");
    let build = measure(runs, || {
        let revisions = parsed.clone();
        RevisionGraph::build(revisions).expect("valid graph");
    });
    let clone = measure(runs, || drop(std::hint::black_box(parsed.clone())));
    println!("{}", row("graph rules only (build + validate, input clone included)", build, "< 20 ms"));
    println!("{}", row("  of which cloning the input", clone, ""));
    let parse_and_build = measure(runs, || {
        let revisions: Vec<_> = files.iter().map(|(p, t)| parse_revision(p, t.as_bytes()).expect("valid")).collect();
        RevisionGraph::build(revisions).expect("valid graph");
    });
    println!("{}", row("parse 10,000 files in memory + build + validate", parse_and_build, "< 20 ms"));
    let from_disk = measure(runs, || {
        let loaded = load_dir(dir.path(), dir.path());
        assert!(loaded.into_valid_graph().is_ok());
    });
    println!("{}", row("load_dir: read + parse + validate from disk", from_disk, ""));
}
