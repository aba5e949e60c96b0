//! The match finders of Windows' LZNT1 engines, over one chunk's
//! [`Window`] at a time: the standard engine's two-slot buckets, and the
//! maximum engine's scan of every earlier position. The chunk writer asks
//! them at every position, as Windows does.

use crate::lz::arena::Arena;
use crate::lz::window::Window;
use crate::lz::{NoCount, WorkCounter};

/// The shortest match.
const MIN_MATCH: usize = 3;

/// Buckets: one per 12-bit hash.
const BUCKETS: usize = 4096;

/// How one of Windows' LZNT1 engines finds a match.
pub(crate) trait ChunkSearch {
    /// The match the engine takes at position `p` of the chunk in window
    /// `w` (where `p + 3 <= w.len()`), at most `max_len` long: `(length,
    /// source)`, positions in the chunk.
    #[inline(always)]
    fn find(&mut self, w: &Window<'_>, p: usize, max_len: usize) -> Option<(usize, usize)> {
        self.find_counting(w, p, max_len, &mut NoCount)
    }

    /// [`find`](Self::find), counting into `work` the candidates it
    /// visits and the bytes it compares past their first: tests bound the
    /// work with it.
    fn find_counting(
        &mut self,
        w: &Window<'_>,
        p: usize,
        max_len: usize,
        work: &mut impl WorkCounter,
    ) -> Option<(usize, usize)>;
}

/// The standard engine's finder: per hash of three bytes, the two most
/// recent positions in the input (newest first), `u32::MAX` for none.
pub(crate) struct ChunkBuckets<'a>(&'a mut [[u32; 2]]);

impl<'a> ChunkBuckets<'a> {
    /// Empty buckets from `arena` (Windows' standard workspace holds them).
    pub(crate) fn new(arena: &mut Arena<'a>) -> Self {
        let slots = arena.groups::<[u32; 2]>(BUCKETS);
        assert_eq!(slots.len(), BUCKETS, "the arena holds the buckets");
        slots.fill([u32::MAX; 2]);
        ChunkBuckets(slots)
    }
}

impl ChunkSearch for ChunkBuckets<'_> {
    #[inline(always)]
    fn find_counting(
        &mut self,
        w: &Window<'_>,
        p: usize,
        max_len: usize,
        work: &mut impl WorkCounter,
    ) -> Option<(usize, usize)> {
        let limit = max_len.min(w.len() - p);
        let head = w.u32_at(p) & 0x00FF_FFFF;
        let [b0, b1, b2, _] = head.to_le_bytes().map(u32::from);
        let x = b0 << 8 ^ b1 << 4 ^ b2;
        let slot = &mut self.0[(x.wrapping_mul(40543) >> 4) as usize & (BUCKETS - 1)];
        let [newest, older] = *slot;
        *slot = [(w.start() + p) as u32, newest];
        // A candidate counts only inside the chunk, before `p`, and with
        // the same three bytes. Both are tested without a branch: whether
        // either holds is the one unpredictable decision, and taking it
        // once halves the mispredicted branches (cachegrind).
        let [newest, older] = [newest, older].map(|c| (c as usize).wrapping_sub(w.start()));
        let starts_alike = |c: usize| (c < p) & ((w.u32_at(c) ^ head) & 0x00FF_FFFF == 0);
        let (newest_alike, older_alike) = (starts_alike(newest), starts_alike(older));
        work.add(2);
        if !(newest_alike | older_alike) {
            return None;
        }
        // Ties go to the newer, so the older one matters only if it goes
        // on past the newer's length.
        let first = if newest_alike { 3 + w.match_len(newest + 3, p + 3, limit - 3) } else { 0 };
        work.add(first as u64);
        // `older` may name no position here (it wraps): the window masks it.
        let older_passes =
            first == 0 || (first < limit && w.byte_at(older.wrapping_add(first)) == w.byte_at(p + first));
        if older_alike && older_passes {
            let second = 3 + w.match_len(older + 3, p + 3, limit - 3);
            work.add(second as u64);
            if second > first {
                return Some((second, older));
            }
        }
        Some((first, newest))
    }
}

/// The maximum engine's finder: every earlier position of the chunk.
pub(crate) struct ChunkScan;

impl ChunkSearch for ChunkScan {
    #[inline(always)]
    fn find_counting(
        &mut self,
        w: &Window<'_>,
        p: usize,
        max_len: usize,
        work: &mut impl WorkCounter,
    ) -> Option<(usize, usize)> {
        let limit = max_len.min(w.len() - p);
        // Ties go to the latest position: the smallest displacement.
        // Positions that cannot tie the best so far are passed over on one
        // byte: the first, or the last the best one matched.
        let mut best = (0, 0);
        work.add(p as u64);
        for q in 0..p {
            let last = best.0.max(1) - 1;
            if w.byte_at(q + last) != w.byte_at(p + last) || w.byte_at(q) != w.byte_at(p) {
                continue;
            }
            let len = w.match_len(q, p, limit);
            work.add(len as u64);
            if len >= best.0 {
                best = (len, q);
            }
        }
        (best.0 >= MIN_MATCH).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::matchfinder::tests::hard_inputs;
    use crate::lz::window::WINDOW_SIZE;

    /// The work of a greedy parse of each chunk of `data` with `search`,
    /// at the positions Windows' chunk writer searches, the most of any
    /// chunk; every match checked.
    fn most_work_in_a_chunk(data: &[u8], search: &mut impl ChunkSearch) -> u64 {
        let mut most = 0;
        for start in (0..data.len()).step_by(WINDOW_SIZE) {
            let mut spare = None;
            let w = Window::new(data, start, &mut spare);
            let mut work = 0u64;
            let mut p = 0;
            while p + MIN_MATCH <= w.len() {
                // The longest copy at this point of a chunk: any cap
                // will do for the bound.
                let max_len = 18 + p;
                match search.find_counting(&w, p, max_len, &mut work) {
                    Some((len, from)) => {
                        assert!(from < p && len >= MIN_MATCH && len <= max_len.min(w.len() - p));
                        assert_eq!(w.slice(from, from + len), w.slice(p, p + len));
                        p += len;
                    }
                    None => p += 1,
                }
            }
            most = most.max(work);
        }
        most
    }

    #[test]
    fn the_standard_search_does_work_linear_in_a_chunk() {
        for data in hard_inputs() {
            let mut buf = vec![0u8; 1 << 16];
            let most = most_work_in_a_chunk(&data, &mut ChunkBuckets::new(&mut Arena::new(&mut buf)));
            // Two slots a position, and the bytes compared are at most
            // twice those of the match the parse then steps over.
            assert!((1..=4 * WINDOW_SIZE as u64).contains(&most), "{most} steps in a chunk");
        }
    }

    #[test]
    fn the_maximum_search_is_bounded_in_a_chunk() {
        let mut most = 0;
        for data in hard_inputs() {
            most = most.max(most_work_in_a_chunk(&data, &mut ChunkScan));
        }
        // Every earlier position a search, and the bytes of those that
        // can beat the best so far: quadratic in a chunk by design, and
        // never more than its square.
        let square = (WINDOW_SIZE * WINDOW_SIZE) as u64;
        assert!((square / 64..=square).contains(&most), "{most} steps in a chunk");
    }
}
