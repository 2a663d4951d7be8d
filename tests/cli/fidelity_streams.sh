#!/bin/sh
# fidelity_streams.sh — every stream, as the camera wrote it (issue 13).
# Four cameras of footage made here with ffmpeg, 6 s each from 12:00:00,
# a white flash at 3.000 s (frame 75) and a 1 kHz click at the same
# instant in the sound:
#   cam1  MOV: full-range H.264 with an SEI user-data-unregistered message
#         carrying the Axis signed-video UUID in every picture
#         (tests/tools/seiput.py), AAC 48 kHz, a timecode track 10:00:00:00,
#         turned 90 degrees (display matrix)
#   cam2  Matroska: H.264, G.711 A-law 8 kHz
#   cam3  Matroska: H.265 (tagged full range), G.711 mu-law 8 kHz
#   cam4  Matroska: H.264, PCM 16-bit 48 kHz stereo
# One export of 12:00:01.300–12:00:04.700, then, with ffmpeg/ffprobe only:
#  - native: its video packets (size and MD5, ffmpeg -f framemd5) are a
#    run of the source's, from the keyframe at 1 s; cam1's AAC packets are
#    a run of the source's, on the video's clock (first within one AAC
#    frame of the start, last ending within one of the video's end); the
#    timecode track restarts at 10:00:01:00; the rotation is the source's;
#    every picture keeps its SEI
#    message byte for byte; G.711 and PCM are left out (MP4 cannot hold
#    them);
#  - working: yuv420p, limited range; AAC at the source's rate, as long as
#    the video (within one AAC frame), starting with it, and the click
#    within one AAC frame of the flash.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg ffprobe python3
ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' libx265 ' ||
	t_skip "ffmpeg has no libx265 encoder"
CHECK="python3 $TOP_SRCDIR/tests/tools/avcheck.py"
SEIPUT="python3 $TOP_SRCDIR/tests/tools/seiput.py"
AXIS=5369676e-6564-2056-6964-656f2e2e2e30
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"

# The picture: black, a white frame 75; the sound: a faint hum, a click
# at 3.000-3.020 s.
pic="color=black:s=320x240:r=25:d=6,drawbox=c=white:t=fill:enable='eq(n,75)'"
snd() { echo "aevalsrc='if(between(t,3,3.02),0.8*sin(2*PI*1000*t),0.01*sin(2*PI*300*t))':s=$1:c=$2:d=6"; }
mkdir -p arc/cam1 arc/cam2 arc/cam3 arc/cam4
$FF -f lavfi -i "$pic,format=yuvj420p" -c:v libx264 -preset ultrafast \
	-g 25 -threads 1 -bsf:v h264_mp4toannexb -f h264 v1.h264 ||
	t_fail "ffmpeg failed (cam1 picture)"
n=$($SEIPUT $AXIS v1.h264 s1.h264) || t_fail "seiput failed"
test "$n" = 150 || t_fail "seiput wrote $n messages, not 150"
$FF -framerate 25 -f h264 -i s1.h264 -f lavfi -i "$(snd 48000 mono)" \
	-map 0:v -map 1:a -c:v copy -c:a aac -timecode 10:00:00:00 -shortest \
	c1.mov || t_fail "ffmpeg failed (cam1)"
# Turned a quarter (the display matrix a camera mounted on its side sets).
$FF -i c1.mov -map 0 -c copy -metadata:s:v:0 rotate=90 \
	arc/cam1/20240701T120000Z.mov || t_fail "ffmpeg failed (cam1 rotation)"
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 8000 mono)" -c:v libx264 \
	-preset ultrafast -g 25 -pix_fmt yuv420p -c:a pcm_alaw \
	arc/cam2/20240701T120000Z.mkv || t_fail "ffmpeg failed (cam2)"
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 8000 mono)" -c:v libx265 \
	-preset ultrafast -x265-params log-level=error:keyint=25 \
	-pix_fmt yuv420p -color_range pc -c:a pcm_mulaw \
	arc/cam3/20240701T120000Z.mkv || t_fail "ffmpeg failed (cam3)"
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 48000 stereo)" -c:v libx264 \
	-preset ultrafast -g 25 -pix_fmt yuv420p -c:a pcm_s16le \
	arc/cam4/20240701T120000Z.mkv || t_fail "ffmpeg failed (cam4)"
# The sources are what the test says.
# (A stream's side data, e.g. its rotation, adds a ',' and an empty line.)
probe() { ffprobe -v error -show_entries "$1" -of csv=p=0 "$2" |
	sed -e '/^$/d' -e 's/,$//'; }
