/* The report writers of soc2/writer.h. Every format stays valid when a C
 * callback rule's text and a file name contain bytes that are not UTF-8
 * and control characters. The entry points check their arguments, stop
 * when the output callback does, and write to streams and files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "harness.h"
#include "readers.h"
#include <soc2/soc2.h>

/* U+FFFD, which the writers put in place of each byte that is not UTF-8. */
#define R "\xEF\xBF\xBD"

#define RULE_ID "test-writers-text"

/* The document name: an invalid byte and a control character. */
static const char document_name[] = "in\xffput\x01.json";
static const char document_name_text[] = "in" R "put\x01.json";
static const char document_name_xml[] = "in" R "put" R ".json";

/* The path every finding reports. */
static const char finding_path[] = "ingress[0]\xfe.\x01x";
static const char finding_path_text[] = "ingress[0]" R ".\x01x";

/* One security group per case. The callback rule records `status` and
 * `message` for it; the other fields are what each format must show. */
typedef struct text_case {
    const char *address;
    soc2_finding_status status;
    const char *message;
    const char *text; /* with each invalid byte as U+FFFD (JSON, SARIF, CSV) */
    const char *xml;  /* also with the control characters XML forbids as U+FFFD */
    const char *csv;  /* `text` with an apostrophe in front of a formula start */
} text_case;

static const text_case cases[] = {
    {"Invalid", SOC2_FINDING_FAIL,
     "bad \xff byte, \xc3( lead, \xed\xa0\x80 surrogate, \xf4\x90\x80\x80 too big, "
     "\xc0\xaf overlong, cut \xe2\x82",
     "bad " R " byte, " R "( lead, " R R R " surrogate, " R R R R " too big, " R R
     " overlong, cut " R R,
     "bad " R " byte, " R "( lead, " R R R " surrogate, " R R R R " too big, " R R
     " overlong, cut " R R,
     "bad " R " byte, " R "( lead, " R R R " surrogate, " R R R R " too big, " R R
     " overlong, cut " R R},
    {"Control", SOC2_FINDING_FAIL, "=ctl \x01\x02\x1f\x7f end", "=ctl \x01\x02\x1f\x7f end",
     "=ctl " R R R "\x7f end", "'=ctl \x01\x02\x1f\x7f end"},
    {"Markup", SOC2_FINDING_UNKNOWN, "+<a href=\"x\">&amp;</a> 'q' ]]> \t\r\n",
     "+<a href=\"x\">&amp;</a> 'q' ]]> \t\r\n", "+<a href=\"x\">&amp;</a> 'q' ]]> \t\r\n",
     "'+<a href=\"x\">&amp;</a> 'q' ]]> \t\r\n"},
    {"Minus", SOC2_FINDING_FAIL, "-1+2, \"quoted\"", "-1+2, \"quoted\"", "-1+2, \"quoted\"",
     "'-1+2, \"quoted\""},
    {"At", SOC2_FINDING_ERROR, "@SUM(A1)", "@SUM(A1)", "@SUM(A1)", "'@SUM(A1)"},
    {"Tab", SOC2_FINDING_FAIL, "\tstarts with a tab", "\tstarts with a tab",
     "\tstarts with a tab", "'\tstarts with a tab"},
    {"Return", SOC2_FINDING_FAIL, "\rcarriage return \xff", "\rcarriage return " R,
     "\rcarriage return " R, "'\rcarriage return " R},
    /* XML and HTML are read by people in CI pages and browsers: the
     * overrides that reorder text are shown as \uNNNN there. */
    {"Bidi", SOC2_FINDING_FAIL, "csi \xc2\x9b" "31m, rlo \xe2\x80\xae" "cba, fsi \xe2\x81\xa8",
     "csi \xc2\x9b" "31m, rlo \xe2\x80\xae" "cba, fsi \xe2\x81\xa8",
     "csi \xc2\x9b" "31m, rlo \\u202ecba, fsi \\u2068",
     "csi \xc2\x9b" "31m, rlo \xe2\x80\xae" "cba, fsi \xe2\x81\xa8"},
    {"Passing", SOC2_FINDING_PASS, "fine \xe2\x9c\x93", "fine \xe2\x9c\x93", "fine \xe2\x9c\x93",
     "fine \xe2\x9c\x93"},
};
#define CASE_COUNT (sizeof(cases) / sizeof(cases[0]))

