//! Raw LZ77+Huffman streams of known size, decoded block by block.

use super::{Input, Window};
use crate::error::{Error, ErrorKind};
use crate::lz::copy::copy_match;
use crate::xpress_huff::decode::BlockDecoder;
use crate::xpress_huff::{BLOCK_OUTPUT, MAX_DISTANCE, MIN_BLOCK_BYTES};
use std::io::{self, Read};

/// Output room a step decodes into: a block's 64 KiB, and as much again
/// for a last match that runs on; longer ones are copied a window at a time.
const ROOM: usize = 2 * BLOCK_OUTPUT;

/// Decodes a raw LZ77+Huffman stream of known uncompressed size from `R`
/// incrementally, block by block, keeping the 64 KiB of history that
/// matches may reach, and reading only as much input as each block needs.
///
/// Memory is the history, 128 KiB of output and a block's input, whatever
/// the stream's size: a match that runs far past its block (as Windows'
/// encoder writes for long runs) is copied a window at a time. Once the
/// output is whole, what input follows is read as Windows reads it: a
/// block's table wherever a table and two words remain.
pub struct XpressHuffDecoder<R: Read> {
    input: Input<R>,
    decoder: BlockDecoder,
    window: Window,
    /// Output bytes still to produce after the window's end.
    remaining: u64,
    /// The whole output's size.
    size: u64,
    /// The last match of the last block, where it ran past the window: its
    /// distance and the bytes still to copy.
    carry: Option<(usize, u64)>,
    /// The input after the last block has been read.
    ended: bool,
}

impl<R: Read> XpressHuffDecoder<R> {
    /// A decoder for a stream that decodes to exactly `uncompressed_size`
    /// bytes.
    pub fn new(inner: R, uncompressed_size: u64) -> Self {
        XpressHuffDecoder {
            input: Input::new(inner),
            decoder: BlockDecoder::new(),
            window: Window::new(),
            remaining: uncompressed_size,
            size: uncompressed_size,
            carry: None,
            ended: false,
        }
    }

    /// Reads what follows the output's last block as the whole-stream
    /// decoder does: a block (which must have a valid table, and decodes
    /// to nothing) wherever a table and two words remain.
    fn read_trailing_blocks(&mut self) -> io::Result<()> {
        self.ended = true;
        let op = self.window.buf.len();
        loop {
            self.input.fill(MIN_BLOCK_BYTES)?;
            if self.input.data().len() < MIN_BLOCK_BYTES {
                return Ok(());
            }
            let decoded = self.decoder.decode_one_block(self.input.data(), &mut self.window.buf, op, op, &mut None);
            match decoded {
                Ok((used, _)) => self.input.consume(used),
                Err(e) => return Err(e.shifted(self.input.offset as usize).into()),
            }
        }
    }

    /// As the one-shot decoder reports a match past the end of the data.
    fn past_the_end(&self, left: u64) -> io::Error {
        let capacity = usize::try_from(self.size).unwrap_or(usize::MAX);
        let needed = self.size - self.remaining + left;
        Error::OutputTooSmall { format: crate::Format::XpressHuff, capacity, needed }.into()
    }

    /// Decodes the next block, or the next window of a carried match.
    fn next_step(&mut self) -> io::Result<()> {
        let room = self.remaining.min(ROOM as u64) as usize;
        let op = self.window.slide(MAX_DISTANCE, room);
        if let Some((dist, left)) = self.carry.take() {
            let n = left.min(room as u64) as usize;
            copy_match(&mut self.window.buf, op, dist, n);
            self.window.buf.truncate(op + n);
            self.remaining -= n as u64;
            if left > n as u64 {
                if self.remaining == 0 {
                    return Err(self.past_the_end(left - n as u64));
                }
                self.carry = Some((dist, left - n as u64));
            }
            return Ok(());
        }
        let block_end = op + room.min(BLOCK_OUTPUT);
        let mut want = 2 * BLOCK_OUTPUT;
        loop {
            self.input.fill(want)?;
            let mut carry = None;
            let decoded =
                self.decoder.decode_one_block(self.input.data(), &mut self.window.buf, op, block_end, &mut carry);
            match decoded {
                Ok((used, end)) => {
                    self.input.consume(used);
                    self.window.buf.truncate(end);
                    self.remaining -= (end - op) as u64;
                    if let Some((dist, left)) = carry {
                        if self.remaining == 0 {
                            return Err(self.past_the_end(left));
                        }
                        self.carry = Some((dist, left));
                    }
                    return Ok(());
                }
                // The block's input goes on past what was read: read more.
                Err(e) if e.kind() == ErrorKind::Truncated && !self.input.eof => want += want,
                Err(e) => return Err(e.shifted(self.input.offset as usize).into()),
            }
        }
    }
}

impl<R: Read> Read for XpressHuffDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.window.unread() {
            if buf.is_empty() {
                return Ok(0);
            }
            if self.remaining == 0 {
                if !self.ended {
                    self.read_trailing_blocks()?;
                }
                return Ok(0);
            }
            self.next_step()?;
        }
        Ok(self.window.serve(buf))
    }
}
