#!/bin/sh
# verify_first_contact.sh — what the officer meets first (issue 12, items 3,
# 4 and 10), each situation as the issue describes it:
#  - a custody event added by a key not given with -p: intact evidence from
#    a trusted exporter passes (exit 0), the event's signer is named
#    unverified with how to verify it; --strict fails it naming event 2;
#    both keys: every signer trusted; no -p at all still fails; a tampered
#    custody event still fails; the three answers in --xml;
#  - `verify .` in the folder holding the unpacked bundle (and the ZIP):
#    "not a bundle; it contains the bundle ABC_1", exit 2; a bundle that
#    lost its tag files is still verified as a bundle (and fails);
#  - .DS_Store, Thumbs.db, desktop.ini, __MACOSX/, ._x in a FOLDER bundle:
#    named "ignored", PASS; what could be hidden that way is not ignored (a
#    link, a hard link, another name under __MACOSX/, another case); the
#    same names inside a ZIP: FAIL (unlisted);
#  - a ZIP and a tar cut short, verified with -p: one "incomplete copy"
#    line, exit 1, the signer line naming the key given instead of
#    "key ID (unknown)".
. "$TOP_SRCDIR/tests/cli/lib.sh"
for t in unzip python3 sha256sum; do
	command -v $t >/dev/null 2>&1 || t_skip "$t not installed"
done
X=$EXHIBIT

"$X" keygen -W -s first.key -p first.pub >/dev/null
"$X" keygen -W -s second.key -p second.pub >/dev/null
A=$(sed -n '1s/.*public key \([0-9A-F]*\).*/\1/p' first.pub)
B=$(sed -n '1s/.*public key \([0-9A-F]*\).*/\1/p' second.pub)
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] || t_fail "key IDs '$A' '$B'"

export_bundle() { # OUTPUT CONTAINER
	SOURCE_DATE_EPOCH=1730000000 "$X" export "$TOP_SRCDIR/samples/archive" \
		-o "$1" --container "$2" --camera cam1 \
		--from 2024-10-27T01:00:00Z --to 2024-10-27T01:00:02Z \
		-s first.key --case C-1 --exhibit ABC/1 --operator "Jo Bloggs" \
		--preset ultrafast --jobs 1 >/dev/null 2>&1 ||
		t_fail "export $2 failed"
}
# no LINE-ERE FILE: no line matches.
no() { if grep -Eq -- "$1" "$2"; then cat "$2" >&2; t_fail "'$1' in $2"; fi; }

export_bundle ABC-1.zip zip
cp ABC-1.zip plain.zip          # (before any custody event: for the ZIP cases)

# ---- 1. a custody event by a key not given with -p ----------------------
SOURCE_DATE_EPOCH=1730086400 t_expect_status 0 "$X" custody add ABC-1.zip \
	-s second.key --actor "PC 1" --action received
t_expect_status 0 "$X" verify ABC-1.zip -p first.pub
t_grep "^signer: +key ID $A, trusted\$" out.txt
t_grep "^  event 1  exported by Jo Bloggs, 2024-10-27T03:33:20\\.000Z: signature valid; signer key ID $A given with -p: trusted\$" out.txt
t_grep "^  event 2  received by PC 1, 2024-10-28T03:33:20\\.000Z: signature valid; signer key ID $B not given with -p: unverified\$" out.txt
t_grep '^Files: +intact \(23 files\)$' out.txt
t_grep "^Export signed by: key ID $A, trusted\$" out.txt
t_grep "^Custody: +2 events, chain intact; signer of event 2 unverified \\(key ID $B not given with -p\\)\$" out.txt
t_grep "^RESULT: PASS \\(intact, exported by a trusted key; custody event 2 unverified: to verify it, give the public key of key ID $B with -p\\)\$" out.txt
# Nothing reads as a contradiction or a failure.
no 'PASS +event|NOT TRUSTED|FAIL|^problems:' out.txt
test "$(grep -c '^RESULT:' out.txt)" -eq 1 || t_fail "not one RESULT line"

