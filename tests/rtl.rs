//! `msxca::rtl` against WINDOWS-SEMANTICS.md: one test per rule of §2–§4
//! and per row of the tables in §5.1, §6, §7 and §9.

mod common;

use msxca::rtl::*;

const SEED: u32 = 0xDEAD_BEEF;

fn workspace(format_and_engine: u16) -> Vec<u8> {
    let (mut c, mut f) = (0, 0);
    assert_eq!(get_compression_workspace_size(format_and_engine, &mut c, &mut f), NtStatus::SUCCESS);
    vec![0u8; c.max(f) as usize]
}

fn compress(format_and_engine: u16, data: &[u8]) -> Vec<u8> {
    let mut ws = workspace(format_and_engine);
    let mut out = vec![0u8; data.len() * 2 + 1024];
    let mut size = SEED;
    let status = compress_buffer(format_and_engine, data, &mut out, 4096, &mut size, &mut ws);
    assert!(status.is_success(), "{status}");
    out.truncate(size as usize);
    out
}

/// Decodes with `RtlDecompressBufferEx` into `cap` bytes (plus a guard byte).
fn decompress_ex(format: u16, compressed: &[u8], cap: usize) -> (NtStatus, u32, Vec<u8>) {
    let mut out = vec![0xCCu8; cap + 1];
    let mut ws = workspace(format & 0xFF);
    let mut size = SEED;
    let status = decompress_buffer_ex(format, &mut out[..cap], compressed, &mut size, Some(&mut ws));
    assert_eq!(out[cap], 0xCC, "wrote past the output");
    out.truncate(cap);
    (status, size, out)
}

fn text(len: usize) -> Vec<u8> {
    b"Windows compresses with the formats of the MS-XCA specification. ".iter().cycle().take(len).copied().collect()
}

// ---- §1.2 and §2: statuses and argument checks --------------------------------

#[test]
fn ntstatus_values_names_and_success() {
    assert_eq!(NtStatus::BAD_COMPRESSION_BUFFER.0, 0xC000_0242);
    assert_eq!(NtStatus::BUFFER_ALL_ZEROS.to_string(), "STATUS_BUFFER_ALL_ZEROS");
    assert!(NtStatus::SUCCESS.is_success() && NtStatus::BUFFER_ALL_ZEROS.is_success());
    assert!(!NtStatus::BUFFER_TOO_SMALL.is_success() && !NtStatus::UNSUPPORTED_COMPRESSION.is_success());
}

#[test]
fn s2_format_none_and_default_are_invalid_parameter() {
    for format in [COMPRESSION_FORMAT_NONE, COMPRESSION_FORMAT_DEFAULT, COMPRESSION_ENGINE_MAXIMUM] {
        let (mut c, mut f) = (SEED, SEED);
        assert_eq!(get_compression_workspace_size(format, &mut c, &mut f), NtStatus::INVALID_PARAMETER);
        assert_eq!((c, f), (SEED, SEED), "outputs untouched");
        let mut size = SEED;
        assert_eq!(decompress_buffer(format, &mut [0; 16], &[0; 16], &mut size), NtStatus::INVALID_PARAMETER);
        assert_eq!(
            compress_buffer(format, b"abc", &mut [0; 64], 4096, &mut size, &mut [0; 16]),
            NtStatus::INVALID_PARAMETER
        );
        assert_eq!(size, SEED);
    }
}

#[test]
fn s2_unknown_format_is_unsupported_compression() {
    for format in [0x05u16, 0x08, 0xFF] {
        let (mut c, mut f) = (SEED, SEED);
        assert_eq!(get_compression_workspace_size(format, &mut c, &mut f), NtStatus::UNSUPPORTED_COMPRESSION);
        let mut size = SEED;
        assert_eq!(
            decompress_buffer_ex(format, &mut [0; 16], &[0; 16], &mut size, None),
            NtStatus::UNSUPPORTED_COMPRESSION
        );
        assert_eq!(
            decompress_fragment(format, &mut [0; 16], &[0; 16], 0, &mut size, &mut [0; 4096]),
            NtStatus::UNSUPPORTED_COMPRESSION
        );
        assert_eq!(size, SEED);
    }
}

