//! `msxca bench`: ratio and speed of every format and level.

use crate::io::{read_input, Failure};
use msxca::{Compressor, Decompressor, Format, Level};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// A deterministic mix of text-like and binary-like data, so that `bench`
/// has something representative to chew on without any file.
fn builtin_sample() -> Vec<u8> {
    let words = [
        "compression",
        "windows",
        "the",
        "of",
        "stream",
        "block",
        "huffman",
        "match",
        "literal",
        "chunk",
        "xpress",
        "lznt1",
        "and",
        "a",
        "to",
        "in",
        "is",
        "data",
        "offset",
        "length",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(4 << 20);
    while out.len() < 3 << 20 {
        let r = next();
        match r % 8 {
            0 => out.extend_from_slice(&(r as u32).to_le_bytes()),
            1 => out.extend(std::iter::repeat_n(0, (r >> 8) as usize % 64)),
            _ => {
                out.extend_from_slice(words[(r >> 16) as usize % words.len()].as_bytes());
                out.push(if r >> 40 & 15 == 0 { b'\n' } else { b' ' });
            }
        }
    }
    out
}

pub(crate) fn bench(files: &[PathBuf]) -> Result<(), Failure> {
    let inputs: Vec<(String, Vec<u8>)> = if files.is_empty() {
        vec![("built-in sample".to_string(), builtin_sample())]
    } else {
        files.iter().map(|p| Ok((p.display().to_string(), read_input(p)?))).collect::<Result<_, Failure>>()?
    };
    let total: usize = inputs.iter().map(|(_, d)| d.len()).sum();
    let _ = writeln!(std::io::stdout(), "{} input(s), {total} bytes", inputs.len());
    let _ = writeln!(
        std::io::stdout(),
        "{:<12} {:<9} {:>12} {:>7} {:>12} {:>12}",
        "format",
        "level",
        "compressed",
        "ratio",
        "compress",
        "decompress"
    );
    for format in Format::ALL {
        for level in Level::ALL.into_iter().chain(Level::NUMBERED) {
            let mut compressor = Compressor::new(format, level);
            let mut decompressor = Decompressor::new(format);
            let mut compressed_total = 0usize;
            let (mut c_secs, mut d_secs) = (0f64, 0f64);
            for (name, data) in &inputs {
                // An untimed pass first, which also faults in the buffers'
                // pages: otherwise the first pass times the kernel.
                let mut packed = vec![0u8; msxca::max_compressed_size(format, data.len())];
                let n = compressor.compress_into(data, &mut packed)?;
                let mut unpacked = vec![0u8; data.len()];
                let m = decompressor.decompress_into(&packed[..n], &mut unpacked)?;
                if m != data.len() || unpacked != *data {
                    return Err(Failure(format!("{name}: {format} {level} round trip differs")));
                }
                compressed_total += n;
                c_secs += best_time(|| compressor.compress_into(data, &mut packed).map(drop))?;
                d_secs += best_time(|| decompressor.decompress_into(&packed[..n], &mut unpacked).map(drop))?;
            }
            let mbs = |secs: f64| format!("{:.1} MB/s", total as f64 / secs.max(1e-9) / 1e6);
            let _ = writeln!(
                std::io::stdout(),
                "{:<12} {:<9} {:>12} {:>7.4} {:>12} {:>12}",
                format.name(),
                level.name(),
                compressed_total,
                compressed_total as f64 / total.max(1) as f64,
                mbs(c_secs),
                mbs(d_secs)
            );
        }
    }
    Ok(())
}

/// The fastest of up to three runs of `f`, in seconds: fewer when they
/// pass a quarter of a second in all, so that the slow levels keep the
/// whole bench to a few seconds.
fn best_time(mut f: impl FnMut() -> msxca::Result<()>) -> Result<f64, Failure> {
    let mut best = f64::MAX;
    let mut spent = 0.0;
    for _ in 0..3 {
        let start = Instant::now();
        f()?;
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        spent += secs;
        if spent > 0.25 {
            break;
        }
    }
    Ok(best)
}
