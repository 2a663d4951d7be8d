#!/bin/sh
# register_faults.sh — the disclosure register under faults.  Several
# exports at once all land, each with its own row, in a valid chain; an
# export killed (SIGKILL, SIGTERM, SIGINT) at many moments, or failing on
# a write error, leaves either a complete bundle and its row, or neither;
# a read-only register and a full disk fail the export before anything is
# released (exit 2, no bundle, a clear message) and leave the register as
# it was.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need sqlite3 unzip
t_key
reg="$XDG_DATA_HOME/exhibit/register.sqlite"
rows() { sqlite3 "$1" 'SELECT count(*) FROM disclosure'; }
# The row that names this manifest's SHA-256 (empty: none).
row_of() {
	unzip -p "$2" '*/manifest.xml' >m.xml
	sqlite3 "$1" "SELECT row FROM disclosure WHERE manifest_sha256 = '$(sha256sum m.xml | cut -c1-64)'"
}
set -- --camera cam1,cam2 --from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:50Z \
	--preset ultrafast --jobs 1

# --- exports at once ------------------------------------------------------------
pids=
for i in 1 2 3 4 5; do
	t_export_sample c$i.zip --exhibit E/c$i --no-working "$@" >c$i.out 2>c$i.err &
	pids="$pids $!"
done
i=0
for p in $pids; do
	i=$((i + 1))
	wait "$p" || { cat c$i.err >&2; t_fail "export c$i of five at once failed"; }
done
[ "$(rows "$reg")" -eq 5 ] || t_fail "five exports at once: $(rows "$reg") rows"
seen=
for i in 1 2 3 4 5; do
	r=$(row_of "$reg" c$i.zip)
	[ -n "$r" ] || t_fail "c$i.zip has no row"
	grep -q "<register row=\"$r\" previous=" m.xml ||
		t_fail "c$i.zip's manifest does not name row $r"
	t_grep "^recorded as row $r of the disclosure register" c$i.out
	case " $seen " in *" $r "*) t_fail "row $r twice" ;; esac
	seen="$seen $r"
done
t_expect_status 0 "$EXHIBIT" register verify -p k.pub
t_grep '^RESULT: intact' out.txt

# --- killed at many moments: a bundle and its row, or neither --------------------
t0=$(date +%s%N)
t_export_sample timed.zip --exhibit E/t "$@" --register timed.sqlite >/dev/null 2>&1 ||
	t_fail "a plain export failed"
whole_ms=$((($(date +%s%N) - t0) / 1000000))
echo "one export takes ${whole_ms} ms"
before=$(rows "$reg")
stopped=0 finished=0 i=0
for pct in 0 5 10 20 30 40 50 60 70 80 85 90 95 98 100 103 106 110 120 150; do
	delay=$(awk -v ms="$whole_ms" -v p="$pct" 'BEGIN { printf "%.3f", ms * p / 100000 }')
	i=$((i + 1))
	case $((i % 3)) in 0) sig=KILL ;; 1) sig=TERM ;; 2) sig=INT ;; esac
	# exhibit itself, not a subshell around it: the signal is for it.
	"$EXHIBIT" export "$TOP_SRCDIR/samples/archive" -o k$i.zip -s k.key \
		--case C-1 --operator Op --exhibit E/k$i "$@" >k$i.out 2>k$i.err &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null || true
	set +e; wait "$pid"; rc=$?; set -e
	if [ -e k$i.zip ]; then
		r=$(row_of "$reg" k$i.zip)
		[ -n "$r" ] || t_fail "k$i.zip ($sig after ${delay}s, exit $rc): a bundle without its row"
		finished=$((finished + 1))
	else
		n=$(sqlite3 "$reg" "SELECT count(*) FROM disclosure WHERE bundle LIKE '%/k$i.zip'")
		[ "$n" -eq 0 ] || t_fail "k$i.zip ($sig after ${delay}s, exit $rc): a row without its bundle"
		[ "$rc" -ne 0 ] || t_fail "k$i.zip: exit 0 without a bundle"
		stopped=$((stopped + 1))
	fi
done
echo "killed exports: $stopped stopped, $finished finished"
[ "$stopped" -ge 5 ] || t_fail "only $stopped exports were stopped"
[ "$(rows "$reg")" -eq $((before + finished)) ] ||
	t_fail "$(rows "$reg") rows for $((before + finished)) bundles"
t_expect_status 0 "$EXHIBIT" register verify -p k.pub
t_grep '^RESULT: intact' out.txt

# --- a write error while the bundle is written: no row ---------------------------
before=$(rows "$reg")
set +e
sh -c 'trap "" XFSZ; ulimit -f 200; exec "$@"' sh "$EXHIBIT" export \
	"$TOP_SRCDIR/samples/archive" -o efbig.zip -s k.key --case C-1 \
	--operator Op --exhibit E/f "$@" >out.txt 2>err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] || { cat err.txt >&2; t_fail "EFBIG: exit $rc, expected 2"; }
test ! -e efbig.zip || t_fail "EFBIG: a bundle"
[ "$(rows "$reg")" -eq "$before" ] || t_fail "EFBIG: a row for a failed export"

# --- a read-only register ----------------------------------------------------------
ro_export() {   # the export with the register's folder read-only
	if [ "$(id -u)" -ne 0 ]; then
		chmod 0555 "$XDG_DATA_HOME/exhibit"
		t_expect_status 2 t_export_sample ro.zip --exhibit E/ro "$@"
		chmod 0755 "$XDG_DATA_HOME/exhibit"
	elif unshare -m true 2>/dev/null; then
		t_expect_status 2 unshare -m sh -c \
			'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
			sh "$XDG_DATA_HOME/exhibit" "$EXHIBIT" export \
			"$TOP_SRCDIR/samples/archive" -o ro.zip -s k.key --case C-1 \
			--operator Op --exhibit E/ro "$@"
	else
		echo "note: read-only register case not run (root without unshare)" >&2
		return 1
	fi
}
before=$(rows "$reg")
if ro_export "$@"; then
	t_grep 'register.sqlite: .*(read-only|readonly|Read-only)' err.txt
	test ! -e ro.zip || t_fail "read-only register: a bundle"
	ls -A | grep -q '^\.ro\.zip\.' && t_fail "read-only register: temporaries left"
	[ "$(rows "$reg")" -eq "$before" ] || t_fail "read-only register changed"
fi

# --- a full disk under the register ----------------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p full &&
    mount -t tmpfs -o size=2m tmpfs full 2>/dev/null; then
	trap 'umount "$T_DIR/full" 2>/dev/null || true' EXIT
	t_expect_status 0 t_export_sample f1.zip --exhibit E/f1 --no-working \
		--register full/reg.sqlite "$@"
	# Fill what is left of the disk.
	dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true
	t_expect_status 2 t_export_sample f2.zip --exhibit E/f2 --no-working \
		--register full/reg.sqlite "$@"
	t_grep 'reg.sqlite: .*(No space left on device|database or disk is full)' err.txt
	test ! -e f2.zip || { umount full; t_fail "full disk: a bundle"; }
	rm -f full/filler
	[ "$(rows full/reg.sqlite)" -eq 1 ] || { umount full; t_fail "full disk: the register changed"; }
	t_expect_status 0 "$EXHIBIT" register verify --register full/reg.sqlite -p k.pub
	umount full
	trap - EXIT
else
	echo "note: cannot mount a tmpfs here: full-disk case not run"
fi
t_done
