//! Windows' LZ77+Huffman engines over a stream: the same blocks as
//! [`encode::compress`](super::encode::compress) writes for the whole
//! input, from a buffer that keeps only the 64 KiB a match reaches back
//! to and the block being parsed.
//!
//! Two things tie the engine to the whole input, and both are carried
//! here. Its match finder's tables are never reset: they stay in this
//! state, and are moved along when the buffer drops bytes. And a match
//! runs on to the end of the input, so a block's last match can reach
//! past what is buffered (a run of zeros as long as the file): its block
//! then waits while further input is compared with the match's period,
//! holding only that period, until a byte differs or the input ends.

use super::encode::{
    write_sequences, BlockCounts, BlockParse, WindowsBlockParser, BLOCK_PARSE_BYTES, MAXIMUM_COST_LIMIT,
};
use super::{BLOCK_OUTPUT, MAX_DISTANCE};
use crate::format::SpaceCheck;
use crate::lz::matchfinder::{ChainTables, WindowsChainFinder, WindowsFinder, WindowsTables};
use crate::lz::run_on::RunOn;
use crate::lz::sequences::{Sequence, SequenceIter};
use alloc::{vec, vec::Vec};
use std::sync::mpsc;

/// One of Windows' engines, its match finder's tables kept from block to
/// block of a stream.
pub(crate) trait StreamEngine {
    /// Input buffered past a block's 64 KiB before it is parsed, so that
    /// a match that reaches the buffer's end is the one the engine would
    /// take with the whole input, however far it runs on.
    const LOOKAHEAD: usize;

    fn new() -> Self;

    /// Parses the block `input[first..piece_end]` as the engine does (see
    /// [`WindowsBlockParser::parse`]), returning where its last match ends.
    fn parse_block(&mut self, input: &[u8], first: usize, piece_end: usize, block: &mut BlockParse<'_, '_>) -> usize;

    /// The buffer now starts `shift` bytes later: positions move with it.
    fn rebase(&mut self, shift: u64);
}

impl StreamEngine for WindowsTables {
    /// A match that reaches the buffer's end is then at least this long,
    /// so its symbol is that of any longer match (lengths of 18 and more
    /// share one).
    const LOOKAHEAD: usize = 4096;

    fn new() -> Self {
        WindowsTables::new(MAX_DISTANCE + 1)
    }

    fn parse_block(&mut self, input: &[u8], first: usize, piece_end: usize, block: &mut BlockParse<'_, '_>) -> usize {
        let tail = <WindowsFinder<'_> as WindowsBlockParser>::TAIL;
        self.finder().parse(input, first, piece_end.saturating_sub(tail), block)
    }

    fn rebase(&mut self, shift: u64) {
        WindowsTables::rebase(self, shift);
    }
}

impl StreamEngine for ChainTables {
    /// More than the window: a candidate whose match reaches the buffer's
    /// end then overlaps the position searched, which ends the walk at
    /// it, as with the whole input (the candidates before it compared
    /// short of the end, as they would have).
    const LOOKAHEAD: usize = MAX_DISTANCE + 1 + 4096;

    fn new() -> Self {
        ChainTables::new(MAX_DISTANCE, MAXIMUM_COST_LIMIT)
    }

    fn parse_block(&mut self, input: &[u8], first: usize, piece_end: usize, block: &mut BlockParse<'_, '_>) -> usize {
        let tail = <WindowsChainFinder<'_> as WindowsBlockParser>::TAIL;
        self.with_finder(|finder| finder.parse(input, first, piece_end.saturating_sub(tail), block))
    }

    fn rebase(&mut self, shift: u64) {
        ChainTables::rebase(self, shift);
    }
}

/// The buffer drops what is older than the window once it holds this much
/// more: moving the tables costs a pass over them.
const SLIDE_AFTER: usize = 4 * BLOCK_OUTPUT;

/// A block whose last match reached the end of the buffer, waiting to see
/// where the match ends.
struct Waiting {
    /// The block's sequences and counts, its last match as long as it was
    /// found.
    seqs: Vec<Sequence>,
    counts: BlockCounts,
    /// Where the block starts in the buffer, and its last match.
    start: usize,
    run: RunOn,
}

