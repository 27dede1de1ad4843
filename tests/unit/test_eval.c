/* Evaluation of declarative and callback rules: operators, three-valued
 * logic, quantifiers, joins, account scope, evidence and the report. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "harness.h"

/* Evaluates `rules_json` on `fixture_json` and returns the report; the
 * engine and snapshot come back through the out parameters for freeing. */
static soc2_report *run(const char *rules_json, const char *fixture_json, soc2_engine **engine,
                        soc2_snapshot **snapshot)
{
    ck_assert_int_eq(soc2_engine_new(engine), SOC2_OK);
    int rc = soc2_engine_add_rules_buffer(*engine, rules_json, strlen(rules_json), "test-rules");
    ck_assert_msg(rc == SOC2_OK, "rules rejected: %s", soc2_error_last()->message);
    *snapshot = fixture_snapshot(fixture_json);
    soc2_report *report = NULL;
    ck_assert_int_eq(soc2_evaluate(&report, *engine, *snapshot, NULL), SOC2_OK);
    return report;
}

static void done(soc2_report *report, soc2_engine *engine, soc2_snapshot *snapshot)
{
    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(snapshot);
}

/* Returns the finding of `rule` on `address`, failing the test if absent. */
static const soc2_finding *finding_of(const soc2_report *report, const char *rule,
                                      const char *address)
{
    soc2_finding_iterator *it;
    const soc2_finding *f, *found = NULL;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), address) == 0)
            found = f;
    soc2_finding_iterator_free(it);
    ck_assert_msg(found != NULL, "no finding of %s on %s", rule, address);
    return found;
}

static soc2_finding_status status_of(const soc2_report *report, const char *rule,
                                     const char *address)
{
    return soc2_finding_status_of(finding_of(report, rule, address));
}

#define RULE(id, types, assertion)                                                          \
    "{\"id\": \"" id "\", \"title\": \"" id "\", \"severity\": \"low\", \"resource_types\": " \
    types ", \"assert\": " assertion "}"

static const char *const scalar_fixture =
    "[{\"address\": \"x.a\", \"type\": \"x\", \"attrs\": {\"flag\": \"TRUE\", \"port\": \"22\","
    " \"name\": \"Prod-web\", \"tags\": [\"a\", \"b\"], \"empty\": \"\", \"n\": 7}},"
    " {\"address\": \"x.b\", \"type\": \"x\", \"attrs\": {}, \"unknown\": [\"flag\", \"n\"]}]";

