//! Parsers: turn a stretch of input into literal runs and matches, using
//! the match finder. Greedy parsing for the fastest levels, greedy or lazy
//! for the middle ones; a shortest-path ("optimal") parse over a format's
//! bit costs for the near-optimal levels.

use super::arena::Arena;
use super::extend::match_len;
use super::matchfinder::{BucketFinder, HashChains, Match, SearchLimits, TreeFinder};
use super::sequences::{Sequence, Sequences, MAX_SEQUENCE_BYTES};
use crate::format::{ChainEffort, GreedyEffort, OptimalEffort};

/// Where and how a segment may be matched.
pub(crate) struct Segment<'a, F: Fn(usize) -> usize> {
    /// The whole input; matches read from it.
    pub(crate) data: &'a [u8],
    /// The stretch to parse.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// No match may reach before this position.
    pub(crate) low: usize,
    /// Where the window that `low` starts ends: the end of the data, or
    /// where the format starts afresh (LZNT1's chunks). No match reaches
    /// past it, and the maximum level's trees compare no further.
    pub(crate) window_end: usize,
    pub(crate) max_dist: usize,
    /// The format's cap on a match starting at a position, before the end
    /// of the segment is taken into account.
    pub(crate) max_len: F,
    /// Whether a match that starts before `end` may run on past it, to the
    /// end of the data (the greedy parser then returns where it stopped).
    pub(crate) overrun: bool,
}

impl<'a> Segment<'a, fn(usize) -> usize> {
    /// A stretch of a format whose matches reach up to `max_dist` back
    /// anywhere in the data, with no cap on their length of its own (plain
    /// LZ77 and LZ77+Huffman).
    pub(crate) fn sliding(
        data: &'a [u8],
        start: usize,
        end: usize,
        max_dist: usize,
        overrun: bool,
    ) -> Segment<'a, impl Fn(usize) -> usize> {
        Segment { data, start, end, low: 0, window_end: data.len(), max_dist, max_len: |_| usize::MAX, overrun }
    }
}

impl<F: Fn(usize) -> usize> Segment<'_, F> {
    #[inline(always)]
    fn len_cap(&self, pos: usize) -> usize {
        let end = if self.overrun { self.data.len() } else { self.end };
        (self.max_len)(pos).min(end - pos)
    }

    /// How far back a match at `pos` may copy from.
    #[inline(always)]
    fn reach(&self, pos: usize) -> usize {
        (pos - self.low).min(self.max_dist)
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
    /// [`matched`](Self::matched) for a distance and every length below
    /// [`SHORT_LENGTHS`], which the optimal parser tries one by one.
    fn short_matches(&self, dist: usize) -> &[u32; SHORT_LENGTHS];
}

/// Match lengths below this have their costs in
/// [`CostModel::short_matches`].
pub(crate) const SHORT_LENGTHS: usize = ALL_LENGTHS + 1;

/// Where parsers put what they find: a buffer to read back, or a format's
/// writer directly.
pub(crate) trait SequenceSink {
    /// Whether another match and a closing literal run can still be taken;
    /// the greedy parser stops early when not.
    fn has_room(&self) -> bool;
    fn push(&mut self, s: Sequence);
}

impl SequenceSink for Sequences<'_> {
    #[inline(always)]
    fn has_room(&self) -> bool {
        self.room() >= 2 * MAX_SEQUENCE_BYTES
    }

    #[inline(always)]
    fn push(&mut self, s: Sequence) {
        Sequences::push(self, s);
    }
}

/// Of the positions inside a match, the greedy parser indexes only the
/// last `INDEXED_TAIL`: they are the likeliest sources for what follows,
/// and indexing every one costs more time than the matches it would find
/// save. Three suit plain LZ77 and LZ77+Huffman (a fourth costs a tenth of
/// the speed for 0.1% smaller output).
const INDEXED_TAIL: usize = 3;

/// Every `2^SKIP_SHIFT` misses in a row the greedy parser's step grows by
/// one, so incompressible data is crossed quickly.
const SKIP_SHIFT: u32 = 6;

