/* The HTML report: one self-contained page for a person who reviews a scan.
 * It shows the scan's inputs and versions, the findings by status, the
 * SOC 2 posture and the failures as inline SVG charts (html_charts.c), the
 * rules with the most failed findings, and a table of every finding.
 *
 * The style sheet and the filter script (src/report/html/) are compiled
 * into the library and written inline. The page's Content-Security-Policy
 * allows only those two, by hash, and nothing else to load or run, so text
 * from the inputs could not run even if it escaped. Input text goes into
 * the page only through html_text(), and the script reads the rows' data
 * attributes, never markup or embedded JSON. docs/reports.md describes
 * the page. */
#include <stdlib.h>
#include <string.h>

#include <soc2/version.h>

#include "html_internal.h"
#include "writer_internal.h"
#include "../util/embedded.h"

#define DEFAULT_TITLE "SOC 2 compliance report"

/* Rules listed under "Top failing rules". */
#define TOP_RULE_COUNT 10

/* Returns the embedded asset `name` and sets `hash` to its CSP hash source.
 * The build embeds both assets, so the fallback is never written. */
static const char *find_asset(const char *name, const char **hash)
{
    for (size_t i = 0; soc2_html_asset_files[i].name; i++)
        if (strcmp(soc2_html_asset_files[i].name, name) == 0) {
            *hash = soc2_html_asset_files_csp_hashes[i];
            return soc2_html_asset_files[i].data;
        }
    *hash = "'none'";
    return "";
}

static void write_head(sink *s, const char *title)
{
    const char *style_hash, *script_hash;
    const char *style = find_asset("report.css", &style_hash);
    find_asset("report.js", &script_hash);

    sink_puts(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    sink_printf(s,
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src %s; script-src %s; base-uri 'none'; form-action 'none'\">\n",
                style_hash, script_hash);
    sink_puts(s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"libsoc2 " SOC2_VERSION_STRING "\">\n"
                 "<title>");
    html_text(s, title);
    sink_puts(s, "</title>\n<style>");
    sink_puts(s, style);
    sink_puts(s, "</style>\n</head>\n<body>\n<header>\n<h1 data-field=\"title\">");
    html_text(s, title);
    sink_puts(s, "</h1>\n</header>\n<main>\n");
}

static void write_scan(sink *s, const soc2_report *r, const soc2_write_options *options)
{
    char when[32];
    format_report_time(when, sizeof(when), r, options);
    const char *rules_version = report_rules_version(r);
    size_t resources = 0;
    for (size_t i = 0; i < r->document_count; i++)
        resources += r->snapshot->documents[i]->count;

    sink_puts(s, "<section id=\"scan\">\n<h2>Scan</h2>\n<dl class=\"meta\">\n");
    sink_printf(s, "<dt>Generated</dt><dd><time data-field=\"generated-at\" datetime=\"%s\">%s"
                   "</time></dd>\n", when, when);
    sink_puts(s, "<dt>libsoc2</dt><dd data-field=\"version\">" SOC2_VERSION_STRING "</dd>\n"
                 "<dt>Rule pack</dt><dd data-field=\"rules-version\">");
    html_text(s, rules_version ? rules_version : "custom rules only");
    sink_printf(s, "</dd>\n<dt>Rules evaluated</dt><dd data-count=\"rules\">%zu</dd>\n",
                r->evaluated_count);
    sink_printf(s, "<dt>Inputs</dt><dd><span data-count=\"inputs\">%zu</span> %s, "
                   "<span data-count=\"resources\">%zu</span> %s</dd>\n</dl>\n",
                r->document_count, r->document_count == 1 ? "file" : "files", resources,
                resources == 1 ? "resource" : "resources");

    sink_puts(s, "<table data-table=\"inputs\">\n<thead><tr><th>File</th><th>Format</th>"
                 "<th class=\"number\">Resources</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->document_count && !s->stopped; i++) {
        const soc2_document *d = r->snapshot->documents[i];
        sink_puts(s, "<tr><td class=\"file\">");
        html_text(s, d->name);
        sink_puts(s, "</td><td class=\"format\">");
        html_text(s, soc2_format_name(d->format));
        sink_printf(s, "</td><td class=\"number\" data-count=\"resources\">%zu</td></tr>\n",
                    d->count);
    }
    sink_puts(s, "</tbody>\n</table>\n</section>\n");
}

static void write_totals(sink *s, const soc2_report *r)
{
    sink_puts(s, "<section id=\"summary\">\n<h2>Findings by status</h2>\n"
                 "<ul class=\"totals\" data-summary=\"status\">\n");
    sink_printf(s, "<li><span class=\"number\" data-count=\"findings\">%zu</span> %s</li>\n",
                r->count, r->count == 1 ? "finding" : "findings");
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++)
        sink_printf(s,
                    "<li class=\"status-%s\"><span class=\"number\" data-count=\"%s\">%zu</span> "
                    "%s</li>\n",
                    html_statuses[i].name, html_statuses[i].name,
                    r->status_counts[html_statuses[i].status], html_statuses[i].word);
    sink_puts(s, "</ul>\n</section>\n");
}

