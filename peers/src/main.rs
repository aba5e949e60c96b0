//! msxca against the other implementations of these formats, side by side in
//! one run on the same machine and data:
//!
//! ```text
//! cargo run --release --ignore-rust-version --manifest-path peers/Cargo.toml [DIR]
//! ```
//!
//! DIR defaults to `$XPRESS_CORPUS/bench` (or `../shared/corpus/bench`).
//! `msxca-peers curve [DIR]` prints instead the speed/size curve: every
//! msxca level beside the peers' points (see `curve.rs`).
//! msxca runs at `$MSXCA_LEVEL`: `standard` (Windows' engine, the default),
//! `maximum`, or one of msxca's own levels 1 to 9.
//! With `--features wimlib` wimlib's C library (Debian: libwim-dev) joins
//! the LZ77+Huffman rows in 64 KiB blocks, the way WIM uses it.
//! Every peer is first checked: a decoder must reproduce every file from
//! msxca's streams, and an encoder's streams must decode (with msxca's
//! strict decoder) to the original. Peers that fail are reported, not timed.
//! Decoders whose API takes an output buffer decode into one reused buffer,
//! as a caller that cares about speed would; the others allocate their own.

mod curve;
#[cfg(feature = "wimlib")]
mod wimlib;

use msxca::{Compressor, Decompressor, Format, Level};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Instant;

type DecodeFn = fn(&[u8], &mut [u8]) -> Option<Decoded>;
type EncodeFn = fn(&[u8]) -> Option<Vec<u8>>;

/// What a decoder produced: the bytes it wrote into the caller's buffer
/// (sized to the original), or a vector of its own for APIs that take no
/// buffer. Buffers are reused across calls, so decoders that accept one are
/// timed decoding, not allocating and zeroing fresh pages.
enum Decoded {
    Written(usize),
    Owned(Vec<u8>),
}

impl Decoded {
    fn bytes<'a>(&'a self, out: &'a [u8]) -> &'a [u8] {
        match self {
            Decoded::Written(n) => &out[..*n],
            Decoded::Owned(v) => v,
        }
    }
}

fn msxca_decode(format: Format) -> impl FnMut(&[u8], &mut [u8]) -> Option<Decoded> {
    let mut decompressor = Decompressor::new(format);
    move |input, out| decompressor.decompress_into(input, out).ok().map(Decoded::Written)
}

/// The peers' decoders, by format.
fn peer_decoders(format: Format) -> Vec<(&'static str, DecodeFn)> {
    match format {
        Format::Lznt1 => vec![
            ("ms-compress", |i, out| ms_compress::lznt1::decompress(i, out).ok().map(Decoded::Written)),
            ("rust-lzxpress", |i, _| lzxpress::lznt1::decompress(i).ok().map(Decoded::Owned)),
            ("lznt1", |i, out| {
                let mut v = Vec::with_capacity(out.len());
                lznt1::decompress(i, &mut v).ok()?;
                Some(Decoded::Owned(v))
            }),
        ],
        Format::Xpress => vec![
            ("ms-compress", |i, out| ms_compress::xpress_plain::decompress(i, out).ok().map(Decoded::Written)),
            ("rust-lzxpress", |i, _| lzxpress::data::decompress(i).ok().map(Decoded::Owned)),
            ("xpress_rs", |i, _| {
                xpress_rs::lz77::LZ77Decompressor::new(i.to_vec()).decompress().ok().map(Decoded::Owned)
            }),
        ],
        Format::XpressHuff => vec![
            ("ms-compress", |i, out| {
                let n = out.len();
                ms_compress::decompress_xpress_huffman_buffer(i, out).ok().map(|_| Decoded::Written(n))
            }),
            ("xpress-huffman", |i, out| xpress_huffman::decompress(i, out.len()).ok().map(Decoded::Owned)),
        ],
    }
}

