//! A match that reached the end of a stream encoder's buffer and goes on
//! with later input: Windows' engines take a match to the end of the
//! input, however long, so a stream holds its period instead of its bytes.

use alloc::vec::Vec;

/// A match at `start` of a buffer, `dist` back, `len` bytes long so far.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RunOn {
    pub(crate) start: usize,
    pub(crate) dist: usize,
    pub(crate) len: u64,
}

impl RunOn {
    /// Lengthens the match by the bytes at the front of `data` that go on
    /// with its period (the `dist` bytes before its start in `buf`), up to
    /// a length of 32 bits (the format's largest, past what the one-shot
    /// encoders take); returns how many.
    pub(crate) fn lengthen(&mut self, buf: &[u8], data: &[u8]) -> usize {
        let period = &buf[self.start - self.dist..self.start];
        let phase = (self.len % self.dist as u64) as usize;
        let room = usize::try_from(u64::from(u32::MAX) - self.len).unwrap_or(usize::MAX);
        let same = data.iter().zip(period.iter().cycle().skip(phase)).take(room).take_while(|(a, b)| a == b).count();
        self.len += same as u64;
        same
    }

    /// Where it ends, as a position of the buffer.
    pub(crate) fn end(&self) -> u64 {
        self.start as u64 + self.len
    }

    /// The `keep` bytes before its end (at most as many as there are):
    /// what `buf` holds of them, then its period over and over.
    pub(crate) fn history(&self, buf: &[u8], keep: usize) -> Vec<u8> {
        let end = self.end();
        let from = end - (keep as u64).min(end);
        let period = self.start - self.dist;
        (from..end)
            .map(|q| match usize::try_from(q).ok().filter(|&q| q < buf.len()) {
                Some(q) => buf[q],
                None => buf[period + ((q - self.start as u64) % self.dist as u64) as usize],
            })
            .collect()
    }
}
