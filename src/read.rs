//! Streaming decompression from any [`Read`]: the msxca frame format (see
//! [`crate::write`]), and raw LZ77+Huffman streams of known size, as in
//! hibernation files, decoded block by block.

use crate::crc32::crc32;
use crate::error::{container_truncated, Error, ErrorKind};
use crate::format::Format;
use crate::frame::{self, BlockHeader, BLOCK_REST_SIZE, CONTAINER, HEADER_SIZE, LENGTH_SIZE};
use crate::xpress_huff::decode::BlockDecoder;
use crate::xpress_huff::{BLOCK_OUTPUT, MAX_DISTANCE};
use crate::Decompressor;
use std::io::{self, Read};

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
    /// Bytes of the frame read so far: where errors are.
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

    fn read_header(&mut self) -> io::Result<()> {
        let mut header = [0u8; HEADER_SIZE];
        self.read_exact_at(&mut header)?;
        let format = frame::parse_header(&header)?;
        self.format = Some(format);
        self.decompressor = Some(Decompressor::new(format));
        Ok(())
    }

    /// Reads and decodes the next block; false at the end marker.
    fn next_block(&mut self) -> io::Result<bool> {
        if self.format.is_none() {
            self.read_header()?;
        }
        let at = self.offset as usize;
        let mut len = [0u8; LENGTH_SIZE];
        self.read_exact_at(&mut len)?;
        let len = u32::from_le_bytes(len);
        if len == 0 {
            return Ok(false);
        }
        let mut rest = [0u8; BLOCK_REST_SIZE];
        self.read_exact_at(&mut rest)?;
        let format = self.format.expect("header read");
        let block = BlockHeader::parse(len, &rest, at, format)?;
        let mut payload = std::mem::take(&mut self.payload);
        payload.resize(block.stored, 0);
        let payload_at = self.offset as usize;
        self.read_exact_at(&mut payload)?;
        self.block.resize(block.len, 0);
        if block.stored == block.len {
            self.block.copy_from_slice(&payload);
        } else {
            let decompressor = self.decompressor.as_mut().expect("header read");
            let n = decompressor.decompress_into(&payload, &mut self.block).map_err(|e| e.shifted(payload_at))?;
            if n != block.len {
                let problem = "block decodes to fewer bytes than its header says";
                return Err(Error::BadHeader { container: CONTAINER, offset: at, problem }.into());
            }
        }
        self.payload = payload;
        let actual = crc32(0, &self.block);
        if actual != block.crc {
            let offset = at + LENGTH_SIZE + 4;
            return Err(Error::ChecksumMismatch { container: CONTAINER, offset, expected: block.crc, actual }.into());
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
    decoder: BlockDecoder,
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
    /// The whole output's size.
    size: u64,
    /// Bytes of input consumed before `input[input_start]`: where the
    /// decoder's error offsets start.
    consumed: u64,
}

impl<R: Read> XpressHuffDecoder<R> {
    /// A decoder for a stream that decodes to exactly `uncompressed_size`
    /// bytes.
    pub fn new(inner: R, uncompressed_size: u64) -> Self {
        XpressHuffDecoder {
            inner,
            decoder: BlockDecoder::new(),
            input: Vec::new(),
            input_start: 0,
            eof: false,
            window: Vec::new(),
            served: 0,
            remaining: uncompressed_size,
            size: uncompressed_size,
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
        let block_len = (self.remaining.min(BLOCK_OUTPUT as u64)) as usize;
        let mut room = (self.remaining.min(2 * BLOCK_OUTPUT as u64)) as usize;
        let mut want = 2 * BLOCK_OUTPUT;
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
                Err(Error::OutputTooSmall { needed, format, .. }) => {
                    let needed = needed.saturating_sub(op as u64);
                    if needed > self.remaining || needed <= room as u64 {
                        // As the one-shot decoder reports it: the output
                        // is the whole data, and the match runs past it.
                        let capacity = usize::try_from(self.size).unwrap_or(usize::MAX);
                        let needed = self.size - self.remaining + needed;
                        return Err(Error::OutputTooSmall { format, capacity, needed }.into());
                    }
                    room = needed as usize;
                }
                Err(e) => return Err(e.shifted(self.consumed as usize).into()),
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
