//! The one error type of the crate.

use crate::format::Format;
use alloc::boxed::Box;

/// What went wrong, coarsely: the outcomes a caller usually branches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The compressed data is invalid.
    BadData,
    /// The compressed data ends before the stream does.
    Truncated,
    /// The caller's output buffer is too small for the result.
    OutputTooSmall,
    /// A size is beyond what the format, container or a configured limit allows.
    LimitExceeded,
    /// The request is valid but not something this library does (an
    /// algorithm it does not implement, empty input where Windows refuses it).
    Unsupported,
}

/// Why a Huffman code-length table of an LZ77+Huffman block was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TableProblem {
    /// No symbol has a code.
    Empty,
    /// The code lengths describe more codes than fit (Kraft sum above 1).
    Oversubscribed,
    /// The code lengths leave bit patterns without a symbol (Kraft sum below 1).
    Incomplete,
}

impl core::fmt::Display for TableProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TableProblem::Empty => "no symbol has a code",
            TableProblem::Oversubscribed => "code lengths are over-subscribed",
            TableProblem::Incomplete => "code lengths are incomplete",
        })
    }
}

/// What a receiver's check of MS-SMB2 §3.1.5.3 found wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Smb2Problem {
    /// No `FC 'SMB'` protocol id.
    NotTransform,
    /// An algorithm id MS-SMB2 does not define.
    UnknownAlgorithm(u16),
    /// An algorithm the connection did not negotiate.
    NotNegotiated(u16),
    /// An unchained message with algorithm NONE or Pattern_V1, or flags.
    BadUnchainedHeader,
    /// A chained message whose first payload lacks the chained flag.
    NotChained,
    /// An unchained `Offset` past the end of the message.
    OffsetPastEnd,
    /// A payload's `Length` runs past the end of the message, or is too
    /// short for its own fields.
    PayloadPastEnd,
    /// A NONE payload longer than the message it is part of.
    RawPayloadTooLong,
    /// A Pattern_V1 payload whose `Length` is not 8, or whose reserved
    /// fields are not zero.
    BadPattern,
    /// A Pattern_V1 payload with more repetitions than the message holds.
    PatternTooLong,
    /// The payloads add up to another size than
    /// `OriginalCompressedSegmentSize`.
    SizeMismatch {
        /// `OriginalCompressedSegmentSize` (or the payload's own size).
        expected: u64,
        /// What the payloads give.
        actual: u64,
    },
    /// The reassembled message does not start with `FE 'SMB'`.
    NotSmb2,
}

impl core::fmt::Display for Smb2Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Smb2Problem::NotTransform => f.write_str("no FC 'SMB' protocol id"),
            Smb2Problem::UnknownAlgorithm(id) => write!(f, "unknown compression algorithm {id}"),
            Smb2Problem::NotNegotiated(id) => write!(f, "compression algorithm {id} was not negotiated"),
            Smb2Problem::BadUnchainedHeader => {
                f.write_str("unchained header with algorithm NONE or Pattern_V1, or flags")
            }
            Smb2Problem::NotChained => f.write_str("first payload without the chained flag"),
            Smb2Problem::OffsetPastEnd => f.write_str("Offset past the end of the message"),
            Smb2Problem::PayloadPastEnd => f.write_str("payload Length past the end of the message"),
            Smb2Problem::RawPayloadTooLong => f.write_str("NONE payload longer than the original message"),
            Smb2Problem::BadPattern => f.write_str("Pattern_V1 payload of the wrong length or with reserved bits"),
            Smb2Problem::PatternTooLong => f.write_str("Pattern_V1 repetitions beyond the original message"),
            Smb2Problem::SizeMismatch { expected, actual } => {
                write!(f, "payloads give {actual} bytes where {expected} were declared")
            }
            Smb2Problem::NotSmb2 => f.write_str("the result does not start with FE 'SMB'"),
        }
    }
}

