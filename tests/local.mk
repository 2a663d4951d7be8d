## tests: end-to-end tests that drive the built binary
TESTS += tests/cli/help.sh
dist_check_SCRIPTS += tests/cli/help.sh
include tests/e2e.mk
include tests/hostile.mk
include tests/verify.mk
include bench/local.mk
include man/local.mk
TESTS += tests/cli/scan_codec.sh
dist_check_SCRIPTS += tests/cli/scan_codec.sh
TESTS += tests/cli/progress.sh
dist_check_SCRIPTS += tests/cli/progress.sh
TESTS += tests/cli/readme_examples.sh
dist_check_SCRIPTS += tests/cli/readme_examples.sh
EXTRA_DIST += README.md
TESTS += tests/cli/container_names.sh
dist_check_SCRIPTS += tests/cli/container_names.sh
