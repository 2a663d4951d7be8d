#!/bin/sh
# scan_index.sh — scan at recorder scale and its segment index: a default
# scan opens only what names cannot vouch for and reports only real gaps;
# --deep opens every file; what a probe learnt is kept per path (hard
# links are files of their own) and used while the file is unchanged; a
# file changed in place is opened again; a damaged index is rebuilt with a
# warning; an index that cannot be written leaves scan working; two scans
# at once both land.
. "$(dirname "$0")/lib.sh"
t_need ffmpeg sqlite3

# A Frigate archive: the first minute of hours 10, 11 and 12, two-second
# segments; cam1's files are copies, cam2's hard links of one file.
t_clip c.mp4 2
for h in 10 11 12; do
	mkdir -p arc/recordings/2024-07-01/$h/cam1 arc/recordings/2024-07-01/$h/cam2
	s=0
	while [ $s -lt 60 ]; do
		n=$(printf '00.%02d.mp4' $s)
		cp c.mp4 arc/recordings/2024-07-01/$h/cam1/$n
		ln c.mp4 arc/recordings/2024-07-01/$h/cam2/$n
		s=$((s + 2))
	done
done
idx="$XDG_CACHE_HOME/exhibit/segments.sqlite"
# spans FILE: the report's coverage lines (what must not depend on how
# the facts were found).
spans() { grep -E '^  (recorded|gap|overlap|segments) ' "$1" | grep -v '^  segments' || :; }
# read_line FILE CAMERA: that camera's "read" line.
read_line() { awk -v c="camera $2" '$0 == c { on = 1; next } /^camera / { on = 0 } on && /^  read / { print; exit }' "$1"; }

# --- a default scan: names stand in, borders are opened ----------------------
t_expect_status 0 "$EXHIBIT" scan arc
mv out.txt default.txt
t_grep '^  segments +90 \(90 ok, 0 damaged, 0 unreadable\)' default.txt
t_grep '^  gap +2024-07-01T10:01:00\.000Z \.\. 2024-07-01T11:00:00\.000Z' default.txt
t_grep '^  gap +2024-07-01T11:01:00\.000Z \.\. 2024-07-01T12:00:00\.000Z' default.txt
opened=$(read_line default.txt cam1 | sed -E 's/^  read +([0-9]+) opened now.*/\1/')
case $opened in '' | *[!0-9]*) cat default.txt >&2; t_fail "no read line for cam1" ;; esac
[ "$opened" -lt 15 ] || t_fail "a default scan opened $opened of 90 files"
read_line default.txt cam1 | grep -q 'by name only' ||
	t_fail "the default scan does not say which files it did not open"
test -s "$idx" || t_fail "no segment index at $idx"

# --- deep: every file, the index answering for those already opened ----------
t_expect_status 0 "$EXHIBIT" scan --deep arc
mv out.txt deep.txt
spans default.txt >a.txt
spans deep.txt >b.txt
cmp -s a.txt b.txt || { diff a.txt b.txt >&2; t_fail "a default scan reports spans that a deep scan does not"; }
read_line deep.txt cam1 | grep -Eq "^  read +$((90 - opened)) opened now, $opened from the segment index$" ||
	{ cat deep.txt >&2; t_fail "deep scan did not open exactly the files not yet indexed"; }
t_expect_status 0 "$EXHIBIT" scan --deep arc
mv out.txt deep2.txt
for cam in cam1 cam2; do
	read_line deep2.txt $cam | grep -Eq '^  read +0 opened now, 90 from the segment index$' ||
		{ cat deep2.txt >&2; t_fail "$cam: a second deep scan opened files again"; }
done
# Hard links: one inode, a row per path.
rows=$(sqlite3 "$idx" "SELECT count(*) FROM segment WHERE CAST(path AS TEXT) LIKE '%/cam2/%'")
[ "$rows" -eq 90 ] || t_fail "hard links: $rows rows for cam2's 90 paths"

# --- a file changed in place: same size, new content, new mtime -------------
f=arc/recordings/2024-07-01/11/cam1/00.20.mp4
size=$(stat -c %s "$f")
python3 - "$f" <<'EOF'
import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(-200, 2)
    b = bytearray(f.read(100))
    f.seek(-200, 2)
    f.write(bytes(x ^ 0x55 for x in b))
