## samples/local.mk: the sample archive and test-footage tools (included by Makefile.am)

## framecode: reads the frame code band of test footage (tests only).
check_PROGRAMS += tests/tools/framecode
tests_tools_framecode_SOURCES = tests/tools/framecode.c
tests_tools_framecode_LDADD = $(DEP_LIBS)

## The sample recorder archive (samples/README.md) and the scripts that
## make it and the benchmark footage.
dist_noinst_SCRIPTS += \
	samples/make-samples.sh \
	samples/footage.sh \
	bench/make-footage.sh
EXTRA_DIST += \
	samples/README.md \
	samples/archive/recorder.xml \
	samples/archive/cam1/20241027T005930Z.mp4 \
	samples/archive/cam1/20241027T005940Z.mp4 \
	samples/archive/cam1/20241027T010000Z.mp4 \
	samples/archive/cam1/20241027T010010Z.mp4 \
	samples/archive/cam2/20241027T005935Z.mkv \
	samples/archive/cam2/20241027T005945Z.mkv \
	samples/archive/cam2/20241027T005955Z.mkv \
	samples/archive/cam2/20241027T010005Z.mkv
