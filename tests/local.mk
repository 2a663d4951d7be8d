## tests: end-to-end tests that drive the built binary
TESTS += tests/cli/help.sh
dist_check_SCRIPTS += tests/cli/help.sh
include tests/e2e.mk
include tests/hostile.mk
include bench/local.mk
include man/local.mk
