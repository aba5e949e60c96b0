//! WOF "system compression" (Compact OS, `compact /exe:xpress4k|8k|16k`):
//! the `WofCompressedData` stream of a system-compressed file, and its
//! reparse data.
//!
//! The stream is chunked: XPRESS4K, 8K and 16K cut the file into chunks of
//! that size, each an LZ77+Huffman stream of its own (or stored raw where
//! compressing does not shrink it), behind a table of where chunks start
//! (`CONTAINERS.md` §1). The stream does not record the file's size: it
//! is the unnamed `$DATA` attribute's data size, which callers pass in.
//!
//! ```
//! use msxca::wof::{self, Algorithm};
//! let text = b"Compact OS stores system files in 4, 8 or 16 KiB chunks. ".repeat(500);
//! let stream = wof::compress(&text, Algorithm::Xpress8K)?;
//! assert_eq!(wof::decompress(&stream, Algorithm::Xpress8K, text.len() as u64)?, text);
//! // Random access: only the chunks a range touches are decoded.
//! let mut reader = wof::Reader::new(&stream, Algorithm::Xpress8K, text.len() as u64)?;
//! let mut middle = [0u8; 100];
//! reader.read_at(20_000, &mut middle)?;
//! assert_eq!(middle[..], text[20_000..20_100]);
//! # Ok::<(), msxca::Error>(())
//! ```

use crate::bytes::get_u32;
use crate::chunk_table::{self, ChunkTable};
use crate::error::{container_truncated, Error, Result};
use crate::format::{Format, Level};
use crate::Decompressor;
use alloc::{vec, vec::Vec};

pub(crate) const CONTAINER: &str = "wof";

/// `IO_REPARSE_TAG_WOF`, the reparse tag of a WOF-backed file.
pub const REPARSE_TAG: u32 = 0x8000_0017;

/// The reparse data's provider for system compression (1 is WIMBoot).
pub const FILE_PROVIDER: u32 = 2;

/// A WOF file provider's compression algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// LZ77+Huffman in 4 KiB chunks (id 0).
    Xpress4K,
    /// LZX in 32 KiB chunks (id 1): not an MS-XCA format, so not
    /// supported here.
    Lzx,
    /// LZ77+Huffman in 8 KiB chunks (id 2).
    Xpress8K,
    /// LZ77+Huffman in 16 KiB chunks (id 3).
    Xpress16K,
}

impl Algorithm {
    /// Every algorithm, by id.
    pub const ALL: [Algorithm; 4] = [Algorithm::Xpress4K, Algorithm::Lzx, Algorithm::Xpress8K, Algorithm::Xpress16K];

    /// The algorithm with this id (the reparse data's last field).
    pub fn from_id(id: u32) -> Option<Algorithm> {
        Algorithm::ALL.get(usize::try_from(id).ok()?).copied()
    }

    /// Its id in the reparse data.
    pub fn id(self) -> u32 {
        match self {
            Algorithm::Xpress4K => 0,
            Algorithm::Lzx => 1,
            Algorithm::Xpress8K => 2,
            Algorithm::Xpress16K => 3,
        }
    }

    /// The uncompressed size of its chunks.
    pub fn chunk_size(self) -> usize {
        match self {
            Algorithm::Xpress4K => 4096,
            Algorithm::Lzx => 32768,
            Algorithm::Xpress8K => 8192,
            Algorithm::Xpress16K => 16384,
        }
    }

    /// Its name as `compact /exe:` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Xpress4K => "xpress4k",
            Algorithm::Lzx => "lzx",
            Algorithm::Xpress8K => "xpress8k",
            Algorithm::Xpress16K => "xpress16k",
        }
    }

    /// The chunks' format: LZ77+Huffman, or an error for LZX.
    pub(crate) fn format(self) -> Result<Format> {
        match self {
            Algorithm::Lzx => Err(Error::Unsupported { what: "WOF's LZX algorithm (not an MS-XCA format)" }),
            _ => Ok(Format::XpressHuff),
        }
    }
}

/// The 16 bytes of a WOF reparse point's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReparseData {
    /// WOF's version (1).
    pub wof_version: u32,
    /// The provider: [`FILE_PROVIDER`] for system compression, 1 for WIMBoot.
    pub provider: u32,
    /// The file provider's version (1).
    pub provider_version: u32,
    /// The algorithm's id ([`Algorithm::from_id`]).
    pub algorithm: u32,
}

impl ReparseData {
    /// Parses the reparse data: its 16 bytes, or a whole reparse buffer
    /// (tag [`REPARSE_TAG`], length, reserved, then the data). Longer data
    /// is accepted (the ioctl's structure adds a flags field that is not
    /// stored on disk).
    ///
    /// # Errors
    /// [`Error::ContainerTruncated`] for fewer than 16 bytes of data;
    /// [`Error::BadHeader`] for another reparse tag, or a provider other
    /// than the file provider.
    pub fn parse(bytes: &[u8]) -> Result<ReparseData> {
        let data = match get_u32(bytes, 0) {
            Some(REPARSE_TAG) => &bytes[8.min(bytes.len())..],
            Some(tag) if tag & 0x8000_0000 != 0 => {
                return Err(Error::BadHeader { container: CONTAINER, offset: 0, problem: "not a WOF reparse tag" })
            }
            _ => bytes,
        };
        let base = bytes.len() - data.len();
        let field = |i: usize| {
            get_u32(data, 4 * i)
                .ok_or_else(|| container_truncated(CONTAINER, base + data.len(), 16 - data.len(), bytes.len()))
        };
        let parsed = ReparseData {
            wof_version: field(0)?,
            provider: field(1)?,
            provider_version: field(2)?,
            algorithm: field(3)?,
        };
        if parsed.provider != FILE_PROVIDER {
            return Err(Error::BadHeader { container: CONTAINER, offset: base + 4, problem: "not the file provider" });
        }
        Ok(parsed)
    }

