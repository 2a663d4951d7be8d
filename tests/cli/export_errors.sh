#!/bin/sh
# export_errors.sh — exit codes, and failures that leave nothing behind.
#  - export refuses an existing output (file or folder): exit 2, named, and
#    the existing output is untouched;
#  - a bad camera, a bad or ambiguous time, a reversed range, an unknown
#    container, a missing archive, an output in a missing folder (said
#    as such, not as a temporary file that cannot be made): exit 2, each
#    named, and nothing bundle-like (no output, no temporary or staging
#    file) is left;
#  - an export stopped by SIGTERM part-way through the encoding: exit 2,
#    "interrupted", and nothing is left;
#  - verify: 2 for usage and system errors (no bundle, unreadable bundle,
#    missing key file, unknown option), 1 for something that is not a
#    bundle at all.
. "$TOP_SRCDIR/tests/cli/lib.sh"
ARCHIVE="$TOP_SRCDIR/samples/archive"
t_key
SOURCE_DATE_EPOCH=1730000000
export SOURCE_DATE_EPOCH

# ex OUTPUT [OPTIONS...]: an export of a short range with the given options
# (later options win).
ex() {
	out=$1; shift
	t_export_sample "$out" --camera cam1 --from 2024-10-27T00:59:48Z \
		--to 2024-10-27T00:59:50Z --exhibit ABC/1 "$@"
}

# Usage errors name what is missing or stray (issue 12, item 7).
t_listing > before.txt
t_expect_status 2 "$EXHIBIT" export "$ARCHIVE" -o u.zip --camera cam1, cam2 \
	--from 2024-10-27T00:59:48Z --to 2024-10-27T00:59:50Z -s k.key \
	--case C-1 --exhibit ABC/1 --operator "Jo Bloggs"
t_grep "^exhibit: 'cam2' is a second ARCHIVE \(one at a time; a list such as --camera cam1,cam2 takes no spaces\)" err.txt
t_expect_status 2 "$EXHIBIT" export "$ARCHIVE" -o u.zip --camera cam1 \
	--from 2024-10-27T00:59:48Z -s k.key --exhibit ABC/1
t_grep '^exhibit: missing --to TIME, --case REF, --operator NAME \(' err.txt
t_nothing_new "a usage error"

# An existing output is never replaced.
echo "an earlier bundle" > old.zip
cp old.zip old.copy
mkdir olddir
echo keep > olddir/file
t_listing > before.txt
t_expect_status 2 ex old.zip
t_grep '^exhibit: old\.zip: already exists; exhibit never overwrites a bundle$' err.txt
cmp -s old.zip old.copy || t_fail "old.zip was changed"
t_nothing_new "refusing old.zip"
t_expect_status 2 ex olddir --container dir
t_grep '^exhibit: olddir: already exists' err.txt
test "$(ls -A olddir)" = file && test "$(cat olddir/file)" = keep ||
	t_fail "olddir was changed"
t_nothing_new "refusing olddir"

# Bad requests: exit 2, the reason named, nothing left.
t_expect_status 2 ex n.zip --camera cam9
t_grep "^exhibit: no camera 'cam9' in .*samples/archive \\(cameras: cam1, cam2\\)\$" err.txt
t_nothing_new "a bad camera"
t_expect_status 2 ex n.zip --from 2024-10-27T25:59:48Z
t_grep "'2024-10-27T25:59:48Z' is not a valid date and time" err.txt
t_nothing_new "a bad time"
t_expect_status 2 ex n.zip --from 2024-10-27T01:30:00 --to 2024-10-27T03:00:00
t_grep '2024-10-27T01:30:00 is ambiguous in Europe/London' err.txt
t_grep '2024-10-27T01:30:00\+01:00 .* or 2024-10-27T01:30:00\+00:00' err.txt
t_nothing_new "an ambiguous time"
t_expect_status 2 ex n.zip --from 2024-10-27T00:59:50Z --to 2024-10-27T00:59:48Z
t_grep '^exhibit: --from must be before --to$' err.txt
t_nothing_new "a reversed range"
t_expect_status 2 ex n.zip --container rar
t_grep "unknown container 'rar'" err.txt
t_nothing_new "an unknown container"
t_expect_status 2 "$EXHIBIT" export "$T_DIR/no-archive" -o n.zip --camera cam1 \
	--from 2024-10-27T00:59:48Z --to 2024-10-27T00:59:50Z -s k.key \
	--case C-1 --exhibit ABC/1 --operator "Jo Bloggs"
t_grep 'no-archive: No such file or directory' err.txt
t_nothing_new "a missing archive"
t_expect_status 2 ex no-such-folder/n.zip
t_grep '^exhibit: cannot write no-such-folder/n\.zip: the folder no-such-folder does not exist$' err.txt
test ! -e no-such-folder || t_fail "no-such-folder was made"
t_nothing_new "an output in a missing folder"

# Stopped part-way: SIGTERM once the cameras are being encoded (the first
# camera's working copy has been opened in the staging folder).
"$EXHIBIT" export "$ARCHIVE" -o big.zip --camera cam1,cam2 \
	--from 2024-10-27T00:59:30Z --to 2024-10-27T01:00:15Z -s k.key \
	--case C-1 --exhibit ABC/1 --operator "Jo Bloggs" --preset veryslow \
	--jobs 1 >out.txt 2>err.txt &
pid=$!
trap 'kill $pid 2>/dev/null || :' EXIT
encoding() { ls .big.zip.staging-*/0/working/*.mp4 >/dev/null 2>&1; }
t_wait_for 60 "the export to encode a camera" encoding
trap - EXIT
kill -TERM $pid
set +e
wait $pid
st=$?
set -e
[ $st -eq 2 ] || { cat err.txt >&2; t_fail "interrupted export: exit $st, expected 2"; }
t_grep '^exhibit: export interrupted$' err.txt
t_grep '^exhibit: nothing was written at big\.zip$' err.txt
t_nothing_new "an interrupted export"

# verify's exit codes for what is not a verdict.
t_expect_status 2 "$EXHIBIT" verify
t_grep '^exhibit: no BUNDLE given$' err.txt
t_expect_status 2 "$EXHIBIT" verify no-such.zip
t_grep '^exhibit: no-such\.zip: No such file or directory$' err.txt
t_expect_status 2 "$EXHIBIT" verify old.zip -p no-such.pub
t_grep '^exhibit: no-such\.pub: No such file or directory$' err.txt
t_expect_status 2 "$EXHIBIT" verify --bogus old.zip
t_grep "^exhibit: unknown option '--bogus'\$" err.txt
t_expect_status 2 "$EXHIBIT" verify --stirct old.zip
t_grep "^exhibit: unknown option '--stirct' \(did you mean --strict\?\)\$" err.txt
t_expect_status 1 "$EXHIBIT" verify old.zip -p k.pub
t_grep 'old\.zip: not a ZIP, tar or ISO 9660 bundle' err.txt
t_done
