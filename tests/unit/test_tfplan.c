/* Unit tests for the Terraform plan adapter: detection, the resources kept
 * and left out, unknown values, references through modules, and errors on
 * malformed plans. Real plans live under tests/data/terraform; small cases
 * are written inline. */
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>
#include <soc2/resource.h>
#include <soc2/snapshot.h>

#include "harness.h"
#include "load/loader.h"
#include "load/tfrefs.h"
#include "model/model.h"
#include "util/strbuf.h"

/* Helpers. */

static soc2_snapshot *new_snapshot(void)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    return s;
}

static soc2_snapshot *load_plan(const char *relative)
{
    soc2_snapshot *s = new_snapshot();
    int rc = soc2_snapshot_load_file(s, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
    return s;
}

/* Loads JSON written with single quotes in place of double quotes, so that
 * inline cases stay readable. A backslash before a quote keeps it escaped. */
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

static const soc2_resource *find(const soc2_snapshot *s, const char *address)
{
    const soc2_resource *r = NULL;
    int rc = soc2_snapshot_find_resource(&r, s, address);
    ck_assert_msg(rc == SOC2_OK, "resource %s not found", address);
    return r;
}

static int present(const soc2_snapshot *s, const char *address)
{
    const soc2_resource *r;
    return soc2_snapshot_find_resource(&r, s, address) == SOC2_OK;
}

/* Counts the resources the document contains, without the placeholders
 * that folding may add. */
static size_t loaded_count(const soc2_snapshot *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        if (!(s->resources[i]->flags & RESOURCE_PLACEHOLDER))
            n++;
    return n;
}

/* Returns the edge at `path` to `target`, or NULL. */
static const soc2_edge *edge_to(const soc2_resource *r, const char *path, const char *target)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0 &&
            strcmp(r->edges[i].target_address, target) == 0)
            return &r->edges[i];
    return NULL;
}

static size_t edges_at(const soc2_resource *r, const char *path)
{
    size_t n = 0;
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0)
            n++;
    return n;
}

static void assert_resolved_edge(const soc2_snapshot *s, const char *from, const char *path,
                                 const char *target)
{
    const soc2_edge *e = edge_to(find(s, from), path, target);
    ck_assert_msg(e != NULL, "%s has no edge at %s to %s", from, path, target);
    ck_assert_msg(e->target == find(s, target), "edge %s -> %s is not resolved", from, target);
}

/* Asserts a resolved edge whose EDGE_* flags are `flags`. */
static void assert_edge_flags(const soc2_snapshot *s, const char *from, const char *path,
                              const char *target, unsigned flags)
{
    assert_resolved_edge(s, from, path, target);
    const soc2_edge *e = edge_to(find(s, from), path, target);
    ck_assert_msg(e->flags == flags, "edge %s %s -> %s has flags %u, not %u", from, path, target,
                  e->flags, flags);
}

static void assert_unknown(const soc2_snapshot *s, const char *address, const char *path)
{
    const char *value = NULL;
    ck_assert_msg(soc2_resource_get_string(&value, find(s, address), path) == SOC2_EUNKNOWN,
                  "%s %s should be unknown", address, path);
}

static void assert_string(const soc2_snapshot *s, const char *address, const char *path,
                          const char *expected)
{
    const char *value = NULL;
    int rc = soc2_resource_get_string(&value, find(s, address), path);
    ck_assert_msg(rc == SOC2_OK, "%s %s: status %d", address, path, rc);
    ck_assert_str_eq(value, expected);
}

/* Detection. */

START_TEST(detect_accepts_plans)
{
    json_t *plan = json_pack("{s:s, s:[]}", "format_version", "1.2", "resource_changes");
    json_t *planned = json_pack("{s:s, s:{}}", "format_version", "0.1", "planned_values");
    ck_assert(tfplan_detect(plan));
    ck_assert(tfplan_detect(planned));
    json_decref(plan);
    json_decref(planned);
}
END_TEST

START_TEST(detect_rejects_other_json)
{
    const char *others[] = {
        /* terraform show -json of a state */
        "{\"format_version\": \"1.0\", \"terraform_version\": \"1.5.0\", \"values\": "
        "{\"root_module\": {\"resources\": []}}}",
        /* a CloudFormation template */
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": "
        "{\"Type\": \"AWS::S3::Bucket\"}}}",
        "{\"resource_changes\": []}",
        "{\"format_version\": 1, \"resource_changes\": []}",
        "{\"format_version\": \"1.0\"}",
        "[{\"format_version\": \"1.0\", \"resource_changes\": []}]",
        "\"resource_changes\"",
        "{}",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        json_t *root = json_loads(others[i], JSON_DECODE_ANY, NULL);
        ck_assert_ptr_nonnull(root);
        ck_assert_msg(!tfplan_detect(root), "detected as a plan: %s", others[i]);
        json_decref(root);
    }
}
END_TEST

