#!/bin/sh
# samples.sh — the sample recorder archive is what samples/README.md says
# it is, and the framecode check program reads its frame code band.
. "$TOP_SRCDIR/tests/cli/lib.sh"

FRAMECODE="$TOP_BUILDDIR/tests/tools/framecode"
A="$TOP_SRCDIR/samples/archive"
[ -x "$FRAMECODE" ] || t_fail "framecode not built: $FRAMECODE"
t_need ffprobe ffmpeg xmllint sha256sum

origin=$(date -u -d 2024-10-27T00:59:30Z +%s)

# --- the archive's files and size ------------------------------------------
(cd "$A" && find . -type f | LC_ALL=C sort) >files.txt
cat >want-files.txt <<'EOF'
./cam1/20241027T005930Z.mp4
./cam1/20241027T005940Z.mp4
./cam1/20241027T010000Z.mp4
./cam1/20241027T010010Z.mp4
./cam2/20241027T005935Z.mkv
./cam2/20241027T005945Z.mkv
./cam2/20241027T005955Z.mkv
./cam2/20241027T010005Z.mkv
./recorder.xml
EOF
diff want-files.txt files.txt >&2 || t_fail "samples/archive holds other files"
total=$(cd "$A" && cat $(sed 's|^\./||' "$T_DIR/want-files.txt") | wc -c)
[ "$total" -lt 3145728 ] || t_fail "samples/archive is $total bytes (limit 3 MiB)"
[ "$total" -gt 500000 ] || t_fail "samples/archive is only $total bytes"

# --- recorder.xml -----------------------------------------------------------
xmllint --noout "$A/recorder.xml" || t_fail "recorder.xml is not well-formed"
xmllint --noout --schema "$TOP_SRCDIR/schemas/recorder.xsd" "$A/recorder.xml" \
	2>xsd.txt || { cat xsd.txt >&2; t_fail "recorder.xml is not valid"; }
xp() { xmllint --xpath "$1" "$A/recorder.xml"; }
[ "$(xp 'namespace-uri(/*)')" = "urn:exhibit:recorder:1" ] ||
	t_fail "recorder.xml: wrong namespace"
[ "$(xp 'string(/*/@version)')" = 1 ] || t_fail "recorder.xml: version"
[ "$(xp 'string(/*/*[local-name()="timezone"])')" = Europe/London ] ||
	t_fail "recorder.xml: timezone"
[ "$(xp 'string(/*/*[local-name()="make"])')" = "Acme Security" ] ||
	t_fail "recorder.xml: make"
[ "$(xp 'string(//*[@id="cam1"]/@name)')" = "High Street North" ] ||
	t_fail "recorder.xml: cam1 name"
[ "$(xp 'string(//*[@id="cam1"]/@location)')" = "High St / Market Sq" ] ||
	t_fail "recorder.xml: cam1 location"
[ "$(xp 'string(//*[@id="cam2"]/@name)')" = "Market Square" ] ||
	t_fail "recorder.xml: cam2 name"
[ "$(xp 'count(//*[local-name()="segment"])')" = 8 ] ||
	t_fail "recorder.xml: expected 8 segments"

# One line per segment: camera file start sha256.
n=1
: >segments.txt
while [ "$n" -le 8 ]; do
	s="(//*[local-name()='segment'])[$n]"
	printf '%s %s %s %s\n' "$(xp "string($s/../@id)")" \
		"$(xp "string($s/@file)")" "$(xp "string($s/@start)")" \
		"$(xp "string($s/@sha256)")" >>segments.txt
	n=$((n + 1))
done
# Every file is indexed once, under its own camera, in start order.
cut -d' ' -f2 segments.txt | sed 's|^|./|' >indexed.txt
grep -v recorder.xml want-files.txt | diff - indexed.txt >&2 ||
	t_fail "recorder.xml does not index exactly the media files, in order"

