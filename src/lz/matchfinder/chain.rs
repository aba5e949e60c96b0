//! The match finder of Windows' maximum engines, for both XPRESS formats:
//! hash chains over three bytes, walked under a cost limit.
//!
//! Positions are inserted in order, each just before it is searched (or
//! passed over inside a match), which gives every chain the same links as
//! inserting them all up front: a search only walks back from its own
//! position. The chains are a ring one window long, so a link that is in
//! reach is never one a newer position overwrote.

use crate::lz::arena::Arena;
use crate::lz::extend::match_len;
use crate::lz::{NoCount, WorkCounter};

use super::Match;

/// Slots of the head table: the hash is 15 bits.
const HEADS: usize = 1 << 15;
/// A head or link that names no position.
const NONE: u32 = u32::MAX;

/// Windows' maximum-engine match finder over positions of one input.
pub(crate) struct WindowsChainFinder<'a> {
    head: &'a mut [u32],
    /// The previous position with the same hash, by position modulo the
    /// ring.
    prev: &'a mut [u32],
    ring_mask: usize,
    /// Candidates at most this far back are valid.
    max_dist: usize,
    /// A walk stops once its count reaches this.
    cost_limit: u32,
    /// The next position to insert.
    next: usize,
}

/// A [`WindowsChainFinder`]'s tables kept between the stretches of a
/// stream, with the next position to insert, moved along as the stream's
/// buffer slides.
#[cfg(feature = "std")]
pub(crate) struct ChainTables {
    /// The head table's slots, then the ring's.
    tables: alloc::vec::Vec<u32>,
    next: usize,
    max_dist: usize,
    cost_limit: u32,
}

#[cfg(feature = "std")]
impl ChainTables {
    /// Empty chains for candidates at most `max_dist` back, walked until a
    /// count of `cost_limit`.
    pub(crate) fn new(max_dist: usize, cost_limit: u32) -> Self {
        let ring = (max_dist + 1).next_power_of_two();
        ChainTables { tables: alloc::vec![NONE; HEADS + ring], next: 0, max_dist, cost_limit }
    }

    /// Runs `f` on the finder over the chains as the last call left them.
    pub(crate) fn with_finder<T>(&mut self, f: impl FnOnce(&mut WindowsChainFinder<'_>) -> T) -> T {
        let (head, prev) = self.tables.split_at_mut(HEADS);
        let ring_mask = prev.len() - 1;
        let (max_dist, cost_limit) = (self.max_dist, self.cost_limit);
        let mut finder = WindowsChainFinder { head, prev, ring_mask, max_dist, cost_limit, next: self.next };
        let answer = f(&mut finder);
        self.next = finder.next;
        answer
    }

    /// Moves the chains to positions counted from `shift` bytes later: the
    /// ring turns with them, and positions that go below 0 name none (they
    /// were out of reach of every position to come, as long as the buffer
    /// keeps the window's worth of bytes before the next search).
    pub(crate) fn rebase(&mut self, shift: u64) {
        let (head, prev) = self.tables.split_at_mut(HEADS);
        prev.rotate_left((shift % prev.len() as u64) as usize);
        for slot in head.iter_mut().chain(prev) {
            *slot = match u64::from(*slot).checked_sub(shift) {
                Some(moved) if *slot != NONE => moved as u32,
                _ => NONE,
            };
        }
        self.next = self.next.saturating_sub(shift as usize);
    }
}

impl<'a> WindowsChainFinder<'a> {
    /// Tables from `arena`, for candidates at most `max_dist` back (the
    /// ring holds a window's positions) and walks that stop at a count of
    /// `cost_limit`.
    pub(crate) fn new(arena: &mut Arena<'a>, max_dist: usize, cost_limit: u32) -> Self {
        let ring = (max_dist + 1).next_power_of_two();
        let head = arena.u32s(HEADS);
        let prev = arena.u32s(ring);
        assert!(head.len() == HEADS && prev.len() == ring, "the arena holds the chains");
        head.fill(NONE);
        WindowsChainFinder { head, prev, ring_mask: ring - 1, max_dist, cost_limit, next: 0 }
    }

    #[inline(always)]
    fn hash(data: &[u8], q: usize) -> usize {
        let [t0, t1, t2] = &HASH_ROWS;
        usize::from(t0[usize::from(data[q])] ^ t1[usize::from(data[q + 1])] ^ t2[usize::from(data[q + 2])])
    }

