/* Unit tests for the YAML reader (src/load/yaml.c): scalar typing,
 * CloudFormation short-form tags, anchors and aliases with their limits,
 * positions, and the errors of malformed or unsupported YAML. A few tests
 * load whole templates through the public loading call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <soc2/soc2.h>

#include "harness.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/strbuf.h"

typedef struct parsed {
    json_t *root;
    strmap *positions;
    int rc;
} parsed;

static parsed parse(const char *text)
{
    parsed p;
    p.rc = yaml_to_json("test.yaml", text, strlen(text), NULL, &p.root, &p.positions);
    return p;
}

static void parsed_free(parsed *p)
{
    json_decref(p->root);
    positions_free(p->positions);
}

/* Parses `text` and checks that it gives the JSON `expected_json`. */
static void check_json(const char *text, const char *expected_json)
{
    parsed p = parse(text);
    ck_assert_msg(p.rc == SOC2_OK, "%s: %s", text, soc2_error_last()->message);
    json_error_t err;
    json_t *expected = json_loads(expected_json, JSON_DECODE_ANY, &err);
    ck_assert_msg(expected != NULL, "bad expectation %s: %s", expected_json, err.text);
    char *got = json_dumps(p.root, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    ck_assert_msg(json_equal(p.root, expected), "%s gives %s, expected %s", text, got,
                  expected_json);
    free(got);
    json_decref(expected);
    parsed_free(&p);
}

/* Parses `text`, which must fail with `code` at `line`:`column`, with a
 * message containing `words`. */
static void check_error(const char *text, int code, int line, int column, const char *words)
{
    parsed p = parse(text);
    const soc2_error *e = soc2_error_last();
    ck_assert_msg(p.rc == code, "%s: code %d, expected %d (%s)", text, p.rc, code, e->message);
    ck_assert_ptr_null(p.root);
    ck_assert_ptr_null(p.positions);
    ck_assert_int_eq(e->code, code);
    ck_assert_str_eq(e->file, "test.yaml");
    ck_assert_msg(e->line == line && e->column == column, "%s: at %d:%d, expected %d:%d (%s)",
                  text, e->line, e->column, line, column, e->message);
    ck_assert_msg(strstr(e->message, words) != NULL, "%s: message \"%s\" lacks \"%s\"", text,
                  e->message, words);
}

static void check_position(const parsed *p, const char *pointer, int line, int column)
{
    const pos_entry *entry = strmap_get(p->positions, pointer);
    ck_assert_msg(entry != NULL, "no position for \"%s\"", pointer);
    ck_assert_msg(entry->line == line && entry->column == column,
                  "\"%s\" at %d:%d, expected %d:%d", pointer, entry->line, entry->column, line,
                  column);
}

static void count_entry(const char *key, void *value, void *count)
{
    (void)key;
    (void)value;
    (*(size_t *)count)++;
}

static size_t position_count(const parsed *p)
{
    size_t count = 0;
    strmap_foreach(p->positions, count_entry, &count);
    return count;
}

/* Scalars. */

START_TEST(yaml_scalars_core_schema)
{
    static const struct {
        const char *yaml;
        const char *json;
    } cases[] = {
        {"v: true", "{\"v\": true}"},
        {"v: True", "{\"v\": true}"},
        {"v: FALSE", "{\"v\": false}"},
        {"v: null", "{\"v\": null}"},
        {"v: ~", "{\"v\": null}"},
        {"v:", "{\"v\": null}"},
        {"v: 42", "{\"v\": 42}"},
        {"v: -7", "{\"v\": -7}"},
        {"v: +3", "{\"v\": 3}"},
        {"v: 012", "{\"v\": 12}"},
        {"v: 0o17", "{\"v\": 15}"},
        {"v: 0x1F", "{\"v\": 31}"},
        {"v: 1.5", "{\"v\": 1.5}"},
        {"v: .5", "{\"v\": 0.5}"},
        {"v: -2.5e3", "{\"v\": -2500.0}"},
        /* YAML 1.1 booleans and timestamps are strings in the core schema. */
        {"v: yes", "{\"v\": \"yes\"}"},
        {"v: off", "{\"v\": \"off\"}"},
        {"v: 2010-09-09", "{\"v\": \"2010-09-09\"}"},
        /* JSON has no number for these; they stay as written. */
        {"v: .inf", "{\"v\": \".inf\"}"},
        {"v: .nan", "{\"v\": \".nan\"}"},
        {"v: 123456789012345678901234567890", "{\"v\": \"123456789012345678901234567890\"}"},
        {"v: 1e999", "{\"v\": \"1e999\"}"},
        /* Quoted and block scalars are strings. */
        {"v: \"22\"", "{\"v\": \"22\"}"},
        {"v: 'true'", "{\"v\": \"true\"}"},
        {"v: \"\"", "{\"v\": \"\"}"},
        {"v: |\n  a\n  b\n", "{\"v\": \"a\\nb\\n\"}"},
        {"v: >-\n  a\n  b\n", "{\"v\": \"a b\"}"},
        {"v: \"a\\tb\\u00e9\"", "{\"v\": \"a\\tb\\u00e9\"}"},
        /* Tags choose the type. */
        {"v: !!str 22", "{\"v\": \"22\"}"},
        {"v: ! 22", "{\"v\": \"22\"}"},
        {"v: !!int \"42\"", "{\"v\": 42}"},
        {"v: !!float 3", "{\"v\": 3.0}"},
        {"v: !!bool true", "{\"v\": true}"},
        {"v: !!null ~", "{\"v\": null}"},
        {"v: !!seq [1]", "{\"v\": [1]}"},
        {"v: !!map {a: 1}", "{\"v\": {\"a\": 1}}"},
        /* Keys are strings whatever they look like. */
        {"1: a\ntrue: b\n~: c", "{\"1\": \"a\", \"true\": \"b\", \"~\": \"c\"}"},
        {"\"<<\": x", "{\"<<\": \"x\"}"},
        /* A document need not be a mapping. */
        {"[1, two]", "[1, \"two\"]"},
        {"just text", "\"just text\""},
        {"---\n...\n", "null"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_json(cases[i].yaml, cases[i].json);
}
END_TEST

START_TEST(yaml_typed_scalar_mismatch)
{
    check_error("a: 1\nv: !!int abc\n", SOC2_EPARSE, 2, 4, "invalid \"!!int\" value \"abc\"");
    check_error("v: !!float 0x10\n", SOC2_EPARSE, 1, 4, "invalid \"!!float\"");
    check_error("v: !!bool yes\n", SOC2_EPARSE, 1, 4, "invalid \"!!bool\"");
    check_error("v: !!null 0\n", SOC2_EPARSE, 1, 4, "invalid \"!!null\"");
    check_error("v: !!int 123456789012345678901234567890\n", SOC2_EPARSE, 1, 4, "invalid");
    check_error("v: !!seq {a: 1}\n", SOC2_EPARSE, 1, 4, "\"!!seq\" on a mapping is not supported");
}
END_TEST

/* CloudFormation short forms. */

START_TEST(yaml_short_form_tags)
{
    static const struct {
        const char *yaml;
        const char *json;
    } cases[] = {
        {"v: !Ref Bucket", "{\"v\": {\"Ref\": \"Bucket\"}}"},
        {"v: !Ref 'AWS::Region'", "{\"v\": {\"Ref\": \"AWS::Region\"}}"},
        {"v: !Condition IsProd", "{\"v\": {\"Condition\": \"IsProd\"}}"},
        {"v: !GetAtt Role.Arn", "{\"v\": {\"Fn::GetAtt\": [\"Role\", \"Arn\"]}}"},
        {"v: !GetAtt Db.Endpoint.Address",
         "{\"v\": {\"Fn::GetAtt\": [\"Db\", \"Endpoint.Address\"]}}"},
        {"v: !GetAtt [Role, Arn]", "{\"v\": {\"Fn::GetAtt\": [\"Role\", \"Arn\"]}}"},
        {"v: !GetAtt NoDot", "{\"v\": {\"Fn::GetAtt\": \"NoDot\"}}"},
        {"v: !Sub 'arn:${AWS::Partition}:s3:::b'",
         "{\"v\": {\"Fn::Sub\": \"arn:${AWS::Partition}:s3:::b\"}}"},
        {"v: !Sub ['${A}-x', {A: !Ref P}]",
         "{\"v\": {\"Fn::Sub\": [\"${A}-x\", {\"A\": {\"Ref\": \"P\"}}]}}"},
        {"v: !Join ['', [a, !Ref B]]",
         "{\"v\": {\"Fn::Join\": [\"\", [\"a\", {\"Ref\": \"B\"}]]}}"},
        {"v: !If [C, 1, 2]", "{\"v\": {\"Fn::If\": [\"C\", 1, 2]}}"},
        {"v: !Select [0, !GetAZs '']",
         "{\"v\": {\"Fn::Select\": [0, {\"Fn::GetAZs\": \"\"}]}}"},
        {"v: !Split [',', 'a,b']", "{\"v\": {\"Fn::Split\": [\",\", \"a,b\"]}}"},
        {"v: !FindInMap [M, K, V]", "{\"v\": {\"Fn::FindInMap\": [\"M\", \"K\", \"V\"]}}"},
        {"v: !Base64 text", "{\"v\": {\"Fn::Base64\": \"text\"}}"},
        {"v: !Cidr [10.0.0.0/16, 4, 8]", "{\"v\": {\"Fn::Cidr\": [\"10.0.0.0/16\", 4, 8]}}"},
        {"v: !GetAZs us-east-1", "{\"v\": {\"Fn::GetAZs\": \"us-east-1\"}}"},
        {"v: !ImportValue Shared", "{\"v\": {\"Fn::ImportValue\": \"Shared\"}}"},
        {"v: !Equals [a, b]", "{\"v\": {\"Fn::Equals\": [\"a\", \"b\"]}}"},
        {"v: !And [!Condition A, !Condition B]",
         "{\"v\": {\"Fn::And\": [{\"Condition\": \"A\"}, {\"Condition\": \"B\"}]}}"},
        {"v: !Or [!Equals [a, a], !Condition B]",
         "{\"v\": {\"Fn::Or\": [{\"Fn::Equals\": [\"a\", \"a\"]}, {\"Condition\": \"B\"}]}}"},
        {"v: !Not [!Condition A]", "{\"v\": {\"Fn::Not\": [{\"Condition\": \"A\"}]}}"},
        {"v: !Transform {Name: M, Parameters: {a: 1}}",
         "{\"v\": {\"Fn::Transform\": {\"Name\": \"M\", \"Parameters\": {\"a\": 1}}}}"},
        /* Any other capitalized local tag is a function of that name. */
        {"v: !Length [1, 2]", "{\"v\": {\"Fn::Length\": [1, 2]}}"},
        {"v: !ToJsonString {a: 1}", "{\"v\": {\"Fn::ToJsonString\": {\"a\": 1}}}"},
        /* A function tag makes its scalar a string. */
        {"v: !Ref 123", "{\"v\": {\"Ref\": \"123\"}}"},
        {"v: !Sub |\n  line ${A}\n", "{\"v\": {\"Fn::Sub\": \"line ${A}\\n\"}}"},
        {"- !Ref A\n- !GetAtt B.C", "[{\"Ref\": \"A\"}, {\"Fn::GetAtt\": [\"B\", \"C\"]}]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_json(cases[i].yaml, cases[i].json);
}
END_TEST

START_TEST(yaml_short_form_positions)
{
    parsed p = parse("a:\n  b: !GetAtt Role.Arn\n  c: !If\n    - Cond\n    - !Ref X\n    - 2\n");
    ck_assert_int_eq(p.rc, SOC2_OK);
    check_position(&p, "/a/b", 2, 6);
    check_position(&p, "/a/b/Fn::GetAtt", 2, 6);
    check_position(&p, "/a/b/Fn::GetAtt/0", 2, 6);
    check_position(&p, "/a/b/Fn::GetAtt/1", 2, 6);
    check_position(&p, "/a/c", 3, 3);
    check_position(&p, "/a/c/Fn::If", 3, 6);
    check_position(&p, "/a/c/Fn::If/0", 4, 7);
    check_position(&p, "/a/c/Fn::If/1", 5, 7);
    check_position(&p, "/a/c/Fn::If/1/Ref", 5, 7);
    check_position(&p, "/a/c/Fn::If/2", 6, 7);
    parsed_free(&p);
}
END_TEST

START_TEST(yaml_unsupported_tags_rejected)
{
    check_error("a: 1\nb: !foo x\n", SOC2_EPARSE, 2, 4, "the YAML tag \"!foo\" on a scalar");
    check_error("b: !!binary aGk=\n", SOC2_EPARSE, 1, 4, "\"!!binary\"");
    check_error("b: !!timestamp 2001-12-14\n", SOC2_EPARSE, 1, 4, "\"!!timestamp\"");
    check_error("b: !!set {a: null}\n", SOC2_EPARSE, 1, 4, "\"!!set\" on a mapping");
    check_error("b: !<tag:example.com,2000:x> 1\n", SOC2_EPARSE, 1, 4,
                "\"tag:example.com,2000:x\"");
    check_error("b: !Ref.X y\n", SOC2_EPARSE, 1, 4, "\"!Ref.X\"");
    check_error("%TAG ! tag:example.com,2000:\n---\nb: !Ref y\n", SOC2_EPARSE, 3, 4,
                "\"tag:example.com,2000:Ref\"");
    check_error("!Ref k: v\n", SOC2_EPARSE, 1, 1, "a mapping key cannot have the tag \"!Ref\"");

    /* The pointer names the tagged value. */
    parsed p = parse("x:\n  - 1\n  - !foo 2\n");
    ck_assert_int_eq(p.rc, SOC2_EPARSE);
    ck_assert_str_eq(soc2_error_last()->pointer, "/x/1");
}
END_TEST

/* Positions. */

/* A collection in a mapping is placed at its key, where a reader looks for
 * it; a scalar is placed where it is written. */
START_TEST(yaml_positions_of_every_value)
{
    parsed p = parse("Resources:\n"
                     "  Web:\n"
                     "    Type: AWS::EC2::Instance\n"
                     "    Properties:\n"
                     "      Ids: [a, \"b\"]\n"
                     "      Empty: {}\n"
                     "      \"a/b~c\": 1\n");
    ck_assert_int_eq(p.rc, SOC2_OK);
    check_position(&p, "", 1, 1);
    check_position(&p, "/Resources", 1, 1);
    check_position(&p, "/Resources/Web", 2, 3);
    check_position(&p, "/Resources/Web/Type", 3, 11);
    check_position(&p, "/Resources/Web/Properties", 4, 5);
    check_position(&p, "/Resources/Web/Properties/Ids", 5, 7);
    check_position(&p, "/Resources/Web/Properties/Ids/0", 5, 13);
    check_position(&p, "/Resources/Web/Properties/Ids/1", 5, 16);
    check_position(&p, "/Resources/Web/Properties/Empty", 6, 7);
    check_position(&p, "/Resources/Web/Properties/a~1b~0c", 7, 16);
    ck_assert_uint_eq(position_count(&p), 10);

    int line, column;
    ck_assert_int_eq(positions_find(p.positions, "/Resources/Web/Properties/Ids/7", &line, &column),
                     0);
    ck_assert_int_eq(line, 5);
    ck_assert_int_eq(column, 7);
    parsed_free(&p);
}
END_TEST

START_TEST(yaml_columns_count_characters)
{
    parsed p = parse("\"\xc3\xa9t\xc3\xa9\": x\n");
    ck_assert_int_eq(p.rc, SOC2_OK);
    check_position(&p, "/\xc3\xa9t\xc3\xa9", 1, 8);
    parsed_free(&p);
}
END_TEST

/* Byte-order marks and line endings. */

START_TEST(yaml_bom_and_crlf)
{
    const char *text = "\xEF\xBB\xBF"
                       "a: !Ref X\r\n"
                       "b:\r\n"
                       "  - 1\r\n"
                       "  - two\r\n";
    parsed p = parse(text);
    ck_assert_int_eq(p.rc, SOC2_OK);
    check_json(text, "{\"a\": {\"Ref\": \"X\"}, \"b\": [1, \"two\"]}");
    check_position(&p, "/a", 1, 4);
    check_position(&p, "/b/0", 3, 5);
    check_position(&p, "/b/1", 4, 5);
    parsed_free(&p);

    /* A template with both loads through the public call, which skips the
     * mark itself. */
    const char *template = "\xEF\xBB\xBF"
                           "AWSTemplateFormatVersion: '2010-09-09'\r\n"
                           "Resources:\r\n"
                           "  Bucket:\r\n"
                           "    Type: AWS::S3::Bucket\r\n"
                           "    Properties:\r\n"
                           "      BucketName: !Sub 'logs-${AWS::Region}'\r\n";
    soc2_snapshot *snapshot;
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(snapshot, template, strlen(template), "crlf.yaml",
                                       SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
    const soc2_resource *bucket;
    ck_assert_int_eq(soc2_snapshot_find_resource(&bucket, snapshot, "Bucket"), SOC2_OK);
    strbuf pointer = STRBUF_INIT;
    ck_assert_int_eq(resource_source_of(bucket, "bucket", &pointer), 0);
    ck_assert_str_eq(sb_str(&pointer), "/Resources/Bucket/Properties/BucketName");
    int line, column;
    ck_assert_int_eq(positions_find(bucket->document->positions, sb_str(&pointer), &line, &column),
                     0);
    ck_assert_int_eq(line, 6);
    ck_assert_int_eq(column, 19);
    sb_free(&pointer);
    soc2_snapshot_free(snapshot);
}
END_TEST

/* Anchors and aliases. */

START_TEST(yaml_aliases_copy_values)
{
    parsed p = parse("base: &rule\n"
                     "  IpProtocol: tcp\n"
                     "  Ports: [22, 23]\n"
                     "name: &n web\n"
                     "list:\n"
                     "  - *rule\n"
                     "  - *n\n"
                     "tagged: &t !Ref X\n"
                     "again: *t\n"
                     "*n : key from an alias\n");
    ck_assert_msg(p.rc == SOC2_OK, "%s", soc2_error_last()->message);
    json_t *base = json_object_get(p.root, "base");
    json_t *copy = json_array_get(json_object_get(p.root, "list"), 0);
    ck_assert(json_equal(base, copy));
    ck_assert_ptr_ne(base, copy);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p.root, "list"), 1)), "web");
    ck_assert(json_equal(json_object_get(p.root, "again"), json_object_get(p.root, "tagged")));
    ck_assert_str_eq(json_string_value(json_object_get(p.root, "web")), "key from an alias");

    /* The copy is where the alias is, and the values inside it are where
     * the anchor wrote them. */
    check_position(&p, "/list/0", 6, 5);
    check_position(&p, "/list/0/IpProtocol", 2, 15);
    check_position(&p, "/list/0/Ports", 3, 3);
    check_position(&p, "/list/0/Ports/1", 3, 15);
    check_position(&p, "/list/1", 7, 5);
    check_position(&p, "/again", 9, 8);
    check_position(&p, "/tagged/Ref", 8, 9);
    check_position(&p, "/again/Ref", 8, 9);
    parsed_free(&p);
}
END_TEST

START_TEST(yaml_nested_aliases)
{
    parsed p = parse("a: &a [x, y]\n"
                     "b: &b {one: *a, two: *a}\n"
                     "c: [*b, *b]\n");
    ck_assert_int_eq(p.rc, SOC2_OK);
    check_json("a: &a [x, y]\nb: &b {one: *a, two: *a}\nc: [*b, *b]\n",
               "{\"a\": [\"x\", \"y\"], \"b\": {\"one\": [\"x\", \"y\"], \"two\": [\"x\", \"y\"]},"
               " \"c\": [{\"one\": [\"x\", \"y\"], \"two\": [\"x\", \"y\"]},"
               " {\"one\": [\"x\", \"y\"], \"two\": [\"x\", \"y\"]}]}");
    check_position(&p, "/c/1", 3, 9);
    check_position(&p, "/c/1/two", 2, 22);
    check_position(&p, "/c/1/two/1", 1, 11);
    parsed_free(&p);
}
END_TEST

START_TEST(yaml_alias_errors)
{
    check_error("a: *nothing\n", SOC2_EPARSE, 1, 4, "the alias *nothing names no anchor");
    /* An alias inside its own anchor would make a cycle. */
    check_error("a: &a [1, *a]\n", SOC2_EPARSE, 1, 11, "names no anchor completed before it");
    check_error("a: &a [1]\n*a : x\n", SOC2_EPARSE, 2, 1,
                "an alias used as a mapping key must name a string");
}
END_TEST

START_TEST(yaml_alias_bomb_limited)
{
    /* Ten levels of ten aliases each would expand to 10^10 nodes. */
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int level = 1; level <= 10; level++) {
        sb_printf(&text, "l%d: &l%d [", level, level);
        for (int i = 0; i < 10; i++)
            sb_printf(&text, "%s*l%d", i ? ", " : "", level - 1);
        sb_puts(&text, "]\n");
    }
    clock_t start = clock();
    parsed p = parse(sb_str(&text));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    ck_assert_int_eq(p.rc, SOC2_ELIMIT);
    ck_assert_ptr_null(p.root);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "more than 100000 nodes"));
    /* Level 4 (11111 nodes a copy) is the first whose ten copies do not
     * fit. */
    ck_assert_int_eq(soc2_error_last()->line, 5);
    ck_assert_msg(seconds < 5, "the alias bomb took %.1f s to reject", seconds);
    sb_free(&text);

    /* Copies up to the limit are fine. */
    check_json("a: &a [1, 2]\nb: [*a, *a]\n", "{\"a\": [1, 2], \"b\": [[1, 2], [1, 2]]}");
}
END_TEST

