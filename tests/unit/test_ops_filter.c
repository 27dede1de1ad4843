/* Unit tests for CloudWatch Logs filter patterns and the
 * filter_pattern_matches operator: the CIS monitoring patterns, the JSON,
 * term and regular expression syntaxes, and malformed patterns. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/cursor.h"
#include "model/model.h"
#include "rules/filter_pattern.h"
#include "rules/ops.h"
#include "util/strbuf.h"

static soc2_snapshot *snapshot;

static void setup(void)
{
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), 0);
}

static void teardown(void)
{
    soc2_snapshot_free(snapshot);
}

static const char *tv_name(tv value)
{
    static const char *const names[] = {"FALSE", "TRUE", "UNKNOWN", "ERROR"};
    return names[value];
}

#define expect_tv(out, expected, label)                                                      \
    ck_assert_msg((out)->value == (expected), "%s: expected %s, got %s at \"%s\" (%s)",      \
                  (label), tv_name(expected), tv_name((out)->value), sb_str(&(out)->path),   \
                  sb_str(&(out)->note))

/* The 16 IAM policy changes that CIS AWS Foundations requires a metric
 * filter to count. */
static const char *const iam_policy_events[] = {
    "DeleteGroupPolicy",   "DeleteRolePolicy",    "DeleteUserPolicy",  "PutGroupPolicy",
    "PutRolePolicy",       "PutUserPolicy",       "CreatePolicy",      "DeletePolicy",
    "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",  "DetachRolePolicy",
    "AttachUserPolicy",    "DetachUserPolicy",    "AttachGroupPolicy", "DetachGroupPolicy",
};

#define IAM_EVENT_COUNT (sizeof(iam_policy_events) / sizeof(iam_policy_events[0]))

/* Returns {"events": [...]} with one CloudTrail event per IAM policy
 * change, as condition parameters. */
static json_t *iam_policy_params(void)
{
    json_t *events = json_array();
    for (size_t i = 0; i < IAM_EVENT_COUNT; i++)
        json_array_append_new(events, json_pack("{s:s, s:s, s:s}", "eventVersion", "1.08",
                                                "eventSource", "iam.amazonaws.com",
                                                "eventName", iam_policy_events[i]));
    return json_pack("{s:o}", "events", events);
}

/* Builds the CIS pattern for IAM policy changes: one comparison per event
 * name, each between `open` and `close`, joined by `join`, inside `{ }`.
 * Leaves out the event named `skip` (NULL for none). */
static char *iam_policy_pattern(const char *open, const char *close, const char *join,
                                const char *skip)
{
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "{");
    int first = 1;
    for (size_t i = 0; i < IAM_EVENT_COUNT; i++) {
        if (skip && strcmp(skip, iam_policy_events[i]) == 0)
            continue;
        sb_printf(&sb, "%s%s%s%s", first ? "" : join, open, iam_policy_events[i], close);
        first = 0;
    }
    sb_puts(&sb, "}");
    return sb_steal(&sb);
}

/* Compiles filter_pattern_matches with `params` (stolen) and evaluates it
 * on the attribute "pattern" holding `pattern` (stolen; NULL leaves the
 * attribute out, and `unknown` marks it unknown). */
static tv eval_pattern(json_t *params, json_t *pattern, int unknown, eval_result *out)
{
    json_t *attrs = json_object();
    if (pattern)
        json_object_set_new(attrs, "pattern", pattern);
    json_t *mask = NULL;
    if (unknown)
        ck_assert_int_eq(mask_mark_unknown(&mask, "pattern"), 0);
    soc2_resource *r = resource_new(snapshot, "aws_cloudwatch_log_metric_filter.iam",
                                    "aws_cloudwatch_log_metric_filter", NULL, attrs, mask);
    ck_assert_ptr_nonnull(r);

    void *state = NULL;
    strbuf error = STRBUF_INIT;
    ck_assert_msg(op_filter_pattern_matches.compile(&state, params, &error) == 0,
                  "compile failed: %s", sb_str(&error));

    cursor root, at;
    cursor_root(&root, r);
    cursor_child_key(&at, &root, "pattern");
    op_filter_pattern_matches.eval(state, &at, out);

    op_filter_pattern_matches.free_state(state);
    sb_free(&error);
    json_decref(params);
    resource_free(r);
    return out->value;
}

