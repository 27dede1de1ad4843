/* CloudFormation templates written in YAML, end to end. Regula's YAML
 * fixtures (tests/data/cloudformation-yaml/regula) are checked against the
 * outcomes tests/data/regula/expected.json lists for them. A template
 * written both in YAML and in JSON (tests/data/cloudformation-yaml/
 * source-map) checks the source map: the template pointer and line of the
 * value behind each attribute a rule reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <soc2/soc2.h>

#include "harness.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/jsonpos.h"

/* Regula outcomes. */

/* Regula rule -> the libsoc2 rule that checks the same property. FG_R00100
 * (S3 access only over HTTPS) has no libsoc2 counterpart; its fixtures are
 * still loaded. */
static const struct {
    const char *regula;
    const char *libsoc2;
} rule_map[] = {
    {"FG_R00092", "aws-iam-no-admin-policy"},
    {"FG_R00085", "aws-ec2-no-public-ingress-ssh"},
    {"FG_R00054", "aws-vpc-flow-logs-enabled"},
    {"FG_R00029", "aws-cloudtrail-cloudwatch-delivery"},
    {"FG_R00035", "aws-cloudtrail-kms-encryption"},
    {"FG_R00027", "aws-cloudtrail-log-file-validation"},
};

/* Where libsoc2 gives another outcome than Regula, or gives it on another
 * resource, and why. `finding_on` names the resource that carries the
 * finding when it is not the one Regula names. */
static const struct {
    const char *file;
    const char *resource;
    const char *finding_on;
    const char *status;
    const char *reason;
} differences[] = {
    {"rules/cfn/vpc/inputs/ingress_22_infra.yaml", "ValidSecurityGroup02", NULL, "FAIL",
     "IpProtocol -1 allows every protocol and port whatever FromPort and ToPort say, so "
     "0.0.0.0/0 reaches port 22; Regula reads port 80 only"},
    {"rules/cfn/vpc/inputs/ingress_22_infra.yaml", "ValidSecurityGroup03", NULL, "FAIL",
     "IpProtocol -1 with ::/0 allows port 22 from every IPv6 address; Regula reads port 80 "
     "only"},
    {"rules/cfn/vpc/inputs/ingress_22_infra.yaml", "ValidSecurityGroup04Ingress01",
     "ValidSecurityGroup04", "FAIL",
     "a standalone SecurityGroupIngress folds onto its group, and InvalidSecurityGroup04Ingress01 "
     "opens the same group (GroupId ValidSecurityGroup04) to 0.0.0.0/0; this rule alone allows "
     "192.168.1.7/32 only"},
    {"rules/cfn/vpc/inputs/ingress_22_infra.yaml", "InvalidSecurityGroup04Ingress01",
     "ValidSecurityGroup04", "FAIL",
     "a standalone SecurityGroupIngress folds onto its group, which carries the finding"},
};

static const char *libsoc2_rule(const char *regula)
{
    for (size_t i = 0; i < sizeof(rule_map) / sizeof(rule_map[0]); i++)
        if (strcmp(rule_map[i].regula, regula) == 0)
            return rule_map[i].libsoc2;
    return NULL;
}

static const char *status_word(soc2_finding_status status)
{
    if (status == SOC2_FINDING_PASS)
        return "PASS";
    if (status == SOC2_FINDING_FAIL)
        return "FAIL";
    return "OTHER";
}

typedef struct scanned {
    soc2_engine *engine;
    soc2_snapshot *snapshot;
    soc2_report *report;
} scanned;

static void scan_file(scanned *s, const char *relative)
{
    ck_assert_int_eq(soc2_engine_new(&s->engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(s->engine), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s->snapshot), SOC2_OK);
    int rc = soc2_snapshot_load_file(s->snapshot, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);
    ck_assert_int_eq(soc2_evaluate(&s->report, s->engine, s->snapshot, NULL), SOC2_OK);
}

static void scan_free(scanned *s)
{
    soc2_report_free(s->report);
    soc2_snapshot_free(s->snapshot);
    soc2_engine_free(s->engine);
}

