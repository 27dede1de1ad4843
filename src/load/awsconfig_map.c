/* Mapping AWS Config configuration items onto the canonical model, as the
 * table in src/load/mappings/aws-config.json describes. The table's format
 * is documented in its "_comment" member. Every attribute the table
 * creates records the JSON pointer of the value it came from. */
#include <stdlib.h>
#include <string.h>

#include "awsconfig.h"
#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/path.h"

/* URL decoding. */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the percent-encoding IAM applies to policy documents (RFC 3986:
 * a space is "%20", so "+" stays a plus sign). Sets *out to a new string,
 * or to NULL with *bad_offset at the first "%" not followed by two hex
 * digits (or -1 when the decoded bytes are not UTF-8). Returns 0, or -1
 * when memory runs out. */
static int url_decode(const char *text, size_t length, json_t **out, long *bad_offset)
{
    *out = NULL;
    char *decoded = malloc(length + 1);
    if (!decoded)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < length; i++) {
        if (text[i] != '%') {
            decoded[n++] = text[i];
            continue;
        }
        int high = i + 2 < length ? hex_digit(text[i + 1]) : -1;
        int low = i + 2 < length ? hex_digit(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            free(decoded);
            *bad_offset = (long)i;
            return 0;
        }
        decoded[n++] = (char)(high * 16 + low);
        i += 2;
    }
    *out = json_stringn(decoded, n);
    free(decoded);
    if (!*out && awsconfig_out_of_memory())
        return -1;
    if (!*out)
        *bad_offset = -1;
    return 0;
}

/* Mapping. */

/* A value on its way through a rule, with the place it came from. */
typedef struct sourced {
    json_t *value; /* borrowed, or owned when `owned` */
    int owned;
    awsconfig_place place;
} sourced;

typedef struct sourced_list {
    sourced *items;
    size_t count, cap;
    int is_list; /* whether the result is a list (otherwise items[0], if any) */
} sourced_list;

static void sourced_list_free(sourced_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].owned)
            json_decref(l->items[i].value);
        awsconfig_place_free(&l->items[i].place);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* Appends `value` (consumed when `owned`) found at `place`, extended by
 * `key` or `index` (NULL and a negative index add nothing). */
static int sourced_push(sourced_list *l, json_t *value, int owned, const awsconfig_place *place,
                        const char *key, long index)
{
    sourced s = {value, owned, {STRBUF_INIT, STRBUF_INIT, 0}};
    if (awsconfig_place_copy(&s.place, place) < 0)
        goto nomem;
    if (key)
        awsconfig_place_step(&s.place, key);
    else if (index >= 0)
        awsconfig_place_index(&s.place, (size_t)index);
    if (awsconfig_place_failed(&s.place) || ARRAY_PUSH(l->items, l->count, l->cap, s) < 0)
        goto nomem;
    return 0;

nomem:
    if (owned)
        json_decref(value);
    awsconfig_place_free(&s.place);
    return -1;
}

typedef struct map_context {
    soc2_loader *loader;
    const awsconfig_mapping *mapping;
    awsconfig_attrs *out;
    strbuf path;    /* the attribute path being written */
    int as_written; /* keep member names as written (a type the table does
                       not name) instead of their snake_case spelling */
    const json_t *object; /* the object whose members are being mapped */
} map_context;

static int map_shape(map_context *c, const json_t *shape, json_t *object, awsconfig_place *place,
                     json_t *out);

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

/* Returns whether each member named in `siblings` (member: sibling name)
 * of `element` equals the sibling member of `object`, which contains the
 * list. A sibling that is absent or null matches nothing. */
static int matches_siblings(const json_t *element, const json_t *siblings, const json_t *object)
{
    if (!json_is_object(element) || !json_object_size(siblings))
        return 0;
    const char *key;
    json_t *sibling;
    json_object_foreach((json_t *)siblings, key, sibling) {
        const json_t *wanted = json_object_get(object, json_string_value(sibling));
        if (!wanted || json_is_null(wanted) || !json_equal(json_object_get(element, key), wanted))
            return 0;
    }
    return 1;
}

static int matches_where(const json_t *element, const json_t *where)
{
    if (!json_is_object(element))
        return 0;
    const char *key;
    json_t *wanted;
    json_object_foreach((json_t *)where, key, wanted) {
        if (!json_equal(json_object_get(element, key), wanted))
            return 0;
    }
    return 1;
}

