/* The Terraform plan adapter: reads the JSON that `terraform show -json`
 * prints for a saved plan.
 *
 * Resources come from `resource_changes` (or, when a plan has none, from
 * the modules of `planned_values`): every managed resource instance that
 * still exists after the apply, with its planned `after` values as
 * attributes and `after_unknown` as the unknown mask. Data sources, objects
 * planned only for deletion and deposed objects are left out on purpose.
 * References come from the expressions of the `configuration` section and
 * are followed through module variables and outputs by tfrefs.c. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>

#include "loader.h"
#include "../model/cursor.h"
#include "tfrefs.h"
#include "../core/error.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"
#include "../util/path.h"
#include "../util/strbuf.h"

int tfplan_detect(const json_t *root)
{
    return json_is_object(root) && json_is_string(json_object_get(root, "format_version")) &&
           (json_object_get(root, "resource_changes") || json_object_get(root, "planned_values"));
}

typedef struct plan_reader {
    soc2_loader *loader;
    tfrefs refs;
    strbuf pointer; /* JSON pointer of the value being read */
} plan_reader;

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

/* Records an error about the value at the current pointer. */
static int fail_here(plan_reader *pr, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_here(plan_reader *pr, int code, const char *fmt, ...)
{
    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    if (message.failed) {
        sb_free(&message);
        return error_nomem();
    }
    loader_fail(pr->loader, code, pr->pointer.failed ? NULL : sb_str(&pr->pointer), "%s",
                sb_str(&message));
    sb_free(&message);
    return code;
}

static size_t enter(plan_reader *pr, const char *member)
{
    size_t mark = pr->pointer.len;
    json_pointer_append(&pr->pointer, member);
    return mark;
}

static size_t enter_index(plan_reader *pr, size_t index)
{
    size_t mark = pr->pointer.len;
    json_pointer_append_index(&pr->pointer, index);
    return mark;
}

static void leave(plan_reader *pr, size_t mark)
{
    sb_truncate(&pr->pointer, mark);
}

/* Reads an optional member that must be of one kind when present. Returns
 * SOC2_OK with *out set (NULL when absent or null), or an error naming the
 * member. */
static int get_member(plan_reader *pr, const json_t *object, const char *member,
                      json_type type, const char *expected, const json_t **out)
{
    const json_t *value = json_object_get(object, member);
    *out = NULL;
    if (!value || json_is_null(value))
        return SOC2_OK;
    if (json_typeof(value) != type) {
        size_t mark = enter(pr, member);
        int rc = fail_here(pr, SOC2_EFORMAT, "\"%s\" must be %s, not %s", member, expected,
                           json_kind(value));
        leave(pr, mark);
        return rc;
    }
    *out = value;
    return SOC2_OK;
}

static int get_string(plan_reader *pr, const json_t *object, const char *member,
                      int required, const char **out)
{
    const json_t *value;
    int rc = get_member(pr, object, member, JSON_STRING, "a string", &value);
    if (rc != SOC2_OK)
        return rc;
    /* Addresses, types and names are C strings from here on: a NUL in one
     * would cut it short without a word. */
    if (json_string_has_nul(value)) {
        size_t mark = enter(pr, member);
        rc = fail_here(pr, SOC2_EFORMAT, "\"%s\" must not contain a NUL character", member);
        leave(pr, mark);
        return rc;
    }
    if (!value && required)
        return fail_here(pr, SOC2_EFORMAT, "the required string \"%s\" is missing", member);
    *out = value ? json_string_value(value) : NULL;
    return SOC2_OK;
}

/* Resources. */

/* Adds one managed resource instance. Takes ownership of `attrs` and
 * `unknown` whatever the outcome. */
static int add_resource(plan_reader *pr, const char *address, const char *type, json_t *attrs,
                        json_t *unknown, const char *values_pointer)
{
    tf_address parts;
    size_t mark = enter(pr, "address");
    int rc = SOC2_OK;
    if (tfrefs_parse_address(address, &parts) < 0)
        rc = fail_here(pr, SOC2_EFORMAT, "\"%s\" is not a Terraform resource address", address);
    else if (loader_find(pr->loader, address))
        rc = fail_here(pr, SOC2_EFORMAT, "resource address \"%s\" appears twice", address);
    leave(pr, mark);
    if (rc != SOC2_OK) {
        json_decref(attrs);
        json_decref(unknown);
        return rc;
    }

    soc2_resource *resource = loader_add_resource(pr->loader, address, type, type, attrs, unknown);
    if (!resource)
        return soc2_error_last()->code;

    /* The resource is the change (or planned value) at the current pointer;
     * its attributes are the values below `values_pointer`, under the same
     * names. */
    strbuf values = STRBUF_INIT;
    sb_printf(&values, "%s%s", sb_str(&pr->pointer), values_pointer);
    if (values.failed || resource_set_source(resource, sb_str(&pr->pointer)) < 0 ||
        resource_map_source(resource, "", sb_str(&values)) < 0) {
        sb_free(&values);
        return error_nomem();
    }
    sb_free(&values);
    rc = tfrefs_add_instance(&pr->refs, resource);
    return rc == SOC2_ENOMEM ? error_nomem() : rc;
}

/* Reads the mode of a resource and returns whether it is managed. */
static int read_mode(plan_reader *pr, const json_t *object, const char *address, int *managed)
{
    const char *mode;
    int rc = get_string(pr, object, "mode", 0, &mode);
    if (rc != SOC2_OK)
        return rc;
    if (!mode) {
        tf_address parts;
        *managed = tfrefs_parse_address(address, &parts) < 0 || !parts.data;
        return SOC2_OK;
    }
    if (strcmp(mode, "managed") != 0 && strcmp(mode, "data") != 0) {
        size_t mark = enter(pr, "mode");
        rc = fail_here(pr, SOC2_EFORMAT,
                       "unsupported resource mode \"%s\" (expected \"managed\" or \"data\")", mode);
        leave(pr, mark);
        return rc;
    }
    *managed = strcmp(mode, "managed") == 0;
    return SOC2_OK;
}

/* Returns whether the actions are exactly ["delete"]. */
static int only_deleted(const json_t *actions)
{
    return json_array_size(actions) == 1 &&
           strcmp(json_string_value(json_array_get(actions, 0)), "delete") == 0;
}

/* The action strings of Terraform's JSON output format. A change lists one
 * of them, or two for a replacement. */
static const char *const terraform_actions[] = {
    "no-op", "create", "read", "update", "delete", "forget",
};

static int is_terraform_action(const char *action)
{
    for (size_t i = 0; i < sizeof(terraform_actions) / sizeof(terraform_actions[0]); i++)
        if (strcmp(action, terraform_actions[i]) == 0)
            return 1;
    return 0;
}

static int read_actions(plan_reader *pr, const json_t *change, const json_t **actions)
{
    size_t mark = enter(pr, "change");
    int rc = get_member(pr, change, "actions", JSON_ARRAY, "an array of strings", actions);
    if (rc == SOC2_OK && !*actions)
        rc = fail_here(pr, SOC2_EFORMAT, "the required array \"actions\" is missing");
    if (rc == SOC2_OK && json_array_size(*actions) == 0) {
        size_t inner = enter(pr, "actions");
        rc = fail_here(pr, SOC2_EFORMAT,
                       "\"actions\" is empty, but a change has at least one action");
        leave(pr, inner);
    }
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(*actions); i++) {
        const json_t *action = json_array_get(*actions, i);
        if (json_is_string(action) && is_terraform_action(json_string_value(action)))
            continue;
        size_t inner = enter(pr, "actions");
        enter_index(pr, i);
        if (json_is_string(action))
            rc = fail_here(pr, SOC2_EFORMAT,
                           "unknown action \"%s\" (expected no-op, create, read, update, "
                           "delete or forget)",
                           json_string_value(action));
        else
            rc = fail_here(pr, SOC2_EFORMAT, "an action must be a string, not %s",
                           json_kind(action));
        leave(pr, inner);
    }
    leave(pr, mark);
    return rc;
}

