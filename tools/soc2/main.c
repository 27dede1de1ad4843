/* soc2: evaluate cloud infrastructure configuration against SOC 2 rules from
 * the command line. This file dispatches on the command, and each command
 * parses its own options. */
#include <string.h>

#include "cli.h"

static int is_help_option(const char *argument)
{
    return strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0;
}

static int print_version(void)
{
    printf("soc2 %s\n", soc2_version());
    return finish_output(stdout, "standard output") == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
}

/* Prints the main usage, or the usage of the command named after `help`. */
static int print_help(int argc, char **argv)
{
    if (argc < 2 || is_help_option(argv[1])) {
        print_main_usage(stdout);
    } else if (strcmp(argv[1], "scan") == 0) {
        print_scan_usage(stdout);
    } else if (strcmp(argv[1], "rules") == 0) {
        print_rules_usage(stdout);
    } else if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "help") == 0) {
        print_main_usage(stdout);
    } else {
        fprintf(stderr, "soc2 help: unknown command '%s'; commands are scan, rules, version "
                        "and help\n",
                argv[1]);
        return CLI_EXIT_BAD_INPUT;
    }
    return finish_output(stdout, "standard output") == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_usage(stderr);
        return CLI_EXIT_BAD_INPUT;
    }

    const char *command = argv[1];
    if (strcmp(command, "scan") == 0)
        return run_scan(argc - 1, argv + 1);
    if (strcmp(command, "rules") == 0)
        return run_rules(argc - 1, argv + 1);
    if (strcmp(command, "help") == 0 || is_help_option(command))
        return print_help(argc - 1, argv + 1);

    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "soc2 version: unexpected argument '%s'\n", argv[2]);
            return CLI_EXIT_BAD_INPUT;
        }
        return print_version();
    }

    if (command[0] == '-')
        fprintf(stderr, "soc2: unrecognized option '%s'\n", command);
    else
        fprintf(stderr, "soc2: unknown command '%s'\n", command);
    fputs("Run 'soc2 --help' for usage.\n", stderr);
    return CLI_EXIT_BAD_INPUT;
}
