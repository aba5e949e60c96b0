//! LZ77+Huffman decoder ([MS-XCA] §2.2.4, with Windows' rules for the end
//! of the data: a block starts wherever a table and two words remain, and
//! fewer trailing bytes are ignored once the output is full).

use super::{BLOCK_OUTPUT, MIN_BLOCK_BYTES, TABLE_BYTES};
use crate::bits::{BitReader, LookaheadBits};
use crate::error::{truncated, Error, Result};
use crate::format::Format;
use crate::huffman::decode::{DecodeTable, Entry};
use crate::huffman::NUM_SYMBOLS;
use crate::lz::copy::{copy_32_from_afar, copy_match, copy_match_in, copy_match_wide, match_region, WIDE_COPY_SLACK};
use crate::lz::{NoCount, WorkCounter};

const FORMAT: Format = Format::XpressHuff;

/// Decodes LZ77+Huffman blocks, keeping the decode table between them
/// (and between streams, when reused).
#[derive(Clone)]
pub(crate) struct BlockDecoder {
    table: DecodeTable,
}

impl BlockDecoder {
    pub(crate) fn new() -> Self {
        BlockDecoder { table: DecodeTable::new() }
    }

    /// Decodes exactly `out.len()` bytes. Returns the input position where
    /// decoding stopped (all input for a well-formed stream, or fewer than
    /// 260 bytes before its end). `steps` counts symbols and table entries,
    /// for tests that bound the work done.
    pub(crate) fn decompress(&mut self, input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<usize> {
        self.decompress_tracking(input, out, steps, &mut 0)
    }

    /// [`decompress`](Self::decompress), leaving in `valid` how many
    /// output bytes are right: on error, exactly those decoded before it.
    pub(crate) fn decompress_tracking(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        steps: &mut impl WorkCounter,
        valid: &mut usize,
    ) -> Result<usize> {
        self.decode_blocks(input, out, steps, valid, false)
    }

    /// Decodes exactly `out.len()` bytes and stops, whatever follows the
    /// stream (a carved stream's surroundings, a chunk's slack); returns
    /// the input consumed, and leaves in `valid` how many output bytes are
    /// right, as [`decompress_tracking`](Self::decompress_tracking).
    pub(crate) fn decompress_exact(&mut self, input: &[u8], out: &mut [u8], valid: &mut usize) -> Result<usize> {
        self.decode_blocks(input, out, &mut NoCount, valid, true)
    }

    /// The block loop of both: Windows' end rule, or a stop once the
    /// output is full (`stop_when_full`).
    fn decode_blocks(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        steps: &mut impl WorkCounter,
        valid: &mut usize,
        stop_when_full: bool,
    ) -> Result<usize> {
        let mut ip = 0usize;
        let mut op = 0usize;
        loop {
            *valid = op;
            if stop_when_full && op == out.len() {
                return Ok(ip);
            }
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
            let block_end = out.len().min(op + BLOCK_OUTPUT);
            let mut bits = BitReader::new(input, ip + TABLE_BYTES);
            match self.decode_block(&mut bits, out, op, block_end, steps, None) {
                Ok(reached) => op = reached,
                Err(error) => {
                    *valid = self.valid_before_error(input, ip, out, op, block_end);
                    return Err(error);
                }
            }
            ip = bits.position();
        }
    }

    /// Where the block at `input[ip]` (whose table is read), decoded from
    /// `op`, fails: decoded again symbol by symbol, as the checked path
    /// does, the output position before the symbol that fails. Only run
    /// after an error, so the fast loop pays nothing for it.
    #[cold]
    fn valid_before_error(&self, input: &[u8], ip: usize, out: &mut [u8], op: usize, block_end: usize) -> usize {
        self.replay(input, ip, out, op, block_end).0
    }

    /// [`valid_before_error`](Self::valid_before_error), also giving where
    /// the data ended if it met the end-of-data mark: symbol 256 (a 3-byte
    /// match one back) followed by nothing but padding, which Windows
    /// writes last (and never as the data's last item).
    #[cold]
    fn replay(
        &self,
        input: &[u8],
        ip: usize,
        out: &mut [u8],
        mut op: usize,
        block_end: usize,
    ) -> (usize, Option<usize>) {
        let mut bits = BitReader::new(input, ip + TABLE_BYTES);
        while op < block_end {
            let entry = self.table.entry(bits.peek15());
            if entry.is_match() && entry.distance_bits() == 0 && entry.match_length() == 3 {
                let mut after = bits.clone();
                if after.consume(entry.code_len()).is_ok() && after.only_padding_left() {
                    return (op, Some(op));
                }
            }
            match self.decode_symbol(&mut bits, out, op, &mut NoCount, None) {
                Ok(next) => op = next,
                Err(_) => break,
            }
        }
        (op.min(out.len()), None)
    }

    /// Decodes a stream whose size is lost until its input runs out (or
    /// `out` is full): whole blocks of 64 KiB, then the last to where its
    /// bits end, without the end-of-data mark Windows writes last (symbol
    /// 256 as the final symbol). Returns the size decoded.
    pub(crate) fn decompress_to_end(&mut self, input: &[u8], out: &mut [u8]) -> Result<usize> {
        let (mut ip, mut op) = (0usize, 0usize);
        loop {
            if op == out.len() {
                return Ok(op);
            }
            if input.len() - ip < MIN_BLOCK_BYTES {
                // The input ends between blocks.
                return if op > 0 { Ok(op) } else { Err(truncated(FORMAT, ip, MIN_BLOCK_BYTES, input.len())) };
            }
            self.read_table(input, ip)?;
            let block_end = out.len().min(op + BLOCK_OUTPUT);
            let mut bits = BitReader::new(input, ip + TABLE_BYTES);
            match self.decode_block(&mut bits, out, op, block_end, &mut NoCount, None) {
                Ok(reached) => op = reached,
                // A match runs past `out`: as full as it gets.
                Err(error) if error.kind() == crate::error::ErrorKind::OutputTooSmall => return Ok(out.len()),
                Err(error) => {
                    // Past the end-of-data mark the padding decodes as
                    // anything, until the input runs out or a match is
                    // bad: the mark is where the data ends.
                    return match self.replay(input, ip, out, op, block_end) {
                        (_, Some(end)) => Ok(end),
                        (valid, None) if error.kind() == crate::error::ErrorKind::Truncated => Ok(valid),
                        _ => Err(error),
                    };
                }
            }
            ip = bits.position();
        }
    }

    /// Decodes the one block that starts at `input[0]` into `out` from
    /// `op` until `block_end` (which the caller derives from the true
    /// output size: `min(op + 65536, size)`); a final match may run on, to
    /// the end of `out` and then into `carry` (its distance and the bytes
    /// still to copy). Returns the input consumed and the output position
    /// reached. For callers that hold only part of the stream at a time.
    #[cfg(feature = "std")]
    pub(crate) fn decode_one_block(
        &mut self,
        input: &[u8],
        out: &mut [u8],
        op: usize,
        block_end: usize,
        carry: &mut Option<(usize, u64)>,
    ) -> Result<(usize, usize)> {
        if input.len() < MIN_BLOCK_BYTES {
            return Err(truncated(FORMAT, 0, MIN_BLOCK_BYTES - input.len(), input.len()));
        }
        self.read_table(input, 0)?;
        let mut bits = BitReader::new(input, TABLE_BYTES);
        let op = self.decode_block(&mut bits, out, op, block_end, &mut NoCount, Some(carry))?;
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
        mut carry: Option<&mut Option<(usize, u64)>>,
    ) -> Result<usize> {
        while op < block_end {
            op = self.decode_fast(bits, out, op, block_end, steps);
            if op < block_end {
                op = self.decode_symbol(bits, out, op, steps, carry.as_deref_mut())?;
            }
        }
        Ok(op)
    }

    /// Decodes symbols while the input allows a [`LookaheadBits`] refill,
    /// with over-copies for matches. Stops before a symbol it does not
    /// handle (a 16- or 32-bit length escape, a bad distance, a match that
    /// would not fit) and leaves it to [`decode_symbol`](Self::decode_symbol),
    /// which reports errors. Returns the output position.
    #[inline(never)]
    fn decode_fast(
        &self,
        reader: &mut BitReader<'_>,
        out: &mut [u8],
        mut op: usize,
        block_end: usize,
        steps: &mut impl WorkCounter,
    ) -> usize {
        // Room for three literals before the block's end, and before the
        // output's end for two literals, a match of up to 17 bytes (longer
        // ones have their own check) and the copy's slack.
        let fast_end = block_end.saturating_sub(2).min(out.len().saturating_sub(2 + 17 + WIDE_COPY_SLACK));
        let mut bits = LookaheadBits::new(reader);
        let start = op;
        'fast: loop {
            // Near matches (distance below 16) leave the inner loop for
            // their copy, whose registers the inner loop is better off
            // keeping. Matches longer than 17 bytes come through
            // `escaped_match`.
            let (pos, distance, length) = loop {
                if op >= fast_end || !bits.can_refill() {
                    break 'fast;
                }
                // The first symbol is looked up before the refill, which
                // then stays off the path from one lookup to the next: the
                // buffer holds at least 16 stream bits here (see below).
                let mut entry = self.table.entry(bits.peek15());
                // A refill holds at least 48 bits, and its buffer 64 stream
                // bits: three literals, or a literal and a match with its
                // distance bits, leave at least 19. A match after two
                // literals refills again first.
                bits.refill();
                let mut literals = 0;
                // The three literals' places, checked once.
                let slots: &mut [u8; 3] = (&mut out[op..op + 3]).try_into().unwrap();
                while !entry.is_match() {
                    steps.add(1);
                    slots[literals] = entry.literal();
                    bits.consume_shifting(entry.bits_shift(), entry.bits());
                    literals += 1;
                    if literals == 3 {
                        break;
                    }
                    entry = self.table.entry(bits.peek15());
                }
                op += literals;
                match literals {
                    3 => continue,
                    // The margin checked at the top covers a second refill.
                    2 => bits.refill(),
                    _ => {}
                }
                let length = entry.match_length();
                if length == 0 {
                    match self.escaped_match(&mut bits, out, op, entry) {
                        Some(end) => {
                            steps.add(1);
                            op = end;
                            // The raw byte dropped the bits read ahead: the
                            // next lookup needs a refill first.
                            if !bits.can_refill() {
                                break 'fast;
                            }
                            bits.refill();
                            continue;
                        }
                        None => break 'fast,
                    }
                }
                let distance = match_distance(&bits, entry);
                let Some(region) = match_region(out, op, distance, length) else {
                    break 'fast;
                };
                steps.add(1);
                bits.consume_shifting(entry.bits_shift(), entry.bits());
                let pos = op;
                op += length;
                // Lengths here are at most 17: of what `copies_from_afar`
                // asks, only the distance needs a test.
                if distance >= 16 {
                    copy_32_from_afar(region, 0, distance);
                    continue;
                }
                break (pos, distance, length);
            };
            copy_match_wide(out, pos, distance, length);
        }
        if op > start {
            bits.finish(reader);
        }
        op
    }

