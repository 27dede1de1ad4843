/* The native adapter: reads libsoc2's own JSON resource list
 * (docs/native-format.md), which tools that collect resources themselves
 * write directly in the canonical model.
 *
 * Only the member "format": "libsoc2-native" identifies the format, so
 * detection never guesses. The adapter checks every member and rejects
 * those it does not know, so that a misspelt member never passes silently.
 * Resources are read in one pass; relations are resolved in a second pass,
 * once every address and ID of the document is known. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>

#include "loader.h"
#include "../core/error.h"
#include "../util/jsonpos.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/strmap.h"

#define NATIVE_FORMAT "libsoc2-native"
#define NATIVE_VERSION 1

/* Members of a resource kept as attributes. libsoc2 reserves their names,
 * which providers do not use: the AWS provider has `region` and `account_id`
 * arguments, so the plain names would clash. */
static const struct {
    const char *member;
    const char *attribute;
} kept_members[] = {
    {"provider", "_provider"},
    {"account", "_account"},
    {"region", "_region"},
};

#define KEPT_MEMBER_COUNT (sizeof(kept_members) / sizeof(kept_members[0]))

static const char *const document_members[] = {"format", "version", "resources", NULL};
static const char *const resource_members[] = {
    "type", "id", "address", "provider", "account", "region",
    "attributes", "unknown", "relations", NULL,
};
static const char *const relation_members[] = {"attribute", "target", "ambiguous", NULL};

int native_detect(const json_t *root)
{
    const char *format = json_string_value(json_object_get(root, "format"));
    return format && strcmp(format, NATIVE_FORMAT) == 0;
}

typedef struct native_reader {
    soc2_loader *loader;
    strbuf pointer;    /* JSON pointer of the value being read */
    strmap by_id;      /* provider ID -> the first resource with it */
    strmap shared_ids; /* IDs that several resources have -> the second one */
} native_reader;

static const char *json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
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

/* Pointers and errors. */

static size_t enter(native_reader *nr, const char *member)
{
    size_t mark = nr->pointer.len;
    json_pointer_append(&nr->pointer, member);
    return mark;
}

static size_t enter_index(native_reader *nr, size_t index)
{
    size_t mark = nr->pointer.len;
    json_pointer_append_index(&nr->pointer, index);
    return mark;
}

static void leave(native_reader *nr, size_t mark)
{
    sb_truncate(&nr->pointer, mark);
}

/* Records an error about the value at the current pointer, or, when
 * `member` is not NULL, about that member of it. */
static int fail_at(native_reader *nr, int code, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(native_reader *nr, int code, const char *member, const char *fmt, ...)
{
    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);

    size_t mark = member ? enter(nr, member) : nr->pointer.len;
    int rc = code;
    if (message.failed || nr->pointer.failed)
        rc = error_nomem();
    else
        loader_fail(nr->loader, code, sb_str(&nr->pointer), "%s", sb_str(&message));
    leave(nr, mark);
    sb_free(&message);
    return rc;
}

/* Members. */

/* Checks that an object has only the members in `allowed` (NULL-terminated)
 * and "$comment", which may hold any value. */
static int check_members(native_reader *nr, const json_t *object, const char *const *allowed,
                         const char *what)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)object, key, value) {
        int known = strcmp(key, "$comment") == 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, key) == 0;
        if (known)
            continue;

        strbuf expected = STRBUF_INIT;
        for (const char *const *a = allowed; *a; a++)
            sb_printf(&expected, "%s, ", *a);
        int rc = fail_at(nr, SOC2_EFORMAT, key,
                         "unknown member \"%s\" in %s (expected %s$comment)", key, what,
                         sb_str(&expected));
        sb_free(&expected);
        return rc;
    }
    return SOC2_OK;
}

/* Reads a string member of the object at the current pointer. Sets *out to
 * NULL when the member is absent, which fails when it is `required`. A
 * present member must be a non-empty string without NUL characters. */
