#!/usr/bin/env python3
"""Write the decompression-bomb fixtures of testdata/bombs/ (deterministic, standard library).

    python3 tests/data/make_bombs.py

- zipbomb.zip: a 10 GiB member of zeros (zip64, deflated) inside a zip inside a zip:
  a few tens of KB on disk that expand to 10 GiB.
- gzbomb.gz: gzip of the gzip of 10 GiB of zeros.
- nest.zip: a 42.zip-like nest: 5 levels, 16 copies of the level below in each, with
  zipbomb.zip's inner zip at the bottom (16^5 ~ 1 million leaves of 10 GiB).
- xzbomb.xz: xz of the xz of 1 GiB of zeros (XZ Utils' `xz -9 -T1`): a few hundred bytes.
- bomb.7z: 7-Zip (`7z`, Debian's p7zip-full), LZMA2, one solid block of two members of
  1 GiB of zeros each (sparse files, so nothing large is written to disk).

The last two need xz and 7z on the PATH (Debian: xz-utils, p7zip-full); without them
they are left as they are.

None holds any personal data: a scan must simply finish quickly, with bounded memory,
and list the members it stopped at as skipped with the limit as reason.
"""
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "bombs")
DATE = (2024, 3, 15, 9, 30, 0)
GIB = 1 << 30
CHUNK = b"\0" * (64 << 20)


def info(name):
    zi = zipfile.ZipInfo(name, date_time=DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o100644 << 16
    zi.create_system = 3
    return zi


def zeros_zip(size):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        with z.open(info("zeros.bin"), "w", force_zip64=True) as f:
            for _ in range(size // len(CHUNK)):
                f.write(CHUNK)
    return bio.getvalue()


def zip_of(members):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", compresslevel=9) as z:
        for name, data in members:
            z.writestr(info(name), data)
    return bio.getvalue()


def gzip_stream(chunks):
    """gzip of the concatenation of chunks, with fixed header fields (mtime 0)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(ch) for ch in chunks]
    out.append(c.flush())
    return b"".join(out)


def xz(stream):
    """xz -9 of the chunks of `stream`, single-threaded (the same bytes on every run)."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(["xz", "-9", "-T1", "-c"], stdin=subprocess.PIPE, stdout=out)
        for chunk in stream:
            p.stdin.write(chunk)
        p.stdin.close()
        assert p.wait() == 0
        out.seek(0)
        return out.read()


def seven_zip_of_zeros(names, size):
    with tempfile.TemporaryDirectory() as d:
        for n in names:
            with open(os.path.join(d, n), "wb") as f:
                f.truncate(size)
        subprocess.run(["7z", "a", "-t7z", "-m0=lzma2", "-ms=on", "-mmt=1", "-mtm=off",
                        "-mtc=off", "-mta=off", "-bd", "bomb.7z", *names], cwd=d, check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "bomb.7z"), "rb") as f:
            return f.read()


def main():
    os.makedirs(OUT, exist_ok=True)
    inner = zeros_zip(10 * GIB)
    files = {
        "zipbomb.zip": zip_of([("inner.zip", inner)]),
        "gzbomb.gz": gzip_stream([gzip_stream(CHUNK for _ in range(10 * GIB // len(CHUNK)))]),
    }
    level = inner
    for k in range(1, 6):
        level = zip_of([(f"{k}-{i:x}.zip", level) for i in range(16)])
    files["nest.zip"] = level
    if shutil.which("xz") and shutil.which("7z"):
        files["xzbomb.xz"] = xz([xz(CHUNK for _ in range(GIB // len(CHUNK)))])
        files["bomb.7z"] = seven_zip_of_zeros(["zeros1.bin", "zeros2.bin"], GIB)
    else:
        print("xz or 7z not found: xzbomb.xz and bomb.7z left as they are")
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
