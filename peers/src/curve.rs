//! The speed/size curve: every msxca level beside the peers' points, per
//! format, in one process (`msxca-peers curve [DIR] [FORMAT...]`, every
//! format when none is named):
//!
//! - LZ77+Huffman in independent 64 KiB blocks (WIM/WOF style), against
//!   wimlib levels 1, 20, 50 and 100 (with `--features wimlib`) and
//!   ms-compress;
//! - Plain LZ77 and LZNT1 on whole files, against the `ms-compress` and
//!   `lznt1` crates.
//!
//! Every encoder's output is decoded (by msxca's strict decoder) and
//! compared with the input before it is timed; a block an encoder declines
//! counts as stored, at its own size. Passes are interleaved, one encoder
//! after another, and each encoder's fastest pass is reported: a shared
//! machine only ever adds time.

use msxca::{Compressor, Decompressor, Format, Level};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// Compresses one piece into the vector, returning its size, or `None`
/// when the encoder declines it (stored).
type Encode = Box<dyn FnMut(&[u8], &mut Vec<u8>) -> Option<usize>>;

struct Point {
    name: String,
    encode: Encode,
    size: usize,
    best: f64,
}

fn msxca_point(format: Format, level: Level) -> Point {
    let mut compressor = Compressor::new(format, level);
    let encode: Encode = Box::new(move |piece: &[u8], out: &mut Vec<u8>| {
        out.resize(msxca::max_compressed_size(format, piece.len()), 0);
        let n = compressor.compress_into(piece, out).ok()?;
        out.truncate(n);
        Some(n)
    });
    let heap = Compressor::new(format, level).heap_bytes();
    Point { name: format!("msxca {level} ({} KiB)", heap.div_ceil(1024)), encode, size: 0, best: f64::MAX }
}

fn peer_point(name: &str, encode: Encode) -> Point {
    Point { name: name.to_string(), encode, size: 0, best: f64::MAX }
}

/// The points of `format`'s curve.
fn points(format: Format) -> Vec<Point> {
    let mut points: Vec<Point> =
        Level::ALL.into_iter().chain(Level::NUMBERED).map(|level| msxca_point(format, level)).collect();
    match format {
        Format::Lznt1 => {
            points.push(peer_point(
                "ms-compress",
                Box::new(|p: &[u8], out: &mut Vec<u8>| {
                    *out = ms_compress::lznt1::compress(p).ok()?;
                    Some(out.len())
                }),
            ));
            points.push(peer_point(
                "lznt1 crate",
                Box::new(|p: &[u8], out: &mut Vec<u8>| {
                    out.clear();
                    lznt1::compress(p, out);
                    Some(out.len())
                }),
            ));
        }
        Format::Xpress => points.push(peer_point(
            "ms-compress",
            Box::new(|p: &[u8], out: &mut Vec<u8>| {
                *out = ms_compress::xpress_plain::compress(p).ok()?;
                Some(out.len())
            }),
        )),
        Format::XpressHuff => {
            points.push(peer_point(
                "ms-compress",
                Box::new(|b: &[u8], out: &mut Vec<u8>| {
                    *out = ms_compress::xpress_encode::compress_xpress(b, b.len() + 1024).ok().flatten()?;
                    Some(out.len())
                }),
            ));
            #[cfg(feature = "wimlib")]
            for level in [1, 20, 50, 100] {
                if let Some(mut wim) = crate::wimlib::WimCompressor::new(level) {
                    points.push(peer_point(
                        &format!("wimlib level {level}"),
                        Box::new(move |b: &[u8], out: &mut Vec<u8>| {
                            out.resize(65536, 0);
                            let n = wim.compress(b, out)?;
                            out.truncate(n);
                            Some(n)
                        }),
                    ));
                }
            }
        }
    }
    points
}

/// Checks `point` on every piece: its output decodes to the piece (a
/// declined piece is stored). Returns the total size, or `None`.
fn checked_size(format: Format, point: &mut Point, pieces: &[&[u8]]) -> Option<usize> {
    let mut decompressor = Decompressor::new(format);
    let (mut out, mut back) = (Vec::new(), Vec::new());
    let mut size = 0;
    for piece in pieces {
        match catch_unwind(AssertUnwindSafe(|| (point.encode)(piece, &mut out))).ok()? {
            None => size += piece.len(),
            Some(n) => {
                back.resize(piece.len(), 0);
                let written = decompressor.decompress_into(&out[..n], &mut back).ok()?;
                if back[..written] != **piece {
                    return None;
                }
                size += n.min(piece.len());
            }
        }
    }
    Some(size)
}

/// Prints the curve of `format` on `pieces` (`label` says how they were
/// cut), best of `passes` interleaved passes.
fn print_curve(format: Format, label: &str, pieces: &[&[u8]], passes: usize) {
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    let mut points = points(format);
    let mut failed = Vec::new();
    points.retain_mut(|point| match checked_size(format, point, pieces) {
        Some(size) => {
            point.size = size;
            true
        }
        None => {
            failed.push(point.name.clone());
            false
        }
    });
    let mut out = Vec::new();
    for _ in 0..passes {
        for point in &mut points {
            let start = Instant::now();
            for piece in pieces {
                std::hint::black_box((point.encode)(piece, &mut out));
            }
            point.best = point.best.min(start.elapsed().as_secs_f64());
        }
    }
    println!("\n{format}, {label}: {total} bytes, best of {passes} interleaved passes");
    println!("{:<28} {:>12} {:>8} {:>9}", "", "bytes", "ratio", "MB/s");
    points.sort_by_key(|p| std::cmp::Reverse(p.size));
    for point in &points {
        let speed = total as f64 / point.best / 1e6;
        println!("{:<28} {:>12} {:>8.4} {:>9.1}", point.name, point.size, point.size as f64 / total as f64, speed);
    }
    for name in failed {
        println!("{name}: fails or writes streams that do not decode to the input, not timed");
    }
}

/// The curves of `formats` (all three when empty) over the bench corpus
/// `files`.
pub fn run(files: &[Vec<u8>], formats: &[Format], passes: usize) {
    let wanted = |format: Format| formats.is_empty() || formats.contains(&format);
    if wanted(Format::XpressHuff) {
        let blocks: Vec<&[u8]> = files.iter().flat_map(|f| f.chunks(65536)).collect();
        print_curve(Format::XpressHuff, "64 KiB blocks", &blocks, passes);
    }
    let whole: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    for format in [Format::Xpress, Format::Lznt1] {
        if wanted(format) {
            print_curve(format, "whole files", &whole, passes);
        }
    }
}
