/* The rule compiler: valid documents, every kind of invalid rule with the
 * place it is reported at, and the built-in pack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <soc2/soc2.h>

static int add(soc2_engine *e, const char *text)
{
    return soc2_engine_add_rules_buffer(e, text, strlen(text), "rules.json");
}

START_TEST(document_shapes_are_accepted)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    const char *single =
        "{\"id\": \"one\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
        " \"$comment\": \"kept for people\", \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}";
    const char *list =
        "[{\"id\": \"two\", \"title\": \"t\", \"severity\": \"LOW\", \"resource_types\": [\"x\"],"
        "  \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}]";
    const char *wrapped =
        "{\"rules\": [{\"id\": \"three\", \"title\": \"t\", \"severity\": \"critical\","
        " \"scope\": \"account\", \"assert\": {\"none\": {\"resources\": [\"x\"]}}}]}";
    ck_assert_int_eq(add(e, single), SOC2_OK);
    ck_assert_int_eq(add(e, list), SOC2_OK);
    ck_assert_int_eq(add(e, wrapped), SOC2_OK);
    ck_assert_uint_eq(soc2_engine_rule_count(e), 3);

    const soc2_rule *r;
    ck_assert_int_eq(soc2_engine_find_rule(&r, e, "three"), SOC2_OK);
    ck_assert_int_eq(soc2_rule_scope_of(r), SOC2_SCOPE_ACCOUNT);
    ck_assert_int_eq(soc2_rule_severity(r), SOC2_SEVERITY_CRITICAL);
    ck_assert_int_eq(soc2_rule_origin_of(r), SOC2_RULE_DECLARATIVE);
    ck_assert_str_eq(soc2_rule_source(r), "rules.json");
    ck_assert_int_eq(soc2_engine_find_rule(&r, e, "four"), SOC2_ENOTFOUND);
    soc2_engine_free(e);
}
END_TEST

/* Each invalid rule, the status it gets, a phrase of its message and the
 * JSON pointer it names. */
static const struct {
    const char *text;
    int code;
    const char *phrase;
    const char *pointer;
} invalid[] = {
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],\n"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"equals\", \"value\": 1}}",
     SOC2_ERULE, "unknown operator \"equals\"", "/assert/op"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],\n"
     " \"assert\": {\"attribute\": \"a..b\", \"op\": \"exists\"}}",
     SOC2_ERULE, "invalid attribute path \"a..b\"", "/assert/attribute"},
    {"{\"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "needs \"id\"", ""},
    {"{\"id\": \"r r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "may hold only", "/id"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"urgent\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "\"severity\" must be one of", "/severity"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"asert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "unknown member \"asert\"", "/asert"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\","
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "\"resource_types\" must be a non-empty list", ""},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"scope\": \"account\","
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "account-scope rule has no resource", "/assert"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"in\", \"value\": \"x\"}}",
     SOC2_ERULE, "\"value\" that is a list", "/assert/value"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"count\": \"ingress\", \"value\": 1}}",
     SOC2_ERULE, "\"count\" needs \"op\"", "/assert"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"any\": {\"match\": {\"local\": \"a\"}, \"types\": [\"y\"]}}}",
     SOC2_ERULE, "\"remote\" must be an attribute path", "/assert/any/match/remote"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"none\": \"ingress\", \"where\": {\"any_of\": []}}}",
     SOC2_ERULE, "non-empty list of conditions", "/assert/where/any_of"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"none\": \"ingress\", \"where\": {\"attribute\": \"@kind\", \"op\": \"exists\"}}}",
     SOC2_ERULE, "unknown pseudo attribute", "/assert/where/attribute"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"controls\": {\"SOC2\": \"CC6.1\"}, \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}",
     SOC2_ERULE, "must be a list of control IDs", "/controls"},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"]}",
     SOC2_ERULE, "needs \"assert\"", ""},
    {"[{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     "  \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}},"
     " {\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     "  \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}]",
     SOC2_EEXISTS, "appears twice", NULL},
    {"{\"id\": \"r\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
     " \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}", /* truncated */
     SOC2_EPARSE, "malformed JSON", NULL},
    {"{\"rules\": 5}", SOC2_ERULE, "must be a list of rule objects", "/rules"},
    {"[1]", SOC2_ERULE, "a rule must be an object", "/0"},
};

