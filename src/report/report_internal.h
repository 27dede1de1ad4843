/* The report: findings of one evaluation and what writers need of them. */
#ifndef SOC2_REPORT_REPORT_INTERNAL_H
#define SOC2_REPORT_REPORT_INTERNAL_H

#include <time.h>

#include <soc2/report.h>

#include "../model/model.h"
#include "../rules/rule_internal.h"

struct soc2_finding {
    const soc2_rule *rule;
    const soc2_resource *resource; /* NULL for an account-scope finding */
    soc2_finding_status status;
    char *path;
    const soc2_resource *evidence; /* holds the deciding value when it is not
                                      `resource`; NULL otherwise */
    const soc2_resource *path_owner; /* the resource `path` is an attribute
                                        of: `resource`, or a joined resource;
                                        a folded value's path is the parent's */
    char *message;
    struct soc2_report *report;

    /* Source positions, filled by report_locate(); 0 when unknown. */
    int line, column;                   /* of the deciding value */
    int resource_line, resource_column; /* of the resource */

    char fingerprint[33]; /* see soc2_finding_fingerprint() */
};

struct soc2_report {
    const soc2_engine *engine;
    const soc2_snapshot *snapshot;
    soc2_finding *findings;
    size_t count, cap;
    size_t status_counts[SOC2_FINDING_STATUS_COUNT];
    int located;                 /* set once report_locate() has run */
    size_t document_count;       /* the snapshot's documents when evaluated;
                                    later loads are not part of the report */
    const soc2_rule **evaluated; /* the rules this report evaluated */
    size_t evaluated_count;
    time_t created;
};

/* Creates an empty report. */
soc2_report *report_new(const soc2_engine *engine, const soc2_snapshot *snapshot);

/* Appends a finding; takes ownership of `path` and `message` (malloc'ed)
 * whatever the outcome. Returns 0 or -1 when memory runs out. */
int report_add(soc2_report *report, const soc2_rule *rule, const soc2_resource *resource,
               soc2_finding_status status, char *path, const soc2_resource *evidence,
               const soc2_resource *path_owner, char *message);

/* Fills the source positions of every finding, once: per document, one
 * pass over its text (or lookups in the positions a YAML parser recorded).
 * Returns 0, or -1 when memory runs out. */
int report_locate(soc2_report *report);

/* The posture of one control: counts by status over the findings of the
 * rules that support it. */
struct soc2_posture {
    char *control;
    size_t counts[SOC2_FINDING_STATUS_COUNT];
};

/* Computes the posture of every control of `framework`, sorted in natural
 * order. Returns 0 or -1 when memory runs out; the caller frees the array
 * with posture_free. */
int report_posture(const soc2_report *report, const char *framework, struct soc2_posture **out,
                   size_t *count);
void posture_free(struct soc2_posture *items, size_t count);

#endif
