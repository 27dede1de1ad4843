/* Unit tests for folding split configuration onto its parent resource
 * (src/load/fold.c). Each test builds a document's resources by hand in a
 * loader, as an adapter would, and runs fold_document on it. */
#include <stdlib.h>
#include <string.h>

#include <soc2/error.h>
#include <soc2/resource.h>
#include <soc2/snapshot.h>

#include "harness.h"
#include "load/loader.h"
#include "model/cursor.h"
#include "model/model.h"
#include "util/path.h"

typedef struct test_document {
    soc2_snapshot *snapshot;
    soc2_loader loader;
} test_document;

static void document_open(test_document *d, soc2_format format)
{
    memset(d, 0, sizeof(*d));
    ck_assert_int_eq(soc2_snapshot_new(&d->snapshot), SOC2_OK);
    d->loader.snapshot = d->snapshot;
    strmap_init(&d->loader.by_address);
    d->loader.document = calloc(1, sizeof(*d->loader.document));
    ck_assert_ptr_nonnull(d->loader.document);
    d->loader.document->name = strdup("test.json");
    d->loader.document->format = format;
}

static void document_close(test_document *d)
{
    for (size_t i = 0; i < d->loader.count; i++)
        resource_free(d->loader.resources[i]);
    free(d->loader.resources);
    strmap_free(&d->loader.by_address);
    free(d->loader.document->name);
    free(d->loader.document);
    soc2_snapshot_free(d->snapshot);
}

/* Parses JSON written with single quotes, so that test literals need no
 * escaping. Returns NULL for NULL. */
static json_t *json_from(const char *text)
{
    if (!text)
        return NULL;
    char *copy = strdup(text);
    for (char *p = copy; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t error;
    json_t *value = json_loads(copy, JSON_DECODE_ANY, &error);
    ck_assert_msg(value != NULL, "invalid test JSON %s: %s", text, error.text);
    free(copy);
    return value;
}

static soc2_resource *add(test_document *d, const char *address, const char *type,
                          const char *attrs, const char *unknown)
{
    soc2_resource *r = loader_add_resource(&d->loader, address, type, NULL, json_from(attrs),
                                           json_from(unknown));
    ck_assert_msg(r != NULL, "adding %s failed: %s", address, soc2_error_last()->message);
    return r;
}

static void reference(test_document *d, soc2_resource *r, const char *path, const char *target)
{
    ck_assert_int_eq(loader_add_reference(&d->loader, r, path, target), SOC2_OK);
}

/* Resolves references by address within the document, as the loader does
 * before folding, and folds. */
static int fold(test_document *d)
{
    for (size_t i = 0; i < d->loader.count; i++) {
        soc2_resource *r = d->loader.resources[i];
        for (size_t j = 0; j < r->edge_count; j++)
            if (!r->edges[j].target)
                r->edges[j].target = loader_find(&d->loader, r->edges[j].target_address);
    }
    return fold_document(&d->loader);
}

static void assert_json(const json_t *actual, const char *expected)
{
    json_t *want = json_from(expected);
    char *got = actual ? json_dumps(actual, JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("(none)");
    ck_assert_msg(actual && json_equal((json_t *)actual, want), "expected %s, got %s", expected,
                  got);
    free(got);
    json_decref(want);
}

static void assert_attr(const soc2_resource *r, const char *attribute, const char *expected)
{
    assert_json(json_object_get(r->attrs, attribute), expected);
}

static value_state state_at(const soc2_resource *r, const char *text)
{
    attr_path path;
    ck_assert_int_eq(path_parse(&path, text, NULL), 0);
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], r);
    value_state state = cursor_state(cursor_follow(chain, &chain[0], &path));
    path_free(&path);
    return state;
}

static const soc2_edge *edge_at(const soc2_resource *r, const char *path)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0)
            return &r->edges[i];
    return NULL;
}

static void assert_origin(const soc2_resource *r, const char *path, const soc2_resource *source)
{
    const soc2_origin *origin = resource_origin_for(r, path);
    ck_assert_msg(origin != NULL, "no origin for %s", path);
    ck_assert_ptr_eq(origin->source, source);
}

#define RULE_22 "'type': 'ingress', 'from_port': 22, 'to_port': 22, 'protocol': 'tcp'"

/* aws_security_group_rule */

START_TEST(rule_links_by_edge)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group",
                               "{'name': 'web'}", "{'id': true, 'ingress': true, 'egress': true}");
    soc2_resource *rule = add(&d, "aws_security_group_rule.ssh", "aws_security_group_rule",
                              "{" RULE_22 ", 'cidr_blocks': ['0.0.0.0/0'], 'ipv6_cidr_blocks': null,"
                              " 'prefix_list_ids': null, 'self': false, 'description': null}",
                              "{'security_group_id': true, 'source_security_group_id': true}");
    reference(&d, rule, "security_group_id", "aws_security_group.web");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(group, "ingress",
                "[{'from_port': 22, 'to_port': 22, 'protocol': 'tcp', 'cidr_blocks': ['0.0.0.0/0'],"
                " 'ipv6_cidr_blocks': null, 'prefix_list_ids': null, 'security_groups': [],"
                " 'self': false, 'description': null}]");
    ck_assert_int_eq(state_at(group, "ingress"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "ingress[0].security_groups"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "ingress[0].cidr_blocks[0]"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "egress"), VALUE_UNKNOWN);
    ck_assert_ptr_eq(rule->folded_into, group);
    assert_origin(group, "ingress[0].cidr_blocks", rule);
    ck_assert_uint_eq(group->edge_count, 0);
    ck_assert_uint_eq(d.loader.count, 2);
    document_close(&d);
}
END_TEST

START_TEST(rule_links_by_value)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    add(&d, "aws_security_group.other", "aws_security_group", "{'id': 'sg-0999'}", NULL);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-0123'}", NULL);
    soc2_resource *rule = add(&d, "aws_security_group_rule.ssh", "aws_security_group_rule",
                              "{" RULE_22 ", 'security_group_id': 'sg-0123',"
                              " 'cidr_blocks': ['10.0.0.0/8']}",
                              NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_eq(rule->folded_into, group);
    ck_assert_int_eq(json_array_size(json_object_get(group->attrs, "ingress")), 1);
    assert_json(json_object_get(json_array_get(json_object_get(group->attrs, "ingress"), 0),
                                "cidr_blocks"),
                "['10.0.0.0/8']");
    assert_json(json_object_get(json_array_get(json_object_get(group->attrs, "ingress"), 0),
                                "security_groups"),
                "[]");
    ck_assert_uint_eq(d.loader.count, 3);
    document_close(&d);
}
END_TEST

START_TEST(rule_links_by_group_name)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *group =
        add(&d, "WebSG", "aws_security_group", "{'name': 'web-sg'}", "{'id': true}");
    soc2_resource *rule = add(&d, "SshIn", "aws_security_group_rule",
                              "{" RULE_22 ", 'security_group_id': 'web-sg'}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_eq(rule->folded_into, group);
    document_close(&d);
}
END_TEST

START_TEST(two_rules_on_one_group)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-1'}", NULL);
    soc2_resource *a = add(&d, "aws_security_group_rule.a", "aws_security_group_rule",
                           "{" RULE_22 ", 'security_group_id': 'sg-1'}", NULL);
    soc2_resource *b = add(&d, "aws_security_group_rule.b", "aws_security_group_rule",
                           "{'type': 'ingress', 'from_port': 443, 'to_port': 443,"
                           " 'security_group_id': 'sg-1'}",
                           NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    json_t *ingress = json_object_get(group->attrs, "ingress");
    ck_assert_int_eq(json_array_size(ingress), 2);
    assert_json(json_object_get(json_array_get(ingress, 0), "from_port"), "22");
    assert_json(json_object_get(json_array_get(ingress, 1), "from_port"), "443");
    assert_origin(group, "ingress[0]", a);
    assert_origin(group, "ingress[1].to_port", b);
    ck_assert_str_eq(resource_origin_for(group, "ingress[1]")->path, "ingress[1]");
    ck_assert_ptr_null(json_object_get(group->attrs, "egress"));
    document_close(&d);
}
END_TEST

