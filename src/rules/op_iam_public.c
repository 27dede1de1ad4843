/* The iam_public_principal operator: TV_TRUE when an Allow statement of a
 * resource policy names any principal and no condition pins who can call.
 * Statements combine as iam_eval.h describes. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "iam_eval.h"
#include "ops.h"

/* Condition keys that, compared with a fixed value, limit who can make the
 * request. The S3 Block Public Access documentation names aws:SourceArn,
 * aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
 * aws:userid and the KMS key ID for a non-public bucket policy; the
 * organization, principal and access point keys limit the caller as well. */
static const char *const pinning_keys[] = {
    "aws:SourceVpce",          "aws:SourceVpc",         "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",   "aws:SourceOrgID",       "aws:SourceOrgPaths",
    "aws:SourceAccount",       "aws:SourceOwner",       "aws:SourceArn",
    "aws:PrincipalAccount",    "aws:PrincipalArn",      "aws:userid",
    "s3:DataAccessPointArn",   "s3:DataAccessPointAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
};

/* Operators that require the key to have one of the listed values. The
 * ...IfExists forms also pass when the key is absent, and the negated ones
 * pass for every other value, so neither pins anything. */
static const char *const pinning_operators[] = {
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike",
};

static int in_list(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static const char *without_any_value(const char *op)
{
    static const char prefix[] = "ForAnyValue:";
    return strncasecmp(op, prefix, sizeof(prefix) - 1) == 0 ? op + sizeof(prefix) - 1 : op;
}

/* Returns whether `text` is a CIDR block other than one of length 0 (or a
 * bare address). */
static int is_narrow_cidr(const char *text)
{
    char address[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t length = slash ? (size_t)(slash - text) : strlen(text);
    if (length == 0 || length >= sizeof(address))
        return 0;
    memcpy(address, text, length);
    address[length] = '\0';

    unsigned char bytes[16];
    int family = strchr(address, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, address, bytes) != 1)
        return 0;
    if (!slash)
        return 1;

    const char *digits = slash + 1;
    size_t count = strspn(digits, "0123456789");
    if (count == 0 || count > 3 || digits[count] != '\0')
        return 0;
    long prefix = strtol(digits, NULL, 10);
    return prefix > 0 && prefix <= (family == AF_INET6 ? 128 : 32);
}

static int is_fixed_value(const char *text, const void *context)
{
    (void)context;
    return text[0] != '\0' && !strpbrk(text, "*?");
}

static int is_narrow_cidr_value(const char *text, const void *context)
{
    (void)context;
    return is_narrow_cidr(text);
}

/* Returns whether every value of a condition key is fixed: known strings
 * passing `fixed`, numbers, booleans, or references (concrete identifiers).
 * A value such as "arn:aws:iam::*:root" matches many callers, so it pins
 * nothing. The same applies under StringEquals, where "*" is literal, so
 * such a policy may be reported public although it is not. */
static tv all_values_fixed(const cursor *values, iam_text_test fixed, strbuf *where)
{
    size_t count = iam_element_count(values);
    if (count == 0)
        return TV_FALSE;

    tv verdict = TV_TRUE;
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (iam_element_item(values, i, &item)) {
        case IAM_ITEM_STRING:
            if (!fixed(json_string_value(item.value), NULL))
                return TV_FALSE;
            break;
        case IAM_ITEM_SCALAR:
            if (fixed == is_narrow_cidr_value)
                return TV_FALSE;
            break;
        case IAM_ITEM_REFERENCE:
            break;
        case IAM_ITEM_UNKNOWN:
            iam_note_unknown(where, &item);
            verdict = TV_UNKNOWN;
            break;
        case IAM_ITEM_MISSING:
            return TV_FALSE;
        }
    }
    return verdict;
}

/* Returns whether one condition block (one operator) pins the caller. */
static tv block_pins(const cursor *block, const char *op, strbuf *where)
{
    const char *base = without_any_value(op);
    int string_op = in_list(base, pinning_operators,
                            sizeof(pinning_operators) / sizeof(pinning_operators[0]));
    int ip_op = strcasecmp(base, "IpAddress") == 0;
    if (!string_op && !ip_op)
        return TV_FALSE;
    if (cursor_state(block) == VALUE_UNKNOWN) {
        iam_note_unknown(where, block);
        return TV_UNKNOWN;
    }

    tv verdict = TV_FALSE;
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)block->value, key, value) {
        cursor values;
        cursor_child_key(&values, block, key);
        tv pins = TV_FALSE;
        if (ip_op && strcasecmp(key, "aws:SourceIp") == 0)
            pins = all_values_fixed(&values, is_narrow_cidr_value, where);
        else if (string_op && in_list(key, pinning_keys,
                                      sizeof(pinning_keys) / sizeof(pinning_keys[0])))
            pins = all_values_fixed(&values, is_fixed_value, where);

        if (pins == TV_TRUE)
            return TV_TRUE;
        if (pins == TV_UNKNOWN)
            verdict = TV_UNKNOWN;
    }
    return verdict;
}

