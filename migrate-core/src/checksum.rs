//! The checksum of a revision's up section: SHA-256 of normalised text, never `std::hash`.
//!
//! Normalisation makes a CRLF checkout and trailing blank lines count as no edit.

use std::fmt;

use sha2::{Digest, Sha256};

/// SHA-256 of a revision's up section, normalised (CRLF → LF, trailing white space trimmed).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checksum(pub [u8; 32]);

impl Checksum {
    /// The checksum of an up section as written in the file.
    pub fn of_up_section(sql: &str) -> Self {
        let normalised = sql.replace("\r\n", "\n");
        Self(Sha256::digest(normalised.trim_end().as_bytes()).into())
    }

    /// Parses 64 hex characters (either case); `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
        }
        Some(Self(out))
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(DIGITS[(b >> 4) as usize] as char);
            out.push(DIGITS[(b & 0xf) as usize] as char);
        }
        out
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_trailing_space_do_not_count() {
        let a = Checksum::of_up_section("CREATE TABLE t (id INT);\nSELECT 1;\n");
        let b = Checksum::of_up_section("CREATE TABLE t (id INT);\r\nSELECT 1;\r\n\r\n   \n");
        assert_eq!(a, b);
        assert_ne!(a, Checksum::of_up_section("CREATE TABLE t (id BIGINT);\nSELECT 1;\n"));
    }

    #[test]
    fn hex_round_trips() {
        let c = Checksum::of_up_section("SELECT 1;");
        assert_eq!(Checksum::from_hex(&c.to_hex()), Some(c));
        assert_eq!(Checksum::from_hex(&c.to_hex().to_uppercase()), Some(c));
        assert_eq!(Checksum::from_hex("abc"), None);
        assert_eq!(Checksum::from_hex(&"zz".repeat(32)), None);
    }

    #[test]
    fn known_vector() {
        // sha256("") — the empty up section of a merge revision.
        assert_eq!(
            Checksum::of_up_section("\n\n").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
