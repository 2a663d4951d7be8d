#!/usr/bin/env python3
"""seiput.py - put an SEI user-data-unregistered message into every picture
of an Annex B H.264 or H.265 elementary stream, as signed-video cameras do.

    seiput.py [--hevc] UUID IN OUT

UUID: 32 hex digits (hyphens allowed), e.g. the Axis signed-video one,
5369676e-6564-2056-6964-656f2e2e2e30.  Before the first slice of every
picture (first_mb_in_slice / first_slice_segment_in_pic_flag set) comes one
prefix SEI NAL unit: payload type 5, the UUID, then the picture's number as
ASCII ("frame 000017"), so each message is different and can be followed
byte for byte.  The payload holds no zero bytes, so it needs no emulation
prevention.  Prints the number of messages written.
"""
import re
import sys


def nal_units(data):
    """(start of the start code, start of the NAL header) of every unit."""
    starts = [m.start() for m in re.finditer(b"\x00\x00\x01", data)]
    units = []
    for s in starts:
        code = s - 1 if s > 0 and data[s - 1] == 0 else s
        units.append((code, s + 3))
    return units


def sei(uuid, text, hevc):
    payload = uuid + text
    assert 0 not in payload and len(payload) < 255
    header = bytes([39 << 1, 1]) if hevc else bytes([6])
    return b"\x00\x00\x00\x01" + header + bytes([5, len(payload)]) + \
        payload + b"\x80"


def main(argv):
    hevc = False
    if argv and argv[0] == "--hevc":
        hevc = True
        argv = argv[1:]
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    uuid = bytes.fromhex(argv[0].replace("-", ""))
    if len(uuid) != 16:
        sys.stderr.write("seiput.py: the UUID must be 16 bytes\n")
        return 2
    data = open(argv[1], "rb").read()
    out = bytearray()
    units = nal_units(data)
    pos = 0
    n = 0
    for code, hdr in units:
        if hevc:
            kind = (data[hdr] >> 1) & 0x3F
            first = kind <= 21 and data[hdr + 2] & 0x80
        else:
            kind = data[hdr] & 0x1F
            first = kind in (1, 5) and data[hdr + 1] & 0x80
        if first:
            out += data[pos:code]
            out += sei(uuid, b"frame %06d" % n, hevc)
            pos = code
            n += 1
    out += data[pos:]
    open(argv[2], "wb").write(out)
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
