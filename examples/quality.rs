//! Prints compressed sizes against Windows' on the Windows corpus and the
//! ratio on the bench corpus: `cargo run --release --example quality`.
//! Windows' engines (standard, maximum) are measured against Windows' own
//! output at their level, and msxca's levels 1 and 9 against the same.

use msxca::{Compressor, Format, Level};
use std::path::PathBuf;

fn corpus() -> PathBuf {
    std::env::var_os("XPRESS_CORPUS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/corpus"))
}

/// The levels measured, each with the Windows level it is held against
/// (0 or 1): `QUALITY_LEVEL=NAME` measures one (standard, maximum, 1 to 9).
fn levels() -> Vec<(Level, usize)> {
    let all = [(Level::Standard, 0), (Level::Maximum, 1), (Level::NUMBERED[0], 0), (Level::NUMBERED[8], 1)];
    match std::env::var("QUALITY_LEVEL") {
        Ok(name) => Level::from_name(&name)
            .into_iter()
            .map(|l| (l, usize::from(l == Level::Maximum || matches!(l, Level::Numbered(n) if n.get() > 5))))
            .collect(),
        Err(_) => all.to_vec(),
    }
}

fn main() {
    let windows = corpus().join("windows");
    if !windows.is_dir() {
        eprintln!("quality: no corpus at {} (set XPRESS_CORPUS)", windows.display());
        return;
    }
    println!("{:<12} {:<9} {:>10} {:>10} {:>8}", "format", "level", "windows", "msxca", "ratio");
    for (format, ext, folders) in [
        (Format::Xpress, "lzplain", ["compressed-plain", "compressed-more-plain"]),
        (Format::XpressHuff, "lzhuff", ["compressed-huffman", "compressed-more-huffman"]),
    ] {
        for (level, folder) in levels().into_iter().map(|(level, windows)| (level, folders[windows])) {
            let mut c = Compressor::new(format, level);
            let (mut theirs, mut ours) = (0usize, 0usize);
            let mut entries: Vec<_> =
                std::fs::read_dir(windows.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
            entries.sort();
            for path in entries.iter().filter(|p| p.extension().is_some_and(|x| x == ext)) {
                let name = path.file_stem().unwrap().to_string_lossy();
                let original = std::fs::read(windows.join("decompressed").join(format!("{name}.decomp"))).unwrap();
                let win = std::fs::metadata(path).unwrap().len() as usize;
                let mut out = vec![0u8; msxca::max_compressed_size(format, original.len())];
                let n = c.compress_into(&original, &mut out).unwrap().min(original.len());
                if std::env::var_os("VERBOSE").is_some() {
                    println!("  {name:<40} {win:>8} {n:>8} {:+}", n as i64 - win as i64);
                }
                theirs += win;
                ours += n;
            }
            println!(
                "{:<12} {:<9} {:>10} {:>10} {:>8.4}",
                format.name(),
                level.name(),
                theirs,
                ours,
                ours as f64 / theirs as f64
            );
        }
    }
    let bench = corpus().join("bench");
    if let Ok(entries) = std::fs::read_dir(&bench) {
        let files: Vec<Vec<u8>> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let total: usize = files.iter().map(Vec::len).sum();
        for format in Format::ALL {
            for (level, _) in levels() {
                let mut c = Compressor::new(format, level);
                let largest = files.iter().map(Vec::len).max().unwrap_or(0);
                let mut out = vec![1u8; msxca::max_compressed_size(format, largest)];
                // Best of three runs after an untimed one (which faults the
                // buffers in and wakes the core up): the machine is shared
                // and noisy.
                let mut secs = f64::MAX;
                let mut size = 0;
                let runs = if level == Level::Standard { 4 } else { 1 };
                for run in 0..runs {
                    let start = std::time::Instant::now();
                    size = 0;
                    for f in &files {
                        size += c.compress_into(f, &mut out).unwrap();
                    }
                    if run > 0 || runs == 1 {
                        secs = secs.min(start.elapsed().as_secs_f64());
                    }
                }
                println!(
                    "bench {:<12} {:<9} ratio {:.4}  {:>8.1} MB/s",
                    format.name(),
                    level.name(),
                    size as f64 / total as f64,
                    total as f64 / secs / 1e6
                );
            }
        }
    }
}
