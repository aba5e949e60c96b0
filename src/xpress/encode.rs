//! Plain LZ77 encoder ([MS-XCA] §2.3).

use super::{FLAG_BITS, MAX_DISTANCE};
use crate::error::{Error, Result};
use crate::lz::arena::Arena;
use crate::lz::matchfinder::{BucketFinder, MatchFinder, SearchLimits};
use crate::lz::parse::{greedy, piece_positions, CostModel, Engine, OptimalParser, Segment};
use crate::lz::sequences::{worst_case_bytes, Sequence, Sequences};
use crate::{Format, Level};

/// Input parsed before its tokens are written, at most.
const STRETCH: usize = 1 << 16;

/// Parse buffer of the standard level: it writes out what it has parsed
/// whenever this fills, so more only saves calls.
const GREEDY_PARSE_BYTES: usize = 12 << 10;

const STANDARD_LIMITS: SearchLimits = SearchLimits { depth: 2, nice_len: 32 };
const MAXIMUM_LIMITS: SearchLimits = SearchLimits { depth: 256, nice_len: 300 };

/// Bits a match costs in the stream, besides its flag bit.
fn match_bits(len: usize) -> u32 {
    16 + match len {
        3..=9 => 0,
        10..=24 => 4,
        25..=279 => 12,
        _ if len - 3 <= 0xFFFF => 28,
        _ => 60,
    }
}

struct PlainCosts;

impl CostModel for PlainCosts {
    #[inline(always)]
    fn literal(&self, _byte: u8) -> u32 {
        9
    }
    #[inline(always)]
    fn matched(&self, len: usize, _dist: usize) -> u32 {
        1 + match_bits(len)
    }
}

/// Compresses `input` with tables from `workspace` (Windows' workspace
/// size for the level, on x64 or x86, is enough), a stretch at a time so
/// that the parse held stays bounded whatever the input's size (at the
/// standard level a stretch's last match may run on into the next).
pub(crate) fn compress(input: &[u8], out: &mut [u8], level: Level, workspace: &mut [u8]) -> Result<usize> {
    let mut arena = Arena::new(workspace);
    let (mut engine, parse_bytes) = match level {
        Level::Standard => {
            let budget = arena.bytes_left().saturating_sub(GREEDY_PARSE_BYTES);
            (
                Engine::Greedy(BucketFinder::<2>::new(
                    &mut arena,
                    budget,
                    input.len(),
                    MAX_DISTANCE,
                    4,
                    STANDARD_LIMITS.nice_len,
                )),
                arena.bytes_left(),
            )
        }
        Level::Maximum => {
            let finder = MatchFinder::new(&mut arena, input.len(), MAX_DISTANCE);
            // Share what is left between the parse and the parser's tables.
            let left = arena.bytes_left();
            let positions = piece_positions(left * 7 / 8, STRETCH);
            let parse_bytes = worst_case_bytes(positions);
            let budget = left - parse_bytes;
            let parser = OptimalParser::new(&mut arena, positions, budget, MAXIMUM_LIMITS.depth as usize);
            (Engine::Optimal(finder, parser), parse_bytes)
        }
    };
    let mut seqs = Sequences::new(arena.bytes(parse_bytes));
    let mut writer = StreamWriter::start(out)?;
    let mut start = 0;
    while start < input.len() {
        let end = input.len().min(start + STRETCH);
        seqs.clear();
        let mut seg = Segment {
            data: input,
            start,
            end,
            low: 0,
            max_dist: MAX_DISTANCE,
            max_len: |_| usize::MAX,
            overrun: false,
        };
        let reached = match &mut engine {
            Engine::Greedy(finder) => {
                seg.overrun = true;
                greedy(&seg, finder, 6, |_| true, &mut seqs)
            }
            Engine::Optimal(finder, parser) => {
                let reached = parser.collect(&seg, finder, MAXIMUM_LIMITS);
                parser.solve(input, &PlainCosts);
                let mut literals = 0;
                parser.emit(&mut seqs, &mut literals);
                seqs.push(Sequence { literals, len: 0, dist: 0 });
                reached
            }
        };
        writer.write(out, &input[start..reached], seqs.iter())?;
        start = reached;
    }
    writer.finish(out)
}