/// Greedy parse over hash buckets, for the formats whose window slides
/// (LZNT1 has its own, over a window at a time): take the match found at
/// each position, skipping ahead over misses ([`SKIP_SHIFT`]), and index
/// every position of each match or only its [`INDEXED_TAIL`]. One
/// candidate per bucket is screened; several (`WAYS`) are probed, and a
/// 3-byte match at most `short_reach` back is taken where the bucket has
/// none. Returns where the parse ends: the segment's end, past it where an
/// overrunning last match ends, or before it when `out` fills up.
pub(crate) fn greedy<F: Fn(usize) -> usize, const WAYS: usize, const HASH_BYTES: usize>(
    seg: &Segment<'_, F>,
    mf: &mut BucketFinder<'_, WAYS, HASH_BYTES>,
    every_position: bool,
    short_reach: usize,
    out: &mut impl SequenceSink,
) -> usize
where
    [u16; WAYS]: bytemuck::Pod,
{
    let data = seg.data;
    let cap_end = if seg.overrun { data.len() } else { seg.end };
    // Every position searched has room for a match of the bytes hashed
    // (and a probe's eight-byte read).
    let read_end = if WAYS == 1 { data.len() } else { data.len().saturating_sub(7) };
    let search_end = seg.search_end().min(cap_end.saturating_sub(HASH_BYTES - 1).min(read_end).max(seg.start));
    let mut pos = seg.start;
    let mut lit_start = seg.start;
    let mut misses = 0u32;
    while pos < search_end {
        let m = if WAYS == 1 {
            // The miss test stays here in the loop: behind one wrapping
            // call the compiler laid the loop out worse (4% slower).
            let (dist, count) = mf.screen(data, pos, seg.reach(pos));
            if count == 0 {
                misses += 1;
                pos += 1 + (misses >> SKIP_SHIFT) as usize;
                continue;
            }
            mf.extend_screened(data, pos, dist, seg.len_cap(pos))
        } else {
            let m = mf.search(data, pos, seg.reach(pos), seg.len_cap(pos), short_reach);
            if m.len == 0 {
                misses += 1;
                pos += 1 + (misses >> SKIP_SHIFT) as usize;
                continue;
            }
            m
        };
        out.push(Sequence { literals: (pos - lit_start) as u32, len: m.len, dist: m.dist });
        let match_end = pos + m.len as usize;
        let index_end = match_end.min(search_end);
        if every_position {
            for p in pos + 1..index_end {
                mf.insert(data, p);
            }
        } else {
            let first = index_end.saturating_sub(INDEXED_TAIL).max(pos + 1);
            if index_end == first + INDEXED_TAIL {
                // The usual case, unrolled: a loop's variable exit would be
                // mispredicted about once per match.
                for k in 0..INDEXED_TAIL {
                    mf.insert(data, first + k);
                }
            } else {
                for p in first..index_end {
                    mf.insert(data, p);
                }
            }
        }
        pos = match_end;
        lit_start = pos;
        misses = 0;
        // Room for one more match and the closing literal run.
        if !out.has_room() && pos < seg.end {
            return pos;
        }
    }
    // Skipping over misses may step past the end; only a match moves it.
    let end = seg.end.max(lit_start);
    out.push(Sequence { literals: (end - lit_start) as u32, len: 0, dist: 0 });
    end
}

