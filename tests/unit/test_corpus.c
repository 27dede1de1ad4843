/* Scans the real public inputs bundled in tests/data (each folder's README
 * gives the source and license) and checks, resource by resource, the
 * findings a careful reviewer expects. For every (file, rule) pair listed,
 * the list is complete: a finding of that rule on another resource fails
 * the test too. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include <soc2/soc2.h>

typedef struct expectation {
    const char *file;
    const char *rule;
    const char *resource;
    soc2_finding_status status;
    const char *path;     /* NULL: any */
    const char *evidence; /* NULL: any; "": none */
} expectation;

#define ECS "cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json"
#define WEBAPP "cloudformation/aws-cloudformation-templates/solutions-webapp.json"
#define IPV6 "cloudformation/cfn_nag/ipv6-security-groups-open-to-world.json"
#define SQS "cloudformation/cfn_nag/sqs-queue-policies-with-wildcards.json"
#define VARIANTS "cloudformation/checkov/cfn-encryption-variants.json"
#define TERRAGOAT "terraform/checkov/terragoat-plan-tf0.12.json"
#define FOR_EACH "terraform/checkov/for-each-modules-open-sg-plan-tf1.9.json"
#define ALB "terraform/terraform-compliance-cli/alb-asg-sg-iam-plan-tf0.12.json"

#define PASS SOC2_FINDING_PASS
#define FAIL SOC2_FINDING_FAIL