static void write_posture(sink *s, const struct soc2_posture *items, size_t count)
{
    sink_puts(s, "<section id=\"posture\">\n<h2>SOC 2 posture</h2>\n<p class=\"note\">For each "
                 "trust services criterion that an evaluated rule supports: the findings of "
                 "those rules by status. A finding counts once under every criterion of its "
                 "rule.</p>\n");
    if (count == 0)
        sink_puts(s, "<p>No evaluated rule supports a SOC 2 criterion.</p>\n");
    else
        html_posture_chart(s, items, count);
    sink_puts(s, "</section>\n");
}

typedef struct service_failures {
    char *name;
    size_t count;
} service_failures;

static int compare_service_failures(const void *a, const void *b)
{
    const service_failures *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void free_service_failures(service_failures *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i].name);
    free(list);
}

/* Counts the failed findings of each AWS service (finding_service), most
 * failures first and ties by name. Returns 0, or -1 when memory runs out. */
static int count_service_failures(const soc2_report *r, service_failures **out, size_t *count)
{
    service_failures *list = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (r->findings[i].status != SOC2_FINDING_FAIL)
            continue;
        char buffer[64];
        const char *service = finding_service(&r->findings[i], buffer, sizeof(buffer));
        size_t j = 0;
        while (j < n && strcmp(list[j].name, service) != 0)
            j++;
        if (j == n) {
            if (n == cap) {
                size_t grown = cap ? cap * 2 : 16;
                service_failures *bigger = realloc(list, grown * sizeof(*list));
                if (!bigger)
                    goto fail;
                list = bigger;
                cap = grown;
            }
            list[n].name = strdup(service);
            list[n].count = 0;
            if (!list[n].name)
                goto fail;
            n++;
        }
        list[j].count++;
    }
    if (n > 0)
        qsort(list, n, sizeof(*list), compare_service_failures);
    *out = list;
    *count = n;
    return 0;

fail:
    free_service_failures(list, n);
    return -1;
}

static void write_failures(sink *s, const soc2_report *r)
{
    sink_puts(s, "<section id=\"failures\">\n<h2>Failed findings</h2>\n<div class=\"charts\">\n");

    size_t by_severity[SOC2_SEVERITY_CRITICAL + 1] = {0};
    for (size_t i = 0; i < r->count; i++)
        if (r->findings[i].status == SOC2_FINDING_FAIL)
            by_severity[r->findings[i].rule->severity]++;
    html_bar severity_bars[SOC2_SEVERITY_CRITICAL + 1];
    size_t bar_count = 0;
    for (int severity = SOC2_SEVERITY_CRITICAL; severity >= SOC2_SEVERITY_INFO; severity--) {
        severity_bars[bar_count].label = soc2_severity_name(severity);
        severity_bars[bar_count].count = by_severity[severity];
        bar_count++;
    }
    html_bar_chart(s, "severity", "Failed findings by severity", severity_bars, bar_count);

    service_failures *services;
    size_t service_count;
    if (count_service_failures(r, &services, &service_count) < 0) {
        s->pending.failed = 1;
        return;
    }
    html_bar *service_bars = calloc(service_count ? service_count : 1, sizeof(*service_bars));
    if (!service_bars) {
        free_service_failures(services, service_count);
        s->pending.failed = 1;
        return;
    }
    for (size_t i = 0; i < service_count; i++) {
        service_bars[i].label = services[i].name;
        service_bars[i].count = services[i].count;
    }
    if (service_count > 0)
        html_bar_chart(s, "service", "Failed findings by AWS service", service_bars,
                       service_count);
    else
        sink_puts(s, "<figure class=\"chart\" id=\"chart-service\"><figcaption>Failed findings "
                     "by AWS service</figcaption><p>No finding failed.</p></figure>\n");
    free(service_bars);
    free_service_failures(services, service_count);

    sink_puts(s, "</div>\n</section>\n");
}

