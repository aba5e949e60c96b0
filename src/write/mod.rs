//! Streaming compression into any [`Write`]: in the msxca frame format
//! ([`Encoder`]), and as raw streams of the three formats ([`RawEncoder`]).
//!
//! # The frame format
//!
//! A self-describing container for streams of unknown length, with memory
//! bounded by the block size (Windows' own containers need the total size
//! up front). All integers little-endian.
//!
//! ```text
//! stream := header block* end
//! header := "MSXF" | version 1 (u8) | format (u8: 2 LZNT1, 3 XPRESS, 4 XPRESS_HUFF) | 0 (u8) | 0 (u8)
//! block  := uncompressed length (u32, 1..=1 MiB) | stored length (u32) | CRC-32 of the uncompressed bytes (u32)
//!           | payload: stored length bytes, the data itself when stored length == uncompressed
//!             length, else one raw stream of the format that decodes to exactly that length
//! end    := 0 (u32)
//! ```
//!
//! Blocks are independent: no match reaches into an earlier block.

mod api;
mod lanes;
mod raw;
mod segments;
mod wof;

use crate::crc32::crc32;
use crate::format::{Format, Level};
use crate::frame::{self, BlockHeader};
pub use api::ApiEncoder;
use lanes::Lanes;
pub use raw::RawEncoder;
use std::io::{self, Write};
pub use wof::WofEncoder;

pub use crate::frame::{FRAME_BLOCK_MAX, FRAME_BLOCK_SIZE, FRAME_MAGIC};

/// Compresses everything written to it into the frame format on `W`.
///
/// Blocks are compressed [`with_threads`](Self::with_threads) at a time,
/// side by side; the output is the same whatever the thread count.
///
/// Call [`finish`](Encoder::finish) to write the last block and the end
/// marker and get `W` back; dropping the encoder does the same but cannot
/// report errors.
pub struct Encoder<W: Write> {
    inner: Option<W>,
    lanes: Lanes,
    pending: Vec<u8>,
    header_written: bool,
}

impl<W: Write> Encoder<W> {
    /// An encoder writing `format` at `level` to `inner`, on one thread.
    pub fn new(inner: W, format: Format, level: Level) -> Self {
        Encoder { inner: Some(inner), lanes: Lanes::new(format, level, 1), pending: Vec::new(), header_written: false }
    }

    /// Compresses on `threads` threads (0: every core), a block each at a
    /// time; the output is the same.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.lanes.set_threads(threads);
        self
    }

    fn inner(&mut self) -> &mut W {
        self.inner.as_mut().expect("encoder used after finish")
    }

    fn write_header(&mut self) -> io::Result<()> {
        if !self.header_written {
            let header = frame::header(self.lanes.format());
            self.inner().write_all(&header)?;
            self.header_written = true;
        }
        Ok(())
    }

    /// Compresses the pending blocks and writes them, each stored when its
    /// stream is not smaller.
    fn write_blocks(&mut self) -> io::Result<()> {
        self.write_header()?;
        let inner = self.inner.as_mut().expect("encoder used after finish");
        self.lanes.compress(&self.pending, FRAME_BLOCK_SIZE, |block, stream| {
            let payload = if stream.len() < block.len() { stream } else { block };
            let head = BlockHeader { len: block.len(), stored: payload.len(), crc: crc32(0, block) }.to_bytes();
            inner.write_all(&head)?;
            inner.write_all(payload)
        })?;
        self.pending.clear();
        Ok(())
    }

    /// Writes the last block and the end marker, and returns the writer.
    ///
    /// # Errors
    /// Any error of the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.finish_frame()?;
        Ok(self.inner.take().expect("encoder used after finish"))
    }

    fn finish_frame(&mut self) -> io::Result<()> {
        self.write_blocks()?;
        self.inner().write_all(&[0; frame::LENGTH_SIZE])?;
        self.inner().flush()
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let batch = FRAME_BLOCK_SIZE * self.lanes.batch_pieces();
        let take = buf.len().min(batch - self.pending.len());
        self.pending.extend_from_slice(&buf[..take]);
        if self.pending.len() == batch {
            self.write_blocks()?;
        }
        Ok(take)
    }

    /// Flushes the underlying writer; a partial block stays buffered so
    /// that flushing often does not cost ratio.
    fn flush(&mut self) -> io::Result<()> {
        self.write_header()?;
        self.inner().flush()
    }
}

impl<W: Write> Drop for Encoder<W> {
    fn drop(&mut self) {
        if self.inner.is_some() {
            let _ = self.finish_frame();
        }
    }
}
