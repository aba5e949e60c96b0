//! The native module `msxca._msxca` behind the Python package `msxca`
//! (`python/python/msxca`): thin functions over the library, which release
//! the GIL while the codecs run and raise `msxca.Error` subclasses that
//! carry the input offset and the output bytes decoded right.

use msxca::{Compressor, Decompressor, Error as CoreError, ErrorKind, Format, Level};
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PySlice};
use std::borrow::Cow;

create_exception!(_msxca, Error, PyValueError, "A failure of msxca; `.offset` and `.valid` say where and how much.");
create_exception!(_msxca, BadDataError, Error, "The input is not a valid stream or container.");
create_exception!(_msxca, TruncatedError, BadDataError, "The input ends inside the stream.");
create_exception!(_msxca, OutputTooSmallError, Error, "The output does not hold the data.");
create_exception!(_msxca, LimitExceededError, Error, "A size is over a limit (max_size, or the format's).");
create_exception!(_msxca, UnsupportedError, Error, "Valid, but not supported (LZX, LZ4, ...).");

/// Sizes without a `max_size` stop here: 1 GiB, the library's default.
const DEFAULT_MAX_SIZE: usize = msxca::DEFAULT_OUTPUT_LIMIT;

/// The Python exception for a library error, with `offset` (or None) and
/// `valid` (output bytes decoded right before it, 0 when unknown).
fn py_error(py: Python<'_>, error: CoreError) -> PyErr {
    let message = error.to_string();
    let valid = error.valid_output().unwrap_or(0);
    let offset = error.offset();
    let err = match error.kind() {
        ErrorKind::Truncated => TruncatedError::new_err(message),
        ErrorKind::OutputTooSmall => OutputTooSmallError::new_err(message),
        ErrorKind::LimitExceeded => LimitExceededError::new_err(message),
        ErrorKind::Unsupported => UnsupportedError::new_err(message),
        _ => BadDataError::new_err(message),
    };
    let value = err.value(py);
    let _ = value.setattr("offset", offset);
    let _ = value.setattr("valid", valid);
    err
}

/// A format given as its Windows number (2, 3, 4) or its name.
fn format_of(obj: &Bound<'_, PyAny>) -> PyResult<Format> {
    if let Ok(n) = obj.extract::<u16>() {
        return Format::from_windows_id(n).ok_or_else(|| PyValueError::new_err(format!("unknown format number {n}")));
    }
    let name: String =
        obj.extract().map_err(|_| PyTypeError::new_err("format is a number (2, 3, 4) or a name such as 'lznt1'"))?;
    match name.to_ascii_lowercase().replace('_', "-").as_str() {
        "lznt1" => Ok(Format::Lznt1),
        "xpress" | "plain" | "lz77" | "lzxpress" => Ok(Format::Xpress),
        "xpress-huff" | "huffman" | "lz77+huffman" | "lzxpress-huffman" => Ok(Format::XpressHuff),
        other => Err(PyValueError::new_err(format!("unknown format {other:?}"))),
    }
}

/// A level given as the command line names it: "standard", "maximum", or
/// 1 to 9 (as a number or a string).
fn level_of(obj: &Bound<'_, PyAny>) -> PyResult<Level> {
    let level = if let Ok(n) = obj.extract::<u8>() {
        Level::new(n)
    } else {
        let name: String =
            obj.extract().map_err(|_| PyTypeError::new_err("level is 'standard', 'maximum' or 1 to 9"))?;
        Level::from_name(&name.to_ascii_lowercase())
    };
    level.ok_or_else(|| PyValueError::new_err("level is 'standard', 'maximum' or 1 to 9"))
}

