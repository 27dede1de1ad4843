/* The built-in AWS Config mapping table,
 * src/load/mappings/aws-config.json: loading it and checking its shape.
 * The table's format is documented in its "_comment" member. */
#include <string.h>

#include "awsconfig.h"
#include "../core/error.h"
#include "../util/embedded.h"

#define MAPPING_FILE "aws-config.json"

/* Checking the table. */

static int mapping_error(const char *where, const char *problem)
{
    return error_set(SOC2_ERROR, "the built-in AWS Config mapping (%s) is invalid: %s: %s",
                     MAPPING_FILE, where, problem);
}

/* Named shapes may nest. Deeper nesting than this is taken for a cycle. */
#define MAX_SHAPE_DEPTH 16

static int check_shape(const awsconfig_mapping *m, const json_t *shape, const char *where,
                       int depth);

const json_t *awsconfig_lookup_shape(const awsconfig_mapping *m, const json_t *value)
{
    if (json_is_string(value))
        return m->shapes ? json_object_get(m->shapes, json_string_value(value)) : NULL;
    return json_is_object(value) ? value : NULL;
}

static int is_string_map(const json_t *value)
{
    if (!json_is_object(value))
        return 0;
    const char *key;
    json_t *item;
    json_object_foreach((json_t *)value, key, item) {
        if (!json_is_string(item))
            return 0;
    }
    return 1;
}

static int is_string_list(const json_t *value)
{
    if (!json_is_array(value))
        return 0;
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        if (!json_is_string(item))
            return 0;
    }
    return 1;
}

static int check_rule_member(const awsconfig_mapping *m, const char *key, const json_t *value,
                             const char *where, int depth, int *ok)
{
    if (strcmp(key, "to") == 0 || strcmp(key, "pluck") == 0 ||
        strcmp(key, "strip_suffix") == 0) {
        *ok = json_is_string(value);
    } else if (strcmp(key, "wrap") == 0 || strcmp(key, "single") == 0) {
        *ok = json_is_boolean(value);
    } else if (strcmp(key, "values") == 0 || strcmp(key, "where") == 0) {
        *ok = json_is_object(value);
    } else if (strcmp(key, "or_where_sibling") == 0) {
        *ok = is_string_map(value);
    } else if (strcmp(key, "prefixes") == 0) {
        *ok = is_string_map(value);
    } else if (strcmp(key, "decode") == 0) {
        *ok = json_is_string(value) && strcmp(json_string_value(value), "url") == 0;
    } else if (strcmp(key, "pairs") == 0) {
        *ok = json_array_size(value) == 2 && json_is_string(json_array_get(value, 0)) &&
              json_is_string(json_array_get(value, 1));
    } else if (strcmp(key, "block") == 0 || strcmp(key, "inline") == 0) {
        const json_t *shape = awsconfig_lookup_shape(m, value);
        if (!shape)
            return mapping_error(where, "\"block\" or \"inline\" names no shape");
        *ok = 1;
        return check_shape(m, shape, where, depth + 1);
    } else {
        return mapping_error(where, "a rule has an unknown member");
    }
    return SOC2_OK;
}

static int check_rule(const awsconfig_mapping *m, const json_t *rule, const char *where,
                      int depth)
{
    if (json_is_string(rule))
        return SOC2_OK;
    if (!json_is_object(rule))
        return mapping_error(where, "a rule must be an attribute name or an object");

    const char *key;
    json_t *value;
    json_object_foreach((json_t *)rule, key, value) {
        int ok = 0;
        int rc = check_rule_member(m, key, value, where, depth, &ok);
        if (rc != SOC2_OK)
            return rc;
        if (!ok)
            return mapping_error(where, "a rule member has the wrong type");
    }
    if (json_object_get(rule, "inline") && json_object_size(rule) != 1)
        return mapping_error(where, "an \"inline\" rule has no other member");
    return SOC2_OK;
}

static int check_shape(const awsconfig_mapping *m, const json_t *shape, const char *where,
                       int depth)
{
    if (depth > MAX_SHAPE_DEPTH)
        return mapping_error(where, "shapes nest too deeply; do they name each other?");
    if (!json_is_object(shape))
        return mapping_error(where, "a shape must be an object");
    const char *member;
    json_t *ignored;
    json_object_foreach((json_t *)shape, member, ignored) {
        if (member[0] != '_' && strcmp(member, "properties") != 0 && strcmp(member, "set") != 0 &&
            strcmp(member, "defaults") != 0)
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

static int check_type(const awsconfig_mapping *m, const char *name, const json_t *entry)
{
    if (!json_is_object(entry) || !json_is_string(json_object_get(entry, "type")))
        return mapping_error(name, "a type entry needs a \"type\" string");
    const char *member;
    json_t *value;
    json_object_foreach((json_t *)entry, member, value) {
        int rc = SOC2_OK;
        if (strcmp(member, "configuration") == 0 || strcmp(member, "supplementary") == 0)
            rc = check_shape(m, value, name, 0);
        else if (strcmp(member, "item") == 0 && !is_string_map(value))
            rc = mapping_error(name, "\"item\" must map item members to attribute names");
        else if (strcmp(member, "unrecorded") == 0 && !is_string_list(value))
            rc = mapping_error(name, "\"unrecorded\" must list attribute names");
        else if (member[0] != '_' && strcmp(member, "type") != 0 && strcmp(member, "item") != 0 &&
                 strcmp(member, "unrecorded") != 0)
            rc = mapping_error(name, "a type entry has an unknown member");
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

static int check_table(const awsconfig_mapping *m)
{
    if (!json_is_object(m->types))
        return mapping_error("the top level", "\"types\" must be an object");
    if (m->shapes && !json_is_object(m->shapes))
        return mapping_error("the top level", "\"shapes\" must be an object");
    if (m->item && !is_string_map(m->item))
        return mapping_error("the top level", "\"item\" must map item members to attribute names");

    const char *name;
    json_t *entry;
    json_object_foreach(m->types, name, entry) {
        int rc = check_type(m, name, entry);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

int awsconfig_mapping_load(awsconfig_mapping *m)
{
    memset(m, 0, sizeof(*m));
    const struct embedded_file *file = soc2_awsconfig_mapping_files;
    while (file->name && strcmp(file->name, MAPPING_FILE) != 0)
        file++;
    if (!file->name)
        return error_set(SOC2_ERROR, "the built-in AWS Config mapping %s is missing",
                         MAPPING_FILE);

    json_error_t err;
    m->root = json_loadb(file->data, file->length, JSON_REJECT_DUPLICATES, &err);
    /* build-aux/embed.py checked that the text is JSON, but not for
     * duplicate keys. Any other failure means memory ran out. */
    if (!m->root)
        return json_error_code(&err) == json_error_duplicate_key
                   ? mapping_error("the text", err.text)
                   : error_nomem();
    m->types = json_object_get(m->root, "types");
    m->shapes = json_object_get(m->root, "shapes");
    m->item = json_object_get(m->root, "item");
    int rc = check_table(m);
    if (rc != SOC2_OK)
        awsconfig_mapping_free(m);
    return rc;
}

void awsconfig_mapping_free(awsconfig_mapping *m)
{
    json_decref(m->root);
    memset(m, 0, sizeof(*m));
}

const char *awsconfig_mapping_type(const awsconfig_mapping *m, const char *aws_type)
{
    return json_string_value(json_object_get(json_object_get(m->types, aws_type), "type"));
}
