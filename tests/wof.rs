//! WOF `WofCompressedData` streams: the real ones in
//! `$XPRESS_CORPUS/containers/wof`, round trips at every chunk size, random
//! access, and corrupt tables.

mod common;

use msxca::wof::{self, Algorithm, ReparseData};
use msxca::{Error, ErrorKind, Format};

fn containers(test: &str) -> Option<std::path::PathBuf> {
    let dir = common::corpus_dir().map(|d| d.join("containers")).filter(|d| d.is_dir());
    if dir.is_none() {
        eprintln!("{test}: skipped, no corpus (set XPRESS_CORPUS or provide ../shared/corpus)");
    }
    dir
}

#[test]
fn libfsntfs_streams_decode_with_and_without_cluster_slack() {
    let Some(dir) = containers("libfsntfs_streams_decode_with_and_without_cluster_slack") else { return };
    let wof_dir = dir.join("wof");
    let expected = std::fs::read(wof_dir.join("libfsntfs_uncompressed_7638.bin")).unwrap();
    assert_eq!(expected.len(), 7638);
    for name in ["libfsntfs_wof_xpress8k_stream_7638.bin", "libfsntfs_lzxpress_huffman_4096.bin"] {
        let stream = std::fs::read(wof_dir.join(name)).unwrap();
        let out = wof::decompress(&stream, Algorithm::Xpress8K, expected.len() as u64).unwrap();
        assert!(out == expected, "{name}");
    }
    // The same text as a classic NTFS LZNT1 compression unit.
    let unit = std::fs::read(wof_dir.join("libfsntfs_lznt1_8192.bin")).unwrap();
    let out = msxca::decompress(Format::Lznt1, &unit, 8192).unwrap();
    assert_eq!(out.len(), 8192);
    assert!(out[..7638] == expected[..] && out[7638..].iter().all(|&b| b == 0));
}

#[test]
fn an_lzx_stream_is_refused_as_unsupported() {
    let Some(dir) = containers("an_lzx_stream_is_refused_as_unsupported") else { return };
    let stream = std::fs::read(dir.join("wof/dfir-orc_vcpkg.exe.WofCompressedData")).unwrap();
    // 29 chunks of 32 KiB: 28 table entries, in order, inside the stream.
    let entries: Vec<u32> = stream[..28 * 4].chunks(4).map(|e| u32::from_le_bytes(e.try_into().unwrap())).collect();
    assert!(entries.windows(2).all(|w| w[0] < w[1]) && (entries[27] as usize) < stream.len() - 28 * 4);
    let size = 29 * 32768 - 1000;
    let err = wof::decompress(&stream, Algorithm::Lzx, size).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("LZX"), "{err}");
}

fn sample(len: usize) -> Vec<u8> {
    // Text that compresses, with an incompressible stretch in the middle
    // that must be stored raw.
    let mut data = Vec::with_capacity(len);
    let mut x = 0x1234_5678u32;
    while data.len() < len {
        if (data.len() / 10_000) % 3 == 1 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.push(x as u8);
        } else {
            data.extend_from_slice(b"system32 file chunk, compact os ");
        }
    }
    data.truncate(len);
    data
}

#[test]
fn round_trips_at_every_chunk_size() {
    for algorithm in [Algorithm::Xpress4K, Algorithm::Xpress8K, Algorithm::Xpress16K] {
        let c = algorithm.chunk_size();
        for len in [0, 1, 300, c - 1, c, c + 1, 3 * c, 5 * c + 17, 40_000] {
            let data = sample(len);
            let stream = wof::compress(&data, algorithm).unwrap();
            let chunks = len.div_ceil(c);
            if chunks > 1 {
                let first = u32::from_le_bytes(stream[..4].try_into().unwrap()) as usize;
                assert!(first > 0 && first <= c, "{algorithm:?} {len}: chunk 1 at {first}");
            }
            let back = wof::decompress(&stream, algorithm, len as u64).unwrap();
            assert!(back == data, "{algorithm:?} {len}");
            // Cluster slack after the stream changes nothing.
            let mut padded = stream.clone();
            padded.resize(stream.len().div_ceil(4096).max(1) * 4096, 0);
            assert!(wof::decompress(&padded, algorithm, len as u64).unwrap() == data, "{algorithm:?} {len} slack");
        }
    }
}

#[test]
fn incompressible_chunks_are_stored_raw() {
    let data = sample(30_000);
    let stream = wof::compress(&data, Algorithm::Xpress4K).unwrap();
    let table: Vec<usize> =
        stream[..7 * 4].chunks(4).map(|e| u32::from_le_bytes(e.try_into().unwrap()) as usize).collect();
    let starts: Vec<usize> = std::iter::once(0).chain(table.iter().copied()).collect();
    // Chunk 3 (bytes 12288..16384) lies in the random stretch; chunk 0
    // is text.
    let (at, len) = (28 + starts[3], starts[4] - starts[3]);
    assert_eq!(len, 4096);
    assert_eq!(stream[at..at + len], data[3 * 4096..4 * 4096]);
    assert!(starts[1] < 1000, "chunk 0 is compressed");
}

