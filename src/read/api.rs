//! The Compression API's buffer mode, decoded a block at a time.

use super::read_full;
use crate::api::{self, CONTAINER, HEADER_SIZE};
use crate::error::{container_truncated, Error};
use crate::{Decompressor, Format};
use std::io::{self, Read};

/// Decodes a buffer-mode Compression API stream (see [`crate::api`]) from
/// `R` one 64 MiB block at a time, as [`api::decompress`] decodes it
/// whole: memory is a block's data and its stored bytes. Blocks over
/// 64 MiB, which the API does not write, are refused
/// ([`Error::LimitExceeded`]).
pub struct ApiDecoder<R: Read> {
    inner: R,
    header: Option<api::Header>,
    decompressor: Option<Decompressor>,
    stored: Vec<u8>,
    block: Vec<u8>,
    served: usize,
    /// Bytes still to come from the blocks after this one.
    left: u64,
    /// Bytes of the stream read so far: where errors are.
    offset: u64,
}

impl<R: Read> ApiDecoder<R> {
    /// A decoder reading from `inner`.
    pub fn new(inner: R) -> Self {
        ApiDecoder {
            inner,
            header: None,
            decompressor: None,
            stored: Vec::new(),
            block: Vec::new(),
            served: 0,
            left: 0,
            offset: 0,
        }
    }

    /// The header, read on the first call or here.
    ///
    /// # Errors
    /// As [`api::read_header`].
    pub fn header(&mut self) -> io::Result<api::Header> {
        if let Some(header) = self.header {
            return Ok(header);
        }
        let mut bytes = [0u8; HEADER_SIZE];
        let n = read_full(&mut self.inner, &mut bytes)?;
        self.offset = n as u64;
        let header = api::read_header(&bytes[..n])?;
        self.decompressor = Some(Decompressor::new(header.format));
        self.left = header.uncompressed_size;
        self.header = Some(header);
        Ok(header)
    }

    /// The format of the blocks, from the header.
    ///
    /// # Errors
    /// As [`header`](Self::header).
    pub fn format(&mut self) -> io::Result<Format> {
        self.header().map(|h| h.format)
    }

    /// Reads `len` bytes of the stream into `stored`, or fails naming
    /// where it ends. The buffer grows with what is there, not with what a
    /// damaged size says.
    fn read_stored(&mut self, len: usize) -> io::Result<()> {
        self.stored.clear();
        let n = (&mut self.inner).take(len as u64).read_to_end(&mut self.stored)?;
        let at = self.offset as usize;
        self.offset += n as u64;
        if n < len {
            return Err(container_truncated(CONTAINER, at + n, len - n, at + n).into());
        }
        Ok(())
    }

    fn next_block(&mut self) -> io::Result<()> {
        let header = self.header()?;
        let len = self.left.min(header.block_size);
        if len > api::BLOCK_SIZE as u64 {
            // The API writes blocks of 64 MiB: a larger one is held whole
            // by no one.
            let limit = api::BLOCK_SIZE as u64;
            return Err(Error::LimitExceeded { what: "block size", size: len, limit }.into());
        }
        let len = len as usize;
        self.read_stored(4)?;
        let stored_len = u32::from_le_bytes(self.stored[..4].try_into().expect("4 bytes")) as usize;
        let data_at = self.offset as usize;
        self.read_stored(stored_len)?;
        self.block.resize(len, 0);
        let decompressor = self.decompressor.as_mut().expect("header read");
        api::decompress_stretch(decompressor, &self.stored, &mut self.block).map_err(|e| e.shifted(data_at))?;
        self.left -= len as u64;
        self.served = 0;
        Ok(())
    }
}

impl<R: Read> Read for ApiDecoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.header.is_none() {
            self.header()?;
        }
        while self.served == self.block.len() {
            if self.left == 0 {
                return Ok(0);
            }
            self.next_block()?;
        }
        let n = buf.len().min(self.block.len() - self.served);
        buf[..n].copy_from_slice(&self.block[self.served..self.served + n]);
        self.served += n;
        Ok(n)
    }
}
