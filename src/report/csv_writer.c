/* The CSV report: a header and one row per finding, as RFC 4180 describes
 * (CR LF line ends, fields quoted where needed). docs/reports.md lists the
 * columns. */
#include <stdio.h>
#include <string.h>

#include "sink.h"
#include "writer_internal.h"

static const char *const columns[] = {
    "rule_id",  "title", "severity", "status", "resource",      "resource_type", "service",
    "file",     "line",  "column",   "path",   "evidence_resource", "soc2_criteria",
    "controls", "message", "fingerprint",
};
#define COLUMN_COUNT (sizeof(columns) / sizeof(columns[0]))

/* Writes the controls of one framework, separated by spaces, or of every
 * framework ("SOC2: CC6.1 CC6.6; CIS-AWS: 5.2") when `framework` is NULL. */
static void write_controls(sink *s, const soc2_rule *rule, const char *framework)
{
    strbuf text = STRBUF_INIT;
    const char *previous = NULL;
    for (size_t i = 0; i < rule->control_count; i++) {
        const control_ref *ref = &rule->controls[i];
        if (framework && strcmp(ref->framework, framework) != 0)
            continue;
        if (!framework && (!previous || strcmp(previous, ref->framework) != 0)) {
            sb_printf(&text, "%s%s:", previous ? "; " : "", ref->framework);
            previous = ref->framework;
        }
        if (text.len > 0)
            sb_putc(&text, ' ');
        sb_puts(&text, ref->control);
    }
    if (text.failed)
        s->pending.failed = 1;
    sink_csv(s, sb_str(&text));
    sb_free(&text);
}

static void write_number(sink *s, int value)
{
    if (value > 0)
        sink_printf(s, "%d", value);
}

static void write_row(sink *s, const soc2_finding *f)
{
    char service[64];
    sink_csv(s, f->rule->id);
    sink_put(s, ",", 1);
    sink_csv(s, f->rule->title);
    sink_put(s, ",", 1);
    sink_csv(s, soc2_severity_name(f->rule->severity));
    sink_put(s, ",", 1);
    sink_csv(s, soc2_finding_status_name(f->status));
    sink_put(s, ",", 1);
    sink_csv(s, soc2_finding_resource_address(f));
    sink_put(s, ",", 1);
    sink_csv(s, soc2_finding_resource_type(f));
    sink_put(s, ",", 1);
    sink_csv(s, finding_service(f, service, sizeof(service)));
    sink_put(s, ",", 1);
    sink_csv(s, soc2_finding_file(f));
    sink_put(s, ",", 1);
    write_number(s, f->line);
    sink_put(s, ",", 1);
    write_number(s, f->column);
    sink_put(s, ",", 1);
    sink_csv(s, f->path);
    sink_put(s, ",", 1);
    sink_csv(s, soc2_finding_evidence_resource(f));
    sink_put(s, ",", 1);
    write_controls(s, f->rule, "SOC2");
    sink_put(s, ",", 1);
    write_controls(s, f->rule, NULL);
    sink_put(s, ",", 1);
    sink_csv(s, f->message);
    sink_put(s, ",", 1);
    sink_csv(s, f->fingerprint);
    sink_put(s, "\r\n", 2);
}

int csv_write(soc2_report *report, const soc2_write_options *options,
              soc2_write_callback callback, void *payload)
{
    (void)options;
    /* A report that cannot be located still writes, without positions. */
    report_locate(report);

    sink s;
    sink_init(&s, callback, payload);
    for (size_t i = 0; i < COLUMN_COUNT; i++) {
        if (i > 0)
            sink_put(&s, ",", 1);
        sink_puts(&s, columns[i]);
    }
    sink_put(&s, "\r\n", 2);
    for (size_t i = 0; i < report->count && !s.stopped; i++)
        write_row(&s, &report->findings[i]);
    return sink_finish(&s);
}
