#!/bin/sh
# hostile_bundles.sh — hostile bundles, beyond the tamper tests: each must
# be refused by `exhibit verify` (exit 1) with a named reason, in bounded
# time, without reading any file outside the bundle.  The bundles are made
# at test time from a tiny export (tests/fixtures/hostile/README lists
# them).  Manifests and signatures are re-signed with the trusted key
# (tests/tools/sigcheck), so the refusal comes from the parser, not from a
# broken signature.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v zip >/dev/null 2>&1 || t_skip "zip not installed"
command -v tar >/dev/null 2>&1 || t_skip "tar not installed"
SIGCHECK="$TOP_BUILDDIR/tests/tools/sigcheck"
test -x "$SIGCHECK" || t_skip "tests/tools/sigcheck not built"

# A secret outside every bundle: it must never show up in any output.
SECRET="canary-$$-not-for-verify"
echo "$SECRET" >"$T_DIR/outside.txt"

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4
t_key
export SOURCE_DATE_EPOCH=1730000000
ex() {
	t_export arc "$1" --container "$2" --camera cam \
		--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
		--exhibit "$3" --operator Op --no-working >/dev/null
}
ex good.zip zip E1
ex E1 dir E1
ex other.zip zip E2

# refuse NAME WHAT...: verify NAME must exit 1 within 30 s and name each
# WHAT (a fixed string) in its output; the secret must not appear.
refuse() {
	b=$1; shift
	set +e
	timeout 30 "$EXHIBIT" verify "$b" -p k.pub >out.txt 2>err.txt
	got=$?
	set -e
	cat out.txt err.txt >all.txt
	[ "$got" -eq 1 ] || { cat all.txt >&2; t_fail "$b: exit $got, expected 1"; }
	for what in "$@"; do
		grep -qF -- "$what" all.txt ||
			{ cat all.txt >&2; t_fail "$b: no '$what' in the output"; }
	done
	if grep -qF "$SECRET" all.txt; then t_fail "$b: read a file outside the bundle"; fi
}
t_expect_status 0 "$EXHIBIT" verify good.zip -p k.pub
t_expect_status 0 "$EXHIBIT" verify E1 -p k.pub

# Offsets of a name in the ZIP: the local header's copy comes first, the
# central directory's last.
at() { grep -obUaF "$2" "$1" | cut -d: -f1; }
poke() { printf "$2" | dd of="$1" bs=1 seek="$3" conv=notrunc 2>/dev/null; }
name=E1/data/signer.pub
local_at=$(at good.zip $name | head -n 1)
cd_at=$(at good.zip $name | tail -n 2 | head -n 1)

# --- ZIP structure ---------------------------------------------------------
# Central directory and local header name different files: unzip and
# exhibit would see different bundles.
cp good.zip cd-name.zip; poke cd-name.zip s $((cd_at + 13))
refuse cd-name.zip "ZIP central directory and local header disagree"
cp good.zip local-name.zip; poke local-name.zip s $((local_at + 13))
refuse local-name.zip "ZIP central directory and local header disagree"
# ... or disagree on the compression method of an entry.
cp good.zip method.zip; poke method.zip '\010' $((local_at - 30 + 8))
refuse method.zip "disagree on flags or compression"
# Data before and after the archive, a second archive appended.
{ printf 'MZ this is not part of the bundle'; cat good.zip; } >before.zip
refuse before.zip "before the ZIP proper"
{ cat good.zip; printf 'trailing bytes'; } >after.zip
refuse after.zip "bytes after the end of the ZIP"
cat good.zip other.zip >two.zip
refuse two.zip "ZIP central directory is not where the end record says"

