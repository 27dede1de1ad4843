/* The engine: registering rules from every source, and reading them back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/engine.h>

#include "rule_internal.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/file.h"
#include "../util/jsonpos.h"
#include "../util/natural.h"

const char *soc2_finding_status_name(soc2_finding_status status)
{
    static const char *const names[] = {"pass", "fail", "unknown", "error", "waived"};
    if ((unsigned)status >= sizeof(names) / sizeof(names[0]))
        return NULL;
    return names[status];
}

int soc2_engine_new(soc2_engine **out)
{
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    soc2_engine *e = calloc(1, sizeof(*e));
    if (!e)
        return error_nomem();
    strmap_init(&e->by_id);
    *out = e;
    return SOC2_OK;
}

void soc2_engine_free(soc2_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++)
        rule_free(e->rules[i]);
    free(e->rules);
    strmap_free(&e->by_id);
    free(e);
}

static int compare_controls(const void *a, const void *b)
{
    const control_ref *x = a, *y = b;
    int c = strcmp(x->framework, y->framework);
    return c ? c : natural_compare(x->control, y->control);
}

int engine_add_rules(soc2_engine *e, soc2_rule **rules, size_t count, const char *source)
{
    for (size_t i = 0; i < count; i++) {
        if (strmap_get(&e->by_id, rules[i]->id))
            return error_set_input(SOC2_EEXISTS, source, 0, 0, NULL,
                                   "rule ID \"%s\" is already registered", rules[i]->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(rules[i]->id, rules[j]->id) == 0)
                return error_set_input(SOC2_EEXISTS, source, 0, 0, NULL,
                                       "rule ID \"%s\" appears twice", rules[i]->id);
    }

    /* Make room first, so that registering cannot fail half-way. A key left
     * with a NULL value after a failure counts as absent. */
    if (array_reserve((void **)&e->rules, &e->cap, e->count + count, sizeof(*e->rules)) < 0)
        return error_nomem();
    for (size_t i = 0; i < count; i++)
        if (!strmap_upsert(&e->by_id, rules[i]->id, strlen(rules[i]->id)))
            return error_nomem();

    for (size_t i = 0; i < count; i++) {
        soc2_rule *r = rules[i];
        if (r->control_count > 1)
            qsort(r->controls, r->control_count, sizeof(*r->controls), compare_controls);
        r->index = e->count;
        strmap_put(&e->by_id, r->id, r); /* the key exists, so this cannot fail */
        e->rules[e->count++] = r;
    }
    return SOC2_OK;
}

/* Reports a rule ID that the engine or an earlier rule of the same
 * document already has, with the place of the second one. */
static int check_unique_ids(const soc2_engine *e, soc2_rule **rules, size_t count,
                            const char *name, const char *data, size_t length)
{
    for (size_t i = 0; i < count; i++) {
        const char *clash = strmap_get(&e->by_id, rules[i]->id) ? "is already registered" : NULL;
        for (size_t j = 0; j < i && !clash; j++)
            if (strcmp(rules[i]->id, rules[j]->id) == 0)
                clash = "appears twice";
        if (!clash)
            continue;

        strbuf pointer = STRBUF_INIT;
        sb_printf(&pointer, "%s/id", rules[i]->pointer ? rules[i]->pointer : "");
        int line = 0, column = 0;
        json_locate(data, length, sb_str(&pointer), &line, &column);
        int rc = error_set_input(SOC2_EEXISTS, name, line, column, sb_str(&pointer),
                                 "rule ID \"%s\" %s (at %s)", rules[i]->id, clash,
                                 sb_str(&pointer));
        sb_free(&pointer);
        return rc;
    }
    return SOC2_OK;
}

static int add_document(soc2_engine *e, const char *data, size_t length, const char *name)
{
    /* A UTF-8 byte-order mark is allowed and ignored, as in inputs. */
    if (length >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        length -= 3;
    }
    json_error_t jerr;
    json_t *root = json_loadb(data, length, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            return error_nomem();
        int nul_line, nul_column;
        if (json_find_nul(data, length, (size_t)jerr.position + 1, &nul_line, &nul_column))
            return error_set_input(SOC2_EPARSE, name, nul_line, nul_column, NULL,
                                   "malformed JSON: a NUL byte, which JSON text cannot hold");
        return error_set_input(SOC2_EPARSE, name, jerr.line, jerr.column, NULL,
                               "malformed JSON: %s", jerr.text);
    }

    soc2_rule **rules = NULL;
    size_t count = 0;
    int rc = compile_rules_document(&rules, &count, root, name, SOC2_RULE_DECLARATIVE, data,
                                    length);
    json_decref(root);
    if (rc == SOC2_OK)
        rc = check_unique_ids(e, rules, count, name, data, length);
    if (rc == SOC2_OK)
        rc = engine_add_rules(e, rules, count, name);
    if (rc != SOC2_OK)
        for (size_t i = 0; i < count; i++)
            rule_free(rules[i]);
    free(rules);
    return rc;
}

int soc2_engine_add_rules_buffer(soc2_engine *e, const char *data, size_t length,
                                 const char *name)
{
    if (!e || (!data && length))
        return error_set(SOC2_EINVAL, "engine and data must not be NULL");
    return add_document(e, data ? data : "", length, name ? name : "<buffer>");
}

/* Rule files larger than this are rejected; the built-in pack is 30 KB. */
#define RULE_FILE_LIMIT ((size_t)64 << 20)

