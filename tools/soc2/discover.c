/* Finding the input files under a folder.
 *
 * Entries are visited in byte order of their names, folder by folder, so two
 * scans of the same tree load the files in the same order and print the same
 * report. Hidden entries (.git, .terraform) are skipped, and so are symbolic
 * links to folders: following them could loop or leave the tree. Symbolic
 * links to files are read like files. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int ends_with(const char *name, const char *suffix)
{
    size_t name_length = strlen(name);
    size_t suffix_length = strlen(suffix);
    return name_length > suffix_length &&
           strcmp(name + name_length - suffix_length, suffix) == 0;
}

/* The names inputs have: JSON (.cfn.json ends in .json too), CloudFormation
 * templates (.template, .yaml, .yml) and Terraform state files. */
static int is_input_name(const char *name)
{
    static const char *const suffixes[] = {".json", ".template", ".yaml", ".yml", ".tfstate"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
        if (ends_with(name, suffixes[i]))
            return 1;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join_path(const char *folder, const char *name)
{
    size_t folder_length = strlen(folder);
    int needs_separator = folder_length > 0 && folder[folder_length - 1] != '/';
    size_t size = folder_length + (size_t)needs_separator + strlen(name) + 1;
    char *path = malloc(size);
    if (path)
        snprintf(path, size, "%s%s%s", folder, needs_separator ? "/" : "", name);
    return path;
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

/* Reads the names of the visible entries of a folder, sorted. Returns 0,
 * 1 when the folder cannot be read (reported), or -1 when memory ran out. */
static int read_sorted_names(const char *folder, char ***out, size_t *out_count)
{
    DIR *dir = opendir(folder);
    if (!dir) {
        char message[256];
        snprintf(message, sizeof(message), "cannot open folder: %s", strerror(errno));
        print_input_error(folder, message);
        return 1;
    }

    char **names = NULL;
    size_t count = 0;
    size_t capacity = 0;
    struct dirent *entry;
    int rc = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        if (count == capacity) {
            size_t new_capacity = capacity ? capacity * 2 : 16;
            char **grown = realloc(names, new_capacity * sizeof(*grown));
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
            capacity = new_capacity;
        }
        if (!(names[count] = strdup(entry->d_name))) {
            rc = -1;
            break;
        }
        count++;
    }
    closedir(dir);

    if (rc < 0) {
        free_names(names, count);
        return rc;
    }
    if (count > 1)
        qsort(names, count, sizeof(*names), compare_names);
    *out = names;
    *out_count = count;
    return 0;
}

/* Visits one entry of a folder. Returns the number of errors reported, or
 * -1 when memory ran out. */
static int visit_entry(const char *path, const char *name, found_file_callback callback,
                       void *payload)
{
    struct stat info;
    if (lstat(path, &info) != 0) {
        char message[256];
        snprintf(message, sizeof(message), "cannot read: %s", strerror(errno));
        print_input_error(path, message);
        return 1;
    }

    if (S_ISDIR(info.st_mode))
        return discover_files(path, callback, payload);

    if (S_ISLNK(info.st_mode)) {
        struct stat target;
        if (stat(path, &target) == 0 && S_ISDIR(target.st_mode))
            return 0;
        /* A link to a file, or a dangling link that the loader reports as
         * unreadable when its name is an input name. */
    } else if (!S_ISREG(info.st_mode)) {
        /* A FIFO or a device with an input name is reported, not skipped:
         * reading it could block or never end. Other names are not inputs. */
        if (!is_input_name(name))
            return 0;
        print_input_error(path, S_ISFIFO(info.st_mode) ? "is a FIFO, not a regular file"
                                                        : "is not a regular file");
        return 1;
    }

    if (is_input_name(name))
        callback(path, payload);
    return 0;
}

int discover_files(const char *folder, found_file_callback callback, void *payload)
{
    char **names = NULL;
    size_t count = 0;
    int rc = read_sorted_names(folder, &names, &count);
    if (rc != 0)
        return rc;

    int errors = 0;
    for (size_t i = 0; i < count; i++) {
        char *path = join_path(folder, names[i]);
        if (!path) {
            errors = -1;
            break;
        }
        rc = visit_entry(path, names[i], callback, payload);
        free(path);
        if (rc < 0) {
            errors = -1;
            break;
        }
        errors += rc;
    }

    free_names(names, count);
    return errors;
}
