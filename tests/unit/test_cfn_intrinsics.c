/* Unit tests for CloudFormation intrinsic functions and conditions
 * (src/load/cfn_intrinsics.c). Each test loads a small template through
 * cfn_load into a loader of its own, so that folding does not run, and
 * reads the resources it made. Most resources have the unmapped type
 * Test::Echo, whose attributes are the resolved properties as written. */
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

/* Loads a template written with single quotes in place of double quotes,
 * so that test literals need no escaping. */
static void load_template(loaded *l, const char *single_quoted)
{
    memset(l, 0, sizeof(*l));
    l->text = strdup(single_quoted);
    for (char *p = l->text; *p; p++)
        if (*p == '\'')
            *p = '"';

    ck_assert_int_eq(soc2_snapshot_new(&l->snapshot), SOC2_OK);
    l->loader.snapshot = l->snapshot;
    l->loader.text = l->text;
    l->loader.text_length = strlen(l->text);
    strmap_init(&l->loader.by_address);
    l->loader.document = calloc(1, sizeof(*l->loader.document));
    l->loader.document->name = strdup("template.json");
    l->loader.document->format = SOC2_FORMAT_CLOUDFORMATION;

    json_error_t error;
    json_t *root = json_loads(l->text, JSON_REJECT_DUPLICATES, &error);
    ck_assert_msg(root != NULL, "invalid test template: %s (line %d)", error.text, error.line);
    l->rc = cfn_load(&l->loader, root);
    json_decref(root);
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

static size_t edges_at(const soc2_resource *r, const char *path)
{
    size_t count = 0;
    for (size_t i = 0; i < r->edge_count; i++)
        count += strcmp(r->edges[i].path, path) == 0;
    return count;
}

/* Asserts that the attribute at `path` equals the JSON text `expected`
 * (single quotes allowed). */
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

/* Asserts that the attribute at `path` is unknown and has no symbol. */
#define ck_assert_no_symbol(r, path)                                                               \
    do {                                                                                           \
        ck_assert_msg(is_unknown(r, path), "%s of %s is not marked unknown", path, (r)->address); \
        ck_assert_absent(r, path);                                                                 \
    } while (0)

/* Parameters and pseudo parameters. */

START_TEST(ref_parameter_defaults_typed)
{
    loaded l;
    load_template(&l, "{'Parameters': {"
                      "  'Env': {'Type': 'String', 'Default': 'prod'},"
                      "  'Count': {'Type': 'Number', 'Default': '3'},"
                      "  'Zones': {'Type': 'CommaDelimitedList', 'Default': 'a, b ,c'},"
                      "  'Subnets': {'Type': 'List<AWS::EC2::Subnet::Id>', 'Default': 's-1,s-2'},"
                      "  'Ports': {'Type': 'List<Number>', 'Default': '22'},"
                      "  'NoDefault': {'Type': 'String'},"
                      "  'Ami': {'Type': 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',"
                      "          'Default': '/aws/service/ami'}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'env': {'Ref': 'Env'}, 'count': {'Ref': 'Count'},"
                      "  'zones': {'Ref': 'Zones'}, 'subnets': {'Ref': 'Subnets'},"
                      "  'ports': {'Ref': 'Ports'}, 'nodefault': {'Ref': 'NoDefault'},"
                      "  'ami': {'Ref': 'Ami'}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "env", "'prod'");
    ck_assert_attr(r, "count", "'3'");
    ck_assert_attr(r, "zones", "['a', 'b', 'c']");
    ck_assert_attr(r, "subnets", "['s-1', 's-2']");
    ck_assert_attr(r, "ports", "['22']");
    ck_assert_no_symbol(r, "nodefault");
    ck_assert_no_symbol(r, "ami");
    ck_assert(!is_unknown(r, "env"));
    ck_assert_uint_eq(r->edge_count, 0);
    release(&l);
}
END_TEST

START_TEST(ref_pseudo_parameters_unknown)
{
    /* Each pseudo parameter and its symbol. AWS::NotificationARNs is a list
     * the caller chooses, so it has none. */
    static const char *const names[][2] = {
        {"AWS::Region", "${AWS::Region}"},
        {"AWS::AccountId", "${AWS::AccountId}"},
        {"AWS::StackName", "${AWS::StackName}"},
        {"AWS::StackId", "${AWS::StackId}"},
        {"AWS::Partition", "${AWS::Partition}"},
        {"AWS::URLSuffix", "${AWS::URLSuffix}"},
        {"AWS::NotificationARNs", NULL},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text),
                 "{'Resources': {'E': {'Type': 'Test::Echo', 'Properties': "
                 "{'v': {'Ref': '%s'}, 'k': 1}}}}",
                 names[i][0]);
        loaded l;
        load_template(&l, text);
        ck_assert_int_eq(l.rc, SOC2_OK);
        soc2_resource *r = resource(&l, "E");
        ck_assert_msg(is_unknown(r, "v"), "%s is not unknown", names[i][0]);
        if (names[i][1])
            ck_assert_symbol(r, "v", names[i][1]);
        else
            ck_assert_absent(r, "v");
        ck_assert_attr(r, "k", "1");
        ck_assert_uint_eq(r->edge_count, 0);
        release(&l);
    }
}
END_TEST

START_TEST(no_value_removes_property_and_element)
{
    loaded l;
    load_template(&l, "{'Conditions': {'Yes': {'Fn::Equals': ['a', 'a']}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'gone': {'Ref': 'AWS::NoValue'},"
                      "  'list': ['a', {'Ref': 'AWS::NoValue'}, 'b'],"
                      "  'chosen': {'Fn::If': ['Yes', {'Ref': 'AWS::NoValue'}, 'kept']},"
                      "  'nested': {'inner': {'Ref': 'AWS::NoValue'}, 'other': 2}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_absent(r, "gone");
    ck_assert(!is_unknown(r, "gone"));
    ck_assert_attr(r, "list", "['a', 'b']");
    ck_assert_absent(r, "chosen");
    ck_assert_attr(r, "nested", "{'other': 2}");
    ck_assert_ptr_null(r->unknown);
    release(&l);
}
END_TEST

/* References to resources. */

START_TEST(ref_and_get_att_to_resource)
{
    loaded l;
    load_template(&l, "{'Resources': {"
                      " 'Db': {'Type': 'AWS::RDS::DBInstance'},"
                      " 'Role': {'Type': 'AWS::IAM::Role'},"
                      " 'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'ref': {'Ref': 'Db'},"
                      "  'dotted': {'Fn::GetAtt': 'Db.Endpoint.Address'},"
                      "  'listed': {'Fn::GetAtt': ['Db', 'Endpoint.Port']},"
                      "  'list': ['x', {'Fn::GetAtt': ['Role', 'Arn']}],"
                      "  'deep': {'a': [{'b': {'Ref': 'Role'}}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_symbol(r, "ref", "${Db}");
    ck_assert(has_edge(r, "ref", "Db"));
    ck_assert_symbol(r, "dotted", "${Db.Endpoint.Address}");
    ck_assert(has_edge(r, "dotted", "Db"));
    ck_assert_symbol(r, "listed", "${Db.Endpoint.Port}");
    ck_assert(has_edge(r, "listed", "Db"));
    ck_assert_attr(r, "list", "['x', '${Role.Arn}']");
    ck_assert(!is_unknown(r, "list[0]"));
    ck_assert_symbol(r, "list[1]", "${Role.Arn}");
    ck_assert(has_edge(r, "list[1]", "Role"));
    ck_assert_attr(r, "deep", "{'a': [{'b': '${Role}'}]}");
    ck_assert_symbol(r, "deep.a[0].b", "${Role}");
    ck_assert(has_edge(r, "deep.a[0].b", "Role"));
    ck_assert_uint_eq(r->edge_count, 5);
    release(&l);
}
END_TEST

START_TEST(get_att_attribute_from_parameter)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Attr': {'Type': 'String', 'Default': 'Arn'},"
                      "                'Free': {'Type': 'String'}},"
                      " 'Resources': {'Q': {'Type': 'AWS::SQS::Queue'},"
                      "  'E': {'Type': 'Test::Echo', 'Properties': {"
                      "   'arn': {'Fn::GetAtt': ['Q', {'Ref': 'Attr'}]},"
                      "   'free': {'Fn::GetAtt': ['Q', {'Ref': 'Free'}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_symbol(r, "arn", "${Q.Arn}");
    ck_assert(has_edge(r, "arn", "Q"));
    /* The attribute name comes from a parameter without a default. */
    ck_assert_no_symbol(r, "free");
    ck_assert(has_edge(r, "free", "Q"));
    release(&l);
}
END_TEST

/* Conditions and Fn::If. */

START_TEST(if_on_decided_conditions)
{
    loaded l;
    load_template(&l,
                  "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'},"
                  "                'Count': {'Type': 'Number', 'Default': '3'}},"
                  " 'Conditions': {"
                  "  'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
                  "  'IsDev': {'Fn::Not': [{'Condition': 'IsProd'}]},"
                  "  'ThreeHosts': {'Fn::Equals': [{'Ref': 'Count'}, 3]},"
                  "  'Both': {'Fn::And': [{'Condition': 'IsProd'}, {'Condition': 'ThreeHosts'}]},"
                  "  'Either': {'Fn::Or': [{'Condition': 'IsDev'}, "
                  "                        {'Fn::Equals': ['x', 'y']}]}},"
                  " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                  "  'prod': {'Fn::If': ['IsProd', 'p', 'np']},"
                  "  'dev': {'Fn::If': ['IsDev', 'd', 'nd']},"
                  "  'three': {'Fn::If': ['ThreeHosts', 3, 0]},"
                  "  'both': {'Fn::If': ['Both', {'a': 1}, {'b': 2}]},"
                  "  'either': {'Fn::If': ['Either', 'yes', 'no']},"
                  "  'nested': {'Fn::If': ['IsProd', {'Fn::Sub': '${Env}-db'}, 'x']}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "prod", "'p'");
    ck_assert_attr(r, "dev", "'nd'");
    ck_assert_attr(r, "three", "3");
    ck_assert_attr(r, "both", "{'a': 1}");
    ck_assert_attr(r, "either", "'no'");
    ck_assert_attr(r, "nested", "'prod-db'");
    ck_assert_ptr_null(r->unknown);
    release(&l);
}
END_TEST

START_TEST(if_on_undecided_condition)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Env': {'Type': 'String'}},"
                      " 'Conditions': {'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
                      "  'NotProd': {'Fn::Not': [{'Condition': 'IsProd'}]},"
                      "  'AndFalse': {'Fn::And': [{'Condition': 'IsProd'}, "
                      "                           {'Fn::Equals': ['a', 'b']}]},"
                      "  'OrTrue': {'Fn::Or': [{'Condition': 'IsProd'}, "
                      "                        {'Fn::Equals': ['a', 'a']}]}},"
                      " 'Resources': {'A': {'Type': 'AWS::S3::Bucket'},"
                      "  'B': {'Type': 'AWS::S3::Bucket'},"
                      "  'E': {'Type': 'Test::Echo', 'Properties': {"
                      "   'either': {'Fn::If': ['IsProd', {'Ref': 'A'}, {'Fn::GetAtt': 'B.Arn'}]},"
                      "   'same': {'Fn::If': ['NotProd', 'x', 'x']},"
                      "   'literal': {'Fn::If': ['IsProd', 'x', 'y']},"
                      "   'and': {'Fn::If': ['AndFalse', 'x', 'y']},"
                      "   'or': {'Fn::If': ['OrTrue', 'x', 'y']},"
                      "   'same_region': {'Fn::If': ['IsProd', {'Ref': 'AWS::Region'},"
                      "                   {'Ref': 'AWS::Region'}]},"
                      "   'regions': {'Fn::If': ['IsProd', {'Ref': 'AWS::Region'},"
                      "               {'Fn::Sub': '${AWS::Region}-2'}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_no_symbol(r, "either");
    ck_assert(has_edge(r, "either", "A"));
    ck_assert(has_edge(r, "either", "B"));
    ck_assert_attr(r, "same", "'x'");
    ck_assert_no_symbol(r, "literal");
    /* Equal branches give their value, symbol and all; different symbols
     * give none. */
    ck_assert_symbol(r, "same_region", "${AWS::Region}");
    ck_assert_no_symbol(r, "regions");
    ck_assert_uint_eq(edges_at(r, "literal"), 0);
    ck_assert_attr(r, "and", "'y'");
    ck_assert_attr(r, "or", "'x'");
    release(&l);
}
END_TEST

START_TEST(condition_false_resource_left_out)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Env': {'Type': 'String', 'Default': 'dev'},"
                      "                'Free': {'Type': 'String'}},"
                      " 'Conditions': {'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
                      "  'IsDev': {'Fn::Equals': [{'Ref': 'Env'}, 'dev']},"
                      "  'Open': {'Fn::Equals': [{'Ref': 'Free'}, 'x']}},"
                      " 'Resources': {"
                      "  'ProdOnly': {'Type': 'AWS::S3::Bucket', 'Condition': 'IsProd'},"
                      "  'DevOnly': {'Type': 'AWS::S3::Bucket', 'Condition': 'IsDev'},"
                      "  'Maybe': {'Type': 'AWS::S3::Bucket', 'Condition': 'Open'},"
                      "  'Always': {'Type': 'AWS::S3::Bucket'}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    ck_assert_ptr_null(loader_find(&l.loader, "ProdOnly"));
    ck_assert_ptr_nonnull(loader_find(&l.loader, "DevOnly"));
    ck_assert_ptr_nonnull(loader_find(&l.loader, "Maybe"));
    ck_assert_ptr_nonnull(loader_find(&l.loader, "Always"));
    ck_assert_uint_eq(l.loader.count, 3);
    ck_assert_str_eq(l.loader.resources[0]->address, "DevOnly");
    ck_assert_str_eq(l.loader.resources[1]->address, "Maybe");
    ck_assert_str_eq(l.loader.resources[2]->address, "Always");
    release(&l);
}
END_TEST

