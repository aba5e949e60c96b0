//! `msxca decompress`: input streamed through the library's decoders into
//! OUTPUT, in memory bounded whatever the size (but for the compressed
//! side of MAM files and SMB2 messages, small by nature, held whole).

use crate::args::{Container, Io};
use crate::io::{pump, Failure, Input, Output};
use msxca::read::{ApiDecoder, Decoder, MamDecoder, RawDecoder, WofDecoder};
use msxca::Format;
use std::io::Write;

pub(crate) fn decompress(format: Option<Format>, size: Option<u64>, threads: usize, io: &Io) -> Result<(), Failure> {
    let name = io.input.display();
    let fail = |e: msxca::Error| Failure(format!("{name}: {e}"));
    let mut input = Input::open(&io.input, io.quiet, "decompressing")?;
    let mut output = Output::create(&io.output)?;
    let (from, to) = (&io.input, &io.output);
    match io.container {
        Container::Raw => {
            // The arguments require a format for raw streams, and a size
            // for LZ77+Huffman; for the others a size is a capacity.
            let format = format.ok_or_else(|| Failure("the stream format is needed".to_string()))?;
            let decoder = RawDecoder::new(&mut input, format, size).map_err(fail)?;
            pump(&mut decoder.with_threads(threads), &mut output, from, to, threads)?;
        }
        Container::Frame => {
            let mut decoder = Decoder::new(&mut input).with_threads(threads);
            pump(&mut decoder, &mut output, from, to, threads)?;
        }
        Container::Api => {
            let mut decoder = ApiDecoder::new(&mut input);
            let header = decoder.header().map_err(|e| Failure(format!("{name}: {e}")))?;
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            pump(&mut decoder, &mut output, from, to, threads)?;
        }
        Container::WofXpress4k | Container::WofXpress8k | Container::WofXpress16k => {
            let algorithm = io.container.wof().expect("a WOF container");
            // The arguments require the size for WOF streams.
            let size = size.ok_or_else(|| Failure("the uncompressed size is needed (-s SIZE)".to_string()))?;
            let decoder = WofDecoder::new(&mut input, algorithm, size).map_err(fail)?;
            pump(&mut decoder.with_threads(threads), &mut output, from, to, threads)?;
        }
        Container::Mam => {
            // The compressed file is read whole (its CRC is checked first);
            // the data is decoded as it is written.
            let mut decoder = MamDecoder::new(&mut input).map_err(|e| Failure(format!("{name}: {e}")))?;
            let header = decoder.header();
            if let Some(format) = format.filter(|&f| f != header.format) {
                return Err(Failure(format!("{name}: holds {} data, not {format}", header.format)));
            }
            pump(&mut decoder, &mut output, from, to, threads)?;
        }
        Container::Smb2 => {
            // A network message: small, and whole in memory.
            let data = input.read_all(&io.input)?;
            let limits = msxca::smb2::Limits::new(msxca::DEFAULT_OUTPUT_LIMIT);
            let out = msxca::smb2::decompress(&data, &limits).map_err(fail)?;
            output.write_all(&out).map_err(|e| output.failure(e))?;
        }
    }
    input.done("done");
    output.commit()
}
