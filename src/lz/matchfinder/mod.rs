//! Match finders shared by the three encoders, over tables borrowed from
//! an [`Arena`](super::arena::Arena): `bucket` for the greedy levels,
//! `hash_chains` for the middle ones, `tree` for the near-optimal ones,
//! beside `nearest3`, over what they share here; `windows` and
//! `chain` (the XPRESS formats) and `chunk` (LZNT1), Windows' engines'
//! own, share nothing with them.
//!
//! Positions are stored as their low 16 bits (but for the roots of the
//! maximum level's trees): a 64 KiB window is the most any format reaches,
//! and half-size tables keep more of them in cache and fit Windows'
//! workspace budgets. A stored value names the nearest position with those
//! low bits; entries from further back alias to nearer positions, which is
//! harmless because every match's bytes are compared before it is used.
//! Tables are cleared or written before they are read for each input, so
//! the output never depends on what a caller's workspace held.

mod bucket;
mod chain;
mod chunk;
mod hash_chains;
mod nearest3;
mod tree;
pub(crate) mod windows;

pub(crate) use bucket::BucketFinder;
#[cfg(feature = "std")]
pub(crate) use chain::ChainTables;
pub(crate) use chain::WindowsChainFinder;
pub(crate) use chunk::{ChunkBuckets, ChunkScan, ChunkSearch};
pub(crate) use hash_chains::HashChains;
pub(crate) use tree::TreeFinder;
pub(crate) use windows::WindowsFinder;
#[cfg(feature = "std")]
pub(crate) use windows::WindowsTables;

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

/// The four bytes at `pos` (which the caller keeps 4 bytes from the end).
///
/// Not [`crate::bytes::u32_at`]: its one range `pos..pos + 4` checks `pos + 4`
/// for overflow, and in the hash of every position that check cost the
/// standard level's parse 5% more instructions than these two.
#[inline(always)]
fn read_u32(data: &[u8], pos: usize) -> u32 {
    let bytes = &data[pos..][..4];
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::arena::Arena;
    use super::*;

    /// Inputs that make hash chains long and matches overlap, for the
    /// finders' work bounds: runs, short periods, two letters at random,
    /// bytes at random, and a text that repeats with small changes.
    pub(crate) fn hard_inputs() -> Vec<Vec<u8>> {
        let mut x = 0x2545_F491u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        let two_letters: Vec<u8> = (0..60_000).map(|_| b'a' + (next() & 1) as u8).collect();
        let random: Vec<u8> = (0..30_000).map(|_| next() as u8).collect();
        let mut edited = b"the quick brown fox jumps over the lazy dog; ".repeat(1500);
        for _ in 0..500 {
            let at = next() as usize % edited.len();
            edited[at] = next() as u8;
        }
        let mut inputs =
            vec![vec![0; 70_000], b"ab".repeat(30_000), b"abcdefghijklm".repeat(5000), two_letters, random, edited];
        inputs.extend(slow_files());
        inputs
    }

    /// The originals of the Windows vectors made to be slow to compress
    /// (`slow-*` in `$XPRESS_CORPUS/windows/decompressed`), where the
    /// corpus is present.
    fn slow_files() -> Vec<Vec<u8>> {
        let corpus = match std::env::var_os("XPRESS_CORPUS") {
            Some(dir) => std::path::PathBuf::from(dir),
            None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        };
        let Ok(entries) = std::fs::read_dir(corpus.join("windows/decompressed")) else {
            eprintln!("finder work bounds: the slow-* vectors skipped, no corpus (set XPRESS_CORPUS)");
            return Vec::new();
        };
        let mut paths: Vec<_> = entries
            .map(|e| e.expect("a readable corpus").path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("slow-")))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "the corpus holds the slow-* vectors");
        paths.into_iter().map(|p| std::fs::read(p).expect("a readable vector")).collect()
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
        assert_eq!(
            found[..n].iter().map(|&w| Match::unpack(w)).collect::<Vec<_>>(),
            [Match { len: 8, dist: (pos - 100) as u32 }]
        );

        let mut bf = BucketFinder::<1, 4>::new(&mut arena, data.len(), 0xFFFF, 0, 100);
        bf.insert(&data, 0);
        assert_eq!(bf.find_longest(&data, pos, 0xFFFF, 8).len, 0, "65536 back is out of reach");
    }
}
