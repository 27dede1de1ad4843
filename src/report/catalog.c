/* The rule catalog (soc2_engine_write_rules) and helpers shared by writers. */
#include <stdio.h>

#include <soc2/version.h>
#include <soc2/writer.h>

#include "writer_internal.h"
#include "../core/error.h"

json_t *controls_json(const soc2_rule *rule)
{
    json_t *controls = json_object();
    for (size_t i = 0; controls && i < rule->control_count; i++) {
        const control_ref *ref = &rule->controls[i];
        json_t *list = json_object_get(controls, ref->framework);
        if (!list) {
            list = json_array();
            if (json_object_set_new(controls, ref->framework, list) < 0) {
                json_decref(controls);
                return NULL;
            }
        }
        if (json_array_append_new(list, json_string(ref->control)) < 0) {
            json_decref(controls);
            return NULL;
        }
    }
    return controls;
}

typedef struct sink {
    soc2_write_callback callback;
    void *payload;
    int stopped;
} sink;

static int forward(const char *buffer, size_t size, void *data)
{
    sink *s = data;
    if (s->callback(buffer, size, s->payload) != 0) {
        s->stopped = 1;
        return -1;
    }
    return 0;
}

int dump_json(json_t *doc, soc2_write_callback callback, void *payload)
{
    if (!doc)
        return error_nomem();
    sink s = {callback, payload, 0};
    int rc = json_dump_callback(doc, forward, &s, JSON_INDENT(2));
    json_decref(doc);
    if (rc == 0 && forward("\n", 1, &s) < 0)
        rc = -1;
    if (rc == 0)
        return SOC2_OK;
    if (s.stopped)
        return error_set(SOC2_EUSER, "the output callback stopped the writer");
    return error_nomem();
}

static const char *scope_name(soc2_rule_scope scope)
{
    return scope == SOC2_SCOPE_ACCOUNT ? "account" : "resource";
}

static const char *origin_name(soc2_rule_origin origin)
{
    switch (origin) {
    case SOC2_RULE_BUILTIN: return "builtin";
    case SOC2_RULE_DECLARATIVE: return "declarative";
    case SOC2_RULE_CALLBACK: return "callback";
    }
    return "unknown";
}

static json_t *rule_json(const soc2_rule *r)
{
    json_t *types = json_array();
    for (size_t i = 0; types && i < r->type_count; i++)
        if (json_array_append_new(types, json_string(r->types[i])) < 0) {
            json_decref(types);
            types = NULL;
        }
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s}", "id", r->id, "title",
                     r->title, "severity", soc2_severity_name(r->severity), "scope",
                     scope_name(r->scope), "resource_types", types, "controls",
                     controls_json(r), "description", soc2_rule_description(r),
                     "remediation", soc2_rule_remediation(r), "origin",
                     origin_name(r->origin), "source", soc2_rule_source(r));
}

int soc2_engine_write_rules(const soc2_engine *engine, soc2_output_format format,
                            soc2_write_callback callback, void *payload)
{
    if (!engine || !callback)
        return error_set(SOC2_EINVAL, "engine and callback must not be NULL");
    if (format != SOC2_OUTPUT_JSON)
        return error_set(SOC2_EINVAL, "the rule catalog is written as JSON only, not format %d",
                         (int)format);

    json_t *rules = json_array();
    for (size_t i = 0; rules && i < engine->count; i++) {
        if (json_array_append_new(rules, rule_json(engine->rules[i])) < 0) {
            json_decref(rules);
            rules = NULL;
        }
    }
    return dump_json(json_pack("{s:s, s:o}", "libsoc2_version", SOC2_VERSION_STRING,
                               "rules", rules),
                     callback, payload);
}