/// A parsed block, to be written by the pipeline's thread.
struct Job {
    /// The block's input, its encoded sequences and their counts.
    input: Vec<u8>,
    seqs: Vec<u8>,
    counts: BlockCounts,
    last: bool,
    /// Where the block's bytes go, and Windows' estimate of their size.
    out: Vec<u8>,
    estimate: u64,
}

/// A thread that writes parsed blocks (builds each one's code and writes
/// its bits) while the engine parses the next: jobs go one way, written
/// blocks come back the other, in order.
struct Pipeline {
    jobs: Option<mpsc::Sender<Job>>,
    written: mpsc::Receiver<Job>,
    in_flight: usize,
    /// Jobs back from the thread, for their buffers.
    spare: Vec<Job>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Blocks parsed ahead of the one being written.
const IN_FLIGHT: usize = 16;

impl Pipeline {
    /// The pipeline, or none if the system refuses a thread.
    fn start() -> Option<Self> {
        let (jobs, todo) = mpsc::channel::<Job>();
        let (done, written) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("msxca-huffman".into())
            .spawn(move || {
                for mut job in todo {
                    job.counts = BlockCounts::tally(&job.input, SequenceIter::over(&job.seqs));
                    job.out.resize(crate::max_compressed_size(crate::Format::XpressHuff, job.input.len()), 0);
                    let seqs = SequenceIter::over(&job.seqs);
                    let (size, estimate) =
                        write_sequences(&job.input, seqs, &job.counts, job.last, &mut job.out, 0, SpaceCheck::Exact)
                            .expect("max_compressed_size always suffices");
                    job.out.truncate(size);
                    job.estimate = estimate;
                    if done.send(job).is_err() {
                        return;
                    }
                }
            })
            .ok()?;
        Some(Pipeline { jobs: Some(jobs), written, in_flight: 0, spare: Vec::new(), thread: Some(thread) })
    }

    /// Hands a block to the thread, then `emit` those it has written;
    /// waits for one when too many are in flight.
    fn send<E>(&mut self, job: Job, emit: &mut impl FnMut(&[u8], u64) -> Result<(), E>) -> Result<(), E> {
        self.jobs.as_ref().expect("running").send(job).expect("the writing thread runs");
        self.in_flight += 1;
        while self.in_flight > 0 {
            let job = if self.in_flight > IN_FLIGHT {
                self.written.recv().expect("the writing thread runs")
            } else {
                match self.written.try_recv() {
                    Ok(job) => job,
                    Err(_) => return Ok(()),
                }
            };
            self.in_flight -= 1;
            emit(&job.out, job.estimate)?;
            self.spare.push(job);
        }
        Ok(())
    }

    /// Emits every block in flight.
    fn drain<E>(&mut self, emit: &mut impl FnMut(&[u8], u64) -> Result<(), E>) -> Result<(), E> {
        while self.in_flight > 0 {
            let job = self.written.recv().expect("the writing thread runs");
            self.in_flight -= 1;
            emit(&job.out, job.estimate)?;
            self.spare.push(job);
        }
        Ok(())
    }

