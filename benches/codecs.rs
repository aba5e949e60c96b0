//! Criterion benches: `<format>/<decompress|compress>/<blocking>` over every
//! file of `$XPRESS_CORPUS/bench` (default `../shared/corpus/bench`), whole
//! files and 64 KiB / 4 KiB blocks, in bytes of uncompressed data.
//!
//! `cargo bench --bench codecs -- xpress/decompress` runs one group.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msxca::{Compressor, Decompressor, Format, Level};
use std::path::PathBuf;
use std::time::Duration;

fn bench_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("XPRESS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")))
        .join("bench");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("benches: skipped, no bench corpus at {} (set XPRESS_CORPUS)", dir.display());
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Splits `data` into independently coded blocks (the whole file when `block` is 0).
fn blocks(data: &[u8], block: usize) -> Vec<&[u8]> {
    if block == 0 {
        vec![data]
    } else {
        data.chunks(block).collect()
    }
}

const BLOCKINGS: [(&str, usize); 3] = [("whole", 0), ("64k", 65536), ("4k", 4096)];

fn codecs(c: &mut Criterion) {
    let files = bench_files();
    for format in Format::ALL {
        for (blocking, block) in BLOCKINGS {
            let mut group = c.benchmark_group(format!("{}/decompress/{blocking}", format.name()));
            group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
            for (name, data) in &files {
                let mut compressor = Compressor::new(format, Level::Standard);
                let packed: Vec<(Vec<u8>, usize)> = blocks(data, block)
                    .into_iter()
                    .map(|b| {
                        let mut out = vec![0u8; msxca::max_compressed_size(format, b.len())];
                        let n = compressor.compress_into(b, &mut out).unwrap();
                        out.truncate(n);
                        (out, b.len())
                    })
                    .collect();
                let mut decompressor = Decompressor::new(format);
                let mut out = vec![0u8; block.max(data.len())];
                group.throughput(Throughput::Bytes(data.len() as u64));
                group.bench_function(BenchmarkId::from_parameter(name), |b| {
                    b.iter(|| {
                        for (stream, len) in &packed {
                            black_box(decompressor.decompress_into(black_box(stream), &mut out[..*len]).unwrap());
                        }
                    })
                });
            }
            group.finish();

            let mut group = c.benchmark_group(format!("{}/compress/{blocking}", format.name()));
            group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
            for (name, data) in &files {
                let mut compressor = Compressor::new(format, Level::Standard);
                let mut out = vec![0u8; msxca::max_compressed_size(format, data.len()) + 4096];
                group.throughput(Throughput::Bytes(data.len() as u64));
                group.bench_function(BenchmarkId::from_parameter(name), |b| {
                    b.iter(|| {
                        for chunk in blocks(data, block) {
                            black_box(compressor.compress_into(black_box(chunk), &mut out).unwrap());
                        }
                    })
                });
            }
            group.finish();
        }
    }
}

criterion_group!(benches, codecs);
criterion_main!(benches);