/* Selects the values a rule reads: the elements of a list (or the value
 * itself), filtered by "where" or "or_where_sibling" and narrowed by
 * "pluck" and "single". `object` contains the list. */
static int select_values(const json_t *rule, json_t *value, const awsconfig_place *place,
                         const json_t *object, sourced_list *out)
{
    const json_t *where = json_object_get(rule, "where");
    const json_t *siblings = json_object_get(rule, "or_where_sibling");
    const char *pluck = json_string_value(json_object_get(rule, "pluck"));
    out->is_list = json_is_array(value);

    sourced_list all = {0};
    int rc = 0;
    if (out->is_list) {
        for (size_t i = 0; i < json_array_size(value) && rc == 0; i++)
            rc = sourced_push(&all, json_array_get(value, i), 0, place, NULL, (long)i);
    } else {
        rc = sourced_push(&all, value, 0, place, NULL, -1);
    }

    for (size_t i = 0; i < all.count && rc == 0; i++) {
        json_t *v = all.items[i].value;
        if (where && !matches_where(v, where) && !matches_siblings(v, siblings, object))
            continue;
        if (pluck && json_is_object(v)) {
            json_t *member = json_object_get(v, pluck);
            if (member && !json_is_null(member))
                rc = sourced_push(out, member, 0, &all.items[i].place, pluck, -1);
        } else if (!json_is_null(v)) {
            rc = sourced_push(out, v, 0, &all.items[i].place, NULL, -1);
        }
        if (rc == 0 && json_is_true(json_object_get(rule, "single")) && out->count) {
            out->is_list = 0;
            break;
        }
    }
    if (json_is_true(json_object_get(rule, "single")))
        out->is_list = 0;
    sourced_list_free(&all);
    return rc < 0 ? error_nomem() : SOC2_OK;
}

/* Replaces each string by its URL-decoded text and cuts "strip_suffix"
 * from its end. */
static int transform_strings(map_context *c, const json_t *rule, const char *property,
                             sourced_list *values)
{
    int decode = json_object_get(rule, "decode") != NULL;
    const char *suffix = json_string_value(json_object_get(rule, "strip_suffix"));
    /* The message names the member that contains the text, such as
     * "document" of each element of policyVersionList. */
    const char *pluck = json_string_value(json_object_get(rule, "pluck"));
    const char *member = pluck ? pluck : property;
    for (size_t i = 0; i < values->count; i++) {
        sourced *s = &values->items[i];
        if (!json_is_string(s->value))
            continue;
        const char *text = json_string_value(s->value);
        size_t length = json_string_length(s->value);
        json_t *replaced = NULL;

        if (decode) {
            long bad = 0;
            if (url_decode(text, length, &replaced, &bad) < 0)
                return error_nomem();
            if (!replaced && bad >= 0)
                return awsconfig_fail(c->loader, &s->place,
                                      "%s is not a valid URL-encoded document: the \"%%\" at "
                                      "character %ld is not followed by two hexadecimal digits",
                                      member, bad + 1);
            if (!replaced)
                return awsconfig_fail(c->loader, &s->place,
                                      "%s is not a valid URL-encoded document: it decodes to "
                                      "bytes that are not UTF-8 text",
                                      member);
        }
        if (suffix) {
            const char *current = replaced ? json_string_value(replaced) : text;
            size_t current_length = replaced ? json_string_length(replaced) : length;
            size_t suffix_length = strlen(suffix);
            if (current_length >= suffix_length &&
                memcmp(current + current_length - suffix_length, suffix, suffix_length) == 0) {
                json_t *cut = json_stringn(current, current_length - suffix_length);
                json_decref(replaced);
                if (!(replaced = cut))
                    return error_nomem();
            }
        }
        if (replaced) {
            if (s->owned)
                json_decref(s->value);
            s->value = replaced;
            s->owned = 1;
        }
    }
    return SOC2_OK;
}

/* Chooses the attribute name: "prefixes" by the start of a string value,
 * then "to", then the snake_case spelling of the property. */
