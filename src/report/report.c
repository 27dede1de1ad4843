/* Report storage and the accessors of soc2/report.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "report_internal.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/natural.h"
#include "../util/strbuf.h"

soc2_report *report_new(const soc2_engine *engine, const soc2_snapshot *snapshot)
{
    soc2_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->engine = engine;
    r->snapshot = snapshot;
    r->document_count = snapshot->document_count;
    r->created = time(NULL);
    return r;
}

/* Fills the finding's fingerprint: the XXH3 128-bit hash of its rule ID,
 * resource address and deciding path, each followed by a NUL byte, in
 * lower-case hex. */
static int fingerprint(soc2_finding *f)
{
    const char *parts[] = {f->rule->id, f->resource ? f->resource->address : "account", f->path};
    strbuf key = STRBUF_INIT;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        sb_append(&key, parts[i], strlen(parts[i]) + 1);
    if (key.failed) {
        sb_free(&key);
        return -1;
    }
    XXH128_hash_t hash = XXH3_128bits(key.data, key.len);
    snprintf(f->fingerprint, sizeof(f->fingerprint), "%016llx%016llx",
             (unsigned long long)hash.high64, (unsigned long long)hash.low64);
    sb_free(&key);
    return 0;
}

int report_add(soc2_report *r, const soc2_rule *rule, const soc2_resource *resource,
               soc2_finding_status status, char *path, const soc2_resource *evidence,
               const soc2_resource *path_owner, char *message)
{
    soc2_finding f = {rule, resource, status, path, evidence, path_owner, message, r, 0, 0, 0, 0,
                      ""};
    if (!path || !message) {
        free(path);
        free(message);
        return -1;
    }
    if (fingerprint(&f) < 0 || ARRAY_PUSH(r->findings, r->count, r->cap, f) < 0) {
        free(path);
        free(message);
        return -1;
    }
    r->status_counts[status]++;
    return 0;
}

void soc2_report_free(soc2_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free(r->findings[i].path);
        free(r->findings[i].message);
    }
    free(r->findings);
    free(r->evaluated);
    free(r);
}

size_t soc2_report_finding_count(const soc2_report *r)
{
    return r ? r->count : 0;
}

size_t soc2_report_count(const soc2_report *r, soc2_finding_status status)
{
    if (!r || (unsigned)status >= SOC2_FINDING_STATUS_COUNT)
        return 0;
    return r->status_counts[status];
}

struct soc2_finding_iterator {
    const soc2_report *report;
    size_t next;
};

int soc2_finding_iterator_new(soc2_finding_iterator **out, const soc2_report *r)
{
    if (!out || !r)
        return error_set(SOC2_EINVAL, "out and report must not be NULL");
    soc2_finding_iterator *it = calloc(1, sizeof(*it));
    if (!it)
        return error_nomem();
    it->report = r;
    *out = it;
    return SOC2_OK;
}

int soc2_finding_iterator_next(const soc2_finding **out, soc2_finding_iterator *it)
{
    if (!out || !it)
        return error_set(SOC2_EINVAL, "out and iterator must not be NULL");
    if (it->next >= it->report->count)
        return SOC2_ITEROVER;
    *out = &it->report->findings[it->next++];
    return SOC2_OK;
}

void soc2_finding_iterator_free(soc2_finding_iterator *it)
{
    free(it);
}

const soc2_rule *soc2_finding_rule(const soc2_finding *f)
{
    return f ? f->rule : NULL;
}

const char *soc2_finding_rule_id(const soc2_finding *f)
{
    return f ? f->rule->id : NULL;
}

soc2_finding_status soc2_finding_status_of(const soc2_finding *f)
{
    return f ? f->status : SOC2_FINDING_ERROR;
}

soc2_severity soc2_finding_severity(const soc2_finding *f)
{
    return f ? f->rule->severity : SOC2_SEVERITY_INFO;
}

const soc2_resource *soc2_finding_resource(const soc2_finding *f)
{
    return f ? f->resource : NULL;
}

const char *soc2_finding_resource_address(const soc2_finding *f)
{
    if (!f)
        return NULL;
    return f->resource ? f->resource->address : "account";
}

