/* Unit tests for Terraform address parsing, the instance index behind
 * reference resolution, and which instances a reference ends at.
 * Resolution through modules is tested end to end in test_tfplan.c. */
#include <string.h>

#include "harness.h"
#include "load/tfrefs.h"
#include "model/model.h"

typedef struct address_case {
    const char *address;
    size_t module_len;
    size_t base_len;
    const char *key; /* NULL when the address has none */
    int data;
} address_case;

static const address_case good_addresses[] = {
    {"aws_vpc.main", 0, 12, NULL, 0},
    {"aws_vpc.main[0]", 0, 12, "0", 0},
    {"aws_vpc.main[\"eu-west-1\"]", 0, 12, "\"eu-west-1\"", 0},
    {"module.net.aws_vpc.main", 10, 23, NULL, 0},
    {"module.net[\"a\"].module.sub[2].aws_subnet.s[1]", 29, 42, "1", 0},
    {"data.aws_ami.ubuntu", 0, 19, NULL, 1},
    {"module.m[0].data.aws_ami.ubuntu", 11, 31, NULL, 1},
    {"module.sg[\"a.b]c\"].aws_security_group.x", 18, 39, NULL, 0},
    {"aws_s3_bucket.b[\"say \\\"hi\\\"\"]", 0, 15, "\"say \\\"hi\\\"\"", 0},
    {"aws_iam_role.my-role", 0, 20, NULL, 0},
};

START_TEST(parse_address_parts)
{
    const address_case *c = &good_addresses[_i];
    tf_address parts;
    ck_assert_msg(tfrefs_parse_address(c->address, &parts) == 0, "rejected %s", c->address);
    ck_assert_uint_eq(parts.module_len, c->module_len);
    ck_assert_uint_eq(parts.base_len, c->base_len);
    ck_assert_int_eq(parts.data, c->data);
    if (c->key) {
        ck_assert_ptr_nonnull(parts.key);
        ck_assert_uint_eq(parts.key_len, strlen(c->key));
        ck_assert(memcmp(parts.key, c->key, parts.key_len) == 0);
    } else {
        ck_assert_ptr_null(parts.key);
    }
}
END_TEST

START_TEST(parse_address_rejects_malformed)
{
    static const char *const bad[] = {
        "", "aws_vpc", "aws_vpc.", ".aws_vpc.main", "module.net", "module.net.aws_vpc",
        "aws_vpc.main.id", "aws_vpc.main[0][1]", "aws_vpc.main[]", "aws_vpc.main[abc]",
        "aws_vpc.main[\"open", "aws_vpc.main[\"open\\", "aws_vpc.main[0", "aws_vpc main",
        "module[0].aws_vpc.main", "aws_vpc.main[0].x", "data.aws_ami",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tf_address parts;
        ck_assert_msg(tfrefs_parse_address(bad[i], &parts) == -1, "accepted %s", bad[i]);
    }
}
END_TEST

START_TEST(index_groups_instances)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    static const char *const addresses[] = {
        "module.a[\"x\"].aws_vpc.v[0]",
        "module.a[\"y\"].aws_vpc.v[0]",
        "module.a[\"x\"].aws_vpc.v[1]",
        "aws_vpc.v",
    };
    soc2_resource *resources[4];
    tfrefs refs;
    tfrefs_init(&refs, NULL);
    for (size_t i = 0; i < 4; i++) {
        resources[i] = resource_new(s, addresses[i], "aws_vpc", NULL, NULL, NULL);
        ck_assert_ptr_nonnull(resources[i]);
        ck_assert_int_eq(tfrefs_add_instance(&refs, resources[i]), SOC2_OK);
    }

    /* One configuration block in module.a, in plan order. */
    size_t first = tfrefs_first_of_config(&refs, "module.a", "aws_vpc.v");
    ck_assert_uint_eq(first, 1);
    ck_assert_uint_eq(refs.instances[0].next_same_config, 2);
    ck_assert_uint_eq(refs.instances[1].next_same_config, 3);
    ck_assert_uint_eq(refs.instances[2].next_same_config, 0);
    ck_assert_uint_eq(tfrefs_first_of_config(&refs, "", "aws_vpc.v"), 4);
    ck_assert_uint_eq(tfrefs_first_of_config(&refs, "module.b", "aws_vpc.v"), 0);

    /* Two module instances of one call. */
    ck_assert_uint_eq(refs.module_count, 2);
    ck_assert_uint_eq(refs.modules[0].key_len, 3);
    ck_assert(memcmp(refs.modules[0].key, "\"x\"", 3) == 0);
    ck_assert_uint_eq(refs.modules[0].next_same_call, 2);

    /* A resource whose address does not parse is rejected. */
    soc2_resource *bad = resource_new(s, "module.only", "aws_vpc", NULL, NULL, NULL);
    ck_assert_int_eq(tfrefs_add_instance(&refs, bad), SOC2_EFORMAT);
    ck_assert_uint_eq(refs.count, 4);

    tfrefs_free(&refs);
    resource_free(bad);
    for (size_t i = 0; i < 4; i++)
        resource_free(resources[i]);
    soc2_snapshot_free(s);
}
END_TEST

