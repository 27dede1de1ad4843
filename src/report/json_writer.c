/* The JSON report: the complete record of an evaluation. docs/report-json.md
 * describes every field. */
#include <stdlib.h>
#include <string.h>

#include <soc2/version.h>
#include <soc2/writer.h>

#include "report_internal.h"
#include "writer_internal.h"
#include "sink.h"
#include "../core/error.h"

static json_t *status_counts(const size_t *counts)
{
    json_t *o = json_object();
    for (int s = 0; o && s < SOC2_FINDING_STATUS_COUNT; s++)
        if (json_object_set_new(o, soc2_finding_status_name(s),
                                json_integer((json_int_t)counts[s])) < 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *inputs_json(const soc2_report *r)
{
    const soc2_snapshot *s = r->snapshot;
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->document_count; i++) {
        const soc2_document *d = s->documents[i];
        json_t *item = json_pack("{s:o, s:s, s:I}", "file", json_text(d->name), "format",
                                 soc2_format_name(d->format), "resources",
                                 (json_int_t)d->count);
        if (json_array_append_new(list, item) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *posture_json(const soc2_report *r, const char *framework)
{
    struct soc2_posture *items;
    size_t count;
    if (report_posture(r, framework, &items, &count) < 0)
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; o && i < count; i++)
        if (json_object_set_new(o, items[i].control, status_counts(items[i].counts)) < 0) {
            json_decref(o);
            o = NULL;
        }
    posture_free(items, count);
    return o;
}

static json_t *severity_failures(const soc2_report *r)
{
    size_t counts[SOC2_SEVERITY_CRITICAL + 1] = {0};
    for (size_t i = 0; i < r->count; i++)
        if (r->findings[i].status == SOC2_FINDING_FAIL)
            counts[r->findings[i].rule->severity]++;
    json_t *o = json_object();
    for (int s = SOC2_SEVERITY_CRITICAL; o && s >= SOC2_SEVERITY_INFO; s--)
        if (json_object_set_new(o, soc2_severity_name(s), json_integer((json_int_t)counts[s])) <
            0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *finding_json(const soc2_finding *f)
{
    const char *evidence = soc2_finding_evidence_resource(f);
    const char *file = soc2_finding_file(f);
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "rule_id",
                          json_text(f->rule->id), "title", json_text(f->rule->title),
                          "resource", json_text(soc2_finding_resource_address(f)),
                          "resource_type", json_text(soc2_finding_resource_type(f)), "status",
                          soc2_finding_status_name(f->status), "severity",
                          soc2_severity_name(f->rule->severity), "message",
                          json_text(f->message), "controls", controls_json(f->rule), "path",
                          json_text(f->path));
    if (!o)
        return NULL;
    if (f->resource && f->resource->source_type != f->resource->type &&
        json_object_set_new(o, "source_type", json_text(f->resource->source_type)) < 0)
        goto fail;
    if (evidence && json_object_set_new(o, "evidence_resource", json_text(evidence)) < 0)
        goto fail;
    if (json_object_set_new(o, "file", json_text(file)) < 0)
        goto fail;
    if (f->line && json_object_set_new(o, "location", json_pack("{s:o, s:i, s:i}", "file",
                                                               json_text(file), "line", f->line,
                                                               "column", f->column)) < 0)
        goto fail;
    if (f->resource_line &&
        json_object_set_new(o, "resource_location",
                            json_pack("{s:o, s:i, s:i}", "file",
                                      json_text(soc2_resource_file(f->resource)), "line",
                                      f->resource_line, "column", f->resource_column)) < 0)
        goto fail;
    if (json_object_set_new(o, "fingerprint", json_string(soc2_finding_fingerprint(f))) < 0)
        goto fail;
    return o;

fail:
    json_decref(o);
    return NULL;
}

static json_t *report_json(soc2_report *r, const soc2_write_options *options)
{
    /* A report that cannot be located still writes, without positions. */
    report_locate(r);

    char when[32];
    format_report_time(when, sizeof(when), r, options);

    /* The findings are written one by one after the rest (see
     * json_report_write), so the list stays empty here. */
    json_t *findings = json_array();

    json_t *summary = json_pack("{s:I, s:I, s:o, s:o, s:o}", "findings", (json_int_t)r->count,
                                "rules_evaluated", (json_int_t)r->evaluated_count, "by_status",
                                status_counts(r->status_counts), "failures_by_severity",
                                severity_failures(r), "soc2_criteria",
                                posture_json(r, "SOC2"));
    json_t *frameworks = json_pack("{s:o, s:o}", "SOC2", posture_json(r, "SOC2"), "CIS-AWS",
                                   posture_json(r, "CIS-AWS"));
    return json_pack("{s:{s:s, s:s, s:s?}, s:s, s:o, s:o, s:o, s:o}", "tool", "name", "libsoc2",
                     "version", SOC2_VERSION_STRING, "rules_version", report_rules_version(r),
                     "generated_at", when, "inputs",
                     inputs_json(r), "summary", summary, "posture", frameworks,
                     "findings", findings);
}

/* Writes `text` with each line after the first indented by four more
 * spaces: a finding's own JSON placed as an element of the findings list.
 * JSON strings hold no raw line feeds, so every one is between tokens. */
static void put_indented(sink *s, const char *text)
{
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end) {
            sink_puts(s, line);
            break;
        }
        sink_put(s, line, (size_t)(end - line));
        sink_put(s, "\n    ", 5);
        line = end + 1;
    }
}

/* Writes the report as jansson would write the whole document, but one
 * finding at a time, so a report of many findings is never built as one
 * document and writing needs the memory of one finding. */
int json_report_write(soc2_report *report, const soc2_write_options *options,
                      soc2_write_callback callback, void *payload)
{
    json_t *doc = report_json(report, options);
    char *head = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    json_decref(doc);
    if (!head)
        return error_nomem();

    /* The dump ends with the empty findings list: `[]` and the closing
     * brace. */
    static const char tail[] = "[]\n}";
    size_t length = strlen(head);
    if (length < sizeof(tail) - 1 || strcmp(head + length - (sizeof(tail) - 1), tail) != 0) {
        free(head);
        return error_set(SOC2_ERROR, "the JSON report does not end with its findings");
    }

    sink s;
    sink_init(&s, callback, payload);
    sink_put(&s, head, length - (sizeof(tail) - 1));
    free(head);
    sink_puts(&s, report->count ? "[" : "[]");
    for (size_t i = 0; i < report->count && !s.stopped; i++) {
        json_t *finding = finding_json(&report->findings[i]);
        char *text = finding ? json_dumps(finding, JSON_INDENT(2)) : NULL;
        json_decref(finding);
        if (!text) {
            sb_free(&s.pending);
            return error_nomem();
        }
        sink_puts(&s, i ? ",\n    " : "\n    ");
        put_indented(&s, text);
        free(text);
    }
    if (report->count > 0)
        sink_puts(&s, "\n  ]");
    sink_puts(&s, "\n}\n");
    return sink_finish(&s);
}
