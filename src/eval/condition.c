/* Evaluation of compiled conditions with Kleene three-valued logic.
 *
 * Every node reports the resource and attribute path that decided it, so a
 * finding can show its evidence. Combinators keep the deciding child's
 * result: the first false child of all_of, the first true child of any_of.
 * Errors rank below a deciding value but above unknown: all_of is false if
 * any child is false, else error if any child errs, else unknown if any child
 * is unknown, else true. */
#include <fnmatch.h>
#include <string.h>

#include "eval.h"
#include "symbol.h"

static void eval_list(const condition *c, const eval_ctx *ctx, const cursor *at,
                      eval_result *out, tv decisive)
{
    /* `decisive` is TV_FALSE for all_of and TV_TRUE for any_of. */
    tv other = decisive == TV_FALSE ? TV_TRUE : TV_FALSE;
    eval_result pending; /* the best non-deciding result so far */
    result_init(&pending);
    pending.value = other;
    int have_pending = 0;

    for (size_t i = 0; i < c->u.list.count; i++) {
        eval_result r;
        result_init(&r);
        condition_eval(c->u.list.items[i], ctx, at, &r);
        if (r.value == decisive) {
            result_move(out, &r);
            result_free(&pending);
            return;
        }
        /* Keep the first error, else the first unknown, else the first
         * other result (for its path). */
        int better = !have_pending || (r.value == TV_ERROR && pending.value != TV_ERROR) ||
                     (r.value == TV_UNKNOWN && pending.value == other);
        if (better) {
            result_move(&pending, &r);
            have_pending = 1;
        }
        result_free(&r);
    }
    result_move(out, &pending);
}

static void eval_not(const condition *c, const eval_ctx *ctx, const cursor *at,
                     eval_result *out)
{
    condition_eval(c->u.child, ctx, at, out);
    if (out->value == TV_TRUE)
        out->value = TV_FALSE;
    else if (out->value == TV_FALSE)
        out->value = TV_TRUE;
}

/* Comparisons. */

static int as_number(const json_t *v, double *out)
{
    return json_as_number(v, out);
}

static int string_of(const json_t *v, const char **out)
{
    if (!json_is_string(v))
        return 0;
    *out = json_string_value(v);
    return 1;
}

static int is_empty(const json_t *v)
{
    if (!v)
        return 1;
    if (json_is_string(v))
        return json_string_length(v) == 0;
    if (json_is_array(v))
        return json_array_size(v) == 0;
    if (json_is_object(v))
        return json_object_size(v) == 0;
    return 0;
}

static int contains_value(const json_t *list, const json_t *value, int ignore_case)
{
    size_t i;
    json_t *item;
    json_array_foreach((json_t *)list, i, item)
        if (json_lenient_equal(item, value, ignore_case))
            return 1;
    return 0;
}

