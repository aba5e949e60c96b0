//! `msxca`: compress and decompress Windows' XPRESS and LZNT1 formats.

use clap::{Parser, Subcommand, ValueEnum};
use msxca::{Compressor, Decompressor, Format, Level};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "msxca",
    version,
    about = "Compress and decompress Microsoft's LZNT1, XPRESS and XPRESS Huffman formats, as Windows does",
    after_help = "Examples:\n  \
        msxca compress -f xpress-huff notes.txt notes.xph\n  \
        msxca decompress -f xpress-huff -s 12345 notes.xph notes.txt\n  \
        msxca decompress -f lznt1 chunk.bin - | less\n  \
        msxca bench"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compress INPUT into a raw stream, as RtlCompressBuffer writes it.
    Compress {
        /// Stream format.
        #[arg(short, long, value_enum)]
        format: FormatArg,
        /// Effort: Windows' standard or maximum engine.
        #[arg(short, long, value_enum, default_value = "standard")]
        level: LevelArg,
        /// Input file, or - for standard input.
        input: PathBuf,
        /// Output file, or - for standard output.
        output: PathBuf,
    },
    /// Decompress a raw stream, as RtlCompressBuffer writes it.
    Decompress {
        /// Stream format.
        #[arg(short, long, value_enum)]
        format: FormatArg,
        /// Uncompressed size: required for xpress-huff (which does not record
        /// it); for lznt1 and xpress the largest size accepted.
        #[arg(short, long)]
        size: Option<usize>,
        /// Input file, or - for standard input.
        input: PathBuf,
        /// Output file, or - for standard output.
        output: PathBuf,
    },
    /// Compress and decompress FILEs (or a built-in sample) with every
    /// format and level, and print ratio and speed.
    Bench {
        /// Files to measure; a built-in sample when none is given.
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// LZNT1 (COMPRESSION_FORMAT_LZNT1).
    Lznt1,
    /// Plain LZ77 (COMPRESSION_FORMAT_XPRESS).
    #[value(alias = "plain")]
    Xpress,
    /// LZ77+Huffman (COMPRESSION_FORMAT_XPRESS_HUFF).
    #[value(alias = "huffman")]
    XpressHuff,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Lznt1 => Format::Lznt1,
            FormatArg::Xpress => Format::Xpress,
            FormatArg::XpressHuff => Format::XpressHuff,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LevelArg {
    Standard,
    Maximum,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Standard => Level::Standard,
            LevelArg::Maximum => Level::Maximum,
        }
    }
}

/// A failure to report: one line, exit status 1 (bad data or I/O).
struct Failure(String);

impl From<msxca::Error> for Failure {
    fn from(e: msxca::Error) -> Self {
        Failure(e.to_string())
    }
}

/// A usage error found after parsing: exit status 2, like clap's own.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("msxca: {message}");
    ExitCode::from(2)
}

fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut data = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut data).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut data)).map(|_| ())
    };
    result.map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    Ok(data)
}

/// Writes the whole result at once, so a failure never leaves part of it.
fn write_output(path: &Path, data: &[u8]) -> Result<(), Failure> {
    let result = if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(data).and_then(|()| out.flush())
    } else {
        std::fs::write(path, data)
    };
    result.map_err(|e| Failure(format!("{}: {e}", path.display())))
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Compress { format, level, input, output } => {
            let data = read_input(&input)?;
            let format = Format::from(format);
            let mut out = vec![0u8; msxca::max_compressed_size(format, data.len())];
            let n = Compressor::new(format, level.into())
                .compress_into(&data, &mut out)
                .map_err(|e| Failure(format!("{}: {e}", input.display())))?;
            write_output(&output, &out[..n])
        }
        Command::Decompress { format, size, input, output } => {
            let format = Format::from(format);
            let capacity = match (format, size) {
                (_, Some(size)) => size,
                (Format::XpressHuff, None) => unreachable!("checked in main"),
                (_, None) => msxca::DEFAULT_OUTPUT_LIMIT,
            };
            if capacity > msxca::DEFAULT_OUTPUT_LIMIT {
                return Err(Failure(format!(
                    "size {capacity} exceeds the limit of {} bytes",
                    msxca::DEFAULT_OUTPUT_LIMIT
                )));
            }
            let data = read_input(&input)?;
            let mut out = vec![0u8; capacity];
            let n = Decompressor::new(format)
                .decompress_into(&data, &mut out)
                .map_err(|e| Failure(format!("{}: {e}", input.display())))?;
            write_output(&output, &out[..n])
        }
        Command::Bench { files } => bench(&files),
    }
}

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
            1 => out.extend(std::iter::repeat(0).take((r >> 8) as usize % 64)),
            _ => {
                out.extend_from_slice(words[(r >> 16) as usize % words.len()].as_bytes());
                out.push(if r >> 40 & 15 == 0 { b'\n' } else { b' ' });
            }
        }
    }
    out
}

fn bench(files: &[PathBuf]) -> Result<(), Failure> {
    let inputs: Vec<(String, Vec<u8>)> = if files.is_empty() {
        vec![("built-in sample".to_string(), builtin_sample())]
    } else {
        files.iter().map(|p| Ok((p.display().to_string(), read_input(p)?))).collect::<Result<_, Failure>>()?
    };
    let total: usize = inputs.iter().map(|(_, d)| d.len()).sum();
    println!("{} input(s), {total} bytes", inputs.len());
    println!(
        "{:<12} {:<9} {:>12} {:>7} {:>12} {:>12}",
        "format", "level", "compressed", "ratio", "compress", "decompress"
    );
    for format in Format::ALL {
        for level in Level::ALL {
            let mut compressor = Compressor::new(format, level);
            let mut decompressor = Decompressor::new(format);
            let mut compressed_total = 0usize;
            let (mut c_secs, mut d_secs) = (0f64, 0f64);
            for (name, data) in &inputs {
                let mut packed = vec![0u8; msxca::max_compressed_size(format, data.len())];
                let start = Instant::now();
                let n = compressor.compress_into(data, &mut packed)?;
                c_secs += start.elapsed().as_secs_f64();
                let mut unpacked = vec![0u8; data.len()];
                let start = Instant::now();
                let m = decompressor.decompress_into(&packed[..n], &mut unpacked)?;
                d_secs += start.elapsed().as_secs_f64();
                if m != data.len() || unpacked != *data {
                    return Err(Failure(format!("{name}: {format} {level} round trip differs")));
                }
                compressed_total += n;
            }
            let mbs = |secs: f64| format!("{:.1} MB/s", total as f64 / secs.max(1e-9) / 1e6);
            println!(
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

fn main() -> ExitCode {
    // A bug must still end in one clean line, never a panic message.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    if let Command::Decompress { format: FormatArg::XpressHuff, size: None, .. } = cli.command {
        return usage_error("xpress-huff does not record its size: pass the uncompressed size with -s SIZE");
    }
    match std::panic::catch_unwind(|| run(cli.command)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(Failure(message))) => {
            eprintln!("msxca: {message}");
            ExitCode::from(1)
        }
        Err(_) => {
            eprintln!("msxca: internal error (please report it with the input that caused it)");
            ExitCode::from(1)
        }
    }
}