# --- each segment -----------------------------------------------------------
while read -r cam file start sum; do
	f="$A/$file"
	# The hash the recorder wrote is the file's hash.
	got=$(sha256sum "$f" | cut -d' ' -f1)
	[ "$got" = "$sum" ] || t_fail "$file: sha256 $got, recorder.xml says $sum"
	# The start in the index, the file name and the container agree.
	stamp=$(basename "$file" | sed 's/\..*//')
	t=$(date -u -d "$start" +%s)
	[ "$(date -u -d "@$t" +%Y%m%dT%H%M%SZ)" = "$stamp" ] ||
		t_fail "$file: start $start does not match its name"
	[ "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.000Z)" = "$start" ] ||
		t_fail "$file: start '$start' is not YYYY-MM-DDTHH:MM:SS.000Z"
	ffprobe -v error -show_entries format_tags=creation_time \
		-of default=nw=1:nk=1 "$f" >ctime.txt
	[ "$(cat ctime.txt)" = "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%S.000000Z)" ] ||
		t_fail "$file: container creation time '$(cat ctime.txt)'"

	case $cam in
	cam1) fmt=mov,mp4,m4a,3gp,3g2,mj2 gop=25 cam_origin=$origin ;;
	cam2) fmt=matroska,webm gop=50 cam_origin=$((origin + 5)) ;;
	*) t_fail "unexpected camera '$cam'" ;;
	esac
	ffprobe -v error -count_frames -select_streams v:0 \
		-show_entries stream=codec_name,width,height,r_frame_rate,pix_fmt,nb_read_frames:format=format_name,nb_streams \
		-of default=nw=1 "$f" | LC_ALL=C sort >probe.txt
	printf '%s\n' codec_name=h264 format_name=$fmt height=360 \
		nb_read_frames=250 nb_streams=1 pix_fmt=yuv420p \
		r_frame_rate=25/1 width=640 | LC_ALL=C sort >want-probe.txt
	diff want-probe.txt probe.txt >&2 || t_fail "$file: ffprobe differs"
	# Keyframes exactly every GOP frames, the first frame included.
	ffprobe -v error -select_streams v:0 -show_entries frame=key_frame \
		-of csv=p=0 "$f" | awk -F, -v g="$gop" '
		$1 == "" { next }  # the line side data adds
		{ if (($1 == 1) != (n++ % g == 0)) bad = 1 }
		END { exit bad || n != 250 }' ||
		t_fail "$file: keyframes are not every $gop frames"

	# The band carries the frame index counted from the camera's origin.
	first=$(((t - cam_origin) * 25))
	last=$((first + 249))
	"$FRAMECODE" --stats "$f" >codes.txt ||
		{ cat codes.txt >&2; t_fail "$file: framecode --stats failed"; }
	t_grep "^first=$first last=$last count=250 first_pts=0\.000000 last_pts=9\.960000 consecutive=yes$" codes.txt
done <segments.txt

# cam1 has its gap where the recorder lost 00:59:50Z-01:00:00Z.
t_grep '^cam1 cam1/20241027T005940Z\.mp4 ' segments.txt
t_grep '^cam1 cam1/20241027T010000Z\.mp4 ' segments.txt
if grep -q 005950Z segments.txt; then t_fail "cam1 should have a gap at 00:59:50Z"; fi

# --- framecode: the per-frame listing --------------------------------------
seg1="$A/cam1/20241027T005930Z.mp4"
seg2="$A/cam1/20241027T005940Z.mp4"
"$FRAMECODE" "$seg2" >list.txt
[ "$(wc -l <list.txt)" -eq 250 ] || t_fail "framecode listed $(wc -l <list.txt) frames"
# Frame number, pts (one frame every 40 ms) and code = 250 + frame number.
awk '{ if ($1 != NR - 1 || $2 != sprintf("%.6f", (NR - 1) * 0.04) ||
	$3 != 250 + NR - 1) { print "bad line " NR ": " $0; exit 1 } }' \
	list.txt >&2 || t_fail "framecode listing of $seg2 is wrong"
