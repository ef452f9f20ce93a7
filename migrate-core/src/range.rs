//! The revisions between two points, in Alembic's order: what `history -r LOWER:UPPER` lists,
//! what an upgrade needs above the current heads, and what a downgrade removes. The planner
//! (`plan.rs`) and the history verb use these, so both read ranges one way. Pure.

use crate::graph::{Node, RevisionGraph};
use crate::target::{Intent, Resolved, Target, TargetError, parse_target};

/// Why a range cannot be walked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// A range end does not parse or resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The lower end is not below the upper end.
    #[error("`{lower}` is not an ancestor of `{upper}`; a range goes from an older revision to a newer one")]
    NotAncestor {
        /// The lower end as named.
        lower: String,
        /// The upper end as named.
        upper: String,
    },
    /// One revision named at an end is an ancestor of another named there.
    #[error("`{revision}` is below `{other}`, also named; name only the newest of a line")]
    Overlap {
        /// The revision below.
        revision: String,
        /// The revision named with it.
        other: String,
    },
    /// The text is not `LOWER:UPPER`.
    #[error("`{text}` is not a range; use LOWER:UPPER, LOWER: or :UPPER (e.g. base:head, -3:current)")]
    Syntax {
        /// What was given.
        text: String,
    },
    /// `current` was used with no database to read it from.
    #[error("`current` needs a database to read the current heads from")]
    NoCurrent,
}

fn ids(graph: &RevisionGraph, nodes: &[Node]) -> String {
    if nodes.is_empty() {
        return "base".into();
    }
    nodes.iter().map(|&n| graph.revision(n).id.to_string()).collect::<Vec<_>>().join(", ")
}

/// Fails when one of `nodes` is an ancestor of another.
///
/// # Errors
/// [`RangeError::Overlap`].
pub fn check_overlap(graph: &RevisionGraph, nodes: &[Node]) -> Result<(), RangeError> {
    for (i, &a) in nodes.iter().enumerate() {
        let below = graph.ancestors(&[a], true);
        if let Some(&b) = nodes.iter().enumerate().find(|&(j, &b)| j != i && b != a && below[b]).map(|(_, b)| b) {
            return Err(RangeError::Overlap {
                revision: graph.revision(b).id.to_string(),
                other: graph.revision(a).id.to_string(),
            });
        }
    }
    Ok(())
}

/// The revisions `upper` needs that `lower` does not already provide, newest first (Alembic's
/// `iterate_revisions`). With `inclusive`, `lower` itself is listed too. Without
/// `implicit_base`, only descendants of `lower` are listed and `lower` must be below `upper`;
/// with it, every missing ancestor is (what an upgrade applies).
///
/// # Errors
/// [`RangeError::Overlap`] when an end names a revision and its ancestor;
/// [`RangeError::NotAncestor`] when, without `implicit_base`, `lower` is not below `upper`.
pub fn upgrade_range(
    graph: &RevisionGraph,
    upper: &[Node],
    lower: &[Node],
    inclusive: bool,
    implicit_base: bool,
) -> Result<Vec<Node>, RangeError> {
    check_overlap(graph, upper)?;
    check_overlap(graph, lower)?;
    let required = graph.ancestors(upper, true);
    if !implicit_base && lower.iter().any(|&l| !required[l]) {
        return Err(RangeError::NotAncestor { lower: ids(graph, lower), upper: ids(graph, upper) });
    }
    let provided = graph.ancestors(lower, true);
    let mut needs: Vec<bool> = required.iter().zip(&provided).map(|(r, p)| *r && !*p).collect();
    if inclusive {
        lower.iter().for_each(|&l| needs[l] = true);
    }
    if !lower.is_empty() && !implicit_base {
        let above = graph.descendants(lower, false);
        needs.iter_mut().zip(above).for_each(|(n, a)| *n &= a);
    }
    Ok(graph.newest_first(&needs, upper))
}