#[test]
fn s2_bad_engine_is_not_supported_for_compression_only() {
    for engine in [COMPRESSION_ENGINE_HIBER, 0x0300, COMPRESSION_ENGINE_MAXIMUM | COMPRESSION_ENGINE_HIBER] {
        let (mut c, mut f) = (SEED, SEED);
        let format = COMPRESSION_FORMAT_LZNT1 | engine;
        assert_eq!(get_compression_workspace_size(format, &mut c, &mut f), NtStatus::NOT_SUPPORTED);
        let mut size = SEED;
        assert_eq!(
            compress_buffer(format, b"abc", &mut [0; 64], 4096, &mut size, &mut [0; 1 << 20]),
            NtStatus::NOT_SUPPORTED
        );
        assert_eq!(size, SEED);
    }
    // Checked after the format: an unknown format with a bad engine is unsupported.
    let (mut c, mut f) = (0, 0);
    assert_eq!(
        get_compression_workspace_size(0xFF | COMPRESSION_ENGINE_HIBER, &mut c, &mut f),
        NtStatus::UNSUPPORTED_COMPRESSION
    );
}

#[test]
fn s2_decompression_ignores_the_engine() {
    let packed = compress(COMPRESSION_FORMAT_LZNT1, &text(5000));
    for engine in [COMPRESSION_ENGINE_MAXIMUM, COMPRESSION_ENGINE_HIBER, 0xFF00] {
        let mut out = vec![0u8; 5000];
        let mut size = 0;
        assert_eq!(
            decompress_buffer(COMPRESSION_FORMAT_LZNT1 | engine, &mut out, &packed, &mut size),
            NtStatus::SUCCESS
        );
        assert_eq!(out, text(5000));
    }
}

// ---- §3: workspace sizes -------------------------------------------------------

#[test]
fn s3_workspace_sizes_are_windows_x64_values() {
    let expected = [
        (COMPRESSION_FORMAT_LZNT1, 65568, 4096),
        (COMPRESSION_FORMAT_LZNT1 | COMPRESSION_ENGINE_MAXIMUM, 32, 4096),
        (COMPRESSION_FORMAT_XPRESS, 61223, 0),
        (COMPRESSION_FORMAT_XPRESS | COMPRESSION_ENGINE_MAXIMUM, 393223, 0),
        (COMPRESSION_FORMAT_XPRESS_HUFF, 166495, 5161),
        (COMPRESSION_FORMAT_XPRESS_HUFF | COMPRESSION_ENGINE_MAXIMUM, 1415999, 5161),
    ];
    if cfg!(target_pointer_width = "64") {
        for (format, compress, fragment) in expected {
            let (mut c, mut f) = (0, 0);
            assert_eq!(get_compression_workspace_size(format, &mut c, &mut f), NtStatus::SUCCESS);
            assert_eq!((c, f), (compress, fragment), "format {format:#x}");
        }
    }
}

// ---- §4: RtlCompressBuffer ---------------------------------------------------------

#[test]
fn s4_compress_round_trips_for_every_format_and_engine() {
    let data = text(150_000);
    for format in [COMPRESSION_FORMAT_LZNT1, COMPRESSION_FORMAT_XPRESS, COMPRESSION_FORMAT_XPRESS_HUFF] {
        for engine in [COMPRESSION_ENGINE_STANDARD, COMPRESSION_ENGINE_MAXIMUM] {
            let packed = compress(format | engine, &data);
            assert!(packed.len() < data.len() / 10);
            let (status, size, out) = decompress_ex(format, &packed, data.len());
            assert_eq!(
                (status, size as usize),
                (NtStatus::SUCCESS, data.len()),
                "format {format:#x} engine {engine:#x}"
            );
            assert!(out == data);
        }
    }
}

#[test]
fn s4_workspace_smaller_than_reported_is_invalid_parameter() {
    for format in [COMPRESSION_FORMAT_LZNT1, COMPRESSION_FORMAT_XPRESS, COMPRESSION_FORMAT_XPRESS_HUFF] {
        let mut ws = workspace(format);
        ws.pop();
        let mut size = SEED;
        let status = compress_buffer(format, &text(1000), &mut [0; 2000], 4096, &mut size, &mut ws);
        assert_eq!((status, size), (NtStatus::INVALID_PARAMETER, SEED));
    }
}

