//! Bit I/O of LZ77+Huffman ([MS-XCA] §2.1.4, §2.2.4): little-endian 16-bit
//! words read MSB first, with raw length bytes interleaved between them.
//!
//! Where a raw byte sits is decided by when words are loaded, so the reader
//! follows the specification's register model exactly: it starts with two
//! words and loads the next one the moment fewer than 16 bits remain (an
//! eager refill, which fails on a missing word even if its bits would never
//! be used, just as Windows does). The writer mirrors it with a reserved
//! next word, so raw bytes land where that reader looks for them.

use crate::bytes::{fixed, get_u16, get_u32, u16_at};
use crate::error::{truncated, Result};
use crate::format::Format;

const FORMAT: Format = Format::XpressHuff;

/// Reads the bitstream of one LZ77+Huffman block.
#[derive(Clone)]
pub(crate) struct BitReader<'a> {
    input: &'a [u8],
    /// Next byte of the input to load: words and raw bytes alike.
    pos: usize,
    /// Valid bits, MSB-aligned at bit 63.
    reg: u64,
    /// Number of valid bits: 16..=32.
    valid: u32,
}

impl<'a> BitReader<'a> {
    /// Primes the register with the two words at `at`. The caller has
    /// checked that they exist.
    #[inline]
    pub(crate) fn new(input: &'a [u8], at: usize) -> Self {
        let w0 = u64::from(u16_at(input, at));
        let w1 = u64::from(u16_at(input, at + 2));
        BitReader { input, pos: at + 4, reg: w0 << 48 | w1 << 32, valid: 32 }
    }

    /// The next 15 bits, MSB first, without consuming them.
    #[inline(always)]
    pub(crate) fn peek15(&self) -> u32 {
        (self.reg >> 49) as u32
    }

    /// Consumes `n <= 15` bits and refills if fewer than 16 remain.
    ///
    /// Whether a refill is due is as good as random, so while a next word
    /// exists it is loaded every time and kept or dropped by a mask; only
    /// at the end of the input does the register model's check decide.
    #[inline(always)]
    pub(crate) fn consume(&mut self, n: u32) -> Result<()> {
        self.reg <<= n;
        self.valid -= n;
        if let Some(word) = get_u16(self.input, self.pos) {
            let word = u64::from(word);
            let due = u64::from(self.valid < 16).wrapping_neg();
            self.reg |= (word << (48 - self.valid)) & due;
            self.valid += 16 & due as u32;
            self.pos += 2 & due as usize;
            Ok(())
        } else if self.valid < 16 {
            self.refill()
        } else {
            Ok(())
        }
    }

    /// Whether nothing is left but zero bits: the input is read to its end
    /// and the bits held are all 0 (the padding after a stream's last
    /// symbol).
    pub(crate) fn only_padding_left(&self) -> bool {
        self.pos >= self.input.len() && (self.valid == 0 || self.reg >> (64 - self.valid) == 0)
    }

    /// Reads `n <= 15` bits as a number (MSB first).
    #[inline(always)]
    pub(crate) fn read_bits(&mut self, n: u32) -> Result<u32> {
        let value = (self.reg >> 32 >> (32 - n)) as u32;
        self.consume(n)?;
        Ok(value)
    }

    #[inline(always)]
    fn refill(&mut self) -> Result<()> {
        let Some(word) = get_u16(self.input, self.pos) else {
            return Err(truncated(FORMAT, self.pos, self.pos + 2 - self.input.len(), self.input.len()));
        };
        self.reg |= u64::from(word) << (48 - self.valid);
        self.valid += 16;
        self.pos += 2;
        Ok(())
    }

    /// Reads one raw byte at the byte cursor (an extra length byte).
    #[inline]
    pub(crate) fn read_byte(&mut self) -> Result<u8> {
        let Some(&byte) = self.input.get(self.pos) else {
            return Err(truncated(FORMAT, self.pos, 1, self.input.len()));
        };
        self.pos += 1;
        Ok(byte)
    }

    /// Reads a raw little-endian u16 at the byte cursor.
    #[inline]
    pub(crate) fn read_u16(&mut self) -> Result<u16> {
        let Some(value) = get_u16(self.input, self.pos) else {
            return Err(truncated(FORMAT, self.pos, self.pos + 2 - self.input.len(), self.input.len()));
        };
        self.pos += 2;
        Ok(value)
    }

    /// Reads a raw little-endian u32 at the byte cursor.
    #[inline]
    pub(crate) fn read_u32(&mut self) -> Result<u32> {
        let Some(value) = get_u32(self.input, self.pos) else {
            return Err(truncated(FORMAT, self.pos, self.pos + 4 - self.input.len(), self.input.len()));
        };
        self.pos += 4;
        Ok(value)
    }

    /// The byte cursor: where the next raw byte or word would be read.
    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }
}

