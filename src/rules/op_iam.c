/* The IAM operators: iam_admin, iam_public_principal and
 * iam_wildcard_action. Each reads a policy document (see iam_policy.h) and
 * is TV_TRUE when one of its statements grants what the operator looks for.
 * Statements combine with Kleene OR: a statement that might match depending
 * on a value not known until apply makes the result TV_UNKNOWN, unless
 * another statement matches. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "iam_policy.h"
#include "ops.h"

/* Kleene logic over TV_FALSE, TV_TRUE and TV_UNKNOWN. */

static tv tv_and(tv a, tv b)
{
    if (a == TV_FALSE || b == TV_FALSE)
        return TV_FALSE;
    return a == TV_TRUE && b == TV_TRUE ? TV_TRUE : TV_UNKNOWN;
}

static tv tv_not(tv a)
{
    if (a == TV_UNKNOWN)
        return TV_UNKNOWN;
    return a == TV_TRUE ? TV_FALSE : TV_TRUE;
}

/* Notes. */

static void append_quoted(strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

/* Appends an element as notes show it: "x", or ["x", "y"], with values not
 * known until apply shown as (unknown). */
static void append_element(strbuf *sb, const cursor *element)
{
    size_t count = iam_element_count(element);
    int list = cursor_state(element) == VALUE_PRESENT && json_is_array(element->value);
    if (list)
        sb_putc(sb, '[');
    for (size_t i = 0; i < count; i++) {
        cursor item;
        iam_item kind = iam_element_item(element, i, &item);
        if (i)
            sb_puts(sb, ", ");
        if (kind == IAM_ITEM_STRING)
            append_quoted(sb, json_string_value(item.value));
        else if (kind == IAM_ITEM_REFERENCE)
            sb_puts(sb, "(a reference)");
        else
            sb_puts(sb, "(unknown)");
    }
    if (list)
        sb_putc(sb, ']');
}

/* Records the path of an unknown part in `where`, once. */
static void note_unknown(strbuf *where, const cursor *part)
{
    if (where->len == 0)
        cursor_render_path(part, where);
}

/* Element tests. */

typedef int (*text_test)(const char *text, const void *context);

/* Returns TV_TRUE when an item of `element` is a string passing `test`
 * (its index stored in *hit), TV_UNKNOWN when none passes but one is not
 * known until apply (its path stored in `where`), TV_FALSE otherwise. A
 * reference is a concrete identifier and never passes a wildcard test. */
static tv element_any(const cursor *element, text_test test, const void *context, size_t *hit,
                      strbuf *where)
{
    tv verdict = TV_FALSE;
    size_t count = iam_element_count(element);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (iam_element_item(element, i, &item)) {
        case IAM_ITEM_STRING:
            if (test(json_string_value(item.value), context)) {
                if (hit)
                    *hit = i;
                return TV_TRUE;
            }
            break;
        case IAM_ITEM_UNKNOWN:
            note_unknown(where, &item);
            verdict = TV_UNKNOWN;
            break;
        default:
            break;
        }
    }
    return verdict;
}

static int covers_all_actions(const char *text, const void *context)
{
    (void)context;
    return iam_pattern_covers_all_actions(text);
}

static int covers_service(const char *text, const void *service)
{
    return iam_pattern_covers_service(text, service);
}

/* "*" (or "**") means every resource or every principal. */
static int is_star(const char *text, const void *context)
{
    (void)context;
    size_t length = strlen(text);
    return length > 0 && strspn(text, "*") == length;
}

static tv effect_allows(const cursor *statement, strbuf *where)
{
    switch (iam_statement_effect(statement)) {
    case IAM_EFFECT_ALLOW:
        return TV_TRUE;
    case IAM_EFFECT_DENY:
        return TV_FALSE;
    case IAM_EFFECT_UNKNOWN:
        break;
    }
    cursor effect;
    cursor_child_key(&effect, statement, "Effect");
    note_unknown(where, cursor_state(statement) == VALUE_UNKNOWN ? statement : &effect);
    return TV_UNKNOWN;
}

