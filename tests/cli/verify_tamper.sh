#!/bin/sh
# verify_tamper.sh — exhibit verify fails closed and names the problem.
# One folder bundle (cam1 across its gap: masters, natives and working
# copies) is exported once; each case below works on a fresh copy, breaks
# one thing and requires exit 1 and the message that names that thing:
#  - one bit flipped in each kind of file;
#  - a file removed, a file added (in data/ and at the top), a link;
#  - the whole bundle re-signed, consistently, with another key (shown to
#    be complete by passing with that key): untrusted with the first key;
#  - ZIP bundles crafted with Python's zipfile: two entries with one name,
#    a path with '..' (the same bundle zipped plainly passes).
. "$TOP_SRCDIR/tests/cli/lib.sh"
for tool in minisign python3 sha256sum; do
	command -v $tool >/dev/null 2>&1 || t_skip "$tool not installed"
done
ZIPCRAFT="$TOP_SRCDIR/tests/tools/zipcraft.py"
CUSTODY1="$TOP_BUILDDIR/tests/tools/custody1"
SOURCE_DATE_EPOCH=1730000000
export SOURCE_DATE_EPOCH

t_expect_status 0 "$EXHIBIT" keygen -W -s k.key -p k.pub
t_expect_status 0 "$EXHIBIT" export "$TOP_SRCDIR/samples/archive" -o base \
	--container dir --camera cam1 --from 2024-10-27T00:59:48Z \
	--to 2024-10-27T01:00:01Z -s k.key --case C-1 --exhibit ABC/1 \
	--operator "Jo Bloggs" --preset ultrafast --jobs 2
t_expect_status 0 "$EXHIBIT" verify base -p k.pub
t_grep '^RESULT: PASS' out.txt

MASTER=data/cam1/master/cam1_20241027T005940Z.mp4
NATIVE=data/cam1/native/cam1-native-001.mp4
WORKING=data/cam1/working/cam1-working-001.mp4
for f in $MASTER $NATIVE $WORKING; do
	test -f "base/$f" || t_fail "the export has no $f"
done

fresh() { rm -rf t; cp -R base t; }
# flip FILE [OFFSET]: flip the lowest bit of the byte at OFFSET (default:
# the middle of FILE).
flip() {
	off=${2:-$(( $(wc -c < "$1") / 2 ))}
	b=$(od -An -tu1 -j "$off" -N1 "$1" | tr -d ' ')
	cp "$1" flip.orig
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$off" count=1 conv=notrunc 2>/dev/null
	! cmp -s "$1" flip.orig || t_fail "flip did not change $1"
}
# fails BUNDLE ERE...: verify with the key exits 1, says FAIL, and names
# each problem given.
fails() {
	b=$1; shift
	t_expect_status 1 "$EXHIBIT" verify "$b" -p k.pub
	t_grep '^RESULT: FAIL \(the evidence is not intact\)$' out.txt
	for want in "$@"; do t_grep "$want" out.txt; done
}
sha() { sha256sum "$1" | cut -c1-64; }
# offset STRING FILE: byte offset of the first STRING in FILE.
offset() { grep -abo -- "$1" "$2" | head -n 1 | cut -d: -f1; }

# 1. One bit flipped, in each kind of file.
for f in $MASTER $NATIVE $WORKING data/signer.pub; do
	fresh; flip "t/$f"
	fails t "^  FAIL .* $f: SHA-256 $(sha "t/$f"), the manifest says $(sha "base/$f")\$" \
		"^  - $f: signature check failed: signature does not match\$"
done
# (in a .minisig, a digit of the signed timestamp)
fresh; flip "t/$WORKING.minisig" $(( $(offset timestamp: "t/$WORKING.minisig") + 10 ))
fails t "^  - $WORKING: signature check failed: trusted comment has been altered\$" \
	"^  - $WORKING\\.minisig: SHA-256 [0-9a-f]{64} differs from manifest-sha256\\.txt's\$"
fresh; flip t/manifest.xml
fails t '^  - manifest\.xml: signature check failed: signature does not match$' \
	"^  - $WORKING: not checked: manifest\\.xml could not be verified"
# (and no made-up reasons: custody.xml is still the log of this exhibit)
if grep -q 'is the log of exhibit' out.txt; then t_fail "custody blamed for the manifest"; fi
fresh; flip t/manifest.xml.minisig $(( $(offset timestamp: t/manifest.xml.minisig) + 10 ))
fails t '^  - manifest\.xml: signature check failed: trusted comment has been altered$'
fresh; flip t/custody.xml
fails t '^  - custody\.xml: SHA-256 [0-9a-f]{64} differs from tagmanifest-sha256\.txt.s$' \
	'^  FAIL +custody +custody\.xml: '
fresh; flip t/bagit.txt
fails t '^  - bagit\.txt: not exactly "BagIt-Version: 1\.0'
fresh; flip t/bag-info.txt
fails t '^  - bag-info\.txt: SHA-256 [0-9a-f]{64} differs from tagmanifest-sha256\.txt.s$'
fresh; flip t/manifest-sha256.txt
fails t '^  - manifest-sha256\.txt: SHA-256 [0-9a-f]{64} differs from tagmanifest-sha256\.txt.s$'
# (in tagmanifest-sha256.txt, a digit of the first hash: still a hash)
fresh; flip t/tagmanifest-sha256.txt $(head -c 64 t/tagmanifest-sha256.txt | offset '[0-9]' -)
line1=$(head -n 1 t/tagmanifest-sha256.txt | cut -c67-)
fails t "^  - $line1: SHA-256 [0-9a-f]{64} differs from tagmanifest-sha256\\.txt's\$"

