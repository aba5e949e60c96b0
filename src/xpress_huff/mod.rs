//! LZ77+Huffman (`COMPRESSION_FORMAT_XPRESS_HUFF`, [MS-XCA] §2.1–2.2).
//!
//! A sequence of blocks, each a 256-byte table of 4-bit code lengths for
//! the 512-symbol alphabet followed by a bitstream of 16-bit words with the
//! raw bytes of long match lengths interleaved. A block ends once it has
//! produced 65536 bytes (a final match may run past that) or the output is
//! full; matches may reach back into earlier blocks. The stream does not
//! say where it ends: the decoder must know the exact uncompressed size.

pub(crate) mod decode;
pub(crate) mod encode;
#[cfg(feature = "std")]
pub(crate) mod stream;

/// Uncompressed bytes a block produces (before its last match runs over).
/// Not to be confused with the Compression API's 64 MiB blocks
/// ([`api::BLOCK_SIZE`](crate::api::BLOCK_SIZE)), each a whole stream.
pub const BLOCK_OUTPUT: usize = 65536;
/// Size of the code-length table at the start of each block.
pub const TABLE_BYTES: usize = 256;
/// A block needs its table and two priming words: fewer remaining bytes
/// cannot start a block.
pub const MIN_BLOCK_BYTES: usize = TABLE_BYTES + 4;
/// Largest match distance.
pub const MAX_DISTANCE: usize = 65535;
/// Shortest match.
pub const MIN_MATCH: usize = 3;
/// The symbol encoders append after the last item: a match of length 3 at
/// distance 1, read as an ordinary match by the decoder.
pub const END_OF_DATA: usize = 256;
