#!/bin/sh
# same-output.sh — proves that a change to exhibit's insides changed none of
# its output: two builds export the same footage with the same key and
# SOURCE_DATE_EPOCH, and every bundle (ZIP, tar, folder) must be
# byte-identical; scan's and verify's text and XML must be identical too.
#
#   bench/same-output.sh OLD_EXHIBIT [NEW_EXHIBIT]
#   bench/same-output.sh --rev REV [NEW_EXHIBIT]   (builds REV first)
#
# NEW_EXHIBIT defaults to ./exhibit.  The footage: the sample archive
# (samples/archive, indexed, MP4 and Matroska, a gap and a clock change),
# the committed test clips (tests/fixtures/archive: MP4, Matroska, TS,
# H.265, variable frame rate, damaged) and four cameras made here with
# ffmpeg (sound: AAC, G.711, PCM; a timecode track; a camera on its side;
# full range; H.265), as tests/cli/fidelity_streams.sh makes them.
# Exit 0 when everything is identical, 1 naming each difference.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
--rev)
	rev=${2:?--rev needs a revision}; shift 2
	wt=$(mktemp -d)
	git -C "$top" worktree add -q --detach "$wt/src" "$rev" || exit 2
	(cd "$wt/src" && autoreconf -fi >/dev/null 2>&1 && mkdir b && cd b &&
	    ../configure -q >/dev/null && make -j2 exhibit >/dev/null 2>&1) ||
	    { echo "same-output: cannot build $rev" >&2; exit 2; }
	old=$wt/src/b/exhibit ;;
'' | -*)
	echo "usage: same-output.sh OLD_EXHIBIT|--rev REV [NEW_EXHIBIT]" >&2
	exit 2 ;;
*)
	old=$1; shift ;;
