/* The public API contract: argument checks, the per-thread last error,
 * input errors with places, limits, atomic loads, iterators and writers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include <soc2/soc2.h>

static const char *const open_ssh_template =
    "{\"Resources\": {\"Web\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {"
    " \"GroupDescription\": \"web\", \"SecurityGroupIngress\": [{\"IpProtocol\": \"tcp\","
    " \"FromPort\": 22, \"ToPort\": 22, \"CidrIp\": \"0.0.0.0/0\"}]}}}}";

static soc2_snapshot *snapshot_with(const char *text, const char *name)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, strlen(text), name, SOC2_FORMAT_AUTO),
                     SOC2_OK);
    return s;
}

START_TEST(version_matches_header)
{
    ck_assert_str_eq(soc2_version(), SOC2_VERSION_STRING);
    ck_assert_int_eq(soc2_version_number(), SOC2_VERSION_NUMBER);
}
END_TEST

START_TEST(null_arguments_are_rejected)
{
    soc2_engine *e = NULL;
    soc2_snapshot *s = NULL;
    soc2_report *r = NULL;
    ck_assert_int_eq(soc2_engine_new(NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_new(NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_load_file(NULL, "x", SOC2_FORMAT_AUTO), SOC2_EINVAL);
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_file(s, NULL, SOC2_FORMAT_AUTO), SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, NULL, 5, "x", SOC2_FORMAT_AUTO), SOC2_EINVAL);
    ck_assert_int_eq(soc2_engine_add_rules_file(e, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_engine_add_callback_rule(e, NULL, NULL, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_evaluate(NULL, e, s, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_evaluate(&r, NULL, s, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_evaluate(&r, e, NULL, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_finding_iterator_new(NULL, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_resource_iterator_new(NULL, s), SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_INPUT_BYTES, 0), SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_set_limit(s, (soc2_limit)99, 1), SOC2_EINVAL);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "unknown limit"));

    /* Freeing NULL does nothing. */
    soc2_engine_free(NULL);
    soc2_snapshot_free(NULL);
    soc2_report_free(NULL);
    soc2_finding_iterator_free(NULL);
    soc2_resource_iterator_free(NULL);
    soc2_rule_iterator_free(NULL);
    soc2_control_iterator_free(NULL);
    soc2_posture_iterator_free(NULL);
    soc2_free(NULL);

    soc2_snapshot_free(s);
    soc2_engine_free(e);
}
END_TEST

START_TEST(error_record_and_descriptions)
{
    soc2_error_clear();
    const soc2_error *err = soc2_error_last();
    ck_assert_int_eq(err->code, SOC2_OK);
    ck_assert_str_eq(err->message, "no error");
    ck_assert_ptr_null(err->file);

    static const int codes[] = {SOC2_OK,        SOC2_ERROR,    SOC2_ENOMEM,  SOC2_EINVAL,
                                SOC2_EIO,       SOC2_EPARSE,   SOC2_EFORMAT, SOC2_ERULE,
                                SOC2_ENOTFOUND, SOC2_EEXISTS,  SOC2_ELIMIT,  SOC2_EUSER,
                                SOC2_EUNKNOWN,  SOC2_ETYPE,    SOC2_EUNRECOGNIZED,
                                SOC2_ITEROVER};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        ck_assert_str_ne(soc2_strerror(codes[i]), "unknown status");
    ck_assert_str_eq(soc2_strerror(-999), "unknown status");

    /* A successful call leaves the record alone. */
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_file(s, "/nonexistent/plan.json", SOC2_FORMAT_AUTO),
                     SOC2_EIO);
    ck_assert_int_eq(soc2_snapshot_resource_count(s), 0);
    ck_assert_str_eq(soc2_error_last()->file, "/nonexistent/plan.json");
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "No such file"));
    soc2_format format;
    ck_assert_int_eq(soc2_format_from_name(&format, "cloudformation"), SOC2_OK);
    ck_assert_int_eq(soc2_error_last()->code, SOC2_EIO);
    soc2_snapshot_free(s);
}
END_TEST

static void *fail_on_thread(void *arg)
{
    (void)arg;
    soc2_snapshot *s;
    soc2_snapshot_new(&s);
    soc2_snapshot_load_buffer(s, "{", 1, "thread.json", SOC2_FORMAT_AUTO);
    soc2_snapshot_free(s);
    return (void *)(soc2_error_last()->code == SOC2_EPARSE ? (void *)1 : NULL);
}

