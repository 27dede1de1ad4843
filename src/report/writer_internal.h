/* Shared pieces of the writers. */
#ifndef SOC2_REPORT_WRITER_INTERNAL_H
#define SOC2_REPORT_WRITER_INTERNAL_H

#include <jansson.h>

#include <soc2/writer.h>

#include "../rules/rule_internal.h"

/* Returns {"FRAMEWORK": ["ID", ...], ...} for a rule, or NULL when memory
 * runs out. */
json_t *controls_json(const soc2_rule *rule);

/* Dumps `doc` (consumed) to the sink, indented, with a final newline.
 * Returns SOC2_OK, SOC2_EUSER when the sink stopped, or SOC2_ENOMEM. */
int dump_json(json_t *doc, soc2_write_callback callback, void *payload);

#endif
