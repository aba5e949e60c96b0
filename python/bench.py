"""Decode and encode speed of msxca from Python (bytes in, bytes out), beside
pyfwnt and dissect.util when they are installed, on 1 MiB of text and of
binary data from the bench corpus ($XPRESS_CORPUS/bench, default
../shared/corpus/bench), and the Rust library's own speed for comparison
when the `speed` example is built:

    python python/bench.py
"""

import os
import pathlib
import time

import msxca

CORPUS = pathlib.Path(os.environ.get("XPRESS_CORPUS", pathlib.Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"))
SAMPLES = {"text": "iso_639-3.xml", "binary": "ole32.dll"}
FORMATS = {"lznt1": 2, "plain": 3, "huffman": 4}


def best_mbps(fn, nbytes, seconds=0.5):
    best, spent = float("inf"), 0.0
    while spent < seconds:
        start = time.perf_counter()
        fn()
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
    return nbytes / best / 1e6


def peers():
    found = {}
    try:
        import pyfwnt

        found["pyfwnt"] = {
            2: lambda d, n: pyfwnt.lznt1_decompress(d, n),
            3: lambda d, n: pyfwnt.lzxpress_decompress(d, n),
            4: lambda d, n: pyfwnt.lzxpress_huffman_decompress(d, n),
        }
    except ImportError:
        pass
    try:
        from dissect.util.compression import lznt1, lzxpress, lzxpress_huffman

        found["dissect.util"] = {
            2: lambda d, n: lznt1.decompress(d),
            3: lambda d, n: lzxpress.decompress(d),
            4: lambda d, n: lzxpress_huffman.decompress(d),
        }
    except ImportError:
        pass
    return found


def main():
    bench = CORPUS / "bench"
    if not bench.is_dir():
        print(f"bench.py: no bench corpus under {CORPUS} (set XPRESS_CORPUS)")
        return
    others = peers()
    print(f"{'':22}{'msxca decode':>14}{'msxca encode':>14}" + "".join(f"{name:>16}" for name in others))
    for kind, name in SAMPLES.items():
        data = (bench / name).read_bytes()[: 1 << 20]
        for fname, format in FORMATS.items():
            packed = msxca.compress(data, format)
            decode = best_mbps(lambda: msxca.decompress(packed, format, len(data)), len(data))
            compressor = msxca.Compressor(format)
            encode = best_mbps(lambda: compressor.compress(data), len(data))
            row = f"{fname + ' ' + kind:22}{decode:>14.0f}{encode:>14.0f}"
            for peer in others.values():
                try:
                    ok = peer[format](packed, len(data)) == data
                    row += f"{best_mbps(lambda: peer[format](packed, len(data)), len(data)):>16.0f}" if ok else f"{'wrong':>16}"
                except Exception:
                    row += f"{'fails':>16}"
            print(row)


if __name__ == "__main__":
    main()
