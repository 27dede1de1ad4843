/**
 * @file soc2/error.h
 * @brief The per-thread last error and static descriptions of status codes.
 *
 * When a function fails it returns a negative status and records a message
 * for the calling thread. The record stays until the next libsoc2 call on the
 * same thread fails or until soc2_error_clear(). Successful calls leave it
 * alone, so check the returned status first and read the error only after a
 * failure.
 */
#ifndef SOC2_ERROR_H
#define SOC2_ERROR_H

#include "common.h"

SOC2_BEGIN_DECLS

/**
 * The last error recorded on the calling thread.
 *
 * Fields may be added at the end in later versions; the library allocates
 * the record, so that does not break callers.
 */
typedef struct soc2_error {
    int code;            /**< The negative status that was returned. */
    const char *message; /**< One-line description; never NULL. */
    const char *file;    /**< Input file or buffer name the error is in, or
                              NULL when the error is not about an input. */
    int line;            /**< 1-based line in `file`, or 0 when unknown. */
    int column;          /**< 1-based column in `file`, or 0 when unknown. */
    const char *pointer; /**< JSON pointer (RFC 6901) to the offending value
                              in `file`, or NULL when unknown. */
} soc2_error;

/**
 * Returns the last error recorded on the calling thread.
 *
 * @return a record owned by the library, valid until the next failing
 *         libsoc2 call on this thread or soc2_error_clear(). When no error
 *         was recorded, returns a record with code SOC2_OK and message
 *         "no error". Never NULL.
 *
 * Thread-safety: each thread has its own record.
 */
SOC2_API const soc2_error *soc2_error_last(void);

/**
 * Forgets the last error of the calling thread.
 *
 * Thread-safety: affects only the calling thread.
 */
SOC2_API void soc2_error_clear(void);

/**
 * Describes a status code in a few words ("invalid argument").
 *
 * @param code a soc2_status value; unknown codes get "unknown status".
 * @return a static string; do not free it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API const char *soc2_strerror(int code);

SOC2_END_DECLS

#endif
