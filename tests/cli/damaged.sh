#!/bin/sh
# damaged.sh — damaged recordings (tests/fixtures/damaged/make.sh): for each
# file, what `exhibit scan` says and what `exhibit export` records in
# manifest.xml, as tests/fixtures/damaged/expected.txt lists it.  The
# export goes on around what is lost and exits 0; every master is kept bit
# for bit and hashed; the bundle verifies; the source is not touched.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
fx="$TOP_SRCDIR/tests/fixtures/damaged"

sh "$fx/make.sh" arc
t_key
t_snapshot arc >before.txt

# --- scan -----------------------------------------------------------------
t_expect_status 0 "$EXHIBIT" scan --deep arc --xml
mv out.txt scan.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/scan.xsd" scan.xml 2>lint.txt ||
	{ cat lint.txt >&2; t_fail "scan --xml does not match scan.xsd"; }
t_expect_status 0 "$EXHIBIT" scan --deep arc
mv out.txt scan.txt
t_grep '^  segments +10 \(' scan.txt
t_grep '^  overlap +2024-07-01T12:00:02\.000Z \.\. 2024-07-01T12:00:04\.000Z' scan.txt

# --- export (a folder bundle, so the manifest can be read directly) -------
SOURCE_DATE_EPOCH=1730000000 t_expect_status 0 t_export arc bundle \
	--container dir --camera cam,ov \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:44Z \
	--exhibit D/1 --jobs 2
mv err.txt export-err.txt
test -f bundle/manifest.xml || t_fail "no manifest.xml in the bundle"
t_expect_status 0 "$EXHIBIT" verify bundle -p k.pub
t_grep '^RESULT: PASS' out.txt

n() { xmllint --xpath "$1" "$2" 2>/dev/null || echo "?"; }
L() { printf '*[local-name()="%s"]' "$1"; }
cases=0
while IFS='|' read -r rel states sprob dstate dmsg; do
	case "$rel" in ''|'#'*) continue ;; esac
	cases=$((cases + 1))
	seg="//$(L segment)[@path='$rel']"
	# scan: state and problem
	got=$(n "string($seg/@state)" scan.xml)
	case " $states " in *" $got "*) ;; *)
		t_fail "$rel: scan state '$got', expected one of: $states" ;;
	esac
	prob=$(n "string($seg/@problem)" scan.xml)
	case "$sprob" in
	'*') ;;
	-) test -z "$prob" || t_fail "$rel: scan reports '$prob'" ;;
	*) case "$prob" in *"$sprob"*) ;; *)
		t_fail "$rel: scan problem '$prob' lacks '$sprob'" ;; esac ;;
	esac
	if [ "$got" != unreadable ]; then
		grep -q "^  damaged    $rel\|^  unreadable $rel" scan.txt &&
			[ "$got" = ok ] && t_fail "$rel: scan text lists an ok file"
	else
		grep -q "^  unreadable $rel: " scan.txt ||
			t_fail "$rel: scan text does not list it as unreadable"
	fi
	# manifest: damage
	dmg="//$(L damage)[$(L path)='$rel']"
	if [ "$dstate" = - ]; then
		test "$(n "count($dmg)" bundle/manifest.xml)" = 0 ||
			t_fail "$rel: the manifest reports damage for an intact file"
	else
		sel="$dmg"
		[ "$dstate" = '*' ] || sel="$sel[@state='$dstate']"
		sel="$sel[contains($(L message), \"$dmsg\")]"
		c=$(n "count($sel)" bundle/manifest.xml)
		[ "$c" != "?" ] && [ "$c" -ge 1 ] ||
			t_fail "$rel: no <damage state='$dstate'> with '$dmsg' in manifest.xml"
		grep -q "warning: .*$rel" export-err.txt ||
			t_fail "$rel: export did not warn about it"
	fi
	# master: kept bit for bit, hashed, signed
	m="//$(L file)[@role='master'][$(L source)='$rel']"
	path=$(n "string($m/$(L path))" bundle/manifest.xml)
	hash=$(n "string($m/$(L hash))" bundle/manifest.xml)
	test -n "$path" && test "$path" != "?" ||
		t_fail "$rel: its master is not in the manifest"
	cmp -s "arc/$rel" "bundle/$path" || t_fail "$rel: master differs from the source"
	test "$hash" = "$(sha256sum <"arc/$rel" | cut -d' ' -f1)" ||
		t_fail "$rel: manifest hash is not the source's SHA-256"
	test -f "bundle/$path.minisig" || t_fail "$rel: master not signed"
done <"$fx/expected.txt"
test "$cases" -eq 12 || t_fail "expected.txt has $cases cases, not 12"

# Extension lies: read by content.
test "$(n "string(//$(L segment)[@path='cam/20240701T120024Z-lies.mp4']/@container)" scan.xml)" = \
	"matroska,webm" || t_fail "lies.mp4 not read as Matroska"
# Overlap: the working copy holds each instant once (6 s at 10 fps).
test "$(n "string(//$(L camera)[@id='ov']/$(L file)[@role='working']/$(L video)/@frames)" \
	bundle/manifest.xml)" = 60 || t_fail "overlap: working copy is not 60 frames"

t_same_snapshot before.txt arc "scan and export"
t_done