static tv compare_present(const condition *c, const cursor *v)
{
    const json_t *value = v->value;
    const json_t *expected = c->u.compare.value;
    int ic = c->u.compare.ignore_case;
    double a, b;
    const char *s, *t;

    switch (c->u.compare.op) {
    case CMP_EQ:
        return json_lenient_equal(value, expected, ic) ? TV_TRUE : TV_FALSE;
    case CMP_NE:
        return json_lenient_equal(value, expected, ic) ? TV_FALSE : TV_TRUE;
    case CMP_IN:
        return contains_value(expected, value, ic) ? TV_TRUE : TV_FALSE;
    case CMP_NOT_IN:
        return contains_value(expected, value, ic) ? TV_FALSE : TV_TRUE;
    case CMP_LT:
    case CMP_LE:
    case CMP_GT:
    case CMP_GE:
        if (!as_number(value, &a) || !as_number(expected, &b))
            return TV_FALSE;
        switch (c->u.compare.op) {
        case CMP_LT: return a < b ? TV_TRUE : TV_FALSE;
        case CMP_LE: return a <= b ? TV_TRUE : TV_FALSE;
        case CMP_GT: return a > b ? TV_TRUE : TV_FALSE;
        default: return a >= b ? TV_TRUE : TV_FALSE;
        }
    case CMP_EXISTS:
        return TV_TRUE;
    case CMP_ABSENT:
        return TV_FALSE;
    case CMP_EMPTY:
        return is_empty(value) ? TV_TRUE : TV_FALSE;
    case CMP_NOT_EMPTY:
        return is_empty(value) ? TV_FALSE : TV_TRUE;
    case CMP_STARTS_WITH:
    case CMP_ENDS_WITH:
        if (!string_of(value, &s) || !string_of(expected, &t))
            return TV_FALSE;
        {
            size_t ls = strlen(s), lt = strlen(t);
            if (lt > ls)
                return TV_FALSE;
            const char *at = c->u.compare.op == CMP_STARTS_WITH ? s : s + ls - lt;
            int eq = ic ? strncasecmp(at, t, lt) == 0 : strncmp(at, t, lt) == 0;
            return eq ? TV_TRUE : TV_FALSE;
        }
    case CMP_CONTAINS:
        if (json_is_array(value))
            return contains_value(value, expected, ic) ? TV_TRUE : TV_FALSE;
        if (string_of(value, &s) && string_of(expected, &t))
            return (ic ? strcasestr(s, t) : strstr(s, t)) ? TV_TRUE : TV_FALSE;
        return TV_FALSE;
    case CMP_MATCHES:
        if (!string_of(value, &s) || !string_of(expected, &t))
            return TV_FALSE;
        return fnmatch(t, s, ic ? FNM_CASEFOLD : 0) == 0 ? TV_TRUE : TV_FALSE;
    }
    return TV_FALSE;
}

static tv compare_missing(cmp_op op)
{
    switch (op) {
    case CMP_NE:
    case CMP_NOT_IN:
    case CMP_ABSENT:
    case CMP_EMPTY:
        return TV_TRUE;
    default:
        return TV_FALSE;
    }
}

static void eval_pseudo(const condition *c, const cursor *at, eval_result *out)
{
    const char *text = c->u.compare.pseudo == PSEUDO_TYPE ? at->resource->type
                                                          : at->resource->address;
    json_t *value = json_string(text);
    cursor v;
    cursor_detached(&v, at, NULL, value);
    v.parent = NULL; /* a pseudo attribute has no path below the resource */
    tv result = value ? compare_present(c, &v) : TV_ERROR;
    json_decref(value);
    result_set(out, result, NULL);
    out->resource = at->resource;
    sb_puts(&out->path, c->u.compare.path.text);
}

/* Makes `out` an error when the path to `v` went through a value of the
 * wrong kind (an `ingress` that is a string): the input is malformed, and
 * reading the attribute as absent would pass it silently. */
static int report_type_error(const cursor *v, eval_result *out)
{
    strbuf note = STRBUF_INIT;
    const cursor *wrong = cursor_type_error(v, &note);
    if (wrong) {
        result_set(out, TV_ERROR, wrong);
        result_note(out, "%s", sb_str(&note));
    }
    sb_free(&note);
    return wrong != NULL;
}

/* Compares each value a symbol can take. */
typedef struct symbol_comparison {
    const condition *condition;
    const cursor *at;
    int any_true, any_false, failed;
} symbol_comparison;

static int compare_expansion(const char *value, void *ctx)
{
    symbol_comparison *sc = ctx;
    json_t *text = json_string(value);
    if (!text) {
        sc->failed = 1;
        return 1;
    }
    cursor v;
    cursor_detached(&v, sc->at, NULL, text);
    if (compare_present(sc->condition, &v) == TV_TRUE)
        sc->any_true = 1;
    else
        sc->any_false = 1;
    json_decref(text);
    return sc->any_true && sc->any_false;
}

/* Decides a comparison on a CloudFormation symbol, a value not known until
 * the stack is created but whose shape the template fixes. A symbol is never
 * empty. Otherwise the comparison holds when it holds for every value the
 * symbol can take, and fails when it fails for every one; when the values
 * cannot be listed, or some pass and some fail, it stays unknown. */
