//! Streaming decompression from any [`Read`]: the msxca frame format (see
//! [`crate::write`]), and raw streams of the three formats
//! ([`RawDecoder`]), in memory bounded whatever their size.

mod api;
mod huff;
mod lznt1;
mod mam;
mod wof;
mod xpress;

pub use api::ApiDecoder;
pub use huff::XpressHuffDecoder;
pub use lznt1::Lznt1Decoder;
pub use mam::MamDecoder;
pub use wof::WofDecoder;
pub use xpress::XpressDecoder;

use crate::crc32::crc32;
use crate::error::{container_truncated, Error};
use crate::format::Format;
use crate::frame::{self, BlockHeader, BLOCK_REST_SIZE, CONTAINER, HEADER_SIZE, LENGTH_SIZE};
use crate::Decompressor;
use std::io::{self, Read};

/// `error` with the offsets of the library's error in it moved on by `by`
/// bytes: for a stream read from within a container.
fn shifted(error: io::Error, by: usize) -> io::Error {
    match error.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        Some(inner) => inner.clone().shifted(by).into(),
        None => error,
    }
}

/// Reads exactly `buf.len()` bytes, or reports how many were there.
pub(crate) fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(&mut buf[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// One block of a frame, read and then decoded (on a thread of its own).
struct FrameBlock {
    header: BlockHeader,
    /// Where its header and its payload are in the frame.
    at: usize,
    payload_at: usize,
    payload: Vec<u8>,
    data: Vec<u8>,
    result: crate::Result<()>,
}

impl FrameBlock {
    /// Decodes the payload into `data` and checks it against the header.
    fn decode(&mut self, decompressor: &mut Decompressor) -> crate::Result<()> {
        let header = self.header;
        self.data.resize(header.len, 0);
        if header.stored == header.len {
            self.data.copy_from_slice(&self.payload);
        } else {
            let n =
                decompressor.decompress_into(&self.payload, &mut self.data).map_err(|e| e.shifted(self.payload_at))?;
            if n != header.len {
                let problem = "block decodes to fewer bytes than its header says";
                return Err(Error::BadHeader { container: CONTAINER, offset: self.at, problem });
            }
        }
        let actual = crc32(0, &self.data);
        if actual != header.crc {
            let offset = self.at + LENGTH_SIZE + 4;
            return Err(Error::ChecksumMismatch { container: CONTAINER, offset, expected: header.crc, actual });
        }
        Ok(())
    }
}

/// Decompresses a frame-format stream from `R`, a batch of blocks at a
/// time: one block per thread ([`with_threads`](Self::with_threads)).
pub struct Decoder<R: Read> {
    inner: R,
    format: Option<Format>,
    workers: crate::par::Workers,
    /// The batch's blocks (with their decompressors), of which `filled`
    /// are read.
    blocks: Vec<(FrameBlock, Decompressor)>,
    filled: usize,
    /// The block being read out, and how much of it is.
    serving: usize,
    served: usize,
    /// What ended the batch early, once its blocks before it are read out.
    failure: Option<io::Error>,
    /// Bytes of the frame read so far: where errors are.
    offset: u64,
    /// The end marker was read.
    ended: bool,
}

impl<R: Read> Decoder<R> {
    /// A decoder reading from `inner`, on one thread.
    pub fn new(inner: R) -> Self {
        Decoder {
            inner,
            format: None,
            workers: crate::par::Workers::new(1),
            blocks: Vec::new(),
            filled: 0,
            serving: 0,
            served: 0,
            failure: None,
            offset: 0,
            ended: false,
        }
    }

    /// Decodes on `threads` threads (0: every core), a block each at a
    /// time; the output is the same.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.workers = crate::par::Workers::new(threads);
        self
    }

    /// The format named in the frame header, once it has been read.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Fills `buf` from the frame, or fails naming where it ends.
    fn read_exact_at(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let n = read_full(&mut self.inner, buf)?;
        let at = self.offset as usize;
        self.offset += n as u64;
        if n < buf.len() {
            return Err(container_truncated(CONTAINER, at + n, buf.len() - n, at + n).into());
        }
        Ok(())
    }

    fn read_header(&mut self) -> io::Result<Format> {
        let mut header = [0u8; HEADER_SIZE];
        self.read_exact_at(&mut header)?;
        let format = frame::parse_header(&header)?;
        self.format = Some(format);
        Ok(format)
    }

    /// Reads the next block into the batch's slot `i`; false at the end
    /// marker.
    fn read_block(&mut self, i: usize, format: Format) -> io::Result<bool> {
        let at = self.offset as usize;
        let mut len = [0u8; LENGTH_SIZE];
        self.read_exact_at(&mut len)?;
        let len = u32::from_le_bytes(len);
        if len == 0 {
            return Ok(false);
        }
        let mut rest = [0u8; BLOCK_REST_SIZE];
        self.read_exact_at(&mut rest)?;
        let header = BlockHeader::parse(len, &rest, at, format)?;
        if self.blocks.len() == i {
            let block =
                FrameBlock { header, at: 0, payload_at: 0, payload: Vec::new(), data: Vec::new(), result: Ok(()) };
            self.blocks.push((block, Decompressor::new(format)));
        }
        let mut payload = std::mem::take(&mut self.blocks[i].0.payload);
        payload.resize(header.stored, 0);
        let payload_at = self.offset as usize;
        let read = self.read_exact_at(&mut payload);
        let block = &mut self.blocks[i].0;
        (block.header, block.at, block.payload_at, block.payload) = (header, at, payload_at, payload);
        read.map(|()| true)
    }

    /// Reads up to a block per thread and decodes them side by side.
    fn next_batch(&mut self) {
        let format = match self.format {
            Some(format) => format,
            None => match self.read_header() {
                Ok(format) => format,
                Err(e) => return self.failure = Some(e),
            },
        };
        self.filled = 0;
        (self.serving, self.served) = (0, 0);
        while self.filled < self.workers.batch_jobs() {
            match self.read_block(self.filled, format) {
                Ok(true) => self.filled += 1,
                Ok(false) => {
                    self.ended = true;
                    break;
                }
                Err(e) => {
                    self.failure = Some(e);
                    break;
                }
            }
        }
        self.workers.run(&mut self.blocks[..self.filled], |(block, decompressor)| {
            block.result = block.decode(decompressor);
        });
        if let Some(bad) = self.blocks[..self.filled].iter().position(|(block, _)| block.result.is_err()) {
            let error = self.blocks[bad].0.result.clone().unwrap_err();
            self.failure = Some(error.into());
            self.filled = bad;
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if buf.is_empty() {
                return Ok(0);
            }
            if self.serving < self.filled {
                let data = &self.blocks[self.serving].0.data;
                let n = buf.len().min(data.len() - self.served);
                buf[..n].copy_from_slice(&data[self.served..self.served + n]);
                self.served += n;
                if self.served == data.len() {
                    (self.serving, self.served) = (self.serving + 1, 0);
                }
                return Ok(n);
            }
            if let Some(failure) = self.failure.take() {
                // Stays failed: the frame cannot be read past it.
                self.ended = true;
                return Err(failure);
            }
            if self.ended {
                return Ok(0);
            }
            self.next_batch();
        }
    }
}

/// The input of a raw stream decoder: what has been read and not yet
/// decoded, and where it is in the stream.
struct Input<R: Read> {
    inner: R,
    buf: Vec<u8>,
    /// Where the unconsumed bytes start in `buf`.
    start: usize,
    /// Stream offset of `buf[start]`: where error offsets start.
    offset: u64,
    eof: bool,
}

impl<R: Read> Input<R> {
    fn new(inner: R) -> Self {
        Input { inner, buf: Vec::new(), start: 0, offset: 0, eof: false }
    }

    /// The bytes read and not consumed.
    fn data(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Makes at least `want` unconsumed bytes available, or all there are
    /// (then `eof` is set).
    fn fill(&mut self, want: usize) -> io::Result<()> {
        let have = self.buf.len() - self.start;
        if have >= want || self.eof {
            return Ok(());
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.resize(want, 0);
        let n = read_full(&mut self.inner, &mut self.buf[have..])?;
        self.buf.truncate(have + n);
        self.eof = n < want - have;
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }
}

/// The output of a raw stream decoder: the history matches reach back to,
/// then what the last step decoded, of which `served` bytes are read.
struct Window {
    buf: Vec<u8>,
    served: usize,
}

impl Window {
    fn new() -> Self {
        Window { buf: Vec::new(), served: 0 }
    }

    /// Keeps the last `history` bytes and makes room for `room` more after
    /// them; returns where they start.
    fn slide(&mut self, history: usize, room: usize) -> usize {
        let keep = self.buf.len().min(history);
        self.buf.drain(..self.buf.len() - keep);
        self.buf.resize(keep + room, 0);
        self.served = keep;
        keep
    }

    /// Copies decoded bytes out; 0 once all are read.
    fn serve(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.buf.len() - self.served);
        out[..n].copy_from_slice(&self.buf[self.served..self.served + n]);
        self.served += n;
        n
    }

    fn unread(&self) -> bool {
        self.served < self.buf.len()
    }
}

/// Decodes a raw stream of any of the three formats from `R`, as
/// `RtlDecompressBuffer` would decode it whole, in memory bounded whatever
/// its size: [`Lznt1Decoder`], [`XpressDecoder`] or [`XpressHuffDecoder`].
pub enum RawDecoder<R: Read> {
    /// LZNT1.
    Lznt1(Lznt1Decoder<R>),
    /// Plain LZ77.
    Xpress(XpressDecoder<R>),
    /// LZ77+Huffman.
    XpressHuff(XpressHuffDecoder<R>),
}

impl<R: Read> RawDecoder<R> {
    /// A decoder of `format` from `inner`. `size` is the uncompressed size,
    /// which LZ77+Huffman needs; for the other two it is a capacity, past
    /// which the stream is refused as `decompress_into` refuses it (`None`:
    /// no limit).
    ///
    /// # Errors
    /// [`Error::Unsupported`] for LZ77+Huffman without a size.
    pub fn new(inner: R, format: Format, size: Option<u64>) -> crate::Result<Self> {
        Ok(match format {
            Format::Lznt1 => RawDecoder::Lznt1(Lznt1Decoder::new(inner, size)),
            Format::Xpress => RawDecoder::Xpress(XpressDecoder::new(inner, size)),
            Format::XpressHuff => {
                let size = size.ok_or(Error::Unsupported { what: "an LZ77+Huffman stream of unknown size" })?;
                RawDecoder::XpressHuff(XpressHuffDecoder::new(inner, size))
            }
        })
    }

    /// Decodes LZNT1 chunks on `threads` threads (0: every core); the
    /// output is the same. The other formats decode on one.
    pub fn with_threads(self, threads: usize) -> Self {
        match self {
            RawDecoder::Lznt1(decoder) => RawDecoder::Lznt1(decoder.with_threads(threads)),
            other => other,
        }
    }
}

impl<R: Read> Read for RawDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            RawDecoder::Lznt1(decoder) => decoder.read(buf),
            RawDecoder::Xpress(decoder) => decoder.read(buf),
            RawDecoder::XpressHuff(decoder) => decoder.read(buf),
        }
    }
}
