//! What every command shares: how failures are reported, the input as a
//! stream, the output written safely, and progress on a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// A failure to report: one line, exit status 1 (bad data or I/O).
pub(crate) struct Failure(pub(crate) String);

impl From<msxca::Error> for Failure {
    fn from(e: msxca::Error) -> Self {
        Failure(e.to_string())
    }
}

/// Inputs above this size get a progress bar on a terminal.
pub(crate) const PROGRESS_THRESHOLD: u64 = 16 << 20;

/// The input: a file, whose size is known, or standard input.
pub(crate) struct Input {
    reader: Box<dyn Read + Send>,
    /// The size, for a regular file.
    pub(crate) size: Option<u64>,
    bar: Option<ProgressBar>,
}

impl Input {
    /// Opens `path` (`-`: standard input), with a progress bar counting
    /// what is read when stderr is a terminal and not `quiet`.
    pub(crate) fn open(path: &Path, quiet: bool, action: &str) -> Result<Input, Failure> {
        let fail = |e: std::io::Error| Failure(format!("{}: {e}", path.display()));
        let (reader, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
            (Box::new(std::io::stdin()), None)
        } else {
            let file = File::open(path).map_err(fail)?;
            let meta = file.metadata().map_err(fail)?;
            let size = meta.is_file().then_some(meta.len());
            (Box::new(file), size)
        };
        let show = !quiet && std::io::stderr().is_terminal() && size.is_none_or(|s| s > PROGRESS_THRESHOLD);
        let bar = show.then(|| progress_bar(size, &format!("msxca: {action} {}", path.display())));
        Ok(Input { reader, size, bar })
    }

    /// The whole input in memory, for the containers that need it whole.
    pub(crate) fn read_all(&mut self, name: &Path) -> Result<Vec<u8>, Failure> {
        let mut data = Vec::new();
        self.read_to_end(&mut data).map_err(|e| Failure(format!("{}: {e}", name.display())))?;
        Ok(data)
    }

    /// Ends the progress bar, with `message` in its place.
    pub(crate) fn done(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(message.to_string());
        }
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(buf)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

fn progress_bar(size: Option<u64>, prefix: &str) -> ProgressBar {
    let bar = match size {
        Some(size) => ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        ),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{prefix} {spinner} {bytes} {binary_bytes_per_sec} {elapsed} {msg}")
                .expect("a valid template"),
        ),
    };
    bar.set_prefix(prefix.to_string());
    bar
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

/// The output: a temporary file beside OUTPUT, renamed into place by
/// [`commit`](Output::commit) (so that a failure, even in the middle of a
/// stream, never leaves a partial OUTPUT), or standard output.
pub(crate) struct Output {
    path: PathBuf,
    target: Target,
}

enum Target {
    File { file: BufWriter<File>, temp: PathBuf },
    Device(BufWriter<File>),
    Stdout(BufWriter<std::io::Stdout>),
    Committed,
}

/// Bytes written to an output file at a time.
const OUTPUT_BUFFER: usize = 1 << 20;
/// Bytes held back from standard output until the run succeeds: a failed
/// run writes nothing there unless its output was already longer.
const STDOUT_HELD: usize = 16 << 20;

