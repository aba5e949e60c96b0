//! WIM files (Windows Imaging): the header, the blob table, and the
//! resources compressed with XPRESS (LZ77+Huffman), which are chunked
//! streams with the same table as WOF's (`CONTAINERS.md` §3), in the WIM's
//! own chunk size (4 KiB to 64 KiB). Solid resources and the LZX and LZMS
//! formats are not MS-XCA, and are refused as unsupported.
//!
//! ```no_run
//! let data = std::fs::read("install.wim")?;
//! let wim = msxca::wim::Wim::parse(&data)?;
//! for blob in wim.blobs()? {
//!     let bytes = wim.read_resource(&blob.resource)?;
//!     println!("{} bytes, SHA-1 {:02x?}", bytes.len(), blob.sha1);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::bytes::{fixed, get_u32, u16_at, u32_at, u64_at};
use crate::chunk_table::{self, ChunkTable};
use crate::error::{container_truncated, Error, Result};
use crate::format::Format;
use crate::Decompressor;
use alloc::{vec, vec::Vec};

const CONTAINER: &str = "wim";

/// The magic that starts a WIM file.
pub const MAGIC: [u8; 8] = *b"MSWIM\0\0\0";

/// The header's size.
pub const HEADER_BYTES: usize = 208;

/// A blob table entry's size.
const BLOB_ENTRY_BYTES: usize = 50;

/// Header flags: resources are compressed, and with which format.
pub const FLAG_COMPRESSION: u32 = 0x0000_0002;
/// Header flag: resources are XPRESS (LZ77+Huffman).
pub const FLAG_XPRESS: u32 = 0x0002_0000;
/// Header flag: resources are LZX.
pub const FLAG_LZX: u32 = 0x0004_0000;
/// Header flag: resources are LZMS.
pub const FLAG_LZMS: u32 = 0x0008_0000;

/// Resource flag: the resource is compressed.
pub const RESOURCE_COMPRESSED: u8 = 0x04;
/// Resource flag: the resource is an image's metadata.
pub const RESOURCE_METADATA: u8 = 0x02;
/// Resource flag: the resource is solid (several blobs compressed together).
pub const RESOURCE_SOLID: u8 = 0x10;

/// Where a resource is, and how it is stored: the 24-byte resource header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceHeader {
    /// Bytes it takes in the file (7 bytes on disk).
    pub stored_size: u64,
    /// [`RESOURCE_COMPRESSED`], [`RESOURCE_METADATA`], [`RESOURCE_SOLID`].
    pub flags: u8,
    /// Where it starts in the file.
    pub offset: u64,
    /// Its uncompressed size.
    pub size: u64,
}

impl ResourceHeader {
    fn read(data: &[u8], at: usize) -> ResourceHeader {
        let stored: [u8; 8] = fixed(data, at);
        ResourceHeader {
            stored_size: u64::from_le_bytes(stored) & 0x00FF_FFFF_FFFF_FFFF,
            flags: stored[7],
            offset: u64_at(data, at + 8),
            size: u64_at(data, at + 16),
        }
    }

    /// Whether it is compressed (in the WIM's format).
    pub fn is_compressed(&self) -> bool {
        self.flags & RESOURCE_COMPRESSED != 0
    }
}

/// A WIM header's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The format version.
    pub version: u32,
    /// [`FLAG_COMPRESSION`] and the format flags, among others.
    pub flags: u32,
    /// The uncompressed size of a compressed resource's chunks.
    pub chunk_size: u32,
    /// This part's number.
    pub part_number: u16,
    /// How many parts the WIM has.
    pub total_parts: u16,
    /// How many images it holds.
    pub image_count: u32,
    /// The blob table: every blob's resource and SHA-1.
    pub blob_table: ResourceHeader,
    /// The XML description.
    pub xml_data: ResourceHeader,
}

/// The resources' compression format, by the header's flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Stored.
    None,
    /// XPRESS: LZ77+Huffman, chunked.
    Xpress,
    /// LZX (not MS-XCA).
    Lzx,
    /// LZMS (not MS-XCA).
    Lzms,
}

/// One entry of the blob table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobEntry {
    /// Where its data is.
    pub resource: ResourceHeader,
    /// The part that holds it.
    pub part_number: u16,
    /// How many references it has.
    pub refcount: u32,
    /// The SHA-1 of its uncompressed data.
    pub sha1: [u8; 20],
}

/// A WIM file in memory.
#[derive(Debug)]
pub struct Wim<'a> {
    data: &'a [u8],
    header: Header,
}

