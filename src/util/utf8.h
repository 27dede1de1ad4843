/* UTF-8 checks for text that came from outside: file names, and strings a
 * writer must not pass on malformed. */
#ifndef SOC2_UTIL_UTF8_H
#define SOC2_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the sequence at `s` (at most `n` bytes). Returns its length in
 * bytes and stores the code point, or returns 0 when the bytes are not a
 * valid, shortest-form sequence of a Unicode scalar value. */
size_t utf8_decode(const char *s, size_t n, uint32_t *code_point);

/* Returns whether the NUL-terminated `s` is valid UTF-8. */
int utf8_is_valid(const char *s);

/* Returns a malloc'ed copy of `s` with every invalid byte replaced by
 * U+FFFD, or NULL when memory runs out. */
char *utf8_repair(const char *s);

#endif