impl Output {
    pub(crate) fn create(path: &Path) -> Result<Output, Failure> {
        let target = if path.as_os_str() == "-" {
            Target::Stdout(BufWriter::with_capacity(STDOUT_HELD, std::io::stdout()))
        } else if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            // A device or a named pipe (`/dev/null`, a FIFO): written to
            // directly, as nothing could be renamed over it.
            let file = std::fs::OpenOptions::new().write(true).open(path);
            let file = file.map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            Target::Device(BufWriter::with_capacity(OUTPUT_BUFFER, file))
        } else {
            let mut temp = path.as_os_str().to_owned();
            temp.push(format!(".msxca-{}.tmp", std::process::id()));
            let temp = PathBuf::from(temp);
            let file = File::create(&temp).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            Target::File { file: BufWriter::with_capacity(OUTPUT_BUFFER, file), temp }
        };
        Ok(Output { path: path.to_path_buf(), target })
    }

    /// Whether the output can seek back (a file; not standard output).
    pub(crate) fn seekable(&self) -> bool {
        matches!(self.target, Target::File { .. })
    }

    /// A failure to write, naming OUTPUT.
    pub(crate) fn failure(&self, e: std::io::Error) -> Failure {
        Failure(format!("{}: {e}", self.path.display()))
    }

    /// Flushes everything and puts the file in place.
    pub(crate) fn commit(mut self) -> Result<(), Failure> {
        match std::mem::replace(&mut self.target, Target::Committed) {
            Target::File { file, temp } => {
                let done = file.into_inner().map_err(|e| e.into_error()).and_then(|file| {
                    drop(file);
                    std::fs::rename(&temp, &self.path)
                });
                if let Err(e) = done {
                    let _ = std::fs::remove_file(&temp);
                    return Err(self.failure(e));
                }
                Ok(())
            }
            Target::Stdout(mut out) => match out.flush() {
                // The reader went away (`msxca … - | head`): not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                result => result.map_err(|e| self.failure(e)),
            },
            Target::Device(mut out) => out.flush().map_err(|e| self.failure(e)),
            Target::Committed => Ok(()),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.target {
            Target::File { file, .. } | Target::Device(file) => file.write(buf),
            // A reader that went away takes everything: nobody is left to
            // tell, and the run ends as it would have.
            Target::Stdout(out) => match out.write(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
                other => other,
            },
            Target::Committed => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.target {
            Target::File { file, .. } | Target::Device(file) => file.flush(),
            Target::Stdout(out) => match out.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            Target::Committed => Ok(()),
        }
    }
}

impl Seek for Output {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match &mut self.target {
            Target::File { file, .. } => file.seek(pos),
            _ => Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "standard output cannot seek")),
        }
    }
}

impl Drop for Output {
    /// A run that failed: the temporary file goes, and what standard
    /// output still holds back is dropped unwritten.
    fn drop(&mut self) {
        match std::mem::replace(&mut self.target, Target::Committed) {
            Target::File { file, temp } => {
                drop(file.into_parts());
                let _ = std::fs::remove_file(temp);
            }
            Target::Stdout(out) => drop(out.into_parts()),
            Target::Device(out) => drop(out.into_parts()),
            Target::Committed => {}
        }
    }
}

/// Copies `from` into `to` in large steps; errors say which side failed:
/// decoding or reading names INPUT, writing names OUTPUT (unless the
/// writer is an encoder whose error is about the data).
///
/// With more than one thread, `from` is read on a thread of its own while
/// `to` takes what was read before: reading the input overlaps
/// compressing it, and decoding overlaps writing the output.
pub(crate) fn pump(
    from: &mut (impl Read + Send),
    to: &mut impl Write,
    input: &Path,
    output: &Path,
    threads: usize,
) -> Result<u64, Failure> {
    let read_failure = |e: std::io::Error| Failure(format!("{}: {e}", input.display()));
    if threads == 1 {
        let mut buf = vec![0u8; PUMP_STEP];
        let mut total = 0u64;
        loop {
            let n = read_some(from, &mut buf).map_err(read_failure)?;
            if n == 0 {
                return Ok(total);
            }
            to.write_all(&buf[..n]).map_err(|e| data_or_output(e, input, output))?;
            total += n as u64;
        }
    }
    std::thread::scope(|scope| {
        // Steps read go one way, their buffers come back the other.
        let (read_tx, read_rx) = mpsc::sync_channel::<std::io::Result<(Vec<u8>, usize)>>(PUMP_AHEAD);
        let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
        for _ in 0..=PUMP_AHEAD {
            spare_tx.send(vec![0u8; PUMP_STEP]).expect("the channel is open");
        }
        scope.spawn(move || {
            // Ends when the input does, or when the writing side has gone.
            while let Ok(mut buf) = spare_rx.recv() {
                let step = read_some(from, &mut buf).map(|n| (buf, n));
                let last = !matches!(step, Ok((_, n)) if n > 0);
                if read_tx.send(step).is_err() || last {
                    return;
                }
            }
        });
        let mut total = 0u64;
        loop {
            let (buf, n) = read_rx.recv().expect("the reading thread answers").map_err(read_failure)?;
            if n == 0 {
                return Ok(total);
            }
            to.write_all(&buf[..n]).map_err(|e| data_or_output(e, input, output))?;
            total += n as u64;
            // The reading thread may have stopped already.
            let _ = spare_tx.send(buf);
        }
    })
}

/// A writer that hands what is written to a thread of its own, a step at
/// a time, so that compressing the next step overlaps writing the last;
/// on one thread it writes straight through. A failed write shows on a
/// later write, or on [`finish`](Self::finish).
pub(crate) struct WriteBehind<'scope, W: Write + Send> {
    behind: Option<Behind<'scope>>,
    /// The writer, when there is no thread.
    direct: Option<W>,
    step: Vec<u8>,
}