static const soc2_finding *find_finding(const soc2_report *report, const char *rule,
                                        const char *address)
{
    soc2_finding_iterator *it;
    const soc2_finding *f, *found = NULL;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (!found && soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), address) == 0)
            found = f;
    soc2_finding_iterator_free(it);
    return found;
}

static const soc2_resource *find_resource(const soc2_snapshot *snapshot, const char *address)
{
    const soc2_resource *r = NULL;
    ck_assert_msg(soc2_snapshot_find_resource(&r, snapshot, address) == SOC2_OK,
                  "no resource %s", address);
    return r;
}

/* Checks one resource Regula gives an outcome for. Returns whether the
 * outcome differs from Regula's. */
static int check_outcome(const scanned *s, const char *file, const char *rule,
                         const char *address, const char *regula_status)
{
    const char *finding_on = address, *expected = regula_status;
    int differs = 0;
    for (size_t i = 0; i < sizeof(differences) / sizeof(differences[0]); i++) {
        if (strcmp(differences[i].file, file) != 0 || strcmp(differences[i].resource, address))
            continue;
        if (differences[i].finding_on)
            finding_on = differences[i].finding_on;
        expected = differences[i].status;
        differs = 1;
    }

    if (finding_on != address) {
        /* The resource Regula names folds onto the one with the finding. */
        const soc2_resource *child = find_resource(s->snapshot, address);
        ck_assert_msg(child->folded_into &&
                          strcmp(child->folded_into->address, finding_on) == 0,
                      "%s: %s is not folded into %s", file, address, finding_on);
    }
    const soc2_finding *f = find_finding(s->report, rule, finding_on);
    ck_assert_msg(f != NULL, "%s: no %s finding on %s", file, rule, finding_on);
    ck_assert_msg(strcmp(status_word(soc2_finding_status_of(f)), expected) == 0,
                  "%s: %s on %s is %s, expected %s (Regula: %s)", file, rule, finding_on,
                  soc2_finding_status_name(soc2_finding_status_of(f)), expected, regula_status);
    return differs;
}

START_TEST(regula_yaml_outcomes_match)
{
    json_error_t err;
    json_t *expected = json_load_file(data_path("regula/expected.json"), 0, &err);
    ck_assert_msg(expected != NULL, "expected.json: %s", err.text);

    size_t files = 0, compared = 0, differing = 0;
    const char *file;
    json_t *fixture;
    json_object_foreach(json_object_get(expected, "fixtures"), file, fixture) {
        if (strcmp(json_string_value(json_object_get(fixture, "input_type")), "cfn") != 0)
            continue;
        char relative[1024];
        snprintf(relative, sizeof(relative), "cloudformation-yaml/regula/%s", file);
        scanned s;
        scan_file(&s, relative);
        files++;

        size_t i;
        json_t *expectation;
        json_array_foreach(json_object_get(fixture, "expectations"), i, expectation) {
            const char *rule =
                libsoc2_rule(json_string_value(json_object_get(expectation, "rule_id")));
            if (!rule)
                continue;
            const char *address;
            json_t *outcome;
            json_object_foreach(json_object_get(expectation, "results"), address, outcome) {
                differing += check_outcome(&s, file, rule, address, json_string_value(outcome));
                compared++;
            }
        }
        scan_free(&s);
    }
    json_decref(expected);

    /* Guards against a silently empty comparison: 10 fixtures, 26 outcomes
     * with a libsoc2 rule, and every listed difference used. */
    ck_assert_uint_eq(files, 10);
    ck_assert_uint_eq(compared, 26);
    ck_assert_uint_eq(differing, sizeof(differences) / sizeof(differences[0]));
}
END_TEST

/* The group both standalone rules fold onto fails, and the finding names a
 * folded rule as its evidence. The op names the first rule of the covering
 * set, which is ValidSecurityGroup04Ingress01 (192.168.1.7/32) here, though
 * InvalidSecurityGroup04Ingress01 (0.0.0.0/0) alone covers every address;
 * the message names both. */
