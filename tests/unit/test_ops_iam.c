/* Unit tests for the IAM operators (iam_admin, iam_public_principal,
 * iam_wildcard_action) and the policy model under them, on real policies
 * from tests/data/iam and on hand-written edge cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include <soc2/soc2.h>
#include "model/cursor.h"
#include "model/model.h"
#include "rules/iam_policy.h"
#include "rules/ops.h"
#include "util/path.h"
#include "util/strbuf.h"

static soc2_snapshot *snapshot;
static soc2_resource *target; /* what references in the tests point at */

static void setup(void)
{
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), 0);
    target = resource_new(snapshot, "aws_iam_role.target", "aws_iam_role", NULL, NULL, NULL);
    ck_assert_ptr_nonnull(target);
}

static void teardown(void)
{
    resource_free(target);
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

/* Makes a resource whose "policy" is `policy` (stolen), with `unknown`
 * paths marked unknown and `references` paths marked unknown and
 * recorded as references to `target`. Either list may be NULL and ends
 * with NULL. */
static soc2_resource *policy_resource(json_t *policy, const char *const *unknown,
                                      const char *const *references)
{
    json_t *attrs = json_object();
    json_object_set_new(attrs, "policy", policy);
    json_t *mask = NULL;
    for (size_t i = 0; unknown && unknown[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, unknown[i]), 0);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, references[i]), 0);

    soc2_resource *r = resource_new(snapshot, "aws_iam_policy.test", "aws_iam_policy", NULL,
                                    attrs, mask);
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(resource_add_edge(r, references[i], target->address, target), 0);
    return r;
}

/* Compiles `op` with the condition members in `params` (JSON text, NULL
 * for none) and evaluates it on the attribute `attribute` of `r`. */
static tv run_op(const domain_op *op, const char *params, const soc2_resource *r,
                 const char *attribute, eval_result *out)
{
    json_error_t error;
    json_t *spec = json_loads(params ? params : "{}", 0, &error);
    ck_assert_msg(spec != NULL, "test params are not JSON: %s", error.text);

    void *state = NULL;
    strbuf message = STRBUF_INIT;
    ck_assert_msg(op->compile(&state, spec, &message) == 0, "compile failed: %s",
                  sb_str(&message));

    cursor root, at;
    cursor_root(&root, r);
    cursor_child_key(&at, &root, attribute);
    op->eval(state, &at, out);

    op->free_state(state);
    json_decref(spec);
    sb_free(&message);
    return out->value;
}

/* Evaluates `op` on a policy written as a JSON string (the Terraform form). */
static tv eval_text(const domain_op *op, const char *params, const char *policy,
                    eval_result *out)
{
    soc2_resource *r = policy_resource(json_string(policy), NULL, NULL);
    tv value = run_op(op, params, r, "policy", out);
    resource_free(r);
    return value;
}

/* Evaluates `op` on a policy written as a JSON object (the CloudFormation
 * form), with parts marked unknown or as references. */
static tv eval_object(const domain_op *op, const char *params, const char *policy,
                      const char *const *unknown, const char *const *references,
                      eval_result *out)
{
    json_error_t error;
    json_t *document = json_loads(policy, JSON_DECODE_ANY, &error);
    ck_assert_msg(document != NULL, "test policy is not JSON: %s", error.text);
    soc2_resource *r = policy_resource(document, unknown, references);
    tv value = run_op(op, params, r, "policy", out);
    resource_free(r);
    return value;
}

static json_t *load_json(const char *relative)
{
    json_error_t error;
    json_t *root = json_load_file(data_path(relative), 0, &error);
    ck_assert_msg(root != NULL, "%s: %s (line %d)", relative, error.text, error.line);
    return root;
}

/* Terraform plans: the policy is a JSON string in change.after.policy. */

static const json_t *plan_after(const json_t *plan, const char *address)
{
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(plan, "resource_changes"), i, change) {
        if (strcmp(json_string_value(json_object_get(change, "address")), address) == 0)
            return json_object_get(json_object_get(change, "change"), "after");
    }
    ck_abort_msg("no resource %s in the plan", address);
    return NULL;
}

/* Evaluates `op` on the resource's after.policy, or on a resource without
 * one when the plan has none. */
static tv eval_plan_policy(const domain_op *op, const char *params, const json_t *plan,
                           const char *address, eval_result *out)
{
    const json_t *policy = json_object_get(plan_after(plan, address), "policy");
    soc2_resource *r = policy_resource(policy ? json_incref((json_t *)policy) : json_null(),
                                       NULL, NULL);
    tv value = run_op(op, params, r, "policy", out);
    resource_free(r);
    return value;
}

START_TEST(admin_regula_terraform_plan)
{
    static const struct {
        const char *address;
        tv expected;
    } cases[] = {
        {"aws_iam_group_policy.invalid_group_policy", TV_TRUE},
        {"aws_iam_group_policy.valid_group_policy", TV_FALSE},
        {"aws_iam_policy.invalid_policy", TV_TRUE},
        {"aws_iam_policy.valid_deny_policy", TV_FALSE},
        {"aws_iam_role_policy.invalid_role_policy", TV_TRUE},
        {"aws_iam_role_policy.valid_role_policy", TV_FALSE},
        {"aws_iam_user_policy.invalid_user_policy", TV_TRUE},
        {"aws_iam_user_policy.valid_user_policy", TV_FALSE},
    };
    json_t *plan = load_json("iam/regula/admin_policy_infra.json");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_plan_policy(&op_iam_admin, NULL, plan, cases[i].address, &out);
        expect_tv(&out, cases[i].expected, cases[i].address);
        if (cases[i].expected == TV_TRUE) {
            ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
            ck_assert_str_eq(sb_str(&out.note),
                             "statement 0 allows Action \"*\" on Resource \"*\"");
        } else {
            ck_assert_str_eq(sb_str(&out.path), "policy");
        }
        result_free(&out);
    }
    json_decref(plan);
}
END_TEST

START_TEST(bucket_policies_regula_plan)
{
    /* Regula passes allowget-external-policy, but it allows "*" to
     * {"AWS": "*"}: public, and a wildcard over every s3 action. */
    static const struct {
        const char *address;
        tv public_principal;
        tv wildcard_s3;
    } cases[] = {
        {"aws_s3_bucket.allowlist-inline-policy", TV_TRUE, TV_FALSE},
        {"aws_s3_bucket.denylist-inline-policy", TV_FALSE, TV_FALSE},
        {"aws_s3_bucket.allowget-inline-policy", TV_TRUE, TV_FALSE},
        {"aws_s3_bucket.nopolicy-bucket", TV_FALSE, TV_FALSE},
        {"aws_s3_bucket_policy.allowlist-policy", TV_TRUE, TV_FALSE},
        {"aws_s3_bucket_policy.denylist-policy", TV_FALSE, TV_FALSE},
        {"aws_s3_bucket_policy.allowget-policy", TV_TRUE, TV_TRUE},
    };
    json_t *plan = load_json("iam/regula/bucketpolicy_allowlist_infra.json");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_plan_policy(&op_iam_public_principal, NULL, plan, cases[i].address, &out);
        expect_tv(&out, cases[i].public_principal, cases[i].address);
        eval_plan_policy(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}", plan,
                         cases[i].address, &out);
        expect_tv(&out, cases[i].wildcard_s3, cases[i].address);
        eval_plan_policy(&op_iam_admin, NULL, plan, cases[i].address, &out);
        expect_tv(&out, TV_FALSE, cases[i].address);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_plan_policy(&op_iam_public_principal, NULL, plan,
                     "aws_s3_bucket_policy.allowget-policy", &out);
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Principal");
    ck_assert_str_eq(sb_str(&out.note), "statement 0, Sid \"AllAccess\", allows Principal "
                                        "{\"AWS\": \"*\"} with no "
                                        "condition that limits the caller");
    eval_plan_policy(&op_iam_public_principal, NULL, plan,
                     "aws_s3_bucket.allowlist-inline-policy", &out);
    ck_assert_str_eq(sb_str(&out.note),
                     "statement 0, Sid \"AllAccess\", allows Principal \"*\" with no "
                     "condition that limits the caller");
    result_free(&out);
    json_decref(plan);
}
END_TEST

/* CloudFormation templates: intrinsic functions become values not known
 * until apply, as the loader leaves them; Ref and Fn::GetAtt to a resource
 * of the template are also references. */

static int is_intrinsic(const json_t *value)
{
    if (!json_is_object(value) || json_object_size(value) != 1)
        return 0;
    const char *key = json_object_iter_key(json_object_iter((json_t *)value));
    return strcmp(key, "Ref") == 0 || strncmp(key, "Fn::", 4) == 0;
}

static int names_resource(const json_t *intrinsic, const json_t *resources)
{
    const json_t *ref = json_object_get(intrinsic, "Ref");
    if (json_is_string(ref))
        return json_object_get(resources, json_string_value(ref)) != NULL;
    return json_object_get(intrinsic, "Fn::GetAtt") != NULL;
}

static void strip_intrinsics(json_t *value, strbuf *path, json_t **mask, json_t *references,
                             const json_t *resources);

static void strip_child(json_t *parent, const char *key, size_t index, strbuf *path,
                        json_t **mask, json_t *references, const json_t *resources)
{
    size_t length = path->len;
    json_t *child;
    if (key) {
        path_append_key(path, key);
        child = json_object_get(parent, key);
    } else {
        path_append_index(path, index);
        child = json_array_get(parent, index);
    }

    if (is_intrinsic(child)) {
        ck_assert_int_eq(mask_mark_unknown(mask, sb_str(path)), 0);
        if (names_resource(child, resources))
            json_array_append_new(references, json_string(sb_str(path)));
        if (key)
            json_object_set_new(parent, key, json_null());
        else
            json_array_set_new(parent, index, json_null());
    } else {
        strip_intrinsics(child, path, mask, references, resources);
    }
    sb_truncate(path, length);
}

