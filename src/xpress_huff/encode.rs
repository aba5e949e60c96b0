//! LZ77+Huffman encoder ([MS-XCA] §2.1, Windows' block conventions).
//!
//! The input is parsed 64 KiB at a time into literal runs and matches, and
//! each stretch becomes one block with its own code, written as soon as it
//! is parsed. A block ends exactly where the decoder ends it: its last
//! match starts inside the 64 KiB and may run on (standard level), and the
//! next block starts where that match ends. The last block carries the
//! end-of-data symbol.

use super::{BLOCK_OUTPUT, END_OF_DATA, MAX_DISTANCE, TABLE_BYTES};
use crate::bits::{bitstream_size, BitWriter};
use crate::error::{Error, Result};
use crate::format::{EncoderKind, Format, Level, SpaceCheck};
use crate::huffman::encode::{build_lengths, canonical_codes};
use crate::huffman::NUM_SYMBOLS;
use crate::lz::arena::Arena;
use crate::lz::matchfinder::{HashChains, Match, SearchLimits, TreeFinder, WindowsChainFinder, WindowsFinder};
use crate::lz::parse::{
    chains, greedy, piece_bytes, piece_positions, segment_spans, CostModel, Engine, OptimalParser, Segment,
    SegmentSpan, SequenceSink, SHORT_LENGTHS,
};
use crate::lz::sequences::{worst_case_bytes, Sequence, Sequences};
use alloc::boxed::Box;

/// Highest set bit of a distance (its symbol's distance class).
#[inline(always)]
fn distance_class(dist: u32) -> u32 {
    31 - dist.leading_zeros()
}

#[inline(always)]
fn match_symbol(len: u32, dist: u32) -> usize {
    256 + (len as usize - 3).min(15) + 16 * distance_class(dist) as usize
}

/// Raw bytes that follow a match symbol for its length.
#[inline(always)]
fn extra_length_bytes(len: u32) -> u32 {
    let v = len - 3;
    match v {
        0..=14 => 0,
        15..=269 => 1,
        _ if v <= 0xFFFF => 3,
        _ => 7,
    }
}

/// Costs from a previous pass's code, for the optimal parser.
#[derive(Clone)]
struct HuffCosts {
    symbol_bits: [u32; NUM_SYMBOLS],
    /// The code's own lengths (0 for a symbol it leaves out), where the
    /// costs come from a code.
    code_bits: [u32; NUM_SYMBOLS],
    /// The cost of a match by distance class and length, for lengths below
    /// [`SHORT_LENGTHS`]: the parser asks for each of them in turn.
    short_matches: [[u32; SHORT_LENGTHS]; 16],
}

impl HuffCosts {
    /// Costs of an assumed code before anything is known: every literal 9
    /// bits, short matches cheaper.
    fn guessed() -> Self {
        let mut symbol_bits = [9u32; NUM_SYMBOLS];
        for (i, b) in symbol_bits.iter_mut().enumerate().skip(256) {
            // Short lengths and near distances are the common ones.
            let len_field = (i - 256) & 15;
            *b = 7 + (len_field as u32 / 4) + ((i - 256) >> 4) as u32 / 4;
        }
        Self::with_symbol_bits(symbol_bits)
    }

    /// [`guessed`](Self::guessed), but literals as a code of `block`'s own
    /// bytes would cost them: on skewed bytes a match must beat cheap
    /// literals.
    fn from_bytes(block: &[u8]) -> Self {
        let mut freqs = [0u32; NUM_SYMBOLS];
        for &b in block {
            freqs[usize::from(b)] += 1;
        }
        let mut lengths = [0u8; NUM_SYMBOLS];
        build_lengths(&freqs, &mut lengths);
        let mut costs = Self::guessed();
        for (bits, &len) in costs.symbol_bits.iter_mut().zip(&lengths[..256]) {
            *bits = u32::from(len).max(1);
        }
        Self::with_symbol_bits(costs.symbol_bits)
    }