START_TEST(regula_folded_ingress_evidence)
{
    scanned s;
    scan_file(&s, "cloudformation-yaml/regula/rules/cfn/vpc/inputs/ingress_22_infra.yaml");
    const soc2_finding *f =
        find_finding(s.report, "aws-ec2-no-public-ingress-ssh", "ValidSecurityGroup04");
    ck_assert_ptr_nonnull(f);
    const char *evidence = soc2_finding_evidence_resource(f);
    ck_assert_ptr_nonnull(evidence);
    ck_assert_msg(strcmp(evidence, "ValidSecurityGroup04Ingress01") == 0 ||
                      strcmp(evidence, "InvalidSecurityGroup04Ingress01") == 0,
                  "evidence %s", evidence);
    ck_assert_ptr_nonnull(strstr(soc2_finding_message(f), "0.0.0.0/0"));

    /* Groups without ingress pass; Regula gives them no result. */
    f = find_finding(s.report, "aws-ec2-no-public-ingress-ssh", "InvalidSecurityGroup04");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_PASS);
    scan_free(&s);
}
END_TEST

/* FG_R00100 has no libsoc2 rule, but its templates load, and their public
 * Allow statements fail the public-principal rule on the bucket. */
START_TEST(regula_https_fixtures_load)
{
    static const char *const files[] = {
        "cloudformation-yaml/regula/rules/cfn/s3/inputs/"
        "valid_https_access_bucket_policy_infra.yaml",
        "cloudformation-yaml/regula/rules/cfn/s3/inputs/"
        "invalid_https_access_bucket_policy_infra.yaml",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        scanned s;
        scan_file(&s, files[i]);
        const soc2_finding *f =
            find_finding(s.report, "aws-s3-bucket-policy-no-public-principal", "Bucket1");
        ck_assert_msg(f != NULL, "%s: no finding on Bucket1", files[i]);
        ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
        ck_assert_str_eq(soc2_finding_evidence_resource(f), "Bucket1Policy");
        scan_free(&s);
    }
}
END_TEST

/* Source maps. */

typedef struct source_case {
    const char *address;
    const char *path;
    const char *pointer; /* NULL: only the line is checked */
    int yaml_line;
    int json_line;
} source_case;

static const source_case source_cases[] = {
    /* Inline ingress: the first element of the template's list is removed by
     * AWS::NoValue, so ingress[0] is the template's element 1. */
    {"WebSG", "ingress[0]", "/Resources/WebSG/Properties/SecurityGroupIngress/1", 24, 31},
    {"WebSG", "ingress[0].from_port", "/Resources/WebSG/Properties/SecurityGroupIngress/1/FromPort",
     25, 33},
    /* A wrapped scalar: CidrIp becomes cidr_blocks[0]. */
    {"WebSG", "ingress[0].cidr_blocks[0]",
     "/Resources/WebSG/Properties/SecurityGroupIngress/1/CidrIp", 27, 35},
    /* A value from Fn::Sub maps to the function. */
    {"WebSG", "name", "/Resources/WebSG/Properties/GroupName", 14, 16},
    {"Bucket", "bucket", "/Resources/Bucket/Properties/BucketName", 43, 59},
    {"BucketPolicy", "policy.Statement[0].Resource",
     "/Resources/BucketPolicy/Properties/PolicyDocument/Statement/0/Resource", 55, 75},
    /* A standalone SecurityGroupIngress, and the rule it folds onto its
     * group. */
    {"AdminIngress", "cidr_blocks[0]", "/Resources/AdminIngress/Properties/CidrIp", 39, 53},
    {"AdminIngress", "from_port", "/Resources/AdminIngress/Properties/FromPort", 37, 51},
    {"AdminSG", "ingress[0]", "/Resources/AdminIngress", 32, 46},
    {"AdminSG", "ingress[0].cidr_blocks", "/Resources/AdminIngress/Properties/CidrIp", 39, 53},
    /* NOTE: folding carries the entry of each moved attribute but not those
     * below it. So the pointer of ingress[0].cidr_blocks[0] on the group
     * ends in a step the template does not have, and its line is that of
     * CidrIp, found from the nearest ancestor. */
    {"AdminSG", "ingress[0].cidr_blocks[0]", NULL, 39, 53},
    /* A policy statement's Principal, on the policy and on the bucket it
     * folds onto. */
    {"BucketPolicy", "policy.Statement[1].Principal",
     "/Resources/BucketPolicy/Properties/PolicyDocument/Statement/1/Principal", 57, 79},
    {"Bucket", "policy.Statement[1].Principal",
     "/Resources/BucketPolicy/Properties/PolicyDocument/Statement/1/Principal", 57, 79},
};

