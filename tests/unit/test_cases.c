/* Data-driven rule cases. Every folder tests/data/cases/<rule-id>/<case>/
 * contains input documents (*.json, *.yaml and *.yml, loaded in sorted
 * order with format detection) and an expected.json naming the findings the built-in rules
 * must produce, or the load error the inputs must raise.
 * tests/data/cases/README.md describes the format. Each case runs as its own
 * Check test, named after its folder. Setting SOC2_CASE runs only the cases
 * whose "<rule-id>/<case>" contains its value. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <soc2/soc2.h>

#include "harness.h"

#define PATH_SIZE 4096

/* The cases found when the suite is made: "<rule-id>/<case>" each. */
static char **case_names;
static size_t case_count;
static TTest *case_tests;

/* Why the case folder could not be listed, or "" when it could. */
static char listing_error[PATH_SIZE + 256];

/* Names. */

static const struct {
    const char *name;
    int code;
} status_codes[] = {
    {"SOC2_ERROR", SOC2_ERROR},       {"SOC2_ENOMEM", SOC2_ENOMEM},
    {"SOC2_EINVAL", SOC2_EINVAL},     {"SOC2_EIO", SOC2_EIO},
    {"SOC2_EPARSE", SOC2_EPARSE},     {"SOC2_EFORMAT", SOC2_EFORMAT},
    {"SOC2_ERULE", SOC2_ERULE},       {"SOC2_ENOTFOUND", SOC2_ENOTFOUND},
    {"SOC2_EEXISTS", SOC2_EEXISTS},   {"SOC2_ELIMIT", SOC2_ELIMIT},
    {"SOC2_EUSER", SOC2_EUSER},       {"SOC2_EUNKNOWN", SOC2_EUNKNOWN},
    {"SOC2_ETYPE", SOC2_ETYPE},       {"SOC2_EUNRECOGNIZED", SOC2_EUNRECOGNIZED},
};

/* Returns the enumerator name of a status code. A code this table lacks is
 * written as its number into a static buffer. */
static const char *status_code_name(int code)
{
    static char number[32];
    for (size_t i = 0; i < sizeof(status_codes) / sizeof(status_codes[0]); i++)
        if (status_codes[i].code == code)
            return status_codes[i].name;
    snprintf(number, sizeof(number), "status %d", code);
    return number;
}

static int status_code_from_name(const char *name, int *code)
{
    for (size_t i = 0; i < sizeof(status_codes) / sizeof(status_codes[0]); i++)
        if (strcmp(status_codes[i].name, name) == 0) {
            *code = status_codes[i].code;
            return 1;
        }
    return 0;
}

static int finding_status_from_name(const char *name, soc2_finding_status *status)
{
    for (int s = 0; s < SOC2_FINDING_STATUS_COUNT; s++)
        if (strcmp(soc2_finding_status_name((soc2_finding_status)s), name) == 0) {
            *status = (soc2_finding_status)s;
            return 1;
        }
    return 0;
}

/* Listing folders. */

/* Writes "<folder>/<name>" to `out`, which has PATH_SIZE bytes. A longer
 * path aborts the run, because no case needs one. */
static void join_path(char *out, const char *folder, const char *name)
{
    int length = snprintf(out, PATH_SIZE, "%s/%s", folder, name);
    if (length < 0 || length >= PATH_SIZE)
        abort();
}

static void record_listing_error(const char *folder)
{
    int length = snprintf(listing_error, sizeof(listing_error), "cannot list %s: %s", folder,
                          strerror(errno));
    if (length < 0)
        listing_error[0] = '?';
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_directory(const char *parent, const char *name)
{
    char path[PATH_SIZE];
    struct stat st;
    join_path(path, parent, name);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && strcmp(name + n - k, suffix) == 0;
}

/* Lists the entries of `path` that are folders (want_dirs) or input
 * documents (*.json other than expected.json, *.yaml, *.yml), sorted by
 * name. Returns the
 * count, or -1 with errno set when the folder cannot be read. It also runs
 * while the suite is made, outside any test, so it aborts when memory runs
 * out instead of using ck_assert. */
static long list_entries(const char *path, int want_dirs, char ***out)
{
    DIR *dir = opendir(path);
    if (!dir)
        return -1;

    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.')
            continue;
        int wanted = want_dirs ? is_directory(path, name)
                               : (has_suffix(name, ".yaml") || has_suffix(name, ".yml") ||
                                  (has_suffix(name, ".json") && strcmp(name, "expected.json") != 0)) &&
                                     !is_directory(path, name);
        if (!wanted)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof(*names));
            if (!grown)
                abort();
            names = grown;
        }
        if (!(names[count++] = strdup(name)))
            abort();
    }
    closedir(dir);

    if (count)
        qsort(names, count, sizeof(*names), compare_names);
    *out = names;
    return (long)count;
}

