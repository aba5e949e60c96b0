//! `msxca compress`: input streamed through the library's encoders into
//! OUTPUT, in memory bounded whatever the input's size, except where a
//! format or container needs the whole input (see `needs_whole_input`).

use crate::args::{Container, Io};
use crate::io::{data_or_output, pump, Failure, Input, Output, WriteBehind};
use msxca::write::{ApiEncoder, Encoder, RawEncoder, WofEncoder};
use msxca::{Format, Level};
use std::io::Write;

pub(crate) fn compress(
    format: Option<Format>,
    level: Level,
    crc: bool,
    chained: bool,
    threads: usize,
    io: &Io,
) -> Result<(), Failure> {
    let name = io.input.display();
    // The arguments require a format for every container but mam, whose
    // files are LZ77+Huffman unless told otherwise, and WOF, whose are
    // always.
    if let (Some(_), Some(format)) = (io.container.wof(), format.filter(|&f| f != Format::XpressHuff)) {
        return Err(Failure(format!("WOF streams are xpress-huff, not {format}")));
    }
    let format = format.unwrap_or(Format::XpressHuff);
    let mut input = Input::open(&io.input, io.quiet, "compressing")?;
    let mut output = Output::create(&io.output)?;
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let finished = |e| data_or_output(e, &io.input, &io.output);
    match (io.container, input.size) {
        (Container::Mam, _) => {
            // The input streams through; the compressed side, which the
            // header's CRC covers, is held (prefetch files are small).
            let mut encoder = RawEncoder::new(Vec::new(), format, level).with_threads(threads);
            let size = pump(&mut input, &mut encoder, &io.input, &io.output, threads)?;
            let stream = encoder.finish().map_err(finished)?;
            let header = msxca::mam::header_for(format, size, &stream, crc).map_err(fail)?;
            output.write_all(&header).and_then(|()| output.write_all(&stream)).map_err(|e| output.failure(e))?;
        }
        (Container::Raw, _) => written_behind(&mut output, threads, io, |out| {
            let mut encoder = RawEncoder::new(out, format, level).with_threads(threads);
            pump(&mut input, &mut encoder, &io.input, &io.output, threads)?;
            encoder.finish().map(drop).map_err(finished)
        })?,
        (Container::Frame, _) => written_behind(&mut output, threads, io, |out| {
            let mut encoder = Encoder::new(out, format, level).with_threads(threads);
            pump(&mut input, &mut encoder, &io.input, &io.output, threads)?;
            encoder.finish().map(drop).map_err(finished)
        })?,
        (Container::Api, Some(size)) if size > 0 => written_behind(&mut output, threads, io, |out| {
            let encoder = ApiEncoder::new(out, format, level, size).map_err(fail)?;
            let mut encoder = encoder.with_threads(threads);
            pump(&mut input, &mut encoder, &io.input, &io.output, threads)?;
            encoder.finish().map(drop).map_err(finished)
        })?,
        (Container::WofXpress4k | Container::WofXpress8k | Container::WofXpress16k, Some(size))
            if output.seekable() =>
        {
            let algorithm = io.container.wof().expect("a WOF container");
            let encoder = WofEncoder::new(&mut output, algorithm, level, size).map_err(fail)?;
            let mut encoder = encoder.with_threads(threads);
            pump(&mut input, &mut encoder, &io.input, &io.output, threads)?;
            encoder.finish().map_err(finished)?;
        }
        // Whole in memory: SMB2 (a network message, small by nature), and
        // the containers whose header needs the size when it is not known
        // (standard input) or whose table needs a seekable output.
        (container, _) => {
            let data = input.read_all(&io.input)?;
            let packed = match container {
                Container::Api => msxca::api::compress(format, level, msxca::api::Mode::Buffer, &data).map_err(fail)?,
                Container::Smb2 => {
                    let options = msxca::smb2::Options { chained, uncompressed_prefix: 0, level };
                    let algorithm = msxca::smb2::Algorithm::for_format(format);
                    msxca::smb2::compress(&data, algorithm, &options).map_err(fail)?
                }
                _ => {
                    let algorithm = container.wof().expect("a WOF container");
                    msxca::wof::compress_at(&data, algorithm, level).map_err(fail)?
                }
            };
            output.write_all(&packed).map_err(|e| output.failure(e))?;
        }
    }
    input.done("done");
    output.commit()
}

/// Runs `encode` on OUTPUT behind a writing thread (see [`WriteBehind`]),
/// then waits for its writes.
fn written_behind(
    output: &mut Output,
    threads: usize,
    io: &Io,
    encode: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    std::thread::scope(|scope| {
        let mut behind = WriteBehind::new(scope, output, threads);
        encode(&mut behind)?;
        behind.finish().map_err(|e| data_or_output(e, &io.input, &io.output))
    })
}
