#!/bin/sh
# export_e2e.sh — the main job end to end, checked with independent tools.
# One ZIP export of two cameras from the sample archive, over a range that
# spans several segment files (and cam1's gap), unpacked with Python's
# zipfile, then checked without exhibit:
#  - stock minisign -V on every .minisig (with the -p key and with the
#    bundle's own data/signer.pub);
#  - sha256sum -c on manifest-sha256.txt and tagmanifest-sha256.txt from the
#    bag root, and the BagIt tag files' content;
#  - xmllint against the project's schemas (and the copies in the bundle);
#  - ffprobe on the working copies (one video stream, H.264, yuv420p) and
#    their top-level MP4 boxes (moov before mdat);
# then exhibit verify: 0 with the key, 1 and "untrusted" without it, 0 on
# the unpacked folder too.  Finally an ISO 9660 export that verify reads.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need minisign xmllint ffprobe sha256sum python3
ZIPCRAFT="$TOP_SRCDIR/tests/tools/zipcraft.py"
BOXES="$TOP_SRCDIR/tests/tools/mp4boxes.py"
ARCHIVE="$TOP_SRCDIR/samples/archive"
FROM=2024-10-27T00:59:38.530Z
TO=2024-10-27T01:00:04.480Z
SOURCE_DATE_EPOCH=1730000000
export SOURCE_DATE_EPOCH

t_key
KEYID=$(sed -n 's/^untrusted comment: minisign public key \([0-9A-F]*\).*/\1/p' k.pub)
test -n "$KEYID" || t_fail "no key ID in k.pub"
t_expect_status 0 t_export_sample ev.zip \
	--camera cam1,cam2 --from "$FROM" --to "$TO" \
	--exhibit ABC/1 --organisation "Town Hall CCTV" \
	--reason "PC 123 request 2024/77" --jobs 2 --segment 10
t_grep "^ev\.zip: [0-9]+ files, [0-9]+ bytes, signed by key ID $KEYID\$" out.txt
t_grep '^manifest\.xml SHA-256 [0-9a-f]{64}$' out.txt

# One top folder, named after the exhibit reference.
python3 "$ZIPCRAFT" list ev.zip > names.txt
if grep -v '^ABC_1/' names.txt; then t_fail "an entry outside ABC_1/"; fi
test "$(sort names.txt | uniq -d | wc -l)" -eq 0 || t_fail "duplicate entries"
mkdir x
python3 "$ZIPCRAFT" extract ev.zip x || t_fail "cannot unpack ev.zip"
test "$(ls x)" = ABC_1 || t_fail "top folder: $(ls x)"
BAG=x/ABC_1
for f in bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt \
    manifest.xml manifest.xml.minisig custody.xml data/signer.pub; do
	test -f "$BAG/$f" || t_fail "no $f in the bundle"
done

# BagIt, checked by sha256sum from the bag root.
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' > bagit.want
cmp -s bagit.want "$BAG/bagit.txt" || t_fail "bagit.txt is not the exact BagIt 1.0 text"
(cd "$BAG" && sha256sum --strict -c manifest-sha256.txt) > sums.txt 2>&1 ||
	{ cat sums.txt >&2; t_fail "sha256sum -c manifest-sha256.txt"; }
(cd "$BAG" && sha256sum --strict -c tagmanifest-sha256.txt) > tsums.txt 2>&1 ||
	{ cat tsums.txt >&2; t_fail "sha256sum -c tagmanifest-sha256.txt"; }
# Every payload file is listed, and only payload files.
(cd "$BAG" && find data -type f | LC_ALL=C sort) > payload.txt
sed 's/^[0-9a-f]\{64\}  //' "$BAG/manifest-sha256.txt" | LC_ALL=C sort > listed.txt
cmp -s payload.txt listed.txt || { diff payload.txt listed.txt >&2; t_fail "manifest-sha256.txt is not the payload"; }
if grep -q '  data/' "$BAG/tagmanifest-sha256.txt"; then t_fail "tagmanifest lists data/"; fi
for f in bagit.txt bag-info.txt manifest-sha256.txt manifest.xml manifest.xml.minisig custody.xml; do
	t_grep "^[0-9a-f]{64}  $f\$" "$BAG/tagmanifest-sha256.txt"
done
octets=$(cd "$BAG" && cat $(sed 's/^[0-9a-f]\{64\}  //' manifest-sha256.txt) | wc -c)
count=$(wc -l < "$BAG/manifest-sha256.txt")
t_grep "^Payload-Oxum: $octets\\.$count\$" "$BAG/bag-info.txt"
t_grep '^External-Identifier: ABC/1$' "$BAG/bag-info.txt"
t_grep '^Bagging-Date: 2024-10-27$' "$BAG/bag-info.txt"

# Stock minisign on every signature, with the -p key and with the bundle's.
find "$BAG" -name '*.minisig' | LC_ALL=C sort > sigs.txt
nsig=0
while read -r sig; do
	f=${sig%.minisig}
	test -f "$f" || t_fail "$sig signs a missing file"
	minisign -Vq -p k.pub -m "$f" -x "$sig" ||
		t_fail "minisign -V rejects $sig with k.pub"
	minisign -Vq -p "$BAG/data/signer.pub" -m "$f" -x "$sig" ||
		t_fail "minisign -V rejects $sig with data/signer.pub"
	nsig=$((nsig + 1))
done < sigs.txt
# Every payload file is signed, and manifest.xml: the media are 6 masters,
# 3 native and 6 working copies; the rest are documents (signer.pub, the
# schemas, ...).
nmedia=$(cd "$BAG" && find data/cam1 data/cam2 -type f ! -name '*.minisig' | wc -l)
test "$nmedia" -eq 15 || t_fail "$nmedia media files, expected 15"
npayload=$(cd "$BAG" && find data -type f ! -name '*.minisig' | wc -l)
test "$nsig" -eq $((npayload + 1)) || t_fail "$nsig signatures for $npayload payload files"
for f in $(cd "$BAG" && find data -type f ! -name '*.minisig'); do
	test -f "$BAG/$f.minisig" || t_fail "$f has no .minisig"
