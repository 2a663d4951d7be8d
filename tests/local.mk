## tests/local.mk (included by the build): THE index of the shell tests.
## Every tests/cli/*.sh is listed once, in SHELL_TESTS, with a line on what
## it proves; a new shell test goes here (and nowhere else), its support
## files (tools, fixtures, browser scripts, artefacts) in the blocks below.
## The unit tests have their own index, tests/unit/local.mk; the test
## tools are built by the modules' local.mk and tests/e2e.mk.  All shell
## tests source tests/cli/lib.sh (keys, sample exports, snapshots, waiting
## on state).

SHELL_TESTS = \
	tests/cli/help.sh \
	tests/cli/export_e2e.sh \
	tests/cli/frame_accuracy.sh \
	tests/cli/ts_wrap.sh \
	tests/cli/verify_tamper.sh \
	tests/cli/reproducible.sh \
	tests/cli/export_errors.sh \
	tests/cli/export_first_contact.sh \
	tests/cli/page_clockchange.sh \
	tests/cli/readme_instructions.sh \
	tests/cli/page_sound.sh \
	tests/cli/damaged.sh \
	tests/cli/hostile_bundles.sh \
	tests/cli/crash_safety.sh \
	tests/cli/diff_zip.sh \
	tests/cli/diff_tar.sh \
	tests/cli/diff_iso.sh \
	tests/cli/bound_bytes.sh \
	tests/cli/special_files.sh \
	tests/cli/escaped_output.sh \
	tests/cli/conformance.sh \
	tests/cli/verify_first_contact.sh \
	tests/cli/verify_xml.sh \
	tests/cli/scan_codec.sh \
	tests/cli/progress.sh \
	tests/cli/readme_examples.sh \
	tests/cli/container_names.sh \
	tests/cli/fidelity_streams.sh \
	tests/cli/fidelity_colour.sh \
	tests/cli/containers.sh \
	tests/cli/custody.sh \
	tests/cli/keygen.sh \
	tests/cli/minisign_interop.sh \
	tests/cli/scan_frigate.sh \
	tests/cli/scan_archive.sh \
	tests/cli/scan_index.sh \
	tests/cli/export_window.sh \
	tests/cli/register.sh \
	tests/cli/register_faults.sh \
	tests/cli/register_page.sh \
	tests/cli/redaction.sh \
	tests/cli/scan_streams.sh \
	tests/cli/time_dst.sh \
	tests/cli/page_browser.sh \
	tests/cli/samples.sh \
	tests/cli/bench_smoke.sh \
	tests/cli/man.sh \
	tests/cli/man_examples.sh \
	tests/cli/house.sh
TESTS += $(SHELL_TESTS)
dist_check_SCRIPTS += $(SHELL_TESTS)