static int get_string(native_reader *nr, const json_t *object, const char *member,
                      int required, const char **out)
{
    const json_t *value = json_object_get(object, member);
    *out = NULL;
    if (!value && required)
        return fail_at(nr, SOC2_EFORMAT, NULL, "the required member \"%s\" is missing", member);
    if (!value)
        return SOC2_OK;
    if (!json_is_string(value))
        return fail_at(nr, SOC2_EFORMAT, member, "\"%s\" must be a string, not %s", member,
                       json_kind(value));
    if (json_string_length(value) == 0)
        return fail_at(nr, SOC2_EFORMAT, member, "\"%s\" must not be empty", member);
    if (strlen(json_string_value(value)) != json_string_length(value))
        return fail_at(nr, SOC2_EFORMAT, member, "\"%s\" must not contain a NUL character",
                       member);
    *out = json_string_value(value);
    return SOC2_OK;
}

/* Reads an optional object or array member; *out is NULL when absent. */
static int get_container(native_reader *nr, const json_t *object, const char *member,
                         json_type type, const json_t **out)
{
    const json_t *value = json_object_get(object, member);
    *out = NULL;
    if (value && json_typeof(value) != type)
        return fail_at(nr, SOC2_EFORMAT, member, "\"%s\" must be %s, not %s", member,
                       type == JSON_OBJECT ? "an object" : "an array", json_kind(value));
    *out = value;
    return SOC2_OK;
}

/* Returns whether `type` is spelt like the AWS provider's Terraform
 * resource types: a lowercase letter, then lowercase letters, digits and
 * underscores. */
