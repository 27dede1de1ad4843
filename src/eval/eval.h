/* Evaluating compiled conditions against resources of an indexed snapshot. */
#ifndef SOC2_EVAL_EVAL_H
#define SOC2_EVAL_EVAL_H

#include "result.h"
#include "../model/cursor.h"
#include "../rules/condition.h"
#include "../util/strmap.h"

/* Lookups the evaluation of one report computes once and reuses. It belongs
 * to one evaluation, so it needs no lock. */
typedef struct eval_cache {
    /* "type\npath" -> ptrvec of the resources of that type whose attribute
     * at path is unknown with no reference to explain it */
    strmap unresolved;
} eval_cache;

typedef struct eval_ctx {
    const soc2_snapshot *snapshot;
    eval_cache *cache;
} eval_ctx;

void eval_cache_init(eval_cache *cache);
void eval_cache_free(eval_cache *cache);

/* Evaluates `c` at `at` (NULL at the top of an account-scope rule). */
void condition_eval(const condition *c, const eval_ctx *ctx, const cursor *at,
                    eval_result *out);

/* A resource a join yields, and whether it surely belongs to the join
 * (TV_TRUE) or might (TV_UNKNOWN: a reference that is not known until
 * apply). `resource` is NULL for "some resource we cannot name". */
typedef struct candidate {
    const soc2_resource *resource;
    tv membership;
} candidate;

typedef struct candidate_list {
    candidate *items;
    size_t count, cap;
} candidate_list;

/* Collects the resources a join source yields from `at`. Returns 0, or -1
 * when memory runs out. */
int join_candidates(const cond_source *source, const eval_ctx *ctx, const cursor *at,
                    candidate_list *out);
void candidate_list_free(candidate_list *list);

#endif
