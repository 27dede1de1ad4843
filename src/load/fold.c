/* Folding of split configuration. Providers let some configuration live in a
 * resource of its own (an aws_security_group_rule, an aws_s3_bucket_policy),
 * while rules read it on the resource it configures. fold_document() copies
 * each such child's configuration onto its parent in the shape an inline
 * block has (docs/canonical-model.md), and carries the child's unknown
 * values, references and origin along. The child stays in the document,
 * marked as folded into its parent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>

#include "loader.h"
#include "../core/error.h"
#include "../model/cursor.h"
#include "../util/path.h"
#include "../util/strbuf.h"
#include "../util/strmap.h"

/* Parent types, with the attributes whose values other resources use to
 * name them. */
typedef struct parent_kind {
    const char *type;
    const char *identities[5];       /* NULL-terminated */
    const char *placeholder_identity; /* the attribute a placeholder gets, set to
                                         the link value */
} parent_kind;

enum { SECURITY_GROUP, S3_BUCKET, SQS_QUEUE };

static const parent_kind parent_kinds[] = {
    [SECURITY_GROUP] = {"aws_security_group", {"id", "arn", "name", NULL}, "id"},
    [S3_BUCKET] = {"aws_s3_bucket", {"id", "arn", "bucket", NULL}, "bucket"},
    [SQS_QUEUE] = {"aws_sqs_queue", {"id", "arn", "url", "name", NULL}, "url"},
};

#define PARENT_KIND_COUNT (sizeof(parent_kinds) / sizeof(parent_kinds[0]))

/* One value of the child that lands on the parent. `to` is relative to the
 * spot where the folded value lands: "" is that spot, "cidr_blocks" a key
 * below it, "[0].rule" a key in the first element of a list made there. A
 * `to` ending in "[0]" wraps the child's value in a list, which stays empty
 * when the child has no such value. */
typedef struct fold_move {
    const char *from;
    const char *to;
    /* Makes the landed value from the child's value, which is NULL when
     * absent. When `convert` is NULL, the value is copied as it is. */
    json_t *(*convert)(const json_t *value);
} fold_move;

typedef enum landing_mode {
    LAND_REPLACE, /* the folded value replaces the parent's attribute */
    LAND_APPEND   /* the folded value is appended to the parent's list */
} landing_mode;

/* A child type: which parent it configures, how it names that parent, and
 * where its configuration lands. */
typedef struct child_kind {
    const char *type;
    int parent; /* index into parent_kinds */
    const char *link;      /* attribute naming the parent with a string */
    const char *list_link; /* attribute naming parents with a list, or NULL */
    const char *attribute; /* the parent attribute the value lands in */
    landing_mode landing;
    const fold_move *moves;
    /* Chooses the landing attribute from the child instead of `attribute`,
     * or returns NULL to leave the child unfolded. */
    const char *(*choose_attribute)(const soc2_resource *child);
    /* Adds parts of the folded value that no move copies. Returns 0 or -1
     * when memory runs out. */
    int (*complete)(json_t *value, const soc2_resource *child, const soc2_resource *parent);
    /* Returns whether the value at `from`, although marked unknown, is known
     * to stay unset. NULL when the child type has no such case. */
    int (*stays_unset)(const soc2_resource *child, const char *from);
} child_kind;

/* Value shaping. */

static json_t *convert_enabled(const json_t *status)
{
    const char *text = json_string_value(status);
    return json_boolean(text && strcmp(text, "Enabled") == 0);
}

static const char *security_group_rule_direction(const soc2_resource *child)
{
    const char *type = json_string_value(json_object_get(child->attrs, "type"));
    if (type && strcmp(type, "ingress") == 0)
        return "ingress";
    if (type && strcmp(type, "egress") == 0)
        return "egress";
    /* NOTE: a rule whose type is unknown until apply, or neither "ingress"
     * nor "egress", is not folded. It stays in the snapshot under its own
     * type, and rules on aws_security_group do not see it. */
    return NULL;
}

/* Sets `self` on a rule made from an aws_vpc_security_group_*_rule: true when
 * the rule's referenced group is the group it is folded into. */
static int mark_self_reference(json_t *rule, const soc2_resource *child,
                               const soc2_resource *parent)
{
    int self = 0;
    for (size_t i = 0; i < child->edge_count; i++)
        if (child->edges[i].target == parent &&
            strcmp(child->edges[i].path, "referenced_security_group_id") == 0)
            self = 1;

    const char *referenced =
        json_string_value(json_object_get(child->attrs, "referenced_security_group_id"));
    const char *id = json_string_value(json_object_get(parent->attrs, "id"));
    if (referenced && id && strcmp(referenced, id) == 0)
        self = 1;

    return json_object_set_new(rule, "self", json_boolean(self));
}

static int is_nonempty_list(const json_t *value)
{
    return json_is_array(value) && json_array_size(value) > 0;
}

/* The provider rejects source_security_group_id beside cidr_blocks,
 * ipv6_cidr_blocks or self (Terraform AWS provider, aws_security_group_rule
 * argument reference). A plan still marks it unknown because it is a
 * computed attribute, but beside one of those it stays unset. */
static int source_group_stays_unset(const soc2_resource *child, const char *from)
{
    if (strcmp(from, "source_security_group_id") != 0)
        return 0;
    for (size_t i = 0; i < child->edge_count; i++)
        if (path_has_prefix(child->edges[i].path, from))
            return 0;
    return is_nonempty_list(json_object_get(child->attrs, "cidr_blocks")) ||
           is_nonempty_list(json_object_get(child->attrs, "ipv6_cidr_blocks")) ||
           json_is_true(json_object_get(child->attrs, "self"));
}

