use super::*;
use crate::diagnostic::Code;
use crate::parse::parse_revision;
use migrate_testkit::Spec;

pub(crate) fn graph_of(specs: &[Spec]) -> Result<RevisionGraph, crate::Diagnostics> {
    let revisions = specs
        .iter()
        .enumerate()
        .map(|(rank, s)| {
            parse_revision(&format!("migrations/{}", s.file_name(rank)), s.text().as_bytes()).expect("valid file")
        })
        .collect();
    RevisionGraph::build(revisions)
}

fn codes(specs: &[Spec]) -> Vec<Code> {
    let diags = graph_of(specs).expect_err("should be invalid");
    for d in diags.iter() {
        assert!(!d.labels.is_empty(), "every graph error names a file: {d}");
        assert!(d.help.is_some(), "every graph error has a hint: {d}");
    }
    diags.iter().map(|d| d.code).collect()
}

fn ids(g: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| g.revision(n).id.to_string()).collect()
}

#[test]
fn linear_chain() {
    let g = graph_of(&[Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["b"])]).expect("valid");
    assert_eq!(ids(&g, g.heads()), ["c"]);
    assert_eq!(ids(&g, &g.bases()), ["a"]);
    assert_eq!(ids(&g, g.topological_order()), ["a", "b", "c"]);
}

#[test]
fn order_respects_depends_on_and_breaks_ties_by_file_name() {
    // x and y are independent children of a; y sorts first by file name but depends on z.
    let specs = [
        Spec::new("a", &[]),
        Spec::new("y", &["a"]).header("-- depends-on: z"),
        Spec::new("x", &["a"]),
        Spec::new("z", &["a"]),
        Spec::new("m", &["x", "y", "z"]),
    ];
    let g = graph_of(&specs).expect("valid");
    assert_eq!(ids(&g, g.topological_order()), ["a", "x", "z", "y", "m"]);
    assert_eq!(ids(&g, g.heads()), ["m"]);
    assert_eq!(ids(&g, &g.branch_points()), ["a"]);
}

#[test]
fn two_heads_after_branch() {
    let specs = [Spec::new("a", &[]), Spec::new("b", &["a"]), Spec::new("c", &["a"])];
    let diags = graph_of(&specs).expect_err("two heads");
    let d = diags.iter().next().expect("one diagnostic");
    assert_eq!(d.code, Code::MultipleHeads);
    assert!(d.message.contains("2 heads: `b` (create t_b), `c` (create t_c)"), "{}", d.message);
    assert_eq!(d.labels.len(), 2);
    assert!(d.labels[0].path.ends_with("_b_create_t_b.sql"));
    assert!(d.help.as_deref().is_some_and(|h| h.starts_with("run: cargo migrate merge -m \"")), "{d}");
}