/* Targets that tfrefs_resolve() reported, with their flags. */
typedef struct found_targets {
    const soc2_resource *targets[8];
    unsigned flags[8];
    size_t count;
} found_targets;

static int collect_target(void *context, soc2_resource *target, unsigned flags)
{
    found_targets *found = context;
    ck_assert_uint_lt(found->count, 8);
    found->targets[found->count] = target;
    found->flags[found->count] = flags;
    found->count++;
    return SOC2_OK;
}

/* Resolves `reference` as written in the configuration of instance
 * `from` (an index into refs->instances). */
static found_targets resolve_one(tfrefs *refs, size_t from, const char *reference)
{
    found_targets found = {{NULL}, {0}, 0};
    json_t *references = json_pack("[s]", reference);
    ck_assert_ptr_nonnull(references);
    ck_assert_int_eq(tfrefs_resolve(refs, &refs->instances[from], references, collect_target,
                                    &found),
                     SOC2_OK);
    json_decref(references);
    return found;
}

START_TEST(resolve_flags_ambiguous_instances)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    static const char *const addresses[] = {
        "aws_vpc.v[\"a\"]",     "aws_vpc.v[\"b\"]", "aws_flow_log.f[\"a\"]",
        "aws_flow_log.f[\"x\"]", "aws_flow_log.g",   "aws_vpc.one[\"only\"]",
    };
    enum { VPC_A, VPC_B, LOG_A, LOG_X, LOG_G, VPC_ONE, COUNT };
    soc2_resource *resources[COUNT];
    tfrefs refs;
    tfrefs_init(&refs, NULL);
    for (size_t i = 0; i < COUNT; i++) {
        const char *type = strncmp(addresses[i], "aws_vpc.", 8) == 0 ? "aws_vpc" : "aws_flow_log";
        resources[i] = resource_new(s, addresses[i], type, NULL, NULL, NULL);
        ck_assert_ptr_nonnull(resources[i]);
        ck_assert_int_eq(tfrefs_add_instance(&refs, resources[i]), SOC2_OK);
    }

    /* The instance with the referrer's key: definite. */
    found_targets found = resolve_one(&refs, LOG_A, "aws_vpc.v");
    ck_assert_uint_eq(found.count, 1);
    ck_assert_ptr_eq(found.targets[0], resources[VPC_A]);
    ck_assert_uint_eq(found.flags[0], 0);

    /* No instance with the referrer's key: every instance, ambiguous. */
    found = resolve_one(&refs, LOG_X, "aws_vpc.v");
    ck_assert_uint_eq(found.count, 2);
    ck_assert_ptr_eq(found.targets[0], resources[VPC_A]);
    ck_assert_uint_eq(found.flags[0], EDGE_AMBIGUOUS);
    ck_assert_ptr_eq(found.targets[1], resources[VPC_B]);
    ck_assert_uint_eq(found.flags[1], EDGE_AMBIGUOUS);

    /* A referrer without a key: the same. */
    found = resolve_one(&refs, LOG_G, "aws_vpc.v");
    ck_assert_uint_eq(found.count, 2);
    ck_assert_uint_eq(found.flags[0], EDGE_AMBIGUOUS);
    ck_assert_uint_eq(found.flags[1], EDGE_AMBIGUOUS);

    /* A named instance: definite. */
    found = resolve_one(&refs, LOG_X, "aws_vpc.v[\"b\"].id");
    ck_assert_uint_eq(found.count, 1);
    ck_assert_ptr_eq(found.targets[0], resources[VPC_B]);
    ck_assert_uint_eq(found.flags[0], 0);

    /* A single instance is the only one a reference can mean. */
    found = resolve_one(&refs, LOG_X, "aws_vpc.one");
    ck_assert_uint_eq(found.count, 1);
    ck_assert_ptr_eq(found.targets[0], resources[VPC_ONE]);
    ck_assert_uint_eq(found.flags[0], 0);

    tfrefs_free(&refs);
    for (size_t i = 0; i < COUNT; i++)
        resource_free(resources[i]);
    soc2_snapshot_free(s);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("tfrefs");
    TCase *addresses = tcase_create("addresses");
    tcase_add_loop_test(addresses, parse_address_parts, 0,
                        (int)(sizeof(good_addresses) / sizeof(good_addresses[0])));
    tcase_add_test(addresses, parse_address_rejects_malformed);
    suite_add_tcase(suite, addresses);

    TCase *index = tcase_create("index");
    tcase_add_test(index, index_groups_instances);
    suite_add_tcase(suite, index);

    TCase *resolve = tcase_create("resolve");
    tcase_add_test(resolve, resolve_flags_ambiguous_instances);
    suite_add_tcase(suite, resolve);
    return suite;
}
