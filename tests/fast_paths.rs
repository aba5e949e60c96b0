//! The decoders' fast loops at their boundaries: matches at every offset
//! from 1 to 40 and at the lengths where an encoding changes, placed just
//! before the end of the input, the output, a 64 KiB Huffman block and a
//! 4096-byte LZNT1 chunk, where a fast loop hands over to the checked one.
//!
//! Plain LZ77 and LZNT1 streams are written item by item here, so each
//! match is exactly the one meant; LZ77+Huffman streams come from our
//! encoder on inputs built to contain those matches.

mod common;

use common::noise;
use msxca::{compress, Decompressor, Format, Level};

/// One item of a hand-written stream.
#[derive(Clone, Copy, Debug)]
enum Item {
    Literal(u8),
    Match { dist: usize, len: usize },
}

/// The bytes `items` stand for.
fn expand(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    for &item in items {
        match item {
            Item::Literal(b) => out.push(b),
            Item::Match { dist, len } => {
                for _ in 0..len {
                    out.push(out[out.len() - dist]);
                }
            }
        }
    }
    out
}

/// A Plain LZ77 stream of `items` ([MS-XCA] §2.3): flag words, shared
/// nibbles, and each length in the shortest form.
fn plain_stream(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut flag_at = 0;
    let mut flags = 0u32;
    let mut used = 32;
    let mut nibble_at: Option<usize> = None;
    // Sets the next flag bit, starting a new flag word when one is full.
    let put_flag = |out: &mut Vec<u8>, bit: bool, flags: &mut u32, flag_at: &mut usize, used: &mut u32| {
        if *used == 32 {
            *flag_at = out.len();
            out.extend_from_slice(&[0; 4]);
            *flags = 0;
            *used = 0;
        }
        *flags |= u32::from(bit) << (31 - *used);
        *used += 1;
        out[*flag_at..*flag_at + 4].copy_from_slice(&flags.to_le_bytes());
    };
    for &item in items {
        match item {
            Item::Literal(b) => {
                put_flag(&mut out, false, &mut flags, &mut flag_at, &mut used);
                out.push(b);
            }
            Item::Match { dist, len } => {
                put_flag(&mut out, true, &mut flags, &mut flag_at, &mut used);
                let l = len - 3;
                out.extend_from_slice(&(((dist - 1) << 3 | l.min(7)) as u16).to_le_bytes());
                if l >= 7 {
                    let nibble = (l - 7).min(15) as u8;
                    match nibble_at.take() {
                        Some(at) => out[at] |= nibble << 4,
                        None => {
                            nibble_at = Some(out.len());
                            out.push(nibble);
                        }
                    }
                    if l >= 22 {
                        out.push((l - 22).min(255) as u8);
                        if l >= 22 + 255 {
                            if l <= 0xFFFF {
                                out.extend_from_slice(&(l as u16).to_le_bytes());
                            } else {
                                out.extend_from_slice(&[0, 0]);
                                out.extend_from_slice(&(l as u32).to_le_bytes());
                            }
                        }
                    }
                }
            }
        }
    }
    // The end: a match flag with no input after it.
    put_flag(&mut out, true, &mut flags, &mut flag_at, &mut used);
    out
}

/// Displacement bits of an LZNT1 copy token after `produced` bytes of the
/// chunk ([MS-XCA] §2.5.1.1).
fn lznt1_bits(produced: usize) -> u32 {
    (usize::BITS - produced.saturating_sub(1).leading_zeros()).clamp(4, 12)
}

/// One compressed LZNT1 chunk of `items` (which must produce at most 4096
/// bytes in at most 4096 bytes of chunk data), with its header.
fn lznt1_chunk(items: &[Item]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut produced = 0;
    for group in items.chunks(8) {
        let flag_at = data.len();
        data.push(0);
        for (i, &item) in group.iter().enumerate() {
            match item {
                Item::Literal(b) => {
                    data.push(b);
                    produced += 1;
                }
                Item::Match { dist, len } => {
                    data[flag_at] |= 1 << i;
                    let bits = lznt1_bits(produced);
                    assert!(dist <= produced && len - 3 < 1 << (16 - bits), "{dist} {len} at {produced}");
                    let token = ((dist - 1) << (16 - bits) | (len - 3)) as u16;
                    data.extend_from_slice(&token.to_le_bytes());
                    produced += len;
                }
            }
        }
    }
    assert!(produced <= 4096 && data.len() <= 4096);
    let mut chunk = (0xB000 | (data.len() as u16 - 1)).to_le_bytes().to_vec();
    chunk.extend_from_slice(&data);
    chunk
}

