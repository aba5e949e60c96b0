//! Match finders shared by the three encoders, over tables borrowed from
//! an [`Arena`].
//!
//! Positions are stored as their low 16 bits (but for the roots of the
//! maximum level's trees): a 64 KiB window is the most any format reaches,
//! and half-size tables keep more of them in cache and fit Windows'
//! workspace budgets. A stored value names the nearest position with those
//! low bits; entries from further back alias to nearer positions, which is
//! harmless because every match's bytes are compared before it is used.
//! Tables are cleared or written before they are read for each input, so
//! the output never depends on what a caller's workspace held.

use super::arena::Arena;
use super::window::Window;

/// Fibonacci hashing: the top bits of the 64-bit product depend on every
/// input bit (a 32-bit product's top byte barely moves between "abcd",
/// "bcde" and "cdef", which then share a bucket).
const HASH_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// A match: `len` bytes at `dist` bytes back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

impl Match {
    /// Both fields in one word, for the optimal parser's tables (lengths
    /// and distances stay below 2^16 there).
    #[inline(always)]
    pub(crate) fn pack(self) -> u32 {
        debug_assert!(self.len <= 0xFFFF && self.dist <= 0xFFFF);
        self.len << 16 | self.dist
    }

    #[inline(always)]
    pub(crate) fn unpack(word: u32) -> Self {
        Match { len: word >> 16, dist: word & 0xFFFF }
    }
}

/// How far and how hard to search.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SearchLimits {
    /// Candidates examined per position at most.
    pub(crate) depth: u32,
    /// A match this long ends the search.
    pub(crate) nice_len: usize,
}

/// The length of the common prefix of `data[a..]` and `data[b..]`, at most
/// `limit` (the caller guarantees `b + limit <= data.len()` and `a < b`).
#[inline(always)]
pub(crate) fn match_len(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    common_prefix(|at| u64::from_le_bytes(data[at..at + 8].try_into().unwrap()), |at| data[at], a, b, limit)
}

/// The length of the common prefix of the bytes at `a` and at `b`, at most
/// `limit`, read eight at a time by `u64_at` and one by `byte_at`: a slice
/// reads them with bounds checks, a [`Window`] without.
#[inline(always)]
pub(crate) fn common_prefix(
    u64_at: impl Fn(usize) -> u64,
    byte_at: impl Fn(usize) -> u8,
    a: usize,
    b: usize,
    limit: usize,
) -> usize {
    let mut n = 0;
    while n + 8 <= limit {
        let diff = u64_at(a + n) ^ u64_at(b + n);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < limit && byte_at(a + n) == byte_at(b + n) {
        n += 1;
    }
    n
}

/// Hash bits for a window of `span` positions: enough slots for the window
/// and no more (the table is read at random for every position and must
/// stay in a near cache), within `min..=max` and the `budget` in bytes of
/// a table of `entry`-byte slots.
const fn hash_bits(span: usize, extra: u32, min: u32, max: u32, budget: usize, entry: usize) -> u32 {
    let slots = if budget / entry > 1 { budget / entry } else { 1 };
    let fits = usize::BITS - 1 - slots.leading_zeros();
    let wanted = usize::BITS - (span | 1).leading_zeros() + extra;
    let bits = if wanted < min {
        min
    } else if wanted > max {
        max
    } else {
        wanted
    };
    if bits < fits {
        bits
    } else {
        fits
    }
}

/// The distance from `pos` back to the nearest position whose low 16 bits
/// are `stored`: 0 for `pos` itself (or 64 KiB back), which no match uses.
#[inline(always)]
fn distance(pos: usize, stored: u16) -> usize {
    usize::from((pos as u16).wrapping_sub(stored))
}

/// Whether a match `dist` back is usable: 1 to `reach` bytes back. (Distance
/// 0 wraps to a huge value and fails with the far ones.)
#[inline(always)]
fn in_reach(dist: usize, reach: usize) -> bool {
    dist.wrapping_sub(1) < reach
}

/// Binary trees, for the maximum level. `head` maps a hash of the next
/// three bytes to the most recent position with that hash, the root of a
/// binary search tree of the earlier ones, ordered by the bytes that follow
/// them. Inserting a position walks down from the root, as a search does,
/// and makes the new position the root: the nodes passed go to its smaller
/// or larger side. The walk passes the positions that share the longest
/// prefixes with the new one, so a few dozen steps find what a hash chain
/// finds in hundreds, or misses (plain LZ77 on the bench corpus: about 2.5
/// times the speed of chains 256 deep; 0.3% smaller on the Windows corpus).
///
/// `children` holds each position's two subtrees, indexed modulo a power of
/// two larger than any distance searched. A child was in reach of its
/// parent when linked, and is older: distances grow along every path, and
/// a stored child that does not lie further back than its parent is none.
/// That is how a slot says "empty": it names its own node. The roots are
/// full positions, so a walk never starts in a tree it does not belong to.
/// Further down a tree can still mislead (a subtree moved up may lie more
/// than 64 KiB before its new parent and pose as a nearer position), which
/// costs at most a worse search: every match is checked whole.
pub(crate) struct TreeFinder<'a> {
    head: &'a mut [u32],
    hash_shift: u32,
    /// The subtrees of positions whose following bytes sort before and
    /// after a node's.
    children: &'a mut [[u16; 2]],
    ring_mask: usize,
}