/* Sets TV_UNKNOWN on `out` at the rendered path `where`. */
static tv set_unknown(eval_result *out, const cursor *statement, const strbuf *where,
                      const char *what)
{
    result_set(out, TV_UNKNOWN, statement);
    if (where->len) {
        sb_reset(&out->path);
        sb_puts(&out->path, sb_str(where));
    }
    result_note(out, "%s depends on %s, which is not known until apply", what,
                sb_str(&out->path));
    return TV_UNKNOWN;
}

/* Evaluates `test` on every statement of the policy at `at`: the first
 * statement that is TV_TRUE decides; otherwise the first TV_UNKNOWN one. */
typedef tv (*statement_test)(const void *state, const iam_policy *policy, size_t index,
                             const cursor *statement, eval_result *out);

static void eval_statements(const void *state, const cursor *at, eval_result *out,
                            statement_test test)
{
    iam_policy policy;
    if (iam_policy_open(&policy, at, out) != TV_TRUE) {
        iam_policy_close(&policy);
        return;
    }

    eval_result scratch;
    result_init(&scratch);
    int unknown = 0;
    for (size_t i = 0; i < policy.count; i++) {
        cursor statement;
        iam_policy_statement(&policy, i, &statement);
        tv verdict = test(state, &policy, i, &statement, &scratch);
        if (verdict == TV_TRUE) {
            result_move(out, &scratch);
            goto done;
        }
        if (verdict == TV_UNKNOWN && !unknown) {
            unknown = 1;
            result_move(out, &scratch);
        }
    }
    if (!unknown)
        result_set(out, TV_FALSE, at);

done:
    result_free(&scratch);
    iam_policy_close(&policy);
}

/* iam_admin */

/* Whoever may still call IAM can attach AdministratorAccess to itself or
 * write an inline policy granting "*", so an Allow with NotAction on every
 * resource is full administrative access unless the NotAction list removes
 * every IAM action ("iam:*", "i*", "*"). */
static tv admin_actions(const cursor *action, const cursor *not_action, size_t *hit,
                        strbuf *where)
{
    if (cursor_state(action) != VALUE_MISSING)
        return element_any(action, covers_all_actions, NULL, hit, where);
    if (cursor_state(not_action) != VALUE_MISSING)
        return tv_not(element_any(not_action, covers_service, "iam", NULL, where));
    return TV_FALSE;
}

/* Resource "*", or NotResource that leaves out less than everything. */
static tv every_resource(const cursor *resource, const cursor *not_resource, size_t *hit,
                         strbuf *where)
{
    if (cursor_state(resource) != VALUE_MISSING)
        return element_any(resource, is_star, NULL, hit, where);
    if (cursor_state(not_resource) != VALUE_MISSING)
        return tv_not(element_any(not_resource, is_star, NULL, NULL, where));
    return TV_FALSE;
}

