#!/usr/bin/env python3
"""zipforge.py -- hostile variants of a ZIP bundle that exhibit wrote, for
tests/cli/diff_zip.sh.  The entries' bytes (what was signed) are kept as
they are; only the ZIP structure around them changes.

  zipforge.py cases                  the case names, one a line
  zipforge.py make CASE GOOD OUT     write GOOD changed as CASE says to OUT
  zipforge.py names ZIP              Python's zipfile: the entry names
  zipforge.py read ZIP NAME          Python's zipfile: an entry's bytes
  zipforge.py comment ZIP            Python's zipfile: the archive comment
  zipforge.py info ZIP NAME          Python's zipfile: an entry's extra
                                     field and comment, as hex, and its
                                     date

The reading commands are what a Python program would see; the test
compares them with what the good bundle gives.
"""
import struct
import sys
import zlib
import zipfile

# ---- a model of the ZIP as exhibit writes it -------------------------------

LOCAL = struct.Struct("<IHHHHHIIIHH")          # 30 bytes
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # 46 bytes
EOCD = struct.Struct("<IHHHHIIH")              # 22 bytes
EOCD64 = struct.Struct("<IQHHIIQQQQ")          # 56 bytes
LOC64 = struct.Struct("<IIQI")                 # 20 bytes


class Entry:
    """One entry: its local header, data, descriptor and central record."""

    def __init__(self):
        self.name = b""         # local header's copy of the name
        self.cname = None       # central copy (None: the same)
        self.lfields = {}
        self.cfields = {}
        self.lextra = b""
        self.cextra = b""
        self.comment = b""
        self.data = b""
        self.dd = b""           # data descriptor as written
        self.before = b""       # bytes put before its local header
        self.offset = None      # set by build(); override with off_of
        self.off_of = None      # index of another entry whose header
                                # this central record points at


def parse(blob):
    eo = len(blob) - 22
    sig, _, _, _, count, cdsize, cdoff, _ = EOCD.unpack_from(blob, eo)
    assert sig == 0x06054B50, "not a ZIP ending in an end record"
    entries = []
    p = cdoff
    for _ in range(count):
        f = CENTRAL.unpack_from(blob, p)
        nl, xl, cl = f[10], f[11], f[12]
        e = Entry()
        e.cfields = dict(zip(("sig", "vm", "vn", "flags", "method", "time",
                              "date", "crc", "csize", "usize", "nlen",
                              "xlen", "clen", "disk", "ia", "ea", "off"), f))
        e.name = blob[p + 46:p + 46 + nl]
        e.cextra = blob[p + 46 + nl:p + 46 + nl + xl]
        e.comment = blob[p + 46 + nl + xl:p + 46 + nl + xl + cl]
        off = e.cfields["off"]
        lf = LOCAL.unpack_from(blob, off)
        e.lfields = dict(zip(("sig", "vn", "flags", "method", "time", "date",
                              "crc", "csize", "usize", "nlen", "xlen"), lf))
        lnl, lxl = lf[9], lf[10]
        start = off + 30 + lnl
        e.lextra = blob[start:start + lxl]
        start += lxl
        e.data = blob[start:start + e.cfields["csize"]]
        if e.cfields["flags"] & 8:
            e.dd = blob[start + len(e.data):start + len(e.data) + 16]
        entries.append(e)
        p += 46 + nl + xl + cl
    return entries


def local_bytes(e):
    f = dict(e.lfields)
    f["nlen"] = len(e.name)
    f["xlen"] = len(e.lextra)
    return LOCAL.pack(*(f[k] for k in ("sig", "vn", "flags", "method",
                                       "time", "date", "crc", "csize",
                                       "usize", "nlen", "xlen"))) + \
        e.name + e.lextra


def central_bytes(e, offset):
    name = e.name if e.cname is None else e.cname
    f = dict(e.cfields)
    f["nlen"] = len(name)
    f["xlen"] = len(e.cextra)
    f["clen"] = len(e.comment)
    f["off"] = offset
    return CENTRAL.pack(*(f[k] for k in ("sig", "vm", "vn", "flags",
                                         "method", "time", "date", "crc",
                                         "csize", "usize", "nlen", "xlen",
                                         "clen", "disk", "ia", "ea",
                                         "off"))) + \
        name + e.cextra + e.comment