START_TEST(condition_functions_as_values)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Free': {'Type': 'String'}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'eq': {'Fn::Equals': ['a', 'a']},"
                      "  'not': {'Fn::Not': [{'Fn::Equals': ['a', 'a']}]},"
                      "  'open': {'Fn::Equals': [{'Ref': 'Free'}, 'a']}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "eq", "true");
    ck_assert_attr(r, "not", "false");
    ck_assert_no_symbol(r, "open");
    release(&l);
}
END_TEST

/* Outside the Conditions section, Condition is an ordinary key (an IAM
 * statement's), and an Fn::ForEach::Name loop may sit beside other keys. */
START_TEST(function_like_keys_in_plain_objects)
{
    loaded l;
    load_template(&l, "{'Conditions': {'C': {'Fn::Equals': [1, 1]}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'statement': {'Effect': 'Deny', 'Action': 's3:*',"
                      "                'Condition': {'Bool': {'aws:SecureTransport': 'false'}}},"
                      "  'named': {'Condition': 'C'},"
                      "  'loop': {'Fn::ForEach::Tags': ['T', ['a'], {'${T}': 'x'}], 'Name': 'n'}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "statement.Condition", "{'Bool': {'aws:SecureTransport': 'false'}}");
    ck_assert_attr(r, "statement.Effect", "'Deny'");
    ck_assert_attr(r, "named", "{'Condition': 'C'}");
    ck_assert_attr(r, "loop.Name", "'n'");
    ck_assert(r->unknown == NULL);
    release(&l);
}
END_TEST

/* A Ref or Fn::GetAtt to a resource from a condition is no self-reference,
 * even when the condition is first evaluated for that resource's Fn::If. */
START_TEST(condition_ref_not_self_reference)
{
    loaded l;
    load_template(&l, "{'Conditions': {'C': {'Fn::Equals': [{'Ref': 'E'}, 'x']}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'v': {'Fn::If': ['C', 'a', 'b']}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_no_symbol(resource(&l, "E"), "v");
    release(&l);
}
END_TEST

/* Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64. */

START_TEST(sub_both_forms)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'},"
                      "                'Port': {'Type': 'Number', 'Default': 443},"
                      "                'Free': {'Type': 'String'}},"
                      " 'Resources': {'Bucket': {'Type': 'AWS::S3::Bucket'},"
                      "  'E': {'Type': 'Test::Echo', 'Properties': {"
                      "   'plain': {'Fn::Sub': 'app-${Env}-${Port}'},"
                      "   'spaced': {'Fn::Sub': 'app-${ Env }'},"
                      "   'literal': {'Fn::Sub': '${!Literal}-${Env}'},"
                      "   'mapped': {'Fn::Sub': ['${A}/${B}/${Env}', "
                      "              {'A': 'one', 'B': {'Ref': 'Env'}}]},"
                      "   'region': {'Fn::Sub': 'logs-${AWS::Region}'},"
                      "   'arn': {'Fn::Sub': 'arn:aws:s3:::${Bucket}/*'},"
                      "   'attr': {'Fn::Sub': '${Bucket.Arn}/*'},"
                      "   'var_ref': {'Fn::Sub': ['${X}', {'X': {'Fn::GetAtt': 'Bucket.Arn'}}]},"
                      "   'unclosed': {'Fn::Sub': 'a-${Env'},"
                      "   'defaults': {'Fn::Sub': '${Env}-${Port}-${AWS::Region}'},"
                      "   'var_pseudo': {'Fn::Sub': ['${Id}/${AWS::Region}',"
                      "                  {'Id': {'Ref': 'AWS::AccountId'}}]},"
                      "   'resource': {'Fn::Sub': '${Bucket}'},"
                      "   'dollar': {'Fn::Sub': 'a$b-$-${AWS::Region}'},"
                      "   'no_default': {'Fn::Sub': '${Free}-${AWS::Region}'},"
                      "   'literal_region': {'Fn::Sub': '${!Literal}-${AWS::Region}'},"
                      "   'unclosed_region': {'Fn::Sub': '${AWS::Region}-${Env'},"
                      "   'var_no_symbol': {'Fn::Sub': ['${X}-${AWS::Region}',"
                      "                     {'X': {'Fn::Select': [0, {'Fn::GetAZs': ''}]}}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "plain", "'app-prod-443'");
    ck_assert_attr(r, "spaced", "'app-prod'");
    ck_assert_attr(r, "literal", "'${Literal}-prod'");
    ck_assert_attr(r, "mapped", "'one/prod/prod'");
    ck_assert_symbol(r, "region", "logs-${AWS::Region}");
    ck_assert_uint_eq(edges_at(r, "region"), 0);
    ck_assert_symbol(r, "arn", "arn:aws:s3:::${Bucket}/*");
    ck_assert(has_edge(r, "arn", "Bucket"));
    ck_assert_symbol(r, "attr", "${Bucket.Arn}/*");
    ck_assert(has_edge(r, "attr", "Bucket"));
    ck_assert_symbol(r, "var_ref", "${Bucket.Arn}");
    ck_assert(has_edge(r, "var_ref", "Bucket"));
    ck_assert_attr(r, "unclosed", "'a-${Env'");

    /* Parameters with a default are resolved into the symbol's text. */
    ck_assert_symbol(r, "defaults", "prod-443-${AWS::Region}");
    ck_assert_symbol(r, "var_pseudo", "${AWS::AccountId}/${AWS::Region}");
    ck_assert_symbol(r, "resource", "${Bucket}");
    ck_assert(has_edge(r, "resource", "Bucket"));
    ck_assert_symbol(r, "dollar", "a$b-$-${AWS::Region}");

    /* An unknown part without a symbol, or a literal "${", leaves none. */
    ck_assert_no_symbol(r, "no_default");
    ck_assert_no_symbol(r, "literal_region");
    ck_assert_no_symbol(r, "unclosed_region");
    ck_assert_no_symbol(r, "var_no_symbol");
    release(&l);
}
END_TEST

START_TEST(join_select_split)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'},"
                      "                'Zones': {'Type': 'CommaDelimitedList', 'Default': 'a,b'},"
                      "                'Free': {'Type': 'String'}},"
                      " 'Resources': {'Vpc': {'Type': 'AWS::EC2::VPC'},"
                      "  'Lb': {'Type': 'AWS::ElasticLoadBalancingV2::LoadBalancer'},"
                      "  'E': {'Type': 'Test::Echo', 'Properties': {"
                      "   'join': {'Fn::Join': ['-', ['app', {'Ref': 'Env'}, 3]]},"
                      "   'join_param': {'Fn::Join': [',', {'Ref': 'Zones'}]},"
                      "   'join_ref': {'Fn::Join': ['', ['vpc-', {'Ref': 'Vpc'}]]},"
                      "   'join_novalue': {'Fn::Join': ['-', ['a', {'Ref': 'AWS::NoValue'}, 'b']]},"
                      "   'select': {'Fn::Select': [1, ['x', 'y', 'z']]},"
                      "   'select_text_index': {'Fn::Select': ['0', {'Ref': 'Zones'}]},"
                      "   'select_split': {'Fn::Select': [2, {'Fn::Split': ['/', 'a/b/c']}]},"
                      "   'select_azs': {'Fn::Select': [0, {'Fn::GetAZs': ''}]},"
                      "   'select_ref': {'Fn::Select': [0, [{'Ref': 'Vpc'}, 'x']]},"
                      "   'split': {'Fn::Split': [',', 'a,,b']},"
                      "   'split_ref': {'Fn::Split': [':', {'Fn::GetAtt': 'Vpc.CidrBlock'}]},"
                      "   'join_arn': {'Fn::Join': [':', ['arn', {'Ref': 'AWS::Partition'}, 's3',"
                      "                '', '', {'Ref': 'Env'}]]},"
                      "   'join_sub': {'Fn::Join': ['/', [{'Fn::Sub':"
                      "                'arn:${AWS::Partition}:s3:::${Env}-${AWS::Region}'}, '*']]},"
                      "   'join_novalue_ref': {'Fn::Join': ['-', ['a', {'Ref': 'AWS::NoValue'},"
                      "                        {'Ref': 'AWS::Region'}]]},"
                      "   'join_azs': {'Fn::Join': [',', {'Fn::GetAZs': ''}]},"
                      "   'join_list_attr': {'Fn::Join': [',',"
                      "                      {'Fn::GetAtt': ['Lb', 'SecurityGroups']}]},"
                      "   'join_arns': {'Fn::Join': [',', {'Ref': 'AWS::NotificationARNs'}]},"
                      "   'join_no_default': {'Fn::Join': ['-', [{'Ref': 'AWS::Region'},"
                      "                       {'Ref': 'Free'}]]},"
                      "   'join_select_azs': {'Fn::Join': ['-', [{'Ref': 'AWS::Region'},"
                      "                       {'Fn::Select': [0, {'Fn::GetAZs': ''}]}]]},"
                      "   'select_free_index': {'Fn::Select': [{'Ref': 'Free'}, ['a', 'b']]},"
                      "   'select_attr_list': {'Fn::Select': [0,"
                      "                        {'Fn::GetAtt': ['Lb', 'SecurityGroups']}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "join", "'app-prod-3'");
    ck_assert_attr(r, "join_param", "'a,b'");
    ck_assert_symbol(r, "join_ref", "vpc-${Vpc}");
    ck_assert(has_edge(r, "join_ref", "Vpc"));
    ck_assert_attr(r, "join_novalue", "'a-b'");
    ck_assert_attr(r, "select", "'y'");
    ck_assert_attr(r, "select_text_index", "'a'");
    ck_assert_attr(r, "select_split", "'c'");
    ck_assert_no_symbol(r, "select_azs");
    ck_assert_uint_eq(edges_at(r, "select_azs"), 0);
    /* Selecting from a known list gives the element, symbol and all. */
    ck_assert_symbol(r, "select_ref", "${Vpc}");
    ck_assert(has_edge(r, "select_ref", "Vpc"));
    ck_assert_attr(r, "split", "['a', '', 'b']");
    /* A symbol is text: the list Fn::Split makes of it has none. */
    ck_assert_no_symbol(r, "split_ref");
    ck_assert(has_edge(r, "split_ref", "Vpc"));

    ck_assert_symbol(r, "join_arn", "arn:${AWS::Partition}:s3:::prod");
    ck_assert_symbol(r, "join_sub", "arn:${AWS::Partition}:s3:::prod-${AWS::Region}/*");
    ck_assert_symbol(r, "join_novalue_ref", "a-${AWS::Region}");

    ck_assert_no_symbol(r, "join_azs");
    ck_assert_no_symbol(r, "join_list_attr");
    ck_assert(has_edge(r, "join_list_attr", "Lb"));
    ck_assert_no_symbol(r, "join_arns");
    ck_assert_no_symbol(r, "join_no_default");
    ck_assert_no_symbol(r, "join_select_azs");
    ck_assert_no_symbol(r, "select_free_index");
    ck_assert_no_symbol(r, "select_attr_list");
    ck_assert(has_edge(r, "select_attr_list", "Lb"));
    release(&l);
}
END_TEST

