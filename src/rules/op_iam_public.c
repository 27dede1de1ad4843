/* The iam_public_principal operator: TV_TRUE when an Allow statement of a
 * resource policy names any principal and no condition pins who can call.
 * Statements combine as iam_eval.h describes.
 *
 * A loader may leave a value that is not known until apply out of its
 * object and mark it only in the unknown mask. CloudFormation does so for a
 * Ref to a parameter without a default, and the native format for a path
 * listed under "unknown". So the loops below visit the members and items
 * that the mask names as well as those the value has, and any unknown part
 * that could decide the outcome makes it TV_UNKNOWN. */
#include <string.h>
#include <strings.h>

#include "cidr.h"
#include "iam_eval.h"
#include "ops.h"

/* Kleene OR, the dual of iam_tv_and(): true wins, then error, then
 * unknown. */
static tv tv_or(tv a, tv b)
{
    if (a == TV_TRUE || b == TV_TRUE)
        return TV_TRUE;
    if (a == TV_ERROR || b == TV_ERROR)
        return TV_ERROR;
    return a == TV_UNKNOWN || b == TV_UNKNOWN ? TV_UNKNOWN : TV_FALSE;
}

/* Members and items, including those only the unknown mask names. */

typedef tv (*member_test)(const cursor *member, const char *name, const void *context,
                          strbuf *where);

/* Runs `test` on each member of the object at `object` and ORs the
 * results, stopping at the first TV_TRUE. The members are those of its
 * value, then those that only its unknown mask names. */
static tv any_member(const cursor *object, member_test test, const void *context, strbuf *where)
{
    tv verdict = TV_FALSE;
    const char *name;
    json_t *value;

    if (json_is_object(object->value)) {
        json_object_foreach((json_t *)object->value, name, value) {
            cursor member;
            cursor_child_key(&member, object, name);
            verdict = tv_or(verdict, test(&member, name, context, where));
            if (verdict == TV_TRUE)
                return verdict;
        }
    }

    if (json_is_object(object->mask)) {
        json_object_foreach((json_t *)object->mask, name, value) {
            if (json_is_object(object->value) && json_object_get(object->value, name))
                continue;
            cursor member;
            cursor_child_key(&member, object, name);
            verdict = tv_or(verdict, test(&member, name, context, where));
            if (verdict == TV_TRUE)
                return verdict;
        }
    }
    return verdict;
}

/* Returns whether the element is absent from its object but has unknown
 * parts below it, so that it is a container the mask describes. */
static int missing_with_unknown_parts(const cursor *element)
{
    return cursor_state(element) == VALUE_MISSING && cursor_has_unknown(element);
}

/* Returns the number of items of an element, as iam_element_count() does,
 * but also counting the items that only the unknown mask names: a list
 * shorter than the mask, or absent, has unknown items past its end. */
static size_t item_count(const cursor *element)
{
    size_t count = iam_element_count(element);
    if (json_is_array(element->mask) &&
        (json_is_array(element->value) || cursor_state(element) == VALUE_MISSING) &&
        json_array_size(element->mask) > count)
        count = json_array_size(element->mask);
    else if (missing_with_unknown_parts(element) && !json_is_array(element->mask))
        count = 1; /* an object with unknown members, taken as one unknown item */
    return count;
}

/* Points `item` at item `index` of an element, as iam_element_item() does,
 * and returns its kind. An item past the end of the list that the mask
 * does not mark unknown is IAM_ITEM_MISSING, and callers skip it. */
static iam_item item_at(const cursor *element, size_t index, cursor *item)
{
    if (!missing_with_unknown_parts(element))
        return iam_element_item(element, index, item);

    if (!json_is_array(element->mask)) {
        *item = *element;
        return IAM_ITEM_UNKNOWN;
    }
    cursor_child_index(item, element, index);
    if (cursor_state(item) != VALUE_UNKNOWN)
        return IAM_ITEM_MISSING;
    return cursor_is_concrete(item) ? IAM_ITEM_REFERENCE : IAM_ITEM_UNKNOWN;
}

/* Condition values. */

/* How a pinning key's values name the caller, which decides where a
 * wildcard may appear in a value that still pins. */