static int is_type_name(const char *type)
{
    if (!(*type >= 'a' && *type <= 'z'))
        return 0;
    for (const char *p = type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

/* Attribute paths. */

/* Parses an attribute path (the value at the current pointer) and renders
 * it in canonical spelling into `canonical`, so that `["vpc_id"]` and
 * `vpc_id` name the same attribute wherever paths are compared as text.
 * The path must start with an attribute name: an empty path would name the
 * whole resource, and an index its attributes object. */
static int read_attribute_path(native_reader *nr, const char *text, attr_path *path,
                               strbuf *canonical)
{
    if (!*text)
        return fail_at(nr, SOC2_EFORMAT, NULL, "an attribute path must not be empty");

    strbuf reason = STRBUF_INIT;
    int rc = SOC2_OK;
    if (path_parse(path, text, &reason) < 0 && reason.failed)
        rc = error_nomem();
    else if (reason.len)
        rc = fail_at(nr, SOC2_EFORMAT, NULL, "%s", sb_str(&reason));
    sb_free(&reason);
    if (rc != SOC2_OK)
        return rc;
    if (!path->steps[0].key) {
        path_free(path);
        return fail_at(nr, SOC2_EFORMAT, NULL,
                       "attribute path \"%s\" must start with an attribute name, not an index",
                       text);
    }

    sb_reset(canonical);
    for (size_t i = 0; i < path->count; i++) {
        if (path->steps[i].key)
            path_append_key(canonical, path->steps[i].key);
        else
            path_append_index(canonical, path->steps[i].index);
    }
    if (canonical->failed) {
        path_free(path);
        return error_nomem();
    }
    return SOC2_OK;
}

/* Unknown values. */

static const json_t *child_at(const json_t *value, const path_step *step)
{
    return step->key ? json_object_get(value, step->key) : json_array_get(value, step->index);
}

static int fits_step(const json_t *container, const path_step *step)
{
    return step->key ? json_is_object(container) : json_is_array(container);
}

/* Checks one unknown path against the attributes and against the mask of
 * the unknown paths before it. Every value on the way must be a container
 * of the kind the next step needs. The value itself must be absent or null,
 * because an unknown value has no value yet. */
static int check_unknown_path(native_reader *nr, const attr_path *path, const char *canonical,
                              const json_t *attrs, const json_t *mask)
{
    const json_t *value = attrs, *marked = mask;
    strbuf walked = STRBUF_INIT;
    int rc = SOC2_OK;

    for (size_t i = 0; i < path->count && rc == SOC2_OK; i++) {
        const path_step *step = &path->steps[i];
        if (json_is_true(marked))
            break; /* an earlier path marks this whole value unknown */

        const char *where = sb_str(&walked);
        const char *needed = step->key ? "an object" : "an array";
        if (value && !json_is_null(value) && !fits_step(value, step))
            rc = fail_at(nr, SOC2_EFORMAT, NULL,
                         "unknown path \"%s\" does not fit the attributes: %s is %s, not %s",
                         canonical, where, json_kind(value), needed);
        else if ((json_is_object(marked) || json_is_array(marked)) && !fits_step(marked, step))
            rc = fail_at(nr, SOC2_EFORMAT, NULL,
                         "unknown path \"%s\" does not fit an earlier unknown path, which "
                         "makes %s %s",
                         canonical, where, json_kind(marked));

        value = child_at(value, step);
        marked = child_at(marked, step);
        if (step->key)
            path_append_key(&walked, step->key);
        else
            path_append_index(&walked, step->index);
    }

    if (rc == SOC2_OK && value && !json_is_null(value) && !json_is_true(marked))
        rc = fail_at(nr, SOC2_EFORMAT, NULL,
                     "attribute \"%s\" has a value, but \"unknown\" lists it; leave the value "
                     "out or set it to null",
                     canonical);
    if (rc == SOC2_OK && walked.failed)
        rc = error_nomem();
    sb_free(&walked);
    return rc;
}

/* Returns the resource member that the attribute named by the first step
 * of `path` comes from ("id", "provider", ...), or NULL. */
static const char *member_of_attribute(const attr_path *path)
{
    const char *first = path->steps[0].key;
    if (!first)
        return NULL;
    if (strcmp(first, "id") == 0)
        return "id";
    for (size_t i = 0; i < KEPT_MEMBER_COUNT; i++)
        if (strcmp(first, kept_members[i].attribute) == 0)
            return kept_members[i].member;
    return NULL;
}

/* Builds the unknown-value mask from the "unknown" list (the current
 * pointer is at the list), checking each path against `attrs`, the
 * resource's attributes with its ID and kept members. Appends each path in
 * canonical spelling to `paths`, an array. */
static int read_unknown(native_reader *nr, const json_t *unknown, const json_t *attrs,
                        json_t **mask, json_t *paths)
{
    strbuf canonical = STRBUF_INIT;
    int rc = SOC2_OK;
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(unknown); i++) {
        const json_t *item = json_array_get(unknown, i);
        size_t mark = enter_index(nr, i);
        attr_path path = {0};
        const char *member = NULL;

        if (!json_is_string(item))
            rc = fail_at(nr, SOC2_EFORMAT, NULL, "an unknown path must be a string, not %s",
                         json_kind(item));
        if (rc == SOC2_OK)
            rc = read_attribute_path(nr, json_string_value(item), &path, &canonical);
        if (rc == SOC2_OK && (member = member_of_attribute(&path)))
            rc = fail_at(nr, SOC2_EFORMAT, NULL,
                         "\"%s\" cannot be unknown: it comes from the resource's \"%s\" member",
                         sb_str(&canonical), member);
        if (rc == SOC2_OK)
            rc = check_unknown_path(nr, &path, sb_str(&canonical), attrs, *mask);
        if (rc == SOC2_OK && (mask_mark_unknown(mask, sb_str(&canonical)) < 0 ||
                              json_array_append_new(paths, json_string(sb_str(&canonical))) < 0))
            rc = error_nomem();

        path_free(&path);
        leave(nr, mark);
    }
    sb_free(&canonical);
    return rc;
}

/* Records where each value of the resource comes from: its attributes, its
 * ID and kept members when they are not among the attributes, and each
 * unknown value, at its entry of the "unknown" list. `pointer` is the
 * resource's own pointer; `unknown_paths` the canonical unknown paths. */
static int map_sources(soc2_resource *r, const json_t *item, int id_added, const char *pointer,
                       const json_t *unknown_paths)
{
    strbuf at = STRBUF_INIT;
    int failed = resource_set_source(r, pointer) < 0;

    sb_printf(&at, "%s/attributes", pointer);
    failed |= at.failed || resource_map_source(r, "", sb_str(&at)) < 0;
    if (id_added) {
        sb_reset(&at);
        sb_printf(&at, "%s/id", pointer);
        failed |= at.failed || resource_map_source(r, "id", sb_str(&at)) < 0;
    }
    for (size_t i = 0; i < KEPT_MEMBER_COUNT; i++) {
        if (!json_object_get(item, kept_members[i].member))
            continue;
        sb_reset(&at);
        sb_printf(&at, "%s/%s", pointer, kept_members[i].member);
        failed |= at.failed || resource_map_source(r, kept_members[i].attribute, sb_str(&at)) < 0;
    }
    for (size_t i = 0; i < json_array_size(unknown_paths); i++) {
        sb_reset(&at);
        sb_printf(&at, "%s/unknown/%zu", pointer, i);
        failed |= at.failed ||
                  resource_map_source(r, json_string_value(json_array_get(unknown_paths, i)),
                                      sb_str(&at)) < 0;
    }
    sb_free(&at);
    return failed ? error_nomem() : SOC2_OK;
}

/* Resources. */

/* Builds the attributes of a resource: a copy of its "attributes" (which
 * may be NULL) with the ID and the kept members added. An "id" among the
 * attributes must equal the resource's; the kept members' attribute names
 * are reserved. */
static int build_attributes(native_reader *nr, const json_t *item, const json_t *attributes,
                            const char *id, json_t **out, int *id_added)
{
    size_t mark = enter(nr, "attributes");
    int rc = SOC2_OK;
    for (size_t i = 0; rc == SOC2_OK && i < KEPT_MEMBER_COUNT; i++)
        if (json_object_get(attributes, kept_members[i].attribute))
            rc = fail_at(nr, SOC2_EFORMAT, kept_members[i].attribute,
                         "the attribute name \"%s\" is reserved for the resource's \"%s\" "
                         "member",
                         kept_members[i].attribute, kept_members[i].member);

    const json_t *id_attribute = json_object_get(attributes, "id");
    if (rc == SOC2_OK && id_attribute &&
        !(json_is_string(id_attribute) && json_string_length(id_attribute) == strlen(id) &&
          strcmp(json_string_value(id_attribute), id) == 0))
        rc = fail_at(nr, SOC2_EFORMAT, "id",
                     "attribute \"id\" differs from the resource's \"id\" \"%s\"; leave it out "
                     "or make the two equal",
                     id);
    leave(nr, mark);
    if (rc != SOC2_OK)
        return rc;

    json_t *attrs = attributes ? json_copy((json_t *)attributes) : json_object();
    int failed =
        !attrs || (!id_attribute && json_object_set_new(attrs, "id", json_string(id)) < 0);
    for (size_t i = 0; !failed && i < KEPT_MEMBER_COUNT; i++) {
        json_t *value = json_object_get(item, kept_members[i].member);
        failed = value && json_object_set(attrs, kept_members[i].attribute, value) < 0;
    }
    if (failed) {
        json_decref(attrs);
        return error_nomem();
    }
    *out = attrs;
    *id_added = !id_attribute;
    return SOC2_OK;
}

/* Checks a relation's shape; it is resolved once every resource is read. */
static int check_relation(native_reader *nr, const json_t *relation, strbuf *canonical)
{
    if (!json_is_object(relation))
        return fail_at(nr, SOC2_EFORMAT, NULL, "a relation must be an object, not %s",
                       json_kind(relation));

    const char *attribute, *target;
    int rc = check_members(nr, relation, relation_members, "a relation");
    if (rc == SOC2_OK)
        rc = get_string(nr, relation, "attribute", 1, &attribute);
    if (rc == SOC2_OK)
        rc = get_string(nr, relation, "target", 1, &target);
    if (rc != SOC2_OK)
        return rc;

    const json_t *ambiguous = json_object_get(relation, "ambiguous");
    if (ambiguous && !json_is_boolean(ambiguous))
        return fail_at(nr, SOC2_EFORMAT, "ambiguous", "\"ambiguous\" must be a boolean, not %s",
                       json_kind(ambiguous));

    attr_path path;
    size_t mark = enter(nr, "attribute");
    rc = read_attribute_path(nr, attribute, &path, canonical);
    leave(nr, mark);
    if (rc == SOC2_OK)
        path_free(&path);
    return rc;
}

static int check_relations(native_reader *nr, const json_t *relations)
{
    strbuf canonical = STRBUF_INIT;
    size_t mark = enter(nr, "relations");
    int rc = SOC2_OK;
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(relations); i++) {
        size_t item_mark = enter_index(nr, i);
        rc = check_relation(nr, json_array_get(relations, i), &canonical);
        leave(nr, item_mark);
    }
    leave(nr, mark);
    sb_free(&canonical);
    return rc;
}

