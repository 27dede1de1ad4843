/* The outcome of evaluating one condition: Kleene three-valued logic plus an
 * error value, with the resource and attribute path that decided it. */
#ifndef SOC2_EVAL_RESULT_H
#define SOC2_EVAL_RESULT_H

#include "../model/cursor.h"
#include "../util/strbuf.h"

typedef enum tv {
    TV_FALSE = 0,
    TV_TRUE = 1,
    TV_UNKNOWN = 2, /* depends on a value not known until apply */
    TV_ERROR = 3    /* cannot be evaluated; `note` says why */
} tv;

typedef struct eval_result {
    tv value;
    const soc2_resource *resource; /* holds the deciding value, or NULL */
    strbuf path;                   /* the deciding attribute path */
    strbuf note;                   /* why, for TV_ERROR; optional detail else */
    int reference; /* TV_UNKNOWN because which resource the value at `path`
                      refers to is not known, not the value itself */
} eval_result;

void result_init(eval_result *r);
void result_free(eval_result *r);
/* Sets the value and records the cursor's resource and path as deciding.
 * `at` may be NULL to record no path. Clears any earlier note. */
void result_set(eval_result *r, tv value, const cursor *at);
/* Sets the value and records a path below the cursor: `at`'s path followed
 * by `suffix` (such as ".Statement[2]" or "[0]"). */
void result_set_below(eval_result *r, tv value, const cursor *at, const char *suffix);
void result_note(eval_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves `src` into `dst` (freeing what dst held); src is left empty. */
void result_move(eval_result *dst, eval_result *src);

#endif