START_TEST(explicit_format_rejects_state)
{
    soc2_snapshot *s = new_snapshot();
    const char *state = "{'format_version': '1.0', 'values': {'root_module': {}}}";
    ck_assert_int_eq(load_quoted(s, state, SOC2_FORMAT_TERRAFORM_PLAN), SOC2_EUNRECOGNIZED);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

/* Real plans. */

START_TEST(for_each_module_instances)
{
    soc2_snapshot *s = load_plan("terraform/checkov/for-each-modules-open-sg-plan-tf1.9.json");
    ck_assert_uint_eq(loaded_count(s), 5);

    static const char *const groups[] = {
        "module.sg[\"awful_example\"].aws_security_group.bad",
        "module.sg[\"bad_example\"].aws_security_group.bad",
        "module.sg[\"terrible_example\"].aws_security_group.bad",
    };
    static const char *const names[] = {"awful_example", "bad_example", "terrible_example"};
    for (size_t i = 0; i < 3; i++) {
        const soc2_resource *sg = find(s, groups[i]);
        ck_assert_str_eq(soc2_resource_type(sg), "aws_security_group");
        ck_assert_str_eq(soc2_resource_source_type(sg), "aws_security_group");
        assert_string(s, groups[i], "name", names[i]);
        assert_string(s, groups[i], "ingress[0].cidr_blocks[0]", "0.0.0.0/0");
        assert_string(s, groups[i], "vpc_id", "vpc-123456abc");
        assert_unknown(s, groups[i], "arn");
        /* vpc_id comes from var.vpc_id, set from a data source: no edge. */
        ck_assert_uint_eq(edges_at(sg, "vpc_id"), 0);
    }

    assert_string(s, "aws_route53_zone.example[\"example.com\"]", "name", "example.com");
    assert_string(s, "aws_route53_zone.example[\"example2.eu\"]", "name", "example2.eu");
    assert_unknown(s, "aws_route53_zone.example[\"example.com\"]", "zone_id");

    ck_assert(!present(s, "data.aws_vpc.sandbox"));
    ck_assert(!present(s, "data.aws_subnet.private"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(nested_modules_count_edges)
{
    soc2_snapshot *s = new_snapshot();
    ck_assert_int_eq(soc2_snapshot_load_file(
                         s, data_path("terraform/checkov/nested-modules-s3-pab-plan-tf1.2.json"),
                         SOC2_FORMAT_TERRAFORM_PLAN),
                     SOC2_OK);
    ck_assert_uint_eq(loaded_count(s), 9);

    const char *block = "module.s3_bucket.aws_s3_bucket_public_access_block.this[0]";
    assert_unknown(s, block, "bucket");
    int value = -1;
    ck_assert_int_eq(soc2_resource_get_bool(&value, find(s, block), "block_public_acls"),
                     SOC2_OK);
    ck_assert_int_eq(value, 0);
    assert_resolved_edge(s, block, "bucket", "module.s3_bucket.aws_s3_bucket.this[0]");
    assert_resolved_edge(s, "module.s3_bucket.aws_s3_bucket_acl.this[0]", "bucket",
                         "module.s3_bucket.aws_s3_bucket.this[0]");

    assert_resolved_edge(s, "aws_s3_bucket_public_access_block.root", "bucket",
                         "aws_s3_bucket.root_bucket");
    assert_resolved_edge(s, "module.s3_module.aws_s3_bucket_public_access_block.module_bucket",
                         "bucket", "module.s3_module.aws_s3_bucket.module_bucket");
    assert_resolved_edge(
        s,
        "module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket",
        "bucket", "module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket");

    /* Each block refers to its own bucket and to no other. */
    ck_assert_uint_eq(edges_at(find(s, block), "bucket"), 1);
    ck_assert_uint_eq(edges_at(find(s, "aws_s3_bucket_public_access_block.root"), "bucket"), 1);
    assert_string(s, "module.s3_bucket.aws_s3_bucket.this[0]", "bucket", "my-s3-bucket");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(three_levels_same_local_name)
{
    soc2_snapshot *s =
        load_plan("terraform/terraform-compliance-cli/three-level-modules-s3-pab-plan-tf0.15.json");
    ck_assert_uint_eq(loaded_count(s), 14);

    const char *first = "module.first_layer.module.second_layer.module.third_layer";
    const char *second = "module.root_layer.module.second_layer.module.third_layer";
    strbuf from = STRBUF_INIT, to = STRBUF_INIT;
    sb_printf(&from, "%s.aws_s3_bucket_public_access_block.test", first);
    sb_printf(&to, "%s.aws_s3_bucket.test", first);
    assert_resolved_edge(s, sb_str(&from), "bucket", sb_str(&to));
    ck_assert_uint_eq(edges_at(find(s, sb_str(&from)), "bucket"), 1);

    sb_reset(&from);
    sb_reset(&to);
    sb_printf(&from, "%s.aws_s3_bucket_public_access_block.test", second);
    sb_printf(&to, "%s.aws_s3_bucket.test", second);
    assert_resolved_edge(s, sb_str(&from), "bucket", sb_str(&to));
    ck_assert_uint_eq(edges_at(find(s, sb_str(&from)), "bucket"), 1);

    assert_resolved_edge(s, "aws_s3_bucket_public_access_block.no_module_boundary", "bucket",
                         "aws_s3_bucket.no_module_boundary");
    assert_resolved_edge(
        s, "module.first_layer.aws_s3_bucket_public_access_block.should_not_fail_first_layer",
        "bucket", "module.first_layer.aws_s3_bucket.should_not_fail_first_layer");
    assert_resolved_edge(
        s, "module.root_layer.aws_s3_bucket_public_access_block.should_not_fail_first_layer",
        "bucket", "module.root_layer.aws_s3_bucket.should_not_fail_first_layer");
    sb_free(&from);
    sb_free(&to);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(outputs_and_variables_two_levels)
{
    soc2_snapshot *s = load_plan("terraform/regula/resource_view_06_tf_v1_0_infra.json");
    ck_assert_uint_eq(loaded_count(s), 7);

    const char *vpc = "module.child1.module.grandchild1.aws_vpc.grandchild";
    static const char *const groups[] = {
        "aws_security_group.parent",
        "module.child2.aws_security_group.child",
        "module.child1.module.grandchild1.aws_security_group.grandchild",
    };
    for (size_t i = 0; i < 3; i++) {
        assert_unknown(s, groups[i], "vpc_id");
        assert_resolved_edge(s, groups[i], "vpc_id", vpc);
        ck_assert_uint_eq(edges_at(find(s, groups[i]), "vpc_id"), 1);
    }
    ck_assert_uint_eq(find(s, "aws_vpc.parent")->edge_count, 0);
    ck_assert_uint_eq(find(s, "module.child2.aws_vpc.child")->edge_count, 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(flow_log_vpc_reference)
{
    soc2_snapshot *s = load_plan("terraform/regula/flow_log_infra.json");
    const char *flow_log = "aws_flow_log.valid_vpc_flow_log";
    assert_unknown(s, flow_log, "vpc_id");
    assert_string(s, flow_log, "traffic_type", "ALL");
    assert_resolved_edge(s, flow_log, "vpc_id", "aws_vpc.valid_vpc");
    ck_assert_ptr_null(edge_to(find(s, flow_log), "vpc_id", "aws_vpc.invalid_vpc"));
    assert_resolved_edge(s, flow_log, "log_destination", "aws_cloudwatch_log_group.example");
    assert_resolved_edge(s, flow_log, "iam_role_arn", "aws_iam_role.example");
    ck_assert_uint_eq(find(s, "aws_vpc.invalid_vpc")->edge_count, 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(flow_log_to_json_lists_reference)
{
    soc2_snapshot *s = load_plan("terraform/regula/flow_log_infra.json");
    char *text = NULL;
    ck_assert_int_eq(soc2_resource_to_json(&text, find(s, "aws_flow_log.valid_vpc_flow_log")),
                     SOC2_OK);
    json_t *doc = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(doc);

    ck_assert(json_is_true(json_object_get(json_object_get(doc, "unknown"), "vpc_id")));
    const json_t *references = json_object_get(doc, "references");
    int found = 0;
    for (size_t i = 0; i < json_array_size(references); i++) {
        const json_t *ref = json_array_get(references, i);
        if (strcmp(json_string_value(json_object_get(ref, "path")), "vpc_id") != 0)
            continue;
        ck_assert_str_eq(json_string_value(json_object_get(ref, "target")), "aws_vpc.valid_vpc");
        ck_assert(json_is_true(json_object_get(ref, "resolved")));
        found++;
    }
    ck_assert_int_eq(found, 1);
    json_decref(doc);
    soc2_free(text);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(log_group_key_reference)
{
    soc2_snapshot *s = load_plan("terraform/regula/resource_view_05_tf_v1_0_infra.json");
    ck_assert_uint_eq(loaded_count(s), 2);
    const char *group = "aws_cloudwatch_log_group.fargate-logs";
    assert_unknown(s, group, "kms_key_id");
    assert_resolved_edge(s, group, "kms_key_id", "aws_kms_key.cloudwatch");
    assert_unknown(s, "aws_kms_key.cloudwatch", "arn");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(existing_infrastructure_plan)
{
    soc2_snapshot *s =
        load_plan("terraform/terraform-compliance-cli/alb-asg-sg-iam-plan-tf0.12.json");
    /* 18 no-op, 4 update and 2 create changes: all kept. */
    ck_assert_uint_eq(loaded_count(s), 24);

    /* no-op: values as they are today. */
    assert_string(s, "aws_iam_role.instance_role", "name",
                  "myapp-sandbox-instance-role-terraform");
    ck_assert_ptr_null(find(s, "aws_iam_role.instance_role")->unknown);
    /* update and create. */
    assert_string(s, "module.alb.aws_alb.alb", "access_logs[0].bucket",
                  "alb-access-logs-us-east-1");
    assert_string(s, "module.myapp-asg.aws_launch_configuration.lc", "instance_type",
                  "t2.medium");
    assert_unknown(s, "module.myapp-asg.aws_launch_configuration.lc", "name");

    ck_assert(!present(s, "data.aws_vpc.default"));
    ck_assert(!present(s, "data.aws_caller_identity.current"));
    ck_assert(!present(s, "module.alb.data.aws_route53_zone.default"));

    /* From the root module into child modules, through module outputs. */
    assert_resolved_edge(s, "aws_security_group_rule.asg-ingress", "security_group_id",
                         "module.myapp-asg.aws_security_group.sg_asg");
    assert_resolved_edge(s, "aws_security_group_rule.asg-ingress", "source_security_group_id",
                         "module.alb.aws_security_group.alb");
    /* Within a module, through a nested module's output. */
    assert_resolved_edge(s, "module.myapp-asg.aws_launch_configuration.lc",
                         "iam_instance_profile",
                         "module.myapp-asg.module.iam.aws_iam_instance_profile.profile");
    /* Through a module input variable set to another module's output. */
    assert_resolved_edge(s, "module.myapp-asg.aws_autoscaling_group.asg", "target_group_arns",
                         "module.alb.aws_alb_target_group.alb");
    /* Nested blocks. */
    assert_resolved_edge(s, "module.alb.aws_alb_listener.alb", "default_action[0].target_group_arn",
                         "module.alb.aws_alb_target_group.alb");
    assert_resolved_edge(s, "module.lambda_TFUpgradeTest.aws_lambda_function.lambda",
                         "vpc_config[0].security_group_ids", "aws_security_group.lambda_sg");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(terragoat_root_module)
{
    soc2_snapshot *s = load_plan("terraform/checkov/terragoat-plan-tf0.12.json");
    ck_assert_uint_eq(loaded_count(s), 55);

    assert_string(s, "aws_s3_bucket.data", "acl", "public-read");
    assert_unknown(s, "aws_s3_bucket.data", "arn");
    int enabled = -1;
    ck_assert_int_eq(soc2_resource_get_bool(&enabled, find(s, "aws_kms_key.logs_key"),
                                            "enable_key_rotation"),
                     SOC2_OK);
    ck_assert_int_eq(enabled, 0);
    ck_assert(present(s, "aws_neptune_cluster_instance.default[0]"));

    assert_resolved_edge(s, "aws_flow_log.vpcflowlogs", "vpc_id", "aws_vpc.web_vpc");
    ck_assert_ptr_null(edge_to(find(s, "aws_flow_log.vpcflowlogs"), "vpc_id", "aws_vpc.eks_vpc"));
    assert_resolved_edge(s, "aws_s3_bucket.logs",
                         "server_side_encryption_configuration[0].rule[0]"
                         ".apply_server_side_encryption_by_default[0].kms_master_key_id",
                         "aws_kms_key.logs_key");
    assert_resolved_edge(s, "aws_s3_bucket.data_science", "logging[0].target_bucket",
                         "aws_s3_bucket.logs");
    assert_resolved_edge(s, "aws_db_subnet_group.default", "subnet_ids", "aws_subnet.web_subnet");
    assert_resolved_edge(s, "aws_db_subnet_group.default", "subnet_ids",
                         "aws_subnet.web_subnet2");
    assert_resolved_edge(s, "aws_eks_cluster.eks_cluster", "vpc_config[0].subnet_ids",
                         "aws_subnet.eks_subnet1");
    assert_resolved_edge(s, "aws_neptune_cluster_instance.default[0]", "cluster_identifier",
                         "aws_neptune_cluster.default");
    soc2_snapshot_free(s);
}
END_TEST

/* Inline cases: which resources are kept. */

START_TEST(actions_decide_what_is_kept)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'aws_vpc.gone', 'mode': 'managed', 'type': 'aws_vpc', 'name': 'gone',"
        "  'change': {'actions': ['delete'], 'before': {'cidr_block': '10.0.0.0/16'},"
        "             'after': null, 'after_unknown': {}}},"
        " {'address': 'aws_vpc.replaced', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['delete', 'create'], 'after': {'cidr_block': '10.1.0.0/16'},"
        "             'after_unknown': {'id': true}}},"
        " {'address': 'aws_vpc.replaced_first', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create', 'delete'], 'after': {'cidr_block': '10.2.0.0/16'}}},"
        " {'address': 'aws_vpc.replaced_first', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'deposed': '00000001', 'change': {'actions': ['delete'], 'after': null}},"
        " {'address': 'aws_vpc.same', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['no-op'], 'after': {'cidr_block': '10.3.0.0/16'}}},"
        " {'address': 'aws_vpc.changed', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['update'], 'after': {'cidr_block': '10.4.0.0/16'},"
        "             'after_unknown': false}},"
        " {'address': 'aws_vpc.forgotten', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['forget'], 'after': null}},"
        " {'address': 'aws_vpc.created_forgotten', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create', 'forget'], 'after': {'cidr_block': '10.5.0.0/16'}}},"
        " {'address': 'data.aws_vpc.read', 'mode': 'data', 'type': 'aws_vpc',"
        "  'change': {'actions': ['read'], 'after': {'cidr_block': '10.9.0.0/16'}}}"
        "]}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);

    ck_assert(!present(s, "aws_vpc.gone"));
    ck_assert(!present(s, "data.aws_vpc.read"));
    assert_string(s, "aws_vpc.replaced", "cidr_block", "10.1.0.0/16");
    assert_unknown(s, "aws_vpc.replaced", "id");
    assert_string(s, "aws_vpc.replaced_first", "cidr_block", "10.2.0.0/16");
    assert_string(s, "aws_vpc.same", "cidr_block", "10.3.0.0/16");
    assert_string(s, "aws_vpc.changed", "cidr_block", "10.4.0.0/16");
    ck_assert_ptr_null(find(s, "aws_vpc.changed")->unknown);

    size_t length = 99;
    ck_assert_int_eq(soc2_resource_get_length(&length, find(s, "aws_vpc.forgotten"), ""),
                     SOC2_OK);
    ck_assert_uint_eq(length, 0);
    assert_string(s, "aws_vpc.created_forgotten", "cidr_block", "10.5.0.0/16");
    ck_assert_uint_eq(loaded_count(s), 6);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(empty_plans_load)
{
    static const char *const plans[] = {
        "{'format_version': '1.2', 'resource_changes': []}",
        "{'format_version': '1.2', 'planned_values': {'root_module': {}},"
        " 'configuration': {'root_module': {}}}",
        "{'format_version': '0.1', 'planned_values': {}}",
    };
    for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
        soc2_snapshot *s = new_snapshot();
        ck_assert_msg(load_quoted(s, plans[i], SOC2_FORMAT_AUTO) == SOC2_OK, "%s: %s", plans[i],
                      soc2_error_last()->message);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
        ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(format_versions_read)
{
    static const char *const versions[] = {"0.1", "0.2", "1.0", "1.2", "1.9", "1.10"};
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        soc2_snapshot *s = new_snapshot();
        json_t *plan = json_pack("{s:s, s:[]}", "format_version", versions[i], "resource_changes");
        char *text = json_dumps(plan, 0);
        ck_assert_ptr_nonnull(text);
        int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "plan.json", SOC2_FORMAT_AUTO);
        ck_assert_msg(rc == SOC2_OK, "format_version %s: %s", versions[i],
                      soc2_error_last()->message);
        free(text);
        json_decref(plan);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(major_version_two_rejected)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan = "{'format_version': '2.0', 'resource_changes': []}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_TERRAFORM_PLAN), SOC2_EUNRECOGNIZED);
    const soc2_error *e = soc2_error_last();
    ck_assert_ptr_nonnull(strstr(e->message, "\"2.0\""));
    ck_assert_ptr_nonnull(strstr(e->message, "major versions 0 and 1"));
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(only_data_sources)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.0', 'resource_changes': ["
        " {'address': 'data.aws_vpc.main', 'mode': 'data', 'type': 'aws_vpc', 'name': 'main',"
        "  'change': {'actions': ['read'], 'after': {'id': 'vpc-1'}}},"
        " {'address': 'module.net.data.aws_subnet.a', 'mode': 'data', 'type': 'aws_subnet',"
        "  'change': {'actions': ['read'], 'after': null}}],"
        " 'configuration': {'root_module': {'resources': ["
        "  {'address': 'data.aws_vpc.main', 'mode': 'data', 'type': 'aws_vpc',"
        "   'expressions': {'id': {'references': ['var.vpc_id']}}}]}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(planned_values_without_changes)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.0', 'planned_values': {'root_module': {"
        "  'resources': ["
        "   {'address': 'aws_vpc.main', 'mode': 'managed', 'type': 'aws_vpc',"
        "    'values': {'cidr_block': '10.0.0.0/16'}},"
        "   {'address': 'data.aws_region.here', 'mode': 'data', 'type': 'aws_region',"
        "    'values': {'name': 'eu-west-1'}}],"
        "  'child_modules': [{'address': 'module.net', 'resources': ["
        "   {'address': 'module.net.aws_subnet.a[0]', 'mode': 'managed', 'type': 'aws_subnet',"
        "    'index': 0, 'values': {'cidr_block': '10.0.1.0/24'}}],"
        "   'child_modules': [{'address': 'module.net.module.deep', 'resources': ["
        "    {'address': 'module.net.module.deep.aws_flow_log.f', 'mode': 'managed',"
        "     'type': 'aws_flow_log', 'values': {'traffic_type': 'REJECT'}}]}]}]}},"
        " 'configuration': {'root_module': {"
        "  'resources': [{'address': 'aws_vpc.main', 'mode': 'managed', 'type': 'aws_vpc',"
        "                 'expressions': {'cidr_block': {'constant_value': '10.0.0.0/16'}}}],"
        "  'module_calls': {'net': {'expressions': {'vpc_id': {'references':"
        "      ['aws_vpc.main.id', 'aws_vpc.main']}},"
        "   'module': {"
        "    'resources': [{'address': 'aws_subnet.a', 'mode': 'managed',"
        "                   'expressions': {'vpc_id': {'references': ['var.vpc_id']}}}],"
        "    'module_calls': {'deep': {'expressions': {'vpc': {'references': ['var.vpc_id']}},"
        "     'module': {'resources': [{'address': 'aws_flow_log.f', 'mode': 'managed',"
        "       'expressions': {'vpc_id': {'references': ['var.vpc']}}}]}}}}}}}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    ck_assert_uint_eq(loaded_count(s), 3);
    ck_assert(!present(s, "data.aws_region.here"));
    assert_string(s, "module.net.aws_subnet.a[0]", "cidr_block", "10.0.1.0/24");
    assert_string(s, "module.net.module.deep.aws_flow_log.f", "traffic_type", "REJECT");
    ck_assert_ptr_null(find(s, "aws_vpc.main")->unknown);

    /* No after_unknown here, so vpc_id is only absent. */
    const char *value;
    ck_assert_int_eq(soc2_resource_get_string(&value, find(s, "module.net.aws_subnet.a[0]"),
                                              "vpc_id"),
                     SOC2_ENOTFOUND);
    assert_resolved_edge(s, "module.net.aws_subnet.a[0]", "vpc_id", "aws_vpc.main");
    assert_resolved_edge(s, "module.net.module.deep.aws_flow_log.f", "vpc_id", "aws_vpc.main");
    soc2_snapshot_free(s);
}
END_TEST

/* Inline cases: unknown values. */

START_TEST(unknown_mask_in_terraform_shapes)
{
    soc2_snapshot *s = new_snapshot();
    /* As terraform show -json writes them: an unknown list element is null
     * in after, an unknown object member is absent (or null), known list
     * elements are false in the mask and known members left out. */
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'aws_security_group.g', 'mode': 'managed', 'type': 'aws_security_group',"
        "  'change': {'actions': ['create'],"
        "   'after': {'name': 'g', 'description': null, 'ingress': [{'from_port': 22,"
        "     'cidr_blocks': [null, '0.0.0.0/0'], 'ipv6_cidr_blocks': []}]},"
        "   'after_unknown': {'id': true, 'description': true, 'ingress': [{"
        "     'cidr_blocks': [true, false], 'ipv6_cidr_blocks': []}]}}},"
        " {'address': 'aws_vpc.v', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': null, 'after_unknown': true}}]}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    const char *group = "aws_security_group.g";
    assert_unknown(s, group, "id");
    assert_unknown(s, group, "description");
    assert_unknown(s, group, "ingress[0].cidr_blocks[0]");
    assert_string(s, group, "ingress[0].cidr_blocks[1]", "0.0.0.0/0");
    assert_string(s, group, "name", "g");
    assert_unknown(s, "aws_vpc.v", "cidr_block");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(contradictory_value_named)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': [\n"
        " {'address': 'aws_vpc.ok', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': {}, 'after_unknown': {'id': true}}},\n"
        " {'address': 'aws_security_group.contra', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'],\n"
        "   'after': {'ingress': [{'cidr_blocks': ['0.0.0.0/0']}]},\n"
        "   'after_unknown': {'ingress': [{'cidr_blocks': [true]}]}}}]}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_EFORMAT);
    const soc2_error *e = soc2_error_last();
    ck_assert_str_eq(e->pointer, "/resource_changes/1/change/after/ingress/0/cidr_blocks/0");
    ck_assert_int_eq(e->line, 4);
    ck_assert_ptr_nonnull(strstr(e->message, "aws_security_group.contra"));
    ck_assert_ptr_nonnull(strstr(e->message, "after_unknown"));
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

/* Inline cases: references. */

START_TEST(nested_block_paths)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.1', 'resource_changes': ["
        " {'address': 'aws_kms_key.k', 'mode': 'managed', 'type': 'aws_kms_key',"
        "  'change': {'actions': ['create'], 'after': {}, 'after_unknown': {'arn': true}}},"
        " {'address': 'aws_dynamodb_table.t', 'mode': 'managed', 'type': 'aws_dynamodb_table',"
        "  'change': {'actions': ['create'],"
        "   'after': {'server_side_encryption': [{'enabled': true}]},"
        "   'after_unknown': {'server_side_encryption': [{'kms_key_arn': true}]}}}],"
        " 'configuration': {'root_module': {'resources': ["
        "  {'address': 'aws_kms_key.k', 'mode': 'managed', 'expressions': {}},"
        "  {'address': 'aws_dynamodb_table.t', 'mode': 'managed', 'expressions': {"
        "   'server_side_encryption': [{'enabled': {'constant_value': true},"
        "     'kms_key_arn': {'references': ['aws_kms_key.k.arn', 'aws_kms_key.k']}}],"
        "   'timeouts': {'create': {'references': ['aws_kms_key.k.id', 'aws_kms_key.k']}},"
        "   'labelled': {'first block': {'key': {'references': ['aws_kms_key.k']}}},"
        "   'empty': {}}}]}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);

    const char *table = "aws_dynamodb_table.t";
    assert_unknown(s, table, "server_side_encryption[0].kms_key_arn");
    assert_resolved_edge(s, table, "server_side_encryption[0].kms_key_arn", "aws_kms_key.k");
    assert_resolved_edge(s, table, "timeouts.create", "aws_kms_key.k");
    assert_resolved_edge(s, table, "labelled[\"first block\"].key", "aws_kms_key.k");
    ck_assert_uint_eq(find(s, table)->edge_count, 3);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(instance_keys_match_referrer)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'aws_vpc.v[0]', 'mode': 'managed', 'type': 'aws_vpc', 'index': 0,"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_vpc.v[1]', 'mode': 'managed', 'type': 'aws_vpc', 'index': 1,"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_subnet.s[0]', 'mode': 'managed', 'type': 'aws_subnet',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_subnet.s[1]', 'mode': 'managed', 'type': 'aws_subnet',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_subnet.s[2]', 'mode': 'managed', 'type': 'aws_subnet',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_flow_log.one', 'mode': 'managed', 'type': 'aws_flow_log',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_flow_log.all', 'mode': 'managed', 'type': 'aws_flow_log',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_vpc.w[\\'a\\']', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_vpc.w[\\'b\\']', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'module.m[\\'b\\'].aws_security_group.g', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'module.m[\\'c\\'].aws_security_group.g', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_lb.front', 'mode': 'managed', 'type': 'aws_lb',"
        "  'change': {'actions': ['create'], 'after': {}}}],"
        " 'configuration': {'root_module': {"
        "  'resources': ["
        "   {'address': 'aws_subnet.s', 'mode': 'managed', 'expressions': {"
        "     'vpc_id': {'references': ['aws_vpc.v']}}},"
        "   {'address': 'aws_flow_log.one', 'mode': 'managed', 'expressions': {"
        "     'vpc_id': {'references': ['aws_vpc.v[1].id', 'aws_vpc.v[1]', 'aws_vpc.v']}}},"
        "   {'address': 'aws_flow_log.all', 'mode': 'managed', 'expressions': {"
        "     'vpc_id': {'references': ['aws_vpc.v']}}},"
        "   {'address': 'aws_lb.front', 'mode': 'managed', 'expressions': {"
        "     'security_groups': {'references': ['module.m.group_id', 'module.m']},"
        "     'subnets': {'references': ['module.m[\\'c\\'].group_id', 'module.m[\\'c\\']',"
        "                                'module.m']}}}],"
        "  'module_calls': {'m': {"
        "   'expressions': {'vpc': {'references': ['aws_vpc.w']}},"
        "   'for_each_expression': {'references': ['local.keys']},"
        "   'module': {"
        "    'outputs': {'group_id': {'expression': {'references':"
        "      ['aws_security_group.g.id', 'aws_security_group.g']}}},"
        "    'resources': [{'address': 'aws_security_group.g', 'mode': 'managed',"
        "     'expressions': {'vpc_id': {'references': ['var.vpc']}}}]}}}}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);

    /* Same index as the referring instance: definite. */
    assert_edge_flags(s, "aws_subnet.s[0]", "vpc_id", "aws_vpc.v[0]", 0);
    ck_assert_uint_eq(edges_at(find(s, "aws_subnet.s[0]"), "vpc_id"), 1);
    assert_edge_flags(s, "aws_subnet.s[1]", "vpc_id", "aws_vpc.v[1]", 0);
    ck_assert_uint_eq(edges_at(find(s, "aws_subnet.s[1]"), "vpc_id"), 1);
    /* No aws_vpc.v[2]: every instance, ambiguous. */
    assert_edge_flags(s, "aws_subnet.s[2]", "vpc_id", "aws_vpc.v[0]", EDGE_AMBIGUOUS);
    assert_edge_flags(s, "aws_subnet.s[2]", "vpc_id", "aws_vpc.v[1]", EDGE_AMBIGUOUS);
    ck_assert_uint_eq(edges_at(find(s, "aws_subnet.s[2]"), "vpc_id"), 2);
    /* Named instance, and the key-less form that comes with it is ignored. */
    assert_edge_flags(s, "aws_flow_log.one", "vpc_id", "aws_vpc.v[1]", 0);
    ck_assert_uint_eq(edges_at(find(s, "aws_flow_log.one"), "vpc_id"), 1);
    /* A referrer without a key refers to every instance, ambiguous. */
    assert_edge_flags(s, "aws_flow_log.all", "vpc_id", "aws_vpc.v[0]", EDGE_AMBIGUOUS);
    assert_edge_flags(s, "aws_flow_log.all", "vpc_id", "aws_vpc.v[1]", EDGE_AMBIGUOUS);

    /* A module instance key stands for each.key in the module call. */
    assert_edge_flags(s, "module.m[\"b\"].aws_security_group.g", "vpc_id", "aws_vpc.w[\"b\"]",
                      0);
    ck_assert_uint_eq(edges_at(find(s, "module.m[\"b\"].aws_security_group.g"), "vpc_id"), 1);
    assert_edge_flags(s, "module.m[\"c\"].aws_security_group.g", "vpc_id", "aws_vpc.w[\"a\"]",
                      EDGE_AMBIGUOUS);
    assert_edge_flags(s, "module.m[\"c\"].aws_security_group.g", "vpc_id", "aws_vpc.w[\"b\"]",
                      EDGE_AMBIGUOUS);
    ck_assert_uint_eq(edges_at(find(s, "module.m[\"c\"].aws_security_group.g"), "vpc_id"), 2);

    /* Outputs of every module instance (ambiguous), or of the named one. */
    assert_edge_flags(s, "aws_lb.front", "security_groups",
                      "module.m[\"b\"].aws_security_group.g", EDGE_AMBIGUOUS);
    assert_edge_flags(s, "aws_lb.front", "security_groups",
                      "module.m[\"c\"].aws_security_group.g", EDGE_AMBIGUOUS);
    assert_edge_flags(s, "aws_lb.front", "subnets", "module.m[\"c\"].aws_security_group.g", 0);
    ck_assert_uint_eq(edges_at(find(s, "aws_lb.front"), "subnets"), 1);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(ambiguous_then_definite_path)
{
    soc2_snapshot *s = new_snapshot();
    /* module.m has instances "b" and "c". The first reference reaches the
     * output of both instances ambiguously. The second names instance "b",
     * so its output is followed again and gives a definite edge. */
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'module.m[\\'b\\'].aws_security_group.g', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'module.m[\\'c\\'].aws_security_group.g', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_lb.front', 'mode': 'managed', 'type': 'aws_lb',"
        "  'change': {'actions': ['create'], 'after': {}}}],"
        " 'configuration': {'root_module': {"
        "  'resources': [{'address': 'aws_lb.front', 'mode': 'managed', 'expressions': {"
        "   'security_groups': {'references': ['module.m.group_id',"
        "                                      'module.m[\\'b\\'].group_id']}}}],"
        "  'module_calls': {'m': {"
        "   'for_each_expression': {'references': ['local.keys']},"
        "   'module': {"
        "    'outputs': {'group_id': {'expression': {'references':"
        "      ['aws_security_group.g.id', 'aws_security_group.g']}}},"
        "    'resources': [{'address': 'aws_security_group.g', 'mode': 'managed',"
        "     'expressions': {}}]}}}}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    assert_edge_flags(s, "aws_lb.front", "security_groups",
                      "module.m[\"b\"].aws_security_group.g", 0);
    assert_edge_flags(s, "aws_lb.front", "security_groups",
                      "module.m[\"c\"].aws_security_group.g", EDGE_AMBIGUOUS);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(one_instance_is_definite)
{
    soc2_snapshot *s = new_snapshot();
    /* aws_vpc.v has a single instance, so `aws_vpc.v[each.value]` can only
     * mean it, although its key differs from the flow log's. */
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'aws_vpc.v[\\'a\\']', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_flow_log.f[\\'x\\']', 'mode': 'managed', 'type': 'aws_flow_log',"
        "  'change': {'actions': ['create'], 'after': {}}}],"
        " 'configuration': {'root_module': {'resources': ["
        "  {'address': 'aws_flow_log.f', 'mode': 'managed', 'expressions': {"
        "   'vpc_id': {'references': ['aws_vpc.v', 'each.value']}}}]}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    assert_edge_flags(s, "aws_flow_log.f[\"x\"]", "vpc_id", "aws_vpc.v[\"a\"]", 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(references_ending_elsewhere)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'aws_instance.i', 'mode': 'managed', 'type': 'aws_instance',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_vpc.gone', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['delete'], 'after': null}}],"
        " 'configuration': {'root_module': {"
        "  'resources': [{'address': 'aws_instance.i', 'mode': 'managed', 'expressions': {"
        "   'a': {'references': ['var.root_input']},"
        "   'b': {'references': ['local.x', 'each.key', 'count.index', 'path.module',"
        "                        'self.id', 'terraform.workspace']},"
        "   'c': {'references': ['data.aws_ami.x.id', 'data.aws_ami.x']},"
        "   'd': {'references': ['module.empty.out', 'module.empty', 'module.missing.out']},"
        "   'e': {'references': ['aws_vpc.gone.id', 'aws_vpc.gone', 'aws_vpc.never']},"
        "   'f': {'references': ['', '.', 'aws_vpc', 'aws_vpc.x[', 'module', 'var', '[0]']},"
        "   'g': {'references': ['aws_instance.i[5]']},"
        "   'h': {'constant_value': null, 'references': []}}}],"
        "  'module_calls': {'empty': {'module': {'outputs': {'out': {'expression': {"
        "   'references': ['data.aws_ami.x.id', 'var.nothing_passed']}}}}}}}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    ck_assert_uint_eq(find(s, "aws_instance.i")->edge_count, 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(variable_cycle_terminates)
{
    soc2_snapshot *s = new_snapshot();
    /* module.a's input `v` is its own output `o`, which is `v` again. The
     * output also names a VPC, which is where the reference ends. */
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': ["
        " {'address': 'module.a.aws_vpc.v', 'mode': 'managed', 'type': 'aws_vpc',"
        "  'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'module.a.aws_security_group.g', 'mode': 'managed',"
        "  'type': 'aws_security_group', 'change': {'actions': ['create'], 'after': {}}},"
        " {'address': 'aws_flow_log.f', 'mode': 'managed', 'type': 'aws_flow_log',"
        "  'change': {'actions': ['create'], 'after': {}}}],"
        " 'configuration': {'root_module': {"
        "  'resources': [{'address': 'aws_flow_log.f', 'mode': 'managed', 'expressions': {"
        "   'vpc_id': {'references': ['module.a.o', 'module.a.p']}}}],"
        "  'module_calls': {'a': {"
        "   'expressions': {'v': {'references': ['module.a.o', 'module.a']}},"
        "   'module': {"
        "    'outputs': {'o': {'expression': {'references': ['var.v', 'aws_vpc.v']}},"
        "                'p': {'expression': {'references': ['module.self_loop.q']}}},"
        "    'resources': [{'address': 'aws_security_group.g', 'mode': 'managed',"
        "      'expressions': {'vpc_id': {'references': ['var.v']}}}],"
        "    'module_calls': {'self_loop': {"
        "     'expressions': {'w': {'references': ['module.self_loop.q']}},"
        "     'module': {'outputs': {'q': {'expression': {'references': ['var.w']}}}}}}}}}}}}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_OK);
    assert_resolved_edge(s, "module.a.aws_security_group.g", "vpc_id", "module.a.aws_vpc.v");
    ck_assert_uint_eq(find(s, "module.a.aws_security_group.g")->edge_count, 1);
    assert_resolved_edge(s, "aws_flow_log.f", "vpc_id", "module.a.aws_vpc.v");
    ck_assert_uint_eq(find(s, "aws_flow_log.f")->edge_count, 1);
    soc2_snapshot_free(s);
}
END_TEST

/* Builds a plan whose resource sits `levels` modules deep and takes its
 * vpc_id through one input variable per level from a VPC in the root. */
static char *deep_plan(int levels)
{
    strbuf address = STRBUF_INIT;
    for (int i = 0; i < levels; i++)
        sb_puts(&address, "module.m.");
    sb_puts(&address, "aws_security_group.deep");

    json_t *module = json_pack(
        "{s:[{s:s, s:s, s:{s:{s:[s]}}}]}", "resources", "address", "aws_security_group.deep",
        "mode", "managed", "expressions", "vpc_id", "references", "var.x");
    for (int i = 0; i < levels; i++) {
        const char *passed = i + 1 == levels ? "aws_vpc.top" : "var.x";
        module = json_pack("{s:{s:{s:{s:{s:[s]}}, s:o}}}", "module_calls", "m", "expressions",
                           "x", "references", passed, "module", module);
    }
    json_object_set_new(module, "resources",
                        json_pack("[{s:s, s:s, s:{}}]", "address", "aws_vpc.top", "mode",
                                  "managed", "expressions"));

    json_t *plan = json_pack(
        "{s:s, s:[{s:s, s:s, s:s, s:{s:[s], s:{}}}, {s:s, s:s, s:s, s:{s:[s], s:{}}}],"
        " s:{s:o}}",
        "format_version", "1.2", "resource_changes", "address", "aws_vpc.top", "mode",
        "managed", "type", "aws_vpc", "change", "actions", "create", "after", "address",
        sb_str(&address), "mode", "managed", "type", "aws_security_group", "change", "actions",
        "create", "after", "configuration", "root_module", module);
    ck_assert_ptr_nonnull(plan);
    char *text = json_dumps(plan, 0);
    json_decref(plan);
    sb_free(&address);
    return text;
}

START_TEST(variables_through_many_levels)
{
    char *text = deep_plan(12);
    soc2_snapshot *s = new_snapshot();
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, strlen(text), "deep.json",
                                               SOC2_FORMAT_AUTO),
                     SOC2_OK);
    strbuf address = STRBUF_INIT;
    for (int i = 0; i < 12; i++)
        sb_puts(&address, "module.m.");
    sb_puts(&address, "aws_security_group.deep");
    assert_resolved_edge(s, sb_str(&address), "vpc_id", "aws_vpc.top");
    sb_free(&address);
    soc2_snapshot_free(s);
    free(text);
}
END_TEST

START_TEST(reference_depth_is_bounded)
{
    char *text = deep_plan(TFREFS_MAX_DEPTH + 6);
    soc2_snapshot *s = new_snapshot();
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, text, strlen(text), "deep.json",
                                               SOC2_FORMAT_AUTO),
                     SOC2_ELIMIT);
    /* The pointer names the vpc_id expression of the innermost module, but
     * the last error keeps only its first 511 bytes. */
    const soc2_error *e = soc2_error_last();
    ck_assert_ptr_nonnull(e->pointer);
    const char *start = "/configuration/root_module/module_calls/m/module/module_calls/m/";
    ck_assert(strncmp(e->pointer, start, strlen(start)) == 0);
    ck_assert_int_gt(e->line, 0);
    ck_assert_ptr_nonnull(strstr(e->message, "module variables and outputs"));
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
    free(text);
}
END_TEST

/* Inline cases: malformed plans. */

typedef struct bad_case {
    const char *plan;
    int code;
    const char *pointer;
} bad_case;

static const bad_case bad_cases[] = {
    {"{'format_version': '1.2',\n 'resource_changes': {'address': 'x'}}", SOC2_EFORMAT,
     "/resource_changes"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  42]}", SOC2_EFORMAT,
     "/resource_changes/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'mode': "
     "'managed',\n   'change': {'actions': ['create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'type': 'aws_vpc', 'mode': "
     "'managed',\n   'change': {'actions': ['create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 7, 'type': 'aws_vpc',\n"
     "   'change': {'actions': ['create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/address"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': 'oops'}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'], 'after': {},\n    'after_unknown': "
     "'x'}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after_unknown"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': 'create', 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create', 3], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions/1"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc'}]}",
     SOC2_EFORMAT, "/resource_changes/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc', 'mode': 'ephemeral',\n   'change': {'actions': ['create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/mode"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'not an address', "
     "'type': 'aws_vpc',\n   'change': {'actions': ['create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/address"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'], 'after': {}}},\n  {'address': "
     "'aws_vpc.v', 'type': 'aws_vpc',\n   'change': {'actions': ['update'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/1/address"},
    {"{'format_version': '1.2',\n 'planned_values': {'root_module': {'resources': [\n  "
     "{'address': 'aws_vpc.v', 'type': 'aws_vpc', 'values': []}]}}}",
     SOC2_EFORMAT, "/planned_values/root_module/resources/0/values"},
    {"{'format_version': '1.2',\n 'planned_values': {'root_module': {'child_modules': [\n  "
     "true]}}}",
     SOC2_EFORMAT, "/planned_values/root_module/child_modules/0"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': 'none'}",
     SOC2_EFORMAT, "/configuration"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'resources': {}}}}",
     SOC2_EFORMAT, "/configuration/root_module/resources"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'resources': [\n  {'address': 'aws_vpc.v', 'expressions': {'cidr_block': 5}}]}}}",
     SOC2_EFORMAT, "/configuration/root_module/resources/0/expressions/cidr_block"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'resources': [\n  {'address': 'aws_vpc.v', 'expressions': {'tags': {'references': "
     "[1]}}}]}}}",
     SOC2_EFORMAT, "/configuration/root_module/resources/0/expressions/tags/references/0"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'resources': [\n  {'address': 'aws_vpc.v', 'expressions': {'ingress': [7]}}]}}}",
     SOC2_EFORMAT, "/configuration/root_module/resources/0/expressions/ingress/0"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'module_calls': {'net': {'module': []}}}}}",
     SOC2_EFORMAT, "/configuration/root_module/module_calls/net/module"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'module_calls': {'net': {'expressions': {'vpc': {'references': 'var.x'}}}}}}}",
     SOC2_EFORMAT, "/configuration/root_module/module_calls/net/expressions/vpc/references"},
    {"{'format_version': '1.2', 'resource_changes': [],\n 'configuration': {'root_module': "
     "{'outputs': {'id': {'expression': []}}}}}",
     SOC2_EFORMAT, "/configuration/root_module/outputs/id/expression"},
    /* Format versions. */
    {"{'format_version': '2.0',\n 'resource_changes': []}", SOC2_EUNRECOGNIZED,
     "/format_version"},
    {"{'format_version': '10.1',\n 'resource_changes': []}", SOC2_EUNRECOGNIZED,
     "/format_version"},
    {"{'format_version': '1',\n 'resource_changes': []}", SOC2_EFORMAT, "/format_version"},
    {"{'format_version': '1.2.0',\n 'resource_changes': []}", SOC2_EFORMAT, "/format_version"},
    {"{'format_version': 'v1.2',\n 'resource_changes': []}", SOC2_EFORMAT, "/format_version"},
    {"{'format_version': '1.',\n 'resource_changes': []}", SOC2_EFORMAT, "/format_version"},
    /* Actions and deposed objects. */
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': [], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['delete', 'replace'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions/1"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['Create'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'data.aws_vpc.v', "
     "'mode': 'data', 'type': 'aws_vpc',\n   'change': {'actions': ['refresh'], 'after': {}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/actions/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc', 'deposed': 1,\n   'change': {'actions': ['delete'], 'after': null}}]}",
     SOC2_EFORMAT, "/resource_changes/0/deposed"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc', 'deposed': {},\n   'change': {'actions': ['delete'], 'after': null}}]}",
     SOC2_EFORMAT, "/resource_changes/0/deposed"},
    /* A value in after where after_unknown marks it unknown, or shapes that
     * differ. */
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_security_group.g',"
     " 'type': 'aws_security_group',\n   'change': {'actions': ['create'],\n"
     "    'after': {'ingress': [{'cidr_blocks': ['0.0.0.0/0']}]},\n"
     "    'after_unknown': {'ingress': [{'cidr_blocks': [true]}]}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/ingress/0/cidr_blocks/0"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_security_group.g',"
     " 'type': 'aws_security_group',\n   'change': {'actions': ['create'],\n"
     "    'after': {'ingress': [{'cidr_blocks': ['0.0.0.0/0']}]},\n"
     "    'after_unknown': {'ingress': [{'cidr_blocks': true}]}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/ingress/0/cidr_blocks"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'cidr_block': "
     "'10.0.0.0/16'},\n    'after_unknown': {'cidr_block': true}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/cidr_block"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'tags': {}},\n"
     "    'after_unknown': {'tags': true}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/tags"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'cidr_block': "
     "'10.0.0.0/16'},\n    'after_unknown': true}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'tags': {'a': 'b'}},\n"
     "    'after_unknown': {'tags': [true]}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/tags"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'cidr_block': "
     "'10.0.0.0/16'},\n    'after_unknown': {'id': 'yes'}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after_unknown/id"},
    {"{'format_version': '1.2',\n 'resource_changes': [\n  {'address': 'aws_vpc.v', 'type': "
     "'aws_vpc',\n   'change': {'actions': ['create'],\n    'after': {'a/b~c': 1},\n"
     "    'after_unknown': {'a/b~c': true}}}]}",
     SOC2_EFORMAT, "/resource_changes/0/change/after/a~1b~0c"},
};

