#include "sink.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "../util/utf8.h"

/* Bytes kept before they go to the callback. */
#define FLUSH_SIZE 65536

static const char replacement[] = "\xEF\xBF\xBD";

void sink_init(sink *s, soc2_write_callback callback, void *payload)
{
    s->callback = callback;
    s->payload = payload;
    sb_init(&s->pending);
    s->stopped = 0;
}

static void flush(sink *s)
{
    if (s->stopped || s->pending.failed || s->pending.len == 0)
        return;
    if (s->callback(s->pending.data, s->pending.len, s->payload) != 0)
        s->stopped = 1;
    sb_truncate(&s->pending, 0);
}

void sink_put(sink *s, const char *data, size_t length)
{
    if (s->stopped)
        return;
    sb_append(&s->pending, data, length);
    if (s->pending.len >= FLUSH_SIZE)
        flush(s);
}

void sink_puts(sink *s, const char *text)
{
    sink_put(s, text, strlen(text));
}

void sink_printf(sink *s, const char *fmt, ...)
{
    if (s->stopped)
        return;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&s->pending, fmt, ap);
    va_end(ap);
    if (s->pending.len >= FLUSH_SIZE)
        flush(s);
}

/* Writes one character, escaped for a format: `bytes` are its `length`
 * bytes in the text and `c` its code point, U+FFFD for an invalid byte. */
typedef void (*char_writer)(sink *s, const char *bytes, size_t length, uint32_t c, int flag);

/* Writes `text` character by character through `write`; an invalid byte is
 * a character of length 1 read as U+FFFD, so that writers replace it. */
static void write_chars(sink *s, const char *text, char_writer write, int flag)
{
    size_t n = strlen(text);
    while (n > 0) {
        uint32_t c;
        size_t k = utf8_decode(text, n, &c);
        if (k == 0) {
            c = 0xFFFD;
            k = 1;
        }
        write(s, text, k, c, flag);
        text += k;
        n -= k;
    }
}

/* Returns whether XML 1.0 allows the code point in a document. */
static int xml_allows(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    return c != 0xFFFE && c != 0xFFFF;
}

/* Returns whether the code point is a bidirectional override or isolate,
 * which can make text read in another order than it is stored (an address
 * "\u202egnp.exe" shows as "exe.png"). */
static int reorders_text(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static void xml_char(sink *s, const char *bytes, size_t length, uint32_t c, int attribute)
{
    if (reorders_text(c))
        sink_printf(s, "\\u%04x", (unsigned)c);
    else if (c == 0xFFFD || !xml_allows(c))
        sink_puts(s, replacement);
    else if (c == '&')
        sink_puts(s, "&amp;");
    else if (c == '<')
        sink_puts(s, "&lt;");
    else if (c == '>')
        sink_puts(s, "&gt;");
    else if (c == '"')
        sink_puts(s, "&quot;");
    else if (c == '\'')
        sink_puts(s, "&#39;");
    else if (c == '\r' || (attribute && (c == '\t' || c == '\n')))
        sink_printf(s, "&#%u;", (unsigned)c);
    else
        sink_put(s, bytes, length);
}

void sink_xml(sink *s, const char *text, int attribute)
{
    if (text)
        write_chars(s, text, xml_char, attribute);
}

/* Returns whether a terminal could act on the code point rather than show
 * it: C0 and C1 controls, DEL, and the bidirectional overrides and
 * isolates that can make text read in another order than it is stored. */
static int terminal_unsafe(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || reorders_text(c);
}

static void terminal_char(sink *s, const char *bytes, size_t length, uint32_t c, int unused)
{
    (void)unused;
    if (c == 0xFFFD)
        sink_puts(s, replacement);
    else if (c == '\n')
        sink_puts(s, "\\n");
    else if (c == '\r')
        sink_puts(s, "\\r");
    else if (c == '\t')
        sink_puts(s, "\\t");
    else if (c < 0x80 && terminal_unsafe(c))
        sink_printf(s, "\\x%02x", (unsigned)c);
    else if (terminal_unsafe(c))
        sink_printf(s, "\\u%04x", (unsigned)c);
    else
        sink_put(s, bytes, length);
}

void sink_terminal(sink *s, const char *text)
{
    if (text)
        write_chars(s, text, terminal_char, 0);
}

static int csv_needs_quotes(const char *text)
{
    size_t n = strlen(text);
    if (n > 0 && (text[0] == ' ' || text[n - 1] == ' '))
        return 1;
    return strpbrk(text, ",\"\r\n") != NULL;
}

static void csv_char(sink *s, const char *bytes, size_t length, uint32_t c, int unused)
{
    (void)unused;
    if (c == 0xFFFD)
        sink_puts(s, replacement);
    else if (c == '"')
        sink_put(s, "\"\"", 2);
    else
        sink_put(s, bytes, length);
}

void sink_csv(sink *s, const char *text)
{
    if (!text)
        return;
    int quoted = csv_needs_quotes(text);
    if (quoted)
        sink_put(s, "\"", 1);
    /* A spreadsheet runs a cell that starts like a formula; an apostrophe
     * in front makes it text (CSV injection). */
    if (text[0] != '\0' && strchr("=+-@\t\r", text[0]))
        sink_put(s, "'", 1);
    write_chars(s, text, csv_char, 0);
    if (quoted)
        sink_put(s, "\"", 1);
}

int sink_finish(sink *s)
{
    flush(s);
    int failed = s->pending.failed;
    sb_free(&s->pending);
    if (s->stopped)
        return error_set(SOC2_EUSER, "the output callback stopped the writer");
    if (failed)
        return error_nomem();
    return SOC2_OK;
}

json_t *json_text(const char *text)
{
    if (!text)
        return json_null();
    json_t *value = json_string(text);
    if (value)
        return value;
    char *repaired = utf8_repair(text);
    if (!repaired)
        return NULL;
    value = json_string(repaired);
    free(repaired);
    return value;
}
