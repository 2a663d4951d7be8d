#!/bin/sh
# scan_streams.sh — scan names every stream of a camera's files (video,
# audio, data) and the in-stream signatures signing cameras write into the
# video: SEI user data unregistered with the UUID of Axis Signed Video or
# of ONVIF Media Signing (issue 13), in MP4 (length-prefixed NAL units)
# and MPEG-TS (start codes).  Footage is made here with ffmpeg; its
# h264_metadata filter inserts the SEI messages.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || t_skip "ffmpeg not installed"
command -v xmllint >/dev/null 2>&1 || t_skip "xmllint not installed"
AXIS=5369676e-6564-2056-6964-656f2e2e2e30
ONVIF=005bc93f-2d71-5e95-ada4-796f90877a6f
X264=dc45e9bd-e6d9-48b7-962c-d820d923eeef   # not a signature

clip() {  # clip OUT UUID [extra ffmpeg options...]
	out=$1 uuid=$2; shift 2
	ffmpeg -nostdin -loglevel error -y -f lavfi \
	    -i testsrc2=size=160x90:rate=10 -f lavfi -i sine=sample_rate=8000 \
	    -t 2 -c:v libx264 -g 10 -pix_fmt yuv420p \
	    -bsf:v "h264_metadata=sei_user_data=$uuid+exhibit-test" "$@" "$out"
}
mkdir -p a/cam1 a/cam2 a/cam3
clip a/cam1/20241027T005930Z.mp4 "$AXIS" -c:a aac
clip a/cam1/20241027T005932Z.mp4 "$AXIS" -c:a aac
clip a/cam2/20241027T005930Z.ts "$ONVIF" -c:a mp2 -f mpegts
clip a/cam3/20241027T005930Z.mkv "$X264" -c:a pcm_alaw

t_expect_status 0 "$EXHIBIT" scan a
sed -n '/^camera cam1$/,/^$/p' out.txt > cam1.txt
sed -n '/^camera cam2$/,/^$/p' out.txt > cam2.txt
sed -n '/^camera cam3$/,$p' out.txt > cam3.txt
t_grep '^  streams    video h264, audio aac$' cam1.txt
t_grep '^  signed     axis-signed-video in 2 of 2 files \(in-stream signatures, kept by native copies\)$' cam1.txt
t_grep '^  streams    video h264, audio mp2$' cam2.txt
t_grep '^  signed     onvif-media-signing in 1 of 1 files ' cam2.txt
t_grep '^  streams    video h264, audio pcm_alaw$' cam3.txt
if grep -q '^  signed' cam3.txt; then
	t_fail "x264's own user data was read as a signature"
fi

t_expect_status 0 "$EXHIBIT" scan --xml a
mv out.txt scan.xml
xmllint --noout --schema "$TOP_SRCDIR/schemas/scan.xsd" scan.xml 2>lint.txt ||
	{ cat lint.txt >&2; t_fail "scan --xml does not match scan.xsd"; }
t_grep 'path="cam1/20241027T005930Z.mp4" .*signatures="axis-signed-video"' scan.xml
t_grep 'path="cam2/20241027T005930Z.ts" .*signatures="onvif-media-signing"' scan.xml
t_grep '<stream index="1" type="audio" codec="pcm_alaw"/>' scan.xml
n=$(grep -c 'signatures=' scan.xml)
test "$n" -eq 3 || t_fail "expected 3 signed segments in scan.xml, found $n"
t_done
