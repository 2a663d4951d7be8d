## tests: end-to-end tests that drive the built binary
TESTS += tests/cli/help.sh
dist_check_SCRIPTS += tests/cli/help.sh
