//! LZNT1 encoder ([MS-XCA] §2.5.2, with Windows' conventions: 4096-byte
//! chunks, signature 3, stored chunks only for full chunks that do not
//! shrink, an uncounted `00 00` end marker when there is room).

use super::{format_holds_until, token_format, CHUNK_SIZE, HEADER_COMPRESSED, HEADER_SIGNATURE, MIN_MATCH};
use crate::error::{Error, Result};
use crate::format::{ChainEffort, EncoderKind, Format, GreedyEffort, Level, OptimalEffort};
use crate::lz::arena::Arena;
use crate::lz::matchfinder::{
    BucketFinder, ChunkBuckets, ChunkScan, ChunkSearch, HashChains, SearchLimits, TreeFinder,
};
use crate::lz::parse::{chains, CostModel, OptimalParser, Segment, SequenceSink, SHORT_LENGTHS};
use crate::lz::sequences::Sequence;
use crate::lz::window::Window;

/// A match this long ends the standard level's search.
const STANDARD_NICE_LEN: usize = 64;
/// Every `2^SKIP_SHIFT` misses in a row the standard level's step grows by
/// one, so incompressible data is crossed quickly.
const SKIP_SHIFT: u32 = 7;
/// The near-optimal levels' nice lengths stop here.
const MAX_NICE_LEN: usize = 128;

/// Bytes hashed by the middle levels' chains: short matches are what 4 KiB
/// chunks live on.
const CHAIN_BYTES: usize = 3;

/// Workspace of the middle levels: hash chains over one chunk.
pub(crate) const CHAINS_WORKSPACE: usize = HashChains::<CHAIN_BYTES>::TABLE_BYTES;

/// Matches the maximum level's parser keeps for a chunk, at most (a chunk
/// with more is parsed in pieces).
const MAXIMUM_MATCHES: usize = 6 * 1024;

/// Workspace the near-optimal levels (7-9) need: binary trees and the
/// optimal parser's tables for one 4 KiB chunk. (Windows' maximum engine
/// asks for only 32 bytes: it keeps no tables.)
pub(crate) const MAXIMUM_WORKSPACE: usize = TreeFinder::table_bytes(CHUNK_SIZE, CHUNK_SIZE - 1)
    + OptimalParser::BYTES_PER_POSITION * CHUNK_SIZE
    + 4 * MAXIMUM_MATCHES
    + 16;

struct Lznt1Costs;

impl CostModel for Lznt1Costs {
    #[inline(always)]
    fn literal(&self, _byte: u8) -> u32 {
        9
    }
    #[inline(always)]
    fn matched(&self, _len: usize, _dist: usize) -> u32 {
        17
    }
    #[inline(always)]
    fn short_matches(&self, _dist: usize) -> &[u32; SHORT_LENGTHS] {
        &[17; SHORT_LENGTHS]
    }
}

