/* Growable NUL-terminated byte buffer. An allocation failure is sticky: the
 * buffer keeps what it had, `failed` is set, and later appends do nothing, so
 * a writer can check once at the end. */
#ifndef SOC2_UTIL_STRBUF_H
#define SOC2_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;   /* NUL-terminated once anything was appended; may be NULL */
    size_t len;
    size_t cap;
    int failed;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, 0}

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_reset(strbuf *sb);
int sb_append(strbuf *sb, const char *data, size_t len);
int sb_puts(strbuf *sb, const char *s);
int sb_putc(strbuf *sb, char c);
int sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Returns the contents ("" when empty); valid until the next change. */
const char *sb_str(const strbuf *sb);
/* Hands the malloc'ed string to the caller and empties the buffer. Returns
 * NULL after an allocation failure. */
char *sb_steal(strbuf *sb);
/* Shortens the contents to `len` bytes. */
void sb_truncate(strbuf *sb, size_t len);

#endif
