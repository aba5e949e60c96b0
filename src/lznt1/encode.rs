//! LZNT1 encoder ([MS-XCA] §2.5.2, with Windows' conventions: 4096-byte
//! chunks, signature 3, stored chunks only for full chunks that do not
//! shrink, an uncounted `00 00` end marker when there is room).

use super::{displacement_bits, max_copy_len, CHUNK_SIZE, HEADER_COMPRESSED, HEADER_SIGNATURE};
use crate::error::{Error, Result};
use crate::lz::matchfinder::SearchLimits;
use crate::lz::parse::{CostModel, LzState, Segment, Sequence};
use crate::{Format, Level};

struct Lznt1Costs;

impl CostModel for Lznt1Costs {
    #[inline(always)]
    fn literal(&self, _byte: u8) -> u32 {
        9
    }
    #[inline(always)]
    fn matched(&self, _len: usize, _dist: usize) -> u32 {
        17
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

    /// Compresses `input` and returns the compressed size, which does not
    /// count the end marker written after it when `out` has room.
    pub(crate) fn compress(&mut self, input: &[u8], out: &mut [u8], level: Level) -> Result<usize> {
        let capacity = out.len();
        let too_small =
            |needed: usize| Error::OutputTooSmall { format: Format::Lznt1, capacity, needed: needed as u64 };
        if input.is_empty() {
            // A buffer needs at least a header to decode: the end marker
            // alone stands for empty data and is counted here.
            out.get_mut(..2).ok_or_else(|| too_small(2))?.fill(0);
            return Ok(2);
        }
        // Three hashed bytes: 4 KiB chunks live on short matches.
        self.lz.reset(input.len(), CHUNK_SIZE, level, 3);
        let mut op = 0usize;
        for chunk_start in (0..input.len()).step_by(CHUNK_SIZE) {
            let chunk_end = input.len().min(chunk_start + CHUNK_SIZE);
            self.lz.seqs.clear();
            let seg = Segment {
                data: input,
                start: chunk_start,
                end: chunk_end,
                low: chunk_start,
                max_dist: CHUNK_SIZE,
                max_len: |pos: usize| max_copy_len(pos - chunk_start),
                overrun: false,
            };
            match level {
                Level::Standard => {
                    self.lz.parse_greedy(&seg, SearchLimits { depth: 4, nice_len: 64 }, 5, |_| true);
                }
                Level::Maximum => {
                    let limits = SearchLimits { depth: 128, nice_len: 4098 };
                    self.lz.parse_optimal(&seg, limits, |parser, seqs| parser.solve(input, &Lznt1Costs, seqs));
                }
            }
            let chunk = &input[chunk_start..chunk_end];
            let data_len = compressed_data_len(&self.lz.seqs);
            let store = data_len > CHUNK_SIZE || (chunk.len() == CHUNK_SIZE && data_len >= CHUNK_SIZE);
            let total = 2 + if store { chunk.len() } else { data_len };
            let dst = out.get_mut(op..op + total).ok_or_else(|| too_small(op + total))?;
            if store {
                let header = HEADER_SIGNATURE | (chunk.len() as u16 - 1);
                dst[..2].copy_from_slice(&header.to_le_bytes());
                dst[2..].copy_from_slice(chunk);
            } else {
                let header = HEADER_COMPRESSED | HEADER_SIGNATURE | (data_len as u16 - 1);
                dst[..2].copy_from_slice(&header.to_le_bytes());
                write_chunk(chunk, &self.lz.seqs, &mut dst[2..]);
            }
            op += total;
        }
        if let Some(marker) = out.get_mut(op..op + 2) {
            marker.fill(0);
        }
        Ok(op)
    }
}

/// Size of a compressed chunk's data (without its header).
fn compressed_data_len(seqs: &[Sequence]) -> usize {
    let mut items = 0usize;
    let mut bytes = 0usize;
    for s in seqs {
        items += s.literals as usize + usize::from(s.len != 0);
        bytes += s.literals as usize + if s.len != 0 { 2 } else { 0 };
    }
    items.div_ceil(8) + bytes
}

/// Writes flag groups for one chunk into `dst`, sized exactly for them.
fn write_chunk(chunk: &[u8], seqs: &[Sequence], dst: &mut [u8]) {
    let mut flag_at = 0usize;
    let mut pos = 1usize;
    let mut flags = 0u8;
    let mut items = 0u32;
    let mut ip = 0usize;
    let next_item = |flags: &mut u8, items: &mut u32, flag_at: &mut usize, pos: &mut usize, dst: &mut [u8]| {
        if *items == 8 {
            dst[*flag_at] = *flags;
            *flag_at = *pos;
            *pos += 1;
            *flags = 0;
            *items = 0;
        }
    };
    for s in seqs {
        for _ in 0..s.literals {
            next_item(&mut flags, &mut items, &mut flag_at, &mut pos, dst);
            dst[pos] = chunk[ip];
            pos += 1;
            ip += 1;
            items += 1;
        }
        if s.len != 0 {
            next_item(&mut flags, &mut items, &mut flag_at, &mut pos, dst);
            let bits = displacement_bits(ip);
            let token = ((s.dist as u16 - 1) << (16 - bits)) | (s.len as u16 - 3);
            dst[pos..pos + 2].copy_from_slice(&token.to_le_bytes());
            pos += 2;
            flags |= 1 << items;
            items += 1;
            ip += s.len as usize;
        }
    }
    dst[flag_at] = flags;
    debug_assert_eq!(pos, dst.len());
}

/// The largest output of [`Encoder::compress`] for `len` input bytes: every
/// chunk stored or compressed no larger than its data plus its flag bytes.
pub(crate) fn max_compressed_size(len: usize) -> usize {
    if len == 0 {
        return 2;
    }
    let full = len / CHUNK_SIZE;
    let rest = len % CHUNK_SIZE;
    full * (CHUNK_SIZE + 2) + if rest > 0 { 2 + (rest + rest.div_ceil(8)).min(CHUNK_SIZE) } else { 0 }
}
