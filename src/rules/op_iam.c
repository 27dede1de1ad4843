/* The iam_admin and iam_wildcard_action operators. Each reads a policy
 * document (see iam_policy.h) and is TV_TRUE when one of its statements
 * grants what the operator looks for. Statements combine with Kleene OR: a
 * statement that might match depending on a value not known until apply
 * makes the result TV_UNKNOWN, unless another statement matches. Whether
 * wildcard patterns match every action or resource is decided exactly (see
 * iam_pattern.c), and a list of patterns counts as a whole: ["iam:Get*",
 * "iam:*"] matches every IAM action as "iam:*" does. For iam_admin the
 * Allow statements on every resource also count together. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iam_eval.h"
#include "ops.h"
#include "../util/array.h"

/* The coverage tests of iam_pattern.h with the signature
 * iam_element_covers() takes. */

static iam_cover cover_actions(const char *const *patterns, size_t count, const void *context)
{
    (void)context;
    return iam_patterns_cover_actions(patterns, count);
}

static iam_cover cover_service(const char *const *patterns, size_t count, const void *service)
{
    return iam_patterns_cover_service(patterns, count, service);
}

static iam_cover cover_resources(const char *const *patterns, size_t count, const void *context)
{
    (void)context;
    return iam_patterns_cover_resources(patterns, count);
}

/* Appends `<name> "x"` for the item that covers alone, or `<name> [...],
 * which together match every <what>` when only the items together do. */
static void append_coverage(strbuf *note, const char *name, const cursor *element,
                            const iam_coverage *coverage, const char *what)
{
    sb_printf(note, "%s ", name);
    if (coverage->hit != SIZE_MAX) {
        cursor item;
        iam_element_item(element, coverage->hit, &item);
        iam_append_quoted(note, json_string_value(item.value));
    } else {
        iam_append_element(note, element);
        sb_printf(note, ", which together match every %s", what);
    }
}

/* iam_admin */

typedef enum admin_kind {
    ADMIN_EVERY_ACTION, /* Action matches every action */
    ADMIN_EVERY_IAM,    /* Action matches every IAM action, but not every action */
    ADMIN_NOT_ACTION    /* NotAction leaves IAM actions allowed */
} admin_kind;

/* Whoever may call every IAM action, or still some of them, can attach
 * AdministratorAccess to itself or write an inline policy granting "*".
 * So an Allow on every resource is full administrative access when its
 * Action matches every IAM action (and so when it matches every action),
 * or when its NotAction leaves out less than every IAM action. */
static tv admin_actions(const cursor *action, const cursor *not_action, admin_kind *kind,
                        iam_coverage *coverage, strbuf *where)
{
    if (cursor_state(action) != VALUE_MISSING) {
        *coverage = iam_element_covers(action, cover_service, "iam", where);
        if (coverage->verdict != TV_TRUE)
            return coverage->verdict;

        strbuf ignored = STRBUF_INIT;
        iam_coverage every = iam_element_covers(action, cover_actions, NULL, &ignored);
        sb_free(&ignored);
        *kind = every.verdict == TV_TRUE ? ADMIN_EVERY_ACTION : ADMIN_EVERY_IAM;
        if (every.verdict == TV_TRUE)
            *coverage = every;
        return TV_TRUE;
    }
    if (cursor_state(not_action) != VALUE_MISSING) {
        *kind = ADMIN_NOT_ACTION;
        return iam_tv_not(iam_element_covers(not_action, cover_service, "iam", where).verdict);
    }
    return TV_FALSE;
}

/* Resource that matches every resource, or NotResource that leaves out
 * less than every resource. */
static tv every_resource(const cursor *resource, const cursor *not_resource,
                         iam_coverage *coverage, strbuf *where)
{
    if (cursor_state(resource) != VALUE_MISSING) {
        *coverage = iam_element_covers(resource, cover_resources, NULL, where);
        return coverage->verdict;
    }
    if (cursor_state(not_resource) != VALUE_MISSING)
        return iam_tv_not(iam_element_covers(not_resource, cover_resources, NULL, where).verdict);
    return TV_FALSE;
}

