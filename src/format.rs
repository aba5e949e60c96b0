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

/// How hard the compressor works: Windows' two engines, or one of
/// msxca's own numbered levels.
///
/// Every level's memory is fixed, whatever the input (inputs are parsed
/// 64 KiB at a time, LZNT1's 4 KiB), and allocated once by
/// [`Compressor::new`](crate::Compressor::new);
/// [`heap_bytes`](crate::Compressor::heap_bytes) gives it (64-bit targets):
///
/// | level | parser | search | LZNT1 | Plain LZ77 | LZ77+Huffman |
/// |---|---|---|---|---|---|
/// | `Standard` | Windows' standard engine, byte for byte | Windows' | 64 KiB | 60 KiB | 163 KiB |
/// | `Maximum` | Windows' maximum engine, byte for byte | Windows' | 32 B | 384 KiB | 1383 KiB |
/// | 1 | greedy; only the last bytes of a match indexed, misses stepped over faster and faster | hash buckets: one candidate (LZNT1: two) | 64 KiB | 60 KiB | 163 KiB |
/// | 2 | lazy: a match waits for a longer one at the next position (LZNT1, Plain LZ77: greedy, every position indexed) | hash chains, 2 deep, a match of 12 ends it (LZNT1: buckets of four; Plain LZ77: of two, and the nearest 3-byte match) | 64 KiB | 60 KiB | 289 KiB |
/// | 3 | lazy (LZNT1: greedy, every position indexed) | chains 4 deep, 24 (LZNT1: buckets of eight; Plain LZ77: chains 5 deep) | 64 KiB | 192 KiB | 289 KiB |
/// | 4 | lazy | chains 8 deep, 32 | 192 KiB | 192 KiB | 289 KiB |
/// | 5 | lazy | chains 16 deep, 64 | 192 KiB | 192 KiB | 289 KiB |
/// | 6 | lazy | chains 48 deep, 128 | 192 KiB | 192 KiB | 289 KiB |
/// | 7 | near-optimal: the cheapest path over every match found (LZ77+Huffman: 1 pass) | binary trees, 8 deep, 48 | 96 KiB | 417 KiB | 1625 KiB |
/// | 8 | near-optimal (LZ77+Huffman: 2 passes) | trees 16 deep, 128 | 96 KiB | 417 KiB | 1625 KiB |
/// | 9 | near-optimal (LZ77+Huffman: 4 passes) | trees 32 deep, 192 | 96 KiB | 417 KiB | 1625 KiB |
///
/// The numbered levels of Plain LZ77 and LZ77+Huffman parse 1 MiB
/// segments, each with fresh tables filled from the window before it (64
/// KiB; Plain LZ77's 8 KiB), and LZ77+Huffman's blocks hold exactly 64 KiB
/// (no match runs on past one, but in the input's next-to-last block), so
/// that the streaming encoders ([`RawEncoder`](crate::write::RawEncoder))
/// compress the segments side by side into the same bytes.
///
/// The chains of levels 2-6 (LZNT1: 4-6; Plain LZ77: 3-6) link positions
/// by their next three bytes (LZ77+Huffman: four, beside a table of the
/// nearest 3-byte match). The lazy levels look one position on half as
/// deep. A bucket's candidates are compared side by side, where a chain's
/// wait on one another: LZNT1's short matches and Plain LZ77's cheap
/// 3-byte ones are found as well that way, and faster. LZ77+Huffman's
/// near-optimal levels try several paths per block (the greedy one, then
/// one cheapest path a pass: under guessed costs, under the code of the
/// smallest path so far, under costs from the block's bytes, under the
/// smallest one's code again) and keep the one its own Huffman code
/// writes smallest, each path over a whole block (their tables hold one);
/// Plain LZ77's and LZNT1's
/// costs are exact, and one pass finds their cheapest path. Each level is
/// no larger than the one below it, in total, on the bench and Windows
/// corpora (`tests/quality.rs`); `msxca-peers curve` prints their speeds
/// beside the other implementations'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Level {
    /// `COMPRESSION_ENGINE_STANDARD`: Windows' standard engine.
    #[default]
    Standard,
    /// `COMPRESSION_ENGINE_MAXIMUM`: Windows' maximum engine.
    Maximum,
    /// msxca's own engines, from 1 (the fastest) to 9 (the smallest
    /// output); made by [`Level::new`].
    Numbered(LevelNumber),
}

