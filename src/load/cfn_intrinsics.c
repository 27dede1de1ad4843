/* CloudFormation intrinsic functions, resolved where the template itself
 * decides the value: parameter defaults, Mappings, literal text and the
 * conditions that cfn.c evaluates. Values decided only when the stack is
 * created become unknown-value markers (see cfn.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"


const char *cfn_trim_spaces(const char *start, const char *end, size_t *length)
{
    while (start < end && isspace((unsigned char)*start))
        start++;
    size_t n = (size_t)(end - start);
    while (n && isspace((unsigned char)start[n - 1]))
        n--;
    *length = n;
    return start;
}

/* Pseudo parameters other than AWS::NoValue. Their values depend on the
 * account, region and stack. */
static const char *const pseudo_parameters[] = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region",
    "AWS::StackId",   "AWS::StackName",        "AWS::URLSuffix",
};

typedef int (*intrinsic_fn)(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out);

static int is_pseudo_parameter(const char *name)
{
    for (size_t i = 0; i < sizeof(pseudo_parameters) / sizeof(pseudo_parameters[0]); i++)
        if (strcmp(name, pseudo_parameters[i]) == 0)
            return 1;
    return 0;
}

static int has_resource(const cfn_template *t, const char *logical_id)
{
    return t->resources && json_object_get(t->resources, logical_id) != NULL;
}

static int is_resource_itself(const cfn_template *t, const char *logical_id)
{
    return t->resource_id && strcmp(t->resource_id, logical_id) == 0;
}

/* `function` is the Ref, Fn::GetAtt or Fn::Sub that names the resource
 * being resolved. */
static int fail_self_reference(cfn_template *t, strbuf *ptr, long index, const char *function)
{
    return cfn_fail_at(t, ptr, NULL, index,
                       "%s refers to resource \"%s\" from its own properties, a circular "
                       "dependency that CloudFormation rejects",
                       function, t->resource_id);
}

/* Maximum number of bytes of a name that cfn_append_quoted() shows. */
#define QUOTED_MAX 64

void cfn_append_quoted(strbuf *out, const char *text, size_t length)
{
    size_t shown_length = length;
    if (shown_length > QUOTED_MAX) {
        shown_length = QUOTED_MAX;
        /* Do not cut a UTF-8 sequence: back up over continuation bytes. */
        while (shown_length > 0 && ((unsigned char)text[shown_length] & 0xC0) == 0x80)
            shown_length--;
    }
    sb_putc(out, '"');
    for (size_t i = 0; i < shown_length; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\')
            sb_printf(out, "\\%c", c);
        else if (c == '\n')
            sb_puts(out, "\\n");
        else if (c == '\t')
            sb_puts(out, "\\t");
        else if (c == '\r')
            sb_puts(out, "\\r");
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, "\\u%04x", c);
        else
            sb_putc(out, (char)c);
    }
    sb_puts(out, shown_length < length ? "\u2026\"" : "\"");
}

int cfn_fail_at(cfn_template *t, strbuf *ptr, const char *step, long index, const char *fmt, ...)
{
    size_t mark = ptr->len;
    if (step)
        json_pointer_append(ptr, step);
    if (index >= 0)
        json_pointer_append_index(ptr, (size_t)index);

    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    int rc = loader_fail(t->loader, SOC2_EFORMAT, sb_str(ptr), "%s", sb_str(&message));
    sb_free(&message);
    sb_truncate(ptr, mark);
    return rc;
}

int cfn_append_scalar(strbuf *sb, const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_STRING:
        return sb_append(sb, json_string_value(value), json_string_length(value));
    case JSON_INTEGER:
        return sb_printf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    case JSON_REAL:
        return sb_printf(sb, "%.15g", json_real_value(value));
    case JSON_TRUE:
        return sb_puts(sb, "true");
    case JSON_FALSE:
        return sb_puts(sb, "false");
    default:
        return -1;
    }
}

int cfn_resolve_at(cfn_template *t, json_t *value, strbuf *ptr, const char *step, long index,
                   json_t **out)
{
    size_t mark = ptr->len;
    if (step)
        json_pointer_append(ptr, step);
    if (index >= 0)
        json_pointer_append_index(ptr, (size_t)index);
    int rc = cfn_resolve(t, value, ptr, out);
    sb_truncate(ptr, mark);
    return rc;
}

/* Parameters. */

int cfn_is_list_parameter_type(const char *type)
{
    return strcmp(type, "CommaDelimitedList") == 0 || strncmp(type, "List<", 5) == 0;
}

/* Splits a CommaDelimitedList default. CloudFormation trims the spaces
 * around each member. */
