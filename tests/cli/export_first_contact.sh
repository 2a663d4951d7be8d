#!/bin/sh
# export_first_contact.sh — what an operator meets on a first export
# (issue 12, findings 1, 2, 6 and 7):
#  - export says how it read --from and --to (UTC and local time, and the
#    reading rule when a time had no offset) and what each camera holds of
#    the range: README's own example warns of cam1's 10 s gap (UTC and
#    local) and exits 0; a range that starts before the recording, or ends
#    after it, warns of the footage missing at that end;
#  - a time without Z, an hour off, finds no footage: exit 2, naming the
#    camera, the reading rule and what the camera holds, and nothing left
#    in the folder; with --allow-empty the absence is exported on purpose,
#    said so, and the bundle verifies;
#  - an unknown camera, an existing output, a missing (or unwritable)
#    output folder and an empty camera are refused BEFORE the passphrase is
#    read: the passphrase file does not exist, so reading it first would
#    give the passphrase error instead; a valid request does reach it;
#  - a passphrase-protected key says that it is being unlocked;
#  - an unknown option suggests the nearest one; every message has the one
#    prefix "exhibit:".
. "$TOP_SRCDIR/tests/cli/lib.sh"
ARCHIVE="$TOP_SRCDIR/samples/archive"
t_key
echo "correct horse battery staple" > pw.txt
EXHIBIT_PASSPHRASE_FILE=$PWD/pw.txt t_expect_status 0 "$EXHIBIT" keygen \
	-s p.key -p p.pub
SOURCE_DATE_EPOCH=1730000000
export SOURCE_DATE_EPOCH

# ex OUTPUT KEY [OPTIONS...]: an export with the README's labels.
ex() {
	out=$1 key=$2; shift 2
	t_export_sample "$out" -s "$key" --case OP-2024-117 --exhibit ABC/1 "$@"
}
# no_line PATTERN FILE: require that no line matches.
no_line() { ! grep -Eq -- "$1" "$2" || { cat "$2" >&2; t_fail "'$1' in $2"; }; }
# line_no PATTERN FILE: the number of the first line that matches.
line_no() { grep -En -- "$1" "$2" | head -n 1 | cut -d: -f1; }

# 1. README's example: the request as read, and cam1's gap, in UTC and local.
t_expect_status 0 ex ABC-1.zip k.key --camera cam1,cam2 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T01:00:05Z
t_grep '^exhibit: --from 2024-10-27T00:59:38\.000Z \(2024-10-27 01:59:38\.000 BST\)$' err.txt
t_grep '^exhibit: --to 2024-10-27T01:00:05\.000Z \(2024-10-27 01:00:05\.000 GMT\)$' err.txt
t_grep '^exhibit: cam1: 17 s of footage of the 27 s asked for$' err.txt
t_grep '^exhibit: warning: cam1: gap of 10 s in the footage, from 2024-10-27T00:59:50\.000Z to 2024-10-27T01:00:00\.000Z \(2024-10-27 01:59:50\.000 BST to 2024-10-27 01:00:00\.000 GMT\)$' err.txt
t_grep '^exhibit: cam2: footage for the whole range \(27 s\)$' err.txt
no_line 'read as local time' err.txt
no_line 'unlocking' err.txt
no_line '^exhibit: warning: cam2' err.txt
no_line '^(exhibit: )?(export|scan|keygen): ' err.txt
t_grep '^ABC-1\.zip: [0-9]+ files, ' out.txt

# 2. The range starts before cam2's recording / ends after cam1's.
t_expect_status 0 ex start.zip k.key --camera cam2 --no-working \
	--from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: cam2: 5 s of footage of the 10 s asked for$' err.txt
t_grep '^exhibit: warning: cam2: footage missing at the start: the range starts 5 s before the recording; none from 2024-10-27T00:59:30\.000Z to 2024-10-27T00:59:35\.000Z \(2024-10-27 01:59:30\.000 BST to 2024-10-27 01:59:35\.000 BST\)$' err.txt
t_expect_status 0 ex end.zip k.key --camera cam1 --no-working \
	--from 2024-10-27T01:00:15Z --to 2024-10-27T01:00:30Z
t_grep '^exhibit: warning: cam1: footage missing at the end: the range ends 10 s after the recording; none from 2024-10-27T01:00:20\.000Z to 2024-10-27T01:00:30\.000Z \(2024-10-27 01:00:20\.000 GMT to 2024-10-27 01:00:30\.000 GMT\)$' err.txt
t_expect_status 0 ex mid.zip k.key --camera cam1 --no-working \
	--from 2024-10-27T00:59:45Z --to 2024-10-27T00:59:55Z
t_grep '^exhibit: warning: cam1: footage missing at the end: none for the last 5 s, from 2024-10-27T00:59:50\.000Z to 2024-10-27T00:59:55\.000Z ' err.txt

