//! The standard CRC-32 (IEEE 802.3, reflected, as zlib's `crc32` and
//! `RtlComputeCrc32`), for container checksums.

const fn make_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static TABLE: [u32; 256] = make_table();

/// Continues a CRC-32 over `data` (start with `crc = 0`).
pub fn crc32(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_value() {
        assert_eq!(super::crc32(0, b"123456789"), 0xCBF4_3926);
        assert_eq!(super::crc32(super::crc32(0, b"1234"), b"56789"), 0xCBF4_3926);
    }
}