"$FRAMECODE" "$A/cam2/20241027T005935Z.mkv" | head -n 3 >list2.txt
printf '0 0.000000 0\n1 0.040000 1\n2 0.080000 2\n' | diff - list2.txt >&2 ||
	t_fail "framecode listing of cam2 (B-frames) is not in presentation order"

# --- framecode notices what is wrong ---------------------------------------
# A dropped frame (code 100) is a break, and --stats exits 1.
ffmpeg -nostdin -v error -i "$seg1" -vf "select='not(eq(n\,100))'" -fps_mode vfr \
	-c:v libx264 -preset ultrafast -threads 1 -crf 18 dropped.mp4
t_expect_status 1 "$FRAMECODE" --stats dropped.mp4
t_grep '^break: frame 100 code 101 after 99$' out.txt
t_grep '^first=0 last=249 count=249 .* consecutive=no$' out.txt
# A repeated frame is a break too.
ffmpeg -nostdin -v error -i "$seg1" -vf "trim=end_frame=10,loop=loop=1:size=1:start=5,setpts=N/25/TB" \
	-c:v libx264 -preset ultrafast -threads 1 -crf 18 repeated.mp4
t_expect_status 1 "$FRAMECODE" --stats repeated.mp4
t_grep '^break: frame [0-9]+ code ([0-9]) after \1$' out.txt
t_grep '^first=0 last=9 count=11 .* consecutive=no$' out.txt
# Any resolution: at 320x180 the band is 15 rows of 16-pixel blocks.
ffmpeg -nostdin -v error -i "$seg2" -vf scale=320:180 -frames:v 50 \
	-c:v libx264 -preset ultrafast -threads 1 -crf 18 small.mp4
t_expect_status 0 "$FRAMECODE" --stats small.mp4
t_grep '^first=250 last=299 count=50 .* consecutive=yes$' out.txt
# Any pixel format: RGB (PNG in Matroska) and 10-bit HEVC.
ffmpeg -nostdin -v error -i "$seg2" -frames:v 5 -c:v png -pix_fmt rgb24 rgb.mkv
t_expect_status 0 "$FRAMECODE" --stats rgb.mkv
t_grep '^first=250 last=254 count=5 .* consecutive=yes$' out.txt
ffmpeg -nostdin -v error -i "$seg2" -frames:v 5 -c:v libx265 -preset ultrafast \
	-x265-params log-level=error:pools=1:frame-threads=1 \
	-pix_fmt yuv420p10le hevc10.mkv
t_expect_status 0 "$FRAMECODE" --stats hevc10.mkv
t_grep '^first=250 last=254 count=5 .* consecutive=yes$' out.txt
# --band-rows N reads a band of N rows whatever the height: with 1080
# black rows padded above the picture, the default (H/12 = 120 rows) reads
# the picture instead, while --band-rows 30 finds the codes.
ffmpeg -nostdin -v error -i "$seg2" -vf pad=640:1440:0:1080 -frames:v 5 \
	-c:v libx264 -preset ultrafast -threads 1 -crf 18 padded.mp4
t_expect_status 0 "$FRAMECODE" --stats --band-rows 30 padded.mp4
t_grep '^first=250 last=254 count=5 .* consecutive=yes$' out.txt
t_expect_status 1 "$FRAMECODE" --stats padded.mp4
t_grep 'consecutive=no$' out.txt
# Errors: no such file, and usage.
t_expect_status 2 "$FRAMECODE" missing.mp4
t_grep 'framecode: missing\.mp4: cannot open: No such file or directory' err.txt
t_expect_status 2 "$FRAMECODE" --band-rows 0 "$seg1"
t_grep "bad --band-rows '0'" err.txt
t_expect_status 2 "$FRAMECODE"
t_grep '^Usage: framecode' err.txt
printf 'not media\n' >junk.mp4
t_expect_status 2 "$FRAMECODE" junk.mp4
t_grep 'framecode: junk\.mp4: cannot open: Invalid data' err.txt

t_done
