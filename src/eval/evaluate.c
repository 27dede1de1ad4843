/* soc2_evaluate: runs every selected rule over the snapshot and builds the
 * report, in a deterministic order (rules in engine order, resources in load
 * order). */
#include <stdlib.h>
#include <string.h>

#include <soc2/report.h>

#include "eval.h"
#include "../core/error.h"
#include "../report/report_internal.h"

struct soc2_outcome {
    int set;
    soc2_finding_status status;
    strbuf path;
    strbuf message;
};

int soc2_outcome_set(soc2_outcome *o, soc2_finding_status status, const char *path,
                     const char *message)
{
    if (!o)
        return error_set(SOC2_EINVAL, "outcome must not be NULL");
    if ((unsigned)status > SOC2_FINDING_ERROR)
        return error_set(SOC2_EINVAL, "a callback rule may record pass, fail, unknown or "
                                      "error, not status %d",
                         (int)status);
    sb_reset(&o->path);
    sb_reset(&o->message);
    sb_puts(&o->path, path ? path : "");
    if (message)
        sb_puts(&o->message, message);
    if (o->path.failed || o->message.failed)
        return error_nomem();
    o->set = 1;
    o->status = status;
    return SOC2_OK;
}

static soc2_finding_status status_of(tv value)
{
    switch (value) {
    case TV_TRUE: return SOC2_FINDING_PASS;
    case TV_FALSE: return SOC2_FINDING_FAIL;
    case TV_UNKNOWN: return SOC2_FINDING_UNKNOWN;
    case TV_ERROR: break;
    }
    return SOC2_FINDING_ERROR;
}

/* Writes the finding's message: the rule's sentence for the status, with
 * what the deciding operator noted in brackets. A rule without a failure
 * message fails with "Fails: <title>", since titles state the compliant
 * case ("Trails validate their log files"). */
/* Returns why a value is not known, from the input that contains it: a
 * plan leaves values to apply, a template to the stack's deployment, and
 * AWS Config leaves out settings it does not record. */
static const char *unknown_reason(const soc2_resource *holder)
{
    switch (holder && holder->document ? holder->document->format : SOC2_FORMAT_AUTO) {
    case SOC2_FORMAT_TERRAFORM_PLAN: return " until apply";
    case SOC2_FORMAT_CLOUDFORMATION: return " until the stack is deployed";
    case SOC2_FORMAT_AWS_CONFIG: return ": AWS Config did not record it";
    default: return "";
    }
}

static char *compose_message(const soc2_rule *rule, soc2_finding_status status,
                             const char *path, const soc2_resource *evidence,
                             const soc2_resource *holder, int reference, const char *note)
{
    strbuf m = STRBUF_INIT;
    switch (status) {
    case SOC2_FINDING_PASS:
        sb_printf(&m, "Passes: %s", rule->title);
        break;
    case SOC2_FINDING_FAIL:
        if (rule->message)
            sb_puts(&m, rule->message);
        else
            sb_printf(&m, "Fails: %s", rule->title);
        break;
    case SOC2_FINDING_UNKNOWN:
        if (reference)
            sb_printf(&m, "Not decided: %s depends on which resource %s%s%s refers to",
                      rule->title, evidence ? evidence->address : "",
                      evidence && *path ? "." : "", *path ? path : (evidence ? "" : "a value"));
        else
            sb_printf(&m, "Not decided: %s depends on %s%s%s, whose value is not known%s",
                      rule->title, evidence ? evidence->address : "",
                      evidence && *path ? "." : "", *path ? path : (evidence ? "" : "a value"),
                      unknown_reason(holder));
        break;
    default:
        sb_printf(&m, "Could not be evaluated: %s", rule->title);
        break;
    }

    /* The message ends with one period of its own, after the note: a
     * period that a rule's message or the note already ends with is
     * dropped. */
    if (m.len > 0 && m.data[m.len - 1] == '.')
        sb_truncate(&m, m.len - 1);
    size_t note_length = note ? strlen(note) : 0;
    if (note_length && note[note_length - 1] == '.')
        note_length--;
    if (note_length && status != SOC2_FINDING_PASS) {
        sb_puts(&m, " (");
        sb_append(&m, note, note_length);
        sb_putc(&m, ')');
    }
    if (m.len == 0 || !strchr(".!?", m.data[m.len - 1]))
        sb_putc(&m, '.');
    return sb_steal(&m);
}

/* Finds the resource that contains the deciding value: a related resource a join
 * followed, or the resource a folded value came from. Returns NULL when it
 * is the finding's own resource. */
static const soc2_resource *evidence_of(const soc2_resource *subject, const eval_result *r)
{
    if (r->resource && r->resource != subject)
        return r->resource;
    if (subject) {
        /* An origin on the resource itself marks its own configuration. */
        const soc2_origin *origin = resource_origin_for(subject, sb_str(&r->path));
        if (origin && r->path.len && origin->source != subject)
            return origin->source;
    }
    return NULL;
}

static int add_finding(soc2_report *report, const soc2_rule *rule, const soc2_resource *subject,
                       const eval_result *r)
{
    soc2_finding_status status = status_of(r->value);
    const soc2_resource *evidence = evidence_of(subject, r);
    char *path = strdup(sb_str(&r->path));
    const soc2_resource *owner = r->resource ? r->resource : subject;
    char *message = compose_message(rule, status, sb_str(&r->path),
                                    r->resource && r->resource != subject ? r->resource : NULL,
                                    owner, r->reference, sb_str(&r->note));
    return report_add(report, rule, subject, status, path, evidence, owner, message);
}