START_TEST(find_in_map_keys)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'}},"
                      " 'Mappings': {'Sizes': {'prod': {'Hosts': 3, 'Cidr': '10.0.0.0/16'},"
                      "                        'us-east-1': {'Hosts': 1}}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'hosts': {'Fn::FindInMap': ['Sizes', {'Ref': 'Env'}, 'Hosts']},"
                      "  'cidr': {'Fn::FindInMap': ['Sizes', 'prod', 'Cidr']},"
                      "  'region': {'Fn::FindInMap': ['Sizes', {'Ref': 'AWS::Region'}, 'Hosts']},"
                      "  'fallback': {'Fn::FindInMap': ['Sizes', 'dev', 'Hosts',"
                      "               {'DefaultValue': 1}]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "hosts", "3");
    ck_assert_attr(r, "cidr", "'10.0.0.0/16'");
    /* A key that is unknown leaves the value without a symbol. */
    ck_assert_no_symbol(r, "region");
    ck_assert_attr(r, "fallback", "1");
    release(&l);
}
END_TEST

START_TEST(base64_encodes_known_text)
{
    loaded l;
    load_template(&l, "{'Resources': {'Q': {'Type': 'AWS::SQS::Queue'},"
                      " 'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'one': {'Fn::Base64': 'hello'},"
                      "  'two': {'Fn::Base64': 'ab'},"
                      "  'empty': {'Fn::Base64': ''},"
                      "  'sub': {'Fn::Base64': {'Fn::Sub': 'q=${Q}'}}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "one", "'aGVsbG8='");
    ck_assert_attr(r, "two", "'YWI='");
    ck_assert_attr(r, "empty", "''");
    /* The symbol of the Fn::Sub is the text before encoding. */
    ck_assert_no_symbol(r, "sub");
    ck_assert(has_edge(r, "sub", "Q"));
    release(&l);
}
END_TEST

/* Symbols: the text an unknown value will have, with ${...} for what the
 * stack fills in. */

START_TEST(symbols_equal_across_resources)
{
    loaded l;
    load_template(&l, "{'Parameters': {'App': {'Type': 'String', 'Default': 'shop'}},"
                      " 'Resources': {'Bucket': {'Type': 'Test::Echo'},"
                      "  'A': {'Type': 'Test::Echo', 'Properties': {"
                      "   'name': {'Fn::Sub': '${App}-logs-${AWS::Region}-${AWS::AccountId}'},"
                      "   'ref': {'Ref': 'Bucket'},"
                      "   'arn': {'Fn::GetAtt': 'Bucket.Arn'}}},"
                      "  'B': {'Type': 'Test::Echo', 'Properties': {"
                      "   'name': {'Fn::Join': ['-', [{'Ref': 'App'}, 'logs',"
                      "            {'Ref': 'AWS::Region'}, {'Ref': 'AWS::AccountId'}]]},"
                      "   'ref': {'Fn::Sub': '${Bucket}'},"
                      "   'arn': {'Fn::GetAtt': ['Bucket', 'Arn']}}},"
                      "  'C': {'Type': 'Test::Echo', 'Properties': {"
                      "   'name': {'Fn::Sub': ['${Prefix}-${AWS::Region}-${AWS::AccountId}',"
                      "            {'Prefix': {'Fn::Join': ['-', ['shop', 'logs']]}}]},"
                      "   'ref': {'Fn::Join': ['', [{'Ref': 'Bucket'}]]},"
                      "   'arn': {'Fn::Sub': '${Bucket.Arn}'}}},"
                      "  'Other': {'Type': 'Test::Echo', 'Properties': {"
                      "   'name': {'Fn::Sub': '${App}-logs-${AWS::AccountId}-${AWS::Region}'}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);

    static const char *const writers[] = {"A", "B", "C"};
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
        soc2_resource *r = resource(&l, writers[i]);
        ck_assert_symbol(r, "name", "shop-logs-${AWS::Region}-${AWS::AccountId}");
        ck_assert_symbol(r, "ref", "${Bucket}");
        ck_assert(has_edge(r, "ref", "Bucket"));
        ck_assert_symbol(r, "arn", "${Bucket.Arn}");
        ck_assert(has_edge(r, "arn", "Bucket"));
    }
    ck_assert(json_equal(value_at(resource(&l, "A")->attrs, "name"),
                         value_at(resource(&l, "B")->attrs, "name")));
    ck_assert(json_equal(value_at(resource(&l, "A")->attrs, "name"),
                         value_at(resource(&l, "C")->attrs, "name")));

    /* The same parts in another order make another value. */
    soc2_resource *other = resource(&l, "Other");
    ck_assert_symbol(other, "name", "shop-logs-${AWS::AccountId}-${AWS::Region}");
    ck_assert(!json_equal(value_at(other->attrs, "name"), value_at(resource(&l, "A")->attrs, "name")));
    release(&l);
}
END_TEST

/* Known text that contains "${", or makes it with a neighbouring part,
 * would read as a placeholder: such a value gets no symbol, so it cannot
 * equal the symbol of a different value. */
START_TEST(symbol_not_made_from_literal_placeholder)
{
    loaded l;
    load_template(&l, "{'Parameters': {'Text': {'Type': 'String', 'Default': '${AWS::Region}'}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'real': {'Fn::Sub': '${AWS::Region}-${AWS::AccountId}'},"
                      "  'join_text': {'Fn::Join': ['-', ['${AWS::Region}',"
                      "                {'Ref': 'AWS::AccountId'}]]},"
                      "  'join_parts': {'Fn::Join': ['', ['$', '{AWS::Region}-',"
                      "                 {'Ref': 'AWS::AccountId'}]]},"
                      "  'join_delimiter': {'Fn::Join': ['${', ['x', {'Ref': 'AWS::Region'}]]},"
                      "  'sub_default': {'Fn::Sub': '${Text}-${AWS::AccountId}'},"
                      "  'sub_variable': {'Fn::Sub': ['${X}-${AWS::AccountId}',"
                      "                   {'X': '${AWS::Region}'}]},"
                      "  'sub_dollar': {'Fn::Sub': ['$${X}-${AWS::AccountId}',"
                      "                 {'X': '{AWS::Region}'}]},"
                      "  'known_text': {'Fn::Join': ['-', ['${AWS::Region}', 'x']]}}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_symbol(r, "real", "${AWS::Region}-${AWS::AccountId}");
    ck_assert_no_symbol(r, "join_text");
    ck_assert_no_symbol(r, "join_parts");
    ck_assert_no_symbol(r, "join_delimiter");
    ck_assert_no_symbol(r, "sub_default");
    ck_assert_no_symbol(r, "sub_variable");
    ck_assert_no_symbol(r, "sub_dollar");
    /* Without unknown parts the value is plain text. */
    ck_assert_attr(r, "known_text", "'${AWS::Region}-x'");
    ck_assert(!is_unknown(r, "known_text"));
    release(&l);
}
END_TEST

START_TEST(account_dependent_functions_unknown)
{
    loaded l;
    load_template(&l, "{'Resources': {'Vpc': {'Type': 'AWS::EC2::VPC'},"
                      " 'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'azs': {'Fn::GetAZs': {'Ref': 'AWS::Region'}},"
                      "  'import': {'Fn::ImportValue': 'shared-vpc-id'},"
                      "  'cidr': {'Fn::Cidr': [{'Fn::GetAtt': 'Vpc.CidrBlock'}, 6, 5]},"
                      "  'transform': {'Fn::Transform': {'Name': 'AWS::Include'}},"
                      "  'length': {'Fn::Length': [1, 2]},"
                      "  'known': 'k'}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_no_symbol(r, "azs");
    ck_assert_no_symbol(r, "import");
    ck_assert_no_symbol(r, "cidr");
    ck_assert(has_edge(r, "cidr", "Vpc"));
    ck_assert_no_symbol(r, "transform");
    ck_assert_no_symbol(r, "length");
    ck_assert_attr(r, "known", "'k'");
    ck_assert_uint_eq(r->edge_count, 1);
    release(&l);
}
END_TEST

START_TEST(properties_wholly_unknown)
{
    loaded l;
    load_template(
        &l, "{'Parameters': {'Free': {'Type': 'String'}},"
            " 'Conditions': {'Open': {'Fn::Equals': [{'Ref': 'Free'}, 'x']}},"
            " 'Resources': {'Sg': {'Type': 'AWS::EC2::SecurityGroup',"
            "  'Properties': {'Fn::If': ['Open', {'GroupName': 'a'}, {'GroupName': 'b'}]}}}}");
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "Sg");
    ck_assert_str_eq(r->type, "aws_security_group");
    ck_assert_uint_eq(json_object_size(r->attrs), 0);
    ck_assert(json_is_true(r->unknown));
    release(&l);
}
END_TEST

/* Attribute paths stop at PATH_MAX_STEPS steps, but unknown values may sit
 * deeper in a property the table does not map. */
START_TEST(unknown_below_path_limit)
{
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "{'Resources': {'Q': {'Type': 'AWS::SQS::Queue'}, 'E': {'Type': 'Test::Echo',"
                   " 'Properties': {'top': ");
    for (int i = 0; i < PATH_MAX_STEPS + 8; i++)
        sb_puts(&text, "{'a': [");
    sb_puts(&text, "{'Ref': 'Q'}");
    for (int i = 0; i < PATH_MAX_STEPS + 8; i++)
        sb_puts(&text, "]}");
    sb_puts(&text, "}}}}");

    loaded l;
    load_template(&l, sb_str(&text));
    ck_assert_int_eq(l.rc, SOC2_OK);
    soc2_resource *r = resource(&l, "E");
    ck_assert_uint_eq(r->edge_count, 1);
    ck_assert_str_eq(r->edges[0].target_address, "Q");

    strbuf expected = STRBUF_INIT;
    sb_puts(&expected, "top");
    json_t *node = r->attrs;
    json_t *mask = r->unknown;
    node = json_object_get(node, "top");
    mask = json_object_get(mask, "top");
    for (int i = 0; i < PATH_MAX_STEPS + 8; i++) {
        sb_puts(&expected, ".a[0]");
        node = json_array_get(json_object_get(node, "a"), 0);
        mask = json_array_get(json_object_get(mask, "a"), 0);
    }
    ck_assert_str_eq(r->edges[0].path, sb_str(&expected));
    ck_assert(json_is_string(node));
    ck_assert_str_eq(json_string_value(node), "${Q}");
    ck_assert(json_is_true(mask));
    sb_free(&expected);
    sb_free(&text);
    release(&l);
}
END_TEST

/* Malformed intrinsic functions. Errors name the value by JSON pointer and,
 * through the public loading call, by line. */

static const soc2_error *load_error(const char *single_quoted)
{
    char *text = strdup(single_quoted);
    for (char *p = text; *p; p++)
        if (*p == '\'')
            *p = '"';
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "bad.json", SOC2_FORMAT_AUTO);
    ck_assert_int_ne(rc, SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
    free(text);
    return soc2_error_last();
}

START_TEST(error_join_not_list_has_line)
{
    const soc2_error *e = load_error("{\n"
                                     "  'Resources': {\n"
                                     "    'Web': {\n"
                                     "      'Type': 'AWS::EC2::SecurityGroup',\n"
                                     "      'Properties': {\n"
                                     "        'SecurityGroupIngress': [\n"
                                     "          {'IpProtocol': 'tcp',\n"
                                     "           'CidrIp': {'Fn::Join': 'oops'}}\n"
                                     "        ]\n"
                                     "      }\n"
                                     "    }\n"
                                     "  }\n"
                                     "}\n");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer,
                     "/Resources/Web/Properties/SecurityGroupIngress/0/CidrIp/Fn::Join");
    ck_assert_str_eq(e->file, "bad.json");
    ck_assert_int_eq(e->line, 8);
    ck_assert_int_eq(e->column, 35);
    ck_assert_msg(strstr(e->message, "Fn::Join needs [delimiter, [value, ...]]") != NULL, "%s",
                  e->message);
}
END_TEST