    fn from_freqs(freqs: &[u32; NUM_SYMBOLS]) -> Self {
        let mut lengths = [0u8; NUM_SYMBOLS];
        build_lengths(freqs, &mut lengths);
        let mut symbol_bits = [0u32; NUM_SYMBOLS];
        for (bits, &len) in symbol_bits.iter_mut().zip(&lengths) {
            // A symbol unused so far would get a long code if it were used.
            *bits = if len == 0 { 15 } else { u32::from(len) };
        }
        let mut costs = Self::with_symbol_bits(symbol_bits);
        costs.code_bits = lengths.map(u32::from);
        costs
    }

    /// The bits of the symbols counted in `freqs` under this code.
    fn code_bits_for(&self, freqs: &[u32; NUM_SYMBOLS]) -> u64 {
        freqs.iter().zip(&self.code_bits).map(|(&f, &b)| u64::from(f) * u64::from(b)).sum()
    }

    fn with_symbol_bits(symbol_bits: [u32; NUM_SYMBOLS]) -> Self {
        let mut costs = HuffCosts { symbol_bits, code_bits: [0; NUM_SYMBOLS], short_matches: [[0; SHORT_LENGTHS]; 16] };
        for class in 0..16 {
            for len in 3..SHORT_LENGTHS as u32 {
                costs.short_matches[class as usize][len as usize] = costs.match_cost(len, 1 << class);
            }
        }
        costs
    }

    #[inline(always)]
    fn match_cost(&self, len: u32, dist: u32) -> u32 {
        self.symbol_bits[match_symbol(len, dist)] + distance_class(dist) + 8 * extra_length_bytes(len)
    }
}

impl CostModel for HuffCosts {
    #[inline(always)]
    fn literal(&self, byte: u8) -> u32 {
        self.symbol_bits[usize::from(byte)]
    }
    #[inline(always)]
    fn matched(&self, len: usize, dist: usize) -> u32 {
        match self.short_matches(dist).get(len) {
            Some(&cost) => cost,
            None => self.match_cost(len as u32, dist as u32),
        }
    }
    #[inline(always)]
    fn short_matches(&self, dist: usize) -> &[u32; SHORT_LENGTHS] {
        &self.short_matches[distance_class(dist as u32) as usize % 16]
    }
}

/// How the optimal parser's path for a piece was made.
enum Path {
    /// The longest match at each position.
    Greedy,
    /// The cheapest path under these costs.
    Cheapest(Box<HuffCosts>),
}

impl Path {
    /// Makes this path the parser's.
    fn take(&self, parser: &mut OptimalParser<'_>, input: &[u8]) {
        match self {
            Path::Greedy => parser.take_longest(),
            Path::Cheapest(costs) => parser.solve(input, costs.as_ref()),
        }
    }
}

/// The smallest of the paths tried for a piece, by the bits its own code
/// writes it in.
struct Best {
    path: Path,
    bits: u64,
    /// The costs of its own code.
    code: HuffCosts,
    /// Whether the parser holds it (the last path tried).
    current: bool,
}

impl Best {
    /// Takes `path` as the first tried.
    fn new(parser: &mut OptimalParser<'_>, input: &[u8], path: Path) -> Self {
        path.take(parser, input);
        let (bits, code) = path_bits(parser, input);
        Best { path, bits, code, current: true }
    }

    /// Takes `path`, and keeps it if it is smaller.
    fn try_path(&mut self, parser: &mut OptimalParser<'_>, input: &[u8], path: Path) {
        path.take(parser, input);
        let (bits, code) = path_bits(parser, input);
        self.current = bits < self.bits;
        if self.current {
            (self.path, self.bits, self.code) = (path, bits, code);
        }
    }

    /// Makes the smallest path the parser's again, if it is not.
    fn restore(&self, parser: &mut OptimalParser<'_>, input: &[u8]) {
        if !self.current {
            self.path.take(parser, input);
        }
    }
}

