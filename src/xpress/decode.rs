//! Plain LZ77 decoder ([MS-XCA] §2.4).

use crate::bytes::{fixed, get_u16, get_u32, u16_at, u32_at};
use crate::error::{truncated, Error, Result};
use crate::format::Format;
use crate::lz::copy::{copies_from_afar, copy_32_from_afar, copy_match, copy_match_wide, copy_short, match_region};
use crate::lz::WorkCounter;

const FORMAT: Format = Format::Xpress;

/// A flag register holding nothing but the end-of-word sentinel.
const SENTINEL: u64 = 1;

/// The flag register for a flag word: its bits reversed, so that the
/// first flag is the lowest bit, and the sentinel above them. A sentinel
/// of 1 is a test against a small constant, where one at the top would
/// take the fast loop a register for the constant.
#[inline(always)]
fn flag_register(word: u32) -> u64 {
    u64::from(word.reverse_bits()) | 1 << 32
}

/// The fast loop runs only while this much input is left. It covers one
/// step's reads (a flag word, a 32-byte literal over-read, a match token
/// with its nibble and length byte), and it guarantees that the stream,
/// if it is valid, still has at least 32 bytes to produce when the loop
/// ends: every byte left after the step is either part of a flag word (at
/// most one in nine, plus the two words that can end the stream) or
/// stands for at least one output byte. A valid stream therefore
/// overwrites the loop's over-copies, and a successful decode leaves
/// nothing behind past its output.
const FAST_INPUT_MARGIN: usize = 96;
/// The fast loop runs only while this much output room is left: a
/// 32-byte literal over-copy, then a match checked against what remains.
const FAST_OUTPUT_MARGIN: usize = 64;

/// Where decoding stands between two items.
#[derive(Clone, Copy)]
struct Cursor {
    /// Input position.
    ip: usize,
    /// Output position.
    op: usize,
    /// The current flag word's unread bits, first at the bottom, followed
    /// by a sentinel 1 bit: when only the sentinel is left, the word is
    /// used up (see [`flag_register`]).
    flags: u64,
    /// The high half of a nibble byte, still unclaimed.
    pending_nibble: Option<u8>,
}

/// How much input one step of [`decode_careful`] reads at most: a flag
/// word, then a run of 32 literals or a match token with its nibble byte,
/// length byte and 32-bit escape.
const STEP_INPUT: usize = 4 + 32;

/// Where [`decode_careful`] stopped, when the stream has not failed.
enum Stop {
    /// The stream ended, with this output position.
    End(usize),
    /// The fast loop's margins are back.
    Margins,
    /// Streaming: the input given is used up to its last step's worth.
    NeedInput,
    /// Streaming: the output window is full (a match may be carried).
    OutputFull,
}

/// What [`decode_careful`] is decoding: a whole stream, or a stretch of
/// one whose input and output go on in the next call.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "std"), allow(dead_code))]
enum Reach {
    /// The input is the whole stream and the output its whole room.
    Whole,
    /// More input may follow (unless `final_input`); with `carry`, the
    /// output window is emptied between calls, and what runs past it is
    /// carried into the next, else its end is the end of the room.
    Stretch { final_input: bool, carry: bool },
}