START_TEST(malformed_plan_names_place)
{
    const bad_case *c = &bad_cases[_i];
    soc2_snapshot *s = new_snapshot();
    int rc = load_quoted(s, c->plan, SOC2_FORMAT_AUTO);
    const soc2_error *e = soc2_error_last();
    ck_assert_msg(rc == c->code, "case %d: status %d (%s)", _i, rc, e->message);
    ck_assert_ptr_nonnull(e->pointer);
    ck_assert_str_eq(e->pointer, c->pointer);
    ck_assert_str_eq(e->file, "case.json");
    ck_assert_int_gt(e->line, 0);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(changes_not_list_line)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan = "{'format_version': '1.2',\n\n 'resource_changes': 'none'}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_EFORMAT);
    const soc2_error *e = soc2_error_last();
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/resource_changes");
    ck_assert_int_eq(e->line, 3);
    ck_assert_ptr_nonnull(strstr(e->message, "resource_changes"));
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(failed_load_keeps_snapshot)
{
    soc2_snapshot *s = load_plan("terraform/regula/resource_view_05_tf_v1_0_infra.json");
    size_t before = soc2_snapshot_resource_count(s);
    const char *plan =
        "{'format_version': '1.2', 'resource_changes': [\n"
        " {'address': 'aws_vpc.ok', 'type': 'aws_vpc', 'change': {'actions': ['create'],"
        "  'after': {}}},\n"
        " {'address': 'aws_vpc.bad', 'change': {'actions': ['create'], 'after': {}}}]}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_AUTO), SOC2_EFORMAT);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), before);
    ck_assert(!present(s, "aws_vpc.ok"));
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    soc2_snapshot_free(s);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("tfplan");

    TCase *detect = tcase_create("detect");
    tcase_add_test(detect, detect_accepts_plans);
    tcase_add_test(detect, detect_rejects_other_json);
    tcase_add_test(detect, explicit_format_rejects_state);
    suite_add_tcase(suite, detect);

    TCase *real = tcase_create("real plans");
    tcase_add_test(real, for_each_module_instances);
    tcase_add_test(real, nested_modules_count_edges);
    tcase_add_test(real, three_levels_same_local_name);
    tcase_add_test(real, outputs_and_variables_two_levels);
    tcase_add_test(real, flow_log_vpc_reference);
    tcase_add_test(real, flow_log_to_json_lists_reference);
    tcase_add_test(real, log_group_key_reference);
    tcase_add_test(real, existing_infrastructure_plan);
    tcase_add_test(real, terragoat_root_module);
    suite_add_tcase(suite, real);

    TCase *kept = tcase_create("kept resources");
    tcase_add_test(kept, actions_decide_what_is_kept);
    tcase_add_test(kept, empty_plans_load);
    tcase_add_test(kept, only_data_sources);
    tcase_add_test(kept, planned_values_without_changes);
    tcase_add_test(kept, format_versions_read);
    suite_add_tcase(suite, kept);

    TCase *unknowns = tcase_create("unknown values");
    tcase_add_test(unknowns, unknown_mask_in_terraform_shapes);
    tcase_add_test(unknowns, contradictory_value_named);
    suite_add_tcase(suite, unknowns);

    TCase *refs = tcase_create("references");
    tcase_add_test(refs, nested_block_paths);
    tcase_add_test(refs, instance_keys_match_referrer);
    tcase_add_test(refs, ambiguous_then_definite_path);
    tcase_add_test(refs, one_instance_is_definite);
    tcase_add_test(refs, references_ending_elsewhere);
    tcase_add_test(refs, variable_cycle_terminates);
    tcase_add_test(refs, variables_through_many_levels);
    tcase_add_test(refs, reference_depth_is_bounded);
    suite_add_tcase(suite, refs);

    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, malformed_plan_names_place, 0,
                        (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
    tcase_add_test(errors, changes_not_list_line);
    tcase_add_test(errors, major_version_two_rejected);
    tcase_add_test(errors, failed_load_keeps_snapshot);
    suite_add_tcase(suite, errors);
    return suite;
}
