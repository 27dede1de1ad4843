/* The Terraform state adapter: reads a state in either JSON layout that
 * Terraform writes.
 *
 * - `terraform show -json` of a state: resource instances under
 *   values.root_module and its nested child_modules, each with its address
 *   and its attribute `values`.
 * - The state file itself (terraform.tfstate, format version 4, which
 *   Terraform 0.12 and later write): resources with module, mode, type and
 *   name, each listing its `instances` with index_key and `attributes`.
 *
 * Every instance of a managed resource or a data source becomes a resource.
 * Data sources carry RESOURCE_DATA_SOURCE: references by ID and ARN reach
 * them, but rules never evaluate them. A state contains applied values, so
 * nothing is unknown. A state has no configuration expressions either:
 * references come from attribute values equal to another resource's ID,
 * ARN or name, which snapshot_index() turns into edges. `dependencies` and
 * `depends_on` order operations and name no attribute, so they give no
 * edges. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>

#include "loader.h"
#include "tfrefs.h"
#include "../core/error.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"
#include "../util/strbuf.h"

/* Members of a `terraform show -json` plan. A document with any of them at
 * the top is a plan, never a state. */
static const char *const plan_members[] = {
    "resource_changes", "planned_values", "prior_state",
    "configuration",    "resource_drift", "output_changes",
};

/* The top-level members `terraform show -json` writes for a state without
 * resources, which has no "values". */
static const char *const empty_state_members[] = {"format_version", "terraform_version"};

