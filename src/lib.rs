#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod api;
mod bits;
mod bytes;
#[cfg(feature = "std")]
pub mod carve;
mod chunk_table;
mod crc32;
mod error;
mod format;
#[cfg(feature = "std")]
mod frame;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod huffman;
mod lz;
pub mod lznt1;
pub mod mam;
#[cfg(feature = "std")]
mod par;
#[cfg(feature = "std")]
pub mod read;
pub mod rtl;
pub mod smb2;
pub mod wim;
pub mod wof;
mod workspace;
#[cfg(feature = "std")]
pub mod write;
pub mod xpress;
pub mod xpress_huff;

use alloc::{boxed::Box, vec, vec::Vec};
pub use error::{Error, ErrorKind, Result, Smb2Problem, TableProblem};
use format::SpaceCheck;
pub use format::{Format, Level};
#[cfg(feature = "std")]
pub use par::available_threads;

/// Decompresses the three formats. Keep one per thread and reuse it: its
/// Huffman decode table is allocated once, in [`Decompressor::new`].
#[derive(Clone)]
pub struct Decompressor {
    format: Format,
    huff: Option<xpress_huff::decode::BlockDecoder>,
}

impl core::fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decompressor").field("format", &self.format).finish_non_exhaustive()
    }
}

impl Decompressor {
    /// A decompressor for `format`.
    pub fn new(format: Format) -> Self {
        let huff = (format == Format::XpressHuff).then(xpress_huff::decode::BlockDecoder::new);
        Decompressor { format, huff }
    }

    /// The format this decompressor reads.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Decompresses a raw stream, as `RtlCompressBuffer` writes it, into
    /// `output` and returns the number of bytes written.
    ///
    /// For [`Format::XpressHuff`] `output.len()` must be the exact
    /// uncompressed size (the format does not record it). For the other two
    /// formats it is the capacity and the stream decides the size; on
    /// success the bytes of `output` past the returned size are untouched,
    /// as with Windows.
    ///
    /// # Errors
    /// Any [`Error`] of kind [`ErrorKind::BadData`] or
    /// [`ErrorKind::Truncated`] for invalid input, and
    /// [`Error::OutputTooSmall`] when the data does not fit. The bytes decoded
    /// before the error stay in `output`; past them, the decoder may have
    /// written scratch bytes. [`decompress_partial`](Self::decompress_partial)
    /// says how many are right.
    pub fn decompress_into(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        self.decode(input, output, &mut lz::NoCount)
    }

    /// [`decompress_into`](Self::decompress_into) for damaged or cut-short
    /// streams (carved files, a disk's bad sectors): on error it also says
    /// how much of `output` is right.
    ///
    /// # Errors
    /// Every error of [`decompress_into`](Self::decompress_into), inside
    /// [`Error::PartialOutput`], whose `valid` counts the bytes of
    /// `output` decoded before it (LZ77+Huffman: exactly those; Plain
    /// LZ77: at least those before the bad item; LZNT1: those of the
    /// chunks before the bad one).
    pub fn decompress_partial(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        let mut valid = 0;
        let decoded = match self.format {
            Format::Lznt1 => lznt1::decode::decompress_tracking(input, output, &mut valid),
            Format::Xpress => xpress::decode::decompress_tracking(input, output, &mut lz::NoCount, &mut valid),
            Format::XpressHuff => {
                let decoder = self.huff.get_or_insert_with(xpress_huff::decode::BlockDecoder::new);
                decoder.decompress_tracking(input, output, &mut lz::NoCount, &mut valid).map(|_| output.len())
            }
        };
        decoded.map_err(|error| Error::PartialOutput { valid, source: Box::new(error) })
    }

    /// Decodes as much as `output` holds or the input gives, for callers
    /// that know only a capacity: Plain LZ77 and LZNT1 streams end
    /// themselves, and what does not fit is left out; an LZ77+Huffman
    /// stream whose size is lost is decoded until its input runs out (the
    /// end-of-data mark Windows writes last is not taken for data). Returns
    /// the size decoded.
    ///
    /// # Errors
    /// The decoders' errors but for the output filling up, and for an
    /// LZ77+Huffman stream its input running out.
    pub fn decompress_up_to(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        match self.format {
            Format::XpressHuff => {
                let decoder = self.huff.get_or_insert_with(xpress_huff::decode::BlockDecoder::new);
                decoder.decompress_to_end(input, output)
            }
            Format::Lznt1 | Format::Xpress => match self.decompress_partial(input, output) {
                Ok(n) => Ok(n),
                Err(Error::PartialOutput { valid, source }) if source.kind() == ErrorKind::OutputTooSmall => Ok(valid),
                Err(Error::PartialOutput { source, .. }) => Err(*source),
                Err(other) => Err(other),
            },
        }
    }

