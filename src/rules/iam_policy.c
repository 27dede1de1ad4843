#include "iam_policy.h"
#include "iam_eval.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Messages. */

static const char *json_kind(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
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

/* Sets TV_ERROR at `at` with a note that starts with the path. */
static tv reject(eval_result *out, const cursor *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static tv reject(eval_result *out, const cursor *at, const char *fmt, ...)
{
    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);

    result_set(out, TV_ERROR, at);
    result_note(out, "%s %s", out->path.len ? sb_str(&out->path) : "the policy",
                sb_str(&message));
    sb_free(&message);
    return TV_ERROR;
}

/* Grammar checks. Each returns TV_TRUE when the part is well formed (or not
 * known until apply) and TV_ERROR, with `out` filled, when it is not. */

static tv check_string_list(const cursor *element, eval_result *out)
{
    if (cursor_state(element) != VALUE_PRESENT || json_is_string(element->value))
        return TV_TRUE;
    if (!json_is_array(element->value))
        return reject(out, element, "is %s; it must be a string or a list of strings",
                      json_kind(element->value));

    for (size_t i = 0; i < json_array_size(element->value); i++) {
        cursor item;
        cursor_child_index(&item, element, i);
        value_state state = cursor_state(&item);
        if (state == VALUE_UNKNOWN || (state == VALUE_PRESENT && json_is_string(item.value)))
            continue;
        return reject(out, &item, "is %s; each item must be a string",
                      state == VALUE_MISSING ? "null" : json_kind(item.value));
    }
    return TV_TRUE;
}

/* Checks a pair of exclusive elements such as Action and NotAction. */
static tv check_pair(const cursor *statement, const char *name, const char *negated,
                     eval_result *out)
{
    cursor plain, negative;
    cursor_child_key(&plain, statement, name);
    cursor_child_key(&negative, statement, negated);
    if (cursor_state(&plain) != VALUE_MISSING && cursor_state(&negative) != VALUE_MISSING)
        return reject(out, statement, "has both %s and %s; a statement may use only one",
                      name, negated);
    if (check_string_list(&plain, out) == TV_ERROR)
        return TV_ERROR;
    return check_string_list(&negative, out);
}

static tv check_principal(const cursor *principal, eval_result *out)
{
    static const char *const types[] = {"AWS", "Service", "Federated", "CanonicalUser"};

    if (cursor_state(principal) != VALUE_PRESENT)
        return TV_TRUE;
    if (json_is_string(principal->value)) {
        if (strcmp(json_string_value(principal->value), "*") == 0)
            return TV_TRUE;
        return reject(out, principal,
                      "is the string \"%s\"; it must be \"*\" or an object such as "
                      "{\"AWS\": \"arn:aws:iam::123456789012:root\"}",
                      json_string_value(principal->value));
    }
    if (!json_is_object(principal->value))
        return reject(out, principal, "is %s; it must be \"*\" or an object",
                      json_kind(principal->value));

    const char *key;
    json_t *value;
    json_object_foreach((json_t *)principal->value, key, value) {
        size_t t = 0;
        while (t < sizeof(types) / sizeof(types[0]) && strcmp(types[t], key) != 0)
            t++;
        cursor entry;
        cursor_child_key(&entry, principal, key);
        if (t == sizeof(types) / sizeof(types[0]))
            return reject(out, &entry,
                          "is not a principal type; use AWS, Service, Federated or "
                          "CanonicalUser");
        if (check_string_list(&entry, out) == TV_ERROR)
            return TV_ERROR;
    }
    return TV_TRUE;
}

static int is_condition_value(const json_t *value)
{
    return json_is_string(value) || json_is_number(value) || json_is_boolean(value);
}

static tv check_condition(const cursor *condition, eval_result *out)
{
    if (cursor_state(condition) != VALUE_PRESENT)
        return TV_TRUE;
    if (!json_is_object(condition->value))
        return reject(out, condition, "is %s; it must be an object of condition operators",
                      json_kind(condition->value));

    const char *op;
    json_t *block;
    json_object_foreach((json_t *)condition->value, op, block) {
        cursor op_cursor;
        cursor_child_key(&op_cursor, condition, op);
        if (cursor_state(&op_cursor) != VALUE_PRESENT)
            continue;
        if (!json_is_object(block))
            return reject(out, &op_cursor, "is %s; it must be an object of condition keys",
                          json_kind(block));

        const char *key;
        json_t *values;
        json_object_foreach(block, key, values) {
            cursor key_cursor;
            cursor_child_key(&key_cursor, &op_cursor, key);
            if (cursor_state(&key_cursor) != VALUE_PRESENT || is_condition_value(values))
                continue;
            if (!json_is_array(values))
                return reject(out, &key_cursor,
                              "is %s; a condition value must be a string, number, boolean "
                              "or a list of them",
                              json_kind(values));
            for (size_t i = 0; i < json_array_size(values); i++) {
                cursor item;
                cursor_child_index(&item, &key_cursor, i);
                if (cursor_state(&item) == VALUE_UNKNOWN ||
                    (cursor_state(&item) == VALUE_PRESENT && is_condition_value(item.value)))
                    continue;
                return reject(out, &item,
                              "is %s; a condition value must be a string, number or boolean",
                              cursor_state(&item) == VALUE_MISSING ? "null"
                                                                   : json_kind(item.value));
            }
        }
    }
    return TV_TRUE;
}

/* The element names the policy grammar allows. IAM reads them
 * case-sensitively, so "statement" or "effect" makes the document invalid
 * rather than an alias. */
static const char *const document_elements[] = {"Version", "Id", "Statement", NULL};
static const char *const statement_elements[] = {
    "Sid",    "Effect",      "Principal", "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition",  NULL,
};

/* Checks that every member of the object at `at` is one of `names`. */
static tv check_element_names(const cursor *at, const char *const *names, const char *what,
                              const char *listed, eval_result *out)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)at->value, key, value) {
        size_t i = 0;
        while (names[i] && strcmp(names[i], key) != 0)
            i++;
        if (names[i])
            continue;

        cursor element;
        cursor_child_key(&element, at, key);
        for (i = 0; names[i]; i++)
            if (strcasecmp(names[i], key) == 0)
                return reject(out, &element,
                              "is not %s element; element names are case-sensitive, so "
                              "write \"%s\"",
                              what, names[i]);
        return reject(out, &element, "is not %s element; %s", what, listed);
    }
    return TV_TRUE;
}

