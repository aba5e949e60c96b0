//! The compression formats and effort levels.

use core::fmt;

/// One of the three stream formats of [MS-XCA] that Windows exposes through
/// `RtlCompressBuffer` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// LZNT1 (`COMPRESSION_FORMAT_LZNT1`, 2): NTFS compressed files, SMB3.
    /// Independent 4096-byte chunks, each with a 2-byte header.
    Lznt1,
    /// Plain LZ77 (`COMPRESSION_FORMAT_XPRESS`, 3): memory compression store,
    /// hibernation files, SMB3. Self-terminating.
    Xpress,
    /// LZ77+Huffman (`COMPRESSION_FORMAT_XPRESS_HUFF`, 4): prefetch files,
    /// WIM/WOF, SMB3, Windows Update. Not self-terminating: the decoder must
    /// be given the exact uncompressed size.
    XpressHuff,
}

impl Format {
    /// All formats, in the order of their Windows numbers.
    pub const ALL: [Format; 3] = [Format::Lznt1, Format::Xpress, Format::XpressHuff];

    /// The short lowercase name used in messages and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Lznt1 => "lznt1",
            Format::Xpress => "xpress",
            Format::XpressHuff => "xpress-huff",
        }
    }

    /// The Windows `COMPRESSION_FORMAT_*` value.
    pub fn windows_id(self) -> u16 {
        match self {
            Format::Lznt1 => 2,
            Format::Xpress => 3,
            Format::XpressHuff => 4,
        }
    }

    /// The format for a Windows `COMPRESSION_FORMAT_*` value, if it is one of ours.
    pub fn from_windows_id(id: u16) -> Option<Format> {
        match id {
            2 => Some(Format::Lznt1),
            3 => Some(Format::Xpress),
            4 => Some(Format::XpressHuff),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How hard the compressor works, mirroring Windows' two engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Level {
    /// `COMPRESSION_ENGINE_STANDARD`: fast greedy parsing.
    #[default]
    Standard,
    /// `COMPRESSION_ENGINE_MAXIMUM`: near-optimal parsing with a deeper search.
    Maximum,
}

impl Level {
    /// Both levels.
    pub const ALL: [Level; 2] = [Level::Standard, Level::Maximum];

    /// The lowercase name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Level::Standard => "standard",
            Level::Maximum => "maximum",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
