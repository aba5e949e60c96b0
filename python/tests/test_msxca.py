"""The Python package: round trips, Windows' own vectors, errors,
containers, the compat layers, and threads."""

import concurrent.futures
import io
import os

import pytest

import msxca
from msxca.compat import pyfwnt
from msxca.compat.dissect import lznt1 as dissect_lznt1
from msxca.compat.dissect import lzxpress as dissect_lzxpress
from msxca.compat.dissect import lzxpress_huffman as dissect_huffman

SAMPLE = b"".join(b"\\VOLUME{%d}\\WINDOWS\\SYSTEM32\\FILE%d.DLL\0" % (i % 5, i) for i in range(3000))
FORMATS = [msxca.LZNT1, msxca.XPRESS, msxca.XPRESS_HUFF]
LEVELS = ["standard", "maximum", 1, 5, 9, "9"]


@pytest.mark.parametrize("format", FORMATS + ["lznt1", "xpress", "xpress-huff", "plain", "huffman"])
@pytest.mark.parametrize("level", LEVELS)
def test_round_trips(format, level):
    packed = msxca.compress(SAMPLE, format, level)
    assert len(packed) < len(SAMPLE) // 4
    assert len(packed) <= msxca.max_compressed_size(format, len(SAMPLE))
    assert msxca.decompress(packed, format, len(SAMPLE)) == SAMPLE
    out, used = msxca.decompress_ex(packed, format, len(SAMPLE))
    assert out == SAMPLE and 0 < used <= len(packed)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_inputs_may_be_bytes_bytearray_or_memoryview(kind):
    packed = msxca.compress(kind(SAMPLE), "xpress")
    assert msxca.decompress(kind(packed), "xpress") == SAMPLE
    assert msxca.Compressor(3).compress(kind(SAMPLE)) == packed
    assert msxca.Decompressor("xpress").decompress(kind(packed)) == SAMPLE


def test_self_terminating_formats_need_no_size_but_huffman_does():
    for format in (msxca.LZNT1, msxca.XPRESS):
        assert msxca.decompress(msxca.compress(SAMPLE * 20, format), format) == SAMPLE * 20
    with pytest.raises(ValueError):
        msxca.decompress(msxca.compress(SAMPLE, 4), 4)


def test_decompress_into_a_bytearray():
    packed = msxca.compress(SAMPLE, msxca.XPRESS_HUFF)
    out = bytearray(len(SAMPLE))
    assert msxca.decompress_into(packed, msxca.XPRESS_HUFF, out) == len(SAMPLE)
    assert out == SAMPLE