## What each one proves.
## -- export, end to end (checked with minisign, sha256sum, xmllint,
##    ffprobe, framecode) --
## help.sh              the usage texts
## export_e2e.sh        the main job: export from the sample archive, the
##                      bundle checked by independent tools
## frame_accuracy.sh    every frame in the range, none outside it
## ts_wrap.sh           MPEG-TS timestamps that wrap
## verify_tamper.sh     tampered bundles refused
## reproducible.sh      the same export twice, byte-identical
## export_errors.sh     the ways export must fail, leaving nothing behind
## export_first_contact.sh  the request as read, coverage and gaps, usage
##                      mistakes (issue 12)
## scan_codec.sh        an unknown codec named by scan and export
## progress.sh          progress lines
## readme_examples.sh   README's commands, run as written
## container_names.sh   --container from the output's name
## -- the bundle's pages (issue 12, 13) --
## page_clockchange.sh  the page across the clock change, in a browser
## readme_instructions.sh  README.txt's commands after a custody event
## page_sound.sh        each clip plays with its sound
## -- hostile and damaged input (fuzz targets: tests/fuzz/README.md) --
## damaged.sh           damaged recordings (tests/fixtures/damaged, made
##                      at test time by make.sh, outcomes in expected.txt)
## hostile_bundles.sh   hostile bundles, each refused with a named reason
## crash_safety.sh      exports killed at many points or hitting write errors
## -- what verify accepts, against other readers (issue 11, 12) --
## diff_zip.sh diff_tar.sh diff_iso.sh  hostile ZIP/tar/ISO bundles that
##                      mainstream readers see differently from the bundle
##                      as signed, refused with the named reason
## bound_bytes.sh       unsigned bytes bound to the signature
## special_files.sh     FIFOs, folders, devices and loops where files belong
## escaped_output.sh    control characters printed escaped
## conformance.sh       verify over the committed corpus tests/conformance/
## verify_first_contact.sh  unverified custody signers, a folder holding a
##                      bundle, desktop files, a copy cut short
## verify_xml.sh        verify --xml valid against schemas/verify.xsd: pass,
##                      a foreign key, a tampered bundle, an escaped path
## -- every stream and every pixel (issue 13; footage made with ffmpeg) --
## fidelity_streams.sh  native copies keep the source's packets; working
##                      copies carry the sound as AAC, in sync
## fidelity_colour.sh   working copies yuv420p, limited range, colour
##                      description set
## containers.sh        MPEG-PS, AVI, H.265 (hev1, hvc1), signed video
## -- the modules' own end-to-end proofs --
## custody.sh           custody add and show; the bundle rewritten atomically
## keygen.sh minisign_interop.sh  keys; signatures stock minisign accepts
## scan_frigate.sh scan_archive.sh scan_streams.sh  each layout scanned
## scan_index.sh        recorder scale: a default scan opens only what names
##                      cannot vouch for, reports only real gaps; the
##                      segment index per path, stale after a change in
##                      place, rebuilt when damaged, none when unwritable,
##                      two scans at once
## export_window.sh     export opens only the files around the range, takes
##                      a long segment before it, names the nearest
##                      recordings; a poisoned index changes no byte
## register.sh          the disclosure register: a row per export and purpose,
##                      list (text, CSV read back, XML valid), each row
##                      checked by stock minisign and sha256sum, manifest
##                      and row name each other, the report's figures,
##                      every kind of tampering caught, newer schema refused
## register_faults.sh   exports at once all recorded in order; an export
##                      killed at many moments: bundle and row, or neither;
##                      a read-only or full register fails before release
## register_page.sh     the annual report's HTML page in headless Chromium:
##                      no request, no script, the figures and bars right
## redaction.sh         masks on footage with objects on known paths: every
##                      frame decoded, no masked object shows (the control
##                      shows them all), burn-in above the mask, pixelated
##                      blocks flat; stills masked; a redacted bundle holds
##                      no original, carries the mask file; bad masks refused
## time_dst.sh          an export across the end of BST, read back from the
##                      cue track, the manifest and the stills
## page_browser.sh      index.html in headless Chromium (playwright-core)
## samples.sh           the sample archive is what samples/README.md says
## bench_smoke.sh       bench-export.sh and bench-archive.sh --dry-run cannot rot
## man.sh man_examples.sh  mandoc lint, every option documented and
##                      completed; the manual's EXAMPLES run as written
## -- the house (HACKING.md) --
## house.sh             no C file over 800 lines; each mechanism in the
##                      base layer only; private names; public headers

## (tests/cli/lib.sh and the tests' environment: Makefile.am.)
## The tools the tests run (python: crafting and reading bundles and media).
EXTRA_DIST += \
	tests/tools/mp4boxes.py \
	tests/tools/zipcraft.py \
	tests/tools/zipforge.py \
	tests/tools/tarcraft.py \
	tests/tools/isocraft.py \
	tests/tools/seiput.py \
	tests/tools/avcheck.py