# 3. scan's UTC time copied without its Z: an hour off, no footage.  Refused
# (exit 2) before the passphrase, naming the camera, the reading rule and
# what the camera holds; nothing written, no temporary file.
t_listing > before.txt
EXHIBIT_PASSPHRASE_FILE=$PWD/pw-not-yet t_expect_status 2 ex hour.zip p.key \
	--camera cam1 --from 2024-10-27T00:59:38 --to 2024-10-27T00:59:58
t_grep '^exhibit: --from 2024-10-26T23:59:38\.000Z \(2024-10-27 00:59:38\.000 BST\): 2024-10-27T00:59:38 read as local time in Europe/London \(--tz\); give Z or \+01:00 to be exact$' err.txt
t_grep '^exhibit: --to 2024-10-26T23:59:58\.000Z \(2024-10-27 00:59:58\.000 BST\): 2024-10-27T00:59:58 read as local time in Europe/London \(--tz\); give Z or \+01:00 to be exact$' err.txt
t_grep '^exhibit: cam1: no footage from 2024-10-26T23:59:38\.000Z to 2024-10-26T23:59:58\.000Z \(2024-10-27 00:59:38\.000 BST to 2024-10-27 00:59:58\.000 BST\)$' err.txt
t_grep '^exhibit: cam1 holds footage from 2024-10-27T00:59:30\.000Z \(2024-10-27 01:59:30\.000 BST\) to 2024-10-27T01:00:20\.000Z \(2024-10-27 01:00:20\.000 GMT\)$' err.txt
t_grep '^exhibit: cam1: the nearest recording after the range starts at 2024-10-27T00:59:30\.000Z \(2024-10-27 01:59:30\.000 BST\), 59 min 32 s after it ends$' err.txt
t_grep '^exhibit: nothing written: check --from and --to \(a time without Z or an offset is local time in Europe/London\), or give --allow-empty ' err.txt
no_line 'pw-not-yet|passphrase|unlocking' err.txt
t_nothing_new "an empty camera"

# The same on purpose: --allow-empty exports the absence, says so, verifies.
t_expect_status 0 ex hour.zip k.key --allow-empty \
	--camera cam1 --from 2024-10-27T00:59:38 --to 2024-10-27T00:59:58
t_grep '^exhibit: cam1 holds footage from 2024-10-27T00:59:30\.000Z ' err.txt
t_grep '^exhibit: warning: cam1: no footage in the range: the bundle documents its absence \(--allow-empty\)$' err.txt
no_line 'nothing written' err.txt
t_expect_status 0 "$EXHIBIT" verify hour.zip -p k.pub
t_grep 'RESULT: PASS' out.txt
# ... and the signed manifest says the absence was asked for on purpose,
# the camera's whole range one gap.
unzip -p hour.zip ABC_1/manifest.xml > hour.xml
t_grep '<request [^>]* allow-empty="true">' hour.xml
t_grep '<gap from="2024-10-26T23:59:38\.000000Z" to="2024-10-26T23:59:58\.000000Z"/>' hour.xml

# 4. Quick checks come before the passphrase: its file does not exist, so
# had it been read first, the error would be about it.
PWF=$PWD/pw-not-yet
export_p() { EXHIBIT_PASSPHRASE_FILE=$PWF t_expect_status 2 ex "$@"; }
t_listing > before.txt
export_p n.zip p.key --camera cam1,cam9 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep "^exhibit: no camera 'cam9' in .*samples/archive \\(cameras: cam1, cam2\\)\$" err.txt
no_line 'pw-not-yet|passphrase' err.txt
export_p ABC-1.zip p.key --camera cam1 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: ABC-1\.zip: already exists; exhibit never overwrites a bundle$' err.txt
no_line 'pw-not-yet|passphrase' err.txt
export_p /no/such/dir/x.zip p.key --camera cam1 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: cannot write /no/such/dir/x\.zip: the folder /no/such/dir does not exist$' err.txt
no_line 'pw-not-yet|passphrase|temporary|staging' err.txt
echo file > plain
export_p plain/x.zip p.key --camera cam1 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: cannot write plain/x\.zip: plain is not a folder$' err.txt
no_line 'pw-not-yet|passphrase' err.txt
rm plain
if [ "$(id -u)" != 0 ]; then
	mkdir ro && chmod 555 ro
	export_p ro/x.zip p.key --camera cam1 \
		--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
	t_grep '^exhibit: cannot write ro/x\.zip: the folder ro is not writable: Permission denied$' err.txt
	no_line 'pw-not-yet|passphrase' err.txt
	chmod 755 ro && rmdir ro
fi
t_nothing_new "the quick checks"
# The control: a request that passes them does read the passphrase file
# (and a clock offset is said as the footage it chooses).
export_p n.zip p.key --camera cam1 --clock-offset -2.5 \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: --clock-offset -2\.5: the recorder.s clock was 2\.5 s behind true time, so its footage is chosen from 2024-10-27T00:59:35\.500Z to 2024-10-27T00:59:37\.500Z on its own clock$' err.txt
t_grep '^exhibit: cam1: footage for the whole range \(2 s\)$' err.txt
t_grep 'pw-not-yet \(from EXHIBIT_PASSPHRASE_FILE\).*No such file or directory' err.txt
t_nothing_new "a missing passphrase file"