static const expectation expected[] = {
    /* AWS's ECS sample: the public load balancer's group allows all traffic
     * from 0.0.0.0/0. It is attached only to the load balancer, so port 80
     * passes, but SSH and RDP are open too and fail. The other groups only
     * admit traffic from other groups. */
    {ECS, "aws-ec2-no-public-ingress-ssh", "PublicLoadBalancerSG", FAIL,
     "ingress[0]", ""},
    {ECS, "aws-ec2-no-public-ingress-ssh", "EcsHostSecurityGroup", PASS, NULL, NULL},
    {ECS, "aws-ec2-no-public-ingress-ssh", "PrivateLoadBalancerSG", PASS, NULL, NULL},
    {ECS, "aws-ec2-no-public-ingress-rdp", "PublicLoadBalancerSG", FAIL, NULL, ""},
    {ECS, "aws-ec2-no-public-ingress-rdp", "EcsHostSecurityGroup", PASS, NULL, NULL},
    {ECS, "aws-ec2-no-public-ingress-rdp", "PrivateLoadBalancerSG", PASS, NULL, NULL},
    {ECS, "aws-ec2-no-public-ingress-http", "PublicLoadBalancerSG", PASS, NULL,
     "PublicLoadBalancer"},
    {ECS, "aws-ec2-no-public-ingress-http", "EcsHostSecurityGroup", PASS, NULL, NULL},
    {ECS, "aws-ec2-no-public-ingress-http", "PrivateLoadBalancerSG", PASS, NULL, NULL},
    {ECS, "aws-vpc-flow-logs-enabled", "VPC", FAIL, "", ""},
    {ECS, "aws-iam-no-admin-policy", "AutoscalingRole", PASS, NULL, NULL},
    {ECS, "aws-iam-no-admin-policy", "EC2Role", PASS, NULL, NULL},
    {ECS, "aws-iam-no-admin-policy", "ECSRole", PASS, NULL, NULL},
    {ECS, "aws-cloudtrail-multi-region-trail", "account", FAIL, "", ""},

    /* The web application sample: six buckets, each with a bucket policy
     * that denies insecure transport to {"AWS": "*"} on "s3:*" (a Deny is
     * never public and never grants all actions) and allows one AWS service
     * pinned by aws:SourceArn or aws:SourceAccount. The policies name their
     * buckets by the same Fn::Sub expression as the buckets' BucketName, so
     * they fold onto them. The table has no SSESpecification. */
    {WEBAPP, "aws-dynamodb-table-cmk", "TestTable", FAIL, "server_side_encryption[0].enabled",
     ""},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteContentBucket", PASS, NULL,
     "SiteContentBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteContentLogBucket", PASS, NULL,
     "SiteContentLogBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteContentReplicaBucket", PASS, NULL,
     "SiteContentReplicaBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteCloudFrontLogsBucket", PASS, NULL,
     "SiteCloudFrontLogsBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteCloudFrontLogsLogBucket", PASS,
     NULL, "SiteCloudFrontLogsLogBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-public-principal", "SiteCloudFrontLogsReplicaBucket", PASS,
     NULL, "SiteCloudFrontLogsReplicaBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteContentBucket", PASS, NULL,
     "SiteContentBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteContentLogBucket", PASS, NULL,
     "SiteContentLogBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteContentReplicaBucket", PASS, NULL,
     "SiteContentReplicaBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteCloudFrontLogsBucket", PASS, NULL,
     "SiteCloudFrontLogsBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteCloudFrontLogsLogBucket", PASS,
     NULL, "SiteCloudFrontLogsLogBucketAccessPolicy"},
    {WEBAPP, "aws-s3-bucket-policy-no-wildcard-action", "SiteCloudFrontLogsReplicaBucket", PASS,
     NULL, "SiteCloudFrontLogsReplicaBucketAccessPolicy"},
    {WEBAPP, "aws-iam-no-admin-policy", "TestResourceHandlerPolicy", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "SiteContentReplicationPolicy", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "SiteContentReplicationRole", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "SiteCloudFrontLogsReplicationPolicy", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "SiteCloudFrontLogsReplicationRole", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "TestResourceHandlerRole", PASS, NULL, NULL},
    {WEBAPP, "aws-iam-no-admin-policy", "JwtResourceHandlerRole", PASS, NULL, NULL},

    /* cfn_nag: SSH over IPv6 from ::/0 in three spellings fails; a real
     * prefix (2001:800::/21) passes. */
    {IPV6, "aws-ec2-no-public-ingress-ssh", "InstanceSecurityGroup", FAIL,
     "ingress[0]", ""},
    {IPV6, "aws-ec2-no-public-ingress-ssh", "InstanceSecurityGroup2", FAIL,
     "ingress[0]", ""},
    {IPV6, "aws-ec2-no-public-ingress-ssh", "InstanceSecurityGroup3", FAIL,
     "ingress[0]", ""},
    {IPV6, "aws-ec2-no-public-ingress-ssh", "InstanceSecurityGroup4", PASS, NULL, NULL},
    {IPV6, "aws-ec2-no-public-ingress-rdp", "InstanceSecurityGroup", PASS, NULL, NULL},
    {IPV6, "aws-ec2-no-public-ingress-rdp", "InstanceSecurityGroup2", PASS, NULL, NULL},
    {IPV6, "aws-ec2-no-public-ingress-rdp", "InstanceSecurityGroup3", PASS, NULL, NULL},
    {IPV6, "aws-ec2-no-public-ingress-rdp", "InstanceSecurityGroup4", PASS, NULL, NULL},

    /* cfn_nag: queue1* allow "sqs:*" or "*" (one to a named user), queue2*
     * allow any principal in three spellings, one with Statement as a
     * single object. Each finding points into the folded queue policy. */
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue1", FAIL,
     "policy.Statement[0].Action", "mysqspolicy1"},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue1b", FAIL, NULL, "mysqspolicy1b"},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue1c", FAIL, NULL, "mysqspolicy1c"},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue1d", FAIL, NULL, "mysqspolicy1d"},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue2", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue2b", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-wildcard-action", "queue2c", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue1", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue1b", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue1c", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue1d", PASS, NULL, NULL},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue2", FAIL,
     "policy.Statement[0].Principal", "mysqspolicy2"},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue2b", FAIL,
     "policy.Statement[0].Principal", "mysqspolicy2b"},
    {SQS, "aws-sqs-queue-policy-no-public-principal", "queue2c", FAIL,
     "policy.Statement.Principal", "mysqspolicy2c"},

    /* Checkov's encryption variants: "Encrypted..." names follow Checkov's
     * own checks, which count the AWS managed key. A log group without
     * KmsKeyId and a table with SSEEnabled but no KMSMasterKeyId use AWS
     * keys, so they fail the customer-managed key rules. */
    {VARIANTS, "aws-logs-group-cmk", "EncryptedLogsLogGroup", FAIL, "kms_key_id", ""},
    {VARIANTS, "aws-logs-group-cmk", "EncryptedLogsLogGroup2", PASS, NULL, NULL},
    {VARIANTS, "aws-dynamodb-table-cmk", "EncryptedDynamoDBTable", FAIL,
     "server_side_encryption[0].kms_key_arn", ""},
    {VARIANTS, "aws-dynamodb-table-cmk", "EncryptedDynamoDBTable2", FAIL,
     "server_side_encryption[0].enabled", ""},
    {VARIANTS, "aws-cloudtrail-kms-encryption", "EncryptedCloudTrailTrail", PASS, NULL, NULL},
    {VARIANTS, "aws-cloudtrail-kms-encryption", "UnencryptedCloudTrailTrail", FAIL,
     "kms_key_id", ""},
    {VARIANTS, "aws-cloudtrail-log-file-validation", "EncryptedCloudTrailTrail", FAIL, NULL, ""},
    {VARIANTS, "aws-cloudtrail-log-file-validation", "UnencryptedCloudTrailTrail", FAIL, NULL,
     ""},
    {VARIANTS, "aws-cloudtrail-cloudwatch-delivery", "EncryptedCloudTrailTrail", FAIL, NULL, ""},
    {VARIANTS, "aws-cloudtrail-cloudwatch-delivery", "UnencryptedCloudTrailTrail", FAIL, NULL,
     ""},
    {VARIANTS, "aws-cloudtrail-multi-region-trail", "account", FAIL, "is_multi_region_trail",
     "EncryptedCloudTrailTrail"},

    /* TerraGoat: web-node opens 22 and 80 to the world on instances; the
     * default group gets a rule from aws_security_group_rule.ingress with a
     * private source. eks_vpc has no flow log; web_vpc has one with ALL.
     * The IAM policies grant service wildcards (s3:*, ec2:*), not "*". */
    {TERRAGOAT, "aws-ec2-no-public-ingress-ssh", "aws_security_group.web-node", FAIL,
     "ingress[0]", ""},
    {TERRAGOAT, "aws-ec2-no-public-ingress-ssh", "aws_security_group.default", PASS, NULL,
     NULL},
    {TERRAGOAT, "aws-ec2-no-public-ingress-http", "aws_security_group.web-node", FAIL,
     "ingress[1]", ""},
    {TERRAGOAT, "aws-ec2-no-public-ingress-http", "aws_security_group.default", PASS, NULL,
     NULL},
    {TERRAGOAT, "aws-ec2-no-public-ingress-rdp", "aws_security_group.web-node", PASS, NULL,
     NULL},
    {TERRAGOAT, "aws-ec2-no-public-ingress-rdp", "aws_security_group.default", PASS, NULL,
     NULL},
    {TERRAGOAT, "aws-vpc-flow-logs-enabled", "aws_vpc.eks_vpc", FAIL, "", ""},
    {TERRAGOAT, "aws-vpc-flow-logs-enabled", "aws_vpc.web_vpc", PASS, "traffic_type",
     "aws_flow_log.vpcflowlogs"},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_role_policy.ec2policy", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_user_policy.userpolicy", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_role.ec2role", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_role.iam_for_eks", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_role.iam_for_lambda", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy", "aws_iam_user.user", PASS, NULL, NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy",
     "aws_iam_role_policy_attachment.policy_attachment-AmazonEKSClusterPolicy", PASS, NULL,
     NULL},
    {TERRAGOAT, "aws-iam-no-admin-policy",
     "aws_iam_role_policy_attachment.policy_attachment-AmazonEKSServicePolicy", PASS, NULL,
     NULL},

    /* Checkov's for_each module: each instance of module.sg makes a group
     * open to the world on all ports. */
    {FOR_EACH, "aws-ec2-no-public-ingress-ssh", "module.sg[\"awful_example\"].aws_security_group.bad",
     FAIL, NULL, ""},
    {FOR_EACH, "aws-ec2-no-public-ingress-ssh", "module.sg[\"bad_example\"].aws_security_group.bad",
     FAIL, NULL, ""},
    {FOR_EACH, "aws-ec2-no-public-ingress-ssh",
     "module.sg[\"terrible_example\"].aws_security_group.bad", FAIL, NULL, ""},

    /* terraform-compliance: a plan over existing infrastructure where every
     * ingress source is private or another group. */
    {ALB, "aws-ec2-no-public-ingress-ssh", "aws_security_group.lambda_sg", PASS, NULL, NULL},
    {ALB, "aws-ec2-no-public-ingress-ssh", "module.alb.aws_security_group.alb", PASS, NULL,
     NULL},
    {ALB, "aws-ec2-no-public-ingress-ssh", "module.myapp-asg.aws_security_group.sg_asg", PASS,
     NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "aws_iam_role.instance_role", PASS, NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "aws_iam_role.lambda_role", PASS, NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "aws_iam_role_policy.lambda_role_policy", PASS, NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "aws_iam_role_policy.myapp_instance_role_policy", PASS,
     NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "aws_iam_role_policy_attachment.systems-manager-role", PASS,
     NULL, NULL},
    {ALB, "aws-iam-no-admin-policy", "module.myapp-asg.module.iam.aws_iam_role.role", PASS, NULL,
     NULL},
    {ALB, "aws-iam-no-admin-policy",
     "module.myapp-asg.module.iam.aws_iam_role_policy_attachment.systems-manager-role", PASS,
     NULL, NULL},
};