    /// [`decompress_into`](Self::decompress_into), also returning how much
    /// of `input` the stream used: `(bytes written, bytes consumed)`. Useful
    /// when a stream is followed by other data (carved files, containers).
    ///
    /// - LZNT1: through the `00 00` end marker or the last chunk decoded (a
    ///   lone trailing byte is not consumed).
    /// - Plain LZ77: always all of it, since the end flag is only
    ///   recognised at the very end of the input.
    /// - LZ77+Huffman: up to where the decoder stopped; fewer than 260
    ///   bytes may follow, which Windows ignores too.
    ///
    /// # Errors
    /// As [`decompress_into`](Self::decompress_into).
    pub fn decompress_into_ex(&mut self, input: &[u8], output: &mut [u8]) -> Result<(usize, usize)> {
        match self.format {
            Format::Lznt1 => lznt1::decode::decompress_ex(input, output, &mut lz::NoCount),
            Format::Xpress => xpress::decode::decompress(input, output, &mut lz::NoCount).map(|n| (n, input.len())),
            Format::XpressHuff => {
                let decoder = self.huff.get_or_insert_with(xpress_huff::decode::BlockDecoder::new);
                let consumed = decoder.decompress(input, output, &mut lz::NoCount)?;
                Ok((output.len(), consumed))
            }
        }
    }

    /// Decodes exactly `output.len()` bytes of LZ77+Huffman from the start
    /// of `input`, ignoring what follows the stream (a carved stream's
    /// surroundings), and returns the input it used; errors come in
    /// [`Error::PartialOutput`], as
    /// [`decompress_partial`](Self::decompress_partial)'s.
    pub(crate) fn decompress_exact(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        debug_assert_eq!(self.format, Format::XpressHuff);
        let decoder = self.huff.get_or_insert_with(xpress_huff::decode::BlockDecoder::new);
        let mut valid = 0;
        decoder
            .decompress_exact(input, output, &mut valid)
            .map_err(|error| Error::PartialOutput { valid, source: Box::new(error) })
    }

    /// Decodes exactly `output.len()` bytes from the start of `input` and
    /// ignores what follows the stream there: a chunk of a chunked stream
    /// (WOF, WIM), whose size is known and which may be followed by slack.
    /// An LZ77+Huffman chunk is decoded block by block, so that no block
    /// is looked for past the last byte.
    pub(crate) fn decompress_chunk(&mut self, input: &[u8], output: &mut [u8]) -> Result<()> {
        match self.format {
            Format::XpressHuff => {
                self.decompress_exact(input, output).map_err(|error| match error {
                    Error::PartialOutput { source, .. } => *source,
                    other => other,
                })?;
                Ok(())
            }
            Format::Lznt1 | Format::Xpress => {
                let n = self.decompress_into(input, output)?;
                if n < output.len() {
                    return Err(Error::Truncated {
                        format: self.format,
                        offset: input.len(),
                        needed: 1,
                        input_len: input.len(),
                    });
                }
                Ok(())
            }
        }
    }

    /// [`decompress_into`](Self::decompress_into), also counting the
    /// decoders' loop iterations into `steps`: tests use it to check that
    /// work stays linear in input plus output on hostile data. A test hook
    /// of the `fuzzing` feature, not part of the API.
    ///
    /// # Errors
    /// As [`decompress_into`](Self::decompress_into).
    #[cfg(feature = "fuzzing")]
    pub fn decompress_counting(&mut self, input: &[u8], output: &mut [u8], steps: &mut u64) -> Result<usize> {
        self.decode(input, output, steps)
    }

    fn decode(&mut self, input: &[u8], output: &mut [u8], steps: &mut impl lz::WorkCounter) -> Result<usize> {
        match self.format {
            Format::Lznt1 => lznt1::decode::decompress(input, output, steps),
            Format::Xpress => xpress::decode::decompress(input, output, steps),
            Format::XpressHuff => {
                let decoder = self.huff.get_or_insert_with(xpress_huff::decode::BlockDecoder::new);
                decoder.decompress(input, output, steps)?;
                Ok(output.len())
            }
        }
    }
}

/// The largest output [`decompress`] allocates unless told otherwise: 1 GiB.
pub const DEFAULT_OUTPUT_LIMIT: usize = 1 << 30;