START_TEST(yaml_depth_limited)
{
    strbuf text = STRBUF_INIT;
    for (int i = 0; i < 2049; i++)
        sb_putc(&text, '[');
    for (int i = 0; i < 2049; i++)
        sb_putc(&text, ']');
    check_error(sb_str(&text), SOC2_ELIMIT, 1, 2049, "deeper than 2048 levels");

    /* 2048 levels are fine. */
    sb_truncate(&text, 2048);
    for (int i = 0; i < 2048; i++)
        sb_putc(&text, ']');
    parsed p = parse(sb_str(&text));
    ck_assert_int_eq(p.rc, SOC2_OK);
    parsed_free(&p);

    /* A tag wrapper counts as a level, and so does an alias's copy. */
    sb_reset(&text);
    for (int i = 0; i < 2047; i++)
        sb_putc(&text, '[');
    sb_puts(&text, "!Ref [x]");
    for (int i = 0; i < 2047; i++)
        sb_putc(&text, ']');
    check_error(sb_str(&text), SOC2_ELIMIT, 1, 2048, "deeper than 2048 levels");

    sb_reset(&text);
    sb_puts(&text, "a: &a [[[1]]]\nb: ");
    for (int i = 0; i < 2046; i++)
        sb_putc(&text, '[');
    sb_puts(&text, "*a");
    for (int i = 0; i < 2046; i++)
        sb_putc(&text, ']');
    check_error(sb_str(&text), SOC2_ELIMIT, 2, 2050, "deeper than 2048 levels");
    sb_free(&text);
}
END_TEST