/* Evaluates `pattern` on the events given as JSON text (a list). */
static tv eval_events(const char *pattern, const char *events, eval_result *out)
{
    json_error_t error;
    json_t *list = json_loads(events, 0, &error);
    ck_assert_msg(list != NULL, "test events are not JSON: %s", error.text);
    return eval_pattern(json_pack("{s:o}", "events", list), json_string(pattern), 0, out);
}

/* Parses `pattern` and matches it against one event given as JSON text. */
static int matches(const char *pattern, const char *event_text)
{
    filter_pattern *parsed;
    strbuf error = STRBUF_INIT;
    size_t position = 0;
    ck_assert_msg(filter_pattern_parse(pattern, &parsed, &error, &position) == 0,
                  "%s: %s at character %zu", pattern, sb_str(&error), position);
    json_t *event = json_loads(event_text, 0, NULL);
    ck_assert_ptr_nonnull(event);
    char *text = json_dumps(event, JSON_COMPACT);
    int matched = filter_pattern_match(parsed, event, text);
    free(text);
    json_decref(event);
    filter_pattern_free(parsed);
    sb_free(&error);
    return matched;
}

START_TEST(cis_iam_policy_changes_spacing)
{
    static const struct {
        const char *open, *close, *join;
    } spellings[] = {
        {"($.eventName=", ")", "||"},
        {"($.eventName = ", ")", " || "},
        {" ( $.eventName = \"", "\" ) ", "\n||\t"},
        {"$.eventName=", "", "||"},
        {"(($.eventName = ", "))", " || "},
    };
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        char *pattern =
            iam_policy_pattern(spellings[i].open, spellings[i].close, spellings[i].join, NULL);
        eval_result out;
        result_init(&out);
        eval_pattern(iam_policy_params(), json_string(pattern), 0, &out);
        expect_tv(&out, TV_TRUE, pattern);
        ck_assert_str_eq(sb_str(&out.path), "pattern");
        ck_assert_str_eq(sb_str(&out.note), "the pattern matches all 16 sample events");
        result_free(&out);
        free(pattern);
    }
}
END_TEST

START_TEST(cis_iam_policy_changes_missing_event)
{
    char *pattern = iam_policy_pattern("($.eventName = ", ")", " || ", "CreatePolicyVersion");
    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), json_string(pattern), 0, &out);
    expect_tv(&out, TV_FALSE, pattern);
    ck_assert_str_eq(sb_str(&out.path), "pattern");
    ck_assert_str_eq(sb_str(&out.note),
                     "the pattern does not match sample event 8: {\"eventVersion\":\"1.08\","
                     "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreatePolicyVersion\"}");
    result_free(&out);
    free(pattern);

    /* Event names are case-sensitive. */
    pattern = iam_policy_pattern("($.eventName = ", ")", " || ", NULL);
    for (char *c = strstr(pattern, "PutRolePolicy"); *c != ')'; c++)
        *c = (char)(*c == 'R' ? 'r' : *c);
    result_init(&out);
    eval_pattern(iam_policy_params(), json_string(pattern), 0, &out);
    expect_tv(&out, TV_FALSE, pattern);
    ck_assert_msg(strstr(sb_str(&out.note), "PutRolePolicy") != NULL, "%s", sb_str(&out.note));
    result_free(&out);
    free(pattern);
}
END_TEST

