/*
 * exhibit/text.h — free text made safe to write or to show.
 *
 * A recorder, an operator or a bundle may hand us any bytes.  Two uses,
 * one function each:
 *
 * - ex_text_clean for what exhibit writes into a bundle (manifest, custody
 *   log, index.html, README.txt): xmlTextWriter escapes only & < > and CR,
 *   so every writer cleans its strings with it first.  Cleaning loses
 *   bytes, which is right for text we author.
 * - ex_text_escape for what exhibit shows of text it did not write (a path
 *   in a bundle, a custody note, a camera name, a message FFmpeg gave about
 *   a hostile file), on a terminal or in --xml output: nothing in it can
 *   act on the terminal, reorder the line or break the XML, and every byte
 *   stays visible.
 */
#ifndef EXHIBIT_TEXT_H
#define EXHIBIT_TEXT_H

#include <stddef.h>

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

/*
 * The offset of the first byte of s[0..len) that is not part of valid
 * UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
 * U+10FFFF; a sequence cut off by the end is invalid), or len when all
 * of it is valid.  The one UTF-8 check of exhibit's readers and writers.
 */
size_t ex_utf8_invalid_at(const char *s, size_t len);

/*
 * A malloc'd copy of s (NULL for NULL or out of memory; the caller frees)
 * that shows every byte of s as one line of printable UTF-8:
 *
 *   - a backslash doubled ("\\"), so that every escape below reads one way;
 *   - "\xHH" (two lower-case hex digits) for each C0 control byte, TAB, LF
 *     and CR included, for DEL, and for each byte that is not part of
 *     valid UTF-8 (also overlong forms, surrogates, beyond U+10FFFF);
 *   - "\u{HHHH}" (four or more lower-case hex digits) for a C1 control
 *     (U+0080-U+009F, which terminals obey too), a bidi control (U+061C,
 *     U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder what is
 *     read), U+2028 and U+2029 (line breaks), U+FFFE and U+FFFF (which
 *     XML cannot carry);
 *   - every other character of valid UTF-8 as it is.
 *
 * The result holds no byte below 0x20 and no 0x7f, and is a valid XML 1.0
 * attribute value or text once & < > are escaped as XML writers do.
 */
char *ex_text_escape(const char *s);

#ifdef __cplusplus
}
#endif

#endif
