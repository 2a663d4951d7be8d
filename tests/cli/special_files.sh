#!/bin/sh
# special_files.sh — FIFOs, folders, devices and link loops where exhibit
# expects a regular file.  Nothing may make exhibit wait (every command runs
# under `timeout`), nothing is read from them, and each is named:
# - in a recorder archive, named like segments inside the range: scan and
#   export record each as an unreadable segment (damage in manifest.xml,
#   a warning on stderr, no master) and the export completes (exit 0) with
#   a bundle that verifies;
# - as the bundle, a file inside a folder bundle, a key (-s, -p) or the
#   passphrase file: refused at once, exit 2 (unusable) with
#   "<file>: not a regular file (a FIFO)", or exit 1 where a folder bundle
#   holds one (tampering, "device, fifo, socket or other special file").
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
command -v mkfifo >/dev/null 2>&1 || t_skip "mkfifo not installed"
command -v timeout >/dev/null 2>&1 || t_skip "timeout not installed"

t_key

# --- a recorder archive with four impostors among real segments -----------
mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4 2
t_clip arc/cam/20240701T120002Z.mp4 2
t_clip arc/cam/20240701T120008Z.mp4 2
fifo=cam/20240701T120004Z.mp4
dir=cam/20240701T120005Z.mp4
dev=cam/20240701T120006Z.mp4
loop=cam/20240701T120007Z.mp4
mkfifo "arc/$fifo"
mkdir "arc/$dir"
ln -s /dev/zero "arc/$dev"
ln -s 20240701T120007Z.mp4 "arc/$loop"
# rule|path|reason (a fixed string)
cat >impostors.txt <<EOF
$fifo|not a regular file (a FIFO)
$dir|not a regular file (a folder)
$dev|refused: a link that leads outside the archive
$loop|cannot open: Too many levels of symbolic links
EOF

t_expect_status 0 timeout 20 "$EXHIBIT" scan arc
mv out.txt scan.txt
t_grep '^  segments +7 \(3 ok, 0 damaged, 4 unreadable\)' scan.txt
while IFS='|' read -r rel why; do
	grep -qF "  unreadable $rel: $why" scan.txt ||
		{ cat scan.txt >&2; t_fail "scan: no '$rel: $why'"; }
done <impostors.txt

t_expect_status 0 timeout 120 env SOURCE_DATE_EPOCH=1730000000 \
	"$EXHIBIT" export arc -o bundle --container dir --camera cam \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:10Z -s k.key \
	--case C-1 --exhibit S/1 --operator Op --preset ultrafast --jobs 1
mv err.txt export-err.txt
t_expect_status 0 timeout 60 "$EXHIBIT" verify bundle -p k.pub
t_grep '^RESULT: PASS' out.txt
n() { xmllint --xpath "$1" "$2" 2>/dev/null || echo "?"; }
L() { printf '*[local-name()="%s"]' "$1"; }
while IFS='|' read -r rel why; do
	dmg="//$(L damage)[@state='unreadable'][$(L path)='$rel']"
	c=$(n "count($dmg[$(L message)=\"$why\"])" bundle/manifest.xml)
	[ "$c" = 1 ] || { grep -A3 '<damage' bundle/manifest.xml >&2
		t_fail "$rel: no <damage state='unreadable'> '$why' in manifest.xml"; }
	grep -F "$rel is unreadable: $why" export-err.txt | grep -q 'warning: ' ||
		{ cat export-err.txt >&2; t_fail "$rel: export did not warn about it"; }
	m="//$(L file)[@role='master'][$(L source)='$rel']"
	[ "$(n "count($m)" bundle/manifest.xml)" = 0 ] ||
		t_fail "$rel: a master was made of it"