/// The writing thread, the steps on their way to it and those back from
/// it.
struct Behind<'scope> {
    steps: mpsc::SyncSender<Vec<u8>>,
    spare: mpsc::Receiver<Vec<u8>>,
    thread: std::thread::ScopedJoinHandle<'scope, std::io::Result<()>>,
}

/// Bytes handed to the writing thread at a time.
const WRITE_STEP: usize = 1 << 20;

impl<'scope, W: Write + Send + 'scope> WriteBehind<'scope, W> {
    /// Writes to `inner` on a thread of `scope` when there are `threads`
    /// above one.
    pub(crate) fn new<'env>(scope: &'scope std::thread::Scope<'scope, 'env>, mut inner: W, threads: usize) -> Self {
        if threads == 1 {
            return WriteBehind { behind: None, direct: Some(inner), step: Vec::new() };
        }
        let (steps, to_write) = mpsc::sync_channel::<Vec<u8>>(PUMP_AHEAD);
        let (written, spare) = mpsc::channel();
        let thread = scope.spawn(move || {
            for step in to_write {
                inner.write_all(&step)?;
                // The writing side may be gone already.
                let _ = written.send(step);
            }
            inner.flush()
        });
        WriteBehind {
            behind: Some(Behind { steps, spare, thread }),
            direct: None,
            step: Vec::with_capacity(WRITE_STEP),
        }
    }

    /// Hands the step gathered so far to the thread.
    fn hand_over(&mut self) -> std::io::Result<()> {
        let behind = self.behind.as_mut().expect("a writing thread");
        let next = behind.spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(WRITE_STEP));
        let step = std::mem::replace(&mut self.step, next);
        if behind.steps.send(step).is_err() {
            // The thread stopped on an error: that is the answer.
            return Err(self.finish().expect_err("the writing thread failed"));
        }
        self.step.clear();
        Ok(())
    }

    /// Writes what is left and waits for the thread to end.
    pub(crate) fn finish(&mut self) -> std::io::Result<()> {
        if let Some(direct) = &mut self.direct {
            return direct.flush();
        }
        let Some(Behind { steps, spare, thread }) = self.behind.take() else { return Ok(()) };
        let last = std::mem::take(&mut self.step);
        let sent = last.is_empty() || steps.send(last).is_ok();
        drop((steps, spare));
        let result = thread.join().unwrap_or_else(|_| Err(std::io::Error::other("the writing thread panicked")));
        debug_assert!(sent || result.is_err());
        result
    }
}

impl<'scope, W: Write + Send + 'scope> Write for WriteBehind<'scope, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(direct) = &mut self.direct {
            return direct.write(buf);
        }
        if self.behind.is_none() {
            return Err(std::io::Error::other("written to after it finished"));
        }
        let take = buf.len().min(WRITE_STEP - self.step.len());
        self.step.extend_from_slice(&buf[..take]);
        if self.step.len() == WRITE_STEP {
            self.hand_over()?;
        }
        Ok(take)
    }

    /// Nothing to do: steps are handed over as they fill, and the rest at
    /// [`finish`](WriteBehind::finish); a stream cannot be cut where the
    /// encoder flushes.
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.direct {
            Some(direct) => direct.flush(),
            None => Ok(()),
        }
    }
}

/// Bytes the pump reads a step.
const PUMP_STEP: usize = 256 << 10;
/// Steps read ahead of the one being written.
const PUMP_AHEAD: usize = 4;

/// Reads what `from` gives next, past interruptions.
fn read_some(from: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match from.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

/// An encoder's or writer's error: about the data (naming INPUT) when the
/// library raised it, else about OUTPUT.
pub(crate) fn data_or_output(e: std::io::Error, input: &Path, output: &Path) -> Failure {
    let about_data =
        e.get_ref().is_some_and(|inner| inner.is::<msxca::Error>()) || e.kind() == std::io::ErrorKind::InvalidInput;
    let name = if about_data { input } else { output };
    Failure(format!("{}: {e}", name.display()))
}

/// The whole of `path` (`-`: standard input), for the commands that look
/// at a file as a whole (`info`, `bench`).
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    Input::open(path, true, "reading")?.read_all(path)
}

/// Writes `data` to `path` (`-`: standard output) through [`Output`].
pub(crate) fn write_output(path: &Path, data: &[u8]) -> Result<(), Failure> {
    let mut output = Output::create(path)?;
    output.write_all(data).map_err(|e| output.failure(e))?;
    output.commit()
}
