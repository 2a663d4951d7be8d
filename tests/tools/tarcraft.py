#!/usr/bin/env python3
"""tarcraft.py — hostile variants of a tar bundle, and a ustar-only reader.

Used by tests/cli/diff_tar.sh.  Every header this writes gets a correct
checksum unless the case is about the checksum.

  tarcraft.py list FILE          headers as they are: offset type name size
  tarcraft.py ustar-list FILE    entries as a ustar-only reader sees them
                                 (pax, GNU and other extension headers
                                 taken as the plain files they claim to be)
  tarcraft.py sized-list FILE    the same, skipping the size every header
                                 states (also a folder's)
  tarcraft.py make CASE IN OUT [NAME]   write a hostile copy of IN
"""
import sys

BLOCK = 512


def octal(v, width):
    """width-1 octal digits and a NUL, as ustar writes numbers."""
    return b"%0*o\0" % (width - 1, v)


def checksum(h):
    h = bytearray(h)
    h[148:156] = b" " * 8
    return sum(h)


def seal(h):
    """h (512 bytes) with a correct checksum, as libarchive writes it."""
    h = bytearray(h)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def header(name, size, typeflag, mode=0o644, mtime=1730000000,
           prefix=b""):
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = b"%06o \0" % mode
    h[108:116] = b"000000 \0"
    h[116:124] = b"000000 \0"
    h[124:136] = b"%011o " % size
    h[136:148] = b"%011o " % mtime
    h[156:157] = typeflag
    h[257:265] = b"ustar\x0000"
    h[329:345] = b"000000 \0" + b"000000 \0"
    h[345:345 + len(prefix)] = prefix
    assert len(h) == BLOCK
    return seal(h)


def pad(data):
    return data + bytes(-len(data) % BLOCK)


def pax_records(pairs):
    out = b""
    for k, v in pairs:
        body = b" " + k + b"=" + v + b"\n"
        n = len(body) + 1
        while len(b"%d" % n) + len(body) != n:
            n += 1
        out += b"%d" % n + body
    return out


def number(field):
    if field[0] & 0x80:
        v = int.from_bytes(field[1:], "big")
        return v
    s = field.replace(b"\0", b" ").strip()
    return int(s, 8) if s else 0


def walk(data):
    """(offset, header, type, name, size) of every header up to the end."""
    off = 0
    out = []
    while off + BLOCK <= len(data):
        h = data[off:off + BLOCK]
        if h == bytes(BLOCK):
            break
        name = h[0:100].split(b"\0")[0]
        prefix = h[345:500].split(b"\0")[0]
        if prefix:
            name = prefix + b"/" + name
        size = number(h[124:136])
        out.append((off, h, h[156:157], name, size))
        off += BLOCK + size + (-size % BLOCK)
    return out, off


def find(entries, name):
    for e in entries:
        if e[3] == name:
            return e
    sys.exit("tarcraft: no entry %r" % name)


def ustar_list(data, sized=False):
    """What a reader that knows only POSIX ustar (no pax, no GNU) lists:
    every header is an entry named by its name and prefix fields, and
    its size field says how much data follows (but a folder has none,
    unless sized: then every entry's size is skipped as stated)."""
    off = 0
    while off + BLOCK <= len(data):
        h = data[off:off + BLOCK]
        if h == bytes(BLOCK):
            return
        try:
            ok = checksum(h) == number(h[148:156])
            size = number(h[124:136])
        except ValueError:
            ok = False
        if not ok:
            print("bad header at %d: stop" % off)
            return
        name = h[0:100].split(b"\0")[0]
        prefix = h[345:500].split(b"\0")[0]
        if prefix:
            name = prefix + b"/" + name
        kind = "d" if h[156:157] == b"5" else "-"
        print("%s %d %s" % (kind, size, name.decode("latin-1")))
        # POSIX: a folder ('5') has no data blocks, whatever its size.
        if sized or h[156:157] != b"5":
            off += size + (-size % BLOCK)
        off += BLOCK