/// Writes flag words, literals and match tokens ([MS-XCA] §2.3) as the
/// parse comes, a stretch at a time.
struct StreamWriter {
    /// Where the current flag word goes.
    flag_at: usize,
    /// Next free byte.
    pos: usize,
    /// Flag bits of the current word, the first item's in the highest used bit.
    flags: u32,
    /// Items the current word describes so far.
    items: u32,
    /// A nibble byte whose high half is still free.
    nibble_at: Option<usize>,
}

impl StreamWriter {
    /// Reserves the first flag word.
    fn start(out: &[u8]) -> Result<Self> {
        let mut w = StreamWriter { flag_at: 0, pos: 0, flags: 0, items: 0, nibble_at: None };
        w.room(out, 4)?;
        w.pos = 4;
        Ok(w)
    }

    #[inline(always)]
    fn room(&self, out: &[u8], n: usize) -> Result<()> {
        if self.pos + n > out.len() {
            return Err(Error::OutputTooSmall {
                format: Format::Xpress,
                capacity: out.len(),
                needed: (self.pos + n) as u64,
            });
        }
        Ok(())
    }

    #[inline(always)]
    fn put(&mut self, out: &mut [u8], bytes: &[u8]) -> Result<()> {
        self.room(out, bytes.len())?;
        out[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    /// Stores a full flag word and reserves room for the next.
    #[inline(always)]
    fn next_item(&mut self, out: &mut [u8]) -> Result<()> {
        if self.items == FLAG_BITS {
            self.room(out, 4)?;
            out[self.flag_at..self.flag_at + 4].copy_from_slice(&self.flags.to_le_bytes());
            self.flag_at = self.pos;
            self.pos += 4;
            self.flags = 0;
            self.items = 0;
        }
        Ok(())
    }

    /// Writes the items of `seqs`, whose literals are taken from `input`.
    fn write(&mut self, out: &mut [u8], input: &[u8], seqs: impl Iterator<Item = Sequence>) -> Result<()> {
        let mut ip = 0usize;
        for s in seqs {
            let mut run = s.literals as usize;
            while run > 0 {
                self.next_item(out)?;
                let take = run.min((FLAG_BITS - self.items) as usize);
                self.flags = self.flags.checked_shl(take as u32).unwrap_or(0);
                self.items += take as u32;
                self.put(out, &input[ip..ip + take])?;
                ip += take;
                run -= take;
            }
            if s.len != 0 {
                self.matched(out, s.len as usize, s.dist as usize)?;
                ip += s.len as usize;
            }
        }
        Ok(())
    }

    fn matched(&mut self, out: &mut [u8], len: usize, dist: usize) -> Result<()> {
        self.next_item(out)?;
        self.flags = self.flags << 1 | 1;
        self.items += 1;
        let token = ((dist - 1) as u16) << 3 | (len - 3).min(7) as u16;
        self.put(out, &token.to_le_bytes())?;
        if len < 10 {
            return Ok(());
        }
        // The shared half-byte: a fresh byte's low half, or the high half of
        // the one the previous escaped match left.
        let nibble = (len - 10).min(15) as u8;
        match self.nibble_at.take() {
            Some(at) => out[at] |= nibble << 4,
            None => {
                self.nibble_at = Some(self.pos);
                self.put(out, &[nibble])?;
            }
        }
        if len >= 25 {
            if len < 280 {
                self.put(out, &[(len - 25) as u8])?;
            } else if len - 3 <= 0xFFFF {
                self.put(out, &[255])?;
                self.put(out, &((len - 3) as u16).to_le_bytes())?;
            } else {
                self.put(out, &[255, 0, 0])?;
                self.put(out, &((len - 3) as u32).to_le_bytes())?;
            }
        }
        Ok(())
    }

    /// Closes the stream: unused flag bits are 1, and a full last word is
    /// followed by an all-ones one. Returns the stream's size.
    fn finish(mut self, out: &mut [u8]) -> Result<usize> {
        self.next_item(out)?;
        let unused = FLAG_BITS - self.items;
        let flags = self.flags.checked_shl(unused).unwrap_or(0) | (((1u64 << unused) - 1) as u32);
        out[self.flag_at..self.flag_at + 4].copy_from_slice(&flags.to_le_bytes());
        Ok(self.pos)
    }
}

/// The largest stream [`Encoder::compress`] writes for `len` input bytes:
/// all literals, one flag word per 32 of them and the closing word.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    len + 4 * (len / FLAG_BITS as usize + 1)
}
