//! A mirror of the Windows `Rtl*` compression API (`ntifs.h`,
//! `ntddk.h`): the same arguments, the same `NTSTATUS` answers, the same
//! partial outputs.
//!
//! This is the only module that speaks NTSTATUS; it maps the core codecs'
//! [`Error`](crate::Error)s to what Windows returns. Argument checks run in
//! Windows' order: the format byte (below LZNT1 is
//! `STATUS_INVALID_PARAMETER`, an unknown format
//! `STATUS_UNSUPPORTED_COMPRESSION`), then, when compressing, the engine
//! byte (`STATUS_NOT_SUPPORTED`). Every `final_…_size` output is left
//! untouched when a call fails, as Windows' callers observe.
//!
//! Deviations from Windows, each forced by memory safety or chosen where
//! Windows' behaviour is unknown, are documented at the function.

use crate::error::{ErrorKind, Result};
use crate::format::{Format, Level, SpaceCheck};
use crate::workspace;
use crate::Decompressor;

/// An `NTSTATUS` value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct NtStatus(pub u32);

impl NtStatus {
    /// `STATUS_SUCCESS`.
    pub const SUCCESS: NtStatus = NtStatus(0x0000_0000);
    /// `STATUS_BUFFER_ALL_ZEROS`: a success status, for all-zero LZNT1 input.
    pub const BUFFER_ALL_ZEROS: NtStatus = NtStatus(0x0000_0117);
    /// `STATUS_INVALID_PARAMETER`.
    pub const INVALID_PARAMETER: NtStatus = NtStatus(0xC000_000D);
    /// `STATUS_BUFFER_TOO_SMALL`.
    pub const BUFFER_TOO_SMALL: NtStatus = NtStatus(0xC000_0023);
    /// `STATUS_NOT_SUPPORTED`.
    pub const NOT_SUPPORTED: NtStatus = NtStatus(0xC000_00BB);
    /// `STATUS_INVALID_USER_BUFFER`.
    pub const INVALID_USER_BUFFER: NtStatus = NtStatus(0xC000_00E8);
    /// `STATUS_BAD_COMPRESSION_BUFFER`.
    pub const BAD_COMPRESSION_BUFFER: NtStatus = NtStatus(0xC000_0242);
    /// `STATUS_UNSUPPORTED_COMPRESSION`.
    pub const UNSUPPORTED_COMPRESSION: NtStatus = NtStatus(0xC000_025F);

    /// `NT_SUCCESS()`: true for success and informational statuses.
    pub fn is_success(self) -> bool {
        (self.0 as i32) >= 0
    }

    /// The `STATUS_` name, if this is one of the statuses above.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            NtStatus::SUCCESS => "STATUS_SUCCESS",
            NtStatus::BUFFER_ALL_ZEROS => "STATUS_BUFFER_ALL_ZEROS",
            NtStatus::INVALID_PARAMETER => "STATUS_INVALID_PARAMETER",
            NtStatus::BUFFER_TOO_SMALL => "STATUS_BUFFER_TOO_SMALL",
            NtStatus::NOT_SUPPORTED => "STATUS_NOT_SUPPORTED",
            NtStatus::INVALID_USER_BUFFER => "STATUS_INVALID_USER_BUFFER",
            NtStatus::BAD_COMPRESSION_BUFFER => "STATUS_BAD_COMPRESSION_BUFFER",
            NtStatus::UNSUPPORTED_COMPRESSION => "STATUS_UNSUPPORTED_COMPRESSION",
            _ => return None,
        })
    }
}

impl core::fmt::Display for NtStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "NTSTATUS {:#010X}", self.0),
        }
    }
}

/// `COMPRESSION_FORMAT_NONE`.
pub const COMPRESSION_FORMAT_NONE: u16 = 0;
/// `COMPRESSION_FORMAT_DEFAULT`.
pub const COMPRESSION_FORMAT_DEFAULT: u16 = 1;
/// `COMPRESSION_FORMAT_LZNT1`.
pub const COMPRESSION_FORMAT_LZNT1: u16 = 2;
/// `COMPRESSION_FORMAT_XPRESS` (Plain LZ77).
pub const COMPRESSION_FORMAT_XPRESS: u16 = 3;
/// `COMPRESSION_FORMAT_XPRESS_HUFF` (LZ77+Huffman).
pub const COMPRESSION_FORMAT_XPRESS_HUFF: u16 = 4;
/// `COMPRESSION_ENGINE_STANDARD`.
pub const COMPRESSION_ENGINE_STANDARD: u16 = 0;
/// `COMPRESSION_ENGINE_MAXIMUM`.
pub const COMPRESSION_ENGINE_MAXIMUM: u16 = 0x100;
/// `COMPRESSION_ENGINE_HIBER`: not supported by these functions.
pub const COMPRESSION_ENGINE_HIBER: u16 = 0x200;

const FORMAT_MASK: u16 = 0x00FF;
const ENGINE_MASK: u16 = 0xFF00;