static json_t *split_list_default(const char *text)
{
    json_t *list = json_array();
    const char *start = text;
    while (list) {
        const char *end = strchr(start, ',');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        const char *first = start;
        while (length && isspace((unsigned char)*first)) {
            first++;
            length--;
        }
        while (length && isspace((unsigned char)first[length - 1]))
            length--;
        if (json_array_append_new(list, json_stringn(first, length)) < 0) {
            json_decref(list);
            return NULL;
        }
        if (!end)
            break;
        start = end + 1;
    }
    return list;
}

/* The value of a parameter as the template decides it: its Default, typed.
 * A parameter without a Default, and an AWS::SSM::Parameter::Value<...>
 * parameter (whose Default names a Systems Manager parameter, not the
 * value), is unknown. */
static int parameter_value(const cfn_template *t, json_t *parameter, json_t **out)
{
    const char *type = json_string_value(json_object_get(parameter, "Type"));
    json_t *default_value = json_object_get(parameter, "Default");
    if (!type)
        type = "String";
    if (!default_value || strncmp(type, "AWS::SSM::Parameter::Value<", 27) == 0)
        return cfn_make_unknown(t, NULL, NULL, 0, out);

    if (cfn_is_list_parameter_type(type) && json_is_string(default_value))
        *out = split_list_default(json_string_value(default_value));
    else
        *out = json_deep_copy(default_value);
    return *out ? SOC2_OK : error_nomem();
}

/* Makes an unknown value that refers to `logical_id` (or nothing) and has
 * the symbol "${NAME}". AWS::NotificationARNs is a list of the caller's
 * choosing, so it gets no symbol. */
static int symbolic_unknown(const cfn_template *t, const char *logical_id, const char *name,
                            json_t **out)
{
    int rc = cfn_make_unknown(t, logical_id, NULL, 0, out);
    if (rc != SOC2_OK || strcmp(name, "AWS::NotificationARNs") == 0)
        return rc;
    strbuf symbol = STRBUF_INIT;
    sb_printf(&symbol, "${%s}", name);
    if (symbol.failed || cfn_unknown_set_symbol(*out, sb_str(&symbol)) < 0) {
        sb_free(&symbol);
        json_decref(*out);
        *out = NULL;
        return error_nomem();
    }
    sb_free(&symbol);
    return SOC2_OK;
}

/* Ref and Fn::GetAtt. */

static int fn_ref(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    const char *name = json_string_value(arg);
    if (!name)
        return cfn_fail_at(t, ptr, NULL, -1,
                           "Ref needs the name of a parameter, pseudo parameter or resource as a "
                           "string");

    if (strcmp(name, "AWS::NoValue") == 0) {
        *out = NULL;
        return SOC2_OK;
    }
    if (is_pseudo_parameter(name))
        return symbolic_unknown(t, NULL, name, out);
    json_t *parameter = t->parameters ? json_object_get(t->parameters, name) : NULL;
    if (parameter)
        return parameter_value(t, parameter, out);
    if (is_resource_itself(t, name))
        return fail_self_reference(t, ptr, -1, "Ref");
    if (has_resource(t, name))
        return symbolic_unknown(t, name, name, out);
    return cfn_fail_at(t, ptr, NULL, -1,
                       "Ref to \"%s\", which is neither a parameter, a pseudo parameter nor a "
                       "resource of the template",
                       name);
}