START_TEST(error_ref_to_unknown_name)
{
    const soc2_error *e = load_error("{'Resources': {\n"
                                     " 'Sg': {'Type': 'AWS::EC2::SecurityGroup',\n"
                                     "  'Properties': {'VpcId': {'Ref': 'Missing'}}}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Resources/Sg/Properties/VpcId/Ref");
    ck_assert_int_eq(e->line, 3);
    ck_assert_msg(strstr(e->message, "Ref to \"Missing\", which is neither a parameter") != NULL,
                  "%s", e->message);
}
END_TEST

START_TEST(error_get_att_unknown_resource)
{
    const soc2_error *e = load_error("{'Resources': {'E': {'Type': 'Test::Echo',\n"
                                     "  'Properties': {'a': {'Fn::GetAtt': ['Nope', 'Arn']}}}}}");
    ck_assert_str_eq(e->pointer, "/Resources/E/Properties/a/Fn::GetAtt/0");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "\"Nope\", which is not in Resources") != NULL, "%s",
                  e->message);

    e = load_error("{'Resources': {'E': {'Type': 'Test::Echo',\n"
                   "  'Properties': {'a': {'Fn::GetAtt': 'NoDot'}}}}}");
    ck_assert_str_eq(e->pointer, "/Resources/E/Properties/a/Fn::GetAtt");
    ck_assert_msg(strstr(e->message, "LogicalId.Attribute") != NULL, "%s", e->message);
}
END_TEST

START_TEST(error_condition_cycle)
{
    const soc2_error *e =
        load_error("{'Conditions': {'A': {'Condition': 'B'},\n"
                   "                'B': {'Fn::Not': [{'Condition': 'A'}]}},\n"
                   " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'A'}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Conditions/B/Fn::Not/0/Condition");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "condition \"A\" depends on itself") != NULL, "%s",
                  e->message);
}
END_TEST

START_TEST(error_undefined_condition)
{
    const soc2_error *e = load_error("{'Resources': {'E': {'Type': 'Test::Echo',\n"
                                     "  'Properties': {'a': {'Fn::If': ['Nope', 1, 2]}}}}}");
    ck_assert_str_eq(e->pointer, "/Resources/E/Properties/a/Fn::If/0");
    ck_assert_msg(strstr(e->message, "condition \"Nope\" is not defined in Conditions") != NULL,
                  "%s", e->message);

    e = load_error("{'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'Nope'}}}");
    ck_assert_str_eq(e->pointer, "/Resources/E/Condition");

    e = load_error("{'Conditions': {'C': {'Fn::If': ['x', 1, 2]}},"
                   " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'C'}}}");
    ck_assert_str_eq(e->pointer, "/Conditions/C");
    ck_assert_msg(strstr(e->message, "Fn::If is not a condition function") != NULL, "%s",
                  e->message);
}
END_TEST

