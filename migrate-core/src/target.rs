//! Targets: `head`, `heads`, `base`, `current`, an id or unique prefix, a branch label, `+N`/`-N`,
//! `REV+N`/`REV-N`, and any of them scoped to a branch with `LABEL@` (`users@head`,
//! `users@base`, `users@-1`, `users@+2`, `users@base+2`, `users@<rev>`) — parsed from text,
//! then resolved against a graph and the current heads.
//!
//! Alembic's semantics, pinned by its own tests (`tests/alembic.rs`), so that people who know
//! Alembic are never surprised. A target resolves differently for an upgrade, a downgrade and
//! for naming revisions (stamp, history, show), as in Alembic. Pure: the current heads are
//! passed in, never read from a database here.

use std::fmt;

use crate::graph::{Node, RevisionGraph};

/// What a target names before the optional step count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    /// `head`: the single head (of the branch, when scoped).
    Head,
    /// `heads`: every head (of the branch, when scoped).
    Heads,
    /// `base`: before the first revision (of the branch, when scoped).
    Base,
    /// `current`, or nothing before `+N`/`-N`: the current heads.
    Current,
    /// An id, a unique id prefix, or a branch label.
    Revision(String),
}

/// A target as written by a user: `[LABEL@]SYMBOL[+N|-N]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The branch label (or revision) before `@`, which scopes the target to one branch.
    pub branch: Option<String>,
    /// What is named.
    pub symbol: Symbol,
    /// Steps forward (positive) or back (negative) from the symbol; `None` when not relative.
    pub steps: Option<i64>,
}

impl Target {
    /// `head`.
    pub const HEAD: Target = Target { branch: None, symbol: Symbol::Head, steps: None };
    /// `heads`.
    pub const HEADS: Target = Target { branch: None, symbol: Symbol::Heads, steps: None };
    /// `base`.
    pub const BASE: Target = Target { branch: None, symbol: Symbol::Base, steps: None };
}

/// What a target is resolved for: Alembic reads `-1`, `LABEL@REV` and `+N` differently for an
/// upgrade, a downgrade, and when it only names revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// The destination of an upgrade (relative steps walk from the current heads).
    Upgrade,
    /// The destination of a downgrade (`-N` walks down one current head and removes only its
    /// branch; `LABEL@REV` removes only that branch's revisions above REV).
    Downgrade,
    /// Naming revisions: stamp, history ends, show.
    Name,
}

/// What a target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Nothing applied.
    Base,
    /// These revisions (and, for an upgrade, their ancestry). Empty for `heads` of an empty
    /// graph.
    Nodes(Vec<Node>),
    /// A destination inside one branch: `LABEL@base` (`at` is `None`: the branch's bases), or a
    /// downgrade to `LABEL@REV` / `-N` (only revisions of the branch through `branch` above
    /// `at` are removed).
    Branch {
        /// The revision to stay at; `None` for the branch's base.
        at: Option<Node>,
        /// The revision the label (or the walked head) names.
        branch: Node,
    },
}