/// Decodes a whole Plain LZ77 stream into `out` and returns the number of
/// bytes produced. `out.len()` is the capacity: the stream decides the size.
///
/// On error the bytes decoded so far are left in `out`. `steps` counts
/// loop iterations, for tests that bound the work done.
pub(crate) fn decompress(input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<usize> {
    decompress_tracking(input, out, steps, &mut 0)
}

/// [`decompress`], leaving in `valid` how many output bytes are known
/// right: on error, at least those decoded before the checked loop took
/// over (the fast loop stops before anything it cannot handle, so where a
/// bad item lies in the middle, exactly those before it).
pub(crate) fn decompress_tracking(
    input: &[u8],
    out: &mut [u8],
    steps: &mut impl WorkCounter,
    valid: &mut usize,
) -> Result<usize> {
    let mut at = Cursor { ip: 0, op: 0, flags: SENTINEL, pending_nibble: None };
    loop {
        decode_fast(input, out, &mut at, steps);
        *valid = at.op;
        if let Stop::End(produced) = decode_careful(input, out, &mut at, steps, Reach::Whole, &mut None)? {
            return Ok(produced);
        }
    }
}

/// A Plain LZ77 stream decoded a stretch at a time, for callers that hold
/// only part of its input and output (`read`): the state between two
/// stretches.
#[derive(Clone, Copy)]
#[cfg(feature = "std")]
pub(crate) struct StreamState {
    at: Cursor,
    /// A match that ran past the last output window: its distance and the
    /// bytes still to copy.
    carry: Option<(usize, u64)>,
}

/// What [`StreamState::decode`] did.
#[cfg(feature = "std")]
pub(crate) enum Stretch {
    /// The stream ended; the output window ends at this position.
    End(usize),
    /// The input given is used up but for its last step's worth: call
    /// again with more (or with the rest, as final).
    NeedInput,
    /// The output window is full.
    OutputFull,
}

#[cfg(feature = "std")]
impl StreamState {
    pub(crate) fn new() -> Self {
        StreamState { at: Cursor { ip: 0, op: 0, flags: SENTINEL, pending_nibble: None }, carry: None }
    }

    /// Input position in the input last given, and output position in the
    /// window last given.
    pub(crate) fn positions(&self) -> (usize, usize) {
        (self.at.ip, self.at.op)
    }

    /// Moves on to new buffers: the input given next starts at what was
    /// position `ip`, and the output window's position `op` is now
    /// `new_op` (the bytes matches reach back to kept before it).
    pub(crate) fn rebase(&mut self, ip: usize, op: usize, new_op: usize) {
        self.at.ip -= ip;
        self.at.op = self.at.op - op + new_op;
    }

    /// Decodes from the positions into `out`, whose bytes before the
    /// output position are the history matches reach into (at least the
    /// 8 KiB a distance can span, once that much is decoded). Without
    /// `final_input`, more input follows what is given, and decoding stops
    /// short of its last step's worth. With `carry`, more output room
    /// follows `out` in the next call; without, output past it is an error.
    pub(crate) fn decode(&mut self, input: &[u8], final_input: bool, out: &mut [u8], carry: bool) -> Result<Stretch> {
        if let Some((dist, left)) = self.carry {
            let room = (out.len() - self.at.op) as u64;
            if !carry && left > room {
                let needed = self.at.op as u64 + left;
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed });
            }
            let n = left.min(room) as usize;
            copy_match(out, self.at.op, dist, n);
            self.at.op += n;
            self.carry = (n as u64 != left).then_some((dist, left - n as u64));
            if self.carry.is_some() {
                return Ok(Stretch::OutputFull);
            }
        }
        let reach = Reach::Stretch { final_input, carry };
        loop {
            decode_fast(input, out, &mut self.at, &mut crate::lz::NoCount);
            match decode_careful(input, out, &mut self.at, &mut crate::lz::NoCount, reach, &mut self.carry)? {
                Stop::Margins => {}
                Stop::End(op) => return Ok(Stretch::End(op)),
                Stop::NeedInput => return Ok(Stretch::NeedInput),
                Stop::OutputFull => return Ok(Stretch::OutputFull),
            }
        }
    }
}

/// Whether the fast loop may run at these positions.
#[inline(always)]
fn has_margins(input: &[u8], ip: usize, out: &[u8], op: usize) -> bool {
    input.len() - ip >= FAST_INPUT_MARGIN && out.len() - op >= FAST_OUTPUT_MARGIN
}