START_TEST(error_malformed_functions)
{
    static const struct {
        const char *value;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"{'Fn::Sub': '${Nowhere}'}", "/Fn::Sub", "Fn::Sub refers to ${Nowhere}"},
        {"{'Fn::Sub': ['${A}', 'not a map']}", "/Fn::Sub", "Fn::Sub needs a string or"},
        {"{'Fn::Select': [5, ['a']]}", "/Fn::Select/0", "index 5 is out of range for a list of 1"},
        {"{'Fn::Select': [-1, ['a']]}", "/Fn::Select/0", "non-negative integer"},
        {"{'Fn::Select': [0, 'a']}", "/Fn::Select/1", "needs a list to select from"},
        {"{'Fn::Split': ['', 'a']}", "/Fn::Split", "Fn::Split needs [delimiter, string]"},
        {"{'Fn::Join': [',', [{'k': 1}]]}", "/Fn::Join/1", "can only join strings and numbers"},
        {"{'Fn::FindInMap': ['Nope', 'a', 'b']}", "/Fn::FindInMap/0",
         "Mappings has no map \"Nope\""},
        {"{'Fn::FindInMap': ['M', 'a', 'z']}", "/Fn::FindInMap/2", "has no key \"z\""},
        {"{'Fn::FindInMap': ['M', 'a']}", "/Fn::FindInMap", "Fn::FindInMap needs"},
        {"{'Fn::If': ['C', 1]}", "/Fn::If", "Fn::If needs [condition name"},
        {"{'Fn::Base64': ['a']}", "/Fn::Base64", "Fn::Base64 needs a string"},
        {"{'Ref': ['a']}", "/Ref", "Ref needs the name"},
        {"{'Fn::Equals': ['a']}", "/Fn::Equals", "Fn::Equals needs a list of two values"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{'Mappings': {'M': {'a': {'b': 1}}}, 'Conditions': {'C': {'Fn::Equals': [1, 1]}},"
                 " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {'v': %s}}}}",
                 cases[i].value);
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/E/Properties/v%s", cases[i].pointer);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].value, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].value, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "%s: message %s",
                      cases[i].value, e->message);
        ck_assert_int_eq(e->line, 1);
    }
}
END_TEST

START_TEST(error_function_beside_other_keys)
{
    static const struct {
        const char *properties;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"{'v': {'Ref': 'P', 'Other': 1}}", "/Properties/v",
         "the intrinsic function \"Ref\" must be the only key of its object, but the object "
         "also has the key \"Other\""},
        {"{'v': {'Fn::Sub': 'x', 'Fn::Join': ['', ['a']]}}", "/Properties/v",
         "\"Fn::Sub\" must be the only key of its object, but the object also has the key "
         "\"Fn::Join\""},
        {"{'v': {'Other': 1, 'Fn::GetAtt': ['F', 'Arn']}}", "/Properties/v",
         "\"Fn::GetAtt\" must be the only key of its object, but the object also has the key "
         "\"Other\""},
        {"{'v': {'Fn::Transform': {}, 'a': 2}}", "/Properties/v", "\"Fn::Transform\""},
        {"{'v': [{'Ref': 'AWS::NoValue', 'Fn::If': ['C', 1, 2]}]}", "/Properties/v/0",
         "\"Ref\" must be the only key"},
        {"{'Fn::If': ['C', {}, {}], 'BucketName': 'x'}", "/Properties", "\"Fn::If\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{'Parameters': {'P': {'Type': 'String', 'Default': 'p'}},"
                 " 'Conditions': {'C': {'Fn::Equals': [1, 1]}},"
                 " 'Resources': {'F': {'Type': 'Test::Echo'},"
                 "  'E': {'Type': 'Test::Echo', 'Properties': %s}}}",
                 cases[i].properties);
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/E%s", cases[i].pointer);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].properties, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].properties, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "%s: message %s",
                      cases[i].properties, e->message);
    }
}
END_TEST

/* Where a condition is expected, Condition is an intrinsic function too. */
START_TEST(error_condition_function_beside_other_keys)
{
    const soc2_error *e =
        load_error("{'Conditions': {'D': {'Fn::Equals': [1, 1]},\n"
                   "  'C': {'Fn::Not': [{'Condition': 'D', 'Other': 1}]}},\n"
                   " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'C'}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Conditions/C/Fn::Not/0");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "\"Condition\" must be the only key of its object, but the "
                                     "object also has the key \"Other\"") != NULL,
                  "%s", e->message);

    e = load_error("{'Conditions': {'C': {'Fn::Equals': [1, 1], 'Fn::Or': []}},"
                   " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'C'}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Conditions/C");
    ck_assert_msg(strstr(e->message, "\"Fn::Equals\" must be the only key") != NULL, "%s",
                  e->message);
}
END_TEST

/* Fn::And and Fn::Or take 2 to 10 conditions, in the Conditions section
 * and as property values. */
START_TEST(error_and_or_operand_count)
{
    static const char *const functions[] = {"Fn::And", "Fn::Or"};
    for (size_t f = 0; f < 2; f++) {
        for (int count = 0; count <= 12; count++) {
            strbuf operands = STRBUF_INIT;
            for (int i = 0; i < count; i++)
                sb_printf(&operands, "%s{'Condition': 'T'}", i ? ", " : "");
            char text[1024];
            snprintf(text, sizeof(text),
                     "{'Conditions': {'T': {'Fn::Equals': [1, 1]},"
                     "  'C': {'%s': [%s]}},"
                     " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'C'}}}",
                     functions[f], sb_str(&operands));
            sb_free(&operands);

            loaded l;
            load_template(&l, text);
            if (count >= 2 && count <= 10) {
                ck_assert_msg(l.rc == SOC2_OK, "%s of %d: %s", functions[f], count,
                              soc2_error_last()->message);
                ck_assert_uint_eq(l.loader.count, 1);
            } else {
                const soc2_error *e = soc2_error_last();
                char pointer[64];
                snprintf(pointer, sizeof(pointer), "/Conditions/C/%s", functions[f]);
                ck_assert_msg(l.rc == SOC2_EFORMAT, "%s of %d: status %d", functions[f], count,
                              l.rc);
                ck_assert_str_eq(e->pointer, pointer);
                ck_assert_msg(strstr(e->message, "needs a list of 2 to 10 conditions") != NULL,
                              "%s", e->message);
            }
            release(&l);
        }
    }

    const soc2_error *e = load_error("{'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                                     "  'v': {'Fn::Or': [{'Fn::Equals': [1, 1]}]}}}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Resources/E/Properties/v/Fn::Or");
}
END_TEST

/* A resource whose properties refer to the resource itself depends on
 * itself, which CloudFormation rejects. */
START_TEST(error_self_reference)
{
    static const struct {
        const char *value;
        const char *pointer;
        const char *function;
    } cases[] = {
        {"{'Ref': 'E'}", "/Ref", "Ref"},
        {"{'Fn::GetAtt': 'E.Arn'}", "/Fn::GetAtt", "Fn::GetAtt"},
        {"{'Fn::GetAtt': ['E', 'Arn']}", "/Fn::GetAtt/0", "Fn::GetAtt"},
        {"{'Fn::Sub': 'arn:${E}'}", "/Fn::Sub", "Fn::Sub"},
        {"{'Fn::Sub': '${E.Arn}/x'}", "/Fn::Sub", "Fn::Sub"},
        {"{'Fn::Sub': ['${E}', {'A': 1}]}", "/Fn::Sub/0", "Fn::Sub"},
        {"{'Fn::If': ['C', {'Ref': 'E'}, 'x']}", "/Fn::If/1/Ref", "Ref"},
        {"[{'Fn::Join': ['', [{'Ref': 'E'}]]}]", "/0/Fn::Join/1/0/Ref", "Ref"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{'Conditions': {'C': {'Fn::Equals': [1, 1]}},"
                 " 'Resources': {'F': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'E'}}},"
                 "  'E': {'Type': 'Test::Echo', 'Properties': {'v': %s}}}}",
                 cases[i].value);
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/E/Properties/v%s", cases[i].pointer);
        char message[128];
        snprintf(message, sizeof(message),
                 "%s refers to resource \"E\" from its own properties, a circular dependency",
                 cases[i].function);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].value, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].value, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, message) != NULL, "%s: message %s", cases[i].value,
                      e->message);
    }

    /* The branch of a false condition is not resolved, so it depends on
     * nothing. */
    loaded l;
    load_template(&l, "{'Conditions': {'No': {'Fn::Equals': [1, 2]}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  'v': {'Fn::If': ['No', {'Ref': 'E'}, 'x']}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_attr(resource(&l, "E"), "v", "'x'");
    release(&l);
}
END_TEST

/* An object whose only key starts with Fn:: must name a function that
 * CloudFormation defines, wherever CloudFormation reads functions: also in
 * a branch or a resource that a false condition leaves out. */
