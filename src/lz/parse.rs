//! Parsers: turn a stretch of input into literal runs and matches, using
//! the match finder. Greedy parsing for the standard level; a shortest-path
//! ("optimal") parse over a format's bit costs for the maximum level.

use super::matchfinder::{BucketFinder, FindLongest, Match, MatchFinder, SearchLimits};
use crate::Level;

/// A run of `literals` literal bytes followed by a match of `len` bytes at
/// `dist` back; `len == 0` for the final run of a segment, which has no match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sequence {
    pub(crate) literals: u32,
    pub(crate) len: u32,
    pub(crate) dist: u32,
}

/// Where and how a segment may be matched.
pub(crate) struct Segment<'a, F: Fn(usize) -> usize> {
    /// The whole input; matches read from it.
    pub(crate) data: &'a [u8],
    /// The stretch to parse.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// No match may reach before this position.
    pub(crate) low: usize,
    pub(crate) max_dist: usize,
    /// The format's cap on a match starting at a position, before the end
    /// of the segment is taken into account.
    pub(crate) max_len: F,
    /// Whether a match that starts before `end` may run on past it, to the
    /// end of the data (the greedy parser then returns where it stopped).
    pub(crate) overrun: bool,
}

impl<F: Fn(usize) -> usize> Segment<'_, F> {
    #[inline(always)]
    fn len_cap(&self, pos: usize) -> usize {
        let end = if self.overrun { self.data.len() } else { self.end };
        (self.max_len)(pos).min(end - pos)
    }

    /// The earliest position a match at `pos` may copy from.
    #[inline(always)]
    fn lowest(&self, pos: usize) -> usize {
        self.low.max(pos.saturating_sub(self.max_dist))
    }

    /// Positions at or past this one are never searched: the hash reads 4 bytes.
    #[inline(always)]
    fn search_end(&self) -> usize {
        (self.end.min(self.data.len().saturating_sub(3))).max(self.start)
    }
}

/// Bit costs of a format's tokens, for the optimal parser.
pub(crate) trait CostModel {
    fn literal(&self, byte: u8) -> u32;
    fn matched(&self, len: usize, dist: usize) -> u32;
}

/// Positions at the end of a match that the greedy parser indexes.
const INDEXED_MATCH_TAIL: usize = 4;

/// Greedy parse: take the longest match found at each position. Every
/// `2^skip_shift` misses in a row the step grows by one, so incompressible
/// data is crossed quickly. `accept` may veto a match (a format's cost rule).
/// Returns where the parse ends: the segment's end, or past it where an
/// overrunning last match ends.
pub(crate) fn greedy<F: Fn(usize) -> usize>(
    seg: &Segment<'_, F>,
    mf: &mut impl FindLongest,
    limits: SearchLimits,
    skip_shift: u32,
    accept: impl Fn(Match) -> bool,
    out: &mut Vec<Sequence>,
) -> usize {
    let data = seg.data;
    let search_end = seg.search_end();
    let mut pos = seg.start;
    let mut lit_start = seg.start;
    let mut misses = 0u32;
    while pos < search_end {
        let cap = seg.len_cap(pos);
        let m = if cap >= 3 {
            mf.find_longest(data, pos, seg.lowest(pos), cap, limits)
        } else {
            mf.insert(data, pos);
            Match::default()
        };
        if m.len >= 3 && accept(m) {
            out.push(Sequence { literals: (pos - lit_start) as u32, len: m.len, dist: m.dist });
            let match_end = pos + m.len as usize;
            // Only the last positions inside a match are indexed: they are
            // the likeliest sources for what follows, and indexing every
            // one costs more time than the matches it would find save.
            let index_end = match_end.min(search_end);
            let mut p = index_end.saturating_sub(INDEXED_MATCH_TAIL).max(pos + 1);
            while p < index_end {
                mf.insert(data, p);
                p += 1;
            }
            pos = match_end;
            lit_start = pos;
            misses = 0;
        } else {
            misses += 1;
            pos += 1 + (misses >> skip_shift) as usize;
        }
    }
    // Skipping over misses may step past the end; only a match moves it.
    let end = seg.end.max(lit_start);
    out.push(Sequence { literals: (end - lit_start) as u32, len: 0, dist: 0 });
    end
}

