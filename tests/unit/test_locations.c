/* Source positions of findings and resources: the line and column of the
 * value that decided a finding, for values of the resource itself and for
 * values folded in from split configuration. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/jsonpos.h"
#include <soc2/soc2.h>

/* Returns the 1-based line of the first occurrence of `needle` at or after
 * line `from` of `text`. */
static int line_of(const char *text, const char *needle, int from)
{
    int line = 1;
    const char *p = text;
    while (line < from && (p = strchr(p, '\n')) != NULL) {
        p++;
        line++;
    }
    const char *hit = p ? strstr(p, needle) : NULL;
    if (!hit)
        return 0;
    for (const char *q = p; q < hit; q++)
        line += *q == '\n';
    return line;
}

static const soc2_finding *find(soc2_report *report, const char *rule, const char *address)
{
    soc2_finding_iterator *it;
    const soc2_finding *f, *found = NULL;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), address) == 0)
            found = f;
    soc2_finding_iterator_free(it);
    ck_assert_msg(found != NULL, "no %s finding on %s", rule, address);
    return found;
}

static soc2_report *scan(const char *relative, soc2_engine **engine, soc2_snapshot **snapshot)
{
    ck_assert_int_eq(soc2_engine_new(engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(*engine), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(snapshot), SOC2_OK);
    ck_assert_msg(soc2_snapshot_load_file(*snapshot, data_path(relative), SOC2_FORMAT_AUTO) ==
                      SOC2_OK,
                  "%s", soc2_error_last()->message);
    soc2_report *report;
    ck_assert_int_eq(soc2_evaluate(&report, *engine, *snapshot, NULL), SOC2_OK);
    return report;
}

START_TEST(plan_finding_points_at_rule)
{
    const char *file = "terraform/checkov/terragoat-plan-tf0.12.json";
    char *text = read_data(file, NULL);
    ck_assert_ptr_nonnull(text);
    int changes_line = line_of(text, "\"resource_changes\"", 1);
    int resource_line =
        line_of(text, "\"address\": \"aws_security_group.web-node\"", changes_line);
    ck_assert_int_gt(resource_line, 0);
    /* The change begins on the line of its opening brace, just above. */
    int ingress_line = line_of(text, "\"ingress\": [", resource_line);
    ck_assert_int_gt(ingress_line, resource_line);

    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report = scan(file, &e, &s);
    const soc2_finding *f =
        find(report, "aws-ec2-no-public-ingress-ssh", "aws_security_group.web-node");
    int line, column;
    ck_assert_int_eq(soc2_finding_resource_location(f, &line, &column), SOC2_OK);
    ck_assert_int_eq(line, resource_line - 1);
    ck_assert_int_eq(column, 5);
    ck_assert_int_eq(soc2_finding_location(f, &line, &column), SOC2_OK);
    ck_assert_str_eq(soc2_finding_path(f), "ingress[0]");
    /* ingress[0] is the element after the line that opens the list. */
    ck_assert_int_eq(line, ingress_line + 1);

    const soc2_resource *r = soc2_finding_resource(f);
    ck_assert_int_eq(soc2_resource_location(r, &line, NULL), SOC2_OK);
    ck_assert_int_eq(line, resource_line - 1);

    /* An account-scope finding without a candidate has no place. */
    f = find(report, "aws-cloudtrail-multi-region-trail", "account");
    ck_assert_int_eq(soc2_finding_location(f, &line, &column), SOC2_ENOTFOUND);
    ck_assert_int_eq(soc2_finding_resource_location(f, &line, &column), SOC2_ENOTFOUND);

    soc2_report_free(report);
    soc2_snapshot_free(s);
    soc2_engine_free(e);
    free(text);
}
END_TEST

START_TEST(folded_value_points_at_child)
{
    /* A rule folded from aws_security_group_rule: the finding's location is
     * in the rule resource, the resource location in the group. */
    const char *plan =
        "{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.5\",\n"
        " \"resource_changes\": [\n"
        "  {\"address\": \"aws_security_group.g\", \"mode\": \"managed\",\n"
        "   \"type\": \"aws_security_group\", \"name\": \"g\",\n"
        "   \"change\": {\"actions\": [\"create\"], \"after\": {\"name\": \"g\"},\n"
        "              \"after_unknown\": {\"id\": true}}},\n"
        "  {\"address\": \"aws_security_group_rule.ssh\", \"mode\": \"managed\",\n"
        "   \"type\": \"aws_security_group_rule\", \"name\": \"ssh\",\n"
        "   \"change\": {\"actions\": [\"create\"], \"after\": {\n"
        "     \"type\": \"ingress\", \"from_port\": 22, \"to_port\": 22, \"protocol\": \"tcp\",\n"
        "     \"cidr_blocks\": [\"0.0.0.0/0\"]},\n"
        "    \"after_unknown\": {\"id\": true, \"security_group_id\": true}}}],\n"
        " \"configuration\": {\"root_module\": {\"resources\": [\n"
        "  {\"address\": \"aws_security_group_rule.ssh\", \"mode\": \"managed\",\n"
        "   \"type\": \"aws_security_group_rule\", \"name\": \"ssh\", \"expressions\": {\n"
        "    \"security_group_id\": {\"references\": [\"aws_security_group.g.id\",\n"
        "                                          \"aws_security_group.g\"]}}}]}}}\n";
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_load_buffer(s, plan, strlen(plan), "plan.json",
                                               SOC2_FORMAT_AUTO),
                     SOC2_OK);
    ck_assert_int_eq(soc2_evaluate(&report, e, s, NULL), SOC2_OK);

    const soc2_finding *f = find(report, "aws-ec2-no-public-ingress-ssh", "aws_security_group.g");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_security_group_rule.ssh");
    int line, column;
    ck_assert_int_eq(soc2_finding_resource_location(f, &line, &column), SOC2_OK);
    ck_assert_int_eq(line, 3);
    ck_assert_int_eq(soc2_finding_location(f, &line, &column), SOC2_OK);
    /* The deciding path is the folded rule as a whole (ingress[0]): the
     * aws_security_group_rule resource. */
    ck_assert_int_eq(line, 7);

    /* The JSON report carries both places. */
    struct text_buffer out = {0};
    ck_assert_int_eq(soc2_report_write(report, SOC2_OUTPUT_JSON, NULL, collect_output, &out), SOC2_OK);
    json_t *doc = json_loadb(out.data, out.length, 0, NULL);
    ck_assert_ptr_nonnull(doc);
    size_t i;
    json_t *item;
    int seen = 0;
    json_array_foreach(json_object_get(doc, "findings"), i, item) {
        if (strcmp(json_string_value(json_object_get(item, "rule_id")),
                   "aws-ec2-no-public-ingress-ssh") != 0)
            continue;
        json_t *location = json_object_get(item, "location");
        ck_assert_int_eq(json_integer_value(json_object_get(location, "line")), 7);
        ck_assert_str_eq(json_string_value(json_object_get(location, "file")), "plan.json");
        json_t *resource_location = json_object_get(item, "resource_location");
        ck_assert_int_eq(json_integer_value(json_object_get(resource_location, "line")), 3);
        seen = 1;
    }
    ck_assert(seen);
    json_decref(doc);
    free(out.data);

    soc2_report_free(report);
    soc2_snapshot_free(s);
    soc2_engine_free(e);
}
END_TEST