/// Decodes `data` with `decompressor` into a new `bytes`: exactly `size`
/// bytes for LZ77+Huffman (required), at most `size` (or `max_size`) for
/// the others, whose streams end themselves. Returns it and the input
/// bytes used.
fn decode<'py>(
    py: Python<'py>,
    decompressor: &mut Decompressor,
    data: &[u8],
    size: Option<usize>,
    max_size: usize,
) -> PyResult<(Bound<'py, PyBytes>, usize)> {
    let format = decompressor.format();
    let capacity = match (size, format) {
        (Some(size), _) => size,
        (None, Format::XpressHuff) => {
            return Err(PyValueError::new_err("xpress-huff does not record its size: pass size="));
        }
        // A first guess, doubled while the output does not fit.
        (None, _) => data.len().saturating_mul(4).max(1 << 16).min(max_size),
    };
    if capacity > max_size {
        return Err(py_error(
            py,
            CoreError::LimitExceeded { what: "size", size: capacity as u64, limit: max_size as u64 },
        ));
    }
    if size.is_some() {
        // Decoded straight into the new bytes object: no second copy where
        // the size given is the size (as it is for LZ77+Huffman, and
        // mostly for the others).
        let mut result = Ok((0, 0));
        let bytes = PyBytes::new_with(py, capacity, |buf| {
            result = py.detach(|| decompressor.decompress_into_ex(data, buf));
            Ok(())
        })?;
        return match result {
            Ok((n, used)) if n == capacity => Ok((bytes, used)),
            Ok((n, used)) => Ok((PyBytes::new(py, &bytes.as_bytes()[..n]), used)),
            Err(_) => Err(partial_error(py, decompressor, data, capacity)),
        };
    }
    // No size: grown from the first guess.
    let mut out = vec![0u8; capacity];
    loop {
        match py.detach(|| decompressor.decompress_into_ex(data, &mut out)) {
            Ok((n, used)) => {
                out.truncate(n);
                return Ok((PyBytes::new(py, &out), used));
            }
            Err(error) if error.kind() == ErrorKind::OutputTooSmall => {
                if out.len() >= max_size {
                    let over = CoreError::LimitExceeded {
                        what: "uncompressed data",
                        size: max_size as u64 + 1,
                        limit: max_size as u64,
                    };
                    return Err(py_error(py, over));
                }
                let grown = out.len().saturating_mul(2).min(max_size);
                out.resize(grown, 0);
            }
            Err(_) => return Err(partial_error(py, decompressor, data, out.len())),
        }
    }
}

/// The exception for a stream that failed to decode into `capacity`
/// bytes: decoded again, only now, to say how much output is right.
#[cold]
fn partial_error(py: Python<'_>, decompressor: &mut Decompressor, data: &[u8], capacity: usize) -> PyErr {
    let mut out = vec![0u8; capacity];
    let error = py.detach(|| decompressor.decompress_partial(data, &mut out)).err();
    py_error(py, error.unwrap_or(CoreError::Unsupported { what: "a stream that decodes only the second time" }))
}

/// Runs `codec` with the GIL released and returns its output as `bytes`,
/// or its error as the exception.
fn run<'py>(
    py: Python<'py>,
    codec: impl Send + FnOnce() -> Result<Vec<u8>, CoreError>,
) -> PyResult<Bound<'py, PyBytes>> {
    let out = py.detach(codec).map_err(|e| py_error(py, e))?;
    Ok(PyBytes::new(py, &out))
}

/// compress(data, format, level="standard") -> bytes
///
/// The raw stream of `data` in `format`, as RtlCompressBuffer writes it.
#[pyfunction]
#[pyo3(signature = (data, format, level=None))]
fn compress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    level: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let format = format_of(format)?;
    let level = level.map(level_of).transpose()?.unwrap_or(Level::Standard);
    let packed = py.detach(|| msxca::compress(format, level, &data));
    Ok(PyBytes::new(py, &packed))
}

/// decompress(data, format, size=None, *, max_size=1 GiB) -> bytes
#[pyfunction]
#[pyo3(signature = (data, format, size=None, *, max_size=DEFAULT_MAX_SIZE))]
fn decompress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    size: Option<usize>,
    max_size: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut d = Decompressor::new(format_of(format)?);
    decode(py, &mut d, &data, size, max_size).map(|(out, _)| out)
}

/// decompress_ex(data, format, size=None, *, max_size=1 GiB) -> (bytes, int)
///
/// Also the number of input bytes the stream used.
#[pyfunction]
#[pyo3(signature = (data, format, size=None, *, max_size=DEFAULT_MAX_SIZE))]
fn decompress_ex<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    size: Option<usize>,
    max_size: usize,
) -> PyResult<(Bound<'py, PyBytes>, usize)> {
    let mut d = Decompressor::new(format_of(format)?);
    decode(py, &mut d, &data, size, max_size)
}

/// decompress_into(data, format, out) -> int
///
/// Decodes into the bytearray `out` (its length is the exact size for
/// xpress-huff, the capacity otherwise); returns the bytes written.
#[pyfunction]
fn decompress_into(
    py: Python<'_>,
    data: Cow<'_, [u8]>,
    format: &Bound<'_, PyAny>,
    out: &Bound<'_, PyByteArray>,
) -> PyResult<usize> {
    let mut d = Decompressor::new(format_of(format)?);
    let (decoded, _) = decode(py, &mut d, &data, Some(out.len()), usize::MAX)?;
    let n = decoded.as_bytes().len();
    out.set_item(PySlice::new(py, 0, n as isize, 1), decoded)?;
    Ok(n)
}