/// Match lengths up to this are all tried as ends of a match by the
/// optimal parser; longer matches are tried at their full length only.
const ALL_LENGTHS: usize = 32;

/// The optimal parser: first [`collect`](Self::collect) the candidate
/// matches of a segment (one search), then [`solve`](Self::solve) for the
/// cheapest path under a cost model, as often as the model changes.
#[derive(Default)]
pub(crate) struct OptimalParser {
    /// Candidates of every position, `starts[i]..starts[i + 1]` into `matches`.
    matches: Vec<Match>,
    starts: Vec<u32>,
    /// Positions whose only way on is the long match recorded for them: the
    /// parse jumps over what follows instead of searching inside it.
    forced: Vec<bool>,
    segment_start: usize,
    cost: Vec<u32>,
    /// For each position, how it was reached best: `len == 0` for a literal.
    from: Vec<Match>,
    found: Vec<Match>,
}

impl OptimalParser {
    /// Heap memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        use core::mem::size_of;
        (self.matches.capacity() + self.from.capacity() + self.found.capacity()) * size_of::<Match>()
            + (self.starts.capacity() + self.cost.capacity()) * size_of::<u32>()
            + self.forced.capacity()
    }

    /// Searches every position of the segment and records, for each, the
    /// matches longer than all nearer ones.
    pub(crate) fn collect<F: Fn(usize) -> usize>(
        &mut self,
        seg: &Segment<'_, F>,
        mf: &mut MatchFinder,
        limits: SearchLimits,
    ) {
        let data = seg.data;
        let n = seg.end - seg.start;
        self.segment_start = seg.start;
        self.matches.clear();
        self.starts.clear();
        self.starts.reserve(n + 1);
        self.forced.clear();
        self.forced.resize(n, false);
        let search_end = seg.search_end();
        let mut i = 0usize;
        while i < n {
            let pos = seg.start + i;
            self.starts.push(self.matches.len() as u32);
            let cap = if pos < search_end { seg.len_cap(pos) } else { 0 };
            if cap < 3 {
                if pos < search_end {
                    mf.insert(data, pos);
                }
                i += 1;
                continue;
            }
            mf.find_all(data, pos, seg.lowest(pos), cap, limits, &mut self.found);
            self.matches.extend_from_slice(&self.found);
            match self.found.last() {
                // A very long match is taken as it is: searching inside it
                // costs time for nothing on runs and repeats.
                Some(&longest) if longest.len as usize >= limits.nice_len => {
                    self.forced[i] = true;
                    let end = i + longest.len as usize;
                    let index_end = (seg.start + end).min(search_end);
                    let mut p = pos + 1;
                    while p < index_end {
                        mf.insert(data, p);
                        p += 4;
                    }
                    for _ in i + 1..end {
                        self.starts.push(self.matches.len() as u32);
                    }
                    i = end;
                }
                _ => i += 1,
            }
        }
        self.starts.push(self.matches.len() as u32);
    }

    /// Finds the cheapest parse of the collected segment under `costs` (a
    /// shortest path over positions, each literal or match an edge) and
    /// appends it to `out`.
    pub(crate) fn solve(&mut self, data: &[u8], costs: &impl CostModel, out: &mut Vec<Sequence>) {
        let n = self.starts.len() - 1;
        let base = self.segment_start;
        self.cost.clear();
        self.cost.resize(n + 1, u32::MAX);
        self.from.clear();
        self.from.resize(n + 1, Match::default());
        self.cost[0] = 0;
        let mut i = 0usize;
        while i < n {
            let here = self.cost[i];
            let lit = here + costs.literal(data[base + i]);
            if lit < self.cost[i + 1] {
                self.cost[i + 1] = lit;
                self.from[i + 1] = Match::default();
            }
            let found = &self.matches[self.starts[i] as usize..self.starts[i + 1] as usize];
            let mut next_len = 3usize;
            for &m in found {
                // Every length up to ALL_LENGTHS may end the match; beyond
                // it only the longest, which keeps the work per position
                // bounded on repetitive data at a negligible cost in size.
                let full = m.len as usize;
                let dense_end = full.min(ALL_LENGTHS.max(next_len));
                for len in (next_len..=dense_end).chain((dense_end < full).then_some(full)) {
                    let c = here + costs.matched(len, m.dist as usize);
                    let slot = i + len;
                    if c < self.cost[slot] {
                        self.cost[slot] = c;
                        self.from[slot] = Match { len: len as u32, dist: m.dist };
                    }
                }
                next_len = full + 1;
            }
            if self.forced[i] {
                let longest = found[found.len() - 1];
                // Relaxed above already; nothing inside the match is visited.
                i += longest.len as usize;
            } else {
                i += 1;
            }
        }

        // Walk back from the end: trailing literals first, then each match
        // with the literal run that precedes it.
        let first = out.len();
        let mut i = n;
        let mut literals = 0u32;
        let mut pending: Option<Match> = None;
        while i > 0 {
            let step = self.from[i];
            if step.len == 0 {
                literals += 1;
                i -= 1;
            } else {
                let (len, dist) = pending.map_or((0, 0), |m| (m.len, m.dist));
                out.push(Sequence { literals, len, dist });
                literals = 0;
                pending = Some(step);
                i -= step.len as usize;
            }
        }
        let (len, dist) = pending.map_or((0, 0), |m| (m.len, m.dist));
        out.push(Sequence { literals, len, dist });
        // Reversed, each entry is (literals, the match after them), ending
        // with the match-less trailing run.
        out[first..].reverse();
    }
}

