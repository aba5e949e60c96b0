//! Carving `MAM` streams out of an image built here: whole streams with
//! and without a CRC, junk, false signatures, a damaged stream and one cut
//! short by the end of the image, read a little at a time across the
//! carver's slices.

use msxca::carve::{Carver, Status};
use msxca::{mam, Format, Level};
use std::io::Read;

/// A reader that hands out at most 1000 bytes a call.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1000).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn trace(i: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for k in 0..(200 + 50 * i) {
        out.extend_from_slice(format!("\\VOLUME{{01d{i}}}\\WINDOWS\\SYSTEM32\\FILE{k}.DLL\0").as_bytes());
    }
    out
}

fn junk(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[test]
fn carving_finds_every_stream_and_nothing_else() {
    let mut image = junk(5000, 1);
    let mut expected = Vec::new();
    let mut place = |image: &mut Vec<u8>, i: usize, crc: bool| {
        let original = trace(i);
        let file = mam::compress(Format::XpressHuff, Level::Standard, &original, crc).unwrap();
        expected.push((image.len() as u64, original));
        image.extend(&file);
    };
    place(&mut image, 0, false);
    image.extend(junk(3000, 2));
    // False signatures: the bare signature, a header with junk after it, a
    // header whose size is absurd.
    image.extend(b"MAM\x04");
    image.extend(b"MAM\x04\x10\x00\x00\x00");
    image.extend(junk(400, 3));
    image.extend(b"MAM\x04\xff\xff\xff\x7f");
    image.extend(junk(400, 4));
    place(&mut image, 1, true);
    // Across the carver's first 8 MiB slice.
    image.extend(junk((8 << 20) - image.len() - 2000, 5));
    place(&mut image, 2, true);
    image.extend(junk(100_000, 6));
    // A damaged stream: its second half overwritten.
    let damaged_at = image.len();
    let original = trace(3);
    let mut file = mam::compress(Format::XpressHuff, Level::Standard, &original, false).unwrap();
    let half = file.len() / 2;
    file[half..].fill(0xFF);
    image.extend(&file);
    image.extend(junk(1000, 7));
    // One cut short by the end of the image.
    let cut_at = image.len();
    let last = trace(4);
    let file = mam::compress(Format::XpressHuff, Level::Standard, &last, false).unwrap();
    image.extend(&file[..file.len() * 2 / 3]);

    let mut carver = Carver::new(Trickle(&image), 1 << 20);
    let mut finds = Vec::new();
    while let Some(find) = carver.next_find().unwrap() {
        finds.push(find);
    }
    let offsets: Vec<u64> = finds.iter().map(|f| f.offset).collect();
    let mut want: Vec<u64> = expected.iter().map(|(at, _)| *at).collect();
    want.extend([damaged_at as u64, cut_at as u64]);
    assert_eq!(offsets, want, "one find per stream, no false ones");
    for (find, (_, original)) in finds.iter().zip(&expected) {
        assert!(matches!(find.status, Status::Complete { .. }), "{find:?}");
        assert!(find.data == *original, "at {}", find.offset);
        if let Status::Complete { crc_matches } = find.status {
            assert_eq!(crc_matches, find.header.crc.map(|_| true), "at {}", find.offset);
        }
    }
    for (find, original) in finds[3..].iter().zip([&original, &last]) {
        let Status::Partial { .. } = &find.status else { panic!("{:?}", find.status) };
        assert!(!find.data.is_empty() && find.data.len() < original.len(), "at {}", find.offset);
        assert!(original.starts_with(&find.data[..find.data.len() / 2]), "at {}", find.offset);
    }
}
