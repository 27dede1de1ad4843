/* The rule compiler: checks a declarative rule document and turns it into
 * rules with compiled conditions (condition.h). Every problem is reported
 * with the rule ID and a JSON pointer (and line) into the document, so that a
 * typo in a rule file never passes silently. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rule_internal.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"

typedef struct compiler {
    const char *source;
    const char *text;
    size_t text_length;
    const char *rule_id; /* for messages; NULL before the ID is read */
    int code;            /* the first error, or SOC2_OK */
} compiler;

static void fail(compiler *c, const strbuf *pointer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(compiler *c, const strbuf *pointer, const char *fmt, ...)
{
    if (c->code != SOC2_OK)
        return;

    strbuf message = STRBUF_INIT;
    if (c->rule_id)
        sb_printf(&message, "rule \"%s\": ", c->rule_id);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    const char *where = sb_str(pointer);
    if (*where)
        sb_printf(&message, " (at %s)", where);

    /* A missing member has no place of its own: use its nearest ancestor's. */
    int line = 0, column = 0;
    strbuf located = STRBUF_INIT;
    sb_puts(&located, where);
    while (c->text && json_locate(c->text, c->text_length, sb_str(&located), &line, &column) < 0) {
        char *slash = strrchr(located.data, '/');
        if (!slash) {
            line = column = 0;
            break;
        }
        sb_truncate(&located, (size_t)(slash - located.data));
    }
    sb_free(&located);
    c->code = message.failed ? SOC2_ENOMEM : SOC2_ERULE;
    if (c->code == SOC2_ENOMEM)
        error_nomem();
    else
        error_set_input(c->code, c->source, line, column, where, "%s", sb_str(&message));
    sb_free(&message);
}

static void fail_nomem(compiler *c)
{
    if (c->code == SOC2_OK)
        c->code = error_nomem();
}

/* Pointer helpers: push a token, and restore the previous length after. */
static size_t enter(strbuf *pointer, const char *token)
{
    size_t mark = pointer->len;
    json_pointer_append(pointer, token);
    return mark;
}

static size_t enter_index(strbuf *pointer, size_t index)
{
    size_t mark = pointer->len;
    json_pointer_append_index(pointer, index);
    return mark;
}

/* Checks that `node` has only members from `allowed` (NULL-terminated, plus
 * `extra`, also NULL-terminated or NULL) and "$comment". */
static int check_members(compiler *c, const json_t *node, strbuf *pointer,
                         const char *const *allowed, const char *const *extra)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)node, key, value) {
        if (strcmp(key, "$comment") == 0)
            continue;
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        for (const char *const *a = extra; a && *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            size_t mark = enter(pointer, key);
            fail(c, pointer, "unknown member \"%s\"", key);
            sb_truncate(pointer, mark);
            return -1;
        }
    }
    return 0;
}

static int parse_path(compiler *c, attr_path *out, const json_t *node, strbuf *pointer,
                      const char *what)
{
    if (!json_is_string(node)) {
        fail(c, pointer, "%s must be an attribute path string", what);
        return -1;
    }
    strbuf reason = STRBUF_INIT;
    if (path_parse(out, json_string_value(node), &reason) < 0) {
        fail(c, pointer, "%s", sb_str(&reason));
        sb_free(&reason);
        return -1;
    }
    sb_free(&reason);
    return 0;
}

static char **parse_string_list(compiler *c, const json_t *node, strbuf *pointer,
                                const char *what, size_t *count)
{
    *count = 0;
    if (!json_is_array(node) || json_array_size(node) == 0) {
        fail(c, pointer, "%s must be a non-empty list of strings", what);
        return NULL;
    }
    char **items = calloc(json_array_size(node), sizeof(*items));
    if (!items) {
        fail_nomem(c);
        return NULL;
    }
    size_t i;
    json_t *item;
    json_array_foreach(node, i, item) {
        if (!json_is_string(item) || json_string_length(item) == 0) {
            size_t mark = enter_index(pointer, i);
            fail(c, pointer, "%s must hold non-empty strings", what);
            sb_truncate(pointer, mark);
            break;
        }
        if (!(items[i] = strdup(json_string_value(item)))) {
            fail_nomem(c);
            break;
        }
        *count = i + 1;
    }
    if (c->code != SOC2_OK) {
        for (size_t j = 0; j < *count; j++)
            free(items[j]);
        free(items);
        *count = 0;
        return NULL;
    }
    return items;
}