static void strip_intrinsics(json_t *value, strbuf *path, json_t **mask, json_t *references,
                             const json_t *resources)
{
    if (json_is_object(value)) {
        const char *key;
        json_t *child;
        void *tmp;
        json_object_foreach_safe(value, tmp, key, child)
            strip_child(value, key, 0, path, mask, references, resources);
    } else if (json_is_array(value)) {
        for (size_t i = 0; i < json_array_size(value); i++)
            strip_child(value, NULL, i, path, mask, references, resources);
    }
}

/* Makes a resource whose "policy" is the PolicyDocument of the template
 * resource `name`. */
static soc2_resource *cfn_policy_resource(const json_t *template, const char *name)
{
    const json_t *resources = json_object_get(template, "Resources");
    const json_t *document = json_object_get(
        json_object_get(json_object_get(resources, name), "Properties"), "PolicyDocument");
    ck_assert_msg(document != NULL, "%s has no PolicyDocument", name);

    json_t *attrs = json_pack("{s:O}", "policy", document);
    json_t *copy = json_deep_copy(attrs);
    json_decref(attrs);
    json_t *mask = NULL, *references = json_array();
    strbuf path = STRBUF_INIT;
    strip_intrinsics(copy, &path, &mask, references, resources);
    sb_free(&path);

    soc2_resource *r = resource_new(snapshot, name, "aws_s3_bucket_policy", NULL, copy, mask);
    ck_assert_ptr_nonnull(r);
    size_t i;
    json_t *reference;
    json_array_foreach(references, i, reference)
        ck_assert_int_eq(resource_add_edge(r, json_string_value(reference), target->address,
                                           target), 0);
    json_decref(references);
    return r;
}

START_TEST(sqs_queue_policies_cfn_nag)
{
    static const struct {
        const char *name;
        tv admin, public_principal, wildcard_sqs;
    } cases[] = {
        {"mysqspolicy1", TV_FALSE, TV_FALSE, TV_TRUE},
        {"mysqspolicy1b", TV_FALSE, TV_FALSE, TV_TRUE},
        {"mysqspolicy1c", TV_TRUE, TV_FALSE, TV_TRUE},
        {"mysqspolicy1d", TV_TRUE, TV_FALSE, TV_TRUE},
        {"mysqspolicy2", TV_FALSE, TV_TRUE, TV_FALSE},
        {"mysqspolicy2b", TV_FALSE, TV_TRUE, TV_FALSE},
        {"mysqspolicy2c", TV_FALSE, TV_TRUE, TV_FALSE},
    };
    json_t *template = load_json("iam/cfn_nag/sqs-queue-policies-with-wildcards.json");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        soc2_resource *r = cfn_policy_resource(template, cases[i].name);
        eval_result out;
        result_init(&out);
        run_op(&op_iam_admin, NULL, r, "policy", &out);
        expect_tv(&out, cases[i].admin, cases[i].name);
        run_op(&op_iam_public_principal, NULL, r, "policy", &out);
        expect_tv(&out, cases[i].public_principal, cases[i].name);
        run_op(&op_iam_wildcard_action, "{\"services\": [\"sqs\"]}", r, "policy", &out);
        expect_tv(&out, cases[i].wildcard_sqs, cases[i].name);
        result_free(&out);
        resource_free(r);
    }

    /* Statement written as one object: paths and notes name it so. */
    soc2_resource *r = cfn_policy_resource(template, "mysqspolicy2c");
    eval_result out;
    result_init(&out);
    run_op(&op_iam_public_principal, NULL, r, "policy", &out);
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement.Principal");
    ck_assert_str_eq(sb_str(&out.note), "the statement, Sid \"Allow-User-SendMessage\", allows Principal "
                                        "{\"AWS\": \"*\"} with no "
                                        "condition that limits the caller");
    result_free(&out);
    resource_free(r);
    json_decref(template);
}
END_TEST

START_TEST(webapp_bucket_policies_not_public)
{
    static const char *const names[] = {
        "SiteContentLogBucketAccessPolicy",           "SiteContentBucketAccessPolicy",
        "SiteContentReplicaBucketAccessPolicy",       "SiteCloudFrontLogsLogBucketAccessPolicy",
        "SiteCloudFrontLogsBucketAccessPolicy",       "SiteCloudFrontLogsReplicaBucketAccessPolicy",
    };
    json_t *template = load_json("iam/aws-cloudformation-templates/solutions-webapp.json");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        soc2_resource *r = cfn_policy_resource(template, names[i]);
        ck_assert_ptr_nonnull(r->unknown); /* the Fn::Sub ARNs */
        eval_result out;
        result_init(&out);
        /* Deny {"AWS": "*"} "s3:*" over insecure transport opens nothing,
         * and the service principals are not everyone. */
        run_op(&op_iam_public_principal, NULL, r, "policy", &out);
        expect_tv(&out, TV_FALSE, names[i]);
        run_op(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}", r, "policy", &out);
        expect_tv(&out, TV_FALSE, names[i]);
        run_op(&op_iam_admin, NULL, r, "policy", &out);
        expect_tv(&out, TV_FALSE, names[i]);
        result_free(&out);
        resource_free(r);
    }
    json_decref(template);
}
END_TEST

START_TEST(pinning_by_unknown_source_arn)
{
    /* The CloudFront statement of the webapp template with Principal "*":
     * its AWS:SourceArn is an Fn::Sub, which could be anything, but a
     * reference to the distribution is one concrete ARN. */
    static const char policy[] =
        "{\"Statement\": [{\"Action\": \"s3:GetObject\", \"Effect\": \"Allow\","
        " \"Resource\": \"arn:aws:s3:::content/*\", \"Principal\": \"*\","
        " \"Condition\": {\"StringEquals\": {\"AWS:SourceArn\": null}}}]}";
    static const char *const source_arn[] = {
        "policy.Statement[0].Condition.StringEquals[\"AWS:SourceArn\"]", NULL};

    eval_result out;
    result_init(&out);
    eval_object(&op_iam_public_principal, NULL, policy, source_arn, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "Fn::Sub source ARN");
    ck_assert_str_eq(sb_str(&out.path),
                     "policy.Statement[0].Condition.StringEquals[\"AWS:SourceArn\"]");
    eval_object(&op_iam_public_principal, NULL, policy, NULL, source_arn, &out);
    expect_tv(&out, TV_FALSE, "referenced source ARN");
    result_free(&out);
}
END_TEST

START_TEST(admin_regula_cloudformation_shapes)
{
    /* The policies of Regula's CloudFormation admin_policy fixture. */
    eval_result out;
    result_init(&out);

    static const char *const role_arn[] = {"policy.Statement[1].Resource", NULL};
    eval_object(&op_iam_admin, NULL,
                "{\"Version\": \"2012-10-17\", \"Statement\": ["
                "{\"Effect\": \"Allow\", \"Action\": [\"ec2:StartInstances\"], \"Resource\": [\"*\"]},"
                "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": null}]}",
                NULL, role_arn, &out);
    expect_tv(&out, TV_FALSE, "ValidPolicy02: \"*\" on a GetAtt role ARN");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"ec2:StartInstances\"],"
                " \"Resource\": [\"*\"]}}",
                NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "ValidPolicy01");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}}",
                NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "ValidPolicy03: Deny");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\", "
                "\"elasticache:DescribeCacheClusters\"], \"Resource\": [\"*\"]}]}",
                NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "InvalidPolicy02: \"*\" in a list");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"*\", "
                "\"elasticache:DescribeCacheClusters\"], \"Resource\": [\"*\"]}}",
                NULL, NULL, &out);
    expect_tv(&out, TV_TRUE, "InvalidPolicy03: single statement object");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement.Action");
    ck_assert_str_eq(sb_str(&out.note), "the statement allows Action \"*\" on Resource \"*\"");
    result_free(&out);
}
END_TEST

START_TEST(admin_action_spellings)
{
    static const struct {
        const char *policy;
        tv expected;
    } cases[] = {
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"*\"], \"Resource\": [\"*\"]}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*:*\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        /* Every IAM action is enough: see admin_every_iam_action. */
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", \"iam:*\"],"
         " \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", \"ec2:*\"],"
         " \"Resource\": \"*\"}]}",
         TV_FALSE},
        /* Patterns that match every action count as "*". */
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"?*\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*?\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"**\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"?*:?*\", \"Resource\": \"*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s*\", \"Resource\": \"*\"}]}",
         TV_FALSE},
        /* Patterns that match every resource count as "*". */
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"arn:*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"arn:aws:*:*:*:*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"arn:*:*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"arn:aws-cn:*\"}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"arn:aws:s3:::*\"}]}",
         TV_FALSE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"ARN:*\"}]}",
         TV_FALSE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"arn:*:*:*:*:*:*\"}]}",
         TV_FALSE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"arn:aws:s3:::bucket\"}]}",
         TV_FALSE},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\"}]}", TV_FALSE},
        /* Conditions do not matter. */
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\","
         " \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}}]}",
         TV_TRUE},
        {"{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         TV_FALSE},
        {"{\"Version\": \"2012-10-17\"}", TV_FALSE},
        {"{\"Statement\": []}", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_admin, NULL, cases[i].policy, &out);
        expect_tv(&out, cases[i].expected, cases[i].policy);
        result_free(&out);
    }
}
END_TEST

