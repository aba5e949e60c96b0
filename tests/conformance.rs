//! Every stream Windows produced, and every worked example of the
//! specification, decodes exactly as Windows decodes it.

mod common;

use msxca::{Decompressor, Format};
use std::collections::BTreeMap;

#[test]
fn windows_vectors_decompress_to_their_originals() {
    let Some(windows) = common::windows_dir("windows_vectors_decompress_to_their_originals") else {
        return;
    };
    let vectors = common::windows_vectors(&windows);
    assert!(vectors.len() >= 100, "expected the full Windows corpus, found {} files", vectors.len());
    let mut passed: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in &vectors {
        let entry = passed.entry(v.folder).or_default();
        if v.is_stored() {
            // Stored verbatim by the Compression API: recognised, not decoded.
            assert_eq!(v.compressed, v.original, "{}/{}", v.folder, v.name);
            entry.1 += 1;
            continue;
        }
        let mut out = vec![0xA5u8; v.original.len()];
        match Decompressor::new(v.format).decompress_into(&v.compressed, &mut out) {
            Ok(n) if n == v.original.len() && out == v.original => entry.0 += 1,
            Ok(n) => failures.push(format!("{}/{}: wrong output ({n} bytes)", v.folder, v.name)),
            Err(e) => failures.push(format!("{}/{}: {e}", v.folder, v.name)),
        }
    }
    for (folder, (decoded, stored)) in &passed {
        eprintln!("{folder}: {decoded} decoded, {stored} stored verbatim");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn plain_vectors_also_decode_into_larger_buffers() {
    // Plain LZ77 is self-terminating: a larger capacity yields the same bytes.
    let Some(windows) = common::windows_dir("plain_vectors_also_decode_into_larger_buffers") else {
        return;
    };
    for v in common::windows_vectors(&windows).iter().filter(|v| v.format == Format::Xpress && !v.is_stored()) {
        let mut out = vec![0u8; v.original.len() + 1000];
        let n = Decompressor::new(Format::Xpress).decompress_into(&v.compressed, &mut out).unwrap();
        assert_eq!(&out[..n], &v.original[..], "{}/{}", v.folder, v.name);
    }
}

#[test]
fn spec_examples_give_their_expected_results() {
    let Some(dir) = common::examples_dir() else {
        eprintln!("spec_examples_give_their_expected_results: skipped, no ../shared/spec/examples");
        return;
    };
    let examples = common::examples(&dir);
    assert!(examples.len() >= 50, "manifest lists {} examples", examples.len());
    let mut counts: BTreeMap<Format, usize> = BTreeMap::new();
    for ex in &examples {
        match &ex.expected {
            Some(expected) => {
                // LZ77+Huffman needs the exact size; the others get it as capacity,
                // which also exercises LZNT1's zero fill.
                let mut out = vec![0x5Au8; expected.len()];
                let n = Decompressor::new(ex.format)
                    .decompress_into(&ex.compressed, &mut out)
                    .unwrap_or_else(|e| panic!("{}: {e}", ex.name));
                assert_eq!(&out[..n], &expected[..], "{}", ex.name);
                assert_eq!(n, expected.len(), "{}", ex.name);
            }
            None => {
                let mut out = vec![0u8; 4096];
                let result = Decompressor::new(ex.format).decompress_into(&ex.compressed, &mut out);
                assert!(result.is_err(), "{}: expected {}, got {result:?}", ex.name, ex.expected_status);
            }
        }
        *counts.entry(ex.format).or_default() += 1;
    }
    eprintln!("spec examples passed: {counts:?}");
}
