/* The text report of `soc2 scan`, for a person reading a terminal or a CI
 * log. Findings are grouped by resource, in the order the resources were
 * loaded; account-scope findings come last. Within a resource, failures come
 * first, then errors and unknowns, each by descending severity. Passing and
 * waived findings are counted in the summary and listed only when verbose. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* SGR sequences of the colours, used only when the caller asks for them. */
#define STYLE_RESET "\x1b[0m"
#define STYLE_BOLD "\x1b[1m"
#define STYLE_RED "\x1b[1;31m"
#define STYLE_GREEN "\x1b[32m"
#define STYLE_YELLOW "\x1b[33m"
#define STYLE_MAGENTA "\x1b[35m"
#define STYLE_CYAN "\x1b[36m"
#define STYLE_DIM "\x1b[2m"

/* Whether this report is written with colours. */
static int use_color;

static void style_on(FILE *stream, const char *style)
{
    if (use_color)
        fputs(style, stream);
}

static void style_off(FILE *stream)
{
    if (use_color)
        fputs(STYLE_RESET, stream);
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

/* Position of account-scope findings, after every resource. */
#define ACCOUNT_ORDER SIZE_MAX

typedef struct report_entry {
    const soc2_finding *finding;
    size_t resource_order;  /* load order of the finding's resource */
    size_t finding_order;   /* order in the report: by rule, then resource */
    int status_rank;
    int severity;
} report_entry;

typedef struct resource_order {
    const soc2_resource *resource;
    size_t order;
} resource_order;

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

static int is_listed(soc2_finding_status status, int verbose)
{
    return verbose || (status != SOC2_FINDING_PASS && status != SOC2_FINDING_WAIVED);
}

static int compare_by_resource(const void *a, const void *b)
{
    uintptr_t left = (uintptr_t)((const resource_order *)a)->resource;
    uintptr_t right = (uintptr_t)((const resource_order *)b)->resource;
    return (left > right) - (left < right);
}

static int compare_entries(const void *a, const void *b)
{
    const report_entry *left = a;
    const report_entry *right = b;

    if (left->resource_order != right->resource_order)
        return left->resource_order < right->resource_order ? -1 : 1;
    if (left->status_rank != right->status_rank)
        return left->status_rank - right->status_rank;
    if (left->severity != right->severity)
        return right->severity - left->severity;
    return (left->finding_order > right->finding_order) -
           (left->finding_order < right->finding_order);
}

/* Lists the resources of the snapshot with their load order, sorted by
 * address in memory so that a finding's resource is found by bsearch. */
static resource_order *index_resources(const soc2_snapshot *snapshot, size_t *out_count)
{
    size_t capacity = soc2_snapshot_resource_count(snapshot);
    resource_order *orders = malloc((capacity ? capacity : 1) * sizeof(*orders));
    soc2_resource_iterator *iterator = NULL;
    if (!orders || soc2_resource_iterator_new(&iterator, snapshot) != SOC2_OK) {
        free(orders);
        return NULL;
    }

    size_t count = 0;
    const soc2_resource *resource;
    while (count < capacity && soc2_resource_iterator_next(&resource, iterator) == SOC2_OK) {
        orders[count].resource = resource;
        orders[count].order = count;
        count++;
    }
    soc2_resource_iterator_free(iterator);

    if (count > 1)
        qsort(orders, count, sizeof(*orders), compare_by_resource);
    *out_count = count;
    return orders;
}

static size_t find_resource_order(const resource_order *orders, size_t count,
                                  const soc2_resource *resource)
{
    if (!resource)
        return ACCOUNT_ORDER;
    resource_order key = {resource, 0};
    const resource_order *found = bsearch(&key, orders, count, sizeof(*orders),
                                          compare_by_resource);
    /* Every finding's resource is in its snapshot; the fallback only keeps
     * the report printable if that ever does not hold. */
    return found ? found->order : ACCOUNT_ORDER - 1;
}

/* Collects the report's findings in the order they are printed. */
static report_entry *sort_findings(const soc2_report *report, const soc2_snapshot *snapshot,
                                   size_t *out_count)
{
    size_t resource_count = 0;
    resource_order *orders = index_resources(snapshot, &resource_count);
    size_t capacity = soc2_report_finding_count(report);
    report_entry *entries = malloc((capacity ? capacity : 1) * sizeof(*entries));
    soc2_finding_iterator *iterator = NULL;
    if (!orders || !entries || soc2_finding_iterator_new(&iterator, report) != SOC2_OK) {
        free(orders);
        free(entries);
        return NULL;
    }

    size_t count = 0;
    const soc2_finding *finding;
    while (count < capacity && soc2_finding_iterator_next(&finding, iterator) == SOC2_OK) {
        report_entry *entry = &entries[count];
        entry->finding = finding;
        entry->resource_order =
            find_resource_order(orders, resource_count, soc2_finding_resource(finding));
        entry->finding_order = count;
        entry->status_rank = status_rank(soc2_finding_status_of(finding));
        entry->severity = (int)soc2_finding_severity(finding);
        count++;
    }
    soc2_finding_iterator_free(iterator);
    free(orders);

    if (count > 1)
        qsort(entries, count, sizeof(*entries), compare_entries);
    *out_count = count;
    return entries;
}

static void print_resource_heading(FILE *stream, const soc2_finding *finding)
{
    const soc2_resource *resource = soc2_finding_resource(finding);
    style_on(stream, STYLE_BOLD);
    put_escaped(stream, soc2_finding_resource_address(finding));
    style_off(stream);
    fputs(" (", stream);
    put_escaped(stream, soc2_finding_resource_type(finding));
    fputc(')', stream);
    if (resource && soc2_resource_file(resource)) {
        fputs(" in ", stream);
        put_escaped(stream, soc2_resource_file(resource));
        int line;
        if (soc2_finding_resource_location(finding, &line, NULL) == SOC2_OK)
            fprintf(stream, ":%d", line);
    }
    fputc('\n', stream);
}

/* Prints the SOC 2 criteria the finding's rule supports, on a line of
 * their own below the finding; nothing when it supports none. */
static void print_criteria(FILE *stream, const soc2_finding *finding)
{
    soc2_control_iterator *controls;
    if (soc2_control_iterator_new(&controls, soc2_finding_rule(finding), "SOC2") != SOC2_OK)
        return;
    const char *control;
    int count = 0;
    while (soc2_control_iterator_next(NULL, &control, controls) == SOC2_OK) {
        if (count++ == 0) {
            style_on(stream, STYLE_DIM);
            fputs("           SOC 2: ", stream);
        } else {
            fputs(", ", stream);
        }
        fputs(control, stream);
    }
    if (count) {
        style_off(stream);
        fputc('\n', stream);
    }
    soc2_control_iterator_free(controls);
}

/* Prints one line: status, severity, rule ID, message, and the attribute
 * path and evidence resource when the finding has them; then its SOC 2
 * criteria. Text from the inputs is escaped. */
static void print_finding(FILE *stream, const soc2_finding *finding)
{
    const char *path = soc2_finding_path(finding);
    const char *evidence = soc2_finding_evidence_resource(finding);
    int has_path = path && path[0] != '\0';
    int has_evidence = evidence && evidence[0] != '\0';

    soc2_finding_status status = soc2_finding_status_of(finding);
    soc2_severity severity = soc2_finding_severity(finding);
    fputs("  ", stream);
    style_on(stream, status_style(status));
    fprintf(stream, "%-7s", soc2_finding_status_name(status));
    style_off(stream);
    fputs("  ", stream);
    if (severity >= SOC2_SEVERITY_HIGH)
        style_on(stream, STYLE_BOLD);
    fprintf(stream, "%-8s", soc2_severity_name(severity));
    if (severity >= SOC2_SEVERITY_HIGH)
        style_off(stream);
    fputs("  ", stream);
    put_escaped(stream, soc2_finding_rule_id(finding));
    fputs("  ", stream);
    put_escaped(stream, soc2_finding_message(finding));
    int line = 0;
    int has_line = soc2_finding_location(finding, &line, NULL) == SOC2_OK;
    if (has_path || has_evidence) {
        fputs(" (", stream);
        if (has_path) {
            fputs("at ", stream);
            put_escaped(stream, path);
        }
        if (has_evidence) {
            fputs(has_path ? ", via " : "via ", stream);
            put_escaped(stream, evidence);
        }
        /* The line is in the evidence resource's file when there is one. */
        if (has_line && has_evidence && soc2_finding_file(finding)) {
            fputs(", ", stream);
            put_escaped(stream, soc2_finding_file(finding));
            fprintf(stream, ":%d", line);
        } else if (has_line) {
            fprintf(stream, ", line %d", line);
        }
        fputc(')', stream);
    }
    fputc('\n', stream);
    print_criteria(stream, finding);
}

static const char *noun_form(size_t count, const char *singular, const char *plural)
{
    return count == 1 ? singular : plural;
}

/* "12 findings: 3 fail, 1 unknown, 8 pass (4 rules, 2 files)". Fail and
 * pass are always shown; error, unknown and waived only when present. */
static void print_summary(FILE *stream, const soc2_report *report, const scan_totals *totals)
{
    size_t total = soc2_report_finding_count(report);
    fprintf(stream, "%zu %s", total, noun_form(total, "finding", "findings"));

    if (total > 0) {
        static const soc2_finding_status order[] = {
            SOC2_FINDING_FAIL, SOC2_FINDING_ERROR, SOC2_FINDING_UNKNOWN,
            SOC2_FINDING_WAIVED, SOC2_FINDING_PASS,
        };
        const char *separator = ": ";
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            size_t count = soc2_report_count(report, order[i]);
            int always_shown = order[i] == SOC2_FINDING_FAIL || order[i] == SOC2_FINDING_PASS;
            if (count == 0 && !always_shown)
                continue;
            fputs(separator, stream);
            if (count > 0)
                style_on(stream, status_style(order[i]));
            fprintf(stream, "%zu %s", count, soc2_finding_status_name(order[i]));
            if (count > 0)
                style_off(stream);
            separator = ", ";
        }
    }

    fprintf(stream, " (%zu %s, %zu %s)\n", totals->rule_count,
            noun_form(totals->rule_count, "rule", "rules"), totals->file_count,
            noun_form(totals->file_count, "file", "files"));
}

int write_text_report(FILE *stream, const soc2_report *report, const soc2_snapshot *snapshot,
                      const scan_totals *totals, int verbose, int color)
{
    use_color = color;
    size_t count = 0;
    report_entry *entries = sort_findings(report, snapshot, &count);
    if (!entries) {
        fprintf(stderr, "%s: error: out of memory while sorting the findings\n", program_name);
        return -1;
    }

    size_t current_group = 0;
    int any_listed = 0;
    for (size_t i = 0; i < count; i++) {
        const soc2_finding *finding = entries[i].finding;
        if (!is_listed(soc2_finding_status_of(finding), verbose))
            continue;
        if (!any_listed || entries[i].resource_order != current_group) {
            if (any_listed)
                fputc('\n', stream);
            print_resource_heading(stream, finding);
            current_group = entries[i].resource_order;
            any_listed = 1;
        }
        print_finding(stream, finding);
    }
    if (any_listed)
        fputc('\n', stream);

    print_summary(stream, report, totals);
    free(entries);
    return 0;
}
