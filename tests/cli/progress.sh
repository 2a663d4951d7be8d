#!/bin/sh
# progress.sh — export shows per-camera progress (stage, frames, ETA) on a
# terminal, and stays quiet when stderr is not a terminal.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v script >/dev/null 2>&1 || t_skip "script(1) not installed"

t_key
args="$TOP_SRCDIR/samples/archive --camera cam1,cam2 --from 2024-10-27T00:59:40Z --to 2024-10-27T00:59:46Z -s k.key --case C --exhibit E --operator O --preset ultrafast --container dir"

# Not a terminal: no progress lines, no escape sequences.
t_expect_status 0 "$EXHIBIT" export $args -o quiet
if grep -q 'working copy\|ETA' err.txt || grep -q "$(printf '\033')" err.txt; then
	cat err.txt >&2
	t_fail "progress printed although stderr is not a terminal"
fi

# A terminal (script(1) gives the command a pseudo-terminal).
script -qec "'$EXHIBIT' export $args -o loud" tty.txt >/dev/null 2>&1 ||
	{ cat tty.txt >&2; t_fail "export under a terminal failed"; }
t_grep 'cam1 +encoding working copy +[0-9]+/[0-9]+' tty.txt
t_grep 'cam2 +encoding working copy +[0-9]+/[0-9]+' tty.txt
# The last drawing says both cameras are done.
t_grep 'cam1 +done +' tty.txt
t_grep 'cam2 +done +' tty.txt
t_expect_status 0 "$EXHIBIT" verify loud -p k.pub
t_done
