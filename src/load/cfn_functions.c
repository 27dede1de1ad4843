/* The names of CloudFormation's intrinsic functions: a template that calls
 * a function CloudFormation does not define is rejected, and a function
 * call must be the only member of its object. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"

/* Function names. */

/* The Fn:: functions CloudFormation defines, from the AWS CloudFormation
 * Template Reference pages "Intrinsic function reference" and "Rule
 * functions", sorted by strcmp(). Ref and Condition complete the set. */
static const char *const defined_functions[] = {
    "Fn::And", "Fn::Base64", "Fn::Cidr", "Fn::Contains", "Fn::EachMemberEquals",
    "Fn::EachMemberIn", "Fn::Equals", "Fn::FindInMap", "Fn::ForEach", "Fn::GetAZs",
    "Fn::GetAtt", "Fn::GetStackOutput", "Fn::If", "Fn::ImportValue", "Fn::Join",
    "Fn::Length", "Fn::Not", "Fn::Or", "Fn::RefAll", "Fn::Select",
    "Fn::Split", "Fn::Sub", "Fn::ToJsonString", "Fn::Transform", "Fn::ValueOf",
    "Fn::ValueOfAll",
};

#define DEFINED_FUNCTION_COUNT (sizeof(defined_functions) / sizeof(defined_functions[0]))

static int compare_function_name(const void *key, const void *element)
{
    return strcmp(key, *(const char *const *)element);
}

/* Returns whether `name`, which starts with Fn::, is a function
 * CloudFormation defines. Fn::ForEach::LoopName is the key of an
 * AWS::LanguageExtensions loop. */
static int is_defined_function(const char *name)
{
    if (strncmp(name, "Fn::ForEach::", 13) == 0)
        return 1;
    return bsearch(name, defined_functions, DEFINED_FUNCTION_COUNT, sizeof(defined_functions[0]),
                   compare_function_name) != NULL;
}

/* Returns the defined function whose name differs from `name` only in
 * letter case, or NULL. */
static const char *function_in_other_case(const char *name)
{
    for (size_t i = 0; i < DEFINED_FUNCTION_COUNT; i++)
        if (strcasecmp(name, defined_functions[i]) == 0)
            return defined_functions[i];
    return NULL;
}

/* Returns whether the text after Fn:: could be written as a YAML short-form
 * tag: a capital letter, then letters and digits. */
static int has_short_form(const char *name)
{
    const char *p = name + 4;
    if (!(*p >= 'A' && *p <= 'Z'))
        return 0;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p))
            return 0;
    return 1;
}

static int fail_unknown_function(cfn_template *t, strbuf *ptr, const char *name, size_t length)
{
    strbuf description = STRBUF_INIT;
    cfn_append_quoted(&description, name, length);
    /* In a YAML template the function may be written as the tag !Name. */
    if (t->loader->document->positions && strlen(name) == length && has_short_form(name))
        sb_printf(&description, " (!%s in YAML)", name + 4);
    const char *suggestion = strlen(name) == length ? function_in_other_case(name) : NULL;
    int rc;
    if (description.failed)
        rc = error_nomem();
    else if (suggestion)
        rc = cfn_fail_at(t, ptr, name, -1,
                         "unknown intrinsic function %s; function names are case-sensitive, so "
                         "write %s",
                         sb_str(&description), suggestion);
    else
        rc = cfn_fail_at(t, ptr, name, -1,
                         "unknown intrinsic function %s, which CloudFormation does not define; "
                         "check the name against the CloudFormation intrinsic function "
                         "reference",
                         sb_str(&description));
    sb_free(&description);
    return rc;
}

/* How many leading arguments of a function are names (of a parameter, a
 * resource, an attribute, a condition or a mapping), which are C strings
 * from here on: a NUL in one would make it name another without a word. */
static size_t name_arguments(const char *function)
{
    static const struct {
        const char *function;
        size_t names;
    } functions[] = {{"Ref", 1}, {"Condition", 1}, {"Fn::GetAtt", 2}, {"Fn::If", 1},
                     {"Fn::FindInMap", 3}};
    for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
        if (strcmp(function, functions[i].function) == 0)
            return functions[i].names;
    return 0;
}