START_TEST(cis_root_usage)
{
    static const char pattern[] = "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy "
                                  "NOT EXISTS && $.eventType != \"AwsServiceEvent\" }";
    eval_result out;
    result_init(&out);
    eval_events(pattern,
                "[{\"userIdentity\": {\"type\": \"Root\", \"arn\": \"arn:aws:iam::123456789012:root\"},"
                "  \"eventType\": \"AwsConsoleSignIn\", \"eventName\": \"ConsoleLogin\"},"
                " {\"userIdentity\": {\"type\": \"Root\"}, \"eventType\": \"AwsApiCall\","
                "  \"eventName\": \"CreateAccessKey\"}]",
                &out);
    expect_tv(&out, TV_TRUE, pattern);
    result_free(&out);

    ck_assert(!matches(pattern, "{\"userIdentity\": {\"type\": \"IAMUser\"}, \"eventType\": \"AwsApiCall\"}"));
    ck_assert(!matches(pattern, "{\"userIdentity\": {\"type\": \"Root\", \"invokedBy\": "
                                "\"support.amazonaws.com\"}, \"eventType\": \"AwsApiCall\"}"));
    ck_assert(!matches(pattern, "{\"userIdentity\": {\"type\": \"Root\"}, \"eventType\": "
                                "\"AwsServiceEvent\"}"));
    /* A field the event lacks satisfies neither = nor !=. */
    ck_assert(!matches(pattern, "{\"userIdentity\": {\"type\": \"Root\"}}"));
}
END_TEST

START_TEST(nested_parentheses)
{
    static const char pattern[] = "{ ($.eventSource = kms.amazonaws.com) && "
                                  "(($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }";
    eval_result out;
    result_init(&out);
    eval_events(pattern,
                "[{\"eventSource\": \"kms.amazonaws.com\", \"eventName\": \"DisableKey\"},"
                " {\"eventSource\": \"kms.amazonaws.com\", \"eventName\": \"ScheduleKeyDeletion\"}]",
                &out);
    expect_tv(&out, TV_TRUE, pattern);
    eval_events(pattern,
                "[{\"eventSource\": \"kms.amazonaws.com\", \"eventName\": \"DisableKey\"},"
                " {\"eventSource\": \"iam.amazonaws.com\", \"eventName\": \"DisableKey\"}]",
                &out);
    expect_tv(&out, TV_FALSE, pattern);
    ck_assert_msg(strstr(sb_str(&out.note), "sample event 1:") != NULL, "%s", sb_str(&out.note));
    result_free(&out);

    /* && binds tighter than ||. */
    ck_assert(matches("{ $.a = 1 || $.b = 2 && $.c = 3 }", "{\"a\": 1, \"b\": 0, \"c\": 0}"));
    ck_assert(!matches("{ ($.a = 1 || $.b = 2) && $.c = 3 }", "{\"a\": 1, \"b\": 0, \"c\": 0}"));
    ck_assert(matches("{ ((((($.a = 1))))) }", "{\"a\": 1}"));
}
END_TEST