static const fold_move security_group_rule_moves[] = {
    {"from_port", "from_port", NULL},
    {"to_port", "to_port", NULL},
    {"protocol", "protocol", NULL},
    {"cidr_blocks", "cidr_blocks", NULL},
    {"ipv6_cidr_blocks", "ipv6_cidr_blocks", NULL},
    {"prefix_list_ids", "prefix_list_ids", NULL},
    {"source_security_group_id", "security_groups[0]", NULL},
    {"self", "self", NULL},
    {"description", "description", NULL},
    {NULL, NULL, NULL},
};

/* With ip_protocol "-1" the ports are null, and stay null. */
static const fold_move vpc_security_group_rule_moves[] = {
    {"from_port", "from_port", NULL},
    {"to_port", "to_port", NULL},
    {"ip_protocol", "protocol", NULL},
    {"cidr_ipv4", "cidr_blocks[0]", NULL},
    {"cidr_ipv6", "ipv6_cidr_blocks[0]", NULL},
    {"prefix_list_id", "prefix_list_ids[0]", NULL},
    {"referenced_security_group_id", "security_groups[0]", NULL},
    {"description", "description", NULL},
    {NULL, NULL, NULL},
};

static const fold_move policy_moves[] = {
    {"policy", "", NULL},
    {NULL, NULL, NULL},
};

static const fold_move public_access_block_moves[] = {
    {"block_public_acls", "[0].block_public_acls", NULL},
    {"block_public_policy", "[0].block_public_policy", NULL},
    {"ignore_public_acls", "[0].ignore_public_acls", NULL},
    {"restrict_public_buckets", "[0].restrict_public_buckets", NULL},
    {NULL, NULL, NULL},
};

static const fold_move encryption_moves[] = {
    {"rule", "[0].rule", NULL},
    {NULL, NULL, NULL},
};

static const fold_move versioning_moves[] = {
    {"versioning_configuration[0].status", "[0].enabled", convert_enabled},
    {"versioning_configuration[0].mfa_delete", "[0].mfa_delete", convert_enabled},
    {NULL, NULL, NULL},
};

static const fold_move logging_moves[] = {
    {"target_bucket", "[0].target_bucket", NULL},
    {"target_prefix", "[0].target_prefix", NULL},
    {NULL, NULL, NULL},
};

static const child_kind child_kinds[] = {
    {"aws_security_group_rule", SECURITY_GROUP, "security_group_id", NULL, NULL, LAND_APPEND,
     security_group_rule_moves, security_group_rule_direction, NULL, source_group_stays_unset},
    {"aws_vpc_security_group_ingress_rule", SECURITY_GROUP, "security_group_id", NULL,
     "ingress", LAND_APPEND, vpc_security_group_rule_moves, NULL, mark_self_reference},
    {"aws_vpc_security_group_egress_rule", SECURITY_GROUP, "security_group_id", NULL,
     "egress", LAND_APPEND, vpc_security_group_rule_moves, NULL, mark_self_reference},
    {"aws_s3_bucket_policy", S3_BUCKET, "bucket", NULL, "policy", LAND_REPLACE, policy_moves,
     NULL, NULL},
    {"aws_s3_bucket_public_access_block", S3_BUCKET, "bucket", NULL, "public_access_block",
     LAND_REPLACE, public_access_block_moves, NULL, NULL},
    {"aws_s3_bucket_server_side_encryption_configuration", S3_BUCKET, "bucket", NULL,
     "server_side_encryption_configuration", LAND_REPLACE, encryption_moves, NULL, NULL},
    {"aws_s3_bucket_versioning", S3_BUCKET, "bucket", NULL, "versioning", LAND_REPLACE,
     versioning_moves, NULL, NULL},
    {"aws_s3_bucket_logging", S3_BUCKET, "bucket", NULL, "logging", LAND_REPLACE,
     logging_moves, NULL, NULL},
    {"aws_sqs_queue_policy", SQS_QUEUE, "queue_url", "queues", "policy", LAND_REPLACE,
     policy_moves, NULL, NULL},
};

#define CHILD_KIND_COUNT (sizeof(child_kinds) / sizeof(child_kinds[0]))

typedef struct fold_state {
    soc2_loader *loader;
    strmap by_identity; /* "<type>\n<identity>" -> first resource with it */
    /* Known elements of the lists children fold onto, to fold a child equal
     * to one onto it: "<parent>\n<attribute>\n<block key>" -> index + 1. */
    strmap elements;
    strmap indexed_lists; /* "<parent>\n<attribute>\n" -> the parent, once indexed */
    strbuf key;
} fold_state;

/* Reading the child. */

/* Follows the path `text` in `resource` and returns the value_state there.
 * Stores the value and its part of the unknown mask. Returns -1 when memory
 * runs out. */
static int lookup(const soc2_resource *resource, const char *text, const json_t **value,
                  const json_t **mask)
{
    attr_path path;
    if (path_parse(&path, text, NULL) < 0)
        return -1;
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], resource);
    const cursor *at = cursor_follow(chain, &chain[0], &path);
    path_free(&path);

    *value = at->value;
    if (mask)
        *mask = at->mask;
    return (int)cursor_state(at);
}

/* Writes `base` followed by the relative path `relative` ("" adds nothing,
 * "[0].x" adds an index, "x" adds a key). */
