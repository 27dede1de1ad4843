/* Unit tests for the Terraform state adapter in both layouts (terraform
 * show -json and the version 4 state file). They cover detection, the
 * resources kept and left out, data sources, source positions, value
 * references, errors on malformed states, and the built-in rules on a state.
 * The states under tests/data/terraform-state were written for these tests;
 * small cases are inline. */
#include <stdlib.h>
#include <string.h>

#include <soc2/engine.h>
#include <soc2/error.h>
#include <soc2/report.h>
#include <soc2/resource.h>
#include <soc2/snapshot.h>

#include "harness.h"
#include "load/loader.h"
#include "model/model.h"
#include "util/jsonpos.h"
#include "util/strbuf.h"

/* Helpers. */

static soc2_snapshot *new_snapshot(void)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    return s;
}

static soc2_snapshot *load_state(const char *relative)
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

static soc2_snapshot *load_quoted_ok(const char *quoted)
{
    soc2_snapshot *s = new_snapshot();
    int rc = load_quoted(s, quoted, SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "status %d: %s", rc, soc2_error_last()->message);
    return s;
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

static void assert_string(const soc2_snapshot *s, const char *address, const char *path,
                          const char *expected)
{
    const char *value = NULL;
    int rc = soc2_resource_get_string(&value, find(s, address), path);
    ck_assert_msg(rc == SOC2_OK, "%s %s: status %d", address, path, rc);
    ck_assert_str_eq(value, expected);
}

static const soc2_edge *edge_to(const soc2_resource *r, const char *path, const char *target)
{
    for (size_t i = 0; i < r->edge_count; i++)
        if (strcmp(r->edges[i].path, path) == 0 &&
            strcmp(r->edges[i].target_address, target) == 0)
            return &r->edges[i];
    return NULL;
}

static void assert_resolved_edge(const soc2_snapshot *s, const char *from, const char *path,
                                 const char *target)
{
    const soc2_edge *e = edge_to(find(s, from), path, target);
    ck_assert_msg(e != NULL, "%s has no edge at %s to %s", from, path, target);
    ck_assert_msg(e->target == find(s, target), "edge %s -> %s is not resolved", from, target);
    ck_assert_uint_eq(e->flags, 0);
}

static soc2_format document_format(const soc2_snapshot *s)
{
    soc2_format format = SOC2_FORMAT_AUTO;
    ck_assert_int_eq(soc2_snapshot_document(s, 0, NULL, &format), SOC2_OK);
    return format;
}

static soc2_engine *builtin_engine(void)
{
    soc2_engine *engine = NULL;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);
    return engine;
}

static soc2_report *evaluate(const soc2_engine *engine, soc2_snapshot *s)
{
    soc2_report *report = NULL;
    int rc = soc2_evaluate(&report, engine, s, NULL);
    ck_assert_msg(rc == SOC2_OK, "evaluation failed: %s", soc2_error_last()->message);
    return report;
}

/* Returns the finding of `rule` on `address`, or NULL. */
static const soc2_finding *find_finding(const soc2_report *report, const char *rule,
                                        const char *address)
{
    soc2_finding_iterator *it;
    const soc2_finding *f, *found = NULL;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), address) == 0)
            found = f;
    soc2_finding_iterator_free(it);
    return found;
}

static const soc2_finding *finding_of(const soc2_report *report, const char *rule,
                                      const char *address)
{
    const soc2_finding *f = find_finding(report, rule, address);
    ck_assert_msg(f != NULL, "no finding of %s on %s", rule, address);
    return f;
}

static void assert_status(const soc2_report *report, const char *rule, const char *address,
                          soc2_finding_status expected)
{
    soc2_finding_status status = soc2_finding_status_of(finding_of(report, rule, address));
    ck_assert_msg(status == expected, "%s on %s is %s, not %s", rule, address,
                  soc2_finding_status_name(status), soc2_finding_status_name(expected));
}

/* Asserts that no finding names a data source, as its resource or as the
 * resource holding its evidence. */
static void assert_no_data_source_findings(const soc2_report *report)
{
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK) {
        const char *address = soc2_finding_resource_address(f);
        const char *evidence = soc2_finding_evidence_resource(f);
        ck_assert_msg(strncmp(address, "data.", 5) != 0 && !strstr(address, ".data."),
                      "%s has a finding of %s", address, soc2_finding_rule_id(f));
        ck_assert_msg(!evidence || (strncmp(evidence, "data.", 5) != 0 &&
                                    !strstr(evidence, ".data.")),
                      "finding of %s names %s as evidence", soc2_finding_rule_id(f), evidence);
    }
    soc2_finding_iterator_free(it);
}

