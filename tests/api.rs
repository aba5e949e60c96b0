//! The Compression API container (`msxca::api`), WINDOWS-SEMANTICS.md §8.

mod common;

use msxca::api::{self, Mode};
use msxca::{ErrorKind, Format, Level};

fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x9E37_79B9u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

fn text(len: usize) -> Vec<u8> {
    b"The Compression API wraps RtlCompressBuffer; ".iter().cycle().take(len).copied().collect()
}

#[test]
fn buffer_and_raw_mode_round_trip() {
    for format in [Format::Xpress, Format::XpressHuff] {
        for level in Level::ALL {
            for mode in [Mode::Buffer, Mode::Raw] {
                for data in [text(1), text(299), text(5000), noise(3000)] {
                    let packed = api::compress(format, level, mode, &data).unwrap();
                    assert!(packed.len() <= api::compress_bound(mode, data.len()));
                    let back = api::decompress(format, mode, &packed, data.len()).unwrap();
                    assert_eq!(back, data, "{format} {level} {mode:?} {} bytes", data.len());
                }
            }
        }
    }
}

#[test]
fn raw_mode_stores_what_does_not_shrink() {
    let noise = noise(2000);
    for format in [Format::Xpress, Format::XpressHuff] {
        assert_eq!(api::compress(format, Level::Standard, Mode::Raw, &noise).unwrap(), noise);
    }
}

#[test]
fn raw_xpress_huff_stores_300_bytes_and_compresses_303() {
    // §8.4: "abc"x100 comes back verbatim, "abc"x101 compresses.
    let abc100 = b"abc".repeat(100);
    assert_eq!(api::compress(Format::XpressHuff, Level::Standard, Mode::Raw, &abc100).unwrap(), abc100);
    let abc101 = b"abc".repeat(101);
    let packed = api::compress(Format::XpressHuff, Level::Standard, Mode::Raw, &abc101).unwrap();
    assert!(packed.len() < 303, "{}", packed.len());
    // Plain LZ77 has no such threshold.
    assert!(api::compress(Format::Xpress, Level::Standard, Mode::Raw, &abc100).unwrap().len() < 300);
}

#[test]
fn buffer_mode_300_bytes_is_a_28_byte_header_plus_the_data() {
    // "the same 300 bytes with a 28 byte header" [MS-ML].
    let abc100 = b"abc".repeat(100);
    let packed = api::compress(Format::XpressHuff, Level::Standard, Mode::Buffer, &abc100).unwrap();
    assert_eq!(packed.len(), 328);
    assert_eq!(&packed[28..], &abc100[..]);
    assert_eq!(&packed[24..28], &300u32.to_le_bytes());
}

#[test]
fn buffer_mode_header_fields() {
    let data = text(100_000);
    let packed = api::compress(Format::Xpress, Level::Standard, Mode::Buffer, &data).unwrap();
    assert_eq!(&packed[..6], &[0x0A, 0x51, 0xE5, 0xC0, 0x18, 0x00]);
    assert_eq!(packed[7], 3);
    let header = api::read_header(&packed).unwrap();
    assert_eq!((header.format, header.uncompressed_size, header.block_size), (Format::Xpress, 100_000, 100_000));
    assert_eq!(api::uncompressed_size(&packed).unwrap(), 100_000);
}

#[test]
fn buffer_mode_splits_into_64_mib_blocks() {
    let mut data = vec![0u8; api::BLOCK_SIZE + 1000];
    for (i, b) in data.iter_mut().enumerate().step_by(4099) {
        *b = (i >> 12) as u8;
    }
    let packed = api::compress(Format::Xpress, Level::Standard, Mode::Buffer, &data).unwrap();
    assert_eq!(api::read_header(&packed).unwrap().block_size, api::BLOCK_SIZE as u64);
    let first = u32::from_le_bytes(packed[24..28].try_into().unwrap()) as usize;
    let second = u32::from_le_bytes(packed[28 + first..32 + first].try_into().unwrap()) as usize;
    assert_eq!(packed.len(), 32 + first + second);
    assert_eq!(api::decompress(Format::Xpress, Mode::Buffer, &packed, data.len()).unwrap(), data);
}

#[test]
fn size_queries_report_what_is_needed() {
    let data = text(10_000);
    let err = api::compress_into(Format::XpressHuff, Level::Standard, Mode::Buffer, &data, &mut []).unwrap_err();
    assert!(
        matches!(err, msxca::Error::OutputTooSmall { needed, .. } if needed as usize == api::compress_bound(Mode::Buffer, data.len()))
    );
    let packed = api::compress(Format::XpressHuff, Level::Standard, Mode::Buffer, &data).unwrap();
    let err = api::decompress_into(Format::XpressHuff, Mode::Buffer, &packed, &mut [0; 100]).unwrap_err();
    assert!(matches!(err, msxca::Error::OutputTooSmall { needed: 10_000, .. }), "{err}");
}

#[test]
fn empty_input_and_lznt1_are_refused() {
    let err = api::compress(Format::Xpress, Level::Standard, Mode::Raw, &[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    let err = api::compress(Format::Lznt1, Level::Standard, Mode::Buffer, b"abc").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
}

#[test]
fn damaged_headers_and_blocks_are_errors() {
    let data = text(5000);
    let packed = api::compress(Format::XpressHuff, Level::Standard, Mode::Buffer, &data).unwrap();
    let mut bad = packed.clone();
    bad[10] ^= 1; // size field: the checksum no longer matches
    assert!(matches!(api::read_header(&bad), Err(msxca::Error::ChecksumMismatch { .. })));
    let mut bad = packed.clone();
    bad[0] = 0;
    assert_eq!(api::read_header(&bad).unwrap_err().kind(), ErrorKind::BadData);
    assert!(api::decompress(Format::XpressHuff, Mode::Buffer, &packed[..packed.len() - 10], 1 << 20).is_err());
    assert!(api::decompress(Format::Xpress, Mode::Buffer, &packed, 1 << 20).is_err(), "algorithm mismatch");
    for cut in 0..packed.len() {
        let _ = api::decompress(Format::XpressHuff, Mode::Buffer, &packed[..cut], 1 << 20);
    }
}

#[test]
fn windows_raw_vectors_decompress_through_the_api() {
    let Some(windows) = common::windows_dir("windows_raw_vectors_decompress_through_the_api") else { return };
    for v in common::windows_vectors(&windows) {
        let out = api::decompress(v.format, Mode::Raw, &v.compressed, v.original.len())
            .unwrap_or_else(|e| panic!("{}/{}: {e}", v.folder, v.name));
        assert!(out == v.original, "{}/{}", v.folder, v.name);
    }
}

#[test]
fn windows_originals_compress_no_larger_than_windows_in_raw_mode() {
    let Some(windows) = common::windows_dir("windows_originals_compress_no_larger_than_windows_in_raw_mode") else {
        return;
    };
    let (mut ours, mut theirs) = (0usize, 0usize);
    for v in common::windows_vectors(&windows)
        .iter()
        .filter(|v| v.folder == "compressed-plain" || v.folder == "compressed-huffman")
    {
        ours += api::compress(v.format, Level::Standard, Mode::Raw, &v.original).unwrap().len();
        theirs += v.compressed.len();
    }
    assert!(ours <= theirs, "msxca {ours} bytes, Windows {theirs}");
}