/* Writes the SOC 2 criteria of a rule, each marked with data-criterion for
 * the filter, separated by spaces. */
static void write_criteria(sink *s, const soc2_rule *rule)
{
    int first = 1;
    for (size_t i = 0; i < rule->control_count; i++) {
        const control_ref *ref = &rule->controls[i];
        if (strcmp(ref->framework, "SOC2") != 0)
            continue;
        sink_puts(s, first ? "<span data-criterion=\"" : " <span data-criterion=\"");
        html_text(s, ref->control);
        sink_puts(s, "\">");
        html_text(s, ref->control);
        sink_puts(s, "</span>");
        first = 0;
    }
}

typedef struct rule_failures {
    size_t index; /* in report->evaluated */
    size_t count;
} rule_failures;

static int compare_rule_failures(const void *a, const void *b)
{
    const rule_failures *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Returns the failed findings of each evaluated rule, most first and ties
 * in rule order, or NULL when memory runs out. soc2_evaluate() groups
 * findings by rule, so the previous finding's rule is tried first and the
 * list of rules is searched once per rule. Findings in another order would
 * cost a search each. */
static rule_failures *count_rule_failures(const soc2_report *r)
{
    size_t n = r->evaluated_count;
    rule_failures *list = calloc(n ? n : 1, sizeof(*list));
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++)
        list[i].index = i;

    size_t last = 0;
    for (size_t i = 0; i < r->count; i++) {
        const soc2_finding *f = &r->findings[i];
        if (f->status != SOC2_FINDING_FAIL)
            continue;
        if (last >= n || r->evaluated[last] != f->rule)
            for (last = 0; last < n && r->evaluated[last] != f->rule; last++)
                ;
        if (last < n)
            list[last].count++;
    }
    qsort(list, n, sizeof(*list), compare_rule_failures);
    return list;
}

static void write_top_rules(sink *s, const soc2_report *r)
{
    rule_failures *list = count_rule_failures(r);
    if (!list) {
        s->pending.failed = 1;
        return;
    }
    sink_printf(s, "<section id=\"top-rules\">\n<h2>Top failing rules</h2>\n<p class=\"note\">"
                   "The rules with the most failed findings (at most %d), ties in rule order."
                   "</p>\n",
                TOP_RULE_COUNT);
    if (r->evaluated_count == 0 || list[0].count == 0) {
        sink_puts(s, "<p>No finding failed.</p>\n</section>\n");
        free(list);
        return;
    }

    sink_puts(s, "<table data-table=\"top-rules\">\n<thead><tr><th>Rule</th><th>Severity</th>"
                 "<th class=\"number\">Failed</th><th>SOC 2 criteria</th></tr></thead>\n"
                 "<tbody>\n");
    for (size_t i = 0; i < r->evaluated_count && i < TOP_RULE_COUNT && list[i].count > 0; i++) {
        const soc2_rule *rule = r->evaluated[list[i].index];
        sink_puts(s, "<tr data-rule=\"");
        html_text(s, rule->id);
        sink_puts(s, "\"><td class=\"rule\"><code>");
        html_text(s, rule->id);
        sink_puts(s, "</code><br><span class=\"title\">");
        html_text(s, rule->title);
        sink_printf(s, "</span></td><td class=\"severity\">%s</td>"
                       "<td class=\"number\" data-count=\"fail\">%zu</td><td class=\"criteria\">",
                    soc2_severity_name(rule->severity), list[i].count);
        write_criteria(s, rule);
        sink_puts(s, "</td></tr>\n");
    }
    sink_puts(s, "</tbody>\n</table>\n</section>\n");
    free(list);
}

