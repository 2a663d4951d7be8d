#!/bin/sh
# bench_smoke.sh — bench/bench-export.sh and bench/bench-archive.sh
# --dry-run, so that the benchmarks cannot rot unnoticed: each writes the
# scripts it would time (each valid sh) with the options given, runs nothing
# (no footage or archive is made), and refuses bad options with a usage
# error naming the option.
. "$TOP_SRCDIR/tests/cli/lib.sh"
B=$TOP_SRCDIR/bench/bench-export.sh

t_expect_status 0 sh "$B" --dry-run --seconds 90 --runs 2 --cameras 3 \
	--preset faster --crf 20 --work work --cache cache
mv out.txt dry.txt
S=$T_DIR/work/scripts
# Nothing ran: no footage made, no key, no results.
test ! -e cache || t_fail "--dry-run made footage"
test ! -e work/bench.key || t_fail "--dry-run made a key"
test ! -e work/times.txt || t_fail "--dry-run timed something"
# 90 s rounds up to two 60-second segments of footage.
t_grep '^# footage: .*/cache/footage-120s-3c \(120 s, 1080p25, cameras cam1\.\.cam3\)$' dry.txt
t_grep '^# range: 2024-10-27T00:00:00Z \.\. 2024-10-27T00:01:30Z \(90 s\); 2 runs, interleaved:$' dry.txt
t_grep '^# export-exhibit export-baseline floor verify-exhibit verify-baseline nowork-exhibit nowork-cp nowork-b2sum masked-exhibit multi-exhibit multi-baseline$' dry.txt
for t in export-exhibit export-baseline floor verify-exhibit verify-baseline \
	nowork-exhibit nowork-cp nowork-b2sum masked-exhibit multi-exhibit \
	multi-baseline; do
	test -f "$S/$t.sh" || t_fail "no script for $t"
	sh -n "$S/$t.sh" 2>syntax.txt || { cat syntax.txt >&2; t_fail "$t.sh is not valid sh"; }
	t_grep "^# ---- $t: sh $S/$t.sh RUNDIR$" dry.txt
done
# exhibit: the binary under test, the range, the encoder settings, all cores.
t_grep "^'$EXHIBIT' export " "$S/export-exhibit.sh"
t_grep '--camera cam1 --from 2024-10-27T00:00:00Z --to 2024-10-27T00:01:30Z' "$S/export-exhibit.sh"
t_grep "--preset faster --crf 20 --jobs $(nproc)$" "$S/export-exhibit.sh"
t_grep "--jobs $(nproc) --no-working$" "$S/nowork-exhibit.sh"
t_grep '--camera cam1,cam2,cam3 ' "$S/multi-exhibit.sh"
t_grep "^'$EXHIBIT' verify .* -p " "$S/verify-exhibit.sh"
# baseline: same trim and encoder settings; every step of the job.
b=$S/export-baseline.sh
t_grep '^  -t 90 -map 0:v:0 \\$' "$b"
t_grep '-i "\$out/cam1.txt" -t 90 \\$' "$b"
t_grep 'drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:' "$b"
t_grep "-c:v libx264 -preset faster -crf 20 -threads $(nproc) " "$b"
t_grep 'segment_format_options movflags=\+faststart' "$b"
t_grep '-map 0:v:0 -c copy -movflags \+faststart ' "$b"
t_grep '^cp "\$arch"/cam1/\*\.mp4 ' "$b"
t_grep 'xargs minisign -S ' "$b"
t_grep 'xargs sha256sum >manifest-sha256.txt' "$b"
t_grep '^zip -0 -r -q ' "$b"
test "$(grep -c '^# camera cam' "$S/multi-baseline.sh")" -eq 3 ||
	t_fail "multi-baseline does not do 3 cameras"
t_grep "-preset faster -crf 20 -threads $(nproc) -f null -$" "$S/floor.sh"
t_grep 'sha256sum -c --quiet manifest-sha256.txt' "$S/verify-baseline.sh"
t_grep 'minisign -V -q -p ' "$S/verify-baseline.sh"

# One camera: no multi-camera task.
t_expect_status 0 sh "$B" --dry-run --work one --cache cache
t_grep '^# export-exhibit .* nowork-b2sum masked-exhibit$' out.txt
t_grep "--mask '.*/one/masks.xml'" one/scripts/masked-exhibit.sh
t_grep '<key time="2024-10-27T00:01:00Z" x="1500"' one/masks.xml
test ! -e one/scripts/multi-exhibit.sh || t_fail "multi task with 1 camera"

# Copy-only, with a long export and an older build timed in the same runs.
t_expect_status 0 sh "$B" --dry-run --copy-only --long-seconds 600 \
	--old "$EXHIBIT" --work co --cache cache
t_grep '^# nowork-exhibit nowork-cp nowork-b2sum long-exhibit long-b2sum nowork-old long-old$' out.txt
t_expect_status 2 sh "$B" --dry-run --copy-only --cameras 2
t_grep "--copy-only exports one camera" err.txt