#[test]
fn s4_the_workspace_holds_the_encoder_whatever_it_held_before_and_however_aligned() {
    // The tables live in the caller's workspace (tests/alloc.rs shows no
    // heap is used); the output is the core encoder's, byte for byte.
    let data: Vec<u8> = text(150_000).iter().enumerate().map(|(i, &b)| b ^ ((i * i) >> 11) as u8).collect();
    for format in [COMPRESSION_FORMAT_LZNT1, COMPRESSION_FORMAT_XPRESS, COMPRESSION_FORMAT_XPRESS_HUFF] {
        for engine in [COMPRESSION_ENGINE_STANDARD, COMPRESSION_ENGINE_MAXIMUM] {
            let format_and_engine = format | engine;
            let f = msxca::Format::from_windows_id(format).unwrap();
            let level = if engine == 0 { msxca::Level::Standard } else { msxca::Level::Maximum };
            let core = msxca::compress(f, level, &data);
            let needed = workspace(format_and_engine).len();
            for (fill, skew) in [(0u8, 0usize), (0xA5, 1), (0xFF, 3)] {
                let mut ws = vec![fill; needed + skew];
                let mut out = vec![0u8; core.len() + 1024];
                let mut size = SEED;
                let status = compress_buffer(format_and_engine, &data, &mut out, 4096, &mut size, &mut ws[skew..]);
                assert_eq!(status, NtStatus::SUCCESS, "{format_and_engine:#x}");
                assert!(out[..size as usize] == core[..], "{format_and_engine:#x} fill {fill:#x} skew {skew}");
            }
        }
    }
}

#[test]
fn s4_1_lznt1_headers_carry_signature_3() {
    let packed = compress(COMPRESSION_FORMAT_LZNT1, &text(10_000));
    let header = u16::from_le_bytes([packed[0], packed[1]]);
    assert_eq!(header & 0x7000, 0x3000);
}

#[test]
fn s4_1_lznt1_winewinewine_compresses_below_13_bytes() {
    let packed = compress(COMPRESSION_FORMAT_LZNT1, b"WineWineWine\0");
    assert!(packed.len() < 13, "{} bytes", packed.len());
}

#[test]
fn s4_1_lznt1_into_4_bytes_is_buffer_too_small() {
    let mut ws = workspace(COMPRESSION_FORMAT_LZNT1);
    let mut size = SEED;
    let status = compress_buffer(COMPRESSION_FORMAT_LZNT1, b"WineWineWine\0", &mut [0; 4], 4096, &mut size, &mut ws);
    assert_eq!(status, NtStatus::BUFFER_TOO_SMALL);
}

#[test]
fn s4_1_lznt1_end_marker_written_when_it_fits_and_not_counted() {
    let mut ws = workspace(COMPRESSION_FORMAT_LZNT1);
    let mut out = vec![0xAAu8; 200];
    let mut size = 0;
    assert_eq!(
        compress_buffer(COMPRESSION_FORMAT_LZNT1, &text(100), &mut out, 4096, &mut size, &mut ws),
        NtStatus::SUCCESS
    );
    assert_eq!(&out[size as usize..size as usize + 2], &[0, 0]);
    // Exactly the stream's size: no room for the marker, same result.
    let mut tight = vec![0xAAu8; size as usize];
    let mut size2 = 0;
    assert_eq!(
        compress_buffer(COMPRESSION_FORMAT_LZNT1, &text(100), &mut tight, 4096, &mut size2, &mut ws),
        NtStatus::SUCCESS
    );
    assert_eq!((size2, &tight[..]), (size, &out[..size as usize]));
}

#[test]
fn s4_1_lznt1_all_zero_input_is_buffer_all_zeros_with_valid_output() {
    let zeros = vec![0u8; 10_000];
    let mut ws = workspace(COMPRESSION_FORMAT_LZNT1);
    let mut out = vec![0u8; 1000];
    let mut size = SEED;
    let status = compress_buffer(COMPRESSION_FORMAT_LZNT1, &zeros, &mut out, 4096, &mut size, &mut ws);
    assert_eq!(status, NtStatus::BUFFER_ALL_ZEROS);
    assert!(status.is_success());
    let (status, n, back) = decompress_ex(COMPRESSION_FORMAT_LZNT1, &out[..size as usize], zeros.len());
    assert_eq!((status, n as usize), (NtStatus::SUCCESS, zeros.len()));
    assert_eq!(back, zeros);
    // Other formats never answer it.
    let mut ws = workspace(COMPRESSION_FORMAT_XPRESS);
    assert_eq!(
        compress_buffer(COMPRESSION_FORMAT_XPRESS, &zeros, &mut out, 4096, &mut size, &mut ws),
        NtStatus::SUCCESS
    );
}