static int fn_get_att(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    static const char usage[] =
        "Fn::GetAtt needs \"LogicalId.Attribute\" or [\"LogicalId\", \"Attribute\"]";
    strbuf logical_id = STRBUF_INIT;
    json_t *attribute = NULL;
    int rc;

    if (json_is_string(arg)) {
        const char *text = json_string_value(arg);
        const char *dot = strchr(text, '.');
        if (!dot || dot == text || !dot[1])
            return cfn_fail_at(t, ptr, NULL, -1, "%s", usage);
        /* Logical IDs are alphanumeric, so the first dot ends the ID and
         * the rest is the attribute name, dots and all (Endpoint.Address). */
        sb_append(&logical_id, text, (size_t)(dot - text));
    } else if (json_is_array(arg) && json_array_size(arg) == 2 &&
               json_is_string(json_array_get(arg, 0))) {
        sb_puts(&logical_id, json_string_value(json_array_get(arg, 0)));
        json_t *name = json_array_get(arg, 1);
        if (!json_is_string(name)) {
            /* The attribute name may come from a parameter: {"Ref": "Attr"}. */
            rc = cfn_resolve_at(t, name, ptr, NULL, 1, &attribute);
            if (rc != SOC2_OK)
                goto done;
            if (!json_is_string(attribute) && !cfn_is_unknown(t, attribute)) {
                rc = cfn_fail_at(t, ptr, NULL, 1, "%s", usage);
                goto done;
            }
        }
    } else {
        return cfn_fail_at(t, ptr, NULL, -1, "%s", usage);
    }

    if (logical_id.failed) {
        rc = error_nomem();
    } else if (!has_resource(t, sb_str(&logical_id))) {
        rc = cfn_fail_at(t, ptr, NULL, json_is_array(arg) ? 0 : -1,
                         "Fn::GetAtt names resource \"%s\", which is not in Resources",
                         sb_str(&logical_id));
    } else if (is_resource_itself(t, sb_str(&logical_id))) {
        rc = fail_self_reference(t, ptr, json_is_array(arg) ? 0 : -1, "Fn::GetAtt");
    } else {
        /* The symbol is "${Id.Attribute}" when the attribute name is known. */
        const json_t *name = json_is_array(arg) ? json_array_get(arg, 1) : NULL;
        if (attribute)
            name = attribute;
        strbuf symbol_name = STRBUF_INIT;
        if (!json_is_array(arg))
            sb_puts(&symbol_name, json_string_value(arg));
        else if (json_is_string(name))
            sb_printf(&symbol_name, "%s.%s", sb_str(&logical_id), json_string_value(name));
        if (symbol_name.failed)
            rc = error_nomem();
        else if (symbol_name.len)
            rc = symbolic_unknown(t, sb_str(&logical_id), sb_str(&symbol_name), out);
        else
            rc = cfn_make_unknown(t, sb_str(&logical_id), NULL, 0, out);
        sb_free(&symbol_name);
    }

done:
    json_decref(attribute);
    sb_free(&logical_id);
    return rc;
}

/* Fn::Equals, Fn::And, Fn::Or and Fn::Not written as property values
 * evaluate to a boolean. */
static int fn_condition_value(cfn_template *t, const char *name, json_t *arg, strbuf *ptr,
                              json_t **out)
{
    cfn_truth truth;
    int rc = cfn_condition_function(t, name, arg, ptr, &truth);
    if (rc != SOC2_OK)
        return rc;
    if (truth == CFN_UNDECIDED)
        return cfn_make_unknown(t, NULL, NULL, 0, out);
    *out = json_boolean(truth == CFN_TRUE);
    return SOC2_OK;
}

static int fn_if(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    if (!json_is_array(arg) || json_array_size(arg) != 3 || !json_is_string(json_array_get(arg, 0)))
        return cfn_fail_at(t, ptr, NULL, -1,
                           "Fn::If needs [condition name, value if true, value if false]");

    size_t mark = ptr->len;
    json_pointer_append_index(ptr, 0);
    cfn_truth truth;
    int rc = cfn_condition(t, json_string_value(json_array_get(arg, 0)), sb_str(ptr), &truth);
    sb_truncate(ptr, mark);
    if (rc != SOC2_OK)
        return rc;

    /* The value of a decided Fn::If, and that of an undecided one whose
     * branches agree, comes from the branch it takes. */
    cfn_trace *trace = t->trace;
    size_t trace_mark = trace ? trace->count : 0;
    long branch = truth == CFN_FALSE ? 2 : 1;
    json_pointer_append_index(ptr, (size_t)branch);
    if (trace && cfn_trace_add(trace, sb_str(ptr), 0) < 0)
        rc = error_nomem();
    sb_truncate(ptr, mark);
    if (rc != SOC2_OK)
        return rc;
    if (truth != CFN_UNDECIDED)
        return cfn_resolve_at(t, json_array_get(arg, (size_t)branch), ptr, NULL, branch, out);

    /* Undecided: the value is unknown unless both branches agree. */
    json_t *branches[2] = {NULL, NULL};
    rc = cfn_resolve_at(t, json_array_get(arg, 1), ptr, NULL, 1, &branches[0]);
    t->trace = NULL;
    if (rc == SOC2_OK)
        rc = cfn_resolve_at(t, json_array_get(arg, 2), ptr, NULL, 2, &branches[1]);
    t->trace = trace;
    if (rc == SOC2_OK) {
        if (branches[0] && branches[1] && json_equal(branches[0], branches[1])) {
            *out = json_incref(branches[0]);
        } else {
            rc = cfn_make_unknown(t, NULL, branches, 2, out);
            /* The unknown value comes from the function as a whole: the
             * object whose key is Fn::If. */
            if (rc == SOC2_OK && trace) {
                cfn_trace_truncate(trace, trace_mark);
                sb_truncate(ptr, mark - strlen("/Fn::If"));
                if (cfn_trace_add(trace, sb_str(ptr), 1) < 0)
                    rc = error_nomem();
                sb_truncate(ptr, mark);
            }
        }
    }
    json_decref(branches[0]);
    json_decref(branches[1]);
    return rc;
}

/* Fn::Sub. */