/* Conditions. */

static condition *compile_condition(compiler *c, const json_t *node, strbuf *pointer,
                                    int in_resource);

static void source_free(cond_source *s)
{
    path_free(&s->path);
    for (size_t i = 0; i < s->pair_count; i++) {
        path_free(&s->pairs[i].local);
        path_free(&s->pairs[i].remote);
    }
    free(s->pairs);
    for (size_t i = 0; i < s->type_count; i++)
        free(s->types[i]);
    free(s->types);
    for (size_t i = 0; i < s->exclude_count; i++)
        free(s->exclude_types[i]);
    free(s->exclude_types);
}

void condition_free(condition *c)
{
    if (!c)
        return;
    switch (c->kind) {
    case COND_ALL_OF:
    case COND_ANY_OF:
        for (size_t i = 0; i < c->u.list.count; i++)
            condition_free(c->u.list.items[i]);
        free(c->u.list.items);
        break;
    case COND_NOT:
        condition_free(c->u.child);
        break;
    case COND_COMPARE:
        path_free(&c->u.compare.path);
        json_decref(c->u.compare.value);
        break;
    case COND_DOMAIN:
        path_free(&c->u.domain.path);
        if (c->u.domain.op && c->u.domain.op->free_state)
            c->u.domain.op->free_state(c->u.domain.state);
        break;
    case COND_QUANTIFIER:
        source_free(&c->u.quant.source);
        condition_free(c->u.quant.where);
        break;
    }
    free(c->pointer);
    free(c);
}

static condition *new_condition(compiler *c, cond_kind kind, const strbuf *pointer)
{
    condition *cond = calloc(1, sizeof(*cond));
    if (!cond || !(cond->pointer = strdup(sb_str(pointer)))) {
        free(cond);
        fail_nomem(c);
        return NULL;
    }
    cond->kind = kind;
    return cond;
}

static condition *compile_list(compiler *c, const json_t *node, strbuf *pointer, cond_kind kind,
                               const char *name, int in_resource)
{
    if (check_members(c, node, pointer, (const char *const[]){name, NULL}, NULL) < 0)
        return NULL;
    const json_t *items = json_object_get(node, name);
    size_t mark = enter(pointer, name);
    if (!json_is_array(items) || json_array_size(items) == 0) {
        fail(c, pointer, "\"%s\" must be a non-empty list of conditions", name);
        sb_truncate(pointer, mark);
        return NULL;
    }

    condition *cond = new_condition(c, kind, pointer);
    if (cond)
        cond->u.list.items = calloc(json_array_size(items), sizeof(condition *));
    if (cond && !cond->u.list.items) {
        fail_nomem(c);
        condition_free(cond);
        cond = NULL;
    }
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        if (!cond)
            break;
        size_t inner = enter_index(pointer, i);
        condition *child = compile_condition(c, item, pointer, in_resource);
        sb_truncate(pointer, inner);
        if (!child) {
            condition_free(cond);
            cond = NULL;
            break;
        }
        cond->u.list.items[cond->u.list.count++] = child;
    }
    sb_truncate(pointer, mark);
    return cond;
}