/// Decodes while both buffers have their margins, with fixed-size
/// over-copies and no per-byte checks. Stops before anything it does not
/// handle (a long-length escape, a bad distance, a match that would not
/// fit) and leaves it to [`decode_careful`], which reports errors.
fn decode_fast(input: &[u8], out: &mut [u8], at: &mut Cursor, steps: &mut impl WorkCounter) {
    let Cursor { mut ip, mut op, mut flags, pending_nibble } = *at;
    // A pending nibble as a number: 16 plus its value, or 0 for none.
    let mut pending = pending_nibble.map_or(0, |high| u32::from(high) | 16);
    // Positions up to these limits have the margins. Stated as limits,
    // they let the compiler see that a step's input and its literal move
    // are in bounds.
    let (Some(in_limit), Some(out_limit)) =
        (input.len().checked_sub(FAST_INPUT_MARGIN), out.len().checked_sub(FAST_OUTPUT_MARGIN))
    else {
        return;
    };
    'fast: loop {
        // Near and long matches leave the inner loop for their copy,
        // whose registers the inner loop is better off keeping.
        let (pos, dist, len) = loop {
            if ip > in_limit || op > out_limit {
                break 'fast;
            }
            // The input a step may read, as an array: every read below is
            // at an offset the compiler can bound.
            let step: &[u8; FAST_INPUT_MARGIN] = input[ip..ip + FAST_INPUT_MARGIN].try_into().unwrap();
            steps.add(1);
            let mut next = 0;
            if flags == SENTINEL {
                flags = flag_register(u32_at(step, 0));
                next = 4;
            }
            // The literal run before the next match (possibly empty): one
            // 32-byte move whatever its length.
            let run = flags.trailing_zeros() as usize;
            let literals: [u8; 32] = fixed(step, next);
            out[op..op + 32].copy_from_slice(&literals);
            next += run;
            op += run;
            flags >>= run;
            let step_start = ip;
            ip += next;
            if flags == SENTINEL {
                continue;
            }

            let token = u16_at(step, next);
            let dist = usize::from(token >> 3) + 1;
            let mut len = usize::from(token & 7);
            next += 2;
            let mut next_pending = pending;
            if len == 7 {
                // The high half of a pending nibble byte, or the low half
                // of a new one here.
                let byte = step[next];
                let has_pending = pending != 0;
                let nibble = if has_pending { pending & 15 } else { u32::from(byte & 15) };
                next_pending = if has_pending { 0 } else { u32::from(byte >> 4) | 16 };
                next += usize::from(!has_pending);
                len = nibble as usize + 7;
                if nibble == 15 {
                    // The length byte follows whatever this match took.
                    let byte = step[next];
                    next += 1;
                    if byte == 255 {
                        break 'fast;
                    }
                    len = usize::from(byte) + 22;
                }
            }
            let len = len + 3;
            let Some(region) = match_region(out, op, dist, len) else {
                break 'fast;
            };
            ip = step_start + next;
            pending = next_pending;
            flags >>= 1;
            let pos = op;
            op += len;
            if copies_from_afar(dist, len) {
                copy_32_from_afar(region, 0, dist);
                continue;
            }
            break (pos, dist, len);
        };
        copy_match_wide(out, pos, dist, len);
    }
    *at = Cursor { ip, op, flags, pending_nibble: (pending != 0).then_some((pending & 15) as u8) };
}