START_TEST(batch_locate_matches_single)
{
    const char *text = "{\"a\": [1, {\"b~/c\": \"x\"}],\n \"d\": {\"e\": null}}";
    const char *pointers[] = {"/a/1/b~0~1c", "/d/e", "/a/0", "/missing/deep", ""};
    int lines[5], columns[5];
    ck_assert_int_eq(json_locate_many(text, strlen(text), pointers, 5, lines, columns), 0);
    for (size_t i = 0; i < 4; i++) {
        int line = 0, column = 0;
        const char *pointer = i == 3 ? "" : pointers[i];
        ck_assert_int_eq(json_locate(text, strlen(text), pointer, &line, &column), 0);
        ck_assert_int_eq(lines[i], line);
        ck_assert_int_eq(columns[i], column);
    }
    /* "/missing/deep" falls back to the document itself. */
    ck_assert_int_eq(lines[3], 1);
    ck_assert_int_eq(columns[3], 1);
    ck_assert_int_eq(lines[1], 2);
}
END_TEST

/* Returns a copy of `text` with a UTF-8 byte-order mark in front and every
 * line ending as CR LF. */
static char *with_bom_and_crlf(const char *text, size_t *length)
{
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    char *out = malloc(3 + strlen(text) + lines + 1);
    ck_assert_ptr_nonnull(out);
    char *q = out;
    memcpy(q, "\xEF\xBB\xBF", 3);
    q += 3;
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            *q++ = '\r';
        *q++ = *p;
    }
    *q = '\0';
    *length = (size_t)(q - out);
    return out;
}

