//! `plan`: which revisions an upgrade, downgrade or stamp touches, and in what order — the one
//! planner, used by the runtime and the CLI (online and `--sql`). Pure: the applied set is
//! passed in, never read from a database here.
//!
//! Alembic's semantics: an upgrade applies the target and every ancestor (parents and
//! `depends-on`) not yet applied, dependencies first; a downgrade removes only the applied
//! revisions that descend from the target, children first; other branches are left alone.

use crate::graph::{Node, RevisionGraph};
use crate::target::Resolved;

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
    /// The downgrade target is not applied, nor below anything applied.
    #[error("cannot downgrade to `{target}`: it is not applied (current: {current})")]
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
}

fn set_ids(graph: &RevisionGraph, nodes: &[Node]) -> String {
    if nodes.is_empty() {
        return "base".into();
    }
    nodes.iter().map(|&n| graph.revision(n).id.to_string()).collect::<Vec<_>>().join(", ")
}

/// The revisions to apply to reach `target` from `applied` (a membership table indexed by node).
///
/// # Errors
/// [`PlanError::NotAnUpgradeTarget`] for `LABEL@base`.
pub fn plan_upgrade(graph: &RevisionGraph, applied: &[bool], target: &Resolved) -> Result<Plan, PlanError> {
    let wanted = match target {
        Resolved::Base => vec![false; graph.len()],
        Resolved::Nodes(nodes) => graph.ancestors(nodes, true),
        Resolved::LabelBase(n) => {
            return Err(PlanError::NotAnUpgradeTarget { target: format!("{}@base", graph.revision(*n).id) });
        }
    };
    let steps = graph.topological_order().iter().copied().filter(|&n| wanted[n] && !applied[n]).collect();
    Ok(Plan { direction: Direction::Up, steps })
}

/// The applied revisions to remove to go down to `target`, children first.
///
/// # Errors
/// [`PlanError::NotApplied`] when the target is not applied; [`PlanError::Irreversible`] when a
/// revision to remove has no down section (checked before anything is planned to run).
pub fn plan_downgrade(graph: &RevisionGraph, applied: &[bool], target: &Resolved) -> Result<Plan, PlanError> {
    let remove = match target {
        Resolved::Base => vec![true; graph.len()],
        Resolved::LabelBase(n) => graph.descendants(&[*n], true),
        Resolved::Nodes(nodes) => {
            if let Some(&missing) = nodes.iter().find(|&&n| !applied[n]) {
                return Err(PlanError::NotApplied {
                    target: graph.revision(missing).id.to_string(),
                    current: set_ids(graph, &graph.heads_of(applied)),
                });
            }
            let mut below = graph.descendants(nodes, true);
            nodes.iter().for_each(|&n| below[n] = false);
            below
        }
    };
    let steps: Vec<Node> =
        graph.topological_order().iter().rev().copied().filter(|&n| remove[n] && applied[n]).collect();
    if let Some(&n) = steps.iter().find(|&&n| graph.revision(n).down.is_none()) {
        let r = graph.revision(n);
        return Err(PlanError::Irreversible { revision: r.id.to_string(), path: r.source.path.clone() });
    }
    Ok(Plan { direction: Direction::Down, steps })
}

/// The applied set after `stamp target`: exactly the target's lineage on its branch, with
/// independent branches left as they are. Nothing runs.
pub fn plan_stamp(graph: &RevisionGraph, applied: &[bool], target: &Resolved) -> Vec<bool> {
    match target {
        Resolved::Base => vec![false; graph.len()],
        Resolved::LabelBase(n) => {
            let branch = graph.descendants(&[*n], true);
            (0..graph.len()).map(|i| applied[i] && !branch[i]).collect()
        }
        Resolved::Nodes(nodes) => {
            let lineage = graph.ancestors(nodes, true);
            let below = graph.descendants(nodes, true);
            // Applied revisions below the target go; its lineage is set; the rest stay.
            (0..graph.len()).map(|i| lineage[i] || (applied[i] && !below[i])).collect()
        }
    }
}

#[cfg(test)]
mod tests;
