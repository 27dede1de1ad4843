/* Progress callbacks: what a load and an evaluation report, in which
 * order, and that a callback returning nonzero cancels without changing
 * anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/soc2.h>

#include "harness.h"

/* The reports a callback received. */
typedef struct progress_log {
    soc2_progress_stage stages[4096];
    unsigned long long done[4096];
    unsigned long long total[4096];
    size_t count;
    size_t cancel_at; /* returns nonzero on this report (1-based); 0 never */
} progress_log;

static int record(soc2_progress_stage stage, unsigned long long done, unsigned long long total,
                  void *payload)
{
    progress_log *log = payload;
    ck_assert_uint_lt(log->count, sizeof(log->done) / sizeof(log->done[0]));
    log->stages[log->count] = stage;
    log->done[log->count] = done;
    log->total[log->count] = total;
    log->count++;
    return log->cancel_at != 0 && log->count == log->cancel_at;
}

/* A plan of `count` open security groups, each padded so that the text
 * passes a mebibyte every few thousand resources. */
static char *make_plan(size_t count, size_t *length)
{
    size_t cap = 256 + count * 1024;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t n = (size_t)snprintf(text, cap, "{\"format_version\": \"1.2\", \"resource_changes\": [");
    char padding[401];
    memset(padding, 'x', 400);
    padding[400] = '\0';
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_lt(n + 1024, cap + 256);
        n += (size_t)snprintf(
            text + n, cap - n,
            "%s{\"address\": \"aws_security_group.g%zu\", \"mode\": \"managed\", "
            "\"type\": \"aws_security_group\", \"name\": \"g%zu\", \"change\": {\"actions\": "
            "[\"create\"], \"before\": null, \"after\": {\"description\": \"%s\", \"ingress\": "
            "[{\"cidr_blocks\": [\"0.0.0.0/0\"], \"from_port\": 22, \"to_port\": 22, "
            "\"protocol\": \"tcp\"}]}, \"after_unknown\": {}}}",
            i ? ", " : "", i, i, padding);
    }
    n += (size_t)snprintf(text + n, cap - n, "]}");
    ck_assert_uint_lt(n, cap);
    *length = n;
    return text;
}

START_TEST(json_parse_reports_bytes)
{
    size_t length;
    char *plan = make_plan(5000, &length);
    ck_assert_uint_gt(length, 3u << 20);

    soc2_snapshot *s;
    progress_log *log = calloc(1, sizeof(*log));
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_set_progress(s, record, log), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, plan, length, "plan.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);

    /* Once per mebibyte, growing, and the last at the end. */
    ck_assert_uint_ge(log->count, 3);
    ck_assert_uint_le(log->count, length / (1u << 20) + 1);
    for (size_t i = 0; i < log->count; i++) {
        ck_assert_int_eq(log->stages[i], SOC2_PROGRESS_PARSE);
        ck_assert_uint_eq(log->total[i], length);
        if (i > 0)
            ck_assert_uint_gt(log->done[i], log->done[i - 1]);
    }
    ck_assert_uint_eq(log->done[log->count - 1], length);

    soc2_snapshot_free(s);
    free(log);
    free(plan);
}
END_TEST

START_TEST(cancelled_load_changes_nothing)
{
    size_t length;
    char *plan = make_plan(5000, &length);
    soc2_snapshot *s;
    progress_log *log = calloc(1, sizeof(*log));
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    const char *empty = "{\"format_version\": \"1.2\", \"resource_changes\": []}";
    ck_assert_int_eq(
        soc2_snapshot_load_buffer(s, empty, strlen(empty), "empty.json", SOC2_FORMAT_AUTO),
        SOC2_OK);

    log->cancel_at = 2;
    ck_assert_int_eq(soc2_snapshot_set_progress(s, record, log), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, plan, length, "plan.json", SOC2_FORMAT_AUTO),
                     SOC2_EUSER);
    ck_assert_int_eq(soc2_error_last()->code, SOC2_EUSER);
    ck_assert_str_eq(soc2_error_last()->file, "plan.json");
    ck_assert_uint_eq(log->count, 2);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);

    /* Without the callback the same text loads. */
    ck_assert_int_eq(soc2_snapshot_set_progress(s, NULL, NULL), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, plan, length, "plan.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 5000);

    soc2_snapshot_free(s);
    free(log);
    free(plan);
}
END_TEST

START_TEST(yaml_parse_reports_bytes)
{
    /* A YAML template of a little over two mebibytes. */
    size_t cap = 3u << 20, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    n += (size_t)snprintf(text, cap, "Resources:\n");
    for (size_t i = 0; n < (2u << 20) + 1000; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "  Group%zu:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
                              "      GroupDescription: !Sub \"group ${AWS::StackName} %zu\"\n",
                              i, i);

    soc2_snapshot *s;
    progress_log *log = calloc(1, sizeof(*log));
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_set_progress(s, record, log), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, n, "template.yaml", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_uint_ge(log->count, 3);
    for (size_t i = 0; i < log->count; i++) {
        ck_assert_int_eq(log->stages[i], SOC2_PROGRESS_PARSE);
        ck_assert_uint_eq(log->total[i], n);
        if (i > 0)
            ck_assert_uint_gt(log->done[i], log->done[i - 1]);
    }
    ck_assert_uint_eq(log->done[log->count - 1], n);

    log->count = 0;
    log->cancel_at = 1;
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, n, "again.yaml", SOC2_FORMAT_AUTO),
                     SOC2_EUSER);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);

    soc2_snapshot_free(s);
    free(log);
    free(text);
}
END_TEST

START_TEST(evaluation_reports_rules)
{
    size_t length;
    char *plan = make_plan(3, &length);
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = NULL;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, plan, length, "plan.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);

    progress_log *log = calloc(1, sizeof(*log));
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.progress = record;
    options.progress_payload = log;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_OK);

    /* 0 of n before the first rule, one report per rule, n of n at the end. */
    size_t rules = soc2_engine_rule_count(e);
    ck_assert_uint_eq(log->count, rules + 1);
    for (size_t i = 0; i <= rules; i++) {
        ck_assert_int_eq(log->stages[i], SOC2_PROGRESS_EVALUATE);
        ck_assert_uint_eq(log->done[i], i);
        ck_assert_uint_eq(log->total[i], rules);
    }
    soc2_report_free(report);

    /* Cancelling gives no report. */
    log->count = 0;
    log->cancel_at = 3;
    report = NULL;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_EUSER);
    ck_assert_ptr_null(report);
    ck_assert_uint_eq(log->count, 3);

    /* A version 1 options struct has no callback, and none is called. */
    soc2_eval_options old = {1, NULL, 0, record, log};
    log->count = 0;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &old), SOC2_OK);
    ck_assert_uint_eq(log->count, 0);
    soc2_report_free(report);

    soc2_snapshot_free(s);
    soc2_engine_free(e);
    free(log);
    free(plan);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_add_test(tc, json_parse_reports_bytes);
    tcase_add_test(tc, cancelled_load_changes_nothing);
    tcase_add_test(tc, yaml_parse_reports_bytes);
    tcase_add_test(tc, evaluation_reports_rules);
    suite_add_tcase(s, tc);
    return s;
}