typedef enum key_format {
    KEY_ID,       /* an account, VPC, VPC endpoint or organization ID */
    KEY_ARN,      /* an ARN: arn:partition:service:region:account-id:resource */
    KEY_ORG_PATH, /* an AWS Organizations entity path, o-id/r-id/ou-id/... */
    KEY_USERID,   /* aws:userid: unique-id, or unique-id:session-name */
    KEY_SOURCE_IP /* aws:SourceIp: CIDR blocks */
} key_format;

/* Condition keys that, compared with a fixed value, limit who can make the
 * request. For a non-public bucket policy the S3 Block Public Access
 * documentation names aws:SourceIp, aws:SourceArn, aws:SourceVpc,
 * aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid and the KMS
 * key ID. The organization, principal and access point keys limit the
 * caller as well. */
static const struct pinning_key {
    const char *name;
    key_format format;
} pinning_keys[] = {
    {"aws:SourceVpce", KEY_ID},
    {"aws:SourceVpc", KEY_ID},
    {"aws:PrincipalOrgID", KEY_ID},
    {"aws:PrincipalOrgPaths", KEY_ORG_PATH},
    {"aws:SourceOrgID", KEY_ID},
    {"aws:SourceOrgPaths", KEY_ORG_PATH},
    {"aws:SourceAccount", KEY_ID},
    {"aws:SourceOwner", KEY_ID},
    {"aws:SourceArn", KEY_ARN},
    {"aws:PrincipalAccount", KEY_ID},
    {"aws:PrincipalArn", KEY_ARN},
    {"aws:userid", KEY_USERID},
    {"aws:SourceIp", KEY_SOURCE_IP},
    {"s3:DataAccessPointArn", KEY_ARN},
    {"s3:DataAccessPointAccount", KEY_ID},
    {"s3:x-amz-server-side-encryption-aws-kms-key-id", KEY_ARN},
};

static const struct pinning_key *find_pinning_key(const char *name)
{
    for (size_t i = 0; i < sizeof(pinning_keys) / sizeof(pinning_keys[0]); i++)
        if (strcasecmp(name, pinning_keys[i].name) == 0)
            return &pinning_keys[i];
    return NULL;
}

/* The operators that require the key to have one of the listed values,
 * with or without "ForAnyValue:". The ...IfExists forms and "ForAllValues:"
 * also pass when the key is absent, and the negated operators pass every
 * other value, so none of them pins anything. That includes NotIpAddress
 * whatever its ranges, because requests through a VPC endpoint carry no
 * aws:SourceIp and a negated operator is true when its key is absent. */
typedef enum operator_kind {
    OPERATOR_NONE,
    OPERATOR_STRING, /* StringEquals, StringEqualsIgnoreCase, StringLike */
    OPERATOR_ARN,    /* ArnEquals, ArnLike: the IAM User Guide says each
                        colon-separated field of the ARN is matched on its
                        own, so "*" never spans ":" */
    OPERATOR_IP      /* IpAddress */
} operator_kind;

static operator_kind classify_operator(const char *op)
{
    static const char prefix[] = "ForAnyValue:";
    if (strncasecmp(op, prefix, sizeof(prefix) - 1) == 0)
        op += sizeof(prefix) - 1;

    if (strcasecmp(op, "StringEquals") == 0 || strcasecmp(op, "StringEqualsIgnoreCase") == 0 ||
        strcasecmp(op, "StringLike") == 0)
        return OPERATOR_STRING;
    if (strcasecmp(op, "ArnEquals") == 0 || strcasecmp(op, "ArnLike") == 0)
        return OPERATOR_ARN;
    if (strcasecmp(op, "IpAddress") == 0)
        return OPERATOR_IP;
    return OPERATOR_NONE;
}

/* Returns the length of the start of `text` that matches only itself:
 * the characters before the first wildcard ("*", "?") or policy variable
 * ("${"). A variable takes the requester's own values, and it may hold
 * ":" or "/", so nothing from it on is fixed. Wildcards count under
 * StringEquals too, where IAM reads them literally, so such a policy may
 * be reported public although it is not. */
static size_t fixed_length(const char *text)
{
    size_t length = strcspn(text, "*?");
    const char *variable = strstr(text, "${");
    if (variable && (size_t)(variable - text) < length)
        length = (size_t)(variable - text);
    return length;
}

