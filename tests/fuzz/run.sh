#!/bin/sh
# run.sh [SECONDS] [TARGET...] — build the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) straight from the library sources
# and run each for SECONDS (default 20) on its seed corpus
# (tests/fuzz/corpus/<target>/).  Exits non-zero on the first crash, leak,
# timeout or sanitizer report; the input that caused it is left in the
# build folder as crash-*, leak-*, timeout-* or oom-*.
#
# Environment: FUZZ_BUILDDIR (default /tmp/exhibit-fuzz-build), CC (clang),
# FUZZ_FLAGS (more libFuzzer flags, e.g. "-jobs=4 -workers=4").
# New inputs found are kept in $FUZZ_BUILDDIR/corpus/<target>/, never in
# the source tree; see README.md for running longer and minimising.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-20}
[ $# -gt 0 ] && shift
targets=${*:-"fuzz_time fuzz_sig fuzz_key fuzz_manifest fuzz_custody fuzz_bundle fuzz_recorder_xml
fuzz_mask fuzz_verify_diff"}
CC=${CC:-clang}
out=${FUZZ_BUILDDIR:-/tmp/exhibit-fuzz-build}
command -v "$CC" >/dev/null 2>&1 ||
	{ echo "run.sh: $CC not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$out/gen" "$out/obj" "$out/corpus"

# The generated sources the build makes with build-aux/embed.sh, and the
# little of config.h that the library uses.
embed() { sh "$top/build-aux/embed.sh" "$1" "$top/schemas/$2" >"$out/gen/$3.tmp" &&
	mv "$out/gen/$3.tmp" "$out/gen/$3"; }
embed ex_recorder_xsd recorder.xsd recorder_xsd.c
embed ex_manifest_xsd_text manifest.xsd manifest_xsd.c
embed ex_custody_xsd_text custody.xsd custody_xsd.c
embed ex_mask_xsd_text mask.xsd mask_xsd.c
cat >"$out/gen/config.h" <<CFG
#define PACKAGE_VERSION "$(sed -n 's/^AC_INIT(\[exhibit\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")"
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
CFG

# The parsers and what they call: the core, evidence, bundle, archive and mask
# modules, every file in them (so a file split or added there needs no
# edit here), and verify; not the media pipeline, the pages or export.
lib=$(cd "$top" && ls src/lib/*.c src/lib/evidence/*.c src/lib/bundle/*.c \
	src/lib/archive/*.c src/lib/mask/*.c | grep -v '^src/lib/export')
pcs="libavformat libavcodec libavutil libswscale libsodium libarchive libxml-2.0 sqlite3"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 $SAN -I$out/gen -I$top/include -I$top/src/lib $(pkg-config --cflags $pcs)"
LIBS="$(pkg-config --libs $pcs) -lpthread -lm"
objs=
for s in $lib "$out/gen/recorder_xsd.c" "$out/gen/manifest_xsd.c" "$out/gen/custody_xsd.c" \
    "$out/gen/mask_xsd.c"; do
	case "$s" in /*) src=$s ;; *) src=$top/$s ;; esac
	o="$out/obj/$(echo "$s" | sed 's|^/||; s|/|_|g; s|\.c$|.o|')"
	if [ ! -f "$o" ] || [ "$src" -nt "$o" ]; then
		# -fsanitize=fuzzer-no-link: instrumented, but no second main().
		$CC $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$o"
	fi
	objs="$objs $o"
done

status=0
# The targets' scratch files go here (a killed run leaves them behind).
rm -rf "$out/tmp" && mkdir -p "$out/tmp"
TMPDIR=$out/tmp
export TMPDIR
for t in $targets; do
	echo "== $t: building"
	# A target's own helpers: fuzz_verify_diff's raw walkers.
	extra=
	[ "$t" = fuzz_verify_diff ] && extra="$here/diff_walk.c"
	$CC $CFLAGS "$here/$t.c" $extra $objs $LIBS -o "$out/$t"
	mkdir -p "$out/corpus/$t"
	if [ "$t" = fuzz_verify_diff ]; then
		# Its seeds must PASS verify (else it compares nothing), and a
		# planted disagreement must be caught (fuzz_verify_diff.c).
		echo "== $t: self-check on the seeds"
		if ! (cd "$out/tmp" && FUZZ_DIFF_SELFTEST=1 "$out/$t" \
		    "$here/corpus/$t"/* >"$out/$t.selftest.log" 2>&1); then
			tail -n 30 "$out/$t.selftest.log" >&2
			echo "== $t: self-check FAILED (log: $out/$t.selftest.log)" >&2
			status=1
			break
		fi
	fi
	echo "== $t: fuzzing for ${secs}s"
	if ! (cd "$out" && "./$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$out/$t-" ${FUZZ_FLAGS:-} \
	    "corpus/$t" "$here/corpus/$t" >"$t.log" 2>&1); then
		tail -n 60 "$out/$t.log" >&2
		echo "== $t: FAILED (log: $out/$t.log)" >&2
		status=1
		break
	fi
	grep -E '^stat::number_of_executed_units|^Done' "$out/$t.log" | tr '\n' ' '
	echo
done
rm -rf "$out/tmp"
exit $status
