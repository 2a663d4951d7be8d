/*
 * exhibit/text.h — free text made safe to write into XML, HTML and plain
 * text (manifest, custody log, scan --xml, index.html, README.txt).
 *
 * xmlTextWriter escapes only & < > and CR, and a recorder or an operator
 * may hand us any bytes, so every writer cleans its strings with this one
 * function first.
 */
#ifndef EXHIBIT_TEXT_H
#define EXHIBIT_TEXT_H

#ifdef __cplusplus
extern "C" {
#endif

#define EX_TEXT_TAB_SPACE 1u    /* TAB becomes a space */
#define EX_TEXT_LF_SPACE  2u    /* LF becomes a space */

/*
 * A malloc'd copy of s (NULL for NULL or out of memory; the caller frees)
 * that is valid UTF-8: each byte of an invalid sequence (also overlong
 * forms and surrogates) becomes U+FFFD, as do U+FFFE and U+FFFF; control
 * characters (C0 other than TAB and LF, DEL, C1) are dropped; TAB and LF
 * are kept unless flags turn them into spaces.
 */
char *ex_text_clean(const char *s, unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
