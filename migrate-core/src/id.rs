//! `RevisionId`: the identity of a revision, validated once at the boundary.
//!
//! This module only validates and displays ids; it knows nothing of files or graphs.

use std::fmt;

/// Longest id accepted, in characters.
pub const MAX_ID_LEN: usize = 32;

/// Words that name targets (`head`, `heads`, `base`, `current`) and so cannot be revision ids.
pub const RESERVED_IDS: &[&str] = &["head", "heads", "base", "current"];

/// A revision id: 1–32 characters of `[a-z0-9_]`, not a reserved target word.
///
/// Ids are compared and ordered as plain strings.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(String);

/// Why a string is not a valid [`RevisionId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("a revision id cannot be empty")]
    Empty,
    /// The string is longer than [`MAX_ID_LEN`].
    #[error("revision id `{id}` is {len} characters long; the limit is {MAX_ID_LEN}")]
    TooLong {
        /// The offending id (cut to a readable length).
        id: String,
        /// Its length in characters.
        len: usize,
    },
    /// The string has a character outside `[a-z0-9_]`.
    #[error("revision id `{id}` has the character {ch:?}; ids use only a-z, 0-9 and _")]
    BadChar {
        /// The offending id.
        id: String,
        /// The first character that is not allowed.
        ch: char,
    },
    /// The string is one of [`RESERVED_IDS`].
    #[error("`{id}` is a reserved target word and cannot be a revision id")]
    Reserved {
        /// The offending id.
        id: String,
    },
}

impl RevisionId {
    /// Validates `s` as a revision id.
    ///
    /// # Errors
    /// [`IdError`] when `s` is empty, longer than 32 characters, has a character outside
    /// `[a-z0-9_]`, or is a reserved word (`head`, `heads`, `base`).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if s.is_empty() {
            return Err(IdError::Empty);
        }
        if let Some(ch) = s.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '_')) {
            return Err(IdError::BadChar { id: shorten(s), ch });
        }
        if s.len() > MAX_ID_LEN {
            return Err(IdError::TooLong { id: shorten(s), len: s.len() });
        }
        if RESERVED_IDS.contains(&s) {
            return Err(IdError::Reserved { id: s.to_owned() });
        }
        Ok(Self(s.to_owned()))
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevisionId({:?})", self.0)
    }
}

impl AsRef<str> for RevisionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for RevisionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for RevisionId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RevisionId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<RevisionId> for &str {
    fn eq(&self, other: &RevisionId) -> bool {
        *self == other.0
    }
}

/// Serialises as the plain string (feature `serde`).
#[cfg(feature = "serde")]
impl serde::Serialize for RevisionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_hex_and_underscores() {
        assert_eq!(RevisionId::parse("4f1c2a9b7e3d").map(|i| i.to_string()), Ok("4f1c2a9b7e3d".into()));
        assert!(RevisionId::parse("a_b_0").is_ok());
        assert!(RevisionId::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(RevisionId::parse(""), Err(IdError::Empty));
        assert!(matches!(RevisionId::parse("ABC"), Err(IdError::BadChar { ch: 'A', .. })));
        assert!(matches!(RevisionId::parse("a-b"), Err(IdError::BadChar { ch: '-', .. })));
        assert!(matches!(RevisionId::parse(&"a".repeat(33)), Err(IdError::TooLong { len: 33, .. })));
        assert!(matches!(RevisionId::parse("head"), Err(IdError::Reserved { .. })));
        assert!(matches!(RevisionId::parse("base"), Err(IdError::Reserved { .. })));
    }
}
