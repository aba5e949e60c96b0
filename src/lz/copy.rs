//! Match copies for the decoders (and the encoders' literal runs): the
//! exact copy, and the wide one the fast loops use, which may write a few
//! bytes of garbage past the match in exchange for fixed-size moves.

use crate::bytes::fixed;

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
        // Source and destination do not overlap: short copies, the common
        // case, go without a call.
        let (before, from_pos) = out.split_at_mut(pos);
        let (src, dst) = (&before[start..start + len], &mut from_pos[..len]);
        if len <= 32 {
            copy_short(dst, src);
        } else {
            dst.copy_from_slice(src);
        }
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

/// How far past a match [`copy_match_wide`] may write.
pub(crate) const WIDE_COPY_SLACK: usize = 31;

/// [`copy_match`] for decoders' fast loops: the same result in
/// `out[pos..pos + len]`, but faster because it may also write up to
/// [`WIDE_COPY_SLACK`] bytes of garbage after the match. The caller has
/// checked `1 <= dist <= pos` and `pos + len + WIDE_COPY_SLACK <=
/// out.len()`, and overwrites the garbage later.
#[inline(always)]
pub(crate) fn copy_match_wide(out: &mut [u8], pos: usize, dist: usize, len: usize) {
    debug_assert!(dist >= 1 && dist <= pos && pos + len + WIDE_COPY_SLACK <= out.len());
    copy_match_in(&mut out[pos - dist..pos + len + WIDE_COPY_SLACK], dist, len);
}

/// The region [`copy_match_in`] works on for a match of `len` bytes from
/// `dist` back at `pos`, or `None` where the distance reaches before the
/// output's start or the match and its slack pass its end. Getting it
/// checks the match once and spares the moves their own checks.
#[inline(always)]
pub(crate) fn match_region(out: &mut [u8], pos: usize, dist: usize, len: usize) -> Option<&mut [u8]> {
    let source = pos.checked_sub(dist)?;
    out.get_mut(source..)?.get_mut(..dist + len + WIDE_COPY_SLACK)
}

/// [`copy_match_wide`] in `region`, the match's source, the match and its
/// slack: `dist` bytes, then `len`, then [`WIDE_COPY_SLACK`] (see
/// [`match_region`]).
#[inline(always)]
pub(crate) fn copy_match_in(region: &mut [u8], dist: usize, len: usize) {
    debug_assert!(dist >= 1 && region.len() == dist + len + WIDE_COPY_SLACK);
    if copies_from_afar(dist, len) {
        // Most matches are this case.
        copy_32_from_afar(region, 0, dist);
    } else {
        copy_match_wide_rest(region, dist, len);
    }
}

/// Whether [`copy_32_from_afar`] copies a match: most do, and the decoders'
/// fast loops copy the others outside their inner loops.
#[inline(always)]
pub(crate) fn copies_from_afar(dist: usize, len: usize) -> bool {
    dist >= 16 && len <= 32
}

/// A match of at most 32 bytes from `src`, 16 or more bytes before `pos`,
/// copied as 32: two 16-byte moves, in order, where the second reads bytes
/// the first made final (its source ends `pos - src - 16` or more bytes
/// before its destination starts).
#[inline(always)]
pub(crate) fn copy_32_from_afar(out: &mut [u8], src: usize, pos: usize) {
    copy_fixed::<16>(out, src, pos);
    copy_fixed::<16>(out, src + 16, pos + 16);
}

/// For each distance below 16, its smallest multiple of 16 or more: the
/// step at which 32 bytes of a near match's pattern repeat.
const NEAR_PERIOD: [u8; 16] = [16, 16, 16, 18, 16, 20, 18, 21, 16, 18, 20, 22, 24, 26, 28, 30];

