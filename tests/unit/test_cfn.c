/* Unit tests for the CloudFormation adapter (src/load/cfn.c, cfn_map.c and
 * src/load/mappings/cloudformation.json): detection, the mapping onto the
 * canonical model, real templates from tests/data/cloudformation, and
 * errors about the template's structure. Most tests load templates through
 * cfn_load into a loader of the test's own, so that folding does not run.
 * A few go through the public loading call instead. */
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>
#include <soc2/resource.h>
#include <soc2/snapshot.h>

#include "harness.h"
#include "load/cfn.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/path.h"

typedef struct loaded {
    soc2_snapshot *snapshot;
    soc2_loader loader;
    char *text;
    int rc;
} loaded;

static void load_owned_text(loaded *l, char *text, size_t length)
{
    memset(l, 0, sizeof(*l));
    l->text = text;
    ck_assert_int_eq(soc2_snapshot_new(&l->snapshot), SOC2_OK);
    l->loader.snapshot = l->snapshot;
    l->loader.text = text;
    l->loader.text_length = length;
    strmap_init(&l->loader.by_address);
    l->loader.document = calloc(1, sizeof(*l->loader.document));
    l->loader.document->name = strdup("template.json");
    l->loader.document->format = SOC2_FORMAT_CLOUDFORMATION;

    json_error_t error;
    json_t *root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &error);
    ck_assert_msg(root != NULL, "invalid test template: %s (line %d)", error.text, error.line);
    l->rc = cfn_load(&l->loader, root);
    json_decref(root);
}

/* Loads a template written with single quotes in place of double quotes,
 * so that test literals need no escaping. */
static void load_template(loaded *l, const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    load_owned_text(l, text, strlen(text));
}

static void load_file(loaded *l, const char *relative)
{
    size_t length;
    char *text = read_data(relative, &length);
    ck_assert_msg(text != NULL, "cannot read %s", data_path(relative));
    load_owned_text(l, text, length);
    ck_assert_msg(l->rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
}

static void release(loaded *l)
{
    for (size_t i = 0; i < l->loader.count; i++)
        resource_free(l->loader.resources[i]);
    free(l->loader.resources);
    strmap_free(&l->loader.by_address);
    free(l->loader.document->name);
    free(l->loader.document);
    soc2_snapshot_free(l->snapshot);
    free(l->text);
}

static soc2_resource *resource(loaded *l, const char *address)
{
    soc2_resource *r = loader_find(&l->loader, address);
    ck_assert_msg(r != NULL, "no resource %s", address);
    return r;
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

static int is_unknown(const soc2_resource *r, const char *text)
{
    attr_path path;
    ck_assert_int_eq(path_parse(&path, text, NULL), 0);
    json_t *node = r->unknown;
    for (size_t i = 0; i < path.count && node && !json_is_true(node); i++)
        node = path.steps[i].key ? json_object_get(node, path.steps[i].key)
                                 : json_array_get(node, path.steps[i].index);
    path_free(&path);
    return json_is_true(node);
}

static int has_edge(const soc2_resource *r, const char *path, const char *target)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0 && strcmp(r->edges[i].target_address, target) == 0)
            return 1;
    return 0;
}

/* Asserts that the attribute at `path` ("" for all of them) equals the
 * JSON text `expected` (single quotes allowed). */
#define ck_assert_attr(r, path, expected)                                                          \
    do {                                                                                           \
        char *want_ = strdup(expected);                                                            \
        for (char *p_ = want_; *p_; p_++)                                                          \
            if (*p_ == '\'')                                                                       \
                *p_ = '"';                                                                         \
        json_t *expected_ = json_loads(want_, JSON_DECODE_ANY, NULL);                              \
        ck_assert_msg(expected_ != NULL, "invalid expected JSON %s", expected);                    \
        json_t *actual_ = value_at((r)->attrs, path);                                              \
        char *got_ = actual_ ? json_dumps(actual_, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;         \
        ck_assert_msg(actual_ &&json_equal(actual_, expected_), "%s of %s is %s, expected %s",     \
                      path, (r)->address, got_ ? got_ : "absent", want_);                          \
        free(got_);                                                                                \
        free(want_);                                                                               \
        json_decref(expected_);                                                                    \
    } while (0)

#define ck_assert_absent(r, path)                                                                  \
    ck_assert_msg(value_at((r)->attrs, path) == NULL, "%s of %s is present", path, (r)->address)

/* Asserts that the attribute at `path` is the string `symbol`, the text the
 * stack will give it, and that the mask and the public accessor still
 * report it as unknown. */
#define ck_assert_symbol(r, path, symbol)                                                          \
    do {                                                                                           \
        json_t *value_ = value_at((r)->attrs, path);                                               \
        ck_assert_msg(json_is_string(value_) && strcmp(json_string_value(value_), symbol) == 0,    \
                      "%s of %s is %s, expected the symbol %s", path, (r)->address,                \
                      json_is_string(value_) ? json_string_value(value_) : "not a string",         \
                      symbol);                                                                     \
        ck_assert_msg(is_unknown(r, path), "%s of %s is not marked unknown", path, (r)->address); \
        const char *string_ = NULL;                                                                \
        ck_assert_int_eq(soc2_resource_get_string(&string_, r, path), SOC2_EUNKNOWN);              \
    } while (0)

static json_t *json_quoted(const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_t *value = json_loads(text, JSON_DECODE_ANY, NULL);
    ck_assert_msg(value != NULL, "invalid test JSON %s", text);
    free(text);
    return value;
}

/* Detection. */

START_TEST(detect_templates)
{
    static const char *const templates[] = {
        "{'AWSTemplateFormatVersion': '2010-09-09'}",
        "{'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}",
        "{'Resources': {'A': {'Type': 'Custom::Thing'}}}",
        "{'Resources': {'A': {'Type': 'Vendor::Service::Thing'}, 'B': {'Properties': {}}}}",
    };
    for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
        json_t *root = json_quoted(templates[i]);
        ck_assert_msg(cfn_detect(root), "not detected: %s", templates[i]);
        json_decref(root);
    }
}
END_TEST

START_TEST(detect_rejects_other_documents)
{
    static const char *const others[] = {
        "{'format_version': '1.2', 'resource_changes': []}",
        "{'format_version': '1.0', 'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}",
        "{'terraform_version': '1.9.5', 'resources': []}",
        "{'Resources': {}}",
        "{'Resources': []}",
        "{'Resources': {'A': {'Properties': {}}}}",
        "{'Resources': {'A': 'AWS::S3::Bucket'}}",
        "{'resources': {'A': {'Type': 'AWS::S3::Bucket'}}}",
        "[{'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}]",
        "{'a': 1}",
        "'text'",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        json_t *root = json_quoted(others[i]);
        ck_assert_msg(!cfn_detect(root), "detected: %s", others[i]);
        json_decref(root);
    }
}
END_TEST

START_TEST(detect_through_public_load)
{
    static const char text[] = "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\","
                               " \"Properties\": {\"BucketName\": \"logs\"}}}}";
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, strlen(text), "t.json", SOC2_FORMAT_AUTO),
                     SOC2_OK);
    soc2_format format;
    ck_assert_int_eq(soc2_snapshot_document(s, 0, NULL, &format), SOC2_OK);
    ck_assert_int_eq(format, SOC2_FORMAT_CLOUDFORMATION);
    const soc2_resource *r;
    ck_assert_int_eq(soc2_snapshot_find_resource(&r, s, "B"), SOC2_OK);
    ck_assert_str_eq(soc2_resource_type(r), "aws_s3_bucket");
    ck_assert_str_eq(soc2_resource_source_type(r), "AWS::S3::Bucket");
    const char *bucket;
    ck_assert_int_eq(soc2_resource_get_string(&bucket, r, "bucket"), SOC2_OK);
    ck_assert_str_eq(bucket, "logs");
    soc2_snapshot_free(s);
}
END_TEST

/* The mapping table and property names. */

START_TEST(snake_case_acronyms)
{
    static const char *const cases[][2] = {
        {"BucketName", "bucket_name"},
        {"SSESpecification", "sse_specification"},
        {"KMSKeyId", "kms_key_id"},
        {"KMSMasterKeyID", "kms_master_key_id"},
        {"CidrIpv6", "cidr_ipv6"},
        {"IPv6Address", "ipv6_address"},
        {"Ipv6CidrBlock", "ipv6_cidr_block"},
        {"S3BucketName", "s3_bucket_name"},
        {"MultiAZ", "multi_az"},
        {"VPCZoneIdentifier", "vpc_zone_identifier"},
        {"OKActions", "ok_actions"},
        {"DBInstanceClass", "db_instance_class"},
        {"already_snake", "already_snake"},
        {"A", "a"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        strbuf out = STRBUF_INIT;
        cfn_snake_case(&out, cases[i][0]);
        ck_assert_msg(strcmp(sb_str(&out), cases[i][1]) == 0, "%s became %s, expected %s",
                      cases[i][0], sb_str(&out), cases[i][1]);
        sb_free(&out);
    }
}
END_TEST

START_TEST(mapping_table_types)
{
    static const char *const types[][2] = {
        {"AWS::EC2::SecurityGroup", "aws_security_group"},
        {"AWS::EC2::SecurityGroupIngress", "aws_security_group_rule"},
        {"AWS::EC2::SecurityGroupEgress", "aws_security_group_rule"},
        {"AWS::EC2::VPC", "aws_vpc"},
        {"AWS::EC2::FlowLog", "aws_flow_log"},
        {"AWS::EC2::Instance", "aws_instance"},
        {"AWS::EC2::LaunchTemplate", "aws_launch_template"},
        {"AWS::AutoScaling::LaunchConfiguration", "aws_launch_configuration"},
        {"AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb"},
        {"AWS::ElasticLoadBalancing::LoadBalancer", "aws_elb"},
        {"AWS::RDS::DBInstance", "aws_db_instance"},
        {"AWS::IAM::Role", "aws_iam_role"},
        {"AWS::IAM::User", "aws_iam_user"},
        {"AWS::IAM::Group", "aws_iam_group"},
        {"AWS::IAM::Policy", "aws_iam_policy"},
        {"AWS::IAM::ManagedPolicy", "aws_iam_policy"},
        {"AWS::IAM::RolePolicy", "aws_iam_role_policy"},
        {"AWS::Logs::LogGroup", "aws_cloudwatch_log_group"},
        {"AWS::Logs::MetricFilter", "aws_cloudwatch_log_metric_filter"},
        {"AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm"},
        {"AWS::SNS::Topic", "aws_sns_topic"},
        {"AWS::SNS::Subscription", "aws_sns_topic_subscription"},
        {"AWS::CloudTrail::Trail", "aws_cloudtrail"},
        {"AWS::KMS::Key", "aws_kms_key"},
        {"AWS::DynamoDB::Table", "aws_dynamodb_table"},
        {"AWS::S3::Bucket", "aws_s3_bucket"},
        {"AWS::S3::BucketPolicy", "aws_s3_bucket_policy"},
        {"AWS::SQS::Queue", "aws_sqs_queue"},
        {"AWS::SQS::QueuePolicy", "aws_sqs_queue_policy"},
    };
    cfn_mapping mapping;
    ck_assert_int_eq(cfn_mapping_load(&mapping), SOC2_OK);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        const char *type = cfn_mapping_type(&mapping, types[i][0]);
        ck_assert_msg(type && strcmp(type, types[i][1]) == 0, "%s maps to %s", types[i][0],
                      type ? type : "nothing");
    }
    ck_assert_ptr_null(cfn_mapping_type(&mapping, "AWS::ECS::Cluster"));
    cfn_mapping_free(&mapping);
}
END_TEST

