/* The text report, for a person reading a terminal or a CI log. Findings
 * are grouped by resource, in the order the resources were loaded, and
 * account-scope findings come last. Within a resource, failures come
 * first, then errors and unknowns, each by descending severity. Passing and
 * waived findings are counted in the summary line and listed only with
 * SOC2_WRITE_PASSED. docs/reports.md shows an example. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "writer_internal.h"
#include "../core/error.h"

/* SGR sequences, written only with SOC2_WRITE_COLOR. */
#define STYLE_RESET "\x1b[0m"
#define STYLE_BOLD "\x1b[1m"
#define STYLE_RED "\x1b[1;31m"
#define STYLE_GREEN "\x1b[32m"
#define STYLE_YELLOW "\x1b[33m"
#define STYLE_MAGENTA "\x1b[35m"
#define STYLE_CYAN "\x1b[36m"
#define STYLE_DIM "\x1b[2m"

/* Position of account-scope findings: after every resource. */
#define ACCOUNT_ORDER SIZE_MAX

typedef struct text_writer {
    sink out;
    int color;
} text_writer;

typedef struct entry {
    const soc2_finding *finding;
    size_t resource_order; /* the resource's place in the snapshot */
    size_t finding_order;  /* the place in the report */
} entry;

static void style_on(text_writer *w, const char *style)
{
    if (w->color)
        sink_puts(&w->out, style);
}

static void style_off(text_writer *w)
{
    if (w->color)
        sink_puts(&w->out, STYLE_RESET);
}

static const char *status_style(soc2_finding_status status)
{
    switch (status) {
    case SOC2_FINDING_FAIL: return STYLE_RED;
    case SOC2_FINDING_ERROR: return STYLE_MAGENTA;
    case SOC2_FINDING_UNKNOWN: return STYLE_YELLOW;
    case SOC2_FINDING_WAIVED: return STYLE_CYAN;
    case SOC2_FINDING_PASS: return STYLE_GREEN;
    }
    return STYLE_BOLD;
}

static int status_rank(soc2_finding_status status)
{
    switch (status) {
    case SOC2_FINDING_FAIL: return 0;
    case SOC2_FINDING_ERROR: return 1;
    case SOC2_FINDING_UNKNOWN: return 2;
    case SOC2_FINDING_WAIVED: return 3;
    case SOC2_FINDING_PASS: return 4;
    }
    return 5;
}

static int compare_entries(const void *a, const void *b)
{
    const entry *left = a;
    const entry *right = b;
    if (left->resource_order != right->resource_order)
        return left->resource_order < right->resource_order ? -1 : 1;
    int rank = status_rank(left->finding->status) - status_rank(right->finding->status);
    if (rank != 0)
        return rank;
    int severity = (int)right->finding->rule->severity - (int)left->finding->rule->severity;
    if (severity != 0)
        return severity;
    return (left->finding_order > right->finding_order) -
           (left->finding_order < right->finding_order);
}

static int is_listed(soc2_finding_status status, unsigned flags)
{
    return (flags & SOC2_WRITE_PASSED) ||
           (status != SOC2_FINDING_PASS && status != SOC2_FINDING_WAIVED);
}

static void write_resource_heading(text_writer *w, const soc2_finding *f)
{
    style_on(w, STYLE_BOLD);
    sink_terminal(&w->out, soc2_finding_resource_address(f));
    style_off(w);
    sink_puts(&w->out, " (");
    sink_terminal(&w->out, soc2_finding_resource_type(f));
    sink_puts(&w->out, ")");
    const char *file = f->resource ? soc2_resource_file(f->resource) : NULL;
    if (file) {
        sink_puts(&w->out, " in ");
        sink_terminal(&w->out, file);
        if (f->resource_line > 0)
            sink_printf(&w->out, ":%d", f->resource_line);
    }
    sink_puts(&w->out, "\n");
}

/* Writes the SOC 2 criteria of the finding's rule on a line of their own;
 * nothing when it supports none. */
static void write_criteria(text_writer *w, const soc2_rule *rule)
{
    int count = 0;
    for (size_t i = 0; i < rule->control_count; i++) {
        if (strcmp(rule->controls[i].framework, "SOC2") != 0)
            continue;
        if (count++ == 0) {
            style_on(w, STYLE_DIM);
            sink_puts(&w->out, "           SOC 2: ");
        } else {
            sink_puts(&w->out, ", ");
        }
        sink_terminal(&w->out, rule->controls[i].control);
    }
    if (count > 0) {
        style_off(w);
        sink_puts(&w->out, "\n");
    }
}

/* Writes one line: status, severity, rule ID, message, and the path,
 * evidence resource and line where the finding has them; then its SOC 2
 * criteria. */
