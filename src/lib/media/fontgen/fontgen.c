/*
 * fontgen.c — render the burn-in glyphs once, with FreeType, and print
 * src/lib/media/font.c (a self-describing blob that overlay.c reads).
 *
 * Not part of the build: run gen.sh (see README) when the font, the size
 * or the character set changes, and commit the result.
 *
 *   fontgen FONT.ttf EM_PIXELS > font.c
 *
 * Every glyph is rendered with FreeType's anti-aliased rasteriser (light
 * hinting, so stems stay crisp but shapes keep their design) into one
 * common cell: the union of all glyphs' ink boxes relative to the pen
 * origin, so glyphs share a baseline and may overhang their advance.
 *
 * Blob layout (all integers big-endian, offsets from the blob start):
 *   "EXF1"
 *   u16 cell_w, u16 cell_h     common cell in pixels
 *   u16 advance                pen advance (monospace) in pixels
 *   u16 origin_x               pen origin's column inside the cell
 *   u16 baseline               baseline's row inside the cell
 *   u16 nglyphs
 *   nglyphs x { u16 codepoint, u32 offset, u32 length }  (codepoints ascending)
 *   glyph data: each glyph's cell_w*cell_h coverage bytes (row by row,
 *   0 = none, 255 = full), run-length coded: 0x00 n = n zero bytes,
 *   0xFF n = n 0xFF bytes (n 1..255), any other byte stands for itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define MAXG 256

struct glyph {
	unsigned cp;
	int left, top, w, h, pitch;   /* bitmap position relative to pen/baseline */
	unsigned char *bits;
};

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void
put(struct buf *b, unsigned v)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL) {
			perror("fontgen");
			exit(2);
		}
	}
	b->p[b->len++] = (unsigned char)v;
}

static void
put16(struct buf *b, unsigned v)
{
	put(b, (v >> 8) & 0xff);
	put(b, v & 0xff);
}

static void
put32(struct buf *b, unsigned long v)
{
	put16(b, (unsigned)(v >> 16) & 0xffff);
	put16(b, (unsigned)v & 0xffff);
}

static void
rle(struct buf *b, const unsigned char *px, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char v = px[i];

		if (v == 0 || v == 255) {
			size_t run = 1;

			while (i + run < n && px[i + run] == v && run < 255)
				run++;
			put(b, v);
			put(b, (unsigned)run);
			i += run;
		} else {
			put(b, v);
			i++;
		}
	}
}

static int
wanted(unsigned cp)
{
	return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff);
}