impl<'a> Wim<'a> {
    /// Parses the header of the WIM file `data`.
    ///
    /// # Errors
    /// [`Error::BadHeader`] without the magic, or with a chunk size that is
    /// not a power of two from 4 KiB to 64 KiB in a compressed WIM;
    /// [`Error::ContainerTruncated`] for a short header.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let bad = |offset, problem| Error::BadHeader { container: CONTAINER, offset, problem };
        if !data.starts_with(&MAGIC[..data.len().min(8)]) {
            return Err(bad(0, "no MSWIM magic"));
        }
        if data.len() < HEADER_BYTES {
            return Err(container_truncated(CONTAINER, data.len(), HEADER_BYTES - data.len(), data.len()));
        }
        let header = Header {
            version: u32_at(data, 12),
            flags: u32_at(data, 16),
            chunk_size: u32_at(data, 20),
            part_number: u16_at(data, 40),
            total_parts: u16_at(data, 42),
            image_count: u32_at(data, 44),
            blob_table: ResourceHeader::read(data, 48),
            xml_data: ResourceHeader::read(data, 72),
        };
        let wim = Wim { data, header };
        if wim.compression() != Compression::None
            && !(header.chunk_size.is_power_of_two() && (4096..=65536).contains(&header.chunk_size))
        {
            return Err(bad(20, "chunk size not a power of two from 4 KiB to 64 KiB"));
        }
        Ok(wim)
    }

    /// Its header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The resources' compression format.
    pub fn compression(&self) -> Compression {
        let flags = self.header.flags;
        if flags & FLAG_COMPRESSION == 0 {
            Compression::None
        } else if flags & FLAG_XPRESS != 0 {
            Compression::Xpress
        } else if flags & FLAG_LZX != 0 {
            Compression::Lzx
        } else {
            Compression::Lzms
        }
    }

    /// Every entry of the blob table.
    ///
    /// # Errors
    /// As [`read_resource`](Self::read_resource) for the table.
    pub fn blobs(&self) -> Result<Vec<BlobEntry>> {
        let table = self.read_resource(&self.header.blob_table)?;
        Ok(table
            .chunks_exact(BLOB_ENTRY_BYTES)
            .map(|entry| BlobEntry {
                resource: ResourceHeader::read(entry, 0),
                part_number: u16_at(entry, 24),
                refcount: u32_at(entry, 26),
                sha1: fixed(entry, 30),
            })
            .collect())
    }

    /// The uncompressed data of `resource`.
    ///
    /// # Errors
    /// [`Error::ContainerTruncated`] for a resource past the end of the
    /// file; [`Error::Unsupported`] for solid resources and the LZX and
    /// LZMS formats; the chunk table's errors ([`Error::PartialOutput`]
    /// around [`Error::BadChunk`] or [`Error::InChunk`]).
    pub fn read_resource(&self, resource: &ResourceHeader) -> Result<Vec<u8>> {
        let start = usize::try_from(resource.offset).unwrap_or(usize::MAX);
        let end = usize::try_from(resource.stored_size).ok().and_then(|n| start.checked_add(n));
        let Some(stored) = end.and_then(|end| self.data.get(start..end)) else {
            let needed = end.map_or(usize::MAX, |end| end - self.data.len().min(end));
            return Err(container_truncated(CONTAINER, self.data.len(), needed, self.data.len()));
        };
        let size = usize::try_from(resource.size).map_err(|_| Error::LimitExceeded {
            what: "resource",
            size: resource.size,
            limit: usize::MAX as u64,
        })?;
        if !resource.is_compressed() {
            return Ok(stored[..size.min(stored.len())].to_vec());
        }
        if resource.flags & RESOURCE_SOLID != 0 {
            return Err(Error::Unsupported { what: "WIM solid resources" });
        }
        match self.compression() {
            Compression::Xpress => {}
            Compression::Lzx => {
                return Err(Error::Unsupported { what: "WIM's LZX compression (not an MS-XCA format)" })
            }
            _ => return Err(Error::Unsupported { what: "WIM's LZMS compression (not an MS-XCA format)" }),
        }
        let table = ChunkTable::new(stored, CONTAINER, self.header.chunk_size as usize, resource.size)
            .map_err(|e| e.shifted(start))?;
        let mut out = vec![0u8; size];
        chunk_table::decode_all(&table, &mut Decompressor::new(Format::XpressHuff), &mut out)
            .map_err(|e| e.shifted(start))?;
        Ok(out)
    }
}

/// Whether `data` starts like a WIM file.
pub fn is_wim(data: &[u8]) -> bool {
    data.len() >= HEADER_BYTES && data[..8] == MAGIC && get_u32(data, 8).is_some_and(|n| n as usize >= HEADER_BYTES)
}
