#!/bin/sh
# diff_tar.sh — tar bundles that mainstream readers see differently from
# the bundle as signed (issue 11).  Each case is made at test time from a
# good tar bundle by tests/tools/tarcraft.py (headers rewritten with their
# checksums recomputed); the test first shows that a reader — GNU tar,
# bsdtar, Python's tarfile, or a ustar-only reading (tarcraft.py
# ustar-list: no pax, no GNU extensions) — lists or extracts a name or
# content other than, or extra to, what the signed bundle holds, and then
# requires `exhibit verify` to refuse it: exit 1 within 5 s, the named
# reason, no raw control bytes.  Good tar bundles, also one whose long
# paths make the writer use pax headers, must still pass.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v tar >/dev/null 2>&1 || t_skip "GNU tar not installed"
command -v bsdtar >/dev/null 2>&1 || t_skip "bsdtar not installed (Debian: libarchive-tools)"
command -v python3 >/dev/null 2>&1 || t_skip "python3 not installed"
tar --version | grep -q 'GNU tar' || t_skip "tar is not GNU tar"
CRAFT="python3 $TOP_SRCDIR/tests/tools/tarcraft.py"

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4
# A camera with a 90-character name: its files' paths are too long for a
# ustar header, so the writer puts them in pax 'x' headers.
long=$(printf 'c%.0s' $(seq 1 90))
mkdir -p "arc/$long" && cp arc/cam/20240701T120000Z.mp4 "arc/$long/"
t_key
export SOURCE_DATE_EPOCH=1730000000
ex() {
	t_export arc "$1" --container tar --camera "$3" \
		--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
		--exhibit "$2" --operator Op --no-working >/dev/null
}
ex good.tar E1 cam
ex other.tar E2 cam
ex long.tar E1 "$long"
# An mtime after 2038: the writer adds a pax mtime record to every entry.
(SOURCE_DATE_EPOCH=4102444800 && ex y2100.tar E1 cam)

# verify BUNDLE: run verify (5 s at most) into all.txt, set $got.
verify() {
	set +e
	timeout 5 "$EXHIBIT" verify "$1" -p k.pub >out.txt 2>err.txt
	got=$?
	set -e
	cat out.txt err.txt >all.txt
	if tr -d '\n\t' <all.txt | LC_ALL=C grep -q '[[:cntrl:]]'; then
		t_fail "$1: raw control bytes in verify's output"
	fi
}
# refuse BUNDLE WHAT...: exit 1 and each WHAT (a fixed string) named.
refuse() {
	b=$1; shift
	verify "$b"
	[ "$got" -eq 1 ] || { cat all.txt >&2; t_fail "$b: exit $got, expected 1"; }
	for what in "$@"; do
		grep -qF -- "$what" all.txt ||
			{ cat all.txt >&2; t_fail "$b: no '$what' in the output"; }
	done
}
# sees WHO BUNDLE PATTERN: the reader's listing must match the pattern.
sees() {
	case $1 in
	gnu) tar -tvf "$2" >list.txt 2>&1 || : ;;
	gnu-i) tar -itvf "$2" >list.txt 2>&1 || : ;;
	bsd) bsdtar -tvf "$2" >list.txt 2>&1 || : ;;
	py) python3 -c 'import sys, tarfile
for m in tarfile.open(sys.argv[1]).getmembers(): print(m.name, m.size)' \
		"$2" >list.txt 2>&1 || : ;;
	ustar) $CRAFT ustar-list "$2" >list.txt 2>&1 || : ;;
	esac
	grep -Eq -- "$3" list.txt ||
		{ cat list.txt >&2; t_fail "$2: $1 does not show '$3'"; }
}
# hides WHO BUNDLE PATTERN: the reader's listing must not match.
hides() {
	sees "$1" "$2" '.'
	if grep -Eq -- "$3" list.txt; then
		cat list.txt >&2; t_fail "$2: $1 shows '$3'"
	fi
}

# --- good bundles pass ------------------------------------------------------
for b in good.tar long.tar y2100.tar; do
	verify $b
	[ "$got" -eq 0 ] || { cat all.txt >&2; t_fail "$b: exit $got, expected 0"; }
