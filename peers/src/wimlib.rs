//! wimlib's LZ77+Huffman ("XPRESS" in WIM terms) codec, through its C
//! library's compression API. WIM compresses independent chunks of at most
//! 64 KiB, so that is how it is compared.

use std::ffi::{c_int, c_uint, c_void};

#[repr(C)]
struct Compressor {
    _opaque: [u8; 0],
}

#[repr(C)]
struct Decompressor {
    _opaque: [u8; 0],
}

/// `WIMLIB_COMPRESSION_TYPE_XPRESS`.
const XPRESS: c_int = 1;

#[link(name = "wim")]
extern "C" {
    fn wimlib_create_compressor(ctype: c_int, max_block: usize, level: c_uint, out: *mut *mut Compressor) -> c_int;
    fn wimlib_compress(src: *const c_void, len: usize, dst: *mut c_void, avail: usize, c: *mut Compressor) -> usize;
    fn wimlib_free_compressor(c: *mut Compressor);
    fn wimlib_create_decompressor(ctype: c_int, max_block: usize, out: *mut *mut Decompressor) -> c_int;
    fn wimlib_decompress(src: *const c_void, len: usize, dst: *mut c_void, size: usize, d: *mut Decompressor) -> c_int;
    fn wimlib_free_decompressor(d: *mut Decompressor);
}

/// Blocks of at most this many bytes.
pub const BLOCK: usize = 65536;

pub struct WimCompressor(*mut Compressor);

impl WimCompressor {
    /// wimlib's compressor at `level` (20 is its fast level, 50 its default).
    pub fn new(level: u32) -> Option<Self> {
        let mut c = std::ptr::null_mut();
        // SAFETY: plain C call with a valid out-pointer.
        let status = unsafe { wimlib_create_compressor(XPRESS, BLOCK, level, &mut c) };
        (status == 0 && !c.is_null()).then_some(WimCompressor(c))
    }

    /// The block compressed, or `None` when it does not shrink (WIM then
    /// stores it).
    pub fn compress(&mut self, block: &[u8], out: &mut [u8]) -> Option<usize> {
        assert!(block.len() <= BLOCK);
        let avail = block.len().saturating_sub(1).min(out.len());
        // SAFETY: both buffers are valid for the lengths passed.
        let n = unsafe { wimlib_compress(block.as_ptr().cast(), block.len(), out.as_mut_ptr().cast(), avail, self.0) };
        (n != 0).then_some(n)
    }
}

impl Drop for WimCompressor {
    fn drop(&mut self) {
        // SAFETY: created by wimlib_create_compressor, freed once.
        unsafe { wimlib_free_compressor(self.0) }
    }
}

pub struct WimDecompressor(*mut Decompressor);

impl WimDecompressor {
    pub fn new() -> Option<Self> {
        let mut d = std::ptr::null_mut();
        // SAFETY: plain C call with a valid out-pointer.
        let status = unsafe { wimlib_create_decompressor(XPRESS, BLOCK, &mut d) };
        (status == 0 && !d.is_null()).then_some(WimDecompressor(d))
    }

    /// Decodes a block of exactly `out.len()` bytes.
    pub fn decompress(&mut self, input: &[u8], out: &mut [u8]) -> bool {
        assert!(out.len() <= BLOCK);
        // SAFETY: both buffers are valid for the lengths passed.
        unsafe {
            wimlib_decompress(input.as_ptr().cast(), input.len(), out.as_mut_ptr().cast(), out.len(), self.0) == 0
        }
    }
}

impl Drop for WimDecompressor {
    fn drop(&mut self) {
        // SAFETY: created by wimlib_create_decompressor, freed once.
        unsafe { wimlib_free_decompressor(self.0) }
    }
}
