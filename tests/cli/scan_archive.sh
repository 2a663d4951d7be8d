#!/bin/sh
# scan_archive.sh — exhibit scan on an indexed archive (recorder.xml) with
# a damaged and a missing file, on plain camera folders with local-time
# names (--tz), and its usage and archive errors (exit 2, named).
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
fix="$TOP_SRCDIR/tests/fixtures/archive"

# --- indexed ----------------------------------------------------------
mkdir -p idx/cam1 idx/cam2
cp "$fix/clip.mp4" idx/cam1/a.mp4
cp "$fix/clip.mkv" idx/cam1/b.mkv
cp "$fix/empty.mp4" idx/cam2/empty.mp4
cat > idx/recorder.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<recorder xmlns="urn:exhibit:recorder:1" version="1">
  <make>Acme</make><model>NVR-8</model><serial>AC-0001</serial>
  <site>Town Hall CCTV</site><timezone>Europe/London</timezone>
  <camera id="cam1" name="High Street North" location="High St / Market Sq">
    <segment file="cam1/a.mp4" start="2024-10-27T00:59:59.000Z"/>
    <segment file="cam1/b.mkv" start="2024-10-27T01:00:05.500Z"/>
  </camera>
  <camera id="cam2">
    <segment file="cam2/empty.mp4" start="2024-10-27T01:00:00Z"/>
    <segment file="cam2/gone.mp4" start="2024-10-27T01:00:10Z"/>
  </camera>
</recorder>
XML
t_expect_status 0 "$EXHIBIT" scan idx
test ! -s err.txt || { cat err.txt >&2; t_fail "scan wrote to stderr"; }
t_grep '^layout +indexed$' out.txt
t_grep '^recorder +Acme NVR-8, serial AC-0001, site Town Hall CCTV$' out.txt
t_grep '^zone +Europe/London \(recorder\)$' out.txt
t_grep '^  name +High Street North$' out.txt
t_grep '^  location +High St / Market Sq$' out.txt
# 00:59:59Z is 01:59:59 BST; the clocks went back at 01:00Z, so 01:00:01Z
# is 01:00:01 GMT: local times across the change.
t_grep '^  recorded +2024-10-27T00:59:59\.000Z \.\. 2024-10-27T01:00:01\.000Z  \(2\.000 s\)$' out.txt
t_grep '^ +2024-10-27 01:59:59\.000 BST \.\. 2024-10-27 01:00:01\.000 GMT$' out.txt
t_grep '^    last frame +2024-10-27T01:00:00\.900Z  2024-10-27 01:00:00\.900 GMT$' out.txt
t_grep '^  gap +2024-10-27T01:00:01\.000Z \.\. 2024-10-27T01:00:05\.500Z  \(4\.500 s\)$' out.txt
t_grep '^  segments +2 \(0 ok, 0 damaged, 2 unreadable\)$' out.txt
t_grep '^  unreadable cam2/empty\.mp4: empty file \(0 bytes\)$' out.txt
t_grep '^  unreadable cam2/gone\.mp4: cannot open: No such file' out.txt
t_grep '^  recorded +nothing$' out.txt

t_expect_status 0 "$EXHIBIT" scan --xml idx
mv out.txt idx.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/scan.xsd" idx.xml 2>lint.txt ||
	{ cat lint.txt >&2; t_fail "scan --xml does not match scan.xsd"; }
t_grep '<recorder make="Acme" model="NVR-8" serial="AC-0001" site="Town Hall CCTV" timezone="Europe/London"/>' idx.xml
t_grep 'path="cam2/empty.mp4" state="unreadable" start="2024-10-27T01:00:00.000Z".* problem="empty file \(0 bytes\)"' idx.xml
t_grep 'path="cam1/b.mkv" state="ok" .*time-source="index"' idx.xml

