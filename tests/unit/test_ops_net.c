/* Unit tests for the network operators cidr_anywhere and port_open, on
 * security group rules from real templates and plans and on edge cases. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/cursor.h"
#include "model/model.h"
#include "rules/ops.h"
#include "util/strbuf.h"

static soc2_snapshot *snapshot;
static soc2_resource *target; /* what references in the tests point at */

static void setup(void)
{
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), 0);
    target = resource_new(snapshot, "aws_vpc.main", "aws_vpc", NULL, NULL, NULL);
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

/* Makes a security group holding `ingress` (stolen) with `unknown` paths
 * marked unknown and `references` paths marked unknown and recorded as
 * references to `target`. The lists may be NULL and end with NULL. */
static soc2_resource *group_resource(json_t *ingress, const char *const *unknown,
                                     const char *const *references)
{
    json_t *attrs = json_object();
    json_object_set_new(attrs, "ingress", ingress);
    json_t *mask = NULL;
    for (size_t i = 0; unknown && unknown[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, unknown[i]), 0);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(mask_mark_unknown(&mask, references[i]), 0);

    soc2_resource *r = resource_new(snapshot, "aws_security_group.test", "aws_security_group",
                                    NULL, attrs, mask);
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; references && references[i]; i++)
        ck_assert_int_eq(resource_add_edge(r, references[i], target->address, target), 0);
    return r;
}

/* Compiles `op` with `params` (JSON text, NULL for none) and evaluates it
 * at ingress[index], followed by `field` when that is not NULL. */
static tv run_op(const domain_op *op, const char *params, const soc2_resource *r, size_t index,
                 const char *field, eval_result *out)
{
    json_t *spec = json_loads(params ? params : "{}", 0, NULL);
    ck_assert_ptr_nonnull(spec);
    void *state = NULL;
    strbuf error = STRBUF_INIT;
    ck_assert_msg(op->compile(&state, spec, &error) == 0, "compile failed: %s", sb_str(&error));

    cursor root, ingress, rule, value;
    cursor_root(&root, r);
    cursor_child_key(&ingress, &root, "ingress");
    cursor_child_index(&rule, &ingress, index);
    const cursor *at = &rule;
    if (field) {
        cursor_child_key(&value, &rule, field);
        at = &value;
    }
    op->eval(state, at, out);

    op->free_state(state);
    json_decref(spec);
    sb_free(&error);
    return out->value;
}

/* Evaluates port_open with `params` on one rule written as JSON text. */
static tv eval_rule(const char *params, const char *rule, eval_result *out)
{
    json_t *value = json_loads(rule, JSON_DECODE_ANY, NULL);
    ck_assert_msg(value != NULL, "test rule is not JSON: %s", rule);
    soc2_resource *r = group_resource(json_pack("[o]", value), NULL, NULL);
    tv verdict = run_op(&op_port_open, params, r, 0, NULL, out);
    resource_free(r);
    return verdict;
}

/* Evaluates cidr_anywhere on the value of ingress[0].cidr_blocks. */
static tv eval_blocks(json_t *blocks, const char *const *unknown, const char *const *references,
                      eval_result *out)
{
    soc2_resource *r = group_resource(json_pack("[{s:o}]", "cidr_blocks", blocks), unknown,
                                      references);
    tv verdict = run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", out);
    resource_free(r);
    return verdict;
}

static json_t *load_json(const char *relative)
{
    json_error_t error;
    json_t *root = json_load_file(data_path(relative), 0, &error);
    ck_assert_msg(root != NULL, "%s: %s (line %d)", relative, error.text, error.line);
    return root;
}

