//! Damaged and cut-short streams: the decoders say how much of their
//! output is right (`Decompressor::decompress_partial`).

use msxca::{compress, Decompressor, Error, Format, Level};

fn sample() -> Vec<u8> {
    let mut data = Vec::new();
    for i in 0..6000u32 {
        data.extend_from_slice(
            format!("prefetch trace entry {i}: \\VOLUME{{{}}}\\WINDOWS\\SYSTEM32\\", i % 7).as_bytes(),
        );
    }
    data
}

/// Decodes `stream`, which must fail, and checks what it says is right.
fn valid_prefix(format: Format, stream: &[u8], original: &[u8]) -> usize {
    let mut out = vec![0u8; original.len()];
    match Decompressor::new(format).decompress_partial(stream, &mut out) {
        Err(Error::PartialOutput { valid, source }) => {
            assert!(valid <= original.len(), "{format}: {valid}");
            assert!(out[..valid] == original[..valid], "{format}: the first {valid} bytes ({source})");
            valid
        }
        other => panic!("{format}: {other:?}"),
    }
}

#[test]
fn cut_short_streams_keep_what_was_decoded() {
    let original = sample();
    for format in Format::ALL {
        let stream = compress(format, Level::Standard, &original);
        for fraction in [1, 3, 5, 7, 9] {
            let cut = stream.len() * fraction / 10;
            let valid = valid_prefix(format, &stream[..cut], &original);
            // The data before the cut is mostly recovered: at least half of
            // what the kept part stands for, less a chunk or block.
            let stands_for = original.len() * cut / stream.len();
            let slack = if format == Format::Lznt1 { 4096 } else { 512 };
            assert!(valid + slack >= stands_for / 2, "{format} cut at {cut}: {valid} of ~{stands_for}");
        }
    }
}

#[test]
fn damaged_streams_keep_what_came_before_the_damage() {
    let original = sample();
    for format in Format::ALL {
        let stream = compress(format, Level::Standard, &original);
        let at = stream.len() / 2;
        // What the stream up to the damage decodes to is right whatever
        // follows (bytes after the damage may decode to wrong data before
        // an error shows: the decoder cannot tell).
        let before = valid_prefix(format, &stream[..at], &original);
        let mut damaged = stream.clone();
        damaged[at..at + 64].fill(0xFF);
        let mut out = vec![0u8; original.len()];
        match Decompressor::new(format).decompress_partial(&damaged, &mut out) {
            Err(Error::PartialOutput { valid, .. }) => {
                let sure = valid.min(before);
                assert!(out[..sure] == original[..sure], "{format}");
                assert!(valid >= before.saturating_sub(4096), "{format}: {valid} < {before}");
            }
            // Damage may decode to other bytes without any error: then it
            // is not detected, and nothing more is promised.
            Ok(_) => {}
            Err(other) => panic!("{format}: {other}"),
        }
    }
}

#[test]
fn intact_streams_decode_as_ever() {
    let original = sample();
    for format in Format::ALL {
        let stream = compress(format, Level::new(5).unwrap(), &original);
        let mut out = vec![0u8; original.len()];
        let n = Decompressor::new(format).decompress_partial(&stream, &mut out).unwrap();
        assert_eq!(n, original.len());
        assert!(out == original);
    }
}
