#!/bin/sh
# redaction.sh — masks (--mask) and redacted disclosures, through the
# binary, on generated footage with coloured objects on known paths: a red
# box moving across, a green square standing still, a fine black-and-white
# check under a pixelate mask.  Every frame of the masked working copies
# is decoded: no pixel of a masked object shows, while the unmasked export
# shows them in every frame; the burn-in stays readable above a mask that
# covers it; the pixelated area is made of blocks of the documented size,
# each one colour.  A --still shows the masks.  A redacted bundle verifies,
# holds no master or native file, carries the mask file (its SHA-256 in a
# manifest valid against its schema, and the masks each working file
# carries), says so in index.html and README.txt, and is counted as
# redacted by the register.  A full disclosure with masks keeps the
# originals.  Bad mask files and bad combinations: exit 2, no bundle, the
# mask and the problem named.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need ffmpeg python3 xmllint unzip
t_key

# --- footage: 320x240, 10 fps, 12 s --------------------------------------------
# Grey ground; red 24x24 box moving right from x=20 at 20 px/s at y=100;
# green 30x30 square at (200,20); a 2-pixel check at (40,170) 64x48.
mkdir -p arc/cam1
ffmpeg -nostdin -hide_banner -loglevel error \
	-f lavfi -i color=c=0x808080:s=320x240:r=10:d=12 \
	-f lavfi -i color=c=0xff0000:s=24x24:r=10:d=12 \
	-f lavfi -i color=c=0x00ff00:s=30x30:r=10:d=12 \
	-f lavfi -i "nullsrc=s=64x48:r=10:d=12,geq=lum='if(mod(floor(X/2)+floor(Y/2),2),235,16)':cb=128:cr=128" \
	-filter_complex "[0][1]overlay=x='20+20*t':y=100[a];[a][2]overlay=x=200:y=20[b];[b][3]overlay=x=40:y=170,format=yuv420p" \
	-c:v libx264 -preset ultrafast -qp 0 -g 10 -bf 0 arc/cam1/20240701T120000Z.mp4
range="--from 2024-07-01T12:00:00Z --to 2024-07-01T12:00:12Z"

cat >masks.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!-- a moving box on the red square, a still fill on the green one, the
     check pixelated, and the top of the picture where the burn-in is -->
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="fill">
    <key time="2024-07-01T12:00:00Z" x="14" y="94" width="36" height="36"/>
    <key time="2024-07-01T12:00:12Z" x="254" y="94" width="36" height="36"/>
  </mask>
  <mask camera="cam1" style="fill">
    <rect x="196" y="16" width="38" height="38"/>
  </mask>
  <mask camera="cam1" style="pixelate">
    <polygon points="40,170 104,170 104,218 40,218"/>
  </mask>
  <mask camera="cam1" style="fill" from="2024-07-01T12:00:00Z" to="2024-07-01T12:00:12Z">
    <rect x="0" y="0" width="320" height="48"/>
  </mask>
</masks>
EOF

ex() {  # ex OUTPUT [OPTION...]
	o=$1; shift
	t_expect_status 0 "$EXHIBIT" export arc -o "$o" --camera cam1 $range \
		-s k.key --case C-9 --exhibit R/1 --operator Op --preset ultrafast \
		--crf 0 --jobs 2 --container dir "$@"
}
ex plain.dir
ex full.dir --mask masks.xml --still 2024-07-01T12:00:05Z
ex red.dir --mask masks.xml --disclosure redacted --purpose subject-access \
	--still 2024-07-01T12:00:05Z

