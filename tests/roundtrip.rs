//! Everything the encoders write decodes, with our strict decoder, to the
//! input; and never exceeds `max_compressed_size`.

mod common;

use msxca::{compress, decompress, max_compressed_size, Compressor, Decompressor, Format, Level};

/// Windows' engines and every numbered level.
const LEVELS: [Level; 11] = {
    let mut levels = [Level::Standard; 11];
    levels[1] = Level::Maximum;
    let mut n = 0;
    while n < 9 {
        levels[2 + n] = Level::NUMBERED[n];
        n += 1;
    }
    levels
};
use proptest::prelude::*;

fn roundtrip(format: Format, level: Level, input: &[u8]) {
    let mut c = Compressor::new(format, level);
    let bound = max_compressed_size(format, input.len());
    let mut out = vec![0u8; bound];
    let n = c.compress_into(input, &mut out).unwrap_or_else(|e| panic!("{format} {level}: {e}"));
    assert!(n <= bound, "{format} {level}: {n} > bound {bound}");
    let mut back = vec![0xEEu8; input.len()];
    let m = Decompressor::new(format)
        .decompress_into(&out[..n], &mut back)
        .unwrap_or_else(|e| panic!("{format} {level}: {} bytes: {e}", input.len()));
    assert_eq!(m, input.len(), "{format} {level}");
    assert!(back == input, "{format} {level}: round trip differs ({} bytes)", input.len());
}

fn all_roundtrips(input: &[u8]) {
    for format in Format::ALL {
        for level in LEVELS {
            roundtrip(format, level, input);
        }
    }
}

/// Inputs built from a few repeated fragments, so that they compress.
fn compressible() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop::collection::vec(any::<u8>(), 1..40);
    (prop::collection::vec(fragment, 1..6), prop::collection::vec((0usize..6, 0usize..300), 0..200)).prop_map(
        |(fragments, picks)| {
            let mut out = Vec::new();
            for (which, repeat) in picks {
                let f = &fragments[which % fragments.len()];
                for _ in 0..(repeat % 7 + 1) {
                    out.extend_from_slice(f);
                }
                if repeat > 250 {
                    out.extend(std::iter::repeat_n(f[0], repeat * 3));
                }
            }
            out
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn compressible_inputs_round_trip(input in compressible()) {
        all_roundtrips(&input);
    }

    #[test]
    fn random_inputs_round_trip(input in prop::collection::vec(any::<u8>(), 0..5000)) {
        all_roundtrips(&input);
    }
}

#[test]
fn empty_and_tiny_inputs_round_trip() {
    for len in 0..=64 {
        let input: Vec<u8> = (0..len).map(|i| (i % 3) as u8 + b'a').collect();
        all_roundtrips(&input);
    }
}

#[test]
fn sizes_around_4k_and_64k_multiples_round_trip() {
    let text: Vec<u8> = b"The quick brown fox jumps over the lazy dog; "
        .iter()
        .cycle()
        .take(200_000)
        .enumerate()
        .map(|(i, &b)| if i % 97 == 0 { (i >> 7) as u8 } else { b })
        .collect();
    for base in [4096usize, 8192, 65536, 131072] {
        for delta in [-3i64, -1, 0, 1, 2, 41] {
            let len = (base as i64 + delta) as usize;
            all_roundtrips(&text[..len]);
        }
    }
}

#[test]
fn degenerate_inputs_round_trip() {
    // Long runs (single matches longer than a 64 KiB block, and case-E
    // lengths in plain LZ77), and a run after random data.
    let zeros = vec![0u8; 300_000];
    all_roundtrips(&zeros);
    let mut mixed: Vec<u8> = (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    mixed.extend(std::iter::repeat_n(7u8, 70_000));
    all_roundtrips(&mixed);
}

#[test]
fn very_long_runs_use_32_bit_lengths() {
    let ones = vec![1u8; 70_000];
    for format in [Format::Xpress, Format::XpressHuff] {
        let c = compress(format, Level::Standard, &ones);
        assert!(c.len() < 400, "{format}: {} bytes", c.len());
        assert_eq!(decompress(format, &c, ones.len()).unwrap(), ones);
    }
}

#[test]
fn windows_originals_round_trip() {
    let Some(windows) = common::windows_dir("windows_originals_round_trip") else {
        return;
    };
    let mut names: Vec<_> =
        std::fs::read_dir(windows.join("decompressed")).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        let data = std::fs::read(&path).unwrap();
        all_roundtrips(&data);
    }
}

#[test]
fn compressor_reuse_gives_identical_output() {
    let a: Vec<u8> = b"abcabcabdabcabd".iter().cycle().take(20_000).copied().collect();
    let b: Vec<u8> = (0..9000u32).map(|i| ((i * i) >> 5) as u8).collect();
    for format in Format::ALL {
        for level in LEVELS {
            let mut c = Compressor::new(format, level);
            let mut out1 = vec![0u8; max_compressed_size(format, a.len())];
            let mut out2 = out1.clone();
            let n1 = c.compress_into(&a, &mut out1).unwrap();
            let mut scratch = vec![0u8; max_compressed_size(format, b.len())];
            c.compress_into(&b, &mut scratch).unwrap();
            let n2 = c.compress_into(&a, &mut out2).unwrap();
            assert_eq!(out1[..n1], out2[..n2], "{format} {level}");
        }
    }
}

#[test]
fn too_small_output_is_an_error_not_a_truncated_stream() {
    // Compressible and incompressible stretches, so that the output runs
    // out in literal runs, in match tokens and between blocks or chunks.
    let mut input: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8 ^ (i / 1000) as u8).collect();
    input.extend(common::noise(3000, 7));
    for format in Format::ALL {
        for level in LEVELS {
            let full = compress(format, level, &input);
            let mut compressor = Compressor::new(format, level);
            // Every capacity short of the stream fails cleanly; Windows'
            // engines, as on Windows, may instead fit another valid stream
            // (stored chunks, literals near the output's end).
            let windows = Level::ALL.contains(&level);
            for cap in (0..full.len()).step_by(37).chain([full.len() - 1]) {
                let mut out = vec![0u8; cap];
                match compressor.compress_into(&input, &mut out) {
                    Err(err) => assert_eq!(err.kind(), msxca::ErrorKind::OutputTooSmall, "{format} {level} {cap}"),
                    Ok(n) => {
                        assert!(windows, "{format} {level} capacity {cap}: {n} bytes, shorter than {}", full.len());
                        let back = decompress(format, &out[..n], input.len());
                        assert!(back.as_deref() == Ok(&input[..]), "{format} {level} capacity {cap}");
                    }
                }
            }
            // ...and the exact size gives the same stream, after all those failures.
            let mut out = vec![0u8; full.len()];
            let n = compressor.compress_into(&input, &mut out).unwrap();
            assert!(out[..n] == full[..], "{format} {level}");
        }
    }
}

