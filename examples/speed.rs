//! Compression (or decompression) speed of one format at one level over
//! the bench corpus, for quick comparisons and profiling:
//!
//! ```text
//! cargo run --release --example speed -- FORMAT [REPS] [decode] [LEVEL] [blocks]
//! ```
//!
//! FORMAT is `lznt1`, `xpress` or `xpress-huff`; LEVEL is `standard` (the
//! default), `maximum` or 1 to 9 (decoding reads the level's output); the corpus is
//! `$XPRESS_CORPUS/bench` (default `../shared/corpus/bench`); `blocks`
//! cuts it into independent 64 KiB blocks, as WIM and WOF compress. Timings of a
//! shared machine are noisy: it reports the fastest of REPS passes (and
//! the mean), best pinned to one core (`taskset -c 1
//! target/release/examples/speed ...`). Criterion's
//! `cargo bench` and the `peers/` table are the full measurements.

use msxca::{Compressor, Decompressor, Format, Level};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(format) = args.first().and_then(|name| Format::ALL.into_iter().find(|f| f.name() == name)) else {
        eprintln!("usage: speed lznt1|xpress|xpress-huff [REPS] [decode] [LEVEL] [blocks]");
        std::process::exit(2);
    };
    let reps: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let decode = args.iter().skip(2).any(|a| a == "decode");
    let level = args.iter().skip(2).find_map(|a| Level::from_name(a)).unwrap_or(Level::Standard);
    let blocks = args.iter().skip(2).any(|a| a == "blocks");

    let corpus = std::env::var_os("XPRESS_CORPUS").map(PathBuf::from).unwrap_or_else(|| "../shared/corpus".into());
    let Ok(entries) = std::fs::read_dir(corpus.join("bench")) else {
        eprintln!("speed: no bench corpus under {} (set XPRESS_CORPUS)", corpus.display());
        return;
    };
    let mut files: Vec<Vec<u8>> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    files.sort();
    if blocks {
        files = files.iter().flat_map(|f| f.chunks(1 << 16)).map(<[u8]>::to_vec).collect();
    }
    let total: usize = files.iter().map(Vec::len).sum();
    let largest = files.iter().map(Vec::len).max().unwrap_or(0);

    let mut compressor = Compressor::new(format, level);
    let packed: Vec<Vec<u8>> = files.iter().map(|f| msxca::compress(format, level, f)).collect();
    let size: usize = packed.iter().map(Vec::len).sum();
    // Each pass over the corpus is timed on its own and the fastest one
    // reported: a shared machine only ever adds time to a pass.
    let mut best = f64::INFINITY;
    let mut sum = 0.0;
    if decode {
        let mut decompressor = Decompressor::new(format);
        let mut out = vec![0u8; largest];
        for _ in 0..reps {
            let start = Instant::now();
            for (p, f) in packed.iter().zip(&files) {
                decompressor.decompress_into(p, &mut out[..f.len()]).unwrap();
            }
            let seconds = start.elapsed().as_secs_f64();
            (best, sum) = (best.min(seconds), sum + seconds);
        }
    } else {
        let mut out = vec![0u8; msxca::max_compressed_size(format, largest)];
        for _ in 0..reps {
            let start = Instant::now();
            for f in &files {
                std::hint::black_box(compressor.compress_into(f, &mut out).unwrap());
            }
            let seconds = start.elapsed().as_secs_f64();
            (best, sum) = (best.min(seconds), sum + seconds);
        }
    }
    println!(
        "{format} {}: {size} / {total} bytes ({:.4}), {:.1} MB/s best of {reps} passes, {:.1} MB/s mean",
        if decode { "decode" } else { "compress" },
        size as f64 / total as f64,
        total as f64 / best / 1e6,
        (total * reps) as f64 / sum / 1e6
    );
}