/// Compresses `input` with tables from `workspace` (the level's
/// `workspace::encoder_size` is enough: Windows' standard size for
/// Windows' engines and levels 1-3, [`CHAINS_WORKSPACE`] or
/// [`MAXIMUM_WORKSPACE`] for levels 4-6 and 7-9)
/// and returns the compressed size, which does not count
/// the end marker written after it when `out` has room.
pub(crate) fn compress(input: &[u8], out: &mut [u8], level: Level, workspace: &mut [u8]) -> Result<usize> {
    let capacity = out.len();
    let too_small = |needed: usize| Error::OutputTooSmall { format: Format::Lznt1, capacity, needed: needed as u64 };
    if input.is_empty() {
        // A buffer needs at least a header to decode: the end marker
        // alone stands for empty data and is counted here.
        out.get_mut(..2).ok_or_else(|| too_small(2))?.fill(0);
        return Ok(2);
    }
    let mut arena = Arena::new(workspace);
    // Matches stay inside their chunk: at most 4095 bytes back.
    let max_dist = CHUNK_SIZE - 1;
    let mut engine = match level.encoder(Format::Lznt1) {
        EncoderKind::WindowsStandard => {
            return compress_windows(input, out, &mut ChunkBuckets::new(&mut arena));
        }
        EncoderKind::WindowsMaximum => return compress_windows(input, out, &mut ChunkScan),
        EncoderKind::Greedy(effort) => {
            // Eight slots per position of a chunk, as many as fit: most of
            // what the window held before the chunk stays out of the way.
            // Three hashed bytes: 4 KiB chunks live on short matches.
            let (len, extra_bits, nice) = (input.len(), 3 - effort.ways.trailing_zeros(), STANDARD_NICE_LEN);
            let finder = match effort.ways {
                2 => Buckets::Two(BucketFinder::new(&mut arena, len, max_dist, extra_bits, nice)),
                4 => Buckets::Four(BucketFinder::new(&mut arena, len, max_dist, extra_bits, nice)),
                _ => Buckets::Eight(BucketFinder::new(&mut arena, len, max_dist, extra_bits, nice)),
            };
            ChunkEngine::Greedy(finder, effort)
        }
        EncoderKind::Chains(effort) => ChunkEngine::Chains(
            HashChains::<CHAIN_BYTES>::new(&mut arena, input.len().min(CHUNK_SIZE), max_dist),
            effort,
        ),
        EncoderKind::NearOptimal(effort) => {
            let finder = TreeFinder::new(&mut arena, input.len().min(CHUNK_SIZE), max_dist);
            let parser = OptimalParser::new(&mut arena, CHUNK_SIZE, effort.depth as usize);
            ChunkEngine::Optimal(finder, parser, effort)
        }
    };
    // The last chunk's window, where the input ends within its slack.
    let mut spare = None;
    // A chunk's items, collected as the parse comes; their size decides
    // between them and storing the chunk.
    let mut writer = ChunkWriter::new();
    let mut op = 0usize;
    for chunk_start in (0..input.len()).step_by(CHUNK_SIZE) {
        let window = Window::new(input, chunk_start, &mut spare);
        let chunk = window.slice(0, window.len());
        writer.start();
        match &mut engine {
            ChunkEngine::Greedy(Buckets::Two(finder), effort) => {
                parse_greedy(&window, finder, effort.every_position, &mut writer)
            }
            ChunkEngine::Greedy(Buckets::Four(finder), effort) => {
                parse_greedy(&window, finder, effort.every_position, &mut writer)
            }
            ChunkEngine::Greedy(Buckets::Eight(finder), effort) => {
                parse_greedy(&window, finder, effort.every_position, &mut writer)
            }
            ChunkEngine::Chains(finder, effort) => {
                let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len };
                let seg = chunk_segment(input, chunk_start, chunk.len());
                let mut sink = SequenceWriter { chunk: &mut writer, window: &window, pos: 0 };
                let reached = chains(&seg, finder, limits, effort.lazy, usize::MAX, &mut sink);
                assert!(reached == seg.end, "a chunk's parse fits its buffer");
            }
            ChunkEngine::Optimal(finder, parser, effort) => {
                let limits = SearchLimits { depth: effort.depth, nice_len: effort.nice_len.min(MAX_NICE_LEN) };
                let seg = chunk_segment(input, chunk_start, chunk.len());
                let end = seg.end;
                let mut sink = SequenceWriter { chunk: &mut writer, window: &window, pos: 0 };
                let reached = parser.parse(seg, finder, limits, &mut sink, |parser| parser.solve(input, &Lznt1Costs));
                assert!(reached == end, "a chunk's parse fits its buffer");
            }
        }
        let data_len = writer.size();
        let store = data_len > CHUNK_SIZE || (chunk.len() == CHUNK_SIZE && data_len >= CHUNK_SIZE);
        let total = 2 + if store { chunk.len() } else { data_len };
        let dst = out.get_mut(op..op + total).ok_or_else(|| too_small(op + total))?;
        if store {
            write_stored_chunk(dst, chunk);
        } else {
            dst[..2].copy_from_slice(&chunk_header(true, data_len));
            writer.weave(&mut dst[2..]);
        }
        op += total;
    }
    if let Some(marker) = out.get_mut(op..op + 2) {
        marker.fill(0);
    }
    Ok(op)
}

