#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bits;
mod error;
mod format;
mod huffman;
mod lz;
pub mod lznt1;
pub mod xpress;
pub mod xpress_huff;

pub use error::{Error, ErrorKind, Result, TableProblem};
pub use format::{Format, Level};

/// Decompresses the three formats. Keep one per thread and reuse it: its
/// Huffman decode table is allocated once, in [`Decompressor::new`].
#[derive(Clone)]
pub struct Decompressor {
    format: Format,
    huff: Option<xpress_huff::decode::Decoder>,
}

impl core::fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decompressor").field("format", &self.format).finish_non_exhaustive()
    }
}

impl Decompressor {
    /// A decompressor for `format`.
    pub fn new(format: Format) -> Self {
        let huff = (format == Format::XpressHuff).then(xpress_huff::decode::Decoder::new);
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
    /// formats it is the capacity and the stream decides the size.
    ///
    /// # Errors
    /// Any [`Error`] of kind [`ErrorKind::BadData`] or
    /// [`ErrorKind::Truncated`] for invalid input, and
    /// [`Error::OutputTooSmall`] when the data does not fit. The bytes decoded
    /// before the error stay in `output`.
    pub fn decompress_into(&mut self, input: &[u8], output: &mut [u8]) -> Result<usize> {
        match self.format {
            Format::Lznt1 => lznt1::decode::decompress(input, output),
            Format::Xpress => xpress::decode::decompress(input, output),
            Format::XpressHuff => {
                let decoder = self.huff.get_or_insert_with(xpress_huff::decode::Decoder::new);
                decoder.decompress(input, output)?;
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