# --- links, paths and names ----------------------------------------------
# A symbolic link inside a ZIP, and in a folder bundle one pointing outside.
mkdir -p zl/E1/data && cp -R E1/. zl/E1/ && ln -s "$T_DIR/outside.txt" zl/E1/data/link.txt
(cd zl && zip -q -r -y -X ../symlink.zip E1)
refuse symlink.zip "data/link.txt: symbolic link to"
cp -R E1 dl && ln -s "$T_DIR/outside.txt" dl/data/signer.pub.txt
refuse dl "data/signer.pub.txt: symbolic link to"
# A hard link in a tar (the second name of one file).
cp -R E1 hl && ln hl/data/signer.pub hl/data/again.pub && mv hl E1h
mkdir -p th && mv E1h th/E1 && (cd th && tar -cf ../hardlink.tar E1)
refuse hardlink.tar "hard link to"
# Absolute paths and "..".
tar -cf abs.tar E1 -P "$T_DIR/outside.txt"
refuse abs.tar "absolute path: leaves the bundle"
tar -cf dotdot.tar E1 -P --transform 's|^E1/bagit.txt$|E1/../bagit.txt|' E1/bagit.txt
refuse dotdot.tar "path leaves the bundle (..)"
# Names that differ only in case, or only in Unicode normal form.
cp -R E1 cs && cp cs/data/signer.pub cs/data/SIGNER.pub
refuse cs "differs only in case"
cp -R E1 uf && echo a >"uf/data/caf$(printf '\303\251').txt" &&
	echo b >"uf/data/cafe$(printf '\314\201').txt"
refuse uf "name is not plain ASCII"

# --- sizes, compression, encryption, other formats -------------------------
# An entry that inflates to more than its headers declare.
mkdir -p big/E1 && head -c 200000 /dev/zero >big/E1/bagit.txt
(cd big && zip -q -X -9 ../larger.zip E1/bagit.txt)
b=$(at larger.zip E1/bagit.txt | head -n 1); c=$(at larger.zip E1/bagit.txt | tail -n 1)
poke larger.zip '\020\000\000\000' $((b - 30 + 22))
poke larger.zip '\020\000\000\000' $((c - 46 + 24))
refuse larger.zip "bagit.txt: cannot be read: ZIP uncompressed data is wrong size"
# A compression bomb: 100 MB of zeros in a 100 KB ZIP is refused after
# reading at most 16 times the file's size plus 64 MiB.
mkdir -p bomb && cp -R E1 bomb/ && head -c 100000000 /dev/zero >bomb/E1/data/zeros.bin
(cd bomb && zip -q -r -X -9 ../bomb.zip E1) && rm -rf bomb
refuse bomb.zip "(a compression bomb?): stopped reading"
# Encrypted entries.
mkdir -p enc && cp -R E1 enc/ && (cd enc && zip -q -r -X -P secret ../encrypted.zip E1)
refuse encrypted.zip "encrypted entry"
# Other archive formats wearing a .zip name.
(tar -cf - E1 | gzip -n) >targz.zip
refuse targz.zip "not a ZIP, tar or ISO 9660 bundle"
printf '7z\274\257\047\034\000\004' >7z.zip; head -c 500 /dev/zero >>7z.zip
refuse 7z.zip "not a ZIP, tar or ISO 9660 bundle"
# A 7z header glued in front of a real bundle (a polyglot) is data before
# the ZIP.
{ printf '7z\274\257\047\034\000\004'; cat good.zip; } >7zpoly.zip
refuse 7zpoly.zip "8 bytes before the ZIP proper"
printf 'Rar!\032\007\001\000' >rar.zip
refuse rar.zip "not a ZIP, tar or ISO 9660 bundle"
printf '070707' >cpio.zip; head -c 500 /dev/zero >>cpio.zip
refuse cpio.zip "not a ZIP, tar or ISO 9660 bundle"

# --- hostile manifests (re-signed, so the parser must refuse them) --------
# remanifest NAME: a copy of E1 with manifest.xml from stdin, signed.
remanifest() {
	rm -rf "$1" && cp -R E1 "$1" && cat >"$1/manifest.xml"
	rm -f "$1/manifest.xml.minisig"
	"$SIGCHECK" sign k.key "$1/manifest.xml" \
		"timestamp:1730000000	file:manifest.xml	hashed" >/dev/null
}
body=$(sed '1d' E1/manifest.xml)
{ echo '<?xml version="1.0"?>'; echo '<!DOCTYPE manifest [<!ENTITY x "y">]>'; echo "$body"; } |
	remanifest m-doctype
