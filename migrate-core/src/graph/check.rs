//! The graph rules, one function each. Each returns the diagnostics for its rule and never
//! stops at the first problem. They read an assembled (not yet trusted) `RevisionGraph`.

use super::{Node, RevisionGraph};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::revision::Revision;

/// Revision ids are unique: two files with one id make "upgrade to X" meaningless and would
/// let one file silently shadow the other. The diagnostic names both files.
pub(super) fn check_duplicate_ids(g: &RevisionGraph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, r) in g.revisions.iter().enumerate() {
        let first = g.index[r.id.as_str()];
        if first != i {
            let other = &g.revisions[first];
            out.push(
                Diagnostic::error(Code::DuplicateId, format!("revision id `{}` is used by two files", r.id))
                    .with_label(&r.source.path, Some(r.source.id_span.clone()), "used here")
                    .with_label(&other.source.path, Some(other.source.id_span.clone()), "and here")
                    .with_help("give one of them a new id (`cargo migrate new` makes random ones); ids identify revisions, file names do not"),
            );
        }
    }
    out
}

/// Every id in `revises` names an existing revision, and every `depends-on` entry a revision
/// or a branch label: a dangling parent is usually a revision deleted or not yet merged from
/// another branch.
pub(super) fn check_dangling_references(g: &RevisionGraph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in &g.revisions {
        for (id, span) in r.parents.iter().zip(&r.source.parent_spans) {
            if g.node(id.as_str()).is_none() {
                out.push(dangling(r, Code::DanglingParent, "revises", id.as_str(), span));
            }
        }
        for (id, span) in r.depends_on.iter().zip(&r.source.depends_on_spans) {
            if g.node(id.as_str()).is_none() && g.labeled(id.as_str()).is_none() {
                out.push(dangling(r, Code::DanglingDependency, "depends on", id.as_str(), span));
            }
        }
    }
    out
}

fn dangling(r: &Revision, code: Code, verb: &str, id: &str, span: &Span) -> Diagnostic {
    Diagnostic::error(code, format!("revision `{}` {verb} `{id}`, which does not exist", r.id))
        .with_label(&r.source.path, Some(span.clone()), "no revision with this id")
        .with_help("run `cargo migrate history` to list revisions; restore the missing file or correct the id")
}

/// The graph has no cycles through `revises` and `depends-on`: a cycle has no order in which
/// to apply it. Each cycle is printed in full (`a → b → a`, read "revises or depends on").
pub(super) fn check_cycles(g: &RevisionGraph) -> Vec<Diagnostic> {
    if g.order.len() == g.len() {
        return Vec::new();
    }
    let mut alive = vec![true; g.len()];
    g.order.iter().for_each(|&n| alive[n] = false);
    let mut out = Vec::new();
    loop {
        trim_acyclic_ends(g, &mut alive);
        let Some(start) = alive.iter().position(|&a| a) else { break };
        let cycle = walk_to_cycle(g, &alive, start);
        cycle.iter().for_each(|&n| alive[n] = false);
        out.push(cycle_diagnostic(g, &cycle));
    }
    out
}

/// Upstream edges of `n` (parents and dependencies) that are still alive.
fn upstream<'a>(g: &'a RevisionGraph, alive: &'a [bool], n: Node) -> impl Iterator<Item = Node> + 'a {
    g.parents[n].iter().chain(&g.depends_on[n]).copied().filter(|&m| alive[m])
}

/// Removes alive nodes with no alive upstream or no alive downstream edge, until none is left:
/// what remains lies on cycles.
fn trim_acyclic_ends(g: &RevisionGraph, alive: &mut [bool]) {
    let mut changed = true;
    while changed {
        changed = false;
        for n in 0..g.len() {
            if !alive[n] {
                continue;
            }
            let has_up = upstream(g, alive, n).next().is_some();
            let has_down = g.children[n].iter().chain(&g.dependents[n]).any(|&m| alive[m]);
            if !has_up || !has_down {
                alive[n] = false;
                changed = true;
            }
        }
    }
}

