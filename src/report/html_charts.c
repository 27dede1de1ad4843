/* The inline SVG charts of the HTML report. Every chart writes its numbers
 * as text beside the shapes, and every shape has a <title>, so a chart
 * reads without colour, printed in black and white, or with a screen
 * reader. Each number carries data-count with the status it counts (the
 * names of the JSON report), and each row the criterion, severity or
 * service it is about, so that tests compare the page with the JSON
 * report. */
#include <stdio.h>
#include <string.h>

#include "html_internal.h"

/* Widths of the charts' coordinate systems, which the page shows at most
 * at their natural size. */
#define CHART_WIDTH 760
#define BAR_CHART_WIDTH 480

/* The posture chart: a legend, then per criterion a line of text and a bar
 * under it. */
#define LEGEND_HEIGHT 30
#define POSTURE_ROW_HEIGHT 46
#define POSTURE_BAR_OFFSET 21
#define POSTURE_BAR_HEIGHT 16

/* Bar charts: the label, then the bar, then its number. */
#define BAR_ROW_HEIGHT 26
#define BAR_HEIGHT 16
#define BAR_LABEL_WIDTH 110
#define BAR_MAX_WIDTH 320

const html_status html_statuses[SOC2_FINDING_STATUS_COUNT] = {
    {SOC2_FINDING_PASS, "pass", "passed"},
    {SOC2_FINDING_FAIL, "fail", "failed"},
    {SOC2_FINDING_WAIVED, "waived", "waived"},
    {SOC2_FINDING_UNKNOWN, "unknown", "unknown"},
    {SOC2_FINDING_ERROR, "error", "in error"},
};

void html_text(sink *s, const char *text)
{
    sink_xml(s, text, 1);
}

/* A fill pattern per status, so that segments differ in shape as well as
 * colour: solid, diagonal stripes, crossed lines, dots, horizontal
 * stripes. Indexed like html_statuses. */
static const char *const status_patterns[SOC2_FINDING_STATUS_COUNT] = {
    "<pattern id=\"posture-pass\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#1a7f37\"/></pattern>",

    "<pattern id=\"posture-fail\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#b42318\"/>"
    "<rect width=\"2\" height=\"6\" fill=\"#fff\" fill-opacity=\"0.6\"/></pattern>",

    "<pattern id=\"posture-waived\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#6e7781\"/><path d=\"M0 0L6 6M6 0L0 6\" "
    "stroke=\"#fff\" stroke-opacity=\"0.7\" stroke-width=\"1\"/></pattern>",

    "<pattern id=\"posture-unknown\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#bf8700\"/>"
    "<circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#fff\"/></pattern>",

    "<pattern id=\"posture-error\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
    "<rect width=\"6\" height=\"6\" fill=\"#6f42c1\"/>"
    "<rect y=\"2\" width=\"6\" height=\"2\" fill=\"#fff\" fill-opacity=\"0.6\"/></pattern>",
};

/* Returns n / largest of `width`, in hundredths. Lengths are computed in
 * integers and written by put_length, because printf's %f follows the
 * host's locale and could write a decimal comma. */
static unsigned long long scale(size_t n, size_t largest, int width)
{
    if (largest == 0)
        return 0;
    return ((unsigned long long)n * (unsigned long long)width * 100ULL +
            (unsigned long long)largest / 2) /
           (unsigned long long)largest;
}

static void put_length(sink *s, unsigned long long hundredths)
{
    sink_printf(s, "%llu.%02llu", hundredths / 100, hundredths % 100);
}

static size_t posture_total(const struct soc2_posture *item)
{
    size_t total = 0;
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++)
        total += item->counts[i];
    return total;
}

static void write_legend(sink *s)
{
    sink_puts(s, "<g class=\"legend\">");
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++) {
        int x = i * 130;
        sink_printf(s,
                    "<rect x=\"%d\" y=\"4\" width=\"18\" height=\"14\" fill=\"url(#posture-%s)\" "
                    "stroke=\"#57606a\" stroke-width=\"0.5\"/>"
                    "<text x=\"%d\" y=\"16\">%s</text>",
                    x, html_statuses[i].name, x + 24, html_statuses[i].word);
    }
    sink_puts(s, "</g>\n");
}

/* Writes the text line of one criterion: its ID, its number of findings
 * and the number of each status.
 * NOTE: SVG text does not wrap, so a line wider than the chart (a custom
 * control ID of more than about 40 characters) is cut off at its right
 * edge. The findings table shows every ID whole. */
static void write_posture_counts(sink *s, const struct soc2_posture *item, int y)
{
    sink_printf(s, "<text x=\"0\" y=\"%d\"><tspan class=\"criterion\">", y);
    html_text(s, item->control);
    size_t total = posture_total(item);
    sink_printf(s, "</tspan>: <tspan data-count=\"findings\">%zu</tspan> %s", total,
                total == 1 ? "finding" : "findings");
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++)
        sink_printf(s, ", <tspan data-count=\"%s\">%zu</tspan> %s", html_statuses[i].name, item->counts[html_statuses[i].status],
                    html_statuses[i].word);
    sink_puts(s, "</text>\n");
}

/* Writes the stacked bar of one criterion, scaled so that `largest`
 * findings fill the chart's width. */