START_TEST(invalid_rules_are_rejected_with_place)
{
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        soc2_engine *e;
        ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
        int rc = add(e, invalid[i].text);
        const soc2_error *err = soc2_error_last();
        ck_assert_msg(rc == invalid[i].code, "case %zu: status %d, expected %d (%s)", i, rc,
                      invalid[i].code, err->message);
        ck_assert_msg(strstr(err->message, invalid[i].phrase) != NULL,
                      "case %zu: message \"%s\" lacks \"%s\"", i, err->message,
                      invalid[i].phrase);
        ck_assert_str_eq(err->file, "rules.json");
        if (invalid[i].pointer) {
            ck_assert_msg(err->pointer && strcmp(err->pointer, invalid[i].pointer) == 0,
                          "case %zu: pointer %s, expected %s", i,
                          err->pointer ? err->pointer : "(none)", invalid[i].pointer);
        }
        if (invalid[i].code != SOC2_EEXISTS)
            ck_assert_msg(err->line > 0, "case %zu: no line", i);
        ck_assert_uint_eq(soc2_engine_rule_count(e), 0);
        soc2_engine_free(e);
    }
}
END_TEST

START_TEST(error_line_points_at_the_problem)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    const char *text = "{\"rules\": [\n"
                       "  {\"id\": \"good\", \"title\": \"t\", \"severity\": \"low\",\n"
                       "   \"resource_types\": [\"x\"],\n"
                       "   \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}},\n"
                       "  {\"id\": \"bad\", \"title\": \"t\", \"severity\": \"low\",\n"
                       "   \"resource_types\": [\"x\"],\n"
                       "   \"assert\": {\"all_of\": [\n"
                       "     {\"attribute\": \"a\", \"op\": \"exists\"},\n"
                       "     {\"attribute\": \"b\", \"op\": \"like\"}]}}\n"
                       "]}\n";
    ck_assert_int_eq(add(e, text), SOC2_ERULE);
    const soc2_error *err = soc2_error_last();
    ck_assert_str_eq(err->pointer, "/rules/1/assert/all_of/1/op");
    ck_assert_int_eq(err->line, 9);
    ck_assert_ptr_nonnull(strstr(err->message, "rule \"bad\""));
    /* The file is added whole or not at all. */
    ck_assert_uint_eq(soc2_engine_rule_count(e), 0);
    soc2_engine_free(e);
}
END_TEST

START_TEST(rule_ids_are_unique_across_sources)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    size_t builtin = soc2_engine_rule_count(e);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_EEXISTS);
    ck_assert_uint_eq(soc2_engine_rule_count(e), builtin);

    const char *clash =
        "[{\"id\": \"mine\", \"title\": \"t\", \"severity\": \"low\", \"resource_types\": [\"x\"],"
        "  \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}},"
        " {\"id\": \"aws-iam-no-admin-policy\", \"title\": \"t\", \"severity\": \"low\","
        "  \"resource_types\": [\"x\"], \"assert\": {\"attribute\": \"a\", \"op\": \"exists\"}}]";
    ck_assert_int_eq(add(e, clash), SOC2_EEXISTS);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "aws-iam-no-admin-policy"));
    ck_assert_uint_eq(soc2_engine_rule_count(e), builtin);
    soc2_engine_free(e);
}
END_TEST

