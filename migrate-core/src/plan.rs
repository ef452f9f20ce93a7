//! `plan`: which revisions an upgrade, downgrade or stamp touches, and in what order — the one
//! planner, used by the runtime and the CLI (online and `--sql`). Pure: the applied set is
//! passed in, never read from a database here.
//!
//! Alembic's semantics (pinned by its own tests, `tests/alembic.rs`): an upgrade applies the
//! targets and every ancestor (parents and `depends-on`) not yet applied, one branch at a time
//! in Alembic's order; a downgrade removes what is applied above the target's children and
//! anything depending on it, newest first, leaving other branches alone; a stamp moves the
//! current heads that share the target's lineage to it.

use crate::graph::{Node, RevisionGraph};
use crate::range::{RangeError, check_overlap, removal};
use crate::target::{Resolved, TargetError};

/// Which way a plan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Apply up sections, parents first.
    Up,
    /// Apply down sections, children first.
    Down,
}

/// An ordered list of revisions to apply in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Up or down.
    pub direction: Direction,
    /// The revisions, in the order to run them.
    pub steps: Vec<Node>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The downgrade target is not applied, or nothing applied is above it.
    #[error("cannot downgrade to `{target}`: it is not applied, or nothing applied is above it (current: {current})")]
    NotApplied {
        /// The target id.
        target: String,
        /// The current heads, or `base`.
        current: String,
    },
    /// A revision to remove has no down section.
    #[error(
        "cannot downgrade: revision `{revision}` ({path}) has no `-- migrate:down` section, so it cannot be reverted; nothing was changed"
    )]
    Irreversible {
        /// Its id.
        revision: String,
        /// Its file.
        path: String,
    },
    /// `LABEL@base` is only a downgrade target.
    #[error("`{target}` is a downgrade target; to upgrade a branch use `LABEL@head`")]
    NotAnUpgradeTarget {
        /// What was given.
        target: String,
    },
    /// The targets overlap (one is an ancestor of another).
    #[error(transparent)]
    Range(#[from] RangeError),
}

/// The revisions to apply to reach `target` from `applied` (a membership table indexed by node).
///
/// # Errors
/// [`PlanError::NotAnUpgradeTarget`] for `LABEL@base`; [`PlanError::Range`] when the targets
/// overlap.
pub fn plan_upgrade(graph: &RevisionGraph, applied: &[bool], target: &Resolved) -> Result<Plan, PlanError> {
    let targets: Vec<Node> = match target {
        Resolved::Base => Vec::new(),
        Resolved::Nodes(nodes) => nodes.clone(),
        Resolved::Branch { at: Some(n), .. } => vec![*n],
        Resolved::Branch { at: None, branch } => {
            return Err(PlanError::NotAnUpgradeTarget { target: format!("{}@base", graph.revision(*branch).id) });
        }
    };
    check_overlap(graph, &targets)?;
    let wanted = graph.ancestors(&targets, true);
    let needs: Vec<bool> = wanted.iter().zip(applied).map(|(w, a)| *w && !*a).collect();
    let mut steps = graph.newest_first(&needs, &targets);
    steps.reverse();
    Ok(Plan { direction: Direction::Up, steps })
}

/// The applied revisions to remove to go down to `target`, newest first.
///
/// # Errors
/// [`PlanError::NotApplied`] when the target is not applied and nothing is above it;
/// [`PlanError::Irreversible`] when a revision to remove has no down section (checked before
/// anything is planned to run).
pub fn plan_downgrade(graph: &RevisionGraph, applied: &[bool], target: &Resolved) -> Result<Plan, PlanError> {
    let remove = removal(graph, applied, target, false, false).map_err(|e| match e {
        TargetError::NotDowngradable { target, current } => PlanError::NotApplied { target, current },
        other => PlanError::Range(other.into()),
    })?;
    let steps = graph.newest_first(&remove, &graph.heads_of(applied));
    if let Some(&n) = steps.iter().find(|&&n| graph.revision(n).down.is_none()) {
        let r = graph.revision(n);
        return Err(PlanError::Irreversible { revision: r.id.to_string(), path: r.source.path.clone() });
    }
    Ok(Plan { direction: Direction::Down, steps })
}

/// The applied set after `stamp targets`, Alembic's way: the current heads that share a
/// target's lineage (through `revises` and `depends-on`) are replaced by the target (or
/// removed, for `base` and `LABEL@base`); a target on a branch with nothing applied is added;
/// heads of other branches stay. The result holds the new heads and everything they need.
/// Nothing runs.
pub fn plan_stamp(graph: &RevisionGraph, applied: &[bool], targets: &[Resolved]) -> Vec<bool> {
    let heads = graph.heads_of(applied);
    let mut dests: Vec<Option<Node>> = Vec::new();
    let mut moved: Vec<Node> = Vec::new();
    for target in targets {
        let against: Vec<Node> = match target {
            Resolved::Base => {
                dests.push(None);
                Vec::new()
            }
            Resolved::Nodes(nodes) if nodes.is_empty() => {
                dests.push(None);
                Vec::new()
            }
            Resolved::Nodes(nodes) => {
                dests.extend(nodes.iter().map(|&n| Some(n)));
                nodes.clone()
            }
            Resolved::Branch { at, branch } => {
                dests.push(*at);
                at.iter().copied().chain([*branch]).collect()
            }
        };
        moved.extend(heads.iter().copied().filter(|&h| graph.shares_lineage(h, &against, true)));
    }
    moved.sort_unstable();
    moved.dedup();
    let mut new_heads = heads.clone();
    for dest in dests {
        match dest {
            None => new_heads.retain(|h| !moved.contains(h)),
            Some(d) if moved.contains(&d) => {}
            Some(d) => {
                if graph.shares_lineage(d, &moved, true) {
                    new_heads.retain(|h| !moved.contains(h));
                }
                if !new_heads.contains(&d) {
                    new_heads.push(d);
                }
            }
        }
    }
    graph.ancestors(&new_heads, true)
}

#[cfg(test)]
mod tests;
