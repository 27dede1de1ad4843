/* Buffered output for the text writers (SARIF and JSON go through jansson):
 * bytes collect in a buffer that is handed to the caller's callback in
 * pieces, with escaping for XML, HTML and CSV. A failure is sticky, so a
 * writer checks once, at sink_finish(). */
#ifndef SOC2_REPORT_SINK_H
#define SOC2_REPORT_SINK_H

#include <jansson.h>

#include <soc2/writer.h>

#include "../util/strbuf.h"

typedef struct sink {
    soc2_write_callback callback;
    void *payload;
    strbuf pending;
    int stopped; /* the callback returned nonzero */
} sink;

void sink_init(sink *s, soc2_write_callback callback, void *payload);

void sink_put(sink *s, const char *data, size_t length);
void sink_puts(sink *s, const char *text);
void sink_printf(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes `text` escaped for XML and HTML: character data, and attribute
 * values in double quotes. Invalid UTF-8 and the characters XML 1.0 does
 * not allow become U+FFFD. A carriage return becomes a character reference,
 * because a parser turns a literal one into a line feed, and so do tab and
 * line feed in an attribute (`attribute` nonzero), which attribute
 * normalization would turn into spaces. The bidirectional overrides and
 * isolates become the text \uNNNN, so that a reader sees them instead of
 * text shown in another order than it is stored. NULL writes nothing. */
void sink_xml(sink *s, const char *text, int attribute);

/* Writes `text` for a terminal: line feed, carriage return and tab as \n,
 * \r and \t, other C0 controls and DEL as \xNN, C1 controls and the
 * bidirectional overrides and isolates as \uNNNN, and invalid UTF-8 as
 * U+FFFD, so that no input can move the cursor, send an escape sequence or
 * reorder what a person reads. Backslashes stay as they are. NULL writes
 * nothing. */
void sink_terminal(sink *s, const char *text);

/* Writes `text` as one CSV field (RFC 4180): quoted when it contains a comma,
 * a quote, a line break or leading or trailing space, with quotes doubled.
 * A field that starts with = + - @ tab or carriage return gets an
 * apostrophe in front, so that spreadsheets do not run it as a formula.
 * Invalid UTF-8 becomes U+FFFD. NULL writes an empty field. */
void sink_csv(sink *s, const char *text);

/* Hands what is pending to the callback and releases the buffer. Returns
 * SOC2_OK, or SOC2_EUSER when the callback stopped the writer, or
 * SOC2_ENOMEM, with the error recorded. */
int sink_finish(sink *s);

/* Returns a JSON string of `text`, with invalid UTF-8 replaced by U+FFFD,
 * or JSON null for NULL. Returns NULL only when memory runs out. */
json_t *json_text(const char *text);

#endif
