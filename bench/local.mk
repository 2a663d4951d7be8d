## bench/local.mk (included by tests/local.mk): the export benchmark.
## Not run by make check; tests/cli/bench_smoke.sh runs it with --dry-run
## so it cannot rot unnoticed.  bench/make-footage.sh is listed in
## samples/local.mk.
EXTRA_DIST += \
	bench/bench-export.sh \
	bench/bench-memory.sh \
	bench/README.md
