/**
 * @file soc2/version.h
 * @brief Compile-time and run-time version of libsoc2.
 */
#ifndef SOC2_VERSION_H
#define SOC2_VERSION_H

#include "common.h"

#define SOC2_VERSION_MAJOR 0
#define SOC2_VERSION_MINOR 1
#define SOC2_VERSION_PATCH 0
#define SOC2_VERSION_STRING "0.1.0"

/** The version as one number: major * 10000 + minor * 100 + patch. */
#define SOC2_VERSION_NUMBER \
    (SOC2_VERSION_MAJOR * 10000 + SOC2_VERSION_MINOR * 100 + SOC2_VERSION_PATCH)

SOC2_BEGIN_DECLS

/**
 * Returns the version of the library loaded at run time as a string such as
 * "0.1.0". Compare it with SOC2_VERSION_STRING to detect a header/library
 * mismatch.
 *
 * @return a static string; do not free it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API const char *soc2_version(void);

/**
 * Returns the run-time version as SOC2_VERSION_NUMBER computes it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API int soc2_version_number(void);

SOC2_END_DECLS

#endif
