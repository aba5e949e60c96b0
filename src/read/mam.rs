//! `MAM` files (prefetch, SysMain): the compressed file read whole (it is
//! small, and its CRC covers all of it), the data decoded as it is read.

use super::RawDecoder;
use crate::mam::{self, Header};
use std::io::{self, Cursor, Read};

/// Decodes a `MAM` file from `R`, as [`mam::decompress`] does: its CRC is
/// checked before anything is decoded, which takes the compressed file
/// in memory; the data then comes out a block at a time.
pub struct MamDecoder {
    header: Header,
    decoder: RawDecoder<Cursor<Vec<u8>>>,
}

impl MamDecoder {
    /// Reads the file from `inner` and checks its header and CRC.
    ///
    /// # Errors
    /// As [`mam::verify`], and the reader's.
    pub fn new(mut inner: impl Read) -> io::Result<Self> {
        let mut file = Vec::new();
        inner.read_to_end(&mut file)?;
        let header = mam::verify(&file)?;
        let mut stream = Cursor::new(file);
        stream.set_position(header.data_offset as u64);
        let decoder = RawDecoder::new(stream, header.format, Some(u64::from(header.uncompressed_size)))?;
        Ok(MamDecoder { header, decoder })
    }

    /// The file's header.
    pub fn header(&self) -> Header {
        self.header
    }
}

impl Read for MamDecoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.decoder.read(buf).map_err(|e| super::shifted(e, self.header.data_offset))
    }
}
