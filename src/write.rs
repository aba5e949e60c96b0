//! Streaming compression into any [`Write`], in the msxca frame format.
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

use crate::crc32::crc32;
use crate::format::{Format, Level};
use crate::frame::{self, BlockHeader};
use crate::Compressor;
use std::io::{self, Write};

pub use crate::frame::{FRAME_BLOCK_MAX, FRAME_BLOCK_SIZE, FRAME_MAGIC};

/// Compresses everything written to it into the frame format on `W`.
///
/// Call [`finish`](Encoder::finish) to write the last block and the end
/// marker and get `W` back; dropping the encoder does the same but cannot
/// report errors.
pub struct Encoder<W: Write> {
    inner: Option<W>,
    compressor: Compressor,
    pending: Vec<u8>,
    packed: Vec<u8>,
    header_written: bool,
}

impl<W: Write> Encoder<W> {
    /// An encoder writing `format` at `level` to `inner`.
    pub fn new(inner: W, format: Format, level: Level) -> Self {
        Encoder {
            inner: Some(inner),
            compressor: Compressor::new(format, level),
            pending: Vec::with_capacity(FRAME_BLOCK_SIZE),
            packed: vec![0; crate::max_compressed_size(format, FRAME_BLOCK_SIZE)],
            header_written: false,
        }
    }

    fn inner(&mut self) -> &mut W {
        self.inner.as_mut().expect("encoder used after finish")
    }

    fn write_header(&mut self) -> io::Result<()> {
        if !self.header_written {
            let header = frame::header(self.compressor.format());
            self.inner().write_all(&header)?;
            self.header_written = true;
        }
        Ok(())
    }

    fn write_block(&mut self) -> io::Result<()> {
        self.write_header()?;
        if self.pending.is_empty() {
            return Ok(());
        }
        let n = self.compressor.compress_into(&self.pending, &mut self.packed)?;
        let crc = crc32(0, &self.pending);
        let (payload, stored) =
            if n < self.pending.len() { (&self.packed[..n], n) } else { (&self.pending[..], self.pending.len()) };
        let head = BlockHeader { len: self.pending.len(), stored, crc }.to_bytes();
        let inner = self.inner.as_mut().expect("encoder used after finish");
        inner.write_all(&head)?;
        inner.write_all(payload)?;
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
        self.write_block()?;
        self.inner().write_all(&[0; frame::LENGTH_SIZE])?;
        self.inner().flush()
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let take = buf.len().min(FRAME_BLOCK_SIZE - self.pending.len());
        self.pending.extend_from_slice(&buf[..take]);
        if self.pending.len() == FRAME_BLOCK_SIZE {
            self.write_block()?;
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