START_TEST(compare_operators_on_present_missing_unknown)
{
    static const struct {
        const char *assertion;
        soc2_finding_status on_a, on_b;
    } cases[] = {
        {"{\"attribute\": \"flag\", \"op\": \"eq\", \"value\": true}", SOC2_FINDING_PASS,
         SOC2_FINDING_UNKNOWN},
        {"{\"attribute\": \"port\", \"op\": \"eq\", \"value\": 22}", SOC2_FINDING_PASS,
         SOC2_FINDING_FAIL},
        {"{\"attribute\": \"port\", \"op\": \"ne\", \"value\": 22}", SOC2_FINDING_FAIL,
         SOC2_FINDING_PASS},
        {"{\"attribute\": \"name\", \"op\": \"in\", \"value\": [\"x\", \"prod-web\"], "
         "\"ignore_case\": true}",
         SOC2_FINDING_PASS, SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"not_in\", \"value\": [\"prod-web\"]}",
         SOC2_FINDING_PASS, SOC2_FINDING_PASS},
        {"{\"attribute\": \"n\", \"op\": \"ge\", \"value\": 7}", SOC2_FINDING_PASS,
         SOC2_FINDING_UNKNOWN},
        {"{\"attribute\": \"n\", \"op\": \"lt\", \"value\": 7}", SOC2_FINDING_FAIL,
         SOC2_FINDING_UNKNOWN},
        {"{\"attribute\": \"name\", \"op\": \"exists\"}", SOC2_FINDING_PASS, SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"absent\"}", SOC2_FINDING_FAIL, SOC2_FINDING_PASS},
        {"{\"attribute\": \"empty\", \"op\": \"empty\"}", SOC2_FINDING_PASS, SOC2_FINDING_PASS},
        {"{\"attribute\": \"tags\", \"op\": \"not_empty\"}", SOC2_FINDING_PASS,
         SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"starts_with\", \"value\": \"Prod\"}",
         SOC2_FINDING_PASS, SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"ends_with\", \"value\": \"WEB\", \"ignore_case\": "
         "true}",
         SOC2_FINDING_PASS, SOC2_FINDING_FAIL},
        {"{\"attribute\": \"tags\", \"op\": \"contains\", \"value\": \"b\"}", SOC2_FINDING_PASS,
         SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"contains\", \"value\": \"d-w\"}", SOC2_FINDING_PASS,
         SOC2_FINDING_FAIL},
        {"{\"attribute\": \"name\", \"op\": \"matches\", \"value\": \"P*-w?b\"}",
         SOC2_FINDING_PASS, SOC2_FINDING_FAIL},
        {"{\"attribute\": \"@type\", \"op\": \"eq\", \"value\": \"x\"}", SOC2_FINDING_PASS,
         SOC2_FINDING_PASS},
        {"{\"attribute\": \"@address\", \"op\": \"eq\", \"value\": \"x.b\"}", SOC2_FINDING_FAIL,
         SOC2_FINDING_PASS},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char rules[1024];
        snprintf(rules, sizeof(rules), RULE("r", "[\"x\"]", "%s"), cases[i].assertion);
        soc2_engine *e;
        soc2_snapshot *s;
        soc2_report *report = run(rules, scalar_fixture, &e, &s);
        ck_assert_msg(status_of(report, "r", "x.a") == cases[i].on_a, "case %zu on x.a: %s", i,
                      cases[i].assertion);
        ck_assert_msg(status_of(report, "r", "x.b") == cases[i].on_b, "case %zu on x.b: %s", i,
                      cases[i].assertion);
        done(report, e, s);
    }
}
END_TEST

START_TEST(kleene_logic_decides_past_unknown)
{
    const char *rules =
        "[" RULE("all-false", "[\"x\"]",
                 "{\"all_of\": [{\"attribute\": \"flag\", \"op\": \"eq\", \"value\": true},"
                 " {\"attribute\": \"missing\", \"op\": \"exists\"}]}") ","
        RULE("any-true", "[\"x\"]",
             "{\"any_of\": [{\"attribute\": \"flag\", \"op\": \"eq\", \"value\": true},"
             " {\"attribute\": \"missing\", \"op\": \"absent\"}]}") ","
        RULE("not-unknown", "[\"x\"]",
             "{\"not\": {\"attribute\": \"flag\", \"op\": \"eq\", \"value\": true}}") "]";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, scalar_fixture, &e, &s);

    const soc2_finding *f = finding_of(report, "all-false", "x.b");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_path(f), "missing");
    ck_assert_int_eq(status_of(report, "any-true", "x.b"), SOC2_FINDING_PASS);
    f = finding_of(report, "not-unknown", "x.b");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_UNKNOWN);
    ck_assert_str_eq(soc2_finding_path(f), "flag");
    ck_assert_ptr_nonnull(strstr(soc2_finding_message(f), "not known"));
    done(report, e, s);
}
END_TEST

static const char *const group_fixture =
    "[{\"address\": \"sg.open\", \"type\": \"sg\", \"attrs\": {\"ingress\": ["
    "  {\"protocol\": \"tcp\", \"port\": 443}, {\"protocol\": \"-1\", \"port\": 0}]}},"
    " {\"address\": \"sg.closed\", \"type\": \"sg\", \"attrs\": {\"ingress\": ["
    "  {\"protocol\": \"tcp\", \"port\": 443}]}},"
    " {\"address\": \"sg.none\", \"type\": \"sg\", \"attrs\": {}},"
    " {\"address\": \"sg.later\", \"type\": \"sg\", \"attrs\": {\"ingress\": ["
    "  {\"protocol\": \"tcp\"}, {}]}, \"unknown\": [\"ingress[1].protocol\"]},"
    " {\"address\": \"sg.whole\", \"type\": \"sg\", \"attrs\": {}, \"unknown\": [\"ingress\"]}]";