static void write_filters(sink *s, const struct soc2_posture *items, size_t count)
{
    sink_puts(s, "<form id=\"filters\" class=\"filters\" hidden>\n<label>SOC 2 criterion "
                 "<select name=\"criterion\"><option value=\"\">all</option>");
    for (size_t i = 0; i < count; i++) {
        sink_puts(s, "<option value=\"");
        html_text(s, items[i].control);
        sink_puts(s, "\">");
        html_text(s, items[i].control);
        sink_puts(s, "</option>");
    }
    sink_puts(s, "</select></label>\n<label>Severity <select name=\"severity\">"
                 "<option value=\"\">all</option>");
    for (int severity = SOC2_SEVERITY_CRITICAL; severity >= SOC2_SEVERITY_INFO; severity--)
        sink_printf(s, "<option>%s</option>", soc2_severity_name(severity));
    sink_puts(s, "</select></label>\n<label>Status <select name=\"status\">"
                 "<option value=\"\">all</option>");
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++)
        sink_printf(s, "<option>%s</option>", html_statuses[i].name);
    sink_puts(s, "</select></label>\n<button type=\"reset\">Show all</button>\n</form>\n");
}

static void write_finding_row(sink *s, const soc2_finding *f)
{
    const char *status = soc2_finding_status_name(f->status);
    const char *severity = soc2_severity_name(f->rule->severity);
    sink_printf(s, "<tr data-status=\"%s\" data-severity=\"%s\" data-fingerprint=\"%s\" "
                   "data-rule=\"", status, severity, f->fingerprint);
    html_text(s, f->rule->id);
    sink_puts(s, "\">\n<td class=\"rule\"><code>");
    html_text(s, f->rule->id);
    sink_puts(s, "</code></td><td class=\"resource\">");
    html_text(s, soc2_finding_resource_address(f));
    sink_puts(s, "</td><td class=\"type\">");
    html_text(s, soc2_finding_resource_type(f));
    sink_printf(s, "</td><td class=\"status\"><span class=\"badge status-%s\">%s</span></td>"
                   "<td class=\"severity\">%s</td><td class=\"criteria\">",
                status, status, severity);
    write_criteria(s, f->rule);
    sink_puts(s, "</td><td class=\"location\">");
    const char *file = soc2_finding_file(f);
    if (file) {
        html_text(s, file);
        if (f->line > 0)
            sink_printf(s, ":%d", f->line);
    }
    sink_puts(s, "</td><td class=\"message\">");
    html_text(s, f->message);
    sink_puts(s, "</td>\n</tr>\n");
}

static void write_findings(sink *s, const soc2_report *r, const struct soc2_posture *items,
                           size_t count)
{
    sink_puts(s, "<section id=\"all-findings\">\n<h2>Findings</h2>\n<p class=\"note\">Every "
                 "finding, passes included, by rule and then by resource in load order. "
                 "Location is the file and line of the value that decided the outcome.</p>\n");
    write_filters(s, items, count);
    sink_printf(s, "<p class=\"shown\"><span id=\"findings-shown\" data-count=\"shown\">%zu"
                   "</span> of <span data-count=\"findings\">%zu</span> findings shown"
                   "<span id=\"findings-filter\"></span>.</p>\n",
                r->count, r->count);
    sink_puts(s, "<table id=\"findings\" data-table=\"findings\">\n<thead><tr><th>Rule</th>"
                 "<th>Resource</th><th>Type</th><th>Status</th><th>Severity</th>"
                 "<th>SOC 2 criteria</th><th>Location</th><th>Message</th></tr></thead>\n"
                 "<tbody>\n");
    for (size_t i = 0; i < r->count && !s->stopped; i++)
        write_finding_row(s, &r->findings[i]);
    sink_puts(s, "</tbody>\n</table>\n</section>\n");
}

int html_write(soc2_report *report, const soc2_write_options *options,
               soc2_write_callback callback, void *payload)
{
    /* A report that cannot be located still writes, without lines. */
    report_locate(report);

    sink s;
    sink_init(&s, callback, payload);
    struct soc2_posture *posture = NULL;
    size_t posture_count = 0;
    if (report_posture(report, "SOC2", &posture, &posture_count) < 0) {
        s.pending.failed = 1;
        return sink_finish(&s);
    }

    write_head(&s, options->title ? options->title : DEFAULT_TITLE);
    write_scan(&s, report, options);
    write_totals(&s, report);
    write_posture(&s, posture, posture_count);
    write_failures(&s, report);
    write_top_rules(&s, report);
    write_findings(&s, report, posture, posture_count);
    posture_free(posture, posture_count);

    const char *script_hash;
    sink_puts(&s, "</main>\n<footer>Written by libsoc2 " SOC2_VERSION_STRING
                  ". The page is self-contained: it loads nothing.</footer>\n<script>");
    sink_puts(&s, find_asset("report.js", &script_hash));
    sink_puts(&s, "</script>\n</body>\n</html>\n");
    return sink_finish(&s);
}
