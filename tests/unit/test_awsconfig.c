/* Unit tests for the AWS Config adapter (src/load/awsconfig*.c and
 * src/load/mappings/aws-config.json). They cover detection, the mapping of
 * every type a built-in rule reads, the choice of items (history, deleted
 * resources), addresses, relationships and source positions. They also run
 * the built-in rules on the result and load malformed documents. The
 * documents in tests/data/aws-config are hand-made in the formats AWS
 * Config writes, as the README there says. */
#include <stdlib.h>
#include <string.h>

#include <soc2/soc2.h>

#include "harness.h"
#include "load/awsconfig.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/jsonpos.h"
#include "util/path.h"

/* Loading. */

static soc2_snapshot *load_file(const char *relative)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_file(s, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
    return s;
}

/* Replaces single quotes by double quotes, so that test literals need no
 * escaping. The caller frees the result. */
static char *double_quoted(const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    return text;
}

/* Loads a document written with single quotes; returns the status. */
static int load_text(soc2_snapshot **out, const char *single_quoted, soc2_format format)
{
    char *text = double_quoted(single_quoted);
    ck_assert_int_eq(soc2_snapshot_new(out), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(*out, text, strlen(text), "config.json", format);
    free(text);
    return rc;
}

static soc2_resource *resource(soc2_snapshot *s, const char *address)
{
    const soc2_resource *r = NULL;
    ck_assert_msg(soc2_snapshot_find_resource(&r, s, address) == SOC2_OK, "no resource %s",
                  address);
    return (soc2_resource *)r;
}

static int has_resource(soc2_snapshot *s, const char *address)
{
    const soc2_resource *r = NULL;
    return soc2_snapshot_find_resource(&r, s, address) == SOC2_OK;
}

/* Returns the value at an attribute path, or NULL when it is absent. */
static json_t *value_at(json_t *root, const char *text)
{
    attr_path path;
    ck_assert_int_eq(path_parse(&path, text, NULL), 0);
    json_t *node = root;
    for (size_t i = 0; i < path.count && node; i++)
        node = path.steps[i].key ? json_object_get(node, path.steps[i].key)
                                 : json_array_get(node, path.steps[i].index);
    path_free(&path);
    return node;
}

/* Asserts that the attribute at `path` ("" for all of them) equals the
 * JSON text `expected` (single quotes allowed). */
#define ck_assert_attr(r, path, expected)                                                          \
    do {                                                                                           \
        char *want_ = double_quoted(expected);                                                     \
        json_t *expected_ = json_loads(want_, JSON_DECODE_ANY, NULL);                              \
        ck_assert_msg(expected_ != NULL, "invalid expected JSON %s", expected);                    \
        json_t *actual_ = value_at((r)->attrs, path);                                              \
        char *got_ = actual_ ? json_dumps(actual_, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;         \
        ck_assert_msg(actual_ && json_equal(actual_, expected_), "%s of %s is %s, expected %s",    \
                      path, (r)->address, got_ ? got_ : "absent", want_);                          \
        free(got_);                                                                                \
        free(want_);                                                                               \
        json_decref(expected_);                                                                    \
    } while (0)

#define ck_assert_absent(r, path)                                                                  \
    ck_assert_msg(value_at((r)->attrs, path) == NULL, "%s of %s is present", path, (r)->address)

/* Returns the edge of `r` at `path` to `target`, or NULL. */
static const soc2_edge *edge(const soc2_resource *r, const char *path, const char *target)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0 &&
            strcmp(r->edges[i].target_address, target) == 0)
            return &r->edges[i];
    return NULL;
}

/* Returns the JSON pointer recorded for the attribute at `path`. */
static char *source_of(const soc2_resource *r, const char *path)
{
    strbuf out = STRBUF_INIT;
    ck_assert_msg(resource_source_of(r, path, &out) == 0, "no source for %s of %s", path,
                  r->address);
    return sb_steal(&out);
}

#define ck_assert_source(r, path, pointer)                                                         \
    do {                                                                                           \
        char *got_ = source_of(r, path);                                                           \
        ck_assert_msg(strcmp(got_, pointer) == 0, "%s of %s comes from %s, expected %s", path,    \
                      (r)->address, got_, pointer);                                                \
        free(got_);                                                                                \
    } while (0)

/* Evaluation. */

/* Returns the status of `rule_id` on `address`, or -1 when the rule made
 * no finding for it. */
static int finding_status(soc2_snapshot *s, const char *rule_id, const char *address)
{
    soc2_engine *engine;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = &rule_id;
    options.rule_id_count = 1;
    soc2_report *report = NULL;
    ck_assert_int_eq(soc2_evaluate(&report, engine, s, &options), SOC2_OK);

    int status = -1;
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK) {
        const char *found = soc2_finding_resource_address(f);
        if (!address || (found && strcmp(found, address) == 0))
            status = (int)soc2_finding_status_of(f);
    }
    soc2_finding_iterator_free(it);
    soc2_report_free(report);
    soc2_engine_free(engine);
    return status;
}

#define ck_assert_finding(s, rule, address, expected)                                              \
    do {                                                                                           \
        int status_ = finding_status(s, rule, address);                                            \
        ck_assert_msg(status_ == (int)(expected), "%s on %s: %s, expected %s", rule,               \
                      (address) ? (address) : "the account",                                       \
                      status_ < 0 ? "no finding"                                                   \
                                  : soc2_finding_status_name((soc2_finding_status)status_),        \
                      soc2_finding_status_name(expected));                                         \
    } while (0)

/* Detection. */

