/* Command-line options of `soc2 scan` and `soc2 rules`, and the usage texts.
 *
 * Options are parsed with getopt_long, so they may come before or after the
 * paths, take their value as `--format json` or `--format=json`, and be
 * abbreviated to any unambiguous prefix. getopt_long prints its own messages
 * for unrecognized options and missing values; this file adds a hint to run
 * --help. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Values of the options that have no one-letter form. */
enum {
    OPT_RULES = 256,
    OPT_NO_BUILTIN,
    OPT_RULE,
    OPT_INPUT_FORMAT,
    OPT_TITLE
};

int string_list_append(string_list *list, const char *item)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        const char **items = realloc(list->items, capacity * sizeof(*items));
        if (!items)
            return -1;
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = item;
    return 0;
}

int string_list_contains(const string_list *list, const char *item)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], item) == 0)
            return 1;
    return 0;
}

void string_list_free(string_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->capacity = 0;
}

void print_main_usage(FILE *stream)
{
    fputs("Usage: soc2 COMMAND [OPTION]... [ARGUMENT]...\n"
          "\n"
          "Evaluate cloud infrastructure configuration (Terraform plans and state,\n"
          "CloudFormation templates, AWS Config snapshots) against SOC 2 rules.\n"
          "\n"
          "Commands:\n"
          "  scan PATH...      evaluate the rules against the files and folders named\n"
          "  rules             list the rules of the catalog\n"
          "  version           print the program version\n"
          "  help [COMMAND]    print this help, or the help of COMMAND\n"
          "\n"
          "Options without a command:\n"
          "  -h, --help        print this help\n"
          "      --version     print the program version\n"
          "\n"
          "Run 'soc2 COMMAND --help' for the options of a command.\n"
          "\n"
          "Exit status: 0 when no finding failed, 1 when at least one finding failed,\n"
          "2 when the command line, an input file or a rule file is invalid.\n",
          stream);
}

void print_scan_usage(FILE *stream)
{
    fputs("Usage: soc2 scan [OPTION]... PATH...\n"
          "\n"
          "Load every PATH, evaluate the rules against its resources and report the\n"
          "findings. A PATH is a file, or a folder searched recursively for files\n"
          "ending in .json, .template, .yaml, .yml or .tfstate (hidden entries and\n"
          "symbolic links to folders are skipped). A file in a folder that is of no\n"
          "supported format is skipped with a note; the same file named as a PATH\n"
          "is an error.\n"
          "\n"
          "Options:\n"
          "  -f, --format FORMAT        report format: text (default, for a person),\n"
          "                             json (the complete record), sarif (code\n"
          "                             scanning), junit (CI), csv (spreadsheets) or\n"
          "                             html (a self-contained page for auditors)\n"
          "  -o, --output FILE          write the report to FILE instead of standard\n"
          "                             output; FILE is replaced\n"
          "      --title TEXT           title and heading of the HTML report (default\n"
          "                             \"SOC 2 compliance report\"); needs --format html\n"
          "      --rules FILE           add the declarative rules in FILE; repeatable\n"
          "      --no-builtin           leave out the built-in rule pack\n"
          "      --rule ID              evaluate only the rule ID; repeatable\n"
          "      --input-format FORMAT  format of the inputs: auto (default, detected\n"
          "                             from the content), terraform-plan,\n"
          "                             terraform-state, cloudformation (JSON or\n"
          "                             YAML), aws-config or native\n"
          "  -v, --verbose              also list passing findings in the text report\n"
          "  -h, --help                 print this help\n"
          "\n"
          "Exit status: 0 when no finding failed, 1 when at least one finding failed,\n"
          "2 when the command line, an input file or a rule file is invalid (even if\n"
          "other files produced failed findings).\n",
          stream);
}

void print_rules_usage(FILE *stream)
{
    fputs("Usage: soc2 rules [OPTION]...\n"
          "\n"
          "List the rules of the catalog: ID, severity, title, resource types and the\n"
          "controls of each framework the rule supports.\n"
          "\n"
          "Options:\n"
          "  -f, --format FORMAT  listing format: text (default) or json\n"
          "      --rules FILE     add the declarative rules in FILE; repeatable\n"
          "      --no-builtin     leave out the built-in rule pack\n"
          "  -h, --help           print this help\n"
          "\n"
          "Exit status: 0 on success, 2 when the command line or a rule file is\n"
          "invalid.\n",
          stream);
}

static void print_usage_hint(const char *command)
{
    fprintf(stderr, "Run 'soc2 %s --help' for usage.\n", command);
}

/* Parses --format. `report_formats` is nonzero where every report format
 * is allowed (scan); otherwise only text and json are (rules). */
static int parse_output_format(soc2_output_format *out, const char *command, const char *value,
                               int report_formats)
{
    soc2_output_format format;
    if (soc2_output_format_from_name(&format, value) == SOC2_OK &&
        (report_formats || format == SOC2_OUTPUT_TEXT || format == SOC2_OUTPUT_JSON)) {
        *out = format;
        return 0;
    }
    fprintf(stderr, "soc2 %s: invalid format '%s'; expected %s\n", command, value,
            report_formats ? "text, json, sarif, junit, csv or html" : "text or json");
    return -1;
}