    /// A job's buffers, from one that came back if there is one.
    fn job(&mut self) -> Job {
        self.spare.pop().unwrap_or_else(|| Job {
            input: Vec::new(),
            seqs: Vec::new(),
            counts: BlockCounts { freqs: [0; crate::huffman::NUM_SYMBOLS], offset_bits: 0, raw_bytes: 0 },
            last: false,
            out: Vec::new(),
            estimate: 0,
        })
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channel ends the thread.
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The Compression API's room for a stretch (see `api`): Windows' rule
/// refuses the stretch, which is then stored, once a block's bytes so far
/// plus its estimated size reach it.
struct Budget {
    capacity: u64,
    written: u64,
    refused: bool,
}

/// Hands a written block to `emit`, unless `budget` refuses it (then
/// nothing more is handed out).
fn account<E>(
    budget: &mut Option<Budget>,
    bytes: &[u8],
    estimate: u64,
    emit: &mut impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    if let Some(budget) = budget {
        budget.refused |= budget.written + estimate.max(bytes.len() as u64) >= budget.capacity;
        budget.written += bytes.len() as u64;
        if budget.refused {
            return Ok(());
        }
    }
    emit(bytes)
}

/// Windows' standard engine over a stream.
pub(crate) type StandardStream = WindowsStream<WindowsTables>;

/// Windows' maximum engine over a stream.
pub(crate) type MaximumStream = WindowsStream<ChainTables>;

/// One of Windows' engines' state between blocks of a stream.
pub(crate) struct WindowsStream<S: StreamEngine> {
    engine: S,
    parse: Vec<u8>,
    /// The window: the 64 KiB before `pos` (or all there was), then what is
    /// buffered from `pos` on.
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Where the next block starts in `buf`.
    pos: usize,
    waiting: Option<Waiting>,
    /// One block's output.
    out: Vec<u8>,
    /// The thread that writes blocks, with more than one thread.
    pipeline: Option<Pipeline>,
    budget: Option<Budget>,
}

impl<S: StreamEngine> WindowsStream<S> {
    pub(crate) fn new() -> Self {
        WindowsStream {
            engine: S::new(),
            parse: vec![0; BLOCK_PARSE_BYTES],
            buf: Vec::new(),
            base: 0,
            pos: 0,
            waiting: None,
            out: Vec::new(),
            pipeline: None,
            budget: None,
        }
    }

    /// The engine as the Compression API runs it on a stretch, in `room`
    /// bytes: whether Windows' rule refuses it, [`refused`](Self::refused)
    /// says at the end (and the blocks are not handed out from there on).
    pub(crate) fn within(room: u64) -> Self {
        let mut stream = Self::new();
        stream.budget = Some(Budget { capacity: room, written: 0, refused: false });
        stream
    }

    /// Whether the room given to [`within`](Self::within) was too small.
    pub(crate) fn refused(&self) -> bool {
        self.budget.as_ref().is_some_and(|b| b.refused)
    }

    /// With more than one thread, blocks are written on a second one while
    /// the next is parsed; the output is the same.
    pub(crate) fn set_threads(&mut self, threads: usize) {
        let threads = if threads == 0 { crate::available_threads() } else { threads };
        self.pipeline = if threads > 1 { Pipeline::start() } else { None };
    }

    /// Takes more input, handing `emit` each block it completes.
    pub(crate) fn push<E>(&mut self, mut data: &[u8], emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if let Some(waiting) = &mut self.waiting {
            // Bytes that go on with the waiting match's period lengthen it.
            data = &data[waiting.run.lengthen(&self.buf, data)..];
            if data.is_empty() {
                return Ok(());
            }
            self.finish_waiting(false, emit)?;
        }
        self.buf.extend_from_slice(data);
        while self.waiting.is_none() && self.buf.len() >= self.pos + BLOCK_OUTPUT + S::LOOKAHEAD {
            self.next_block(false, emit)?;
        }
        Ok(())
    }

    /// Ends the stream: the rest of the input in blocks, the last with
    /// the end-of-data symbol.
    pub(crate) fn finish<E>(&mut self, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        if self.waiting.is_some() {
            return self.finish_waiting(true, emit);
        }
        while !self.next_block(true, emit)? {}
        Ok(())
    }

    /// Parses and writes the block at `pos`; true if it was the last.
    /// Without `at_end`, more input follows the buffer, which holds the
    /// block's 64 KiB and the lookahead.
    fn next_block<E>(&mut self, at_end: bool, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<bool, E> {
        let n = self.buf.len();
        let start = self.pos;
        let piece_end = n.min(start + BLOCK_OUTPUT);
        let input = &self.buf[..];
        // With a writing thread, that thread counts the symbols.
        let mut block = BlockParse::new(&mut self.parse, input, self.pipeline.is_none());
        block.clear(start);
        // The input's first byte is a literal, never searched.
        let first = if self.base + start as u64 == 0 { n.min(1) } else { start };
        let end = self.engine.parse_block(input, first, piece_end, &mut block).max(piece_end);
        block.push_literals_to(end);
        if end == n && !at_end {
            // The last match ran to the end of the buffer: it may go on.
            // Without the empty run of literals that closes the parse: the
            // match is the last thing in the block.
            let seqs: Vec<Sequence> = block.seqs.iter().filter(|s| s.literals > 0 || s.len > 0).collect();
            let counts = if self.pipeline.is_some() {
                BlockCounts::tally(&input[start..], seqs.iter().copied())
            } else {
                BlockCounts::of(&block)
            };
            let last_match = seqs.iter().rev().find(|s| s.len > 0).copied().expect("a match reached the end");
            let run = RunOn {
                start: end - last_match.len as usize,
                dist: last_match.dist as usize,
                len: u64::from(last_match.len),
            };
            self.waiting = Some(Waiting { seqs, counts, start, run });
            return Ok(false);
        }
        let last = at_end && end == n;
        if let Some(pipeline) = &mut self.pipeline {
            let mut job = pipeline.job();
            job.input.clear();
            job.input.extend_from_slice(&input[start..end]);
            job.seqs.clear();
            job.seqs.extend_from_slice(block.seqs.encoded());
            job.last = last;
            let budget = &mut self.budget;
            let mut hand = |bytes: &[u8], estimate| account(budget, bytes, estimate, emit);
            pipeline.send(job, &mut hand)?;
            if last {
                pipeline.drain(&mut hand)?;
            }
        } else {
            self.out.resize(crate::max_compressed_size(crate::Format::XpressHuff, end - start), 0);
            let counts = BlockCounts::of(&block);
            let (size, estimate) = write_sequences(
                &input[start..end],
                block.seqs.iter(),
                &counts,
                last,
                &mut self.out,
                0,
                SpaceCheck::Exact,
            )
            .expect("max_compressed_size always suffices");
            account(&mut self.budget, &self.out[..size], estimate, emit)?;
        }
        self.pos = end;
        if self.pos > SLIDE_AFTER {
            let shift = self.pos - MAX_DISTANCE - 1;
            self.buf.drain(..shift);
            self.pos -= shift;
            self.slid(shift as u64);
        }
        Ok(last)
    }

    /// The buffer now starts `shift` bytes later in the stream: the tables'
    /// positions move with it (the caller moves `pos`).
    fn slid(&mut self, shift: u64) {
        self.base += shift;
        self.engine.rebase(shift);
    }

    /// Writes the waiting block, its last match as long as it turned out,
    /// and starts the next block's window where the match ends: the 64 KiB
    /// before that, rebuilt from the match's period where the buffer had
    /// already dropped them.
    fn finish_waiting<E>(&mut self, last: bool, emit: &mut impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
        // The blocks before it first.
        if let Some(pipeline) = &mut self.pipeline {
            let budget = &mut self.budget;
            pipeline.drain(&mut |bytes: &[u8], estimate| account(budget, bytes, estimate, emit))?;
        }
        let mut waiting = self.waiting.take().expect("a waiting block");
        let found = waiting.seqs.iter().rev().find(|s| s.len > 0).map(|s| s.len).expect("the last match");
        let len = u32::try_from(waiting.run.len).expect("at most 32 bits");
        waiting.counts.lengthen(waiting.run.dist as u32, found, len);
        if let Some(s) = waiting.seqs.iter_mut().rev().find(|s| s.len > 0) {
            s.len = len;
        }
        let literals = &self.buf[waiting.start..waiting.run.start];
        let bound = crate::max_compressed_size(crate::Format::XpressHuff, literals.len()) + 64;
        self.out.resize(bound, 0);
        let seqs = waiting.seqs.iter().copied();
        let (size, estimate) =
            write_sequences(literals, seqs, &waiting.counts, last, &mut self.out, 0, SpaceCheck::Exact)
                .expect("the bound suffices");
        account(&mut self.budget, &self.out[..size], estimate, emit)?;
        if last {
            return Ok(());
        }
        // The window before the match's end.
        let window = waiting.run.history(&self.buf, MAX_DISTANCE + 1);
        let from = waiting.run.end() - window.len() as u64;
        self.buf.clear();
        self.buf.extend_from_slice(&window);
        self.pos = window.len();
        self.slid(from);
        Ok(())
    }
}
