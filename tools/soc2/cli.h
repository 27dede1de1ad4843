/* Declarations shared by the files of the soc2 command-line program. The
 * program reaches libsoc2 only through its public headers. */
#ifndef SOC2_CLI_H
#define SOC2_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <soc2/soc2.h>

/* Exit statuses of the program. A bad input wins over failed findings. */
enum {
    CLI_EXIT_OK = 0,              /* no finding failed */
    CLI_EXIT_FINDINGS_FAILED = 1, /* at least one finding has status fail */
    CLI_EXIT_BAD_INPUT = 2        /* a bad invocation, input file or rule file */
};


/* A growable list of borrowed strings (they point into argv). */
typedef struct string_list {
    const char **items;
    size_t count;
    size_t capacity;
} string_list;

int string_list_append(string_list *list, const char *item);
int string_list_contains(const string_list *list, const char *item);
void string_list_free(string_list *list);

typedef struct scan_options {
    soc2_output_format format;
    const char *output_path;    /* NULL for stdout */
    string_list rule_files;
    int no_builtin;
    string_list rule_ids;       /* empty for every rule; no duplicates */
    soc2_format input_format;
    const char *title;          /* --title for the HTML report, or NULL */
    int verbose;
    const char *color;          /* --color: "auto", "always" or "never" */
    int progress;               /* --progress/--no-progress; -1 for auto */
    string_list paths;
} scan_options;

typedef struct rules_options {
    soc2_output_format format;
    string_list rule_files;
    int no_builtin;
} rules_options;

/* Outcome of parsing a command's arguments. */
typedef enum parse_result {
    PARSE_OK = 0,
    PARSE_HELP_SHOWN = 1,   /* --help was given; exit 0 */
    PARSE_USAGE_ERROR = 2   /* the error is printed; exit CLI_EXIT_BAD_INPUT */
} parse_result;

/* options.c */
void print_main_usage(FILE *stream);
void print_scan_usage(FILE *stream);
void print_rules_usage(FILE *stream);
parse_result parse_scan_options(scan_options *options, int argc, char **argv);
parse_result parse_rules_options(rules_options *options, int argc, char **argv);
void scan_options_free(scan_options *options);
void rules_options_free(rules_options *options);

/* escape.c */
/* Writes `text` with control characters escaped (\n, \t, \x1b). */
void put_escaped(FILE *stream, const char *text);

/* diagnostics.c */
extern const char *const program_name;
void print_library_error(const char *fallback_file);
void print_input_error(const char *file, const char *message);
void print_skip_note(const char *file, const char *reason);
int is_unrecognized_format_error(const soc2_error *error);
/* soc2_write_callback that appends to the FILE * given as payload. */
int write_to_stream(const char *data, size_t length, void *payload);
int finish_output(FILE *stream, const char *name);

/* discover.c */

/* Called for each file found under a folder, in sorted order. */
typedef void (*found_file_callback)(const char *path, void *payload);

/* Walks `folder` recursively and calls `callback` for every regular file
 * whose name ends in .json or .template. Returns the number of folders that
 * could not be read (each reported on stderr), or -1 when memory ran out. */
int discover_files(const char *folder, found_file_callback callback, void *payload);

/* progress.c */

/* The progress line on a terminal. */
typedef struct progress_line {
    FILE *stream;
    int enabled;        /* the stream is a terminal */
    int shown;          /* the line is on the screen now */
    const char *label;  /* the file being loaded; borrowed */
    long long started;  /* when the operation began, in milliseconds */
    long delay_ms;      /* how long an operation runs before the line shows */
    int last_percent;
} progress_line;

void progress_init(progress_line *line, FILE *stream);
/* Starts timing an operation on `label` (a file name, or "" for rules). */
void progress_begin(progress_line *line, const char *label);
/* soc2_progress_callback that draws the line; the payload is the line. */
int progress_report(soc2_progress_stage stage, unsigned long long done,
                    unsigned long long total, void *payload);
/* Erases the line, if shown, so that other output starts on a clean line. */
void progress_clear(progress_line *line);

/* rules.c */
int open_engine(soc2_engine **out, const string_list *rule_files, int no_builtin);
int run_rules(int argc, char **argv);

/* scan.c */
int run_scan(int argc, char **argv);

#endif
