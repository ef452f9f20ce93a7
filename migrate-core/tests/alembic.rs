//! Alembic's own revision-graph tests, replayed against ours.
//!
//! `tests/alembic/cases.json` holds every assertion of Alembic 1.x's `test_revision.py`,
//! `test_version_traversal.py`, `test_revision_paths.py` and the stamp/current cases of
//! `test_version_table.py` and `test_command.py`, re-expressed as data: the graph (same ids,
//! same declaration order), the operation, the current heads, and what Alembic expects.
//! Each case runs through our public API (targets, ranges, plans, stamps, heads). A case
//! either agrees, or is listed in `tests/alembic/known.toml` as an intentional difference or
//! as not applicable to our model, with the reason. A listed case that starts agreeing fails
//! too, so the list stays exact. `docs/ALEMBIC.md` carries the per-class table this file
//! computes (`ALEMBIC_DOC_UPDATE=1` rewrites it).

use std::collections::{BTreeMap, HashMap};

use migrate_core::{
    Code, Intent, Node, Resolved, RevisionGraph, history_range, parse_revision, parse_target, plan_downgrade,
    plan_stamp, plan_upgrade, removal, upgrade_range,
};
use serde_json::Value;

const CASES: &str = include_str!("alembic/cases.json");
const KNOWN: &str = include_str!("alembic/known.toml");

/// What one case produced: the revisions the operation listed, and the current heads after it.
#[derive(Debug, Default)]
struct Seen {
    revisions: Option<Vec<String>>,
    heads_after: Option<Vec<String>>,
}

type Outcome = Result<Seen, String>;

struct Suite {
    graphs: BTreeMap<String, Vec<Value>>,
    cases: Vec<Value>,
    not_applicable: BTreeMap<String, String>,
    differs: BTreeMap<String, String>,
}

fn suite() -> Suite {
    let data: Value = serde_json::from_str(CASES).expect("cases.json parses");
    let graphs = data["graphs"]
        .as_object()
        .expect("graphs")
        .iter()
        .map(|(name, g)| (name.clone(), g["revisions"].as_array().expect("revisions").clone()))
        .collect();
    let known: toml::Table = KNOWN.parse().expect("known.toml parses");
    let table = |key: &str| -> BTreeMap<String, String> {
        known
            .get(key)
            .and_then(|v| v.as_table())
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.as_str().expect("a reason").to_owned())).collect())
            .unwrap_or_default()
    };
    Suite {
        graphs,
        cases: data["cases"].as_array().expect("cases").clone(),
        not_applicable: table("not-applicable"),
        differs: table("differs"),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().map(|i| i.as_str().expect("an id").to_owned()).collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn revision_text(rev: &Value) -> String {
    let list = |key: &str| strings(&rev[key]).join(", ");
    let mut text = format!("-- revision: {}\n-- revises: {}\n", rev["id"].as_str().expect("id"), list("revises"));
    if !list("depends_on").is_empty() {
        text.push_str(&format!("-- depends-on: {}\n", list("depends_on")));
    }
    if !list("branch_labels").is_empty() {
        text.push_str(&format!("-- branch-labels: {}\n", list("branch_labels")));
    }
    text.push_str("-- message: m\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n");
    text
}

/// The graph, unchecked (our rules refuse several unlabeled heads, which many of Alembic's
/// graphs have; the semantics are still ours to compare), and whether our rules refuse it
/// for anything else.
fn graph(revs: &[Value]) -> (RevisionGraph, Vec<Code>) {
    let parsed = revs
        .iter()
        .enumerate()
        .map(|(rank, r)| {
            let path = format!("migrations/{rank:04}_{}.sql", r["id"].as_str().expect("id"));
            parse_revision(&path, revision_text(r).as_bytes()).expect("a valid revision file")
        })
        .collect();
    let (graph, diagnostics) = RevisionGraph::build_unchecked(parsed);
    (graph, diagnostics.iter().filter(|d| d.code != Code::MultipleHeads).map(|d| d.code).collect())
}

fn names(g: &RevisionGraph, nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|&n| g.revision(n).id.to_string()).collect()
}

fn node(g: &RevisionGraph, id: &str) -> Result<Node, String> {
    g.node(id).ok_or_else(|| format!("`{id}` is not in the graph"))
}

