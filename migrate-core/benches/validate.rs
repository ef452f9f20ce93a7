//! Benchmark: validating a generated graph of 10,000 revisions with branches and merges
//! (target: under 20 ms in-process). Run with `cargo bench -p migrate-core`; prints a table.

use migrate_core::{RevisionGraph, load_dir, parse_revision};
use migrate_testkit::timing::{HEADER, measure_with, row};
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
    let build =
        measure_with(runs, || parsed.clone(), |revisions| RevisionGraph::build(revisions).expect("valid graph"));
    println!("{}", row("validate the graph: build + every graph rule", build, "< 20 ms"));
    let parse = measure_with(
        runs,
        || (),
        |()| files.iter().map(|(p, t)| parse_revision(p, t.as_bytes()).expect("valid")).collect::<Vec<_>>(),
    );
    println!("{}", row("parse 10,000 files in memory (one thread)", parse, ""));
    let parse_and_build = measure_with(
        runs,
        || (),
        |()| {
            let revisions: Vec<_> =
                files.iter().map(|(p, t)| parse_revision(p, t.as_bytes()).expect("valid")).collect();
            RevisionGraph::build(revisions).expect("valid graph")
        },
    );
    println!("{}", row("parse in memory + validate the graph", parse_and_build, ""));
    let from_disk = measure_with(runs, || (), |()| load_dir(dir.path(), dir.path()).into_valid_graph().expect("valid"));
    println!("{}", row("load_dir: list + read + parse (all cores) + validate", from_disk, ""));
}
