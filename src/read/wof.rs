//! Compact OS `WofCompressedData` streams, decoded a batch of chunks at a
//! time, the chunks of a batch side by side.

use super::read_full;
use crate::chunk_table::{classify, decode_stored};
use crate::error::{container_truncated, Error};
use crate::par::Workers;
use crate::wof::Algorithm;
use crate::Decompressor;
use std::io::{self, Read};

/// Uncompressed bytes decoded per thread and batch.
const SHARE: usize = 1 << 20;

/// One chunk of a batch.
#[derive(Default)]
struct Chunk {
    index: u64,
    /// Where its stored bytes start in the stream.
    start: usize,
    stored: Vec<u8>,
    compressed: bool,
    out: Vec<u8>,
    /// What decoding it gave (`None` before it is decoded).
    result: Option<crate::Result<()>>,
}

/// Decodes a `WofCompressedData` stream of a file of known size from `R`,
/// as [`crate::wof::decompress`] decodes it whole. Memory is the chunk
/// table (4 or 8 bytes a chunk) and a batch of chunks; the chunks of a
/// batch are decoded on [`with_threads`](Self::with_threads) threads.
pub struct WofDecoder<R: Read> {
    inner: R,
    algorithm: Algorithm,
    size: u64,
    chunks: u64,
    entry_width: usize,
    /// The chunk table, once read.
    table: Option<Vec<u8>>,
    next_chunk: u64,
    /// Bytes of the stream read so far.
    offset: u64,
    workers: Workers,
    batch: Vec<(Chunk, Decompressor)>,
    filled: usize,
    serving: usize,
    served: usize,
}

impl<R: Read> WofDecoder<R> {
    /// A decoder of the stream of a `size`-byte file compressed with
    /// `algorithm`, read from `inner`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for LZX.
    pub fn new(inner: R, algorithm: Algorithm, size: u64) -> crate::Result<Self> {
        algorithm.format()?;
        let chunks = size.div_ceil(algorithm.chunk_size() as u64);
        Ok(WofDecoder {
            inner,
            algorithm,
            size,
            chunks,
            entry_width: if size > u64::from(u32::MAX) { 8 } else { 4 },
            table: None,
            next_chunk: 0,
            offset: 0,
            workers: Workers::new(1),
            batch: Vec::new(),
            filled: 0,
            serving: 0,
            served: 0,
        })
    }