    /// The reparse data of a file compressed with `algorithm`.
    pub fn new(algorithm: Algorithm) -> ReparseData {
        ReparseData { wof_version: 1, provider: FILE_PROVIDER, provider_version: 1, algorithm: algorithm.id() }
    }

    /// Its 16 bytes.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        for (i, v) in [self.wof_version, self.provider, self.provider_version, self.algorithm].into_iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// The algorithm, if its id is known.
    pub fn algorithm(self) -> Option<Algorithm> {
        Algorithm::from_id(self.algorithm)
    }
}

/// Random access to a `WofCompressedData` stream: reads decode only the
/// chunks they touch, and the last chunk decoded is kept.
pub struct Reader<'a> {
    table: ChunkTable<'a>,
    chunk_size: usize,
    size: u64,
    decompressor: Decompressor,
    /// The last chunk decoded, and which it is.
    cached: Option<u64>,
    chunk: Vec<u8>,
}

impl<'a> Reader<'a> {
    /// A reader of `stream`, the file's `size` bytes compressed with
    /// `algorithm`. Cluster slack after the stream is accepted.
    ///
    /// # Errors
    /// [`Error::Unsupported`] for LZX; [`Error::ContainerTruncated`] when
    /// the stream is shorter than its chunk table.
    pub fn new(stream: &'a [u8], algorithm: Algorithm, size: u64) -> Result<Self> {
        let format = algorithm.format()?;
        let chunk_size = algorithm.chunk_size();
        let table = ChunkTable::new(stream, CONTAINER, chunk_size, size)?;
        Ok(Reader { table, chunk_size, size, decompressor: Decompressor::new(format), cached: None, chunk: Vec::new() })
    }

    /// The file's size.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The number of chunks.
    pub fn chunks(&self) -> u64 {
        self.table.chunks()
    }

    /// Fills `buf` from `offset` of the file, or as much of it as the file
    /// holds, and returns how many bytes it read (0 at or past the end).
    ///
    /// # Errors
    /// [`Error::BadChunk`] for a corrupt table entry and
    /// [`Error::InChunk`] for a chunk that does not decode, naming the
    /// chunk; the bytes of `buf` before that chunk's are filled.
    pub fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let want = (buf.len() as u64).min(self.size.saturating_sub(offset)) as usize;
        let mut done = 0;
        while done < want {
            let at = offset + done as u64;
            let i = at / self.chunk_size as u64;
            let within = (at % self.chunk_size as u64) as usize;
            let chunk = self.chunk(i)?;
            let n = (chunk.len() - within).min(want - done);
            buf[done..done + n].copy_from_slice(&chunk[within..within + n]);
            done += n;
        }
        Ok(want)
    }

    /// Chunk `i`, decoded (from the cache when it was the last one).
    fn chunk(&mut self, i: u64) -> Result<&[u8]> {
        if self.cached != Some(i) {
            self.cached = None;
            self.chunk.resize(self.table.chunk_len(i), 0);
            self.table.decode(i, &mut self.decompressor, &mut self.chunk)?;
            self.cached = Some(i);
        }
        Ok(&self.chunk)
    }

    /// Decodes the whole file into `out` (`size` bytes), chunk by chunk.
    ///
    /// # Errors
    /// As [`read_at`](Self::read_at), with [`Error::PartialOutput`] saying
    /// how many bytes of `out` (the chunks before the bad one) are valid.
    pub fn decompress_into(&mut self, out: &mut [u8]) -> Result<()> {
        assert_eq!(out.len() as u64, self.size, "the output is the file's size");
        chunk_table::decode_all(&self.table, &mut self.decompressor, out)
    }
}

/// Decodes a whole `WofCompressedData` stream of a file of `size` bytes.
///
/// # Errors
/// As [`Reader::new`] and [`Reader::decompress_into`];
/// [`Error::LimitExceeded`] for a size this machine cannot hold.
pub fn decompress(stream: &[u8], algorithm: Algorithm, size: u64) -> Result<Vec<u8>> {
    let mut reader = Reader::new(stream, algorithm, size)?;
    let len =
        usize::try_from(size).map_err(|_| Error::LimitExceeded { what: "file", size, limit: usize::MAX as u64 })?;
    let mut out = vec![0u8; len];
    reader.decompress_into(&mut out)?;
    Ok(out)
}

/// Writes `data` as a `WofCompressedData` stream: Windows' standard
/// engine on each chunk, stored raw where that does not shrink it.
///
/// # Errors
/// [`Error::Unsupported`] for LZX.
pub fn compress(data: &[u8], algorithm: Algorithm) -> Result<Vec<u8>> {
    compress_at(data, algorithm, Level::Standard)
}

/// [`compress`] at `level`.
///
/// # Errors
/// [`Error::Unsupported`] for LZX.
pub fn compress_at(data: &[u8], algorithm: Algorithm, level: Level) -> Result<Vec<u8>> {
    Ok(chunk_table::write(data, algorithm.format()?, level, algorithm.chunk_size()))
}