static void join_path(strbuf *out, const char *base, const char *relative)
{
    sb_reset(out);
    sb_puts(out, base);
    if (*relative && *relative != '[' && *relative != '.' && *base)
        sb_putc(out, '.');
    sb_puts(out, relative);
}

/* Puts `leaf` (NULL when the child has no value) at `relative` inside
 * `*root`, making the objects and lists on the way. Takes `leaf`. */
static int place(json_t **root, const attr_path *relative, json_t *leaf)
{
    if (relative->count == 0) {
        json_decref(*root);
        *root = leaf ? leaf : json_null();
        return *root ? 0 : -1;
    }

    if (!*root)
        *root = relative->steps[0].key ? json_object() : json_array();
    json_t *node = *root;
    for (size_t i = 0; node && i + 1 < relative->count; i++) {
        const path_step *step = &relative->steps[i];
        json_t *next = step->key ? json_object_get(node, step->key)
                                 : json_array_get(node, step->index);
        if (!next) {
            next = relative->steps[i + 1].key ? json_object() : json_array();
            int rc = step->key ? json_object_set_new(node, step->key, next)
                               : json_array_append_new(node, next);
            if (rc < 0)
                next = NULL;
        }
        node = next;
    }
    if (!node) {
        json_decref(leaf);
        return -1;
    }

    const path_step *last = &relative->steps[relative->count - 1];
    if (last->key)
        return json_object_set_new(node, last->key, leaf ? leaf : json_null());
    if (!leaf)
        return 0;
    return json_array_append_new(node, leaf);
}

static int stays_unset(const child_kind *kind, const soc2_resource *child, const char *from)
{
    return kind->stays_unset && kind->stays_unset(child, from);
}

/* Builds the value the child's moves make: what lands on the parent. */
static int shape_value(json_t **out, const child_kind *kind, const soc2_resource *child)
{
    json_t *value = NULL;
    for (const fold_move *m = kind->moves; m->from; m++) {
        const json_t *found;
        int state = lookup(child, m->from, &found, NULL);
        if (state < 0)
            goto nomem;
        if (state == VALUE_UNKNOWN && stays_unset(kind, child, m->from))
            state = VALUE_MISSING;

        json_t *leaf;
        if (state == VALUE_UNKNOWN)
            leaf = json_null();
        else if (m->convert)
            leaf = m->convert(found);
        else
            leaf = found ? json_deep_copy(found) : NULL;
        if ((state == VALUE_UNKNOWN || m->convert || found) && !leaf)
            goto nomem;

        attr_path relative;
        if (path_parse(&relative, m->to, NULL) < 0) {
            json_decref(leaf);
            goto nomem;
        }
        int rc = place(&value, &relative, leaf);
        path_free(&relative);
        if (rc < 0)
            goto nomem;
    }
    *out = value;
    return SOC2_OK;

nomem:
    json_decref(value);
    return error_nomem();
}

/* Changes to the parent. */

static void drop_edges_at(soc2_resource *r, const char *path)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->edge_count; i++) {
        if (path_has_prefix(r->edges[i].path, path)) {
            free(r->edges[i].path);
            free(r->edges[i].target_address);
        } else {
            r->edges[kept++] = r->edges[i];
        }
    }
    r->edge_count = kept;
}

/* Drops the origin recorded for exactly `path`, keeping those below it. */
static void drop_exact_origin(soc2_resource *r, const char *path)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->origin_count; i++) {
        if (strcmp(r->origins[i].path, path) == 0)
            free(r->origins[i].path);
        else
            r->origins[kept++] = r->origins[i];
    }
    r->origin_count = kept;
}

static void drop_origins_at(soc2_resource *r, const char *path)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->origin_count; i++) {
        if (path_has_prefix(r->origins[i].path, path))
            free(r->origins[i].path);
        else
            r->origins[kept++] = r->origins[i];
    }
    r->origin_count = kept;
}

/* Marks unknown in the parent every part that `mask` (a part of the child's
 * mask) marks, below the parent path in `path`. */
static int graft_mask(soc2_resource *parent, const json_t *mask, strbuf *path)
{
    if (!mask || json_is_false(mask))
        return 0;
    if (json_is_true(mask))
        return mask_mark_unknown(&parent->unknown, sb_str(path));

    size_t mark = path->len;
    int rc = 0;
    if (json_is_object(mask)) {
        const char *key;
        json_t *part;
        json_object_foreach((json_t *)mask, key, part) {
            path_append_key(path, key);
            rc = path->failed ? -1 : graft_mask(parent, part, path);
            sb_truncate(path, mark);
            if (rc < 0)
                return -1;
        }
    } else if (json_is_array(mask)) {
        for (size_t i = 0; i < json_array_size(mask) && rc == 0; i++) {
            path_append_index(path, i);
            rc = path->failed ? -1 : graft_mask(parent, json_array_get(mask, i), path);
            sb_truncate(path, mark);
        }
    }
    return rc;
}

/* Copies the child's references at or below `from` to the parent at `to`,
 * keeping their resolved targets. */
static int copy_edges(soc2_resource *parent, const char *to, const soc2_resource *child,
                      const char *from, strbuf *path)
{
    size_t from_length = strlen(from);
    for (size_t i = 0; i < child->edge_count; i++) {
        const soc2_edge *e = &child->edges[i];
        if (!path_has_prefix(e->path, from))
            continue;
        sb_reset(path);
        sb_puts(path, to);
        sb_puts(path, e->path + from_length);
        if (path->failed || resource_add_edge_flags(parent, sb_str(path), e->target_address,
                                                    e->target, e->flags) < 0)
            return -1;
    }
    return 0;
}

