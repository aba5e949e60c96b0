//! Compress then decompress; the first byte picks the level.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msxca::{compress, decompress, max_compressed_size, Format, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let level = Level::ALL[usize::from(selector & 1)];
    let packed = compress(Format::XpressHuff, level, input);
    assert!(packed.len() <= max_compressed_size(Format::XpressHuff, input.len()));
    assert_eq!(decompress(Format::XpressHuff, &packed, input.len()).unwrap(), input);
});