static int attribute_name(const json_t *rule, const char *property, const sourced_list *values,
                          strbuf *name)
{
    const json_t *prefixes = json_object_get(rule, "prefixes");
    const char *chosen = NULL;
    size_t chosen_length = 0;
    if (prefixes && values->count && json_is_string(values->items[0].value)) {
        const char *text = json_string_value(values->items[0].value);
        const char *prefix;
        json_t *attribute;
        json_object_foreach((json_t *)prefixes, prefix, attribute) {
            size_t n = strlen(prefix);
            if (strncmp(text, prefix, n) == 0 && n >= chosen_length) {
                chosen = json_string_value(attribute);
                chosen_length = n;
            }
        }
    }
    if (!chosen)
        chosen = json_string_value(json_object_get(rule, "to"));
    sb_reset(name);
    if (chosen)
        sb_puts(name, chosen);
    else
        cfn_snake_case(name, property);
    return name->failed ? -1 : 0;
}

/* Turns [{k: key, v: value}, ...] into {key: value, ...}; a list of any
 * other form is kept as written. Returns a new reference or NULL. */
static json_t *pairs_to_object(const json_t *names, json_t *list)
{
    const char *key_name = json_string_value(json_array_get(names, 0));
    const char *value_name = json_string_value(json_array_get(names, 1));
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (!json_is_string(json_object_get(item, key_name)))
            return json_incref(list);
    }
    json_t *object = json_object();
    json_array_foreach(list, i, item) {
        if (!object)
            break;
        json_t *v = json_object_get(item, value_name);
        if (json_object_set(object, json_string_value(json_object_get(item, key_name)),
                            v ? v : json_null()) < 0) {
            json_decref(object);
            object = NULL;
        }
    }
    return object;
}

/* Maps one value by a block shape into the element `index` of the
 * attribute list at c->path. *out is NULL when the element maps to no
 * attribute at all, because Config writes null for what is not set. */
static int map_block_element(map_context *c, const json_t *shape, const char *property,
                             sourced *s, size_t index, json_t **out)
{
    *out = NULL;
    if (!json_is_object(s->value))
        return awsconfig_fail(c->loader, &s->place,
                              "%s must be an object or a list of objects, not %s", property,
                              value_kind(s->value));
    json_t *mapped = json_object();
    if (!mapped)
        return error_nomem();
    size_t mark = c->path.len;
    path_append_index(&c->path, index);
    int rc = c->path.failed ? error_nomem() : map_shape(c, shape, s->value, &s->place, mapped);
    if (rc == SOC2_OK && json_object_size(mapped) &&
        awsconfig_attrs_source(c->out, sb_str(&c->path), &s->place, NULL) < 0)
        rc = error_nomem();
    sb_truncate(&c->path, mark);
    if (rc != SOC2_OK || !json_object_size(mapped)) {
        json_decref(mapped);
        return rc;
    }
    *out = mapped;
    return SOC2_OK;
}

static int list_contains(const json_t *list, const json_t *value)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (json_equal(json_array_get(list, i), value))
            return 1;
    return 0;
}

/* Writes the selected values to the attribute at c->path in `out`: a list
 * (extending a list already there, without repeating a scalar it has) or
 * one value. */
static int write_attribute(map_context *c, const json_t *rule, const char *property,
                           sourced_list *values, const awsconfig_place *place, const char *name,
                           json_t *out)
{
    const json_t *block = awsconfig_lookup_shape(c->mapping, json_object_get(rule, "block"));
    const json_t *replacements = json_object_get(rule, "values");
    int as_list = values->is_list || block || json_is_true(json_object_get(rule, "wrap"));

    if (!as_list) {
        if (!values->count)
            return SOC2_OK;
        sourced *s = &values->items[0];
        json_t *value = json_incref(s->value);
        if (json_is_string(value) && json_object_get(replacements, json_string_value(value))) {
            json_t *replaced = json_object_get(replacements, json_string_value(value));
            json_decref(value);
            value = json_incref(replaced);
        }
        if (json_object_set_new(out, name, value) < 0 ||
            awsconfig_attrs_source(c->out, sb_str(&c->path), &s->place, value) < 0)
            return error_nomem();
        return SOC2_OK;
    }

    /* A list already there may be shared with the document: extend a
     * copy. */
    json_t *existing = json_object_get(out, name);
    int extending = json_is_array(existing);
    json_t *list = extending ? json_copy(existing) : json_array();
    if (!list || json_object_set_new(out, name, list) < 0)
        return error_nomem();
    if (!extending && awsconfig_attrs_source(c->out, sb_str(&c->path), place, NULL) < 0)
        return error_nomem();

    for (size_t i = 0; i < values->count; i++) {
        sourced *s = &values->items[i];
        size_t index = json_array_size(list);
        json_t *element;
        if (block) {
            int rc = map_block_element(c, block, property, s, index, &element);
            if (rc != SOC2_OK)
                return rc;
            if (!element)
                continue;
        } else {
            element = json_incref(s->value);
            if (json_is_string(element) &&
                json_object_get(replacements, json_string_value(element))) {
                json_decref(element);
                element = json_incref(json_object_get(replacements, json_string_value(s->value)));
            }
            if (!json_is_object(element) && !json_is_array(element) &&
                list_contains(list, element)) {
                json_decref(element);
                continue;
            }
        }
        if (json_array_append_new(list, element) < 0)
            return error_nomem();
        if (!block) {
            size_t mark = c->path.len;
            path_append_index(&c->path, index);
            int failed = c->path.failed ||
                         awsconfig_attrs_source(c->out, sb_str(&c->path), &s->place, element) < 0;
            sb_truncate(&c->path, mark);
            if (failed)
                return error_nomem();
        }
    }
    return SOC2_OK;
}

