//! Plain LZ77 (`COMPRESSION_FORMAT_XPRESS`, [MS-XCA] §2.3–2.4).
//!
//! A byte stream of 32-bit flag words (read from bit 31 down; 0 = literal,
//! 1 = match) interleaved with the items they describe. A match is a u16
//! token (13-bit distance − 1, 3-bit length field) optionally followed by a
//! shared half-byte and longer length escapes. The stream ends at a `1` flag
//! that falls exactly at the end of the input.

pub(crate) mod decode;
pub(crate) mod encode;
#[cfg(feature = "std")]
pub(crate) mod stream;

/// Largest match distance the 13-bit field can express.
pub const MAX_DISTANCE: usize = 8192;
/// Shortest match.
pub const MIN_MATCH: usize = 3;
/// Items described by one flag word.
pub(crate) const FLAG_BITS: u32 = 32;
