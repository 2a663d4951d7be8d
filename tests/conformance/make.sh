#!/bin/sh
# make.sh — make the conformance corpus (tests/conformance/README) from one
# tiny export, and write cases.tsv: each case below is made, then declared
# with `expect FILE KEYS EXIT KIND REASON DESCRIPTION`, so this script is
# also the documentation of how each bundle differs from a good one.
#
#   EXHIBIT=build/exhibit [TOOLS=build/tests/tools] sh tests/conformance/make.sh
#
# TOOLS holds the built sigcheck and custody1 (default: next to EXHIBIT).
# Needs ffmpeg, python3, GNU tar, zip and sha256sum.  The keys in keys/ are
# kept when they exist (made with `exhibit keygen -W` otherwise), and
# SOURCE_DATE_EPOCH is fixed, so ZIP, tar and folder bundles come out the
# same from the same exhibit and ffmpeg; ISO images (and zip/appended-zip.zip,
# whose appended ZIP zipforge.py dates with the current time) do not.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
: "${EXHIBIT:?EXHIBIT must name the built exhibit}"
EXHIBIT=$(cd "$(dirname "$EXHIBIT")" && pwd)/$(basename "$EXHIBIT")
TOOLS=${TOOLS:-$(dirname "$EXHIBIT")/tests/tools}
TOOLS=$(cd "$TOOLS" && pwd)
SIGCHECK=$TOOLS/sigcheck
CUSTODY1=$TOOLS/custody1
ZIPFORGE="python3 $TOP/tests/tools/zipforge.py"
ZIPCRAFT="python3 $TOP/tests/tools/zipcraft.py"
TARCRAFT="python3 $TOP/tests/tools/tarcraft.py"
ISOCRAFT="python3 $TOP/tests/tools/isocraft.py"
for t in "$SIGCHECK" "$CUSTODY1"; do
	test -x "$t" || { echo "make.sh: $t not built" >&2; exit 2; }
done
SOURCE_DATE_EPOCH=1730000000
export SOURCE_DATE_EPOCH
umask 022

W=$(mktemp -d)
trap 'chmod -R u+w "$W"; rm -rf "$W"' EXIT
mkdir -p "$HERE/keys"
K=$HERE/keys
if [ ! -f "$K/signer.key" ]; then
	"$EXHIBIT" keygen -W -s "$K/signer.key" -p "$K/signer.pub" >/dev/null
	"$EXHIBIT" keygen -W -s "$K/other.key" -p "$K/other.pub" >/dev/null
fi
for d in good zip tar iso bag custody sig structure; do
	rm -rf "${HERE:?}/$d"
	mkdir -p "$HERE/$d"
done
TSV=$W/cases.tsv
printf '# file\tkeys\texit\tkind\treason\tdescription\n' >"$TSV"
# expect FILE KEYS EXIT KIND REASON DESCRIPTION: declare a case (FILE is
# relative to tests/conformance; KEYS a comma-separated list of keys/*.pub
# names, or - for none; KIND - when verify reports no problem).
expect() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TSV"
}
# put SRC DEST: copy a made bundle (file or folder) into the corpus.
put() { cp -R "$1" "$HERE/$2"; }

cd "$W"
mkdir -p arc/cam
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
	-i testsrc=size=64x36:rate=10:duration=1 -c:v libx264 -preset ultrafast \
	-g 10 -bf 0 -pix_fmt yuv420p -fflags +bitexact -flags +bitexact \
	-map_metadata -1 arc/cam/20240701T120000Z.mp4
# ex OUT CONTAINER EXHIBIT [KEY]: the tiny export every case starts from.
ex() {
	"$EXHIBIT" export arc -o "$1" --container "$2" --camera cam \
		--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
		-s "${4:-$K/signer.key}" --case C-1 --exhibit "$3" --operator Op \
		--preset ultrafast --jobs 1 --no-working --no-masters >/dev/null
}
ex good.zip zip E1
ex good.tar tar E1
ex good.iso iso E1
ex E1 dir E1
ex E2 dir E2
ex untrusted.zip zip E1 "$K/other.key"
NATIVE=data/cam/native/cam-native-001.mp4
README=data/README.txt