#[test]
fn s4_lznt1_chunk_size_argument_does_not_change_the_chunks() {
    let data = text(20_000);
    let mut ws = workspace(COMPRESSION_FORMAT_LZNT1);
    let mut outputs = Vec::new();
    for chunk in [512u32, 1024, 2048, 4096] {
        let mut out = vec![0u8; 30_000];
        let mut size = 0;
        assert_eq!(
            compress_buffer(COMPRESSION_FORMAT_LZNT1, &data, &mut out, chunk, &mut size, &mut ws),
            NtStatus::SUCCESS
        );
        out.truncate(size as usize);
        outputs.push(out);
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn s4_3_xpress_huff_output_under_300_bytes_is_buffer_too_small() {
    let mut ws = workspace(COMPRESSION_FORMAT_XPRESS_HUFF);
    let mut size = SEED;
    let status = compress_buffer(COMPRESSION_FORMAT_XPRESS_HUFF, b"abc", &mut [0; 299], 4096, &mut size, &mut ws);
    assert_eq!((status, size), (NtStatus::BUFFER_TOO_SMALL, SEED));
    let status = compress_buffer(COMPRESSION_FORMAT_XPRESS_HUFF, b"abc", &mut [0; 300], 4096, &mut size, &mut ws);
    assert_eq!(status, NtStatus::SUCCESS);
}

#[test]
fn s4_3_xpress_huff_refuses_a_buffer_that_would_fit_exactly() {
    // The `>=` rule: the exact compressed size is not enough room.
    let data = text(5000);
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &data);
    let mut ws = workspace(COMPRESSION_FORMAT_XPRESS_HUFF);
    let mut size = SEED;
    let mut out = vec![0u8; packed.len().max(300)];
    let status = compress_buffer(COMPRESSION_FORMAT_XPRESS_HUFF, &data, &mut out, 4096, &mut size, &mut ws);
    assert_eq!(status, NtStatus::BUFFER_TOO_SMALL);
    // With the estimate's room it succeeds and gives the same stream.
    let mut out = vec![0u8; packed.len() + 64];
    assert_eq!(
        compress_buffer(COMPRESSION_FORMAT_XPRESS_HUFF, &data, &mut out, 4096, &mut size, &mut ws),
        NtStatus::SUCCESS
    );
    assert_eq!(&out[..size as usize], &packed[..]);
}

#[test]
fn s4_too_small_output_is_buffer_too_small_for_every_format() {
    let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 253) as u8 ^ (i >> 9) as u8).collect();
    for format in [COMPRESSION_FORMAT_LZNT1, COMPRESSION_FORMAT_XPRESS, COMPRESSION_FORMAT_XPRESS_HUFF] {
        let packed = compress(format, &data);
        let mut ws = workspace(format);
        let mut size = SEED;
        let mut out = vec![0u8; packed.len() / 2];
        assert_eq!(compress_buffer(format, &data, &mut out, 4096, &mut size, &mut ws), NtStatus::BUFFER_TOO_SMALL);
        assert_eq!(size, SEED);
    }
}

// ---- §5: RtlDecompressBuffer -----------------------------------------------------------

#[test]
fn s5_decompress_buffer_xpress_huff_is_invalid_user_buffer() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &text(1000));
    let mut out = vec![0u8; 1000];
    let mut size = SEED;
    assert_eq!(
        decompress_buffer(COMPRESSION_FORMAT_XPRESS_HUFF, &mut out, &packed, &mut size),
        NtStatus::INVALID_USER_BUFFER
    );
    assert_eq!(size, SEED);
}

/// "abcabcab" as LZNT1: three literals then a copy (displacement 3, length 5).
const LZNT1_ABC: [u8; 8] = [0x05, 0xB0, 0x08, b'a', b'b', b'c', 0x02, 0x20];

fn lznt1(input: &[u8], cap: usize) -> (NtStatus, u32, Vec<u8>) {
    let mut out = vec![0xCCu8; cap + 1];
    let mut size = SEED;
    let status = decompress_buffer(COMPRESSION_FORMAT_LZNT1, &mut out[..cap], input, &mut size);
    assert_eq!(out[cap], 0xCC, "nothing written beyond the output");
    out.truncate(cap);
    (status, size, out)
}

#[test]
fn s5_1_valid_with_capacity_at_least_full_size_succeeds() {
    let (status, size, out) = lznt1(&LZNT1_ABC, 100);
    assert_eq!((status, size), (NtStatus::SUCCESS, 8));
    assert_eq!(&out[..8], b"abcabcab");
    assert!(out[8..].iter().all(|&b| b == 0xCC), "nothing written beyond the data");
}

#[test]
fn s5_1_cut_after_a_literal_succeeds_truncated() {
    let stream = [0x03, 0xB0, 0x00, b'a', b'b', b'c'];
    let (status, size, out) = lznt1(&stream, 2);
    assert_eq!((status, size, &out[..]), (NtStatus::SUCCESS, 2, &b"ab"[..]));
}

