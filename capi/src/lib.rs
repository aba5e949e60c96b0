//! The C library of msxca (`libmsxca.so`, `libmsxca.a`, `include/msxca.h`).
//!
//! Two APIs, every symbol prefixed `msxca_`:
//! - the library's own, shaped like libdeflate's: allocated compressors and
//!   decompressors, a result enum, `msxca_decompress_ex` reporting the bytes
//!   consumed and produced, `msxca_compress` returning 0 when the output
//!   does not fit, and a bound;
//! - a mirror of Windows' `Rtl*` functions, with Windows' arguments in
//!   Windows' order, returning NTSTATUS values, for code ported from
//!   Windows.
//!
//! All of msxca's `unsafe` lives here: turning C pointers and lengths into
//! slices, after checking them for null. No panic crosses into C: every
//! function catches one and answers with an error.

#![allow(clippy::missing_safety_doc, non_camel_case_types)]

use msxca_core::rtl::{self, NtStatus};
use msxca_core::{Compressor, Decompressor, Error, ErrorKind, Format, Level};
use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a call of the library's own API came to.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum msxca_result {
    /// It worked.
    MSXCA_SUCCESS = 0,
    /// The input is not a valid stream.
    MSXCA_BAD_DATA = 1,
    /// The input ends inside the stream.
    MSXCA_TRUNCATED = 2,
    /// The output buffer is too small for the data.
    MSXCA_INSUFFICIENT_SPACE = 3,
    /// The data is shorter than the output buffer, and no
    /// `actual_out_nbytes` was given to say how long it is.
    MSXCA_SHORT_OUTPUT = 4,
    /// A size is beyond what the format or the library takes.
    MSXCA_LIMIT_EXCEEDED = 5,
    /// A null pointer, an unknown format or level.
    MSXCA_INVALID_ARGUMENT = 6,
}

use msxca_result::*;

/// `MSXCA_LZNT1`, `MSXCA_XPRESS`, `MSXCA_XPRESS_HUFF`: the formats, by
/// their Windows numbers.
pub const MSXCA_LZNT1: c_int = 2;
/// Plain LZ77 (`COMPRESSION_FORMAT_XPRESS`).
pub const MSXCA_XPRESS: c_int = 3;
/// LZ77+Huffman (`COMPRESSION_FORMAT_XPRESS_HUFF`).
pub const MSXCA_XPRESS_HUFF: c_int = 4;
/// Windows' standard engine, byte for byte (levels 1 to 9 are msxca's own,
/// fastest to smallest).
pub const MSXCA_LEVEL_STANDARD: c_int = 0;
/// Windows' maximum engine, byte for byte.
pub const MSXCA_LEVEL_MAXIMUM: c_int = 10;

/// A compressor: one format, one level, its working memory.
pub struct msxca_compressor(Compressor);

/// A decompressor: one format.
pub struct msxca_decompressor(Decompressor);

fn format_of(format: c_int) -> Option<Format> {
    u16::try_from(format).ok().and_then(Format::from_windows_id)
}

fn level_of(level: c_int) -> Option<Level> {
    match level {
        MSXCA_LEVEL_STANDARD => Some(Level::Standard),
        MSXCA_LEVEL_MAXIMUM => Some(Level::Maximum),
        n => u8::try_from(n).ok().and_then(Level::new),
    }
}

fn result_of(error: &Error) -> msxca_result {
    match error.kind() {
        ErrorKind::Truncated => MSXCA_TRUNCATED,
        ErrorKind::OutputTooSmall => MSXCA_INSUFFICIENT_SPACE,
        ErrorKind::LimitExceeded => MSXCA_LIMIT_EXCEEDED,
        ErrorKind::Unsupported => MSXCA_INVALID_ARGUMENT,
        _ => MSXCA_BAD_DATA,
    }
}

/// The `len` bytes at `ptr`; empty for a length of 0, whatever the pointer.
unsafe fn input<'a>(ptr: *const c_void, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    // SAFETY: the caller passes `len` readable bytes at a non-null `ptr`.
    (!ptr.is_null()).then(|| unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// The `len` writable bytes at `ptr`; empty for a length of 0.
unsafe fn output<'a>(ptr: *mut c_void, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    // SAFETY: the caller passes `len` writable bytes at a non-null `ptr`.
    (!ptr.is_null()).then(|| unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), len) })
}

