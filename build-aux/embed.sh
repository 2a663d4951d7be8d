#!/bin/sh
# embed.sh SYMBOL FILE: print a C source that holds FILE's bytes as
# `const unsigned char SYMBOL[]` (NUL-terminated) and `const size_t SYMBOL_len`.
set -eu
sym=$1
file=$2
printf '/* generated from %s by embed.sh; do not edit */\n#include <stddef.h>\n' "$(basename "$file")"
printf 'const unsigned char %s[] = {\n' "$sym"
od -An -v -tx1 "$file" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/ /'
printf ' 0x00\n};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$sym" "$sym"
