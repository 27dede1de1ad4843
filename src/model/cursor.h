/* A cursor points at one value inside a resource together with the matching
 * part of the unknown mask, and knows the path that led there. Cursors are
 * small values kept on the stack; a child points to its parent, so a parent
 * must outlive its children. */
#ifndef SOC2_MODEL_CURSOR_H
#define SOC2_MODEL_CURSOR_H

#include <jansson.h>

#include "model.h"
#include "../util/path.h"
#include "../util/strbuf.h"

typedef enum value_state {
    VALUE_PRESENT, /* a known value, possibly with unknown parts below it */
    VALUE_MISSING, /* absent or JSON null */
    VALUE_UNKNOWN  /* the whole value is not known until apply */
} value_state;

typedef struct cursor {
    const struct cursor *parent; /* NULL at a resource root */
    const char *key;             /* the step from the parent, or NULL ... */
    size_t index;                /* ... for a list index */
    const soc2_resource *resource;
    const json_t *value; /* NULL when missing */
    const json_t *mask;  /* NULL when known; json true when unknown */
    int type_error;      /* set when a step went into a value that is not a
                            container of that kind (a key of a string, an
                            index of an object), here or above */
} cursor;

void cursor_root(cursor *out, const soc2_resource *resource);
/* Starts a cursor at an arbitrary value (a parsed policy document, say),
 * reached from `parent` by `key`. The value is treated as fully known. */
void cursor_detached(cursor *out, const cursor *parent, const char *key, const json_t *value);
void cursor_child_key(cursor *out, const cursor *c, const char *key);
void cursor_child_index(cursor *out, const cursor *c, size_t index);

/* Follows `path` from `c`. `chain` must have room for path->count + 1
 * cursors; returns the last one (chain[path->count], or `c` itself for an
 * empty path). */
const cursor *cursor_follow(cursor *chain, const cursor *c, const attr_path *path);

value_state cursor_state(const cursor *c);

/* When the path to `c` stepped into a value of the wrong kind, returns the
 * cursor of that value and writes a sentence saying what it is ("ingress is
 * a string, not a list") to `note`; returns NULL otherwise. */
const cursor *cursor_type_error(const cursor *c, strbuf *note);
/* Returns whether any part at or below the cursor is unknown. */
int cursor_has_unknown(const cursor *c);
/* Returns whether the cursor's value is unknown but known to be concrete:
 * a reference to another resource of the snapshot (a Terraform
 * configuration reference, a CloudFormation Ref or Fn::GetAtt), or a
 * CloudFormation value built from pseudo parameters and resource
 * attributes, which the adapter keeps as a symbol string under the unknown
 * mark ("arn:${AWS::Partition}:s3:::logs-${AWS::AccountId}"). A symbol
 * that contains "*" or "?" counts only when it is also a reference, because
 * IAM may read those characters as wildcards. A concrete value is a
 * specific identifier, never a wildcard. */
int cursor_is_concrete(const cursor *c);

/* Appends the path from the resource root to the cursor. */
void cursor_render_path(const cursor *c, strbuf *sb);

/* Lenient readers for scalars as inputs write them: booleans may be the
 * strings "true"/"false" (any case) and numbers may be decimal strings.
 * Each returns 1 and stores the value, or 0 when the value is not of that
 * kind. */
int json_as_bool(const json_t *value, int *out);
int json_as_number(const json_t *value, double *out);

/* Lenient equality: JSON equality, plus the conversions above between a
 * boolean or number and its string spelling. With `ignore_case`, strings
 * compare without regard to ASCII case. */
int json_lenient_equal(const json_t *a, const json_t *b, int ignore_case);

#endif