/// Greedy or lazy parse over hash chains, for the middle levels: at each
/// position the longest match of the chain's nearest `limits.depth`
/// candidates; a lazy parse then looks one position on and, where a longer
/// match starts there, takes a literal instead (and looks on again). Every
/// position is indexed. Returns where the parse ends, as [`greedy`] does.
pub(crate) fn chains<F: Fn(usize) -> usize, const HASH_BYTES: usize>(
    seg: &Segment<'_, F>,
    mf: &mut HashChains<'_, HASH_BYTES>,
    limits: SearchLimits,
    lazy: bool,
    short_reach: usize,
    out: &mut impl SequenceSink,
) -> usize {
    // A 3-byte match farther than `short_reach` back is passed over: where
    // distances cost bits, it costs more than its literals.
    let worth = |m: Match| if m.len == 3 && m.dist as usize > short_reach { Match::default() } else { m };
    // The look one position on searches half as deep: most often its
    // match is not taken.
    let ahead_limits = SearchLimits { depth: limits.depth.div_ceil(2), ..limits };
    let data = seg.data;
    let cap_end = if seg.overrun { data.len() } else { seg.end };
    // Every position searched has room for a 3-byte match and a 4-byte read.
    let search_end = seg.search_end().min(cap_end.saturating_sub(2).max(seg.start));
    let (mut pos, mut lit_start) = (seg.start, seg.start);
    // The match found at `pos` by looking on from the position before.
    let mut ahead: Option<Match> = None;
    while pos < search_end {
        let m = match ahead.take() {
            Some(m) => m,
            None => worth(mf.find(data, pos, seg.reach(pos), seg.len_cap(pos), limits, 0)),
        };
        if m.len == 0 {
            pos += 1;
            continue;
        }
        let mut indexed = pos + 1;
        if lazy && (m.len as usize) < limits.nice_len && pos + 1 < search_end {
            let next = pos + 1;
            let later = mf.find(data, next, seg.reach(next), seg.len_cap(next), ahead_limits, m.len as usize);
            if later.len > 0 {
                ahead = Some(later);
                pos = next;
                continue;
            }
            indexed = next + 1;
        }
        out.push(Sequence { literals: (pos - lit_start) as u32, len: m.len, dist: m.dist });
        let match_end = pos + m.len as usize;
        for p in indexed..match_end.min(search_end) {
            mf.insert(data, p);
        }
        pos = match_end;
        lit_start = pos;
        if !out.has_room() && pos < seg.end {
            return pos;
        }
    }
    let end = seg.end.max(lit_start);
    out.push(Sequence { literals: (end - lit_start) as u32, len: 0, dist: 0 });
    end
}

/// Match lengths up to this are all tried as ends of a match by the
/// optimal parser; longer matches are tried at their full length only.
pub(crate) const ALL_LENGTHS: usize = 32;

/// Most matches kept for one position (the shortest are dropped beyond).
const MAX_PER_POSITION: usize = 0xFFFF;

/// The optimal parser: first [`collect`](Self::collect) the candidate
/// matches of a piece of input (one search), then [`solve`](Self::solve)
/// for the cheapest path under a cost model, as often as the model changes.
/// Its tables come from an [`Arena`]; a piece ends early when they fill up.
pub(crate) struct OptimalParser<'a> {
    /// Matches recorded for each position of the piece.
    counts: &'a mut [u16],
    /// The matches of every position in turn, [`Match::pack`]ed.
    matches: &'a mut [u32],
    /// The cheapest cost from each position to the piece's end.
    cost: &'a mut [u32],
    /// The step the path takes at each position, packed; 0 for a literal.
    step: &'a mut [u32],
    piece_start: usize,
    piece_len: usize,
    /// Matches recorded for the piece.
    used: usize,
}

impl<'a> OptimalParser<'a> {
    /// Bytes per position of a piece, besides its matches.
    pub(crate) const BYTES_PER_POSITION: usize = 2 + 4 + 4;

    /// Tables for pieces of up to `positions` bytes, and the rest of
    /// `arena` for their matches (at least `min_matches`).
    pub(crate) fn new(arena: &mut Arena<'a>, positions: usize, min_matches: usize) -> Self {
        let budget = arena.bytes_left();
        let counts = arena.u16s(positions);
        let cost = arena.u32s(positions + 1);
        let step = arena.u32s(positions + 1);
        let match_budget = budget.saturating_sub(positions * Self::BYTES_PER_POSITION + 8) / 4;
        let matches = arena.u32s(match_budget.max(min_matches));
        assert!(
            counts.len() == positions && step.len() == positions + 1 && matches.len() >= min_matches,
            "the arena holds the optimal parser's tables"
        );
        OptimalParser { counts, matches, cost, step, piece_start: 0, piece_len: 0, used: 0 }
    }

