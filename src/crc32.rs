//! The standard CRC-32 (IEEE 802.3, reflected, as zlib's `crc32` and
//! `RtlComputeCrc32`), for container checksums: `crc32fast`'s, which uses
//! the CPU's carry-less multiply where there is one.

/// Continues a CRC-32 over `data` (start with `crc = 0`).
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(crc);
    hasher.update(data);
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_value() {
        assert_eq!(super::crc32(0, b"123456789"), 0xCBF4_3926);
        assert_eq!(super::crc32(super::crc32(0, b"1234"), b"56789"), 0xCBF4_3926);
        assert_eq!(super::crc32(0, b""), 0);
    }
}
