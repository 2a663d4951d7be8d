#!/bin/sh
# scan_frigate.sh — exhibit scan on a Frigate NVR archive made at test time:
# two cameras of 10-second 25 fps segments, one segment missing in one of
# them; first and last recorded instants exact to the frame, the gap named,
# --xml valid against schemas/scan.xsd, --camera filters and refuses an
# unknown camera.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"

# 250 frames (10 s) and 125 frames (5 s) at 25 fps, tiny, keyframe each second.
enc="-c:v libx264 -preset ultrafast -g 25 -bf 0 -pix_fmt yuv420p -an"
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
	-i testsrc=size=64x36:rate=25:duration=10 $enc ten.mp4
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
	-i testsrc=size=64x36:rate=25:duration=5 $enc five.mp4

# Summer: 12:00 UTC is 13:00 BST in Europe/London.
h=nvr/recordings/2024-07-01/12
mkdir -p $h/front $h/yard
for s in 00 10 20 30; do cp ten.mp4 $h/front/00.$s.mp4; done
cp ten.mp4 $h/yard/00.00.mp4
cp ten.mp4 $h/yard/00.10.mp4
cp five.mp4 $h/yard/00.30.mp4        # 00.20.mp4 is missing

t_expect_status 0 "$EXHIBIT" scan nvr
test ! -s err.txt || { cat err.txt >&2; t_fail "scan wrote to stderr"; }
t_grep '^layout +frigate$' out.txt
t_grep '^cameras +2$' out.txt
t_grep '^camera front$' out.txt
t_grep '^camera yard$' out.txt
# Per camera: the recorded spans, first frame, last frame, end of coverage.
sed -n '/^camera front$/,/^camera yard$/p' out.txt > front.txt
sed -n '/^camera yard$/,$p' out.txt > yard.txt
t_grep '^  segments +4 \(4 ok, 0 damaged, 0 unreadable\)$' front.txt
t_grep '^  recorded +2024-07-01T12:00:00\.000Z \.\. 2024-07-01T12:00:40\.000Z  \(40\.000 s\)$' front.txt
t_grep '^    first frame +2024-07-01T12:00:00\.000Z  2024-07-01 13:00:00\.000 BST$' front.txt
t_grep '^    last frame +2024-07-01T12:00:39\.960Z  2024-07-01 13:00:39\.960 BST$' front.txt
t_grep '^    ends +2024-07-01T12:00:40\.000Z  2024-07-01 13:00:40\.000 BST$' front.txt
if grep -q '^  gap' front.txt; then t_fail "front has no gap"; fi
t_grep '^  segments +3 \(3 ok, 0 damaged, 0 unreadable\)$' yard.txt
t_grep '^  recorded +2024-07-01T12:00:00\.000Z \.\. 2024-07-01T12:00:20\.000Z  \(20\.000 s\)$' yard.txt
t_grep '^    last frame +2024-07-01T12:00:19\.960Z ' yard.txt
t_grep '^  recorded +2024-07-01T12:00:30\.000Z \.\. 2024-07-01T12:00:35\.000Z  \(5\.000 s\)$' yard.txt
t_grep '^    last frame +2024-07-01T12:00:34\.960Z  2024-07-01 13:00:34\.960 BST$' yard.txt
t_grep '^    ends +2024-07-01T12:00:35\.000Z ' yard.txt
t_grep '^  gap +2024-07-01T12:00:20\.000Z \.\. 2024-07-01T12:00:30\.000Z  \(10\.000 s\)$' yard.txt
t_grep '^ +2024-07-01 13:00:20\.000 BST \.\. 2024-07-01 13:00:30\.000 BST$' yard.txt
test "$(grep -c '^  gap' yard.txt)" -eq 1 || t_fail "yard has one gap"

# recordings/ itself is the same archive.
t_expect_status 0 "$EXHIBIT" scan nvr/recordings
t_grep '^  gap +2024-07-01T12:00:20\.000Z \.\. 2024-07-01T12:00:30\.000Z' out.txt

# For programs: valid against the schema, the same facts.
t_expect_status 0 "$EXHIBIT" scan nvr --xml
mv out.txt scan.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/scan.xsd" scan.xml 2>lint.txt ||
	{ cat lint.txt >&2; t_fail "scan --xml does not match scan.xsd"; }
q() { xmllint --xpath "$1" scan.xml; }
cam='//*[local-name()="camera"]'
test "$(q "count($cam)")" = 2 || t_fail "two cameras in XML"
test "$(q "string($cam[@id='yard']/*[local-name()='gap']/@start)")" = \
	2024-07-01T12:00:20.000Z || t_fail "XML gap start"
test "$(q "string($cam[@id='yard']/*[local-name()='gap']/@end-local)")" = \
	2024-07-01T13:00:30.000+01:00 || t_fail "XML gap end-local"
test "$(q "string($cam[@id='yard']/*[local-name()='recorded'][2]/@last-frame)")" = \
	2024-07-01T12:00:34.960Z || t_fail "XML last frame"
test "$(q "string($cam[@id='front']/*[local-name()='recorded']/@end)")" = \
	2024-07-01T12:00:40.000Z || t_fail "XML end of coverage"
test "$(q "count($cam[@id='front']/*[local-name()='gap'])")" = 0 ||
	t_fail "XML: front has no gap"
test "$(q "string($cam[@id='front']/*[local-name()='segment'][1]/@frames)")" = 250 ||
	t_fail "XML frame count"

# --camera: only that camera; an unknown one is a usage error naming them.
t_expect_status 0 "$EXHIBIT" scan nvr --camera yard
t_grep '^cameras +1$' out.txt
if grep -q '^camera front' out.txt; then t_fail "--camera yard shows front"; fi
t_expect_status 2 "$EXHIBIT" scan nvr --camera gate
t_grep "no camera 'gate'" err.txt
t_grep 'cameras: front, yard' err.txt
t_done
