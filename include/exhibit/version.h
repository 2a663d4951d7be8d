/*
 * exhibit/version.h — the tool's version and the libraries it runs on,
 * for --version and the manifest.
 */
#ifndef EXHIBIT_VERSION_H
#define EXHIBIT_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* "0.1.0" */
const char *ex_version(void);

typedef struct ex_lib_version {
	const char *name;    /* "libavformat" */
	char version[64];    /* "59.27.100" (the run-time library's) */
} ex_lib_version;

#define EX_LIB_VERSIONS_MAX 10
/* Fill out[] with the run-time versions of the libraries; returns count. */
int ex_lib_versions(ex_lib_version *out, int max);

#ifdef __cplusplus
}
#endif

#endif