    /// Searches the positions of `seg` in turn and records, for each, the
    /// matches longer than all nearer ones, until the segment ends or the
    /// tables are full. Returns where the piece collected ends.
    pub(crate) fn collect<F: Fn(usize) -> usize>(
        &mut self,
        seg: &Segment<'_, F>,
        mf: &mut TreeFinder<'_>,
        limits: SearchLimits,
    ) -> usize {
        let data = seg.data;
        let n = (seg.end - seg.start).min(self.counts.len());
        let per_position = (limits.depth as usize).min(MAX_PER_POSITION);
        self.piece_start = seg.start;
        let search_end = seg.search_end();
        let mut used = 0usize;
        let mut i = 0usize;
        while i < n {
            if self.matches.len() - used < per_position {
                break;
            }
            let pos = seg.start + i;
            self.counts[i] = 0;
            // Packed lengths stay below 2^16, and matches inside the piece.
            let cap = if pos < search_end { seg.len_cap(pos).min(0xFFFF).min(n - i) } else { 0 };
            if cap < 3 {
                if pos < search_end {
                    mf.insert(data, pos, seg.reach(pos), seg.window_end, limits);
                }
                i += 1;
                continue;
            }
            let found = mf.find_all(data, pos, seg.reach(pos), seg.window_end, cap, limits, &mut self.matches[used..]);
            self.counts[i] = found as u16;
            used += found;
            let longest = if found > 0 { Match::unpack(self.matches[used - 1]).len as usize } else { 0 };
            // Inside a very long match nothing is searched (its positions
            // get no matches): that costs time for nothing on runs and
            // repeats.
            if longest >= limits.nice_len {
                let index_end = (pos + longest).min(search_end);
                let mut p = pos + 1;
                while p < index_end {
                    mf.insert(data, p, seg.reach(p), seg.window_end, limits);
                    p += 4;
                }
                self.counts[i + 1..i + longest].fill(0);
                i += longest;
            } else {
                i += 1;
            }
        }
        self.piece_len = i;
        self.used = used;
        seg.start + i
    }

    /// Finds the cheapest parse of the collected piece under `costs`: a
    /// shortest path over positions, each literal or match an edge, worked
    /// out from the piece's end back, so that each position takes the
    /// cheapest of its edges in registers rather than storing to every
    /// position its matches reach (and mispredicting which stores win).
    /// Read the path with [`for_each_step`](Self::for_each_step).
    pub(crate) fn solve(&mut self, data: &[u8], costs: &impl CostModel) {
        let n = self.piece_len;
        let piece = &data[self.piece_start..self.piece_start + n];
        // `cost[i]`: the cheapest way from position `i` to the end.
        let cost = &mut self.cost[..=n];
        let step = &mut self.step[..n];
        cost[n] = 0;
        let mut at = self.used;
        for i in (0..n).rev() {
            // Ties go to the first tried: a literal, then shorter matches.
            let mut best = costs.literal(piece[i]) + cost[i + 1];
            let (mut best_len, mut best_dist) = (0usize, 0u32);
            let count = usize::from(self.counts[i]);
            at -= count;
            let mut next_len = 3usize;
            // A match is longer than every nearer one: each length is tried
            // once, at the nearest distance that reaches it.
            for &packed in &self.matches[at..at + count] {
                let m = Match::unpack(packed);
                // Every length up to ALL_LENGTHS may end the match; beyond
                // it only the longest, which keeps the work per position
                // bounded on repetitive data at a negligible cost in size.
                // A piece that ended early cuts the matches before its end.
                let full = (m.len as usize).min(n - i);
                let row_end = full.min(ALL_LENGTHS);
                if next_len <= row_end {
                    let row = &costs.short_matches(m.dist as usize)[next_len..=row_end];
                    let ends = &cost[i + next_len..=i + row_end];
                    for (len, (&bits, &rest)) in (next_len..).zip(row.iter().zip(ends)) {
                        if bits + rest < best {
                            (best, best_len, best_dist) = (bits + rest, len, m.dist);
                        }
                    }
                }
                // Past the row only the match's whole length, and the
                // length after the nearer match's if that is longer than
                // the row already.
                let mut consider = |len: usize| {
                    let c = costs.matched(len, m.dist as usize) + cost[i + len];
                    if c < best {
                        (best, best_len, best_dist) = (c, len, m.dist);
                    }
                };
                if next_len > ALL_LENGTHS && next_len < full {
                    consider(next_len);
                }
                if row_end < full {
                    consider(full);
                }
                next_len = full + 1;
            }
            cost[i] = best;
            step[i] = Match { len: best_len as u32, dist: best_dist }.pack();
        }
    }

