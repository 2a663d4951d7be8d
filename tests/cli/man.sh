#!/bin/sh
# man.sh — the manuals and the bash completion stay right:
#  - every option that `exhibit CMD --help` lists is documented in exhibit(1)
#    and offered by completion/exhibit.bash for that command;
#  - the completion completes subcommands, options and --container values;
#  - `mandoc -Tlint -W warning` finds nothing in exhibit.1 and
#    exhibit-bundle.5 (any message is a failure).
. "$TOP_SRCDIR/tests/cli/lib.sh"
page1="$TOP_SRCDIR/man/exhibit.1"
page5="$TOP_SRCDIR/man/exhibit-bundle.5"
comp="$TOP_SRCDIR/completion/exhibit.bash"
command -v bash >/dev/null 2>&1 || t_skip "bash not installed"

# --- every subcommand and option of --help is in the manual and completion.
t_expect_status 0 "$EXHIBIT" --help
sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' out.txt > commands.txt
test "$(wc -l < commands.txt)" -ge 5 || t_fail "no commands in --help"
sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$page1" > synopsis.txt
while read -r c; do
	grep -q "^\.Cm $c\( \|$\)" synopsis.txt ||
		t_fail "exhibit.1: no SYNOPSIS line for '$c'"
	grep -q "^\.Ss exhibit $c" "$page1" ||
		t_fail "exhibit.1: no DESCRIPTION of '$c'"
done < commands.txt

# The options of one subcommand's --help ("-x, --long ARG" or "--long").
help_opts() {
	sed -n 's/^ \{1,\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\1\2/p' \
	    "$1" | tr -d ',' | tr ' ' '\n' | sed '/^$/d'
}

# Run `bash` with the completion loaded; print the completions of a line
# (words as arguments; the last one is the word being completed).
complete_line() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_exhibit
		printf "%s\n" "${COMPREPLY[@]}"
	' complete_line "$comp" "$@"
}

checked=0
for c in keygen scan export verify "custody add" "custody show" \
    "register list" "register verify" "register report"; do
	set +e
	"$EXHIBIT" $c --help >help.txt 2>herr.txt
	rc=$?
	set -e
	if [ "$rc" -ne 0 ]; then
		# custody is being built: tolerated only while it says so.
		case $c in
		custody*) grep -q 'not implemented' herr.txt ||
			{ cat herr.txt >&2; t_fail "'$c --help' exits $rc"; }
			echo "note: '$c' not implemented yet; its options unchecked"
			continue ;;
		esac
		cat herr.txt >&2
		t_fail "'exhibit $c --help' exits $rc"
	fi
	help_opts help.txt > opts.txt
	test -s opts.txt || { cat help.txt >&2; t_fail "no options in '$c --help'"; }
	# The subcommand's own part of DESCRIPTION, its option list.
	sed -n "/^\\.Ss exhibit $c\$/,/^\\.S[sh] /p" "$page1" |
	    grep '^\.It ' > items.txt || true
	complete_line exhibit $c - > comp.txt
	while read -r o; do
		case $o in
		-h|--help) pat="Fl ${o#-}\\( \\|\$\\)"; where=$page1 ;;
		--*) pat="Fl -${o#--}\\( \\|\$\\)"; where=items.txt ;;
		*) pat="Fl ${o#-}\\( \\|\$\\)"; where=items.txt ;;
		esac
		grep -q "$pat" "$where" ||
			t_fail "exhibit.1 does not describe '$c $o' under 'exhibit $c'"
		grep -qx -- "$o" comp.txt ||
			t_fail "completion does not offer '$c $o'"
		checked=$((checked + 1))
	done < opts.txt
done
test "$checked" -ge 30 || t_fail "only $checked options checked"

# --- completion smoke test.
complete_line exhibit ex > c.txt
test "$(cat c.txt)" = export || { cat c.txt >&2; t_fail "'exhibit ex' does not complete to export"; }
complete_line exhibit export --con > c.txt
test "$(cat c.txt)" = --container || { cat c.txt >&2; t_fail "'exhibit export --con' does not complete to --container"; }
complete_line exhibit export --container "" > c.txt
test "$(sort c.txt | tr '\n' ' ')" = "dir iso tar zip " ||
	{ cat c.txt >&2; t_fail "--container values"; }
complete_line exhibit custody "" > c.txt
test "$(tr '\n' ' ' < c.txt)" = "add show " || t_fail "custody actions"
complete_line exhibit register "" > c.txt
test "$(tr '\n' ' ' < c.txt)" = "list verify report " || t_fail "register actions"
complete_line exhibit export --purpose s > c.txt
test "$(cat c.txt)" = subject-access || t_fail "--purpose values"
# Camera IDs come from scan of the archive on the line; one already chosen
# (earlier in the comma list, or by another --camera) is not offered again.
arch="$TOP_SRCDIR/samples/archive"
PATH="$(dirname "$EXHIBIT"):$PATH" complete_line exhibit export "$arch" \
    --camera "" > c.txt
test "$(sort c.txt | tr '\n' ' ')" = "cam1 cam2 " ||
	{ cat c.txt >&2; t_fail "--camera does not offer the archive's cameras"; }
PATH="$(dirname "$EXHIBIT"):$PATH" complete_line exhibit export "$arch" \
    --camera cam1, > c.txt
test "$(tr '\n' ' ' < c.txt)" = "cam1,cam2 " ||
	{ cat c.txt >&2; t_fail "'--camera cam1,' offers a chosen camera again"; }
PATH="$(dirname "$EXHIBIT"):$PATH" complete_line exhibit export "$arch" \
    --camera cam2 --camera "" > c.txt
test "$(tr '\n' ' ' < c.txt)" = "cam1 " ||
	{ cat c.txt >&2; t_fail "a second --camera offers the first one again"; }
bash -c '. "$1" && complete -p exhibit' x "$comp" > c.txt 2>&1 ||
	{ cat c.txt >&2; t_fail "the completion is not registered for exhibit"; }
t_grep '^complete -F _exhibit exhibit$' c.txt

# --- mandoc's lint: not one message at warning level or above.
command -v mandoc >/dev/null 2>&1 || t_skip "mandoc not installed"
for p in "$page1" "$page5"; do
	set +e
	mandoc -Tlint -W warning "$p" >lint.txt 2>&1
	rc=$?
	set -e
	if [ "$rc" -ne 0 ] || [ -s lint.txt ]; then
		cat lint.txt >&2
		t_fail "mandoc -Tlint: $(basename "$p") is not clean (exit $rc)"
	fi
done
t_done