START_TEST(json_comparisons)
{
    static const struct {
        const char *pattern;
        const char *event;
        int expected;
    } cases[] = {
        /* Wildcards in strings, quoted or not. */
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
         "{\"errorCode\": \"Client.UnauthorizedOperation\"}", 1},
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
         "{\"errorCode\": \"AccessDeniedException\"}", 1},
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") }",
         "{\"errorCode\": \"ThrottlingException\"}", 0},
        {"{ $.sourceIPAddress != 123.123.* }", "{\"sourceIPAddress\": \"10.0.0.1\"}", 1},
        {"{ $.sourceIPAddress != 123.123.* }", "{\"sourceIPAddress\": \"123.123.0.9\"}", 0},
        {"{ $.eventName = * }", "{\"eventName\": \"Anything\"}", 1},
        {"{ $.latency = * }", "{\"latency\": 50}", 1},
        {"{ $.eventName = * }", "{\"other\": 1}", 0},
        {"{ $.message = \"say \\\"hi\\\"\" }", "{\"message\": \"say \\\"hi\\\"\"}", 1},
        /* Selectors into objects and lists. */
        {"{ $.resources[0].ARN = \"arn:aws:s3:::logs\" }",
         "{\"resources\": [{\"ARN\": \"arn:aws:s3:::logs\"}]}", 1},
        {"{ $.resources[1].ARN = \"arn:aws:s3:::logs\" }",
         "{\"resources\": [{\"ARN\": \"arn:aws:s3:::logs\"}]}", 0},
        {"{ $.a.b.c = x }", "{\"a\": {\"b\": {\"c\": \"x\"}}}", 1},
        {"{ $.a.b = x }", "{\"a\": \"b\"}", 0},
        /* Numbers. */
        {"{ $.latency > 100 }", "{\"latency\": 150}", 1},
        {"{ $.latency > 100 }", "{\"latency\": 100}", 0},
        {"{ $.latency >= 100 }", "{\"latency\": 100}", 1},
        {"{ $.latency < -1.5 }", "{\"latency\": -2}", 1},
        {"{ $.latency <= 0 }", "{\"latency\": 0.0}", 1},
        {"{ $.status = 200 }", "{\"status\": 200}", 1},
        {"{ $.status != 200 }", "{\"status\": 404}", 1},
        {"{ $.status > 100 }", "{\"status\": \"500\"}", 0},
        /* The CIS pattern for unauthorized API calls: && binds tighter. */
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") && "
         "($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") && ($.eventName!=\"HeadBucket\") }",
         "{\"errorCode\": \"AccessDenied\", \"eventName\": \"HeadBucket\"}", 0},
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") && "
         "($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") && ($.eventName!=\"HeadBucket\") }",
         "{\"errorCode\": \"AccessDenied\", \"eventName\": \"GetObject\", "
         "\"sourceIPAddress\": \"198.51.100.7\"}", 1},
        {"{ ($.errorCode = \"*UnauthorizedOperation\") || ($.errorCode = \"AccessDenied*\") && "
         "($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") && ($.eventName!=\"HeadBucket\") }",
         "{\"errorCode\": \"Client.UnauthorizedOperation\"}", 1},
        /* Booleans and null. */
        {"{ $.flag IS TRUE }", "{\"flag\": true}", 1},
        {"{ $.flag IS TRUE }", "{\"flag\": \"true\"}", 0},
        {"{ $.flag is false }", "{\"flag\": false}", 1},
        {"{ $.gone IS NULL }", "{\"gone\": null}", 1},
        {"{ $.gone IS NULL }", "{}", 0},
        {"{ $.gone NOT EXISTS }", "{}", 1},
        {"{ $.gone NOT EXISTS }", "{\"gone\": null}", 0},
        /* A missing field never equals, nor differs. */
        {"{ $.missing = \"x\" }", "{}", 0},
        {"{ $.missing != \"x\" }", "{}", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(matches(cases[i].pattern, cases[i].event) == cases[i].expected,
                      "%s on %s: expected %d", cases[i].pattern, cases[i].event,
                      cases[i].expected);
}
END_TEST

START_TEST(term_patterns)
{
    static const char event[] =
        "{\"eventName\": \"ConsoleLogin\", \"errorMessage\": \"Failed authentication\"}";
    static const struct {
        const char *pattern;
        int expected;
    } cases[] = {
        {"ConsoleLogin", 1},
        {"consolelogin", 0},
        {"ConsoleLogin Failed", 1},
        {"ConsoleLogin Succeeded", 0},
        {"\"Failed authentication\"", 1},
        {"\"authentication Failed\"", 0},
        {"?PutRolePolicy ?ConsoleLogin", 1},
        {"?PutRolePolicy ?DeleteRolePolicy", 0},
        {"ConsoleLogin -Failed", 0},
        {"ConsoleLogin -Throttling", 1},
        {"-\"Failed authentication\"", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(matches(cases[i].pattern, event) == cases[i].expected, "%s: expected %d",
                      cases[i].pattern, cases[i].expected);

    /* Terms search the event's compact JSON text. */
    ck_assert(matches("eventName\":\"ConsoleLogin", event));

    eval_result out;
    result_init(&out);
    eval_events("Failed", "[{\"errorMessage\": \"Failed authentication\"}, {\"x\": \"Failed\"}]",
                &out);
    expect_tv(&out, TV_TRUE, "term on two events");
    result_free(&out);
}
END_TEST

START_TEST(empty_pattern_matches_everything)
{
    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), json_string(""), 0, &out);
    expect_tv(&out, TV_TRUE, "empty pattern");
    eval_pattern(iam_policy_params(), json_string("  \t "), 0, &out);
    expect_tv(&out, TV_TRUE, "blank pattern");
    result_free(&out);
}
END_TEST

