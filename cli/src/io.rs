//! What every command shares: how failures are reported, reading the
//! input, writing the output safely, and progress on a terminal.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// A failure to report: one line, exit status 1 (bad data or I/O).
pub(crate) struct Failure(pub(crate) String);

impl From<msxca::Error> for Failure {
    fn from(e: msxca::Error) -> Self {
        Failure(e.to_string())
    }
}

/// Inputs above this size get progress messages on a terminal.
pub(crate) const PROGRESS_THRESHOLD: usize = 64 << 20;

/// Progress messages on stderr, only when it is a terminal and not `-q`.
pub(crate) struct Progress {
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(quiet: bool, size: usize) -> Self {
        Progress { enabled: !quiet && size > PROGRESS_THRESHOLD && std::io::stderr().is_terminal() }
    }

    pub(crate) fn say(&self, message: &str) {
        if self.enabled {
            eprint!("\r\x1b[2Kmsxca: {message}");
        }
    }

    pub(crate) fn done(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut data = Vec::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut data).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut data)).map(|_| ())
    };
    result.map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    Ok(data)
}

/// Refuses to replace an existing non-empty OUTPUT without --force when a
/// person is at the terminal. Scripts (no terminal on stderr) keep the
/// plain replace-the-output contract that tools built on msxca rely on.
pub(crate) fn check_output(path: &Path, force: bool) -> Result<(), Failure> {
    let interactive = std::io::stderr().is_terminal();
    if interactive && path.as_os_str() != "-" && !force && std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Failure(format!("{}: already exists (use --force to overwrite)", path.display())));
    }
    Ok(())
}

/// Writes the whole result through a temporary file renamed into place, so
/// that a failure never leaves a partial OUTPUT behind.
pub(crate) fn write_output(path: &Path, data: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure(format!("{}: {e}", path.display()));
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        return match out.write_all(data).and_then(|()| out.flush()) {
            // The reader went away (`msxca … - | head`): not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            result => result.map_err(fail),
        };
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".msxca-{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    let written = std::fs::write(&temp, data).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}
