/* Rules: memory, controls, and the accessors of soc2/rule.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_internal.h"
#include "../core/error.h"
#include "../util/array.h"

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

const char *soc2_severity_name(soc2_severity severity)
{
    if ((unsigned)severity >= sizeof(severity_names) / sizeof(severity_names[0]))
        return NULL;
    return severity_names[severity];
}

int soc2_severity_from_name(soc2_severity *out, const char *name)
{
    if (!out || !name)
        return error_set(SOC2_EINVAL, "out and name must not be NULL");
    for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++) {
        if (strcasecmp(severity_names[i], name) == 0) {
            *out = (soc2_severity)i;
            return SOC2_OK;
        }
    }
    return error_set(SOC2_ENOTFOUND,
                     "unknown severity \"%s\" (expected info, low, medium, high or critical)",
                     name);
}

void rule_free(soc2_rule *rule)
{
    if (!rule)
        return;
    free(rule->id);
    free(rule->title);
    free(rule->description);
    free(rule->remediation);
    free(rule->message);
    free(rule->source);
    free(rule->pointer);
    for (size_t i = 0; i < rule->type_count; i++)
        free(rule->types[i]);
    free(rule->types);
    for (size_t i = 0; i < rule->control_count; i++) {
        free(rule->controls[i].framework);
        free(rule->controls[i].control);
    }
    free(rule->controls);
    condition_free(rule->assertion);
    free(rule);
}

int rule_add_control(soc2_rule *rule, const char *framework, const char *control)
{
    for (size_t i = 0; i < rule->control_count; i++)
        if (strcmp(rule->controls[i].framework, framework) == 0 &&
            strcmp(rule->controls[i].control, control) == 0)
            return 0;

    control_ref ref = {strdup(framework), strdup(control)};
    if (!ref.framework || !ref.control ||
        ARRAY_PUSH(rule->controls, rule->control_count, rule->control_cap, ref) < 0) {
        free(ref.framework);
        free(ref.control);
        return -1;
    }
    return 0;
}

int rule_add_controls_json(soc2_rule *rule, const json_t *controls, strbuf *error)
{
    if (!json_is_object(controls)) {
        sb_puts(error, "\"controls\" must be an object of framework ID to a list of control IDs");
        return -1;
    }
    const char *framework;
    json_t *list;
    json_object_foreach((json_t *)controls, framework, list) {
        if (!json_is_array(list)) {
            sb_printf(error, "\"controls\".\"%s\" must be a list of control IDs", framework);
            return -1;
        }
        size_t i;
        json_t *id;
        json_array_foreach(list, i, id) {
            if (!json_is_string(id) || json_string_length(id) == 0) {
                sb_printf(error, "\"controls\".\"%s\"[%zu] must be a non-empty string",
                          framework, i);
                return -1;
            }
            if (rule_add_control(rule, framework, json_string_value(id)) < 0) {
                sb_puts(error, "out of memory");
                return -1;
            }
        }
    }
    return 0;
}

const char *soc2_rule_id(const soc2_rule *rule)
{
    return rule ? rule->id : NULL;
}

const char *soc2_rule_title(const soc2_rule *rule)
{
    return rule ? rule->title : NULL;
}

const char *soc2_rule_description(const soc2_rule *rule)
{
    return rule && rule->description ? rule->description : "";
}

const char *soc2_rule_remediation(const soc2_rule *rule)
{
    return rule && rule->remediation ? rule->remediation : "";
}

soc2_severity soc2_rule_severity(const soc2_rule *rule)
{
    return rule ? rule->severity : SOC2_SEVERITY_INFO;
}

soc2_rule_scope soc2_rule_scope_of(const soc2_rule *rule)
{
    return rule ? rule->scope : SOC2_SCOPE_RESOURCE;
}

soc2_rule_origin soc2_rule_origin_of(const soc2_rule *rule)
{
    return rule ? rule->origin : SOC2_RULE_CALLBACK;
}

const char *soc2_rule_source(const soc2_rule *rule)
{
    return rule && rule->source ? rule->source : "";
}

size_t soc2_rule_resource_type_count(const soc2_rule *rule)
{
    return rule ? rule->type_count : 0;
}

const char *soc2_rule_resource_type(const soc2_rule *rule, size_t index)
{
    return rule && index < rule->type_count ? rule->types[index] : NULL;
}

struct soc2_control_iterator {
    const soc2_rule *rule;
    char *framework; /* filter, or NULL */
    size_t next;
};

int soc2_control_iterator_new(soc2_control_iterator **out, const soc2_rule *rule,
                              const char *framework)
{
    if (!out || !rule)
        return error_set(SOC2_EINVAL, "out and rule must not be NULL");
    soc2_control_iterator *it = calloc(1, sizeof(*it));
    if (!it || (framework && !(it->framework = strdup(framework)))) {
        free(it);
        return error_nomem();
    }
    it->rule = rule;
    *out = it;
    return SOC2_OK;
}

int soc2_control_iterator_next(const char **framework, const char **control,
                               soc2_control_iterator *it)
{
    if (!it)
        return error_set(SOC2_EINVAL, "iterator must not be NULL");
    while (it->next < it->rule->control_count) {
        const control_ref *ref = &it->rule->controls[it->next++];
        if (it->framework && strcmp(it->framework, ref->framework) != 0)
            continue;
        if (framework)
            *framework = ref->framework;
        if (control)
            *control = ref->control;
        return SOC2_OK;
    }
    return SOC2_ITEROVER;
}

void soc2_control_iterator_free(soc2_control_iterator *it)
{
    if (!it)
        return;
    free(it->framework);
    free(it);
}