START_TEST(list_quantifiers_report_the_element)
{
    const char *rules =
        "[" RULE("none-all-traffic", "[\"sg\"]",
                 "{\"none\": \"ingress\", \"where\": {\"attribute\": \"protocol\", \"op\": "
                 "\"eq\", \"value\": \"-1\"}}") ","
        RULE("all-tcp", "[\"sg\"]",
             "{\"all\": \"ingress\", \"where\": {\"attribute\": \"protocol\", \"op\": \"eq\", "
             "\"value\": \"tcp\"}}") ","
        RULE("at-least-two", "[\"sg\"]", "{\"count\": \"ingress\", \"op\": \"ge\", \"value\": 2}")
        "]";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, group_fixture, &e, &s);

    const soc2_finding *f = finding_of(report, "none-all-traffic", "sg.open");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_path(f), "ingress[1].protocol");
    ck_assert_int_eq(status_of(report, "none-all-traffic", "sg.closed"), SOC2_FINDING_PASS);
    ck_assert_int_eq(status_of(report, "none-all-traffic", "sg.none"), SOC2_FINDING_PASS);
    f = finding_of(report, "none-all-traffic", "sg.later");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_UNKNOWN);
    ck_assert_str_eq(soc2_finding_path(f), "ingress[1].protocol");
    ck_assert_int_eq(status_of(report, "none-all-traffic", "sg.whole"), SOC2_FINDING_UNKNOWN);

    ck_assert_int_eq(status_of(report, "all-tcp", "sg.open"), SOC2_FINDING_FAIL);
    ck_assert_int_eq(status_of(report, "all-tcp", "sg.none"), SOC2_FINDING_PASS);
    ck_assert_int_eq(status_of(report, "all-tcp", "sg.later"), SOC2_FINDING_UNKNOWN);

    ck_assert_int_eq(status_of(report, "at-least-two", "sg.open"), SOC2_FINDING_PASS);
    ck_assert_int_eq(status_of(report, "at-least-two", "sg.closed"), SOC2_FINDING_FAIL);
    ck_assert_int_eq(status_of(report, "at-least-two", "sg.later"), SOC2_FINDING_PASS);
    done(report, e, s);
}
END_TEST

static const char *const join_fixture =
    "[{\"address\": \"aws_vpc.logged\", \"type\": \"aws_vpc\", \"attrs\": {\"id\": \"vpc-1\"}},"
    " {\"address\": \"aws_vpc.reject_only\", \"type\": \"aws_vpc\", \"attrs\": {}},"
    " {\"address\": \"aws_vpc.bare\", \"type\": \"aws_vpc\", \"attrs\": {}},"
    " {\"address\": \"aws_flow_log.by_value\", \"type\": \"aws_flow_log\","
    "  \"attrs\": {\"vpc_id\": \"vpc-1\", \"traffic_type\": \"ALL\"}},"
    " {\"address\": \"aws_flow_log.by_ref\", \"type\": \"aws_flow_log\","
    "  \"attrs\": {\"traffic_type\": \"reject\"}, \"unknown\": [\"vpc_id\"],"
    "  \"refs\": [[\"vpc_id\", \"aws_vpc.reject_only\"]]},"
    " {\"address\": \"aws_flow_log.accept\", \"type\": \"aws_flow_log\","
    "  \"attrs\": {\"traffic_type\": \"ACCEPT\"}, \"refs\": [[\"vpc_id\", \"aws_vpc.bare\"]]}]";

START_TEST(referrers_by_reference_and_by_value)
{
    const char *rules = RULE(
        "flow", "[\"aws_vpc\"]",
        "{\"any\": {\"referrers\": \"vpc_id\", \"types\": [\"aws_flow_log\"]}, \"where\": "
        "{\"attribute\": \"traffic_type\", \"op\": \"in\", \"value\": [\"REJECT\", \"ALL\"], "
        "\"ignore_case\": true}}");
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, join_fixture, &e, &s);

    const soc2_finding *f = finding_of(report, "flow", "aws_vpc.logged");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_PASS);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_flow_log.by_value");
    ck_assert_int_eq(status_of(report, "flow", "aws_vpc.reject_only"), SOC2_FINDING_PASS);
    f = finding_of(report, "flow", "aws_vpc.bare");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_flow_log.accept");
    ck_assert_str_eq(soc2_finding_path(f), "traffic_type");
    done(report, e, s);
}
END_TEST

