//! `msxca`: compress and decompress Windows' XPRESS and LZNT1 formats.

use clap::{Parser, Subcommand, ValueEnum};
use msxca::{Compressor, Decompressor, Format, Level};
use std::io::{IsTerminal, Read, Write};
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
        msxca decompress -c mam C:/Windows/Prefetch/NOTEPAD.EXE-1234ABCD.pf notepad.trace\n  \
        msxca compress -c frame -f lznt1 big.img - > big.img.msxf\n  \
        msxca decompress -f lznt1 chunk.bin - | less\n  \
        msxca info NOTEPAD.EXE-1234ABCD.pf\n  \
        msxca bench"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by compress and decompress.
#[derive(clap::Args)]
struct Io {
    /// Container around the stream: raw (as RtlCompressBuffer writes it),
    /// mam (Windows prefetch/SysMain), api (Compression API buffer mode) or
    /// frame (msxca's streaming frame format).
    #[arg(short, long, value_enum, default_value = "raw")]
    container: Container,
    /// No progress messages.
    #[arg(short, long)]
    quiet: bool,
    /// Overwrite OUTPUT if it exists and is not empty (refused otherwise
    /// when run from a terminal).
    #[arg(long)]
    force: bool,
    /// Input file, or - for standard input.
    input: PathBuf,
    /// Output file, or - for standard output.
    output: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Compress INPUT (a raw stream by default, as RtlCompressBuffer writes it).
    Compress {
        /// Stream format (required except with -c mam, which defaults to xpress-huff).
        #[arg(short, long, value_enum)]
        format: Option<FormatArg>,
        /// Effort: Windows' standard or maximum engine.
        #[arg(short, long, value_enum, default_value = "standard")]
        level: LevelArg,
        /// With -c mam: add the CRC-32 field (MAM\x84, as SysMain writes).
        #[arg(long)]
        crc: bool,
        #[command(flatten)]
        io: Io,
    },
    /// Decompress INPUT (a raw stream by default, as RtlCompressBuffer writes it).
    Decompress {
        /// Stream format (required for raw streams; mam, api and frame record it).
        #[arg(short, long, value_enum)]
        format: Option<FormatArg>,
        /// Uncompressed size: required for raw xpress-huff (which does not
        /// record it); for raw lznt1 and xpress the largest size accepted.
        #[arg(short, long)]
        size: Option<usize>,
        #[command(flatten)]
        io: Io,
    },
    /// Describe FILE: container, format, sizes, blocks and checksum, without writing anything.
    Info {
        /// The file to inspect, or - for standard input.
        file: PathBuf,
    },
    /// Compress and decompress FILEs (or a built-in sample) with every
    /// format and level, and print ratio and speed.
    Bench {
        /// Files to measure; a built-in sample when none is given.
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Container {
    /// No container: the stream as RtlCompressBuffer writes it.
    Raw,
    /// The MAM header of Windows 8.1+ prefetch and SysMain files.
    Mam,
    /// Compression API buffer mode (24-byte header, 64 MiB blocks).
    Api,
    /// msxca's streaming frame format (see the msxca::write docs).
    Frame,
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

/// Appends one line to a report (formatting into a String cannot fail).
macro_rules! say {
    ($report:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($report, $($arg)*);
    }};
}

/// A usage error found after parsing: exit status 2, like clap's own.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("msxca: {message}");
    ExitCode::from(2)
}

/// Inputs above this size get progress messages on a terminal.
const PROGRESS_THRESHOLD: usize = 64 << 20;

/// Progress messages on stderr, only when it is a terminal and not `-q`.
struct Progress {
    enabled: bool,
}

impl Progress {
    fn new(quiet: bool, size: usize) -> Self {
        Progress { enabled: !quiet && size > PROGRESS_THRESHOLD && std::io::stderr().is_terminal() }
    }

    fn say(&self, message: &str) {
        if self.enabled {
            eprint!("\r\x1b[2Kmsxca: {message}");
        }
    }

    fn done(&self) {
        if self.enabled {
            eprintln!();
        }
    }
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

/// Refuses to replace an existing non-empty OUTPUT without --force when a
/// person is at the terminal. Scripts (no terminal on stderr) keep the
/// plain replace-the-output contract that tools built on msxca rely on.
fn check_output(path: &Path, force: bool) -> Result<(), Failure> {
    let interactive = std::io::stderr().is_terminal();
    if interactive && path.as_os_str() != "-" && !force && std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Failure(format!("{}: already exists (use --force to overwrite)", path.display())));
    }
    Ok(())
}

