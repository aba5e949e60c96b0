//! Windows' Plain LZ77 engines over a stream: the same bytes as
//! [`encode::compress`](super::encode::compress) writes for the whole
//! input, from a buffer that keeps the 8 KiB a match reaches back to and
//! the stretch being parsed.
//!
//! As with LZ77+Huffman (`xpress_huff::stream`), the finder's tables are
//! carried from stretch to stretch, and a match that runs to the end of
//! the buffer waits while further input is compared with its period. The
//! output leaves as soon as nothing in it can change: up to the flag word
//! still being filled, or the nibble byte whose high half the next long
//! match takes, whichever is first.

use super::encode::{
    ItemsState, StreamWriter, WindowsItems, WriterState, MAXIMUM_COST_LIMIT, WINDOWS_MAXIMUM_TAIL,
    WINDOWS_OUTPUT_MARGIN, WINDOWS_SHORTEST_SEARCHED, WINDOWS_STANDARD_TAIL, WINDOWS_WINDOW,
};
use super::MAX_DISTANCE;
use crate::format::SpaceCheck;
use crate::lz::matchfinder::{ChainTables, Match, WindowsTables};
use crate::lz::parse::SequenceSink;
use crate::lz::run_on::RunOn;
use crate::lz::sequences::Sequence;
use alloc::vec::Vec;

/// Input parsed per stretch.
const STRETCH: usize = 1 << 16;
/// History kept before the parse position: the window, and the literals
/// not yet written (at most a flag word's).
const HISTORY: usize = 2 * MAX_DISTANCE;

/// One of Windows' Plain LZ77 engines, its match finder's tables kept
/// from stretch to stretch of a stream.
pub(crate) trait PlainEngine {
    /// Input buffered past a stretch before it is parsed: the engine's
    /// tail and output margin only matter this close to the end of the
    /// input, and a match that reaches the buffer's end is the one the
    /// engine would take with the whole input, however far it runs on.
    const LOOKAHEAD: usize;

    fn new() -> Self;

    /// The engine's match at `pos` of `buf` (the positions before it taken).
    fn search(&mut self, buf: &[u8], pos: usize) -> Option<Match>;

    /// Whether the engine stops before the item at `pos`, at the end of an
    /// input of `total` bytes whose last `n` are buffered: `checked` if
    /// the last item was one where Windows checks its stops, `full` if the
    /// output has reached the engine's margin.
    fn stops(pos: usize, checked: bool, n: usize, total: u64, full: bool) -> bool;

    /// The buffer now starts `shift` bytes later: positions move with it.
    fn rebase(&mut self, shift: u64);
}

impl PlainEngine for WindowsTables {
    const LOOKAHEAD: usize = 4096;

    fn new() -> Self {
        WindowsTables::new(WINDOWS_WINDOW)
    }

    fn search(&mut self, buf: &[u8], pos: usize) -> Option<Match> {
        self.finder().search(buf, pos)
    }

    fn stops(pos: usize, checked: bool, n: usize, total: u64, full: bool) -> bool {
        total < WINDOWS_SHORTEST_SEARCHED as u64 || checked && (pos >= n - WINDOWS_STANDARD_TAIL || full)
    }

    fn rebase(&mut self, shift: u64) {
        WindowsTables::rebase(self, shift);
    }
}

impl PlainEngine for ChainTables {
    /// More than the window: a candidate whose match reaches the buffer's
    /// end then overlaps the position searched, which ends the walk at
    /// it, as with the whole input.
    const LOOKAHEAD: usize = MAX_DISTANCE + 4096;

    fn new() -> Self {
        ChainTables::new(MAX_DISTANCE, MAXIMUM_COST_LIMIT)
    }

    fn search(&mut self, buf: &[u8], pos: usize) -> Option<Match> {
        self.with_finder(|finder| {
            finder.insert_up_to(buf, 0, pos + 1);
            finder.search(buf, pos)
        })
    }

    fn stops(pos: usize, checked: bool, n: usize, _total: u64, full: bool) -> bool {
        pos >= n.saturating_sub(WINDOWS_MAXIMUM_TAIL) || checked && full
    }

    fn rebase(&mut self, shift: u64) {
        ChainTables::rebase(self, shift);
    }
}

/// Windows' standard engine over a stream.
pub(crate) type PlainStream = WindowsStream<WindowsTables>;

/// Windows' maximum engine over a stream.
pub(crate) type PlainMaximumStream = WindowsStream<ChainTables>;

/// One of Windows' engines' state between stretches of a stream.
pub(crate) struct WindowsStream<S: PlainEngine> {
    engine: S,
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// The next position to search.
    pos: usize,
    /// Whether the last item taken was one where Windows checks its stops.
    checked: bool,
    items: ItemsState,
    /// Output not yet handed out, from `emitted` on.
    out: Vec<u8>,
    emitted: u64,
    /// A match that reached the end of the buffer, waiting to see where it
    /// ends.
    waiting: Option<RunOn>,
}

impl<S: PlainEngine> WindowsStream<S> {
    pub(crate) fn new() -> Self {
        WindowsStream {
            engine: S::new(),
            buf: Vec::new(),
            base: 0,
            pos: 1,
            checked: false,
            items: ItemsState::start(),
            out: Vec::new(),
            emitted: 0,
            waiting: None,
        }
    }

    /// Takes more input, handing `emit` the output that is final.
    pub(crate) fn push<E>(&mut self, mut data: &[u8], emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if let Some(waiting) = &mut self.waiting {
            data = &data[waiting.lengthen(&self.buf, data)..];
            if data.is_empty() {
                return Ok(());
            }
            self.take_waiting();
        }
        self.buf.extend_from_slice(data);
        while self.waiting.is_none() && self.buf.len() >= self.pos + STRETCH + S::LOOKAHEAD {
            self.parse_stretch(self.pos + STRETCH);
            self.hand_out(emit)?;
        }
        Ok(())
    }

