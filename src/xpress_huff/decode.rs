//! LZ77+Huffman decoder ([MS-XCA] §2.2.4, with Windows' rules for the end
//! of the data from `WINDOWS-SEMANTICS.md` §6).

use super::{BLOCK_SIZE, MIN_BLOCK_BYTES, TABLE_BYTES};
use crate::bits::BitReader;
use crate::error::{truncated, Error, Result};
use crate::huffman::decode::DecodeTable;
use crate::huffman::NUM_SYMBOLS;
use crate::lz::{copy_match, NoCount, WorkCounter};
use crate::Format;

const FORMAT: Format = Format::XpressHuff;

/// Reusable decoder state: the decode table.
#[derive(Clone)]
pub(crate) struct Decoder {
    table: DecodeTable,
}

impl Decoder {
    pub(crate) fn new() -> Self {
        Decoder { table: DecodeTable::new() }
    }

    /// Decodes exactly `out.len()` bytes. Returns the input position where
    /// decoding stopped (all input for a well-formed stream, or fewer than
    /// 260 bytes before its end). `steps` counts symbols and table entries,
    /// for tests that bound the work done.
    pub(crate) fn decompress(&mut self, input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<usize> {
        let mut ip = 0usize;
        let mut op = 0usize;
        loop {
            // Windows parses a block whenever a table and two words remain,
            // even when the output is already full.
            if input.len() - ip < MIN_BLOCK_BYTES {
                if op == out.len() {
                    return Ok(ip);
                }
                return Err(truncated(FORMAT, ip, ip + MIN_BLOCK_BYTES - input.len(), input.len()));
            }
            steps.add(NUM_SYMBOLS as u64);
            self.read_table(input, ip)?;
            let block_end = out.len().min(op + BLOCK_SIZE);
            let mut bits = BitReader::new(input, ip + TABLE_BYTES);
            op = self.decode_block(&mut bits, out, op, block_end, steps)?;
            ip = bits.position();
        }
    }

    /// Decodes the one block that starts at `input[0]` into `out` from
    /// `op` until `block_end` (which the caller derives from the true
    /// output size: `min(op + 65536, size)`); a final match may run on, up
    /// to `out.len()`. Returns the input consumed and the output position
    /// reached. For callers that hold only part of the stream at a time.
    pub(crate) fn decode_one_block(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        op: usize,
        block_end: usize,
    ) -> Result<(usize, usize)> {
        if input.len() < MIN_BLOCK_BYTES {
            return Err(truncated(FORMAT, 0, MIN_BLOCK_BYTES - input.len(), input.len()));
        }
        self.read_table(input, 0)?;
        let mut bits = BitReader::new(input, TABLE_BYTES);
        let op = self.decode_block(&mut bits, out, op, block_end, &mut NoCount)?;
        Ok((bits.position(), op))
    }

    fn read_table(&mut self, input: &[u8], at: usize) -> Result<()> {
        let mut lengths = [0u8; NUM_SYMBOLS];
        for (pair, &byte) in lengths.chunks_exact_mut(2).zip(&input[at..at + TABLE_BYTES]) {
            pair[0] = byte & 15;
            pair[1] = byte >> 4;
        }
        self.table.build(&lengths).map_err(|problem| Error::InvalidHuffmanTable { offset: at, problem })
    }

    /// Decodes symbols until the output reaches `block_end`; returns the
    /// output position (past `block_end` if the last match ran over).
    fn decode_block(
        &self,
        bits: &mut BitReader<'_>,
        out: &mut [u8],
        mut op: usize,
        block_end: usize,
        steps: &mut impl WorkCounter,
    ) -> Result<usize> {
        // Away from the end of the input the reader runs ahead: one refill
        // serves two symbols (a symbol takes at most 15 bits and a match's
        // distance another 15, and 48 are there after a refill).
        let mut ran_ahead = false;
        while op < block_end && bits.can_run_ahead() {
            ran_ahead = true;
            bits.refill_ahead();
            for _ in 0..2 {
                steps.add(1);
                let (symbol, len) = self.table.decode(bits.peek15());
                bits.skip(len);
                if symbol < 256 {
                    out[op] = symbol as u8;
                    op += 1;
                    if op == block_end {
                        break;
                    }
                    continue;
                }
                let header = symbol - 256;
                let (length, distance) = if header & 15 == 15 {
                    // Raw length bytes sit where the model's cursor is.
                    bits.normalize()?;
                    let token_at = bits.position();
                    let length = self.long_length(bits)?;
                    let distance_bits = (header >> 4) as u32;
                    let distance = (1usize << distance_bits) + bits.read_bits(distance_bits)? as usize;
                    self.check_match(out, op, length, distance, token_at)?;
                    (length, distance)
                } else {
                    let distance_bits = (header >> 4) as u32;
                    let distance = (1usize << distance_bits) + bits.take(distance_bits) as usize;
                    let length = (header & 15) as u64 + 3;
                    if distance > op || length > (out.len() - op) as u64 {
                        // The error names the model's position after the symbol.
                        let token_at = bits.model_position(distance_bits);
                        self.check_match(out, op, length, distance, token_at)?;
                    }
                    (length, distance)
                };
                copy_match(out, op, distance, length as usize);
                op += length as usize;
                break;
            }
        }
        if ran_ahead {
            bits.normalize()?;
        }
        while op < block_end {
            steps.add(1);
            let (symbol, len) = self.table.decode(bits.peek15());
            bits.consume(len)?;
            if symbol < 256 {
                out[op] = symbol as u8;
                op += 1;
                continue;
            }
            let token_at = bits.position();
            let header = symbol - 256;
            let length = if header & 15 == 15 { self.long_length(bits)? } else { (header & 15) as u64 + 3 };
            let distance_bits = (header >> 4) as u32;
            let distance = (1usize << distance_bits) + bits.read_bits(distance_bits)? as usize;
            self.check_match(out, op, length, distance, token_at)?;
            copy_match(out, op, distance, length as usize);
            op += length as usize;
        }
        Ok(op)
    }

    /// The length of a match whose symbol's length field is 15, from the
    /// raw bytes at the reader's cursor (in the model's state).
    fn long_length(&self, bits: &mut BitReader<'_>) -> Result<u64> {
        let mut length = u64::from(bits.read_byte()?) + 15;
        if length == 270 {
            let at = bits.position();
            let mut value = u64::from(bits.read_u16()?);
            if value == 0 {
                value = u64::from(bits.read_u32()?);
            }
            // Short values have shorter encodings; Windows rejects them.
            if value < 15 {
                return Err(Error::InvalidLength { format: FORMAT, offset: at, value, minimum: 15 });
            }
            length = value;
        }
        Ok(length + 3)
    }

    /// Whether a match fits: its source inside the output so far and its
    /// bytes inside the output buffer.
    #[inline(always)]
    fn check_match(&self, out: &[u8], op: usize, length: u64, distance: usize, token_at: usize) -> Result<()> {
        if distance > op {
            return Err(Error::InvalidDistance { format: FORMAT, offset: token_at, distance, available: op });
        }
        if length > (out.len() - op) as u64 {
            return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + length });
        }
        Ok(())
    }
}