static int is_member_of(const char *name, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* Returns whether `root` is the output of `terraform show -json` for a
 * state: a string format_version, no plan member, and either "values" or
 * nothing but the members of an empty state. */
static int is_show_layout(const json_t *root)
{
    if (!json_is_string(json_object_get(root, "format_version")))
        return 0;
    for (size_t i = 0; i < sizeof(plan_members) / sizeof(plan_members[0]); i++)
        if (json_object_get(root, plan_members[i]))
            return 0;
    if (json_object_get(root, "values"))
        return 1;

    const char *name;
    const json_t *value;
    json_object_foreach((json_t *)root, name, value) {
        if (!is_member_of(name, empty_state_members,
                          sizeof(empty_state_members) / sizeof(empty_state_members[0])))
            return 0;
    }
    return 1;
}

/* Returns whether `root` is a state file: an integer "version" beside the
 * "lineage" or "serial" that every state file version carries, and no
 * "format_version" or "format" (libsoc2's native format) member. Versions
 * other than 4 are detected too, so that the load error can name the
 * version that is read. */
static int is_file_layout(const json_t *root)
{
    if (!json_is_integer(json_object_get(root, "version")) ||
        json_object_get(root, "format_version") || json_object_get(root, "format"))
        return 0;
    return json_is_string(json_object_get(root, "lineage")) ||
           json_is_integer(json_object_get(root, "serial"));
}

int tfstate_detect(const json_t *root)
{
    return json_is_object(root) && (is_show_layout(root) || is_file_layout(root));
}

typedef struct state_reader {
    soc2_loader *loader;
    strbuf pointer; /* JSON pointer of the value being read */
} state_reader;

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
static int fail_here(state_reader *sr, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_here(state_reader *sr, int code, const char *fmt, ...)
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
    loader_fail(sr->loader, code, sr->pointer.failed ? NULL : sb_str(&sr->pointer), "%s",
                sb_str(&message));
    sb_free(&message);
    return code;
}

static size_t enter(state_reader *sr, const char *member)
{
    size_t mark = sr->pointer.len;
    json_pointer_append(&sr->pointer, member);
    return mark;
}

static size_t enter_index(state_reader *sr, size_t index)
{
    size_t mark = sr->pointer.len;
    json_pointer_append_index(&sr->pointer, index);
    return mark;
}

static void leave(state_reader *sr, size_t mark)
{
    sb_truncate(&sr->pointer, mark);
}

/* Reads an optional member that must be of one kind when present. Returns
 * SOC2_OK with *out set (NULL when absent or null), or an error naming the
 * member. */
static int get_member(state_reader *sr, const json_t *object, const char *member,
                      json_type type, const char *expected, const json_t **out)
{
    const json_t *value = json_object_get(object, member);
    *out = NULL;
    if (!value || json_is_null(value))
        return SOC2_OK;
    if (json_typeof(value) != type) {
        size_t mark = enter(sr, member);
        int rc = fail_here(sr, SOC2_EFORMAT, "\"%s\" must be %s, not %s", member, expected,
                           json_kind(value));
        leave(sr, mark);
        return rc;
    }
    *out = value;
    return SOC2_OK;
}

/* Reads a string member; a required one must be present and not empty. */
static int get_string(state_reader *sr, const json_t *object, const char *member,
                      int required, const char **out)
{
    const json_t *value;
    int rc = get_member(sr, object, member, JSON_STRING, "a string", &value);
    if (rc != SOC2_OK)
        return rc;
    /* Addresses, types and names are C strings from here on: a NUL in one
     * would cut it short without a word. */
    if (json_string_has_nul(value)) {
        size_t mark = enter(sr, member);
        rc = fail_here(sr, SOC2_EFORMAT, "\"%s\" must not contain a NUL character", member);
        leave(sr, mark);
        return rc;
    }
    *out = value ? json_string_value(value) : NULL;
    if (!required)
        return SOC2_OK;
    if (!value)
        return fail_here(sr, SOC2_EFORMAT, "the required string \"%s\" is missing", member);
    if (!**out) {
        size_t mark = enter(sr, member);
        rc = fail_here(sr, SOC2_EFORMAT, "\"%s\" must not be empty", member);
        leave(sr, mark);
    }
    return rc;
}

/* Reads "mode" and sets *data for a data source. */
static int read_mode(state_reader *sr, const json_t *object, int *data)
{
    const char *mode;
    int rc = get_string(sr, object, "mode", 1, &mode);
    if (rc != SOC2_OK)
        return rc;
    if (strcmp(mode, "managed") != 0 && strcmp(mode, "data") != 0) {
        size_t mark = enter(sr, "mode");
        rc = fail_here(sr, SOC2_EFORMAT,
                       "unsupported resource mode \"%s\" (expected \"managed\" or \"data\")", mode);
        leave(sr, mark);
        return rc;
    }
    *data = strcmp(mode, "data") == 0;
    return SOC2_OK;
}

/* Appends the resource part of an address, "[data.]type.name". */
static void append_local_address(strbuf *sb, int data, const char *type, const char *name)
{
    sb_printf(sb, "%s%s.%s", data ? "data." : "", type, name);
}

/* Adds one resource instance at the current pointer, with `attributes`
 * (NULL for none) found under `attributes_member`. */
static int add_instance(state_reader *sr, const char *address, const char *type, int data,
                        const json_t *attributes, const char *attributes_member)
{
    if (sr->pointer.failed)
        return error_nomem();
    if (loader_find(sr->loader, address))
        return fail_here(sr, SOC2_EFORMAT, "resource address \"%s\" appears twice", address);

    json_t *attrs = attributes ? json_incref((json_t *)attributes) : NULL;
    soc2_resource *resource = loader_add_resource(sr->loader, address, type, type, attrs, NULL);
    if (!resource)
        return soc2_error_last()->code;
    if (data)
        resource->flags |= RESOURCE_DATA_SOURCE;

    /* A finding's attribute path maps onto the attributes object. */
    if (resource_set_source(resource, sb_str(&sr->pointer)) < 0)
        return error_nomem();
    if (attributes) {
        size_t mark = enter(sr, attributes_member);
        int failed = sr->pointer.failed ||
                     resource_map_source(resource, "", sb_str(&sr->pointer)) < 0;
        leave(sr, mark);
        if (failed)
            return error_nomem();
    }
    return SOC2_OK;
}

/* The output of `terraform show -json`. */

/* Checks that the output is of a format version this adapter reads: major
 * version 0 or 1, any minor version, as for plans. Terraform's jsonstate
 * package writes "1.0" and raises the version for changes that need changes
 * in a reader. */
static int check_format_version(state_reader *sr, const json_t *root)
{
    const char *version = json_string_value(json_object_get(root, "format_version"));
    size_t major_length = strspn(version, "0123456789");
    const char *minor = version + major_length;
    size_t minor_length = *minor == '.' ? strspn(minor + 1, "0123456789") : 0;

    size_t mark = enter(sr, "format_version");
    int rc = SOC2_OK;
    if (major_length == 0 || minor_length == 0 || minor[1 + minor_length] != '\0')
        rc = fail_here(sr, SOC2_EFORMAT,
                       "format_version \"%s\" is not a version number of the form MAJOR.MINOR",
                       version);
    else if (strtoul(version, NULL, 10) > 1)
        rc = fail_here(sr, SOC2_EUNRECOGNIZED,
                       "unsupported state format_version \"%s\": libsoc2 reads major versions 0 "
                       "and 1 of the Terraform JSON output format",
                       version);
    leave(sr, mark);
    return rc;
}

/* Checks that `address` is a resource instance address whose resource part
 * is `local` ("[data.]type.name"), as Terraform writes it beside its mode,
 * type and name. */
static int check_show_address(state_reader *sr, const char *address, int data, const char *type,
                              const char *name)
{
    tf_address parts;
    strbuf local = STRBUF_INIT;
    append_local_address(&local, data, type, name);
    if (local.failed) {
        sb_free(&local);
        return error_nomem();
    }

    size_t mark = enter(sr, "address");
    int rc = SOC2_OK;
    if (tfrefs_parse_address(address, &parts) < 0) {
        rc = fail_here(sr, SOC2_EFORMAT, "\"%s\" is not a Terraform resource address", address);
    } else {
        size_t start = parts.module_len ? parts.module_len + 1 : 0;
        if (parts.base_len - start != local.len ||
            memcmp(address + start, local.data, local.len) != 0)
            rc = fail_here(sr, SOC2_EFORMAT,
                           "address \"%s\" does not name the resource %s of its mode, type "
                           "and name",
                           address, sb_str(&local));
    }
    leave(sr, mark);
    sb_free(&local);
    return rc;
}

static int read_show_resource(state_reader *sr, const json_t *item)
{
    if (!json_is_object(item))
        return fail_here(sr, SOC2_EFORMAT, "a resource must be an object, not %s",
                         json_kind(item));

    const char *address, *type, *name, *deposed;
    const json_t *values;
    int data = 0;
    int rc = get_string(sr, item, "address", 1, &address);
    if (rc == SOC2_OK)
        rc = read_mode(sr, item, &data);
    if (rc == SOC2_OK)
        rc = get_string(sr, item, "type", 1, &type);
    if (rc == SOC2_OK)
        rc = get_string(sr, item, "name", 1, &name);
    if (rc == SOC2_OK)
        rc = get_string(sr, item, "deposed_key", 0, &deposed);
    if (rc == SOC2_OK)
        rc = get_member(sr, item, "values", JSON_OBJECT, "an object", &values);
    if (rc == SOC2_OK)
        rc = check_show_address(sr, address, data, type, name);
    if (rc != SOC2_OK)
        return rc;

    /* Left out like a deposed object of a state file (read_file_instance). */
    if (deposed && *deposed)
        return SOC2_OK;

    /* Terraform leaves "values" out only for an object without attributes,
     * which gives an empty object here. */
    return add_instance(sr, address, type, data, values, "values");
}

static int read_show_module(state_reader *sr, const json_t *module)
{
    const json_t *resources, *children;
    int rc = get_member(sr, module, "resources", JSON_ARRAY, "an array", &resources);
    if (rc == SOC2_OK)
        rc = get_member(sr, module, "child_modules", JSON_ARRAY, "an array", &children);

    size_t mark = enter(sr, "resources");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        size_t item = enter_index(sr, i);
        rc = read_show_resource(sr, json_array_get(resources, i));
        leave(sr, item);
    }
    leave(sr, mark);

    /* Nesting is bounded by the parser's depth limit. */
    mark = enter(sr, "child_modules");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(children); i++) {
        const json_t *child = json_array_get(children, i);
        size_t item = enter_index(sr, i);
        if (json_is_object(child))
            rc = read_show_module(sr, child);
        else
            rc = fail_here(sr, SOC2_EFORMAT, "a child module must be an object, not %s",
                           json_kind(child));
        leave(sr, item);
    }
    leave(sr, mark);
    return rc;
}

