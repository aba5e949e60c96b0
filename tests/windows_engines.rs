//! Windows' own engines, byte for byte: what `Level::Standard` and
//! `Level::Maximum` write is compared with what Windows wrote for the same
//! input (`$XPRESS_CORPUS/windows`). Stored vectors (Windows' Compression
//! API returns the input when compressing does not shrink it) must not
//! compress below their size either.

mod common;

use msxca::{compress, Format, Level};

/// Which Windows folders each engine reproduces so far.
const REPRODUCED: [(&str, Format, Level); 4] = [
    ("compressed-huffman", Format::XpressHuff, Level::Standard),
    ("compressed-plain", Format::Xpress, Level::Standard),
    ("compressed-more-huffman", Format::XpressHuff, Level::Maximum),
    ("compressed-more-plain", Format::Xpress, Level::Maximum),
];

#[test]
fn windows_engines_write_windows_bytes() {
    let Some(windows) = common::windows_dir("windows_engines_write_windows_bytes") else { return };
    let vectors = common::windows_vectors(&windows);
    let mut failures = Vec::new();
    for (folder, format, level) in REPRODUCED {
        let (mut identical, mut stored, mut differ) = (0, 0, Vec::new());
        for v in vectors.iter().filter(|v| v.folder == folder) {
            let ours = compress(format, level, &v.original);
            if v.is_stored() {
                assert!(ours.len() >= v.original.len(), "{folder}/{}: stored by Windows, smaller here", v.name);
                stored += 1;
            } else if ours == v.compressed {
                identical += 1;
            } else {
                differ.push(format!("{} ({} bytes, Windows {})", v.name, ours.len(), v.compressed.len()));
            }
        }
        eprintln!("{folder}: {identical} identical, {stored} stored, {} differ", differ.len());
        assert!(identical > 0, "{folder}: no vectors");
        if !differ.is_empty() {
            failures.push(format!("{folder} at {level}: {differ:?}"));
        }
    }
    assert!(failures.is_empty(), "differ from Windows: {failures:#?}");
}

/// An LZNT1 vector Windows made: a name, the input, its stream, the level.
type Lznt1Vector = (&'static str, Vec<u8>, Vec<u8>, Level);

/// The LZNT1 vectors Windows made. NTFS compresses a 64 KiB unit in one
/// call: the file's 7638 bytes, then zeros.
fn lznt1_vectors() -> Option<Vec<Lznt1Vector>> {
    let corpus = common::corpus_dir()?;
    let examples = common::examples_dir()?;
    let wof = corpus.join("containers/wof");
    let mut unit = std::fs::read(wof.join("libfsntfs_uncompressed_7638.bin")).ok()?;
    unit.resize(65536, 0);
    let ntfs = std::fs::read(wof.join("libfsntfs_lznt1_8192.bin")).ok()?;
    let read = |name: &str| std::fs::read(examples.join(name)).ok();
    Some(vec![
        ("ntfs unit", unit, ntfs, Level::Standard),
        ("msxca-3.3-notes", read("msxca-3.3-notes.in")?, read("msxca-3.3-notes.lznt1")?, Level::Standard),
        ("libfwnt-lgpl3-text", read("libfwnt-lgpl3-text.in")?, read("libfwnt-lgpl3-text.lznt1")?, Level::Maximum),
    ])
}

#[test]
fn windows_lznt1_engines_write_windows_bytes() {
    let Some(vectors) = lznt1_vectors() else {
        eprintln!("windows_lznt1_engines_write_windows_bytes: skipped, no corpus or spec examples");
        return;
    };
    for (name, input, expected, level) in vectors {
        let ours = compress(Format::Lznt1, level, &input);
        // The vectors hold what Windows' buffers did: the NTFS unit with
        // cluster slack after it, the libfwnt one cut short after its
        // second chunk. The bytes Windows wrote are the shorter of the two.
        let n = ours.len().min(expected.len());
        assert!(n >= 59, "{name}: {n} bytes compared");
        assert_eq!(ours[..n], expected[..n], "{name} at {level}");
        eprintln!("{name}: {n} bytes identical at {level}");
    }
}

#[test]
fn the_compression_api_in_raw_mode_writes_windows_bytes() {
    // The vectors were made through the Compression API in raw mode: the
    // stream, or the input itself where the stream is not smaller.
    let Some(windows) = common::windows_dir("the_compression_api_in_raw_mode_writes_windows_bytes") else { return };
    let mut differ = Vec::new();
    let mut compared = 0;
    for v in common::windows_vectors(&windows) {
        let level = if v.folder.contains("more") { Level::Maximum } else { Level::Standard };
        let ours = msxca::api::compress(v.format, level, msxca::api::Mode::Raw, &v.original).unwrap();
        compared += 1;
        if ours != v.compressed {
            differ.push(format!("{}/{} ({} bytes, Windows {})", v.folder, v.name, ours.len(), v.compressed.len()));
        }
    }
    assert!(compared >= 128, "{compared} vectors");
    assert!(differ.is_empty(), "{} of {compared} differ: {differ:#?}", differ.len());
}