static tv check_statement(const cursor *statement, eval_result *out)
{
    value_state state = cursor_state(statement);
    if (state == VALUE_UNKNOWN || (state == VALUE_MISSING && statement->mask))
        return TV_TRUE;
    if (state == VALUE_MISSING || !json_is_object(statement->value))
        return reject(out, statement, "is %s; each statement must be an object",
                      state == VALUE_MISSING ? "null" : json_kind(statement->value));
    if (check_element_names(statement, statement_elements, "a statement",
                            "a statement has Sid, Effect, Principal, NotPrincipal, Action, "
                            "NotAction, Resource, NotResource and Condition",
                            out) == TV_ERROR)
        return TV_ERROR;

    /* IAM accepts only these two spellings; "allow" is rejected. */
    cursor effect;
    cursor_child_key(&effect, statement, "Effect");
    switch (cursor_state(&effect)) {
    case VALUE_MISSING:
        return reject(out, statement, "has no Effect; it must be \"Allow\" or \"Deny\"");
    case VALUE_PRESENT:
        if (!json_is_string(effect.value))
            return reject(out, &effect, "is %s; it must be \"Allow\" or \"Deny\"",
                          json_kind(effect.value));
        if (strcmp(json_string_value(effect.value), "Allow") != 0 &&
            strcmp(json_string_value(effect.value), "Deny") != 0)
            return reject(out, &effect, "is \"%s\"; it must be \"Allow\" or \"Deny\"",
                          json_string_value(effect.value));
        break;
    case VALUE_UNKNOWN:
        break;
    }

    if (check_pair(statement, "Action", "NotAction", out) == TV_ERROR ||
        check_pair(statement, "Resource", "NotResource", out) == TV_ERROR)
        return TV_ERROR;

    cursor principal, not_principal, condition;
    cursor_child_key(&principal, statement, "Principal");
    cursor_child_key(&not_principal, statement, "NotPrincipal");
    if (cursor_state(&principal) != VALUE_MISSING && cursor_state(&not_principal) != VALUE_MISSING)
        return reject(out, statement,
                      "has both Principal and NotPrincipal; a statement may use only one");
    if (check_principal(&principal, out) == TV_ERROR ||
        check_principal(&not_principal, out) == TV_ERROR)
        return TV_ERROR;

    cursor_child_key(&condition, statement, "Condition");
    return check_condition(&condition, out);
}

