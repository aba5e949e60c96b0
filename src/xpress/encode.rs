//! Plain LZ77 encoder ([MS-XCA] §2.3).

use super::{FLAG_BITS, MAX_DISTANCE};
use crate::error::{Error, Result};
use crate::format::{EncoderKind, Format, GreedyEffort, Level, SpaceCheck};
use crate::lz::arena::Arena;
use crate::lz::copy::copy_short;
use crate::lz::matchfinder::{
    BucketFinder, HashChains, Match, SearchLimits, TreeFinder, WindowsChainFinder, WindowsFinder,
};
use crate::lz::parse::{
    chains, greedy, piece_bytes, piece_positions, segment_spans, CostModel, Engine, OptimalParser, Segment,
    SegmentSpan, SequenceSink, SHORT_LENGTHS,
};
use crate::lz::sequences::Sequence;

/// Input the greedy parser takes at a time, at most; the optimal parser's
/// pieces are no longer.
const STRETCH: usize = 1 << 16;

/// A match this long ends the standard level's search.
const STANDARD_NICE_LEN: usize = 32;
/// The near-optimal levels' nice lengths stop here: longer matches are
/// rare, and a match this long costs the same few bits a byte at any length.
const MAX_NICE_LEN: usize = 300;

/// Bytes hashed by the middle levels' chains: 3-byte matches pay (17 bits
/// for 27).
const CHAIN_BYTES: usize = 3;

/// Workspace of the middle levels: their hash chains.
pub(crate) const CHAINS_WORKSPACE: usize = HashChains::<CHAIN_BYTES>::TABLE_BYTES;

/// Bits a match costs in the stream, besides its flag bit.
const fn match_bits(len: usize) -> u32 {
    16 + match len {
        3..=9 => 0,
        10..=24 => 4,
        25..=279 => 12,
        _ if len - 3 <= 0xFFFF => 28,
        _ => 60,
    }
}

struct PlainCosts;

impl CostModel for PlainCosts {
    #[inline(always)]
    fn literal(&self, _byte: u8) -> u32 {
        9
    }
    #[inline(always)]
    fn matched(&self, len: usize, _dist: usize) -> u32 {
        1 + match_bits(len)
    }
    #[inline(always)]
    fn short_matches(&self, _dist: usize) -> &[u32; SHORT_LENGTHS] {
        const ROW: [u32; SHORT_LENGTHS] = {
            let mut row = [0; SHORT_LENGTHS];
            let mut len = 3;
            while len < SHORT_LENGTHS {
                row[len] = 1 + match_bits(len);
                len += 1;
            }
            row
        };
        &ROW
    }
}

/// Input a numbered level parses with one set of tables. Each segment
/// starts afresh, its tables filled from the [`DICTIONARY`] before it, so
/// that segments can be parsed apart (side by side in `write::raw`) into
/// the same items as one after the other.
pub(crate) const SEGMENT: usize = 1 << 20;

/// What a segment's matches reach back into before its start: the window.
pub(crate) const DICTIONARY: usize = MAX_DISTANCE;

/// Compresses `input` with tables from `workspace` (the level's
/// `workspace::encoder_size`, on x64 or x86, is enough); the parsers hand their
/// matches straight to the stream writer. `space` applies to Windows'
/// engines.
pub(crate) fn compress(
    input: &[u8],
    out: &mut [u8],
    level: Level,
    space: SpaceCheck,
    workspace: &mut [u8],
) -> Result<usize> {
    match level.encoder(Format::Xpress) {
        EncoderKind::WindowsStandard => {
            let finder = WindowsFinder::new(&mut Arena::new(workspace), WINDOWS_WINDOW);
            return compress_windows_standard(input, out, space, finder);
        }
        EncoderKind::WindowsMaximum => {
            let finder = WindowsChainFinder::new(&mut Arena::new(workspace), MAX_DISTANCE, MAXIMUM_COST_LIMIT);
            return compress_windows_maximum(input, out, space, finder);
        }
        _ => {}
    }
    let mut writer = StreamWriter::start(out, input)?;
    for SegmentSpan { from, start, end } in segment_spans(0, input.len(), SEGMENT, DICTIONARY) {
        parse_segment(&input[from..end], start - from, level, workspace, &mut writer);
        writer.status()?;
    }
    // Reports an output that ran out of room, if it did.
    writer.finish()
}

/// Workspace of the near-optimal levels: the trees, and the optimal
/// parser's tables for pieces of 16 KiB with room for two matches a
/// position. Plain LZ77's costs are exact, so longer pieces gain little.
pub(crate) const OPTIMAL_WORKSPACE: usize =
    TreeFinder::table_bytes(SEGMENT + DICTIONARY, MAX_DISTANCE) + piece_bytes(1 << 14) + 64;