def make(case, src, dst, target):
    data = open(src, "rb").read()
    entries, _ = walk(data)
    e = find(entries, target)
    off, h, t, name, size = e
    body = data[off + BLOCK:off + BLOCK + size]
    after = off + BLOCK + size + (-size % BLOCK)
    before = data[:off]
    rest = data[after:]
    top = name.split(b"/")[0]
    if case == "pax-path":
        # pax path = the signed name; the ustar name another one.
        recs = pax_records([(b"path", name)])
        x = header(top + b"/data/PaxHeader/README.txt", len(recs), b"x")
        alt = bytearray(h)
        alt[0:100] = bytes(100)
        other = name.replace(b"README", b"EVILME")
        alt[0:len(other)] = other
        out = before + x + pad(recs) + seal(alt) + pad(body) + rest
    elif case == "pax-size":
        # pax size = the real size; ustar size 0: a ustar-only reader
        # sees an empty file, then takes the content for headers.
        recs = pax_records([(b"size", b"%d" % size)])
        x = header(top + b"/data/PaxHeader/README.txt", len(recs), b"x")
        alt = bytearray(h)
        alt[124:136] = b"%011o " % 0
        out = before + x + pad(recs) + seal(alt) + pad(body) + rest
    elif case == "gnu-longname":
        # A GNU 'L' header carries the signed name; the ustar name is
        # another one.
        ln = name + b"\0"
        L = bytearray(header(b"././@LongLink", len(ln), b"L"))
        alt = bytearray(h)
        other = name.replace(b"README", b"EVILME")
        alt[0:100] = bytes(100)
        alt[0:len(other)] = other
        out = before + L + pad(ln) + seal(alt) + pad(body) + rest
    elif case == "global-pax":
        # A 'g' header whose path some readers apply to what follows.
        recs = pax_records([(b"path", top + b"/data/EVIL.txt")])
        g = header(b"pax_global_header", len(recs), b"g")
        out = before + g + pad(recs) + data[off:]
    elif case == "padding":
        # Bytes hidden in the zero padding after an entry's data.
        hidden = b"HIDDEN-NOT-SIGNED"
        room = -size % BLOCK
        assert room >= len(hidden)
        out = (before + h + body + hidden + bytes(room - len(hidden)) +
               rest)
    elif case == "folder-data":
        # A folder entry that carries a whole tar entry as its "data":
        # readers that skip a folder's data and readers that do not see
        # different entries.
        inner_body = b"not in the signed bundle\n"
        inner = header(top + b"/data/EVIL.txt", len(inner_body), b"0")
        payload = inner + pad(inner_body)
        d = header(top + b"/data/x/", len(payload), b"5", mode=0o755)
        out = before + d + payload + data[off:]
    elif case == "checksum":
        # An extra entry whose checksum field ends in a stray byte
        # after its NUL: GNU tar takes the header (and lists the entry),
        # bsdtar (libarchive) finds it damaged and skips it.
        evil_body = b"not in the signed bundle\n"
        bad = bytearray(header(top + b"/data/EVIL.txt", len(evil_body),
                               b"0"))
        bad[148:156] = b"%06o\0X" % checksum(bad)
        out = before + bytes(bad) + pad(evil_body) + data[off:]
    elif case == "owner":
        # An owner exhibit never writes: uid 1000, user name mallory.
        alt = bytearray(h)
        alt[108:116] = b"001750 \0"
        alt[265:297] = b"mallory".ljust(32, b"\0")
        out = before + seal(alt) + data[off + BLOCK:]
    elif case == "mtime-pax":
        # A pax mtime that contradicts the ustar mtime.
        recs = pax_records([(b"mtime", b"1")])
        x = header(top + b"/data/PaxHeader/README.txt", len(recs), b"x")
        out = before + x + pad(recs) + data[off:]
    else:
        sys.exit("tarcraft: unknown case %s" % case)
    open(dst, "wb").write(out)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "list":
        entries, end = walk(open(sys.argv[2], "rb").read())
        for off, h, t, name, size in entries:
            print(off, t.decode("latin-1"), name.decode("latin-1"), size)
        print("end", end)
    elif len(sys.argv) >= 3 and sys.argv[1] in ("ustar-list", "sized-list"):
        ustar_list(open(sys.argv[2], "rb").read(),
                   sys.argv[1] == "sized-list")
    elif len(sys.argv) >= 5 and sys.argv[1] == "make":
        target = (sys.argv[5] if len(sys.argv) > 5 else
                  "E1/data/README.txt").encode()
        make(sys.argv[2], sys.argv[3], sys.argv[4], target)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