# --- good bundles --------------------------------------------------------
put good.zip good/good.zip
expect good/good.zip signer 0 - "RESULT: PASS" "a ZIP bundle as exhibit writes it"
put good.tar good/good.tar
expect good/good.tar signer 0 - "RESULT: PASS" "a tar bundle as exhibit writes it"
put good.iso good/good.iso
expect good/good.iso signer 0 - "RESULT: PASS" "an ISO 9660 bundle as exhibit writes it (Rock Ridge and Joliet trees agree)"
put E1 good/folder
expect good/folder signer 0 - "RESULT: PASS" "a folder bundle; its name need not be the exhibit reference"
cp good.tar padded.tar && head -c 10240 /dev/zero >>padded.tar
put padded.tar good/padded.tar
expect good/padded.tar signer 0 - "RESULT: PASS" "zero blocks after a tar's end marker (as a tape or dd leaves them) are allowed"
long=$(printf 'c%.0s' $(seq 1 90))
mkdir -p "arc/$long" && cp arc/cam/*.mp4 "arc/$long/"
"$EXHIBIT" export arc -o long.tar --container tar --camera "$long" \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
	-s "$K/signer.key" --case C-1 --exhibit E1 --operator Op \
	--preset ultrafast --jobs 1 --no-working --no-masters >/dev/null
rm -rf "arc/$long"
put long.tar good/pax-long-paths.tar
expect good/pax-long-paths.tar signer 0 - "RESULT: PASS" "paths too long for ustar go in pax 'x' headers whose path agrees with the ustar name"
# A custody event added by a second key: passes when both are trusted,
# is intact but untrusted when only the first is.
cp good.zip custody-added.zip
"$EXHIBIT" custody add custody-added.zip -s "$K/other.key" --actor "PC 2" \
	--action received >/dev/null
put custody-added.zip good/custody-added.zip
expect good/custody-added.zip signer,other 0 - "RESULT: PASS" "a custody event added by a second key: passes when both keys are trusted"
expect good/custody-added.zip signer 1 untrusted "custody event 2: signer key ID" "the same bundle with only the first key trusted: intact, the event's signer untrusted"
cp -R E1 C1
"$EXHIBIT" custody add C1 -s "$K/other.key" --actor "PC 2" \
	--action received >/dev/null
put C1 good/custody-added
expect good/custody-added signer,other 0 - "RESULT: PASS" "a folder bundle with a custody event added by a second key"
expect good/custody-added.zip - 1 untrusted "is not trusted: no public key was given" "no trusted key given: intact but not trusted"

# --- untrusted signer ------------------------------------------------------
put untrusted.zip good/untrusted.zip
expect good/untrusted.zip signer 1 untrusted "is not among the trusted keys" "a complete bundle signed by another key (it ships that key in data/signer.pub): intact, untrusted"
expect good/untrusted.zip other 0 - "RESULT: PASS" "the same bundle passes with its own signer's key"

# --- ZIP: one reading for every reader (tests/cli/diff_zip.sh) -------------
# zipforge CASE: the signed entries' bytes kept, the ZIP around them changed.
zf() { $ZIPFORGE make "$1" good.zip "$1.zip"; put "$1.zip" "zip/$1.zip"; }
zf upath-other
expect zip/upath-other.zip signer 1 structure "ZIP Unicode Path field in the central directory names this entry 'E1/data/STATEMENT.txt', its raw name is 'E1/data/README.txt'" "an Info-ZIP Unicode Path field naming another file than the raw name (unzip and bsdtar list the Unicode name, Python the raw one)"
zf upath-dotdot
expect zip/upath-dotdot.zip signer 1 structure "names this entry 'E1/data/README.txt', its raw name is 'E1/data/../../../README.txt'" "a raw name leaving the folder behind a harmless Unicode Path field"
zf zip64-split
expect zip/zip64-split.zip signer 1 structure "the ZIP64 and classic end records describe different central directories" "Zip64 and classic end records describing two central directories"
zf count-short
expect zip/count-short.zip signer 1 structure "entries but the central directory holds more" "the end record counts fewer entries than the central directory holds"
zf local-only
expect zip/local-only.zip signer 1 structure "that the central directory does not list" "a local entry no central record lists (only streaming readers see it)"
zf hidden-between
expect zip/hidden-between.zip signer 1 structure "a ZIP entry 'E1/data/README.txt' at byte" "a second README.txt hidden between two entries"
zf folder-data
expect zip/folder-data.zip signer 1 structure "data: folder entry carries 27 bytes of data" "a folder entry carrying data"
zf archive-comment
expect zip/archive-comment.zip signer 1 structure "ZIP archive comment (33 bytes): exhibit writes none" "an archive comment"
zf file-comment
expect zip/file-comment.zip signer 1 structure "ZIP file comment (30 bytes): exhibit writes none" "a file comment on one entry"
zf unknown-extra
expect zip/unknown-extra.zip signer 1 structure "unknown ZIP extra field 0x4a4a (29 bytes) in the central directory" "an extra field exhibit does not write"
zf prepended
expect zip/prepended.zip signer 1 structure "before the ZIP proper" "an entry prepended before the ZIP, offsets left as they were"
zf appended-zip
expect zip/appended-zip.zip signer 1 structure "ZIP central directory is not where the end record says" "a second ZIP appended (readers starting from the end read it)"
zf shared-local
expect zip/shared-local.zip signer 1 structure "two ZIP central directory entries point at one local header" "two central records for one local header"
zf msdos-host
expect zip/msdos-host.zip signer 1 structure "ZIP entry made by MS-DOS (host 0), not Unix" "an entry whose attributes are MS-DOS ones"
zf name-mismatch
expect zip/name-mismatch.zip signer 1 structure "ZIP central directory and local header disagree" "local and central headers name different files"
zf dd-mismatch
expect zip/dd-mismatch.zip signer 1 structure "ZIP data descriptor and central directory disagree on CRC" "the data descriptor and the central record disagree"
zf truncated
expect zip/truncated.zip signer 1 incomplete "incomplete copy: the ZIP ends at byte" "an incomplete copy: one problem, not follow-on damage"
{ cat good.zip; printf 'trailing bytes'; } >appended-bytes.zip
put appended-bytes.zip zip/appended-bytes.zip
expect zip/appended-bytes.zip signer 1 structure "bytes after the end of the ZIP" "bytes after the end record"
# The top folder renamed E1 -> E9 in every header (same length).
python3 - good.zip renamed.zip <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
for sig, at in ((b"PK\x03\x04", 26), (b"PK\x01\x02", 28)):
    i = 0
    while True:
        i = data.find(sig, i)
        if i < 0:
            break
        nlen = struct.unpack_from("<H", data, i + at)[0]
        name = i + at + (4 if sig == b"PK\x03\x04" else 18)
        if data[name:name + 3] == b"E1/":
            data[name:name + 3] = b"E9/"
        i += 4
open(sys.argv[2], "wb").write(data)
EOF
put renamed.zip zip/renamed-top.zip
expect zip/renamed-top.zip signer 1 binding "the top folder is 'E9', but the signed manifest's exhibit 'E1' makes it 'E1'" "the top folder's name is bound to the signed exhibit reference"

# --- tar (tests/cli/diff_tar.sh) -------------------------------------------
tc() { $TARCRAFT make "$1" good.tar "$1.tar"; put "$1.tar" "tar/$1.tar"; }
tc pax-path
expect tar/pax-path.tar signer 1 structure "pax path and ustar name disagree" "a pax path naming the signed file over a ustar name of another"
tc pax-size
expect tar/pax-size.tar signer 1 structure "pax size 4847 contradicts the ustar size 0" "a pax size over another ustar size"
tc mtime-pax
expect tar/mtime-pax.tar signer 1 structure "pax mtime 1 contradicts the ustar mtime 1730000000" "a pax mtime over another ustar mtime"
tc gnu-longname
expect tar/gnu-longname.tar signer 1 structure "exhibit never writes one" "a GNU long name header ('L') over another ustar name"
tc global-pax
expect tar/global-pax.tar signer 1 structure "a global pax header ('g'" "a global pax header renaming every entry after it"
tc padding
expect tar/padding.tar signer 1 structure "bytes hidden in the padding of 'E1/data/README.txt'" "bytes hidden in the zero padding after a file's data"
tc folder-data
expect tar/folder-data.tar signer 1 structure "folder entry carrying 1024 bytes of data" "a folder entry whose size covers a whole tar entry"
tc checksum
expect tar/checksum.tar signer 1 structure "has a wrong or malformed checksum" "a header checksum field with a stray byte after its NUL"
tc owner
expect tar/owner.tar signer 1 structure "the uid field of the tar header at byte" "an owner exhibit never writes (uid 1000, user mallory)"
# (a small second archive: one file of another exhibit)
mkdir -p t2/E2/data && cp E2/data/README.txt t2/E2/data/
(cd t2 && tar -cf ../tail.tar --format=ustar --owner=0 --group=0 \
	--numeric-owner --mtime="@$SOURCE_DATE_EPOCH" E2)
cat good.tar tail.tar >appended.tar
put appended.tar tar/appended.tar
expect tar/appended.tar signer 1 structure "data after the end of the tar archive (at byte" "a second archive after the end marker (GNU tar -i reads it)"
head -c 40000 good.tar >truncated.tar
put truncated.tar tar/truncated.tar
expect tar/truncated.tar signer 1 incomplete "incomplete copy: the tar ends at byte 40000 inside the header at byte 39936" "an incomplete copy, cut inside a header"
size=$(wc -c <good.tar)
head -c $((size - 1024)) good.tar >no-end.tar
put no-end.tar tar/no-end-marker.tar
expect tar/no-end-marker.tar signer 1 incomplete "without its end marker" "the two zero blocks that end a tar are missing"

# --- ISO 9660 (tests/cli/diff_iso.sh) --------------------------------------
printf 'not the signed footage\n' >tail.bin
cat good.iso tail.bin >appended.iso
put appended.iso iso/appended.iso
expect iso/appended.iso signer 1 structure "bytes after the end of the ISO image" "bytes appended after the image"
# (cut in the padding after the files' data; cut inside the data, verify
# names libarchive's damage, kind structure, not an incomplete copy)
head -c $((125 * 2048)) good.iso >truncated.iso
put truncated.iso iso/truncated.iso
expect iso/truncated.iso signer 1 incomplete "incomplete copy: the ISO image ends at byte 256000 of 460800" "an incomplete copy (the image cut short of the size its volume descriptor states)"
$ISOCRAFT joliet-rename good.iso joliet-name.iso "E1/$NATIVE" cam-native-002.mp4
put joliet-name.iso iso/joliet-name.iso
expect iso/joliet-name.iso signer 1 structure "Joliet names it 'data/cam/native/cam-native-002.mp4', Rock Ridge names it 'data/cam/native/cam-native-001.mp4'" "the Joliet name of a file differs from its Rock Ridge name (isocraft.py rr-rename makes the same disagreement the other way)"

# --- bag files (tests/cli/bound_bytes.sh) ----------------------------------
copy() { rm -rf "$1" && cp -R E1 "$1"; }
# retag BAG: the tag manifest recomputed as a BagIt tool would.
retag() {
	(cd "$1" && sed 's/^[0-9a-fA-F]\{64\}  //' tagmanifest-sha256.txt >../tags &&
		xargs sha256sum <../tags >tagmanifest-sha256.txt)
}
# rebag BAG: the payload manifest recomputed, then the tag manifest.
rebag() {
	(cd "$1" && sed 's/^[0-9a-fA-F]\{64\}  //' manifest-sha256.txt >../paths &&
		xargs sha256sum <../paths >manifest-sha256.txt)
	retag "$1"
}
copy b-desc
sed -i 's/^External-Description: .*/External-Description: CCTV evidence, case C-9, exhibit E1/' \
	b-desc/bag-info.txt
