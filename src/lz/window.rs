//! A window of at most 4 KiB that LZNT1's encoder and decoder read (and
//! its decoder writes) without bounds checks, for a format that starts
//! afresh every 4096 bytes (its chunks).
//!
//! Positions are taken modulo the window size ([`index`]): one AND, which
//! leaves every position inside the window as it is, proves every
//! fixed-size access in bounds. On the bench corpus the checks it removes
//! were 13% of LZNT1's standard level's instructions, and 13% of its
//! decoding time.

use crate::bytes;

/// The most positions a window has.
pub(crate) const WINDOW_SIZE: usize = 4096;

/// Bytes readable past a window's last position: the encoder's 8-byte
/// reads and 16-byte literal moves at any position, and the decoder's
/// fast-loop margins (see `lznt1::decode`).
pub(crate) const WINDOW_SLACK: usize = 64;

/// What a window reads from: its positions and the slack after them.
pub(crate) type WindowBytes = [u8; WINDOW_SIZE + WINDOW_SLACK];

const POSITION_MASK: usize = WINDOW_SIZE - 1;

/// Where position `pos` of a window sits in its [`WindowBytes`]: `pos`
/// itself for every position inside the window, and in any case a place
/// with [`WINDOW_SLACK`] bytes after it.
#[inline(always)]
pub(crate) fn index(pos: usize) -> usize {
    pos & POSITION_MASK
}

/// The bytes of the window of `len` positions at `start` of `input`: the
/// input itself where the slack follows it, otherwise a copy in `spare`,
/// padded with zeros. `spare` is only filled when needed, so that the
/// windows that take the input itself cost no zeroing.
#[inline(always)]
pub(crate) fn window_bytes<'a>(
    input: &'a [u8],
    start: usize,
    len: usize,
    spare: &'a mut Option<WindowBytes>,
) -> &'a WindowBytes {
    debug_assert!(len <= WINDOW_SIZE && start + len <= input.len());
    match input.get(start..start + WINDOW_SIZE + WINDOW_SLACK) {
        Some(bytes) => bytes.try_into().expect("the range has the window's length"),
        None => {
            let copy = spare.insert([0; WINDOW_SIZE + WINDOW_SLACK]);
            copy[..len].copy_from_slice(&input[start..start + len]);
            copy
        }
    }
}

/// Up to [`WINDOW_SIZE`] bytes of the input, with [`WINDOW_SLACK`] more
/// readable after them. What the slack holds (the input's next bytes, or
/// zeros at its end) only ever reaches a read whose caller caps it at
/// [`len`](Self::len).
pub(crate) struct Window<'a> {
    bytes: &'a WindowBytes,
    start: usize,
    len: usize,
}

impl<'a> Window<'a> {
    /// The window at `start` of `input` (see [`window_bytes`]).
    pub(crate) fn new(input: &'a [u8], start: usize, spare: &'a mut Option<WindowBytes>) -> Self {
        let len = (input.len() - start).min(WINDOW_SIZE);
        Window { bytes: window_bytes(input, start, len, spare), start, len }
    }

    /// Where the window starts in the input.
    #[inline(always)]
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    /// Its positions: [`WINDOW_SIZE`], or fewer at the input's end.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub(crate) fn u32_at(&self, pos: usize) -> u32 {
        let at = index(pos);
        bytes::u32_at(self.bytes, at)
    }

    #[inline(always)]
    pub(crate) fn u64_at(&self, pos: usize) -> u64 {
        let at = index(pos);
        bytes::u64_at(self.bytes, at)
    }

    #[inline(always)]
    pub(crate) fn byte_at(&self, pos: usize) -> u8 {
        self.bytes[index(pos)]
    }

    /// The 16 bytes from `pos` on.
    #[inline(always)]
    pub(crate) fn sixteen_at(&self, pos: usize) -> &[u8; 16] {
        let at = index(pos);
        self.bytes[at..at + 16].try_into().unwrap()
    }

    /// The bytes `from..to` (at most to [`len`](Self::len)).
    #[inline(always)]
    pub(crate) fn slice(&self, from: usize, to: usize) -> &[u8] {
        &self.bytes[from..to]
    }

    /// The length of the common prefix of the bytes at `a` and at `b`, at
    /// most `limit` (where `b + limit <= len`).
    #[inline(always)]
    pub(crate) fn match_len(&self, a: usize, b: usize, limit: usize) -> usize {
        super::extend::common_prefix(|at| self.u64_at(at), |at| self.byte_at(at), a, b, limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_reads_the_input_and_zeros_after_its_end() {
        let input: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut spare = Some([0xAA; WINDOW_SIZE + WINDOW_SLACK]);
        let first = Window::new(&input, 0, &mut spare);
        assert_eq!(first.len(), WINDOW_SIZE);
        // Its slack is the next window's start.
        assert_eq!(first.sixteen_at(WINDOW_SIZE - 8)[8..], input[WINDOW_SIZE..WINDOW_SIZE + 8]);
        let mut spare = Some([0xAA; WINDOW_SIZE + WINDOW_SLACK]);
        let last = Window::new(&input, WINDOW_SIZE, &mut spare);
        assert_eq!((last.start(), last.len()), (WINDOW_SIZE, 5000 - WINDOW_SIZE));
        assert_eq!(last.slice(0, last.len()), &input[WINDOW_SIZE..]);
        let end = last.len();
        assert_eq!(last.u64_at(end - 4).to_le_bytes(), [&input[5000 - 4..], &[0; 4][..]].concat()[..]);
        assert_eq!(last.u32_at(end), 0, "zeros after the input");
    }

    #[test]
    fn match_lengths_stop_at_the_first_difference_or_the_limit() {
        let mut input = vec![b'a'; 64];
        input.push(b'X');
        input.extend_from_slice(b"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123X");
        let mut spare = None;
        let w = Window::new(&input, 0, &mut spare);
        let (a, b) = (65, 65 + 36);
        for limit in 0..=31 {
            assert_eq!(w.match_len(a, b, limit), limit.min(30), "limit {limit}");
        }
        assert_eq!(w.match_len(0, 1, 63), 63, "overlapping");
        assert_eq!(w.match_len(0, 1, 64), 63, "the run ends");
    }
}
