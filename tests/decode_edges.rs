//! Decoder behaviour at the edges Windows defines (WINDOWS-SEMANTICS.md
//! §5.1, §6): output capacity, trailing input, end markers.

mod common;

use msxca::{compress, Decompressor, ErrorKind, Format, Level};

fn decode(format: Format, input: &[u8], cap: usize) -> Result<Vec<u8>, msxca::Error> {
    let mut out = vec![0u8; cap];
    let n = Decompressor::new(format).decompress_into(input, &mut out)?;
    out.truncate(n);
    Ok(out)
}

#[test]
fn lznt1_truncating_at_a_literal_succeeds_but_inside_a_copy_fails() {
    // "abcabcab": literals a b c then a copy (disp 3, len 5) -> cut inside the copy.
    let stream = [0x05, 0xB0, 0x08, b'a', b'b', b'c', 0x02, 0x20];
    assert_eq!(decode(Format::Lznt1, &stream, 8).unwrap(), b"abcabcab");
    assert_eq!(decode(Format::Lznt1, &stream, 7).unwrap_err().kind(), ErrorKind::OutputTooSmall);
    assert_eq!(decode(Format::Lznt1, &stream, 2).unwrap(), b"ab");
    assert_eq!(decode(Format::Lznt1, &stream, 0).unwrap(), b"");
}

#[test]
fn lznt1_capacity_zero_still_checks_the_first_chunk() {
    assert!(decode(Format::Lznt1, &[0x06, 0xB0, 0x08], 0).is_err());
    assert!(decode(Format::Lznt1, &[], 0).is_err());
    assert!(decode(Format::Lznt1, &[0x05], 0).is_err());
}

#[test]
fn lznt1_end_marker_and_stray_byte_end_the_buffer() {
    let mut stream = compress(Format::Lznt1, Level::Standard, b"hello hello hello");
    let expected = b"hello hello hello".to_vec();
    stream.extend_from_slice(&[0, 0, 0xDE, 0xAD, 0xBE]);
    assert_eq!(decode(Format::Lznt1, &stream, 100).unwrap(), expected);
    let mut stream = compress(Format::Lznt1, Level::Standard, b"hello hello hello");
    stream.push(0x77);
    assert_eq!(decode(Format::Lznt1, &stream, 100).unwrap(), expected);
}

#[test]
fn lznt1_short_chunks_are_zero_filled_to_4096() {
    // Two stored chunks of 4 bytes: the first stands for 4096 bytes.
    let stream = [0x03, 0x30, 1, 2, 3, 4, 0x03, 0x30, 5, 6, 7, 8];
    let out = decode(Format::Lznt1, &stream, 8192).unwrap();
    assert_eq!(out.len(), 4100);
    assert_eq!(&out[..4], &[1, 2, 3, 4]);
    assert!(out[4..4096].iter().all(|&b| b == 0));
    assert_eq!(&out[4096..], &[5, 6, 7, 8]);
}

#[test]
fn lznt1_displacement_before_chunk_start_is_rejected() {
    // One literal, then a copy of displacement 2.
    let stream = [0x03, 0xB0, 0x02, b'a', 0x00, 0x10];
    assert_eq!(decode(Format::Lznt1, &stream, 100).unwrap_err().kind(), ErrorKind::BadData);
}

#[test]
fn huffman_needs_the_exact_size() {
    let original: Vec<u8> =
        (0..5000u32).map(|i| if i % 9 < 5 { b"exact"[(i % 9) as usize] } else { ((i * i) >> 4) as u8 }).collect();
    let stream = compress(Format::XpressHuff, Level::Standard, &original);
    assert_eq!(decode(Format::XpressHuff, &stream, original.len()).unwrap(), original);
    // Larger: the decoder runs into the padding and out of input.
    assert!(decode(Format::XpressHuff, &stream, original.len() + 1).is_err());
    // Smaller: stops when full; fewer than 260 bytes remain, so success,
    // unless the cut falls inside a match.
    let results: Vec<bool> =
        (1..200).map(|cut| decode(Format::XpressHuff, &stream, original.len() - cut).is_ok()).collect();
    assert!(results.iter().any(|&ok| ok) && results.iter().any(|&ok| !ok));
}

