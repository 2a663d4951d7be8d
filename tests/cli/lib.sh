# lib.sh — shared helpers for the end-to-end tests (sourced).
# Each test runs in a fresh folder under the build tree, kept when it fails.
set -eu
: "${EXHIBIT:?EXHIBIT must name the built binary}"
: "${TOP_SRCDIR:?}"
: "${TOP_BUILDDIR:?}"
T_NAME=$(basename "$0" .sh)
T_DIR="$TOP_BUILDDIR/tests/work/$T_NAME"
# A failed earlier run may have left a folder it had made read-only (which
# only root could then remove).
if [ -d "$T_DIR" ]; then chmod -R u+w "$T_DIR" 2>/dev/null || :; fi
rm -rf "$T_DIR"
mkdir -p "$T_DIR"
cd "$T_DIR"
t_fail() { echo "FAIL: $*" >&2; exit 1; }
t_skip() { echo "SKIP: $*" >&2; exit 77; }
# t_expect_status N cmd...: run cmd, require exit status N, keep its output.
t_expect_status() {
	want=$1; shift
	set +e
	"$@" >out.txt 2>err.txt
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		cat out.txt err.txt >&2
		t_fail "expected exit $want, got $got: $*"
	fi
}
# t_grep PATTERN FILE: require an extended-regex match.
t_grep() { grep -Eq -- "$1" "$2" || { cat "$2" >&2; t_fail "no '$1' in $2"; }; }
t_done() { cd "$TOP_BUILDDIR"; rm -rf "$T_DIR"; }
