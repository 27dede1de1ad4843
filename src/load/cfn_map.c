/* Renaming resolved CloudFormation properties onto the canonical model, as
 * the table in src/load/mappings/cloudformation.json describes. The table's
 * format is documented in its "_comment" member. */
#include <ctype.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/embedded.h"
#include "../util/jsonpos.h"

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
    strbuf *pointer; /* the JSON pointer of the value being mapped */
} map_context;

static int map_shape(const map_context *c, const json_t *shape, json_t *properties, json_t **out);

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

/* Maps a value by a block shape into a list: an object becomes a list of
 * one element, and each object of a list is mapped. An unknown value is
 * kept. Anything else is invalid, because CloudFormation expects a block
 * property to hold an object or a list of objects. */
static int map_block(const map_context *c, const char *property, const json_t *shape,
                     json_t *value, json_t **out)
{
    *out = NULL;
    if (cfn_is_unknown(c->template, value)) {
        *out = json_incref(value);
        return SOC2_OK;
    }
    if (json_is_object(value)) {
        json_t *mapped;
        int rc = map_shape(c, shape, value, &mapped);
        if (rc != SOC2_OK)
            return rc;
        *out = json_pack("[o]", mapped);
        return *out ? SOC2_OK : error_nomem();
    }
    if (!json_is_array(value))
        return cfn_fail_at(c->template, c->pointer, NULL, -1,
                           "%s must be a list of objects or an object, not %s", property,
                           value_kind(value));

    json_t *list = json_array();
    if (!list)
        return error_nomem();
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        json_t *mapped = NULL;
        int rc = SOC2_OK;
        if (cfn_is_unknown(c->template, item)) {
            mapped = json_incref(item);
        } else if (json_is_object(item)) {
            /* NOTE: the index counts the elements left after AWS::NoValue
             * removed some, so an error after such an element points one
             * or more places early. */
            size_t mark = c->pointer->len;
            json_pointer_append_index(c->pointer, i);
            rc = map_shape(c, shape, item, &mapped);
            sb_truncate(c->pointer, mark);
        } else {
            rc = cfn_fail_at(c->template, c->pointer, NULL, (long)i,
                             "each element of %s must be an object, not %s", property,
                             value_kind(item));
        }
        if (rc == SOC2_OK && json_array_append_new(list, mapped) < 0)
            rc = error_nomem();
        if (rc != SOC2_OK) {
            json_decref(list);
            return rc;
        }
    }
    *out = list;
    return SOC2_OK;
}

/* Turns [{Key: k, Value: v}, ...] into {k: v, ...}. A list of any other
 * form is kept as written. */
static json_t *map_pairs(const map_context *c, const json_t *names, json_t *value)
{
    const char *key_name = json_string_value(json_array_get(names, 0));
    const char *value_name = json_string_value(json_array_get(names, 1));
    if (!json_is_array(value))
        return json_incref(value);

    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        if (cfn_is_unknown(c->template, item) || !json_is_string(json_object_get(item, key_name)))
            return json_incref(value);
    }
    json_t *object = json_object();
    json_array_foreach(value, i, item) {
        if (!object)
            break;
        json_t *pair_value = json_object_get(item, value_name);
        if (json_object_set(object, json_string_value(json_object_get(item, key_name)),
                            pair_value ? pair_value : json_null()) < 0) {
            json_decref(object);
            object = NULL;
        }
    }
    return object;
}