START_TEST(unexplained_unknown_reference_makes_join_unknown)
{
    const char *fixture =
        "[{\"address\": \"aws_vpc.a\", \"type\": \"aws_vpc\", \"attrs\": {}},"
        " {\"address\": \"aws_flow_log.f\", \"type\": \"aws_flow_log\","
        "  \"attrs\": {\"traffic_type\": \"ALL\"}, \"unknown\": [\"vpc_id\"]}]";
    const char *rules =
        RULE("flow", "[\"aws_vpc\"]",
             "{\"any\": {\"referrers\": \"vpc_id\", \"types\": [\"aws_flow_log\"]}}");
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, fixture, &e, &s);
    ck_assert_int_eq(status_of(report, "flow", "aws_vpc.a"), SOC2_FINDING_UNKNOWN);
    done(report, e, s);
}
END_TEST

START_TEST(follow_and_match_joins)
{
    const char *fixture =
        "[{\"address\": \"aws_cloudtrail.t\", \"type\": \"aws_cloudtrail\", \"attrs\": {},"
        "  \"unknown\": [\"cloud_watch_logs_group_arn\"],"
        "  \"refs\": [[\"cloud_watch_logs_group_arn\", \"aws_cloudwatch_log_group.g\"]]},"
        " {\"address\": \"aws_cloudwatch_log_group.g\", \"type\": \"aws_cloudwatch_log_group\","
        "  \"attrs\": {\"name\": \"trail\"}},"
        " {\"address\": \"aws_cloudwatch_log_metric_filter.f\", \"type\": "
        "\"aws_cloudwatch_log_metric_filter\", \"attrs\": {\"log_group_name\": \"trail\","
        "  \"metric_transformation\": [{\"name\": \"Changes\", \"namespace\": \"CIS\"}]}},"
        " {\"address\": \"aws_cloudwatch_metric_alarm.good\", \"type\": "
        "\"aws_cloudwatch_metric_alarm\", \"attrs\": {\"metric_name\": \"Changes\","
        "  \"namespace\": \"CIS\"}},"
        " {\"address\": \"aws_cloudwatch_metric_alarm.other_ns\", \"type\": "
        "\"aws_cloudwatch_metric_alarm\", \"attrs\": {\"metric_name\": \"Changes\","
        "  \"namespace\": \"Other\"}}]";
    const char *rules =
        "[" RULE("chain", "[\"aws_cloudtrail\"]",
                 "{\"any\": {\"follow\": \"cloud_watch_logs_group_arn\", \"types\": "
                 "[\"aws_cloudwatch_log_group\"]}, \"where\": {\"any\": {\"referrers\": "
                 "\"log_group_name\", \"types\": [\"aws_cloudwatch_log_metric_filter\"]}}}") ","
        RULE("alarms", "[\"aws_cloudwatch_log_metric_filter\"]",
             "{\"count\": {\"match\": [{\"local\": \"metric_transformation[0].name\", "
             "\"remote\": \"metric_name\"}, {\"local\": \"metric_transformation[0].namespace\", "
             "\"remote\": \"namespace\"}], \"types\": [\"aws_cloudwatch_metric_alarm\"]}, "
             "\"op\": \"eq\", \"value\": 1}") "]";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, fixture, &e, &s);
    const soc2_finding *f = finding_of(report, "chain", "aws_cloudtrail.t");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_PASS);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_cloudwatch_log_metric_filter.f");
    ck_assert_int_eq(status_of(report, "alarms", "aws_cloudwatch_log_metric_filter.f"),
                     SOC2_FINDING_PASS);
    done(report, e, s);
}
END_TEST

