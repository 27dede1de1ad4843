#include "result.h"

#include <stdarg.h>

void result_init(eval_result *r)
{
    r->value = TV_FALSE;
    r->resource = NULL;
    r->reference = 0;
    sb_init(&r->path);
    sb_init(&r->note);
}

void result_free(eval_result *r)
{
    sb_free(&r->path);
    sb_free(&r->note);
}

void result_set(eval_result *r, tv value, const cursor *at)
{
    r->value = value;
    r->reference = 0;
    sb_reset(&r->path);
    sb_reset(&r->note);
    r->resource = at ? at->resource : NULL;
    if (at)
        cursor_render_path(at, &r->path);
}

void result_set_below(eval_result *r, tv value, const cursor *at, const char *suffix)
{
    result_set(r, value, at);
    if (r->path.len == 0 && suffix[0] == '.')
        suffix++;
    sb_puts(&r->path, suffix);
}

void result_note(eval_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_reset(&r->note);
    sb_vprintf(&r->note, fmt, ap);
    va_end(ap);
}

void result_move(eval_result *dst, eval_result *src)
{
    result_free(dst);
    *dst = *src;
    result_init(src);
}
