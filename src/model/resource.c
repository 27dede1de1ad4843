#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "../util/array.h"
#include "../util/path.h"

int ptrvec_push(ptrvec *vec, void *item)
{
    return ARRAY_PUSH(vec->items, vec->count, vec->cap, item);
}

void ptrvec_free(ptrvec *vec)
{
    free(vec->items);
    vec->items = NULL;
    vec->count = 0;
    vec->cap = 0;
}

const char *snapshot_intern(soc2_snapshot *snapshot, const char *s)
{
    strmap_entry *e = strmap_upsert(&snapshot->interned, s, strlen(s));
    if (!e)
        return NULL;
    if (!e->value)
        e->value = e->key;
    return e->value;
}

soc2_resource *resource_new(soc2_snapshot *snapshot, const char *address, const char *type,
                            const char *source_type, json_t *attrs, json_t *unknown)
{
    soc2_resource *r = calloc(1, sizeof(*r));
    if (!r)
        goto fail;
    r->address = strdup(address);
    r->type = snapshot_intern(snapshot, type);
    r->source_type = snapshot_intern(snapshot, source_type ? source_type : type);
    if (!r->address || !r->type || !r->source_type)
        goto fail;
    r->attrs = attrs ? attrs : json_object();
    attrs = NULL;
    if (!r->attrs)
        goto fail;
    r->unknown = mask_prune(unknown);
    return r;

fail:
    json_decref(attrs);
    json_decref(unknown);
    if (r) {
        r->unknown = NULL;
        resource_free(r);
    }
    return NULL;
}

void resource_free(soc2_resource *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->edge_count; i++) {
        free(r->edges[i].path);
        free(r->edges[i].target_address);
    }
    for (size_t i = 0; i < r->origin_count; i++)
        free(r->origins[i].path);
    for (size_t i = 0; i < r->source_count; i++) {
        free(r->sources[i].path);
        free(r->sources[i].pointer);
    }
    free(r->sources);
    free(r->source_pointer);
    free(r->edges);
    free(r->origins);
    free(r->in_edges);
    json_decref(r->attrs);
    json_decref(r->unknown);
    free(r->address);
    free(r);
}

int resource_add_edge(soc2_resource *r, const char *path, const char *target_address,
                      soc2_resource *target)
{
    return resource_add_edge_flags(r, path, target_address, target, 0);
}

int resource_add_edge_flags(soc2_resource *r, const char *path, const char *target_address,
                            soc2_resource *target, unsigned flags)
{
    for (size_t i = 0; i < r->edge_count; i++) {
        soc2_edge *e = &r->edges[i];
        if (strcmp(e->path, path) == 0 && strcmp(e->target_address, target_address) == 0) {
            if (!e->target)
                e->target = target;
            e->flags &= flags;
            return 0;
        }
    }

    soc2_edge edge = {strdup(path), strdup(target_address), target, flags};
    if (!edge.path || !edge.target_address ||
        ARRAY_PUSH(r->edges, r->edge_count, r->edge_cap, edge) < 0) {
        free(edge.path);
        free(edge.target_address);
        return -1;
    }
    return 0;
}

int resource_add_origin(soc2_resource *r, const char *path, soc2_resource *source)
{
    soc2_origin origin = {strdup(path), source};
    if (!origin.path || ARRAY_PUSH(r->origins, r->origin_count, r->origin_cap, origin) < 0) {
        free(origin.path);
        return -1;
    }
    return 0;
}

const soc2_origin *resource_origin_for(const soc2_resource *r, const char *path)
{
    const soc2_origin *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < r->origin_count; i++) {
        const soc2_origin *o = &r->origins[i];
        size_t len = strlen(o->path);
        if (path_has_prefix(path, o->path) && (!best || len > best_len)) {
            best = o;
            best_len = len;
        }
    }
    return best;
}

int resource_has_edge_at(const soc2_resource *r, const char *path)
{
    for (size_t i = 0; i < r->edge_count; i++) {
        const soc2_edge *e = &r->edges[i];
        if (e->target && (path_has_prefix(e->path, path) || path_has_prefix(path, e->path)))
            return 1;
    }
    return 0;
}

int resource_set_source(soc2_resource *r, const char *pointer)
{
    char *copy = strdup(pointer);
    if (!copy)
        return -1;
    free(r->source_pointer);
    r->source_pointer = copy;
    return 0;
}

int resource_map_source(soc2_resource *r, const char *path, const char *pointer)
{
    /* Appended without looking for an earlier entry of the same path, so
     * that recording stays constant time: resource_source_of() lets the
     * later one win. */
    source_entry entry = {strdup(path), strdup(pointer)};
    if (!entry.path || !entry.pointer ||
        ARRAY_PUSH(r->sources, r->source_count, r->source_cap, entry) < 0) {
        free(entry.path);
        free(entry.pointer);
        return -1;
    }
    return 0;
}

int resource_source_of(const soc2_resource *r, const char *path, strbuf *out)
{
    const source_entry *best = NULL;
    size_t best_length = 0;
    for (size_t i = 0; i < r->source_count; i++) {
        size_t length = strlen(r->sources[i].path);
        if (path_has_prefix(path, r->sources[i].path) && (!best || length >= best_length)) {
            best = &r->sources[i];
            best_length = length;
        }
    }
    if (!best)
        return -1;

    /* The rest of the path, step for step, as pointer tokens. */
    attr_path rest;
    const char *remainder = path + best_length;
    if (*remainder == '.')
        remainder++;
    if (path_parse(&rest, remainder, NULL) < 0)
        return -1;
    sb_puts(out, best->pointer);
    for (size_t i = 0; i < rest.count; i++) {
        if (rest.steps[i].key) {
            sb_putc(out, '/');
            for (const char *p = rest.steps[i].key; *p; p++) {
                if (*p == '~')
                    sb_puts(out, "~0");
                else if (*p == '/')
                    sb_puts(out, "~1");
                else
                    sb_putc(out, *p);
            }
        } else {
            sb_printf(out, "/%zu", rest.steps[i].index);
        }
    }
    path_free(&rest);
    return out->failed ? -1 : 0;
}