START_TEST(error_unknown_function)
{
    static const struct {
        const char *template;
        const char *pointer;
        int line;
        const char *message;
    } cases[] = {
        {"{'Resources': {'E': {'Type': 'Test::Echo',\n"
         "  'Properties': {'v': [{'Fn::Bogus': 'x'}]}}}}",
         "/Resources/E/Properties/v/0/Fn::Bogus", 2,
         "unknown intrinsic function \"Fn::Bogus\", which CloudFormation does not define"},
        {"{'Conditions': {'No': {'Fn::Equals': [1, 2]}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {\n"
         "  'v': {'Fn::If': ['No', {'Fn::Bogus': 1}, 'x']}}}}}",
         "/Resources/E/Properties/v/Fn::If/1/Fn::Bogus", 3, "\"Fn::Bogus\""},
        {"{'Conditions': {'No': {'Fn::Equals': [1, 2]}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'No',\n"
         "  'Properties': {'v': {'Fn::Bogus': 1}}}}}",
         "/Resources/E/Properties/v/Fn::Bogus", 3, "\"Fn::Bogus\""},
        {"{'Resources': {'E': {'Type': 'Test::Echo',\n"
         "  'Metadata': {'m': {'Fn::Bogus': 1}}}}}",
         "/Resources/E/Metadata/m/Fn::Bogus", 2, "\"Fn::Bogus\""},
        {"{'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {\n"
         "  'v': {'Fn::ToJsonString': {'k': {'Fn::Bogus': 1}}}}}}}",
         "/Resources/E/Properties/v/Fn::ToJsonString/k/Fn::Bogus", 2, "\"Fn::Bogus\""},
        {"{'Resources': {'E': {'Type': 'Test::Echo'}},\n"
         " 'Outputs': {'O': {'Value': {'Fn::Bogus': 1}}}}",
         "/Outputs/O/Value/Fn::Bogus", 2, "\"Fn::Bogus\""},
        {"{'Conditions': {'C': {'Fn::Bogus': [1, 1]}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo'}}}",
         "/Conditions/C/Fn::Bogus", 1, "\"Fn::Bogus\""},
        {"{'Resources': {'F': {'Type': 'Test::Echo'}, 'E': {'Type': 'Test::Echo',\n"
         "  'Properties': {'v': {'Fn::getAtt': 'F.Arn'}}}}}",
         "/Resources/E/Properties/v/Fn::getAtt", 2,
         "unknown intrinsic function \"Fn::getAtt\"; function names are case-sensitive, so "
         "write Fn::GetAtt"},
        {"{'Resources': {'E': {'Type': 'Test::Echo',\n"
         "  'Properties': {'v': {'Fn::': 1}}}}}",
         "/Resources/E/Properties/v/Fn::", 2, "unknown intrinsic function \"Fn::\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const soc2_error *e = load_error(cases[i].template);
        ck_assert_msg(e->code == SOC2_EFORMAT, "case %zu: code %d", i, e->code);
        ck_assert_msg(e->file && strcmp(e->file, "bad.json") == 0, "case %zu: file %s", i,
                      e->file ? e->file : "(none)");
        ck_assert_msg(e->pointer && strcmp(e->pointer, cases[i].pointer) == 0,
                      "case %zu: pointer %s", i, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(e->line == cases[i].line, "case %zu: line %d", i, e->line);
        ck_assert_msg(e->column > 0, "case %zu: no column", i);
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "case %zu: message %s", i,
                      e->message);
        /* Only a YAML template has a short form to mention. */
        ck_assert_msg(strstr(e->message, "in YAML") == NULL, "case %zu: message %s", i,
                      e->message);
    }
}
END_TEST

/* A NUL character would make a name another name (a Ref to "P\u0000"
 * finding the parameter P), so names that hold one are errors. */
START_TEST(error_nul_in_names)
{
    static const struct {
        const char *template;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"{'Parameters': {'P': {'Type': 'String', 'Default': 'p'}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'P\\u0000'}}}}}",
         "/Resources/E/Properties/v/Ref", "the argument of Ref must not contain a NUL character"},
        {"{'Resources': {'F': {'Type': 'Test::Echo'},\n"
         " 'E': {'Type': 'Test::Echo', 'Properties': {'v': {'Fn::GetAtt': ['F', 'Arn\\u0000x']}}}}}",
         "/Resources/E/Properties/v/Fn::GetAtt/1",
         "the arguments of Fn::GetAtt must not contain a NUL character"},
        {"{'Conditions': {'C': {'Fn::Equals': [1, 1]}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {\n"
         "  'v': {'Fn::If': ['C\\u0000', 1, 2]}}}}}",
         "/Resources/E/Properties/v/Fn::If/0", "of Fn::If must not contain a NUL character"},
        {"{'Conditions': {'C': {'Fn::Equals': [1, 1]}},\n"
         " 'Resources': {'E': {'Type': 'Test::Echo', 'Condition': 'C\\u0000'}}}",
         "/Resources/E/Condition", "Condition must be a condition name"},
        {"{'Resources': {\n 'E': {'Type': 'Test::Echo\\u0000x'}}}", "/Resources/E/Type",
         "Type must be a resource type name"},
        {"{'Resources': {'F': {'Type': 'Test::Echo'},\n"
         " 'E': {'Type': 'Test::Echo', 'DependsOn': 'F\\u0000'}}}",
         "/Resources/E/DependsOn", "which is not a resource of the template"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const soc2_error *e = load_error(cases[i].template);
        ck_assert_msg(e->code == SOC2_EFORMAT, "case %zu: code %d (%s)", i, e->code, e->message);
        ck_assert_msg(e->pointer && strcmp(e->pointer, cases[i].pointer) == 0,
                      "case %zu: pointer %s", i, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(e->line == 2 || e->line == 3, "case %zu: line %d", i, e->line);
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "case %zu: message %s", i,
                      e->message);
    }
}
END_TEST

/* Every function CloudFormation defines loads: the resolver's own, and the
 * ones it keeps as unknown values (Fn::Transform, Fn::GetStackOutput, the
 * AWS::LanguageExtensions functions and the rule functions). */
START_TEST(defined_functions_accepted)
{
    loaded l;
    load_template(
        &l, "{'Parameters': {'P': {'Type': 'String', 'Default': 'p'}},"
            " 'Mappings': {'M': {'a': {'b': 'found'}}},"
            " 'Conditions': {'C': {'Fn::Equals': [1, 1]}},"
            " 'Rules': {'R': {'Assertions': ["
            "  {'Assert': {'Fn::Contains': [['p'], {'Ref': 'P'}]}}]}},"
            " 'Resources': {'F': {'Type': 'Test::Echo'},"
            "  'E': {'Type': 'Test::Echo', 'Properties': {"
            "   'and': {'Fn::And': [{'Condition': 'C'}, {'Fn::Equals': [1, 1]}]},"
            "   'base64': {'Fn::Base64': 'x'},"
            "   'cidr': {'Fn::Cidr': ['10.0.0.0/16', 2, 8]},"
            "   'contains': {'Fn::Contains': [['a'], 'a']},"
            "   'each_equals': {'Fn::EachMemberEquals': [['a'], 'a']},"
            "   'each_in': {'Fn::EachMemberIn': [['a'], ['a']]},"
            "   'equals': {'Fn::Equals': [1, 2]},"
            "   'find': {'Fn::FindInMap': ['M', 'a', 'b']},"
            "   'find_default': {'Fn::FindInMap': ['M', 'x', 'y', {'DefaultValue': 'd'}]},"
            "   'for_each': {'Fn::ForEach': ['X', ['a'], {'k': 'v'}]},"
            "   'loop': {'Fn::ForEach::Items': ['X', ['a'], {'k': 'v'}]},"
            "   'azs': {'Fn::GetAZs': ''},"
            "   'att': {'Fn::GetAtt': ['F', 'Arn']},"
            "   'stack_output': {'Fn::GetStackOutput': {'StackName': 's', 'OutputName': 'o'}},"
            "   'if': {'Fn::If': ['C', 'yes', 'no']},"
            "   'import': {'Fn::ImportValue': 'x'},"
            "   'join': {'Fn::Join': ['-', ['a', 'b']]},"
            "   'length': {'Fn::Length': [1, 2]},"
            "   'not': {'Fn::Not': [{'Fn::Equals': [1, 2]}]},"
            "   'or': {'Fn::Or': [{'Fn::Equals': [1, 2]}, {'Fn::Equals': [1, 1]}]},"
            "   'ref_all': {'Fn::RefAll': 'AWS::EC2::VPC::Id'},"
            "   'select': {'Fn::Select': [1, ['a', 'b']]},"
            "   'split': {'Fn::Split': [',', 'a,b']},"
            "   'sub': {'Fn::Sub': '${P}-x'},"
            "   'json': {'Fn::ToJsonString': {'a': 1}},"
            "   'transform': {'Fn::Transform': {'Name': 'AWS::Include'}},"
            "   'value_of': {'Fn::ValueOf': ['P', 'Tags']},"
            "   'value_of_all': {'Fn::ValueOfAll': ['AWS::EC2::VPC::Id', 'Tags']},"
            "   'ref': {'Ref': 'P'}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    soc2_resource *r = resource(&l, "E");
    ck_assert_attr(r, "and", "true");
    ck_assert_attr(r, "base64", "'eA=='");
    ck_assert_attr(r, "equals", "false");
    ck_assert_attr(r, "find", "'found'");
    ck_assert_attr(r, "find_default", "'d'");
    ck_assert_attr(r, "if", "'yes'");
    ck_assert_attr(r, "join", "'a-b'");
    ck_assert_attr(r, "not", "true");
    ck_assert_attr(r, "or", "true");
    ck_assert_attr(r, "select", "'b'");
    ck_assert_attr(r, "split", "['a', 'b']");
    ck_assert_attr(r, "sub", "'p-x'");
    ck_assert_attr(r, "ref", "'p'");
    static const char *const kept_unknown[] = {
        "cidr", "contains", "each_equals", "each_in", "for_each", "loop", "azs",
        "stack_output", "import", "length", "ref_all", "json", "transform", "value_of",
        "value_of_all",
    };
    for (size_t i = 0; i < sizeof(kept_unknown) / sizeof(kept_unknown[0]); i++)
        ck_assert_no_symbol(r, kept_unknown[i]);
    ck_assert_symbol(r, "att", "${F.Arn}");
    release(&l);
}
END_TEST

/* Dependencies between resources. */

/* Writes a template of resources F, A and B where A's property v is `value`
 * (and A has `depends_on` when it is not NULL), and B's property v is a Ref
 * to A. Condition Yes is true, No is false and Open is undecided. */
static void write_pair(char *text, size_t size, const char *depends_on, const char *value)
{
    snprintf(text, size,
             "{'Parameters': {'Free': {'Type': 'String'}},"
             " 'Conditions': {'Yes': {'Fn::Equals': [1, 1]}, 'No': {'Fn::Equals': [1, 2]},"
             "  'Open': {'Fn::Equals': [{'Ref': 'Free'}, 'x']}},"
             " 'Resources': {'F': {'Type': 'Test::Echo'},"
             "  'A': {'Type': 'Test::Echo', %s%s%s 'Properties': {'v': %s}},"
             "  'B': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'A'}}}}}",
             depends_on ? "'DependsOn': " : "", depends_on ? depends_on : "",
             depends_on ? "," : "", value);
}

START_TEST(error_dependency_cycle_of_two)
{
    const soc2_error *e =
        load_error("{'Resources': {\n"
                   " 'A': {'Type': 'Test::Echo',"
                   " 'Properties': {'v': {'Fn::GetAtt': ['B', 'Arn']},\n"
                   "  'w': [{'Ref': 'B'}]}},\n"
                   " 'B': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'A'}}}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->file, "bad.json");
    ck_assert_str_eq(e->pointer, "/Resources/A/Properties/v/Fn::GetAtt/0");
    ck_assert_int_eq(e->line, 2);
    /* The column of "B" in ["B", "Arn"]. */
    ck_assert_int_eq(e->column, 66);
    ck_assert_msg(strstr(e->message, "circular dependency between resources \"A\" -> \"B\" -> "
                                     "\"A\", which CloudFormation rejects; this is where \"A\" "
                                     "refers to \"B\"") != NULL,
                  "%s", e->message);
}
END_TEST

/* Each way one resource can name another makes a dependency. */
START_TEST(error_dependency_cycle_each_reference)
{
    static const struct {
        const char *depends_on;
        const char *value;
        const char *pointer;
    } cases[] = {
        {NULL, "{'Ref': 'B'}", "/Properties/v/Ref"},
        {NULL, "{'Fn::GetAtt': 'B.Arn'}", "/Properties/v/Fn::GetAtt"},
        {NULL, "{'Fn::GetAtt': ['B', 'Arn']}", "/Properties/v/Fn::GetAtt/0"},
        {NULL, "{'Fn::Sub': 'arn:${B}'}", "/Properties/v/Fn::Sub"},
        {NULL, "{'Fn::Sub': '${!Literal}-${ B.Arn }/x'}", "/Properties/v/Fn::Sub"},
        {NULL, "{'Fn::Sub': ['${X}-${B}', {'X': 'x'}]}", "/Properties/v/Fn::Sub/0"},
        {NULL, "{'Fn::Sub': ['${X}', {'X': {'Ref': 'B'}}]}", "/Properties/v/Fn::Sub/1/X/Ref"},
        {NULL, "{'Fn::Join': ['', ['a', {'Ref': 'B'}]]}", "/Properties/v/Fn::Join/1/1/Ref"},
        {NULL, "{'Fn::Select': [0, ['a', {'Ref': 'B'}]]}", "/Properties/v/Fn::Select/1/1/Ref"},
        {NULL, "{'Fn::If': ['Yes', {'Ref': 'B'}, 'x']}", "/Properties/v/Fn::If/1/Ref"},
        {NULL, "{'Fn::If': ['Open', 'x', {'Ref': 'B'}]}", "/Properties/v/Fn::If/2/Ref"},
        {NULL, "{'Fn::ToJsonString': {'k': {'Ref': 'B'}}}",
         "/Properties/v/Fn::ToJsonString/k/Ref"},
        {"'B'", "'x'", "/DependsOn"},
        {"['F', 'B']", "'x'", "/DependsOn/1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024];
        write_pair(text, sizeof(text), cases[i].depends_on, cases[i].value);
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/A%s", cases[i].pointer);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].value, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].value, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, "between resources \"A\" -> \"B\" -> \"A\"") != NULL,
                      "%s: message %s", cases[i].value, e->message);
    }
}
END_TEST

/* Names that are not resources, and branches the template decides
 * against, make no dependency. Neither does a resource that is not
 * created. */
START_TEST(dependency_not_counted)
{
    static const struct {
        const char *depends_on;
        const char *value;
    } cases[] = {
        {NULL, "{'Ref': 'Free'}"},
        {NULL, "{'Fn::Sub': '${AWS::Region}-${Free}'}"},
        {NULL, "{'Fn::Sub': ['${B}', {'B': 'x'}]}"},
        {NULL, "{'Fn::Sub': '${!B}'}"},
        {NULL, "{'Fn::If': ['No', {'Ref': 'B'}, 'x']}"},
        {NULL, "{'Fn::If': ['Yes', 'x', {'Fn::GetAtt': 'B.Arn'}]}"},
        {NULL, "{'Fn::If': ['Open', {'Ref': 'Free'}, 'x']}"},
        {NULL, "{'Fn::GetAtt': ['F', 'Arn']}"},
        {"'F'", "'x'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024];
        write_pair(text, sizeof(text), cases[i].depends_on, cases[i].value);
        loaded l;
        load_template(&l, text);
        ck_assert_msg(l.rc == SOC2_OK, "%s: %s", cases[i].value, soc2_error_last()->message);
        ck_assert_uint_eq(l.loader.count, 3);
        release(&l);
    }

    /* B is not created, so A -> B -> A is no cycle. */
    loaded l;
    load_template(&l, "{'Conditions': {'No': {'Fn::Equals': [1, 2]}},"
                      " 'Resources': {"
                      "  'A': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'B'}}},"
                      "  'B': {'Type': 'Test::Echo', 'Condition': 'No', 'DependsOn': 'A',"
                      "   'Properties': {'v': {'Ref': 'A'}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_uint_eq(l.loader.count, 1);
    release(&l);

    /* Two paths to one resource are no cycle. */
    load_template(&l, "{'Resources': {"
                      "  'A': {'Type': 'Test::Echo', 'DependsOn': ['B', 'C']},"
                      "  'B': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'D'}}},"
                      "  'C': {'Type': 'Test::Echo', 'Properties': {'v': {'Fn::Sub': '${D.Arn}'}},"
                      "        'DependsOn': 'D'},"
                      "  'D': {'Type': 'Test::Echo'}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_uint_eq(l.loader.count, 4);
    release(&l);
}
END_TEST

/* A cycle through three resources and three kinds of reference is named
 * in order from the resource the template lists first. */
START_TEST(error_dependency_cycle_of_three)
{
    const soc2_error *e =
        load_error("{'Resources': {\n"
                   " 'A': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'B'}}},\n"
                   " 'B': {'Type': 'Test::Echo', 'Properties': {'v': {'Fn::Sub': '${C.Arn}'}}},\n"
                   " 'C': {'Type': 'Test::Echo', 'DependsOn': 'A'}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Resources/A/Properties/v/Ref");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "\"A\" -> \"B\" -> \"C\" -> \"A\",") != NULL, "%s",
                  e->message);

    e = load_error("{'Resources': {\n"
                   " 'C': {'Type': 'Test::Echo', 'DependsOn': 'A'},\n"
                   " 'A': {'Type': 'Test::Echo', 'Properties': {'v': {'Ref': 'B'}}},\n"
                   " 'B': {'Type': 'Test::Echo', 'Properties': {'v': {'Fn::Sub': '${C.Arn}'}}}}}");
    ck_assert_str_eq(e->pointer, "/Resources/C/DependsOn");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "\"C\" -> \"A\" -> \"B\" -> \"C\",") != NULL, "%s",
                  e->message);
    ck_assert_msg(strstr(e->message, "this is where \"C\" refers to \"A\"") != NULL, "%s",
                  e->message);
}
END_TEST

/* A resource that names itself where the resolver does not look, in
 * DependsOn or inside a function it does not expand, depends on itself. */
START_TEST(error_dependency_on_itself)
{
    const soc2_error *e = load_error("{'Resources': {'A': {'Type': 'Test::Echo',\n"
                                     "  'DependsOn': ['A']}}}");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->pointer, "/Resources/A/DependsOn/0");
    ck_assert_int_eq(e->line, 2);
    ck_assert_msg(strstr(e->message, "between resources \"A\" -> \"A\",") != NULL, "%s",
                  e->message);

    e = load_error("{'Resources': {'A': {'Type': 'Test::Echo', 'Properties': {\n"
                   "  'v': {'Fn::Length': [{'Fn::GetAtt': 'A.List'}]}}}}}");
    ck_assert_str_eq(e->pointer, "/Resources/A/Properties/v/Fn::Length/0/Fn::GetAtt");
    ck_assert_msg(strstr(e->message, "between resources \"A\" -> \"A\",") != NULL, "%s",
                  e->message);
}
END_TEST