/* Checks `after_unknown` (the mask) against `after` at the place the
 * current pointer names in `after` and `mask_pointer` in the mask. `after`
 * is NULL where it has no value. terraform show -json leaves a value that is
 * unknown until apply out of `after` (null in a list) and marks it `true` in
 * the mask, which otherwise has the shape of `after`. A mask that marks a
 * value of `after` unknown, or has another shape, contradicts `after`, so
 * the plan is rejected. */
static int check_unknown_mask(plan_reader *pr, strbuf *mask_pointer, const char *address,
                              const json_t *after, const json_t *mask)
{
    int has_value = after && !json_is_null(after);
    if (json_is_false(mask))
        return SOC2_OK;
    if (json_is_true(mask)) {
        if (!has_value)
            return SOC2_OK;
        return fail_here(pr, SOC2_EFORMAT,
                         "resource %s: after has %s where after_unknown marks the value "
                         "unknown (terraform show -json leaves unknown values out of after)",
                         address, json_kind(after));
    }
    if (!json_is_object(mask) && !json_is_array(mask))
        return loader_fail(pr->loader, SOC2_EFORMAT,
                           mask_pointer->failed ? NULL : sb_str(mask_pointer),
                           "resource %s: after_unknown may contain only true, false, arrays "
                           "and objects, not %s",
                           address, json_kind(mask));
    if (has_value && json_typeof(after) != json_typeof(mask))
        return fail_here(pr, SOC2_EFORMAT,
                         "resource %s: after_unknown has %s where after has %s", address,
                         json_kind(mask), json_kind(after));

    int rc = SOC2_OK;
    size_t mask_mark = mask_pointer->len;
    if (json_is_object(mask)) {
        const char *name;
        const json_t *inner;
        json_object_foreach((json_t *)mask, name, inner) {
            size_t mark = enter(pr, name);
            json_pointer_append(mask_pointer, name);
            rc = check_unknown_mask(pr, mask_pointer, address, json_object_get(after, name),
                                    inner);
            sb_truncate(mask_pointer, mask_mark);
            leave(pr, mark);
            if (rc != SOC2_OK)
                break;
        }
        return rc;
    }
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(mask); i++) {
        size_t mark = enter_index(pr, i);
        json_pointer_append_index(mask_pointer, i);
        rc = check_unknown_mask(pr, mask_pointer, address, json_array_get(after, i),
                                json_array_get(mask, i));
        sb_truncate(mask_pointer, mask_mark);
        leave(pr, mark);
    }
    return rc;
}