static tv admin_statement(const void *state, const iam_policy *policy, size_t index,
                          const cursor *statement, eval_result *out)
{
    (void)state;
    strbuf where_effect = STRBUF_INIT, where_action = STRBUF_INIT,
           where_resource = STRBUF_INIT;
    cursor action, not_action, resource, not_resource;
    cursor_child_key(&action, statement, "Action");
    cursor_child_key(&not_action, statement, "NotAction");
    cursor_child_key(&resource, statement, "Resource");
    cursor_child_key(&not_resource, statement, "NotResource");

    size_t action_hit = 0, resource_hit = 0;
    tv effect = effect_allows(statement, &where_effect);
    tv actions = admin_actions(&action, &not_action, &action_hit, &where_action);
    tv resources = every_resource(&resource, &not_resource, &resource_hit, &where_resource);
    tv verdict = tv_and(effect, tv_and(actions, resources));

    if (verdict == TV_TRUE) {
        int plain_action = cursor_state(&action) != VALUE_MISSING;
        int plain_resource = cursor_state(&resource) != VALUE_MISSING;
        cursor item;
        strbuf note = STRBUF_INIT;
        iam_policy_statement_name(policy, index, &note);

        if (plain_action) {
            iam_element_item(&action, action_hit, &item);
            sb_puts(&note, " allows Action ");
            append_quoted(&note, json_string_value(item.value));
        } else {
            sb_puts(&note, " allows every action except NotAction ");
            append_element(&note, &not_action);
            sb_puts(&note, ", IAM included,");
        }
        if (plain_resource) {
            iam_element_item(&resource, resource_hit, &item);
            sb_puts(&note, " on Resource ");
            append_quoted(&note, json_string_value(item.value));
        } else {
            sb_puts(&note, " on every resource except NotResource ");
            append_element(&note, &not_resource);
        }

        result_set(out, TV_TRUE, plain_action ? &action : &not_action);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_UNKNOWN) {
        const strbuf *where = effect == TV_UNKNOWN    ? &where_effect
                              : actions == TV_UNKNOWN ? &where_action
                                                      : &where_resource;
        set_unknown(out, statement, where, "whether the statement grants full access");
    }

    sb_free(&where_effect);
    sb_free(&where_action);
    sb_free(&where_resource);
    return verdict;
}

static void admin_eval(const void *state, const cursor *at, eval_result *out)
{
    eval_statements(state, at, out, admin_statement);
}

/* iam_public_principal */

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
static tv all_values_fixed(const cursor *values, text_test fixed, strbuf *where)
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
            note_unknown(where, &item);
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
        note_unknown(where, block);
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
        note_unknown(where, &condition);
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
        note_unknown(where, principal);
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        break;
    }
    if (json_is_string(principal->value))
        return TV_TRUE; /* the grammar check allows only "*" */

    cursor aws;
    cursor_child_key(&aws, principal, "AWS");
    return element_any(&aws, is_star, NULL, NULL, where);
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
    tv effect = effect_allows(statement, &where_effect);
    tv everyone = negated ? TV_TRUE : principal_is_public(&principal, &where_principal);
    tv pinned = condition_pins(statement, &where_condition);
    tv verdict = tv_and(effect, tv_and(everyone, tv_not(pinned)));

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
            append_element(&note, &aws);
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
        set_unknown(out, statement, where, "whether the statement is open to everyone");
    }

    sb_free(&where_effect);
    sb_free(&where_principal);
    sb_free(&where_condition);
    return verdict;
}

static void public_eval(const void *state, const cursor *at, eval_result *out)
{
    eval_statements(state, at, out, public_statement);
}

/* iam_wildcard_action */

typedef struct wildcard_state {
    char **services; /* lower-case service prefixes */
    size_t count;
} wildcard_state;

static void wildcard_free(void *opaque)
{
    wildcard_state *state = opaque;
    if (!state)
        return;
    for (size_t i = 0; i < state->count; i++)
        free(state->services[i]);
    free(state->services);
    free(state);
}

static int is_service_prefix(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-')
            return 0;
    return 1;
}