#[test]
fn s5_1_cut_inside_a_copy_is_bad_compression_buffer() {
    let (status, size, _) = lznt1(&LZNT1_ABC, 7);
    assert_eq!((status, size), (NtStatus::BAD_COMPRESSION_BUFFER, SEED));
}

#[test]
fn s5_1_capacity_zero_with_complete_first_chunk_succeeds_empty() {
    assert_eq!(lznt1(&LZNT1_ABC, 0).0, NtStatus::SUCCESS);
    assert_eq!(lznt1(&LZNT1_ABC, 0).1, 0);
}

#[test]
fn s5_1_capacity_zero_with_incomplete_first_chunk_is_bad() {
    assert_eq!(lznt1(&LZNT1_ABC[..5], 0).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s5_1_zero_or_one_input_bytes_are_bad() {
    assert_eq!(lznt1(&[], 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
    assert_eq!(lznt1(&[0x05], 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s5_1_header_announcing_missing_data_is_bad_in_any_chunk() {
    let mut two = LZNT1_ABC.to_vec();
    two.extend_from_slice(&[0x10, 0xB0, 0x00]);
    assert_eq!(lznt1(&two, 10_000).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s5_1_displacement_before_chunk_start_is_bad() {
    assert_eq!(lznt1(&[0x03, 0xB0, 0x02, b'a', 0x00, 0x10], 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s5_1_copy_token_cut_by_chunk_end_is_bad() {
    assert_eq!(lznt1(&[0x02, 0xB0, 0x02, b'a', 0x00], 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s5_1_end_marker_ends_the_buffer() {
    let mut stream = LZNT1_ABC.to_vec();
    stream.extend_from_slice(&[0, 0, 0x55, 0x66, 0x77]);
    let (status, size, _) = lznt1(&stream, 100);
    assert_eq!((status, size), (NtStatus::SUCCESS, 8));
}

#[test]
fn s5_1_one_stray_byte_after_the_last_chunk_is_ignored() {
    let mut stream = LZNT1_ABC.to_vec();
    stream.push(0x42);
    assert_eq!(lznt1(&stream, 100).1, 8);
}

#[test]
fn s5_1_signature_bits_are_ignored() {
    let mut stream = LZNT1_ABC;
    stream[1] = 0xA0; // signature 0b010
    assert_eq!(lznt1(&stream, 100).1, 8);
}

#[test]
fn s5_1_short_stored_chunk_succeeds() {
    let (status, size, out) = lznt1(&[0x03, 0x30, 1, 2, 3, 4], 100);
    assert_eq!((status, size, &out[..4]), (NtStatus::SUCCESS, 4, &[1u8, 2, 3, 4][..]));
}

#[test]
fn s5_1_short_non_final_chunk_is_zero_filled() {
    let mut stream = LZNT1_ABC.to_vec();
    stream.extend_from_slice(&LZNT1_ABC);
    let (status, size, out) = lznt1(&stream, 10_000);
    assert_eq!((status, size), (NtStatus::SUCCESS, 4096 + 8));
    assert!(out[8..4096].iter().all(|&b| b == 0));
    assert_eq!(&out[4096..4104], b"abcabcab");
}

#[test]
fn s5_2_xpress_capacity_larger_than_needed_succeeds_with_real_size() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS, &text(3000));
    let mut out = vec![0u8; 5000];
    let mut size = 0;
    assert_eq!(decompress_buffer(COMPRESSION_FORMAT_XPRESS, &mut out, &packed, &mut size), NtStatus::SUCCESS);
    assert_eq!(size, 3000);
}

#[test]
fn s5_2_xpress_output_too_small_is_bad() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS, &text(3000));
    let mut out = vec![0u8; 2999];
    let mut size = SEED;
    assert_eq!(
        decompress_buffer(COMPRESSION_FORMAT_XPRESS, &mut out, &packed, &mut size),
        NtStatus::BAD_COMPRESSION_BUFFER
    );
    assert_eq!(size, SEED);
}

#[test]
fn s5_2_xpress_truncated_or_trailing_input_is_bad() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS, &text(3000));
    let mut out = vec![0u8; 5000];
    let mut size = 0;
    assert_eq!(
        decompress_buffer(COMPRESSION_FORMAT_XPRESS, &mut out, &packed[..packed.len() - 1], &mut size),
        NtStatus::BAD_COMPRESSION_BUFFER
    );
    // A byte after the end flag is read as half a match token.
    let mut trailing = packed.clone();
    trailing.push(0x12);
    assert_eq!(
        decompress_buffer(COMPRESSION_FORMAT_XPRESS, &mut out, &trailing, &mut size),
        NtStatus::BAD_COMPRESSION_BUFFER
    );
}

// ---- §6: RtlDecompressBufferEx, XPRESS_HUFF --------------------------------------------

#[test]
fn s6_null_workspace_is_invalid_user_buffer() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &text(1000));
    let mut size = SEED;
    let status = decompress_buffer_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &mut [0; 1000], &packed, &mut size, None);
    assert_eq!((status, size), (NtStatus::INVALID_USER_BUFFER, SEED));
}

#[test]
fn s6_exact_size_succeeds() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &text(70_000));
    let (status, size, out) = decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 70_000);
    assert_eq!((status, size), (NtStatus::SUCCESS, 70_000));
    assert_eq!(out, text(70_000));
}

#[test]
fn s6_larger_size_is_bad() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &text(5000));
    let (status, size, _) = decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 5001);
    assert_eq!((status, size), (NtStatus::BAD_COMPRESSION_BUFFER, SEED));
}