/// The bits the parser's path takes under its own code, and that code's
/// costs.
fn path_bits(parser: &OptimalParser<'_>, input: &[u8]) -> (u64, HuffCosts) {
    let (freqs, extra_bits) = tally(parser, input);
    let code = HuffCosts::from_freqs(&freqs);
    (extra_bits + code.code_bits_for(&freqs), code)
}

/// The symbol counts of the optimal parser's solved path, and the bits its
/// matches take besides their symbols.
fn tally(parser: &OptimalParser<'_>, input: &[u8]) -> ([u32; NUM_SYMBOLS], u64) {
    let mut freqs = [0u32; NUM_SYMBOLS];
    let mut extra_bits = 0u64;
    parser.for_each_step(|pos, step| {
        if step.len == 0 {
            freqs[usize::from(input[pos])] += 1;
        } else {
            freqs[match_symbol(step.len, step.dist)] += 1;
            extra_bits += u64::from(distance_class(step.dist) + 8 * extra_length_bytes(step.len));
        }
    });
    (freqs, extra_bits)
}

/// A match this long ends the standard level's search.
const STANDARD_NICE_LEN: usize = 48;
/// The near-optimal levels' nice lengths stop here (the longest match
/// whose length takes one extra byte).
const MAX_NICE_LEN: usize = 273;

/// Bytes hashed by the middle levels' chains: four, with the nearest
/// 3-byte match kept apart (it is worth taking only near: [`SHORT_REACH`]).
/// Against chains of three, every level from 2 to 6 is 0.2-1.6% smaller
/// and up to a sixth faster: a walk no longer spends its depth on
/// positions that share only three bytes.
const CHAIN_BYTES: usize = 4;

/// 3-byte matches are taken only this far back: farther, their distance
/// bits make them cost more than three literals.
const SHORT_REACH: usize = 4096;

/// Workspace of the middle levels: a block's parse and the hash chains.
pub(crate) const CHAINS_WORKSPACE: usize = BLOCK_PARSE_BYTES + HashChains::<CHAIN_BYTES>::TABLE_BYTES;

/// Workspace of the near-optimal levels: a block's parse, the trees, and
/// the optimal parser's tables for a whole block at once with room for
/// two matches a position, so that a block is one piece: its path is then
/// chosen under one cost model from end to end (0.1% smaller than pieces
/// of two thirds of a block, and no slower).
pub(crate) const OPTIMAL_WORKSPACE: usize =
    BLOCK_PARSE_BYTES + TreeFinder::table_bytes(BLOCK_OUTPUT, MAX_DISTANCE) + piece_bytes(BLOCK_OUTPUT) + 64;

/// A block's parse, held whole until its code is known.
pub(super) const BLOCK_PARSE_BYTES: usize = worst_case_bytes(BLOCK_OUTPUT);

/// A block's parse and the counts its code is built from, gathered as the
/// parser goes so that writing the block reads the parse only once.
pub(crate) struct BlockParse<'a, 'i> {
    pub(super) seqs: Sequences<'a>,
    input: &'i [u8],
    /// Where the next literal comes from.
    ip: usize,
    freqs: [u32; NUM_SYMBOLS],
    /// Distance bits and extra length bytes of the block's matches.
    offset_bits: u64,
    raw_bytes: u64,
    /// Whether the parse counts as it goes (else [`BlockCounts::tally`]
    /// counts it later, where a second thread writes the block).
    counting: bool,
}

impl<'a, 'i> BlockParse<'a, 'i> {
    /// An empty parse of a block of `input`, held in `bytes`, that counts
    /// its symbols as it goes if `counting`.
    #[cfg(feature = "std")]
    pub(super) fn new(bytes: &'a mut [u8], input: &'i [u8], counting: bool) -> Self {
        let freqs = [0; NUM_SYMBOLS];
        BlockParse { seqs: Sequences::new(bytes), input, ip: 0, freqs, offset_bits: 0, raw_bytes: 0, counting }
    }

