//! Raw Plain LZ77 streams, decoded a stretch at a time.

use super::{Input, Window};
use crate::error::Error;
use crate::xpress::decode::{StreamState, Stretch};
use std::io::{self, Read};

/// History a match reaches into: 8 KiB.
const HISTORY: usize = 8192;
/// Input read at a time, and output decoded at a time.
const STEP: usize = 256 * 1024;

/// Decodes a raw Plain LZ77 stream from `R` as
/// [`Decompressor::decompress_into`](crate::Decompressor::decompress_into)
/// decodes it whole, keeping 8 KiB of history and 256 KiB of input and
/// output, whatever the stream's size.
pub struct XpressDecoder<R: Read> {
    input: Input<R>,
    state: StreamState,
    window: Window,
    /// Stream offset of the window's first byte.
    window_at: u64,
    /// The capacity given, if any.
    capacity: Option<u64>,
    done: bool,
}

impl<R: Read> XpressDecoder<R> {
    /// A decoder reading from `inner`; with `capacity`, a stream that
    /// decodes to more bytes fails as it would decoded whole into a buffer
    /// of that size.
    pub fn new(inner: R, capacity: Option<u64>) -> Self {
        XpressDecoder {
            input: Input::new(inner),
            state: StreamState::new(),
            window: Window::new(),
            window_at: 0,
            capacity,
            done: false,
        }
    }

    /// Decodes until the window has new bytes or the stream ends.
    fn next_step(&mut self) -> io::Result<()> {
        let kept = self.window.buf.len().min(HISTORY);
        let (_, old_op) = self.state.positions();
        self.window_at += (self.window.buf.len() - kept) as u64;
        // Up to the capacity the room is its end, as a buffer of that size
        // is; short of it, output goes on in the next window.
        let (room, carry) = match self.capacity {
            Some(c) if c - self.window_at - (kept as u64) <= STEP as u64 => {
                ((c - self.window_at) as usize - kept, false)
            }
            _ => (STEP, true),
        };
        let op = self.window.slide(HISTORY, room);
        self.state.rebase(0, old_op, op);
        loop {
            self.input.fill(STEP)?;
            let final_input = self.input.eof;
            let decoded = self.state.decode(self.input.data(), final_input, &mut self.window.buf, carry);
            let decoded = decoded.map_err(|e| self.locate(e))?;
            let (ip, op_now) = self.state.positions();
            self.input.consume(ip);
            self.state.rebase(ip, 0, 0);
            match decoded {
                Stretch::End(end) => {
                    self.window.buf.truncate(end);
                    self.done = true;
                    return Ok(());
                }
                Stretch::OutputFull => return Ok(()),
                Stretch::NeedInput if op_now > op => {
                    self.window.buf.truncate(op_now);
                    return Ok(());
                }
                Stretch::NeedInput => {}
            }
        }
    }

    /// An error with its offsets in the stream and the output, not in the
    /// buffers.
    fn locate(&self, error: Error) -> io::Error {
        let base = self.window_at as usize;
        let error = match error {
            Error::InvalidDistance { format, offset, distance, available } => {
                Error::InvalidDistance { format, offset, distance, available: base.saturating_add(available) }
            }
            Error::OutputTooSmall { format, needed, .. } => Error::OutputTooSmall {
                format,
                capacity: self.capacity.map_or(usize::MAX, |c| c as usize),
                needed: needed + base as u64,
            },
            other => other,
        };
        error.shifted(self.input.offset as usize).into()
    }
}

impl<R: Read> Read for XpressDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while !self.window.unread() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.next_step()?;
        }
        Ok(self.window.serve(buf))
    }
}
