#!/usr/bin/env python3
"""mp4boxes.py FILE... -- print each file's top-level ISO BMFF boxes.

One line per file: "FILE: ftyp moov mdat ..." (box types in file order).
Exit status 2 when a box header runs past the end of the file.
Used by tests/cli/export_e2e.sh to prove that working copies carry their
index (moov) before the media data (mdat), as players need to stream them.
"""
import struct
import sys


def boxes(path):
    out = []
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[off:off + 8])
        if size == 1:
            if off + 16 > len(data):
                raise ValueError("truncated largesize box at %d" % off)
            size = struct.unpack(">Q", data[off + 8:off + 16])[0]
        elif size == 0:
            size = len(data) - off
        if size < 8 or off + size > len(data):
            raise ValueError("bad box size %d at %d" % (size, off))
        out.append(kind.decode("latin-1"))
        off += size
    if off != len(data):
        raise ValueError("%d stray bytes at the end" % (len(data) - off))
    return out


def main():
    status = 0
    for path in sys.argv[1:]:
        try:
            print("%s: %s" % (path, " ".join(boxes(path))))
        except (OSError, ValueError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
