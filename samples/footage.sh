# footage.sh — shared by samples/make-samples.sh and bench/make-footage.sh
# (sourced, POSIX sh): synthetic CCTV footage with a frame code band, cut
# into recorder segment files, and the recorder.xml that indexes them.
#
# Frame code band: the bottom H/12 rows of every frame are split into 20
# equal blocks; block i (0 = leftmost) shows bit (19 - i) of the frame code
# as luma 235 (1) or 16 (0), chroma neutral.  The frame code is the frame's
# index counted from the camera's first frame (the start of its first
# segment, gaps included).

: "${FFMPEG:=ffmpeg}"

# fc_die MESSAGE: report and stop.
fc_die() { echo "${0##*/}: $*" >&2; exit 2; }

# fc_epoch ISO: seconds since the epoch of a UTC time.
fc_epoch() { date -u -d "$1" +%s || fc_die "bad time '$1'"; }

# fc_stamp EPOCH: the compact form used in segment file names.
fc_stamp() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }

# fc_iso EPOCH: ISO 8601 UTC with milliseconds (recorder.xml).
fc_iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }

# fc_band_graph W H RATE: a filtergraph chain that outputs the band [band],
# W x H/12, whose frame N carries code N.  The code is drawn on a 20x1
# picture and enlarged without interpolation, so its blocks have hard,
# flat edges.
fc_band_graph() {
	_bh=$(($2 / 12))
	printf '%s' "color=c=black:s=20x1:r=$3,format=yuv444p,geq=lum='if(bitand(N\\,pow(2\\,19-X))\\,235\\,16)':cb=128:cr=128,scale=$1:${_bh}:flags=neighbor,format=yuv420p[band]"
}

# fc_camera DIR FORMAT W H RATE SEGSECS NSEGS PICTURE -- ENCODER_ARGS...
#
# Render NSEGS * SEGSECS seconds of one camera and cut it into
# DIR/seg-NNN.FORMAT (FORMAT: mp4, mkv or ts), each starting with a
# keyframe and its timestamps at zero.  PICTURE is a filtergraph that
# outputs the picture [pic] of W x (H - H/12) at RATE; the band is added
# below it.  ENCODER_ARGS choose the encoder (e.g. -c:v libx264 ...); a
# keyframe is forced at every segment boundary.
fc_camera() {
	_dir=$1 _fmt=$2 _w=$3 _h=$4 _rate=$5 _segs=$6 _nsegs=$7 _pic=$8
	shift 8
	[ "${1:-}" = "--" ] && shift
	[ $((_w % 20)) -eq 0 ] || fc_die "width $_w is not a multiple of 20"
	[ $((_h % 24)) -eq 0 ] || fc_die "height $_h is not a multiple of 24"
	case $_fmt in
	mp4) _mux=mp4 ;;
	mkv) _mux=matroska ;;
	ts) _mux=mpegts ;;
	*) fc_die "unknown container '$_fmt'" ;;
	esac
	_segframes=$((_segs * _rate))
	mkdir -p "$_dir"
	"$FFMPEG" -nostdin -hide_banner -loglevel error -y \
		-filter_complex "$_pic;$(fc_band_graph "$_w" "$_h" "$_rate");[pic][band]vstack=inputs=2,setsar=1,format=yuv420p[v]" \
		-map '[v]' -frames:v $((_segframes * _nsegs)) \
		"$@" \
		-force_key_frames "expr:eq(mod(n,$_segframes),0)" \
		-f segment -segment_format "$_mux" -segment_time "$_segs" \
		-reset_timestamps 1 -map_metadata -1 \
		"$_dir/seg-%03d.$_fmt" ||
		fc_die "ffmpeg failed rendering $_dir"
}

# fc_finish SRC DST EPOCH: remux SRC into DST (stream copy, reproducible
# muxing) with its start as container metadata (MP4 creation_time,
# Matroska DateUTC), then remove SRC.
fc_finish() {
	mkdir -p "$(dirname "$2")"
	"$FFMPEG" -nostdin -hide_banner -loglevel error -y -i "$1" \
		-map 0 -c copy -map_metadata -1 -fflags +bitexact \
		-metadata creation_time="$(date -u -d "@$3" +%Y-%m-%dT%H:%M:%S.000000Z)" \
		"$2" || fc_die "ffmpeg failed writing $2"
	rm -f "$1"
}

# fc_xml_escape TEXT: TEXT escaped for an XML attribute or element.
fc_xml_escape() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' \
		-e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}

# fc_xml_begin FILE MAKE MODEL SERIAL SITE ZONE: start recorder.xml.
fc_xml_begin() {
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<recorder xmlns="urn:exhibit:recorder:1" version="1">\n'
		printf '  <make>%s</make><model>%s</model><serial>%s</serial>\n' \
			"$(fc_xml_escape "$2")" "$(fc_xml_escape "$3")" \
			"$(fc_xml_escape "$4")"
		printf '  <site>%s</site><timezone>%s</timezone>\n' \
			"$(fc_xml_escape "$5")" "$(fc_xml_escape "$6")"
	} >"$1"
}

# fc_xml_camera FILE ID NAME LOCATION: open a camera element.
fc_xml_camera() {
	printf '  <camera id="%s" name="%s" location="%s">\n' \
		"$(fc_xml_escape "$2")" "$(fc_xml_escape "$3")" \
		"$(fc_xml_escape "$4")" >>"$1"
}

# fc_xml_segment FILE ROOT RELPATH EPOCH: a segment with its SHA-256.
fc_xml_segment() {
	_sum=$(sha256sum "$2/$3" | cut -d' ' -f1) ||
		fc_die "cannot hash $2/$3"
	printf '    <segment file="%s" start="%s" sha256="%s"/>\n' \
		"$(fc_xml_escape "$3")" "$(fc_iso "$4")" "$_sum" >>"$1"
}

fc_xml_camera_end() { printf '  </camera>\n' >>"$1"; }
fc_xml_end() { printf '</recorder>\n' >>"$1"; }