/// The peers' encoders, by format.
fn peer_encoders(format: Format) -> Vec<(&'static str, EncodeFn)> {
    match format {
        Format::Lznt1 => vec![
            ("ms-compress", |i| ms_compress::lznt1::compress(i).ok()),
            ("lznt1", |i| {
                let mut out = Vec::new();
                lznt1::compress(i, &mut out);
                Some(out)
            }),
        ],
        Format::Xpress => vec![
            ("ms-compress", |i| ms_compress::xpress_plain::compress(i).ok()),
            ("rust-lzxpress", |i| lzxpress::data::compress(i).ok()),
            ("xpress_rs", |i| xpress_rs::lz77::LZ77Compressor::new(i.to_vec()).compress().ok()),
        ],
        // ms-compress writes XPRESS_HUFF only in independent 64 KiB blocks
        // (WIM style); it is compared on that blocking below.
        Format::XpressHuff => vec![],
    }
}

/// Runs `f` over all files `reps` times and returns the best MB/s.
fn time_best(total: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..reps {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed().as_secs_f64());
    }
    total as f64 / best / 1e6
}

struct Row {
    what: String,
    ours: f64,
    peer: Option<(&'static str, f64)>,
    sizes: String,
    notes: Vec<String>,
}

/// The level msxca runs at: `$MSXCA_LEVEL`, else the standard engine.
fn our_level() -> Level {
    let name = std::env::var("MSXCA_LEVEL").unwrap_or_default();
    Level::from_name(&name).unwrap_or(Level::Standard)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let curve = args.first().is_some_and(|a| a == "curve");
    if curve {
        args.remove(0);
    }
    // Format names pick the curves to print; any other word is the corpus.
    let formats: Vec<Format> =
        args.iter().filter_map(|a| Format::ALL.into_iter().find(|f| f.name() == a.as_str())).collect();
    args.retain(|a| Format::ALL.iter().all(|f| f.name() != a.as_str()));
    let dir = args.first().map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("XPRESS_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus")))
            .join("bench")
    });
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("peers: no bench corpus at {} (pass a folder or set XPRESS_CORPUS)", dir.display());
        return;
    };
    let mut files: Vec<Vec<u8>> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "SHA256SUMS"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    files.sort();
    let total: usize = files.iter().map(Vec::len).sum();
    println!("{} files, {total} bytes, from {}", files.len(), dir.display());
    std::panic::set_hook(Box::new(|_| {}));
    if curve {
        curve::run(&files, &formats, 3);
        return;
    }
    let mut rows = Vec::new();

    let whole: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    for format in Format::ALL {
        rows.extend(rows_for(format, "", &whole, total));
    }

    // Plain LZ77 and LZNT1 in 4 KiB blocks (memory pages, NTFS clusters);
    // XPRESS_HUFF in independent 64 KiB blocks (WIM/WOF style).
    let pages: Vec<&[u8]> = files.iter().flat_map(|f| f.chunks(4096)).collect();
    rows.extend(rows_for(Format::Xpress, ", 4 KiB blocks", &pages, total));
    rows.extend(rows_for(Format::Lznt1, ", 4 KiB blocks", &pages, total));
    rows.extend(huffman_in_blocks(&files, total));

    println!("{:<38} {:>12} {:>28} {:>7}  sizes", "", "msxca MB/s", "best peer MB/s", "ratio");
    for row in &rows {
        let (peer, ratio) = match row.peer {
            Some((name, speed)) => (format!("{speed:.0} ({name})"), format!("{:.2}", row.ours / speed)),
            None => ("-".into(), "-".into()),
        };
        println!("{:<38} {:>12.0} {:>28} {:>7}  {}", row.what, row.ours, peer, ratio, row.sizes);
        for note in &row.notes {
            println!("{:<40}{note}", "");
        }
    }
}