/* aws-cloudformation-templates: ECS on EC2 in a private VPC. */

#define ECS_TEMPLATE "cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json"

START_TEST(ecs_public_lb_group_ingress)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    soc2_resource *r = resource(&l, "PublicLoadBalancerSG");
    ck_assert_str_eq(r->type, "aws_security_group");
    ck_assert_str_eq(r->source_type, "AWS::EC2::SecurityGroup");
    ck_assert_attr(r, "ingress",
                   "[{'cidr_blocks': ['0.0.0.0/0'], 'protocol': -1, 'ipv6_cidr_blocks': [],"
                   "  'prefix_list_ids': [], 'security_groups': [], 'self': false}]");
    ck_assert_attr(r, "description", "'Access to the public facing load balancer'");
    ck_assert_symbol(r, "vpc_id", "${VPC}");
    ck_assert(has_edge(r, "vpc_id", "VPC"));
    ck_assert_uint_eq(r->edge_count, 1);
    release(&l);
}
END_TEST

START_TEST(ecs_ingress_rule_group_ref)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    soc2_resource *r = resource(&l, "EcsSecurityGroupIngressFromPublicALB");
    ck_assert_str_eq(r->type, "aws_security_group_rule");
    ck_assert_str_eq(r->source_type, "AWS::EC2::SecurityGroupIngress");
    ck_assert_attr(r, "",
                   "{'description': 'Ingress from the public ALB', 'protocol': -1,"
                   " 'security_group_id': '${EcsHostSecurityGroup}',"
                   " 'source_security_group_id': '${PublicLoadBalancerSG}', 'type': 'ingress'}");
    ck_assert_symbol(r, "security_group_id", "${EcsHostSecurityGroup}");
    ck_assert(has_edge(r, "security_group_id", "EcsHostSecurityGroup"));
    ck_assert_symbol(r, "source_security_group_id", "${PublicLoadBalancerSG}");
    ck_assert(has_edge(r, "source_security_group_id", "PublicLoadBalancerSG"));
    ck_assert_uint_eq(r->edge_count, 2);

    r = resource(&l, "EcsSecurityGroupIngressFromSelf");
    ck_assert(has_edge(r, "security_group_id", "EcsHostSecurityGroup"));
    ck_assert(has_edge(r, "source_security_group_id", "EcsHostSecurityGroup"));
    release(&l);
}
END_TEST

START_TEST(ecs_load_balancer_groups)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    soc2_resource *r = resource(&l, "PublicLoadBalancer");
    ck_assert_str_eq(r->type, "aws_lb");
    ck_assert_attr(r, "security_groups", "['${PublicLoadBalancerSG}']");
    ck_assert_symbol(r, "security_groups[0]", "${PublicLoadBalancerSG}");
    ck_assert(has_edge(r, "security_groups[0]", "PublicLoadBalancerSG"));
    ck_assert(has_edge(r, "subnets[1]", "PublicSubnetTwo"));
    ck_assert_attr(r, "internal", "false");
    ck_assert_attr(r, "load_balancer_attributes",
                   "[{'Key': 'idle_timeout.timeout_seconds', 'Value': '30'}]");

    r = resource(&l, "PrivateLoadBalancer");
    ck_assert_attr(r, "internal", "true");
    ck_assert(has_edge(r, "security_groups[0]", "PrivateLoadBalancerSG"));
    release(&l);
}
END_TEST

START_TEST(ecs_mappings_and_parameters)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    ck_assert_attr(resource(&l, "VPC"), "",
                   "{'enable_dns_support': true, 'enable_dns_hostnames': true,"
                   " 'cidr_block': '10.0.0.0/16'}");
    ck_assert_ptr_null(resource(&l, "VPC")->unknown);

    soc2_resource *r = resource(&l, "PrivateSubnetTwo");
    ck_assert_str_eq(r->type, "aws_subnet");
    ck_assert_attr(r, "cidr_block", "'10.0.3.0/24'");
    /* Fn::Select over Fn::GetAZs has no symbol. */
    ck_assert(is_unknown(r, "availability_zone"));
    ck_assert_absent(r, "availability_zone");
    ck_assert(has_edge(r, "vpc_id", "VPC"));
    ck_assert_uint_eq(r->edge_count, 1);

    r = resource(&l, "ECSAutoScalingGroup");
    ck_assert_str_eq(r->type, "AWS::AutoScaling::AutoScalingGroup");
    ck_assert_attr(r, "MaxSize", "'6'");
    ck_assert_attr(r, "DesiredCapacity", "'3'");
    ck_assert_attr(r, "MinSize", "1");
    ck_assert(has_edge(r, "LaunchConfigurationName", "ContainerInstances"));

    r = resource(&l, "ContainerInstances");
    ck_assert_str_eq(r->type, "aws_launch_configuration");
    ck_assert_attr(r, "instance_type", "'c4.xlarge'");
    /* The SSM parameter's Default names the parameter, not the image. */
    ck_assert(is_unknown(r, "image_id"));
    ck_assert_absent(r, "image_id");
    /* The symbol of the Fn::Sub inside is not the text Fn::Base64 gives. */
    ck_assert(is_unknown(r, "user_data_base64"));
    ck_assert_absent(r, "user_data_base64");
    ck_assert(has_edge(r, "user_data_base64", "ECSCluster"));
    ck_assert(has_edge(r, "security_groups[0]", "EcsHostSecurityGroup"));
    ck_assert(has_edge(r, "iam_instance_profile", "EC2InstanceProfile"));
    release(&l);
}
END_TEST

START_TEST(ecs_role_inline_policy)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    soc2_resource *r = resource(&l, "AutoscalingRole");
    ck_assert_str_eq(r->type, "aws_iam_role");
    ck_assert_attr(r, "inline_policy[0].name", "'service-autoscaling'");
    ck_assert_attr(r, "inline_policy[0].policy",
                   "{'Statement': [{'Effect': 'Allow', 'Action': ['application-autoscaling:*',"
                   " 'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm',"
                   " 'ecs:DescribeServices', 'ecs:UpdateService'], 'Resource': '*'}]}");
    ck_assert_attr(r, "assume_role_policy",
                   "{'Statement': [{'Effect': 'Allow', 'Principal': {'Service':"
                   " ['application-autoscaling.amazonaws.com']}, 'Action': ['sts:AssumeRole']}]}");
    ck_assert_attr(r, "path", "'/'");
    ck_assert_ptr_null(r->unknown);
    release(&l);
}
END_TEST

START_TEST(ecs_unmapped_types_kept)
{
    loaded l;
    load_file(&l, ECS_TEMPLATE);
    ck_assert_uint_eq(l.loader.count, 42);
    ck_assert_str_eq(l.loader.resources[0]->address, "VPC");
    ck_assert_str_eq(l.loader.resources[41]->address, "ECSRole");

    soc2_resource *r = resource(&l, "ECSCluster");
    ck_assert_str_eq(r->type, "AWS::ECS::Cluster");
    ck_assert_str_eq(r->source_type, "AWS::ECS::Cluster");
    ck_assert_uint_eq(json_object_size(r->attrs), 0);

    r = resource(&l, "PublicRoute");
    ck_assert_str_eq(r->type, "AWS::EC2::Route");
    ck_assert_attr(r, "",
                   "{'RouteTableId': '${PublicRouteTable}', 'DestinationCidrBlock': '0.0.0.0/0',"
                   " 'GatewayId': '${InternetGateway}'}");
    ck_assert_symbol(r, "RouteTableId", "${PublicRouteTable}");
    ck_assert(has_edge(r, "RouteTableId", "PublicRouteTable"));
    ck_assert(has_edge(r, "GatewayId", "InternetGateway"));

    r = resource(&l, "DynamoDBEndpoint");
    ck_assert_attr(r, "PolicyDocument.Statement[0].Principal", "'*'");
    ck_assert_attr(r, "RouteTableIds", "['${PrivateRouteTableOne}', '${PrivateRouteTableTwo}']");
    ck_assert(is_unknown(r, "RouteTableIds[0]"));
    ck_assert(has_edge(r, "RouteTableIds[1]", "PrivateRouteTableTwo"));
    ck_assert_symbol(r, "ServiceName", "com.amazonaws.${AWS::Region}.dynamodb");
    release(&l);
}
END_TEST

/* aws-cloudformation-templates: the web application. */

#define WEBAPP_TEMPLATE "cloudformation/aws-cloudformation-templates/solutions-webapp.json"

