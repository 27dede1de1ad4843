#include <stdlib.h>
#include <string.h>

#include <soc2/resource.h>
#include <soc2/snapshot.h>

#include "model.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/path.h"

#define DEFAULT_INPUT_BYTES ((size_t)1 << 30)
#define DEFAULT_RESOURCES ((size_t)10000000)

static const char *const format_names[] = {
    [SOC2_FORMAT_AUTO] = "auto",
    [SOC2_FORMAT_TERRAFORM_PLAN] = "terraform-plan",
    [SOC2_FORMAT_CLOUDFORMATION] = "cloudformation",
    [SOC2_FORMAT_TERRAFORM_STATE] = "terraform-state",
    [SOC2_FORMAT_AWS_CONFIG] = "aws-config",
    [SOC2_FORMAT_NATIVE] = "native",
};

const char *soc2_format_name(soc2_format format)
{
    if ((unsigned)format >= sizeof(format_names) / sizeof(format_names[0]))
        return NULL;
    return format_names[format];
}

int soc2_format_from_name(soc2_format *out, const char *name)
{
    if (!out || !name)
        return error_set(SOC2_EINVAL, "format and name must not be NULL");
    for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (format_names[i] && strcmp(format_names[i], name) == 0) {
            *out = (soc2_format)i;
            return SOC2_OK;
        }
    }
    return error_set(SOC2_ENOTFOUND, "unknown input format \"%s\"", name);
}

int soc2_snapshot_new(soc2_snapshot **out)
{
    if (!out)
        return error_set(SOC2_EINVAL, "out must not be NULL");
    soc2_snapshot *s = calloc(1, sizeof(*s));
    if (!s)
        return error_nomem();
    strmap_init(&s->interned);
    strmap_init(&s->by_type);
    strmap_init(&s->by_identity);
    strmap_init(&s->by_arn_key);
    s->limit_input_bytes = DEFAULT_INPUT_BYTES;
    s->limit_resources = DEFAULT_RESOURCES;
    *out = s;
    return SOC2_OK;
}

static void free_vec_value(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    ptrvec_free(value);
    free(value);
}

static void drop_indexes(soc2_snapshot *s)
{
    strmap_foreach(&s->by_type, free_vec_value, NULL);
    strmap_foreach(&s->by_identity, free_vec_value, NULL);
    strmap_foreach(&s->by_arn_key, free_vec_value, NULL);
    strmap_free(&s->by_type);
    strmap_free(&s->by_identity);
    strmap_free(&s->by_arn_key);
    for (size_t i = 0; i < s->count; i++) {
        soc2_resource *r = s->resources[i];
        free(r->in_edges);
        r->in_edges = NULL;
        r->in_count = 0;
        r->in_cap = 0;
    }
    s->indexed = 0;
}

void soc2_snapshot_free(soc2_snapshot *s)
{
    if (!s)
        return;
    drop_indexes(s);
    for (size_t i = 0; i < s->count; i++)
        resource_free(s->resources[i]);
    for (size_t i = 0; i < s->document_count; i++)
        document_free(s->documents[i]);
    free(s->resources);
    free(s->documents);
    strmap_free(&s->interned);
    free(s);
}

int soc2_snapshot_set_limit(soc2_snapshot *s, soc2_limit limit, size_t value)
{
    if (!s || value == 0)
        return error_set(SOC2_EINVAL, "snapshot must not be NULL and the limit must be positive");
    switch (limit) {
    case SOC2_LIMIT_INPUT_BYTES:
        s->limit_input_bytes = value;
        return SOC2_OK;
    case SOC2_LIMIT_RESOURCES:
        s->limit_resources = value;
        return SOC2_OK;
    }
    return error_set(SOC2_EINVAL, "unknown limit %d", (int)limit);
}

int soc2_snapshot_set_progress(soc2_snapshot *s, soc2_progress_callback callback, void *payload)
{
    if (!s)
        return error_set(SOC2_EINVAL, "snapshot must not be NULL");
    s->progress = callback;
    s->progress_payload = payload;
    return SOC2_OK;
}

size_t soc2_snapshot_resource_count(const soc2_snapshot *s)
{
    return s ? s->count : 0;
}

size_t soc2_snapshot_document_count(const soc2_snapshot *s)
{
    return s ? s->document_count : 0;
}

int soc2_snapshot_document(const soc2_snapshot *s, size_t index, const char **name,
                           soc2_format *format)
{
    if (!s)
        return error_set(SOC2_EINVAL, "snapshot must not be NULL");
    if (index >= s->document_count)
        return error_set(SOC2_ENOTFOUND, "no document at index %zu (the snapshot has %zu)",
                         index, s->document_count);
    if (name)
        *name = s->documents[index]->name;
    if (format)
        *format = s->documents[index]->format;
    return SOC2_OK;
}

static void free_position(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    free(value);
}

void document_free(soc2_document *d)
{
    if (!d)
        return;
    free(d->name);
    free(d->text);
    if (d->positions) {
        strmap_foreach(d->positions, free_position, NULL);
        strmap_free(d->positions);
        free(d->positions);
    }
    free(d);
}

/* Indexing. */

static int index_add(strmap *map, const char *key, soc2_resource *r)
{
    strmap_entry *e = strmap_upsert(map, key, strlen(key));
    if (!e)
        return -1;
    if (!e->value) {
        e->value = calloc(1, sizeof(ptrvec));
        if (!e->value)
            return -1;
    }
    ptrvec *vec = e->value;
    if (vec->count && vec->items[vec->count - 1] == r)
        return 0;
    return ptrvec_push(vec, r);
}

/* Attributes that identify a resource beyond `id` and `arn`: the names other
 * resources use to refer to it. */
