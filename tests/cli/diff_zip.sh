#!/bin/sh
# diff_zip.sh — ZIP bundles that readers would see differently (issue 11).
# Each case is made at test time from a good ZIP bundle exported by the
# built exhibit (tests/tools/zipforge.py; the signed entries' bytes stay as
# they were), shown to make a mainstream reader — Info-ZIP unzip/zipinfo,
# Python's zipfile, bsdtar reading the file or a stream — list or extract a
# name, bytes or files other than the signed bundle's, and must then be
# refused by `exhibit verify`: exit 1 within 5 s, naming the reason,
# nothing printed raw.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v python3 >/dev/null 2>&1 || t_skip "python3 not installed"
command -v unzip >/dev/null 2>&1 || t_skip "unzip not installed"
command -v zipinfo >/dev/null 2>&1 || t_skip "zipinfo not installed (unzip)"
command -v bsdtar >/dev/null 2>&1 || t_skip "bsdtar not installed (libarchive-tools)"
FORGE="$TOP_SRCDIR/tests/tools/zipforge.py"
forge() { python3 "$FORGE" "$@" || t_fail "zipforge $*"; }
# What Python's zipfile sees (the command may fail on a damaged ZIP).
py() { python3 "$FORGE" "$@" 2>&1 || :; }

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4
t_key
t_key k2
export SOURCE_DATE_EPOCH=1730000000
t_export arc good.zip --container zip --camera cam \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
	--exhibit E1 --operator Op --no-working >/dev/null
t_expect_status 0 "$EXHIBIT" verify good.zip -p k.pub
t_grep '^RESULT: PASS' out.txt
grep -q '^problems:' out.txt && t_fail "problems reported for the good bundle"
# custody add rewrites the ZIP through the same writer: still its form.
cp good.zip added.zip
t_expect_status 0 "$EXHIBIT" custody add added.zip -s k2.key --actor x \
	--action received
t_expect_status 0 "$EXHIBIT" verify added.zip -p k.pub -p k2.pub
t_grep '^RESULT: PASS' out.txt

R=E1/data/README.txt
EVIL="this text was never signed"
# The good bundle: every reader sees the same names and README bytes.
py names good.zip >names.py
unzip -Z1 good.zip >names.unzip
bsdtar -tf good.zip >names.bsdtar
bsdtar -tf - <good.zip >names.stream     # (seekable: reads the directory)
cat good.zip | bsdtar -tf - >names.pipe  # (a stream: local headers only)
for f in names.unzip names.bsdtar names.stream names.pipe; do
	cmp -s names.py "$f" || t_fail "readers list the good bundle differently ($f)"
done
grep -qx "$R" names.py || t_fail "no $R in the good bundle"
unzip -p good.zip "$R" | sha256sum >signed.sha
py read good.zip "$R" | sha256sum | cmp -s - signed.sha ||
	t_fail "Python reads other README bytes from the good bundle"
cat good.zip | bsdtar -xOf - "$R" | sha256sum | cmp -s - signed.sha ||
	t_fail "a bsdtar stream reads other README bytes from the good bundle"
[ -z "$(py comment good.zip)" ] || t_fail "the good bundle has a comment"
py info good.zip "$R" >info.good

# refuse CASE WHAT...: verify CASE must exit 1 within 5 s, name each WHAT (a
# fixed string) and print no control character but newline.
refuse() {
	b=$1; shift
	set +e
	timeout 5 "$EXHIBIT" verify "$b" -p k.pub >out.txt 2>err.txt
	got=$?
	set -e
	cat out.txt err.txt >all.txt
	[ "$got" -eq 1 ] || { cat all.txt >&2; t_fail "$b: exit $got, expected 1"; }
	for what in "$@"; do
		grep -qF -- "$what" all.txt ||
			{ cat all.txt >&2; t_fail "$b: no '$what' in the output"; }
	done
	if tr -d '\n' <all.txt | LC_ALL=C grep -q '[[:cntrl:]]'; then
		t_fail "$b: a control character in the output"
	fi
}
# saw FILE PATTERN WHO: the reader's output in FILE shows the attack.
saw() { grep -Eq -- "$2" "$1" || { cat "$1" >&2; t_fail "$3 did not see it"; }; }
# new FILE GOOD WHO: FILE lists a name that GOOD does not.
new() {
	sort -u "$2" >a.sorted; sort -u "$1" >b.sorted
	[ -n "$(comm -13 a.sorted b.sorted)" ] ||
		{ cat "$1" >&2; t_fail "$3 listed nothing new"; }
}

# 1. An Info-ZIP Unicode Path field naming another file: unzip and bsdtar
# list that name; Python keeps the raw one.
forge make upath-other good.zip upath-other.zip
unzip -Z1 upath-other.zip >reader.txt
saw reader.txt "^E1/data/STATEMENT\.txt$" "unzip"
bsdtar -tf upath-other.zip >reader.txt
saw reader.txt "^E1/data/STATEMENT\.txt$" "bsdtar"
py names upath-other.zip >reader.txt
saw reader.txt "^E1/data/README\.txt$" "Python"
refuse upath-other.zip "data/README.txt: ZIP Unicode Path field in the central directory names this entry 'E1/data/STATEMENT.txt', its raw name is 'E1/data/README.txt'"

