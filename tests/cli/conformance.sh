#!/bin/sh
# conformance.sh — `exhibit verify` over the conformance corpus
# (tests/conformance/README): for every line of cases.tsv, verify FILE with
# the keys named must exit as stated within 5 s, print the reason (a fixed
# string) in its text output, and — for a failing case — report a
# <problem> of the stated kind whose text holds the reason in --xml;
# nothing from the bundle may reach the output raw.
. "$TOP_SRCDIR/tests/cli/lib.sh"
C=$TOP_SRCDIR/tests/conformance
test -f "$C/cases.tsv" || t_fail "no $C/cases.tsv"
TAB=$(printf '\t')
# run OUT ARGS...: verify from the corpus folder (paths as in cases.tsv),
# 5 s at most; sets $got.
run() {
	o=$T_DIR/$1; shift
	set +e
	(cd "$C" && timeout 5 "$EXHIBIT" verify "$@") >"$o" 2>&1
	got=$?
	set -e
}
# xml_has FILE KIND REASON: a <problem kind="KIND"> line holding REASON
# (XML-escaped as verify escapes text).
xml_has() {
	r=$(printf '%s' "$3" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
	grep -F "<problem kind=\"$2\"" "$1" | grep -qF -- "$r"
}
n=0
bad=0
while IFS="$TAB" read -r file keys want kind reason desc; do
	case $file in '#'*|'') continue ;; esac
	n=$((n + 1))
	set -- "$file"
	if [ "$keys" != "-" ]; then
		for k in $(echo "$keys" | tr ',' ' '); do
			set -- "$@" -p "keys/$k.pub"
		done
	fi
	test -e "$C/$file" || { echo "FAIL: $file: not in the corpus" >&2; bad=$((bad + 1)); continue; }
	run text.txt "$@"
	if [ "$got" -ne "$want" ]; then
		cat text.txt >&2
		echo "FAIL: $file ($keys): exit $got, expected $want ($desc)" >&2
		bad=$((bad + 1)); continue
	fi
	if ! grep -qF -- "$reason" text.txt; then
		cat text.txt >&2
		echo "FAIL: $file ($keys): no '$reason' in the output ($desc)" >&2
		bad=$((bad + 1)); continue
	fi
	if tr -d '\n' <text.txt | LC_ALL=C grep -q '[[:cntrl:]]'; then
		echo "FAIL: $file: a control character in the output" >&2
		bad=$((bad + 1)); continue
	fi
	run xml.txt "$@" --xml
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $file ($keys): --xml exit $got, expected $want" >&2
		bad=$((bad + 1)); continue
	fi
	if [ "$kind" != "-" ]; then
		if ! xml_has xml.txt "$kind" "$reason"; then
			cat xml.txt >&2
			echo "FAIL: $file ($keys): no <problem kind=\"$kind\"> naming '$reason'" >&2
			bad=$((bad + 1)); continue
		fi
	elif [ "$want" -eq 0 ] && grep -q '<problem' xml.txt; then
		cat xml.txt >&2
		echo "FAIL: $file ($keys): a passing bundle with problems" >&2
		bad=$((bad + 1)); continue
	fi
done <"$C/cases.tsv"
[ "$n" -ge 40 ] || t_fail "only $n cases in cases.tsv"
[ "$bad" -eq 0 ] || t_fail "$bad of $n conformance cases failed"
echo "$n conformance cases agree"
t_done
