/* Public functions of soc2/resource.h. */
#include <stdlib.h>
#include <string.h>

#include <soc2/resource.h>

#include "cursor.h"
#include "model.h"
#include "../core/error.h"

struct soc2_resource_iterator {
    const soc2_snapshot *snapshot;
    size_t next;
};

int soc2_resource_iterator_new(soc2_resource_iterator **out, const soc2_snapshot *snapshot)
{
    if (!out || !snapshot)
        return error_set(SOC2_EINVAL, "out and snapshot must not be NULL");
    soc2_resource_iterator *it = calloc(1, sizeof(*it));
    if (!it)
        return error_nomem();
    it->snapshot = snapshot;
    *out = it;
    return SOC2_OK;
}

int soc2_resource_iterator_next(const soc2_resource **out, soc2_resource_iterator *it)
{
    if (!out || !it)
        return error_set(SOC2_EINVAL, "out and iterator must not be NULL");
    if (it->next >= it->snapshot->count)
        return SOC2_ITEROVER;
    *out = it->snapshot->resources[it->next++];
    return SOC2_OK;
}

void soc2_resource_iterator_free(soc2_resource_iterator *it)
{
    free(it);
}

int soc2_snapshot_find_resource(const soc2_resource **out, const soc2_snapshot *snapshot,
                                const char *address)
{
    if (!out || !snapshot || !address)
        return error_set(SOC2_EINVAL, "out, snapshot and address must not be NULL");
    for (size_t i = 0; i < snapshot->count; i++) {
        if (strcmp(snapshot->resources[i]->address, address) == 0) {
            *out = snapshot->resources[i];
            return SOC2_OK;
        }
    }
    return error_set(SOC2_ENOTFOUND, "no resource with address \"%s\"", address);
}

const char *soc2_resource_address(const soc2_resource *r)
{
    return r ? r->address : NULL;
}

const char *soc2_resource_type(const soc2_resource *r)
{
    return r ? r->type : NULL;
}

const char *soc2_resource_source_type(const soc2_resource *r)
{
    return r ? r->source_type : NULL;
}

const char *soc2_resource_file(const soc2_resource *r)
{
    return r && r->document ? r->document->name : NULL;
}

const char *soc2_resource_folded_into(const soc2_resource *r)
{
    return r && r->folded_into ? r->folded_into->address : NULL;
}

static json_t *edges_json(const soc2_resource *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->edge_count; i++) {
        const soc2_edge *e = &r->edges[i];
        json_t *item = json_pack("{s:s, s:s, s:b}", "path", e->path, "target",
                                 e->target ? e->target->address : e->target_address,
                                 "resolved", e->target != NULL);
        if (!item || json_array_append_new(list, item) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

static json_t *origins_json(const soc2_resource *r)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < r->origin_count; i++) {
        json_t *item = json_pack("{s:s, s:s}", "path", r->origins[i].path, "resource",
                                 r->origins[i].source->address);
        if (!item || json_array_append_new(list, item) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

int soc2_resource_to_json(char **out, const soc2_resource *r)
{
    if (!out || !r)
        return error_set(SOC2_EINVAL, "out and resource must not be NULL");

    json_t *doc = json_pack("{s:s, s:s, s:s, s:s?, s:O, s:O?, s:o?, s:o?, s:s?, s:b}",
                            "address", r->address, "type", r->type, "source_type",
                            r->source_type, "file", soc2_resource_file(r), "attributes",
                            r->attrs, "unknown", r->unknown, "references", edges_json(r),
                            "origins", origins_json(r), "folded_into",
                            soc2_resource_folded_into(r), "placeholder",
                            (r->flags & RESOURCE_PLACEHOLDER) != 0);
    if (!doc)
        return error_nomem();
    *out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(doc);
    return *out ? SOC2_OK : error_nomem();
}

/* Finds the value at `text`; returns SOC2_OK with *value set, or the status
 * the lookup functions document. */
static int lookup(const json_t **value, const soc2_resource *r, const char *text)
{
    if (!r || !text)
        return error_set(SOC2_EINVAL, "resource and path must not be NULL");

    attr_path path;
    strbuf err = STRBUF_INIT;
    if (path_parse(&path, text, &err) < 0) {
        int rc = error_set(SOC2_EINVAL, "%s", sb_str(&err));
        sb_free(&err);
        return rc;
    }

    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], r);
    const cursor *at = cursor_follow(chain, &chain[0], &path);
    value_state state = cursor_state(at);
    *value = at->value;
    path_free(&path);

    if (state == VALUE_UNKNOWN)
        return SOC2_EUNKNOWN;
    if (state == VALUE_MISSING)
        return SOC2_ENOTFOUND;
    return SOC2_OK;
}

int soc2_resource_get_string(const char **out, const soc2_resource *r, const char *path)
{
    const json_t *value;
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    int rc = lookup(&value, r, path);
    if (rc != SOC2_OK)
        return rc;
    if (!json_is_string(value))
        return SOC2_ETYPE;
    *out = json_string_value(value);
    return SOC2_OK;
}

int soc2_resource_get_bool(int *out, const soc2_resource *r, const char *path)
{
    const json_t *value;
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    int rc = lookup(&value, r, path);
    if (rc != SOC2_OK)
        return rc;
    return json_as_bool(value, out) ? SOC2_OK : SOC2_ETYPE;
}

int soc2_resource_get_number(double *out, const soc2_resource *r, const char *path)
{
    const json_t *value;
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    int rc = lookup(&value, r, path);
    if (rc != SOC2_OK)
        return rc;
    return json_as_number(value, out) ? SOC2_OK : SOC2_ETYPE;
}

int soc2_resource_get_length(size_t *out, const soc2_resource *r, const char *path)
{
    const json_t *value;
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    int rc = lookup(&value, r, path);
    if (rc != SOC2_OK)
        return rc;
    if (json_is_array(value))
        *out = json_array_size(value);
    else if (json_is_object(value))
        *out = json_object_size(value);
    else
        return SOC2_ETYPE;
    return SOC2_OK;
}