START_TEST(malformed_patterns)
{
    static const struct {
        const char *pattern;
        size_t position;
        const char *message;
    } cases[] = {
        {"{ ($.eventName = DeleteGroupPolicy) ", 37, "expected \"}\" to close the pattern"},
        {"{ ($.eventName = DeleteGroupPolicy) || ($.eventName = PutRolePolicy }", 69,
         "expected \")\" to close the parenthesis"},
        {"{ $.eventName = X } }", 21, "unexpected text after the closing \"}\""},
        {"{ $.eventName = }", 17, "expected a value after the operator"},
        {"{ $.latency > abc }", 15, "expected a number after <, <=, > or >="},
        {"{ $.latency > \"5\" }", 15, "expected a number after <, <=, > or >="},
        {"{ eventName = X }", 3, "expected a selector such as $.eventName or \"(\""},
        {"{ $.eventName IS MAYBE }", 18, "expected TRUE, FALSE or NULL after IS"},
        {"{ $.eventName NOT THERE }", 19, "expected EXISTS after NOT"},
        {"{ $.eventName ~ X }", 15,
         "expected an operator (=, !=, <, <=, >, >=), IS or NOT EXISTS after the selector"},
        {"{ $. = X }", 5, "expected a field name after \".\" in the selector"},
        {"{ $ = X }", 4, "expected a selector such as $.eventName"},
        {"{ $.a[x] = X }", 7, "expected a list index such as [0] in the selector"},
        {"{ $.a = \"open }", 9, "missing closing quote for the string that starts here"},
        {"{ $.a = X && }", 14, "expected a selector such as $.eventName or \"(\""},
        {"{ $.a = X $.b = Y }", 11, "expected \"&&\", \"||\" or \"}\""},
        {"ERROR \"unterminated", 7, "missing closing quote for the string that starts here"},
        {"ERROR ? Exception", 8, "expected a term after \"?\" or \"-\""},
        {"[ip, user, status_code]", 1, "space-delimited filter patterns ([...]) are not supported"},
        {"%ERROR [0-9]+% tail", 16, "unexpected text after the regular expression"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        filter_pattern *parsed = NULL;
        strbuf error = STRBUF_INIT;
        size_t position = 0;
        ck_assert_msg(filter_pattern_parse(cases[i].pattern, &parsed, &error, &position) == -1,
                      "accepted %s", cases[i].pattern);
        ck_assert_msg(strcmp(sb_str(&error), cases[i].message) == 0, "%s: %s",
                      cases[i].pattern, sb_str(&error));
        ck_assert_msg(position == cases[i].position, "%s: position %zu, expected %zu",
                      cases[i].pattern, position, cases[i].position);
        sb_free(&error);
    }

    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), json_string("{ ($.eventName = DeleteGroupPolicy) "), 0,
                 &out);
    expect_tv(&out, TV_ERROR, "unbalanced brace");
    ck_assert_str_eq(sb_str(&out.path), "pattern");
    ck_assert_str_eq(sb_str(&out.note), "the filter pattern in pattern is invalid at character "
                                        "37: expected \"}\" to close the pattern");
    result_free(&out);
}
END_TEST