/* Structure errors. */

START_TEST(yaml_duplicate_keys_rejected)
{
    check_error("a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", SOC2_EPARSE, 5, 3,
                "duplicate key \"x\" in a YAML mapping");
    ck_assert_str_eq(soc2_error_last()->pointer, "/b/x");
    check_error("{a: 1, \"a\": 2}", SOC2_EPARSE, 1, 8, "duplicate key \"a\"");
    check_error("k: &k a\nm: {a: 1, *k : 2}\n", SOC2_EPARSE, 2, 11, "duplicate key \"a\"");
}
END_TEST

START_TEST(yaml_merge_keys_rejected)
{
    check_error("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", SOC2_EPARSE, 3, 3,
                "YAML merge keys (<<) are not supported");
}
END_TEST

START_TEST(yaml_documents_counted)
{
    check_error("a: 1\n---\nb: 2\n", SOC2_EPARSE, 2, 1, "more than one document");
    check_error("---\na: 1\n...\n---\nb: 2\n", SOC2_EPARSE, 4, 1, "more than one document");
    check_error("# only a comment\n", SOC2_EPARSE, 2, 1, "contains no document");
    check_json("---\na: 1\n...\n", "{\"a\": 1}");
}
END_TEST

START_TEST(yaml_complex_keys_rejected)
{
    check_error("? [a, b]\n: c\n", SOC2_EPARSE, 1, 3,
                "a mapping key must be a scalar, not a sequence");
    check_error("? {a: 1}\n: c\n", SOC2_EPARSE, 1, 3, "not a mapping");
}
END_TEST

