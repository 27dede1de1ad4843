/* Data files compiled into the library by build-aux/embed.py. */
#ifndef SOC2_UTIL_EMBEDDED_H
#define SOC2_UTIL_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* base name, such as "iam.json"; NULL ends a table */
    const char *data; /* NUL-terminated contents */
    size_t length;
};

/* The built-in rule pack (src/rules/pack/ *.json). */
extern const struct embedded_file soc2_builtin_rule_files[];
/* The framework control mappings (src/rules/frameworks/ *.json). */
extern const struct embedded_file soc2_builtin_framework_files[];
/* The CloudFormation-to-canonical mapping (src/load/mappings/ *.json). */
extern const struct embedded_file soc2_cfn_mapping_files[];
/* The AWS Config-to-canonical mapping (src/load/mappings/aws-config.json). */
extern const struct embedded_file soc2_awsconfig_mapping_files[];
/* The style sheet and script of the HTML report (src/report/html/), and the
 * Content-Security-Policy hash source of each, in the same order. */
extern const struct embedded_file soc2_html_asset_files[];
extern const char *const soc2_html_asset_files_csp_hashes[];

#endif
