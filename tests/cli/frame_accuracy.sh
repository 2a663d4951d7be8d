#!/bin/sh
# frame_accuracy.sh — the export is frame-accurate, proven by machine.
# The sample footage carries a frame code band (samples/README.md): code c
# of cam1 was shown at 00:59:30Z + c/25 s, of cam2 at 00:59:35Z + c/25 s.
# An export of both cameras over a range that starts and ends between
# frames and spans several source segments (and cam1's 10 s gap) must give:
#  - working copies holding exactly the frames shown in [from, to), each
#    once, in order, across their file splits and the source segment
#    boundaries; cam1's gap splits its working copy and is in the manifest;
#  - native copies that start on the keyframe at or before --from (within
#    one GOP), have no hole, and cover the whole range;
#  - a manifest whose per-file frame counts and first/last frame times are
#    those of the frames actually in each file, and whose requested and
#    actual ranges are right.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffprobe >/dev/null 2>&1 || t_skip "ffprobe not installed"
command -v python3 >/dev/null 2>&1 || t_skip "python3 not installed"
FC="$TOP_BUILDDIR/tests/tools/framecode"
test -x "$FC" || t_fail "tests/tools/framecode is not built"

t_key
# from: between cam1 frames 213 and 214 (cam2 88 and 89); to: exactly on
# cam1 frame 862 (cam2 737), which is therefore left out.
FROM=2024-10-27T00:59:38.530Z
TO=2024-10-27T01:00:04.480Z
SOURCE_DATE_EPOCH=1730000000 t_expect_status 0 t_export_sample b \
	--container dir --camera cam1,cam2 --from "$FROM" --to "$TO" \
	--exhibit ABC/1 --jobs 2 --segment 4
t_grep '^b: [0-9]+ files' out.txt

