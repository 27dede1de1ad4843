/* The JUnit XML report for CI systems: a <testsuite> per evaluated rule and
 * a <testcase> per finding. A failed finding is a <failure>, an error an
 * <error>, and an unknown or waived finding is <skipped>, so that CI counts
 * only what failed. docs/reports.md shows the shape. */
#include <stdio.h>
#include <string.h>

#include "sink.h"
#include "writer_internal.h"

typedef struct counts {
    size_t tests, failures, errors, skipped;
} counts;

static void count_finding(counts *c, const soc2_finding *f)
{
    c->tests++;
    if (f->status == SOC2_FINDING_FAIL)
        c->failures++;
    else if (f->status == SOC2_FINDING_ERROR)
        c->errors++;
    else if (f->status == SOC2_FINDING_UNKNOWN || f->status == SOC2_FINDING_WAIVED)
        c->skipped++;
}

static void write_counts(sink *s, const counts *c)
{
    sink_printf(s, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"0\"",
                c->tests, c->failures, c->errors, c->skipped);
}

static void write_property(sink *s, const char *name, const char *value)
{
    sink_puts(s, "      <property name=\"");
    sink_xml(s, name, 1);
    sink_puts(s, "\" value=\"");
    sink_xml(s, value, 1);
    sink_puts(s, "\"/>\n");
}

/* Writes the controls of the rule as one property per framework. */
static void write_control_properties(sink *s, const soc2_rule *rule)
{
    strbuf list = STRBUF_INIT;
    for (size_t i = 0; i < rule->control_count; i++) {
        const control_ref *ref = &rule->controls[i];
        if (list.len > 0)
            sb_putc(&list, ' ');
        sb_puts(&list, ref->control);
        const control_ref *next = i + 1 < rule->control_count ? &rule->controls[i + 1] : NULL;
        if (!next || strcmp(next->framework, ref->framework) != 0) {
            write_property(s, ref->framework, sb_str(&list));
            sb_truncate(&list, 0);
        }
    }
    if (list.failed)
        s->pending.failed = 1;
    sb_free(&list);
}

/* Writes the body of a <failure> or <error>: the message, where the value
 * is, the path that decided and the controls. */
static void write_details(sink *s, const soc2_finding *f)
{
    sink_xml(s, f->message, 0);
    sink_puts(s, "\nResource: ");
    sink_xml(s, soc2_finding_resource_address(f), 0);
    sink_puts(s, " (");
    sink_xml(s, soc2_finding_resource_type(f), 0);
    sink_puts(s, ")");
    const char *file = soc2_finding_file(f);
    if (file) {
        sink_puts(s, "\nFile: ");
        sink_xml(s, file, 0);
        if (f->line > 0)
            sink_printf(s, ":%d:%d", f->line, f->column);
    }
    if (f->path[0] != '\0') {
        sink_puts(s, "\nPath: ");
        sink_xml(s, f->path, 0);
    }
    const char *previous = NULL;
    for (size_t i = 0; i < f->rule->control_count; i++) {
        const control_ref *ref = &f->rule->controls[i];
        if (!previous || strcmp(previous, ref->framework) != 0) {
            sink_puts(s, "\n");
            sink_xml(s, ref->framework, 0);
            sink_puts(s, ":");
            previous = ref->framework;
        }
        sink_puts(s, " ");
        sink_xml(s, ref->control, 0);
    }
    sink_puts(s, "\n");
}