/* Stores a value as written under `name`. */
static int copy_attribute(map_context *c, const char *name, json_t *value,
                          const awsconfig_place *place, json_t *out)
{
    size_t mark = c->path.len;
    path_append_key(&c->path, name);
    int rc = c->path.failed || json_object_set(out, name, value) < 0 ||
                     awsconfig_attrs_source(c->out, sb_str(&c->path), place, value) < 0
                 ? error_nomem()
                 : SOC2_OK;
    sb_truncate(&c->path, mark);
    return rc;
}

/* Records the place of the unset attribute `name` without setting it. */
static int note_unset(map_context *c, const char *name, const awsconfig_place *place)
{
    size_t mark = c->path.len;
    path_append_key(&c->path, name);
    int rc = c->path.failed || awsconfig_attrs_source(c->out, sb_str(&c->path), place,
                                                      json_null()) < 0
                 ? error_nomem()
                 : SOC2_OK;
    sb_truncate(&c->path, mark);
    return rc;
}

static int apply_rule(map_context *c, const json_t *rule, const char *property, json_t *value,
                      awsconfig_place *place, json_t *out)
{
    const json_t *inline_shape =
        awsconfig_lookup_shape(c->mapping, json_object_get(rule, "inline"));
    if (inline_shape) {
        if (!json_is_object(value))
            return awsconfig_fail(c->loader, place, "%s must be an object, not %s", property,
                                  value_kind(value));
        return map_shape(c, inline_shape, value, place, out);
    }

    const json_t *pairs = json_object_get(rule, "pairs");
    if (pairs) {
        json_t *object = json_is_array(value) ? pairs_to_object(pairs, value) : json_incref(value);
        strbuf pair_name = STRBUF_INIT;
        sourced_list none = {0};
        int rc = object && attribute_name(rule, property, &none, &pair_name) == 0
                     ? copy_attribute(c, sb_str(&pair_name), object, place, out)
                     : error_nomem();
        json_decref(object);
        sb_free(&pair_name);
        return rc;
    }

    sourced_list values = {0};
    strbuf name = STRBUF_INIT;
    int rc = select_values(rule, value, place, c->object, &values);
    if (rc == SOC2_OK)
        rc = transform_strings(c, rule, property, &values);
    if (rc == SOC2_OK && attribute_name(rule, property, &values, &name) < 0)
        rc = error_nomem();
    if (rc == SOC2_OK) {
        size_t mark = c->path.len;
        path_append_key(&c->path, sb_str(&name));
        rc = c->path.failed
                 ? error_nomem()
                 : write_attribute(c, rule, property, &values, place, sb_str(&name), out);
        sb_truncate(&c->path, mark);
    }
    sb_free(&name);
    sourced_list_free(&values);
    return rc;
}

/* Maps one member of an object by its rule in `rules`; `place` is the
 * member's place. */