refuse m-doctype "has a DOCTYPE"
{ echo '<?xml version="1.0"?>'
  echo "<!DOCTYPE manifest [<!ENTITY xxe SYSTEM \"file://$T_DIR/outside.txt\">]>"
  echo "$body" | sed 's|<case>|<case>\&xxe;|'; } | remanifest m-xxe
refuse m-xxe "has a DOCTYPE"
{ echo '<?xml version="1.0"?>'; echo '<!DOCTYPE lolz ['
  echo '<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
  for i in b c d e f g h i j k; do
	echo "<!ENTITY $i \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
  done; echo ']>'; echo "$body" | sed 's|<case>|<case>\&k;|'; } | remanifest m-laughs
refuse m-laughs "has a DOCTYPE"
# The same without the DOCTYPE: an undeclared entity.
echo "$body" | sed 's|<case>|<case>\&k;|' | remanifest m-entity
refuse m-entity "manifest.xml: not well-formed XML" "Entity 'k' not defined"
# 100000 nested elements, and one attribute of 8 MB.
{ echo '<?xml version="1.0"?>'; echo "$body" | sed -n '1p'
  i=0; while [ $i -lt 100 ]; do printf '<x><x><x><x><x><x><x><x><x><x>'; i=$((i + 1)); done
  echo; echo "$body" | sed '1d'; } | remanifest m-deep
refuse m-deep "manifest.xml: not well-formed XML" "Excessive depth in document"
{ echo '<?xml version="1.0"?>'
  echo "$body" | sed -n '1s/>$//p'; printf ' huge="'
  head -c 8000000 /dev/zero | tr '\0' a; echo '">'
  echo "$body" | sed '1d'; } | remanifest m-huge
refuse m-huge "manifest.xml: not valid against its schema" "The attribute 'huge' is not allowed"
# Unknown or weak hash algorithms.
for alg in md5 sha1 sha3-256 SHA256; do
	echo "$body" | sed "0,/algorithm=\"sha256\"/s//algorithm=\"$alg\"/" |
		{ echo '<?xml version="1.0" encoding="UTF-8"?>'; cat; } | remanifest "m-$alg"
	refuse "m-$alg" "hash algorithm '$alg' is not supported (only sha256)"
done

# --- malformed or non-canonical signatures --------------------------------
# resig NAME: a copy of E1 whose manifest.xml.minisig is stdin.
resig() { rm -rf "$1" && cp -R E1 "$1" && cat >"$1/manifest.xml.minisig"; }
S=E1/manifest.xml.minisig
head -n 3 $S | resig s-short
refuse s-short "manifest.xml.minisig: malformed signature"
{ cat $S; echo "one line too many"; } | resig s-long
refuse s-long "manifest.xml.minisig: malformed signature"
# The last base64 character of the signature line changed so that only
# its unused low bits differ: same bytes, but not canonical base64.
# (74 bytes: the last group "xyz=" carries 2 unused bits in z.)
awk 'NR == 2 {
	a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	n = length($0); i = index(a, substr($0, n - 1, 1)) - 1
	if (substr($0, n, 1) != "=" || i % 4 != 0) exit 1
	$0 = substr($0, 1, n - 2) substr(a, i + 2, 1) "="
} { print }' $S | resig s-b64
refuse s-b64 "manifest.xml.minisig: malformed signature: signature: invalid base64"
sed '2s/^RU/RX/' $S | resig s-alg
refuse s-alg "malformed signature: signature: unknown algorithm"
sed '3s/$/ tampered/' $S | resig s-comment
refuse s-comment "trusted comment has been altered"
# (random bytes with a NUL certainly among them: 2000 random bytes lack
# one about once in 2500 runs)
{ head -c 1000 /dev/urandom; printf '\000'; head -c 999 /dev/urandom; } |
	resig s-binary
refuse s-binary "malformed signature: signature: contains a NUL byte"
printf '' | resig s-empty
refuse s-empty "manifest.xml.minisig: malformed signature"
t_done