static tv compare_symbol(const condition *c, const cursor *v)
{
    switch (c->u.compare.op) {
    case CMP_EXISTS:
    case CMP_NOT_EMPTY:
        return TV_TRUE;
    case CMP_ABSENT:
    case CMP_EMPTY:
        return TV_FALSE;
    default:
        break;
    }
    symbol_comparison sc = {c, v, 0, 0, 0};
    if (symbol_expand(json_string_value(v->value), compare_expansion, &sc) < 0 || sc.failed)
        return TV_UNKNOWN;
    if (sc.any_true && sc.any_false)
        return TV_UNKNOWN;
    return sc.any_true ? TV_TRUE : TV_FALSE;
}

static void eval_compare(const condition *c, const cursor *at, eval_result *out)
{
    if (c->u.compare.pseudo != PSEUDO_NONE) {
        eval_pseudo(c, at, out);
        return;
    }

    cursor chain[PATH_MAX_STEPS + 1];
    const cursor *v = cursor_follow(chain, at, &c->u.compare.path);
    if (report_type_error(v, out))
        return;
    switch (cursor_state(v)) {
    case VALUE_UNKNOWN:
        result_set(out, json_is_string(v->value) ? compare_symbol(c, v) : TV_UNKNOWN, v);
        return;
    case VALUE_MISSING:
        result_set(out, compare_missing(c->u.compare.op), v);
        return;
    case VALUE_PRESENT:
        break;
    }

    tv result = compare_present(c, v);
    /* A value with unknown parts (a list with an element not known until
     * apply) decides only when the known parts already do: a list that
     * contains the value stays true whatever the unknown element is. */
    if (cursor_has_unknown(v)) {
        int decided = c->u.compare.op == CMP_EXISTS || c->u.compare.op == CMP_ABSENT ||
                      (c->u.compare.op == CMP_CONTAINS && result == TV_TRUE) ||
                      (c->u.compare.op == CMP_NOT_EMPTY && result == TV_TRUE) ||
                      (c->u.compare.op == CMP_EMPTY && result == TV_FALSE);
        if (!decided)
            result = TV_UNKNOWN;
    }
    result_set(out, result, v);
}

static void eval_domain(const condition *c, const cursor *at, eval_result *out)
{
    cursor chain[PATH_MAX_STEPS + 1];
    const cursor *v = cursor_follow(chain, at, &c->u.domain.path);
    if (report_type_error(v, out))
        return;
    result_set(out, TV_FALSE, v);
    c->u.domain.op->eval(c->u.domain.state, v, out);
}

/* Quantifiers. The elements are list items or join candidates; each gets a
 * truth value (its `where`, and for candidates its membership), and the
 * quantifier folds them. */

typedef struct tally {
    size_t true_count, unknown_count, error_count, element_count;
    eval_result first_true, first_false, first_unknown, first_error;
    int have_true, have_false, have_unknown, have_error;
} tally;

static void tally_init(tally *t)
{
    memset(t, 0, sizeof(*t));
    result_init(&t->first_true);
    result_init(&t->first_false);
    result_init(&t->first_unknown);
    result_init(&t->first_error);
}

static void tally_free(tally *t)
{
    result_free(&t->first_true);
    result_free(&t->first_false);
    result_free(&t->first_unknown);
    result_free(&t->first_error);
}

static void tally_add(tally *t, eval_result *r)
{
    t->element_count++;
    switch (r->value) {
    case TV_TRUE:
        t->true_count++;
        if (!t->have_true++)
            result_move(&t->first_true, r);
        break;
    case TV_FALSE:
        if (!t->have_false++)
            result_move(&t->first_false, r);
        break;
    case TV_UNKNOWN:
        t->unknown_count++;
        if (!t->have_unknown++)
            result_move(&t->first_unknown, r);
        break;
    case TV_ERROR:
        t->error_count++;
        if (!t->have_error++)
            result_move(&t->first_error, r);
        break;
    }
}

