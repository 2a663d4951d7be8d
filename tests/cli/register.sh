#!/bin/sh
# register.sh — the disclosure register through the binary: an export of
# each purpose (and one that gives none) is recorded; register list as
# text, --csv parsed back by Python's csv module, --xml valid against
# schemas/register.xsd; every row's record rebuilt from the XML by the
# documented form and checked with stock minisign and sha256sum (another
# program can check the register without exhibit); the manifest of each
# bundle names its row and link and the row names the manifest's
# SHA-256; the report's figures against a register of known contents (text
# and CSV); edited, deleted, reordered, inserted rows and a removed tail
# each caught by register verify with exit 1 and named; --no-register,
# --register FILE and $EXHIBIT_REGISTER; usage errors; a register from a
# newer exhibit refused by export (no bundle) and by list.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_need python3 xmllint minisign sqlite3 unzip
t_key
reg="$XDG_DATA_HOME/exhibit/register.sqlite"

# --- one export per purpose, over two years ----------------------------------
# SOURCE_DATE_EPOCH sets each export's time: rows 1-2 in 2023, 3-9 in 2024.
n=0
exp() {
	n=$((n + 1)) when=$1 cams=$2
	shift 2
	SOURCE_DATE_EPOCH=$when t_expect_status 0 t_export_sample "b$n.zip" \
		--camera "$cams" --from 2024-10-27T00:59:30Z \
		--to 2024-10-27T00:59:50Z --exhibit "E/$n" --no-working "$@"
	t_grep "^recorded as row $n of the disclosure register $reg\$" out.txt
}
exp 1690000000 cam1 --purpose police-investigation --requester "DC Ann Lee" \
	--requester-org "Metropolitan Police"
exp 1700000000 cam1,cam2 --purpose court --requester-org "Crown Court"
exp 1705000000 cam1 --purpose police-investigation \
	--requester-org "Metropolitan Police" --case C-7
exp 1706000000 cam1,cam2 --purpose civil-proceedings \
	--requester "Smith, Jones & \"Partners\"" --requester-org "Smith LLP"
exp 1707000000 cam2 --purpose subject-access --requester "=1+2"
exp 1708000000 cam1 --purpose insurance --requester-org "Aviva"
exp 1709000000 cam1 --purpose internal-review
exp 1710000000 cam2 --purpose other --reason "public appeal"
exp 1711000000 cam1,cam2
test -s "$reg" || t_fail "no register at $reg"

# --- the manifest and the row name each other ----------------------------------
t_expect_status 0 "$EXHIBIT" register list --xml
cp out.txt list.xml
t_expect_status 0 xmllint --noout --schema "$TOP_SRCDIR/schemas/register.xsd" list.xml
for i in 1 2 3 4 5 6 7 8 9; do
	unzip -p "b$i.zip" '*/manifest.xml' >m$i.xml
	sha=$(sha256sum m$i.xml | cut -c1-64)
	t_expect_status 0 xmllint --noout --schema "$TOP_SRCDIR/schemas/manifest.xsd" m$i.xml
	python3 - "$i" "$sha" m$i.xml list.xml <<'EOF' || t_fail "bundle $i and row $i disagree"
import sys, xml.etree.ElementTree as ET
i, sha, man, lst = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
M = {'m': 'urn:exhibit:manifest:1'}
R = {'r': 'urn:exhibit:register:1'}
reg = ET.parse(man).getroot().find('m:disclosure/m:register', M)
row = [d for d in ET.parse(lst).getroot().findall('r:disclosure', R)
       if d.get('row') == i][0]
assert reg.get('row') == i, (reg.get('row'), i)
assert reg.get('previous') == row.get('previous'), 'link'
assert row.find('r:bundle', R).get('manifest-sha256') == sha, 'manifest sha'
EOF
done

# --- every row checked without exhibit ------------------------------------------
# The record (exhibit(1), REGISTER FORMAT) rebuilt from the XML listing;
# its SHA-256 is the row's hash; stock minisign checks its signature.
python3 - list.xml <<'EOF' || t_fail "records could not be rebuilt"
import sys, datetime, xml.etree.ElementTree as ET
R = '{urn:exhibit:register:1}'
def us(t):
    d = datetime.datetime.strptime(t, '%Y-%m-%dT%H:%M:%S.%fZ')
    d = d.replace(tzinfo=datetime.timezone.utc)
    e = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (d - e) // datetime.timedelta(microseconds=1)
def esc(s):
    o = ''
    for c in s or '':
        if c == '\\': o += '\\\\'
        elif c == '\n': o += '\\n'
        elif c == '\r': o += '\\r'
        elif ord(c) < 0x20 or ord(c) == 0x7f: o += '\\x%02x' % ord(c)
        else: o += c
    return o
