/* Unit tests for the native adapter (src/load/native.c): detection, the
 * example in examples/, attributes and the members kept beside them, unknown
 * paths, relations, folding, and every malformed shape listed in
 * tests/data/native/malformed/cases.json with its status, pointer and line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/soc2.h>

#include "harness.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/strbuf.h"

#define EXAMPLE "../../examples/native-resources.json"

/* Helpers. */

static soc2_snapshot *new_snapshot(void)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    return s;
}

static soc2_snapshot *load_file(const char *relative)
{
    soc2_snapshot *s = new_snapshot();
    int rc = soc2_snapshot_load_file(s, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
    return s;
}

/* Loads JSON written with single quotes in place of double quotes, so that
 * inline cases stay readable. */
static int load_quoted(soc2_snapshot *s, const char *quoted, soc2_format format)
{
    char *text = strdup(quoted);
    ck_assert_ptr_nonnull(text);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "case.json", format);
    free(text);
    return rc;
}

static soc2_snapshot *load_quoted_ok(const char *quoted)
{
    soc2_snapshot *s = new_snapshot();
    int rc = load_quoted(s, quoted, SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "load failed: %s", soc2_error_last()->message);
    return s;
}

static const soc2_resource *find(const soc2_snapshot *s, const char *address)
{
    const soc2_resource *r = NULL;
    int rc = soc2_snapshot_find_resource(&r, s, address);
    ck_assert_msg(rc == SOC2_OK, "resource %s not found", address);
    return r;
}

static void assert_string(const soc2_resource *r, const char *path, const char *expected)
{
    const char *value = NULL;
    int rc = soc2_resource_get_string(&value, r, path);
    ck_assert_msg(rc == SOC2_OK, "%s %s: status %d", soc2_resource_address(r), path, rc);
    ck_assert_str_eq(value, expected);
}

static void assert_lookup(const soc2_resource *r, const char *path, int expected)
{
    const char *value = NULL;
    int rc = soc2_resource_get_string(&value, r, path);
    ck_assert_msg(rc == expected, "%s %s: status %d, expected %d", soc2_resource_address(r),
                  path, rc, expected);
}

/* Asserts that the attribute at `path` is located at `pointer`. */
static void assert_source(const soc2_resource *r, const char *path, const char *pointer)
{
    strbuf out = STRBUF_INIT;
    ck_assert_int_eq(resource_source_of(r, path, &out), 0);
    ck_assert_str_eq(sb_str(&out), pointer);
    sb_free(&out);
}

static const soc2_edge *edge_to(const soc2_resource *r, const char *path, const char *target)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0 &&
            strcmp(r->edges[i].target_address, target) == 0)
            return &r->edges[i];
    return NULL;
}

/* Evaluates `rule` of `engine` and returns its status on the resource at
 * `address`; fails the test when there is no such finding. Frees the
 * engine. */
static soc2_finding_status evaluate(soc2_engine *engine, soc2_snapshot *s, const char *rule,
                                    const char *address)
{
    soc2_report *report = NULL;
    const char *rules[] = {rule};
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = rules;
    options.rule_id_count = 1;
    ck_assert_int_eq(soc2_evaluate(&report, engine, s, &options), SOC2_OK);

    soc2_finding_iterator *it = NULL;
    const soc2_finding *f;
    int found = -1;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (found < 0 && soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_resource_address(f), address) == 0)
            found = (int)soc2_finding_status_of(f);
    soc2_finding_iterator_free(it);
    soc2_report_free(report);
    soc2_engine_free(engine);
    ck_assert_msg(found >= 0, "no finding of %s on %s", rule, address);
    return (soc2_finding_status)found;
}

/* Returns the status of the built-in rule `rule` on the resource at
 * `address`. */
static soc2_finding_status status_of(soc2_snapshot *s, const char *rule, const char *address)
{
    soc2_engine *engine = NULL;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);
    return evaluate(engine, s, rule, address);
}

