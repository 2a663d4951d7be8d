#!/usr/bin/env python3
"""isocraft.py -- read and patch ISO 9660 bundles for the end-to-end tests.

  isocraft.py list ISO rr|joliet       every file and folder of one tree:
                                       path, extent, size (paths from the
                                       image root, Rock Ridge or Joliet names)
  isocraft.py joliet-rename ISO OUT PATH NAME
                                       the Joliet record of PATH renamed to
                                       NAME (a file name of the old one's
                                       length): Rock Ridge keeps the old name
  isocraft.py rr-rename ISO OUT PATH NAME
                                       the Rock Ridge NM name of PATH renamed
                                       to NAME (a file name of the old one's
                                       length): Joliet keeps the old name
  isocraft.py joliet-extent ISO OUT PATH OTHER
                                       the Joliet record of PATH points at
                                       OTHER's data (extent and size)
  isocraft.py joliet-size ISO OUT PATH SIZE
                                       the Joliet record of PATH says SIZE
                                       bytes
  isocraft.py joliet-add ISO OUT PATH OTHER
                                       a new Joliet record PATH (its folder
                                       must exist) pointing at OTHER's data,
                                       written into the folder's free space
  isocraft.py joliet-loop ISO OUT PATH
                                       the Joliet folder record PATH points
                                       back at its own parent folder
  isocraft.py boot-record ISO OUT OTHER
                                       an El Torito boot record before the
                                       terminator whose boot image is OTHER's
                                       data (the terminator moves one sector)
  isocraft.py second-joliet ISO OUT PATH
                                       a second Joliet descriptor before the
                                       terminator, its root the Joliet folder
                                       PATH (the terminator moves one sector)

Only what the tests need: records and Rock Ridge names inside one sector
(no continuation areas), the image as exhibit writes it.  PATHs are as
`list` prints them.
"""
import struct
import sys

SECTOR = 2048


def le32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def both32(v):
    return struct.pack("<I", v) + struct.pack(">I", v)


def root_of(d, vd):
    r = d[vd * SECTOR + 156: vd * SECTOR + 190]
    return le32(r, 2), le32(r, 10)


def rr_name(rec, nl):
    su = 33 + nl + (1 - nl % 2)
    i, name = su, b""
    while i + 4 <= len(rec):
        sig, ln = rec[i:i + 2], rec[i + 2]
        if ln < 4:
            break
        if sig == b"NM":
            name += rec[i + 5:i + ln]
            nm_at = i
        i += ln
    return (name.decode("latin-1"), nm_at) if name else (None, None)


