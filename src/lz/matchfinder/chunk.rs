//! The match finders of Windows' LZNT1 engines, over one chunk's
//! [`Window`] at a time: the standard engine's two-slot buckets, and the
//! maximum engine's scan of every earlier position. The chunk writer asks
//! them at every position, as Windows does.

use crate::lz::arena::Arena;
use crate::lz::window::Window;

/// The shortest match.
const MIN_MATCH: usize = 3;

/// Buckets: one per 12-bit hash.
const BUCKETS: usize = 4096;

/// How one of Windows' LZNT1 engines finds a match.
pub(crate) trait ChunkSearch {
    /// The match the engine takes at position `p` of the chunk in window
    /// `w` (where `p + 3 <= w.len()`), at most `max_len` long: `(length,
    /// source)`, positions in the chunk.
    fn find(&mut self, w: &Window<'_>, p: usize, max_len: usize) -> Option<(usize, usize)>;
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
    fn find(&mut self, w: &Window<'_>, p: usize, max_len: usize) -> Option<(usize, usize)> {
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
        if !(newest_alike | older_alike) {
            return None;
        }
        // Ties go to the newer, so the older one matters only if it goes
        // on past the newer's length.
        let first = if newest_alike { 3 + w.match_len(newest + 3, p + 3, limit - 3) } else { 0 };
        let older_passes = first == 0 || (first < limit && w.byte_at(older + first) == w.byte_at(p + first));
        if older_alike && older_passes {
            let second = 3 + w.match_len(older + 3, p + 3, limit - 3);
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
    fn find(&mut self, w: &Window<'_>, p: usize, max_len: usize) -> Option<(usize, usize)> {
        let limit = max_len.min(w.len() - p);
        // Ties go to the latest position: the smallest displacement.
        // Positions that cannot tie the best so far are passed over on one
        // byte: the first, or the last the best one matched.
        let mut best = (0, 0);
        for q in 0..p {
            let last = best.0.max(1) - 1;
            if w.byte_at(q + last) != w.byte_at(p + last) || w.byte_at(q) != w.byte_at(p) {
                continue;
            }
            let len = w.match_len(q, p, limit);
            if len >= best.0 {
                best = (len, q);
            }
        }
        (best.0 >= MIN_MATCH).then_some(best)
    }
}
