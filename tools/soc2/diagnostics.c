/* Messages on standard error, and the checks of the streams reports are
 * written to. Errors about an input take the form compilers use, so that
 * editors and CI systems can jump to the place:
 * `FILE:LINE:COLUMN: error: MESSAGE`, with LINE and COLUMN left out when the
 * library does not know them. */
#include <errno.h>
#include <string.h>

#include "cli.h"

const char *const program_name = "soc2";

static void print_located(const char *file, int line, int column, const char *kind,
                          const char *message)
{
    put_escaped(stderr, file);
    if (line > 0 && column > 0)
        fprintf(stderr, ":%d:%d", line, column);
    else if (line > 0)
        fprintf(stderr, ":%d", line);
    fprintf(stderr, ": %s: ", kind);
    put_escaped(stderr, message);
    fputc('\n', stderr);
}

/* Prints the last libsoc2 error of this thread. `fallback_file` names the
 * input when the library recorded no file (an allocation failure, say). */
void print_library_error(const char *fallback_file)
{
    const soc2_error *error = soc2_error_last();
    const char *file = error->file ? error->file : fallback_file;

    if (file)
        print_located(file, error->line, error->column, "error", error->message);
    else
        fprintf(stderr, "%s: error: %s\n", program_name, error->message);
}

void print_input_error(const char *file, const char *message)
{
    print_located(file, 0, 0, "error", message);
}

void print_skip_note(const char *file, const char *reason)
{
    put_escaped(stderr, file);
    fputs(": note: skipped: ", stderr);
    put_escaped(stderr, reason);
    fputc('\n', stderr);
}

/* Tells whether a failed load means "this JSON is not a format libsoc2
 * reads", as opposed to a document of a known format that is broken. */
int is_unrecognized_format_error(const soc2_error *error)
{
    return error->code == SOC2_EUNRECOGNIZED;
}

int write_to_stream(const char *data, size_t length, void *payload)
{
    return fwrite(data, 1, length, payload) == length ? 0 : -1;
}

/* Flushes a report stream and reports a write error on it (a full disk, a
 * closed pipe). Returns 0 on success, -1 after printing the error. */
int finish_output(FILE *stream, const char *name)
{
    if (fflush(stream) != 0) {
        fprintf(stderr, "%s: error: writing %s failed: %s\n", program_name, name,
                strerror(errno));
        return -1;
    }
    if (ferror(stream)) {
        /* An earlier write failed, and errno may no longer describe it. */
        fprintf(stderr, "%s: error: writing %s failed\n", program_name, name);
        return -1;
    }
    return 0;
}
