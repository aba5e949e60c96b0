//! Streaming decompression from any [`Read`]: the msxca frame format (see
//! [`crate::write`]), and raw LZ77+Huffman streams of known size, as in
//! hibernation files, decoded block by block.

use crate::crc32::crc32;
use crate::error::{Error, ErrorKind};
use crate::write::{FRAME_BLOCK_MAX, FRAME_MAGIC};
use crate::xpress_huff::{BLOCK_SIZE, MAX_DISTANCE};
use crate::{Decompressor, Format};
use std::io::{self, Read};

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// Reads exactly `buf.len()` bytes, or reports how many were there.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

/// Decompresses a frame-format stream from `R`, one block at a time.
pub struct Decoder<R: Read> {
    inner: R,
    format: Option<Format>,
    decompressor: Option<Decompressor>,
    block: Vec<u8>,
    payload: Vec<u8>,
    served: usize,
    /// Bytes of the frame consumed so far, for error messages.
    offset: u64,
    done: bool,
}

impl<R: Read> Decoder<R> {
    /// A decoder reading from `inner`.
    pub fn new(inner: R) -> Self {
        Decoder {
            inner,
            format: None,
            decompressor: None,
            block: Vec::new(),
            payload: Vec::new(),
            served: 0,
            offset: 0,
            done: false,
        }
    }

    /// The format named in the frame header, once it has been read.
    pub fn format(&self) -> Option<Format> {
        self.format
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }

