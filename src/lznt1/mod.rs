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

// The encoder and decoder read (and the decoder writes) a chunk as one
// window.
const _: () = assert!(CHUNK_SIZE == crate::lz::window::WINDOW_SIZE);
/// Shortest copy.
pub const MIN_MATCH: usize = 3;
/// Header bit that marks a compressed chunk.
pub(crate) const HEADER_COMPRESSED: u16 = 0x8000;
/// The signature every encoder writes in bits 14..12.
pub(crate) const HEADER_SIGNATURE: u16 = 0x3000;
/// Mask of the data-length field.
pub(crate) const HEADER_LENGTH_MASK: u16 = 0x0FFF;
/// Bytes of a chunk header.
pub(crate) const HEADER_BYTES: usize = 2;

/// The most bytes one chunk can decode to. Encoders never write more than
/// [`CHUNK_SIZE`], but decoders accept more (as Wine's does; what Windows
/// does is unknown): after its first byte, a literal, a chunk's first copy
/// token has 12 length bits (up to 4098 bytes), and every later one 4 (up
/// to 18 bytes), at two bytes a token.
#[cfg(feature = "std")]
pub(crate) const MAX_CHUNK_OUTPUT: usize = 1 + 4098 + 18 * (CHUNK_SIZE / 2);

/// Bytes of data after the chunk header `header` (not the `00 00` end
/// marker): its length field holds one less.
pub(crate) fn chunk_data_len(header: u16) -> usize {
    usize::from(header & HEADER_LENGTH_MASK) + 1
}

/// Number of displacement bits of a copy token when the chunk has already
/// produced `produced` bytes ([MS-XCA] §2.5.1.1): the smallest width in 4..=12
/// that can reach every produced byte.
#[inline(always)]
pub(crate) fn displacement_bits(produced: usize) -> u32 {
    u32::from(SPLIT[split_index(produced)].0)
}

/// The last count of produced bytes at which [`displacement_bits`] is
/// still `bits`: the token format changes only past the powers of two from
/// 16 on, eight times a chunk, so loops work it out again only there.
#[inline(always)]
pub(crate) fn format_holds_until(bits: u32) -> usize {
    if bits == 12 {
        usize::MAX
    } else {
        1 << bits
    }
}

/// [`displacement_bits`] and the longest copy a token can describe at this
/// point of a chunk.
#[inline(always)]
pub(crate) fn token_format(produced: usize) -> (u32, usize) {
    let (bits, max_len) = SPLIT[split_index(produced)];
    (u32::from(bits), usize::from(max_len))
}

/// The token split by `(produced - 1) / 16`: it only changes where
/// `produced - 1` reaches a power of two from 16 on, so one entry serves
/// sixteen counts, and the last every count from 4081 on. A table lookup
/// is cheaper than working out a bit length for every copy.
const SPLIT: [(u8, u16); 256] = {
    let mut table = [(0u8, 0u16); 256];
    let mut i = 0;
    while i < 256 {
        // The bit length of any `produced - 1` in 16i..16i+16, at least 4.
        let mut bits = 4;
        while bits < 12 && (i * 16) >> bits != 0 {
            bits += 1;
        }
        table[i] = (bits as u8, (1u16 << (16 - bits)) + 2);
        i += 1;
    }
    table
};

#[inline(always)]
fn split_index(produced: usize) -> usize {
    (produced.saturating_sub(1) >> 4).min(255)
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
        // Every count agrees with the definition: the smallest width in
        // 4..=12 that reaches all produced bytes.
        for produced in 0..5000usize {
            let need = (usize::BITS - produced.saturating_sub(1).leading_zeros()).clamp(4, 12);
            assert_eq!(displacement_bits(produced), need, "U = {produced}");
            assert_eq!(token_format(produced), (need, (1 << (16 - need)) + 2), "U = {produced}");
        }
        assert_eq!(token_format(0).1, 4098);
        assert_eq!(token_format(4000).1, 18);
    }
}