/* Reads `after` and `after_unknown` of a change and checks them against
 * each other. */
static int read_after(plan_reader *pr, const char *address, const json_t *change,
                      const json_t **after, const json_t **after_unknown)
{
    size_t mark = enter(pr, "change");
    int rc = get_member(pr, change, "after", JSON_OBJECT, "an object or null", after);
    *after_unknown = json_object_get(change, "after_unknown");
    if (rc == SOC2_OK && *after_unknown && !json_is_object(*after_unknown) &&
        !json_is_boolean(*after_unknown) && !json_is_null(*after_unknown)) {
        size_t inner = enter(pr, "after_unknown");
        rc = fail_here(pr, SOC2_EFORMAT, "\"after_unknown\" must be an object, not %s",
                       json_kind(*after_unknown));
        leave(pr, inner);
    }
    if (rc == SOC2_OK && *after_unknown) {
        strbuf mask_pointer = STRBUF_INIT;
        sb_append(&mask_pointer, pr->pointer.data, pr->pointer.len);
        json_pointer_append(&mask_pointer, "after_unknown");
        size_t inner = enter(pr, "after");
        rc = check_unknown_mask(pr, &mask_pointer, address, *after, *after_unknown);
        leave(pr, inner);
        sb_free(&mask_pointer);
    }
    leave(pr, mark);
    return rc;
}

