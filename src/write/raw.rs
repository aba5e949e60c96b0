//! Raw streams of the three formats, written as they come.

use super::lanes::Lanes;
use super::segments::Segments;
use crate::format::{EncoderKind, Format, Level};
use crate::lznt1::CHUNK_SIZE;
use crate::xpress::stream::{PlainMaximumStream, PlainStream};
use crate::xpress_huff::stream::{MaximumStream, StandardStream};
use std::io::{self, Write};

/// Input an LZNT1 thread compresses at a time: whole chunks, so that the
/// pieces' streams, one after the other, are the stream of the whole.
const LZNT1_PIECE: usize = 256 * CHUNK_SIZE;

/// The engines of Plain LZ77 and LZ77+Huffman that run over a stream.
enum Stream {
    /// Windows' engines.
    Huffman(Box<StandardStream>),
    HuffmanMaximum(Box<MaximumStream>),
    Plain(Box<PlainStream>),
    PlainMaximum(Box<PlainMaximumStream>),
    /// The numbered levels.
    Segments(Box<Segments>),
}

impl Stream {
    fn push(&mut self, data: &[u8], emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        match self {
            Stream::Huffman(stream) => stream.push(data, emit),
            Stream::HuffmanMaximum(stream) => stream.push(data, emit),
            Stream::Plain(stream) => stream.push(data, emit),
            Stream::PlainMaximum(stream) => stream.push(data, emit),
            Stream::Segments(segments) => segments.push(data, emit),
        }
    }

    fn finish(&mut self, emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        match self {
            Stream::Huffman(stream) => stream.finish(emit),
            Stream::HuffmanMaximum(stream) => stream.finish(emit),
            Stream::Plain(stream) => stream.finish(emit),
            Stream::PlainMaximum(stream) => stream.finish(emit),
            Stream::Segments(segments) => segments.finish(emit),
        }
    }
}

/// Compresses everything written to it into one raw stream on `W`, the
/// same bytes as [`Compressor::compress_into`](crate::Compressor::compress_into) writes for the whole input
/// at the same level.
///
/// Memory stays bounded whatever the input's size, and the output is the
/// same whatever the thread count ([`with_threads`](Self::with_threads)):
/// - LZNT1 is compressed 1 MiB at a time, side by side: its chunks are
///   independent.
/// - Plain LZ77 and LZ77+Huffman at [`Level::Standard`] and
///   [`Level::Maximum`] run Windows' engines a stretch at a time, carrying
///   their tables from stretch to stretch (and a match that runs past the
///   buffer, however long).
/// - Their numbered levels ([`Level::new`]) compress 1 MiB segments side by
///   side, each with the window before it as its dictionary: the one-shot
///   encoders take the same segments.
///
/// Call `finish` to write the rest and get `W` back; dropping the encoder
/// does the same but cannot report errors.
pub struct RawEncoder<W: Write> {
    inner: Option<W>,
    lanes: Lanes,
    /// Windows' standard engines, a stretch at a time.
    stream: Option<Stream>,
    /// Input not yet compressed.
    pending: Vec<u8>,
    /// LZNT1 input taken so far (none: the stream is the end marker alone).
    taken: u64,
}

impl<W: Write> RawEncoder<W> {
    /// An encoder writing `format` at `level` to `inner`, on one thread.
    pub fn new(inner: W, format: Format, level: Level) -> Self {
        let stream = match (format, level.encoder(format)) {
            (Format::Lznt1, _) => None,
            (Format::XpressHuff, EncoderKind::WindowsStandard) => {
                Some(Stream::Huffman(Box::new(StandardStream::new())))
            }
            (Format::XpressHuff, EncoderKind::WindowsMaximum) => {
                Some(Stream::HuffmanMaximum(Box::new(MaximumStream::new())))
            }
            (Format::Xpress, EncoderKind::WindowsStandard) => Some(Stream::Plain(Box::new(PlainStream::new()))),
            (Format::Xpress, EncoderKind::WindowsMaximum) => {
                Some(Stream::PlainMaximum(Box::new(PlainMaximumStream::new())))
            }
            _ => Some(Stream::Segments(Box::new(Segments::new(format, level)))),
        };
        RawEncoder { inner: Some(inner), lanes: Lanes::new(format, level, 1), stream, pending: Vec::new(), taken: 0 }
    }

    /// Compresses on `threads` threads (0: every core), with the same
    /// output: LZNT1 pieces and the numbered levels' segments side by side;
    /// Windows' LZ77+Huffman engines write each block on a second thread
    /// while the next is parsed.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.lanes.set_threads(threads);
        match &mut self.stream {
            Some(Stream::Huffman(stream)) => stream.set_threads(threads),
            Some(Stream::HuffmanMaximum(stream)) => stream.set_threads(threads),
            Some(Stream::Segments(segments)) => segments.set_threads(threads),
            _ => {}
        }
        self
    }

    /// Input held before it is compressed: an LZNT1 piece per thread.
    fn batch(&self) -> usize {
        LZNT1_PIECE * self.lanes.batch_pieces()
    }

    /// Compresses what is pending, a piece per thread, and writes it.
    fn compress_pending(&mut self) -> io::Result<()> {
        let inner = self.inner.as_mut().expect("encoder used after finish");
        self.lanes.compress(&self.pending, LZNT1_PIECE, |_, stream| inner.write_all(stream))?;
        self.pending.clear();
        Ok(())
    }

    /// Compresses the rest, and returns the writer.
    ///
    /// # Errors
    /// Any error of the underlying writer. (Unlike the one-shot functions,
    /// which take at most 4 GiB as Windows' do, a stream may be of any
    /// length.)
    pub fn finish(mut self) -> io::Result<W> {
        self.finish_stream()?;
        Ok(self.inner.take().expect("encoder used after finish"))
    }

    fn finish_stream(&mut self) -> io::Result<()> {
        if let Some(stream) = &mut self.stream {
            let inner = self.inner.as_mut().expect("encoder used after finish");
            stream.finish(&mut |bytes| inner.write_all(bytes))?;
            return inner.flush();
        }
        if self.taken == 0 {
            // Empty input is a stream of its own (LZNT1's end marker).
            let stream = crate::compress(self.lanes.format(), self.lanes.level(), &[]);
            self.inner.as_mut().expect("encoder used after finish").write_all(&stream)?;
        } else if !self.pending.is_empty() {
            self.compress_pending()?;
        }
        self.inner.as_mut().expect("encoder used after finish").flush()
    }
}

impl<W: Write> Write for RawEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(stream) = &mut self.stream {
            let inner = self.inner.as_mut().expect("encoder used after finish");
            stream.push(buf, &mut |bytes| inner.write_all(bytes))?;
            return Ok(buf.len());
        }
        let take = buf.len().min(self.batch() - self.pending.len());
        self.pending.extend_from_slice(&buf[..take]);
        self.taken += take as u64;
        if self.pending.len() == self.batch() {
            self.compress_pending()?;
        }
        Ok(take)
    }

    /// Flushes the underlying writer; pending input stays pending, since a
    /// stream cannot be cut where the caller flushes.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.as_mut().expect("encoder used after finish").flush()
    }
}

impl<W: Write> Drop for RawEncoder<W> {
    fn drop(&mut self) {
        if self.inner.is_some() {
            let _ = self.finish_stream();
        }
    }
}