/// Bytes that always hold a segment's parse as `Sequences`: a
/// stretch's parse ends with a literal run of its own.
#[cfg(feature = "std")]
pub(crate) const SEGMENT_PARSE_BYTES: usize = crate::lz::sequences::worst_case_bytes(SEGMENT)
    + (SEGMENT / STRETCH + 1) * 2 * crate::lz::sequences::MAX_SEQUENCE_BYTES;

/// Parses the segment `data[start..]` at a numbered `level` into `sink`,
/// its matches reaching back into `data[..start]`, with tables from
/// `workspace`. Returns where the parse ended: the segment's end, or before
/// it where `sink` ran out of room.
pub(crate) fn parse_segment(
    data: &[u8],
    start: usize,
    level: Level,
    workspace: &mut [u8],
    sink: &mut impl SequenceSink,
) -> usize {
    let mut arena = Arena::new(workspace);
    let len = data.len();
    let mut engine = match level.encoder(Format::Xpress) {
        EncoderKind::WindowsStandard | EncoderKind::WindowsMaximum => unreachable!("Windows' engines take no segments"),
        EncoderKind::Greedy(effort) => {
            // One candidate per bucket at level 1: a second makes the
            // output 0.8% smaller on the Windows corpus and 2.3% on the
            // bench corpus, at a fifth less speed. Level 2 takes two, with
            // every position indexed and the nearest 3-byte match: 7.5%
            // smaller than level 1 on the bench corpus, at half its speed.
            Engine::<4, CHAIN_BYTES>::greedy(&mut arena, effort, len, MAX_DISTANCE, STANDARD_NICE_LEN)
        }
        EncoderKind::Chains(effort) => {
            Engine::Chains(HashChains::<CHAIN_BYTES>::new(&mut arena, len, MAX_DISTANCE), effort)
        }
        EncoderKind::NearOptimal(effort) => {
            let finder = TreeFinder::new(&mut arena, len, MAX_DISTANCE);
            let positions = piece_positions(arena.bytes_left(), STRETCH);
            Engine::Optimal(finder, OptimalParser::new(&mut arena, positions, effort.depth as usize), effort)
        }
    };
    engine.prime(&Segment::sliding(data, start, start, MAX_DISTANCE, false), MAX_NICE_LEN);
    let mut start = start;
    match &mut engine {
        Engine::Greedy(finder, effort) => start = greedy_stretches(data, start, finder, *effort, sink),
        Engine::GreedyPairs(finder, effort) => start = greedy_stretches(data, start, finder, *effort, sink),
        Engine::Chains(finder, effort) => {
            let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len };
            while start < len && sink.has_room() {
                let end = len.min(start + STRETCH);
                let seg = Segment::sliding(data, start, end, MAX_DISTANCE, true);
                start = chains(&seg, finder, limits, effort.lazy, usize::MAX, sink);
            }
        }
        Engine::Optimal(finder, parser, effort) => {
            let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len.min(MAX_NICE_LEN) };
            let seg = Segment::sliding(data, start, len, MAX_DISTANCE, false);
            start = parser.parse(seg, finder, limits, sink, |parser| parser.solve(data, &PlainCosts));
        }
    }
    start
}

/// The greedy levels' parse of `data[start..]` into `sink`, a [`STRETCH`]
/// at a time while it has room; returns where it ended.
fn greedy_stretches<const WAYS: usize>(
    data: &[u8],
    mut start: usize,
    finder: &mut BucketFinder<'_, WAYS, 4>,
    effort: GreedyEffort,
    sink: &mut impl SequenceSink,
) -> usize
where
    [u16; WAYS]: bytemuck::Pod,
{
    while start < data.len() && sink.has_room() {
        let end = data.len().min(start + STRETCH);
        // A stretch's last match may run on past it.
        let seg = Segment::sliding(data, start, end, MAX_DISTANCE, true);
        // Every 3-byte match pays: it takes a 2-byte token.
        start = greedy(&seg, finder, effort.every_position, usize::MAX, sink);
    }
    start
}

/// Windows' standard engine finds matches at most this far back: 8191
/// bytes, one short of what the format can say.
pub(super) const WINDOWS_WINDOW: usize = 8192;

/// Inputs shorter than this are all literals in Windows' standard engine.
pub(super) const WINDOWS_SHORTEST_SEARCHED: usize = 64;

/// Positions this close to the end of the input are not searched by
/// Windows' standard engine (but for a run of literals that completes its
/// flag word past them).
pub(super) const WINDOWS_STANDARD_TAIL: usize = 38;