START_TEST(admin_every_iam_action)
{
    static const struct {
        const char *action;
        const char *resource;
        tv expected;
    } cases[] = {
        {"\"iam:*\"", "\"*\"", TV_TRUE},
        {"[\"iam:*\"]", "[\"*\"]", TV_TRUE},
        {"\"IAM:?*\"", "\"*\"", TV_TRUE},
        {"\"i*\"", "\"*\"", TV_TRUE},
        {"[\"iam:Get*\", \"iam:List*\", \"iam:*\"]", "\"*\"", TV_TRUE},
        /* Several patterns that only together match every IAM action. */
        {"[\"iam:?\", \"iam:??*\"]", "\"*\"", TV_TRUE},
        /* An action name starts with a letter, in any case. */
        {"[\"iam:A*\", \"iam:B*\", \"iam:C*\", \"iam:D*\", \"iam:E*\", \"iam:F*\", \"iam:G*\","
         " \"iam:H*\", \"iam:I*\", \"iam:J*\", \"iam:K*\", \"iam:L*\", \"iam:M*\", \"iam:N*\","
         " \"iam:O*\", \"iam:P*\", \"iam:Q*\", \"iam:R*\", \"iam:S*\", \"iam:T*\", \"iam:U*\","
         " \"iam:V*\", \"iam:W*\", \"iam:X*\", \"iam:Y*\", \"iam:Z*\"]",
         "\"*\"", TV_TRUE},
        {"[\"iam:a*\", \"IAM:B*\", \"iam:c*\", \"iam:D*\", \"iam:e*\", \"iam:F*\", \"iam:g*\","
         " \"iam:H*\", \"iam:i*\", \"iam:J*\", \"iam:k*\", \"iam:L*\", \"iam:m*\", \"iam:N*\","
         " \"iam:o*\", \"iam:P*\", \"iam:q*\", \"iam:R*\", \"iam:s*\", \"iam:T*\", \"iam:u*\","
         " \"iam:V*\", \"iam:w*\", \"iam:X*\", \"iam:y*\", \"iam:Z*\", \"iam:1*\"]",
         "\"*\"", TV_TRUE},
        {"[\"iam:A*\", \"iam:B*\", \"iam:C*\", \"iam:D*\", \"iam:E*\", \"iam:F*\", \"iam:G*\","
         " \"iam:H*\", \"iam:I*\", \"iam:J*\", \"iam:K*\", \"iam:L*\", \"iam:M*\", \"iam:N*\","
         " \"iam:O*\", \"iam:P*\", \"iam:Q*\", \"iam:R*\", \"iam:S*\", \"iam:T*\", \"iam:U*\","
         " \"iam:V*\", \"iam:W*\", \"iam:X*\", \"iam:Y*\"]",
         "\"*\"", TV_FALSE},
        {"\"iam:*\"", "\"arn:aws:*\"", TV_TRUE},
        {"\"iam:??*\"", "\"*\"", TV_FALSE},
        {"[\"iam:Get*\", \"iam:List*\"]", "\"*\"", TV_FALSE},
        {"\"iam:*\"", "\"arn:aws:iam::*\"", TV_FALSE},
        {"\"iam:*\"", "\"arn:aws:iam::111122223333:role/app\"", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char policy[1024];
        snprintf(policy, sizeof(policy),
                 "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": %s, \"Resource\": %s}]}",
                 cases[i].action, cases[i].resource);
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_admin, NULL, policy, &out);
        expect_tv(&out, cases[i].expected, policy);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"}]}",
              &out);
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows every IAM action on every resource, "
                                        "which lets the holder grant itself any permission");
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"iam:*\", \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "Deny iam:*");

    /* Lists that only together match every action or every resource: one
     * pattern for one-character service prefixes, one for longer ones. */
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"?*:?\", \"?*:??*\"],"
              " \"Resource\": [\"arn:aws:s3:::b\", \"*\"]}]}",
              &out);
    expect_tv(&out, TV_TRUE, "union of every action");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows Action [\"?*:?\", \"?*:??*\"], which "
                                        "together match every action on Resource \"*\"");
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"Resource\": [\"arn:aws:?:*\", \"arn:aws:??*:*:*:*\"]}]}",
              &out);
    expect_tv(&out, TV_TRUE, "union of every resource");
    ck_assert_str_eq(sb_str(&out.note),
                     "statement 0 allows Action \"*\" on Resource [\"arn:aws:?:*\", "
                     "\"arn:aws:??*:*:*:*\"], which together match every resource");
    result_free(&out);
}
END_TEST

START_TEST(admin_patterns_too_intricate)
{
    /* "*c" followed by 16 "?" for every character an action can hold,
     * with "?" repeated 1 to 17 times: together they match every IAM
     * action, but deciding so takes more than the search limits allow. */
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-:";
    strbuf policy = STRBUF_INIT;
    sb_puts(&policy, "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\", \"Action\": [");
    for (const char *c = chars; *c; c++)
        sb_printf(&policy, "%s\"*%c????????????????\"", c == chars ? "" : ", ", *c);
    for (int length = 1; length <= 17; length++)
        sb_printf(&policy, ", \"%.*s\"", length, "?????????????????");
    sb_puts(&policy, "]}]}");

    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_ERROR, "too many states");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_str_eq(sb_str(&out.note),
                     "policy.Statement[0].Action has 55 wildcard patterns. Deciding whether they "
                     "match every IAM action takes more than the search limits of the coverage "
                     "check; write fewer, simpler wildcard patterns");

    /* Another statement that grants everything still decides. */
    size_t patterns_end = policy.len - 4; /* before "]}]}" */
    sb_truncate(&policy, policy.len - 2);
    sb_puts(&policy, ", {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_TRUE, "second statement grants everything");

    /* With patterns without a wildcard too, the note counts both. */
    sb_truncate(&policy, patterns_end);
    sb_puts(&policy, ", \"iam:GetUser\", \"iam:ListUsers\"]}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_ERROR, "too many states with plain names");
    ck_assert_str_eq(sb_str(&out.note),
                     "policy.Statement[0].Action has 55 wildcard patterns and 2 patterns without "
                     "a wildcard. Deciding whether they match every IAM action takes more than "
                     "the search limits of the coverage check; write fewer, simpler wildcard "
                     "patterns");
    result_free(&out);
    sb_free(&policy);
}
END_TEST

/* Appends `count` actions "s3:GetObject<i>" as JSON list items. */
static void append_plain_actions(strbuf *policy, size_t count)
{
    for (size_t i = 0; i < count; i++)
        sb_printf(policy, "%s\"s3:GetObject%zu\"", i ? ", " : "", i);
}

START_TEST(admin_many_plain_actions)
{
    /* 20000 actions without a wildcard match 20000 names, never every IAM
     * action, however long they are together. */
    strbuf policy = STRBUF_INIT;
    sb_puts(&policy, "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\", \"Action\": [");
    append_plain_actions(&policy, 20000);
    sb_puts(&policy, "]}]}");
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_FALSE, "plain actions only");

    /* A wildcard pattern among them still decides. */
    sb_truncate(&policy, policy.len - 4);
    sb_puts(&policy, ", \"iam:*\"]}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_TRUE, "plain actions and iam:*");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows every IAM action on every resource, "
                                        "which lets the holder grant itself any permission");

    /* Wildcard patterns that cover only together, among the plain ones. */
    sb_truncate(&policy, policy.len - 4 - strlen(", \"iam:*\""));
    for (char letter = 'A'; letter <= 'Z'; letter++)
        sb_printf(&policy, ", \"iam:%c*\"", letter);
    sb_puts(&policy, "]}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_TRUE, "plain actions and iam:A* to iam:Z*");

    /* The same for resources: plain ARNs, then one that matches all. */
    sb_reset(&policy);
    sb_puts(&policy, "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": [");
    for (size_t i = 0; i < 20000; i++)
        sb_printf(&policy, "%s\"arn:aws:s3:::bucket-%zu\"", i ? ", " : "", i);
    sb_puts(&policy, "]}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_FALSE, "plain ARNs only");
    sb_truncate(&policy, policy.len - 4);
    sb_puts(&policy, ", \"arn:aws:*:*:*:*\"]}]}");
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_TRUE, "plain ARNs and every ARN");
    result_free(&out);
    sb_free(&policy);
}
END_TEST

START_TEST(admin_wildcard_patterns_too_long)
{
    /* One pattern of 70000 characters: more than the coverage check reads. */
    strbuf policy = STRBUF_INIT;
    sb_puts(&policy, "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\", \"Action\": [");
    sb_puts(&policy, "\"iam:");
    for (int i = 0; i < 69995; i++)
        sb_putc(&policy, 'a');
    sb_puts(&policy, "*\", \"iam:GetUser\"]}]}");
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL, sb_str(&policy), &out);
    expect_tv(&out, TV_ERROR, "a wildcard pattern too long");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_str_eq(sb_str(&out.note),
                     "policy.Statement[0].Action has 1 wildcard pattern with 70000 characters in "
                     "all, more than the 65536 that the coverage check reads, so whether they "
                     "match every IAM action is not decided; write fewer or shorter wildcard "
                     "patterns");
    result_free(&out);
    sb_free(&policy);
}
END_TEST

START_TEST(policy_element_names)
{
    static const struct {
        const char *policy;
        const char *path;
        const char *note;
    } cases[] = {
        {"{\"version\": \"2012-10-17\", \"statement\": [{\"effect\": \"Allow\", \"action\": \"*\","
         " \"resource\": \"*\"}]}",
         "policy.version",
         "policy.version is not a policy element; element names are case-sensitive, so write "
         "\"Version\""},
        {"{\"Version\": \"2012-10-17\", \"statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
         " \"Resource\": \"*\"}]}",
         "policy.statement",
         "policy.statement is not a policy element; element names are case-sensitive, so write "
         "\"Statement\""},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"action\": \"*\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].action",
         "policy.Statement[0].action is not a statement element; element names are "
         "case-sensitive, so write \"Action\""},
        {"{\"Statement\": [{\"effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].effect",
         "policy.Statement[0].effect is not a statement element; element names are "
         "case-sensitive, so write \"Effect\""},
        {"{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NOTRESOURCE\": \"*\"}}",
         "policy.Statement.NOTRESOURCE",
         "policy.Statement.NOTRESOURCE is not a statement element; element names are "
         "case-sensitive, so write \"NotResource\""},
        {"{\"Statement\": [], \"Comment\": \"x\"}", "policy.Comment",
         "policy.Comment is not a policy element; a policy document has Version, Id and "
         "Statement"},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Actions\": \"*\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].Actions",
         "policy.Statement[0].Actions is not a statement element; a statement has Sid, Effect, "
         "Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_admin, NULL, cases[i].policy, &out);
        expect_tv(&out, TV_ERROR, cases[i].policy);
        ck_assert_str_eq(sb_str(&out.path), cases[i].path);
        ck_assert_str_eq(sb_str(&out.note), cases[i].note);
        /* The CloudFormation form is checked the same way. */
        eval_object(&op_iam_public_principal, NULL, cases[i].policy, NULL, NULL, &out);
        expect_tv(&out, TV_ERROR, cases[i].policy);
        ck_assert_str_eq(sb_str(&out.path), cases[i].path);
        result_free(&out);
    }

    /* Every element of the grammar is accepted. */
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_public_principal, NULL,
              "{\"Version\": \"2012-10-17\", \"Id\": \"p1\", \"Statement\": [{\"Sid\": \"s1\","
              " \"Effect\": \"Deny\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"},"
              " \"NotAction\": \"s3:GetObject\", \"NotResource\": \"arn:aws:s3:::b/*\","
              " \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}},"
              " {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\","
              " \"Resource\": \"arn:aws:s3:::b/*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "every element");
    result_free(&out);
}
END_TEST

