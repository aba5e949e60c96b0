//! LZ77 helpers shared by the three formats: the match copy used by every
//! decoder and the match finder used by every encoder.

pub(crate) mod matchfinder;
pub(crate) mod parse;

/// Appends a copy of `len` bytes starting `dist` bytes back, at `pos`.
///
/// The caller has checked `1 <= dist <= pos` and `pos + len <= out.len()`.
/// LZ77 matches may overlap their own output (`dist < len`): the result is
/// the byte-by-byte copy the formats define, produced here with
/// non-overlapping block copies whose size doubles with every step.
#[inline(always)]
pub(crate) fn copy_match(out: &mut [u8], pos: usize, dist: usize, len: usize) {
    debug_assert!(dist >= 1 && dist <= pos && pos + len <= out.len());
    let start = pos - dist;
    if dist >= len {
        out.copy_within(start..start + len, pos);
    } else if dist == 1 {
        let byte = out[start];
        out[pos..pos + len].fill(byte);
    } else {
        let end = pos + len;
        let mut cur = pos;
        while cur < end {
            // `cur - start` is a multiple of `dist`, so the pattern repeats.
            let n = (cur - start).min(end - cur);
            out.copy_within(start..start + n, cur);
            cur += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::copy_match;

    fn naive(out: &mut [u8], pos: usize, dist: usize, len: usize) {
        for i in 0..len {
            out[pos + i] = out[pos + i - dist];
        }
    }

    #[test]
    fn copy_match_equals_bytewise_copy_for_all_small_distances_and_lengths() {
        for dist in 1..=40 {
            for len in 0..=100 {
                let mut a: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
                let mut b = a.clone();
                copy_match(&mut a, 50, dist, len);
                naive(&mut b, 50, dist, len);
                assert_eq!(a, b, "dist {dist} len {len}");
            }
        }
    }
}