/* Carries the unknown parts and the references of each moved value from the
 * child to the parent, below `landing` (the parent path of the folded
 * value). */
static int carry_moves(soc2_resource *parent, const char *landing, const child_kind *kind,
                       const soc2_resource *child)
{
    strbuf to = STRBUF_INIT;
    strbuf scratch = STRBUF_INIT;

    /* The landed block as a whole is where the child is; the moves below
     * map each value more precisely. */
    int rc = 0;
    if (child->source_pointer)
        rc = resource_map_source(parent, landing, child->source_pointer);
    for (const fold_move *m = kind->moves; m->from && rc == 0; m++) {
        const json_t *value, *mask;
        join_path(&to, landing, m->to);
        if (to.failed || lookup(child, m->from, &value, &mask) < 0) {
            rc = -1;
            break;
        }
        if (json_is_true(mask) && stays_unset(kind, child, m->from))
            mask = NULL;
        sb_reset(&scratch);
        sb_puts(&scratch, sb_str(&to));
        rc = graft_mask(parent, mask, &scratch);
        if (rc == 0)
            rc = copy_edges(parent, sb_str(&to), child, m->from, &scratch);

        /* The moved value is where the child's input wrote it, and so is
         * each part below it the child mapped more precisely. */
        sb_reset(&scratch);
        if (rc == 0 && resource_source_of(child, m->from, &scratch) == 0)
            rc = resource_map_source(parent, sb_str(&to), sb_str(&scratch));
        size_t from_length = strlen(m->from);
        for (size_t i = 0; i < child->source_count && rc == 0; i++) {
            const source_entry *e = &child->sources[i];
            if (strlen(e->path) == from_length || !path_has_prefix(e->path, m->from))
                continue;
            sb_reset(&scratch);
            join_path(&scratch, sb_str(&to), e->path + from_length);
            rc = scratch.failed ? -1 : resource_map_source(parent, sb_str(&scratch), e->pointer);
        }
    }

    sb_free(&to);
    sb_free(&scratch);
    return rc;
}

/* Replaces the parent's attribute with `value` (taken), with the unknown
 * marks, references and origins it had. */
static int replace_attribute(soc2_resource *parent, const char *attribute, json_t *value)
{
    if (json_is_object(parent->unknown))
        json_object_del(parent->unknown, attribute);
    drop_edges_at(parent, attribute);
    drop_origins_at(parent, attribute);
    return json_object_set_new(parent->attrs, attribute, value) < 0 ? error_nomem() : SOC2_OK;
}

/* Returns whether a value any move reads from the child is unknown, or -1
 * when memory runs out. */
static int moves_have_unknown(const child_kind *kind, const soc2_resource *child)
{
    for (const fold_move *m = kind->moves; m->from; m++) {
        const json_t *value, *mask;
        if (lookup(child, m->from, &value, &mask) < 0)
            return -1;
        if (mask && !(json_is_true(mask) && stays_unset(kind, child, m->from)))
            return 1;
    }
    return 0;
}

/* Returns whether a member is absent, null, an empty list or an empty
 * string: the ways a plan or state writes an unset member of a rule. */
static int is_unset(const json_t *value)
{
    return !value || json_is_null(value) || (json_is_array(value) && json_array_size(value) == 0) ||
           (json_is_string(value) && json_string_length(value) == 0);
}

/* Writes the key that two inline blocks share when they are equal,
 * counting a member that is null, absent, an empty list or an empty string
 * as unset: their compact JSON with keys sorted and unset members left out.
 * An aws_security_group_rule that leaves ipv6_cidr_blocks or description
 * unset has null there in plans and states, but its group's ingress list,
 * read back from AWS, has [] and "". Returns 0, or -1 when memory runs
 * out. */
