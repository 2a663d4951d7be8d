#!/bin/sh
# gen.sh — regenerate src/lib/media/font.c, the burn-in glyphs.
#
# Needs a C compiler, FreeType (Debian: libfreetype-dev) and the font
# (Debian: fonts-dejavu-core).  Not run by the build: run it by hand when
# the font, the size or the character set changes, check the result with
# tests/tools/overlay-demo, and commit font.c.
#
#   src/lib/media/fontgen/gen.sh [FONT.ttf [EM_PIXELS]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
font=${1:-/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf}
em=${2:-72}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -Wall -Wextra -o "$tmp/fontgen" "$here/fontgen.c" \
	$(pkg-config --cflags --libs freetype2)
"$tmp/fontgen" "$font" "$em" > "$tmp/font.c"
mv "$tmp/font.c" "$here/../font.c"
echo "wrote $here/../font.c"
