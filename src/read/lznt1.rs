//! Raw LZNT1 streams, decoded a batch of chunks at a time, the chunks of a
//! batch on several threads: LZNT1 chunks are independent.

use super::Input;
use crate::bytes::u16_at;
use crate::lznt1::{chunk_data_len, CHUNK_SIZE, HEADER_BYTES, MAX_CHUNK_OUTPUT};
use crate::par::Workers;
use crate::{Decompressor, Format};
use std::io::{self, Read};

/// Input decoded per thread and batch.
const PIECE: usize = 1 << 20;

/// Chunks decoded at a time in one piece where a chunk decodes to more
/// than 4096 bytes: room for each of them to decode to the most it can.
const OVERLONG_CHUNKS: usize = 64;

/// The chunks at the start of `input`: where each complete one ends, up
/// to `budget` bytes, and whether the walk met the `00 00` end marker.
fn chunk_ends(input: &[u8], budget: usize, ends: &mut Vec<usize>) -> bool {
    ends.clear();
    let mut at = 0;
    while input.len() - at >= 2 && at < budget {
        let header = u16_at(input, at);
        if header == 0 {
            return true;
        }
        let end = at + HEADER_BYTES + chunk_data_len(header);
        if end > input.len() {
            break;
        }
        ends.push(end);
        at = end;
    }
    false
}

/// One thread's share of a batch.
struct Piece {
    /// Where its chunks are in the batch's input.
    input: core::ops::Range<usize>,
    chunks: usize,
    out: Vec<u8>,
    /// Bytes of `out` to read out: what it decoded to, padded.
    len: usize,
    result: crate::Result<usize>,
}

/// Decodes a raw LZNT1 stream from `R` as
/// [`Decompressor::decompress_into`] decodes it whole, a batch of 1 MiB of
/// input per thread at a time.
pub struct Lznt1Decoder<R: Read> {
    input: Input<R>,
    workers: Workers,
    pieces: Vec<Piece>,
    /// The pieces of this batch, and of them those to read out, the one
    /// being read and how far.
    used: usize,
    ready: usize,
    serving: usize,
    piece_served: usize,
    ends: Vec<usize>,
    out: Vec<u8>,
    served: usize,
    /// Bytes decoded so far.
    produced: u64,
    capacity: Option<u64>,
    done: bool,
}

impl<R: Read> Lznt1Decoder<R> {
    /// A decoder reading from `inner`; with `capacity`, output stops or
    /// fails there as it would decoded whole into a buffer of that size.
    pub fn new(inner: R, capacity: Option<u64>) -> Self {
        Lznt1Decoder {
            input: Input::new(inner),
            workers: Workers::new(1),
            pieces: Vec::new(),
            used: 0,
            ready: 0,
            serving: 0,
            piece_served: 0,
            ends: Vec::new(),
            out: Vec::new(),
            served: 0,
            produced: 0,
            capacity,
            done: false,
        }
    }