START_TEST(policy_nul_characters)
{
    /* The Terraform form: NUL bytes in the string around a document that
     * grants everything, which C functions would cut off. */
#define ADMIN_DOCUMENT \
    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
    static const char nul_before[] = "\0" ADMIN_DOCUMENT;
    static const char nul_after[] = ADMIN_DOCUMENT "\0 trailing";
    static const struct {
        const char *text;
        size_t length;
    } raw[] = {
        {nul_before, sizeof(nul_before) - 1},
        {nul_after, sizeof(nul_after) - 1},
    };
#undef ADMIN_DOCUMENT
    eval_result out;
    result_init(&out);
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        soc2_resource *r = policy_resource(json_stringn(raw[i].text, raw[i].length), NULL, NULL);
        run_op(&op_iam_admin, NULL, r, "policy", &out);
        expect_tv(&out, TV_ERROR, i == 0 ? "NUL before the document" : "NUL after it");
        ck_assert_str_eq(sb_str(&out.path), "policy");
        ck_assert_str_eq(sb_str(&out.note),
                         "policy contains a NUL character, which a policy may not contain");
        resource_free(r);
    }

    /* A \u0000 escape inside the document: the parsed string contains a NUL. */
    static const struct {
        const char *policy;
        const char *path;
        const char *note;
    } escaped[] = {
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\\u0000junk\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].Action",
         "policy.Statement[0].Action contains a NUL character, which a policy may not contain"},
        {"{\"Statement\": [{\"Effect\": \"Deny\\u0000\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].Effect",
         "policy.Statement[0].Effect contains a NUL character, which a policy may not contain"},
        {"{\"Statement\\u0000x\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         "policy",
         "policy is not valid JSON: NUL byte in object key not supported near "
         "'\"Statement\\u0000x\"' (line 1, column 19 of the policy)"},
    };
    for (size_t i = 0; i < sizeof(escaped) / sizeof(escaped[0]); i++) {
        eval_text(&op_iam_admin, NULL, escaped[i].policy, &out);
        expect_tv(&out, TV_ERROR, escaped[i].policy);
        ck_assert_str_eq(sb_str(&out.path), escaped[i].path);
        ck_assert_str_eq(sb_str(&out.note), escaped[i].note);
        ck_assert_msg(strstr(sb_str(&out.note), "JSON_") == NULL, "%s", sb_str(&out.note));
    }

    /* The CloudFormation form: a string of the document contains the NUL. */
    static const char nul_action[] = "*\0junk";
    json_t *document = json_pack("{s:[{s:s, s:o, s:s}]}", "Statement", "Effect", "Allow",
                                 "Action", json_stringn(nul_action, sizeof(nul_action) - 1),
                                 "Resource", "*");
    soc2_resource *r = policy_resource(document, NULL, NULL);
    run_op(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}", r, "policy", &out);
    expect_tv(&out, TV_ERROR, "NUL in a CloudFormation policy");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    resource_free(r);

    static const char nul_key[] = "Statement\0x";
    document = json_object();
    json_object_setn_new(document, nul_key, sizeof(nul_key) - 1, json_array());
    r = policy_resource(document, NULL, NULL);
    run_op(&op_iam_admin, NULL, r, "policy", &out);
    expect_tv(&out, TV_ERROR, "NUL in a member name");
    ck_assert_str_eq(sb_str(&out.note), "policy has a member name that contains a NUL character, "
                                        "which a policy may not contain");
    resource_free(r);
    result_free(&out);
}
END_TEST

START_TEST(admin_second_statement_named)
{
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},"
              " {\"Effect\": \"Allow\", \"Action\": [\"ec2:*\", \"*\"], \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "second statement");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[1].Action");
    ck_assert_str_eq(sb_str(&out.note), "statement 1 allows Action \"*\" on Resource \"*\"");
    result_free(&out);
}
END_TEST

START_TEST(admin_not_action_keeps_iam)
{
    static const struct {
        const char *not_action;
        tv expected;
    } cases[] = {
        {"[\"s3:*\"]", TV_TRUE},         {"\"iam:GetUser\"", TV_TRUE},
        {"[\"iam:Get*\", \"iam:List*\"]", TV_TRUE},
        {"[\"iam:*\"]", TV_FALSE},       {"\"IAM:*\"", TV_FALSE},
        {"[\"s3:*\", \"i*\"]", TV_FALSE}, {"[\"*\"]", TV_FALSE},
        {"[\"*:*\"]", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char policy[256];
        snprintf(policy, sizeof(policy),
                 "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": %s, \"Resource\": \"*\"}]}",
                 cases[i].not_action);
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_admin, NULL, policy, &out);
        expect_tv(&out, cases[i].expected, cases[i].not_action);
        if (cases[i].expected == TV_TRUE)
            ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].NotAction");
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": \"s3:*\", \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "Deny with NotAction");
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\","
              " \"Resource\": \"arn:aws:s3:::b\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "NotAction on one resource");
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": [\"s3:*\"], \"Resource\": \"*\"}]}",
              &out);
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows every action except NotAction "
                                        "[\"s3:*\"], IAM included, on Resource \"*\"");
    result_free(&out);
}
END_TEST

START_TEST(admin_not_resource)
{
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"NotResource\": [\"arn:aws:s3:::audit-logs\"]}]}",
              &out);
    expect_tv(&out, TV_TRUE, "NotResource one bucket");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows Action \"*\" on every resource "
                                        "except NotResource [\"arn:aws:s3:::audit-logs\"]");
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\","
              " \"NotResource\": [\"arn:aws:s3:::b\", \"*\"]}]}",
              &out);
    expect_tv(&out, TV_FALSE, "NotResource \"*\"");
    result_free(&out);
}
END_TEST

START_TEST(admin_unknown_parts)
{
    static const char statement[] =
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": null, \"Resource\": null}]}";
    static const char *const action[] = {"policy.Statement[0].Action", NULL};
    static const char *const resource[] = {"policy.Statement[0].Resource", NULL};
    eval_result out;
    result_init(&out);

    /* Resource is a reference (another resource's ARN), never "*". */
    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": null}]}",
                NULL, resource, &out);
    expect_tv(&out, TV_FALSE, "reference resource");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": null}]}",
                resource, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown resource");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Resource");

    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": null, \"Resource\": \"*\"}]}",
                action, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown action");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_msg(strstr(sb_str(&out.note), "depends on it") != NULL, "%s",
                  sb_str(&out.note));

    /* A known FALSE part decides, whatever the unknown one is. */
    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": null,"
                " \"Resource\": \"arn:aws:s3:::b\"}]}",
                action, NULL, &out);
    expect_tv(&out, TV_FALSE, "unknown action, narrow resource");

    /* Both unknown: the first unknown part is reported. */
    static const char *const both[] = {"policy.Statement[0].Action",
                                       "policy.Statement[0].Resource", NULL};
    eval_object(&op_iam_admin, NULL, statement, both, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "both unknown");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");

    /* An unknown statement is outweighed by a later admin statement. */
    static const char *const first[] = {"policy.Statement[0]", NULL};
    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [null, {\"Effect\": \"Allow\", \"Action\": \"*\","
                " \"Resource\": \"*\"}]}",
                first, NULL, &out);
    expect_tv(&out, TV_TRUE, "unknown then admin");

    static const char *const effect[] = {"policy.Statement[0].Effect", NULL};
    eval_object(&op_iam_admin, NULL,
                "{\"Statement\": [{\"Effect\": null, \"Action\": \"*\", \"Resource\": \"*\"}]}",
                effect, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown effect");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Effect");

    static const char *const whole[] = {"policy", NULL};
    eval_object(&op_iam_admin, NULL, "null", whole, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown policy");
    result_free(&out);
}
END_TEST

START_TEST(policy_absent_or_empty)
{
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_admin, NULL, "", &out);
    expect_tv(&out, TV_FALSE, "empty string");
    eval_text(&op_iam_public_principal, NULL, "  \n", &out);
    expect_tv(&out, TV_FALSE, "blank string");

    soc2_resource *r = resource_new(snapshot, "aws_iam_role.r", "aws_iam_role", NULL,
                                    json_pack("{s:s}", "name", "r"), NULL);
    run_op(&op_iam_admin, NULL, r, "policy", &out);
    expect_tv(&out, TV_FALSE, "missing policy");
    ck_assert_str_eq(sb_str(&out.path), "policy");
    resource_free(r);
    result_free(&out);
}
END_TEST