/// decompress_capacity(data, format, size) -> bytes
///
/// As much as `size` bytes hold or the input gives (pyfwnt's semantics).
#[pyfunction]
fn decompress_capacity<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    size: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut d = Decompressor::new(format_of(format)?);
    // LZNT1 decodes whole chunks and Plain LZ77 stops short of a match that
    // does not fit: decoded with room to spare, then cut, the result holds
    // all that fits.
    let mut out = vec![0u8; size.saturating_add(1 << 16)];
    let n = py.detach(|| d.decompress_up_to(&data, &mut out)).map_err(|e| py_error(py, e))?;
    Ok(PyBytes::new(py, &out[..n.min(size)]))
}

/// decompress_unsized_huffman(data, max_size=1 GiB) -> bytes
///
/// An LZ77+Huffman stream whose size is lost, decoded until its input
/// runs out (dissect.util's semantics, without the end-of-data mark).
#[pyfunction]
#[pyo3(signature = (data, max_size=DEFAULT_MAX_SIZE))]
fn decompress_unsized_huffman<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    max_size: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut d = Decompressor::new(Format::XpressHuff);
    // Every 65536 bytes of output take a 256-byte table: a first guess,
    // doubled while the output fills up.
    let mut out = vec![0u8; data.len().saturating_mul(8).max(1 << 16).min(max_size)];
    loop {
        let n = py.detach(|| d.decompress_up_to(&data, &mut out)).map_err(|e| py_error(py, e))?;
        if n < out.len() || out.len() >= max_size {
            return Ok(PyBytes::new(py, &out[..n]));
        }
        let grown = out.len().saturating_mul(2).min(max_size);
        out.resize(grown, 0);
    }
}

/// max_compressed_size(format, size) -> int
#[pyfunction]
fn max_compressed_size(format: &Bound<'_, PyAny>, size: usize) -> PyResult<usize> {
    Ok(msxca::max_compressed_size(format_of(format)?, size))
}

/// A reusable compressor: Compressor(format, level="standard").
#[pyclass(name = "Compressor", module = "msxca")]
struct PyCompressor {
    compressor: Compressor,
    /// The output of the last call, kept so that the next one neither
    /// allocates nor zeroes it again.
    scratch: Vec<u8>,
}

#[pymethods]
impl PyCompressor {
    #[new]
    #[pyo3(signature = (format, level=None))]
    fn new(format: &Bound<'_, PyAny>, level: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let level = level.map(level_of).transpose()?.unwrap_or(Level::Standard);
        Ok(PyCompressor { compressor: Compressor::new(format_of(format)?, level), scratch: Vec::new() })
    }

    /// compress(data) -> bytes
    fn compress<'py>(&mut self, py: Python<'py>, data: Cow<'_, [u8]>) -> PyResult<Bound<'py, PyBytes>> {
        let bound = msxca::max_compressed_size(self.compressor.format(), data.len());
        if self.scratch.len() < bound {
            self.scratch.resize(bound, 0);
        }
        let (compressor, out) = (&mut self.compressor, &mut self.scratch[..bound]);
        let n = py.detach(|| compressor.compress_into(&data, out)).map_err(|e| py_error(py, e))?;
        Ok(PyBytes::new(py, &self.scratch[..n]))
    }
}

/// A reusable decompressor: Decompressor(format).
#[pyclass(name = "Decompressor", module = "msxca")]
struct PyDecompressor(Decompressor);

#[pymethods]
impl PyDecompressor {
    #[new]
    fn new(format: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyDecompressor(Decompressor::new(format_of(format)?)))
    }

    /// decompress(data, size=None, *, max_size=1 GiB) -> bytes
    #[pyo3(signature = (data, size=None, *, max_size=DEFAULT_MAX_SIZE))]
    fn decompress<'py>(
        &mut self,
        py: Python<'py>,
        data: Cow<'_, [u8]>,
        size: Option<usize>,
        max_size: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        decode(py, &mut self.0, &data, size, max_size).map(|(out, _)| out)
    }

    /// decompress_ex(data, size=None, *, max_size=1 GiB) -> (bytes, int)
    #[pyo3(signature = (data, size=None, *, max_size=DEFAULT_MAX_SIZE))]
    fn decompress_ex<'py>(
        &mut self,
        py: Python<'py>,
        data: Cow<'_, [u8]>,
        size: Option<usize>,
        max_size: usize,
    ) -> PyResult<(Bound<'py, PyBytes>, usize)> {
        decode(py, &mut self.0, &data, size, max_size)
    }
}