START_TEST(detect_each_document_shape)
{
    static const char *const files[] = {"aws-config/snapshot.json", "aws-config/history.json",
                                        "aws-config/batch.json", "aws-config/list.json",
                                        "aws-config/select.json"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        soc2_snapshot *s = load_file(files[i]);
        soc2_format format;
        ck_assert_int_eq(soc2_snapshot_document(s, 0, NULL, &format), SOC2_OK);
        ck_assert_msg(format == SOC2_FORMAT_AWS_CONFIG, "%s loaded as %s", files[i],
                      soc2_format_name(format));
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(detect_rejects_other_documents)
{
    static const char *const others[] = {
        "{'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}",
        "{'format_version': '1.2', 'resource_changes': []}",
        "{'fileVersion': '1.0'}",
        "{'Results': []}",
        "[]",
        "[1]",
        "[{'resourceType': 'AWS::S3::Bucket'}]",
        "[{'resourceId': 'b', 'configuration': {}}]",
        "{'a': 1}",
        "'text'",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        char *text = double_quoted(others[i]);
        json_t *root = json_loads(text, JSON_DECODE_ANY, NULL);
        ck_assert_msg(root != NULL, "invalid test JSON %s", text);
        ck_assert_msg(!awsconfig_detect(root), "detected: %s", text);
        json_decref(root);
        free(text);
    }
}
END_TEST

START_TEST(detect_when_format_is_named)
{
    soc2_snapshot *s;
    ck_assert_int_eq(load_text(&s,
                               "[{'resourceType': 'AWS::SNS::Topic', 'resourceId': 'arn:t',"
                               " 'resourceName': 't', 'configuration': {'TopicArn': 'arn:t'}}]",
                               SOC2_FORMAT_AWS_CONFIG),
                     SOC2_OK);
    soc2_resource *r = resource(s, "t");
    ck_assert_str_eq(r->type, "aws_sns_topic");
    ck_assert_attr(r, "", "{'arn': 'arn:t', 'id': 'arn:t', 'name': 't'}");
    soc2_snapshot_free(s);
}
END_TEST

/* The mapping of each type, from the snapshot. */

START_TEST(map_vpc_and_flow_log)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *vpc = resource(s, "vpc-0a1");
    ck_assert_str_eq(vpc->type, "aws_vpc");
    ck_assert_str_eq(vpc->source_type, "AWS::EC2::VPC");
    ck_assert_attr(vpc, "",
                   "{'id': 'vpc-0a1', 'arn': 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1',"
                   " 'cidr_block': '10.0.0.0/16', 'default': false, 'dhcp_options_id': 'dopt-1',"
                   " 'instance_tenancy': 'default', 'owner_id': '123456789012',"
                   " 'state': 'available', 'tags': {'Name': 'main'}, 'relationships': []}");

    soc2_resource *flow_log = resource(s, "fl-0c3");
    ck_assert_str_eq(flow_log->type, "aws_flow_log");
    ck_assert_attr(flow_log, "vpc_id", "'vpc-0a1'");
    ck_assert_attr(flow_log, "traffic_type", "'REJECT'");
    ck_assert_attr(flow_log, "id", "'fl-0c3'");
    ck_assert_attr(flow_log, "iam_role_arn", "'arn:aws:iam::123456789012:role/flow-logs'");
    ck_assert_attr(flow_log, "log_group_name", "'vpc-flow-logs'");
    ck_assert_attr(flow_log, "log_destination_type", "'cloud-watch-logs'");
    ck_assert_attr(flow_log, "max_aggregation_interval", "600");
    ck_assert_absent(flow_log, "resource_id");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_flow_log_target_by_prefix)
{
    soc2_snapshot *s = load_file("aws-config/list.json");
    ck_assert_attr(resource(s, "fl-0dd"), "vpc_id", "'vpc-0cc'");
    soc2_resource *subnet_log = resource(s, "fl-0ee");
    ck_assert_attr(subnet_log, "subnet_id", "'subnet-0ff'");
    ck_assert_absent(subnet_log, "vpc_id");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_security_group)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "web");
    ck_assert_str_eq(r->type, "aws_security_group");
    ck_assert_attr(r, "id", "'sg-0d4'");
    ck_assert_attr(r, "name", "'web'");
    ck_assert_attr(r, "vpc_id", "'vpc-0a1'");
    ck_assert_attr(r, "description", "'web servers'");
    ck_assert_attr(r, "tags", "{'Team': 'web'}");
    /* ipRanges and ipv4Ranges list the same ranges once. */
    ck_assert_attr(r, "ingress",
                   "[{'protocol': 'tcp', 'from_port': 22, 'to_port': 22,"
                   "  'cidr_blocks': ['0.0.0.0/0'], 'ipv6_cidr_blocks': [],"
                   "  'prefix_list_ids': [], 'security_groups': [], 'self': false},"
                   " {'protocol': 'tcp', 'from_port': 443, 'to_port': 443,"
                   "  'cidr_blocks': ['10.0.0.0/8', '192.168.0.0/16'],"
                   "  'ipv6_cidr_blocks': ['::/0'], 'prefix_list_ids': ['pl-1'],"
                   "  'security_groups': ['sg-0e5'], 'self': false}]");
    ck_assert_attr(r, "egress",
                   "[{'protocol': '-1', 'cidr_blocks': ['0.0.0.0/0'], 'ipv6_cidr_blocks': [],"
                   "  'prefix_list_ids': [], 'security_groups': [], 'self': false}]");

    soc2_resource *empty = resource(s, "default (sg-0e6)");
    ck_assert_attr(empty, "ingress", "[]");
    ck_assert_attr(empty, "egress", "[]");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_security_group_from_string_configuration)
{
    soc2_snapshot *s = load_file("aws-config/batch.json");
    soc2_resource *r = resource(s, "bastion");
    ck_assert_attr(r, "",
                   "{'id': 'sg-0aa', 'name': 'bastion', 'description': 'bastion',"
                   " 'vpc_id': 'vpc-0bb', 'owner_id': '123456789012', 'tags': {},"
                   " 'arn': 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0aa',"
                   " 'ingress': [{'protocol': 'tcp', 'from_port': 20, 'to_port': 25,"
                   "   'cidr_blocks': [], 'ipv6_cidr_blocks': ['::/0'], 'prefix_list_ids': [],"
                   "   'security_groups': [], 'self': false}],"
                   " 'egress': []}");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_instance_and_load_balancers)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *instance = resource(s, "i-0f6");
    ck_assert_str_eq(instance->type, "aws_instance");
    ck_assert_attr(instance, "vpc_security_group_ids", "['sg-0d4']");
    ck_assert_attr(instance, "ami", "'ami-12345'");
    ck_assert_attr(instance, "instance_type", "'t3.micro'");
    ck_assert_attr(instance, "subnet_id", "'subnet-0g7'");
    ck_assert_attr(instance, "private_ip", "'10.0.1.5'");
    ck_assert_attr(instance, "iam_instance_profile",
                   "'arn:aws:iam::123456789012:instance-profile/app'");
    ck_assert_attr(instance, "metadata_options",
                   "[{'http_tokens': 'required', 'http_endpoint': 'enabled',"
                   "  'http_put_response_hop_limit': 1, 'state': 'applied'}]");
    ck_assert_attr(instance, "tags", "{'Name': 'app'}");

    soc2_resource *alb = resource(s, "front");
    ck_assert_str_eq(alb->type, "aws_lb");
    ck_assert_attr(alb, "security_groups", "['sg-0d4']");
    ck_assert_attr(alb, "load_balancer_type", "'application'");
    ck_assert_attr(alb, "internal", "false");
    ck_assert_attr(alb, "name", "'front'");
    ck_assert_attr(alb, "arn",
                   "'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/"
                   "front/50dc6c495c0c9188'");
    ck_assert_attr(alb, "dns_name", "'front-1.us-east-1.elb.amazonaws.com'");

    soc2_resource *elb = resource(s, "legacy");
    ck_assert_str_eq(elb->type, "aws_elb");
    ck_assert_attr(elb, "security_groups", "['sg-0e5']");
    ck_assert_attr(elb, "internal", "true");
    ck_assert_attr(elb, "vpc_id", "'vpc-0a1'");
    ck_assert_attr(elb, "instances", "['i-0f6']");
    ck_assert_attr(elb, "listener",
                   "[{'instance_port': 8080, 'instance_protocol': 'HTTP', 'lb_port': 80,"
                   "  'lb_protocol': 'HTTP', 'policy_names': []}]");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_iam_policy_default_version)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "data-reader");
    ck_assert_str_eq(r->type, "aws_iam_policy");
    ck_assert_attr(r, "name", "'data-reader'");
    ck_assert_attr(r, "arn", "'arn:aws:iam::123456789012:policy/data-reader'");
    ck_assert_attr(r, "id", "'ANPA0POLICY'");
    /* The default version (v2), URL-decoded; v1 allows everything. */
    ck_assert_attr(r, "policy",
                   "'{\\'Version\\':\\'2012-10-17\\',\\'Statement\\':[{\\'Effect\\':\\'Allow\\',"
                   "\\'Action\\':[\\'s3:GetObject\\'],"
                   "\\'Resource\\':\\'arn:aws:s3:::app-data/*\\'}]}'");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_iam_role_user_group)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *role = resource(s, "admin-role");
    ck_assert_str_eq(role->type, "aws_iam_role");
    ck_assert_attr(role, "name", "'admin-role'");
    ck_assert_attr(role, "unique_id", "'AROA0ADMIN'");
    ck_assert_attr(role, "inline_policy[0].name", "'everything'");
    json_t *policy = json_loads(json_string_value(value_at(role->attrs, "inline_policy[0].policy")),
                                0, NULL);
    ck_assert_msg(policy != NULL, "the decoded inline policy is not JSON");
    ck_assert_str_eq(json_string_value(value_at(policy, "Statement[0].Action")), "*");
    json_decref(policy);
    ck_assert_attr(role, "managed_policy_arns", "['arn:aws:iam::123456789012:policy/data-reader']");
    json_t *trust =
        json_loads(json_string_value(value_at(role->attrs, "assume_role_policy")), 0, NULL);
    ck_assert_str_eq(json_string_value(value_at(trust, "Statement[0].Principal.Service")),
                     "ec2.amazonaws.com");
    json_decref(trust);

    soc2_resource *user = resource(s, "deploy");
    ck_assert_str_eq(user->type, "aws_iam_user");
    ck_assert_attr(user, "inline_policy[0].name", "'logs'");
    ck_assert_attr(user, "managed_policy_arns", "['arn:aws:iam::aws:policy/AdministratorAccess']");
    ck_assert_attr(user, "groups", "['developers']");

    soc2_resource *group = resource(s, "developers");
    ck_assert_str_eq(group->type, "aws_iam_group");
    ck_assert_attr(group, "name", "'developers'");
    ck_assert_attr(group, "inline_policy[0].name", "'read'");
    ck_assert_attr(group, "managed_policy_arns", "[]");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_iam_permissions_boundary)
{
    soc2_snapshot *s = load_file("aws-config/history.json");
    soc2_resource *role = resource(s, "lambda-admin");
    ck_assert_attr(role, "permissions_boundary", "'arn:aws:iam::123456789012:policy/boundary'");
    ck_assert_attr(role, "managed_policy_arns", "['arn:aws:iam::aws:policy/ReadOnlyAccess']");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_cloudtrail_and_log_group)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *trail = resource(s, "main-trail");
    ck_assert_str_eq(trail->type, "aws_cloudtrail");
    ck_assert_attr(trail, "is_multi_region_trail", "true");
    ck_assert_attr(trail, "enable_log_file_validation", "true");
    ck_assert_attr(trail, "kms_key_id",
                   "'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'");
    ck_assert_attr(trail, "cloud_watch_logs_group_arn",
                   "'arn:aws:logs:us-east-1:123456789012:log-group:trail-events:*'");
    ck_assert_attr(trail, "cloud_watch_logs_role_arn",
                   "'arn:aws:iam::123456789012:role/trail-to-logs'");
    ck_assert_attr(trail, "s3_bucket_name", "'trail-logs'");
    ck_assert_attr(trail, "arn", "'arn:aws:cloudtrail:us-east-1:123456789012:trail/main-trail'");
    ck_assert_attr(trail, "include_global_service_events", "true");
    /* Config does not record whether the trail is logging. */
    int logging;
    ck_assert_int_eq(soc2_resource_get_bool(&logging, trail, "enable_logging"), SOC2_EUNKNOWN);

    soc2_resource *group = resource(s, "trail-events");
    ck_assert_str_eq(group->type, "aws_cloudwatch_log_group");
    ck_assert_attr(group, "name", "'trail-events'");
    ck_assert_attr(group, "retention_in_days", "365");
    ck_assert_attr(group, "kms_key_id",
                   "'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'");
    /* Without the ":*" DescribeLogGroups puts at the end, as Terraform. */
    ck_assert_attr(group, "arn", "'arn:aws:logs:us-east-1:123456789012:log-group:trail-events'");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_dynamodb_table)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "orders");
    ck_assert_str_eq(r->type, "aws_dynamodb_table");
    ck_assert_attr(r, "name", "'orders'");
    ck_assert_attr(r, "server_side_encryption",
                   "[{'enabled': true, 'sse_type': 'KMS', 'kms_key_arn':"
                   " 'arn:aws:kms:us-east-1:123456789012:key/"
                   "11111111-2222-3333-4444-555555555555'}]");
    ck_assert_attr(r, "point_in_time_recovery", "[{'enabled': true}]");
    ck_assert_attr(r, "billing_mode", "'PAY_PER_REQUEST'");
    ck_assert_attr(r, "attribute", "[{'name': 'id', 'type': 'S'}]");
    soc2_snapshot_free(s);

    s = load_file("aws-config/batch.json");
    r = resource(s, "sessions");
    ck_assert_absent(r, "server_side_encryption");
    ck_assert_attr(r, "point_in_time_recovery", "[{'enabled': false}]");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_dynamodb_encryption_states)
{
    static const char *const states[][2] = {
        {"ENABLED", "true"},   {"ENABLING", "true"},  {"DISABLED", "false"},
        {"DISABLING", "false"}, {"UPDATING", "false"},
    };
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "[{'resourceType': 'AWS::DynamoDB::Table', 'resourceId': 't',"
                 "  'configuration': {'ssedescription': {'status': '%s'}}}]",
                 states[i][0]);
        soc2_snapshot *s;
        ck_assert_int_eq(load_text(&s, text, SOC2_FORMAT_AUTO), SOC2_OK);
        ck_assert_attr(resource(s, "t"), "server_side_encryption[0].enabled", states[i][1]);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(map_alarm_topic_queue_key)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *alarm = resource(s, "iam-changes");
    ck_assert_str_eq(alarm->type, "aws_cloudwatch_metric_alarm");
    ck_assert_attr(alarm, "metric_name", "'IAMPolicyChanges'");
    ck_assert_attr(alarm, "namespace", "'CISBenchmark'");
    ck_assert_attr(alarm, "alarm_actions",
                   "['arn:aws:sns:us-east-1:123456789012:security-alerts']");
    ck_assert_attr(alarm, "actions_enabled", "true");
    ck_assert_attr(alarm, "ok_actions", "[]");
    ck_assert_attr(alarm, "dimensions", "{}");

    soc2_resource *topic = resource(s, "security-alerts");
    ck_assert_str_eq(topic->type, "aws_sns_topic");
    ck_assert_attr(topic, "name", "'security-alerts'");
    ck_assert_attr(topic, "arn", "'arn:aws:sns:us-east-1:123456789012:security-alerts'");
    ck_assert_attr(topic, "kms_master_key_id", "'alias/aws/sns'");
    ck_assert_absent(topic, "subscription");

    soc2_resource *queue = resource(s, "jobs");
    ck_assert_str_eq(queue->type, "aws_sqs_queue");
    ck_assert_attr(queue, "name", "'jobs'");
    ck_assert_attr(queue, "url", "'https://sqs.us-east-1.amazonaws.com/123456789012/jobs'");
    ck_assert_attr(queue, "arn", "'arn:aws:sqs:us-east-1:123456789012:jobs'");
    ck_assert_attr(queue, "visibility_timeout_seconds", "'30'");
    ck_assert_msg(json_is_string(value_at(queue->attrs, "policy")), "the queue policy is a string");

    soc2_resource *key = resource(s, "11111111-2222-3333-4444-555555555555");
    ck_assert_str_eq(key->type, "aws_kms_key");
    ck_assert_attr(key, "key_id", "'11111111-2222-3333-4444-555555555555'");
    ck_assert_attr(key, "enable_key_rotation", "true");
    ck_assert_attr(key, "is_enabled", "true");
    ck_assert_attr(key, "key_manager", "'CUSTOMER'");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_s3_bucket_supplementary_objects)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "public-site");
    ck_assert_str_eq(r->type, "aws_s3_bucket");
    ck_assert_attr(r, "bucket", "'public-site'");
    ck_assert_attr(r, "policy",
                   "'{\\'Version\\': \\'2012-10-17\\', \\'Statement\\': [{\\'Effect\\': "
                   "\\'Allow\\', \\'Principal\\': \\'*\\', \\'Action\\': \\'s3:GetObject\\', "
                   "\\'Resource\\': \\'arn:aws:s3:::public-site/*\\'}]}'");
    ck_assert_attr(r, "public_access_block",
                   "[{'block_public_acls': false, 'ignore_public_acls': false,"
                   "  'block_public_policy': false, 'restrict_public_buckets': false}]");
    ck_assert_attr(r, "server_side_encryption_configuration",
                   "[{'rule': [{'apply_server_side_encryption_by_default': [{"
                   "  'sse_algorithm': 'aws:kms', 'kms_master_key_id':"
                   "  'arn:aws:kms:us-east-1:123456789012:key/"
                   "11111111-2222-3333-4444-555555555555'}],"
                   "  'bucket_key_enabled': true}]}]");
    ck_assert_attr(r, "versioning", "[{'enabled': true}]");
    ck_assert_attr(r, "logging",
                   "[{'target_bucket': 'access-logs', 'target_prefix': 'public-site/'}]");
    ck_assert_attr(r, "tags", "{'Purpose': 'website'}");
    /* A snapshot holds AccessControlList as a JSON string: it is parsed. */
    ck_assert_attr(r, "access_control_list.grantList[0].permission", "'FullControl'");

    /* Config writes null for what is not set. */
    soc2_resource *logs = resource(s, "access-logs");
    ck_assert_attr(logs, "logging", "[]");
    ck_assert_absent(logs, "policy");
    ck_assert_attr(logs, "versioning", "[{'enabled': false}]");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_s3_bucket_supplementary_strings)
{
    soc2_snapshot *s = load_file("aws-config/history.json");
    soc2_resource *r = resource(s, "app-data");
    ck_assert_attr(r, "versioning", "[{'enabled': true}]");
    ck_assert_attr(r, "is_requester_pays_enabled", "false");
    json_t *policy = json_loads(json_string_value(value_at(r->attrs, "policy")), 0, NULL);
    ck_assert_msg(policy != NULL, "the bucket policy is not JSON");
    ck_assert_str_eq(json_string_value(value_at(policy, "Statement[0].Principal.AWS")),
                     "arn:aws:iam::123456789012:role/app");
    json_decref(policy);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_select_results)
{
    soc2_snapshot *s = load_file("aws-config/select.json");
    soc2_resource *bucket = resource(s, "select-site");
    ck_assert_attr(bucket, "tags", "{'Owner': 'web'}");
    ck_assert_attr(bucket, "public_access_block[0].block_public_acls", "true");
    ck_assert_str_eq(bucket->source_pointer, "/Results/0");
    ck_assert_source(bucket, "policy", "/Results/0");

    soc2_resource *group = resource(s, "ops");
    ck_assert_attr(group, "ingress[0].cidr_blocks", "['203.0.113.0/24']");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(map_unmapped_type_as_written)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "subnet-0g7");
    ck_assert_str_eq(r->type, "AWS::EC2::Subnet");
    ck_assert_str_eq(r->source_type, "AWS::EC2::Subnet");
    ck_assert_attr(r, "cidrBlock", "'10.0.1.0/24'");
    ck_assert_attr(r, "mapPublicIpOnLaunch", "true");
    ck_assert_attr(r, "id", "'subnet-0g7'");
    ck_assert_attr(r, "arn", "'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0g7'");
    soc2_snapshot_free(s);
}
END_TEST

