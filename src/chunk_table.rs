//! Chunked streams with an offset table, as WOF's `WofCompressedData`
//! streams and WIM's non-solid compressed resources store them (see
//! `CONTAINERS.md` §1.3 and §3): the data cut into chunks of a fixed size,
//! each compressed on its own (or stored, where compressing does not
//! shrink it), behind a table of where each chunk but the first starts.
//!
//! - `n = ⌈U / C⌉` chunks for `U` bytes in chunks of `C`; the last one
//!   holds the rest.
//! - `n − 1` table entries, 4 bytes each, or 8 when `U` needs more than
//!   32 bits; entry `k` is where chunk `k + 1` starts, counted from the end
//!   of the table.
//! - A chunk whose stored size equals its size is stored raw; a smaller one
//!   is compressed; an empty or larger one is corrupt. The last chunk runs
//!   to the end of the stream, which may carry cluster slack after it.

use crate::bytes::{get_u32, u64_at};
use crate::error::{container_truncated, Error, Result};
use crate::format::{Format, Level};
use crate::{Compressor, Decompressor};
use alloc::{boxed::Box, vec, vec::Vec};

/// A chunked stream's layout, read from its table: where each chunk is.
#[derive(Clone, Debug)]
pub(crate) struct ChunkTable<'a> {
    /// The stream: the table, the chunks, and maybe slack.
    stream: &'a [u8],
    container: &'static str,
    chunk_size: usize,
    size: u64,
    chunks: u64,
    entry_width: usize,
    table_len: usize,
}

impl<'a> ChunkTable<'a> {
    /// The table of `stream`, which holds `size` bytes in chunks of
    /// `chunk_size`; errors name `container`.
    ///
    /// # Errors
    /// [`Error::ContainerTruncated`] when the stream is shorter than its
    /// table; [`Error::LimitExceeded`] when the table cannot be addressed.
    pub(crate) fn new(stream: &'a [u8], container: &'static str, chunk_size: usize, size: u64) -> Result<Self> {
        debug_assert!(chunk_size.is_power_of_two());
        let chunks = size.div_ceil(chunk_size as u64);
        let entry_width = if size > u64::from(u32::MAX) { 8 } else { 4 };
        let table_len = chunks
            .saturating_sub(1)
            .checked_mul(entry_width as u64)
            .and_then(|len| usize::try_from(len).ok())
            .ok_or(Error::LimitExceeded { what: "chunk table", size, limit: usize::MAX as u64 })?;
        if stream.len() < table_len {
            return Err(container_truncated(container, stream.len(), table_len - stream.len(), stream.len()));
        }
        if chunks > 0 && stream.len() == table_len {
            return Err(container_truncated(container, stream.len(), 1, stream.len()));
        }
        Ok(ChunkTable { stream, container, chunk_size, size, chunks, entry_width, table_len })
    }

    /// The number of chunks.
    pub(crate) fn chunks(&self) -> u64 {
        self.chunks
    }

    /// The uncompressed size of chunk `i`.
    pub(crate) fn chunk_len(&self, i: u64) -> usize {
        if i + 1 < self.chunks {
            self.chunk_size
        } else {
            ((self.size - 1) % self.chunk_size as u64) as usize + 1
        }
    }

    /// Where chunk `i` starts in the stream (`i` up to the number of
    /// chunks: the last "start" is the end of the stream).
    fn start(&self, i: u64) -> Result<usize> {
        if i == 0 {
            return Ok(self.table_len);
        }
        if i == self.chunks {
            return Ok(self.stream.len());
        }
        let at = (i - 1) as usize * self.entry_width;
        let offset = if self.entry_width == 4 {
            u64::from(get_u32(self.stream, at).expect("the table is in the stream"))
        } else {
            u64_at(self.stream, at)
        };
        match usize::try_from(offset).ok().and_then(|o| o.checked_add(self.table_len)) {
            Some(start) if start <= self.stream.len() => Ok(start),
            _ => Err(self.bad(i, at, "offset past the end of the stream")),
        }
    }

    fn bad(&self, chunk: u64, offset: usize, problem: &'static str) -> Error {
        Error::BadChunk { container: self.container, chunk, offset, problem }
    }

    /// The stored bytes of chunk `i`, and whether it is compressed.
    ///
    /// # Errors
    /// [`Error::BadChunk`] for an offset out of order or past the stream,
    /// and a chunk that is empty or larger than its data.
    pub(crate) fn stored(&self, i: u64) -> Result<(&'a [u8], bool)> {
        let (start, end) = (self.start(i)?, self.start(i + 1)?);
        let entry_at = |k: u64| (k.max(1) - 1) as usize * self.entry_width;
        if end < start {
            return Err(self.bad(i + 1, entry_at(i + 1), "offsets out of order"));
        }
        let stored = &self.stream[start..end];
        let last = i + 1 == self.chunks;
        let compressed =
            classify(stored.len(), self.chunk_len(i), last).map_err(|problem| self.bad(i, entry_at(i), problem))?;
        Ok((stored, compressed))
    }

    /// Decodes chunk `i` into `out` (its uncompressed size) with
    /// `decompressor`.
    ///
    /// # Errors
    /// As [`stored`](Self::stored); a decoding error inside the chunk comes
    /// as [`Error::InChunk`], its offsets into the stream.
    pub(crate) fn decode(&self, i: u64, decompressor: &mut Decompressor, out: &mut [u8]) -> Result<()> {
        debug_assert_eq!(out.len(), self.chunk_len(i));
        let (stored, compressed) = self.stored(i)?;
        let start = self.start(i)?;
        decode_stored(stored, compressed, decompressor, out).map_err(|source| Error::InChunk {
            container: self.container,
            chunk: i,
            source: Box::new(source.shifted(start)),
        })
    }
}