# 2. A raw name that leaves the folder behind a harmless Unicode Path:
# libarchive (what verify reads with) sees the harmless name, Python the
# escape.
forge make upath-dotdot good.zip upath-dotdot.zip
bsdtar -tf upath-dotdot.zip >reader.txt
saw reader.txt "^E1/data/README\.txt$" "bsdtar"
py names upath-dotdot.zip >reader.txt
saw reader.txt '^E1/data/\.\./\.\./\.\./README\.txt$' "Python"
refuse upath-dotdot.zip "names this entry 'E1/data/README.txt', its raw name is 'E1/data/../../../README.txt'"

# 3. Zip64 and classic end records describing two central directories:
# Python and bsdtar follow the Zip64 one to unsigned README bytes.
forge make zip64-split good.zip zip64-split.zip
py read zip64-split.zip "$R" >reader.txt
saw reader.txt "$EVIL" "Python"
bsdtar -xOf zip64-split.zip "$R" >reader.txt 2>&1 || :
saw reader.txt "$EVIL" "bsdtar"
refuse zip64-split.zip "the ZIP64 and classic end records describe different central directories"

# 4. The end record counts fewer entries than the directory holds: Python
# and bsdtar list the extra one.
forge make count-short good.zip count-short.zip
py names count-short.zip >reader.txt
saw reader.txt "^E1/data/extra\.txt$" "Python"
bsdtar -tf count-short.zip >reader.txt 2>&1 || :
saw reader.txt "^E1/data/extra\.txt$" "bsdtar"
refuse count-short.zip "the ZIP end record counts" "entries but the central directory holds more"

# 5. An entry no central record lists, after the last one: only streaming
# readers see it.
forge make local-only good.zip local-only.zip
cat local-only.zip | bsdtar -tf - >reader.txt 2>&1 || :
saw reader.txt "^E1/data/extra\.txt$" "a bsdtar stream"
unzip -Z1 local-only.zip >reader.txt 2>&1 || :
grep -q extra.txt reader.txt && t_fail "unzip listed the hidden entry"
refuse local-only.zip "a ZIP entry 'E1/data/extra.txt' at byte" "that the central directory does not list"

# 6. Bytes hidden between two entries: a second README that a stream
# extracts too.
forge make hidden-between good.zip hidden-between.zip
cat hidden-between.zip | bsdtar -xOf - "$R" >reader.txt 2>&1 || :
saw reader.txt "$EVIL" "a bsdtar stream"
unzip -p hidden-between.zip "$R" | sha256sum | cmp -s - signed.sha ||
	t_fail "unzip reads other README bytes"
refuse hidden-between.zip "a ZIP entry 'E1/data/README.txt' at byte" "that the central directory does not list"

# 7. A folder entry carrying data: Python reads it.
forge make folder-data good.zip folder-data.zip
py read folder-data.zip E1/data/ >reader.txt
saw reader.txt "$EVIL" "Python"
refuse folder-data.zip "data: folder entry carries 27 bytes of data"

# 8. An archive comment: unzip and Python show it.
forge make archive-comment good.zip archive-comment.zip
unzip -z archive-comment.zip >reader.txt 2>&1 || :
saw reader.txt "Exhibit withdrawn" "unzip -z"
py comment archive-comment.zip >reader.txt
saw reader.txt "Exhibit withdrawn" "Python"
refuse archive-comment.zip "ZIP archive comment (33 bytes): exhibit writes none"

# 9. A file comment on README.txt: Python shows it.
forge make file-comment good.zip file-comment.zip
py info file-comment.zip "$R" >reader.txt
saw reader.txt "^comment $(printf 'not the file the police signed' | od -An -tx1 | tr -d ' \n')$" "Python"
refuse file-comment.zip "data/README.txt: ZIP file comment (30 bytes): exhibit writes none"

# 10. An unknown extra field: Python hands its bytes to the program.
forge make unknown-extra good.zip unknown-extra.zip
py info unknown-extra.zip "$R" >reader.txt
cmp -s reader.txt info.good && t_fail "Python saw no new extra field"
saw reader.txt "^extra .*$(printf 'payload outside' | od -An -tx1 | tr -d ' \n')" "Python"
refuse unknown-extra.zip "data/README.txt: unknown ZIP extra field 0x4a4a (29 bytes) in the central directory"

# 11. Data before the ZIP (an entry a stream reads first), offsets left as
# they were: unzip and Python find the signed bundle, a stream another file.
forge make prepended good.zip prepended.zip
cat prepended.zip | bsdtar -tf - >reader.txt 2>&1 || :
saw reader.txt "^E1/data/prepended\.txt$" "a bsdtar stream"
py names prepended.zip >reader.txt
cmp -s reader.txt names.py || t_fail "Python lists the prepended bundle otherwise"
refuse prepended.zip "ZIP central directory is not where the end record says (78 bytes before the ZIP proper?)"

