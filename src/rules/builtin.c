/* The built-in rule pack: rule files and framework mappings compiled into the
 * library (src/rules/pack, src/rules/frameworks). The mapping from rules to
 * controls lives only in the framework files, one file per framework, so a
 * new framework is a new table and no rule changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_internal.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/embedded.h"

/* Adds every control of one framework file to the rules it names. */
static int apply_framework(soc2_rule **rules, size_t count, const struct embedded_file *file)
{
    json_error_t jerr;
    json_t *root = json_loadb(file->data, file->length, JSON_REJECT_DUPLICATES, &jerr);
    const char *framework = json_string_value(json_object_get(root, "framework"));
    const json_t *controls = json_object_get(root, "controls");
    int rc = SOC2_OK;

    if (!framework || !json_is_object(controls)) {
        rc = error_set(SOC2_ERROR, "built-in framework file %s is malformed: %s", file->name,
                       root ? "it needs \"framework\" and \"controls\"" : jerr.text);
        goto done;
    }

    const char *control;
    json_t *entry;
    json_object_foreach((json_t *)controls, control, entry) {
        const json_t *ids = json_object_get(entry, "rules");
        size_t i;
        json_t *id;
        json_array_foreach(ids, i, id) {
            soc2_rule *rule = NULL;
            for (size_t k = 0; k < count && !rule; k++)
                if (json_is_string(id) && strcmp(rules[k]->id, json_string_value(id)) == 0)
                    rule = rules[k];
            if (!rule) {
                rc = error_set(SOC2_ERROR, "built-in framework %s maps %s to unknown rule %s",
                               framework, control,
                               json_is_string(id) ? json_string_value(id) : "(not a string)");
                goto done;
            }
            if (rule_add_control(rule, framework, control) < 0) {
                rc = error_nomem();
                goto done;
            }
        }
    }

done:
    json_decref(root);
    return rc;
}

/* Raise with every change to src/rules/pack or src/rules/frameworks, as
 * soc2_builtin_rules_version() describes. */
#define BUILTIN_RULES_VERSION "1.0.0"

const char *soc2_builtin_rules_version(void)
{
    return BUILTIN_RULES_VERSION;
}

int soc2_engine_add_builtin_rules(soc2_engine *engine)
{
    if (!engine)
        return error_set(SOC2_EINVAL, "engine must not be NULL");

    soc2_rule **all = NULL;
    size_t count = 0, cap = 0;
    int rc = SOC2_OK;

    for (const struct embedded_file *f = soc2_builtin_rule_files; f->name && rc == SOC2_OK;
         f++) {
        json_error_t jerr;
        json_t *root = json_loadb(f->data, f->length, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
            rc = error_set(SOC2_ERROR, "built-in rule file %s: %s", f->name, jerr.text);
            break;
        }
        soc2_rule **rules = NULL;
        size_t n = 0;
        char source[128];
        snprintf(source, sizeof(source), "builtin:%s", f->name);
        rc = compile_rules_document(&rules, &n, root, source, SOC2_RULE_BUILTIN, f->data,
                                    f->length);
        json_decref(root);
        for (size_t i = 0; i < n; i++) {
            if (rc == SOC2_OK && ARRAY_PUSH(all, count, cap, rules[i]) < 0)
                rc = error_nomem();
            if (rc != SOC2_OK)
                rule_free(rules[i]);
        }
        free(rules);
    }

    for (const struct embedded_file *f = soc2_builtin_framework_files;
         f->name && rc == SOC2_OK; f++)
        rc = apply_framework(all, count, f);

    if (rc == SOC2_OK)
        rc = engine_add_rules(engine, all, count, "builtin");
    if (rc != SOC2_OK)
        for (size_t i = 0; i < count; i++)
            rule_free(all[i]);
    free(all);
    return rc;
}
