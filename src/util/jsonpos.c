#include "jsonpos.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strmap.h"

#define MAX_DEPTH 2048

typedef struct scanner {
    const char *p;
    const char *end;
    int line;
    int column;
} scanner;

static void advance(scanner *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->column = 1;
    } else if (((unsigned char)*s->p & 0xC0) != 0x80) {
        /* Columns count characters: UTF-8 continuation bytes add none. */
        s->column++;
    }
    s->p++;
}

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        advance(s);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void put_utf8(strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        sb_putc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_putc(sb, (char)(0xC0 | (cp >> 6)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_putc(sb, (char)(0xE0 | (cp >> 12)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_putc(sb, (char)(0xF0 | (cp >> 18)));
        sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_putc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

static int read_hex4(scanner *s, unsigned long *out)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        if (s->p >= s->end)
            return -1;
        int h = hex_value(*s->p);
        if (h < 0)
            return -1;
        v = v * 16 + (unsigned long)h;
        advance(s);
    }
    *out = v;
    return 0;
}

/* Reads a string starting at the opening quote; decodes it into `out` when
 * `out` is not NULL. */
static int read_string(scanner *s, strbuf *out)
{
    advance(s);
    while (s->p < s->end && *s->p != '"') {
        if (*s->p != '\\') {
            if (out)
                sb_putc(out, *s->p);
            advance(s);
            continue;
        }
        advance(s);
        if (s->p >= s->end)
            return -1;
        char c = *s->p;
        advance(s);
        unsigned long cp;
        switch (c) {
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case '"': case '\\': case '/': cp = (unsigned char)c; break;
        case 'u':
            if (read_hex4(s, &cp) < 0)
                return -1;
            if (cp >= 0xD800 && cp < 0xDC00 && s->end - s->p >= 6 && s->p[0] == '\\' &&
                s->p[1] == 'u') {
                advance(s);
                advance(s);
                unsigned long low;
                if (read_hex4(s, &low) < 0)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            break;
        default:
            return -1;
        }
        if (out)
            put_utf8(out, cp);
    }
    if (s->p >= s->end)
        return -1;
    advance(s);
    return 0;
}

static int skip_value(scanner *s, int depth);

static int skip_container(scanner *s, char close, int is_object, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    advance(s);
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        advance(s);
        return 0;
    }
    for (;;) {
        if (is_object) {
            skip_space(s);
            if (s->p >= s->end || *s->p != '"' || read_string(s, NULL) < 0)
                return -1;
            skip_space(s);
            if (s->p >= s->end || *s->p != ':')
                return -1;
            advance(s);
        }
        if (skip_value(s, depth + 1) < 0)
            return -1;
        skip_space(s);
        if (s->p >= s->end)
            return -1;
        if (*s->p == close) {
            advance(s);
            return 0;
        }
        if (*s->p != ',')
            return -1;
        advance(s);
    }
}

static int skip_value(scanner *s, int depth)
{
    skip_space(s);
    if (s->p >= s->end)
        return -1;
    switch (*s->p) {
    case '{': return skip_container(s, '}', 1, depth);
    case '[': return skip_container(s, ']', 0, depth);
    case '"': return read_string(s, NULL);
    default:
        while (s->p < s->end && strchr(",]} \t\r\n", *s->p) == NULL)
            advance(s);
        return 0;
    }
}

/* Decodes the next reference token of `pointer` into `token`; returns the
 * rest of the pointer, or NULL when there is no token left. */
static const char *next_token(const char *pointer, strbuf *token)
{
    if (*pointer != '/')
        return NULL;
    sb_reset(token);
    sb_puts(token, "");
    const char *p = pointer + 1;
    while (*p && *p != '/') {
        if (p[0] == '~' && p[1] == '1') {
            sb_putc(token, '/');
            p += 2;
        } else if (p[0] == '~' && p[1] == '0') {
            sb_putc(token, '~');
            p += 2;
        } else {
            sb_putc(token, *p++);
        }
    }
    return p;
}

static int parse_index(const char *s, size_t *out)
{
    if (!*s)
        return -1;
    size_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int descend(scanner *s, const char *token)
{
    skip_space(s);
    if (s->p >= s->end)
        return -1;

    if (*s->p == '[') {
        size_t index;
        if (parse_index(token, &index) < 0)
            return -1;
        advance(s);
        for (size_t i = 0; i < index; i++) {
            if (skip_value(s, 1) < 0)
                return -1;
            skip_space(s);
            if (s->p >= s->end || *s->p != ',')
                return -1;
            advance(s);
        }
        skip_space(s);
        return (s->p < s->end && *s->p != ']') ? 0 : -1;
    }

    if (*s->p != '{')
        return -1;
    advance(s);
    strbuf key = STRBUF_INIT;
    for (;;) {
        skip_space(s);
        if (s->p >= s->end || *s->p != '"')
            break;
        sb_reset(&key);
        sb_puts(&key, "");
        if (read_string(s, &key) < 0)
            break;
        skip_space(s);
        if (s->p >= s->end || *s->p != ':')
            break;
        advance(s);
        skip_space(s);
        if (strcmp(sb_str(&key), token) == 0) {
            sb_free(&key);
            return 0;
        }
        if (skip_value(s, 1) < 0)
            break;
        skip_space(s);
        if (s->p >= s->end || *s->p != ',')
            break;
        advance(s);
    }
    sb_free(&key);
    return -1;
}

int json_locate(const char *text, size_t length, const char *pointer, int *line, int *column)
{
    scanner s = {text, text + length, 1, 1};
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3;

    strbuf token = STRBUF_INIT;
    const char *rest = pointer;
    int rc = 0;
    while (rc == 0 && (rest = next_token(rest, &token)) != NULL)
        rc = descend(&s, sb_str(&token));
    sb_free(&token);
    if (rc < 0)
        return -1;

    skip_space(&s);
    *line = s.line;
    *column = s.column;
    return 0;
}

void json_pointer_append(strbuf *sb, const char *token)
{
    sb_putc(sb, '/');
    for (const char *p = token; *p; p++) {
        if (*p == '~')
            sb_puts(sb, "~0");
        else if (*p == '/')
            sb_puts(sb, "~1");
        else
            sb_putc(sb, *p);
    }
}

void json_pointer_append_index(strbuf *sb, size_t index)
{
    sb_printf(sb, "/%zu", index);
}

/* Batch lookup. Every requested pointer and every ancestor of one is a key
 * of `wanted`; the walk records each one's position and descends only into
 * values whose pointer is wanted, skipping the rest of the document. */

typedef struct located {
    int found;
    int line;
    int column;
} located;

static int walk(scanner *s, strbuf *pointer, strmap *wanted, int depth)
{
    skip_space(s);
    if (s->p >= s->end)
        return -1;

    located *here = strmap_getn(wanted, sb_str(pointer), pointer->len);
    if (!here)
        return skip_value(s, depth);
    here->found = 1;
    here->line = s->line;
    here->column = s->column;

    char open = *s->p;
    if (open != '{' && open != '[')
        return skip_value(s, depth);
    if (depth > MAX_DEPTH)
        return -1;

    int is_object = open == '{';
    char close = is_object ? '}' : ']';
    advance(s);
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        advance(s);
        return 0;
    }

    strbuf key = STRBUF_INIT;
    size_t mark = pointer->len;
    int rc = 0;
    for (size_t index = 0;; index++) {
        if (is_object) {
            skip_space(s);
            sb_reset(&key);
            sb_puts(&key, "");
            if (s->p >= s->end || *s->p != '"' || read_string(s, &key) < 0) {
                rc = -1;
                break;
            }
            skip_space(s);
            if (s->p >= s->end || *s->p != ':') {
                rc = -1;
                break;
            }
            advance(s);
            json_pointer_append(pointer, sb_str(&key));
        } else {
            json_pointer_append_index(pointer, index);
        }
        rc = pointer->failed ? -1 : walk(s, pointer, wanted, depth + 1);
        sb_truncate(pointer, mark);
        if (rc < 0)
            break;
        skip_space(s);
        if (s->p >= s->end) {
            rc = -1;
            break;
        }
        if (*s->p == close) {
            advance(s);
            break;
        }
        if (*s->p != ',') {
            rc = -1;
            break;
        }
        advance(s);
    }
    sb_free(&key);
    return rc;
}

static void free_located(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    free(value);
}

/* Adds `pointer` and each of its ancestors to `wanted`. */
static int want(strmap *wanted, const char *pointer)
{
    size_t length = strlen(pointer);
    for (;;) {
        strmap_entry *e = strmap_upsert(wanted, pointer, length);
        if (!e)
            return -1;
        if (!e->value && !(e->value = calloc(1, sizeof(located))))
            return -1;
        if (length == 0)
            return 0;
        while (length > 0 && pointer[length - 1] != '/')
            length--;
        length--;
    }
}

int json_locate_many(const char *text, size_t length, const char *const *pointers, size_t count,
                     int *lines, int *columns)
{
    strmap wanted = STRMAP_INIT;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = want(&wanted, pointers[i]);

    if (rc == 0) {
        scanner s = {text, text + length, 1, 1};
        if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            s.p += 3;
        strbuf pointer = STRBUF_INIT;
        sb_puts(&pointer, "");
        /* A document that turns out malformed past some point still gives
         * the positions found before it. */
        walk(&s, &pointer, &wanted, 0);
        sb_free(&pointer);

        for (size_t i = 0; i < count; i++) {
            lines[i] = columns[i] = 0;
            size_t n = strlen(pointers[i]);
            for (;;) {
                const located *at = strmap_getn(&wanted, pointers[i], n);
                if (at && at->found) {
                    lines[i] = at->line;
                    columns[i] = at->column;
                    break;
                }
                if (n == 0)
                    break;
                while (n > 0 && pointers[i][n - 1] != '/')
                    n--;
                n--;
            }
        }
    }
    strmap_foreach(&wanted, free_located, NULL);
    strmap_free(&wanted);
    return rc;
}

int json_find_nul(const char *text, size_t length, size_t end, int *line, int *column)
{
    if (end > length)
        end = length;
    const char *nul = memchr(text, '\0', end);
    if (!nul)
        return 0;
    int l = 1, c = 1;
    for (const char *p = text; p < nul; p++) {
        if (*p == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
    return 1;
}
