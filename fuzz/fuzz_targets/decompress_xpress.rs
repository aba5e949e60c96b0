//! Arbitrary input and output size: no panic, nothing past the output, and
//! the same result whatever the output buffer held before.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msxca::{Decompressor, Format};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let size = usize::from(u16::from_le_bytes([data[0], data[1]])) << (data[2] & 7);
    let input = &data[3..];
    let mut a = vec![0x00u8; size + 16];
    let mut b = vec![0xFFu8; size + 16];
    let ra = Decompressor::new(Format::Xpress).decompress_into(input, &mut a[..size]);
    let rb = Decompressor::new(Format::Xpress).decompress_into(input, &mut b[..size]);
    assert_eq!(ra, rb);
    assert!(a[size..].iter().all(|&x| x == 0x00) && b[size..].iter().all(|&x| x == 0xFF));
    if let Ok(n) = ra {
        assert!(n <= size);
        assert_eq!(a[..n], b[..n]);
    }
});
