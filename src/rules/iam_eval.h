/* Helpers the IAM operators (op_iam.c, op_iam_public.c) share: Kleene logic
 * with an error value, the way notes show policy elements, tests over an
 * element's items, and the loop over a policy's statements. */
#ifndef SOC2_RULES_IAM_EVAL_H
#define SOC2_RULES_IAM_EVAL_H

#include <stddef.h>

#include "iam_policy.h"

/* Kleene AND: false wins, then error, then unknown. */
static inline tv iam_tv_and(tv a, tv b)
{
    if (a == TV_FALSE || b == TV_FALSE)
        return TV_FALSE;
    if (a == TV_ERROR || b == TV_ERROR)
        return TV_ERROR;
    return a == TV_TRUE && b == TV_TRUE ? TV_TRUE : TV_UNKNOWN;
}

/* Kleene NOT: unknown and error stay as they are. */
static inline tv iam_tv_not(tv a)
{
    if (a == TV_TRUE)
        return TV_FALSE;
    return a == TV_FALSE ? TV_TRUE : a;
}

/* Appends `s` in double quotes, with `"` and `\` escaped. */
void iam_append_quoted(strbuf *sb, const char *s);

/* Appends an element as notes show it: "x", or ["x", "y"], with values not
 * known until apply shown as (unknown) and references as (a reference). */
void iam_append_element(strbuf *sb, const cursor *element);

/* Records the path of an unknown part in `where`, unless it has one. */
void iam_note_unknown(strbuf *where, const cursor *part);

typedef int (*iam_text_test)(const char *text, const void *context);

/* Returns TV_TRUE when an item of `element` is a string passing `test`
 * (its index stored in *hit when `hit` is not NULL), TV_UNKNOWN when none
 * passes but one is not known until apply (its path stored in `where`),
 * TV_FALSE otherwise. A reference is a concrete identifier and never
 * passes a wildcard test. */
tv iam_element_any(const cursor *element, iam_text_test test, const void *context,
                   size_t *hit, strbuf *where);

/* Returns whether `text` is "*" (or "**"): every resource or principal. */
int iam_is_star(const char *text, const void *context);

/* Decides whether the string items of a list, taken together, match every
 * name of some kind. It is one of the iam_patterns_cover_* functions bound
 * to its context. */
typedef iam_cover (*iam_cover_test)(const char *const *patterns, size_t count,
                                    const void *context);

/* How the items of an element relate to a set of names. */
typedef struct iam_coverage {
    /* TV_TRUE: the known items match every name; TV_UNKNOWN: they do not,
     * but an item not known until apply might complete them (its path is in
     * `where`); TV_FALSE: they do not; TV_ERROR: the patterns are too
     * intricate to decide, and `where` contains the element's path. */
    tv verdict;
    /* With TV_TRUE: an item that matches every name alone, or SIZE_MAX
     * when only the items together do. */
    size_t hit;
} iam_coverage;

/* Runs `test` on the string items of `element`. References are concrete
 * identifiers, never patterns, so they complete nothing. */
iam_coverage iam_element_covers(const cursor *element, iam_cover_test test, const void *context,
                                strbuf *where);

/* Returns TV_TRUE for Allow, TV_FALSE for Deny and TV_UNKNOWN when the
 * Effect is not known until apply (its path stored in `where`). */
tv iam_effect_allows(const cursor *statement, strbuf *where);

/* Sets TV_UNKNOWN on `out` at the rendered path `where` (the statement's
 * path when `where` is empty), with the note "<what> depends on it". The
 * finding's message states that the value at the path is not known. */
void iam_set_unknown(eval_result *out, const cursor *statement, const strbuf *where,
                     const char *what);

/* Sets TV_ERROR on `out` at the rendered path `where`, with a note saying
 * its wildcard patterns are too intricate to decide whether they match
 * every `what` ("action", "IAM action", "resource"). */
void iam_set_undecided(eval_result *out, const cursor *statement, const strbuf *where,
                       const char *what);

/* Tests one statement; fills `out` unless it returns TV_FALSE. */
typedef tv (*iam_statement_test)(const void *state, const iam_policy *policy, size_t index,
                                 const cursor *statement, eval_result *out);

/* Opens the policy at `at` and runs `test` on each statement: the first
 * TV_TRUE statement decides, otherwise the first TV_ERROR one, otherwise
 * the first TV_UNKNOWN one; with none of these the policy is TV_FALSE. */
void iam_eval_statements(const void *state, const cursor *at, eval_result *out,
                         iam_statement_test test);

/* Runs `test` on each statement of a policy that iam_policy_open() opened,
 * deciding as iam_eval_statements() does. For an operator that reads the
 * policy again after the statements, so that it is parsed once. */
void iam_eval_policy(const void *state, const iam_policy *policy, const cursor *at,
                     eval_result *out, iam_statement_test test);

#endif