/* A group whose callback returns nonzero, so that its finding is an error
 * with the library's own message. */
#define BROKEN_ADDRESS "Broken"

static int record_case(soc2_outcome *outcome, const soc2_resource *resource, void *payload)
{
    (void)payload;
    const char *address = soc2_resource_address(resource);
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (strcmp(address, cases[i].address) == 0)
            return soc2_outcome_set(outcome, cases[i].status, finding_path, cases[i].message);
    if (strcmp(address, BROKEN_ADDRESS) == 0)
        return 3;
    return soc2_outcome_set(outcome, SOC2_FINDING_FAIL, "", "a generated group");
}

/* Returns a CloudFormation template with a security group per name. */
static char *template_of(const char *const *names, size_t count)
{
    size_t cap = 64 + count * 128;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t length = (size_t)snprintf(text, cap, "{\"Resources\": {");
    for (size_t i = 0; i < count; i++)
        length += (size_t)snprintf(text + length, cap - length,
                                   "%s\n  \"%s\": {\"Type\": \"AWS::EC2::SecurityGroup\", "
                                   "\"Properties\": {\"GroupDescription\": \"g\"}}",
                                   i ? "," : "", names[i]);
    snprintf(text + length, cap - length, "\n}}\n");
    return text;
}

typedef struct scan {
    soc2_engine *engine;
    soc2_snapshot *snapshot;
    soc2_report *report;
} scan;

/* Evaluates the callback rule on `template` loaded under `name`. The rule's
 * title and description hold an invalid byte and a control character too. */
static scan scan_template(const char *template, const char *name)
{
    scan s;
    ck_assert_int_eq(soc2_engine_new(&s.engine), SOC2_OK);
    const char *types[] = {"aws_security_group"};
    soc2_rule_spec spec = SOC2_RULE_SPEC_INIT;
    spec.id = RULE_ID;
    spec.title = "Text \xff survives \x02 every writer";
    spec.severity = SOC2_SEVERITY_HIGH;
    spec.resource_types = types;
    spec.resource_type_count = 1;
    spec.controls_json = "{\"SOC2\": [\"CC6.1\"], \"CIS-AWS\": [\"6.3\"]}";
    spec.description = "A description with \xc0 and <markup> & \x1b.";
    spec.remediation = "=fix \xff it";
    ck_assert_int_eq(soc2_engine_add_callback_rule(s.engine, &spec, record_case, NULL), SOC2_OK);
    ck_assert_int_eq(soc2_snapshot_new(&s.snapshot), SOC2_OK);
    int rc = soc2_snapshot_load_buffer(s.snapshot, template, strlen(template), name,
                                       SOC2_FORMAT_CLOUDFORMATION);
    ck_assert_msg(rc == SOC2_OK, "load failed: %s", soc2_error_last()->message);
    ck_assert_int_eq(soc2_evaluate(&s.report, s.engine, s.snapshot, NULL), SOC2_OK);
    return s;
}

static scan scan_cases(void)
{
    const char *names[CASE_COUNT + 1];
    for (size_t i = 0; i < CASE_COUNT; i++)
        names[i] = cases[i].address;
    names[CASE_COUNT] = BROKEN_ADDRESS;
    char *template = template_of(names, CASE_COUNT + 1);
    scan s = scan_template(template, document_name);
    free(template);
    ck_assert_uint_eq(soc2_report_finding_count(s.report), CASE_COUNT + 1);
    return s;
}

static void scan_free(scan *s)
{
    soc2_report_free(s->report);
    soc2_snapshot_free(s->snapshot);
    soc2_engine_free(s->engine);
}

static const text_case *case_of(const char *address)
{
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (strcmp(address, cases[i].address) == 0)
            return &cases[i];
    return NULL;
}

/* Writes the report in `format` with a fixed time and source root. */
static struct text_buffer write_report(const soc2_report *report, soc2_output_format format)
{
    soc2_write_options options = SOC2_WRITE_OPTIONS_INIT;
    options.source_root = "/src/root dir";
    options.generated_at = 1796000000;
    struct text_buffer out = {0};
    int rc = soc2_report_write(report, format, &options, collect_output, &out);
    ck_assert_msg(rc == SOC2_OK, "%s writer failed: %s", soc2_output_format_name(format),
                  soc2_error_last()->message);
    ck_assert_ptr_nonnull(out.data);
    return out;
}

