//! Which views a plan drops before its table changes and re-creates after, in an order that
//! respects views built on views. The rule: every dropped or changed view, every view whose
//! query mentions a table the plan changes structurally (dropped, renamed, rebuilt, or with a
//! column dropped, renamed or retyped), and every view mentioning one of those views; SQLite
//! with a table rebuild drops every view (it refuses a RENAME while a view names a missing
//! table). A view kept unchanged is re-created from its definition in `to`.

use super::super::diff::Diff;
use super::super::model::View;
use super::super::text::mentions;

/// The views to drop (dependents first) and to create (dependencies first).
pub(crate) fn touched<'a>(diff: &Diff<'a>, changed_tables: &[&str], all: bool) -> (Vec<&'a View>, Vec<&'a View>) {
    let mut drop: Vec<&View> = diff.views_dropped.clone();
    let mut create: Vec<&View> = diff.views_created.clone();
    let mut pending: Vec<(&View, &View)> = Vec::new();
    for &(old, new) in &diff.views_changed {
        drop.push(old);
        create.push(new);
    }
    for &(old, new) in &diff.views_kept {
        if all || changed_tables.iter().any(|t| mentions(&old.definition, t)) {
            drop.push(old);
            create.push(new);
        } else {
            pending.push((old, new));
        }
    }
    // Views built on a view that is dropped must go too (and come back).
    loop {
        let before = pending.len();
        pending.retain(|&(old, new)| {
            let hit = drop.iter().any(|d| d.name != old.name && mentions(&old.definition, &d.name));
            if hit {
                drop.push(old);
                create.push(new);
            }
            !hit
        });
        if pending.len() == before {
            break;
        }
    }
    let drop_order = order(drop, true);
    let create_order = order(create, false);
    (drop_order, create_order)
}

/// `views` ordered so that a view comes before the views it mentions (`dependents_first`) or
/// after them. A cycle (impossible on a real server) keeps the remaining order.
fn order(mut views: Vec<&View>, dependents_first: bool) -> Vec<&View> {
    let mut out = Vec::with_capacity(views.len());
    while !views.is_empty() {
        let ready = (0..views.len()).find(|&i| {
            let v = views[i];
            views.iter().enumerate().all(|(j, w)| {
                j == i
                    || if dependents_first {
                        !mentions(&w.definition, &v.name)
                    } else {
                        !mentions(&v.definition, &w.name)
                    }
            })
        });
        out.push(views.remove(ready.unwrap_or(0)));
    }
    out
}