static const struct {
    const char *name;
    cmp_op op;
    enum { NEEDS_NOTHING, NEEDS_ANY, NEEDS_LIST, NEEDS_NUMBER, NEEDS_STRING } value;
} comparisons[] = {
    {"eq", CMP_EQ, NEEDS_ANY},
    {"ne", CMP_NE, NEEDS_ANY},
    {"in", CMP_IN, NEEDS_LIST},
    {"not_in", CMP_NOT_IN, NEEDS_LIST},
    {"lt", CMP_LT, NEEDS_NUMBER},
    {"le", CMP_LE, NEEDS_NUMBER},
    {"gt", CMP_GT, NEEDS_NUMBER},
    {"ge", CMP_GE, NEEDS_NUMBER},
    {"exists", CMP_EXISTS, NEEDS_NOTHING},
    {"absent", CMP_ABSENT, NEEDS_NOTHING},
    {"empty", CMP_EMPTY, NEEDS_NOTHING},
    {"not_empty", CMP_NOT_EMPTY, NEEDS_NOTHING},
    {"starts_with", CMP_STARTS_WITH, NEEDS_STRING},
    {"ends_with", CMP_ENDS_WITH, NEEDS_STRING},
    {"contains", CMP_CONTAINS, NEEDS_ANY},
    {"matches", CMP_MATCHES, NEEDS_STRING},
};

#define COMPARISON_COUNT (sizeof(comparisons) / sizeof(comparisons[0]))

static void list_operators(const domain_op *op, void *ctx)
{
    sb_printf(ctx, ", %s", op->name);
}

static pseudo_attribute pseudo_of(const attr_path *path)
{
    if (path->count != 1 || !path->steps[0].key || path->steps[0].key[0] != '@')
        return PSEUDO_NONE;
    if (strcmp(path->steps[0].key, "@type") == 0)
        return PSEUDO_TYPE;
    if (strcmp(path->steps[0].key, "@address") == 0)
        return PSEUDO_ADDRESS;
    return PSEUDO_NONE;
}

static int check_value(compiler *c, const json_t *node, strbuf *pointer, size_t kind,
                       const char *op)
{
    const json_t *value = json_object_get(node, "value");
    size_t mark = enter(pointer, "value");
    int ok = 1;
    switch (comparisons[kind].value) {
    case NEEDS_NOTHING:
        if (value) {
            fail(c, pointer, "\"%s\" takes no \"value\"", op);
            ok = 0;
        }
        break;
    case NEEDS_ANY:
        if (!value) {
            sb_truncate(pointer, mark);
            fail(c, pointer, "\"%s\" needs a \"value\"", op);
            ok = 0;
        }
        break;
    case NEEDS_LIST:
        if (!json_is_array(value)) {
            fail(c, pointer, "\"%s\" needs a \"value\" that is a list", op);
            ok = 0;
        }
        break;
    case NEEDS_NUMBER:
        if (!json_is_number(value)) {
            fail(c, pointer, "\"%s\" needs a \"value\" that is a number", op);
            ok = 0;
        }
        break;
    case NEEDS_STRING:
        if (!json_is_string(value)) {
            fail(c, pointer, "\"%s\" needs a \"value\" that is a string", op);
            ok = 0;
        }
        break;
    }
    sb_truncate(pointer, mark);
    return ok ? 0 : -1;
}