START_TEST(regex_values)
{
    static const struct {
        const char *pattern;
        const char *event;
        int expected;
    } cases[] = {
        /* A regular expression may match anywhere in the value. */
        {"{ $.eventName = %.*RolePolicy% }", "{\"eventName\": \"PutRolePolicy\"}", 1},
        {"{ $.eventName = %RolePolicy% }", "{\"eventName\": \"DeleteRolePolicy\"}", 1},
        {"{ $.eventName = %^Put% }", "{\"eventName\": \"DeleteRolePolicy\"}", 0},
        {"{ $.eventName = %^Put.*Policy$% }", "{\"eventName\": \"PutRolePolicy\"}", 1},
        {"{ $.eventName != %^Delete% }", "{\"eventName\": \"PutRolePolicy\"}", 1},
        {"{ $.eventName != %^Delete% }", "{\"eventName\": \"DeleteRolePolicy\"}", 0},
        /* Case matters, as in CloudWatch. */
        {"{ $.eventName = %rolepolicy% }", "{\"eventName\": \"PutRolePolicy\"}", 0},
        /* CloudWatch's classes and operators. */
        {"{ $.ip = %^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$% }", "{\"ip\": \"198.51.100.7\"}", 1},
        {"{ $.ip = %^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$% }", "{\"ip\": \"198.51.100\"}", 0},
        {"{ $.user = %^\\w+$% }", "{\"user\": \"build_bot7\"}", 1},
        {"{ $.user = %^\\w+$% }", "{\"user\": \"build-bot\"}", 0},
        {"{ $.user = %\\W% }", "{\"user\": \"build-bot\"}", 1},
        {"{ $.text = %a\\sb% }", "{\"text\": \"a b\"}", 1},
        {"{ $.text = %a\\Sb% }", "{\"text\": \"a b\"}", 0},
        {"{ $.text = %^\\D+$% }", "{\"text\": \"abc\"}", 1},
        {"{ $.code = %[Ee]rror|[Ff]ail% }", "{\"code\": \"Failure\"}", 1},
        {"{ $.code = %colou?r% }", "{\"code\": \"color\"}", 1},
        {"{ $.code = %^a{3,5}$% }", "{\"code\": \"aaaa\"}", 1},
        {"{ $.code = %^a{3,5}$% }", "{\"code\": \"aa\"}", 0},
        /* Escapes inside [...]: classes, and ], - and ^ taken literally. */
        {"{ $.v = %^[\\d.]+$% }", "{\"v\": \"1.2.3\"}", 1},
        {"{ $.v = %^[\\w\\-]+$% }", "{\"v\": \"a-b_c\"}", 1},
        {"{ $.v = %^[\\w\\-]+$% }", "{\"v\": \"a b\"}", 0},
        {"{ $.v = %[\\]]% }", "{\"v\": \"x]\"}", 1},
        {"{ $.v = %^[\\^]$% }", "{\"v\": \"^\"}", 1},
        {"{ $.v = %^[\\^]$% }", "{\"v\": \"a\"}", 0},
        {"{ $.v = %^[^\\^]$% }", "{\"v\": \"a\"}", 1},
        {"{ $.v = %^[\\^\\-]+$% }", "{\"v\": \"-^\"}", 1},
        {"{ $.v = %^[\\s]$% }", "{\"v\": \" \"}", 1},
        /* Only strings compare with a regular expression. */
        {"{ $.status = %200% }", "{\"status\": 200}", 0},
        {"{ $.status != %200% }", "{\"status\": 200}", 0},
        {"{ $.missing = %.*% }", "{}", 0},
        /* Two regular expressions in one JSON pattern. */
        {"{ ($.a = %^x%) && ($.b = %y$%) }", "{\"a\": \"xa\", \"b\": \"by\"}", 1},
        /* On its own, a regular expression searches the event's text. */
        {"%Put[A-Za-z]*Policy%", "{\"eventName\": \"PutRolePolicy\"}", 1},
        {"  %Delete%  ", "{\"eventName\": \"PutRolePolicy\"}", 0},
        {"%eventName.:.Put%", "{\"eventName\": \"PutRolePolicy\"}", 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(matches(cases[i].pattern, cases[i].event) == cases[i].expected,
                      "%s on %s: expected %d", cases[i].pattern, cases[i].event,
                      cases[i].expected);

    /* The CIS pattern for IAM policy changes, written as one expression. */
    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(),
                 json_string("{ ($.eventSource = iam.amazonaws.com) && ($.eventName = "
                             "%^(Put|Delete)(Group|Role|User)Policy$%) }"),
                 0, &out);
    expect_tv(&out, TV_ERROR, "parentheses in a regular expression");
    eval_pattern(iam_policy_params(),
                 json_string("{ ($.eventSource = iam.amazonaws.com) && ($.eventName = "
                             "%Policy%) }"),
                 0, &out);
    expect_tv(&out, TV_TRUE, "regex over every IAM policy change");
    eval_pattern(iam_policy_params(),
                 json_string("{ ($.eventSource = iam.amazonaws.com) && ($.eventName = "
                             "%^Put%) }"),
                 0, &out);
    expect_tv(&out, TV_FALSE, "regex over Put events only");
    result_free(&out);
}
END_TEST

START_TEST(regex_errors)
{
    static const struct {
        const char *pattern;
        size_t position;
        const char *message;
    } cases[] = {
        {"{ $.a = %(Put|Delete)Policy% }", 9,
         "CloudWatch regular expressions do not support ( or )"},
        {"{ $.a = %abc }", 9, "missing closing % for the regular expression that starts here"},
        {"{ $.a = %% }", 9, "the regular expression between the % signs is empty"},
        {"{ $.a = %Put[% }", 9, "missing ] to close the ["},
        {"{ $.a = %[\\D]% }", 9, "\\D, \\W and \\S are not supported inside [...]"},
        {"{ $.a = %caf\xc3\xa9% }", 9,
         "CloudWatch regular expressions do not support multi-byte characters"},
        {"{ $.a = %a% || $.b = %b% || $.c = %c% }", 35,
         "CloudWatch allows at most 2 regular expressions in a JSON filter pattern"},
        {"{ $.a > %5% }", 9, "expected a number after <, <=, > or >="},
        {"%Put% extra", 7, "unexpected text after the regular expression"},
        {"%a(b%", 1, "CloudWatch regular expressions do not support ( or )"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        filter_pattern *parsed = NULL;
        strbuf error = STRBUF_INIT;
        size_t position = 0;
        ck_assert_msg(filter_pattern_parse(cases[i].pattern, &parsed, &error, &position) == -1,
                      "accepted %s", cases[i].pattern);
        ck_assert_msg(strcmp(sb_str(&error), cases[i].message) == 0, "%s: %s",
                      cases[i].pattern, sb_str(&error));
        ck_assert_msg(position == cases[i].position, "%s: position %zu, expected %zu",
                      cases[i].pattern, position, cases[i].position);
        sb_free(&error);
    }

    /* regcomp() rejects it, and the note names the position. */
    filter_pattern *parsed = NULL;
    strbuf error = STRBUF_INIT;
    size_t position = 0;
    ck_assert_int_eq(filter_pattern_parse("{ $.a = %a{2,1}% }", &parsed, &error, &position), -1);
    ck_assert_msg(strncmp(sb_str(&error), "the regular expression does not compile: ", 41) == 0,
                  "%s", sb_str(&error));
    ck_assert_uint_eq(position, 9);
    sb_free(&error);

    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), json_string("{ $.eventName = %a{2,1}% }"), 0, &out);
    expect_tv(&out, TV_ERROR, "regex that does not compile");
    ck_assert_str_eq(sb_str(&out.path), "pattern");
    ck_assert_msg(strstr(sb_str(&out.note), "invalid at character 17: the regular expression "
                                            "does not compile") != NULL,
                  "%s", sb_str(&out.note));
    result_free(&out);
}
END_TEST