START_TEST(yaml_malformed_line_column)
{
    check_error("a: 1\nb: [1, 2\nc: 3\n", SOC2_EPARSE, 3, 2,
                "malformed YAML: did not find expected ',' or ']' while parsing a flow sequence "
                "started at line 2, column 4");
    check_error("a: 1\n b: 2\n", SOC2_EPARSE, 2, 3,
                "malformed YAML: mapping values are not allowed in this context");
    check_error("a:\n  - 1\n  b: 2\n", SOC2_EPARSE, 3, 3, "malformed YAML");
    check_error("a: \"open\n", SOC2_EPARSE, 2, 1, "found unexpected end of stream");
    check_error("a: 1\n\tb: 2\n", SOC2_EPARSE, 2, 1, "malformed YAML");
    /* Invalid UTF-8 is reported at its byte, with the column in
     * characters. */
    check_error("a: 1\nb: \xc3\xa9\xff\n", SOC2_EPARSE, 2, 5, "malformed YAML: invalid");
}
END_TEST

/* Every jansson allocation that fails in turn is reported as SOC2_ENOMEM,
 * and nothing leaks (the sanitizer build checks that). */
static long allocations_left;

static void *failing_malloc(size_t size)
{
    if (allocations_left-- <= 0)
        return NULL;
    return malloc(size);
}