retag b-desc
put b-desc bag/info-rewritten
expect bag/info-rewritten signer 1 binding "bag-info.txt: line 4 is 'External-Description: CCTV evidence, case C-9, exhibit E1'" "bag-info.txt rewritten (tag manifest updated): it must say what the signed manifest says"
copy b-extra
echo "Internal-Sender-Description: released to the press" >>b-extra/bag-info.txt
retag b-extra
put b-extra bag/info-extra-line
expect bag/info-extra-line signer 1 binding "bag-info.txt: line 8 is 'Internal-Sender-Description" "a line added to bag-info.txt"
copy b-hex
awk '{ print toupper($1) "  " $2 }' E1/manifest-sha256.txt >b-hex/manifest-sha256.txt
retag b-hex
put b-hex bag/upper-case-hex
expect bag/upper-case-hex signer 1 bagit "manifest-sha256.txt: not in the form exhibit writes (line 1)" "upper-case hex in manifest-sha256.txt (sha256sum -c takes it)"
copy b-file
echo "see me" >b-file/notes.txt
put b-file bag/extra-file
expect bag/extra-file signer 1 unlisted "notes.txt: not covered by any signature" "a file no signature covers, at the top"
copy b-payload
echo "see me" >b-payload/data/notes.txt
rebag b-payload
put b-payload bag/extra-payload
expect bag/extra-payload signer 1 unlisted "data/notes.txt: not covered by any signature" "a payload file added, manifest-sha256.txt updated: the signed manifest does not list it"
copy b-missing
rm "b-missing/$README"
put b-missing bag/missing-file
expect bag/missing-file signer 1 missing "data/README.txt: missing (document)" "a file the manifest lists is absent"
copy b-flip
printf 'X' | dd of="b-flip/$README" bs=1 seek=100 conv=notrunc 2>/dev/null
put b-flip bag/changed-file
expect bag/changed-file signer 1 content "data/README.txt: SHA-256" "one byte of a signed file changed"
copy b-bagit
printf 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n' >b-bagit/bagit.txt
retag b-bagit
put b-bagit bag/bagit-version
expect bag/bagit-version signer 1 bagit "bagit.txt: not exactly" "bagit.txt must be exactly what exhibit writes"