#[test]
fn s6_smaller_size_succeeds_at_a_literal_and_fails_inside_a_match() {
    // Random tail: a cut there lands on literals.
    let mut data = text(3000);
    data.extend(common::noise(1000, 0x1234_5678));
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &data);
    let (status, size, out) = decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 3990);
    assert_eq!((status, size), (NtStatus::SUCCESS, 3990));
    assert_eq!(out, data[..3990]);
    // One long match: every cut lands inside it.
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &vec![7u8; 5000]);
    assert_eq!(decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 4000).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s6_trailing_input_under_260_ignored_and_from_260_must_be_tables() {
    // Counted from where the decoder stops, which may be one unread
    // (end-of-data) word before the end of the stream.
    let data = text(3000);
    let mut packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &data);
    packed.extend_from_slice(&[0xEE; 257]);
    assert_eq!(decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 3000).0, NtStatus::SUCCESS);
    packed.extend_from_slice(&[0xEE; 3]);
    assert_eq!(decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 3000).0, NtStatus::BAD_COMPRESSION_BUFFER);
    // 260 bytes that do form a valid table decode nothing and pass.
    let mut packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &data);
    let mut table = vec![0x88u8; 128];
    table.resize(260, 0);
    packed.extend_from_slice(&table);
    assert_eq!(decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed, 3000).0, NtStatus::SUCCESS);
}

#[test]
fn s6_truncated_input_even_only_lookahead_is_bad() {
    let packed = compress(COMPRESSION_FORMAT_XPRESS_HUFF, &text(3000));
    // Four bytes always remove a word the decoder loads, if only as look-ahead.
    for cut in [4, 6, packed.len() / 2] {
        assert_eq!(
            decompress_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &packed[..packed.len() - cut], 3000).0,
            NtStatus::BAD_COMPRESSION_BUFFER
        );
    }
}

#[test]
fn s6_invalid_tables_and_distances_are_bad_but_one_symbol_of_length_one_is_valid() {
    let mut out = [0u8; 10];
    let mut size = 0;
    let mut ws = workspace(COMPRESSION_FORMAT_XPRESS_HUFF);
    // Incomplete: one symbol of length 2.
    let mut stream = vec![0u8; 264];
    stream[b'a' as usize / 2] = 0x02;
    assert_eq!(
        decompress_buffer_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &mut out, &stream, &mut size, Some(&mut ws)),
        NtStatus::BAD_COMPRESSION_BUFFER
    );
    // Single symbol 'a' (97, odd: high nibble) of length 1: ten 'a's from zero bits.
    let mut stream = vec![0u8; 264];
    stream[48] = 0x10;
    assert_eq!(
        decompress_buffer_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &mut out, &stream, &mut size, Some(&mut ws)),
        NtStatus::SUCCESS
    );
    assert_eq!(&out, b"aaaaaaaaaa");
    // Single symbol 256 + 16 (match, distance class 1): reaches before the start.
    let mut stream = vec![0u8; 264];
    stream[136] = 0x01;
    assert_eq!(
        decompress_buffer_ex(COMPRESSION_FORMAT_XPRESS_HUFF, &mut out, &stream, &mut size, Some(&mut ws)),
        NtStatus::BAD_COMPRESSION_BUFFER
    );
}

