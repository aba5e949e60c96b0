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
    /// mam (Windows prefetch/SysMain), api (Compression API buffer mode) or
    /// frame (msxca's streaming frame format).
    #[arg(short, long, value_enum, default_value = "raw")]
    pub(crate) container: Container,
    /// No progress messages.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Overwrite OUTPUT if it exists and is not empty (refused otherwise
    /// when run from a terminal).
    #[arg(long)]
    pub(crate) force: bool,
    /// Input file, or - for standard input.
    pub(crate) input: PathBuf,
    /// Output file, or - for standard output.
    pub(crate) output: PathBuf,
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
            required_if_eq_any([("container", "raw"), ("container", "api"), ("container", "frame")])
        )]
        format: Option<FormatArg>,
        /// Effort: standard or maximum (Windows' engines, Windows' bytes),
        /// or 1 to 9 (msxca's own, from the fastest to the smallest).
        #[arg(short, long, value_parser = parse_level, default_value = "standard")]
        level: Level,
        /// With -c mam: add the CRC-32 field (MAM\x84, as SysMain writes).
        #[arg(long)]
        crc: bool,
        #[command(flatten)]
        io: Io,
    },
    /// Decompress INPUT (a raw stream by default, as RtlCompressBuffer writes it).
    Decompress {
        /// Stream format (required for raw streams; mam, api and frame record it).
        #[arg(short, long, value_enum, required_unless_present("container"), required_if_eq("container", "raw"))]
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
pub(crate) enum Container {
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