/// mam_decompress(data, max_size) -> bytes
#[pyfunction]
#[pyo3(signature = (data, max_size=DEFAULT_MAX_SIZE))]
fn mam_decompress<'py>(py: Python<'py>, data: Cow<'_, [u8]>, max_size: usize) -> PyResult<Bound<'py, PyBytes>> {
    run(py, || msxca::mam::decompress(&data, max_size))
}

/// mam_compress(data, format, level, crc) -> bytes
#[pyfunction]
fn mam_compress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    level: &Bound<'py, PyAny>,
    crc: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let (format, level) = (format_of(format)?, level_of(level)?);
    run(py, || msxca::mam::compress(format, level, &data, crc))
}

/// mam_read_header(data) -> (format, uncompressed_size, crc or None, data_offset)
#[pyfunction]
fn mam_read_header(py: Python<'_>, data: Cow<'_, [u8]>) -> PyResult<(u16, u32, Option<u32>, usize)> {
    let h = msxca::mam::read_header(&data).map_err(|e| py_error(py, e))?;
    Ok((h.format.windows_id(), h.uncompressed_size, h.crc, h.data_offset))
}

fn api_mode(mode: &str) -> PyResult<msxca::api::Mode> {
    match mode {
        "buffer" => Ok(msxca::api::Mode::Buffer),
        "raw" => Ok(msxca::api::Mode::Raw),
        _ => Err(PyValueError::new_err("mode is 'buffer' or 'raw'")),
    }
}

/// api_compress(data, format, level, mode) -> bytes
#[pyfunction]
fn api_compress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    level: &Bound<'py, PyAny>,
    mode: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let (format, level, mode) = (format_of(format)?, level_of(level)?, api_mode(mode)?);
    run(py, || msxca::api::compress(format, level, mode, &data))
}

/// api_decompress(data, format, mode, max_size) -> bytes (a format of
/// None is read from the buffer-mode header)
#[pyfunction]
fn api_decompress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    format: Option<&Bound<'py, PyAny>>,
    mode: &str,
    max_size: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let format = match format {
        Some(format) => format_of(format)?,
        None => msxca::api::read_header(&data).map_err(|e| py_error(py, e))?.format,
    };
    let mode = api_mode(mode)?;
    run(py, || msxca::api::decompress(format, mode, &data, max_size))
}

fn wof_algorithm(obj: &Bound<'_, PyAny>) -> PyResult<msxca::wof::Algorithm> {
    use msxca::wof::Algorithm;
    if let Ok(id) = obj.extract::<u32>() {
        return Algorithm::from_id(id).ok_or_else(|| PyValueError::new_err(format!("unknown WOF algorithm {id}")));
    }
    let name: String = obj.extract().map_err(|_| PyTypeError::new_err("algorithm is 0-3 or a name like 'xpress8k'"))?;
    Algorithm::ALL
        .into_iter()
        .find(|a| a.name() == name.to_ascii_lowercase())
        .ok_or_else(|| PyValueError::new_err(format!("unknown WOF algorithm {name:?}")))
}

/// wof_compress(data, algorithm, level) -> bytes
#[pyfunction]
fn wof_compress<'py>(
    py: Python<'py>,
    data: Cow<'_, [u8]>,
    algorithm: &Bound<'py, PyAny>,
    level: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (algorithm, level) = (wof_algorithm(algorithm)?, level_of(level)?);
    run(py, || msxca::wof::compress_at(&data, algorithm, level))
}

/// wof_decompress(stream, algorithm, size) -> bytes
#[pyfunction]
fn wof_decompress<'py>(
    py: Python<'py>,
    stream: Cow<'_, [u8]>,
    algorithm: &Bound<'py, PyAny>,
    size: u64,
) -> PyResult<Bound<'py, PyBytes>> {
    let algorithm = wof_algorithm(algorithm)?;
    run(py, || msxca::wof::decompress(&stream, algorithm, size))
}

/// Random access to a WofCompressedData stream held in memory:
/// WofStream(stream, algorithm, size); `read_at(offset, n)` decodes only
/// the chunks it touches. `msxca.wof.WofFile` makes a file object of it.
#[pyclass(name = "WofStream", module = "msxca.wof")]
struct WofStream {
    stream: Vec<u8>,
    algorithm: msxca::wof::Algorithm,
    size: u64,
    /// The last chunk decoded, and which it is.
    cache: Option<(u64, Vec<u8>)>,
}

