#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

size_t utf8_decode(const char *s, size_t n, uint32_t *code_point)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (p[0] < 0x80) {
        *code_point = p[0];
        return 1;
    }

    size_t length;
    uint32_t value, least;
    if ((p[0] & 0xE0) == 0xC0) {
        length = 2;
        value = p[0] & 0x1F;
        least = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        length = 3;
        value = p[0] & 0x0F;
        least = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        length = 4;
        value = p[0] & 0x07;
        least = 0x10000;
    } else {
        return 0;
    }
    if (n < length)
        return 0;
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (p[i] & 0x3F);
    }

    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if (value < least || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *code_point = value;
    return length;
}

int utf8_is_valid(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t c;
        size_t k = utf8_decode(s, n, &c);
        if (k == 0)
            return 0;
        s += k;
        n -= k;
    }
    return 1;
}

char *utf8_repair(const char *s)
{
    strbuf out = STRBUF_INIT;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t c;
        size_t k = utf8_decode(s, n, &c);
        if (k == 0) {
            sb_puts(&out, "\xEF\xBF\xBD");
            k = 1;
        } else {
            sb_append(&out, s, k);
        }
        s += k;
        n -= k;
    }
    return sb_steal(&out);
}