/// Writes the whole result through a temporary file renamed into place, so
/// that a failure never leaves a partial OUTPUT behind.
fn write_output(path: &Path, data: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure(format!("{}: {e}", path.display()));
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        return match out.write_all(data).and_then(|()| out.flush()) {
            // The reader went away (`msxca … - | head`): not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            result => result.map_err(fail),
        };
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".msxca-{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    let written = std::fs::write(&temp, data).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}

fn compress(format: Option<Format>, level: Level, crc: bool, io: &Io) -> Result<Vec<u8>, Failure> {
    let data = read_input(&io.input)?;
    let name = io.input.display();
    let format = match (io.container, format) {
        (_, Some(format)) => format,
        (Container::Mam, None) => Format::XpressHuff,
        (_, None) => unreachable!("checked in main"),
    };
    let progress = Progress::new(io.quiet, data.len());
    progress.say(&format!("compressing {name} ({} MiB) as {format}...", data.len() >> 20));
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let out = match io.container {
        Container::Raw => {
            let mut out = vec![0u8; msxca::max_compressed_size(format, data.len())];
            let n = Compressor::new(format, level).compress_into(&data, &mut out).map_err(fail)?;
            out.truncate(n);
            out
        }
        Container::Mam => msxca::mam::compress(format, level, &data, crc).map_err(fail)?,
        Container::Api => msxca::api::compress(format, level, msxca::api::Mode::Buffer, &data).map_err(fail)?,
        Container::Frame => {
            let mut encoder = msxca::write::Encoder::new(Vec::new(), format, level);
            for (i, block) in data.chunks(msxca::write::FRAME_BLOCK_SIZE).enumerate() {
                encoder.write_all(block).map_err(|e| Failure(format!("{name}: {e}")))?;
                if i % 64 == 0 {
                    let done = (i * msxca::write::FRAME_BLOCK_SIZE) as f64 / data.len().max(1) as f64;
                    progress.say(&format!("compressing {name}: {:.0}%", done * 100.0));
                }
            }
            encoder.finish().map_err(|e| Failure(format!("{name}: {e}")))?
        }
    };
    progress.say(&format!("compressed {name}: {} -> {} bytes", data.len(), out.len()));
    progress.done();
    Ok(out)
}

fn decompress(format: Option<Format>, size: Option<usize>, io: &Io) -> Result<Vec<u8>, Failure> {
    let data = read_input(&io.input)?;
    let name = io.input.display();
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let limit = msxca::DEFAULT_OUTPUT_LIMIT;
    let progress = Progress::new(io.quiet, data.len());
    progress.say(&format!("decompressing {name}..."));
    let out = match io.container {
        Container::Raw => {
            let format = format.expect("checked in main");
            let capacity = size.unwrap_or(limit);
            if capacity > limit {
                return Err(Failure(format!("size {capacity} exceeds the limit of {limit} bytes")));
            }
            let mut out = vec![0u8; capacity];
            let n = Decompressor::new(format).decompress_into(&data, &mut out).map_err(fail)?;
            out.truncate(n);
            out
        }
        Container::Mam => {
            let header = msxca::mam::read_header(&data).map_err(fail)?;
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            msxca::mam::decompress(&data, limit).map_err(fail)?
        }
        Container::Api => {
            let header = msxca::api::read_header(&data).map_err(fail)?;
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            msxca::api::decompress(header.format, msxca::api::Mode::Buffer, &data, limit).map_err(fail)?
        }
        Container::Frame => {
            let mut out = Vec::new();
            let mut decoder = msxca::read::Decoder::new(&data[..]);
            decoder.read_to_end(&mut out).map_err(|e| Failure(format!("{name}: {e}")))?;
            out
        }
    };
    progress.say(&format!("decompressed {name}: {} -> {} bytes", data.len(), out.len()));
    progress.done();
    Ok(out)
}

fn info(path: &Path) -> Result<(), Failure> {
    let data = read_input(path)?;
    let mut report = String::new();
    let name = path.display();
    say!(report, "{name}: {} bytes", data.len());
    if data.starts_with(&msxca::mam::SIGNATURE) {
        let header = msxca::mam::read_header(&data).map_err(|e| Failure(format!("{name}: {e}")))?;
        say!(report, "container: MAM (Windows prefetch / SysMain), header {} bytes", header.data_offset);
        say!(report, "format: {}", header.format);
        say!(report, "uncompressed size: {}", header.uncompressed_size);
        let check = msxca::mam::decompress(&data, msxca::DEFAULT_OUTPUT_LIMIT);
        match (header.crc, &check) {
            (Some(crc), Ok(_)) => say!(report, "crc-32: {crc:#010x}, matches"),
            (Some(crc), Err(msxca::Error::ChecksumMismatch { actual, .. })) => {
                say!(report, "crc-32: {crc:#010x}, MISMATCH (data gives {actual:#010x})")
            }
            (Some(crc), Err(_)) => say!(report, "crc-32: {crc:#010x}"),
            (None, _) => say!(report, "crc-32: none"),
        }
        say!(report, "stream: {}", check.map_or_else(|e| format!("does not decode: {e}"), |_| "decodes".to_string()));
    } else if data.starts_with(&msxca::api::MAGIC) {
        let header = msxca::api::read_header(&data).map_err(|e| Failure(format!("{name}: {e}")))?;
        say!(report, "container: Compression API buffer mode, header 24 bytes, checksum ok");
        say!(report, "format: {}", header.format);
        say!(report, "uncompressed size: {}", header.uncompressed_size);
        say!(report, "block size: {}", header.block_size);
        let (mut at, mut left, mut index) = (msxca::api::HEADER_SIZE, header.uncompressed_size, 0);
        while left > 0 && at + 4 <= data.len() {
            let size = u32::from_le_bytes(data[at..at + 4].try_into().unwrap_or_default()) as u64;
            let len = left.min(header.block_size);
            let kind = if size == len { "stored" } else { "compressed" };
            say!(report, "block {index}: {len} bytes, {kind} in {size} at offset {at:#x}");
            at += 4 + size as usize;
            left -= len;
            index += 1;
        }
        let check = msxca::api::decompress(header.format, msxca::api::Mode::Buffer, &data, msxca::DEFAULT_OUTPUT_LIMIT);
        say!(report, "stream: {}", check.map_or_else(|e| format!("does not decode: {e}"), |_| "decodes".to_string()));
    } else if data.starts_with(&msxca::write::FRAME_MAGIC) {
        let mut decoder = msxca::read::Decoder::new(&data[..]);
        let mut total = 0u64;
        let result = std::io::copy(&mut decoder, &mut std::io::sink()).map(|n| total = n);
        say!(report, "container: msxca frame");
        if let Some(format) = decoder.format() {
            say!(report, "format: {format}");
        }
        match result {
            Ok(()) => say!(report, "uncompressed size: {total}\nstream: decodes, all block checksums match"),
            Err(e) => say!(report, "stream: does not decode: {e}"),
        }
    } else {
        say!(report, "container: none (a raw stream, or not compressed data)");
        let mut out = vec![0u8; msxca::DEFAULT_OUTPUT_LIMIT.min(data.len().saturating_mul(64).max(1 << 16))];
        for format in [Format::Lznt1, Format::Xpress] {
            match Decompressor::new(format).decompress_into_ex(&data, &mut out) {
                Ok((0, _)) if data.len() > 4 => say!(report, "as {format}: no (nothing before its end)"),
                Ok((n, used)) if used < data.len() => {
                    say!(
                        report,
                        "as {format}: decodes to {n} bytes from the first {used} bytes ({} follow)",
                        data.len() - used
                    )
                }
                Ok((n, _)) => say!(report, "as {format}: decodes to {n} bytes"),
                Err(e) => say!(report, "as {format}: no ({e})"),
            }
        }
        say!(report, "as xpress-huff: needs the uncompressed size; try msxca decompress -f xpress-huff -s SIZE");
    }
    write_output(Path::new("-"), report.as_bytes())
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Compress { format, level, crc, io } => {
            check_output(&io.output, io.force)?;
            let out = compress(format.map(Format::from), level.into(), crc, &io)?;
            write_output(&io.output, &out)
        }
        Command::Decompress { format, size, io } => {
            check_output(&io.output, io.force)?;
            let out = decompress(format.map(Format::from), size, &io)?;
            write_output(&io.output, &out)
        }
        Command::Info { file } => info(&file),
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
            1 => out.extend(std::iter::repeat_n(0, (r >> 8) as usize % 64)),
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
        for level in Level::ALL {
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

fn main() -> ExitCode {
    // A bug must still end in one clean line, never a panic message.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    match &cli.command {
        Command::Decompress { format: None, io, .. } | Command::Compress { format: None, io, .. }
            if io.container == Container::Raw
                || (io.container != Container::Mam && matches!(cli.command, Command::Compress { .. })) =>
        {
            return usage_error("the stream format is needed: pass -f lznt1, -f xpress or -f xpress-huff");
        }
        Command::Decompress { format: Some(FormatArg::XpressHuff), size: None, io }
            if io.container == Container::Raw =>
        {
            return usage_error("xpress-huff does not record its size: pass the uncompressed size with -s SIZE");
        }
        _ => {}
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