int soc2_engine_add_rules_file(soc2_engine *e, const char *path)
{
    if (!e || !path)
        return error_set(SOC2_EINVAL, "engine and path must not be NULL");
    strbuf data = STRBUF_INIT;
    int rc = read_regular_file(path, RULE_FILE_LIMIT, &data);
    if (rc == SOC2_OK)
        rc = add_document(e, sb_str(&data), data.len, path);
    sb_free(&data);
    return rc;
}

/* Callback rules. */

static char *copy_or_null(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy)
        *failed = 1;
    return copy;
}

int soc2_engine_add_callback_rule(soc2_engine *e, const soc2_rule_spec *spec,
                                  soc2_rule_callback callback, void *payload)
{
    if (!e || !spec || !callback)
        return error_set(SOC2_EINVAL, "engine, spec and callback must not be NULL");
    if (spec->version < 1 || spec->version > SOC2_RULE_SPEC_VERSION)
        return error_set(SOC2_EINVAL, "unsupported soc2_rule_spec version %u (this library "
                                      "supports 1 to %d)",
                         spec->version, SOC2_RULE_SPEC_VERSION);
    if (!spec->id || !*spec->id || !spec->title || !*spec->title)
        return error_set(SOC2_EINVAL, "a callback rule needs an ID and a title");
    if (!rule_id_is_valid(spec->id))
        return error_set(SOC2_EINVAL,
                         "callback rule ID \"%s\" may hold only letters, digits, '-', '_' and '.'",
                         spec->id);
    if (!spec->resource_types || spec->resource_type_count == 0)
        return error_set(SOC2_EINVAL, "callback rule \"%s\" needs at least one resource type",
                         spec->id);
    if (!soc2_severity_name(spec->severity))
        return error_set(SOC2_EINVAL, "callback rule \"%s\" has an invalid severity %d",
                         spec->id, (int)spec->severity);

    int failed = 0;
    soc2_rule *r = calloc(1, sizeof(*r));
    if (!r)
        return error_nomem();
    r->id = copy_or_null(spec->id, &failed);
    r->title = copy_or_null(spec->title, &failed);
    r->description = copy_or_null(spec->description, &failed);
    r->remediation = copy_or_null(spec->remediation, &failed);
    r->source = copy_or_null("", &failed);
    r->severity = spec->severity;
    r->scope = SOC2_SCOPE_RESOURCE;
    r->origin = SOC2_RULE_CALLBACK;
    r->callback = callback;
    r->payload = payload;
    r->types = calloc(spec->resource_type_count, sizeof(*r->types));
    failed |= r->types == NULL;
    for (size_t i = 0; !failed && i < spec->resource_type_count; i++) {
        if (!spec->resource_types[i] || !*spec->resource_types[i]) {
            rule_free(r);
            return error_set(SOC2_EINVAL, "callback rule \"%s\": resource type %zu is empty",
                             spec->id, i);
        }
        r->types[i] = copy_or_null(spec->resource_types[i], &failed);
        r->type_count = i + 1;
    }
    if (failed) {
        rule_free(r);
        return error_nomem();
    }

    if (spec->controls_json) {
        json_error_t jerr;
        json_t *controls = json_loads(spec->controls_json, JSON_REJECT_DUPLICATES, &jerr);
        strbuf reason = STRBUF_INIT;
        int rc = controls ? rule_add_controls_json(r, controls, &reason) : -1;
        json_decref(controls);
        if (rc < 0) {
            rc = error_set(SOC2_ERULE, "callback rule \"%s\": invalid controls_json: %s",
                           spec->id, controls ? sb_str(&reason) : jerr.text);
            sb_free(&reason);
            rule_free(r);
            return rc;
        }
        sb_free(&reason);
    }

    int rc = engine_add_rules(e, &r, 1, "callback");
    if (rc != SOC2_OK)
        rule_free(r);
    return rc;
}

/* Reading rules back. */

size_t soc2_engine_rule_count(const soc2_engine *e)
{
    return e ? e->count : 0;
}

int soc2_engine_find_rule(const soc2_rule **out, const soc2_engine *e, const char *id)
{
    if (!out || !e || !id)
        return error_set(SOC2_EINVAL, "out, engine and id must not be NULL");
    const soc2_rule *r = strmap_get(&e->by_id, id);
    if (!r)
        return error_set(SOC2_ENOTFOUND, "no rule with ID \"%s\"", id);
    *out = r;
    return SOC2_OK;
}

struct soc2_rule_iterator {
    const soc2_engine *engine;
    size_t next;
};

int soc2_rule_iterator_new(soc2_rule_iterator **out, const soc2_engine *e)
{
    if (!out || !e)
        return error_set(SOC2_EINVAL, "out and engine must not be NULL");
    soc2_rule_iterator *it = calloc(1, sizeof(*it));
    if (!it)
        return error_nomem();
    it->engine = e;
    *out = it;
    return SOC2_OK;
}

int soc2_rule_iterator_next(const soc2_rule **out, soc2_rule_iterator *it)
{
    if (!out || !it)
        return error_set(SOC2_EINVAL, "out and iterator must not be NULL");
    if (it->next >= it->engine->count)
        return SOC2_ITEROVER;
    *out = it->engine->rules[it->next++];
    return SOC2_OK;
}

void soc2_rule_iterator_free(soc2_rule_iterator *it)
{
    free(it);
}