START_TEST(pattern_with_nul)
{
    /* The text after a NUL is part of the pattern too, so the pattern is
     * not the valid one before it. */
    static const char pattern[] = "{ $.eventName = *Policy* }\0 || garbage";
    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), json_stringn(pattern, sizeof(pattern) - 1), 0, &out);
    expect_tv(&out, TV_ERROR, "NUL inside the pattern");
    ck_assert_str_eq(sb_str(&out.note), "the filter pattern in pattern contains a NUL character");
    eval_pattern(iam_policy_params(), json_string("{ $.eventName = *Policy* }"), 0, &out);
    expect_tv(&out, TV_TRUE, "the same pattern without the NUL");
    result_free(&out);
}
END_TEST

START_TEST(deep_nesting_rejected)
{
    strbuf pattern = STRBUF_INIT;
    sb_puts(&pattern, "{ ");
    for (int i = 0; i < 1000; i++)
        sb_putc(&pattern, '(');
    sb_puts(&pattern, "$.a = 1");
    for (int i = 0; i < 1000; i++)
        sb_putc(&pattern, ')');
    sb_puts(&pattern, " }");

    filter_pattern *parsed = NULL;
    strbuf error = STRBUF_INIT;
    size_t position = 0;
    ck_assert_int_eq(filter_pattern_parse(sb_str(&pattern), &parsed, &error, &position), -1);
    ck_assert_str_eq(sb_str(&error), "parentheses are nested too deeply");
    sb_free(&error);
    sb_free(&pattern);
}
END_TEST

