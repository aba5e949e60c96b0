//! Plain LZ77 decoder ([MS-XCA] §2.4).

use crate::error::{truncated, Error, Result};
use crate::lz::{copy_match, WorkCounter};
use crate::Format;

const FORMAT: Format = Format::Xpress;

/// A flag register holding nothing but the end-of-word sentinel.
const SENTINEL: u64 = 1 << 63;

/// Decodes a whole Plain LZ77 stream into `out` and returns the number of
/// bytes produced. `out.len()` is the capacity: the stream decides the size.
///
/// On error the bytes decoded so far are left in `out`. `steps` counts
/// loop iterations, for tests that bound the work done.
pub(crate) fn decompress(input: &[u8], out: &mut [u8], steps: &mut impl WorkCounter) -> Result<usize> {
    let mut ip = 0usize;
    let mut op = 0usize;
    // The current flag word's unread bits, at the top, followed by a
    // sentinel 1 bit: when only the sentinel is left, the word is used up.
    let mut flags = SENTINEL;
    // Position of a nibble byte whose high half is still unclaimed.
    let mut pending_nibble: Option<usize> = None;

    loop {
        steps.add(1);
        if flags == SENTINEL {
            let Some(word) = input.get(ip..ip + 4) else {
                return Err(truncated(FORMAT, ip, ip + 4 - input.len(), input.len()));
            };
            flags = u64::from(u32::from_le_bytes([word[0], word[1], word[2], word[3]])) << 32 | 1 << 31;
            ip += 4;
        }

        // A run of literals: all leading zero flag bits at once (the
        // sentinel stops the count at the end of the word).
        let run = flags.leading_zeros() as usize;
        if run > 0 {
            let available = (input.len() - ip).min(out.len() - op);
            let n = run.min(available);
            out[op..op + n].copy_from_slice(&input[ip..ip + n]);
            ip += n;
            op += n;
            if n < run {
                if ip == input.len() {
                    return Err(truncated(FORMAT, ip, 1, input.len()));
                }
                return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + 1 });
            }
            flags <<= run;
            continue;
        }
        if flags == SENTINEL {
            continue;
        }

        // A match bit.
        flags <<= 1;
        if ip == input.len() {
            return Ok(op);
        }
        let token_at = ip;
        let Some(token) = input.get(ip..ip + 2) else {
            return Err(truncated(FORMAT, ip, 2 - (input.len() - ip), input.len()));
        };
        let token = u16::from_le_bytes([token[0], token[1]]);
        ip += 2;
        let dist = usize::from(token >> 3) + 1;
        let mut len = u64::from(token & 7);
        if len == 7 {
            let nibble = match pending_nibble.take() {
                Some(at) => input[at] >> 4,
                None => {
                    let Some(&byte) = input.get(ip) else {
                        return Err(truncated(FORMAT, ip, 1, input.len()));
                    };
                    pending_nibble = Some(ip);
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
        if len > (out.len() - op) as u64 {
            return Err(Error::OutputTooSmall { format: FORMAT, capacity: out.len(), needed: op as u64 + len });
        }
        copy_match(out, op, dist, len as usize);
        op += len as usize;
    }
}

/// Reads the u16 (and, when that is 0, u32) escape of cases D and E and
/// returns `length - 3`.
fn read_long_length(input: &[u8], ip: &mut usize) -> Result<u64> {
    let at = *ip;
    let Some(w) = input.get(at..at + 2) else {
        return Err(truncated(FORMAT, at, at + 2 - input.len(), input.len()));
    };
    *ip += 2;
    let mut value = u64::from(u16::from_le_bytes([w[0], w[1]]));
    let mut value_at = at;
    if value == 0 {
        value_at = *ip;
        let Some(d) = input.get(*ip..*ip + 4) else {
            return Err(truncated(FORMAT, *ip, *ip + 4 - input.len(), input.len()));
        };
        *ip += 4;
        value = u64::from(u32::from_le_bytes([d[0], d[1], d[2], d[3]]));
    }
    // Values below 22 have shorter encodings; [MS-XCA] requires rejecting them.
    if value < 22 {
        return Err(Error::InvalidLength { format: FORMAT, offset: value_at, value, minimum: 22 });
    }
    Ok(value)
}
