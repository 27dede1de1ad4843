/* The SARIF 2.1.0 report for code-scanning services: one run whose driver
 * lists the evaluated rules, and a result for every finding that needs
 * attention. docs/reports.md describes the mapping. */
#include <stdio.h>
#include <string.h>

#include <soc2/version.h>

#include "sink.h"
#include "writer_internal.h"
#include "../core/error.h"

#define SCHEMA_URI \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* The key of the fingerprint in partialFingerprints; its version changes
 * if what is hashed ever does. */
#define FINGERPRINT_KEY "soc2FindingHash/v1"

/* A failure's level, and the security-severity score code-scanning
 * services sort by (9.0 and above critical, 7.0 high, 4.0 medium). */
static const char *severity_level(soc2_severity severity)
{
    switch (severity) {
    case SOC2_SEVERITY_CRITICAL:
    case SOC2_SEVERITY_HIGH: return "error";
    case SOC2_SEVERITY_MEDIUM: return "warning";
    case SOC2_SEVERITY_LOW:
    case SOC2_SEVERITY_INFO: return "note";
    }
    return "warning";
}

static const char *severity_score(soc2_severity severity)
{
    switch (severity) {
    case SOC2_SEVERITY_CRITICAL: return "9.5";
    case SOC2_SEVERITY_HIGH: return "8.0";
    case SOC2_SEVERITY_MEDIUM: return "5.5";
    case SOC2_SEVERITY_LOW: return "3.0";
    case SOC2_SEVERITY_INFO: return "0.0";
    }
    return "5.5";
}

/* Appends `path` to `out` as a URI reference: unreserved characters and
 * "/" as they are, every other byte percent-encoded. */
static void append_uri_path(strbuf *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p)) {
            sb_putc(out, (char)*p);
        } else {
            sb_putc(out, '%');
            sb_putc(out, hex[*p >> 4]);
            sb_putc(out, hex[*p & 15]);
        }
    }
}

/* Returns an artifactLocation for a file: an absolute path as a file URI,
 * a relative one relative to the SRCROOT base. */
static json_t *artifact_location(const char *file)
{
    strbuf uri = STRBUF_INIT;
    int relative = file[0] != '/';
    if (relative) {
        while (strncmp(file, "./", 2) == 0)
            file += 2;
    } else {
        sb_puts(&uri, "file://");
    }
    append_uri_path(&uri, file);
    json_t *location = NULL;
    if (!uri.failed)
        location = relative ? json_pack("{s:s, s:s}", "uri", sb_str(&uri), "uriBaseId", "SRCROOT")
                            : json_pack("{s:s}", "uri", sb_str(&uri));
    sb_free(&uri);
    return location;
}

static json_t *rule_tags(const soc2_rule *rule)
{
    json_t *tags = json_pack("[s, s]", "security", "compliance");
    for (size_t i = 0; tags && i < rule->control_count; i++) {
        char tag[256];
        snprintf(tag, sizeof(tag), "%s/%s", rule->controls[i].framework,
                 rule->controls[i].control);
        if (json_array_append_new(tags, json_text(tag)) < 0) {
            json_decref(tags);
            return NULL;
        }
    }
    return tags;
}

static json_t *rule_descriptor(const soc2_rule *rule)
{
    const char *description = soc2_rule_description(rule);
    const char *remediation = soc2_rule_remediation(rule);
    strbuf help = STRBUF_INIT;
    sb_puts(&help, description && *description ? description : rule->title);
    if (remediation && *remediation) {
        sb_puts(&help, "\n\nRemediation: ");
        sb_puts(&help, remediation);
    }
    if (help.failed) {
        sb_free(&help);
        return NULL;
    }
    json_t *descriptor = json_pack(
        "{s:o, s:{s:o}, s:{s:o}, s:{s:o}, s:{s:s}, s:{s:o, s:s, s:s, s:o}}", "id",
        json_text(rule->id), "shortDescription", "text", json_text(rule->title),
        "fullDescription", "text",
        json_text(description && *description ? description : rule->title), "help", "text",
        json_text(sb_str(&help)), "defaultConfiguration", "level",
        severity_level(rule->severity), "properties", "tags", rule_tags(rule),
        "security-severity", severity_score(rule->severity), "precision", "high", "controls",
        controls_json(rule));
    sb_free(&help);
    return descriptor;
}

/* Returns the location of a finding: its place in a file when known, and
 * always the resource as a logical location. */
