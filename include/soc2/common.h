/**
 * @file soc2/common.h
 * @brief Export macro, status codes and the memory-release function shared
 *        by every libsoc2 header.
 *
 * Every fallible libsoc2 function returns an `int` status: `SOC2_OK` (zero)
 * on success and one of the negative `soc2_status` codes otherwise. The
 * message that goes with a failure is read with soc2_error_last() on the
 * thread that made the call (see soc2/error.h).
 */
#ifndef SOC2_COMMON_H
#define SOC2_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
#define SOC2_BEGIN_DECLS extern "C" {
#define SOC2_END_DECLS }
#else
#define SOC2_BEGIN_DECLS
#define SOC2_END_DECLS
#endif

/* Marks a function as part of the public ABI. The library is built with
 * hidden visibility, so only functions carrying this macro are exported. */
#if defined(_WIN32) || defined(__CYGWIN__)
#ifdef SOC2_BUILDING_LIBRARY
#define SOC2_API __declspec(dllexport)
#else
#define SOC2_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define SOC2_API __attribute__((visibility("default")))
#else
#define SOC2_API
#endif

SOC2_BEGIN_DECLS

/**
 * Status codes returned by fallible functions. Values are stable across
 * releases; new codes are only ever added.
 */
typedef enum soc2_status {
    SOC2_OK = 0,            /**< Success. */
    SOC2_ERROR = -1,        /**< Internal error not covered by another code. */
    SOC2_ENOMEM = -2,       /**< An allocation failed. */
    SOC2_EINVAL = -3,       /**< An argument is invalid (NULL, out of range). */
    SOC2_EIO = -4,          /**< A file could not be opened or read. */
    SOC2_EPARSE = -5,       /**< Input is not well-formed JSON. */
    SOC2_EFORMAT = -6,      /**< Input is of a supported format but does
                                 not follow it. */
    SOC2_ERULE = -7,        /**< A rule definition is invalid. */
    SOC2_ENOTFOUND = -8,    /**< The requested item does not exist. */
    SOC2_EEXISTS = -9,      /**< An item with the same identifier exists. */
    SOC2_ELIMIT = -10,      /**< Input exceeds a configured size or depth. */
    SOC2_EUSER = -11,       /**< A caller-supplied callback reported failure. */
    SOC2_EUNKNOWN = -12,    /**< The value is not known until apply. */
    SOC2_ETYPE = -13,       /**< The value exists but has another type. */
    SOC2_EUNRECOGNIZED = -14, /**< Input is JSON of no supported format (or
                                   not of the format requested). */
    SOC2_ITEROVER = -100    /**< An iterator has no more items; not an error. */
} soc2_status;

/**
 * Releases memory that libsoc2 returned with the instruction to free it with
 * this function (for example the text from soc2_resource_to_json()).
 *
 * @param ptr memory from libsoc2, or NULL (nothing happens).
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API void soc2_free(void *ptr);

SOC2_END_DECLS

#endif
