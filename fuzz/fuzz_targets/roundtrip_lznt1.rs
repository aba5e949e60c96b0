//! Compress then decompress; the first byte picks the level.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msxca::{compress, decompress, max_compressed_size, Format, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let level = Level::ALL[usize::from(selector & 1)];
    let packed = compress(Format::Lznt1, level, input);
    assert!(packed.len() <= max_compressed_size(Format::Lznt1, input.len()));
    assert_eq!(decompress(Format::Lznt1, &packed, input.len()).unwrap(), input);
});
