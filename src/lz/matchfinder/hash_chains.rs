//! The middle levels' match finder: hash chains, walked nearest first to
//! a depth, for the greedy and lazy parsers between the one-candidate
//! buckets of level 1 and the binary trees of the near-optimal levels.

use super::nearest3::NearestThree;
use super::{distance, hash_bits, in_reach, read_u32, Match, SearchLimits, HASH_MULTIPLIER};
use crate::lz::arena::Arena;
use crate::lz::extend::match_len;
use crate::lz::{NoCount, WorkCounter};

/// What an unused head holds: a position half the 16-bit range away (see
/// the buckets' `EMPTY_SLOT`).
const EMPTY_HEAD: u16 = 0x8000;

/// Heads: twice as many as the window has positions (fewer collisions
/// make shorter chains), from 1 Ki to 32 Ki.
const HEAD_BITS_PER_WINDOW: u32 = 1;
const MIN_HASH_BITS: u32 = 10;
const MAX_HASH_BITS: u32 = 15;
const MAX_HEADS: usize = 1 << MAX_HASH_BITS;

/// Links: one per 16-bit position, whatever the window: a link is found
/// by a position's low 16 bits alone, and a fixed-size table needs no
/// bounds check.
const LINKS: usize = 1 << 16;

/// Hash chains over `HASH_BYTES` (3 or 4) bytes: per hash the newest
/// position (its low 16 bits), and per position the distance back to the
/// previous one with its hash. Chains of four bytes keep beside them the
/// newest position by its next three bytes, which finds the nearest 3-byte
/// match (or one of them, where slots collide) that no chain holds. A link
/// is followed only while the distance stays in reach; every candidate's
/// bytes are compared before it is used, so a stale link costs a
/// comparison, never a false match.
///
/// Only the heads are cleared for an input: a link is read only at a
/// position whose low 16 bits a head or a link of this input named, and
/// the position that put them there wrote that link, so the output never
/// depends on what the tables held before.
pub(crate) struct HashChains<'a, const HASH_BYTES: usize> {
    /// The heads in use are the first `1 << (64 - hash_shift)`.
    heads: &'a mut [u16; MAX_HEADS],
    /// With chains of four bytes: the nearest 3-byte match, which no
    /// chain holds.
    near3: Option<NearestThree<'a>>,
    /// Distance to the previous position of the chain (0 for none) by
    /// position modulo 64 Ki.
    links: &'a mut [u16; LINKS],
    hash_shift: u32,
}

impl<'a, const HASH_BYTES: usize> HashChains<'a, HASH_BYTES> {
    /// Moves the bytes hashed of a little-endian u32 to its top.
    const UNHASHED_BITS: u32 = 32 - 8 * HASH_BYTES as u32;

    /// The bytes of the tables, whatever the input and the window, and
    /// what aligning a workspace may cost.
    pub(crate) const TABLE_BYTES: usize =
        2 * MAX_HEADS + 2 * LINKS + if HASH_BYTES == 4 { NearestThree::TABLE_BYTES } else { 0 } + 8;

    /// Chains from `arena` for an input of `len` bytes searched up to
    /// `max_dist` (below 64 KiB) back.
    pub(crate) fn new(arena: &mut Arena<'a>, len: usize, max_dist: usize) -> Self {
        debug_assert!(max_dist < 1 << 16);
        let links = arena.u16s(LINKS).try_into().expect("the arena holds the links");
        let heads: &mut [u16; MAX_HEADS] = arena.u16s(MAX_HEADS).try_into().expect("the arena holds the heads");
        let bits = hash_bits(len.min(max_dist), HEAD_BITS_PER_WINDOW, MIN_HASH_BITS, MAX_HASH_BITS, usize::MAX, 2);
        heads[..1 << bits].fill(EMPTY_HEAD);
        let near3 = (HASH_BYTES == 4).then(|| NearestThree::new(arena));
        HashChains { heads, near3, links, hash_shift: 64 - bits }
    }