static condition *compile_comparison(compiler *c, const json_t *node, strbuf *pointer,
                                     int in_resource)
{
    const json_t *op_node = json_object_get(node, "op");
    size_t mark = enter(pointer, "op");
    if (!json_is_string(op_node)) {
        fail(c, pointer, "\"op\" must name an operator");
        sb_truncate(pointer, mark);
        return NULL;
    }
    const char *op = json_string_value(op_node);
    sb_truncate(pointer, mark);

    if (!in_resource) {
        fail(c, pointer,
             "an account-scope rule has no resource to compare; start with "
             "{\"any\": {\"resources\": [...]}, \"where\": ...}");
        return NULL;
    }

    /* Domain operators. */
    const domain_op *dop = domain_op_find(op);
    if (dop) {
        if (check_members(c, node, pointer, (const char *const[]){"attribute", "op", NULL},
                          dop->params) < 0)
            return NULL;
        condition *cond = new_condition(c, COND_DOMAIN, pointer);
        if (!cond)
            return NULL;
        cond->u.domain.op = dop;
        const json_t *attribute = json_object_get(node, "attribute");
        if (attribute) {
            size_t inner = enter(pointer, "attribute");
            int rc = parse_path(c, &cond->u.domain.path, attribute, pointer, "\"attribute\"");
            sb_truncate(pointer, inner);
            if (rc < 0) {
                condition_free(cond);
                return NULL;
            }
        }
        strbuf reason = STRBUF_INIT;
        if (dop->compile(&cond->u.domain.state, node, &reason) < 0) {
            fail(c, pointer, "operator \"%s\": %s", op, sb_str(&reason));
            sb_free(&reason);
            cond->u.domain.op = NULL;
            condition_free(cond);
            return NULL;
        }
        sb_free(&reason);
        return cond;
    }

    /* Comparisons. */
    size_t kind = COMPARISON_COUNT;
    for (size_t i = 0; i < COMPARISON_COUNT; i++)
        if (strcmp(comparisons[i].name, op) == 0)
            kind = i;
    if (kind == COMPARISON_COUNT) {
        strbuf known = STRBUF_INIT;
        for (size_t i = 0; i < COMPARISON_COUNT; i++)
            sb_printf(&known, "%s%s", i ? ", " : "", comparisons[i].name);
        domain_op_foreach(list_operators, &known);
        mark = enter(pointer, "op");
        fail(c, pointer, "unknown operator \"%s\" (known: %s)", op, sb_str(&known));
        sb_truncate(pointer, mark);
        sb_free(&known);
        return NULL;
    }
    if (check_members(c, node, pointer,
                      (const char *const[]){"attribute", "op", "value", "ignore_case", NULL},
                      NULL) < 0)
        return NULL;
    const json_t *attribute = json_object_get(node, "attribute");
    if (!attribute) {
        fail(c, pointer, "operator \"%s\" needs an \"attribute\"", op);
        return NULL;
    }
    if (check_value(c, node, pointer, kind, op) < 0)
        return NULL;
    const json_t *ignore_case = json_object_get(node, "ignore_case");
    if (ignore_case && !json_is_boolean(ignore_case)) {
        mark = enter(pointer, "ignore_case");
        fail(c, pointer, "\"ignore_case\" must be true or false");
        sb_truncate(pointer, mark);
        return NULL;
    }

    condition *cond = new_condition(c, COND_COMPARE, pointer);
    if (!cond)
        return NULL;
    cond->u.compare.op = comparisons[kind].op;
    cond->u.compare.ignore_case = json_is_true(ignore_case);
    cond->u.compare.value = json_incref(json_object_get(node, "value"));
    mark = enter(pointer, "attribute");
    int rc = parse_path(c, &cond->u.compare.path, attribute, pointer, "\"attribute\"");
    sb_truncate(pointer, mark);
    if (rc < 0) {
        condition_free(cond);
        return NULL;
    }
    cond->u.compare.pseudo = pseudo_of(&cond->u.compare.path);
    if (cond->u.compare.pseudo == PSEUDO_NONE && cond->u.compare.path.count > 0 &&
        cond->u.compare.path.steps[0].key && cond->u.compare.path.steps[0].key[0] == '@') {
        mark = enter(pointer, "attribute");
        fail(c, pointer, "unknown pseudo attribute \"%s\" (known: @type, @address)",
             cond->u.compare.path.text);
        sb_truncate(pointer, mark);
        condition_free(cond);
        return NULL;
    }
    return cond;
}

static int compile_types(compiler *c, cond_source *s, const json_t *node, strbuf *pointer)
{
    const json_t *types = json_object_get(node, "types");
    if (types) {
        size_t mark = enter(pointer, "types");
        s->types = parse_string_list(c, types, pointer, "\"types\"", &s->type_count);
        sb_truncate(pointer, mark);
        if (!s->types)
            return -1;
    }
    const json_t *exclude = json_object_get(node, "exclude_types");
    if (exclude) {
        size_t mark = enter(pointer, "exclude_types");
        s->exclude_types = parse_string_list(c, exclude, pointer, "\"exclude_types\"",
                                             &s->exclude_count);
        sb_truncate(pointer, mark);
        if (!s->exclude_types)
            return -1;
    }
    return 0;
}

