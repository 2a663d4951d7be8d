/* fuzz_mask.c — the mask file (src/lib/mask/parse.c, geometry.c):
 * ex_mask_parse through the hardened reader and the schema; a set that
 * parses is checked against an export and every mask asked what it
 * covers at its keys and between them, with the promises of exhibit/mask.h
 * checked (abort on a broken one). */
#include "config.h"

#include "exhibit/mask.h"
#include "fuzz_common.h"

static void
probe(const ex_mask *m)
{
	ex_mask_shape box;
	size_t i;

	if (m->nkeys == 0) {
		if (m->nshapes < 1 || (m->from != EX_INSTANT_NONE &&
		    m->to != EX_INSTANT_NONE && m->to <= m->from))
			abort();
		return;
	}
	if (m->nkeys < 2 || m->nshapes != 0 || m->from != m->keys[0].time ||
	    m->to != m->keys[m->nkeys - 1].time)
		abort();
	for (i = 0; i < m->nkeys; i++) {
		const ex_mask_key *k = &m->keys[i];

		if (i > 0 && k->time <= m->keys[i - 1].time)
			abort();
		/* At a key: that key's box exactly. */
		if (ex_mask_at(m, k->time, &box) != 1 || box.x != k->x ||
		    box.y != k->y || box.width != k->width ||
		    box.height != k->height)
			abort();
		/* Between two keys: a box at least 1x1. */
		if (i > 0 && (ex_mask_at(m, k->time - (k->time -
		    m->keys[i - 1].time) / 3, &box) != 1 || box.width < 1 ||
		    box.height < 1))
			abort();
	}
	if (ex_mask_at(m, m->keys[0].time - 1, &box) != 0 ||
	    ex_mask_at(m, m->to + 1, &box) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ex_mask_camera cams[] = {
		{ "cam1", 640, 480 }, { "cam2", 0, 0 }
	};
	ex_mask_set *set = NULL;
	ex_error err;
	size_t i;

	if (ex_mask_parse((const char *)data, size, NULL, &set, &err) !=
	    EX_OK)
		return 0;
	if (set->len != size || set->text[size] != '\0' || set->nmasks < 1)
		abort();
	for (i = 0; i < set->nmasks; i++)
		probe(&set->masks[i]);
	(void)ex_mask_check(set, cams, 2, 1729990770000000LL,
	    1729990800000000LL, &err);
	ex_mask_set_free(&set);
	return 0;
}