START_TEST(rule_after_inline_rules)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group",
                               "{'id': 'sg-1', 'ingress': [{'from_port': 80, 'cidr_blocks': [null]},"
                               " {'from_port': 8080}]}",
                               "{'ingress': [{'cidr_blocks': [true]}]}");
    add(&d, "aws_security_group_rule.a", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1'}", NULL);
    add(&d, "aws_security_group_rule.b", "aws_security_group_rule",
        "{'type': 'ingress', 'from_port': 443, 'security_group_id': 'sg-1'}", "{'cidr_blocks': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    json_t *ingress = json_object_get(group->attrs, "ingress");
    ck_assert_int_eq(json_array_size(ingress), 4);
    assert_json(json_object_get(json_array_get(ingress, 0), "from_port"), "80");
    assert_json(json_object_get(json_array_get(ingress, 2), "from_port"), "22");
    assert_json(json_object_get(json_array_get(ingress, 3), "from_port"), "443");
    ck_assert_int_eq(state_at(group, "ingress[0].cidr_blocks[0]"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(group, "ingress[2].cidr_blocks"), VALUE_MISSING);
    ck_assert_int_eq(state_at(group, "ingress[3].cidr_blocks"), VALUE_UNKNOWN);
    ck_assert_ptr_null(resource_origin_for(group, "ingress[1]"));
    ck_assert_str_eq(resource_origin_for(group, "ingress[3]")->source->address,
                     "aws_security_group_rule.b");
    document_close(&d);
}
END_TEST

START_TEST(rule_equal_to_inline_element)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group",
                               "{'id': 'sg-1', 'ingress': ["
                               "{'from_port': 22, 'to_port': 22, 'protocol': 'tcp',"
                               " 'cidr_blocks': ['10.0.0.0/8'], 'ipv6_cidr_blocks': [],"
                               " 'prefix_list_ids': [], 'security_groups': [], 'self': false,"
                               " 'description': ''},"
                               "{'from_port': 443, 'to_port': 443, 'protocol': 'tcp',"
                               " 'cidr_blocks': [null], 'ipv6_cidr_blocks': [],"
                               " 'prefix_list_ids': [], 'security_groups': [], 'self': false,"
                               " 'description': ''},"
                               "{'from_port': 22, 'to_port': 22, 'protocol': 'tcp',"
                               " 'cidr_blocks': ['10.0.0.0/8'], 'ipv6_cidr_blocks': [],"
                               " 'prefix_list_ids': [], 'security_groups': [], 'self': false,"
                               " 'description': null}]}",
                               "{'ingress': [false, {'cidr_blocks': [true]}]}");
    soc2_resource *same = add(&d, "aws_security_group_rule.same", "aws_security_group_rule",
                              "{" RULE_22 ", 'security_group_id': 'sg-1',"
                              " 'cidr_blocks': ['10.0.0.0/8'], 'ipv6_cidr_blocks': [],"
                              " 'prefix_list_ids': [], 'self': false, 'description': ''}",
                              NULL);
    soc2_resource *unknown_part = add(&d, "aws_security_group_rule.unknown_part",
                                      "aws_security_group_rule",
                                      "{" RULE_22 ", 'security_group_id': 'sg-1',"
                                      " 'cidr_blocks': ['10.0.0.0/8'], 'ipv6_cidr_blocks': [],"
                                      " 'prefix_list_ids': [], 'self': false}",
                                      "{'description': true}");
    soc2_resource *https = add(&d, "aws_security_group_rule.https", "aws_security_group_rule",
                               "{'type': 'ingress', 'from_port': 443, 'to_port': 443,"
                               " 'protocol': 'tcp', 'security_group_id': 'sg-1',"
                               " 'cidr_blocks': [null], 'ipv6_cidr_blocks': [],"
                               " 'prefix_list_ids': [], 'self': false, 'description': ''}",
                               NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    json_t *ingress = json_object_get(group->attrs, "ingress");
    ck_assert_int_eq(json_array_size(ingress), 5);
    ck_assert_ptr_eq(same->folded_into, group);
    assert_origin(group, "ingress[0]", same);
    assert_origin(group, "ingress[3]", unknown_part);
    ck_assert_int_eq(state_at(group, "ingress[3].description"), VALUE_UNKNOWN);
    assert_origin(group, "ingress[4]", https);
    ck_assert_int_eq(state_at(group, "ingress[4].cidr_blocks[0]"), VALUE_MISSING);
    ck_assert_ptr_null(resource_origin_for(group, "ingress[1]"));
    ck_assert_ptr_null(resource_origin_for(group, "ingress[2]"));
    document_close(&d);
}
END_TEST

START_TEST(egress_rule_lands_in_egress)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-1'}", NULL);
    add(&d, "aws_security_group_rule.out", "aws_security_group_rule",
        "{'type': 'egress', 'from_port': 0, 'to_port': 0, 'protocol': '-1',"
        " 'cidr_blocks': ['0.0.0.0/0'], 'security_group_id': 'sg-1'}",
        NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_null(json_object_get(group->attrs, "ingress"));
    assert_attr(group, "egress",
                "[{'from_port': 0, 'to_port': 0, 'protocol': '-1', 'cidr_blocks': ['0.0.0.0/0'],"
                " 'ipv6_cidr_blocks': null, 'prefix_list_ids': null, 'security_groups': [],"
                " 'self': null, 'description': null}]");
    document_close(&d);
}
END_TEST

START_TEST(unknown_cidr_reaches_parent)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-1'}", NULL);
    add(&d, "aws_security_group_rule.a", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1'}", "{'cidr_blocks': true}");
    add(&d, "aws_security_group_rule.b", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1', 'cidr_blocks': ['10.0.0.0/8', null]}",
        "{'cidr_blocks': [false, true]}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_int_eq(state_at(group, "ingress[0].cidr_blocks"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(group, "ingress[0].from_port"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "ingress[1].cidr_blocks"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "ingress[1].cidr_blocks[1]"), VALUE_UNKNOWN);

    const char *cidr = NULL;
    ck_assert_int_eq(soc2_resource_get_string(&cidr, group, "ingress[0].cidr_blocks[0]"),
                     SOC2_EUNKNOWN);
    ck_assert_int_eq(soc2_resource_get_string(&cidr, group, "ingress[1].cidr_blocks[1]"),
                     SOC2_EUNKNOWN);
    ck_assert_int_eq(soc2_resource_get_string(&cidr, group, "ingress[1].cidr_blocks[0]"),
                     SOC2_OK);
    ck_assert_str_eq(cidr, "10.0.0.0/8");
    document_close(&d);
}
END_TEST

START_TEST(rule_edges_copied_to_parent)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *vpc = add(&d, "aws_vpc.main", "aws_vpc", "{}", "{'cidr_block': true}");
    soc2_resource *lb_group = add(&d, "aws_security_group.lb", "aws_security_group", "{}", NULL);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group", "{}", NULL);
    soc2_resource *rule = add(&d, "aws_security_group_rule.from_lb", "aws_security_group_rule",
                              "{" RULE_22 "}",
                              "{'security_group_id': true, 'source_security_group_id': true,"
                              " 'cidr_blocks': [true]}");
    reference(&d, rule, "security_group_id", "aws_security_group.web");
    reference(&d, rule, "source_security_group_id", "aws_security_group.lb");
    reference(&d, rule, "cidr_blocks[0]", "aws_vpc.main");
    reference(&d, rule, "description", "module.elsewhere.aws_ssm_parameter.text");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_eq(rule->folded_into, group);
    ck_assert_uint_eq(group->edge_count, 3);
    const soc2_edge *e = edge_at(group, "ingress[0].security_groups[0]");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, lb_group);
    e = edge_at(group, "ingress[0].cidr_blocks[0]");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, vpc);
    e = edge_at(group, "ingress[0].description");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_null(e->target);
    ck_assert_str_eq(e->target_address, "module.elsewhere.aws_ssm_parameter.text");
    ck_assert_ptr_null(edge_at(group, "security_group_id"));
    ck_assert_ptr_null(edge_at(group, "ingress[0].security_group_id"));

    ck_assert_int_eq(state_at(group, "ingress[0].security_groups[0]"), VALUE_UNKNOWN);
    attr_path path;
    ck_assert_int_eq(path_parse(&path, "ingress[0].security_groups[0]", NULL), 0);
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], group);
    ck_assert(cursor_is_concrete(cursor_follow(chain, &chain[0], &path)));
    path_free(&path);
    document_close(&d);
}
END_TEST