/// Windows' standard engine stops searching once this close to the end of
/// the output: the rest of the input goes out as literals.
pub(super) const WINDOWS_OUTPUT_MARGIN: usize = 41;

/// Windows' standard engine: a greedy parse with [`WindowsFinder`], the
/// first byte a literal, inputs under 64 bytes all literals. It stops
/// [`WINDOWS_STANDARD_TAIL`] bytes before the input's end, or
/// [`WINDOWS_OUTPUT_MARGIN`] before the output's, checked where
/// [`WindowsItems::take`] says.
fn compress_windows_standard(
    input: &[u8],
    out: &mut [u8],
    space: SpaceCheck,
    mut finder: WindowsFinder<'_>,
) -> Result<usize> {
    let stop_at = out.len().saturating_sub(WINDOWS_OUTPUT_MARGIN);
    let mut items = WindowsItems::start(out, input)?;
    if input.len() >= WINDOWS_SHORTEST_SEARCHED {
        let limit = input.len() - WINDOWS_STANDARD_TAIL;
        let mut pos = 1;
        loop {
            let checked;
            (pos, checked) = items.take(pos, finder.search(input, pos));
            if checked && (pos >= limit || items.position() >= stop_at) {
                break;
            }
        }
    }
    items.finish(space)
}

/// Positions this close to the end of the input are not searched by
/// Windows' maximum engine.
pub(super) const WINDOWS_MAXIMUM_TAIL: usize = 5;

/// Windows' maximum engine ends a walk of its chain at a count of 24.
pub(super) const MAXIMUM_COST_LIMIT: u32 = 24;

/// Windows' maximum engine: a greedy parse with [`WindowsChainFinder`] at
/// every position but the first (a literal) and the tail, stopping early
/// only where the output runs short, as the standard engine checks it.
fn compress_windows_maximum(
    input: &[u8],
    out: &mut [u8],
    space: SpaceCheck,
    mut finder: WindowsChainFinder<'_>,
) -> Result<usize> {
    let stop_at = out.len().saturating_sub(WINDOWS_OUTPUT_MARGIN);
    let mut items = WindowsItems::start(out, input)?;
    let mut pos = 1;
    while pos < input.len().saturating_sub(WINDOWS_MAXIMUM_TAIL) {
        finder.insert_up_to(input, 0, pos + 1);
        let checked;
        (pos, checked) = items.take(pos, finder.search(input, pos));
        if checked && items.position() >= stop_at {
            break;
        }
    }
    items.finish(space)
}

/// The items Windows' engines take, written as they come: literals wait
/// until their flag word completes or a match comes, where Windows checks
/// whether to stop.
pub(super) struct WindowsItems<'o, 'i> {
    writer: StreamWriter<'o, 'i>,
    /// Items taken, the input's first byte (a literal) included.
    items: u32,
    /// The first literal not yet written.
    pending: usize,
}

/// Where a [`StreamWriter`] stands between two calls, for a stream
/// written a stretch at a time: positions in its output buffer.
#[derive(Clone, Copy, Debug)]
#[cfg(feature = "std")]
pub(super) struct WriterState {
    /// Where the current flag word goes, and the next free byte.
    flag_at: usize,
    pos: usize,
    /// The current flag word's bits and items.
    flags: u32,
    items: u32,
    /// A nibble byte whose high half is still free.
    nibble_at: Option<usize>,
}

#[cfg(feature = "std")]
impl WriterState {
    /// Before the first item: the first flag word reserved.
    pub(super) fn start() -> Self {
        WriterState { flag_at: 0, pos: 4, flags: 0, items: 0, nibble_at: None }
    }

    /// The output written so far.
    pub(super) fn written(&self) -> usize {
        self.pos
    }

    /// Hands `emit` the start of `out` that no later item changes: up to
    /// the flag word still being filled, or the nibble byte whose high half
    /// the next long match takes, whichever is first. Returns how many
    /// bytes left.
    pub(super) fn hand_out<E>(
        &mut self,
        out: &mut [u8],
        emit: &mut impl FnMut(&[u8]) -> core::result::Result<(), E>,
    ) -> core::result::Result<usize, E> {
        let done = self.flag_at.min(self.nibble_at.unwrap_or(usize::MAX));
        if done > 0 {
            emit(&out[..done])?;
            out.copy_within(done..self.pos, 0);
            self.flag_at -= done;
            self.pos -= done;
            if let Some(at) = &mut self.nibble_at {
                *at -= done;
            }
        }
        Ok(done)
    }
}