/* Returns how many times "${" occurs in `text`. Fn::Sub and Fn::Join count
 * the placeholders of the symbols they insert. A result with more "${" has
 * known text that reads as a placeholder, such as a literal "${" in a
 * parameter default or "$" and "{" from two parts. Such a value gets no
 * symbol, because it would equal the symbol of a different value. */
static size_t count_placeholders(const char *text)
{
    size_t count = 0;
    for (const char *p = strstr(text, "${"); p; p = strstr(p + 2, "${"))
        count++;
    return count;
}

/* The value of ${name}: a variable of the map, a parameter, a pseudo
 * parameter, a resource (as Ref) or a resource attribute (as Fn::GetAtt). */
static int sub_variable(cfn_template *t, const char *name, json_t *variables, strbuf *ptr,
                        json_t **out)
{
    json_t *variable = variables ? json_object_get(variables, name) : NULL;
    if (variable) {
        *out = json_incref(variable);
        return SOC2_OK;
    }
    json_t *parameter = t->parameters ? json_object_get(t->parameters, name) : NULL;
    if (parameter)
        return parameter_value(t, parameter, out);
    if (is_pseudo_parameter(name))
        return symbolic_unknown(t, NULL, name, out);
    if (is_resource_itself(t, name))
        return fail_self_reference(t, ptr, -1, "Fn::Sub");
    if (has_resource(t, name))
        return symbolic_unknown(t, name, name, out);

    const char *dot = strchr(name, '.');
    if (dot && dot > name) {
        char *logical_id = strndup(name, (size_t)(dot - name));
        if (!logical_id)
            return error_nomem();
        int found = has_resource(t, logical_id);
        int rc = SOC2_OK;
        if (found && is_resource_itself(t, logical_id))
            rc = fail_self_reference(t, ptr, -1, "Fn::Sub");
        else if (found)
            rc = symbolic_unknown(t, logical_id, name, out);
        free(logical_id);
        if (found)
            return rc;
    }
    return cfn_fail_at(t, ptr, NULL, -1,
                       "Fn::Sub refers to ${%s}, which is not a parameter, pseudo parameter, "
                       "resource, resource attribute or variable",
                       name);
}

static int substitute(cfn_template *t, const char *text, json_t *variables, strbuf *ptr,
                      json_t **out)
{
    strbuf result = STRBUF_INIT;
    strbuf symbol = STRBUF_INIT; /* the result with ${...} for unknown parts */
    int symbolic = 1;
    size_t placeholders = 0; /* the "${" that inserted symbols put in `symbol` */
    json_t *marker = NULL;
    int rc = SOC2_OK;
    const char *p = text;

    while (*p && rc == SOC2_OK) {
        if (p[0] != '$' || p[1] != '{') {
            sb_putc(&symbol, *p);
            sb_putc(&result, *p++);
            continue;
        }
        if (p[2] == '!') {
            /* ${!Literal} is written as ${Literal}. A literal "${" would read
             * as a placeholder in a symbol, so the value gets none. */
            sb_puts(&result, "${");
            symbolic = 0;
            p += 3;
            continue;
        }
        const char *end = strchr(p + 2, '}');
        if (!end) {
            sb_puts(&symbol, p);
            sb_puts(&result, p);
            break;
        }

        size_t length;
        const char *start = cfn_trim_spaces(p + 2, end, &length);
        char *name = strndup(start, length);
        if (!name) {
            rc = error_nomem();
            break;
        }

        json_t *value = NULL;
        if (strcmp(name, "AWS::NoValue") == 0)
            rc = cfn_fail_at(t, ptr, NULL, -1, "Fn::Sub cannot substitute ${AWS::NoValue}");
        else
            rc = sub_variable(t, name, variables, ptr, &value);
        if (rc == SOC2_OK && cfn_is_unknown(t, value)) {
            if (cfn_unknown_symbol(value)) {
                sb_puts(&symbol, cfn_unknown_symbol(value));
                placeholders += count_placeholders(cfn_unknown_symbol(value));
            } else {
                symbolic = 0;
            }
            if (!marker && !(marker = cfn_unknown_new(t)))
                rc = error_nomem();
            else if (cfn_unknown_collect(t, marker, value) < 0)
                rc = error_nomem();
        } else if (rc == SOC2_OK && cfn_append_scalar(&symbol, value) < 0) {
            symbolic = 0;
        }
        if (rc == SOC2_OK && !cfn_is_unknown(t, value) && cfn_append_scalar(&result, value) < 0) {
            rc = cfn_fail_at(t, ptr, NULL, -1,
                             "Fn::Sub variable ${%s} is not a string or number, so it cannot be "
                             "substituted",
                             name);
        }
        json_decref(value);
        free(name);
        p = end + 1;
    }

    if (rc == SOC2_OK && (result.failed || symbol.failed))
        rc = error_nomem();
    if (rc == SOC2_OK && symbolic && count_placeholders(sb_str(&symbol)) != placeholders)
        symbolic = 0;
    if (rc == SOC2_OK) {
        if (marker) {
            if (symbolic && cfn_unknown_set_symbol(marker, sb_str(&symbol)) < 0)
                rc = error_nomem();
            *out = marker;
            marker = NULL;
        } else {
            *out = json_stringn(sb_str(&result), result.len);
            if (!*out)
                rc = error_nomem();
        }
    }
    json_decref(marker);
    sb_free(&result);
    sb_free(&symbol);
    return rc;
}