/// `lead` noise literals, then the match, then `tail` noise literals.
fn with_match(lead: usize, dist: usize, len: usize, tail: usize, seed: u32) -> Vec<Item> {
    let mut items: Vec<Item> = noise(lead.max(dist), seed).into_iter().map(Item::Literal).collect();
    items.push(Item::Match { dist, len });
    items.extend(noise(tail, seed ^ 0x5555).into_iter().map(Item::Literal));
    items
}

/// Decodes `stream` into capacities from exact to exact + 40 (the tail
/// pre-filled), and checks the bytes, the size and the untouched tail.
fn check_capacities(format: Format, stream: &[u8], expected: &[u8], what: &str) {
    let mut decoder = Decompressor::new(format);
    for extra in [0usize, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 40] {
        let cap = expected.len() + extra;
        let mut out = vec![0xA5u8; cap + 8];
        let n = decoder.decompress_into(stream, &mut out[..cap]).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(n, expected.len(), "{what}: size with capacity +{extra}");
        assert!(out[..n] == *expected, "{what}: bytes with capacity +{extra}");
        assert!(out[n..].iter().all(|&b| b == 0xA5), "{what}: wrote past its output with capacity +{extra}");
    }
}

/// Every prefix of `stream` decodes to a prefix of `expected` or fails,
/// and never writes past what it reports.
fn check_prefixes(format: Format, stream: &[u8], expected: &[u8], what: &str) {
    let mut decoder = Decompressor::new(format);
    for cut in 0..stream.len() {
        let mut out = vec![0x5Au8; expected.len() + 64];
        if let Ok(n) = decoder.decompress_into(&stream[..cut], &mut out) {
            assert!(out[..n] == expected[..n], "{what}: prefix {cut} decodes to other bytes");
            assert!(out[n..].iter().all(|&b| b == 0x5A), "{what}: prefix {cut} wrote past its output");
        }
    }
}

/// Lengths where the Plain LZ77 length encoding changes form.
const PLAIN_LENGTHS: [usize; 16] = [3, 4, 9, 10, 11, 24, 25, 26, 31, 32, 33, 279, 280, 281, 65538, 65539];

#[test]
fn plain_matches_at_every_small_offset_and_length_form() {
    for dist in 1..=40 {
        for (i, &len) in PLAIN_LENGTHS.iter().enumerate() {
            // Tails from none to past the fast loop's input margin.
            for tail in [0, 1, 5, 20, 30, 40, 50, 60, 70, 100, 200] {
                let items = with_match(dist + 3, dist, len, tail, (dist * 31 + i) as u32);
                let expected = expand(&items);
                let stream = plain_stream(&items);
                check_capacities(
                    Format::Xpress,
                    &stream,
                    &expected,
                    &format!("plain dist {dist} len {len} tail {tail}"),
                );
            }
        }
    }
}

#[test]
fn plain_shared_nibbles_and_escapes_in_long_runs_of_matches() {
    // Matches back to back (nibble pairs, and escapes between them),
    // far from and near to the end of the stream.
    let mut items: Vec<Item> = noise(300, 7).into_iter().map(Item::Literal).collect();
    for round in 0..200 {
        let len = PLAIN_LENGTHS[round % PLAIN_LENGTHS.len()].min(300);
        let dist = 1 + (round * 37) % 299;
        items.push(Item::Match { dist, len });
        if round % 3 == 0 {
            items.push(Item::Literal(round as u8));
        }
    }
    let expected = expand(&items);
    let stream = plain_stream(&items);
    check_capacities(Format::Xpress, &stream, &expected, "plain match runs");
    check_prefixes(Format::Xpress, &stream, &expected, "plain match runs");
}

#[test]
fn plain_prefixes_of_streams_near_the_margins() {
    for (dist, len) in [(1, 3), (2, 40), (7, 10), (16, 25), (17, 280), (33, 33), (300, 9)] {
        let items = with_match(400, dist, len, 150, len as u32);
        let expected = expand(&items);
        let stream = plain_stream(&items);
        check_prefixes(Format::Xpress, &stream, &expected, &format!("plain dist {dist} len {len}"));
    }
}