START_TEST(error_depends_on_invalid)
{
    static const struct {
        const char *depends_on;
        const char *pointer;
        const char *message;
    } cases[] = {
        {"5", "/DependsOn",
         "resource \"A\": DependsOn must be the logical ID of a resource or a list of them"},
        {"['F', 7]", "/DependsOn/1", "DependsOn must be the logical ID"},
        {"{'Ref': 'F'}", "/DependsOn", "DependsOn must be the logical ID"},
        {"'Nope'", "/DependsOn",
         "resource \"A\": DependsOn names \"Nope\", which is not a resource of the template"},
        {"['F', 'Free']", "/DependsOn/1", "DependsOn names \"Free\", which is not a resource"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024];
        write_pair(text, sizeof(text), cases[i].depends_on, "'x'");
        const soc2_error *e = load_error(text);
        char pointer[128];
        snprintf(pointer, sizeof(pointer), "/Resources/A%s", cases[i].pointer);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].depends_on, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].depends_on, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "%s: message %s",
                      cases[i].depends_on, e->message);
    }
}
END_TEST

/* Writes a template of `count` resources R0, R1, ... where each depends on
 * the next, through DependsOn when `depends_on` is set and through a Ref
 * otherwise. The last depends on R0 when `closed` is set. */
static void write_chain(strbuf *text, size_t count, int depends_on, int closed)
{
    sb_puts(text, "{\"Resources\": {");
    for (size_t i = 0; i < count; i++) {
        size_t next = i + 1 < count ? i + 1 : 0;
        sb_printf(text, "%s\"R%zu\": {\"Type\": \"Test::Echo\"", i ? ", " : "", i);
        if (next == 0 && !closed)
            sb_puts(text, "}");
        else if (depends_on)
            sb_printf(text, ", \"DependsOn\": \"R%zu\"}", next);
        else
            sb_printf(text, ", \"Properties\": {\"v\": {\"Ref\": \"R%zu\"}}}", next);
    }
    sb_puts(text, "}}");
}