static int read_change(plan_reader *pr, const json_t *item)
{
    if (!json_is_object(item))
        return fail_here(pr, SOC2_EFORMAT, "a resource change must be an object, not %s",
                         json_kind(item));

    const char *address, *type, *deposed;
    int managed;
    int rc = get_string(pr, item, "address", 1, &address);
    if (rc == SOC2_OK)
        rc = get_string(pr, item, "type", 1, &type);
    if (rc == SOC2_OK)
        rc = read_mode(pr, item, address, &managed);
    if (rc == SOC2_OK)
        rc = get_string(pr, item, "deposed", 0, &deposed);
    if (rc != SOC2_OK)
        return rc;

    const json_t *change = NULL, *actions = NULL, *after = NULL, *after_unknown = NULL;
    rc = get_member(pr, item, "change", JSON_OBJECT, "an object", &change);
    if (rc == SOC2_OK && !change)
        rc = fail_here(pr, SOC2_EFORMAT, "the required object \"change\" is missing");
    if (rc == SOC2_OK)
        rc = read_actions(pr, change, &actions);
    if (rc != SOC2_OK)
        return rc;

    /* Left out on purpose: data sources, objects planned only for deletion,
     * and deposed objects (the old half of a create-before-destroy
     * replacement, always destroyed by the apply). */
    if (!managed || only_deleted(actions) || deposed)
        return SOC2_OK;

    rc = read_after(pr, address, change, &after, &after_unknown);
    if (rc != SOC2_OK)
        return rc;

    /* An `after` of null (a resource only forgotten, say) gives an empty
     * object. resource_new() prunes a mask of `false` away. */
    return add_resource(pr, address, type, after ? json_incref((json_t *)after) : NULL,
                        json_is_null(after_unknown) ? NULL : json_incref((json_t *)after_unknown),
                        "/change/after");
}

static int read_changes(plan_reader *pr, const json_t *changes)
{
    size_t mark = enter(pr, "resource_changes");
    int rc = SOC2_OK;
    if (!json_is_array(changes))
        rc = fail_here(pr, SOC2_EFORMAT, "\"resource_changes\" must be an array, not %s",
                       json_kind(changes));
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(changes); i++) {
        size_t item = enter_index(pr, i);
        rc = read_change(pr, json_array_get(changes, i));
        leave(pr, item);
    }
    leave(pr, mark);
    return rc;
}

static int read_planned_resource(plan_reader *pr, const json_t *item)
{
    if (!json_is_object(item))
        return fail_here(pr, SOC2_EFORMAT, "a planned resource must be an object, not %s",
                         json_kind(item));

    const char *address, *type;
    const json_t *values;
    int managed;
    int rc = get_string(pr, item, "address", 1, &address);
    if (rc == SOC2_OK)
        rc = get_string(pr, item, "type", 1, &type);
    if (rc == SOC2_OK)
        rc = read_mode(pr, item, address, &managed);
    if (rc == SOC2_OK)
        rc = get_member(pr, item, "values", JSON_OBJECT, "an object", &values);
    if (rc != SOC2_OK || !managed)
        return rc;

    /* planned_values marks no unknown values: they are only absent. */
    return add_resource(pr, address, type, values ? json_incref((json_t *)values) : NULL, NULL,
                        "/values");
}

/* Reads the resources of a planned_values module and of its child modules. */
static int read_planned_module(plan_reader *pr, const json_t *module)
{
    if (!json_is_object(module))
        return fail_here(pr, SOC2_EFORMAT, "a planned module must be an object, not %s",
                         json_kind(module));

    const json_t *resources = NULL, *children = NULL;
    int rc = get_member(pr, module, "resources", JSON_ARRAY, "an array", &resources);
    if (rc == SOC2_OK)
        rc = get_member(pr, module, "child_modules", JSON_ARRAY, "an array", &children);

    size_t mark = enter(pr, "resources");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        size_t item = enter_index(pr, i);
        rc = read_planned_resource(pr, json_array_get(resources, i));
        leave(pr, item);
    }
    leave(pr, mark);

    mark = enter(pr, "child_modules");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(children); i++) {
        size_t item = enter_index(pr, i);
        rc = read_planned_module(pr, json_array_get(children, i));
        leave(pr, item);
    }
    leave(pr, mark);
    return rc;
}

static int read_planned_values(plan_reader *pr, const json_t *planned)
{
    const json_t *root_module = NULL;
    size_t mark = enter(pr, "planned_values");
    int rc = SOC2_OK;
    if (!json_is_object(planned))
        rc = fail_here(pr, SOC2_EFORMAT, "\"planned_values\" must be an object, not %s",
                       json_kind(planned));
    if (rc == SOC2_OK)
        rc = get_member(pr, planned, "root_module", JSON_OBJECT, "an object", &root_module);
    if (rc == SOC2_OK && root_module) {
        size_t inner = enter(pr, "root_module");
        rc = read_planned_module(pr, root_module);
        leave(pr, inner);
    }
    leave(pr, mark);
    return rc;
}

