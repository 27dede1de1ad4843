#include "cursor.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cursor_root(cursor *out, const soc2_resource *resource)
{
    out->type_error = 0;
    out->parent = NULL;
    out->key = NULL;
    out->index = 0;
    out->resource = resource;
    out->value = resource->attrs;
    out->mask = resource->unknown;
}

void cursor_detached(cursor *out, const cursor *parent, const char *key, const json_t *value)
{
    out->type_error = 0;
    out->parent = parent;
    out->key = key;
    out->index = 0;
    out->resource = parent->resource;
    out->value = json_is_null(value) ? NULL : value;
    out->mask = NULL;
}

static const json_t *mask_child_key(const json_t *mask, const char *key)
{
    if (!mask)
        return NULL;
    if (json_is_true(mask))
        return mask;
    return json_is_object(mask) ? json_object_get(mask, key) : NULL;
}

static const json_t *mask_child_index(const json_t *mask, size_t index)
{
    if (!mask)
        return NULL;
    if (json_is_true(mask))
        return mask;
    return json_is_array(mask) ? json_array_get(mask, index) : NULL;
}

void cursor_child_key(cursor *out, const cursor *c, const char *key)
{
    const json_t *value = json_is_object(c->value) ? json_object_get(c->value, key) : NULL;
    out->type_error = c->type_error || (c->value && !json_is_object(c->value));
    out->parent = c;
    out->key = key;
    out->index = 0;
    out->resource = c->resource;
    out->value = json_is_null(value) ? NULL : value;
    out->mask = mask_child_key(c->mask, key);
    if (json_is_false(out->mask))
        out->mask = NULL;
}

void cursor_child_index(cursor *out, const cursor *c, size_t index)
{
    const json_t *value = json_is_array(c->value) ? json_array_get(c->value, index) : NULL;
    out->type_error = c->type_error || (c->value && !json_is_array(c->value));
    out->parent = c;
    out->key = NULL;
    out->index = index;
    out->resource = c->resource;
    out->value = json_is_null(value) ? NULL : value;
    out->mask = mask_child_index(c->mask, index);
    if (json_is_false(out->mask))
        out->mask = NULL;
}

const cursor *cursor_follow(cursor *chain, const cursor *c, const attr_path *path)
{
    const cursor *at = c;
    for (size_t i = 0; i < path->count; i++) {
        const path_step *step = &path->steps[i];
        if (step->key)
            cursor_child_key(&chain[i + 1], at, step->key);
        else
            cursor_child_index(&chain[i + 1], at, step->index);
        at = &chain[i + 1];
    }
    return at;
}

value_state cursor_state(const cursor *c)
{
    if (json_is_true(c->mask))
        return VALUE_UNKNOWN;
    if (!c->value)
        return VALUE_MISSING;
    return VALUE_PRESENT;
}

static const char *kind_of(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

const cursor *cursor_type_error(const cursor *c, strbuf *note)
{
    if (!c->type_error)
        return NULL;
    /* Find the first step whose parent had the wrong kind. */
    const cursor *step = c;
    while (step->parent && step->parent->type_error)
        step = step->parent;
    const cursor *wrong = step->parent;
    if (!wrong)
        return NULL;
    strbuf path = STRBUF_INIT;
    cursor_render_path(wrong, &path);
    sb_printf(note, "%s is %s, not %s", path.len ? sb_str(&path) : "the resource",
              kind_of(wrong->value), step->key ? "an object" : "a list");
    sb_free(&path);
    return wrong;
}

int cursor_has_unknown(const cursor *c)
{
    return c->mask != NULL;
}

void cursor_render_path(const cursor *c, strbuf *sb)
{
    if (!c->parent)
        return;
    cursor_render_path(c->parent, sb);
    if (c->key)
        path_append_key(sb, c->key);
    else
        path_append_index(sb, c->index);
}

int cursor_is_concrete(const cursor *c)
{
    if (cursor_state(c) != VALUE_UNKNOWN)
        return 0;
    /* A symbol's placeholders contain no "*" or "?", so such a character
     * is text the template wrote, and IAM's *Like operators read it as a
     * wildcard. */
    if (json_is_string(c->value) && !strpbrk(json_string_value(c->value), "*?"))
        return 1;
    strbuf path = STRBUF_INIT;
    cursor_render_path(c, &path);
    int found = 0;
    for (size_t i = 0; i < c->resource->edge_count && !found; i++) {
        const soc2_edge *e = &c->resource->edges[i];
        /* A reference on the value itself or on the list it is part of. */
        found = e->target && path_has_prefix(sb_str(&path), e->path);
    }
    sb_free(&path);
    return found;
}

int json_as_bool(const json_t *value, int *out)
{
    if (json_is_boolean(value)) {
        *out = json_is_true(value);
        return 1;
    }
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        if (strcasecmp(s, "true") == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(s, "false") == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

int json_as_number(const json_t *value, double *out)
{
    if (json_is_number(value)) {
        *out = json_number_value(value);
        return 1;
    }
    if (!json_is_string(value))
        return 0;

    const char *s = json_string_value(value);
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || errno == ERANGE || !isfinite(d))
        return 0;
    /* Reject spellings strtod accepts but JSON numbers never use. */
    if (strpbrk(s, "xXnN"))
        return 0;
    *out = d;
    return 1;
}

static int scalar_equal(const json_t *a, const json_t *b, int ignore_case)
{
    if (json_is_string(a) && json_is_string(b)) {
        const char *x = json_string_value(a);
        const char *y = json_string_value(b);
        return ignore_case ? strcasecmp(x, y) == 0 : strcmp(x, y) == 0;
    }
    if (json_is_boolean(a) || json_is_boolean(b)) {
        int x, y;
        return json_as_bool(a, &x) && json_as_bool(b, &y) && x == y;
    }
    if (json_is_number(a) || json_is_number(b)) {
        double x, y;
        return json_as_number(a, &x) && json_as_number(b, &y) && x == y;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

int json_lenient_equal(const json_t *a, const json_t *b, int ignore_case)
{
    if (!a || !b)
        return a == b;

    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_lenient_equal(json_array_get(a, i), json_array_get(b, i), ignore_case))
                return 0;
        return 1;
    }
    if (json_is_object(a) && json_is_object(b)) {
        if (json_object_size(a) != json_object_size(b))
            return 0;
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)a, key, value) {
            if (!json_lenient_equal(value, json_object_get(b, key), ignore_case))
                return 0;
        }
        return 1;
    }
    if (json_is_array(a) || json_is_array(b) || json_is_object(a) || json_is_object(b))
        return 0;
    return scalar_equal(a, b, ignore_case);
}