START_TEST(last_error_is_per_thread)
{
    soc2_format format;
    ck_assert_int_eq(soc2_format_from_name(&format, "yaml"), SOC2_ENOTFOUND);
    pthread_t thread;
    void *result = NULL;
    ck_assert_int_eq(pthread_create(&thread, NULL, fail_on_thread, NULL), 0);
    ck_assert_int_eq(pthread_join(thread, &result), 0);
    ck_assert_ptr_nonnull(result);
    /* The other thread's failure did not touch this thread's record. */
    ck_assert_int_eq(soc2_error_last()->code, SOC2_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "yaml"));
}
END_TEST

START_TEST(format_names_round_trip)
{
    static const soc2_format formats[] = {SOC2_FORMAT_AUTO, SOC2_FORMAT_TERRAFORM_PLAN,
                                          SOC2_FORMAT_CLOUDFORMATION,
                                          SOC2_FORMAT_TERRAFORM_STATE, SOC2_FORMAT_AWS_CONFIG,
                                          SOC2_FORMAT_NATIVE};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        soc2_format back;
        ck_assert_int_eq(soc2_format_from_name(&back, soc2_format_name(formats[i])), SOC2_OK);
        ck_assert_int_eq(back, formats[i]);
    }
    ck_assert_ptr_null(soc2_format_name((soc2_format)42));
    ck_assert_str_eq(soc2_severity_name(SOC2_SEVERITY_HIGH), "high");
    ck_assert_ptr_null(soc2_severity_name((soc2_severity)9));
    ck_assert_str_eq(soc2_finding_status_name(SOC2_FINDING_UNKNOWN), "unknown");
    ck_assert_ptr_null(soc2_finding_status_name((soc2_finding_status)9));
}
END_TEST

/* Bad input: each document, the status it gets, and where it is reported. */
static const struct {
    const char *text;
    int code;
    const char *phrase;
    int line;
} bad_inputs[] = {
    {"{\"Resources\": {\n  \"A\": {\"Type\": \"AWS::S3::Bucket\",}\n}}", SOC2_EPARSE,
     "malformed JSON", 2},
    {"{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\"", SOC2_EPARSE, "malformed JSON", 1},
    {"", SOC2_EPARSE, "empty", 0},
    {"{\"name\": \"package\", \"version\": \"1.0.0\"}", SOC2_EUNRECOGNIZED,
     "not a recognized input format (tried terraform-plan, cloudformation, terraform-state, aws-config, native)", 0},
    {"[1, 2, 3]", SOC2_EUNRECOGNIZED, "not a recognized input format", 0},
    {"{\"a\": 1, \"a\": 2}", SOC2_EPARSE, "duplicate", 1},
    {"{\"Resources\": {\n \"A\": {\"Type\": 7}}}", SOC2_EFORMAT, "/Resources/A/Type", 2},
    {"{\"format_version\": \"1.0\",\n \"resource_changes\": {}}", SOC2_EFORMAT,
     "/resource_changes", 2},
    /* An escaped NUL in a name would cut it short: the plan, state and
     * Config readers reject it where they read names. */
    {"{\"format_version\": \"1.0\", \"resource_changes\": [\n {\"address\": \"aws_s3_bucket.a\\u0000x\","
     " \"mode\": \"managed\", \"type\": \"aws_s3_bucket\", \"name\": \"a\","
     " \"change\": {\"actions\": [\"create\"], \"after\": {}}}]}",
     SOC2_EFORMAT, "\"address\" must not contain a NUL character", 2},
    {"{\"version\": 4, \"terraform_version\": \"1.5.0\", \"serial\": 1, \"lineage\": \"x\","
     " \"resources\": [\n {\"mode\": \"managed\", \"type\": \"aws_s3_bucket\\u0000\", \"name\": \"a\","
     " \"instances\": [{\"attributes\": {}}]}]}",
     SOC2_EFORMAT, "\"type\" must not contain a NUL character", 2},
    {"{\"configurationItems\": [\n {\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\\u0000x\","
     " \"configurationItemStatus\": \"OK\", \"configuration\": {}}]}",
     SOC2_EFORMAT, "resourceId must not contain a NUL character", 2},
};

