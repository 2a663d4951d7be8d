#!/bin/sh
# ts_wrap.sh — MPEG-TS timestamps are 33 bits of 90 kHz and wrap to zero
# every 26.5 hours; a recorder's file may wrap anywhere in it.  A transport
# stream whose PTS wraps 12.3 s into its 30 s must scan as 30 s, right to
# the frame, and export across the wrap with every frame in [from, to)
# once, in order (frame codes, tests/tools/framecode), in both the working
# and the native copy.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v ffprobe >/dev/null 2>&1 || t_skip "ffprobe not installed"
FC="$TOP_BUILDDIR/tests/tools/framecode"
test -x "$FC" || t_fail "tests/tools/framecode is not built"
. "$TOP_SRCDIR/samples/footage.sh"

# 750 frames (30 s at 25 fps) with a frame code band; the stream starts
# at 95430 s, 13.7 s before 2^33 / 90000 = 95443.7 s.
mkdir -p arc/cam1
ts=arc/cam1/20240701T120000Z.ts
ffmpeg -nostdin -hide_banner -loglevel error -y \
	-filter_complex "testsrc=s=320x220:r=25[pic];$(fc_band_graph 320 240 25);[pic][band]vstack=inputs=2,setsar=1,format=yuv420p[v]" \
	-map '[v]' -frames:v 750 -c:v libx264 -preset ultrafast -g 25 -bf 0 \
	-output_ts_offset 95430 -f mpegts "$ts" || t_fail "ffmpeg failed"
# The wrap is really in the file: raw PTS go down once.
drops=$(ffprobe -v error -correct_ts_overflow 0 -select_streams v \
	-show_entries packet=pts -of csv=p=0 "$ts" | tr -d ',' | grep -v '^$' |
	awk '{ if (NR > 1 && $1 < p) n++; p = $1 } END { print n + 0 }')
test "$drops" = 1 || t_fail "expected one PTS wrap in the stream, saw $drops"

t_expect_status 0 "$EXHIBIT" scan arc
t_grep 'recorded +2024-07-01T12:00:00\.000Z \.\. 2024-07-01T12:00:30\.000Z +\(30\.000 s\)' out.txt
t_grep 'last frame +2024-07-01T12:00:29\.960Z' out.txt
t_grep '1 ok, 0 damaged, 0 unreadable' out.txt

"$EXHIBIT" keygen -W -s k.key -p k.pub >/dev/null
t_expect_status 0 "$EXHIBIT" export arc -o b --container dir --camera cam1 \
	--from 2024-07-01T12:00:05Z --to 2024-07-01T12:00:20Z -s k.key \
	--case C-1 --exhibit TS/1 --operator "Jo Bloggs" --preset ultrafast
"$FC" --stats b/data/cam1/working/cam1-working-001.mp4 >w.txt ||
	{ cat w.txt >&2; t_fail "working copy: frame codes not consecutive"; }
t_grep '^first=125 last=499 count=375 ' w.txt
"$FC" --stats b/data/cam1/native/cam1-native-001.mp4 >n.txt ||
	{ cat n.txt >&2; t_fail "native copy: frame codes not consecutive"; }
t_grep '^first=125 last=499 count=375 ' n.txt
t_grep 'frames="375" first-frame="2024-07-01T12:00:05\.000000Z" last-frame="2024-07-01T12:00:19\.960000Z"' b/manifest.xml
t_expect_status 0 "$EXHIBIT" verify b -p k.pub
t_done
