#!/bin/sh
# fidelity_colour.sh — working copies are yuv420p, limited (TV) range, with
# their colour description set, whatever the source (issue 13).  Footage
# made here with ffmpeg, 2 s each from 12:00:00:
#   ramp   full-range H.264 (yuvj420p, lossless) 320x240, a grey ramp
#          0..255 across; no colour description
#   ramp5  H.265 tagged full range (yuv420p, color_range pc), the same ramp
#   hd     1280x720 H.264, no colour description
#   pal    720x576 H.264, no colour description
#   tagged 320x240 H.264 tagged BT.709 (primaries, transfer, matrix)
# Each working copy must be yuv420p tv (ffprobe: matrix, transfer, primaries); the ramps must come out with the
# levels of ffmpeg's own conversion (scale in_range=pc:out_range=tv) within
# a small tolerance (16..235, not 0..255); the colour description is the
# source's when it gives one, else BT.601 for SD (SMPTE 170M; BT.470BG
# primaries and matrix for 576 lines) and BT.709 for HD, as players guess.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg ffprobe python3
ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' libx265 ' ||
	t_skip "ffmpeg has no libx265 encoder"
CHECK="python3 $TOP_SRCDIR/tests/tools/avcheck.py"
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
ramp="color=black:s=320x240:r=25:d=2,format=yuvj444p,geq=lum='X*255/(W-1)':cb=128:cr=128"
X264="-c:v libx264 -preset ultrafast -g 25"

mkdir -p arc/ramp arc/ramp5 arc/hd arc/pal arc/tagged
$FF -f lavfi -i "$ramp,format=yuvj420p" $X264 -qp 0 \
	arc/ramp/20240701T120000Z.mkv || t_fail "ffmpeg failed (ramp)"
# (The same levels in a yuv420p picture, then tagged full range.)
$FF -f lavfi -i "$(echo "$ramp" | sed 's/yuvj444p/yuv444p/'),format=yuv420p" \
	-c:v libx265 -preset ultrafast -x265-params log-level=error:lossless=1 \
	-color_range pc arc/ramp5/20240701T120000Z.mkv ||
	t_fail "ffmpeg failed (ramp5)"
$FF -f lavfi -i testsrc2=s=1280x720:r=25:d=2 $X264 -pix_fmt yuv420p \
	arc/hd/20240701T120000Z.mkv || t_fail "ffmpeg failed (hd)"
$FF -f lavfi -i testsrc2=s=720x576:r=25:d=2 $X264 -pix_fmt yuv420p \
	arc/pal/20240701T120000Z.mkv || t_fail "ffmpeg failed (pal)"
$FF -f lavfi -i testsrc2=s=320x240:r=25:d=2 $X264 -pix_fmt yuv420p \
	-colorspace bt709 -color_primaries bt709 -color_trc bt709 \
	arc/tagged/20240701T120000Z.mkv || t_fail "ffmpeg failed (tagged)"
probe() { ffprobe -v error -select_streams v:0 -show_entries "$1" \
	-of csv=p=0 "$2"; }
test "$(probe stream=pix_fmt,color_range arc/ramp/*.mkv)" = "yuvj420p,pc" ||
	t_fail "ramp source: $(probe stream=pix_fmt,color_range arc/ramp/*.mkv)"
test "$(probe stream=color_range arc/ramp5/*.mkv)" = pc ||
	t_fail "ramp5 source: $(probe stream=color_range arc/ramp5/*.mkv)"

t_key
t_expect_status 0 t_export arc b --container dir \
	--camera ramp,ramp5,hd,pal,tagged --from 2024-07-01T12:00:00.500Z \
	--to 2024-07-01T12:00:01.500Z --exhibit F/2 --jobs 2

for cam in ramp ramp5 hd pal tagged; do
	wk=b/data/$cam/working/$cam-working-001.mp4
	test -f "$wk" || t_fail "$cam: no working copy"
	got=$(probe stream=pix_fmt,color_range,color_space,color_transfer,color_primaries "$wk")
	case $cam in
	hd|tagged) want="yuv420p,tv,bt709,bt709,bt709" ;;
	pal) want="yuv420p,tv,bt470bg,smpte170m,bt470bg" ;;
	*) want="yuv420p,tv,smpte170m,smpte170m,smpte170m" ;;
	esac
	test "$got" = "$want" || t_fail "$cam working copy: '$got', not '$want'"
done

# The ramps: row 120 (clear of the burned-in text at the top and bottom)
# of the first frame, against ffmpeg's own full-to-limited conversion.
for cam in ramp ramp5; do
	src=$(ls arc/$cam/*)
	wk=b/data/$cam/working/$cam-working-001.mp4
	$FF -i "$src" -frames:v 1 -vf extractplanes=y -f rawvideo src.gray ||
		t_fail "$cam: cannot read the source"
	$FF -i "$src" -frames:v 1 \
		-vf "scale=in_range=pc:out_range=tv,format=yuv420p,extractplanes=y" \
		-f rawvideo ref.gray || t_fail "$cam: reference conversion failed"
	$FF -i "$wk" -frames:v 1 -vf extractplanes=y -f rawvideo wk.gray ||
		t_fail "$cam: cannot read the working copy"
	s=$($CHECK ramp src.gray 320 240 120)
	r=$($CHECK ramp ref.gray 320 240 120)
	w=$($CHECK ramp wk.gray 320 240 120)
	# The source really spans full range, the reference limited range.
	test "${s%% *}" -le 1 -a "${s##* }" -ge 254 ||
		t_fail "$cam source ramp is not full range: ${s%% *}..${s##* }"
	test "${r%% *}" -ge 15 -a "${r%% *}" -le 17 -a "${r##* }" -ge 234 -a \
		"${r##* }" -le 236 || t_fail "$cam reference: ${r%% *}..${r##* }"
	# The working copy matches it (CRF 18: small differences).
	m=$($CHECK close "$r" "$w" 1.0 4) ||
		t_fail "$cam working levels differ from ffmpeg's conversion: $m"
	test "${w%% *}" -ge 14 -a "${w##* }" -le 237 ||
		t_fail "$cam working ramp ${w%% *}..${w##* } is not limited range"
done
t_done
