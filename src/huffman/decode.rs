//! Table-driven decoding of canonical codes ([MS-XCA] §2.2.4).
//!
//! A root table indexed by the next `ROOT_BITS` bits answers every code of
//! up to `ROOT_BITS` bits at once; longer codes go through a 16-entry
//! subtable indexed by the following 4 bits. Entries are `u32`, and a leaf
//! carries what a decoder's fast loop needs of its symbol, already worked
//! out:
//!
//! | bits | literal (symbol < 256) | match (symbol 256 and up) |
//! |---|---|---|
//! | 0..5 | code length | code length + distance bits |
//! | 8..16 | the byte | the match length 3..=17, or 0 when a length byte follows |
//! | 16 | 0 | 1 ([`MATCH_FLAG`]) |
//! | 20..24 | code length | code length |
//! | 26..32 | 0 | 63 − distance bits |
//!
//! Bits 5..8 and 24..26 are clear, so shifts by the entry, or by the entry
//! moved down by 20, are shifts by the bits taken or by the code length
//! once the shift takes its count modulo 64, as a 64-bit shift does:
//! [`Entry`] hands out those numbers, so a decoder's fast loop shifts
//! without masking first. A root entry whose bits 0..5 are 0 points to a
//! subtable: its offset is in bits 8 and up.

use super::{MAX_CODE_LEN, NUM_SYMBOLS};
use crate::error::TableProblem;
use alloc::boxed::Box;

/// Bits resolved by the root table.
const ROOT_BITS: u32 = 11;
const SUB_BITS: u32 = MAX_CODE_LEN - ROOT_BITS;
const ROOT_SIZE: usize = 1 << ROOT_BITS;
const SUB_SIZE: usize = 1 << SUB_BITS;
/// Every subtable holds at least one code longer than `ROOT_BITS`, so there
/// are at most as many subtables as symbols.
const TABLE_SIZE: usize = ROOT_SIZE + NUM_SYMBOLS * SUB_SIZE;
/// Set in the entries of symbols 256 and up: matches.
const MATCH_FLAG: u32 = 1 << 16;

/// One entry of a [`DecodeTable`], laid out as the module documentation
/// says; its accessors are the only code that knows the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry(u32);

impl Entry {
    /// Whether the symbol is a match header (256 and up), not a literal.
    #[inline(always)]
    pub(crate) fn is_match(self) -> bool {
        self.0 & MATCH_FLAG != 0
    }

    /// A literal's byte.
    #[inline(always)]
    pub(crate) fn literal(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// The length of the symbol's code.
    #[inline(always)]
    pub(crate) fn code_len(self) -> u32 {
        self.0 >> 20 & 15
    }

    /// The bits the symbol takes: its code, and for a match the distance
    /// bits after it.
    #[inline(always)]
    pub(crate) fn bits(self) -> u32 {
        self.0 & 31
    }

    /// A number whose low six bits are [`bits`](Self::bits): a shift by it
    /// drops the symbol's bits from a 64-bit buffer.
    #[inline(always)]
    pub(crate) fn bits_shift(self) -> u32 {
        self.0
    }

    /// A number whose low six bits are [`code_len`](Self::code_len).
    #[inline(always)]
    pub(crate) fn code_len_shift(self) -> u32 {
        self.0 >> 20
    }

    /// The number of distance bits of a match.
    #[inline(always)]
    pub(crate) fn distance_bits(self) -> u32 {
        63 - (self.0 >> 26)
    }

    /// 63 minus [`distance_bits`](Self::distance_bits): the right shift
    /// that leaves a match's distance bits, and the 1 above them, at the
    /// bottom of a 64-bit buffer that holds them from bit 62 down.
    #[inline(always)]
    pub(crate) fn distance_shift(self) -> u32 {
        self.0 >> 26
    }

    /// The length of a match, 3..=17, or 0 when a length byte follows.
    #[inline(always)]
    pub(crate) fn match_length(self) -> usize {
        (self.0 >> 8 & 0xFF) as usize
    }
}

/// The leaf entry of `symbol`, whose code is `len` bits long.
const fn leaf(symbol: u32, len: u32) -> u32 {
    if symbol < 256 {
        return symbol << 8 | len << 20 | len;
    }
    // A match symbol is 256 + 16 * distance bits + length field.
    let distance_bits = (symbol >> 4) & 15;
    let length = match symbol & 15 {
        15 => 0,
        field => field + 3,
    };
    (63 - distance_bits) << 26 | len << 20 | MATCH_FLAG | length << 8 | (len + distance_bits)
}

/// A decode table for one block's code.
#[derive(Clone)]
pub(crate) struct DecodeTable {
    entries: Box<[u32; TABLE_SIZE]>,
}

impl DecodeTable {
    pub(crate) fn new() -> Self {
        DecodeTable { entries: Box::new([0; TABLE_SIZE]) }
    }