static void admin_note(strbuf *note, admin_kind kind, const cursor *action,
                       const cursor *not_action, const iam_coverage *actions,
                       const cursor *resource, const cursor *not_resource,
                       const iam_coverage *resources)
{
    if (kind == ADMIN_EVERY_IAM) {
        sb_puts(note, " allows every IAM action on every resource, which lets the holder "
                      "grant itself any permission");
        return;
    }

    if (kind == ADMIN_EVERY_ACTION) {
        sb_puts(note, " allows ");
        append_coverage(note, "Action", action, actions, "action");
    } else {
        sb_puts(note, " allows every action except NotAction ");
        iam_append_element(note, not_action);
        sb_puts(note, ", IAM included,");
    }
    if (cursor_state(resource) != VALUE_MISSING) {
        sb_puts(note, " on ");
        append_coverage(note, "Resource", resource, resources, "resource");
    } else {
        sb_puts(note, " on every resource except NotResource ");
        iam_append_element(note, not_resource);
    }
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

    admin_kind kind = ADMIN_EVERY_ACTION;
    iam_coverage action_coverage = {TV_FALSE, SIZE_MAX}, resource_coverage = {TV_FALSE, SIZE_MAX};
    tv effect = iam_effect_allows(statement, &where_effect);
    tv actions = admin_actions(&action, &not_action, &kind, &action_coverage, &where_action);
    tv resources = every_resource(&resource, &not_resource, &resource_coverage, &where_resource);
    tv verdict = iam_tv_and(effect, iam_tv_and(actions, resources));

    if (verdict == TV_TRUE) {
        strbuf note = STRBUF_INIT;
        iam_policy_statement_name(policy, index, &note);
        admin_note(&note, kind, &action, &not_action, &action_coverage, &resource, &not_resource,
                   &resource_coverage);
        result_set(out, TV_TRUE, kind == ADMIN_NOT_ACTION ? &not_action : &action);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_ERROR) {
        int in_actions = actions == TV_ERROR;
        iam_set_undecided(out, statement, in_actions ? &where_action : &where_resource,
                          in_actions ? "IAM action" : "resource");
    } else if (verdict == TV_UNKNOWN) {
        const strbuf *where = effect == TV_UNKNOWN    ? &where_effect
                              : actions == TV_UNKNOWN ? &where_action
                                                      : &where_resource;
        iam_set_unknown(out, statement, where, "whether the statement grants full access");
    }

    sb_free(&where_effect);
    sb_free(&where_action);
    sb_free(&where_resource);
    return verdict;
}

/* Returns whether the statement is an Allow with Action (not NotAction) on
 * every resource, whose actions then add to those of the other such
 * statements. */
static int allows_actions_everywhere(const cursor *statement, cursor *action)
{
    cursor not_action, resource, not_resource;
    cursor_child_key(action, statement, "Action");
    cursor_child_key(&not_action, statement, "NotAction");
    cursor_child_key(&resource, statement, "Resource");
    cursor_child_key(&not_resource, statement, "NotResource");
    if (cursor_state(action) == VALUE_MISSING || cursor_state(&not_action) != VALUE_MISSING)
        return 0;

    strbuf ignored = STRBUF_INIT;
    iam_coverage coverage = {TV_FALSE, SIZE_MAX};
    tv verdict = iam_tv_and(iam_effect_allows(statement, &ignored),
                            every_resource(&resource, &not_resource, &coverage, &ignored));
    sb_free(&ignored);
    return verdict == TV_TRUE;
}

/* Decides whether the Allow statements on every resource match every IAM
 * action together, as "iam:A*" to "iam:Z*" in 26 statements do: IAM grants
 * the union of the statements that allow. Sets `out` to TV_TRUE at the
 * first of them when they do. Only known strings count. */
