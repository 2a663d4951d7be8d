#!/bin/sh
# bench-export.sh — time `exhibit export` and `exhibit verify` against the
# same job done "the usual way" with command-line tools, and against the
# encode-only floor.  See bench/README.md for what each side does.
#
#   EXHIBIT=/path/to/exhibit bench/bench-export.sh [--seconds N] [--runs R]
#       [--cameras C] [--preset P] [--crf C] [--cache DIR] [--work DIR]
#       [--results FILE] [--long-seconds N] [--copy-only] [--old EXHIBIT]
#       [--dry-run]
#
# Footage comes from bench/make-footage.sh (1080p25 H.264, 60 s segments)
# and is kept in the cache folder for the next run.  The tasks are run
# interleaved, run by run (exhibit, baseline, floor, exhibit, ...), each
# under GNU time (wall, user, sys, peak RSS).  The table goes to stdout and
# to bench/results-<date>.md.  --dry-run writes the scripts it would time
# into the work folder and prints them, without running anything.
# --long-seconds N adds a copy-only export of N seconds (a control room's
# export: hundreds of MB) against b2sum of the same bytes; its archive is
# the footage's first segment remuxed under new times (no encoding).
# --copy-only runs only the copy-only tasks (no x264: minutes less).
# --old EXHIBIT also runs the copy-only exports with another build,
# interleaved with the same runs, for before/after ratios from one session.
# Not run by make check (tests/cli/bench_smoke.sh runs --dry-run).
set -eu
# The whole script is one compound command, read before it runs, so that
# editing the file during a long benchmark cannot change what runs.
{
here=$(cd "$(dirname "$0")" && pwd)
prog=${0##*/}

die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }
usage() {
	cat >&2 <<EOF
Usage: EXHIBIT=/path/to/exhibit $prog [OPTIONS]
  --seconds N     length of the exported range, from the footage start (60)
  --runs R        timed runs of every task (3)
  --cameras C     also export C cameras at once (1: one camera only)
  --preset P      x264 preset of the working copies (veryfast)
  --crf C         x264 CRF of the working copies (23)
  --cache DIR     footage cache (\${XDG_CACHE_HOME:-\$HOME/.cache}/exhibit-bench)
  --work DIR      work folder, kept (default: a temporary one, removed)
  --results FILE  where to write the table (bench/results-<date>.md)
  --long-seconds N  also a copy-only export of N seconds vs b2sum (0: none)
  --copy-only     only the copy-only tasks (--no-working, cp, b2sum, long)
  --old EXHIBIT   also time the copy-only exports of this (older) build
  --dry-run       write and print the timed scripts, run nothing
EOF
	exit 2
}

seconds=60 runs=3 cameras=1 preset=veryfast crf=23 dry=0 long=0 copyonly=0
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/exhibit-bench
work='' results='' old=''
argv="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--seconds | --runs | --cameras | --preset | --crf | --cache | \
	--work | --results | --long-seconds | --old)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--seconds) seconds=$2 ;;
		--runs) runs=$2 ;;
		--cameras) cameras=$2 ;;
		--preset) preset=$2 ;;
		--crf) crf=$2 ;;
		--cache) cache=$2 ;;
		--work) work=$2 ;;
		--results) results=$2 ;;
		--long-seconds) long=$2 ;;
		--old) old=$2 ;;
		esac
		shift 2 ;;
	--dry-run) dry=1; shift ;;
	--copy-only) copyonly=1; shift ;;
	-h | --help) usage ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done

# whole NAME VALUE LO HI: VALUE must be a whole number in [LO, HI].
whole() {
	case $2 in '' | *[!0-9]*) die "$1: '$2' is not a whole number" ;; esac
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		die "$1: '$2' is not from $3 to $4"
}
whole --seconds "$seconds" 1 3600
whole --runs "$runs" 1 99
whole --cameras "$cameras" 1 16
whole --crf "$crf" 0 51
whole --long-seconds "$long" 0 7200
case $preset in
ultrafast | superfast | veryfast | faster | fast | medium | slow | slower | \
veryslow | placebo) ;;
*) die "--preset: unknown x264 preset '$preset'" ;;
esac

