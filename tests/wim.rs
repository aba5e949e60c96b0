//! WIM files with XPRESS resources (`$XPRESS_CORPUS/containers/wim`): every
//! resource decodes and matches the SHA-1 in the blob table.

mod common;

use msxca::wim::{Compression, Wim};
use sha1::{Digest, Sha1};

#[test]
fn every_xpress_resource_decodes_to_its_sha1() {
    let Some(dir) = common::corpus_dir().map(|d| d.join("containers/wim")).filter(|d| d.is_dir()) else {
        eprintln!("every_xpress_resource_decodes_to_its_sha1: skipped, no corpus (set XPRESS_CORPUS)");
        return;
    };
    let mut compressed = 0;
    for name in ["cyclic.wim", "longpaths.wim"] {
        let data = std::fs::read(dir.join(name)).unwrap();
        let wim = Wim::parse(&data).unwrap();
        assert_eq!(wim.compression(), Compression::Xpress, "{name}");
        assert_eq!(wim.header().chunk_size, 32768, "{name}");
        let blobs = wim.blobs().unwrap();
        assert!(!blobs.is_empty(), "{name}");
        for blob in blobs {
            let bytes = wim.read_resource(&blob.resource).unwrap();
            assert_eq!(bytes.len() as u64, blob.resource.size, "{name}");
            let digest: [u8; 20] = Sha1::digest(&bytes).into();
            assert_eq!(digest, blob.sha1, "{name}: resource at {}", blob.resource.offset);
            compressed += usize::from(blob.resource.is_compressed());
        }
        // The XML description is a resource too (UTF-16 with a BOM).
        let xml = wim.read_resource(&wim.header().xml_data).unwrap();
        assert_eq!(xml[..2], [0xFF, 0xFE], "{name}");
    }
    assert!(compressed >= 2, "the WIMs hold compressed resources");
}

#[test]
fn damaged_wims_are_errors() {
    assert!(Wim::parse(b"MSWIM\0\0\0short").is_err());
    assert!(Wim::parse(b"not a wim at all").is_err());
    let mut header = vec![0u8; 208];
    header[..8].copy_from_slice(b"MSWIM\0\0\0");
    header[8] = 208;
    header[16..20].copy_from_slice(&0x0002_0002u32.to_le_bytes());
    header[20..24].copy_from_slice(&3000u32.to_le_bytes());
    assert!(Wim::parse(&header).is_err(), "a chunk size that is not a power of two");
    header[20..24].copy_from_slice(&32768u32.to_le_bytes());
    // A blob table past the end of the file.
    header[48] = 50;
    header[56] = 0xF0;
    header[64] = 50;
    let wim = Wim::parse(&header).unwrap();
    assert!(wim.blobs().is_err());
}
