//! LZNT1 (`COMPRESSION_FORMAT_LZNT1`, [MS-XCA] §2.5).
//!
//! The input is cut into 4096-byte pieces, each coded independently as a
//! chunk: a u16 header (bit 15 compressed, bits 14..12 signature, bits 11..0
//! data length − 1) followed by either the raw bytes or flag groups of
//! literals and copy tokens. A copy token splits its 16 bits between
//! displacement and length according to how much the chunk has produced so
//! far. A `00 00` header ends the buffer.

pub(crate) mod decode;
pub(crate) mod encode;

/// Uncompressed bytes a chunk stands for.
pub const CHUNK_SIZE: usize = 4096;
/// Shortest copy.
pub const MIN_MATCH: usize = 3;
/// Header bit that marks a compressed chunk.
pub(crate) const HEADER_COMPRESSED: u16 = 0x8000;
/// The signature every encoder writes in bits 14..12.
pub(crate) const HEADER_SIGNATURE: u16 = 0x3000;
/// Mask of the data-length field.
pub(crate) const HEADER_LENGTH_MASK: u16 = 0x0FFF;

/// Number of displacement bits of a copy token when the chunk has already
/// produced `produced` bytes ([MS-XCA] §2.5.1.1): the smallest width in 4..=12
/// that can reach every produced byte.
#[inline(always)]
pub(crate) fn displacement_bits(produced: usize) -> u32 {
    let need = usize::BITS - produced.saturating_sub(1).leading_zeros();
    need.clamp(4, 12)
}

/// The longest copy a token can describe at this point of a chunk.
#[inline(always)]
pub(crate) fn max_copy_len(produced: usize) -> usize {
    (1usize << (16 - displacement_bits(produced))) + 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displacement_width_follows_the_spec_table() {
        let rows = [
            (0, 4),
            (1, 4),
            (16, 4),
            (17, 5),
            (32, 5),
            (33, 6),
            (64, 6),
            (65, 7),
            (128, 7),
            (129, 8),
            (256, 8),
            (257, 9),
            (512, 9),
            (513, 10),
            (1024, 10),
            (1025, 11),
            (2048, 11),
            (2049, 12),
            (4096, 12),
            (5000, 12),
        ];
        for (produced, bits) in rows {
            assert_eq!(displacement_bits(produced), bits, "U = {produced}");
        }
        assert_eq!(max_copy_len(0), 4098);
        assert_eq!(max_copy_len(4000), 18);
    }
}