int
main(int argc, char **argv)
{
	FT_Library ft;
	FT_Face face;
	struct glyph g[MAXG];
	int ng = 0, em, i;
	int xmin = 0, xmax = 0, ymin = 0, ymax = 0, advance = -1;
	int cell_w, cell_h;
	struct buf out = { 0 }, data = { 0 };
	size_t k;
	unsigned cp;

	if (argc != 3) {
		fprintf(stderr, "usage: fontgen FONT.ttf EM_PIXELS > font.c\n");
		return 2;
	}
	em = atoi(argv[2]);
	if (em < 8 || em > 512) {
		fprintf(stderr, "fontgen: bad size %s\n", argv[2]);
		return 2;
	}
	if (FT_Init_FreeType(&ft) || FT_New_Face(ft, argv[1], 0, &face)) {
		fprintf(stderr, "fontgen: cannot open %s\n", argv[1]);
		return 2;
	}
	if (FT_Set_Pixel_Sizes(face, 0, (FT_UInt)em)) {
		fprintf(stderr, "fontgen: cannot set size %d\n", em);
		return 2;
	}
	/* The vertical extent always covers the font's ascender and
	 * descender, so the line height does not depend on which glyphs
	 * happen to be tallest. */
	ymax = (int)((face->size->metrics.ascender + 63) >> 6);
	ymin = (int)(face->size->metrics.descender >> 6);

	for (cp = 0; cp < MAXG; cp++) {
		FT_GlyphSlot s;
		struct glyph *gl;
		int adv;

		if (!wanted(cp))
			continue;
		if (FT_Get_Char_Index(face, cp) == 0) {
			fprintf(stderr, "fontgen: U+%04X missing, skipped\n", cp);
			continue;
		}
		if (FT_Load_Char(face, cp, FT_LOAD_RENDER |
		    FT_LOAD_TARGET_LIGHT)) {
			fprintf(stderr, "fontgen: cannot render U+%04X\n", cp);
			return 2;
		}
		s = face->glyph;
		adv = (int)((s->advance.x + 32) >> 6);
		if (advance < 0)
			advance = adv;
		else if (adv != advance) {
			fprintf(stderr, "fontgen: U+%04X advance %d != %d: "
			    "not a monospace font\n", cp, adv, advance);
			return 2;
		}
		gl = &g[ng++];
		gl->cp = cp;
		gl->left = s->bitmap_left;
		gl->top = s->bitmap_top;
		gl->w = (int)s->bitmap.width;
		gl->h = (int)s->bitmap.rows;
		gl->pitch = gl->w;
		gl->bits = calloc((size_t)gl->w * (size_t)gl->h + 1, 1);
		if (gl->bits == NULL) {
			perror("fontgen");
			return 2;
		}
		for (i = 0; i < gl->h; i++)
			memcpy(gl->bits + (size_t)i * (size_t)gl->w,
			    s->bitmap.buffer + (ptrdiff_t)i * s->bitmap.pitch,
			    (size_t)gl->w);
		if (gl->w > 0 && gl->h > 0) {
			if (gl->left < xmin)
				xmin = gl->left;
			if (gl->left + gl->w > xmax)
				xmax = gl->left + gl->w;
			if (gl->top > ymax)
				ymax = gl->top;
			if (gl->top - gl->h < ymin)
				ymin = gl->top - gl->h;
		}
	}
	if (advance > xmax)
		xmax = advance;
	cell_w = xmax - xmin;
	cell_h = ymax - ymin;

	/* Header and glyph table, then the coded cells. */
	for (i = 0; i < 4; i++)
		put(&out, (unsigned char)"EXF1"[i]);
	put16(&out, (unsigned)cell_w);
	put16(&out, (unsigned)cell_h);
	put16(&out, (unsigned)advance);
	put16(&out, (unsigned)-xmin);
	put16(&out, (unsigned)ymax);
	put16(&out, (unsigned)ng);
	{
		size_t table = out.len + (size_t)ng * 10;
		unsigned char *cell = malloc((size_t)cell_w * (size_t)cell_h);

		if (cell == NULL) {
			perror("fontgen");
			return 2;
		}
		for (i = 0; i < ng; i++) {
			size_t start = data.len;
			int r, c;

			memset(cell, 0, (size_t)cell_w * (size_t)cell_h);
			for (r = 0; r < g[i].h; r++)
				for (c = 0; c < g[i].w; c++) {
					int y = ymax - g[i].top + r;
					int x = g[i].left - xmin + c;

					cell[(size_t)y * (size_t)cell_w +
					    (size_t)x] = g[i].bits[
					    (size_t)r * (size_t)g[i].w +
					    (size_t)c];
				}
			rle(&data, cell, (size_t)cell_w * (size_t)cell_h);
			put16(&out, g[i].cp);
			put32(&out, (unsigned long)(table + start));
			put32(&out, (unsigned long)(data.len - start));
		}
		free(cell);
	}
	for (k = 0; k < data.len; k++)
		put(&out, data.p[k]);

	printf("/*\n"
	    " * font.c — GENERATED by src/lib/media/fontgen/gen.sh; do not edit.\n"
	    " *\n"
	    " * The burn-in glyphs: %s (family \"%s\", style \"%s\")\n"
	    " * rendered by FreeType at %d px/em: %d glyphs (U+0020-U+007E,\n"
	    " * U+00A0-U+00FF), cell %dx%d px, advance %d px, baseline %d.\n"
	    " * Layout of the blob: see fontgen/fontgen.c.  Read by overlay.c.\n"
	    " *\n"
	    " * Rendered from the DejaVu fonts (https://dejavu-fonts.github.io/):\n"
	    " * Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved.\n"
	    " * Bitstream Vera is a trademark of Bitstream, Inc.\n"
	    " * DejaVu changes are in public domain.\n"
	    " * Licence: the Bitstream Vera Fonts licence, reproduced in full in\n"
	    " * src/lib/media/fontgen/LICENSE-DejaVu.\n"
	    " */\n"
	    "#include <stddef.h>\n\n"
	    "extern const unsigned char ex_font_blob[];\n"
	    "extern const size_t ex_font_blob_size;\n\n"
	    "const size_t ex_font_blob_size = %zu;\n"
	    "const unsigned char ex_font_blob[] = {\n",
	    strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1],
	    face->family_name, face->style_name, em, ng, cell_w, cell_h,
	    advance, ymax, out.len);
	for (k = 0; k < out.len; k++) {
		int col = (int)(k % 24);

		printf("%s%u,%s", col == 0 ? "\t" : "", out.p[k],
		    col == 23 || k + 1 == out.len ? "\n" : "");
	}
	printf("};\n");
	fprintf(stderr, "fontgen: %d glyphs, cell %dx%d, advance %d, "
	    "origin %d, baseline %d, %zu bytes\n", ng, cell_w, cell_h,
	    advance, -xmin, ymax, out.len);
	for (i = 0; i < ng; i++)
		free(g[i].bits);
	free(out.p);
	free(data.p);
	FT_Done_Face(face);
	FT_Done_FreeType(ft);
	return 0;
}