done
$CRAFT list long.tar | grep -q ' x E1/data/c*/master/PaxHeader/' ||
	t_fail "long.tar has no pax header (the long-path case tests nothing)"
LC_ALL=C grep -qaF ' mtime=4102444800' y2100.tar ||
	t_fail "y2100.tar has no pax mtime (the 2100 case tests nothing)"
# Zero padding after the end marker (as a tape or dd leaves it) is fine.
cp good.tar padded.tar && head -c 10240 /dev/zero >>padded.tar
verify padded.tar
[ "$got" -eq 0 ] || { cat all.txt >&2; t_fail "padded.tar: exit $got"; }

# --- pax and ustar disagree -------------------------------------------------
# A pax path naming the signed file over a ustar name of another: pax
# readers see README.txt, a ustar-only reader EVILME.txt.
$CRAFT make pax-path good.tar pax-path.tar
sees gnu pax-path.tar ' E1/data/README\.txt$'
sees ustar pax-path.tar ' E1/data/EVILME\.txt$'
refuse pax-path.tar "pax path and ustar name disagree" "pax path 'E1/data/README.txt', ustar name 'E1/data/EVILME.txt'"
# The same in a long path the writer really puts in pax: one byte of the
# pax path changed (same length, checksum unaffected: pax data has none).
name=$($CRAFT list long.tar | awk '$2 == "0" && $3 ~ /\/master\// { print $3; exit }')
[ -n "$name" ] || t_fail "long.tar: no master file found"
pax=$(LC_ALL=C grep -obUaF "path=E1/data/$long/master/${long}_" long.tar | head -n 1 | cut -d: -f1)
[ -n "$pax" ] || t_fail "long.tar: no pax path record found"
cp long.tar long-path.tar
printf 'E' | dd of=long-path.tar bs=1 seek=$((pax + 5 + 8)) conv=notrunc 2>/dev/null
sees gnu long-path.tar "E1/data/E$(printf 'c%.0s' $(seq 1 89))/master/"
sees ustar long-path.tar " $name\$"
refuse long-path.tar "pax path and ustar name disagree, so readers that honour pax and readers that do not see different files"
# A pax size over a ustar size of 0: pax readers read README.txt's size, a
# ustar-only reader an empty file (and then the content as headers).
# (README.txt's size is the export's, not a constant.)
rsize=$(python3 -c 'import sys, tarfile
print(tarfile.open(sys.argv[1]).getmember("E1/data/README.txt").size)' good.tar)
[ "$rsize" -gt 0 ] || t_fail "good.tar: no README.txt size"
$CRAFT make pax-size good.tar pax-size.tar
sees gnu pax-size.tar " $rsize .* E1/data/README\\.txt\$"
sees ustar pax-size.tar '^- 0 E1/data/README\.txt$'
refuse pax-size.tar "'E1/data/README.txt': pax size $rsize contradicts the ustar size 0"
# A pax mtime over another ustar mtime.
$CRAFT make mtime-pax good.tar mtime-pax.tar
sees gnu mtime-pax.tar ' 1970-01-01 00:00 E1/data/README\.txt$'
refuse mtime-pax.tar "pax mtime 1 contradicts the ustar mtime 1730000000"

# An owner (uid 1000, user mallory) exhibit never writes: GNU tar lists
# it, and restores it when run as root.
$CRAFT make owner good.tar owner.tar
sees gnu owner.tar ' mallory/0 .* E1/data/README\.txt$'
refuse owner.tar "'E1/data/README.txt': the uid field of the tar header at byte"

# --- extension headers exhibit never writes ---------------------------------
# A GNU long name ('L') carrying the signed name over another ustar name.
$CRAFT make gnu-longname good.tar gnu-longname.tar
sees gnu gnu-longname.tar ' E1/data/README\.txt$'
sees ustar gnu-longname.tar ' E1/data/EVILME\.txt$'
refuse gnu-longname.tar "a GNU long name header ('L'" "exhibit never writes one"
# A global pax header ('g') with a path: GNU tar and Python rename every
# entry after it to E1/data/EVIL.txt; bsdtar ignores it.
$CRAFT make global-pax good.tar global-pax.tar
sees gnu global-pax.tar ' E1/data/EVIL\.txt$'
sees py global-pax.tar "^E1/data/EVIL\\.txt $rsize\$"
hides bsd global-pax.tar 'EVIL'
refuse global-pax.tar "a global pax header ('g'" "exhibit never writes one"

# --- bytes outside the entries ----------------------------------------------
# A second archive after the end marker: GNU tar -i lists its entries.
cat good.tar other.tar >two.tar
hides gnu two.tar 'E2/'
sees gnu-i two.tar ' E2/data/README\.txt$'
refuse two.tar "data after the end of the tar archive (at byte"
# Bytes hidden in the zero padding after a file's data: in the bundle,
# in no extracted file, covered by no signature.
$CRAFT make padding good.tar padding.tar
LC_ALL=C grep -qaF HIDDEN-NOT-SIGNED padding.tar || t_fail "padding.tar: nothing hidden"
tar -xOf padding.tar >x.out 2>/dev/null
if LC_ALL=C grep -qaF HIDDEN-NOT-SIGNED x.out; then t_fail "padding.tar: the hidden bytes are extracted"; fi
cmp -s good.tar padding.tar && t_fail "padding.tar: no change"
refuse padding.tar "bytes hidden in the padding of 'E1/data/README.txt'"
# A folder entry whose size covers a whole tar entry: GNU tar (and
# bsdtar) ignore a folder's size and list the entry inside as a file; a
# reader that skips the size the header states never sees it.
$CRAFT make folder-data good.tar folder-data.tar
sees gnu folder-data.tar ' E1/data/EVIL\.txt$'
sees bsd folder-data.tar ' E1/data/EVIL\.txt$'
$CRAFT sized-list folder-data.tar >list.txt
if grep -q EVIL list.txt; then t_fail "folder-data.tar: the sized reading shows EVIL.txt"; fi
refuse folder-data.tar "'E1/data/x/': folder entry carrying 1024 bytes of data"
# A header whose checksum field has a stray byte after its NUL: GNU tar
# takes it and lists E1/data/EVIL.txt, bsdtar finds it damaged and skips.
$CRAFT make checksum good.tar checksum.tar
sees gnu checksum.tar ' E1/data/EVIL\.txt$'
hides bsd checksum.tar 'EVIL'
sees bsd checksum.tar 'Damaged tar archive'
refuse checksum.tar "has a wrong or malformed checksum"

# --- incomplete copies -------------------------------------------------------
# Where README.txt's header and data are (their offsets depend on the
# export's sizes, not constants).
set -- $(python3 -c 'import sys, tarfile
m = tarfile.open(sys.argv[1]).getmember("E1/data/README.txt")
print(m.offset, m.offset_data, m.size)' good.tar)
rhead=$1 rdata=$2 rsz=$3
[ "$rsz" -gt 200 ] || t_fail "good.tar: README.txt too small to cut inside"
# Cut inside a file's data: readers list less than the bundle holds.
cut=$((rdata + 100))
head -c $cut good.tar >cut.tar
sees gnu cut.tar 'Unexpected EOF'
hides gnu cut.tar 'manifest\.xml'
refuse cut.tar "incomplete copy: the tar ends at byte $cut inside entry 'E1/data/README.txt'"
# One problem, not a pile of libarchive's damage reports.
if grep -qE 'damaged archive|cannot be read|declared size' all.txt; then
	cat all.txt >&2; t_fail "cut.tar: follow-on damage reports"
fi
[ "$(grep -c 'incomplete copy' all.txt)" -ge 1 ] || t_fail "cut.tar: no incomplete copy"
# Cut inside a header, and cut before the end marker.
head -c $((rhead + 100)) good.tar >cut-header.tar
refuse cut-header.tar "incomplete copy: the tar ends at byte $((rhead + 100)) inside the header at byte $rhead"
size=$(wc -c <good.tar)
head -c $((size - 1024)) good.tar >no-end.tar
sees gnu no-end.tar 'tagmanifest'
refuse no-end.tar "incomplete copy: the tar ends at byte $((size - 1024)) without its end marker"

t_done