START_TEST(builtin_pack_maps_every_rule)
{
    static const char *const expected[] = {
        "aws-iam-no-admin-policy", "aws-ec2-no-public-ingress-ssh",
        "aws-ec2-no-public-ingress-rdp", "aws-ec2-no-public-ingress-http",
        "aws-vpc-flow-logs-enabled", "aws-logs-group-cmk", "aws-dynamodb-table-cmk",
        "aws-cloudtrail-multi-region-trail", "aws-cloudwatch-iam-policy-change-alarm",
        "aws-s3-bucket-policy-no-public-principal", "aws-s3-bucket-policy-no-wildcard-action",
        "aws-sqs-queue-policy-no-public-principal", "aws-sqs-queue-policy-no-wildcard-action",
    };
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);

    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        const soc2_rule *r;
        ck_assert_msg(soc2_engine_find_rule(&r, e, expected[i]) == SOC2_OK, "missing %s",
                      expected[i]);
    }

    soc2_rule_iterator *it;
    const soc2_rule *r;
    ck_assert_int_eq(soc2_rule_iterator_new(&it, e), SOC2_OK);
    while (soc2_rule_iterator_next(&r, it) == SOC2_OK) {
        ck_assert_int_eq(soc2_rule_origin_of(r), SOC2_RULE_BUILTIN);
        ck_assert_msg(*soc2_rule_description(r) && *soc2_rule_remediation(r),
                      "%s lacks description or remediation", soc2_rule_id(r));
        ck_assert_msg(soc2_rule_resource_type_count(r) > 0, "%s reads no type",
                      soc2_rule_id(r));

        /* Every built-in rule supports at least one SOC 2 criterion, and
         * controls come sorted by framework, then naturally. */
        soc2_control_iterator *cit;
        const char *framework, *control, *last_fw = "", *last = "";
        int soc2 = 0;
        ck_assert_int_eq(soc2_control_iterator_new(&cit, r, NULL), SOC2_OK);
        while (soc2_control_iterator_next(&framework, &control, cit) == SOC2_OK) {
            ck_assert_int_le(strcmp(last_fw, framework), 0);
            soc2 += strcmp(framework, "SOC2") == 0;
            last_fw = framework;
            last = control;
        }
        (void)last;
        soc2_control_iterator_free(cit);
        ck_assert_msg(soc2 > 0, "%s maps to no SOC 2 criterion", soc2_rule_id(r));
    }
    soc2_rule_iterator_free(it);

    /* Filtering controls by framework. */
    ck_assert_int_eq(soc2_engine_find_rule(&r, e, "aws-iam-no-admin-policy"), SOC2_OK);
    soc2_control_iterator *cit;
    const char *control;
    ck_assert_int_eq(soc2_control_iterator_new(&cit, r, "CIS-AWS"), SOC2_OK);
    ck_assert_int_eq(soc2_control_iterator_next(NULL, &control, cit), SOC2_OK);
    ck_assert_str_eq(control, "2.14");
    ck_assert_int_eq(soc2_control_iterator_next(NULL, &control, cit), SOC2_ITEROVER);
    soc2_control_iterator_free(cit);
    soc2_engine_free(e);
}
END_TEST

START_TEST(catalog_json_lists_rules)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    struct text_buffer out = {0};
    ck_assert_int_eq(soc2_engine_write_rules(e, SOC2_OUTPUT_JSON, collect_output, &out), SOC2_OK);
    json_error_t err;
    json_t *doc = json_loadb(out.data, out.length, 0, &err);
    ck_assert_msg(doc != NULL, "%s", err.text);
    json_t *rules = json_object_get(doc, "rules");
    ck_assert_uint_eq(json_array_size(rules), soc2_engine_rule_count(e));
    json_t *first = json_array_get(rules, 0);
    ck_assert_ptr_nonnull(json_object_get(first, "id"));
    ck_assert(json_is_array(json_object_get(first, "resource_types")));
    ck_assert(json_is_array(json_object_get(json_object_get(first, "controls"), "SOC2")));
    json_decref(doc);
    free(out.data);
    soc2_engine_free(e);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("rules_compile");
    TCase *tc = tcase_create("compile");
    tcase_add_test(tc, document_shapes_are_accepted);
    tcase_add_test(tc, invalid_rules_are_rejected_with_place);
    tcase_add_test(tc, error_line_points_at_the_problem);
    tcase_add_test(tc, rule_ids_are_unique_across_sources);
    tcase_add_test(tc, builtin_pack_maps_every_rule);
    tcase_add_test(tc, catalog_json_lists_rules);
    suite_add_tcase(s, tc);
    return s;
}