/// The first two checks: the format byte.
fn parse_format(format_and_engine: u16) -> Result<Format, NtStatus> {
    let format = format_and_engine & FORMAT_MASK;
    if format < COMPRESSION_FORMAT_LZNT1 {
        return Err(NtStatus::INVALID_PARAMETER);
    }
    Format::from_windows_id(format).ok_or(NtStatus::UNSUPPORTED_COMPRESSION)
}

/// The third check (compression side only): the engine byte.
fn parse_engine(format_and_engine: u16) -> Result<Level, NtStatus> {
    match format_and_engine & ENGINE_MASK {
        COMPRESSION_ENGINE_STANDARD => Ok(Level::Standard),
        COMPRESSION_ENGINE_MAXIMUM => Ok(Level::Maximum),
        _ => Err(NtStatus::NOT_SUPPORTED),
    }
}

/// The three checks, in Windows' order, for the compression side.
fn parse_format_and_engine(format_and_engine: u16) -> Result<(Format, Level), NtStatus> {
    let format = parse_format(format_and_engine)?;
    Ok((format, parse_engine(format_and_engine)?))
}

/// `RtlGetCompressionWorkSpaceSize`: the workspace sizes `RtlCompressBuffer`
/// and `RtlDecompressFragment`/`RtlDecompressBufferEx` need.
pub fn get_compression_workspace_size(
    format_and_engine: u16,
    compress_workspace_size: &mut u32,
    fragment_workspace_size: &mut u32,
) -> NtStatus {
    match parse_format_and_engine(format_and_engine) {
        Ok((format, level)) => {
            (*compress_workspace_size, *fragment_workspace_size) =
                workspace::windows_sizes(format, level == Level::Maximum);
            NtStatus::SUCCESS
        }
        Err(status) => status,
    }
}

/// `RtlCompressBuffer` refuses LZ77+Huffman output buffers smaller than this.
const XPRESS_HUFF_SMALLEST_OUTPUT: usize = 300;
/// `RtlCompressBuffer` refuses Plain LZ77 output buffers smaller than this.
const XPRESS_SMALLEST_OUTPUT: usize = 64;
/// `RtlCompressBuffer` refuses Plain LZ77 inputs shorter than this, and
/// reports no stream as shorter.
const XPRESS_SMALLEST_INPUT: usize = 8;

/// `RtlCompressBuffer`: compresses `uncompressed` into `compressed` with the
/// same encoders as [`Compressor`](crate::Compressor), the engine bits choosing the level.
///
/// - LZNT1 writes 4096-byte chunks whatever `uncompressed_chunk_size` says
///   (as Windows does), appends the `00 00` end marker when it fits without
///   counting it, and answers `STATUS_BUFFER_ALL_ZEROS` (a success) for
///   all-zero input, empty input included.
/// - XPRESS_HUFF refuses output buffers under 300 bytes and applies
///   Windows' per-block `>=` space estimate, so `STATUS_BUFFER_TOO_SMALL`
///   comes at the same buffer sizes as on Windows.
/// - XPRESS refuses output buffers under 64 bytes and inputs under 8
///   bytes, needs the stream to end below the capacity, and reports a
///   size of at least 8.
/// - `STATUS_BUFFER_TOO_SMALL` whenever the output does not fit.
/// - The output is Windows' own, byte for byte: as on Windows, it depends
///   on the room given (LZNT1 stores a chunk whose compressed form would
///   not fit; XPRESS writes literals once 41 bytes from the end).
///
/// The workspace is real: the match finder's tables and the parse live in
/// it, nothing is allocated on the heap, and the output does not depend on
/// what the workspace held before (it is the core encoder's, byte for byte).
///
/// Deviation: a workspace smaller than [`get_compression_workspace_size`]
/// reports is refused with `STATUS_INVALID_PARAMETER` (Windows would
/// overrun it).
pub fn compress_buffer(
    format_and_engine: u16,
    uncompressed: &[u8],
    compressed: &mut [u8],
    uncompressed_chunk_size: u32,
    final_compressed_size: &mut u32,
    workspace: &mut [u8],
) -> NtStatus {
    let _ = uncompressed_chunk_size;
    let (format, level) = match parse_format_and_engine(format_and_engine) {
        Ok(parsed) => parsed,
        Err(status) => return status,
    };
    if workspace.len() < workspace::windows_sizes(format, level == Level::Maximum).0 as usize {
        return NtStatus::INVALID_PARAMETER;
    }
    let too_small = match format {
        Format::XpressHuff => compressed.len() < XPRESS_HUFF_SMALLEST_OUTPUT,
        Format::Xpress => compressed.len() < XPRESS_SMALLEST_OUTPUT || uncompressed.len() < XPRESS_SMALLEST_INPUT,
        Format::Lznt1 => false,
    };
    if too_small {
        return NtStatus::BUFFER_TOO_SMALL;
    }
    if format == Format::Lznt1 && uncompressed.is_empty() {
        if let Some(marker) = compressed.get_mut(..2) {
            marker.fill(0);
        }
        *final_compressed_size = 0;
        return NtStatus::BUFFER_ALL_ZEROS;
    }
    match workspace::compress(format, level, uncompressed, compressed, SpaceCheck::Windows, workspace) {
        Ok(n) => {
            // Windows reports a plain stream of at least 8 bytes, even one
            // it wrote shorter.
            let reported = if format == Format::Xpress { n.max(XPRESS_SMALLEST_INPUT) } else { n };
            *final_compressed_size = reported as u32;
            if format == Format::Lznt1 && uncompressed.iter().all(|&b| b == 0) {
                NtStatus::BUFFER_ALL_ZEROS
            } else {
                NtStatus::SUCCESS
            }
        }
        Err(e) if e.kind() == ErrorKind::OutputTooSmall => NtStatus::BUFFER_TOO_SMALL,
        Err(_) => NtStatus::INVALID_PARAMETER,
    }
}

