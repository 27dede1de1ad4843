/* Scans the files named on the command line with the built-in rules and
 * prints every failed finding with its SOC 2 criteria. Exits 1 when a rule
 * failed, 2 when an input could not be loaded.
 *
 * Build against an installed libsoc2:
 *     cc scan.c $(pkg-config --cflags --libs soc2) -o scan
 */
#include <stdio.h>

#include <soc2/soc2.h>

static void print_error(const char *what)
{
    const soc2_error *err = soc2_error_last();
    if (err->file && err->line)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", err->file, err->line, err->column, what,
                err->message);
    else if (err->file)
        fprintf(stderr, "%s: %s: %s\n", err->file, what, err->message);
    else
        fprintf(stderr, "%s: %s\n", what, err->message);
}

static void print_criteria(const soc2_finding *finding)
{
    soc2_control_iterator *controls;
    const char *control;
    if (soc2_control_iterator_new(&controls, soc2_finding_rule(finding), "SOC2") != SOC2_OK)
        return;
    printf("    SOC 2:");
    while (soc2_control_iterator_next(NULL, &control, controls) == SOC2_OK)
        printf(" %s", control);
    printf("\n");
    soc2_control_iterator_free(controls);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }

    soc2_engine *engine = NULL;
    soc2_snapshot *snapshot = NULL;
    soc2_report *report = NULL;
    soc2_finding_iterator *findings = NULL;
    int status = 0;

    if (soc2_engine_new(&engine) != SOC2_OK || soc2_engine_add_builtin_rules(engine) != SOC2_OK ||
        soc2_snapshot_new(&snapshot) != SOC2_OK) {
        print_error("setup failed");
        status = 2;
        goto done;
    }

    for (int i = 1; i < argc; i++) {
        if (soc2_snapshot_load_file(snapshot, argv[i], SOC2_FORMAT_AUTO) != SOC2_OK) {
            print_error("error");
            status = 2;
        }
    }

    if (soc2_evaluate(&report, engine, snapshot, NULL) != SOC2_OK ||
        soc2_finding_iterator_new(&findings, report) != SOC2_OK) {
        print_error("evaluation failed");
        status = 2;
        goto done;
    }

    const soc2_finding *finding;
    while (soc2_finding_iterator_next(&finding, findings) == SOC2_OK) {
        if (soc2_finding_status_of(finding) != SOC2_FINDING_FAIL)
            continue;
        printf("%s %s [%s]\n    %s\n", soc2_finding_rule_id(finding),
               soc2_finding_resource_address(finding),
               soc2_severity_name(soc2_finding_severity(finding)),
               soc2_finding_message(finding));
        print_criteria(finding);
        if (status == 0)
            status = 1;
    }
    printf("%zu findings, %zu failed (libsoc2 %s)\n", soc2_report_finding_count(report),
           soc2_report_count(report, SOC2_FINDING_FAIL), soc2_version());

done:
    soc2_finding_iterator_free(findings);
    soc2_report_free(report);
    soc2_snapshot_free(snapshot);
    soc2_engine_free(engine);
    return status;
}