#[test]
fn labeled_branches_may_each_have_a_head() {
    let specs = [
        Spec::new("a", &[]).header("-- branch-labels: main"),
        Spec::new("b", &["a"]),
        Spec::new("c", &[]).header("-- branch-labels: billing"),
        Spec::new("d", &["c"]),
    ];
    let g = graph_of(&specs).expect("two named branches are valid");
    assert_eq!(ids(&g, g.heads()), ["b", "d"]);
    // A branch off a labeled line needs its own label, and the line after it needs one too.
    let off_main = [
        Spec::new("a", &[]).header("-- branch-labels: main"),
        Spec::new("b", &["a"]),
        Spec::new("c", &["a"]).header("-- branch-labels: side"),
    ];
    let diags = graph_of(&off_main).expect_err("`b` shares `main` with `c`");
    assert!(
        diags
            .iter()
            .next()
            .is_some_and(|d| d.code == Code::MultipleHeads && d.message.contains("`b`") && !d.message.contains("`c`"))
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let mut dup = Spec::new("b", &["a"]);
    dup.up = "SELECT 2;".into();
    let diags = graph_of(&[Spec::new("a", &[]), Spec::new("b", &["a"]), dup]).expect_err("dup");
    let d = diags.iter().find(|d| d.code == Code::DuplicateId).expect("duplicate-id");
    assert_eq!(d.labels.len(), 2);
    assert_ne!(d.labels[0].path, d.labels[1].path);
}

#[test]
fn dangling_parent_and_dependency_name_the_line() {
    let specs = [Spec::new("a", &[]), Spec::new("b", &["a", "zz"]), Spec::new("c", &["b"]).header("-- depends-on: yy")];
    let diags = graph_of(&specs).expect_err("dangling");
    let found: Vec<(Code, usize, &str)> = diags
        .iter()
        .map(|d| {
            let s = d.labels[0].span.as_ref().expect("span");
            (d.code, s.line, &s.line_text[s.start..s.end])
        })
        .collect();
    assert_eq!(found, [(Code::DanglingParent, 2, "zz"), (Code::DanglingDependency, 5, "yy")]);
}

#[test]
fn cycles_are_printed_in_full() {
    let specs = [
        Spec::new("a", &[]),
        Spec::new("b", &["a", "d"]),
        Spec::new("c", &["b"]),
        Spec::new("d", &["c"]),
        Spec::new("e", &["d"]),
    ];
    let diags = graph_of(&specs).expect_err("cycle");
    let d = diags.iter().find(|d| d.code == Code::Cycle).expect("cycle diagnostic");
    assert!(d.message.contains("`b` → `d` → `c` → `b`"), "{}", d.message);
    assert_eq!(d.labels.len(), 3);
    let self_parent = [Spec::new("a", &["a"])];
    assert_eq!(codes(&self_parent), [Code::Cycle]);
    let two_node = [Spec::new("a", &["b"]), Spec::new("b", &["a"])];
    assert_eq!(codes(&two_node), [Code::Cycle]);
    let via_depends = [Spec::new("a", &[]).header("-- depends-on: b"), Spec::new("b", &["a"])];
    assert_eq!(codes(&via_depends), [Code::Cycle]);
}

#[test]
fn a_branch_label_names_one_revision() {
    let specs =
        [Spec::new("a", &[]).header("-- branch-labels: x"), Spec::new("b", &["a"]).header("-- branch-labels: x")];
    assert_eq!(codes(&specs), [Code::DuplicateBranchLabel]);
}

#[test]
fn all_errors_are_collected() {
    let mut dup = Spec::new("a", &[]);
    dup.up = "SELECT 1;".into();
    let specs = [
        Spec::new("a", &[]),
        dup,
        Spec::new("b", &["nope"]),
        Spec::new("c", &["c"]),
        Spec::new("d", &["a"]).header("-- branch-labels: l"),
        Spec::new("e", &["d"]).header("-- branch-labels: l"),
    ];
    let mut found = codes(&specs);
    found.sort_by_key(|c| c.as_str());
    assert_eq!(found, [Code::Cycle, Code::DanglingParent, Code::DuplicateBranchLabel, Code::DuplicateId]);
}

#[test]
fn ancestors_and_descendants() {
    let specs = [
        Spec::new("a", &[]),
        Spec::new("b", &["a"]),
        Spec::new("c", &["a"]).header("-- branch-labels: side"),
        Spec::new("d", &["b"]).header("-- depends-on: c").header("-- branch-labels: main"),
    ];
    let g = graph_of(&specs).expect("valid");
    let d = g.node("d").expect("d");
    let with = g.ancestors(&[d], true);
    let without = g.ancestors(&[d], false);
    let set = |v: &[bool]| (0..g.len()).filter(|&i| v[i]).map(|i| g.revision(i).id.to_string()).collect::<Vec<_>>();
    assert_eq!(set(&with), ["a", "b", "c", "d"]);
    assert_eq!(set(&without), ["a", "b", "d"]);
    let c = g.node("c").expect("c");
    assert_eq!(set(&g.descendants(&[c], true)), ["c", "d"]);
    assert_eq!(set(&g.descendants(&[c], false)), ["c"]);
    assert_eq!(g.lineage_labels(d), ["main"]);
}

#[test]
fn generated_graph_of_ten_thousand_is_valid() {
    let specs = migrate_testkit::generated_graph(10_000);
    let g = graph_of(&specs).expect("valid");
    assert_eq!(g.len(), 10_000);
    assert_eq!(g.heads().len(), 1);
    assert!(g.branch_points().len() > 100);
}
