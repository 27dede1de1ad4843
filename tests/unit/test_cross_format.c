/* One misconfiguration in every input format. Each folder
 * tests/data/cross-format/<rule-id>/ writes the same infrastructure as a
 * Terraform plan, a Terraform state, a CloudFormation template in JSON and
 * in YAML, and an AWS Config snapshot. Its expected.json lists the
 * findings each file must give: the resource, the status, and the lines of
 * the resource and of the value that decided. Every file is loaded into a
 * snapshot of its own, so no format borrows a resource from another.
 * tests/data/cross-format/README.md describes the layout. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <soc2/soc2.h>

#include "harness.h"

#define ROOT "cross-format"

/* The rule folders, found when the suite is made. */
static char **rule_names;
static size_t rule_count;
static TTest *rule_tests;

/* The formats every folder must cover. A CloudFormation template must come
 * both as JSON and as YAML; the extension distinguishes them. */
static const struct {
    const char *format;
    const char *extension; /* NULL: any */
} required_inputs[] = {
    {"terraform-plan", NULL},  {"terraform-state", NULL}, {"cloudformation", ".json"},
    {"cloudformation", ".yaml"}, {"aws-config", NULL},
};
#define REQUIRED_COUNT (sizeof(required_inputs) / sizeof(required_inputs[0]))

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcmp(name + n - k, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the names in `folder` (relative to tests/data) that are folders
 * (want_dirs) or plain files, sorted. Aborts when memory runs out, because
 * it also runs while the suite is made, outside any test. */
static size_t list_folder(const char *folder, int want_dirs, char ***out)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", data_path(folder));
    char **names = NULL;
    size_t count = 0;
    DIR *dir = opendir(path);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char child[8192];
        struct stat st;
        snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
        if (stat(child, &st) != 0 || (S_ISDIR(st.st_mode) != 0) != (want_dirs != 0))
            continue;
        char **grown = realloc(names, (count + 1) * sizeof(*names));
        if (!grown || !(grown[count] = strdup(entry->d_name)))
            abort();
        names = grown;
        count++;
    }
    if (dir)
        closedir(dir);
    if (count)
        qsort(names, count, sizeof(*names), compare_names);
    *out = names;
    return count;
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Finds the finding of `rule` on `resource`, or NULL. */
static const soc2_finding *find_finding(const soc2_report *report, const char *rule,
                                        const char *resource)
{
    soc2_finding_iterator *it;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    const soc2_finding *f, *found = NULL;
    while (!found && soc2_finding_iterator_next(&f, it) == SOC2_OK)
        if (strcmp(soc2_finding_rule_id(f), rule) == 0 &&
            strcmp(soc2_finding_resource_address(f), resource) == 0)
            found = f;
    soc2_finding_iterator_free(it);
    return found;
}

/* Returns the expected line of `member`, or 0 when the expectation gives
 * null: the finding has no such place. */
static int expected_line(const json_t *expected, const char *member, const char *where)
{
    const json_t *value = json_object_get(expected, member);
    ck_assert_msg(json_is_integer(value) || json_is_null(value),
                  "%s: \"%s\" must be a line number or null", where, member);
    return json_is_integer(value) ? (int)json_integer_value(value) : 0;
}

/* Checks one place of a finding: `rc` and `line` are what the location
 * function gave, `want` the expected line or 0 for none. */
static void check_line(int rc, int line, int want, const char *what, const char *where)
{
    if (want == 0) {
        ck_assert_msg(rc == SOC2_ENOTFOUND, "%s: %s has a location, line %d, expected none",
                      where, what, line);
        return;
    }
    ck_assert_msg(rc == SOC2_OK, "%s: %s has no location, expected line %d", where, what, want);
    ck_assert_msg(line == want, "%s: %s is on line %d, expected %d", where, what, line, want);
}

/* Checks one expected finding of one input. */
static void check_finding(const soc2_report *report, const char *rule, const char *input,
                          const json_t *expected)
{
    const char *resource = json_string_value(json_object_get(expected, "resource"));
    const char *status = json_string_value(json_object_get(expected, "status"));
    ck_assert_msg(resource && status, "%s/%s: a finding needs \"resource\" and \"status\"", rule,
                  input);
    char where[512];
    snprintf(where, sizeof(where), "%s/%s, %s", rule, input, resource);

    const soc2_finding *f = find_finding(report, rule, resource);
    ck_assert_msg(f, "%s: no finding of the rule on this resource", where);
    const char *actual = soc2_finding_status_name(soc2_finding_status_of(f));
    ck_assert_msg(strcmp(actual, status) == 0, "%s: status %s, expected %s (%s)", where, actual,
                  status, soc2_finding_message(f));

    const char *file = soc2_finding_file(f);
    char tail[256];
    snprintf(tail, sizeof(tail), "/%s", input);
    ck_assert_msg(file && has_suffix(file, tail), "%s: file %s", where, file ? file : "(none)");

    char what[256];
    snprintf(what, sizeof(what), "the value that decided (path %s)", soc2_finding_path(f));
    int line = 0, column = 0;
    int rc = soc2_finding_location(f, &line, &column);
    check_line(rc, line, expected_line(expected, "line", where), what, where);
    if (rc == SOC2_OK)
        ck_assert_int_ge(column, 1);

    rc = soc2_finding_resource_location(f, &line, NULL);
    check_line(rc, line, expected_line(expected, "resource_line", where), "the resource", where);
}