const char *soc2_finding_resource_type(const soc2_finding *f)
{
    if (!f)
        return NULL;
    return f->resource ? f->resource->type : "aws_account";
}

const char *soc2_finding_path(const soc2_finding *f)
{
    return f ? f->path : NULL;
}

const char *soc2_finding_fingerprint(const soc2_finding *f)
{
    return f ? f->fingerprint : NULL;
}

const char *soc2_finding_evidence_resource(const soc2_finding *f)
{
    return f && f->evidence ? f->evidence->address : NULL;
}

const char *soc2_finding_file(const soc2_finding *f)
{
    if (!f)
        return NULL;
    const soc2_resource *holder = f->evidence ? f->evidence : f->resource;
    return holder && holder->document ? holder->document->name : NULL;
}

const char *soc2_finding_message(const soc2_finding *f)
{
    return f ? f->message : NULL;
}

/* Posture. */

void posture_free(struct soc2_posture *items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i].control);
    free(items);
}

static int compare_posture(const void *a, const void *b)
{
    const struct soc2_posture *x = a, *y = b;
    return natural_compare(x->control, y->control);
}

int report_posture(const soc2_report *r, const char *framework, struct soc2_posture **out,
                   size_t *count)
{
    struct soc2_posture *items = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < r->count; i++) {
        const soc2_finding *f = &r->findings[i];
        for (size_t k = 0; k < f->rule->control_count; k++) {
            const control_ref *ref = &f->rule->controls[k];
            if (strcmp(ref->framework, framework) != 0)
                continue;
            size_t j = 0;
            while (j < n && strcmp(items[j].control, ref->control) != 0)
                j++;
            if (j == n) {
                struct soc2_posture p = {strdup(ref->control), {0}};
                if (!p.control || ARRAY_PUSH(items, n, cap, p) < 0) {
                    free(p.control);
                    posture_free(items, n);
                    return -1;
                }
            }
            items[j].counts[f->status]++;
        }
    }

    /* Controls of evaluated rules without findings still appear, at zero. */
    for (size_t i = 0; i < r->evaluated_count; i++) {
        const soc2_rule *rule = r->evaluated[i];
        for (size_t k = 0; k < rule->control_count; k++) {
            const control_ref *ref = &rule->controls[k];
            if (strcmp(ref->framework, framework) != 0)
                continue;
            size_t j = 0;
            while (j < n && strcmp(items[j].control, ref->control) != 0)
                j++;
            if (j < n)
                continue;
            struct soc2_posture p = {strdup(ref->control), {0}};
            if (!p.control || ARRAY_PUSH(items, n, cap, p) < 0) {
                free(p.control);
                posture_free(items, n);
                return -1;
            }
        }
    }

    if (n > 1)
        qsort(items, n, sizeof(*items), compare_posture);
    *out = items;
    *count = n;
    return 0;
}

struct soc2_posture_iterator {
    struct soc2_posture *items;
    size_t count, next;
};

int soc2_posture_iterator_new(soc2_posture_iterator **out, const soc2_report *r,
                              const char *framework)
{
    if (!out || !r || !framework)
        return error_set(SOC2_EINVAL, "out, report and framework must not be NULL");
    soc2_posture_iterator *it = calloc(1, sizeof(*it));
    if (!it || report_posture(r, framework, &it->items, &it->count) < 0) {
        free(it);
        return error_nomem();
    }
    *out = it;
    return SOC2_OK;
}

int soc2_posture_iterator_next(const soc2_posture **out, soc2_posture_iterator *it)
{
    if (!out || !it)
        return error_set(SOC2_EINVAL, "out and iterator must not be NULL");
    if (it->next >= it->count)
        return SOC2_ITEROVER;
    *out = &it->items[it->next++];
    return SOC2_OK;
}

void soc2_posture_iterator_free(soc2_posture_iterator *it)
{
    if (!it)
        return;
    posture_free(it->items, it->count);
    free(it);
}

const char *soc2_posture_control(const soc2_posture *p)
{
    return p ? p->control : NULL;
}

size_t soc2_posture_count(const soc2_posture *p, soc2_finding_status status)
{
    if (!p || (unsigned)status >= SOC2_FINDING_STATUS_COUNT)
        return 0;
    return p->counts[status];
}