# ... --strict demands every signer: exit 1, naming event 2.
t_expect_status 1 "$X" verify ABC-1.zip -p first.pub --strict
t_grep "^  - custody event 2: signer key ID $B was not given with -p \\(--strict demands every signer\\)\$" out.txt
t_grep "^RESULT: FAIL \\(intact, but --strict demands every signer: the signer of custody event 2, key ID $B, was not given with -p\\)\$" out.txt
# ... both keys: every signer trusted, with --strict too.
t_expect_status 0 "$X" verify ABC-1.zip -p first.pub -p second.pub --strict
t_grep "^  event 2  received by PC 1, .*: signature valid; signer key ID $B given with -p: trusted\$" out.txt
t_grep '^Custody: +2 events, chain intact; every signer trusted$' out.txt
t_grep '^RESULT: PASS \(intact, every signer trusted\)$' out.txt
# ... only the custody signer's key: the exporter is not trusted.
t_expect_status 1 "$X" verify ABC-1.zip -p second.pub
t_grep "^Export signed by: key ID $A, NOT trusted \\(not one of the keys given with -p\\)\$" out.txt
t_grep "^RESULT: FAIL \\(intact, but not signed by a trusted key: the exporter's key ID $A is not one of the keys given with -p\\)\$" out.txt
# ... no -p at all: still FAIL (a re-signed bundle must never read as valid).
t_expect_status 1 "$X" verify ABC-1.zip
t_grep "^signer: +key ID $A, NOT TRUSTED \\(no public key was given with -p\\)\$" out.txt
t_grep '^Custody: +2 events, chain intact; signers unverified \(no public key was given with -p\)$' out.txt
t_grep "^RESULT: FAIL \\(intact, but not signed by a trusted key: give the exporter's public key with -p, obtained from the exporter, not from the bundle\\)\$" out.txt

# ... the same answers in --xml (no <problem> for an unverified signer).
t_expect_status 0 "$X" verify --xml ABC-1.zip -p first.pub
t_grep '<verify result="pass" intact="true" trusted="false" strict="false"' out.txt
t_grep '<integrity status="intact" files="23" ignored="0"/>' out.txt
t_grep "<exporter key-id=\"$A\" status=\"trusted\"/>" out.txt
t_grep '<custody events="2" chain="intact" unverified="1"/>' out.txt
t_grep "<custody-event seq=\"2\" key-id=\"$B\" status=\"pass\" trusted=\"false\" signer=\"unverified\" action=\"received\" actor=\"PC 1\" time=\"2024-10-28T03:33:20.000Z\"/>" out.txt
no '<problem' out.txt
t_expect_status 1 "$X" verify --xml ABC-1.zip -p first.pub --strict
t_grep '<verify result="fail" intact="true" trusted="false" strict="true"' out.txt
t_grep "<problem kind=\"untrusted\" path=\"custody.xml\">custody event 2: signer key ID $B was not given with -p" out.txt

# ... custody show says the same.
t_expect_status 0 "$X" custody show ABC-1.zip -p first.pub
t_grep '^  signer     unverified \(its key was not given with -p\)$' out.txt
t_grep '^RESULT: intact; signer of event 2 unverified \(to verify, give its public key with -p\)$' out.txt
t_expect_status 1 "$X" custody show ABC-1.zip -p first.pub --strict
t_grep '^RESULT: FAIL \(intact, but --strict demands every signer: the signer of event 2 was not given with -p\)$' out.txt

# ... a tampered custody event still fails, whichever keys are given.
mkdir tamper.x && unzip -q ABC-1.zip -d tamper.x && mv tamper.x/ABC_1 tamper &&
	rmdir tamper.x || t_fail "unzip"
sed 's|<actor>PC 1</actor>|<actor>PC 2</actor>|' tamper/custody.xml > c.tmp
cmp -s c.tmp tamper/custody.xml && t_fail "the actor was not changed"
cat c.tmp > tamper/custody.xml
h=$(sha256sum tamper/custody.xml | cut -d' ' -f1)
sed -i "s|^[0-9a-f]*  custody\\.xml\$|$h  custody.xml|" tamper/tagmanifest-sha256.txt
for keys in "-p first.pub" "-p first.pub -p second.pub"; do
	# shellcheck disable=SC2086
	t_expect_status 1 "$X" verify tamper $keys
	t_grep '^  event 2  received by PC 2, .*: FAIL: ' out.txt
	t_grep '^  - custody\.xml: custody event 2: ' out.txt
	t_grep '^Custody: +2 events, NOT intact \(see problems\)$' out.txt
	t_grep '^RESULT: FAIL \(the evidence is not intact\)$' out.txt
done