/// Where [`WindowsItems`] stand between two calls, for a stream written
/// a stretch at a time: output positions in the output buffer, input
/// positions in the input buffer.
#[derive(Clone, Copy, Debug)]
#[cfg(feature = "std")]
pub(super) struct ItemsState {
    pub(super) writer: WriterState,
    /// Where the next literal comes from, and the first one not written.
    pub(super) ip: usize,
    pub(super) pending: usize,
    /// All items so far.
    items: u32,
}

#[cfg(feature = "std")]
impl ItemsState {
    /// Before the first item.
    pub(super) fn start() -> Self {
        ItemsState { writer: WriterState::start(), ip: 0, pending: 0, items: 1 }
    }
}

impl<'o, 'i> WindowsItems<'o, 'i> {
    fn start(out: &'o mut [u8], input: &'i [u8]) -> Result<Self> {
        Ok(WindowsItems { writer: StreamWriter::start(out, input)?, items: 1, pending: 0 })
    }

    /// Goes on from `state` in `out` and `input` (which hold what its
    /// positions point to, and room for what comes).
    #[cfg(feature = "std")]
    pub(super) fn resume(out: &'o mut [u8], input: &'i [u8], state: ItemsState) -> Self {
        WindowsItems {
            writer: StreamWriter::resume(out, input, state.ip, state.writer),
            items: state.items,
            pending: state.pending,
        }
    }

    /// Where they stand now.
    #[cfg(feature = "std")]
    pub(super) fn state(&self) -> ItemsState {
        ItemsState { writer: self.writer.state(), ip: self.writer.ip, pending: self.pending, items: self.items }
    }

    /// Takes the item at `pos`: a literal, or the match `found`. Returns
    /// the position after it, and whether Windows checks its stops there:
    /// after a match, and after a literal that completes a flag word.
    #[inline(always)]
    pub(super) fn take(&mut self, pos: usize, found: Option<Match>) -> (usize, bool) {
        self.items += 1;
        let next = match found {
            None if self.items % FLAG_BITS != 0 => return (pos + 1, false),
            None => {
                self.writer.literals(pos + 1 - self.pending);
                pos + 1
            }
            Some(m) => {
                self.writer.literals(pos - self.pending);
                let len = m.len as usize;
                self.writer.matched(len, m.dist as usize);
                pos + len
            }
        };
        self.pending = next;
        (next, true)
    }

    /// The output position as Windows counts it.
    pub(super) fn position(&self) -> usize {
        self.writer.windows_position()
    }

    /// The rest of the input as literals, then the closing flag word.
    /// Under Windows' rules the stream must end below the capacity.
    pub(super) fn finish(mut self, space: SpaceCheck) -> Result<usize> {
        let capacity = self.writer.out.len();
        self.writer.literals(self.writer.input.len() - self.pending.min(self.writer.input.len()));
        let size = self.writer.finish()?;
        if space == SpaceCheck::Windows && size >= capacity {
            return Err(Error::OutputTooSmall { format: Format::Xpress, capacity, needed: size as u64 + 1 });
        }
        Ok(size)
    }
}

/// Writes flag words, literals and match tokens ([MS-XCA] §2.3) as the
/// parse comes; the parsers' [`SequenceSink`].
pub(super) struct StreamWriter<'o, 'i> {
    out: &'o mut [u8],
    /// The whole input, and where the next literal comes from.
    input: &'i [u8],
    ip: usize,
    /// Where the current flag word goes.
    flag_at: usize,
    /// Next free byte.
    pos: usize,
    /// Flag bits of the current word, the first item's in the highest used bit.
    flags: u32,
    /// Items the current word describes so far.
    items: u32,
    /// A nibble byte whose high half is still free.
    nibble_at: Option<usize>,
    /// Set when the output is full: the parser stops, the caller reports it.
    full: bool,
}

impl<'o, 'i> StreamWriter<'o, 'i> {
    /// Reserves the first flag word.
    fn start(out: &'o mut [u8], input: &'i [u8]) -> Result<Self> {
        let mut w =
            StreamWriter { out, input, ip: 0, flag_at: 0, pos: 0, flags: 0, items: 0, nibble_at: None, full: false };
        if !w.room(4) {
            return Err(w.too_small(4));
        }
        w.pos = 4;
        Ok(w)
    }

    /// Goes on from `state` in `out`, the next literal at `input[ip]`.
    #[cfg(feature = "std")]
    pub(super) fn resume(out: &'o mut [u8], input: &'i [u8], ip: usize, state: WriterState) -> Self {
        let WriterState { flag_at, pos, flags, items, nibble_at } = state;
        StreamWriter { out, input, ip, flag_at, pos, flags, items, nibble_at, full: false }
    }

