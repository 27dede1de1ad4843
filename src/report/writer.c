/* The entry points of soc2/writer.h: format names, and writing a report to
 * a callback, a stream or a file through the writer of its format. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <soc2/writer.h>

#include "writer_internal.h"
#include "../core/error.h"

typedef int (*writer_fn)(soc2_report *report, const soc2_write_options *options,
                         soc2_write_callback callback, void *payload);

static const struct {
    soc2_output_format format;
    const char *name;
    writer_fn write;
} writers[] = {
    {SOC2_OUTPUT_JSON, "json", json_report_write},  {SOC2_OUTPUT_SARIF, "sarif", sarif_write},
    {SOC2_OUTPUT_JUNIT, "junit", junit_write},      {SOC2_OUTPUT_CSV, "csv", csv_write},
    {SOC2_OUTPUT_HTML, "html", html_write},         {SOC2_OUTPUT_TEXT, "text", text_write},
};
#define WRITER_COUNT (sizeof(writers) / sizeof(writers[0]))

const char *soc2_output_format_name(soc2_output_format format)
{
    for (size_t i = 0; i < WRITER_COUNT; i++)
        if (writers[i].format == format)
            return writers[i].name;
    return NULL;
}

int soc2_output_format_from_name(soc2_output_format *out, const char *name)
{
    if (!out || !name)
        return error_set(SOC2_EINVAL, "out and name must not be NULL");
    for (size_t i = 0; i < WRITER_COUNT; i++)
        if (strcmp(writers[i].name, name) == 0) {
            *out = writers[i].format;
            return SOC2_OK;
        }
    return SOC2_ENOTFOUND;
}

/* Finds the writer of `format` and checks the options. Returns SOC2_OK with
 * *write and *options set, or SOC2_EINVAL with the error recorded. */
static int choose_writer(soc2_output_format format, const soc2_write_options **options,
                         writer_fn *write)
{
    static const soc2_write_options defaults = SOC2_WRITE_OPTIONS_INIT;
    if (!*options)
        *options = &defaults;
    if ((*options)->version != SOC2_WRITE_OPTIONS_VERSION)
        return error_set(SOC2_EINVAL, "soc2_write_options version %u is not known (expected %d)",
                         (*options)->version, SOC2_WRITE_OPTIONS_VERSION);
    for (size_t i = 0; i < WRITER_COUNT; i++)
        if (writers[i].format == format) {
            *write = writers[i].write;
            return SOC2_OK;
        }
    return error_set(SOC2_EINVAL, "unknown output format %d", (int)format);
}

int soc2_report_write(const soc2_report *report, soc2_output_format format,
                      const soc2_write_options *options, soc2_write_callback callback,
                      void *payload)
{
    if (!report || !callback)
        return error_set(SOC2_EINVAL, "report and callback must not be NULL");
    writer_fn write;
    int rc = choose_writer(format, &options, &write);
    if (rc != SOC2_OK)
        return rc;

    /* The report belongs to the calling thread, which may fill in its
     * source positions. */
    return write((soc2_report *)report, options, callback, payload);
}

static int write_to_stream(const char *data, size_t length, void *payload)
{
    return fwrite(data, 1, length, payload) == length ? 0 : -1;
}

int soc2_report_write_stream(const soc2_report *report, soc2_output_format format,
                             const soc2_write_options *options, FILE *stream)
{
    if (!stream)
        return error_set(SOC2_EINVAL, "stream must not be NULL");
    int rc = soc2_report_write(report, format, options, write_to_stream, stream);
    if (rc == SOC2_EUSER)
        return error_set(SOC2_EIO, "writing the report failed: %s", strerror(errno));
    return rc;
}

int soc2_report_write_file(const soc2_report *report, soc2_output_format format,
                           const soc2_write_options *options, const char *path)
{
    if (!report || !path)
        return error_set(SOC2_EINVAL, "report and path must not be NULL");
    /* A bad format or options leave an existing file alone. */
    writer_fn write;
    int rc = choose_writer(format, &options, &write);
    if (rc != SOC2_OK)
        return rc;

    FILE *f = fopen(path, "wb");
    if (!f)
        return error_set(SOC2_EIO, "cannot write %s: %s", path, strerror(errno));
    rc = write((soc2_report *)report, options, write_to_stream, f);
    int closed = fclose(f);
    if (rc == SOC2_EUSER || (rc == SOC2_OK && closed != 0))
        rc = error_set(SOC2_EIO, "writing %s failed: %s", path, strerror(errno));
    /* No half-written report is left behind; a device or a pipe named as
     * the output is not a report, and stays. */
    struct stat info;
    if (rc != SOC2_OK && lstat(path, &info) == 0 && S_ISREG(info.st_mode))
        remove(path);
    return rc;
}

void format_report_time(char *out, size_t size, const soc2_report *report,
                        const soc2_write_options *options)
{
    time_t when = options->generated_at ? (time_t)options->generated_at : report->created;
    struct tm tm;
    if (!gmtime_r(&when, &tm) || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, size, "1970-01-01T00:00:00Z");
}

const char *report_rules_version(const soc2_report *report)
{
    for (size_t i = 0; i < report->evaluated_count; i++)
        if (report->evaluated[i]->origin == SOC2_RULE_BUILTIN)
            return soc2_builtin_rules_version();
    return NULL;
}