static int load_show_layout(state_reader *sr, const json_t *root)
{
    const json_t *values, *root_module = NULL;
    int rc = check_format_version(sr, root);
    if (rc == SOC2_OK)
        rc = get_member(sr, root, "values", JSON_OBJECT, "an object", &values);
    if (rc != SOC2_OK || !values)
        return rc;

    size_t mark = enter(sr, "values");
    rc = get_member(sr, values, "root_module", JSON_OBJECT, "an object", &root_module);
    if (rc == SOC2_OK && root_module) {
        size_t inner = enter(sr, "root_module");
        rc = read_show_module(sr, root_module);
        leave(sr, inner);
    }
    leave(sr, mark);
    return rc;
}

/* The state file. */

/* Appends an instance key string as Terraform writes it in an address: in
 * quotes, with backslash escapes for quotes, backslashes, newlines, tabs and
 * carriage returns, \uXXXX for other control characters, and "${" and "%{"
 * doubled to "$${" and "%%{". NOTE: Terraform also escapes the non-ASCII
 * characters that are not printable, such as U+00A0 and U+2028. Here only
 * the C1 controls U+0080 to U+009F are escaped, so an address with other
 * such characters differs from Terraform's spelling of it. */
static void append_string_key(strbuf *sb, const char *key, size_t length)
{
    sb_putc(sb, '"');
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c == '"' || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c == '\n') {
            sb_puts(sb, "\\n");
        } else if (c == '\r') {
            sb_puts(sb, "\\r");
        } else if (c == '\t') {
            sb_puts(sb, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(sb, "\\u%04x", c);
        } else if (c == 0xc2 && i + 1 < length && (unsigned char)key[i + 1] >= 0x80 &&
                   (unsigned char)key[i + 1] <= 0x9f) {
            sb_printf(sb, "\\u%04x", (unsigned char)key[++i]);
        } else {
            sb_putc(sb, (char)c);
            if ((c == '$' || c == '%') && i + 1 < length && key[i + 1] == '{')
                sb_putc(sb, (char)c);
        }
    }
    sb_putc(sb, '"');
}