START_TEST(cidr_anywhere_spellings)
{
    static const struct {
        const char *block;
        tv expected;
    } cases[] = {
        {"0.0.0.0/0", TV_TRUE},
        {"::/0", TV_TRUE},
        {"0000:0000:0000:0000:0000:0000:0000:0000/0", TV_TRUE},
        {"0::/0", TV_TRUE},
        {"0000::/0", TV_TRUE},
        {"10.0.0.0/0", TV_TRUE},
        {"2001:db8::/0", TV_TRUE},
        {"2001:800::/21", TV_FALSE},
        {"10.0.0.0/8", TV_FALSE},
        {"0.0.0.0/1", TV_FALSE},
        {"0.0.0.0", TV_FALSE},
        {"::", TV_FALSE},
        {"0.0.0.0/33", TV_FALSE},
        {"::/129", TV_FALSE},
        {"0.0.0.0/", TV_FALSE},
        {"/0", TV_FALSE},
        {"0.0.0/0", TV_FALSE},
        {"0.0.0.0/0 ", TV_FALSE},
        {"0.0.0.0/-0", TV_FALSE},
        {"anywhere", TV_FALSE},
        {"", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_blocks(json_string(cases[i].block), NULL, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].block);
        eval_blocks(json_pack("[s]", cases[i].block), NULL, NULL, &out);
        expect_tv(&out, cases[i].expected, cases[i].block);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_blocks(json_integer(0), NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "a number");
    eval_blocks(json_null(), NULL, NULL, &out);
    expect_tv(&out, TV_FALSE, "missing");
    eval_blocks(json_string("::/0"), NULL, NULL, &out);
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks");
    ck_assert_str_eq(sb_str(&out.note), "\"::/0\" covers every IPv6 address");
    result_free(&out);
}
END_TEST

START_TEST(cidr_anywhere_deciding_element)
{
    json_t *ingress = json_pack("[{s:[s]}, {s:[]}, {s:[s, s], s:[s]}]", "cidr_blocks",
                                "10.0.0.0/8", "ipv6_cidr_blocks", "cidr_blocks", "10.0.0.0/16",
                                "192.168.0.0/16", "ipv6_cidr_blocks", "::/0");
    soc2_resource *r = group_resource(ingress, NULL, NULL);
    eval_result out;
    result_init(&out);
    run_op(&op_cidr_anywhere, NULL, r, 2, "ipv6_cidr_blocks", &out);
    expect_tv(&out, TV_TRUE, "ipv6 block");
    ck_assert_str_eq(sb_str(&out.path), "ingress[2].ipv6_cidr_blocks[0]");
    run_op(&op_cidr_anywhere, NULL, r, 2, "cidr_blocks", &out);
    expect_tv(&out, TV_FALSE, "private blocks");
    ck_assert_str_eq(sb_str(&out.path), "ingress[2].cidr_blocks");
    result_free(&out);
    resource_free(r);
}
END_TEST

START_TEST(cidr_anywhere_unknown_blocks)
{
    static const char *const first[] = {"ingress[0].cidr_blocks[0]", NULL};
    static const char *const whole[] = {"ingress[0].cidr_blocks", NULL};
    eval_result out;
    result_init(&out);

    eval_blocks(json_pack("[n, s]", "10.0.0.0/8"), first, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown and private");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[0]");

    eval_blocks(json_pack("[n, s]", "0.0.0.0/0"), first, NULL, &out);
    expect_tv(&out, TV_TRUE, "unknown and anywhere");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[1]");

    /* A reference is another resource's block: a concrete network. */
    eval_blocks(json_pack("[n, s]", "10.0.0.0/8"), NULL, first, &out);
    expect_tv(&out, TV_FALSE, "reference and private");
    eval_blocks(json_null(), NULL, whole, &out);
    expect_tv(&out, TV_FALSE, "whole list a reference");
    eval_blocks(json_null(), whole, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "whole list unknown");
    result_free(&out);
}
END_TEST

/* Builds the Terraform shape of one CloudFormation SecurityGroupIngress
 * entry: protocol, from_port, to_port and the CIDR lists. */
static json_t *terraform_rule(const json_t *entry)
{
    json_t *rule = json_object();
    static const char *const names[][2] = {
        {"IpProtocol", "protocol"}, {"FromPort", "from_port"}, {"ToPort", "to_port"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *value = json_object_get(entry, names[i][0]);
        if (value)
            json_object_set(rule, names[i][1], value);
    }
    json_t *v4 = json_object_get(entry, "CidrIp"), *v6 = json_object_get(entry, "CidrIpv6");
    json_object_set_new(rule, "cidr_blocks", v4 ? json_pack("[O]", v4) : json_array());
    json_object_set_new(rule, "ipv6_cidr_blocks", v6 ? json_pack("[O]", v6) : json_array());
    return rule;
}

static soc2_resource *cfn_group_resource(const json_t *template, const char *name)
{
    const json_t *group = json_object_get(json_object_get(template, "Resources"), name);
    const json_t *entries =
        json_object_get(json_object_get(group, "Properties"), "SecurityGroupIngress");
    ck_assert_msg(json_is_array(entries), "%s has no SecurityGroupIngress", name);

    json_t *ingress = json_array();
    size_t i;
    json_t *entry;
    json_array_foreach(entries, i, entry)
        json_array_append_new(ingress, terraform_rule(entry));
    return group_resource(ingress, NULL, NULL);
}

START_TEST(ipv6_groups_cfn_nag)
{
    static const struct {
        const char *name;
        tv anywhere;
    } cases[] = {
        {"InstanceSecurityGroup", TV_TRUE},   /* 0000:...:0000/0 */
        {"InstanceSecurityGroup2", TV_TRUE},  /* 0000::/0 */
        {"InstanceSecurityGroup3", TV_TRUE},  /* ::/0 */
        {"InstanceSecurityGroup4", TV_FALSE}, /* 2001:800::/21 */
    };
    json_t *template =
        load_json("cloudformation/cfn_nag/ipv6-security-groups-open-to-world.json");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        soc2_resource *r = cfn_group_resource(template, cases[i].name);
        eval_result out;
        result_init(&out);
        run_op(&op_cidr_anywhere, NULL, r, 0, "ipv6_cidr_blocks", &out);
        expect_tv(&out, cases[i].anywhere, cases[i].name);
        run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        /* Ports written as strings: "22". */
        run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
        expect_tv(&out, TV_TRUE, cases[i].name);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0]");
        ck_assert_str_eq(sb_str(&out.note), "tcp ports 22-22 include port 22");
        run_op(&op_port_open, "{\"port\": 3389}", r, 0, NULL, &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        run_op(&op_port_open, "{\"port\": 22, \"protocols\": [\"udp\"]}", r, 0, NULL, &out);
        expect_tv(&out, TV_FALSE, cases[i].name);
        result_free(&out);
        resource_free(r);
    }
    json_decref(template);
}
END_TEST

START_TEST(all_traffic_load_balancer_group)
{
    /* PublicLoadBalancerSG: IpProtocol -1 (a number) and no ports. */
    json_t *template =
        load_json("cloudformation/aws-cloudformation-templates/ecs-ec2-private-vpc.json");
    soc2_resource *r = cfn_group_resource(template, "PublicLoadBalancerSG");
    static const long ports[] = {0, 22, 80, 3389, 65535};
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        char params[64];
        snprintf(params, sizeof(params), "{\"port\": %ld, \"protocols\": [\"udp\"]}", ports[i]);
        eval_result out;
        result_init(&out);
        run_op(&op_port_open, params, r, 0, NULL, &out);
        expect_tv(&out, TV_TRUE, params);
        ck_assert_str_eq(sb_str(&out.path), "ingress[0].protocol");
        result_free(&out);
    }
    eval_result out;
    result_init(&out);
    run_op(&op_cidr_anywhere, NULL, r, 0, "cidr_blocks", &out);
    expect_tv(&out, TV_TRUE, "0.0.0.0/0");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].cidr_blocks[0]");
    result_free(&out);
    resource_free(r);
    json_decref(template);
}
END_TEST