# 2. A file removed; files added in data/ and at the top; a link.
fresh; rm "t/$WORKING"
fails t "^  - $WORKING: missing \\(working\\)\$"
fresh; cp "t/$WORKING" t/data/cam1/working/cam1-working-009.mp4
fails t '^  - data/cam1/working/cam1-working-009\.mp4: not covered by any signature'
fresh; echo "see me" > t/notes.txt
fails t '^  - notes\.txt: not covered by any signature'
fresh; ln -s ../../manifest.xml t/data/cam1/link.xml
fails t "^  - data/cam1/link\\.xml: symbolic link to '\\.\\./\\.\\./manifest\\.xml'\$"

# 3. Re-signed, consistently, by someone else: every .minisig, signer.pub,
#    manifest.xml (its signer), custody.xml, the BagIt manifests.
t_expect_status 0 "$EXHIBIT" keygen -W -s k2.key -p k2.pub
id1=$(sed -n 's/^untrusted comment: minisign public key \([0-9A-F]*\).*/\1/p' k.pub)
id2=$(sed -n 's/^untrusted comment: minisign public key \([0-9A-F]*\).*/\1/p' k2.pub)
b1=$(sed -n 2p k.pub); b2=$(sed -n 2p k2.pub)
[ -n "$id1" ] && [ -n "$id2" ] && [ "$id1" != "$id2" ] || t_fail "key IDs"
rm -rf f; cp -R base f
python3 - f "$id1" "$id2" "$b1" "$b2" <<'EOF' || t_fail "re-signing the manifest"
import hashlib, re, sys
bag, id1, id2, b1, b2 = sys.argv[1:6]
pub = open(bag + "/data/signer.pub").read().replace(id1, id2).replace(b1, b2)
open(bag + "/data/signer.pub", "w").write(pub)
m = open(bag + "/manifest.xml").read()
assert id1 in m and b1 in m
m = m.replace(id1, id2).replace(b1, b2)
raw = pub.encode()
m, n = re.subn(r"(<path>data/signer\.pub</path>\s*<size>)\d+(</size>\s*<hash algorithm=\"sha256\">)[0-9a-f]{64}",
               lambda g: g.group(1) + str(len(raw)) + g.group(2) + hashlib.sha256(raw).hexdigest(), m)
assert n == 1
open(bag + "/manifest.xml", "w").write(m)
EOF
for sig in $(find f -name '*.minisig'); do
	file=${sig%.minisig}
	tc=$(sed -n 's/^trusted comment: //p' "$sig" |
		sed "s/sha256:[0-9a-f]\{64\}/sha256:$(sha "$file")/")
	rm "$sig"
	minisign -S -W -s k2.key -m "$file" -x "$sig" -t "$tc" \
		-c "signature from exhibit secret key" >/dev/null ||
		t_fail "minisign -S $file"
done
"$CUSTODY1" k2.key ABC/1 "Jo Bloggs" 1730000000 f/manifest.xml f/custody.xml ||
	t_fail "custody1"
(cd f && sed 's/^[0-9a-f]\{64\}  //' manifest-sha256.txt > ../paths.txt &&
	xargs sha256sum < ../paths.txt > manifest-sha256.txt &&
	oxum="$(cat $(cat ../paths.txt) | wc -c).$(wc -l < ../paths.txt)" &&
	sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $oxum/" bag-info.txt &&
	sed 's/^[0-9a-f]\{64\}  //' tagmanifest-sha256.txt > ../tags.txt &&
	xargs sha256sum < ../tags.txt > tagmanifest-sha256.txt) ||
	t_fail "rewriting the BagIt manifests"
cmp -s "f/$WORKING" "base/$WORKING" || t_fail "the payload changed"
t_expect_status 0 "$EXHIBIT" verify f -p k2.pub   # the forgery is complete
t_grep '^RESULT: PASS' out.txt
t_expect_status 1 "$EXHIBIT" verify f -p k.pub
t_grep "^signer: +key ID $id2, NOT TRUSTED \(not one of the keys given with -p\)\$" out.txt
t_grep "^  - signer key ID $id2 is not among the trusted keys\$" out.txt
t_grep "^Export signed by: key ID $id2, NOT trusted \(not one of the keys given with -p\)\$" out.txt
t_grep "^RESULT: FAIL \(intact, but not signed by a trusted key: the exporter's key ID $id2 is not one of the keys given with -p\)\$" out.txt
t_expect_status 1 "$EXHIBIT" verify f
t_grep "^  - signer key ID $id2 is not trusted: no public key was given" out.txt
t_grep "^RESULT: FAIL \(intact, but not signed by a trusted key: give the exporter's public key with -p, obtained from the exporter, not from the bundle\)\$" out.txt

# 4. ZIP: two entries with one name; a path that leaves the bundle.
# (Python's zipfile packs the same files in another form: deflated,
# without descriptors; verify accepts only the form exhibit writes.)
python3 "$ZIPCRAFT" pack base ABC_1 plain.zip || t_fail "zipping the bundle"
fails plain.zip 'compressed \(ZIP method 8\): exhibit stores every entry'
python3 "$ZIPCRAFT" dup plain.zip "ABC_1/$WORKING" dup.zip || t_fail "zipcraft dup"
fails dup.zip "^  - $WORKING: two entries with this name\$"
python3 "$ZIPCRAFT" add plain.zip "ABC_1/data/../../escape.txt" dotdot.zip ||
	t_fail "zipcraft add"
fails dotdot.zip '^  - ABC_1/data/\.\./\.\./escape\.txt: path leaves the bundle \(\.\.\)$'
t_done