# --- custody.xml -----------------------------------------------------------
copy c-comment
sed -i '2a <!-- received intact, no concerns: PC 99 -->' c-comment/custody.xml
retag c-comment
put c-comment custody/comment
expect custody/comment signer 1 custody "has a comment at line 3 (exhibit writes none)" "an XML comment in custody.xml (no signature covers it)"
copy c-pi
sed -i '2a <?note handed to court?>' c-pi/custody.xml
retag c-pi
put c-pi custody/processing-instruction
expect custody/processing-instruction signer 1 custody "has a processing instruction at line 3 (exhibit writes none)" "a processing instruction in custody.xml"
copy c-layout
sed -i "s|^  <event seq=\"1\"|    <event seq='1'|" c-layout/custody.xml
retag c-layout
put c-layout custody/layout
expect custody/layout signer 1 custody "custody.xml: not in the form exhibit writes (line 3 differs)" "custody.xml laid out otherwise (whitespace, quotes): not the form exhibit writes"
# The second event cut out of a two-event log (the seal still says 2).
rm -rf c-removed && cp -R C1 c-removed
python3 - c-removed/custody.xml <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r'  <event seq="2".*?</event>\n', "", s, flags=re.S)
assert s2 != s
open(p, "w").write(s2)
EOF
retag c-removed
put c-removed custody/removed-event
expect custody/removed-event signer,other 1 custody "does not close the log at event 1 with that event's signer's key" "the last custody event removed (the seal names the event it ends at)"
# A log whose one event was signed for another exhibit's manifest.
copy c-chain
"$CUSTODY1" "$K/signer.key" E1 Op 1730000000 E2/manifest.xml c-chain/custody.xml
retag c-chain
put c-chain custody/wrong-manifest
expect custody/wrong-manifest signer 1 custody "custody event 1: manifest-sha256 is not the SHA-256 of manifest.xml" "a custody event whose manifest hash is another exhibit's manifest"
# The log of another exhibit.
copy c-other
cp E2/custody.xml c-other/custody.xml
retag c-other
put c-other custody/other-exhibit
expect custody/other-exhibit signer 1 custody "is the log of exhibit 'E2', not of 'E1'" "the custody log of another exhibit"