/* Returns whether the text before `limit` contains `separator` after at
 * least one other character: a fixed, non-empty first field. */
static int fixed_first_field(const char *text, size_t limit, char separator)
{
    const char *end = memchr(text, separator, limit);
    return end && end > text;
}

/* Returns whether an ARN pattern fixes the account: its account field,
 * the fifth of the colon-separated fields, is non-empty and can match only
 * itself. Under a string operator a wildcard before it could span colons,
 * so the fields before it must be fixed as well. Under an ARN operator each
 * field matches on its own, so only variables before it count. */
static int arn_fixes_account(const char *text, size_t fixed, operator_kind kind)
{
    size_t limit = fixed;
    if (kind == OPERATOR_ARN) {
        const char *variable = strstr(text, "${");
        limit = variable ? (size_t)(variable - text) : strlen(text);
    }

    const char *field = text; /* the start of the field after each colon */
    for (int i = 0; i < 4; i++) {
        const char *colon = memchr(field, ':', limit - (size_t)(field - text));
        if (!colon)
            return 0;
        field = colon + 1;
    }
    const char *end = memchr(field, ':', limit - (size_t)(field - text));
    if (!end || end == field)
        return 0;
    return kind != OPERATOR_ARN || strcspn(field, "*?") >= (size_t)(end - field);
}

/* Returns whether one string value of a pinning key limits the caller to
 * known identities. A value without wildcards or variables does, except
 * the aws:userid "anonymous": the IAM User Guide's table of principal key
 * values gives it to anonymous callers of S3, SQS and SNS. A value with
 * wildcards does when the part that names the account or organization is
 * fixed. That part is the account field of an ARN, the organization ID
 * that starts an organization path, or the unique ID before ":" in an
 * aws:userid ("AROAEXAMPLE:*" matches the sessions of one role). */
static int pattern_pins(const char *text, key_format format, operator_kind kind);

/* Policy variables that are not the caller's own values. The aws:Resource
 * keys take the values of the resource the policy is on, so a condition
 * such as aws:PrincipalOrgID = "${aws:ResourceOrgID}" limits callers to
 * the resource's own organization, as data perimeters do. The requested
 * region contains no ":" or "/", so it is a wildcard within one field. */
static const struct {
    const char *variable;
    const char *replacement;
} known_variables[] = {
    {"${aws:ResourceAccount}", "111122223333"},
    {"${aws:ResourceOrgID}", "o-resource"},
    {"${aws:ResourceOrgPaths}", "o-resource/r-root/"},
    {"${aws:RequestedRegion}", "*"},
};

/* Returns whether one string value of a pinning key limits the caller to
 * known identities (see pattern_pins()). The policy variables of
 * known_variables are replaced first: the resource's own values by a fixed
 * value of the same kind, and the requested region by "*". */
static int value_pins(const char *text, key_format format, operator_kind kind)
{
    if (!strstr(text, "${"))
        return pattern_pins(text, format, kind);

    strbuf rewritten = STRBUF_INIT;
    for (const char *p = text; *p;) {
        size_t i = 0;
        size_t count = sizeof(known_variables) / sizeof(known_variables[0]);
        for (; i < count; i++)
            if (strncasecmp(p, known_variables[i].variable,
                            strlen(known_variables[i].variable)) == 0)
                break;
        if (i < count) {
            sb_puts(&rewritten, known_variables[i].replacement);
            p += strlen(known_variables[i].variable);
        } else {
            sb_putc(&rewritten, *p++);
        }
    }
    /* Out of memory, the value counts as pinning nothing: the safe side. */
    int pins = !rewritten.failed && pattern_pins(sb_str(&rewritten), format, kind);
    sb_free(&rewritten);
    return pins;
}

static int pattern_pins(const char *text, key_format format, operator_kind kind)
{
    size_t length = strlen(text);
    size_t fixed = fixed_length(text);
    if (length == 0)
        return 0;

    switch (format) {
    case KEY_ID:
    case KEY_SOURCE_IP:
        return fixed == length;
    case KEY_ARN:
        return fixed == length || arn_fixes_account(text, fixed, kind);
    case KEY_ORG_PATH:
        return fixed == length || fixed_first_field(text, fixed, '/');
    case KEY_USERID:
        if (fixed == length)
            return strcasecmp(text, "anonymous") != 0;
        return fixed_first_field(text, fixed, ':');
    }
    return 0;
}

