/* Adds two rules of one's own to the engine, one in the declarative language
 * and one as a C callback, and evaluates them on a CloudFormation template
 * held in memory.
 *
 * Build against an installed libsoc2:
 *     cc custom_rule.c $(pkg-config --cflags --libs soc2) -o custom_rule
 */
#include <stdio.h>
#include <string.h>

#include <soc2/soc2.h>

static const char template_json[] =
    "{\"Resources\": {"
    "  \"Logs\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"acme-logs\","
    "    \"Tags\": [{\"Key\": \"owner\", \"Value\": \"security\"}]}},"
    "  \"Scratch\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"tmp\"}}"
    "}}";

/* A declarative rule: buckets must be named with the company prefix. */
static const char rules_json[] =
    "{\"id\": \"acme-bucket-prefix\", \"title\": \"Bucket names start with acme-\","
    " \"severity\": \"low\", \"resource_types\": [\"aws_s3_bucket\"],"
    " \"controls\": {\"SOC2\": [\"CC8.1\"]},"
    " \"assert\": {\"attribute\": \"bucket\", \"op\": \"starts_with\", \"value\": \"acme-\"}}";

/* A callback rule: buckets must carry tags. */
static int has_tags(soc2_outcome *outcome, const soc2_resource *resource, void *payload)
{
    (void)payload;
    size_t count = 0;
    int rc = soc2_resource_get_length(&count, resource, "tags");
    if (rc == SOC2_EUNKNOWN)
        return soc2_outcome_set(outcome, SOC2_FINDING_UNKNOWN, "tags", NULL);
    if (rc == SOC2_OK && count > 0)
        return soc2_outcome_set(outcome, SOC2_FINDING_PASS, "tags", NULL);
    return soc2_outcome_set(outcome, SOC2_FINDING_FAIL, "tags", "The bucket has no tags.");
}

int main(void)
{
    soc2_engine *engine = NULL;
    soc2_snapshot *snapshot = NULL;
    soc2_report *report = NULL;
    soc2_finding_iterator *it = NULL;
    int status = 1;

    static const char *const types[] = {"aws_s3_bucket"};
    soc2_rule_spec spec = SOC2_RULE_SPEC_INIT;
    spec.id = "acme-bucket-tagged";
    spec.title = "Buckets carry tags";
    spec.severity = SOC2_SEVERITY_LOW;
    spec.resource_types = types;
    spec.resource_type_count = 1;
    spec.controls_json = "{\"SOC2\": [\"CC6.1\"]}";

    if (soc2_engine_new(&engine) != SOC2_OK ||
        soc2_engine_add_rules_buffer(engine, rules_json, strlen(rules_json), "example") != SOC2_OK ||
        soc2_engine_add_callback_rule(engine, &spec, has_tags, NULL) != SOC2_OK ||
        soc2_snapshot_new(&snapshot) != SOC2_OK ||
        soc2_snapshot_load_buffer(snapshot, template_json, strlen(template_json), "template.json",
                                  SOC2_FORMAT_CLOUDFORMATION) != SOC2_OK ||
        soc2_evaluate(&report, engine, snapshot, NULL) != SOC2_OK ||
        soc2_finding_iterator_new(&it, report) != SOC2_OK) {
        fprintf(stderr, "custom_rule: %s\n", soc2_error_last()->message);
        goto done;
    }

    const soc2_finding *f;
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK)
        printf("%-20s %-8s %-8s %s\n", soc2_finding_rule_id(f), soc2_finding_resource_address(f),
               soc2_finding_status_name(soc2_finding_status_of(f)), soc2_finding_message(f));
    status = 0;

done:
    soc2_finding_iterator_free(it);
    soc2_report_free(report);
    soc2_snapshot_free(snapshot);
    soc2_engine_free(engine);
    return status;
}