static int index_id(native_reader *nr, const char *id, soc2_resource *r)
{
    if (!strmap_get(&nr->by_id, id))
        return strmap_put(&nr->by_id, id, r) < 0 ? error_nomem() : SOC2_OK;
    if (!strmap_get(&nr->shared_ids, id) && strmap_put(&nr->shared_ids, id, r) < 0)
        return error_nomem();
    return SOC2_OK;
}

/* Reads the resource at the current pointer. */
static int read_resource(native_reader *nr, const json_t *item)
{
    if (!json_is_object(item))
        return fail_at(nr, SOC2_EFORMAT, NULL, "a resource must be an object, not %s",
                       json_kind(item));

    const char *type, *id, *address, *kept_value;
    const json_t *attributes, *unknown, *relations;
    int rc = check_members(nr, item, resource_members, "a resource");
    if (rc == SOC2_OK)
        rc = get_string(nr, item, "type", 1, &type);
    if (rc == SOC2_OK && !is_type_name(type))
        rc = fail_at(nr, SOC2_EFORMAT, "type",
                     "\"%s\" is not a canonical type name: write the Terraform resource type, "
                     "in lowercase letters, digits and underscores (aws_s3_bucket)",
                     type);
    if (rc == SOC2_OK)
        rc = get_string(nr, item, "id", 1, &id);
    if (rc == SOC2_OK)
        rc = get_string(nr, item, "address", 0, &address);
    for (size_t i = 0; rc == SOC2_OK && i < KEPT_MEMBER_COUNT; i++)
        rc = get_string(nr, item, kept_members[i].member, 0, &kept_value);
    if (rc == SOC2_OK)
        rc = get_container(nr, item, "attributes", JSON_OBJECT, &attributes);
    if (rc == SOC2_OK)
        rc = get_container(nr, item, "unknown", JSON_ARRAY, &unknown);
    if (rc == SOC2_OK)
        rc = get_container(nr, item, "relations", JSON_ARRAY, &relations);
    if (rc == SOC2_OK)
        rc = check_relations(nr, relations);
    if (rc != SOC2_OK)
        return rc;

    /* The address defaults to the ID, so the error names the member the
     * address came from. */
    const soc2_resource *earlier = loader_find(nr->loader, address ? address : id);
    if (earlier)
        return fail_at(nr, SOC2_EFORMAT, address ? "address" : "id",
                       "resource address \"%s\" appears twice (the resource at %s has it too); "
                       "give each resource a distinct \"address\"",
                       earlier->address, earlier->source_pointer);

    json_t *attrs = NULL, *mask = NULL, *unknown_paths = json_array();
    int id_added = 0;
    rc = unknown_paths ? build_attributes(nr, item, attributes, id, &attrs, &id_added)
                       : error_nomem();
    if (rc == SOC2_OK) {
        size_t mark = enter(nr, "unknown");
        rc = read_unknown(nr, unknown, attrs, &mask, unknown_paths);
        leave(nr, mark);
    }
    if (rc != SOC2_OK) {
        json_decref(attrs);
        json_decref(mask);
        json_decref(unknown_paths);
        return rc;
    }

    soc2_resource *r =
        loader_add_resource(nr->loader, address ? address : id, type, type, attrs, mask);
    if (!r)
        rc = soc2_error_last()->code;
    else if (nr->pointer.failed)
        rc = error_nomem();
    if (rc == SOC2_OK)
        rc = map_sources(r, item, id_added, sb_str(&nr->pointer), unknown_paths);
    if (rc == SOC2_OK)
        rc = index_id(nr, id, r);
    json_decref(unknown_paths);
    return rc;
}

