//! Locating the shared data that lives beside the project (never inside it).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `$XPRESS_CORPUS`, or `../shared/corpus` from the project root, if it exists.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("XPRESS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

/// `$XPRESS_SPEC_EXAMPLES`, or `../shared/spec/examples`, if it exists.
pub fn examples_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("XPRESS_SPEC_EXAMPLES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/examples"),
    };
    dir.is_dir().then_some(dir)
}

/// The Windows-made vectors, or `None` after saying (once per test) why they are skipped.
pub fn windows_dir(test: &str) -> Option<PathBuf> {
    match corpus_dir().map(|d| d.join("windows")).filter(|d| d.is_dir()) {
        Some(dir) => Some(dir),
        None => {
            eprintln!("{test}: skipped, no corpus (set XPRESS_CORPUS or provide ../shared/corpus)");
            None
        }
    }
}

/// One Windows-compressed file with its original.
pub struct WindowsVector {
    pub folder: &'static str,
    pub name: String,
    pub format: msxca::Format,
    pub compressed: Vec<u8>,
    pub original: Vec<u8>,
}

impl WindowsVector {
    /// Windows' Compression API returns the input verbatim when compressing
    /// does not make it smaller; such files are not streams.
    pub fn is_stored(&self) -> bool {
        self.compressed.len() == self.original.len()
    }
}

pub const WINDOWS_FOLDERS: [(&str, &str, msxca::Format); 4] = [
    ("compressed-plain", "lzplain", msxca::Format::Xpress),
    ("compressed-more-plain", "lzplain", msxca::Format::Xpress),
    ("compressed-huffman", "lzhuff", msxca::Format::XpressHuff),
    ("compressed-more-huffman", "lzhuff", msxca::Format::XpressHuff),
];

/// Every vector of `windows/`, sorted by folder and name.
pub fn windows_vectors(windows: &Path) -> Vec<WindowsVector> {
    let mut vectors = Vec::new();
    for (folder, ext, format) in WINDOWS_FOLDERS {
        let mut names: Vec<PathBuf> = std::fs::read_dir(windows.join(folder))
            .unwrap_or_else(|e| panic!("{folder}: {e}"))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .collect();
        names.sort();
        for path in names {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let original_path = windows.join("decompressed").join(format!("{name}.decomp"));
            vectors.push(WindowsVector {
                folder,
                format,
                compressed: std::fs::read(&path).unwrap(),
                original: std::fs::read(&original_path).unwrap_or_else(|e| panic!("{}: {e}", original_path.display())),
                name,
            });
        }
    }
    vectors
}

/// One row of `spec/examples/MANIFEST.md`.
pub struct Example {
    pub name: String,
    pub format: msxca::Format,
    pub compressed: Vec<u8>,
    /// `None` for the negative vectors.
    pub expected: Option<Vec<u8>>,
    pub expected_status: String,
}

/// Every example listed in the manifest, read from disk.
pub fn examples(dir: &Path) -> Vec<Example> {
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.md")).expect("MANIFEST.md");
    let mut out = Vec::new();
    for line in manifest.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | name | format | in | compressed | expected | ...
        if cells.len() < 7 {
            continue;
        }
        let format = match cells[2] {
            "lzplain" => msxca::Format::Xpress,
            "lzhuff" => msxca::Format::XpressHuff,
            "lznt1" => msxca::Format::Lznt1,
            _ => continue,
        };
        let name = cells[1].trim_matches('`').to_string();
        let compressed = std::fs::read(dir.join(format!("{name}.{}", cells[2]))).unwrap();
        let expected_status = cells[5].to_string();
        let expected = (expected_status == "SUCCESS").then(|| std::fs::read(dir.join(format!("{name}.in"))).unwrap());
        out.push(Example { name, format, compressed, expected, expected_status });
    }
    out
}

/// `len` pseudo-random bytes (xorshift32 from `seed`): incompressible data
/// that is the same on every run.
pub fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}