# 5. A passphrase-protected key: unlocking is announced, after the checks.
EXHIBIT_PASSPHRASE_FILE=$PWD/pw.txt t_expect_status 0 ex p.zip p.key \
	--camera cam1 --no-working \
	--from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z
t_grep '^exhibit: unlocking the secret key \(a few seconds\)\.\.\.$' err.txt
[ "$(line_no '^exhibit: cam1: footage for the whole range' err.txt)" -lt \
    "$(line_no '^exhibit: unlocking' err.txt)" ] ||
	{ cat err.txt >&2; t_fail "unlocking before the coverage was said"; }
t_expect_status 0 "$EXHIBIT" verify p.zip -p p.pub

# 6. Usage mistakes: the nearest option, one "exhibit:" prefix.
t_expect_status 2 ex u.zip k.key --camera cam1 --form 2024-10-27T00:59:38Z \
	--to 2024-10-27T00:59:40Z
t_grep "^exhibit: unknown option '--form' \\(did you mean --from\\?\\)\$" err.txt
t_grep "^Try 'exhibit export --help'\\.\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --alow-empty
t_grep "^exhibit: unknown option '--alow-empty' \\(did you mean --allow-empty\\?\\)\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --tx UTC
t_grep "^exhibit: unknown option '--tx' \\(did you mean --to or --tz\\?\\)\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --no
t_grep "^exhibit: option '--no' is ambiguous \\(--no-masters or --no-working or --no-cache or --no-register\\)\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --no-masters=yes
t_grep "^exhibit: option '--no-masters' takes no value\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --from
t_grep "^exhibit: option '--from' needs a value\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 -from 2024-10-27T00:59:38Z
t_grep "^exhibit: unknown option '-f' in '-from' \\(did you mean --from\\?\\)\$" err.txt
t_expect_status 2 ex u.zip k.key --camera cam1 --zzzzzz
t_grep "^exhibit: unknown option '--zzzzzz'\$" err.txt
t_expect_status 2 "$EXHIBIT" export "$ARCHIVE" -o u.zip --camera cam1 \
	--from 2024-10-27T00:59:48Z -s k.key --exhibit ABC/1
t_grep '^exhibit: missing --to TIME, --case REF, --operator NAME \(' err.txt
t_expect_status 2 "$EXHIBIT" scan "$ARCHIVE" --cmaera cam1
t_grep "^exhibit: unknown option '--cmaera' \\(did you mean --camera\\?\\)\$" err.txt
t_grep "^Try 'exhibit scan --help'\\.\$" err.txt
t_expect_status 2 "$EXHIBIT" scan
t_grep '^exhibit: no ARCHIVE given$' err.txt
t_expect_status 2 "$EXHIBIT" keygen -W -s a.key -p a.pub --coment x
t_grep "^exhibit: unknown option '--coment' \\(did you mean --comment\\?\\)\$" err.txt
t_expect_status 2 "$EXHIBIT" keygen -W -s a.key
t_grep '^exhibit: both -s SECRET_KEY and -p PUBLIC_KEY are required$' err.txt
test ! -e u.zip && test ! -e a.key || t_fail "a usage error wrote a file"

# 6. Plain words for a file that starts between keyframes (finding 10):
# a recorder's segment cut inside a group of pictures, as recorders cut
# them; the native copy cannot start before the first keyframe and the
# warning says so without "packets" or "keyframe".
if command -v ffmpeg >/dev/null 2>&1; then
	mkdir -p gop/cam1
	ffmpeg -nostdin -loglevel error -y -f lavfi \
	    -i testsrc2=size=160x90:rate=25 -t 6 -c:v libx264 -preset ultrafast \
	    -g 50 -keyint_min 50 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
	    -f mpegts full.ts || t_fail "ffmpeg failed"
	# One fifth in (a 188-byte packet boundary): 1.2 s into a 2 s GOP.
	dd if=full.ts of=gop/cam1/20241027T005930Z.ts bs=188 \
	    skip=$(( $(wc -c < full.ts) / 188 / 5 )) status=none
	t_expect_status 0 "$EXHIBIT" export gop -o gop.zip -s k.key --case C \
	    --exhibit G/1 --operator O --preset ultrafast --camera cam1 \
	    --from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:34Z
	t_grep '^exhibit: warning: cam1: cam1/20241027T005930Z\.ts \(native\): the first 0\.[0-9] s of this file \([0-9]+ frames\) could not be copied without re-encoding: those pictures depend on one recorded before the file starts$' err.txt
	if grep -Eiq 'packet|keyframe' err.txt; then
		cat err.txt >&2; t_fail "export warnings still use jargon"
	fi
fi
t_done
