//! Little-endian reads, the one way the crate reads integers from bytes.
//!
//! The unchecked forms take a fixed-size array in one bounds check, which
//! the callers' loops prove or hoist; the checked forms answer `None` where
//! the input ends too soon.

/// The `N` bytes of `data` at `at`, which the caller has checked are
/// there: one bounds check for the lot.
#[inline(always)]
pub(crate) fn fixed<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    data[at..at + N].try_into().unwrap_or([0; N])
}

/// The little-endian `u16` at `at` (which the caller has checked is there).
#[inline(always)]
pub(crate) fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(fixed(data, at))
}

/// The little-endian `u32` at `at` (which the caller has checked is there).
#[inline(always)]
pub(crate) fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(fixed(data, at))
}

/// The little-endian `u64` at `at` (which the caller has checked is there).
#[inline(always)]
pub(crate) fn u64_at(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(fixed(data, at))
}

/// The little-endian `u16` at `at`, if `data` holds it.
#[inline(always)]
pub(crate) fn get_u16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..)?.first_chunk::<2>().copied()?))
}

/// The little-endian `u32` at `at`, if `data` holds it.
#[inline(always)]
pub(crate) fn get_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..)?.first_chunk::<4>().copied()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_little_endian_and_checked_where_asked() {
        let data = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(u16_at(&data, 1), 0x0302);
        assert_eq!(u32_at(&data, 0), 0x0403_0201);
        assert_eq!(u64_at(&data, 1), 0x0908_0706_0504_0302);
        assert_eq!(get_u16(&data, 7), Some(0x0908));
        assert_eq!(get_u16(&data, 8), None);
        assert_eq!(get_u32(&data, 6), None);
        assert_eq!(get_u32(&data, 100), None, "a start past the end");
    }
}