# ---- 2. a folder that holds a bundle is not one ---------------------------
mkdir holder
unzip -q plain.zip -d holder || t_fail "unzip"
test -f holder/ABC_1/bagit.txt || t_fail "no holder/ABC_1/bagit.txt"
(cd holder && exec "$X" verify . -p ../first.pub) >out.txt 2>err.txt && st=0 || st=$?
test "$st" -eq 2 || { cat out.txt err.txt >&2; t_fail "verify . in the holder: exit $st"; }
t_grep '^exhibit: \. is not a bundle; it contains the bundle ABC_1 \(verify ABC_1\)$' err.txt
test ! -s out.txt || t_fail "verify . printed a report"
# ... and with the ZIP beside the folder, named from outside.
cp plain.zip holder/ABC-1.zip
t_expect_status 2 "$X" verify holder -p first.pub
t_grep '^exhibit: holder is not a bundle; it contains the bundles ABC-1\.zip and ABC_1 \(verify each: holder/ABC-1\.zip, holder/ABC_1\)$' err.txt
no 'unlisted|not covered' err.txt
"$X" verify holder/ABC_1 -p first.pub >/dev/null ||
	t_fail "the bundle the message names does not verify"
t_expect_status 2 "$X" custody show holder -p first.pub
t_grep '^exhibit: holder is not a bundle; it contains the bundles ABC-1\.zip and others \(name one of them\)$' err.txt
# A bundle that lost some of its tag files is still a bundle: verified as
# one, and it fails (never "not a bundle"), even holding another bundle.
cp -R holder/ABC_1 lost
rm lost/bagit.txt lost/manifest.xml lost/manifest.xml.minisig lost/custody.xml \
	lost/bag-info.txt lost/manifest-sha256.txt lost/tagmanifest-sha256.txt
cp -R holder/ABC_1 lost/inner
t_expect_status 1 "$X" verify lost -p first.pub
t_grep '^  - manifest\.xml: missing \(the manifest\)$' out.txt
t_grep '^RESULT: FAIL \(the evidence is not intact\)$' out.txt
# ... even with only a link where bagit.txt was.
ln -s ../nowhere lost/bagit.txt
rm -rf lost/data
t_expect_status 1 "$X" verify lost -p first.pub
t_grep "^  - bagit\\.txt: symbolic link to '\\.\\./nowhere'\$" out.txt

# ---- 3. desktop files in a folder bundle: named and ignored ---------------
cp -R holder/ABC_1 desk
printf 'Bud1' > desk/.DS_Store
printf 'thumbs' > desk/data/Thumbs.db
printf '[.ShellClassInfo]\r\n' > desk/data/cam1/desktop.ini
printf 'apple' > desk/data/._README.txt
mkdir -p desk/__MACOSX/data
printf 'apple' > desk/__MACOSX/._data
printf 'apple' > desk/__MACOSX/data/._README.txt
t_expect_status 0 "$X" verify desk -p first.pub
t_grep '^  ignored: \.DS_Store \(added by macOS Finder\)$' out.txt
t_grep '^  ignored: data/Thumbs\.db \(thumbnail cache added by Windows Explorer\)$' out.txt
t_grep '^  ignored: data/cam1/desktop\.ini \(folder settings added by Windows Explorer\)$' out.txt
t_grep '^  ignored: data/\._README\.txt \(AppleDouble file added by macOS\)$' out.txt
t_grep '^  ignored: __MACOSX \(added by macOS when a ZIP file was unpacked\)$' out.txt
t_grep '^  ignored: __MACOSX/data/\._README\.txt \(AppleDouble file added by macOS when a ZIP file was unpacked\)$' out.txt
t_grep '^Files: +intact \(23 files; desktop files ignored, listed above\)$' out.txt
t_grep '^RESULT: PASS \(intact, every signer trusted\)$' out.txt
no '^  FAIL' out.txt
t_expect_status 0 "$X" verify --xml desk -p first.pub
t_grep '<integrity status="intact" files="23" ignored="7"/>' out.txt
t_grep '<ignored path="data/Thumbs.db" origin="thumbnail cache added by Windows Explorer"/>' out.txt

# What a hostile hand could hide that way is not ignored:
hide() { # NAME SETUP EXPECTED-ERE
	rm -rf h && cp -R desk h
	(cd h && eval "$2") || t_fail "$1: setup"
	t_expect_status 1 "$X" verify h -p first.pub
	t_grep "$3" out.txt
	t_grep '^RESULT: FAIL \(the evidence is not intact\)$' out.txt
}
hide "another name under __MACOSX" 'echo x > __MACOSX/statement.txt' \
	'^  - __MACOSX/statement\.txt: not covered by any signature'