/// What a root slot holds before its first position: no position is this
/// close to the end of the address space, so it is never in reach.
const NO_ROOT: u32 = u32::MAX;

/// The smaller (`0`) or larger (`1`) subtree of a node, by ring index.
type Slot = (usize, usize);

impl<'a> TreeFinder<'a> {
    /// Bytes the tables for `len` input bytes searched up to `max_dist`
    /// back take at most.
    pub(crate) const fn table_bytes(len: usize, max_dist: usize) -> usize {
        4 * (1 << Self::hash_bits(len, max_dist)) + 4 * Self::ring_len(len, max_dist)
    }

    const fn hash_bits(len: usize, max_dist: usize) -> u32 {
        let span = if len < max_dist { len } else { max_dist };
        hash_bits(span, 0, 10, 15, usize::MAX, 4)
    }

    const fn ring_len(len: usize, max_dist: usize) -> usize {
        let window = (max_dist + 1).next_power_of_two();
        let input = if len == 0 { 1 } else { len.next_power_of_two() };
        if window < input {
            window
        } else {
            input
        }
    }

    /// Tables from `arena` for an input of `len` bytes searched up to
    /// `max_dist` (< 65536) back.
    pub(crate) fn new(arena: &mut Arena<'a>, len: usize, max_dist: usize) -> Self {
        debug_assert!(max_dist < 1 << 16);
        let bits = Self::hash_bits(len, max_dist);
        let head = arena.u32s(1 << bits);
        head.fill(NO_ROOT);
        let ring_len = Self::ring_len(len, max_dist);
        let children = arena.groups::<[u16; 2]>(ring_len);
        assert_eq!(children.len(), ring_len, "the arena holds the trees");
        TreeFinder { head, hash_shift: 64 - bits, children, ring_mask: ring_len - 1 }
    }