START_TEST(account_scope_names_candidate)
{
    const char *rule =
        "{\"id\": \"trail\", \"title\": \"trail\", \"severity\": \"high\", \"scope\": "
        "\"account\", \"assert\": {\"any\": {\"resources\": [\"aws_cloudtrail\"]}, \"where\": "
        "{\"attribute\": \"is_multi_region_trail\", \"op\": \"eq\", \"value\": true}}}";

    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rule, "[]", &e, &s);
    const soc2_finding *f = finding_of(report, "trail", "account");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_resource_type(f), "aws_account");
    ck_assert_ptr_null(soc2_finding_resource(f));
    ck_assert_ptr_null(soc2_finding_file(f));
    done(report, e, s);

    report = run(rule,
                 "[{\"address\": \"aws_cloudtrail.a\", \"type\": \"aws_cloudtrail\", \"attrs\": "
                 "{\"is_multi_region_trail\": false}},"
                 " {\"address\": \"aws_cloudtrail.b\", \"type\": \"aws_cloudtrail\", \"attrs\": "
                 "{\"is_multi_region_trail\": false}}]",
                 &e, &s);
    f = finding_of(report, "trail", "account");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_cloudtrail.a");
    ck_assert_str_eq(soc2_finding_path(f), "is_multi_region_trail");
    ck_assert_str_eq(soc2_finding_file(f), "fixture.json");
    done(report, e, s);

    report = run(rule,
                 "[{\"address\": \"aws_cloudtrail.a\", \"type\": \"aws_cloudtrail\", \"attrs\": "
                 "{\"is_multi_region_trail\": false}},"
                 " {\"address\": \"aws_cloudtrail.b\", \"type\": \"aws_cloudtrail\", \"attrs\": "
                 "{\"is_multi_region_trail\": \"true\"}}]",
                 &e, &s);
    f = finding_of(report, "trail", "account");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_PASS);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_cloudtrail.b");
    done(report, e, s);
}
END_TEST

static int callback_rule(soc2_outcome *outcome, const soc2_resource *resource, void *payload)
{
    int *calls = payload;
    (*calls)++;
    const char *name;
    int rc = soc2_resource_get_string(&name, resource, "name");
    if (rc == SOC2_EUNKNOWN)
        return soc2_outcome_set(outcome, SOC2_FINDING_UNKNOWN, "name", NULL);
    if (rc == SOC2_ENOTFOUND)
        return 7; /* an error the finding must report */
    if (strcmp(name, "skip") == 0)
        return 0; /* records nothing */
    return soc2_outcome_set(outcome,
                            strcmp(name, "good") == 0 ? SOC2_FINDING_PASS : SOC2_FINDING_FAIL,
                            "name", strcmp(name, "good") == 0 ? NULL : "named badly");
}

START_TEST(callback_rule_outcomes)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    int calls = 0;
    const char *types[] = {"x"};
    soc2_rule_spec spec = SOC2_RULE_SPEC_INIT;
    spec.id = "cb";
    spec.title = "Names are good";
    spec.resource_types = types;
    spec.resource_type_count = 1;
    spec.controls_json = "{\"SOC2\": [\"CC6.1\"]}";
    ck_assert_int_eq(soc2_engine_add_callback_rule(e, &spec, callback_rule, &calls), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_callback_rule(e, &spec, callback_rule, &calls),
                     SOC2_EEXISTS);
    spec.id = "bad-controls";
    spec.controls_json = "{\"SOC2\": \"CC6.1\"}";
    ck_assert_int_eq(soc2_engine_add_callback_rule(e, &spec, callback_rule, &calls), SOC2_ERULE);

    soc2_snapshot *s = fixture_snapshot(
        "[{\"address\": \"x.good\", \"type\": \"x\", \"attrs\": {\"name\": \"good\"}},"
        " {\"address\": \"x.bad\", \"type\": \"x\", \"attrs\": {\"name\": \"bad\"}},"
        " {\"address\": \"x.later\", \"type\": \"x\", \"attrs\": {}, \"unknown\": [\"name\"]},"
        " {\"address\": \"x.nameless\", \"type\": \"x\", \"attrs\": {}},"
        " {\"address\": \"x.skip\", \"type\": \"x\", \"attrs\": {\"name\": \"skip\"}},"
        " {\"address\": \"y.other\", \"type\": \"y\", \"attrs\": {\"name\": \"bad\"}}]");
    soc2_report *report;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, NULL), SOC2_OK);
    ck_assert_int_eq(calls, 5);
    ck_assert_int_eq(status_of(report, "cb", "x.good"), SOC2_FINDING_PASS);
    const soc2_finding *f = finding_of(report, "cb", "x.bad");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_message(f), "named badly");
    ck_assert_str_eq(soc2_finding_path(f), "name");
    ck_assert_int_eq(status_of(report, "cb", "x.later"), SOC2_FINDING_UNKNOWN);
    f = finding_of(report, "cb", "x.nameless");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_ERROR);
    ck_assert_ptr_nonnull(strstr(soc2_finding_message(f), "returned 7"));
    ck_assert_int_eq(status_of(report, "cb", "x.skip"), SOC2_FINDING_ERROR);
    ck_assert_uint_eq(soc2_report_finding_count(report), 5);
    done(report, e, s);
}
END_TEST