static void write_testcase(sink *s, const soc2_finding *f)
{
    sink_puts(s, "    <testcase name=\"");
    sink_xml(s, soc2_finding_resource_address(f), 1);
    sink_puts(s, "\" classname=\"");
    sink_xml(s, f->rule->id, 1);
    sink_puts(s, "\"");
    const char *file = soc2_finding_file(f);
    if (file) {
        sink_puts(s, " file=\"");
        sink_xml(s, file, 1);
        sink_puts(s, "\"");
        if (f->line > 0)
            sink_printf(s, " line=\"%d\"", f->line);
    }
    sink_puts(s, " time=\"0\"");

    const char *element = NULL;
    switch (f->status) {
    case SOC2_FINDING_PASS: break;
    case SOC2_FINDING_FAIL: element = "failure"; break;
    case SOC2_FINDING_ERROR: element = "error"; break;
    case SOC2_FINDING_UNKNOWN:
    case SOC2_FINDING_WAIVED: element = "skipped"; break;
    }
    if (!element) {
        sink_puts(s, "/>\n");
        return;
    }

    sink_printf(s, ">\n      <%s message=\"", element);
    sink_xml(s, f->message, 1);
    sink_puts(s, "\"");
    if (f->status != SOC2_FINDING_UNKNOWN && f->status != SOC2_FINDING_WAIVED) {
        sink_puts(s, " type=\"");
        sink_xml(s, soc2_severity_name(f->rule->severity), 1);
        sink_puts(s, "\">");
        write_details(s, f);
        sink_printf(s, "</%s>\n", element);
    } else {
        sink_puts(s, "/>\n");
    }
    sink_puts(s, "    </testcase>\n");
}

/* Writes the suite of one rule from the findings in [first, end) that are
 * the rule's. */
static void write_suite(sink *s, const soc2_report *report, const soc2_rule *rule, size_t first,
                        size_t end, const char *timestamp)
{
    counts c = {0};
    for (size_t i = first; i < end; i++)
        if (report->findings[i].rule == rule)
            count_finding(&c, &report->findings[i]);

    sink_puts(s, "  <testsuite name=\"");
    sink_xml(s, rule->id, 1);
    sink_puts(s, "\"");
    write_counts(s, &c);
    sink_printf(s, " timestamp=\"%.19s\">\n", timestamp);
    sink_puts(s, "    <properties>\n");
    write_property(s, "title", rule->title);
    write_property(s, "severity", soc2_severity_name(rule->severity));
    write_control_properties(s, rule);
    sink_puts(s, "    </properties>\n");
    for (size_t i = first; i < end && !s->stopped; i++)
        if (report->findings[i].rule == rule)
            write_testcase(s, &report->findings[i]);
    sink_puts(s, "  </testsuite>\n");
}

/* Returns whether the findings are grouped by rule in the order of the
 * evaluated rules, as soc2_evaluate() makes them. */
static int grouped_by_rule(const soc2_report *report)
{
    size_t next = 0;
    for (size_t i = 0; i < report->evaluated_count; i++)
        while (next < report->count && report->findings[next].rule == report->evaluated[i])
            next++;
    return next == report->count;
}

int junit_write(soc2_report *report, const soc2_write_options *options,
                soc2_write_callback callback, void *payload)
{
    /* A report that cannot be located still writes, without positions. */
    report_locate(report);
    char timestamp[32];
    format_report_time(timestamp, sizeof(timestamp), report, options);

    counts total = {0};
    for (size_t i = 0; i < report->count; i++)
        count_finding(&total, &report->findings[i]);

    sink s;
    sink_init(&s, callback, payload);
    sink_puts(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"libsoc2\"");
    write_counts(&s, &total);
    sink_puts(&s, ">\n");
    /* Each suite reads its own run of findings; should they ever come in
     * another order, each suite reads them all instead. */
    int grouped = grouped_by_rule(report);
    size_t first = 0;
    for (size_t i = 0; i < report->evaluated_count && !s.stopped; i++) {
        const soc2_rule *rule = report->evaluated[i];
        size_t end = first;
        while (grouped && end < report->count && report->findings[end].rule == rule)
            end++;
        if (grouped)
            write_suite(&s, report, rule, first, end, timestamp);
        else
            write_suite(&s, report, rule, 0, report->count, timestamp);
        first = end;
    }
    sink_puts(&s, "</testsuites>\n");
    return sink_finish(&s);
}
