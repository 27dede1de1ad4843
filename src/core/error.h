/* Recording the per-thread last error (see include/soc2/error.h). */
#ifndef SOC2_CORE_ERROR_H
#define SOC2_CORE_ERROR_H

#include <soc2/error.h>

/* Records `code` and a printf-style message; returns `code`. */
int error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records an error about an input: file, 1-based line and column (0 when
 * unknown) and a JSON pointer (NULL when unknown). Returns `code`. The
 * message should not repeat the file name; soc2_error_last() keeps it apart
 * and the command-line program prints "file:line:column: message". */
int error_set_input(int code, const char *file, int line, int column, const char *pointer,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Records SOC2_ENOMEM with a fixed message; returns SOC2_ENOMEM. */
int error_nomem(void);

#endif