done
grep -qxF "$(sed -n 2p k.pub)" "$BAG/data/signer.pub" ||
	t_fail "data/signer.pub is not the signer's public key"
# The trusted comment names the file it signs.
t_grep '^trusted comment: .*file:cam1-working-001\.mp4' \
	"$BAG/data/cam1/working/cam1-working-001.mp4.minisig"

# The XML against the project's schemas, and the copies that travel with it.
for s in manifest custody; do
	xmllint --noout --schema "$TOP_SRCDIR/schemas/$s.xsd" "$BAG/$s.xml" \
		2>lint.txt || { cat lint.txt >&2; t_fail "$s.xml does not match schemas/$s.xsd"; }
	cmp -s "$TOP_SRCDIR/schemas/$s.xsd" "$BAG/data/schemas/$s.xsd" ||
		t_fail "data/schemas/$s.xsd is not schemas/$s.xsd"
done
q() { xmllint --xpath "$1" "$BAG/manifest.xml"; }
cam='/*/*[local-name()="camera"]'
test "$(q "string(//*[local-name()='case'])")" = C-1 || t_fail "manifest: case"
test "$(q "string(//*[local-name()='signer']/@key-id)")" = "$KEYID" || t_fail "manifest: signer"
test "$(q "count($cam)")" = 2 || t_fail "manifest: two cameras"
test "$(q "count($cam/*[local-name()='file'][@role='master'])")" = 6 || t_fail "manifest: 6 masters"
test "$(q "string($cam[@id='cam1']/*[local-name()='file'][@role='master'][1]/*[local-name()='source'])")" = \
	cam1/20241027T005930Z.mp4 || t_fail "manifest: a master's recorder path"
test "$(q "string($cam[@id='cam1']/*[local-name()='gap']/@from)")" = \
	2024-10-27T00:59:50.000000Z || t_fail "manifest: cam1's gap"
test "$(q "count($cam[@id='cam2']/*[local-name()='gap'])")" = 0 || t_fail "manifest: cam2 has no gap"
# Each master is the recorder's file, bit for bit.
for m in "$BAG"/data/cam1/master/*.mp4 "$BAG"/data/cam2/master/*.mkv; do
	n=$(basename "$m"); c=${n%%_*}
	cmp -s "$m" "$ARCHIVE/$c/${n#*_}" || t_fail "$n is not the recorder's file"
done

# Working copies: H.264 yuv420p, one video stream, index before the data.
nw=0
for f in "$BAG"/data/cam1/working/*.mp4 "$BAG"/data/cam2/working/*.mp4; do
	info=$(ffprobe -v error -select_streams v -show_entries \
		stream=codec_name,pix_fmt -of csv=p=0 "$f")
	test "$info" = "h264,yuv420p" ||
		t_fail "$f: video streams '$info', expected one, h264 yuv420p"
	python3 "$BOXES" "$f" > boxes.txt || t_fail "$f: box structure"
	boxes=$(sed 's/^[^:]*: //' boxes.txt)
	case " $boxes " in
	*" moov "*" mdat "*) ;;
	*) t_fail "$f: top-level boxes '$boxes': moov is not before mdat" ;;
	esac
	nw=$((nw + 1))
done
test "$nw" -eq 6 || t_fail "$nw working copies, expected 6"

# exhibit verify: PASS only with the key; integrity alone is not enough.
t_expect_status 0 "$EXHIBIT" verify ev.zip -p k.pub
t_grep "^signer: +key ID $KEYID, trusted\$" out.txt
t_grep '^RESULT: PASS' out.txt
if grep -q '^  FAIL' out.txt; then t_fail "a file failed"; fi
t_expect_status 1 "$EXHIBIT" verify ev.zip
t_grep "signer key ID $KEYID is not trusted: no public key was given \\(-p\\)" out.txt
t_grep '^RESULT: FAIL \(intact, but not signed by a trusted key: give the exporter.s public key with -p' out.txt
# The unpacked folder is the same bundle.
t_expect_status 0 "$EXHIBIT" verify "$BAG" -p k.pub
t_grep '^RESULT: PASS' out.txt

# ISO 9660: exported and read back by verify.
t_expect_status 0 t_export_sample ev.iso --container iso \
	--camera cam2 --from 2024-10-27T00:59:58Z --to 2024-10-27T01:00:01Z \
	--exhibit ABC/2 --jobs 2
t_expect_status 0 "$EXHIBIT" verify ev.iso -p k.pub
t_grep '^bundle: +ev\.iso \(iso, top folder ABC_2\)$' out.txt
t_grep 'PASS +working +data/cam2/working/cam2-working-001\.mp4$' out.txt
t_grep '^RESULT: PASS' out.txt

# Without --jobs, the threads are the cores exhibit may run on: pinned to
# one core, the working copy's encoder gets one (the manifest says so).
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
	t_expect_status 0 taskset -c 0 "$EXHIBIT" export "$ARCHIVE" -o pinned \
		--container dir --camera cam2 --from 2024-10-27T00:59:58Z \
		--to 2024-10-27T01:00:01Z -s k.key --case C-1 --exhibit ABC/3 \
		--operator "Jo Bloggs" --preset ultrafast
	test "$(xmllint --xpath "string(//*[local-name()='encoder']/@threads)" \
		pinned/manifest.xml)" = 1 ||
		t_fail "pinned to one core: the encoder did not get one thread"
fi
t_done