## The browser scripts of the page tests.
EXTRA_DIST += tests/browser/page_read.mjs tests/browser/page_sound.mjs \
	tests/browser/report_check.mjs \
	tests/browser/page_check.mjs tests/browser/package.json \
	tests/browser/package-lock.json
## The screenshots and page texts the browser tests keep as artefacts go
## with make clean (distcheck's distcleancheck wants nothing left).
CLEANFILES += tests/work/page_clockchange.png tests/work/page_clockchange.txt \
	tests/work/page_sound.png tests/work/page_sound.txt \
	tests/work/register_page.png

## Fixtures, and the fuzz targets (built with clang by tests/fuzz/run.sh,
## not by make; .ci/sanitize runs this whole suite under ASan and UBSan).
EXTRA_DIST += \
	tests/fixtures/damaged/make.sh \
	tests/fixtures/damaged/expected.txt \
	tests/fixtures/hostile/README \
	tests/fuzz/README.md \
	tests/fuzz/run.sh \
	tests/fuzz/fuzz_common.h \
	tests/fuzz/fuzz_recorder_xml.c \
	tests/fuzz/fuzz_manifest.c \
	tests/fuzz/fuzz_custody.c \
	tests/fuzz/fuzz_bundle.c \
	tests/fuzz/fuzz_key.c \
	tests/fuzz/fuzz_sig.c \
	tests/fuzz/fuzz_mask.c \
	tests/fuzz/fuzz_time.c \
	tests/fuzz/fuzz_verify_diff.c \
	tests/fuzz/diff_walk.c \
	tests/fuzz/diff_view.h \
	.ci/sanitize \
	.ci/fuzz
## Seed corpora of the fuzz targets (tests/fuzz/run.sh).
EXTRA_DIST += \
	tests/fuzz/corpus/fuzz_bundle/export.zip \
	tests/fuzz/corpus/fuzz_bundle/tags.tar \
	tests/fuzz/corpus/fuzz_bundle/tags.zip \
	tests/fuzz/corpus/fuzz_custody/export.xml \
	tests/fuzz/corpus/fuzz_key/bare.pub \
	tests/fuzz/corpus/fuzz_key/e.key \
	tests/fuzz/corpus/fuzz_key/w.key \
	tests/fuzz/corpus/fuzz_key/w.pub \
	tests/fuzz/corpus/fuzz_manifest/export.xml \
	tests/fuzz/corpus/fuzz_manifest/sample.xml \
	tests/fuzz/corpus/fuzz_mask/every-form.xml \
	tests/fuzz/corpus/fuzz_mask/local-times.xml \
	tests/fuzz/corpus/fuzz_recorder_xml/sample.xml \
	tests/fuzz/corpus/fuzz_sig/comment-edited.minisig \
	tests/fuzz/corpus/fuzz_sig/hashed.minisig \
	tests/fuzz/corpus/fuzz_sig/legacy.minisig \
	tests/fuzz/corpus/fuzz_time/ambiguous-local \
	tests/fuzz/corpus/fuzz_time/clock-offset \
	tests/fuzz/corpus/fuzz_time/offset \
	tests/fuzz/corpus/fuzz_time/skipped-local \
	tests/fuzz/corpus/fuzz_time/utc \
	tests/fuzz/corpus/fuzz_time/zone-pick \
	tests/fuzz/corpus/fuzz_verify_diff/export.zip \
	tests/fuzz/corpus/fuzz_verify_diff/no-masters.zip \
	tests/fuzz/corpus/fuzz_verify_diff/no-masters.tar \
	tests/fuzz/corpus/fuzz_verify_diff/long-top.tar
## The conformance corpus conformance.sh runs verify over
## (tests/conformance/README); its file list is made by its make.sh.
include tests/conformance/files.mk
## README's examples are run as written (readme_examples.sh).
EXTRA_DIST += README.md

## Test programs and unit tests kept beside their tests (see above).
include tests/e2e.mk
include bench/local.mk
include man/local.mk