EXHIBIT=${EXHIBIT:-exhibit}
: "${FFMPEG:=ffmpeg}"
TIME=${GNU_TIME:-/usr/bin/time}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
jobs=$(nproc)
segs=$(((seconds + 59) / 60))
fsecs=$((segs * 60))
t0=1729987200                         # 2024-10-27T00:00:00Z, footage start
from=2024-10-27T00:00:00Z
to=$(date -u -d "@$((t0 + seconds))" +%Y-%m-%dT%H:%M:%SZ)
case_ref=BENCH exhibit_ref=BENCH-1

case $cache in /*) ;; *) cache=$(pwd)/$cache ;; esac

# ---- the tools ---------------------------------------------------------
if [ "$dry" -eq 0 ]; then
	command -v "$EXHIBIT" >/dev/null 2>&1 ||
		die "EXHIBIT: '$EXHIBIT' is not a program (build exhibit first)"
	EXHIBIT=$(command -v "$EXHIBIT")
	case $EXHIBIT in /*) ;; *) EXHIBIT=$(pwd)/$EXHIBIT ;; esac
	if [ -n "$old" ]; then
		command -v "$old" >/dev/null 2>&1 ||
			die "--old: '$old' is not a program"
		old=$(command -v "$old")
		case $old in /*) ;; *) old=$(pwd)/$old ;; esac
	fi
	for t in "$FFMPEG" ffprobe minisign sha256sum b2sum zip unzip; do
		command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
	done
	"$TIME" -f %M -o /dev/null true 2>/dev/null ||
		die "$TIME is not GNU time (apt-get install time)"
	[ -r "$FONT" ] || die "$FONT missing (apt-get install fonts-dejavu-core)"
fi

# ---- work folder -------------------------------------------------------
if [ -n "$work" ]; then
	mkdir -p "$work"
	work=$(cd "$work" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/exhibit-bench.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	trap 'exit 130' INT TERM
fi
# The exports are recorded in a register of the bench's own, never the
# user's disclosure register (older builds ignore the variable).
EXHIBIT_REGISTER=$work/register.sqlite
export EXHIBIT_REGISTER
S=$work/scripts
mkdir -p "$S"
[ "$copyonly" -eq 1 ] && [ "$cameras" -gt 1 ] &&
	die "--copy-only exports one camera (--cameras 1)"

# ---- footage (generated once, then reused from the cache) -------------
# Any cached archive of the same length with at least C cameras will do.
arch=''
for d in "$cache"/footage-"${fsecs}"s-*c; do
	[ -f "$d/recorder.xml" ] || continue
	k=${d##*-}; k=${k%c}
	case $k in '' | *[!0-9]*) continue ;; esac
	[ "$k" -ge "$cameras" ] && { arch=$d; break; }
done
if [ -z "$arch" ]; then
	arch=$cache/footage-${fsecs}s-${cameras}c
	if [ "$dry" -eq 0 ]; then
		mkdir -p "$cache"
		note "making $fsecs s of 1080p25 footage of $cameras camera(s)" \
			"in $arch (about real time per camera)"
		"$here/make-footage.sh" "$arch" "$fsecs" "$cameras"
	fi
fi

# ---- the long copy-only archive (--long-seconds) -----------------------
# cam1's first segment remuxed (stream copy, no encoding) under the times of
# consecutive minutes and indexed by recorder.xml as make-footage.sh does:
# as many bytes per minute as the footage, made in seconds, kept in the cache.
larch='' lto=''
if [ "$long" -gt 0 ]; then
	lsegs=$(((long + 59) / 60))
	larch=$cache/long-${lsegs}m
	lto=$(date -u -d "@$((t0 + long))" +%Y-%m-%dT%H:%M:%SZ)
	if [ "$dry" -eq 0 ] && [ ! -f "$larch/recorder.xml" ]; then
		note "making a $lsegs-minute copy-only archive in $larch" \
			"(stream copies of $arch's first segment)"
		(
			. "$here/../samples/footage.sh"
			set -- "$arch"/cam1/*.mp4
			seg=$1
			tmp=$larch.tmp.$$
			rm -rf "$tmp"
			mkdir -p "$tmp/cam1"
			xml=$tmp/recorder.xml
			fc_xml_begin "$xml" "Acme Security" "NVR-32" "AC-BENCH" \
				"Benchmark" "Europe/London"
			fc_xml_camera "$xml" cam1 "Bench camera 1" "Bench site 1"
			i=0
			while [ "$i" -lt "$lsegs" ]; do
				t=$((t0 + i * 60))
				rel="cam1/$(fc_stamp "$t").mp4"
				cp "$seg" "$tmp/seg.mp4"
				fc_finish "$tmp/seg.mp4" "$tmp/$rel" "$t"
				fc_xml_segment "$xml" "$tmp" "$rel" "$t"
				i=$((i + 1))
			done
			fc_xml_camera_end "$xml"
			fc_xml_end "$xml"
			mv "$tmp" "$larch"
		) || die "cannot make $larch"
	fi
fi

# ---- the timed scripts -------------------------------------------------
# Every task is a small sh script taking the run's output folder as $1,
# so that what is timed is exactly what --dry-run prints.
cams_list() { # N: cam1,cam2,...,camN
	_i=1 _l=cam1
	while [ "$_i" -lt "$1" ]; do _i=$((_i + 1)); _l="$_l,cam$_i"; done
	echo "$_l"
}

# q TEXT: TEXT single-quoted for sh.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

header() {
	printf '#!/bin/sh\n# %s\nset -eu\nout=$1\n' "$1"
}

# exhibit export of CAMERAS (comma list) [EXTRA OPTIONS]
write_exhibit_export() { # FILE COMMENT CAMERAS [EXTRA...]
	_f=$1 _c=$2 _cams=$3
	shift 3
	{
		header "$_c"
		printf '%s export %s -o "$out/bundle.zip" \\\n' \
			"$(q "$EXHIBIT")" "$(q "$arch")"
		printf '  --camera %s --from %s --to %s \\\n' "$_cams" "$from" "$to"
		printf '  -s %s --case %s --exhibit %s --operator %s \\\n' \
			"$(q "$work/bench.key")" "$case_ref" "$exhibit_ref" \
			"'Bench Operator'"
		printf '  --preset %s --crf %s --jobs %s' "$preset" "$crf" "$jobs"
		for _x in "$@"; do printf ' %s' "$_x"; done
		printf '\n'
	} >"$_f"
}

# The baseline: per camera ffmpeg (working: concat, trim, drawtext, x264,
# 60 s segments, faststart; native: stream copy), cp of the masters; then
# minisign -S of every file, sha256sum of every file, sign the manifest,
# zip -0 -r.
write_baseline_export() { # FILE COMMENT NCAMERAS
	_f=$1 _n=$3
	{
		header "$2"
		printf 'bag="$out/%s"\n' "$exhibit_ref"
		printf 'arch=%s\n' "$(q "$arch")"
		_i=1
		while [ "$_i" -le "$_n" ]; do
			cat <<EOF
# camera cam$_i
d="\$bag/data/cam$_i"
mkdir -p "\$d/master" "\$d/native" "\$d/working"
for f in "\$arch"/cam$_i/*.mp4; do echo "file '\$f'"; done >"\$out/cam$_i.txt"
$FFMPEG -nostdin -hide_banner -loglevel error -threads $jobs \\
  -f concat -safe 0 -i "\$out/cam$_i.txt" \\
  -t $seconds -map 0:v:0 \\
  -vf "drawtext=fontfile=$FONT:text='cam$_i Bench camera $_i   Exhibit $exhibit_ref   %{pts\\:gmtime\\:$t0} UTC':fontsize=32:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6:x=16:y=16" \\
  -c:v libx264 -preset $preset -crf $crf -threads $jobs -pix_fmt yuv420p \\
  -force_key_frames 'expr:gte(t,n_forced*60)' \\
  -f segment -segment_time 60 -reset_timestamps 1 -segment_format mp4 \\
  -segment_format_options movflags=+faststart \\
  "\$d/working/cam$_i-working-%03d.mp4"
$FFMPEG -nostdin -hide_banner -loglevel error \\
  -f concat -safe 0 -i "\$out/cam$_i.txt" -t $seconds \\
  -map 0:v:0 -c copy -movflags +faststart "\$d/native/cam$_i-native-001.mp4"
cp "\$arch"/cam$_i/*.mp4 "\$d/master/"
EOF
			_i=$((_i + 1))
		done
		cat <<EOF
cd "\$bag"
find data -type f | LC_ALL=C sort >"\$out/files.txt"
xargs minisign -S -s $(q "$work/bench.key") -m <"\$out/files.txt" >/dev/null
find data -type f | LC_ALL=C sort | xargs sha256sum >manifest-sha256.txt
minisign -S -s $(q "$work/bench.key") -m manifest-sha256.txt >/dev/null
cd "\$out"
zip -0 -r -q "\$out/baseline.zip" $exhibit_ref
EOF
	} >"$_f"
}

write_exhibit_export "$S/export-exhibit.sh" \
	"exhibit export, cam1, masters + native + working, ZIP" cam1
write_baseline_export "$S/export-baseline.sh" \
	"the same with ffmpeg, cp, minisign, sha256sum, zip (cam1)" 1
cat >"$S/floor.sh" <<EOF
#!/bin/sh
# encode-only floor: decode + x264 of the same frames, no output
set -eu
out=\$1
for f in $(q "$arch")/cam1/*.mp4; do echo "file '\$f'"; done >"\$out/floor.txt"
$FFMPEG -nostdin -hide_banner -loglevel error -threads $jobs \\
  -f concat -safe 0 -i "\$out/floor.txt" -t $seconds -map 0:v:0 \\
  -c:v libx264 -preset $preset -crf $crf -threads $jobs -f null -
EOF
cat >"$S/verify-exhibit.sh" <<EOF
#!/bin/sh
# exhibit verify of the bundle just exported
set -eu
out=\$1
$(q "$EXHIBIT") verify "\$out/bundle.zip" -p $(q "$work/bench.pub") >/dev/null
EOF
cat >"$S/verify-baseline.sh" <<EOF
#!/bin/sh
# sha256sum -c and minisign -V on every signed file of the same bundle,
# unpacked beforehand (unzip is not timed)
set -eu
cd "\$1/unpacked/$exhibit_ref"
sha256sum -c --quiet manifest-sha256.txt
sha256sum -c --quiet tagmanifest-sha256.txt
find . -name '*.minisig' | LC_ALL=C sort | while read -r sig; do
  minisign -V -q -p $(q "$work/bench.pub") -x "\$sig" -m "\${sig%.minisig}"
done
EOF
write_exhibit_export "$S/nowork-exhibit.sh" \
	"exhibit export --no-working (masters + native), cam1" cam1 --no-working
cat >"$S/nowork-cp.sh" <<EOF
#!/bin/sh
# cp of the same bytes: the payload of a --no-working bundle, unpacked
set -eu
out=\$1
cp -r "$work/nowork-ref/$exhibit_ref" "\$out/copy"
EOF
cat >"$S/nowork-b2sum.sh" <<EOF
#!/bin/sh
# one BLAKE2b-512 pass (b2sum, one thread) over the same bytes: the digest
# every minisign signature is made over; a lower bound for any tool that
# signs them, against cp which copies without reading them
set -eu
find "$work/nowork-ref/$exhibit_ref" -type f -print0 | xargs -0 b2sum >/dev/null
EOF
# The same export with redaction masks (issue 17): a box moving across the
# whole range (fill), a still rectangle (fill) and a still polygon
# (pixelate), all on 1080p pictures; against the unmasked export.
t1=$(date -u -d "@$((t0 + seconds))" +%Y-%m-%dT%H:%M:%SZ)
cat >"$work/masks.xml" <<MASKS
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="fill">
    <key time="$from" x="100" y="300" width="180" height="360"/>
    <key time="$t1" x="1500" y="320" width="180" height="360"/>
  </mask>
  <mask camera="cam1" style="fill">
    <rect x="1400" y="60" width="400" height="220"/>
  </mask>
  <mask camera="cam1" style="pixelate">
    <polygon points="600,700 1100,720 1000,1000 640,980"/>
  </mask>
</masks>
MASKS
write_exhibit_export "$S/masked-exhibit.sh" \
	"exhibit export, cam1, as export-exhibit with 3 masks" cam1 \
	--mask "$(q "$work/masks.xml")"
tasks="export-exhibit export-baseline floor verify-exhibit verify-baseline \
nowork-exhibit nowork-cp nowork-b2sum masked-exhibit"
[ "$copyonly" -eq 1 ] && tasks="nowork-exhibit nowork-cp nowork-b2sum"
if [ "$long" -gt 0 ]; then
	# The same export over the long archive (write_exhibit_export reads
	# the archive and the range's end from arch and to).
	_a=$arch _t=$to
	arch=$larch to=$lto
	write_exhibit_export "$S/long-exhibit.sh" \
		"exhibit export --no-working of $long s (the long archive), cam1" \
		cam1 --no-working
	arch=$_a to=$_t
	cat >"$S/long-b2sum.sh" <<EOF
#!/bin/sh
# b2sum (one thread) over the bytes of the long --no-working bundle
set -eu
find "$work/long-ref/$exhibit_ref" -type f -print0 | xargs -0 b2sum >/dev/null
EOF
	tasks="$tasks long-exhibit long-b2sum"
fi
if [ -n "$old" ]; then
	# The older build's copy-only exports (write_exhibit_export reads the
	# program from EXHIBIT).
	_e=$EXHIBIT
	EXHIBIT=$old
	write_exhibit_export "$S/nowork-old.sh" \
		"the older build's export --no-working (masters + native), cam1" \
		cam1 --no-working
	tasks="$tasks nowork-old"
	if [ "$long" -gt 0 ]; then
		_a=$arch _t=$to
		arch=$larch to=$lto
		write_exhibit_export "$S/long-old.sh" \
			"the older build's export --no-working of $long s, cam1" \
			cam1 --no-working
		arch=$_a to=$_t
		tasks="$tasks long-old"
	fi
	EXHIBIT=$_e
fi
if [ "$cameras" -gt 1 ]; then
	write_exhibit_export "$S/multi-exhibit.sh" \
		"exhibit export of $cameras cameras at once" "$(cams_list "$cameras")"
	write_baseline_export "$S/multi-baseline.sh" \
		"the baseline for $cameras cameras, one after another" "$cameras"
	tasks="$tasks multi-exhibit multi-baseline"
fi

if [ "$dry" -eq 1 ]; then
	echo "# footage: $arch ($fsecs s, 1080p25, cameras cam1..cam$cameras)"
	echo "# range: $from .. $to ($seconds s); $runs runs, interleaved:"
	[ "$long" -gt 0 ] &&
		echo "# long archive: $larch, range $from .. $lto ($long s)"
	echo "# $tasks"
	echo "# key: $EXHIBIT keygen -W -s $work/bench.key -p $work/bench.pub"
	for t in $tasks; do
		echo "# ---- $t: sh $S/$t.sh RUNDIR"
		cat "$S/$t.sh"
	done
	exit 0
fi

# ---- untimed preparation -----------------------------------------------
"$EXHIBIT" keygen -W -s "$work/bench.key" -p "$work/bench.pub" >/dev/null
cat "$arch"/cam*/*.mp4 >/dev/null            # warm the page cache
ref=$work/ref
mkdir -p "$ref"
sh "$S/nowork-exhibit.sh" "$ref" >"$work/nowork-ref.log" 2>&1 ||
	die "exhibit export --no-working failed: $(tail -3 "$work/nowork-ref.log")"