    /// An empty parse of a block of `input`, held in `arena`, that counts
    /// its symbols as it goes.
    fn in_arena(arena: &mut Arena<'a>, input: &'i [u8]) -> Self {
        let seqs = Sequences::new(arena.bytes(BLOCK_PARSE_BYTES));
        assert!(seqs.room() == BLOCK_PARSE_BYTES, "the workspace holds a block's parse");
        BlockParse { seqs, input, ip: 0, freqs: [0; NUM_SYMBOLS], offset_bits: 0, raw_bytes: 0, counting: true }
    }

    /// Takes a match at `pos`, after the literals up to it.
    #[inline(always)]
    fn push_match(&mut self, pos: usize, m: Match) {
        let literals = (pos - self.ip) as u32;
        self.push(Sequence { literals, len: m.len, dist: m.dist });
    }

    /// Takes the literals up to `end`, which close the block.
    pub(super) fn push_literals_to(&mut self, end: usize) {
        self.push(Sequence { literals: (end - self.ip) as u32, len: 0, dist: 0 });
    }

    /// Starts the block that begins at `start`.
    pub(super) fn clear(&mut self, start: usize) {
        self.seqs.clear();
        self.ip = start;
        self.freqs.fill(0);
        self.offset_bits = 0;
        self.raw_bytes = 0;
    }
}

impl SequenceSink for BlockParse<'_, '_> {
    #[inline(always)]
    fn has_room(&self) -> bool {
        self.seqs.has_room()
    }

    #[inline(always)]
    fn push(&mut self, s: Sequence) {
        if !self.counting {
            self.ip += s.literals as usize + s.len as usize;
            self.seqs.push(s);
            return;
        }
        let literals = &self.input[self.ip..self.ip + s.literals as usize];
        for &b in literals {
            self.freqs[usize::from(b)] += 1;
        }
        self.ip += literals.len() + s.len as usize;
        if s.len != 0 {
            self.freqs[match_symbol(s.len, s.dist)] += 1;
            self.offset_bits += u64::from(distance_class(s.dist));
            self.raw_bytes += u64::from(extra_length_bytes(s.len));
        }
        self.seqs.push(s);
    }
}

/// Input a numbered level parses with one set of tables. Each segment
/// starts afresh, its tables filled from the [`DICTIONARY`] before it, and
/// its blocks hold exactly 64 KiB (no match runs on past one), so that
/// segments can be compressed apart, side by side, into the same bytes as
/// one after the other (`write::raw`).
pub(crate) const SEGMENT: usize = 16 * BLOCK_OUTPUT;

/// What a segment's matches reach back into before its start: the 64 KiB
/// window.
pub(crate) const DICTIONARY: usize = BLOCK_OUTPUT;

/// Compresses `input` with tables from `workspace` (the level's
/// `workspace::encoder_size`, on x64 or x86, is enough), refusing a block that
/// does not fit by `space`'s rule.
pub(crate) fn compress(
    input: &[u8],
    out: &mut [u8],
    level: Level,
    space: SpaceCheck,
    workspace: &mut [u8],
) -> Result<usize> {
    let mut arena = Arena::new(workspace);
    match level.encoder(Format::XpressHuff) {
        EncoderKind::WindowsStandard => {
            let mut block = BlockParse::in_arena(&mut arena, input);
            let finder = WindowsFinder::new(&mut arena, MAX_DISTANCE + 1);
            compress_windows(input, out, space, finder, &mut block)
        }
        EncoderKind::WindowsMaximum => {
            let mut block = BlockParse::in_arena(&mut arena, input);
            let finder = WindowsChainFinder::new(&mut arena, MAX_DISTANCE, MAXIMUM_COST_LIMIT);
            compress_windows(input, out, space, finder, &mut block)
        }
        _ => compress_numbered(input, out, level, space, workspace),
    }
}