static const struct {
    const char *type;
    const char *attribute;
} identity_attributes[] = {
    {"aws_s3_bucket", "bucket"},
    {"aws_sqs_queue", "url"},
    {"aws_cloudwatch_log_group", "name"},
    {"aws_iam_role", "name"},
    {"aws_iam_user", "name"},
    {"aws_iam_group", "name"},
    {"aws_iam_policy", "name"},
    {"aws_kms_key", "key_id"},
    {"aws_kms_alias", "name"},
    {"aws_sns_topic", "name"},
};

static int add_identity(soc2_snapshot *s, soc2_resource *r, const char *attribute)
{
    const char *value = json_string_value(json_object_get(r->attrs, attribute));
    if (!value || !*value)
        return 0;
    if (index_add(&s->by_identity, value, r) < 0)
        return -1;
    return 0;
}

static int index_identities(soc2_snapshot *s, soc2_resource *r, strbuf *key)
{
    if (add_identity(s, r, "id") < 0 || add_identity(s, r, "arn") < 0)
        return -1;
    int has_key = arn_key_of_resource(r, key);
    if (has_key < 0 || (has_key && index_add(&s->by_arn_key, sb_str(key), r) < 0))
        return -1;
    for (size_t i = 0; i < sizeof(identity_attributes) / sizeof(identity_attributes[0]); i++)
        if (strcmp(identity_attributes[i].type, r->type) == 0 &&
            add_identity(s, r, identity_attributes[i].attribute) < 0)
            return -1;
    return 0;
}

const ptrvec *snapshot_resources_of_type(const soc2_snapshot *s, const char *type)
{
    return strmap_get(&s->by_type, type);
}

const ptrvec *snapshot_resources_by_identity(const soc2_snapshot *s, const char *value)
{
    const ptrvec *found = strmap_get(&s->by_identity, value);
    if (found)
        return found;
    size_t len = strlen(value);
    if (len > 2 && strcmp(value + len - 2, ":*") == 0)
        return strmap_getn(&s->by_identity, value, len - 2);
    return NULL;
}

/* Adds an edge for every string attribute value that names another resource
 * by ID, ARN or name, unless a reference at that path already exists.
 * `arn_key` is scratch space for arn_key_of_text(). */
static int add_value_edges(soc2_snapshot *s, soc2_resource *r, const json_t *value,
                           strbuf *path, strbuf *arn_key)
{
    /* Tags are labels people choose; one equal to a name refers to nothing.
     * AWS Config relationships are resolved by their adapter, which leaves
     * out on purpose those of a container to what it contains. */
    if (strcmp(sb_str(path), "tags") == 0 || strcmp(sb_str(path), "tags_all") == 0 ||
        strcmp(sb_str(path), "relationships") == 0)
        return 0;

    if (json_is_string(value)) {
        const ptrvec *targets = snapshot_resources_by_identity(s, json_string_value(value));
        unsigned flags = 0;
        if (!targets) {
            /* An ARN may name a resource whose own ARN is not known: the
             * match is then ambiguous (see arn.c). */
            int has_key = arn_key_of_text(json_string_value(value), arn_key);
            if (has_key < 0)
                return -1;
            targets = has_key ? strmap_get(&s->by_arn_key, sb_str(arn_key)) : NULL;
            flags = EDGE_AMBIGUOUS;
        }
        if (!targets || resource_has_edge_at(r, sb_str(path)))
            return 0;
        for (size_t i = 0; i < targets->count; i++) {
            soc2_resource *t = targets->items[i];
            if (t != r && resource_add_edge_flags(r, sb_str(path), t->address, t, flags) < 0)
                return -1;
        }
        return 0;
    }

    size_t mark = path->len;
    if (json_is_object(value)) {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)value, key, child) {
            path_append_key(path, key);
            int rc = add_value_edges(s, r, child, path, arn_key);
            sb_truncate(path, mark);
            if (rc < 0)
                return -1;
        }
    } else if (json_is_array(value)) {
        for (size_t i = 0; i < json_array_size(value); i++) {
            path_append_index(path, i);
            int rc = add_value_edges(s, r, json_array_get(value, i), path, arn_key);
            sb_truncate(path, mark);
            if (rc < 0)
                return -1;
        }
    }
    return path->failed ? -1 : 0;
}

static int add_in_edges(soc2_resource *r)
{
    for (size_t i = 0; i < r->edge_count; i++) {
        soc2_resource *t = r->edges[i].target;
        if (!t)
            continue;
        soc2_in_edge in = {r, r->edges[i].path, r->edges[i].flags};
        if (ARRAY_PUSH(t->in_edges, t->in_count, t->in_cap, in) < 0)
            return -1;
    }
    return 0;
}

int snapshot_index(soc2_snapshot *s)
{
    if (s->indexed)
        return SOC2_OK;
    drop_indexes(s);

    /* `key` is scratch space for the ARN keys of arn.c. */
    strbuf path = STRBUF_INIT, key = STRBUF_INIT;
    int failed = 0;
    for (size_t i = 0; i < s->count && !failed; i++) {
        soc2_resource *r = s->resources[i];
        failed = index_add(&s->by_type, r->type, r) < 0 || index_identities(s, r, &key) < 0;
    }
    for (size_t i = 0; i < s->count && !failed; i++) {
        sb_reset(&path);
        failed = add_value_edges(s, s->resources[i], s->resources[i]->attrs, &path, &key) < 0;
    }
    sb_free(&path);
    sb_free(&key);
    if (failed)
        goto nomem;

    for (size_t i = 0; i < s->count; i++)
        if (add_in_edges(s->resources[i]) < 0)
            goto nomem;

    s->indexed = 1;
    return SOC2_OK;

nomem:
    drop_indexes(s);
    return error_nomem();
}