/// Maps a decoder result to Windows' answer: every failure to decode, an
/// output that is too small included, is `STATUS_BAD_COMPRESSION_BUFFER`.
fn decode_status(result: Result<usize>, final_size: &mut u32) -> NtStatus {
    match result {
        Ok(n) => {
            *final_size = n as u32;
            NtStatus::SUCCESS
        }
        Err(_) => NtStatus::BAD_COMPRESSION_BUFFER,
    }
}

/// `RtlDecompressBuffer`: decompresses `compressed` into `uncompressed`
/// (whose length is `UncompressedSize`).
///
/// The engine byte is ignored. XPRESS_HUFF always answers
/// `STATUS_INVALID_USER_BUFFER`: its decoder needs a workspace and this
/// function has none (use [`decompress_buffer_ex`]). LZNT1 stops where
/// Windows does at the output's end (a cut at a literal succeeds with the
/// truncated output, a cut inside a copy fails; short non-final chunks are
/// zero-filled); XPRESS
/// decodes to the end flag and fails when the output is too small.
pub fn decompress_buffer(
    format: u16,
    uncompressed: &mut [u8],
    compressed: &[u8],
    final_uncompressed_size: &mut u32,
) -> NtStatus {
    match parse_format(format) {
        Ok(Format::XpressHuff) => NtStatus::INVALID_USER_BUFFER,
        Ok(f) => decode_status(Decompressor::new(f).decompress_into(compressed, uncompressed), final_uncompressed_size),
        Err(status) => status,
    }
}

/// `RtlDecompressBufferEx`: [`decompress_buffer`] with a workspace, which
/// XPRESS_HUFF requires (`None` gives `STATUS_INVALID_USER_BUFFER`).
///
/// For XPRESS_HUFF `uncompressed.len()` must be the exact original size:
/// larger fails; smaller succeeds when fewer than 260 input bytes remain
/// once the buffer is full and no match crosses its end; trailing input of
/// 260 bytes or more must parse as code-length tables, since Windows
/// starts a block wherever a table and two words remain. On success the
/// final size is `uncompressed.len()`.
///
/// Deviation: the workspace's contents are not used (the decoder keeps its
/// own table) and its size is not checked.
pub fn decompress_buffer_ex(
    format: u16,
    uncompressed: &mut [u8],
    compressed: &[u8],
    final_uncompressed_size: &mut u32,
    workspace: Option<&mut [u8]>,
) -> NtStatus {
    match parse_format(format) {
        Ok(Format::XpressHuff) if workspace.is_none() => NtStatus::INVALID_USER_BUFFER,
        Ok(f) => decode_status(Decompressor::new(f).decompress_into(compressed, uncompressed), final_uncompressed_size),
        Err(status) => status,
    }
}

/// `RtlDecompressFragment`: the bytes of the original data from
/// `fragment_offset` on, as many as fit in `uncompressed_fragment`.
///
/// LZNT1 only; XPRESS and XPRESS_HUFF pass the format checks and then get
/// `STATUS_UNSUPPORTED_COMPRESSION` (what Windows does is unknown). Chunks
/// before the offset are skipped by their headers, whose lengths are still
/// checked; stored chunks shorter than 4096 bytes are rejected with
/// `STATUS_BAD_COMPRESSION_BUFFER` as on every Windows. An offset inside a
/// chunk's 4096-byte span but past its data gives `4096 − offset` bytes:
/// Windows returns stale workspace bytes there, this mirror zeros.
pub fn decompress_fragment(
    format: u16,
    uncompressed_fragment: &mut [u8],
    compressed: &[u8],
    fragment_offset: u32,
    final_uncompressed_size: &mut u32,
    workspace: &mut [u8],
) -> NtStatus {
    let _ = workspace;
    match parse_format(format) {
        Ok(Format::Lznt1) => decode_status(
            crate::lznt1::decode::decompress_fragment(compressed, fragment_offset as usize, uncompressed_fragment),
            final_uncompressed_size,
        ),
        Ok(_) => NtStatus::UNSUPPORTED_COMPRESSION,
        Err(status) => status,
    }
}
