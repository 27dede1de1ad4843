/* Compares libsoc2 with the outcomes Regula's authors asserted for their
 * Terraform plan fixtures (tests/data/regula/expected.json): for every
 * Regula rule that a libsoc2 rule checks too, each listed resource must get
 * the same pass or fail, except where this file records a divergence. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "model/model.h"
#include <soc2/soc2.h>

/* Regula rule -> the libsoc2 rule that checks the same property. Regula
 * rules without a counterpart (FG_R00377 exact-port allow list, FG_R00031
 * trail bucket logging, FG_R00237 event selectors, FG_R00036 key rotation,
 * FG_R00210/FG_R00211 list-action allow lists) are skipped. */
static const struct {
    const char *regula;
    const char *libsoc2;
} rule_map[] = {
    {"FG_R00092", "aws-iam-no-admin-policy"},
    {"FG_R00085", "aws-ec2-no-public-ingress-ssh"},
    {"FG_R00087", "aws-ec2-no-public-ingress-rdp"},
    {"FG_R00041", "aws-ec2-no-public-ingress-http"},
    {"FG_R00027", "aws-cloudtrail-log-file-validation"},
    {"FG_R00029", "aws-cloudtrail-cloudwatch-delivery"},
    {"FG_R00035", "aws-cloudtrail-kms-encryption"},
    {"FG_R00054", "aws-vpc-flow-logs-enabled"},
    {"FG_R00068", "aws-logs-group-cmk"},
};

static const char *libsoc2_rule(const char *regula)
{
    for (size_t i = 0; i < sizeof(rule_map) / sizeof(rule_map[0]); i++)
        if (strcmp(rule_map[i].regula, regula) == 0)
            return rule_map[i].libsoc2;
    return NULL;
}

static const char *status_word(soc2_finding_status status)
{
    return status == SOC2_FINDING_PASS ? "PASS" : status == SOC2_FINDING_FAIL ? "FAIL" : "OTHER";
}

static soc2_report *evaluate_file(const char *relative, soc2_engine **engine,
                                  soc2_snapshot **snapshot)
{
    ck_assert_int_eq(soc2_engine_new(engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(*engine), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(snapshot), SOC2_OK);
    char path[1024];
    snprintf(path, sizeof(path), "regula/%s", relative);
    int rc = soc2_snapshot_load_file(*snapshot, data_path(path), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
    soc2_report *report;
    ck_assert_int_eq(soc2_evaluate(&report, *engine, *snapshot, NULL), SOC2_OK);
    return report;
}

static int find_status(const soc2_report *report, const char *rule, const char *address,
                       soc2_finding_status *out)
{
    soc2_finding_iterator *it;
    const soc2_finding *f;
    int found = 0;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (!found && soc2_finding_iterator_next(&f, it) == SOC2_OK) {
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), address) == 0) {
            *out = soc2_finding_status_of(f);
            found = 1;
        }
    }
    soc2_finding_iterator_free(it);
    return found;
}

/* Checks a resource-view entry "attribute == 'target address'": the
 * attribute must hold a reference to that resource. */
static void check_resource_view(const soc2_snapshot *snapshot, const char *address,
                                const char *assertion)
{
    char attribute[128], target[512];
    ck_assert_msg(sscanf(assertion, "%127s == '%511[^']'", attribute, target) == 2,
                  "unreadable resource-view entry: %s", assertion);
    const soc2_resource *r;
    ck_assert_msg(soc2_snapshot_find_resource(&r, snapshot, address) == SOC2_OK,
                  "no resource %s", address);
    int found = 0;
    for (size_t i = 0; i < r->edge_count; i++)
        found |= strcmp(r->edges[i].path, attribute) == 0 && r->edges[i].target &&
                 strcmp(r->edges[i].target->address, target) == 0;
    ck_assert_msg(found, "%s.%s does not refer to %s", address, attribute, target);
}