START_TEST(bad_input_names_file_and_place)
{
    for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
        soc2_snapshot *s;
        ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
        int rc = soc2_snapshot_load_buffer(s, bad_inputs[i].text, strlen(bad_inputs[i].text),
                                           "input.json", SOC2_FORMAT_AUTO);
        const soc2_error *err = soc2_error_last();
        ck_assert_msg(rc == bad_inputs[i].code, "case %zu: %d (%s)", i, rc, err->message);
        ck_assert_msg(strstr(err->message, bad_inputs[i].phrase) != NULL,
                      "case %zu: message \"%s\"", i, err->message);
        ck_assert_str_eq(err->file, "input.json");
        ck_assert_msg(err->line == bad_inputs[i].line, "case %zu: line %d, expected %d", i,
                      err->line, bad_inputs[i].line);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
        ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);
        soc2_snapshot_free(s);
    }
}
END_TEST

/* A NUL byte is never JSON: the error names it and its place, wherever it
 * stops the parser (after a whole document, between tokens, in a string). */
static const struct {
    const char *text;
    size_t length;
    int line, column;
} nul_inputs[] = {
    {"{\"Resources\": {}}\n\0", 19, 2, 1},
    {"{\"Resources\":\n  \0{}}", 20, 2, 3},
    {"{\"Resources\": {\"\0\": 1}}", 23, 1, 17},
};

START_TEST(nul_byte_is_named)
{
    for (size_t i = 0; i < sizeof(nul_inputs) / sizeof(nul_inputs[0]); i++) {
        soc2_snapshot *s;
        ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
        int rc = soc2_snapshot_load_buffer(s, nul_inputs[i].text, nul_inputs[i].length,
                                           "input.json", SOC2_FORMAT_AUTO);
        const soc2_error *err = soc2_error_last();
        ck_assert_msg(rc == SOC2_EPARSE, "case %zu: %d (%s)", i, rc, err->message);
        ck_assert_msg(strstr(err->message, "a NUL byte") != NULL, "case %zu: message \"%s\"", i,
                      err->message);
        ck_assert_int_eq(err->line, nul_inputs[i].line);
        ck_assert_int_eq(err->column, nul_inputs[i].column);
        soc2_snapshot_free(s);

        soc2_engine *e;
        ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
        rc = soc2_engine_add_rules_buffer(e, nul_inputs[i].text, nul_inputs[i].length,
                                          "rules.json");
        err = soc2_error_last();
        ck_assert_msg(rc == SOC2_EPARSE, "rules case %zu: %d (%s)", i, rc, err->message);
        ck_assert_msg(strstr(err->message, "a NUL byte") != NULL, "rules case %zu: \"%s\"", i,
                      err->message);
        ck_assert_int_eq(err->line, nul_inputs[i].line);
        soc2_engine_free(e);
    }
}
END_TEST

START_TEST(deep_nesting_is_a_limit)
{
    size_t depth = 5000;
    char *text = malloc(depth * 2 + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[depth * 2] = '\0';
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, depth * 2, "deep.json", SOC2_FORMAT_AUTO),
                     SOC2_ELIMIT);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "nesting"));
    soc2_snapshot_free(s);
    free(text);
}
END_TEST

START_TEST(size_and_resource_limits)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_INPUT_BYTES, 100), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "big.json", SOC2_FORMAT_AUTO),
                     SOC2_ELIMIT);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "SOC2_LIMIT_INPUT_BYTES"));
    ck_assert_int_eq(soc2_snapshot_load_file(s, data_path("terraform/checkov/terragoat-plan-tf0.12.json"),
                                             SOC2_FORMAT_AUTO),
                     SOC2_ELIMIT);

    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_INPUT_BYTES, 1 << 30), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_RESOURCES, 10), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_file(s, data_path("terraform/checkov/terragoat-plan-tf0.12.json"),
                                             SOC2_FORMAT_AUTO),
                     SOC2_ELIMIT);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "SOC2_LIMIT_RESOURCES"));
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(byte_order_mark_and_directory)
{
    size_t length = strlen(open_ssh_template);
    char *text = malloc(length + 4);
    memcpy(text, "\xEF\xBB\xBF", 3);
    memcpy(text + 3, open_ssh_template, length + 1);
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, length + 3, "bom.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 1);
    ck_assert_int_eq(soc2_snapshot_load_file(s, data_path("terraform"), SOC2_FORMAT_AUTO),
                     SOC2_EIO);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "directory"));
    soc2_snapshot_free(s);
    free(text);
}
END_TEST