EOF
[ "$(stat -c %s "$f")" -eq "$size" ] || t_fail "the changed file changed size"
touch -m -d '+1 minute' "$f"
t_expect_status 0 "$EXHIBIT" scan --deep arc
mv out.txt changed.txt
read_line changed.txt cam1 | grep -Eq '^  read +1 opened now, 89 from the segment index$' ||
	{ cat changed.txt >&2; t_fail "the file changed in place was not opened again"; }
# What a deep scan now says (the change broke the file: a real gap).
spans changed.txt >d.txt

# --- --no-cache: the index is neither read nor written ----------------------
before=$(stat -c %Y.%s "$idx")
t_expect_status 0 "$EXHIBIT" scan --deep --no-cache arc
grep -q '^index ' out.txt && t_fail "--no-cache still names an index"
read_line out.txt cam1 | grep -q 'from the segment index' &&
	t_fail "--no-cache: facts came from the index"
[ "$(stat -c %Y.%s "$idx")" = "$before" ] || t_fail "--no-cache wrote the index"

# --- a damaged index is rebuilt, with a warning -----------------------------
rm -f "$idx-wal" "$idx-shm"
head -c 20000 /dev/urandom >"$idx"
t_expect_status 0 "$EXHIBIT" scan arc
grep -q 'warning: .*segment index .*damaged.*rebuilt' err.txt ||
	{ cat err.txt >&2; t_fail "a damaged index was not reported as rebuilt"; }
spans out.txt >c.txt
cmp -s a.txt c.txt || t_fail "the scan beside a damaged index differs"
t_expect_status 0 "$EXHIBIT" scan arc
test -s err.txt && { cat err.txt >&2; t_fail "the rebuilt index still warns"; }

# --- an index that cannot be made: scan works without one -------------------
: >afile
t_expect_status 0 env XDG_CACHE_HOME="$PWD/afile/cache" "$EXHIBIT" scan arc
grep -q 'warning: no segment index' err.txt ||
	{ cat err.txt >&2; t_fail "no warning when the index cannot be made"; }
spans out.txt >c.txt
cmp -s a.txt c.txt || t_fail "the scan without an index differs"
# A read-only cache folder (root writes through modes: a read-only mount).
mkdir -p ro/exhibit
if [ "$(id -u)" -ne 0 ]; then
	chmod 0555 ro ro/exhibit
	t_expect_status 0 env XDG_CACHE_HOME="$PWD/ro" "$EXHIBIT" scan arc
	chmod 0755 ro ro/exhibit
elif unshare -m true 2>/dev/null; then
	t_expect_status 0 env XDG_CACHE_HOME="$PWD/ro" unshare -m sh -c \
		'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
		sh "$PWD/ro" "$EXHIBIT" scan arc
else
	echo "note: read-only folder case not run (root without unshare)" >&2
	t_expect_status 0 env XDG_CACHE_HOME="$PWD/afile/cache" "$EXHIBIT" scan arc
fi
grep -q 'warning: no segment index' err.txt ||
	{ cat err.txt >&2; t_fail "no warning for a read-only cache folder"; }
spans out.txt >c.txt
cmp -s a.txt c.txt || t_fail "the scan beside a read-only cache differs"
test -z "$(ls -A ro/exhibit)" || t_fail "something was written in the read-only folder"

# --- two scans at once, one fresh index ---------------------------------------
export XDG_CACHE_HOME="$PWD/two"
"$EXHIBIT" scan --deep arc >one.txt 2>one.err & p1=$!
"$EXHIBIT" scan --deep arc >two.txt 2>two.err & p2=$!
wait $p1 || { cat one.err >&2; t_fail "the first of two scans at once failed"; }
wait $p2 || { cat two.err >&2; t_fail "the second of two scans at once failed"; }
for o in one two; do
	spans $o.txt >c.txt
	cmp -s d.txt c.txt || t_fail "scan '$o' of two at once differs"
done
t_expect_status 0 "$EXHIBIT" scan --deep arc
for cam in cam1 cam2; do
	read_line out.txt $cam | grep -Eq '^  read +0 opened now, 90 from the segment index$' ||
		{ cat out.txt >&2; t_fail "$cam: after two scans at once the index lacks files"; }
done
t_done