/// Every failure of the library. Offsets are byte offsets into the
/// compressed input (or into the container) where the problem was found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ends where the stream needs `needed` more bytes.
    #[error(
        "{format}: truncated input (needs {needed} more byte(s) at offset {offset:#x}, input is {input_len} bytes)"
    )]
    Truncated {
        /// The stream format.
        format: Format,
        /// Where the missing bytes should have been.
        offset: usize,
        /// How many bytes were missing (at least).
        needed: usize,
        /// The length of the input.
        input_len: usize,
    },
    /// A container (a header, a block table, a frame) ends where it needs
    /// `needed` more bytes.
    #[error(
        "{container}: truncated input (needs {needed} more byte(s) at offset {offset:#x}, input is {input_len} bytes)"
    )]
    ContainerTruncated {
        /// The container's name.
        container: &'static str,
        /// Where the missing bytes should have been.
        offset: usize,
        /// How many bytes were missing (at least).
        needed: usize,
        /// The length of the input (for a stream, what was read of it).
        input_len: usize,
    },
    /// A match refers to data before the start of the output (or, for LZNT1,
    /// before the start of its chunk).
    #[error("{format}: corrupt input at offset {offset:#x} (match distance {distance} but only {available} byte(s) to copy from)")]
    InvalidDistance {
        /// The stream format.
        format: Format,
        /// Offset of the match token.
        offset: usize,
        /// The decoded distance.
        distance: usize,
        /// How many bytes the match could have reached back.
        available: usize,
    },
    /// An escaped match length uses a long form for a value that the short
    /// forms cover, which Windows rejects.
    #[error("{format}: corrupt input at offset {offset:#x} (escaped match length value {value} is below the minimum {minimum})")]
    InvalidLength {
        /// The stream format.
        format: Format,
        /// Offset of the length field.
        offset: usize,
        /// The value found.
        value: u64,
        /// The smallest value allowed in that field.
        minimum: u64,
    },
    /// A stored LZNT1 chunk shorter than 4096 bytes where a whole chunk is
    /// required (`RtlDecompressFragment` rejects them on every Windows).
    #[error("lznt1: corrupt input at offset {offset:#x} (stored chunk of {len} bytes, fragments need 4096)")]
    ShortStoredChunk {
        /// Offset of the chunk header.
        offset: usize,
        /// Its data length.
        len: usize,
    },
    /// An LZ77+Huffman block's code-length table is not a valid prefix code.
    #[error("xpress-huff: corrupt input at offset {offset:#x} (invalid code-length table: {problem})")]
    InvalidHuffmanTable {
        /// Offset of the 256-byte table.
        offset: usize,
        /// What is wrong with it.
        problem: TableProblem,
    },
    /// The output buffer cannot hold the result. When decoding, `needed` is
    /// the output position the stream wanted to reach (for a match, its end).
    #[error("{format}: output too small ({capacity} bytes available, {needed} needed)")]
    OutputTooSmall {
        /// The stream format.
        format: Format,
        /// The size of the caller's buffer.
        capacity: usize,
        /// The size that would have been needed, at least.
        needed: u64,
    },
    /// A size exceeds what the format, container or a configured limit allows.
    #[error("{what} of {size} bytes exceeds the limit of {limit} bytes")]
    LimitExceeded {
        /// What was too large.
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A container header (Compression API buffer mode, `MAM`) is malformed.
    #[error("{container}: bad header at offset {offset:#x} ({problem})")]
    BadHeader {
        /// The container's name.
        container: &'static str,
        /// Where the problem is.
        offset: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// Valid but not supported here.
    #[error("{what} is not supported")]
    Unsupported {
        /// What was asked for.
        what: &'static str,
    },
    /// A chunked stream's table (WOF, WIM resources) is corrupt at chunk
    /// `chunk`.
    #[error("{container}: bad chunk {chunk} (table entry at offset {offset:#x}: {problem})")]
    BadChunk {
        /// The container's name.
        container: &'static str,
        /// The chunk, counted from 0.
        chunk: u64,
        /// Where its table entry is.
        offset: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A chunk of a chunked stream does not decode; `source` says why, its
    /// offsets into the stream.
    #[error("{container}: chunk {chunk} does not decode: {source}")]
    InChunk {
        /// The container's name.
        container: &'static str,
        /// The chunk, counted from 0.
        chunk: u64,
        /// What the decoder found.
        #[source]
        source: Box<Error>,
    },
    /// Decoding stopped at `source`; the first `valid` bytes of the
    /// output were decoded before it and are right. The decoders that
    /// say so (carving, chunked containers) wrap their errors in it.
    #[error("{source} ({valid} byte(s) of output decoded before it)")]
    PartialOutput {
        /// Output bytes decoded before the error.
        valid: usize,
        /// The error.
        #[source]
        source: Box<Error>,
    },
    /// An SMB2 compression transform message fails a receiver's check
    /// (MS-SMB2 §3.1.5.3).
    #[error("smb2: bad message at offset {offset:#x} ({problem})")]
    BadMessage {
        /// Where the problem is.
        offset: usize,
        /// Which check failed.
        problem: Smb2Problem,
    },
    /// A container's checksum does not match its contents.
    #[error(
        "{container}: checksum mismatch at offset {offset:#x} (header says {expected:#010x}, data gives {actual:#010x})"
    )]
    ChecksumMismatch {
        /// The container's name.
        container: &'static str,
        /// Where the stored checksum is.
        offset: usize,
        /// The value stored in the header.
        expected: u32,
        /// The value computed over the data.
        actual: u32,
    },
}