START_TEST(explicit_format_must_fit)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "t.json", SOC2_FORMAT_TERRAFORM_PLAN),
                     SOC2_EUNRECOGNIZED);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "not terraform-plan"));
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "t.json", (soc2_format)77),
                     SOC2_EINVAL);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "t.json", SOC2_FORMAT_CLOUDFORMATION),
                     SOC2_OK);

    const char *name;
    soc2_format format;
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    ck_assert_int_eq(soc2_snapshot_document(s, 0, &name, &format), SOC2_OK);
    ck_assert_str_eq(name, "t.json");
    ck_assert_int_eq(format, SOC2_FORMAT_CLOUDFORMATION);
    ck_assert_int_eq(soc2_snapshot_document(s, 1, &name, &format), SOC2_ENOTFOUND);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(resource_iteration_and_lookup)
{
    soc2_snapshot *s = snapshot_with(open_ssh_template, "t.json");
    soc2_resource_iterator *it;
    const soc2_resource *r;
    ck_assert_int_eq(soc2_resource_iterator_new(&it, s), SOC2_OK);
    ck_assert_int_eq(soc2_resource_iterator_next(&r, it), SOC2_OK);
    ck_assert_str_eq(soc2_resource_address(r), "Web");
    ck_assert_str_eq(soc2_resource_type(r), "aws_security_group");
    ck_assert_str_eq(soc2_resource_source_type(r), "AWS::EC2::SecurityGroup");
    ck_assert_str_eq(soc2_resource_file(r), "t.json");
    ck_assert_ptr_null(soc2_resource_folded_into(r));
    ck_assert_int_eq(soc2_resource_iterator_next(&r, it), SOC2_ITEROVER);
    ck_assert_int_eq(soc2_resource_iterator_next(&r, it), SOC2_ITEROVER);
    soc2_resource_iterator_free(it);

    ck_assert_int_eq(soc2_snapshot_find_resource(&r, s, "Web"), SOC2_OK);
    const char *text;
    double number;
    int flag;
    size_t length;
    ck_assert_int_eq(soc2_resource_get_string(&text, r, "ingress[0].cidr_blocks[0]"), SOC2_OK);
    ck_assert_str_eq(text, "0.0.0.0/0");
    ck_assert_int_eq(soc2_resource_get_number(&number, r, "ingress[0].from_port"), SOC2_OK);
    ck_assert(number == 22.0);
    ck_assert_int_eq(soc2_resource_get_length(&length, r, "ingress"), SOC2_OK);
    ck_assert_uint_eq(length, 1);
    ck_assert_int_eq(soc2_resource_get_string(&text, r, "ingress[0].from_port"), SOC2_ETYPE);
    ck_assert_int_eq(soc2_resource_get_bool(&flag, r, "description"), SOC2_ETYPE);
    ck_assert_int_eq(soc2_resource_get_string(&text, r, "ingress[5].cidr_blocks"), SOC2_ENOTFOUND);
    ck_assert_int_eq(soc2_resource_get_string(&text, r, "ingress[0"), SOC2_EINVAL);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "invalid attribute path"));
    ck_assert_int_eq(soc2_snapshot_find_resource(&r, s, "Nope"), SOC2_ENOTFOUND);

    char *json;
    ck_assert_int_eq(soc2_snapshot_find_resource(&r, s, "Web"), SOC2_OK);
    ck_assert_int_eq(soc2_resource_to_json(&json, r), SOC2_OK);
    json_error_t err;
    json_t *doc = json_loads(json, 0, &err);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "address")), "Web");
    ck_assert(json_is_object(json_object_get(doc, "attributes")));
    json_decref(doc);
    soc2_free(json);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(failed_load_keeps_earlier_documents)
{
    soc2_snapshot *s = snapshot_with(open_ssh_template, "first.json");
    const char *bad = "{\"Resources\": {\"A\": {\"Type\": \"AWS::S3::Bucket\"},"
                      " \"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": 5}}}";
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, bad, strlen(bad), "second.json",
                                               SOC2_FORMAT_AUTO),
                     SOC2_EFORMAT);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 1);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);

    /* The same address in two documents is two resources. */
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "third.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 2);

    soc2_engine *e;
    soc2_report *report;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    const char *only[] = {"aws-ec2-no-public-ingress-ssh"};
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = only;
    options.rule_id_count = 1;
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_OK);
    ck_assert_uint_eq(soc2_report_count(report, SOC2_FINDING_FAIL), 2);
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    ck_assert_int_eq(soc2_finding_iterator_next(&f, it), SOC2_OK);
    ck_assert_str_eq(soc2_finding_file(f), "first.json");
    ck_assert_int_eq(soc2_finding_iterator_next(&f, it), SOC2_OK);
    ck_assert_str_eq(soc2_finding_file(f), "third.json");
    soc2_finding_iterator_free(it);
    soc2_report_free(report);

    /* Loading after an evaluation re-indexes: a new report sees it all. */
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, open_ssh_template, strlen(open_ssh_template),
                                               "fourth.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_OK);
    ck_assert_uint_eq(soc2_report_count(report, SOC2_FINDING_FAIL), 3);
    soc2_report_free(report);
    soc2_engine_free(e);
    soc2_snapshot_free(s);
}
END_TEST

