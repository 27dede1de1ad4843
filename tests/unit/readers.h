/* Strict readers of the XML and CSV that the report writers make, so that
 * a test fails on output a real reader would reject. */
#ifndef SOC2_TEST_READERS_H
#define SOC2_TEST_READERS_H

#include <stddef.h>

/* Returns NULL when `data` is a well-formed XML document of the kind the
 * JUnit writer makes, or what is wrong with it. Comments, CDATA sections,
 * processing instructions and document types are rejected, since the
 * writer makes none. */
const char *xml_problem(const char *data, size_t length);

/* Returns the decoded value of the attribute `name` of the start tag at
 * `tag`, which the caller frees. Returns NULL when the tag has no such
 * attribute. */
char *xml_attribute(const char *tag, const char *name);

enum { CSV_MAX_ROWS = 64, CSV_MAX_FIELDS = 32 };

typedef struct csv_table {
    char *cells[CSV_MAX_ROWS][CSV_MAX_FIELDS];
    size_t widths[CSV_MAX_ROWS];
    size_t rows;
} csv_table;

/* Reads `length` bytes of CSV (RFC 4180, every record ending in CR LF)
 * into `table`. Returns NULL, or what is wrong; free the table with
 * csv_table_free() either way. */
const char *csv_read(csv_table *table, const char *data, size_t length);

void csv_table_free(csv_table *table);

#endif
