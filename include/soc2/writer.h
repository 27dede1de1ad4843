/**
 * @file soc2/writer.h
 * @brief Writing a report, or an engine's rule catalog, to a callback, a
 *        stream or a file.
 *
 * A report can be written in these formats:
 *
 * - JSON: the complete record (docs/report-json.md).
 * - SARIF 2.1.0, for code-scanning services: the rules, and a result for
 *   every failed, unknown and error finding.
 * - JUnit XML, for CI systems: a test suite per rule and a test case per
 *   finding.
 * - CSV (RFC 4180): a header and one row per finding.
 * - HTML: a self-contained audit page for a person. It shows the scan's
 *   inputs, the SOC 2 posture per criterion and the failures as inline SVG
 *   charts, the top failing rules, and every finding in a table that inline
 *   JavaScript filters. It loads nothing and prints to PDF.
 * - Text, for a person at a terminal or reading a CI log: the findings
 *   grouped by resource and a summary line, in colour on request
 *   (SOC2_WRITE_COLOR). Control characters from the inputs are escaped so
 *   that they cannot drive the terminal.
 *
 * docs/reports.md describes each format.
 *
 * Thread-safety: writing reads the report (and fills its cache of source
 * positions, see soc2_finding_location()), so the report rules of
 * soc2/report.h apply. Writing a catalog only reads the engine.
 */
#ifndef SOC2_WRITER_H
#define SOC2_WRITER_H

#include <stdio.h>

#include "common.h"
#include "report.h"

SOC2_BEGIN_DECLS

/** Output formats. Values are stable; new formats are only added. */
typedef enum soc2_output_format {
    SOC2_OUTPUT_JSON = 1,  /**< The JSON report (or rule catalog). */
    SOC2_OUTPUT_SARIF = 2, /**< SARIF 2.1.0. */
    SOC2_OUTPUT_JUNIT = 3, /**< JUnit XML. */
    SOC2_OUTPUT_CSV = 4,   /**< CSV, one row per finding. */
    SOC2_OUTPUT_HTML = 5,  /**< A self-contained HTML page. */
    SOC2_OUTPUT_TEXT = 6   /**< Text for a person at a terminal. */
} soc2_output_format;

/**
 * Returns the short name of an output format ("json", "sarif", "junit",
 * "csv", "html", "text"), or NULL for a value that is not a soc2_output_format.
 *
 * @return a static string; do not free it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API const char *soc2_output_format_name(soc2_output_format format);

/**
 * Looks up an output format by the name soc2_output_format_name() returns.
 *
 * @param[out] out the format.
 * @param name a name such as "sarif".
 * @return SOC2_OK; SOC2_ENOTFOUND when no format has that name (not
 *         recorded as the last error); SOC2_EINVAL when an argument is NULL.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API int soc2_output_format_from_name(soc2_output_format *out, const char *name);

/** Version of soc2_write_options this header describes. */
#define SOC2_WRITE_OPTIONS_VERSION 1

/**
 * Options for writing a report. Set `version` to SOC2_WRITE_OPTIONS_VERSION
 * (or start from SOC2_WRITE_OPTIONS_INIT); fields may be added at the end in
 * later versions. Pass NULL for the defaults.
 */
typedef struct soc2_write_options {
    unsigned int version; /**< SOC2_WRITE_OPTIONS_VERSION. */
    const char *title; /**< HTML: the page title and heading; NULL for
                            "SOC 2 compliance report". */
    const char *source_root; /**< SARIF: the folder relative input paths
                                  are relative to, written as the
                                  SRCROOT base (an absolute path); NULL
                                  leaves the base for the consumer to
                                  set. */
    long long generated_at; /**< The time written as the report's
                                 creation, in seconds since 1970 (UTC);
                                 0 for the time of soc2_evaluate(). Set it
                                 to make output reproducible. */
    unsigned int flags;     /**< SOC2_WRITE_* flags; 0 for none. */
} soc2_write_options;

/** Text: colour statuses, high severities and resource addresses with ANSI
 *  escape sequences (for a terminal; leave it off for files and pipes). */
#define SOC2_WRITE_COLOR 0x1u
/** Text: list passing and waived findings too, not only the others. */
#define SOC2_WRITE_PASSED 0x2u

/** Static initializer for soc2_write_options with the current version. */
#define SOC2_WRITE_OPTIONS_INIT {SOC2_WRITE_OPTIONS_VERSION, NULL, NULL, 0, 0}

/**
 * A sink for written output. Called any number of times with consecutive
 * pieces of the output.
 *
 * @param data the next bytes; valid only during the call.
 * @param length the number of bytes.
 * @param payload the pointer given to the write function.
 * @return 0 to go on; nonzero stops the writer, which then returns
 *         SOC2_EUSER.
 */
typedef int (*soc2_write_callback)(const char *data, size_t length, void *payload);

/**
 * Writes a report.
 *
 * Strings from the inputs (messages, addresses, file names) are escaped
 * for the format; bytes that are not valid UTF-8 are written as U+FFFD.
 *
 * @param report the report.
 * @param format the output format.
 * @param options the options, or NULL for the defaults; only read during
 *        the call.
 * @param callback receives the output.
 * @param payload passed to every callback call.
 * @return SOC2_OK; SOC2_EINVAL for NULL arguments, an unknown format or an
 *         options version this library does not know; SOC2_EUSER when the
 *         callback stopped the writer; SOC2_ENOMEM.
 */
SOC2_API int soc2_report_write(const soc2_report *report, soc2_output_format format,
                               const soc2_write_options *options,
                               soc2_write_callback callback, void *payload);

/**
 * Writes a report to an open stream, which stays open and is not flushed.
 *
 * @param stream the stream, such as stdout; borrowed.
 * @return as soc2_report_write(), or SOC2_EIO when a write to the stream
 *         fails.
 */
SOC2_API int soc2_report_write_stream(const soc2_report *report, soc2_output_format format,
                                      const soc2_write_options *options, FILE *stream);

/**
 * Writes a report to a file, replacing it. An unknown format or options
 * version leaves the file alone; a write that fails removes it when it is
 * a regular file, so no partial report is left.
 *
 * @return as soc2_report_write(), or SOC2_EIO when the file cannot be
 *         written.
 */
SOC2_API int soc2_report_write_file(const soc2_report *report, soc2_output_format format,
                                    const soc2_write_options *options, const char *path);

/**
 * Writes the rule catalog of an engine: for each rule its ID, title,
 * severity, scope, resource types, controls per framework, description and
 * remediation. Only SOC2_OUTPUT_JSON is supported.
 *
 * @return as soc2_report_write().
 */
SOC2_API int soc2_engine_write_rules(const soc2_engine *engine, soc2_output_format format,
                                     soc2_write_callback callback, void *payload);

SOC2_END_DECLS

#endif