/* Appends "[key]" for the instance's index_key: a count index or a for_each
 * key. Nothing is appended when it is absent or null. */
static int append_index_key(state_reader *sr, const json_t *instance, strbuf *address)
{
    const json_t *key = json_object_get(instance, "index_key");
    if (!key || json_is_null(key))
        return SOC2_OK;

    if (json_is_integer(key) && json_integer_value(key) >= 0) {
        sb_printf(address, "[%" JSON_INTEGER_FORMAT "]", json_integer_value(key));
        return SOC2_OK;
    }
    if (json_is_string(key)) {
        sb_putc(address, '[');
        append_string_key(address, json_string_value(key), json_string_length(key));
        sb_putc(address, ']');
        return SOC2_OK;
    }

    size_t mark = enter(sr, "index_key");
    int rc = fail_here(sr, SOC2_EFORMAT,
                       "\"index_key\" must be a count index (a whole number of at least 0) or "
                       "a for_each key (a string), not %s",
                       json_is_integer(key) ? "a negative number" : json_kind(key));
    leave(sr, mark);
    return rc;
}

/* Reads "attributes", which must be an object. */
static int read_attributes(state_reader *sr, const json_t *instance, const json_t **attributes)
{
    int rc = get_member(sr, instance, "attributes", JSON_OBJECT, "an object", attributes);
    if (rc != SOC2_OK || *attributes)
        return rc;
    if (json_object_get(instance, "attributes_flat"))
        return fail_here(sr, SOC2_EFORMAT,
                         "the instance has only \"attributes_flat\", attributes in the layout "
                         "of Terraform before 0.12, which is not read; load the output of "
                         "terraform show -json instead");
    return fail_here(sr, SOC2_EFORMAT, "the required object \"attributes\" is missing");
}

/* Reads one object of a resource: `base` is the resource address without
 * instance key. */
static int read_file_instance(state_reader *sr, const json_t *instance, const char *base,
                              const char *type, int data)
{
    if (!json_is_object(instance))
        return fail_here(sr, SOC2_EFORMAT, "an instance must be an object, not %s",
                         json_kind(instance));

    strbuf address = STRBUF_INIT;
    const char *deposed;
    const json_t *attributes;
    sb_puts(&address, base);
    int rc = append_index_key(sr, instance, &address);
    if (rc == SOC2_OK)
        rc = get_string(sr, instance, "deposed", 0, &deposed);
    if (rc == SOC2_OK)
        rc = read_attributes(sr, instance, &attributes);
    if (rc == SOC2_OK && address.failed)
        rc = error_nomem();

    /* NOTE: a deposed object (the old half of a create-before-destroy
     * replacement whose destroy has not happened yet) still exists in the
     * account, but is left out: rules judge the current object only. */
    if (rc == SOC2_OK && !(deposed && *deposed))
        rc = add_instance(sr, sb_str(&address), type, data, attributes, "attributes");
    sb_free(&address);
    return rc;
}

