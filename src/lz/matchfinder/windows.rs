//! The match finder of Windows' standard engines, for both XPRESS formats:
//! a table of one position per 3-byte hash, and a second table that keeps,
//! per hash of the bytes before it, one position for each value of the
//! byte that decides between two candidates. A search follows a candidate
//! only while it matches one byte more than the last, so it costs a few
//! table reads, and its answer is exactly the match Windows' engine takes:
//! the output is Windows' own only if every table write is Windows' too.

use super::Match;
use crate::bytes;
use crate::lz::arena::Arena;
use crate::lz::extend::match_len;
use crate::lz::{NoCount, WorkCounter};

/// Slots of the first table: one per value of `b0 + 8·b1 + 2·b2`.
const FIRST_SLOTS: usize = 2806;
/// Slots of the second table: the largest of the three hashes it is
/// indexed by, plus a byte.
const SECOND_SLOTS: usize = 4846;

/// Windows' standard-engine match finder over positions of one input.
pub(crate) struct WindowsFinder<'a> {
    first: &'a mut [u32],
    second: &'a mut [u32],
    /// Candidates must lie fewer than this many bytes back.
    window: usize,
}

/// A [`WindowsFinder`]'s tables kept between the stretches of a stream
/// (Windows never resets them), moved along as the stream's buffer slides.
#[cfg(feature = "std")]
pub(crate) struct WindowsTables {
    /// The first table's slots, then the second's.
    tables: alloc::vec::Vec<u32>,
    window: usize,
}

#[cfg(feature = "std")]
impl WindowsTables {
    /// Every slot naming position 0, for candidates fewer than `window`
    /// bytes back.
    pub(crate) fn new(window: usize) -> Self {
        WindowsTables { tables: alloc::vec![0; FIRST_SLOTS + SECOND_SLOTS], window }
    }

    /// The finder over the tables as the last search left them.
    pub(crate) fn finder(&mut self) -> WindowsFinder<'_> {
        let (first, second) = self.tables.split_at_mut(FIRST_SLOTS);
        WindowsFinder { first, second, window: self.window }
    }

    /// Moves the tables to positions counted from `shift` bytes later, for
    /// a stream whose buffer drops its first `shift` bytes. Positions that
    /// go below 0 were out of the window for every position to come, and
    /// become 0, which is out of it too as long as the buffer keeps the
    /// window's worth of bytes before the next search.
    pub(crate) fn rebase(&mut self, shift: u64) {
        for slot in &mut self.tables {
            *slot = u64::from(*slot).saturating_sub(shift) as u32;
        }
    }
}

#[inline(always)]
fn rol8(v: u8, k: u32) -> u8 {
    v.rotate_left(k % 8)
}

#[inline(always)]
fn ror8(v: u8, k: u32) -> u8 {
    v.rotate_right(k % 8)
}

impl<'a> WindowsFinder<'a> {
    /// Tables from `arena`, every slot naming position 0 as Windows' do,
    /// for candidates fewer than `window` bytes back.
    pub(crate) fn new(arena: &mut Arena<'a>, window: usize) -> Self {
        let first = arena.u32s(FIRST_SLOTS);
        let second = arena.u32s(SECOND_SLOTS);
        assert!(first.len() == FIRST_SLOTS && second.len() == SECOND_SLOTS, "the arena holds the tables");
        first.fill(0);
        second.fill(0);
        WindowsFinder { first, second, window }
    }