fn nodes_of(g: &RevisionGraph, ids: &[String]) -> Result<Vec<Node>, String> {
    ids.iter().map(|id| node(g, id)).collect()
}

/// A target as the case writes it; Alembic's tests slice random ids (`a[0:7]`), ours are the
/// test's names already.
fn target_text(s: &str) -> String {
    s.replace("[0:7]", "")
}

/// Resolves one target text to revisions (`base` and `LABEL@base` to none).
fn name(g: &RevisionGraph, text: &str, current: &[Node], intent: Intent) -> Result<Vec<Node>, String> {
    let t = parse_target(&target_text(text)).map_err(|e| e.to_string())?;
    Ok(match g.resolve(&t, current, intent).map_err(|e| e.to_string())? {
        Resolved::Base => Vec::new(),
        Resolved::Nodes(n) => n,
        Resolved::Branch { at, .. } => at.into_iter().collect(),
    })
}

fn resolved(g: &RevisionGraph, text: &str, current: &[Node], intent: Intent) -> Result<Resolved, String> {
    let t = parse_target(&target_text(text)).map_err(|e| e.to_string())?;
    g.resolve(&t, current, intent).map_err(|e| e.to_string())
}

fn applied_by(g: &RevisionGraph, current: &[Node]) -> Vec<bool> {
    g.ancestors(current, true)
}

fn heads(g: &RevisionGraph, applied: &[bool]) -> Vec<String> {
    names(g, &g.heads_of(applied))
}

/// `FROM:TO` (the `--sql` form) or `TO`.
fn split_range(text: &str) -> (Option<&str>, &str) {
    match text.split_once(':') {
        Some((from, to)) => (Some(from), to),
        None => (None, text),
    }
}

fn upgrade(g: &RevisionGraph, current: &[Node], target: &str) -> Outcome {
    let target = target_text(target);
    let (from, to) = split_range(&target);
    let current = match from {
        Some(f) => name(g, f, &[], Intent::Name)?,
        None => current.to_vec(),
    };
    let mut applied = applied_by(g, &current);
    // Several destinations (Alembic's tuple) resolve one by one into one target set.
    let destination = if to.contains(' ') {
        let mut targets = Vec::new();
        for text in to.split(' ') {
            targets.extend(name(g, text, &current, Intent::Upgrade)?);
        }
        Resolved::Nodes(targets)
    } else {
        resolved(g, to, &current, Intent::Upgrade)?
    };
    let plan = plan_upgrade(g, &applied, &destination).map_err(|e| e.to_string())?;
    plan.steps.iter().for_each(|&n| applied[n] = true);
    Ok(Seen { revisions: Some(names(g, &plan.steps)), heads_after: Some(heads(g, &applied)) })
}

fn downgrade(g: &RevisionGraph, current: &[Node], target: &str) -> Outcome {
    let target = target_text(target);
    let (from, to) = split_range(&target);
    let current = match from {
        Some(f) => name(g, f, &[], Intent::Name)?,
        None => current.to_vec(),
    };
    let mut applied = applied_by(g, &current);
    let plan =
        plan_downgrade(g, &applied, &resolved(g, to, &current, Intent::Downgrade)?).map_err(|e| e.to_string())?;
    plan.steps.iter().for_each(|&n| applied[n] = false);
    Ok(Seen { revisions: Some(names(g, &plan.steps)), heads_after: Some(heads(g, &applied)) })
}

fn stamp(g: &RevisionGraph, current: &[Node], targets: &[String]) -> Outcome {
    let mut current = current.to_vec();
    let mut to = Vec::new();
    for t in targets {
        let t = target_text(t);
        let (from, target) = split_range(&t);
        if let Some(f) = from {
            current = name(g, f, &[], Intent::Name)?;
        }
        to.push(resolved(g, target, &current, Intent::Name)?);
    }
    let after = plan_stamp(g, &applied_by(g, &current), &to);
    Ok(Seen { revisions: None, heads_after: Some(heads(g, &after)) })
}

