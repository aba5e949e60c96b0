//! The command line on a large input: MB/s of compress and decompress at
//! `--threads 1` and at every core, per format and container, with the
//! peak resident memory of each run, beside the library's in-memory speed
//! on the same data and `cat` as the I/O floor.
//!
//! `cargo bench -p msxca-cli --bench scale [-- SIZE_MIB] [WORD...]`
//! (default 256; the input is generated into `target/scale`, page cache
//! warm). Words pick the rows whose container, format or level one of them
//! names.

use msxca::{Compressor, Decompressor, Format, Level};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Mixed data in the proportions of a disk image or memory dump: text
/// made of words, records of binary fields, stretches of noise (already
/// compressed data) and some zeros. The three formats make it 35-50% of
/// its size.
fn generate(len: usize) -> Vec<u8> {
    const WORDS: [&str; 24] = [
        "the ",
        "of ",
        "and ",
        "compression ",
        "window ",
        "match ",
        "literal ",
        "stream ",
        "block ",
        "Windows ",
        "file ",
        "offset ",
        "length ",
        "table ",
        "symbol ",
        "record ",
        "system32 ",
        "data ",
        "prefetch ",
        "in ",
        "to ",
        "is ",
        "a ",
        "memory ",
    ];
    let mut data = Vec::with_capacity(len + 8192);
    let mut x = 0x2545_F491u32;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    while data.len() < len {
        let r = next();
        match r % 16 {
            0 => data.extend(std::iter::repeat_n(0u8, (r >> 20) as usize % 2048)),
            1..=2 => data.extend((0..(r >> 22)).map(|_| next() as u8)),
            3..=9 => {
                for _ in 0..(r >> 26) + 4 {
                    data.extend_from_slice(WORDS[next() as usize % WORDS.len()].as_bytes());
                }
            }
            _ => {
                for _ in 0..(r >> 27) + 1 {
                    let field = next();
                    data.extend_from_slice(&[(field % 7) as u8, 0, 0x40, (field >> 8) as u8]);
                    data.extend_from_slice(&(field % 100_000).to_le_bytes());
                }
            }
        }
    }
    data.truncate(len);
    data
}

