/* Renaming resolved CloudFormation properties onto the canonical model, as
 * the table in src/load/mappings/cloudformation.json describes. The table's
 * format is documented in its "_comment" member. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/embedded.h"
#include "../util/jsonpos.h"
#include "../util/path.h"

#define MAPPING_FILE "cloudformation.json"

/* Checking the table. */

static int mapping_error(const char *where, const char *problem)
{
    return error_set(SOC2_ERROR, "the built-in CloudFormation mapping (%s) is invalid: %s: %s",
                     MAPPING_FILE, where, problem);
}

/* Named shapes may nest. Deeper nesting than this is taken for a cycle. */
#define MAX_SHAPE_DEPTH 16

static int check_shape(const cfn_mapping *m, const json_t *shape, const char *where, int depth);

/* A shape is named by a string (an entry of "shapes") or written inline. */
static const json_t *lookup_shape(const cfn_mapping *m, const json_t *value)
{
    if (json_is_string(value))
        return m->shapes ? json_object_get(m->shapes, json_string_value(value)) : NULL;
    return json_is_object(value) ? value : NULL;
}

static int check_rule(const cfn_mapping *m, const json_t *rule, const char *where, int depth)
{
    if (json_is_string(rule))
        return SOC2_OK;
    if (!json_is_object(rule))
        return mapping_error(where, "a rule must be an attribute name or an object");

    const char *key;
    json_t *value;
    json_object_foreach((json_t *)rule, key, value) {
        int ok;
        if (strcmp(key, "to") == 0 || strcmp(key, "by") == 0) {
            ok = json_is_string(value);
        } else if (strcmp(key, "wrap") == 0) {
            ok = json_is_boolean(value);
        } else if (strcmp(key, "values") == 0 || strcmp(key, "cases") == 0) {
            ok = json_is_object(value);
        } else if (strcmp(key, "pairs") == 0) {
            ok = json_array_size(value) == 2 && json_is_string(json_array_get(value, 0)) &&
                 json_is_string(json_array_get(value, 1));
        } else if (strcmp(key, "block") == 0 || strcmp(key, "inline") == 0) {
            const json_t *shape = lookup_shape(m, value);
            if (!shape)
                return mapping_error(where, "\"block\" or \"inline\" names no shape");
            int rc = check_shape(m, shape, where, depth + 1);
            if (rc != SOC2_OK)
                return rc;
            ok = 1;
        } else {
            return mapping_error(where, "a rule has an unknown member");
        }
        if (!ok)
            return mapping_error(where, "a rule member has the wrong type");
    }
    if (!json_object_get(rule, "by") != !json_object_get(rule, "cases"))
        return mapping_error(where, "\"by\" and \"cases\" go together");
    return SOC2_OK;
}

