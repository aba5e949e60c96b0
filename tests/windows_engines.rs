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