/// `len` bytes that repeat with period 20 after 20 random ones, then 20
/// more random ones: one match of exactly `len - 20` at distance 20.
fn one_match_of(len: usize, seed: u32) -> Vec<u8> {
    let random = common::noise(40, seed);
    let mut data = random[..20].to_vec();
    for i in 20..len {
        data.push(data[i - 20]);
    }
    data.extend_from_slice(&random[20..]);
    data
}

#[test]
fn match_lengths_at_every_escape_threshold_round_trip() {
    // Plain: 9/10 (nibble), 24/25 (byte), 279/280 (u16), 65538/65539 (u32).
    // Huffman: 17/18 (byte), 272/273 (u16), 65538/65539 (u32).
    // LZNT1: the longest copy for each displacement width.
    let thresholds = [3usize, 4, 9, 10, 17, 18, 24, 25, 32, 33, 272, 273, 279, 280, 4098, 4099, 65538, 65539, 70_000];
    for &len in &thresholds {
        let data = one_match_of(20 + len, len as u32);
        all_roundtrips(&data);
    }
    for offset in 1..=40usize {
        let mut data: Vec<u8> = (0..offset as u8).map(|b| b.wrapping_mul(37)).collect();
        for i in offset..offset + 100 {
            data.push(data[i - offset]);
        }
        all_roundtrips(&data);
    }
}

#[test]
fn incompressible_tails_of_every_length_round_trip() {
    // The standard parser steps over misses faster and faster; stepping
    // past the end of the input (or of a 64 KiB stretch) must not count.
    let noise = common::noise(140_000, 0x2545_F491);
    for len in [300usize, 1000, 4099, 65_536, 65_539, 70_001, 140_000] {
        for format in Format::ALL {
            roundtrip(format, Level::Standard, &noise[..len]);
        }
    }
}