/// The decompression and compression rows of `format` on `pieces`, each
/// compressed on its own (whole files, or blocks: 4 KiB is the memory
/// compression store's page), against the peers that handle the format one
/// call per buffer. `label` follows the format's name in the rows.
fn rows_for(format: Format, label: &str, pieces: &[&[u8]], total: usize) -> Vec<Row> {
    let ours_packed: Vec<Vec<u8>> = pieces.iter().map(|p| msxca::compress(format, our_level(), p)).collect();
    let our_size: usize = ours_packed.iter().map(Vec::len).sum();
    let largest = pieces.iter().map(|p| p.len()).max().unwrap_or(0);

    // Decompression of msxca's streams.
    let mut out = vec![0u8; largest];
    let mut decode = msxca_decode(format);
    let ours = time_best(total, 5, || {
        for (p, piece) in ours_packed.iter().zip(pieces) {
            std::hint::black_box(decode(p, &mut out[..piece.len()]));
        }
    });
    let mut decode_row =
        Row { what: format!("{format} decompress{label}"), ours, peer: None, sizes: String::new(), notes: vec![] };
    for (name, peer) in peer_decoders(format) {
        let correct = ours_packed.iter().zip(pieces).all(|(p, piece)| {
            let out = &mut out[..piece.len()];
            catch_unwind(AssertUnwindSafe(|| peer(p, out))).ok().flatten().is_some_and(|d| d.bytes(out) == *piece)
        });
        if !correct {
            decode_row.notes.push(format!("{name}: does not decode msxca's streams correctly, not timed"));
            continue;
        }
        let speed = time_best(total, 5, || {
            for (p, piece) in ours_packed.iter().zip(pieces) {
                std::hint::black_box(peer(p, &mut out[..piece.len()]));
            }
        });
        decode_row.notes.push(format!("{name}: {speed:.0} MB/s"));
        if decode_row.peer.is_none_or(|(_, s)| speed > s) {
            decode_row.peer = Some((name, speed));
        }
    }

    // Compression.
    let mut compressor = Compressor::new(format, our_level());
    let mut buf = vec![0u8; msxca::max_compressed_size(format, largest)];
    let ours = time_best(total, 3, || {
        for piece in pieces {
            std::hint::black_box(compressor.compress_into(piece, &mut buf).unwrap());
        }
    });
    let mut encode_row = Row {
        what: format!("{format} compress{label}"),
        ours,
        peer: None,
        sizes: format!("msxca {our_size}"),
        notes: vec![],
    };
    for (name, peer) in peer_encoders(format) {
        let packed: Option<Vec<Vec<u8>>> =
            pieces.iter().map(|p| catch_unwind(AssertUnwindSafe(|| peer(p))).ok().flatten()).collect();
        let valid = packed.as_ref().is_some_and(|packed| {
            packed
                .iter()
                .zip(pieces)
                .all(|(p, piece)| msxca::decompress(format, p, piece.len()).is_ok_and(|o| o == *piece))
        });
        let Some(packed) = packed.filter(|_| valid) else {
            encode_row
                .notes
                .push(format!("{name}: fails or writes streams that do not decode to the input, not timed"));
            continue;
        };
        let size: usize = packed.iter().map(Vec::len).sum();
        let speed = time_best(total, 2, || {
            for piece in pieces {
                std::hint::black_box(peer(piece));
            }
        });
        encode_row.sizes.push_str(&format!(", {name} {size}"));
        encode_row.notes.push(format!("{name}: {speed:.0} MB/s, {size} bytes"));
        if encode_row.peer.is_none_or(|(_, s)| speed > s) {
            encode_row.peer = Some((name, speed));
        }
    }
    vec![decode_row, encode_row]
}

