/* Reading a whole input file. */
#ifndef SOC2_UTIL_FILE_H
#define SOC2_UTIL_FILE_H

#include <stddef.h>

#include "strbuf.h"

/* Reads the regular file at `path` into `out` (which it empties first).
 * Returns SOC2_OK, or records the error (naming the file) and returns
 * SOC2_EIO when the file cannot be opened or read or is not a regular file
 * (a folder, a FIFO, a device), SOC2_ELIMIT when it holds more than `limit`
 * bytes, or SOC2_ENOMEM. Never blocks on a FIFO. */
int read_regular_file(const char *path, size_t limit, strbuf *out);

#endif