    /// Rebuilds the table for `lengths` (one per symbol, 0 = unused).
    ///
    /// The code must be complete, except that a single symbol of length 1
    /// is accepted as Windows does; both bit values then decode to it.
    pub(crate) fn build(&mut self, lengths: &[u8; NUM_SYMBOLS]) -> Result<(), TableProblem> {
        let mut count = [0u32; MAX_CODE_LEN as usize + 1];
        for &len in lengths {
            count[usize::from(len)] += 1;
        }
        count[0] = 0;
        let used: u32 = count.iter().sum();
        if used == 0 {
            return Err(TableProblem::Empty);
        }
        if used == 1 && count[1] == 1 {
            let symbol = lengths.iter().position(|&l| l == 1).unwrap_or(0) as u32;
            self.entries[..ROOT_SIZE].fill(leaf(symbol, 1));
            return Ok(());
        }
        let kraft: u32 = (1..=MAX_CODE_LEN).map(|l| count[l as usize] << (MAX_CODE_LEN - l)).sum();
        if kraft > 1 << MAX_CODE_LEN {
            return Err(TableProblem::Oversubscribed);
        }
        if kraft < 1 << MAX_CODE_LEN {
            return Err(TableProblem::Incomplete);
        }

        // Symbols sorted by (length, value): canonical order.
        let mut offsets = [0u16; MAX_CODE_LEN as usize + 2];
        for len in 1..=MAX_CODE_LEN as usize {
            offsets[len + 1] = offsets[len] + count[len] as u16;
        }
        let mut sorted = [0u16; NUM_SYMBOLS];
        for (symbol, &len) in lengths.iter().enumerate() {
            if len != 0 {
                let slot = &mut offsets[usize::from(len)];
                sorted[usize::from(*slot)] = symbol as u16;
                *slot += 1;
            }
        }

        let mut code = 0u32;
        let mut prev_len = 1u32;
        let mut next_sub = ROOT_SIZE;
        let mut current_prefix = u32::MAX;
        let mut sub_base = 0usize;
        for &symbol in &sorted[..used as usize] {
            let len = u32::from(lengths[usize::from(symbol)]);
            code <<= len - prev_len;
            prev_len = len;
            let entry = leaf(u32::from(symbol), len);
            if len <= ROOT_BITS {
                let start = (code << (ROOT_BITS - len)) as usize;
                self.entries[start..start + (1 << (ROOT_BITS - len))].fill(entry);
            } else {
                // Codes are increasing, so all codes sharing a root prefix are
                // consecutive here and get one subtable.
                let prefix = code >> (len - ROOT_BITS);
                if prefix != current_prefix {
                    current_prefix = prefix;
                    sub_base = next_sub;
                    next_sub += SUB_SIZE;
                    self.entries[prefix as usize] = ((sub_base - ROOT_SIZE) as u32) << 8;
                }
                let low = code & ((1 << (len - ROOT_BITS)) - 1);
                let start = sub_base + (low << (MAX_CODE_LEN - len)) as usize;
                self.entries[start..start + (1 << (MAX_CODE_LEN - len))].fill(entry);
            }
            code += 1;
        }
        Ok(())
    }

    /// The entry of the symbol at the front of `bits`, the next 15 bits of
    /// the stream (MSB first).
    #[inline(always)]
    pub(crate) fn entry(&self, bits: u32) -> Entry {
        let mut entry = Entry(self.entries[(bits >> SUB_BITS) as usize & (ROOT_SIZE - 1)]);
        if entry.bits() == 0 {
            let index = ROOT_SIZE + (entry.0 >> 8) as usize + (bits as usize & (SUB_SIZE - 1));
            entry = Entry(self.entries[index.min(TABLE_SIZE - 1)]);
        }
        entry
    }

