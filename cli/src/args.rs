//! The command line: subcommands, flags and the rules between them, all
//! stated to clap.

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use msxca::{Format, Level};
use std::path::PathBuf;

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
        msxca decompress -c wof-xpress8k -s 7638 notepad.WofCompressedData notepad.exe\n  \
        msxca compress -c smb2 -f lznt1 --chained message.bin message.smb2\n  \
        msxca carve memory.raw carved/\n  \
        msxca bench"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Parses the command line, exiting as clap does on a usage error.
    ///
    /// The attributes state every rule but one: clap does not let a
    /// defaulted value (`-c raw`) make another argument required, so the
    /// size that raw xpress-huff needs is required here.
    pub(crate) fn parse_checked() -> Cli {
        let cli = Cli::parse();
        if let Command::Decompress { format: Some(FormatArg::XpressHuff), size: None, io } = &cli.command {
            if io.container == Container::Raw {
                let mut command = Cli::command();
                command.build();
                let decompress = command.find_subcommand_mut("decompress").expect("the decompress command");
                let problem = "xpress-huff does not record its size: pass the uncompressed size with -s SIZE";
                decompress.error(ErrorKind::MissingRequiredArgument, problem).exit();
            }
        }
        cli
    }
}

/// Options shared by compress and decompress.
#[derive(clap::Args)]
pub(crate) struct Io {
    /// Container around the stream: raw (as RtlCompressBuffer writes it),
    /// mam (Windows prefetch/SysMain), api (Compression API buffer mode),
    /// frame (msxca's streaming frame format), wof-xpress4k/8k/16k (a
    /// Compact OS WofCompressedData stream) or smb2 (an SMB 3.1.1
    /// compression transform message).
    #[arg(short, long, value_enum, default_value = "raw")]
    pub(crate) container: Container,
    /// No progress bar.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Threads for independent work (LZNT1 chunks; frame, api and WOF
    /// blocks; LZ77+Huffman blocks written while the next is parsed); the
    /// output is the same whatever the number. 1 runs everything on the
    /// calling thread; 0 means every core. [default: the available cores]
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<u16>,
    /// Overwrite OUTPUT if it exists and is not empty (refused otherwise
    /// when run from a terminal).
    #[arg(long)]
    pub(crate) force: bool,
    /// Input file, or - for standard input.
    pub(crate) input: PathBuf,
    /// Output file, or - for standard output.
    pub(crate) output: PathBuf,
}

impl Io {
    /// The threads asked for, or every core.
    pub(crate) fn threads(&self) -> usize {
        match self.threads {
            None | Some(0) => msxca::available_threads(),
            Some(n) => usize::from(n),
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Compress INPUT (a raw stream by default, as RtlCompressBuffer writes it).
    Compress {
        /// Stream format (required except with -c mam, which defaults to xpress-huff).
        #[arg(
            short,
            long,
            value_enum,
            required_unless_present("container"),
            required_if_eq_any([("container", "raw"), ("container", "api"), ("container", "frame"), ("container", "smb2")])
        )]
        format: Option<FormatArg>,
        /// Effort: standard or maximum (Windows' engines, Windows' bytes),
        /// or 1 to 9 (msxca's own, from the fastest to the smallest).
        #[arg(short, long, value_parser = parse_level, default_value = "standard")]
        level: Level,
        /// With -c mam: add the CRC-32 field (MAM\x84, as SysMain writes).
        #[arg(long)]
        crc: bool,
        /// With -c smb2: the chained form, with Pattern_V1 payloads for
        /// runs of 64 bytes or more at the front and the end.
        #[arg(long)]
        chained: bool,
        #[command(flatten)]
        io: Io,
    },
    /// Decompress INPUT (a raw stream by default, as RtlCompressBuffer writes it).
    Decompress {
        /// Stream format (required for raw streams; mam, api and frame record it).
        #[arg(short, long, value_enum, required_unless_present("container"), required_if_eq("container", "raw"))]
        format: Option<FormatArg>,
        /// Uncompressed size: required for raw xpress-huff and for WOF
        /// streams (which do not record it); for raw lznt1 and xpress the
        /// largest size accepted.
        #[arg(
            short,
            long,
            required_if_eq_any([("container", "wof-xpress4k"), ("container", "wof-xpress8k"), ("container", "wof-xpress16k")])
        )]
        size: Option<u64>,
        #[command(flatten)]
        io: Io,
    },
    /// Describe FILE: container, format, sizes, blocks and checksum, without writing anything.
    Info {
        /// The file's uncompressed size, for a WOF stream (which does not
        /// record it).
        #[arg(short, long)]
        size: Option<u64>,
        /// The file to inspect, or - for standard input.
        file: PathBuf,
    },
    /// Scan IMAGE (a disk or memory image, any file) for prefetch/SysMain
    /// MAM streams: each whole stream decodes to OUTDIR/<offset>.pf, each
    /// cut short or damaged one to OUTDIR/<offset>.partial (what decoded
    /// before), <offset> the stream's byte offset in IMAGE as 16 hex digits.
    Carve {
        /// The image to scan, or - for standard input.
        image: PathBuf,
        /// Where the streams go (created if missing).
        outdir: PathBuf,
        /// The largest uncompressed size taken as a stream (bytes).
        #[arg(long, default_value_t = 64 << 20)]
        max_size: usize,
    },
    /// Compress and decompress FILEs (or a built-in sample) with every
    /// format and level, and print ratio and speed.
    Bench {
        /// Files to measure; a built-in sample when none is given.
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Container {
    /// No container: the stream as RtlCompressBuffer writes it.
    Raw,
    /// The MAM header of Windows 8.1+ prefetch and SysMain files.
    Mam,
    /// Compression API buffer mode (24-byte header, 64 MiB blocks).
    Api,
    /// msxca's streaming frame format (see the msxca::write docs).
    Frame,
    /// A WOF (Compact OS) WofCompressedData stream, XPRESS4K.
    #[value(name = "wof-xpress4k")]
    WofXpress4k,
    /// A WOF (Compact OS) WofCompressedData stream, XPRESS8K.
    #[value(name = "wof-xpress8k")]
    WofXpress8k,
    /// A WOF (Compact OS) WofCompressedData stream, XPRESS16K.
    #[value(name = "wof-xpress16k")]
    WofXpress16k,
    /// An SMB 3.1.1 compression transform message (unchained or chained).
    Smb2,
}

impl Container {
    /// The WOF algorithm of a WOF container.
    pub(crate) fn wof(self) -> Option<msxca::wof::Algorithm> {
        match self {
            Container::WofXpress4k => Some(msxca::wof::Algorithm::Xpress4K),
            Container::WofXpress8k => Some(msxca::wof::Algorithm::Xpress8K),
            Container::WofXpress16k => Some(msxca::wof::Algorithm::Xpress16K),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FormatArg {
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

/// A level as the command line names it: `standard` and `maximum`
/// (Windows' engines) or 1 to 9 (msxca's own, fastest to smallest).
fn parse_level(name: &str) -> Result<Level, String> {
    Level::from_name(name).ok_or_else(|| "expected standard, maximum or 1 to 9".to_string())
}