/// [`compress`] at a numbered level: one segment after the other.
fn compress_numbered(
    input: &[u8],
    out: &mut [u8],
    level: Level,
    space: SpaceCheck,
    workspace: &mut [u8],
) -> Result<usize> {
    let mut op = 0;
    for SegmentSpan { from, start, end } in segment_spans(0, input.len(), SEGMENT, DICTIONARY) {
        let last = end == input.len();
        op = compress_segment(&input[from..end], start - from, last, out, op, level, space, workspace)?;
    }
    Ok(op)
}

/// Compresses the segment `data[start..]` at a numbered `level`, its
/// matches reaching back into `data[..start]`, as blocks written at
/// `out[op..]`; returns where they end. The segment is a whole number of
/// blocks unless it is the `last`, whose last block carries the
/// end-of-data symbol.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compress_segment(
    data: &[u8],
    start: usize,
    last: bool,
    out: &mut [u8],
    mut op: usize,
    level: Level,
    space: SpaceCheck,
    workspace: &mut [u8],
) -> Result<usize> {
    debug_assert!(last || (data.len() - start) % BLOCK_OUTPUT == 0, "a segment holds whole blocks");
    let mut arena = Arena::new(workspace);
    let mut block = BlockParse::in_arena(&mut arena, data);
    let len = data.len();
    let mut engine = match level.encoder(Format::XpressHuff) {
        EncoderKind::WindowsStandard | EncoderKind::WindowsMaximum => unreachable!("Windows' engines take no segments"),
        EncoderKind::Greedy(effort) => {
            // One candidate per bucket: a second makes the output 0.5%
            // smaller on the Windows corpus and 2.6% on the bench corpus,
            // at a fifth less speed.
            Engine::<4, CHAIN_BYTES>::greedy(&mut arena, effort, len, MAX_DISTANCE, STANDARD_NICE_LEN)
        }
        EncoderKind::Chains(effort) => {
            Engine::Chains(HashChains::<CHAIN_BYTES>::new(&mut arena, len, MAX_DISTANCE), effort)
        }
        EncoderKind::NearOptimal(effort) => {
            let finder = TreeFinder::new(&mut arena, len, MAX_DISTANCE);
            let positions = piece_positions(arena.bytes_left(), BLOCK_OUTPUT);
            Engine::Optimal(finder, OptimalParser::new(&mut arena, positions, effort.depth as usize), effort)
        }
    };
    engine.prime(&Segment::sliding(data, start, start, MAX_DISTANCE, false), MAX_NICE_LEN);
    // One block per 64 KiB, parsed and written in turn. The input's
    // next-to-last block may run on into its last, as Windows' do: where it
    // runs on to the end, the last block and its table are saved.
    let mut start = start;
    loop {
        let end = len.min(start + BLOCK_OUTPUT);
        block.clear(start);
        let overrun = last && end < len && len - end <= BLOCK_OUTPUT;
        let seg = Segment::sliding(data, start, end, MAX_DISTANCE, overrun);
        let reached = match &mut engine {
            // With one candidate, four hashed bytes find no 3-byte
            // matches, which Windows also skips when far away: their
            // distance bits can cost more than the literals they replace.
            Engine::Greedy(finder, effort) => greedy(&seg, finder, effort.every_position, SHORT_REACH, &mut block),
            Engine::GreedyPairs(finder, effort) => greedy(&seg, finder, effort.every_position, SHORT_REACH, &mut block),
            Engine::Chains(finder, effort) => {
                let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len };
                chains(&seg, finder, limits, effort.lazy, SHORT_REACH, &mut block)
            }
            Engine::Optimal(finder, parser, effort) => {
                let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len.min(MAX_NICE_LEN) };
                let parse = |parser: &mut OptimalParser<'_>| {
                    // Candidate paths: the greedy one, then `passes`
                    // cheapest ones: under guessed costs, under the code of
                    // the smallest path so far, under costs from the
                    // block's bytes, then again under the smallest one's
                    // code. The path whose own code writes it smallest is
                    // kept: which one that is depends on the data (skewed
                    // bytes, long matches).
                    let mut best = Best::new(parser, data, Path::Greedy);
                    for pass in 0..effort.passes {
                        let costs = match pass {
                            0 => HuffCosts::guessed(),
                            2 => HuffCosts::from_bytes(&data[start..end]),
                            _ => best.code.clone(),
                        };
                        best.try_path(parser, data, Path::Cheapest(Box::new(costs)));
                    }
                    best.restore(parser, data);
                };
                parser.parse(seg, finder, limits, &mut block, parse)
            }
        };
        // A block holds exactly 64 KiB or the rest of the input; its parse
        // buffer is sized so that it never ends one sooner.
        assert!(reached == end || overrun && reached > end, "a block's parse fits its buffer");
        op = write_block(&data[start..reached], &block, last && reached == len, out, op, space)?;
        if reached == len {
            return Ok(op);
        }
        start = reached;
    }
}

