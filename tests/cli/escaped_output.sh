#!/bin/sh
# escaped_output.sh — text taken from a bundle or a recorder archive is
# printed with control characters escaped (exhibit/text.h,
# ex_text_escape), in text and --xml output alike: a hostile path, custody
# note, camera name, recorder.xml field or segment file name must not
# drive the officer's terminal (clear it, paint a fake "RESULT: PASS",
# return the cursor) nor reorder what is read (bidi overrides), and the
# verdict stays right.  Issue 11, item 3.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed (libxml2-utils)"
command -v python3 >/dev/null 2>&1 || t_skip "python3 not installed"

ESC=$(printf '\033')
RLO=$(printf '\342\200\256')          # U+202E RIGHT-TO-LEFT OVERRIDE
PDF=$(printf '\342\200\254')          # U+202C POP DIRECTIONAL FORMATTING
LRI=$(printf '\342\201\246')          # U+2066 LEFT-TO-RIGHT ISOLATE
CSI8=$(printf '\302\233')             # U+009B, the 8-bit CSI
FAKE="$ESC[2J$ESC[1;32mRESULT: PASS$(printf '\r')"
FAKE_SHOWN='\x1b[2J\x1b[1;32mRESULT: PASS\x0d'

# no_raw FILE: nothing in FILE that a terminal obeys or that reorders the
# line: no C0 control but TAB and LF, no DEL, no C1 control, no bidi
# override or isolate.
no_raw() {
	n=$(LC_ALL=C tr -d '\011\012\040-\176\200-\377' <"$1" | wc -c)
	if [ "$n" -ne 0 ]; then
		od -c "$1" | head -40 >&2
		t_fail "$1: $n raw control bytes"
	fi
	for c in "$RLO" "$PDF" "$LRI" "$CSI8" "$(printf '\302\205')"; do
		if LC_ALL=C grep -qF -- "$c" "$1"; then
			od -c "$1" | head -40 >&2
			t_fail "$1: a raw C1 control or bidi control"
		fi
	done
}
# run NAME STATUS SECONDS CMD...: CMD must exit STATUS within SECONDS;
# NAME.out is its stdout, NAME.all stdout and stderr; nothing raw in them.
run() {
	name=$1 want=$2 secs=$3; shift 3
	set +e
	timeout "$secs" "$@" >"$name.out" 2>"$name.err"
	got=$?
	set -e
	cat "$name.out" "$name.err" >"$name.all"
	if [ "$got" -ne "$want" ]; then
		cat "$name.all" >&2
		t_fail "$name: exit $got, expected $want: $*"
	fi
	no_raw "$name.all"
}
# has NAME TEXT...: NAME.all shows each TEXT (fixed strings).
has() {
	name=$1; shift
	for what in "$@"; do
		grep -qF -- "$what" "$name.all" ||
			{ cat "$name.all" >&2; t_fail "$name: no '$what' in the output"; }
	done
}
# xml_ok NAME: NAME.out is well-formed XML.
xml_ok() {
	xmllint --noout "$1.out" || { cat "$1.out" >&2; t_fail "$1: not well-formed XML"; }
}
# one_result NAME VERDICT: the only line that starts with "RESULT:" is the
# real one.
one_result() {
	n=$(grep -c '^RESULT:' "$1.out" || :)
	[ "$n" -eq 1 ] && grep -q "^RESULT: $2" "$1.out" ||
		{ cat "$1.all" >&2; t_fail "$1: not one 'RESULT: $2' line"; }
}

mkdir -p arc/cam
t_clip arc/cam/20240701T120000Z.mp4
t_key
export SOURCE_DATE_EPOCH=1730000000
# What every export here shares (no blanks inside a word).
# (export itself is run under timeout below: so all of t_export's too)
EXOPTS="--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:02Z -s k.key
	--case C-1 --exhibit E1 --operator Op --preset ultrafast --jobs 1"
# shellcheck disable=SC2086
t_export arc E1 --container dir --camera cam --no-working $EXOPTS >/dev/null
run good 0 5 "$EXHIBIT" verify E1 -p k.pub
one_result good PASS

# --- verify: a path in manifest-sha256.txt --------------------------------
# An extra line whose path clears the screen and paints a green PASS, then
# returns the cursor; the tag manifest is brought in line, so only the
# missing file is wrong.
cp -R E1 fake
printf '%064d  data/%s\n' 0 "$FAKE" >>fake/manifest-sha256.txt
sum=$(sha256sum fake/manifest-sha256.txt | cut -d' ' -f1)
sed -i "s/^[0-9a-f]*  manifest-sha256.txt\$/$sum  manifest-sha256.txt/" \
	fake/tagmanifest-sha256.txt
run fake 1 5 "$EXHIBIT" verify fake -p k.pub
has fake "data/$FAKE_SHOWN" "listed in manifest-sha256.txt but missing"
one_result fake FAIL
run fake-xml 1 5 "$EXHIBIT" verify --xml fake -p k.pub
xml_ok fake-xml
has fake-xml "data/$FAKE_SHOWN" 'result="fail"'

# The same name as a ZIP entry: refused, and shown escaped.
# shellcheck disable=SC2086
t_export arc good.zip --camera cam --no-working $EXOPTS >/dev/null
python3 - "$FAKE" <<'EOF'
import sys, zipfile
with zipfile.ZipFile("good.zip") as src, \
     zipfile.ZipFile("fake.zip", "w") as dst:
    for i in src.infolist():
        dst.writestr(i, src.read(i))
    dst.writestr("E1/data/" + sys.argv[1] + ".mp4", b"x")