static int fn_sub(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    if (json_is_string(arg))
        return substitute(t, json_string_value(arg), NULL, ptr, out);

    if (!json_is_array(arg) || json_array_size(arg) != 2 ||
        !json_is_string(json_array_get(arg, 0)) || !json_is_object(json_array_get(arg, 1)))
        return cfn_fail_at(t, ptr, NULL, -1,
                           "Fn::Sub needs a string or [string, {variable: value, ...}]");

    json_t *variables;
    int rc = cfn_resolve_at(t, json_array_get(arg, 1), ptr, NULL, 1, &variables);
    if (rc != SOC2_OK)
        return rc;
    if (!json_is_object(variables)) {
        json_decref(variables);
        return cfn_fail_at(t, ptr, NULL, 1, "Fn::Sub variables must be an object");
    }
    size_t mark = ptr->len;
    json_pointer_append_index(ptr, 0);
    rc = substitute(t, json_string_value(json_array_get(arg, 0)), variables, ptr, out);
    sb_truncate(ptr, mark);
    json_decref(variables);
    return rc;
}

/* Fn::Join, Fn::Select, Fn::Split. */

static int fn_join(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    if (!json_is_array(arg) || json_array_size(arg) != 2 || !json_is_string(json_array_get(arg, 0)))
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Join needs [delimiter, [value, ...]]");

    json_t *list;
    int rc = cfn_resolve_at(t, json_array_get(arg, 1), ptr, NULL, 1, &list);
    if (rc != SOC2_OK)
        return rc;
    if (cfn_is_unknown(t, list)) {
        /* A symbol of the list ("${Lb.SecurityGroups}") is not the joined
         * text, so the result has none. */
        rc = cfn_make_unknown(t, NULL, &list, 1, out);
        json_decref(list);
        return rc;
    }
    if (!json_is_array(list)) {
        json_decref(list);
        return cfn_fail_at(t, ptr, NULL, 1, "Fn::Join needs a list of values to join");
    }

    const char *delimiter = json_string_value(json_array_get(arg, 0));
    strbuf result = STRBUF_INIT;
    strbuf symbol = STRBUF_INIT; /* the result with ${...} for unknown parts */
    int unknown = 0, symbolic = 1;
    size_t placeholders = 0; /* the "${" that inserted symbols put in `symbol` */
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (i > 0) {
            sb_puts(&result, delimiter);
            sb_puts(&symbol, delimiter);
        }
        if (cfn_is_unknown(t, item)) {
            unknown = 1;
            if (cfn_unknown_symbol(item)) {
                sb_puts(&symbol, cfn_unknown_symbol(item));
                placeholders += count_placeholders(cfn_unknown_symbol(item));
            } else {
                symbolic = 0;
            }
            continue;
        }
        if (cfn_append_scalar(&result, item) < 0) {
            rc = cfn_fail_at(t, ptr, NULL, 1, "Fn::Join can only join strings and numbers");
            break;
        }
        cfn_append_scalar(&symbol, item);
    }
    if (symbolic && !symbol.failed && count_placeholders(sb_str(&symbol)) != placeholders)
        symbolic = 0;
    if (rc == SOC2_OK && unknown) {
        rc = cfn_make_unknown(t, NULL, &list, 1, out);
        if (rc == SOC2_OK && symbolic &&
            (symbol.failed || cfn_unknown_set_symbol(*out, sb_str(&symbol)) < 0)) {
            json_decref(*out);
            *out = NULL;
            rc = error_nomem();
        }
    }
    else if (rc == SOC2_OK && !(*out = json_stringn(sb_str(&result), result.len)))
        rc = error_nomem();
    if (rc == SOC2_OK && result.failed) {
        json_decref(*out);
        *out = NULL;
        rc = error_nomem();
    }
    sb_free(&result);
    sb_free(&symbol);
    json_decref(list);
    return rc;
}

