use super::*;
use crate::graph::RevisionGraph;
use migrate_testkit::Spec;

/// `a0 ─ b10 ─ b20 ─ m0 ─ f0`, and `a0 ─ d0 (side) ─ m0`: a branch point and a merge.
fn graph() -> RevisionGraph {
    crate::graph::tests::graph_of(&migrate_testkit::branch_and_merge()).expect("valid")
}

fn resolve(g: &RevisionGraph, text: &str, current: &[&str]) -> Result<Vec<String>, TargetError> {
    let current: Vec<Node> = current.iter().map(|c| g.node(c).expect("known")).collect();
    let target = parse_target(text)?;
    Ok(match g.resolve(&target, &current)? {
        Resolved::Base => vec!["base".into()],
        Resolved::Nodes(nodes) => nodes.iter().map(|&n| g.revision(n).id.to_string()).collect(),
        Resolved::LabelBase(n) => vec![format!("below {}", g.revision(n).id)],
    })
}

fn ok(g: &RevisionGraph, text: &str, current: &[&str]) -> Vec<String> {
    resolve(g, text, current).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn parses_every_form() {
    assert_eq!(parse_target("head"), Ok(Target::Head));
    assert_eq!(parse_target("heads"), Ok(Target::Heads));
    assert_eq!(parse_target("base"), Ok(Target::Base));
    assert_eq!(parse_target("+2"), Ok(Target::Relative { from: None, steps: 2 }));
    assert_eq!(parse_target("-1"), Ok(Target::Relative { from: None, steps: -1 }));
    assert_eq!(parse_target("ab12+3"), Ok(Target::Relative { from: Some("ab12".into()), steps: 3 }));
    assert_eq!(parse_target("billing@head"), Ok(Target::LabelHead("billing".into())));
    assert_eq!(parse_target("billing@base"), Ok(Target::LabelBase("billing".into())));
    assert_eq!(parse_target("eu-west"), Ok(Target::Revision("eu-west".into())));
    for bad in ["", "x@tail", "@head", "a b", "abc+", "+x"] {
        assert!(matches!(parse_target(bad), Err(TargetError::Syntax { .. })), "{bad:?}");
    }
    for text in ["head", "+2", "ab12-3", "billing@head"] {
        assert_eq!(parse_target(text).map(|t| t.to_string()).as_deref(), Ok(text));
    }
}

#[test]
fn absolute_targets() {
    let g = graph();
    assert_eq!(ok(&g, "head", &[]), ["f0"]);
    assert_eq!(ok(&g, "heads", &[]), ["f0"]);
    assert_eq!(ok(&g, "base", &["f0"]), ["base"]);
    assert_eq!(ok(&g, "side@head", &[]), ["f0"]);
    assert_eq!(ok(&g, "side@base", &[]), ["below d0"]);
    assert_eq!(ok(&g, "side", &[]), ["d0"]);
}

#[test]
fn prefixes() {
    let g = graph();
    assert_eq!(ok(&g, "b1", &[]), ["b10"]);
    assert_eq!(ok(&g, "m", &[]), ["m0"]);
    match resolve(&g, "b", &[]) {
        Err(TargetError::AmbiguousPrefix { candidates, .. }) => assert_eq!(candidates, ["b10", "b20"]),
        other => panic!("expected ambiguous, got {other:?}"),
    }
    assert!(matches!(resolve(&g, "zz", &[]), Err(TargetError::Unknown { .. })));
}

#[test]
fn relative_steps_walk_a_straight_line() {
    let g = graph();
    assert_eq!(ok(&g, "+1", &["b10"]), ["b20"]);
    assert_eq!(ok(&g, "+1", &[]), ["a0"]);
    assert_eq!(ok(&g, "-1", &["f0"]), ["m0"]);
    assert_eq!(ok(&g, "-1", &["b10"]), ["a0"]);
    assert_eq!(ok(&g, "-2", &["b10"]), ["base"]);
    assert_eq!(ok(&g, "b10+1", &["f0"]), ["b20"]);
    assert_eq!(ok(&g, "f0-1", &[]), ["m0"]);
}

#[test]
fn relative_steps_refuse_branch_and_merge_points() {
    let g = graph();
    let err = resolve(&g, "+2", &["b10"]).expect_err("crosses the merge");
    assert!(err.to_string().contains("`m0` is a merge revision"), "{err}");
    let err = resolve(&g, "+2", &[]).expect_err("a0 branches");
    assert!(err.to_string().contains("it branches into b10, d0"), "{err}");
    let err = resolve(&g, "-2", &["f0"]).expect_err("m0 is a merge");
    assert!(err.to_string().contains("it is a merge of b20, d0"), "{err}");
    assert!(matches!(resolve(&g, "-3", &["b10"]), Err(TargetError::NotStraight { .. })));
    assert!(matches!(resolve(&g, "+1", &["f0"]), Err(TargetError::NotStraight { .. })));
    assert!(matches!(resolve(&g, "+1", &["b20", "d0"]), Err(TargetError::SeveralCurrentHeads { .. })));
}

#[test]
fn several_heads() {
    let specs = [
        Spec::new("a", &[]).header("-- branch-labels: one"),
        Spec::new("b", &["a"]),
        Spec::new("c", &[]).header("-- branch-labels: two"),
    ];
    let g = crate::graph::tests::graph_of(&specs).expect("valid");
    assert!(matches!(resolve(&g, "head", &[]), Err(TargetError::SeveralHeads { .. })));
    assert_eq!(ok(&g, "heads", &[]), ["b", "c"]);
    assert_eq!(ok(&g, "one@head", &[]), ["b"]);
    assert_eq!(ok(&g, "two@head", &[]), ["c"]);
}
