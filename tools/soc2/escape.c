/* Writing text that comes from inputs and rule files to a terminal: control
 * characters in an address, a message or a file name must not start a new
 * line or send escape sequences, so they are written escaped. Backslashes
 * are left alone: library messages already escape what they quote. */
#include "cli.h"

void put_escaped(FILE *stream, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
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