static int convert_value(const map_context *c, const json_t *rule, const char *property,
                         json_t *value, json_t **out)
{
    const json_t *block = lookup_shape(c->mapping, json_object_get(rule, "block"));
    json_t *values = json_object_get(rule, "values");
    json_t *pairs = json_object_get(rule, "pairs");
    json_t *converted;

    if (block) {
        int rc = map_block(c, property, block, value, &converted);
        if (rc != SOC2_OK)
            return rc;
    } else if (pairs) {
        converted = map_pairs(c, pairs, value);
    } else if (values && json_is_string(value) &&
               json_object_get(values, json_string_value(value))) {
        converted = json_incref(json_object_get(values, json_string_value(value)));
    } else {
        converted = json_incref(value);
    }

    if (converted && json_is_true(json_object_get(rule, "wrap")) && !json_is_array(converted))
        converted = json_pack("[o]", converted);
    *out = converted;
    return converted ? SOC2_OK : error_nomem();
}

static int snake_name(strbuf *name, const char *property)
{
    sb_reset(name);
    cfn_snake_case(name, property);
    return name->failed ? -1 : 0;
}

/* Merges the attributes of an object mapped by an inline shape into
 * `out`. */
static int merge_inline(const map_context *c, const json_t *shape, json_t *value, json_t *out)
{
    json_t *merged;
    int rc = map_shape(c, shape, value, &merged);
    if (rc != SOC2_OK)
        return rc;
    const char *key;
    json_t *item;
    json_object_foreach(merged, key, item) {
        if (rc == SOC2_OK && put_attribute(out, key, json_incref(item)) < 0)
            rc = error_nomem();
    }
    json_decref(merged);
    return rc;
}

/* Applies an object rule to one property. A "by" rule reads its selector
 * from `properties`, the object the property belongs to. */
static int apply_rule(const map_context *c, const json_t *rule, const char *property, json_t *value,
                      json_t *properties, json_t *out)
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
        rc = merge_inline(c, inline_shape, value, out);
    } else if (inline_shape && !cfn_is_unknown(c->template, value)) {
        rc = cfn_fail_at(c->template, c->pointer, NULL, -1, "%s must be an object, not %s",
                         property, value_kind(value));
    } else {
        json_t *converted;
        rc = convert_value(c, rule, property, value, &converted);
        if (rc == SOC2_OK && put_attribute(out, to, converted) < 0)
            rc = error_nomem();
    }
    sb_free(&name);
    return rc;
}

static int map_shape(const map_context *c, const json_t *shape, json_t *properties, json_t **out)
{
    json_t *rules = json_object_get(shape, "properties");
    strbuf name = STRBUF_INIT;
    *out = json_object();
    int rc = *out ? SOC2_OK : error_nomem();

    const char *property;
    json_t *value;
    json_object_foreach(properties, property, value) {
        if (rc != SOC2_OK)
            break;
        json_t *rule = json_object_get(rules, property);
        if (json_is_string(rule)) {
            if (put_attribute(*out, json_string_value(rule), json_incref(value)) < 0)
                rc = error_nomem();
        } else if (rule) {
            size_t mark = c->pointer->len;
            json_pointer_append(c->pointer, property);
            rc = c->pointer->failed ? error_nomem()
                                    : apply_rule(c, rule, property, value, properties, *out);
            sb_truncate(c->pointer, mark);
        } else if (snake_name(&name, property) < 0 ||
                   put_attribute(*out, sb_str(&name), json_incref(value)) < 0) {
            rc = error_nomem();
        }
    }

    const char *key;
    json_t *constant;
    json_object_foreach(json_object_get(shape, "set"), key, constant) {
        if (rc == SOC2_OK && json_object_set(*out, key, constant) < 0)
            rc = error_nomem();
    }
    json_object_foreach(json_object_get(shape, "defaults"), key, constant) {
        if (rc == SOC2_OK && !json_object_get(*out, key) && json_object_set(*out, key, constant) < 0)
            rc = error_nomem();
    }

    sb_free(&name);
    if (rc != SOC2_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int cfn_map_properties(const cfn_mapping *m, cfn_template *t, const char *cfn_type,
                       json_t *properties, strbuf *pointer, json_t **out)
{
    map_context c = {m, t, pointer};
    return map_shape(&c, json_object_get(m->types, cfn_type), properties, out);
}
