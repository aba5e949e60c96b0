//! A parse held compactly: literal runs and matches as variable-length
//! integers in a fixed buffer, so that a whole 64 KiB LZ77+Huffman block's
//! parse fits in Windows' workspace budget (about 1.4 bytes per input byte
//! at worst, against 4 for plain structs).

/// A run of `literals` literal bytes followed by a match of `len` bytes at
/// `dist` back; `len == 0` for a run with no match after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sequence {
    pub(crate) literals: u32,
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

/// The most bytes one sequence takes: two 5-byte varints and a distance.
pub(crate) const MAX_SEQUENCE_BYTES: usize = 12;

/// Bytes that always hold the parse of `span` input bytes (plus a last
/// match running on past them, and a closing literal run): each match
/// covers at least 3 bytes and costs at most 4 bytes plus one per 128
/// bytes of the lengths it stores.
pub(crate) const fn worst_case_bytes(span: usize) -> usize {
    span / 3 * 4 + span / 128 + 4 * MAX_SEQUENCE_BYTES
}

/// Sequences appended to a borrowed buffer.
pub(crate) struct Sequences<'a> {
    bytes: &'a mut [u8],
    len: usize,
}

impl<'a> Sequences<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        Sequences { bytes, len: 0 }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Bytes free: a push needs [`MAX_SEQUENCE_BYTES`] at most.
    pub(crate) fn room(&self) -> usize {
        self.bytes.len() - self.len
    }

    /// Appends `s`, whose distance fits in 16 bits; the caller has checked
    /// [`room`](Self::room).
    #[inline(always)]
    pub(crate) fn push(&mut self, s: Sequence) {
        self.put_varint(s.literals);
        self.put_varint(s.len);
        if s.len != 0 {
            debug_assert!(s.dist != 0 && s.dist <= 0xFFFF);
            self.bytes[self.len..self.len + 2].copy_from_slice(&(s.dist as u16).to_le_bytes());
            self.len += 2;
        }
    }

    #[inline(always)]
    fn put_varint(&mut self, mut v: u32) {
        while v >= 0x80 {
            self.bytes[self.len] = v as u8 | 0x80;
            self.len += 1;
            v >>= 7;
        }
        self.bytes[self.len] = v as u8;
        self.len += 1;
    }

    /// The sequences pushed since the last [`clear`](Self::clear).
    pub(crate) fn iter(&self) -> SequenceIter<'_> {
        SequenceIter { bytes: &self.bytes[..self.len] }
    }
}

#[derive(Clone)]
pub(crate) struct SequenceIter<'a> {
    bytes: &'a [u8],
}

impl SequenceIter<'_> {
    #[inline(always)]
    fn varint(&mut self) -> u32 {
        let mut v = 0u32;
        let mut shift = 0;
        loop {
            let b = self.bytes[0];
            self.bytes = &self.bytes[1..];
            v |= u32::from(b & 0x7F) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
}

impl Iterator for SequenceIter<'_> {
    type Item = Sequence;

    #[inline(always)]
    fn next(&mut self) -> Option<Sequence> {
        if self.bytes.is_empty() {
            return None;
        }
        let literals = self.varint();
        let len = self.varint();
        let mut dist = 0;
        if len != 0 {
            dist = u32::from(u16::from_le_bytes([self.bytes[0], self.bytes[1]]));
            self.bytes = &self.bytes[2..];
        }
        Some(Sequence { literals, len, dist })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_read_back_as_written() {
        let written = [
            Sequence { literals: 0, len: 3, dist: 1 },
            Sequence { literals: 127, len: 128, dist: 0xFFFF },
            Sequence { literals: 16384, len: u32::MAX, dist: 8192 },
            Sequence { literals: u32::MAX, len: 0, dist: 0 },
        ];
        let mut buf = [0u8; 4 * MAX_SEQUENCE_BYTES];
        let mut seqs = Sequences::new(&mut buf);
        for s in written {
            assert!(seqs.room() >= MAX_SEQUENCE_BYTES);
            seqs.push(s);
        }
        assert_eq!(seqs.iter().collect::<Vec<_>>(), written);
        seqs.clear();
        assert_eq!(seqs.iter().count(), 0);
    }

    #[test]
    fn the_worst_case_holds_a_3_byte_match_every_3_bytes() {
        let span = 1 << 16;
        let mut buf = vec![0u8; worst_case_bytes(span)];
        let mut seqs = Sequences::new(&mut buf);
        for _ in 0..span / 3 {
            seqs.push(Sequence { literals: 0, len: 3, dist: 0xFFFF });
        }
        // The last match runs on as far as it likes; trailing literals.
        seqs.push(Sequence { literals: 2, len: u32::MAX, dist: 0xFFFF });
        seqs.push(Sequence { literals: 200, len: 0, dist: 0 });
        // (A push past the end would have panicked.)
        assert!(seqs.room() < worst_case_bytes(span) / 4, "the bound is not slack");
    }
}