/* Evaluates port_open on after.ingress[0] of a planned security group. */
static tv eval_plan_rule(const json_t *plan, const char *address, const char *params,
                         const char *field, const domain_op *op, eval_result *out)
{
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(plan, "resource_changes"), i, change) {
        if (strcmp(json_string_value(json_object_get(change, "address")), address) != 0)
            continue;
        json_t *after = json_object_get(json_object_get(change, "change"), "after");
        soc2_resource *r = group_resource(json_deep_copy(json_object_get(after, "ingress")),
                                          NULL, NULL);
        tv verdict = run_op(op, params, r, 0, field, out);
        resource_free(r);
        return verdict;
    }
    ck_abort_msg("no resource %s in the plan", address);
    return TV_ERROR;
}

START_TEST(ingress_ranges_regula_plans)
{
    static const struct {
        const char *file;  /* iam/regula/<file>_infra.json */
        const char *group; /* aws_security_group.<group> */
        long port;
        tv open;
        tv anywhere;
    } cases[] = {
        {"ingress_anywhere", "valid_exact_80", 80, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_80", 443, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_443", 443, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "valid_exact_443", 80, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_80", 80, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_80", 82, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_443", 443, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_include_443", 80, TV_FALSE, TV_TRUE},
        {"ingress_anywhere", "invalid_allow_all", 0, TV_TRUE, TV_TRUE},
        {"ingress_anywhere", "invalid_allow_all", 65535, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_1", 22, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_2", 22, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_ssh", "invalid_sg_2", 26, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_ssh", "valid_sg_1", 22, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_ssh", "valid_sg_2", 22, TV_TRUE, TV_FALSE},
        {"ingress_anywhere_rdp", "invalid_sg_1", 3389, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_rdp", "invalid_sg_2", 3389, TV_TRUE, TV_TRUE},
        {"ingress_anywhere_rdp", "valid_sg_1", 3389, TV_FALSE, TV_TRUE},
        {"ingress_anywhere_rdp", "valid_sg_2", 3389, TV_TRUE, TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char relative[128], address[128], params[64], label[160];
        snprintf(relative, sizeof(relative), "iam/regula/%s_infra.json", cases[i].file);
        snprintf(address, sizeof(address), "aws_security_group.%s", cases[i].group);
        snprintf(params, sizeof(params), "{\"port\": %ld}", cases[i].port);
        snprintf(label, sizeof(label), "%s port %ld", address, cases[i].port);
        json_t *plan = load_json(relative);
        eval_result out;
        result_init(&out);
        eval_plan_rule(plan, address, params, NULL, &op_port_open, &out);
        expect_tv(&out, cases[i].open, label);
        eval_plan_rule(plan, address, NULL, "cidr_blocks", &op_cidr_anywhere, &out);
        expect_tv(&out, cases[i].anywhere, label);
        result_free(&out);
        json_decref(plan);
    }
}
END_TEST

START_TEST(port_open_protocols)
{
    static const struct {
        const char *params;
        const char *rule;
        tv expected;
    } cases[] = {
        {"{\"port\": 22}", "{\"protocol\": \"tcp\", \"from_port\": 22, \"to_port\": 22}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"6\", \"from_port\": 22, \"to_port\": 22}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": 6, \"from_port\": \"22\", \"to_port\": \"22\"}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"TCP\", \"from_port\": 0, \"to_port\": 1024}", TV_TRUE},
        /* ICMP ports are a type and a code, not ports. */
        {"{\"port\": 22}", "{\"protocol\": \"icmp\", \"from_port\": 22, \"to_port\": 22}", TV_FALSE},
        {"{\"port\": 22}", "{\"protocol\": \"1\", \"from_port\": -1, \"to_port\": -1}", TV_FALSE},
        {"{\"port\": 22}", "{\"protocol\": \"udp\", \"from_port\": 22, \"to_port\": 22}", TV_FALSE},
        {"{\"port\": 53, \"protocols\": [\"udp\"]}",
         "{\"protocol\": \"17\", \"from_port\": 53, \"to_port\": 53}", TV_TRUE},
        {"{\"port\": 53, \"protocols\": [\"tcp\", \"udp\"]}",
         "{\"protocol\": \"udp\", \"from_port\": 53, \"to_port\": 53}", TV_TRUE},
        {"{\"port\": 53, \"protocols\": [\"UDP\"]}",
         "{\"protocol\": \"tcp\", \"from_port\": 53, \"to_port\": 53}", TV_FALSE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": 8, \"to_port\": 0}", TV_TRUE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": -1, \"to_port\": -1}", TV_TRUE},
        {"{\"port\": 8, \"protocols\": [\"icmp\"]}",
         "{\"protocol\": \"icmp\", \"from_port\": 0, \"to_port\": 0}", TV_FALSE},
        {"{\"port\": 128, \"protocols\": [\"icmpv6\"]}",
         "{\"protocol\": \"58\", \"from_port\": 128, \"to_port\": 0}", TV_TRUE},
        /* All traffic, whatever the ports are. */
        {"{\"port\": 22}", "{\"protocol\": \"-1\", \"from_port\": 0, \"to_port\": 0}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": -1}", TV_TRUE},
        {"{\"port\": 22}", "{\"protocol\": \"all\", \"from_port\": 80, \"to_port\": 80}", TV_TRUE},
        {"{\"port\": 22, \"protocols\": [\"icmp\"]}", "{\"protocol\": \"ALL\"}", TV_TRUE},
        /* A protocol no condition lists, such as ESP. */
        {"{\"port\": 22}", "{\"protocol\": \"50\", \"from_port\": 0, \"to_port\": 0}", TV_FALSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eval_result out;
        result_init(&out);
        eval_rule(cases[i].params, cases[i].rule, &out);
        expect_tv(&out, cases[i].expected, cases[i].rule);
        result_free(&out);
    }
}
END_TEST

START_TEST(port_open_ranges)
{
    static const struct {
        long port;
        const char *rule;
        tv expected;
    } cases[] = {
        {65535, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 65535}", TV_TRUE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 65535}", TV_TRUE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 0, \"to_port\": 0}", TV_TRUE},
        {65535, "{\"protocol\": \"tcp\", \"from_port\": 1, \"to_port\": 65534}", TV_FALSE},
        {0, "{\"protocol\": \"tcp\", \"from_port\": 1, \"to_port\": 65534}", TV_FALSE},
        {79, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_TRUE},
        {81, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_TRUE},
        {78, "{\"protocol\": \"tcp\", \"from_port\": 79, \"to_port\": 81}", TV_FALSE},
        /* AWS rejects from_port above to_port, so such a range contains no port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": 25, \"to_port\": 20}", TV_FALSE},
        /* -1 or no ports at all means every port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": -1, \"to_port\": -1}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\", \"from_port\": 80, \"to_port\": -1}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\"}", TV_TRUE},
        {22, "{\"protocol\": \"tcp\", \"from_port\": null, \"to_port\": null}", TV_TRUE},
        /* A missing to_port is from_port. */
        {22, "{\"protocol\": \"tcp\", \"from_port\": 22}", TV_TRUE},
        {23, "{\"protocol\": \"tcp\", \"from_port\": 22}", TV_FALSE},
        {22, "{\"protocol\": \"tcp\", \"to_port\": 22}", TV_TRUE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char params[64];
        snprintf(params, sizeof(params), "{\"port\": %ld}", cases[i].port);
        eval_result out;
        result_init(&out);
        eval_rule(params, cases[i].rule, &out);
        expect_tv(&out, cases[i].expected, cases[i].rule);
        result_free(&out);
    }

    eval_result out;
    result_init(&out);
    eval_rule("{\"port\": 443}", "{\"protocol\": \"tcp\", \"from_port\": 442, \"to_port\": 444}",
              &out);
    ck_assert_str_eq(sb_str(&out.path), "ingress[0]");
    ck_assert_str_eq(sb_str(&out.note), "tcp ports 442-444 include port 443");
    eval_rule("{\"port\": 80}", "{\"protocol\": \"tcp\", \"from_port\": 442, \"to_port\": 444}",
              &out);
    ck_assert_str_eq(sb_str(&out.note), "tcp ports 442-444 do not include port 80");
    result_free(&out);
}
END_TEST

START_TEST(port_open_unknown_and_invalid)
{
    eval_result out;
    result_init(&out);

    static const char *const protocol[] = {"ingress[0].protocol", NULL};
    soc2_resource *r = group_resource(json_pack("[{s:n, s:i, s:i}]", "protocol", "from_port",
                                                443, "to_port", 443),
                                      protocol, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown protocol");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].protocol");
    resource_free(r);

    static const char *const to_port[] = {"ingress[0].to_port", NULL};
    r = group_resource(json_pack("[{s:s, s:i, s:n}]", "protocol", "tcp", "from_port", 20,
                                 "to_port"),
                       to_port, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown to_port");
    ck_assert_str_eq(sb_str(&out.path), "ingress[0].to_port");
    resource_free(r);

    static const char *const rule[] = {"ingress[0]", NULL};
    r = group_resource(json_pack("[n]"), rule, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_UNKNOWN, "unknown rule");
    resource_free(r);

    r = group_resource(json_array(), NULL, NULL);
    run_op(&op_port_open, "{\"port\": 22}", r, 0, NULL, &out);
    expect_tv(&out, TV_FALSE, "missing rule");
    resource_free(r);

    static const struct {
        const char *rule;
        const char *path;
    } invalid[] = {
        {"{\"from_port\": 22, \"to_port\": 22}", "ingress[0]"},
        {"{\"protocol\": \"tcp\", \"from_port\": \"ssh\", \"to_port\": 22}", "ingress[0].from_port"},
        {"{\"protocol\": \"tcp\", \"from_port\": 22.5, \"to_port\": 22}", "ingress[0].from_port"},
        {"{\"protocol\": \"gre\", \"from_port\": 22, \"to_port\": 22}", "ingress[0].protocol"},
        {"{\"protocol\": true}", "ingress[0].protocol"},
        {"\"tcp/22\"", "ingress[0]"},
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        eval_rule("{\"port\": 22}", invalid[i].rule, &out);
        expect_tv(&out, TV_ERROR, invalid[i].rule);
        ck_assert_str_eq(sb_str(&out.path), invalid[i].path);
        ck_assert_msg(strncmp(sb_str(&out.note), invalid[i].path, strlen(invalid[i].path)) == 0,
                      "%s", sb_str(&out.note));
    }
    result_free(&out);
}
END_TEST

START_TEST(port_open_compile_errors)
{
    static const struct {
        const char *spec;
        const char *member;
    } cases[] = {
        {"{}", "\"port\""},
        {"{\"port\": \"22\"}", "\"port\""},
        {"{\"port\": 22.0}", "\"port\""},
        {"{\"port\": -1}", "\"port\""},
        {"{\"port\": 65536}", "\"port\""},
        {"{\"port\": 22, \"protocols\": \"tcp\"}", "\"protocols\""},
        {"{\"port\": 22, \"protocols\": []}", "\"protocols\""},
        {"{\"port\": 22, \"protocols\": [\"tcp\", \"sctp\"]}", "\"protocols\"[1]"},
        {"{\"port\": 22, \"protocols\": [6]}", "\"protocols\"[0]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *spec = json_loads(cases[i].spec, 0, NULL);
        void *state = NULL;
        strbuf error = STRBUF_INIT;
        ck_assert_msg(op_port_open.compile(&state, spec, &error) == -1, "accepted %s",
                      cases[i].spec);
        ck_assert_msg(strstr(sb_str(&error), cases[i].member) != NULL, "%s: %s", cases[i].spec,
                      sb_str(&error));
        sb_free(&error);
        json_decref(spec);
    }
    ck_assert_str_eq(op_port_open.params[0], "port");
    ck_assert_str_eq(op_port_open.params[1], "protocols");
    ck_assert_ptr_null(op_port_open.params[2]);
    ck_assert_ptr_null(op_cidr_anywhere.params[0]);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("ops_net");

    TCase *fixtures = tcase_create("fixtures");
    tcase_add_checked_fixture(fixtures, setup, teardown);
    tcase_add_test(fixtures, ipv6_groups_cfn_nag);
    tcase_add_test(fixtures, all_traffic_load_balancer_group);
    tcase_add_test(fixtures, ingress_ranges_regula_plans);
    suite_add_tcase(s, fixtures);

    TCase *cases = tcase_create("cases");
    tcase_add_checked_fixture(cases, setup, teardown);
    tcase_add_test(cases, cidr_anywhere_spellings);
    tcase_add_test(cases, cidr_anywhere_deciding_element);
    tcase_add_test(cases, cidr_anywhere_unknown_blocks);
    tcase_add_test(cases, port_open_protocols);
    tcase_add_test(cases, port_open_ranges);
    tcase_add_test(cases, port_open_unknown_and_invalid);
    tcase_add_test(cases, port_open_compile_errors);
    suite_add_tcase(s, cases);
    return s;
}
