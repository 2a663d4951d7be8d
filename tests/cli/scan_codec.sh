#!/bin/sh
# scan_codec.sh — a recorder file in a codec exhibit does not read (here
# MPEG-4 Part 2) is reported unreadable, and export keeps it as a master.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"

mkdir -p arch/camX
ffmpeg -v error -f lavfi -i testsrc=size=160x90:rate=10 -t 2 -c:v mpeg4 \
	arch/camX/20240101T000000Z.mp4
ffmpeg -v error -f lavfi -i testsrc=size=160x90:rate=10 -t 2 -c:v libx264 \
	-pix_fmt yuv420p arch/camX/20240101T000002Z.mp4
before=$(sha256sum arch/camX/*.mp4)

t_expect_status 0 "$EXHIBIT" scan arch
t_grep "unreadable camX/20240101T000000Z.mp4: unsupported video codec 'mpeg4' \(exhibit reads H.264 and H.265\)" out.txt
t_grep "segments   2 \(1 ok, 0 damaged, 1 unreadable\)" out.txt

t_key
t_expect_status 0 "$EXHIBIT" export arch -o b --container dir --camera camX \
	--from 2024-01-01T00:00:00Z --to 2024-01-01T00:00:04Z -s k.key \
	--case C --exhibit E --operator O --preset ultrafast --tz UTC
t_grep "unsupported video codec 'mpeg4'" err.txt
cmp arch/camX/20240101T000000Z.mp4 b/data/camX/master/camX_20240101T000000Z.mp4 ||
	t_fail "the unreadable file was not kept bit for bit as a master"
grep -q 'state="unreadable"\|<state>unreadable' b/manifest.xml ||
	{ grep -n unreadable b/manifest.xml >&2; t_fail "manifest does not record the unreadable file"; }
t_expect_status 0 "$EXHIBIT" verify b -p k.pub
[ "$(sha256sum arch/camX/*.mp4)" = "$before" ] || t_fail "the source changed"
t_done
