/* Joins over snapshot references: the resources an attribute refers to,
 * the resources that refer to a resource, resources matched by equal
 * attribute values, and all resources of some types. */
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "../util/array.h"

void candidate_list_free(candidate_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

static int add(candidate_list *list, const soc2_resource *r, tv membership)
{
    /* A data source is the provider's view of something the configuration
     * does not manage: a data "aws_iam_policy" may be AdministratorAccess
     * itself. It answers no join. */
    if (r && (r->flags & RESOURCE_DATA_SOURCE))
        return 0;
    for (size_t i = 0; i < list->count; i++) {
        if (list->items[i].resource == r && r) {
            if (membership == TV_TRUE)
                list->items[i].membership = TV_TRUE;
            return 0;
        }
    }
    candidate c = {r, membership};
    return ARRAY_PUSH(list->items, list->count, list->cap, c);
}

static int type_allowed(const cond_source *s, const char *type)
{
    for (size_t i = 0; i < s->exclude_count; i++)
        if (strcmp(s->exclude_types[i], type) == 0)
            return 0;
    if (s->type_count == 0)
        return 1;
    for (size_t i = 0; i < s->type_count; i++)
        if (strcmp(s->types[i], type) == 0)
            return 1;
    return 0;
}

/* Renders the path of `at` followed by `path` ("ingress[0]" + "security_groups"). */
static void render_full_path(strbuf *sb, const cursor *at, const attr_path *path)
{
    cursor_render_path(at, sb);
    for (size_t i = 0; i < path->count; i++) {
        if (path->steps[i].key)
            path_append_key(sb, path->steps[i].key);
        else
            path_append_index(sb, path->steps[i].index);
    }
}

/* Returns whether the mask below `mask` (at `path` in `r`, beside the
 * attribute value `value`) marks a value unknown that no reference of `r`
 * explains: such a value might name any resource. A CloudFormation symbol
 * (a string under the mark) names no resource but the ones its references
 * give, so it counts as explained. */
static int has_unresolved_unknown(const soc2_resource *r, const json_t *value,
                                  const json_t *mask, strbuf *path)
{
    if (!mask)
        return 0;
    if (json_is_true(mask))
        return !json_is_string(value) && !resource_has_edge_at(r, sb_str(path));

    size_t mark = path->len;
    int found = 0;
    if (json_is_object(mask)) {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)mask, key, child) {
            path_append_key(path, key);
            found = has_unresolved_unknown(r, json_object_get(value, key), child, path);
            sb_truncate(path, mark);
            if (found)
                break;
        }
    } else if (json_is_array(mask)) {
        for (size_t i = 0; i < json_array_size(mask) && !found; i++) {
            path_append_index(path, i);
            found = has_unresolved_unknown(r, json_array_get(value, i), json_array_get(mask, i),
                                           path);
            sb_truncate(path, mark);
        }
    }
    return found;
}

/* Returns whether the attribute at `path` of resource `r` is unknown in a
 * way no reference explains. */
static int attribute_unresolved(const soc2_resource *r, const attr_path *path)
{
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], r);
    const cursor *at = cursor_follow(chain, &chain[0], path);
    if (!cursor_has_unknown(at))
        return 0;
    strbuf rendered = STRBUF_INIT;
    cursor_render_path(at, &rendered);
    int unresolved = has_unresolved_unknown(r, at->value, at->mask, &rendered);
    sb_free(&rendered);
    return unresolved;
}

void eval_cache_init(eval_cache *cache)
{
    strmap_init(&cache->unresolved);
}

static void free_vector(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    ptrvec_free(value);
    free(value);
}

void eval_cache_free(eval_cache *cache)
{
    strmap_foreach(&cache->unresolved, free_vector, NULL);
    strmap_free(&cache->unresolved);
}

/* Returns the resources of `type` whose attribute at `path` is unknown with
 * no reference to explain it, computed once per evaluation: a join runs
 * once per resource, and scanning every candidate each time would make the
 * evaluation quadratic. Returns NULL when memory runs out. */
