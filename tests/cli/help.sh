#!/bin/sh
# help.sh — --help, --version and the exit codes of the command line.
. "$TOP_SRCDIR/tests/cli/lib.sh"

t_expect_status 0 "$EXHIBIT" --help
t_grep '^Usage: exhibit COMMAND' out.txt
for c in keygen scan export verify custody; do t_grep "^  $c " out.txt; done
t_expect_status 0 "$EXHIBIT" --version
t_grep '^exhibit [0-9]+\.[0-9]+\.[0-9]+$' out.txt
for l in libavformat libavcodec libsodium libarchive libxml2; do
	t_grep "^  $l +[0-9]" out.txt
done
# Usage errors exit 2 and say what was wrong.
t_expect_status 2 "$EXHIBIT"
t_expect_status 2 "$EXHIBIT" frobnicate
t_grep "unknown command 'frobnicate'" err.txt
t_done
