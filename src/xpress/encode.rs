//! Plain LZ77 encoder ([MS-XCA] §2.3).

use super::{FLAG_BITS, MAX_DISTANCE};
use crate::error::{Error, Result};
use crate::lz::matchfinder::SearchLimits;
use crate::lz::parse::{stretches, CostModel, LzState, Segment, Sequence};
use crate::{Format, Level};

/// The optimal parser works on stretches of this size.
const SEGMENT: usize = 1 << 16;

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

/// Reusable encoder state.
pub(crate) struct Encoder {
    lz: LzState,
}

impl Encoder {
    pub(crate) fn new() -> Self {
        Encoder { lz: LzState::new() }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.lz.heap_bytes()
    }

    pub(crate) fn compress(&mut self, input: &[u8], out: &mut [u8], level: Level) -> Result<usize> {
        self.lz.reset(input.len(), MAX_DISTANCE, level, 4);
        let segment =
            |(start, end)| Segment { data: input, start, end, low: 0, max_dist: MAX_DISTANCE, max_len: |_| usize::MAX };
        match level {
            Level::Standard => {
                self.lz.parse_greedy(&segment((0, input.len())), SearchLimits { depth: 2, nice_len: 32 }, 6, |_| true)
            }
            Level::Maximum => {
                for stretch in stretches(input.len(), SEGMENT) {
                    let limits = SearchLimits { depth: 256, nice_len: 300 };
                    self.lz.parse_optimal(&segment(stretch), limits, |parser, seqs| {
                        parser.solve(input, &PlainCosts, seqs)
                    });
                }
            }
        }
        write_stream(input, &self.lz.seqs, out)
    }
}

/// The exact size of the stream for `seqs`.
fn stream_size(seqs: &[Sequence]) -> u64 {
    let mut items = 0u64;
    let mut bytes = 0u64;
    let mut nibbles = 0u64;
    for s in seqs {
        items += u64::from(s.literals);
        bytes += u64::from(s.literals);
        if s.len == 0 {
            continue;
        }
        let len = s.len as usize;
        items += 1;
        bytes += 2 + match len {
            3..=24 => 0,
            25..=279 => 1,
            _ if len - 3 <= 0xFFFF => 3,
            _ => 7,
        };
        nibbles += u64::from(len >= 10);
    }
    4 * (items / u64::from(FLAG_BITS) + 1) + bytes + nibbles.div_ceil(2)
}

/// Writes the flag words, literals and match tokens for `seqs`.
fn write_stream(input: &[u8], seqs: &[Sequence], out: &mut [u8]) -> Result<usize> {
    let size = stream_size(seqs);
    if size > out.len() as u64 {
        return Err(Error::OutputTooSmall { format: Format::Xpress, capacity: out.len(), needed: size });
    }
    let mut w = FlagWriter { out, flag_at: 0, pos: 4, flags: 0, items: 0 };
    let mut ip = 0usize;
    let mut nibble_at: Option<usize> = None;
    for s in seqs {
        let mut run = s.literals as usize;
        while run > 0 {
            w.reserve_flag_word();
            let take = run.min((FLAG_BITS - w.items) as usize);
            w.flags = w.flags.checked_shl(take as u32).unwrap_or(0);
            w.items += take as u32;
            w.out[w.pos..w.pos + take].copy_from_slice(&input[ip..ip + take]);
            w.pos += take;
            ip += take;
            run -= take;
        }
        if s.len == 0 {
            continue;
        }
        w.reserve_flag_word();
        w.flags = w.flags << 1 | 1;
        w.items += 1;
        let len = s.len as usize;
        let short = (len - 3).min(7) as u16;
        let token = ((s.dist - 1) as u16) << 3 | short;
        w.put(&token.to_le_bytes());
        if len >= 10 {
            let nibble = (len - 10).min(15) as u8;
            match nibble_at.take() {
                Some(at) => w.out[at] |= nibble << 4,
                None => {
                    nibble_at = Some(w.pos);
                    w.put(&[nibble]);
                }
            }
            if len >= 25 {
                if len < 280 {
                    w.put(&[(len - 25) as u8]);
                } else if len - 3 <= 0xFFFF {
                    w.put(&[255]);
                    w.put(&((len - 3) as u16).to_le_bytes());
                } else {
                    w.put(&[255, 0, 0]);
                    w.put(&((len - 3) as u32).to_le_bytes());
                }
            }
        }
        ip += len;
    }
    // Unused flag bits are 1; a full last word is followed by an all-ones one.
    w.reserve_flag_word();
    let unused = FLAG_BITS - w.items;
    let flags = w.flags.checked_shl(unused).unwrap_or(0) | (((1u64 << unused) - 1) as u32);
    w.out[w.flag_at..w.flag_at + 4].copy_from_slice(&flags.to_le_bytes());
    debug_assert_eq!(w.pos as u64, size);
    Ok(w.pos)
}

struct FlagWriter<'a> {
    out: &'a mut [u8],
    flag_at: usize,
    pos: usize,
    flags: u32,
    items: u32,
}

impl FlagWriter<'_> {
    /// Stores a full flag word and reserves room for the next.
    #[inline(always)]
    fn reserve_flag_word(&mut self) {
        if self.items == FLAG_BITS {
            self.out[self.flag_at..self.flag_at + 4].copy_from_slice(&self.flags.to_le_bytes());
            self.flag_at = self.pos;
            self.pos += 4;
            self.flags = 0;
            self.items = 0;
        }
    }

    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        self.out[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
    }
}

/// The largest stream [`Encoder::compress`] writes for `len` input bytes:
/// all literals, one flag word per 32 of them and the closing word.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    len + 4 * (len / FLAG_BITS as usize + 1)
}