/* Fails unless the output is valid UTF-8, which jansson checks when it
 * makes a string. */
static void assert_utf8(const struct text_buffer *out)
{
    json_t *string = json_stringn(out->data, out->length);
    ck_assert_msg(string != NULL, "the output is not valid UTF-8");
    json_decref(string);
}

static json_t *parse_json(const struct text_buffer *out)
{
    json_error_t error;
    json_t *doc = json_loadb(out->data, out->length, 0, &error);
    ck_assert_msg(doc != NULL, "not JSON: %s at line %d", error.text, error.line);
    return doc;
}

START_TEST(json_keeps_text_valid)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_JSON);
    json_t *doc = parse_json(&out);

    size_t index;
    json_t *finding;
    size_t checked = 0;
    json_array_foreach(json_object_get(doc, "findings"), index, finding) {
        const text_case *c = case_of(json_string_value(json_object_get(finding, "resource")));
        ck_assert_str_eq(json_string_value(json_object_get(finding, "file")), document_name_text);
        if (!c)
            continue;
        ck_assert_str_eq(json_string_value(json_object_get(finding, "message")), c->text);
        ck_assert_str_eq(json_string_value(json_object_get(finding, "path")), finding_path_text);
        ck_assert_str_eq(json_string_value(json_object_get(finding, "status")),
                         soc2_finding_status_name(c->status));
        checked++;
    }
    ck_assert_uint_eq(checked, CASE_COUNT);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
                         json_object_get(doc, "inputs"), 0), "file")),
                     document_name_text);
    json_decref(doc);
    free(out.data);
    scan_free(&s);
}
END_TEST

/* The JSON writer writes findings one at a time: the text must equal
 * jansson's dump of the whole document, with many findings and with none. */
static void assert_single_dump(const struct text_buffer *out)
{
    json_t *doc = parse_json(out);
    char *whole = json_dumps(doc, JSON_INDENT(2));
    ck_assert_ptr_nonnull(whole);
    ck_assert_uint_eq(out->length, strlen(whole) + 1);
    ck_assert_int_eq(memcmp(out->data, whole, strlen(whole)), 0);
    ck_assert_int_eq(out->data[out->length - 1], '\n');
    free(whole);
    json_decref(doc);
}

START_TEST(json_streams_like_one_dump)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_JSON);
    assert_single_dump(&out);
    free(out.data);
    scan_free(&s);

    scan empty = scan_template("{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}",
                               "bucket.json");
    ck_assert_uint_eq(soc2_report_finding_count(empty.report), 0);
    out = write_report(empty.report, SOC2_OUTPUT_JSON);
    assert_single_dump(&out);
    ck_assert_ptr_nonnull(strstr(out.data, "\"findings\": []\n}\n"));
    free(out.data);
    scan_free(&empty);
}
END_TEST

START_TEST(sarif_keeps_text_valid)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_SARIF);
    json_t *doc = parse_json(&out);
    json_t *run = json_array_get(json_object_get(doc, "runs"), 0);

    json_t *rule = json_array_get(json_object_get(json_object_get(json_object_get(run, "tool"),
                                                                  "driver"), "rules"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(rule, "shortDescription"), "text")),
                     "Text " R " survives \x02 every writer");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
                         json_object_get(run, "originalUriBaseIds"), "SRCROOT"), "uri")),
                     "file:///src/root%20dir/");

    json_t *results = json_object_get(run, "results");
    /* Every case but the passing one, and the broken group. */
    ck_assert_uint_eq(json_array_size(results), CASE_COUNT);
    size_t index;
    json_t *result;
    json_array_foreach(results, index, result) {
        json_t *location = json_array_get(json_object_get(result, "locations"), 0);
        const char *address = json_string_value(json_object_get(
            json_array_get(json_object_get(location, "logicalLocations"), 0), "name"));
        json_t *artifact = json_object_get(json_object_get(location, "physicalLocation"),
                                           "artifactLocation");
        ck_assert_str_eq(json_string_value(json_object_get(artifact, "uri")),
                         "in%FFput%01.json");
        ck_assert_str_eq(json_string_value(json_object_get(artifact, "uriBaseId")), "SRCROOT");
        const text_case *c = case_of(address);
        if (!c) {
            ck_assert_str_eq(address, BROKEN_ADDRESS);
            ck_assert_str_eq(json_string_value(json_object_get(result, "kind")), "review");
            continue;
        }
        ck_assert_int_ne(c->status, SOC2_FINDING_PASS);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(result, "message"),
                                                           "text")),
                         c->text);
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(result, "properties"),
                                                           "path")),
                         finding_path_text);
        const char *kind = c->status == SOC2_FINDING_FAIL ? "fail" : "review";
        ck_assert_str_eq(json_string_value(json_object_get(result, "kind")), kind);
    }
    json_decref(doc);
    free(out.data);
    scan_free(&s);
}
END_TEST