START_TEST(yaml_allocation_failures_reported)
{
    static const char text[] = "base: &b {IpProtocol: tcp, Ports: [22, 23]}\n"
                               "list: [*b, *b, !Ref X, !GetAtt A.B]\n"
                               "tagged: !If [C, {a: 1}, [x]]\n"
                               "n: 1.5\n";
    int succeeded = 0;
    for (long budget = 0; budget < 10000 && !succeeded; budget++) {
        allocations_left = budget;
        json_set_alloc_funcs(failing_malloc, free);
        parsed p = parse(text);
        json_set_alloc_funcs(malloc, free);
        ck_assert_msg(p.rc == SOC2_OK || p.rc == SOC2_ENOMEM, "budget %ld: status %d (%s)",
                      budget, p.rc, soc2_error_last()->message);
        if (p.rc == SOC2_OK) {
            succeeded = 1;
            ck_assert_uint_eq(json_array_size(json_object_get(p.root, "list")), 4);
        } else {
            ck_assert_ptr_null(p.root);
            ck_assert_ptr_null(p.positions);
        }
        parsed_free(&p);
    }
    ck_assert(succeeded);
}
END_TEST

/* Whole templates. */

static int load_text(soc2_snapshot **snapshot, const char *text, size_t length)
{
    ck_assert_int_eq(soc2_snapshot_new(snapshot), SOC2_OK);
    return soc2_snapshot_load_buffer(*snapshot, text, length, "template.yaml", SOC2_FORMAT_AUTO);
}

