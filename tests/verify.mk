## tests/verify.mk (included by the build): what verify accepts, shown
## against other readers (issue 11).  Each diff_*.sh builds hostile
## bundles at test time, shows that a mainstream reader (unzip, Python's
## zipfile/tarfile, bsdtar, GNU tar, isoinfo, 7z) sees something different
## from the bundle as signed, and requires `exhibit verify` to refuse it
## with the named reason.
##
## diff_zip.sh        ZIP: headers, extra fields, end records, comments
## diff_tar.sh        tar: ustar/pax headers, trailing blocks
## diff_iso.sh        ISO 9660: volume size, Joliet and Rock Ridge trees
## bound_bytes.sh     unsigned bytes bound to the signature (bag-info,
##                    top folder, custody.xml, .minisig form, signer.pub)
## special_files.sh   FIFOs, folders, devices and loops where files belong
## escaped_output.sh  control characters from a bundle or archive printed
##                    escaped
## conformance.sh     verify over the committed corpus tests/conformance/
##                    (cases.tsv: verdict, kind and reason of each)
VERIFY_TESTS = \
	tests/cli/diff_zip.sh \
	tests/cli/diff_tar.sh \
	tests/cli/diff_iso.sh \
	tests/cli/bound_bytes.sh \
	tests/cli/special_files.sh \
	tests/cli/escaped_output.sh \
	tests/cli/conformance.sh
TESTS += $(VERIFY_TESTS)
dist_check_SCRIPTS += $(VERIFY_TESTS)
## The crafting tools the tests above use.
EXTRA_DIST += \
	tests/tools/zipforge.py \
	tests/tools/tarcraft.py \
	tests/tools/isocraft.py
## The conformance corpus conformance.sh runs verify over
## (tests/conformance/README); its file list is made by its make.sh.
include tests/conformance/files.mk
## verify: the first contact (issue 12): a custody signer not given is
## unverified (--strict demands it), a folder that holds a bundle, desktop
## files in a folder bundle, a copy cut short.
TESTS += tests/cli/verify_first_contact.sh
dist_check_SCRIPTS += tests/cli/verify_first_contact.sh
EXTRA_DIST += tests/cli/verify_first_contact.sh
## end verify first contact