START_TEST(computed_source_group)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-1'}", NULL);
    add(&d, "aws_security_group_rule.no_cidr", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1', 'cidr_blocks': [], 'self': false}",
        "{'source_security_group_id': true}");
    add(&d, "aws_security_group_rule.self", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1', 'self': true}",
        "{'source_security_group_id': true}");
    add(&d, "aws_security_group_rule.ipv6", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-1', 'ipv6_cidr_blocks': ['::/0']}",
        "{'source_security_group_id': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    json_t *ingress = json_object_get(group->attrs, "ingress");
    ck_assert_int_eq(json_array_size(ingress), 3);
    assert_json(json_object_get(json_array_get(ingress, 0), "security_groups"), "[null]");
    ck_assert_int_eq(state_at(group, "ingress[0].security_groups[0]"), VALUE_UNKNOWN);
    assert_json(json_object_get(json_array_get(ingress, 1), "security_groups"), "[]");
    ck_assert_int_eq(state_at(group, "ingress[1].security_groups"), VALUE_PRESENT);
    assert_json(json_object_get(json_array_get(ingress, 2), "security_groups"), "[]");
    ck_assert_int_eq(state_at(group, "ingress[2].security_groups"), VALUE_PRESENT);
    document_close(&d);
}
END_TEST

START_TEST(rule_of_other_type_stays_unfolded)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group =
        add(&d, "aws_security_group.web", "aws_security_group", "{'id': 'sg-1'}", NULL);
    soc2_resource *odd = add(&d, "aws_security_group_rule.odd", "aws_security_group_rule",
                             "{'type': 'sideways', 'security_group_id': 'sg-1'}", NULL);
    soc2_resource *unknown_type = add(&d, "aws_security_group_rule.later",
                                      "aws_security_group_rule",
                                      "{'security_group_id': 'sg-2'}", "{'type': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_null(odd->folded_into);
    ck_assert_ptr_null(unknown_type->folded_into);
    ck_assert_ptr_null(json_object_get(group->attrs, "ingress"));
    ck_assert_ptr_null(json_object_get(group->attrs, "egress"));
    ck_assert_uint_eq(group->origin_count, 0);
    ck_assert_uint_eq(d.loader.count, 3);
    ck_assert_ptr_eq(d.loader.resources[1], odd);
    document_close(&d);
}
END_TEST

START_TEST(group_ingress_not_a_list)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    add(&d, "WebSG", "aws_security_group", "{'id': 'sg-1', 'ingress': 'open'}", NULL);
    add(&d, "SshIn", "aws_security_group_rule", "{" RULE_22 ", 'security_group_id': 'sg-1'}",
        NULL);

    ck_assert_int_eq(fold(&d), SOC2_EFORMAT);
    const soc2_error *error = soc2_error_last();
    ck_assert_int_eq(error->code, SOC2_EFORMAT);
    ck_assert_str_eq(error->message,
                     "cannot fold SshIn into WebSG: the \"ingress\" attribute of WebSG is not a list");
    ck_assert_str_eq(error->file, "test.json");
    document_close(&d);
}
END_TEST

START_TEST(unknown_ingress_kept_outside_terraform)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *group =
        add(&d, "WebSG", "aws_security_group", "{'id': 'sg-1'}", "{'ingress': true}");
    add(&d, "SshIn", "aws_security_group_rule", "{" RULE_22 ", 'security_group_id': 'sg-1'}",
        NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_int_eq(json_array_size(json_object_get(group->attrs, "ingress")), 1);
    ck_assert_int_eq(state_at(group, "ingress"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(group, "ingress[0].from_port"), VALUE_UNKNOWN);
    document_close(&d);
}
END_TEST

/* aws_vpc_security_group_ingress_rule and _egress_rule */

START_TEST(vpc_ingress_rule_shape)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group",
                               "{'id': 'sg-1', 'ingress': [{'from_port': 80}]}", NULL);
    soc2_resource *rule = add(&d, "aws_vpc_security_group_ingress_rule.ssh",
                              "aws_vpc_security_group_ingress_rule",
                              "{'security_group_id': 'sg-1', 'from_port': 22, 'to_port': 22,"
                              " 'ip_protocol': 'tcp', 'cidr_ipv4': '0.0.0.0/0', 'cidr_ipv6': null,"
                              " 'prefix_list_id': null, 'referenced_security_group_id': null,"
                              " 'description': 'ssh'}",
                              NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(group, "ingress",
                "[{'from_port': 80}, {'from_port': 22, 'to_port': 22, 'protocol': 'tcp',"
                " 'cidr_blocks': ['0.0.0.0/0'], 'ipv6_cidr_blocks': [], 'prefix_list_ids': [],"
                " 'security_groups': [], 'self': false, 'description': 'ssh'}]");
    ck_assert_ptr_eq(rule->folded_into, group);
    assert_origin(group, "ingress[1]", rule);
    ck_assert_ptr_null(resource_origin_for(group, "ingress[0]"));
    document_close(&d);
}
END_TEST

START_TEST(vpc_egress_rule_all_traffic)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group", "{}",
                               "{'id': true, 'egress': true}");
    soc2_resource *rule = add(&d, "aws_vpc_security_group_egress_rule.all",
                              "aws_vpc_security_group_egress_rule",
                              "{'from_port': null, 'to_port': null, 'ip_protocol': '-1',"
                              " 'cidr_ipv6': '::/0', 'prefix_list_id': 'pl-1'}",
                              "{'security_group_id': true, 'cidr_ipv4': true}");
    reference(&d, rule, "security_group_id", "aws_security_group.web");
    reference(&d, rule, "cidr_ipv4", "aws_vpc.main");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(group, "egress",
                "[{'from_port': null, 'to_port': null, 'protocol': '-1', 'cidr_blocks': [null],"
                " 'ipv6_cidr_blocks': ['::/0'], 'prefix_list_ids': ['pl-1'],"
                " 'security_groups': [], 'self': false, 'description': null}]");
    ck_assert_int_eq(state_at(group, "egress"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(group, "egress[0].cidr_blocks[0]"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(group, "egress[0].from_port"), VALUE_MISSING);
    const soc2_edge *e = edge_at(group, "egress[0].cidr_blocks[0]");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->target_address, "aws_vpc.main");
    ck_assert_ptr_null(json_object_get(group->attrs, "ingress"));
    document_close(&d);
}
END_TEST