/* Loads a document from memory and returns the line and column of the
 * finding of `rule` on `address` and of its resource. */
static void locate_in_buffer(const char *data, size_t length, const char *rule,
                             const char *address, int where[4])
{
    soc2_engine *e;
    soc2_snapshot *s;
    soc2_report *report;
    ck_assert_int_eq(soc2_engine_new(&e), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(e), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    ck_assert_msg(soc2_snapshot_load_buffer(s, data, length, "input", SOC2_FORMAT_AUTO) ==
                      SOC2_OK,
                  "%s", soc2_error_last()->message);
    ck_assert_int_eq(soc2_evaluate(&report, e, s, NULL), SOC2_OK);
    const soc2_finding *f = find(report, rule, address);
    ck_assert_int_eq(soc2_finding_location(f, &where[0], &where[1]), SOC2_OK);
    ck_assert_int_eq(soc2_finding_resource_location(f, &where[2], &where[3]), SOC2_OK);
    soc2_report_free(report);
    soc2_snapshot_free(s);
    soc2_engine_free(e);
}

/* A byte-order mark and CR LF line endings move no line or column, in JSON
 * and in YAML. */
static const struct {
    const char *file;
    const char *address;
} crlf_inputs[] = {
    {"cross-format/aws-ec2-no-public-ingress-ssh/plan.json", "aws_security_group.bastion"},
    {"cross-format/aws-ec2-no-public-ingress-ssh/terraform.tfstate",
     "aws_security_group.bastion"},
    {"cross-format/aws-ec2-no-public-ingress-ssh/template.json", "BastionSecurityGroup"},
    {"cross-format/aws-ec2-no-public-ingress-ssh/template.yaml", "BastionSecurityGroup"},
    {"cross-format/aws-ec2-no-public-ingress-ssh/config.json", "bastion"},
};

START_TEST(bom_and_crlf_keep_positions)
{
    size_t length;
    char *text = read_data(crlf_inputs[_i].file, &length);
    ck_assert_ptr_nonnull(text);
    size_t crlf_length;
    char *crlf = with_bom_and_crlf(text, &crlf_length);

    int plain[4], converted[4];
    const char *rule = "aws-ec2-no-public-ingress-ssh";
    locate_in_buffer(text, length, rule, crlf_inputs[_i].address, plain);
    locate_in_buffer(crlf, crlf_length, rule, crlf_inputs[_i].address, converted);
    ck_assert_int_gt(plain[0], 1);
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(converted[k], plain[k]);
    free(crlf);
    free(text);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("locations");
    TCase *tc = tcase_create("locations");
    tcase_add_test(tc, plan_finding_points_at_rule);
    tcase_add_test(tc, folded_value_points_at_child);
    tcase_add_test(tc, batch_locate_matches_single);
    tcase_add_loop_test(tc, bom_and_crlf_keep_positions, 0,
                        (int)(sizeof(crlf_inputs) / sizeof(crlf_inputs[0])));
    suite_add_tcase(s, tc);
    return s;
}
