//! LZ77 helpers shared by the three formats: the match copies every
//! decoder uses (`copy`), and the encoders' working memory (`arena`),
//! match finders (`matchfinder`, over `extend` and `window`), parsers and
//! parse buffer.

pub(crate) mod arena;
pub(crate) mod copy;
pub(crate) mod extend;
pub(crate) mod matchfinder;
pub(crate) mod parse;
#[cfg(feature = "std")]
pub(crate) mod run_on;
pub(crate) mod sequences;
pub(crate) mod window;

/// Counts decoder loop iterations, for tests that bound the work done on
/// hostile input. The decoders are generic over it, so the uncounted
/// version ([`NoCount`]) costs nothing.
pub(crate) trait WorkCounter {
    fn add(&mut self, n: u64);
}

/// Counting switched off.
pub(crate) struct NoCount;

impl WorkCounter for NoCount {
    #[inline(always)]
    fn add(&mut self, _: u64) {}
}

impl WorkCounter for u64 {
    #[inline(always)]
    fn add(&mut self, n: u64) {
        *self += n;
    }
}