    #[inline(always)]
    fn hash(&self, data: &[u8], pos: usize) -> usize {
        // Three bytes are hashed, so that every 3-byte match can be found.
        let v = read_u32(data, pos) & 0x00FF_FFFF;
        (u64::from(v).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
    }

    /// Records `pos` (where `pos + 4 <= data.len()`) as a match source in
    /// the window that ends at `window_end`.
    #[inline]
    pub(crate) fn insert(&mut self, data: &[u8], pos: usize, reach: usize, window_end: usize, limits: SearchLimits) {
        self.find_all(data, pos, reach, window_end, 0, limits, &mut []);
    }

    /// Every match for `pos` at most `reach` back and `max_len` long that
    /// is longer than all nearer ones (so in increasing length), packed
    /// into `found` while it has room (`limits.depth` is always enough);
    /// returns how many. Inserts `pos`.
    ///
    /// The tree's order is by the bytes up to `nice_len` or the window's
    /// end, whichever comes first: a limit that within a window only ever
    /// shrinks from one position to the next, so two nodes that compare
    /// equal (the new one then takes the old one's place, out of order with
    /// its subtrees beyond the limit) never mislead a later walk, which
    /// compares less. A match found that long is extended to `max_len`
    /// apart.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn find_all(
        &mut self,
        data: &[u8],
        pos: usize,
        reach: usize,
        window_end: usize,
        max_len: usize,
        limits: SearchLimits,
        found: &mut [u32],
    ) -> usize {
        let limit = limits.nice_len.min(window_end - pos);
        let h = self.hash(data, pos);
        let root = self.head[h];
        self.head[h] = pos as u32;
        let node = pos & self.ring_mask;
        // The slots the next nodes passed go to, on the smaller and the
        // larger side, with the prefix every node on that side shares.
        let mut smaller: Slot = (node, 0);
        let mut larger: Slot = (node, 1);
        let (mut smaller_len, mut larger_len) = (0usize, 0usize);
        let mut count = 0;
        let mut best_len = 2usize;
        let mut dist = pos.wrapping_sub(root as usize);
        let mut last_dist = 0;
        for _ in 0..limits.depth {
            if !in_reach(dist, reach) || dist <= last_dist {
                break;
            }
            let c = pos - dist;
            let known = smaller_len.min(larger_len);
            let len = known + match_len(data, c + known, pos + known, limit - known);
            if len.min(max_len) > best_len && match_len(data, c, pos, known) == known {
                // The tree vouches for the first `known` bytes, but a tree
                // can mislead (see the type's documentation): a match is
                // only recorded once its whole length is checked.
                let whole = if len == limit && max_len > len {
                    len + match_len(data, c + len, pos + len, max_len - len)
                } else {
                    len.min(max_len)
                };
                best_len = whole;
                if let Some(slot) = found.get_mut(count) {
                    *slot = Match { len: whole as u32, dist: dist as u32 }.pack();
                    count += 1;
                }
            }
            let c_node = c & self.ring_mask;
            if len == limit {
                // As far as the order goes, `pos` is `c`: it takes over
                // `c`'s subtrees, and `c` leaves the tree.
                let [below, above] = self.children[c_node];
                self.set(smaller, self.adopted(below, c, smaller, pos));
                self.set(larger, self.adopted(above, c, larger, pos));
                return count;
            }
            let next = if data[c + len] < data[pos + len] {
                // `c` and its smaller subtree sort before `pos`; the walk
                // goes on in its larger one.
                self.set(smaller, c as u16);
                smaller = (c_node, 1);
                smaller_len = len;
                self.children[c_node][1]
            } else {
                self.set(larger, c as u16);
                larger = (c_node, 0);
                larger_len = len;
                self.children[c_node][0]
            };
            last_dist = dist;
            dist = distance(pos, next);
        }
        // Beyond the walk the trees are cut off: both open slots are empty.
        self.set(smaller, self.ring_position(smaller.0, pos));
        self.set(larger, self.ring_position(larger.0, pos));
        count
    }

    #[inline(always)]
    fn set(&mut self, (node, side): Slot, value: u16) {
        self.children[node][side] = value;
    }

    /// The low 16 bits of the position at ring index `node`: the node
    /// passed last on its side (or `pos`), at most a ring back.
    #[inline(always)]
    fn ring_position(&self, node: usize, pos: usize) -> u16 {
        (pos - ((pos - node) & self.ring_mask)) as u16
    }

    /// A child of `c` moved to the slot `to`: if it was `c`'s "empty",
    /// it is the slot owner's.
    #[inline(always)]
    fn adopted(&self, child: u16, c: usize, to: Slot, pos: usize) -> u16 {
        if child == c as u16 {
            self.ring_position(to.0, pos)
        } else {
            child
        }
    }
}

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
/// chunks live on.
pub(crate) struct BucketFinder<'a, const WAYS: usize, const HASH_BYTES: usize> {
    buckets: &'a mut [[u16; WAYS]],
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