/// A [`BitReader`] that reads ahead, for decoders' fast loops.
///
/// It loads words in fours, with no branch, so it holds 48 to 63 bits
/// after each [`refill`](Self::refill): enough for a symbol and its
/// distance bits. The register model is still known exactly. Both hold
/// the same stream bits at the front, and the model's register has 16 to
/// 31 valid bits once a symbol was read (a refill is due below 16), so it
/// holds the `16 + count % 16` leading bits of this buffer and has loaded
/// every word before those this buffer read beyond it. That locates the
/// model's byte cursor, where a raw length byte sits: reading one drops
/// the words read ahead, which came from the wrong place.
pub(crate) struct LookaheadBits<'a> {
    input: &'a [u8],
    /// Input position of the next word to load.
    next: usize,
    /// Positions of the next word below this have the
    /// [`MARGIN`](Self::MARGIN). Stated as a limit, it lets the compiler
    /// see that a refill's read is in bounds.
    refill_end: usize,
    /// Bits, MSB-aligned at bit 63; below `count` they may hold the front
    /// of the next word already (the same bits it will load).
    buf: u64,
    /// Number of valid bits.
    count: u32,
}

impl<'a> LookaheadBits<'a> {
    /// Input the fast loop keeps past the next word's position: for two
    /// [`refill`](Self::refill)s in a row (the first moves on by up to 6
    /// bytes, the second reads 8), and after a raw byte the word the
    /// register model loads next.
    pub(crate) const MARGIN: usize = 16;

    /// Takes over `reader`'s state.
    #[inline(always)]
    pub(crate) fn new(reader: &BitReader<'a>) -> Self {
        let refill_end = (reader.input.len() + 1).saturating_sub(Self::MARGIN);
        LookaheadBits { input: reader.input, next: reader.pos, refill_end, buf: reader.reg, count: reader.valid }
    }

    /// Whether the input has the [`MARGIN`](Self::MARGIN) for a refill.
    #[inline(always)]
    pub(crate) fn can_refill(&self) -> bool {
        self.next < self.refill_end
    }

    /// Loads whole words until at least 48 bits are held. The caller has
    /// checked [`can_refill`](Self::can_refill).
    #[inline(always)]
    pub(crate) fn refill(&mut self) {
        // Four little-endian words, first word in the top 16 bits.
        let raw = u64::from_be_bytes(fixed(self.input, self.next));
        let words = (raw & 0x00FF_00FF_00FF_00FF) << 8 | (raw >> 8) & 0x00FF_00FF_00FF_00FF;
        self.buf |= words >> self.count;
        // Whole words up to 48..=63 bits: `count | 48` is the count plus
        // as many times 16 as fit below 64.
        self.next += ((63 - self.count) >> 3 & !1) as usize;
        self.count |= 48;
    }

    /// The next 15 bits, MSB first.
    #[inline(always)]
    pub(crate) fn peek15(&self) -> u32 {
        (self.buf >> 49) as u32
    }

    /// Drops `n` bits; the caller knows they are held.
    #[inline(always)]
    pub(crate) fn consume(&mut self, n: u32) {
        self.buf <<= n;
        self.count -= n;
    }

    /// Drops `n` bits (the caller knows they are held), given also as
    /// `shift`, any number whose low six bits are `n`. The shift takes its
    /// count modulo 64 by itself, so an unmasked number (a decode-table
    /// entry) keeps a mask off the path from one symbol's lookup to the
    /// next. `n` comes apart: masking `shift` once for both put the mask
    /// back on that path and cost LZ77+Huffman decoding 5%.
    #[inline(always)]
    pub(crate) fn consume_shifting(&mut self, shift: u32, n: u32) {
        debug_assert_eq!(shift % 64, n);
        self.buf = self.buf.wrapping_shl(shift);
        self.count -= n;
    }

    /// The `w = 63 - shift % 64` bits that follow the next `skip % 64`
    /// ones, with a 1 above them: `2^w` plus their value. (A match's
    /// distance, from the code's length and the distance bits' count;
    /// both counts are taken modulo 64 as in
    /// [`consume_shifting`](Self::consume_shifting).)
    #[inline(always)]
    pub(crate) fn one_and_bits_after(&self, skip: u32, shift: u32) -> usize {
        let after = self.buf.wrapping_shl(skip);
        (after >> 1 | 1 << 63).wrapping_shr(shift) as usize
    }

    /// The register model's byte cursor once `skip` more bits are read
    /// (at least one symbol was read, and `count - skip >= 16`).
    #[inline(always)]
    fn model_cursor_after(&self, skip: u32) -> usize {
        let count = self.count - skip;
        self.next - 2 * (count / 16 - 1) as usize
    }

    /// The raw byte at the model's byte cursor once `skip` more bits are
    /// read, if the input has it.
    #[inline(always)]
    pub(crate) fn raw_byte_after(&self, skip: u32) -> Option<u8> {
        self.input.get(self.model_cursor_after(skip)).copied()
    }