START_TEST(yaml_not_a_template)
{
    static const char *const texts[] = {
        "version: '3'\nservices:\n  web:\n    image: nginx\n",
        "- a\n- b\n",
        "plain text that is not JSON\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        soc2_snapshot *snapshot;
        int rc = load_text(&snapshot, texts[i], strlen(texts[i]));
        ck_assert_msg(rc == SOC2_EUNRECOGNIZED, "case %zu: %d (%s)", i, rc,
                      soc2_error_last()->message);
        soc2_snapshot_free(snapshot);
    }

    /* Malformed YAML stays a parse error, with its place. */
    soc2_snapshot *snapshot;
    const char *broken = "Resources:\n  A:\n    Type: [x\n";
    ck_assert_int_eq(load_text(&snapshot, broken, strlen(broken)), SOC2_EPARSE);
    ck_assert_str_eq(soc2_error_last()->file, "template.yaml");
    ck_assert_int_eq(soc2_error_last()->line, 4);
    soc2_snapshot_free(snapshot);
}
END_TEST

START_TEST(yaml_adapter_errors_have_lines)
{
    const char *text = "AWSTemplateFormatVersion: '2010-09-09'\n"
                       "Resources:\n"
                       "  SG:\n"
                       "    Type: AWS::EC2::SecurityGroup\n"
                       "    Properties:\n"
                       "      GroupDescription: d\n"
                       "      SecurityGroupIngress: !Ref Missing\n";
    soc2_snapshot *snapshot;
    ck_assert_int_eq(load_text(&snapshot, text, strlen(text)), SOC2_EFORMAT);
    const soc2_error *e = soc2_error_last();
    ck_assert_str_eq(e->pointer, "/Resources/SG/Properties/SecurityGroupIngress/Ref");
    ck_assert_int_eq(e->line, 7);
    ck_assert_int_eq(e->column, 29);
    soc2_snapshot_free(snapshot);
}
END_TEST