    /// Decodes on `threads` threads (0: every core), with the same output.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.workers = Workers::new(threads);
        self
    }

    /// Decodes the next batch of chunks into `out`.
    fn next_batch(&mut self) -> io::Result<()> {
        self.out.clear();
        self.served = 0;
        self.ready = 0;
        let threads = self.workers.batch_jobs();
        let budget = threads * PIECE;
        self.input.fill(budget + CHUNK_SIZE + 2)?;
        let at_start = self.input.offset == 0;
        let data = self.input.data();
        let ended = chunk_ends(data, budget, &mut self.ends);
        let Some(&batch_end) = self.ends.last() else {
            // No whole chunk: the end marker, a lone last byte, or a chunk
            // cut short (whose error the one-shot decoder gives). An empty
            // stream is an error too, as in one piece.
            self.done = true;
            if ended || (data.len() < 2 && !at_start) {
                return Ok(());
            }
            let err = Decompressor::new(Format::Lznt1).decompress_into(data, &mut []).unwrap_err();
            return Err(err.shifted(self.input.offset as usize).into());
        };
        // Every chunk but the last stands for 4096 bytes: a short one is
        // padded before the next, unless the padding fills the capacity.
        let gap = (self.produced.wrapping_neg() % CHUNK_SIZE as u64) as usize;
        let most = gap as u64 + (self.ends.len() * CHUNK_SIZE) as u64;
        let room = self.capacity.map_or(u64::MAX, |c| c - self.produced);
        if gap > 0 && gap as u64 >= room {
            self.done = true;
            return Ok(());
        }
        if most > room {
            // The capacity ends within this batch.
            return self.decode_in_one(self.ends.len(), gap, room);
        }
        self.split(threads);
        let data = self.input.data();
        self.workers.run(&mut self.pieces[..self.used], |piece| {
            let chunks = &data[piece.input.clone()];
            // A byte more than the chunks stand for tells a chunk that
            // decodes to more than 4096 bytes.
            piece.out.resize(piece.chunks * CHUNK_SIZE + 1, 0);
            piece.result = Decompressor::new(Format::Lznt1).decompress_into(chunks, &mut piece.out);
        });
        let overlong = |piece: &Piece| match piece.result {
            Ok(n) => n > piece.chunks * CHUNK_SIZE,
            Err(crate::Error::OutputTooSmall { .. }) => true,
            Err(_) => false,
        };
        if self.pieces[..self.used].iter().any(overlong) {
            // Then the chunks after it move on, and may reach the
            // capacity: a few chunks at a time, as the whole stream.
            return self.decode_in_one(self.ends.len().min(OVERLONG_CHUNKS), gap, room);
        }
        // The pieces are read out where they are; each one's short last
        // chunk is padded when another piece follows.
        self.out.resize(gap, 0);
        let used = self.used;
        for (i, piece) in self.pieces[..used].iter_mut().enumerate() {
            let n = match &piece.result {
                Ok(n) => *n,
                Err(e) => return Err(e.clone().shifted(self.input.offset as usize + piece.input.start).into()),
            };
            piece.len = if i + 1 < used { n.next_multiple_of(CHUNK_SIZE) } else { n };
            piece.out[n..piece.len].fill(0);
            self.produced += piece.len as u64;
        }
        self.produced += self.out.len() as u64;
        (self.ready, self.serving, self.piece_served) = (used, 0, 0);
        self.input.consume(batch_end);
        if ended {
            self.done = true;
        }
        Ok(())
    }

    /// Decodes the batch's first `chunks` chunks as the whole stream
    /// decodes them, after `gap` bytes of padding and with `room` left
    /// before the capacity. That looks at the chunk after them (and fails
    /// if it is cut short), so it goes along; at the end of the input, a
    /// chunk cut short and a lone last byte do too.
    fn decode_in_one(&mut self, chunks: usize, gap: usize, room: u64) -> io::Result<()> {
        let last_end = self.ends[chunks - 1];
        // The next chunk whole, where there is one.
        self.input.fill(last_end + 2 * HEADER_BYTES + CHUNK_SIZE)?;
        let data = self.input.data();
        let (upto, ended) = match data[last_end..] {
            [0, 0, ..] => (last_end + HEADER_BYTES, true),
            [a, b, ..] if data.len() - last_end >= HEADER_BYTES + chunk_data_len(u16::from_le_bytes([a, b])) => {
                (last_end + HEADER_BYTES + chunk_data_len(u16::from_le_bytes([a, b])), false)
            }
            _ => (data.len(), false),
        };
        // Room up to the capacity, or for the most the chunks can decode to.
        let bound = (chunks + 1) * MAX_CHUNK_OUTPUT.next_multiple_of(CHUNK_SIZE);
        let mut out = vec![0u8; (room - gap as u64).min(bound as u64) as usize];
        let n = Decompressor::new(Format::Lznt1)
            .decompress_into(&data[..upto], &mut out)
            .map_err(|e| e.shifted(self.input.offset as usize))?;
        self.out.resize(gap, 0);
        self.out.extend_from_slice(&out[..n]);
        self.produced += self.out.len() as u64;
        let all = upto == data.len();
        self.input.consume(upto);
        self.done = ended || all && self.input.eof || self.produced == self.capacity.unwrap_or(u64::MAX);
        Ok(())
    }

    /// Splits the batch's chunks into one piece per thread, of about the
    /// same input each.
    fn split(&mut self, threads: usize) {
        let total = *self.ends.last().expect("a whole chunk");
        let share = total.div_ceil(threads).max(1);
        // The pieces keep their output buffers from batch to batch.
        let mut used = 0;
        let (mut start, mut first_chunk) = (0, 0);
        for (i, &end) in self.ends.iter().enumerate() {
            if end - start >= share || i + 1 == self.ends.len() {
                if used == self.pieces.len() {
                    self.pieces.push(Piece { input: 0..0, chunks: 0, out: Vec::new(), len: 0, result: Ok(0) });
                }
                let piece = &mut self.pieces[used];
                (piece.input, piece.chunks) = (start..end, i + 1 - first_chunk);
                used += 1;
                (start, first_chunk) = (end, i + 1);
            }
        }
        self.used = used;
    }
}

impl<R: Read> Read for Lznt1Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if buf.is_empty() {
                return Ok(0);
            }
            // The padding or capacity-bound output first, then the pieces.
            let (data, at) = if self.served < self.out.len() {
                (&self.out[..], &mut self.served)
            } else if self.serving < self.ready {
                let piece = &self.pieces[self.serving];
                if self.piece_served == piece.len {
                    (self.serving, self.piece_served) = (self.serving + 1, 0);
                    continue;
                }
                (&piece.out[..piece.len], &mut self.piece_served)
            } else if self.done {
                return Ok(0);
            } else {
                self.next_batch()?;
                continue;
            };
            let n = buf.len().min(data.len() - *at);
            buf[..n].copy_from_slice(&data[*at..*at + n]);
            *at += n;
            return Ok(n);
        }
    }
}