static const ptrvec *unresolved_of_type(const eval_ctx *ctx, const char *type,
                                        const attr_path *path)
{
    strbuf key = STRBUF_INIT;
    sb_printf(&key, "%s\n%s", type, path->text);
    if (key.failed)
        return NULL;
    strmap_entry *e = strmap_upsert(&ctx->cache->unresolved, key.data, key.len);
    sb_free(&key);
    if (!e)
        return NULL;
    if (e->value)
        return e->value;

    ptrvec *found = calloc(1, sizeof(*found));
    if (!found)
        return NULL;
    const ptrvec *of_type = snapshot_resources_of_type(ctx->snapshot, type);
    for (size_t i = 0; of_type && i < of_type->count; i++) {
        if (attribute_unresolved(of_type->items[i], path) &&
            ptrvec_push(found, of_type->items[i]) < 0) {
            ptrvec_free(found);
            free(found);
            return NULL;
        }
    }
    e->value = found;
    return found;
}

static int follow(const cond_source *s, const cursor *at, candidate_list *out)
{
    strbuf prefix = STRBUF_INIT;
    render_full_path(&prefix, at, &s->path);
    const soc2_resource *r = at->resource;
    int rc = 0;

    /* A reference Terraform records on a whole list (`alarm_actions`) also
     * counts for an element that is unknown: that element is the reference. */
    cursor chain[PATH_MAX_STEPS + 1];
    int unknown_here = cursor_state(cursor_follow(chain, at, &s->path)) == VALUE_UNKNOWN;

    for (size_t i = 0; i < r->edge_count && rc == 0; i++) {
        const soc2_edge *e = &r->edges[i];
        int at_or_below = path_has_prefix(e->path, sb_str(&prefix));
        int above = unknown_here && path_has_prefix(sb_str(&prefix), e->path);
        if (e->target && (at_or_below || above) && type_allowed(s, e->target->type))
            rc = add(out, e->target, e->flags & EDGE_AMBIGUOUS ? TV_UNKNOWN : TV_TRUE);
    }
    if (rc == 0) {
        const cursor *value = cursor_follow(chain, at, &s->path);
        strbuf rendered = STRBUF_INIT;
        cursor_render_path(value, &rendered);
        if (has_unresolved_unknown(r, value->value, value->mask, &rendered))
            rc = add(out, NULL, TV_UNKNOWN);
        sb_free(&rendered);
    }
    sb_free(&prefix);
    return rc;
}

static int referrers(const cond_source *s, const eval_ctx *ctx, const cursor *at,
                     candidate_list *out)
{
    const soc2_resource *r = at->resource;
    int rc = 0;
    for (size_t i = 0; i < r->in_count && rc == 0; i++) {
        const soc2_in_edge *in = &r->in_edges[i];
        if (in->source == r || !type_allowed(s, in->source->type))
            continue;
        if (s->path.count && !path_has_prefix(in->path, s->path.text))
            continue;
        rc = add(out, in->source, in->flags & EDGE_AMBIGUOUS ? TV_UNKNOWN : TV_TRUE);
    }

    /* A resource of a listed type whose attribute is unknown, with no
     * reference to explain it, might refer to this one. */
    for (size_t t = 0; t < s->type_count && rc == 0 && s->path.count; t++) {
        if (!type_allowed(s, s->types[t]))
            continue;
        const ptrvec *unresolved = unresolved_of_type(ctx, s->types[t], &s->path);
        if (!unresolved)
            return -1;
        for (size_t i = 0; i < unresolved->count && rc == 0; i++)
            if (unresolved->items[i] != r)
                rc = add(out, unresolved->items[i], TV_UNKNOWN);
    }
    return rc;
}

/* Appends the string values at `at`: a string, or the strings of a list. */
static void collect_strings(const cursor *at, const char ***values, size_t *count, size_t *cap)
{
    if (json_is_string(at->value)) {
        ARRAY_PUSH(*values, *count, *cap, json_string_value(at->value));
        return;
    }
    if (json_is_array(at->value)) {
        size_t i;
        json_t *item;
        json_array_foreach((json_t *)at->value, i, item)
            if (json_is_string(item))
                ARRAY_PUSH(*values, *count, *cap, json_string_value(item));
    }
}

/* Returns TV_TRUE when `from` refers to `to` at `path` or below, TV_UNKNOWN
 * when only an ambiguous reference does, and TV_FALSE otherwise. */