START_TEST(yaml_large_template)
{
    enum { RESOURCES = 500 };
    strbuf text = STRBUF_INIT;
    sb_puts(&text, "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
    for (int i = 0; i < RESOURCES; i++)
        sb_printf(&text,
                  "  Group%d:\n"
                  "    Type: AWS::EC2::SecurityGroup\n"
                  "    Properties:\n"
                  "      GroupDescription: !Sub 'group ${AWS::StackName} %d'\n"
                  "      SecurityGroupIngress:\n"
                  "        - IpProtocol: tcp\n"
                  "          FromPort: %d\n"
                  "          ToPort: %d\n"
                  "          CidrIp: 10.0.0.0/8\n",
                  i, i, i, i);
    ck_assert(!text.failed);

    soc2_snapshot *snapshot;
    int rc = load_text(&snapshot, sb_str(&text), text.len);
    ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
    ck_assert_uint_eq(snapshot->count, RESOURCES);

    /* The last resource's wrapped CidrIp is on the template's last line. */
    const soc2_resource *last;
    ck_assert_int_eq(soc2_snapshot_find_resource(&last, snapshot, "Group499"), SOC2_OK);
    strbuf pointer = STRBUF_INIT;
    ck_assert_int_eq(resource_source_of(last, "ingress[0].cidr_blocks[0]", &pointer), 0);
    int line, column;
    ck_assert_int_eq(positions_find(last->document->positions, sb_str(&pointer), &line, &column),
                     0);
    ck_assert_int_eq(line, 2 + RESOURCES * 9);
    ck_assert_int_eq(column, 19);
    sb_free(&pointer);
    sb_free(&text);
    soc2_snapshot_free(snapshot);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("yaml");
    TCase *values = tcase_create("values");
    tcase_add_test(values, yaml_scalars_core_schema);
    tcase_add_test(values, yaml_typed_scalar_mismatch);
    tcase_add_test(values, yaml_short_form_tags);
    tcase_add_test(values, yaml_short_form_positions);
    tcase_add_test(values, yaml_unsupported_tags_rejected);
    tcase_add_test(values, yaml_positions_of_every_value);
    tcase_add_test(values, yaml_columns_count_characters);
    tcase_add_test(values, yaml_bom_and_crlf);
    suite_add_tcase(s, values);

    TCase *aliases = tcase_create("aliases");
    tcase_add_test(aliases, yaml_aliases_copy_values);
    tcase_add_test(aliases, yaml_nested_aliases);
    tcase_add_test(aliases, yaml_alias_errors);
    tcase_add_test(aliases, yaml_alias_bomb_limited);
    tcase_add_test(aliases, yaml_depth_limited);
    suite_add_tcase(s, aliases);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, yaml_duplicate_keys_rejected);
    tcase_add_test(errors, yaml_merge_keys_rejected);
    tcase_add_test(errors, yaml_documents_counted);
    tcase_add_test(errors, yaml_complex_keys_rejected);
    tcase_add_test(errors, yaml_malformed_line_column);
    tcase_add_test(errors, yaml_allocation_failures_reported);
    suite_add_tcase(s, errors);

    TCase *templates = tcase_create("templates");
    tcase_add_test(templates, yaml_not_a_template);
    tcase_add_test(templates, yaml_adapter_errors_have_lines);
    tcase_add_test(templates, yaml_large_template);
    suite_add_tcase(s, templates);
    return s;
}