/// Follows upstream edges from `start` (every alive node has one) until a node repeats.
fn walk_to_cycle(g: &RevisionGraph, alive: &[bool], start: Node) -> Vec<Node> {
    let mut path = vec![start];
    let mut at = vec![usize::MAX; g.len()];
    at[start] = 0;
    let mut n = start;
    while let Some(next) = upstream(g, alive, n).next() {
        if at[next] != usize::MAX {
            return path[at[next]..].to_vec();
        }
        at[next] = path.len();
        path.push(next);
        n = next;
    }
    path
}

fn cycle_diagnostic(g: &RevisionGraph, cycle: &[Node]) -> Diagnostic {
    let mut ids: Vec<String> = cycle.iter().map(|&n| format!("`{}`", g.revisions[n].id)).collect();
    ids.push(ids[0].clone());
    let mut d = Diagnostic::error(Code::Cycle, format!("the revisions form a cycle: {}", ids.join(" → ")));
    for (k, &n) in cycle.iter().enumerate() {
        let next = &g.revisions[cycle[(k + 1) % cycle.len()]];
        let r = &g.revisions[n];
        let span =
            r.parents.iter().position(|p| *p == next.id).map(|p| r.source.parent_spans[p].clone()).or_else(|| {
                r.depends_on.iter().position(|p| *p == next.id).map(|p| r.source.depends_on_spans[p].clone())
            });
        d = d.with_label(&r.source.path, span, format!("`{}` points back to `{}`", r.id, next.id));
    }
    d.with_help(
        "a revision must revise (or depend on) an older one; fix the `revises:` line that points at a later revision",
    )
}

/// A branch label names one revision only: `LABEL@head` must have one meaning.
pub(super) fn check_branch_labels(g: &RevisionGraph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in &g.revisions {
        for (label, span) in r.branch_labels.iter().zip(&r.source.branch_label_spans) {
            let first = &g.revisions[g.labels[label]];
            if first.id != r.id || first.source.path != r.source.path {
                out.push(
                    Diagnostic::error(Code::DuplicateBranchLabel, format!("branch label `{label}` is on two revisions, `{}` and `{}`", first.id, r.id))
                        .with_label(&r.source.path, Some(span.clone()), "labeled again here")
                        .with_label(&first.source.path, first.source.branch_label_spans.first().cloned(), "first labeled here")
                        .with_help("a label goes on the first revision of its branch only; its descendants belong to the branch already"),
                );
            }
        }
    }
    out
}

/// Exactly one head, unless every head sits on its own named branch (a label on itself or an
/// ancestor that no other head shares). Two unlabeled heads are what two git branches that
/// each added a revision leave behind; `cargo migrate merge` joins them.
pub(super) fn check_heads(g: &RevisionGraph) -> Vec<Diagnostic> {
    if g.heads.len() < 2 {
        return Vec::new();
    }
    let lineages: Vec<Vec<&str>> = g.heads.iter().map(|&h| g.lineage_labels(h)).collect();
    let unlabeled: Vec<Node> = g
        .heads
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            !lineages[*k].iter().any(|l| lineages.iter().enumerate().all(|(j, other)| j == *k || !other.contains(l)))
        })
        .map(|(_, &h)| h)
        .collect();
    if unlabeled.is_empty() {
        return Vec::new();
    }
    let listed: Vec<String> =
        unlabeled.iter().map(|&h| format!("`{}` ({})", g.revisions[h].id, g.revisions[h].message)).collect();
    let message = if unlabeled.len() == g.heads.len() {
        format!("the revision graph has {} heads: {}", g.heads.len(), listed.join(", "))
    } else {
        format!(
            "the revision graph has {} heads, and {} not on a named branch of their own: {}",
            g.heads.len(),
            unlabeled.len(),
            listed.join(", ")
        )
    };
    let mut d = Diagnostic::error(Code::MultipleHeads, message);
    for &h in &unlabeled {
        let r = &g.revisions[h];
        d = d.with_label(&r.source.path, Some(r.source.id_span.clone()), format!("head `{}`", r.id));
    }
    let names: Vec<&str> = unlabeled.iter().map(|&h| g.revisions[h].message.as_str()).collect();
    vec![d.with_help(format!(
        "run: cargo migrate merge -m \"merge {}\" (or, to keep them apart on purpose, give each branch a `-- branch-labels:` on its first revision)",
        names.join(" and ").replace('"', "'")
    ))]
}