/// `cmd` as Alembic's `command.<cmd>(cfg, arg)` on the applied set.
fn command(g: &RevisionGraph, applied: &mut Vec<bool>, cmd: &Value) -> Result<(), String> {
    let verb = cmd[0].as_str().expect("verb");
    let current = g.heads_of(applied);
    let seen = match verb {
        "stamp" => stamp(g, &current, &strings(&cmd[1]))?,
        "upgrade" => upgrade(g, &current, cmd[1].as_str().expect("target"))?,
        "downgrade" => downgrade(g, &current, cmd[1].as_str().expect("target"))?,
        other => return Err(format!("unknown setup command {other}")),
    };
    let heads = seen.heads_after.unwrap_or_default();
    *applied = applied_by(g, &nodes_of(g, &heads)?);
    Ok(())
}

/// The ends of an `iterate_revisions` call: a string, a list, or null/`[]` (base).
fn ends(g: &RevisionGraph, v: &Value, current: &[Node], intent: Intent) -> Result<Vec<Node>, String> {
    let mut out = Vec::new();
    for text in strings(v) {
        out.extend(name(g, &text, current, intent)?);
    }
    Ok(out)
}

fn iterate(g: &RevisionGraph, case: &Value) -> Outcome {
    let p = &case["params"];
    let flag = |k: &str| p[k].as_bool().unwrap_or(false);
    let (upper, lower) = (&case["target"], &p["lower"]);
    let listed = if flag("select_for_downgrade") {
        let current = ends(g, upper, &[], Intent::Name)?;
        let applied = applied_by(g, &current);
        let target = match lower.as_str() {
            Some(text) => resolved(g, text, &current, Intent::Downgrade)?,
            None => Resolved::Base,
        };
        let remove =
            removal(g, &applied, &target, flag("inclusive"), flag("implicit_base")).map_err(|e| e.to_string())?;
        g.newest_first(&remove, &current)
    } else if flag("inclusive") && !flag("implicit_base") && !upper.is_array() && !lower.is_array() {
        // What `history -r LOWER:UPPER` runs.
        let range = format!("{}:{}", lower.as_str().unwrap_or(""), upper.as_str().unwrap_or("base"));
        let upper_is_base = upper.is_null();
        let range = if upper_is_base { format!("{}:base", lower.as_str().unwrap_or("")) } else { range };
        history_range(g, &range, Some(&[])).map_err(|e| e.to_string())?
    } else {
        let lower_nodes = ends(g, lower, &[], Intent::Name)?;
        let upper_nodes = ends(g, upper, &lower_nodes, Intent::Upgrade)?;
        upgrade_range(g, &upper_nodes, &lower_nodes, flag("inclusive"), flag("implicit_base"))
            .map_err(|e| e.to_string())?
    };
    Ok(Seen { revisions: Some(names(g, &listed)), heads_after: None })
}

fn other(g: &RevisionGraph, case: &Value, current: &[Node]) -> Outcome {
    let p = &case["params"];
    let revisions = |nodes: Vec<Node>| Ok(Seen { revisions: Some(names(g, &nodes)), heads_after: None });
    match p["action"].as_str().unwrap_or_default() {
        "filter_for_lineage" => {
            let text = case["target"].as_str().expect("target");
            let t = parse_target(text).map_err(|e| e.to_string())?;
            let against: Vec<Node> = match g.resolve(&t, &[], Intent::Name).map_err(|e| e.to_string())? {
                Resolved::Base => Vec::new(),
                Resolved::Nodes(n) => n.into_iter().chain(t.branch.iter().filter_map(|b| g.find(b).ok())).collect(),
                Resolved::Branch { at, branch } => at.into_iter().chain([branch]).collect(),
            };
            let input = nodes_of(g, &strings(&p["input"]))?;
            revisions(input.into_iter().filter(|&n| g.shares_lineage(n, &against, false)).collect())
        }
        "_get_ancestor_nodes" => {
            let targets = ends(g, &case["target"], &[], Intent::Name)?;
            if p["check"].as_bool() == Some(true) {
                migrate_core::check_overlap(g, &targets).map_err(|e| e.to_string())?;
            }
            let up = g.ancestors(&targets, true);
            revisions((0..g.len()).filter(|&n| up[n]).collect())
        }
        "_topological_sort" => {
            let set = nodes_of(g, &strings(&p["revisions"]))?;
            let mut member = vec![false; g.len()];
            set.iter().for_each(|&n| member[n] = true);
            revisions(g.newest_first(&member, &nodes_of(g, &strings(&case["target"]))?))
        }
        "_all_down_revisions" => {
            let n = node(g, case["target"].as_str().expect("target"))?;
            let mut down: Vec<Node> = Vec::new();
            g.parents(n).iter().chain(g.dependencies(n)).for_each(|&d| {
                if !down.contains(&d) {
                    down.push(d)
                }
            });
            revisions(down)
        }
        "_normalized_down_revisions" => revisions(g.normalized_down(node(g, case["target"].as_str().expect("t"))?)),
        "HeadMaintainer.update_to_step" if p.get("steps").is_some() => {
            let mut applied = applied_by(g, current);
            for step in p["steps"].as_array().expect("steps") {
                let n = node(g, step["revision"].as_str().expect("revision"))?;
                applied[n] = step["direction"] == "up";
            }
            Ok(Seen { revisions: None, heads_after: Some(heads(g, &applied)) })
        }
        "history" => {
            let range = p["range"].as_str().map_or(":".to_owned(), target_text);
            revisions(history_range(g, &range, Some(current)).map_err(|e| e.to_string())?)
        }
        other => Err(format!("no mapping for Alembic's {other}")),
    }
}

