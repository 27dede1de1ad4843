/* Dependencies between resources, for the CloudFormation adapter (cfn.c).
 * CloudFormation creates a resource after the resources it depends on, so
 * it rejects a template whose dependencies form a cycle. A resource depends
 * on another when its Properties contain a Ref, an Fn::GetAtt or an Fn::Sub
 * placeholder (${B}, ${B.Arn}) naming the other, or when its DependsOn
 * names the other. References are read from the template as written, in
 * the arguments of functions the resolver does not expand too, but not in
 * the branch of an Fn::If whose condition the template decides against.
 * Both branches of an undecided Fn::If count. Resources whose Condition is
 * false are not created and take no part.
 *
 * NOTE: references in Metadata, CreationPolicy and UpdatePolicy are not
 * read, so a cycle that passes through them is not detected. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"
#include "../util/strmap.h"

typedef struct dependency {
    size_t target;
    char *pointer; /* where the depending resource names the target */
} dependency;

typedef struct dependency_graph {
    cfn_template *template;
    size_t count;     /* resources CloudFormation would create */
    const char **ids; /* resource index -> logical ID */
    strmap indexes;   /* logical ID -> resource index + 1 */
    /* The dependencies of resource n are dependencies[first[n]] to
     * dependencies[first[n + 1] - 1]. */
    size_t *first;
    dependency *dependencies;
    size_t dependency_count, dependency_cap;
    size_t *last_source; /* target -> index + 1 of the last resource that depends on it */
    size_t source;       /* the resource whose dependencies are being read */
} dependency_graph;

static void dependency_graph_free(dependency_graph *g)
{
    for (size_t i = 0; i < g->dependency_count; i++)
        free(g->dependencies[i].pointer);
    free(g->dependencies);
    free(g->ids);
    free(g->first);
    free(g->last_source);
    strmap_free(&g->indexes);
}

/* Records that the resource being read depends on `logical_id`, named at
 * `pointer` extended by `step` and `index` (as in cfn_fail_at()). Names of
 * parameters and of resources not created add nothing, and only the first
 * place that names a target is kept. */
static int add_dependency(dependency_graph *g, const char *logical_id, strbuf *pointer,
                          const char *step, long index)
{
    size_t index_plus_one = (uintptr_t)strmap_get(&g->indexes, logical_id);
    if (index_plus_one == 0 || g->last_source[index_plus_one - 1] == g->source + 1)
        return SOC2_OK;

    size_t mark = pointer->len;
    if (step)
        json_pointer_append(pointer, step);
    if (index >= 0)
        json_pointer_append_index(pointer, (size_t)index);
    dependency added = {index_plus_one - 1, pointer->failed ? NULL : strdup(sb_str(pointer))};
    sb_truncate(pointer, mark);
    if (!added.pointer ||
        ARRAY_PUSH(g->dependencies, g->dependency_count, g->dependency_cap, added) < 0) {
        free(added.pointer);
        return error_nomem();
    }
    g->last_source[index_plus_one - 1] = g->source + 1;
    return SOC2_OK;
}

/* Adds the resources that the Fn::Sub text names, ${B} and ${B.Attribute},
 * but not ${!Literal} nor a name of the `variables` map. `index` is 0 for
 * the text of the list form and -1 for the string form. */
static int add_sub_dependencies(dependency_graph *g, const char *text, const json_t *variables,
                                strbuf *pointer, long index)
{
    strbuf name = STRBUF_INIT;
    int rc = SOC2_OK;
    for (const char *p = strstr(text, "${"); p && rc == SOC2_OK; p = strstr(p, "${")) {
        if (p[2] == '!') {
            p += 3;
            continue;
        }
        const char *end = strchr(p + 2, '}');
        if (!end)
            break;

        /* Spaces around the name are trimmed, as the resolver does. */
        size_t length;
        const char *start = cfn_trim_spaces(p + 2, end, &length);
        sb_truncate(&name, 0);
        sb_append(&name, start, length);
        if (name.failed) {
            rc = error_nomem();
        } else if (!json_object_get(variables, sb_str(&name))) {
            /* The first dot ends the logical ID of ${B.Attribute}. */
            const char *dot = memchr(start, '.', length);
            if (dot)
                sb_truncate(&name, (size_t)(dot - start));
            rc = add_dependency(g, sb_str(&name), pointer, "Fn::Sub", index);
        }
        p = end + 1;
    }
    sb_free(&name);
    return rc;
}

/* Schedules the branches of the Fn::If `arg` that the template does not
 * decide against. Returns SOC2_OK with *scheduled cleared when `arg` is not
 * [condition name, value, value], so that the walk reads all of it. */
