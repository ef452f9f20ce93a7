//! The embedded table's record: one revision as offsets into the text `embed_migrations!`
//! embeds. The macro writes it and the runtime reads it, with this one implementation.

use crate::dialect::Dialect;

/// One revision as `embed_migrations!` writes it: offsets into the package's text, so the
/// table holds no pointers (each pointer in static data costs 8 bytes and a 24-byte
/// relocation). The macro writes the table as one byte string of [`RawRevision::RECORD`]-byte
/// records (little-endian `u32`s in field order, the checksum, then a flag byte: 1 for
/// transactional, 2 for a Rust revision):
/// one literal for rustc to read instead of some fifty per revision, which kept the rebuild of
/// an application embedding 1,000 revisions slower than it needs to be. Read revisions through
/// `migrate_runtime::EmbeddedRevision`; this format is not a stable API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawRevision {
    /// `[start, len]` of the id in the text.
    pub id: [u32; 2],
    /// `[start, len]` of the parent ids, comma separated.
    pub parents: [u32; 2],
    /// `[start, len]` of the `depends-on` ids, comma separated.
    pub depends_on: [u32; 2],
    /// `[start, len]` of the branch labels, comma separated.
    pub branch_labels: [u32; 2],
    /// `[start, len]` of the message.
    pub message: [u32; 2],
    /// `[start, len, first line]` of the up section.
    pub up: [u32; 3],
    /// `[start, len, first line]` of the down section; first line 0 when there is none.
    pub down: [u32; 3],
    /// `[start, len]` of the file name.
    pub file_name: [u32; 2],
    /// SHA-256 of the normalised up section.
    pub checksum: [u8; 32],
    /// `false` for `transaction: false`.
    pub transactional: bool,
    /// `true` for a Rust revision (its sections are empty; the functions are compiled in).
    pub rust: bool,
}

impl RawRevision {
    /// Bytes per record in the embedded table: 18 `u32`s, 32 checksum bytes, 1 flag.
    pub const RECORD: usize = 18 * 4 + 32 + 1;

    /// Appends the record's bytes to `out` (what `embed_migrations!` writes).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let words = [self.id, self.parents, self.depends_on, self.branch_labels, self.message];
        words.iter().flatten().chain(&self.up).chain(&self.down).chain(&self.file_name).for_each(|w| {
            out.extend_from_slice(&w.to_le_bytes());
        });
        out.extend_from_slice(&self.checksum);
        out.push(u8::from(self.transactional) | (u8::from(self.rust) << 1));
    }

    /// Decodes one record; `bytes` is [`RawRevision::RECORD`] long (a `chunks_exact` of the
    /// table). Missing bytes read as zero: a short record yields empty fields, never a panic.
    pub fn decode(bytes: &[u8]) -> Self {
        let word = |i: usize| {
            let at = i * 4;
            bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes)
        };
        let pair = |i: usize| [word(i), word(i + 1)];
        let triple = |i: usize| [word(i), word(i + 1), word(i + 2)];
        let mut checksum = [0u8; 32];
        if let Some(c) = bytes.get(72..104) {
            checksum.copy_from_slice(c);
        }
        Self {
            id: pair(0),
            parents: pair(2),
            depends_on: pair(4),
            branch_labels: pair(6),
            message: pair(8),
            up: triple(10),
            down: triple(13),
            file_name: pair(16),
            checksum,
            transactional: bytes.get(104).is_some_and(|b| b & 1 == 1),
            rust: bytes.get(104).is_some_and(|b| b & 2 == 2),
        }
    }
}

/// A section marked for one dialect ([`crate::Variant`]) as `embed_migrations!` writes it, in a
/// second byte string of [`RawVariant::RECORD`]-byte records (empty for nearly every package):
/// the revision's index in the table, the dialect's index in [`Dialect::ALL`], 1 for up, and the
/// section's `[start, len, first line]` in the text. Not a stable API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawVariant {
    /// The index of the revision's record in the table.
    pub revision: u32,
    /// The dialect it runs on.
    pub dialect: Dialect,
    /// `true` for an up section.
    pub up: bool,
    /// `[start, len, first line]` of the section.
    pub section: [u32; 3],
}

impl RawVariant {
    /// Bytes per record: 4 `u32`s, the dialect, the direction.
    pub const RECORD: usize = 4 * 4 + 2;

    /// Appends the record's bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for w in std::iter::once(self.revision).chain(self.section) {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let dialect = Dialect::ALL.iter().position(|&d| d == self.dialect).unwrap_or(0);
        out.extend_from_slice(&[dialect as u8, u8::from(self.up)]);
    }

    /// Decodes one record; `None` for a short one or an unknown dialect (a table this version
    /// did not write).
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let word = |i: usize| bytes.get(i * 4..i * 4 + 4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes);
        Some(Self {
            revision: word(0)?,
            section: [word(1)?, word(2)?, word(3)?],
            dialect: *Dialect::ALL.get(usize::from(*bytes.get(16)?))?,
            up: *bytes.get(17)? == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_a_short_one_reads_as_empty() {
        let r = RawRevision {
            id: [1, 2],
            parents: [3, 4],
            depends_on: [5, 6],
            branch_labels: [7, 8],
            message: [9, 10],
            up: [11, 12, 13],
            down: [14, 15, 16],
            file_name: [17, u32::MAX],
            checksum: [0xab; 32],
            transactional: false,
            rust: true,
        };
        let mut bytes = Vec::new();
        r.encode(&mut bytes);
        assert_eq!(bytes.len(), RawRevision::RECORD);
        assert_eq!(RawRevision::decode(&bytes), r);
        let t = RawRevision { transactional: true, rust: false, ..r };
        bytes.clear();
        t.encode(&mut bytes);
        assert_eq!(RawRevision::decode(&bytes), t);
        let short = RawRevision::decode(&bytes[..10]);
        assert_eq!((short.message, short.checksum, short.transactional), ([0, 0], [0; 32], false));
    }

    #[test]
    fn a_variant_round_trips() {
        for (dialect, up) in [(Dialect::Postgres, true), (Dialect::MySql, false), (Dialect::Sqlite, true)] {
            let v = RawVariant { revision: 7, dialect, up, section: [1, 2, u32::MAX] };
            let mut bytes = Vec::new();
            v.encode(&mut bytes);
            assert_eq!(bytes.len(), RawVariant::RECORD);
            assert_eq!(RawVariant::decode(&bytes), Some(v));
            assert_eq!(RawVariant::decode(&bytes[..17]), None);
        }
    }
}