static int parse_index(const json_t *value, size_t *index)
{
    if (json_is_integer(value)) {
        if (json_integer_value(value) < 0)
            return -1;
        *index = (size_t)json_integer_value(value);
        return 0;
    }
    const char *text = json_string_value(value);
    if (!text || !*text || strlen(text) > 9)
        return -1;
    for (const char *p = text; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    *index = (size_t)strtoul(text, NULL, 10);
    return 0;
}

static int fn_select(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    if (!json_is_array(arg) || json_array_size(arg) != 2)
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Select needs [index, list]");

    json_t *values[2] = {NULL, NULL};
    int rc = cfn_resolve_at(t, json_array_get(arg, 0), ptr, NULL, 0, &values[0]);
    if (rc == SOC2_OK)
        rc = cfn_resolve_at(t, json_array_get(arg, 1), ptr, NULL, 1, &values[1]);
    if (rc != SOC2_OK)
        goto done;

    if (cfn_is_unknown(t, values[0]) || cfn_is_unknown(t, values[1])) {
        rc = cfn_make_unknown(t, NULL, values, 2, out);
        goto done;
    }
    size_t index;
    if (parse_index(values[0], &index) < 0) {
        rc = cfn_fail_at(t, ptr, NULL, 0, "Fn::Select index must be a non-negative integer");
    } else if (!json_is_array(values[1])) {
        rc = cfn_fail_at(t, ptr, NULL, 1, "Fn::Select needs a list to select from");
    } else if (index >= json_array_size(values[1])) {
        rc = cfn_fail_at(t, ptr, NULL, 0, "Fn::Select index %zu is out of range for a list of %zu",
                         index, json_array_size(values[1]));
    } else {
        *out = json_incref(json_array_get(values[1], index));
    }

done:
    json_decref(values[0]);
    json_decref(values[1]);
    return rc;
}

static int fn_split(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    const char *delimiter = json_string_value(json_array_get(arg, 0));
    if (!json_is_array(arg) || json_array_size(arg) != 2 || !delimiter || !*delimiter)
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Split needs [delimiter, string]");

    json_t *source;
    int rc = cfn_resolve_at(t, json_array_get(arg, 1), ptr, NULL, 1, &source);
    if (rc != SOC2_OK)
        return rc;
    if (cfn_is_unknown(t, source)) {
        /* The source's symbol is text, not the list Fn::Split makes of it. */
        rc = cfn_make_unknown(t, NULL, &source, 1, out);
        json_decref(source);
        return rc;
    }
    if (!json_is_string(source)) {
        json_decref(source);
        return cfn_fail_at(t, ptr, NULL, 1, "Fn::Split needs a string to split");
    }

    json_t *parts = json_array();
    const char *start = json_string_value(source);
    size_t delimiter_length = strlen(delimiter);
    while (parts) {
        const char *end = strstr(start, delimiter);
        size_t length = end ? (size_t)(end - start) : strlen(start);
        if (json_array_append_new(parts, json_stringn(start, length)) < 0) {
            json_decref(parts);
            parts = NULL;
            break;
        }
        if (!end)
            break;
        start = end + delimiter_length;
    }
    json_decref(source);
    if (!parts)
        return error_nomem();
    *out = parts;
    return SOC2_OK;
}

/* Fn::FindInMap, with the optional fourth argument {"DefaultValue": ...}
 * of the AWS::LanguageExtensions transform. */
static int fn_find_in_map(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    size_t count = json_array_size(arg);
    json_t *default_value =
        count == 4 ? json_object_get(json_array_get(arg, 3), "DefaultValue") : NULL;
    if (!json_is_array(arg) || (count != 3 && !(count == 4 && default_value)))
        return cfn_fail_at(t, ptr, NULL, -1,
                           "Fn::FindInMap needs [map name, top-level key, second-level key]");

    json_t *keys[3] = {NULL, NULL, NULL};
    strbuf text[3] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    int rc = SOC2_OK, unknown = 0;
    for (long i = 0; i < 3 && rc == SOC2_OK; i++) {
        rc = cfn_resolve_at(t, json_array_get(arg, (size_t)i), ptr, NULL, i, &keys[i]);
        if (rc != SOC2_OK)
            break;
        if (cfn_is_unknown(t, keys[i]))
            unknown = 1;
        else if (!keys[i] || json_is_array(keys[i]) || json_is_object(keys[i]) ||
                 cfn_append_scalar(&text[i], keys[i]) < 0)
            rc = cfn_fail_at(t, ptr, NULL, i, "Fn::FindInMap keys must be strings");
    }
    if (rc != SOC2_OK)
        goto done;
    if (unknown) {
        rc = cfn_make_unknown(t, NULL, keys, 3, out);
        goto done;
    }

    json_t *node = t->mappings;
    static const char *const levels[] = {"Mappings has no map", "the map has no key",
                                         "the map entry has no key"};
    for (long i = 0; i < 3; i++) {
        node = json_is_object(node) ? json_object_get(node, sb_str(&text[i])) : NULL;
        if (node)
            continue;
        if (default_value)
            rc = cfn_resolve_at(t, default_value, ptr, NULL, 3, out);
        else
            rc = cfn_fail_at(t, ptr, NULL, i, "Fn::FindInMap: %s \"%s\"", levels[i],
                             sb_str(&text[i]));
        goto done;
    }
    *out = json_incref(node);

done:
    for (int i = 0; i < 3; i++) {
        json_decref(keys[i]);
        sb_free(&text[i]);
    }
    return rc;
}

/* Fn::Base64 and the functions whose value depends on the account. */

static char *base64_encode(const char *data, size_t length)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *encoded = malloc((length + 2) / 3 * 4 + 1);
    if (!encoded)
        return NULL;
    char *o = encoded;
    const unsigned char *in = (const unsigned char *)data;
    for (size_t i = 0; i < length; i += 3) {
        unsigned long group = (unsigned long)in[i] << 16;
        if (i + 1 < length)
            group |= (unsigned long)in[i + 1] << 8;
        if (i + 2 < length)
            group |= in[i + 2];
        *o++ = alphabet[(group >> 18) & 63];
        *o++ = alphabet[(group >> 12) & 63];
        *o++ = i + 1 < length ? alphabet[(group >> 6) & 63] : '=';
        *o++ = i + 2 < length ? alphabet[group & 63] : '=';
    }
    *o = '\0';
    return encoded;
}

