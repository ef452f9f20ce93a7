//! Targets: `head`, `heads`, `base`, an id or unique prefix, `+N`/`-N`, `REV+N`, `LABEL@head`,
//! `LABEL@base` — parsed from text, then resolved against a graph and the current heads.
//!
//! Alembic's semantics, so that people who know Alembic are never surprised. Pure: the current
//! heads are passed in, never read from a database here.

use std::fmt;

use crate::graph::{Node, RevisionGraph};

/// A target as written by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `head`: the single head.
    Head,
    /// `heads`: every head.
    Heads,
    /// `base`: before the first revision.
    Base,
    /// An id, a unique id prefix, or a branch label.
    Revision(String),
    /// `+N`, `-N` (from the current heads) or `REV+N`, `REV-N` (from REV).
    Relative {
        /// The starting revision; `None` for the current heads.
        from: Option<String>,
        /// Steps forward (positive) or back (negative).
        steps: i64,
    },
    /// `LABEL@head`: the head reached from the labeled revision.
    LabelHead(String),
    /// `LABEL@base`: below the labeled branch's whole ancestry.
    LabelBase(String),
}

/// What a target resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Nothing applied.
    Base,
    /// These revisions (and, for an upgrade, their ancestry).
    Nodes(Vec<Node>),
    /// The labeled revision whose whole ancestry a `LABEL@base` downgrade removes.
    LabelBase(Node),
}

/// Why a target cannot be parsed or resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The text is not a target.
    #[error(
        "`{text}` is not a target; use head, heads, base, a revision id or prefix, +N, -N, REV+N, LABEL@head or LABEL@base"
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
    /// `head` with several heads.
    #[error("`head` is ambiguous: there are {} heads ({}); name one, use `heads`, or `LABEL@head`", heads.len(), heads.join(", "))]
    SeveralHeads {
        /// The heads.
        heads: Vec<String>,
    },
    /// The graph is empty.
    #[error("there are no revisions yet; create one with `cargo migrate new -m \"...\"`")]
    NoRevisions,
    /// `LABEL@head` where the label leads to several heads.
    #[error("`{label}@head` is ambiguous: the branch has {} heads ({}); name one", heads.len(), heads.join(", "))]
    SeveralLabelHeads {
        /// The label.
        label: String,
        /// The heads reached from it.
        heads: Vec<String>,
    },
    /// `+N`/`-N` with several current heads.
    #[error("a relative step from the current state is ambiguous: it has {} heads ({}); use REV+N or an absolute target", current.len(), current.join(", "))]
    SeveralCurrentHeads {
        /// The current heads.
        current: Vec<String>,
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
}

/// Parses a target.
///
/// # Errors
/// [`TargetError::Syntax`] for empty text, a bad step count, or an `@` form other than
/// `LABEL@head` / `LABEL@base`.
pub fn parse_target(text: &str) -> Result<Target, TargetError> {
    let syntax = || TargetError::Syntax { text: text.to_owned() };
    let t = text.trim();
    match t {
        "" => return Err(syntax()),
        "head" => return Ok(Target::Head),
        "heads" => return Ok(Target::Heads),
        "base" => return Ok(Target::Base),
        _ => {}
    }
    if let Some((label, which)) = t.split_once('@') {
        return match which {
            _ if label.is_empty() => Err(syntax()),
            "head" => Ok(Target::LabelHead(label.to_owned())),
            "base" => Ok(Target::LabelBase(label.to_owned())),
            _ => Err(syntax()),
        };
    }
    if let Some(pos) =
        t.rfind(['+', '-']).filter(|&p| t[p + 1..].chars().all(|c| c.is_ascii_digit()) && p + 1 < t.len())
    {
        let count: i64 = t[pos + 1..].parse().map_err(|_| syntax())?;
        let steps = if t.as_bytes()[pos] == b'-' { -count } else { count };
        let from = (pos > 0).then(|| t[..pos].to_owned());
        return Ok(Target::Relative { from, steps });
    }
    if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Ok(Target::Revision(t.to_owned()));
    }
    Err(syntax())
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Heads => f.write_str("heads"),
            Target::Base => f.write_str("base"),
            Target::Revision(r) => f.write_str(r),
            Target::Relative { from, steps } => write!(f, "{}{steps:+}", from.as_deref().unwrap_or("")),
            Target::LabelHead(l) => write!(f, "{l}@head"),
            Target::LabelBase(l) => write!(f, "{l}@base"),
        }
    }
}

