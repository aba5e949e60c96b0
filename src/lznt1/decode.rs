//! LZNT1 decoder ([MS-XCA] §2.5) that stops where `RtlDecompressBuffer`
//! does when the output fills up: after the literal or stored byte that
//! fills it (a success with the truncated output), or at a copy that does
//! not fit (an error).

use super::{chunk_data_len, displacement_bits, format_holds_until, CHUNK_SIZE, HEADER_BYTES, HEADER_COMPRESSED};
use crate::bytes::{get_u16, u16_at};
use crate::error::{truncated, Error, Result};
use crate::format::Format;
use crate::lz::copy::{copies_from_afar, copy_32_from_afar, copy_match, copy_match_wide, copy_short, WIDE_COPY_SLACK};
use crate::lz::window::{index, window_bytes, WindowBytes, WINDOW_SIZE, WINDOW_SLACK};
use crate::lz::{NoCount, WorkCounter};
use alloc::vec;

const FORMAT: Format = Format::Lznt1;

/// How decoding one chunk ended.
enum ChunkEnd {
    /// All of the chunk's data was decoded.
    Complete,
    /// The output filled up at a literal or stored byte: Windows stops there
    /// and reports success with the truncated output.
    OutputFull,
}

/// Decodes an LZNT1 buffer into `out` (its length is the capacity) and
/// returns the number of bytes produced. `steps` counts chunks, flag
/// groups and zero-filled bytes, for tests that bound the work done.
pub(crate) fn decompress(input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<usize> {
    decode_buffer(input, out, steps, false, &mut 0).map(|decoded| decoded.len)
}

/// [`decompress`], leaving in `valid` how many output bytes are known
/// right: on error, those of the chunks before the one that failed.
pub(crate) fn decompress_tracking(input: &[u8], out: &mut [u8], valid: &mut usize) -> Result<usize> {
    decode_buffer(input, out, &mut NoCount, false, valid).map(|decoded| decoded.len)
}

/// [`decompress`], also returning the input bytes consumed: through the
/// `00 00` end marker, or the last chunk decoded (a lone trailing byte, or
/// chunks after the output filled up, are not consumed).
pub(crate) fn decompress_ex(input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<(usize, usize)> {
    decode_buffer(input, out, steps, false, &mut 0).map(|decoded| (decoded.len, decoded.consumed))
}

/// What [`decode_buffer`] produced.
struct Decoded {
    /// Bytes written to the output.
    len: usize,
    /// Bytes the first chunk decoded to (before any zero fill).
    first_chunk_len: usize,
    /// Input bytes consumed.
    consumed: usize,
}

/// `RtlDecompressFragment`: the bytes of the
/// original data from `offset` on, as many as fit in `out`.
///
/// Whole chunks before the offset are skipped by their headers (whose
/// lengths are still checked). Stored chunks shorter than 4096 bytes are
/// rejected, as on every Windows version. An offset past the data of its
/// chunk yields the rest of the chunk's 4096-byte span as zeros (Windows
/// returns stale workspace bytes there).
pub(crate) fn decompress_fragment(input: &[u8], offset: usize, out: &mut [u8]) -> Result<usize> {
    let mut ip = 0usize;
    for _ in 0..offset / CHUNK_SIZE {
        let Some(header) = get_u16(input, ip) else { return Ok(0) };
        if header == 0 {
            return Ok(0);
        }
        let data_len = chunk_data_len(header);
        let data_at = ip + HEADER_BYTES;
        if input.len() - data_at < data_len {
            return Err(truncated(FORMAT, input.len(), data_at + data_len - input.len(), input.len()));
        }
        ip = data_at + data_len;
    }
    let rest = &input[ip..];
    if rest.len() < 2 || rest[..2] == [0, 0] {
        return Ok(0);
    }
    let skip = offset % CHUNK_SIZE;
    // Windows decodes whole chunks into its workspace and copies the part
    // asked for, so the fragment's end never cuts a copy.
    let mut window = vec![0u8; (skip + out.len()).next_multiple_of(CHUNK_SIZE)];
    let decoded = decode_buffer(rest, &mut window, &mut NoCount, true, &mut 0).map_err(|e| e.shifted(ip))?;
    if skip < decoded.first_chunk_len {
        let n = (decoded.len - skip).min(out.len());
        out[..n].copy_from_slice(&window[skip..skip + n]);
        Ok(n)
    } else {
        let n = (CHUNK_SIZE - skip).min(out.len());
        out[..n].fill(0);
        Ok(n)
    }
}

/// The chunk walk shared by whole-buffer and fragment decoding.
/// `reject_short_stored` refuses stored chunks of fewer than 4096 bytes.
fn decode_buffer(
    input: &[u8],
    out: &mut [u8],
    steps: &mut impl WorkCounter,
    reject_short_stored: bool,
    valid: &mut usize,
) -> Result<Decoded> {
    let mut first_chunk_len = None;
    if input.len() < 2 {
        return Err(truncated(FORMAT, input.len(), 2 - input.len(), input.len()));
    }
    let mut ip = 0usize;
    let mut op = 0usize;
    let mut first = true;
    while input.len() - ip >= 2 {
        steps.add(1);
        *valid = op;
        let header = u16_at(input, ip);
        if header == 0 {
            ip += HEADER_BYTES;
            break;
        }
        let data_len = chunk_data_len(header);
        let data_at = ip + HEADER_BYTES;
        if input.len() - data_at < data_len {
            return Err(truncated(FORMAT, input.len(), data_at + data_len - input.len(), input.len()));
        }
        if !first {
            // Every chunk but the last stands for exactly 4096 bytes; a short
            // one is padded with zeros. If the padding reaches the capacity,
            // Windows (as modelled by Wine) stops without writing it.
            let gap = op.wrapping_neg() % CHUNK_SIZE;
            if gap > 0 && op + gap >= out.len() {
                break;
            }
            out[op..op + gap].fill(0);
            steps.add(gap as u64);
            op += gap;
        }
        first = false;
        *valid = op;
        if op >= out.len() {
            break;
        }
        let data = &input[data_at..data_at + data_len];
        if reject_short_stored && header & HEADER_COMPRESSED == 0 && data_len < CHUNK_SIZE {
            return Err(Error::ShortStoredChunk { offset: ip, len: data_len });
        }
        let chunk_start = op;
        let end = if header & HEADER_COMPRESSED != 0 {
            decode_chunk(input, data_at, data_len, out, op, steps)?
        } else {
            let n = data.len().min(out.len() - op);
            out[op..op + n].copy_from_slice(&data[..n]);
            (op + n, if n < data.len() { ChunkEnd::OutputFull } else { ChunkEnd::Complete })
        };
        op = end.0;
        first_chunk_len.get_or_insert(op - chunk_start);
        ip = data_at + data_len;
        if let ChunkEnd::OutputFull = end.1 {
            break;
        }
    }
    Ok(Decoded { len: op, first_chunk_len: first_chunk_len.unwrap_or(0), consumed: ip })
}

/// The fast loop runs only while this much of the chunk's data is left.
/// It covers one step's reads (a flag byte, an 8-byte literal over-read, a
/// copy token), and guarantees that the chunk, whatever its data, still
/// produces at least 32 bytes when the loop ends: a flag byte serves up to
/// eight items and every other byte stands for at least one output byte.
/// So the chunk itself overwrites the loop's over-copies (at most
/// [`WIDE_COPY_SLACK`] bytes ahead), unless decoding fails.
const FAST_INPUT_MARGIN: usize = 64;
/// The fast loop runs only while this much output room is left in the
/// chunk: an 8-byte literal over-copy, then a copy checked against what
/// remains.
const FAST_OUTPUT_MARGIN: usize = 48;

/// Where decoding a chunk stands between two items.
struct ChunkCursor {
    /// Position in the chunk's data.
    ip: usize,
    /// Output position.
    op: usize,
    /// The current flag byte's unread bits, at the bottom, followed by a
    /// sentinel 1 bit: when only the sentinel is left, the group is done.
    flags: u32,
}

/// A flag register holding nothing but the end-of-group sentinel.
const SENTINEL: u32 = 1;

/// Decodes the compressed chunk whose `data_len` bytes of data start at
/// `input[data_at]` into `out`, starting at `chunk_start`. Returns the
/// output position reached and how the chunk ended.
///
/// The fast loop decodes most of the chunk through fixed-size windows: the
/// input itself where it goes on past the chunk (else a copy), and the
/// output itself where it has room for the over-copies (else a buffer whose
/// bytes are then copied out). The checked loop finishes the chunk.
fn decode_chunk(
    input: &[u8],
    data_at: usize,
    data_len: usize,
    out: &mut [u8],
    chunk_start: usize,
    steps: &mut impl WorkCounter,
) -> Result<(usize, ChunkEnd)> {
    let data = &input[data_at..data_at + data_len];
    let mut at = ChunkCursor { ip: 0, op: chunk_start, flags: SENTINEL };
    if data_len > FAST_INPUT_MARGIN {
        // The chunk's data through a window (see `lz::window`).
        let mut spare_input = None;
        let src = window_bytes(input, data_at, data_len, &mut spare_input);
        // The caller's room from the chunk's start on, as far as a window
        // goes.
        let room = (out.len() - chunk_start).min(WINDOW_SIZE + WINDOW_SLACK);
        match out.get_mut(chunk_start..chunk_start + WINDOW_SIZE + WINDOW_SLACK) {
            Some(dst) => decode_chunk_fast(src, data_len, dst.try_into().unwrap(), room, &mut at, steps),
            None => {
                let mut spare_output: WindowBytes = [0u8; WINDOW_SIZE + WINDOW_SLACK];
                decode_chunk_fast(src, data_len, &mut spare_output, room, &mut at, steps);
                let produced = at.op - chunk_start;
                out[chunk_start..at.op].copy_from_slice(&spare_output[..produced]);
            }
        }
    }
    let end = decode_chunk_careful(data, data_at, out, chunk_start, &mut at, steps)?;
    Ok((at.op, end))
}

/// How many low bits of a copy token hold the length once the chunk has
/// produced `produced` bytes, and up to which output count that holds.
#[inline(always)]
fn token_split(produced: usize) -> (u32, usize) {
    let bits = displacement_bits(produced);
    (16 - bits, format_holds_until(bits))
}

/// A copy token's displacement and length, with its length in the low
/// `length_bits` bits.
#[inline(always)]
fn split_token(token: u16, length_bits: u32) -> (usize, usize) {
    (usize::from(token >> length_bits) + 1, usize::from(token & ((1 << length_bits) - 1)) + 3)
}

/// Decodes from `at` (at the chunk's start) while the chunk's data `src`
/// (`data_len` bytes) and its output `dst` (the first `room` bytes stand
/// for the caller's buffer) have the margins, with fixed-size
/// over-copies. Stops before a copy it does not handle (a bad
/// displacement, or one that would not fit) and leaves it to
/// [`decode_chunk_careful`], which reports errors.
fn decode_chunk_fast(
    src: &WindowBytes,
    data_len: usize,
    dst: &mut WindowBytes,
    room: usize,
    at: &mut ChunkCursor,
    steps: &mut impl WorkCounter,
) {
    let ChunkCursor { mut ip, op: chunk_start, mut flags } = *at;
    let (Some(in_limit), Some(out_limit)) =
        (data_len.checked_sub(FAST_INPUT_MARGIN), room.min(CHUNK_SIZE).checked_sub(FAST_OUTPUT_MARGIN))
    else {
        return;
    };
    // The output position in the chunk.
    let mut op = 0;
    // The token split changes only eight times in a chunk.
    let (mut length_bits, mut split_until) = token_split(0);
    'fast: loop {
        // Near and long copies leave the inner loop for their copy, whose
        // registers the inner loop is better off keeping.
        let (pos, dist, len) = loop {
            if ip > in_limit || op > out_limit {
                break 'fast;
            }
            steps.add(1);
            if flags == SENTINEL {
                flags = u32::from(src[index(ip)]) | 1 << 8;
                ip += 1;
            }
            // The literals before the next copy token (possibly none): one
            // 8-byte move whatever their number.
            let run = flags.trailing_zeros() as usize;
            let (from, to) = (index(ip), index(op));
            dst[to..to + 8].copy_from_slice(&src[from..from + 8]);
            ip += run;
            op += run;
            flags >>= run;
            if flags == SENTINEL {
                continue;
            }

            let token = u16_at(src, index(ip));
            if op > split_until {
                (length_bits, split_until) = token_split(op);
            }
            let (dist, len) = split_token(token, length_bits);
            if dist > op || len + WIDE_COPY_SLACK > room - op {
                break 'fast;
            }
            ip += 2;
            flags >>= 1;
            let pos = op;
            op += len;
            if copies_from_afar(dist, len) {
                // The masks, which change nothing here, prove the moves in
                // bounds.
                copy_32_from_afar(dst, index(pos - dist), index(pos));
                continue;
            }
            break (pos, dist, len);
        };
        copy_match_wide(dst, pos, dist, len);
    }
    *at = ChunkCursor { ip, op: chunk_start + op, flags };
}

/// Decodes from `at`, checking every read and write, until the chunk ends
/// (returning how).
fn decode_chunk_careful(
    data: &[u8],
    base: usize,
    out: &mut [u8],
    chunk_start: usize,
    at: &mut ChunkCursor,
    steps: &mut impl WorkCounter,
) -> Result<ChunkEnd> {
    loop {
        steps.add(1);
        let ChunkCursor { ip, op, flags } = *at;
        // Flag bits for items past the chunk's data are ignored.
        if ip >= data.len() {
            return Ok(ChunkEnd::Complete);
        }
        if flags == SENTINEL {
            at.flags = u32::from(data[ip]) | 1 << 8;
            at.ip += 1;
        } else if flags & 1 == 0 {
            if op == out.len() {
                return Ok(ChunkEnd::OutputFull);
            }
            // The group's literals in a row, as far as data and room go.
            let run = (flags.trailing_zeros() as usize).min(data.len() - ip).min(out.len() - op);
            copy_short(&mut out[op..op + run], &data[ip..ip + run]);
            *at = ChunkCursor { ip: ip + run, op: op + run, flags: flags >> run };
        } else {
            let Some(token) = get_u16(data, ip) else {
                return Err(truncated(FORMAT, base + ip, 1, base + data.len()));
            };
            let produced = op - chunk_start;
            let (dist, len) = split_token(token, token_split(produced).0);
            if dist > produced {
                return Err(Error::InvalidDistance {
                    format: FORMAT,
                    offset: base + ip,
                    distance: dist,
                    available: produced,
                });
            }
            if len > out.len() - op {
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: (op + len) as u64 });
            }
            copy_match(out, op, dist, len);
            *at = ChunkCursor { ip: ip + 2, op: op + len, flags: flags >> 1 };
        }
    }
}
