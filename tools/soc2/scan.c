/* The `soc2 scan` command: load every input into one snapshot, evaluate the
 * engine against it and write the report.
 *
 * A bad input does not stop the scan. It is reported on stderr, the other
 * inputs are still loaded and reported, and the exit status becomes
 * CLI_EXIT_BAD_INPUT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* A file already loaded, by device and inode. */
typedef struct file_identity {
    dev_t device;
    ino_t inode;
} file_identity;

typedef struct scan_inputs {
    soc2_snapshot *snapshot;
    soc2_format format;
    size_t failed_count;   /* inputs reported as errors */
    int out_of_memory;
    file_identity *loaded; /* files loaded so far */
    size_t loaded_count, loaded_capacity;
    progress_line progress;
} scan_inputs;

/* Returns whether the file at `path` was loaded already under this or
 * another name (`scan f.json ./f.json dir/`), and remembers it when not. */
static int already_loaded(scan_inputs *inputs, const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0)
        return 0;
    for (size_t i = 0; i < inputs->loaded_count; i++)
        if (inputs->loaded[i].device == info.st_dev && inputs->loaded[i].inode == info.st_ino)
            return 1;
    if (inputs->loaded_count == inputs->loaded_capacity) {
        size_t capacity = inputs->loaded_capacity ? inputs->loaded_capacity * 2 : 16;
        file_identity *grown = realloc(inputs->loaded, capacity * sizeof(*grown));
        if (!grown)
            return 0;
        inputs->loaded = grown;
        inputs->loaded_capacity = capacity;
    }
    inputs->loaded[inputs->loaded_count].device = info.st_dev;
    inputs->loaded[inputs->loaded_count].inode = info.st_ino;
    inputs->loaded_count++;
    return 0;
}

/* Loads one file. A document of no supported format is skipped with a note when
 * the file was found in a folder, and is an error when it was named on the
 * command line. A file reached twice is loaded once. */
static void load_input_file(scan_inputs *inputs, const char *path, int found_in_folder)
{
    if (already_loaded(inputs, path)) {
        print_skip_note(path, "already scanned under another path");
        return;
    }
    progress_begin(&inputs->progress, path);
    int rc = soc2_snapshot_load_file(inputs->snapshot, path, inputs->format);
    progress_clear(&inputs->progress);
    if (rc == SOC2_OK)
        return;

    const soc2_error *error = soc2_error_last();
    if (found_in_folder && is_unrecognized_format_error(error)) {
        print_skip_note(path, error->message);
        return;
    }
    print_library_error(path);
    inputs->failed_count++;
    if (error->code == SOC2_ENOMEM)
        inputs->out_of_memory = 1;
}

static void load_found_file(const char *path, void *payload)
{
    load_input_file(payload, path, 1);
}

static void load_path(scan_inputs *inputs, const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0) {
        char message[256];
        snprintf(message, sizeof(message), "cannot open: %s", strerror(errno));
        print_input_error(path, message);
        inputs->failed_count++;
        return;
    }
    if (!S_ISDIR(info.st_mode)) {
        load_input_file(inputs, path, 0);
        return;
    }

    int folder_errors = discover_files(path, load_found_file, inputs);
    if (folder_errors < 0) {
        fprintf(stderr, "%s: error: out of memory while listing %s\n", program_name, path);
        inputs->failed_count++;
        inputs->out_of_memory = 1;
        return;
    }
    inputs->failed_count += (size_t)folder_errors;
}

/* Rejects a --rule ID that the engine does not have, before any input is
 * read. */
static int check_rule_ids(const soc2_engine *engine, const string_list *rule_ids)
{
    int unknown = 0;
    for (size_t i = 0; i < rule_ids->count; i++) {
        const soc2_rule *rule;
        if (soc2_engine_find_rule(&rule, engine, rule_ids->items[i]) != SOC2_OK) {
            fprintf(stderr, "soc2 scan: unknown rule ID '%s'; run 'soc2 rules' to list them\n",
                    rule_ids->items[i]);
            unknown = 1;
        }
    }
    return unknown ? -1 : 0;
}

/* Colours go to a terminal only, and never when NO_COLOR is set to
 * anything but the empty string (https://no-color.org). */
static int wants_color(FILE *stream)
{
    const char *no_color = getenv("NO_COLOR");
    return isatty(fileno(stream)) && !(no_color && no_color[0] != '\0');
}