START_TEST(policy_grammar_errors)
{
    static const struct {
        const char *policy;
        const char *path;
        const char *note;
    } cases[] = {
        {"{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
         "policy.Statement[0].Effect",
         "policy.Statement[0].Effect is \"allow\"; it must be \"Allow\" or \"Deny\""},
        {"{\"Statement\": [{\"Action\": \"*\", \"Resource\": \"*\"}]}", "policy.Statement[0]",
         "policy.Statement[0] has no Effect; it must be \"Allow\" or \"Deny\""},
        {"{\"Statement\": \"Allow everything\"}", "policy.Statement",
         "policy.Statement is a string; Statement must be an object or a list of objects"},
        {"{\"Statement\": [42]}", "policy.Statement[0]",
         "policy.Statement[0] is a number; each statement must be an object"},
        {"[{\"Effect\": \"Allow\"}]", "policy",
         "policy holds a list; a policy document must be a JSON object"},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"s3:*\"}]}",
         "policy.Statement[0]",
         "policy.Statement[0] has both Action and NotAction; a statement may use only one"},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", 7]}]}",
         "policy.Statement[0].Action[1]",
         "policy.Statement[0].Action[1] is a number; each item must be a string"},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"User\": \"bob\"}}]}",
         "policy.Statement[0].Principal.User",
         "policy.Statement[0].Principal.User is not a principal type; use AWS, Service, "
         "Federated or CanonicalUser"},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"arn:aws:iam::1:root\"}]}",
         "policy.Statement[0].Principal", NULL},
        {"{\"Statement\": [{\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": \"x\"}}]}",
         "policy.Statement[0].Condition.StringEquals", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_admin, NULL, cases[i].policy, &out);
        expect_tv(&out, TV_ERROR, cases[i].policy);
        ck_assert_str_eq(sb_str(&out.path), cases[i].path);
        if (cases[i].note)
            ck_assert_str_eq(sb_str(&out.note), cases[i].note);
        result_free(&out);
    }
}
END_TEST

START_TEST(policy_invalid_json_string)
{
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_public_principal, NULL, "{\"Statement\": [", &out);
    expect_tv(&out, TV_ERROR, "truncated JSON");
    ck_assert_str_eq(sb_str(&out.path), "policy");
    ck_assert_msg(strncmp(sb_str(&out.note), "policy is not valid JSON: ", 26) == 0, "%s",
                  sb_str(&out.note));
    ck_assert_msg(strstr(sb_str(&out.note), "line 1") != NULL, "%s", sb_str(&out.note));

    /* Readers disagree about which of two equal member names counts. */
    eval_text(&op_iam_admin, NULL,
              "{\"Statement\": [{\"Effect\": \"Deny\", \"Effect\": \"Allow\", \"Action\": \"*\","
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_ERROR, "duplicate Effect");
    ck_assert_msg(strstr(sb_str(&out.note), "duplicate object key") != NULL, "%s",
                  sb_str(&out.note));

    soc2_resource *r = policy_resource(json_integer(3), NULL, NULL);
    run_op(&op_iam_admin, NULL, r, "policy", &out);
    expect_tv(&out, TV_ERROR, "number policy");
    resource_free(r);
    result_free(&out);
}
END_TEST

/* Wraps one statement with Principal `principal` and Condition
 * `condition` (JSON text, or NULL for none) into a policy. */
static tv eval_public(const char *principal, const char *condition, eval_result *out)
{
    char policy[1024];
    snprintf(policy, sizeof(policy),
             "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": %s,"
             " \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"%s%s}]}",
             principal, condition ? ", \"Condition\": " : "", condition ? condition : "");
    return eval_text(&op_iam_public_principal, NULL, policy, out);
}

START_TEST(public_principal_spellings)
{
    static const struct {
        const char *principal;
        tv expected;
    } cases[] = {
        {"\"*\"", TV_TRUE},
        {"{\"AWS\": \"*\"}", TV_TRUE},
        {"{\"AWS\": [\"arn:aws:iam::123456789012:root\", \"*\"]}", TV_TRUE},
        {"{\"AWS\": \"arn:aws:iam::123456789012:root\"}", TV_FALSE},
        {"{\"AWS\": [\"arn:aws:iam::123456789012:user/alice\"]}", TV_FALSE},
        {"{\"Service\": \"cloudfront.amazonaws.com\"}", TV_FALSE},
        {"{\"Federated\": \"cognito-identity.amazonaws.com\"}", TV_FALSE},
        {"{\"CanonicalUser\": \"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"}",
         TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_public(cases[i].principal, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].principal);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_public("{\"AWS\": [\"arn:aws:iam::123456789012:root\", \"*\"]}", NULL, &out);
    ck_assert_str_eq(sb_str(&out.note),
                     "statement 0 allows Principal {\"AWS\": [\"arn:aws:iam::123456789012:root\", "
                     "\"*\"]} with no condition that limits the caller");

    eval_text(&op_iam_public_principal, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotPrincipal\": {\"AWS\":"
              " \"arn:aws:iam::123456789012:user/alice\"}, \"Action\": \"s3:*\","
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "Allow with NotPrincipal");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].NotPrincipal");

    eval_text(&op_iam_public_principal, NULL,
              "{\"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\","
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "Deny to everyone");

    eval_text(&op_iam_public_principal, NULL,
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "identity policy without Principal");
    result_free(&out);
}
END_TEST

START_TEST(public_principal_conditions)
{
    static const struct {
        const char *condition;
        tv expected;
    } cases[] = {
        /* Positive operators on the keys that name the caller pin it. */
        {"{\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}", TV_FALSE},
        {"{\"StringEquals\": {\"aws:PrincipalOrgID\": [\"o-a1b2c3d4e5\"]}}", TV_FALSE},
        {"{\"ForAnyValue:StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}", TV_FALSE},
        {"{\"StringEquals\": {\"AWS:SourceAccount\": \"123456789012\"}}", TV_FALSE},
        {"{\"StringEquals\": {\"aws:SourceAccount\": 123456789012}}", TV_FALSE},
        {"{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:sns:us-east-1:123456789012:topic\"}}",
         TV_FALSE},
        {"{\"StringEqualsIgnoreCase\": {\"aws:userid\": \"AIDAEXAMPLE\"}}", TV_FALSE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}", TV_FALSE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\", \"2001:db8::/32\"]}}",
         TV_FALSE},
        {"{\"ForAnyValue:IpAddress\": {\"aws:SourceIp\": \"198.51.100.7\"}}", TV_FALSE},
        {"{\"StringEquals\": {\"s3:x-amz-server-side-encryption-aws-kms-key-id\":"
         " \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"}}",
         TV_FALSE},
        /* These leave the caller open. */
        {"{\"StringEqualsIfExists\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}", TV_TRUE},
        {"{\"StringNotEquals\": {\"aws:SourceAccount\": \"123456789012\"}}", TV_TRUE},
        {"{\"ForAllValues:StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::*:root\"}}", TV_TRUE},
        {"{\"StringEquals\": {\"aws:SourceAccount\": \"*\"}}", TV_TRUE},
        {"{\"StringEquals\": {\"aws:SourceAccount\": [\"123456789012\", \"*\"]}}", TV_TRUE},
        {"{\"StringEquals\": {\"aws:SourceAccount\": []}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"0.0.0.0/0\"}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"::/0\"}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\", \"0.0.0.0/0\"]}}", TV_TRUE},
        {"{\"NotIpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}", TV_TRUE},
        {"{\"Bool\": {\"aws:SecureTransport\": \"true\"}}", TV_TRUE},
        {"{\"StringEquals\": {\"s3:x-amz-acl\": \"bucket-owner-full-control\"}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceAccount\": \"123456789012\"}}", TV_TRUE},
        /* One pinning condition is enough, whatever the others are. */
        {"{\"Bool\": {\"aws:SecureTransport\": \"true\"},"
         " \"StringEquals\": {\"aws:SourceVpc\": \"vpc-111bbb22\"}}",
         TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_public("\"*\"", cases[i].condition, &out);
        expect_tv(&out, cases[i].expected, cases[i].condition);
        result_free(&out);
    }
}
END_TEST

START_TEST(public_principal_unknown_parts)
{
    eval_result out;
    result_init(&out);

    static const char *const aws_item[] = {"policy.Statement[0].Principal.AWS[0]", NULL};
    static const char policy[] =
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [null]},"
        " \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}]}";
    eval_object(&op_iam_public_principal, NULL, policy, NULL, aws_item, &out);
    expect_tv(&out, TV_FALSE, "role reference principal");
    eval_object(&op_iam_public_principal, NULL, policy, aws_item, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown principal");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Principal.AWS[0]");

    /* "*" is decided by the other item, and a pinning condition wins over
     * an unknown principal. */
    eval_object(&op_iam_public_principal, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [null, \"*\"]},"
                " \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}]}",
                aws_item, NULL, &out);
    expect_tv(&out, TV_TRUE, "unknown and star");
    eval_object(&op_iam_public_principal, NULL,
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [null]},"
                " \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\", \"Condition\":"
                " {\"StringEquals\": {\"aws:SourceAccount\": \"123456789012\"}}}]}",
                aws_item, NULL, &out);
    expect_tv(&out, TV_FALSE, "unknown principal, pinned");
    result_free(&out);
}
END_TEST

/* A policy in object form with Principal "*" and Condition `condition`
 * (JSON text), evaluated with the paths of `unknown` marked unknown and
 * those of `references` marked as references. */
static tv eval_public_object(const char *principal, const char *condition,
                             const char *const *unknown, const char *const *references,
                             eval_result *out)
{
    char policy[1024];
    snprintf(policy, sizeof(policy),
             "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": %s,"
             " \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"%s%s}]}",
             principal, condition ? ", \"Condition\": " : "", condition ? condition : "");
    return eval_object(&op_iam_public_principal, NULL, policy, unknown, references, out);
}

/* Loaders leave a value that is not known until apply out of its object
 * and mark it only in the unknown mask, and a list may be shorter than its
 * mask. Such a value can decide whether a condition pins the caller. So
 * the outcome is unknown unless something known decides it. */
