//! The Compression API's buffer mode, written a block at a time.

use super::segments::Segments;
use crate::api::{self, BLOCK_SIZE};
use crate::format::{Format, Level};
use crate::xpress_huff::stream::{MaximumStream, StandardStream, StreamEngine, WindowsStream};
use crate::Compressor;
use std::io::{self, Write};

/// Writes a buffer-mode Compression API stream of known size (see
/// [`crate::api`]) to `W`, the same bytes as [`api::compress`]: the header,
/// then each 64 MiB block as it fills. Memory is a block and its output.
pub struct ApiEncoder<W: Write> {
    inner: Option<W>,
    compressor: Compressor,
    header: [u8; api::HEADER_SIZE],
    header_written: bool,
    size: u64,
    taken: u64,
    block: Vec<u8>,
    packed: Vec<u8>,
    threads: usize,
}

impl<W: Write> ApiEncoder<W> {
    /// An encoder of `size` bytes of `format` at `level` to `inner`.
    ///
    /// # Errors
    /// [`crate::Error::Unsupported`] for empty input (as on Windows) or LZNT1.
    pub fn new(inner: W, format: Format, level: Level, size: u64) -> crate::Result<Self> {
        if size == 0 {
            return Err(crate::Error::Unsupported { what: "compressing empty input" });
        }
        Ok(ApiEncoder {
            inner: Some(inner),
            compressor: Compressor::new(format, level),
            header: api::header(format, size)?,
            header_written: false,
            size,
            taken: 0,
            block: Vec::new(),
            packed: Vec::new(),
            threads: 1,
        })
    }

    /// LZ77+Huffman at the standard level writes each block's Huffman
    /// blocks on a second thread while it parses the next, with `threads`
    /// above 1 (0: every core); the output is the same.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Compresses the block as [`api::compress_stretch`] does, with one of
    /// Windows' LZ77+Huffman engines on two threads; the size
    /// written to `packed`, or the block's when it is stored.
    fn compress_on_threads(&mut self) -> usize {
        let Some(room) = api::stretch_room(Format::XpressHuff, self.block.len()) else {
            return self.block.len();
        };
        let refused = match self.compressor.level() {
            Level::Maximum => {
                run_within(MaximumStream::within(room as u64), self.threads, &self.block, &mut self.packed)
            }
            _ => run_within(StandardStream::within(room as u64), self.threads, &self.block, &mut self.packed),
        };
        if refused {
            self.block.len()
        } else {
            self.packed.len()
        }
    }

    /// Compresses the block as [`api::compress_stretch`] does, at a
    /// numbered level: its segments side by side (see
    /// [`Segments`]); the size written to `packed`, or the block's when it
    /// is stored. Windows' space rule refuses a stream only within a few
    /// bytes of the room (an LZ77+Huffman block's estimate is at most 2
    /// bytes over its size), so there alone it is applied the one-shot way.
    fn compress_segments(&mut self) -> io::Result<usize> {
        let format = self.compressor.format();
        let Some(room) = api::stretch_room(format, self.block.len()) else {
            return Ok(self.block.len());
        };
        let mut segments = Segments::new(format, self.compressor.level());
        segments.set_threads(self.threads);
        let packed = &mut self.packed;
        packed.clear();
        packed.reserve_exact(room);
        // A stream that outgrows the room is stored: what comes after is
        // not kept.
        let mut over = false;
        let mut keep = |bytes: &[u8]| -> io::Result<()> {
            over |= packed.len() + bytes.len() > room;
            if !over {
                packed.extend_from_slice(bytes);
            }
            Ok(())
        };
        segments.push(&self.block, &mut keep)?;
        segments.finish(&mut keep)?;
        Ok(match self.packed.len() {
            _ if over => self.block.len(),
            n if n + 8 < room => n,
            _ => {
                self.packed.resize(self.block.len(), 0);
                api::compress_stretch(&mut self.compressor, &self.block, &mut self.packed)
            }
        })
    }

    fn block_len(&self) -> usize {
        (self.size - (self.taken - self.block.len() as u64)).min(BLOCK_SIZE as u64) as usize
    }

    fn write_block(&mut self) -> io::Result<()> {
        let inner = self.inner.as_mut().expect("encoder used after finish");
        if !self.header_written {
            inner.write_all(&self.header)?;
            self.header_written = true;
        }
        let two_threads = self.compressor.format() == Format::XpressHuff
            && matches!(self.compressor.level(), Level::Standard | Level::Maximum)
            && (self.threads == 0 && crate::available_threads() > 1 || self.threads > 1);
        let numbered = matches!(self.compressor.level(), Level::Numbered(_));
        let n = if numbered && self.threads != 1 {
            self.compress_segments()?
        } else if two_threads {
            self.compress_on_threads()
        } else {
            self.packed.resize(self.block.len(), 0);
            api::compress_stretch(&mut self.compressor, &self.block, &mut self.packed)
        };
        let inner = self.inner.as_mut().expect("encoder used after finish");
        inner.write_all(&(n as u32).to_le_bytes())?;
        // Stored blocks are the data itself.
        inner.write_all(if n == self.block.len() { &self.block } else { &self.packed[..n] })?;
        self.block.clear();
        Ok(())
    }

    /// Writes the last block and returns the writer.
    ///
    /// # Errors
    /// Any error of the writer, and [`io::ErrorKind::InvalidInput`] when
    /// the data written was not the size given.
    pub fn finish(mut self) -> io::Result<W> {
        if self.taken != self.size {
            let message = format!("{} bytes written to a compression api stream of {}", self.taken, self.size);
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        if !self.block.is_empty() {
            self.write_block()?;
        }
        let mut inner = self.inner.take().expect("encoder used after finish");
        inner.flush()?;
        Ok(inner)
    }
}

impl<W: Write> Write for ApiEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.block_len() - self.block.len();
        if room == 0 && !buf.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "more data than the stream's size"));
        }
        let take = buf.len().min(room);
        if self.block.capacity() == 0 {
            self.block.reserve_exact(self.block_len());
        }
        self.block.extend_from_slice(&buf[..take]);
        self.taken += take as u64;
        if take > 0 && self.block.len() == self.block_len() {
            self.write_block()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.as_mut().expect("encoder used after finish").flush()
    }
}

/// Runs `stream`, one of Windows' LZ77+Huffman engines under the
/// Compression API's space rule, over `block` on `threads` threads into
/// `packed`; true if the rule refused it.
fn run_within<S: StreamEngine>(
    mut stream: WindowsStream<S>,
    threads: usize,
    block: &[u8],
    packed: &mut Vec<u8>,
) -> bool {
    stream.set_threads(threads);
    packed.clear();
    let mut keep = |bytes: &[u8]| -> Result<(), core::convert::Infallible> {
        packed.extend_from_slice(bytes);
        Ok(())
    };
    for piece in block.chunks(1 << 20) {
        let Ok(()) = stream.push(piece, &mut keep);
    }
    let Ok(()) = stream.finish(&mut keep);
    stream.refused()
}