static int write_report(const scan_options *options, const soc2_report *report)
{
    FILE *stream = stdout;
    const char *stream_name = "standard output";
    if (options->output_path) {
        stream = fopen(options->output_path, "w");
        stream_name = options->output_path;
        if (!stream) {
            fprintf(stderr, "%s: error: cannot open %s for writing: %s\n", program_name,
                    options->output_path, strerror(errno));
            return -1;
        }
    }

    /* Relative input paths are relative to the working folder, which SARIF
     * names as their base. */
    char folder[4096];
    soc2_write_options write_options = SOC2_WRITE_OPTIONS_INIT;
    write_options.title = options->title;
    if (getcwd(folder, sizeof(folder)))
        write_options.source_root = folder;
    if (options->verbose)
        write_options.flags |= SOC2_WRITE_PASSED;
    if (options->format == SOC2_OUTPUT_TEXT && wants_color(stream))
        write_options.flags |= SOC2_WRITE_COLOR;
    int rc = soc2_report_write(report, options->format, &write_options, write_to_stream, stream);
    /* SOC2_EUSER means a write failed; finish_output reports it. */
    if (rc != SOC2_OK && rc != SOC2_EUSER)
        print_library_error(NULL);
    rc = rc == SOC2_OK ? 0 : -1;

    if (finish_output(stream, stream_name) < 0)
        rc = -1;
    if (stream != stdout && fclose(stream) != 0 && rc == 0) {
        fprintf(stderr, "%s: error: closing %s failed: %s\n", program_name, stream_name,
                strerror(errno));
        rc = -1;
    }
    return rc;
}

/* Loads the inputs, evaluates and writes the report. Returns the exit
 * status. */
static int scan(const scan_options *options, const soc2_engine *engine)
{
    scan_inputs inputs = {0};
    inputs.format = options->input_format;
    if (soc2_snapshot_new(&inputs.snapshot) != SOC2_OK) {
        print_library_error(NULL);
        return CLI_EXIT_BAD_INPUT;
    }
    progress_init(&inputs.progress, stderr);
    soc2_snapshot_set_progress(inputs.snapshot, progress_report, &inputs.progress);

    for (size_t i = 0; i < options->paths.count && !inputs.out_of_memory; i++)
        load_path(&inputs, options->paths.items[i]);

    free(inputs.loaded);
    size_t file_count = soc2_snapshot_document_count(inputs.snapshot);
    if (file_count == 0 || inputs.out_of_memory) {
        /* Evaluating nothing would only fail the account-scope rules. */
        if (file_count == 0 && inputs.failed_count == 0)
            fputs("soc2 scan: no input to evaluate; the paths hold no document of a "
                  "supported format\n",
                  stderr);
        soc2_snapshot_free(inputs.snapshot);
        return CLI_EXIT_BAD_INPUT;
    }

    soc2_eval_options eval_options = SOC2_EVAL_OPTIONS_INIT;
    if (options->rule_ids.count > 0) {
        eval_options.rule_ids = options->rule_ids.items;
        eval_options.rule_id_count = options->rule_ids.count;
    }
    eval_options.progress = progress_report;
    eval_options.progress_payload = &inputs.progress;
    progress_begin(&inputs.progress, "");
    soc2_report *report;
    int evaluated = soc2_evaluate(&report, engine, inputs.snapshot, &eval_options);
    progress_clear(&inputs.progress);
    if (evaluated != SOC2_OK) {
        print_library_error(NULL);
        soc2_snapshot_free(inputs.snapshot);
        return CLI_EXIT_BAD_INPUT;
    }

    int write_failed = write_report(options, report) < 0;
    size_t fail_count = soc2_report_count(report, SOC2_FINDING_FAIL);

    soc2_report_free(report);
    soc2_snapshot_free(inputs.snapshot);

    if (inputs.failed_count > 0)
        fprintf(stderr, "soc2 scan: %zu %s could not be loaded; the report leaves %s out\n",
                inputs.failed_count, inputs.failed_count == 1 ? "input" : "inputs",
                inputs.failed_count == 1 ? "it" : "them");
    if (write_failed || inputs.failed_count > 0)
        return CLI_EXIT_BAD_INPUT;
    return fail_count > 0 ? CLI_EXIT_FINDINGS_FAILED : CLI_EXIT_OK;
}

int run_scan(int argc, char **argv)
{
    scan_options options;
    parse_result parsed = parse_scan_options(&options, argc, argv);
    if (parsed != PARSE_OK) {
        scan_options_free(&options);
        return parsed == PARSE_HELP_SHOWN ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
    }

    int status = CLI_EXIT_BAD_INPUT;
    soc2_engine *engine;
    if (open_engine(&engine, &options.rule_files, options.no_builtin) == 0) {
        if (soc2_engine_rule_count(engine) == 0) {
            fputs("soc2 scan: no rules to evaluate; give --rules FILE or leave out "
                  "--no-builtin\n",
                  stderr);
        } else if (check_rule_ids(engine, &options.rule_ids) == 0) {
            status = scan(&options, engine);
        } else {
            fputs("Run 'soc2 scan --help' for usage.\n", stderr);
        }
        soc2_engine_free(engine);
    }

    scan_options_free(&options);
    return status;
}
