/* Source maps for CloudFormation resources: where in the template each
 * resolved value and each canonical attribute comes from (see cfn.h).
 *
 * A resolved value follows the template step for step, except where a
 * function made it: a branch of Fn::If, a list element moved up after
 * AWS::NoValue removed an earlier one, and the value of any other function.
 * The trace records only those places, and a lookup takes the nearest
 * recorded place at or above a path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfn.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/path.h"

int cfn_trace_init(cfn_trace *trace, const char *properties_pointer)
{
    memset(trace, 0, sizeof(*trace));
    strmap_init(&trace->index);
    return cfn_trace_add(trace, properties_pointer, 0);
}

void cfn_trace_free(cfn_trace *trace)
{
    for (size_t i = 0; i < trace->count; i++) {
        free(trace->entries[i].path);
        free(trace->entries[i].pointer);
    }
    free(trace->entries);
    sb_free(&trace->path);
    strmap_free(&trace->index);
    memset(trace, 0, sizeof(*trace));
}

int cfn_trace_add(cfn_trace *trace, const char *pointer, int opaque)
{
    cfn_trace_entry entry = {strdup(sb_str(&trace->path)), strdup(pointer), opaque};
    if (trace->path.failed || !entry.path || !entry.pointer ||
        ARRAY_PUSH(trace->entries, trace->count, trace->cap, entry) < 0) {
        free(entry.path);
        free(entry.pointer);
        return -1;
    }
    return 0;
}

void cfn_trace_truncate(cfn_trace *trace, size_t count)
{
    while (trace->count > count) {
        trace->count--;
        free(trace->entries[trace->count].path);
        free(trace->entries[trace->count].pointer);
    }
}

int cfn_trace_finish(cfn_trace *trace)
{
    /* A later entry for a path is the more precise one: a function's value
     * is recorded after the list element it is in. */
    for (size_t i = 0; i < trace->count; i++)
        if (strmap_put(&trace->index, trace->entries[i].path, &trace->entries[i]) < 0)
            return -1;
    return 0;
}

int cfn_trace_pointer(const cfn_trace *trace, const char *path, strbuf *out)
{
    size_t length = strlen(path);
    size_t probe = length;
    for (;;) {
        const cfn_trace_entry *entry = strmap_getn(&trace->index, path, probe);
        if (entry) {
            sb_puts(out, entry->pointer);
            /* Below a function's value, everything comes from the function. */
            if (probe < length && !entry->opaque)
                sb_append(out, path + probe, length - probe);
            return out->failed ? -1 : 0;
        }
        if (probe == 0)
            return -1;
        /* Try the parent: drop the last reference token. */
        while (probe > 0 && path[probe - 1] != '/')
            probe--;
        if (probe > 0)
            probe--;
    }
}

int cfn_sources_add(cfn_source_list *list, const char *path, const char *pointer)
{
    cfn_source source = {strdup(path), strdup(pointer)};
    if (!source.path || !source.pointer ||
        ARRAY_PUSH(list->items, list->count, list->cap, source) < 0) {
        free(source.path);
        free(source.pointer);
        return -1;
    }
    return 0;
}

void cfn_sources_remove_below(cfn_source_list *list, const char *path)
{
    size_t remaining = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (path_has_prefix(list->items[i].path, path)) {
            free(list->items[i].path);
            free(list->items[i].pointer);
        } else {
            list->items[remaining++] = list->items[i];
        }
    }
    list->count = remaining;
}

void cfn_sources_free(cfn_source_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].path);
        free(list->items[i].pointer);
    }
    free(list->items);
    memset(list, 0, sizeof(*list));
}

int cfn_record_sources(soc2_resource *r, const char *pointer, const cfn_source_list *sources)
{
    if (resource_set_source(r, pointer) < 0)
        return error_nomem();

    /* The entries are appended directly, because resource_map_source()
     * scans every entry for the same path, which takes quadratic time for
     * a group with thousands of rules. */
    strmap seen; /* path -> its index in r->sources, plus one */
    strmap_init(&seen);
    int failed = 0;
    for (size_t i = 0; i < sources->count && !failed; i++) {
        const cfn_source *source = &sources->items[i];
        size_t known = (size_t)(uintptr_t)strmap_get(&seen, source->path);
        char *copy = strdup(source->pointer);
        if (!copy) {
            failed = 1;
        } else if (known) {
            free(r->sources[known - 1].pointer);
            r->sources[known - 1].pointer = copy;
        } else {
            source_entry entry = {strdup(source->path), copy};
            if (!entry.path || ARRAY_PUSH(r->sources, r->source_count, r->source_cap, entry) < 0) {
                free(entry.path);
                free(entry.pointer);
                failed = 1;
            } else {
                failed = strmap_put(&seen, source->path, (void *)(uintptr_t)r->source_count) < 0;
            }
        }
    }
    strmap_free(&seen);
    return failed ? error_nomem() : SOC2_OK;
}
