//! Compress then decompress: the first byte picks format and level.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msxca::{compress, decompress, Format, Level};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let format = Format::ALL[usize::from(selector % 3)];
    let level = Level::ALL[usize::from(selector / 3 % 2)];
    let packed = compress(format, level, input);
    assert!(packed.len() <= msxca::max_compressed_size(format, input.len()));
    assert_eq!(decompress(format, &packed, input.len()).unwrap(), input);
});