/* Opening. */

static int is_blank(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (!isspace((unsigned char)s[i]))
            return 0;
    return 1;
}

/* IAM accepts tab, line feed, carriage return and the characters from
 * space up in policy text, so a NUL makes a policy invalid. jansson keeps a
 * NUL inside a string (and a "\u0000" escape) but C functions would stop at
 * it, so the policy is rejected before any of them reads it. */
static tv reject_nul(const cursor *at, eval_result *out)
{
    value_state state = cursor_state(at);
    if (state != VALUE_PRESENT && !(state == VALUE_UNKNOWN && at->value))
        return TV_TRUE;

    const json_t *value = at->value;
    if (json_is_string(value)) {
        if (memchr(json_string_value(value), '\0', json_string_length(value)))
            return reject(out, at, "contains a NUL character, which a policy may not contain");
    } else if (json_is_object(value)) {
        const char *key;
        size_t key_length;
        json_t *child;
        json_object_keylen_foreach((json_t *)value, key, key_length, child) {
            if (memchr(key, '\0', key_length))
                return reject(out, at,
                              "has a member name that contains a NUL character, which a "
                              "policy may not contain");
            cursor member;
            cursor_child_key(&member, at, key);
            if (reject_nul(&member, out) == TV_ERROR)
                return TV_ERROR;
        }
    } else if (json_is_array(value)) {
        for (size_t i = 0; i < json_array_size(value); i++) {
            cursor item;
            cursor_child_index(&item, at, i);
            if (reject_nul(&item, out) == TV_ERROR)
                return TV_ERROR;
        }
    }
    return TV_TRUE;
}

/* Points policy->document at the document of the attribute at `at`: the
 * attribute itself, or the document parsed from its string. Returns
 * TV_TRUE, or a verdict already written to `out`. */
static tv locate_document(iam_policy *policy, const cursor *at, eval_result *out)
{
    switch (cursor_state(at)) {
    case VALUE_MISSING:
        result_set(out, TV_FALSE, at);
        return TV_FALSE;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, at);
        result_note(out, "the policy could grant anything");
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }

    policy->document = *at;
    if (json_is_object(at->value))
        return reject_nul(at, out);
    if (!json_is_string(at->value))
        return reject(out, at, "is %s; a policy must be a JSON object or a string holding one",
                      json_kind(at->value));

    /* The whole string counts, NUL characters included. */
    const char *text = json_string_value(at->value);
    size_t length = json_string_length(at->value);
    if (memchr(text, '\0', length))
        return reject(out, at, "contains a NUL character, which a policy may not contain");
    if (is_blank(text, length)) {
        result_set(out, TV_FALSE, at);
        return TV_FALSE;
    }

    /* Duplicate member names are rejected because readers disagree about
     * which one counts. */
    json_error_t error;
    policy->parsed =
        json_loadb(text, length, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES,
                   &error);
    if (!policy->parsed)
        return reject(out, at, "is not valid JSON: %s (line %d, column %d of the policy)",
                      error.text, error.line, error.column);

    /* The parsed document takes the string's place and is known in full,
     * so its paths render below the attribute ("policy.Statement[0]"). */
    policy->document.value = json_is_null(policy->parsed) ? NULL : policy->parsed;
    policy->document.mask = NULL;
    if (!json_is_object(policy->parsed))
        return reject(out, at, "holds %s; a policy document must be a JSON object",
                      json_kind(policy->parsed));
    return reject_nul(&policy->document, out);
}