/// What an encoder keeps between calls to parse: the two match finders
/// (a bucketed one for the standard level, hash chains for the maximum
/// level), the optimal parser's buffers, and the parse itself.
pub(crate) struct LzState {
    fast: BucketFinder,
    chains: MatchFinder,
    optimal: OptimalParser,
    /// The parse: literal runs and matches, in input order.
    pub(crate) seqs: Vec<Sequence>,
}

impl LzState {
    pub(crate) fn new() -> Self {
        LzState {
            fast: BucketFinder::new(),
            chains: MatchFinder::new(),
            optimal: OptimalParser::default(),
            seqs: Vec::new(),
        }
    }

    /// Heap memory held, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.fast.heap_bytes()
            + self.chains.heap_bytes()
            + self.optimal.heap_bytes()
            + self.seqs.capacity() * core::mem::size_of::<Sequence>()
    }

    /// Starts an input of `len` bytes: clears the parse and prepares the
    /// finder `level` uses for distances up to `max_dist`. The standard
    /// level's finder hashes `hash_bytes` (3 or 4) bytes.
    pub(crate) fn reset(&mut self, len: usize, max_dist: usize, level: Level, hash_bytes: u32) {
        self.seqs.clear();
        match level {
            Level::Standard => self.fast.reset(len, max_dist, hash_bytes),
            Level::Maximum => self.chains.reset(len, max_dist),
        }
    }

    /// Greedy parse of `seg` onto [`seqs`](Self::seqs); see [`greedy`],
    /// which gives the position where the parse ends.
    pub(crate) fn parse_greedy<F: Fn(usize) -> usize>(
        &mut self,
        seg: &Segment<'_, F>,
        limits: SearchLimits,
        skip_shift: u32,
        accept: impl Fn(Match) -> bool,
    ) -> usize {
        greedy(seg, &mut self.fast, limits, skip_shift, accept, &mut self.seqs)
    }

    /// Searches `seg` for the optimal parser, then lets `solve` parse it
    /// onto [`seqs`](Self::seqs) (once, or several times as costs are learnt).
    pub(crate) fn parse_optimal<F: Fn(usize) -> usize>(
        &mut self,
        seg: &Segment<'_, F>,
        limits: SearchLimits,
        solve: impl FnOnce(&mut OptimalParser, &mut Vec<Sequence>),
    ) {
        debug_assert!(!seg.overrun, "the optimal parser keeps to its segment");
        self.optimal.collect(seg, &mut self.chains, limits);
        solve(&mut self.optimal, &mut self.seqs);
    }
}
