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
rm -rf "$T_DIR" "$T_DIR.cache" "$T_DIR.data"
mkdir -p "$T_DIR"
cd "$T_DIR"
# Each test has its own segment index (scan's cache), beside its folder:
# never the user's, never shared with a test running at the same time.
export XDG_CACHE_HOME="$T_DIR.cache"
# And its own disclosure register (every export records itself there).
export XDG_DATA_HOME="$T_DIR.data"
unset EXHIBIT_REGISTER
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
t_done() { cd "$TOP_BUILDDIR"; rm -rf "$T_DIR" "$T_DIR.cache" "$T_DIR.data"; }

# --- what many tests make ---------------------------------------------------
# t_need TOOL...: skip the test unless every TOOL is installed.
t_need() {
	for t_tool in "$@"; do
		command -v "$t_tool" >/dev/null 2>&1 ||
			t_skip "$t_tool not installed"
	done
}
# t_clip FILE [SECONDS]: a small recorder file, SECONDS (1) of ffmpeg's
# testsrc, 64x36 at 10 fps, H.264 with a keyframe each second.
t_clip() {
	ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
		-i "testsrc=size=64x36:rate=10:duration=${2:-1}" -c:v libx264 \
		-preset ultrafast -g 10 -bf 0 -pix_fmt yuv420p "$1"
}
# t_key [NAME]: a key pair without a passphrase, NAME.key and NAME.pub
# (k.key and k.pub when no NAME is given).
t_key() {
	"$EXHIBIT" keygen -W -s "${1:-k}.key" -p "${1:-k}.pub" >/dev/null ||
		t_fail "keygen of ${1:-k}.key failed"
}
# t_export ARCHIVE OUTPUT [OPTION...]: an export as most tests make one:
# signed with k.key, case C-1, operator Jo Bloggs, preset ultrafast, one
# job; the OPTIONs follow (--camera, --from, --to, --exhibit...), and one
# given again replaces these (the last one counts).
t_export() {
	t_arc=$1 t_out=$2; shift 2
	"$EXHIBIT" export "$t_arc" -o "$t_out" -s k.key --case C-1 \
		--operator "Jo Bloggs" --preset ultrafast --jobs 1 "$@"
}
# t_export_sample OUTPUT [OPTION...]: t_export from samples/archive.
t_export_sample() { t_export "$TOP_SRCDIR/samples/archive" "$@"; }

# --- proving nothing changed ------------------------------------------------
# t_snapshot FOLDER: the SHA-256 of every file below FOLDER, and the name,
# size, times and mode of every entry, one a line.
t_snapshot() {
	(cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum &&
	    find . -print | LC_ALL=C sort | xargs stat -c '%n %s %Y %Z %a')
}
# t_same_snapshot BEFORE FOLDER WHAT: FOLDER is as t_snapshot saw it into
# the file BEFORE (WHAT names the step, for the failure).
t_same_snapshot() {
	t_snapshot "$2" >"$1.now"
	cmp -s "$1" "$1.now" ||
		{ diff "$1" "$1.now" >&2; t_fail "$3: $2 changed"; }
}
# t_listing: the names in the test's folder, but for the files of these
# helpers (out.txt, err.txt, before.txt, after.txt).
t_listing() {
	ls -A | grep -v -x -e out.txt -e err.txt -e before.txt -e after.txt
}
# t_nothing_new WHAT: the test's folder holds the names it held when
# t_listing wrote before.txt (WHAT names the step, for the failure).
t_nothing_new() {
	t_listing >after.txt
	diff before.txt after.txt >&2 || t_fail "$1 left something behind"
}

# --- waiting on state, not on the clock -------------------------------------
# t_wait_for SECONDS WHAT COMMAND...: run COMMAND every tenth of a second
# until it succeeds; fail naming WHAT after SECONDS.  (The only sleep the
# tests need: a poll with a bound.)
t_wait_for() {
	t_limit=$(($1 * 10)) t_what=$2 t_n=0; shift 2
	until "$@"; do
		t_n=$((t_n + 1))
		[ "$t_n" -lt "$t_limit" ] || t_fail "waited $((t_limit / 10)) s for $t_what"
		sleep 0.1
	done
}
# t_cpu_ticks PID: the clock ticks PID has run (user + system; /proc),
# empty once it has ended (gone, or a zombie not yet waited for).
t_cpu_ticks() {
	# (the name, field 2, may hold blanks: read after its closing bracket)
	sed -n 's/^.*) //p' "/proc/$1/stat" 2>/dev/null |
		awk '$1 != "Z" && $1 != "X" { print $12 + $13 }'
}
# t_has_run PID TICKS: PID is gone, or has run TICKS clock ticks.
t_has_run() {
	t_ticks=$(t_cpu_ticks "$1")
	[ -z "$t_ticks" ] || [ "$t_ticks" -ge "$2" ]
}

# --- a browser for the page tests -------------------------------------------
# t_browser SCRIPT: skip without chromium, node or npm; else playwright-core
# exactly as locked, and tests/browser/SCRIPT, into ./browser (from npm's
# cache, or the registry when it is not there; a machine that has neither
# cannot run the test, which is not a failure of exhibit).
t_browser() {
	CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
	test -x "$CHROMIUM" ||
		t_skip "chromium not installed (apt-get install chromium)"
	command -v node >/dev/null 2>&1 ||
		t_skip "node not installed (apt-get install nodejs npm)"
	command -v npm >/dev/null 2>&1 ||
		t_skip "npm not installed (apt-get install npm)"
	mkdir browser
	cp "$TOP_SRCDIR/tests/browser/package.json" \
		"$TOP_SRCDIR/tests/browser/package-lock.json" \
		"$TOP_SRCDIR/tests/browser/$1" browser/
	if ! (cd browser && npm ci --no-audit --no-fund --prefer-offline \
	    --loglevel=error >../npm.txt 2>&1); then
		cat npm.txt >&2
		if grep -Eq 'code (ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)' npm.txt; then
			t_skip "playwright-core is not in npm's cache and the registry cannot be reached"
		fi
		t_fail "npm ci of tests/browser failed"
	fi
}
