//! The encoders' working memory: typed tables carved out of one byte
//! buffer, which is either a `Compressor`'s own or the workspace a caller
//! hands to `rtl::compress_buffer`. Nothing else is allocated while
//! compressing, so both paths run the same code on the same budget.

/// Hands out disjoint tables from a buffer, front to back.
pub(crate) struct Arena<'a> {
    words: &'a mut [u32],
}

impl<'a> Arena<'a> {
    /// The 4-byte aligned part of `bytes` (a caller's workspace need not be
    /// aligned; at most 3 bytes at each end go unused).
    pub(crate) fn new(bytes: &'a mut [u8]) -> Self {
        let (_, words, _) = bytemuck::pod_align_to_mut::<u8, u32>(bytes);
        Arena { words }
    }

    /// Bytes still free.
    pub(crate) fn bytes_left(&self) -> usize {
        self.words.len() * 4
    }

    fn take_words(&mut self, n: usize) -> &'a mut [u32] {
        let words = core::mem::take(&mut self.words);
        let (taken, rest) = words.split_at_mut(n.min(words.len()));
        self.words = rest;
        taken
    }

    /// `n` zeroed-or-stale `u32`s; fewer if the arena runs out (callers size
    /// their requests with [`bytes_left`](Self::bytes_left)).
    pub(crate) fn u32s(&mut self, n: usize) -> &'a mut [u32] {
        self.take_words(n)
    }

    /// `n` `u16`s (rounded up to whole words).
    pub(crate) fn u16s(&mut self, n: usize) -> &'a mut [u16] {
        let words = self.take_words(n.div_ceil(2));
        let have = words.len() * 2;
        &mut bytemuck::cast_slice_mut(words)[..n.min(have)]
    }

    /// `n` bytes (rounded up to whole words).
    pub(crate) fn bytes(&mut self, n: usize) -> &'a mut [u8] {
        let words = self.take_words(n.div_ceil(4));
        let have = words.len() * 4;
        &mut bytemuck::cast_slice_mut(words)[..n.min(have)]
    }

    /// `n` values of a plain type aligned to at most 4 bytes (rounded up
    /// to whole words); fewer if the arena runs out.
    pub(crate) fn groups<T: bytemuck::Pod>(&mut self, n: usize) -> &'a mut [T] {
        let size = core::mem::size_of::<T>();
        debug_assert!(size > 0 && core::mem::align_of::<T>() <= 4);
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(self.take_words((n * size).div_ceil(4)));
        let whole = bytes.len() / size;
        &mut bytemuck::cast_slice_mut(&mut bytes[..whole * size])[..n.min(whole)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_disjoint_and_bounded_by_the_buffer() {
        let mut buf = [0u8; 103];
        let mut arena = Arena::new(&mut buf[1..]);
        let total = arena.bytes_left();
        assert!((96..=100).contains(&total) && total % 4 == 0);
        let a = arena.u16s(5);
        let b = arena.groups::<[u16; 4]>(2);
        let c = arena.bytes(9);
        let d = arena.groups::<[u16; 1]>(3);
        assert_eq!((a.len(), b.len(), c.len(), d.len()), (5, 2, 9, 3));
        a.fill(0xAAAA);
        b.iter_mut().for_each(|g| *g = [0xBBBB; 4]);
        c.fill(0xCC);
        d.fill([0xDDDD]);
        assert!(a.iter().all(|&x| x == 0xAAAA) && b.iter().all(|g| g == &[0xBBBB; 4]));
        assert!(c.iter().all(|&x| x == 0xCC));
        assert_eq!(arena.bytes_left(), total - 12 - 16 - 12 - 8);
        assert_eq!(arena.u32s(1000).len(), (total - 48) / 4, "a request past the end gets what is left");
        assert_eq!(arena.bytes_left(), 0);
        assert!(arena.groups::<[u16; 4]>(1).is_empty(), "an empty arena gives nothing");
    }
}