static void free_names(char **names, long count)
{
    for (long i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* A case's inputs, expectation and outcome. */

typedef struct actual_finding {
    const char *rule;
    const char *resource;
    soc2_finding_status status;
    const char *path;
    const char *evidence; /* NULL when the finding has none */
    const char *message;
    int matched;
} actual_finding;

/* Mismatches of one case, collected so that one failed expectation does not
 * hide the others. */
typedef struct mismatch_log {
    char *text;
    size_t size;
    FILE *stream;
    size_t count;
    char first[2048];
} mismatch_log;

static void mismatch(mismatch_log *log, const char *case_name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void mismatch(mismatch_log *log, const char *case_name, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    if (log->count == 0)
        memcpy(log->first, line, sizeof(line));
    fprintf(log->stream, "case %s: %s\n", case_name, line);
    log->count++;
}

static const char *or_none(const char *text)
{
    return text ? text : "(none)";
}

/* Checks that `object` has only the listed members, so that a misspelt
 * member fails the case instead of being ignored. */
static void check_members(mismatch_log *log, const char *case_name, const char *where,
                          const json_t *object, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)object, key, value) {
        const char *const *name = allowed;
        while (*name && strcmp(*name, key) != 0)
            name++;
        if (!*name)
            mismatch(log, case_name, "expected.json: %s has the unknown member \"%s\"", where,
                     key);
    }
}

static const char *string_member(const json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

/* Compares the first load error with the expected "error" object. */
static void compare_error(mismatch_log *log, const char *case_name, const json_t *expected,
                          int code, const char *file, const soc2_error *error)
{
    static const char *const members[] = {"status", "message_contains", "line", "column",
                                          "pointer", NULL};
    check_members(log, case_name, "\"error\"", expected, members);

    if (code == SOC2_OK) {
        mismatch(log, case_name, "expected the load error %s, but every input loaded",
                 or_none(string_member(expected, "status")));
        return;
    }

    const char *status = string_member(expected, "status");
    int expected_code;
    if (!status || !status_code_from_name(status, &expected_code))
        mismatch(log, case_name, "expected.json: \"error\".\"status\" must name a soc2_status "
                                 "such as \"SOC2_EFORMAT\"");
    else if (code != expected_code)
        mismatch(log, case_name, "%s: expected the load error %s, got %s: %s", file, status,
                 status_code_name(code), error->message);

    const char *fragment = string_member(expected, "message_contains");
    if (fragment && !strstr(error->message, fragment))
        mismatch(log, case_name, "%s: expected the error message to contain \"%s\", got: %s",
                 file, fragment, error->message);

    const json_t *line = json_object_get(expected, "line");
    if (line && json_integer_value(line) != error->line)
        mismatch(log, case_name, "%s: expected the error on line %lld, got line %d: %s", file,
                 (long long)json_integer_value(line), error->line, error->message);

    const json_t *column = json_object_get(expected, "column");
    if (column && json_integer_value(column) != error->column)
        mismatch(log, case_name, "%s: expected the error in column %lld, got column %d: %s",
                 file, (long long)json_integer_value(column), error->column, error->message);

    const char *pointer = string_member(expected, "pointer");
    if (pointer && (!error->pointer || strcmp(pointer, error->pointer) != 0))
        mismatch(log, case_name, "%s: expected the error at pointer \"%s\", got %s: %s", file,
                 pointer, or_none(error->pointer), error->message);
}

/* Finds the actual finding of `rule` on `resource`, or NULL. */
static actual_finding *find_actual(actual_finding *actual, size_t count, const char *rule,
                                   const char *resource)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(actual[i].rule, rule) == 0 && strcmp(actual[i].resource, resource) == 0)
            return &actual[i];
    return NULL;
}

/* Compares one expected finding with the actual finding of its rule on its
 * resource. */
