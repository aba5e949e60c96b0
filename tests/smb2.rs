//! The SMB2 compression transform: round trips in both forms, the
//! builder's Pattern_V1 runs, and every receiver check as a typed error.

use msxca::smb2::{self, Algorithm, Limits, Message, Options, Smb2Problem};
use msxca::{Error, ErrorKind, Level};

fn message(body: usize, front_run: usize, back_run: usize) -> Vec<u8> {
    let mut m = b"\xfeSMB".to_vec();
    m.extend([0x40, 0, 1, 0]);
    m.extend(std::iter::repeat_n(0x11, 56));
    m.extend(std::iter::repeat_n(0xAB, front_run));
    let text = b"READ response data: a file's bytes, which compress. ";
    m.extend(text.iter().cycle().take(body));
    m.extend(std::iter::repeat_n(0x00, back_run));
    m
}

const ALGORITHMS: [Algorithm; 3] = [Algorithm::Lznt1, Algorithm::Lz77, Algorithm::Lz77Huffman];

#[test]
fn messages_round_trip_in_both_forms() {
    let limits = Limits::new(1 << 22);
    for algorithm in ALGORITHMS {
        for (body, front, back) in [(100, 0, 0), (5000, 0, 0), (70_000, 200, 4096), (300_000, 64, 63), (2000, 1000, 0)]
        {
            let m = message(body, front, back);
            for chained in [false, true] {
                for uncompressed_prefix in [0, 64] {
                    let options = Options { chained, uncompressed_prefix, level: Level::Standard };
                    let packed = smb2::compress(&m, algorithm, &options).unwrap();
                    if !smb2::is_transform(&packed) {
                        // Too short to shrink (a Huffman table is 256 bytes): sent as it is.
                        assert!(packed == m && body < 300, "{algorithm:?} {body} {chained}");
                        continue;
                    }
                    assert!(packed.len() < m.len());
                    assert_eq!(smb2::decompress(&packed, &limits).unwrap(), m, "{algorithm:?} {body} {chained}");
                    let layout = smb2::parse(&packed, &limits).unwrap();
                    assert_eq!(layout.original_size(), m.len() as u64);
                    assert_eq!(matches!(layout, Message::Chained { .. }), chained);
                }
            }
        }
    }
}