START_TEST(report_counts_posture_and_selection)
{
    const char *rules =
        "[{\"id\": \"a\", \"title\": \"a\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
        "  \"controls\": {\"SOC2\": [\"CC6.10\", \"CC6.1\"], \"CIS-AWS\": [\"2.14\"]},"
        "  \"assert\": {\"attribute\": \"ok\", \"op\": \"eq\", \"value\": true}},"
        " {\"id\": \"b\", \"title\": \"b\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
        "  \"controls\": {\"SOC2\": [\"CC6.1\"]},"
        "  \"assert\": {\"attribute\": \"ok\", \"op\": \"exists\"}}]";
    const char *fixture =
        "[{\"address\": \"x.1\", \"type\": \"x\", \"attrs\": {\"ok\": true}},"
        " {\"address\": \"x.2\", \"type\": \"x\", \"attrs\": {\"ok\": false}},"
        " {\"address\": \"x.3\", \"type\": \"x\", \"attrs\": {}, \"unknown\": [\"ok\"]}]";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules, fixture, &e, &s);
    ck_assert_uint_eq(soc2_report_finding_count(report), 6);
    ck_assert_uint_eq(soc2_report_count(report, SOC2_FINDING_PASS), 3);
    ck_assert_uint_eq(soc2_report_count(report, SOC2_FINDING_FAIL), 1);
    ck_assert_uint_eq(soc2_report_count(report, SOC2_FINDING_UNKNOWN), 2);

    /* Findings come rule by rule, resource by resource. */
    soc2_finding_iterator *it;
    const soc2_finding *f;
    const char *order[] = {"a", "x.1", "a", "x.2", "a", "x.3", "b", "x.1", "b", "x.2", "b", "x.3"};
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(soc2_finding_iterator_next(&f, it), SOC2_OK);
        ck_assert_str_eq(soc2_finding_rule_id(f), order[2 * i]);
        ck_assert_str_eq(soc2_finding_resource_address(f), order[2 * i + 1]);
    }
    ck_assert_int_eq(soc2_finding_iterator_next(&f, it), SOC2_ITEROVER);
    soc2_finding_iterator_free(it);

    /* Posture per criterion, in natural order. */
    soc2_posture_iterator *pit;
    const soc2_posture *p;
    ck_assert_int_eq(soc2_posture_iterator_new(&pit, report, "SOC2"), SOC2_OK);
    ck_assert_int_eq(soc2_posture_iterator_next(&p, pit), SOC2_OK);
    ck_assert_str_eq(soc2_posture_control(p), "CC6.1");
    ck_assert_uint_eq(soc2_posture_count(p, SOC2_FINDING_PASS), 3);
    ck_assert_uint_eq(soc2_posture_count(p, SOC2_FINDING_FAIL), 1);
    ck_assert_uint_eq(soc2_posture_count(p, SOC2_FINDING_UNKNOWN), 2);
    ck_assert_int_eq(soc2_posture_iterator_next(&p, pit), SOC2_OK);
    ck_assert_str_eq(soc2_posture_control(p), "CC6.10");
    ck_assert_uint_eq(soc2_posture_count(p, SOC2_FINDING_PASS), 1);
    ck_assert_int_eq(soc2_posture_iterator_next(&p, pit), SOC2_ITEROVER);
    soc2_posture_iterator_free(pit);
    soc2_report_free(report);

    /* Selecting rules by ID. */
    const char *only_b[] = {"b"};
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = only_b;
    options.rule_id_count = 1;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_OK);
    ck_assert_uint_eq(soc2_report_finding_count(report), 3);
    soc2_report_free(report);
    const char *missing[] = {"nope"};
    options.rule_ids = missing;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_EINVAL);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "nope"));
    options.version = 99;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_EINVAL);

    soc2_engine_free(e);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(json_report_has_required_fields)
{
    const char *rules =
        "{\"id\": \"a\", \"title\": \"a\", \"severity\": \"high\", \"resource_types\": [\"x\"],"
        " \"controls\": {\"SOC2\": [\"CC6.1\"]}, \"message\": \"Says \\\"no\\\"\\nplease\","
        " \"assert\": {\"attribute\": \"ok\", \"op\": \"eq\", \"value\": true}}";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = run(rules,
                              "[{\"address\": \"x.1\", \"type\": \"x\", \"attrs\": {\"ok\": true}},"
                              " {\"address\": \"x.2\", \"type\": \"x\", \"attrs\": {}}]",
                              &e, &s);
    char *path = strdup("/tmp/soc2-report-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(soc2_report_write_file(report, SOC2_OUTPUT_JSON, NULL, path), SOC2_OK);

    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    ck_assert_msg(doc != NULL, "%s", err.text);
    json_t *findings = json_object_get(doc, "findings");
    ck_assert_uint_eq(json_array_size(findings), 2);
    json_t *fail = json_array_get(findings, 1);
    ck_assert_str_eq(json_string_value(json_object_get(fail, "rule_id")), "a");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "resource")), "x.2");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "resource_type")), "x");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "status")), "fail");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "severity")), "high");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "path")), "ok");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "file")), "fixture.json");
    ck_assert_str_eq(json_string_value(json_object_get(fail, "message")), "Says \"no\"\nplease.");
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(json_object_get(fail, "controls"), "SOC2"), 0)),
                     "CC6.1");
    json_t *summary = json_object_get(doc, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(summary, "by_status"),
                                                        "fail")),
                     1);
    json_t *cc61 = json_object_get(json_object_get(summary, "soc2_criteria"), "CC6.1");
    ck_assert_int_eq(json_integer_value(json_object_get(cc61, "pass")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(cc61, "fail")), 1);
    json_decref(doc);
    unlink(path);
    free(path);
    done(report, e, s);
}
END_TEST

