//! The greedy levels' match finder: hash buckets of a few recent
//! positions each, read side by side.

use super::nearest3::NearestThree;
use super::{distance, hash_bits, in_reach, read_u32, Match, HASH_MULTIPLIER};
use crate::bytes;
use crate::lz::arena::Arena;
use crate::lz::extend::match_len;
use crate::lz::window::Window;

/// The fast level's match finder: each hash bucket keeps its `WAYS` most
/// recent positions side by side, so a search reads one cache line and
/// its candidate checks do not wait on one another, unlike a chain walk.
/// With one candidate per bucket a search [`screen`](Self::screen)s it by
/// its hashed bytes, as cheaply as can be; with several it
/// [`probe`](Self::probe)s eight bytes of each at once, which picks the
/// best of most without a branch (few matches are longer). Several
/// candidates serve LZNT1, which searches a [`Window`] at a time.
///
/// `HASH_BYTES` (3 or 4) bytes are hashed and compared first. Four give
/// fewer, better candidates; three find the short matches that small LZNT1
/// chunks live on. Buckets of several candidates over four bytes keep the
/// nearest 3-byte match beside them, as the hash chains do.
pub(crate) struct BucketFinder<'a, const WAYS: usize, const HASH_BYTES: usize> {
    buckets: &'a mut [[u16; WAYS]],
    near3: Option<NearestThree<'a>>,
    hash_shift: u32,
    /// A match this long ends the search.
    nice_len: usize,
}

/// What an unused bucket slot holds: a position half the 16-bit range
/// away, out of reach of the first 32 KiB of input. Zero would stand for
/// position 0, a candidate for every position of the first window that
/// the search must then compare and reject (LZNT1 in 4 KiB pieces: 5%
/// slower).
const EMPTY_SLOT: u16 = 0x8000;

