/* The rule catalog (soc2_engine_write_rules) and helpers shared by writers. */
#include <stdio.h>

#include <soc2/version.h>
#include <soc2/writer.h>

#include "sink.h"
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
        if (json_array_append_new(list, json_text(ref->control)) < 0) {
            json_decref(controls);
            return NULL;
        }
    }
    return controls;
}

/* Hands one piece of jansson's output to the sink, which passes it on in
 * pieces of many kilobytes rather than one call per token. */
static int forward(const char *buffer, size_t size, void *data)
{
    sink *s = data;
    sink_put(s, buffer, size);
    return s->stopped || s->pending.failed ? -1 : 0;
}

int dump_json(json_t *doc, soc2_write_callback callback, void *payload)
{
    if (!doc)
        return error_nomem();
    sink s;
    sink_init(&s, callback, payload);
    json_dump_callback(doc, forward, &s, JSON_INDENT(2));
    json_decref(doc);
    sink_put(&s, "\n", 1);
    return sink_finish(&s);
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
        if (json_array_append_new(types, json_text(r->types[i])) < 0) {
            json_decref(types);
            types = NULL;
        }
    return json_pack("{s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o}", "id", json_text(r->id),
                     "title", json_text(r->title), "severity", soc2_severity_name(r->severity),
                     "scope", scope_name(r->scope), "resource_types", types, "controls",
                     controls_json(r), "description", json_text(soc2_rule_description(r)),
                     "remediation", json_text(soc2_rule_remediation(r)), "origin",
                     origin_name(r->origin), "source", json_text(soc2_rule_source(r)));
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
