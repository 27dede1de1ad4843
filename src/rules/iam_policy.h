/* IAM policy documents as the IAM operators read them. A policy is a JSON
 * object (CloudFormation) or a JSON string containing the document
 * (Terraform). Opening one checks it against the IAM policy grammar; the
 * readers below then return statements and element items, including the
 * parts that are not known until apply.
 *
 * Paths below a policy render under the attribute that holds it
 * ("policy.Statement[1].Action") whichever form the policy has. */
#ifndef SOC2_RULES_IAM_POLICY_H
#define SOC2_RULES_IAM_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "../eval/result.h"
#include "../model/cursor.h"
#include "../util/strbuf.h"
#include "iam_pattern.h"

typedef struct iam_policy {
    json_t *parsed;    /* the document parsed from a JSON string (owned), or NULL */
    cursor document;   /* the document, at the attribute's path */
    cursor statements; /* its Statement element */
    size_t count;      /* number of statements */
    int single;        /* Statement is one object rather than a list */
} iam_policy;

/* Opens the policy at `at` and checks its structure. Returns TV_TRUE when
 * `policy` contains a document to read. Otherwise fills `out` and returns
 * TV_FALSE when there is no policy (missing, or an empty string),
 * TV_UNKNOWN when the policy is not known until apply, or TV_ERROR with a
 * note naming the problem and its path. Call iam_policy_close() whatever it
 * returns. The cursors inside point at each other and at `at`, so `policy`
 * must not be copied or moved, and `at` must outlive it. */
tv iam_policy_open(iam_policy *policy, const cursor *at, eval_result *out);
void iam_policy_close(iam_policy *policy);

/* Points `out` at statement `index` (below policy->count). */
void iam_policy_statement(const iam_policy *policy, size_t index, cursor *out);

/* Appends how notes name statement `index`: "statement 2", or "the
 * statement" when Statement is a single object, followed by its Sid when
 * it has one: "statement 2, Sid \"PublicRead\",". */
void iam_policy_statement_name(const iam_policy *policy, size_t index, strbuf *sb);

typedef enum iam_effect {
    IAM_EFFECT_ALLOW,
    IAM_EFFECT_DENY,
    IAM_EFFECT_UNKNOWN /* not known until apply */
} iam_effect;

/* Returns the Effect of a statement of an opened (so checked) policy. */
iam_effect iam_statement_effect(const cursor *statement);

/* The kinds of one item of a policy element (an Action, a Resource, a
 * principal list, a condition value). */
typedef enum iam_item {
    IAM_ITEM_MISSING,   /* no value */
    IAM_ITEM_STRING,    /* a known string */
    IAM_ITEM_SCALAR,    /* a known number or boolean */
    IAM_ITEM_REFERENCE, /* not known until apply, but a reference to another
                           resource: a concrete identifier, never a wildcard */
    IAM_ITEM_UNKNOWN    /* not known until apply, and could be anything */
} iam_item;

/* Returns the number of items of an element written as one value or as a
 * list: 0 when it is missing, 1 for a single value (known or not), the
 * length of a list otherwise. */
size_t iam_element_count(const cursor *element);

/* Points `item` at item `index` of an element (the element itself when it
 * is a single value) and returns its kind. `element` must outlive `item`. */
iam_item iam_element_item(const cursor *element, size_t index, cursor *item);

#endif