/* Returns the 1-based line of the value at `pointer` in a data file. */
static int line_of(const char *relative, const char *pointer)
{
    size_t length = 0;
    char *text = read_data(relative, &length);
    ck_assert_ptr_nonnull(text);
    int line = 0, column = 0;
    ck_assert_int_eq(json_locate(text, length, pointer, &line, &column), 0);
    free(text);
    return line;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes "rule resource status evidence" of every finding, sorted, to
 * `out`. */
static void collect_outcomes(const soc2_report *report, strbuf *out)
{
    size_t count = soc2_report_finding_count(report);
    char **lines = calloc(count ? count : 1, sizeof(*lines));
    ck_assert_ptr_nonnull(lines);
    soc2_finding_iterator *it;
    const soc2_finding *f;
    size_t n = 0;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK && n < count) {
        strbuf line = STRBUF_INIT;
        sb_printf(&line, "%s %s %s %s", soc2_finding_rule_id(f), soc2_finding_resource_address(f),
                  soc2_finding_status_name(soc2_finding_status_of(f)),
                  soc2_finding_evidence_resource(f) ? soc2_finding_evidence_resource(f) : "-");
        lines[n++] = sb_steal(&line);
    }
    soc2_finding_iterator_free(it);
    qsort(lines, n, sizeof(*lines), compare_lines);
    for (size_t i = 0; i < n; i++) {
        sb_printf(out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

/* Asserts that every finding is of an account-scope rule: none names a
 * resource. */
static void assert_only_account_findings(const soc2_report *report)
{
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        ck_assert_msg(soc2_finding_resource(f) == NULL, "%s has a finding of %s",
                      soc2_finding_resource_address(f), soc2_finding_rule_id(f));
    soc2_finding_iterator_free(it);
}

/* Detection. */

START_TEST(detect_accepts_both_layouts)
{
    const char *states[] = {
        "{\"format_version\": \"1.0\", \"terraform_version\": \"1.6.6\", \"values\": "
        "{\"root_module\": {\"resources\": []}}}",
        /* terraform show -json of a state without resources */
        "{\"format_version\": \"1.0\"}",
        "{\"format_version\": \"1.0\", \"terraform_version\": \"1.6.6\"}",
        "{\"version\": 4, \"terraform_version\": \"1.6.6\", \"serial\": 3, \"lineage\": "
        "\"0b1c\", \"outputs\": {}, \"resources\": []}",
        "{\"version\": 4, \"serial\": 1}",
        /* older versions, detected so that the error names the version read */
        "{\"version\": 3, \"terraform_version\": \"0.11.14\", \"serial\": 7, \"lineage\": "
        "\"0b1c\", \"modules\": []}",
    };
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
        json_t *root = json_loads(states[i], 0, NULL);
        ck_assert_ptr_nonnull(root);
        ck_assert_msg(tfstate_detect(root), "not detected as a state: %s", states[i]);
        json_decref(root);
    }
}
END_TEST

START_TEST(detect_rejects_other_json)
{
    const char *others[] = {
        /* plans */
        "{\"format_version\": \"1.2\", \"resource_changes\": []}",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {}}}",
        "{\"format_version\": \"1.2\", \"prior_state\": {\"format_version\": \"1.0\", "
        "\"values\": {\"root_module\": {}}}, \"configuration\": {}}",
        /* a CloudFormation template */
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"B\": "
        "{\"Type\": \"AWS::S3::Bucket\"}}}",
        /* an AWS Config snapshot */
        "{\"fileVersion\": \"1.0\", \"configSnapshotId\": \"a1\", \"configurationItems\": []}",
        /* other terraform JSON output */
        "{\"format_version\": \"1.0\", \"provider_schemas\": {}}",
        "{\"format_version\": \"1.0\", \"valid\": true, \"error_count\": 0, "
        "\"diagnostics\": []}",
        "{\"format_version\": 1, \"values\": {}}",
        "{\"version\": 4}",
        "{\"version\": \"4\", \"lineage\": \"0b1c\"}",
        "{\"version\": 4, \"serial\": 1, \"format_version\": \"1.0\", \"resource_changes\": []}",
        /* libsoc2's native format */
        "{\"format\": \"libsoc2-native\", \"version\": 1, \"resources\": []}",
        "{\"format\": \"libsoc2-native\", \"version\": 1, \"serial\": 1, \"resources\": []}",
        "[{\"version\": 4, \"serial\": 1}]",
        "\"values\"",
        "{}",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        json_t *root = json_loads(others[i], JSON_DECODE_ANY, NULL);
        ck_assert_ptr_nonnull(root);
        ck_assert_msg(!tfstate_detect(root), "detected as a state: %s", others[i]);
        json_decref(root);
    }
}
END_TEST

