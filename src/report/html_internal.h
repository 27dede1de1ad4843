/* Pieces of the HTML report shared by html_writer.c (the page and its
 * tables) and html_charts.c (its inline SVG charts). */
#ifndef SOC2_REPORT_HTML_INTERNAL_H
#define SOC2_REPORT_HTML_INTERNAL_H

#include <stddef.h>

#include "report_internal.h"
#include "sink.h"

/* A status as the page shows it: its name (the data-status and data-count
 * value, as in the JSON report) and the word the page writes for it. */
typedef struct html_status {
    soc2_finding_status status;
    const char *name;
    const char *word;
} html_status;

/* Every status in the order the page lists them: pass, fail, waived,
 * unknown, error. */
extern const html_status html_statuses[SOC2_FINDING_STATUS_COUNT];

/* Writes `text` escaped for HTML, in character data and in attribute values
 * alike: markup characters and quotes become references, and so do tab,
 * line feed and carriage return, which an HTML parser would otherwise
 * normalize. Invalid UTF-8 becomes U+FFFD. NULL writes nothing. */
void html_text(sink *s, const char *text);

/* One bar of a bar chart of failed findings. */
typedef struct html_bar {
    const char *label; /* a severity or service name */
    size_t count;
} html_bar;

/* Writes the posture chart: for each SOC 2 criterion a stacked horizontal
 * bar of its findings by status, and the counts as text above it. */
void html_posture_chart(sink *s, const struct soc2_posture *items, size_t count);

/* Writes a horizontal bar chart of failed findings in a <figure>. `name`
 * names the chart in its element IDs, in data-chart and in the data
 * attribute that carries each bar's label (data-severity for "severity");
 * bars of a "severity" chart are coloured by severity. */
void html_bar_chart(sink *s, const char *name, const char *caption, const html_bar *bars,
                    size_t count);

#endif
