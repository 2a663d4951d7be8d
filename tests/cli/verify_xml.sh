#!/bin/sh
# verify_xml.sh — `exhibit verify --xml` matches schemas/verify.xsd
# (urn:exhibit:verify:1) whatever the verdict: a good bundle with a custody
# event by a second key (pass, one signer unverified), the same checked
# against a foreign key only (fail: untrusted), a tampered folder bundle
# (fail: content), and a bundle holding a control character in its path
# (escaped, still valid XML).
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
X=$EXHIBIT
XSD=$TOP_SRCDIR/schemas/verify.xsd

"$X" keygen -W -s a.key -p a.pub >/dev/null || t_fail "keygen a"
"$X" keygen -W -s b.key -p b.pub >/dev/null || t_fail "keygen b"
export_bundle() { # OUTPUT CONTAINER
	SOURCE_DATE_EPOCH=1730000000 "$X" export "$TOP_SRCDIR/samples/archive" \
		-o "$1" --container "$2" --camera cam1 \
		--from 2024-10-27T01:00:00Z --to 2024-10-27T01:00:01Z \
		-s a.key --case C-1 --exhibit ABC/1 --operator "Jo Bloggs" \
		--preset ultrafast --jobs 1 >/dev/null 2>&1 ||
		t_fail "export $2 failed"
}
# valid NAME WANT_STATUS ATTR-ERE VERIFY-ARGS...: verify --xml into
# NAME.xml, the exit status WANT_STATUS, the report valid and its root
# matching ATTR-ERE.
valid() {
	v_name=$1 v_want=$2 v_root=$3; shift 3
	t_expect_status "$v_want" "$X" verify --xml "$@"
	mv out.txt "$v_name.xml"
	xmllint --noout --schema "$XSD" "$v_name.xml" 2>lint.txt ||
		{ cat lint.txt "$v_name.xml" >&2; t_fail "$v_name: not valid"; }
	t_grep "<verify $v_root" "$v_name.xml"
}

export_bundle good.zip zip
"$X" custody add good.zip -s b.key --actor "Kim Lee" --action received \
	>/dev/null 2>&1 || t_fail "custody add"
valid good 0 'result="pass" intact="true" trusted="false"' -p a.pub good.zip
t_grep '<custody events="2" chain="intact" unverified="1"/>' good.xml
t_grep 'signer="unverified" action="received" actor="Kim Lee"' good.xml

valid foreign 1 'result="fail" intact="true"' -p b.pub good.zip
t_grep '<exporter key-id="[0-9A-F]{1,16}" status="untrusted"/>' foreign.xml
t_grep '<problem kind="untrusted"' foreign.xml

export_bundle tampered dir
f=$(find tampered -name '*.mp4' -path '*master*' | head -1)
[ -n "$f" ] || t_fail "no master file in the folder bundle"
printf 'x' >>"$f"
valid tampered 1 'result="fail" intact="false"' -p a.pub tampered
t_grep '<integrity status="not-intact"' tampered.xml
t_grep '<problem kind="content" path="data/cam1/master/' tampered.xml

# A path with a control character: escaped as a terminal shows it.
cp good.zip "$(printf 'odd\033name.zip')"
valid escaped 0 'result="pass"' -p a.pub "$(printf 'odd\033name.zip')"
t_grep 'path="odd\\x1bname.zip"' escaped.xml
t_done