/// Why a target cannot be parsed or resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The text is not a target.
    #[error(
        "`{text}` is not a target; use head, heads, base, a revision id or prefix, a branch label, +N, -N, REV+N, REV-N, or any of them after LABEL@"
    )]
    Syntax {
        /// What was given.
        text: String,
    },
    /// No revision id starts with this and no branch label has this name.
    #[error("no revision or branch label matches `{text}`")]
    Unknown {
        /// What was given.
        text: String,
    },
    /// More than one revision id starts with this prefix.
    #[error("`{prefix}` is ambiguous: it starts {} ({}); give more characters", candidates.len(), candidates.join(", "))]
    AmbiguousPrefix {
        /// The prefix given.
        prefix: String,
        /// The ids it matches (at most ten shown).
        candidates: Vec<String>,
    },
    /// `head` (or `LABEL@head`, or `heads` where one revision is needed) with several heads.
    #[error("`{target}` is ambiguous: there are {} heads ({}); name one, use `heads`, or `LABEL@head`", heads.len(), heads.join(", "))]
    SeveralHeads {
        /// The target as written.
        target: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// The graph is empty.
    #[error("there are no revisions yet; create one with `cargo migrate new -m \"...\"`")]
    NoRevisions,
    /// `LABEL@REV` where REV is not on the branch.
    #[error("revision `{revision}` is not on branch `{branch}`: it is neither an ancestor nor a descendant of it")]
    NotOnBranch {
        /// The revision.
        revision: String,
        /// The label given.
        branch: String,
    },
    /// `+N` from several current heads.
    #[error("`{target}` is ambiguous: the database has {} heads ({}); use LABEL@+N, REV+N or an absolute target", current.len(), current.join(", "))]
    SeveralCurrentHeads {
        /// The target as written.
        target: String,
        /// The current heads (of the branch, when scoped).
        current: Vec<String>,
    },
    /// A relative target that walks past a head or below base, or needs a current head there
    /// is none of.
    #[error("`{target}` goes too far: {why}")]
    TooFar {
        /// The target as written.
        target: String,
        /// What ran out.
        why: String,
    },
    /// A step that would leave a straight line.
    #[error("cannot step {direction} from `{at}`: {why}; use an absolute target such as {suggestion}")]
    NotStraight {
        /// `forward` or `back`.
        direction: &'static str,
        /// The revision (or `base`) the step starts from.
        at: String,
        /// What is in the way.
        why: String,
        /// An absolute target that would work.
        suggestion: String,
    },
    /// A downgrade target whose branch has nothing applied above it.
    #[error("`{target}` is not a valid downgrade target from the current heads ({current})")]
    NotDowngradable {
        /// The target as written.
        target: String,
        /// The current heads, or `base`.
        current: String,
    },
}

/// Parses a target.
///
/// # Errors
/// [`TargetError::Syntax`] for empty text, an empty label, a bad step count or a symbol with
/// characters no id or label has.
pub fn parse_target(text: &str) -> Result<Target, TargetError> {
    let syntax = || TargetError::Syntax { text: text.to_owned() };
    let t = text.trim();
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // `[LABEL@][SYMBOL](+|-)N`: the label ends at the first `@`.
    let relative = {
        let (branch, rest) = match t.split_once('@') {
            Some((label, rest)) => (Some(label), rest),
            None => (None, t),
        };
        rest.rfind(['+', '-'])
            .filter(|&p| p + 1 < rest.len() && rest[p + 1..].chars().all(|c| c.is_ascii_digit()))
            .map(|p| (branch, &rest[..p], &rest[p..]))
    };
    let (branch, symbol, steps) = match relative {
        Some((branch, symbol, steps)) => {
            let steps: i64 = steps.parse().map_err(|_| syntax())?;
            (branch, symbol, Some(steps))
        }
        None => match t.rsplit_once('@') {
            Some((label, symbol)) => (Some(label), symbol, None),
            None => (None, t, None),
        },
    };
    if branch.is_some_and(|b| !word(b)) {
        return Err(syntax());
    }
    let symbol = match symbol {
        "" if steps.is_some() => Symbol::Current,
        "current" if steps.is_none() && branch.is_none() => Symbol::Current,
        "head" => Symbol::Head,
        "heads" => Symbol::Heads,
        "base" => Symbol::Base,
        s if word(s) => Symbol::Revision(s.to_owned()),
        _ => return Err(syntax()),
    };
    Ok(Target { branch: branch.map(str::to_owned), symbol, steps })
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(b) = &self.branch {
            write!(f, "{b}@")?;
        }
        match &self.symbol {
            Symbol::Head => f.write_str("head")?,
            Symbol::Heads => f.write_str("heads")?,
            Symbol::Base => f.write_str("base")?,
            Symbol::Current if self.steps.is_none() => f.write_str("current")?,
            Symbol::Current => {}
            Symbol::Revision(r) => f.write_str(r)?,
        }
        match self.steps {
            Some(n) => write!(f, "{n:+}"),
            None => Ok(()),
        }
    }
}

/// A position while walking: below every revision, or at one.
type At = Option<Node>;

