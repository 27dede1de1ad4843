/**
 * @file soc2/writer.h
 * @brief Writing a report, or an engine's rule catalog, in a machine-readable
 *        format to a callback sink or a file.
 *
 * The JSON report is the complete record: the inputs, every finding with its
 * controls and evidence path, the counts by status, and the pass/fail posture
 * of every SOC 2 criterion. docs/report-json.md describes its fields.
 *
 * Thread-safety: writing only reads the report or engine; the report rules of
 * soc2/report.h apply.
 */
#ifndef SOC2_WRITER_H
#define SOC2_WRITER_H

#include "common.h"
#include "report.h"

SOC2_BEGIN_DECLS

/** Output formats. Values are stable; new formats are only added. */
typedef enum soc2_output_format {
    SOC2_OUTPUT_JSON = 1 /**< The JSON report (or rule catalog). */
} soc2_output_format;

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
 * @param report the report.
 * @param format the output format.
 * @param callback receives the output.
 * @param payload passed to every callback call.
 * @return SOC2_OK; SOC2_EINVAL for NULL arguments or an unknown format;
 *         SOC2_EUSER when the callback stopped the writer; SOC2_ENOMEM.
 */
SOC2_API int soc2_report_write(const soc2_report *report, soc2_output_format format,
                               soc2_write_callback callback, void *payload);

/**
 * Writes a report to a file, replacing it.
 *
 * @return as soc2_report_write(), or SOC2_EIO when the file cannot be
 *         written.
 */
SOC2_API int soc2_report_write_file(const soc2_report *report, soc2_output_format format,
                                    const char *path);

/**
 * Writes the rule catalog of an engine: for each rule its ID, title,
 * severity, scope, resource types, controls per framework, description and
 * remediation.
 *
 * @return as soc2_report_write().
 */
SOC2_API int soc2_engine_write_rules(const soc2_engine *engine, soc2_output_format format,
                                     soc2_write_callback callback, void *payload);

SOC2_END_DECLS

#endif
