//! `msxca::read` / `msxca::write`: streaming through `std::io`.

use msxca::read::{Decoder, XpressHuffDecoder};
use msxca::write::Encoder;
use msxca::{compress, decompress, Format, Level};
use std::io::{Read, Write};

/// A reader that hands out at most `step` bytes per call.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.step).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn sample(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut i = 0u32;
    while out.len() < len {
        match i % 5 {
            0 => out.extend(std::iter::repeat_n(0u8, (i as usize * 37) % 3000)),
            1 => out.extend_from_slice(
                format!("record {i} of the sample, value {}\n", i.wrapping_mul(2_654_435_761)).as_bytes(),
            ),
            _ => out.extend_from_slice(&i.wrapping_mul(0x9E37_79B9).to_le_bytes()),
        }
        i += 1;
    }
    out.truncate(len);
    out
}

/// `len` bytes that do not compress: a linear congruential generator's
/// high bits, from `seed`.
fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect()
}

#[test]
fn multi_megabyte_frames_round_trip_through_write_and_read() {
    let data = sample(5 << 20);
    for format in Format::ALL {
        let mut encoder = Encoder::new(Vec::new(), format, Level::Standard);
        for piece in data.chunks(10_007) {
            encoder.write_all(piece).unwrap();
        }
        let framed = encoder.finish().unwrap();
        assert!(framed.len() < data.len() / 2, "{format}: {}", framed.len());
        let mut decoder = Decoder::new(Trickle { data: &framed, step: 4093 });
        let mut back = Vec::new();
        let mut buf = [0u8; 777];
        loop {
            let n = decoder.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        assert_eq!(decoder.format(), Some(format));
        assert!(back == data, "{format}");
    }
}

#[test]
fn io_copy_works_both_ways_and_empty_streams_are_valid() {
    for data in [Vec::new(), b"tiny".to_vec(), sample(300_000)] {
        let mut encoder = Encoder::new(Vec::new(), Format::XpressHuff, Level::Maximum);
        std::io::copy(&mut &data[..], &mut encoder).unwrap();
        let framed = encoder.finish().unwrap();
        let mut back = Vec::new();
        std::io::copy(&mut Decoder::new(&framed[..]), &mut back).unwrap();
        assert_eq!(back, data);
    }
}

/// `data` in a frame of `format` at the standard level, written at once.
fn framed(format: Format, data: &[u8]) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new(), format, Level::Standard);
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn damaged_frames_are_errors_not_panics() {
    let data = sample(600_000);
    let framed = framed(Format::Xpress, &data);
    // A changed byte is caught, unless it changes nothing decoded (a match
    // distance pointing at other bytes just like those it pointed at).
    let mut caught = 0;
    for at in (8..framed.len()).step_by(framed.len() / 40) {
        let mut bad = framed.clone();
        bad[at] ^= 0x40;
        let mut out = Vec::new();
        match std::io::copy(&mut Decoder::new(&bad[..]), &mut out) {
            Ok(_) => assert!(out == data, "damage at {at} went unnoticed"),
            Err(_) => caught += 1,
        }
    }
    assert!(caught >= 30, "{caught} of 40 damaged frames were errors");
    // The first block's CRC field.
    let mut bad = framed.clone();
    bad[8 + 8] ^= 1;
    assert!(std::io::copy(&mut Decoder::new(&bad[..]), &mut std::io::sink()).is_err());
    for cut in (0..framed.len()).step_by(framed.len() / 50) {
        assert!(std::io::copy(&mut Decoder::new(&framed[..cut]), &mut std::io::sink()).is_err(), "cut at {cut}");
    }
}

#[test]
fn raw_huffman_streams_decode_incrementally() {
    // Several 64 KiB blocks, long zero runs (matches running past a block end).
    let mut data = sample(700_000);
    data.extend(std::iter::repeat_n(0u8, 200_000));
    data.extend_from_slice(&sample(100_000));
    for level in Level::ALL {
        let stream = compress(Format::XpressHuff, level, &data);
        for step in [1 << 20, 5000, 777] {
            let mut back = Vec::new();
            let mut decoder = XpressHuffDecoder::new(Trickle { data: &stream, step }, data.len() as u64);
            std::io::copy(&mut decoder, &mut back).unwrap();
            assert!(back == data, "{level} step {step}");
        }
    }
}