static void write_posture_bar(sink *s, const struct soc2_posture *item, size_t largest, int y)
{
    size_t total = posture_total(item);
    if (total == 0) {
        sink_printf(s,
                    "<rect class=\"empty-bar\" x=\"0.5\" y=\"%d\" width=\"%d\" height=\"%d\">"
                    "<title>",
                    y, CHART_WIDTH - 1, POSTURE_BAR_HEIGHT);
        html_text(s, item->control);
        sink_puts(s, ": no findings</title></rect>\n");
        return;
    }

    /* Edges come from running sums, so rounding leaves no gaps. */
    size_t before = 0;
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++) {
        size_t n = item->counts[html_statuses[i].status];
        if (n == 0)
            continue;
        unsigned long long left = scale(before, largest, CHART_WIDTH);
        unsigned long long right = scale(before + n, largest, CHART_WIDTH);
        before += n;
        sink_printf(s, "<rect class=\"segment\" data-status=\"%s\" x=\"", html_statuses[i].name);
        put_length(s, left);
        sink_printf(s, "\" y=\"%d\" width=\"", y);
        put_length(s, right - left);
        sink_printf(s,
                    "\" height=\"%d\" fill=\"url(#posture-%s)\" stroke=\"#fff\" "
                    "stroke-width=\"0.5\"><title>",
                    POSTURE_BAR_HEIGHT, html_statuses[i].name);
        html_text(s, item->control);
        sink_printf(s, ": %zu of %zu findings %s</title></rect>\n", n, total,
                    html_statuses[i].word);
    }
}

void html_posture_chart(sink *s, const struct soc2_posture *items, size_t count)
{
    size_t largest = 0;
    for (size_t i = 0; i < count; i++)
        if (posture_total(&items[i]) > largest)
            largest = posture_total(&items[i]);
    int height = LEGEND_HEIGHT + (int)count * POSTURE_ROW_HEIGHT;

    sink_puts(s, "<figure class=\"chart\" id=\"chart-posture\">\n"
                 "<figcaption id=\"posture-caption\">Findings per SOC 2 criterion, by status"
                 "</figcaption>\n");
    sink_printf(s,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"posture-chart\" data-chart=\"posture\" "
                "role=\"group\" "
                "aria-labelledby=\"posture-caption\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                "height=\"%d\">\n",
                CHART_WIDTH, height, CHART_WIDTH, height);
    sink_puts(s, "<defs>");
    for (int i = 0; i < SOC2_FINDING_STATUS_COUNT; i++)
        sink_puts(s, status_patterns[i]);
    sink_puts(s, "</defs>\n");
    write_legend(s);

    for (size_t i = 0; i < count && !s->stopped; i++) {
        int top = LEGEND_HEIGHT + (int)i * POSTURE_ROW_HEIGHT;
        sink_puts(s, "<g data-criterion=\"");
        html_text(s, items[i].control);
        sink_puts(s, "\">\n");
        write_posture_counts(s, &items[i], top + 14);
        write_posture_bar(s, &items[i], largest, top + POSTURE_BAR_OFFSET);
        sink_puts(s, "</g>\n");
    }
    sink_puts(s, "</svg>\n</figure>\n");
}

/* The colour of a severity's bar, darker for the more severe. */
static const char *severity_colour(const char *severity)
{
    static const struct {
        const char *name;
        const char *colour;
    } colours[] = {
        {"critical", "#82071e"}, {"high", "#b42318"}, {"medium", "#bc4c00"},
        {"low", "#9a6700"},      {"info", "#0969da"},
    };
    for (size_t i = 0; i < sizeof(colours) / sizeof(colours[0]); i++)
        if (strcmp(colours[i].name, severity) == 0)
            return colours[i].colour;
    return "#0969da";
}

void html_bar_chart(sink *s, const char *name, const char *caption, const html_bar *bars,
                    size_t count)
{
    size_t largest = 0;
    for (size_t i = 0; i < count; i++)
        if (bars[i].count > largest)
            largest = bars[i].count;
    int height = 4 + (int)count * BAR_ROW_HEIGHT;
    int by_severity = strcmp(name, "severity") == 0;

    sink_printf(s, "<figure class=\"chart\" id=\"chart-%s\">\n<figcaption id=\"%s-caption\">",
                name, name);
    html_text(s, caption);
    sink_printf(s,
                "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar-chart\" "
                "data-chart=\"%s\" role=\"group\" aria-labelledby=\"%s-caption\" "
                "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n",
                name, name, BAR_CHART_WIDTH, height, BAR_CHART_WIDTH, height);

    for (size_t i = 0; i < count && !s->stopped; i++) {
        int top = 4 + (int)i * BAR_ROW_HEIGHT;
        unsigned long long width = scale(bars[i].count, largest, BAR_MAX_WIDTH);

        sink_printf(s, "<g data-%s=\"", name);
        html_text(s, bars[i].label);
        sink_printf(s, "\">\n<text x=\"0\" y=\"%d\">", top + 13);
        html_text(s, bars[i].label);
        sink_printf(s, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"", BAR_LABEL_WIDTH, top);
        put_length(s, width);
        sink_printf(s, "\" height=\"%d\" fill=\"%s\"><title>", BAR_HEIGHT,
                    by_severity ? severity_colour(bars[i].label) : "#0969da");
        html_text(s, bars[i].label);
        sink_printf(s, ": %zu failed %s</title></rect>\n", bars[i].count,
                    bars[i].count == 1 ? "finding" : "findings");
        sink_puts(s, "<text x=\"");
        put_length(s, (unsigned long long)(BAR_LABEL_WIDTH + 6) * 100 + width);
        sink_printf(s, "\" y=\"%d\" data-count=\"fail\">%zu</text>\n</g>\n", top + 13,
                    bars[i].count);
    }
    sink_puts(s, "</svg>\n</figure>\n");
}