static json_t *finding_location(const soc2_finding *f)
{
    const char *address = soc2_finding_resource_address(f);
    json_t *location = json_pack("{s:[{s:o, s:o, s:s}]}", "logicalLocations", "name",
                                 json_text(address), "fullyQualifiedName", json_text(address),
                                 "kind", "resource");
    const char *file = soc2_finding_file(f);
    if (!location || !file)
        return location;

    json_t *physical = json_pack("{s:o}", "artifactLocation", artifact_location(file));
    if (physical && f->line > 0)
        json_object_set_new(physical, "region",
                            json_pack("{s:i, s:i}", "startLine", f->line, "startColumn",
                                      f->column > 0 ? f->column : 1));
    if (!physical || json_object_set_new(location, "physicalLocation", physical) < 0) {
        json_decref(location);
        return NULL;
    }
    return location;
}

/* Returns the result of one finding. A failure is kind "fail" with the
 * level of its severity; an unknown or error finding is marked for review, with
 * level "none" as SARIF requires of that kind; a waived failure carries a
 * suppression. */
static json_t *finding_result(const soc2_finding *f, size_t rule_index)
{
    int failure = f->status == SOC2_FINDING_FAIL || f->status == SOC2_FINDING_WAIVED;
    json_t *result = json_pack(
        "{s:o, s:I, s:s, s:s, s:{s:o}, s:[o], s:{s:s}, s:{s:s, s:o, s:o, s:o}}", "ruleId",
        json_text(f->rule->id), "ruleIndex", (json_int_t)rule_index, "kind",
        failure ? "fail" : "review", "level", failure ? severity_level(f->rule->severity) : "none",
        "message", "text", json_text(f->message), "locations", finding_location(f),
        "partialFingerprints", FINGERPRINT_KEY, f->fingerprint, "properties", "status",
        soc2_finding_status_name(f->status), "resourceType",
        json_text(soc2_finding_resource_type(f)), "path", json_text(f->path), "controls",
        controls_json(f->rule));
    if (result && f->status == SOC2_FINDING_WAIVED &&
        json_object_set_new(result, "suppressions", json_pack("[{s:s}]", "kind", "external")) <
            0) {
        json_decref(result);
        return NULL;
    }
    return result;
}

static json_t *run_json(soc2_report *r, const soc2_write_options *options)
{
    char when[32];
    format_report_time(when, sizeof(when), r, options);

    json_t *rules = json_array();
    for (size_t i = 0; rules && i < r->evaluated_count; i++)
        if (json_array_append_new(rules, rule_descriptor(r->evaluated[i])) < 0) {
            json_decref(rules);
            rules = NULL;
        }

    /* Findings come grouped by rule, so the index is looked up only when
     * the rule changes. */
    json_t *results = json_array();
    size_t index = 0;
    for (size_t i = 0; results && i < r->count; i++) {
        const soc2_finding *f = &r->findings[i];
        if (f->status == SOC2_FINDING_PASS)
            continue;
        if (index >= r->evaluated_count || r->evaluated[index] != f->rule) {
            index = 0;
            while (index < r->evaluated_count && r->evaluated[index] != f->rule)
                index++;
        }
        if (json_array_append_new(results, finding_result(f, index)) < 0) {
            json_decref(results);
            results = NULL;
        }
    }

    const char *rules_version = report_rules_version(r);
    json_t *run = json_pack(
        "{s:{s:{s:s, s:s, s:s, s:o}}, s:[{s:b, s:s}], s:s, s:o, s:{s:s*}}", "tool", "driver",
        "name", "libsoc2", "version", SOC2_VERSION_STRING, "semanticVersion",
        SOC2_VERSION_STRING, "rules", rules, "invocations", "executionSuccessful", 1, "endTimeUtc", when, "columnKind",
        "unicodeCodePoints", "results", results, "properties", "rulesVersion", rules_version);
    if (run && options->source_root) {
        strbuf root = STRBUF_INIT;
        sb_puts(&root, "file://");
        append_uri_path(&root, options->source_root);
        if (root.len == 0 || sb_str(&root)[root.len - 1] != '/')
            sb_putc(&root, '/');
        if (root.failed || json_object_set_new(run, "originalUriBaseIds",
                                               json_pack("{s:{s:s}}", "SRCROOT", "uri",
                                                         sb_str(&root))) < 0) {
            json_decref(run);
            run = NULL;
        }
        sb_free(&root);
    }
    return run;
}

int sarif_write(soc2_report *report, const soc2_write_options *options,
                soc2_write_callback callback, void *payload)
{
    if (options->source_root && options->source_root[0] != '/')
        return error_set(SOC2_EINVAL, "the source root %s is not an absolute path",
                         options->source_root);

    /* A report that cannot be located still writes, without positions. */
    report_locate(report);
    return dump_json(json_pack("{s:s, s:s, s:[o]}", "$schema", SCHEMA_URI, "version", "2.1.0",
                               "runs", run_json(report, options)),
                     callback, payload);
}