static void admin_across_statements(const iam_policy *policy, eval_result *out)
{
    const char **patterns = NULL;
    size_t count = 0, cap = 0, statements = 0, first = 0;
    int failed = 0;
    for (size_t i = 0; i < policy->count && !failed; i++) {
        cursor statement, action;
        iam_policy_statement(policy, i, &statement);
        if (!allows_actions_everywhere(&statement, &action))
            continue;
        size_t added = 0;
        for (size_t k = 0; k < iam_element_count(&action) && !failed; k++) {
            cursor item;
            if (iam_element_item(&action, k, &item) != IAM_ITEM_STRING)
                continue;
            failed = ARRAY_PUSH(patterns, count, cap, json_string_value(item.value)) < 0;
            added++;
        }
        if (added && statements++ == 0)
            first = i;
    }

    /* One statement alone was decided by admin_statement(). */
    if (!failed && statements > 1 &&
        iam_patterns_cover_service(patterns, count, "iam") == IAM_COVER_YES) {
        /* A cursor points at its parent, so the first statement's Action
         * is found again here rather than kept from the loop. */
        cursor first_statement, first_action;
        iam_policy_statement(policy, first, &first_statement);
        cursor_child_key(&first_action, &first_statement, "Action");
        result_set(out, TV_TRUE, &first_action);
        if (iam_patterns_cover_actions(patterns, count) == IAM_COVER_YES)
            result_note(out, "the %zu Allow statements on every resource together allow every "
                             "action",
                        statements);
        else
            result_note(out, "the %zu Allow statements on every resource together allow "
                             "every IAM action, which lets the holder grant itself any "
                             "permission",
                        statements);
    }
    free(patterns);
}

/* Returns whether a Deny without a Condition takes every IAM action on
 * every resource away: an explicit Deny overrides every Allow, so the
 * holder cannot grant itself anything, whatever else the policy allows. */
static int denies_every_iam_action(const iam_policy *policy)
{
    for (size_t i = 0; i < policy->count; i++) {
        cursor statement, action, condition, resource, not_resource;
        iam_policy_statement(policy, i, &statement);
        cursor_child_key(&action, &statement, "Action");
        cursor_child_key(&condition, &statement, "Condition");
        cursor_child_key(&resource, &statement, "Resource");
        cursor_child_key(&not_resource, &statement, "NotResource");
        if (cursor_state(&statement) != VALUE_PRESENT ||
            iam_statement_effect(&statement) != IAM_EFFECT_DENY ||
            cursor_state(&condition) != VALUE_MISSING || cursor_state(&action) != VALUE_PRESENT)
            continue;

        strbuf ignored = STRBUF_INIT;
        iam_coverage coverage = {TV_FALSE, SIZE_MAX};
        int denied =
            iam_element_covers(&action, cover_service, "iam", &ignored).verdict == TV_TRUE &&
            every_resource(&resource, &not_resource, &coverage, &ignored) == TV_TRUE;
        sb_free(&ignored);
        if (denied)
            return 1;
    }
    return 0;
}

/* Opens the policy once for the three readings: statement by statement,
 * the Allow statements together, and a Deny that overrides them. */