#[test]
fn huffman_trailing_bytes_under_260_are_ignored() {
    let original = vec![b'z'; 1000];
    let mut stream = compress(Format::XpressHuff, Level::Standard, &original);
    stream.extend_from_slice(&[0xAB; 259]);
    assert_eq!(decode(Format::XpressHuff, &stream, 1000).unwrap(), original);
    stream.push(0xAB);
    assert_eq!(decode(Format::XpressHuff, &stream, 1000).unwrap_err().kind(), ErrorKind::BadData);
}

#[test]
fn huffman_missing_lookahead_word_is_an_error() {
    // Eager refill: dropping the final padding word must fail, as on Windows.
    let original: Vec<u8> = (0..3000u32).map(|i| (i % 7) as u8 + b'a').collect();
    let stream = compress(Format::XpressHuff, Level::Standard, &original);
    assert!(decode(Format::XpressHuff, &stream[..stream.len() - 2], original.len()).is_err());
}

#[test]
fn plain_stream_ends_only_at_the_end_flag() {
    // [MS-XCA] encoder output for empty input.
    assert_eq!(decode(Format::Xpress, &[0xFF, 0xFF, 0xFF, 0xFF], 10).unwrap(), b"");
    // An all-zero flag word at the end is an error, not an end.
    assert!(decode(Format::Xpress, &[0, 0, 0, 0], 10).is_err());
    // Too small an output is an error.
    let stream = compress(Format::Xpress, Level::Standard, b"abcdefgh");
    assert_eq!(decode(Format::Xpress, &stream, 7).unwrap_err().kind(), ErrorKind::OutputTooSmall);
}

#[test]
fn plain_short_escaped_lengths_are_rejected() {
    // A literal, then a match whose u16 length escape holds 21 (< 22).
    let stream = [0x00, 0x00, 0x00, 0x40, b'x', 0x07, 0x00, 0x0F, 0xFF, 21, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
    let err = decode(Format::Xpress, &stream, 1000).unwrap_err();
    assert!(matches!(err, msxca::Error::InvalidLength { value: 21, minimum: 22, .. }), "{err}");
}

#[test]
fn error_messages_name_format_and_offset() {
    let err = decode(Format::Lznt1, &[0x10, 0xB0, 0x00], 100).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("lznt1: "), "{message}");
    assert!(message.contains("offset 0x"), "{message}");
}

#[test]
fn decompress_into_ex_reports_the_input_consumed() {
    let data: Vec<u8> = b"carved from the middle of a disk image; ".repeat(200);
    for format in Format::ALL {
        let stream = compress(format, Level::Standard, &data);
        let mut with_tail = stream.clone();
        with_tail.extend_from_slice(&[0x00, 0x00, 0x5A, 0x5A, 0x5A]);
        let mut out = vec![0u8; data.len()];
        let (written, consumed) = Decompressor::new(format).decompress_into_ex(&stream, &mut out).unwrap();
        assert_eq!((written, consumed), (data.len(), stream.len()), "{format}");
        if format != Format::Xpress {
            // Plain LZ77 has no end but the input's; the others stop before the tail
            // (LZNT1 consumes the `00 00` marker that begins it).
            let (written, consumed) = Decompressor::new(format).decompress_into_ex(&with_tail, &mut out).unwrap();
            let expected = if format == Format::Lznt1 { stream.len() + 2 } else { stream.len() };
            assert!(
                written == data.len() && consumed <= expected && consumed + 2 >= stream.len(),
                "{format}: {consumed}"
            );
        }
    }
}