/* Stops the writer at its first piece of output. */
static int stop_at_once(const char *data, size_t length, void *payload)
{
    (void)data;
    (void)length;
    int *calls = payload;
    (*calls)++;
    return 1;
}

START_TEST(writer_callback_can_stop)
{
    soc2_snapshot *s = snapshot_with(open_ssh_template, "t.json");
    soc2_engine *e;
    soc2_report *report;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    ck_assert_int_eq(soc2_evaluate(&report, e, s, NULL), SOC2_OK);

    int calls = 0;
    ck_assert_int_eq(soc2_report_write(report, SOC2_OUTPUT_JSON, NULL, stop_at_once, &calls),
                     SOC2_EUSER);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(soc2_report_write(report, (soc2_output_format)99, NULL, stop_at_once, &calls),
                     SOC2_EINVAL);
    ck_assert_int_eq(calls, 1);
    ck_assert_int_eq(soc2_report_write_file(report, SOC2_OUTPUT_JSON, NULL, "/nonexistent/dir/r.json"),
                     SOC2_EIO);

    struct text_buffer out = {0};
    ck_assert_int_eq(soc2_report_write(report, SOC2_OUTPUT_JSON, NULL, collect_output, &out), SOC2_OK);
    json_error_t err;
    json_t *doc = json_loadb(out.data, out.length, 0, &err);
    ck_assert_msg(doc != NULL, "%s", err.text);
    json_t *inputs = json_object_get(doc, "inputs");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(inputs, 0), "format")),
                     "cloudformation");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "tool"), "version")),
                     soc2_version());
    json_decref(doc);
    free(out.data);
    soc2_report_free(report);
    soc2_engine_free(e);
    soc2_snapshot_free(s);
}
END_TEST

typedef struct shared_engine {
    const soc2_engine *engine;
    size_t failures;
} shared_engine;

static void *evaluate_on_thread(void *arg)
{
    shared_engine *shared = arg;
    soc2_snapshot *s;
    soc2_report *report;
    if (soc2_snapshot_new(&s) != SOC2_OK ||
        soc2_snapshot_load_file(s, data_path("terraform/checkov/terragoat-plan-tf0.12.json"),
                                SOC2_FORMAT_AUTO) != SOC2_OK ||
        soc2_evaluate(&report, shared->engine, s, NULL) != SOC2_OK) {
        soc2_snapshot_free(s);
        return NULL;
    }
    shared->failures = soc2_report_count(report, SOC2_FINDING_FAIL);
    soc2_report_free(report);
    soc2_snapshot_free(s);
    return shared;
}

START_TEST(engine_is_shared_between_threads)
{
    soc2_engine *e;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    shared_engine shared[THREADS];
    for (int i = 0; i < THREADS; i++) {
        shared[i].engine = e;
        shared[i].failures = 0;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, evaluate_on_thread, &shared[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *result;
        ck_assert_int_eq(pthread_join(threads[i], &result), 0);
        ck_assert_ptr_nonnull(result);
        ck_assert_uint_gt(shared[i].failures, 0);
        ck_assert_uint_eq(shared[i].failures, shared[0].failures);
    }
    soc2_engine_free(e);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_test(tc, version_matches_header);
    tcase_add_test(tc, null_arguments_are_rejected);
    tcase_add_test(tc, error_record_and_descriptions);
    tcase_add_test(tc, last_error_is_per_thread);
    tcase_add_test(tc, format_names_round_trip);
    tcase_add_test(tc, bad_input_names_file_and_place);
    tcase_add_test(tc, nul_byte_is_named);
    tcase_add_test(tc, deep_nesting_is_a_limit);
    tcase_add_test(tc, size_and_resource_limits);
    tcase_add_test(tc, byte_order_mark_and_directory);
    tcase_add_test(tc, explicit_format_must_fit);
    tcase_add_test(tc, resource_iteration_and_lookup);
    tcase_add_test(tc, failed_load_keeps_earlier_documents);
    tcase_add_test(tc, writer_callback_can_stop);
    tcase_add_test(tc, engine_is_shared_between_threads);
    suite_add_tcase(s, tc);
    return s;
}