START_TEST(public_principal_unknown_members)
{
    static const char vpce_key[] =
        "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"]";
    static const struct {
        const char *label;
        const char *principal;
        const char *condition; /* NULL for none */
        const char *unknown;   /* a path marked unknown */
        int reference;         /* the path is a reference instead */
        tv expected;
        const char *path; /* the finding's path, or NULL not to check it */
    } cases[] = {
        {"condition key left out", "\"*\"", "{\"StringEquals\": {}}", vpce_key, 0, TV_UNKNOWN,
         vpce_key},
        {"condition key left out, a reference", "\"*\"", "{\"StringEquals\": {}}", vpce_key, 1,
         TV_FALSE, NULL},
        {"condition block left out", "\"*\"", "{}", "policy.Statement[0].Condition.StringEquals",
         0, TV_UNKNOWN, "policy.Statement[0].Condition.StringEquals"},
        {"ArnEquals block left out", "\"*\"", "{\"Bool\": {\"aws:SecureTransport\": \"true\"}}",
         "policy.Statement[0].Condition.ArnEquals", 0, TV_UNKNOWN,
         "policy.Statement[0].Condition.ArnEquals"},
        {"Condition left out, its key unknown", "\"*\"", NULL, vpce_key, 0, TV_UNKNOWN,
         vpce_key},
        {"values left out, an item unknown", "\"*\"", "{\"StringEquals\": {}}",
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][0]", 0, TV_UNKNOWN,
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][0]"},
        {"item past the end of the list", "\"*\"",
         "{\"StringEquals\": {\"aws:SourceVpce\": [\"vpce-1a2b3c4d\"]}}",
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][1]", 0, TV_UNKNOWN,
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][1]"},
        {"item past the end, a reference", "\"*\"",
         "{\"StringEquals\": {\"aws:SourceVpce\": [\"vpce-1a2b3c4d\"]}}",
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][1]", 1, TV_FALSE, NULL},
        {"source IP left out", "\"*\"", "{\"IpAddress\": {}}",
         "policy.Statement[0].Condition.IpAddress[\"aws:SourceIp\"]", 0, TV_UNKNOWN,
         "policy.Statement[0].Condition.IpAddress[\"aws:SourceIp\"]"},
        {"principal item past the end", "{\"AWS\": [\"arn:aws:iam::111122223333:root\"]}",
         NULL, "policy.Statement[0].Principal.AWS[1]", 0, TV_UNKNOWN,
         "policy.Statement[0].Principal.AWS[1]"},
        {"AWS principal left out", "{}", NULL, "policy.Statement[0].Principal.AWS", 0,
         TV_UNKNOWN, "policy.Statement[0].Principal.AWS"},
        {"AWS principal left out, a reference", "{}", NULL,
         "policy.Statement[0].Principal.AWS", 1, TV_FALSE, NULL},
        /* Known parts that decide whatever the unknown one is. */
        {"unknown block that cannot pin", "\"*\"", "{}", "policy.Statement[0].Condition.Bool",
         0, TV_TRUE, NULL},
        {"unknown key that cannot pin", "\"*\"", "{\"StringEquals\": {}}",
         "policy.Statement[0].Condition.StringEquals[\"s3:x-amz-acl\"]", 0, TV_TRUE, NULL},
        {"known key pins", "\"*\"",
         "{\"StringEquals\": {\"aws:SourceAccount\": \"111122223333\"}}", vpce_key, 0, TV_FALSE,
         NULL},
        {"known wildcard value pins nothing", "\"*\"",
         "{\"StringEquals\": {\"aws:SourceVpce\": [\"*\"]}}",
         "policy.Statement[0].Condition.StringEquals[\"aws:SourceVpce\"][1]", 0, TV_TRUE, NULL},
        {"known blocks cover IPv4", "\"*\"",
         "{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/1\", \"128.0.0.0/1\"]}}",
         "policy.Statement[0].Condition.IpAddress[\"aws:SourceIp\"][2]", 0, TV_TRUE, NULL},
        {"known block beside an unknown one", "\"*\"",
         "{\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\"]}}",
         "policy.Statement[0].Condition.IpAddress[\"aws:SourceIp\"][1]", 0, TV_UNKNOWN,
         "policy.Statement[0].Condition.IpAddress[\"aws:SourceIp\"][1]"},
        {"service principal", "{\"Service\": \"sqs.amazonaws.com\"}", "{\"StringEquals\": {}}",
         vpce_key, 0, TV_FALSE, NULL},
        {"unknown service principal", "{}", NULL, "policy.Statement[0].Principal.Service", 0,
         TV_FALSE, NULL},
        {"NotPrincipal left out", "{}", NULL, "policy.Statement[0].NotPrincipal.AWS", 0, TV_TRUE,
         NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *const paths[] = {cases[i].unknown, NULL};
        eval_result out;
        result_init(&out);

        /* NotPrincipal replaces Principal, which it may not appear beside. */
        if (strstr(cases[i].unknown, "NotPrincipal")) {
            eval_object(&op_iam_public_principal, NULL,
                        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\","
                        " \"Resource\": \"arn:aws:s3:::b/*\"}]}",
                        paths, NULL, &out);
        } else {
            eval_public_object(cases[i].principal, cases[i].condition,
                               cases[i].reference ? NULL : paths,
                               cases[i].reference ? paths : NULL, &out);
        }
        expect_tv(&out, cases[i].expected, cases[i].label);
        if (cases[i].path)
            ck_assert_msg(strcmp(sb_str(&out.path), cases[i].path) == 0, "%s: path %s",
                          cases[i].label, sb_str(&out.path));
        result_free(&out);
    }
}
END_TEST

START_TEST(public_principal_source_ip_cover)
{
    static const struct {
        const char *condition;
        tv expected;
    } cases[] = {
        /* Blocks that together cover a whole family pin nothing. */
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/1\", \"128.0.0.0/1\"]}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"::/1\", \"8000::/1\"]}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/2\", \"64.0.0.0/2\", \"128.0.0.0/1\"]}}",
         TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"128.0.0.0/1\", \"2001:db8::/32\","
         " \"0.0.0.0/1\"]}}",
         TV_TRUE},
        {"{\"ForAnyValue:IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/1\", \"128.0.0.0/1\"]}}",
         TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.5/0\"}}", TV_TRUE},
        /* Half of a family, or blocks with a gap, still pin. */
        {"{\"IpAddress\": {\"aws:SourceIp\": \"0.0.0.0/1\"}}", TV_FALSE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/1\", \"128.0.0.0/2\"]}}", TV_FALSE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/1\", \"8000::/1\"]}}", TV_FALSE},
        /* An address alone is read as /32. */
        {"{\"IpAddress\": {\"aws:SourceIp\": \"198.51.100.7\"}}", TV_FALSE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"2001:db8::1\"}}", TV_FALSE},
        /* A value that is no address or block pins nothing. */
        {"{\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/33\"}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\", \"010.0.0.0/8\"]}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": \"office\"}}", TV_TRUE},
        {"{\"IpAddress\": {\"aws:SourceIp\": 203}}", TV_TRUE},
        /* NotIpAddress pins nothing, even when it leaves no address. */
        {"{\"NotIpAddress\": {\"aws:SourceIp\": [\"0.0.0.0/0\", \"::/0\"]}}", TV_TRUE},
        {"{\"NotIpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}", TV_TRUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_public("\"*\"", cases[i].condition, &out);
        expect_tv(&out, cases[i].expected, cases[i].condition);
        result_free(&out);
    }
}
END_TEST

START_TEST(public_principal_wildcard_values)
{
    static const struct {
        const char *condition;
        tv expected;
    } cases[] = {
        /* A wildcard after the part that names the account or
         * organization leaves the caller pinned. */
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/*\"}}", TV_FALSE},
        {"{\"StringLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/*\"}}",
         TV_FALSE},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::111122223333:role/${aws:username}\"}}",
         TV_FALSE},
        {"{\"ArnEquals\": {\"aws:SourceArn\": \"arn:aws:sns:*:111122223333:*\"}}", TV_FALSE},
        {"{\"ArnLike\": {\"s3:DataAccessPointArn\":"
         " \"arn:aws:s3:us-east-1:111122223333:accesspoint/*\"}}",
         TV_FALSE},
        {"{\"ForAnyValue:StringLike\": {\"aws:PrincipalOrgPaths\":"
         " [\"o-abc123/r-ab12/ou-ab12-11111111/*\"]}}",
         TV_FALSE},
        {"{\"ForAnyValue:StringLike\": {\"aws:PrincipalOrgPaths\": [\"o-abc123/*\","
         " \"o-def456/r-cd34/*\"]}}",
         TV_FALSE},
        {"{\"StringLike\": {\"aws:SourceOrgPaths\": \"o-abc123/*\"}}", TV_FALSE},
        {"{\"StringLike\": {\"aws:userid\": \"AROAEXAMPLE:*\"}}", TV_FALSE},
        {"{\"StringLike\": {\"aws:userid\": \"111122223333:*\"}}", TV_FALSE},
        /* A wildcard or variable in that part pins nothing. */
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::*:role/reader\"}}", TV_TRUE},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::1111*:role/reader\"}}", TV_TRUE},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::11112222333?:role/reader\"}}",
         TV_TRUE},
        {"{\"ArnLike\": {\"aws:PrincipalArn\":"
         " \"arn:aws:iam::${aws:PrincipalAccount}:role/reader\"}}",
         TV_TRUE},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": \"arn:${aws:x}:111122223333:role/reader\"}}",
         TV_TRUE},
        {"{\"ArnLike\": {\"aws:SourceArn\": \"*\"}}", TV_TRUE},
        {"{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:sns:us-east-1:*\"}}", TV_TRUE},
        {"{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:s3:::logs-*\"}}", TV_TRUE},
        /* StringLike's "*" spans colons, so it must not come before the
         * account: this one matches
         * arn:aws:sns:us-east-1:999999999999:x:111122223333:y. */
        {"{\"StringLike\": {\"aws:SourceArn\": \"arn:aws:sns:*:111122223333:*\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:PrincipalOrgPaths\": \"*/ou-ab12-22222222/*\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:PrincipalOrgPaths\": \"o-abc*\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:PrincipalOrgPaths\": \"/r-ab12/*\"}}", TV_TRUE},
        {"{\"ForAnyValue:StringLike\": {\"aws:PrincipalOrgPaths\": [\"o-abc123/*\", \"*\"]}}",
         TV_TRUE},
        {"{\"StringLike\": {\"aws:PrincipalOrgID\": \"o-*\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:SourceAccount\": \"11112222333?\"}}", TV_TRUE},
        {"{\"StringEquals\": {\"aws:SourceAccount\": \"${aws:PrincipalAccount}\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:userid\": \"AROA*\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:userid\": \"*:session\"}}", TV_TRUE},
        {"{\"StringLike\": {\"aws:userid\": \":*\"}}", TV_TRUE},
        /* An anonymous caller's aws:userid is "anonymous". */
        {"{\"StringEquals\": {\"aws:userid\": \"anonymous\"}}", TV_TRUE},
        {"{\"StringEqualsIgnoreCase\": {\"aws:userid\": [\"AIDAEXAMPLE\", \"Anonymous\"]}}",
         TV_TRUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_public("\"*\"", cases[i].condition, &out);
        expect_tv(&out, cases[i].expected, cases[i].condition);
        result_free(&out);
    }
}
END_TEST