/// Runs one case through our API.
fn run(g: &RevisionGraph, refusal: &[Code], case: &Value) -> Outcome {
    let p = &case["params"];
    if p["action"] == "build_map" {
        return if refusal.is_empty() { Ok(Seen::default()) } else { Err(format!("refused: {refusal:?}")) };
    }
    // `stamp --purge` empties the history first: the current heads (even unknown ids) go.
    let purged = p["purge"] == true;
    let mut current = if purged { Vec::new() } else { nodes_of(g, &strings(&case["current"]))? };
    let mut applied = applied_by(g, &current);
    if let Some(setup) = p.get("setup_commands") {
        applied = vec![false; g.len()];
        for cmd in setup.as_array().expect("commands") {
            command(g, &mut applied, cmd)?;
        }
        current = g.heads_of(&applied);
    }
    let target = &case["target"];
    match case["op"].as_str().expect("op") {
        "heads" => Ok(Seen { revisions: Some(names(g, g.heads())), heads_after: None }),
        "bases" => {
            let against = match resolved(g, target.as_str().expect("target"), &[], Intent::Name)? {
                Resolved::Branch { branch, .. } => vec![branch],
                Resolved::Nodes(n) => n,
                Resolved::Base => Vec::new(),
            };
            let bases: Vec<Node> = g.bases().into_iter().filter(|&b| g.shares_lineage(b, &against, false)).collect();
            Ok(Seen { revisions: Some(names(g, &bases)), heads_after: None })
        }
        "get_revisions" => {
            let found = ends(g, target, &[], Intent::Name)?;
            let found = match target.as_str() {
                Some(_) => name(g, target.as_str().unwrap_or_default(), &current, Intent::Name)?,
                None => found,
            };
            if p["call"] == "get_revision" && found.len() > 1 {
                return Err(format!("several revisions: {:?}", names(g, &found)));
            }
            if p["call"] == "command.edit" && found.is_empty() {
                return Err("`show` names no revision".into());
            }
            Ok(Seen { revisions: Some(names(g, &found)), heads_after: None })
        }
        "iterate" => iterate(g, case),
        "upgrade" => upgrade(g, &current, &strings(target).join(" ")),
        "downgrade" => downgrade(g, &current, target.as_str().unwrap_or("base")),
        "stamp" => stamp(g, &current, &strings(target)),
        "current_heads" => Ok(Seen { revisions: Some(names(g, &g.applied_branch_heads(&applied))), heads_after: None }),
        "other" => other(g, case, &current),
        op => Err(format!("no mapping for op {op}")),
    }
}