done <impostors.txt
# The real segments are all kept.
[ "$(n "count(//$(L file)[@role='master'])" bundle/manifest.xml)" = 3 ] ||
	t_fail "not the three real masters"

# Without masters they are named all the same.
t_expect_status 0 timeout 120 "$EXHIBIT" export arc -o nomasters \
	--container dir --camera cam --from 2024-07-01T12:00:00Z \
	--to 2024-07-01T12:00:10Z -s k.key --case C-1 --exhibit S/1 \
	--operator Op --preset ultrafast --jobs 1 --no-masters
while IFS='|' read -r rel why; do
	dmg="//$(L damage)[@state='unreadable'][$(L path)='$rel']"
	c=$(n "count($dmg[$(L message)=\"$why\"])" nomasters/manifest.xml)
	[ "$c" = 1 ] || t_fail "--no-masters: $rel not named as damage"
done <impostors.txt

# A recorder index that is a FIFO: refused, not waited on.
mkdir -p idx
mkfifo idx/recorder.xml
t_expect_status 2 timeout 5 "$EXHIBIT" scan idx
t_grep 'recorder\.xml: not a regular file \(a FIFO\)' err.txt

# --- as the bundle, a key or the passphrase file ----------------------------
"$EXHIBIT" export arc -o small.zip --container zip --camera cam \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z -s k.key \
	--case C-1 --exhibit S/2 --operator Op --preset ultrafast --jobs 1 \
	--no-working >/dev/null 2>&1 || t_fail "cannot make a small bundle"
mkfifo fifo
ln -s loop.zip loop.zip

# unusable WHAT REASON cmd...: exit 2 within 5 s naming WHAT: REASON.
unusable() {
	what=$1 why=$2; shift 2
	t_expect_status 2 timeout 5 "$@"
	grep -qF -- "$what: $why" err.txt ||
		{ cat out.txt err.txt >&2; t_fail "$*: no '$what: $why'"; }
}
FIFO='not a regular file (a FIFO)'
unusable fifo "$FIFO" "$EXHIBIT" verify fifo -p k.pub
unusable fifo "$FIFO" "$EXHIBIT" custody show fifo
unusable fifo "$FIFO" "$EXHIBIT" custody add fifo -s k.key --actor A \
	--action B
unusable /dev/null 'not a regular file (a character device)' \
	"$EXHIBIT" verify /dev/null -p k.pub
unusable /dev/null 'not a regular file (a character device)' \
	"$EXHIBIT" custody show /dev/null
unusable loop.zip 'Too many levels of symbolic links' \
	"$EXHIBIT" verify loop.zip -p k.pub
unusable fifo "$FIFO" "$EXHIBIT" verify small.zip -p fifo
unusable fifo "$FIFO" "$EXHIBIT" custody show small.zip -p fifo
unusable fifo "$FIFO" "$EXHIBIT" custody add small.zip -s fifo --actor A \
	--action B
unusable fifo "$FIFO" "$EXHIBIT" export arc -o never.zip --camera cam \
	--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z -s fifo \
	--case C-1 --exhibit S/3 --operator Op
test ! -e never.zip || t_fail "export made a bundle without a key"
printf 'pass phrase\n' >pass
env EXHIBIT_PASSPHRASE_FILE=pass "$EXHIBIT" keygen -s e.key -p e.pub \
	>/dev/null
unusable 'fifo (from EXHIBIT_PASSPHRASE_FILE)' "$FIFO" \
	env EXHIBIT_PASSPHRASE_FILE=fifo "$EXHIBIT" export arc -o never.zip \
	--camera cam --from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:01Z \
	-s e.key --case C-1 --exhibit S/3 --operator Op
unusable 'fifo (from EXHIBIT_PASSPHRASE_FILE)' "$FIFO" \
	env EXHIBIT_PASSPHRASE_FILE=fifo "$EXHIBIT" custody add small.zip \
	-s e.key --actor A --action B

# --- a folder bundle holding a FIFO where a file belongs --------------------
# verify: tampering (exit 1), named; custody show reads manifest.xml
# directly: unusable (exit 2); custody.xml as a FIFO is a broken log (1).
# (Copies keep the bundle's name, so nothing but the FIFO differs.)
mkdir fm fc
cp -R bundle fm/bundle
rm fm/bundle/manifest.xml
mkfifo fm/bundle/manifest.xml
t_expect_status 1 timeout 5 "$EXHIBIT" verify fm/bundle -p k.pub
cat out.txt err.txt >all.txt
t_grep 'manifest\.xml: device, fifo, socket or other special file \(a FIFO, mode 010[0-7]{3}\)' all.txt
unusable fm/bundle/manifest.xml "$FIFO" "$EXHIBIT" custody show fm/bundle
t_expect_status 1 timeout 5 "$EXHIBIT" custody add fm/bundle -s k.key \
	--actor A --action B
t_grep 'not intact, refusing to extend its custody log' err.txt
t_grep 'manifest\.xml: device, fifo' err.txt
cp -R bundle fc/bundle
rm fc/bundle/custody.xml
mkfifo fc/bundle/custody.xml
t_expect_status 1 timeout 5 "$EXHIBIT" custody show fc/bundle
grep -qF "fc/bundle/custody.xml: $FIFO" err.txt ||
	{ cat out.txt err.txt >&2; t_fail "custody show: custody.xml FIFO not named"; }
t_done