/// Windows' maximum engine ends a walk of its chain at a count of 12.
pub(super) const MAXIMUM_COST_LIMIT: u32 = 12;

/// How one of Windows' engines parses a block.
pub(crate) trait WindowsBlockParser {
    /// Positions this close to the end of a block's 64 KiB (or of the
    /// input) are not searched.
    const TAIL: usize;

    /// Parses the block from `pos` (past the input's first byte, a
    /// literal) while under `limit`, pushing its matches into `block`;
    /// returns where it stopped (past `limit` after a last match, which
    /// may run on past the block).
    fn parse(&mut self, input: &[u8], pos: usize, limit: usize, block: &mut BlockParse<'_, '_>) -> usize;
}

/// The matches Windows' engines take: a 3-byte match more than 4096 bytes
/// back is refused, since its distance bits can cost more than literals.
#[inline(always)]
fn taken(m: &Match) -> bool {
    m.len > 3 || m.dist <= 4096
}

/// Windows' standard engine: each block parsed greedily with
/// [`WindowsFinder`]. Positions within the tail of the block's end are
/// literals, but a run of literals is only found to have reached them when
/// it completes a group of 32 items, as Windows checks.
impl WindowsBlockParser for WindowsFinder<'_> {
    const TAIL: usize = 40;

    fn parse(&mut self, input: &[u8], mut pos: usize, limit: usize, block: &mut BlockParse<'_, '_>) -> usize {
        // The input's first byte counts as the first block's first item.
        let mut items = (pos - block.ip) as u32;
        if pos >= limit {
            return pos;
        }
        // Past the limit, a run of literals goes on searching until its
        // group is complete (at most 31 positions, which the tail leaves
        // room for).
        loop {
            items += 1;
            match self.search(input, pos).filter(taken) {
                None => {
                    pos += 1;
                    if items % 32 == 0 && pos >= limit {
                        return pos;
                    }
                }
                Some(m) => {
                    block.push_match(pos, m);
                    pos += m.len as usize;
                    if pos >= limit {
                        return pos;
                    }
                }
            }
        }
    }
}

/// Windows' maximum engine: each block parsed greedily with
/// [`WindowsChainFinder`], every position but the tail searched.
impl WindowsBlockParser for WindowsChainFinder<'_> {
    const TAIL: usize = 5;

    fn parse(&mut self, input: &[u8], mut pos: usize, limit: usize, block: &mut BlockParse<'_, '_>) -> usize {
        // The block's positions from here to its tail go into the chains;
        // the input's first byte and those skipped at block ends never do.
        let first_inserted = pos;
        while pos < limit {
            self.insert_up_to(input, first_inserted, pos + 1);
            match self.search(input, pos).filter(taken) {
                None => pos += 1,
                Some(m) => {
                    block.push_match(pos, m);
                    pos += m.len as usize;
                }
            }
        }
        // Those the last match jumped over too: the next block's matches
        // reach back to them.
        self.insert_up_to(input, first_inserted, limit);
        pos
    }
}

