#!/bin/sh
# container_names.sh — a bundle's file name must not lie about its content:
# export refuses "-o x.zip --container tar", and verify fails a tar bundle
# renamed to .zip (naming both), while the same bytes as .tar pass.
. "$TOP_SRCDIR/tests/cli/lib.sh"

t_key
args="$TOP_SRCDIR/samples/archive --camera cam1 --from 2024-10-27T00:59:40Z --to 2024-10-27T00:59:42Z -s k.key --case C --exhibit E --operator O --no-working"

t_expect_status 2 "$EXHIBIT" export $args -o lie.zip --container tar
t_grep "lie.zip: the name says zip but --container is tar" err.txt
[ ! -e lie.zip ] || t_fail "export left lie.zip behind"
ls -A | grep -q '^\.' && t_fail "export left a temporary behind"

t_expect_status 0 "$EXHIBIT" export $args -o b.TAR --container tar
t_expect_status 0 "$EXHIBIT" verify b.TAR -p k.pub
cp b.TAR renamed.zip
t_expect_status 1 "$EXHIBIT" verify renamed.zip -p k.pub
t_grep "renamed.zip: named .zip but holds a tar archive" out.txt
t_done