START_TEST(vpc_rule_referencing_own_group)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *group = add(&d, "aws_security_group.web", "aws_security_group", "{}", NULL);
    soc2_resource *rule = add(&d, "aws_vpc_security_group_ingress_rule.self",
                              "aws_vpc_security_group_ingress_rule",
                              "{'ip_protocol': 'tcp', 'from_port': 5432, 'to_port': 5432}",
                              "{'security_group_id': true, 'referenced_security_group_id': true}");
    reference(&d, rule, "security_group_id", "aws_security_group.web");
    reference(&d, rule, "referenced_security_group_id", "aws_security_group.web");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    json_t *element = json_array_get(json_object_get(group->attrs, "ingress"), 0);
    assert_json(json_object_get(element, "self"), "true");
    assert_json(json_object_get(element, "security_groups"), "[null]");
    ck_assert_int_eq(state_at(group, "ingress[0].security_groups[0]"), VALUE_UNKNOWN);
    const soc2_edge *e = edge_at(group, "ingress[0].security_groups[0]");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, group);
    ck_assert_uint_eq(group->edge_count, 1);
    document_close(&d);
}
END_TEST

/* S3 bucket configuration */

START_TEST(bucket_policy_replaces_policy)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *bucket = add(&d, "aws_s3_bucket.logs", "aws_s3_bucket",
                                "{'bucket': 'logs'}", "{'policy': true, 'arn': true}");
    soc2_resource *policy = add(&d, "aws_s3_bucket_policy.logs", "aws_s3_bucket_policy",
                                "{\"policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\"}\"}",
                                "{'bucket': true}");
    reference(&d, policy, "bucket", "aws_s3_bucket.logs");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "policy", "\"{\\\"Version\\\":\\\"2012-10-17\\\"}\"");
    ck_assert_int_eq(state_at(bucket, "policy"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(bucket, "arn"), VALUE_UNKNOWN);
    assert_origin(bucket, "policy", policy);
    ck_assert_ptr_eq(policy->folded_into, bucket);
    document_close(&d);
}
END_TEST

START_TEST(bucket_policies_merge)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *bucket = add(&d, "Logs", "aws_s3_bucket", "{'bucket': 'logs',"
                                " 'policy': {'Statement': [{'Sid': 'own'}]}}", NULL);
    ck_assert_int_eq(resource_add_origin(bucket, "policy", bucket), 0);
    soc2_resource *first = add(&d, "FirstPolicy", "aws_s3_bucket_policy",
                               "{'bucket': 'logs', 'policy': {'Statement': {'Sid': 'first'}}}",
                               NULL);
    soc2_resource *second = add(&d, "SecondPolicy", "aws_s3_bucket_policy",
                                "{'bucket': 'logs', 'policy': {'Statement': [{'Sid': 'second'}]}}",
                                NULL);

    /* AWS keeps whichever policy is applied last, so the bucket holds the
     * statements of all three, each with the resource it came from. */
    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "policy", "{'Version': '2012-10-17', 'Statement': [{'Sid': 'own'},"
                                  " {'Sid': 'first'}, {'Sid': 'second'}]}");
    ck_assert_int_eq(state_at(bucket, "policy"), VALUE_PRESENT);
    ck_assert_ptr_eq(first->folded_into, bucket);
    ck_assert_ptr_eq(second->folded_into, bucket);
    ck_assert_ptr_eq(resource_origin_for(bucket, "policy.Statement[0]")->source, bucket);
    ck_assert_ptr_eq(resource_origin_for(bucket, "policy.Statement[1].Sid")->source, first);
    ck_assert_ptr_eq(resource_origin_for(bucket, "policy.Statement[2]")->source, second);
    document_close(&d);
}
END_TEST

START_TEST(ambiguous_parent_gets_unknown_policy)
{
    /* A policy for aws_s3_bucket.b[each.value] in an instance whose key
     * no bucket has: it may configure either bucket, so both get a policy
     * that is unknown. */
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *a = add(&d, "aws_s3_bucket.b[\\\"a\\\"]", "aws_s3_bucket", "{'bucket': 'a'}", NULL);
    soc2_resource *b = add(&d, "aws_s3_bucket.b[\\\"b\\\"]", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    soc2_resource *policy = add(&d, "aws_s3_bucket_policy.p", "aws_s3_bucket_policy",
                                "{'policy': {'Statement': []}}", "{'bucket': true}");
    ck_assert_int_eq(loader_add_reference_flags(&d.loader, policy, "bucket", a->address,
                                                EDGE_AMBIGUOUS), SOC2_OK);
    ck_assert_int_eq(loader_add_reference_flags(&d.loader, policy, "bucket", b->address,
                                                EDGE_AMBIGUOUS), SOC2_OK);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_int_eq(state_at(a, "policy"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(b, "policy"), VALUE_UNKNOWN);
    assert_origin(a, "policy", policy);
    assert_origin(b, "policy", policy);
    document_close(&d);
}
END_TEST

START_TEST(unknown_policy_merge_is_unknown)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *bucket = add(&d, "Logs", "aws_s3_bucket", "{'bucket': 'logs'}", NULL);
    add(&d, "FirstPolicy", "aws_s3_bucket_policy",
        "{'bucket': 'logs', 'policy': {'Statement': []}}", NULL);
    add(&d, "SecondPolicy", "aws_s3_bucket_policy", "{'bucket': 'logs'}", "{'policy': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_int_eq(state_at(bucket, "policy"), VALUE_UNKNOWN);
    document_close(&d);
}
END_TEST

START_TEST(conflicting_settings_are_unknown)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    add(&d, "aws_s3_bucket_versioning.on", "aws_s3_bucket_versioning",
        "{'bucket': 'b', 'versioning_configuration': [{'status': 'Enabled'}]}", NULL);
    add(&d, "aws_s3_bucket_versioning.again", "aws_s3_bucket_versioning",
        "{'bucket': 'b', 'versioning_configuration': [{'status': 'Enabled'}]}", NULL);
    ck_assert_int_eq(fold(&d), SOC2_OK);
    /* Equal settings agree. */
    ck_assert_int_eq(state_at(bucket, "versioning"), VALUE_PRESENT);
    document_close(&d);

    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    add(&d, "aws_s3_bucket_versioning.on", "aws_s3_bucket_versioning",
        "{'bucket': 'b', 'versioning_configuration': [{'status': 'Enabled'}]}", NULL);
    add(&d, "aws_s3_bucket_versioning.off", "aws_s3_bucket_versioning",
        "{'bucket': 'b', 'versioning_configuration': [{'status': 'Suspended'}]}", NULL);
    ck_assert_int_eq(fold(&d), SOC2_OK);
    /* Different ones leave the setting to the order of apply. */
    ck_assert_int_eq(state_at(bucket, "versioning"), VALUE_UNKNOWN);
    document_close(&d);
}
END_TEST

START_TEST(policy_object_with_unknown_part)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *bucket = add(&d, "Logs", "aws_s3_bucket", "{'bucket': 'logs'}", NULL);
    add(&d, "LogsPolicy", "aws_s3_bucket_policy",
        "{'bucket': 'logs', 'policy': {'Statement': [{'Effect': 'Allow', 'Resource': null}]}}",
        "{'policy': {'Statement': [{'Resource': true}]}}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_int_eq(state_at(bucket, "policy.Statement[0].Resource"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(bucket, "policy.Statement[0].Effect"), VALUE_PRESENT);
    document_close(&d);
}
END_TEST

START_TEST(public_access_block_shape)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *bucket =
        add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b', 'id': 'b'}", NULL);
    soc2_resource *block = add(&d, "aws_s3_bucket_public_access_block.b",
                               "aws_s3_bucket_public_access_block",
                               "{'bucket': 'b', 'block_public_acls': true,"
                               " 'block_public_policy': false, 'ignore_public_acls': true}",
                               "{'restrict_public_buckets': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "public_access_block",
                "[{'block_public_acls': true, 'block_public_policy': false,"
                " 'ignore_public_acls': true, 'restrict_public_buckets': null}]");
    ck_assert_int_eq(state_at(bucket, "public_access_block[0].restrict_public_buckets"),
                     VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(bucket, "public_access_block[0].block_public_acls"),
                     VALUE_PRESENT);
    assert_origin(bucket, "public_access_block[0].ignore_public_acls", block);
    ck_assert_str_eq(bucket->origins[0].path, "public_access_block");
    document_close(&d);
}
END_TEST

