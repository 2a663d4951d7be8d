#!/bin/sh
# diff_iso.sh — ISO 9660 bundles that readers would see differently (issue
# 11).  Each case is patched at test time from a good ISO bundle exported by
# the built exhibit (tests/tools/isocraft.py), shown to make a mainstream
# reader — isoinfo (primary, Rock Ridge or Joliet), bsdtar (Rock Ridge),
# 7-Zip (Joliet, as Windows), unzip — see a name, bytes or files other than
# the signed bundle's, and must then be refused by `exhibit verify`: exit 1
# within 5 s, naming the reason, nothing printed raw.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v python3 >/dev/null 2>&1 || t_skip "python3 not installed"
command -v isoinfo >/dev/null 2>&1 || t_skip "isoinfo not installed (genisoimage)"
command -v 7z >/dev/null 2>&1 || t_skip "7z not installed (p7zip-full)"
command -v bsdtar >/dev/null 2>&1 || t_skip "bsdtar not installed (libarchive-tools)"
command -v unzip >/dev/null 2>&1 || t_skip "unzip not installed"
CRAFT="$TOP_SRCDIR/tests/tools/isocraft.py"
craft() { python3 "$CRAFT" "$@" || t_fail "isocraft $*"; }

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4
t_key
export SOURCE_DATE_EPOCH=1730000000
t_export arc good.iso --container iso --camera cam \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
	--exhibit E1 --operator Op >/dev/null
t_expect_status 0 "$EXHIBIT" verify good.iso -p k.pub

M=E1/data/cam/master/cam_20240701T120000Z.mp4
N=E1/data/cam/native/cam-native-001.mp4
# The good bundle: every reader sees the same files with the same bytes.
craft list good.iso rr | cut -d' ' -f1,3 >rr.txt
craft list good.iso joliet | cut -d' ' -f1,3 >joliet.txt
cmp -s rr.txt joliet.txt || t_fail "the good image's trees differ"
bsdtar -xOf good.iso "$M" | sha256sum >signed.sha
7z x -so good.iso "$M" 2>/dev/null | sha256sum | cmp -s - signed.sha ||
	t_fail "7-Zip reads other master bytes from the good image"
isoinfo -J -x "/$M" -i good.iso | sha256sum | cmp -s - signed.sha ||
	t_fail "isoinfo -J reads other master bytes from the good image"

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

# 1. Bytes appended after the image: here a ZIP, which unzip lists as the
# bundle (with other "footage").
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr(sys.argv[2], b"not the signed footage\n")' tail.zip "$M"
cat good.iso tail.zip >appended.iso
unzip -p appended.iso "$M" >reader.txt 2>/dev/null || :
saw reader.txt "not the signed footage" "unzip"
refuse appended.iso "bytes after the end of the ISO image"

# 2. An incomplete copy (the end of the image cut off): 7-Zip says the
# archive ends early.
size=$(wc -c <good.iso)
head -c $((size - 100 * 2048)) good.iso >truncated.iso
7z l truncated.iso >reader.txt 2>&1 || :
saw reader.txt "Unexpected end of archive" "7-Zip"
refuse truncated.iso "incomplete copy: the ISO image ends at byte $((size - 100 * 2048)) of $size"

# 3. The Joliet name of the master changed: Windows and 7-Zip show another
# time than the signed file's name.
craft joliet-rename good.iso joliet-name.iso "$M" cam_20240701T130000Z.mp4
7z l joliet-name.iso >reader.txt
saw reader.txt "master/cam_20240701T130000Z\.mp4$" "7-Zip"
isoinfo -J -f -i joliet-name.iso >reader.txt
saw reader.txt "master/cam_20240701T130000Z\.mp4$" "isoinfo -J"
refuse joliet-name.iso "Joliet names it 'data/cam/master/cam_20240701T130000Z.mp4', Rock Ridge names it 'data/cam/master/cam_20240701T120000Z.mp4'"

# 4. The Joliet record of the master points at the native copy's data:
# 7-Zip extracts other bytes under the master's name.
craft joliet-extent good.iso joliet-extent.iso "$M" "$N"
7z x -so joliet-extent.iso "$M" 2>/dev/null | sha256sum >reader.txt
cmp -s reader.txt signed.sha && t_fail "7-Zip read the signed master"
isoinfo -J -x "/$M" -i joliet-extent.iso | sha256sum >reader.txt
cmp -s reader.txt signed.sha && t_fail "isoinfo -J read the signed master"
refuse joliet-extent.iso "data/cam/master/cam_20240701T120000Z.mp4: Joliet points at other data than Rock Ridge"

# 5. The Joliet size of the master cut: 7-Zip extracts 1000 bytes.
craft joliet-size good.iso joliet-size.iso "$M" 1000
test "$(7z x -so joliet-size.iso "$M" 2>/dev/null | wc -c)" -eq 1000 ||
	t_fail "7-Zip did not read 1000 bytes"
refuse joliet-size.iso "Joliet gives it 1000 bytes, Rock Ridge"

# 6. The Rock Ridge (NM) name of the native copy changed: bsdtar and Linux
# show it renamed, Windows does not.
craft rr-rename good.iso rr-name.iso "$N" cam-native-002.mp4
bsdtar -tf rr-name.iso >reader.txt
saw reader.txt "native/cam-native-002\.mp4$" "bsdtar"
isoinfo -R -f -i rr-name.iso >reader.txt
saw reader.txt "native/cam-native-002\.mp4$" "isoinfo -R"
refuse rr-name.iso "Joliet names it 'data/cam/native/cam-native-001.mp4', Rock Ridge names it 'data/cam/native/cam-native-002.mp4'"

# 7. A file only in the Joliet tree (a new record pointing at the native
# copy's data): Windows and 7-Zip show an extra, unsigned "master".
craft joliet-add good.iso joliet-extra.iso \
	E1/data/cam/master/cam_20240701T130000Z.mp4 "$N"
7z l joliet-extra.iso >reader.txt
saw reader.txt "master/cam_20240701T130000Z\.mp4$" "7-Zip"
bsdtar -tf joliet-extra.iso >reader.txt
grep -q "T130000Z" reader.txt && t_fail "bsdtar saw the Joliet-only file"
refuse joliet-extra.iso "data/cam/master/cam_20240701T130000Z.mp4: only in the Joliet tree"

# 8. An extra volume descriptor: an El Torito boot record, which 7-Zip
# shows as a file of its own.
craft boot-record good.iso boot-record.iso "$M"
7z l boot-record.iso >reader.txt
saw reader.txt "\[BOOT\]/" "7-Zip"
refuse boot-record.iso "ISO 9660 volume descriptor 18 is a boot record"

# 9. A second Joliet descriptor whose root is the data folder: 7-Zip takes
# the last one and shows a bundle without its manifest.
craft second-joliet good.iso second-joliet.iso E1/data
7z l -slt second-joliet.iso >reader.txt
saw reader.txt "^Path = index\.html$" "7-Zip"
refuse second-joliet.iso "ISO 9660 volume descriptor 18 is a second supplementary descriptor"

# 10. A Joliet folder record that points back at its parent (a loop):
# isoinfo -J lists paths that are not in the bundle (and may crash).
craft joliet-loop good.iso loop.iso E1/data/cam
(timeout 5 isoinfo -J -f -i loop.iso >reader.txt 2>/dev/null) 2>/dev/null || :
saw reader.txt "^/E1/data/cam/(cam|signer\.pub)" "isoinfo -J"
refuse loop.iso "data/cam: the Joliet folder record leads back to a folder above it (a folder loop)"

t_done
