/* Places in an AWS Config document, the attribute sources recorded from
 * them, and the errors reported at them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "awsconfig.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/path.h"

/* Places. */

void awsconfig_place_init(awsconfig_place *p)
{
    sb_init(&p->pointer);
    sb_init(&p->inner);
    p->in_string = 0;
}

void awsconfig_place_free(awsconfig_place *p)
{
    sb_free(&p->pointer);
    sb_free(&p->inner);
}

size_t awsconfig_place_step(awsconfig_place *p, const char *key)
{
    strbuf *sb = p->in_string ? &p->inner : &p->pointer;
    size_t mark = sb->len;
    json_pointer_append(sb, key);
    return mark;
}

size_t awsconfig_place_index(awsconfig_place *p, size_t index)
{
    strbuf *sb = p->in_string ? &p->inner : &p->pointer;
    size_t mark = sb->len;
    json_pointer_append_index(sb, index);
    return mark;
}

void awsconfig_place_restore(awsconfig_place *p, size_t mark)
{
    sb_truncate(p->in_string ? &p->inner : &p->pointer, mark);
}

int awsconfig_place_failed(const awsconfig_place *p)
{
    return p->pointer.failed || p->inner.failed;
}

int awsconfig_place_copy(awsconfig_place *to, const awsconfig_place *from)
{
    awsconfig_place_init(to);
    sb_puts(&to->pointer, sb_str(&from->pointer));
    sb_puts(&to->inner, sb_str(&from->inner));
    to->in_string = from->in_string;
    return awsconfig_place_failed(to) ? -1 : 0;
}

int awsconfig_fail(soc2_loader *loader, const awsconfig_place *place, const char *fmt, ...)
{
    strbuf message = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&message, fmt, ap);
    va_end(ap);
    if (place->in_string)
        sb_printf(&message, " (at %s inside the JSON string)",
                  place->inner.len ? sb_str(&place->inner) : "the top");
    int rc = message.failed ? error_nomem()
                            : loader_fail(loader, SOC2_EFORMAT, sb_str(&place->pointer), "%s",
                                          sb_str(&message));
    sb_free(&message);
    return rc;
}

/* Returns whether jansson fails to allocate now: after a jansson call
 * failed, this separates running out of memory from invalid input.
 * NOTE: jansson 2.14 does not always report running out of memory as such
 * (a parse may then fail with a syntax error, and json_stringn() returns
 * NULL for invalid UTF-8 and for no memory alike), so a failed allocation
 * right after is taken as the cause. */
int awsconfig_out_of_memory(void)
{
    json_t *probe = json_object();
    json_decref(probe);
    return probe == NULL;
}

json_t *awsconfig_parse_string(const char *text, size_t length, int *nomem)
{
    json_error_t err;
    json_t *value = json_loadb(text, length, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
    *nomem = !value && (json_error_code(&err) == json_error_out_of_memory ||
                        awsconfig_out_of_memory());
    return value;
}

/* Sources. */

void awsconfig_attrs_free(awsconfig_attrs *a)
{
    json_decref(a->attrs);
    for (size_t i = 0; i < a->source_count; i++) {
        free(a->sources[i].path);
        free(a->sources[i].pointer);
    }
    free(a->sources);
    memset(a, 0, sizeof(*a));
}

static int add_source(awsconfig_attrs *a, const char *path, const char *pointer)
{
    awsconfig_source s = {strdup(path), strdup(pointer)};
    if (!s.path || !s.pointer || ARRAY_PUSH(a->sources, a->source_count, a->source_cap, s) < 0) {
        free(s.path);
        free(s.pointer);
        return -1;
    }
    return 0;
}

/* Records every path below `path` in `value` at `pointer`. */
static int add_subtree_sources(awsconfig_attrs *a, strbuf *path, const json_t *value,
                               const char *pointer)
{
    size_t mark = path->len;
    int rc = 0;
    if (json_is_object(value)) {
        const char *key;
        json_t *child;
        json_object_foreach((json_t *)value, key, child) {
            path_append_key(path, key);
            rc = path->failed || add_source(a, sb_str(path), pointer) < 0 ||
                         add_subtree_sources(a, path, child, pointer) < 0
                     ? -1
                     : 0;
            sb_truncate(path, mark);
            if (rc < 0)
                return -1;
        }
    } else if (json_is_array(value)) {
        for (size_t i = 0; i < json_array_size(value); i++) {
            path_append_index(path, i);
            rc = path->failed || add_source(a, sb_str(path), pointer) < 0 ||
                         add_subtree_sources(a, path, json_array_get(value, i), pointer) < 0
                     ? -1
                     : 0;
            sb_truncate(path, mark);
            if (rc < 0)
                return -1;
        }
    }
    return 0;
}

int awsconfig_attrs_source(awsconfig_attrs *a, const char *path, const awsconfig_place *place,
                           const json_t *value)
{
    const char *pointer = sb_str(&place->pointer);
    if (add_source(a, path, pointer) < 0)
        return -1;
    if (!place->in_string || !value)
        return 0;

    /* Inside a JSON string no position below the string exists, and a path
     * recorded only above would be extended with its own steps. */
    strbuf below = STRBUF_INIT;
    sb_puts(&below, path);
    int rc = below.failed ? -1 : add_subtree_sources(a, &below, value, pointer);
    sb_free(&below);
    return rc;
}