# Event 1 of a two-event log replaced by another event 1, validly signed
# (custody1): event 2's previous-sha256 no longer links to it.
rm -rf c-chain2 && cp -R C1 c-chain2
"$CUSTODY1" "$K/signer.key" E1 "Someone else" 1730000000 c-chain2/manifest.xml one.xml
python3 - c-chain2/custody.xml one.xml <<'EOF2'
import re, sys
log, one = open(sys.argv[1]).read(), open(sys.argv[2]).read()
ev = re.compile(r'  <event seq="1".*?</event>\n', re.S)
log2 = log.replace(ev.search(log).group(0), ev.search(one).group(0))
assert log2 != log
open(sys.argv[1], "w").write(log2)
EOF2
retag c-chain2
put c-chain2 custody/broken-chain
expect custody/broken-chain signer,other 1 custody "custody event 2: previous-sha256 is not the hash of event 1" "each event's previous-sha256 is the hash of the event before it (event 1 replaced by another, validly signed)"

# --- signatures ----------------------------------------------------------
M=$NATIVE
copy s-other
cp "E2/$M.minisig" "s-other/$M.minisig"
rebag s-other
put s-other sig/other-exhibit
expect sig/other-exhibit signer 1 binding "the trusted comment of its signature is not 'timestamp:T, file:cam-native-001.mp4, hashed, exhibit:E1" "a valid .minisig of the same bytes by the same key, taken from another exhibit"
copy s-crlf
sed -i 's/$/\r/' "s-crlf/$M.minisig"
rebag s-crlf
put s-crlf sig/crlf
expect sig/crlf signer 1 binding "$M.minisig: not in the form exhibit writes" "CRLF line ends in a .minisig"
copy s-untrusted
sed -i '1s/.*/untrusted comment: approved by the chief constable/' "s-untrusted/$M.minisig"
rebag s-untrusted
put s-untrusted sig/untrusted-comment
expect sig/untrusted-comment signer 1 binding "$M.minisig: not in the form exhibit writes" "an untrusted comment of the signer's choosing"
msha=$(sha256sum <E1/manifest.xml | cut -c1-64)
copy s-four
rm s-four/manifest.xml.minisig
"$SIGCHECK" sign "$K/signer.key" s-four/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E1" >/dev/null
retag s-four
put s-four sig/four-field-comment
expect sig/four-field-comment signer 1 binding "manifest.xml: the trusted comment of its signature is not" "manifest.xml signed with a trusted comment of four fields (no sha256:)"
copy s-exhibit
rm s-exhibit/manifest.xml.minisig
"$SIGCHECK" sign "$K/signer.key" s-exhibit/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E2	sha256:$msha" >/dev/null
retag s-exhibit
put s-exhibit sig/wrong-exhibit-comment
expect sig/wrong-exhibit-comment signer 1 binding "exhibit:E1, sha256:$msha" "manifest.xml signed with a trusted comment naming another exhibit"
copy s-key
rm s-key/manifest.xml.minisig
"$SIGCHECK" sign "$K/other.key" s-key/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E1	sha256:$msha" >/dev/null
retag s-key
put s-key sig/wrong-key
expect sig/wrong-key signer 1 signature "manifest.xml: no key to check its signature: key ID" "manifest.xml signed by an untrusted key that data/signer.pub is not"
expect sig/wrong-key signer,other 1 binding "manifest.xml: names signer" "the same, both keys trusted: manifest.xml names another signer than the key that signed it"
copy s-altered
sed -i '3s/$/ tampered/' s-altered/manifest.xml.minisig
retag s-altered
put s-altered sig/altered-comment
expect sig/altered-comment signer 1 signature "trusted comment has been altered" "a trusted comment changed after signing"
copy s-pub
cp "$K/other.pub" s-pub/data/signer.pub
rebag s-pub
put s-pub sig/signer-pub-replaced
expect sig/signer-pub-replaced signer 1 binding "data/signer.pub: is not the signer's public key" "data/signer.pub replaced by another key (manifest-sha256.txt updated)"