#[test]
fn s6_every_windows_vector_decodes_with_its_size() {
    let Some(windows) = common::windows_dir("s6_every_windows_vector_decodes_with_its_size") else { return };
    for v in common::windows_vectors(&windows).iter().filter(|v| !v.is_stored()) {
        let (status, size, out) = decompress_ex(v.format.windows_id(), &v.compressed, v.original.len());
        assert_eq!((status, size as usize), (NtStatus::SUCCESS, v.original.len()), "{}/{}", v.folder, v.name);
        assert!(out == v.original, "{}/{}", v.folder, v.name);
    }
}

#[test]
fn s6_wine_lznt1_examples_give_their_statuses() {
    let Some(dir) = common::examples_dir() else {
        eprintln!("s6_wine_lznt1_examples_give_their_statuses: skipped, no ../shared/spec/examples");
        return;
    };
    for ex in common::examples(&dir).iter().filter(|e| e.format == msxca::Format::Lznt1) {
        let cap = ex.expected.as_ref().map_or(4096, Vec::len);
        let (status, size, out) = lznt1(&ex.compressed, cap);
        let expected =
            if ex.expected_status == "SUCCESS" { NtStatus::SUCCESS } else { NtStatus::BAD_COMPRESSION_BUFFER };
        assert_eq!(expected.to_string(), ex.expected_status.replace("SUCCESS", "STATUS_SUCCESS"), "{}", ex.name);
        assert_eq!(status, expected, "{}", ex.name);
        if let Some(expected) = &ex.expected {
            assert_eq!(&out[..size as usize], &expected[..], "{}", ex.name);
        }
    }
}

// ---- §7: RtlDecompressFragment ---------------------------------------------------------------

fn fragment(input: &[u8], offset: u32, cap: usize) -> (NtStatus, u32, Vec<u8>) {
    let mut out = vec![0xCCu8; cap];
    let mut size = SEED;
    let mut ws = vec![0u8; 4096];
    let status = decompress_fragment(COMPRESSION_FORMAT_LZNT1, &mut out, input, offset, &mut size, &mut ws);
    (status, size, out)
}

#[test]
fn s7_offset_0_is_the_same_as_decompress_buffer() {
    let (status, size, out) = fragment(&LZNT1_ABC, 0, 100);
    assert_eq!((status, size, &out[..8]), (NtStatus::SUCCESS, 8, &b"abcabcab"[..]));
}

#[test]
fn s7_offset_1_drops_the_first_byte() {
    let (status, size, out) = fragment(&LZNT1_ABC, 1, 100);
    assert_eq!((status, size, &out[..7]), (NtStatus::SUCCESS, 7, &b"bcabcab"[..]));
}