/// A numbered level's parser and the tables it works on.
enum ChunkEngine<'a> {
    Greedy(Buckets<'a>, GreedyEffort),
    Chains(HashChains<'a, CHAIN_BYTES>, ChainEffort),
    Optimal(TreeFinder<'a>, OptimalParser<'a>, OptimalEffort),
}

/// The greedy levels' buckets: of two, four or eight candidates.
enum Buckets<'a> {
    Two(BucketFinder<'a, 2, 3>),
    Four(BucketFinder<'a, 4, 3>),
    Eight(BucketFinder<'a, 8, 3>),
}

/// The chunk of `len` bytes at `start` of `input` as the parsers see it:
/// matches stay inside it, and their length is capped by the token split
/// where they start.
fn chunk_segment(input: &[u8], start: usize, len: usize) -> Segment<'_, impl Fn(usize) -> usize> {
    Segment {
        data: input,
        start,
        end: start + len,
        low: start,
        window_end: start + len,
        max_dist: CHUNK_SIZE - 1,
        max_len: move |pos: usize| token_format(pos - start).1,
        overrun: false,
    }
}

/// The greedy levels' parse of the chunk in window `w`, like the other
/// formats' (`lz::parse::greedy`), but with several candidates per
/// position, read from the window without bounds checks, and the copy
/// tokens written as they come. Of the positions inside a match the
/// fastest level indexes only the last two (`every_position` false): they
/// are the likeliest sources for what follows, and a third finds nothing
/// more in a 4 KiB chunk; wider buckets have room for them all.
fn parse_greedy<const WAYS: usize>(
    w: &Window<'_>,
    mf: &mut BucketFinder<'_, WAYS, 3>,
    every_position: bool,
    out: &mut ChunkWriter,
) where
    [u16; WAYS]: bytemuck::Pod,
{
    // Every position searched has room for the shortest copy.
    let search_end = w.len().saturating_sub(MIN_MATCH - 1);
    let (mut pos, mut lit_start, mut misses) = (0, 0, 0u32);
    while pos < search_end {
        let (first, dists) = mf.probe(w, pos);
        if (first.len as usize) < MIN_MATCH {
            misses += 1;
            pos += 1 + (misses >> SKIP_SHIFT) as usize;
            continue;
        }
        let (bits, max_len) = token_format(pos);
        let m = mf.extend_probed(w, pos, first, dists, max_len.min(w.len() - pos));
        out.put_copy(w, lit_start, pos - lit_start, copy_token(bits, m.len, m.dist));
        let match_end = pos + m.len as usize;
        let index_end = match_end.min(search_end);
        let index_from = if every_position { pos + 1 } else { index_end.saturating_sub(2).max(pos + 1) };
        for p in index_from..index_end {
            mf.insert_in(w, p);
        }
        pos = match_end;
        lit_start = pos;
        misses = 0;
    }
    // Skipping over misses may step past the end; only a match moves
    // `lit_start`, and never past it.
    out.put_literals(w, lit_start, w.len() - lit_start);
}

/// A copy token of a split with `bits` displacement bits.
#[inline(always)]
fn copy_token(bits: u32, len: u32, dist: u32) -> u16 {
    ((dist as u16 - 1) << (16 - bits)) | (len as u16 - MIN_MATCH as u16)
}

/// The maximum level's sequences, written to a chunk as they come.
struct SequenceWriter<'c, 'w> {
    chunk: &'c mut ChunkWriter,
    window: &'c Window<'w>,
    /// Where the next literal comes from, in the chunk.
    pos: usize,
}

impl SequenceSink for SequenceWriter<'_, '_> {
    /// The chunk's buffer holds a chunk of literals, the worst case.
    #[inline(always)]
    fn has_room(&self) -> bool {
        true
    }

    #[inline(always)]
    fn push(&mut self, s: Sequence) {
        let (from, run) = (self.pos, s.literals as usize);
        self.pos += run;
        if s.len == 0 {
            self.chunk.put_literals(self.window, from, run);
        } else {
            let (bits, _) = token_format(self.pos);
            self.chunk.put_copy(self.window, from, run, copy_token(bits, s.len, s.dist));
            self.pos += s.len as usize;
        }
    }
}

/// Room after the items for the 16-byte moves that copy literal runs in
/// (they may write past the run, which later items overwrite) and the
/// groups out (they may read past the last item).
const MOVE_SLACK: usize = 16;

/// Collects a chunk's literals and copy tokens as the parse comes, with
/// their flags apart, and weaves the flag bytes in once the chunk is done.
/// Flag groups then cost nothing per item, where counting items up to
/// eight would cost a test each, and a literal run of any length up to 16
/// is one move.
struct ChunkWriter {
    /// The chunk's items in order, without flag bytes, and their bytes.
    items: [u8; CHUNK_SIZE + MOVE_SLACK],
    items_len: usize,
    /// One bit per item, set for a copy token, eight to a flag byte, and
    /// the number of items.
    flags: [u8; CHUNK_SIZE / 8],
    count: usize,
}

impl ChunkWriter {
    fn new() -> Self {
        ChunkWriter { items: [0; CHUNK_SIZE + MOVE_SLACK], items_len: 0, flags: [0; CHUNK_SIZE / 8], count: 0 }
    }

    /// Begins a chunk.
    fn start(&mut self) {
        (self.items_len, self.count) = (0, 0);
        self.flags.fill(0);
    }

    /// Appends the `run` literals at `from` of window `w`.
    #[inline(always)]
    fn put_literals(&mut self, w: &Window<'_>, from: usize, run: usize) {
        let at = self.items_len;
        if run <= 16 {
            self.items[at..at + 16].copy_from_slice(w.sixteen_at(from));
        } else {
            self.items[at..at + run].copy_from_slice(w.slice(from, from + run));
        }
        self.items_len += run;
        self.count += run;
    }

    /// Appends the `run` literals at `from` of window `w`, then a copy
    /// token.
    #[inline(always)]
    fn put_copy(&mut self, w: &Window<'_>, from: usize, run: usize, token: u16) {
        self.put_literals(w, from, run);
        let at = self.items_len;
        self.items[at..at + 2].copy_from_slice(&token.to_le_bytes());
        self.items_len = at + 2;
        // A token follows fewer than a chunk's items: the modulo only
        // spares the bounds check.
        self.flags[self.count / 8 % self.flags.len()] |= 1 << (self.count % 8);
        self.count += 1;
    }

    /// The size of the chunk's data: its items and a flag byte for every
    /// eight of them.
    fn size(&self) -> usize {
        self.items_len + self.count.div_ceil(8)
    }

    /// Weaves the flag bytes in, writing the chunk's data to `dst`, which
    /// is [`size`](Self::size) bytes long: straight into the output, with
    /// no buffer to copy it from.
    fn weave(&self, dst: &mut [u8]) {
        let (mut from, mut to) = (0, 0);
        let groups = self.count.div_ceil(8);
        for (g, &flags) in self.flags[..groups].iter().enumerate() {
            // A group holds 8 items (the last one fewer), each copy token
            // one byte longer than a literal: at most 16 bytes, one move
            // while the data goes on past it (later groups overwrite what
            // it wrote beyond its own end).
            let items = (self.count - 8 * g).min(8);
            let len = items + flags.count_ones() as usize;
            dst[to] = flags;
            match dst.get_mut(to + 1..to + 17) {
                Some(sixteen) => sixteen.copy_from_slice(&self.items[from..from + 16]),
                None => dst[to + 1..to + 1 + len].copy_from_slice(&self.items[from..from + len]),
            }
            from += len;
            to += 1 + len;
        }
        debug_assert_eq!(to, dst.len());
    }
}

/// Windows' engines: every 4096 bytes a chunk of its own, read through a
/// [`Window`], then the `00 00` end marker where the output has room (not
/// counted in the size).
fn compress_windows(input: &[u8], out: &mut [u8], search: &mut impl ChunkSearch) -> Result<usize> {
    let mut op = 0;
    let mut spare = None;
    for start in (0..input.len()).step_by(CHUNK_SIZE) {
        let w = Window::new(input, start, &mut spare);
        op += compress_chunk_windows(&w, out, op, search)?;
    }
    if let Some(marker) = out.get_mut(op..op + 2) {
        marker.fill(0);
    }
    Ok(op)
}

/// A compressed chunk may take at most this many bytes, its header
/// included; past that Windows stores the chunk.
const WINDOWS_CHUNK_LIMIT: usize = CHUNK_SIZE - 1;

/// One chunk, the input in window `w`, written at `out[at..]` as Windows'
/// engines write it; returns its size. A greedy parse (the last two bytes
/// are always literals), and the chunk is stored instead where its
/// compressed form would pass [`WINDOWS_CHUNK_LIMIT`] bytes or the end of
/// the output: which form a chunk takes depends on the room left.
fn compress_chunk_windows(w: &Window<'_>, out: &mut [u8], at: usize, search: &mut impl ChunkSearch) -> Result<usize> {
    let len = w.len();
    let limit = out.len().min(at + WINDOWS_CHUNK_LIMIT);
    let mut items = GroupWriter { dst: &mut out[..limit], flag_at: at + 2, op: at + 3, flags: 0, bit: 0 };
    // Positions with room for the shortest copy are searched; the token
    // format is looked up once for each stretch where it holds.
    let search_end = len.saturating_sub(MIN_MATCH - 1);
    let mut p = 0;
    let complete = 'items: {
        while p < search_end {
            let (bits, max_len) = token_format(p);
            let stretch_end = format_holds_until(bits).saturating_add(1).min(search_end);
            while p < stretch_end {
                let fits = match search.find(w, p, max_len) {
                    None => {
                        p += 1;
                        items.literal(w.byte_at(p - 1))
                    }
                    Some((len, from)) => {
                        let token = copy_token(bits, len as u32, (p - from) as u32);
                        p += len;
                        items.copy(token)
                    }
                };
                if !fits {
                    break 'items false;
                }
                items.end_item(p < len);
            }
        }
        while p < len {
            p += 1;
            if !items.literal(w.byte_at(p - 1)) {
                break 'items false;
            }
            items.end_item(p < len);
        }
        true
    };
    if !complete {
        let capacity = out.len();
        let too_small = Error::OutputTooSmall { format: Format::Lznt1, capacity, needed: (at + 2 + len) as u64 };
        write_stored_chunk(out.get_mut(at..at + 2 + len).ok_or(too_small)?, w.slice(0, len));
        return Ok(2 + len);
    }
    let GroupWriter { flag_at, mut op, flags, .. } = items;
    if flag_at < limit {
        out[flag_at] = flags;
    } else {
        op -= 1;
    }
    let size = op - at;
    out[at..at + 2].copy_from_slice(&chunk_header(true, size - 2));
    Ok(size)
}

/// Windows' chunk items as they come, flag byte first in each group of
/// eight, into the output up to the chunk's limit: the one bounds check
/// of each write is the room check.
struct GroupWriter<'o> {
    /// The output up to the limit.
    dst: &'o mut [u8],
    /// Where the current group's flag byte goes, where the next item goes.
    flag_at: usize,
    op: usize,
    /// The current group's flags, and its next item's bit.
    flags: u8,
    bit: u32,
}