# Bad options: usage errors that name the problem.
t_expect_status 2 sh "$B" --dry-run --runs 0
t_grep "--runs: '0' is not from 1 to 99" err.txt
t_expect_status 2 sh "$B" --dry-run --seconds 1m
t_grep "--seconds: '1m' is not a whole number" err.txt
t_expect_status 2 sh "$B" --dry-run --preset quick
t_grep "--preset: unknown x264 preset 'quick'" err.txt
t_expect_status 2 sh "$B" --dry-run --cameras
t_grep "--cameras needs a value" err.txt
t_expect_status 2 sh "$B" --frobnicate
t_grep "unknown option '--frobnicate'" err.txt

# bench/bench-archive.sh --dry-run: the rows it would time on the Frigate
# archives, each script valid sh; no archive built, no key, nothing timed.
A=$TOP_SRCDIR/bench/bench-archive.sh
deep=0
if "$EXHIBIT" scan --help 2>&1 | grep -q -- --deep; then deep=1; fi
t_expect_status 0 sh "$A" --dry-run --runs 2 --only 2d,1h \
	--work awork --cache acache
mv out.txt adry.txt
S=$T_DIR/awork/scripts
test ! -e acache || t_fail "--dry-run built an archive"
test ! -e awork/bench.key || t_fail "--dry-run made a key"
test ! -e awork/times.txt || t_fail "--dry-run timed something"
# The archives in the order 1h, 2d; both end at the same instant.
t_grep '^# archives: 1h 2d \(4 cameras, 10-second segments, hard links\) in .*/acache/frigate-ARCHIVE$' adry.txt
t_grep '^# 1h: 1440 files, 2024-11-29T11:30:00Z \.\. 2024-11-29T12:30:00Z$' adry.txt
t_grep '^# 2d: 69120 files, 2024-11-27T12:30:00Z \.\. 2024-11-29T12:30:00Z$' adry.txt
if grep -q '^# 30d' adry.txt; then t_fail "30d not asked for"; fi
t_grep '^# range: cam1 2024-11-29T12:00:05Z \.\. 2024-11-29T12:01:05Z; 2 runs$' adry.txt
t_grep '^# cold: sync; echo 3 >/proc/sys/vm/drop_caches; XDG_CACHE_HOME=' adry.txt
for a in 1h 2d; do
	for t in export export-nw scan; do
		f=$S/$a-$t.sh
		test -f "$f" || t_fail "no script for $a $t"
		sh -n "$f" 2>syntax.txt || { cat syntax.txt >&2; t_fail "$a-$t.sh is not valid sh"; }
		for st in cold warm; do
			t_grep "^# ---- $a $t $st: sh $f OUTDIR$" adry.txt
		done
	done
	t_grep "^'$EXHIBIT' export '.*/acache/frigate-$a' -o \"\\\$out/bundle\" " "$S/$a-export.sh"
	t_grep '--camera cam1 --from 2024-11-29T12:00:05Z --to 2024-11-29T12:01:05Z' "$S/$a-export.sh"
	t_grep "-s '$T_DIR/awork/bench.key' " "$S/$a-export.sh"
	t_grep '^  --container dir$' "$S/$a-export.sh"
	t_grep '^  --container dir --no-working$' "$S/$a-export-nw.sh"
	t_grep "^'$EXHIBIT' scan '.*/acache/frigate-$a' " "$S/$a-scan.sh"
	# scan --deep and --no-cache rows only where the binary has them.
	if [ "$deep" -eq 1 ]; then
		t_grep "^'$EXHIBIT' scan --deep '.*/acache/frigate-$a' " "$S/$a-scan-deep.sh"
	else
		test ! -e "$S/$a-scan-deep.sh" || t_fail "scan --deep row without --deep"
	fi
done

# 30d: no million-probe row unless --full.
t_expect_status 0 sh "$A" --dry-run --only 30d --work a30 --cache acache
if [ "$deep" -eq 1 ]; then
	t_grep '^# skipped: scan --deep of 30d: a million probes; use --full$' out.txt
	t_grep '^# ---- 30d scan cold: ' out.txt
else
	t_grep '^# skipped: scan of 30d: the binary has no --deep' out.txt
	if grep -q '^# ---- 30d scan ' out.txt; then t_fail "30d scan without --full"; fi
fi
t_expect_status 0 sh "$A" --dry-run --only 30d --full --work a30f --cache acache
if grep -q '^# skipped' out.txt; then t_fail "--full skipped a row"; fi
t_grep '^# ---- 30d scan cold: ' out.txt

t_expect_status 2 sh "$A" --dry-run --runs 0
t_grep "--runs: '0' is not from 1 to 99" err.txt
t_expect_status 2 sh "$A" --dry-run --only 1h,7d
t_grep "--only: unknown archive '7d' \(1h, 2d or 30d\)" err.txt
t_expect_status 2 sh "$A" --dry-run --baseline-rate fast
t_grep "--baseline-rate: 'fast' is not a number" err.txt
t_expect_status 2 sh "$A" --dry-run --cache
t_grep "--cache needs a value" err.txt
t_expect_status 2 sh "$A" --frobnicate
t_grep "unknown option '--frobnicate'" err.txt
t_done