START_TEST(wildcard_action_services)
{
    static const struct {
        const char *action;
        const char *services;
        tv expected;
    } cases[] = {
        {"\"s3:*\"", "[\"s3\"]", TV_TRUE},
        {"\"S3:*\"", "[\"s3\"]", TV_TRUE},
        {"\"s3:*\"", "[\"S3\"]", TV_TRUE},
        {"[\"s3:GetObject\", \"*\"]", "[\"s3\"]", TV_TRUE},
        {"\"*:*\"", "[\"kms\"]", TV_TRUE},
        {"\"s3:List*\"", "[\"s3\"]", TV_FALSE},
        {"[\"s3:Get*\", \"s3:Put*\"]", "[\"s3\"]", TV_FALSE},
        {"\"ec2:*\"", "[\"s3\"]", TV_FALSE},
        {"\"ec2:*\"", "[\"s3\", \"ec2\"]", TV_TRUE},
        {"\"s3-object-lambda:*\"", "[\"s3\"]", TV_FALSE},
        /* Patterns that match every action of the service. */
        {"\"s3:?*\"", "[\"s3\"]", TV_TRUE},
        {"\"s3:**\"", "[\"s3\"]", TV_TRUE},
        {"\"s*:*\"", "[\"s3\"]", TV_TRUE},
        {"\"?*\"", "[\"s3\"]", TV_TRUE},
        {"[\"s3:?\", \"s3:??*\"]", "[\"s3\"]", TV_TRUE},
        {"\"s3:??*\"", "[\"s3\"]", TV_FALSE},
        {"\"s3:* \"", "[\"s3\"]", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char policy[256], params[64];
        snprintf(policy, sizeof(policy),
                 "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": %s,"
                 " \"Resource\": \"arn:aws:s3:::b\"}]}",
                 cases[i].action);
        snprintf(params, sizeof(params), "{\"services\": %s}", cases[i].services);
        eval_result out;
        result_init(&out);
        eval_text(&op_iam_wildcard_action, params, policy, &out);
        expect_tv(&out, cases[i].expected, cases[i].action);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"S3:*\"],"
              " \"Resource\": \"*\"}]}",
              &out);
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].Action");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows Action \"S3:*\"");

    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "Deny s3:*");
    result_free(&out);
}
END_TEST

START_TEST(wildcard_not_action)
{
    eval_result out;
    result_init(&out);
    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": [\"ec2:*\"],"
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "NotAction other service");
    ck_assert_str_eq(sb_str(&out.path), "policy.Statement[0].NotAction");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows every action except NotAction "
                                        "[\"ec2:*\"], which leaves every s3 action allowed");

    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:DeleteBucket\","
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "NotAction one s3 action");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows every action except those NotAction "
                                        "lists (\"s3:DeleteBucket\"), which leaves the other s3 "
                                        "actions allowed");

    /* Patterns that together leave out every s3 action. */
    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": [\"s3:?\", \"s3:??*\"],"
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "NotAction every s3 action together");
    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:?\", \"s3:??*\"],"
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_TRUE, "Action every s3 action together");
    ck_assert_str_eq(sb_str(&out.note), "statement 0 allows Action [\"s3:?\", \"s3:??*\"], which "
                                        "together match every s3 action");

    eval_text(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
              "{\"Statement\": [{\"Effect\": \"Allow\", \"NotAction\": \"s3:*\","
              " \"Resource\": \"*\"}]}",
              &out);
    expect_tv(&out, TV_FALSE, "NotAction the whole service");

    static const char *const unknown[] = {"policy.Statement[0].Action", NULL};
    eval_object(&op_iam_wildcard_action, "{\"services\": [\"s3\"]}",
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": null, \"Resource\": \"*\"}]}",
                unknown, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown action");
    result_free(&out);
}
END_TEST

START_TEST(compile_rejects_bad_services)
{
    static const char *const specs[] = {
        "{}",
        "{\"services\": \"s3\"}",
        "{\"services\": []}",
        "{\"services\": [3]}",
        "{\"services\": [\"s3:*\"]}",
        "{\"services\": [\"\"]}",
    };
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        json_t *spec = json_loads(specs[i], 0, NULL);
        void *state = NULL;
        strbuf error = STRBUF_INIT;
        ck_assert_msg(op_iam_wildcard_action.compile(&state, spec, &error) == -1,
                      "accepted %s", specs[i]);
        ck_assert_msg(strstr(sb_str(&error), "\"services\"") != NULL, "%s", sb_str(&error));
        sb_free(&error);
        json_decref(spec);
    }
    ck_assert_ptr_null(op_iam_admin.params[0]);
    ck_assert_str_eq(op_iam_wildcard_action.params[0], "services");
    ck_assert_ptr_null(op_iam_wildcard_action.params[1]);
}
END_TEST

