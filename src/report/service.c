/* The AWS service of a finding, for the reports that count failures by
 * service. Canonical types follow the Terraform AWS provider, whose names
 * mostly start with the service (aws_s3_bucket, aws_iam_role). The table
 * lists the types that do not. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "writer_internal.h"

static const struct {
    const char *prefix;
    const char *service;
} prefixes[] = {
    {"aws_security_group", "ec2"},
    {"aws_vpc_security_group_", "ec2"},
    {"aws_default_security_group", "ec2"},
    {"aws_network_acl", "ec2"},
    {"aws_network_interface", "ec2"},
    {"aws_instance", "ec2"},
    {"aws_launch_template", "ec2"},
    {"aws_ebs_", "ec2"},
    {"aws_eip", "ec2"},
    {"aws_ami", "ec2"},
    {"aws_vpc", "vpc"},
    {"aws_default_vpc", "vpc"},
    {"aws_subnet", "vpc"},
    {"aws_flow_log", "vpc"},
    {"aws_route", "vpc"},
    {"aws_internet_gateway", "vpc"},
    {"aws_nat_gateway", "vpc"},
    {"aws_lb", "elb"},
    {"aws_alb", "elb"},
    {"aws_elb", "elb"},
    {"aws_cloudwatch_log_", "logs"},
    {"aws_db_", "rds"},
    {"aws_rds_", "rds"},
    {"aws_account", "account"},
};

/* Copies the first `length` bytes of `text` into `buffer`, in lower case. */
static const char *lower_copy(const char *text, size_t length, char *buffer, size_t size)
{
    if (length >= size)
        length = size - 1;
    for (size_t i = 0; i < length; i++)
        buffer[i] = (char)tolower((unsigned char)text[i]);
    buffer[length] = '\0';
    return buffer;
}

/* Returns whether `type` is `prefix` or starts with it and an underscore;
 * a prefix that ends in an underscore needs only to start the type. */
static int has_prefix(const char *type, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(type, prefix, n) != 0)
        return 0;
    return prefix[n - 1] == '_' || type[n] == '\0' || type[n] == '_';
}

static const char *type_service(const char *type, char *buffer, size_t size)
{
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (has_prefix(type, prefixes[i].prefix))
            return prefixes[i].service;

    /* aws_<service>_<thing> */
    if (strncmp(type, "aws_", 4) == 0 && type[4] != '\0') {
        const char *end = strchr(type + 4, '_');
        return lower_copy(type + 4, end ? (size_t)(end - type - 4) : strlen(type + 4), buffer,
                          size);
    }

    /* A type passed through from its input: AWS::<Service>::<Thing>. */
    if (strncmp(type, "AWS::", 5) == 0) {
        const char *end = strstr(type + 5, "::");
        if (end && end > type + 5)
            return lower_copy(type + 5, (size_t)(end - type - 5), buffer, size);
    }
    return "other";
}

const char *finding_service(const soc2_finding *finding, char *buffer, size_t size)
{
    if (finding->resource)
        return type_service(finding->resource->type, buffer, size);

    /* An account-scope finding: the service its rule ID names
     * ("aws-cloudwatch-..."), or that of the rule's first resource type. */
    const char *id = finding->rule->id;
    if (strncmp(id, "aws-", 4) == 0 && strchr(id + 4, '-'))
        return lower_copy(id + 4, (size_t)(strchr(id + 4, '-') - id - 4), buffer, size);
    if (finding->rule->type_count > 0)
        return type_service(finding->rule->types[0], buffer, size);
    return "other";
}