    /// Looks up the second table's slot `slot + next` (`next` the byte
    /// at `p + known`) for a candidate that agrees with `p`'s bytes
    /// `word` on `known + 1` bytes, after storing `m` in the slot for its
    /// own byte `own` (which differs from `next`). Returns the candidate
    /// and how its first eight bytes differ from `word`, if it qualifies:
    /// in the window, not `p` itself (where `check_self`), and equal for
    /// `known + 1` bytes; it then takes over its slot.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn refine(
        &mut self,
        data: &[u8],
        p: usize,
        word: u64,
        m: usize,
        slot: usize,
        known: usize,
        [next, own]: [u8; 2],
        check_self: bool,
    ) -> Option<(usize, u64)> {
        let here = slot + usize::from(next);
        let c = self.second[here] as usize;
        self.second[slot + usize::from(own)] = m as u32;
        // Every position stored is at most `p`: its eight bytes are there.
        let diff = bytes::u64_at(data, c) ^ word;
        let agree = diff & (u64::MAX >> (8 * (7 - known))) == 0;
        if (p - c < self.window) & !(check_self & (c == p)) & agree {
            self.second[here] = p as u32;
            Some((c, diff))
        } else {
            None
        }
    }

    /// Windows' `search(p)`: records `p` and returns the match it takes
    /// there, if any. `p + 8 <= data.len()` (both engines stop searching
    /// earlier); a match runs on to at most the end of `data`.
    #[inline]
    pub(crate) fn search(&mut self, data: &[u8], p: usize) -> Option<Match> {
        self.search_counting(data, p, &mut NoCount)
    }

    /// [`search`](Self::search), counting into `work` the table slots it
    /// reads and the bytes it compares past the first eight: tests bound
    /// the work with it.
    #[inline(always)]
    fn search_counting(&mut self, data: &[u8], p: usize, work: &mut impl WorkCounter) -> Option<Match> {
        // The candidates' bytes are compared with `p`'s eight at a time,
        // as words: `diff` holds how the current one's differ.
        let word = bytes::u64_at(data, p);
        let b = word.to_le_bytes();
        // From the word, not from `b`: the compiler then keeps both
        // rather than building the word again from the bytes.
        let i = (word & 0xFF) as usize + 8 * (word >> 8 & 0xFF) as usize + 2 * (word >> 16 & 0xFF) as usize;
        let mut m = self.first[i] as usize;
        self.first[i] = p as u32;
        work.add(1);
        let mut diff = bytes::u64_at(data, m) ^ word;
        // One branch for the unpredictable outcome (cachegrind).
        if (p - m >= self.window) | (diff & 0x00FF_FFFF != 0) {
            return None;
        }
        let byte = |diff: u64, k: usize| ((diff ^ word) >> (8 * k)) as u8;
        let found = |m: usize, len: usize| Some(Match { len: len as u32, dist: (p - m) as u32 });
        if diff & 0xFF << 24 != 0 {
            work.add(1);
            match self.refine(data, p, word, m, i, 3, [b[3], byte(diff, 3)], false) {
                Some(c) => (m, diff) = c,
                None => return found(m, 3),
            }
        }
        if diff & 0xFF << 32 != 0 {
            work.add(1);
            let slot = 8 * usize::from(rol8(b[0] ^ ror8(b[1].wrapping_add(b[2]).wrapping_add(97), 1), 3))
                + 2 * usize::from(ror8(b[1] ^ rol8(b[0].wrapping_add(b[3]), 3), 1));
            match self.refine(data, p, word, m, slot, 4, [b[4], byte(diff, 4)], true) {
                Some(c) => (m, diff) = c,
                None => return found(m, 4),
            }
        }
        if diff & 0xFF << 40 != 0 {
            work.add(1);
            let high = usize::from(rol8(b[4] ^ ror8(b[0], 1).wrapping_add(69), 3))
                + usize::from(ror8(b[1] ^ rol8(b[3], 3), 1));
            let slot = 8 * high + 2 * usize::from(b[2] ^ rol8(b[0], u32::from(b[4])));
            match self.refine(data, p, word, m, slot, 5, [b[5], byte(diff, 5)], true) {
                Some(c) => (m, diff) = c,
                None => return found(m, 5),
            }
        }
        // Six bytes agree; the word tells of two more.
        if diff != 0 {
            return found(m, (diff.trailing_zeros() / 8) as usize);
        }
        let len = 8 + match_len(data, m + 8, p + 8, data.len() - p - 8);
        work.add(len as u64 - 8);
        found(m, len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::matchfinder::tests::hard_inputs;

    #[test]
    fn a_greedy_parse_does_work_linear_in_its_input() {
        for data in hard_inputs() {
            let mut buf = vec![0u8; 1 << 16];
            let mut finder = WindowsFinder::new(&mut Arena::new(&mut buf), 8192);
            let mut work = 0u64;
            let mut pos = 1;
            while pos + 8 <= data.len() {
                let found = finder.search_counting(&data, pos, &mut work);
                if let Some(m) = found {
                    let (len, dist) = (m.len as usize, m.dist as usize);
                    assert!((3..=data.len() - pos).contains(&len) && (1..8192).contains(&dist));
                    assert_eq!(data[pos - dist..pos - dist + len], data[pos..pos + len]);
                }
                pos += found.map_or(1, |m| m.len as usize);
            }
            // At most four slots a search, and the bytes compared are
            // those of the match the parse then steps over.
            let bound = 5 * data.len() as u64;
            assert!(work <= bound, "{work} steps for {} bytes", data.len());
            assert!(work >= data.len() as u64 / 8, "the count counts");
        }
    }
}