/// Runs `f`, turning a panic into `fallback`.
fn guarded<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// A compressor for `format` (`MSXCA_LZNT1`, `MSXCA_XPRESS`,
/// `MSXCA_XPRESS_HUFF`) at `level` (`MSXCA_LEVEL_STANDARD`,
/// `MSXCA_LEVEL_MAXIMUM`, or 1 to 9); NULL for an unknown format or level.
/// Free it with `msxca_free_compressor`.
#[no_mangle]
pub extern "C" fn msxca_alloc_compressor(format: c_int, level: c_int) -> *mut msxca_compressor {
    guarded(std::ptr::null_mut(), || match (format_of(format), level_of(level)) {
        (Some(format), Some(level)) => Box::into_raw(Box::new(msxca_compressor(Compressor::new(format, level)))),
        _ => std::ptr::null_mut(),
    })
}

/// Frees a compressor (NULL is allowed).
#[no_mangle]
pub unsafe extern "C" fn msxca_free_compressor(compressor: *mut msxca_compressor) {
    if !compressor.is_null() {
        // SAFETY: made by msxca_alloc_compressor, freed once.
        drop(unsafe { Box::from_raw(compressor) });
    }
}

/// Compresses `in_nbytes` bytes at `in` into `out` as a raw stream, as
/// `RtlCompressBuffer` writes it; returns the compressed size, or 0 when it
/// does not fit in `out_nbytes_avail` bytes (`msxca_compress_bound` always
/// suffices) or an argument is invalid.
#[no_mangle]
pub unsafe extern "C" fn msxca_compress(
    compressor: *mut msxca_compressor,
    r#in: *const c_void,
    in_nbytes: usize,
    out: *mut c_void,
    out_nbytes_avail: usize,
) -> usize {
    guarded(0, || {
        // SAFETY: the caller's pointers and lengths, checked for null.
        let (Some(c), Some(input), Some(output)) =
            (unsafe { compressor.as_mut() }, unsafe { input(r#in, in_nbytes) }, unsafe {
                output(out, out_nbytes_avail)
            })
        else {
            return 0;
        };
        c.0.compress_into(input, output).unwrap_or(0)
    })
}

/// The largest compressed size of `in_nbytes` bytes in `format` at any
/// level (0 for an unknown format).
#[no_mangle]
pub extern "C" fn msxca_compress_bound(format: c_int, in_nbytes: usize) -> usize {
    guarded(0, || format_of(format).map_or(0, |f| msxca_core::max_compressed_size(f, in_nbytes)))
}

/// A decompressor for `format`; NULL for an unknown format. Free it with
/// `msxca_free_decompressor`.
#[no_mangle]
pub extern "C" fn msxca_alloc_decompressor(format: c_int) -> *mut msxca_decompressor {
    guarded(std::ptr::null_mut(), || match format_of(format) {
        Some(format) => Box::into_raw(Box::new(msxca_decompressor(Decompressor::new(format)))),
        None => std::ptr::null_mut(),
    })
}

/// Frees a decompressor (NULL is allowed).
#[no_mangle]
pub unsafe extern "C" fn msxca_free_decompressor(decompressor: *mut msxca_decompressor) {
    if !decompressor.is_null() {
        // SAFETY: made by msxca_alloc_decompressor, freed once.
        drop(unsafe { Box::from_raw(decompressor) });
    }
}

/// Decompresses the raw stream of `in_nbytes` bytes at `in` into `out`.
///
/// For LZ77+Huffman, `out_nbytes_avail` is the exact uncompressed size
/// (the format does not record it); for the other formats it is the
/// capacity. The size produced goes to `*actual_out_nbytes`; with a NULL
/// `actual_out_nbytes` the data must fill `out` exactly, or the result is
/// `MSXCA_SHORT_OUTPUT`. The bytes of the input used go to
/// `*actual_in_nbytes` when it is not NULL (LZNT1: through the end marker;
/// LZ77+Huffman: fewer than 260 bytes may follow the stream).
#[no_mangle]
pub unsafe extern "C" fn msxca_decompress_ex(
    decompressor: *mut msxca_decompressor,
    r#in: *const c_void,
    in_nbytes: usize,
    out: *mut c_void,
    out_nbytes_avail: usize,
    actual_in_nbytes: *mut usize,
    actual_out_nbytes: *mut usize,
) -> msxca_result {
    guarded(MSXCA_BAD_DATA, || {
        // SAFETY: the caller's pointers and lengths, checked for null.
        let (Some(d), Some(input), Some(output)) =
            (unsafe { decompressor.as_mut() }, unsafe { input(r#in, in_nbytes) }, unsafe {
                output(out, out_nbytes_avail)
            })
        else {
            return MSXCA_INVALID_ARGUMENT;
        };
        match d.0.decompress_into_ex(input, output) {
            Ok((produced, consumed)) => {
                // SAFETY: either pointer may be NULL, else it is writable.
                if let Some(slot) = unsafe { actual_in_nbytes.as_mut() } {
                    *slot = consumed;
                }
                match unsafe { actual_out_nbytes.as_mut() } {
                    Some(slot) => *slot = produced,
                    None if produced < out_nbytes_avail => return MSXCA_SHORT_OUTPUT,
                    None => {}
                }
                MSXCA_SUCCESS
            }
            Err(error) => result_of(&error),
        }
    })
}

/// `msxca_decompress_ex` without the bytes consumed.
#[no_mangle]
pub unsafe extern "C" fn msxca_decompress(
    decompressor: *mut msxca_decompressor,
    r#in: *const c_void,
    in_nbytes: usize,
    out: *mut c_void,
    out_nbytes_avail: usize,
    actual_out_nbytes: *mut usize,
) -> msxca_result {
    // SAFETY: the caller's arguments, passed on.
    unsafe {
        msxca_decompress_ex(
            decompressor,
            r#in,
            in_nbytes,
            out,
            out_nbytes_avail,
            std::ptr::null_mut(),
            actual_out_nbytes,
        )
    }
}

/// A constant, NUL-terminated English description of `result`.
#[no_mangle]
pub extern "C" fn msxca_result_string(result: msxca_result) -> *const c_char {
    let text: &'static [u8] = match result {
        MSXCA_SUCCESS => b"success\0",
        MSXCA_BAD_DATA => b"bad data: not a valid stream\0",
        MSXCA_TRUNCATED => b"truncated: the input ends inside the stream\0",
        MSXCA_INSUFFICIENT_SPACE => b"insufficient space: the output buffer is too small\0",
        MSXCA_SHORT_OUTPUT => b"short output: the data is shorter than the output buffer\0",
        MSXCA_LIMIT_EXCEEDED => b"limit exceeded\0",
        MSXCA_INVALID_ARGUMENT => b"invalid argument\0",
    };
    text.as_ptr().cast()
}

// The Windows mirror: `Rtl*` with Windows' arguments, NTSTATUS results.

/// `STATUS_INVALID_PARAMETER`, for null pointers where data is needed.
const INVALID_PARAMETER: u32 = NtStatus::INVALID_PARAMETER.0;

/// The workspace a caller passes for `format_and_engine`: as large as
/// `RtlGetCompressionWorkSpaceSize` reports (`fragment` picks the second
/// size), as on Windows, where no size is passed.
unsafe fn workspace<'a>(ptr: *mut c_void, format_and_engine: u16, fragment: bool) -> Option<&'a mut [u8]> {
    let (mut compress, mut fragment_size) = (0u32, 0u32);
    if rtl::get_compression_workspace_size(format_and_engine, &mut compress, &mut fragment_size) != NtStatus::SUCCESS {
        return None;
    }
    let len = if fragment { fragment_size } else { compress } as usize;
    // SAFETY: the caller passes a workspace of at least that size.
    unsafe { output(ptr, len) }
}

/// `RtlGetCompressionWorkSpaceSize`.
#[no_mangle]
pub unsafe extern "C" fn msxca_rtl_get_compression_workspace_size(
    format_and_engine: u16,
    compress_workspace_size: *mut u32,
    fragment_workspace_size: *mut u32,
) -> u32 {
    guarded(INVALID_PARAMETER, || {
        let (mut compress, mut fragment) = (0u32, 0u32);
        let status = rtl::get_compression_workspace_size(format_and_engine, &mut compress, &mut fragment);
        // SAFETY: each pointer is NULL or writable.
        if let Some(slot) = unsafe { compress_workspace_size.as_mut() } {
            *slot = compress;
        }
        if let Some(slot) = unsafe { fragment_workspace_size.as_mut() } {
            *slot = fragment;
        }
        status.0
    })
}

/// `RtlCompressBuffer`: `workspace` holds at least the compression
/// workspace size reported for `format_and_engine`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn msxca_rtl_compress_buffer(
    format_and_engine: u16,
    uncompressed: *const u8,
    uncompressed_size: u32,
    compressed: *mut u8,
    compressed_size: u32,
    chunk_size: u32,
    final_compressed_size: *mut u32,
    workspace: *mut c_void,
) -> u32 {
    guarded(INVALID_PARAMETER, || {
        // SAFETY: the caller's buffers, checked for null.
        let Some(input) = (unsafe { input(uncompressed.cast(), uncompressed_size as usize) }) else {
            return INVALID_PARAMETER;
        };
        let Some(out) = (unsafe { output(compressed.cast(), compressed_size as usize) }) else {
            return INVALID_PARAMETER;
        };
        let Some(final_size) = (unsafe { final_compressed_size.as_mut() }) else { return INVALID_PARAMETER };
        // A NULL workspace is an empty one, which the checks refuse.
        let space = unsafe { self::workspace(workspace, format_and_engine, false) }.unwrap_or(&mut []);
        rtl::compress_buffer(format_and_engine, input, out, chunk_size, final_size, space).0
    })
}

