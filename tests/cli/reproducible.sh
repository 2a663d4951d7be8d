#!/bin/sh
# reproducible.sh — with SOURCE_DATE_EPOCH set and --jobs fixed, the same
# export twice gives byte-identical ZIP, tar and folder bundles, whatever
# the local time zone of the machine and the output's name, when each is
# the same row of its disclosure register (here: row 1 of a register of its
# own).  A different SOURCE_DATE_EPOCH gives a different bundle (the date
# is really used), and so does the next row of the same register (the
# manifest names its row).
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_key

ex() {
	t_expect_status 0 env SOURCE_DATE_EPOCH=$1 TZ=$2 "$EXHIBIT" export \
		"$TOP_SRCDIR/samples/archive" -o "$3" --container "$4" \
		--camera cam1,cam2 --from 2024-10-27T00:59:48.500Z \
		--to 2024-10-27T01:00:01Z -s k.key --case C-1 --exhibit ABC/1 \
		--operator "Jo Bloggs" --preset ultrafast --jobs 2 --segment 5 \
		--register "${5:-reg-$3.sqlite}"
}
for kind in zip tar dir; do
	ex 1730000000 UTC "one.$kind" $kind
	ex 1730000000 America/New_York "two.$kind" $kind
done
cmp one.zip two.zip || t_fail "two ZIP exports differ"
cmp one.tar two.tar || t_fail "two tar exports differ"
diff -r one.dir two.dir || t_fail "two folder exports differ"
test -f one.dir/manifest.xml || t_fail "the folder bundle has no manifest.xml"
test "$(find one.dir -type f | wc -l)" -gt 20 || t_fail "the folder bundle is nearly empty"
# The folder's files carry the export time, not the time they were written.
test "$(find one.dir -type f ! -newermt @1730000001 | wc -l)" = \
	"$(find one.dir -type f | wc -l)" || t_fail "folder bundle mtimes are not SOURCE_DATE_EPOCH"

ex 1730003600 UTC three.zip zip
if cmp -s one.zip three.zip; then t_fail "SOURCE_DATE_EPOCH is ignored"; fi
ex 1730000000 UTC four.zip zip reg-one.zip.sqlite
if cmp -s one.zip four.zip; then t_fail "row 2 of a register gave row 1's bundle"; fi
unzip -p four.zip '*/manifest.xml' | grep -q '<register row="2" previous="[0-9a-f]\{64\}"/>' ||
	t_fail "the second export of a register does not name row 2"
t_done
