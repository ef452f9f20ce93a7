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
    // A step back is a downgrade's target; everything else an upgrade's.
    let intent = if target.steps.is_some_and(|s| s < 0) { Intent::Downgrade } else { Intent::Upgrade };
    let name = |n: Option<Node>| n.map_or("base".to_owned(), |n| g.revision(n).id.to_string());
    Ok(match g.resolve(&target, &current, intent)? {
        Resolved::Base => vec!["base".into()],
        Resolved::Nodes(nodes) => nodes.iter().map(|&n| g.revision(n).id.to_string()).collect(),
        Resolved::Branch { at, branch } => vec![format!("{} on {}", name(at), name(Some(branch)))],
    })
}

fn ok(g: &RevisionGraph, text: &str, current: &[&str]) -> Vec<String> {
    resolve(g, text, current).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn parses_every_form() {
    let t = |branch: Option<&str>, symbol: Symbol, steps: Option<i64>| {
        Ok(Target { branch: branch.map(str::to_owned), symbol, steps })
    };
    assert_eq!(parse_target("head"), Ok(Target::HEAD));
    assert_eq!(parse_target("heads"), Ok(Target::HEADS));
    assert_eq!(parse_target("base"), Ok(Target::BASE));
    assert_eq!(parse_target("current"), t(None, Symbol::Current, None));
    assert_eq!(parse_target("+2"), t(None, Symbol::Current, Some(2)));
    assert_eq!(parse_target("-1"), t(None, Symbol::Current, Some(-1)));
    assert_eq!(parse_target("ab12+3"), t(None, Symbol::Revision("ab12".into()), Some(3)));
    assert_eq!(parse_target("billing@head"), t(Some("billing"), Symbol::Head, None));
    assert_eq!(parse_target("billing@base"), t(Some("billing"), Symbol::Base, None));
    assert_eq!(parse_target("billing@-1"), t(Some("billing"), Symbol::Current, Some(-1)));
    assert_eq!(parse_target("billing@head-1"), t(Some("billing"), Symbol::Head, Some(-1)));
    assert_eq!(parse_target("billing@base+2"), t(Some("billing"), Symbol::Base, Some(2)));
    assert_eq!(parse_target("billing@ab12"), t(Some("billing"), Symbol::Revision("ab12".into()), None));
    assert_eq!(parse_target("eu-west"), t(None, Symbol::Revision("eu-west".into()), None));
    for bad in ["", "@head", "a b", "abc+", "+x", "a@b c"] {
        assert!(matches!(parse_target(bad), Err(TargetError::Syntax { .. })), "{bad:?}");
    }
    for text in ["head", "+2", "ab12-3", "billing@head", "billing@-1", "billing@base+2", "current"] {
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
    assert_eq!(ok(&g, "side@base", &[]), ["base on d0"]);
    assert_eq!(ok(&g, "side@d0", &[]), ["d0"]);
    assert_eq!(ok(&g, "side@a0", &[]), ["a0"], "an ancestor is on the branch");
    assert!(matches!(resolve(&g, "side@b10", &[]), Err(TargetError::NotOnBranch { .. })));
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
fn relative_steps_walk_as_alembic_does() {
    let g = graph();
    assert_eq!(ok(&g, "+1", &["b10"]), ["b20"]);
    assert_eq!(ok(&g, "+1", &[]), ["a0"]);
    assert_eq!(ok(&g, "+2", &["b10"]), ["m0"], "stepping into a merge is one step");
    assert_eq!(ok(&g, "-1", &["f0"]), ["m0 on f0"], "a downgrade's -1 stays on the walked head's branch");
    assert_eq!(ok(&g, "-1", &["b10"]), ["a0 on b10"]);
    assert_eq!(ok(&g, "-2", &["b10"]), ["base on b10"]);
    assert_eq!(ok(&g, "b10+1", &["f0"]), ["b20"]);
    assert_eq!(ok(&g, "f0-1", &[]), ["m0"]);
    assert_eq!(ok(&g, "side@+1", &["a0"]), ["d0"], "LABEL@+N walks that branch");
    assert_eq!(ok(&g, "side@head-1", &[]), ["m0 on d0"]);
}

#[test]
fn relative_steps_refuse_ambiguity_and_overshoot() {
    let g = graph();
    let err = resolve(&g, "+2", &[]).expect_err("a0 branches");
    assert!(err.to_string().contains("it branches into b10, d0"), "{err}");
    let err = resolve(&g, "-2", &["f0"]).expect_err("m0 is a merge");
    assert!(err.to_string().contains("it is a merge of b20, d0"), "{err}");
    assert!(matches!(resolve(&g, "-3", &["b10"]), Err(TargetError::TooFar { .. })));
    assert!(matches!(resolve(&g, "+1", &["f0"]), Err(TargetError::TooFar { .. })));
    assert!(matches!(resolve(&g, "-1", &[]), Err(TargetError::TooFar { .. })));
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
