#!/bin/sh
# keygen.sh — exhibit keygen: files, modes, refusals, passphrase sources.
. "$TOP_SRCDIR/tests/cli/lib.sh"
SIGCHECK="$TOP_BUILDDIR/tests/tools/sigcheck"

# Usage errors exit 2 and say what was wrong.
t_expect_status 0 "$EXHIBIT" keygen --help
t_grep '^Usage: exhibit keygen -s SECRET_KEY -p PUBLIC_KEY \[-W\] \[-c COMMENT\]' out.txt
t_expect_status 2 "$EXHIBIT" keygen -W -s only.key
t_grep 'both -s SECRET_KEY and -p PUBLIC_KEY are required' err.txt
t_expect_status 2 "$EXHIBIT" keygen -W -s a.key -p a.pub extra
t_grep "unexpected argument 'extra'" err.txt
t_expect_status 2 "$EXHIBIT" keygen -W -s a.key -p a.pub --bogus
t_grep "Try 'exhibit keygen --help'" err.txt
[ ! -e a.key ] && [ ! -e a.pub ] || t_fail "usage error left files behind"

# -W: unencrypted key pair, secret key 0600, ID printed and in the pub file.
t_expect_status 0 "$EXHIBIT" keygen -s w.key -p w.pub -W -c "Desk 2"
t_grep '^Key ID: +[0-9A-F]{1,16}$' out.txt
id=$(sed -n 's/^Key ID: *//p' out.txt)
t_grep "^untrusted comment: minisign public key $id \\(Desk 2\\)$" w.pub
t_grep '^RW[A-Za-z0-9+/]{54}$' w.pub
t_grep "^untrusted comment: minisign encrypted secret key$" w.key
[ "$(stat -c %a w.key)" = 600 ] || t_fail "secret key mode $(stat -c %a w.key)"
t_grep 'Secret key: w.key \(NOT passphrase-protected' out.txt
t_grep 'Public key: w.pub' out.txt
# The key signs, and the signature checks against the public key.
echo "footage" > data
t_expect_status 0 "$SIGCHECK" sign w.key data "exhibit keygen test"
t_expect_status 0 "$SIGCHECK" verify w.pub data
t_grep "by key ID $id\$" out.txt

# Never overwrite either file; nothing new is left behind.
cp w.key w.key.orig
t_expect_status 2 "$EXHIBIT" keygen -s w.key -p other.pub -W
t_grep 'w.key: already exists; refusing to overwrite it' err.txt
t_expect_status 2 "$EXHIBIT" keygen -s other.key -p w.pub -W
t_grep 'w.pub: already exists; refusing to overwrite it' err.txt
cmp -s w.key w.key.orig || t_fail "secret key was changed"
[ ! -e other.key ] && [ ! -e other.pub ] || t_fail "refusal left files behind"

# A secret key others can read is refused when it is used.
chmod 640 w.key
t_expect_status 2 "$SIGCHECK" sign w.key data
t_grep "w.key: secret key file is accessible by group or others \\(mode 0640\\); run 'chmod 600 w.key'" err.txt
chmod 600 w.key

# No -W, no terminal, no passphrase file: usage error that says what to do.
if command -v setsid >/dev/null 2>&1; then
	unset EXHIBIT_PASSPHRASE_FILE || :
	t_expect_status 2 setsid -w "$EXHIBIT" keygen -s n.key -p n.pub
	t_grep 'no terminal to ask on and EXHIBIT_PASSPHRASE_FILE is not set' err.txt
	t_grep 'use -W for a key without a passphrase' err.txt
	[ ! -e n.key ] || t_fail "left a secret key behind"
fi

# Passphrase from EXHIBIT_PASSPHRASE_FILE (first line, newline not part of it).
printf 'horse battery\nsecond line\n' > pass
: > empty
t_expect_status 2 env EXHIBIT_PASSPHRASE_FILE=empty "$EXHIBIT" keygen -s e.key -p e.pub
t_grep 'empty passphrase' err.txt
t_expect_status 2 env EXHIBIT_PASSPHRASE_FILE=missing "$EXHIBIT" keygen -s e.key -p e.pub
t_grep 'missing \(from EXHIBIT_PASSPHRASE_FILE\): No such file' err.txt
[ ! -e e.key ] || t_fail "left a secret key behind"
t_expect_status 0 env EXHIBIT_PASSPHRASE_FILE=pass "$EXHIBIT" keygen -s e.key -p e.pub
t_grep 'Secret key: e.key \(passphrase-protected' out.txt
printf 'horse battery' > pass-nonl
t_expect_status 0 env EXHIBIT_PASSPHRASE_FILE=pass-nonl "$SIGCHECK" sign e.key data
t_expect_status 0 "$SIGCHECK" verify e.pub data
printf 'horse batteryX\n' > wrong
t_expect_status 2 env EXHIBIT_PASSPHRASE_FILE=wrong "$SIGCHECK" sign e.key data
t_grep 'e.key: wrong passphrase for this secret key' err.txt