/* References. */

typedef struct edge_sink {
    soc2_loader *loader;
    soc2_resource *resource;
    const char *path;
} edge_sink;

/* Returns whether the attribute at `path` of `r` holds a list, known or
 * marked unknown element by element. */
static int holds_list(const soc2_resource *r, const char *path)
{
    attr_path parsed;
    if (path_parse(&parsed, path, NULL) < 0)
        return 0;
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], r);
    const cursor *at = cursor_follow(chain, &chain[0], &parsed);
    path_free(&parsed);
    return json_is_array(at->value) || json_is_array(at->mask);
}

static int add_edge(void *context, soc2_resource *target, unsigned flags)
{
    edge_sink *sink = context;
    /* A list attribute that refers to every instance of a counted resource
     * is a splat or a `for` over all of them (security_groups =
     * aws_security_group.sg[*].id), which Terraform records like an
     * unknown index: each instance is in the list. A single value names one
     * of them, and which one stays ambiguous. */
    if ((flags & EDGE_AMBIGUOUS) && holds_list(sink->resource, sink->path))
        flags &= ~(unsigned)EDGE_AMBIGUOUS;
    return loader_add_reference_flags(sink->loader, sink->resource, sink->path, target->address,
                                      flags);
}

/* Checks that a leaf's "references" is an array of strings. */
static int check_references(plan_reader *pr, const json_t *leaf, const json_t **references)
{
    int rc = get_member(pr, leaf, "references", JSON_ARRAY, "an array of strings", references);
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(*references); i++) {
        const json_t *reference = json_array_get(*references, i);
        if (json_is_string(reference))
            continue;
        size_t mark = enter(pr, "references");
        enter_index(pr, i);
        rc = fail_here(pr, SOC2_EFORMAT, "a reference must be a string, not %s",
                       json_kind(reference));
        leave(pr, mark);
    }
    return rc;
}

/* Records the edges of one expression leaf at `path` for every instance of
 * the configuration block, starting with instance `first` (1-based, 0 for
 * none). */
