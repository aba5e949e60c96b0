//! Hash-chain match finder shared by the three encoders.
//!
//! Positions are indices into the whole input. `head` maps a hash of the
//! next three bytes to the most recent position with that hash; `chain`
//! links each inserted position to the previous one with the same hash.
//! The chain is indexed modulo a power of two larger than any distance
//! searched, so a slot is only ever overwritten by a position too far away
//! to matter, and it never needs clearing; `head` is cleared per call and
//! sized to the input so that small inputs (4 KiB pages) stay cheap.

/// Fibonacci hashing: the top bits of the 64-bit product depend on every
/// input bit (a 32-bit product's top byte barely moves between "abcd",
/// "bcde" and "cdef", which then share a bucket).
const HASH_MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

/// Nothing inserted under this hash yet.
const EMPTY: u32 = u32::MAX;

/// A match: `len` bytes at `dist` bytes back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Match {
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

/// How far and how hard to search.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SearchLimits {
    /// Candidates examined per position at most.
    pub(crate) depth: u32,
    /// A match this long ends the search.
    pub(crate) nice_len: usize,
}

pub(crate) struct MatchFinder {
    head: Vec<u32>,
    hash_shift: u32,
    chain: Vec<u32>,
    chain_mask: usize,
}

/// The length of the common prefix of `data[a..]` and `data[b..]`, at most
/// `limit` (the caller guarantees `b + limit <= data.len()` and `a < b`).
#[inline(always)]
pub(crate) fn match_len(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let mut n = 0;
    while n + 8 <= limit {
        let x = u64::from_le_bytes(data[a + n..a + n + 8].try_into().unwrap());
        let y = u64::from_le_bytes(data[b + n..b + n + 8].try_into().unwrap());
        let diff = x ^ y;
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < limit && data[a + n] == data[b + n] {
        n += 1;
    }
    n
}

impl MatchFinder {
    pub(crate) fn new() -> Self {
        MatchFinder { head: Vec::new(), hash_shift: 64, chain: Vec::new(), chain_mask: 0 }
    }

    /// Prepares for an input of `len` bytes searched up to `max_dist` back.
    pub(crate) fn reset(&mut self, len: usize, max_dist: usize) {
        // Enough slots for the window and no more: the head table is read at
        // random for every position, and it must stay in a near cache.
        let span = len.min(max_dist).max(1);
        let hash_bits = (usize::BITS - span.leading_zeros() + 1).clamp(10, 15);
        self.hash_shift = 64 - hash_bits;
        self.head.clear();
        self.head.resize(1 << hash_bits, EMPTY);
        let chain_len = (max_dist + 1).next_power_of_two().min(len.max(1).next_power_of_two());
        if self.chain.len() < chain_len {
            self.chain.resize(chain_len, EMPTY);
        }
        self.chain_mask = chain_len - 1;
    }

    /// Memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.head.capacity() + self.chain.capacity()) * 4
    }

    #[inline(always)]
    fn hash(&self, data: &[u8], pos: usize) -> usize {
        // The caller ensures pos + 4 <= data.len(); three bytes are hashed,
        // so that every 3-byte match can be found.
        let v = u32::from_le_bytes(data[pos..pos + 4].try_into().unwrap()) & 0x00FF_FFFF;
        (u64::from(v).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
    }

    /// Records `pos` (where `pos + 4 <= data.len()`) as a match source.
    #[inline(always)]
    pub(crate) fn insert(&mut self, data: &[u8], pos: usize) {
        let h = self.hash(data, pos);
        self.chain[pos & self.chain_mask] = self.head[h];
        self.head[h] = pos as u32;
    }

    /// Every match for `pos` reaching no earlier than `lowest`, at most
    /// `max_len` long, that is longer than all nearer ones (so in
    /// increasing length), into `found`; then inserts `pos`.
    #[inline]
    pub(crate) fn find_all(
        &mut self,
        data: &[u8],
        pos: usize,
        lowest: usize,
        max_len: usize,
        limits: SearchLimits,
        found: &mut Vec<Match>,
    ) {
        found.clear();
        let h = self.hash(data, pos);
        let mut cand = self.head[h];
        self.chain[pos & self.chain_mask] = cand;
        self.head[h] = pos as u32;

        let mut best_len = 2usize;
        let mut depth = limits.depth;
        while (cand as usize) < pos && cand as usize >= lowest && depth > 0 {
            let c = cand as usize;
            // Check the byte that would extend the best match first.
            if best_len < max_len && data[c + best_len] == data[pos + best_len] {
                let len = match_len(data, c, pos, max_len);
                if len > best_len {
                    best_len = len;
                    found.push(Match { len: len as u32, dist: (pos - c) as u32 });
                    if len >= limits.nice_len || len == max_len {
                        break;
                    }
                }
            }
            let next = self.chain[c & self.chain_mask];
            if next >= cand {
                break;
            }
            cand = next;
            depth -= 1;
        }
    }
}

/// What the greedy parser needs of a match finder.
pub(crate) trait FindLongest {
    /// Records `pos` (where `pos + 4 <= data.len()`) as a match source.
    fn insert(&mut self, data: &[u8], pos: usize);
    /// The longest match for `pos` reaching no earlier than `lowest`, at
    /// most `max_len` long (length 0 if none); inserts `pos`.
    fn find_longest(&mut self, data: &[u8], pos: usize, lowest: usize, max_len: usize, limits: SearchLimits) -> Match;
}

/// Candidates kept per hash bucket by [`BucketFinder`].
const WAYS: usize = 4;

/// The fast level's match finder: each hash bucket keeps its few most
/// recent positions side by side, so a search reads one cache line and
/// its candidate checks do not wait on one another, unlike a chain walk.
pub(crate) struct BucketFinder {
    buckets: Vec<[u32; WAYS]>,
    hash_shift: u32,
    /// Bytes hashed: 0x00FF_FFFF for 3, 0xFFFF_FFFF for 4. Four bytes give
    /// fewer, better candidates; three find the short matches that small
    /// LZNT1 chunks live on.
    hash_mask: u32,
}

impl BucketFinder {
    pub(crate) fn new() -> Self {
        BucketFinder { buckets: Vec::new(), hash_shift: 64, hash_mask: u32::MAX }
    }

    /// Prepares for an input of `len` bytes searched up to `max_dist` back,
    /// hashing `hash_bytes` (3 or 4) bytes per position.
    pub(crate) fn reset(&mut self, len: usize, max_dist: usize, hash_bytes: u32) {
        self.hash_mask = if hash_bytes >= 4 { u32::MAX } else { 0x00FF_FFFF };
        let span = len.min(max_dist).max(1);
        let hash_bits = (usize::BITS - span.leading_zeros()).clamp(8, 14);
        self.hash_shift = 64 - hash_bits;
        self.buckets.clear();
        self.buckets.resize(1 << hash_bits, [EMPTY; WAYS]);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.buckets.capacity() * WAYS * 4
    }

    #[inline(always)]
    fn hash(&self, data: &[u8], pos: usize) -> usize {
        let v = u32::from_le_bytes(data[pos..pos + 4].try_into().unwrap()) & self.hash_mask;
        (u64::from(v).wrapping_mul(HASH_MULTIPLIER) >> self.hash_shift) as usize
    }
}

impl FindLongest for BucketFinder {
    #[inline(always)]
    fn insert(&mut self, data: &[u8], pos: usize) {
        let h = self.hash(data, pos);
        let b = &mut self.buckets[h];
        *b = [pos as u32, b[0], b[1], b[2]];
    }

    #[inline(always)]
    fn find_longest(&mut self, data: &[u8], pos: usize, lowest: usize, max_len: usize, limits: SearchLimits) -> Match {
        let h = self.hash(data, pos);
        let b = &mut self.buckets[h];
        let candidates = *b;
        *b = [pos as u32, b[0], b[1], b[2]];

        let mut best = Match::default();
        let mut best_len = 2usize;
        for &cand in &candidates[..(limits.depth as usize).clamp(1, WAYS)] {
            let c = cand as usize;
            if c >= pos || c < lowest {
                break;
            }
            if best_len < max_len && data[c + best_len] == data[pos + best_len] {
                let len = match_len(data, c, pos, max_len);
                if len > best_len {
                    best_len = len;
                    best = Match { len: len as u32, dist: (pos - c) as u32 };
                    if len >= limits.nice_len || len == max_len {
                        break;
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_report_every_longer_match_nearest_first() {
        let data = b"abcdefXabcdeYabcdefZ____";
        let mut mf = MatchFinder::new();
        mf.reset(data.len(), 100);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        let mut found = Vec::new();
        for pos in 0..=13 {
            mf.find_all(data, pos, 0, data.len() - 4 - pos, limits, &mut found);
        }
        // At 13: "abcde" 6 back (length 5), then "abcdef" 13 back (length 6).
        assert_eq!(found, [Match { len: 5, dist: 6 }, Match { len: 6, dist: 13 }]);
    }

    #[test]
    fn chains_respect_the_lower_bound() {
        let data = b"abcabcabcabc____";
        let mut mf = MatchFinder::new();
        mf.reset(data.len(), 3);
        let limits = SearchLimits { depth: 16, nice_len: 100 };
        for pos in 0..6 {
            mf.insert(data, pos);
        }
        let mut found = Vec::new();
        mf.find_all(data, 6, 6, 6, limits, &mut found);
        assert!(found.is_empty());
        mf.find_all(data, 9, 6, 3, limits, &mut found);
        assert_eq!(found, [Match { len: 3, dist: 3 }]);
    }

    #[test]
    fn buckets_find_the_longest_recent_match() {
        let data = b"abcdefXabcdeYabcdefZ____";
        let mut bf = BucketFinder::new();
        bf.reset(data.len(), 100, 4);
        let limits = SearchLimits { depth: 4, nice_len: 100 };
        let mut best = Match::default();
        for pos in 0..=13 {
            best = bf.find_longest(data, pos, 0, data.len() - 4 - pos, limits);
        }
        assert_eq!(best, Match { len: 6, dist: 13 });
        let mut bf = BucketFinder::new();
        bf.reset(data.len(), 100, 4);
        for pos in 0..13 {
            bf.insert(data, pos);
        }
        assert_eq!(bf.find_longest(data, 13, 10, data.len() - 4 - 13, limits).len, 0, "lower bound");
    }
}
