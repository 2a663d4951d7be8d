#!/bin/sh
# page_clockchange.sh — the solicitor's page across the clock change, as a
# browser shows it.  Export the sample archive from 01:59:38 BST to
# 01:00:05 GMT on 2024-10-27 (27 seconds: the clocks went back at 01:00
# UTC), as .ci/demo does, to a folder; open data/index.html in headless
# Chromium (tests/browser/page_read.mjs) and assert in the text it shows
# that the clock change is explained with the range's real length, that the
# words used are explained, that cam2's native copy starting a second
# early (on a keyframe) is explained, and that the "Check files on this
# computer" control answers "matches" for a file of the bundle and "does
# not match" for a changed copy; and that an altered script is refused by
# the page's own policy.  The full-page screenshot is kept as
# tests/work/page_clockchange.png (and the page's text beside it).
. "$TOP_SRCDIR/tests/cli/lib.sh"
# playwright-core, exactly as locked, and the page script (lib.sh).
t_browser page_read.mjs

t_key
SOURCE_DATE_EPOCH=1730000000 t_expect_status 0 t_export_sample b \
	--container dir --camera cam1,cam2 \
	--from 2024-10-27T01:59:38+01:00 --to 2024-10-27T01:00:05+00:00 \
	--case OP-2024-117 --exhibit ABC/1 \
	--organisation "Town Hall CCTV" --jobs 2

# One file of the bundle, and a copy of it with one byte changed under the
# same name.
good=b/data/cam2/native/cam2-native-001.mp4
test -s "$good" || t_fail "no $good in the bundle"
mkdir changed
cp "$good" changed/
printf 'X' | dd of=changed/cam2-native-001.mp4 bs=1 seek=5000 \
	conv=notrunc 2>/dev/null
cmp -s "$good" changed/cam2-native-001.mp4 && t_fail "the copy is unchanged"

t_expect_status 0 node browser/page_read.mjs "$CHROMIUM" b/data \
	index.html page.txt page.png "$good" changed/cam2-native-001.mp4
cat out.txt
cp page.png "$TOP_BUILDDIR/tests/work/page_clockchange.png"
cp page.txt "$TOP_BUILDDIR/tests/work/page_clockchange.txt"
test "$(head -c 4 page.png | od -An -c | tr -d ' ')" = '211PNG' ||
	t_fail "no screenshot of the page"

# The file check: a file of the bundle matches, a changed copy does not.
sha=$(sha256sum "$good" | cut -c1-64)
t_grep "^check GOOD: good: .* cam2-native-001\.mp4 matches the file listed as cam2/native/cam2-native-001\.mp4 \(SHA-256 $sha\)\.\$" out.txt
t_grep "^check BAD: bad: .* cam2-native-001\.mp4 does not match: it is not the file listed as cam2/native/cam2-native-001\.mp4\. Its SHA-256 is [0-9a-f]{64}; the list says $sha\.\$" out.txt
test "$(grep -c '^  good: .* matches the file listed' out.txt)" -eq 1 ||
	t_fail "both files at once: not one match"
test "$(grep -c '^  bad: .* does not match' out.txt)" -eq 1 ||
	t_fail "both files at once: not one mismatch"
# ... and the page says what a match does not prove.
t_grep 'It does not show who made the page' page.txt

# The clock change, said once in full and at every range that spans it.
t_grep '^Clock change	The clocks went back an hour during the requested time: at 02:00 BST \(01:00 UTC\) local time became 01:00 GMT\. Local times after that moment read an hour earlier, so 2024-10-27 01:00:05\.000 GMT comes 27 seconds after 2024-10-27 01:59:38\.000 BST, not before it\. The requested time lasts 27 seconds\.' page.txt
t_grep 'Lasts 27 seconds: the clocks went back an hour during it \(02:00 BST became 01:00 GMT\)\.' page.txt
# cam1's gap (00:59:50Z to 01:00:00Z) spans the change too.
t_grep 'Lasts 10 seconds: the clocks went back an hour during it' page.txt
t_grep 'The recorder holds no footage of this camera for this stretch: 10 seconds\.' page.txt

# cam2's native copy starts on the keyframe a second before the request.
t_grep 'The native copy starts at 2024-10-27 01:59:37\.000 BST, 1 second before the requested start\. A copy made without re-encoding can only begin on a keyframe' page.txt
# cam1's starts on time: no such note for it.
test "$(grep -c 'The native copy starts at' page.txt)" -eq 1 ||
	t_fail "a native-start note for a native copy that starts on time"
t_grep 'The original files are whole recorder files, so together they start 8 seconds before and end 5 seconds after the requested time\.' page.txt

# Every term, explained in one line.
t_grep '^Words used here$' page.txt
for term in 'Bag root' 'BST, GMT' 'Burn-in' 'Clock change' \
	'CRF 18' 'Custody event' 'Damaged segment' 'Key ID' 'Keyframe' \
	'Master' 'Native copy' 'No recording \(gap\)' 'Public key' \
	'Re-encoding' 'SHA-256' 'Signature' 'UTC' 'Working copy'; do
	t_grep "^$term	[A-Z\"]" page.txt
done
t_grep '^Original files	2024-10-27 01:59:35\.000 BST to' page.txt
if grep -q 'Masters cover' page.txt; then t_fail "'Masters cover' is back"; fi

# The instructions: the control room's key from outside, never the one
# printed inside the bundle.
t_grep 'exhibit verify BUNDLE -p control-room\.pub$' page.txt
t_grep 'minisign -Vm manifest\.xml -p control-room\.pub$' page.txt
key=$(tail -n 1 k.pub)
if grep -qF -- "$key" page.txt; then
	t_fail "the page prints the signer's public key as if it proved anything"
fi

# The page's policy runs only the script whose hash it names: the same page
# with one word of the script changed gets no answer, and says why.
sed 's/checking/Checking/' b/data/index.html >b/data/altered.html
cmp -s b/data/index.html b/data/altered.html &&
	t_fail "the alteration did not change the page"
t_expect_status 1 node browser/page_read.mjs "$CHROMIUM" b/data \
	altered.html altered.txt altered.png "$good" \
	changed/cam2-native-001.mp4
t_grep "^FAIL: console error: .*script.*Content Security Policy" out.txt
t_grep "^FAIL: no answer from the file check for " out.txt
if grep -q 'matches the file listed' out.txt; then
	t_fail "an altered script ran despite the page's policy"
fi
t_done