esac
new=${1:-./exhibit}
case $old in /*) ;; *) old=$PWD/$old ;; esac
case $new in /*) ;; *) new=$PWD/$new ;; esac
for b in "$old" "$new"; do
	test -x "$b" || { echo "same-output: $b is not a program" >&2; exit 2; }
done
command -v ffmpeg >/dev/null || { echo "same-output: needs ffmpeg" >&2; exit 2; }

w=$(mktemp -d)
trap 'rm -rf "$w"; test -n "${wt:-}" && git -C "$top" worktree remove --force "$wt/src" && rm -rf "$wt"' EXIT
cd "$w" || exit 2
FF="ffmpeg -nostdin -hide_banner -loglevel error -y"
"$new" keygen -W -s k.key -p k.pub >/dev/null 2>&1 || exit 2

# The made footage (see fidelity_streams.sh for what each camera is).
pic="color=black:s=320x240:r=25:d=6,drawbox=c=white:t=fill:enable='eq(n,75)'"
snd() { echo "aevalsrc='if(between(t,3,3.02),0.8*sin(2*PI*1000*t),0.01*sin(2*PI*300*t))':s=$1:c=$2:d=6"; }
mkdir -p arc/cam1 arc/cam2 arc/cam3 arc/cam4 plain/cam1
$FF -f lavfi -i "$pic,format=yuvj420p" -f lavfi -i "$(snd 48000 mono)" \
	-c:v libx264 -preset ultrafast -g 25 -threads 1 -c:a aac \
	-timecode 10:00:00:00 -shortest -metadata:s:v:0 rotate=90 \
	arc/cam1/20240701T120000Z.mov &&
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 8000 mono)" -c:v libx264 \
	-preset ultrafast -g 25 -pix_fmt yuv420p -c:a pcm_alaw \
	arc/cam2/20240701T120000Z.mkv &&
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 8000 mono)" -c:v libx265 \
	-preset ultrafast -x265-params log-level=error:keyint=25 \
	-pix_fmt yuv420p -color_range pc -c:a pcm_mulaw \
	arc/cam3/20240701T120000Z.mkv &&
$FF -f lavfi -i "$pic" -f lavfi -i "$(snd 48000 stereo)" -c:v libx264 \
	-preset ultrafast -g 25 -pix_fmt yuv420p -c:a pcm_s16le \
	arc/cam4/20240701T120000Z.mkv ||
	{ echo "same-output: ffmpeg failed" >&2; exit 2; }
for f in clip.mp4 clip.mkv clip.ts clip_hevc.mp4 vfr.mkv notmedia.mp4; do
	cp "$top/tests/fixtures/archive/$f" plain/cam1/ || exit 2
done

fails=0
differ() { echo "DIFFERENT: $*"; fails=$((fails + 1)); }
# run NAME ARGS...: both builds, same folder name, outputs kept apart;
# each build has its own segment index (scan's and export's counts of files
# read from it depend on what ran before with the same cache), moved to the
# same place for its runs (scan names it).  Each export is row 1 of a new
# disclosure register at one path (the manifest names its row; older builds
# ignore the variable).
run() {
	name=$1; shift
	for side in old new; do
		eval "bin=\$$side"
		rm -f "$w/register.sqlite" "$w/register.sqlite-wal" \
		    "$w/register.sqlite-shm"
		mkdir -p "$side" "$w/cache-$side" &&
		    mv "$w/cache-$side" "$w/cache" && (cd "$side" &&
		    XDG_CACHE_HOME=$w/cache EXHIBIT_REGISTER=$w/register.sqlite \
		    SOURCE_DATE_EPOCH=1730000000 TZ=Europe/London \
		    "$bin" "$@" >"$name.out" 2>"$name.err"; echo $? >"$name.rc")
		mv "$w/cache" "$w/cache-$side" || exit 2
	done
	# Both failing alike proves nothing: every run here must succeed.
	test "$(cat "new/$name.rc")" = 0 ||
	    differ "$name: exit $(cat "new/$name.rc"): $(head -3 "new/$name.err")"
	for f in rc out err; do
		cmp -s "old/$name.$f" "new/$name.$f" || differ "$name: $f" \
		    "$(diff "old/$name.$f" "new/$name.$f" | head -5)"
	done
}
sample=$top/samples/archive
common="-s ../k.key --case C-1 --exhibit ABC/1 --operator Jo_Bloggs --preset ultrafast --jobs 2"
for kind in zip tar dir; do
	run "sample-$kind" export "$sample" -o "sample.$kind" --container $kind \
	    --camera cam1,cam2 --from 2024-10-27T00:59:48.500Z \
	    --to 2024-10-27T01:00:01Z --segment 5 $common
done
run sample-nowork export "$sample" -o sample-nowork.zip --no-working \
	--camera cam1,cam2 --from 2024-10-27T00:59:40Z \
	--to 2024-10-27T01:00:20Z $common
run made-dir export ../arc -o made.dir --container dir \
	--camera cam1,cam2,cam3,cam4 --from 2024-07-01T12:00:01.300Z \
	--to 2024-07-01T12:00:04.700Z $common
run made-zip export ../arc -o made.zip --container zip \
	--camera cam1,cam3 --from 2024-07-01T12:00:00Z \
	--to 2024-07-01T12:00:06Z $common
run plain-tar export ../plain -o plain.tar --container tar \
	--camera cam1 --from 2024-06-01T10:00:00Z --to 2024-06-01T10:00:03Z \
	$common
run scan-sample scan "$sample"
run scan-sample-xml scan "$sample" --xml
run scan-made scan ../arc --xml
run scan-plain scan ../plain
for b in sample.zip sample.tar sample.dir made.dir plain.tar; do
	run "verify-$b" verify "$b" -p ../k.pub
	run "verify-xml-$b" verify "$b" -p ../k.pub --xml
done
for b in sample.zip sample.tar sample-nowork.zip made.zip plain.tar; do
	if ! test -f "new/$b"; then
		differ "$b: not made ($(cat "new/${b%.*}"*.err 2>/dev/null | head -3))"
	else
		cmp -s "old/$b" "new/$b" || differ "$b: bundles differ"
	fi
done
for b in sample.dir made.dir; do
	test -d "new/$b" || { differ "$b: not made"; continue; }
	diff -r "old/$b" "new/$b" >/dev/null || differ "$b: folders differ"
done
n=$(find new -type f | wc -l)
if test $fails -eq 0; then
	echo "same-output: identical ($n files compared)"
	exit 0
fi
echo "same-output: $fails differences"
exit 1