/* Returns whether `module` is a module instance address such as
 * `module.a[0].module.b`. */
static int is_module_address(const char *module)
{
    strbuf probe = STRBUF_INIT;
    sb_printf(&probe, "%s.t.n", module);
    tf_address parts;
    int valid = !probe.failed && tfrefs_parse_address(sb_str(&probe), &parts) == 0 &&
                parts.module_len == strlen(module) && !parts.data && !parts.key;
    sb_free(&probe);
    return valid;
}

/* Builds the address of a resource without instance key,
 * "[module.a[...].]...[data.]type.name", and checks that it parses as a
 * Terraform resource address. */
static int build_file_address(state_reader *sr, const char *module, int data, const char *type,
                              const char *name, strbuf *address)
{
    if (module && *module) {
        if (!is_module_address(module)) {
            size_t mark = enter(sr, "module");
            int rc = fail_here(sr, SOC2_EFORMAT, "\"%s\" is not a Terraform module address",
                               module);
            leave(sr, mark);
            return rc;
        }
        sb_printf(address, "%s.", module);
    }
    append_local_address(address, data, type, name);
    if (address->failed)
        return error_nomem();

    tf_address parts;
    if (tfrefs_parse_address(sb_str(address), &parts) < 0 || parts.key)
        return fail_here(sr, SOC2_EFORMAT,
                         "the type \"%s\" and name \"%s\" do not make a Terraform resource "
                         "address",
                         type, name);
    return SOC2_OK;
}

static int read_file_resource(state_reader *sr, const json_t *item)
{
    if (!json_is_object(item))
        return fail_here(sr, SOC2_EFORMAT, "a resource must be an object, not %s",
                         json_kind(item));

    const char *module, *type, *name;
    const json_t *instances;
    int data = 0;
    int rc = get_string(sr, item, "module", 0, &module);
    if (rc == SOC2_OK)
        rc = read_mode(sr, item, &data);
    if (rc == SOC2_OK)
        rc = get_string(sr, item, "type", 1, &type);
    if (rc == SOC2_OK)
        rc = get_string(sr, item, "name", 1, &name);
    if (rc == SOC2_OK)
        rc = get_member(sr, item, "instances", JSON_ARRAY, "an array", &instances);
    if (rc == SOC2_OK && !instances)
        rc = fail_here(sr, SOC2_EFORMAT, "the required array \"instances\" is missing");
    if (rc != SOC2_OK)
        return rc;

    strbuf base = STRBUF_INIT;
    rc = build_file_address(sr, module, data, type, name, &base);
    size_t mark = enter(sr, "instances");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(instances); i++) {
        size_t inner = enter_index(sr, i);
        rc = read_file_instance(sr, json_array_get(instances, i), sb_str(&base), type, data);
        leave(sr, inner);
    }
    leave(sr, mark);
    sb_free(&base);
    return rc;
}

/* The state file version this adapter reads. Terraform 0.12 and later
 * write version 4; earlier versions wrote 1 to 3, with attributes
 * flattened to strings. */
#define STATE_FILE_VERSION 4

static int load_file_layout(state_reader *sr, const json_t *root)
{
    json_int_t version = json_integer_value(json_object_get(root, "version"));
    if (version != STATE_FILE_VERSION) {
        size_t mark = enter(sr, "version");
        int rc = fail_here(sr, SOC2_EUNRECOGNIZED,
                           "unsupported state file version %" JSON_INTEGER_FORMAT
                           ": libsoc2 reads version %d, which Terraform 0.12 and later write; "
                           "load the output of terraform show -json instead",
                           version, STATE_FILE_VERSION);
        leave(sr, mark);
        return rc;
    }

    const json_t *resources;
    int rc = get_member(sr, root, "resources", JSON_ARRAY, "an array", &resources);
    size_t mark = enter(sr, "resources");
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(resources); i++) {
        size_t item = enter_index(sr, i);
        rc = read_file_resource(sr, json_array_get(resources, i));
        leave(sr, item);
    }
    leave(sr, mark);
    return rc;
}

int tfstate_load(soc2_loader *loader, json_t *root)
{
    state_reader sr = {loader, STRBUF_INIT};
    int rc = is_show_layout(root) ? load_show_layout(&sr, root) : load_file_layout(&sr, root);
    sb_free(&sr.pointer);
    return rc;
}