START_TEST(files_detected_as_state)
{
    const char *files[] = {
        "terraform-state/modules.tfstate", "terraform-state/modules-show.json",
        "terraform-state/builtin.tfstate", "terraform-state/builtin-show.json",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        soc2_snapshot *s = load_state(files[i]);
        ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
        ck_assert_int_eq(document_format(s), SOC2_FORMAT_TERRAFORM_STATE);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(explicit_format_rejects_plan)
{
    soc2_snapshot *s = new_snapshot();
    const char *plan = "{'format_version': '1.2', 'resource_changes': []}";
    ck_assert_int_eq(load_quoted(s, plan, SOC2_FORMAT_TERRAFORM_STATE), SOC2_EUNRECOGNIZED);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);

    const char *state = "{'version': 4, 'serial': 1, 'resources': []}";
    ck_assert_int_eq(load_quoted(s, state, SOC2_FORMAT_TERRAFORM_STATE), SOC2_OK);
    ck_assert_int_eq(load_quoted(s, state, SOC2_FORMAT_TERRAFORM_PLAN), SOC2_EUNRECOGNIZED);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    soc2_snapshot_free(s);
}
END_TEST

/* Both layouts of one state. */

static const char *const module_state_files[] = {
    "terraform-state/modules.tfstate",
    "terraform-state/modules-show.json",
};

static const char *const managed_addresses[] = {
    "aws_flow_log.shared",
    "aws_iam_role.app",
    "aws_instance.web",
    "aws_subnet.private[0]",
    "aws_subnet.private[1]",
    "aws_vpc.main",
    "module.buckets[\"assets\"].aws_s3_bucket.this",
    "module.buckets[\"logs\"].aws_s3_bucket.this",
    "module.network.module.sg.aws_security_group.this[\"web\"]",
};

static const char *const data_addresses[] = {
    "data.aws_caller_identity.current",
    "data.aws_iam_policy_document.assume",
    "data.aws_vpc.shared",
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

START_TEST(modules_and_instances_loaded)
{
    soc2_snapshot *s = load_state(module_state_files[_i]);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s),
                      COUNT(managed_addresses) + COUNT(data_addresses));

    for (size_t i = 0; i < COUNT(managed_addresses); i++) {
        const soc2_resource *r = find(s, managed_addresses[i]);
        ck_assert_msg(!(r->flags & RESOURCE_DATA_SOURCE), "%s is flagged as a data source",
                      r->address);
        ck_assert_ptr_null(r->unknown);
    }
    assert_string(s, "aws_subnet.private[1]", "cidr_block", "10.0.2.0/24");
    assert_string(s, "module.buckets[\"logs\"].aws_s3_bucket.this", "bucket",
                  "example-logs-111122223333");
    assert_string(s, "module.network.module.sg.aws_security_group.this[\"web\"]",
                  "ingress[0].cidr_blocks[0]", "10.0.0.0/16");

    const soc2_resource *sg = find(s, "module.network.module.sg.aws_security_group.this[\"web\"]");
    ck_assert_str_eq(soc2_resource_type(sg), "aws_security_group");
    ck_assert_str_eq(soc2_resource_source_type(sg), "aws_security_group");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(data_sources_flagged)
{
    soc2_snapshot *s = load_state(module_state_files[_i]);
    for (size_t i = 0; i < COUNT(data_addresses); i++) {
        const soc2_resource *r = find(s, data_addresses[i]);
        ck_assert_msg(r->flags & RESOURCE_DATA_SOURCE, "%s is not flagged as a data source",
                      r->address);
        ck_assert_ptr_null(r->unknown);
    }
    ck_assert_str_eq(soc2_resource_type(find(s, "data.aws_vpc.shared")), "aws_vpc");
    assert_string(s, "data.aws_vpc.shared", "cidr_block", "10.90.0.0/16");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(deposed_object_left_out)
{
    soc2_snapshot *s = load_state(module_state_files[_i]);
    /* The current object is kept, the deposed one (i-...0001) is not. */
    assert_string(s, "aws_instance.web", "id", "i-0aa11bb22cc330002");
    assert_string(s, "aws_instance.web", "ami", "ami-0c1d2e3f4a5b60002");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(source_pointers_recorded)
{
    static const struct {
        const char *address;
        const char *pointer[2]; /* in modules.tfstate, in modules-show.json */
    } cases[] = {
        {"aws_subnet.private[1]",
         {"/resources/6/instances/1", "/values/root_module/resources/5"}},
        {"aws_instance.web", {"/resources/5/instances/0", "/values/root_module/resources/2"}},
        {"data.aws_vpc.shared", {"/resources/2/instances/0", "/values/root_module/resources/9"}},
        {"module.network.module.sg.aws_security_group.this[\"web\"]",
         {"/resources/10/instances/0",
          "/values/root_module/child_modules/2/child_modules/0/resources/0"}},
    };
    const char *member = _i == 0 ? "/attributes" : "/values";

    soc2_snapshot *s = load_state(module_state_files[_i]);
    for (size_t i = 0; i < COUNT(cases); i++) {
        const soc2_resource *r = find(s, cases[i].address);
        ck_assert_ptr_nonnull(r->source_pointer);
        ck_assert_str_eq(r->source_pointer, cases[i].pointer[_i]);

        strbuf expected = STRBUF_INIT, found = STRBUF_INIT;
        sb_printf(&expected, "%s%s/tags", cases[i].pointer[_i], member);
        ck_assert_int_eq(resource_source_of(r, "tags", &found), 0);
        ck_assert_str_eq(sb_str(&found), sb_str(&expected));
        sb_free(&expected);
        sb_free(&found);

        int line = 0;
        ck_assert_int_eq(soc2_resource_location(r, &line, NULL), SOC2_OK);
        ck_assert_int_eq(line, line_of(module_state_files[_i], cases[i].pointer[_i]));
    }
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(references_from_values_only)
{
    soc2_snapshot *s = load_state(module_state_files[_i]);

    /* dependencies and depends_on give no edges. */
    for (size_t i = 0; i < s->count; i++)
        ck_assert_msg(s->resources[i]->edge_count == 0, "%s has an edge before evaluation",
                      s->resources[i]->address);

    /* Evaluation indexes the snapshot: values equal to an ID, ARN or name
     * become edges, to data sources too. */
    soc2_engine *engine = builtin_engine();
    soc2_report *report = evaluate(engine, s);
    assert_resolved_edge(s, "aws_subnet.private[0]", "vpc_id", "aws_vpc.main");
    assert_resolved_edge(s, "aws_subnet.private[1]", "vpc_id", "aws_vpc.main");
    assert_resolved_edge(s, "aws_instance.web", "subnet_id", "aws_subnet.private[0]");
    assert_resolved_edge(s, "aws_instance.web", "vpc_security_group_ids[0]",
                         "module.network.module.sg.aws_security_group.this[\"web\"]");
    assert_resolved_edge(s, "aws_flow_log.shared", "vpc_id", "data.aws_vpc.shared");
    ck_assert_ptr_null(edge_to(find(s, "aws_iam_role.app"), "assume_role_policy",
                               "data.aws_iam_policy_document.assume"));
    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(s);
}
END_TEST

#define FLOW_LOG_RULE                                                                          \
    "{\"rules\": [{\"id\": \"flow-log-covers-vpc\", \"title\": \"Flow logs cover a VPC of the " \
    "configuration\", \"severity\": \"low\", \"resource_types\": [\"aws_flow_log\"], "         \
    "\"assert\": {\"any\": {\"follow\": \"vpc_id\", \"types\": [\"aws_vpc\"]}}}]}"

START_TEST(data_sources_not_evaluated)
{
    soc2_snapshot *s = load_state(module_state_files[_i]);
    soc2_engine *engine = builtin_engine();
    ck_assert_int_eq(soc2_engine_add_rules_buffer(engine, FLOW_LOG_RULE, strlen(FLOW_LOG_RULE),
                                                  "flow-log-rule.json"),
                     SOC2_OK);
    soc2_report *report = evaluate(engine, s);

    assert_no_data_source_findings(report);
    ck_assert_ptr_null(find_finding(report, "aws-vpc-flow-logs-enabled", "data.aws_vpc.shared"));
    assert_status(report, "aws-vpc-flow-logs-enabled", "aws_vpc.main", SOC2_FINDING_FAIL);

    /* The flow log's vpc_id names the data source VPC: the edge is there,
     * but a join does not count a data source. */
    assert_status(report, "flow-log-covers-vpc", "aws_flow_log.shared", SOC2_FINDING_FAIL);
    assert_status(report, "aws-ec2-no-public-ingress-ssh",
                  "module.network.module.sg.aws_security_group.this[\"web\"]", SOC2_FINDING_PASS);

    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(s);
}
END_TEST

/* Inline states. */

START_TEST(empty_states_load)
{
    const char *states[] = {
        "{'format_version': '1.0'}",
        "{'format_version': '1.0', 'terraform_version': '1.6.6'}",
        "{'format_version': '0.1', 'terraform_version': '0.12.31', 'values': null}",
        "{'format_version': '1.0', 'values': {'root_module': {}}}",
        "{'format_version': '1.0', 'values': {'outputs': {}, 'root_module': "
        "{'resources': [], 'child_modules': [{'address': 'module.empty'}]}}}",
        "{'version': 4, 'terraform_version': '1.6.6', 'serial': 1, 'lineage': 'x', "
        "'outputs': {}, 'resources': []}",
        "{'version': 4, 'serial': 0, 'lineage': 'x'}",
    };
    for (size_t i = 0; i < COUNT(states); i++) {
        soc2_snapshot *s = load_quoted_ok(states[i]);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
        ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
        ck_assert_int_eq(document_format(s), SOC2_FORMAT_TERRAFORM_STATE);
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(only_data_sources)
{
    const char *states[] = {
        "{'version': 4, 'serial': 2, 'lineage': 'x', 'resources': [\n"
        " {'mode': 'data', 'type': 'aws_vpc', 'name': 'default', 'instances': [\n"
        "  {'schema_version': 0,\n"
        "   'attributes': {'id': 'vpc-1', 'cidr_block': '172.31.0.0/16'}}]},\n"
        " {'mode': 'data', 'type': 'aws_iam_policy', 'name': 'admin', 'instances': [\n"
        "  {'schema_version': 0,\n"
        "   'attributes': {'arn': 'arn:aws:iam::aws:policy/AdministratorAccess',\n"
        "   'name': 'AdministratorAccess', 'policy': '{\\'Statement\\': [{\\'Effect\\': "
        "\\'Allow\\', \\'Action\\': \\'*\\', \\'Resource\\': \\'*\\'}]}'}}]},\n"
        " {'mode': 'data', 'type': 'aws_security_group', 'name': 'open', 'instances': [\n"
        "  {'schema_version': 0, 'attributes': {'id': 'sg-1', 'ingress': [{'from_port': 22,\n"
        "   'to_port': 22, 'protocol': 'tcp', 'cidr_blocks': ['0.0.0.0/0']}]}}]}]}",
        "{'format_version': '1.0', 'values': {'root_module': {'resources': [\n"
        " {'address': 'data.aws_vpc.default', 'mode': 'data', 'type': 'aws_vpc',\n"
        "  'name': 'default', 'values': {'id': 'vpc-1', 'cidr_block': '172.31.0.0/16'}}]}}}",
    };
    soc2_engine *engine = builtin_engine();

    /* Account-scope rules (a multi-region trail) report on every snapshot,
     * an empty one too; data sources add nothing to that. */
    soc2_snapshot *empty = load_quoted_ok("{'format_version': '1.0'}");
    soc2_report *baseline = evaluate(engine, empty);
    strbuf expected = STRBUF_INIT;
    collect_outcomes(baseline, &expected);
    soc2_report_free(baseline);
    soc2_snapshot_free(empty);

    for (size_t i = 0; i < COUNT(states); i++) {
        soc2_snapshot *s = load_quoted_ok(states[i]);
        ck_assert_uint_gt(soc2_snapshot_resource_count(s), 0);
        ck_assert(find(s, "data.aws_vpc.default")->flags & RESOURCE_DATA_SOURCE);

        soc2_report *report = evaluate(engine, s);
        strbuf outcomes = STRBUF_INIT;
        collect_outcomes(report, &outcomes);
        ck_assert_str_eq(sb_str(&outcomes), sb_str(&expected));
        assert_only_account_findings(report);
        sb_free(&outcomes);
        soc2_report_free(report);
        soc2_snapshot_free(s);
    }
    sb_free(&expected);
    soc2_engine_free(engine);
}
END_TEST

START_TEST(file_addresses_built)
{
    soc2_snapshot *s = load_quoted_ok(
        "{'version': 4, 'serial': 1, 'lineage': 'x', 'resources': [\n"
        " {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v', 'instances': [\n"
        "  {'index_key': 0, 'attributes': {}}, {'index_key': 12, 'attributes': {}}]},\n"
        " {'module': 'module.a[0].module.b[\\'x\\']', 'mode': 'data', 'type': 'aws_vpc',\n"
        "  'name': 'd', 'instances': [{'attributes': {}}]},\n"
        " {'module': '', 'mode': 'managed', 'type': 'aws_s3_bucket', 'name': 'b', 'instances': [\n"
        "  {'index_key': 'a \\'b\\' \\\\ c', 'attributes': {}},\n"
        "  {'index_key': 'line\\nbreak\\ttab\\u0001', 'attributes': {}},\n"
        "  {'index_key': '${x} %{y} $z', 'attributes': {}},\n"
        "  {'index_key': '', 'attributes': {}},\n"
        "  {'index_key': 'caf\\u00e9\\u0085', 'attributes': {}},\n"
        "  {'index_key': null, 'attributes': {}}]}]}");
    static const char *const addresses[] = {
        "aws_vpc.v[0]",
        "aws_vpc.v[12]",
        "module.a[0].module.b[\"x\"].data.aws_vpc.d",
        "aws_s3_bucket.b[\"a \\\"b\\\" \\\\ c\"]",
        "aws_s3_bucket.b[\"line\\nbreak\\ttab\\u0001\"]",
        "aws_s3_bucket.b[\"$${x} %%{y} $z\"]",
        "aws_s3_bucket.b[\"\"]",
        "aws_s3_bucket.b[\"caf\xc3\xa9\\u0085\"]",
        "aws_s3_bucket.b",
    };
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), COUNT(addresses));
    for (size_t i = 0; i < COUNT(addresses); i++)
        ck_assert_msg(present(s, addresses[i]), "no resource %s", addresses[i]);
    ck_assert(find(s, addresses[2])->flags & RESOURCE_DATA_SOURCE);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(deposed_only_instance)
{
    const char *states[] = {
        "{'version': 4, 'serial': 1, 'lineage': 'x', 'resources': [\n"
        " {'mode': 'managed', 'type': 'aws_vpc', 'name': 'old', 'instances': [\n"
        "  {'deposed': '00000001', 'schema_version': 1, 'attributes': {'id': 'vpc-1'}}]},\n"
        " {'mode': 'managed', 'type': 'aws_vpc', 'name': 'kept', 'instances': [\n"
        "  {'deposed': '', 'attributes': {'id': 'vpc-2'}}]}]}",
        "{'format_version': '1.0', 'values': {'root_module': {'resources': [\n"
        " {'address': 'aws_vpc.old', 'mode': 'managed', 'type': 'aws_vpc', 'name': 'old',\n"
        "  'deposed_key': '00000001', 'values': {'id': 'vpc-1'}},\n"
        " {'address': 'aws_vpc.kept', 'mode': 'managed', 'type': 'aws_vpc', 'name': 'kept',\n"
        "  'values': {'id': 'vpc-2'}}]}}}",
    };
    for (size_t i = 0; i < COUNT(states); i++) {
        soc2_snapshot *s = load_quoted_ok(states[i]);
        ck_assert_uint_eq(soc2_snapshot_resource_count(s), 1);
        ck_assert(!present(s, "aws_vpc.old"));
        assert_string(s, "aws_vpc.kept", "id", "vpc-2");
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(show_values_absent_is_empty)
{
    soc2_snapshot *s = load_quoted_ok(
        "{'format_version': '1.0', 'values': {'root_module': {'resources': [\n"
        " {'address': 'aws_vpc.v[0]', 'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
        "  'index': 0}]}}}");
    const soc2_resource *r = find(s, "aws_vpc.v[0]");
    ck_assert_uint_eq(json_object_size(r->attrs), 0);
    ck_assert_str_eq(r->source_pointer, "/values/root_module/resources/0");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(tainted_object_kept)
{
    soc2_snapshot *s = load_quoted_ok(
        "{'version': 4, 'serial': 1, 'lineage': 'x', 'resources': [\n"
        " {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v', 'instances': [\n"
        "  {'status': 'tainted', 'attributes': {'id': 'vpc-1'}}]}]}");
    assert_string(s, "aws_vpc.v", "id", "vpc-1");
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(data_source_child_not_folded)
{
    /* A data source that reads a bucket policy configures nothing: it is
     * not folded, and no placeholder bucket is made for it. */
    soc2_snapshot *s = load_quoted_ok(
        "{'version': 4, 'serial': 1, 'lineage': 'x', 'resources': [\n"
        " {'mode': 'data', 'type': 'aws_s3_bucket_policy', 'name': 'other', 'instances': [\n"
        "  {'attributes': {'bucket': 'someone-elses-bucket', 'id': 'someone-elses-bucket',\n"
        "   'policy': '{\\'Statement\\': [{\\'Effect\\': \\'Allow\\', \\'Principal\\': \\'*\\', "
        "\\'Action\\': \\'s3:*\\', \\'Resource\\': \\'*\\'}]}'}}]}]}");
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 1);
    ck_assert_ptr_null(soc2_resource_folded_into(find(s, "data.aws_s3_bucket_policy.other")));

    soc2_engine *engine = builtin_engine();
    soc2_report *report = evaluate(engine, s);
    assert_only_account_findings(report);
    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(version_three_rejected)
{
    soc2_snapshot *s = new_snapshot();
    const char *state = "{'version': 3, 'terraform_version': '0.11.14', 'serial': 7,\n"
                        " 'lineage': 'x', 'modules': []}";
    ck_assert_int_eq(load_quoted(s, state, SOC2_FORMAT_AUTO), SOC2_EUNRECOGNIZED);
    const soc2_error *e = soc2_error_last();
    ck_assert_str_eq(e->pointer, "/version");
    ck_assert_int_eq(e->line, 1);
    ck_assert_ptr_nonnull(strstr(e->message, "version 3"));
    ck_assert_ptr_nonnull(strstr(e->message, "reads version 4"));
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);

    ck_assert_int_eq(load_quoted(s, "{'version': 5, 'serial': 1}", SOC2_FORMAT_AUTO),
                     SOC2_EUNRECOGNIZED);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(format_versions_read)
{
    static const struct {
        const char *version;
        int code;
    } cases[] = {
        {"0.1", SOC2_OK},          {"0.2", SOC2_OK},          {"1.0", SOC2_OK},
        {"1.7", SOC2_OK},          {"2.0", SOC2_EUNRECOGNIZED}, {"10.1", SOC2_EUNRECOGNIZED},
        {"1", SOC2_EFORMAT},       {"1.0.0", SOC2_EFORMAT},   {"v1.0", SOC2_EFORMAT},
        {"", SOC2_EFORMAT},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char text[128];
        snprintf(text, sizeof(text), "{'format_version': '%s',\n 'values': null}",
                 cases[i].version);
        soc2_snapshot *s = new_snapshot();
        int rc = load_quoted(s, text, SOC2_FORMAT_AUTO);
        ck_assert_msg(rc == cases[i].code, "format_version %s: status %d", cases[i].version, rc);
        if (rc != SOC2_OK) {
            ck_assert_str_eq(soc2_error_last()->pointer, "/format_version");
            ck_assert_int_eq(soc2_error_last()->line, 1);
        }
        soc2_snapshot_free(s);
    }
}
END_TEST

START_TEST(resource_limit_keeps_snapshot)
{
    soc2_snapshot *s = load_state("terraform-state/builtin.tfstate");
    size_t before = soc2_snapshot_resource_count(s);
    ck_assert_int_eq(soc2_snapshot_set_limit(s, SOC2_LIMIT_RESOURCES, before + 3), SOC2_OK);

    int rc = soc2_snapshot_load_file(s, data_path("terraform-state/modules.tfstate"),
                                     SOC2_FORMAT_AUTO);
    ck_assert_int_eq(rc, SOC2_ELIMIT);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), before);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 1);
    ck_assert(!present(s, "aws_subnet.private[0]"));
    soc2_snapshot_free(s);
}
END_TEST

/* Malformed states: each names the JSON pointer and line of the offending
 * value. */

typedef struct bad_case {
    const char *state;
    const char *pointer;
    int line;
} bad_case;

#define FILE_HEAD "{'version': 4, 'serial': 1, 'lineage': 'x',\n"
#define SHOW_HEAD "{'format_version': '1.0',\n 'values': {'root_module': {\n"

static const bad_case bad_cases[] = {
    /* the state file */
    {FILE_HEAD " 'resources': {}}", "/resources", 2},
    {FILE_HEAD " 'resources': [\n  3]}", "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'name': 'v', 'instances': []}]}",
     "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'instances': []}]}",
     "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc',\n   'name': '',"
               " 'instances': []}]}",
     "/resources/0/name", 4},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 7, 'name': 'v', 'instances': []}]}",
     "/resources/0/type", 3},
    {FILE_HEAD " 'resources': [\n  {'type': 'aws_vpc', 'name': 'v', 'instances': []}]}",
     "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'type': 'aws_vpc', 'name': 'v',\n   'mode': 'legacy',"
               " 'instances': []}]}",
     "/resources/0/mode", 4},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v'}]}",
     "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': {}}]}",
     "/resources/0/instances", 4},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [\n    'x']}]}",
     "/resources/0/instances/0", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {}},\n    {'schema_version': 1}]}]}",
     "/resources/0/instances/1", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'schema_version': 1,\n     'attributes': []}]}]}",
     "/resources/0/instances/0/attributes", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [\n    {'attributes': null}]}]}",
     "/resources/0/instances/0", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [\n    {'attributes_flat': {'id': 'vpc-1'}}]}]}",
     "/resources/0/instances/0", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {},\n     'index_key': true}]}]}",
     "/resources/0/instances/0/index_key", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {},\n     'index_key': -1}]}]}",
     "/resources/0/instances/0/index_key", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {},\n     'index_key': 1.5}]}]}",
     "/resources/0/instances/0/index_key", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {},\n     'deposed': 1}]}]}",
     "/resources/0/instances/0/deposed", 5},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'module': 'mod.x', 'instances': []}]}",
     "/resources/0/module", 4},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'module': 7, 'instances': []}]}",
     "/resources/0/module", 4},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc.x', 'name': 'v',"
               " 'instances': []}]}",
     "/resources/0", 3},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'attributes': {}}]},\n"
               "  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [\n    {'attributes': {}}]}]}",
     "/resources/1/instances/0", 7},
    {FILE_HEAD " 'resources': [\n  {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'instances': [{'index_key': 0, 'attributes': {}},\n"
               "    {'index_key': 0, 'attributes': {}}]}]}",
     "/resources/0/instances/1", 5},
    /* terraform show -json */
    {"{'format_version': '1.0',\n 'values': []}", "/values", 2},
    {"{'format_version': '1.0', 'values': {\n 'root_module': 'x'}}", "/values/root_module", 2},
    {SHOW_HEAD "  'resources': {}}}}", "/values/root_module/resources", 3},
    {SHOW_HEAD "  'child_modules': {}}}}", "/values/root_module/child_modules", 3},
    {SHOW_HEAD "  'child_modules': [\n   []]}}}", "/values/root_module/child_modules/0", 4},
    {SHOW_HEAD "  'child_modules': [{'address': 'module.m', 'resources': [\n"
               "   {'address': 'module.m.aws_vpc.v', 'mode': 'managed', 'name': 'v'}]}]}}}",
     "/values/root_module/child_modules/0/resources/0", 4},
    {SHOW_HEAD "  'resources': [\n   5]}}}", "/values/root_module/resources/0", 4},
    {SHOW_HEAD "  'resources': [\n   {'address': 'aws_vpc.v', 'mode': 'managed',"
               " 'type': 'aws_vpc'}]}}}",
     "/values/root_module/resources/0", 4},
    {SHOW_HEAD "  'resources': [\n   {'mode': 'managed', 'type': 'aws_vpc', 'name': 'v'}]}}}",
     "/values/root_module/resources/0", 4},
    {SHOW_HEAD "  'resources': [{'address': 'aws_vpc.v', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'mode': 'other'}]}}}",
     "/values/root_module/resources/0/mode", 4},
    {SHOW_HEAD "  'resources': [{'address': 'aws_vpc.v', 'mode': 'managed', 'type': 'aws_vpc',\n"
               "   'name': 'v', 'values': 'x'}]}}}",
     "/values/root_module/resources/0/values", 4},
    {SHOW_HEAD "  'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'address': 'aws_vpc..v'}]}}}",
     "/values/root_module/resources/0/address", 4},
    {SHOW_HEAD "  'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'address': 'aws_subnet.v'}]}}}",
     "/values/root_module/resources/0/address", 4},
    {SHOW_HEAD "  'resources': [{'mode': 'data', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'address': 'aws_vpc.v'}]}}}",
     "/values/root_module/resources/0/address", 4},
    {SHOW_HEAD "  'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',\n"
               "   'deposed_key': ['x'], 'address': 'aws_vpc.v'}]}}}",
     "/values/root_module/resources/0/deposed_key", 4},
    {SHOW_HEAD "  'resources': [{'address': 'aws_vpc.v', 'mode': 'managed', 'type': 'aws_vpc',"
               " 'name': 'v'},\n   {'address': 'aws_vpc.v', 'mode': 'managed', 'type': 'aws_vpc',"
               " 'name': 'v'}]}}}",
     "/values/root_module/resources/1", 4},
};