START_TEST(webapp_bucket_blocks)
{
    loaded l;
    load_file(&l, WEBAPP_TEMPLATE);
    soc2_resource *r = resource(&l, "SiteContentBucket");
    ck_assert_str_eq(r->type, "aws_s3_bucket");
    ck_assert_attr(r, "server_side_encryption_configuration",
                   "[{'rule': [{'apply_server_side_encryption_by_default':"
                   " [{'sse_algorithm': 'AES256'}]}]}]");
    ck_assert_attr(r, "public_access_block",
                   "[{'block_public_acls': true, 'block_public_policy': true,"
                   " 'ignore_public_acls': true, 'restrict_public_buckets': true}]");
    ck_assert_attr(r, "versioning", "[{'enabled': true}]");
    ck_assert_attr(r, "logging", "[{'target_bucket': '${SiteContentLogBucket}'}]");
    ck_assert_symbol(r, "logging[0].target_bucket", "${SiteContentLogBucket}");
    ck_assert(has_edge(r, "logging[0].target_bucket", "SiteContentLogBucket"));
    ck_assert_attr(r, "object_lock_enabled", "false");
    /* The name comes from Fn::Sub over the AppName parameter's default,
     * AWS::Region and AWS::AccountId. */
    ck_assert_symbol(r, "bucket", "rain-webapp-sample-content-${AWS::Region}-${AWS::AccountId}");
    ck_assert(has_edge(r, "replication_configuration.Role", "SiteContentReplicationRole"));
    release(&l);
}
END_TEST

START_TEST(webapp_bucket_policy)
{
    loaded l;
    load_file(&l, WEBAPP_TEMPLATE);
    soc2_resource *r = resource(&l, "SiteContentBucketAccessPolicy");
    ck_assert_str_eq(r->type, "aws_s3_bucket_policy");
    /* The same Fn::Sub as the bucket's BucketName gives the same symbol. */
    ck_assert_symbol(r, "bucket", "rain-webapp-sample-content-${AWS::Region}-${AWS::AccountId}");
    ck_assert_attr(r, "policy.Statement[1]",
                   "{'Action': 's3:*', 'Condition': {'Bool': {'aws:SecureTransport': false}},"
                   " 'Effect': 'Deny', 'Principal': {'AWS': '*'}, 'Resource': ["
                   "  'arn:${AWS::Partition}:s3:::rain-webapp-sample-content-${AWS::Region}"
                   "-${AWS::AccountId}',"
                   "  'arn:${AWS::Partition}:s3:::rain-webapp-sample-content-${AWS::Region}"
                   "-${AWS::AccountId}/*']}");
    ck_assert(is_unknown(r, "policy.Statement[1].Resource[0]"));
    ck_assert(is_unknown(r, "policy.Statement[1].Resource[1]"));
    ck_assert_symbol(r, "policy.Statement[0].Condition.StringEquals[\"AWS:SourceArn\"]",
                     "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
                     "${SiteDistribution.Id}");
    ck_assert_symbol(r, "policy.Statement[2].Condition.StringEquals[\"aws:SourceAccount\"]",
                     "${AWS::AccountId}");
    ck_assert(has_edge(r, "policy.Statement[0].Condition.StringEquals[\"AWS:SourceArn\"]",
                       "SiteDistribution"));
    ck_assert_uint_eq(r->edge_count, 1);
    release(&l);
}
END_TEST

START_TEST(webapp_table_and_role_policy)
{
    loaded l;
    load_file(&l, WEBAPP_TEMPLATE);
    soc2_resource *r = resource(&l, "TestTable");
    ck_assert_str_eq(r->type, "aws_dynamodb_table");
    ck_assert_attr(r, "name", "'rain-webapp-sample-test'");
    ck_assert_attr(r, "attribute", "[{'name': 'id', 'type': 'S'}]");
    ck_assert_absent(r, "server_side_encryption");

    r = resource(&l, "TestResourceHandlerPolicy");
    ck_assert_str_eq(r->type, "aws_iam_role_policy");
    ck_assert_attr(r, "name", "'handler-policy'");
    ck_assert_symbol(r, "role", "${TestResourceHandlerRole}");
    ck_assert(has_edge(r, "role", "TestResourceHandlerRole"));
    ck_assert_symbol(r, "policy.Statement[0].Resource[0]", "${TestTable.Arn}");
    ck_assert(has_edge(r, "policy.Statement[0].Resource[0]", "TestTable"));

    r = resource(&l, "TestResourceHandlerRole");
    ck_assert_attr(r, "managed_policy_arns",
                   "['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']");
    release(&l);
}
END_TEST

/* cfn_nag. */

START_TEST(nag_ipv6_spellings_kept)
{
    static const char *const groups[][2] = {
        {"InstanceSecurityGroup", "0000:0000:0000:0000:0000:0000:0000:0000/0"},
        {"InstanceSecurityGroup2", "0000::/0"},
        {"InstanceSecurityGroup3", "::/0"},
        {"InstanceSecurityGroup4", "2001:800::/21"},
    };
    loaded l;
    load_file(&l, "cloudformation/cfn_nag/ipv6-security-groups-open-to-world.json");
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        soc2_resource *r = resource(&l, groups[i][0]);
        ck_assert_str_eq(r->type, "aws_security_group");
        char expected[256];
        snprintf(expected, sizeof(expected), "['%s']", groups[i][1]);
        ck_assert_attr(r, "ingress[0].ipv6_cidr_blocks", expected);
        ck_assert_attr(r, "ingress[0].from_port", "'22'");
        ck_assert_attr(r, "ingress[0].to_port", "'22'");
        ck_assert_attr(r, "ingress[0].protocol", "'tcp'");
        ck_assert_attr(r, "ingress[0].cidr_blocks", "[]");
        ck_assert_uint_eq(json_array_size(value_at(r->attrs, "ingress")), 1);
    }
    ck_assert_attr(resource(&l, "VPC"), "tags", "{'Name': 'IPv6'}");
    ck_assert(has_edge(resource(&l, "SubnetIPv6"), "Ipv6CidrBlock", "VPC"));
    release(&l);
}
END_TEST

START_TEST(nag_queue_policies_as_written)
{
    loaded l;
    load_file(&l, "cloudformation/cfn_nag/sqs-queue-policies-with-wildcards.json");
    soc2_resource *r = resource(&l, "mysqspolicy2c");
    ck_assert_str_eq(r->type, "aws_sqs_queue_policy");
    ck_assert_attr(r, "policy.Statement",
                   "{'Sid': 'Allow-User-SendMessage', 'Effect': 'Allow',"
                   " 'Principal': {'AWS': '*'}, 'Action': 'sqs:SendMessage', 'Resource': '*'}");
    ck_assert_attr(r, "queues", "['${queue2c}']");
    ck_assert_symbol(r, "queues[0]", "${queue2c}");
    ck_assert(has_edge(r, "queues[0]", "queue2c"));

    ck_assert_attr(resource(&l, "mysqspolicy1"), "policy.Statement[0].Action", "['sqs:*']");
    ck_assert_attr(resource(&l, "mysqspolicy1b"), "policy.Statement[0].Action", "'sqs:*'");
    ck_assert_attr(resource(&l, "mysqspolicy2"), "policy.Statement[0].Principal", "'*'");
    ck_assert_attr(resource(&l, "queue2c"), "", "{'name': 'queue2b'}");
    ck_assert_str_eq(resource(&l, "queue2c")->type, "aws_sqs_queue");
    release(&l);
}
END_TEST

/* Checkov: encrypted and unencrypted variants. */

START_TEST(checkov_encryption_variants)
{
    loaded l;
    load_file(&l, "cloudformation/checkov/cfn-encryption-variants.json");
    ck_assert_uint_eq(l.loader.count, 37);
    /* Resources written inside another resource's body are not resources. */
    ck_assert_ptr_null(loader_find(&l.loader, "EncryptedEKSCluster"));

    ck_assert_attr(resource(&l, "EncryptedDynamoDBTable"), "",
                   "{'server_side_encryption': [{'enabled': true}]}");
    ck_assert_attr(resource(&l, "EncryptedDynamoDBTable2"), "", "{}");
    ck_assert_attr(resource(&l, "EncryptedS3Bucket"), "server_side_encryption_configuration",
                   "[{'rule': [{'apply_server_side_encryption_by_default':"
                   " [{'sse_algorithm': 'aws:kms'}]}]}]");
    ck_assert_attr(resource(&l, "UnencryptedS3Bucket"), "", "{}");
    ck_assert_attr(resource(&l, "EncryptedCloudTrailTrail"), "kms_key_id",
                   "'arn:aws:kms:us-east-1:000000000000:key/some-key-uuid'");
    ck_assert_attr(resource(&l, "EncryptedLogsLogGroup2"), "kms_key_id",
                   "'arn:aws:kms:us-east-1:000000000000:key/some-key-uuid'");
    ck_assert_attr(resource(&l, "EncryptedSQSQueue"), "kms_master_key_id",
                   "'arn:aws:kms:us-east-1:000000000000:key/some-key-uuid'");
    ck_assert_attr(resource(&l, "EncryptedSNSTopic"), "kms_master_key_id",
                   "'arn:aws:kms:us-east-1:000000000000:key/some-key-uuid'");
    ck_assert_attr(resource(&l, "EncryptedEC2Volume"), "", "{'encrypted': true}");

    soc2_resource *r = resource(&l, "EncryptedECRRepository");
    ck_assert_str_eq(r->type, "AWS::ECR::Repository");
    ck_assert_attr(r, "", "{'EncryptionConfiguration': {'EncryptionType': 'AES256'}}");
    r = resource(&l, "UnencryptedAthenaWorkGroup");
    ck_assert_str_eq(r->type, "AWS::Athena::WorkGroup");
    ck_assert_attr(r, "", "{}");
    release(&l);
}
END_TEST

/* Mapping of each type the rules read. */

START_TEST(map_dynamodb_sse)
{
    loaded l;
    load_template(&l,
                  "{'Resources': {'T': {'Type': 'AWS::DynamoDB::Table', 'Properties': {"
                  " 'TableName': 'orders',"
                  " 'SSESpecification': {'SSEEnabled': true, 'SSEType': 'KMS',"
                  "                      'KMSMasterKeyId': 'alias/orders'},"
                  " 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': true}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_attr(resource(&l, "T"), "",
                   "{'name': 'orders', 'server_side_encryption': [{'enabled': true,"
                   " 'sse_type': 'KMS', 'kms_key_arn': 'alias/orders'}],"
                   " 'point_in_time_recovery': [{'enabled': true}]}");
    release(&l);
}
END_TEST

