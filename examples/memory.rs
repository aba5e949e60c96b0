//! Prints the heap memory a `Compressor` holds after compressing inputs of
//! a few sizes (its workspace, which does not grow), beside the workspace
//! Windows asks for: `cargo run --release --example memory`.
use msxca::{Compressor, Format, Level};

fn main() {
    let text: Vec<u8> = b"memory use of the compressor state, per format and level. ".repeat(20_000);
    for format in Format::ALL {
        for level in Level::ALL {
            let mut c = Compressor::new(format, level);
            let mut line = format!("{:<12} {:<9}", format.name(), level.name());
            for size in [4096usize, 65536, 1 << 20] {
                let mut out = vec![0u8; msxca::max_compressed_size(format, size)];
                c.compress_into(&text[..size], &mut out).unwrap();
                line.push_str(&format!(" {:>7} KiB after {:>7} B", c.heap_bytes() / 1024, size));
            }
            let (mut windows, mut fragment) = (0, 0);
            let engine = if level == Level::Maximum { msxca::rtl::COMPRESSION_ENGINE_MAXIMUM } else { 0 };
            msxca::rtl::get_compression_workspace_size(format.windows_id() | engine, &mut windows, &mut fragment);
            line.push_str(&format!("   (Windows workspace {windows} B)"));
            println!("{line}");
        }
    }
}
