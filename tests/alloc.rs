//! Memory bounds, measured with a counting allocator: decoding into a
//! caller's buffer allocates nothing once the `Decompressor` exists,
//! compressing allocates nothing once the `Compressor` exists (and
//! `rtl::compress_buffer` nothing at all: its tables live in the caller's
//! workspace), and no size field in an input makes the library allocate
//! before it is checked against the caller's limit.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts bytes requested from the system allocator by the thread inside
/// [`allocated_by`]. The test harness's own thread allocates now and then
/// while the test runs (about one run in twenty saw 900 bytes "allocated"
/// by LZNT1's maximum level); the library spawns no threads.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations are counted.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count(size: usize) {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATED.fetch_add(size, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated while running `f`.
fn allocated_by<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCATED.load(Ordering::SeqCst);
    COUNTED.with(|counted| counted.set(true));
    let value = f();
    COUNTED.with(|counted| counted.set(false));
    (ALLOCATED.load(Ordering::SeqCst) - before, value)
}

// One test function: the counter is global, so nothing may run beside it.
#[test]
fn memory_bounds() {
    use msxca::{api, compress, mam, rtl, Decompressor, Format, Level};

    let data: Vec<u8> = b"bounded memory, bounded memory, bounded memory! ".repeat(3000);
    for format in Format::ALL {
        let packed = compress(format, Level::Standard, &data);
        let mut decompressor = Decompressor::new(format);
        let mut out = vec![0u8; data.len()];
        decompressor.decompress_into(&packed, &mut out).unwrap();
        // Reused: not a byte allocated per call.
        let (bytes, result) = allocated_by(|| decompressor.decompress_into(&packed, &mut out));
        assert_eq!(result.unwrap(), data.len());
        assert_eq!(bytes, 0, "{format}: decoding allocated {bytes} bytes");
        // The Vec form allocates the output and, for XPRESS_HUFF, its table.
        let (bytes, result) = allocated_by(|| msxca::decompress(format, &packed, data.len()));
        assert_eq!(result.unwrap(), data);
        assert!(bytes <= data.len() + 64 * 1024, "{format}: {bytes} bytes for {} of output", data.len());
    }

    // Compression: the Compressor's memory is its workspace, allocated by
    // `new` and never grown; rtl's tables are in the caller's workspace.
    let mixed: Vec<u8> = data.iter().enumerate().map(|(i, &b)| b ^ (i as u8).wrapping_mul(i as u8 >> 3)).collect();
    for format in Format::ALL {
        for level in Level::ALL {
            let (bytes, mut compressor) = allocated_by(|| msxca::Compressor::new(format, level));
            assert_eq!(bytes, compressor.heap_bytes(), "{format} {level}: new allocates the workspace only");
            let mut out = vec![0u8; msxca::max_compressed_size(format, mixed.len())];
            for input in [&data[..], &mixed[..], &mixed[..4096]] {
                let (bytes, result) = allocated_by(|| compressor.compress_into(input, &mut out));
                result.unwrap();
                assert_eq!(bytes, 0, "{format} {level}: compressing allocated {bytes} bytes");
            }

            let engine = if level == Level::Maximum { rtl::COMPRESSION_ENGINE_MAXIMUM } else { 0 };
            let format_and_engine = format.windows_id() | engine;
            let (mut workspace_size, mut fragment) = (0, 0);
            rtl::get_compression_workspace_size(format_and_engine, &mut workspace_size, &mut fragment);
            let mut workspace = vec![0u8; workspace_size as usize];
            let mut size = 0;
            let (bytes, status) = allocated_by(|| {
                rtl::compress_buffer(format_and_engine, &mixed, &mut out, 4096, &mut size, &mut workspace)
            });
            assert_eq!(status, rtl::NtStatus::SUCCESS, "{format} {level}");
            assert_eq!(bytes, 0, "{format} {level}: compress_buffer allocated {bytes} bytes");
        }
    }

    // Size fields claiming 4 GiB, 1 TiB: refused against the caller's limit
    // before anything that large is allocated.
    let mut pf = mam::compress(Format::XpressHuff, Level::Standard, b"tiny", false).unwrap();
    pf[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let (bytes, result) = allocated_by(|| mam::decompress(&pf, 1 << 20));
    assert!(result.is_err());
    assert!(bytes < 1 << 20, "mam: {bytes} bytes");

    let mut framed = api::compress(Format::Xpress, Level::Standard, api::Mode::Buffer, &data).unwrap();
    framed[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let checksum = {
        let mut header = [0u8; 24];
        header.copy_from_slice(&framed[..24]);
        header[6] = 0;
        // Recompute the header checksum so that only the size is wrong.
        let mut crc = 0xFFFF_FFFFu32;
        for (i, &b) in header.iter().enumerate() {
            if i == 6 {
                continue;
            }
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
            }
        }
        !crc as u8
    };
    framed[6] = checksum;
    assert_eq!(api::uncompressed_size(&framed).unwrap(), 1 << 40);
    let (bytes, result) = allocated_by(|| api::decompress(Format::Xpress, api::Mode::Buffer, &framed, 1 << 30));
    assert!(matches!(result, Err(msxca::Error::LimitExceeded { .. })), "{result:?}");
    assert!(bytes < 1 << 20, "api: {bytes} bytes");

    // A frame block header claiming 4 GiB is refused before reading it.
    let mut encoder = msxca::write::Encoder::new(Vec::new(), Format::Lznt1, Level::Standard);
    std::io::Write::write_all(&mut encoder, &data).unwrap();
    let mut frame = encoder.finish().unwrap();
    frame[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    let (bytes, result) =
        allocated_by(|| std::io::copy(&mut msxca::read::Decoder::new(&frame[..]), &mut std::io::sink()));
    assert!(result.is_err());
    assert!(bytes < 4 << 20, "frame: {bytes} bytes");
}
