/* The CloudFormation adapter: reads a JSON template and creates one resource
 * per entry of Resources, with intrinsic functions resolved
 * (cfn_intrinsics.c) and properties renamed onto the canonical model
 * (cfn_map.c). Values known only once the stack exists become unknown, and
 * the references they carry become the resource's references.
 *
 * NOTE: transforms (AWS::Serverless, AWS::LanguageExtensions, macros) are
 * not expanded; their resources are loaded as written. */
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/path.h"

/* Detection. */

static int has_typed_resource(const json_t *resources)
{
    const char *key;
    json_t *resource;
    json_object_foreach((json_t *)resources, key, resource) {
        if (json_is_string(json_object_get(resource, "Type")))
            return 1;
    }
    return 0;
}

int cfn_detect(const json_t *root)
{
    if (!json_is_object(root))
        return 0;
    /* Terraform plans and state files are never templates. */
    if (json_object_get(root, "format_version") || json_object_get(root, "resource_changes") ||
        json_object_get(root, "terraform_version"))
        return 0;
    if (json_is_string(json_object_get(root, "AWSTemplateFormatVersion")))
        return 1;
    json_t *resources = json_object_get(root, "Resources");
    return json_is_object(resources) && has_typed_resource(resources);
}

/* The template's sections. */

static int section(cfn_template *t, json_t *root, const char *name, json_t **out)
{
    json_t *value = json_object_get(root, name);
    *out = NULL;
    if (!value)
        return SOC2_OK;
    if (!json_is_object(value)) {
        strbuf ptr = STRBUF_INIT;
        json_pointer_append(&ptr, name);
        int rc = loader_fail(t->loader, SOC2_EFORMAT, sb_str(&ptr),
                             "the %s section of a template must be an object", name);
        sb_free(&ptr);
        return rc;
    }
    *out = value;
    return SOC2_OK;
}

static int check_parameters(cfn_template *t)
{
    const char *name;
    json_t *parameter;
    json_object_foreach(t->parameters, name, parameter) {
        if (json_is_object(parameter))
            continue;
        strbuf ptr = STRBUF_INIT;
        sb_puts(&ptr, "/Parameters");
        json_pointer_append(&ptr, name);
        int rc = loader_fail(t->loader, SOC2_EFORMAT, sb_str(&ptr),
                             "parameter \"%s\" must be an object with a Type", name);
        sb_free(&ptr);
        return rc;
    }
    return SOC2_OK;
}

int cfn_template_init(cfn_template *t, soc2_loader *loader, json_t *root)
{
    memset(t, 0, sizeof(*t));
    t->loader = loader;
    strmap_init(&t->condition_states);
    t->unknown_tag = json_object();
    if (!t->unknown_tag)
        return error_nomem();

    if (!json_object_get(root, "Resources"))
        return loader_fail(loader, SOC2_EFORMAT, NULL,
                           "the template has no Resources section; a CloudFormation template "
                           "declares at least one resource");

    int rc = section(t, root, "Resources", &t->resources);
    if (rc == SOC2_OK)
        rc = section(t, root, "Parameters", &t->parameters);
    if (rc == SOC2_OK)
        rc = section(t, root, "Mappings", &t->mappings);
    if (rc == SOC2_OK)
        rc = section(t, root, "Conditions", &t->conditions);
    if (rc == SOC2_OK && t->parameters)
        rc = check_parameters(t);
    return rc;
}

void cfn_template_release(cfn_template *t)
{
    json_decref(t->unknown_tag);
    t->unknown_tag = NULL;
    strmap_free(&t->condition_states);
}

/* Turning markers into the unknown mask and references. */

typedef struct pending_reference {
    char *path;
    const char *target; /* borrowed from a marker that outlives the list */
} pending_reference;

typedef struct finalizer {
    const cfn_template *template;
    json_t *mask;
    pending_reference *references;
    size_t count, cap;
} finalizer;