# 12. A second ZIP appended: readers that start from the end read its
# README.
forge make appended-zip good.zip appended-zip.zip
py read appended-zip.zip "$R" >reader.txt
saw reader.txt "$EVIL" "Python"
unzip -p appended-zip.zip "$R" >reader.txt 2>/dev/null || :
saw reader.txt "$EVIL" "unzip"
refuse appended-zip.zip "ZIP central directory is not where the end record says"

# 13. Two central records for one local header: unzip and Python list
# README.txt twice, libarchive once.
forge make shared-local good.zip shared-local.zip
unzip -Z1 shared-local.zip >reader.txt
[ "$(grep -cx "$R" reader.txt)" -eq 2 ] || t_fail "unzip did not list README twice"
py names shared-local.zip >reader.txt
[ "$(grep -cx "$R" reader.txt)" -eq 2 ] || t_fail "Python did not list README twice"
refuse shared-local.zip "data/README.txt: two ZIP central directory entries point at one local header"

# 14. Made by MS-DOS: the attributes read as DOS ones (read-only, no Unix
# mode).
forge make msdos-host good.zip msdos-host.zip
zipinfo good.zip "$R" >reader.good
zipinfo msdos-host.zip "$R" >reader.txt
saw reader.good "^-rw-r--r-- .* unx " "zipinfo (good)"
saw reader.txt " fat " "zipinfo"
refuse msdos-host.zip "data/README.txt: ZIP entry made by MS-DOS (host 0), not Unix: its attributes 0x00000001 would be read differently"

# 15. Local and central names disagree: unzip and Python list the central
# name, a stream the local one.
forge make name-mismatch good.zip name-mismatch.zip
unzip -Z1 name-mismatch.zip >reader.txt
saw reader.txt "^E1/data/READ_ME\.txt$" "unzip"
cat name-mismatch.zip | bsdtar -tf - >reader.txt 2>&1 || :
saw reader.txt "^E1/data/README\.txt$" "a bsdtar stream"
refuse name-mismatch.zip "data/READ_ME.txt: ZIP central directory and local header disagree: the local header names it 'E1/data/README.txt'"

# 16. An incomplete copy: a stream extracts a part and unzip finds no ZIP;
# one problem says so, not a pile of follow-on damage.
forge make truncated good.zip truncated.zip
cat truncated.zip | bsdtar -tf - >reader.txt 2>&1 || :
saw reader.txt "^E1/data/" "a bsdtar stream"
grep -q tagmanifest reader.txt && t_fail "a stream read the whole truncated copy"
unzip -Z1 truncated.zip >reader.txt 2>&1 && t_fail "unzip read the truncated copy"
size=$(wc -c <truncated.zip)
refuse truncated.zip "incomplete copy: the ZIP ends at byte $size, before its central directory"
[ "$(grep -c 'incomplete copy' out.txt)" -eq 1 ] || t_fail "truncated: not one problem"
grep -Eq 'damaged archive|cannot be read|declared size' all.txt &&
	{ cat all.txt >&2; t_fail "truncated: follow-on damage reported"; }
# ... wherever it is cut, even inside the first entry.
for n in 10 40 100 $((size / 3)); do
	head -c "$n" good.zip >cut.zip
	refuse cut.zip "incomplete copy: the ZIP ends at byte $n, before its central directory"
done

# 17. The data descriptor disagrees with the central directory: unzip
# (central CRC) extracts README, a stream (the descriptor) refuses it.
forge make dd-mismatch good.zip dd-mismatch.zip
unzip -tq dd-mismatch.zip >reader.txt 2>&1 || t_fail "unzip failed on dd-mismatch"
cat dd-mismatch.zip | bsdtar -xOf - "$R" >/dev/null 2>reader.txt &&
	t_fail "a bsdtar stream extracted README"
saw reader.txt "Truncated|CRC|crc|Damaged|damaged" "a bsdtar stream"
refuse dd-mismatch.zip "data/README.txt: ZIP data descriptor and central directory disagree on CRC"

# 18. The DOS time a day after the UT time: Python dates README 28
# October, unzip sets the extracted file to 27 October.
forge make dos-time good.zip dos-time.zip
py info dos-time.zip "$R" >reader.txt
saw reader.txt "^date 2024-10-28 03:33:20$" "Python"
mkdir ux && unzip -q -d ux dos-time.zip "$R" || t_fail "unzip dos-time.zip"
TZ=UTC date -r "ux/$R" '+%Y-%m-%d %H:%M:%S' >reader.txt
saw reader.txt "^2024-10-27 03:33:20$" "unzip"
refuse dos-time.zip "data/README.txt: ZIP DOS time 0x595c1c2a and UT time disagree"
t_done
