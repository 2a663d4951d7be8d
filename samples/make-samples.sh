#!/bin/sh
# make-samples.sh [OUTDIR] — regenerate the sample recorder archive
# (default: samples/archive beside this script).  See samples/README.md.
#
# An indexed recorder archive across the UK clock change of 2024-10-27
# (01:00:00Z, BST -> GMT): two cameras, 10-second segments, one segment of
# cam1 missing.  Every frame carries its frame code in a band at the bottom
# (see footage.sh), counted at 25 fps from the camera's first segment.
# Output is byte-identical from run to run with the same FFmpeg and x264
# builds (single-threaded x264, bit-exact muxing, fixed metadata).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/footage.sh"

out=${1:-$here/archive}
tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT INT TERM
rm -rf "$tmp"
mkdir -p "$tmp"

W=640 H=360 RATE=25 SEG=10
PIC_H=$((H - H / 12))

# cam1 "High Street North": H.264 Main, no B-frames, GOP 25, MP4.
# 50 seconds from 00:59:30Z; the segment at 00:59:50Z is then dropped (the
# gap), so cam1's codes run 0-499 and 750-1249.
cam1_origin=$(fc_epoch 2024-10-27T00:59:30Z)
cam1_pic="smptehdbars=s=${W}x${PIC_H}:r=$RATE,format=yuv420p[bg];\
testsrc2=s=192x108:r=$RATE,format=yuv420p[obj];\
[bg][obj]overlay=x='mod(n*3\\,W+w)-w':y='(H-h)/2+40*sin(n/20)'[pic]"
fc_camera "$tmp/raw1" mp4 $W $H $RATE $SEG 5 "$cam1_pic" -- \
	-c:v libx264 -preset medium -crf 23 -profile:v main -bf 0 \
	-g 25 -keyint_min 25 -sc_threshold 0 -threads 1 -flags:v +bitexact

# cam2 "Market Square": H.264 High with B-frames, GOP 50, Matroska.
# 40 seconds from 00:59:35Z, no gap: codes 0-999.
cam2_origin=$(fc_epoch 2024-10-27T00:59:35Z)
cam2_pic="colorchart=rate=$RATE:patch_size=64x64,scale=${W}:${PIC_H},format=yuv420p[bg];\
testsrc=s=160x120:r=$RATE,format=yuv420p[obj];\
[bg][obj]overlay=x='(W-w)/2+(W-w)/2*sin(n/37)':y='(H-h)/2+(H-h)/2*cos(n/23)'[pic]"
fc_camera "$tmp/raw2" mkv $W $H $RATE $SEG 4 "$cam2_pic" -- \
	-c:v libx264 -preset medium -crf 23 -profile:v high -bf 2 \
	-g 50 -keyint_min 50 -sc_threshold 0 -threads 1 -flags:v +bitexact

xml="$tmp/recorder.xml"
fc_xml_begin "$xml" "Acme Security" "NVR-8" "AC-0001" \
	"Town Hall CCTV Control Room" "Europe/London"

# camera ID, name, location, raw folder, container, origin, segment numbers
add_camera() {
	fc_xml_camera "$xml" "$1" "$2" "$3"
	for i in $7; do
		t=$(($6 + i * SEG))
		rel="$1/$(fc_stamp "$t").$5"
		fc_finish "$tmp/$4/seg-00$i.$5" "$tmp/$rel" "$t"
		fc_xml_segment "$xml" "$tmp" "$rel" "$t"
	done
	fc_xml_camera_end "$xml"
}
add_camera cam1 "High Street North" "High St / Market Sq" raw1 mp4 \
	"$cam1_origin" "0 1 3 4"
add_camera cam2 "Market Square" "Market Sq east" raw2 mkv \
	"$cam2_origin" "0 1 2 3"
fc_xml_end "$xml"

rm -rf "$tmp/raw1" "$tmp/raw2"
chmod 644 "$xml" "$tmp"/cam1/* "$tmp"/cam2/*
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT INT TERM
echo "${0##*/}: wrote $out ($(du -sk "$out" | cut -f1) KiB)"