static void compare_finding(mismatch_log *log, const char *case_name, const json_t *expected,
                            const json_t *rules, actual_finding *actual, size_t actual_count)
{
    static const char *const members[] = {"rule",     "resource",          "status",
                                          "path",     "evidence_resource", "message_contains",
                                          NULL};
    check_members(log, case_name, "a finding", expected, members);

    const char *resource = string_member(expected, "resource");
    const char *status_name = string_member(expected, "status");
    const char *rule = string_member(expected, "rule");
    soc2_finding_status status;
    if (!resource || !status_name || !finding_status_from_name(status_name, &status)) {
        mismatch(log, case_name, "expected.json: each finding needs \"resource\" and a "
                                 "\"status\" of pass, fail, unknown, error or waived");
        return;
    }
    if (!rule && json_array_size(rules) == 1)
        rule = json_string_value(json_array_get(rules, 0));
    if (!rule) {
        mismatch(log, case_name, "expected.json: the finding on %s needs \"rule\", because "
                                 "the case evaluates several rules",
                 resource);
        return;
    }

    actual_finding *found = find_actual(actual, actual_count, rule, resource);
    if (!found) {
        mismatch(log, case_name, "%s (%s): expected %s, got no finding", resource, rule,
                 status_name);
        return;
    }
    found->matched = 1;

    const char *path = string_member(expected, "path");
    const json_t *evidence = json_object_get(expected, "evidence_resource");
    const char *fragment = string_member(expected, "message_contains");
    if ((json_object_get(expected, "path") && !path) ||
        (evidence && !json_is_string(evidence) && !json_is_null(evidence)) ||
        (json_object_get(expected, "message_contains") && !fragment)) {
        mismatch(log, case_name, "expected.json: in the finding on %s, \"path\" and "
                                 "\"message_contains\" must be strings and "
                                 "\"evidence_resource\" a string or null",
                 resource);
        return;
    }
    int status_ok = found->status == status;
    int path_ok = !path || strcmp(path, found->path) == 0;
    int evidence_ok = !evidence ||
                      (json_is_null(evidence) ? found->evidence == NULL
                                              : found->evidence &&
                                                    strcmp(json_string_value(evidence),
                                                           found->evidence) == 0);
    int message_ok = !fragment || strstr(found->message, fragment) != NULL;
    if (status_ok && path_ok && evidence_ok && message_ok)
        return;

    char expectation[1024];
    size_t used = (size_t)snprintf(expectation, sizeof(expectation), "%s", status_name);
    if (path && used < sizeof(expectation))
        used += (size_t)snprintf(expectation + used, sizeof(expectation) - used,
                                 " at path \"%s\"", path);
    if (evidence && used < sizeof(expectation)) {
        const char *name = json_is_null(evidence) ? "(none)" : json_string_value(evidence);
        used += (size_t)snprintf(expectation + used, sizeof(expectation) - used,
                                 " with evidence %s", or_none(name));
    }
    if (fragment && used < sizeof(expectation))
        snprintf(expectation + used, sizeof(expectation) - used,
                 " with a message containing \"%s\"", fragment);
    mismatch(log, case_name, "%s (%s): expected %s, got %s at path \"%s\" with evidence %s: %s",
             resource, rule, expectation, soc2_finding_status_name(found->status), found->path,
             or_none(found->evidence), found->message);
}

/* Reads every finding of the report. */
static actual_finding *collect_findings(const soc2_report *report, size_t *count)
{
    size_t n = soc2_report_finding_count(report);
    actual_finding *actual = calloc(n ? n : 1, sizeof(*actual));
    ck_assert_ptr_nonnull(actual);

    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    size_t i = 0;
    while (i < n && soc2_finding_iterator_next(&f, it) == SOC2_OK) {
        actual[i].rule = soc2_finding_rule_id(f);
        actual[i].resource = soc2_finding_resource_address(f);
        actual[i].status = soc2_finding_status_of(f);
        actual[i].path = soc2_finding_path(f);
        actual[i].evidence = soc2_finding_evidence_resource(f);
        actual[i].message = soc2_finding_message(f);
        i++;
    }
    soc2_finding_iterator_free(it);
    *count = i;
    return actual;
}

/* Evaluates the case's rules on the loaded snapshot and compares the
 * findings with the expected ones. */