/* Parses an aws:SourceIp value into a block. Per the IAM User Guide on IP
 * address condition operators, an address without a prefix length gets
 * /32. It names no family, so an IPv6 address alone is read as /32
 * too, the wider of the two readings. Returns 0 for text that is no
 * address or block. */
static int parse_source_ip(const char *text, cidr_block *block)
{
    size_t length = strlen(text);
    cidr_error error = cidr_parse(text, length, block);
    if (error != CIDR_NO_PREFIX)
        return error == CIDR_OK;

    char with_prefix[64];
    if (length + sizeof("/32") > sizeof(with_prefix))
        return 0;
    memcpy(with_prefix, text, length);
    memcpy(with_prefix + length, "/32", sizeof("/32"));
    return cidr_parse(with_prefix, length + 3, block) == CIDR_OK;
}

/* Returns whether the aws:SourceIp values of an IpAddress condition pin
 * the caller: they do unless the blocks together cover every IPv4 or every
 * IPv6 address ("0.0.0.0/0", or "0.0.0.0/1" with "128.0.0.0/1"). Half of
 * the addresses of a family still pin, so "0.0.0.0/1" alone counts as a
 * limit. A value that is no address or block, a number or a boolean pins
 * nothing. A reference is one concrete address or block, which completes
 * no cover. Returns TV_ERROR when memory runs out.
 * NOTE: IPv4-mapped IPv6 blocks (::ffff:0:0/96) count as IPv6 only;
 * whether IAM matches IPv4 callers against them is not documented. */
static tv source_ip_pins(const cursor *values, strbuf *where)
{
    cidr_set blocks = CIDR_SET_INIT;
    size_t counted = 0;
    int unknown = 0;
    cursor first_unknown;
    tv verdict = TV_TRUE;

    size_t count = item_count(values);
    for (size_t i = 0; i < count && verdict == TV_TRUE; i++) {
        cursor item;
        cidr_block block;
        switch (item_at(values, i, &item)) {
        case IAM_ITEM_STRING:
            counted++;
            if (!parse_source_ip(json_string_value(item.value), &block))
                verdict = TV_FALSE;
            else if (cidr_set_add(&blocks, &block) < 0)
                verdict = TV_ERROR;
            break;
        case IAM_ITEM_SCALAR:
            verdict = TV_FALSE;
            break;
        case IAM_ITEM_REFERENCE:
            counted++;
            break;
        case IAM_ITEM_UNKNOWN:
            counted++;
            if (!unknown)
                first_unknown = item;
            unknown = 1;
            break;
        case IAM_ITEM_MISSING:
            break;
        }
    }

    if (verdict == TV_TRUE) {
        if (counted == 0 || cidr_set_covers(&blocks, CIDR_IPV4) ||
            cidr_set_covers(&blocks, CIDR_IPV6)) {
            verdict = TV_FALSE;
        } else if (unknown) {
            iam_note_unknown(where, &first_unknown);
            verdict = TV_UNKNOWN;
        }
    }
    cidr_set_free(&blocks);
    return verdict;
}

/* Returns whether every value of a pinning key pins the caller (see
 * value_pins()). Numbers pin, as account IDs written unquoted do.
 * References are concrete identifiers and pin. An empty list pins
 * nothing. */
static tv all_values_pin(const cursor *values, const struct pinning_key *key,
                         operator_kind kind, strbuf *where)
{
    if (key->format == KEY_SOURCE_IP)
        return source_ip_pins(values, where);

    size_t counted = 0;
    int unknown = 0;
    cursor first_unknown;
    size_t count = item_count(values);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (item_at(values, i, &item)) {
        case IAM_ITEM_STRING:
            if (!value_pins(json_string_value(item.value), key->format, kind))
                return TV_FALSE;
            counted++;
            break;
        case IAM_ITEM_SCALAR:
        case IAM_ITEM_REFERENCE:
            counted++;
            break;
        case IAM_ITEM_UNKNOWN:
            counted++;
            if (!unknown)
                first_unknown = item;
            unknown = 1;
            break;
        case IAM_ITEM_MISSING:
            break;
        }
    }

    if (counted == 0)
        return TV_FALSE;
    if (unknown) {
        iam_note_unknown(where, &first_unknown);
        return TV_UNKNOWN;
    }
    return TV_TRUE;
}

