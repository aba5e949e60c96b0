//! Table-driven decoding of canonical codes ([MS-XCA] §2.2.4).
//!
//! A root table indexed by the next `ROOT_BITS` bits answers every code of
//! up to `ROOT_BITS` bits at once; longer codes go through a 16-entry
//! subtable indexed by the following 4 bits. Entries are `u32`: a leaf
//! holds `symbol << 8 | length`, so a literal's byte is the entry's second
//! byte, symbols of 256 and up (matches) have bit 16 set, and bits 4 and 5
//! are clear (a shift by the entry is a shift by the length); a root entry
//! with bit 31 set points to a subtable.

use super::{MAX_CODE_LEN, NUM_SYMBOLS};
use crate::error::TableProblem;

/// Bits resolved by the root table.
const ROOT_BITS: u32 = 11;
const SUB_BITS: u32 = MAX_CODE_LEN - ROOT_BITS;
const ROOT_SIZE: usize = 1 << ROOT_BITS;
const SUB_SIZE: usize = 1 << SUB_BITS;
/// Every subtable holds at least one code longer than `ROOT_BITS`, so there
/// are at most as many subtables as symbols.
const TABLE_SIZE: usize = ROOT_SIZE + NUM_SYMBOLS * SUB_SIZE;
const SUBTABLE_FLAG: u32 = 1 << 31;
/// Set in the entries of symbols 256 and up: matches.
pub(crate) const MATCH_FLAG: u32 = 1 << 16;

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
            self.entries[..ROOT_SIZE].fill(symbol << 8 | 1);
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
            let entry = u32::from(symbol) << 8 | len;
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
                    self.entries[prefix as usize] = SUBTABLE_FLAG | (sub_base - ROOT_SIZE) as u32;
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
    /// the stream (MSB first): see [`entry_symbol`] and [`entry_len`].
    #[inline(always)]
    pub(crate) fn entry(&self, bits: u32) -> u32 {
        let mut entry = self.entries[(bits >> SUB_BITS) as usize & (ROOT_SIZE - 1)];
        if entry & SUBTABLE_FLAG != 0 {
            let index = ROOT_SIZE + (entry & !SUBTABLE_FLAG) as usize + (bits as usize & (SUB_SIZE - 1));
            entry = self.entries[index.min(TABLE_SIZE - 1)];
        }
        entry
    }

    /// Decodes the symbol at the front of `bits`, the next 15 bits of the
    /// stream (MSB first). Returns `(symbol, code length)`.
    #[inline(always)]
    pub(crate) fn decode(&self, bits: u32) -> (usize, u32) {
        let entry = self.entry(bits);
        (entry_symbol(entry), entry_len(entry))
    }
}

/// The symbol of a leaf entry.
#[inline(always)]
pub(crate) fn entry_symbol(entry: u32) -> usize {
    (entry >> 8) as usize & (NUM_SYMBOLS - 1)
}

/// The code length of a leaf entry.
#[inline(always)]
pub(crate) fn entry_len(entry: u32) -> u32 {
    entry & 15
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
    fn single_symbol_of_length_one_decodes_for_both_bits() {
        let mut t = DecodeTable::new();
        t.build(&lengths_of(&[(300, 1)])).unwrap();
        assert_eq!(t.decode(0), (300, 1));
        assert_eq!(t.decode(0x7FFF), (300, 1));
    }
}
