//! Canonical Huffman codes for LZ77+Huffman: decode tables built from a
//! block's code lengths, and length-limited codes built from symbol counts.

pub(crate) mod decode;
pub(crate) mod encode;

/// Symbols of the LZ77+Huffman alphabet: 256 literals and 256 match headers.
pub const NUM_SYMBOLS: usize = 512;
/// Longest code length a table can express (4-bit fields).
pub const MAX_CODE_LEN: u32 = 15;
