/*
 * exhibit/error.h — how libexhibit reports failure.
 *
 * The library never prints and never exits.  A function that can fail
 * returns an ex_status (EX_OK is 0) and, when given a non-NULL ex_error,
 * leaves a one-line message in it of the form "<what>: <why>", e.g.
 * "cam1/00.00.mp4: moov atom not found".  The CLI prints it as
 * "exhibit: <message>".  An ex_error is plain storage owned by the caller
 * (usually on its stack); nothing in it needs freeing.
 */
#ifndef EXHIBIT_ERROR_H
#define EXHIBIT_ERROR_H

#include <signal.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ex_status {
	EX_OK = 0,
	EX_ERR_USAGE,       /* bad argument from the caller */
	EX_ERR_IO,          /* open/read/write/rename failed (errno in message) */
	EX_ERR_NOMEM,       /* allocation failed */
	EX_ERR_FORMAT,      /* input is malformed (file, XML, key, signature) */
	EX_ERR_CRYPTO,      /* a signature or key check failed */
	EX_ERR_VERIFY,      /* evidence is not intact or not trusted */
	EX_ERR_MEDIA,       /* FFmpeg could not demux/decode/encode */
	EX_ERR_UNSUPPORTED, /* valid but not something exhibit handles */
	EX_ERR_EXISTS,      /* refusing to overwrite */
	EX_ERR_TIME,        /* a time is malformed, ambiguous or impossible */
	EX_ERR_INTERRUPTED  /* stopped by a signal or a cancel request */
} ex_status;

#define EX_ERROR_MAX 1024

typedef struct ex_error {
	ex_status code;
	char message[EX_ERROR_MAX];
} ex_error;

/* Set err (if not NULL) to code and a printf-style message; returns code. */
ex_status ex_error_set(ex_error *err, ex_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As ex_error_set with code EX_ERR_IO (or EX_ERR_NOMEM for ENOMEM),
 * appending ": " and strerror(errno) to the message. */
ex_status ex_error_errno(ex_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix an existing message with "<prefix>: " (keeps the code). */
ex_status ex_error_prefix(ex_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ex_error_clear(ex_error *err);

/* A short stable name for a status, e.g. "format" (for --xml output). */
const char *ex_status_name(ex_status code);

/*
 * Cancel flags: a sig_atomic_t set by a signal handler or by any thread of
 * a job and read by all of them.  Set and read them through these (relaxed
 * atomic stores and loads): a plain read from another thread is a data
 * race, even on a volatile.
 */
static inline int
ex_cancel_requested(const volatile sig_atomic_t *flag)
{
	return flag != NULL && __atomic_load_n(flag, __ATOMIC_RELAXED) != 0;
}

static inline void
ex_cancel_request(volatile sig_atomic_t *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

#endif
