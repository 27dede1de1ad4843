/* Finding where a JSON pointer's value starts in a JSON text. jansson keeps
 * no positions, so error messages about a value of a parsed document rescan
 * the text to give its line and column. */
#ifndef SOC2_UTIL_JSONPOS_H
#define SOC2_UTIL_JSONPOS_H

#include <stddef.h>

/* Looks up `pointer` (RFC 6901, "" for the whole document) in `text`.
 * Returns 0 with 1-based *line and *column of the first character of the
 * value, or -1 when the text is not valid JSON up to that value or the
 * pointer names nothing. When an object has the same key twice, the first
 * one counts (libsoc2 rejects such documents before this is needed). */
int json_locate(const char *text, size_t length, const char *pointer, int *line, int *column);

/* Finds the positions of many pointers in one pass over `text`: for each
 * pointers[i], lines[i] and columns[i] get the position of its value, or of
 * its nearest ancestor found, or 0 when none is. Returns 0, or -1 when
 * memory runs out. */
int json_locate_many(const char *text, size_t length, const char *const *pointers, size_t count,
                     int *lines, int *columns);

/* Finds a NUL byte, which JSON text never contains (not even in a string),
 * in the first `end` bytes of `text` (at most `length`). Returns 1 with the
 * 1-based *line and *column (in characters) of the first one, or 0 when
 * there is none. A parser that stops there reports a misleading cause
 * ("end of file expected"), so callers name the NUL byte instead. */
int json_find_nul(const char *text, size_t length, size_t end, int *line, int *column);

/* Appends one reference token to a JSON pointer, escaping '~' and '/'. */
struct strbuf;
void json_pointer_append(struct strbuf *sb, const char *token);
void json_pointer_append_index(struct strbuf *sb, size_t index);

#endif