# Native copies start on a keyframe (the decoder says so, not the muxer).
for f in b/data/cam1/native/*.mp4 b/data/cam2/native/*.mp4; do
	k=$(ffprobe -v error -select_streams v:0 -read_intervals '%+#1' \
		-show_entries frame=key_frame -of default=nw=1:nk=1 "$f" | head -n 1)
	test "$k" = 1 || t_fail "$f: first frame is not a keyframe ($k)"
done
# Working copies too: each file plays on its own.
for f in b/data/cam1/working/*.mp4 b/data/cam2/working/*.mp4; do
	k=$(ffprobe -v error -select_streams v:0 -read_intervals '%+#1' \
		-show_entries frame=key_frame -of default=nw=1:nk=1 "$f" | head -n 1)
	test "$k" = 1 || t_fail "$f: first frame is not a keyframe ($k)"
done

# Everything else is easier to state in Python: framecode reads each file,
# the manifest says what each file holds.
python3 - "$FC" b/manifest.xml "$FROM" "$TO" <<'EOF' || t_fail "frame accuracy (see above)"
import subprocess, sys, xml.etree.ElementTree as ET
from datetime import datetime, timezone

fc, manifest, req_from, req_to = sys.argv[1:5]
NS = {"m": "urn:exhibit:manifest:1"}
FRAME_US = 40000
# camera: (first segment start, codes expected in the working copy,
#          GOP of the source, gaps expected in the manifest)
def us(iso):
    iso = iso.replace("Z", "+00:00")
    d = datetime.fromisoformat(iso)
    return int(d.timestamp()) * 1000000 + d.microsecond
def iso(u):
    d = datetime.fromtimestamp(u // 1000000, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (u % 1000000)
CAMS = {
    "cam1": (us("2024-10-27T00:59:30Z"),
             list(range(214, 500)) + list(range(750, 862)), 25,
             [("2024-10-27T00:59:50.000000Z", "2024-10-27T01:00:00.000000Z")]),
    "cam2": (us("2024-10-27T00:59:35Z"), list(range(89, 737)), 50, []),
}
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
        print("FAIL:", what, file=sys.stderr)

def codes_of(path):
    out = subprocess.run([fc, path], check=True, capture_output=True,
                         text=True).stdout
    return [int(line.split()[2]) for line in out.splitlines()]

root = ET.parse(manifest).getroot()
req = root.find("m:request", NS)
check(req.get("from") == iso(us(req_from)) and req.get("to") == iso(us(req_to)),
      "request range %s .. %s" % (req.get("from"), req.get("to")))
for cam in root.findall("m:camera", NS):
    cid = cam.get("id")
    base, expect, gop, gaps = CAMS[cid]
    t = lambda c: iso(base + c * FRAME_US)
    r = cam.find("m:requested", NS)
    check((r.get("from"), r.get("to")) == (req.get("from"), req.get("to")),
          "%s: requested range" % cid)
    got_gaps = [(g.get("from"), g.get("to")) for g in cam.findall("m:gap", NS)]
    check(got_gaps == gaps, "%s: gaps %s, expected %s" % (cid, got_gaps, gaps))
    seen = {"native": [], "working": []}
    for f in cam.findall("m:file", NS):
        role = f.get("role")
        if role not in seen:
            continue
        path = "b/" + f.find("m:path", NS).text
        codes = codes_of(path)
        v = f.find("m:video", NS)
        check(len(codes) > 0, "%s: no frames" % path)
        if not codes:
            continue
        check(codes == list(range(codes[0], codes[0] + len(codes))),
              "%s: codes not consecutive" % path)
        check(int(v.get("frames")) == len(codes),
              "%s: manifest says %s frames, file has %d" % (path, v.get("frames"), len(codes)))
        check(v.get("first-frame") == t(codes[0]),
              "%s: first-frame %s, but its first frame was shown at %s" % (path, v.get("first-frame"), t(codes[0])))
        check(v.get("last-frame") == t(codes[-1]),
              "%s: last-frame %s, but its last frame was shown at %s" % (path, v.get("last-frame"), t(codes[-1])))
        fr = f.find("m:requested", NS)
        check(fr is not None and fr.get("from") == req.get("from") and fr.get("to") == req.get("to"),
              "%s: requested range" % path)
        seen[role].append(codes)
    work = [c for codes in seen["working"] for c in codes]
    check(work == expect,
          "%s: working copy holds %d frames %s..%s, expected %d frames %d..%d"
          % (cid, len(work), work[:1], work[-1:], len(expect), expect[0], expect[-1]))
    check(len(seen["working"]) >= 2, "%s: working copy not split" % cid)
    # No working file runs across a gap: each file is consecutive (above)
    # and, for cam1, one file ends on the last frame before the gap.
    if gaps:
        check(any(c[-1] == 499 for c in seen["working"]) and
              any(c[0] == 750 for c in seen["working"]),
              "%s: the working copy is not split at the gap" % cid)
    nat = seen["native"]
    check(len(nat) >= 1, "%s: no native copy" % cid)
    if nat:
        first = nat[0][0]
        check(first <= expect[0] and first > expect[0] - gop and first % gop == 0,
              "%s: native starts at code %d, not on the keyframe at or before %d" % (cid, first, expect[0]))
        allnat = set(c for codes in nat for c in codes)
        missing = [c for c in expect if c not in allnat]
        check(not missing, "%s: native copy lacks %d frames of the range (%s...)" % (cid, len(missing), missing[:3]))
        check(len(nat) == (1 + len(gaps)), "%s: %d native files for %d gaps" % (cid, len(nat), len(gaps)))
    cov = {c.get("role"): (c.get("from"), c.get("to")) for c in cam.findall("m:coverage", NS)}
    check(cov.get("working") == (t(expect[0]), t(expect[-1] + 1)),
          "%s: working coverage %s, expected %s" % (cid, cov.get("working"), (t(expect[0]), t(expect[-1] + 1))))
    if nat:
        check(cov.get("native", ("",))[0] == t(nat[0][0]),
              "%s: native coverage starts %s, its first frame is %s" % (cid, cov.get("native"), t(nat[0][0])))
sys.exit(1 if bad else 0)
EOF
t_done