impl RevisionGraph {
    /// Finds one revision by exact id, unique id prefix, or branch label.
    ///
    /// # Errors
    /// [`TargetError::AmbiguousPrefix`] listing the candidates; [`TargetError::Unknown`].
    pub fn find(&self, text: &str) -> Result<Node, TargetError> {
        if let Some(n) = self.node(text) {
            return Ok(n);
        }
        let matches: Vec<Node> = (0..self.len()).filter(|&i| self.revision(i).id.as_str().starts_with(text)).collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => self.labeled(text).ok_or_else(|| TargetError::Unknown { text: text.to_owned() }),
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
            many => Err(TargetError::SeveralHeads { heads: self.ids(many) }),
        }
    }

    fn ids(&self, nodes: &[Node]) -> Vec<String> {
        nodes.iter().map(|&n| self.revision(n).id.to_string()).collect()
    }

    /// Resolves `target` given the current heads (the heads of what is applied; empty for an
    /// empty database).
    ///
    /// # Errors
    /// Any [`TargetError`]: an unknown or ambiguous revision, `head` with several heads, a
    /// relative step from several heads or across a branch or merge point.
    pub fn resolve(&self, target: &Target, current: &[Node]) -> Result<Resolved, TargetError> {
        match target {
            Target::Head => self.single_head().map(|h| Resolved::Nodes(vec![h])),
            Target::Heads if self.is_empty() => Err(TargetError::NoRevisions),
            Target::Heads => Ok(Resolved::Nodes(self.heads().to_vec())),
            Target::Base => Ok(Resolved::Base),
            Target::Revision(text) => self.find(text).map(|n| Resolved::Nodes(vec![n])),
            Target::LabelHead(label) => self.label_head(label).map(|n| Resolved::Nodes(vec![n])),
            Target::LabelBase(label) => self
                .labeled(label)
                .map(Resolved::LabelBase)
                .ok_or_else(|| TargetError::Unknown { text: format!("{label}@base") }),
            Target::Relative { from, steps } => {
                let start = match from {
                    Some(text) => Some(self.find(text)?),
                    None => match current {
                        [] => None,
                        [one] => Some(*one),
                        many => return Err(TargetError::SeveralCurrentHeads { current: self.ids(many) }),
                    },
                };
                Ok(match self.step(start, *steps)? {
                    Some(n) => Resolved::Nodes(vec![n]),
                    None => Resolved::Base,
                })
            }
        }
    }

    /// The head reached from the revision labeled `label`.
    fn label_head(&self, label: &str) -> Result<Node, TargetError> {
        let start = self.labeled(label).ok_or_else(|| TargetError::Unknown { text: format!("{label}@head") })?;
        let reach = self.descendants(&[start], false);
        let heads: Vec<Node> = self.heads().iter().copied().filter(|&h| reach[h]).collect();
        match heads.as_slice() {
            [one] => Ok(*one),
            many => Err(TargetError::SeveralLabelHeads { label: label.to_owned(), heads: self.ids(many) }),
        }
    }

    /// Walks `steps` along a straight line from `start` (`None` = base).
    fn step(&self, mut at: Option<Node>, steps: i64) -> Result<Option<Node>, TargetError> {
        let name = |n: Option<Node>| n.map_or("base".to_owned(), |n| self.revision(n).id.to_string());
        for taken in 0..steps.unsigned_abs() {
            let remaining = steps.unsigned_abs() - taken;
            let straight = |why: String, suggestion: String, direction| TargetError::NotStraight {
                direction,
                at: name(at),
                why,
                suggestion,
            };
            at = if steps > 0 {
                let next: Vec<Node> = match at {
                    Some(n) => self.children(n).to_vec(),
                    None => self.bases(),
                };
                match next.as_slice() {
                    [] => {
                        return Err(straight(
                            format!("it is a head, {remaining} step(s) short"),
                            "head".into(),
                            "forward",
                        ));
                    }
                    [one] if self.parents(*one).len() > 1 => {
                        return Err(straight(
                            format!("`{}` is a merge revision", self.revision(*one).id),
                            self.revision(*one).id.to_string(),
                            "forward",
                        ));
                    }
                    [one] => Some(*one),
                    many => {
                        return Err(straight(
                            format!("it branches into {}", self.ids(many).join(", ")),
                            "one of those ids or LABEL@head".into(),
                            "forward",
                        ));
                    }
                }
            } else {
                let Some(n) = at else {
                    return Err(straight(
                        format!("nothing is below base ({remaining} step(s) short)"),
                        "base".into(),
                        "back",
                    ));
                };
                match self.parents(n) {
                    [] => None,
                    [one] => Some(*one),
                    many => {
                        return Err(straight(
                            format!("it is a merge of {}", self.ids(many).join(", ")),
                            "one of those ids".into(),
                            "back",
                        ));
                    }
                }
            };
        }
        Ok(at)
    }
}

#[cfg(test)]
mod tests;
