#!/bin/sh
# readme_instructions.sh — the commands that data/README.txt tells a reader
# to type work, as written, after a custody event has been added.  For each
# kind of bundle (ZIP, tar, ISO, folder): export the sample archive, add a
# custody event signed with another key (an officer's), unpack the bundle
# the way README.txt says, take every command it marks (lines starting
# "  $ ", continued after " \"), put the key files and the bundle in place
# of control-room.pub, OFFICER.pub and BUNDLE, and run each in the bag
# root with the stock tools (sha256sum, minisign) and exhibit verify: all
# must succeed.  Then a changed file must make the same commands fail.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v minisign >/dev/null 2>&1 ||
	t_skip "minisign not installed (apt-get install minisign)"
command -v sha256sum >/dev/null 2>&1 || t_skip "sha256sum not installed"
command -v unzip >/dev/null 2>&1 || t_skip "unzip not installed"
command -v bsdtar >/dev/null 2>&1 ||
	t_skip "bsdtar not installed (apt-get install libarchive-tools)"

"$EXHIBIT" keygen -W -s cr.key -p control-room.pub >/dev/null
"$EXHIBIT" keygen -W -s officer.key -p officer.pub >/dev/null
keys=$(pwd)

# The marked commands of a README.txt, one a line, continuations joined.
commands() {
	awk '
	/^  \$ / { cmd = substr($0, 5); more = (cmd ~ / \\$/); next_ok = 1
		if (!more) { print cmd; next } next }
	more { line = $0; sub(/^ +/, "", line)
		cmd = substr(cmd, 1, length(cmd) - 1) line
		more = (cmd ~ / \\$/); if (!more) print cmd; next }
	' "$1"
}

# run_all ROOT BUNDLE: every marked command of ROOT/data/README.txt, run
# in ROOT; prints "ok N" or "failed N: command" per command.
run_all() {
	root=$1 bundle=$2 n=0
	commands "$root/data/README.txt" >"$root.cmds"
	test -s "$root.cmds" || t_fail "no commands marked in $root/data/README.txt"
	while IFS= read -r cmd; do
		n=$((n + 1))
		# The reader's own names for the key files and the bundle.
		c=$(printf '%s\n' "$cmd" | sed \
			-e "s|control-room\.pub|$keys/control-room.pub|g" \
			-e "s|OFFICER\.pub|$keys/officer.pub|g" \
			-e "s|BUNDLE|$bundle|g" \
			-e "s|^exhibit |$EXHIBIT |")
		if (cd "$root" && sh -c "$c") >"$root.out$n" 2>&1; then
			echo "ok $n: $cmd"
		else
			echo "failed $n: $cmd"
		fi
	done <"$root.cmds"
}

for kind in zip tar iso dir; do
	t_expect_status 0 env SOURCE_DATE_EPOCH=1730000000 "$EXHIBIT" export \
		"$TOP_SRCDIR/samples/archive" -o "b.$kind" --container "$kind" \
		--camera cam1,cam2 --from 2024-10-27T00:59:58Z \
		--to 2024-10-27T01:00:02Z -s cr.key --case C-1 \
		--exhibit ABC/1 --operator "Jo Bloggs" \
		--organisation "Town Hall CCTV" --preset ultrafast --jobs 2
	t_expect_status 0 "$EXHIBIT" custody add "b.$kind" -s officer.key \
		--actor "PC 1234 Smith" --action received
	t_grep "custody event 2 added" out.txt

	# Unpacked as README.txt says: one folder, ABC_1, the bag root.
	case $kind in
	zip)	unzip -q b.zip -d u.zip; root=u.zip/ABC_1 ;;
	tar)	mkdir u.tar; tar -xf b.tar -C u.tar; root=u.tar/ABC_1 ;;
	iso)	mkdir u.iso; bsdtar -xf b.iso -C u.iso; root=u.iso/ABC_1 ;;
	dir)	root=b.dir ;;
	esac
	test -f "$root/manifest-sha256.txt" || t_fail "$kind: no bag root at $root"
	readme=$root/data/README.txt
	if [ "$kind" = dir ]; then
		t_grep 'Run these in the bag root: the bundle folder itself' \
			"$readme"
	else
		tr '\n' ' ' <"$readme" | grep -q 'That gives one folder, ABC_1: the bag root' ||
			t_fail "$kind: README.txt does not name the bag root ABC_1"
	fi
	# Nothing in it pastes the key printed inside the bundle.
	if grep -qF -- "$(tail -n 1 control-room.pub)" "$readme"; then
		t_fail "$kind: README.txt prints the signer's key to check with"
	fi

	run_all "$root" "$keys/b.$kind" >"runs.$kind"
	cat "runs.$kind"
	# Every kind of check is there, and each passed.
	for want in 'exhibit verify BUNDLE -p control-room\.pub$' \
		'exhibit verify BUNDLE --strict -p control-room\.pub -p OFFICER\.pub$' \
		'sha256sum -c manifest-sha256\.txt$' \
		'sha256sum -c tagmanifest-sha256\.txt$' \
		'minisign -Vm manifest\.xml -p control-room\.pub$' \
		'minisign -Vm data/cam1/working/cam1-working-001\.mp4 -p control-room\.pub$'; do
		t_grep "^ok [0-9]+: $want" "runs.$kind"
	done
	if grep -q '^failed' "runs.$kind"; then
		for f in "$root".out*; do echo "== $f"; cat "$f"; done >&2
		t_fail "$kind: a command from README.txt failed after custody add"
	fi
	# What each tool said: PASS, every line OK, verified.
	n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		case $cmd in
		exhibit*)
			t_grep '^RESULT: PASS' "$root.out$n" ;;
		sha256sum*)
			test -s "$root.out$n" || t_fail "$kind: $cmd said nothing"
			if grep -v ': OK$' "$root.out$n" >&2; then
				t_fail "$kind: $cmd: a line not OK"
			fi ;;
		minisign*)
			t_grep '^Signature and comment signature verified$' \
				"$root.out$n" ;;
		*)	t_fail "$kind: README.txt marks an unexpected command: $cmd" ;;
		esac
	done <"$root.cmds"
done

# The same commands fail on a changed copy: one byte of a working copy.
cp -R b.dir changed
printf 'X' | dd of=changed/data/cam1/working/cam1-working-001.mp4 bs=1 \
	seek=3000 conv=notrunc 2>/dev/null
run_all changed "$keys/changed" >runs.changed
cat runs.changed
t_grep '^failed [0-9]+: exhibit verify BUNDLE -p control-room\.pub$' runs.changed
t_grep '^failed [0-9]+: sha256sum -c manifest-sha256\.txt$' runs.changed
t_grep '^ok [0-9]+: sha256sum -c tagmanifest-sha256\.txt$' runs.changed
t_grep '^failed [0-9]+: minisign -Vm data/cam1/working/cam1-working-001\.mp4 -p control-room\.pub$' runs.changed
t_done