#[test]
fn reads_decode_only_the_chunks_they_touch() {
    let data = sample(50_000);
    let stream = wof::compress(&data, Algorithm::Xpress4K).unwrap();
    let mut reader = wof::Reader::new(&stream, Algorithm::Xpress4K, data.len() as u64).unwrap();
    assert_eq!(reader.chunks(), 13);
    for (offset, len) in [(0, 10), (4090, 20), (8191, 1), (12_000, 9000), (49_990, 100), (60_000, 5)] {
        let mut buf = vec![0xAAu8; len];
        let n = reader.read_at(offset, &mut buf).unwrap();
        let end = (offset as usize + len).min(data.len());
        let want = &data[(offset as usize).min(end)..end];
        assert_eq!(n, want.len(), "{offset}");
        assert!(buf[..n] == *want, "{offset}");
    }
    // A corrupt chunk fails only the reads that touch it.
    let mut bad = stream.clone();
    let chunk5 = 48 + u32::from_le_bytes(bad[16..20].try_into().unwrap()) as usize;
    bad[chunk5..chunk5 + 256].fill(0xFF);
    let mut reader = wof::Reader::new(&bad, Algorithm::Xpress4K, data.len() as u64).unwrap();
    let mut buf = [0u8; 100];
    assert!(reader.read_at(100, &mut buf).is_ok());
    match reader.read_at(5 * 4096 + 10, &mut buf) {
        Err(Error::InChunk { chunk: 5, .. }) => {}
        other => panic!("{other:?}"),
    }
    let mut out = vec![0u8; data.len()];
    match reader.decompress_into(&mut out) {
        Err(Error::PartialOutput { valid, source }) => {
            assert_eq!(valid, 5 * 4096);
            assert!(out[..valid] == data[..valid]);
            assert!(matches!(*source, Error::InChunk { chunk: 5, .. }), "{source}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn corrupt_tables_are_errors_naming_the_chunk() {
    let data = sample(20_000);
    let stream = wof::compress(&data, Algorithm::Xpress4K).unwrap();
    let entry = |s: &mut Vec<u8>, k: usize, v: u32| s[4 * k..4 * k + 4].copy_from_slice(&v.to_le_bytes());
    let get = |s: &[u8], k: usize| u32::from_le_bytes(s[4 * k..4 * k + 4].try_into().unwrap());
    let size = data.len() as u64;
    let expect_bad = |s: &[u8], chunk: u64, problem: &str| match wof::decompress(s, Algorithm::Xpress4K, size) {
        Err(Error::PartialOutput { source, .. }) => match *source {
            Error::BadChunk { chunk: c, problem: p, .. } => {
                assert_eq!((c, p), (chunk, problem));
            }
            other => panic!("{other}"),
        },
        other => panic!("{problem}: {other:?}"),
    };
    // Offsets out of order: chunk 2 before chunk 1.
    let mut s = stream.clone();
    let one = get(&s, 0);
    entry(&mut s, 1, one - 1);
    expect_bad(&s, 2, "offsets out of order");
    // A zero-size chunk.
    let mut s = stream.clone();
    let two = get(&s, 1);
    entry(&mut s, 0, two);
    expect_bad(&s, 1, "empty chunk");
    // A chunk larger than its data.
    let mut s = stream[..16].to_vec();
    s.extend(std::iter::repeat_n(0u8, 5000));
    for k in 0..4 {
        entry(&mut s, k, 4097 + k as u32);
    }
    expect_bad(&s, 0, "chunk larger than its data");
    // An offset past the stream.
    let mut s = stream.clone();
    entry(&mut s, 3, 1 << 30);
    expect_bad(&s, 4, "offset past the end of the stream");
    // A stream shorter than its table.
    let err = wof::decompress(&stream[..10], Algorithm::Xpress4K, size).unwrap_err();
    assert!(matches!(err, Error::ContainerTruncated { container: "wof", .. }), "{err}");
}

#[test]
fn reparse_data_parses_with_or_without_its_header() {
    let data = ReparseData::new(Algorithm::Xpress8K).to_bytes();
    assert_eq!(data, [1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    let parsed = ReparseData::parse(&data).unwrap();
    assert_eq!(parsed.algorithm(), Some(Algorithm::Xpress8K));
    let mut buffer = vec![0x17, 0, 0, 0x80, 16, 0, 0, 0];
    buffer.extend_from_slice(&data);
    buffer.extend_from_slice(&[0; 4]);
    assert_eq!(ReparseData::parse(&buffer).unwrap(), parsed);
    assert!(matches!(ReparseData::parse(&data[..12]), Err(Error::ContainerTruncated { .. })));
    let mut wimboot = data;
    wimboot[4] = 1;
    assert!(matches!(ReparseData::parse(&wimboot), Err(Error::BadHeader { .. })));
    for algorithm in Algorithm::ALL {
        assert_eq!(Algorithm::from_id(algorithm.id()), Some(algorithm));
    }
    assert_eq!(Algorithm::from_id(4), None);
}
