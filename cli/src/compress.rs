//! `msxca compress`.

use crate::args::{Container, Io};
use crate::io::{read_input, Failure, Progress};
use msxca::{Compressor, Format, Level};
use std::io::Write;

pub(crate) fn compress(
    format: Option<Format>,
    level: Level,
    crc: bool,
    chained: bool,
    io: &Io,
) -> Result<Vec<u8>, Failure> {
    let data = read_input(&io.input)?;
    let name = io.input.display();
    // The arguments require a format for every container but mam, whose
    // files are LZ77+Huffman unless told otherwise, and WOF, whose are
    // always.
    if let (Some(_), Some(format)) = (io.container.wof(), format.filter(|&f| f != Format::XpressHuff)) {
        return Err(Failure(format!("WOF streams are xpress-huff, not {format}")));
    }
    let format = format.unwrap_or(Format::XpressHuff);
    let progress = Progress::new(io.quiet, data.len());
    progress.say(&format!("compressing {name} ({} MiB) as {format}...", data.len() >> 20));
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let out = match io.container {
        Container::Raw => {
            let mut out = vec![0u8; msxca::max_compressed_size(format, data.len())];
            let n = Compressor::new(format, level).compress_into(&data, &mut out).map_err(fail)?;
            out.truncate(n);
            out
        }
        Container::Mam => msxca::mam::compress(format, level, &data, crc).map_err(fail)?,
        Container::Api => msxca::api::compress(format, level, msxca::api::Mode::Buffer, &data).map_err(fail)?,
        Container::WofXpress4k | Container::WofXpress8k | Container::WofXpress16k => {
            let algorithm = io.container.wof().expect("a WOF container");
            msxca::wof::compress_at(&data, algorithm, level).map_err(fail)?
        }
        Container::Smb2 => {
            let options = msxca::smb2::Options { chained, uncompressed_prefix: 0, level };
            msxca::smb2::compress(&data, msxca::smb2::Algorithm::for_format(format), &options).map_err(fail)?
        }
        Container::Frame => {
            let mut encoder = msxca::write::Encoder::new(Vec::new(), format, level);
            for (i, block) in data.chunks(msxca::write::FRAME_BLOCK_SIZE).enumerate() {
                encoder.write_all(block).map_err(|e| Failure(format!("{name}: {e}")))?;
                if i % 64 == 0 {
                    let done = (i * msxca::write::FRAME_BLOCK_SIZE) as f64 / data.len().max(1) as f64;
                    progress.say(&format!("compressing {name}: {:.0}%", done * 100.0));
                }
            }
            encoder.finish().map_err(|e| Failure(format!("{name}: {e}")))?
        }
    };
    progress.say(&format!("compressed {name}: {} -> {} bytes", data.len(), out.len()));
    progress.done();
    Ok(out)
}