/* Relations. */

/* Finds the resource a relation's target names: the resource with that
 * address, or else the one resource with that ID. Sets *out to NULL when
 * none has it. */
static int find_target(native_reader *nr, const char *target, soc2_resource **out)
{
    *out = loader_find(nr->loader, target);
    if (*out)
        return SOC2_OK;

    const soc2_resource *second = strmap_get(&nr->shared_ids, target);
    if (second) {
        const soc2_resource *first = strmap_get(&nr->by_id, target);
        return fail_at(nr, SOC2_EFORMAT, "target",
                       "target \"%s\" is the ID of several resources, such as \"%s\" and "
                       "\"%s\"; name one by its address",
                       target, first->address, second->address);
    }
    *out = strmap_get(&nr->by_id, target);
    return SOC2_OK;
}

/* Records one relation of `r` (already checked) as a reference. A target
 * that names no resource of the document is kept as written, unresolved. */
static int add_relation(native_reader *nr, soc2_resource *r, const json_t *relation,
                        strbuf *canonical)
{
    const char *attribute = json_string_value(json_object_get(relation, "attribute"));
    const char *target_name = json_string_value(json_object_get(relation, "target"));
    unsigned flags = json_is_true(json_object_get(relation, "ambiguous")) ? EDGE_AMBIGUOUS : 0;

    attr_path path;
    size_t mark = enter(nr, "attribute");
    int rc = read_attribute_path(nr, attribute, &path, canonical);
    leave(nr, mark);
    if (rc != SOC2_OK)
        return rc;
    path_free(&path);

    soc2_resource *target;
    rc = find_target(nr, target_name, &target);
    if (rc == SOC2_OK && target == r)
        rc = fail_at(nr, SOC2_EFORMAT, "target",
                     "a resource cannot relate to itself (target \"%s\")", target_name);
    if (rc != SOC2_OK)
        return rc;
    return loader_add_reference_flags(nr->loader, r, sb_str(canonical),
                                      target ? target->address : target_name, flags);
}

