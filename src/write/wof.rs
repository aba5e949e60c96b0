//! Compact OS `WofCompressedData` streams, written as the data comes.

use super::lanes::Lanes;
use crate::error::Error;
use crate::format::Level;
use crate::wof::Algorithm;
use std::io::{self, Seek, SeekFrom, Write};

/// Data compressed per thread and batch.
const SHARE: usize = 1 << 20;

/// Writes a `WofCompressedData` stream of a file of known size to a
/// seekable `W`, the same bytes as [`crate::wof::compress_at`]: the chunk
/// table's room first, then the chunks as they are compressed (a batch at
/// a time, side by side on [`with_threads`](Self::with_threads) threads),
/// then the table. Memory is the table and a batch.
pub struct WofEncoder<W: Write + Seek> {
    inner: Option<W>,
    lanes: Lanes,
    chunk_size: usize,
    size: u64,
    entry_width: usize,
    table: Vec<u8>,
    /// Where the table goes in `W`.
    table_at: Option<u64>,
    pending: Vec<u8>,
    taken: u64,
    /// Bytes of chunks written, and how many chunks.
    written: u64,
    chunks: u64,
}

impl<W: Write + Seek> WofEncoder<W> {
    /// An encoder of `size` bytes with `algorithm` at `level`, writing at
    /// `inner`'s position.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for LZX.
    pub fn new(inner: W, algorithm: Algorithm, level: Level, size: u64) -> crate::Result<Self> {
        let chunk_size = algorithm.chunk_size();
        let entry_width = if size > u64::from(u32::MAX) { 8 } else { 4 };
        let entries = size.div_ceil(chunk_size as u64).saturating_sub(1);
        let table_len = usize::try_from(entries * entry_width as u64).map_err(|_| Error::LimitExceeded {
            what: "chunk table",
            size,
            limit: usize::MAX as u64,
        })?;
        Ok(WofEncoder {
            inner: Some(inner),
            lanes: Lanes::new(algorithm.format()?, level, 1),
            chunk_size,
            size,
            entry_width,
            table: vec![0; table_len],
            table_at: None,
            pending: Vec::new(),
            taken: 0,
            written: 0,
            chunks: 0,
        })
    }

    /// Compresses on `threads` threads (0: every core); the output is the
    /// same.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.lanes.set_threads(threads);
        self
    }

    fn batch(&self) -> usize {
        (SHARE / self.chunk_size).max(1) * self.chunk_size * self.lanes.batch_pieces()
    }

    /// Leaves room for the table before the first chunk.
    fn start(&mut self) -> io::Result<()> {
        if self.table_at.is_none() {
            let inner = self.inner.as_mut().expect("encoder used after finish");
            self.table_at = Some(inner.stream_position()?);
            inner.write_all(&self.table)?;
        }
        Ok(())
    }

    /// Compresses the pending chunks, writes them and notes their offsets.
    fn write_chunks(&mut self) -> io::Result<()> {
        self.start()?;
        let inner = self.inner.as_mut().expect("encoder used after finish");
        let (table, width) = (&mut self.table, self.entry_width);
        let (written, chunks) = (&mut self.written, &mut self.chunks);
        self.lanes.compress(&self.pending, self.chunk_size, |chunk, stream| {
            if *chunks > 0 {
                let at = (*chunks - 1) as usize * width;
                table[at..at + width].copy_from_slice(&written.to_le_bytes()[..width]);
            }
            let stored = if stream.len() < chunk.len() { stream } else { chunk };
            inner.write_all(stored)?;
            *written += stored.len() as u64;
            *chunks += 1;
            Ok(())
        })?;
        self.pending.clear();
        Ok(())
    }

    /// Writes the last chunks and the table, and returns the writer,
    /// positioned after the stream.
    ///
    /// # Errors
    /// Any error of the writer, and [`io::ErrorKind::InvalidInput`] when
    /// the data written was not the size given.
    pub fn finish(mut self) -> io::Result<W> {
        self.finish_stream()?;
        Ok(self.inner.take().expect("encoder used after finish"))
    }

    fn finish_stream(&mut self) -> io::Result<()> {
        if self.taken != self.size {
            let message = format!("{} bytes written to a WOF stream of {}", self.taken, self.size);
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        self.write_chunks()?;
        let table_at = self.table_at.expect("started");
        let inner = self.inner.as_mut().expect("encoder used after finish");
        let end = inner.stream_position()?;
        inner.seek(SeekFrom::Start(table_at))?;
        inner.write_all(&self.table)?;
        inner.seek(SeekFrom::Start(end))?;
        inner.flush()
    }
}

impl<W: Write + Seek> Write for WofEncoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.size - self.taken;
        let take = buf.len().min(self.batch() - self.pending.len()).min(usize::try_from(room).unwrap_or(usize::MAX));
        if take == 0 && !buf.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "more data than the WOF stream's size"));
        }
        self.pending.extend_from_slice(&buf[..take]);
        self.taken += take as u64;
        if self.pending.len() == self.batch() {
            self.write_chunks()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.as_mut().expect("encoder used after finish").flush()
    }
}
