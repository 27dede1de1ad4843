/* Shared pieces of the writers: one function per output format, and what
 * several formats need of a report. */
#ifndef SOC2_REPORT_WRITER_INTERNAL_H
#define SOC2_REPORT_WRITER_INTERNAL_H

#include <jansson.h>

#include <soc2/writer.h>

#include "report_internal.h"
#include "../rules/rule_internal.h"

/* The writer of each format. `options` is never NULL here: soc2_report_write
 * passes the defaults for NULL. Each returns SOC2_OK, SOC2_EUSER when the
 * callback stopped it, or SOC2_ENOMEM, with the error recorded. */
int json_report_write(soc2_report *report, const soc2_write_options *options,
                      soc2_write_callback callback, void *payload);
int sarif_write(soc2_report *report, const soc2_write_options *options,
                soc2_write_callback callback, void *payload);
int junit_write(soc2_report *report, const soc2_write_options *options,
                soc2_write_callback callback, void *payload);
int csv_write(soc2_report *report, const soc2_write_options *options,
              soc2_write_callback callback, void *payload);
int html_write(soc2_report *report, const soc2_write_options *options,
               soc2_write_callback callback, void *payload);
int text_write(soc2_report *report, const soc2_write_options *options,
               soc2_write_callback callback, void *payload);

/* Returns {"FRAMEWORK": ["ID", ...], ...} for a rule, or NULL when memory
 * runs out. */
json_t *controls_json(const soc2_rule *rule);

/* Dumps `doc` (consumed) to the sink, indented, with a final newline.
 * Returns SOC2_OK, SOC2_EUSER when the sink stopped, or SOC2_ENOMEM. */
int dump_json(json_t *doc, soc2_write_callback callback, void *payload);

/* Writes the report's creation time (options->generated_at, or the time of
 * evaluation) as "YYYY-MM-DDTHH:MM:SSZ" into `out`. */
void format_report_time(char *out, size_t size, const soc2_report *report,
                        const soc2_write_options *options);

/* Returns the version of the built-in rule pack when the report evaluated
 * at least one built-in rule, or NULL. */
const char *report_rules_version(const soc2_report *report);

/* Returns the AWS service a finding concerns, in lower case ("s3", "ec2",
 * "iam"): from its resource type, or for an account-scope finding from its
 * rule ID or first resource type; "other" when none names a service. The
 * result is static or written to `buffer`. */
const char *finding_service(const soc2_finding *finding, char *buffer, size_t size);

#endif
