#!/bin/sh
# time_dst.sh — the clock-change proof.  cam2 of the sample archive records
# without a break across 01:00:00Z on 2024-10-27, when Europe/London goes
# from BST back to GMT.  An export of true 00:59:58Z..01:00:02Z from a
# recorder 0.513 s fast is read back three ways:
#  (a) the working copy's cue track (the overlay's own record of the text it
#      drew): one cue per frame, at the frame's own timestamp, whose text is
#      the frame's true time (from its frame code: recorder instant minus
#      the offset, to the millisecond) as BST before the change and GMT
#      after, with the correction line;
#  (b) manifest.xml: the working copy's start and end in recorder, UTC and
#      local time (+01:00 BST, +00:00 GMT), the offset and who applied it;
#  (c) PNG stills either side of the change: their manifest entries, their
#      frame codes, the text they record, their size; plus the notes for a
#      still outside the range and one in a gap, and the refusal of a still
#      time that the clock change makes ambiguous.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg ffprobe xmllint
FRAMECODE="$TOP_BUILDDIR/tests/tools/framecode"
test -x "$FRAMECODE" || t_skip "tests/tools/framecode not built"
ARCHIVE="$TOP_SRCDIR/samples/archive"
CAM2_START=1729990775       # 2024-10-27T00:59:35Z: cam2's frame code 0
OFFSET_MS=513               # --clock-offset 0.513: the recorder runs fast

"$EXHIBIT" keygen -W -s k.key -p k.pub >/dev/null

# The expected burned-in time line of a true instant in milliseconds.
shown() {
	s=$(($1 / 1000))
	printf '%s.%03d %s\n' "$(TZ=Europe/London date -d "@$s" '+%Y-%m-%d %H:%M:%S')" \
		$(($1 % 1000)) "$(TZ=Europe/London date -d "@$s" '+%Z')"
}
test "$(shown 1729990799999)" = "2024-10-27 01:59:59.999 BST" ||
	t_skip "the system's zoneinfo does not know the 2024 change"
test "$(shown 1729990800000)" = "2024-10-27 01:00:00.000 GMT" ||
	t_skip "the system's zoneinfo does not know the 2024 change"

# A still time that the change makes ambiguous is refused, naming both.
t_expect_status 2 "$EXHIBIT" export "$ARCHIVE" -o refused --container dir \
	--camera cam2 --from 2024-10-27T00:59:58Z --to 2024-10-27T01:00:02Z \
	-s k.key --case C-1 --exhibit DST/1 --operator "Jo Bloggs" \
	--tz Europe/London --still 2024-10-27T01:30:00
t_grep "^exhibit: --still: 2024-10-27T01:30:00 is ambiguous in Europe/London" err.txt
t_grep '2024-10-27T01:30:00\+01:00 .*2024-10-27T01:30:00\+00:00' err.txt
test ! -e refused || t_fail "a refused export left output"

# Stills: 01:59:59.5 BST and 01:00:01 GMT (true), one outside the range.
t_expect_status 0 env SOURCE_DATE_EPOCH=1730000000 "$EXHIBIT" export \
	"$ARCHIVE" -o b --container dir --camera cam2 \
	--from 2024-10-27T00:59:58Z --to 2024-10-27T01:00:02Z \
	-s k.key --case C-1 --exhibit DST/1 --operator "Jo Bloggs" \
	--tz Europe/London --clock-offset 0.513 --preset ultrafast --jobs 1 \
	--no-masters --still 2024-10-27T01:59:59.500+01:00 \
	--still 2024-10-27T01:00:01+00:00 --still 2024-10-27T00:59:00Z
t_grep '^exhibit: warning: bundle: --still 2024-10-27 01:59:00\.000 BST: outside the exported range' err.txt
W=b/data/cam2/working/cam2-working-001.mp4
test -f "$W" || t_fail "no working copy"
test ! -e b/data/cam2/working/cam2-working-002.mp4 || t_fail "one file expected"

# ---- (a) the cue track -------------------------------------------------
ffprobe -v error -show_entries stream=index,codec_name,codec_tag_string:stream_disposition=default:stream_tags=language,handler_name \
	-of compact=p=0 "$W" > streams.txt
t_grep '^index=0\|codec_name=h264\|codec_tag_string=avc1\|disposition:default=1\|' streams.txt
t_grep '^index=1\|codec_name=mov_text\|codec_tag_string=tx3g\|.*tag:language=eng\|tag:handler_name=Burned-in time$' streams.txt
test "$(wc -l < streams.txt)" -eq 2 || t_fail "two streams expected"

