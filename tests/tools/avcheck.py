#!/usr/bin/env python3
"""avcheck.py - small measurements for the fidelity tests.

    avcheck.py run SRC.framemd5 OUT.framemd5
        OUT's packets (size and MD5, in order) are a contiguous run of
        SRC's: prints "index N count M" (N: where in SRC the run starts);
        exit 1 if not, or if OUT has none.
    avcheck.py loud RAW_F32LE RATE LEVEL
        the time in seconds of the first sample (mono float) whose
        magnitude reaches LEVEL; exit 1 if none does.
    avcheck.py sei FILE UUID
        the SEI user-data-unregistered messages with that UUID in FILE
        (the UUID's bytes and the 12 bytes after them): prints "count N
        first TEXT last TEXT".
    avcheck.py ramp RAW_GRAY8 WIDTH HEIGHT ROW
        the luma values of row ROW, space-separated.
    avcheck.py close A B MAXMEAN MAXPEAK
        two space-separated lists of numbers (strings) differ by at most
        MAXMEAN on average and MAXPEAK anywhere; exit 1 otherwise.
"""
import struct
import sys


def packets(path):
    out = []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        f = [x.strip() for x in line.split(",")]
        out.append((f[4], f[5]))
    return out


def cmd_run(src, dst):
    s, d = packets(src), packets(dst)
    if not d:
        print("no packets in " + dst)
        return 1
    for i in range(len(s) - len(d) + 1):
        if s[i:i + len(d)] == d:
            print("index %d count %d" % (i, len(d)))
            return 0
    print("not a run of the source's packets (%d of %d)" % (len(d), len(s)))
    return 1


def cmd_loud(path, rate, level):
    data = open(path, "rb").read()
    n = len(data) // 4
    for i, (x,) in enumerate(struct.iter_unpack("<f", data[:n * 4])):
        if abs(x) >= float(level):
            print("%.6f" % (i / float(rate)))
            return 0
    print("none")
    return 1


def cmd_sei(path, uuid):
    u = bytes.fromhex(uuid.replace("-", ""))
    data = open(path, "rb").read()
    texts = []
    i = data.find(u)
    while i >= 0:
        texts.append(data[i + 16:i + 28].decode("ascii", "replace"))
        i = data.find(u, i + 16)
    print("count %d first %s last %s" % (len(texts),
          texts[0].replace(" ", "_") if texts else "-",
          texts[-1].replace(" ", "_") if texts else "-"))
    return 0


def cmd_ramp(path, w, h, row):
    w, h, row = int(w), int(h), int(row)
    data = open(path, "rb").read()
    print(" ".join(str(b) for b in data[row * w:(row + 1) * w]))
    return 0


def cmd_close(a, b, maxmean, maxpeak):
    x = [float(v) for v in a.split()]
    y = [float(v) for v in b.split()]
    if len(x) != len(y) or not x:
        print("lengths differ: %d %d" % (len(x), len(y)))
        return 1
    d = [abs(p - q) for p, q in zip(x, y)]
    mean = sum(d) / len(d)
    print("mean %.3f peak %.0f" % (mean, max(d)))
    return 0 if mean <= float(maxmean) and max(d) <= float(maxpeak) else 1


def main(argv):
    cmds = {"run": (cmd_run, 2), "loud": (cmd_loud, 3), "sei": (cmd_sei, 2),
            "ramp": (cmd_ramp, 4), "close": (cmd_close, 4)}
    if not argv or argv[0] not in cmds or len(argv) - 1 != cmds[argv[0]][1]:
        sys.stderr.write(__doc__)
        return 2
    return cmds[argv[0]][0](*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
