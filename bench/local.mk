## bench/local.mk (included by tests/local.mk): the export benchmark and
## the recorder-sized archive benchmark.  Not run by make check;
## tests/cli/bench_smoke.sh runs both with --dry-run so they cannot rot
## unnoticed.  bench/make-footage.sh is listed in
## samples/local.mk.
EXTRA_DIST += \
	bench/bench-archive.sh \
	bench/bench-export.sh \
	bench/bench-memory.sh \
	bench/README.md