/* A chain of many resources is searched without recursion, so its length
 * costs no C stack, and in time that grows with the template's size. */
START_TEST(dependency_chain_long)
{
    enum { CHAIN = 50000 };
    for (int depends_on = 0; depends_on <= 1; depends_on++) {
        strbuf text = STRBUF_INIT;
        write_chain(&text, CHAIN, depends_on, 0);
        ck_assert(!text.failed);
        soc2_snapshot *s;
        ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
        int rc = soc2_snapshot_load_buffer(s, sb_str(&text), text.len, "chain.json",
                                           SOC2_FORMAT_AUTO);
        ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), CHAIN);
        soc2_snapshot_free(s);
        sb_free(&text);

        write_chain(&text, CHAIN, depends_on, 1);
        ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
        rc = soc2_snapshot_load_buffer(s, sb_str(&text), text.len, "chain.json",
                                       SOC2_FORMAT_AUTO);
        ck_assert_int_eq(rc, SOC2_EFORMAT);
        const soc2_error *e = soc2_error_last();
        ck_assert_str_eq(e->pointer, depends_on ? "/Resources/R0/DependsOn"
                                                : "/Resources/R0/Properties/v/Ref");
        ck_assert_msg(strstr(e->message, "between resources \"R0\" -> \"R1\" -> \"R2\" -> \"R3\" "
                                         "-> \"R4\" -> \"R5\" -> \u2026 -> \"R49999\" -> \"R0\" "
                                         "(50000 resources), which") != NULL,
                      "%s", e->message);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
        soc2_snapshot_free(s);
        sb_free(&text);
    }
}
END_TEST

/* A list type takes a comma-delimited string as Default, and any other type
 * a string or a number. */
START_TEST(error_parameter_default_type)
{
    static const struct {
        const char *parameter;
        const char *member;
        const char *message;
    } cases[] = {
        {"{'Type': 'String', 'Default': ['a', 'b']}", "/Default",
         "parameter \"P\" of Type \"String\": Default must be a string or a number"},
        {"{'Type': 'String', 'Default': {'a': 1}}", "/Default", "Default must be a string or"},
        {"{'Type': 'Number', 'Default': null}", "/Default", "Default must be a string or"},
        {"{'Default': [1]}", "/Default", "of Type \"String\": Default must be a string or"},
        {"{'Type': 'CommaDelimitedList', 'Default': ['a', 'b']}", "/Default",
         "parameter \"P\" of Type \"CommaDelimitedList\": Default must be a string of "
         "comma-delimited values"},
        {"{'Type': 'CommaDelimitedList', 'Default': 3}", "/Default",
         "Default must be a string of comma-delimited values"},
        {"{'Type': 'List<Number>', 'Default': {'a': 1}}", "/Default",
         "of Type \"List<Number>\": Default must be a string of comma-delimited values"},
        {"{'Type': ['String'], 'Default': 'a'}", "/Type", "Type must be a parameter type name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "{'Parameters': {'P': %s},"
                 " 'Resources': {'E': {'Type': 'Test::Echo'}}}",
                 cases[i].parameter);
        const soc2_error *e = load_error(text);
        char pointer[64];
        snprintf(pointer, sizeof(pointer), "/Parameters/P%s", cases[i].member);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].parameter, e->code);
        ck_assert_msg(e->pointer && strcmp(e->pointer, pointer) == 0, "%s: pointer %s",
                      cases[i].parameter, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, cases[i].message) != NULL, "%s: message %s",
                      cases[i].parameter, e->message);
    }

    /* Number and boolean defaults of types other than lists load. */
    loaded l;
    load_template(&l, "{'Parameters': {'S': {'Type': 'String', 'Default': 80},"
                      "  'N': {'Type': 'Number', 'Default': 2.5},"
                      "  'B': {'Type': 'String', 'Default': false},"
                      "  'L': {'Type': 'List<Number>', 'Default': '1,2'}},"
                      " 'Resources': {'E': {'Type': 'Test::Echo', 'Properties': {"
                      "  's': {'Ref': 'S'}, 'n': {'Ref': 'N'}, 'l': {'Ref': 'L'}}}}}");
    ck_assert_msg(l.rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_attr(resource(&l, "E"), "s", "80");
    ck_assert_attr(resource(&l, "E"), "l", "['1', '2']");
    release(&l);
}
END_TEST

START_TEST(error_nesting_too_deep)
{
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "{\"Resources\": {\"E\": {\"Type\": \"Test::Echo\", \"Properties\": {\"v\": ");
    for (int i = 0; i < CFN_MAX_DEPTH + 10; i++)
        sb_puts(&text, "{\"Fn::Base64\": ");
    sb_puts(&text, "\"x\"");
    for (int i = 0; i < CFN_MAX_DEPTH + 10; i++)
        sb_putc(&text, '}');
    sb_puts(&text, "}}}}");

    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, sb_str(&text), text.len, "deep.json", SOC2_FORMAT_AUTO);
    ck_assert_int_eq(rc, SOC2_ELIMIT);
    ck_assert_msg(strstr(soc2_error_last()->message, "nested deeper than") != NULL, "%s",
                  soc2_error_last()->message);
    soc2_snapshot_free(s);
    sb_free(&text);
}
END_TEST

/* The error record keeps the whole pointer of a value nested past the
 * limit; the message shows its first 10 and last 3 reference tokens. */
START_TEST(error_nesting_message_short)
{
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "{\"Resources\": {\"E\": {\"Type\": \"Test::Echo\", \"Properties\": {\"v\": ");
    for (int i = 0; i < CFN_MAX_DEPTH + 10; i++)
        sb_putc(&text, '[');
    for (int i = 0; i < CFN_MAX_DEPTH + 10; i++)
        sb_putc(&text, ']');
    sb_puts(&text, "}}}}");

    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, sb_str(&text), text.len, "deep.json", SOC2_FORMAT_AUTO);
    ck_assert_int_eq(rc, SOC2_ELIMIT);
    const soc2_error *e = soc2_error_last();

    static const char prefix[] = "/Resources/E/Properties/v";
    ck_assert_ptr_nonnull(e->pointer);
    ck_assert_msg(strncmp(e->pointer, prefix, strlen(prefix)) == 0, "pointer %.60s", e->pointer);
    size_t indexes = 0;
    for (const char *p = e->pointer + strlen(prefix); *p; p += 2) {
        ck_assert_msg(p[0] == '/' && p[1] == '0', "pointer has %.4s after %zu indexes", p,
                      indexes);
        indexes++;
    }
    ck_assert_uint_ge(indexes, CFN_MAX_DEPTH - 10);
    ck_assert_int_eq(e->line, 1);

    static const char shown[] = "nested deeper than 1000 levels "
                                "(at /Resources/E/Properties/v/0/0/0/0/0/0/\u2026/0/0/0)";
    size_t length = strlen(e->message);
    ck_assert_msg(length >= strlen(shown) &&
                      strcmp(e->message + length - strlen(shown), shown) == 0,
                  "message %.300s", e->message);
    ck_assert_uint_lt(length, 200);
    soc2_snapshot_free(s);
    sb_free(&text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cfn_intrinsics");
    TCase *tc = tcase_create("resolve");
    tcase_add_test(tc, ref_parameter_defaults_typed);
    tcase_add_test(tc, ref_pseudo_parameters_unknown);
    tcase_add_test(tc, no_value_removes_property_and_element);
    tcase_add_test(tc, ref_and_get_att_to_resource);
    tcase_add_test(tc, get_att_attribute_from_parameter);
    tcase_add_test(tc, if_on_decided_conditions);
    tcase_add_test(tc, if_on_undecided_condition);
    tcase_add_test(tc, condition_false_resource_left_out);
    tcase_add_test(tc, condition_functions_as_values);
    tcase_add_test(tc, sub_both_forms);
    tcase_add_test(tc, join_select_split);
    tcase_add_test(tc, find_in_map_keys);
    tcase_add_test(tc, base64_encodes_known_text);
    tcase_add_test(tc, symbols_equal_across_resources);
    tcase_add_test(tc, symbol_not_made_from_literal_placeholder);
    tcase_add_test(tc, account_dependent_functions_unknown);
    tcase_add_test(tc, properties_wholly_unknown);
    tcase_add_test(tc, unknown_below_path_limit);
    tcase_add_test(tc, function_like_keys_in_plain_objects);
    tcase_add_test(tc, condition_ref_not_self_reference);
    tcase_add_test(tc, defined_functions_accepted);
    suite_add_tcase(s, tc);

    TCase *dependencies = tcase_create("dependencies");
    tcase_add_test(dependencies, error_dependency_cycle_of_two);
    tcase_add_test(dependencies, error_dependency_cycle_each_reference);
    tcase_add_test(dependencies, dependency_not_counted);
    tcase_add_test(dependencies, error_dependency_cycle_of_three);
    tcase_add_test(dependencies, error_dependency_on_itself);
    tcase_add_test(dependencies, error_depends_on_invalid);
    tcase_add_test(dependencies, dependency_chain_long);
    suite_add_tcase(s, dependencies);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, error_join_not_list_has_line);
    tcase_add_test(errors, error_ref_to_unknown_name);
    tcase_add_test(errors, error_get_att_unknown_resource);
    tcase_add_test(errors, error_condition_cycle);
    tcase_add_test(errors, error_undefined_condition);
    tcase_add_test(errors, error_malformed_functions);
    tcase_add_test(errors, error_function_beside_other_keys);
    tcase_add_test(errors, error_condition_function_beside_other_keys);
    tcase_add_test(errors, error_and_or_operand_count);
    tcase_add_test(errors, error_self_reference);
    tcase_add_test(errors, error_unknown_function);
    tcase_add_test(errors, error_nul_in_names);
    tcase_add_test(errors, error_parameter_default_type);
    tcase_add_test(errors, error_nesting_too_deep);
    tcase_add_test(errors, error_nesting_message_short);
    suite_add_tcase(s, errors);
    return s;
}