/// Windows' engines' blocks: 64 KiB of input each (the last match of one
/// may run on past it, and the next starts where it ends), parsed by
/// `parser` and written with their own code.
fn compress_windows<P: WindowsBlockParser>(
    input: &[u8],
    out: &mut [u8],
    space: SpaceCheck,
    mut parser: P,
    block: &mut BlockParse<'_, '_>,
) -> Result<usize> {
    let (mut pos, mut op) = (0, 0);
    loop {
        let start = pos;
        let piece_end = input.len().min(pos + BLOCK_OUTPUT);
        block.clear(start);
        // The input's first byte is a literal, never searched.
        let first = if pos == 0 { input.len().min(1) } else { pos };
        pos = parser.parse(input, first, piece_end.saturating_sub(P::TAIL), block).max(piece_end);
        block.push_literals_to(pos);
        let last = pos == input.len();
        op = write_block(&input[start..pos], block, last, out, op, space)?;
        if last {
            return Ok(op);
        }
    }
}

/// Writes one block for its parse (which covers `input`) at `out[op..]`, with
/// the end-of-data symbol if it is the `last`, and returns where it ends.
///
/// The block's exact size is known before it is written; whether it fits
/// in `out` is `space`'s rule.
pub(super) fn write_block(
    input: &[u8],
    parse: &BlockParse<'_, '_>,
    last: bool,
    out: &mut [u8],
    op: usize,
    space: SpaceCheck,
) -> Result<usize> {
    let counts = BlockCounts { freqs: parse.freqs, offset_bits: parse.offset_bits, raw_bytes: parse.raw_bytes };
    write_sequences(input, parse.seqs.iter(), &counts, last, out, op, space).map(|(end, _)| end)
}

/// What a block's code and size are worked out from: its symbols' counts
/// (without the end-of-data symbol), and the bits its matches take besides
/// their symbols.
#[derive(Clone)]
pub(super) struct BlockCounts {
    pub(super) freqs: [u32; NUM_SYMBOLS],
    pub(super) offset_bits: u64,
    pub(super) raw_bytes: u64,
}

impl BlockCounts {
    /// The counts of `block`'s parse.
    #[cfg(feature = "std")]
    pub(super) fn of(block: &BlockParse<'_, '_>) -> Self {
        BlockCounts { freqs: block.freqs, offset_bits: block.offset_bits, raw_bytes: block.raw_bytes }
    }

    /// The counts of the sequences `seqs` of the block `input`.
    #[cfg(feature = "std")]
    pub(super) fn tally(input: &[u8], seqs: impl Iterator<Item = Sequence>) -> Self {
        let mut counts = BlockCounts { freqs: [0; NUM_SYMBOLS], offset_bits: 0, raw_bytes: 0 };
        let mut ip = 0;
        for s in seqs {
            for &b in &input[ip..ip + s.literals as usize] {
                counts.freqs[usize::from(b)] += 1;
            }
            ip += s.literals as usize + s.len as usize;
            if s.len != 0 {
                counts.freqs[match_symbol(s.len, s.dist)] += 1;
                counts.offset_bits += u64::from(distance_class(s.dist));
                counts.raw_bytes += u64::from(extra_length_bytes(s.len));
            }
        }
        counts
    }

    /// Makes a match of `old` bytes at `dist` one of `new` bytes.
    #[cfg(feature = "std")]
    pub(super) fn lengthen(&mut self, dist: u32, old: u32, new: u32) {
        self.freqs[match_symbol(old, dist)] -= 1;
        self.freqs[match_symbol(new, dist)] += 1;
        self.raw_bytes = self.raw_bytes - u64::from(extra_length_bytes(old)) + u64::from(extra_length_bytes(new));
    }
}

