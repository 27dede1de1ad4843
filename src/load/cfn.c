/* The CloudFormation adapter: reads a template (JSON, or YAML that yaml.c
 * turned into the same tree) and creates one resource per entry of
 * Resources, with intrinsic functions resolved (cfn_intrinsics.c) and
 * properties renamed onto the canonical model (cfn_map.c). This file
 * contains the template's sections, its conditions, the unknown-value
 * markers and the resource loop; cfn_dependencies.c searches for circular
 * dependencies between resources. Values known only once the stack exists
 * become unknown, and the references they carry become the resource's
 * references. Each resource records where it and its attributes are in the
 * template (cfn_sources.c).
 *
 * NOTE: transforms (AWS::Serverless, AWS::LanguageExtensions, macros) are
 * not expanded; their resources are loaded as written. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"
#include "../util/path.h"

/* Detection. */

/* Returns whether some member of Resources is an object with a Type. The
 * Type need not be a string: a template with a broken Type is still a
 * template, and the adapter then reports the place. */
static int has_typed_resource(const json_t *resources)
{
    const char *key;
    json_t *resource;
    json_object_foreach((json_t *)resources, key, resource) {
        if (json_object_get(resource, "Type"))
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

/* Records an SOC2_EFORMAT error at /`section`/`name`, extended by `member`
 * when it is not NULL. */
static int fail_in_section(cfn_template *t, const char *section, const char *name,
                           const char *member, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail_in_section(cfn_template *t, const char *section, const char *name,
                           const char *member, const char *fmt, ...)
{
    strbuf ptr = STRBUF_INIT, message = STRBUF_INIT;
    json_pointer_append(&ptr, section);
    json_pointer_append(&ptr, name);
    if (member)
        json_pointer_append(&ptr, member);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    int rc = ptr.failed || message.failed
                 ? error_nomem()
                 : loader_fail(t->loader, SOC2_EFORMAT, sb_str(&ptr), "%s", sb_str(&message));
    sb_free(&ptr);
    sb_free(&message);
    return rc;
}

/* CloudFormation logical IDs (of resources and parameters) are 1 to 255
 * characters from A-Z, a-z and 0-9. */
#define LOGICAL_ID_MAX 255

static int is_logical_id(const char *key, size_t length)
{
    if (length == 0 || length > LOGICAL_ID_MAX)
        return 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)key[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/* Checks the logical IDs of one section: `kind` is "resource" or
 * "parameter". CloudFormation rejects other IDs, and a resource's ID would
 * reach reports as its address. */
static int check_logical_ids(cfn_template *t, const char *section, json_t *entries,
                             const char *kind)
{
    const char *key;
    size_t length;
    json_t *entry;
    json_object_keylen_foreach(entries, key, length, entry) {
        if (is_logical_id(key, length))
            continue;
        /* NOTE: Fn::ForEach loops of the AWS::LanguageExtensions transform
         * are not expanded, so a template that uses them is rejected. */
        if (strcmp(section, "Resources") == 0 && strncmp(key, "Fn::ForEach::", 13) == 0)
            return fail_in_section(t, section, key, NULL,
                                   "Fn::ForEach in Resources is not supported: the "
                                   "AWS::LanguageExtensions transform is not expanded");
        strbuf quoted = STRBUF_INIT;
        cfn_append_quoted(&quoted, key, length);
        int rc = quoted.failed ? error_nomem()
                               : fail_in_section(t, section, key, NULL,
                                                 "the %s logical ID %s is invalid; a logical ID "
                                                 "is 1 to %d characters from A-Z, a-z and 0-9",
                                                 kind, sb_str(&quoted), LOGICAL_ID_MAX);
        sb_free(&quoted);
        return rc;
    }
    return SOC2_OK;
}

/* Checks a parameter's Type and that its Default fits it: a list type
 * (CommaDelimitedList, List<...>) takes a comma-delimited string, and other
 * types a string, number or boolean, never a list or an object. */
static int check_parameter(cfn_template *t, const char *name, json_t *parameter)
{
    if (!json_is_object(parameter))
        return fail_in_section(t, "Parameters", name, NULL,
                               "parameter \"%s\" must be an object with a Type", name);

    json_t *type_value = json_object_get(parameter, "Type");
    if (type_value && !json_is_string(type_value))
        return fail_in_section(t, "Parameters", name, "Type",
                               "parameter \"%s\": Type must be a parameter type name such as "
                               "String or CommaDelimitedList",
                               name);
    const char *type = type_value ? json_string_value(type_value) : "String";
    json_t *default_value = json_object_get(parameter, "Default");
    if (!default_value)
        return SOC2_OK;

    int is_list = cfn_is_list_parameter_type(type);
    if (is_list ? json_is_string(default_value)
                : json_is_string(default_value) || json_is_number(default_value) ||
                      json_is_boolean(default_value))
        return SOC2_OK;

    strbuf quoted_type = STRBUF_INIT;
    cfn_append_quoted(&quoted_type, type, strlen(type));
    int rc;
    if (quoted_type.failed)
        rc = error_nomem();
    else if (is_list)
        rc = fail_in_section(t, "Parameters", name, "Default",
                             "parameter \"%s\" of Type %s: Default must be a string of "
                             "comma-delimited values such as \"a,b\"",
                             name, sb_str(&quoted_type));
    else
        rc = fail_in_section(t, "Parameters", name, "Default",
                             "parameter \"%s\" of Type %s: Default must be a string or a "
                             "number; use CommaDelimitedList for a list",
                             name, sb_str(&quoted_type));
    sb_free(&quoted_type);
    return rc;
}

static int check_parameters(cfn_template *t)
{
    const char *name;
    json_t *parameter;
    json_object_foreach(t->parameters, name, parameter) {
        int rc = check_parameter(t, name, parameter);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

/* Parameters and resources share one namespace of logical IDs. */
static int check_unique_logical_ids(cfn_template *t)
{
    const char *name;
    json_t *resource;
    json_object_foreach(t->resources, name, resource) {
        if (json_object_get(t->parameters, name))
            return fail_in_section(t, "Resources", name, NULL,
                                   "\"%s\" is the logical ID of both a parameter and a "
                                   "resource; logical IDs must be unique within a template",
                                   name);
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
    if (rc == SOC2_OK)
        rc = check_logical_ids(t, "Resources", t->resources, "resource");
    if (rc == SOC2_OK && t->parameters)
        rc = check_logical_ids(t, "Parameters", t->parameters, "parameter");
    if (rc == SOC2_OK && t->parameters)
        rc = check_parameters(t);
    if (rc == SOC2_OK && t->parameters)
        rc = check_unique_logical_ids(t);
    return rc;
}

void cfn_template_release(cfn_template *t)
{
    json_decref(t->unknown_tag);
    t->unknown_tag = NULL;
    strmap_free(&t->condition_states);
}

/* Evaluation states of a condition, kept in cfn_template.condition_states. */
enum { CONDITION_EVALUATING = 1, CONDITION_FALSE, CONDITION_TRUE, CONDITION_UNDECIDED };

/* Unknown-value markers. A marker is {"unknown": tag, "refs": [...]} where
 * tag is the template's own unknown_tag object: no value of the template can
 * be that object, so markers cannot be confused with template content. */

json_t *cfn_unknown_new(const cfn_template *t)
{
    return json_pack("{s:O, s:[]}", "unknown", t->unknown_tag, "refs");
}

int cfn_unknown_set_symbol(json_t *marker, const char *symbol)
{
    return json_object_set_new(marker, "symbol", json_string(symbol));
}

const char *cfn_unknown_symbol(const json_t *marker)
{
    return json_string_value(json_object_get(marker, "symbol"));
}

int cfn_is_unknown(const cfn_template *t, const json_t *value)
{
    return json_is_object(value) && json_object_get(value, "unknown") == t->unknown_tag;
}

json_t *cfn_unknown_refs(const json_t *marker)
{
    return json_object_get(marker, "refs");
}

int cfn_unknown_add_ref(json_t *marker, const char *logical_id)
{
    json_t *refs = cfn_unknown_refs(marker);
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref) {
        if (strcmp(json_string_value(ref), logical_id) == 0)
            return 0;
    }
    return json_array_append_new(refs, json_string(logical_id));
}

int cfn_unknown_collect(const cfn_template *t, json_t *marker, const json_t *value)
{
    if (cfn_is_unknown(t, value)) {
        size_t i;
        json_t *ref;
        json_array_foreach(cfn_unknown_refs(value), i, ref) {
            if (cfn_unknown_add_ref(marker, json_string_value(ref)) < 0)
                return -1;
        }
        return 0;
    }
    if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item) {
            if (cfn_unknown_collect(t, marker, item) < 0)
                return -1;
        }
    } else if (json_is_object(value)) {
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)value, key, item) {
            if (cfn_unknown_collect(t, marker, item) < 0)
                return -1;
        }
    }
    return 0;
}

int cfn_contains_unknown(const cfn_template *t, const json_t *value)
{
    if (cfn_is_unknown(t, value))
        return 1;
    size_t i;
    const char *key;
    json_t *item;
    if (json_is_array(value)) {
        json_array_foreach(value, i, item) {
            if (cfn_contains_unknown(t, item))
                return 1;
        }
    } else if (json_is_object(value)) {
        json_object_foreach((json_t *)value, key, item) {
            if (cfn_contains_unknown(t, item))
                return 1;
        }
    }
    return 0;
}

int cfn_make_unknown(const cfn_template *t, const char *logical_id, json_t *const *sources,
                     size_t source_count, json_t **out)
{
    json_t *marker = cfn_unknown_new(t);
    if (!marker)
        return error_nomem();
    if (logical_id && cfn_unknown_add_ref(marker, logical_id) < 0)
        goto nomem;
    for (size_t i = 0; i < source_count; i++)
        if (sources[i] && cfn_unknown_collect(t, marker, sources[i]) < 0)
            goto nomem;
    *out = marker;
    return SOC2_OK;

nomem:
    json_decref(marker);
    return error_nomem();
}

/* Conditions: Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition. */

static int evaluate_condition(cfn_template *t, json_t *value, strbuf *ptr, cfn_truth *out);

static int condition_at(cfn_template *t, json_t *value, strbuf *ptr, long index, cfn_truth *out)
{
    size_t mark = ptr->len;
    json_pointer_append_index(ptr, (size_t)index);
    int rc = evaluate_condition(t, value, ptr, out);
    sb_truncate(ptr, mark);
    return rc;
}

static int scalars_equal(const json_t *a, const json_t *b)
{
    strbuf left = STRBUF_INIT, right = STRBUF_INIT;
    int equal = cfn_append_scalar(&left, a) == 0 && cfn_append_scalar(&right, b) == 0 &&
                left.len == right.len && memcmp(sb_str(&left), sb_str(&right), left.len) == 0;
    sb_free(&left);
    sb_free(&right);
    return equal;
}

/* Fn::Equals compares text, so "3" equals 3 and "true" equals true. */
static int condition_equals(cfn_template *t, json_t *arg, strbuf *ptr, cfn_truth *out)
{
    if (!json_is_array(arg) || json_array_size(arg) != 2)
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Equals needs a list of two values");

    json_t *values[2] = {NULL, NULL};
    int rc = SOC2_OK;
    for (long i = 0; i < 2 && rc == SOC2_OK; i++) {
        rc = cfn_resolve_at(t, json_array_get(arg, (size_t)i), ptr, NULL, i, &values[i]);
        if (rc == SOC2_OK && !values[i])
            rc = cfn_fail_at(t, ptr, NULL, i, "Fn::Equals cannot compare AWS::NoValue");
    }
    if (rc == SOC2_OK) {
        if (cfn_contains_unknown(t, values[0]) || cfn_contains_unknown(t, values[1]))
            *out = CFN_UNDECIDED;
        else if (json_equal(values[0], values[1]) || scalars_equal(values[0], values[1]))
            *out = CFN_TRUE;
        else
            *out = CFN_FALSE;
    }
    json_decref(values[0]);
    json_decref(values[1]);
    return rc;
}

/* How many conditions Fn::And and Fn::Or take, as CloudFormation allows. */
#define CONDITION_OPERANDS_MIN 2
#define CONDITION_OPERANDS_MAX 10

/* Fn::And and Fn::Or in three-valued logic: a decided operand can settle
 * the result even when another is undecided. */
static int condition_and_or(cfn_template *t, const char *name, json_t *arg, strbuf *ptr,
                            cfn_truth *out)
{
    int is_and = strcmp(name, "Fn::And") == 0;
    if (!json_is_array(arg) || json_array_size(arg) < CONDITION_OPERANDS_MIN ||
        json_array_size(arg) > CONDITION_OPERANDS_MAX)
        return cfn_fail_at(t, ptr, NULL, -1, "%s needs a list of %d to %d conditions", name,
                           CONDITION_OPERANDS_MIN, CONDITION_OPERANDS_MAX);

    int any_undecided = 0, settled = 0;
    for (size_t i = 0; i < json_array_size(arg); i++) {
        cfn_truth operand;
        int rc = condition_at(t, json_array_get(arg, i), ptr, (long)i, &operand);
        if (rc != SOC2_OK)
            return rc;
        if (operand == CFN_UNDECIDED)
            any_undecided = 1;
        else if ((operand == CFN_TRUE) != is_and)
            settled = 1;
    }
    if (settled)
        *out = is_and ? CFN_FALSE : CFN_TRUE;
    else if (any_undecided)
        *out = CFN_UNDECIDED;
    else
        *out = is_and ? CFN_TRUE : CFN_FALSE;
    return SOC2_OK;
}

static int condition_not(cfn_template *t, json_t *arg, strbuf *ptr, cfn_truth *out)
{
    if (!json_is_array(arg) || json_array_size(arg) != 1)
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Not needs a list of one condition");
    cfn_truth operand;
    int rc = condition_at(t, json_array_get(arg, 0), ptr, 0, &operand);
    if (rc != SOC2_OK)
        return rc;
    if (operand == CFN_UNDECIDED)
        *out = CFN_UNDECIDED;
    else
        *out = operand == CFN_TRUE ? CFN_FALSE : CFN_TRUE;
    return SOC2_OK;
}

const char *cfn_single_key(const json_t *value)
{
    if (!json_is_object(value) || json_object_size(value) != 1)
        return NULL;
    return json_object_iter_key(json_object_iter((json_t *)value));
}

int cfn_condition_function(cfn_template *t, const char *name, json_t *arg, strbuf *ptr,
                           cfn_truth *out)
{
    if (strcmp(name, "Fn::Equals") == 0)
        return condition_equals(t, arg, ptr, out);
    if (strcmp(name, "Fn::And") == 0 || strcmp(name, "Fn::Or") == 0)
        return condition_and_or(t, name, arg, ptr, out);
    return condition_not(t, arg, ptr, out);
}

static int evaluate_condition(cfn_template *t, json_t *value, strbuf *ptr, cfn_truth *out)
{
    int rc = cfn_check_function_alone(t, value, ptr, 1);
    if (rc != SOC2_OK)
        return rc;
    const char *name = cfn_single_key(value);
    if (!name)
        return cfn_fail_at(t, ptr, NULL, -1,
                           "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or "
                           "Condition");
    if (t->depth >= CFN_MAX_DEPTH)
        return loader_fail(t->loader, SOC2_ELIMIT, sb_str(ptr),
                           "conditions are nested deeper than %d levels", CFN_MAX_DEPTH);

    json_t *arg = json_object_get(value, name);
    size_t mark = ptr->len;
    json_pointer_append(ptr, name);
    t->depth++;
    if (strcmp(name, "Condition") == 0) {
        if (json_is_string(arg))
            rc = cfn_condition(t, json_string_value(arg), sb_str(ptr), out);
        else
            rc = cfn_fail_at(t, ptr, NULL, -1, "Condition needs the name of a condition");
    } else if (strcmp(name, "Fn::Equals") == 0 || strcmp(name, "Fn::And") == 0 ||
               strcmp(name, "Fn::Or") == 0 || strcmp(name, "Fn::Not") == 0) {
        rc = cfn_condition_function(t, name, arg, ptr, out);
    } else {
        sb_truncate(ptr, mark);
        rc = cfn_fail_at(t, ptr, NULL, -1,
                         "%s is not a condition function; use Fn::Equals, Fn::And, Fn::Or, "
                         "Fn::Not or Condition",
                         name);
    }
    t->depth--;
    sb_truncate(ptr, mark);
    return rc;
}

int cfn_condition(cfn_template *t, const char *name, const char *pointer, cfn_truth *out)
{
    json_t *definition = t->conditions ? json_object_get(t->conditions, name) : NULL;
    if (!definition)
        return loader_fail(t->loader, SOC2_EFORMAT, pointer,
                           "condition \"%s\" is not defined in Conditions", name);

    switch ((uintptr_t)strmap_get(&t->condition_states, name)) {
    case CONDITION_EVALUATING:
        return loader_fail(t->loader, SOC2_EFORMAT, pointer, "condition \"%s\" depends on itself",
                           name);
    case CONDITION_FALSE:
        *out = CFN_FALSE;
        return SOC2_OK;
    case CONDITION_TRUE:
        *out = CFN_TRUE;
        return SOC2_OK;
    case CONDITION_UNDECIDED:
        *out = CFN_UNDECIDED;
        return SOC2_OK;
    default:
        break;
    }

    if (strmap_put(&t->condition_states, name, (void *)(uintptr_t)CONDITION_EVALUATING) < 0)
        return error_nomem();
    /* A condition belongs to the template, not to the resource whose
     * Fn::If made it evaluated first, and no value of that resource comes
     * from it. */
    const char *resource_id = t->resource_id;
    cfn_trace *trace = t->trace;
    t->resource_id = NULL;
    t->trace = NULL;
    strbuf ptr = STRBUF_INIT;
    sb_puts(&ptr, "/Conditions");
    json_pointer_append(&ptr, name);
    int rc = ptr.failed ? error_nomem() : evaluate_condition(t, definition, &ptr, out);
    sb_free(&ptr);
    t->resource_id = resource_id;
    t->trace = trace;
    if (rc != SOC2_OK)
        return rc;

    uintptr_t state = *out == CFN_TRUE    ? CONDITION_TRUE
                      : *out == CFN_FALSE ? CONDITION_FALSE
                                          : CONDITION_UNDECIDED;
    if (strmap_put(&t->condition_states, name, (void *)state) < 0)
        return error_nomem();
    return SOC2_OK;
}

/* Turning markers into the unknown mask and references. The mask is built
 * here, beside the copy, rather than with mask_mark_unknown(): attribute
 * paths are limited to PATH_MAX_STEPS steps, and a template can nest deeper. */

typedef struct pending_reference {
    char *path;
    const char *target; /* borrowed from a marker that outlives the list */
} pending_reference;

typedef struct finalizer {
    const cfn_template *template;
    pending_reference *references;
    size_t count, cap;
} finalizer;

static int record_references(finalizer *f, const json_t *marker, const strbuf *path)
{
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

static int finalize_value(finalizer *f, json_t *value, strbuf *path, json_t **out, json_t **mask);

static int finalize_object(finalizer *f, json_t *value, strbuf *path, json_t **out, json_t **mask)
{
    json_t *copy = json_object();
    json_t *copy_mask = json_object();
    int rc = copy && copy_mask ? 0 : -1;

    const char *key;
    json_t *item;
    json_object_foreach(value, key, item) {
        if (rc < 0)
            break;
        size_t mark = path->len;
        path_append_key(path, key);
        json_t *child, *child_mask;
        rc = finalize_value(f, item, path, &child, &child_mask);
        sb_truncate(path, mark);
        /* json_object_set_new() takes the value even when it fails. */
        if (child && json_object_set_new(copy, key, child) < 0)
            rc = -1;
        if (child_mask && json_object_set_new(copy_mask, key, child_mask) < 0)
            rc = -1;
    }

    if (rc < 0) {
        json_decref(copy);
        json_decref(copy_mask);
        return -1;
    }
    *out = copy;
    if (json_object_size(copy_mask) == 0) {
        json_decref(copy_mask);
        copy_mask = NULL;
    }
    *mask = copy_mask;
    return 0;
}

/* A marker element becomes null. The mask keeps known elements as false so
 * that indexes keep their place, as mask_prune() does. */
static int finalize_array(finalizer *f, json_t *value, strbuf *path, json_t **out, json_t **mask)
{
    json_t *copy = json_array();
    json_t *copy_mask = json_array();
    int rc = copy && copy_mask ? 0 : -1;
    int any_unknown = 0;

    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        if (rc < 0)
            break;
        size_t mark = path->len;
        path_append_index(path, i);
        json_t *child, *child_mask;
        rc = finalize_value(f, item, path, &child, &child_mask);
        sb_truncate(path, mark);
        if (rc == 0 && !child)
            child = json_null();
        if (child_mask)
            any_unknown = 1;
        else
            child_mask = json_false();
        /* json_array_append_new() takes the value even when it fails. */
        if (json_array_append_new(copy, child) < 0)
            rc = -1;
        if (json_array_append_new(copy_mask, child_mask) < 0)
            rc = -1;
    }

    if (rc < 0) {
        json_decref(copy);
        json_decref(copy_mask);
        return -1;
    }
    *out = copy;
    if (!any_unknown) {
        json_decref(copy_mask);
        copy_mask = NULL;
    }
    *mask = copy_mask;
    return 0;
}

/* Copies `value` without its markers, recording each marker's references at
 * its attribute path. *out is the copy (NULL for a marker) and *mask its
 * unknown mask (NULL when everything is known). Returns 0, or -1 when
 * memory runs out. */
static int finalize_value(finalizer *f, json_t *value, strbuf *path, json_t **out, json_t **mask)
{
    *out = NULL;
    *mask = NULL;
    if (path->failed)
        return -1;

    int rc;
    if (cfn_is_unknown(f->template, value)) {
        /* The attribute holds the symbol, when there is one, so that equal
         * expressions match (a bucket policy naming its bucket by the same
         * Fn::Sub as the bucket's name). The mask still marks it unknown, so
         * no rule compares it with a real value. */
        const char *symbol = cfn_unknown_symbol(value);
        if (symbol && !(*out = json_string(symbol)))
            return -1;
        *mask = json_true();
        rc = record_references(f, value, path);
    } else if (json_is_object(value)) {
        rc = finalize_object(f, value, path, out, mask);
    } else if (json_is_array(value)) {
        rc = finalize_array(f, value, path, out, mask);
    } else {
        *out = json_incref(value);
        rc = 0;
    }
    return rc;
}

static void finalizer_free(finalizer *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->references[i].path);
    free(f->references);
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
    int rc = loader_fail(t->loader, SOC2_EFORMAT, sb_str(&ptr), "resource \"%s\": %s", logical_id,
                         message);
    sb_free(&ptr);
    return rc;
}

/* Decides whether CloudFormation would create the resource: a resource
 * whose Condition is false is not created, one whose Condition cannot be
 * decided from the template is kept. */
int cfn_resource_is_created(cfn_template *t, const char *logical_id, json_t *resource,
                            int *created)
{
    json_t *condition = json_object_get(resource, "Condition");
    *created = 1;
    if (!condition)
        return SOC2_OK;
    if (!json_is_string(condition) || json_string_has_nul(condition))
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

/* Writes "/Resources/<logical_id>", extended by `member` when it is not
 * NULL. */
void cfn_resource_pointer(strbuf *ptr, const char *logical_id, const char *member)
{
    sb_puts(ptr, "/Resources");
    json_pointer_append(ptr, logical_id);
    if (member)
        json_pointer_append(ptr, member);
}

/* Resolves the resource's Properties, recording in `trace` where the
 * resolved values come from. *out is an object or a marker (when the whole
 * of Properties is unknown). */
static int resolve_properties(cfn_template *t, const char *logical_id, json_t *resource,
                              cfn_trace *trace, json_t **out)
{
    json_t *properties = json_object_get(resource, "Properties");
    *out = NULL;
    if (!properties) {
        *out = json_object();
        return *out ? SOC2_OK : error_nomem();
    }

    strbuf ptr = STRBUF_INIT;
    cfn_resource_pointer(&ptr, logical_id, "Properties");
    t->resource_id = logical_id;
    t->trace = trace;
    int rc = ptr.failed ? error_nomem() : cfn_resolve(t, properties, &ptr, out);
    t->resource_id = NULL;
    t->trace = NULL;
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

/* Maps resolved properties onto the canonical model when the table maps
 * the type, and finds where each attribute comes from. Consumes
 * `properties`; *out is the mapped value. */
static int map_properties(cfn_template *t, const cfn_mapping *mapping, const char *source_type,
                          const cfn_trace *trace, json_t *properties, json_t **out,
                          cfn_source_list *sources)
{
    *out = NULL;
    if (cfn_is_unknown(t, properties)) {
        *out = properties;
        return SOC2_OK;
    }
    if (!cfn_mapping_type(mapping, source_type)) {
        *out = properties;
        return cfn_written_sources(t, trace, properties, sources);
    }
    int rc = cfn_map_properties(mapping, t, trace, source_type, properties, out, sources);
    json_decref(properties);
    return rc;
}

/* Resolves and maps the resource's Properties. *mapped is the mapped value
 * and `sources` where its attributes come from. */
static int resolve_and_map(cfn_template *t, const cfn_mapping *mapping, const char *logical_id,
                           json_t *resource, const char *source_type, json_t **mapped,
                           cfn_source_list *sources)
{
    cfn_trace trace;
    strbuf ptr = STRBUF_INIT;
    cfn_resource_pointer(&ptr, logical_id, "Properties");
    int failed = ptr.failed || cfn_trace_init(&trace, sb_str(&ptr)) < 0;
    sb_free(&ptr);
    if (failed)
        return error_nomem();

    json_t *properties;
    int rc = resolve_properties(t, logical_id, resource, &trace, &properties);
    if (rc == SOC2_OK && cfn_trace_finish(&trace) < 0) {
        json_decref(properties);
        rc = error_nomem();
    }
    if (rc == SOC2_OK)
        rc = map_properties(t, mapping, source_type, &trace, properties, mapped, sources);
    cfn_trace_free(&trace);
    return rc;
}

/* Creates the resource from its mapped value: markers become the unknown
 * mask and references. */
static int add_resource(cfn_template *t, const char *logical_id, const char *type,
                        const char *source_type, json_t *mapped, const cfn_source_list *sources)
{
    finalizer f = {.template = t};
    strbuf path = STRBUF_INIT;
    json_t *attrs, *mask;
    int rc = SOC2_OK;
    if (finalize_value(&f, mapped, &path, &attrs, &mask) < 0) {
        rc = error_nomem();
        goto done;
    }
    if (!attrs && !(attrs = json_object())) {
        json_decref(mask);
        rc = error_nomem();
        goto done;
    }

    soc2_resource *r = loader_add_resource(t->loader, logical_id, type, source_type, attrs, mask);
    if (!r) {
        rc = soc2_error_last()->code;
        goto done;
    }
    for (size_t i = 0; i < f.count && rc == SOC2_OK; i++)
        rc = loader_add_reference(t->loader, r, f.references[i].path, f.references[i].target);
    if (rc == SOC2_OK) {
        strbuf ptr = STRBUF_INIT;
        cfn_resource_pointer(&ptr, logical_id, NULL);
        rc = ptr.failed ? error_nomem() : cfn_record_sources(r, sb_str(&ptr), sources);
        sb_free(&ptr);
    }

done:
    sb_free(&path);
    finalizer_free(&f);
    return rc;
}

static int load_resource(cfn_template *t, const cfn_mapping *mapping, const char *logical_id,
                         json_t *resource)
{
    if (!json_is_object(resource))
        return fail_resource(t, logical_id, NULL,
                             "a resource must be an object with a Type and Properties");
    const json_t *type_value = json_object_get(resource, "Type");
    const char *source_type = json_string_value(type_value);
    if (!source_type || json_string_has_nul(type_value))
        return fail_resource(t, logical_id, type_value ? "Type" : NULL,
                             "Type must be a resource type name such as AWS::S3::Bucket");
    /* Other members (DependsOn, Metadata, DeletionPolicy, ...) do not
     * describe the resource's configuration and are not read. */

    int created;
    int rc = cfn_resource_is_created(t, logical_id, resource, &created);
    if (rc != SOC2_OK || !created)
        return rc;

    json_t *mapped = NULL;
    cfn_source_list sources = {0};
    rc = resolve_and_map(t, mapping, logical_id, resource, source_type, &mapped, &sources);
    if (rc == SOC2_OK) {
        const char *type = cfn_mapping_type(mapping, source_type);
        rc = add_resource(t, logical_id, type ? type : source_type, source_type, mapped,
                          &sources);
    }
    cfn_sources_free(&sources);
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
        rc = cfn_check_function_names(&t, root);
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
    if (rc == SOC2_OK)
        rc = cfn_check_dependencies(&t);

    cfn_mapping_free(&mapping);
    cfn_template_release(&t);
    return rc;
}