static int line_of(const soc2_document *d, const char *pointer)
{
    int line = 0, column = 0;
    if (d->positions)
        positions_find(d->positions, pointer, &line, &column);
    else
        json_locate_many(d->text, d->text_length, &pointer, 1, &line, &column);
    return line;
}

static void check_source_map(const char *relative, int yaml)
{
    soc2_snapshot *snapshot;
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), SOC2_OK);
    int rc = soc2_snapshot_load_file(snapshot, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s: %s", relative, soc2_error_last()->message);

    for (size_t i = 0; i < sizeof(source_cases) / sizeof(source_cases[0]); i++) {
        const source_case *c = &source_cases[i];
        const soc2_resource *r = find_resource(snapshot, c->address);
        strbuf pointer = STRBUF_INIT;
        ck_assert_msg(resource_source_of(r, c->path, &pointer) == 0, "%s %s: no source",
                      c->address, c->path);
        if (c->pointer)
            ck_assert_msg(strcmp(sb_str(&pointer), c->pointer) == 0, "%s %s: %s, expected %s",
                          c->address, c->path, sb_str(&pointer), c->pointer);
        int line = line_of(r->document, sb_str(&pointer));
        int expected = yaml ? c->yaml_line : c->json_line;
        ck_assert_msg(line == expected, "%s: %s %s is on line %d, expected %d", relative,
                      c->address, c->path, line, expected);
        sb_free(&pointer);
    }

    /* Every resource has its own place. */
    const soc2_resource *web = find_resource(snapshot, "WebSG");
    ck_assert_str_eq(web->source_pointer, "/Resources/WebSG");
    ck_assert_int_eq(line_of(web->document, web->source_pointer), (yaml ? 11 : 13));
    soc2_snapshot_free(snapshot);
}

START_TEST(source_map_yaml)
{
    check_source_map("cloudformation-yaml/source-map/template.yaml", 1);
}
END_TEST

START_TEST(source_map_json)
{
    check_source_map("cloudformation-yaml/source-map/template.json", 0);
}
END_TEST

/* The report locates findings through the source map. */
START_TEST(source_map_finding_lines)
{
    static const struct {
        const char *rule;
        const char *address;
        int yaml_line;
        int json_line;
    } findings[] = {
        {"aws-ec2-no-public-ingress-ssh", "WebSG", 24, 31},
        {"aws-ec2-no-public-ingress-rdp", "AdminSG", 32, 46},
        {"aws-s3-bucket-policy-no-public-principal", "Bucket", 57, 79},
    };
    static const char *const files[] = {"cloudformation-yaml/source-map/template.yaml",
                                        "cloudformation-yaml/source-map/template.json"};
    for (size_t file = 0; file < 2; file++) {
        scanned s;
        scan_file(&s, files[file]);
        for (size_t i = 0; i < sizeof(findings) / sizeof(findings[0]); i++) {
            const soc2_finding *f = find_finding(s.report, findings[i].rule, findings[i].address);
            ck_assert_msg(f != NULL, "no %s finding on %s", findings[i].rule,
                          findings[i].address);
            ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
            int line = 0, column = 0;
            ck_assert_int_eq(soc2_finding_location(f, &line, &column), SOC2_OK);
            ck_assert_msg(line == (file == 0 ? findings[i].yaml_line : findings[i].json_line),
                          "%s: %s on %s at line %d", files[file], findings[i].rule,
                          findings[i].address, line);
        }
        scan_free(&s);
    }
}
END_TEST