#[test]
fn s7_short_stored_chunk_is_bad() {
    assert_eq!(fragment(&[0x03, 0x30, 1, 2, 3, 4], 0, 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s7_offset_past_the_data_of_its_chunk_gives_the_rest_of_the_span() {
    let (status, size, out) = fragment(&LZNT1_ABC, 4095, 100);
    assert_eq!((status, size), (NtStatus::SUCCESS, 1));
    assert_eq!(out[0], 0);
    let (status, size, _) = fragment(&[0x00, 0xB0, 0x00], 1, 10_000);
    assert_eq!((status, size), (NtStatus::SUCCESS, 4095));
}

#[test]
fn s7_offset_4096_on_a_single_chunk_gives_nothing() {
    let (status, size, out) = fragment(&LZNT1_ABC, 4096, 100);
    assert_eq!((status, size), (NtStatus::SUCCESS, 0));
    assert!(out.iter().all(|&b| b == 0xCC), "output untouched");
    assert_eq!(fragment(&LZNT1_ABC[..6], 4096, 100).0, NtStatus::BAD_COMPRESSION_BUFFER);
}

#[test]
fn s7_skipped_chunks_are_length_checked_and_later_chunks_decoded() {
    let data = text(12_000);
    let packed = compress(COMPRESSION_FORMAT_LZNT1, &data);
    let (status, size, out) = fragment(&packed, 5000, 3000);
    assert_eq!((status, size), (NtStatus::SUCCESS, 3000));
    assert_eq!(out, data[5000..8000]);
    let (status, _, _) = fragment(&packed[..packed.len() - 10], 9000, 100);
    assert_eq!(status, NtStatus::BAD_COMPRESSION_BUFFER);
}

// ---- §9: the size summary ---------------------------------------------------------------------

#[test]
fn s9_final_size_is_bytes_produced_for_lznt1_and_xpress() {
    for format in [COMPRESSION_FORMAT_LZNT1, COMPRESSION_FORMAT_XPRESS] {
        let packed = compress(format, &text(777));
        let (status, size, _) = decompress_ex(format, &packed, 10_000);
        assert_eq!((status, size), (NtStatus::SUCCESS, 777));
    }
}

#[test]
fn s9_compress_final_size_excludes_the_lznt1_end_marker() {
    let mut ws = workspace(COMPRESSION_FORMAT_LZNT1);
    let mut out = vec![0u8; 1000];
    let mut size = 0;
    compress_buffer(COMPRESSION_FORMAT_LZNT1, &text(500), &mut out, 4096, &mut size, &mut ws);
    let header = u16::from_le_bytes([out[0], out[1]]);
    assert_eq!(size as usize, (header & 0xFFF) as usize + 3);
}

/// `compress_buffer` into `capacity` bytes: the status, the final size and
/// the output.
fn compress_into(format_and_engine: u16, data: &[u8], capacity: usize) -> (NtStatus, u32, Vec<u8>) {
    let mut ws = workspace(format_and_engine);
    let mut out = vec![0u8; capacity];
    let mut size = SEED;
    let status = compress_buffer(format_and_engine, data, &mut out, 4096, &mut size, &mut ws);
    (status, size, out)
}

#[test]
fn plain_compression_refuses_small_buffers_and_inputs_and_reports_at_least_8_bytes() {
    for engine in [COMPRESSION_ENGINE_STANDARD, COMPRESSION_ENGINE_MAXIMUM] {
        let format = COMPRESSION_FORMAT_XPRESS | engine;
        let text = b"64 bytes of room at least; ".repeat(8);
        assert_eq!(compress_into(format, &text, 63).0, NtStatus::BUFFER_TOO_SMALL, "{format:#x}");
        assert_eq!(compress_into(format, &text, 63).1, SEED, "final size untouched");
        assert_eq!(compress_into(format, b"seven b", 1024).0, NtStatus::BUFFER_TOO_SMALL, "{format:#x}");
        assert!(compress_into(format, &text, 64).0.is_success(), "{format:#x}");
    }
    // Eight equal bytes at the maximum engine: a flag word, a literal and a
    // 7-byte match, 7 bytes written and 8 reported.
    let (status, size, out) = compress_into(COMPRESSION_FORMAT_XPRESS | COMPRESSION_ENGINE_MAXIMUM, b"aaaaaaaa", 64);
    assert_eq!((status, size), (NtStatus::SUCCESS, 8));
    assert_eq!(out[4..7], [b'a', 0x04, 0x00]);
    assert_eq!(msxca::decompress(msxca::Format::Xpress, &out[..7], 8).unwrap(), b"aaaaaaaa");
}

#[test]
fn lznt1_chunks_are_stored_when_the_compressed_form_would_not_fit() {
    // 100 incompressible bytes: a 115-byte compressed chunk where it fits,
    // the 102-byte stored one where only that fits, else too small.
    let noise = common::noise(100, 3);
    for engine in [COMPRESSION_ENGINE_STANDARD, COMPRESSION_ENGINE_MAXIMUM] {
        let format = COMPRESSION_FORMAT_LZNT1 | engine;
        let (status, size, out) = compress_into(format, &noise, 115);
        assert_eq!((status, size), (NtStatus::SUCCESS, 115), "{format:#x}");
        assert_eq!(out[1] & 0x80, 0x80, "compressed");
        let (status, size, out) = compress_into(format, &noise, 114);
        assert_eq!((status, size), (NtStatus::SUCCESS, 102), "{format:#x}");
        assert_eq!(out[..2], [0x63, 0x30], "stored, with its true length");
        assert_eq!(out[2..102], noise[..]);
        assert_eq!(compress_into(format, &noise, 102).1, 102);
        assert_eq!(compress_into(format, &noise, 101).0, NtStatus::BUFFER_TOO_SMALL, "{format:#x}");
    }
}

#[test]
fn lznt1_zero_chunks_are_windows_own() {
    let format = COMPRESSION_FORMAT_LZNT1;
    for (len, chunk) in [
        (4096, &[0x03, 0xB0, 0x02, 0x00, 0xFC, 0x0F][..]),
        (1, &[0x01, 0xB0, 0x00, 0x00]),
        (4, &[0x03, 0xB0, 0x02, 0x00, 0x00, 0x00]),
    ] {
        let (status, size, out) = compress_into(format, &vec![0; len], 64);
        assert_eq!(status, NtStatus::BUFFER_ALL_ZEROS, "{len} zeros");
        assert_eq!(out[..size as usize], *chunk, "{len} zeros");
        assert_eq!(out[size as usize..size as usize + 2], [0, 0], "the end marker, not counted");
    }
}