static int record_unknown(finalizer *f, const json_t *marker, const strbuf *path)
{
    if (mask_mark_unknown(&f->mask, sb_str(path)) < 0)
        return -1;
    size_t i;
    json_t *ref;
    json_array_foreach(cfn_unknown_refs(marker), i, ref) {
        pending_reference pending = {strdup(sb_str(path)), json_string_value(ref)};
        if (!pending.path || ARRAY_PUSH(f->references, f->count, f->cap, pending) < 0) {
            free(pending.path);
            return -1;
        }
    }
    return 0;
}

/* Copies `value` without its markers: a marker member is left out and a
 * marker list element becomes null, and each is recorded at its attribute
 * path. Sets *out to NULL for a marker. Returns 0 or -1 when memory runs
 * out. */
static int finalize_value(finalizer *f, json_t *value, strbuf *path, json_t **out)
{
    *out = NULL;
    if (cfn_is_unknown(f->template, value))
        return record_unknown(f, value, path);

    if (json_is_object(value)) {
        json_t *copy = json_object();
        const char *key;
        json_t *item;
        json_object_foreach(value, key, item) {
            if (!copy)
                break;
            size_t mark = path->len;
            path_append_key(path, key);
            json_t *child;
            int rc = finalize_value(f, item, path, &child);
            sb_truncate(path, mark);
            if (rc < 0 || (child && json_object_set_new(copy, key, child) < 0)) {
                json_decref(copy);
                copy = NULL;
            }
        }
        *out = copy;
    } else if (json_is_array(value)) {
        json_t *copy = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item) {
            if (!copy)
                break;
            size_t mark = path->len;
            path_append_index(path, i);
            json_t *child;
            int rc = finalize_value(f, item, path, &child);
            sb_truncate(path, mark);
            if (rc < 0 || json_array_append_new(copy, child ? child : json_null()) < 0) {
                json_decref(copy);
                copy = NULL;
            }
        }
        *out = copy;
    } else {
        *out = json_incref(value);
    }
    return *out && !path->failed ? 0 : -1;
}

static void finalizer_free(finalizer *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->references[i].path);
    free(f->references);
    json_decref(f->mask);
}

/* Resources. */

static int fail_resource(cfn_template *t, const char *logical_id, const char *member,
                         const char *message)
{
    strbuf ptr = STRBUF_INIT;
    sb_puts(&ptr, "/Resources");
    json_pointer_append(&ptr, logical_id);
    if (member)
        json_pointer_append(&ptr, member);
    int rc = loader_fail(t->loader, SOC2_EFORMAT, sb_str(&ptr), "resource \"%s\": %s",
                         logical_id, message);
    sb_free(&ptr);
    return rc;
}

/* Decides whether CloudFormation would create the resource: a resource
 * whose Condition is false is not created, one whose Condition cannot be
 * decided from the template is kept. */
static int resource_is_created(cfn_template *t, const char *logical_id, json_t *resource,
                               int *created)
{
    json_t *condition = json_object_get(resource, "Condition");
    *created = 1;
    if (!condition)
        return SOC2_OK;
    if (!json_is_string(condition))
        return fail_resource(t, logical_id, "Condition", "Condition must be a condition name");

    strbuf ptr = STRBUF_INIT;
    sb_puts(&ptr, "/Resources");
    json_pointer_append(&ptr, logical_id);
    json_pointer_append(&ptr, "Condition");
    cfn_truth truth = CFN_UNDECIDED;
    int rc = ptr.failed ? error_nomem()
                        : cfn_condition(t, json_string_value(condition), sb_str(&ptr), &truth);
    sb_free(&ptr);
    *created = truth != CFN_FALSE;
    return rc;
}

/* Resolves the resource's Properties. *out is an object or a marker (when
 * the whole of Properties is unknown). */
