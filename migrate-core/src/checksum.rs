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

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
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
    fn known_vector() {
        // sha256("") — the empty up section of a merge revision.
        assert_eq!(
            Checksum::of_up_section("\n\n").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