/// [`write_block`] for a parse given as its sequences and their counts;
/// also returns the size Windows' space rule estimates for the block
/// (see [`SpaceCheck::Windows`]).
pub(super) fn write_sequences(
    input: &[u8],
    seqs: impl Iterator<Item = Sequence>,
    counts: &BlockCounts,
    last: bool,
    out: &mut [u8],
    op: usize,
    space: SpaceCheck,
) -> Result<(usize, u64)> {
    let mut freqs = counts.freqs;
    let mut lengths = [0u8; NUM_SYMBOLS];
    let mut codes = [0u16; NUM_SYMBOLS];
    let (offset_bits, raw_bytes) = (counts.offset_bits, counts.raw_bytes);
    if last {
        freqs[END_OF_DATA] += 1;
    }
    build_lengths(&freqs, &mut lengths);
    let mut code_bits: u64 = freqs.iter().zip(&lengths).map(|(&f, &l)| u64::from(f) * u64::from(l)).sum();
    // The length limit can make the code worse than a flat one; never let
    // it, which is what bounds the output size.
    let flat_bits = 9 * freqs.iter().map(|&f| u64::from(f)).sum::<u64>();
    if flat_bits < code_bits {
        lengths.fill(9);
        code_bits = flat_bits;
    }
    canonical_codes(&lengths, &mut codes);
    let size = TABLE_BYTES as u64 + bitstream_size(code_bits + offset_bits, raw_bytes);
    let windows_estimate = (code_bits + offset_bits).div_ceil(32) * 4 + raw_bytes + 2 + TABLE_BYTES as u64;
    let refused = match space {
        SpaceCheck::Windows => op as u64 + windows_estimate.max(size) >= out.len() as u64,
        SpaceCheck::Exact => op as u64 + size > out.len() as u64,
    };
    if refused {
        return Err(Error::OutputTooSmall {
            format: Format::XpressHuff,
            capacity: out.len(),
            needed: op as u64 + size,
        });
    }
    let block = &mut out[op..op + size as usize];
    for (byte, pair) in block[..TABLE_BYTES].iter_mut().zip(lengths.chunks_exact(2)) {
        *byte = pair[0] | pair[1] << 4;
    }
    let mut w = BitWriter::new(block, TABLE_BYTES);
    // Codes and lengths side by side: one load per symbol.
    let mut symbols = [(0u32, 0u32); NUM_SYMBOLS];
    for (entry, (&code, &len)) in symbols.iter_mut().zip(codes.iter().zip(&lengths)) {
        *entry = (u32::from(code), u32::from(len));
    }
    let mut ip = 0;
    for s in seqs {
        for &b in &input[ip..ip + s.literals as usize] {
            let (code, len) = symbols[usize::from(b)];
            w.write_bits(code, len);
        }
        ip += s.literals as usize + s.len as usize;
        if s.len != 0 {
            let (len, dist) = (s.len, s.dist);
            let sym = match_symbol(len, dist);
            w.write_bits(u32::from(codes[sym]), u32::from(lengths[sym]));
            let v = len - 3;
            if v >= 15 {
                if v - 15 < 255 {
                    w.write_raw(&[(v - 15) as u8]);
                } else if v <= 0xFFFF {
                    w.write_raw(&[255]);
                    w.write_raw(&(v as u16).to_le_bytes());
                } else {
                    w.write_raw(&[255, 0, 0]);
                    w.write_raw(&v.to_le_bytes());
                }
            }
            let class = distance_class(dist);
            w.write_bits(dist - (1 << class), class);
        }
    }
    if last {
        w.write_bits(u32::from(codes[END_OF_DATA]), u32::from(lengths[END_OF_DATA]));
    }
    let end = w.finish();
    debug_assert_eq!(end as u64, size);
    Ok((op + size as usize, windows_estimate))
}

/// The largest output of [`compress`] for `len` input bytes.
///
/// A block's code is never worse than the flat 9-bit code (see
/// `write_block`), under which every match costs at most 9 bits per byte
/// it covers (24 bits for 3 bytes, 80 for 18 or more), so a block of `L`
/// bytes needs at most `9 * L + 9` bits (with the end-of-data symbol) plus
/// its table and two flush words. Every block but the last covers at least
/// 64 KiB.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    let blocks = len.div_ceil(BLOCK_OUTPUT).max(1);
    blocks * (TABLE_BYTES + 6) + (9 * len + 9).div_ceil(8)
}