static int map_member(map_context *c, const json_t *rules, const char *property, json_t *value,
                      awsconfig_place *place, json_t *out)
{
    /* Config writes null for a setting that is not set. The attribute stays
     * absent, but a renamed member keeps its place, so that a finding on
     * the missing setting points at the null Config wrote. */
    json_t *rule = json_object_get(rules, property);
    if (json_is_null(value))
        return json_is_string(rule) ? note_unset(c, json_string_value(rule), place) : SOC2_OK;

    if (json_is_string(rule))
        return copy_attribute(c, json_string_value(rule), value, place, out);
    if (rule)
        return apply_rule(c, rule, property, value, place, out);

    if (c->as_written)
        return copy_attribute(c, property, value, place, out);
    strbuf name = STRBUF_INIT;
    cfn_snake_case(&name, property);
    int rc = name.failed ? error_nomem() : copy_attribute(c, sb_str(&name), value, place, out);
    sb_free(&name);
    return rc;
}

/* Adds the shape's "set" and "defaults" attributes. */
static int add_constants(const json_t *shape, json_t *out)
{
    const char *key;
    json_t *constant;
    json_object_foreach(json_object_get(shape, "set"), key, constant) {
        if (json_object_set_new(out, key, json_deep_copy(constant)) < 0)
            return error_nomem();
    }
    json_object_foreach(json_object_get(shape, "defaults"), key, constant) {
        if (!json_object_get(out, key) &&
            json_object_set_new(out, key, json_deep_copy(constant)) < 0)
            return error_nomem();
    }
    return SOC2_OK;
}

static int map_shape(map_context *c, const json_t *shape, json_t *object, awsconfig_place *place,
                     json_t *out)
{
    const json_t *rules = json_object_get(shape, "properties");
    const json_t *outer = c->object;
    c->object = object;
    int rc = SOC2_OK;
    const char *property;
    json_t *value;
    json_object_foreach(object, property, value) {
        size_t mark = awsconfig_place_step(place, property);
        rc = awsconfig_place_failed(place) ? error_nomem()
                                           : map_member(c, rules, property, value, place, out);
        awsconfig_place_restore(place, mark);
        if (rc != SOC2_OK)
            break;
    }
    c->object = outer;
    return rc != SOC2_OK ? rc : add_constants(shape, out);
}

/* Maps the supplementary configuration. The Config API returns each value
 * as a JSON text, and snapshots hold some values so (AccessControlList):
 * a string that holds JSON is parsed and mapped at the string's pointer.
 * Other strings are kept. */
static int map_supplementary(map_context *c, const json_t *shape, json_t *supplementary,
                             const awsconfig_place *place, json_t *out)
{
    const json_t *rules = json_object_get(shape, "properties");
    const char *key;
    json_t *value;
    json_object_foreach(supplementary, key, value) {
        awsconfig_place at;
        json_t *parsed = NULL;
        int nomem = 0;
        if (json_is_string(value))
            parsed = awsconfig_parse_string(json_string_value(value), json_string_length(value),
                                            &nomem);
        if (nomem || awsconfig_place_copy(&at, place) < 0) {
            json_decref(parsed);
            if (!nomem)
                awsconfig_place_free(&at);
            return error_nomem();
        }
        awsconfig_place_step(&at, key);
        if (parsed && !at.in_string) {
            at.in_string = 1;
            sb_reset(&at.inner);
        }
        int rc = awsconfig_place_failed(&at)
                     ? error_nomem()
                     : map_member(c, rules, key, parsed ? parsed : value, &at, out);
        awsconfig_place_free(&at);
        json_decref(parsed);
        if (rc != SOC2_OK)
            return rc;
    }
    return add_constants(shape, out);
}

int awsconfig_map_item(soc2_loader *loader, const awsconfig_mapping *mapping,
                       const char *aws_type, json_t *configuration,
                       awsconfig_place *configuration_place, json_t *supplementary,
                       awsconfig_place *supplementary_place, awsconfig_attrs *out)
{
    const json_t *entry = json_object_get(mapping->types, aws_type);
    /* A type the table does not name keeps its members as written. */
    map_context c = {loader, mapping, out, STRBUF_INIT, entry == NULL};
    int rc = map_shape(&c, json_object_get(entry, "configuration"), configuration,
                       configuration_place, out->attrs);
    if (rc == SOC2_OK && supplementary)
        rc = map_supplementary(&c, json_object_get(entry, "supplementary"), supplementary,
                               supplementary_place, out->attrs);
    sb_free(&c.path);
    return rc;
}