/// Whether a chunk of `stored` bytes in the stream, of `len` bytes of
/// data, is compressed; or what is wrong with it. The `last` chunk may be
/// followed by cluster slack: as long as its data or longer, it may still
/// be compressed (see [`decode_stored`]).
pub(crate) fn classify(stored: usize, len: usize, last: bool) -> core::result::Result<bool, &'static str> {
    match stored {
        0 => Err("empty chunk"),
        n if n >= len && last => Ok(true),
        n if n == len => Ok(false),
        n if n < len => Ok(true),
        _ => Err("chunk larger than its data"),
    }
}

/// Decodes a chunk's `stored` bytes, `compressed` as [`classify`] says,
/// into `out` (its data's size) with `decompressor`; errors have offsets
/// in the chunk.
pub(crate) fn decode_stored(
    stored: &[u8],
    compressed: bool,
    decompressor: &mut Decompressor,
    out: &mut [u8],
) -> Result<()> {
    if !compressed {
        out.copy_from_slice(stored);
        return Ok(());
    }
    match decompressor.decompress_chunk(stored, out) {
        Ok(()) => Ok(()),
        // A last chunk as long as its data or longer (with slack) that
        // does not decode was stored raw.
        Err(_) if stored.len() >= out.len() => {
            out.copy_from_slice(&stored[..out.len()]);
            Ok(())
        }
        Err(source) => Err(source),
    }
}

/// Decodes every chunk of `table` into `out` (the whole size) in turn.
///
/// # Errors
/// The first chunk's error, in [`Error::PartialOutput`] saying how many
/// bytes of `out` (the chunks before it) are valid.
pub(crate) fn decode_all(table: &ChunkTable<'_>, decompressor: &mut Decompressor, out: &mut [u8]) -> Result<()> {
    for (i, chunk) in out.chunks_mut(table.chunk_size).enumerate() {
        let valid = i * table.chunk_size;
        table
            .decode(i as u64, decompressor, chunk)
            .map_err(|error| Error::PartialOutput { valid, source: Box::new(error) })?;
    }
    Ok(())
}

/// Writes `data` as a chunked stream of `format` in chunks of
/// `chunk_size` at `level`: the table, then each chunk compressed, or
/// stored where compressing does not shrink it.
pub(crate) fn write(data: &[u8], format: Format, level: Level, chunk_size: usize) -> Vec<u8> {
    let size = data.len() as u64;
    let chunks = data.len().div_ceil(chunk_size);
    let entry_width = if size > u64::from(u32::MAX) { 8 } else { 4 };
    let table_len = chunks.saturating_sub(1) * entry_width;
    let mut out = vec![0u8; table_len];
    let mut compressor = Compressor::new(format, level);
    let mut packed = vec![0u8; crate::max_compressed_size(format, chunk_size)];
    for (i, chunk) in data.chunks(chunk_size).enumerate() {
        if i > 0 {
            let offset = (out.len() - table_len) as u64;
            let entry = (i - 1) * entry_width;
            out[entry..entry + entry_width].copy_from_slice(&offset.to_le_bytes()[..entry_width]);
        }
        let n = compressor.compress_into(chunk, &mut packed).expect("max_compressed_size always suffices");
        if n < chunk.len() {
            out.extend_from_slice(&packed[..n]);
        } else {
            out.extend_from_slice(chunk);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_4_gib_have_8_byte_entries() {
        // 4 GiB + 1 bytes in 16 KiB chunks: 262145 chunks, 262144 entries
        // of 8 bytes. Only the first entries are filled: chunk 0 is stored
        // raw (16384 bytes), chunk 1 starts right after it.
        let size = (4u64 << 30) + 1;
        let table_len = 262_144 * 8;
        let mut stream = vec![0u8; table_len + 16384 + 100];
        stream[..8].copy_from_slice(&16384u64.to_le_bytes());
        stream[8..16].copy_from_slice(&(16384u64 + 100).to_le_bytes());
        let table = ChunkTable::new(&stream, "test", 16384, size).unwrap();
        assert_eq!(table.chunks(), 262_145);
        assert_eq!(table.chunk_len(262_144), 1);
        let (chunk0, compressed) = table.stored(0).unwrap();
        assert_eq!((chunk0.len(), compressed), (16384, false));
        assert_eq!(chunk0.as_ptr(), stream[table_len..].as_ptr());
        let (chunk1, compressed) = table.stored(1).unwrap();
        assert_eq!((chunk1.len(), compressed), (100, true));
        // Entry 2 (chunk 3's start) is 0: out of order.
        assert!(matches!(table.stored(2), Err(Error::BadChunk { chunk: 3, offset: 16, .. })));
        // Below 4 GiB the same bytes read as 4-byte entries.
        let small = ChunkTable::new(&stream, "test", 16384, 3 * 16384).unwrap();
        assert_eq!(small.stored(0).unwrap().0.len(), 16384);
        assert!(matches!(small.stored(1), Err(Error::BadChunk { chunk: 2, .. })), "entry 1 is the upper half of 16384");
    }
}