START_TEST(encryption_configuration_shape)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *key = add(&d, "aws_kms_key.k", "aws_kms_key", "{}", "{'arn': true}");
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}",
                                "{'server_side_encryption_configuration': true}");
    soc2_resource *sse = add(&d, "aws_s3_bucket_server_side_encryption_configuration.b",
                             "aws_s3_bucket_server_side_encryption_configuration",
                             "{'bucket': 'b', 'rule': [{'apply_server_side_encryption_by_default':"
                             " [{'sse_algorithm': 'aws:kms', 'kms_master_key_id': null}],"
                             " 'bucket_key_enabled': true}]}",
                             "{'rule': [{'apply_server_side_encryption_by_default':"
                             " [{'kms_master_key_id': true}]}]}");
    reference(&d, sse, "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id",
              "aws_kms_key.k");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "server_side_encryption_configuration",
                "[{'rule': [{'apply_server_side_encryption_by_default':"
                " [{'sse_algorithm': 'aws:kms', 'kms_master_key_id': null}],"
                " 'bucket_key_enabled': true}]}]");
    const char *path = "server_side_encryption_configuration[0].rule[0]"
                       ".apply_server_side_encryption_by_default[0].kms_master_key_id";
    ck_assert_int_eq(state_at(bucket, path), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(bucket, "server_side_encryption_configuration[0].rule[0]"
                                      ".bucket_key_enabled"),
                     VALUE_PRESENT);
    const soc2_edge *e = edge_at(bucket, path);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, key);
    assert_origin(bucket, path, sse);
    document_close(&d);
}
END_TEST

START_TEST(versioning_transform)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *on = add(&d, "aws_s3_bucket.on", "aws_s3_bucket", "{'bucket': 'on'}",
                            "{'versioning': true}");
    soc2_resource *paused = add(&d, "aws_s3_bucket.paused", "aws_s3_bucket",
                                "{'bucket': 'paused', 'versioning': [{'enabled': true}]}", NULL);
    soc2_resource *later = add(&d, "aws_s3_bucket.later", "aws_s3_bucket",
                               "{'bucket': 'later'}", NULL);
    soc2_resource *empty = add(&d, "aws_s3_bucket.empty", "aws_s3_bucket",
                               "{'bucket': 'empty'}", NULL);
    add(&d, "aws_s3_bucket_versioning.on", "aws_s3_bucket_versioning",
        "{'bucket': 'on', 'versioning_configuration': [{'status': 'Enabled',"
        " 'mfa_delete': 'Enabled'}]}",
        NULL);
    add(&d, "aws_s3_bucket_versioning.paused", "aws_s3_bucket_versioning",
        "{'bucket': 'paused', 'versioning_configuration': [{'status': 'Suspended',"
        " 'mfa_delete': 'Disabled'}]}",
        NULL);
    add(&d, "aws_s3_bucket_versioning.later", "aws_s3_bucket_versioning",
        "{'bucket': 'later', 'versioning_configuration': [{'status': null,"
        " 'mfa_delete': 'Disabled'}]}",
        "{'versioning_configuration': [{'status': true}]}");
    add(&d, "aws_s3_bucket_versioning.empty", "aws_s3_bucket_versioning",
        "{'bucket': 'empty', 'versioning_configuration': []}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(on, "versioning", "[{'enabled': true, 'mfa_delete': true}]");
    ck_assert_int_eq(state_at(on, "versioning"), VALUE_PRESENT);
    assert_attr(paused, "versioning", "[{'enabled': false, 'mfa_delete': false}]");
    assert_attr(later, "versioning", "[{'enabled': null, 'mfa_delete': false}]");
    ck_assert_int_eq(state_at(later, "versioning[0].enabled"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(later, "versioning[0].mfa_delete"), VALUE_PRESENT);
    assert_attr(empty, "versioning", "[{'enabled': false, 'mfa_delete': false}]");
    document_close(&d);
}
END_TEST

START_TEST(versioning_block_unknown)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    add(&d, "aws_s3_bucket_versioning.b", "aws_s3_bucket_versioning", "{'bucket': 'b'}",
        "{'versioning_configuration': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "versioning", "[{'enabled': null, 'mfa_delete': null}]");
    ck_assert_int_eq(state_at(bucket, "versioning[0].enabled"), VALUE_UNKNOWN);
    ck_assert_int_eq(state_at(bucket, "versioning[0].mfa_delete"), VALUE_UNKNOWN);
    document_close(&d);
}
END_TEST

START_TEST(logging_shape)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *target = add(&d, "aws_s3_bucket.logs", "aws_s3_bucket", "{}",
                                "{'bucket': true, 'id': true}");
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket",
                                "{'bucket': 'b', 'logging': [{'target_bucket': 'old'}]}", NULL);
    soc2_resource *logging = add(&d, "aws_s3_bucket_logging.b", "aws_s3_bucket_logging",
                                 "{'bucket': 'b', 'target_prefix': 'b/'}",
                                 "{'target_bucket': true}");
    reference(&d, logging, "target_bucket", "aws_s3_bucket.logs");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(bucket, "logging", "[{'target_bucket': null, 'target_prefix': 'b/'}]");
    ck_assert_int_eq(state_at(bucket, "logging[0].target_bucket"), VALUE_UNKNOWN);
    const soc2_edge *e = edge_at(bucket, "logging[0].target_bucket");
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_eq(e->target, target);
    ck_assert_ptr_eq(logging->folded_into, bucket);
    ck_assert_ptr_null(target->folded_into);
    ck_assert_ptr_null(json_object_get(target->attrs, "logging"));
    document_close(&d);
}
END_TEST

/* aws_sqs_queue_policy */

START_TEST(queue_policy_by_url)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *queue = add(&d, "aws_sqs_queue.q", "aws_sqs_queue",
                               "{'name': 'q', 'url': 'https://sqs.example/123/q'}", NULL);
    soc2_resource *policy = add(&d, "aws_sqs_queue_policy.q", "aws_sqs_queue_policy",
                                "{'queue_url': 'https://sqs.example/123/q', 'policy': '{}'}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(queue, "policy", "'{}'");
    ck_assert_ptr_eq(policy->folded_into, queue);
    assert_origin(queue, "policy", policy);
    document_close(&d);
}
END_TEST

START_TEST(queue_policy_for_two_queues)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *first = add(&d, "First", "aws_sqs_queue", "{'name': 'first'}", "{'url': true}");
    soc2_resource *second = add(&d, "Second", "aws_sqs_queue", "{}", "{'url': true}");
    soc2_resource *policy = add(&d, "Policy", "aws_sqs_queue_policy",
                                "{'queues': [null, null], 'policy': {'Statement': []}}",
                                "{'queues': [true, true]}");
    reference(&d, policy, "queues[0]", "First");
    reference(&d, policy, "queues[1]", "Second");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(first, "policy", "{'Statement': []}");
    assert_attr(second, "policy", "{'Statement': []}");
    assert_origin(first, "policy", policy);
    assert_origin(second, "policy", policy);
    ck_assert_ptr_eq(policy->folded_into, first);
    ck_assert_uint_eq(first->edge_count, 0);
    ck_assert_uint_eq(d.loader.count, 3);
    document_close(&d);
}
END_TEST