/// [`copy_match_in`]'s long and near matches, in fixed-size moves and
/// stores: the calls to `memset` and `memmove` that [`copy_match`] makes
/// cost more than these copies, most of which are short.
#[inline(always)]
fn copy_match_wide_rest(region: &mut [u8], dist: usize, len: usize) {
    if dist >= 16 {
        let mut done = 0;
        while done < len {
            copy_fixed::<16>(region, done, dist + done);
            done += 16;
        }
        return;
    }
    if dist == 1 {
        // A run of one byte: the only read is that byte.
        let pattern = [region[0]; 32];
        let mut done = 0;
        while done < len {
            region[1 + done..33 + done].copy_from_slice(&pattern);
            done += 32;
        }
        return;
    }
    if len <= dist {
        // No overlap: one move whose first `len` bytes are the match.
        copy_fixed::<16>(region, 0, dist);
        return;
    }
    // A near match repeats its first `dist` bytes. The pattern is built
    // in registers, not by moves that read bytes just written: such a
    // read waits until the write reaches the cache, and a run of them
    // (one per byte for distance 1) costs more than the whole copy.
    let bits = 8 * dist as u32;
    let mut first = u128::from_le_bytes(fixed(region, 0)) & (u128::MAX >> (128 - bits));
    let mut width = bits;
    while width < 128 {
        first |= first << width;
        width *= 2;
    }
    // The pattern's next 16 bytes start `16 % dist` bytes into it.
    let skip = 8 * (16 % dist) as u32;
    let second = first >> skip | first << (bits - skip);
    let pattern = [first.to_le_bytes(), second.to_le_bytes()];
    let period = usize::from(NEAR_PERIOD[dist]);
    let mut done = 0;
    while done < len {
        region[dist + done..dist + done + 32].copy_from_slice(pattern.as_flattened());
        done += period;
    }
}

/// Copies `src` (at most 32 bytes) to `dst`, of the same length, with at
/// most two fixed-size moves that may overlap each other: no call and no
/// loop, for the short literal runs that encoders copy most.
#[inline(always)]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n <= 32 && dst.len() == n);
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..].copy_from_slice(&src[n - 4..]);
        }
        8..=16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..].copy_from_slice(&src[n - 8..]);
        }
        _ => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..].copy_from_slice(&src[n - 16..]);
        }
    }
}

/// Copies `N` bytes from `src` to `dst` (ranges that do not overlap).
#[inline(always)]
fn copy_fixed<const N: usize>(out: &mut [u8], src: usize, dst: usize) {
    let chunk: [u8; N] = fixed(out, src);
    out[dst..dst + N].copy_from_slice(&chunk);
}

#[cfg(test)]
mod tests {
    use super::{copy_match, copy_match_wide, copy_short, WIDE_COPY_SLACK};

    #[test]
    fn copy_short_copies_every_length_exactly() {
        let src: Vec<u8> = (1..=32).collect();
        for n in 0..=32 {
            let mut dst = vec![0u8; n + 4];
            copy_short(&mut dst[2..2 + n], &src[..n]);
            assert_eq!(dst[2..2 + n], src[..n], "length {n}");
            assert_eq!([dst[0], dst[1], dst[n + 2], dst[n + 3]], [0; 4], "length {n} wrote outside");
        }
    }

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

    #[test]
    fn wide_copy_equals_bytewise_copy_up_to_its_slack() {
        // Distances below 16 take the exact copy, 16 and up move 16 bytes
        // at a time; lengths cross the moves' size and the 32 bytes that
        // the inline path takes.
        for dist in 1..=40 {
            for len in 1..=120 {
                let mut a: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
                let mut b = a.clone();
                copy_match_wide(&mut a, 50, dist, len);
                naive(&mut b, 50, dist, len);
                assert_eq!(a[..50 + len], b[..50 + len], "dist {dist} len {len}");
                assert_eq!(a[50 + len + WIDE_COPY_SLACK..], b[50 + len + WIDE_COPY_SLACK..], "dist {dist} len {len}");
            }
        }
    }
}