    /// Decodes the symbol at the front of `bits`, the next 15 bits of the
    /// stream (MSB first). Returns `(symbol, code length)`: the tests' view
    /// of an entry (decoders read its fields).
    #[cfg(test)]
    fn decode(&self, bits: u32) -> (usize, u32) {
        let entry = self.entry(bits);
        (entry_symbol(entry), entry.code_len())
    }
}

/// The symbol of a leaf entry.
#[cfg(test)]
fn entry_symbol(entry: Entry) -> usize {
    let byte = usize::from(entry.literal());
    if !entry.is_match() {
        return byte;
    }
    let length_field = if byte == 0 { 15 } else { byte - 3 };
    256 + 16 * entry.distance_bits() as usize + length_field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths_of(pairs: &[(usize, u8)]) -> [u8; NUM_SYMBOLS] {
        let mut lengths = [0u8; NUM_SYMBOLS];
        for &(s, l) in pairs {
            lengths[s] = l;
        }
        lengths
    }

    #[test]
    fn spec_example_abc300_codes_decode() {
        // [MS-XCA] §3.2: c=2, 256=2, 287=2, a=3, b=3 -> c=00, 256=01, 287=10, a=110, b=111.
        let mut t = DecodeTable::new();
        t.build(&lengths_of(&[(b'c' as usize, 2), (256, 2), (287, 2), (b'a' as usize, 3), (b'b' as usize, 3)]))
            .unwrap();
        let at = |code: u32, len: u32| t.decode(code << (15 - len));
        assert_eq!(at(0b00, 2), (b'c' as usize, 2));
        assert_eq!(at(0b01, 2), (256, 2));
        assert_eq!(at(0b10, 2), (287, 2));
        assert_eq!(at(0b110, 3), (b'a' as usize, 3));
        assert_eq!(at(0b111, 3), (b'b' as usize, 3));
    }

    #[test]
    fn long_codes_use_subtables() {
        // Lengths 1, 2, ..., 14, 15, 15: a complete code reaching 15 bits.
        let mut pairs: Vec<(usize, u8)> = (1..=15).map(|l| (l as usize, l as u8)).collect();
        pairs.push((400, 15));
        let mut t = DecodeTable::new();
        t.build(&lengths_of(&pairs)).unwrap();
        for len in 1..=14u32 {
            // The code of length `len` is (len - 1) ones then a zero.
            let code = ((1u32 << (len - 1)) - 1) << 1;
            assert_eq!(t.decode(code << (15 - len)), (len as usize, len));
        }
        assert_eq!(t.decode(0x7FFE), (15, 15));
        assert_eq!(t.decode(0x7FFF), (400, 15));
    }

    #[test]
    fn invalid_tables_are_rejected() {
        let mut t = DecodeTable::new();
        assert_eq!(t.build(&[0; NUM_SYMBOLS]), Err(TableProblem::Empty));
        assert_eq!(t.build(&lengths_of(&[(1, 1), (2, 1), (3, 1)])), Err(TableProblem::Oversubscribed));
        assert_eq!(t.build(&lengths_of(&[(1, 1), (2, 2)])), Err(TableProblem::Incomplete));
        assert_eq!(t.build(&lengths_of(&[(7, 2)])), Err(TableProblem::Incomplete));
    }

    #[test]
    fn entries_give_back_every_field_they_pack() {
        for symbol in 0..NUM_SYMBOLS as u32 {
            for len in 1..=MAX_CODE_LEN {
                let entry = Entry(leaf(symbol, len));
                assert_eq!(entry_symbol(entry), symbol as usize, "symbol {symbol} len {len}");
                assert_eq!(entry.code_len(), len);
                assert_eq!(entry.code_len_shift() % 64, len, "a shift by it drops the code");
                let distance_bits = if symbol < 256 { 0 } else { symbol >> 4 & 15 };
                assert_eq!(entry.bits(), len + distance_bits);
                assert_eq!(entry.bits_shift() % 64, entry.bits(), "a shift by it drops the symbol");
                if entry.is_match() {
                    assert_eq!(entry.distance_bits(), distance_bits);
                    assert_eq!(entry.distance_shift(), 63 - distance_bits);
                    let field = symbol as usize & 15;
                    assert_eq!(entry.match_length(), if field == 15 { 0 } else { field + 3 });
                } else {
                    assert_eq!(usize::from(entry.literal()), symbol as usize);
                }
            }
        }
    }

    #[test]
    fn single_symbol_of_length_one_decodes_for_both_bits() {
        let mut t = DecodeTable::new();
        t.build(&lengths_of(&[(300, 1)])).unwrap();
        assert_eq!(t.decode(0), (300, 1));
        assert_eq!(t.decode(0x7FFF), (300, 1));
    }
}