/// LZ77+Huffman in independent 64 KiB blocks, as WIM and WOF use it: the
/// decompression and compression rows.
fn huffman_in_blocks(files: &[Vec<u8>], total: usize) -> Vec<Row> {
    let blocks: Vec<&[u8]> = files.iter().flat_map(|f| f.chunks(65536)).collect();
    let ours_packed: Vec<Vec<u8>> =
        blocks.iter().map(|b| msxca::compress(Format::XpressHuff, our_level(), b)).collect();
    // A block that does not shrink is stored, as for the peers.
    let our_size: usize = ours_packed.iter().zip(&blocks).map(|(p, b)| p.len().min(b.len())).sum();

    let mut out = vec![0u8; 65536];
    let mut decompressor = Decompressor::new(Format::XpressHuff);
    let ours = time_best(total, 5, || {
        for (p, b) in ours_packed.iter().zip(&blocks) {
            std::hint::black_box(decompressor.decompress_into(p, &mut out[..b.len()]).unwrap());
        }
    });
    let mut decode = Row {
        what: "xpress-huff decompress, 64 KiB blocks".into(),
        ours,
        peer: None,
        sizes: String::new(),
        notes: vec![],
    };
    let ms_decode = |p: &[u8], out: &mut [u8]| ms_compress::decompress_xpress_huffman_buffer(p, out).is_ok();
    add_block_decoder(&mut decode, "ms-compress", &ours_packed, &blocks, total, ms_decode);
    #[cfg(feature = "wimlib")]
    match wimlib::WimDecompressor::new() {
        Some(mut wim) => {
            add_block_decoder(&mut decode, "wimlib", &ours_packed, &blocks, total, |p, out| wim.decompress(p, out))
        }
        None => decode.notes.push("wimlib: could not create a decompressor".into()),
    }

    let mut compressor = Compressor::new(Format::XpressHuff, our_level());
    let mut buf = vec![0u8; msxca::max_compressed_size(Format::XpressHuff, 65536)];
    let ours = time_best(total, 3, || {
        for b in &blocks {
            std::hint::black_box(compressor.compress_into(b, &mut buf).unwrap());
        }
    });
    let mut encode = Row {
        what: "xpress-huff compress, 64 KiB blocks".into(),
        ours,
        peer: None,
        sizes: format!("msxca {our_size}"),
        notes: vec![],
    };
    let ms = |b: &[u8], out: &mut Vec<u8>| -> Option<usize> {
        let packed = ms_compress::xpress_encode::compress_xpress(b, b.len() + 1024).ok().flatten()?;
        out.clear();
        out.extend_from_slice(&packed);
        Some(packed.len())
    };
    add_block_encoder(&mut encode, "ms-compress", &blocks, total, ms);
    #[cfg(feature = "wimlib")]
    for level in [20, 50] {
        let name = if level == 20 { "wimlib level 20" } else { "wimlib level 50" };
        match wimlib::WimCompressor::new(level) {
            Some(mut wim) => add_block_encoder(&mut encode, name, &blocks, total, |b, out| {
                out.resize(65536, 0);
                let n = wim.compress(b, out)?;
                out.truncate(n);
                Some(n)
            }),
            None => encode.notes.push(format!("{name}: could not create a compressor")),
        }
    }
    vec![decode, encode]
}

/// Times a block decoder on msxca's block streams once it decodes them all.
fn add_block_decoder(
    row: &mut Row,
    name: &'static str,
    packed: &[Vec<u8>],
    blocks: &[&[u8]],
    total: usize,
    mut decode: impl FnMut(&[u8], &mut [u8]) -> bool,
) {
    let mut out = vec![0u8; 65536];
    let correct = packed.iter().zip(blocks).all(|(p, b)| {
        catch_unwind(AssertUnwindSafe(|| decode(p, &mut out[..b.len()]))).unwrap_or(false) && out[..b.len()] == **b
    });
    if !correct {
        row.notes.push(format!("{name}: does not decode msxca's blocks correctly, not timed"));
        return;
    }
    let speed = time_best(total, 3, || {
        for (p, b) in packed.iter().zip(blocks) {
            std::hint::black_box(decode(p, &mut out[..b.len()]));
        }
    });
    row.notes.push(format!("{name}: {speed:.0} MB/s"));
    if row.peer.is_none_or(|(_, s)| speed > s) {
        row.peer = Some((name, speed));
    }
}

/// Times a block encoder once its blocks all decode (with msxca's strict
/// decoder) to the input; a block it declines counts as stored.
fn add_block_encoder(
    row: &mut Row,
    name: &'static str,
    blocks: &[&[u8]],
    total: usize,
    mut encode: impl FnMut(&[u8], &mut Vec<u8>) -> Option<usize>,
) {
    let mut out = Vec::new();
    let mut size = 0;
    for b in blocks {
        match catch_unwind(AssertUnwindSafe(|| encode(b, &mut out))) {
            Ok(Some(n)) => {
                if !msxca::decompress(Format::XpressHuff, &out[..n], b.len()).is_ok_and(|back| back == *b) {
                    row.notes.push(format!("{name}: writes blocks that do not decode, not timed"));
                    return;
                }
                size += n;
            }
            Ok(None) => size += b.len(),
            Err(_) => {
                row.notes.push(format!("{name}: panics, not timed"));
                return;
            }
        }
    }
    let speed = time_best(total, 2, || {
        for b in blocks {
            std::hint::black_box(encode(b, &mut out));
        }
    });
    row.sizes.push_str(&format!(", {name} {size}"));
    row.notes.push(format!("{name}: {speed:.0} MB/s, {size} bytes"));
    if row.peer.is_none_or(|(_, s)| speed > s) {
        row.peer = Some((name, speed));
    }
}