static int parse_input_format(soc2_format *out, const char *value)
{
    if (soc2_format_from_name(out, value) == SOC2_OK)
        return 0;
    fprintf(stderr,
            "soc2 scan: invalid input format '%s'; expected auto, terraform-plan, "
            "terraform-state, cloudformation, aws-config or native\n",
            value);
    return -1;
}

static int report_out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", program_name);
    return -1;
}

/* getopt_long prefixes its messages with argv[0]; naming the command there
 * makes them read "soc2 scan: unrecognized option '--x'". */
static char scan_label[] = "soc2 scan";
static char rules_label[] = "soc2 rules";

parse_result parse_scan_options(scan_options *options, int argc, char **argv)
{
    static const struct option long_options[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"rules", required_argument, NULL, OPT_RULES},
        {"no-builtin", no_argument, NULL, OPT_NO_BUILTIN},
        {"rule", required_argument, NULL, OPT_RULE},
        {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
        {"title", required_argument, NULL, OPT_TITLE},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };

    memset(options, 0, sizeof(*options));
    options->format = SOC2_OUTPUT_TEXT;
    options->input_format = SOC2_FORMAT_AUTO;
    argv[0] = scan_label;

    int option;
    while ((option = getopt_long(argc, argv, "f:o:vh", long_options, NULL)) != -1) {
        int failed = 0;
        switch (option) {
        case 'f':
            failed = parse_output_format(&options->format, "scan", optarg, 1);
            break;
        case 'o':
            options->output_path = optarg;
            break;
        case OPT_RULES:
            if (string_list_append(&options->rule_files, optarg) < 0)
                failed = report_out_of_memory();
            break;
        case OPT_NO_BUILTIN:
            options->no_builtin = 1;
            break;
        case OPT_RULE:
            /* A repeated ID is kept once, so it is evaluated once. */
            if (!string_list_contains(&options->rule_ids, optarg) &&
                string_list_append(&options->rule_ids, optarg) < 0)
                failed = report_out_of_memory();
            break;
        case OPT_INPUT_FORMAT:
            failed = parse_input_format(&options->input_format, optarg);
            break;
        case OPT_TITLE:
            options->title = optarg;
            break;
        case 'v':
            options->verbose = 1;
            break;
        case 'h':
            print_scan_usage(stdout);
            return PARSE_HELP_SHOWN;
        default:
            /* getopt_long has already printed the error. */
            failed = -1;
            break;
        }
        if (failed) {
            print_usage_hint("scan");
            return PARSE_USAGE_ERROR;
        }
    }

    for (int i = optind; i < argc; i++)
        if (string_list_append(&options->paths, argv[i]) < 0) {
            report_out_of_memory();
            return PARSE_USAGE_ERROR;
        }
    if (options->paths.count == 0) {
        fputs("soc2 scan: missing PATH; name at least one file or folder to scan\n", stderr);
        print_usage_hint("scan");
        return PARSE_USAGE_ERROR;
    }
    /* Only the HTML report has a title; ignoring the option would hide a
     * mistaken --format. */
    if (options->title && options->format != SOC2_OUTPUT_HTML) {
        fputs("soc2 scan: --title sets the title of the HTML report; add --format html\n",
              stderr);
        print_usage_hint("scan");
        return PARSE_USAGE_ERROR;
    }
    return PARSE_OK;
}

parse_result parse_rules_options(rules_options *options, int argc, char **argv)
{
    static const struct option long_options[] = {
        {"format", required_argument, NULL, 'f'},
        {"rules", required_argument, NULL, OPT_RULES},
        {"no-builtin", no_argument, NULL, OPT_NO_BUILTIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };

    memset(options, 0, sizeof(*options));
    options->format = SOC2_OUTPUT_TEXT;
    argv[0] = rules_label;

    int option;
    while ((option = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
        int failed = 0;
        switch (option) {
        case 'f':
            failed = parse_output_format(&options->format, "rules", optarg, 0);
            break;
        case OPT_RULES:
            if (string_list_append(&options->rule_files, optarg) < 0)
                failed = report_out_of_memory();
            break;
        case OPT_NO_BUILTIN:
            options->no_builtin = 1;
            break;
        case 'h':
            print_rules_usage(stdout);
            return PARSE_HELP_SHOWN;
        default:
            failed = -1;
            break;
        }
        if (failed) {
            print_usage_hint("rules");
            return PARSE_USAGE_ERROR;
        }
    }

    if (optind < argc) {
        fprintf(stderr, "soc2 rules: unexpected argument '%s'; the command takes no PATH\n",
                argv[optind]);
        print_usage_hint("rules");
        return PARSE_USAGE_ERROR;
    }
    return PARSE_OK;
}

void scan_options_free(scan_options *options)
{
    string_list_free(&options->rule_files);
    string_list_free(&options->rule_ids);
    string_list_free(&options->paths);
}

void rules_options_free(rules_options *options)
{
    string_list_free(&options->rule_files);
}