static int resolve_properties(cfn_template *t, const char *logical_id, json_t *resource,
                              json_t **out)
{
    json_t *properties = json_object_get(resource, "Properties");
    *out = NULL;
    if (!properties) {
        *out = json_object();
        return *out ? SOC2_OK : error_nomem();
    }

    strbuf ptr = STRBUF_INIT;
    sb_puts(&ptr, "/Resources");
    json_pointer_append(&ptr, logical_id);
    json_pointer_append(&ptr, "Properties");
    int rc = ptr.failed ? error_nomem() : cfn_resolve(t, properties, &ptr, out);
    sb_free(&ptr);
    if (rc != SOC2_OK)
        return rc;

    if (!*out) {
        /* Properties: {"Ref": "AWS::NoValue"} sets no property. */
        *out = json_object();
        return *out ? SOC2_OK : error_nomem();
    }
    if (!json_is_object(*out) || cfn_is_unknown(t, *out)) {
        if (cfn_is_unknown(t, *out))
            return SOC2_OK;
        json_decref(*out);
        *out = NULL;
        return fail_resource(t, logical_id, "Properties", "Properties must be an object");
    }
    return SOC2_OK;
}

static int load_resource(cfn_template *t, const cfn_mapping *mapping, const char *logical_id,
                         json_t *resource)
{
    if (!json_is_object(resource))
        return fail_resource(t, logical_id, NULL,
                             "a resource must be an object with a Type and Properties");
    const char *source_type = json_string_value(json_object_get(resource, "Type"));
    if (!source_type)
        return fail_resource(t, logical_id, json_object_get(resource, "Type") ? "Type" : NULL,
                             "Type must be a resource type name such as AWS::S3::Bucket");
    /* Other members (DependsOn, Metadata, DeletionPolicy, ...) do not
     * describe the resource's configuration and are not read. */

    int created;
    int rc = resource_is_created(t, logical_id, resource, &created);
    if (rc != SOC2_OK || !created)
        return rc;

    json_t *properties;
    rc = resolve_properties(t, logical_id, resource, &properties);
    if (rc != SOC2_OK)
        return rc;

    const char *type = cfn_mapping_type(mapping, source_type);
    json_t *mapped = properties;
    if (type && !cfn_is_unknown(t, properties)) {
        mapped = cfn_map_properties(mapping, t, source_type, properties);
        json_decref(properties);
        if (!mapped)
            return error_nomem();
    }

    finalizer f = {.template = t};
    strbuf path = STRBUF_INIT;
    json_t *attrs;
    if (finalize_value(&f, mapped, &path, &attrs) < 0) {
        rc = error_nomem();
        goto done;
    }
    if (!attrs && !(attrs = json_object())) {
        rc = error_nomem();
        goto done;
    }

    soc2_resource *r = loader_add_resource(t->loader, logical_id, type ? type : source_type,
                                           source_type, attrs, f.mask);
    f.mask = NULL;
    if (!r) {
        rc = soc2_error_last()->code;
        goto done;
    }
    for (size_t i = 0; i < f.count && rc == SOC2_OK; i++)
        rc = loader_add_reference(t->loader, r, f.references[i].path, f.references[i].target);

done:
    sb_free(&path);
    finalizer_free(&f);
    json_decref(mapped);
    return rc;
}

int cfn_load(soc2_loader *loader, json_t *root)
{
    if (!json_is_object(root))
        return loader_fail(loader, SOC2_EFORMAT, "", "a template must be a JSON object");

    cfn_template t;
    cfn_mapping mapping = {0};
    int rc = cfn_template_init(&t, loader, root);
    if (rc == SOC2_OK)
        rc = cfn_mapping_load(&mapping);

    const char *logical_id;
    json_t *resource;
    if (rc == SOC2_OK) {
        json_object_foreach(t.resources, logical_id, resource) {
            rc = load_resource(&t, &mapping, logical_id, resource);
            if (rc != SOC2_OK)
                break;
        }
    }

    cfn_mapping_free(&mapping);
    cfn_template_release(&t);
    return rc;
}
