/* Attribute paths of the canonical model: `a.b[0].c`, `tags["Cost Center"]`.
 * A path is parsed once (when a rule is compiled) into steps. */
#ifndef SOC2_UTIL_PATH_H
#define SOC2_UTIL_PATH_H

#include <stddef.h>

#include "strbuf.h"

/* Longest path a rule may use; deeper attributes are not in any schema. */
#define PATH_MAX_STEPS 32

typedef struct path_step {
    char *key;    /* NULL for a list index */
    size_t index; /* used when key is NULL */
} path_step;

typedef struct attr_path {
    path_step *steps;
    size_t count;
    char *text; /* the canonical spelling, for messages */
} attr_path;

/* Parses `text`. Returns 0, or -1 with a sentence in `error` saying what is
 * wrong and at which character (the path is then empty). An empty text is a
 * path of no steps: the value itself. */
int path_parse(attr_path *out, const char *text, strbuf *error);
void path_free(attr_path *path);

/* Appends one step to a rendered path: ".key" (or "key" at the start) for a
 * plain identifier, ["key"] otherwise, and "[3]" for an index. */
void path_append_key(strbuf *sb, const char *key);
void path_append_index(strbuf *sb, size_t index);

/* Returns whether `path` is `prefix` or lies below it (`a.b` is below `a`,
 * `a[0]` is below `a`, but `ab` is not below `a`). */
int path_has_prefix(const char *path, const char *prefix);

#endif