ffmpeg -nostdin -v error -i "$W" -map 0:s -f srt cues.srt
# One line per cue: "start_ms|end_ms|line 1|line 2" (the SRT writer's CRs
# and the decoder's font tags stripped).
awk -v RS= -F'\n' '{
	gsub(/\r/, "")
	split($2, t, / --> /)
	n = split(t[1], a, /[:,]/); s = ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4]
	n = split(t[2], a, /[:,]/); e = ((a[1] * 60 + a[2]) * 60 + a[3]) * 1000 + a[4]
	line = s "|" e
	for (i = 3; i <= NF; i++) { gsub(/<[^>]*>/, "", $i); line = line "|" $i }
	print line
}' cues.srt > cues.txt
"$FRAMECODE" "$W" > frames.txt
test "$(wc -l < frames.txt)" -eq 100 || t_fail "100 frames expected (4 s at 25 fps)"
test "$(wc -l < cues.txt)" -eq 100 || { cat cues.srt >&2; t_fail "one cue per frame expected"; }
# Frame i: its code gives its recorder instant; true = recorder - offset.
paste -d'|' frames.txt cues.txt | while IFS='|' read -r frame cs ce l1 l2 rest; do
	set -- $frame                      # index, pts seconds, code
	pts_ms=$(awk -v p="$2" 'BEGIN { printf "%d", p * 1000 + 0.5 }')
	true_ms=$((CAM2_START * 1000 + $3 * 40 - OFFSET_MS))
	[ "$cs" -eq "$pts_ms" ] ||
		t_fail "frame $1: cue starts at $cs ms, frame at $pts_ms ms"
	[ "$ce" -eq $((pts_ms + 40)) ] ||
		t_fail "frame $1: cue ends at $ce ms, not one frame later"
	want=$(shown "$true_ms")
	[ "$l1" = "$want" ] ||
		t_fail "frame $1 (code $3): cue says '$l1', its true time is '$want'"
	[ "$l2" = "recorder clock corrected by -0.513 s" ] ||
		t_fail "frame $1: correction line is '$l2'"
	[ -z "$rest" ] || t_fail "frame $1: unexpected cue text '$rest'"
	echo "$true_ms|$l1"
done > checked.txt
test "$(wc -l < checked.txt)" -eq 100 || t_fail "not every cue was checked"
# Both sides of the change, in order: 50 frames in BST, then 50 in GMT.
head -n 50 checked.txt | cut -d'|' -f2 | grep -c ' BST$' | grep -qx 50 ||
	t_fail "the first 50 frames should read BST"
tail -n 50 checked.txt | cut -d'|' -f2 | grep -c ' GMT$' | grep -qx 50 ||
	t_fail "the last 50 frames should read GMT"
sed -n 1p checked.txt | grep -q '|2024-10-27 01:59:58\.007 BST$' || t_fail "first frame"
sed -n 50p checked.txt | grep -q '^1729990799967|2024-10-27 01:59:59\.967 BST$' ||
	t_fail "last frame before the change"
sed -n 51p checked.txt | grep -q '^1729990800007|2024-10-27 01:00:00\.007 GMT$' ||
	t_fail "first frame after the change"
sed -n 100p checked.txt | grep -q '|2024-10-27 01:00:01\.967 GMT$' || t_fail "last frame"

# ---- (b) the manifest --------------------------------------------------
M=b/manifest.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/manifest.xsd" "$M" 2>lint.txt ||
	{ cat lint.txt >&2; t_fail "manifest.xml does not match its schema"; }