START_TEST(map_flow_log_destination)
{
    loaded l;
    load_template(&l,
                  "{'Parameters': {'Kind': {'Type': 'String'}},"
                  " 'Resources': {'Vpc': {'Type': 'AWS::EC2::VPC',"
                  "   'Properties': {'CidrBlock': '10.1.0.0/16'}},"
                  "  'Net': {'Type': 'AWS::EC2::Subnet'},"
                  "  'ToVpc': {'Type': 'AWS::EC2::FlowLog', 'Properties': {"
                  "   'ResourceType': 'VPC', 'ResourceId': {'Ref': 'Vpc'}, 'TrafficType': 'ALL',"
                  "   'DeliverLogsPermissionArn': 'arn:role'}},"
                  "  'ToSubnet': {'Type': 'AWS::EC2::FlowLog', 'Properties': {"
                  "   'ResourceId': {'Ref': 'Net'}, 'ResourceType': 'Subnet',"
                  "   'TrafficType': 'REJECT'}},"
                  "  'ToEni': {'Type': 'AWS::EC2::FlowLog', 'Properties': {"
                  "   'ResourceType': 'NetworkInterface', 'ResourceId': 'eni-1'}},"
                  "  'ToUnknown': {'Type': 'AWS::EC2::FlowLog', 'Properties': {"
                  "   'ResourceType': {'Ref': 'Kind'}, 'ResourceId': 'x-1'}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_attr(resource(&l, "Vpc"), "cidr_block", "'10.1.0.0/16'");

    soc2_resource *r = resource(&l, "ToVpc");
    ck_assert_str_eq(r->type, "aws_flow_log");
    ck_assert_attr(r, "",
                   "{'resource_type': 'VPC', 'vpc_id': '${Vpc}', 'traffic_type': 'ALL',"
                   " 'iam_role_arn': 'arn:role'}");
    ck_assert_symbol(r, "vpc_id", "${Vpc}");
    ck_assert(has_edge(r, "vpc_id", "Vpc"));

    r = resource(&l, "ToSubnet");
    ck_assert_symbol(r, "subnet_id", "${Net}");
    ck_assert(has_edge(r, "subnet_id", "Net"));
    ck_assert_attr(r, "traffic_type", "'REJECT'");
    ck_assert_attr(resource(&l, "ToEni"), "eni_id", "'eni-1'");
    r = resource(&l, "ToUnknown");
    ck_assert_attr(r, "resource_id", "'x-1'");
    /* A parameter without a default has no symbol. */
    ck_assert(is_unknown(r, "resource_type"));
    ck_assert_absent(r, "resource_type");
    release(&l);
}
END_TEST

START_TEST(map_compute_security_groups)
{
    loaded l;
    load_template(&l,
                  "{'Resources': {'A': {'Type': 'AWS::EC2::SecurityGroup'},"
                  " 'B': {'Type': 'AWS::EC2::SecurityGroup'},"
                  " 'Host': {'Type': 'AWS::EC2::Instance', 'Properties': {"
                  "  'ImageId': 'ami-1', 'InstanceType': 't3.micro',"
                  "  'SecurityGroupIds': ['sg-fixed', {'Fn::GetAtt': ['B', 'GroupId']}],"
                  "  'Tags': [{'Key': 'Name', 'Value': 'web'}]}},"
                  " 'Tpl': {'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {"
                  "  'LaunchTemplateName': 'web',"
                  "  'LaunchTemplateData': {'ImageId': 'ami-2',"
                  "   'SecurityGroupIds': [{'Ref': 'A'}],"
                  "   'MetadataOptions': {'HttpTokens': 'required'},"
                  "   'BlockDeviceMappings': [{'DeviceName': '/dev/xvda',"
                  "                            'Ebs': {'Encrypted': true, 'VolumeSize': 8}}]}}},"
                  " 'Lc': {'Type': 'AWS::AutoScaling::LaunchConfiguration', 'Properties': {"
                  "  'ImageId': 'ami-3', 'SecurityGroups': [{'Ref': 'A'}],"
                  "  'AssociatePublicIpAddress': true}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Host");
    ck_assert_str_eq(r->type, "aws_instance");
    ck_assert_attr(r, "",
                   "{'ami': 'ami-1', 'instance_type': 't3.micro',"
                   " 'vpc_security_group_ids': ['sg-fixed', '${B.GroupId}'],"
                   " 'tags': {'Name': 'web'}}");
    ck_assert_symbol(r, "vpc_security_group_ids[1]", "${B.GroupId}");
    ck_assert(has_edge(r, "vpc_security_group_ids[1]", "B"));
    ck_assert(!is_unknown(r, "vpc_security_group_ids[0]"));

    r = resource(&l, "Tpl");
    ck_assert_str_eq(r->type, "aws_launch_template");
    ck_assert_attr(r, "",
                   "{'name': 'web', 'image_id': 'ami-2', 'vpc_security_group_ids': ['${A}'],"
                   " 'metadata_options': [{'http_tokens': 'required'}],"
                   " 'block_device_mappings': [{'device_name': '/dev/xvda',"
                   "   'ebs': [{'encrypted': true, 'volume_size': 8}]}]}");
    ck_assert(has_edge(r, "vpc_security_group_ids[0]", "A"));

    r = resource(&l, "Lc");
    ck_assert_str_eq(r->type, "aws_launch_configuration");
    ck_assert_attr(r, "associate_public_ip_address", "true");
    ck_assert_symbol(r, "security_groups[0]", "${A}");
    ck_assert(has_edge(r, "security_groups[0]", "A"));
    release(&l);
}
END_TEST

START_TEST(map_security_group_rules)
{
    loaded l;
    load_template(&l,
                  "{'Resources': {'Sg': {'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
                  "  'GroupName': 'web', 'GroupDescription': 'web servers', 'VpcId': 'vpc-1',"
                  "  'SecurityGroupIngress': [{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22,"
                  "    'SourceSecurityGroupId': 'sg-admin', 'Description': 'ssh'}],"
                  "  'SecurityGroupEgress': [{'IpProtocol': '-1', 'CidrIp': '0.0.0.0/0'},"
                  "    {'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443,"
                  "     'DestinationPrefixListId': 'pl-1'}]}},"
                  " 'In': {'Type': 'AWS::EC2::SecurityGroupIngress', 'Properties': {"
                  "  'GroupId': {'Fn::GetAtt': 'Sg.GroupId'}, 'IpProtocol': 'tcp',"
                  "  'FromPort': 3389, 'ToPort': 3389, 'CidrIpv6': '::/0'}},"
                  " 'Out': {'Type': 'AWS::EC2::SecurityGroupEgress', 'Properties': {"
                  "  'GroupId': 'sg-1', 'IpProtocol': 'tcp', 'FromPort': 5432, 'ToPort': 5432,"
                  "  'DestinationSecurityGroupId': {'Ref': 'Sg'}, 'CidrIp': '10.0.0.0/8'}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Sg");
    ck_assert_attr(r, "name", "'web'");
    ck_assert_attr(r, "description", "'web servers'");
    ck_assert_attr(r, "vpc_id", "'vpc-1'");
    ck_assert_attr(r, "ingress",
                   "[{'protocol': 'tcp', 'from_port': 22, 'to_port': 22,"
                   "  'security_groups': ['sg-admin'], 'description': 'ssh', 'cidr_blocks': [],"
                   "  'ipv6_cidr_blocks': [], 'prefix_list_ids': [], 'self': false}]");
    ck_assert_attr(r, "egress[0]",
                   "{'protocol': '-1', 'cidr_blocks': ['0.0.0.0/0'], 'ipv6_cidr_blocks': [],"
                   " 'prefix_list_ids': [], 'security_groups': [], 'self': false}");
    ck_assert_attr(r, "egress[1].prefix_list_ids", "['pl-1']");

    r = resource(&l, "In");
    ck_assert_str_eq(r->type, "aws_security_group_rule");
    ck_assert_attr(r, "",
                   "{'security_group_id': '${Sg.GroupId}', 'protocol': 'tcp', 'from_port': 3389,"
                   " 'to_port': 3389, 'ipv6_cidr_blocks': ['::/0'], 'type': 'ingress'}");
    ck_assert_symbol(r, "security_group_id", "${Sg.GroupId}");
    ck_assert(has_edge(r, "security_group_id", "Sg"));

    r = resource(&l, "Out");
    ck_assert_attr(r, "",
                   "{'security_group_id': 'sg-1', 'protocol': 'tcp', 'from_port': 5432,"
                   " 'to_port': 5432, 'cidr_blocks': ['10.0.0.0/8'],"
                   " 'source_security_group_id': '${Sg}', 'type': 'egress'}");
    ck_assert_symbol(r, "source_security_group_id", "${Sg}");
    ck_assert(has_edge(r, "source_security_group_id", "Sg"));
    release(&l);
}
END_TEST

START_TEST(map_load_balancers_and_database)
{
    loaded l;
    load_template(&l,
                  "{'Resources': {'Sg': {'Type': 'AWS::EC2::SecurityGroup'},"
                  " 'Nlb': {'Type': 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'Properties': {"
                  "  'Name': 'edge', 'Type': 'network', 'Scheme': 'internet-facing'}},"
                  " 'Classic': {'Type': 'AWS::ElasticLoadBalancing::LoadBalancer', 'Properties': {"
                  "  'LoadBalancerName': 'old', 'SecurityGroups': [{'Ref': 'Sg'}],"
                  "  'Listeners': [{'LoadBalancerPort': '80', 'InstancePort': '8080',"
                  "                 'Protocol': 'HTTP'}]}},"
                  " 'Db': {'Type': 'AWS::RDS::DBInstance', 'Properties': {"
                  "  'DBInstanceClass': 'db.t3.micro', 'Engine': 'postgres',"
                  "  'StorageEncrypted': 'true', 'PubliclyAccessible': false,"
                  "  'VPCSecurityGroups': [{'Fn::GetAtt': 'Sg.GroupId'}], 'MultiAZ': true}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Nlb");
    ck_assert_attr(r, "", "{'name': 'edge', 'load_balancer_type': 'network', 'internal': false}");

    r = resource(&l, "Classic");
    ck_assert_str_eq(r->type, "aws_elb");
    ck_assert_attr(r, "name", "'old'");
    ck_assert_attr(r, "security_groups", "['${Sg}']");
    ck_assert_symbol(r, "security_groups[0]", "${Sg}");
    ck_assert(has_edge(r, "security_groups[0]", "Sg"));
    ck_assert_attr(r, "listener",
                   "[{'lb_port': '80', 'instance_port': '8080', 'lb_protocol': 'HTTP'}]");

    r = resource(&l, "Db");
    ck_assert_str_eq(r->type, "aws_db_instance");
    ck_assert_attr(r, "",
                   "{'instance_class': 'db.t3.micro', 'engine': 'postgres',"
                   " 'storage_encrypted': 'true', 'publicly_accessible': false,"
                   " 'vpc_security_group_ids': ['${Sg.GroupId}'], 'multi_az': true}");
    ck_assert_symbol(r, "vpc_security_group_ids[0]", "${Sg.GroupId}");
    ck_assert(has_edge(r, "vpc_security_group_ids[0]", "Sg"));
    release(&l);
}
END_TEST

START_TEST(map_iam_identities_and_policies)
{
    loaded l;
    load_template(
        &l, "{'Resources': {'Role': {'Type': 'AWS::IAM::Role'},"
            " 'Admins': {'Type': 'AWS::IAM::Group', 'Properties': {'GroupName': 'admins',"
            "  'ManagedPolicyArns': ['arn:aws:iam::aws:policy/AdministratorAccess']}},"
            " 'Alice': {'Type': 'AWS::IAM::User', 'Properties': {'UserName': 'alice',"
            "  'Policies': [{'PolicyName': 'p', 'PolicyDocument': {'Version': '2012-10-17',"
            "    'Statement': [{'Effect': 'Allow', 'NotAction': 'iam:*', 'Resource': '*'}]}}]}},"
            " 'Pol': {'Type': 'AWS::IAM::Policy', 'Properties': {'PolicyName': 'all',"
            "  'PolicyDocument': {'Statement': {'Effect': 'Allow', 'Action': '*',"
            "                                   'Resource': '*'}},"
            "  'Roles': [{'Ref': 'Role'}], 'Users': ['alice'], 'Groups': ['admins']}},"
            " 'Managed': {'Type': 'AWS::IAM::ManagedPolicy', 'Properties': {"
            "  'ManagedPolicyName': 'read', 'PolicyDocument': {'Statement': []}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Admins");
    ck_assert_str_eq(r->type, "aws_iam_group");
    ck_assert_attr(r, "",
                   "{'name': 'admins',"
                   " 'managed_policy_arns': ['arn:aws:iam::aws:policy/AdministratorAccess']}");

    r = resource(&l, "Alice");
    ck_assert_str_eq(r->type, "aws_iam_user");
    ck_assert_attr(r, "inline_policy",
                   "[{'name': 'p', 'policy': {'Version': '2012-10-17', 'Statement':"
                   " [{'Effect': 'Allow', 'NotAction': 'iam:*', 'Resource': '*'}]}}]");

    r = resource(&l, "Pol");
    ck_assert_str_eq(r->type, "aws_iam_policy");
    ck_assert_str_eq(r->source_type, "AWS::IAM::Policy");
    ck_assert_attr(r, "",
                   "{'name': 'all', 'policy': {'Statement': {'Effect': 'Allow',"
                   " 'Action': '*', 'Resource': '*'}}, 'roles': ['${Role}'],"
                   " 'users': ['alice'], 'groups': ['admins']}");
    ck_assert_symbol(r, "roles[0]", "${Role}");
    ck_assert(has_edge(r, "roles[0]", "Role"));

    r = resource(&l, "Managed");
    ck_assert_str_eq(r->type, "aws_iam_policy");
    ck_assert_attr(r, "", "{'name': 'read', 'policy': {'Statement': []}}");
    release(&l);
}
END_TEST

START_TEST(map_monitoring_resources)
{
    loaded l;
    load_template(&l,
                  "{'Resources': {"
                  " 'Logs': {'Type': 'AWS::Logs::LogGroup', 'Properties': {"
                  "  'LogGroupName': 'trail', 'RetentionInDays': 365, 'KmsKeyId': 'arn:key'}},"
                  " 'Filter': {'Type': 'AWS::Logs::MetricFilter', 'Properties': {"
                  "  'LogGroupName': {'Ref': 'Logs'}, 'FilterPattern': '{ $.errorCode = \\'*\\' }',"
                  "  'MetricTransformations': [{'MetricName': 'Unauthorized',"
                  "    'MetricNamespace': 'CIS', 'MetricValue': '1'}]}},"
                  " 'Topic': {'Type': 'AWS::SNS::Topic', 'Properties': {'TopicName': 'alarms',"
                  "  'Subscription': [{'Endpoint': 'ops@example.com', 'Protocol': 'email'}]}},"
                  " 'Sub': {'Type': 'AWS::SNS::Subscription', 'Properties': {"
                  "  'TopicArn': {'Ref': 'Topic'}, 'Protocol': 'sqs', 'Endpoint': 'arn:q'}},"
                  " 'Alarm': {'Type': 'AWS::CloudWatch::Alarm', 'Properties': {"
                  "  'MetricName': 'Unauthorized', 'Namespace': 'CIS', 'Threshold': 1,"
                  "  'AlarmActions': [{'Ref': 'Topic'}],"
                  "  'Dimensions': [{'Name': 'Queue', 'Value': 'q'}]}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_attr(resource(&l, "Logs"), "",
                   "{'name': 'trail', 'retention_in_days': 365, 'kms_key_id': 'arn:key'}");

    soc2_resource *r = resource(&l, "Filter");
    ck_assert_str_eq(r->type, "aws_cloudwatch_log_metric_filter");
    ck_assert_attr(r, "pattern", "'{ $.errorCode = \\'*\\' }'");
    ck_assert_attr(r, "metric_transformation",
                   "[{'name': 'Unauthorized', 'namespace': 'CIS', 'value': '1'}]");
    ck_assert_symbol(r, "log_group_name", "${Logs}");
    ck_assert(has_edge(r, "log_group_name", "Logs"));

    ck_assert_attr(resource(&l, "Topic"), "",
                   "{'name': 'alarms', 'subscription': [{'endpoint': 'ops@example.com',"
                   " 'protocol': 'email'}]}");
    r = resource(&l, "Sub");
    ck_assert_str_eq(r->type, "aws_sns_topic_subscription");
    ck_assert_attr(r, "", "{'topic_arn': '${Topic}', 'protocol': 'sqs', 'endpoint': 'arn:q'}");
    ck_assert_symbol(r, "topic_arn", "${Topic}");
    ck_assert(has_edge(r, "topic_arn", "Topic"));

    r = resource(&l, "Alarm");
    ck_assert_str_eq(r->type, "aws_cloudwatch_metric_alarm");
    ck_assert_attr(r, "",
                   "{'metric_name': 'Unauthorized', 'namespace': 'CIS', 'threshold': 1,"
                   " 'alarm_actions': ['${Topic}'], 'dimensions': {'Queue': 'q'}}");
    ck_assert_symbol(r, "alarm_actions[0]", "${Topic}");
    ck_assert(has_edge(r, "alarm_actions[0]", "Topic"));
    release(&l);
}
END_TEST

START_TEST(map_cloudtrail_and_kms)
{
    loaded l;
    load_template(&l, "{'Resources': {'Key': {'Type': 'AWS::KMS::Key', 'Properties': {"
                      "  'EnableKeyRotation': true, 'KeyPolicy': {'Version': '2012-10-17'}}},"
                      " 'Logs': {'Type': 'AWS::Logs::LogGroup'},"
                      " 'Trail': {'Type': 'AWS::CloudTrail::Trail', 'Properties': {"
                      "  'IsMultiRegionTrail': true, 'IsLogging': true,"
                      "  'EnableLogFileValidation': false, 'KMSKeyId': {'Ref': 'Key'},"
                      "  'CloudWatchLogsLogGroupArn': {'Fn::GetAtt': ['Logs', 'Arn']},"
                      "  'CloudWatchLogsRoleArn': 'arn:role', 'S3BucketName': 'trail-bucket'}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Key");
    ck_assert_str_eq(r->type, "aws_kms_key");
    ck_assert_attr(r, "", "{'enable_key_rotation': true, 'policy': {'Version': '2012-10-17'}}");

    r = resource(&l, "Trail");
    ck_assert_str_eq(r->type, "aws_cloudtrail");
    ck_assert_attr(r, "",
                   "{'is_multi_region_trail': true, 'enable_logging': true,"
                   " 'enable_log_file_validation': false, 'kms_key_id': '${Key}',"
                   " 'cloud_watch_logs_group_arn': '${Logs.Arn}',"
                   " 'cloud_watch_logs_role_arn': 'arn:role', 's3_bucket_name': 'trail-bucket'}");
    ck_assert_symbol(r, "kms_key_id", "${Key}");
    ck_assert(has_edge(r, "kms_key_id", "Key"));
    ck_assert_symbol(r, "cloud_watch_logs_group_arn", "${Logs.Arn}");
    ck_assert(has_edge(r, "cloud_watch_logs_group_arn", "Logs"));
    release(&l);
}
END_TEST

START_TEST(map_storage_and_queues)
{
    loaded l;
    load_template(&l, "{'Resources': {"
                      " 'B': {'Type': 'AWS::S3::Bucket', 'Properties': {'BucketName': 'data',"
                      "  'VersioningConfiguration': {'Status': 'Suspended'},"
                      "  'LoggingConfiguration': {'DestinationBucketName': 'logs',"
                      "                           'LogFilePrefix': 'data/'},"
                      "  'BucketEncryption': {'ServerSideEncryptionConfiguration': [{"
                      "   'ServerSideEncryptionByDefault': {'SSEAlgorithm': 'aws:kms',"
                      "                                     'KMSMasterKeyID': 'arn:key'},"
                      "   'BucketKeyEnabled': true}]},"
                      "  'Tags': [{'Key': 'Cost Center', 'Value': {'Ref': 'Q'}}]}},"
                      " 'BP': {'Type': 'AWS::S3::BucketPolicy', 'Properties': {"
                      "  'Bucket': {'Ref': 'B'}, 'PolicyDocument': {'Statement': []}}},"
                      " 'Q': {'Type': 'AWS::SQS::Queue', 'Properties': {'QueueName': 'jobs',"
                      "  'KmsMasterKeyId': 'alias/aws/sqs', 'SqsManagedSseEnabled': false}},"
                      " 'QP': {'Type': 'AWS::SQS::QueuePolicy', 'Properties': {"
                      "  'Queues': [{'Ref': 'Q'}, 'https://sqs/other'],"
                      "  'PolicyDocument': {'Statement': [{'Effect': 'Deny'}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "B");
    ck_assert_attr(r, "",
                   "{'bucket': 'data', 'versioning': [{'enabled': false}],"
                   " 'logging': [{'target_bucket': 'logs', 'target_prefix': 'data/'}],"
                   " 'server_side_encryption_configuration': [{'rule': [{"
                   "   'apply_server_side_encryption_by_default': [{"
                   "     'sse_algorithm': 'aws:kms', 'kms_master_key_id': 'arn:key'}],"
                   "   'bucket_key_enabled': true}]}],"
                   " 'tags': {'Cost Center': '${Q}'}}");
    ck_assert_symbol(r, "tags[\"Cost Center\"]", "${Q}");
    ck_assert(has_edge(r, "tags[\"Cost Center\"]", "Q"));

    r = resource(&l, "BP");
    ck_assert_str_eq(r->type, "aws_s3_bucket_policy");
    ck_assert_attr(r, "", "{'bucket': '${B}', 'policy': {'Statement': []}}");
    ck_assert_symbol(r, "bucket", "${B}");
    ck_assert(has_edge(r, "bucket", "B"));

    ck_assert_attr(resource(&l, "Q"), "",
                   "{'name': 'jobs', 'kms_master_key_id': 'alias/aws/sqs',"
                   " 'sqs_managed_sse_enabled': false}");
    r = resource(&l, "QP");
    ck_assert_str_eq(r->type, "aws_sqs_queue_policy");
    ck_assert_attr(r, "",
                   "{'queues': ['${Q}', 'https://sqs/other'],"
                   " 'policy': {'Statement': [{'Effect': 'Deny'}]}}");
    ck_assert_symbol(r, "queues[0]", "${Q}");
    ck_assert(!is_unknown(r, "queues[1]"));
    ck_assert(has_edge(r, "queues[0]", "Q"));
    release(&l);
}
END_TEST

START_TEST(map_unknown_types_kept)
{
    loaded l;
    load_template(&l, "{'Resources': {"
                      " 'C': {'Type': 'Custom::Thing', 'Properties': {'ServiceToken': 'arn:fn',"
                      "  'SomeSetting': {'Nested': [1, 2]}}},"
                      " 'V': {'Type': 'Vendor::Product::Thing', 'Properties': {'Key': 'v'}},"
                      " 'F': {'Type': 'AWS::Future::Service', 'DeletionPolicy': 'Retain'}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_uint_eq(l.loader.count, 3);
    soc2_resource *r = resource(&l, "C");
    ck_assert_str_eq(r->type, "Custom::Thing");
    ck_assert_attr(r, "", "{'ServiceToken': 'arn:fn', 'SomeSetting': {'Nested': [1, 2]}}");
    ck_assert_str_eq(resource(&l, "V")->type, "Vendor::Product::Thing");
    ck_assert_attr(resource(&l, "V"), "", "{'Key': 'v'}");
    ck_assert_str_eq(resource(&l, "F")->type, "AWS::Future::Service");
    ck_assert_attr(resource(&l, "F"), "", "{}");
    release(&l);
}
END_TEST

/* A generated template of 500 resources: groups, and an ingress rule for
 * each that refers to its group. */
START_TEST(generated_500_resources)
{
    strbuf text = STRBUF_INIT;
    sb_puts(&text,
            "{\"Parameters\": {\"Cidr\": {\"Type\": \"String\", \"Default\": \"0.0.0.0/0\"}},"
            " \"Resources\": {");
    for (int i = 0; i < 250; i++) {
        sb_printf(
            &text,
            "%s\"Group%d\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\":"
            " {\"GroupDescription\": \"group %d\", \"SecurityGroupIngress\": [{\"IpProtocol\":"
            " \"tcp\", \"FromPort\": %d, \"ToPort\": %d, \"CidrIp\": {\"Ref\": \"Cidr\"}}]}},",
            i ? " " : "", i, i, i, i);
        sb_printf(&text,
                  " \"Rule%d\": {\"Type\": \"AWS::EC2::SecurityGroupIngress\", \"Properties\":"
                  " {\"GroupId\": {\"Fn::GetAtt\": [\"Group%d\", \"GroupId\"]},"
                  " \"IpProtocol\": \"-1\", \"CidrIp\": {\"Fn::Sub\": \"10.%d.0.0/16\"}}}",
                  i, i, i);
        if (i < 249)
            sb_putc(&text, ',');
    }
    sb_puts(&text, "}}");
    ck_assert_int_eq(text.failed, 0);

    size_t length = text.len;
    loaded l;
    load_owned_text(&l, sb_steal(&text), length);
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_uint_eq(l.loader.count, 500);
    for (int i = 0; i < 250; i++) {
        char address[32], expected[64];
        soc2_resource *group = l.loader.resources[2 * i];
        snprintf(address, sizeof(address), "Group%d", i);
        ck_assert_str_eq(group->address, address);
        ck_assert_str_eq(group->type, "aws_security_group");
        ck_assert_attr(group, "ingress[0].cidr_blocks", "['0.0.0.0/0']");
        snprintf(expected, sizeof(expected), "%d", i);
        ck_assert_attr(group, "ingress[0].from_port", expected);

        soc2_resource *rule = l.loader.resources[2 * i + 1];
        ck_assert_str_eq(rule->type, "aws_security_group_rule");
        snprintf(expected, sizeof(expected), "['10.%d.0.0/16']", i);
        ck_assert_attr(rule, "cidr_blocks", expected);
        snprintf(expected, sizeof(expected), "${Group%d.GroupId}", i);
        ck_assert_symbol(rule, "security_group_id", expected);
        ck_assert(has_edge(rule, "security_group_id", address));
        ck_assert_uint_eq(rule->edge_count, 1);
    }
    release(&l);
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
    static const char text[] =
        "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'},"
        "                'Zones': {'Type': 'CommaDelimitedList', 'Default': 'a,b'}},"
        " 'Mappings': {'M': {'prod': {'Cidr': '10.0.0.0/16'}}},"
        " 'Conditions': {'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
        "                'Open': {'Fn::Or': [{'Condition': 'IsProd'}, {'Fn::Equals': ['a', "
        "'b']}]}},"
        " 'Resources': {"
        "  'Vpc': {'Type': 'AWS::EC2::VPC', 'Properties': {"
        "   'CidrBlock': {'Fn::FindInMap': ['M', {'Ref': 'Env'}, 'Cidr']},"
        "   'Tags': [{'Key': 'Name', 'Value': {'Fn::Sub': '${Env}-${AWS::Region}'}}]}},"
        "  'Sg': {'Type': 'AWS::EC2::SecurityGroup', 'Condition': 'Open', 'Properties': {"
        "   'VpcId': {'Ref': 'Vpc'}, 'SecurityGroupIngress': [{'IpProtocol': -1,"
        "    'CidrIp': {'Fn::Select': [0, {'Fn::Split': [',', '0.0.0.0/0,x']}]}},"
        "    {'Fn::If': ['IsProd', {'Ref': 'AWS::NoValue'}, {'IpProtocol': 'tcp'}]}]}},"
        "  'Tpl': {'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {'LaunchTemplateData': {"
        "   'SecurityGroupIds': [{'Fn::GetAtt': 'Sg.GroupId'}],"
        "   'UserData': {'Fn::Base64': {'Fn::Join': [',', {'Ref': 'Zones'}]}}}}},"
        "  'Log': {'Type': 'AWS::EC2::FlowLog', 'Properties': {'ResourceType': 'VPC',"
        "   'ResourceId': {'Ref': 'Vpc'}}},"
        "  'B': {'Type': 'AWS::S3::Bucket', 'Properties': {'VersioningConfiguration':"
        "   {'Status': 'Enabled'},"
        "   'BucketName': {'Fn::Join': ['-', ['logs', {'Ref': 'AWS::Region'}]]}}},"
        "  'Other': {'Type': 'Custom::X', 'Properties': {'v': {'Fn::GetAZs': ''}}}}}";
    char *quoted = strdup(text);
    for (char *p = quoted; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_t *root = json_loads(quoted, 0, NULL);
    ck_assert_ptr_nonnull(root);

    int succeeded = 0;
    for (long budget = 0; budget < 100000 && !succeeded; budget++) {
        loaded l;
        memset(&l, 0, sizeof(l));
        ck_assert_int_eq(soc2_snapshot_new(&l.snapshot), SOC2_OK);
        l.loader.snapshot = l.snapshot;
        strmap_init(&l.loader.by_address);
        l.loader.document = calloc(1, sizeof(*l.loader.document));
        l.loader.document->name = strdup("oom.json");

        allocations_left = budget;
        json_set_alloc_funcs(failing_malloc, free);
        int rc = cfn_load(&l.loader, root);
        json_set_alloc_funcs(malloc, free);

        ck_assert_msg(rc == SOC2_OK || rc == SOC2_ENOMEM, "budget %ld: status %d (%s)", budget, rc,
                      soc2_error_last()->message);
        if (rc == SOC2_OK) {
            succeeded = 1;
            ck_assert_uint_eq(l.loader.count, 6);
            ck_assert_attr(resource(&l, "Sg"), "ingress[0].cidr_blocks", "['0.0.0.0/0']");
            ck_assert_symbol(resource(&l, "Vpc"), "tags.Name", "prod-${AWS::Region}");
            ck_assert_symbol(resource(&l, "Tpl"), "vpc_security_group_ids[0]", "${Sg.GroupId}");
            ck_assert_symbol(resource(&l, "B"), "bucket", "logs-${AWS::Region}");
        }
        release(&l);
    }
    ck_assert(succeeded);
    json_decref(root);
    free(quoted);
}
END_TEST

/* Errors about the template's structure. */

static const soc2_error *load_error(const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc =
        soc2_snapshot_load_buffer(s, text, strlen(text), "bad.json", SOC2_FORMAT_CLOUDFORMATION);
    ck_assert_int_ne(rc, SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
    free(text);
    return soc2_error_last();
}

START_TEST(error_template_without_resources)
{
    const soc2_error *e = load_error("{'AWSTemplateFormatVersion': '2010-09-09',"
                                     " 'Parameters': {}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_ptr_null(e->pointer);
    ck_assert_msg(strstr(e->message, "the template has no Resources section") != NULL, "%s",
                  e->message);
}
END_TEST

START_TEST(error_structure_pointers)
{
    static const struct {
        const char *text;
        const char *pointer;
        int line;
        const char *message;
    } cases[] = {
        {"{'AWSTemplateFormatVersion': '2010-09-09',\n 'Resources': []}", "/Resources", 2,
         "the Resources section of a template must be an object"},
        {"{'AWSTemplateFormatVersion': '2010-09-09',\n 'Resources': {'A': 'x'}}", "/Resources/A", 2,
         "resource \"A\": a resource must be an object"},
        {"{'Resources': {'Ok': {'Type': 'AWS::S3::Bucket'},\n 'Bad': {'Properties': {}}}}",
         "/Resources/Bad", 2, "resource \"Bad\": Type must be a resource type name"},
        {"{'AWSTemplateFormatVersion': '2010-09-09', 'Resources': {'Bad': {\n'Type': 7}}}",
         "/Resources/Bad/Type", 2, "Type must be a resource type name"},
        {"{'Resources': {'Bad': {'Type': 'AWS::S3::Bucket',\n 'Properties': ['x']}}}",
         "/Resources/Bad/Properties", 2, "Properties must be an object"},
        {"{'Resources': {'Bad': {'Type': 'AWS::S3::Bucket',\n 'Condition': ['x']}}}",
         "/Resources/Bad/Condition", 2, "Condition must be a condition name"},
        {"{'Parameters': {\n'P': 'String'}, 'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}",
         "/Parameters/P", 2, "parameter \"P\" must be an object"},
        {"{'Conditions': [],\n 'Resources': {'A': {'Type': 'AWS::S3::Bucket'}}}", "/Conditions", 1,
         "the Conditions section of a template must be an object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const soc2_error *e = load_error(cases[i].text);
        ck_assert_msg(e->code == SOC2_EFORMAT, "case %zu: code %d", i, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, cases[i].pointer) == 0,
                      "case %zu: pointer %s", i, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(e->line == cases[i].line, "case %zu: line %d", i, e->line);
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "case %zu: %s", i, e->message);
    }
}
END_TEST

/* Logical IDs of resources and parameters are 1 to 255 characters from
 * A-Z, a-z and 0-9, unique across both sections. Text reports print
 * resource addresses, which are logical IDs. */
START_TEST(error_invalid_logical_ids)
{
    char long_id[300];
    memset(long_id, 'A', 256);
    long_id[256] = '\0';
    char long_text[512];
    snprintf(long_text, sizeof(long_text), "{'Resources': {'%s': {'Type': 'Test::Echo'}}}",
             long_id);

    const struct {
        const char *text;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"{'Resources': {'': {'Type': 'Test::Echo'}}}", "/Resources/",
         "the resource logical ID \"\" is invalid; a logical ID is 1 to 255 characters from "
         "A-Z, a-z and 0-9"},
        {"{'Resources': {'Web SG': {'Type': 'Test::Echo'}}}", "/Resources/Web SG",
         "the resource logical ID \"Web SG\" is invalid"},
        {"{'Resources': {'S G/\\n\\'x': {'Type': 'Test::Echo'}}}", "/Resources/S G~1\n\"x",
         "the resource logical ID \"S G/\\n\\\"x\" is invalid"},
        {"{'Resources': {'Ok': {'Type': 'Test::Echo'}, 'web-sg': {'Type': 'Test::Echo'}}}",
         "/Resources/web-sg", "\"web-sg\""},
        {"{'Resources': {'Caf\u00e9': {'Type': 'Test::Echo'}}}", "/Resources/Caf\u00e9",
         "\"Caf\u00e9\" is invalid"},
        {"{'Parameters': {'Env_Name': {'Type': 'String'}}, 'Resources': {'E': {'Type': "
         "'Test::Echo'}}}",
         "/Parameters/Env_Name", "the parameter logical ID \"Env_Name\" is invalid"},
        {"{'Parameters': {'Web': {'Type': 'String'}}, 'Resources': {'Web': {'Type': "
         "'Test::Echo'}}}",
         "/Resources/Web",
         "\"Web\" is the logical ID of both a parameter and a resource; logical IDs must be "
         "unique"},
        {"{'AWSTemplateFormatVersion': '2010-09-09', 'Transform': 'AWS::LanguageExtensions',"
         " 'Resources': {'Fn::ForEach::Topics': ['T', ['a'], {'Topic${T}': {'Type': "
         "'AWS::SNS::Topic'}}]}}",
         "/Resources/Fn::ForEach::Topics", "AWS::LanguageExtensions transform is not expanded"},
        {long_text, NULL, "is invalid; a logical ID is 1 to 255 characters"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const soc2_error *e = load_error(cases[i].text);
        ck_assert_msg(e->code == SOC2_EFORMAT, "case %zu: code %d", i, e->code);
        if (cases[i].pointer)
            ck_assert_msg(e->pointer && strcmp(e->pointer, cases[i].pointer) == 0,
                          "case %zu: pointer %s", i, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "case %zu: %s", i,
                      e->message);
        ck_assert_msg(strchr(e->message, '\n') == NULL, "case %zu: newline in %s", i,
                      e->message);
    }

    /* A long ID is cut in the message, and 255 characters are allowed. */
    const soc2_error *e = load_error(long_text);
    ck_assert_uint_lt(strlen(e->message), 300);
    ck_assert_msg(strstr(e->message, "(at /Resources/AAAAAAAAAA") != NULL, "%s", e->message);
    ck_assert_msg(strstr(e->message, "A\u2026)") != NULL, "%s", e->message);
    ck_assert_uint_eq(strlen(e->pointer), strlen("/Resources/") + 256);
    loaded l;
    long_id[255] = '\0';
    snprintf(long_text, sizeof(long_text), "{'Resources': {'%s': {'Type': 'Test::Echo'}}}",
             long_id);
    load_template(&l, long_text);
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_ptr_nonnull(resource(&l, long_id));
    release(&l);
}
END_TEST

/* A property the table maps as a block takes an object or a list of
 * objects, and one mapped inline takes an object. */
START_TEST(error_block_property_not_object)
{
    static const struct {
        const char *resource;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"{'Type': 'AWS::EC2::SecurityGroup', 'Properties': {'GroupDescription': 'd',"
         " 'SecurityGroupIngress': 'x'}}",
         "/SecurityGroupIngress",
         "SecurityGroupIngress must be a list of objects or an object, not a string"},
        {"{'Type': 'AWS::EC2::SecurityGroup', 'Properties': {'SecurityGroupEgress': 443}}",
         "/SecurityGroupEgress",
         "SecurityGroupEgress must be a list of objects or an object, not a number"},
        {"{'Type': 'AWS::EC2::SecurityGroup', 'Properties': {'SecurityGroupIngress': null}}",
         "/SecurityGroupIngress", "SecurityGroupIngress must be a list of objects or an object, "
                                  "not null"},
        {"{'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
         " 'SecurityGroupIngress': [{'IpProtocol': '-1', 'CidrIp': '10.0.0.0/8'}, 'x']}}",
         "/SecurityGroupIngress/1",
         "each element of SecurityGroupIngress must be an object, not a string"},
        {"{'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
         " 'SecurityGroupIngress': {'Fn::If': ['C', [['x']], []]}}}",
         "/SecurityGroupIngress/Fn::If/1/0",
         "each element of SecurityGroupIngress must be an object, not a list"},
        {"{'Type': 'AWS::IAM::Role', 'Properties': {'Policies': true}}", "/Policies",
         "Policies must be a list of objects or an object, not a boolean"},
        {"{'Type': 'AWS::EC2::Instance', 'Properties': {'BlockDeviceMappings': ["
         " {'DeviceName': '/dev/xvda', 'Ebs': 'gp3'}]}}",
         "/BlockDeviceMappings/0/Ebs", "Ebs must be a list of objects or an object, not a string"},
        {"{'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {'LaunchTemplateData': 'x'}}",
         "/LaunchTemplateData", "LaunchTemplateData must be an object, not a string"},
        {"{'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {'LaunchTemplateData': {"
         " 'NetworkInterfaces': 'eni'}}}",
         "/LaunchTemplateData/NetworkInterfaces",
         "NetworkInterfaces must be a list of objects or an object, not a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024];
        snprintf(text, sizeof(text),
                 "{'Conditions': {'C': {'Fn::Equals': [1, 1]}}, 'Resources': {'R': %s}}",
                 cases[i].resource);
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/R/Properties%s", cases[i].pointer);
        ck_assert_msg(e->code == SOC2_EFORMAT, "case %zu: code %d", i, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "case %zu: pointer %s", i,
                      e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "case %zu: %s", i,
                      e->message);
    }

    /* Unknown values and AWS::NoValue are not rejected. */
    loaded l;
    load_template(&l, "{'Parameters': {'Rules': {'Type': 'String'}},"
                      " 'Resources': {'Sg': {'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
                      "  'SecurityGroupIngress': {'Ref': 'Rules'},"
                      "  'SecurityGroupEgress': [{'Ref': 'Rules'}, {'Ref': 'AWS::NoValue'}]}},"
                      "  'Tpl': {'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {"
                      "  'LaunchTemplateData': {'Ref': 'Rules'}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert(is_unknown(resource(&l, "Sg"), "ingress"));
    ck_assert(is_unknown(resource(&l, "Sg"), "egress[0]"));
    ck_assert(is_unknown(resource(&l, "Tpl"), "launch_template_data"));
    release(&l);
}
END_TEST

/* Source maps: the template pointer each attribute comes from. */

/* Asserts that the attribute at `path` of `address` comes from `pointer`. */
static void ck_assert_source(loaded *l, const char *address, const char *path,
                             const char *pointer)
{
    strbuf found = STRBUF_INIT;
    ck_assert_msg(resource_source_of(resource(l, address), path, &found) == 0,
                  "%s %s: no source", address, path);
    ck_assert_msg(strcmp(sb_str(&found), pointer) == 0, "%s %s comes from %s, expected %s",
                  address, path, sb_str(&found), pointer);
    sb_free(&found);
}

START_TEST(source_map_follows_functions)
{
    loaded l;
    load_template(
        &l,
        "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'},"
        "                'Ports': {'Type': 'CommaDelimitedList', 'Default': '22,80'}},"
        " 'Mappings': {'M': {'prod': {'Cidr': '10.0.0.0/16'}}},"
        " 'Conditions': {'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
        "                'Later': {'Fn::Equals': [{'Ref': 'AWS::Region'}, 'x']}},"
        " 'Resources': {"
        "  'Sg': {'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
        "   'GroupName': {'Fn::Sub': '${Env}-web'},"
        "   'SecurityGroupIngress': ["
        "    {'Fn::If': ['IsProd', {'Ref': 'AWS::NoValue'}, {'IpProtocol': 'tcp'}]},"
        "    {'IpProtocol': 'tcp', 'CidrIp': {'Fn::FindInMap': ['M', {'Ref': 'Env'}, 'Cidr']},"
        "     'SourceSecurityGroupId': 'sg-1', 'SourceSecurityGroupName': 'web'},"
        "    {'Fn::If': ['IsProd', {'IpProtocol': '-1', 'CidrIp': '0.0.0.0/0'}, "
        "{'Ref': 'AWS::NoValue'}]},"
        "    {'Fn::If': ['Later', {'IpProtocol': 'tcp'}, {'IpProtocol': 'udp'}]}],"
        "   'Tags': [{'Key': 'Name', 'Value': {'Fn::If': ['IsProd', 'web', 'test']}}]}},"
        "  'Tpl': {'Type': 'AWS::EC2::LaunchTemplate', 'Properties': {"
        "   'LaunchTemplateData': {'SecurityGroupIds': [{'Ref': 'Sg'}],"
        "    'MetadataOptions': {'HttpTokens': 'required'}}}},"
        "  'Policy': {'Type': 'AWS::IAM::Policy', 'Properties': {'PolicyDocument': {"
        "   'Statement': [{'Fn::If': ['IsProd', {'Effect': 'Allow', 'Principal': '*'},"
        " {'Ref': 'AWS::NoValue'}]}]}}},"
        "  'Other': {'Type': 'Custom::X', 'Properties': {"
        "   'List': ['a', {'Ref': 'AWS::NoValue'}, {'Fn::Split': [',', 'x,y']}, {'Ref': 'Ports'}],"
        "   'Plain': {'Deep': [1, 2]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);

    /* Element 0 is removed by AWS::NoValue, so ingress[0] is element 1. */
    ck_assert_source(&l, "Sg", "ingress", "/Resources/Sg/Properties/SecurityGroupIngress");
    ck_assert_source(&l, "Sg", "ingress[0]", "/Resources/Sg/Properties/SecurityGroupIngress/1");
    ck_assert_source(&l, "Sg", "ingress[0].protocol",
                     "/Resources/Sg/Properties/SecurityGroupIngress/1/IpProtocol");
    /* A value from Fn::FindInMap maps to the function. */
    ck_assert_source(&l, "Sg", "ingress[0].cidr_blocks[0]",
                     "/Resources/Sg/Properties/SecurityGroupIngress/1/CidrIp");
    /* Two properties wrapped into one list keep their own places. */
    ck_assert_attr(resource(&l, "Sg"), "ingress[0].security_groups", "['sg-1', 'web']");
    ck_assert_source(&l, "Sg", "ingress[0].security_groups[0]",
                     "/Resources/Sg/Properties/SecurityGroupIngress/1/SourceSecurityGroupId");
    ck_assert_source(&l, "Sg", "ingress[0].security_groups[1]",
                     "/Resources/Sg/Properties/SecurityGroupIngress/1/SourceSecurityGroupName");
    /* A decided Fn::If maps to the branch it takes. */
    ck_assert_source(&l, "Sg", "ingress[1]",
                     "/Resources/Sg/Properties/SecurityGroupIngress/2/Fn::If/1");
    ck_assert_source(&l, "Sg", "ingress[1].cidr_blocks[0]",
                     "/Resources/Sg/Properties/SecurityGroupIngress/2/Fn::If/1/CidrIp");
    /* An undecided Fn::If whose branches differ maps to the function. */
    ck_assert(is_unknown(resource(&l, "Sg"), "ingress[2]"));
    ck_assert_source(&l, "Sg", "ingress[2]", "/Resources/Sg/Properties/SecurityGroupIngress/3");
    /* A value from Fn::Sub maps to the function, and a tag to its Value. */
    ck_assert_source(&l, "Sg", "name", "/Resources/Sg/Properties/GroupName");
    ck_assert_source(&l, "Sg", "tags.Name", "/Resources/Sg/Properties/Tags/0/Value/Fn::If/1");
    /* Constants from the table have no place in the template. */
    strbuf none = STRBUF_INIT;
    ck_assert_int_eq(resource_source_of(resource(&l, "Sg"), "description", &none), -1);
    sb_free(&none);

    /* Attributes merged from an inline shape. */
    ck_assert_source(&l, "Tpl", "vpc_security_group_ids[0]",
                     "/Resources/Tpl/Properties/LaunchTemplateData/SecurityGroupIds/0");
    ck_assert_source(&l, "Tpl", "metadata_options[0].http_tokens",
                     "/Resources/Tpl/Properties/LaunchTemplateData/MetadataOptions/HttpTokens");

    /* A policy maps as a whole, with the places below where a function
     * chose the value. */
    ck_assert_source(&l, "Policy", "policy", "/Resources/Policy/Properties/PolicyDocument");
    ck_assert_source(&l, "Policy", "policy.Statement[0].Principal",
                     "/Resources/Policy/Properties/PolicyDocument/Statement/0/Fn::If/1/Principal");

    /* Unmapped types keep their properties, and so their places. */
    ck_assert_source(&l, "Other", "", "/Resources/Other/Properties");
    ck_assert_source(&l, "Other", "Plain.Deep[1]", "/Resources/Other/Properties/Plain/Deep/1");
    ck_assert_source(&l, "Other", "List[0]", "/Resources/Other/Properties/List/0");
    ck_assert_source(&l, "Other", "List[1]", "/Resources/Other/Properties/List/2");
    ck_assert_source(&l, "Other", "List[1][1]", "/Resources/Other/Properties/List/2");
    ck_assert_source(&l, "Other", "List[2][0]", "/Resources/Other/Properties/List/3");

    ck_assert_str_eq(resource(&l, "Sg")->source_pointer, "/Resources/Sg");
    release(&l);
}
END_TEST

/* Errors in mapped properties point at the template value, past removed
 * elements and chosen branches. */
START_TEST(source_map_error_pointers)
{
    loaded l;
    load_template(&l, "{'Conditions': {'C': {'Fn::Equals': [1, 1]}}, 'Resources': {'R': {"
                      " 'Type': 'AWS::EC2::SecurityGroup', 'Properties': {"
                      "  'SecurityGroupIngress': [{'Ref': 'AWS::NoValue'}, {'IpProtocol': 'tcp'},"
                      "   'x']}}}}");
    ck_assert_int_eq(l.rc, SOC2_EFORMAT);
    ck_assert_str_eq(soc2_error_last()->pointer,
                     "/Resources/R/Properties/SecurityGroupIngress/2");
    release(&l);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cfn");
    TCase *detect = tcase_create("detect");
    tcase_add_test(detect, detect_templates);
    tcase_add_test(detect, detect_rejects_other_documents);
    tcase_add_test(detect, detect_through_public_load);
    suite_add_tcase(s, detect);

    TCase *mapping = tcase_create("mapping");
    tcase_add_test(mapping, snake_case_acronyms);
    tcase_add_test(mapping, mapping_table_types);
    tcase_add_test(mapping, map_dynamodb_sse);
    tcase_add_test(mapping, map_flow_log_destination);
    tcase_add_test(mapping, map_compute_security_groups);
    tcase_add_test(mapping, map_security_group_rules);
    tcase_add_test(mapping, map_load_balancers_and_database);
    tcase_add_test(mapping, map_iam_identities_and_policies);
    tcase_add_test(mapping, map_monitoring_resources);
    tcase_add_test(mapping, map_cloudtrail_and_kms);
    tcase_add_test(mapping, map_storage_and_queues);
    tcase_add_test(mapping, map_unknown_types_kept);
    suite_add_tcase(s, mapping);

    TCase *corpus = tcase_create("corpus");
    tcase_add_test(corpus, ecs_public_lb_group_ingress);
    tcase_add_test(corpus, ecs_ingress_rule_group_ref);
    tcase_add_test(corpus, ecs_load_balancer_groups);
    tcase_add_test(corpus, ecs_mappings_and_parameters);
    tcase_add_test(corpus, ecs_role_inline_policy);
    tcase_add_test(corpus, ecs_unmapped_types_kept);
    tcase_add_test(corpus, webapp_bucket_blocks);
    tcase_add_test(corpus, webapp_bucket_policy);
    tcase_add_test(corpus, webapp_table_and_role_policy);
    tcase_add_test(corpus, nag_ipv6_spellings_kept);
    tcase_add_test(corpus, nag_queue_policies_as_written);
    tcase_add_test(corpus, checkov_encryption_variants);
    tcase_add_test(corpus, generated_500_resources);
    tcase_add_test(corpus, allocation_failures_reported);
    suite_add_tcase(s, corpus);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, error_template_without_resources);
    tcase_add_test(errors, error_structure_pointers);
    tcase_add_test(errors, error_invalid_logical_ids);
    tcase_add_test(errors, error_block_property_not_object);
    suite_add_tcase(s, errors);

    TCase *sources = tcase_create("source_map");
    tcase_add_test(sources, source_map_follows_functions);
    tcase_add_test(sources, source_map_error_pointers);
    suite_add_tcase(s, sources);
    return s;
}
