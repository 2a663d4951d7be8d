#!/bin/sh
# custody.sh — exhibit custody add / show end to end.
# A second key adds a "received" event to ZIP, tar and folder bundles: both
# signers trusted passes; only the first passes too, naming event 2's signer
# unverified, and --strict then fails naming it; every entry
# but custody.xml and tagmanifest-sha256.txt keeps its bytes (and the ZIP/tar
# its entry order); the BagIt manifests check with sha256sum.  Then a third
# event, and an edited, a removed and two swapped events each fail verify
# naming the event; custody add refuses a tampered bundle and a failing add
# leaves the bundle as it was; custody show prints the chain.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need sha256sum unzip tar awk
X=$EXHIBIT

t_key first
t_key second
A=$(sed -n '1s/.*public key \([0-9A-F]*\).*/\1/p' first.pub)
B=$(sed -n '1s/.*public key \([0-9A-F]*\).*/\1/p' second.pub)
[ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ] || t_fail "key IDs '$A' '$B'"

export_bundle() { # OUTPUT CONTAINER
	SOURCE_DATE_EPOCH=1730000000 t_export_sample "$1" --container "$2" \
		--camera cam1 --from 2024-10-27T01:00:00Z \
		--to 2024-10-27T01:00:02Z -s first.key --exhibit ABC/1 \
		>/dev/null 2>&1 ||
		t_fail "export $2 failed"
}