    /// The head slot of the bytes `head` (masked only to spare the bounds
    /// check: the hash is below the heads in use).
    #[inline(always)]
    fn slot(&self, head: u32) -> usize {
        (u64::from(head << Self::UNHASHED_BITS).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
            & (MAX_HEADS - 1)
    }

    /// Puts `pos` at the head of its chain and returns the distance to
    /// the head it replaced.
    #[inline(always)]
    fn push(&mut self, head: u32, pos: usize) -> usize {
        if let (4, Some(near3)) = (HASH_BYTES, &mut self.near3) {
            near3.record(head, pos);
        }
        let h = self.slot(head);
        let dist = distance(pos, self.heads[h]);
        self.heads[h] = pos as u16;
        self.links[usize::from(pos as u16)] = dist as u16;
        dist
    }

    /// Records `pos` (where `pos + 4 <= data.len()`) as a match source.
    #[inline(always)]
    pub(crate) fn insert(&mut self, data: &[u8], pos: usize) {
        self.push(read_u32(data, pos), pos);
    }

    /// Inserts `pos` (where `pos + 4 <= data.len()`) and returns the
    /// longest match there longer than `longer_than` bytes, at most
    /// `max_len` long and `reach` back, of the `limits.depth` nearest
    /// candidates (the nearest of equal ones), or length 0. A match of
    /// `limits.nice_len` ends the walk.
    #[inline(always)]
    pub(crate) fn find(
        &mut self,
        data: &[u8],
        pos: usize,
        reach: usize,
        max_len: usize,
        limits: SearchLimits,
        longer_than: usize,
    ) -> Match {
        self.find_counting(data, pos, reach, max_len, limits, longer_than, &mut NoCount)
    }

    /// [`find`](Self::find), counting into `work` the candidates visited
    /// and the bytes compared past the ones hashed.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn find_counting(
        &mut self,
        data: &[u8],
        pos: usize,
        reach: usize,
        max_len: usize,
        limits: SearchLimits,
        longer_than: usize,
        work: &mut impl WorkCounter,
    ) -> Match {
        let here = read_u32(data, pos);
        let mut best = Match::default();
        if let (4, Some(near3)) = (HASH_BYTES, &self.near3) {
            if longer_than < 3 && max_len >= 3 {
                if let Some(dist) = near3.find(data, pos, here, reach) {
                    best = Match { len: 3, dist: dist as u32 };
                }
            }
        }
        let mut dist = self.push(here, pos);
        // A candidate must pass `best_len`: the four bytes that end one
        // past it are compared first, which rules out most at once (the
        // hashed bytes themselves before any match is found).
        let mut best_len = longer_than.max(HASH_BYTES - 1);
        if best_len >= max_len {
            return best;
        }
        // The tail's offset and the bytes of it that count (three of the
        // hashed ones before a match is found), updated with `best_len`.
        let tail_of = |best_len: usize| match best_len.checked_sub(3) {
            Some(at) => (at, u32::MAX),
            None => (0, 0x00FF_FFFF),
        };
        let (mut tail_at, mut mask) = tail_of(best_len);
        let mut tail = read_u32(data, pos + tail_at);
        for _ in 0..limits.depth {
            if !in_reach(dist, reach) {
                break;
            }
            let c = pos - dist;
            work.add(1);
            let tail_agrees = (read_u32(data, c + tail_at) ^ tail) & mask == 0;
            if tail_agrees && (read_u32(data, c) ^ here) << Self::UNHASHED_BITS == 0 {
                let len = HASH_BYTES + match_len(data, c + HASH_BYTES, pos + HASH_BYTES, max_len - HASH_BYTES);
                work.add((len - HASH_BYTES) as u64);
                if len > best_len {
                    best = Match { len: len as u32, dist: dist as u32 };
                    best_len = len;
                    if len >= limits.nice_len || len >= max_len {
                        break;
                    }
                    (tail_at, mask) = tail_of(best_len);
                    tail = read_u32(data, pos + tail_at);
                }
            }
            let step = usize::from(self.links[usize::from(c as u16)]);
            if step == 0 {
                break;
            }
            dist += step;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::matchfinder::tests::hard_inputs;

    #[test]
    fn chains_find_the_longest_nearest_match_within_reach() {
        let data = b"abcdXabcdeYabcdeZabcdefQQQQabcdefg-------".to_vec();
        let mut buf = vec![0u8; 1 << 18];
        let mut mf = HashChains::<4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        let at = 27;
        for p in 0..at {
            mf.insert(&data, p);
        }
        let max_len = data.len() - at - 4;
        assert_eq!(mf.find(&data, at, at, max_len, limits, 0), Match { len: 6, dist: 10 });
        // Out of reach, or not longer than asked, it is not found.
        let mut mf = HashChains::<4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        for p in 0..at {
            mf.insert(&data, p);
        }
        assert_eq!(mf.find(&data, at, 9, max_len, limits, 0), Match::default());
        let mut mf = HashChains::<4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        for p in 0..at {
            mf.insert(&data, p);
        }
        assert_eq!(mf.find(&data, at, at, max_len, limits, 6), Match::default());
        // A depth of one sees only the nearest.
        let mut mf = HashChains::<4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        for p in 0..at {
            mf.insert(&data, p);
        }
        let shallow = SearchLimits { depth: 1, nice_len: 100 };
        assert_eq!(mf.find(&data, at, at, max_len, shallow, 0), Match { len: 6, dist: 10 });
        let mut mf = HashChains::<4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        for p in 0..at - 1 {
            mf.insert(&data, p);
        }
        assert_eq!(
            mf.find(&data, at - 1, at - 1, max_len, shallow, 0),
            Match::default(),
            "nothing before starts with Qabc"
        );
    }

    #[test]
    fn a_greedy_parse_does_work_bounded_by_the_depth() {
        let limits = SearchLimits { depth: 24, nice_len: 64 };
        for data in hard_inputs() {
            let mut buf = vec![0u8; 1 << 18];
            let mut mf = HashChains::<3>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
            let mut work = 0u64;
            let mut pos = 0;
            while pos + 4 <= data.len() {
                let max_len = data.len() - pos;
                let m = mf.find_counting(&data, pos, pos.min(0xFFFF), max_len, limits, 0, &mut work);
                let len = (m.len as usize).max(1);
                if m.len > 0 {
                    let dist = m.dist as usize;
                    assert_eq!(data[pos - dist..pos - dist + len], data[pos..pos + len]);
                }
                for p in pos + 1..(pos + len).min(data.len() - 3) {
                    mf.insert(&data, p);
                }
                pos += len;
            }
            // Each search visits at most `depth` candidates, and each of
            // them compares fewer bytes than the nice length, but the one
            // it takes (which the parse steps over).
            let bound = (u64::from(limits.depth) * limits.nice_len as u64 + 1) * data.len() as u64;
            assert!(work <= bound, "{work} steps for {} bytes", data.len());
        }
    }
}
