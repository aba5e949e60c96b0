//! The numbered levels of Plain LZ77 and LZ77+Huffman over a stream: the
//! input in segments, each compressed apart with the window before it as
//! its dictionary (see `xpress_huff::encode::SEGMENT`), side by side, and
//! written in order. The one-shot encoders take the same segments one
//! after the other, so the bytes are theirs whatever the thread count.

use crate::format::{Format, Level, SpaceCheck};
use crate::lz::parse::{segment_spans, SegmentSpan};
use crate::lz::sequences::{SequenceIter, Sequences};
use crate::par::Workers;
use crate::xpress::stream::SegmentWriter;
use crate::{xpress, xpress_huff};
use std::io;

/// What one thread compresses a segment with, and what it made of it.
struct Lane {
    workspace: Vec<u32>,
    /// LZ77+Huffman: the segment's blocks. Plain LZ77: its parse, encoded
    /// as [`Sequences`]; the items are written in order afterwards.
    out: Vec<u8>,
    result: crate::Result<usize>,
}

/// A segment of the buffer, and whether it ends the input.
#[derive(Clone, Copy)]
struct Span {
    span: SegmentSpan,
    last: bool,
}

/// A numbered level's encoder over a stream.
pub(crate) struct Segments {
    format: Format,
    level: Level,
    workers: Workers,
    /// The next segment's dictionary (the first `dictionary` bytes), then
    /// input not yet compressed.
    buf: Vec<u8>,
    dictionary: usize,
    lanes: Vec<Lane>,
    /// Plain LZ77's items, written a segment's parse at a time.
    plain: SegmentWriter,
}

impl Segments {
    /// Plain LZ77 or LZ77+Huffman at a numbered level.
    pub(crate) fn new(format: Format, level: Level) -> Self {
        debug_assert!(matches!(format, Format::Xpress | Format::XpressHuff));
        Segments {
            format,
            level,
            workers: Workers::new(1),
            buf: Vec::new(),
            dictionary: 0,
            lanes: Vec::new(),
            plain: SegmentWriter::new(),
        }
    }

    pub(crate) fn set_threads(&mut self, threads: usize) {
        self.workers = Workers::new(threads);
    }

    fn segment(&self) -> usize {
        match self.format {
            Format::XpressHuff => xpress_huff::encode::SEGMENT,
            _ => xpress::encode::SEGMENT,
        }
    }

    fn dictionary_len(&self) -> usize {
        match self.format {
            Format::XpressHuff => xpress_huff::encode::DICTIONARY,
            _ => xpress::encode::DICTIONARY,
        }
    }

    /// Input compressed in one batch: a segment per job, but half as many
    /// jobs as usual: a segment is large enough for the threads to even
    /// out, and the lanes' buffers count against the Compression API's
    /// memory.
    fn batch(&self) -> usize {
        self.segment() * self.workers.batch_jobs().div_ceil(2)
    }

    /// Takes more input, handing `emit` the output of every batch that is
    /// known not to end the input.
    pub(crate) fn push(&mut self, mut data: &[u8], emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        while !data.is_empty() {
            // The buffer holds at most a batch and a byte (which tells that
            // the batch does not end the input), whatever the writes' size.
            let room = (self.dictionary + self.batch() + 1).saturating_sub(self.buf.len()).max(1);
            let (now, later) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = later;
            while self.buf.len() - self.dictionary > self.batch() {
                let end = self.dictionary + self.batch();
                self.compress(end, false, emit)?;
                let keep = end - self.dictionary_len();
                self.buf.drain(..keep);
                self.dictionary = self.dictionary_len();
            }
        }
        Ok(())
    }

    /// Compresses the rest, the end of the input.
    pub(crate) fn finish(&mut self, emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        self.compress(self.buf.len(), true, emit)?;
        self.buf.clear();
        self.dictionary = 0;
        if self.format == Format::Xpress {
            self.plain.finish(emit)?;
        }
        Ok(())
    }

    /// Compresses the buffer's input up to `end` in segments side by side,
    /// and writes them in order; the last segment ends the input if `last`
    /// (an empty input too is a segment).
    fn compress(&mut self, end: usize, last: bool, emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let (segment, dictionary) = (self.segment(), self.dictionary_len());
        let spans: Vec<Span> = segment_spans(self.dictionary, end, segment, dictionary)
            .map(|span| Span { span, last: last && span.end == end })
            .collect();
        let (format, level) = (self.format, self.level);
        while self.lanes.len() < spans.len() {
            let workspace = vec![0u32; crate::workspace::encoder_size(format, level).div_ceil(4)];
            let out = vec![0; self.lane_out_bytes()];
            self.lanes.push(Lane { workspace, out, result: Ok(0) });
        }
        let buf = &self.buf;
        let mut jobs: Vec<(&mut Lane, Span)> = self.lanes.iter_mut().zip(spans.iter().copied()).collect();
        self.workers.run(&mut jobs, |(lane, Span { span, last })| {
            let data = &buf[span.from..span.end];
            let start = span.start - span.from;
            let workspace = bytemuck::cast_slice_mut(&mut lane.workspace);
            lane.result = match format {
                Format::XpressHuff => xpress_huff::encode::compress_segment(
                    data,
                    start,
                    *last,
                    &mut lane.out,
                    0,
                    level,
                    SpaceCheck::Exact,
                    workspace,
                ),
                _ => {
                    let mut seqs = Sequences::new(&mut lane.out);
                    let reached = xpress::encode::parse_segment(data, start, level, workspace, &mut seqs);
                    assert_eq!(reached, data.len(), "a segment's parse fits its buffer");
                    Ok(seqs.encoded().len())
                }
            };
        });
        for (lane, Span { span, .. }) in self.lanes.iter().zip(&spans) {
            let n = lane.result.clone()?;
            match format {
                Format::XpressHuff => emit(&lane.out[..n])?,
                _ => {
                    let data = &buf[span.from..span.end];
                    let seqs = SequenceIter::over(&lane.out[..n]);
                    self.plain.write(data, span.start - span.from, seqs, emit)?;
                }
            }
        }
        Ok(())
    }

    /// What a lane's output holds at most: a segment's blocks, or its parse.
    fn lane_out_bytes(&self) -> usize {
        match self.format {
            Format::XpressHuff => crate::max_compressed_size(Format::XpressHuff, self.segment()),
            _ => xpress::encode::SEGMENT_PARSE_BYTES,
        }
    }
}
