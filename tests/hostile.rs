//! Hostile input: truncations and corruptions of valid streams never
//! panic, never touch memory past the output, never leak stale bytes into
//! the result, and cost work linear in input plus output.

mod common;

use msxca::{compress, Decompressor, Format, Level};

/// Bytes past the output slice that must stay untouched.
const GUARD: usize = 64;

/// Decodes `input` into a `cap`-byte window of a larger buffer filled with
/// `fill`, checks the guard and the work bound, and returns the result and
/// the produced bytes.
fn decode_checked(format: Format, input: &[u8], cap: usize, fill: u8) -> (Result<usize, msxca::Error>, Vec<u8>) {
    let mut buf = vec![fill; cap + GUARD];
    let mut steps = 0u64;
    let result = Decompressor::new(format).decompress_counting(input, &mut buf[..cap], &mut steps);
    assert!(buf[cap..].iter().all(|&b| b == fill), "{format}: wrote past the output");
    let bound = 2 * (input.len() + cap) as u64 + 64;
    assert!(steps <= bound, "{format}: {steps} steps for {} input and {cap} output bytes", input.len());
    if let Ok(n) = result {
        assert!(n <= cap, "{format}: reported {n} bytes in a {cap}-byte buffer");
        assert!(buf[n..].iter().all(|&b| b == fill), "{format}: wrote past the {n} bytes it produced");
    }
    let produced = match result {
        Ok(n) => buf[..n].to_vec(),
        Err(_) => Vec::new(),
    };
    (result, produced)
}

/// Decoding into two differently pre-filled buffers agrees: nothing stale
/// reaches the caller.
fn decode_twice(format: Format, input: &[u8], cap: usize) {
    let (a, bytes_a) = decode_checked(format, input, cap, 0x00);
    let (b, bytes_b) = decode_checked(format, input, cap, 0xFF);
    assert_eq!(a, b, "{format}: results differ with the buffer's old contents");
    assert_eq!(bytes_a, bytes_b, "{format}: output depends on the buffer's old contents");
}

/// Every truncation and a spread of single-byte corruptions of a valid stream.
fn torture(format: Format, stream: &[u8], original_len: usize) {
    let caps = [original_len, original_len.saturating_sub(1), original_len + 1];
    // Every cut of small streams; a thousand spread cuts of large ones.
    for cut in (0..stream.len()).step_by((stream.len() / 1000).max(1)) {
        decode_twice(format, &stream[..cut], original_len);
    }
    let stride = (stream.len() / 400).max(1);
    let mut corrupted = stream.to_vec();
    for at in (0..stream.len()).step_by(stride) {
        let original = corrupted[at];
        for value in [original ^ 0xFF, original ^ 0x01, original ^ 0x80, 0x00, 0xFF] {
            corrupted[at] = value;
            for cap in caps {
                decode_twice(format, &corrupted, cap);
            }
        }
        corrupted[at] = original;
    }
}

fn text(len: usize) -> Vec<u8> {
    let words = ["alpha ", "beta ", "gamma ", "delta ", "\n", "epsilon ", "zeta "];
    let mut out = Vec::new();
    let mut i = 0usize;
    while out.len() < len {
        out.extend_from_slice(words[(i * 7 + i / 5) % words.len()].as_bytes());
        if i % 13 == 0 {
            out.extend(std::iter::repeat_n(b'-', i % 40));
        }
        i += 1;
    }
    out.truncate(len);
    out
}

#[test]
fn our_streams_survive_truncation_and_corruption() {
    for format in Format::ALL {
        for len in [0usize, 1, 50, 700, 5000] {
            let original = text(len);
            let stream = compress(format, Level::Standard, &original);
            torture(format, &stream, original.len());
        }
    }
}

#[test]
fn multi_block_huffman_stream_survives_corruption() {
    let original = text(140_000);
    let stream = compress(Format::XpressHuff, Level::Maximum, &original);
    let mut corrupted = stream.clone();
    for at in (0..stream.len()).step_by(97) {
        corrupted[at] ^= 0x5A;
        decode_twice(Format::XpressHuff, &corrupted, original.len());
        corrupted[at] = stream[at];
    }
    for cut in (0..stream.len()).step_by(61) {
        decode_twice(Format::XpressHuff, &stream[..cut], original.len());
    }
}

#[test]
fn spec_examples_survive_truncation_and_corruption() {
    let Some(dir) = common::examples_dir() else {
        eprintln!("spec_examples_survive_truncation_and_corruption: skipped, no ../shared/spec/examples");
        return;
    };
    for ex in common::examples(&dir) {
        let len = ex.expected.as_ref().map_or(4096, Vec::len);
        torture(ex.format, &ex.compressed, len);
    }
}

