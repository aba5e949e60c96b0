//! A parse held compactly in a fixed buffer, so that a whole 64 KiB
//! LZ77+Huffman block's parse fits in Windows' workspace budget (about 1.4
//! bytes per input byte at worst, against 4 for plain structs).
//!
//! A sequence is 4 bytes: its literal count, its length code (0 for no
//! match, else length - 2) and its distance, when the count is below 255
//! and the length at most 256; otherwise a 255 byte, the count and the
//! length as varints, and the distance. Nearly every sequence takes the
//! short form, which reads and writes without loops.

use crate::bytes::u16_at;

/// A run of `literals` literal bytes followed by a match of `len` bytes at
/// `dist` back; `len == 0` for a run with no match after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sequence {
    pub(crate) literals: u32,
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

/// The most bytes one sequence takes: the escape, two 5-byte varints and
/// a distance.
pub(crate) const MAX_SEQUENCE_BYTES: usize = 13;

/// Marks the long form.
const ESCAPE: u8 = 255;

/// Bytes that always hold the parse of `span` input bytes (plus a last
/// match running on past them, and a closing literal run): a short
/// sequence covers at least a 3-byte match, a long one at least 255 bytes.
pub(crate) const fn worst_case_bytes(span: usize) -> usize {
    span / 3 * 4 + span / 255 * MAX_SEQUENCE_BYTES + 4 * MAX_SEQUENCE_BYTES
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
        debug_assert!(s.len == 0 || (s.len >= 3 && s.dist != 0 && s.dist <= 0xFFFF));
        let dist = (s.dist as u16).to_le_bytes();
        if s.literals < u32::from(ESCAPE) && s.len <= 256 {
            let code = if s.len == 0 { 0 } else { s.len - 2 } as u8;
            self.bytes[self.len..self.len + 4].copy_from_slice(&[s.literals as u8, code, dist[0], dist[1]]);
            self.len += 4;
            return;
        }
        self.bytes[self.len] = ESCAPE;
        self.len += 1;
        self.put_varint(s.literals);
        self.put_varint(s.len);
        self.bytes[self.len..self.len + 2].copy_from_slice(&dist);
        self.len += 2;
    }

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

    /// Their bytes, which [`SequenceIter::over`] reads back.
    #[cfg(feature = "std")]
    pub(crate) fn encoded(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[derive(Clone)]
pub(crate) struct SequenceIter<'a> {
    bytes: &'a [u8],
}

impl<'a> SequenceIter<'a> {
    /// The sequences whose bytes [`Sequences::encoded`] gave.
    #[cfg(feature = "std")]
    pub(crate) fn over(bytes: &'a [u8]) -> Self {
        SequenceIter { bytes }
    }

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

    #[cold]
    fn long_form(&mut self) -> Sequence {
        self.bytes = &self.bytes[1..];
        let literals = self.varint();
        let len = self.varint();
        let dist = u32::from(u16_at(self.bytes, 0));
        self.bytes = &self.bytes[2..];
        Sequence { literals, len, dist }
    }
}

impl Iterator for SequenceIter<'_> {
    type Item = Sequence;

    #[inline(always)]
    fn next(&mut self) -> Option<Sequence> {
        let &[literals, code, d0, d1, ..] = self.bytes else {
            return None;
        };
        if literals == ESCAPE {
            return Some(self.long_form());
        }
        self.bytes = &self.bytes[4..];
        let len = if code == 0 { 0 } else { u32::from(code) + 2 };
        Some(Sequence { literals: u32::from(literals), len, dist: u32::from(u16::from_le_bytes([d0, d1])) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_read_back_as_written() {
        // Both forms, on each side of the limits between them.
        let written = [
            Sequence { literals: 0, len: 3, dist: 1 },
            Sequence { literals: 254, len: 256, dist: 0xFFFF },
            Sequence { literals: 255, len: 3, dist: 2 },
            Sequence { literals: 0, len: 257, dist: 3 },
            Sequence { literals: 127, len: 128, dist: 0xFFFF },
            Sequence { literals: 16384, len: u32::MAX, dist: 8192 },
            Sequence { literals: 254, len: 0, dist: 0 },
            Sequence { literals: u32::MAX, len: 0, dist: 0 },
        ];
        let mut buf = [0u8; 8 * MAX_SEQUENCE_BYTES];
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
        // Long forms: 255 literals and a 3-byte match, over and over.
        seqs.clear();
        for _ in 0..span / 258 {
            seqs.push(Sequence { literals: 255, len: 3, dist: 0xFFFF });
        }
        seqs.push(Sequence { literals: 2, len: u32::MAX, dist: 0xFFFF });
        seqs.push(Sequence { literals: u32::MAX, len: 0, dist: 0 });
    }
}
