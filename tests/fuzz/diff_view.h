/*
 * diff_view.h — what fuzz_verify_diff.c and its raw walkers (diff_walk.c)
 * share: one reader's view of a bundle (its files, their sizes and
 * SHA-256, its top folder) and the walkers that fill one from the bytes.
 */
#ifndef EXHIBIT_FUZZ_DIFF_VIEW_H
#define EXHIBIT_FUZZ_DIFF_VIEW_H

#include <stddef.h>
#include <stdint.h>

enum kind { K_FILE, K_DIR };

struct item {
	char *path;             /* relative to the top folder */
	enum kind kind;
	uint64_t size;
	char sha[65];
};

struct view {
	const char *who;
	struct item *v;
	size_t n, cap;
	char *top;
	char fail[512];         /* non-empty: this reader could not read it */
};

/* s (n bytes) printable, in buf. */
const char *shown(const char *s, size_t n, char *buf, size_t size);
/* This reader could not read the bundle: why (the first reason kept). */
void view_fail(struct view *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A file (its bytes p, n long) or folder named name (nlen bytes). */
void view_add(struct view *w, const char *name, size_t n, enum kind kind,
    const char *kind_name, uint64_t size, const unsigned char sha[32]);

/* The raw walkers (diff_walk.c): fill w from a ZIP or tar's bytes. */
void crc_init(void);
unsigned le16(const uint8_t *p);
uint32_t le32(const uint8_t *p);
void walk_zip(struct view *w, const uint8_t *d, size_t size);
void walk_tar(struct view *w, const uint8_t *d, size_t size);

#endif