/// Runs `command`, returning its wall time and the peak resident memory
/// seen in `/proc` while it ran (KiB; 0 where there is no `/proc`).
fn run(mut command: Command) -> (Duration, u64) {
    // The output from an earlier run is removed and everything written
    // back first, so that no run pays for another's pages.
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    if let Some(output) = args.last().filter(|a| *a != "/dev/null") {
        let _ = std::fs::remove_file(output);
    }
    let _ = Command::new("sync").status();
    let start = Instant::now();
    let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:")) {
                let kib = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0);
                peak = peak.max(kib);
            }
        }
        if let Some(exit) = child.try_wait().expect("wait") {
            let elapsed = start.elapsed();
            assert!(exit.success(), "{command:?} failed");
            return (elapsed, peak);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn mbps(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

/// The best of `reps` runs: the least time, and the largest peak.
fn best(reps: usize, make: impl Fn() -> Command) -> (Duration, u64) {
    let mut result = (Duration::MAX, 0);
    for _ in 0..reps {
        let (time, peak) = run(make());
        result = (result.0.min(time), result.1.max(peak));
    }
    result
}

struct Row {
    container: &'static str,
    format: &'static str,
    /// The level, as `-l` takes it.
    level: &'static str,
    /// Decompression's extra arguments (sizes).
    decode_args: Vec<String>,
}

fn main() {
    let mib: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(256);
    let len = mib << 20;
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_msxca"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scale");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("input.bin");
    let data = generate(len);
    std::fs::write(&input, &data).unwrap();
    let cores = msxca::available_threads();
    println!("input: {mib} MiB of generated mixed data ({}), {cores} cores, page cache warm", input.display());

    let packed = dir.join("packed");
    let unpacked = dir.join("unpacked");
    let (cat_time, _) = best(3, || {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("cat '{}' > '{}'", input.display(), unpacked.display()));
        c
    });
    let fresh = dir.join("fresh");
    let mut copy_time = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        copy_to_new_file(&input, &fresh, &unpacked);
        copy_time = copy_time.min(start.elapsed());
    }
    println!("I/O floors: cat to a file {:.0} MB/s; read and write into a new file renamed into place, as the CLI writes, {:.0} MB/s\n", mbps(len, cat_time), mbps(len, copy_time));

    let size = len.to_string();
    let huff_size = vec!["-s".to_string(), size.clone()];
    let row = |container, format, level, decode_args: &Vec<String>| Row {
        container,
        format,
        level,
        decode_args: decode_args.clone(),
    };
    let none = Vec::new();
    let rows = [
        row("raw", "lznt1", "standard", &none),
        row("raw", "xpress", "standard", &none),
        row("raw", "xpress-huff", "standard", &huff_size),
        // The numbered levels compress segments side by side; Windows'
        // maximum engines stream one block after another.
        row("raw", "xpress-huff", "1", &huff_size),
        row("raw", "xpress-huff", "6", &huff_size),
        row("raw", "xpress", "1", &none),
        row("raw", "xpress-huff", "maximum", &huff_size),
        row("raw", "xpress", "maximum", &none),
        row("frame", "lznt1", "standard", &none),
        row("frame", "xpress-huff", "standard", &none),
        row("api", "xpress-huff", "standard", &none),
        row("mam", "xpress-huff", "standard", &none),
        row("wof-xpress16k", "xpress-huff", "standard", &huff_size),
    ];
    let words: Vec<String> =
        std::env::args().skip(1).filter(|a| a.parse::<usize>().is_err() && !a.starts_with('-')).collect();
    let picked = |row: &Row| {
        words.is_empty() || words.iter().any(|w| [row.container, row.format, row.level].contains(&w.as_str()))
    };
    let mut files = Vec::new();
    let mut pace = Vec::new();
    for row in rows.iter().filter(|row| picked(row)) {
        let command = |action: &str, n: usize, from: &Path, to: &Path| {
            let mut c = Command::new(&exe);
            c.args([action, "-q", "-c", row.container, "-f", row.format, "--threads", &n.to_string()]);
            if action == "decompress" {
                c.args(&row.decode_args);
            } else {
                c.args(["-l", row.level]);
            }
            c.arg(from).arg(to);
            c
        };
        let null = Path::new("/dev/null");
        // To files, as people run it: the page cache's writes included.
        let (c1, c1_peak) = best(3, || command("compress", 1, &input, &packed));
        let (cn, cn_peak) = best(3, || command("compress", cores, &input, &packed));
        let packed_len = std::fs::metadata(&packed).unwrap().len();
        let (d1, d1_peak) = best(3, || command("decompress", 1, &packed, &unpacked));
        let (dn, dn_peak) = best(3, || command("decompress", cores, &packed, &unpacked));
        assert!(std::fs::read(&unpacked).unwrap() == data, "{} {}: round trip", row.container, row.format);
        // The codecs' own pace, without the page cache's: to /dev/null.
        let (zc1, _) = best(3, || command("compress", 1, &input, null));
        let (zcn, _) = best(3, || command("compress", cores, &input, null));
        let (zd1, _) = best(3, || command("decompress", 1, &packed, null));
        let (zdn, _) = best(3, || command("decompress", cores, &packed, null));
        let (lib_c, lib_d) = library_speed(row, &data);
        let name = format!("| {} | {} | {} ", row.container, row.format, row.level);
        files.push(format!(
            "{name}| {:.3} | {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.2} | {} / {} |",
            packed_len as f64 / len as f64,
            mbps(len, c1),
            mbps(len, cn),
            c1.as_secs_f64() / cn.as_secs_f64(),
            mbps(len, d1),
            mbps(len, dn),
            d1.as_secs_f64() / dn.as_secs_f64(),
            c1_peak.max(cn_peak) / 1024,
            d1_peak.max(dn_peak) / 1024,
        ));
        pace.push(format!(
            "{name}| {:.0} | {:.0} | {:.2} | {:.0} | {:.0} | {:.2} | {} | {} |",
            mbps(len, zc1),
            mbps(len, zcn),
            zc1.as_secs_f64() / zcn.as_secs_f64(),
            mbps(len, zd1),
            mbps(len, zdn),
            zd1.as_secs_f64() / zdn.as_secs_f64(),
            lib_c.zip(lib_d).map_or("-".to_string(), |(c, d)| format!("{c:.0} / {d:.0}")),
            lib_d.map_or("-".to_string(), |d| format!("{:.2}", mbps(len, zd1) / d)),
        ));
    }
    println!("Files to files (MB/s of uncompressed data, best of 3):\n");
    println!("| container | format | level | ratio | compress, 1 thread | all cores | × | decompress, 1 thread | all cores | × | peak RSS MiB (c / d) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    files.iter().for_each(|line| println!("{line}"));
    println!("\nTo /dev/null: the codecs' pace without the page cache's writes (MB/s):\n");
    println!("| container | format | level | compress, 1 thread | all cores | × | decompress, 1 thread | all cores | × | library in memory (c / d) | decompress 1 thread / library |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    pace.iter().for_each(|line| println!("{line}"));
    let _ = std::fs::remove_file(&packed);
    let _ = std::fs::remove_file(&unpacked);
}

/// Copies `from` into a new file `temp` in 1 MiB reads and writes, then
/// renames it to `to`: the CLI's own pattern, without any decoding.
fn copy_to_new_file(from: &Path, temp: &Path, to: &Path) {
    use std::io::{Read, Write};
    let mut reader = std::fs::File::open(from).unwrap();
    let mut writer = std::fs::File::create(temp).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        writer.write_all(&buf[..n]).unwrap();
    }
    drop(writer);
    std::fs::rename(temp, to).unwrap();
}

/// The library's one-shot speed on the whole data in memory, one thread,
/// for the raw formats (MB/s of uncompressed data).
fn library_speed(row: &Row, data: &[u8]) -> (Option<f64>, Option<f64>) {
    if row.container != "raw" {
        return (None, None);
    }
    let format = match row.format {
        "lznt1" => Format::Lznt1,
        "xpress" => Format::Xpress,
        _ => Format::XpressHuff,
    };
    let mut packed = vec![0u8; msxca::max_compressed_size(format, data.len())];
    let level = match row.level {
        "standard" => Level::Standard,
        "maximum" => Level::Maximum,
        n => Level::new(n.parse().expect("a level number")).expect("a level"),
    };
    let mut compressor = Compressor::new(format, level);
    let start = Instant::now();
    let n = compressor.compress_into(data, &mut packed).unwrap();
    let c = mbps(data.len(), start.elapsed());
    let mut out = vec![0u8; data.len()];
    let mut decompressor = Decompressor::new(format);
    let mut d = 0f64;
    for _ in 0..3 {
        let start = Instant::now();
        decompressor.decompress_into(&packed[..n], &mut out).unwrap();
        d = d.max(mbps(data.len(), start.elapsed()));
    }
    (Some(c), Some(d))
}
