/* Writing text that comes from inputs and rule files to a terminal. A
 * control character in an address, a message or a file name must not start
 * a new line, send an escape sequence or reorder the line, so it is written
 * escaped, as the library's text report does. Backslashes are left alone,
 * because library messages already escape what they quote. */
#include "cli.h"

/* Returns the length of the UTF-8 sequence at `p`, and stores its code
 * point, when it encodes a C1 control (U+0080 to U+009F) or a
 * bidirectional override or isolate (U+202A to U+202E, U+2066 to U+2069).
 * Returns 0 for any other text. */
static int unsafe_sequence(const unsigned char *p, unsigned *code_point)
{
    if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
        *code_point = p[1];
        return 2;
    }
    if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) {
        *code_point = 0x2000u + (p[2] & 0x3Fu);
        return 3;
    }
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) {
        *code_point = 0x2040u + (p[2] & 0x3Fu);
        return 3;
    }
    return 0;
}

void put_escaped(FILE *stream, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        unsigned code_point;
        int length = unsafe_sequence(p, &code_point);
        if (length > 0) {
            fprintf(stream, "\\u%04x", code_point);
            p += length - 1;
            continue;
        }
        switch (*p) {
        case '\n': fputs("\\n", stream); break;
        case '\r': fputs("\\r", stream); break;
        case '\t': fputs("\\t", stream); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(stream, "\\x%02x", *p);
            else
                fputc(*p, stream);
        }
    }
}