def test_errors_say_what_where_and_how_much_is_right():
    packed = msxca.compress(SAMPLE, msxca.XPRESS_HUFF)
    with pytest.raises(msxca.TruncatedError) as caught:
        msxca.decompress(packed[: len(packed) // 2], msxca.XPRESS_HUFF, len(SAMPLE))
    err = caught.value
    assert isinstance(err, msxca.Error) and isinstance(err, ValueError)
    assert err.offset is not None and err.offset <= len(packed)
    assert 0 < err.valid < len(SAMPLE)
    bad = bytearray(packed)
    bad[:256] = bytes(256)
    with pytest.raises(msxca.BadDataError) as caught:
        msxca.decompress(bytes(bad), msxca.XPRESS_HUFF, len(SAMPLE))
    assert caught.value.offset == 0 and caught.value.valid == 0
    with pytest.raises(msxca.OutputTooSmallError):
        msxca.decompress(msxca.compress(SAMPLE, "lznt1"), "lznt1", 100)
    with pytest.raises(msxca.LimitExceededError):
        msxca.decompress(msxca.compress(SAMPLE, "xpress"), "xpress", max_size=1000)
    with pytest.raises(ValueError):
        msxca.compress(SAMPLE, "zip")
    with pytest.raises(ValueError):
        msxca.compress(SAMPLE, 3, 10)


def windows_vectors(windows_dir):
    folders = {
        "compressed-plain": msxca.XPRESS,
        "compressed-more-plain": msxca.XPRESS,
        "compressed-huffman": msxca.XPRESS_HUFF,
        "compressed-more-huffman": msxca.XPRESS_HUFF,
    }
    for folder, format in folders.items():
        for path in sorted((windows_dir / folder).iterdir()):
            original = (windows_dir / "decompressed" / (path.stem + ".decomp")).read_bytes()
            yield path, format, path.read_bytes(), original


def test_every_windows_vector_decodes(windows_dir):
    count = 0
    for path, format, packed, original in windows_vectors(windows_dir):
        count += 1
        if packed == original:
            continue  # stored by the Compression API: not a stream
        assert msxca.decompress(packed, format, len(original)) == original, path.name
        if format == msxca.XPRESS_HUFF:
            assert dissect_huffman.decompress(packed) == original, path.name
            assert pyfwnt.lzxpress_huffman_decompress(packed, len(original)) == original, path.name
        else:
            assert dissect_lzxpress.decompress(io.BytesIO(packed)) == original, path.name
            assert pyfwnt.lzxpress_decompress(packed, len(original)) == original, path.name
    assert count >= 100


def test_windows_engines_write_windows_bytes(windows_dir):
    for path, format, packed, original in windows_vectors(windows_dir):
        if packed == original or len(original) < 300:
            continue
        level = "maximum" if "more" in path.parent.name else "standard"
        assert msxca.compress(original, format, level) == packed, path.name


def test_pyfwnt_layer_treats_the_size_as_a_capacity():
    packed = msxca.compress(SAMPLE, msxca.LZNT1)
    assert pyfwnt.lznt1_decompress(packed) == b""
    assert pyfwnt.lznt1_decompress(packed, len(SAMPLE) + 100) == SAMPLE
    assert pyfwnt.lznt1_decompress(packed, 5000) == SAMPLE[:5000]
    plain = msxca.compress(SAMPLE, msxca.XPRESS)
    assert pyfwnt.lzxpress_decompress(plain, 1000) == SAMPLE[:1000]
    with pytest.raises(OSError):
        pyfwnt.lzxpress_decompress(b"\xff" * 64, 1000)
    with pytest.raises(ValueError):
        pyfwnt.lznt1_decompress(packed, -1)


def test_dissect_layer_reads_bytes_or_file_objects():
    for module, format in ((dissect_lznt1, 2), (dissect_lzxpress, 3), (dissect_huffman, 4)):
        packed = msxca.compress(SAMPLE, format)
        assert module.decompress(packed) == SAMPLE
        f = io.BytesIO(b"junk" + packed)
        f.seek(4)
        assert module.decompress(f) == SAMPLE


def test_mam_round_trips_and_checks_its_crc():
    for crc in (False, True):
        pf = msxca.mam.compress(SAMPLE, crc=crc)
        header = msxca.mam.read_header(pf)
        assert header.format == 4 and header.uncompressed_size == len(SAMPLE)
        assert (header.crc is not None) == crc
        assert msxca.mam.decompress(pf) == SAMPLE
    bad = bytearray(msxca.mam.compress(SAMPLE, crc=True))
    bad[-1] ^= 1
    with pytest.raises(msxca.BadDataError):
        msxca.mam.decompress(bytes(bad))


def test_api_framing_round_trips():
    for format in ("xpress", "xpress-huff"):
        framed = msxca.api.compress(SAMPLE, format, mode="buffer")
        assert msxca.api.decompress(framed, format) == SAMPLE
        raw = msxca.api.compress(SAMPLE, format, mode="raw")
        assert msxca.api.decompress(raw, format, mode="raw", size=len(SAMPLE)) == SAMPLE
        assert msxca.api.decompress(msxca.api.compress(SAMPLE, format)) == SAMPLE
    with pytest.raises(msxca.UnsupportedError):
        msxca.api.compress(SAMPLE, "lznt1")


def test_wof_files_seek_and_read(containers_dir):
    data = SAMPLE * 3
    for algorithm in ("xpress4k", "xpress8k", msxca.wof.XPRESS16K):
        stream = msxca.wof.compress(data, algorithm)
        assert msxca.wof.decompress(stream, algorithm, len(data)) == data
        f = msxca.wof.WofFile(stream, algorithm, len(data))
        assert f.seekable() and f.read(10) == data[:10]
        f.seek(-100, io.SEEK_END)
        assert f.read() == data[-100:]
        f.seek(12_345)
        buf = bytearray(5000)
        assert f.readinto(buf) == 5000 and buf == data[12_345:17_345]
        assert io.BufferedReader(msxca.wof.WofFile(stream, algorithm, len(data))).read() == data
    wof = containers_dir / "wof"
    expected = (wof / "libfsntfs_uncompressed_7638.bin").read_bytes()
    for name in ("libfsntfs_wof_xpress8k_stream_7638.bin", "libfsntfs_lzxpress_huffman_4096.bin"):
        f = msxca.wof.WofFile((wof / name).read_bytes(), "xpress8k", 7638)
        assert f.read() == expected
    with pytest.raises(msxca.UnsupportedError):
        msxca.wof.decompress((wof / "dfir-orc_vcpkg.exe.WofCompressedData").read_bytes(), msxca.wof.LZX, 900_000)


def test_smb2_messages_round_trip():
    message = b"\xfeSMB" + bytes(60) + SAMPLE + bytes(500)
    for format in FORMATS:
        for chained in (False, True):
            packed = msxca.smb2.compress(message, format, chained=chained)
            assert packed[:4] == b"\xfcSMB" and len(packed) < len(message)
            assert msxca.smb2.decompress(packed) == message
    with pytest.raises(msxca.Error):
        msxca.smb2.decompress(b"\xfcSMB" + bytes(20))


def test_threads_decode_at_once():
    packed = {f: msxca.compress(SAMPLE * 10, f) for f in FORMATS}

    def work(i):
        f = FORMATS[i % 3]
        return msxca.decompress(packed[f], f, len(SAMPLE) * 10) == SAMPLE * 10

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(48)))


def test_random_data_round_trips():
    data = os.urandom(100_000)
    for format in FORMATS:
        assert msxca.decompress(msxca.compress(data, format), format, len(data)) == data


@pytest.mark.parametrize("name", ["msxca", "msxca.mam", "msxca.api", "msxca.smb2", "msxca.wof"])
def test_docstring_examples_run(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