for d in ET.parse(sys.argv[1]).getroot().findall(R + 'disclosure'):
    t = lambda n: d.findtext(R + n)
    rng, holds, b = d.find(R + 'range'), d.find(R + 'holds'), d.find(R + 'bundle')
    rec = 'exhibit register row 1\n'
    rec += 'row: %s\nprevious: %s\ntime: %d\n' % (d.get('row'), d.get('previous'), us(d.get('time')))
    for name, val in (('operator', t('operator')), ('organisation', t('organisation')),
                      ('key-id', d.get('key-id')), ('requester', t('requester')),
                      ('requester-organisation', t('requester-organisation')),
                      ('purpose', t('purpose')), ('case', t('case')),
                      ('exhibit', t('exhibit')), ('reason', t('reason'))):
        rec += '%s: %s\n' % (name, esc(val))
    for c in d.findall(R + 'camera'):
        rec += 'camera: %s\n' % esc(c.text)
    rec += 'from: %d\nto: %d\n' % (us(rng.get('from')), us(rng.get('to')))
    rec += 'holds:' + ''.join(' ' + k for k in ('masters', 'native', 'working', 'redacted')
                              if holds.get(k) == 'true') + '\n'
    rec += 'container: %s\nbundle: %s\nbytes: %s\nmanifest-sha256: %s\ntool: %s\n' % (
        b.get('container'), esc(b.text), b.get('bytes'), b.get('manifest-sha256'), esc(t('tool')))
    n = d.get('row')
    open('rec%s.txt' % n, 'w', newline='').write(rec)
    open('rec%s.txt.minisig' % n, 'w', newline='').write(t('signature'))
    open('rec%s.hash' % n, 'w').write(d.get('hash') + '  rec%s.txt\n' % n)
EOF
for i in 1 2 3 4 5 6 7 8 9; do
	t_expect_status 0 minisign -Vm rec$i.txt -p k.pub
	t_expect_status 0 sha256sum -c rec$i.hash
done

# --- listing for people and for programs -----------------------------------
t_expect_status 0 "$EXHIBIT" register list
t_grep '^9 rows in ' out.txt
t_grep '^row 4  exported 2024-01-23 ' out.txt
t_grep '^  requester  Smith, Jones & "Partners", Smith LLP$' out.txt
t_grep '^  purpose    \(not given\)$' out.txt
t_expect_status 0 "$EXHIBIT" register list --case C-7
t_grep '^1 row in ' out.txt
t_grep '^row 3 ' out.txt
t_expect_status 0 "$EXHIBIT" register list --from 2024-01-01T00:00:00Z --to 2024-02-01
t_grep '^2 rows in ' out.txt
t_expect_status 0 "$EXHIBIT" register list --csv
python3 - out.txt <<'EOF' || t_fail "the CSV does not read back"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert len(rows) == 9, len(rows)
assert [r['row'] for r in rows] == [str(i) for i in range(1, 10)]
r = rows[3]
assert r['requester'] == 'Smith, Jones & "Partners"', r['requester']
assert r['purpose'] == 'civil-proceedings' and r['cameras'] == 'cam1;cam2'
assert rows[4]['requester'] == "'=1+2", rows[4]['requester']   # no formula
assert rows[7]['reason'] == 'public appeal'
assert rows[8]['purpose'] == ''
assert rows[0]['holds'] == 'masters native'
assert all(len(r['hash']) == 64 for r in rows)
EOF

# --- the annual report: known contents ---------------------------------------
# 2024: rows 3-9 = 7 requests; cameras 1+2+1+1+1+1+2 = 9 (2 different);
# 20 s each: 9 x 20 s = 0.05 h.
t_expect_status 0 "$EXHIBIT" register report --year 2024
cp out.txt report.txt
t_grep '^  requests served +7$' report.txt
t_grep '^  redacted disclosures +0$' report.txt
t_grep '^  cameras released +9 \(2 different cameras\)$' report.txt
t_grep '^  hours of footage +0\.05$' report.txt
t_grep '^  police-investigation +1 +1 +0\.01$' report.txt
t_grep '^  court +0 +0 +0\.00$' report.txt
t_grep '^  \(not given\) +1 +2 +0\.01$' report.txt
t_grep '^  Metropolitan Police +1 +1 ' report.txt
t_expect_status 0 "$EXHIBIT" register report --from 2023-01-01 --to 2025-01-01 --csv
python3 - out.txt <<'EOF' || t_fail "the report's CSV is wrong"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
by = {(r['section'], r['name']): r for r in rows}
assert by[('purpose', 'police-investigation')]['requests'] == '2'
assert by[('purpose', 'court')]['cameras'] == '2'
assert by[('organisation', 'Metropolitan Police')]['requests'] == '2'
assert [r for r in rows if r['section'] == 'period'][0]['requests'] == '9'
EOF
t_expect_status 2 "$EXHIBIT" register report --year 2024 --from 2024-01-01
t_grep 'give the period' err.txt
t_expect_status 2 "$EXHIBIT" register report --year 24
t_grep 'give a year such as 2024' err.txt

