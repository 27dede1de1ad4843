/* Domain operators of the rule language: checks that need knowledge of the
 * field (IAM policy grammar, CIDR notation, port ranges, CloudWatch Logs
 * filter patterns) rather than plain comparison. docs/rule-language.md
 * documents each one with an example.
 *
 * A condition using one looks like {"attribute": "policy", "op": "iam_admin"}
 * plus the operator's own parameters. The compiler checks the parameters once
 * when the rule is added; evaluation then only reads the compiled state, so
 * it is safe from several threads at once. */
#ifndef SOC2_RULES_OPS_H
#define SOC2_RULES_OPS_H

#include <jansson.h>

#include "../eval/result.h"
#include "../model/cursor.h"
#include "../util/strbuf.h"

typedef struct domain_op {
    const char *name;
    /* Member names the operator accepts besides "attribute" and "op";
     * NULL-terminated. The compiler rejects any other member. */
    const char *const *params;
    /* Checks the operator's members of `spec` (the whole condition object)
     * and builds its state (NULL is fine when it needs none). On error
     * returns -1 with one sentence in `error` naming the member and what is
     * wrong with it. */
    int (*compile)(void **state, const json_t *spec, strbuf *error);
    void (*free_state)(void *state);
    /* Evaluates the operator on the value at `at` (the attribute the
     * condition names, or the current element when it names none) and fills
     * `out`: the value, the deciding path, and a note for TV_ERROR. */
    void (*eval)(const void *state, const cursor *at, eval_result *out);
} domain_op;

/* Returns the operator called `name`, or NULL. */
const domain_op *domain_op_find(const char *name);

/* Calls fn for every domain operator, in the order of the table (for the
 * documentation test and error messages listing valid operators). */
void domain_op_foreach(void (*fn)(const domain_op *op, void *ctx), void *ctx);

/* The operators, defined in op_iam.c, op_iam_public.c, op_net.c and
 * op_filter.c. */
extern const domain_op op_iam_admin;
extern const domain_op op_iam_public_principal;
extern const domain_op op_iam_wildcard_action;
extern const domain_op op_cidr_anywhere;
extern const domain_op op_port_open;
extern const domain_op op_open_to_anywhere;
extern const domain_op op_filter_pattern_matches;

#endif