static void write_finding(text_writer *w, const soc2_finding *f)
{
    const char *evidence = soc2_finding_evidence_resource(f);
    int has_path = f->path[0] != '\0';
    int has_evidence = evidence && evidence[0] != '\0';

    sink_puts(&w->out, "  ");
    style_on(w, status_style(f->status));
    sink_printf(&w->out, "%-7s", soc2_finding_status_name(f->status));
    style_off(w);
    sink_puts(&w->out, "  ");
    int loud = f->rule->severity >= SOC2_SEVERITY_HIGH;
    if (loud)
        style_on(w, STYLE_BOLD);
    sink_printf(&w->out, "%-8s", soc2_severity_name(f->rule->severity));
    if (loud)
        style_off(w);
    sink_puts(&w->out, "  ");
    sink_terminal(&w->out, f->rule->id);
    sink_puts(&w->out, "  ");
    sink_terminal(&w->out, f->message);

    if (has_path || has_evidence) {
        sink_puts(&w->out, " (");
        if (has_path) {
            sink_puts(&w->out, "at ");
            sink_terminal(&w->out, f->path);
        }
        if (has_evidence) {
            sink_puts(&w->out, has_path ? ", via " : "via ");
            sink_terminal(&w->out, evidence);
        }
        /* The line is in the evidence resource's file when there is one. */
        const char *file = soc2_finding_file(f);
        if (f->line > 0 && has_evidence && file) {
            sink_puts(&w->out, ", ");
            sink_terminal(&w->out, file);
            sink_printf(&w->out, ":%d", f->line);
        } else if (f->line > 0) {
            sink_printf(&w->out, ", line %d", f->line);
        }
        sink_puts(&w->out, ")");
    }
    sink_puts(&w->out, "\n");
    write_criteria(w, f->rule);
}

static const char *noun_form(size_t count, const char *singular, const char *plural)
{
    return count == 1 ? singular : plural;
}

/* "12 findings: 3 fail, 1 unknown, 8 pass (4 rules, 2 files)". Fail and
 * pass are always shown; error, unknown and waived only when present. */
static void write_summary(text_writer *w, const soc2_report *r)
{
    sink_printf(&w->out, "%zu %s", r->count, noun_form(r->count, "finding", "findings"));
    if (r->count > 0) {
        static const soc2_finding_status order[] = {
            SOC2_FINDING_FAIL,   SOC2_FINDING_ERROR, SOC2_FINDING_UNKNOWN,
            SOC2_FINDING_WAIVED, SOC2_FINDING_PASS,
        };
        const char *separator = ": ";
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            size_t count = r->status_counts[order[i]];
            int always_shown = order[i] == SOC2_FINDING_FAIL || order[i] == SOC2_FINDING_PASS;
            if (count == 0 && !always_shown)
                continue;
            sink_puts(&w->out, separator);
            if (count > 0)
                style_on(w, status_style(order[i]));
            sink_printf(&w->out, "%zu %s", count, soc2_finding_status_name(order[i]));
            if (count > 0)
                style_off(w);
            separator = ", ";
        }
    }
    sink_printf(&w->out, " (%zu %s, %zu %s)\n", r->evaluated_count,
                noun_form(r->evaluated_count, "rule", "rules"), r->document_count,
                noun_form(r->document_count, "file", "files"));
}

int text_write(soc2_report *report, const soc2_write_options *options,
               soc2_write_callback callback, void *payload)
{
    /* A report that cannot be located still writes, without positions. */
    report_locate(report);

    entry *entries = malloc((report->count ? report->count : 1) * sizeof(*entries));
    if (!entries)
        return error_nomem();
    for (size_t i = 0; i < report->count; i++) {
        const soc2_finding *f = &report->findings[i];
        entries[i].finding = f;
        entries[i].resource_order = f->resource ? f->resource->index : ACCOUNT_ORDER;
        entries[i].finding_order = i;
    }
    qsort(entries, report->count, sizeof(*entries), compare_entries);

    text_writer w = {.color = (options->flags & SOC2_WRITE_COLOR) != 0};
    sink_init(&w.out, callback, payload);
    size_t group = 0;
    int any_listed = 0;
    for (size_t i = 0; i < report->count && !w.out.stopped; i++) {
        const soc2_finding *f = entries[i].finding;
        if (!is_listed(f->status, options->flags))
            continue;
        if (!any_listed || entries[i].resource_order != group) {
            if (any_listed)
                sink_puts(&w.out, "\n");
            write_resource_heading(&w, f);
            group = entries[i].resource_order;
            any_listed = 1;
        }
        write_finding(&w, f);
    }
    if (any_listed)
        sink_puts(&w.out, "\n");
    write_summary(&w, report);
    free(entries);
    return sink_finish(&w.out);
}
