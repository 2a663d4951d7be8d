#!/bin/sh
# bench-archive.sh — recorder-sized archives (issue 15): time `exhibit
# export` of the same one-minute range and `exhibit scan` on synthetic
# Frigate archives of 1 hour, 2 days and 30 days of 4 cameras, with a cold
# and a warm page cache and segment index.  See bench/README.md,
# "Recorder-sized archives".
#
#   EXHIBIT=/path/to/exhibit bench/bench-archive.sh [--runs N] [--cache DIR]
#       [--work DIR] [--only 1h,2d,30d] [--full] [--baseline-rate R]
#       [--dry-run]
#
# The archives are Frigate layouts (recordings/YYYY-MM-DD/HH/<camera>/
# MM.SS.mp4, UTC, 10-second segments) made of hard links to four real
# 640x360 25 fps H.264 segments: every file is its own path, but many
# share an inode, size and mtime, so an index that keyed files by inode
# would take them for one.  They are built once into the cache folder and
# reused (a stamp file beside each).  All three end at the same instant, so
# the exported range (cam1, one minute) is in each of them.
#
# "cold" = `sync; echo 3 >/proc/sys/vm/drop_caches` before each run (needs
# root; without it only warm rows are printed) and a new, empty
# XDG_CACHE_HOME (no segment index); "warm" = the same command run once
# untimed first with the same XDG_CACHE_HOME, then timed.  Every run is
# timed with GNU time (wall, peak RSS); the table gives medians of --runs.
# --dry-run prints what would run and runs nothing.
# Not run by make check (tests/cli/bench_smoke.sh runs --dry-run).
set -eu
# One compound command, read before it runs: editing the file during a
# long benchmark cannot change what runs.
{
prog=${0##*/}

die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }
usage() {
	cat >&2 <<EOF
Usage: EXHIBIT=/path/to/exhibit $prog [OPTIONS]
  --runs N             timed runs of every row (3)
  --cache DIR          segments and archives, kept
                       (\${XDG_CACHE_HOME:-\$HOME/.cache}/exhibit-bench)
  --work DIR           work folder, kept (default: a temporary one, removed)
  --only LIST          archives to use, of 1h,2d,30d (all)
  --full               also scan --deep the 30-day archive (a million probes)
  --baseline-rate R    files per second of the scan --deep target's
                       "today" (default: the figure in bench/README.md)
  --prepare            build the segments and archives, time nothing
  --dry-run            print what would run, run nothing
EOF
	exit 2
}

# Today's (commit 9bd5ee4) scan of the 2-day archive, cold, in files per
# CPU second (69120 files, 497.7 s CPU; 980 s wall at load 9, so files
# per CPU second is what an idle machine gives): the target is twice this
# (bench/README.md, "Recorder-sized archives").
baseline_rate=139
runs=3 only=1h,2d,30d full=0 dry=0 prepare=0
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exhibit-bench
work=''
argv="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--runs | --cache | --work | --only | --baseline-rate)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--runs) runs=$2 ;;
		--cache) cache=$2 ;;
		--work) work=$2 ;;
		--only) only=$2 ;;
		--baseline-rate) baseline_rate=$2 ;;
		esac
		shift 2 ;;
	--full) full=1; shift ;;
	--dry-run) dry=1; shift ;;
	--prepare) prepare=1; shift ;;
	-h | --help) usage ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done

case $runs in '' | *[!0-9]*) die "--runs: '$runs' is not a whole number" ;; esac
[ "$runs" -ge 1 ] && [ "$runs" -le 99 ] || die "--runs: '$runs' is not from 1 to 99"
case $baseline_rate in
'' | *[!0-9.]* | *.*.* | .*) die "--baseline-rate: '$baseline_rate' is not a number" ;;
esac
archives=''
for a in $(echo "$only" | tr ',' ' '); do
	case $a in
	1h | 2d | 30d) case " $archives " in *" $a "*) ;; *) archives="$archives $a" ;; esac ;;
	*) die "--only: unknown archive '$a' (1h, 2d or 30d)" ;;
	esac
done
[ -n "$archives" ] || die "--only: no archive named"
# In the order 1h, 2d, 30d whatever the order given.
sel=''
for a in 1h 2d 30d; do
	case " $archives " in *" $a "*) sel="$sel $a" ;; esac