static int read_leaf(plan_reader *pr, const json_t *leaf, size_t first, const char *path)
{
    const json_t *references;
    int rc = check_references(pr, leaf, &references);
    if (rc != SOC2_OK || !references)
        return rc;

    for (size_t i = first; i; i = pr->refs.instances[i - 1].next_same_config) {
        const tf_instance *instance = &pr->refs.instances[i - 1];
        edge_sink sink = {pr->loader, instance->resource, path};
        rc = tfrefs_resolve(&pr->refs, instance, references, add_edge, &sink);
        if (rc == SOC2_ELIMIT)
            return fail_here(pr, SOC2_ELIMIT,
                             "the references of %s pass through more than %d module "
                             "variables and outputs",
                             instance->resource->address, TFREFS_MAX_DEPTH);
        if (rc == SOC2_ENOMEM)
            return error_nomem();
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

/* Returns whether an expressions member is one expression rather than a
 * nested block (a single block, or a map of blocks by label). */
static int is_leaf(const json_t *value)
{
    const json_t *references = json_object_get(value, "references");
    return json_object_size(value) == 0 || json_object_get(value, "constant_value") ||
           (references && !json_is_object(references));
}

/* Walks the expressions of a resource block at attribute path `path` ("" at
 * the top). Nested blocks are arrays of expression objects
 * (list and set blocks) or objects (single blocks, and maps of blocks by
 * label), as in the planned values. */
static int walk_expressions(plan_reader *pr, const json_t *expressions, size_t first,
                            strbuf *path)
{
    const char *name;
    const json_t *value;
    json_object_foreach((json_t *)expressions, name, value) {
        size_t mark = enter(pr, name);
        size_t path_len = path->len;
        path_append_key(path, name);
        int rc = SOC2_OK;

        if (path->failed) {
            rc = error_nomem();
        } else if (json_is_object(value)) {
            rc = is_leaf(value) ? read_leaf(pr, value, first, sb_str(path))
                                : walk_expressions(pr, value, first, path);
        } else if (json_is_array(value)) {
            for (size_t i = 0; rc == SOC2_OK && i < json_array_size(value); i++) {
                const json_t *block = json_array_get(value, i);
                size_t block_mark = enter_index(pr, i);
                size_t block_len = path->len;
                path_append_index(path, i);
                if (json_is_object(block))
                    rc = walk_expressions(pr, block, first, path);
                else
                    rc = fail_here(pr, SOC2_EFORMAT, "a nested block must be an object, not %s",
                                   json_kind(block));
                sb_truncate(path, block_len);
                leave(pr, block_mark);
            }
        } else {
            rc = fail_here(pr, SOC2_EFORMAT, "the expression of \"%s\" must be an object, not %s",
                           name, json_kind(value));
        }

        sb_truncate(path, path_len);
        leave(pr, mark);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

/* Attributes the AWS provider computes when the configuration leaves them
 * out. A plan marks them unknown until apply, although nothing in this plan
 * but the resources folded onto them (fold.c) can set them:
 * - Separate resources own them: security group rules, bucket policies and
 *   settings, role policies, queue and topic policies.
 * - The provider fills in AWS's default: a DynamoDB table without a
 *   server_side_encryption block, or with one that names no key, uses a key
 *   AWS owns or manages, which is what the rules need to know.
 * - The provider reads it back after apply: whether a new SNS subscription
 *   is pending confirmation depends on its endpoint, which a plan cannot
 *   know, so the subscription counts as intended.
 * Left unknown, every rule that reads them would be unknown. `nested` names
 * an attribute of each block of the list `attribute`, or is NULL for the
 * attribute itself. */
static const struct {
    const char *type;
    const char *attribute;
    const char *nested;
} provider_computed[] = {
    {"aws_security_group", "ingress", NULL},
    {"aws_security_group", "egress", NULL},
    {"aws_s3_bucket", "policy", NULL},
    {"aws_s3_bucket", "acl", NULL},
    {"aws_s3_bucket", "grant", NULL},
    {"aws_s3_bucket", "versioning", NULL},
    {"aws_s3_bucket", "logging", NULL},
    {"aws_s3_bucket", "server_side_encryption_configuration", NULL},
    {"aws_s3_bucket", "lifecycle_rule", NULL},
    {"aws_s3_bucket", "replication_configuration", NULL},
    {"aws_iam_role", "inline_policy", NULL},
    {"aws_iam_role", "managed_policy_arns", NULL},
    {"aws_sqs_queue", "policy", NULL},
    {"aws_sns_topic", "policy", NULL},
    {"aws_dynamodb_table", "server_side_encryption", NULL},
    {"aws_dynamodb_table", "server_side_encryption", "kms_key_arn"},
    {"aws_sns_topic_subscription", "pending_confirmation", NULL},
};

/* Clears the unknown mark of `nested` in each block of the list `mask`
 * whose configuration block (an element of `blocks`) does not set it. */
static void forget_nested_unknowns(json_t *mask, const json_t *blocks, const char *nested)
{
    for (size_t i = 0; json_is_array(mask) && i < json_array_size(mask); i++) {
        json_t *element = json_array_get(mask, i);
        const json_t *block = json_is_array(blocks) ? json_array_get(blocks, i) : blocks;
        if (json_is_object(element) && json_is_true(json_object_get(element, nested)) &&
            !json_object_get(block, nested))
            json_object_del(element, nested);
    }
}

/* Clears the unknown mark of provider-computed attributes the configuration
 * of `r` does not set (`expressions` may be NULL: it sets nothing). An
 * attribute with a configuration expression keeps its mark: its value comes
 * from that expression. */
static int forget_provider_unknowns(soc2_resource *r, const json_t *expressions)
{
    for (size_t i = 0; i < sizeof(provider_computed) / sizeof(provider_computed[0]); i++) {
        const char *attribute = provider_computed[i].attribute;
        if (strcmp(provider_computed[i].type, r->type) != 0)
            continue;
        json_t *mask = json_object_get(r->unknown, attribute);
        const json_t *configured = json_object_get(expressions, attribute);
        /* An attribute the resource's own configuration sets gets an origin
         * on the resource itself, so that folding sees two resources
         * setting it (an inline bucket policy and an aws_s3_bucket_policy). */
        if (configured && !provider_computed[i].nested &&
            resource_add_origin(r, attribute, r) < 0)
            return error_nomem();
        if (provider_computed[i].nested)
            forget_nested_unknowns(mask, configured, provider_computed[i].nested);
        else if (json_is_true(mask) && !configured)
            json_object_del(r->unknown, attribute);
    }
    r->unknown = mask_prune(r->unknown);
    return SOC2_OK;
}

static int read_config_resource(plan_reader *pr, const json_t *item, const char *module_path)
{
    if (!json_is_object(item))
        return fail_here(pr, SOC2_EFORMAT, "a configuration resource must be an object, not %s",
                         json_kind(item));

    const char *address;
    const json_t *expressions;
    int managed;
    int rc = get_string(pr, item, "address", 1, &address);
    if (rc == SOC2_OK)
        rc = read_mode(pr, item, address, &managed);
    if (rc == SOC2_OK)
        rc = get_member(pr, item, "expressions", JSON_OBJECT, "an object", &expressions);
    if (rc != SOC2_OK)
        return rc;

    /* Data source blocks are still checked, but have no instance to get edges. */
    size_t first = managed ? tfrefs_first_of_config(&pr->refs, module_path, address) : 0;
    for (size_t i = first; i && rc == SOC2_OK; i = pr->refs.instances[i - 1].next_same_config)
        rc = forget_provider_unknowns(pr->refs.instances[i - 1].resource, expressions);
    if (rc != SOC2_OK)
        return rc;
    if (!expressions)
        return SOC2_OK;
    strbuf path = STRBUF_INIT;
    size_t mark = enter(pr, "expressions");
    rc = walk_expressions(pr, expressions, first, &path);
    leave(pr, mark);
    sb_free(&path);
    return rc;
}

/* Checks the shape of a module call's arguments or of a module's outputs:
 * an object of objects, each holding an expression leaf at `leaf_member`
 * (or being one when leaf_member is NULL). */
static int check_leaves(plan_reader *pr, const json_t *object, const char *leaf_member)
{
    const char *name;
    const json_t *value;
    json_object_foreach((json_t *)object, name, value) {
        size_t mark = enter(pr, name);
        const json_t *leaf = value, *references;
        int rc = SOC2_OK;
        if (!json_is_object(value))
            rc = fail_here(pr, SOC2_EFORMAT, "\"%s\" must be an object, not %s", name,
                           json_kind(value));
        if (rc == SOC2_OK && leaf_member)
            rc = get_member(pr, value, leaf_member, JSON_OBJECT, "an object", &leaf);
        if (rc == SOC2_OK && leaf) {
            size_t inner = leaf_member ? enter(pr, leaf_member) : pr->pointer.len;
            rc = check_references(pr, leaf, &references);
            leave(pr, inner);
        }
        leave(pr, mark);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

static int read_config_module(plan_reader *pr, const json_t *module, strbuf *module_path);

static int read_module_call(plan_reader *pr, const char *name, const json_t *call,
                            strbuf *module_path)
{
    if (!json_is_object(call))
        return fail_here(pr, SOC2_EFORMAT, "module call \"%s\" must be an object, not %s", name,
                         json_kind(call));

    const json_t *arguments = NULL, *module = NULL;
    int rc = get_member(pr, call, "expressions", JSON_OBJECT, "an object", &arguments);
    if (rc == SOC2_OK)
        rc = get_member(pr, call, "module", JSON_OBJECT, "an object", &module);
    if (rc == SOC2_OK && arguments) {
        size_t mark = enter(pr, "expressions");
        rc = check_leaves(pr, arguments, NULL);
        leave(pr, mark);
    }
    if (rc != SOC2_OK || !module)
        return rc;

    size_t path_len = module_path->len;
    sb_printf(module_path, "%smodule.%s", path_len ? "." : "", name);
    size_t mark = enter(pr, "module");
    rc = module_path->failed ? error_nomem() : read_config_module(pr, module, module_path);
    leave(pr, mark);
    sb_truncate(module_path, path_len);
    return rc;
}

/* Reads a configuration module: edges for its resources, then its calls. */
static int read_config_module(plan_reader *pr, const json_t *module, strbuf *module_path)
{
    const json_t *resources = NULL, *calls = NULL, *outputs = NULL;
    int rc = get_member(pr, module, "resources", JSON_ARRAY, "an array", &resources);
    if (rc == SOC2_OK)
        rc = get_member(pr, module, "module_calls", JSON_OBJECT, "an object", &calls);
    if (rc == SOC2_OK)
        rc = get_member(pr, module, "outputs", JSON_OBJECT, "an object", &outputs);
    if (rc == SOC2_OK && outputs) {
        size_t mark = enter(pr, "outputs");
        rc = check_leaves(pr, outputs, "expression");
        leave(pr, mark);
    }

    size_t mark = enter(pr, "resources");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        size_t item = enter_index(pr, i);
        rc = read_config_resource(pr, json_array_get(resources, i), sb_str(module_path));
        leave(pr, item);
    }
    leave(pr, mark);

    const char *name;
    const json_t *call;
    mark = enter(pr, "module_calls");
    json_object_foreach((json_t *)calls, name, call) {
        if (rc != SOC2_OK)
            break;
        size_t item = enter(pr, name);
        rc = read_module_call(pr, name, call, module_path);
        leave(pr, item);
    }
    leave(pr, mark);
    return rc;
}

static int read_configuration(plan_reader *pr, const json_t *configuration)
{
    const json_t *root_module = NULL;
    size_t mark = enter(pr, "configuration");
    int rc = SOC2_OK;
    if (configuration && !json_is_object(configuration))
        rc = fail_here(pr, SOC2_EFORMAT, "\"configuration\" must be an object, not %s",
                       json_kind(configuration));
    if (rc == SOC2_OK)
        rc = get_member(pr, configuration, "root_module", JSON_OBJECT, "an object",
                        &root_module);
    if (rc == SOC2_OK && root_module) {
        strbuf module_path = STRBUF_INIT;
        size_t inner = enter(pr, "root_module");
        pr->refs.root_module = root_module;
        rc = read_config_module(pr, root_module, &module_path);
        leave(pr, inner);
        sb_free(&module_path);
    }
    leave(pr, mark);
    return rc;
}

/* Checks that the plan is of a format version this adapter reads: major
 * version 0 or 1, any minor version. The JSON output format page of the
 * Terraform documentation states that the major version changes only with
 * changes that are not backward compatible, and that readers should reject
 * a major version they do not support. The plans under tests/data are 0.1
 * to 1.2. */
static int check_format_version(plan_reader *pr, const json_t *root)
{
    const char *version;
    int rc = get_string(pr, root, "format_version", 1, &version);
    if (rc != SOC2_OK)
        return rc;

    size_t major_length = strspn(version, "0123456789");
    const char *minor = version + major_length;
    size_t minor_length = *minor == '.' ? strspn(minor + 1, "0123456789") : 0;
    size_t mark = enter(pr, "format_version");
    if (major_length == 0 || minor_length == 0 || minor[1 + minor_length] != '\0')
        rc = fail_here(pr, SOC2_EFORMAT,
                       "format_version \"%s\" is not a version number of the form "
                       "MAJOR.MINOR",
                       version);
    else if (strtoul(version, NULL, 10) > 1)
        rc = fail_here(pr, SOC2_EUNRECOGNIZED,
                       "unsupported plan format_version \"%s\": libsoc2 reads major "
                       "versions 0 and 1 of the Terraform JSON output format",
                       version);
    leave(pr, mark);
    return rc;
}

int tfplan_load(soc2_loader *loader, json_t *root)
{
    plan_reader pr = {loader, {0}, STRBUF_INIT};
    tfrefs_init(&pr.refs, NULL);

    int rc = check_format_version(&pr, root);
    const json_t *changes = json_object_get(root, "resource_changes");
    if (rc == SOC2_OK)
        rc = changes ? read_changes(&pr, changes)
                     : read_planned_values(&pr, json_object_get(root, "planned_values"));
    if (rc == SOC2_OK)
        rc = read_configuration(&pr, json_object_get(root, "configuration"));

    tfrefs_free(&pr.refs);
    sb_free(&pr.pointer);
    return rc;
}