q() { xmllint --xpath "$1" "$M"; }
el() { printf '//*[local-name()="%s"]' "$1"; }
wf="$(el file)[@role='working']"
attrs() { q "concat(string($1/@recorder),' ',string($1/@utc),' ',string($1/@local),' ',string($1/@zone),' ',string($1/@abbrev))"; }
test "$(attrs "$wf/*[local-name()='start']")" = \
	"2024-10-27T00:59:58.520000Z 2024-10-27T00:59:58.007000Z 2024-10-27T01:59:58.007000+01:00 Europe/London BST" ||
	t_fail "working copy start: $(attrs "$wf/*[local-name()='start']")"
test "$(attrs "$wf/*[local-name()='end']")" = \
	"2024-10-27T01:00:02.520000Z 2024-10-27T01:00:02.007000Z 2024-10-27T01:00:02.007000+00:00 Europe/London GMT" ||
	t_fail "working copy end: $(attrs "$wf/*[local-name()='end']")"
test "$(q "string($wf$(el video)/@frames)")" = 100 || t_fail "manifest frame count"
off="$(el recorder)$(el clock-offset)"
test "$(q "string($off/@microseconds)")" = 513000 || t_fail "offset in microseconds"
test "$(q "string($off/@seconds)")" = 0.513000 || t_fail "offset in seconds"
test "$(q "string($off$(el determined-by))")" = "Jo Bloggs" || t_fail "offset applied by"
test "$(q "string($(el request)/@zone)")" = Europe/London || t_fail "request zone"

# ---- (c) the stills ----------------------------------------------------
# still FILE START_RECORDER START_UTC START_LOCAL ABBREV LINE
still() {
	f="b/data/cam2/still/$1"
	sf="$(el file)[@role='still'][*[local-name()='path']='data/cam2/still/$1']"
	test -f "$f" || t_fail "no still $1"
	test "$(q "count($sf)")" = 1 || t_fail "$1 is not in the manifest"
	test "$(attrs "$sf/*[local-name()='start']")" = "$2 $3 $4 Europe/London $5" ||
		t_fail "$1 start: $(attrs "$sf/*[local-name()='start']")"
	test "$(q "string($sf$(el video)/@codec)")" = png || t_fail "$1 codec"
	test "$(q "string($sf$(el hash))")" = "$(sha256sum "$f" | cut -d' ' -f1)" ||
		t_fail "$1 hash"
	test -f "$f.minisig" || t_fail "$1 is not signed"
	# The picture: a 640x360 PNG showing the frame of that instant.
	test "$(ffprobe -v error -show_entries stream=codec_name,width,height \
		-of csv=p=0 "$f")" = "png,640,360" || t_fail "$1 does not decode as 640x360 PNG"
	code=$("$FRAMECODE" "$f" | cut -d' ' -f3)
	rec_ms=$((CAM2_START * 1000 + code * 40))
	test "$(TZ=UTC date -d "@$((rec_ms / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((rec_ms % 1000)))000Z" = "$2" ||
		t_fail "$1 shows frame code $code, not the frame recorded at $2"
	test "$(shown $((rec_ms - OFFSET_MS)))" = "$6" || t_fail "$1: expected text"
	# Its own record of the text drawn (iTXt).
	grep -aq "cam2 Market Square   Exhibit DST/1" "$f" || t_fail "$1: label line"
	grep -aq "$6" "$f" || t_fail "$1 does not record '$6'"
	grep -aq "recorder clock corrected by -0\.513 s" "$f" ||
		t_fail "$1: correction line"
}
# True 00:59:59.500Z is recorder 01:00:00.013Z: the frame recorded at
# 01:00:00.000Z (true 00:59:59.487Z) is on screen.
still cam2-still-20241027T005959.500Z.png 2024-10-27T01:00:00.000000Z \
	2024-10-27T00:59:59.487000Z 2024-10-27T01:59:59.487000+01:00 BST \
	"2024-10-27 01:59:59.487 BST"
still cam2-still-20241027T010001.000Z.png 2024-10-27T01:00:01.480000Z \
	2024-10-27T01:00:00.967000Z 2024-10-27T01:00:00.967000+00:00 GMT \
	"2024-10-27 01:00:00.967 GMT"
test "$(ls b/data/cam2/still | wc -l)" -eq 4 || t_fail "two stills and their signatures"

t_expect_status 0 "$EXHIBIT" verify b -p k.pub
t_grep 'PASS +still +data/cam2/still/cam2-still-20241027T005959\.500Z\.png' out.txt
t_grep '^RESULT: PASS' out.txt

# A still in cam1's gap (00:59:50Z..01:00:00Z) is a note, not a failure.
t_expect_status 0 env SOURCE_DATE_EPOCH=1730000000 "$EXHIBIT" export \
	"$ARCHIVE" -o gap --container dir --camera cam1 \
	--from 2024-10-27T00:59:48Z --to 2024-10-27T00:59:52Z \
	-s k.key --case C-1 --exhibit DST/2 --operator "Jo Bloggs" \
	--no-working --no-masters --still 2024-10-27T00:59:51Z \
	--still 2024-10-27T00:59:49Z
t_grep '^exhibit: warning: cam1: --still 2024-10-27 01:59:51\.000 BST: no picture at that time \(a gap in the recording\)' err.txt
test -f gap/data/cam1/still/cam1-still-20241027T005949.000Z.png ||
	t_fail "the still before the gap is missing"
test ! -e gap/data/cam1/still/cam1-still-20241027T005951.000Z.png ||
	t_fail "a still was made in the gap"
t_done