START_TEST(queue_policy_list_odd_elements)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *queue = add(&d, "Q", "aws_sqs_queue", "{'url': 'https://sqs.example/q'}", NULL);
    soc2_resource *policy = add(&d, "Policy", "aws_sqs_queue_policy",
                                "{'queues': ['https://sqs.example/q', 'https://sqs.example/q',"
                                " 7, null, 'https://sqs.example/absent'], 'policy': 'p'}",
                                "{'queues': [false, false, false, true]}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_attr(queue, "policy", "'p'");
    ck_assert_uint_eq(queue->origin_count, 1);
    ck_assert_uint_eq(d.loader.count, 5);
    const soc2_resource *wrong_type = loader_find(&d.loader, "Policy.queues[2]");
    const soc2_resource *unknown = loader_find(&d.loader, "Policy.queues[3]");
    const soc2_resource *missing_queue = loader_find(&d.loader, "https://sqs.example/absent");
    ck_assert_ptr_nonnull(wrong_type);
    ck_assert_ptr_nonnull(unknown);
    ck_assert_ptr_nonnull(missing_queue);
    assert_json(wrong_type->attrs, "{'policy': 'p'}");
    assert_json(missing_queue->attrs, "{'url': 'https://sqs.example/absent', 'policy': 'p'}");
    ck_assert_str_eq(missing_queue->type, "aws_sqs_queue");
    ck_assert_ptr_eq(policy->folded_into, queue);
    document_close(&d);
}
END_TEST

/* CloudFormation templates through the public loading call: an unknown
 * link value is stored as its symbol (the text it will have, with ${...}
 * for what the stack fills in), and equal symbols name the same parent. */

/* Loads a template written with single quotes in place of double quotes. */
static soc2_snapshot *load_template(const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "template.json",
                                       SOC2_FORMAT_CLOUDFORMATION);
    ck_assert_msg(rc == SOC2_OK, "load failed: %s", soc2_error_last()->message);
    free(text);
    return s;
}

static const soc2_resource *find(const soc2_snapshot *s, const char *address)
{
    const soc2_resource *r = NULL;
    ck_assert_msg(soc2_snapshot_find_resource(&r, s, address) == SOC2_OK, "no resource %s",
                  address);
    return r;
}

static void assert_folded_into(const soc2_resource *child, const char *parent)
{
    const char *folded_into = soc2_resource_folded_into(child);
    ck_assert_msg(folded_into && strcmp(folded_into, parent) == 0, "%s folded into %s, expected %s",
                  soc2_resource_address(child), folded_into ? folded_into : "nothing", parent);
}

START_TEST(cfn_bucket_policy_folds_by_symbol)
{
    soc2_snapshot *s = load_template(
        "{'Resources': {"
        " 'Logs': {'Type': 'AWS::S3::Bucket', 'Properties': {"
        "  'BucketName': {'Fn::Sub': 'app-logs-${AWS::Region}-${AWS::AccountId}'}}},"
        " 'LogsPolicy': {'Type': 'AWS::S3::BucketPolicy', 'Properties': {"
        "  'Bucket': {'Fn::Sub': 'app-logs-${AWS::Region}-${AWS::AccountId}'},"
        "  'PolicyDocument': {'Statement': [{'Effect': 'Deny', 'Action': 's3:*',"
        "   'Principal': '*', 'Resource': {'Fn::Sub':"
        "    'arn:${AWS::Partition}:s3:::app-logs-${AWS::Region}-${AWS::AccountId}/*'},"
        "   'Condition': {'Bool': {'aws:SecureTransport': false}}}]}}},"
        " 'OtherPolicy': {'Type': 'AWS::S3::BucketPolicy', 'Properties': {"
        "  'Bucket': {'Fn::Sub': 'app-logs-${AWS::AccountId}-${AWS::Region}'},"
        "  'PolicyDocument': {'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject',"
        "   'Principal': '*', 'Resource': '*'}]}}},"
        " 'OtherPolicyAgain': {'Type': 'AWS::S3::BucketPolicy', 'Properties': {"
        "  'Bucket': {'Fn::Join': ['-', ['app', 'logs', {'Ref': 'AWS::AccountId'},"
        "             {'Ref': 'AWS::Region'}]]},"
        "  'PolicyDocument': {'Id': 'again'}}}}}");

    /* The policy naming the bucket by the same Fn::Sub folds onto it. */
    const soc2_resource *bucket = find(s, "Logs");
    const soc2_resource *policy = find(s, "LogsPolicy");
    assert_folded_into(policy, "Logs");
    assert_attr(bucket, "policy",
                "{'Statement': [{'Effect': 'Deny', 'Action': 's3:*', 'Principal': '*',"
                " 'Resource': 'arn:${AWS::Partition}:s3:::app-logs-${AWS::Region}"
                "-${AWS::AccountId}/*',"
                " 'Condition': {'Bool': {'aws:SecureTransport': false}}}]}");
    ck_assert_int_eq(state_at(bucket, "policy"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(bucket, "policy.Statement[0].Effect"), VALUE_PRESENT);
    ck_assert_int_eq(state_at(bucket, "policy.Statement[0].Resource"), VALUE_UNKNOWN);
    assert_origin(bucket, "policy", policy);
    const char *name = NULL;
    ck_assert_int_eq(soc2_resource_get_string(&name, bucket, "bucket"), SOC2_EUNKNOWN);

    /* A policy whose Fn::Sub differs gets a placeholder named by its symbol.
     * The symbol is no value of the placeholder, so it has no bucket name. */
    const soc2_resource *other = find(s, "OtherPolicy");
    assert_folded_into(other, "app-logs-${AWS::AccountId}-${AWS::Region}");
    const soc2_resource *placeholder = find(s, "app-logs-${AWS::AccountId}-${AWS::Region}");
    ck_assert_str_eq(soc2_resource_type(placeholder), "aws_s3_bucket");
    ck_assert_uint_eq(placeholder->flags & RESOURCE_PLACEHOLDER, RESOURCE_PLACEHOLDER);
    ck_assert_ptr_null(json_object_get(placeholder->attrs, "bucket"));
    ck_assert_int_eq(soc2_resource_get_string(&name, placeholder, "bucket"), SOC2_ENOTFOUND);

    /* A Fn::Join with the same symbol finds that placeholder, and the two
     * policies merge there: the second has no statement. */
    const soc2_resource *again = find(s, "OtherPolicyAgain");
    assert_folded_into(again, "app-logs-${AWS::AccountId}-${AWS::Region}");
    assert_attr(placeholder, "policy",
                "{'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',"
                " 'Action': 's3:GetObject', 'Principal': '*', 'Resource': '*'}]}");
    ck_assert_ptr_eq(resource_origin_for(placeholder, "policy.Statement[0]")->source, other);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 5);

    /* Folding leaves the bucket's own name, a symbol, as it was. */
    assert_attr(bucket, "bucket", "'app-logs-${AWS::Region}-${AWS::AccountId}'");
    ck_assert_int_eq(state_at(bucket, "bucket"), VALUE_UNKNOWN);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(cfn_queue_policy_folds_by_reference)
{
    soc2_snapshot *s = load_template(
        "{'Resources': {"
        " 'Jobs': {'Type': 'AWS::SQS::Queue', 'Properties': {'QueueName': 'jobs'}},"
        " 'JobsPolicy': {'Type': 'AWS::SQS::QueuePolicy', 'Properties': {"
        "  'Queues': [{'Ref': 'Jobs'}],"
        "  'PolicyDocument': {'Statement': [{'Effect': 'Allow', 'Action': 'sqs:SendMessage',"
        "   'Principal': {'Service': 'sns.amazonaws.com'}, 'Resource': {'Fn::GetAtt':"
        "   ['Jobs', 'Arn']}}]}}}}}");

    const soc2_resource *queue = find(s, "Jobs");
    const soc2_resource *policy = find(s, "JobsPolicy");
    /* The queue's attributes do not contain "${Jobs}": the reference finds it. */
    assert_attr(policy, "queues", "['${Jobs}']");
    ck_assert_int_eq(state_at(policy, "queues[0]"), VALUE_UNKNOWN);
    ck_assert_ptr_nonnull(edge_at(policy, "queues[0]"));
    assert_folded_into(policy, "Jobs");
    assert_attr(queue, "policy",
                "{'Statement': [{'Effect': 'Allow', 'Action': 'sqs:SendMessage',"
                " 'Principal': {'Service': 'sns.amazonaws.com'}, 'Resource': '${Jobs.Arn}'}]}");
    ck_assert_int_eq(state_at(queue, "policy.Statement[0].Resource"), VALUE_UNKNOWN);
    assert_origin(queue, "policy", policy);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 2);
    soc2_snapshot_free(s);
}
END_TEST