static int fn_base64(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    json_t *value;
    int rc = cfn_resolve(t, arg, ptr, &value);
    if (rc != SOC2_OK)
        return rc;
    if (cfn_is_unknown(t, value)) {
        /* The symbol is the text before encoding, so the result has none. */
        rc = cfn_make_unknown(t, NULL, &value, 1, out);
        json_decref(value);
        return rc;
    }
    if (!json_is_string(value)) {
        json_decref(value);
        return cfn_fail_at(t, ptr, NULL, -1, "Fn::Base64 needs a string");
    }
    char *encoded = base64_encode(json_string_value(value), json_string_length(value));
    json_decref(value);
    *out = encoded ? json_string(encoded) : NULL;
    free(encoded);
    return *out ? SOC2_OK : error_nomem();
}

/* Fn::GetAZs, Fn::ImportValue and Fn::Cidr: the arguments are resolved so
 * that mistakes in them are reported, and the value is unknown, referring
 * to the resources its arguments refer to. */
static int fn_unknown_result(cfn_template *t, json_t *arg, strbuf *ptr, json_t **out)
{
    json_t *value;
    int rc = cfn_resolve(t, arg, ptr, &value);
    if (rc != SOC2_OK)
        return rc;
    rc = cfn_make_unknown(t, NULL, &value, 1, out);
    json_decref(value);
    return rc;
}

static const struct {
    const char *name;
    intrinsic_fn resolve;
} intrinsics[] = {
    {"Ref", fn_ref},
    {"Fn::GetAtt", fn_get_att},
    {"Fn::If", fn_if},
    {"Fn::Sub", fn_sub},
    {"Fn::Join", fn_join},
    {"Fn::Select", fn_select},
    {"Fn::Split", fn_split},
    {"Fn::FindInMap", fn_find_in_map},
    {"Fn::Base64", fn_base64},
    {"Fn::GetAZs", fn_unknown_result},
    {"Fn::ImportValue", fn_unknown_result},
    {"Fn::Cidr", fn_unknown_result},
};

static int resolve_intrinsic(cfn_template *t, const char *name, json_t *arg, strbuf *ptr,
                             json_t **out)
{
    /* Fn::If traces the branch it takes itself. The value of any other
     * function comes from the function: nothing inside its arguments is
     * traced. */
    int is_if = strcmp(name, "Fn::If") == 0;
    cfn_trace *trace = t->trace;
    if (!is_if)
        t->trace = NULL;

    size_t mark = ptr->len;
    json_pointer_append(ptr, name);
    int rc = -1;
    int handled = 0;
    for (size_t i = 0; i < sizeof(intrinsics) / sizeof(intrinsics[0]) && !handled; i++) {
        if (strcmp(name, intrinsics[i].name) == 0) {
            rc = intrinsics[i].resolve(t, arg, ptr, out);
            handled = 1;
        }
    }
    if (!handled && (strcmp(name, "Fn::Equals") == 0 || strcmp(name, "Fn::And") == 0 ||
                     strcmp(name, "Fn::Or") == 0 || strcmp(name, "Fn::Not") == 0)) {
        rc = fn_condition_value(t, name, arg, ptr, out);
        handled = 1;
    }
    /* NOTE: the other functions CloudFormation defines are not expanded:
     * Fn::Transform, Fn::GetStackOutput, the AWS::LanguageExtensions
     * Fn::Length, Fn::ToJsonString and Fn::ForEach, and the rule functions.
     * Their value is unknown and refers to no resource. Names CloudFormation
     * does not define never get here, because cfn_check_function_names()
     * rejects them first. */
    if (!handled)
        rc = cfn_make_unknown(t, NULL, NULL, 0, out);
    sb_truncate(ptr, mark);

    t->trace = trace;
    if (rc == SOC2_OK && trace && !is_if && cfn_trace_add(trace, sb_str(ptr), 1) < 0)
        rc = error_nomem();
    return rc;
}