    /// A match whose length byte follows its code, in the fast loop: 18
    /// bytes or more. The byte sits at the register model's byte cursor.
    /// Returns the output position after it, or `None` (having taken
    /// nothing) for what the fast loop does not handle: 16- or 32-bit
    /// lengths, a bad distance, a match that would not fit.
    #[inline(always)]
    fn escaped_match(&self, bits: &mut LookaheadBits<'_>, out: &mut [u8], op: usize, entry: Entry) -> Option<usize> {
        let code_len = entry.code_len();
        let distance_bits = entry.distance_bits();
        let byte = bits.raw_byte_after(code_len).filter(|&byte| byte < 255)?;
        let length = usize::from(byte) + 15 + 3;
        let distance = match_distance(bits, entry);
        let region = match_region(out, op, distance, length)?;
        bits.consume(code_len);
        bits.skip_raw_byte();
        bits.consume(distance_bits);
        copy_match_in(region, distance, length);
        Some(op + length)
    }

    /// Decodes one symbol, checking every read and write; returns the
    /// output position. A match that runs past `out` is an error, or with
    /// `carry`, copied as far as it fits with the rest left in `carry`.
    fn decode_symbol(
        &self,
        bits: &mut BitReader<'_>,
        out: &mut [u8],
        mut op: usize,
        steps: &mut impl WorkCounter,
        carry: Option<&mut Option<(usize, u64)>>,
    ) -> Result<usize> {
        steps.add(1);
        let entry = self.table.entry(bits.peek15());
        bits.consume(entry.code_len())?;
        if !entry.is_match() {
            out[op] = entry.literal();
            return Ok(op + 1);
        }
        let token_at = bits.position();
        let mut length = entry.match_length() as u64;
        if length == 0 {
            length = u64::from(bits.read_byte()?) + 15;
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
            length += 3;
        }
        let distance_bits = entry.distance_bits();
        let distance = (1usize << distance_bits) + bits.read_bits(distance_bits)? as usize;
        if distance > op {
            return Err(Error::InvalidDistance { format: FORMAT, offset: token_at, distance, available: op });
        }
        let room = (out.len() - op) as u64;
        if length > room {
            let Some(carry) = carry else {
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + length });
            };
            copy_match(out, op, distance, room as usize);
            *carry = Some((distance, length - room));
            return Ok(out.len());
        }
        copy_match(out, op, distance, length as usize);
        op += length as usize;
        Ok(op)
    }
}

/// The distance of the match whose decode-table entry is `entry`, at the
/// front of `bits`: its distance bits follow the code, and a leading 1
/// goes with them. The entry's shifts go to the bit reader unmasked.
#[inline(always)]
fn match_distance(bits: &LookaheadBits<'_>, entry: Entry) -> usize {
    bits.one_and_bits_after(entry.code_len_shift(), entry.distance_shift())
}