def walk(d, joliet):
    """Yield dicts: path, off (record's byte offset), loc, size, dir,
    parent_loc, parent_size, and for Rock Ridge nm (NM field's offset)."""
    out = []
    loc, size = root_of(d, 17 if joliet else 16)
    stack = [("", loc, size, 0)]
    seen = set()
    while stack:
        path, loc, size, depth = stack.pop()
        if (loc, joliet) in seen or depth > 16:
            continue
        seen.add((loc, joliet))
        off, end, n = loc * SECTOR, loc * SECTOR + size, 0
        while off < end:
            ln = d[off]
            if ln == 0:
                off = (off // SECTOR + 1) * SECTOR
                continue
            rec = d[off:off + ln]
            nl = rec[32]
            n += 1
            if n > 2:
                ident = rec[33:33 + nl]
                nm = None
                if joliet:
                    name = ident.decode("utf-16-be")
                else:
                    name, nm = rr_name(rec, nl)
                    if name is None:
                        name = ident.decode("latin-1")
                p = path + "/" + name if path else name
                isdir = bool(rec[25] & 2)
                out.append(dict(path=p, off=off, loc=le32(rec, 2),
                                size=le32(rec, 10), dir=isdir, nm=nm,
                                folder_loc=loc, folder_size=size))
                if isdir:
                    stack.append((p, le32(rec, 2), le32(rec, 10),
                                  depth + 1))
            off += ln
    return out


def find(d, joliet, path):
    for e in walk(d, joliet):
        if e["path"] == path:
            return e
    sys.exit("isocraft: %s: no such path in the %s tree"
             % (path, "Joliet" if joliet else "Rock Ridge"))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    d = bytearray(open(argv[2], "rb").read())
    if cmd == "list":
        for e in sorted(walk(d, argv[3] == "joliet"), key=lambda e: e["path"]):
            print("%s %d %d%s" % (e["path"], e["loc"], e["size"],
                                  "/" if e["dir"] else ""))
        return 0
    out = argv[3]
    if cmd == "joliet-rename":
        e = find(d, True, argv[4])
        old = d[e["off"] + 33:e["off"] + 33 + d[e["off"] + 32]]
        new = argv[5].encode("utf-16-be")
        if len(new) != len(old):
            sys.exit("isocraft: the new name must have the old one's length")
        d[e["off"] + 33:e["off"] + 33 + len(new)] = new
    elif cmd == "rr-rename":
        e = find(d, False, argv[4])
        at = e["off"] + e["nm"]
        ln = d[at + 2]
        new = argv[5].encode()
        if len(new) != ln - 5:
            sys.exit("isocraft: the new name must have the old one's length")
        d[at + 5:at + ln] = new
    elif cmd == "joliet-extent":
        e, o = find(d, True, argv[4]), find(d, True, argv[5])
        d[e["off"] + 2:e["off"] + 10] = both32(o["loc"])
        d[e["off"] + 10:e["off"] + 18] = both32(o["size"])
    elif cmd == "joliet-size":
        e = find(d, True, argv[4])
        d[e["off"] + 10:e["off"] + 18] = both32(int(argv[5]))
    elif cmd == "joliet-add":
        folder, _, name = argv[4].rpartition("/")
        o = find(d, True, argv[5])
        f = find(d, True, folder)
        # the first free byte of the folder's first sector
        off, end = f["loc"] * SECTOR, f["loc"] * SECTOR + SECTOR
        while off < end and d[off] != 0:
            off += d[off]
        ident = name.encode("utf-16-be")
        ln = 33 + len(ident) + (1 - len(ident) % 2)
        if off + ln > end:
            sys.exit("isocraft: no room in the folder")
        rec = bytearray(ln)
        rec[0] = ln
        rec[2:10] = both32(o["loc"])
        rec[10:18] = both32(o["size"])
        rec[18:25] = d[o["off"] + 18:o["off"] + 25]
        rec[28:32] = b"\x01\x00\x00\x01"
        rec[32] = len(ident)
        rec[33:33 + len(ident)] = ident
        d[off:off + ln] = rec
    elif cmd == "joliet-loop":
        e = find(d, True, argv[4])
        d[e["off"] + 2:e["off"] + 10] = both32(e["folder_loc"])
        d[e["off"] + 10:e["off"] + 18] = both32(e["folder_size"])
    elif cmd == "boot-record":
        o = find(d, False, argv[4])
        if d[18 * SECTOR] != 255 or d[19 * SECTOR:19 * SECTOR + 5] != b"INFO ":
            sys.exit("isocraft: not the layout exhibit writes")
        # the catalog goes into the last (padding) sector
        cat = len(d) // SECTOR - 1
        d[19 * SECTOR:20 * SECTOR] = d[18 * SECTOR:19 * SECTOR]
        br = bytearray(SECTOR)
        br[0] = 0
        br[1:7] = b"CD001\x01"
        br[7:7 + 23] = b"EL TORITO SPECIFICATION"
        br[0x47:0x4b] = struct.pack("<I", cat)
        d[18 * SECTOR:19 * SECTOR] = br
        val = bytearray(32)
        val[0] = 1
        val[4:4 + 7] = b"exhibit"
        val[30:32] = b"\x55\xaa"
        s = sum(struct.unpack("<16H", bytes(val))) & 0xffff
        val[28:30] = struct.pack("<H", (-s) & 0xffff)
        ent = bytearray(32)
        ent[0] = 0x88
        ent[1] = 0                    # no emulation
        ent[6:8] = struct.pack("<H", (o["size"] + 511) // 512)
        ent[8:12] = struct.pack("<I", o["loc"])
        d[cat * SECTOR:cat * SECTOR + 64] = val + ent
    elif cmd == "second-joliet":
        f = find(d, True, argv[4])
        if d[18 * SECTOR] != 255 or d[19 * SECTOR:19 * SECTOR + 5] != b"INFO ":
            sys.exit("isocraft: not the layout exhibit writes")
        d[19 * SECTOR:20 * SECTOR] = d[18 * SECTOR:19 * SECTOR]
        vd = bytearray(d[17 * SECTOR:18 * SECTOR])
        vd[156 + 2:156 + 10] = both32(f["loc"])
        vd[156 + 10:156 + 18] = both32(f["size"])
        d[18 * SECTOR:19 * SECTOR] = vd
    else:
        print(__doc__, file=sys.stderr)
        return 2
    open(out, "wb").write(d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
