#!/usr/bin/env python3
"""zipcraft.py -- read and craft ZIP bundles for the end-to-end tests.

  zipcraft.py list ZIP              entry names, one a line
  zipcraft.py extract ZIP DIR       extract (names are checked to stay in DIR)
  zipcraft.py pack DIR TOP ZIP      zip DIR's files under the folder TOP/
  zipcraft.py dup ZIP NAME OUT      ZIP plus a second entry called NAME
                                    (other bytes), so two entries share it
  zipcraft.py add ZIP NAME OUT      ZIP plus an entry called NAME, as given
                                    (e.g. with '..' in it)

Entries are written in sorted order with a fixed date, deflated.
"""
import os
import sys
import warnings
import zipfile

DATE = (2024, 10, 27, 3, 33, 20)


def info(name):
    zi = zipfile.ZipInfo(name, DATE)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o644 << 16
    return zi


def copy_all(src, dst):
    for zi in src.infolist():
        dst.writestr(zi, src.read(zi.filename))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "list":
        with zipfile.ZipFile(argv[2]) as z:
            for n in z.namelist():
                print(n)
    elif cmd == "extract":
        dest = os.path.realpath(argv[3])
        with zipfile.ZipFile(argv[2]) as z:
            for n in z.namelist():
                target = os.path.realpath(os.path.join(dest, n))
                if not target.startswith(dest + os.sep):
                    print("unsafe name: %s" % n, file=sys.stderr)
                    return 2
            z.extractall(dest)
    elif cmd == "pack":
        src, top, out = argv[2], argv[3], argv[4]
        names = []
        for root, dirs, files in os.walk(src):
            for f in files:
                full = os.path.join(root, f)
                names.append(os.path.relpath(full, src))
        with zipfile.ZipFile(out, "x") as z:
            for rel in sorted(names):
                with open(os.path.join(src, rel), "rb") as f:
                    z.writestr(info(top + "/" + rel.replace(os.sep, "/")),
                               f.read())
    elif cmd in ("dup", "add"):
        src, name, out = argv[2], argv[3], argv[4]
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "x") as z:
            copy_all(zin, z)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")   # "Duplicate name"
                z.writestr(info(name), b"crafted by zipcraft.py\n")
    else:
        print("zipcraft.py: unknown command %s" % cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