/// Alembic's expected heads after a list of `StampStep`s, applied to the current heads.
fn stamp_steps_heads(current: &[String], steps: &[Value]) -> Vec<String> {
    let mut heads: Vec<String> = current.to_vec();
    for s in steps {
        if let Some(d) = s["delete_version_num"].as_str() {
            heads.retain(|h| h != d);
        }
        for d in strings(&s["delete"]) {
            heads.retain(|h| *h != d);
        }
        if let (Some(from), Some(to)) = (s["update_from"].as_str(), s["update_to"].as_str()) {
            heads.retain(|h| h != from);
            heads.push(to.to_owned());
        }
        heads.extend(strings(&s["to"]));
    }
    heads
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// `None` when `seen` is what Alembic expects; else what differs.
fn compare(case: &Value, seen: &Outcome) -> Option<String> {
    let e = &case["expect"];
    if let Some(err) = e.get("error") {
        return match seen {
            Err(ours) => {
                if std::env::var_os("ALEMBIC_SHOW_ERRORS").is_some() {
                    eprintln!("{}\n    Alembic: {err}\n    ours:    {ours}", case["id"]);
                }
                None
            }
            Ok(s) => Some(format!("Alembic fails ({err}); we gave {s:?}")),
        };
    }
    let seen = match seen {
        Err(msg) => return Some(format!("we failed: {msg}")),
        Ok(s) => s,
    };
    if let Some(property) = e.get("property") {
        let all = seen.revisions.clone().unwrap_or_default();
        return (sorted(all.clone()).len() != all.len()).then(|| format!("property {property} broken"));
    }
    let mut diffs = Vec::new();
    if let Some(want) = e.get("revisions")
        && e.get("stamp_steps").is_none()
        && case["op"] != "stamp"
    {
        let want = strings(want);
        let got = seen.revisions.clone().unwrap_or_default();
        let ordered = e["ordered"].as_bool().unwrap_or(false) && e.get("partial_order").is_none();
        let same = if ordered { want == got } else { sorted(want.clone()) == sorted(got.clone()) };
        let partial_ok = e["partial_order"].as_array().is_none_or(|pairs| {
            pairs.iter().all(|pair| {
                let (a, b) = (pair[0].as_str().unwrap_or_default(), pair[1].as_str().unwrap_or_default());
                got.iter().position(|x| x == a) < got.iter().position(|x| x == b)
            })
        });
        if !same || !partial_ok {
            diffs.push(format!("revisions: Alembic {want:?}, ours {got:?}"));
        }
    }
    let want_heads = match (e.get("heads_after"), e.get("stamp_steps")) {
        (Some(h), _) => Some(strings(h)),
        (None, Some(steps)) => Some(stamp_steps_heads(&strings(&case["current"]), steps.as_array().expect("steps"))),
        _ => None,
    };
    if let Some(want) = want_heads {
        let got = seen.heads_after.clone().unwrap_or_default();
        if sorted(want.clone()) != sorted(got.clone()) {
            diffs.push(format!("heads after: Alembic {want:?}, ours {got:?}"));
        }
    }
    (!diffs.is_empty()).then(|| diffs.join("; "))
}

/// The `known.toml` entry covering `id`: the id itself, or its `Class::test` or `Class`.
fn listed<'a>(table: &'a BTreeMap<String, String>, id: &str) -> Option<&'a String> {
    let test = id.split('#').next().unwrap_or(id);
    let class = id.split("::").next().unwrap_or(id);
    table.get(id).or_else(|| table.get(test)).or_else(|| table.get(class))
}

#[derive(Default)]
struct Tally {
    agree: usize,
    differ: usize,
    not_applicable: usize,
    notes: Vec<String>,
}

/// Runs the cases of one Alembic test file; returns the tally per class and every failure.
fn replay(file: &str) -> (BTreeMap<String, Tally>, Vec<String>) {
    let s = suite();
    let mut built: HashMap<String, (RevisionGraph, Vec<Code>)> = HashMap::new();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in s.cases.iter().filter(|c| c["alembic"].as_str().is_some_and(|a| a.starts_with(file))) {
        let id = case["id"].as_str().expect("id");
        // Module-level test functions (test_revision_paths.py) stand for their own class.
        let class = if id.contains("::") { id.split("::").next() } else { id.split('#').next() };
        let class = class.expect("class").to_owned();
        let t = tally.entry(class).or_default();
        if let Some(why) = listed(&s.not_applicable, id) {
            t.not_applicable += 1;
            t.notes.push(format!("n/a: {why}"));
            continue;
        }
        let graph_name = case["graph"].as_str().expect("graph");
        let extra = case["params"].get("add_revisions").is_some();
        let key = if extra { format!("{id} {graph_name}") } else { graph_name.to_owned() };
        let (g, refusal) = built.entry(key).or_insert_with(|| {
            let mut revs = s.graphs[graph_name].clone();
            if let Some(extra) = case["params"].get("add_revisions") {
                revs.extend(extra.as_array().expect("revisions").iter().cloned());
            }
            graph(&revs)
        });
        let seen = run(g, refusal, case);
        match (compare(case, &seen), listed(&s.differs, id)) {
            (None, None) => t.agree += 1,
            (None, Some(_)) => failures.push(format!("{id}: agrees with Alembic now; remove it from known.toml")),
            (Some(_), Some(why)) => {
                t.differ += 1;
                t.notes.push(format!("differs: {why}"));
            }
            (Some(diff), None) => failures.push(format!("{id} ({graph_name}): {diff}")),
        }
    }
    (tally, failures)
}