static void eval_element(const condition *c, const eval_ctx *ctx, const cursor *element,
                         eval_result *out)
{
    if (c->u.quant.where) {
        condition_eval(c->u.quant.where, ctx, element, out);
    } else {
        result_set(out, TV_TRUE, element);
    }
}

/* Points an unknown membership at the reference that is not known: the
 * candidate's attribute that might refer to this resource (`referrers`,
 * `match`), or this resource's attribute that might refer to the candidate
 * (`follow`). */
static void blame_membership(const condition *c, const cursor *at, const candidate *cand,
                             eval_result *out)
{
    const cond_source *s = &c->u.quant.source;
    cursor chain[PATH_MAX_STEPS + 1];
    if (s->kind == SOURCE_FOLLOW && at) {
        result_set(out, TV_UNKNOWN, cursor_follow(chain, at, &s->path));
        out->reference = 1;
        return;
    }
    const attr_path *remote = s->kind == SOURCE_MATCH ? &s->pairs[0].remote : &s->path;
    cursor root;
    cursor_root(&root, cand->resource);
    result_set(out, TV_UNKNOWN, cursor_follow(chain, &root, remote));
    out->reference = 1;
    result_note(out, "it may or may not be %s", at ? at->resource->address : "this resource");
}

static void eval_candidate(const condition *c, const eval_ctx *ctx, const cursor *at,
                           const candidate *cand, eval_result *out)
{
    if (!cand->resource) {
        cursor chain[PATH_MAX_STEPS + 1];
        result_set(out, TV_UNKNOWN,
                   at ? cursor_follow(chain, at, &c->u.quant.source.path) : NULL);
        out->reference = 1;
        return;
    }
    cursor root;
    cursor_root(&root, cand->resource);
    eval_element(c, ctx, &root, out);
    /* Membership and the condition both have to hold. */
    if (cand->membership == TV_UNKNOWN && out->value == TV_TRUE)
        blame_membership(c, at, cand, out);
}

static int count_holds(cmp_op op, json_int_t count, json_int_t n)
{
    switch (op) {
    case CMP_EQ: return n == count;
    case CMP_NE: return n != count;
    case CMP_LT: return n < count;
    case CMP_LE: return n <= count;
    case CMP_GT: return n > count;
    case CMP_GE: return n >= count;
    default: return 0;
    }
}

/* Folds the tally into the quantifier's result. `empty_at` is where to
 * point when there were no elements. */
static void conclude(const condition *c, tally *t, const cursor *empty_at, eval_result *out)
{
    quantifier q = c->u.quant.quantifier;

    if (q == QUANT_COUNT) {
        json_int_t low = (json_int_t)t->true_count;
        json_int_t high = low + (json_int_t)(t->unknown_count + t->error_count);
        int holds_low = count_holds(c->u.quant.count_op, c->u.quant.count, low);
        int always = 1, never = 1;
        for (json_int_t n = low; n <= high && (always || never); n++) {
            int h = count_holds(c->u.quant.count_op, c->u.quant.count, n);
            always &= h;
            never &= !h;
        }
        if (always || never) {
            eval_result *src = t->have_true ? &t->first_true : &t->first_false;
            if (t->have_true || t->have_false)
                result_move(out, src);
            else
                result_set(out, TV_FALSE, empty_at);
            out->value = holds_low ? TV_TRUE : TV_FALSE;
            return;
        }
        result_move(out, t->have_error ? &t->first_error : &t->first_unknown);
        return;
    }

    /* any: true if one is true; none is its negation; all: false if one
     * is false. */
    int want_true = q != QUANT_ALL;
    if (want_true && t->have_true) {
        result_move(out, &t->first_true);
        out->value = q == QUANT_NONE ? TV_FALSE : TV_TRUE;
        return;
    }
    if (!want_true && t->have_false) {
        result_move(out, &t->first_false);
        return;
    }
    if (t->have_error) {
        result_move(out, &t->first_error);
        return;
    }
    if (t->have_unknown) {
        result_move(out, &t->first_unknown);
        return;
    }

    /* Decided by the absence of the deciding kind. */
    tv value = q == QUANT_ALL ? TV_TRUE : (q == QUANT_NONE ? TV_TRUE : TV_FALSE);
    eval_result *src = want_true ? &t->first_false : &t->first_true;
    if ((want_true && t->have_false) || (!want_true && t->have_true)) {
        result_move(out, src);
    } else {
        result_set(out, value, empty_at);
        if (!empty_at)
            out->resource = NULL;
    }
    out->value = value;
}

