/* The JSON report: the complete record of an evaluation. docs/report-json.md
 * describes every field. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <soc2/version.h>
#include <soc2/writer.h>

#include "report_internal.h"
#include "writer_internal.h"
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
        json_t *item = json_pack("{s:s, s:s, s:I}", "file", d->name, "format",
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
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "rule_id",
                          f->rule->id, "title", f->rule->title, "resource",
                          soc2_finding_resource_address(f), "resource_type",
                          soc2_finding_resource_type(f), "status",
                          soc2_finding_status_name(f->status), "severity",
                          soc2_severity_name(f->rule->severity), "message", f->message,
                          "controls", controls_json(f->rule), "path", f->path);
    if (!o)
        return NULL;
    if (f->resource && f->resource->source_type != f->resource->type &&
        json_object_set_new(o, "source_type", json_string(f->resource->source_type)) < 0)
        goto fail;
    if (evidence && json_object_set_new(o, "evidence_resource", json_string(evidence)) < 0)
        goto fail;
    if (json_object_set_new(o, "file", file ? json_string(file) : json_null()) < 0)
        goto fail;
    if (f->line && json_object_set_new(o, "location", json_pack("{s:s?, s:i, s:i}", "file", file,
                                                               "line", f->line, "column",
                                                               f->column)) < 0)
        goto fail;
    if (f->resource_line &&
        json_object_set_new(o, "resource_location",
                            json_pack("{s:s?, s:i, s:i}", "file", soc2_resource_file(f->resource),
                                      "line", f->resource_line, "column",
                                      f->resource_column)) < 0)
        goto fail;
    return o;

fail:
    json_decref(o);
    return NULL;
}

static json_t *report_json(soc2_report *r)
{
    /* A report that cannot be located still writes, without positions. */
    report_locate(r);

    char when[32];
    struct tm tm;
    gmtime_r(&r->created, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

    json_t *findings = json_array();
    for (size_t i = 0; findings && i < r->count; i++)
        if (json_array_append_new(findings, finding_json(&r->findings[i])) < 0) {
            json_decref(findings);
            findings = NULL;
        }

    json_t *summary = json_pack("{s:I, s:I, s:o, s:o, s:o}", "findings", (json_int_t)r->count,
                                "rules_evaluated", (json_int_t)r->evaluated_count, "by_status",
                                status_counts(r->status_counts), "failures_by_severity",
                                severity_failures(r), "soc2_criteria",
                                posture_json(r, "SOC2"));
    json_t *frameworks = json_pack("{s:o, s:o}", "SOC2", posture_json(r, "SOC2"), "CIS-AWS",
                                   posture_json(r, "CIS-AWS"));
    return json_pack("{s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:o}", "tool", "name", "libsoc2",
                     "version", SOC2_VERSION_STRING, "generated_at", when, "inputs",
                     inputs_json(r), "summary", summary, "posture", frameworks,
                     "findings", findings);
}

int soc2_report_write(const soc2_report *report, soc2_output_format format,
                      soc2_write_callback callback, void *payload)
{
    if (!report || !callback)
        return error_set(SOC2_EINVAL, "report and callback must not be NULL");
    /* The report belongs to one thread, which may fill in its positions. */
    soc2_report *mutable_report = (soc2_report *)report;
    switch (format) {
    case SOC2_OUTPUT_JSON:
        return dump_json(report_json(mutable_report), callback, payload);
    }
    return error_set(SOC2_EINVAL, "unknown output format %d", (int)format);
}

static int write_to_file(const char *data, size_t length, void *payload)
{
    return fwrite(data, 1, length, payload) == length ? 0 : -1;
}

int soc2_report_write_file(const soc2_report *report, soc2_output_format format,
                           const char *path)
{
    if (!report || !path)
        return error_set(SOC2_EINVAL, "report and path must not be NULL");
    FILE *f = fopen(path, "wb");
    if (!f)
        return error_set(SOC2_EIO, "cannot write %s: %s", path, strerror(errno));
    int rc = soc2_report_write(report, format, write_to_file, f);
    int closed = fclose(f);
    if (rc == SOC2_EUSER || (rc == SOC2_OK && closed != 0))
        return error_set(SOC2_EIO, "writing %s failed: %s", path, strerror(errno));
    return rc;
}