test "$(probe stream=codec_type,codec_name arc/cam1/*.mov | tr '\n' ' ')" = \
	"h264,video aac,audio unknown,data " ||
	t_fail "cam1 source streams: $(probe stream=codec_type arc/cam1/*.mov)"
test "$(probe stream_side_data=rotation arc/cam1/*.mov)" = 90 ||
	t_fail "cam1 source is not turned: $(probe stream_side_data=rotation arc/cam1/*.mov)"
probe stream=pix_fmt arc/cam1/*.mov | grep -qx yuvj420p ||
	t_fail "cam1 source is not full range"
test "$($CHECK sei arc/cam1/*.mov $AXIS)" = \
	"count 150 first frame_000000 last frame_000149" ||
	t_fail "cam1 source SEI: $($CHECK sei arc/cam1/*.mov $AXIS)"

t_key
t_expect_status 0 t_export arc b --container dir \
	--camera cam1,cam2,cam3,cam4 --from 2024-07-01T12:00:01.300Z \
	--to 2024-07-01T12:00:04.700Z --exhibit F/1 --jobs 2

# framemd5 of one stream of a file (packets as stored, no decoding).
md5s() { $FF -i "$1" -map "0:$2" -c copy -f framemd5 "$3" ||
	t_fail "framemd5 of $1 stream $2"; }
# The value of one entry of one stream.
entry() { ffprobe -v error -select_streams "$2" -show_entries "$3" \
	-of csv=p=0 "$1" | sed -e '/^$/d' -e 's/,$//' | head -n 1; }
# |a - b| <= c, all in seconds.
within() { python3 -c "import sys; sys.exit(0 if abs($1 - ($2)) <= $3 else 1)"; }

for cam in cam1 cam2 cam3 cam4; do
	src=$(ls arc/$cam/*)
	nat=b/data/$cam/native/$cam-native-001.mp4
	wk=b/data/$cam/working/$cam-working-001.mp4
	test -f "$nat" || t_fail "$cam: no native copy"
	test -f "$wk" || t_fail "$cam: no working copy"
	test ! -e b/data/$cam/native/$cam-native-002.mp4 ||
		t_fail "$cam: native copy split"

	# Native video: the source's packets from the keyframe at 1.000 s
	# (packet 25) on, unchanged.
	md5s "$src" v:0 src-v.md5
	md5s "$nat" v:0 nat-v.md5
	r=$($CHECK run src-v.md5 nat-v.md5) ||
		t_fail "$cam: native video packets differ from the source's: $r"
	case $r in "index 25 count "*) ;; *)
		t_fail "$cam: native video does not start at the keyframe of 1 s: $r"
	esac
	vend=$(entry "$nat" v:0 stream=duration)

	case $cam in
	cam1)
		# AAC kept, packet for packet, on the video's clock.
		test "$(probe stream=codec_type,codec_name "$nat" | tr '\n' ' ')" = \
			"h264,video aac,audio unknown,data " ||
			t_fail "cam1 native streams: $(probe stream=codec_type,codec_name "$nat")"
		md5s "$src" a:0 src-a.md5
		md5s "$nat" a:0 nat-a.md5
		r=$($CHECK run src-a.md5 nat-a.md5) ||
			t_fail "cam1: native audio packets differ from the source's: $r"
		astart=$(entry "$nat" a:0 stream=start_time)
		aend=$(python3 -c "print($astart + $(entry "$nat" a:0 stream=duration))")
		within "$astart" 0 0.0214 ||
			t_fail "cam1: native audio starts at $astart s, not with the video"
		within "$aend" "$vend" 0.0214 ||
			t_fail "cam1: native audio ends at $aend s, the video at $vend s"
		# The camera's rotation.
		test "$(probe stream_side_data=rotation "$nat")" = 90 ||
			t_fail "cam1: native rotation '$(probe stream_side_data=rotation "$nat")'"
		# The timecode of the first frame (1 s after 10:00:00:00).
		tc=$(probe stream_tags=timecode "$nat" | sort -u)
		test "$tc" = "10:00:01:00" ||
			t_fail "cam1: native timecode '$tc', not 10:00:01:00"
		# The SEI messages of frames 25.. as written, one per picture.
		nv=$(grep -vc '^#' nat-v.md5)
		test "$($CHECK sei "$nat" $AXIS)" = \
			"count $nv first frame_000025 last frame_$(printf %06d $((24 + nv)))" ||
			t_fail "cam1: native SEI: $($CHECK sei "$nat" $AXIS) ($nv pictures)"
		;;
	*)
		# G.711 and PCM cannot go into MP4 as they are: left out.
		test "$(probe stream=codec_type "$nat" | tr '\n' ' ')" = "video " ||
			t_fail "$cam native streams: $(probe stream=codec_type,codec_name "$nat")"
		;;
	esac

	# Working copy: yuv420p limited range, AAC as long as the picture.
	test "$(entry "$wk" v:0 stream=pix_fmt,color_range)" = "yuv420p,tv" ||
		t_fail "$cam working picture: $(entry "$wk" v:0 stream=pix_fmt,color_range)"
	test "$(entry "$wk" a:0 stream=codec_name)" = aac ||
		t_fail "$cam: working copy without AAC sound"
	rate=$(entry "$wk" a:0 stream=sample_rate)
	case $cam in cam2|cam3) want=8000 ;; *) want=48000 ;; esac
	test "$rate" = "$want" || t_fail "$cam: working sound at $rate Hz, not $want"
	test "$(entry "$wk" a:0 stream=channels)" = \
		"$(test $cam = cam4 && echo 2 || echo 1)" ||
		t_fail "$cam: working sound channels $(entry "$wk" a:0 stream=channels)"
	aframe=$(python3 -c "print(1024 / $rate)")
	vstart=$(entry "$wk" v:0 stream=start_time)
	vdur=$(entry "$wk" v:0 stream=duration)
	astart=$(entry "$wk" a:0 stream=start_time)
	adur=$(entry "$wk" a:0 stream=duration)
	within "$vdur" 3.4 0.001 || t_fail "$cam: working video lasts $vdur s, not 3.4"
	within "$astart" "$vstart" "$aframe" ||
		t_fail "$cam: working sound starts at $astart s, the picture at $vstart s"
	within "$adur" "$vdur" "$aframe" ||
		t_fail "$cam: working sound lasts $adur s, the picture $vdur s"
	# The click and the flash, made at the same instant, stay together.
	$FF -i "$wk" -map 0:a -ac 1 -f f32le "$cam.raw" ||
		t_fail "$cam: cannot decode the working sound"
	click=$($CHECK loud "$cam.raw" "$rate" 0.3) ||
		t_fail "$cam: no click in the working sound"
	flash=$(ffprobe -v error -f lavfi -i "movie=$wk,signalstats" \
		-show_entries frame=pts_time:frame_tags=lavfi.signalstats.YAVG \
		-of csv=p=0 | awk -F, '$2 > 128 { print $1; exit }')
	test -n "$flash" || t_fail "$cam: no flash in the working picture"
	within "$flash" 1.68 0.001 || t_fail "$cam: flash at $flash s, not 1.68 s"
	within "$click" "$flash" "$aframe" ||
		t_fail "$cam: click at $click s, flash at $flash s: out of sync"
done

# The signed manifest says, per file, every stream and what became of it,
# and that the source signs its video (valid against its schema).
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
xmllint --noout --schema "$TOP_SRCDIR/schemas/manifest.xsd" b/manifest.xml \
	2>lint.txt || { cat lint.txt >&2; t_fail "manifest.xml is not valid"; }
# streams PATH: the <stream> lines of that file, attributes as written.
streams() { awk -v p="<path>$1</path>" '$0 ~ p { on = 1; next }
	on && /<\/file>/ { exit } on && /<stream / { sub(/^ +/, ""); print }' \
	b/manifest.xml; }
expect() {  # expect PATH LINE...: exactly these stream lines
	f=$1; shift
	streams "$f" > got.txt
	printf '%s\n' "$@" > want.txt
	cmp -s got.txt want.txt ||
		{ diff want.txt got.txt >&2; t_fail "streams of $f in manifest.xml"; }
}
expect data/cam1/master/cam1_20240701T120000Z.mov \
	'<stream index="0" type="video" codec="h264" fate="recorded" signatures="axis-signed-video"/>' \
	'<stream index="1" type="audio" codec="aac" fate="recorded"/>' \
	'<stream index="2" type="data" codec="tmcd" fate="recorded"/>'
expect data/cam1/native/cam1-native-001.mp4 \
	'<stream index="0" type="video" codec="h264" fate="kept" source-index="0" signatures="axis-signed-video"/>' \
	'<stream index="1" type="audio" codec="aac" fate="kept" source-index="1"/>' \
	"<stream index=\"2\" type=\"data\" codec=\"tmcd\" fate=\"kept\" source-index=\"2\" reason=\"carried as the MP4 timecode track, starting at the timecode of the copy's first frame\"/>"
expect data/cam1/working/cam1-working-001.mp4 \
	'<stream index="0" type="video" codec="h264" fate="re-encoded" source-index="0" reason="re-encoded as H.264 with the time burned in"/>' \
	'<stream index="1" type="subtitle" codec="mov_text" fate="added" reason="the burned-in text of each frame"/>' \
	"<stream index=\"2\" type=\"audio\" codec=\"aac\" fate=\"re-encoded\" source-index=\"1\" reason=\"re-encoded as AAC, cut to the copy's frames\"/>" \
	'<stream type="data" codec="tmcd" fate="left-out" source-index="2" reason="a working copy carries the picture and its sound only (the native copy or the original keeps this stream)"/>'
expect data/cam2/native/cam2-native-001.mp4 \
	'<stream index="0" type="video" codec="h264" fate="kept" source-index="0"/>' \
	'<stream type="audio" codec="pcm_alaw" fate="left-out" source-index="1" reason="G.711 audio cannot be stored in MP4 without converting it; the working copy has this sound as AAC"/>'
expect data/cam3/native/cam3-native-001.mp4 \
	'<stream index="0" type="video" codec="hevc" fate="kept" source-index="0"/>' \
	'<stream type="audio" codec="pcm_mulaw" fate="left-out" source-index="1" reason="G.711 audio cannot be stored in MP4 without converting it; the working copy has this sound as AAC"/>'
streams data/cam4/working/cam4-working-001.mp4 > got.txt
t_grep '^<stream index="2" type="audio" codec="aac" fate="re-encoded" source-index="1" ' got.txt
t_expect_status 0 "$EXHIBIT" verify b -p k.pub

# A camera mounted on its side: the working copy is turned upright (its
# text level, no rotation flag left for players to apply), as FFmpeg's
# own player turns it: a red corner lands where ffmpeg puts it.
mkdir -p rot/cam1
$FF -f lavfi -i "color=gray:s=320x240:r=25:d=3,drawbox=x=0:y=0:w=80:h=60:c=red:t=fill" \
	-c:v libx264 -preset ultrafast -pix_fmt yuv420p r0.mp4 &&
$FF -i r0.mp4 -c copy -metadata:s:v:0 rotate=90 \
	rot/cam1/20240701T120000Z.mp4 || t_fail "ffmpeg failed (rotated)"
t_expect_status 0 "$EXHIBIT" export rot -o rb --container dir --camera cam1 \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:02Z -s k.key \
	--case C-1 --exhibit R/1 --operator "Jo Bloggs" --preset ultrafast \
	--still 2024-07-01T12:00:01Z
rw=rb/data/cam1/working/cam1-working-001.mp4
test "$(entry "$rw" v:0 stream=width,height)" = 240,320 ||
	t_fail "the turned camera's working copy is $(entry "$rw" v:0 stream=width,height), not 240x320"
test -z "$(entry "$rw" v:0 stream_side_data=rotation)" ||
	t_fail "the working copy still asks players to turn it"
test "$(entry rb/data/cam1/native/cam1-native-001.mp4 v:0 stream_side_data=rotation)" = 90 ||
	t_fail "the native copy lost the camera's rotation"
# The mean colour of a 40x40 square of frame 10 (of a picture: its only
# frame), at the bottom-left and the right middle (away from the burn-in),
# as r,g,b.
square() { case $1 in *.png) n=0 ;; *) n=10 ;; esac
	$FF -i "$1" -vf "select=eq(n\\,$n),crop=40:40:$2:$3,format=rgb24" \
	-frames:v 1 -f rawvideo - | python3 -c 'import sys
b = sys.stdin.buffer.read(); n = len(b) // 3
print(",".join(str(round(sum(b[i::3]) / n / 32)) for i in range(3)))'; }
for at in "0 280" "200 140"; do
	got=$(square "$rw" $at) want=$(square rot/cam1/20240701T120000Z.mp4 $at)
	test -n "$got" && test "$got" = "$want" ||
		t_fail "turned picture at $at: $got, ffmpeg's turn gives $want"
done
test "$(square "$rw" 0 280)" != "$(square "$rw" 200 140)" ||
	t_fail "the turned test picture has no red corner to compare"
# Its still stands upright too, the red corner where the working copy has it.
st=rb/data/cam1/still/cam1-still-20240701T120001.000Z.png
test "$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$st")" = 240,320 ||
	t_fail "the turned camera's still is not 240x320"
for at in "0 280" "200 140"; do
	test "$(square "$st" $at)" = "$(square "$rw" $at)" ||
		t_fail "turned still at $at: $(square "$st" $at), the working copy has $(square "$rw" $at)"
done
t_done
