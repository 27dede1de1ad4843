/* Building the engine from the built-in pack and rule files, and the
 * `soc2 rules` command that lists its catalog. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Creates an engine with the built-in pack (unless `no_builtin`) and the
 * rules of each file. Every invalid rule file is reported, not only the
 * first. Returns 0, or -1 with the errors printed and *out NULL. */
int open_engine(soc2_engine **out, const string_list *rule_files, int no_builtin)
{
    soc2_engine *engine = NULL;
    *out = NULL;

    if (soc2_engine_new(&engine) != SOC2_OK) {
        print_library_error(NULL);
        return -1;
    }
    if (!no_builtin && soc2_engine_add_builtin_rules(engine) != SOC2_OK) {
        print_library_error(NULL);
        soc2_engine_free(engine);
        return -1;
    }

    int failed = 0;
    for (size_t i = 0; i < rule_files->count; i++) {
        if (soc2_engine_add_rules_file(engine, rule_files->items[i]) != SOC2_OK) {
            print_library_error(rule_files->items[i]);
            failed = 1;
        }
    }
    if (failed) {
        soc2_engine_free(engine);
        return -1;
    }

    *out = engine;
    return 0;
}

static void print_resource_types(FILE *stream, const soc2_rule *rule)
{
    size_t count = soc2_rule_resource_type_count(rule);
    if (count == 0)
        return;
    fputs("  resource types:", stream);
    for (size_t i = 0; i < count; i++)
        fprintf(stream, "%s %s", i ? "," : "", soc2_rule_resource_type(rule, i));
    fputc('\n', stream);
}

/* Prints "controls: SOC2 CC6.1, CC6.6; CIS-AWS 5.2", one framework after
 * another in the order the rule's mapping lists them. */
static int print_controls(FILE *stream, const soc2_rule *rule)
{
    soc2_control_iterator *iterator;
    if (soc2_control_iterator_new(&iterator, rule, NULL) != SOC2_OK) {
        print_library_error(NULL);
        return -1;
    }

    const char *framework;
    const char *control;
    const char *current_framework = NULL;
    while (soc2_control_iterator_next(&framework, &control, iterator) == SOC2_OK) {
        if (!current_framework)
            fprintf(stream, "  controls: %s %s", framework, control);
        else if (strcmp(current_framework, framework) != 0)
            fprintf(stream, "; %s %s", framework, control);
        else
            fprintf(stream, ", %s", control);
        current_framework = framework;
    }
    if (current_framework)
        fputc('\n', stream);

    soc2_control_iterator_free(iterator);
    return 0;
}

static int print_rule(FILE *stream, const soc2_rule *rule)
{
    fprintf(stream, "%s  %s\n", soc2_rule_id(rule),
            soc2_severity_name(soc2_rule_severity(rule)));
    fputs("  ", stream);
    put_escaped(stream, soc2_rule_title(rule));
    fputc('\n', stream);
    if (soc2_rule_scope_of(rule) == SOC2_SCOPE_ACCOUNT)
        fputs("  scope: account (evaluated once over all resources)\n", stream);
    print_resource_types(stream, rule);
    if (print_controls(stream, rule) < 0)
        return -1;
    if (soc2_rule_origin_of(rule) == SOC2_RULE_DECLARATIVE) {
        fputs("  source: ", stream);
        put_escaped(stream, soc2_rule_source(rule));
        fputc('\n', stream);
    }
    return 0;
}

static int print_catalog_text(FILE *stream, const soc2_engine *engine)
{
    soc2_rule_iterator *iterator;
    if (soc2_rule_iterator_new(&iterator, engine) != SOC2_OK) {
        print_library_error(NULL);
        return -1;
    }

    const soc2_rule *rule;
    int rc = 0;
    size_t count = 0;
    while (rc == 0 && soc2_rule_iterator_next(&rule, iterator) == SOC2_OK) {
        if (count > 0)
            fputc('\n', stream);
        rc = print_rule(stream, rule);
        count++;
    }
    soc2_rule_iterator_free(iterator);

    if (rc == 0)
        fprintf(stream, "%s%zu %s\n", count ? "\n" : "", count, count == 1 ? "rule" : "rules");
    return rc;
}

int run_rules(int argc, char **argv)
{
    rules_options options;
    parse_result parsed = parse_rules_options(&options, argc, argv);
    if (parsed != PARSE_OK) {
        rules_options_free(&options);
        return parsed == PARSE_HELP_SHOWN ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
    }

    soc2_engine *engine;
    if (open_engine(&engine, &options.rule_files, options.no_builtin) < 0) {
        rules_options_free(&options);
        return CLI_EXIT_BAD_INPUT;
    }

    int rc;
    if (options.format == SOC2_OUTPUT_JSON) {
        rc = soc2_engine_write_rules(engine, SOC2_OUTPUT_JSON, write_to_stream, stdout);
        if (rc != SOC2_OK && rc != SOC2_EUSER)
            print_library_error(NULL);
        rc = rc == SOC2_OK ? 0 : -1;
    } else {
        rc = print_catalog_text(stdout, engine);
    }
    /* A failed write is reported here, with the reason when stdio has it. */
    if (finish_output(stdout, "standard output") < 0)
        rc = -1;

    soc2_engine_free(engine);
    rules_options_free(&options);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
}
