//! Writes seed corpora for the fuzz targets from the project's own small
//! samples: `cargo run --example fuzz_seeds` (into `fuzz/corpus/`).

use msxca::{compress, Format, Level};
use std::path::Path;

fn samples() -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new(), b"a".to_vec(), b"abcabcabcabc".to_vec(), vec![0u8; 5000]];
    out.push(b"The quick brown fox jumps over the lazy dog. ".repeat(30));
    out.push((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect());
    let mut mixed = b"header ".repeat(10);
    mixed.extend((0..70_000u32).map(|i| if i % 100 < 50 { b'x' } else { (i % 7) as u8 }));
    out.push(mixed);
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (format, name) in [(Format::Lznt1, "lznt1"), (Format::Xpress, "xpress"), (Format::XpressHuff, "xpress_huff")] {
        let decode_dir = root.join(format!("decompress_{name}"));
        let trip_dir = root.join(format!("roundtrip_{name}"));
        let rtl_dir = root.join("rtl_vs_core");
        for dir in [&decode_dir, &trip_dir, &rtl_dir] {
            std::fs::create_dir_all(dir).unwrap();
        }
        for (i, sample) in samples().iter().enumerate() {
            let sample = &sample[..sample.len().min(20_000)];
            for level in Level::ALL {
                let stream = compress(format, level, sample);
                let size = sample.len() as u16;
                let mut seed = size.to_le_bytes().to_vec();
                seed.push(0);
                seed.extend_from_slice(&stream);
                std::fs::write(decode_dir.join(format!("{i}-{level}")), &seed).unwrap();
                let mut rtl = vec![format.windows_id() as u8 - 2];
                rtl.extend_from_slice(&seed[..2]);
                rtl.extend_from_slice(&stream);
                std::fs::write(rtl_dir.join(format!("{name}-{i}-{level}")), &rtl).unwrap();
            }
            let mut trip = vec![0u8];
            trip.extend_from_slice(sample);
            std::fs::write(trip_dir.join(format!("{i}")), &trip).unwrap();
        }
    }
    println!("seeds written under {}", root.display());
}