#[test]
fn lznt1_copies_at_every_small_offset_and_split() {
    for dist in 1..=40 {
        // Copies early in the chunk (long lengths, narrow displacements) and
        // late (the 12-bit split, lengths up to 18).
        for (lead, len) in [(40, 3), (40, 16), (40, 33), (40, 300), (2100, 3), (2100, 17), (2100, 18), (3500, 18)] {
            for tail in [0, 1, 5, 9, 13, 17, 20, 24, 30, 40, 50, 70] {
                let mut items = with_match(lead, dist, len, 0, (dist + lead) as u32);
                let room = 4096 - expand(&items).len();
                items.extend(noise(tail.min(room), 3).into_iter().map(Item::Literal));
                let expected = expand(&items);
                let stream = lznt1_chunk(&items);
                let what = format!("lznt1 dist {dist} len {len} lead {lead} tail {tail}");
                check_capacities(Format::Lznt1, &stream, &expected, &what);
            }
        }
    }
}

#[test]
fn lznt1_chunks_that_end_short_are_zero_filled_not_overcopied() {
    // A first chunk that ends right after a copy, then a second chunk: the
    // gap is zeros, whatever the fast loop wrote past the copy.
    for len in [3, 10, 17, 18, 31, 32, 33, 100] {
        let first = with_match(200, 19, len, 0, len as u32);
        let second = with_match(100, 50, 20, 3, 9);
        let mut stream = lznt1_chunk(&first);
        stream.extend(lznt1_chunk(&second));
        let mut expected = expand(&first);
        expected.resize(4096, 0);
        expected.extend(expand(&second));
        check_capacities(Format::Lznt1, &stream, &expected, &format!("lznt1 two chunks len {len}"));
        check_prefixes(Format::Lznt1, &stream, &expected, &format!("lznt1 two chunks len {len}"));
    }
}

/// `lead` noise bytes, then `len` bytes repeating the `dist` bytes before
/// them, then `tail` noise bytes.
fn repeat_input(lead: usize, dist: usize, len: usize, tail: usize, seed: u32) -> Vec<u8> {
    let mut data = noise(lead.max(dist), seed);
    for _ in 0..len {
        data.push(data[data.len() - dist]);
    }
    data.extend(noise(tail, seed ^ 0xAAAA));
    data
}

#[test]
fn huffman_matches_at_every_small_offset_and_length_form() {
    // Lengths where the Huffman length encoding changes form: the 4-bit
    // field, the byte, the u16 and the u32 escapes.
    for dist in 1..=40 {
        for len in [3, 17, 18, 19, 32, 33, 272, 273, 274, 65538, 65539] {
            for tail in [0, 1, 20] {
                let data = repeat_input(dist + 50, dist, len, tail, (dist * 7 + len) as u32);
                for level in Level::ALL {
                    let stream = compress(Format::XpressHuff, level, &data);
                    let mut out = vec![0u8; data.len()];
                    let n = Decompressor::new(Format::XpressHuff).decompress_into(&stream, &mut out).unwrap();
                    assert_eq!(n, data.len());
                    assert!(out == data, "huffman {level} dist {dist} len {len} tail {tail}");
                }
            }
        }
    }
}

#[test]
fn huffman_matches_across_block_ends() {
    // Matches that end exactly at, or run over, a 64 KiB block boundary,
    // with literal runs right before it.
    const BLOCK: usize = 65536;
    for offset in [40usize, 33, 20, 4, 3, 2, 1] {
        for (dist, len) in [(1, 300), (5, 60), (16, 40), (40, 20)] {
            let lead = BLOCK - offset;
            let data = repeat_input(lead, dist, len, 3000, (offset * 13 + dist) as u32);
            for level in Level::ALL {
                let stream = compress(Format::XpressHuff, level, &data);
                let decoded = msxca::decompress(Format::XpressHuff, &stream, data.len()).unwrap();
                assert!(decoded == data, "huffman {level}: block end -{offset}, dist {dist} len {len}");
            }
        }
    }
}

#[test]
fn every_format_round_trips_sizes_around_the_margins() {
    // Whole streams so short that the fast loops never run, or run for a
    // step or two.
    for format in Format::ALL {
        for len in 0..300 {
            let data = repeat_input(len / 2, 1 + len % 17, len / 2, len % 5, len as u32);
            for level in Level::ALL {
                let stream = compress(format, level, &data);
                let decoded = msxca::decompress(format, &stream, data.len()).unwrap();
                assert!(decoded == data, "{format} {level} len {len}");
            }
        }
    }
}