def build(entries, central=None, count=None, comment=b"", prefix=b"",
          tail_before_cd=b""):
    """The ZIP: prefix, every entry, the central directory (the records of
    central, a list of entries, default all), the end record."""
    out = bytearray(prefix)
    for e in entries:
        out += e.before
        e.offset = len(out)
        out += local_bytes(e) + e.data + e.dd
    out += tail_before_cd
    if central is None:
        central = entries
    cdoff = len(out)
    for e in central:
        off = e.offset if e.off_of is None else entries[e.off_of].offset
        out += central_bytes(e, off)
    cdsize = len(out) - cdoff
    n = len(central) if count is None else count
    out += EOCD.pack(0x06054B50, 0, 0, n, n, cdsize, cdoff, len(comment))
    out += comment
    return bytes(out)


def find(entries, suffix):
    for i, e in enumerate(entries):
        if e.name.endswith(suffix):
            return i, e
    raise SystemExit("zipforge: no entry ending in %r" % suffix)


def extra(ident, body):
    return struct.pack("<HH", ident, len(body)) + body


def upath(raw, shown):
    """Info-ZIP Unicode Path extra field (0x7075): version 1, the CRC-32
    of the raw name it replaces, the name in UTF-8."""
    return extra(0x7075, struct.pack("<BI", 1, zlib.crc32(raw)) + shown)


def local_entry(name, data):
    """A stored entry with sizes and CRC in its local header (no central
    record): what a streaming reader takes for a file."""
    crc = zlib.crc32(data)
    return LOCAL.pack(0x04034B50, 10, 0, 0, 0x1C2A, 0x595B, crc, len(data),
                      len(data), len(name), 0) + name + data


EVIL = b"this text was never signed\n"

# ---- the cases -------------------------------------------------------------


def c_upath_other(blob):
    # README.txt's raw name stays; a Unicode Path field names another file.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    u = upath(e.name, e.name.replace(b"README.txt", b"STATEMENT.txt"))
    e.lextra += u
    e.cextra += u
    return build(es)


def c_upath_dotdot(blob):
    # The raw name leaves the folder; the Unicode Path field is harmless.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    harmless = e.name
    e.name = b"E1/data/../../../README.txt"
    u = upath(e.name, harmless)
    e.lextra += u
    e.cextra += u
    return build(es)


def c_zip64_split(blob):
    # The classic end record describes the signed central directory (A);
    # a Zip64 end record and locator describe a second one (B) in which
    # README.txt's record points at an unsigned local entry.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    body = bytearray()
    for x in es:
        x.offset = len(body)
        body += local_bytes(x) + x.data + x.dd
    evil_off = len(body)
    body += local_entry(e.name, EVIL)
    cd_a_off = len(body)
    for x in es:
        body += central_bytes(x, x.offset)
    cd_a_size = len(body) - cd_a_off
    cd_b_off = len(body)
    for x in es:
        if x is e:
            y = Entry()
            y.name = x.name
            y.cfields = dict(x.cfields, flags=0, crc=zlib.crc32(EVIL),
                             csize=len(EVIL), usize=len(EVIL))
            body += central_bytes(y, evil_off)
        else:
            body += central_bytes(x, x.offset)
    cd_b_size = len(body) - cd_b_off
    z64 = len(body)
    n = len(es)
    body += EOCD64.pack(0x06064B50, 44, 45, 45, 0, 0, n, n, cd_b_size,
                        cd_b_off)
    body += LOC64.pack(0x07064B50, 0, z64, 1)
    body += EOCD.pack(0x06054B50, 0, 0, n, n, cd_a_size, cd_a_off, 0)
    return bytes(body)


def c_count_short(blob):
    # A central record for an extra file after the others; the end record
    # counts only the signed ones.
    es = parse(blob)
    x = Entry()
    x.name = b"E1/data/extra.txt"
    crc = zlib.crc32(EVIL)
    x.lfields = dict(sig=0x04034B50, vn=10, flags=0, method=0, time=0x1C2A,
                     date=0x595B, crc=crc, csize=len(EVIL),
                     usize=len(EVIL))
    x.cfields = dict(es[-1].cfields, flags=0, crc=crc, csize=len(EVIL),
                     usize=len(EVIL))
    x.lextra, x.cextra = es[-1].lextra, es[-1].cextra
    x.data = EVIL
    return build(es + [x], count=len(es))


def c_local_only(blob):
    # A local entry after the last one that no central record lists.
    es = parse(blob)
    return build(es, tail_before_cd=local_entry(b"E1/data/extra.txt", EVIL))


def c_hidden_between(blob):
    # Between two entries, a local entry with README.txt's name and other
    # bytes: streaming readers extract both.
    es = parse(blob)
    i, e = find(es, b"/data/README.txt")
    es[i].before = local_entry(e.name, EVIL)
    return build(es)