/* Returns whether the statement's Condition pins who can call. Conditions
 * are ANDed, so one pinning condition is enough. */
static tv condition_pins(const cursor *statement, strbuf *where)
{
    cursor condition;
    cursor_child_key(&condition, statement, "Condition");
    switch (cursor_state(&condition)) {
    case VALUE_MISSING:
        return TV_FALSE;
    case VALUE_UNKNOWN:
        iam_note_unknown(where, &condition);
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }

    tv verdict = TV_FALSE;
    const char *op;
    json_t *value;
    json_object_foreach((json_t *)condition.value, op, value) {
        cursor block;
        cursor_child_key(&block, &condition, op);
        tv pins = block_pins(&block, op, where);
        if (pins == TV_TRUE)
            return TV_TRUE;
        if (pins == TV_UNKNOWN)
            verdict = TV_UNKNOWN;
    }
    return verdict;
}

/* Returns whether a Principal is everyone: "*", or "*" among its AWS
 * principals. Service, Federated and CanonicalUser principals name
 * specific callers. */
static tv principal_is_public(const cursor *principal, strbuf *where)
{
    switch (cursor_state(principal)) {
    case VALUE_MISSING:
        return TV_FALSE;
    case VALUE_UNKNOWN:
        if (cursor_is_concrete(principal))
            return TV_FALSE;
        iam_note_unknown(where, principal);
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }
    if (json_is_string(principal->value))
        return TV_TRUE; /* the grammar check allows only "*" */

    cursor aws;
    cursor_child_key(&aws, principal, "AWS");
    return iam_element_any(&aws, iam_is_star, NULL, NULL, where);
}

static tv public_statement(const void *state, const iam_policy *policy, size_t index,
                           const cursor *statement, eval_result *out)
{
    (void)state;
    strbuf where_effect = STRBUF_INIT, where_principal = STRBUF_INIT,
           where_condition = STRBUF_INIT;
    cursor principal, not_principal;
    cursor_child_key(&principal, statement, "Principal");
    cursor_child_key(&not_principal, statement, "NotPrincipal");

    /* Allow with NotPrincipal grants everyone but the principals listed. */
    int negated = cursor_state(&not_principal) != VALUE_MISSING;
    tv effect = iam_effect_allows(statement, &where_effect);
    tv everyone = negated ? TV_TRUE : principal_is_public(&principal, &where_principal);
    tv pinned = condition_pins(statement, &where_condition);
    tv verdict = iam_tv_and(effect, iam_tv_and(everyone, iam_tv_not(pinned)));

    if (verdict == TV_TRUE) {
        strbuf note = STRBUF_INIT;
        iam_policy_statement_name(policy, index, &note);
        if (negated) {
            sb_puts(&note, " allows everyone except NotPrincipal");
        } else if (json_is_string(principal.value)) {
            sb_puts(&note, " allows Principal \"*\"");
        } else {
            cursor aws;
            cursor_child_key(&aws, &principal, "AWS");
            sb_puts(&note, " allows Principal {\"AWS\": ");
            iam_append_element(&note, &aws);
            sb_putc(&note, '}');
        }
        sb_puts(&note, " with no condition that limits the caller");
        result_set(out, TV_TRUE, negated ? &not_principal : &principal);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_UNKNOWN) {
        const strbuf *where = effect == TV_UNKNOWN     ? &where_effect
                              : everyone == TV_UNKNOWN ? &where_principal
                                                       : &where_condition;
        iam_set_unknown(out, statement, where, "whether the statement is open to everyone");
    }

    sb_free(&where_effect);
    sb_free(&where_principal);
    sb_free(&where_condition);
    return verdict;
}

static void public_eval(const void *state, const cursor *at, eval_result *out)
{
    iam_eval_statements(state, at, out, public_statement);
}

static int no_params_compile(void **state, const json_t *spec, strbuf *error)
{
    (void)spec;
    (void)error;
    *state = NULL;
    return 0;
}

static void no_state_free(void *state)
{
    (void)state;
}

static const char *const no_params[] = {NULL};

const domain_op op_iam_public_principal = {
    "iam_public_principal", no_params, no_params_compile, no_state_free, public_eval,
};