tv iam_policy_open(iam_policy *policy, const cursor *at, eval_result *out)
{
    policy->parsed = NULL;
    policy->count = 0;
    policy->single = 0;

    tv located = locate_document(policy, at, out);
    if (located != TV_TRUE)
        return located;
    if (check_element_names(&policy->document, document_elements, "a policy",
                            "a policy document has Version, Id and Statement",
                            out) == TV_ERROR)
        return TV_ERROR;

    cursor_child_key(&policy->statements, &policy->document, "Statement");
    switch (cursor_state(&policy->statements)) {
    case VALUE_MISSING:
        /* No statement grants anything, unless some of them are unknown
         * (a native document may list only the unknown parts). */
        if (!policy->statements.mask)
            return TV_TRUE;
        result_set(out, TV_UNKNOWN, &policy->statements);
        result_note(out, "its statements could grant anything");
        return TV_UNKNOWN;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, &policy->statements);
        result_note(out, "its statements could grant anything");
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }

    const json_t *statements = policy->statements.value;
    if (json_is_object(statements)) {
        policy->single = 1;
        policy->count = 1;
    } else if (json_is_array(statements)) {
        /* Unknown statements past the end of the list count too. */
        policy->count = json_array_size(statements);
        if (json_is_array(policy->statements.mask) &&
            json_array_size(policy->statements.mask) > policy->count)
            policy->count = json_array_size(policy->statements.mask);
    } else {
        return reject(out, &policy->statements,
                      "is %s; Statement must be an object or a list of objects",
                      json_kind(statements));
    }

    for (size_t i = 0; i < policy->count; i++) {
        cursor statement;
        iam_policy_statement(policy, i, &statement);
        if (check_statement(&statement, out) == TV_ERROR)
            return TV_ERROR;
    }
    return TV_TRUE;
}

void iam_policy_close(iam_policy *policy)
{
    json_decref(policy->parsed);
    policy->parsed = NULL;
}

void iam_policy_statement(const iam_policy *policy, size_t index, cursor *out)
{
    if (policy->single)
        *out = policy->statements;
    else
        cursor_child_index(out, &policy->statements, index);
}

void iam_policy_statement_name(const iam_policy *policy, size_t index, strbuf *sb)
{
    if (policy->single)
        sb_puts(sb, "the statement");
    else
        sb_printf(sb, "statement %zu", index);

    /* The Sid is what a reader searches the policy for. */
    cursor statement, sid;
    iam_policy_statement(policy, index, &statement);
    cursor_child_key(&sid, &statement, "Sid");
    if (cursor_state(&sid) == VALUE_PRESENT && json_is_string(sid.value) &&
        json_string_length(sid.value) > 0) {
        sb_puts(sb, ", Sid ");
        iam_append_quoted(sb, json_string_value(sid.value));
        sb_putc(sb, ',');
    }
}

iam_effect iam_statement_effect(const cursor *statement)
{
    cursor effect;
    cursor_child_key(&effect, statement, "Effect");
    if (cursor_state(&effect) != VALUE_PRESENT || !json_is_string(effect.value))
        return IAM_EFFECT_UNKNOWN;
    return strcmp(json_string_value(effect.value), "Allow") == 0 ? IAM_EFFECT_ALLOW
                                                                  : IAM_EFFECT_DENY;
}

/* Elements. */

size_t iam_element_count(const cursor *element)
{
    switch (cursor_state(element)) {
    case VALUE_MISSING:
        return 0;
    case VALUE_UNKNOWN:
        return 1;
    case VALUE_PRESENT:
        break;
    }
    return json_is_array(element->value) ? json_array_size(element->value) : 1;
}

iam_item iam_element_item(const cursor *element, size_t index, cursor *item)
{
    if (cursor_state(element) == VALUE_PRESENT && json_is_array(element->value))
        cursor_child_index(item, element, index);
    else
        *item = *element;

    switch (cursor_state(item)) {
    case VALUE_MISSING:
        return IAM_ITEM_MISSING;
    case VALUE_UNKNOWN:
        return cursor_is_concrete(item) ? IAM_ITEM_REFERENCE : IAM_ITEM_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }
    return json_is_string(item->value) ? IAM_ITEM_STRING : IAM_ITEM_SCALAR;
}