hide "a Windows name under __MACOSX" 'echo x > __MACOSX/Thumbs.db' \
	'^  - __MACOSX/Thumbs\.db: not covered by any signature'
hide "a link named .DS_Store" 'ln -s ../manifest.xml data/.DS_Store' \
	"^  - data/\\.DS_Store: symbolic link to '\\.\\./manifest\\.xml'\$"
hide "a hard link named Thumbs.db" 'ln data/README.txt data/cam1/Thumbs.db' \
	'^  - data/cam1/Thumbs\.db: hard link \(2 names for one file\)$'
hide "a folder named .DS_Store" 'mkdir data/.DS_Store && echo x > data/.DS_Store/x' \
	'^  - data/\.DS_Store/x: not covered by any signature'
hide "another case" 'echo x > data/thumbs.db' \
	'^  - data/thumbs\.db: not covered by any signature'
hide "__MACOSX below the root" 'mkdir data/__MACOSX && echo x > data/__MACOSX/x' \
	'^  - data/__MACOSX/x: not covered by any signature'
# A signed file is never skipped: replaced by a desktop name, it is missing.
hide "a listed file renamed ._x" 'mv -f data/README.txt data/._README.txt' \
	'^  - data/README\.txt: missing \(document\)$'

# The same names inside a ZIP: not ignored, each a failure (unlisted).
python3 - <<'EOF' || t_fail "adding desktop files to a ZIP"
import zipfile
with zipfile.ZipFile("plain.zip") as src, \
     zipfile.ZipFile("desk.zip", "w") as dst:
    for i in src.infolist():
        dst.writestr(i, src.read(i))
    for n in ("ABC_1/.DS_Store", "ABC_1/data/Thumbs.db",
              "ABC_1/data/desktop.ini", "ABC_1/data/._README.txt"):
        dst.writestr(n, b"x")
EOF
t_expect_status 1 "$X" verify desk.zip -p first.pub
for f in '\.DS_Store' 'data/Thumbs\.db' 'data/desktop\.ini' 'data/\._README\.txt'; do
	t_grep "^  - $f: not covered by any signature" out.txt
done
no 'ignored' out.txt
t_grep '^RESULT: FAIL \(the evidence is not intact\)$' out.txt

# ---- 4. a copy cut short: one line, and the key given is named -----------
size=$(wc -c < plain.zip)
head -c $((size / 2)) plain.zip > cut.zip
t_expect_status 1 "$X" verify cut.zip -p first.pub
test "$(grep -c 'incomplete copy' out.txt)" -eq 1 || { cat out.txt >&2; t_fail "cut.zip: not one 'incomplete copy' line"; }
t_grep "^  - incomplete copy: the ZIP ends at byte $((size / 2)), before its central directory\$" out.txt
t_grep "^signer: +unknown: this copy is cut short before its signature; the key given with -p is key ID $A\$" out.txt
no 'key ID \(unknown\)|damaged archive|cannot be read|^  (PASS|FAIL)|unlisted' out.txt
t_grep '^Files: +NOT checked: this copy ends early \(see problems\)$' out.txt
t_grep '^RESULT: FAIL \(this copy ends early, so it cannot be checked: copy the bundle again from the original\)$' out.txt
test "$(wc -l < out.txt)" -le 10 || { cat out.txt >&2; t_fail "cut.zip: too many lines"; }
t_expect_status 1 "$X" verify cut.zip -p first.pub -p second.pub
t_grep "^signer: +unknown: this copy is cut short before its signature; the keys given with -p are key IDs $A, $B\$" out.txt
t_expect_status 1 "$X" verify --xml cut.zip -p first.pub
t_grep '<integrity status="incomplete" files="0" ignored="0"/>' out.txt
t_grep '<problem kind="incomplete">incomplete copy: ' out.txt
# ... a tar as exhibit writes it, cut inside its data.
export_bundle ABC-1.tar tar
size=$(wc -c < ABC-1.tar)
head -c $((size * 2 / 3)) ABC-1.tar > cut.tar
t_expect_status 1 "$X" verify cut.tar -p first.pub
test "$(grep -c 'incomplete copy' out.txt)" -eq 1 || { cat out.txt >&2; t_fail "cut.tar: not one 'incomplete copy' line"; }
t_grep "^signer: +unknown: this copy is cut short before its signature; the key given with -p is key ID $A\$" out.txt
no 'key ID \(unknown\)|damaged archive|cannot be read|^  (PASS|FAIL)' out.txt

t_done