static int wildcard_compile(void **out, const json_t *spec, strbuf *error)
{
    const json_t *services = json_object_get(spec, "services");
    if (!services) {
        sb_puts(error, "\"services\" is missing; give a list of service prefixes such as "
                       "[\"s3\"]");
        return -1;
    }
    if (!json_is_array(services) || json_array_size(services) == 0) {
        sb_puts(error, "\"services\" must be a non-empty list of service prefixes such as "
                       "[\"s3\"]");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(services); i++) {
        const json_t *service = json_array_get(services, i);
        if (!json_is_string(service) || !is_service_prefix(json_string_value(service))) {
            sb_printf(error,
                      "\"services\"[%zu] is not a service prefix; use letters, digits and "
                      "hyphens, such as \"s3\" or \"iam\"",
                      i);
            return -1;
        }
    }

    wildcard_state *state = calloc(1, sizeof(*state));
    if (!state || !(state->services = calloc(json_array_size(services), sizeof(char *)))) {
        free(state);
        sb_puts(error, "out of memory compiling \"services\"");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(services); i++) {
        char *copy = strdup(json_string_value(json_array_get(services, i)));
        if (!copy) {
            wildcard_free(state);
            sb_puts(error, "out of memory compiling \"services\"");
            return -1;
        }
        for (char *c = copy; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        state->services[state->count++] = copy;
    }
    *out = state;
    return 0;
}

static int covers_a_service(const char *text, const void *context)
{
    const wildcard_state *state = context;
    for (size_t i = 0; i < state->count; i++)
        if (iam_pattern_covers_service(text, state->services[i]))
            return 1;
    return 0;
}

/* Allow with NotAction grants every action of a service unless one of its
 * patterns removes the whole service. Returns the service granted. */
static tv not_action_grants(const wildcard_state *state, const cursor *not_action,
                            const char **service, strbuf *where)
{
    tv verdict = TV_FALSE;
    for (size_t i = 0; i < state->count; i++) {
        tv grants = tv_not(element_any(not_action, covers_service, state->services[i], NULL,
                                       where));
        if (grants == TV_TRUE) {
            *service = state->services[i];
            return TV_TRUE;
        }
        if (grants == TV_UNKNOWN)
            verdict = TV_UNKNOWN;
    }
    return verdict;
}

static tv wildcard_statement(const void *opaque, const iam_policy *policy, size_t index,
                             const cursor *statement, eval_result *out)
{
    const wildcard_state *state = opaque;
    strbuf where_effect = STRBUF_INIT, where_action = STRBUF_INIT;
    cursor action, not_action;
    cursor_child_key(&action, statement, "Action");
    cursor_child_key(&not_action, statement, "NotAction");

    size_t hit = 0;
    const char *service = NULL;
    int negated = cursor_state(&action) == VALUE_MISSING &&
                  cursor_state(&not_action) != VALUE_MISSING;
    tv effect = effect_allows(statement, &where_effect);
    tv actions = negated ? not_action_grants(state, &not_action, &service, &where_action)
                         : element_any(&action, covers_a_service, state, &hit, &where_action);
    tv verdict = tv_and(effect, actions);

    if (verdict == TV_TRUE) {
        strbuf note = STRBUF_INIT;
        iam_policy_statement_name(policy, index, &note);
        if (negated) {
            sb_puts(&note, " allows every action except NotAction ");
            append_element(&note, &not_action);
            sb_printf(&note, ", which leaves every %s action allowed", service);
        } else {
            cursor item;
            iam_element_item(&action, hit, &item);
            sb_puts(&note, " allows Action ");
            append_quoted(&note, json_string_value(item.value));
        }
        result_set(out, TV_TRUE, negated ? &not_action : &action);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_UNKNOWN) {
        set_unknown(out, statement, effect == TV_UNKNOWN ? &where_effect : &where_action,
                    "whether the statement allows every action of a service");
    }

    sb_free(&where_effect);
    sb_free(&where_action);
    return verdict;
}

static void wildcard_eval(const void *state, const cursor *at, eval_result *out)
{
    eval_statements(state, at, out, wildcard_statement);
}

/* The table entries. */

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
static const char *const wildcard_params[] = {"services", NULL};

const domain_op op_iam_admin = {
    "iam_admin", no_params, no_params_compile, no_state_free, admin_eval,
};

const domain_op op_iam_public_principal = {
    "iam_public_principal", no_params, no_params_compile, no_state_free, public_eval,
};

const domain_op op_iam_wildcard_action = {
    "iam_wildcard_action", wildcard_params, wildcard_compile, wildcard_free, wildcard_eval,
};
