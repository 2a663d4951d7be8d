## tests/hostile.mk (included by the build): hostile and damaged input.
##
## damaged.sh      damaged recordings and what scan/export make of them
##                 (tests/fixtures/damaged: made at test time by make.sh,
##                 outcomes in expected.txt)
## hostile_bundles.sh  hostile bundles, each refused with a named reason
## crash_safety.sh  exports killed at many points or hitting write errors
## Fuzz targets (tests/fuzz) are built with clang by tests/fuzz/run.sh, not
## by make: see tests/fuzz/README.md.  .ci/sanitize runs this whole suite
## under ASan and UBSan.
TESTS += \
	tests/cli/damaged.sh \
	tests/cli/hostile_bundles.sh \
	tests/cli/crash_safety.sh
dist_check_SCRIPTS += \
	tests/cli/damaged.sh \
	tests/cli/hostile_bundles.sh \
	tests/cli/crash_safety.sh
EXTRA_DIST += \
	tests/fixtures/damaged/make.sh \
	tests/fixtures/damaged/expected.txt \
	tests/fixtures/hostile/README \
	tests/fuzz/README.md \
	tests/fuzz/run.sh \
	tests/fuzz/fuzz_common.h \
	tests/fuzz/fuzz_recorder_xml.c \
	tests/fuzz/fuzz_manifest.c \
	tests/fuzz/fuzz_custody.c \
	tests/fuzz/fuzz_bundle.c \
	tests/fuzz/fuzz_key.c \
	tests/fuzz/fuzz_sig.c \
	tests/fuzz/fuzz_time.c \
	tests/fuzz/fuzz_verify_diff.c \
	.ci/sanitize \
	.ci/fuzz

## Seed corpora of the fuzz targets (tests/fuzz/run.sh).
EXTRA_DIST += \
	tests/fuzz/corpus/fuzz_bundle/export.zip \
	tests/fuzz/corpus/fuzz_bundle/tags.tar \
	tests/fuzz/corpus/fuzz_bundle/tags.zip \
	tests/fuzz/corpus/fuzz_custody/export.xml \
	tests/fuzz/corpus/fuzz_key/bare.pub \
	tests/fuzz/corpus/fuzz_key/e.key \
	tests/fuzz/corpus/fuzz_key/w.key \
	tests/fuzz/corpus/fuzz_key/w.pub \
	tests/fuzz/corpus/fuzz_manifest/export.xml \
	tests/fuzz/corpus/fuzz_manifest/sample.xml \
	tests/fuzz/corpus/fuzz_recorder_xml/sample.xml \
	tests/fuzz/corpus/fuzz_sig/comment-edited.minisig \
	tests/fuzz/corpus/fuzz_sig/hashed.minisig \
	tests/fuzz/corpus/fuzz_sig/legacy.minisig \
	tests/fuzz/corpus/fuzz_time/ambiguous-local \
	tests/fuzz/corpus/fuzz_time/clock-offset \
	tests/fuzz/corpus/fuzz_time/offset \
	tests/fuzz/corpus/fuzz_time/skipped-local \
	tests/fuzz/corpus/fuzz_time/utc \
	tests/fuzz/corpus/fuzz_time/zone-pick \
	tests/fuzz/corpus/fuzz_verify_diff/export.zip \
	tests/fuzz/corpus/fuzz_verify_diff/no-masters.zip \
	tests/fuzz/corpus/fuzz_verify_diff/no-masters.tar \
	tests/fuzz/corpus/fuzz_verify_diff/long-top.tar