static int run_callback(soc2_report *report, const soc2_rule *rule, const soc2_resource *res)
{
    soc2_outcome outcome = {0};
    sb_init(&outcome.path);
    sb_init(&outcome.message);

    int rc = rule->callback(&outcome, res, rule->payload);
    eval_result r;
    result_init(&r);
    if (rc != 0) {
        r.value = TV_ERROR;
        result_note(&r, "the callback returned %d", rc);
    } else if (!outcome.set) {
        r.value = TV_ERROR;
        result_note(&r, "the callback recorded no outcome");
    } else {
        r.value = outcome.status == SOC2_FINDING_PASS      ? TV_TRUE
                  : outcome.status == SOC2_FINDING_FAIL    ? TV_FALSE
                  : outcome.status == SOC2_FINDING_UNKNOWN ? TV_UNKNOWN
                                                           : TV_ERROR;
        r.resource = res;
        sb_puts(&r.path, sb_str(&outcome.path));
    }

    int added;
    if (rc == 0 && outcome.set && outcome.message.len) {
        added = report_add(report, rule, res, status_of(r.value), strdup(sb_str(&r.path)),
                           evidence_of(res, &r), res, strdup(sb_str(&outcome.message)));
    } else {
        added = add_finding(report, rule, res, &r);
    }
    result_free(&r);
    sb_free(&outcome.path);
    sb_free(&outcome.message);
    return added;
}

static int evaluate_on(soc2_report *report, const soc2_rule *rule, const eval_ctx *ctx,
                       const soc2_resource *res)
{
    if (rule->callback)
        return run_callback(report, rule, res);

    eval_result r;
    result_init(&r);
    if (res) {
        cursor root;
        cursor_root(&root, res);
        condition_eval(rule->assertion, ctx, &root, &r);
    } else {
        condition_eval(rule->assertion, ctx, NULL, &r);
    }
    int rc = add_finding(report, rule, res, &r);
    result_free(&r);
    return rc;
}

static int rule_reads(const soc2_rule *rule, const char *type)
{
    for (size_t i = 0; i < rule->type_count; i++)
        if (strcmp(rule->types[i], type) == 0)
            return 1;
    return 0;
}

static int evaluate_rule(soc2_report *report, const soc2_rule *rule, const eval_ctx *ctx)
{
    if (rule->scope == SOC2_SCOPE_ACCOUNT)
        return evaluate_on(report, rule, ctx, NULL);

    /* Data sources are read, not managed: references may reach them, but
     * no rule judges them. */
    const soc2_snapshot *s = ctx->snapshot;
    for (size_t i = 0; i < s->count; i++) {
        const soc2_resource *r = s->resources[i];
        if (!(r->flags & RESOURCE_DATA_SOURCE) && rule_reads(rule, r->type) &&
            evaluate_on(report, rule, ctx, r) < 0)
            return -1;
    }
    return 0;
}

static int select_rules(soc2_report *report, const soc2_engine *engine,
                        const soc2_eval_options *options)
{
    report->evaluated = calloc(engine->count ? engine->count : 1, sizeof(*report->evaluated));
    if (!report->evaluated)
        return error_nomem();

    if (!options || !options->rule_ids) {
        for (size_t i = 0; i < engine->count; i++)
            report->evaluated[report->evaluated_count++] = engine->rules[i];
        return SOC2_OK;
    }

    for (size_t i = 0; i < options->rule_id_count; i++) {
        const char *id = options->rule_ids[i];
        if (!id)
            return error_set(SOC2_EINVAL, "rule_ids[%zu] is NULL", i);
        if (!strmap_get(&engine->by_id, id))
            return error_set(SOC2_EINVAL, "no rule with ID \"%s\" in the engine", id);
    }
    /* Keep engine order whatever order the caller listed the IDs in. */
    for (size_t i = 0; i < engine->count; i++)
        for (size_t k = 0; k < options->rule_id_count; k++)
            if (strcmp(engine->rules[i]->id, options->rule_ids[k]) == 0) {
                report->evaluated[report->evaluated_count++] = engine->rules[i];
                break;
            }
    return SOC2_OK;
}

int soc2_evaluate(soc2_report **out, const soc2_engine *engine, soc2_snapshot *snapshot,
                  const soc2_eval_options *options)
{
    if (!out || !engine || !snapshot)
        return error_set(SOC2_EINVAL, "out, engine and snapshot must not be NULL");
    if (options && (options->version < 1 || options->version > SOC2_EVAL_OPTIONS_VERSION))
        return error_set(SOC2_EINVAL, "unsupported soc2_eval_options version %u (this library "
                                      "supports 1 to %d)",
                         options->version, SOC2_EVAL_OPTIONS_VERSION);

    int rc = snapshot_index(snapshot);
    if (rc != SOC2_OK)
        return rc;

    soc2_report *report = report_new(engine, snapshot);
    if (!report)
        return error_nomem();
    rc = select_rules(report, engine, options);
    if (rc != SOC2_OK) {
        soc2_report_free(report);
        return rc;
    }

    soc2_progress_callback progress =
        options && options->version >= 2 ? options->progress : NULL;
    void *payload = progress ? options->progress_payload : NULL;
    size_t total = report->evaluated_count;

    eval_cache cache;
    eval_cache_init(&cache);
    eval_ctx ctx = {snapshot, &cache};
    for (size_t i = 0; i <= total && rc == SOC2_OK; i++) {
        if (progress && progress(SOC2_PROGRESS_EVALUATE, i, total, payload) != 0)
            rc = error_set(SOC2_EUSER, "the evaluation was cancelled by the progress callback");
        else if (i < total && evaluate_rule(report, report->evaluated[i], &ctx) < 0)
            rc = error_nomem();
    }
    eval_cache_free(&cache);
    if (rc != SOC2_OK) {
        soc2_report_free(report);
        return rc;
    }
    *out = report;
    return SOC2_OK;
}
