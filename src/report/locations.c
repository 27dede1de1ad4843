/* Source positions of findings: the line and column of the value that
 * decided each finding and of its resource. They are computed only when a
 * caller or a writer asks, in one pass per document. */
#include <stdlib.h>
#include <string.h>

#include <soc2/report.h>

#include "report_internal.h"
#include "../core/error.h"
#include "../load/loader.h"
#include "../util/jsonpos.h"
#include "../util/path.h"

/* One position to find: a pointer into a document, and where to store the
 * answer. */
typedef struct request {
    char *pointer;
    int *line;
    int *column;
} request;

typedef struct request_list {
    request *items;
    size_t count, cap;
} request_list;

static int add_request(request_list *list, const char *pointer, int *line, int *column)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        request *grown = realloc(list->items, cap * sizeof(*grown));
        if (!grown)
            return -1;
        list->items = grown;
        list->cap = cap;
    }
    request *r = &list->items[list->count];
    if (!(r->pointer = strdup(pointer)))
        return -1;
    r->line = line;
    r->column = column;
    list->count++;
    return 0;
}

/* Returns whether the first attribute of `path` is absent from `r` and no
 * source entry of its own names it: a rule decided on a missing setting,
 * which is best shown at the resource, in every format alike. */
static int top_attribute_absent(const soc2_resource *r, const char *path)
{
    size_t length = strcspn(path, ".[");
    if (length == 0 || json_object_getn(r->attrs, path, length))
        return 0;
    for (size_t i = 0; i < r->source_count; i++)
        if (r->sources[i].path[0] != '\0' && path_has_prefix(path, r->sources[i].path))
            return 0;
    return 1;
}

/* Writes to `out` the pointer of the value at `path` of `r`, or of the
 * resource itself when the path is empty, not mapped or names a missing
 * attribute. Returns 0, or -1 when the resource has no place in its
 * document (a placeholder). */
static int pointer_of(const soc2_resource *r, const char *path, strbuf *out)
{
    sb_reset(out);
    if (path && *path && !top_attribute_absent(r, path) && resource_source_of(r, path, out) == 0)
        return 0;
    sb_reset(out);
    if (!r->source_pointer)
        return -1;
    sb_puts(out, r->source_pointer);
    return out->failed ? -1 : 0;
}

static void answer(request_list *list, const soc2_document *d)
{
    if (d->positions) {
        for (size_t i = 0; i < list->count; i++)
            positions_find(d->positions, list->items[i].pointer, list->items[i].line,
                           list->items[i].column);
        return;
    }
    if (!d->text || list->count == 0)
        return;

    const char **pointers = malloc(list->count * sizeof(*pointers));
    int *lines = malloc(list->count * sizeof(*lines));
    int *columns = malloc(list->count * sizeof(*columns));
    if (pointers && lines && columns) {
        for (size_t i = 0; i < list->count; i++)
            pointers[i] = list->items[i].pointer;
        if (json_locate_many(d->text, d->text_length, pointers, list->count, lines, columns) ==
            0) {
            for (size_t i = 0; i < list->count; i++) {
                *list->items[i].line = lines[i];
                *list->items[i].column = columns[i];
            }
        }
    }
    free(pointers);
    free(lines);
    free(columns);
}

int report_locate(soc2_report *report)
{
    if (report->located)
        return 0;

    size_t documents = report->document_count;
    request_list *lists = calloc(documents ? documents : 1, sizeof(*lists));
    strbuf pointer = STRBUF_INIT;
    int rc = lists ? 0 : -1;

    for (size_t i = 0; i < report->count && rc == 0; i++) {
        soc2_finding *f = &report->findings[i];
        const soc2_resource *holder = f->path_owner ? f->path_owner : f->resource;
        if (f->resource && f->resource->document &&
            f->resource->document->index < documents &&
            pointer_of(f->resource, NULL, &pointer) == 0)
            rc = add_request(&lists[f->resource->document->index], sb_str(&pointer),
                             &f->resource_line, &f->resource_column);
        if (rc == 0 && holder && holder->document && holder->document->index < documents &&
            pointer_of(holder, f->path, &pointer) == 0)
            rc = add_request(&lists[holder->document->index], sb_str(&pointer), &f->line,
                             &f->column);
    }

    for (size_t d = 0; d < documents && lists; d++) {
        if (rc == 0)
            answer(&lists[d], report->snapshot->documents[d]);
        for (size_t i = 0; i < lists[d].count; i++)
            free(lists[d].items[i].pointer);
        free(lists[d].items);
    }
    free(lists);
    sb_free(&pointer);
    if (rc == 0)
        report->located = 1;
    return rc;
}

static int located_finding(const soc2_finding *f)
{
    if (!f)
        return error_set(SOC2_EINVAL, "finding must not be NULL");
    /* The report belongs to one thread, which may fill in its positions. */
    if (report_locate(f->report) < 0)
        return error_nomem();
    return SOC2_OK;
}

int soc2_finding_location(const soc2_finding *f, int *line, int *column)
{
    int rc = located_finding(f);
    if (rc != SOC2_OK)
        return rc;
    if (f->line == 0)
        return SOC2_ENOTFOUND;
    if (line)
        *line = f->line;
    if (column)
        *column = f->column;
    return SOC2_OK;
}

int soc2_finding_resource_location(const soc2_finding *f, int *line, int *column)
{
    int rc = located_finding(f);
    if (rc != SOC2_OK)
        return rc;
    if (f->resource_line == 0)
        return SOC2_ENOTFOUND;
    if (line)
        *line = f->resource_line;
    if (column)
        *column = f->resource_column;
    return SOC2_OK;
}

int soc2_resource_location(const soc2_resource *r, int *line, int *column)
{
    if (!r)
        return error_set(SOC2_EINVAL, "resource must not be NULL");
    const soc2_document *d = r->document;
    if (!r->source_pointer || !d)
        return SOC2_ENOTFOUND;
    int l = 0, c = 0;
    if (d->positions)
        positions_find(d->positions, r->source_pointer, &l, &c);
    else if (d->text)
        json_locate(d->text, d->text_length, r->source_pointer, &l, &c);
    if (l == 0)
        return SOC2_ENOTFOUND;
    if (line)
        *line = l;
    if (column)
        *column = c;
    return SOC2_OK;
}