static int concrete_at(const soc2_resource *r, const char *text)
{
    attr_path path;
    ck_assert_int_eq(path_parse(&path, text, NULL), 0);
    cursor chain[PATH_MAX_STEPS + 1];
    cursor_root(&chain[0], r);
    int concrete = cursor_is_concrete(cursor_follow(chain, &chain[0], &path));
    path_free(&path);
    return concrete;
}

/* A symbol folded onto the parent is a concrete value there, such as a
 * source account that pins the caller, unless its text has a wildcard. */
START_TEST(cfn_folded_symbol_concrete_unless_wildcard)
{
    soc2_snapshot *s = load_template(
        "{'Resources': {"
        " 'Data': {'Type': 'AWS::S3::Bucket', 'Properties': {'BucketName': 'data'}},"
        " 'DataPolicy': {'Type': 'AWS::S3::BucketPolicy', 'Properties': {"
        "  'Bucket': 'data',"
        "  'PolicyDocument': {'Statement': [{'Effect': 'Allow', 'Principal': '*',"
        "   'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::data/*', 'Condition': {"
        "    'StringEquals': {'aws:SourceAccount': {'Ref': 'AWS::AccountId'}},"
        "    'ArnLike': {'aws:PrincipalArn': {'Fn::Sub':"
        "     'arn:${AWS::Partition}:iam::*:role/reader'}},"
        "    'StringLike': {'aws:userid': {'Fn::Sub': '${AWS::AccountId}:?'}}}}]}}}}}");

    const soc2_resource *bucket = find(s, "Data");
    assert_folded_into(find(s, "DataPolicy"), "Data");
    static const char account[] =
        "policy.Statement[0].Condition.StringEquals[\"aws:SourceAccount\"]";
    static const char principal[] = "policy.Statement[0].Condition.ArnLike[\"aws:PrincipalArn\"]";
    static const char userid[] = "policy.Statement[0].Condition.StringLike[\"aws:userid\"]";
    ck_assert_int_eq(state_at(bucket, account), VALUE_UNKNOWN);
    ck_assert(concrete_at(bucket, account));
    ck_assert_int_eq(state_at(bucket, principal), VALUE_UNKNOWN);
    ck_assert(!concrete_at(bucket, principal));
    ck_assert_int_eq(state_at(bucket, userid), VALUE_UNKNOWN);
    ck_assert(!concrete_at(bucket, userid));
    soc2_snapshot_free(s);
}
END_TEST

/* Placeholders and malformed children */

START_TEST(missing_bucket_shares_placeholder)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *policy = add(&d, "aws_s3_bucket_policy.p", "aws_s3_bucket_policy",
                                "{'bucket': 'my-bucket', 'policy': 'doc'}", NULL);
    soc2_resource *block = add(&d, "aws_s3_bucket_public_access_block.p",
                               "aws_s3_bucket_public_access_block",
                               "{'bucket': 'my-bucket', 'block_public_acls': true}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_uint_eq(d.loader.count, 3);
    soc2_resource *placeholder = d.loader.resources[2];
    ck_assert_str_eq(placeholder->address, "my-bucket");
    ck_assert_str_eq(placeholder->type, "aws_s3_bucket");
    ck_assert_uint_eq(placeholder->flags & RESOURCE_PLACEHOLDER, RESOURCE_PLACEHOLDER);
    ck_assert_ptr_eq(placeholder->document, d.loader.document);
    assert_attr(placeholder, "bucket", "'my-bucket'");
    assert_attr(placeholder, "policy", "'doc'");
    assert_attr(placeholder, "public_access_block",
                "[{'block_public_acls': true, 'block_public_policy': null,"
                " 'ignore_public_acls': null, 'restrict_public_buckets': null}]");
    ck_assert_ptr_eq(policy->folded_into, placeholder);
    ck_assert_ptr_eq(block->folded_into, placeholder);
    assert_origin(placeholder, "public_access_block", block);
    document_close(&d);
}
END_TEST

START_TEST(missing_group_shares_placeholder)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    add(&d, "aws_security_group_rule.a", "aws_security_group_rule",
        "{" RULE_22 ", 'security_group_id': 'sg-0123'}", NULL);
    add(&d, "aws_vpc_security_group_ingress_rule.b", "aws_vpc_security_group_ingress_rule",
        "{'security_group_id': 'sg-0123', 'ip_protocol': 'tcp', 'from_port': 443,"
        " 'to_port': 443, 'referenced_security_group_id': 'sg-0123'}",
        NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_uint_eq(d.loader.count, 3);
    soc2_resource *placeholder = loader_find(&d.loader, "sg-0123");
    ck_assert_ptr_nonnull(placeholder);
    ck_assert_str_eq(placeholder->type, "aws_security_group");
    ck_assert_uint_eq(placeholder->flags, RESOURCE_PLACEHOLDER);
    assert_attr(placeholder, "id", "'sg-0123'");
    json_t *ingress = json_object_get(placeholder->attrs, "ingress");
    ck_assert_int_eq(json_array_size(ingress), 2);
    assert_json(json_object_get(json_array_get(ingress, 1), "self"), "true");
    assert_json(json_object_get(json_array_get(ingress, 1), "security_groups"), "['sg-0123']");
    document_close(&d);
}
END_TEST

START_TEST(malformed_links_get_own_placeholders)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *missing = add(&d, "aws_s3_bucket_policy.missing", "aws_s3_bucket_policy",
                                 "{'policy': 'a'}", NULL);
    soc2_resource *number = add(&d, "aws_s3_bucket_policy.number", "aws_s3_bucket_policy",
                                "{'bucket': 42, 'policy': 'b'}", NULL);
    soc2_resource *list = add(&d, "aws_s3_bucket_logging.list", "aws_s3_bucket_logging",
                              "{'bucket': ['x'], 'target_prefix': 'p'}", NULL);
    soc2_resource *unknown = add(&d, "aws_s3_bucket_versioning.unknown",
                                 "aws_s3_bucket_versioning", "{}", "{'bucket': true}");
    soc2_resource *dangling = add(&d, "aws_s3_bucket_policy.dangling", "aws_s3_bucket_policy",
                                  "{'policy': 'c'}", "{'bucket': true}");
    reference(&d, dangling, "bucket", "aws_s3_bucket.elsewhere");
    soc2_resource *empty = add(&d, "aws_sqs_queue_policy.empty", "aws_sqs_queue_policy",
                               "{'queue_url': '', 'policy': 'd'}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    static const char *const expected[][2] = {
        {"aws_s3_bucket_policy.missing.bucket", "aws_s3_bucket"},
        {"aws_s3_bucket_policy.number.bucket", "aws_s3_bucket"},
        {"aws_s3_bucket_logging.list.bucket", "aws_s3_bucket"},
        {"aws_s3_bucket_versioning.unknown.bucket", "aws_s3_bucket"},
        {"aws_s3_bucket_policy.dangling.bucket", "aws_s3_bucket"},
        {"aws_sqs_queue_policy.empty.queue_url", "aws_sqs_queue"},
    };
    const soc2_resource *children[] = {missing, number, list, unknown, dangling, empty};
    ck_assert_uint_eq(d.loader.count, 12);
    for (size_t i = 0; i < 6; i++) {
        soc2_resource *placeholder = d.loader.resources[6 + i];
        ck_assert_str_eq(placeholder->address, expected[i][0]);
        ck_assert_str_eq(placeholder->type, expected[i][1]);
        ck_assert_uint_eq(placeholder->flags, RESOURCE_PLACEHOLDER);
        ck_assert_ptr_eq(children[i]->folded_into, placeholder);
    }
    assert_json(d.loader.resources[6]->attrs, "{'policy': 'a'}");
    assert_json(d.loader.resources[9]->attrs,
                "{'versioning': [{'enabled': false, 'mfa_delete': false}]}");
    document_close(&d);
}
END_TEST

