//! Compressed sizes against Windows' own on the Windows corpus, and ratios
//! on the bench corpus: msxca's own levels must beat Windows' engines
//! (which `tests/windows_engines.rs` checks byte for byte). Sizes are
//! deterministic, so these are exact checks, not timings.

mod common;

use msxca::{api, Compressor, Format, Level};
use std::path::Path;

/// Sum of Windows' sizes and ours (each stored verbatim when not smaller,
/// as the Compression API does, so Windows' stored files count at their size).
fn totals(windows: &Path, folder: &str, ext: &str, format: Format, level: Level) -> (usize, usize) {
    let (mut theirs, mut ours) = (0, 0);
    let mut compressor = Compressor::new(format, level);
    for (_, size, original) in windows_files(windows, folder, ext) {
        let mut out = vec![0u8; msxca::max_compressed_size(format, original.len())];
        let n = compressor.compress_into(&original, &mut out).unwrap();
        theirs += size;
        ours += n.min(original.len());
    }
    (theirs, ours)
}

/// msxca's fastest level, against Windows' standard engine.
const FASTEST: Level = Level::NUMBERED[0];
/// msxca's smallest level, against Windows' maximum engine.
const SMALLEST: Level = Level::NUMBERED[8];

#[test]
fn the_fastest_level_is_no_larger_than_windows_level_0() {
    let Some(windows) = common::windows_dir("the_fastest_level_is_no_larger_than_windows_level_0") else { return };
    for (folder, ext, format) in
        [("compressed-plain", "lzplain", Format::Xpress), ("compressed-huffman", "lzhuff", Format::XpressHuff)]
    {
        let (theirs, ours) = totals(&windows, folder, ext, format, FASTEST);
        eprintln!("{format} level 1: msxca {ours}, Windows level 0 {theirs} ({:.4})", ours as f64 / theirs as f64);
        assert!(ours <= theirs, "{format}: {ours} > {theirs}");
    }
}

/// Windows' files of `folder`, with their originals: `(name, Windows'
/// size, original)`.
fn windows_files(windows: &Path, folder: &str, ext: &str) -> Vec<(String, usize, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(windows.join(folder)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != ext) {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let original = std::fs::read(windows.join("decompressed").join(format!("{name}.decomp"))).unwrap();
        files.push((name, std::fs::metadata(&path).unwrap().len() as usize, original));
    }
    files.sort();
    files
}

#[test]
fn the_smallest_level_beats_windows_level_1_file_by_file() {
    let Some(windows) = common::windows_dir("the_smallest_level_beats_windows_level_1_file_by_file") else {
        return;
    };
    let mut failures = Vec::new();
    for (folder, ext, format) in [
        ("compressed-more-plain", "lzplain", Format::Xpress),
        ("compressed-more-huffman", "lzhuff", Format::XpressHuff),
    ] {
        let mut compressor = Compressor::new(format, SMALLEST);
        let (mut theirs_compressible, mut ours_compressible) = (0, 0);
        let mut larger = Vec::new();
        for (name, theirs, original) in windows_files(&windows, folder, ext) {
            let mut out = vec![0u8; msxca::max_compressed_size(format, original.len())];
            // Stored where it does not shrink, as the Compression API does.
            let ours = compressor.compress_into(&original, &mut out).unwrap().min(original.len());
            // No file larger than Windows', give or take 16 bytes.
            if ours > theirs + 16 {
                larger.push(format!("{name}: {ours} > {theirs}"));
            }
            if (theirs as f64) < 0.9 * original.len() as f64 {
                (theirs_compressible, ours_compressible) = (theirs_compressible + theirs, ours_compressible + ours);
            }
        }
        eprintln!(
            "{format} level 9: msxca {ours_compressible}, Windows level 1 {theirs_compressible} ({:.4}) where Windows shrinks files below 90%",
            ours_compressible as f64 / theirs_compressible as f64
        );
        failures.extend(larger.into_iter().map(|l| format!("{format} {l}")));
        if ours_compressible as f64 > 0.95 * theirs_compressible as f64 {
            failures.push(format!("{format}: {ours_compressible} > 0.95 x {theirs_compressible}"));
        }
    }
    assert!(failures.is_empty(), "larger than Windows level 1 allows: {failures:?}");
}

