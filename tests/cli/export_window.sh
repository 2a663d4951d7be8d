#!/bin/sh
# export_window.sh — an export plans from the layout: in a Frigate archive
# it opens only the files around the range (access times show which were
# read), checks that the file before them does not reach into the range
# (a long segment that does is taken), still names the nearest recordings
# when the range holds nothing, and never takes a bundled file's facts
# from the segment index: a poisoned index gives the same bundle as
# --no-cache.
. "$(dirname "$0")/lib.sh"
t_need ffmpeg sqlite3 python3
t_key

# --- a Frigate archive of copies: the first minute of hours 10, 11, 12 --------
t_clip c.mp4 2
t_clip long.mp4 40
day=arc/recordings/2024-07-01
for h in 10 11 12; do
	mkdir -p $day/$h/cam1 $day/$h/cam2
	s=0
	while [ $s -lt 60 ]; do
		cp c.mp4 $day/$h/cam1/$(printf '00.%02d.mp4' $s)
		s=$((s + 2))
	done
done
# cam2 in hour 11: one 40-second segment at 00.00, then two-second ones.
cp long.mp4 $day/11/cam2/00.00.mp4
s=40
while [ $s -lt 60 ]; do
	cp c.mp4 $day/11/cam2/$(printf '00.%02d.mp4' $s)
	s=$((s + 2))
done
cp c.mp4 $day/10/cam2/00.00.mp4

# Access times say which files were read: old ones, older than their
# modification times, are renewed by a read (relatime).
find arc -name '*.mp4' -exec touch -m -d '2020-01-01' {} + -exec touch -a -d '2019-01-01' {} +
cp c.mp4 probe.mp4
touch -m -d '2020-01-01' probe.mp4
touch -a -d '2019-01-01' probe.mp4
cat probe.mp4 >/dev/null
[ "$(stat -c %X probe.mp4)" -gt "$(date -d 2019-06-01 +%s)" ] ||
	t_skip "this file system does not record reads in access times"
old=$(date -d 2019-06-01 +%s)
opened() { find arc -name '*.mp4' | while read -r f; do
	[ "$(stat -c %X "$f")" -gt "$old" ] && echo "${f#$day/}"; done | sort; }

t_expect_status 0 env SOURCE_DATE_EPOCH=1730000000 "$EXHIBIT" export arc \
	-o b1 --container dir --camera cam1 --from 2024-07-01T11:00:20Z \
	--to 2024-07-01T11:00:30Z -s k.key --case C-1 --exhibit W/1 \
	--operator Op --no-working
opened >opened.txt
masters=$(ls b1/data/cam1/master | grep -c '\.mp4$')
[ "$masters" -eq 5 ] || { ls b1/data/cam1/master >&2; t_fail "$masters masters, expected 5 (00.20 to 00.28)"; }
grep -v '^11/cam1/00\.[0-3][0-9]\.mp4$' opened.txt >far.txt || :
test -s far.txt && { cat far.txt >&2; t_fail "export opened files far from the range"; }
n=$(wc -l <opened.txt)
[ "$n" -le 16 ] || { cat opened.txt >&2; t_fail "export opened $n files for 5 in the range"; }
grep -q '^11/cam1/00\.20\.mp4$' opened.txt || t_fail "export did not open a file in the range"

# --- the segment before the listing reaches into the range ------------------------
t_expect_status 0 "$EXHIBIT" export arc -o b2 --container dir --camera cam2 \
	--from 2024-07-01T11:00:20Z --to 2024-07-01T11:00:30Z -s k.key \
	--case C-1 --exhibit W/2 --operator Op --no-working
ls b2/data/cam2/master | grep -q '^11_cam2_00\.00\.mp4$\|00\.00\.mp4$' ||
	{ ls b2/data/cam2/master >&2; t_fail "the 40-second segment that holds the range is not a master"; }
grep -q 'gap\|missing' err.txt && { cat err.txt >&2; t_fail "a gap reported inside a recorded range"; }

# --- nothing in the range: the nearest recordings are still named -----------------
t_expect_status 2 "$EXHIBIT" export arc -o b3 --container dir --camera cam1 \
	--from 2024-07-01T11:30:00Z --to 2024-07-01T11:31:00Z -s k.key \
	--case C-1 --exhibit W/3 --operator Op
t_grep 'cam1 holds footage from 2024-07-01T10:00:00\.000Z .* to 2024-07-01T12:01:00\.000Z' err.txt
t_grep 'nearest recording before the range ends at 2024-07-01T11:01:00\.000Z' err.txt
t_grep 'nearest recording after the range starts at 2024-07-01T12:00:00\.000Z' err.txt
test -e b3 && t_fail "a refused export left b3"

# --- the index guides only: a poisoned one changes no byte ----------------------
# Plain folders whose start is only in the container: the index places them.
mkdir -p plain/cam
for i in 0 2 4; do
	ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
		-i "testsrc=size=64x36:rate=10:duration=2" -c:v libx264 \
		-preset ultrafast -g 10 -bf 0 -pix_fmt yuv420p \
		-metadata creation_time=2024-07-01T12:00:0${i}Z plain/cam/clip$i.mp4
done
t_expect_status 0 "$EXHIBIT" scan --deep plain
idx="$XDG_CACHE_HOME/exhibit/segments.sqlite"
sqlite3 "$idx" "UPDATE segment SET frames = 7, keyframes = 1, length = length + 500000, last_offset = 100, first_offset = 300000, width = 9, height = 9, bytes = 1" ||
	t_fail "cannot poison the index"
for o in poisoned clean; do
	extra=; [ $o = clean ] && extra=--no-cache
	t_expect_status 0 env SOURCE_DATE_EPOCH=1730000000 "$EXHIBIT" export plain \
		-o $o --container dir --camera cam --from 2024-07-01T12:00:01Z \
		--to 2024-07-01T12:00:05Z -s k.key --case C-1 --exhibit W/4 \
		--operator Op --preset ultrafast --register $o.sqlite $extra
done
diff -r poisoned clean >diff.txt || { head -20 diff.txt >&2; t_fail "a poisoned index changed the bundle"; }
t_done
