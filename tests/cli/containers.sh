#!/bin/sh
# containers.sh — more containers recorders write (issue 13, item 4).
# Footage made here with ffmpeg, 6 s at 25 fps from 12:00:00 in a plain
# archive, every picture carrying its frame number in the frame code band
# (samples/footage.sh, read back by tests/tools/framecode):
#   ps     MPEG program stream (.mpg): H.264, MP2 sound
#   avi    AVI: H.264, PCM sound
#   hev1   MP4: H.265 tagged hev1 (parameter sets in the stream too)
#   hvc1   MP4: H.265 tagged hvc1
#   seimp4 MP4 and seits MPEG-TS: H.265 with an SEI user-data-unregistered
#   seits  message carrying the Axis signed-video UUID in every picture
#          (tests/tools/seiput.py --hevc)
# Then:
#  - scan reads every file (container, 150 frames, nothing damaged) and
#    reports the signed video in both H.265 files;
#  - one export of 12:00:01.300–12:00:04.700: each working copy holds
#    exactly the frames shown in the range (codes 33..117), each once, in
#    order, and the manifest's first/last frame times are theirs; each
#    native copy is the source's pictures (decoded, frame by frame, and for
#    MP4 sources packet by packet) from the keyframe at 1 s over the whole
#    range, plays (ffmpeg decodes it without an error), is H.265 as hvc1
#    when the source was hev1, keeps the MP2 sound packet for packet and
#    keeps the SEI messages byte for byte;
#  - a program stream and an AVI cut short are damaged, scan exits 0.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg ffprobe python3
ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' libx265 ' ||
	t_skip "ffmpeg has no libx265 encoder"
FC="$TOP_BUILDDIR/tests/tools/framecode"
test -x "$FC" || t_fail "tests/tools/framecode is not built"
CHECK="python3 $TOP_SRCDIR/tests/tools/avcheck.py"
SEIPUT="python3 $TOP_SRCDIR/tests/tools/seiput.py"
AXIS=5369676e-6564-2056-6964-656f2e2e2e30
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
. "$TOP_SRCDIR/samples/footage.sh"

# The picture with its band, 150 frames; ENCODER_ARGS... OUT.
band="testsrc2=s=320x220:r=25[pic];$(fc_band_graph 320 240 25);[pic][band]vstack=inputs=2,setsar=1,format=yuv420p[v]"
sine="sine=f=440:r=48000:d=6"
x265="-c:v libx265 -preset ultrafast -x265-params log-level=error:keyint=25:bframes=0"
mkdir -p arc/ps arc/avi arc/hev1 arc/hvc1 arc/seimp4 arc/seits
$FF -filter_complex "$band" -f lavfi -i "$sine" -map '[v]' -map 0:a \
	-frames:v 150 -c:v libx264 -preset ultrafast -g 25 -threads 1 \
	-c:a mp2 -f mpeg arc/ps/20240701T120000Z.mpg ||
	t_fail "ffmpeg failed (ps)"
$FF -filter_complex "$band" -f lavfi -i "$sine" -map '[v]' -map 0:a \
	-frames:v 150 -c:v libx264 -preset ultrafast -g 25 -threads 1 \
	-c:a pcm_s16le arc/avi/20240701T120000Z.avi ||
	t_fail "ffmpeg failed (avi)"
for tag in hev1 hvc1; do
	$FF -filter_complex "$band" -map '[v]' -frames:v 150 $x265 \
		-tag:v $tag arc/$tag/20240701T120000Z.mp4 ||
		t_fail "ffmpeg failed ($tag)"
done
$FF -filter_complex "$band" -map '[v]' -frames:v 150 $x265 -f hevc v.hevc ||
	t_fail "ffmpeg failed (H.265 stream)"
n=$($SEIPUT --hevc $AXIS v.hevc s.hevc) || t_fail "seiput failed"
test "$n" = 150 || t_fail "seiput wrote $n messages, not 150"
$FF -framerate 25 -f hevc -i s.hevc -c copy -tag:v hvc1 \
	arc/seimp4/20240701T120000Z.mp4 || t_fail "ffmpeg failed (seimp4)"
$FF -fflags +genpts -framerate 25 -f hevc -i s.hevc -c copy -f mpegts \
	arc/seits/20240701T120000Z.ts || t_fail "ffmpeg failed (seits)"

# The sources are what the test says.
entry() { ffprobe -v error -select_streams "$2" -show_entries "$3" \
	-of csv=p=0 "$1" | sed -e '/^$/d' -e 's/,$//' | head -n 1; }
test "$(entry arc/ps/*.mpg v:0 stream=codec_name)" = h264 &&
	test "$(entry arc/ps/*.mpg a:0 stream=codec_name)" = mp2 &&
	test "$(ffprobe -v error -show_entries format=format_name -of csv=p=0 arc/ps/*.mpg)" = mpeg ||
	t_fail "ps source is not an MPEG-PS of H.264 and MP2"
