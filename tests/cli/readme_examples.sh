#!/bin/sh
# readme_examples.sh — run the commands of README.md's "Using it" block, in
# order, so the README cannot drift from what the code does.
. "$TOP_SRCDIR/tests/cli/lib.sh"

# The first ```sh block after "## Using it", continuation lines joined and
# trailing comments dropped.
awk '/^## Using it/ { s = 1; next }
     s == 1 && /^```sh/ { s = 2; next }
     s == 2 && /^```/ { exit }
     s == 2 { print }' "$TOP_SRCDIR/README.md" |
	sed -e 's/[[:space:]]*#[^"]*$//' |
	awk '/\\$/ { sub(/\\$/, ""); buf = buf $0; next } { print buf $0; buf = "" }' \
	>examples.sh
[ "$(grep -c '^exhibit ' examples.sh)" -ge 7 ] ||
	{ cat examples.sh >&2; t_fail "README examples not found"; }

mkdir -p bin samples
ln -s "$EXHIBIT" bin/exhibit
ln -s "$TOP_SRCDIR/samples/archive" samples/archive
printf 'correct horse battery staple\n' >pass.txt
EXHIBIT_PASSPHRASE_FILE=$(pwd)/pass.txt
export EXHIBIT_PASSPHRASE_FILE
PATH=$(pwd)/bin:$PATH

n=0
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	n=$((n + 1))
	echo "example $n: $cmd" >&2
	sh -c "$cmd" >"ex$n.out" 2>&1 ||
		{ cat "ex$n.out" >&2; t_fail "README example $n failed: $cmd"; }
done <examples.sh
grep -q 'RESULT: PASS' "ex$n.out" || { cat "ex$n.out" >&2; t_fail "last verify did not pass"; }
t_done