#define EXPECTED_COUNT (sizeof(expected) / sizeof(expected[0]))

static int listed(const char *file, const char *rule, const char *resource)
{
    for (size_t i = 0; i < EXPECTED_COUNT; i++)
        if (strcmp(expected[i].file, file) == 0 && strcmp(expected[i].rule, rule) == 0 &&
            strcmp(expected[i].resource, resource) == 0)
            return 1;
    return 0;
}

static int rule_checked(const char *file, const char *rule)
{
    for (size_t i = 0; i < EXPECTED_COUNT; i++)
        if (strcmp(expected[i].file, file) == 0 && strcmp(expected[i].rule, rule) == 0)
            return 1;
    return 0;
}

static void check_file(const char *file)
{
    soc2_engine *engine;
    soc2_snapshot *snapshot;
    soc2_report *report;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), SOC2_OK);
    ck_assert_msg(soc2_snapshot_load_file(snapshot, data_path(file), SOC2_FORMAT_AUTO) == SOC2_OK,
                  "%s: %s", file, soc2_error_last()->message);
    ck_assert_int_eq(soc2_evaluate(&report, engine, snapshot, NULL), SOC2_OK);

    /* Every expectation is met. */
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        const expectation *e = &expected[i];
        if (strcmp(e->file, file) != 0)
            continue;
        soc2_finding_iterator *it;
        const soc2_finding *f, *found = NULL;
        ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
        while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
            if (strcmp(soc2_finding_rule_id(f), e->rule) == 0 &&
                strcmp(soc2_finding_resource_address(f), e->resource) == 0)
                found = f;
        soc2_finding_iterator_free(it);

        ck_assert_msg(found, "%s: no %s finding on %s", file, e->rule, e->resource);
        const char *evidence = soc2_finding_evidence_resource(found);
        ck_assert_msg(soc2_finding_status_of(found) == e->status,
                      "%s: %s on %s is %s (%s), expected %s", file, e->rule, e->resource,
                      soc2_finding_status_name(soc2_finding_status_of(found)),
                      soc2_finding_message(found), soc2_finding_status_name(e->status));
        if (e->path)
            ck_assert_msg(strcmp(soc2_finding_path(found), e->path) == 0,
                          "%s: %s on %s decided at \"%s\", expected \"%s\"", file, e->rule,
                          e->resource, soc2_finding_path(found), e->path);
        if (e->evidence && !*e->evidence)
            ck_assert_msg(evidence == NULL, "%s: %s on %s names evidence %s", file, e->rule,
                          e->resource, evidence);
        else if (e->evidence)
            ck_assert_msg(evidence && strcmp(evidence, e->evidence) == 0,
                          "%s: %s on %s names evidence %s, expected %s", file, e->rule,
                          e->resource, evidence ? evidence : "(none)", e->evidence);
    }

    /* No finding of a checked rule falls outside the list. */
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (rule_checked(file, soc2_finding_rule_id(f)))
            ck_assert_msg(listed(file, soc2_finding_rule_id(f), soc2_finding_resource_address(f)),
                          "%s: unexpected %s finding on %s (%s)", file, soc2_finding_rule_id(f),
                          soc2_finding_resource_address(f),
                          soc2_finding_status_name(soc2_finding_status_of(f)));
    soc2_finding_iterator_free(it);

    soc2_report_free(report);
    soc2_snapshot_free(snapshot);
    soc2_engine_free(engine);
}

static const char *const files[] = {ECS, WEBAPP, IPV6, SQS, VARIANTS, TERRAGOAT, FOR_EACH, ALB};

START_TEST(corpus_file_findings)
{
    check_file(files[_i]);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("files");
    tcase_add_loop_test(tc, corpus_file_findings, 0, (int)(sizeof(files) / sizeof(files[0])));
    suite_add_tcase(s, tc);
    return s;
}