/// Decompresses a raw stream into a new vector.
///
/// For [`Format::XpressHuff`] `uncompressed_size` is the exact size; for the
/// other formats it is the largest size accepted and the result may be
/// shorter.
///
/// # Errors
/// As [`Decompressor::decompress_into`], plus [`Error::LimitExceeded`] when
/// `uncompressed_size` is above [`DEFAULT_OUTPUT_LIMIT`].
pub fn decompress(format: Format, input: &[u8], uncompressed_size: usize) -> Result<Vec<u8>> {
    if uncompressed_size > DEFAULT_OUTPUT_LIMIT {
        return Err(Error::LimitExceeded {
            what: "uncompressed size",
            size: uncompressed_size as u64,
            limit: DEFAULT_OUTPUT_LIMIT as u64,
        });
    }
    let mut output = vec![0u8; uncompressed_size];
    let n = Decompressor::new(format).decompress_into(input, &mut output)?;
    output.truncate(n);
    Ok(output)
}

/// Compresses into the three formats. Keep one and reuse it: it holds
/// the encoder's working memory, allocated once by [`new`](Self::new).
///
/// That memory is fixed for a format and level, whatever the input's
/// size: inputs are parsed 64 KiB (LZNT1: 4 KiB) at a time and nothing
/// else is allocated while compressing. Windows' engines take the
/// workspace Windows' own asks for (see
/// [`rtl::get_compression_workspace_size`]); [`Level`] has every level's.
/// [`heap_bytes`](Self::heap_bytes) gives it.
pub struct Compressor {
    format: Format,
    level: Level,
    workspace: Vec<u32>,
}

impl core::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Compressor").field("format", &self.format).field("level", &self.level).finish_non_exhaustive()
    }
}

impl Compressor {
    /// A compressor for `format` at `level`, with its working memory.
    pub fn new(format: Format, level: Level) -> Self {
        let workspace = vec![0u32; workspace::encoder_size(format, level).div_ceil(4)];
        Compressor { format, level, workspace }
    }

    /// The format this compressor writes.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The level this compressor works at.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Heap memory held by the compressor, in bytes: its working memory,
    /// which does not grow.
    pub fn heap_bytes(&self) -> usize {
        self.workspace.capacity() * 4
    }

    /// Compresses `input` into `output` as a raw stream, as
    /// `RtlCompressBuffer` writes it, and returns the compressed size.
    ///
    /// The stream is always written, even when it is not smaller than the
    /// input (storing instead is a container's decision). For LZNT1 a
    /// `00 00` end marker follows when `output` has room; like Windows, it
    /// is not counted, except for empty input, whose whole stream it is.
    ///
    /// # Errors
    /// [`Error::OutputTooSmall`] when the stream does not fit;
    /// [`max_compressed_size`] bytes always suffice. Nothing useful is left
    /// in `output` then. [`Error::LimitExceeded`] for inputs of 4 GiB or more.
    pub fn compress_into(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        self.compress_checking(input, output, SpaceCheck::Exact)
    }

    /// [`compress_into`](Self::compress_into) with Windows' own rule for
    /// when LZ77+Huffman output does not fit, for [`api`].
    pub(crate) fn compress_into_windows_rules(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        self.compress_checking(input, output, SpaceCheck::Windows)
    }

    fn compress_checking(&mut self, input: &[u8], output: &mut [u8], space: SpaceCheck) -> Result<usize> {
        let workspace = bytemuck::cast_slice_mut(&mut self.workspace);
        workspace::compress(self.format, self.level, input, output, space, workspace)
    }
}

/// An upper bound of the compressed size of `len` bytes in `format`, at
/// any level: a buffer this large never makes compression fail.
pub fn max_compressed_size(format: Format, len: usize) -> usize {
    match format {
        Format::Lznt1 => lznt1::encode::max_compressed_size(len),
        Format::Xpress => xpress::encode::max_compressed_size(len),
        Format::XpressHuff => xpress_huff::encode::max_compressed_size(len),
    }
}

/// Compresses `input` into a new vector holding the raw stream.
///
/// # Panics
/// Only for inputs of 4 GiB or more, which the encoders do not take.
pub fn compress(format: Format, level: Level, input: &[u8]) -> Vec<u8> {
    let mut output = vec![0u8; max_compressed_size(format, input.len())];
    let n =
        Compressor::new(format, level).compress_into(input, &mut output).expect("max_compressed_size always suffices");
    output.truncate(n);
    output
}
