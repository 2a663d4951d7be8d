#!/bin/sh
# minisign_interop.sh — exhibit's keys and signatures against stock minisign,
# both ways, with keys made fresh by each side (with and without a
# passphrase), and the same three forgeries rejected by both.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v minisign >/dev/null 2>&1 || t_skip "minisign is not installed"
SIGCHECK="$TOP_BUILDDIR/tests/tools/sigcheck"
unset EXHIBIT_PASSPHRASE_FILE || :
PASS='tall ship 42'
printf '%s\n' "$PASS" > pass
mkpass() { printf '%s\n%s\n' "$PASS" "$PASS"; }

# Keys: exhibit (-W and passphrase), minisign (-W and passphrase).
t_key ex-w
t_expect_status 0 env EXHIBIT_PASSPHRASE_FILE=pass "$EXHIBIT" keygen -s ex-e.key -p ex-e.pub
minisign -G -W -s ms-w.key -p ms-w.pub >/dev/null || t_fail "minisign -G -W"
mkpass | minisign -G -s ms-e.key -p ms-e.pub >/dev/null 2>&1 || t_fail "minisign -G"

printf 'camera 3 segment\n' > clip
head -c 70000 /dev/urandom > big   # more than one line, binary

# 1. exhibit signs -> stock minisign verifies (also with -H: prehashed).
# (Each use of a passphrase-protected key costs minisign's 1 GiB scrypt, so
# those keys sign one file each.)
for k in ex-w ex-e ms-w ms-e; do
	case $k in *-e) files=big ;; *) files='clip big' ;; esac
	for f in $files; do
		cp "$f" "$k.$f"
		t_expect_status 0 env EXHIBIT_PASSPHRASE_FILE=pass "$SIGCHECK" sign "$k.key" "$k.$f" "made by exhibit with $k"
		t_expect_status 0 minisign -Vm "$k.$f" -p "$k.pub"
		t_grep "^Trusted comment: made by exhibit with $k\$" out.txt
		t_expect_status 0 minisign -H -Vm "$k.$f" -p "$k.pub"
		t_expect_status 0 "$SIGCHECK" verify "$k.pub" "$k.$f"
		t_grep '^verified: prehashed' out.txt
	done
done

# 2. stock minisign signs (prehashed default, and legacy -l) -> exhibit verifies.
for k in ex-w ex-e ms-w ms-e; do
	case $k in *-e) w= ;; *) w=-W ;; esac
	cp clip "mk.$k"
	echo "$PASS" | minisign -S $w -s "$k.key" -m "mk.$k" -t "by minisign $k" >/dev/null 2>&1 \
		|| t_fail "minisign -S with $k.key"
	t_expect_status 0 "$SIGCHECK" verify "$k.pub" "mk.$k"
	t_grep '^verified: prehashed signature' out.txt
	t_grep "^trusted comment: by minisign $k\$" out.txt
	[ -z "$w" ] && continue         # legacy form: unencrypted keys suffice
	minisign -S -l $w -s "$k.key" -m "mk.$k" -x "mk.$k.legacy" -t "legacy $k" >/dev/null 2>&1 \
		|| t_fail "minisign -S -l with $k.key"
	t_expect_status 0 "$SIGCHECK" verify "$k.pub" "mk.$k" "mk.$k.legacy"
	t_grep '^verified: legacy signature' out.txt
	t_grep "^trusted comment: legacy $k\$" out.txt
done
# minisign -H refuses legacy signatures; exhibit always writes prehashed ones.
t_expect_status 1 minisign -H -Vm mk.ms-w -x mk.ms-w.legacy -p ms-w.pub
t_grep 'Legacy' err.txt

# 3. Forgeries: rejected by both, each for its own reason.
# (a) one bit flipped in the signed file
cp ex-w.big flipped
printf '\001' | dd of=flipped bs=1 seek=1000 count=1 conv=notrunc 2>/dev/null
cmp -s flipped ex-w.big && t_fail "bit flip did not change the file"
cp ex-w.big.minisig flipped.minisig
t_expect_status 1 minisign -Vm flipped -p ex-w.pub
t_grep 'Signature verification failed' err.txt
t_expect_status 1 "$SIGCHECK" verify ex-w.pub flipped
t_grep 'flipped: signature does not match' err.txt
# and in a file stock minisign signed
cp mk.ms-w flipped2
printf 'X' | dd of=flipped2 bs=1 seek=0 count=1 conv=notrunc 2>/dev/null
cp mk.ms-w.minisig flipped2.minisig
t_expect_status 1 minisign -Vm flipped2 -p ms-w.pub
t_expect_status 1 "$SIGCHECK" verify ms-w.pub flipped2
t_grep 'signature does not match' err.txt

# (b) the wrong key
ex_id=$(sed -n 's/^untrusted comment: minisign public key \([0-9A-F]*\).*/\1/p' ex-w.pub)
ms_id=$(sed -n 's/^untrusted comment: minisign public key \([0-9A-F]*\).*/\1/p' ms-w.pub)
[ -n "$ex_id" ] && [ -n "$ms_id" ] || t_fail "no key IDs in the public keys"
t_expect_status 1 minisign -Vm ex-w.clip -p ms-w.pub
t_grep 'key id' err.txt
t_expect_status 1 "$SIGCHECK" verify ms-w.pub ex-w.clip
t_grep "signed by key ID $ex_id, not $ms_id" err.txt

# (c) the trusted comment edited (same length, one letter changed)
sed 's/^trusted comment: made by exhibit/trusted comment: made by exhibiT/' \
	ex-w.clip.minisig > edited.minisig
cmp -s edited.minisig ex-w.clip.minisig && t_fail "comment was not edited"
t_expect_status 1 minisign -Vm ex-w.clip -x edited.minisig -p ex-w.pub
t_grep 'Comment signature verification failed' err.txt
t_expect_status 1 "$SIGCHECK" verify ex-w.pub ex-w.clip edited.minisig
t_grep 'trusted comment has been altered' err.txt

# (d) garbage in the signature line: a format error (exit 2), not a pass
sed '2s/^\(.\{20\}\)./\1*/' ex-w.clip.minisig > garbled.minisig
t_expect_status 2 "$SIGCHECK" verify ex-w.pub ex-w.clip garbled.minisig
t_grep 'garbled.minisig: signature: invalid base64 \(format\)' err.txt
t_done