# unpack BUNDLE FOLDER: the bag root of BUNDLE as a plain folder.
unpack() {
	rm -rf "$2"
	case "$1" in
	*.zip) mkdir "$2.x" && unzip -q "$1" -d "$2.x" && mv "$2.x"/* "$2" &&
		rmdir "$2.x" ;;
	*.tar) mkdir "$2.x" && tar -xf "$1" -C "$2.x" && mv "$2.x"/* "$2" &&
		rmdir "$2.x" ;;
	*) cp -R "$1" "$2" ;;
	esac
}

# hashes FOLDER: "sha256  path" of every file, sorted by path.
hashes() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

# order BUNDLE: the entry names in container order (ZIP and tar).
order() {
	case "$1" in
	*.zip) unzip -Z1 "$1" ;;
	*.tar) tar -tf "$1" ;;
	esac
}

# snapshot BUNDLE NAME: hashes (and entry order) into NAME.sum/NAME.order.
snapshot() {
	unpack "$1" "$2.bag"
	hashes "$2.bag" > "$2.sum"
	order "$1" > "$2.order"
	rm -rf "$2.bag"
}

for c in zip tar dir; do
	b=b.$c
	export_bundle $b $c
	snapshot $b before-$c

	SOURCE_DATE_EPOCH=1730086400 t_expect_status 0 "$X" custody add $b \
		-s second.key --actor "PC Smith" --action received \
		--note "sealed bag 123"
	t_grep "^custody event 2 added to $b\$" out.txt

	# Both signers trusted: PASS, both events shown trusted.
	t_expect_status 0 "$X" verify $b -p first.pub -p second.pub
	t_grep "^  event 1  exported by Jo Bloggs, 2024-10-27T03:33:20\.000Z: signature valid; signer key ID $A given with -p: trusted\$" out.txt
	t_grep "^  event 2  received by PC Smith, 2024-10-28T03:33:20\.000Z: signature valid; signer key ID $B given with -p: trusted\$" out.txt
	t_grep '^Custody: +2 events, chain intact; every signer trusted$' out.txt
	t_grep '^RESULT: PASS \(intact, every signer trusted\)$' out.txt
	# Only the exporter trusted: intact evidence from a trusted exporter
	# passes; event 2's signer is unverified, and the output says how to
	# verify it.
	t_expect_status 0 "$X" verify $b -p first.pub
	t_grep "^  event 2  received by PC Smith, .*: signature valid; signer key ID $B not given with -p: unverified\$" out.txt
	t_grep "^Custody: +2 events, chain intact; signer of event 2 unverified \(key ID $B not given with -p\)\$" out.txt
	t_grep "^RESULT: PASS \(intact, exported by a trusted key; custody event 2 unverified: to verify it, give the public key of key ID $B with -p\)\$" out.txt
	if grep -q 'NOT TRUSTED\|^problems:' out.txt; then t_fail "$c: unverified read as a failure"; fi
	# --strict demands every signer.
	t_expect_status 1 "$X" verify $b -p first.pub --strict
	t_grep "^  - custody event 2: signer key ID $B was not given with -p \(--strict demands every signer\)\$" out.txt
	t_grep "^RESULT: FAIL \(intact, but --strict demands every signer: the signer of custody event 2, key ID $B, was not given with -p\)\$" out.txt

	# Only custody.xml and tagmanifest-sha256.txt changed; same order.
	snapshot $b after-$c
	grep -v -e ' \./custody\.xml$' -e ' \./tagmanifest-sha256\.txt$' \
		before-$c.sum > before-$c.kept
	grep -v -e ' \./custody\.xml$' -e ' \./tagmanifest-sha256\.txt$' \
		after-$c.sum > after-$c.kept
	cmp -s before-$c.kept after-$c.kept ||
		{ diff before-$c.kept after-$c.kept >&2; t_fail "$c: payload changed"; }
	test "$(wc -l < before-$c.sum)" -eq "$(wc -l < after-$c.sum)" ||
		t_fail "$c: number of files changed"
	test "$(grep -c '^[0-9a-f]*  \./data/' after-$c.kept)" -ge 8 ||
		t_fail "$c: payload not compared"
	for f in custody.xml tagmanifest-sha256.txt; do
		! grep -q " \./$f\$" after-$c.kept || t_fail "$c: $f listed"
		a=$(grep " \./$f\$" before-$c.sum) b2=$(grep " \./$f\$" after-$c.sum)
		[ "$a" != "$b2" ] || t_fail "$c: $f did not change"
	done
	cmp -s before-$c.order after-$c.order || t_fail "$c: entry order changed"
	# The BagIt manifests check with the stock tool.
	unpack $b bag-$c
	(cd bag-$c && sha256sum -c --quiet tagmanifest-sha256.txt &&
		sha256sum -c --quiet manifest-sha256.txt) >sum.txt 2>&1 ||
		{ cat sum.txt >&2; t_fail "$c: sha256sum -c failed"; }
	grep -q 'PC Smith' bag-$c/custody.xml || t_fail "$c: event not in custody.xml"
	rm -rf bag-$c
	# No temporary left beside the bundle.
	! ls -A | grep -q -e '\.custody-' -e '\.rewrite-' -e '\.partial-' ||
		t_fail "$c: temporary left behind: $(ls -A)"
done

# ---- a third event, by the first key, on the folder bundle -------------
cp b.dir/custody.xml bag-dir-2events.xml    # (for the seal tests below)
SOURCE_DATE_EPOCH=1730172800 t_expect_status 0 "$X" custody add b.dir \
	-s first.key --actor "Jo Bloggs" --action copied
t_grep '^custody event 3 added to b.dir$' out.txt
t_expect_status 0 "$X" verify b.dir -p first.pub -p second.pub
t_grep "^  event 3  copied by Jo Bloggs, .*: signature valid; signer key ID $A given with -p: trusted\$" out.txt

# ---- custody show --------------------------------------------------------
t_expect_status 0 "$X" custody show b.dir -p first.pub
t_grep '^exhibit: ABC/1$' out.txt
t_grep '^events:  3$' out.txt
awk '/^event 2$/,/^$/' out.txt > ev2.txt
t_grep '^  time       2024-10-28T03:33:20\.000Z$' ev2.txt
t_grep '^  actor      PC Smith$' ev2.txt
t_grep '^  action     received$' ev2.txt
t_grep '^  note       sealed bag 123$' ev2.txt
t_grep "^  key ID     $B\$" ev2.txt
t_grep '^  signature  valid$' ev2.txt
t_grep '^  link       intact$' ev2.txt
t_grep '^  signer     unverified \(its key was not given with -p\)$' ev2.txt
awk '/^event 3$/,/^$/' out.txt > ev3.txt
t_grep '^  action     copied$' ev3.txt
t_grep '^  signer     trusted \(its key was given with -p\)$' ev3.txt
t_grep '^seal       closes the log at its last event$' out.txt
t_grep '^RESULT: intact; signer of event 2 unverified \(to verify, give its public key with -p\)$' out.txt
t_expect_status 1 "$X" custody show b.dir -p first.pub --strict
t_grep '^RESULT: FAIL \(intact, but --strict demands every signer: the signer of event 2 was not given with -p\)$' out.txt
t_expect_status 0 "$X" custody show b.dir -p first.pub -p second.pub --strict
t_grep '^RESULT: intact, every signer trusted$' out.txt
t_expect_status 0 "$X" custody show b.zip
t_grep '^events:  2$' out.txt
t_grep '^  signer     unverified \(no public key was given with -p\)$' out.txt
t_grep '^RESULT: intact; signers unverified \(to verify them, give their public keys with -p\)$' out.txt

# ---- a broken chain: verify and show fail naming the event -------------
# fixtag FOLDER: make tagmanifest-sha256.txt right again for custody.xml,
# so that only the custody chain can fail.
fixtag() {
	h=$(sha256sum "$1/custody.xml" | cut -d' ' -f1)
	sed "s|^[0-9a-f]*  custody\.xml\$|$h  custody.xml|" \
		"$1/tagmanifest-sha256.txt" > tm.tmp
	cat tm.tmp > "$1/tagmanifest-sha256.txt"
	(cd "$1" && sha256sum -c --quiet tagmanifest-sha256.txt) ||
		t_fail "fixtag $1"
}
broken() { # FOLDER EXPECTED-MESSAGE
	t_expect_status 1 "$X" verify "$1" -p first.pub -p second.pub
	t_grep "$2" out.txt
	# Nothing but custody.xml fails.
	awk '/^files:/,/^custody:/' out.txt > files.txt
	test "$(grep -c '^  FAIL  ' files.txt)" -eq 1 || t_fail "$1: other failures"
	t_grep '^  FAIL  custody +custody\.xml: ' out.txt
	t_expect_status 1 "$X" custody show "$1"
	t_grep "$2" err.txt
	t_grep '^RESULT: BROKEN$' out.txt
}

cp -R b.dir edited.dir
sed 's|<actor>PC Smith</actor>|<actor>PC Smyth</actor>|' b.dir/custody.xml \
	> edited.dir/custody.xml
fixtag edited.dir
broken edited.dir 'custody event 2: '

cp -R b.dir removed.dir
awk '/<event seq="2"/ { skip = 1 } !skip { print } /<\/event>/ { skip = 0 }' \
	b.dir/custody.xml > removed.dir/custody.xml
test "$(grep -c '<event ' removed.dir/custody.xml)" -eq 2 || t_fail "remove"
fixtag removed.dir
broken removed.dir 'custody event 3: found where event 2 should be'

cp -R b.dir swapped.dir
awk '/<event seq="2"/ { hold = 1 }
     hold == 1 { two = two $0 "\n"; if ($0 ~ /<\/event>/) hold = 2; next }
     hold == 2 && /<\/event>/ { print; printf "%s", two; hold = 3; next }
     { print }' b.dir/custody.xml > swapped.dir/custody.xml
grep -o 'event seq="[0-9]"' swapped.dir/custody.xml | tr '\n' ' ' > seqs.txt
t_grep '^event seq="1" event seq="3" event seq="2" $' seqs.txt
fixtag swapped.dir
broken swapped.dir 'custody event 3: found where event 2 should be'

# The last event removed from the end: every event left still chains, but
# the seal (made by event 3's signer over three events) no longer closes
# the log.
cp -R b.dir truncated.dir
awk '/<event seq="3"/ { skip = 1 } !skip { print } /<\/event>/ { skip = 0 }' \
	b.dir/custody.xml > truncated.dir/custody.xml
test "$(grep -c '<event ' truncated.dir/custody.xml)" -eq 2 || t_fail "truncate"
fixtag truncated.dir
broken truncated.dir 'custody seal: does not close the log at event 2 '
# A seal put back from the two-event log (as it was before event 3, by
# the second key) does not match three events either: the seal is tied
# to the log's length and its last event.
cp -R b.dir reseal.dir
sed -n '/<seal>/,/<\/seal>/p' bag-dir-2events.xml > seal2.txt
test -s seal2.txt || t_fail "no seal in the two-event log"
awk 'FNR == NR { s = s $0 "\n"; next }
     /<seal>/ { printf "%s", s; skip = 1 }
     !skip { print }
     /<\/seal>/ { skip = 0 }' seal2.txt b.dir/custody.xml > reseal.dir/custody.xml
grep -q '<event seq="3"' reseal.dir/custody.xml || t_fail "reseal: events"
cmp -s reseal.dir/custody.xml b.dir/custody.xml && t_fail "reseal: unchanged"
fixtag reseal.dir
broken reseal.dir 'custody seal: does not close the log at event 3 '

# ---- custody add refuses a bundle that is not intact --------------------
hashes edited.dir > edited.before
t_expect_status 1 "$X" custody add edited.dir -s second.key --actor x \
	--action received
t_grep 'edited\.dir: not intact, refusing to extend its custody log: custody\.xml: custody event 2: ' err.txt
hashes edited.dir | cmp -s edited.before - || t_fail "refused add changed it"

# A tar whose README was changed after export (one byte of its data, in
# place: a repack by GNU tar would be refused for its form first).
python3 - b.tar tampered.tar <<'PYEOF' || t_fail "tampering with the tar"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for off in range(0, len(data), 512):
    if data[off:off + 100].rstrip(b"\0") == b"ABC_1/data/README.txt":
        data[off + 512] ^= 0x20
        break
else:
    sys.exit("no ABC_1/data/README.txt header")
open(sys.argv[2], "wb").write(data)
PYEOF
cp tampered.tar tampered.orig
t_expect_status 1 "$X" custody add tampered.tar -s second.key --actor x \
	--action received
t_grep 'tampered\.tar: not intact, refusing to extend its custody log: .*data/README\.txt' err.txt
cmp -s tampered.tar tampered.orig || t_fail "refused add changed tampered.tar"

# ---- a failing add leaves the bundle as it was --------------------------
# The new archive cannot be written (file size limit: as a full disk would).
for b in b.zip b.tar; do
	cp $b $b.orig
	(trap '' XFSZ; ulimit -f 64; exec "$X" custody add $b -s second.key \
		--actor x --action received) >out.txt 2>err.txt && st=0 || st=$?
	test "$st" -eq 2 || { cat err.txt >&2; t_fail "$b: add under ulimit: $st"; }
	t_grep "^exhibit: $b: left unchanged: .*(File too large|Write error)" err.txt
	cmp -s $b $b.orig || t_fail "$b changed by a failed add"
	! ls -A | grep -q -e '\.custody-' -e '\.partial-' ||
		t_fail "temporary left behind: $(ls -A)"
done
hashes b.dir > dir.before
(trap '' XFSZ; ulimit -f 1; exec "$X" custody add b.dir -s second.key \
	--actor x --action received) >out.txt 2>err.txt && st=0 || st=$?
test "$st" -eq 2 || { cat err.txt >&2; t_fail "b.dir: add under ulimit: $st"; }
t_grep 'b\.dir/custody\.xml: File too large' err.txt
hashes b.dir | cmp -s dir.before - || t_fail "b.dir changed by a failed add"
! ls -A | grep -q -e '\.rewrite-' || t_fail "temporary left: $(ls -A)"
# A folder that cannot be written to (not for root, who can).
if [ "$(id -u)" -ne 0 ]; then
	mkdir ro && cp b.zip ro/ && chmod a-w ro
	t_expect_status 2 "$X" custody add ro/b.zip -s second.key --actor x \
		--action received
	t_grep 'ro/b\.zip: cannot make a temporary file beside it' err.txt
	cmp -s ro/b.zip b.zip || t_fail "read-only: bundle changed"
	chmod u+w ro
fi
"$X" verify b.zip -p first.pub -p second.pub >/dev/null ||
	t_fail "b.zip no longer verifies"

# ---- usage ---------------------------------------------------------------
t_expect_status 2 "$X" custody add b.zip -s second.key --action received
t_grep '^exhibit: --actor NAME is required$' err.txt
t_expect_status 2 "$X" custody frobnicate b.zip
t_grep "^exhibit: unknown custody subcommand 'frobnicate' \(use add or show\)\$" err.txt
t_expect_status 2 "$X" custody add b.zip -s second.key --actr A --action received
t_grep "^exhibit: unknown option '--actr' \(did you mean --actor\?\)\$" err.txt
t_expect_status 2 "$X" custody show no-such.zip
t_grep 'no-such\.zip: No such file or directory' err.txt
t_expect_status 0 "$X" custody add --help
t_grep '^Usage: exhibit custody add BUNDLE -s SECRET_KEY' out.txt
t_expect_status 0 "$X" custody show --help
t_grep '^Usage: exhibit custody show BUNDLE' out.txt

t_done