static tv refers_to(const soc2_resource *from, const char *path, const soc2_resource *to)
{
    tv found = TV_FALSE;
    for (size_t i = 0; i < from->edge_count; i++) {
        const soc2_edge *e = &from->edges[i];
        if (e->target != to || !path_has_prefix(e->path, path))
            continue;
        if (!(e->flags & EDGE_AMBIGUOUS))
            return TV_TRUE;
        found = TV_UNKNOWN;
    }
    return found;
}

/* Decides whether candidate `c` matches `at` on one pair: equal string
 * values, or a reference from either side's attribute to the other. */
static tv match_pair_of(const match_pair *pair, const cursor *at, const soc2_resource *c)
{
    cursor chain[PATH_MAX_STEPS + 1];
    const cursor *local = cursor_follow(chain, at, &pair->local);
    strbuf local_path = STRBUF_INIT;
    cursor_render_path(local, &local_path);

    cursor their_chain[PATH_MAX_STEPS + 1];
    cursor_root(&their_chain[0], c);
    const cursor *remote = cursor_follow(their_chain, &their_chain[0], &pair->remote);

    tv by_reference = refers_to(c, pair->remote.text, at->resource);
    if (by_reference != TV_TRUE) {
        tv back = refers_to(at->resource, sb_str(&local_path), c);
        if (back == TV_TRUE || by_reference == TV_FALSE)
            by_reference = back;
    }
    int equal = by_reference == TV_TRUE;

    const char **mine = NULL, **theirs = NULL;
    size_t mine_count = 0, mine_cap = 0, theirs_count = 0, theirs_cap = 0;
    collect_strings(local, &mine, &mine_count, &mine_cap);
    collect_strings(remote, &theirs, &theirs_count, &theirs_cap);
    for (size_t a = 0; a < mine_count && !equal; a++)
        for (size_t b = 0; b < theirs_count && !equal; b++)
            equal = strcmp(mine[a], theirs[b]) == 0;
    free(mine);
    free(theirs);

    tv result = TV_FALSE;
    if (equal)
        result = TV_TRUE;
    else if (by_reference == TV_UNKNOWN ||
             has_unresolved_unknown(at->resource, local->value, local->mask, &local_path) ||
             attribute_unresolved(c, &pair->remote))
        result = TV_UNKNOWN;
    sb_free(&local_path);
    return result;
}

static int match(const cond_source *s, const eval_ctx *ctx, const cursor *at,
                 candidate_list *out)
{
    int rc = 0;
    for (size_t t = 0; t < s->type_count && rc == 0; t++) {
        const ptrvec *of_type = snapshot_resources_of_type(ctx->snapshot, s->types[t]);
        for (size_t i = 0; of_type && i < of_type->count && rc == 0; i++) {
            const soc2_resource *c = of_type->items[i];
            if (c == at->resource || !type_allowed(s, c->type))
                continue;
            tv membership = TV_TRUE;
            for (size_t p = 0; p < s->pair_count && membership != TV_FALSE; p++) {
                tv one = match_pair_of(&s->pairs[p], at, c);
                if (one == TV_FALSE || (one == TV_UNKNOWN && membership == TV_TRUE))
                    membership = one;
            }
            if (membership != TV_FALSE)
                rc = add(out, c, membership);
        }
    }
    return rc;
}

static int all_of_types(const cond_source *s, const eval_ctx *ctx, candidate_list *out)
{
    int rc = 0;
    for (size_t t = 0; t < s->type_count && rc == 0; t++) {
        const ptrvec *of_type = snapshot_resources_of_type(ctx->snapshot, s->types[t]);
        for (size_t i = 0; of_type && i < of_type->count && rc == 0; i++) {
            /* Types are distinct, so resources are too: no need to merge. */
            const soc2_resource *r = of_type->items[i];
            candidate c = {r, TV_TRUE};
            if (!(r->flags & RESOURCE_DATA_SOURCE))
                rc = ARRAY_PUSH(out->items, out->count, out->cap, c);
        }
    }
    return rc;
}

int join_candidates(const cond_source *s, const eval_ctx *ctx, const cursor *at,
                    candidate_list *out)
{
    switch (s->kind) {
    case SOURCE_FOLLOW:
        return follow(s, at, out);
    case SOURCE_REFERRERS:
        return referrers(s, ctx, at, out);
    case SOURCE_MATCH:
        return match(s, ctx, at, out);
    case SOURCE_RESOURCES:
        return all_of_types(s, ctx, out);
    case SOURCE_LIST:
        break;
    }
    return 0;
}