impl GroupWriter<'_> {
    /// Writes a literal; false where it does not fit.
    #[inline(always)]
    fn literal(&mut self, byte: u8) -> bool {
        let Some(slot) = self.dst.get_mut(self.op) else { return false };
        *slot = byte;
        self.op += 1;
        true
    }

    /// Writes a copy token; false where it does not fit.
    #[inline(always)]
    fn copy(&mut self, token: u16) -> bool {
        let Some(slot) = self.dst.get_mut(self.op..self.op + 2) else { return false };
        slot.copy_from_slice(&token.to_le_bytes());
        self.flags |= 1 << self.bit;
        self.op += 2;
        true
    }

    /// Closes a full group when `more` items follow, reserving the next
    /// group's flag slot without a room check: the next item's check
    /// catches an overflow.
    #[inline(always)]
    fn end_item(&mut self, more: bool) {
        self.bit += 1;
        if self.bit == 8 && more {
            self.dst[self.flag_at] = self.flags;
            (self.flag_at, self.flags, self.bit) = (self.op, 0, 0);
            self.op += 1;
        }
    }
}

/// The header of a chunk of `data_len` bytes (1 to 4096), compressed or
/// stored.
fn chunk_header(compressed: bool, data_len: usize) -> [u8; 2] {
    let flag = if compressed { HEADER_COMPRESSED } else { 0 };
    (flag | HEADER_SIGNATURE | (data_len as u16 - 1)).to_le_bytes()
}

/// Writes `data` as a stored chunk filling `dst` (two bytes longer).
fn write_stored_chunk(dst: &mut [u8], data: &[u8]) {
    dst[..2].copy_from_slice(&chunk_header(false, data.len()));
    dst[2..].copy_from_slice(data);
}

/// The largest output of [`compress`] for `len` input bytes: every
/// chunk stored or compressed no larger than its data plus its flag bytes.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    if len == 0 {
        return 2;
    }
    let full = len / CHUNK_SIZE;
    let rest = len % CHUNK_SIZE;
    full * (CHUNK_SIZE + 2) + if rest > 0 { 2 + (rest + rest.div_ceil(8)).min(CHUNK_SIZE) } else { 0 }
}