EOF
run fake-zip 1 5 "$EXHIBIT" verify fake.zip -p k.pub
has fake-zip "$FAKE_SHOWN"
one_result fake-zip FAIL
run fake-zip-xml 1 5 "$EXHIBIT" verify --xml fake.zip -p k.pub
xml_ok fake-zip-xml
has fake-zip-xml "$FAKE_SHOWN" 'result="fail"'

# --- custody: actor and note ----------------------------------------------
# Added through the CLI: control characters are dropped on writing (they
# are cleaned, exhibit/text.h), bidi controls are kept and shown escaped.
cp -R E1 cust
run cust-add 0 30 "$EXHIBIT" custody add cust -s k.key \
	--actor "PC ${RLO}lievE$PDF" --action received \
	--note "n$FAKE ${LRI}iso $CSI8"
run cust-show 0 5 "$EXHIBIT" custody show cust -p k.pub
has cust-show 'PC \u{202e}lievE\u{202c}' '\u{2066}iso' "RESULT: intact"
one_result cust-show intact
run cust-verify 0 5 "$EXHIBIT" verify cust -p k.pub
one_result cust-verify PASS
# Written by hand: XML carries CR and LF as character references, and C1
# controls as they are.  The signature no longer matches, but the log is
# still shown, escaped, and the verdict is BROKEN.
cp -R cust cust-edit
python3 - <<'EOF'
import re
p = "cust-edit/custody.xml"
s = open(p, "rb").read()
s, n = re.subn(rb"<note>[^<]*</note>",
    b"<note>x&#13;\xc2\x9b2J&#10;RESULT: intact\xe2\x80\xae</note>", s)
assert n == 1
open(p, "wb").write(s)
EOF
run cust-edit 1 5 "$EXHIBIT" custody show cust-edit -p k.pub
has cust-edit 'x\x0d\u{009b}2J\x0aRESULT: intact\u{202e}' \
	"signature does not match" "RESULT: BROKEN"
one_result cust-edit BROKEN
run cust-edit-verify 1 5 "$EXHIBIT" verify cust-edit -p k.pub
has cust-edit-verify "signature does not match"
one_result cust-edit-verify FAIL
run cust-edit-xml 1 5 "$EXHIBIT" verify --xml cust-edit -p k.pub
xml_ok cust-edit-xml

# --- scan and export: camera and segment names ------------------------------
# A plain archive whose camera folder holds ESC and a bidi override, with a
# damaged segment (its time in the MP4, its name a fake verdict).
CAM="cam$ESC[31mX$RLO"
CAM_SHOWN='cam\x1b[31mX\u{202e}'
SEG="late$FAKE$RLO.mp4"
SEG_SHOWN="late$FAKE_SHOWN"'\u{202e}.mp4'
mkdir -p "hostile/$CAM"
cp arc/cam/20240701T120000Z.mp4 "hostile/$CAM/"
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi \
	-i testsrc=size=64x36:rate=10:duration=1 -c:v libx264 -preset ultrafast \
	-g 10 -bf 0 -pix_fmt yuv420p -movflags +faststart \
	-metadata creation_time=2024-07-01T12:00:01Z full.mp4
head -c $(($(wc -c <full.mp4) - 1500)) full.mp4 >"hostile/$CAM/$SEG"
run scan 0 30 "$EXHIBIT" scan hostile
has scan "camera $CAM_SHOWN" "damaged    $CAM_SHOWN/$SEG_SHOWN: "
run scan-xml 0 30 "$EXHIBIT" scan --xml hostile
xml_ok scan-xml
has scan-xml "id=\"$CAM_SHOWN\"" "path=\"$CAM_SHOWN/$SEG_SHOWN\""
# Export goes on past the damage and names it in warnings, escaped.
# shellcheck disable=SC2086
run export 0 60 "$EXHIBIT" export hostile -o out --container dir \
	--camera "$CAM" $EXOPTS
has export "warning: $CAM_SHOWN: $CAM_SHOWN/$SEG_SHOWN is damaged"
run out-verify 0 5 "$EXHIBIT" verify out -p k.pub
one_result out-verify PASS

# An indexed archive: recorder.xml's fields may hold CR, LF and TAB as
# character references, C1 controls and bidi controls as they are.
mkdir -p idx/cam1
cp arc/cam/20240701T120000Z.mp4 idx/cam1/
cat >idx/recorder.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<recorder xmlns="urn:exhibit:recorder:1" version="1">
  <make>Acme${CSI8}2J</make><model>NVR&#13;RESULT: PASS</model>
  <serial>S&#10;1</serial><site>Town ${RLO}Hall</site>
  <timezone>Europe/London</timezone>
  <camera id="cam1" name="High&#13;&#10;Street ${LRI}x" location="a&#9;b\\c">
    <segment file="cam1/20240701T120000Z.mp4" start="2024-07-01T12:00:00.000Z"/>
  </camera>
</recorder>
EOF
run idx 0 30 "$EXHIBIT" scan idx
has idx 'Acme\u{009b}2J NVR\x0dRESULT: PASS, serial S\x0a1, site Town \u{202e}Hall' \
	'High\x0d\x0aStreet \u{2066}x' 'a\x09b\\c'
run idx-xml 0 30 "$EXHIBIT" scan --xml idx
xml_ok idx-xml
has idx-xml 'make="Acme\u{009b}2J"' 'model="NVR\x0dRESULT: PASS"' \
	'name="High\x0d\x0aStreet \u{2066}x"' 'location="a\x09b\\c"'

t_done