mkdir -p "$work/nowork-ref"
unzip -q "$ref/bundle.zip" -d "$work/nowork-ref"
nowork_bytes=$(du -sb "$work/nowork-ref" | cut -f1)
rm -rf "$ref"
long_bytes=0
if [ "$long" -gt 0 ]; then
	cat "$larch"/cam1/*.mp4 >/dev/null
	mkdir -p "$ref"
	sh "$S/long-exhibit.sh" "$ref" >"$work/long-ref.log" 2>&1 ||
		die "the long export failed: $(tail -3 "$work/long-ref.log")"
	rm -rf "$work/long-ref"
	mkdir -p "$work/long-ref"
	unzip -q "$ref/bundle.zip" -d "$work/long-ref"
	long_bytes=$(du -sb "$work/long-ref" | cut -f1)
	rm -rf "$ref"
fi

# ---- timed runs --------------------------------------------------------
times=$work/times.txt
: >"$times"
# timed TASK RUN RUNDIR: run one script under GNU time, keep its figures.
timed() {
	_log=$3/$1.log
	if ! "$TIME" -f '%e %U %S %M' -o "$3/$1.time" \
		sh "$S/$1.sh" "$3" >"$_log" 2>&1; then
		cat "$_log" >&2
		die "$1 failed in run $2 (work folder: $work)"
	fi
	echo "$1 $2 $(tail -n 1 "$3/$1.time")" >>"$times"
	note "run $2 $1: $(tail -n 1 "$3/$1.time" | cut -d' ' -f1) s"
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
frames_ex='' frames_base=''
r=1
while [ "$r" -le "$runs" ]; do
	rd=$work/run$r
	for t in $tasks; do
		mkdir -p "$rd/$t"
		case $t in
		verify-*) timed "$t" "$r" "$rd/export-exhibit" ;;
		*) timed "$t" "$r" "$rd/$t" ;;
		esac
		if [ "$t" = export-exhibit ]; then
			mkdir -p "$rd/export-exhibit/unpacked"
			unzip -q "$rd/export-exhibit/bundle.zip" \
				-d "$rd/export-exhibit/unpacked"
		fi
	done
	if [ "$r" -eq 1 ] && [ "$copyonly" -eq 0 ]; then
		# Same frames on both sides: count the working copies' frames.
		count() {
			for _w in "$1"/*.mp4; do
				ffprobe -v error -select_streams v:0 -count_packets \
					-show_entries stream=nb_read_packets -of csv=p=0 "$_w"
			done | awk '{ n += $1 } END { print n + 0 }'
		}
		frames_ex=$(count "$rd/export-exhibit/unpacked/$exhibit_ref/data/cam1/working")
		frames_base=$(count "$rd/export-baseline/$exhibit_ref/data/cam1/working")
	fi
	rm -rf "$rd"
	r=$((r + 1))
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ---------------------------------------------------------
# stat TASK: "median_wall peak_rss_kib cores median_cpu" over the runs
# (cpu = user + sys seconds; cores = all cpu / all wall).
stat() {
	awk -v t="$1" '
	function median(a, n,   i, j, x) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == t { n++; w[n] = $3; c[n] = $4 + $5; cpu += $4 + $5; wall += $3
		if ($6 > m) m = $6 }
	END {
		printf "%.2f %d %.2f %.2f\n", median(w, n), m,
		    (wall > 0 ? cpu / wall : 0), median(c, n)
	}' "$times"
}
# paired EXTASK BASETASK: the median over runs of exhibit's wall time over
# the baseline's in the same run (the two ran next to each other, so a
# machine whose speed drifts during the session moves both).
paired() {
	awk -v a="$1" -v b="$2" '
	$1 == a { x[$2] = $3 }
	$1 == b { y[$2] = $3 }
	END {
		for (r in x) if ((r in y) && y[r] > 0) v[++n] = x[r] / y[r]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		printf "%.2f\n", n == 0 ? 0 : n % 2 ? v[(n + 1) / 2] : \
		    (v[n / 2] + v[n / 2 + 1]) / 2
	}' "$times"
}
# row LABEL EXTASK BASETASK TARGET [NOTE]
row() {
	set -- "$1" "$(stat "$2")" "$(stat "$3")" "$4" "${5:-}" "$(paired "$2" "$3")"
	echo "$2 $3" | awk -v l="$1" -v tg="$4" -v nt="$5" -v pr="$6" '{
		printf "| %s | %.2f | %.2f | %.2f | %.2f | %s | %.2f | %.2f | %.2f | %.0f / %.0f | %.2f / %.2f | %s |\n",
		    l, $1, $5, ($5 > 0 ? $1 / $5 : 0), pr, tg, $4, $8,
		    ($8 > 0 ? $4 / $8 : 0), $2 / 1024, $6 / 1024, $3, $7, nt }'
}
mbps() { # TASK [BYTES]: MB/s of the --no-working payload at the median time
	stat "$1" | awk -v b="${2:-$nowork_bytes}" '{ printf "%.0f", ($1 > 0 ? b / 1e6 / $1 : 0) }'
}
tput_ratio() { # EXTASK BASETASK: throughput ratio, BASETASK's median time / EXTASK's
	echo "$(stat "$1") $(stat "$2")" |
	    awk '{ printf "%.2f", ($1 > 0 ? $5 / $1 : 0) }'
}
x264=$("$FFMPEG" -nostdin -loglevel error -f lavfi -i testsrc=s=64x64:d=0.04 \
	-c:v libx264 -f h264 - | grep -a -o 'x264 - core [0-9]* [^ ]*' | head -n 1)
[ -n "$results" ] || results=$here/results-$(date +%Y-%m-%d).md
{
	echo "# exhibit export benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Command: \`EXHIBIT=$EXHIBIT bench/bench-export.sh $argv\`"
	echo
	echo "- machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- $("$FFMPEG" -version | head -n 1 | cut -d' ' -f1-3); $x264; $("$EXHIBIT" --version 2>&1 | head -n 1)"
	[ -z "$old" ] || echo "- older build (--old): $old"
	echo "- footage: $seconds s of 1080p25 H.264 per camera ($arch); preset $preset, CRF $crf, $jobs threads; $runs runs interleaved"
	echo "- load average before / after: $load0 / $load1"
	echo "- working-copy frames, run 1: exhibit $frames_ex, baseline $frames_base"
	echo
	echo "Wall and CPU (user + sys) seconds are medians over the runs; ratio is"
	echo "exhibit / baseline of those medians (lower is better for exhibit);"
	echo "paired is the median of the ratios run by run (exhibit and baseline"
	echo "ran next to each other, so drift in the machine's speed cancels);"
	echo "peak RSS is the largest over the runs; cores used is CPU seconds /"
	echo "wall seconds."
	echo
	echo "| task | exhibit median s | baseline median s | ratio | paired | target | exhibit CPU s | baseline CPU s | CPU ratio | peak RSS MiB exhibit / baseline | cores used exhibit / baseline | note |"
	echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | --- | --- |"
	if [ "$copyonly" -eq 0 ]; then
		row "export 1 camera vs scripted tools" export-exhibit export-baseline "<= 0.95"
		row "export 1 camera vs encode-only floor" export-exhibit floor "<= 1.05"
		row "verify vs sha256sum -c + minisign -V" verify-exhibit verify-baseline "<= 0.60"
		row "export with 3 masks vs without (the same range)" \
			masked-exhibit export-exhibit "<= 1.05"
	fi
	row "export --no-working vs cp" nowork-exhibit nowork-cp "<= 1.11" \
		"$(mbps nowork-exhibit) vs $(mbps nowork-cp) MB/s ($((nowork_bytes / 1000000)) MB); target >= 0.9x cp throughput"
	row "b2sum of the same bytes vs cp" nowork-b2sum nowork-cp "(bound)" \
		"$(mbps nowork-b2sum) vs $(mbps nowork-cp) MB/s: one digest of the two exhibit needs"
	row "export --no-working vs b2sum of the same bytes" nowork-exhibit \
		nowork-b2sum "throughput >= 0.8 (time <= 1.25)" \
		"throughput ratio $(tput_ratio nowork-exhibit nowork-b2sum) (paired $(paired nowork-exhibit nowork-b2sum | awk '{ printf "%.2f", ($1 > 0 ? 1 / $1 : 0) }')): $(mbps nowork-exhibit) vs $(mbps nowork-b2sum) MB/s"
	if [ "$long" -gt 0 ]; then
		row "export --no-working of $long s vs b2sum of the same bytes" \
			long-exhibit long-b2sum "throughput >= 0.8 (time <= 1.25)" \
			"throughput ratio $(tput_ratio long-exhibit long-b2sum) (paired $(paired long-exhibit long-b2sum | awk '{ printf "%.2f", ($1 > 0 ? 1 / $1 : 0) }')): $(mbps long-exhibit "$long_bytes") vs $(mbps long-b2sum "$long_bytes") MB/s ($((long_bytes / 1000000)) MB)"
	fi
	if [ -n "$old" ]; then
		row "older build: export --no-working vs b2sum of the same bytes" \
			nowork-old nowork-b2sum "(before)" \
			"throughput ratio $(tput_ratio nowork-old nowork-b2sum)"
		row "export --no-working: this build vs the older one" \
			nowork-exhibit nowork-old "(after / before)"
	fi
	if [ -n "$old" ] && [ "$long" -gt 0 ]; then
		row "older build: export --no-working of $long s vs b2sum" \
			long-old long-b2sum "(before)" \
			"throughput ratio $(tput_ratio long-old long-b2sum)"
		row "export --no-working of $long s: this build vs the older one" \
			long-exhibit long-old "(after / before)"
	fi
	if [ "$cameras" -gt 1 ]; then
		row "export $cameras cameras vs scripted tools, one after another" \
			multi-exhibit multi-baseline "<= 0.90"
	fi
} >"$work/results.md"
cp "$work/results.md" "$results"
cat "$results"
note "wrote $results"
exit 0
}