/// The number of a [`Level::Numbered`]: 1 to 9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LevelNumber(u8);

impl LevelNumber {
    /// The number, 1 to 9.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// How an encoder decides that its output does not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpaceCheck {
    /// The exact size must fit.
    Exact,
    /// Windows' own rules, as `RtlCompressBuffer` and the Compression API
    /// apply them, so that callers see the same `STATUS_BUFFER_TOO_SMALL`
    /// boundaries as on Windows:
    /// - LZ77+Huffman: the bytes written so far plus the estimate
    ///   `⌈bits/32⌉·4 + raw bytes + 258` (or the exact size, if larger)
    ///   must stay *below* the capacity, block by block;
    /// - Plain LZ77 (Windows' engines): the stream must end *below* the
    ///   capacity.
    Windows,
}

/// The engine a level runs, for the encoders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EncoderKind {
    /// Windows' standard engine, byte for byte.
    WindowsStandard,
    /// Windows' maximum engine, byte for byte.
    WindowsMaximum,
    /// msxca's greedy parse over hash buckets, the fastest levels.
    Greedy(GreedyEffort),
    /// msxca's greedy or lazy parse over hash chains, the middle levels.
    Chains(ChainEffort),
    /// msxca's near-optimal parse over binary trees, the smallest levels.
    NearOptimal(OptimalEffort),
}

/// How hard a greedy level over hash buckets searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GreedyEffort {
    /// Candidates per bucket, compared side by side.
    pub(crate) ways: usize,
    /// Whether every position inside a match is indexed, or only its
    /// last few.
    pub(crate) every_position: bool,
}

/// How hard a level over hash chains searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ChainEffort {
    /// Candidates a search compares at most.
    pub(crate) depth: u32,
    /// A match this long ends a search (and is taken without looking on).
    pub(crate) nice_len: usize,
    /// Whether a match waits for a longer one at the next position.
    pub(crate) lazy: bool,
}

/// How hard a near-optimal level searches and parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OptimalEffort {
    /// Tree nodes a search visits at most.
    pub(crate) depth: u32,
    /// A match this long ends a search and is taken whole; formats cap it
    /// at their own most useful length.
    pub(crate) nice_len: usize,
    /// Parses of each piece: the later ones under the costs the one before
    /// implies (where the format's costs depend on the parse).
    pub(crate) passes: u32,
}

/// LZ77+Huffman's numbered levels, 1 to 9: from the fastest to the
/// smallest. The other formats' ladders differ from it at the fast end.
const HUFFMAN_LADDER: [EncoderKind; 9] = [
    greedy(1, false),
    chains(2, 12, true),
    chains(4, 24, true),
    chains(8, 32, true),
    chains(16, 64, true),
    chains(48, 128, true),
    optimal(8, 48, 1),
    optimal(16, 128, 2),
    optimal(32, 192, 4),
];

/// Plain LZ77's numbered levels. Level 2 is greedy over buckets of two
/// with every position indexed and the nearest 3-byte match beside them,
/// which every 3-byte match is worth in this format: against lazy chains
/// 2 deep, 1.1% smaller and 8% faster on the bench corpus. It is smaller
/// than lazy chains 4 deep on the Windows corpus, so level 3 searches 5
/// deep.
const PLAIN_LADDER: [EncoderKind; 9] = {
    let mut ladder = HUFFMAN_LADDER;
    ladder[1] = greedy(2, true);
    ladder[2] = chains(5, 24, true);
    ladder
};