/* The YAML and JSON spellings of the template load to the same resources. */
START_TEST(source_map_twins_equal)
{
    soc2_snapshot *yaml, *json;
    ck_assert_int_eq(soc2_snapshot_new(&yaml), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&json), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_file(
                         yaml, data_path("cloudformation-yaml/source-map/template.yaml"),
                         SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_file(
                         json, data_path("cloudformation-yaml/source-map/template.json"),
                         SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_uint_eq(yaml->count, json->count);
    for (size_t i = 0; i < yaml->count; i++) {
        const soc2_resource *a = yaml->resources[i], *b = json->resources[i];
        ck_assert_str_eq(a->address, b->address);
        ck_assert_msg(json_equal(a->attrs, b->attrs), "%s: attributes differ", a->address);
        ck_assert_uint_eq(a->source_count, b->source_count);
        for (size_t j = 0; j < a->source_count; j++) {
            ck_assert_str_eq(a->sources[j].path, b->sources[j].path);
            ck_assert_str_eq(a->sources[j].pointer, b->sources[j].pointer);
        }
    }
    soc2_snapshot_free(yaml);
    soc2_snapshot_free(json);
}
END_TEST

/* Errors in YAML templates. */

/* Loads `text` as template.yaml and returns the error it fails with. */
static const soc2_error *yaml_load_error(const char *text)
{
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "template.yaml", SOC2_FORMAT_AUTO);
    ck_assert_int_ne(rc, SOC2_OK);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    soc2_snapshot_free(s);
    return soc2_error_last();
}

/* A short-form tag is the function Fn:: and its name, so a tag that names
 * no function CloudFormation defines is rejected where it is written. */
START_TEST(yaml_unknown_function_tag)
{
    static const struct {
        const char *value;
        int column;
    } cases[] = {
        {"v: !Bogus 0.0.0.0/0", 10},
        {"v: [a, !Bogus [1, 2]]", 14},
        {"v: !Bogus {a: 1}", 10},
        {"v:\n        Fn::Bogus: x", 20},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[512];
        snprintf(text, sizeof(text),
                 "Resources:\n"
                 "  E:\n"
                 "    Type: Test::Echo\n"
                 "    Properties:\n"
                 "      %s\n",
                 cases[i].value);
        const soc2_error *e = yaml_load_error(text);
        ck_assert_msg(e->code == SOC2_EFORMAT, "%s: code %d", cases[i].value, e->code);
        ck_assert_msg(e->file && strcmp(e->file, "template.yaml") == 0, "%s: file %s",
                      cases[i].value, e->file ? e->file : "(none)");
        int line = strchr(cases[i].value, '\n') ? 6 : 5;
        ck_assert_msg(e->line == line && e->column == cases[i].column, "%s: at %d:%d",
                      cases[i].value, e->line, e->column);
        ck_assert_msg(e->pointer && strstr(e->pointer, "/Fn::Bogus") != NULL, "%s: pointer %s",
                      cases[i].value, e->pointer ? e->pointer : "(none)");
        ck_assert_msg(strstr(e->message, "unknown intrinsic function \"Fn::Bogus\" (!Bogus in "
                                         "YAML)") != NULL,
                      "%s: message %s", cases[i].value, e->message);
    }
}
END_TEST

/* The short forms of the functions CloudFormation defines load, those the
 * resolver keeps as unknown values too. */
START_TEST(yaml_defined_function_tags)
{
    static const char text[] =
        "Parameters:\n"
        "  P: {Type: String, Default: p}\n"
        "Conditions:\n"
        "  C: !Equals [!Ref P, p]\n"
        "Resources:\n"
        "  F:\n"
        "    Type: Test::Echo\n"
        "  E:\n"
        "    Type: Test::Echo\n"
        "    Properties:\n"
        "      sub: !Sub '${P}-x'\n"
        "      if: !If [C, yes, no]\n"
        "      att: !GetAtt F.Arn\n"
        "      select: !Select [0, !Split [',', 'a,b']]\n"
        "      stack_output: !GetStackOutput {StackName: s, OutputName: o}\n"
        "      length: !Length [1, 2]\n"
        "      json: !ToJsonString {a: 1}\n"
        "      transform: !Transform {Name: 'AWS::Include'}\n"
        "      contains: !Contains [[a], a]\n"
        "      ref_all: !RefAll 'AWS::EC2::VPC::Id'\n"
        "      value_of: !ValueOf [P, Tags]\n"
        "      cidr: !Cidr ['10.0.0.0/16', 2, 8]\n";
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "template.yaml", SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
    const soc2_resource *r = find_resource(s, "E");
    const char *value = NULL;
    ck_assert_int_eq(soc2_resource_get_string(&value, r, "sub"), SOC2_OK);
    ck_assert_str_eq(value, "p-x");
    ck_assert_int_eq(soc2_resource_get_string(&value, r, "if"), SOC2_OK);
    ck_assert_str_eq(value, "yes");
    ck_assert_int_eq(soc2_resource_get_string(&value, r, "select"), SOC2_OK);
    ck_assert_str_eq(value, "a");
    static const char *const unknown[] = {"att",       "stack_output", "length",
                                          "json",      "transform",    "contains",
                                          "ref_all",   "value_of",     "cidr"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        ck_assert_msg(soc2_resource_get_string(&value, r, unknown[i]) == SOC2_EUNKNOWN,
                      "%s is not unknown", unknown[i]);
    soc2_snapshot_free(s);
}
END_TEST

/* A circular dependency written with short forms is reported at the line
 * and column of the reference that starts it. */
START_TEST(yaml_dependency_cycle)
{
    const soc2_error *e = yaml_load_error("Resources:\n"
                                          "  A:\n"
                                          "    Type: Test::Echo\n"
                                          "    Properties:\n"
                                          "      v: !GetAtt B.Arn\n"
                                          "  B:\n"
                                          "    Type: Test::Echo\n"
                                          "    Properties:\n"
                                          "      v: !Sub '${C}-x'\n"
                                          "  C:\n"
                                          "    Type: Test::Echo\n"
                                          "    DependsOn: [A]\n");
    ck_assert_int_eq(e->code, SOC2_EFORMAT);
    ck_assert_str_eq(e->file, "template.yaml");
    ck_assert_str_eq(e->pointer, "/Resources/A/Properties/v/Fn::GetAtt/0");
    ck_assert_int_eq(e->line, 5);
    ck_assert_int_eq(e->column, 10);
    ck_assert_msg(strstr(e->message, "circular dependency between resources \"A\" -> \"B\" -> "
                                     "\"C\" -> \"A\"") != NULL,
                  "%s", e->message);

    /* The branch of a false condition is no dependency. */
    static const char text[] = "Conditions:\n"
                               "  No: !Equals [1, 2]\n"
                               "Resources:\n"
                               "  A:\n"
                               "    Type: Test::Echo\n"
                               "    Properties:\n"
                               "      v: !If [No, !Ref B, x]\n"
                               "  B:\n"
                               "    Type: Test::Echo\n"
                               "    Properties:\n"
                               "      v: !Ref A\n";
    soc2_snapshot *s;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s, text, strlen(text), "template.yaml", SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s", soc2_error_last()->message);
    soc2_snapshot_free(s);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cfn_yaml");
    TCase *regula = tcase_create("regula");
    tcase_add_test(regula, regula_yaml_outcomes_match);
    tcase_add_test(regula, regula_folded_ingress_evidence);
    tcase_add_test(regula, regula_https_fixtures_load);
    suite_add_tcase(s, regula);

    TCase *sources = tcase_create("source_map");
    tcase_add_test(sources, source_map_yaml);
    tcase_add_test(sources, source_map_json);
    tcase_add_test(sources, source_map_finding_lines);
    tcase_add_test(sources, source_map_twins_equal);
    suite_add_tcase(s, sources);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, yaml_unknown_function_tag);
    tcase_add_test(errors, yaml_defined_function_tags);
    tcase_add_test(errors, yaml_dependency_cycle);
    suite_add_tcase(s, errors);
    return s;
}