    /// Ends the stream: the rest parsed as the engine parses the end of
    /// its input, and the closing flag word.
    pub(crate) fn finish<E>(&mut self, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if self.waiting.is_some() {
            self.take_waiting();
        }
        let n = self.buf.len();
        let total = self.base + n as u64;
        self.reserve(n.saturating_sub(self.items.pending));
        let capacity = crate::max_compressed_size(crate::Format::Xpress, total as usize) as u64;
        let stop_at = capacity.saturating_sub(WINDOWS_OUTPUT_MARGIN as u64);
        let mut items = WindowsItems::resume(&mut self.out, &self.buf, self.items);
        let (mut pos, mut checked) = (self.pos, self.checked);
        while !S::stops(pos, checked, n, total, self.emitted + items.position() as u64 >= stop_at) {
            (pos, checked) = items.take(pos, self.engine.search(&self.buf, pos));
        }
        let size = items.finish(SpaceCheck::Exact).expect("the buffer holds the rest");
        emit(&self.out[..size])
    }

    /// Makes room in `out` for the items of `input` more bytes.
    fn reserve(&mut self, input: usize) {
        let need = self.items.writer.written() + crate::max_compressed_size(crate::Format::Xpress, input + 64) + 64;
        if self.out.len() < need {
            self.out.resize(need, 0);
        }
    }

    /// Searches and takes items from `pos` until `stop`, or until a match
    /// runs to the end of the buffer (which then waits).
    fn parse_stretch(&mut self, stop: usize) {
        self.reserve(stop + 32 - self.items.pending);
        let mut items = WindowsItems::resume(&mut self.out, &self.buf, self.items);
        let n = self.buf.len();
        let mut pos = self.pos;
        while pos < stop {
            let found = self.engine.search(&self.buf, pos);
            if let Some(m) = found.filter(|m| pos + m.len as usize == n) {
                self.waiting = Some(RunOn { start: pos, dist: m.dist as usize, len: u64::from(m.len) });
                break;
            }
            (pos, self.checked) = items.take(pos, found);
        }
        self.items = items.state();
        self.pos = pos;
    }

    /// Takes the waiting match, as long as it turned out, and starts the
    /// buffer again where it ends: the history before that, rebuilt from
    /// the match's period where the buffer does not hold it.
    fn take_waiting(&mut self) {
        let waiting = self.waiting.take().expect("a waiting match");
        let m = Match { len: u32::try_from(waiting.len).expect("at most 32 bits"), dist: waiting.dist as u32 };
        self.reserve(64);
        let mut items = WindowsItems::resume(&mut self.out, &self.buf, self.items);
        (_, self.checked) = items.take(waiting.start, Some(m));
        self.items = items.state();
        let history = waiting.history(&self.buf, HISTORY);
        let from = waiting.end() - history.len() as u64;
        self.buf.clear();
        self.buf.extend_from_slice(&history);
        // The parse, and the literals after the match, go on where it ends.
        let kept = history.len();
        (self.pos, self.items.ip, self.items.pending) = (kept, kept, kept);
        self.slid(from);
    }

    /// The buffer now starts `shift` bytes later in the stream: the tables'
    /// positions move with it (the caller moves the parse's).
    fn slid(&mut self, shift: u64) {
        self.base += shift;
        self.engine.rebase(shift);
    }

    /// Hands out the output that can no longer change, and drops input
    /// that no match or literal needs any more.
    fn hand_out<E>(&mut self, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        self.emitted += self.items.writer.hand_out(&mut self.out, emit)? as u64;
        if self.pos > 4 * STRETCH && self.waiting.is_none() {
            let shift = self.pos - HISTORY;
            self.buf.drain(..shift);
            self.pos -= shift;
            self.items.ip -= shift;
            self.items.pending -= shift;
            self.slid(shift as u64);
        }
        Ok(())
    }
}

/// A numbered level's stream: its segments, parsed apart (see
/// [`encode::parse_segment`](super::encode::parse_segment)), written one
/// after the other, each parse's items going on in the flag word the one
/// before left open.
pub(crate) struct SegmentWriter {
    /// Output not yet handed out.
    out: Vec<u8>,
    state: WriterState,
}

impl SegmentWriter {
    pub(crate) fn new() -> Self {
        SegmentWriter { out: Vec::new(), state: WriterState::start() }
    }

    /// Writes `seqs`, the parse of `data[start..]`, handing `emit` the
    /// output that is final.
    pub(crate) fn write<E>(
        &mut self,
        data: &[u8],
        start: usize,
        seqs: impl Iterator<Item = Sequence>,
        emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let need = self.state.written() + crate::max_compressed_size(crate::Format::Xpress, data.len() - start) + 8;
        if self.out.len() < need {
            self.out.resize(need, 0);
        }
        let mut writer = StreamWriter::resume(&mut self.out, data, start, self.state);
        seqs.for_each(|s| writer.push(s));
        self.state = writer.state();
        self.state.hand_out(&mut self.out, emit)?;
        Ok(())
    }

    /// Ends the stream with its closing flag word.
    pub(crate) fn finish<E>(&mut self, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        let need = self.state.written() + 8;
        if self.out.len() < need {
            self.out.resize(need, 0);
        }
        let size = StreamWriter::resume(&mut self.out, &[], 0, self.state).finish().expect("the buffer holds the end");
        emit(&self.out[..size])
    }
}
