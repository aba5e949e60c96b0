//! How far the bytes at two positions agree: the match length every
//! finder works out, read eight bytes at a time.

use crate::bytes;

/// The length of the common prefix of `data[a..]` and `data[b..]`, at most
/// `limit` (the caller guarantees `b + limit <= data.len()` and `a < b`).
#[inline(always)]
pub(crate) fn match_len(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    common_prefix(|at| bytes::u64_at(data, at), |at| data[at], a, b, limit)
}

/// The length of the common prefix of the bytes at `a` and at `b`, at most
/// `limit`, read eight at a time by `u64_at` and one by `byte_at`: a slice
/// reads them with bounds checks, a [`Window`](super::window::Window)
/// without.
#[inline(always)]
pub(crate) fn common_prefix(
    u64_at: impl Fn(usize) -> u64,
    byte_at: impl Fn(usize) -> u8,
    a: usize,
    b: usize,
    limit: usize,
) -> usize {
    let mut n = 0;
    while n + 8 <= limit {
        let diff = u64_at(a + n) ^ u64_at(b + n);
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < limit && byte_at(a + n) == byte_at(b + n) {
        n += 1;
    }
    n
}