static int push_if_branches(dependency_graph *g, cfn_walker *walker, json_t *arg,
                            int *scheduled)
{
    const char *condition = json_string_value(json_array_get(arg, 0));
    *scheduled = 0;
    if (!json_is_array(arg) || json_array_size(arg) != 3 || !condition)
        return SOC2_OK;

    size_t mark = walker->pointer.len;
    json_pointer_append(&walker->pointer, "Fn::If");
    json_pointer_append_index(&walker->pointer, 0);
    cfn_truth truth = CFN_UNDECIDED;
    int rc = walker->pointer.failed
                 ? error_nomem()
                 : cfn_condition(g->template, condition, sb_str(&walker->pointer), &truth);
    sb_truncate(&walker->pointer, mark);
    if (rc != SOC2_OK)
        return rc;

    /* The branch pushed last is visited first. */
    if (truth != CFN_TRUE && cfn_walk_push(walker, json_array_get(arg, 2), "Fn::If", 2) < 0)
        return error_nomem();
    if (truth != CFN_FALSE && cfn_walk_push(walker, json_array_get(arg, 1), "Fn::If", 1) < 0)
        return error_nomem();
    *scheduled = 1;
    return SOC2_OK;
}

/* Reads the dependencies of one value of the Properties being walked. */
static int visit_dependency(cfn_walker *walker, json_t *value, void *context, int *descend)
{
    dependency_graph *g = context;
    const char *function = cfn_single_key(value);
    if (!function)
        return SOC2_OK;
    json_t *arg = json_object_get(value, function);
    strbuf *pointer = &walker->pointer;

    if (strcmp(function, "Ref") == 0 && json_is_string(arg))
        return add_dependency(g, json_string_value(arg), pointer, "Ref", -1);

    if (strcmp(function, "Fn::GetAtt") == 0) {
        const char *text = json_string_value(arg);
        if (text) {
            const char *dot = strchr(text, '.');
            char *logical_id = strndup(text, dot ? (size_t)(dot - text) : strlen(text));
            int rc = logical_id ? add_dependency(g, logical_id, pointer, "Fn::GetAtt", -1)
                                : error_nomem();
            free(logical_id);
            return rc;
        }
        const char *logical_id = json_string_value(json_array_get(arg, 0));
        return logical_id ? add_dependency(g, logical_id, pointer, "Fn::GetAtt", 0) : SOC2_OK;
    }

    if (strcmp(function, "Fn::Sub") == 0) {
        if (json_is_string(arg))
            return add_sub_dependencies(g, json_string_value(arg), NULL, pointer, -1);
        const char *text = json_string_value(json_array_get(arg, 0));
        json_t *variables = json_array_get(arg, 1);
        return text ? add_sub_dependencies(g, text, json_is_object(variables) ? variables : NULL,
                                           pointer, 0)
                    : SOC2_OK;
    }

    if (strcmp(function, "Fn::If") == 0) {
        int scheduled;
        int rc = push_if_branches(g, walker, arg, &scheduled);
        if (scheduled)
            *descend = 0;
        return rc;
    }
    return SOC2_OK;
}

/* Reads DependsOn: a logical ID or a list of them, each naming a resource
 * of the template. */
static int read_depends_on(dependency_graph *g, const char *logical_id, json_t *depends_on)
{
    strbuf pointer = STRBUF_INIT;
    cfn_resource_pointer(&pointer, logical_id, "DependsOn");
    int rc = pointer.failed ? error_nomem() : SOC2_OK;
    int is_list = json_is_array(depends_on);
    size_t count = is_list ? json_array_size(depends_on) : 1;

    for (size_t i = 0; i < count && rc == SOC2_OK; i++) {
        json_t *name = is_list ? json_array_get(depends_on, i) : depends_on;
        long index = is_list ? (long)i : -1;
        if (!json_is_string(name)) {
            rc = cfn_fail_at(g->template, &pointer, NULL, index,
                             "resource \"%s\": DependsOn must be the logical ID of a resource "
                             "or a list of them",
                             logical_id);
        } else if (json_string_has_nul(name) ||
                   !json_object_get(g->template->resources, json_string_value(name))) {
            strbuf quoted = STRBUF_INIT;
            cfn_append_quoted(&quoted, json_string_value(name), json_string_length(name));
            rc = quoted.failed ? error_nomem()
                               : cfn_fail_at(g->template, &pointer, NULL, index,
                                             "resource \"%s\": DependsOn names %s, which is not "
                                             "a resource of the template",
                                             logical_id, sb_str(&quoted));
            sb_free(&quoted);
        } else {
            rc = add_dependency(g, json_string_value(name), &pointer, NULL, index);
        }
    }
    sb_free(&pointer);
    return rc;
}

/* Indexes the resources CloudFormation would create, in template order. */
static int index_resources(dependency_graph *g)
{
    size_t total = json_object_size(g->template->resources);
    g->ids = calloc(total + 1, sizeof(*g->ids));
    g->first = calloc(total + 1, sizeof(*g->first));
    g->last_source = calloc(total + 1, sizeof(*g->last_source));
    if (!g->ids || !g->first || !g->last_source)
        return error_nomem();

    const char *logical_id;
    json_t *resource;
    json_object_foreach(g->template->resources, logical_id, resource) {
        int created;
        int rc = cfn_resource_is_created(g->template, logical_id, resource, &created);
        if (rc != SOC2_OK)
            return rc;
        if (!created)
            continue;
        g->ids[g->count] = logical_id;
        if (strmap_put(&g->indexes, logical_id, (void *)(uintptr_t)(g->count + 1)) < 0)
            return error_nomem();
        g->count++;
    }
    return SOC2_OK;
}