test "$(entry arc/avi/*.avi a:0 stream=codec_name)" = pcm_s16le ||
	t_fail "avi source has no PCM sound"
for tag in hev1 hvc1; do
	test "$(entry arc/$tag/*.mp4 v:0 stream=codec_name,codec_tag_string)" = "hevc,$tag" ||
		t_fail "$tag source: $(entry arc/$tag/*.mp4 v:0 stream=codec_name,codec_tag_string)"
done
for f in arc/seimp4/*.mp4 arc/seits/*.ts; do
	test "$($CHECK sei "$f" $AXIS)" = \
		"count 150 first frame_000000 last frame_000149" ||
		t_fail "$f SEI: $($CHECK sei "$f" $AXIS)"
done

# Scan: every file read, whole; the signatures in H.265 seen.
t_expect_status 0 "$EXHIBIT" scan arc
t_grep '^layout     plain$' out.txt
test "$(grep -c '^  segments   1 (1 ok, 0 damaged, 0 unreadable)$' out.txt)" = 6 ||
	t_fail "scan: not 6 cameras of 1 whole file each"
test "$(grep -c '^  signed     axis-signed-video in 1 of 1 files' out.txt)" = 2 ||
	t_fail "scan: the signed video of seimp4 and seits not reported"
cp out.txt scan.txt
t_expect_status 0 "$EXHIBIT" scan arc --xml
for c in ps:mpeg avi:avi hev1:mov,mp4,m4a,3gp,3g2,mj2 \
    hvc1:mov,mp4,m4a,3gp,3g2,mj2 seimp4:mov,mp4,m4a,3gp,3g2,mj2 seits:mpegts; do
	cam=${c%%:*}
	grep "<segment path=\"$cam/" out.txt | grep 'state="ok"' |
		grep "container=\"${c#*:}\"" | grep 'frames="150" keyframes="6"' |
		grep -q 'fps="25/1"' ||
		t_fail "scan --xml, $cam: $(grep "<segment path=\"$cam/" out.txt)"
done

# Where the first picture is in each file: MP4 and AVI count from zero;
# PS and TS from the container's first timestamp (the sound may come
# first).  ffprobe's start times, in microseconds.
offset_us() {
	python3 -c "import sys; print(round((float(sys.argv[1]) - float(sys.argv[2])) * 1e6))" \
		"$(entry "$1" v:0 stream=start_time)" \
		"$(ffprobe -v error -show_entries format=start_time -of csv=p=0 "$1")"
}
OFFS=""
for cam in ps avi hev1 hvc1 seimp4 seits; do
	OFFS="$OFFS $cam=$(offset_us arc/$cam/*)"
done

t_key
FROM=2024-07-01T12:00:01.300Z
TO=2024-07-01T12:00:04.700Z
t_expect_status 0 t_export arc b --container dir \
	--camera ps,avi,hev1,hvc1,seimp4,seits --from $FROM --to $TO \
	--exhibit F/1 --jobs 2

# Frame by frame: the codes in each file, against the manifest.
python3 - "$FC" b/manifest.xml $OFFS <<'EOF' || t_fail "frame accuracy (see above)"
import subprocess, sys, xml.etree.ElementTree as ET
from datetime import datetime, timezone

fc, manifest = sys.argv[1:3]
offs = dict(a.split("=") for a in sys.argv[3:])
NS = {"m": "urn:exhibit:manifest:1"}
BASE = int(datetime(2024, 7, 1, 12, tzinfo=timezone.utc).timestamp()) * 10**6
FROM, TO = BASE + 1300000, BASE + 4700000
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
        print("FAIL:", what, file=sys.stderr)
def iso(u):
    d = datetime.fromtimestamp(u // 1000000, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (u % 1000000)
def codes_of(path):
    out = subprocess.run([fc, path], check=True, capture_output=True,
                         text=True).stdout
    return [int(line.split()[2]) for line in out.splitlines()]
root = ET.parse(manifest).getroot()
cams = root.findall("m:camera", NS)
check(len(cams) == 6, "%d cameras in the manifest" % len(cams))
for cam in cams:
    cid = cam.get("id")
    off = int(offs[cid])
    t = lambda c: BASE + off + c * 40000
    expect = [c for c in range(150) if FROM <= t(c) < TO]
    seen = {"native": [], "working": []}
    for f in cam.findall("m:file", NS):
        role = f.get("role")
        if role not in seen:
            continue
        path = "b/" + f.find("m:path", NS).text
        codes = codes_of(path)
        v = f.find("m:video", NS)
        check(codes and codes == list(range(codes[0], codes[0] + len(codes))),
              "%s: codes not consecutive: %s" % (path, codes[:3]))
        if not codes:
            continue
        check(int(v.get("frames")) == len(codes),
              "%s: manifest says %s frames, file has %d" % (path, v.get("frames"), len(codes)))
        check(v.get("first-frame") == iso(t(codes[0])),
              "%s: first-frame %s, its first frame was shown at %s" % (path, v.get("first-frame"), iso(t(codes[0]))))
        check(v.get("last-frame") == iso(t(codes[-1])),
              "%s: last-frame %s, its last frame was shown at %s" % (path, v.get("last-frame"), iso(t(codes[-1]))))
        seen[role].extend(codes)
    check(seen["working"] == expect,
          "%s: working copy holds %d frames %s..%s, expected %d frames %d..%d"
          % (cid, len(seen["working"]), seen["working"][:1], seen["working"][-1:],
             len(expect), expect[0], expect[-1]))
    nat = seen["native"]
    check(nat[:1] == [25] and all(c in nat for c in expect),
          "%s: native holds %s..%s, not the keyframe at 1 s (25) to %d"
          % (cid, nat[:1], nat[-1:], expect[-1]))
sys.exit(1 if bad else 0)
EOF

# framemd5 of one stream of a file: "copy" packets as stored, "dec" the
# decoded pictures.
md5s() {
	case $4 in copy) set -- "$1" "$2" "$3" -c copy ;; *) set -- "$1" "$2" "$3" ;; esac
	_in=$1 _map=$2 _out=$3
	shift 3
	$FF -xerror -i "$_in" -map "0:$_map" "$@" -f framemd5 "$_out" ||
		t_fail "framemd5 of $_in stream $_map failed"
}
for cam in ps avi hev1 hvc1 seimp4 seits; do
	src=$(ls arc/$cam/*)
	nat=b/data/$cam/native/$cam-native-001.mp4
	test -f "$nat" || t_fail "$cam: no native copy"
	test ! -e b/data/$cam/native/$cam-native-002.mp4 ||
		t_fail "$cam: native copy split"
	# The native copy plays: every picture decodes without an error, and
	# they are the source's, from the keyframe at 1 s (picture 25).
	md5s "$src" v:0 src-v.md5 dec
	md5s "$nat" v:0 nat-v.md5 dec
	r=$($CHECK run src-v.md5 nat-v.md5) ||
		t_fail "$cam: native pictures differ from the source's: $r"
	case $r in "index 25 count "*) ;; *)
		t_fail "$cam: native does not start at the keyframe of 1 s: $r"
	esac
	case $cam in
	ps|avi) want=h264,avc1 ;;
	*) want=hevc,hvc1 ;;
	esac
	test "$(entry "$nat" v:0 stream=codec_name,codec_tag_string)" = "$want" ||
		t_fail "$cam native video: $(entry "$nat" v:0 stream=codec_name,codec_tag_string), not $want"
	case $cam in
	hev1|hvc1|seimp4)
		# MP4 into MP4: the very packets.
		md5s "$src" v:0 src-p.md5 copy
		md5s "$nat" v:0 nat-p.md5 copy
		r=$($CHECK run src-p.md5 nat-p.md5) ||
			t_fail "$cam: native video packets differ from the source's: $r"
		;;
	esac
	case $cam in
	ps)
		# MP2 sound kept, packet for packet.
		md5s "$src" a:0 src-a.md5 copy
		md5s "$nat" a:0 nat-a.md5 copy
		r=$($CHECK run src-a.md5 nat-a.md5) ||
			t_fail "ps: native sound packets differ from the source's: $r"
		;;
	seimp4|seits)
		nv=$(grep -vc '^#' nat-v.md5)
		test "$($CHECK sei "$nat" $AXIS)" = \
			"count $nv first frame_000025 last frame_$(printf %06d $((24 + nv)))" ||
			t_fail "$cam: native SEI: $($CHECK sei "$nat" $AXIS) ($nv pictures)"
		;;
	esac
done
# What became of the sound, in the manifest.
t_grep '<stream index="1" type="audio" codec="mp2" fate="kept" source-index="1"/>' b/manifest.xml
t_grep '<stream type="audio" codec="pcm_s16le" fate="left-out" source-index="1" reason="uncompressed \(PCM\) audio cannot be stored in MP4' b/manifest.xml

# Cut short while writing: damaged, reported, not fatal.
mkdir -p cut/ps cut/avi
s=$(wc -c < arc/ps/20240701T120000Z.mpg)
head -c $((s / 2 + 777)) arc/ps/20240701T120000Z.mpg > cut/ps/20240701T120000Z.ps
s=$(wc -c < arc/avi/20240701T120000Z.avi)
head -c $((s / 2 + 777)) arc/avi/20240701T120000Z.avi > cut/avi/20240701T120000Z.avi
t_expect_status 0 "$EXHIBIT" scan cut
t_grep '^  damaged    ps/20240701T120000Z\.ps: [0-9]+ frames readable; the file ends inside a program stream pack \(file truncated\)$' out.txt
# (An AVI declares its frame count; whether the cut falls inside a frame
# depends on the encoder's frame sizes.)
t_grep '^  damaged    avi/20240701T120000Z\.avi: [0-9]+ of 150 frames readable(, 1 cut short \(file truncated\)| \(file truncated\?\))$' out.txt
t_done