/// What a downgrade to `target` removes from `applied` (a membership table), Alembic's way:
/// everything applied above the target's children (through `revises`, then anything that
/// depends on them), restricted to the named branch when the target is scoped. With
/// `inclusive` the target goes too; with `implicit_base` other branches go back to base.
///
/// # Errors
/// [`TargetError::NotDowngradable`] when the branch has nothing above the target, or the
/// target is not applied and nothing would be removed.
pub fn removal(
    graph: &RevisionGraph,
    applied: &[bool],
    target: &Resolved,
    inclusive: bool,
    implicit_base: bool,
) -> Result<Vec<bool>, TargetError> {
    let current = graph.heads_of(applied);
    let (at, branch): (Vec<Node>, Option<Node>) = match target {
        Resolved::Base => (Vec::new(), None),
        Resolved::Nodes(nodes) => (nodes.clone(), None),
        Resolved::Branch { at, branch } => (at.iter().copied().collect(), Some(*branch)),
    };
    let not_downgradable = || TargetError::NotDowngradable {
        target: if at.is_empty() { "base".into() } else { ids(graph, &at) },
        current: ids(graph, &current),
    };
    let mut roots: Vec<Node> = match (at.as_slice(), inclusive) {
        ([], _) => graph.bases(),
        (at, true) => at.to_vec(),
        (at, false) => at.iter().flat_map(|&n| graph.children(n).iter().copied()).collect(),
    };
    if let Some(b) = branch
        && roots.len() > 1
    {
        let on_branch = graph.ancestors(&[b], false);
        roots.retain(|&r| on_branch[r]);
        if roots.is_empty() {
            return Err(not_downgradable());
        }
    }
    let above = graph.descendants(&roots, true);
    let mut remove: Vec<bool> = above.iter().zip(applied).map(|(a, p)| *a && *p).collect();
    if implicit_base {
        let kept = graph.ancestors(&roots, true);
        remove.iter_mut().enumerate().for_each(|(n, r)| *r |= applied[n] && !kept[n]);
    }
    if !at.is_empty() && !remove.contains(&true) && !at.iter().all(|n| current.contains(n)) {
        return Err(not_downgradable());
    }
    Ok(remove)
}

/// `history -r LOWER:UPPER`: the revisions from LOWER up to UPPER, both included, newest first.
/// An empty end means `base` (lower) or `heads` (upper); `current` means the current heads,
/// which `current` must then hold (`None`: no database was read). UPPER may be relative to
/// LOWER (`a:+2`); `LABEL@…` as LOWER keeps only that branch's revisions.
///
/// # Errors
/// [`RangeError::Syntax`] without a `:`; [`RangeError::NoCurrent`]; an end that does not
/// resolve; a LOWER that is not below UPPER.
pub fn history_range(graph: &RevisionGraph, range: &str, current: Option<&[Node]>) -> Result<Vec<Node>, RangeError> {
    let (lower_text, upper_text) =
        range.trim().split_once(':').ok_or_else(|| RangeError::Syntax { text: range.to_owned() })?;
    let (lower_text, upper_text) = (lower_text.trim(), upper_text.trim());
    let current_heads = || current.map(<[Node]>::to_vec).ok_or(RangeError::NoCurrent);
    let lower: Vec<Node> = match lower_text {
        "" | "base" => Vec::new(),
        "current" => current_heads()?,
        text => clamped(graph, &parse_target(text)?, current.unwrap_or_default(), Intent::Name)?,
    };
    let mut upper: Vec<Node> = match upper_text {
        "" | "heads" => graph.real_heads(),
        "current" => current_heads()?,
        text => clamped(graph, &parse_target(text)?, &lower, Intent::Upgrade)?,
    };
    if let Some((label, _)) = lower_text.split_once('@') {
        // A revision used as the label stands for its branch's label.
        let label = match graph.node(label) {
            Some(n) => graph.branch_labels_of(n).first().copied().unwrap_or(label),
            None => label,
        };
        upper.retain(|&n| graph.branch_labels_of(n).contains(&label));
    }
    upgrade_range(graph, &upper, &lower, true, false)
}

/// Resolves a range end; a relative end that walks past a head or below base stops at the last
/// revision it reaches, as Alembic's history does (`-5:c` on three revisions lists all three).
fn clamped(graph: &RevisionGraph, target: &Target, current: &[Node], intent: Intent) -> Result<Vec<Node>, TargetError> {
    let nodes = |r: Resolved| match r {
        Resolved::Nodes(nodes) => nodes,
        Resolved::Branch { at, .. } => at.into_iter().collect(),
        Resolved::Base => Vec::new(),
    };
    let first = match graph.resolve(target, current, intent) {
        Err(TargetError::TooFar { .. }) if target.steps.is_some() => None,
        other => Some(other.map(nodes)),
    };
    if let Some(result) = first {
        return result;
    }
    let steps = target.steps.unwrap_or_default();
    for k in (1..steps.unsigned_abs()).rev() {
        let shorter = Target { steps: Some(steps.signum() * k as i64), ..target.clone() };
        if let Ok(r) = graph.resolve(&shorter, current, intent) {
            return Ok(nodes(r));
        }
    }
    if steps < 0 {
        return Ok(Vec::new());
    }
    Ok(nodes(graph.resolve(&Target { steps: None, ..target.clone() }, current, intent)?))
}
