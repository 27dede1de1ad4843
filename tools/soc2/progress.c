/* The progress line of `soc2 scan` on standard error: which file is being
 * parsed and how far, then which rule is being evaluated. It appears only
 * on a terminal, only once an operation has run for a moment (small inputs
 * never show it), and is erased before anything else is printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* How long an operation runs before the line appears, in milliseconds,
 * unless SOC2_PROGRESS_DELAY_MS sets another delay. */
#define SHOW_AFTER_MS 300

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void progress_init(progress_line *line, FILE *stream)
{
    line->stream = stream;
    line->enabled = isatty(fileno(stream));
    line->shown = 0;
    line->label = "";
    line->started = 0;
    line->last_percent = -1;
    line->delay_ms = SHOW_AFTER_MS;
    const char *delay = getenv("SOC2_PROGRESS_DELAY_MS");
    if (delay && *delay) {
        char *end;
        errno = 0;
        long value = strtol(delay, &end, 10);
        if (*end == '\0' && value >= 0 && errno == 0) {
            line->delay_ms = value;
        } else if (line->enabled) {
            /* The setting only matters on a terminal, and only there is it
             * worth a word. */
            fputs("soc2: warning: SOC2_PROGRESS_DELAY_MS=\"", stderr);
            put_escaped(stderr, delay);
            fprintf(stderr, "\" is not a whole number of milliseconds; using %d\n",
                    SHOW_AFTER_MS);
        }
    }
}

void progress_begin(progress_line *line, const char *label)
{
    line->label = label;
    line->started = now_ms();
    line->last_percent = -1;
}

int progress_report(soc2_progress_stage stage, unsigned long long done,
                    unsigned long long total, void *payload)
{
    progress_line *line = payload;
    /* The end of evaluation needs no line: the report comes next. */
    if (!line->enabled || total == 0 || (stage == SOC2_PROGRESS_EVALUATE && done >= total) ||
        now_ms() - line->started < line->delay_ms)
        return 0;
    int percent = (int)(done * 100 / total);
    if (percent == line->last_percent)
        return 0;
    line->last_percent = percent;

    /* \r returns to the start of the line and \x1b[K erases what is left. */
    fputs("\r\x1b[K", line->stream);
    if (stage == SOC2_PROGRESS_PARSE) {
        fputs("soc2: loading ", line->stream);
        put_escaped(line->stream, line->label);
        fprintf(line->stream, " %d%%", percent);
    } else {
        fprintf(line->stream, "soc2: evaluating rule %llu of %llu", done + 1, total);
    }
    fflush(line->stream);
    line->shown = 1;
    return 0;
}

void progress_clear(progress_line *line)
{
    if (!line->shown)
        return;
    fputs("\r\x1b[K", line->stream);
    fflush(line->stream);
    line->shown = 0;
}