    /// Where it stands now.
    #[cfg(feature = "std")]
    pub(super) fn state(&self) -> WriterState {
        assert!(!self.full, "the output buffer holds every stretch");
        WriterState {
            flag_at: self.flag_at,
            pos: self.pos,
            flags: self.flags,
            items: self.items,
            nibble_at: self.nibble_at,
        }
    }

    fn too_small(&self, n: usize) -> Error {
        Error::OutputTooSmall { format: Format::Xpress, capacity: self.out.len(), needed: (self.pos + n) as u64 }
    }

    /// Whether `n` more bytes fit; marks the writer full when not.
    #[inline(always)]
    fn room(&mut self, n: usize) -> bool {
        let fits = self.pos + n <= self.out.len();
        self.full |= !fits;
        fits
    }

    /// The output position as Windows' engine counts it: a flag word is
    /// stored, and the next one reserved, as soon as its 32nd item is
    /// written (this writer waits for the next item).
    fn windows_position(&self) -> usize {
        self.pos + if self.items == FLAG_BITS { 4 } else { 0 }
    }

    /// What became of the writes so far.
    fn status(&self) -> Result<()> {
        if self.full {
            // The exact need is unknown once writing stopped; at least one more byte.
            return Err(self.too_small(1));
        }
        Ok(())
    }

    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if self.room(bytes.len()) {
            self.out[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
            self.pos += bytes.len();
        }
    }

    /// Stores a full flag word and reserves room for the next.
    #[inline(always)]
    fn next_item(&mut self) {
        if self.items == FLAG_BITS && self.room(4) {
            self.out[self.flag_at..self.flag_at + 4].copy_from_slice(&self.flags.to_le_bytes());
            self.flag_at = self.pos;
            self.pos += 4;
            self.flags = 0;
            self.items = 0;
        }
    }

    #[inline(always)]
    fn literals(&mut self, mut run: usize) {
        while run > 0 && !self.full {
            self.next_item();
            let take = run.min((FLAG_BITS - self.items) as usize);
            self.flags = self.flags.checked_shl(take as u32).unwrap_or(0);
            self.items += take as u32;
            let input = self.input;
            if self.room(take) {
                copy_short(&mut self.out[self.pos..self.pos + take], &input[self.ip..self.ip + take]);
                self.pos += take;
            }
            self.ip += take;
            run -= take;
        }
    }

    #[inline(always)]
    fn matched(&mut self, len: usize, dist: usize) {
        self.next_item();
        if self.full {
            return;
        }
        self.flags = self.flags << 1 | 1;
        self.items += 1;
        self.ip += len;
        let token = ((dist - 1) as u16) << 3 | (len - 3).min(7) as u16;
        self.put(&token.to_le_bytes());
        if len < 10 {
            return;
        }
        // The shared half-byte: a fresh byte's low half, or the high half of
        // the one the previous escaped match left.
        let nibble = (len - 10).min(15) as u8;
        match self.nibble_at.take() {
            Some(at) => self.out[at] |= nibble << 4,
            None => {
                self.nibble_at = Some(self.pos);
                self.put(&[nibble]);
            }
        }
        if len >= 25 {
            if len < 280 {
                self.put(&[(len - 25) as u8]);
            } else if len - 3 <= 0xFFFF {
                self.put(&[255]);
                self.put(&((len - 3) as u16).to_le_bytes());
            } else {
                self.put(&[255, 0, 0]);
                self.put(&((len - 3) as u32).to_le_bytes());
            }
        }
    }

    /// Closes the stream: unused flag bits are 1, and a full last word is
    /// followed by an all-ones one. Returns the stream's size.
    pub(super) fn finish(mut self) -> Result<usize> {
        self.next_item();
        self.status()?;
        let unused = FLAG_BITS - self.items;
        let flags = self.flags.checked_shl(unused).unwrap_or(0) | (((1u64 << unused) - 1) as u32);
        self.out[self.flag_at..self.flag_at + 4].copy_from_slice(&flags.to_le_bytes());
        Ok(self.pos)
    }
}

impl SequenceSink for StreamWriter<'_, '_> {
    #[inline(always)]
    fn has_room(&self) -> bool {
        !self.full
    }

    #[inline(always)]
    fn push(&mut self, s: Sequence) {
        self.literals(s.literals as usize);
        if s.len != 0 {
            self.matched(s.len as usize, s.dist as usize);
        }
    }
}

/// The largest stream [`compress`] writes for `len` input bytes:
/// all literals, one flag word per 32 of them and the closing word.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    len + 4 * (len / FLAG_BITS as usize + 1)
}