static int check_name_arguments(cfn_template *t, strbuf *ptr, const char *function,
                                json_t *argument)
{
    size_t names = name_arguments(function);
    if (names == 0)
        return SOC2_OK;
    if (json_string_has_nul(argument))
        return cfn_fail_at(t, ptr, function, -1,
                           "the argument of %s must not contain a NUL character", function);
    for (size_t i = 0; json_is_array(argument) && i < names; i++)
        if (json_string_has_nul(json_array_get(argument, i)))
            return cfn_fail_at(t, ptr, function, (long)i,
                               "the arguments of %s must not contain a NUL character",
                               function);
    return SOC2_OK;
}

static int visit_function_name(cfn_walker *walker, json_t *value, void *context, int *descend)
{
    (void)descend;
    const char *name = cfn_single_key(value);
    if (name) {
        int rc = check_name_arguments(context, &walker->pointer, name,
                                      json_object_get(value, name));
        if (rc != SOC2_OK)
            return rc;
    }
    if (!name || strncmp(name, "Fn::", 4) != 0)
        return SOC2_OK;
    /* A key with a NUL byte names no function. The message shows it
     * escaped. */
    size_t length = json_object_iter_key_len(json_object_iter(value));
    if (length == strlen(name) && is_defined_function(name))
        return SOC2_OK;
    return fail_unknown_function(context, &walker->pointer, name, length);
}

int cfn_check_function_names(cfn_template *t, json_t *root)
{
    /* The sections where CloudFormation evaluates intrinsic functions. */
    static const char *const sections[] = {"Resources", "Outputs", "Conditions", "Rules"};
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        json_t *section = json_object_get(root, sections[i]);
        if (!section)
            continue;
        strbuf ptr = STRBUF_INIT;
        json_pointer_append(&ptr, sections[i]);
        int rc = ptr.failed ? error_nomem()
                            : cfn_walk(section, sb_str(&ptr), visit_function_name, t);
        sb_free(&ptr);
        if (rc != SOC2_OK)
            return rc;
    }
    return SOC2_OK;
}

/* Returns whether `key` names an intrinsic function: Ref, Fn::..., and
 * where a condition is expected also Condition. Elsewhere Condition is an
 * ordinary key, as in an IAM policy statement. Fn::ForEach::LoopName keys of
 * the AWS::LanguageExtensions transform may sit beside other keys, so they
 * do not count. */
static int is_function_key(const char *key, int in_condition)
{
    if (strncmp(key, "Fn::ForEach::", 13) == 0)
        return 0;
    return strcmp(key, "Ref") == 0 || strncmp(key, "Fn::", 4) == 0 ||
           (in_condition && strcmp(key, "Condition") == 0);
}

int cfn_check_function_alone(cfn_template *t, const json_t *value, strbuf *ptr, int in_condition)
{
    if (!json_is_object(value) || json_object_size(value) < 2)
        return SOC2_OK;

    const char *function = NULL, *other = NULL;
    size_t function_length = 0, other_length = 0;
    const char *key;
    size_t key_length;
    json_t *item;
    json_object_keylen_foreach((json_t *)value, key, key_length, item) {
        if (!function && is_function_key(key, in_condition)) {
            function = key;
            function_length = key_length;
        } else if (!other) {
            other = key;
            other_length = key_length;
        }
    }
    if (!function)
        return SOC2_OK;

    strbuf function_text = STRBUF_INIT, other_text = STRBUF_INIT;
    cfn_append_quoted(&function_text, function, function_length);
    cfn_append_quoted(&other_text, other, other_length);
    int rc = function_text.failed || other_text.failed
                 ? error_nomem()
                 : cfn_fail_at(t, ptr, NULL, -1,
                               "the intrinsic function %s must be the only key of its object, "
                               "but the object also has the key %s",
                               sb_str(&function_text), sb_str(&other_text));
    sb_free(&function_text);
    sb_free(&other_text);
    return rc;
}

