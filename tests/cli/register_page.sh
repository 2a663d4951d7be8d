#!/bin/sh
# register_page.sh — the annual report's HTML page (register report --html)
# in headless Chromium (tests/browser/report_check.mjs): a register of
# known contents (three police requests, one insurer's, one subject access
# request) gives a page that loads with no request and no script, says the
# figures, draws one bar per purpose and per organisation with the right
# counts, the longest bar for the most requests; it refuses to overwrite a
# file.  The screenshot is kept as tests/work/register_page.png.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_browser report_check.mjs
t_key
n=0
exp() {
	n=$((n + 1)) when=$1
	shift
	SOURCE_DATE_EPOCH=$when t_expect_status 0 t_export_sample "b$n.zip" \
		--camera cam1 --from 2024-10-27T00:59:30Z \
		--to 2024-10-27T00:59:50Z --exhibit "E/$n" --no-working "$@"
}
exp 1705000000 --purpose police-investigation --requester-org "Metropolitan Police"
exp 1706000000 --purpose police-investigation --requester-org "Metropolitan Police"
exp 1707000000 --purpose police-investigation --requester-org "British Transport Police"
exp 1708000000 --purpose insurance --requester-org "Aviva <Claims> & Co"
exp 1709000000 --purpose subject-access
exp 1740000000 --purpose court          # 2025: not in the report
t_expect_status 0 "$EXHIBIT" register report --year 2024 --html report.html
t_grep '^  requests served +5$' out.txt
t_expect_status 0 node browser/report_check.mjs "$CHROMIUM" report.html \
	page.txt page.png
cat out.txt
cp page.png "$TOP_BUILDDIR/tests/work/register_page.png"
t_grep '^title: Disclosures of CCTV footage: the year 2024$' out.txt
t_grep '^charts: 2$' out.txt
t_grep '^bar: police-investigation = 3 \(420px\)$' out.txt
t_grep '^bar: insurance = 1 \(140px\)$' out.txt
t_grep '^bar: court = 0 \(0px\)$' out.txt
t_grep '^bar: Metropolitan Police = 2 ' out.txt
t_grep '^bar: Aviva <Claims> & Co = 1 ' out.txt
t_grep '^bar: \(not given\) = 1 ' out.txt
t_grep '^5$' page.txt
t_grep 'requests served' page.txt
t_grep '^subject-access	1	1	0\.01$' page.txt
# An existing file is not overwritten.
t_expect_status 2 "$EXHIBIT" register report --year 2024 --html report.html
t_grep 'report.html: File exists \(refusing to overwrite it\)' err.txt
t_done