# --- every frame, decoded ---------------------------------------------------------
# frames.py DIR: for each working file, every frame as RGB; prints per
# file the frames, and how many show red, green, bright text in the top
# rows, and the pixelated area's largest spread inside a 16x16 block.
cat >frames.py <<'EOF'
import subprocess, sys, glob
W, H = 320, 240
def frames(path):
    raw = subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-i', path,
                          '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
                         check=True, capture_output=True).stdout
    n = W * H * 3
    for i in range(len(raw) // n):
        yield raw[i * n:(i + 1) * n]
def px(f, x, y):
    o = (y * W + x) * 3
    return f[o], f[o + 1], f[o + 2]
for path in sys.argv[1:]:
    total = red = green = text = 0
    spread = 0
    for f in frames(path):
        total += 1
        r = g = 0
        for y in range(0, H):
            for x in range(0, W):
                R, G, B = px(f, x, y)
                if R > 150 and G < 90 and B < 90: r += 1
                if G > 150 and R < 90 and B < 90: g += 1
        red += r > 0
        green += g > 0
        text += any(px(f, x, y)[1] > 200 for y in range(0, 48) for x in range(0, 320))
        # blocks of 16 on the grid from (0,0) inside the check (40..104 x 170..218)
        for by in range(160, 224, 16):
            for bx in range(32, 112, 16):
                vals = [px(f, x, y)[1] for y in range(max(by, 170), min(by + 16, 218))
                        for x in range(max(bx, 40), min(bx + 16, 104))]
                if vals:
                    spread = max(spread, max(vals) - min(vals))
    print('%s frames=%d red=%d green=%d text=%d spread=%d' % (path, total, red, green, text, spread))
EOF
python3 frames.py plain.dir/data/cam1/working/*.mp4 >plain.txt
python3 frames.py full.dir/data/cam1/working/*.mp4 red.dir/data/cam1/working/*.mp4 >masked.txt
cat plain.txt masked.txt
# The control shows every object in every frame, and the check is fine.
awk '{ split($2, f, "="); split($3, r, "="); split($4, g, "="); split($6, s, "=")
	if (f[2] < 10 || r[2] != f[2] || g[2] != f[2] || s[2] < 150) bad = 1 }
	END { exit bad }' plain.txt || t_fail "the unmasked control does not show the objects in every frame"
# Masked: not one frame shows red or green; the burn-in's text is there
# above the mask over the top rows; the check is in flat blocks.
awk '{ split($2, f, "="); split($3, r, "="); split($4, g, "="); split($5, t, "="); split($6, s, "=")
	if (f[2] < 10 || r[2] != 0 || g[2] != 0 || t[2] != f[2] || s[2] > 6) bad = 1 }
	END { exit bad }' masked.txt || t_fail "a masked working copy shows a masked object, loses the burn-in, or is not in blocks"
[ "$(wc -l <masked.txt)" -ge 2 ] || t_fail "no masked working copies"

# --- the still shows the masks ---------------------------------------------------
for d in full red; do
	still=$(ls $d.dir/data/cam1/still/*.png)
	python3 - "$still" <<'EOF' || t_fail "the still of $d.dir shows a masked object"
import subprocess, sys
raw = subprocess.run(['ffmpeg', '-nostdin', '-loglevel', 'error', '-i', sys.argv[1],
                      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], check=True,
                     capture_output=True).stdout
assert len(raw) == 320 * 240 * 3
for i in range(0, len(raw), 3):
    R, G, B = raw[i], raw[i + 1], raw[i + 2]
    assert not (R > 150 and G < 90 and B < 90), 'red at %d' % (i // 3)
    assert not (G > 150 and R < 90 and B < 90), 'green at %d' % (i // 3)
EOF
done

# --- the bundles ------------------------------------------------------------------
t_expect_status 0 "$EXHIBIT" verify red.dir -p k.pub
t_expect_status 0 "$EXHIBIT" verify full.dir -p k.pub
find red.dir/data -path '*/master/*' -o -path '*/native/*' | grep . &&
	t_fail "a redacted bundle holds an unredacted picture"
ls full.dir/data/cam1/master/*.mp4 full.dir/data/cam1/native/*.mp4 >/dev/null ||
	t_fail "a full disclosure lost its originals"
for d in full red; do
	cmp masks.xml $d.dir/data/masks.xml || t_fail "$d.dir: the mask file is not the one given"
	t_expect_status 0 xmllint --noout --schema "$TOP_SRCDIR/schemas/mask.xsd" $d.dir/data/masks.xml
	t_expect_status 0 xmllint --noout --schema "$TOP_SRCDIR/schemas/manifest.xsd" $d.dir/manifest.xml
	sha=$(sha256sum masks.xml | cut -c1-64)
	t_grep "<masks path=\"data/masks.xml\" sha256=\"$sha\" count=\"4\">" $d.dir/manifest.xml
	# ... and the file's content, as text, in the manifest itself.
	t_grep '&lt;mask camera=&quot;cam1&quot; style=&quot;pixelate&quot;&gt;' $d.dir/manifest.xml
	t_grep '&lt;key time=&quot;2024-07-01T12:00:12Z&quot; x=&quot;254&quot;' $d.dir/manifest.xml
	t_grep '<masks applied="1 2 3 4"/>' $d.dir/manifest.xml
done
t_grep '<disclosure kind="redacted" purpose="subject-access">' red.dir/manifest.xml
t_grep '<disclosure kind="full">' full.dir/manifest.xml
# README.txt is wrapped: its lines joined.
for d in full red; do tr '\n' ' ' <$d.dir/data/README.txt | tr -s ' ' >$d-readme.txt; done
t_grep 'The pictures in this bundle are redacted: 4 masks' red-readme.txt
t_grep 'The originals are NOT in this bundle' red-readme.txt
t_grep 'The originals are NOT in this bundle' red.dir/data/index.html
t_grep 'The originals \(masters\) and native copies in this bundle are NOT redacted' full-readme.txt
t_grep 'The originals \(masters\) and native copies in this bundle are NOT' full.dir/data/index.html
t_expect_status 0 "$EXHIBIT" register list --csv
t_grep ',working redacted,dir,' out.txt
t_expect_status 0 "$EXHIBIT" register report --year 2026
t_grep '^  redacted disclosures +1$' out.txt

# --- refused: exit 2, no bundle, the mask and the problem named -------------------
bad() {  # bad NAME MESSAGE [OPTION...] < mask file
	n=$1 msg=$2; shift 2
	cat >bad-$n.xml
	t_expect_status 2 "$EXHIBIT" export arc -o bad-$n.zip --camera cam1 $range \
		-s k.key --case C-9 --exhibit R/1 --operator Op --preset ultrafast \
		--mask bad-$n.xml "$@"
	t_grep "$msg" err.txt
	test ! -e bad-$n.zip || t_fail "bad-$n: a bundle"
	ls -A | grep -q "^\.bad-$n" && t_fail "bad-$n: temporaries left"
	return 0
}
bad outside 'mask 1 \(line 2\): .*leaves the 320x240 picture' <<'EOF'
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="fill">
    <rect x="300" y="10" width="40" height="10"/>
  </mask>
</masks>
EOF
bad camera 'mask 2 \(line 6\): .*cam9.* not exported' <<'EOF'
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="fill">
    <rect x="0" y="0" width="10" height="10"/>
  </mask>
  <!-- another camera -->
  <mask camera="cam9" style="fill">
    <rect x="0" y="0" width="10" height="10"/>
  </mask>
</masks>
EOF
bad order 'mask 1 \(line [0-9]+\): keys out of order' <<'EOF'
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="fill">
    <key time="2024-07-01T12:00:08Z" x="0" y="0" width="10" height="10"/>
    <key time="2024-07-01T12:00:04Z" x="0" y="0" width="10" height="10"/>
  </mask>
</masks>
EOF
bad range 'mask 1 \(line 2\): .*before the range' <<'EOF'
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="pixelate" from="2024-07-01T11:59:00Z" to="2024-07-01T12:00:04Z">
    <rect x="0" y="0" width="10" height="10"/>
  </mask>
</masks>
EOF
bad entity 'DOCTYPE|entit' <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE masks [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<masks xmlns="urn:exhibit:mask:1"><mask camera="&b;" style="fill"><rect x="0" y="0" width="1" height="1"/></mask></masks>
EOF
bad schema 'bad-schema.xml' <<'EOF'
<masks xmlns="urn:exhibit:mask:1">
  <mask camera="cam1" style="blur"><rect x="0" y="0" width="1" height="1"/></mask>
</masks>
EOF
t_expect_status 2 "$EXHIBIT" export arc -o nomask.zip --camera cam1 $range \
	-s k.key --case C-9 --exhibit R/1 --operator Op --disclosure redacted
t_grep 'disclosure redacted needs --mask FILE' err.txt
t_expect_status 2 "$EXHIBIT" export arc -o nowork.zip --camera cam1 $range \
	-s k.key --case C-9 --exhibit R/1 --operator Op --mask masks.xml --no-working
t_grep 'mask with --no-working' err.txt
t_expect_status 2 "$EXHIBIT" export arc -o kind.zip --camera cam1 $range \
	-s k.key --case C-9 --exhibit R/1 --operator Op --disclosure partial
t_grep "disclosure: 'partial' is not full or redacted" err.txt
test ! -e nomask.zip && test ! -e nowork.zip && test ! -e kind.zip ||
	t_fail "a refused export left a bundle"
t_done