# manifest.xml with a byte-order mark, validly signed (trusted comment and
# custody event made for the new bytes).
copy s-bom
{ printf '\357\273\277'; cat E1/manifest.xml; } >s-bom/manifest.xml
bsha=$(sha256sum <s-bom/manifest.xml | cut -c1-64)
rm s-bom/manifest.xml.minisig
"$SIGCHECK" sign "$K/signer.key" s-bom/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E1	sha256:$bsha" >/dev/null
"$CUSTODY1" "$K/signer.key" E1 Op 1730000000 s-bom/manifest.xml s-bom/custody.xml
retag s-bom
put s-bom sig/manifest-bom
expect sig/manifest-bom signer 1 content "manifest.xml: starts with a byte-order mark (exhibit writes none)" "a byte-order mark before manifest.xml, even with a valid signature"

# --- structure -----------------------------------------------------------
# GNU tar and zip take times and owners from the files: fixed here.
TAR="tar --sort=name --mtime=@$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner"
stamp() { find "$@" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }
$ZIPCRAFT dup good.zip "E1/$README" dup.zip
put dup.zip structure/duplicate-name.zip
expect structure/duplicate-name.zip signer 1 structure "two entries with this name" "two entries with one name"
mkdir -p td && cp -R E1 td/E1 && stamp td
(cd td && $TAR -cf ../dotdot.tar E1 -P --transform 's|^E1/bagit.txt$|E1/../bagit.txt|' E1/bagit.txt)
put dotdot.tar structure/dotdot.tar
expect structure/dotdot.tar signer 1 structure "path leaves the bundle (..)" "a path with '..'"
mkdir -p td/abs && echo "outside the bundle" >td/abs/outside.txt && stamp td
(cd td && $TAR -cf ../absolute.tar E1 abs/outside.txt -P --transform 's|^abs/|/tmp/|')
put absolute.tar structure/absolute.tar
expect structure/absolute.tar signer 1 structure "absolute path: leaves the bundle" "an absolute path"
mkdir -p th && cp -R E1 th/E1 && ln th/E1/data/signer.pub th/E1/data/again.pub
stamp th
(cd th && $TAR -cf ../hardlink.tar E1)
put hardlink.tar structure/hardlink.tar
expect structure/hardlink.tar signer 1 structure "hard link to" "a hard link in a tar"
mkdir -p zl && cp -R E1 zl/E1 && ln -s ../manifest.xml zl/E1/data/link.xml
stamp zl
(cd zl && find E1 | LC_ALL=C sort | zip -q -y -X ../symlink.zip -@)
put symlink.zip structure/symlink.zip
expect structure/symlink.zip signer 1 structure "data/link.xml: symbolic link to" "a symbolic link in a ZIP"
cp -R E1 folder.zip
put folder.zip structure/folder.zip
expect structure/folder.zip signer 1 binding "named .zip but holds a folder bundle" "a folder bundle named like a ZIP"
printf 'this is not a bundle\n' >not-a-bundle.zip
put not-a-bundle.zip structure/not-a-bundle.zip
expect structure/not-a-bundle.zip signer 1 - "not a ZIP, tar or ISO 9660 bundle" "a file that is no bundle at all"

cp "$TSV" "$HERE/cases.tsv"
# The files list for tests/verify.mk's EXTRA_DIST (make dist carries them).
(cd "$TOP" && {
	echo "## made by tests/conformance/make.sh: every file of the corpus"
	printf 'CONFORMANCE_FILES ='
	for f in tests/conformance/README tests/conformance/cases.tsv \
		tests/conformance/make.sh tests/conformance/files.mk tests/conformance/.gitattributes \
		$(cd tests/conformance && find keys good zip tar iso bag custody sig structure \
			-type f | LC_ALL=C sort | sed 's|^|tests/conformance/|'); do
		printf ' \\\n\t%s' "$f"
	done
	echo
	echo 'EXTRA_DIST += $(CONFORMANCE_FILES)'
} >tests/conformance/files.mk)
echo "make.sh: $(grep -vc '^#' "$HERE/cases.tsv") cases in $HERE"