impl Error {
    /// Where in the input the problem was found, for the errors that know
    /// (through [`Error::InChunk`] and [`Error::PartialOutput`] to their
    /// source).
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Truncated { offset, .. }
            | Error::ContainerTruncated { offset, .. }
            | Error::InvalidDistance { offset, .. }
            | Error::InvalidLength { offset, .. }
            | Error::ShortStoredChunk { offset, .. }
            | Error::InvalidHuffmanTable { offset, .. }
            | Error::BadHeader { offset, .. }
            | Error::BadChunk { offset, .. }
            | Error::BadMessage { offset, .. }
            | Error::ChecksumMismatch { offset, .. } => Some(*offset),
            Error::InChunk { source, .. } | Error::PartialOutput { source, .. } => source.offset(),
            Error::OutputTooSmall { .. } | Error::LimitExceeded { .. } | Error::Unsupported { .. } => None,
        }
    }

    /// How many output bytes were decoded right before the error, where
    /// it is an [`Error::PartialOutput`].
    pub fn valid_output(&self) -> Option<usize> {
        match self {
            Error::PartialOutput { valid, .. } => Some(*valid),
            _ => None,
        }
    }

    /// The coarse category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Truncated { .. } | Error::ContainerTruncated { .. } => ErrorKind::Truncated,
            Error::OutputTooSmall { .. } => ErrorKind::OutputTooSmall,
            Error::LimitExceeded { .. } => ErrorKind::LimitExceeded,
            Error::Unsupported { .. } => ErrorKind::Unsupported,
            Error::InChunk { source, .. } | Error::PartialOutput { source, .. } => source.kind(),
            Error::BadChunk { .. }
            | Error::BadMessage { .. }
            | Error::InvalidDistance { .. }
            | Error::InvalidLength { .. }
            | Error::InvalidHuffmanTable { .. }
            | Error::ShortStoredChunk { .. }
            | Error::BadHeader { .. }
            | Error::ChecksumMismatch { .. } => ErrorKind::BadData,
        }
    }
}

#[cfg(feature = "std")]
impl From<Error> for std::io::Error {
    fn from(err: Error) -> Self {
        let kind = match err.kind() {
            ErrorKind::BadData => std::io::ErrorKind::InvalidData,
            ErrorKind::Truncated => std::io::ErrorKind::UnexpectedEof,
            ErrorKind::Unsupported => std::io::ErrorKind::Unsupported,
            _ => std::io::ErrorKind::Other,
        };
        std::io::Error::new(kind, err)
    }
}

impl Error {
    /// The same error with its input offsets moved by `by` bytes, for an
    /// error found in a slice that starts `by` bytes into the input.
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        match &mut self {
            Error::Truncated { offset, input_len, .. } | Error::ContainerTruncated { offset, input_len, .. } => {
                *offset += by;
                *input_len += by;
            }
            Error::InvalidDistance { offset, .. }
            | Error::InvalidLength { offset, .. }
            | Error::InvalidHuffmanTable { offset, .. }
            | Error::ShortStoredChunk { offset, .. }
            | Error::BadHeader { offset, .. }
            | Error::BadChunk { offset, .. }
            | Error::BadMessage { offset, .. }
            | Error::ChecksumMismatch { offset, .. } => *offset += by,
            Error::InChunk { source, .. } | Error::PartialOutput { source, .. } => {
                **source = source.as_ref().clone().shifted(by);
            }
            Error::OutputTooSmall { .. } | Error::LimitExceeded { .. } | Error::Unsupported { .. } => {}
        }
        self
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Shorthand for the truncation error the decoders raise.
#[cold]
pub(crate) fn truncated(format: Format, offset: usize, needed: usize, input_len: usize) -> Error {
    Error::Truncated { format, offset, needed, input_len }
}

/// Shorthand for a container's truncation error: `needed` bytes at
/// `offset` of an input of `input_len` bytes.
#[cold]
pub(crate) fn container_truncated(container: &'static str, offset: usize, needed: usize, input_len: usize) -> Error {
    Error::ContainerTruncated { container, offset, needed, input_len }
}