impl RevisionGraph {
    /// Finds one revision by exact id, branch label, or unique id prefix.
    ///
    /// # Errors
    /// [`TargetError::AmbiguousPrefix`] listing the candidates; [`TargetError::Unknown`].
    pub fn find(&self, text: &str) -> Result<Node, TargetError> {
        self.find_within(text, None)
    }

    /// [`RevisionGraph::find`], with prefixes matched only on `branch`'s lineage.
    fn find_within(&self, text: &str, branch: Option<Node>) -> Result<Node, TargetError> {
        if let Some(n) = self.node(text).or_else(|| self.labeled(text)) {
            return Ok(n);
        }
        let matches: Vec<Node> = (0..self.len())
            .filter(|&i| self.revision(i).id.as_str().starts_with(text))
            .filter(|&i| branch.is_none_or(|b| self.shares_lineage(i, &[b], false)))
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(TargetError::Unknown { text: text.to_owned() }),
            many => Err(TargetError::AmbiguousPrefix {
                prefix: text.to_owned(),
                candidates: many.iter().take(10).map(|&n| self.revision(n).id.to_string()).collect(),
            }),
        }
    }

    /// The single head.
    ///
    /// # Errors
    /// [`TargetError::NoRevisions`] or [`TargetError::SeveralHeads`].
    pub fn single_head(&self) -> Result<Node, TargetError> {
        match self.heads() {
            [one] => Ok(*one),
            [] => Err(TargetError::NoRevisions),
            many => Err(TargetError::SeveralHeads { target: "head".into(), heads: self.ids(many) }),
        }
    }

    fn ids(&self, nodes: &[Node]) -> Vec<String> {
        nodes.iter().map(|&n| self.revision(n).id.to_string()).collect()
    }

    /// Resolves `target` for `intent`, given the current heads (of what is applied; empty for
    /// an empty database), in the order the database lists them.
    ///
    /// # Errors
    /// Any [`TargetError`]: an unknown or ambiguous revision, `head` with several heads, a
    /// revision not on the named branch, a relative step that is ambiguous or goes too far.
    pub fn resolve(&self, target: &Target, current: &[Node], intent: Intent) -> Result<Resolved, TargetError> {
        let text = target.to_string();
        let branch = target.branch.as_deref().map(|b| self.branch_node(b)).transpose()?;
        let Some(steps) = target.steps else {
            if target.symbol == Symbol::Current {
                return match (intent, current) {
                    (_, []) => Ok(Resolved::Base),
                    (Intent::Downgrade, [one]) => Ok(Resolved::Nodes(vec![*one])),
                    (Intent::Downgrade, many) => {
                        Err(TargetError::SeveralCurrentHeads { target: text, current: self.ids(many) })
                    }
                    (_, many) => Ok(Resolved::Nodes(many.to_vec())),
                };
            }
            return match intent {
                Intent::Downgrade => {
                    let at = self.one_named(None, &target.symbol, &text)?;
                    Ok(scoped(at, branch))
                }
                Intent::Upgrade | Intent::Name => self.named(branch, target, &text),
            };
        };
        let too_far = |why: String| TargetError::TooFar { target: text.clone(), why };
        let short = || too_far(format!("there are not {} revision(s) to step over", steps.unsigned_abs()));
        match (intent, &target.symbol) {
            (Intent::Name, Symbol::Current) if steps < 0 => {
                // `[LABEL@]-N` names the revisions N below each head (of the branch).
                let heads: Vec<Node> = self
                    .real_heads()
                    .into_iter()
                    .filter(|&h| target.branch.as_deref().is_none_or(|l| self.branch_labels_of(h).contains(&l)))
                    .collect();
                let mut nodes = Vec::new();
                for h in heads {
                    match self.walk(Some(h), steps, None)? {
                        Some(Some(n)) => nodes.push(n),
                        Some(None) => {}
                        None => return Err(short()),
                    }
                }
                Ok(if nodes.is_empty() { Resolved::Base } else { Resolved::Nodes(nodes) })
            }
            (Intent::Upgrade | Intent::Name, Symbol::Current) if steps > 0 => {
                let start = self.upgrade_start(current, branch, &text)?;
                let at = self.walk(start, steps, branch)?.ok_or_else(short)?;
                Ok(at.map_or(Resolved::Base, |n| Resolved::Nodes(vec![n])))
            }
            (Intent::Upgrade | Intent::Name, Symbol::Current) => Err(too_far(
                "an upgrade steps forward from the current heads; use +N, or REV-N to name a revision".into(),
            )),
            (Intent::Downgrade, Symbol::Current) if steps >= 0 => Err(too_far(
                "a downgrade steps back from the current heads; use -N, or REV+N to name a revision".into(),
            )),
            (Intent::Downgrade, Symbol::Current) => {
                let (from, scope) = match branch {
                    Some(b) => (self.current_on_branch(current, b, &text)?, b),
                    None => {
                        let &first = current.first().ok_or_else(|| too_far("nothing is applied".into()))?;
                        (first, first)
                    }
                };
                let at = self.walk(Some(from), steps, None)?.ok_or_else(short)?;
                Ok(Resolved::Branch { at, branch: scope })
            }
            (_, symbol) => {
                // From a named revision: up along the branch, or down from LABEL@SYMBOL.
                let start = if steps > 0 {
                    self.one_named(None, symbol, &text)?
                } else {
                    self.one_named(branch, symbol, &text)?
                };
                let at = self.walk(start, steps, if steps > 0 { branch } else { None })?.ok_or_else(short)?;
                Ok(match intent {
                    Intent::Downgrade => scoped(at, branch),
                    _ => at.map_or(Resolved::Base, |n| Resolved::Nodes(vec![n])),
                })
            }
        }
    }

    /// The revision a branch label (or a revision id or prefix used as one) names.
    fn branch_node(&self, label: &str) -> Result<Node, TargetError> {
        self.find(label).map_err(|_| TargetError::Unknown { text: format!("{label}@") })
    }

    /// Heads (of `self.heads()`) on `branch`'s lineage, or every head without a branch.
    fn heads_on(&self, branch: Option<Node>) -> Vec<Node> {
        self.heads().iter().copied().filter(|&h| branch.is_none_or(|b| self.shares_lineage(h, &[b], false))).collect()
    }

    /// The revisions `[branch@]symbol` names, for an upgrade or to name them.
    fn named(&self, branch: Option<Node>, target: &Target, text: &str) -> Result<Resolved, TargetError> {
        Ok(match (&target.symbol, branch) {
            (Symbol::Heads, None) => Resolved::Nodes(self.real_heads()),
            (Symbol::Heads, Some(b)) => Resolved::Nodes(self.heads_on(Some(b))),
            (Symbol::Base, Some(b)) => Resolved::Branch { at: None, branch: b },
            (symbol, _) => self.one_named(branch, symbol, text)?.map_or(Resolved::Base, |n| Resolved::Nodes(vec![n])),
        })
    }

    /// The one revision `[branch@]symbol` names (`None` for base).
    fn one_named(&self, branch: Option<Node>, symbol: &Symbol, text: &str) -> Result<At, TargetError> {
        match symbol {
            Symbol::Base | Symbol::Current => Ok(None),
            Symbol::Head | Symbol::Heads => {
                let heads = if *symbol == Symbol::Heads && branch.is_none() {
                    self.real_heads()
                } else {
                    self.heads_on(branch)
                };
                match heads.as_slice() {
                    [] => Ok(None),
                    [one] => Ok(Some(*one)),
                    many => Err(TargetError::SeveralHeads { target: text.to_owned(), heads: self.ids(many) }),
                }
            }
            Symbol::Revision(id) => {
                let n = self.find_within(id, branch)?;
                if let Some(b) = branch
                    && !self.shares_lineage(n, &[b], false)
                {
                    return Err(TargetError::NotOnBranch {
                        revision: self.revision(n).id.to_string(),
                        branch: text.split('@').next().unwrap_or_default().to_owned(),
                    });
                }
                Ok(Some(n))
            }
        }
    }

    /// Where `+N` starts: the one current head (on the branch; else the tip of what is applied
    /// on it; else base).
    fn upgrade_start(&self, current: &[Node], branch: Option<Node>, text: &str) -> Result<At, TargetError> {
        let Some(b) = branch else {
            return match current {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                many => Err(TargetError::SeveralCurrentHeads { target: text.to_owned(), current: self.ids(many) }),
            };
        };
        let mut starts: Vec<Node> = current.iter().copied().filter(|&c| self.shares_lineage(c, &[b], false)).collect();
        if starts.is_empty() {
            // The branch's head is not current: start from the tip of what is applied on it.
            let applied = self.ancestors(current, true);
            let on: Vec<Node> =
                (0..self.len()).filter(|&n| applied[n] && self.shares_lineage(n, &[b], false)).collect();
            starts =
                on.iter().copied().filter(|&n| !on.iter().any(|&o| self.normalized_down(o).contains(&n))).collect();
        }
        match starts.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err(TargetError::SeveralCurrentHeads { target: text.to_owned(), current: self.ids(many) }),
        }
    }

    /// The current head on `branch`'s lineage that `LABEL@-N` walks down from.
    fn current_on_branch(&self, current: &[Node], branch: Node, text: &str) -> Result<Node, TargetError> {
        let mut on: Vec<Node> = current.iter().copied().filter(|&c| self.shares_lineage(c, &[branch], false)).collect();
        if on.is_empty() {
            // Every head of the branch depends on a current head: look among what is applied.
            let applied = self.ancestors(current, true);
            let tops = (0..self.len()).filter(|&n| {
                applied[n]
                    && !self.descendants(&[n], false).iter().enumerate().any(|(d, &is)| is && d != n && applied[d])
            });
            on = tops.filter(|&n| self.shares_lineage(n, &[branch], false)).collect();
        }
        match on.as_slice() {
            [one] => Ok(*one),
            [] => Err(TargetError::TooFar { target: text.to_owned(), why: "nothing on that branch is applied".into() }),
            many => Err(TargetError::SeveralCurrentHeads { target: text.to_owned(), current: self.ids(many) }),
        }
    }

    /// Walks `steps` from `start` (`None` = base): forward through children (on `branch`'s
    /// lineage when given), back through parents. `Ok(None)` when the walk runs out;
    /// `Ok(Some(None))` when it ends at base.
    fn walk(&self, start: At, steps: i64, branch: Option<Node>) -> Result<Option<At>, TargetError> {
        let name = |n: At| n.map_or("base".to_owned(), |n| self.revision(n).id.to_string());
        let mut at = start;
        let mut below_base = false;
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Node> = if steps > 0 {
                let up = match at {
                    Some(n) => self.children(n).to_vec(),
                    None => self.bases(),
                };
                up.into_iter().filter(|&c| branch.is_none_or(|b| self.shares_lineage(c, &[b], false))).collect()
            } else if below_base {
                return Ok(None);
            } else {
                match at {
                    Some(n) => self.parents(n).to_vec(),
                    None => self.heads().to_vec(),
                }
            };
            match next.as_slice() {
                [] if steps < 0 => {
                    below_base = true;
                    at = None;
                }
                [] => return Ok(None),
                [one] => at = Some(*one),
                many => {
                    return Err(TargetError::NotStraight {
                        direction: if steps > 0 { "forward" } else { "back" },
                        at: name(at),
                        why: format!(
                            "it {} {}",
                            if steps > 0 { "branches into" } else { "is a merge of" },
                            self.ids(many).join(", ")
                        ),
                        suggestion: if steps > 0 { "one of those ids or LABEL@+N" } else { "one of those ids" }.into(),
                    });
                }
            }
        }
        Ok(Some(at))
    }
}

/// A downgrade destination, scoped to `branch` when one was named.
fn scoped(at: At, branch: Option<Node>) -> Resolved {
    match (at, branch) {
        (at, Some(branch)) => Resolved::Branch { at, branch },
        (Some(n), None) => Resolved::Nodes(vec![n]),
        (None, None) => Resolved::Base,
    }
}

#[cfg(test)]
mod tests;
