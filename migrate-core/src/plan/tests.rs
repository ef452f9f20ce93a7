use super::*;
use crate::target::{Intent, Target, parse_target};
use migrate_testkit::Spec;

fn specs() -> Vec<Spec> {
    migrate_testkit::branch_and_merge()
}

fn graph_of(specs: &[Spec]) -> RevisionGraph {
    crate::graph::tests::graph_of(specs).expect("valid")
}

fn set(g: &RevisionGraph, ids: &[&str]) -> Vec<bool> {
    let mut v = vec![false; g.len()];
    ids.iter().for_each(|id| v[g.node(id).expect("known")] = true);
    v
}

fn resolve(g: &RevisionGraph, target: &str, applied: &[bool], intent: Intent) -> Resolved {
    let t: Target = parse_target(target).expect("target");
    g.resolve(&t, &g.heads_of(applied), intent).expect("resolves")
}

fn names(g: &RevisionGraph, plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(|&n| g.revision(n).id.to_string()).collect()
}

fn up(g: &RevisionGraph, applied: &[&str], target: &str) -> Vec<String> {
    let applied = set(g, applied);
    let plan = plan_upgrade(g, &applied, &resolve(g, target, &applied, Intent::Upgrade)).expect("plan");
    assert_eq!(plan.direction, Direction::Up);
    names(g, &plan)
}

fn down(g: &RevisionGraph, applied: &[&str], target: &str) -> Result<Vec<String>, PlanError> {
    let applied = set(g, applied);
    let plan = plan_downgrade(g, &applied, &resolve(g, target, &applied, Intent::Downgrade))?;
    assert_eq!(plan.direction, Direction::Down);
    Ok(names(g, &plan))
}

#[test]
fn upgrade_applies_the_target_and_its_ancestry_in_order() {
    let g = graph_of(&specs());
    // Alembic's order: the side branch d0 is applied before the longer line it merges with.
    assert_eq!(up(&g, &[], "head"), ["a0", "d0", "b10", "b20", "m0", "f0"]);
    assert_eq!(up(&g, &[], "b20"), ["a0", "b10", "b20"], "the side branch is left alone");
    assert_eq!(up(&g, &["a0", "b10"], "head"), ["d0", "b20", "m0", "f0"]);
    assert_eq!(up(&g, &["a0", "b10"], "+1"), ["b20"]);
    assert_eq!(up(&g, &["a0", "b10", "b20"], "b10"), Vec::<String>::new(), "already applied: a no-op");
    assert_eq!(up(&g, &[], "side@head"), ["a0", "d0", "b10", "b20", "m0", "f0"]);
}

#[test]
fn upgrade_follows_depends_on() {
    let specs = [
        Spec::new("a", &[]),
        Spec::new("b", &["a"]).header("-- depends-on: c"),
        Spec::new("c", &[]).header("-- branch-labels: other"),
        Spec::new("d", &["b"]),
    ];
    let mut specs = specs.to_vec();
    specs[0] = specs[0].clone().header("-- branch-labels: main");
    let g = graph_of(&specs);
    assert_eq!(up(&g, &[], "b"), ["c", "a", "b"]);
    assert_eq!(down(&g, &["a", "b", "c", "d"], "other@base").expect("plan"), ["d", "b", "c"], "dependents go too");
}

#[test]
fn downgrade_removes_only_descendants_children_first() {
    let g = graph_of(&specs());
    let all = ["a0", "b10", "b20", "d0", "m0", "f0"];
    assert_eq!(down(&g, &all, "b10").expect("plan"), ["f0", "m0", "b20"], "d0 stays");
    assert_eq!(down(&g, &all, "-1").expect("plan"), ["f0"]);
    assert_eq!(down(&g, &all, "base").expect("plan"), ["f0", "m0", "b20", "b10", "d0", "a0"]);
    // As in Alembic, LABEL@base goes below the branch's base: here a0, which both lines share.
    assert_eq!(down(&g, &all, "side@base").expect("plan"), ["f0", "m0", "b20", "b10", "d0", "a0"]);
    assert_eq!(down(&g, &["a0", "b10", "d0"], "side@-1").expect("plan"), ["d0"], "LABEL@-N walks that branch");
    assert_eq!(down(&g, &["a0", "b10"], "base").expect("plan"), ["b10", "a0"]);
    assert!(matches!(down(&g, &["a0", "b10"], "d0"), Err(PlanError::NotApplied { .. })));
}

#[test]
fn an_irreversible_revision_stops_the_downgrade_before_anything_runs() {
    let mut specs = specs();
    specs[2] = specs[2].clone().irreversible();
    let g = graph_of(&specs);
    let all = ["a0", "b10", "b20", "d0", "m0", "f0"];
    match down(&g, &all, "b10") {
        Err(PlanError::Irreversible { revision, path }) => {
            assert_eq!(revision, "b20");
            assert!(path.ends_with("_b20_create_t_b20.sql"));
        }
        other => panic!("expected irreversible, got {other:?}"),
    }
    assert_eq!(down(&g, &all, "m0").expect("f0 alone is reversible"), ["f0"]);
}

#[test]
fn stamp_sets_exactly_the_lineage_and_keeps_other_branches() {
    let g = graph_of(&specs());
    let stamped = |applied: &[&str], target: &str| {
        let applied = set(&g, applied);
        let after = plan_stamp(&g, &applied, &[resolve(&g, target, &applied, Intent::Name)]);
        (0..g.len()).filter(|&i| after[i]).map(|i| g.revision(i).id.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(stamped(&[], "b20"), ["a0", "b10", "b20"]);
    // The one current head f0 shares b10's lineage, so it moves to b10 (Alembic's stamp).
    assert_eq!(stamped(&["a0", "b10", "b20", "d0", "m0", "f0"], "b10"), ["a0", "b10"]);
    assert_eq!(stamped(&["a0", "b10", "b20", "d0", "m0", "f0"], "base"), Vec::<String>::new());
    assert_eq!(stamped(&["a0", "b10", "b20"], "head"), ["a0", "b10", "b20", "d0", "m0", "f0"]);
    assert_eq!(stamped(&["a0", "d0"], "b20"), ["a0", "b10", "b20", "d0"], "the side branch stays applied");
}