static void assert_status(soc2_snapshot *s, const char *rule, const char *address,
                          soc2_finding_status expected)
{
    soc2_finding_status status = status_of(s, rule, address);
    ck_assert_msg(status == expected, "%s on %s: %s, expected %s", rule, address,
                  soc2_finding_status_name(status), soc2_finding_status_name(expected));
}

/* Detection. */

START_TEST(detect_by_format_member)
{
    soc2_snapshot *s = new_snapshot();
    ck_assert_int_eq(load_quoted(s, "{'format': 'libsoc2-native', 'version': 1, 'resources': []}",
                                 SOC2_FORMAT_AUTO),
                     SOC2_OK);
    soc2_format format;
    ck_assert_int_eq(soc2_snapshot_document(s, 0, NULL, &format), SOC2_OK);
    ck_assert_int_eq(format, SOC2_FORMAT_NATIVE);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(detect_without_format_member)
{
    static const char *const documents[] = {
        "{'version': 1, 'resources': [{'type': 'aws_vpc', 'id': 'vpc-1'}]}",
        "{'format': 'libsoc2', 'version': 1, 'resources': []}",
        "{'format': ['libsoc2-native'], 'version': 1, 'resources': []}",
    };
    for (size_t i = 0; i < sizeof(documents) / sizeof(documents[0]); i++) {
        soc2_snapshot *s = new_snapshot();
        ck_assert_int_eq(load_quoted(s, documents[i], SOC2_FORMAT_AUTO), SOC2_EUNRECOGNIZED);
        ck_assert_int_eq(load_quoted(s, documents[i], SOC2_FORMAT_NATIVE), SOC2_EUNRECOGNIZED);
        ck_assert_msg(strstr(soc2_error_last()->message, "not native") != NULL, "%s",
                      soc2_error_last()->message);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(detect_version_two)
{
    soc2_snapshot *s = new_snapshot();
    int rc = load_quoted(s, "{'format': 'libsoc2-native', 'version': 2, 'items': []}",
                         SOC2_FORMAT_AUTO);
    ck_assert_int_eq(rc, SOC2_EUNRECOGNIZED);
    ck_assert_str_eq(soc2_error_last()->message, "unsupported libsoc2-native version 2: "
                                                 "libsoc2 reads version 1 (at /version)");
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

/* The example. */

START_TEST(example_resources)
{
    soc2_snapshot *s = load_file(EXAMPLE);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 7);

    const soc2_resource *vpc = find(s, "vpc-0f1e2d3c4b5a69788");
    ck_assert_str_eq(soc2_resource_type(vpc), "aws_vpc");
    ck_assert_str_eq(soc2_resource_source_type(vpc), "aws_vpc");
    assert_string(vpc, "id", "vpc-0f1e2d3c4b5a69788");
    assert_string(vpc, "cidr_block", "10.20.0.0/16");
    assert_string(vpc, "tags.Name", "production");
    assert_string(vpc, "_provider", "aws");
    assert_string(vpc, "_account", "123456789012");
    assert_string(vpc, "_region", "eu-west-1");

    const soc2_resource *role = find(s, "arn:aws:iam::123456789012:role/deploy-admin");
    assert_string(role, "id", "deploy-admin");
    assert_lookup(role, "_region", SOC2_ENOTFOUND);

    const soc2_resource *rule = find(s, "sgr-0c1d2e3f4a5b69780");
    ck_assert_str_eq(soc2_resource_folded_into(rule), "sg-0a9b8c7d6e5f40312");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(example_findings)
{
    soc2_snapshot *s = load_file(EXAMPLE);
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-0f1e2d3c4b5a69788", SOC2_FINDING_PASS);
    assert_status(s, "aws-ec2-no-public-ingress-ssh", "sg-0a9b8c7d6e5f40312", SOC2_FINDING_FAIL);
    assert_status(s, "aws-s3-bucket-policy-no-public-principal", "acme-public-assets",
                  SOC2_FINDING_FAIL);
    assert_status(s, "aws-s3-bucket-policy-no-public-principal", "acme-build-artifacts",
                  SOC2_FINDING_UNKNOWN);
    assert_status(s, "aws-iam-no-admin-policy", "arn:aws:iam::123456789012:role/deploy-admin",
                  SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(example_to_json)
{
    soc2_snapshot *s = load_file(EXAMPLE);
    char *text = NULL;
    ck_assert_int_eq(soc2_resource_to_json(&text, find(s, "fl-04a1b2c3d4e5f6a7b")), SOC2_OK);
    json_error_t error;
    json_t *doc = json_loads(text, 0, &error);
    ck_assert_msg(doc != NULL, "%s", error.text);

    json_t *attributes = json_object_get(doc, "attributes");
    ck_assert_str_eq(json_string_value(json_object_get(attributes, "_provider")), "aws");
    ck_assert_str_eq(json_string_value(json_object_get(attributes, "_account")), "123456789012");
    ck_assert_str_eq(json_string_value(json_object_get(attributes, "_region")), "eu-west-1");
    ck_assert_str_eq(json_string_value(json_object_get(attributes, "id")), "fl-04a1b2c3d4e5f6a7b");
    ck_assert_str_eq(json_string_value(json_object_get(doc, "type")), "aws_flow_log");
    ck_assert_uint_ge(json_array_size(json_object_get(doc, "references")), 1);

    json_decref(doc);
    soc2_free(text);
    soc2_snapshot_free(s);
}
END_TEST

/* Attributes and positions. */

START_TEST(source_positions)
{
    soc2_snapshot *s = load_file("native/security-group-rule.json");
    const soc2_resource *group = find(s, "sg-web");
    ck_assert_str_eq(group->source_pointer, "/resources/0");
    assert_source(group, "name", "/resources/0/attributes/name");
    assert_source(group, "ingress[0].from_port", "/resources/0/attributes/ingress/0/from_port");
    assert_source(group, "id", "/resources/0/id");
    assert_source(group, "_provider", "/resources/0/provider");
    assert_source(group, "_account", "/resources/0/account");
    assert_source(group, "_region", "/resources/0/region");

    soc2_snapshot *u = load_file("native/unknown.json");
    const soc2_resource *partial = find(u, "sg-partial");
    assert_source(partial, "ingress[0].cidr_blocks[0]", "/resources/0/unknown/0");
    assert_source(partial, "tags[\"Cost Center\"]", "/resources/0/unknown/1");
    assert_source(partial, "description", "/resources/0/unknown/2");
    assert_source(partial, "egress[0].cidr_blocks", "/resources/0/unknown/4");
    soc2_snapshot_free(u);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(id_among_attributes)
{
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-1', 'attributes': {'id': 'vpc-1'}}]}");
    const soc2_resource *vpc = find(s, "vpc-1");
    assert_string(vpc, "id", "vpc-1");
    assert_source(vpc, "id", "/resources/0/attributes/id");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(comments_everywhere)
{
    soc2_snapshot *s = load_quoted_ok(
        "{'$comment': 'top', 'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'$comment': ['any', 'value'], 'type': 'aws_vpc', 'id': 'vpc-1'},"
        " {'type': 'aws_flow_log', 'id': 'fl-1', 'relations': ["
        "  {'$comment': {'why': 'a note'}, 'attribute': 'vpc_id', 'target': 'vpc-1'}]}]}");
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 2);
    assert_lookup(find(s, "vpc-1"), "[\"$comment\"]", SOC2_ENOTFOUND);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(kept_members_in_rules)
{
    static const char rule[] =
        "{'id': 'eu-only', 'title': 'Resources stay in the EU', 'severity': 'low',"
        " 'resource_types': ['aws_vpc'],"
        " 'assert': {'attribute': '_region', 'op': 'starts_with', 'value': 'eu-'}}";
    char *text = strdup(rule);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';

    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-eu', 'region': 'eu-west-1'},"
        " {'type': 'aws_vpc', 'id': 'vpc-us', 'region': 'us-east-1'}]}");
    soc2_engine *engine = NULL;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    int rc = soc2_engine_add_rules_buffer(engine, text, strlen(text), "rules.json");
    ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_int_eq(evaluate(engine, s, "eu-only", "vpc-eu"), SOC2_FINDING_PASS);

    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_rules_buffer(engine, text, strlen(text), "rules.json"),
                     SOC2_OK);
    ck_assert_int_eq(evaluate(engine, s, "eu-only", "vpc-us"), SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
    free(text);
}
END_TEST

START_TEST(resource_limit)
{
    soc2_snapshot *s = new_snapshot();
    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_RESOURCES, 2), SOC2_OK);
    int rc = load_quoted(s,
                         "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
                         " {'type': 'aws_vpc', 'id': 'vpc-1'}, {'type': 'aws_vpc', 'id': 'vpc-2'},"
                         " {'type': 'aws_vpc', 'id': 'vpc-3'}]}",
                         SOC2_FORMAT_AUTO);
    ck_assert_int_eq(rc, SOC2_ELIMIT);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

/* Unknown values. */

START_TEST(unknown_paths)
{
    soc2_snapshot *s = load_file("native/unknown.json");
    const soc2_resource *partial = find(s, "sg-partial");
    assert_lookup(partial, "ingress[0].cidr_blocks[0]", SOC2_EUNKNOWN);
    assert_lookup(partial, "tags[\"Cost Center\"]", SOC2_EUNKNOWN);
    assert_lookup(partial, "description", SOC2_EUNKNOWN);
    assert_lookup(partial, "egress", SOC2_EUNKNOWN);
    assert_lookup(partial, "egress[0].cidr_blocks", SOC2_EUNKNOWN);
    assert_lookup(partial, "tags.Owner", SOC2_ENOTFOUND);
    assert_string(partial, "name", "partial");
    assert_string(partial, "ingress[0].protocol", "tcp");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(unknown_paths_in_rules)
{
    soc2_snapshot *s = load_file("native/unknown.json");
    assert_status(s, "aws-ec2-no-public-ingress-ssh", "sg-partial", SOC2_FINDING_UNKNOWN);
    assert_status(s, "aws-cloudtrail-kms-encryption", "trail-main", SOC2_FINDING_UNKNOWN);
    assert_status(s, "aws-cloudtrail-multi-region-trail", "account", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

/* Relations. */

START_TEST(relations_resolve)
{
    soc2_snapshot *s = load_file("native/flow-logs.json");

    const soc2_edge *e = edge_to(find(s, "fl-by-id"), "vpc_id", "vpc-covered");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, find(s, "vpc-covered"));
    ck_assert_uint_eq(e->flags, 0);

    /* The attribute written as ["vpc_id"] is recorded as vpc_id. */
    e = edge_to(find(s, "fl-by-address"), "vpc_id", "network.main");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, find(s, "network.main"));

    e = edge_to(find(s, "fl-outside"), "vpc_id", "vpc-in-another-document");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_null(e->target);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relations_in_rules)
{
    soc2_snapshot *s = load_file("native/flow-logs.json");
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-covered", SOC2_FINDING_PASS);
    assert_status(s, "aws-vpc-flow-logs-enabled", "network.main", SOC2_FINDING_PASS);
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-bare", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relation_missing_fails_rule)
{
    /* The same flow log without its relation covers no VPC. */
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-covered'},"
        " {'type': 'aws_flow_log', 'id': 'fl-1', 'attributes': {'traffic_type': 'ALL'}}]}");
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-covered", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relation_outside_document_unexplained)
{
    /* An unknown vpc_id whose relation names no resource of the document
     * could be any VPC's, so the VPC is unknown rather than failed. */
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-bare'},"
        " {'type': 'aws_flow_log', 'id': 'fl-1', 'attributes': {'traffic_type': 'ALL'},"
        "  'unknown': ['vpc_id'],"
        "  'relations': [{'attribute': 'vpc_id', 'target': 'vpc-elsewhere'}]}]}");
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-bare", SOC2_FINDING_UNKNOWN);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relation_repeated_not_ambiguous)
{
    /* Written once with "ambiguous" and once without, a relation is
     * definite. */
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-1'},"
        " {'type': 'aws_flow_log', 'id': 'fl-1', 'relations': ["
        "  {'attribute': 'vpc_id', 'target': 'vpc-1', 'ambiguous': true},"
        "  {'attribute': 'vpc_id', 'target': 'vpc-1', 'ambiguous': false}]}]}");
    const soc2_resource *log = find(s, "fl-1");
    ck_assert_uint_eq(log->edge_count, 1);
    ck_assert_uint_eq(log->edges[0].flags, 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relation_address_before_id)
{
    /* "shared" is the address of the first VPC and the ID of the second. */
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_vpc', 'id': 'vpc-1', 'address': 'shared'},"
        " {'type': 'aws_vpc', 'id': 'shared', 'address': 'other'},"
        " {'type': 'aws_flow_log', 'id': 'fl-1', 'relations': ["
        "  {'attribute': 'vpc_id', 'target': 'shared'},"
        "  {'attribute': 'log_destination', 'target': 'vpc-1'}]}]}");
    const soc2_resource *log = find(s, "fl-1");
    const soc2_edge *by_address = edge_to(log, "vpc_id", "shared");
    ck_assert_ptr_nonnull(by_address);
    ck_assert_ptr_eq(by_address->target, find(s, "shared"));
    ck_assert_str_eq(soc2_resource_type(by_address->target), "aws_vpc");
    assert_string(by_address->target, "id", "vpc-1");

    /* A target given by ID is recorded under the address of its resource. */
    const soc2_edge *by_id = edge_to(log, "log_destination", "shared");
    ck_assert_ptr_nonnull(by_id);
    ck_assert_ptr_eq(by_id->target, find(s, "shared"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relations_ambiguous)
{
    soc2_snapshot *s = load_file("native/ambiguous.json");
    const soc2_resource *log = find(s, "fl-somewhere");
    const soc2_edge *a = edge_to(log, "vpc_id", "vpc-a");
    const soc2_edge *b = edge_to(log, "vpc_id", "vpc-b");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(a->flags, EDGE_AMBIGUOUS);
    ck_assert_uint_eq(b->flags, EDGE_AMBIGUOUS);

    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-a", SOC2_FINDING_UNKNOWN);
    assert_status(s, "aws-vpc-flow-logs-enabled", "vpc-b", SOC2_FINDING_UNKNOWN);
    soc2_snapshot_free(s);
}
END_TEST

/* Folding. */

START_TEST(fold_security_group_rule)
{
    soc2_snapshot *s = load_file("native/security-group-rule.json");
    const soc2_resource *group = find(s, "sg-web");
    size_t rules = 0;
    ck_assert_int_eq(soc2_resource_get_length(&rules, group, "ingress"), SOC2_OK);
    ck_assert_uint_eq(rules, 2);
    assert_string(group, "ingress[1].cidr_blocks[0]", "0.0.0.0/0");
    ck_assert_str_eq(soc2_resource_folded_into(find(s, "sgr-ssh")), "sg-web");

    assert_status(s, "aws-ec2-no-public-ingress-ssh", "sg-web", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(fold_bucket_policy_by_relation)
{
    /* The policy's bucket is unknown, so only the relation names its
     * parent. Its address must differ from the bucket's, whose ID it
     * shares. */
    soc2_snapshot *s = load_quoted_ok(
        "{'format': 'libsoc2-native', 'version': 1, 'resources': ["
        " {'type': 'aws_s3_bucket', 'id': 'assets', 'attributes': {'bucket': 'assets'}},"
        " {'type': 'aws_s3_bucket_policy', 'id': 'assets', 'address': 'assets/policy',"
        "  'attributes': {'policy': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',"
        "   'Principal': '*', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::assets/*'}]}},"
        "  'unknown': ['bucket'],"
        "  'relations': [{'attribute': 'bucket', 'target': 'assets'}]}]}");
    ck_assert_str_eq(soc2_resource_folded_into(find(s, "assets/policy")), "assets");
    assert_status(s, "aws-s3-bucket-policy-no-public-principal", "assets", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

/* Malformed documents. */

static const struct {
    const char *name;
    int code;
} status_codes[] = {
    {"SOC2_EFORMAT", SOC2_EFORMAT},
    {"SOC2_EUNRECOGNIZED", SOC2_EUNRECOGNIZED},
    {"SOC2_ELIMIT", SOC2_ELIMIT},
};

static int status_code(const char *name)
{
    for (size_t i = 0; i < sizeof(status_codes) / sizeof(status_codes[0]); i++)
        if (strcmp(status_codes[i].name, name) == 0)
            return status_codes[i].code;
    ck_abort_msg("unknown status name %s in cases.json", name);
    return 0;
}

static const char *member_string(const json_t *item, const char *member)
{
    const char *value = json_string_value(json_object_get(item, member));
    ck_assert_msg(value != NULL, "cases.json: a case has no string \"%s\"", member);
    return value;
}

START_TEST(malformed_cases)
{
    json_error_t error;
    json_t *cases = json_load_file(data_path("native/malformed/cases.json"), 0, &error);
    ck_assert_msg(cases != NULL, "cases.json: %s", error.text);
    ck_assert_uint_gt(json_array_size(cases), 30);

    /* Every failed load must leave the snapshot as it was. */
    soc2_snapshot *s = load_file("native/ambiguous.json");
    size_t resources = soc2_snapshot_resource_count(s);

    size_t i;
    json_t *item;
    json_array_foreach(cases, i, item) {
        char relative[256];
        const char *file = member_string(item, "file");
        snprintf(relative, sizeof(relative), "native/malformed/%s", file);
        int expected = status_code(member_string(item, "status"));
        const char *pointer = member_string(item, "pointer");
        const char *message = member_string(item, "message_contains");
        int line = (int)json_integer_value(json_object_get(item, "line"));

        int rc = soc2_snapshot_load_file(s, data_path(relative), SOC2_FORMAT_AUTO);
        const soc2_error *e = soc2_error_last();
        ck_assert_msg(rc == expected, "%s: status %d, expected %d (%s)", file, rc, expected,
                      e->message);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0,
                      "%s: pointer %s, expected %s", file, e->pointer ? e->pointer : "(none)",
                      pointer);
        ck_assert_msg(e->line == line, "%s: line %d, expected %d", file, e->line, line);
        ck_assert_msg(e->column > 0, "%s: no column", file);
        ck_assert_msg(strstr(e->message, message) != NULL, "%s: message \"%s\" lacks \"%s\"",
                      file, e->message, message);
        ck_assert_msg(e->file && strstr(e->file, file) != NULL, "%s: error names file %s", file,
                      e->file ? e->file : "(none)");
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), resources);
        ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    }

    soc2_snapshot_free(s);
    json_decref(cases);
}
END_TEST

START_TEST(malformed_files_listed)
{
    /* Every document in the folder is a case, so none is left untested. */
    json_error_t error;
    json_t *cases = json_load_file(data_path("native/malformed/cases.json"), 0, &error);
    ck_assert_msg(cases != NULL, "cases.json: %s", error.text);

    DIR *folder = opendir(data_path("native/malformed"));
    ck_assert_ptr_nonnull(folder);
    size_t files = 0;
    struct dirent *entry;
    while ((entry = readdir(folder))) {
        const char *name = entry->d_name;
        if (name[0] == '.' || strcmp(name, "cases.json") == 0)
            continue;
        files++;
        int listed = 0;
        size_t i;
        json_t *item;
        json_array_foreach(cases, i, item)
            listed |= strcmp(json_string_value(json_object_get(item, "file")), name) == 0;
        ck_assert_msg(listed, "%s is not in cases.json", name);
    }
    closedir(folder);
    ck_assert_uint_eq(files, json_array_size(cases));
    json_decref(cases);
}
END_TEST

START_TEST(long_pointer_in_message)
{
    /* An unknown path error deep in a long resource list keeps the whole
     * pointer in the error record. */
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "{\"format\": \"libsoc2-native\", \"version\": 1, \"resources\": [\n");
    for (int i = 0; i < 1200; i++)
        sb_printf(&text, "{\"type\": \"aws_vpc\", \"id\": \"vpc-%d\"},\n", i);
    sb_puts(&text, "{\"type\": \"aws_vpc\", \"id\": \"last\", \"unknown\": [\"a..b\"]}]}");
    soc2_snapshot *s = new_snapshot();
    int rc = soc2_snapshot_load_buffer(s, text.data, text.len, "long.json", SOC2_FORMAT_NATIVE);
    ck_assert_int_eq(rc, SOC2_EFORMAT);
    ck_assert_str_eq(soc2_error_last()->pointer, "/resources/1200/unknown/0");
    ck_assert_int_eq(soc2_error_last()->line, 1202);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
    sb_free(&text);
}
END_TEST

/* Every jansson allocation of a load fails in turn: the load reports
 * SOC2_ENOMEM and frees what it made (the sanitizer build checks leaks). */
static long allocations_left;

static void *failing_malloc(size_t size)
{
    if (allocations_left-- <= 0)
        return NULL;
    return malloc(size);
}

START_TEST(allocation_failures_reported)
{
    size_t length = 0;
    char *text = read_data(EXAMPLE, &length);
    ck_assert_ptr_nonnull(text);
    json_t *root = json_loadb(text, length, 0, NULL);
    ck_assert_ptr_nonnull(root);

    int succeeded = 0;
    for (long budget = 0; budget < 100000 && !succeeded; budget++) {
        soc2_snapshot *s = new_snapshot();
        allocations_left = budget;
        json_set_alloc_funcs(failing_malloc, free);
        int rc = loader_run(s, "oom.json", text, length, NULL, SOC2_FORMAT_NATIVE, native_load,
                            root);
        json_set_alloc_funcs(malloc, free);

        ck_assert_msg(rc == SOC2_OK || rc == SOC2_ENOMEM, "budget %ld: status %d (%s)", budget,
                      rc, soc2_error_last()->message);
        if (rc == SOC2_OK) {
            succeeded = 1;
            ck_assert_uint_eq(soc2_snapshot_resource_count(s), 7);
            assert_string(find(s, "vpc-0f1e2d3c4b5a69788"), "_region", "eu-west-1");
        } else {
            ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
        }
        soc2_snapshot_free(s);
    }
    ck_assert(succeeded);
    json_decref(root);
    free(text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("native");
    TCase *tc = tcase_create("native");
    tcase_add_test(tc, detect_by_format_member);
    tcase_add_test(tc, detect_without_format_member);
    tcase_add_test(tc, detect_version_two);
    tcase_add_test(tc, example_resources);
    tcase_add_test(tc, example_findings);
    tcase_add_test(tc, example_to_json);
    tcase_add_test(tc, source_positions);
    tcase_add_test(tc, id_among_attributes);
    tcase_add_test(tc, comments_everywhere);
    tcase_add_test(tc, kept_members_in_rules);
    tcase_add_test(tc, resource_limit);
    tcase_add_test(tc, unknown_paths);
    tcase_add_test(tc, unknown_paths_in_rules);
    tcase_add_test(tc, relations_resolve);
    tcase_add_test(tc, relations_in_rules);
    tcase_add_test(tc, relation_missing_fails_rule);
    tcase_add_test(tc, relation_outside_document_unexplained);
    tcase_add_test(tc, relation_repeated_not_ambiguous);
    tcase_add_test(tc, relation_address_before_id);
    tcase_add_test(tc, relations_ambiguous);
    tcase_add_test(tc, fold_security_group_rule);
    tcase_add_test(tc, fold_bucket_policy_by_relation);
    tcase_add_test(tc, malformed_cases);
    tcase_add_test(tc, malformed_files_listed);
    tcase_add_test(tc, long_pointer_in_message);
    tcase_add_test(tc, allocation_failures_reported);
    suite_add_tcase(s, tc);
    return s;
}