/* Records the relations of every resource; the current pointer is at the
 * document's "resources". */
static int add_relations(native_reader *nr, const json_t *resources)
{
    strbuf canonical = STRBUF_INIT;
    int rc = SOC2_OK;
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        const json_t *relations = json_object_get(json_array_get(resources, i), "relations");
        size_t mark = enter_index(nr, i);
        enter(nr, "relations");
        for (size_t k = 0; rc == SOC2_OK && k < json_array_size(relations); k++) {
            size_t item_mark = enter_index(nr, k);
            rc = add_relation(nr, nr->loader->resources[i], json_array_get(relations, k),
                              &canonical);
            leave(nr, item_mark);
        }
        leave(nr, mark);
    }
    sb_free(&canonical);
    return rc;
}

/* The document. */

/* Checks "version" before anything else, because a document of another
 * version may have members this adapter does not know. A number with no
 * fraction (1.0) counts as that integer, as in JSON Schema. */
static int check_version(native_reader *nr, const json_t *root)
{
    const json_t *version = json_object_get(root, "version");
    if (!version)
        return fail_at(nr, SOC2_EFORMAT, NULL, "the required member \"version\" is missing");

    double number = json_number_value(version);
    if (!json_is_number(version))
        return fail_at(nr, SOC2_EFORMAT, "version", "\"version\" must be an integer, not %s",
                       json_kind(version));
    if (number != floor(number))
        return fail_at(nr, SOC2_EFORMAT, "version", "\"version\" must be an integer, not %g",
                       number);
    if (number != NATIVE_VERSION)
        return fail_at(nr, SOC2_EUNRECOGNIZED, "version",
                       "unsupported %s version %.0f: libsoc2 reads version %d", NATIVE_FORMAT,
                       number, NATIVE_VERSION);
    return SOC2_OK;
}

static int read_document(native_reader *nr, const json_t *root)
{
    const json_t *resources;
    int rc = check_version(nr, root);
    if (rc == SOC2_OK)
        rc = check_members(nr, root, document_members, "the document");
    if (rc == SOC2_OK)
        rc = get_container(nr, root, "resources", JSON_ARRAY, &resources);
    if (rc == SOC2_OK && !resources)
        rc = fail_at(nr, SOC2_EFORMAT, NULL, "the required member \"resources\" is missing");
    if (rc != SOC2_OK)
        return rc;

    size_t mark = enter(nr, "resources");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        size_t item_mark = enter_index(nr, i);
        rc = read_resource(nr, json_array_get(resources, i));
        leave(nr, item_mark);
    }
    if (rc == SOC2_OK)
        rc = add_relations(nr, resources);
    leave(nr, mark);
    return rc;
}

int native_load(soc2_loader *loader, json_t *root)
{
    native_reader nr = {loader, STRBUF_INIT, STRMAP_INIT, STRMAP_INIT};
    strmap_init(&nr.by_id);
    strmap_init(&nr.shared_ids);

    int rc = read_document(&nr, root);

    strmap_free(&nr.by_id);
    strmap_free(&nr.shared_ids);
    sb_free(&nr.pointer);
    return rc;
}