START_TEST(pattern_value_states)
{
    eval_result out;
    result_init(&out);
    eval_pattern(iam_policy_params(), NULL, 0, &out);
    expect_tv(&out, TV_FALSE, "missing pattern");
    eval_pattern(iam_policy_params(), NULL, 1, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown pattern");
    eval_pattern(iam_policy_params(), json_integer(7), 0, &out);
    expect_tv(&out, TV_ERROR, "number pattern");
    /* A JSON pattern never matches an event that is not JSON, and term
     * patterns search its text. */
    ck_assert(!matches("{ $.a = 1 }", "[1]"));
    result_free(&out);
}
END_TEST

START_TEST(compile_checks_events)
{
    static const char *const specs[] = {
        "{}",
        "{\"events\": {\"eventName\": \"X\"}}",
        "{\"events\": []}",
        "{\"events\": [{\"eventName\": \"X\"}, \"PutRolePolicy\"]}",
    };
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        json_t *spec = json_loads(specs[i], 0, NULL);
        void *state = NULL;
        strbuf error = STRBUF_INIT;
        ck_assert_msg(op_filter_pattern_matches.compile(&state, spec, &error) == -1,
                      "accepted %s", specs[i]);
        ck_assert_msg(strstr(sb_str(&error), "\"events\"") != NULL, "%s", sb_str(&error));
        sb_free(&error);
        json_decref(spec);
    }
    ck_assert_str_eq(op_filter_pattern_matches.params[0], "events");
    ck_assert_ptr_null(op_filter_pattern_matches.params[1]);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("ops_filter");
    TCase *tc = tcase_create("filter_pattern");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cis_iam_policy_changes_spacing);
    tcase_add_test(tc, cis_iam_policy_changes_missing_event);
    tcase_add_test(tc, cis_root_usage);
    tcase_add_test(tc, nested_parentheses);
    tcase_add_test(tc, json_comparisons);
    tcase_add_test(tc, term_patterns);
    tcase_add_test(tc, empty_pattern_matches_everything);
    tcase_add_test(tc, malformed_patterns);
    tcase_add_test(tc, regex_values);
    tcase_add_test(tc, regex_errors);
    tcase_add_test(tc, pattern_with_nul);
    tcase_add_test(tc, deep_nesting_rejected);
    tcase_add_test(tc, pattern_value_states);
    tcase_add_test(tc, compile_checks_events);
    suite_add_tcase(s, tc);
    return s;
}
