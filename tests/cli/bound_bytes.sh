#!/bin/sh
# bound_bytes.sh — bytes that no signature covers must still say exactly
# what the signed ones say (issue 11, "Nothing unsigned").  Each case
# changes such bytes so that a stock tool still accepts the result
# (sha256sum -c over the BagIt manifests, minisign -V, xmllint --schema,
# unzip -l shows the new name) — the attack works against that reader —
# and then `exhibit verify` must refuse it, exit 1, naming the reason.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v minisign >/dev/null 2>&1 || t_skip "minisign not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
command -v unzip >/dev/null 2>&1 || t_skip "unzip not installed"
SIGCHECK="$TOP_BUILDDIR/tests/tools/sigcheck"
test -x "$SIGCHECK" || t_skip "tests/tools/sigcheck not built"

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4 2
t_key
export SOURCE_DATE_EPOCH=1730000000
ex() {
	t_export arc "$1" --container "$2" --camera cam \
		--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
		--exhibit "$3" --operator Op --no-working >/dev/null
}
ex E1 dir E1
ex E2 dir E2
ex good.zip zip E1
t_expect_status 0 "$EXHIBIT" verify E1 -p k.pub
t_expect_status 0 "$EXHIBIT" verify good.zip -p k.pub
MASTER=$(cd E1 && ls data/cam/master/*.mp4 | head -n 1)

# refuse NAME WHAT: verify must exit 1 within 5 s naming WHAT (a fixed
# string), with no raw control bytes in its output.
refuse() {
	set +e
	timeout 5 "$EXHIBIT" verify "$1" -p k.pub >out.txt 2>err.txt
	got=$?
	set -e
	cat out.txt err.txt >all.txt
	[ "$got" -eq 1 ] || { cat all.txt >&2; t_fail "$1: exit $got, expected 1"; }
	grep -qF -- "$2" all.txt || { cat all.txt >&2; t_fail "$1: no '$2'"; }
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" all.txt; then
		t_fail "$1: raw control bytes in the output"
	fi
}
# copy NAME: a fresh copy of the good folder bundle.
copy() { rm -rf "$1" && cp -R E1 "$1"; }
# rebag NAME: recompute the payload manifest and then the tag manifest as
# a BagIt tool would, proving that stock sha256sum accepts both.
rebag() {
	(cd "$1" && sed 's/^[0-9a-fA-F]\{64\}  //' manifest-sha256.txt >../paths &&
		xargs sha256sum <../paths >manifest-sha256.txt) ||
		t_fail "$1: rewriting manifest-sha256.txt"
	retag "$1"
}
# retag NAME: the same for the tag manifest only.
retag() {
	(cd "$1" && sed 's/^[0-9a-fA-F]\{64\}  //' tagmanifest-sha256.txt >../tags &&
		xargs sha256sum <../tags >tagmanifest-sha256.txt &&
		sha256sum -c --quiet tagmanifest-sha256.txt &&
		sha256sum -c --quiet manifest-sha256.txt) ||
		t_fail "$1: sha256sum -c does not accept the rewritten bag"
}

# 1-2. bag-info.txt says something the manifest does not.
copy b-desc
sed -i 's/^External-Description: .*/External-Description: CCTV evidence, case C-9, exhibit E1/' \
	b-desc/bag-info.txt
retag b-desc
refuse b-desc "bag-info.txt: line 4 is 'External-Description: CCTV evidence, case C-9, exhibit E1'"
copy b-extra
echo "Internal-Sender-Description: released to the press" >>b-extra/bag-info.txt
retag b-extra
refuse b-extra "bag-info.txt: line 8 is 'Internal-Sender-Description"

# 3. Upper-case hex in the payload manifest: sha256sum -c takes it.
copy b-hex
awk '{ print toupper($1) "  " $2 }' E1/manifest-sha256.txt >b-hex/manifest-sha256.txt
cmp -s b-hex/manifest-sha256.txt E1/manifest-sha256.txt && t_fail "awk did nothing"
retag b-hex
refuse b-hex "manifest-sha256.txt: not in the form exhibit writes (line 1)"

# 4-5. custody.xml with a comment or a processing instruction: the schema
# still validates it, no custody signature covers it.
copy c-comment
sed -i '2a <!-- received intact, no concerns: PC 99 -->' c-comment/custody.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/custody.xsd" c-comment/custody.xml \
	2>/dev/null || t_fail "xmllint does not accept the commented custody log"
retag c-comment
refuse c-comment "has a comment at line 3 (exhibit writes none)"
copy c-pi
sed -i '2a <?note handed to court?>' c-pi/custody.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/custody.xsd" c-pi/custody.xml \
	2>/dev/null || t_fail "xmllint does not accept the custody log with a PI"
retag c-pi
refuse c-pi "has a processing instruction at line 3 (exhibit writes none)"
# ... or merely laid out differently (whitespace and quotes are not signed).
copy c-layout
sed -i "s|^  <event seq=\"1\"|    <event seq='1'|" c-layout/custody.xml
cmp -s c-layout/custody.xml E1/custody.xml && t_fail "sed did nothing"
xmllint --noout --schema "$TOP_SRCDIR/schemas/custody.xsd" c-layout/custody.xml \
	2>/dev/null || t_fail "xmllint does not accept the re-laid custody log"
retag c-layout
refuse c-layout "custody.xml: not in the form exhibit writes (line 3 differs)"

# 6. A valid signature of the same bytes from another exhibit by the same
# key: stock minisign accepts it for this file.
cmp -s "E1/$MASTER" "E2/$MASTER" || t_fail "the two exports' masters differ"
copy s-other
cp "E2/$MASTER.minisig" "s-other/$MASTER.minisig"
minisign -Vq -p k.pub -m "s-other/$MASTER" || t_fail "minisign rejects E2's signature"
rebag s-other
refuse s-other "the trusted comment of its signature is not 'timestamp:T, file:$(basename "$MASTER"), hashed, exhibit:E1"

# 7. CRLF line ends in a .minisig: a different file, which stock minisign
# still accepts.
copy s-crlf
sed -i 's/$/\r/' "s-crlf/$MASTER.minisig"
cmp -s "s-crlf/$MASTER.minisig" "E1/$MASTER.minisig" && t_fail "sed did nothing"
if minisign -Vq -p k.pub -m "s-crlf/$MASTER" 2>/dev/null; then :; else
	echo "note: minisign 0.11 rejects CRLF signatures" >&2
fi
rebag s-crlf
refuse s-crlf "$MASTER.minisig: not in the form exhibit writes"
# ... and an untrusted comment of the signer's choosing.
copy s-untrusted
sed -i '1s/.*/untrusted comment: approved by the chief constable/' \
	"s-untrusted/$MASTER.minisig"
minisign -Vq -p k.pub -m "s-untrusted/$MASTER" || t_fail "minisign rejects it"
rebag s-untrusted
refuse s-untrusted "$MASTER.minisig: not in the form exhibit writes"

# 8-9. The manifest signed (by the trusted key) with a trusted comment that
# lacks the exhibit and digest, or names another exhibit.
msha=$(sha256sum <E1/manifest.xml | cut -c1-64)
copy s-four
rm s-four/manifest.xml.minisig
"$SIGCHECK" sign k.key s-four/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E1" >/dev/null
minisign -Vq -p k.pub -m s-four/manifest.xml || t_fail "minisign rejects s-four"
retag s-four
refuse s-four "manifest.xml: the trusted comment of its signature is not"
copy s-exhibit
rm s-exhibit/manifest.xml.minisig
"$SIGCHECK" sign k.key s-exhibit/manifest.xml \
	"timestamp:1730000000	file:manifest.xml	hashed	exhibit:E2	sha256:$msha" >/dev/null
retag s-exhibit
refuse s-exhibit "exhibit:E1, sha256:$msha"

# 10. The top folder of a ZIP renamed (same length: every header patched,
# nothing else moves): unzip lists the new name.
python3 - good.zip renamed.zip <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
def patch(at, nlen):
    name = bytes(data[at:at + nlen])
    assert name.startswith(b"E1/"), name
    data[at:at + 3] = b"E9/"
i = 0
while True:
    i = data.find(b"PK\x03\x04", i)
    if i < 0: break
    nlen = struct.unpack_from("<H", data, i + 26)[0]
    if data[i + 30:i + 33] == b"E1/": patch(i + 30, nlen)
    i += 4
i = 0
while True:
    i = data.find(b"PK\x01\x02", i)
    if i < 0: break
    nlen = struct.unpack_from("<H", data, i + 28)[0]
    patch(i + 46, nlen)
    i += 4
open(sys.argv[2], "wb").write(data)
EOF
unzip -l renamed.zip | grep -q ' E9/data/' || t_fail "unzip does not see E9/"
refuse renamed.zip "the top folder is 'E9', but the signed manifest's exhibit 'E1' makes it 'E1'"

# 11. A folder bundle named like a ZIP.
cp -R E1 folder.zip
refuse folder.zip "named .zip but holds a folder bundle"

t_done