# A recorder.xml that breaks the rules is refused, and says why.
cp idx/recorder.xml good.xml
sed 's|cam1/a.mp4|../outside.mp4|' good.xml > idx/recorder.xml
t_expect_status 2 "$EXHIBIT" scan idx
t_grep "^exhibit: recorder.xml:6: segment file '../outside.mp4' refused: '..' in path$" err.txt
sed 's|start="2024-10-27T00:59:59.000Z"|start="2024-10-27T00:59:59"|' good.xml > idx/recorder.xml
t_expect_status 2 "$EXHIBIT" scan idx
t_grep "^exhibit: recorder.xml: not valid against its schema: line 6: .*'start'" err.txt
test "$(wc -l < err.txt)" -eq 1 || { cat err.txt >&2; t_fail "libxml2 printed"; }
{ sed -n 1p good.xml; echo '<!DOCTYPE r [<!ENTITY e "x">]>'; sed 1d good.xml; } > idx/recorder.xml
t_expect_status 2 "$EXHIBIT" scan idx
t_grep '^exhibit: recorder.xml: has a DOCTYPE' err.txt

# --- plain, names in local time -----------------------------------------
mkdir -p plain/gate
cp "$fix/clip.mp4" plain/gate/2024-07-01T12-00-00.mp4
cp "$fix/clip.ts" plain/gate/gate-2024-07-01T12-00-02.ts
t_expect_status 0 "$EXHIBIT" scan plain
t_grep '^layout +plain$' out.txt
t_grep '^  recorded +2024-07-01T11:00:00\.000Z \.\. 2024-07-01T11:00:04\.000Z  \(4\.000 s\)$' out.txt
t_expect_status 0 "$EXHIBIT" scan plain --tz UTC
t_grep '^  recorded +2024-07-01T12:00:00\.000Z \.\. 2024-07-01T12:00:04\.000Z ' out.txt
t_grep '^ +2024-07-01 12:00:00\.000 UTC \.\. ' out.txt

# --- one folder off: the folder above an archive, or one camera's folder --
# (issue 12: scan one folder too high read the archive as a camera whose
# recorder.xml was an unreadable segment)
mkdir above above/notes
cp -R idx above/site1
t_expect_status 2 "$EXHIBIT" scan above
t_grep '^exhibit: above is not a recorder archive, but it holds one: above/site1 \(indexed layout\); give that folder$' err.txt
mkdir -p above2/frig/recordings/2024-10-27/00/cam1
cp "$fix/clip.mp4" above2/frig/recordings/2024-10-27/00/cam1/59.58.mp4
t_expect_status 2 "$EXHIBIT" scan above2
t_grep 'holds one: above2/frig \(Frigate layout\)' err.txt
t_expect_status 0 "$EXHIBIT" scan above2/frig
t_grep '^layout +frigate$' out.txt
mkdir above3 && cp -R plain above3/site2 && cp -R plain above3/site3
t_expect_status 2 "$EXHIBIT" scan above3
t_grep 'holds archives: above3/site2 \(plain layout\), above3/site3 \(plain layout\); give that folder$' err.txt
t_expect_status 2 "$EXHIBIT" scan plain/gate
t_grep "^exhibit: plain/gate looks like one camera's folder, not a recorder archive; give the folder that holds the camera folders\$" err.txt
t_key
t_expect_status 2 "$EXHIBIT" export above -o x.zip --camera cam1 \
	--from 2024-10-27T00:59:59Z --to 2024-10-27T01:00:01Z -s k.key \
	--case C --exhibit E --operator O
t_grep 'above is not a recorder archive, but it holds one' err.txt
test ! -e x.zip || t_fail "export from the folder above wrote x.zip"

# --- usage and archive errors: exit 2, the reason named -----------------
t_expect_status 0 "$EXHIBIT" scan --help
t_grep '^Usage: exhibit scan ARCHIVE' out.txt
t_expect_status 2 "$EXHIBIT" scan
t_grep 'no ARCHIVE given' err.txt
t_expect_status 2 "$EXHIBIT" scan idx plain
t_grep 'more than one ARCHIVE' err.txt
t_expect_status 2 "$EXHIBIT" scan --frobnicate plain
t_grep "Try 'exhibit scan --help'" err.txt
t_expect_status 2 "$EXHIBIT" scan nowhere
t_grep '^exhibit: nowhere: No such file or directory$' err.txt
mkdir empty
t_expect_status 2 "$EXHIBIT" scan empty
t_grep 'not a recorder archive' err.txt
t_expect_status 2 "$EXHIBIT" scan plain --tz Mars/Olympus
t_grep 'Mars/Olympus' err.txt
t_done