static void admin_eval(const void *state, const cursor *at, eval_result *out)
{
    iam_policy policy;
    if (iam_policy_open(&policy, at, out) == TV_TRUE) {
        iam_eval_policy(state, &policy, at, out, admin_statement);
        if (out->value != TV_TRUE)
            admin_across_statements(&policy, out);
        if (out->value == TV_TRUE && denies_every_iam_action(&policy))
            result_set(out, TV_FALSE, at);
    }
    iam_policy_close(&policy);
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

/* Returns TV_TRUE, with the service and the coverage, for the first service
 * whose every action the element matches. Otherwise returns TV_ERROR when a
 * service cannot be decided, TV_UNKNOWN when one might be matched, or
 * TV_FALSE. */
static tv action_grants(const wildcard_state *state, const cursor *action, const char **service,
                        iam_coverage *coverage, strbuf *where)
{
    tv verdict = TV_FALSE;
    for (size_t i = 0; i < state->count; i++) {
        iam_coverage found = iam_element_covers(action, cover_service, state->services[i], where);
        if (found.verdict == TV_TRUE) {
            *service = state->services[i];
            *coverage = found;
            return TV_TRUE;
        }
        if (found.verdict == TV_ERROR || (found.verdict == TV_UNKNOWN && verdict == TV_FALSE))
            verdict = found.verdict;
    }
    return verdict;
}

/* Allow with NotAction grants every action of a service unless its
 * patterns together leave out the whole service. Returns the service
 * granted. */
static tv not_action_grants(const wildcard_state *state, const cursor *not_action,
                            const char **service, strbuf *where)
{
    tv verdict = TV_FALSE;
    for (size_t i = 0; i < state->count; i++) {
        tv grants = iam_tv_not(
            iam_element_covers(not_action, cover_service, state->services[i], where).verdict);
        if (grants == TV_TRUE) {
            *service = state->services[i];
            return TV_TRUE;
        }
        if (grants == TV_ERROR || (grants == TV_UNKNOWN && verdict == TV_FALSE))
            verdict = grants;
    }
    return verdict;
}

/* Returns whether the items of a NotAction element might leave out some
 * action of `service`: a string item that matches one, or a reference. */
static int not_action_touches(const cursor *not_action, const char *service)
{
    size_t count = iam_element_count(not_action);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (iam_element_item(not_action, i, &item)) {
        case IAM_ITEM_STRING: {
            const char *pattern = json_string_value(item.value);
            if (iam_patterns_touch_service(&pattern, 1, service))
                return 1;
            break;
        }
        case IAM_ITEM_REFERENCE:
        case IAM_ITEM_UNKNOWN:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static tv wildcard_statement(const void *opaque, const iam_policy *policy, size_t index,
                             const cursor *statement, eval_result *out)
{
    const wildcard_state *state = opaque;
    strbuf where_effect = STRBUF_INIT, where_action = STRBUF_INIT;
    cursor action, not_action;
    cursor_child_key(&action, statement, "Action");
    cursor_child_key(&not_action, statement, "NotAction");

    iam_coverage coverage = {TV_FALSE, SIZE_MAX};
    const char *service = NULL;
    int negated = cursor_state(&action) == VALUE_MISSING &&
                  cursor_state(&not_action) != VALUE_MISSING;
    tv effect = iam_effect_allows(statement, &where_effect);
    tv actions = negated ? not_action_grants(state, &not_action, &service, &where_action)
                         : action_grants(state, &action, &service, &coverage, &where_action);
    tv verdict = iam_tv_and(effect, actions);

    if (verdict == TV_TRUE) {
        strbuf note = STRBUF_INIT;
        iam_policy_statement_name(policy, index, &note);
        if (!negated) {
            char what[128];
            snprintf(what, sizeof(what), "%s action", service);
            sb_puts(&note, " allows ");
            append_coverage(&note, "Action", &action, &coverage, what);
        } else if (not_action_touches(&not_action, service)) {
            sb_puts(&note, " allows every action except those NotAction lists (");
            iam_append_element(&note, &not_action);
            sb_printf(&note, "), which leaves the other %s actions allowed", service);
        } else {
            sb_puts(&note, " allows every action except NotAction ");
            iam_append_element(&note, &not_action);
            sb_printf(&note, ", which leaves every %s action allowed", service);
        }
        result_set(out, TV_TRUE, negated ? &not_action : &action);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_ERROR) {
        iam_set_undecided(out, statement, &where_action, "action of a service");
    } else if (verdict == TV_UNKNOWN) {
        iam_set_unknown(out, statement, effect == TV_UNKNOWN ? &where_effect : &where_action,
                        "whether the statement allows every action of a service");
    }

    sb_free(&where_effect);
    sb_free(&where_action);
    return verdict;
}

static void wildcard_eval(const void *state, const cursor *at, eval_result *out)
{
    iam_eval_statements(state, at, out, wildcard_statement);
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

const domain_op op_iam_wildcard_action = {
    "iam_wildcard_action", wildcard_params, wildcard_compile, wildcard_free, wildcard_eval,
};
