#!/bin/sh
# make-footage.sh OUTDIR SECONDS [CAMERAS] — benchmark footage.
#
# Writes an indexed recorder archive to OUTDIR (which must not exist):
# CAMERAS cameras (default 2, named cam1, cam2, ...), each SECONDS long
# (rounded up to whole 60-second segments) from 2024-10-27T00:00:00Z,
# 1080p25 H.264 in MP4 (libx264 preset veryfast, CRF 23 capped at 6 Mbit/s
# like a recorder's stream, GOP 50), a moving test pattern with temporal
# noise so the decoder and encoder have real work to do, and the frame
# code band of samples/README.md (code 0 = 00:00:00Z).  recorder.xml
# indexes every file with its SHA-256.  Not run by make check.
#
# Environment: FFMPEG (default ffmpeg), X264_THREADS (default 0 = auto).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../samples/footage.sh"

usage() { echo "Usage: ${0##*/} OUTDIR SECONDS [CAMERAS]" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
out=$1 seconds=$2 cameras=${3:-2}
case $seconds in '' | *[!0-9]*) usage ;; esac
case $cameras in '' | *[!0-9]*) usage ;; esac
[ "$seconds" -ge 1 ] && [ "$cameras" -ge 1 ] && [ "$cameras" -le 16 ] || usage
# The frame code has 20 bits: at most 2^20 frames (11.6 hours) per camera.
[ "$seconds" -le 41940 ] || fc_die "SECONDS must be at most 41940"
[ -e "$out" ] && fc_die "$out already exists"

W=1920 H=1080 RATE=25 SEG=60
PIC_H=$((H - H / 12))
nsegs=$(((seconds + SEG - 1) / SEG))
origin=$(fc_epoch 2024-10-27T00:00:00Z)
threads=${X264_THREADS:-0}

tmp="$out.tmp.$$"
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp"
xml="$tmp/recorder.xml"
fc_xml_begin "$xml" "Acme Security" "NVR-32" "AC-BENCH" \
	"Benchmark" "Europe/London"

c=1
while [ "$c" -le "$cameras" ]; do
	cam="cam$c"
	# Each camera looks a little different (hue) and has its own noise.
	pic="testsrc2=s=${W}x${PIC_H}:r=$RATE,format=yuv420p,\
hue=h=$(((c - 1) * 47)),noise=alls=4:allf=t:all_seed=$c[pic]"
	echo "${0##*/}: $cam: $nsegs x ${SEG}s of ${W}x$H" >&2
	fc_camera "$tmp/raw-$cam" mp4 $W $H $RATE $SEG "$nsegs" "$pic" -- \
		-c:v libx264 -preset veryfast -crf 23 -maxrate 6M -bufsize 12M \
		-g 50 -keyint_min 50 -sc_threshold 0 -threads "$threads"
	fc_xml_camera "$xml" "$cam" "Bench camera $c" "Bench site $c"
	i=0
	while [ "$i" -lt "$nsegs" ]; do
		t=$((origin + i * SEG))
		rel="$cam/$(fc_stamp "$t").mp4"
		fc_finish "$tmp/raw-$cam/$(printf 'seg-%03d.mp4' "$i")" \
			"$tmp/$rel" "$t"
		fc_xml_segment "$xml" "$tmp" "$rel" "$t"
		i=$((i + 1))
	done
	fc_xml_camera_end "$xml"
	rmdir "$tmp/raw-$cam"
	c=$((c + 1))
done
fc_xml_end "$xml"

mv "$tmp" "$out"
trap - EXIT INT TERM
echo "${0##*/}: wrote $out ($(du -sk "$out" | cut -f1) KiB)" >&2