/// Every numbered level's total on `files` in `format`, each file stored
/// where it does not shrink.
fn ladder_totals(format: Format, files: &[Vec<u8>]) -> Vec<usize> {
    Level::NUMBERED
        .into_iter()
        .map(|level| {
            let mut compressor = Compressor::new(format, level);
            let mut out = Vec::new();
            files
                .iter()
                .map(|f| {
                    out.resize(msxca::max_compressed_size(format, f.len()), 0);
                    compressor.compress_into(f, &mut out).unwrap().min(f.len())
                })
                .sum()
        })
        .collect()
}

fn read_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn each_level_is_no_larger_than_the_one_below() {
    let Some(windows) = common::windows_dir("each_level_is_no_larger_than_the_one_below") else { return };
    let mut corpora = vec![("Windows originals", read_files(&windows.join("decompressed")))];
    if let Some(bench) = common::corpus_dir().map(|d| d.join("bench")).filter(|d| d.is_dir()) {
        corpora.push(("bench corpus", read_files(&bench)));
    }
    for (what, files) in &corpora {
        for format in Format::ALL {
            // LZ77+Huffman in 64 KiB blocks on the bench corpus, as WIM
            // and WOF use it and as the curve measures it.
            let blocks: Vec<Vec<u8>> = if format == Format::XpressHuff && *what == "bench corpus" {
                files.iter().flat_map(|f| f.chunks(1 << 16)).map(<[u8]>::to_vec).collect()
            } else {
                files.clone()
            };
            let totals = ladder_totals(format, &blocks);
            eprintln!("{format} on the {what}, levels 1 to 9: {totals:?}");
            for (n, pair) in totals.windows(2).enumerate() {
                assert!(
                    pair[1] <= pair[0],
                    "{format} on the {what}: level {} {} > level {} {}",
                    n + 2,
                    pair[1],
                    n + 1,
                    pair[0]
                );
            }
        }
    }
}

#[test]
fn lznt1_ratios_on_the_bench_corpus() {
    let Some(bench) = common::corpus_dir().map(|d| d.join("bench")).filter(|d| d.is_dir()) else {
        eprintln!("lznt1_ratios_on_the_bench_corpus: skipped, no bench corpus");
        return;
    };
    let files: Vec<Vec<u8>> = std::fs::read_dir(&bench)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let total: usize = files.iter().map(Vec::len).sum();
    // The best peer (ms-compress C++) reaches 0.491.
    for (level, limit) in [(SMALLEST, 0.491), (FASTEST, 0.491 * 1.05)] {
        let mut compressor = Compressor::new(Format::Lznt1, level);
        let mut size = 0;
        for f in &files {
            let mut out = vec![0u8; msxca::max_compressed_size(Format::Lznt1, f.len())];
            size += compressor.compress_into(f, &mut out).unwrap();
        }
        let ratio = size as f64 / total as f64;
        eprintln!("lznt1 {level}: ratio {ratio:.4} on the bench corpus");
        assert!(ratio < limit, "lznt1 {level}: {ratio:.4} >= {limit:.4}");
    }
}

#[test]
fn raw_api_output_matches_windows_store_decisions_in_size() {
    // Through the Compression API, everything Windows stored we store or
    // beat; our totals stay at or under Windows' at level 0.
    let Some(windows) = common::windows_dir("raw_api_output_matches_windows_store_decisions_in_size") else { return };
    for v in common::windows_vectors(&windows).iter().filter(|v| v.folder == "compressed-plain") {
        let ours = api::compress(v.format, Level::Standard, api::Mode::Raw, &v.original).unwrap();
        assert!(ours.len() <= v.original.len(), "{}", v.name);
    }
}
