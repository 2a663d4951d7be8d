#!/bin/sh
# bench-memory.sh — does an export's peak memory grow with the range?
#
# Makes a Frigate-layout archive of one camera, MINUTES one-minute segments
# (default 10) of 1280x720 25 fps H.264, then exports 1 minute and the whole
# range (whole bundle, ZIP) and prints each export's peak RSS (GNU time %M)
# and their ratio.  Issue target: ten minutes at most 1.2x one minute.
#   EXHIBIT=/path/to/exhibit bench/bench-memory.sh [MINUTES] [PRESET]
set -eu
: "${EXHIBIT:?set EXHIBIT to the built binary}"
minutes=${1:-10}
preset=${2:-ultrafast}
work=${WORK:-/tmp/exhibit-bench-memory}
arch=$work/archive-$minutes
if [ ! -d "$arch" ]; then
	mkdir -p "$arch/recordings/2024-10-27/00/cam1"
	m=0
	while [ "$m" -lt "$minutes" ]; do
		f=$(printf '%s/recordings/2024-10-27/00/cam1/%02d.00.mp4' "$arch" "$m")
		ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t" \
			-t 60 -c:v libx264 -preset ultrafast -g 50 -pix_fmt yuv420p "$f"
		m=$((m + 1))
	done
fi
rm -f "$work/key" "$work/key.pub"
"$EXHIBIT" keygen -W -s "$work/key" -p "$work/key.pub" >/dev/null
run() { # run NAME TO
	rm -rf "$work/$1.zip"
	/usr/bin/time -f '%M %e' -o "$work/$1.time" "$EXHIBIT" export "$arch" \
		-o "$work/$1.zip" --camera cam1 --from 2024-10-27T00:00:00Z --to "$2" \
		-s "$work/key" --case C --exhibit E --operator O --preset "$preset" \
		--tz UTC >/dev/null
	rm -f "$work/$1.zip"
	cat "$work/$1.time"
}
end=$(printf '2024-10-27T00:%02d:00Z' "$minutes")
set -- $(run one 2024-10-27T00:01:00Z)
one_rss=$1 one_s=$2
set -- $(run all "$end")
all_rss=$1 all_s=$2
printf 'range        peak RSS (KiB)  wall (s)\n'
printf '1 minute     %14s  %8s\n' "$one_rss" "$one_s"
printf '%2d minutes   %14s  %8s\n' "$minutes" "$all_rss" "$all_s"
awk -v a="$all_rss" -v b="$one_rss" -v m="$minutes" \
	'BEGIN { printf "ratio (%d min / 1 min): %.3f  (target <= 1.2)\n", m, a / b }'