/* Returns the function name when `value` is an intrinsic function call: an
 * object whose only key is Ref or starts with Fn::. */
static const char *intrinsic_name(const json_t *value)
{
    const char *key = cfn_single_key(value);
    if (key && (strcmp(key, "Ref") == 0 || strncmp(key, "Fn::", 4) == 0))
        return key;
    return NULL;
}

/* Resolves an element or member `item` that lands at the resolved path's
 * `token` (a key, or the index `position` when `token` is NULL). When the
 * value does not land where the template has it, the trace records where
 * it comes from. Entries of an element that AWS::NoValue removes are
 * dropped. */
static int resolve_member(cfn_template *t, json_t *item, strbuf *ptr, const char *key, size_t index,
                          size_t position, json_t **out)
{
    cfn_trace *trace = t->trace;
    if (!trace)
        return cfn_resolve_at(t, item, ptr, key, key ? -1 : (long)index, out);

    size_t path_mark = trace->path.len, trace_mark = trace->count;
    int rc = SOC2_OK;
    if (key) {
        json_pointer_append(&trace->path, key);
    } else {
        json_pointer_append_index(&trace->path, position);
        if (position != index) {
            size_t mark = ptr->len;
            json_pointer_append_index(ptr, index);
            if (cfn_trace_add(trace, sb_str(ptr), 0) < 0)
                rc = error_nomem();
            sb_truncate(ptr, mark);
        }
    }
    if (rc == SOC2_OK)
        rc = cfn_resolve_at(t, item, ptr, key, key ? -1 : (long)index, out);
    if (rc == SOC2_OK && !*out)
        cfn_trace_truncate(trace, trace_mark);
    sb_truncate(&trace->path, path_mark);
    return rc;
}

static int resolve_array(cfn_template *t, json_t *value, strbuf *ptr, json_t **out)
{
    json_t *result = json_array();
    if (!result)
        return error_nomem();
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
        json_t *resolved;
        int rc = resolve_member(t, item, ptr, NULL, i, json_array_size(result), &resolved);
        if (rc != SOC2_OK) {
            json_decref(result);
            return rc;
        }
        /* AWS::NoValue removes the element. */
        if (resolved && json_array_append_new(result, resolved) < 0) {
            json_decref(result);
            return error_nomem();
        }
    }
    *out = result;
    return SOC2_OK;
}

static int resolve_object(cfn_template *t, json_t *value, strbuf *ptr, json_t **out)
{
    json_t *result = json_object();
    if (!result)
        return error_nomem();
    const char *key;
    json_t *item;
    json_object_foreach(value, key, item) {
        json_t *resolved;
        int rc = resolve_member(t, item, ptr, key, 0, 0, &resolved);
        if (rc != SOC2_OK) {
            json_decref(result);
            return rc;
        }
        /* AWS::NoValue removes the member. */
        if (resolved && json_object_set_new(result, key, resolved) < 0) {
            json_decref(result);
            return error_nomem();
        }
    }
    *out = result;
    return SOC2_OK;
}

int cfn_resolve(cfn_template *t, json_t *value, strbuf *ptr, json_t **out)
{
    *out = NULL;
    if (t->depth >= CFN_MAX_DEPTH)
        return loader_fail(t->loader, SOC2_ELIMIT, sb_str(ptr),
                           "values and intrinsic functions are nested deeper than %d levels",
                           CFN_MAX_DEPTH);
    if (ptr->failed)
        return error_nomem();

    int rc = cfn_check_function_alone(t, value, ptr, 0);
    if (rc != SOC2_OK)
        return rc;

    t->depth++;
    const char *function = intrinsic_name(value);
    if (function)
        rc = resolve_intrinsic(t, function, json_object_get(value, function), ptr, out);
    else if (json_is_array(value))
        rc = resolve_array(t, value, ptr, out);
    else if (json_is_object(value))
        rc = resolve_object(t, value, ptr, out);
    else {
        *out = json_incref(value);
        rc = SOC2_OK;
    }
    t->depth--;
    if (rc != SOC2_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