static int read_dependencies(dependency_graph *g)
{
    int rc = SOC2_OK;
    for (size_t n = 0; n < g->count && rc == SOC2_OK; n++) {
        json_t *resource = json_object_get(g->template->resources, g->ids[n]);
        json_t *properties = json_object_get(resource, "Properties");
        json_t *depends_on = json_object_get(resource, "DependsOn");
        g->source = n;
        g->first[n] = g->dependency_count;

        if (properties) {
            strbuf pointer = STRBUF_INIT;
            cfn_resource_pointer(&pointer, g->ids[n], "Properties");
            rc = pointer.failed ? error_nomem()
                                : cfn_walk(properties, sb_str(&pointer), visit_dependency, g);
            sb_free(&pointer);
        }
        if (rc == SOC2_OK && depends_on)
            rc = read_depends_on(g, g->ids[n], depends_on);
    }
    g->first[g->count] = g->dependency_count;
    return rc;
}

/* Maximum number of resources a cycle message names. A longer cycle shows
 * its first ones, "…" and its last one. */
#define CYCLE_NAMES_SHOWN 8

/* Reports the cycle cycle[0] -> ... -> cycle[length - 1] -> cycle[0] at
 * the place where cycle[0] names cycle[1]. */
static int fail_cycle(dependency_graph *g, const size_t *cycle, size_t length,
                      const dependency *first_step)
{
    strbuf names = STRBUF_INIT;
    size_t leading_count = length > CYCLE_NAMES_SHOWN ? CYCLE_NAMES_SHOWN - 2 : length;
    for (size_t i = 0; i < leading_count; i++) {
        if (i > 0)
            sb_puts(&names, " -> ");
        cfn_append_quoted(&names, g->ids[cycle[i]], strlen(g->ids[cycle[i]]));
    }
    if (leading_count < length) {
        sb_puts(&names, " -> \u2026 -> ");
        cfn_append_quoted(&names, g->ids[cycle[length - 1]], strlen(g->ids[cycle[length - 1]]));
    }
    sb_puts(&names, " -> ");
    cfn_append_quoted(&names, g->ids[cycle[0]], strlen(g->ids[cycle[0]]));
    if (leading_count < length)
        sb_printf(&names, " (%zu resources)", length);

    const char *source = g->ids[cycle[0]];
    const char *target = g->ids[cycle[1 % length]];
    int rc = names.failed
                 ? error_nomem()
                 : loader_fail(g->template->loader, SOC2_EFORMAT, first_step->pointer,
                               "circular dependency between resources %s, which CloudFormation "
                               "rejects; this is where \"%s\" refers to \"%s\"",
                               sb_str(&names), source, target);
    sb_free(&names);
    return rc;
}

/* Finds a cycle with a depth-first search that keeps its own stack, so that
 * a long chain of resources costs no C stack. Each resource and each
 * dependency is looked at once. */
static int find_cycle(dependency_graph *g)
{
    enum { UNVISITED = 0, ON_PATH, DONE };
    unsigned char *state = calloc(g->count + 1, 1);
    size_t *path = malloc((g->count + 1) * sizeof(*path));         /* the root first */
    size_t *position = malloc((g->count + 1) * sizeof(*position)); /* resource -> place on path */
    size_t *next = malloc((g->count + 1) * sizeof(*next)); /* resource -> dependency to follow */
    int rc = state && path && position && next ? SOC2_OK : error_nomem();

    for (size_t root = 0; root < g->count && rc == SOC2_OK; root++) {
        if (state[root] != UNVISITED)
            continue;
        size_t depth = 0;
        state[root] = ON_PATH;
        position[root] = depth;
        path[depth++] = root;
        next[root] = g->first[root];

        while (depth > 0) {
            size_t node = path[depth - 1];
            if (next[node] == g->first[node + 1]) {
                state[node] = DONE;
                depth--;
                continue;
            }
            size_t target = g->dependencies[next[node]++].target;
            if (state[target] == UNVISITED) {
                state[target] = ON_PATH;
                position[target] = depth;
                path[depth++] = target;
                next[target] = g->first[target];
            } else if (state[target] == ON_PATH) {
                /* The path from `target` to `node` and back is a cycle. The
                 * dependency `target` followed last is its first step. */
                rc = fail_cycle(g, path + position[target], depth - position[target],
                                &g->dependencies[next[target] - 1]);
                break;
            }
        }
    }

    free(state);
    free(path);
    free(position);
    free(next);
    return rc;
}

int cfn_check_dependencies(cfn_template *t)
{
    dependency_graph g = {.template = t};
    strmap_init(&g.indexes);
    int rc = index_resources(&g);
    if (rc == SOC2_OK)
        rc = read_dependencies(&g);
    if (rc == SOC2_OK)
        rc = find_cycle(&g);
    dependency_graph_free(&g);
    return rc;
}

