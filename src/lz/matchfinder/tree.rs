//! The maximum level's match finder: binary trees over a hash of three
//! bytes, after wimlib's `bt_matchfinder`.

use super::{distance, hash_bits, in_reach, read_u32, Match, SearchLimits, HASH_MULTIPLIER};
use crate::lz::arena::Arena;
use crate::lz::extend::match_len;
use crate::lz::{NoCount, WorkCounter};

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
        self.find_all_counting(data, pos, reach, window_end, max_len, limits, found, &mut NoCount)
    }

    /// [`find_all`](Self::find_all), counting into `work` the nodes it
    /// visits and the bytes it compares: tests bound the work with it.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn find_all_counting(
        &mut self,
        data: &[u8],
        pos: usize,
        reach: usize,
        window_end: usize,
        max_len: usize,
        limits: SearchLimits,
        found: &mut [u32],
        work: &mut impl WorkCounter,
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
            work.add(1 + (len - known) as u64);
            if len.min(max_len) > best_len && match_len(data, c, pos, known) == known {
                // The tree vouches for the first `known` bytes, but a tree
                // can mislead (see the type's documentation): a match is
                // only recorded once its whole length is checked.
                let whole = if len == limit && max_len > len {
                    let beyond = match_len(data, c + len, pos + len, max_len - len);
                    work.add(beyond as u64);
                    len + beyond
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::matchfinder::tests::hard_inputs;

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
    fn a_parse_does_work_bounded_by_the_depth() {
        let limits = SearchLimits { depth: 32, nice_len: 192 };
        for data in hard_inputs() {
            let mut buf = vec![0u8; 1 << 20];
            let mut mf = TreeFinder::new(&mut Arena::new(&mut buf), data.len(), 0xFFFF);
            let mut found = [0u32; 32];
            let mut work = 0u64;
            let mut pos = 0;
            // As the optimal parser collects: every position, but inside a
            // match of the nice length, which is stepped over.
            while pos + 4 <= data.len() {
                // Packed lengths stay below 64 KiB, as the parser caps them.
                let cap = (data.len() - pos).min(0xFFFF);
                let n =
                    mf.find_all_counting(&data, pos, pos.min(0xFFFF), data.len(), cap, limits, &mut found, &mut work);
                let longest = unpacked(&found[..n]).last().map_or(0, |m| m.len as usize);
                if longest >= limits.nice_len {
                    let end = (pos + longest).min(data.len() - 3);
                    for p in (pos + 1..end).step_by(4) {
                        mf.find_all_counting(&data, p, p.min(0xFFFF), data.len(), 0, limits, &mut [], &mut work);
                    }
                    pos += longest;
                } else {
                    pos += 1;
                }
            }
            // Each search visits at most `depth` nodes and compares at most
            // the nice length at each, but for the match stepped over.
            let bound = (u64::from(limits.depth) * (1 + limits.nice_len as u64) + 1) * data.len() as u64;
            assert!(work <= bound, "{work} steps for {} bytes", data.len());
            assert!(work >= data.len() as u64 / 8, "the count counts");
        }
    }

    #[test]
    fn tree_tables_take_what_they_report() {
        let mut buf = vec![0u8; 1 << 20];
        let mut arena = Arena::new(&mut buf);
        let before = arena.bytes_left();
        let _ = TreeFinder::new(&mut arena, 1 << 20, 8191);
        assert_eq!(before - arena.bytes_left(), TreeFinder::table_bytes(1 << 20, 8191));
    }
}