static void compare_findings(mismatch_log *log, const char *case_name, const json_t *expected,
                             const json_t *rules, soc2_snapshot *snapshot)
{
    soc2_engine *engine;
    ck_assert_int_eq(soc2_engine_new(&engine), SOC2_OK);
    ck_assert_int_eq(soc2_engine_add_builtin_rules(engine), SOC2_OK);

    size_t rule_count = json_array_size(rules);
    const char **rule_ids = calloc(rule_count, sizeof(*rule_ids));
    ck_assert_ptr_nonnull(rule_ids);
    for (size_t i = 0; i < rule_count; i++)
        rule_ids[i] = json_string_value(json_array_get(rules, i));

    soc2_eval_options options = SOC2_EVAL_OPTIONS_INIT;
    options.rule_ids = rule_ids;
    options.rule_id_count = rule_count;
    soc2_report *report = NULL;
    int rc = soc2_evaluate(&report, engine, snapshot, &options);
    if (rc != SOC2_OK) {
        mismatch(log, case_name, "evaluation failed with %s: %s", status_code_name(rc),
                 soc2_error_last()->message);
        free(rule_ids);
        soc2_engine_free(engine);
        return;
    }

    size_t actual_count;
    actual_finding *actual = collect_findings(report, &actual_count);
    const json_t *findings = json_object_get(expected, "findings");
    size_t i;
    json_t *item;
    json_array_foreach(findings, i, item) {
        if (json_is_object(item))
            compare_finding(log, case_name, item, rules, actual, actual_count);
        else
            mismatch(log, case_name, "expected.json: findings[%zu] must be an object", i);
    }

    if (json_is_true(json_object_get(expected, "exhaustive")))
        for (i = 0; i < actual_count; i++)
            if (!actual[i].matched)
                mismatch(log, case_name,
                         "%s (%s): expected no other finding, got %s at path \"%s\" with "
                         "evidence %s: %s",
                         actual[i].resource, actual[i].rule,
                         soc2_finding_status_name(actual[i].status), actual[i].path,
                         or_none(actual[i].evidence), actual[i].message);

    free(actual);
    soc2_report_free(report);
    free(rule_ids);
    soc2_engine_free(engine);
}

/* Returns the rules a case evaluates: its "rules" member, or the rule its
 * parent folder is named after. New reference. */
static json_t *case_rules(mismatch_log *log, const char *case_name, const json_t *expected)
{
    const json_t *listed = json_object_get(expected, "rules");
    if (!listed) {
        const char *slash = strchr(case_name, '/');
        return json_pack("[s%]", case_name, (size_t)(slash - case_name));
    }

    int valid = json_is_array(listed) && json_array_size(listed) > 0;
    for (size_t i = 0; valid && i < json_array_size(listed); i++)
        valid = json_is_string(json_array_get(listed, i));
    if (!valid) {
        mismatch(log, case_name, "expected.json: \"rules\" must be a non-empty list of rule IDs");
        return NULL;
    }
    return json_incref((json_t *)listed);
}

/* Loads every input of the case and returns the status of the first load
 * that failed, or SOC2_OK. The failed input's file name goes to
 * `failed_file`. */
static int load_inputs(mismatch_log *log, const char *case_name, const char *folder,
                       soc2_snapshot *snapshot, char *failed_file, size_t failed_size)
{
    char **inputs;
    long input_count = list_entries(folder, 0, &inputs);
    if (input_count <= 0) {
        mismatch(log, case_name, "the folder holds no input document (*.json besides "
                                 "expected.json, *.yaml or *.yml)");
        free_names(inputs, input_count < 0 ? 0 : input_count);
        return SOC2_OK;
    }

    int rc = SOC2_OK;
    for (long i = 0; i < input_count && rc == SOC2_OK; i++) {
        char path[PATH_SIZE];
        join_path(path, folder, inputs[i]);
        rc = soc2_snapshot_load_file(snapshot, path, SOC2_FORMAT_AUTO);
        if (rc != SOC2_OK)
            snprintf(failed_file, failed_size, "%s", inputs[i]);
    }
    free_names(inputs, input_count);
    return rc;
}

