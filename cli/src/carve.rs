//! `msxca carve`: prefetch/SysMain `MAM` streams out of any image, read as
//! a stream, so memory does not grow with the image.

use crate::io::Failure;
use msxca::carve::{Carver, Status};
use std::io::Read;
use std::path::Path;

pub(crate) fn carve(image: &Path, outdir: &Path, max_size: usize) -> Result<(), Failure> {
    let name = image.display();
    let reader: Box<dyn Read> = if image == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(image).map_err(|e| Failure(format!("{name}: {e}")))?)
    };
    std::fs::create_dir_all(outdir).map_err(|e| Failure(format!("{}: {e}", outdir.display())))?;
    let mut carver = Carver::new(std::io::BufReader::with_capacity(1 << 20, reader), max_size);
    let (mut complete, mut partial) = (0, 0);
    while let Some(find) = carver.next_find().map_err(|e| Failure(format!("{name}: {e}")))? {
        let (extension, status) = match &find.status {
            Status::Complete { crc_matches } => {
                complete += 1;
                let crc = match crc_matches {
                    Some(true) => ", crc-32 matches",
                    Some(false) => ", crc-32 MISMATCH",
                    None => "",
                };
                ("pf", format!("complete{crc}"))
            }
            Status::Partial { error } => {
                partial += 1;
                ("partial", format!("partial ({error})"))
            }
        };
        let file = outdir.join(format!("{:016x}.{extension}", find.offset));
        std::fs::write(&file, &find.data).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
        println!(
            "{:#018x}: MAM stream of {} bytes, {} of them decoded from {} bytes, {status} -> {}",
            find.offset,
            find.header.uncompressed_size,
            find.data.len(),
            find.stored_len,
            file.display()
        );
    }
    println!("{name}: {} streams found ({complete} complete, {partial} partial)", complete + partial);
    Ok(())
}