/* Loads one input alone and checks its findings. Returns the detected
 * format; marks whether a finding failed in *failed. */
static soc2_format check_input(soc2_engine *engine, const char *rule, const char *input,
                               const json_t *findings, int *failed)
{
    char relative[1024];
    snprintf(relative, sizeof(relative), ROOT "/%s/%s", rule, input);
    soc2_snapshot *snapshot;
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), SOC2_OK);
    int rc = soc2_snapshot_load_file(snapshot, data_path(relative), SOC2_FORMAT_AUTO);
    ck_assert_msg(rc == SOC2_OK, "%s/%s: %s", rule, input, soc2_error_last()->message);
    soc2_format format;
    ck_assert_int_eq(soc2_snapshot_document(snapshot, 0, NULL, &format), SOC2_OK);

    const char *ids[] = {rule};
    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = ids;
    options.rule_id_count = 1;
    soc2_report *report;
    ck_assert_int_eq(soc2_evaluate(&report, engine, snapshot, &options), SOC2_OK);

    ck_assert_msg(json_is_array(findings) && json_array_size(findings) > 0,
                  "%s/%s: the expectation must list findings", rule, input);
    size_t i;
    json_t *expected;
    json_array_foreach(findings, i, expected) {
        check_finding(report, rule, input, expected);
        if (strcmp(json_string_value(json_object_get(expected, "status")), "fail") == 0)
            *failed = 1;
    }
    soc2_report_free(report);
    soc2_snapshot_free(snapshot);
    return format;
}

static void run_rule(int index)
{
    const char *rule = rule_names[index];
    char relative[1024];
    snprintf(relative, sizeof(relative), ROOT "/%s/expected.json", rule);
    json_error_t error;
    json_t *manifest = json_load_file(data_path(relative), 0, &error);
    ck_assert_msg(manifest, "%s: line %d: %s", relative, error.line, error.text);
    ck_assert_msg(json_is_string(json_object_get(manifest, "about")), "%s: needs \"about\"",
                  relative);
    const json_t *inputs = json_object_get(manifest, "inputs");
    ck_assert_msg(json_is_object(inputs), "%s: needs an \"inputs\" object", relative);

    /* Every file of the folder is an input the expectation covers. */
    char **files;
    snprintf(relative, sizeof(relative), ROOT "/%s", rule);
    size_t file_count = list_folder(relative, 0, &files);
    for (size_t i = 0; i < file_count; i++)
        ck_assert_msg(strcmp(files[i], "expected.json") == 0 ||
                          json_object_get(inputs, files[i]),
                      "%s: %s has no expectation", rule, files[i]);
    free_names(files, file_count);

    soc2_engine *engine;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);

    int covered[REQUIRED_COUNT] = {0};
    const char *input;
    json_t *findings;
    json_object_foreach((json_t *)inputs, input, findings) {
        int failed = 0;
        soc2_format format = check_input(engine, rule, input, findings, &failed);
        ck_assert_msg(failed, "%s/%s: no finding fails", rule, input);
        for (size_t k = 0; k < REQUIRED_COUNT; k++)
            if (strcmp(soc2_format_name(format), required_inputs[k].format) == 0 &&
                (!required_inputs[k].extension || has_suffix(input, required_inputs[k].extension)))
                covered[k] = 1;
    }
    for (size_t k = 0; k < REQUIRED_COUNT; k++)
        ck_assert_msg(covered[k], "%s: no input in format %s%s%s", rule,
                      required_inputs[k].format, required_inputs[k].extension ? " as " : "",
                      required_inputs[k].extension ? required_inputs[k].extension : "");

    soc2_engine_free(engine);
    json_decref(manifest);
}

/* Every rule of the built-in pack has a folder. */
START_TEST(every_builtin_rule_covered)
{
    soc2_engine *engine;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);
    soc2_rule_iterator *it;
    ck_assert_int_eq(soc2_rule_iterator_new(&it, engine), SOC2_OK);
    const soc2_rule *rule;
    while (soc2_rule_iterator_next(&rule, it) == SOC2_OK) {
        const char *id = soc2_rule_id(rule);
        int found = 0;
        for (size_t k = 0; k < rule_count && !found; k++)
            found = strcmp(rule_names[k], id) == 0;
        ck_assert_msg(found, "%s has no folder under tests/data/" ROOT, id);
    }
    soc2_rule_iterator_free(it);
    soc2_engine_free(engine);
}
END_TEST

START_TEST(rule_folder)
{
    run_rule(_i);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("cross_format");
    TCase *tc = tcase_create("cross_format");
    tcase_add_test(tc, every_builtin_rule_covered);

    rule_count = list_folder(ROOT, 1, &rule_names);
    rule_tests = calloc(rule_count ? rule_count : 1, sizeof(*rule_tests));
    if (!rule_tests)
        abort();
    /* One test per folder, named after it. */
    for (size_t i = 0; i < rule_count; i++) {
        rule_tests[i] = *rule_folder;
        rule_tests[i].name = rule_names[i];
        tcase_add_loop_test(tc, &rule_tests[i], (int)i, (int)i + 1);
    }
    suite_add_tcase(s, tc);
    return s;
}