    fn read_exact_at(&mut self, buf: &mut [u8], what: &str) -> io::Result<()> {
        let n = read_full(&mut self.inner, buf)?;
        if n < buf.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("msxca frame: truncated {what} at offset {:#x}", self.offset + n as u64),
            ));
        }
        self.offset += n as u64;
        Ok(())
    }

    fn read_header(&mut self) -> io::Result<()> {
        let mut header = [0u8; 8];
        self.read_exact_at(&mut header, "header")?;
        if header[..4] != FRAME_MAGIC || header[4] != 1 {
            return Err(invalid("msxca frame: bad header at offset 0x0 (not an msxca frame, or a newer version)"));
        }
        let format = Format::from_windows_id(u16::from(header[5]))
            .ok_or_else(|| invalid("msxca frame: bad header at offset 0x5 (unknown format)"))?;
        self.format = Some(format);
        self.decompressor = Some(Decompressor::new(format));
        Ok(())
    }

    /// Reads and decodes the next block; false at the end marker.
    fn next_block(&mut self) -> io::Result<bool> {
        if self.format.is_none() {
            self.read_header()?;
        }
        let at = self.offset;
        let mut len = [0u8; 4];
        self.read_exact_at(&mut len, "block header")?;
        let len = u32::from_le_bytes(len) as usize;
        if len == 0 {
            return Ok(false);
        }
        let mut rest = [0u8; 8];
        self.read_exact_at(&mut rest, "block header")?;
        let stored = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        if len > FRAME_BLOCK_MAX {
            return Err(invalid(format!("msxca frame: block at offset {at:#x} claims {len} bytes, more than allowed")));
        }
        // No encoder writes a block larger than this: refuse before reading it.
        let format = self.format.expect("header read");
        if stored > crate::max_compressed_size(format, len).max(len) {
            return Err(invalid(format!(
                "msxca frame: block at offset {at:#x} claims {stored} stored bytes for {len}"
            )));
        }
        let mut payload = std::mem::take(&mut self.payload);
        payload.resize(stored, 0);
        self.read_exact_at(&mut payload, "block")?;
        self.block.resize(len, 0);
        if stored == len {
            self.block.copy_from_slice(&payload);
        } else {
            let decompressor = self.decompressor.as_mut().expect("header read");
            let n = decompressor
                .decompress_into(&payload, &mut self.block)
                .map_err(|e| invalid(format!("msxca frame: block at offset {at:#x}: {e}")))?;
            if n != len {
                return Err(invalid(format!("msxca frame: block at offset {at:#x} decodes to {n} bytes, not {len}")));
            }
        }
        self.payload = payload;
        let actual = crc32(0, &self.block);
        if actual != crc {
            return Err(invalid(format!(
                "msxca frame: block at offset {at:#x}: checksum mismatch (header says {crc:#010x}, data gives {actual:#010x})"
            )));
        }
        self.served = 0;
        Ok(true)
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.served == self.block.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            if !self.next_block()? {
                self.done = true;
                self.block.clear();
                self.served = 0;
                return Ok(0);
            }
        }
        let n = buf.len().min(self.block.len() - self.served);
        buf[..n].copy_from_slice(&self.block[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}

/// Decodes a raw LZ77+Huffman stream of known uncompressed size from `R`
/// incrementally, block by block, keeping the 64 KiB of history that
/// matches may reach, and reading only as much input as each block needs.
///
/// Memory is the history plus one block's output and input; a block whose
/// last match runs far past its 64 KiB (as Windows' encoder writes for long
/// runs) holds that match too. Input after the last block is not read.
pub struct XpressHuffDecoder<R: Read> {
    inner: R,
    decoder: crate::xpress_huff::decode::Decoder,
    /// Unconsumed input.
    input: Vec<u8>,
    input_start: usize,
    eof: bool,
    /// History followed by the current block's output.
    window: Vec<u8>,
    /// Bytes of `window` already handed out.
    served: usize,
    /// Output bytes still to produce after the window's end.
    remaining: u64,
    /// Bytes of input consumed before `input[input_start]`, for messages.
    consumed: u64,
}

impl<R: Read> XpressHuffDecoder<R> {
    /// A decoder for a stream that decodes to exactly `uncompressed_size`
    /// bytes.
    pub fn new(inner: R, uncompressed_size: u64) -> Self {
        XpressHuffDecoder {
            inner,
            decoder: crate::xpress_huff::decode::Decoder::new(),
            input: Vec::new(),
            input_start: 0,
            eof: false,
            window: Vec::new(),
            served: 0,
            remaining: uncompressed_size,
            consumed: 0,
        }
    }

    /// Reads at least `more` further bytes of input (fewer at the end).
    fn fill(&mut self, more: usize) -> io::Result<()> {
        if self.input_start > 0 {
            self.input.drain(..self.input_start);
            self.input_start = 0;
        }
        let have = self.input.len();
        self.input.resize(have + more, 0);
        let n = read_full(&mut self.inner, &mut self.input[have..])?;
        self.input.truncate(have + n);
        if n < more {
            self.eof = true;
        }
        Ok(())
    }

    fn next_block(&mut self) -> io::Result<()> {
        // Keep the last 64 KiB as history; the new block follows it.
        let keep = self.window.len().min(MAX_DISTANCE);
        self.window.drain(..self.window.len() - keep);
        let op = self.window.len();
        let block_len = (self.remaining.min(BLOCK_SIZE as u64)) as usize;
        let mut room = (self.remaining.min(2 * BLOCK_SIZE as u64)) as usize;
        let mut want = 2 * BLOCK_SIZE;
        loop {
            if self.input.len() - self.input_start < want && !self.eof {
                self.fill(want)?;
            }
            self.window.resize(op + room, 0);
            let input = &self.input[self.input_start..];
            match self.decoder.decode_one_block(input, &mut self.window, op, op + block_len) {
                Ok((used, end)) => {
                    self.input_start += used;
                    self.consumed += used as u64;
                    self.window.truncate(end);
                    self.remaining -= (end - op) as u64;
                    self.served = op;
                    return Ok(());
                }
                // The block's input goes on past what was read: read more.
                Err(e) if e.kind() == ErrorKind::Truncated && !self.eof => want += want,
                // Its last match runs past the room given: give more, unless
                // it runs past the end of the data itself.
                Err(Error::OutputTooSmall { needed, .. }) => {
                    let needed = needed.saturating_sub(op as u64);
                    if needed > self.remaining || needed <= room as u64 {
                        return Err(invalid(format!(
                            "xpress-huff: corrupt input (a match runs past the end of the data in the block at input offset {:#x})",
                            self.consumed
                        )));
                    }
                    room = needed as usize;
                }
                Err(e) => return Err(invalid(format!("{} (block at input offset {:#x})", e, self.consumed))),
            }
        }
    }
}

impl<R: Read> Read for XpressHuffDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.served == self.window.len() {
            if self.remaining == 0 || buf.is_empty() {
                return Ok(0);
            }
            self.next_block()?;
        }
        let n = buf.len().min(self.window.len() - self.served);
        buf[..n].copy_from_slice(&self.window[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}