    /// Moves the byte cursor past the raw byte at the model's cursor. The
    /// words read ahead came from the wrong place and are dropped; the
    /// model's register keeps the leading `16 + count % 16` bits.
    #[inline(always)]
    pub(crate) fn skip_raw_byte(&mut self) {
        self.settle();
        self.next += 1;
    }

    /// Drops the words read ahead of the register model. Right after a
    /// raw byte and a match's distance bits, fewer than 16 bits may be
    /// left with nothing read ahead: the model has then loaded the next
    /// word, which [`can_refill`](Self::can_refill)'s margin guarantees.
    #[inline(always)]
    fn settle(&mut self) {
        if self.count < 16 {
            let word = get_u16(self.input, self.next).unwrap_or(0);
            self.buf |= u64::from(word) << (48 - self.count);
            self.count += 16;
            self.next += 2;
        } else {
            self.next = self.model_cursor_after(0);
            self.count = 16 + self.count % 16;
            self.buf &= !0u64 << (64 - self.count);
        }
    }

    /// Hands the state back to `reader`, in the register model's terms. At
    /// least one symbol was read.
    #[inline(always)]
    pub(crate) fn finish(mut self, reader: &mut BitReader<'a>) {
        self.settle();
        reader.pos = self.next;
        reader.reg = self.buf;
        reader.valid = self.count;
    }
}

/// Writes the bitstream of one LZ77+Huffman block into a buffer whose exact
/// size the caller has computed beforehand (so every write fits).
pub(crate) struct BitWriter<'a> {
    out: &'a mut [u8],
    /// Where the word being filled goes.
    w1: usize,
    /// The reserved next word.
    w2: usize,
    /// Next free byte, for raw bytes and further words.
    raw: usize,
    /// Bits of the word being filled, right-aligned, under whatever
    /// earlier bits have not been shifted out yet: they are never masked
    /// off (a word is cut from the bits below them), which keeps the
    /// mask off the chain of dependent steps from one symbol to the next.
    acc: u64,
    /// Number of bits in `acc`: 0..=16. A full word stays pending until a
    /// later write overflows it, as in Windows' encoder.
    filled: u32,
}

impl<'a> BitWriter<'a> {
    /// Starts a bitstream at `at` (just after the block's table).
    pub(crate) fn new(out: &'a mut [u8], at: usize) -> Self {
        BitWriter { out, w1: at, w2: at + 2, raw: at + 4, acc: 0, filled: 0 }
    }

    /// Appends the low `n <= 16` bits of `value`, MSB first.
    ///
    /// Without branches: whether a symbol completes a word is as good as
    /// random. The word being filled is stored every time (a later store
    /// or [`finish`](Self::finish) overwrites it until it is complete), and
    /// the positions move on only when it overflowed.
    #[inline(always)]
    pub(crate) fn write_bits(&mut self, value: u32, n: u32) {
        debug_assert!(n <= 16 && u64::from(value) < 1u64 << n);
        // At most 16 + 16 bits count: none is shifted out.
        let acc = (self.acc << n) | u64::from(value);
        let filled = self.filled + n;
        let spill = filled.saturating_sub(16);
        let word = (acc >> spill) as u16;
        self.out[self.w1..self.w1 + 2].copy_from_slice(&word.to_le_bytes());
        let overflowed = filled > 16;
        // w1 takes w2's place and w2 the raw position's when a word is
        // done; selected with masks, which the compiler keeps branch-free.
        let all = usize::from(overflowed).wrapping_neg();
        let (w1, w2) = (self.w1, self.w2);
        self.w1 = (w2 & all) | (w1 & !all);
        self.w2 = (self.raw & all) | (w2 & !all);
        self.raw += 2 & all;
        self.acc = acc;
        self.filled = if overflowed { spill } else { filled };
    }

    /// Writes a raw byte at the raw position.
    #[inline]
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) {
        self.out[self.raw..self.raw + bytes.len()].copy_from_slice(bytes);
        self.raw += bytes.len();
    }

    /// Flushes the pending word and the reserved zero word; returns the
    /// position just past the block.
    pub(crate) fn finish(self) -> usize {
        // The bits above `filled` fall out of the word.
        let word = (self.acc << (16 - self.filled)) as u16;
        self.out[self.w1..self.w1 + 2].copy_from_slice(&word.to_le_bytes());
        self.out[self.w2..self.w2 + 2].copy_from_slice(&[0, 0]);
        self.raw
    }
}

/// The size of a block's bitstream and raw bytes (without the 256-byte
/// table) for `bits` bits of codes and `raw_bytes` extra length bytes, as
/// [`BitWriter`] lays them out.
pub(crate) fn bitstream_size(bits: u64, raw_bytes: u64) -> u64 {
    // Words that were overflowed and stored, plus the pending and reserved ones.
    2 * (bits.saturating_sub(1) / 16 + 2) + raw_bytes
}