    /// Decodes on `threads` threads (0: every core); the output is the same.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.workers = Workers::new(threads);
        self
    }

    fn read_table(&mut self) -> io::Result<()> {
        let len = self.chunks.saturating_sub(1).saturating_mul(self.entry_width as u64);
        let len = usize::try_from(len).map_err(|_| Error::LimitExceeded {
            what: "chunk table",
            size: self.size,
            limit: usize::MAX as u64,
        })?;
        let mut table = vec![0u8; len];
        let n = read_full(&mut self.inner, &mut table)?;
        self.offset = n as u64;
        if n < len {
            return Err(container_truncated(crate::wof::CONTAINER, n, len - n, n).into());
        }
        self.table = Some(table);
        Ok(())
    }

    /// Where chunk `i` (not the first) starts, from its table entry.
    fn start(&self, i: u64) -> u64 {
        let table = self.table.as_deref().expect("table read");
        let at = (i - 1) as usize * self.entry_width;
        let mut entry = [0u8; 8];
        entry[..self.entry_width].copy_from_slice(&table[at..at + self.entry_width]);
        u64::from_le_bytes(entry) + table.len() as u64
    }

    fn bad(&self, chunk: u64, problem: &'static str) -> Error {
        let offset = (chunk.max(1) - 1) as usize * self.entry_width;
        Error::BadChunk { container: crate::wof::CONTAINER, chunk, offset, problem }
    }

    /// Reads chunk `i`'s stored bytes into `chunk`.
    fn read_chunk(&mut self, i: u64, chunk: &mut Chunk) -> io::Result<()> {
        let chunk_size = self.algorithm.chunk_size();
        let last = i + 1 == self.chunks;
        let len = if last { ((self.size - 1) % chunk_size as u64) as usize + 1 } else { chunk_size };
        let start = self.offset;
        // The last chunk runs to the end of the stream, slack and all; no
        // decoder reads more than four bytes per byte of its data.
        let want = if last { (4 * len + 4096) as u64 } else { self.start(i + 1).saturating_sub(start) };
        if !last && self.start(i + 1) < start {
            return Err(self.bad(i + 1, "offsets out of order").into());
        }
        if want > len as u64 && !last {
            // Larger than its data, so wrong either way; which error the
            // whole stream gives depends on whether it holds that much,
            // which is found out without holding it.
            let n = io::copy(&mut (&mut self.inner).take(want), &mut io::sink())?;
            self.offset += n;
            if n == 0 && i == 0 {
                return Err(container_truncated(crate::wof::CONTAINER, start as usize, 1, start as usize).into());
            }
            let (chunk, problem) =
                if n < want { (i + 1, "offset past the end of the stream") } else { (i, "chunk larger than its data") };
            return Err(self.bad(chunk, problem).into());
        }
        let want = want as usize;
        chunk.stored.resize(want, 0);
        let n = read_full(&mut self.inner, &mut chunk.stored)?;
        self.offset += n as u64;
        if n == 0 && i == 0 {
            // A stream that is all table.
            return Err(container_truncated(crate::wof::CONTAINER, start as usize, 1, start as usize).into());
        }
        if n < want && !last {
            return Err(self.bad(i + 1, "offset past the end of the stream").into());
        }
        chunk.stored.truncate(n);
        chunk.compressed = classify(n, len, last).map_err(|problem| self.bad(i, problem))?;
        (chunk.index, chunk.start) = (i, start as usize);
        chunk.out.resize(len, 0);
        Ok(())
    }

    /// Reads and decodes the next batch of chunks.
    fn next_batch(&mut self) -> io::Result<()> {
        if self.table.is_none() {
            self.read_table()?;
        }
        let per_batch = (self.workers.batch_jobs() * SHARE / self.algorithm.chunk_size()) as u64;
        let count = per_batch.min(self.chunks - self.next_chunk) as usize;
        let format = self.algorithm.format()?;
        while self.batch.len() < count {
            self.batch.push((Chunk::default(), Decompressor::new(format)));
        }
        (self.filled, self.serving, self.served) = (0, 0, 0);
        for k in 0..count {
            let mut chunk = std::mem::take(&mut self.batch[k].0);
            let read = self.read_chunk(self.next_chunk, &mut chunk);
            self.batch[k].0 = chunk;
            read?;
            self.next_chunk += 1;
            self.filled += 1;
        }
        self.workers.run(&mut self.batch[..count], |(chunk, decompressor)| {
            chunk.result = Some(decode_stored(&chunk.stored, chunk.compressed, decompressor, &mut chunk.out));
        });
        for (chunk, _) in &self.batch[..count] {
            if let Some(Err(source)) = &chunk.result {
                let source = Box::new(source.clone().shifted(chunk.start));
                return Err(Error::InChunk { container: crate::wof::CONTAINER, chunk: chunk.index, source }.into());
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for WofDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if buf.is_empty() {
                return Ok(0);
            }
            if self.serving < self.filled {
                let out = &self.batch[self.serving].0.out;
                let n = buf.len().min(out.len() - self.served);
                buf[..n].copy_from_slice(&out[self.served..self.served + n]);
                self.served += n;
                if self.served == out.len() {
                    (self.serving, self.served) = (self.serving + 1, 0);
                }
                return Ok(n);
            }
            if self.next_chunk == self.chunks {
                return Ok(0);
            }
            self.next_batch()?;
        }
    }
}