/* Compiles "match": one {"local": path, "remote": path} object or a
 * non-empty list of them. */
static int compile_match(compiler *c, cond_source *s, const json_t *match, strbuf *pointer)
{
    int is_list = json_is_array(match);
    size_t count = is_list ? json_array_size(match) : 1;
    if ((!is_list && !json_is_object(match)) || count == 0) {
        fail(c, pointer, "\"match\" must be {\"local\": path, \"remote\": path} or a "
                         "non-empty list of such pairs");
        return -1;
    }
    s->pairs = calloc(count, sizeof(*s->pairs));
    if (!s->pairs) {
        fail_nomem(c);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const json_t *pair = is_list ? json_array_get(match, i) : match;
        size_t mark = is_list ? enter_index(pointer, i) : pointer->len;
        int rc = -1;
        if (!json_is_object(pair)) {
            fail(c, pointer, "a match pair must be {\"local\": path, \"remote\": path}");
        } else if (check_members(c, pair, pointer,
                                 (const char *const[]){"local", "remote", NULL}, NULL) == 0) {
            size_t inner = enter(pointer, "local");
            rc = parse_path(c, &s->pairs[i].local, json_object_get(pair, "local"), pointer,
                            "\"local\"");
            sb_truncate(pointer, inner);
            if (rc == 0) {
                inner = enter(pointer, "remote");
                rc = parse_path(c, &s->pairs[i].remote, json_object_get(pair, "remote"),
                                pointer, "\"remote\"");
                sb_truncate(pointer, inner);
            }
        }
        sb_truncate(pointer, mark);
        s->pair_count = i + 1;
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Compiles the source of a quantifier. Sets *gives_resource when its
 * elements are resources rather than list elements. */
static int compile_source(compiler *c, cond_source *s, const json_t *node, strbuf *pointer,
                          int in_resource, int *gives_resource)
{
    *gives_resource = 0;
    if (json_is_string(node)) {
        if (!in_resource) {
            fail(c, pointer, "an account-scope rule has no resource whose list to walk; "
                             "use {\"resources\": [...]}");
            return -1;
        }
        s->kind = SOURCE_LIST;
        return parse_path(c, &s->path, node, pointer, "a list source");
    }
    if (!json_is_object(node)) {
        fail(c, pointer, "a source is a list attribute path or an object with \"follow\", "
                         "\"referrers\", \"match\" or \"resources\"");
        return -1;
    }
    *gives_resource = 1;

    const json_t *resources = json_object_get(node, "resources");
    if (resources) {
        if (check_members(c, node, pointer, (const char *const[]){"resources", NULL}, NULL) < 0)
            return -1;
        s->kind = SOURCE_RESOURCES;
        size_t mark = enter(pointer, "resources");
        s->types = parse_string_list(c, resources, pointer, "\"resources\"", &s->type_count);
        sb_truncate(pointer, mark);
        return s->types ? 0 : -1;
    }

    if (!in_resource) {
        fail(c, pointer, "an account-scope rule has no resource to join from; start with "
                         "{\"resources\": [...]}");
        return -1;
    }
    static const char *const join_members[] = {"types", "exclude_types", NULL};
    const json_t *follow = json_object_get(node, "follow");
    const json_t *referrers = json_object_get(node, "referrers");
    const json_t *match = json_object_get(node, "match");
    size_t mark;
    int rc;

    if (follow) {
        if (check_members(c, node, pointer, (const char *const[]){"follow", NULL},
                          join_members) < 0)
            return -1;
        s->kind = SOURCE_FOLLOW;
        mark = enter(pointer, "follow");
        /* An empty path follows the current value: a list element. */
        rc = parse_path(c, &s->path, follow, pointer, "\"follow\"");
        sb_truncate(pointer, mark);
        return rc < 0 ? -1 : compile_types(c, s, node, pointer);
    }
    if (referrers) {
        if (check_members(c, node, pointer, (const char *const[]){"referrers", NULL},
                          join_members) < 0)
            return -1;
        s->kind = SOURCE_REFERRERS;
        mark = enter(pointer, "referrers");
        if (json_is_string(referrers) && strcmp(json_string_value(referrers), "*") == 0)
            rc = path_parse(&s->path, "", NULL);
        else
            rc = parse_path(c, &s->path, referrers, pointer, "\"referrers\"");
        sb_truncate(pointer, mark);
        return rc < 0 ? -1 : compile_types(c, s, node, pointer);
    }
    if (match) {
        if (check_members(c, node, pointer, (const char *const[]){"match", NULL},
                          join_members) < 0)
            return -1;
        s->kind = SOURCE_MATCH;
        mark = enter(pointer, "match");
        rc = compile_match(c, s, match, pointer);
        sb_truncate(pointer, mark);
        return rc < 0 ? -1 : compile_types(c, s, node, pointer);
    }
    fail(c, pointer, "a source object needs \"follow\", \"referrers\", \"match\" or "
                     "\"resources\"");
    return -1;
}

static const struct {
    const char *name;
    quantifier quantifier;
} quantifiers[] = {
    {"any", QUANT_ANY},
    {"all", QUANT_ALL},
    {"none", QUANT_NONE},
    {"count", QUANT_COUNT},
};

static condition *compile_quantifier(compiler *c, const json_t *node, strbuf *pointer,
                                     size_t which, int in_resource)
{
    const char *name = quantifiers[which].name;
    int is_count = quantifiers[which].quantifier == QUANT_COUNT;
    static const char *const count_members[] = {"op", "value", NULL};
    if (check_members(c, node, pointer, (const char *const[]){name, "where", NULL},
                      is_count ? count_members : NULL) < 0)
        return NULL;

    condition *cond = new_condition(c, COND_QUANTIFIER, pointer);
    if (!cond)
        return NULL;
    cond->u.quant.quantifier = quantifiers[which].quantifier;

    int gives_resource = 0;
    size_t mark = enter(pointer, name);
    int rc = compile_source(c, &cond->u.quant.source, json_object_get(node, name), pointer,
                            in_resource, &gives_resource);
    sb_truncate(pointer, mark);
    if (rc < 0) {
        condition_free(cond);
        return NULL;
    }

    const json_t *where = json_object_get(node, "where");
    if (where) {
        mark = enter(pointer, "where");
        cond->u.quant.where = compile_condition(c, where, pointer, in_resource || gives_resource);
        sb_truncate(pointer, mark);
        if (!cond->u.quant.where) {
            condition_free(cond);
            return NULL;
        }
    }

    if (is_count) {
        const json_t *op = json_object_get(node, "op");
        const json_t *value = json_object_get(node, "value");
        static const char *const ops[] = {"eq", "ne", "lt", "le", "gt", "ge"};
        static const cmp_op codes[] = {CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE};
        size_t k = 6;
        for (size_t i = 0; json_is_string(op) && i < 6; i++)
            if (strcmp(ops[i], json_string_value(op)) == 0)
                k = i;
        if (k == 6) {
            /* Point at "op" when it is there, at the condition when not. */
            mark = op ? enter(pointer, "op") : pointer->len;
            fail(c, pointer, "\"count\" needs \"op\": one of eq, ne, lt, le, gt, ge");
            sb_truncate(pointer, mark);
            condition_free(cond);
            return NULL;
        }
        if (!json_is_integer(value) || json_integer_value(value) < 0) {
            mark = value ? enter(pointer, "value") : pointer->len;
            fail(c, pointer, "\"count\" needs \"value\": a whole number of 0 or more");
            sb_truncate(pointer, mark);
            condition_free(cond);
            return NULL;
        }
        cond->u.quant.count_op = codes[k];
        cond->u.quant.count = json_integer_value(value);
    }
    return cond;
}

static condition *compile_condition(compiler *c, const json_t *node, strbuf *pointer,
                                    int in_resource)
{
    if (!json_is_object(node)) {
        fail(c, pointer, "a condition must be an object");
        return NULL;
    }

    if (json_object_get(node, "all_of"))
        return compile_list(c, node, pointer, COND_ALL_OF, "all_of", in_resource);
    if (json_object_get(node, "any_of"))
        return compile_list(c, node, pointer, COND_ANY_OF, "any_of", in_resource);
    if (json_object_get(node, "not")) {
        if (check_members(c, node, pointer, (const char *const[]){"not", NULL}, NULL) < 0)
            return NULL;
        condition *cond = new_condition(c, COND_NOT, pointer);
        if (!cond)
            return NULL;
        size_t mark = enter(pointer, "not");
        cond->u.child = compile_condition(c, json_object_get(node, "not"), pointer, in_resource);
        sb_truncate(pointer, mark);
        if (!cond->u.child) {
            condition_free(cond);
            return NULL;
        }
        return cond;
    }
    for (size_t i = 0; i < sizeof(quantifiers) / sizeof(quantifiers[0]); i++)
        if (json_object_get(node, quantifiers[i].name))
            return compile_quantifier(c, node, pointer, i, in_resource);
    if (json_object_get(node, "op"))
        return compile_comparison(c, node, pointer, in_resource);

    fail(c, pointer, "a condition needs one of \"all_of\", \"any_of\", \"not\", \"any\", "
                     "\"all\", \"none\", \"count\" or \"op\"");
    return NULL;
}

/* Rules. */

int rule_id_is_valid(const char *id)
{
    if (!*id)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return 0;
    return 1;
}

static int copy_text(compiler *c, char **out, const json_t *node, const char *name,
                     int required, strbuf *pointer)
{
    const json_t *value = json_object_get(node, name);
    if (!value && !required)
        return 0;
    size_t mark = enter(pointer, name);
    if (!json_is_string(value) || (required && json_string_length(value) == 0)) {
        if (!value) {
            sb_truncate(pointer, mark);
            fail(c, pointer, "the rule needs \"%s\", a non-empty string", name);
        } else {
            fail(c, pointer, "\"%s\" must be a %sstring", name, required ? "non-empty " : "");
        }
        sb_truncate(pointer, mark);
        return -1;
    }
    sb_truncate(pointer, mark);
    if (!(*out = strdup(json_string_value(value)))) {
        fail_nomem(c);
        return -1;
    }
    return 0;
}

static soc2_rule *compile_rule(compiler *c, const json_t *node, strbuf *pointer,
                               soc2_rule_origin origin)
{
    c->rule_id = NULL;
    if (!json_is_object(node)) {
        fail(c, pointer, "a rule must be an object");
        return NULL;
    }

    soc2_rule *r = calloc(1, sizeof(*r));
    if (!r) {
        fail_nomem(c);
        return NULL;
    }
    r->origin = origin;
    if (!(r->source = strdup(c->source)) || !(r->pointer = strdup(sb_str(pointer)))) {
        fail_nomem(c);
        goto fail;
    }

    if (copy_text(c, &r->id, node, "id", 1, pointer) < 0)
        goto fail;
    if (!rule_id_is_valid(r->id)) {
        size_t mark = enter(pointer, "id");
        fail(c, pointer, "rule ID \"%s\" may hold only letters, digits, '-', '_' and '.'",
             r->id);
        sb_truncate(pointer, mark);
        goto fail;
    }
    c->rule_id = r->id;

    static const char *const members[] = {"id", "title", "severity", "scope", "resource_types",
                                          "controls", "description", "remediation",
                                          "message", "assert", NULL};
    if (check_members(c, node, pointer, members, NULL) < 0)
        goto fail;
    if (copy_text(c, &r->title, node, "title", 1, pointer) < 0 ||
        copy_text(c, &r->description, node, "description", 0, pointer) < 0 ||
        copy_text(c, &r->remediation, node, "remediation", 0, pointer) < 0 ||
        copy_text(c, &r->message, node, "message", 0, pointer) < 0)
        goto fail;

    const json_t *severity = json_object_get(node, "severity");
    size_t mark = enter(pointer, "severity");
    if (!json_is_string(severity) ||
        soc2_severity_from_name(&r->severity, json_string_value(severity)) != SOC2_OK) {
        fail(c, pointer, "\"severity\" must be one of info, low, medium, high, critical");
        goto fail;
    }
    sb_truncate(pointer, mark);

    const json_t *scope = json_object_get(node, "scope");
    r->scope = SOC2_SCOPE_RESOURCE;
    if (scope) {
        mark = enter(pointer, "scope");
        if (json_is_string(scope) && strcmp(json_string_value(scope), "account") == 0)
            r->scope = SOC2_SCOPE_ACCOUNT;
        else if (!json_is_string(scope) || strcmp(json_string_value(scope), "resource") != 0) {
            fail(c, pointer, "\"scope\" must be \"resource\" or \"account\"");
            goto fail;
        }
        sb_truncate(pointer, mark);
    }

    const json_t *types = json_object_get(node, "resource_types");
    if (r->scope == SOC2_SCOPE_RESOURCE || types) {
        mark = enter(pointer, "resource_types");
        if (!types)
            sb_truncate(pointer, mark);
        r->types = parse_string_list(c, types, pointer, "\"resource_types\"", &r->type_count);
        sb_truncate(pointer, mark);
        if (!r->types)
            goto fail;
    }

    const json_t *controls = json_object_get(node, "controls");
    if (controls) {
        strbuf reason = STRBUF_INIT;
        mark = enter(pointer, "controls");
        if (rule_add_controls_json(r, controls, &reason) < 0) {
            fail(c, pointer, "%s", sb_str(&reason));
            sb_free(&reason);
            goto fail;
        }
        sb_free(&reason);
        sb_truncate(pointer, mark);
    }

    const json_t *assertion = json_object_get(node, "assert");
    if (!assertion) {
        fail(c, pointer, "the rule needs \"assert\": the condition a compliant resource meets");
        goto fail;
    }
    mark = enter(pointer, "assert");
    r->assertion = compile_condition(c, assertion, pointer, r->scope == SOC2_SCOPE_RESOURCE);
    sb_truncate(pointer, mark);
    if (!r->assertion)
        goto fail;
    return r;

fail:
    rule_free(r);
    return NULL;
}

int compile_rules_document(soc2_rule ***out, size_t *count, const json_t *root,
                           const char *source, soc2_rule_origin origin, const char *text,
                           size_t text_length)
{
    compiler c = {source, text, text_length, NULL, SOC2_OK};
    strbuf pointer = STRBUF_INIT;
    const json_t *list = root;
    *out = NULL;
    *count = 0;

    if (json_is_object(root) && json_object_get(root, "rules")) {
        if (check_members(&c, root, &pointer, (const char *const[]){"rules", NULL}, NULL) < 0)
            goto done;
        list = json_object_get(root, "rules");
        json_pointer_append(&pointer, "rules");
        if (!json_is_array(list)) {
            fail(&c, &pointer, "\"rules\" must be a list of rule objects");
            goto done;
        }
    }

    if (json_is_object(list)) {
        soc2_rule *r = compile_rule(&c, list, &pointer, origin);
        if (r) {
            *out = malloc(sizeof(**out));
            if (!*out) {
                rule_free(r);
                fail_nomem(&c);
            } else {
                (*out)[0] = r;
                *count = 1;
            }
        }
        goto done;
    }
    if (!json_is_array(list)) {
        fail(&c, &pointer, "a rule document is a rule object, a list of rules, or "
                           "{\"rules\": [...]}");
        goto done;
    }

    *out = calloc(json_array_size(list) + 1, sizeof(**out));
    if (!*out) {
        fail_nomem(&c);
        goto done;
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        size_t mark = enter_index(&pointer, i);
        soc2_rule *r = compile_rule(&c, item, &pointer, origin);
        sb_truncate(&pointer, mark);
        if (!r)
            break;
        (*out)[(*count)++] = r;
    }

done:
    sb_free(&pointer);
    if (c.code != SOC2_OK) {
        for (size_t j = 0; j < *count; j++)
            rule_free((*out)[j]);
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return c.code;
}