START_TEST(xml_check_rejects_broken_documents)
{
    static const char *const broken[] = {
        "<a><b></a></b>", "<a x=\"<\"/>", "<a>&bogus;</a>", "<a>&#1;</a>", "<a>\x01</a>",
        "<a>", "<a/><b/>", "<a x='1'/>", "<a>]]></a>", "<a>\xff</a>", "<a x=\"1\"y=\"2\"/>",
    };
    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
        ck_assert_msg(xml_problem(broken[i], strlen(broken[i])) != NULL, "accepted %s",
                      broken[i]);
    static const char good[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<a x=\"&amp;&#10;&#x9;\">t &lt; u \xe2\x9c\x93<b/></a>\n";
    ck_assert_ptr_null(xml_problem(good, strlen(good)));
}
END_TEST

START_TEST(junit_keeps_text_valid)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_JUNIT);
    const char *problem = xml_problem(out.data, out.length);
    ck_assert_msg(problem == NULL, "the JUnit report is not well-formed XML: %s", problem);

    static const char *const outcomes[] = {
        [SOC2_FINDING_PASS] = NULL, [SOC2_FINDING_FAIL] = "failure",
        [SOC2_FINDING_UNKNOWN] = "skipped", [SOC2_FINDING_ERROR] = "error",
    };
    for (size_t i = 0; i < CASE_COUNT; i++) {
        char start[64];
        snprintf(start, sizeof(start), "<testcase name=\"%s\"", cases[i].address);
        const char *testcase = strstr(out.data, start);
        ck_assert_msg(testcase != NULL, "no test case for %s", cases[i].address);
        char *file = xml_attribute(testcase, "file");
        ck_assert_ptr_nonnull(file);
        ck_assert_str_eq(file, document_name_xml);
        free(file);

        const char *element = outcomes[cases[i].status];
        const char *close = strchr(testcase, '>');
        const char *next = close + 1;
        while (*next == ' ' || *next == '\n')
            next++;
        if (!element) {
            ck_assert_msg(close[-1] == '/', "%s has an outcome", cases[i].address);
            continue;
        }
        ck_assert_msg(next[0] == '<' && strncmp(next + 1, element, strlen(element)) == 0,
                      "%s: expected <%s>", cases[i].address, element);
        char *message = xml_attribute(next, "message");
        ck_assert_ptr_nonnull(message);
        ck_assert_str_eq(message, cases[i].xml);
        free(message);
    }
    ck_assert_ptr_nonnull(strstr(out.data, "<testcase name=\"" BROKEN_ADDRESS "\""));
    free(out.data);
    scan_free(&s);
}
END_TEST

START_TEST(csv_keeps_text_valid)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_CSV);
    assert_utf8(&out);
    csv_table table;
    const char *problem = csv_read(&table, out.data, out.length);
    ck_assert_msg(problem == NULL, "the CSV report does not parse: %s", problem);
    ck_assert_uint_eq(table.rows, CASE_COUNT + 2);

    /* Columns of docs/reports.md. */
    enum { RESOURCE = 4, FILE_NAME = 7, PATH = 10, MESSAGE = 14, FINGERPRINT = 15, COLUMNS = 16 };
    ck_assert_str_eq(table.cells[0][RESOURCE], "resource");
    ck_assert_str_eq(table.cells[0][MESSAGE], "message");
    size_t checked = 0;
    for (size_t row = 1; row < table.rows; row++) {
        ck_assert_uint_eq(table.widths[row], COLUMNS);
        ck_assert_str_eq(table.cells[row][FILE_NAME], document_name_text);
        ck_assert_uint_eq(strlen(table.cells[row][FINGERPRINT]), 32);
        const text_case *c = case_of(table.cells[row][RESOURCE]);
        if (!c)
            continue;
        ck_assert_str_eq(table.cells[row][MESSAGE], c->csv);
        ck_assert_str_eq(table.cells[row][PATH], finding_path_text);
        checked++;
    }
    ck_assert_uint_eq(checked, CASE_COUNT);
    csv_table_free(&table);
    free(out.data);
    scan_free(&s);
}
END_TEST