/* Conditions. */

/* Tests one condition key of a block (a member_test; `context` points at
 * the block's operator_kind). */
static tv key_pins(const cursor *values, const char *name, const void *context, strbuf *where)
{
    operator_kind kind = *(const operator_kind *)context;
    const struct pinning_key *key = find_pinning_key(name);
    if (!key || (kind == OPERATOR_IP) != (key->format == KEY_SOURCE_IP))
        return TV_FALSE;
    return all_values_pin(values, key, kind, where);
}

/* Tests one condition block, an operator and its keys (a member_test).
 * The keys of a block are ANDed, so one pinning key is enough. */
static tv block_pins(const cursor *block, const char *op, const void *context, strbuf *where)
{
    (void)context;
    operator_kind kind = classify_operator(op);
    if (kind == OPERATOR_NONE)
        return TV_FALSE;
    if (cursor_state(block) == VALUE_UNKNOWN) {
        iam_note_unknown(where, block);
        return TV_UNKNOWN;
    }
    return any_member(block, key_pins, &kind, where);
}

/* Returns whether the statement's Condition pins who can call. Condition
 * blocks are ANDed, so one pinning block is enough. */
static tv condition_pins(const cursor *statement, strbuf *where)
{
    cursor condition;
    cursor_child_key(&condition, statement, "Condition");
    if (cursor_state(&condition) == VALUE_UNKNOWN) {
        iam_note_unknown(where, &condition);
        return TV_UNKNOWN;
    }
    return any_member(&condition, block_pins, NULL, where);
}

/* Principals. */

/* Returns whether a Principal is everyone: "*", or "*" among its AWS
 * principals. Service, Federated and CanonicalUser principals name
 * specific callers. */
static tv principal_is_public(const cursor *principal, strbuf *where)
{
    switch (cursor_state(principal)) {
    case VALUE_MISSING:
        if (!cursor_has_unknown(principal))
            return TV_FALSE;
        break; /* an object whose members the mask names */
    case VALUE_UNKNOWN:
        if (cursor_is_concrete(principal))
            return TV_FALSE;
        iam_note_unknown(where, principal);
        return TV_UNKNOWN;
    case VALUE_PRESENT:
        if (json_is_string(principal->value))
            return TV_TRUE; /* the grammar check allows only "*" */
        break;
    }

    cursor aws;
    cursor_child_key(&aws, principal, "AWS");
    tv verdict = TV_FALSE;
    size_t count = item_count(&aws);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (item_at(&aws, i, &item)) {
        case IAM_ITEM_STRING:
            if (iam_is_star(json_string_value(item.value), NULL))
                return TV_TRUE;
            break;
        case IAM_ITEM_UNKNOWN:
            if (verdict == TV_FALSE)
                iam_note_unknown(where, &item);
            verdict = TV_UNKNOWN;
            break;
        default:
            break;
        }
    }
    return verdict;
}

/* Statements. */

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
    int negated = cursor_state(&not_principal) != VALUE_MISSING ||
                  cursor_has_unknown(&not_principal);
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
        cursor condition;
        cursor_child_key(&condition, statement, "Condition");
        sb_puts(&note, cursor_state(&condition) == VALUE_MISSING
                           ? " with no condition that limits the caller"
                           : " with a Condition that limits no caller");
        result_set(out, TV_TRUE, negated ? &not_principal : &principal);
        result_note(out, "%s", sb_str(&note));
        sb_free(&note);
    } else if (verdict == TV_UNKNOWN) {
        const strbuf *where = effect == TV_UNKNOWN     ? &where_effect
                              : everyone == TV_UNKNOWN ? &where_principal
                                                       : &where_condition;
        iam_set_unknown(out, statement, where, "whether the statement is open to everyone");
    } else if (verdict == TV_ERROR) {
        result_set(out, TV_ERROR, statement);
        result_note(out, "memory ran out while reading the aws:SourceIp blocks of %s",
                    sb_str(&out->path));
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