/// The four bytes at `pos` (which the caller keeps 4 bytes from the end).
#[inline(always)]
fn read_u32(data: &[u8], pos: usize) -> u32 {
    let bytes = &data[pos..][..4];
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

impl<'a, const WAYS: usize, const HASH_BYTES: usize> BucketFinder<'a, WAYS, HASH_BYTES>
where
    [u16; WAYS]: bytemuck::Pod,
{
    /// Moves the bytes hashed of a little-endian u32 to its top: the other
    /// bytes fall out, and equal heads compare to zero.
    const UNHASHED_BITS: u32 = 32 - 8 * HASH_BYTES as u32;

    /// Buckets from what is left of `arena` for an input of `len` bytes
    /// searched up to `max_dist` back: about one bucket per position of the
    /// window, times `2^extra_bits`, as many as fit. A match of `nice_len`
    /// ends a search.
    pub(crate) fn new(arena: &mut Arena<'a>, len: usize, max_dist: usize, extra_bits: u32, nice_len: usize) -> Self {
        debug_assert!(max_dist < 1 << 16);
        let budget = arena.bytes_left();
        let bits = hash_bits(len.min(max_dist), extra_bits, 8, 14, budget, core::mem::size_of::<[u16; WAYS]>());
        let buckets = arena.groups::<[u16; WAYS]>(1 << bits);
        assert_eq!(buckets.len(), 1 << bits, "the arena holds the buckets");
        buckets.fill([EMPTY_SLOT; WAYS]);
        BucketFinder { buckets, hash_shift: 64 - bits, nice_len }
    }

    #[inline(always)]
    fn hash(&self, head: u32) -> usize {
        (u64::from(head << Self::UNHASHED_BITS).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
    }

    /// Puts `pos` first in its bucket and returns what the bucket held.
    #[inline(always)]
    fn push(&mut self, head: u32, pos: usize) -> [u16; WAYS] {
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
        let here = w.u64_at(pos);
        let at = w.start() + pos;
        let candidates = self.push(here as u32, at);
        let mut best = Match::default();
        let mut dists = [0usize; WAYS];
        for (slot, stored) in dists.iter_mut().zip(candidates) {
            let dist = distance(at, stored);
            if !in_reach(dist, pos) {
                // The bucket runs from the most recent position back, so
                // the rest are out of reach too (or alias to nearer
                // positions, which would only be chance candidates). Where
                // many are (most buckets were last written by an earlier
                // window), stopping saves more than the branch costs.
                break;
            }
            let len = (w.u64_at(pos - dist) ^ here).trailing_zeros() / 8;
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
        if first.len < 8 || max_len <= 8 {
            return Match { len: first.len.min(max_len as u32), dist: first.dist };
        }
        let near = first.dist as usize;
        let mut best_len = 8 + w.match_len(pos - near + 8, pos + 8, max_len - 8);
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
            if w.byte_at(c + best_len) != w.byte_at(pos + best_len) {
                continue;
            }
            let len = w.match_len(c, pos, max_len);
            if len > best_len {
                best_len = len;
                best = Match { len: len as u32, dist: dist as u32 };
            }
        }
        best
    }

    /// A one-candidate search, with the match extended.
    #[cfg(test)]
    fn find_longest(&mut self, data: &[u8], pos: usize, reach: usize, max_len: usize) -> Match {
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
    use crate::lz::window::{WINDOW_SIZE, WINDOW_SLACK};

    fn unpacked(found: &[u32]) -> Vec<Match> {
        found.iter().map(|&w| Match::unpack(w)).collect()
    }

    #[test]
    fn trees_report_every_longer_match_nearest_first() {
        let data = b"abcdefXabcdeYabcdefZ____";
        let mut buf = vec![0u8; 1 << 16];
        let mut mf = TreeFinder::new(&mut Arena::new(&mut buf), data.len(), 100);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        let mut found = [0u32; 16];
        let mut n = 0;
        for pos in 0..=13 {
            n = mf.find_all(data, pos, pos, data.len(), data.len() - 4 - pos, limits, &mut found);
        }
        // At 13: "abcde" 6 back (length 5), then "abcdef" 13 back (length 6).
        assert_eq!(unpacked(&found[..n]), [Match { len: 5, dist: 6 }, Match { len: 6, dist: 13 }]);
    }

    #[test]
    fn trees_respect_the_lower_bound() {
        let data = b"abcabcabcabc____";
        let mut buf = vec![0u8; 1 << 16];
        let mut mf = TreeFinder::new(&mut Arena::new(&mut buf), data.len(), 3);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        for pos in 0..6 {
            mf.insert(data, pos, pos, data.len(), limits);
        }
        let mut found = [0u32; 16];
        assert_eq!(mf.find_all(data, 6, 0, data.len(), 6, limits, &mut found), 0);
        let n = mf.find_all(data, 9, 3, data.len(), 3, limits, &mut found);
        assert_eq!(unpacked(&found[..n]), [Match { len: 3, dist: 3 }]);
    }

    #[test]
    fn a_misleading_tree_never_yields_a_false_match() {
        // Two letters at random: many shared prefixes. Once the trees are
        // built, every node's subtrees are rewired to its two predecessors,
        // which the walk accepts (they are older) but which are in no
        // order: the prefixes the walk then takes as known are often not
        // shared. Every match reported must still be real.
        let mut x = 7u32;
        let data: Vec<u8> = (0..4000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                b'a' + (x >> 30 & 1) as u8
            })
            .collect();
        let mut buf = vec![0u8; 1 << 20];
        let mut mf = TreeFinder::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
        let limits = SearchLimits { depth: 32, nice_len: 64 };
        for pos in 0..2000 {
            mf.insert(&data, pos, pos, data.len(), limits);
        }
        for (i, node) in mf.children.iter_mut().enumerate() {
            *node = [(i as u16).wrapping_sub(1), (i as u16).wrapping_sub(2)];
        }
        let mut found = [0u32; 32];
        let mut reported = 0;
        for pos in 2000..3900 {
            let n = mf.find_all(&data, pos, pos, data.len(), 64, limits, &mut found);
            for m in unpacked(&found[..n]) {
                let (len, src) = (m.len as usize, pos - m.dist as usize);
                assert_eq!(data[src..src + len], data[pos..pos + len], "at {pos}: {m:?}");
                reported += 1;
            }
        }
        assert!(reported > 1000, "only {reported} matches reported");
    }

    #[test]
    fn positions_64_kib_apart_share_a_slot_but_never_pose_as_each_other() {
        // The same 4 bytes at 0 and at 65536: the second's stored position
        // aliases the first's. The first must not be found at distance 0 or
        // 65536, and a nearer real copy must be found instead.
        let mut data = vec![0x55u8; (1 << 16) + 16];
        data[..4].copy_from_slice(b"wxyz");
        data[100..104].copy_from_slice(b"wxyz");
        data[1 << 16..(1 << 16) + 4].copy_from_slice(b"wxyz");
        let mut buf = vec![0u8; 1 << 20];
        let mut arena = Arena::new(&mut buf);
        let mut mf = TreeFinder::new(&mut arena, data.len(), 0xFFFF);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        mf.insert(&data, 0, 0, data.len(), limits);
        mf.insert(&data, 100, 100, data.len(), limits);
        let mut found = [0u32; 16];
        let pos = 1 << 16;
        let n = mf.find_all(&data, pos, 0xFFFF, data.len(), 8, limits, &mut found);
        assert_eq!(unpacked(&found[..n]), [Match { len: 8, dist: (pos - 100) as u32 }]);

        let mut bf = BucketFinder::<1, 4>::new(&mut arena, data.len(), 0xFFFF, 0, 100);
        bf.insert(&data, 0);
        assert_eq!(bf.find_longest(&data, pos, 0xFFFF, 8).len, 0, "65536 back is out of reach");
    }

    /// The longest match at `pos`, searched from the start of `data`: one
    /// candidate screened, or several probed in a window of `data`.
    fn longest<const WAYS: usize>(bf: &mut BucketFinder<'_, WAYS, 4>, data: &[u8], pos: usize, cap: usize) -> Match
    where
        [u16; WAYS]: bytemuck::Pod,
    {
        if WAYS == 1 {
            bf.find_longest(data, pos, pos, cap)
        } else {
            let mut spare = [0; WINDOW_SIZE + WINDOW_SLACK];
            bf.find_longest_in(&Window::new(data, 0, &mut spare), pos, cap)
        }
    }

    fn insert<const WAYS: usize>(bf: &mut BucketFinder<'_, WAYS, 4>, data: &[u8], positions: core::ops::Range<usize>)
    where
        [u16; WAYS]: bytemuck::Pod,
    {
        let mut spare = [0; WINDOW_SIZE + WINDOW_SLACK];
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
        let (mut first_spare, mut second_spare) = ([0; WINDOW_SIZE + WINDOW_SLACK], [0; WINDOW_SIZE + WINDOW_SLACK]);
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
            let mut spare = [0; WINDOW_SIZE + WINDOW_SLACK];
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
    fn tables_fit_their_budget() {
        let mut buf = vec![0u8; 40_000];
        let mut arena = Arena::new(&mut buf);
        let before = arena.bytes_left();
        let _ = BucketFinder::<4, 4>::new(&mut arena, 1 << 20, 0xFFFF, 0, 100);
        assert_eq!(before - arena.bytes_left(), 32 << 10, "the largest power of two that fits");
        let mut buf = vec![0u8; 1 << 20];
        let mut arena = Arena::new(&mut buf);
        let before = arena.bytes_left();
        let _ = TreeFinder::new(&mut arena, 1 << 20, 8191);
        assert_eq!(before - arena.bytes_left(), TreeFinder::table_bytes(1 << 20, 8191));
    }
}