/* Choosing items. */

START_TEST(items_deleted_or_unrecorded_left_out)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 23);
    ck_assert(!has_resource(s, "old-bucket"));
    ck_assert(!has_resource(s, "eni-0h8"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(items_history_keeps_latest)
{
    soc2_snapshot *s = load_file("aws-config/history.json");
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 2);
    soc2_resource *bucket = resource(s, "app-data");
    ck_assert_str_eq(bucket->source_pointer, "/configurationItems/0");
    /* The latest item of gone-role says it was deleted. */
    ck_assert(!has_resource(s, "gone-role"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(items_history_in_any_order)
{
    /* Oldest first, and times written three ways. */
    soc2_snapshot *s;
    ck_assert_int_eq(
        load_text(&s,
                  "{'configurationItems': ["
                  " {'resourceType': 'AWS::SQS::Queue', 'resourceId': 'q', 'configuration': "
                  "  {'QueueName': 'v1'}, 'configurationItemCaptureTime': 1714464000},"
                  " {'resourceType': 'AWS::SQS::Queue', 'resourceId': 'q', 'configuration': "
                  "  {'QueueName': 'v3'},"
                  "  'configurationItemCaptureTime': '2024-05-02T01:30:00+02:00'},"
                  " {'resourceType': 'AWS::SQS::Queue', 'resourceId': 'q', 'configuration': "
                  "  {'QueueName': 'v2'},"
                  "  'configurationItemCaptureTime': '2024-05-01T23:00:00.5Z'}]}",
                  SOC2_FORMAT_AUTO),
        SOC2_OK);
    soc2_resource *r = resource(s, "q");
    ck_assert_attr(r, "name", "'v3'");
    ck_assert_str_eq(r->source_pointer, "/configurationItems/1");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(items_deleted_then_recreated)
{
    soc2_snapshot *s;
    ck_assert_int_eq(
        load_text(&s,
                  "[{'resourceType': 'AWS::SQS::Queue', 'resourceId': 'q',"
                  "  'configurationItemStatus': 'ResourceDeleted',"
                  "  'configurationItemCaptureTime': '2024-05-01T00:00:00Z'},"
                  " {'resourceType': 'AWS::SQS::Queue', 'resourceId': 'q',"
                  "  'configurationItemStatus': 'ResourceDiscovered', 'configuration': {},"
                  "  'configurationItemCaptureTime': '2024-05-02T00:00:00Z'}]",
                  SOC2_FORMAT_AUTO),
        SOC2_OK);
    ck_assert(has_resource(s, "q"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(items_same_name_qualified)
{
    soc2_snapshot *s = load_file("aws-config/list.json");
    soc2_resource *east = resource(s, "app (us-east-1)");
    soc2_resource *west = resource(s, "app (eu-west-1)");
    ck_assert_absent(east, "kms_key_id");
    ck_assert_attr(west, "kms_key_id", "'arn:aws:kms:eu-west-1:123456789012:key/k'");
    ck_assert(!has_resource(s, "app"));
    soc2_snapshot_free(s);

    s = load_file("aws-config/snapshot.json");
    ck_assert_attr(resource(s, "default (sg-0e5)"), "id", "'sg-0e5'");
    ck_assert_attr(resource(s, "default (sg-0e6)"), "id", "'sg-0e6'");
    soc2_snapshot_free(s);

    /* A bucket and a log group of one name differ by type. */
    ck_assert_int_eq(load_text(&s,
                               "[{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'logs'},"
                               " {'resourceType': 'AWS::Logs::LogGroup', 'resourceId': 'logs'}]",
                               SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_str_eq(resource(s, "logs (AWS::S3::Bucket)")->type, "aws_s3_bucket");
    ck_assert_str_eq(resource(s, "logs (AWS::Logs::LogGroup)")->type, "aws_cloudwatch_log_group");
    soc2_snapshot_free(s);
}
END_TEST

/* Relationships. */

START_TEST(relationships_become_references)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *instance = resource(s, "i-0f6");
    ck_assert_attr(instance, "relationships[0]",
                   "{'resource_type': 'AWS::EC2::SecurityGroup', 'resource_id': 'sg-0d4',"
                   " 'relationship_name': 'Is associated with SecurityGroup'}");
    const soc2_edge *e = edge(instance, "relationships[0]", "web");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, resource(s, "web"));
    ck_assert_ptr_eq(edge(instance, "relationships[1]", "subnet-0g7")->target,
                     resource(s, "subnet-0g7"));
    ck_assert_ptr_eq(edge(instance, "relationships[2]", "vpc-0a1")->target,
                     resource(s, "vpc-0a1"));
    /* The volume is not in the document. */
    e = edge(instance, "relationships[3]", "AWS::EC2::Volume/vol-9z");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_null(e->target);

    /* A relationship to a qualified address, and one by name. */
    soc2_resource *role = resource(s, "admin-role");
    ck_assert_ptr_eq(edge(role, "relationships[0]", "data-reader")->target,
                     resource(s, "data-reader"));
    ck_assert_ptr_eq(edge(resource(s, "default (sg-0e6)"), "relationships[0]", "vpc-0b2")->target,
                     resource(s, "vpc-0b2"));
    soc2_snapshot_free(s);

    s = load_file("aws-config/history.json");
    ck_assert_ptr_eq(edge(resource(s, "lambda-admin"), "relationships[0]", "app-data")->target,
                     resource(s, "app-data"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(relationships_prefer_same_region)
{
    soc2_snapshot *s;
    ck_assert_int_eq(
        load_text(&s,
                  "[{'resourceType': 'AWS::Logs::LogGroup', 'resourceId': 'app', 'awsRegion': 'a'},"
                  " {'resourceType': 'AWS::Logs::LogGroup', 'resourceId': 'app', 'awsRegion': 'b'},"
                  " {'resourceType': 'Custom::Thing', 'resourceId': 'x', 'awsRegion': 'b',"
                  "  'relationships': [{'resourceType': 'AWS::Logs::LogGroup', 'resourceId': 'app',"
                  "    'relationshipName': 'Writes to'}]},"
                  " {'resourceType': 'Custom::Thing', 'resourceId': 'y', 'awsRegion': 'c',"
                  "  'relationships': [{'resourceType': 'AWS::Logs::LogGroup', 'resourceId': 'app',"
                  "    'relationshipName': 'Writes to'}]}]",
                  SOC2_FORMAT_AUTO),
        SOC2_OK);
    soc2_resource *x = resource(s, "x");
    ck_assert_uint_eq(x->edge_count, 1);
    ck_assert_str_eq(x->edges[0].target_address, "app (b)");
    ck_assert_uint_eq(x->edges[0].flags, 0);

    /* No candidate is in region c: the reference may be to either. */
    soc2_resource *y = resource(s, "y");
    ck_assert_uint_eq(y->edge_count, 2);
    ck_assert_uint_eq(edge(y, "relationships[0]", "app (a)")->flags, EDGE_AMBIGUOUS);
    ck_assert_uint_eq(edge(y, "relationships[0]", "app (b)")->flags, EDGE_AMBIGUOUS);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(values_become_references_when_indexed)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_int_eq(snapshot_index(s), SOC2_OK);
    ck_assert_ptr_eq(edge(resource(s, "fl-0c3"), "vpc_id", "vpc-0a1")->target,
                     resource(s, "vpc-0a1"));
    ck_assert_ptr_nonnull(edge(resource(s, "i-0f6"), "vpc_security_group_ids[0]", "web"));
    ck_assert_ptr_nonnull(edge(resource(s, "front"), "security_groups[0]", "web"));
    ck_assert_ptr_nonnull(edge(resource(s, "main-trail"), "cloud_watch_logs_group_arn",
                               "trail-events"));
    ck_assert_ptr_nonnull(edge(resource(s, "main-trail"), "kms_key_id",
                               "11111111-2222-3333-4444-555555555555"));
    ck_assert_ptr_nonnull(edge(resource(s, "iam-changes"), "alarm_actions[0]", "security-alerts"));
    ck_assert_ptr_nonnull(
        edge(resource(s, "admin-role"), "managed_policy_arns[0]", "data-reader"));
    soc2_snapshot_free(s);
}
END_TEST

/* Source positions. */

START_TEST(sources_point_at_values)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    soc2_resource *r = resource(s, "web");
    ck_assert_str_eq(r->source_pointer, "/configurationItems/3");
    ck_assert_source(r, "name", "/configurationItems/3/configuration/groupName");
    ck_assert_source(r, "ingress[0].from_port",
                     "/configurationItems/3/configuration/ipPermissions/0/fromPort");
    ck_assert_source(r, "ingress[1].cidr_blocks[1]",
                     "/configurationItems/3/configuration/ipPermissions/1/ipv4Ranges/1/cidrIp");
    ck_assert_source(r, "ingress[1].security_groups[0]",
                     "/configurationItems/3/configuration/ipPermissions/1/userIdGroupPairs/0/"
                     "groupId");
    ck_assert_source(r, "arn", "/configurationItems/3/ARN");
    ck_assert_source(r, "relationships[1].relationship_name",
                     "/configurationItems/3/relationships/1/name");

    soc2_resource *bucket = resource(s, "public-site");
    ck_assert_source(bucket, "policy",
                     "/configurationItems/21/supplementaryConfiguration/BucketPolicy/policyText");
    ck_assert_source(bucket,
                     "server_side_encryption_configuration[0].rule[0]."
                     "apply_server_side_encryption_by_default[0].sse_algorithm",
                     "/configurationItems/21/supplementaryConfiguration/"
                     "ServerSideEncryptionConfiguration/rules/0/applyServerSideEncryptionByDefault/"
                     "sseAlgorithm");
    ck_assert_source(bucket, "bucket", "/configurationItems/21/configuration/name");
    /* Values kept as written: the steps below carry over. */
    ck_assert_source(bucket, "owner.id", "/configurationItems/21/configuration/owner/id");

    soc2_resource *policy = resource(s, "data-reader");
    ck_assert_source(policy, "policy",
                     "/configurationItems/10/configuration/policyVersionList/1/document");
    soc2_resource *role = resource(s, "admin-role");
    ck_assert_source(role, "inline_policy[0].policy",
                     "/configurationItems/11/configuration/rolePolicyList/0/policyDocument");
    ck_assert_source(role, "managed_policy_arns[0]",
                     "/configurationItems/11/configuration/attachedManagedPolicies/0/policyArn");

    /* The pointer of a resource locates its item in the text. */
    size_t length;
    char *text = read_data("aws-config/snapshot.json", &length);
    int line, column;
    ck_assert_int_eq(json_locate(text, length, r->source_pointer, &line, &column), 0);
    ck_assert_int_eq(line, 97);
    char *pointer = source_of(r, "ingress[0].from_port");
    ck_assert_int_eq(json_locate(text, length, pointer, &line, &column), 0);
    ck_assert_int_eq(line, 129);
    free(pointer);
    free(text);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(sources_inside_json_strings)
{
    soc2_snapshot *s = load_file("aws-config/batch.json");
    soc2_resource *r = resource(s, "bastion");
    ck_assert_source(r, "name", "/baseConfigurationItems/0/configuration");
    ck_assert_source(r, "ingress[0].ipv6_cidr_blocks[0]",
                     "/baseConfigurationItems/0/configuration");
    ck_assert_source(r, "ingress", "/baseConfigurationItems/0/configuration");
    soc2_resource *table = resource(s, "sessions");
    ck_assert_source(table, "point_in_time_recovery[0].enabled",
                     "/baseConfigurationItems/2/supplementaryConfiguration/"
                     "ContinuousBackupsDescription");
    soc2_snapshot_free(s);

    s = load_file("aws-config/history.json");
    soc2_resource *role = resource(s, "lambda-admin");
    ck_assert_source(role, "inline_policy[0].policy", "/configurationItems/5/configuration");
    ck_assert_source(role, "id", "/configurationItems/5/resourceId");
    soc2_snapshot_free(s);
}
END_TEST

/* The built-in rules on the result. */

START_TEST(rules_iam)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_finding(s, "aws-iam-no-admin-policy", "admin-role", SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-iam-no-admin-policy", "deploy", SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-iam-no-admin-policy", "developers", SOC2_FINDING_PASS);
    /* Version v1 allows everything, but v2 is the default. */
    ck_assert_finding(s, "aws-iam-no-admin-policy", "data-reader", SOC2_FINDING_PASS);
    soc2_snapshot_free(s);

    s = load_file("aws-config/history.json");
    ck_assert_finding(s, "aws-iam-no-admin-policy", "lambda-admin", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(rules_s3_and_sqs)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_finding(s, "aws-s3-bucket-policy-no-public-principal", "public-site",
                      SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-s3-bucket-policy-no-public-principal", "access-logs",
                      SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-sqs-queue-policy-no-public-principal", "jobs", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);

    /* The public policy of 2024-05-02 was replaced on 2024-05-03. */
    s = load_file("aws-config/history.json");
    ck_assert_finding(s, "aws-s3-bucket-policy-no-public-principal", "app-data",
                      SOC2_FINDING_PASS);
    soc2_snapshot_free(s);

    s = load_file("aws-config/select.json");
    ck_assert_finding(s, "aws-s3-bucket-policy-no-public-principal", "select-site",
                      SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(rules_network)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_finding(s, "aws-ec2-no-public-ingress-ssh", "web", SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-ec2-no-public-ingress-ssh", "default (sg-0e5)", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-ec2-no-public-ingress-ssh", "default (sg-0e6)", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-vpc-flow-logs-enabled", "vpc-0a1", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-vpc-flow-logs-enabled", "vpc-0b2", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);

    s = load_file("aws-config/batch.json");
    ck_assert_finding(s, "aws-ec2-no-public-ingress-ssh", "bastion", SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-vpc-flow-logs-enabled", "vpc-0bb", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);

    s = load_file("aws-config/list.json");
    ck_assert_finding(s, "aws-vpc-flow-logs-enabled", "vpc-0cc", SOC2_FINDING_PASS);
    soc2_snapshot_free(s);

    s = load_file("aws-config/select.json");
    ck_assert_finding(s, "aws-ec2-no-public-ingress-ssh", "ops", SOC2_FINDING_PASS);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(rules_encryption_and_logging)
{
    soc2_snapshot *s = load_file("aws-config/snapshot.json");
    ck_assert_finding(s, "aws-dynamodb-table-cmk", "orders", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-logs-group-cmk", "trail-events", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-cloudtrail-log-file-validation", "main-trail", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-cloudtrail-kms-encryption", "main-trail", SOC2_FINDING_PASS);
    ck_assert_finding(s, "aws-cloudtrail-cloudwatch-delivery", "main-trail", SOC2_FINDING_PASS);
    /* Config records no logging status, so the one trail that meets every
     * other requirement leaves the rule undecided. */
    ck_assert_finding(s, "aws-cloudtrail-multi-region-trail", NULL, SOC2_FINDING_UNKNOWN);
    /* Config records no metric filters, so the alarm chain is never
     * complete. */
    ck_assert_finding(s, "aws-cloudwatch-iam-policy-change-alarm", NULL, SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);

    s = load_file("aws-config/batch.json");
    ck_assert_finding(s, "aws-dynamodb-table-cmk", "sessions", SOC2_FINDING_FAIL);
    soc2_snapshot_free(s);

    s = load_file("aws-config/list.json");
    ck_assert_finding(s, "aws-logs-group-cmk", "app (us-east-1)", SOC2_FINDING_FAIL);
    ck_assert_finding(s, "aws-logs-group-cmk", "app (eu-west-1)", SOC2_FINDING_PASS);
    soc2_snapshot_free(s);
}
END_TEST

/* Malformed documents. */

typedef struct malformed_case {
    const char *document; /* single quotes for double quotes */
    const char *pointer;
    int line;
    const char *message; /* a fragment of the message */
} malformed_case;

static const malformed_case malformed_cases[] = {
    {"{'configurationItems':\n {'a': 1}}", "/configurationItems", 2,
     "configurationItems must be a list"},
    {"{'baseConfigurationItems': 'x'}", "/baseConfigurationItems", 1,
     "baseConfigurationItems must be a list"},
    {"{'fileVersion': '1.0', 'configSnapshotId': 'x'}", "", 1, "holds no configuration items"},
    {"{'configurationItems': [\n 1]}", "/configurationItems/0", 2, "must be an object"},
    {"[{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b'},\n 'x']", "/1", 2,
     "must be an object"},
    {"{'configurationItems': [\n {'resourceId': 'b'}]}", "/configurationItems/0", 2,
     "has no resourceType"},
    {"{'configurationItems': [\n {'resourceType': 'AWS::S3::Bucket'}]}", "/configurationItems/0",
     2, "has no resourceId"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket',\n 'resourceId': 7}]}",
     "/configurationItems/0/resourceId", 2, "resourceId must be a string"},
    {"{'configurationItems': [{'resourceType': '', 'resourceId': 'b'}]}",
     "/configurationItems/0/resourceType", 1, "resourceType must not be empty"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configuration': 42}]}",
     "/configurationItems/0/configuration", 2, "configuration must be an object or a JSON string"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configuration': '{not json'}]}",
     "/configurationItems/0/configuration", 2, "does not hold a JSON object"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configuration': '[1]'}]}",
     "/configurationItems/0/configuration", 2, "does not hold a JSON object"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'supplementaryConfiguration': [1]}]}",
     "/configurationItems/0/supplementaryConfiguration", 2,
     "supplementaryConfiguration must be an object"},
    {"{'configurationItems': [{'resourceType': 'AWS::IAM::Role', 'resourceId': 'r',\n"
     " 'configuration': {'rolePolicyList': [{'policyName': 'p',\n"
     " 'policyDocument': '%7B%22Version%22%3A%ZZ'}]}}]}",
     "/configurationItems/0/configuration/rolePolicyList/0/policyDocument", 3,
     "the \"%\" at character 20 is not followed by two hexadecimal digits"},
    {"{'configurationItems': [{'resourceType': 'AWS::IAM::Role', 'resourceId': 'r',\n"
     " 'configuration': {'assumeRolePolicyDocument': '%7B%'}}]}",
     "/configurationItems/0/configuration/assumeRolePolicyDocument", 2,
     "assumeRolePolicyDocument is not a valid URL-encoded document"},
    {"{'configurationItems': [{'resourceType': 'AWS::IAM::Policy', 'resourceId': 'p',\n"
     " 'configuration': {'policyVersionList':"
     " [{'isDefaultVersion': true, 'document': '%C3%28'}]}}]}",
     "/configurationItems/0/configuration/policyVersionList/0/document", 2,
     "decodes to bytes that are not UTF-8 text"},
    {"{'configurationItems': [{'resourceType': 'AWS::IAM::User', 'resourceId': 'u',\n"
     " 'configuration': '{\\'userPolicyList\\': [{\\'policyDocument\\': \\'%G0\\'}]}'}]}",
     "/configurationItems/0/configuration", 2,
     "(at /userPolicyList/0/policyDocument inside the JSON string)"},
    {"{'configurationItems': [{'resourceType': 'AWS::EC2::SecurityGroup', 'resourceId': 's',\n"
     " 'configuration': {'ipPermissions': 'x'}}]}",
     "/configurationItems/0/configuration/ipPermissions", 2,
     "ipPermissions must be an object or a list of objects, not a string"},
    {"{'configurationItems': [{'resourceType': 'AWS::EC2::SecurityGroup', 'resourceId': 's',\n"
     " 'configuration': {'ipPermissions': [{'ipProtocol': '-1'},\n 7]}}]}",
     "/configurationItems/0/configuration/ipPermissions/1", 3,
     "ipPermissions must be an object or a list of objects, not a number"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'supplementaryConfiguration': {'BucketPolicy': 5}}]}",
     "/configurationItems/0/supplementaryConfiguration/BucketPolicy", 2,
     "BucketPolicy must be an object, not a number"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'supplementaryConfiguration': {'ServerSideEncryptionConfiguration': '[1]'}}]}",
     "/configurationItems/0/supplementaryConfiguration/ServerSideEncryptionConfiguration", 2,
     "(at /0 inside the JSON string)"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'relationships': {}}]}",
     "/configurationItems/0/relationships", 2, "relationships must be a list of objects"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'relationships': [\n 'vpc-1']}]}",
     "/configurationItems/0/relationships/0", 3, "each relationship must be an object"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configurationItemCaptureTime': 'yesterday'}]}",
     "/configurationItems/0/configurationItemCaptureTime", 2, "must be an ISO 8601 time"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configurationItemCaptureTime': '2024-13-01T00:00:00Z'}]}",
     "/configurationItems/0/configurationItemCaptureTime", 2, "must be an ISO 8601 time"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configurationItemCaptureTime': 1e300}]}",
     "/configurationItems/0/configurationItemCaptureTime", 2, "must be an ISO 8601 time"},
    {"{'configurationItems': [\n"
     " {'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',"
     " 'configurationItemCaptureTime': '2024-05-01T00:00:00Z'},\n"
     " {'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b'}]}",
     "/configurationItems/1", 3, "have no configurationItemCaptureTime"},
    {"{'configurationItems': [{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',\n"
     " 'configurationItemStatus': 3}]}",
     "/configurationItems/0/configurationItemStatus", 2, "must be a string"},
    {"{'Results': [\n '{\\'resourceId\\': 1'], 'QueryInfo': {}}", "/Results/0", 2,
     "must be a JSON text holding an object"},
    {"{'Results': [\n '{\\'resourceId\\': \\'b\\'}'], 'QueryInfo': {}}", "/Results/0", 2,
     "has no resourceType"},
};

START_TEST(malformed_documents)
{
    const malformed_case *c = &malformed_cases[_i];
    soc2_snapshot *s;
    int rc = load_text(&s, c->document, SOC2_FORMAT_AWS_CONFIG);
    const soc2_error *e = soc2_error_last();
    ck_assert_msg(rc == SOC2_EFORMAT, "case %d: status %d (%s), expected SOC2_EFORMAT", _i, rc,
                  e->message);
    ck_assert_msg(e->pointer && strcmp(e->pointer, c->pointer) == 0,
                  "case %d: pointer %s, expected %s", _i, e->pointer ? e->pointer : "(none)",
                  c->pointer);
    ck_assert_msg(e->line == c->line, "case %d: line %d, expected %d (%s)", _i, e->line, c->line,
                  e->message);
    ck_assert_msg(strstr(e->message, c->message) != NULL, "case %d: message \"%s\" lacks \"%s\"",
                  _i, e->message, c->message);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(unknown_status_kept)
{
    /* A status this version does not know describes a resource. */
    soc2_snapshot *s;
    ck_assert_int_eq(load_text(&s,
                               "[{'resourceType': 'AWS::S3::Bucket', 'resourceId': 'b',"
                               "  'configurationItemStatus': 'SomethingNew'}]",
                               SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert(has_resource(s, "b"));
    soc2_snapshot_free(s);
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
    static const char *const files[] = {"aws-config/history.json", "aws-config/select.json"};
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t length = 0;
        char *text = read_data(files[f], &length);
        ck_assert_ptr_nonnull(text);
        json_t *root = json_loadb(text, length, 0, NULL);
        ck_assert_ptr_nonnull(root);

        int succeeded = 0;
        for (long budget = 0; budget < 100000 && !succeeded; budget++) {
            soc2_snapshot *s;
            ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
            allocations_left = budget;
            json_set_alloc_funcs(failing_malloc, free);
            int rc = loader_run(s, "oom.json", text, length, NULL, SOC2_FORMAT_AWS_CONFIG,
                                awsconfig_load, root);
            json_set_alloc_funcs(malloc, free);

            ck_assert_msg(rc == SOC2_OK || rc == SOC2_ENOMEM, "%s, budget %ld: status %d (%s)",
                          files[f], budget, rc, soc2_error_last()->message);
            if (rc == SOC2_OK)
                succeeded = 1;
            else
                ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
            soc2_snapshot_free(s);
        }
        ck_assert(succeeded);
        json_decref(root);
        free(text);
    }
}
END_TEST

START_TEST(mapping_table_is_valid)
{
    awsconfig_mapping mapping;
    ck_assert_int_eq(awsconfig_mapping_load(&mapping), SOC2_OK);
    static const char *const read_by_rules[][2] = {
        {"AWS::EC2::SecurityGroup", "aws_security_group"},
        {"AWS::EC2::VPC", "aws_vpc"},
        {"AWS::EC2::FlowLog", "aws_flow_log"},
        {"AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb"},
        {"AWS::ElasticLoadBalancing::LoadBalancer", "aws_elb"},
        {"AWS::IAM::Policy", "aws_iam_policy"},
        {"AWS::IAM::Role", "aws_iam_role"},
        {"AWS::IAM::User", "aws_iam_user"},
        {"AWS::IAM::Group", "aws_iam_group"},
        {"AWS::CloudTrail::Trail", "aws_cloudtrail"},
        {"AWS::Logs::LogGroup", "aws_cloudwatch_log_group"},
        {"AWS::DynamoDB::Table", "aws_dynamodb_table"},
        {"AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm"},
        {"AWS::SNS::Topic", "aws_sns_topic"},
        {"AWS::SQS::Queue", "aws_sqs_queue"},
        {"AWS::KMS::Key", "aws_kms_key"},
        {"AWS::S3::Bucket", "aws_s3_bucket"},
    };
    for (size_t i = 0; i < sizeof(read_by_rules) / sizeof(read_by_rules[0]); i++) {
        const char *type = awsconfig_mapping_type(&mapping, read_by_rules[i][0]);
        ck_assert_msg(type && strcmp(type, read_by_rules[i][1]) == 0, "%s maps to %s",
                      read_by_rules[i][0], type ? type : "nothing");
    }
    ck_assert_ptr_null(awsconfig_mapping_type(&mapping, "AWS::EC2::Subnet"));
    awsconfig_mapping_free(&mapping);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("awsconfig");

    TCase *detect = tcase_create("detect");
    tcase_add_test(detect, detect_each_document_shape);
    tcase_add_test(detect, detect_rejects_other_documents);
    tcase_add_test(detect, detect_when_format_is_named);
    suite_add_tcase(s, detect);

    TCase *map = tcase_create("map");
    tcase_add_test(map, mapping_table_is_valid);
    tcase_add_test(map, map_vpc_and_flow_log);
    tcase_add_test(map, map_flow_log_target_by_prefix);
    tcase_add_test(map, map_security_group);
    tcase_add_test(map, map_security_group_from_string_configuration);
    tcase_add_test(map, map_instance_and_load_balancers);
    tcase_add_test(map, map_iam_policy_default_version);
    tcase_add_test(map, map_iam_role_user_group);
    tcase_add_test(map, map_iam_permissions_boundary);
    tcase_add_test(map, map_cloudtrail_and_log_group);
    tcase_add_test(map, map_dynamodb_table);
    tcase_add_test(map, map_dynamodb_encryption_states);
    tcase_add_test(map, map_alarm_topic_queue_key);
    tcase_add_test(map, map_s3_bucket_supplementary_objects);
    tcase_add_test(map, map_s3_bucket_supplementary_strings);
    tcase_add_test(map, map_select_results);
    tcase_add_test(map, map_unmapped_type_as_written);
    suite_add_tcase(s, map);

    TCase *items = tcase_create("items");
    tcase_add_test(items, items_deleted_or_unrecorded_left_out);
    tcase_add_test(items, items_history_keeps_latest);
    tcase_add_test(items, items_history_in_any_order);
    tcase_add_test(items, items_deleted_then_recreated);
    tcase_add_test(items, items_same_name_qualified);
    tcase_add_test(items, unknown_status_kept);
    suite_add_tcase(s, items);

    TCase *references = tcase_create("references");
    tcase_add_test(references, relationships_become_references);
    tcase_add_test(references, relationships_prefer_same_region);
    tcase_add_test(references, values_become_references_when_indexed);
    suite_add_tcase(s, references);

    TCase *sources = tcase_create("sources");
    tcase_add_test(sources, sources_point_at_values);
    tcase_add_test(sources, sources_inside_json_strings);
    suite_add_tcase(s, sources);

    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, rules_iam);
    tcase_add_test(rules, rules_s3_and_sqs);
    tcase_add_test(rules, rules_network);
    tcase_add_test(rules, rules_encryption_and_logging);
    suite_add_tcase(s, rules);

    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, malformed_documents, 0,
                        (int)(sizeof(malformed_cases) / sizeof(malformed_cases[0])));
    tcase_add_test(errors, allocation_failures_reported);
    suite_add_tcase(s, errors);
    return s;
}