    /// Inserts the positions from the next one up to `to` (exclusive);
    /// positions before `from` that were never inserted stay out.
    #[inline]
    pub(crate) fn insert_up_to(&mut self, data: &[u8], from: usize, to: usize) {
        let mut q = self.next.max(from);
        while q < to {
            let h = Self::hash(data, q);
            self.prev[q & self.ring_mask] = self.head[h];
            self.head[h] = q as u32;
            q += 1;
        }
        self.next = self.next.max(to);
    }

    /// The position linked before `c`, if it is a valid candidate for `p`.
    #[inline(always)]
    fn link(&self, c: usize, p: usize) -> Option<usize> {
        let prev = self.prev[c & self.ring_mask];
        (prev != NONE && p.wrapping_sub(prev as usize) <= self.max_dist).then_some(prev as usize)
    }

    /// Windows' maximum `search(p)` (`p` inserted, `p + 4 <= data.len()`):
    /// the best match a cost-limited walk of `p`'s chain finds. A match
    /// runs on to at most the end of `data`.
    pub(crate) fn search(&self, data: &[u8], p: usize) -> Option<Match> {
        self.search_counting(data, p, &mut NoCount)
    }

    /// [`search`](Self::search), counting into `work` the candidates it
    /// visits and the bytes it compares past their first four: tests bound
    /// the work with it.
    #[inline(always)]
    fn search_counting(&self, data: &[u8], p: usize, work: &mut impl WorkCounter) -> Option<Match> {
        let here = &data[p..p + 4];
        // Up to three links for a first candidate of three bytes or more.
        let mut c = p;
        let mut four = false;
        let mut started = false;
        for _ in 0..3 {
            c = self.link(c, p)?;
            work.add(1);
            if data[c..c + 4] == *here {
                four = true;
                started = true;
                break;
            }
            if data[c..c + 3] == here[..3] {
                started = true;
                break;
            }
        }
        if !started {
            return None;
        }
        let (mut best, mut best_len, mut count) = (c, 3usize, 0u32);
        loop {
            if four {
                let len = 4 + match_len(data, c + 4, p + 4, data.len() - p - 4);
                work.add(len as u64 - 4);
                if len <= best_len {
                    count = count.saturating_add(len as u32).saturating_add(1);
                } else {
                    best = c;
                    best_len = len;
                    if c + len > p {
                        break;
                    }
                    count += 1;
                }
                if count >= self.cost_limit {
                    break;
                }
            }
            // Walk on: candidates that differ in their first four bytes
            // cost one each.
            let Some(next) = self.link(c, p) else { break };
            work.add(1);
            c = next;
            four = data[c..c + 4] == *here;
            if !four {
                count += 1;
                if count >= self.cost_limit {
                    break;
                }
            }
        }
        Some(Match { len: best_len as u32, dist: (p - best) as u32 })
    }
}

/// `XpressHashFunction[3][256]` of Microsoft's MIT-licensed XPRESS encoder
/// (PowerShell/psl-omi-provider `src/xpress.c`, Copyright (c) Microsoft
/// Corporation, MIT License), which Windows' maximum engines hash with:
/// constants that byte-identical output requires, like a CRC table.
const HASH_ROWS: [[u16; 256]; 3] = [
    [
        0x1664, 0x3887, 0x5ee9, 0x6228, 0x2cee, 0x58b8, 0x5948, 0x55d1, 0x3e9d, 0x5d8f, 0x06f9, 0x35e2, 0x0e79, 0x0479,
        0x4099, 0x1bd9, 0x662c, 0x7c7e, 0x5b7a, 0x5057, 0x73ba, 0x00da, 0x1ccc, 0x0794, 0x4320, 0x4793, 0x2787, 0x219c,
        0x5c45, 0x3448, 0x7410, 0x23ba, 0x5049, 0x69dc, 0x16da, 0x5bcf, 0x5a88, 0x6dee, 0x1244, 0x6a90, 0x7c0c, 0x2202,
        0x3cc7, 0x6bea, 0x4983, 0x0cd1, 0x29c4, 0x0fd0, 0x4f23, 0x28fd, 0x6d41, 0x1c5c, 0x60ef, 0x448d, 0x4a32, 0x4135,
        0x79b4, 0x41f7, 0x210b, 0x7be6, 0x7fce, 0x304e, 0x1c0d, 0x3c85, 0x5f19, 0x676c, 0x1cbb, 0x375f, 0x33ec, 0x12d6,
        0x5909, 0x00d7, 0x6093, 0x02c2, 0x53bb, 0x4a83, 0x64cf, 0x7e24, 0x1e87, 0x729a, 0x2a25, 0x2455, 0x54bf, 0x61fc,
        0x6459, 0x7a28, 0x435f, 0x3783, 0x23e5, 0x6884, 0x485c, 0x398c, 0x182c, 0x2170, 0x3563, 0x664d, 0x7f94, 0x0ff9,
        0x0f88, 0x5a00, 0x7324, 0x500f, 0x1c93, 0x13f6, 0x6faa, 0x4586, 0x74d0, 0x0158, 0x5773, 0x69e7, 0x2636, 0x178e,
        0x484d, 0x1cff, 0x23ed, 0x7c2c, 0x6436, 0x4f8c, 0x47b2, 0x1753, 0x2aba, 0x016e, 0x3ccb, 0x47c3, 0x29bb, 0x0e49,
        0x484f, 0x3c4e, 0x1590, 0x01a6, 0x3482, 0x7486, 0x6cbd, 0x3c67, 0x39d6, 0x3279, 0x0f2b, 0x5704, 0x4003, 0x7bf1,
        0x5497, 0x4b24, 0x4ff6, 0x500c, 0x2de7, 0x606e, 0x64f4, 0x0b18, 0x23e5, 0x268d, 0x4b26, 0x6110, 0x3c78, 0x64d1,
        0x50c9, 0x2cce, 0x6582, 0x24c1, 0x60b3, 0x408c, 0x5e2b, 0x530a, 0x361d, 0x6ef3, 0x1776, 0x53a7, 0x5af0, 0x0a0a,
        0x2f17, 0x4e91, 0x1473, 0x0dea, 0x1b8f, 0x02dd, 0x769d, 0x24fe, 0x5f24, 0x23da, 0x5372, 0x6f50, 0x2b80, 0x0e93,
        0x0be7, 0x3e95, 0x2e40, 0x5936, 0x038b, 0x48b1, 0x1271, 0x49ff, 0x3867, 0x68d7, 0x0976, 0x3bd0, 0x2d79, 0x657b,
        0x00c7, 0x7c19, 0x1472, 0x5c24, 0x5b69, 0x3c0e, 0x0616, 0x399e, 0x5e55, 0x7997, 0x3626, 0x65a4, 0x7922, 0x0760,
        0x2caa, 0x0698, 0x15ba, 0x26e7, 0x08e8, 0x2226, 0x05a3, 0x646d, 0x2a98, 0x6051, 0x5d4c, 0x18ec, 0x0fa8, 0x4e65,
        0x6d81, 0x189f, 0x4b48, 0x7619, 0x437f, 0x4599, 0x5e41, 0x7057, 0x03a7, 0x1a2a, 0x3f9f, 0x7f42, 0x3854, 0x44b3,
        0x48d5, 0x4351, 0x2121, 0x3d96, 0x0d12, 0x0ff0, 0x6347, 0x2d93, 0x3c55, 0x0c4d, 0x438a, 0x3816, 0x6de0, 0x72f0,
        0x4439, 0x4f01, 0x22c1, 0x4c19,
    ],
    [
        0x0059, 0x5ef9, 0x38ff, 0x2072, 0x592c, 0x49c4, 0x1f36, 0x6759, 0x612d, 0x77f1, 0x5e65, 0x1f25, 0x3fbf, 0x2446,
        0x5895, 0x7545, 0x1edd, 0x1ec8, 0x4673, 0x0fa8, 0x0961, 0x7391, 0x5441, 0x31f9, 0x5b13, 0x2446, 0x2a64, 0x67ab,
        0x3382, 0x662c, 0x6954, 0x5464, 0x2071, 0x3e2c, 0x4567, 0x3b42, 0x67c5, 0x6693, 0x2dad, 0x7a54, 0x7134, 0x5889,
        0x01f0, 0x404f, 0x2fe5, 0x13f7, 0x0797, 0x067c, 0x5d7a, 0x33c9, 0x1295, 0x7b4b, 0x3c6d, 0x494b, 0x45f2, 0x540d,
        0x741b, 0x4794, 0x4e5e, 0x5c02, 0x234f, 0x605d, 0x7c1f, 0x4183, 0x42df, 0x7954, 0x0a1b, 0x2045, 0x5611, 0x4283,
        0x15d9, 0x06c1, 0x00d6, 0x0b62, 0x5559, 0x4800, 0x1d05, 0x53f2, 0x6605, 0x74a7, 0x5763, 0x47e8, 0x0318, 0x4ba4,
        0x54a4, 0x0711, 0x545a, 0x1354, 0x4fe8, 0x07e3, 0x726a, 0x5967, 0x7196, 0x573f, 0x23e3, 0x13e8, 0x42fa, 0x0598,
        0x4ba6, 0x57ee, 0x1cfe, 0x639e, 0x32d1, 0x2d16, 0x1ec3, 0x0a57, 0x1e68, 0x2fad, 0x2fd3, 0x4bc5, 0x3d7c, 0x14f4,
        0x1011, 0x65cd, 0x6399, 0x1eb0, 0x0785, 0x7e47, 0x2fb2, 0x186e, 0x69f2, 0x6988, 0x4e99, 0x2ef2, 0x1374, 0x2438,
        0x1399, 0x29d4, 0x7960, 0x624a, 0x64fb, 0x3393, 0x3e25, 0x7689, 0x67ea, 0x4d7e, 0x308d, 0x1257, 0x094f, 0x4453,
        0x020c, 0x7b5b, 0x0526, 0x3053, 0x4b52, 0x4cad, 0x06ec, 0x5605, 0x31e7, 0x63ac, 0x08d1, 0x66bd, 0x2917, 0x6c5d,
        0x15b0, 0x6a82, 0x34ec, 0x6ecb, 0x485c, 0x7a0d, 0x175e, 0x438e, 0x5451, 0x3517, 0x7a46, 0x7c3c, 0x319e, 0x3cad,
        0x73c8, 0x5d51, 0x5ef8, 0x4077, 0x3ace, 0x5651, 0x4545, 0x11cd, 0x58a5, 0x0d95, 0x413c, 0x46c1, 0x2dac, 0x2aae,
        0x08a7, 0x2591, 0x5eb8, 0x0f74, 0x58ad, 0x6178, 0x03aa, 0x3641, 0x105f, 0x5ed3, 0x238d, 0x3d80, 0x4b68, 0x2f32,
        0x193b, 0x44da, 0x7e2a, 0x0ab0, 0x2151, 0x6fc3, 0x3d37, 0x0f34, 0x6895, 0x652c, 0x198d, 0x5e47, 0x507b, 0x6126,
        0x6d16, 0x0fb3, 0x6f56, 0x6e5c, 0x27ec, 0x1483, 0x6427, 0x65c5, 0x6307, 0x25fa, 0x0bcc, 0x0ff6, 0x71cd, 0x63f1,
        0x5ce5, 0x4c6c, 0x715c, 0x5cc0, 0x06d8, 0x7743, 0x5fa4, 0x76f3, 0x6539, 0x2a9c, 0x3dec, 0x4cf4, 0x372a, 0x67de,
        0x4644, 0x14b3, 0x5bd7, 0x5681, 0x6950, 0x2677, 0x13ff, 0x4822, 0x191f, 0x0e08, 0x1b50, 0x1ce6, 0x2640, 0x5f30,
        0x4d44, 0x6cb0, 0x417e, 0x0302,
    ],
    [
        0x71d5, 0x0b80, 0x53eb, 0x029b, 0x713e, 0x5b98, 0x3164, 0x1e9f, 0x55a9, 0x4d23, 0x40e8, 0x4296, 0x4af4, 0x7ffa,
        0x6232, 0x61cf, 0x4b89, 0x02d4, 0x74ee, 0x1332, 0x589f, 0x0349, 0x3771, 0x59b1, 0x06ef, 0x1af6, 0x5a94, 0x4b28,
        0x1b9d, 0x6400, 0x3d1a, 0x1382, 0x5493, 0x0e0a, 0x6c53, 0x4ddd, 0x2d98, 0x5165, 0x556b, 0x09f3, 0x77e3, 0x139d,
        0x0ff4, 0x0d35, 0x51fa, 0x0a60, 0x1bc6, 0x35fd, 0x1e73, 0x02f6, 0x512c, 0x5156, 0x7f89, 0x2653, 0x08db, 0x6521,
        0x2c56, 0x6b1f, 0x0b80, 0x1bc0, 0x57c7, 0x7afd, 0x79ae, 0x248f, 0x77d2, 0x3547, 0x7cf1, 0x5151, 0x2de0, 0x4084,
        0x2c06, 0x5fcc, 0x0c79, 0x4773, 0x14aa, 0x1f25, 0x6242, 0x7d08, 0x455a, 0x0cf3, 0x697d, 0x54ed, 0x3d4f, 0x4fbf,
        0x2175, 0x0ff3, 0x5c08, 0x611a, 0x5ea4, 0x33c7, 0x39bc, 0x3825, 0x5759, 0x5144, 0x0b9a, 0x41cf, 0x1f43, 0x6303,
        0x19e9, 0x71d4, 0x6240, 0x416f, 0x2715, 0x20dd, 0x7c81, 0x31a8, 0x6e14, 0x5b03, 0x4031, 0x0e4a, 0x1e68, 0x70d6,
        0x4db6, 0x4953, 0x02a3, 0x024c, 0x0385, 0x5e1c, 0x06db, 0x7737, 0x2e88, 0x3ac5, 0x3d44, 0x23df, 0x2748, 0x41d0,
        0x3f78, 0x7ead, 0x09fb, 0x2c60, 0x2e96, 0x7da2, 0x4c2b, 0x2af5, 0x4f75, 0x1711, 0x40ec, 0x7d7c, 0x6c9f, 0x4c04,
        0x5e86, 0x0389, 0x1370, 0x389f, 0x4558, 0x3ae4, 0x7cfa, 0x2d64, 0x6b56, 0x3e99, 0x7ae7, 0x656d, 0x70d7, 0x46a6,
        0x0ede, 0x2c52, 0x1a2d, 0x6b58, 0x755a, 0x003d, 0x0736, 0x408f, 0x2388, 0x16b3, 0x0cd4, 0x03ea, 0x52b2, 0x41dc,
        0x52a0, 0x11da, 0x27d4, 0x7ff0, 0x23f1, 0x5877, 0x4173, 0x7e03, 0x7421, 0x5aa5, 0x4dc2, 0x5159, 0x79cd, 0x0ca5,
        0x03a3, 0x6244, 0x4edc, 0x402b, 0x383a, 0x4a31, 0x1eb1, 0x625b, 0x65d0, 0x068f, 0x5cea, 0x7ff9, 0x283b, 0x0763,
        0x36d7, 0x040b, 0x4b9a, 0x1924, 0x3c06, 0x3957, 0x68f4, 0x4deb, 0x12fe, 0x4aa1, 0x1cef, 0x32ef, 0x0fad, 0x59ba,
        0x3f34, 0x384c, 0x0d4d, 0x1378, 0x6848, 0x1b7b, 0x14f1, 0x2e93, 0x5130, 0x5bb5, 0x251a, 0x2284, 0x6542, 0x7f75,
        0x69f5, 0x7912, 0x46dd, 0x55dd, 0x6af7, 0x5d1a, 0x5f2e, 0x2a67, 0x1805, 0x5620, 0x2ed6, 0x34ed, 0x10db, 0x0e07,
        0x076d, 0x556c, 0x5a95, 0x62a3, 0x6e0e, 0x19dc, 0x2d2e, 0x7b49, 0x1715, 0x290a, 0x1411, 0x2014, 0x4e20, 0x3809,
        0x43f1, 0x1cb5, 0x4332, 0x3cca,
    ],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lz::matchfinder::tests::hard_inputs;

    #[test]
    fn a_greedy_parse_does_work_linear_in_its_input() {
        for (max_dist, cost_limit) in [(8192, 24), (65535, 12)] {
            for data in hard_inputs() {
                let mut buf = vec![0u8; 1 << 20];
                let mut finder = WindowsChainFinder::new(&mut Arena::new(&mut buf), max_dist, cost_limit);
                let mut work = 0u64;
                let mut pos = 1;
                while pos + 4 < data.len() {
                    finder.insert_up_to(&data, 0, pos + 1);
                    let found = finder.search_counting(&data, pos, &mut work);
                    if let Some(m) = found {
                        let (len, dist) = (m.len as usize, m.dist as usize);
                        assert_eq!(data[pos - dist..pos - dist + len], data[pos..pos + len]);
                    }
                    pos += found.map_or(1, |m| m.len as usize);
                }
                // Each search visits at most three probes and the walk its
                // cost limit allows; the bytes it compares are charged to
                // the limit, or are those of the match that the parse then
                // steps over. (These inputs take one to two steps a byte.)
                let bound = (u64::from(cost_limit) + 3) * data.len() as u64;
                assert!(work <= bound, "{work} steps for {} bytes (limit {cost_limit})", data.len());
            }
        }
    }
}