START_TEST(malformed_state_names_place)
{
    const bad_case *c = &bad_cases[_i];
    soc2_snapshot *s = new_snapshot();
    int rc = load_quoted(s, c->state, SOC2_FORMAT_AUTO);
    const soc2_error *e = soc2_error_last();
    ck_assert_msg(rc == SOC2_EFORMAT, "case %d: status %d (%s)", _i, rc, e->message);
    ck_assert_ptr_nonnull(e->pointer);
    ck_assert_str_eq(e->pointer, c->pointer);
    ck_assert_str_eq(e->file, "case.json");
    ck_assert_msg(e->line == c->line, "case %d: line %d, not %d (%s)", _i, e->line, c->line,
                  e->message);
    ck_assert_uint_eq(soc2_snapshot_resource_count(s), 0);
    ck_assert_uint_eq(soc2_snapshot_document_count(s), 0);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(error_messages_name_problem)
{
    static const struct {
        const char *state;
        const char *words;
    } cases[] = {
        {FILE_HEAD " 'resources': {}}", "\"resources\" must be an array, not an object"},
        {FILE_HEAD " 'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',"
                   " 'instances': [{}]}]}",
         "the required object \"attributes\" is missing"},
        {FILE_HEAD " 'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',"
                   " 'instances': [{'attributes_flat': {}}]}]}",
         "terraform show -json"},
        {FILE_HEAD " 'resources': [{'mode': 'legacy', 'type': 'aws_vpc', 'name': 'v',"
                   " 'instances': []}]}",
         "unsupported resource mode \"legacy\" (expected \"managed\" or \"data\")"},
        {FILE_HEAD " 'resources': [{'mode': 'managed', 'name': 'v', 'instances': []}]}",
         "the required string \"type\" is missing"},
        {FILE_HEAD " 'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',"
                   " 'instances': [{'attributes': {}}, {'attributes': {}}]}]}",
         "resource address \"aws_vpc.v\" appears twice"},
        {SHOW_HEAD "  'resources': [{'mode': 'managed', 'type': 'aws_vpc', 'name': 'v',"
                   " 'address': 'aws_subnet.v'}]}}}",
         "does not name the resource aws_vpc.v"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        soc2_snapshot *s = new_snapshot();
        ck_assert_int_eq(load_quoted(s, cases[i].state, SOC2_FORMAT_AUTO), SOC2_EFORMAT);
        const char *message = soc2_error_last()->message;
        ck_assert_msg(strstr(message, cases[i].words), "case %zu: \"%s\" lacks \"%s\"", i,
                      message, cases[i].words);
        soc2_snapshot_free(s);
    }
}
END_TEST

/* The built-in rules on a state. */

static const char *const builtin_state_files[] = {
    "terraform-state/builtin.tfstate",
    "terraform-state/builtin-show.json",
};

START_TEST(builtin_rules_on_state)
{
    soc2_snapshot *s = load_state(builtin_state_files[_i]);
    soc2_engine *engine = builtin_engine();
    soc2_report *report = evaluate(engine, s);

    assert_no_data_source_findings(report);
    assert_status(report, "aws-ec2-no-public-ingress-ssh", "aws_security_group.bastion",
                  SOC2_FINDING_FAIL);
    assert_status(report, "aws-ec2-no-public-ingress-ssh", "aws_security_group.web",
                  SOC2_FINDING_PASS);

    /* The load balancer names the web group by its ID, so port 80 open to
     * the world passes there. */
    assert_status(report, "aws-ec2-no-public-ingress-http", "aws_security_group.web",
                  SOC2_FINDING_PASS);
    assert_status(report, "aws-ec2-no-public-ingress-http", "aws_security_group.bastion",
                  SOC2_FINDING_PASS);

    /* The flow log's vpc_id equals the VPC's id. */
    assert_status(report, "aws-vpc-flow-logs-enabled", "aws_vpc.main", SOC2_FINDING_PASS);

    /* The chain trail -> log group -> metric filter -> alarm -> topic ->
     * subscription is made of ARNs and names alone. */
    assert_status(report, "aws-cloudtrail-multi-region-trail", "account", SOC2_FINDING_PASS);
    assert_status(report, "aws-cloudwatch-iam-policy-change-alarm", "account",
                  SOC2_FINDING_PASS);
    assert_status(report, "aws-logs-group-cmk", "aws_cloudwatch_log_group.cloudtrail",
                  SOC2_FINDING_PASS);
    assert_status(report, "aws-logs-group-cmk", "aws_cloudwatch_log_group.flow_logs",
                  SOC2_FINDING_FAIL);
    assert_status(report, "aws-cloudtrail-kms-encryption", "aws_cloudtrail.main",
                  SOC2_FINDING_PASS);

    /* The separate bucket policy is folded onto the bucket and decides. */
    const soc2_finding *f =
        finding_of(report, "aws-s3-bucket-policy-no-public-principal", "aws_s3_bucket.reports");
    ck_assert_int_eq(soc2_finding_status_of(f), SOC2_FINDING_FAIL);
    ck_assert_ptr_nonnull(soc2_finding_evidence_resource(f));
    ck_assert_str_eq(soc2_finding_evidence_resource(f), "aws_s3_bucket_policy.reports");
    ck_assert_str_eq(soc2_resource_folded_into(find(s, "aws_s3_bucket_policy.reports")),
                     "aws_s3_bucket.reports");
    ck_assert_str_eq(soc2_resource_folded_into(find(s, "aws_security_group_rule.web_http")),
                     "aws_security_group.web");

    /* The state lists the separate rule in the group's ingress too, with []
     * where the rule has null: it is folded onto that element, not added. */
    const soc2_resource *web = find(s, "aws_security_group.web");
    ck_assert_uint_eq(json_array_size(json_object_get(web->attrs, "ingress")), 3);
    const soc2_origin *origin = resource_origin_for(web, "ingress[1]");
    ck_assert_ptr_nonnull(origin);
    ck_assert_str_eq(origin->source->address, "aws_security_group_rule.web_http");

    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(finding_locations_in_state)
{
    const char *file = builtin_state_files[_i];
    /* aws_security_group.bastion */
    const char *resource = _i == 0 ? "/resources/12/instances/0"
                                   : "/values/root_module/resources/11";
    const char *member = _i == 0 ? "attributes" : "values";

    soc2_snapshot *s = load_state(file);
    soc2_engine *engine = builtin_engine();
    soc2_report *report = evaluate(engine, s);
    const soc2_finding *f =
        finding_of(report, "aws-ec2-no-public-ingress-ssh", "aws_security_group.bastion");

    int line = 0;
    ck_assert_int_eq(soc2_finding_resource_location(f, &line, NULL), SOC2_OK);
    ck_assert_int_eq(line, line_of(file, resource));

    /* The deciding path maps onto the attributes in the document. */
    const char *path = soc2_finding_path(f);
    ck_assert_ptr_nonnull(path);
    ck_assert_msg(strncmp(path, "ingress", 7) == 0, "deciding path %s", path);
    strbuf pointer = STRBUF_INIT;
    ck_assert_int_eq(resource_source_of(soc2_finding_resource(f), path, &pointer), 0);
    strbuf prefix = STRBUF_INIT;
    sb_printf(&prefix, "%s/%s/ingress", resource, member);
    ck_assert_msg(strncmp(sb_str(&pointer), sb_str(&prefix), prefix.len) == 0,
                  "pointer %s is not under %s", sb_str(&pointer), sb_str(&prefix));
    ck_assert_int_eq(soc2_finding_location(f, &line, NULL), SOC2_OK);
    ck_assert_int_eq(line, line_of(file, sb_str(&pointer)));
    sb_free(&pointer);
    sb_free(&prefix);

    soc2_report_free(report);
    soc2_engine_free(engine);
    soc2_snapshot_free(s);
}
END_TEST

START_TEST(layouts_give_same_findings)
{
    soc2_engine *engine = builtin_engine();
    strbuf outcomes[2] = {STRBUF_INIT, STRBUF_INIT};
    for (int i = 0; i < 2; i++) {
        soc2_snapshot *s = load_state(builtin_state_files[i]);
        soc2_report *report = evaluate(engine, s);
        collect_outcomes(report, &outcomes[i]);
        soc2_report_free(report);
        soc2_snapshot_free(s);
    }
    ck_assert_uint_gt(outcomes[0].len, 0);
    ck_assert_str_eq(sb_str(&outcomes[0]), sb_str(&outcomes[1]));
    sb_free(&outcomes[0]);
    sb_free(&outcomes[1]);
    soc2_engine_free(engine);
}
END_TEST

Suite *make_suite(void)
{
    Suite *suite = suite_create("tfstate");

    TCase *detect = tcase_create("detect");
    tcase_add_test(detect, detect_accepts_both_layouts);
    tcase_add_test(detect, detect_rejects_other_json);
    tcase_add_test(detect, files_detected_as_state);
    tcase_add_test(detect, explicit_format_rejects_plan);
    suite_add_tcase(suite, detect);

    TCase *layouts = tcase_create("both layouts");
    tcase_add_loop_test(layouts, modules_and_instances_loaded, 0, 2);
    tcase_add_loop_test(layouts, data_sources_flagged, 0, 2);
    tcase_add_loop_test(layouts, deposed_object_left_out, 0, 2);
    tcase_add_loop_test(layouts, source_pointers_recorded, 0, 2);
    tcase_add_loop_test(layouts, references_from_values_only, 0, 2);
    tcase_add_loop_test(layouts, data_sources_not_evaluated, 0, 2);
    suite_add_tcase(suite, layouts);

    TCase *kept_resources = tcase_create("kept resources");
    tcase_add_test(kept_resources, empty_states_load);
    tcase_add_test(kept_resources, only_data_sources);
    tcase_add_test(kept_resources, file_addresses_built);
    tcase_add_test(kept_resources, deposed_only_instance);
    tcase_add_test(kept_resources, show_values_absent_is_empty);
    tcase_add_test(kept_resources, tainted_object_kept);
    tcase_add_test(kept_resources, data_source_child_not_folded);
    tcase_add_test(kept_resources, version_three_rejected);
    tcase_add_test(kept_resources, format_versions_read);
    tcase_add_test(kept_resources, resource_limit_keeps_snapshot);
    suite_add_tcase(suite, kept_resources);

    TCase *errors = tcase_create("errors");
    tcase_add_loop_test(errors, malformed_state_names_place, 0, (int)COUNT(bad_cases));
    tcase_add_test(errors, error_messages_name_problem);
    suite_add_tcase(suite, errors);

    TCase *rules = tcase_create("built-in rules");
    tcase_add_loop_test(rules, builtin_rules_on_state, 0, 2);
    tcase_add_loop_test(rules, finding_locations_in_state, 0, 2);
    tcase_add_test(rules, layouts_give_same_findings);
    suite_add_tcase(suite, rules);

    return suite;
}