/* A finding's message ends with exactly one period, whether the rule's
 * message has one or not. */
START_TEST(message_ends_with_one_period)
{
    static const struct {
        const char *message;
        const char *expected;
    } cases[] = {
        {"Port open", "Port open."},
        {"Port open.", "Port open."},
        {"Is the port open?", "Is the port open?"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char rules[512];
        snprintf(rules, sizeof(rules),
                 "{\"id\": \"r\", \"title\": \"r\", \"severity\": \"low\", "
                 "\"resource_types\": [\"x\"], \"message\": \"%s\", \"assert\": "
                 "{\"attribute\": \"flag\", \"op\": \"eq\", \"value\": false}}",
                 cases[i].message);
        soc2_engine *e;
        soc2_snapshot *s;
        soc2_report *report = run(rules, scalar_fixture, &e, &s);
        ck_assert_str_eq(soc2_finding_message(finding_of(report, "r", "x.a")), cases[i].expected);
        done(report, e, s);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("eval");
    tcase_add_test(tc, compare_operators_on_present_missing_unknown);
    tcase_add_test(tc, kleene_logic_decides_past_unknown);
    tcase_add_test(tc, list_quantifiers_report_the_element);
    tcase_add_test(tc, referrers_by_reference_and_by_value);
    tcase_add_test(tc, unexplained_unknown_reference_makes_join_unknown);
    tcase_add_test(tc, follow_and_match_joins);
    tcase_add_test(tc, account_scope_names_candidate);
    tcase_add_test(tc, callback_rule_outcomes);
    tcase_add_test(tc, report_counts_posture_and_selection);
    tcase_add_test(tc, json_report_has_required_fields);
    tcase_add_test(tc, message_ends_with_one_period);
    suite_add_tcase(s, tc);
    return s;
}