def c_folder_data(blob):
    # The folder entry E1/data/ carries bytes.
    es = parse(blob)
    _, e = find(es, b"E1/data/")
    crc = zlib.crc32(EVIL)
    e.data = EVIL
    for f in (e.lfields, e.cfields):
        f.update(crc=crc, csize=len(EVIL), usize=len(EVIL))
    return build(es)


def c_archive_comment(blob):
    return build(parse(blob), comment=b"Exhibit withdrawn: see other copy")


def c_file_comment(blob):
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    e.comment = b"not the file the police signed"
    return build(es)


def c_unknown_extra(blob):
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    x = extra(0x4A4A, b"payload outside the signature")
    e.lextra += x
    e.cextra += x
    return build(es)


def c_prepended(blob):
    # A local entry before the ZIP proper (offsets left as they were, the
    # way self-extracting archives are made).
    return local_entry(b"E1/data/prepended.txt", EVIL) + blob


def c_appended_zip(blob):
    # A second ZIP after the first: readers that start from the end see it.
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("E1/data/README.txt", EVIL)
    return blob + buf.getvalue()


def c_shared_local(blob):
    # A second central record for README.txt's local header.
    es = parse(blob)
    i, e = find(es, b"/data/README.txt")
    twin = Entry()
    twin.__dict__.update(e.__dict__)
    twin.off_of = i
    es_central = es + [twin]
    return build(es, central=es_central)


def c_msdos_host(blob):
    # Made by MS-DOS: the external attributes are read as DOS attributes
    # (0x01: read-only; the Unix mode is ignored).
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    e.cfields["vm"] = e.cfields["vm"] & 0xFF
    e.cfields["ea"] = 0x01
    return build(es)


def c_name_mismatch(blob):
    # The central directory names README.txt's entry otherwise.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    e.cname = e.name.replace(b"README.txt", b"READ_ME.txt")
    return build(es)


def c_truncated(blob):
    return blob[:len(blob) // 2]


def c_dd_mismatch(blob):
    # README.txt's data descriptor disagrees with the central directory.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    crc = struct.unpack_from("<I", e.dd, 4)[0] ^ 1
    e.dd = e.dd[:4] + struct.pack("<I", crc) + e.dd[8:]
    return build(es)


def c_dos_time(blob):
    # README.txt's DOS date a day later than its UT time (in both
    # headers): readers that take the DOS date show another day.
    es = parse(blob)
    _, e = find(es, b"/data/README.txt")
    e.cfields["date"] += 1
    e.lfields["date"] += 1
    return build(es)


CASES = {
    "upath-other": c_upath_other,
    "upath-dotdot": c_upath_dotdot,
    "zip64-split": c_zip64_split,
    "count-short": c_count_short,
    "local-only": c_local_only,
    "hidden-between": c_hidden_between,
    "folder-data": c_folder_data,
    "archive-comment": c_archive_comment,
    "file-comment": c_file_comment,
    "unknown-extra": c_unknown_extra,
    "prepended": c_prepended,
    "appended-zip": c_appended_zip,
    "shared-local": c_shared_local,
    "msdos-host": c_msdos_host,
    "name-mismatch": c_name_mismatch,
    "truncated": c_truncated,
    "dd-mismatch": c_dd_mismatch,
    "dos-time": c_dos_time,
}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "cases":
        print("\n".join(CASES))
    elif cmd == "make" and len(argv) == 5:
        with open(argv[3], "rb") as f:
            blob = f.read()
        with open(argv[4], "xb") as f:
            f.write(CASES[argv[2]](blob))
    elif cmd == "names" and len(argv) == 3:
        with zipfile.ZipFile(argv[2]) as z:
            for n in z.namelist():
                print(n)
    elif cmd == "read" and len(argv) == 4:
        with zipfile.ZipFile(argv[2]) as z:
            sys.stdout.buffer.write(z.read(argv[3]))
    elif cmd == "comment" and len(argv) == 3:
        with zipfile.ZipFile(argv[2]) as z:
            sys.stdout.buffer.write(z.comment)
    elif cmd == "info" and len(argv) == 4:
        with zipfile.ZipFile(argv[2]) as z:
            zi = z.getinfo(argv[3])
            print("extra %s" % zi.extra.hex())
            print("comment %s" % zi.comment.hex())
            print("date %04d-%02d-%02d %02d:%02d:%02d" % zi.date_time)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