/* The HTML page shows every message as its text: markup is escaped, and
 * the overrides that would reorder what a reader sees are shown. */
START_TEST(html_shows_text_as_written)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_HTML);
    assert_utf8(&out);
    ck_assert_ptr_nonnull(strstr(out.data, "rlo \\u202ecba, fsi \\u2068"));
    ck_assert_ptr_null(strstr(out.data, "\xe2\x80\xae"));
    ck_assert_ptr_null(strstr(out.data, "\xe2\x81\xa8"));
    ck_assert_ptr_nonnull(strstr(out.data, "+&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;"));
    ck_assert_ptr_null(strstr(out.data, "<a href=\"x\">"));
    free(out.data);
    scan_free(&s);
}
END_TEST

/* The text report escapes what could drive a terminal: control
 * characters, escape sequences, C1 controls and bidirectional overrides;
 * invalid bytes become U+FFFD. Colours come only with SOC2_WRITE_COLOR. */
START_TEST(text_escapes_for_terminals)
{
    scan s = scan_cases();
    struct text_buffer out = write_report(s.report, SOC2_OUTPUT_TEXT);
    assert_utf8(&out);
    ck_assert_ptr_null(strchr(out.data, '\x1b'));
    ck_assert_ptr_null(strchr(out.data, '\r'));
    ck_assert_ptr_null(strchr(out.data, '\x01'));
    ck_assert_ptr_nonnull(strstr(out.data, "=ctl \\x01\\x02\\x1f\\x7f end"));
    ck_assert_ptr_nonnull(strstr(out.data, "'q' ]]> \\t\\r\\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "bad " R " byte"));
    ck_assert_ptr_nonnull(strstr(out.data, "in" R "put\\x01.json"));
    /* C1 controls and bidirectional overrides are valid UTF-8 that a
     * terminal may act on. */
    ck_assert_ptr_nonnull(strstr(out.data, "csi \\u009b31m, rlo \\u202ecba, fsi \\u2068"));
    /* Passing findings are counted but listed only on request. */
    ck_assert_ptr_null(strstr(out.data, "fine \xe2\x9c\x93"));
    ck_assert_ptr_nonnull(strstr(out.data, " pass (1 rule, 1 file)\n"));
    free(out.data);

    soc2_write_options options = SOC2_WRITE_OPTIONS_INIT;
    options.flags = SOC2_WRITE_COLOR | SOC2_WRITE_PASSED;
    struct text_buffer colored = {0};
    ck_assert_int_eq(soc2_report_write(s.report, SOC2_OUTPUT_TEXT, &options, collect_output,
                                       &colored),
                     SOC2_OK);
    ck_assert_ptr_nonnull(strstr(colored.data, "\x1b[1;31mfail   \x1b[0m"));
    ck_assert_ptr_nonnull(strstr(colored.data, "fine \xe2\x9c\x93"));
    free(colored.data);
    scan_free(&s);
}
END_TEST

static const soc2_output_format formats[] = {SOC2_OUTPUT_JSON, SOC2_OUTPUT_SARIF,
                                             SOC2_OUTPUT_JUNIT, SOC2_OUTPUT_CSV,
                                             SOC2_OUTPUT_HTML, SOC2_OUTPUT_TEXT};
#define FORMAT_COUNT (sizeof(formats) / sizeof(formats[0]))

static int count_calls(const char *data, size_t length, void *payload)
{
    (void)data;
    (void)length;
    (*(int *)payload)++;
    return 0;
}

START_TEST(write_rejects_bad_arguments)
{
    scan s = scan_cases();
    int calls = 0;
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        soc2_write_options options = SOC2_WRITE_OPTIONS_INIT;
        options.version = 0;
        ck_assert_int_eq(soc2_report_write(s.report, formats[i], &options, count_calls, &calls),
                         SOC2_EINVAL);
        ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "version"));
        options.version = SOC2_WRITE_OPTIONS_VERSION + 1;
        ck_assert_int_eq(soc2_report_write(s.report, formats[i], &options, count_calls, &calls),
                         SOC2_EINVAL);
        ck_assert_int_eq(soc2_report_write(NULL, formats[i], NULL, count_calls, &calls),
                         SOC2_EINVAL);
        ck_assert_int_eq(soc2_report_write(s.report, formats[i], NULL, NULL, &calls),
                         SOC2_EINVAL);
    }
    ck_assert_int_eq(soc2_report_write(s.report, (soc2_output_format)0, NULL, count_calls, &calls),
                     SOC2_EINVAL);
    ck_assert_int_eq(soc2_report_write(s.report, (soc2_output_format)99, NULL, count_calls,
                                       &calls),
                     SOC2_EINVAL);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "99"));

    soc2_write_options relative = SOC2_WRITE_OPTIONS_INIT;
    relative.source_root = "src/root";
    ck_assert_int_eq(soc2_report_write(s.report, SOC2_OUTPUT_SARIF, &relative, count_calls,
                                       &calls),
                     SOC2_EINVAL);
    ck_assert_int_eq(calls, 0);
    scan_free(&s);
}
END_TEST