static void run_case(int index)
{
    const char *case_name = case_names[index];
    char folder[PATH_SIZE], expected_path[PATH_SIZE];
    join_path(folder, data_path("cases"), case_name);
    join_path(expected_path, folder, "expected.json");

    json_error_t json_error;
    json_t *expected = json_load_file(expected_path, 0, &json_error);
    ck_assert_msg(expected != NULL, "case %s: expected.json is not valid JSON: %s (line %d)",
                  case_name, json_error.text, json_error.line);
    ck_assert_msg(json_is_object(expected), "case %s: expected.json must be an object",
                  case_name);

    mismatch_log log = {0};
    log.stream = open_memstream(&log.text, &log.size);
    ck_assert_ptr_nonnull(log.stream);

    static const char *const members[] = {"about", "rules", "findings", "exhaustive", "error",
                                          NULL};
    check_members(&log, case_name, "the top level", expected, members);
    if (!json_is_string(json_object_get(expected, "about")))
        mismatch(&log, case_name, "expected.json: \"about\" must say what the case exercises");
    const json_t *error = json_object_get(expected, "error");
    const json_t *findings = json_object_get(expected, "findings");
    const json_t *exhaustive = json_object_get(expected, "exhaustive");
    if (error ? !json_is_object(error) || findings : !json_is_array(findings))
        mismatch(&log, case_name, "expected.json: give either \"findings\" (a list) or "
                                  "\"error\" (an object)");
    if (exhaustive && !json_is_boolean(exhaustive))
        mismatch(&log, case_name, "expected.json: \"exhaustive\" must be true or false");

    soc2_snapshot *snapshot;
    ck_assert_int_eq(soc2_snapshot_new(&snapshot), SOC2_OK);
    char failed_file[512] = "";
    soc2_error_clear();
    int rc = load_inputs(&log, case_name, folder, snapshot, failed_file, sizeof(failed_file));
    json_t *rules = case_rules(&log, case_name, expected);

    if (error)
        compare_error(&log, case_name, error, rc, failed_file, soc2_error_last());
    else if (rc != SOC2_OK)
        mismatch(&log, case_name, "%s failed to load with %s: %s (line %d)", failed_file,
                 status_code_name(rc), soc2_error_last()->message, soc2_error_last()->line);
    else if (rules && log.count == 0)
        compare_findings(&log, case_name, expected, rules, snapshot);

    json_decref(rules);
    soc2_snapshot_free(snapshot);
    json_decref(expected);
    fclose(log.stream);

    /* Every mismatch goes to stderr; the test's own message names the
     * first, so that a TAP line stays one line. */
    size_t count = log.count;
    char first[sizeof(log.first)];
    memcpy(first, log.first, sizeof(first));
    if (count)
        fputs(log.text, stderr);
    free(log.text);
    ck_assert_msg(count == 0, "case %s: %s (%zu mismatches, each printed on stderr)", case_name,
                  first, count);
}

START_TEST(case_folder_has_cases)
{
    ck_assert_msg(listing_error[0] == '\0', "%s", listing_error);
    ck_assert_msg(case_count > 0, "no case found under %s%s%s", data_path("cases"),
                  getenv("SOC2_CASE") ? " matching SOC2_CASE=" : "",
                  getenv("SOC2_CASE") ? getenv("SOC2_CASE") : "");
}
END_TEST

/* Finds every "<rule-id>/<case>" folder under tests/data/cases. */
static void collect_cases(void)
{
    char root[PATH_SIZE];
    if (strlen(data_path("cases")) >= sizeof(root))
        abort();
    strcpy(root, data_path("cases"));

    char **rules;
    long rule_count = list_entries(root, 1, &rules);
    if (rule_count < 0) {
        record_listing_error(root);
        return;
    }

    size_t cap = 0;
    for (long r = 0; r < rule_count; r++) {
        char rule_folder[PATH_SIZE];
        join_path(rule_folder, root, rules[r]);
        char **cases;
        long count = list_entries(rule_folder, 1, &cases);
        if (count < 0) {
            record_listing_error(rule_folder);
            break;
        }
        const char *only = getenv("SOC2_CASE");
        for (long c = 0; c < count; c++) {
            char name[PATH_SIZE];
            join_path(name, rules[r], cases[c]);
            if (only && !strstr(name, only))
                continue;
            if (case_count == cap) {
                cap = cap ? cap * 2 : 64;
                char **grown = realloc(case_names, cap * sizeof(*case_names));
                if (!grown)
                    abort();
                case_names = grown;
            }
            if (!(case_names[case_count++] = strdup(name)))
                abort();
        }
        free_names(cases, count);
    }
    free_names(rules, rule_count);
}

Suite *make_suite(void)
{
    Suite *s = suite_create("cases");
    TCase *tc = tcase_create("cases");
    tcase_add_test(tc, case_folder_has_cases);

    /* One test per case, named after its folder: a loop test over the
     * case's own index, with a TTest of its own to carry the name. */
    collect_cases();
    case_tests = calloc(case_count ? case_count : 1, sizeof(*case_tests));
    if (!case_tests)
        abort();
    for (size_t i = 0; i < case_count; i++) {
        case_tests[i].name = case_names[i];
        case_tests[i].fn = run_case;
        case_tests[i].file = __FILE__;
        case_tests[i].line = __LINE__;
        tcase_add_loop_test(tc, &case_tests[i], (int)i, (int)i + 1);
    }
    suite_add_tcase(s, tc);
    return s;
}
