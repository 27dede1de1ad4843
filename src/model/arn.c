/* Matching ARNs written as text to resources whose own ARN is not known.
 * A plan or a template contains a topic's name but not its ARN, which AWS
 * builds from the region, the account and the name. A literal ARN such as
 * "arn:aws:sns:us-east-1:111122223333:alarms" then names the topic
 * "alarms" of the same input, unless the region or the account differ,
 * which the input cannot tell. Such a match is made as an ambiguous edge,
 * so that what depends on it is unknown rather than failed. */
#include <string.h>

#include "model.h"

/* The part of a resource's ARN that its name decides: the ARN's service,
 * then its resource part up to the name ("sns:" + name, "iam:role" + path +
 * name). */
static const struct {
    const char *type;
    const char *service;
    const char *resource_prefix; /* before the name in the resource part */
    const char *name_attribute;
    int has_path; /* IAM: the resource's `path` ("/" when unset) comes first */
} derivable[] = {
    {"aws_sns_topic", "sns", "", "name", 0},
    {"aws_sqs_queue", "sqs", "", "name", 0},
    {"aws_cloudwatch_log_group", "logs", "log-group:", "name", 0},
    {"aws_s3_bucket", "s3", "", "bucket", 0},
    {"aws_dynamodb_table", "dynamodb", "table/", "name", 0},
    {"aws_cloudtrail", "cloudtrail", "trail/", "name", 0},
    {"aws_kms_alias", "kms", "", "name", 0},
    {"aws_iam_role", "iam", "role", "name", 1},
    {"aws_iam_user", "iam", "user", "name", 1},
    {"aws_iam_group", "iam", "group", "name", 1},
    {"aws_iam_policy", "iam", "policy", "name", 1},
};

int arn_key_of_resource(const soc2_resource *r, strbuf *key)
{
    if (json_is_string(json_object_get(r->attrs, "arn")))
        return 0;
    for (size_t i = 0; i < sizeof(derivable) / sizeof(derivable[0]); i++) {
        if (strcmp(derivable[i].type, r->type) != 0)
            continue;
        const char *name = json_string_value(json_object_get(r->attrs,
                                                             derivable[i].name_attribute));
        if (!name || !*name)
            return 0;
        sb_reset(key);
        sb_puts(key, derivable[i].service);
        sb_putc(key, ':');
        sb_puts(key, derivable[i].resource_prefix);
        if (derivable[i].has_path) {
            const char *path = json_string_value(json_object_get(r->attrs, "path"));
            sb_puts(key, path && *path ? path : "/");
        }
        sb_puts(key, name);
        return key->failed ? -1 : 1;
    }
    return 0;
}

int arn_key_of_text(const char *text, strbuf *key)
{
    /* arn:partition:service:region:account:resource */
    if (strncmp(text, "arn:", 4) != 0)
        return 0;
    const char *field = text + 4;
    const char *service = NULL;
    for (int i = 0; i < 4; i++) {
        const char *colon = strchr(field, ':');
        if (!colon)
            return 0;
        if (i == 1)
            service = field;
        field = colon + 1;
    }
    size_t service_length = (size_t)(strchr(service, ':') - service);
    size_t resource_length = strlen(field);
    /* A log group's ARN may end in ":*", which names the same group. */
    if (resource_length > 2 && strcmp(field + resource_length - 2, ":*") == 0)
        resource_length -= 2;
    if (service_length == 0 || resource_length == 0)
        return 0;
    sb_reset(key);
    sb_append(key, service, service_length);
    sb_putc(key, ':');
    sb_append(key, field, resource_length);
    return key->failed ? -1 : 1;
}