typedef struct stopper {
    int calls;
    int stop_at; /* the call that returns nonzero */
} stopper;

static int stop_at_call(const char *data, size_t length, void *payload)
{
    (void)data;
    (void)length;
    stopper *s = payload;
    s->calls++;
    return s->calls >= s->stop_at ? -1 : 0;
}

/* A report big enough that every writer hands its output over in several
 * pieces: 800 groups, the text writers flushing every 64 KiB. */
static scan scan_many(void)
{
    enum { GROUPS = 2000 };
    static char names[GROUPS][16];
    const char *pointers[GROUPS];
    for (int i = 0; i < GROUPS; i++) {
        snprintf(names[i], sizeof(names[i]), "Group%d", i);
        pointers[i] = names[i];
    }
    char *template = template_of(pointers, GROUPS);
    scan s = scan_template(template, "many.json");
    free(template);
    return s;
}

START_TEST(callback_stop_gives_euser)
{
    scan s = scan_many();
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        int pieces = 0;
        ck_assert_int_eq(soc2_report_write(s.report, formats[i], NULL, count_calls, &pieces),
                         SOC2_OK);
        ck_assert_msg(pieces >= 3, "%s wrote %d pieces", soc2_output_format_name(formats[i]),
                      pieces);
        for (int stop_at = 1; stop_at <= 2; stop_at++) {
            stopper stop = {0, stop_at};
            soc2_error_clear();
            ck_assert_int_eq(soc2_report_write(s.report, formats[i], NULL, stop_at_call, &stop),
                             SOC2_EUSER);
            ck_assert_int_eq(soc2_error_last()->code, SOC2_EUSER);
            ck_assert_msg(stop.calls == stop_at, "%s called back %d times after a stop at %d",
                          soc2_output_format_name(formats[i]), stop.calls, stop_at);
        }
    }
    scan_free(&s);
}
END_TEST

/* Returns the contents of an open stream from its start. */
static char *read_stream(FILE *stream, size_t *length)
{
    ck_assert_int_eq(fseek(stream, 0, SEEK_END), 0);
    long size = ftell(stream);
    ck_assert_int_ge(size, 0);
    rewind(stream);
    char *data = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(fread(data, 1, (size_t)size, stream), (size_t)size);
    data[size] = '\0';
    *length = (size_t)size;
    return data;
}

static char *read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *data = read_stream(f, length);
    fclose(f);
    return data;
}