START_TEST(placeholder_address_taken)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    soc2_resource *queue = add(&d, "logs", "aws_sqs_queue", "{}", NULL);
    soc2_resource *a = add(&d, "PolicyA", "aws_s3_bucket_policy",
                           "{'bucket': 'logs', 'policy': 'a'}", NULL);
    soc2_resource *b = add(&d, "PolicyB", "aws_s3_bucket_policy",
                           "{'bucket': 'logs', 'policy': 'b'}", NULL);

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_uint_eq(d.loader.count, 4);
    soc2_resource *placeholder = d.loader.resources[3];
    ck_assert_str_eq(placeholder->address, "PolicyA.bucket");
    ck_assert_str_eq(placeholder->type, "aws_s3_bucket");
    assert_json(placeholder->attrs, "{'bucket': 'logs', 'policy': 'b'}");
    ck_assert_ptr_eq(a->folded_into, placeholder);
    ck_assert_ptr_eq(b->folded_into, placeholder);
    ck_assert_ptr_null(json_object_get(queue->attrs, "policy"));
    document_close(&d);
}
END_TEST

START_TEST(edge_to_other_type_ignored)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    add(&d, "aws_s3_bucket_acl.b", "aws_s3_bucket_acl", "{'bucket': 'b'}", NULL);
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    soc2_resource *policy = add(&d, "aws_s3_bucket_policy.b", "aws_s3_bucket_policy",
                                "{'bucket': 'b', 'policy': 'x'}", NULL);
    reference(&d, policy, "bucket", "aws_s3_bucket_acl.b");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_eq(policy->folded_into, bucket);
    ck_assert_uint_eq(d.loader.count, 3);
    document_close(&d);
}
END_TEST

START_TEST(known_value_picks_among_edges)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *a = add(&d, "aws_s3_bucket.a", "aws_s3_bucket", "{'bucket': 'a'}", NULL);
    soc2_resource *b = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}", NULL);
    soc2_resource *policy = add(&d, "aws_s3_bucket_policy.p", "aws_s3_bucket_policy",
                                "{'bucket': 'b', 'policy': 'x'}", NULL);
    reference(&d, policy, "bucket", "aws_s3_bucket.a");
    reference(&d, policy, "bucket", "aws_s3_bucket.b");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_ptr_eq(policy->folded_into, b);
    ck_assert_ptr_null(json_object_get(a->attrs, "policy"));
    document_close(&d);
}
END_TEST

START_TEST(document_without_children)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_TERRAFORM_PLAN);
    soc2_resource *bucket = add(&d, "aws_s3_bucket.b", "aws_s3_bucket", "{'bucket': 'b'}",
                                "{'policy': true}");

    ck_assert_int_eq(fold(&d), SOC2_OK);
    assert_json(bucket->attrs, "{'bucket': 'b'}");
    ck_assert_int_eq(state_at(bucket, "policy"), VALUE_UNKNOWN);
    ck_assert_uint_eq(d.loader.count, 1);
    document_close(&d);
}
END_TEST

START_TEST(empty_document)
{
    test_document d;
    document_open(&d, SOC2_FORMAT_CLOUDFORMATION);
    ck_assert_int_eq(fold(&d), SOC2_OK);
    ck_assert_uint_eq(d.loader.count, 0);
    document_close(&d);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("fold");

    TCase *groups = tcase_create("security_groups");
    tcase_add_test(groups, rule_links_by_edge);
    tcase_add_test(groups, rule_links_by_value);
    tcase_add_test(groups, rule_links_by_group_name);
    tcase_add_test(groups, two_rules_on_one_group);
    tcase_add_test(groups, rule_after_inline_rules);
    tcase_add_test(groups, rule_equal_to_inline_element);
    tcase_add_test(groups, egress_rule_lands_in_egress);
    tcase_add_test(groups, unknown_cidr_reaches_parent);
    tcase_add_test(groups, rule_edges_copied_to_parent);
    tcase_add_test(groups, computed_source_group);
    tcase_add_test(groups, rule_of_other_type_stays_unfolded);
    tcase_add_test(groups, group_ingress_not_a_list);
    tcase_add_test(groups, unknown_ingress_kept_outside_terraform);
    tcase_add_test(groups, vpc_ingress_rule_shape);
    tcase_add_test(groups, vpc_egress_rule_all_traffic);
    tcase_add_test(groups, vpc_rule_referencing_own_group);
    suite_add_tcase(s, groups);

    TCase *buckets = tcase_create("s3_buckets");
    tcase_add_test(buckets, bucket_policy_replaces_policy);
    tcase_add_test(buckets, bucket_policies_merge);
    tcase_add_test(buckets, unknown_policy_merge_is_unknown);
    tcase_add_test(buckets, ambiguous_parent_gets_unknown_policy);
    tcase_add_test(buckets, conflicting_settings_are_unknown);
    tcase_add_test(buckets, policy_object_with_unknown_part);
    tcase_add_test(buckets, public_access_block_shape);
    tcase_add_test(buckets, encryption_configuration_shape);
    tcase_add_test(buckets, versioning_transform);
    tcase_add_test(buckets, versioning_block_unknown);
    tcase_add_test(buckets, logging_shape);
    suite_add_tcase(s, buckets);

    TCase *queues = tcase_create("sqs_queues");
    tcase_add_test(queues, queue_policy_by_url);
    tcase_add_test(queues, queue_policy_for_two_queues);
    tcase_add_test(queues, queue_policy_list_odd_elements);
    suite_add_tcase(s, queues);

    TCase *cloudformation = tcase_create("cloudformation_symbols");
    tcase_add_test(cloudformation, cfn_bucket_policy_folds_by_symbol);
    tcase_add_test(cloudformation, cfn_queue_policy_folds_by_reference);
    tcase_add_test(cloudformation, cfn_folded_symbol_concrete_unless_wildcard);
    suite_add_tcase(s, cloudformation);

    TCase *odd = tcase_create("placeholders_and_odd_input");
    tcase_add_test(odd, missing_bucket_shares_placeholder);
    tcase_add_test(odd, missing_group_shares_placeholder);
    tcase_add_test(odd, malformed_links_get_own_placeholders);
    tcase_add_test(odd, placeholder_address_taken);
    tcase_add_test(odd, edge_to_other_type_ignored);
    tcase_add_test(odd, known_value_picks_among_edges);
    tcase_add_test(odd, document_without_children);
    tcase_add_test(odd, empty_document);
    suite_add_tcase(s, odd);

    return s;
}
