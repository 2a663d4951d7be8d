/* error.c — the error object every libexhibit function reports through. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exhibit/error.h"

static void
vset(ex_error *err, ex_status code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void
vset(ex_error *err, ex_status code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

ex_status
ex_error_set(ex_error *err, ex_status code, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		vset(err, code, fmt, ap);
		va_end(ap);
	}
	return code;
}

ex_status
ex_error_errno(ex_error *err, const char *fmt, ...)
{
	int saved = errno;
	ex_status code = saved == ENOMEM ? EX_ERR_NOMEM : EX_ERR_IO;
	size_t len;
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	len = strlen(err->message);
	snprintf(err->message + len, sizeof(err->message) - len, ": %s",
	    strerror(saved));
	errno = saved;
	return code;
}

ex_status
ex_error_prefix(ex_error *err, const char *fmt, ...)
{
	char msg[EX_ERROR_MAX];
	size_t len;
	va_list ap;

	if (err == NULL)
		return EX_OK;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(msg);
	if (len + 2 < sizeof(msg)) {
		memcpy(msg + len, ": ", 3);
		len += 2;
		/* Keep as much of the old message as fits. */
		memcpy(msg + len, err->message,
		    strnlen(err->message, sizeof(msg) - len - 1));
		msg[len + strnlen(err->message, sizeof(msg) - len - 1)] = '\0';
	}
	memcpy(err->message, msg, sizeof(msg));
	return err->code;
}

void
ex_error_clear(ex_error *err)
{
	if (err == NULL)
		return;
	err->code = EX_OK;
	err->message[0] = '\0';
}

const char *
ex_status_name(ex_status code)
{
	switch (code) {
	case EX_OK:              return "ok";
	case EX_ERR_USAGE:       return "usage";
	case EX_ERR_IO:          return "io";
	case EX_ERR_NOMEM:       return "nomem";
	case EX_ERR_FORMAT:      return "format";
	case EX_ERR_CRYPTO:      return "crypto";
	case EX_ERR_VERIFY:      return "verify";
	case EX_ERR_MEDIA:       return "media";
	case EX_ERR_UNSUPPORTED: return "unsupported";
	case EX_ERR_EXISTS:      return "exists";
	case EX_ERR_TIME:        return "time";
	case EX_ERR_INTERRUPTED: return "interrupted";
	}
	return "unknown";
}