/// Decodes from `at`, checking every read and write, until the stream
/// ends or, after at least one step, the fast loop's margins are back.
/// Decoding a [`Reach::Stretch`], it also stops when the input given has
/// less than a step left (unless it is the last) or the output is full;
/// a match that does not fit then goes into `carry`, what fits copied.
fn decode_careful(
    input: &[u8],
    out: &mut [u8],
    at: &mut Cursor,
    steps: &mut impl WorkCounter,
    reach: Reach,
    carry: &mut Option<(usize, u64)>,
) -> Result<Stop> {
    let Cursor { mut ip, mut op, mut flags, mut pending_nibble } = *at;
    let stretch = matches!(reach, Reach::Stretch { carry: true, .. });
    let more_input = matches!(reach, Reach::Stretch { final_input: false, .. });
    let mut first = true;
    loop {
        let stop = if more_input && input.len() - ip < STEP_INPUT {
            Some(Stop::NeedInput)
        } else if stretch && op == out.len() {
            Some(Stop::OutputFull)
        } else if !first && has_margins(input, ip, out, op) {
            Some(Stop::Margins)
        } else {
            None
        };
        if let Some(stop) = stop {
            *at = Cursor { ip, op, flags, pending_nibble };
            return Ok(stop);
        }
        first = false;
        steps.add(1);
        if flags == SENTINEL {
            let Some(word) = get_u32(input, ip) else {
                return Err(truncated(FORMAT, ip, ip + 4 - input.len(), input.len()));
            };
            flags = flag_register(word);
            ip += 4;
        }

        // A run of literals: all low zero flag bits at once (the sentinel
        // stops the count at the end of the word).
        let run = flags.trailing_zeros() as usize;
        if run > 0 {
            let available = (input.len() - ip).min(out.len() - op);
            let n = run.min(available);
            copy_short(&mut out[op..op + n], &input[ip..ip + n]);
            ip += n;
            op += n;
            flags >>= n;
            if n < run {
                if ip == input.len() {
                    return Err(truncated(FORMAT, ip, 1, input.len()));
                }
                if stretch {
                    // The rest of the run goes into the next window.
                    continue;
                }
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + 1 });
            }
            continue;
        }
        if flags == SENTINEL {
            continue;
        }

        // A match bit.
        flags >>= 1;
        if ip == input.len() {
            *at = Cursor { ip, op, flags, pending_nibble };
            return Ok(Stop::End(op));
        }
        let token_at = ip;
        let Some(token) = get_u16(input, ip) else {
            return Err(truncated(FORMAT, ip, 2 - (input.len() - ip), input.len()));
        };
        ip += 2;
        let dist = usize::from(token >> 3) + 1;
        let mut len = u64::from(token & 7);
        if len == 7 {
            let nibble = match pending_nibble.take() {
                Some(high) => high,
                None => {
                    let Some(&byte) = input.get(ip) else {
                        return Err(truncated(FORMAT, ip, 1, input.len()));
                    };
                    pending_nibble = Some(byte >> 4);
                    ip += 1;
                    byte & 15
                }
            };
            len = u64::from(nibble) + 7;
            if nibble == 15 {
                let Some(&byte) = input.get(ip) else {
                    return Err(truncated(FORMAT, ip, 1, input.len()));
                };
                ip += 1;
                len = u64::from(byte) + 22;
                if byte == 255 {
                    len = read_long_length(input, &mut ip)?;
                }
            }
        }
        let len = len + 3;

        if dist > op {
            return Err(Error::InvalidDistance { format: FORMAT, offset: token_at, distance: dist, available: op });
        }
        let room = (out.len() - op) as u64;
        if len > room {
            if !stretch {
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + len });
            }
            copy_match(out, op, dist, room as usize);
            *carry = Some((dist, len - room));
            *at = Cursor { ip, op: out.len(), flags, pending_nibble };
            return Ok(Stop::OutputFull);
        }
        copy_match(out, op, dist, len as usize);
        op += len as usize;
    }
}

/// Reads the u16 (and, when that is 0, u32) escape of cases D and E and
/// returns `length - 3`.
fn read_long_length(input: &[u8], ip: &mut usize) -> Result<u64> {
    let at = *ip;
    let Some(w) = get_u16(input, at) else {
        return Err(truncated(FORMAT, at, at + 2 - input.len(), input.len()));
    };
    *ip += 2;
    let mut value = u64::from(w);
    let mut value_at = at;
    if value == 0 {
        value_at = *ip;
        let Some(d) = get_u32(input, *ip) else {
            return Err(truncated(FORMAT, *ip, *ip + 4 - input.len(), input.len()));
        };
        *ip += 4;
        value = u64::from(d);
    }
    // Values below 22 have shorter encodings; [MS-XCA] requires rejecting them.
    if value < 22 {
        return Err(Error::InvalidLength { format: FORMAT, offset: value_at, value, minimum: 22 });
    }
    Ok(value)
}
