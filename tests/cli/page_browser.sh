#!/bin/sh
# page_browser.sh — data/index.html in a real browser.  Export the sample
# archive (4 s of two cameras across the clock change, one of them with a
# gap), then open the page in headless Chromium driven by playwright-core
# (tests/browser/page_check.mjs) and check that it loads, that no request
# leaves the bundle's data/ folder, that every thumbnail is a picture and
# that every <video> plays: ready (readyState >= 2), a picture size, and
# its time advancing after play().  Two altered copies of the page prove
# the checks can fail: one that fetches from outside and names a file that
# is no video, and one that keeps the page's Content-Security-Policy,
# which must refuse the outside fetch.
. "$TOP_SRCDIR/tests/cli/lib.sh"
# playwright-core, exactly as locked, and the page script (lib.sh).
t_browser page_check.mjs

t_key
SOURCE_DATE_EPOCH=1730000000 t_expect_status 0 t_export_sample b \
	--container dir --camera cam1,cam2 --from 2024-10-27T00:59:58Z \
	--to 2024-10-27T01:00:02Z --exhibit ABC/1 --jobs 2

# The page and the text are evidence files like any other.
for f in index.html README.txt; do
	test -s "b/data/$f" || t_fail "no data/$f in the bundle"
	test -s "b/data/$f.minisig" || t_fail "data/$f is not signed"
	t_grep "^[0-9a-f]{64}  data/$f\$" b/manifest-sha256.txt
	t_grep "data/$f" b/manifest.xml
done
t_expect_status 0 "$EXHIBIT" verify b -p k.pub
t_grep 'RESULT: PASS' out.txt

n=$(ls b/data/*/working/*.mp4 | wc -l)
test "$n" -eq 2 || t_fail "expected 2 working copies, found $n"

# The real page: everything plays, nothing leaves data/.
t_expect_status 0 node browser/page_check.mjs "$CHROMIUM" b/data \
	index.html "$n" page.png
cat out.txt
t_grep "^page: $n of $n videos played, [0-9]+ requests, all inside data/\$" \
	out.txt
if grep -q '^FAIL' out.txt; then t_fail "page check reported a failure"; fi
for v in b/data/*/working/*.mp4; do
	rel=${v#b/data/}
	t_grep "^video $rel: readyState [234], 640x360, time 0 -> " out.txt
	t_grep "^thumbnail: First frame of ${rel##*/}: 320 px wide\$" out.txt
done
t_grep '^title: CCTV evidence: exhibit ABC/1, case C-1$' out.txt
test "$(head -c 4 page.png | od -An -c | tr -d ' ')" = '211PNG' ||
	t_fail "no screenshot of the page"

# An altered page without the policy: the outside fetch is seen (and
# refused by the test's router) and the non-video cannot play.
cp -R b/data hostile
sed -e '/Content-Security-Policy/d' \
	-e 's|<main>|<main><img alt="x" src="http://127.0.0.1:9/x.png"><video src="README.txt"></video>|' \
	b/data/index.html >hostile/index.html
t_expect_status 1 node browser/page_check.mjs "$CHROMIUM" hostile \
	index.html $((n + 1))
t_grep '^FAIL: request outside the bundle: http://127\.0\.0\.1:9/x\.png$' \
	out.txt
t_grep '^FAIL: video README\.txt: never ready to play' out.txt
t_grep "^page: $n of $((n + 1)) videos played, [0-9]+ requests, 1 went outside data/\$" \
	out.txt

# The same fetch with the page's own policy: the browser refuses it.
sed -e 's|<main>|<main><img alt="x" src="http://127.0.0.1:9/y.png">|' \
	b/data/index.html >hostile/csp.html
t_expect_status 1 node browser/page_check.mjs "$CHROMIUM" hostile \
	csp.html "$n"
t_grep "^FAIL: console error: .*127\.0\.0\.1:9/y\.png.*Content Security Policy" \
	out.txt
t_grep '^refused by the page.s policy: http://127\.0\.0\.1:9/y\.png$' out.txt
t_grep "^page: $n of $n videos played, [0-9]+ requests, none left data/ \(1 refused" \
	out.txt
if grep -q 'request outside' out.txt; then
	cat out.txt >&2
	t_fail "the Content-Security-Policy let a request out"
fi
t_done