    /// The greedy path through the collected piece instead: at each
    /// position the longest match found there, else a literal. A cost
    /// model learnt from it is a start that the cheapest paths must beat.
    pub(crate) fn take_longest(&mut self) {
        let n = self.piece_len;
        let (mut at, mut next) = (0usize, 0usize);
        for i in 0..n {
            let count = usize::from(self.counts[i]);
            let found = &self.matches[at..at + count];
            at += count;
            if i < next {
                continue;
            }
            match found.last().map(|&m| Match::unpack(m)) {
                Some(m) if (m.len as usize).min(n - i) >= 3 => {
                    let len = (m.len as usize).min(n - i);
                    self.step[i] = Match { len: len as u32, dist: m.dist }.pack();
                    next = i + len;
                }
                _ => {
                    self.step[i] = 0;
                    next = i + 1;
                }
            }
        }
    }

    /// Calls `f` with each step of the path in order: the input position
    /// it starts at and the match taken there (length 0 for a literal).
    #[inline]
    pub(crate) fn for_each_step(&self, mut f: impl FnMut(usize, Match)) {
        let mut i = 0;
        while i < self.piece_len {
            let m = Match::unpack(self.step[i]);
            f(self.piece_start + i, m);
            i += (m.len as usize).max(1);
        }
    }

    /// Parses all of `seg` into `out`, in pieces the tables afford: each
    /// piece is collected, `solve` finds its path (once, or several times
    /// as it learns costs), and its matches go to `out` with literal runs
    /// carried across pieces, so the pieces are stored as compactly as
    /// one; a closing literal run ends the parse. A match that ends a
    /// piece runs on as far as it matches, as a greedy parse's would: to
    /// the segment's end, or past it where the segment overruns (where
    /// LZ77+Huffman's block ends, and Windows' does too), and the next
    /// piece starts after it. Returns where the parse ended: the segment's
    /// end, past it after an overrunning match, or before it when `out`
    /// has no room left.
    pub(crate) fn parse<F: Fn(usize) -> usize>(
        &mut self,
        mut seg: Segment<'_, F>,
        mf: &mut TreeFinder<'_>,
        limits: SearchLimits,
        out: &mut impl SequenceSink,
        mut solve: impl FnMut(&mut Self),
    ) -> usize {
        let mut literals = 0u32;
        while seg.start < seg.end && out.has_room() {
            let piece_end = self.collect(&seg, mf, limits);
            solve(self);
            // The last match waits until the piece's last step is known:
            // `(where, the match, the literals before it)`.
            let mut last: Option<(usize, Match, u32)> = None;
            self.for_each_step(|pos, step| {
                if step.len == 0 {
                    literals += 1;
                } else {
                    if let Some((_, m, before)) = last.take() {
                        out.push(Sequence { literals: before, len: m.len, dist: m.dist });
                    }
                    last = Some((pos, step, literals));
                    literals = 0;
                }
            });
            seg.start = piece_end;
            if let Some((pos, mut m, before)) = last {
                let end = pos + m.len as usize;
                if end == piece_end && literals == 0 {
                    let cap = seg.len_cap(pos);
                    let (len, dist) = (m.len as usize, m.dist as usize);
                    m.len += match_len(seg.data, end - dist, end, cap.max(len) - len) as u32;
                    seg.start = pos + m.len as usize;
                }
                out.push(Sequence { literals: before, len: m.len, dist: m.dist });
            }
        }
        out.push(Sequence { literals, len: 0, dist: 0 });
        seg.start
    }
}