#[pymethods]
impl WofStream {
    #[new]
    fn new(py: Python<'_>, stream: Cow<'_, [u8]>, algorithm: &Bound<'_, PyAny>, size: u64) -> PyResult<Self> {
        let algorithm = wof_algorithm(algorithm)?;
        msxca::wof::Reader::new(&stream, algorithm, size).map_err(|e| py_error(py, e))?;
        Ok(WofStream { stream: stream.into_owned(), algorithm, size, cache: None })
    }

    /// The file's size.
    #[getter]
    fn size(&self) -> u64 {
        self.size
    }

    /// read_at(offset, n) -> bytes: up to n bytes from offset.
    fn read_at<'py>(&mut self, py: Python<'py>, offset: u64, n: usize) -> PyResult<Bound<'py, PyBytes>> {
        let n = (n as u64).min(self.size.saturating_sub(offset)) as usize;
        let chunk_size = self.algorithm.chunk_size() as u64;
        let mut out = Vec::with_capacity(n);
        let (stream, algorithm, size, cache) = (&self.stream, self.algorithm, self.size, &mut self.cache);
        py.detach(|| -> Result<(), CoreError> {
            let mut reader = msxca::wof::Reader::new(stream, algorithm, size)?;
            while out.len() < n {
                let at = offset + out.len() as u64;
                let index = at / chunk_size;
                if cache.as_ref().is_none_or(|(i, _)| *i != index) {
                    let start = index * chunk_size;
                    let len = chunk_size.min(size - start) as usize;
                    let mut chunk = vec![0u8; len];
                    reader.read_at(start, &mut chunk)?;
                    *cache = Some((index, chunk));
                }
                let (_, chunk) = cache.as_ref().expect("just filled");
                let within = (at - index * chunk_size) as usize;
                let take = (chunk.len() - within).min(n - out.len());
                out.extend_from_slice(&chunk[within..within + take]);
            }
            Ok(())
        })
        .map_err(|e| py_error(py, e))?;
        Ok(PyBytes::new(py, &out))
    }
}

/// smb2_decompress(message, max_size) -> bytes
#[pyfunction]
fn smb2_decompress<'py>(py: Python<'py>, message: Cow<'_, [u8]>, max_size: usize) -> PyResult<Bound<'py, PyBytes>> {
    let limits = msxca::smb2::Limits::new(max_size);
    run(py, || msxca::smb2::decompress(&message, &limits))
}

/// smb2_compress(message, format, chained, level, uncompressed_prefix) -> bytes
#[pyfunction]
fn smb2_compress<'py>(
    py: Python<'py>,
    message: Cow<'_, [u8]>,
    format: &Bound<'py, PyAny>,
    chained: bool,
    level: &Bound<'py, PyAny>,
    uncompressed_prefix: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let algorithm = msxca::smb2::Algorithm::for_format(format_of(format)?);
    let options = msxca::smb2::Options { chained, uncompressed_prefix, level: level_of(level)? };
    run(py, || msxca::smb2::compress(&message, algorithm, &options))
}

#[pymodule]
fn _msxca(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("BadDataError", py.get_type::<BadDataError>())?;
    m.add("TruncatedError", py.get_type::<TruncatedError>())?;
    m.add("OutputTooSmallError", py.get_type::<OutputTooSmallError>())?;
    m.add("LimitExceededError", py.get_type::<LimitExceededError>())?;
    m.add("UnsupportedError", py.get_type::<UnsupportedError>())?;
    m.add("DEFAULT_MAX_SIZE", DEFAULT_MAX_SIZE)?;
    m.add_class::<PyCompressor>()?;
    m.add_class::<PyDecompressor>()?;
    m.add_class::<WofStream>()?;
    for f in [
        wrap_pyfunction!(compress, m)?,
        wrap_pyfunction!(decompress, m)?,
        wrap_pyfunction!(decompress_ex, m)?,
        wrap_pyfunction!(decompress_into, m)?,
        wrap_pyfunction!(max_compressed_size, m)?,
        wrap_pyfunction!(decompress_capacity, m)?,
        wrap_pyfunction!(decompress_unsized_huffman, m)?,
        wrap_pyfunction!(mam_decompress, m)?,
        wrap_pyfunction!(mam_compress, m)?,
        wrap_pyfunction!(mam_read_header, m)?,
        wrap_pyfunction!(api_compress, m)?,
        wrap_pyfunction!(api_decompress, m)?,
        wrap_pyfunction!(wof_compress, m)?,
        wrap_pyfunction!(wof_decompress, m)?,
        wrap_pyfunction!(smb2_decompress, m)?,
        wrap_pyfunction!(smb2_compress, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