static void eval_list_source(const condition *c, const eval_ctx *ctx, const cursor *at,
                             eval_result *out)
{
    cursor chain[PATH_MAX_STEPS + 1];
    const cursor *list = cursor_follow(chain, at, &c->u.quant.source.path);
    if (report_type_error(list, out))
        return;
    if (cursor_state(list) == VALUE_UNKNOWN) {
        result_set(out, TV_UNKNOWN, list);
        return;
    }
    if (list->value && !json_is_array(list->value) && !json_is_object(list->value)) {
        /* A scalar where a list of blocks belongs is malformed input. */
        result_set(out, TV_ERROR, list);
        result_note(out, "%s is not a list", c->u.quant.source.path.text);
        return;
    }

    tally t;
    tally_init(&t);

    if (json_is_array(list->value)) {
        for (size_t i = 0; i < json_array_size(list->value); i++) {
            cursor element;
            cursor_child_index(&element, list, i);
            eval_result r;
            result_init(&r);
            eval_element(c, ctx, &element, &r);
            tally_add(&t, &r);
            result_free(&r);
        }
    } else if (list->value) {
        /* A single value where a list was expected counts as one element. */
        eval_result r;
        result_init(&r);
        eval_element(c, ctx, list, &r);
        tally_add(&t, &r);
        result_free(&r);
    }

    conclude(c, &t, list, out);
    tally_free(&t);
}

static void eval_join(const condition *c, const eval_ctx *ctx, const cursor *at,
                      eval_result *out)
{
    candidate_list candidates = {0};
    if (join_candidates(&c->u.quant.source, ctx, at, &candidates) < 0) {
        candidate_list_free(&candidates);
        result_set(out, TV_ERROR, at);
        result_note(out, "out of memory while joining resources");
        return;
    }

    tally t;
    tally_init(&t);
    for (size_t i = 0; i < candidates.count; i++) {
        eval_result r;
        result_init(&r);
        eval_candidate(c, ctx, at, &candidates.items[i], &r);
        tally_add(&t, &r);
        result_free(&r);
    }
    candidate_list_free(&candidates);

    /* With no related resource to point at, a `follow` join points at the
     * attribute it followed. The other joins name no attribute of this
     * resource, so they point at the resource itself. */
    cursor chain[PATH_MAX_STEPS + 1];
    const cursor *empty_at = at;
    if (at && c->u.quant.source.kind == SOURCE_FOLLOW)
        empty_at = cursor_follow(chain, at, &c->u.quant.source.path);
    conclude(c, &t, empty_at, out);
    tally_free(&t);
}

void condition_eval(const condition *c, const eval_ctx *ctx, const cursor *at,
                    eval_result *out)
{
    switch (c->kind) {
    case COND_ALL_OF:
        eval_list(c, ctx, at, out, TV_FALSE);
        return;
    case COND_ANY_OF:
        eval_list(c, ctx, at, out, TV_TRUE);
        return;
    case COND_NOT:
        eval_not(c, ctx, at, out);
        return;
    case COND_COMPARE:
        eval_compare(c, at, out);
        return;
    case COND_DOMAIN:
        eval_domain(c, at, out);
        return;
    case COND_QUANTIFIER:
        if (c->u.quant.source.kind == SOURCE_LIST)
            eval_list_source(c, ctx, at, out);
        else
            eval_join(c, ctx, at, out);
        return;
    }
}