static int block_key(strbuf *key, const json_t *block)
{
    json_t *trimmed = NULL;
    if (json_is_object(block)) {
        if (!(trimmed = json_object()))
            return -1;
        const char *member;
        json_t *value;
        json_object_foreach((json_t *)block, member, value) {
            if (!is_unset(value) && json_object_set(trimmed, member, value) < 0) {
                json_decref(trimmed);
                return -1;
            }
        }
    }
    char *text = json_dumps(trimmed ? trimmed : block,
                            JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(trimmed);
    if (!text)
        return -1;
    sb_puts(key, text);
    free(text);
    return key->failed ? -1 : 0;
}

/* Starts the index key of an element of the parent's list `attribute`. */
static void element_key_prefix(strbuf *key, const soc2_resource *parent, const char *attribute)
{
    sb_reset(key);
    sb_puts(key, parent->address);
    sb_putc(key, '\n');
    sb_puts(key, attribute);
    sb_putc(key, '\n');
}

/* Records element `index` of the parent's list `attribute` in the index of
 * known elements, unless an equal element came first. */
static int index_element(fold_state *st, const soc2_resource *parent, const char *attribute,
                         const json_t *element, size_t index)
{
    element_key_prefix(&st->key, parent, attribute);
    if (block_key(&st->key, element) < 0)
        return -1;
    strmap_entry *e = strmap_upsert(&st->elements, sb_str(&st->key), st->key.len);
    if (!e)
        return -1;
    if (!e->value)
        e->value = (void *)(uintptr_t)(index + 1);
    return 0;
}

/* Indexes, the first time a child folds onto the parent's list
 * `attribute`, the elements the parent itself has that have no unknown
 * part. */
static int index_parent_list(fold_state *st, const soc2_resource *parent, const char *attribute,
                             const json_t *list)
{
    element_key_prefix(&st->key, parent, attribute);
    strmap_entry *e = strmap_upsert(&st->indexed_lists, sb_str(&st->key), st->key.len);
    if (!e)
        return -1;
    if (e->value)
        return 0;
    e->value = (void *)parent;

    cursor root, at, element;
    cursor_root(&root, parent);
    cursor_child_key(&at, &root, attribute);
    for (size_t i = 0; i < json_array_size(list); i++) {
        cursor_child_index(&element, &at, i);
        if (!element.mask && index_element(st, parent, attribute, json_array_get(list, i), i) < 0)
            return -1;
    }
    return 0;
}

/* Finds the first element of the parent's `list` that equals `value` and
 * has no unknown part. Sets *index to it, or to the list's size when none
 * does. Returns 0, or -1 when memory runs out. */
static int find_equal_element(fold_state *st, const soc2_resource *parent,
                              const char *attribute, const json_t *list, const json_t *value,
                              size_t *index)
{
    *index = json_array_size(list);
    if (index_parent_list(st, parent, attribute, list) < 0)
        return -1;
    element_key_prefix(&st->key, parent, attribute);
    if (block_key(&st->key, value) < 0)
        return -1;
    uintptr_t found = (uintptr_t)strmap_getn(&st->elements, sb_str(&st->key), st->key.len);
    if (found)
        *index = (size_t)(found - 1);
    return 0;
}

/* Appends `value` (taken) to the list at `attribute` of the parent and
 * writes the new element's path to `landing`. `value_known` is set when the
 * value has no unknown part. */
static int append_to_list(fold_state *st, soc2_resource *parent, const soc2_resource *child,
                          const char *attribute, json_t *value, int value_known,
                          strbuf *landing)
{
    json_t *list = json_object_get(parent->attrs, attribute);
    if (list && !json_is_null(list) && !json_is_array(list)) {
        json_decref(value);
        return loader_fail(st->loader, SOC2_EFORMAT, NULL,
                           "cannot fold %s into %s: the \"%s\" attribute of %s is not a list",
                           child->address, parent->address, attribute, parent->address);
    }

    if (!json_is_array(list)) {
        /* A Terraform plan marks an inline rule list that the configuration
         * leaves out as unknown until apply, because the provider fills it
         * from the separate rules folded here. NOTE: a list that is unknown
         * for another reason (a dynamic block over unknown values) is
         * replaced by the folded rules alone. Other formats keep the mark,
         * so the folded rules read as unknown there. */
        if (st->loader->document->format == SOC2_FORMAT_TERRAFORM_PLAN &&
            json_is_object(parent->unknown))
            json_object_del(parent->unknown, attribute);
        list = json_array();
        if (!list || json_object_set_new(parent->attrs, attribute, list) < 0) {
            json_decref(value);
            return error_nomem();
        }
    }

    /* A plan made against existing infrastructure reads every rule of a
     * group back into its inline lists, separately managed ones included.
     * The rules of a group are a set, so a rule equal to a known element
     * is folded onto that element instead of being listed twice. */
    size_t index = json_array_size(list);
    if (value_known && find_equal_element(st, parent, attribute, list, value, &index) < 0) {
        json_decref(value);
        return error_nomem();
    }
    if (index < json_array_size(list)) {
        json_decref(value);
    } else {
        if (value_known && index_element(st, parent, attribute, value, index) < 0) {
            json_decref(value);
            return error_nomem();
        }
        if (json_array_append_new(list, value) < 0)
            return error_nomem();
    }
    sb_reset(landing);
    sb_puts(landing, attribute);
    path_append_index(landing, index);
    return landing->failed ? error_nomem() : SOC2_OK;
}

/* Returns the resource that already set the parent's `attribute`: an
 * earlier child folded there, or the parent itself when its own
 * configuration sets it (an adapter records that as an origin on itself).
 * NULL when nothing did. */
static const soc2_resource *earlier_setter(const soc2_resource *parent, const char *attribute)
{
    for (size_t i = 0; i < parent->origin_count; i++)
        if (strcmp(parent->origins[i].path, attribute) == 0)
            return parent->origins[i].source;
    return NULL;
}

/* Returns the statements of a policy document given as an object or as a
 * JSON string, as a new list; NULL when it is neither. */
static json_t *policy_statements(const json_t *policy)
{
    json_t *document = json_is_string(policy)
                           ? json_loadb(json_string_value(policy), json_string_length(policy),
                                        JSON_REJECT_DUPLICATES, NULL)
                           : json_incref((json_t *)policy);
    json_t *statement = json_object_get(document, "Statement");
    json_t *list = NULL;
    if (json_is_array(statement))
        list = json_deep_copy(statement);
    else if (json_is_object(statement))
        list = json_pack("[O]", statement);
    else if (json_is_object(document) && !statement)
        list = json_array();
    json_decref(document);
    return list;
}

/* Two resources set the same policy (two aws_s3_bucket_policy resources for
 * one bucket, or an inline policy and a separate one). AWS keeps whichever
 * is applied last, so either can be in force. The parent gets one document
 * with the statements of both, which fails a rule when either policy would:
 * the origin of each statement names the resource it came from. When a
 * policy is unknown or not a readable document, the merged policy is
 * unknown. */
static int merge_policies(soc2_resource *parent, const char *attribute, json_t *value,
                          const soc2_resource *child, const soc2_resource *earlier)
{
    const json_t *existing = json_object_get(parent->attrs, attribute);
    const json_t *existing_mask = json_object_get(parent->unknown, attribute);
    const json_t *child_mask = json_object_get(child->unknown, attribute);
    json_t *first = existing_mask ? NULL : policy_statements(existing);
    json_t *second = child_mask ? NULL : policy_statements(value);

    int rc = SOC2_OK;
    if (!first || !second) {
        json_decref(first);
        json_decref(second);
        if (json_object_set_new(parent->attrs, attribute, value) < 0 ||
            mask_mark_unknown(&parent->unknown, attribute) < 0)
            return error_nomem();
        return resource_add_origin(parent, attribute, (soc2_resource *)child) < 0 ? error_nomem()
                                                                                  : SOC2_OK;
    }

    size_t offset = json_array_size(first);
    json_t *merged = json_pack("{s:s, s:o}", "Version", "2012-10-17", "Statement", first);
    if (!merged || json_array_extend(first, second) < 0)
        rc = error_nomem();
    json_decref(second);
    json_decref(value);
    if (rc != SOC2_OK) {
        json_decref(merged);
        return rc;
    }

    /* Each statement keeps the origin of the resource it came from. The
     * statements already there keep their indexes, so origins an earlier
     * merge gave them stay; a policy set whole by one resource gets an
     * origin per statement now. The origin on the whole policy then names
     * the latest resource, so that the next one merges too. */
    int per_statement = 0;
    strbuf prefix = STRBUF_INIT, path = STRBUF_INIT;
    sb_printf(&prefix, "%s.Statement", attribute);
    for (size_t i = 0; i < parent->origin_count; i++)
        per_statement |= path_has_prefix(parent->origins[i].path, sb_str(&prefix));
    drop_edges_at(parent, attribute);
    drop_exact_origin(parent, attribute);

    for (size_t i = per_statement ? offset : 0; i < json_array_size(first) && rc == SOC2_OK;
         i++) {
        /* The parent's own statements get an origin on the parent, so
         * that the one on the whole policy does not claim them. */
        const soc2_resource *source = i < offset ? earlier : child;
        sb_reset(&path);
        sb_printf(&path, "%s[%zu]", sb_str(&prefix), i);
        if (path.failed || resource_add_origin(parent, sb_str(&path), (soc2_resource *)source) < 0)
            rc = error_nomem();
    }
    sb_free(&path);
    sb_free(&prefix);
    if (rc == SOC2_OK && resource_add_origin(parent, attribute, (soc2_resource *)child) < 0)
        rc = error_nomem();
    if (rc == SOC2_OK && json_object_set_new(parent->attrs, attribute, merged) < 0)
        rc = error_nomem();
    else if (rc != SOC2_OK)
        json_decref(merged);
    return rc;
}

/* Two resources set the same setting of the parent (two
 * aws_s3_bucket_versioning resources for one bucket) to different values.
 * AWS keeps whichever is applied last, so the setting is unknown. */
static int mark_conflict(soc2_resource *parent, const char *attribute, json_t *value,
                         const soc2_resource *child)
{
    const json_t *existing = json_object_get(parent->attrs, attribute);
    if (json_equal((json_t *)existing, value) && !json_object_get(parent->unknown, attribute) &&
        !json_object_get(child->unknown, attribute)) {
        json_decref(value);
        return resource_add_origin(parent, attribute, (soc2_resource *)child) < 0 ? error_nomem()
                                                                                  : SOC2_OK;
    }
    if (json_object_set_new(parent->attrs, attribute, value) < 0 ||
        mask_mark_unknown(&parent->unknown, attribute) < 0 ||
        resource_add_origin(parent, attribute, (soc2_resource *)child) < 0)
        return error_nomem();
    return SOC2_OK;
}

/* Folds the child's configuration onto one parent. */
static int fold_onto(fold_state *st, const child_kind *kind, soc2_resource *child,
                     soc2_resource *parent, const char *attribute)
{
    json_t *value = NULL;
    int rc = shape_value(&value, kind, child);
    if (rc != SOC2_OK)
        return rc;
    if (kind->complete && kind->complete(value, child, parent) < 0) {
        json_decref(value);
        return error_nomem();
    }

    const soc2_resource *earlier =
        kind->landing == LAND_REPLACE ? earlier_setter(parent, attribute) : NULL;
    if (earlier && earlier != child) {
        rc = strcmp(attribute, "policy") == 0
                 ? merge_policies(parent, attribute, value, child, earlier)
                 : mark_conflict(parent, attribute, value, child);
        if (rc == SOC2_OK && !child->folded_into)
            child->folded_into = parent;
        parent->unknown = mask_prune(parent->unknown);
        return rc;
    }

    strbuf landing = STRBUF_INIT;
    if (kind->landing == LAND_APPEND) {
        int unknown = moves_have_unknown(kind, child);
        if (unknown < 0) {
            json_decref(value);
            return error_nomem();
        }
        rc = append_to_list(st, parent, child, attribute, value, !unknown, &landing);
    } else {
        rc = replace_attribute(parent, attribute, value);
        sb_puts(&landing, attribute);
        if (rc == SOC2_OK && landing.failed)
            rc = error_nomem();
    }

    if (rc == SOC2_OK &&
        (carry_moves(parent, sb_str(&landing), kind, child) < 0 ||
         resource_add_origin(parent, sb_str(&landing), child) < 0))
        rc = error_nomem();
    sb_free(&landing);
    if (rc != SOC2_OK)
        return rc;

    parent->unknown = mask_prune(parent->unknown);
    /* With several parents (a queue policy for two queues) the first one is
     * recorded. */
    if (!child->folded_into)
        child->folded_into = parent;
    return SOC2_OK;
}

/* Finding the parent. */

static int identity_key(strbuf *key, const char *type, const char *identity)
{
    sb_reset(key);
    sb_puts(key, type);
    sb_putc(key, '\n');
    sb_puts(key, identity);
    return key->failed ? -1 : 0;
}

static int index_identity(fold_state *st, const char *type, const char *identity,
                          soc2_resource *r)
{
    if (identity_key(&st->key, type, identity) < 0)
        return -1;
    strmap_entry *e = strmap_upsert(&st->by_identity, st->key.data, st->key.len);
    if (!e)
        return -1;
    if (!e->value)
        e->value = r;
    return 0;
}

static const parent_kind *parent_kind_of(const char *type)
{
    for (size_t i = 0; i < PARENT_KIND_COUNT; i++)
        if (strcmp(parent_kinds[i].type, type) == 0)
            return &parent_kinds[i];
    return NULL;
}

/* Indexes every possible parent in the document by the values that name
 * it. The first resource in document order wins a shared value. */
static int index_parents(fold_state *st)
{
    for (size_t i = 0; i < st->loader->count; i++) {
        soc2_resource *r = st->loader->resources[i];
        const parent_kind *kind = parent_kind_of(r->type);
        /* A data source is not managed here, so no configuration lands on
         * it: a child naming one gets a placeholder that rules evaluate. */
        if (!kind || (r->flags & RESOURCE_DATA_SOURCE))
            continue;
        for (const char *const *name = kind->identities; *name; name++) {
            const char *identity = json_string_value(json_object_get(r->attrs, *name));
            if (identity && *identity && index_identity(st, kind->type, identity, r) < 0)
                return -1;
        }
    }
    return 0;
}

static int has_identity(const parent_kind *kind, const soc2_resource *r, const char *name)
{
    for (const char *const *attribute = kind->identities; *attribute; attribute++) {
        const char *identity = json_string_value(json_object_get(r->attrs, *attribute));
        if (identity && strcmp(identity, name) == 0)
            return 1;
    }
    return 0;
}

/* Makes a placeholder parent for a parent the document does not contain.
 * `name` is the link value or its symbol (`symbolic`), or NULL. Later children naming the same
 * value find the placeholder through the identity index. */
static int make_placeholder(fold_state *st, const parent_kind *kind, const soc2_resource *child,
                            const char *slot, const char *name, int symbolic,
                            soc2_resource **out)
{
    strbuf address = STRBUF_INIT;
    if (name && !loader_find(st->loader, name)) {
        sb_puts(&address, name);
    } else {
        sb_puts(&address, child->address);
        sb_putc(&address, '.');
        sb_puts(&address, slot);
    }
    /* A symbol names the placeholder but is no value of it. */
    json_t *attrs = name && !symbolic ? json_pack("{s:s}", kind->placeholder_identity, name)
                                      : json_object();
    if (address.failed || !attrs) {
        sb_free(&address);
        json_decref(attrs);
        return error_nomem();
    }

    soc2_resource *r = loader_add_resource(st->loader, sb_str(&address), kind->type, NULL,
                                           attrs, NULL);
    sb_free(&address);
    if (!r)
        return soc2_error_last()->code;
    r->flags |= RESOURCE_PLACEHOLDER;
    if (name && index_identity(st, kind->type, name, r) < 0)
        return error_nomem();
    *out = r;
    return SOC2_OK;
}

/* Finds the parent named by the child's link value at `slot` ("bucket",
 * "queues[1]"): a resolved reference there, else a resource of the parent
 * type named by the value, else a placeholder. */
static int find_parent(fold_state *st, const child_kind *kind, soc2_resource *child,
                       const char *slot, soc2_resource **out)
{
    const parent_kind *parent = &parent_kinds[kind->parent];
    const json_t *value;
    int state = lookup(child, slot, &value, NULL);
    if (state < 0)
        return error_nomem();
    /* An unknown CloudFormation value may carry its symbol (see cfn.h),
     * such as "app-logs-${AWS::Region}": equal symbols name the same
     * resource, so it matches like a known value. */
    const char *name = NULL;
    int symbolic = 0;
    if (state == VALUE_PRESENT) {
        name = json_string_value(value);
    } else if (state == VALUE_UNKNOWN && json_is_string(value)) {
        name = json_string_value(value);
        symbolic = 1;
    }
    if (name && !*name)
        name = NULL;

    /* Where several references name parents, the one the known value names
     * wins, then the first. */
    soc2_resource *found = NULL;
    for (size_t i = 0; i < child->edge_count; i++) {
        soc2_resource *target = child->edges[i].target;
        if (!target || strcmp(target->type, parent->type) != 0 ||
            (target->flags & RESOURCE_DATA_SOURCE) ||
            !path_has_prefix(child->edges[i].path, slot))
            continue;
        if (name && has_identity(parent, target, name)) {
            found = target;
            break;
        }
        if (!found)
            found = target;
    }

    if (!found && name) {
        if (identity_key(&st->key, parent->type, name) < 0)
            return error_nomem();
        found = strmap_get(&st->by_identity, st->key.data);
    }

    if (found) {
        *out = found;
        return SOC2_OK;
    }
    return make_placeholder(st, parent, child, slot, name, symbolic, out);
}

/* Returns whether the child has a value, an unknown value or a reference at
 * `attribute`. */
static int has_link(const soc2_resource *child, const char *attribute)
{
    const json_t *value = json_object_get(child->attrs, attribute);
    if (value && !json_is_null(value))
        return 1;
    if (json_is_object(child->unknown) && json_object_get(child->unknown, attribute))
        return 1;
    for (size_t i = 0; i < child->edge_count; i++)
        if (path_has_prefix(child->edges[i].path, attribute))
            return 1;
    return 0;
}

/* Collects the parents an ambiguous reference at `slot` may name (one of
 * several counted instances: see EDGE_AMBIGUOUS). Returns 0 when the slot
 * has a definite reference to a parent, or no ambiguous one. */
static int ambiguous_parents(const child_kind *kind, const soc2_resource *child,
                             const char *slot, ptrvec *out)
{
    const char *type = parent_kinds[kind->parent].type;
    for (size_t i = 0; i < child->edge_count; i++) {
        const soc2_edge *e = &child->edges[i];
        if (!e->target || strcmp(e->target->type, type) != 0 ||
            (e->target->flags & RESOURCE_DATA_SOURCE) || !path_has_prefix(e->path, slot))
            continue;
        if (!(e->flags & EDGE_AMBIGUOUS)) {
            out->count = 0;
            return 0;
        }
        if (ptrvec_push(out, e->target) < 0)
            return -1;
    }
    return 0;
}

static int fold_onto_slot(fold_state *st, const child_kind *kind, soc2_resource *child,
                          const char *attribute, const char *slot, ptrvec *done)
{
    /* A child that names one of several parents without saying which (a
     * policy for aws_s3_bucket.b[each.value]) may configure each of them:
     * it folds onto every one, and what it sets there is unknown. */
    ptrvec candidates = {0};
    if (ambiguous_parents(kind, child, slot, &candidates) < 0) {
        ptrvec_free(&candidates);
        return error_nomem();
    }
    if (candidates.count > 0) {
        int rc = SOC2_OK;
        for (size_t i = 0; i < candidates.count && rc == SOC2_OK; i++) {
            soc2_resource *parent = candidates.items[i];
            size_t origins = parent->origin_count;
            rc = fold_onto(st, kind, child, parent, attribute);
            for (size_t k = origins; k < parent->origin_count && rc == SOC2_OK; k++)
                if (parent->origins[k].source == child &&
                    mask_mark_unknown(&parent->unknown, parent->origins[k].path) < 0)
                    rc = error_nomem();
        }
        ptrvec_free(&candidates);
        return rc;
    }

    soc2_resource *parent = NULL;
    int rc = find_parent(st, kind, child, slot, &parent);
    if (rc != SOC2_OK)
        return rc;
    for (size_t i = 0; i < done->count; i++)
        if (done->items[i] == parent)
            return SOC2_OK;
    if (ptrvec_push(done, parent) < 0)
        return error_nomem();
    return fold_onto(st, kind, child, parent, attribute);
}

static int fold_child(fold_state *st, const child_kind *kind, soc2_resource *child)
{
    const char *attribute =
        kind->choose_attribute ? kind->choose_attribute(child) : kind->attribute;
    if (!attribute)
        return SOC2_OK;

    const char *link = kind->link;
    if (kind->list_link && !has_link(child, kind->link) && has_link(child, kind->list_link))
        link = kind->list_link;
    const json_t *value = json_object_get(child->attrs, link);

    ptrvec done = {0};
    int rc = SOC2_OK;
    if (link == kind->list_link && json_is_array(value)) {
        strbuf slot = STRBUF_INIT;
        for (size_t i = 0; i < json_array_size(value) && rc == SOC2_OK; i++) {
            sb_reset(&slot);
            sb_puts(&slot, link);
            path_append_index(&slot, i);
            rc = slot.failed ? error_nomem()
                             : fold_onto_slot(st, kind, child, attribute, sb_str(&slot), &done);
        }
        sb_free(&slot);
    } else {
        /* NOTE: a list of parents that is unknown as a whole folds onto the
         * first parent it references (or a placeholder), not onto each. */
        rc = fold_onto_slot(st, kind, child, attribute, link, &done);
    }
    ptrvec_free(&done);
    return rc;
}

static const child_kind *child_kind_of(const char *type)
{
    for (size_t i = 0; i < CHILD_KIND_COUNT; i++)
        if (strcmp(child_kinds[i].type, type) == 0)
            return &child_kinds[i];
    return NULL;
}

int fold_document(soc2_loader *loader)
{
    fold_state st = {loader, STRMAP_INIT, STRMAP_INIT, STRMAP_INIT, STRBUF_INIT};
    int rc = index_parents(&st) < 0 ? error_nomem() : SOC2_OK;

    /* Placeholders are appended as parents are found; they are never
     * children, so the loop stops at the document's own resources. */
    size_t count = loader->count;
    for (size_t i = 0; i < count && rc == SOC2_OK; i++) {
        soc2_resource *r = loader->resources[i];
        const child_kind *kind = child_kind_of(r->type);
        /* A data source of a child type (data "aws_s3_bucket_policy") reads
         * configuration that something else manages, so it sets nothing. */
        if (kind && !(r->flags & RESOURCE_DATA_SOURCE))
            rc = fold_child(&st, kind, r);
    }

    strmap_free(&st.by_identity);
    strmap_free(&st.elements);
    strmap_free(&st.indexed_lists);
    sb_free(&st.key);
    return rc;
}
