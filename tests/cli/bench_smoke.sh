#!/bin/sh
# bench_smoke.sh — bench/bench-export.sh --dry-run, so that the benchmark
# cannot rot unnoticed: it writes the scripts it would time (each valid sh)
# with the options given, runs nothing (no footage is made), and refuses
# bad options with a usage error naming the option.
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
t_grep '^# export-exhibit export-baseline floor verify-exhibit verify-baseline nowork-exhibit nowork-cp nowork-b2sum multi-exhibit multi-baseline$' dry.txt
for t in export-exhibit export-baseline floor verify-exhibit verify-baseline \
	nowork-exhibit nowork-cp nowork-b2sum multi-exhibit multi-baseline; do
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
t_grep '^# export-exhibit .* nowork-b2sum$' out.txt
test ! -e one/scripts/multi-exhibit.sh || t_fail "multi task with 1 camera"

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
t_done