impl<'a, const WAYS: usize, const HASH_BYTES: usize> BucketFinder<'a, WAYS, HASH_BYTES>
where
    [u16; WAYS]: bytemuck::Pod,
{
    /// Moves the bytes hashed of a little-endian u32 to its top: the other
    /// bytes fall out, and equal heads compare to zero.
    const UNHASHED_BITS: u32 = 32 - 8 * HASH_BYTES as u32;

    /// Whether the nearest 3-byte match is kept: beside several
    /// candidates only, so that the fastest level, with one, keeps its
    /// speed (the table costs two candidates a sixth of theirs).
    const KEEPS_NEAR3: bool = HASH_BYTES == 4 && WAYS > 1;

    /// Buckets from what is left of `arena` for an input of `len` bytes
    /// searched up to `max_dist` back: about one bucket per position of the
    /// window, times `2^extra_bits`, as many as fit. A match of `nice_len`
    /// ends a search.
    pub(crate) fn new(arena: &mut Arena<'a>, len: usize, max_dist: usize, extra_bits: u32, nice_len: usize) -> Self {
        debug_assert!(max_dist < 1 << 16);
        let near3 = Self::KEEPS_NEAR3.then(|| NearestThree::new(arena));
        let budget = arena.bytes_left();
        let bits = hash_bits(len.min(max_dist), extra_bits, 8, 14, budget, core::mem::size_of::<[u16; WAYS]>());
        let buckets = arena.groups::<[u16; WAYS]>(1 << bits);
        assert_eq!(buckets.len(), 1 << bits, "the arena holds the buckets");
        buckets.fill([EMPTY_SLOT; WAYS]);
        BucketFinder { buckets, near3, hash_shift: 64 - bits, nice_len }
    }

    #[inline(always)]
    fn hash(&self, head: u32) -> usize {
        (u64::from(head << Self::UNHASHED_BITS).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
    }

    /// Puts `pos` first in its bucket and returns what the bucket held.
    #[inline(always)]
    fn push(&mut self, head: u32, pos: usize) -> [u16; WAYS] {
        if let (true, Some(near3)) = (Self::KEEPS_NEAR3, &mut self.near3) {
            near3.record(head, pos);
        }
        let h = self.hash(head);
        let bucket = &mut self.buckets[h];
        let old = *bucket;
        bucket[0] = pos as u16;
        bucket[1..].copy_from_slice(&old[..WAYS - 1]);
        old
    }

    /// Records `pos` (where `pos + 4 <= data.len()`) as a match source.
    #[inline(always)]
    pub(crate) fn insert(&mut self, data: &[u8], pos: usize) {
        self.push(read_u32(data, pos), pos);
    }

    /// One candidate's search: inserts `pos` (where `pos + 4 <= data.len()`)
    /// and returns the distance of the bucket's candidate, and 1 if it is
    /// at most `reach` back and its hashed bytes match those at `pos`, else
    /// 0. The count is worked out without branches, and the compiler keeps
    /// it so (a length tested against zero it splits into a branch per
    /// condition); whether there is a match is the caller's one branch.
    #[inline(always)]
    pub(crate) fn screen(&mut self, data: &[u8], pos: usize, reach: usize) -> (usize, usize) {
        let head = read_u32(data, pos);
        let dist = distance(pos, self.push(head, pos)[0]);
        // An out-of-reach candidate's bytes are read wherever they are.
        let same = (read_u32(data, pos - dist.min(pos)) ^ head) << Self::UNHASHED_BITS == 0;
        (dist, usize::from(in_reach(dist, reach) & same))
    }

    /// The match [`screen`](Self::screen) found `dist` back, extended to at
    /// most `max_len` bytes (no fewer than the bytes hashed).
    #[inline(always)]
    pub(crate) fn extend_screened(&self, data: &[u8], pos: usize, dist: usize, max_len: usize) -> Match {
        let known = HASH_BYTES;
        let len = known + match_len(data, pos - dist + known, pos + known, max_len - known);
        Match { len: len as u32, dist: dist as u32 }
    }

    /// Records position `pos` of window `w` as a match source.
    #[inline(always)]
    pub(crate) fn insert_in(&mut self, w: &Window<'_>, pos: usize) {
        self.push(w.u32_at(pos), w.start() + pos);
    }

    /// Several candidates' search at position `pos` of window `w`, which
    /// nothing before it may be copied from: inserts `pos` and returns the
    /// best candidate by its first eight bytes (`len` is their common
    /// prefix, which may run past the window's end; the nearest wins a
    /// tie), and the distances of the candidates compared (0 for the
    /// others). Eight bytes at once pick the best of most candidates
    /// without a branch.
    #[inline(always)]
    pub(crate) fn probe(&mut self, w: &Window<'_>, pos: usize) -> (Match, [usize; WAYS]) {
        self.probe_by(w.u64_at(pos), w.start() + pos, pos, |dist| w.u64_at(pos - dist))
    }

    /// [`probe`](Self::probe) at `at`, whose next eight bytes are `here`,
    /// reaching `reach` back, where `eight_back(dist)` reads the eight
    /// bytes `dist` back.
    #[inline(always)]
    fn probe_by(
        &mut self,
        here: u64,
        at: usize,
        reach: usize,
        eight_back: impl Fn(usize) -> u64,
    ) -> (Match, [usize; WAYS]) {
        let candidates = self.push(here as u32, at);
        let mut best = Match::default();
        let mut dists = [0usize; WAYS];
        for (slot, stored) in dists.iter_mut().zip(candidates) {
            let dist = distance(at, stored);
            if !in_reach(dist, reach) {
                // The bucket runs from the most recent position back, so
                // the rest are out of reach too (or alias to nearer
                // positions, which would only be chance candidates). Where
                // many are (most buckets were last written by an earlier
                // window), stopping saves more than the branch costs.
                break;
            }
            let len = (eight_back(dist) ^ here).trailing_zeros() / 8;
            *slot = dist;
            if len > best.len {
                best = Match { len, dist: dist as u32 };
            }
        }
        (best, dists)
    }

    /// The longest match for position `pos` of window `w` at most
    /// `max_len` long (`pos + max_len <= w.len()`), given the answer
    /// `first` of [`probe`](Self::probe) (a match of at least the bytes
    /// hashed).
    #[inline(always)]
    pub(crate) fn extend_probed(
        &self,
        w: &Window<'_>,
        pos: usize,
        first: Match,
        dists: [usize; WAYS],
        max_len: usize,
    ) -> Match {
        self.extend_by(pos, first, dists, max_len, |at| w.byte_at(at), |a, b, limit| w.match_len(a, b, limit))
    }

    /// [`extend_probed`](Self::extend_probed), reading bytes with `byte_at`
    /// and common prefixes with `prefix`.
    #[inline(always)]
    fn extend_by(
        &self,
        pos: usize,
        first: Match,
        dists: [usize; WAYS],
        max_len: usize,
        byte_at: impl Fn(usize) -> u8,
        prefix: impl Fn(usize, usize, usize) -> usize,
    ) -> Match {
        if first.len < 8 || max_len <= 8 {
            return Match { len: first.len.min(max_len as u32), dist: first.dist };
        }
        let near = first.dist as usize;
        let mut best_len = 8 + prefix(pos - near + 8, pos + 8, max_len - 8);
        let mut best = Match { len: best_len as u32, dist: first.dist };
        for dist in dists {
            if best_len >= self.nice_len || best_len >= max_len {
                break;
            }
            // Nearer candidates matched fewer bytes (0 is no candidate).
            if dist <= near {
                continue;
            }
            let c = pos - dist;
            // The byte that would make this candidate better than the best.
            if byte_at(c + best_len) != byte_at(pos + best_len) {
                continue;
            }
            let len = prefix(c, pos, max_len);
            if len > best_len {
                best_len = len;
                best = Match { len: len as u32, dist: dist as u32 };
            }
        }
        best
    }

    /// Several candidates' search at `pos` of `data` (where `pos + 8 <=
    /// data.len()`), for the formats whose window slides: inserts `pos`
    /// and returns the longest match of the bucket at most `max_len` long
    /// and `reach` back, or else the match from the nearest position with
    /// the same three bytes at most `short_reach` back, or length 0.
    #[inline(always)]
    pub(crate) fn search(
        &mut self,
        data: &[u8],
        pos: usize,
        reach: usize,
        max_len: usize,
        short_reach: usize,
    ) -> Match {
        let here = bytes::u64_at(data, pos);
        // Read before `pos` takes its slot, checked only if the bucket
        // has no match.
        let near = match &self.near3 {
            Some(near3) if Self::KEEPS_NEAR3 => near3.candidate(pos, here as u32),
            _ => 0,
        };
        let (first, dists) = self.probe_by(here, pos, reach, |dist| bytes::u64_at(data, pos - dist));
        if (first.len as usize) < HASH_BYTES {
            return match NearestThree::confirm(data, pos, here as u32, near, reach.min(short_reach)) {
                // The bucket may have lost a longer match to other positions.
                Some(dist) if Self::KEEPS_NEAR3 && max_len >= 3 => {
                    let len = 3 + match_len(data, pos - dist + 3, pos + 3, max_len - 3);
                    Match { len: len as u32, dist: dist as u32 }
                }
                _ => Match::default(),
            };
        }
        self.extend_by(pos, first, dists, max_len, |at| data[at], |a, b, limit| match_len(data, a, b, limit))
    }

    /// A one-candidate search, with the match extended.
    #[cfg(test)]
    pub(super) fn find_longest(&mut self, data: &[u8], pos: usize, reach: usize, max_len: usize) -> Match {
        assert_eq!(WAYS, 1, "one candidate is screened; several are probed in a window");
        match self.screen(data, pos, reach) {
            (_, 0) => Match::default(),
            (dist, _) => self.extend_screened(data, pos, dist, max_len),
        }
    }

    /// A several-candidate search in a window, with the match extended.
    #[cfg(test)]
    fn find_longest_in(&mut self, w: &Window<'_>, pos: usize, max_len: usize) -> Match {
        match self.probe(w, pos) {
            (first, _) if (first.len as usize) < HASH_BYTES => Match::default(),
            (first, dists) => self.extend_probed(w, pos, first, dists, max_len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::window::WINDOW_SIZE;

    /// The longest match at `pos`, searched from the start of `data`: one
    /// candidate screened, or several probed in a window of `data`.
    fn longest<const WAYS: usize>(bf: &mut BucketFinder<'_, WAYS, 4>, data: &[u8], pos: usize, cap: usize) -> Match
    where
        [u16; WAYS]: bytemuck::Pod,
    {
        if WAYS == 1 {
            bf.find_longest(data, pos, pos, cap)
        } else {
            let mut spare = None;
            bf.find_longest_in(&Window::new(data, 0, &mut spare), pos, cap)
        }
    }

    fn insert<const WAYS: usize>(bf: &mut BucketFinder<'_, WAYS, 4>, data: &[u8], positions: core::ops::Range<usize>)
    where
        [u16; WAYS]: bytemuck::Pod,
    {
        let mut spare = None;
        let w = Window::new(data, 0, &mut spare);
        for pos in positions {
            if WAYS == 1 {
                bf.insert(data, pos);
            } else {
                bf.insert_in(&w, pos);
            }
        }
    }

    #[test]
    fn buckets_find_the_longest_recent_match() {
        fn check<const WAYS: usize>()
        where
            [u16; WAYS]: bytemuck::Pod,
        {
            fn new<const WAYS: usize>(buf: &mut [u8]) -> BucketFinder<'_, WAYS, 4>
            where
                [u16; WAYS]: bytemuck::Pod,
            {
                BucketFinder::new(&mut Arena::new(buf), 24, 100, 0, 100)
            }
            let data = b"abcdefXabcdeYabcdefZ____";
            let mut buf = vec![0u8; 1 << 16];
            let mut bf = new::<WAYS>(&mut buf);
            let mut best = Match::default();
            for pos in 0..=13 {
                best = longest(&mut bf, data, pos, data.len() - 4 - pos);
            }
            // "abcde" 6 back, then "abcdef" 13 back: the longer wins, if
            // the bucket holds both.
            let found = if WAYS >= 2 { Match { len: 6, dist: 13 } } else { Match { len: 5, dist: 6 } };
            assert_eq!(best, found, "{WAYS} ways");
            // Both candidates match the eight bytes compared first; the
            // farther one goes on for longer, if the bucket holds it.
            let data = b"abcdefghijkl#abcdefghijQ#abcdefghijkl____";
            let mut bf = new::<WAYS>(&mut buf);
            insert(&mut bf, data, 0..25);
            let found = if WAYS >= 2 { Match { len: 12, dist: 25 } } else { Match { len: 10, dist: 12 } };
            assert_eq!(longest(&mut bf, data, 25, 12), found, "{WAYS} ways, past eight bytes");
            // A cap below eight bytes cuts the first comparison short.
            let mut bf = new::<WAYS>(&mut buf);
            insert(&mut bf, data, 0..25);
            assert_eq!(longest(&mut bf, data, 25, 5), Match { len: 5, dist: 12 }, "{WAYS} ways, capped");
        }
        check::<4>();
        check::<2>();
        check::<1>();
    }

    #[test]
    fn a_screen_looks_no_further_back_than_its_reach() {
        let data = b"abcdefXabcdeYabcdefZ____";
        let mut buf = vec![0u8; 1 << 16];
        let mut bf = BucketFinder::<1, 4>::new(&mut Arena::new(&mut buf), 24, 100, 0, 100);
        insert(&mut bf, data, 0..13);
        assert_eq!(bf.find_longest(data, 13, 3, data.len() - 4 - 13).len, 0, "lower bound");
        // "xyzw" at 0, 7 and 13: from 13, a reach of 5 sees neither
        // copy, a reach of 13 the nearer one.
        let data = b"xyzwQQQxyzwRRxyzw_______";
        for (reach, found) in [(5, Match::default()), (13, Match { len: 4, dist: 6 })] {
            let mut bf = BucketFinder::<1, 4>::new(&mut Arena::new(&mut buf), 24, 100, 0, 100);
            insert(&mut bf, data, 0..13);
            assert_eq!(bf.find_longest(data, 13, reach, 4), found, "reach {reach}");
        }
    }

    #[test]
    fn a_probe_never_reaches_into_an_earlier_window() {
        // Two windows of the same bytes, each a pseudo-random half twice:
        // the second window's first half has perfect sources in the first
        // window, out of its reach; its second half has them in itself.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let half: Vec<u8> = (0..WINDOW_SIZE / 2)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 56) as u8
            })
            .collect();
        let data = [&half[..], &half[..], &half[..], &half[..], b"tail"].concat();
        let mut buf = vec![0u8; 1 << 16];
        let mut bf = BucketFinder::<2, 3>::new(&mut Arena::new(&mut buf), data.len(), WINDOW_SIZE - 1, 2, 64);
        let (mut first_spare, mut second_spare) = (None, None);
        let first = Window::new(&data, 0, &mut first_spare);
        for pos in 0..WINDOW_SIZE - 3 {
            bf.insert_in(&first, pos);
        }
        let second = Window::new(&data, WINDOW_SIZE, &mut second_spare);
        let mut found_in_window = 0;
        for pos in 0..WINDOW_SIZE - 3 {
            let cap = (WINDOW_SIZE - pos).min(64);
            let m = bf.find_longest_in(&second, pos, cap);
            if m.len > 0 {
                let (from, n) = (pos - m.dist as usize, m.len as usize);
                assert!(m.dist as usize <= pos, "at {pos}: {m:?} reaches before the window");
                assert_eq!(second.slice(from, from + n), second.slice(pos, pos + n), "at {pos}: {m:?}");
            }
            if pos < WINDOW_SIZE / 2 - 64 {
                assert!(m.len < 8, "at {pos}: {m:?} from an earlier window");
            } else if pos >= WINDOW_SIZE / 2 && m == (Match { len: cap as u32, dist: (WINDOW_SIZE / 2) as u32 }) {
                found_in_window += 1;
            }
        }
        // Two ways per bucket lose a few sources to other positions.
        assert!(found_in_window > WINDOW_SIZE / 2 * 95 / 100, "{found_in_window} found");
    }

    #[test]
    fn probes_near_the_end_of_the_data_stop_at_the_cap() {
        // The eight bytes read at the last positions run past the data and
        // are padded with zeros; a match must still end where the data does.
        for data in [&b"xyzwvxyzw"[..], &[0u8; 10][..], b"abcabcabcab"] {
            let mut buf = vec![0u8; 1 << 16];
            let mut bf = BucketFinder::<2, 3>::new(&mut Arena::new(&mut buf), data.len(), 100, 0, 100);
            let mut spare = None;
            let w = Window::new(data, 0, &mut spare);
            for pos in 0..data.len() - 3 {
                let cap = data.len() - pos;
                let found = bf.find_longest_in(&w, pos, cap);
                assert!(found.len as usize <= cap, "{data:?} at {pos}: {found:?} past the end");
                if found.len > 0 {
                    let from = pos - found.dist as usize;
                    let n = found.len as usize;
                    assert_eq!(data[from..from + n], data[pos..pos + n], "{data:?} at {pos}: {found:?}");
                    // And it is the longest the data allows.
                    assert!(pos + n == data.len() || data[from + n] != data[pos + n], "{data:?} at {pos}: {found:?}");
                }
            }
        }
    }

    #[test]
    fn bucket_tables_take_the_largest_power_of_two_that_fits() {
        let mut buf = vec![0u8; 40_000];
        let mut arena = Arena::new(&mut buf);
        let before = arena.bytes_left();
        let _ = BucketFinder::<4, 3>::new(&mut arena, 1 << 20, 0xFFFF, 0, 100);
        assert_eq!(before - arena.bytes_left(), 32 << 10);
        // Several candidates over four bytes: the 3-byte table first, then
        // the buckets that fit beside it.
        let mut arena = Arena::new(&mut buf);
        let _ = BucketFinder::<2, 4>::new(&mut arena, 1 << 20, 0xFFFF, 0, 100);
        assert_eq!(before - arena.bytes_left(), NearestThree::TABLE_BYTES + (16 << 10));
    }

    #[test]
    fn a_greedy_parse_does_work_bounded_by_the_ways() {
        fn check<const WAYS: usize>(data: &[u8])
        where
            [u16; WAYS]: bytemuck::Pod,
        {
            let nice = 64;
            let mut buf = vec![0u8; 1 << 18];
            let mut bf = BucketFinder::<WAYS, 4>::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF, 0, nice);
            // Candidates read, and bytes compared past the first eight.
            let work = core::cell::Cell::new(0u64);
            let mut pos = 0;
            // As `lz::parse::greedy` parses with several candidates: every
            // position of a match indexed, and none searched.
            while pos + 8 <= data.len() {
                let here = bytes::u64_at(data, pos);
                let eight_back = |dist| {
                    work.set(work.get() + 1);
                    bytes::u64_at(data, pos - dist)
                };
                let (first, dists) = bf.probe_by(here, pos, pos.min(0xFFFF), eight_back);
                let prefix = |a, b, limit| {
                    let n = match_len(data, a, b, limit);
                    work.set(work.get() + 1 + n as u64);
                    n
                };
                let cap = (data.len() - pos).min(0xFFFF);
                let len = match first.len {
                    0..=3 => 1,
                    _ => bf.extend_by(pos, first, dists, cap, |at| data[at], prefix).len as usize,
                };
                for p in pos + 1..(pos + len).min(data.len() - 7) {
                    bf.insert(data, p);
                }
                pos += len;
            }
            // Each search reads its candidates and compares fewer bytes
            // than the nice length at each, but for the match it takes,
            // which the parse steps over.
            let bound = (WAYS as u64 * (nice as u64 + 2) + 1) * data.len() as u64;
            assert!(work.get() <= bound, "{WAYS} ways: {} steps for {} bytes", work.get(), data.len());
            assert!(work.get() >= data.len() as u64 / 64, "the count counts");
        }
        for data in crate::lz::matchfinder::tests::hard_inputs() {
            check::<2>(&data);
            check::<8>(&data);
        }
    }

    #[test]
    fn a_search_takes_the_buckets_longest_match_or_else_the_nearest_three_bytes() {
        let mut buf = vec![0u8; 1 << 16];
        fn new(buf: &mut [u8]) -> BucketFinder<'_, 2, 4> {
            BucketFinder::new(&mut Arena::new(buf), 64, 100, 0, 100)
        }
        // "abcde" 6 back and "abcdef" 13 back: both in the bucket, the
        // longer wins.
        let data = b"abcdefXabcdeYabcdefZ________";
        let mut bf = new(&mut buf);
        insert(&mut bf, data, 0..13);
        assert_eq!(bf.search(data, 13, 13, 8, usize::MAX), Match { len: 6, dist: 13 });
        // No four bytes repeat, three do: the nearest copy of "xyz", if
        // it is within the short reach.
        let data = b"xyzQ____xyzR____xyzS________";
        for (short_reach, found) in [(usize::MAX, Match { len: 3, dist: 8 }), (7, Match::default())] {
            let mut bf = new(&mut buf);
            insert(&mut bf, data, 0..16);
            assert_eq!(bf.search(data, 16, 16, 8, short_reach), found, "short reach {short_reach}");
        }
    }
}