START_TEST(write_stream_and_file)
{
    scan s = scan_cases();
    soc2_write_options options = SOC2_WRITE_OPTIONS_INIT;
    options.source_root = "/src/root dir";
    options.generated_at = 1796000000;
    char folder[] = "/tmp/soc2-writers-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(folder));
    char path[128];
    snprintf(path, sizeof(path), "%s/report.out", folder);

    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        struct text_buffer expected = write_report(s.report, formats[i]);

        FILE *stream = tmpfile();
        ck_assert_ptr_nonnull(stream);
        ck_assert_int_eq(soc2_report_write_stream(s.report, formats[i], &options, stream),
                         SOC2_OK);
        size_t length;
        char *written = read_stream(stream, &length);
        fclose(stream);
        ck_assert_uint_eq(length, expected.length);
        ck_assert_mem_eq(written, expected.data, length);
        free(written);

        /* A longer report first, so that a file not truncated would show. */
        ck_assert_int_eq(soc2_report_write_file(s.report, SOC2_OUTPUT_JUNIT, &options, path),
                         SOC2_OK);
        ck_assert_int_eq(soc2_report_write_file(s.report, formats[i], &options, path), SOC2_OK);
        written = read_file(path, &length);
        ck_assert_uint_eq(length, expected.length);
        ck_assert_mem_eq(written, expected.data, length);
        free(written);
        free(expected.data);
    }

    FILE *read_only = fopen(path, "rb");
    ck_assert_ptr_nonnull(read_only);
    ck_assert_int_eq(soc2_report_write_stream(s.report, SOC2_OUTPUT_CSV, NULL, read_only),
                     SOC2_EIO);
    fclose(read_only);
    ck_assert_int_eq(soc2_report_write_stream(s.report, SOC2_OUTPUT_CSV, NULL, NULL), SOC2_EINVAL);

    /* An unknown format leaves an existing file as it was. */
    struct text_buffer before = write_report(s.report, SOC2_OUTPUT_CSV);
    ck_assert_int_eq(soc2_report_write_file(s.report, SOC2_OUTPUT_CSV, NULL, path), SOC2_OK);
    ck_assert_int_eq(soc2_report_write_file(s.report, (soc2_output_format)99, NULL, path),
                     SOC2_EINVAL);
    size_t kept_length;
    char *kept = read_file(path, &kept_length);
    ck_assert_uint_eq(kept_length, before.length);
    ck_assert_mem_eq(kept, before.data, kept_length);
    free(kept);
    free(before.data);

    char missing[160];
    snprintf(missing, sizeof(missing), "%s/no such folder/report.csv", folder);
    ck_assert_int_eq(soc2_report_write_file(s.report, SOC2_OUTPUT_CSV, NULL, missing), SOC2_EIO);
    ck_assert_ptr_nonnull(strstr(soc2_error_last()->message, "no such folder"));
    ck_assert_int_eq(soc2_report_write_file(s.report, SOC2_OUTPUT_CSV, NULL, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_report_write_file(NULL, SOC2_OUTPUT_CSV, NULL, path), SOC2_EINVAL);
    /* /dev/full takes the open but fails the write when the stream flushes. */
    if (access("/dev/full", W_OK) == 0)
        ck_assert_int_eq(soc2_report_write_file(s.report, SOC2_OUTPUT_CSV, NULL, "/dev/full"),
                         SOC2_EIO);

    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(folder), 0);
    scan_free(&s);
}
END_TEST

START_TEST(format_names_round_trip)
{
    static const char *const names[] = {"json", "sarif", "junit", "csv", "html", "text"};
    for (size_t i = 0; i < FORMAT_COUNT; i++) {
        ck_assert_str_eq(soc2_output_format_name(formats[i]), names[i]);
        soc2_output_format back = (soc2_output_format)0;
        ck_assert_int_eq(soc2_output_format_from_name(&back, names[i]), SOC2_OK);
        ck_assert_int_eq(back, formats[i]);
    }
    ck_assert_ptr_null(soc2_output_format_name((soc2_output_format)0));
    ck_assert_ptr_null(soc2_output_format_name((soc2_output_format)99));

    soc2_output_format out;
    soc2_error_clear();
    ck_assert_int_eq(soc2_output_format_from_name(&out, "xml"), SOC2_ENOTFOUND);
    ck_assert_int_eq(soc2_output_format_from_name(&out, "JSON"), SOC2_ENOTFOUND);
    ck_assert_int_eq(soc2_error_last()->code, SOC2_OK);
    ck_assert_int_eq(soc2_output_format_from_name(&out, NULL), SOC2_EINVAL);
    ck_assert_int_eq(soc2_output_format_from_name(NULL, "json"), SOC2_EINVAL);
}
END_TEST