#[test]
fn the_chained_builder_sends_runs_of_64_or_more_as_patterns() {
    let limits = Limits::new(1 << 20);
    let m = message(3000, 100, 500);
    let options = Options { chained: true, uncompressed_prefix: 64, level: Level::Standard };
    let packed = smb2::compress(&m[..], Algorithm::Lz77Huffman, &options).unwrap();
    let Message::Chained { payloads, segment_size } = smb2::parse(&packed, &limits).unwrap() else { panic!() };
    assert_eq!(segment_size as usize, m.len());
    let kinds: Vec<(Algorithm, u64)> = payloads.iter().map(|p| (p.algorithm, p.size)).collect();
    assert_eq!(
        kinds,
        [
            (Algorithm::None, 64),
            (Algorithm::PatternV1, 100),
            (Algorithm::Lz77Huffman, 3000),
            (Algorithm::PatternV1, 500)
        ]
    );
    assert_eq!(payloads[0].flags, 1, "the first payload carries the chained flag");
    assert!(payloads[1..].iter().all(|p| p.flags == 0));
    // Runs of 63 stay inside the compressed payload.
    let m = message(3000, 63, 63);
    let packed = smb2::compress(&m, Algorithm::Lznt1, &options).unwrap();
    let Message::Chained { payloads, .. } = smb2::parse(&packed, &limits).unwrap() else { panic!() };
    assert!(payloads.iter().all(|p| p.algorithm != Algorithm::PatternV1));
    // What does not shrink is sent as it is.
    let mut x = 0x9E37_79B9u32;
    let noise: Vec<u8> = (0..5000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let mut plain = b"\xfeSMB".to_vec();
    plain.extend(&noise);
    assert!(smb2::compress(&plain, Algorithm::Lz77, &Options::default()).unwrap() == plain);
}

fn bad(message: &[u8], limits: &Limits) -> Smb2Problem {
    match smb2::decompress(message, limits) {
        Err(Error::BadMessage { problem, .. }) => problem,
        other => panic!("{other:?}"),
    }
}

fn chained(payloads: &[(u16, u16, &[u8])], segment_size: u32) -> Vec<u8> {
    let mut m = b"\xfcSMB".to_vec();
    m.extend(segment_size.to_le_bytes());
    for &(algorithm, flags, body) in payloads {
        m.extend(algorithm.to_le_bytes());
        m.extend(flags.to_le_bytes());
        m.extend((body.len() as u32).to_le_bytes());
        m.extend(body);
    }
    m
}

#[test]
fn every_receiver_check_is_a_typed_error() {
    let limits = Limits::new(1 << 20);
    let smb = b"\xfeSMB and the rest of it";
    // Well formed: a NONE payload, then a pattern.
    let pattern = [0x41u8, 0, 0, 0, 10, 0, 0, 0];
    let good = chained(&[(0, 1, smb), (4, 0, &pattern)], smb.len() as u32 + 10);
    let mut expected = smb.to_vec();
    expected.extend([0x41; 10]);
    assert_eq!(smb2::decompress(&good, &limits).unwrap(), expected);

    let mut m = good.clone();
    m[0] = 0xFD;
    assert_eq!(bad(&m, &limits), Smb2Problem::NotTransform);
    assert_eq!(bad(&chained(&[(9, 1, smb)], smb.len() as u32), &limits), Smb2Problem::UnknownAlgorithm(9));
    let only_lznt1 = Limits::negotiated(1 << 20, &[Algorithm::Lznt1]);
    assert_eq!(bad(&good, &only_lznt1), Smb2Problem::NotNegotiated(4));
    assert_eq!(bad(&chained(&[(0, 1, smb)], 5), &limits), Smb2Problem::RawPayloadTooLong);
    let long_pattern = [0x41u8, 0, 0, 0, 100, 0, 0, 0];
    assert_eq!(bad(&chained(&[(0, 1, smb), (4, 0, &long_pattern)], 40), &limits), Smb2Problem::PatternTooLong);
    assert_eq!(bad(&chained(&[(0, 1, smb), (4, 0, &pattern[..6])], 40), &limits), Smb2Problem::BadPattern);
    let reserved = [0x41u8, 1, 0, 0, 10, 0, 0, 0];
    assert_eq!(bad(&chained(&[(0, 1, smb), (4, 0, &reserved)], 33), &limits), Smb2Problem::BadPattern);
    assert_eq!(
        bad(&chained(&[(0, 1, smb)], smb.len() as u32 + 1), &limits),
        Smb2Problem::SizeMismatch { expected: smb.len() as u64 + 1, actual: smb.len() as u64 }
    );
    let not_smb = chained(&[(0, 1, b"hello")], 5);
    assert_eq!(bad(&not_smb, &limits), Smb2Problem::NotSmb2);
    let mut past_end = good.clone();
    past_end[12] = 200;
    assert_eq!(bad(&past_end, &limits), Smb2Problem::PayloadPastEnd);
    // The chained flag on the first payload decides the form: without it
    // the header reads as unchained, whose algorithm may not be NONE.
    assert_eq!(bad(&chained(&[(0, 0, smb)], smb.len() as u32), &limits), Smb2Problem::BadUnchainedHeader);

    // Unchained: Offset past the end, and the overflow of SMBGhost
    // (CVE-2020-0796): Offset + OriginalCompressedSegmentSize wraps in 32
    // bits, and is refused as too large instead.
    let mut unchained = b"\xfcSMB".to_vec();
    unchained.extend(100u32.to_le_bytes());
    unchained.extend(3u16.to_le_bytes());
    unchained.extend(0u16.to_le_bytes());
    unchained.extend(50u32.to_le_bytes());
    unchained.extend([0u8; 20]);
    assert_eq!(bad(&unchained, &limits), Smb2Problem::OffsetPastEnd);
    unchained[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    unchained[12..16].copy_from_slice(&0x20u32.to_le_bytes());
    let err = smb2::decompress(&unchained, &Limits::new(usize::MAX)).unwrap_err();
    assert!(err.kind() != ErrorKind::LimitExceeded || err.to_string().contains("4294967312"), "{err}");
    let err = smb2::decompress(&unchained, &limits).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { size: 0x1_0000_0010, .. }), "{err}");

    // A message larger than the receiver's limit is refused before anything is allocated.
    let big =
        smb2::compress(&message(100_000, 0, 0), Algorithm::Lz77, &Options { chained: true, ..Options::default() })
            .unwrap();
    assert!(matches!(smb2::decompress(&big, &Limits::new(50_000)), Err(Error::LimitExceeded { .. })));
    // LZ4 is refused as unsupported; short messages are truncated.
    let lz4 = chained(&[(0, 1, smb), (5, 0, &[4, 0, 0, 0, 1, 2, 3, 4])], smb.len() as u32 + 4);
    let err = smb2::decompress(&lz4, &limits).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(matches!(smb2::decompress(&good[..6], &limits), Err(Error::ContainerTruncated { .. })));
}

#[test]
fn a_payload_that_does_not_decode_names_itself_and_keeps_what_came_before() {
    let limits = Limits::new(1 << 20);
    let m = message(5000, 100, 0);
    let options = Options { chained: true, uncompressed_prefix: 64, level: Level::Standard };
    let mut packed = smb2::compress(&m, Algorithm::Lznt1, &options).unwrap();
    let Message::Chained { payloads, .. } = smb2::parse(&packed, &limits).unwrap() else { panic!() };
    let lznt1 = payloads[2];
    assert_eq!(lznt1.algorithm, Algorithm::Lznt1);
    // Break the LZNT1 chunk header's signature bits.
    let body = lznt1.offset + 12;
    packed[body + 1] = 0x0F;
    match smb2::decompress(&packed, &limits) {
        Err(Error::PartialOutput { valid, source }) => {
            assert_eq!(valid, 164, "the NONE and pattern payloads");
            assert!(matches!(*source, Error::InChunk { chunk: 2, .. }), "{source}");
        }
        other => panic!("{other:?}"),
    }
}