START_TEST(action_patterns)
{
    ck_assert(iam_action_matches("s3:Get*", "S3:GETOBJECT"));
    ck_assert(iam_action_matches("ec2:Describe?nstances", "ec2:DescribeInstances"));
    ck_assert(!iam_action_matches("s3:Get*", "s3:PutObject"));
    ck_assert(iam_action_matches("*", "iam:CreateUser"));

    ck_assert(iam_pattern_covers_service("iam:*", "iam"));
    ck_assert(iam_pattern_covers_service("i*", "iam"));
    ck_assert(iam_pattern_covers_service("*am:*", "iam"));
    ck_assert(iam_pattern_covers_service("i*:*", "iam"));
    ck_assert(iam_pattern_covers_service("*", "iam"));
    ck_assert(!iam_pattern_covers_service("iam:Get*", "iam"));
    ck_assert(!iam_pattern_covers_service("iam:", "iam"));
    ck_assert(!iam_pattern_covers_service("s3:*", "iam"));
    ck_assert(!iam_pattern_covers_service("", "iam"));

    ck_assert(iam_pattern_covers_all_actions("*"));
    ck_assert(iam_pattern_covers_all_actions("*:*"));
    ck_assert(iam_pattern_covers_all_actions("**:*"));
    ck_assert(!iam_pattern_covers_all_actions("*:"));
    ck_assert(!iam_pattern_covers_all_actions("s3:*"));
    ck_assert(!iam_pattern_covers_all_actions(""));

    /* Patterns that match every action without being "*". */
    static const char *const every_action[] = {"?*", "*?", "**", "??*", "???*", "*:?*", "?*:?*"};
    for (size_t i = 0; i < sizeof(every_action) / sizeof(every_action[0]); i++)
        ck_assert_msg(iam_pattern_covers_all_actions(every_action[i]), "%s", every_action[i]);
    /* "a:b" has three characters, so four "?" leave it out. */
    static const char *const not_every_action[] = {"????*", "?:?*", "*a*", ":*", "*:"};
    for (size_t i = 0; i < sizeof(not_every_action) / sizeof(not_every_action[0]); i++)
        ck_assert_msg(!iam_pattern_covers_all_actions(not_every_action[i]), "%s",
                      not_every_action[i]);
    ck_assert(iam_pattern_covers_service("iam:?*", "iam"));
    ck_assert(iam_pattern_covers_service("IAM:**", "iam"));
    ck_assert(!iam_pattern_covers_service("iam:??*", "iam"));

    /* An action name starts with a letter, so every letter as the first
     * character covers the service, and digits add nothing. */
    const char *letters[36];
    char storage[36][8];
    for (int i = 0; i < 36; i++) {
        snprintf(storage[i], sizeof(storage[i]), "iam:%c*", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i]);
        letters[i] = storage[i];
    }
    ck_assert_int_eq(iam_patterns_cover_service(letters, 36, "iam"), IAM_COVER_YES);
    ck_assert_int_eq(iam_patterns_cover_service(letters, 26, "iam"), IAM_COVER_YES);
    ck_assert_int_eq(iam_patterns_cover_service(letters, 25, "iam"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_service(letters + 1, 35, "iam"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_service(letters + 26, 10, "iam"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_service(letters, 26, "s3"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_actions(letters, 36), IAM_COVER_NO);

    /* A service prefix may start with a letter, a digit or a hyphen. */
    const char *first_chars[37];
    char first_storage[37][4];
    for (int i = 0; i < 37; i++) {
        snprintf(first_storage[i], sizeof(first_storage[i]), "%c*",
                 "abcdefghijklmnopqrstuvwxyz0123456789-"[i]);
        first_chars[i] = first_storage[i];
    }
    ck_assert_int_eq(iam_patterns_cover_actions(first_chars, 37), IAM_COVER_YES);
    ck_assert_int_eq(iam_patterns_cover_actions(first_chars, 36), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_actions(first_chars, 26), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_service(first_chars, 26, "iam"), IAM_COVER_YES);

    /* Patterns without a wildcard complete the names the others miss:
     * "iam:??*" misses only the one-letter names. */
    const char *short_names[27];
    char short_storage[26][8];
    for (int i = 0; i < 26; i++) {
        snprintf(short_storage[i], sizeof(short_storage[i]), i % 2 ? "iam:%c" : "IAM:%c",
                 (i % 3 ? 'a' : 'A') + i);
        short_names[i] = short_storage[i];
    }
    short_names[26] = "iam:??*";
    ck_assert_int_eq(iam_patterns_cover_service(short_names, 27, "iam"), IAM_COVER_YES);
    ck_assert_int_eq(iam_patterns_cover_service(short_names + 1, 26, "iam"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_service(short_names, 26, "iam"), IAM_COVER_NO);
    short_names[26] = "iam:???*";
    ck_assert_int_eq(iam_patterns_cover_service(short_names, 27, "iam"), IAM_COVER_NO);
    const char *arns[] = {"arn:aws:s3:::bucket", "arn:aws:??*:*:*:*", "arn:aws:a:::x"};
    ck_assert_int_eq(iam_patterns_cover_resources(arns, 3), IAM_COVER_NO);

    /* Patterns without `*` never cover, however many and long they are. */
    size_t plain_count = 30000;
    const char **plain = malloc((plain_count + 1) * sizeof(*plain));
    char(*plain_storage)[32] = malloc(plain_count * sizeof(*plain_storage));
    ck_assert_ptr_nonnull(plain);
    ck_assert_ptr_nonnull(plain_storage);
    for (size_t i = 0; i < plain_count; i++) {
        snprintf(plain_storage[i], sizeof(plain_storage[i]), "iam:GetUser%zu?", i);
        plain[i] = plain_storage[i];
    }
    ck_assert_int_eq(iam_patterns_cover_service(plain, plain_count, "iam"), IAM_COVER_NO);
    ck_assert_int_eq(iam_patterns_cover_actions(plain, plain_count), IAM_COVER_NO);
    for (size_t i = 0; i < plain_count; i++)
        snprintf(plain_storage[i], sizeof(plain_storage[i]), "iam:GetUser%zu", i);
    ck_assert_int_eq(iam_patterns_cover_service(plain, plain_count, "iam"), IAM_COVER_NO);
    plain[plain_count] = "IAM:*";
    ck_assert_int_eq(iam_patterns_cover_service(plain, plain_count + 1, "iam"), IAM_COVER_YES);
    ck_assert_int_eq(iam_patterns_cover_actions(plain, plain_count + 1), IAM_COVER_NO);
    plain[plain_count] = "iam:GetUser?*";
    ck_assert_int_eq(iam_patterns_cover_service(plain, plain_count + 1, "iam"), IAM_COVER_NO);
    free(plain);
    free(plain_storage);

    iam_pattern_counts counts = iam_patterns_count(arns, 3);
    ck_assert_uint_eq(counts.wildcard_patterns, 1);
    ck_assert_uint_eq(counts.wildcard_chars, strlen("arn:aws:??*:*:*:*"));
    ck_assert_uint_eq(counts.plain_patterns, 2);

    static const struct {
        const char *pattern;
        iam_cover expected;
    } resources[] = {
        {"*", IAM_COVER_YES},
        {"arn:*", IAM_COVER_YES},
        {"arn:*:*", IAM_COVER_YES},
        {"arn:aws:*:*:*:*", IAM_COVER_YES},
        {"arn:aws-us-gov:*", IAM_COVER_YES},
        {"arn:aws:?*:*:*:?*", IAM_COVER_YES},
        {"arn:*:*:*:*:*", IAM_COVER_YES},
        {"arn:*:*:*:*:*:*", IAM_COVER_NO},
        {"arn:aws:*:*:*:??*", IAM_COVER_NO},
        {"arn:aws:s3:::*", IAM_COVER_NO},
        {"arn:aws:*:us-east-1:*:*", IAM_COVER_NO},
        {"arn:aws:*:*:111122223333:*", IAM_COVER_NO},
        {"arn:awsx:*", IAM_COVER_NO},
        {"Arn:*", IAM_COVER_NO},
        {"arn:aws", IAM_COVER_NO},
    };
    for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++)
        ck_assert_msg(iam_patterns_cover_resources(&resources[i].pattern, 1) ==
                          resources[i].expected,
                      "%s", resources[i].pattern);

    static const char *const touching[] = {"s3:GetObject", "s*", "*Object", "S3:?", "s3:*1"};
    for (size_t i = 0; i < sizeof(touching) / sizeof(touching[0]); i++)
        ck_assert_msg(iam_patterns_touch_service(&touching[i], 1, "s3"), "%s", touching[i]);
    static const char *const apart[] = {"ec2:*", "s3", "s3:", "s3-object-lambda:*", "s3:_x",
                                        "s3:1*"};
    for (size_t i = 0; i < sizeof(apart) / sizeof(apart[0]); i++)
        ck_assert_msg(!iam_patterns_touch_service(&apart[i], 1, "s3"), "%s", apart[i]);
}
END_TEST

/* Through the CloudFormation loader: a condition value built with Fn::Sub
 * from pseudo parameters is a concrete symbol and pins the caller, but a
 * symbol that holds a wildcard pins nothing, so the outcome is unknown. */
START_TEST(public_principal_cloudformation_symbols)
{
    static const struct {
        const char *condition;
        soc2_finding_status expected;
    } cases[] = {
        {"{\"StringEquals\": {\"aws:SourceAccount\": {\"Ref\": \"AWS::AccountId\"}}}",
         SOC2_FINDING_PASS},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": {\"Fn::Sub\": "
         "\"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/reader\"}}}",
         SOC2_FINDING_PASS},
        {"{\"ArnLike\": {\"aws:PrincipalArn\": {\"Fn::Sub\": "
         "\"arn:${AWS::Partition}:iam::*:role/reader\"}}}",
         SOC2_FINDING_UNKNOWN},
        {"{\"Bool\": {\"aws:SecureTransport\": \"true\"}}", SOC2_FINDING_FAIL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char template[2048];
        snprintf(template, sizeof(template),
                 "{\"Resources\": {\"Data\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": "
                 "{\"BucketName\": \"data-bucket\"}}, \"Policy\": {\"Type\": "
                 "\"AWS::S3::BucketPolicy\", \"Properties\": {\"Bucket\": {\"Ref\": \"Data\"}, "
                 "\"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": "
                 "\"*\", \"Action\": \"s3:GetObject\", \"Resource\": "
                 "\"arn:aws:s3:::data-bucket/*\", \"Condition\": %s}]}}}}}",
                 cases[i].condition);
        soc2_snapshot *s;
        soc2_engine *e;
        soc2_report *report;
        ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
        ck_assert_msg(soc2_snapshot_load_buffer(s, template, strlen(template), "t.json",
                                                SOC2_FORMAT_AUTO) == SOC2_OK,
                      "case %zu: %s", i, soc2_error_last()->message);
        ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
        ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
        const char *only[] = {"aws-s3-bucket-policy-no-public-principal"};
        soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
        options.rule_ids = only;
        options.rule_id_count = 1;
        ck_assert_int_eq(soc2_evaluate(&report, e, s, &options), SOC2_OK);
        soc2_finding_iterator *it;
        const soc2_finding *f;
        ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
        ck_assert_int_eq(soc2_finding_iterator_next(&f, it), SOC2_OK);
        ck_assert_str_eq(soc2_finding_resource_address(f), "Data");
        ck_assert_msg(soc2_finding_status_of(f) == cases[i].expected, "case %zu: %s (%s)", i,
                      soc2_finding_status_name(soc2_finding_status_of(f)),
                      soc2_finding_message(f));
        soc2_finding_iterator_free(it);
        soc2_report_free(report);
        soc2_engine_free(e);
        soc2_snapshot_free(s);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("ops_iam");

    TCase *fixtures = tcase_create("fixtures");
    tcase_add_checked_fixture(fixtures, setup, teardown);
    tcase_add_test(fixtures, admin_regula_terraform_plan);
    tcase_add_test(fixtures, bucket_policies_regula_plan);
    tcase_add_test(fixtures, sqs_queue_policies_cfn_nag);
    tcase_add_test(fixtures, webapp_bucket_policies_not_public);
    tcase_add_test(fixtures, pinning_by_unknown_source_arn);
    tcase_add_test(fixtures, admin_regula_cloudformation_shapes);
    suite_add_tcase(s, fixtures);

    TCase *cases = tcase_create("cases");
    tcase_add_checked_fixture(cases, setup, teardown);
    tcase_add_test(cases, admin_action_spellings);
    tcase_add_test(cases, admin_every_iam_action);
    tcase_add_test(cases, admin_patterns_too_intricate);
    tcase_add_test(cases, admin_many_plain_actions);
    tcase_add_test(cases, admin_wildcard_patterns_too_long);
    tcase_add_test(cases, policy_element_names);
    tcase_add_test(cases, policy_nul_characters);
    tcase_add_test(cases, admin_second_statement_named);
    tcase_add_test(cases, admin_not_action_keeps_iam);
    tcase_add_test(cases, admin_not_resource);
    tcase_add_test(cases, admin_unknown_parts);
    tcase_add_test(cases, policy_absent_or_empty);
    tcase_add_test(cases, policy_grammar_errors);
    tcase_add_test(cases, policy_invalid_json_string);
    tcase_add_test(cases, public_principal_spellings);
    tcase_add_test(cases, public_principal_conditions);
    tcase_add_test(cases, public_principal_unknown_parts);
    tcase_add_test(cases, public_principal_unknown_members);
    tcase_add_test(cases, public_principal_source_ip_cover);
    tcase_add_test(cases, public_principal_wildcard_values);
    tcase_add_test(cases, wildcard_action_services);
    tcase_add_test(cases, wildcard_not_action);
    tcase_add_test(cases, compile_rejects_bad_services);
    tcase_add_test(cases, action_patterns);
    tcase_add_test(cases, public_principal_cloudformation_symbols);
    suite_add_tcase(s, cases);
    return s;
}