done
archives=${sel# }

EXHIBIT=${EXHIBIT:-exhibit}
: "${FFMPEG:=ffmpeg}"
TIME=${GNU_TIME:-/usr/bin/time}
cameras=4 segsec=10
# All archives end at 2024-11-29T12:30:00Z; the range is one minute of
# cam1 in the middle of the 1-hour archive, starting inside a segment.
end=1732883400
from=2024-11-29T12:00:05Z to=2024-11-29T12:01:05Z
case $cache in /*) ;; *) cache=$(pwd)/$cache ;; esac

seconds_of() { # ARCHIVE: its length in seconds
	case $1 in 1h) echo 3600 ;; 2d) echo 172800 ;; 30d) echo 2592000 ;; esac
}
files_of() { echo $(($(seconds_of "$1") / segsec * cameras)); }

# ---- the binary and its flags ------------------------------------------
have_deep=0 have_nocache=0
if command -v "$EXHIBIT" >/dev/null 2>&1; then
	EXHIBIT=$(command -v "$EXHIBIT")
	case $EXHIBIT in /*) ;; *) EXHIBIT=$(pwd)/$EXHIBIT ;; esac
	shelp=$("$EXHIBIT" scan --help 2>&1 || :)
	if echo "$shelp" | grep -q -- --deep; then have_deep=1; fi
	if echo "$shelp" | grep -q -- --no-cache; then have_nocache=1; fi
elif [ "$dry" -eq 0 ]; then
	die "EXHIBIT: '$EXHIBIT' is not a program (build exhibit first)"
fi
if [ "$dry" -eq 0 ]; then
	for t in "$FFMPEG" python3; do
		command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
	done
	"$TIME" -f %M -o /dev/null true 2>/dev/null ||
		die "$TIME is not GNU time (apt-get install time)"
fi
# Cold page cache: root only.
can_drop=0
if [ "$dry" -eq 0 ] && [ -w /proc/sys/vm/drop_caches ] &&
    (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
	can_drop=1
elif [ "$dry" -eq 1 ]; then
	can_drop=1
fi

# ---- work folder -------------------------------------------------------
if [ -n "$work" ]; then
	mkdir -p "$work"
	work=$(cd "$work" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-bench-archive.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	trap 'exit 130' INT TERM
fi
# The exports are recorded in a register of the bench's own, never the
# user's disclosure register (older builds ignore the variable).
EXHIBIT_REGISTER=$work/register.sqlite
export EXHIBIT_REGISTER
S=$work/scripts
mkdir -p "$S"

# q TEXT: TEXT single-quoted for sh.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# ---- the rows ----------------------------------------------------------
# Each row is TASK ARCHIVE STATE; each task a small sh script taking its
# output folder as $1, so that what is timed is what --dry-run prints.
# Without --deep in the binary, every scan probes every file: "scan" is
# the deep scan, and there is no separate scan-deep row.
write_task() { # ARCHIVE TASK
	_a=$1 _t=$2 _arch=$cache/frigate-$1
	{
		printf '#!/bin/sh\n# %s of the %s archive\nset -eu\nout=$1\n' "$_t" "$_a"
		case $_t in
		export | export-nw)
			printf '%s export %s -o "$out/bundle" \\\n' \
				"$(q "$EXHIBIT")" "$(q "$_arch")"
			printf '  --camera cam1 --from %s --to %s \\\n' "$from" "$to"
			printf '  -s %s --case BENCH --exhibit BENCH-1 --operator %s \\\n' \
				"$(q "$work/bench.key")" "'Bench Operator'"
			if [ "$_t" = export-nw ]; then
				printf '  --container dir --no-working\n'
			else
				printf '  --container dir\n'
			fi ;;
		scan) printf '%s scan %s >"$out/scan.txt"\n' \
			"$(q "$EXHIBIT")" "$(q "$_arch")" ;;
		scan-deep) printf '%s scan --deep %s >"$out/scan.txt"\n' \
			"$(q "$EXHIBIT")" "$(q "$_arch")" ;;
		scan-nocache) printf '%s scan --no-cache %s >"$out/scan.txt"\n' \
			"$(q "$EXHIBIT")" "$(q "$_arch")" ;;
		esac
	} >"$S/$_a-$_t.sh"
}
rows=''
skipped=''
add() { # TASK ARCHIVE STATE
	[ -f "$S/$2-$1.sh" ] || write_task "$2" "$1"
	rows="$rows $1:$2:$3"
}
for a in $archives; do
	for t in export export-nw; do
		[ "$can_drop" -eq 1 ] && add $t "$a" cold
		add $t "$a" warm
	done
	if [ "$have_deep" -eq 0 ] && [ "$a" = 30d ] && [ "$full" -eq 0 ]; then
		skipped="${skipped}scan of 30d: the binary has no --deep, every scan probes every file (a million); use --full
"
	else
		[ "$can_drop" -eq 1 ] && add scan "$a" cold
		add scan "$a" warm
	fi
	if [ "$have_deep" -eq 1 ]; then
		if [ "$a" != 30d ] || [ "$full" -eq 1 ]; then
			[ "$can_drop" -eq 1 ] && add scan-deep "$a" cold
			add scan-deep "$a" warm
		else
			skipped="${skipped}scan --deep of 30d: a million probes; use --full
"
		fi
	fi
	[ "$have_nocache" -eq 1 ] && add scan-nocache "$a" warm
done

if [ "$dry" -eq 1 ]; then
	echo "# archives: $archives ($cameras cameras, ${segsec}-second segments, hard links) in $cache/frigate-ARCHIVE"
	for a in $archives; do
		echo "# $a: $(files_of "$a") files, $(date -u -d "@$((end - $(seconds_of "$a")))" +%Y-%m-%dT%H:%M:%SZ) .. $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ)"
	done
	echo "# range: cam1 $from .. $to; $runs runs"
	echo "# exhibit: $EXHIBIT; scan --deep: $([ $have_deep -eq 1 ] && echo yes || echo no); scan --no-cache: $([ $have_nocache -eq 1 ] && echo yes || echo no)"
	echo "# cold: sync; echo 3 >/proc/sys/vm/drop_caches; XDG_CACHE_HOME=<new empty folder>"
	echo "# warm: the script once untimed with a new empty XDG_CACHE_HOME (or the cold row's last run was that run), then timed with it"
	echo "# key: $EXHIBIT keygen -W -s $work/bench.key -p $work/bench.pub"
	printf '%s' "$skipped" | sed 's/^/# skipped: /'
	shown=''
	for r in $rows; do
		IFS=: read -r t a st <<EOF
$r
EOF
		echo "# ---- $a $t $st: sh $S/$a-$t.sh OUTDIR"
		case " $shown " in
		*" $a-$t "*) ;;
		*) cat "$S/$a-$t.sh"; shown="$shown $a-$t" ;;
		esac
	done
	exit 0
fi

# ---- segments and archives (built once, then reused from the cache) ----
mkdir -p "$cache"
src=$cache/frigate-src
if [ ! -f "$src/done" ]; then
	note "making 4 real 10-second segments in $src"
	rm -rf "$src"
	mkdir -p "$src.tmp"
	k=1
	while [ "$k" -le 4 ]; do
		"$FFMPEG" -nostdin -hide_banner -loglevel error -f lavfi \
			-i "testsrc2=s=640x360:r=25:d=10,hue=h=$(((k - 1) * 80)),noise=alls=6:allf=t:all_seed=$k" \
			-c:v libx264 -preset veryfast -crf 23 -g 50 -keyint_min 50 \
			-sc_threshold 0 -pix_fmt yuv420p -an "$src.tmp/seg$k.mp4"
		k=$((k + 1))
	done
	: >"$src.tmp/done"
	mv "$src.tmp" "$src"
fi
# build ARCHIVE: recordings/YYYY-MM-DD/HH/camN/MM.SS.mp4, the segment of
# camera c starting at t a hard link to a copy of seg((c + t / 10 s) % 4 +
# 1): the same time holds the same footage in every archive, so the
# exports compare listing, not content; copies beside
# the archive (ARCHIVE.pool) so that no inode holds more than 50000 links
# (ext4 allows 65000).
build() {
	_d=$cache/frigate-$1
	_stamp="frigate $1 end=$end cameras=$cameras seg=$segsec v2"
	[ -f "$_d.done" ] && [ "$(cat "$_d.done")" = "$_stamp" ] && return 0
	note "building the $1 archive ($(files_of "$1") hard links) in $_d"
	rm -rf "$_d" "$_d.pool" "$_d.done"
	python3 - "$src" "$_d" "$((end - $(seconds_of "$1")))" \
	    "$(seconds_of "$1")" "$cameras" "$segsec" <<'EOF'
import os, shutil, sys, time
src, dest, start, seconds, cameras, step = sys.argv[1:]
start, seconds, cameras, step = int(start), int(seconds), int(cameras), int(step)
n = seconds // step
per_inode = 50000
copies = max(1, -(-n * cameras // (4 * per_inode)))
pool = dest + ".pool"
os.makedirs(pool)
for k in range(4):
    for c in range(copies):
        shutil.copyfile(f"{src}/seg{k + 1}.mp4", f"{pool}/seg{k + 1}-{c}.mp4")
made = set()
count = 0
for c in range(cameras):
    for i in range(n):
        t = start + i * step
        tm = time.gmtime(t)
        d = f"{dest}/recordings/{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}/{tm.tm_hour:02d}/cam{c + 1}"
        if d not in made:
            os.makedirs(d)
            made.add(d)
        k = (c + t // step) % 4
        os.link(f"{pool}/seg{k + 1}-{(i // 4) % copies}.mp4",
                f"{d}/{tm.tm_min:02d}.{tm.tm_sec:02d}.mp4")
        count += 1
print(count)
EOF
	echo "$_stamp" >"$_d.done"
}
for a in $archives; do build "$a"; done
[ "$prepare" -eq 0 ] || exit 0

# ---- timed runs --------------------------------------------------------
"$EXHIBIT" keygen -W -s "$work/bench.key" -p "$work/bench.pub" >/dev/null
times=$work/times.txt
: >"$times"
loads=$work/loads.txt
: >"$loads"
# once ROW RUNDIR XDG TIMEFILE: one run of a row's script (timed when
# TIMEFILE is not empty); the output folder is emptied first.
once() {
	rm -rf "$2"
	mkdir -p "$2"
	if [ -n "$4" ]; then
		XDG_CACHE_HOME=$3 "$TIME" -f '%e %M %U %S' -o "$4" \
			sh "$S/$1.sh" "$2" >"$work/last.log" 2>&1
	else
		XDG_CACHE_HOME=$3 sh "$S/$1.sh" "$2" >"$work/last.log" 2>&1
	fi || {
		tail -5 "$work/last.log" >&2
		die "$1 failed (work folder: $work)"
	}
}
n=0 prev='' lastx=''
for r in $rows; do
	IFS=: read -r t a st <<EOF
$r
EOF
	n=$((n + 1))
	# A warm row right after the cold row of the same script needs no
	# untimed run of its own: the last cold run was it (same index).
	if [ "$st" = warm ] && [ "$prev" = "$t:$a:cold" ]; then
		x=$lastx
	elif [ "$st" = warm ]; then
		x=$work/xdg-$n
		mkdir -p "$x"
		once "$a-$t" "$work/out" "$x" ''
	fi
	i=1
	while [ "$i" -le "$runs" ]; do
		if [ "$st" = cold ]; then
			[ "$i" -eq 1 ] || rm -rf "$x"
			x=$work/xdg-$n-$i
			mkdir -p "$x"
			sync
			echo 3 >/proc/sys/vm/drop_caches
		fi
		l=$(cut -d' ' -f1 /proc/loadavg)
		once "$a-$t" "$work/out" "$x" "$work/t"
		set -- $(tail -n 1 "$work/t")
		echo "$t $a $st $i $1 $2 $l $(echo "$3 $4" | awk '{ print $1 + $2 }')" >>"$times"
		note "$a $t $st run $i: $1 s wall, $(echo "$3 $4" | awk '{ print $1 + $2 }') s CPU (load $l)"
		i=$((i + 1))
	done
	# Keep a cold row's last index for the warm row that may follow.
	if [ -n "$lastx" ] && [ "$lastx" != "$x" ]; then rm -rf "$lastx"; fi
	if [ "$st" = warm ]; then rm -rf "$x"; lastx=''; else lastx=$x; fi
	prev=$r
	rm -rf "$work/out"
done

# ---- the table ---------------------------------------------------------
# med TASK ARCHIVE STATE: "median_wall max_rss_kib max_load median_cpu"
# of the runs (cpu = user + sys seconds)
med() {
	awk -v t="$1" -v a="$2" -v s="$3" '
	function median(v, n,   i, j, x) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	$1 == t && $2 == a && $3 == s { n++; w[n] = $5; c[n] = $8
		if ($6 > m) m = $6; if ($7 > l) l = $7 }
	END {
		if (n == 0) { print "-"; exit }
		printf "%.2f %d %.2f %.2f\n", median(w, n), m, l, median(c, n)
	}' "$times"
}
label() {
	case $1 in
	export) echo "export 1 min cam1" ;;
	export-nw) echo "export 1 min cam1 --no-working" ;;
	scan) [ "$have_deep" -eq 1 ] && echo "scan" || echo "scan (no --deep: probes every file)" ;;
	scan-deep) echo "scan --deep" ;;
	scan-nocache) echo "scan --no-cache" ;;
	esac
}
# ratio NAME TASK A1 A2 STATE TARGET: A2's median wall over A1's (and
# the same of CPU seconds)
ratio() {
	_x=$(med "$2" "$3" "$5") _y=$(med "$2" "$4" "$5")
	[ "$_x" != - ] && [ "$_y" != - ] || return 0
	echo "$_y $_x" | awk -v n="$1" -v tg="$6" '{
		printf "| %s | %.2f (CPU %.2f) | %s |\n", n,
		    ($5 > 0 ? $1 / $5 : 0), ($8 > 0 ? $4 / $8 : 0), tg }'
}
deept=scan-deep
[ "$have_deep" -eq 1 ] || deept=scan
{
	echo "# exhibit recorder-sized archives, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Command: \`EXHIBIT=$EXHIBIT bench/bench-archive.sh $argv\`"
	echo
	echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $("$EXHIBIT" --version 2>&1 | head -n 1)"
	echo "- archives: Frigate, $cameras cameras, ${segsec}-second 640x360 H.264 segments (hard links of 4), ending $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ); range cam1 $from .. $to; $runs runs"
	[ "$can_drop" -eq 1 ] ||
		echo "- cold rows left out: cannot write /proc/sys/vm/drop_caches (not root)"
	printf '%s' "$skipped" | sed 's/^/- skipped: /'
	echo
	echo "| archive | files | task | state | median s | CPU s | files/s | max RSS MiB | max load |"
	echo "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"
	for r in $rows; do
		IFS=: read -r t a st <<EOF
$r
EOF
		set -- $(med "$t" "$a" "$st") - - -
		if [ "$1" = - ]; then
			printf '| %s | %s | %s | %s | - | - | - | - | - |\n' "$a" \
				"$(files_of "$a")" "$(label "$t")" "$st"
			continue
		fi
		case $t in
		scan*) fps=$(awk -v f="$(files_of "$a")" -v w="$1" 'BEGIN { printf "%.0f", (w > 0 ? f / w : 0) }') ;;
		*) fps='' ;;
		esac
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$a" \
			"$(files_of "$a")" "$(label "$t")" "$st" "$1" "$4" "$fps" \
			"$(awk -v k="$2" 'BEGIN { printf "%.0f", k / 1024 }')" "$3"
	done
	echo
	echo "| target | figure | wanted |"
	echo "| --- | ---: | --- |"
	for st in cold warm; do
		ratio "export 30d / 1h, $st" export 1h 30d $st "<= 1.25"
		ratio "export --no-working 30d / 1h, $st" export-nw 1h 30d $st "<= 1.25"
	done
	set -- $(med scan 30d cold) - - -
	[ "$1" = - ] || echo "| scan 30d, cold index, s | $1 | < 30 |"
	set -- $(med "$deept" 2d cold) - - -
	[ "$1" = - ] || awk -v f="$(files_of 2d)" -v w="$1" -v c="$4" -v b="$baseline_rate" 'BEGIN {
		printf "| scan --deep 2d cold, files/s (x today'"'"'s %s); files per CPU s | %.0f (%.2fx); %.0f | >= 2x |\n",
		    b, f / w, (b > 0 ? f / w / b : 0), (c > 0 ? f / c : 0) }'
	set -- $(med "$deept" 2d warm) - - -
	[ "$1" = - ] || echo "| scan --deep 2d, warm index, s | $1 | < 20 |"
	for st in cold warm; do
		set -- $(med scan 1h $st) - - -
		[ "$1" = - ] && continue
		_r1=$2
		set -- $(med scan 30d $st) - - -
		[ "$1" = - ] || awk -v a="$2" -v b="$_r1" -v s="$st" 'BEGIN {
			printf "| peak RSS scan 30d / 1h, %s | %.2f | flat (about 1) |\n", s, a / b }'
	done
} >"$work/results.md"
cp "$times" "$work/results.times"
cat "$work/results.md"
exit 0
}
