//! End-to-end tests of the command-line contract: spawn the binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn msxca(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_msxca"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn msxca");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(data) = stdin {
        pipe.write_all(data).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn sample() -> Vec<u8> {
    b"msxca command line test, compress me please. ".iter().cycle().take(100_000).copied().collect()
}

fn assert_one_clean_line(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("msxca: "), "stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr:?}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr:?}");
}

#[test]
fn files_round_trip_for_every_format_alias_and_level() {
    let data = sample();
    let input = scratch("sample.bin");
    std::fs::write(&input, &data).unwrap();
    for format in ["lznt1", "xpress", "plain", "xpress-huff", "huffman"] {
        for level in ["standard", "maximum", "1", "5", "9"] {
            let packed = scratch(&format!("sample.{format}.{level}"));
            let unpacked = scratch(&format!("sample.{format}.{level}.out"));
            let out = msxca(
                &["compress", "-f", format, "-l", level, input.to_str().unwrap(), packed.to_str().unwrap()],
                None,
            );
            assert!(out.status.success(), "{format} {level}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(std::fs::metadata(&packed).unwrap().len() < data.len() as u64 / 4);
            let size = data.len().to_string();
            let out = msxca(
                &["decompress", "-f", format, "-s", &size, packed.to_str().unwrap(), unpacked.to_str().unwrap()],
                None,
            );
            assert!(out.status.success(), "{format} {level}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(std::fs::read(&unpacked).unwrap(), data, "{format} {level}");
        }
    }
}

#[test]
fn stdin_and_stdout_work_and_size_is_optional_for_self_terminating_formats() {
    let data = sample();
    for format in ["lznt1", "xpress"] {
        let packed = msxca(&["compress", "-f", format, "-", "-"], Some(&data));
        assert!(packed.status.success());
        let unpacked = msxca(&["decompress", "-f", format, "-", "-"], Some(&packed.stdout));
        assert!(unpacked.status.success(), "{}", String::from_utf8_lossy(&unpacked.stderr));
        assert_eq!(unpacked.stdout, data, "{format}");
    }
}

#[test]
fn default_level_is_standard() {
    let data = sample();
    let a = msxca(&["compress", "-f", "huffman", "-", "-"], Some(&data));
    let b = msxca(&["compress", "-f", "huffman", "-l", "standard", "-", "-"], Some(&data));
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn corrupt_input_exits_1_with_one_clean_line() {
    let data = sample();
    for format in ["lznt1", "xpress", "xpress-huff"] {
        let packed = msxca(&["compress", "-f", format, "-", "-"], Some(&data)).stdout;
        let mut bad = packed.clone();
        bad.truncate(bad.len() / 2);
        let size = data.len().to_string();
        let out = msxca(&["decompress", "-f", format, "-s", &size, "-", "-"], Some(&bad));
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_one_clean_line(&out);
        assert!(out.stdout.is_empty(), "{format}: no partial output");
    }
    let out = msxca(&["decompress", "-f", "lznt1", "-", "-"], Some(&[0x05]));
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
}

#[test]
fn failed_decompression_leaves_no_output_file() {
    let input = scratch("garbage.bin");
    std::fs::write(&input, [0xFFu8; 300]).unwrap();
    let output = scratch("garbage.out");
    let _ = std::fs::remove_file(&output);
    let out = msxca(
        &["decompress", "-f", "xpress-huff", "-s", "1000", input.to_str().unwrap(), output.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
    assert!(!output.exists());
}

#[test]
fn missing_input_file_exits_1() {
    let out = msxca(&["compress", "-f", "xpress", "/nonexistent/msxca-input", "-"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["decompress", "-f", "xpress-huff", "-", "-"][..],
        &["decompress", "-f", "zip", "-", "-"],
        &["compress", "-f", "xpress", "-l", "ultra", "-", "-"],
        &["compress", "-f", "xpress", "-l", "0", "-", "-"],
        &["compress", "-f", "xpress", "-l", "10", "-", "-"],
        &["compress", "-", "-"],
        &["compress", "-c", "api", "-", "-"],
        &["decompress", "-c", "raw", "-f", "huffman", "-", "-"],
        &["decompress", "-", "-"],
        &["frobnicate"],
        &[],
    ] {
        let out = msxca(args, Some(b""));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn bench_runs_on_the_built_in_sample() {
    let out = msxca(&["bench"], None);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for format in ["lznt1", "xpress", "xpress-huff"] {
        assert!(stdout.contains(format), "{stdout}");
    }
}

#[test]
fn every_windows_vector_decompresses_through_the_cli() {
    let corpus = std::env::var_os("XPRESS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let windows = corpus.join("windows");
    if !windows.is_dir() {
        eprintln!("every_windows_vector_decompresses_through_the_cli: skipped, no corpus at {}", windows.display());
        return;
    }
    let mut checked = 0;
    for (folder, ext, format) in [
        ("compressed-plain", "lzplain", "xpress"),
        ("compressed-more-plain", "lzplain", "plain"),
        ("compressed-huffman", "lzhuff", "xpress-huff"),
        ("compressed-more-huffman", "lzhuff", "huffman"),
    ] {
        for entry in std::fs::read_dir(windows.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != ext) {
                continue;
            }
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let original = std::fs::read(windows.join("decompressed").join(format!("{name}.decomp"))).unwrap();
            if std::fs::metadata(&path).unwrap().len() == original.len() as u64 {
                continue; // stored verbatim by Windows, not a stream
            }
            let size = original.len().to_string();
            let out = msxca(&["decompress", "-f", format, "-s", &size, path.to_str().unwrap(), "-"], None);
            assert!(out.status.success(), "{folder}/{name}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(out.stdout == original, "{folder}/{name}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} vectors");
}

/// Whether util-linux `script` can give a command a pseudo-terminal here.
fn terminal_available() -> bool {
    Command::new("script")
        .args(["-qec", "test -t 2", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs msxca under a pseudo-terminal (util-linux `script`), as a person would.
fn msxca_in_terminal(args: &[&str]) -> Option<std::process::ExitStatus> {
    if !terminal_available() {
        return None;
    }
    let command = std::iter::once(env!("CARGO_BIN_EXE_msxca").to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .ok()
}

#[test]
fn existing_output_is_kept_at_a_terminal_unless_forced() {
    let input = scratch("force-in.txt");
    std::fs::write(&input, sample()).unwrap();
    let output = scratch("force-out.bin");
    std::fs::write(&output, b"precious").unwrap();
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    let Some(status) = msxca_in_terminal(&["compress", "-f", "xpress", i, o]) else {
        eprintln!("existing_output_is_kept_at_a_terminal_unless_forced: skipped, no `script` to make a terminal");
        return;
    };
    assert_eq!(status.code(), Some(1));
    assert_eq!(std::fs::read(&output).unwrap(), b"precious");
    let status = msxca_in_terminal(&["compress", "-f", "xpress", "--force", i, o]).unwrap();
    assert!(status.success());
    assert_ne!(std::fs::read(&output).unwrap(), b"precious");
}

#[test]
fn containers_round_trip_and_record_format_and_size() {
    let data = sample();
    let input = scratch("containers.txt");
    std::fs::write(&input, &data).unwrap();
    for (container, format) in [
        ("mam", None),
        ("mam", Some("lznt1")),
        ("api", Some("xpress")),
        ("api", Some("huffman")),
        ("frame", Some("lznt1")),
    ] {
        let packed = scratch(&format!("containers.{container}"));
        let back = scratch(&format!("containers.{container}.out"));
        let mut args = vec!["compress", "-c", container];
        if let Some(f) = format {
            args.extend(["-f", f]);
        }
        args.extend([input.to_str().unwrap(), packed.to_str().unwrap()]);
        let out = msxca(&args, None);
        assert!(out.status.success(), "{container}: {}", String::from_utf8_lossy(&out.stderr));
        // No -f, no -s: the container knows.
        let out = msxca(&["decompress", "-c", container, packed.to_str().unwrap(), back.to_str().unwrap()], None);
        assert!(out.status.success(), "{container}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(&back).unwrap(), data, "{container}");
        let out = msxca(&["info", packed.to_str().unwrap()], None);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("decodes"), "{container}: {text}");
        if container == "api" {
            assert!(text.contains("block 0: 100000 bytes, compressed in "), "{text}");
        }
        // Naming the format a container records needs no size either.
        if let Some(f) = format {
            let out = msxca(&["decompress", "-c", container, "-f", f, packed.to_str().unwrap(), "-"], None);
            assert!(out.status.success(), "{container} -f {f}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let packed = scratch("containers.mamcrc");
    assert!(msxca(&["compress", "-c", "mam", "--crc", input.to_str().unwrap(), packed.to_str().unwrap()], None)
        .status
        .success());
    assert_eq!(&std::fs::read(&packed).unwrap()[..4], b"MAM\x84");
    let info = String::from_utf8_lossy(&msxca(&["info", packed.to_str().unwrap()], None).stdout).into_owned();
    assert!(info.contains("matches") && info.contains("xpress-huff"), "{info}");
}

#[test]
fn container_errors_exit_1_and_name_the_file() {
    let data = sample();
    let input = scratch("crc.txt");
    std::fs::write(&input, &data).unwrap();
    let packed = scratch("crc.pf");
    assert!(msxca(&["compress", "-c", "mam", "--crc", input.to_str().unwrap(), packed.to_str().unwrap()], None)
        .status
        .success());
    let mut bytes = std::fs::read(&packed).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    std::fs::write(&packed, &bytes).unwrap();
    let out = msxca(&["decompress", "-c", "mam", packed.to_str().unwrap(), "-"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("crc.pf") && stderr.contains("checksum mismatch"), "{stderr}");
    let info = String::from_utf8_lossy(&msxca(&["info", packed.to_str().unwrap()], None).stdout).into_owned();
    assert!(info.contains("MISMATCH"), "{info}");
    // Not a MAM file at all.
    let out = msxca(&["decompress", "-c", "mam", input.to_str().unwrap(), "-"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
    // A raw container needs -f.
    let out = msxca(&["compress", "-c", "api", input.to_str().unwrap(), "-"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn info_describes_raw_streams() {
    let data = sample();
    let packed = msxca(&["compress", "-f", "lznt1", "-", "-"], Some(&data)).stdout;
    let input = scratch("info.lznt1");
    std::fs::write(&input, &packed).unwrap();
    let out = msxca(&["info", input.to_str().unwrap()], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("container: none") && text.contains(&format!("as lznt1: decodes to {} bytes", data.len())),
        "{text}"
    );
    let out = msxca(&["info", "/nonexistent/msxca-info"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn help_shows_examples() {
    let out = msxca(&["--help"], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Examples:") && text.contains("msxca decompress -c mam"), "{text}");
}

#[test]
fn large_inputs_show_progress_at_a_terminal_unless_quiet() {
    let input = scratch("large.bin");
    let mut data = vec![0u8; 70 << 20];
    for (i, b) in data.iter_mut().enumerate().step_by(4096) {
        *b = i as u8;
    }
    std::fs::write(&input, &data).unwrap();
    drop(data);
    let output = scratch("large.out");
    if !terminal_available() {
        eprintln!(
            "large_inputs_show_progress_at_a_terminal_unless_quiet: skipped, `script` cannot make a terminal here"
        );
        return;
    }
    for (quiet, expect) in [(false, true), (true, false)] {
        let mut command = format!(
            "{} compress -f lznt1 --force '{}' '{}'",
            env!("CARGO_BIN_EXE_msxca"),
            input.display(),
            output.display()
        );
        if quiet {
            command.push_str(" -q");
        }
        let out = Command::new("script").args(["-qec", &command, "/dev/null"]).stdin(Stdio::null()).output().unwrap();
        assert!(out.status.success());
        let shown = String::from_utf8_lossy(&out.stdout).contains("msxca: compress");
        assert_eq!(shown, expect, "quiet {quiet}");
    }
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
}

fn corpus_containers() -> Option<PathBuf> {
    let dir = match std::env::var_os("XPRESS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    let dir = dir.join("containers");
    if !dir.is_dir() {
        eprintln!("skipped: no corpus containers (set XPRESS_CORPUS)");
        return None;
    }
    Some(dir)
}

#[test]
fn wof_streams_round_trip_and_decode_from_the_corpus() {
    let data = sample();
    let input = scratch("wof.in");
    std::fs::write(&input, &data).unwrap();
    let size = data.len().to_string();
    for container in ["wof-xpress4k", "wof-xpress8k", "wof-xpress16k"] {
        let packed = scratch(&format!("sample.{container}"));
        let back = scratch(&format!("sample.{container}.out"));
        let out = msxca(
            &["compress", "-q", "--force", "-c", container, input.to_str().unwrap(), packed.to_str().unwrap()],
            None,
        );
        assert!(out.status.success(), "{container}: {}", String::from_utf8_lossy(&out.stderr));
        let args = [
            "decompress",
            "-q",
            "--force",
            "-c",
            container,
            "-s",
            &size,
            packed.to_str().unwrap(),
            back.to_str().unwrap(),
        ];
        let out = msxca(&args, None);
        assert!(out.status.success(), "{container}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read(&back).unwrap() == data, "{container}");
    }
    // A WOF stream does not record its size: -s is required.
    let out = msxca(&["decompress", "-c", "wof-xpress8k", "x", "y"], None);
    assert_eq!(out.status.code(), Some(2));
    let Some(dir) = corpus_containers() else { return };
    let expected = std::fs::read(dir.join("wof/libfsntfs_uncompressed_7638.bin")).unwrap();
    for name in ["libfsntfs_wof_xpress8k_stream_7638.bin", "libfsntfs_lzxpress_huffman_4096.bin"] {
        let stream = dir.join("wof").join(name);
        let out = msxca(&["decompress", "-c", "wof-xpress8k", "-s", "7638", stream.to_str().unwrap(), "-"], None);
        assert!(out.status.success() && out.stdout == expected, "{name}");
    }
    let lzx = dir.join("wof/dfir-orc_vcpkg.exe.WofCompressedData");
    let out = msxca(&["decompress", "-c", "wof-xpress8k", "-s", "900000", lzx.to_str().unwrap(), "-"], None);
    assert_eq!(out.status.code(), Some(1));
    assert_one_clean_line(&out);
}

#[test]
fn smb2_messages_round_trip_in_both_forms() {
    let mut message = b"\xfeSMB".to_vec();
    message.extend(std::iter::repeat_n(0u8, 60));
    message.extend(sample());
    message.extend([0u8; 300]);
    let input = scratch("smb2.in");
    std::fs::write(&input, &message).unwrap();
    for format in ["lznt1", "xpress", "xpress-huff"] {
        for chained in [false, true] {
            let packed = scratch(&format!("smb2.{format}.{chained}"));
            let mut args = vec!["compress", "-q", "--force", "-c", "smb2", "-f", format];
            if chained {
                args.push("--chained");
            }
            args.extend([input.to_str().unwrap(), packed.to_str().unwrap()]);
            let out = msxca(&args, None);
            assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
            let bytes = std::fs::read(&packed).unwrap();
            assert!(bytes.starts_with(b"\xfcSMB") && bytes.len() < message.len() / 4, "{format} {chained}");
            let out = msxca(&["decompress", "-c", "smb2", packed.to_str().unwrap(), "-"], None);
            assert!(out.status.success() && out.stdout == message, "{format} {chained}");
            let out = msxca(&["info", packed.to_str().unwrap()], None);
            let report = String::from_utf8_lossy(&out.stdout);
            assert!(report.contains("SMB2 compression transform") && report.contains("reassembles"), "{report}");
        }
    }
    // -c smb2 needs the format to compress with.
    let out = msxca(&["compress", "-c", "smb2", input.to_str().unwrap(), "y"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn carve_writes_whole_and_partial_streams_by_offset() {
    let traces: Vec<Vec<u8>> = (0..2)
        .map(|k| (0..3000).flat_map(|i| format!("\\VOLUME{{{k}}}\\WINDOWS\\F{i}.DLL\0").into_bytes()).collect())
        .collect();
    let mut files = Vec::new();
    for (k, trace) in traces.iter().enumerate() {
        let input = scratch(&format!("trace{k}.txt"));
        let packed = scratch(&format!("trace{k}.pf"));
        std::fs::write(&input, trace).unwrap();
        let mut args = vec!["compress", "-q", "--force", "-c", "mam"];
        if k == 1 {
            args.push("--crc");
        }
        args.extend([input.to_str().unwrap(), packed.to_str().unwrap()]);
        let out = msxca(&args, None);
        assert!(out.status.success());
        files.push(std::fs::read(&packed).unwrap());
    }
    let junk = |n: usize| (0..n).map(|i| (i * 131 % 251) as u8 ^ 0x5A).collect::<Vec<u8>>();
    let mut image = junk(70_000);
    let first = image.len();
    image.extend(&files[0]);
    image.extend(b"MAM\x04\x20\0\0\0");
    image.extend(junk(3000));
    let second = image.len();
    image.extend(&files[1]);
    image.extend(junk(999));
    let third = image.len();
    image.extend(&files[0][..files[0].len() / 2]);
    let path = scratch("image.raw");
    std::fs::write(&path, &image).unwrap();
    let outdir = scratch("carved");
    let _ = std::fs::remove_dir_all(&outdir);
    let out = msxca(&["carve", path.to_str().unwrap(), outdir.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(report.lines().count(), 4, "three finds and a summary: {report}");
    assert!(report.contains("3 streams found (2 complete, 1 partial)"), "{report}");
    let mut names: Vec<String> =
        std::fs::read_dir(&outdir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, [format!("{first:016x}.pf"), format!("{second:016x}.pf"), format!("{third:016x}.partial")]);
    assert!(std::fs::read(outdir.join(&names[0])).unwrap() == traces[0]);
    assert!(std::fs::read(outdir.join(&names[1])).unwrap() == traces[1]);
    let partial = std::fs::read(outdir.join(&names[2])).unwrap();
    assert!(!partial.is_empty() && traces[0].starts_with(&partial));
}

#[test]
fn info_recognises_wof_wim_and_smb2() {
    let Some(dir) = corpus_containers() else { return };
    let wof = dir.join("wof/libfsntfs_wof_xpress8k_stream_7638.bin");
    let out = msxca(&["info", "-s", "7638", wof.to_str().unwrap()], None);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("WOF") && report.contains("as xpress8k: 1 chunk(s), decodes"),
        "{report}"
    );
    for wim in ["cyclic.wim", "longpaths.wim"] {
        let out = msxca(&["info", dir.join("wim").join(wim).to_str().unwrap()], None);
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && report.contains("container: WIM") && report.contains("compression: Xpress"),
            "{report}"
        );
        assert!(report.lines().filter(|l| l.starts_with("resource at")).all(|l| l.ends_with("decodes")), "{report}");
    }
}

/// Several megabytes of mixed records, runs and noise.
fn big_sample(len: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(len);
    let mut x = 0x9E37_79B9u32;
    while data.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        match x % 4 {
            0 => data.extend(std::iter::repeat_n(0u8, (x >> 20) as usize)),
            1 => data.extend((0..(x >> 24)).map(|i| (i ^ x) as u8)),
            _ => data.extend_from_slice(format!("entry {x:08x} of a big sample; ").as_bytes()),
        }
    }
    data.truncate(len);
    data
}

#[test]
fn every_thread_count_writes_the_same_bytes_and_reads_them_back() {
    let data = big_sample(6 << 20);
    let input = scratch("threads.bin");
    std::fs::write(&input, &data).unwrap();
    let packed = scratch("threads.packed");
    let size = data.len().to_string();
    let cases: [(&str, &str, &str, &[&str]); 9] = [
        ("raw", "lznt1", "standard", &[]),
        ("raw", "xpress", "standard", &["-s", &size]),
        ("raw", "xpress-huff", "standard", &["-s", &size]),
        // Segments side by side; Windows' maximum engines as a stream.
        ("raw", "xpress-huff", "2", &["-s", &size]),
        ("raw", "xpress", "2", &["-s", &size]),
        ("raw", "xpress-huff", "maximum", &["-s", &size]),
        ("frame", "lznt1", "standard", &[]),
        ("api", "xpress-huff", "standard", &[]),
        ("wof-xpress16k", "xpress-huff", "standard", &["-s", &size]),
    ];
    for (container, format, level, decode_args) in cases {
        let mut outputs = Vec::new();
        for threads in [None, Some("1"), Some("2"), Some("3")] {
            let mut args = vec!["compress", "-c", container, "-f", format, "-l", level, "-q"];
            if let Some(n) = threads {
                args.extend(["--threads", n]);
            }
            args.extend([input.to_str().unwrap(), packed.to_str().unwrap()]);
            let out = msxca(&args, None);
            assert!(out.status.success(), "{container} {format}: {}", String::from_utf8_lossy(&out.stderr));
            outputs.push(std::fs::read(&packed).unwrap());
        }
        assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{container} {format} {level}: thread counts differ");
        if container == "raw" && level != "standard" {
            // The library's one-shot bytes.
            let lib_format = if format == "xpress" { msxca::Format::Xpress } else { msxca::Format::XpressHuff };
            let lib_level = if level == "maximum" { msxca::Level::Maximum } else { msxca::Level::new(2).unwrap() };
            assert!(
                outputs[0] == msxca::compress(lib_format, lib_level, &data),
                "{format} {level}: not the one-shot bytes"
            );
        }
        for threads in ["1", "2"] {
            let mut args = vec!["decompress", "-c", container, "-f", format, "--threads", threads];
            args.extend_from_slice(decode_args);
            args.extend([packed.to_str().unwrap(), "-"]);
            let out = msxca(&args, None);
            assert!(out.status.success(), "{container} {format}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(out.stdout == data, "{container} {format}, {threads} threads");
        }
    }
    // 0 is every core, as with zstd's -T0.
    let every = msxca(&["compress", "-f", "lznt1", "--threads", "0", input.to_str().unwrap(), "-"], None);
    let one = msxca(&["compress", "-f", "lznt1", "--threads", "1", input.to_str().unwrap(), "-"], None);
    assert!(every.status.success() && every.stdout == one.stdout);
    let out = msxca(&["compress", "-f", "lznt1", "--threads", "two", input.to_str().unwrap(), "-"], None);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&packed);
}

#[test]
fn a_stream_that_fails_after_megabytes_of_output_leaves_no_output_file() {
    let data = big_sample(24 << 20);
    let size = data.len().to_string();
    let cases: [(&str, &str, &[&str]); 3] =
        [("raw", "lznt1", &[]), ("frame", "xpress", &[]), ("raw", "xpress-huff", &["-s", &size])];
    for (container, format, extra) in cases {
        let mut packed = msxca(&["compress", "-c", container, "-f", format, "-", "-"], Some(&data)).stdout;
        assert!(!packed.is_empty());
        // Damage near the end, so that most of the output is written
        // before it: a frame's block (its checksum fails), LZNT1's last
        // chunk cut by a byte, LZ77+Huffman of known size cut by 2%.
        match (container, format) {
            ("frame", _) => {
                let at = packed.len() - packed.len() / 50;
                packed[at..at + 64].fill(0xEE);
            }
            (_, "lznt1") => drop(packed.pop()),
            _ => packed.truncate(packed.len() - packed.len() / 50),
        }
        let input = scratch("late-damage.bin");
        std::fs::write(&input, &packed).unwrap();
        let output = scratch("late-damage.out");
        let _ = std::fs::remove_file(&output);
        let mut args = vec!["decompress", "-c", container, "-f", format];
        args.extend_from_slice(extra);
        args.extend([input.to_str().unwrap(), output.to_str().unwrap()]);
        let out = msxca(&args, None);
        assert_eq!(out.status.code(), Some(1), "{container} {format}");
        assert_one_clean_line(&out);
        assert!(!output.exists(), "{container} {format}: a partial output was left");
        let leftovers = std::fs::read_dir(output.parent().unwrap())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("late-damage.out.msxca"))
            .count();
        assert_eq!(leftovers, 0, "the temporary file is gone");
        let _ = std::fs::remove_file(&input);
    }
}

#[test]
fn a_full_output_fails_the_run_naming_it_whatever_the_thread_count() {
    if !Path::new("/dev/full").exists() {
        println!("no /dev/full here: skipped");
        return;
    }
    let input = scratch("full.bin");
    std::fs::write(&input, big_sample(5 << 20)).unwrap();
    for (container, format) in [("raw", "lznt1"), ("raw", "xpress-huff"), ("frame", "xpress"), ("api", "xpress-huff")] {
        for threads in ["1", "2"] {
            let args = ["compress", "-q", "-c", container, "-f", format, "--threads", threads];
            let out = msxca(&[&args[..], &[input.to_str().unwrap(), "/dev/full"]].concat(), None);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{container} {format}, {threads} threads: {stderr}");
            assert!(stderr.contains("/dev/full"), "{container} {format}, {threads} threads: {stderr}");
        }
    }
    let _ = std::fs::remove_file(&input);
}