static int check_shape(const cfn_mapping *m, const json_t *shape, const char *where, int depth)
{
    if (depth > MAX_SHAPE_DEPTH)
        return mapping_error(where, "shapes nest too deeply; do they name each other?");
    if (!json_is_object(shape))
        return mapping_error(where, "a shape must be an object");
    const char *member;
    json_t *ignored;
    json_object_foreach((json_t *)shape, member, ignored) {
        if (member[0] != '_' && strcmp(member, "properties") != 0 && strcmp(member, "set") != 0 &&
            strcmp(member, "defaults") != 0 && strcmp(member, "type") != 0)
            return mapping_error(where, "a shape has an unknown member");
    }
    json_t *properties = json_object_get(shape, "properties");
    json_t *set = json_object_get(shape, "set");
    json_t *defaults = json_object_get(shape, "defaults");
    if ((properties && !json_is_object(properties)) || (set && !json_is_object(set)) ||
        (defaults && !json_is_object(defaults)))
        return mapping_error(where, "\"properties\", \"set\" and \"defaults\" must be objects");

    const char *name;
    json_t *rule;
    json_object_foreach(properties, name, rule) {
        int rc = check_rule(m, rule, where, depth);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

static int check_table(const cfn_mapping *m)
{
    if (!json_is_object(m->types))
        return mapping_error("the top level", "\"types\" must be an object");
    if (m->shapes && !json_is_object(m->shapes))
        return mapping_error("the top level", "\"shapes\" must be an object");

    const char *name;
    json_t *entry;
    json_object_foreach(m->types, name, entry) {
        if (!json_is_string(json_object_get(entry, "type")))
            return mapping_error(name, "a type entry needs a \"type\" string");
        int rc = check_shape(m, entry, name, 0);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

int cfn_mapping_load(cfn_mapping *m)
{
    memset(m, 0, sizeof(*m));
    const struct embedded_file *file = soc2_cfn_mapping_files;
    while (file->name && strcmp(file->name, MAPPING_FILE) != 0)
        file++;
    if (!file->name)
        return error_set(SOC2_ERROR, "the built-in CloudFormation mapping %s is missing",
                         MAPPING_FILE);

    json_error_t err;
    m->root = json_loadb(file->data, file->length, JSON_REJECT_DUPLICATES, &err);
    /* build-aux/embed.py checked that the text is JSON, but not for
     * duplicate keys. Any other failure means memory ran out: jansson 2.14
     * does not always say so, and may then report a syntax error. */
    if (!m->root)
        return json_error_code(&err) == json_error_duplicate_key
                   ? mapping_error("the text", err.text)
                   : error_nomem();
    m->types = json_object_get(m->root, "types");
    m->shapes = json_object_get(m->root, "shapes");
    int rc = check_table(m);
    if (rc != SOC2_OK)
        cfn_mapping_free(m);
    return rc;
}

void cfn_mapping_free(cfn_mapping *m)
{
    json_decref(m->root);
    memset(m, 0, sizeof(*m));
}

const char *cfn_mapping_type(const cfn_mapping *m, const char *cfn_type)
{
    return json_string_value(json_object_get(json_object_get(m->types, cfn_type), "type"));
}

/* Property names. */

void cfn_snake_case(strbuf *out, const char *name)
{
    for (size_t i = 0; name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isupper(c)) {
            sb_putc(out, (char)c);
            continue;
        }
        unsigned char previous = i ? (unsigned char)name[i - 1] : 0;
        unsigned char next = (unsigned char)name[i + 1];
        /* A word starts after a lowercase letter or digit (BucketName,
         * S3Bucket), and at the last capital of an acronym followed by a
         * lowercase word (SSESpecification). "IPv6" stays one word. */
        int after_acronym = isupper(previous) && islower(next) &&
                            !(next == 'v' && isdigit((unsigned char)name[i + 2]));
        if (i > 0 && (islower(previous) || isdigit(previous) || after_acronym))
            sb_putc(out, '_');
        sb_putc(out, (char)tolower(c));
    }
}

/* Mapping. */

typedef struct map_context {
    const cfn_mapping *mapping;
    cfn_template *template;
    const cfn_trace *trace;
    /* The resolved path of the value being mapped: a JSON pointer below
     * Properties (the buffer is used as scratch space and restored). */
    strbuf *path;
} map_context;

static int map_shape(const map_context *c, const json_t *shape, json_t *properties, json_t **out,
                     cfn_source_list *sources);

/* Where values come from. A mapping function returns, beside its value, the
 * sources of that value: entries whose paths are relative to the value ("",
 * "[0]", "[0].cidr_blocks"). The caller places them under the attribute
 * the value lands on. */

/* Appends the template pointer of the value at the resolved path c->path. */
static int template_pointer(const map_context *c, strbuf *out)
{
    return cfn_trace_pointer(c->trace, sb_str(c->path), out) < 0 || c->path->failed ? -1 : 0;
}

/* Adds the entry `relative` -> the template pointer of c->path. */
static int add_source(const map_context *c, cfn_source_list *sources, const char *relative)
{
    strbuf pointer = STRBUF_INIT;
    int failed = template_pointer(c, &pointer) < 0 ||
                 cfn_sources_add(sources, relative, sb_str(&pointer)) < 0;
    sb_free(&pointer);
    return failed ? error_nomem() : SOC2_OK;
}

/* Appends to `out` the path `relative` placed under `prefix`, adding
 * `offset` to a leading list index. */
static void join_path(strbuf *out, const char *prefix, const char *relative, size_t offset)
{
    sb_puts(out, prefix);
    if (relative[0] == '[' && isdigit((unsigned char)relative[1])) {
        char *end;
        size_t index = (size_t)strtoul(relative + 1, &end, 10);
        path_append_index(out, index + offset);
        relative = end + 1;
    }
    /* A key step starts with "." unless it is the first step or written
     * ["quoted"]. */
    if (*relative && *relative != '[' && *relative != '.' && out->len > 0)
        sb_putc(out, '.');
    sb_puts(out, relative);
}

/* Adds the entries of `from` to `to`, placed under `prefix` with `offset`
 * added to their leading list index. The entry of the value itself is left
 * out when `skip_root` is set. */
static int rebase_sources(cfn_source_list *to, const cfn_source_list *from, const char *prefix,
                          size_t offset, int skip_root)
{
    strbuf path = STRBUF_INIT;
    int failed = 0;
    for (size_t i = 0; i < from->count && !failed; i++) {
        if (skip_root && from->items[i].path[0] == '\0')
            continue;
        sb_reset(&path);
        join_path(&path, prefix, from->items[i].path, offset);
        failed = path.failed || cfn_sources_add(to, sb_str(&path), from->items[i].pointer) < 0;
    }
    sb_free(&path);
    return failed ? error_nomem() : SOC2_OK;
}

/* Adds entries for the places below `value` (at c->path, whose template
 * pointer is `pointer`) where the resolved value does not follow the
 * template step for step. With `every_element`, each element of a list
 * gets an entry anyway, so that a list concatenated after another keeps
 * its origin. */
static int walk_written(const map_context *c, const json_t *value, strbuf *relative,
                        const char *pointer, int every_element, cfn_source_list *sources)
{
    if (cfn_is_unknown(c->template, value) || !(json_is_object(value) || json_is_array(value)))
        return SOC2_OK;

    strbuf child_pointer = STRBUF_INIT, expected = STRBUF_INIT;
    int rc = SOC2_OK;
    void *iter = json_is_object(value) ? json_object_iter((json_t *)value) : NULL;
    for (size_t i = 0; rc == SOC2_OK; i++) {
        const json_t *child;
        size_t path_mark = c->path->len, relative_mark = relative->len;
        if (json_is_object(value)) {
            if (!iter)
                break;
            const char *key = json_object_iter_key(iter);
            child = json_object_iter_value(iter);
            iter = json_object_iter_next((json_t *)value, iter);
            json_pointer_append(c->path, key);
            path_append_key(relative, key);
        } else {
            if (i >= json_array_size(value))
                break;
            child = json_array_get(value, i);
            json_pointer_append_index(c->path, i);
            path_append_index(relative, i);
        }

        sb_reset(&child_pointer);
        sb_reset(&expected);
        sb_puts(&expected, pointer);
        sb_puts(&expected, sb_str(c->path) + path_mark);
        if (template_pointer(c, &child_pointer) < 0 || expected.failed || relative->failed)
            rc = error_nomem();
        else if ((every_element && json_is_array(value)) ||
                 strcmp(sb_str(&child_pointer), sb_str(&expected)) != 0)
            rc = cfn_sources_add(sources, sb_str(relative), sb_str(&child_pointer)) < 0
                     ? error_nomem()
                     : SOC2_OK;
        if (rc == SOC2_OK)
            rc = walk_written(c, child, relative, sb_str(&child_pointer), 0, sources);

        sb_truncate(c->path, path_mark);
        sb_truncate(relative, relative_mark);
    }
    sb_free(&child_pointer);
    sb_free(&expected);
    return rc;
}

/* Sets `sources` for a value at c->path kept as written: below it,
 * attribute names are the template's keys. */
static int written_sources(const map_context *c, const json_t *value, cfn_source_list *sources)
{
    strbuf pointer = STRBUF_INIT, relative = STRBUF_INIT;
    int rc = template_pointer(c, &pointer) < 0 || cfn_sources_add(sources, "", sb_str(&pointer)) < 0
                 ? error_nomem()
                 : walk_written(c, value, &relative, sb_str(&pointer), 1, sources);
    sb_free(&pointer);
    sb_free(&relative);
    return rc;
}

int cfn_written_sources(cfn_template *t, const cfn_trace *trace, const json_t *properties,
                        cfn_source_list *sources)
{
    strbuf path = STRBUF_INIT;
    map_context c = {NULL, t, trace, &path};
    int rc = written_sources(&c, properties, sources);
    sb_free(&path);
    return rc;
}

/* Errors. */

/* Records an SOC2_EFORMAT error at the template pointer of c->path,
 * extended by `index` when it is not negative. */
static int map_fail(const map_context *c, long index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int map_fail(const map_context *c, long index, const char *fmt, ...)
{
    size_t mark = c->path->len;
    if (index >= 0)
        json_pointer_append_index(c->path, (size_t)index);
    strbuf pointer = STRBUF_INIT, message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    int rc = template_pointer(c, &pointer) < 0 || message.failed
                 ? error_nomem()
                 : loader_fail(c->template->loader, SOC2_EFORMAT, sb_str(&pointer), "%s",
                               sb_str(&message));
    sb_truncate(c->path, mark);
    sb_free(&pointer);
    sb_free(&message);
    return rc;
}

/* Placing attributes. */

/* Stores `value` (a new reference, consumed) at `name`: two lists landing
 * on one attribute are concatenated, otherwise the later value wins.
 * Returns 0 or -1 when memory runs out. */
static int put_attribute(json_t *out, const char *name, json_t *value)
{
    json_t *existing = json_object_get(out, name);
    if (!value)
        return -1;
    if (json_is_array(existing) && json_is_array(value)) {
        /* Neither list may be changed in place: both can be shared with
         * the template or the table. */
        json_t *joined = json_array();
        if (!joined || json_array_extend(joined, existing) < 0 ||
            json_array_extend(joined, value) < 0) {
            json_decref(joined);
            json_decref(value);
            return -1;
        }
        json_decref(value);
        value = joined;
    }
    return json_object_set_new(out, name, value);
}

/* Stores `value` (consumed) at `name` of `out` as put_attribute() does, and
 * places its sources (`value_sources`, relative to the value) in
 * `sources` (relative to `out`). */
static int place_attribute(json_t *out, const char *name, json_t *value,
                           const cfn_source_list *value_sources, cfn_source_list *sources)
{
    json_t *existing = json_object_get(out, name);
    int concatenated = json_is_array(existing) && json_is_array(value);
    size_t offset = concatenated ? json_array_size(existing) : 0;

    strbuf path = STRBUF_INIT;
    path_append_key(&path, name);
    if (path.failed) {
        json_decref(value);
        return error_nomem();
    }
    /* A replaced value takes its sources along. A concatenated list keeps
     * the entry of the list that was there first. */
    if (!concatenated)
        cfn_sources_remove_below(sources, sb_str(&path));
    int rc = put_attribute(out, name, value) < 0
                 ? error_nomem()
                 : rebase_sources(sources, value_sources, sb_str(&path), offset, concatenated);
    sb_free(&path);
    return rc;
}

/* Returns the kind of a JSON value, for a message. */
static const char *value_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Returns whether `value` can be mapped by a shape: an object that is not
 * an unknown-value marker. */
static int is_mappable_object(const map_context *c, const json_t *value)
{
    return json_is_object(value) && !cfn_is_unknown(c->template, value);
}

/* Maps the object at c->path by `shape` into *out, a list element whose
 * sources land under `element` ("[0]") in `sources`. */
static int map_element(const map_context *c, const json_t *shape, json_t *object,
                       const char *element, json_t **out, cfn_source_list *sources)
{
    cfn_source_list element_sources = {0};
    int rc = add_source(c, sources, element);
    if (rc == SOC2_OK)
        rc = map_shape(c, shape, object, out, &element_sources);
    if (rc == SOC2_OK)
        rc = rebase_sources(sources, &element_sources, element, 0, 1);
    cfn_sources_free(&element_sources);
    return rc;
}

/* Maps a value by a block shape into a list: an object becomes a list of
 * one element, and each object of a list is mapped. An unknown value is
 * kept. Anything else is invalid, because CloudFormation expects a block
 * property to hold an object or a list of objects. */
static int map_block(const map_context *c, const char *property, const json_t *shape,
                     json_t *value, json_t **out, cfn_source_list *sources)
{
    *out = NULL;
    if (cfn_is_unknown(c->template, value)) {
        *out = json_incref(value);
        return add_source(c, sources, "");
    }
    if (json_is_object(value)) {
        json_t *mapped;
        int rc = add_source(c, sources, "");
        if (rc == SOC2_OK)
            rc = map_element(c, shape, value, "[0]", &mapped, sources);
        if (rc != SOC2_OK)
            return rc;
        *out = json_pack("[o]", mapped);
        return *out ? SOC2_OK : error_nomem();
    }
    if (!json_is_array(value))
        return map_fail(c, -1, "%s must be a list of objects or an object, not %s", property,
                        value_kind(value));

    json_t *list = json_array();
    int rc = list ? add_source(c, sources, "") : error_nomem();
    strbuf element = STRBUF_INIT;
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        if (rc != SOC2_OK)
            break;
        json_t *mapped = NULL;
        size_t mark = c->path->len;
        json_pointer_append_index(c->path, i);
        sb_reset(&element);
        path_append_index(&element, i);
        if (cfn_is_unknown(c->template, item)) {
            mapped = json_incref(item);
            rc = add_source(c, sources, sb_str(&element));
        } else if (json_is_object(item)) {
            rc = map_element(c, shape, item, sb_str(&element), &mapped, sources);
        } else {
            sb_truncate(c->path, mark);
            rc = map_fail(c, (long)i, "each element of %s must be an object, not %s", property,
                          value_kind(item));
        }
        sb_truncate(c->path, mark);
        if (rc == SOC2_OK && json_array_append_new(list, mapped) < 0)
            rc = error_nomem();
    }
    sb_free(&element);
    if (rc != SOC2_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return SOC2_OK;
}

/* Turns [{Key: k, Value: v}, ...] into {k: v, ...}. A list of any other
 * form is kept as written. Each k comes from its element's Value. */
static int map_pairs(const map_context *c, const json_t *names, json_t *value, json_t **out,
                     cfn_source_list *sources)
{
    const char *key_name = json_string_value(json_array_get(names, 0));
    const char *value_name = json_string_value(json_array_get(names, 1));
    *out = NULL;

    size_t i;
    json_t *item;
    int pairs = json_is_array(value);
    json_array_foreach(value, i, item) {
        if (cfn_is_unknown(c->template, item) || !json_is_string(json_object_get(item, key_name)))
            pairs = 0;
    }
    if (!pairs) {
        *out = json_incref(value);
        return written_sources(c, value, sources);
    }

    json_t *object = json_object();
    strbuf relative = STRBUF_INIT, pointer = STRBUF_INIT;
    int rc = object ? add_source(c, sources, "") : error_nomem();
    json_array_foreach(value, i, item) {
        if (rc != SOC2_OK)
            break;
        const char *key = json_string_value(json_object_get(item, key_name));
        json_t *pair_value = json_object_get(item, value_name);
        if (json_object_set(object, key, pair_value ? pair_value : json_null()) < 0) {
            rc = error_nomem();
            break;
        }

        size_t mark = c->path->len;
        json_pointer_append_index(c->path, i);
        if (pair_value)
            json_pointer_append(c->path, value_name);
        sb_reset(&relative);
        sb_reset(&pointer);
        path_append_key(&relative, key);
        if (template_pointer(c, &pointer) < 0 || relative.failed ||
            cfn_sources_add(sources, sb_str(&relative), sb_str(&pointer)) < 0)
            rc = error_nomem();
        else if (pair_value)
            rc = walk_written(c, pair_value, &relative, sb_str(&pointer), 0, sources);
        sb_truncate(c->path, mark);
    }
    sb_free(&relative);
    sb_free(&pointer);
    if (rc != SOC2_OK) {
        json_decref(object);
        return rc;
    }
    *out = object;
    return SOC2_OK;
}

/* Makes a value not a list a one-element list, and moves its sources
 * under "[0]". */
static int wrap_value(const map_context *c, json_t **value, cfn_source_list *sources)
{
    *value = json_pack("[o]", *value);
    if (!*value)
        return error_nomem();
    cfn_source_list wrapped = {0};
    int rc = add_source(c, &wrapped, "");
    if (rc == SOC2_OK)
        rc = rebase_sources(&wrapped, sources, "[0]", 0, 0);
    cfn_sources_free(sources);
    *sources = wrapped;
    return rc;
}

static int convert_value(const map_context *c, const json_t *rule, const char *property,
                         json_t *value, json_t **out, cfn_source_list *sources)
{
    const json_t *block = lookup_shape(c->mapping, json_object_get(rule, "block"));
    json_t *values = json_object_get(rule, "values");
    json_t *pairs = json_object_get(rule, "pairs");
    json_t *converted = NULL;
    int rc;

    if (block) {
        rc = map_block(c, property, block, value, &converted, sources);
    } else if (pairs) {
        rc = map_pairs(c, pairs, value, &converted, sources);
    } else if (values && json_is_string(value) &&
               json_object_get(values, json_string_value(value))) {
        converted = json_incref(json_object_get(values, json_string_value(value)));
        rc = add_source(c, sources, "");
    } else {
        converted = json_incref(value);
        rc = written_sources(c, value, sources);
    }

    if (rc == SOC2_OK && json_is_true(json_object_get(rule, "wrap")) && !json_is_array(converted))
        rc = wrap_value(c, &converted, sources);
    if (rc != SOC2_OK) {
        json_decref(converted);
        return rc;
    }
    *out = converted;
    return SOC2_OK;
}

static int snake_name(strbuf *name, const char *property)
{
    sb_reset(name);
    cfn_snake_case(name, property);
    return name->failed ? -1 : 0;
}

/* Merges the attributes of an object mapped by an inline shape into
 * `out`, with their sources. */
static int merge_inline(const map_context *c, const json_t *shape, json_t *value, json_t *out,
                        cfn_source_list *sources)
{
    json_t *merged;
    cfn_source_list merged_sources = {0};
    int rc = map_shape(c, shape, value, &merged, &merged_sources);
    if (rc != SOC2_OK) {
        cfn_sources_free(&merged_sources);
        return rc;
    }

    strbuf key_path = STRBUF_INIT;
    const char *key;
    json_t *item;
    json_object_foreach(merged, key, item) {
        if (rc != SOC2_OK)
            break;
        /* The merged attribute's own sources, relative to it. */
        cfn_source_list item_sources = {0};
        sb_reset(&key_path);
        path_append_key(&key_path, key);
        for (size_t i = 0; i < merged_sources.count && rc == SOC2_OK; i++) {
            const char *path = merged_sources.items[i].path;
            if (!path_has_prefix(path, sb_str(&key_path)))
                continue;
            const char *relative = path + key_path.len;
            if (*relative == '.')
                relative++;
            if (cfn_sources_add(&item_sources, relative, merged_sources.items[i].pointer) < 0)
                rc = error_nomem();
        }
        if (rc == SOC2_OK && key_path.failed)
            rc = error_nomem();
        if (rc == SOC2_OK)
            rc = place_attribute(out, key, json_incref(item), &item_sources, sources);
        cfn_sources_free(&item_sources);
    }
    sb_free(&key_path);
    cfn_sources_free(&merged_sources);
    json_decref(merged);
    return rc;
}

/* Applies an object rule to one property, whose value is at c->path. A
 * "by" rule reads its selector from `properties`, the object the property
 * belongs to. */
static int apply_rule(const map_context *c, const json_t *rule, const char *property, json_t *value,
                      json_t *properties, json_t *out, cfn_source_list *sources)
{
    strbuf name = STRBUF_INIT;
    const char *to = json_string_value(json_object_get(rule, "to"));
    const char *by = json_string_value(json_object_get(rule, "by"));
    int rc;

    if (by) {
        const char *selector = json_string_value(json_object_get(properties, by));
        json_t *cases = json_object_get(rule, "cases");
        const char *chosen = selector ? json_string_value(json_object_get(cases, selector)) : NULL;
        if (chosen)
            to = chosen;
    }
    if (!to) {
        if (snake_name(&name, property) < 0) {
            sb_free(&name);
            return error_nomem();
        }
        to = sb_str(&name);
    }

    const json_t *inline_shape = lookup_shape(c->mapping, json_object_get(rule, "inline"));
    if (inline_shape && is_mappable_object(c, value)) {
        rc = merge_inline(c, inline_shape, value, out, sources);
    } else if (inline_shape && !cfn_is_unknown(c->template, value)) {
        rc = map_fail(c, -1, "%s must be an object, not %s", property, value_kind(value));
    } else {
        json_t *converted;
        cfn_source_list value_sources = {0};
        rc = convert_value(c, rule, property, value, &converted, &value_sources);
        if (rc == SOC2_OK)
            rc = place_attribute(out, to, converted, &value_sources, sources);
        cfn_sources_free(&value_sources);
    }
    sb_free(&name);
    return rc;
}

/* Maps one property, at c->path, into `out`. */
static int map_property(const map_context *c, const json_t *rule, const char *property,
                        json_t *value, json_t *properties, json_t *out, cfn_source_list *sources)
{
    if (rule && !json_is_string(rule))
        return apply_rule(c, rule, property, value, properties, out, sources);

    strbuf name = STRBUF_INIT;
    cfn_source_list value_sources = {0};
    if (!rule)
        cfn_snake_case(&name, property);
    int rc = name.failed ? error_nomem() : written_sources(c, value, &value_sources);
    if (rc == SOC2_OK)
        rc = place_attribute(out, rule ? json_string_value(rule) : sb_str(&name),
                             json_incref(value), &value_sources, sources);
    cfn_sources_free(&value_sources);
    sb_free(&name);
    return rc;
}

static int map_shape(const map_context *c, const json_t *shape, json_t *properties, json_t **out,
                     cfn_source_list *sources)
{
    json_t *rules = json_object_get(shape, "properties");
    *out = json_object();
    int rc = *out ? SOC2_OK : error_nomem();

    const char *property;
    json_t *value;
    json_object_foreach(properties, property, value) {
        if (rc != SOC2_OK)
            break;
        size_t mark = c->path->len;
        json_pointer_append(c->path, property);
        rc = c->path->failed ? error_nomem()
                             : map_property(c, json_object_get(rules, property), property, value,
                                            properties, *out, sources);
        sb_truncate(c->path, mark);
    }

    /* Constant attributes come from the table, not the template, so they
     * get no source. */
    const char *key;
    json_t *constant;
    strbuf key_path = STRBUF_INIT;
    json_object_foreach(json_object_get(shape, "set"), key, constant) {
        sb_reset(&key_path);
        path_append_key(&key_path, key);
        if (rc == SOC2_OK && (key_path.failed || json_object_set(*out, key, constant) < 0))
            rc = error_nomem();
        if (rc == SOC2_OK)
            cfn_sources_remove_below(sources, sb_str(&key_path));
    }
    sb_free(&key_path);
    json_object_foreach(json_object_get(shape, "defaults"), key, constant) {
        if (rc == SOC2_OK && !json_object_get(*out, key) && json_object_set(*out, key, constant) < 0)
            rc = error_nomem();
    }

    if (rc != SOC2_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int cfn_map_properties(const cfn_mapping *m, cfn_template *t, const cfn_trace *trace,
                       const char *cfn_type, json_t *properties, json_t **out,
                       cfn_source_list *sources)
{
    strbuf path = STRBUF_INIT;
    map_context c = {m, t, trace, &path};
    int rc = map_shape(&c, json_object_get(m->types, cfn_type), properties, out, sources);
    sb_free(&path);
    return rc;
}