/// Bytes of the optimal parser's tables for a piece of `positions`, with
/// room for about two matches per position.
pub(crate) const fn piece_bytes(positions: usize) -> usize {
    (OptimalParser::BYTES_PER_POSITION + 8) * positions
}

/// Positions per optimal-parse piece that `bytes` of tables afford
/// ([`piece_bytes`]), at most `max`.
pub(crate) fn piece_positions(bytes: usize, max: usize) -> usize {
    (bytes / piece_bytes(1) / 1024 * 1024).clamp(1024, max)
}

/// A level's parser and the tables it works on, for the formats whose
/// window slides (`HASH_BYTES` hashed for the greedy parser, `CHAIN_BYTES`
/// for the chains).
pub(crate) enum Engine<'a, const HASH_BYTES: usize, const CHAIN_BYTES: usize> {
    /// Greedy over buckets of one candidate.
    Greedy(BucketFinder<'a, 1, HASH_BYTES>, GreedyEffort),
    /// Greedy over buckets of two.
    GreedyPairs(BucketFinder<'a, 2, HASH_BYTES>, GreedyEffort),
    Chains(HashChains<'a, CHAIN_BYTES>, ChainEffort),
    Optimal(TreeFinder<'a>, OptimalParser<'a>, OptimalEffort),
}

impl<'a, const HASH_BYTES: usize, const CHAIN_BYTES: usize> Engine<'a, HASH_BYTES, CHAIN_BYTES> {
    /// A greedy level's buckets from `arena`, of `effort.ways` candidates
    /// (one or two), for an input of `len` bytes searched up to `max_dist`
    /// back; a match of `nice_len` ends a search.
    pub(crate) fn greedy(
        arena: &mut Arena<'a>,
        effort: GreedyEffort,
        len: usize,
        max_dist: usize,
        nice_len: usize,
    ) -> Self {
        match effort.ways {
            1 => Engine::Greedy(BucketFinder::new(arena, len, max_dist, 0, nice_len), effort),
            _ => Engine::GreedyPairs(BucketFinder::new(arena, len, max_dist, 0, nice_len), effort),
        }
    }

    /// Indexes every position before `seg.start`: the dictionary that a
    /// segment compressed apart from what precedes it reaches back into.
    /// Every position, whatever the parser would have indexed, so that
    /// what a segment finds depends only on the bytes before it.
    /// `max_nice_len` is the format's cap on the trees' nice length.
    pub(crate) fn prime<F: Fn(usize) -> usize>(&mut self, seg: &Segment<'_, F>, max_nice_len: usize) {
        let end = seg.start.min(seg.data.len().saturating_sub(3));
        match self {
            Engine::Greedy(finder, _) => (seg.low..end).for_each(|pos| finder.insert(seg.data, pos)),
            Engine::GreedyPairs(finder, _) => (seg.low..end).for_each(|pos| finder.insert(seg.data, pos)),
            Engine::Chains(finder, _) => (seg.low..end).for_each(|pos| finder.insert(seg.data, pos)),
            Engine::Optimal(finder, _, effort) => {
                let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len.min(max_nice_len) };
                for pos in seg.low..end {
                    finder.insert(seg.data, pos, seg.reach(pos), seg.window_end, limits);
                }
            }
        }
    }
}

/// Where a segment compressed apart from what precedes it lies: its
/// dictionary from `from`, the segment itself from `start` to `end`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SegmentSpan {
    pub(crate) from: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The segments of `start..end`, `segment` bytes each but the last, each
/// with up to `dictionary` bytes before it (in the data from 0 on): the
/// numbered levels' unit, whether compressed one after the other or side
/// by side. An empty stretch is one empty segment.
pub(crate) fn segment_spans(
    start: usize,
    end: usize,
    segment: usize,
    dictionary: usize,
) -> impl Iterator<Item = SegmentSpan> {
    let count = (end - start).div_ceil(segment).max(1);
    (0..count).map(move |i| {
        let at = start + i * segment;
        SegmentSpan { from: at.saturating_sub(dictionary), start: at, end: end.min(at + segment) }
    })
}