/* Returns the documented fingerprint: the XXH3 128-bit hash of the rule ID,
 * the address and the path, each followed by a NUL byte, as 32 hex digits
 * of its canonical (big-endian) form. */
static void expected_fingerprint(char out[33], const char *rule, const char *address,
                                 const char *path)
{
    char key[256];
    size_t length = 0;
    const char *parts[] = {rule, address, path};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(parts[i]) + 1;
        ck_assert_uint_lt(length + n, sizeof(key));
        memcpy(key + length, parts[i], n);
        length += n;
    }
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(key, length));
    for (size_t i = 0; i < sizeof(canonical.digest); i++)
        snprintf(out + 2 * i, 3, "%02x", canonical.digest[i]);
}

/* Copies the fingerprint of each case's finding into `out`, by case. */
static void fingerprints_of(const soc2_report *report, char out[][33])
{
    soc2_finding_iterator *it;
    const soc2_finding *f;
    ck_assert_int_eq(soc2_finding_iterator_new(&it, report), SOC2_OK);
    while (soc2_finding_iterator_next(&f, it) == SOC2_OK) {
        const text_case *c = case_of(soc2_finding_resource_address(f));
        if (c)
            memcpy(out[c - cases], soc2_finding_fingerprint(f), 33);
    }
    soc2_finding_iterator_free(it);
}

START_TEST(fingerprint_is_hex_and_stable)
{
    scan s = scan_cases();
    char first[CASE_COUNT][33];
    fingerprints_of(s.report, first);
    for (size_t i = 0; i < CASE_COUNT; i++) {
        ck_assert_uint_eq(strlen(first[i]), 32);
        ck_assert_uint_eq(strspn(first[i], "0123456789abcdef"), 32);
        char expected[33];
        expected_fingerprint(expected, RULE_ID, cases[i].address, finding_path);
        ck_assert_str_eq(first[i], expected);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(first[i], first[j]);
    }

    /* Evaluated again: the same fingerprints. */
    soc2_report *again;
    ck_assert_int_eq(soc2_evaluate(&again, s.engine, s.snapshot, NULL), SOC2_OK);
    char second[CASE_COUNT][33];
    fingerprints_of(again, second);
    soc2_report_free(again);

    /* The same groups under another file name, five lines further down. */
    const char *names[CASE_COUNT];
    for (size_t i = 0; i < CASE_COUNT; i++)
        names[i] = cases[i].address;
    char *template = template_of(names, CASE_COUNT);
    size_t length = strlen(template);
    char *moved = malloc(length + 6);
    ck_assert_ptr_nonnull(moved);
    memcpy(moved, "\n\n\n\n\n", 5);
    memcpy(moved + 5, template, length + 1);
    scan other = scan_template(moved, "elsewhere/renamed.json");
    char third[CASE_COUNT][33];
    fingerprints_of(other.report, third);

    for (size_t i = 0; i < CASE_COUNT; i++) {
        ck_assert_str_eq(second[i], first[i]);
        ck_assert_str_eq(third[i], first[i]);
    }
    free(template);
    free(moved);
    scan_free(&other);
    scan_free(&s);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("writers");
    TCase *tc = tcase_create("writers");
    tcase_add_test(tc, json_keeps_text_valid);
    tcase_add_test(tc, sarif_keeps_text_valid);
    tcase_add_test(tc, xml_check_rejects_broken_documents);
    tcase_add_test(tc, json_streams_like_one_dump);
    tcase_add_test(tc, junit_keeps_text_valid);
    tcase_add_test(tc, html_shows_text_as_written);
    tcase_add_test(tc, csv_keeps_text_valid);
    tcase_add_test(tc, text_escapes_for_terminals);
    tcase_add_test(tc, write_rejects_bad_arguments);
    tcase_add_test(tc, callback_stop_gives_euser);
    tcase_add_test(tc, write_stream_and_file);
    tcase_add_test(tc, format_names_round_trip);
    tcase_add_test(tc, fingerprint_is_hex_and_stable);
    suite_add_tcase(s, tc);
    return s;
}
