#!/bin/sh
# page_sound.sh — the solicitor's page plays each clip with its sound, and
# says what each file holds (issue 13, item 5).  Footage made here with
# ffmpeg, 6 s each from 12:00:00:
#   cam1  Matroska: H.264 with an SEI user-data-unregistered message
#         carrying the Axis signed-video UUID in every picture
#         (tests/tools/seiput.py), and a 1 kHz tone as G.711 A-law, 8 kHz
#   cam2  Matroska: H.264, no sound
# exported as a folder bundle; data/index.html opened in headless Chromium
# (tests/browser/page_sound.mjs, autoplay allowed as a click would).
#  - both clips have their preview picture (cam1's working copy starts
#    with a sound or text packet, not a picture);
#  - every <video> is as the page made it: not muted, volume 1;
#  - cam1's working copy, played for about a second, has sound decoded by
#    the browser (webkitAudioDecodedByteCount > 0) and an analyser on the
#    element's output sees the tone; cam2's has none of either;
#  - the page's text and README.txt say, per file: the sound and what
#    became of it (re-encoded as AAC; left out of the native copy with the
#    reason; none recorded), the streams kept, and that the camera signed
#    its video (Axis Signed Video), which copies keep the signatures; the
#    words are in the glossary;
#  - the same page altered to mute its clips is reported as muted (the
#    check can fail).
# The full-page screenshot is kept as tests/work/page_sound.png (and the
# page's text beside it).
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg python3

# playwright-core, exactly as locked, and the page script (lib.sh).
t_browser page_sound.mjs

AXIS=5369676e-6564-2056-6964-656f2e2e2e30
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
pic="testsrc2=s=320x240:r=25:d=6"
mkdir -p arc/cam1 arc/cam2
$FF -f lavfi -i "$pic" -c:v libx264 -preset ultrafast -g 25 -threads 1 \
	-pix_fmt yuv420p -bsf:v h264_mp4toannexb -f h264 v1.h264 ||
	t_fail "ffmpeg failed (cam1 picture)"
n=$(python3 "$TOP_SRCDIR/tests/tools/seiput.py" $AXIS v1.h264 s1.h264) ||
	t_fail "seiput failed"
test "$n" = 150 || t_fail "seiput wrote $n messages, not 150"
$FF -framerate 25 -f h264 -i s1.h264 \
	-f lavfi -i "sine=f=1000:r=8000:d=6,volume=4" -map 0:v -map 1:a \
	-c:v copy -c:a pcm_alaw -shortest arc/cam1/20240701T120000Z.mkv ||
	t_fail "ffmpeg failed (cam1)"
$FF -f lavfi -i "$pic" -c:v libx264 -preset ultrafast -g 25 -threads 1 \
	-pix_fmt yuv420p arc/cam2/20240701T120000Z.mkv ||
	t_fail "ffmpeg failed (cam2)"

t_key
SOURCE_DATE_EPOCH=1730000000 t_expect_status 0 t_export arc b \
	--container dir --camera cam1,cam2 \
	--from 2024-07-01T12:00:01.300Z --to 2024-07-01T12:00:04.700Z \
	--exhibit S/1 --jobs 2
w1=cam1/working/cam1-working-001.mp4
w2=cam2/working/cam2-working-001.mp4
test -s "b/data/$w1" && test -s "b/data/$w2" ||
	t_fail "working copies missing: $(ls b/data/*/working)"

# Both clips have their preview picture (a clip whose first packet is
# sound or text, not picture, once had none).
for w in $w1 $w2; do
	grep -q "alt=\"First frame of ${w##*/}\" src=\"data:image/png;base64," \
		b/data/index.html || t_fail "no preview picture of $w"
done

# The page leaves its clips' sound on.
if grep -Eq '<video[^>]* muted' b/data/index.html; then
	t_fail "a <video> of the page is muted"
fi

t_expect_status 0 node browser/page_sound.mjs "$CHROMIUM" b/data \
	index.html page.txt page.png
cat out.txt
cp page.png "$TOP_BUILDDIR/tests/work/page_sound.png"
cp page.txt "$TOP_BUILDDIR/tests/work/page_sound.txt"
test "$(head -c 4 page.png | od -An -c | tr -d ' ')" = '211PNG' ||
	t_fail "no screenshot of the page"
t_grep '^page: 2 videos, 1 with sound$' out.txt
t_grep "^video $w1: muted no, volume 1, played 0 -> " out.txt
t_grep "^video $w2: muted no, volume 1, played 0 -> " out.txt
# cam1: sound decoded, and the tone heard at the element's output.
line=$(grep "^video $w1:" out.txt)
bytes=$(echo "$line" | sed -n 's/.*sound decoded \([0-9-]*\) bytes.*/\1/p')
peak=$(echo "$line" | sed -n 's/.*peak \([0-9.]*\).*/\1/p')
test -n "$bytes" && test "$bytes" -gt 0 ||
	t_fail "no sound decoded from $w1: $line"
awk -v p="$peak" 'BEGIN { exit !(p >= 0.10) }' ||
	t_fail "the tone of $w1 was not heard (peak '$peak'): $line"
# cam2: silence, as recorded.
t_grep "^video $w2: .*, sound decoded 0 bytes, peak 0\.00" out.txt

# What the page says of each file.
S='[[:space:]:]+'
t_grep "^Sound${S}yes — the camera's sound \(G\.711 A-law\), re-encoded as AAC\$" page.txt
t_grep "^Sound${S}none recorded\$" page.txt
t_grep "^Sound: yes — the camera's sound \(G\.711 A-law\), as recorded\$" page.txt
t_grep "^Sound: not in this copy \(see Left out\)\$" page.txt
t_grep "^Kept: as the camera recorded them, packet for packet: the camera's picture \(H\.264\)\$" page.txt
t_grep "^Left out: the camera's sound \(G\.711 A-law\) is not in this copy: G\.711 audio cannot be stored in MP4 without converting it; the working copy has this sound as AAC\$" page.txt
t_grep "^Camera's signature${S}The camera signed its video \(Axis Signed Video\)\. The native copy keeps those signatures byte for byte, and they can be checked with the camera maker's tools; the working copy \(re-encoded\) does not carry them\.\$" page.txt
t_grep "^Camera's signature: The camera signed its video \(Axis Signed Video\)\. This original file holds those signatures as recorded" page.txt
n=$(grep -c "Camera's signature" page.txt)
# cam1's clip, master and native copy, and the glossary; none for cam2.
test "$n" = 4 || t_fail "$n mentions of the camera's signature, not 4"
for word in AAC G.711 "Camera's signature" Stream; do
	grep -q "^$word	" page.txt || t_fail "no '$word' in the glossary"
done

# README.txt says the same.
t_grep "^    Sound:   yes — the camera's sound \(G\.711 A-law\), re-encoded as AAC\$" b/data/README.txt
t_grep "^    Sound:   none recorded\$" b/data/README.txt
t_grep "^    Left out: the camera's sound \(G\.711 A-law\) is not in this copy: G\.711\$" b/data/README.txt
t_grep "^    Camera's signature: The camera signed its video \(Axis Signed Video\)\. The\$" b/data/README.txt

# The page altered to mute its clips: seen as muted.
cp -R b/data muted
sed -e 's|<video controls|<video muted controls|' b/data/index.html \
	>muted/index.html
t_expect_status 0 node browser/page_sound.mjs "$CHROMIUM" muted \
	index.html muted.txt
t_grep "^video $w1: muted yes, " out.txt
t_grep "^video $w2: muted yes, " out.txt
t_done