/// `RtlDecompressBuffer`.
#[no_mangle]
pub unsafe extern "C" fn msxca_rtl_decompress_buffer(
    format: u16,
    uncompressed: *mut u8,
    uncompressed_size: u32,
    compressed: *const u8,
    compressed_size: u32,
    final_uncompressed_size: *mut u32,
) -> u32 {
    guarded(INVALID_PARAMETER, || {
        // SAFETY: the caller's buffers, checked for null.
        let (Some(out), Some(input), Some(final_size)) = (
            unsafe { output(uncompressed.cast(), uncompressed_size as usize) },
            unsafe { input(compressed.cast(), compressed_size as usize) },
            unsafe { final_uncompressed_size.as_mut() },
        ) else {
            return INVALID_PARAMETER;
        };
        rtl::decompress_buffer(format, out, input, final_size).0
    })
}

/// `RtlDecompressBufferEx`: `workspace` holds at least the fragment
/// workspace size reported for `format` (LZ77+Huffman needs one).
#[no_mangle]
pub unsafe extern "C" fn msxca_rtl_decompress_buffer_ex(
    format: u16,
    uncompressed: *mut u8,
    uncompressed_size: u32,
    compressed: *const u8,
    compressed_size: u32,
    final_uncompressed_size: *mut u32,
    workspace: *mut c_void,
) -> u32 {
    guarded(INVALID_PARAMETER, || {
        // SAFETY: the caller's buffers, checked for null.
        let (Some(out), Some(input), Some(final_size)) = (
            unsafe { output(uncompressed.cast(), uncompressed_size as usize) },
            unsafe { input(compressed.cast(), compressed_size as usize) },
            unsafe { final_uncompressed_size.as_mut() },
        ) else {
            return INVALID_PARAMETER;
        };
        let space = if workspace.is_null() { None } else { unsafe { self::workspace(workspace, format, true) } };
        rtl::decompress_buffer_ex(format, out, input, final_size, space).0
    })
}

/// `RtlDecompressFragment` (LZNT1): `workspace` holds at least the
/// fragment workspace size reported for `format`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn msxca_rtl_decompress_fragment(
    format: u16,
    uncompressed_fragment: *mut u8,
    uncompressed_fragment_size: u32,
    compressed: *const u8,
    compressed_size: u32,
    fragment_offset: u32,
    final_uncompressed_size: *mut u32,
    workspace: *mut c_void,
) -> u32 {
    guarded(INVALID_PARAMETER, || {
        // SAFETY: the caller's buffers, checked for null.
        let (Some(out), Some(input), Some(final_size)) = (
            unsafe { output(uncompressed_fragment.cast(), uncompressed_fragment_size as usize) },
            unsafe { input(compressed.cast(), compressed_size as usize) },
            unsafe { final_uncompressed_size.as_mut() },
        ) else {
            return INVALID_PARAMETER;
        };
        let space = unsafe { self::workspace(workspace, format, true) }.unwrap_or(&mut []);
        rtl::decompress_fragment(format, out, input, fragment_offset, final_size, space).0
    })
}