#[test]
fn raw_huffman_streams_with_wrong_sizes_or_damage_fail() {
    let data = sample(200_000);
    let stream = compress(Format::XpressHuff, Level::Standard, &data);
    let mut back = Vec::new();
    assert!(std::io::copy(&mut XpressHuffDecoder::new(&stream[..], data.len() as u64 + 1), &mut back).is_err());
    assert!(
        std::io::copy(&mut XpressHuffDecoder::new(&stream[..stream.len() / 2], data.len() as u64), &mut back).is_err()
    );
    let mut bad = stream.clone();
    bad[1000] ^= 0xFF;
    let _ = std::io::copy(&mut XpressHuffDecoder::new(&bad[..], data.len() as u64), &mut back);
}

/// The typed error inside an `io::Error` from the adapters.
fn typed(err: &std::io::Error) -> &msxca::Error {
    err.get_ref().and_then(|e| e.downcast_ref::<msxca::Error>()).expect("the adapters wrap msxca::Error")
}

#[test]
fn streaming_errors_are_the_typed_errors_with_frame_offsets() {
    let framed = framed(Format::Lznt1, &sample(300_000));

    // A cut inside the first block's payload: truncated where the frame ends.
    let err = std::io::copy(&mut Decoder::new(&framed[..100]), &mut std::io::sink()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(
        matches!(typed(&err), msxca::Error::ContainerTruncated { container: "msxca frame", offset: 100, .. }),
        "{err}"
    );

    // The first block's CRC (after the 8-byte header and the two lengths).
    let mut bad = framed.clone();
    bad[16] ^= 1;
    let err = std::io::copy(&mut Decoder::new(&bad[..]), &mut std::io::sink()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(matches!(typed(&err), msxca::Error::ChecksumMismatch { offset: 16, .. }), "{err}");
    assert!(err.to_string().contains("offset 0x10"), "{err}");

    // A bad magic.
    let err = std::io::copy(&mut Decoder::new(&b"MSXX\x01\x02\0\0"[..]), &mut std::io::sink()).unwrap_err();
    assert!(matches!(typed(&err), msxca::Error::BadHeader { offset: 0, .. }), "{err}");

    // A corrupt stream inside the second block: the decoder's error, with
    // its offset moved into the frame, past the first block.
    let first_end = 8 + 12 + u32::from_le_bytes(framed[12..16].try_into().unwrap()) as usize;
    let mut bad = framed.clone();
    bad[first_end + 12..first_end + 12 + 64].fill(0xFF);
    let err = std::io::copy(&mut Decoder::new(&bad[..]), &mut std::io::sink()).unwrap_err();
    match typed(&err) {
        msxca::Error::InvalidDistance { offset, .. } | msxca::Error::Truncated { offset, .. } => {
            assert!(*offset >= first_end + 12, "{err}")
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_huffman_stream_whose_match_runs_past_the_end_fails_as_the_one_shot_decoder_does() {
    // Runs of zeros make matches that end at the end of the data; told a
    // size 100 bytes short, the last match runs past it.
    let mut data = sample(100_000);
    data.extend(std::iter::repeat_n(0u8, 100_000));
    let stream = compress(Format::XpressHuff, Level::Standard, &data);
    let size = data.len() - 100;
    let one_shot = msxca::decompress(Format::XpressHuff, &stream, size).unwrap_err();
    let err = std::io::copy(&mut XpressHuffDecoder::new(&stream[..], size as u64), &mut std::io::sink()).unwrap_err();
    assert!(matches!(one_shot, msxca::Error::OutputTooSmall { .. }), "{one_shot}");
    assert!(matches!(typed(&err), msxca::Error::OutputTooSmall { capacity, .. } if *capacity == size), "{err}");
}

/// Inputs that stress the stream adapters' seams: empty and tiny inputs,
/// sizes around LZNT1's chunks and the adapters' batches, runs far longer
/// than any window (one match in Windows' LZ77+Huffman engine), text,
/// and bytes that do not compress.
fn seam_inputs() -> Vec<Vec<u8>> {
    let mut inputs = vec![Vec::new(), vec![7], b"ab".to_vec(), sample(4095), sample(4096), sample(4097)];
    inputs.push(sample((1 << 20) * 3 + 12_345));
    let mut runs = vec![0u8; 3 << 20];
    runs.extend(sample(70_000));
    runs.extend(std::iter::repeat_n(b'z', 300_000));
    inputs.push(runs);
    let mut x = 0x1234_5678u32;
    inputs.push(
        (0..600_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect(),
    );
    inputs
}

/// Everything `reader` gives, read `step` bytes at a time.
fn read_all(mut reader: impl Read, step: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; step];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn raw_encoders_write_the_one_shot_bytes_whatever_the_writes_and_threads() {
    for data in seam_inputs() {
        for format in Format::ALL {
            let levels: &[Level] = match format {
                // Every LZNT1 level splits at chunks: all of them are checked.
                Format::Lznt1 => &[Level::Standard, Level::Maximum, Level::new(1).unwrap(), Level::new(5).unwrap()],
                // The numbered levels split at segments: a greedy and a
                // lazy one here, the near-optimal ones below.
                _ => &[Level::Standard, Level::Maximum, Level::new(1).unwrap(), Level::new(5).unwrap()],
            };
            for &level in levels {
                if format == Format::Lznt1 && level == Level::Maximum && data.len() > 1 << 20 {
                    continue; // quadratic by design; its seams are the same
                }
                let whole = compress(format, level, &data);
                for threads in [1, 3] {
                    let mut encoder = msxca::write::RawEncoder::new(Vec::new(), format, level).with_threads(threads);
                    for piece in data.chunks(100_003) {
                        encoder.write_all(piece).unwrap();
                    }
                    let streamed = encoder.finish().unwrap();
                    assert!(streamed == whole, "{format} {level} {} bytes, {threads} threads", data.len());
                }
            }
        }
    }
}

#[test]
fn the_near_optimal_levels_stream_the_one_shot_bytes_across_segments() {
    // Exactly two segments (the second must not be mistaken for the last
    // before the stream ends), and a little over two.
    for len in [2 << 20, (2 << 20) + 70_001] {
        let data = sample(len);
        for format in [Format::Xpress, Format::XpressHuff] {
            let level = Level::new(9).unwrap();
            let whole = compress(format, level, &data);
            assert_eq!(decompress(format, &whole, data.len()).unwrap(), data);
            for threads in [1, 2] {
                let mut encoder = msxca::write::RawEncoder::new(Vec::new(), format, level).with_threads(threads);
                for piece in data.chunks(1 << 20) {
                    encoder.write_all(piece).unwrap();
                }
                let streamed = encoder.finish().unwrap();
                assert!(streamed == whole, "{format} {len} bytes, {threads} threads");
            }
        }
    }
}

#[test]
fn raw_decoders_give_the_one_shot_output_whatever_the_reads_and_threads() {
    for data in seam_inputs() {
        for format in Format::ALL {
            let stream = compress(format, Level::Standard, &data);
            let size = (format == Format::XpressHuff).then_some(data.len() as u64);
            for (threads, step) in [(1, 1000), (3, 65_537)] {
                let decoder = msxca::read::RawDecoder::new(Trickle { data: &stream, step }, format, size).unwrap();
                let back = read_all(decoder.with_threads(threads), 4099).unwrap();
                assert!(back == data, "{format} {} bytes, {threads} threads", data.len());
            }
        }
    }
}

#[test]
fn lznt1_chunks_that_decode_to_more_than_4096_bytes_stream_as_they_decode_whole() {
    // A literal, then a copy of 4098 bytes: 4099 bytes from one chunk, so
    // that the chunks after it move on by a 4096-byte span.
    let overlong = [0x03, 0xB0, 0x02, b'a', 0xFF, 0x0F];
    let regular = compress(Format::Lznt1, Level::Standard, &sample(3 << 20));
    let mut chunks = Vec::new();
    let mut at = 0;
    while at + 2 <= regular.len() {
        let end = at + 2 + usize::from(u16::from_le_bytes([regular[at], regular[at + 1]]) & 0xFFF) + 1;
        chunks.push(&regular[at..end]);
        at = end;
    }
    let mut stream = Vec::new();
    for (i, chunk) in chunks.iter().enumerate().take(700) {
        stream.extend_from_slice(if i % 100 == 7 { &overlong[..] } else { chunk });
    }
    let whole = one_shot(Format::Lznt1, &stream, 4 << 20).unwrap();
    assert!(whole.len() > 700 * 4096, "the overlong chunks decode whole");
    for capacity in [whole.len(), 7 * 4096 + 2, 7 * 4096 + 4099, 8 * 4096 + 100, 500 * 4096, 4 << 20] {
        let expected = one_shot(Format::Lznt1, &stream, capacity);
        for threads in [1, 3] {
            assert_streams_as_one_shot(Format::Lznt1, &stream, capacity, threads, &expected);
        }
    }
}

/// Decodes `input` with a raw stream decoder on `threads` threads into a
/// buffer of `capacity`, and checks that it answers as the one-shot
/// decoder did (`expected`): the same output, or the same error.
fn assert_streams_as_one_shot(
    format: Format,
    input: &[u8],
    capacity: usize,
    threads: usize,
    expected: &Result<Vec<u8>, msxca::Error>,
) {
    let trickle = Trickle { data: input, step: 50_000 };
    let decoder = msxca::read::RawDecoder::new(trickle, format, Some(capacity as u64)).unwrap().with_threads(threads);
    let streamed = read_all(decoder, 8192);
    match (expected, &streamed) {
        (Ok(a), Ok(b)) => assert!(a == b, "{format}, capacity {capacity}, {threads} threads: different output"),
        (Err(a), Err(b)) => assert_eq!(a, typed(b), "{format}, capacity {capacity}, {threads} threads"),
        _ => panic!(
            "{format}, capacity {capacity}, {} bytes: one-shot {:?}, streamed {:?}",
            input.len(),
            expected.as_ref().map(Vec::len),
            streamed.as_ref().map(Vec::len)
        ),
    }
}

/// The one-shot decoder's answer for `stream` in a buffer of `capacity`.
fn one_shot(format: Format, stream: &[u8], capacity: usize) -> Result<Vec<u8>, msxca::Error> {
    let mut out = vec![0u8; capacity];
    let n = msxca::Decompressor::new(format).decompress_into(stream, &mut out)?;
    out.truncate(n);
    Ok(out)
}

#[test]
fn raw_decoders_fail_and_stop_where_the_one_shot_decoder_does() {
    let data = sample(300_000);
    for format in Format::ALL {
        let stream = compress(format, Level::Standard, &data);
        // Cut short, with a bad byte, with junk after it; then capacities
        // below, at and above the size (LZ77+Huffman: the size itself).
        let mut cases: Vec<(Vec<u8>, usize)> = Vec::new();
        for cut in [0, 1, 2, 3, 100, stream.len() / 2, stream.len() - 1] {
            cases.push((stream[..cut].to_vec(), data.len()));
        }
        for at in [0, 1, 5, 300, stream.len() / 3, stream.len() - 3] {
            let mut bad = stream.clone();
            bad[at] ^= 0xA5;
            cases.push((bad, data.len()));
        }
        let mut junk = stream.clone();
        junk.extend_from_slice(&[0x55; 9]);
        cases.push((junk, data.len()));
        if format != Format::XpressHuff {
            for capacity in [0, 1, 4096, 4097, 8192 + 5, 262_144, 262_145, data.len() - 1, data.len() + 1] {
                cases.push((stream.clone(), capacity));
            }
        } else {
            cases.push((stream.clone(), data.len() + 1));
            cases.push((stream.clone(), data.len() - 1));
        }
        for (input, capacity) in cases {
            let expected = one_shot(format, &input, capacity);
            for threads in [1, 2] {
                assert_streams_as_one_shot(format, &input, capacity, threads, &expected);
            }
        }
    }
}

#[test]
fn frames_are_the_same_bytes_whatever_the_thread_count() {
    let data = sample(3 << 20);
    for format in Format::ALL {
        let mut outputs = Vec::new();
        for threads in [1, 2, 5] {
            let mut encoder = Encoder::new(Vec::new(), format, Level::Standard).with_threads(threads);
            for piece in data.chunks(65_521) {
                encoder.write_all(piece).unwrap();
            }
            outputs.push(encoder.finish().unwrap());
        }
        assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{format}");
        for threads in [1, 3] {
            let back = read_all(Decoder::new(&outputs[0][..]).with_threads(threads), 10_000).unwrap();
            assert!(back == data, "{format}, {threads} threads");
        }
        // A damaged block in the middle of a batch: the blocks before it
        // are read out, then its error.
        let mut bad = outputs[0].clone();
        let at = bad.len() / 2;
        bad[at] ^= 0x40;
        let mut decoder = Decoder::new(&bad[..]).with_threads(4);
        let mut back = Vec::new();
        let err = decoder.read_to_end(&mut back).unwrap_err();
        assert!(typed(&err).offset().is_some(), "{err}");
        assert!(back.len() < data.len() && data.starts_with(&back), "{format}");
    }
}

#[test]
fn wof_streams_write_and_read_as_the_one_shot_functions_do() {
    use msxca::wof::Algorithm;
    for data in [Vec::new(), sample(1), sample(4096), sample(3 * 16_384 + 5), sample(2_500_000)] {
        for algorithm in [Algorithm::Xpress4K, Algorithm::Xpress16K] {
            let whole = msxca::wof::compress_at(&data, algorithm, Level::Standard).unwrap();
            for threads in [1, 3] {
                let sink = std::io::Cursor::new(Vec::new());
                let mut encoder = msxca::write::WofEncoder::new(sink, algorithm, Level::Standard, data.len() as u64)
                    .unwrap()
                    .with_threads(threads);
                for piece in data.chunks(70_001) {
                    encoder.write_all(piece).unwrap();
                }
                let streamed = encoder.finish().unwrap().into_inner();
                assert!(streamed == whole, "{algorithm:?}, {} bytes, {threads} threads", data.len());
                let decoder =
                    msxca::read::WofDecoder::new(Trickle { data: &whole, step: 9000 }, algorithm, data.len() as u64)
                        .unwrap()
                        .with_threads(threads);
                assert!(read_all(decoder, 5000).unwrap() == data, "{algorithm:?}, {} bytes", data.len());
            }
            // Damage: every outcome is the one-shot decoder's, as a result.
            for at in [0, 3, whole.len() / 2, whole.len().saturating_sub(1)] {
                let mut bad = whole.clone();
                if let Some(byte) = bad.get_mut(at) {
                    *byte ^= 0x81;
                }
                for cut in [bad.len(), bad.len() / 2] {
                    let input = &bad[..cut];
                    let expected = msxca::wof::decompress(input, algorithm, data.len() as u64);
                    let decoder = msxca::read::WofDecoder::new(input, algorithm, data.len() as u64).unwrap();
                    let streamed = read_all(decoder.with_threads(2), 7777);
                    assert_eq!(expected.is_ok(), streamed.is_ok(), "{algorithm:?} at {at}, cut {cut}: {streamed:?}");
                    if let (Ok(a), Ok(b)) = (&expected, &streamed) {
                        assert!(a == b);
                    }
                }
            }
        }
    }
}

#[test]
fn api_streams_write_and_read_as_the_one_shot_functions_do() {
    use msxca::api::Mode;
    // Stored because tiny, because incompressible, or not; long runs.
    let noise = noise(700_000, 99);
    let mut runs = vec![0u8; 2_500_000];
    runs.extend_from_slice(&sample(10_000));
    let mut almost = noise[..300_000].to_vec();
    almost.extend(std::iter::repeat_n(7u8, 400));
    for data in [sample(1), sample(300), sample(302), sample(5000), sample(1_000_000), noise, runs, almost] {
        for format in [Format::Xpress, Format::XpressHuff] {
            for level in [Level::Maximum, Level::Standard, Level::new(2).unwrap(), Level::new(8).unwrap()] {
                let whole = msxca::api::compress(format, level, Mode::Buffer, &data).unwrap();
                for threads in [1, 2] {
                    let encoder = msxca::write::ApiEncoder::new(Vec::new(), format, level, data.len() as u64).unwrap();
                    let mut encoder = encoder.with_threads(threads);
                    for piece in data.chunks(33_333) {
                        encoder.write_all(piece).unwrap();
                    }
                    let streamed = encoder.finish().unwrap();
                    assert!(streamed == whole, "{format} {level}, {} bytes, {threads} threads", data.len());
                }
            }
            let whole = msxca::api::compress(format, Level::Standard, Mode::Buffer, &data).unwrap();
            let mut decoder = msxca::read::ApiDecoder::new(Trickle { data: &whole, step: 4000 });
            assert_eq!(decoder.format().unwrap(), format);
            assert!(read_all(decoder, 3000).unwrap() == data);
            for cut in [0, 10, 24, 27, whole.len() - 1] {
                let expected = msxca::api::decompress(format, Mode::Buffer, &whole[..cut], 1 << 30).unwrap_err();
                let err = read_all(msxca::read::ApiDecoder::new(&whole[..cut]), 3000).unwrap_err();
                assert_eq!(typed(&err), &expected, "{format}, cut at {cut}");
            }
        }
    }
    let too_much = msxca::write::ApiEncoder::new(Vec::new(), Format::Xpress, Level::Standard, 10).unwrap();
    let mut too_much = too_much;
    assert!(too_much.write_all(&[1; 11]).is_err());
    assert!(msxca::write::ApiEncoder::new(Vec::new(), Format::Xpress, Level::Standard, 0).is_err());
}

#[test]
fn windows_engines_streams_match_the_one_shot_engines_across_long_runs_and_odd_writes() {
    let mut x = 0x1357_9BDFu32;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    for case in 0..12 {
        // Runs of short periods, far longer than a block, ending anywhere;
        // text between; the whole several blocks long.
        let mut data = Vec::new();
        while data.len() < 900_000 {
            let r = next();
            match r % 4 {
                3 if !data.is_empty() => {
                    // A repeat of earlier bytes up to the window back, as
                    // long as a block (overlapping itself where longer
                    // than its distance).
                    let dist = 1 + (next() as usize % 65_535).min(data.len() - 1);
                    let len = (next() % 100_000) as usize;
                    for _ in 0..len {
                        data.push(data[data.len() - dist]);
                    }
                }
                0 => {
                    let period: Vec<u8> = (0..1 + r % 7).map(|_| next() as u8).collect();
                    let len = 1000 + (next() % 400_000) as usize;
                    data.extend(period.iter().cycle().take(len));
                }
                1 => data.extend_from_slice(&sample(1 + (r >> 16) as usize % 90_000)),
                _ => data.extend((0..(r >> 20)).map(|_| next() as u8)),
            }
        }
        for (format, level) in [Format::XpressHuff, Format::Xpress]
            .into_iter()
            .flat_map(|f| [Level::Standard, Level::Maximum].map(|l| (f, l)))
        {
            let whole = compress(format, level, &data);
            let mut encoder = msxca::write::RawEncoder::new(Vec::new(), format, level).with_threads(1 + case % 2);
            let mut rest = &data[..];
            while !rest.is_empty() {
                let n = rest.len().min(1 + next() as usize % [1, 17, 4096, 70_000][case % 4]);
                encoder.write_all(&rest[..n]).unwrap();
                rest = &rest[n..];
            }
            let streamed = encoder.finish().unwrap();
            assert!(
                streamed == whole,
                "{format} {level} case {case}: {} bytes, {} vs {}",
                data.len(),
                streamed.len(),
                whole.len()
            );
        }
    }
}

#[test]
fn the_standard_huffman_engine_writes_the_one_shot_bytes_whatever_the_thread_count() {
    // Megabytes of text, runs that end blocks past their 64 KiB, noise,
    // and a run of a 3-byte period.
    let mut data = sample(5 << 20);
    data.extend(std::iter::repeat_n(0u8, 3 << 20));
    data.extend_from_slice(&sample(4 << 20)[1000..]);
    data.extend(noise(2_000_000, 7));
    data.extend(b"abc".repeat(1 << 20));
    data.extend_from_slice(&sample(3 << 20));
    let whole = compress(Format::XpressHuff, Level::Standard, &data);
    for threads in [2, 3] {
        let mut encoder =
            msxca::write::RawEncoder::new(Vec::new(), Format::XpressHuff, Level::Standard).with_threads(threads);
        for piece in data.chunks(262_144) {
            encoder.write_all(piece).unwrap();
        }
        assert!(encoder.finish().unwrap() == whole, "{threads} threads");
    }
}

#[test]
fn mam_files_decode_as_a_stream_as_they_do_whole() {
    let data = sample(400_000);
    for with_crc in [false, true] {
        let file = msxca::mam::compress(Format::XpressHuff, Level::Standard, &data, with_crc).unwrap();
        let decoder = msxca::read::MamDecoder::new(Trickle { data: &file, step: 5000 }).unwrap();
        assert_eq!(decoder.header().uncompressed_size as usize, data.len());
        assert!(read_all(decoder, 4096).unwrap() == data);
        for at in [3, 9, 20, file.len() / 2, file.len() - 2] {
            let mut bad = file.clone();
            bad[at] ^= 0x24;
            let expected = msxca::mam::decompress(&bad, 1 << 30);
            let streamed = msxca::read::MamDecoder::new(&bad[..]).and_then(|d| read_all(d, 4096));
            match (&expected, &streamed) {
                (Ok(a), Ok(b)) => assert!(a == b, "crc {with_crc}, byte {at}"),
                (Err(a), Err(b)) => assert_eq!(a, typed(b), "crc {with_crc}, byte {at}"),
                _ => panic!("crc {with_crc}, byte {at}: {expected:?} against {streamed:?}"),
            }
        }
    }
}

#[test]
fn the_compression_api_stores_a_block_exactly_where_the_one_shot_function_does() {
    // Noise with more and more text after it: somewhere the block starts
    // to fit under Windows' estimate, and there the two must agree.
    let noise = noise(200_000, 5);
    for level in [Level::Standard, Level::Maximum, Level::new(2).unwrap()] {
        let mut stored = [0usize; 2];
        for k in 0..60 {
            let mut data = noise.clone();
            data.extend_from_slice(&sample(k * 97));
            data.extend(std::iter::repeat_n(b'q', k * 13));
            let whole = msxca::api::compress(Format::XpressHuff, level, msxca::api::Mode::Buffer, &data).unwrap();
            stored[usize::from(whole.len() > data.len())] += 1;
            let encoder =
                msxca::write::ApiEncoder::new(Vec::new(), Format::XpressHuff, level, data.len() as u64).unwrap();
            let mut encoder = encoder.with_threads(2);
            encoder.write_all(&data).unwrap();
            assert!(encoder.finish().unwrap() == whole, "{level}, k {k}");
        }
        assert!(stored[0] > 0 && stored[1] > 0, "{level}: both sides of the boundary: {stored:?}");
    }
}