#[test]
fn windows_vectors_survive_corruption() {
    let Some(windows) = common::windows_dir("windows_vectors_survive_corruption") else { return };
    for v in common::windows_vectors(&windows).iter().filter(|v| !v.is_stored() && v.compressed.len() < 3000) {
        torture(v.format, &v.compressed, v.original.len());
    }
}

#[test]
fn huffman_trailing_tables_cost_linear_work() {
    // A complete stream followed by thousands of valid 260-byte "blocks"
    // that decode nothing: Windows parses every one, and so do we.
    let original = text(1000);
    let mut stream = compress(Format::XpressHuff, Level::Standard, &original);
    // Literals of length 8, matches unused: a complete code.
    let mut table = vec![0x88u8; 128];
    table.resize(256, 0);
    table.extend_from_slice(&[0, 0, 0, 0]);
    for _ in 0..5000 {
        stream.extend_from_slice(&table);
    }
    let (result, bytes) = decode_checked(Format::XpressHuff, &stream, original.len(), 0);
    assert_eq!(result, Ok(original.len()));
    assert_eq!(bytes, original);
    // An invalid one among them is an error.
    let at = stream.len() - 260;
    stream[at] = 0xFF;
    assert!(decode_checked(Format::XpressHuff, &stream, original.len(), 0).0.is_err());
}

#[test]
fn lznt1_many_tiny_chunks_cost_linear_work() {
    // 3-byte chunks each standing for 4096 bytes: output-bound zero fill.
    let mut stream = Vec::new();
    for _ in 0..10_000 {
        stream.extend_from_slice(&[0x00, 0xB0, 0x00]); // compressed chunk, only a flag byte
    }
    for cap in [0usize, 1, 4096, 1 << 20, 64 << 20] {
        let (result, _) = decode_checked(Format::Lznt1, &stream, cap, 7);
        assert!(result.is_ok(), "cap {cap}: {result:?}");
    }
}

#[test]
fn huge_declared_lengths_fail_fast() {
    // Plain LZ77 case E: a 4 GiB match after one literal.
    let stream = [0x00, 0x00, 0x00, 0x40, b'x', 0x07, 0x00, 0x0F, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
    let (result, _) = decode_checked(Format::Xpress, &stream, 1 << 16, 0);
    assert_eq!(result.unwrap_err().kind(), msxca::ErrorKind::OutputTooSmall);
}

#[test]
fn lznt1_fragments_of_damaged_streams_never_panic() {
    use msxca::rtl::{decompress_fragment, COMPRESSION_FORMAT_LZNT1};
    let original = text(10_000);
    let stream = compress(Format::Lznt1, Level::Standard, &original);
    let mut corrupted = stream.clone();
    let mut workspace = vec![0u8; 4096];
    for at in (0..stream.len()).step_by(7) {
        corrupted[at] ^= 0xA5;
        for cut in [stream.len(), at + 1, at / 2] {
            for (offset, cap) in [(0u32, 10_000usize), (1, 100), (4095, 5000), (5000, 3000), (9999, 1), (20_000, 10)] {
                let mut out = vec![0u8; cap];
                let mut size = 0;
                let status = decompress_fragment(
                    COMPRESSION_FORMAT_LZNT1,
                    &mut out,
                    &corrupted[..cut],
                    offset,
                    &mut size,
                    &mut workspace,
                );
                if status.is_success() {
                    assert!(size as usize <= cap);
                }
            }
        }
        corrupted[at] = stream[at];
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Every single-bit flip of a small stream, and every truncation of it,
    /// decodes to `Ok` or `Err` without panicking or depending on the
    /// output buffer's old contents.
    #[test]
    fn every_bit_flip_and_truncation_of_small_streams_is_handled(
        words in proptest::collection::vec(0usize..6, 0..60),
        maximum in proptest::bool::ANY,
    ) {
        let vocabulary = ["abc", "abcabc", "xyz ", "\0\0\0\0", "q", "hello world "];
        let original: Vec<u8> = words.iter().flat_map(|&w| vocabulary[w].bytes()).collect();
        let level = if maximum { Level::Maximum } else { Level::Standard };
        for format in Format::ALL {
            let stream = compress(format, level, &original);
            for cut in 0..stream.len() {
                decode_twice(format, &stream[..cut], original.len());
            }
            let mut flipped = stream.clone();
            for bit in 0..stream.len() * 8 {
                flipped[bit / 8] ^= 1 << (bit % 8);
                decode_twice(format, &flipped, original.len());
                flipped[bit / 8] ^= 1 << (bit % 8);
            }
        }
    }
}