# Key files given for one another are named for what they are (issue 12),
# before any advice about modes or base64 that would not apply.
chmod 644 e.pub
t_expect_status 2 "$SIGCHECK" sign e.pub data
t_grep 'e\.pub: this is a minisign public key, not a secret key \(-s needs the secret key' err.txt
if grep -q chmod err.txt; then t_fail "chmod advice for a public key"; fi
t_expect_status 2 "$SIGCHECK" verify e.key data
t_grep 'e\.key: this is a minisign secret key, not a public key' err.txt
t_expect_status 2 "$SIGCHECK" verify data.minisig data
t_grep 'data\.minisig: this is a minisign signature, not a public key' err.txt

# The same mix-ups through exhibit itself, as the issue met them: export
# -s op.pub, custody add -s with a public key, verify -p police.key.
chmod 644 e.pub
t_expect_status 2 "$EXHIBIT" export "$TOP_SRCDIR/samples/archive" -o x.zip \
	--camera cam1 --from 2024-10-27T00:59:38Z --to 2024-10-27T00:59:40Z \
	-s e.pub --case C --exhibit E --operator O
t_grep '^exhibit: e\.pub: this is a minisign public key, not a secret key \(-s needs the secret key' err.txt
if grep -Eq 'chmod|base64' err.txt; then t_fail "wrong advice for -s PUBLIC_KEY"; fi
[ ! -e x.zip ] || t_fail "export with a public key as -s wrote x.zip"
t_expect_status 2 "$EXHIBIT" verify nothing.zip -p e.key
t_grep '^exhibit: e\.key: this is a minisign secret key, not a public key \(-p needs a public key' err.txt
t_expect_status 2 "$EXHIBIT" custody add nothing.zip -s e.pub --actor A \
	--action received
t_grep '^exhibit: e\.pub: this is a minisign public key, not a secret key' err.txt

# Ctrl-C during the slow key derivation leaves no file behind (it runs
# before any file is made; the keys are then written under hidden
# temporary names and linked into place whole),
# so a new keygen with the same names works (issue 12, item 8).
printf 'horse battery\n' > int-pass
# (A background job of a script starts with SIGINT ignored: python puts
# back the default a terminal's Ctrl-C meets.)
EXHIBIT_PASSPHRASE_FILE=int-pass python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$EXHIBIT" keygen -s int.key -p int.pub \
	>/dev/null 2>&1 &
kpid=$!
# Interrupted in the derivation: once exhibit runs (python has exec'd it)
# and has spent a fifth of a second of CPU (the derivation is all CPU; the
# passphrase file is read before it).  If it finishes first, see below.
keygen_started() {
	[ -z "$(t_cpu_ticks "$kpid")" ] ||
	    { grep -q '^[0-9]* (exhibit) ' "/proc/$kpid/stat" 2>/dev/null &&
	    t_has_run "$kpid" $(($(getconf CLK_TCK) / 5)); }
}
t_wait_for 30 "keygen to derive its key" keygen_started
kill -INT "$kpid" 2>/dev/null || :
set +e; wait "$kpid"; kst=$?; set -e
if [ "$kst" -eq 0 ]; then
	# (finished before the signal: then both are whole keys)
	"$SIGCHECK" sign int.key data >/dev/null 2>&1 ||
		EXHIBIT_PASSPHRASE_FILE=int-pass "$SIGCHECK" sign int.key data \
		>/dev/null || t_fail "an uninterrupted keygen made a bad key"
else
	[ ! -e int.key ] && [ ! -e int.pub ] ||
		t_fail "an interrupted keygen left int.key or int.pub (exit $kst)"
	# nor its hidden temporary files: the derivation runs before any
	# file is made
	if ls -A | grep -q '^\.int\.'; then
		ls -A >&2; t_fail "an interrupted keygen left hidden files"
	fi
	t_expect_status 0 "$EXHIBIT" keygen -W -s int.key -p int.pub
fi

# On a terminal: asked twice, and the two answers must agree.
if command -v script >/dev/null 2>&1; then
	unset EXHIBIT_PASSPHRASE_FILE || :
	t_expect_status 2 sh -c 'printf "one\ntwo\n" | script -qec "\"$1\" keygen -s t.key -p t.pub" /dev/null' sh "$EXHIBIT"
	t_grep 'the passphrases do not match' out.txt
	[ ! -e t.key ] || t_fail "left a secret key behind"
fi
t_done