/// LZNT1's numbered levels. Its 4 KiB chunks live on short matches, which
/// a bucket of a few candidates read side by side finds as well as a
/// chain walk: levels 2 and 3 take buckets of 4 and 8 with every position
/// indexed, against lazy chains 2 and 4 deep 1.1% and 0.3% smaller and
/// 10-30% faster on the bench corpus.
const LZNT1_LADDER: [EncoderKind; 9] = {
    let mut ladder = HUFFMAN_LADDER;
    ladder[0] = greedy(2, false);
    ladder[1] = greedy(4, true);
    ladder[2] = greedy(8, true);
    ladder
};

const fn greedy(ways: usize, every_position: bool) -> EncoderKind {
    EncoderKind::Greedy(GreedyEffort { ways, every_position })
}

const fn chains(depth: u32, nice_len: usize, lazy: bool) -> EncoderKind {
    EncoderKind::Chains(ChainEffort { depth, nice_len, lazy })
}

const fn optimal(depth: u32, nice_len: usize, passes: u32) -> EncoderKind {
    EncoderKind::NearOptimal(OptimalEffort { depth, nice_len, passes })
}

impl Level {
    /// Windows' two engines.
    pub const ALL: [Level; 2] = [Level::Standard, Level::Maximum];

    /// The numbered levels, 1 to 9.
    pub const NUMBERED: [Level; 9] = {
        let mut levels = [Level::Standard; 9];
        let mut n = 0;
        while n < 9 {
            levels[n] = Level::Numbered(LevelNumber(n as u8 + 1));
            n += 1;
        }
        levels
    };

    /// Level `n` of msxca's own, from 1 (the fastest) to 9 (the smallest
    /// output); `None` for any other `n`.
    pub fn new(n: u8) -> Option<Level> {
        (1..=9).contains(&n).then_some(Level::Numbered(LevelNumber(n)))
    }

    /// The level a [`name`](Self::name) stands for: `standard`, `maximum`,
    /// or `1` to `9`.
    pub fn from_name(name: &str) -> Option<Level> {
        Level::ALL.into_iter().chain(Level::NUMBERED).find(|level| level.name() == name)
    }

    /// The lowercase name used on the command line: `standard`,
    /// `maximum`, or the number.
    pub fn name(self) -> &'static str {
        const NUMBERS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        match self {
            Level::Standard => "standard",
            Level::Maximum => "maximum",
            Level::Numbered(n) => NUMBERS[usize::from(n.0 - 1)],
        }
    }

    /// The encoder this level runs for `format`.
    pub(crate) fn encoder(self, format: Format) -> EncoderKind {
        match self {
            Level::Standard => EncoderKind::WindowsStandard,
            Level::Maximum => EncoderKind::WindowsMaximum,
            Level::Numbered(n) => {
                let ladder = match format {
                    Format::Lznt1 => &LZNT1_LADDER,
                    Format::Xpress => &PLAIN_LADDER,
                    Format::XpressHuff => &HUFFMAN_LADDER,
                };
                ladder[usize::from(n.0 - 1)]
            }
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_levels_are_one_to_nine() {
        assert_eq!(Level::new(0), None);
        assert_eq!(Level::new(10), None);
        for n in 1..=9u8 {
            let level = Level::new(n).unwrap();
            assert_eq!(Level::NUMBERED[usize::from(n - 1)], level);
            assert_eq!(level.name(), n.to_string());
            assert!(matches!(level, Level::Numbered(number) if number.get() == n));
            assert_eq!(Level::from_name(&n.to_string()), Some(level));
        }
        assert_eq!(Level::from_name("maximum"), Some(Level::Maximum));
        assert_eq!(Level::from_name("10"), None);
        assert_eq!(Level::from_name("01"), None);
    }
}