# --- verify, then each kind of tampering ------------------------------------
t_expect_status 0 "$EXHIBIT" register verify -p k.pub
t_grep '^RESULT: intact' out.txt
t_key other
t_expect_status 1 "$EXHIBIT" register verify -p other.pub
t_grep 'signed by key ID [0-9A-F]+, which was not given with -p' err.txt
t_expect_status 2 "$EXHIBIT" register verify
t_grep '\-p PUBLIC_KEY is required' err.txt
tamper() {  # tamper NAME SQL FAULT MESSAGE
	cp "$reg" "$1.sqlite"
	sqlite3 "$1.sqlite" "$2"
	t_expect_status 1 "$EXHIBIT" register verify --register "$1.sqlite" -p k.pub
	t_grep "^RESULT: FAIL \($3\)\$" out.txt
	t_grep "$4" err.txt
}
tamper edited "UPDATE disclosure SET requester_org = 'Someone' WHERE row = 6" \
	edited 'row 6 was edited'
tamper deleted "DELETE FROM disclosure WHERE row = 4" \
	removed 'row 5 follows row 3: row 4 removed'
tamper reordered "UPDATE disclosure SET id = id * 10; UPDATE disclosure SET id = 15 WHERE row = 3" \
	reordered 'row 3 stands where row 2 should'
tamper inserted "UPDATE disclosure SET id = id * 10; INSERT INTO disclosure SELECT 55, row, previous, hash, time, operator, organisation, key_id, requester, requester_org, purpose, case_ref, exhibit_ref, reason, cameras, ncameras, range_from, range_to, holds, container, bundle, bytes, manifest_sha256, tool, signature FROM disclosure WHERE row = 2" \
	inserted 'a second row numbered 2'
tamper tail "DELETE FROM disclosure WHERE row >= 8" \
	removed 'rows 8 to 9 removed from the end'
tamper headless "DELETE FROM disclosure WHERE row >= 8; DELETE FROM head" \
	head 'head record is missing'

# --- where the row goes --------------------------------------------------------
SOURCE_DATE_EPOCH=1712000000 t_expect_status 0 t_export_sample nr.zip \
	--camera cam1 --from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:35Z \
	--exhibit E/nr --no-working --no-register
t_grep '^not recorded in a disclosure register \(--no-register\)$' out.txt
unzip -p nr.zip '*/manifest.xml' | grep -q '<register recorded="false"/>' ||
	t_fail "the manifest does not say it was not recorded"
t_expect_status 0 "$EXHIBIT" register list
t_grep '^9 rows in ' out.txt
t_expect_status 0 t_export_sample own.zip --camera cam1 \
	--from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:35Z --exhibit E/own \
	--no-working --register own.sqlite
t_grep "^recorded as row 1 of the disclosure register own.sqlite\$" out.txt
EXHIBIT_REGISTER="$PWD/env.sqlite" t_expect_status 0 t_export_sample env.zip \
	--camera cam1 --from 2024-10-27T00:59:30Z --to 2024-10-27T00:59:35Z \
	--exhibit E/env --no-working
t_grep "^recorded as row 1 of the disclosure register $PWD/env.sqlite\$" out.txt
EXHIBIT_REGISTER="$PWD/env.sqlite" t_expect_status 0 "$EXHIBIT" register verify -p k.pub

# --- usage errors: nothing written ------------------------------------------------
t_expect_status 2 t_export_sample u1.zip --camera cam1 --from 2024-10-27T00:59:30Z \
	--to 2024-10-27T00:59:35Z --exhibit E/u --purpose police
t_grep "purpose: 'police' is not one of police-investigation, court" err.txt
t_expect_status 2 t_export_sample u2.zip --camera cam1 --from 2024-10-27T00:59:30Z \
	--to 2024-10-27T00:59:35Z --exhibit E/u --register x.sqlite --no-register
t_grep 'register and --no-register: choose one' err.txt
test ! -e u1.zip && test ! -e u2.zip && test ! -e x.sqlite ||
	t_fail "a usage error left a file"

# --- a register from a newer exhibit -----------------------------------------------
cp "$reg" newer.sqlite
sqlite3 newer.sqlite 'PRAGMA user_version = 2'
t_expect_status 2 t_export_sample nw.zip --camera cam1 --from 2024-10-27T00:59:30Z \
	--to 2024-10-27T00:59:35Z --exhibit E/nw --register newer.sqlite
t_grep 'newer.sqlite: written by a newer exhibit \(register schema 2; this exhibit, .*, knows schema 1 and older\)' err.txt
test ! -e nw.zip || t_fail "a bundle beside a refused register"
t_expect_status 2 "$EXHIBIT" register list --register newer.sqlite
t_grep 'written by a newer exhibit' err.txt
t_expect_status 2 "$EXHIBIT" register list --register missing.sqlite
t_grep 'missing.sqlite: no register there' err.txt
t_done