fn assert_file(file: &str) {
    let (tally, failures) = replay(file);
    let total: usize = tally.values().map(|t| t.agree + t.differ + t.not_applicable).sum();
    assert!(total > 0, "no cases for {file}");
    assert!(failures.is_empty(), "{} of {total} Alembic cases disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn alembic_test_revision() {
    assert_file("tests/test_revision.py");
}

#[test]
fn alembic_test_version_traversal() {
    assert_file("tests/test_version_traversal.py");
}

#[test]
fn alembic_test_revision_paths() {
    assert_file("tests/test_revision_paths.py");
}

#[test]
fn alembic_test_version_table() {
    assert_file("tests/test_version_table.py");
}

#[test]
fn alembic_test_command() {
    assert_file("tests/test_command.py");
}

const FILES: &[(&str, &str)] = &[
    ("tests/test_revision.py", "alembic_test_revision"),
    ("tests/test_version_traversal.py", "alembic_test_version_traversal"),
    ("tests/test_revision_paths.py", "alembic_test_revision_paths"),
    ("tests/test_version_table.py", "alembic_test_version_table"),
    ("tests/test_command.py", "alembic_test_command"),
];

/// The table in docs/ALEMBIC.md, as this run computes it.
fn table() -> String {
    let mut out = String::from(
        "| Alembic test class | our test (`migrate-core/tests/alembic.rs`) | cases | agree | intentional difference | not applicable |\n|---|---|---|---|---|---|\n",
    );
    let mut sums = [0usize; 3];
    for (file, test) in FILES {
        for (class, t) in replay(file).0 {
            sums[0] += t.agree;
            sums[1] += t.differ;
            sums[2] += t.not_applicable;
            let total = t.agree + t.differ + t.not_applicable;
            out.push_str(&format!(
                "| `{file}::{class}` | `{test}` | {total} | {} | {} | {} |\n",
                t.agree, t.differ, t.not_applicable
            ));
        }
    }
    out.push_str(&format!(
        "| **all** | | **{}** | **{}** | **{}** | **{}** |\n",
        sums.iter().sum::<usize>(),
        sums[0],
        sums[1],
        sums[2]
    ));
    let s = suite();
    for (title, list) in [("Intentional differences", &s.differs), ("Not applicable to our model", &s.not_applicable)] {
        out.push_str(&format!("\n{title}:\n\n"));
        for (key, why) in list {
            out.push_str(&format!("- `{key}`: {why}\n"));
        }
    }
    out
}

#[test]
fn docs_alembic_md_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/ALEMBIC.md");
    let doc = std::fs::read_to_string(path).expect("docs/ALEMBIC.md");
    let (start, end) = ("<!-- alembic-cases:start -->\n", "<!-- alembic-cases:end -->");
    let (head, rest) = doc.split_once(start).expect("start marker");
    let (_, tail) = rest.split_once(end).expect("end marker");
    let fresh = format!("{head}{start}{}{end}{tail}", table());
    if std::env::var_os("ALEMBIC_DOC_UPDATE").is_some() {
        std::fs::write(path, &fresh).expect("write docs/ALEMBIC.md");
    } else {
        assert!(doc == fresh, "docs/ALEMBIC.md's table is stale; run with ALEMBIC_DOC_UPDATE=1 to rewrite it");
    }
}