START_TEST(regula_plan_outcomes_match)
{
    json_error_t err;
    json_t *expected = json_load_file(data_path("regula/expected.json"), 0, &err);
    ck_assert_msg(expected != NULL, "expected.json: %s", err.text);

    size_t compared = 0, views = 0;
    const char *file;
    json_t *fixture;
    json_object_foreach(json_object_get(expected, "fixtures"), file, fixture) {
        if (strcmp(json_string_value(json_object_get(fixture, "input_type")), "tf_plan") != 0)
            continue;

        soc2_engine *engine;
        soc2_snapshot *snapshot;
        soc2_report *report = evaluate_file(file, &engine, &snapshot);

        size_t i;
        json_t *expectation;
        json_array_foreach(json_object_get(fixture, "expectations"), i, expectation) {
            const char *regula = json_string_value(json_object_get(expectation, "rule_id"));
            const char *address;
            json_t *outcome;
            if (strcmp(regula, "resource-view") == 0) {
                json_object_foreach(json_object_get(expectation, "results"), address, outcome) {
                    check_resource_view(snapshot, address, json_string_value(outcome));
                    views++;
                }
                continue;
            }
            const char *rule = libsoc2_rule(regula);
            if (!rule)
                continue;
            json_object_foreach(json_object_get(expectation, "results"), address, outcome) {
                soc2_finding_status status;
                ck_assert_msg(find_status(report, rule, address, &status),
                              "%s: no %s finding on %s", file, rule, address);
                ck_assert_msg(strcmp(status_word(status), json_string_value(outcome)) == 0,
                              "%s: %s (%s) on %s is %s, Regula expects %s", file, rule, regula,
                              address, soc2_finding_status_name(status),
                              json_string_value(outcome));
                compared++;
            }
        }
        soc2_report_free(report);
        soc2_snapshot_free(snapshot);
        soc2_engine_free(engine);
    }
    json_decref(expected);

    /* Guards against a silently empty comparison. */
    ck_assert_uint_ge(compared, 40);
    ck_assert_uint_eq(views, 4);
}
END_TEST

/* Regula's FG_R00211 passes allowget-external-policy, which allows Action
 * "*" to Principal {"AWS": "*"}. AWS would let anyone do anything to that
 * bucket, so libsoc2 fails it on both the public-principal and the
 * wildcard-action rules. */
START_TEST(public_allow_all_bucket_policy_fails)
{
    soc2_engine *engine;
    soc2_snapshot *snapshot;
    soc2_report *report = evaluate_file("rules/tf/aws/s3/inputs/bucketpolicy_allowlist_infra.json",
                                        &engine, &snapshot);
    static const struct {
        const char *bucket;
        soc2_finding_status public_principal, wildcard_action;
    } buckets[] = {
        {"aws_s3_bucket.allowget-external-policy", SOC2_FINDING_FAIL, SOC2_FINDING_FAIL},
        {"aws_s3_bucket.allowlist-external-policy", SOC2_FINDING_FAIL, SOC2_FINDING_PASS},
        {"aws_s3_bucket.allowlist-inline-policy", SOC2_FINDING_FAIL, SOC2_FINDING_PASS},
        {"aws_s3_bucket.allowget-inline-policy", SOC2_FINDING_FAIL, SOC2_FINDING_PASS},
        {"aws_s3_bucket.denylist-external-policy", SOC2_FINDING_PASS, SOC2_FINDING_PASS},
        {"aws_s3_bucket.denylist-inline-policy", SOC2_FINDING_PASS, SOC2_FINDING_PASS},
        {"aws_s3_bucket.nopolicy-bucket", SOC2_FINDING_PASS, SOC2_FINDING_PASS},
    };
    for (size_t i = 0; i < sizeof(buckets) / sizeof(buckets[0]); i++) {
        soc2_finding_status status;
        ck_assert_msg(find_status(report, "aws-s3-bucket-policy-no-public-principal",
                                  buckets[i].bucket, &status),
                      "no finding on %s", buckets[i].bucket);
        ck_assert_msg(status == buckets[i].public_principal, "%s: public principal is %s",
                      buckets[i].bucket, soc2_finding_status_name(status));
        ck_assert(find_status(report, "aws-s3-bucket-policy-no-wildcard-action",
                              buckets[i].bucket, &status));
        ck_assert_msg(status == buckets[i].wildcard_action, "%s: wildcard action is %s",
                      buckets[i].bucket, soc2_finding_status_name(status));
    }
    soc2_report_free(report);
    soc2_snapshot_free(snapshot);
    soc2_engine_free(engine);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("regula");
    TCase *tc = tcase_create("plans");
    tcase_add_test(tc, regula_plan_outcomes_match);
    tcase_add_test(tc, public_allow_all_bucket_policy_fails);
    suite_add_tcase(s, tc);
    return s;
}
